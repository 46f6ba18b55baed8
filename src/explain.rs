//! `explain`: the trust chain of every spoke, read from the model — which pod presents which SPIFFE ID,
//! the token it sends to which server (iss, aud, sub), what the spoke checks, and the username and RBAC
//! it becomes. As text for people, or as a Mermaid diagram for READMEs.

use crate::model::{Connection, Model, Spoke};
use std::fmt::Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Mermaid,
}

pub fn explain(model: &Model, format: Format) -> String {
    match format {
        Format::Text => text(model),
        Format::Mermaid => mermaid(model),
    }
}

/// What makes the spoke trust the issuer, in words.
fn authenticator(spoke: &Spoke) -> String {
    spoke.kind.describe()
}

fn rbac(spoke: &Spoke) -> String {
    let a = &spoke.access;
    if a.namespaces.is_empty() {
        format!("ClusterRoleBinding {} → ClusterRole {}", a.binding_name, a.cluster_role)
    } else {
        format!("RoleBinding {} in {} → ClusterRole {}", a.binding_name, a.namespaces.join(", "), a.cluster_role)
    }
}

fn text(model: &Model) -> String {
    let t = &model.trust;
    let mut out = String::new();
    let _ = writeln!(out, "issuer {} (trust domain {})", t.issuer.url, t.trust_domain);
    let _ = writeln!(out, "  discovery {}", t.issuer.discovery_url);
    for id in &t.identities {
        let _ = writeln!(
            out,
            "  pod {} (ServiceAccount {}/{}) gets {} from {}",
            id.workload, model.gitops.namespace, id.service_account, id.spiffe_id, t.workload_api.endpoint
        );
    }
    if let Some(shared) = &t.shared {
        let _ = writeln!(out, "  ClusterSPIFFEID {} gives both pods {}", shared.name, shared.spiffe_id);
    }
    for spoke in &model.spokes {
        let c = &spoke.contract;
        let _ = writeln!(out, "\nspoke {} ({}) at {}", spoke.name, spoke.kind.name(), c.server);
        let Connection::ClusterSecret { exec, tls } = &c.connection;
        let _ = writeln!(
            out,
            "  Argo CD runs {} ({}) from cluster Secret {}/{}; TLS: {}",
            exec.command,
            exec.api_version,
            model.gitops.namespace,
            spoke.name,
            match (&tls.ca_data, tls.insecure) {
                (Some(_), _) => "caData",
                (None, true) => "NOT VERIFIED (insecure)",
                (None, false) => "system roots",
            }
        );
        let mut subs: Vec<&str> = t.identities.iter().map(|i| i.spiffe_id.as_str()).collect();
        subs.dedup();
        for (sub, username) in subs.iter().zip(&c.usernames) {
            let _ = writeln!(out, "  token iss={} aud={} sub={}", t.issuer.url, c.audience, sub);
            let _ = writeln!(out, "    → username {username}");
        }
        let _ = writeln!(out, "  checked by {}", authenticator(spoke));
        let prefix = c.username.prefix.as_deref().map_or("no prefix".to_string(), |p| format!("prefix `{p}`"));
        let _ = writeln!(out, "    username = claim `{}`, {prefix}", c.username.claim);
        for rule in &c.required_claims {
            let _ = writeln!(out, "    requires {} = {}", rule.claim, rule.value);
        }
        let _ = writeln!(
            out,
            "    issuer CA: {}",
            if c.issuer_ca.is_some() { "issuerCA (PEM from the config)" } else { "the spoke's system trust store" }
        );
        let _ = writeln!(out, "  RBAC: {}", rbac(spoke));
    }
    out
}

/// A Mermaid `flowchart` id: letters, digits and `_` only.
fn id(prefix: &str, name: &str) -> String {
    let safe: String = name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    format!("{prefix}_{safe}")
}

/// Mermaid labels are quoted; a `"` inside would end them, and a line break the statement: both are
/// written as Mermaid entity codes (`#quot;`, `#10;`), as is every other control character and line
/// separator. The config refuses such audiences, but a label never relies on that.
fn label(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') => out.push_str(&format!("#{};", c as u32)),
            c => out.push(c),
        }
    }
    out
}

fn mermaid(model: &Model) -> String {
    let t = &model.trust;
    let mut out = String::from("flowchart LR\n");
    let _ = writeln!(out, "  subgraph management[\"management cluster\"]");
    let _ = writeln!(out, "    issuer[\"SPIRE OIDC issuer<br/>{}\"]", label(&t.issuer.url));
    for i in &t.identities {
        let _ = writeln!(out, "    {}[\"{}<br/>{}\"]", id("pod", &i.workload), label(&i.workload), label(&i.spiffe_id));
        let _ = writeln!(out, "    issuer -. JWT-SVID .-> {}", id("pod", &i.workload));
    }
    let _ = writeln!(out, "  end");
    for spoke in &model.spokes {
        let c = &spoke.contract;
        let s = id("spoke", &spoke.name);
        let _ = writeln!(out, "  subgraph {s}[\"spoke {} ({})\"]", label(&spoke.name), spoke.kind.name());
        let _ = writeln!(out, "    {}[\"{}\"]", id("auth", &spoke.name), label(&authenticator(spoke)));
        let users = c.usernames.iter().map(|u| label(u)).collect::<Vec<_>>().join("<br/>");
        let _ = writeln!(out, "    {}[\"{}<br/>{}\"]", id("rbac", &spoke.name), users, label(&rbac(spoke)));
        let _ = writeln!(out, "    {} --> {}", id("auth", &spoke.name), id("rbac", &spoke.name));
        let _ = writeln!(out, "  end");
        for i in &t.identities {
            let _ = writeln!(
                out,
                "  {} -- \"aud={}\" --> {}",
                id("pod", &i.workload),
                label(&c.audience),
                id("auth", &spoke.name)
            );
        }
        let _ = writeln!(out, "  {} -. keys .-> issuer", id("auth", &spoke.name));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::label;

    #[test]
    fn a_mermaid_label_stays_one_quoted_label() {
        // Found by fuzzing: an audience with a line break ended the Mermaid statement.
        assert_eq!(label("aud \"x\"\nerror\r\u{2028}"), "aud #quot;x#quot;#10;error#13;#8232;");
        assert_eq!(label("https://spoke-a.example.com"), "https://spoke-a.example.com");
    }
}
