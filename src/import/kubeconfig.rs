//! The part of a kubeconfig `import` reads: each chosen context's cluster `server` and CA, and which kind
//! of credential its user has (to say what the keyless setup replaces; the credential itself is never
//! read into anything we print).

use serde::Deserialize;
use std::path::Path;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", default)]
pub struct Kubeconfig {
    pub current_context: String,
    pub clusters: Vec<Named<Cluster>>,
    pub contexts: Vec<Named<Context>>,
    pub users: Vec<Named<User>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Named<T: Default> {
    pub name: String,
    #[serde(alias = "cluster", alias = "context", alias = "user")]
    pub value: T,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", default)]
pub struct Cluster {
    pub server: String,
    pub certificate_authority_data: String,
    pub certificate_authority: String,
    pub insecure_skip_tls_verify: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Context {
    pub cluster: String,
    pub user: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", default)]
pub struct User {
    pub token: Option<serde_json::Value>,
    pub token_file: Option<serde_json::Value>,
    pub username: Option<serde_json::Value>,
    pub client_certificate_data: Option<serde_json::Value>,
    pub client_certificate: Option<serde_json::Value>,
    pub exec: Option<serde_json::Value>,
    pub auth_provider: Option<serde_json::Value>,
}

impl User {
    /// The credential, in the words `import` uses for a cluster Secret's.
    pub fn credential(&self) -> Option<&'static str> {
        if self.token.is_some() || self.token_file.is_some() {
            Some("bearer token")
        } else if self.client_certificate_data.is_some() || self.client_certificate.is_some() {
            Some("client certificate")
        } else if self.username.is_some() {
            Some("basic auth")
        } else if self.exec.is_some() {
            Some("exec plugin")
        } else if self.auth_provider.is_some() {
            Some("auth provider")
        } else {
            None
        }
    }
}

/// One chosen context: what a spoke needs from it.
#[derive(Debug)]
pub struct Chosen {
    pub context: String,
    pub server: String,
    /// Base64 of the PEM CA (a `certificate-authority` file is read and encoded).
    pub ca_data: Option<String>,
    pub insecure: bool,
    pub credential: Option<&'static str>,
}

/// Reads a kubeconfig and picks `contexts` (none: its current context). Each problem is a sentence.
pub fn choose(path: &Path, contexts: &[String]) -> (Vec<Chosen>, Vec<String>) {
    use base64::Engine;
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => return (Vec::new(), vec![format!("cannot read {}: {e}", path.display())]),
    };
    let config: Kubeconfig = match crate::yaml::from_str(&text)
        .map_err(|e| e.to_string())
        .and_then(|v| serde_yaml_ng::from_value(v).map_err(|e| format!("not a kubeconfig: {e}")))
    {
        Ok(c) => c,
        Err(e) => return (Vec::new(), vec![format!("{}: {e}", path.display())]),
    };
    let wanted: Vec<String> =
        if contexts.is_empty() { vec![config.current_context.clone()] } else { contexts.to_vec() };
    let (mut chosen, mut problems) = (Vec::new(), Vec::new());
    for name in wanted.iter().filter(|n| !n.is_empty()) {
        let Some(context) = config.contexts.iter().find(|c| &c.name == name) else {
            problems.push(format!(
                "{}: no context `{}`; `oc config get-contexts --kubeconfig {}` lists them.",
                path.display(),
                name.escape_debug(),
                path.display()
            ));
            continue;
        };
        let Some(cluster) = config.clusters.iter().find(|c| c.name == context.value.cluster) else {
            problems.push(format!(
                "{}: context `{}` names no cluster in the file.",
                path.display(),
                name.escape_debug()
            ));
            continue;
        };
        let c = &cluster.value;
        let ca_data = if !c.certificate_authority_data.is_empty() {
            Some(c.certificate_authority_data.clone())
        } else if !c.certificate_authority.is_empty() {
            let file = path.parent().unwrap_or(Path::new(".")).join(&c.certificate_authority);
            match std::fs::read(&file) {
                Ok(pem) => Some(base64::engine::general_purpose::STANDARD.encode(pem)),
                Err(e) => {
                    problems.push(format!(
                        "{}: context `{name}`: cannot read its CA file {}: {e}",
                        path.display(),
                        file.display()
                    ));
                    None
                }
            }
        } else {
            None
        };
        let credential = config.users.iter().find(|u| u.name == context.value.user).and_then(|u| u.value.credential());
        chosen.push(Chosen {
            context: name.clone(),
            server: c.server.trim_end_matches('/').to_string(),
            ca_data,
            insecure: c.insecure_skip_tls_verify,
            credential,
        });
    }
    if wanted.iter().all(String::is_empty) {
        problems.push(format!("{}: no current-context; name the contexts with --context.", path.display()));
    }
    (chosen, problems)
}
