//! Stage 2b: every rule a config must satisfy before a model is built. Rules collect problems; none
//! stops at the first. Derived values (the issuer URL, ServiceAccount names, audiences, the rendered
//! download URL) are computed by the same functions the model uses, so what is validated is exactly
//! what is emitted.
//!
//! Diagnostics come out in config order (top to bottom); a duplicate is reported at its second
//! occurrence, naming the first.

use super::{Application, ExecAuth, Gitops, Spec, Spoke, Ztwim};
use crate::diag::Diagnostics;
use crate::model::{self, Component, Target};
use base64::Engine;
use std::collections::BTreeMap;

/// The only ZTWIM channel whose API (1.0, `operator.openshift.io/v1alpha1` with trustDomain on
/// `ZeroTrustWorkloadIdentityManager`) the generators emit.
pub const SUPPORTED_ZTWIM_CHANNEL: &str = "stable-v1";

/// Substrings of namespace names that ZTWIM's SPIRE controller manager ignores (its `ignoreNamespaces`
/// entries are unanchored regexes), so pods there never get an SVID.
pub const IGNORED_NAMESPACE_PATTERNS: &[&str] = &["openshift", "kube-system", "kube-public", "local-path-storage"];

/// Paths that already hold something in Argo CD's controller and server containers (or the base image):
/// mounting a volume on one of them, or on a parent, hides it.
const RESERVED_PATHS: &[&str] = &[
    "/tmp",
    "/usr/local/bin",
    "/home/argocd",
    "/app/config",
    "/bin",
    "/sbin",
    "/usr/bin",
    "/usr/sbin",
    "/lib",
    "/lib64",
    "/usr/lib",
    "/usr/lib64",
    "/etc",
    "/dev",
    "/proc",
    "/sys",
    "/var/run/secrets",
];

/// Checks a typed spec. Paths are structured (`spec.spokes.1.server`).
pub fn validate(spec: &Spec) -> Diagnostics {
    let mut d = Diagnostics::default();
    let app_domain_ok = app_domain(spec, &mut d);
    if !spec.trust_domain.is_empty() {
        if let Some(problem) = trust_domain_problem(&spec.trust_domain) {
            d.error(
                "spec.trustDomain",
                format!(
                    "trustDomain `{}` is not a valid SPIFFE trust domain: {problem}. Use lower-case letters, digits, `-` and `.`, e.g. `mgmt.example.com`, or leave it empty to use appDomain.",
                    spec.trust_domain
                ),
            );
        }
    }
    target(spec, &mut d);
    ztwim(spec, &spec.management.ztwim, app_domain_ok, &mut d);
    gitops(&spec.management.gitops, &mut d);
    exec_auth(&spec.management.exec_auth, &mut d);
    spokes(spec, &mut d);
    applications(spec, &mut d);
    d
}

fn app_domain(spec: &Spec, d: &mut Diagnostics) -> bool {
    if spec.app_domain.is_empty() {
        d.error(
            "spec.appDomain",
            "appDomain is required: set the management cluster's apps domain, e.g. `appDomain: apps.mgmt.example.com`.",
        );
        return false;
    }
    match bare_domain_problem(&spec.app_domain) {
        None => true,
        Some(problem) => {
            d.error(
                "spec.appDomain",
                format!(
                    "appDomain `{}` is not a bare DNS name: {problem}. Write only the apps domain, e.g. `apps.mgmt.example.com` (see `oc get ingresses.config cluster -o jsonpath='{{.spec.domain}}'`).",
                    spec.app_domain
                ),
            );
            false
        }
    }
}

fn target(spec: &Spec, d: &mut Diagnostics) {
    let choices = || {
        let spokes = spoke_names(spec).into_iter().map(|n| format!("spoke/{n}"));
        ["all".to_string(), "management".to_string()].into_iter().chain(spokes).collect::<Vec<_>>().join(", ")
    };
    let problem = match Target::parse(&spec.target) {
        None => "is not one of `all`, `management` or `spoke/<name>`",
        Some(Target::Spoke(name)) if !spec.spokes.iter().any(|s| s.name == name) => "names no spoke in spec.spokes",
        Some(_) => return,
    };
    d.error("spec.target", format!("target `{}` {problem}; use one of: {}.", spec.target, choices()));
}

fn ztwim(spec: &Spec, z: &Ztwim, app_domain_ok: bool, d: &mut Diagnostics) {
    let p = "spec.management.ztwim";
    if !is_dns_label(&z.namespace) {
        d.error(format!("{p}.namespace"), format!("namespace `{}` is not a DNS-1123 label; {LABEL_RULE}; the default is `zero-trust-workload-identity-manager`.", z.namespace));
    }
    if z.channel.starts_with("tech-preview") {
        d.error(
            format!("{p}.channel"),
            format!(
                "channel `{}` installs ZTWIM 0.x, whose API is different and obsolete (trustDomain on every operand, no ZeroTrustWorkloadIdentityManager fields); only the 1.0 API is supported: set `channel: {SUPPORTED_ZTWIM_CHANNEL}`.",
                z.channel
            ),
        );
    } else if z.channel != SUPPORTED_ZTWIM_CHANNEL {
        d.warning(
            format!("{p}.channel"),
            format!(
                "channel `{}` is not `{SUPPORTED_ZTWIM_CHANNEL}`, the only channel whose API these manifests are written for; make sure it serves the 1.0 API, or set `channel: {SUPPORTED_ZTWIM_CHANNEL}`.",
                z.channel
            ),
        );
    }
    if z.cluster_name.is_empty() || z.cluster_name.len() > 63 || !is_dns_subdomain(&z.cluster_name) {
        d.error(
            format!("{p}.clusterName"),
            format!(
                "clusterName `{}` must be 1-63 characters and a DNS-1123 subdomain (ZTWIM's CRD enforces it, and it cannot be changed later); e.g. `management-cluster`.",
                z.cluster_name
            ),
        );
    }
    let issuer = model::jwt_issuer(spec);
    if !z.jwt_issuer.is_empty() {
        if let Some(problem) = issuer_problem(&issuer) {
            d.error(
                format!("{p}.jwtIssuer"),
                format!(
                    "jwtIssuer `{issuer}` {problem}. The spoke's issuerURL, the token's `iss` and the discovery document must match byte for byte, so write exactly `https://<host>`, e.g. `https://spire-spiffe-oidc-discovery-provider.apps.mgmt.example.com`, or leave it empty for that default."
                ),
            );
        }
    } else if app_domain_ok {
        if let Some(problem) = issuer_problem(&issuer) {
            d.error(
                "spec.appDomain",
                format!(
                    "the jwtIssuer derived from appDomain, `{issuer}`, {problem}; shorten appDomain or set spec.management.ztwim.jwtIssuer explicitly."
                ),
            );
        }
    }
}

fn gitops(g: &Gitops, d: &mut Diagnostics) {
    let p = "spec.management.gitops";
    if !is_dns_label(&g.namespace) {
        d.error(
            format!("{p}.namespace"),
            format!("namespace `{}` is not a DNS-1123 label; {LABEL_RULE}; e.g. `ztwim-gitops`.", g.namespace),
        );
    } else if let Some(pattern) = IGNORED_NAMESPACE_PATTERNS.iter().find(|pat| g.namespace.contains(*pat)) {
        d.error(
            format!("{p}.namespace"),
            format!(
                "namespace `{}` contains `{pattern}`: ZTWIM's SPIRE controller manager ignores every namespace matching its unanchored patterns {}, so Argo CD's pods there would get no SPIFFE identity. Pick a name without them, e.g. `ztwim-gitops`.",
                g.namespace,
                IGNORED_NAMESPACE_PATTERNS.join(", ")
            ),
        );
    }
    if !is_dns_label(&g.name) {
        d.error(
            format!("{p}.name"),
            format!("name `{}` is not a DNS-1123 label; {LABEL_RULE}; e.g. `openshift-gitops`.", g.name),
        );
    } else {
        for component in Component::ALL {
            let sa = model::service_account(&g.name, component);
            if sa.len() > 63 {
                d.error(
                    format!("{p}.name"),
                    format!(
                        "name `{}` is too long: the operator's ServiceAccount `{sa}` would be {} characters, over 63, so the operator truncates it with a hash and the SPIFFE IDs would no longer match; use at most {} characters.",
                        g.name,
                        sa.len(),
                        63 - (sa.len() - g.name.len())
                    ),
                );
                break;
            }
        }
    }
    if !g.host.is_empty() {
        if let Some(problem) = bare_domain_problem(&g.host) {
            d.error(
                format!("{p}.host"),
                format!("host `{}` is not a bare host name: {problem}. Write e.g. `ztwim-gitops.apps.mgmt.example.com`, or leave it empty for `<namespace>.<appDomain>`.", g.host),
            );
        }
    }
    if !matches!(g.argocd_spec, serde_yaml_ng::Value::Mapping(_) | serde_yaml_ng::Value::Null) {
        d.error(
            format!("{p}.argocdSpec"),
            "argocdSpec must be a map of ArgoCD spec fields (it is merged into the generated spec), e.g. `argocdSpec: {server: {replicas: 2}}`.",
        );
    }
}

fn exec_auth(e: &ExecAuth, d: &mut Diagnostics) {
    let p = "spec.management.execAuth";
    if !is_semver_tag(&e.version) {
        d.error(
            format!("{p}.version"),
            format!("version `{}` must be a release tag `vMAJOR.MINOR.PATCH`, e.g. `v0.0.7`.", e.version),
        );
    }
    match model::download_url(e) {
        Err(err) => d.error(
            format!("{p}.downloadURL"),
            format!("downloadURL does not render: {err}. It is a template with `{{{{ version }}}}` and `{{{{ arch }}}}`; fix the template syntax."),
        ),
        Ok(url) if !url.starts_with("https://") || url.len() <= "https://".len() || url.contains(char::is_whitespace) => d.error(
            format!("{p}.downloadURL"),
            format!("downloadURL renders to `{url}`, which is not an https URL without spaces; the plugin binary must be fetched over https."),
        ),
        Ok(_) => {}
    }
    if e.sha256.is_empty() {
        d.warning(
            format!("{p}.sha256"),
            "sha256 is empty, so the downloaded plugin archive is not verified; set it to the archive's hex sha256 as published in the release's `k8s-spiffe-workload-jwt-exec-auth_<version without v>_checksums.txt`, or to the `sha256sum` of an archive you reviewed. The ConfigMap form has no sha256 key; a verified download needs the ZtwimGitOps kind.",
        );
    } else if e.sha256.len() != 64 || !e.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        d.error(
            format!("{p}.sha256"),
            format!("sha256 `{}` must be 64 hex digits, the output of `sha256sum` on the archive.", e.sha256),
        );
    }
    if e.image.is_empty() || e.image.contains(char::is_whitespace) {
        d.error(
            format!("{p}.image"),
            "image must be a container image reference with sh, curl, tar and sha256sum, e.g. `registry.redhat.io/ubi9/ubi:latest`.",
        );
    }
    let mut dirs_ok = true;
    for (field, dir) in [("binDir", &e.bin_dir), ("socketDir", &e.socket_dir)] {
        if let Some(problem) = mount_path_problem(dir) {
            d.error(format!("{p}.{field}"), format!("{field} `{dir}` {problem}."));
            dirs_ok = false;
        }
    }
    let (bin, socket) = (model::mount_dir(&e.bin_dir), model::mount_dir(&e.socket_dir));
    if dirs_ok && (bin == socket || is_under(bin, socket) || is_under(socket, bin)) {
        d.error(
            format!("{p}.socketDir"),
            format!("socketDir `{}` and binDir `{}` must be separate directories, neither inside the other: each is its own volume.", e.socket_dir, e.bin_dir),
        );
    }
}

fn spokes(spec: &Spec, d: &mut Diagnostics) {
    if spec.spokes.is_empty() {
        d.info(
            "spec.spokes",
            "no spokes are configured: only the management cluster's manifests are generated. Add entries to spec.spokes (or `spokeServer` in the ConfigMap form) to manage spoke clusters.",
        );
    }
    let mut names: BTreeMap<&str, usize> = BTreeMap::new();
    let mut servers: BTreeMap<String, usize> = BTreeMap::new();
    let mut audiences: BTreeMap<String, usize> = BTreeMap::new();
    for (i, spoke) in spec.spokes.iter().enumerate() {
        let p = format!("spec.spokes.{i}");
        if spoke.name.is_empty() {
            d.error(format!("{p}.name"), "name is required: a DNS-1123 label such as `spoke-a`.");
        } else if !is_dns_label(&spoke.name) {
            d.error(
                format!("{p}.name"),
                format!("name `{}` is not a DNS-1123 label; {LABEL_RULE}; e.g. `spoke-a`.", spoke.name),
            );
        } else if let Some(&first) = names.get(spoke.name.as_str()) {
            d.error(
                format!("{p}.name"),
                format!("name `{}` is already used by spec.spokes.{first}; spoke names must be unique.", spoke.name),
            );
        } else if model::operator_secrets(&spec.management.gitops.name).contains(&spoke.name) {
            d.error(
                format!("{p}.name"),
                format!(
                    "name `{}` is the name of a Secret the argocd-operator manages in namespace `{}`, and the spoke's cluster Secret (named after the spoke) would overwrite it; rename the spoke.",
                    spoke.name, spec.management.gitops.namespace
                ),
            );
        } else {
            names.insert(&spoke.name, i);
        }
        server(spoke, &p, d);
        let server = model::server(spoke);
        if !spoke.server.is_empty() {
            // Scheme and host are case-insensitive: `API.x` and `api.x` are one server to Argo CD's users.
            if let Some(&first) = servers.get(&server.to_lowercase()) {
                d.error(
                    format!("{p}.server"),
                    format!("server `{server}` is already used by spec.spokes.{first}; Argo CD identifies clusters by server URL, so each spoke needs its own."),
                );
            } else {
                servers.insert(server.to_lowercase(), i);
            }
        }
        let audience = model::audience(spec, spoke);
        if let Some(&first) = audiences.get(&audience) {
            d.warning(
                format!("{p}.audience"),
                format!("audience `{audience}` is also used by spec.spokes.{first}: a token minted for one spoke is accepted by the other. Give each spoke its own audience (or leave spec.audience empty so each uses its name)."),
            );
        } else {
            audiences.insert(audience, i);
        }
        spoke_details(spoke, &p, d);
    }
}

fn server(spoke: &Spoke, p: &str, d: &mut Diagnostics) {
    let path = format!("{p}.server");
    let s = &spoke.server;
    if s.is_empty() {
        d.error(path, "server is required: the spoke API server URL, e.g. `https://api.spoke.example.com:6443`.");
        return;
    }
    let lower = s.to_ascii_lowercase();
    if ["https://https://", "https://http://", "http://https://"].iter().any(|x| lower.starts_with(x)) {
        d.error(
            path,
            format!("server `{s}` has the scheme twice (what `\"https://$(oc whoami --show-server)\"` produces: `oc whoami --show-server` already prints `https://`); remove one `https://`."),
        );
        return;
    }
    let Some(rest) = s.strip_prefix("https://") else {
        d.error(path, format!("server `{s}` must start with `https://`, e.g. `https://api.spoke.example.com:6443`; Argo CD reaches the spoke API over TLS."));
        return;
    };
    let rest = match rest.strip_suffix('/') {
        Some(trimmed) => {
            d.info(
                path.clone(),
                format!("server `{s}` ends with `/`; it is trimmed to `{}`, as Argo CD does.", model::server(spoke)),
            );
            trimmed
        }
        None => rest,
    };
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, port)) => (h, Some(port)),
        None => (rest, None),
    };
    let problem = if rest.contains(['/', '?', '#']) {
        Some("has a path, query or fragment; keep only `https://<host>[:<port>]`".to_string())
    } else if rest.contains('@') {
        Some("has user info; remove everything up to `@` (credentials never go in the URL)".to_string())
    } else if port.is_some_and(|p| p.parse::<u16>().map_or(true, |n| n == 0)) {
        Some("has an invalid port; use a number such as `:6443`".to_string())
    } else if host.is_empty() || !is_dns_subdomain(&host.to_ascii_lowercase()) && !is_ipv4(host) {
        Some("has no valid host name".to_string())
    } else {
        None
    };
    if let Some(problem) = problem {
        d.error(path, format!("server `{s}` {problem}, e.g. `https://api.spoke.example.com:6443`."));
    }
}

fn spoke_details(spoke: &Spoke, p: &str, d: &mut Diagnostics) {
    match model::openshift_version(&spoke.openshift_version) {
        None => d.error(
            format!("{p}.openshiftVersion"),
            format!("openshiftVersion `{}` must be `MAJOR.MINOR`, quoted, e.g. `\"4.20\"`.", spoke.openshift_version),
        ),
        Some(v) if v < (4, 19) => d.error(
            format!("{p}.openshiftVersion"),
            format!("openshiftVersion `{}` is too old: external OIDC authentication (Authentication type OIDC) needs OpenShift 4.19 or later (4.20 without TechPreviewNoUpgrade); upgrade the spoke.", spoke.openshift_version),
        ),
        Some((4, 19)) => d.warning(
            format!("{p}.openshiftVersion"),
            "OpenShift 4.19 needs FeatureGate `TechPreviewNoUpgrade` for external OIDC, which is irreversible and blocks minor upgrades of the spoke; prefer 4.20 or later.",
        ),
        Some(_) => {}
    }
    if spoke.username_prefix.starts_with("system:") {
        d.error(
            format!("{p}.usernamePrefix"),
            format!("usernamePrefix `{}` puts Argo CD's users in the reserved `system:` namespace of Kubernetes usernames, where they could collide with or pass for built-in users; use a prefix such as `spiffe:` or none.", spoke.username_prefix),
        );
    }
    if !spoke.ca_data.is_empty() {
        let problem = if spoke.ca_data.contains("-----BEGIN") {
            Some("is PEM text, but caData is the base64 of the PEM; encode it with `base64 -w0 ca.crt`")
        } else {
            let compact: String = spoke.ca_data.split_whitespace().collect();
            match base64::engine::general_purpose::STANDARD.decode(compact) {
                Err(_) => Some("is not valid base64; encode the PEM CA with `base64 -w0 ca.crt`"),
                Ok(bytes) if !has_pem_certificate(&String::from_utf8_lossy(&bytes)) => {
                    Some("does not decode to a PEM certificate (`-----BEGIN CERTIFICATE-----`)")
                }
                Ok(_) => None,
            }
        };
        if let Some(problem) = problem {
            d.error(format!("{p}.caData"), format!("caData {problem}; it is the CA of the spoke's API server, e.g. from the spoke kubeconfig's certificate-authority-data."));
        }
    }
    if spoke.insecure_skip_tls_verify {
        if spoke.ca_data.is_empty() {
            d.warning(
                format!("{p}.insecureSkipTLSVerify"),
                "insecureSkipTLSVerify is true: Argo CD does not verify the spoke API server's certificate, so anyone on the path can impersonate it and receive its tokens; set caData instead.",
            );
        } else {
            d.error(
                format!("{p}.insecureSkipTLSVerify"),
                "insecureSkipTLSVerify and caData are both set; Kubernetes clients refuse a CA together with the insecure flag. Remove insecureSkipTLSVerify.",
            );
        }
    }
    if !spoke.issuer_ca.is_empty() && !has_pem_certificate(&spoke.issuer_ca) {
        d.error(
            format!("{p}.issuerCA"),
            "issuerCA must be PEM text (`-----BEGIN CERTIFICATE-----` … `-----END CERTIFICATE-----`, not base64 of it): the CA that signs the management cluster's ingress certificate.",
        );
    }
    let cm = model::issuer_ca_configmap(spoke);
    if spoke.oidc_provider_name.is_empty() || !is_dns_subdomain(&cm) {
        d.error(
            format!("{p}.oidcProviderName"),
            format!("oidcProviderName `{}` must be a DNS-1123 subdomain (it names the `{cm}` ConfigMap); e.g. `ztwim-oidc-server`.", spoke.oidc_provider_name),
        );
    }
    if spoke.cluster_role.trim().is_empty() {
        d.error(
            format!("{p}.clusterRole"),
            "clusterRole must name the ClusterRole granted to Argo CD, e.g. `cluster-admin` or `admin`.",
        );
    }
    let mut seen = Vec::new();
    for (j, ns) in spoke.namespaces.iter().enumerate() {
        if !is_dns_label(ns) {
            d.error(format!("{p}.namespaces.{j}"), format!("namespace `{ns}` is not a DNS-1123 label; {LABEL_RULE}."));
        } else if seen.contains(&ns) {
            d.error(format!("{p}.namespaces.{j}"), format!("namespace `{ns}` is listed twice; remove the duplicate."));
        }
        seen.push(ns);
    }
    if !spoke.project.is_empty() && !is_dns_subdomain(&spoke.project) {
        d.error(
            format!("{p}.project"),
            format!(
                "project `{}` is not a valid Argo CD AppProject name (a DNS-1123 subdomain), e.g. `team-a`.",
                spoke.project
            ),
        );
    } else if !spoke.project.is_empty() {
        d.info(
            format!("{p}.project"),
            format!(
                "the cluster Secret scopes this spoke to the AppProject `{}`, which ztwim-gitops does not create: make sure it exists and lists this spoke among its destinations.",
                spoke.project
            ),
        );
    }
    for (key, value) in &spoke.labels {
        if let Some(problem) = label_problem(key, value) {
            d.error(format!("{p}.labels.{key}"), format!("label `{key}: {value}` is invalid: {problem}."));
        }
    }
}

fn applications(spec: &Spec, d: &mut Diagnostics) {
    let mut names: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, app) in spec.applications.iter().enumerate() {
        let p = format!("spec.applications.{i}");
        let required: [(&str, &str, &str); 4] = [
            ("name", &app.name, "e.g. `guestbook`"),
            ("spoke", &app.spoke, "the name of the spoke it deploys to"),
            ("namespace", &app.namespace, "the destination namespace on the spoke"),
            ("repoURL", &app.repo_url, "the Git or Helm repository URL"),
        ];
        for (field, value, hint) in required {
            if value.is_empty() {
                d.error(format!("{p}.{field}"), format!("{field} is required: {hint}."));
            }
        }
        if !app.name.is_empty() {
            if !is_dns_label(&app.name) {
                d.error(
                    format!("{p}.name"),
                    format!(
                        "name `{}` is not a DNS-1123 label (Argo CD puts it in a label value); {LABEL_RULE}.",
                        app.name
                    ),
                );
            } else if let Some(&first) = names.get(app.name.as_str()) {
                d.error(
                    format!("{p}.name"),
                    format!(
                        "name `{}` is already used by spec.applications.{first}; Application names must be unique.",
                        app.name
                    ),
                );
            } else {
                names.insert(&app.name, i);
            }
        }
        application_target(spec, app, &p, d);
        if app.project.is_empty() {
            d.error(format!("{p}.project"), "project must not be empty; use `default` or an AppProject name.");
        }
    }
}

fn application_target(spec: &Spec, app: &Application, p: &str, d: &mut Diagnostics) {
    if !app.namespace.is_empty() && !is_dns_label(&app.namespace) {
        d.error(
            format!("{p}.namespace"),
            format!("namespace `{}` is not a DNS-1123 label; {LABEL_RULE}.", app.namespace),
        );
    }
    if app.spoke.is_empty() {
        return;
    }
    let Some(spoke) = spec.spokes.iter().find(|s| s.name == app.spoke) else {
        let known = spoke_names(spec);
        d.error(
            format!("{p}.spoke"),
            format!(
                "spoke `{}` is not in spec.spokes; use one of: {}.",
                app.spoke,
                if known.is_empty() { "(no spokes configured)".into() } else { known.join(", ") }
            ),
        );
        return;
    };
    if !spoke.namespaces.is_empty() && !app.namespace.is_empty() && !spoke.namespaces.contains(&app.namespace) {
        d.error(
            format!("{p}.namespace"),
            format!(
                "namespace `{}` is not managed on spoke `{}`, which is limited to {}; add it to that spoke's namespaces or deploy to one of them.",
                app.namespace,
                spoke.name,
                spoke.namespaces.join(", ")
            ),
        );
    }
}

/// The distinct non-empty spoke names, in config order, for "use one of" hints.
fn spoke_names(spec: &Spec) -> Vec<&str> {
    let mut names: Vec<&str> = Vec::new();
    for s in &spec.spokes {
        if !s.name.is_empty() && !names.contains(&s.name.as_str()) {
            names.push(&s.name);
        }
    }
    names
}

const LABEL_RULE: &str =
    "use at most 63 lower-case letters, digits and `-`, starting and ending with a letter or digit";

/// RFC 1123 label, as Kubernetes checks names of namespaces and most objects.
fn is_dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// RFC 1123 subdomain with DNS's 63-character label limit (these are host names).
fn is_dns_subdomain(s: &str) -> bool {
    s.len() <= 253 && s.split('.').all(is_dns_label)
}

fn is_ipv4(s: &str) -> bool {
    s.parse::<std::net::Ipv4Addr>().is_ok()
}

/// Why `s` is not a bare lower-case DNS name, if it is not.
fn bare_domain_problem(s: &str) -> Option<&'static str> {
    if s.contains("://") {
        Some("it has a scheme; remove `https://`")
    } else if s.contains('/') {
        Some("it has a path; remove everything from the first `/`")
    } else if s.contains(':') {
        Some("it has a port; remove `:<port>`")
    } else if s.bytes().any(|b| b.is_ascii_uppercase()) {
        Some("it has upper-case letters; write it in lower case")
    } else if !is_dns_subdomain(s) {
        Some("it is not a DNS-1123 subdomain (labels of lower-case letters, digits and `-`, 1-63 characters each, starting and ending with a letter or digit, 253 characters at most)")
    } else {
        None
    }
}

/// ZTWIM's CRD pattern `^[a-z0-9]([a-z0-9\-\.]*[a-z0-9])?$`, at most 255 characters.
fn trust_domain_problem(s: &str) -> Option<&'static str> {
    let ends_ok = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if s.contains("://") {
        Some("it has a scheme; write the bare trust domain without `spiffe://`")
    } else if s.len() > 255 {
        Some("it is longer than 255 characters")
    } else if !s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        || !ends_ok(s.as_bytes().first())
        || !ends_ok(s.as_bytes().last())
    {
        Some("it must match `^[a-z0-9]([a-z0-9\\-\\.]*[a-z0-9])?$`")
    } else {
        None
    }
}

/// Why `url` cannot be the OIDC issuer: it must be exactly `https://<lower-case host>`, the form the
/// discovery document publishes and the Route serves.
fn issuer_problem(url: &str) -> Option<&'static str> {
    let Some(rest) = url.strip_prefix("https://") else {
        return Some("must start with `https://`");
    };
    if rest.ends_with('/') {
        Some("ends with `/`; remove the trailing slash")
    } else if rest.contains(['?', '#']) {
        Some("has a query or fragment; remove it")
    } else if rest.contains('@') {
        Some("has user info; remove everything up to `@`")
    } else if rest.contains('/') {
        Some("has a path; the discovery document is served at the host root, so remove the path")
    } else if rest.contains(':') {
        Some("has a port; the OIDC discovery Route serves on 443 and publishes `https://<host>`, so remove it")
    } else if rest.bytes().any(|b| b.is_ascii_uppercase()) {
        Some("has upper-case letters; the Route host is lower-cased, so write it in lower case")
    } else if rest.is_empty() || !is_dns_subdomain(rest) {
        Some("does not have a valid host name (a DNS-1123 subdomain of at most 253 characters)")
    } else {
        None
    }
}

fn is_semver_tag(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('v') else { return false };
    let parts: Vec<&str> = rest.split('.').collect();
    parts.len() == 3 && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Why `dir` cannot be a volume mount path in Argo CD's containers, if it cannot.
fn mount_path_problem(dir: &str) -> Option<String> {
    if !dir.starts_with('/') {
        return Some("must be an absolute path such as `/opt/spiffe/bin`".into());
    }
    if dir.split('/').any(|seg| seg == "." || seg == "..") || dir.contains("//") || dir.contains(char::is_whitespace) {
        return Some("must be a plain absolute path without `.`, `..`, `//` or spaces".into());
    }
    let dir = dir.trim_end_matches('/');
    if dir.is_empty() {
        return Some(
            "is `/`; mounting a volume there hides the whole container file system. Use e.g. `/opt/spiffe/bin`".into(),
        );
    }
    RESERVED_PATHS.iter().find(|r| **r == dir || is_under(r, dir)).map(|r| {
        let clash = if *r == dir { "is a directory".to_string() } else { format!("would hide `{r}`, a directory") };
        format!("{clash} that Argo CD's containers already use (the operator mounts `/tmp`, `/home/argocd` and `/app/config`; the Argo CD binaries live in `/usr/local/bin`); use a dedicated directory such as `/opt/spiffe/bin` (binDir) or `/run/spire/sockets` (socketDir)")
    })
}

/// True when `path` lies strictly below `dir`.
fn is_under(path: &str, dir: &str) -> bool {
    path.strip_prefix(dir).is_some_and(|rest| rest.starts_with('/'))
}

/// True when `text` holds at least one complete PEM certificate block with base64 content.
fn has_pem_certificate(text: &str) -> bool {
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    const END: &str = "-----END CERTIFICATE-----";
    let mut rest = text;
    while let Some(start) = rest.find(BEGIN) {
        let after = &rest[start + BEGIN.len()..];
        let Some(end) = after.find(END) else { return false };
        let body: String = after[..end].split_whitespace().collect();
        if !body.is_empty() && base64::engine::general_purpose::STANDARD.decode(&body).is_ok() {
            return true;
        }
        rest = &after[end + END.len()..];
    }
    false
}

/// Kubernetes label syntax: an optional DNS subdomain prefix and `/`, a name of at most 63 characters;
/// values of at most 63 characters. Both alphanumeric at the ends with `-`, `_`, `.` inside.
fn label_problem(key: &str, value: &str) -> Option<&'static str> {
    let name_ok = |s: &str| {
        s.len() <= 63
            && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
            && s.bytes().next().is_none_or(|b| b.is_ascii_alphanumeric())
            && s.bytes().last().is_none_or(|b| b.is_ascii_alphanumeric())
    };
    let (prefix, name) = key.rsplit_once('/').map_or((None, key), |(p, n)| (Some(p), n));
    if name.is_empty() || !name_ok(name) || prefix.is_some_and(|p| !is_dns_subdomain(p)) {
        Some("the key must be `[prefix/]name`, the name at most 63 letters, digits, `-`, `_` or `.`, starting and ending with a letter or digit")
    } else if !name_ok(value) {
        Some(
            "the value must be at most 63 letters, digits, `-`, `_` or `.`, starting and ending with a letter or digit",
        )
    } else {
        None
    }
}
