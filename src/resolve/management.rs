//! `spec.management` (and `spec.identity`): the issuer, the Workload API socket, Argo CD's identities,
//! and the install settings of both operators, the Argo CD instance and the exec plugin. The issuer URL
//! is computed here and nowhere else.

use super::Written;
use crate::config::syntax::{
    absolute_dir_problem, bare_domain_problem, host_port_problem, is_dns_label, is_dns_subdomain, is_semver_tag,
    is_under, issuer_problem, mount_dir, LABEL_RULE,
};
use crate::config::{self, Form, Identity, Spec};
use crate::diag::{Diagnostics, Severity, Topic};
use crate::model::{
    ArgoIdentity, BootstrapApp, Component, CredentialVersion, ExecConfig, Gitops, InstallPlanApproval, Issuer, Plugin,
    PluginImage, Rbac, Setting, SharedIdentity, Spoke, SpokeKind, Trust, WorkloadApi, Ztwim, AGENT_SOCKET, EXEC_BINARY,
    INSTANCE_LABEL, KUBE_APISERVER_CONFIG_FILE,
};

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

/// The Secrets the argocd-operator creates and owns in the Argo CD namespace (argocd-operator
/// controllers/argocd/secret.go). A spoke's cluster Secret is named after the spoke, so a spoke with one of
/// these names would overwrite the operator's admin password, CA or TLS Secret.
pub fn operator_secrets(argocd_name: &str) -> Vec<String> {
    let owned = ["cluster", "ca", "tls", "default-cluster-config", "grafana", "redis-initial-password"];
    let fixed = ["argocd-secret", "argocd-repo-server-tls", "argocd-operator-redis-tls"];
    owned.iter().map(|suffix| format!("{argocd_name}-{suffix}")).chain(fixed.iter().map(|s| s.to_string())).collect()
}

/// The resolved management side.
pub(super) struct Management {
    pub trust: Trust,
    pub ztwim: Ztwim,
    pub gitops: Gitops,
    pub plugin: Plugin,
    /// How every cluster Secret runs the plugin; each spoke's contract carries it.
    pub exec: ExecConfig,
}

pub(super) fn resolve(
    spec: &Spec,
    form: Form,
    app_domain: Option<&str>,
    trust_domain: Option<String>,
    written: &Written,
    d: &mut Diagnostics,
) -> Option<Management> {
    let m = &spec.management;
    let (ztwim, issuer) = ztwim(&m.ztwim, app_domain, written, d);
    let gitops = gitops(&m.gitops, app_domain, written, d);
    let (plugin, socket_dir, credential_version) = exec_auth(&m.exec_auth, form, d);
    let proxy_env = proxy(&m.proxy, d);
    bootstrap(spec, d);
    let plugin = plugin.map(|p| Plugin { proxy_env, ..p });
    let (ztwim, issuer, gitops, plugin, socket_dir, trust_domain) =
        (ztwim?, issuer?, gitops?, plugin?, socket_dir?, trust_domain?);
    let identities: Vec<ArgoIdentity> = Component::ALL
        .iter()
        .map(|&c| ArgoIdentity {
            component: c,
            service_account: service_account(&gitops.name, c),
            workload: format!("{}-{}", gitops.name, c.workload_suffix()),
            spiffe_id: match spec.identity {
                Identity::PerServiceAccount => {
                    format!("spiffe://{trust_domain}/ns/{}/sa/{}", gitops.namespace, service_account(&gitops.name, c))
                }
                Identity::Shared => format!("spiffe://{trust_domain}/ns/{}/argocd/{}", gitops.namespace, gitops.name),
            },
        })
        .collect();
    let shared = (spec.identity == Identity::Shared).then(|| SharedIdentity {
        name: format!("{}-{}", gitops.namespace, gitops.name),
        spiffe_id: identities[0].spiffe_id.clone(),
        pod_label: (INSTANCE_LABEL.to_string(), gitops.name.clone()),
    });
    let workload_api = WorkloadApi { endpoint: format!("unix://{socket_dir}/{AGENT_SOCKET}"), socket_dir };
    let exec = ExecConfig {
        command: format!("{}/{EXEC_BINARY}", plugin.bin_dir),
        api_version: format!("client.authentication.k8s.io/{}", credential_version.as_str()),
        credential_version,
        socket_endpoint: workload_api.endpoint.clone(),
        // Only image releases (0.2.0 on) know -timeout; v0.0.x would exit on the unknown flag.
        args: plugin.from_image.iter().map(|i| format!("-timeout={}", i.timeout)).collect(),
    };
    Some(Management {
        trust: Trust { trust_domain, issuer, workload_api, identities, shared },
        ztwim,
        gitops,
        plugin,
        exec,
    })
}

/// The settings that depend on the spokes: `respectRBAC` once any of them is namespace-scoped, and the
/// bootstrap Applications, one for the management directory and one per spoke directory.
pub(super) fn gitops_for(gitops: Gitops, spokes: &[Spoke], bootstrap: &config::Bootstrap) -> Gitops {
    let namespaced = spokes.iter().any(|s| !s.access.namespaces.is_empty());
    let mut apps = Vec::new();
    if !bootstrap.repo_url.is_empty() {
        let dir = |rel: &str| {
            let base = bootstrap.path.trim_matches('/');
            if base.is_empty() {
                rel.to_string()
            } else {
                format!("{base}/{rel}")
            }
        };
        let app = |name: String, path: String, spoke: Option<String>, exclude| BootstrapApp {
            name,
            repo_url: bootstrap.repo_url.clone(),
            target_revision: bootstrap.target_revision.clone(),
            path,
            spoke,
            exclude,
        };
        let names = bootstrap_names(&gitops.name, spokes.iter().map(|s| s.name.as_str()));
        let directories = std::iter::once((dir("management"), None, None)).chain(spokes.iter().map(|s| {
            let exclude = matches!(s.kind, SpokeKind::Kubernetes(_)).then_some(KUBE_APISERVER_CONFIG_FILE);
            (dir(&format!("spokes/{}", s.name)), Some(s.name.clone()), exclude)
        }));
        for ((path, spoke, exclude), name) in directories.zip(names) {
            apps.push(app(name, path, spoke, exclude));
        }
    }
    Gitops { respect_rbac: namespaced.then_some("normal"), bootstrap: apps, ..gitops }
}

/// The bootstrap Applications' names: the management directory's first, then one per spoke.
fn bootstrap_names<'a>(argocd: &str, spokes: impl Iterator<Item = &'a str>) -> Vec<String> {
    std::iter::once(format!("{argocd}-management")).chain(spokes.map(|s| format!("{argocd}-{s}"))).collect()
}

/// The bootstrap Applications' names must be usable and not collide with `applications[]`.
fn bootstrap(spec: &Spec, d: &mut Diagnostics) {
    let b = &spec.management.bootstrap;
    let p = "spec.management.bootstrap";
    if b.repo_url.is_empty() {
        if b.path != config::Bootstrap::default().path {
            d.error(format!("{p}.repoURL"), "bootstrap.path is set but repoURL is empty; set repoURL to the Git repository holding the `generate -o` output, or remove bootstrap.");
        }
        return;
    }
    if b.target_revision.is_empty() {
        d.error(format!("{p}.targetRevision"), "targetRevision must not be empty; use `HEAD`, a branch or a tag.");
    }
    let names = bootstrap_names(
        &spec.management.gitops.name,
        spec.spokes.iter().filter(|s| !s.name.is_empty()).map(|s| s.name.as_str()),
    );
    for (i, name) in names.iter().enumerate() {
        if names[..i].contains(name) {
            d.error(p, format!("the bootstrap Application `{name}` would exist twice (a spoke named `management` takes the management directory's name); rename that spoke."));
        } else if name.len() > 63 {
            d.error(p, format!("the bootstrap Application `{name}` would be longer than 63 characters (Argo CD puts its name in a label); shorten management.gitops.name or the spoke's name."));
        } else if let Some(i) = spec.applications.iter().position(|a| a.name == *name) {
            d.error(p, format!("the bootstrap Application `{name}` has the name of spec.applications.{i}; rename that Application."));
        }
    }
}

/// `<ArgoCD name>-<suffix>`, as the argocd-operator names ServiceAccounts (validation refuses names it
/// would truncate).
fn service_account(argocd_name: &str, component: Component) -> String {
    format!("{argocd_name}-{}", component.service_account_suffix())
}

fn setting<T>(value: T, written: &Written, path: &str) -> Setting<T> {
    Setting { value, configured: written.has(path) }
}

fn ztwim(
    z: &config::Ztwim,
    app_domain: Option<&str>,
    written: &Written,
    d: &mut Diagnostics,
) -> (Option<Ztwim>, Option<Issuer>) {
    let p = "spec.management.ztwim";
    let namespace_ok = is_dns_label(&z.namespace);
    if !namespace_ok {
        d.error(format!("{p}.namespace"), format!("namespace `{}` is not a DNS-1123 label; {LABEL_RULE}; the default is `zero-trust-workload-identity-manager`.", z.namespace));
    }
    let channel_ok = !z.channel.starts_with("tech-preview");
    if !channel_ok {
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
    let cluster_name_ok = !z.cluster_name.is_empty() && z.cluster_name.len() <= 63 && is_dns_subdomain(&z.cluster_name);
    if !cluster_name_ok {
        d.error(
            format!("{p}.clusterName"),
            format!(
                "clusterName `{}` must be 1-63 characters and a DNS-1123 subdomain (ZTWIM's CRD enforces it, and it cannot be changed later); e.g. `management-cluster`.",
                z.cluster_name
            ),
        );
    }
    let issuer = issuer(z, app_domain, d);
    let approval = match z.install_plan_approval {
        config::InstallPlanApproval::Automatic => InstallPlanApproval::Automatic,
        config::InstallPlanApproval::Manual => InstallPlanApproval::Manual,
    };
    let resolved = (namespace_ok && channel_ok && cluster_name_ok).then(|| Ztwim {
        install: z.install,
        namespace: z.namespace.clone(),
        channel: z.channel.clone(),
        install_plan_approval: setting(approval, written, &format!("{p}.installPlanApproval")),
        cluster_name: setting(z.cluster_name.clone(), written, &format!("{p}.clusterName")),
    });
    (resolved, issuer)
}

/// The issuer: `jwtIssuer` as given, else `https://spire-spiffe-oidc-discovery-provider.<appDomain>`,
/// either way exactly `https://<lower-case host>`.
fn issuer(z: &config::Ztwim, app_domain: Option<&str>, d: &mut Diagnostics) -> Option<Issuer> {
    let url = if z.jwt_issuer.is_empty() {
        format!("https://spire-spiffe-oidc-discovery-provider.{}", app_domain?)
    } else {
        z.jwt_issuer.clone()
    };
    if let Some(problem) = issuer_problem(&url) {
        if z.jwt_issuer.is_empty() {
            d.error(
                "spec.appDomain",
                format!(
                    "the jwtIssuer derived from appDomain, `{url}`, {problem}; shorten appDomain or set spec.management.ztwim.jwtIssuer explicitly."
                ),
            );
        } else {
            d.error(
                "spec.management.ztwim.jwtIssuer",
                format!(
                    "jwtIssuer `{url}` {problem}. The spoke's issuerURL, the token's `iss` and the discovery document must match byte for byte, so write exactly `https://<host>`, e.g. `https://spire-spiffe-oidc-discovery-provider.apps.mgmt.example.com`, or leave it empty for that default."
                ),
            );
        }
        return None;
    }
    let host = url.trim_start_matches("https://").to_string();
    Some(Issuer { discovery_url: format!("{url}/.well-known/openid-configuration"), host, url })
}

fn gitops(g: &config::Gitops, app_domain: Option<&str>, written: &Written, d: &mut Diagnostics) -> Option<Gitops> {
    let p = "spec.management.gitops";
    let mut ok = true;
    if !is_dns_label(&g.namespace) {
        d.error(
            format!("{p}.namespace"),
            format!("namespace `{}` is not a DNS-1123 label; {LABEL_RULE}; e.g. `ztwim-gitops`.", g.namespace),
        );
        ok = false;
    } else if let Some(pattern) = IGNORED_NAMESPACE_PATTERNS.iter().find(|pat| g.namespace.contains(*pat)) {
        d.error(
            format!("{p}.namespace"),
            format!(
                "namespace `{}` contains `{pattern}`: ZTWIM's SPIRE controller manager ignores every namespace matching its unanchored patterns {}, so Argo CD's pods there would get no SPIFFE identity. Pick a name without them, e.g. `ztwim-gitops`.",
                g.namespace,
                IGNORED_NAMESPACE_PATTERNS.join(", ")
            ),
        );
        ok = false;
    }
    if !is_dns_label(&g.name) {
        d.error(
            format!("{p}.name"),
            format!("name `{}` is not a DNS-1123 label; {LABEL_RULE}; e.g. `openshift-gitops`.", g.name),
        );
        ok = false;
    } else if let Some(sa) = Component::ALL.iter().map(|&c| service_account(&g.name, c)).find(|sa| sa.len() > 63) {
        d.error(
            format!("{p}.name"),
            format!(
                "name `{}` is too long: the operator's ServiceAccount `{sa}` would be {} characters, over 63, so the operator truncates it with a hash and the SPIFFE IDs would no longer match; use at most {} characters.",
                g.name,
                sa.len(),
                63 - (sa.len() - g.name.len())
            ),
        );
        ok = false;
    }
    let host = if g.host.is_empty() {
        app_domain.map(|domain| format!("{}.{domain}", g.namespace))
    } else if let Some(problem) = bare_domain_problem(&g.host) {
        d.error(
            format!("{p}.host"),
            format!("host `{}` is not a bare host name: {problem}. Write e.g. `ztwim-gitops.apps.mgmt.example.com`, or leave it empty for `<namespace>.<appDomain>`.", g.host),
        );
        None
    } else {
        Some(g.host.clone())
    };
    let argocd_spec = match &g.argocd_spec {
        serde_yaml_ng::Value::Mapping(m) => Some(m.clone()),
        serde_yaml_ng::Value::Null => Some(serde_yaml_ng::Mapping::new()),
        _ => {
            d.error(
                format!("{p}.argocdSpec"),
                "argocdSpec must be a map of ArgoCD spec fields (it is merged into the generated spec), e.g. `argocdSpec: {server: {replicas: 2}}`.",
            );
            None
        }
    };
    if g.install_operator {
        // Irreversible, so a warning printed by default until acknowledged (issue 19).
        d.note(
            Severity::Warning,
            format!("{p}.installOperator"),
            Topic::RemoveDefaultInstance,
            "the OpenShift GitOps Subscription sets DISABLE_DEFAULT_ARGOCD_INSTANCE=true, so the operator removes an \
             existing default `openshift-gitops` Argo CD instance; move anything it manages first, or set installOperator: false to keep \
             managing the operator yourself; then acknowledge `removeDefaultInstance`.",
        );
    }
    let rbac = format!("{p}.rbac");
    Some(Gitops {
        install_operator: g.install_operator,
        channel: setting(g.channel.clone(), written, &format!("{p}.channel")),
        namespace: g.namespace.clone(),
        name: g.name.clone(),
        host: setting(host?, written, &format!("{p}.host")),
        rbac: Rbac {
            default_policy: setting(g.rbac.default_policy.clone(), written, &format!("{rbac}.defaultPolicy")),
            policy: setting(g.rbac.policy.clone(), written, &format!("{rbac}.policy")),
            scopes: setting(g.rbac.scopes.clone(), written, &format!("{rbac}.scopes")),
        },
        argocd_spec: argocd_spec?,
        respect_rbac: None,
        bootstrap: Vec::new(),
    })
    .filter(|_| ok)
}

/// The plugin's installation, the Workload API socket directory and the credential version.
fn exec_auth(
    e: &config::ExecAuth,
    form: Form,
    d: &mut Diagnostics,
) -> (Option<Plugin>, Option<String>, CredentialVersion) {
    let p = "spec.management.execAuth";
    let mut ok = true;
    if !is_semver_tag(&e.version) {
        d.error(
            format!("{p}.version"),
            format!("version `{}` must be a release tag `vMAJOR.MINOR.PATCH`, e.g. `v0.0.7`.", e.version),
        );
        ok = false;
    }
    let download_url = match download_url(e) {
        Err(err) => {
            d.error(
                format!("{p}.downloadURL"),
                format!("downloadURL does not render: {err}. It is a template with `{{{{ version }}}}` and `{{{{ arch }}}}`; fix the template syntax."),
            );
            None
        }
        Ok(url)
            if !url.starts_with("https://") || url.len() <= "https://".len() || url.contains(char::is_whitespace) =>
        {
            d.error(
                format!("{p}.downloadURL"),
                format!("downloadURL renders to `{url}`, which is not an https URL without spaces; the plugin binary must be fetched over https."),
            );
            None
        }
        Ok(url) => Some(url),
    };
    let from_image = plugin_image(e, d);
    ok &= from_image.as_ref().is_none_or(Option::is_some);
    let from_image = from_image.flatten();
    let sha256 = if e.sha256.is_empty() {
        // The ConfigMap form can set neither sha256 nor the download URL: warning about what it cannot
        // change would only teach its users to ignore warnings. An image install downloads no archive.
        if form == Form::Structured && e.plugin_image.is_empty() {
            d.note(
                Severity::Warning,
                format!("{p}.sha256"),
                Topic::UnverifiedDownload,
                "sha256 is empty, so the downloaded plugin archive is not verified; set it to the archive's hex sha256 as published in the release's `k8s-spiffe-workload-jwt-exec-auth_<version without v>_checksums.txt`, or to the `sha256sum` of an archive you reviewed (or acknowledge `unverifiedDownload`).",
            );
        }
        None
    } else if e.sha256.len() != 64 || !e.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        d.error(
            format!("{p}.sha256"),
            format!("sha256 `{}` must be 64 hex digits, the output of `sha256sum` on the archive.", e.sha256),
        );
        ok = false;
        None
    } else {
        Some(e.sha256.clone())
    };
    if e.image.is_empty() || e.image.contains(char::is_whitespace) {
        d.error(
            format!("{p}.image"),
            "image must be a container image reference with sh, curl, tar and sha256sum, e.g. `registry.redhat.io/ubi9/ubi:latest`.",
        );
        ok = false;
    }
    let bin_dir = mount_path(&e.bin_dir, "binDir", p, d);
    let socket_dir = mount_path(&e.socket_dir, "socketDir", p, d);
    if let (Some(bin), Some(socket)) = (bin_dir, socket_dir) {
        if bin == socket || is_under(bin, socket) || is_under(socket, bin) {
            d.error(
                format!("{p}.socketDir"),
                format!("socketDir `{}` and binDir `{}` must be separate directories, neither inside the other: each is its own volume.", e.socket_dir, e.bin_dir),
            );
            ok = false;
        }
    }
    let credential_version = match e.credential_version {
        config::CredentialVersion::V1 => CredentialVersion::V1,
        config::CredentialVersion::V1beta1 => CredentialVersion::V1beta1,
    };
    let plugin = match (download_url, bin_dir) {
        (Some(download_url), Some(bin_dir)) if ok => Some(Plugin {
            download_url,
            sha256,
            image: e.image.clone(),
            image_pull_policy: image_pull_policy(&e.image),
            bin_dir: bin_dir.to_string(),
            scratch_dir: scratch_dir(bin_dir),
            proxy_env: Vec::new(),
            from_image,
        }),
        _ => None,
    };
    (plugin, socket_dir.map(str::to_string), credential_version)
}

/// `pluginImage`: None when not set; Some(None) when set but unusable (errors reported).
fn plugin_image(e: &config::ExecAuth, d: &mut Diagnostics) -> Option<Option<PluginImage>> {
    let p = "spec.management.execAuth";
    if e.plugin_image.is_empty() {
        return None;
    }
    let mut ok = true;
    for (field, value) in [("pluginImage", &e.plugin_image), ("copierImage", &e.copier_image)] {
        if value.is_empty() || value.contains(char::is_whitespace) {
            d.error(format!("{p}.{field}"), format!("{field} must be a container image reference without spaces."));
            ok = false;
        }
    }
    if !e.plugin_path.starts_with('/') {
        d.error(
            format!("{p}.pluginPath"),
            "pluginPath must be the absolute path of the binary in pluginImage, e.g. `/ko-app/cmd`.",
        );
        ok = false;
    }
    let digits = e.timeout.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let unit = &e.timeout[digits.len()..];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || !["ms", "s", "m"].contains(&unit) {
        d.error(
            format!("{p}.timeout"),
            format!("timeout `{}` must be a duration such as `10s` (ms, s or m).", e.timeout),
        );
        ok = false;
    }
    if ok && !e.plugin_image.contains("@sha256:") {
        d.note(
            Severity::Warning,
            format!("{p}.pluginImage"),
            Topic::UnverifiedDownload,
            format!("pluginImage `{}` is not pinned by digest, so what runs in Argo CD's pods can change under the same name; write it as `…@sha256:<digest>` (`crane digest {}`), or acknowledge `unverifiedDownload`.", e.plugin_image, e.plugin_image),
        );
    }
    Some(ok.then(|| PluginImage {
        image: e.plugin_image.clone(),
        image_pull_policy: image_pull_policy(&e.plugin_image),
        path: e.plugin_path.clone(),
        copier: e.copier_image.clone(),
        copier_pull_policy: image_pull_policy(&e.copier_image),
        timeout: e.timeout.clone(),
    }))
}

/// The proxy variables for the download. A proxy URL is `http(s)://host[:port]`; credentials in it would
/// sit in the ArgoCD CR for anyone who can read it, so they are refused.
fn proxy(p: &config::Proxy, d: &mut Diagnostics) -> Vec<(&'static str, String)> {
    let path = "spec.management.proxy";
    let mut env = Vec::new();
    for (field, value, names) in [
        ("httpProxy", &p.http_proxy, ["HTTP_PROXY", "http_proxy"]),
        ("httpsProxy", &p.https_proxy, ["HTTPS_PROXY", "https_proxy"]),
    ] {
        if value.is_empty() {
            continue;
        }
        let rest = value.strip_prefix("http://").or_else(|| value.strip_prefix("https://"));
        let problem = match rest.map(|r| r.strip_suffix('/').unwrap_or(r)) {
            None => Some("must start with `http://` or `https://`"),
            Some(r) if r.contains('@') => Some("has user info; a proxy password would be readable in the ArgoCD CR, so use a proxy that does not need one for these downloads"),
            Some(r) => host_port_problem(r),
        };
        match problem {
            Some(problem) => d.error(format!("{path}.{field}"), format!("{field} `{value}` {problem}; write e.g. `http://proxy.example.com:3128`, as `oc get proxy cluster -o jsonpath='{{.status.{field}}}'` prints it.")),
            None => env.extend(names.map(|n| (n, value.clone()))),
        }
    }
    if !p.no_proxy.is_empty() {
        if p.no_proxy.contains(char::is_whitespace) {
            d.error(
                format!("{path}.noProxy"),
                "noProxy is a comma-separated list without spaces, e.g. `.cluster.local,.svc,10.0.0.0/16`.",
            );
        } else {
            env.extend(["NO_PROXY", "no_proxy"].map(|n| (n, p.no_proxy.clone())));
        }
    }
    env
}

/// A directory as mounted in Argo CD's containers, without its trailing `/`; None (and an error) when it
/// cannot be a mount path there.
fn mount_path<'a>(dir: &'a str, field: &str, p: &str, d: &mut Diagnostics) -> Option<&'a str> {
    let problem = absolute_dir_problem(dir).map(str::to_string).or_else(|| {
        let dir = mount_dir(dir);
        RESERVED_PATHS.iter().find(|r| **r == dir || is_under(r, dir)).map(|r| {
            let clash = if *r == dir { "is a directory".to_string() } else { format!("would hide `{r}`, a directory") };
            format!("{clash} that Argo CD's containers already use (the operator mounts `/tmp`, `/home/argocd` and `/app/config`; the Argo CD binaries live in `/usr/local/bin`); use a dedicated directory such as `/opt/spiffe/bin` (binDir) or `/run/spire/sockets` (socketDir)")
        })
    });
    match problem {
        Some(problem) => {
            d.error(format!("{p}.{field}"), format!("{field} `{dir}` {problem}."));
            None
        }
        None => Some(mount_dir(dir)),
    }
}

/// Renders `execAuth.downloadURL` (a minijinja template with `version` and `arch`).
fn download_url(exec: &config::ExecAuth) -> Result<String, String> {
    let env = minijinja::Environment::new();
    env.render_str(&exec.download_url, minijinja::context! { version => &exec.version, arch => exec.arch.as_str() })
        .map_err(|e| e.to_string())
}

/// The `imagePullPolicy` written out for the init container: the API server's default (`Always` for an
/// untagged or `:latest` image), except that a digest-pinned image is `IfNotPresent` even when it also
/// says `:latest` (Kubernetes would pick `Always`): its content cannot change, and any explicit value
/// already keeps the operator from seeing a defaulted field as a diff.
pub fn image_pull_policy(image: &str) -> &'static str {
    if image.contains('@') {
        return "IfNotPresent";
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        Some((_, tag)) if tag != "latest" => "IfNotPresent",
        _ => "Always",
    }
}

/// Where the init container mounts its scratch emptyDir: `/scratch`, or `/install-jwt-spiffe-scratch` when
/// `bin_dir` (without trailing `/`) is `/scratch` or below it. The init container also mounts `bin_dir`, and
/// two mounts at one path make the pod invalid. Both candidates are top-level directories, so a `bin_dir`
/// other than `/` overlaps at most one of them.
fn scratch_dir(bin_dir: &str) -> &'static str {
    const SCRATCH: &str = "/scratch";
    if bin_dir == SCRATCH || is_under(bin_dir, SCRATCH) {
        "/install-jwt-spiffe-scratch"
    } else {
        SCRATCH
    }
}
