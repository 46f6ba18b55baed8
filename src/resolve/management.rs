//! `spec.management` (and `spec.identity`): the issuer, the Workload API socket, Argo CD's identities,
//! and the install settings of both operators, the Argo CD instance and the exec plugin. The issuer URL
//! is computed here and nowhere else.

use super::Written;
use crate::api::exec_credential;
use crate::config::syntax::{
    absolute_dir_problem, bare_domain_problem, host_port_problem, is_dns_label, is_dns_subdomain, is_semver_tag,
    is_under, mount_dir, LABEL_RULE,
};
use crate::config::{self, ExecAuthMethod, Form, Identity, Spec, DEFAULT_COPIER_IMAGE};
use crate::diag::{Diagnostics, Severity, Topic};
use crate::model::{
    fallback_spiffe_id, ignored_namespace_pattern, issuer_problem, Archive, ArgoIdentity, BootstrapApp, Catalog,
    Cluster, Component, CredentialVersion, ExecConfig, Gitops, ImageRef, InstallPlanApproval, Issuer, Origin, Plugin,
    PluginImage, PluginInstall, Rbac, Setting, SharedIdentity, Spoke, SpokeKind, Trust, WorkloadApi, Ztwim,
    AGENT_SOCKET, AUDIENCE_ENV, CREDENTIAL_COMMAND, CREDENTIAL_VERSION_ENV, IGNORED_NAMESPACE_PATTERNS, INIT_CONTAINER,
    INSTANCE_LABEL, KUBE_APISERVER_CONFIG_FILE, SOCKET_ENV,
};

/// The only ZTWIM channel whose API (1.0, `operator.openshift.io/v1alpha1` with trustDomain on
/// `ZeroTrustWorkloadIdentityManager`) the generators emit.
pub const SUPPORTED_ZTWIM_CHANNEL: &str = "stable-v1";

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
    /// How every cluster Secret runs the helper; each spoke's contract carries its own [`ExecConfig`].
    pub exec: ExecTemplate,
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
    let (plugin, socket_dir, exec) = exec_auth(&m.exec_auth, form, written, d);
    let proxy_env = proxy(&m.proxy, d);
    bootstrap(spec, d);
    let plugin = plugin.map(|mut p| {
        match &mut p.install {
            PluginInstall::Archive(archive) => archive.proxy_env = proxy_env,
            PluginInstall::Builtin(_) | PluginInstall::Image(_) if !proxy_env.is_empty() => d.warning(
                "spec.management.proxy",
                "the proxy is unused: only method `archive` downloads anything at pod start; remove it, or set \
                 `execAuth.method: archive`.",
            ),
            PluginInstall::Builtin(_) | PluginInstall::Image(_) => {}
        }
        p
    });
    let (ztwim, issuer, gitops, plugin, socket_dir, exec, trust_domain) =
        (ztwim?, issuer?, gitops?, plugin?, socket_dir?, exec?, trust_domain?);
    let identities: Vec<ArgoIdentity> = Component::ALL
        .iter()
        .map(|&c| ArgoIdentity {
            component: c,
            service_account: c.service_account(&gitops.name),
            workload: c.workload(&gitops.name),
            spiffe_id: match spec.identity {
                Identity::PerServiceAccount => {
                    fallback_spiffe_id(&trust_domain, &gitops.namespace, &c.service_account(&gitops.name))
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
        // The directories `generate -o` writes each cluster's files to (`Cluster::dir`), so the Applications
        // sync what the tree holds.
        let directories =
            std::iter::once((dir(&Cluster::Management.dir()), None, None)).chain(spokes.iter().map(|s| {
                let exclude = matches!(s.kind, SpokeKind::Kubernetes(_)).then_some(KUBE_APISERVER_CONFIG_FILE);
                (dir(&s.cluster.dir()), Some(s.name.clone()), exclude)
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

/// A value read at `path`: configured when the user wrote it, and carrying `path` as its origin.
fn setting<T>(value: T, written: &Written, path: &str) -> Setting<T> {
    Setting { value, configured: written.has(path), origin: Origin::at(path) }
}

/// An operator's OLM CatalogSource (`<p>.source`, `<p>.sourceNamespace`): an object name and a namespace.
fn catalog(source: &str, namespace: &str, p: &str, written: &Written, d: &mut Diagnostics) -> Option<Catalog> {
    let mut ok = true;
    if source.is_empty() || source.len() > 253 || !is_dns_subdomain(source) {
        d.error(format!("{p}.source"), format!("source `{source}` is not a CatalogSource name (a DNS-1123 subdomain); use `redhat-operators`, or the name of your mirrored catalog as `oc get catalogsource -n openshift-marketplace` lists it."));
        ok = false;
    }
    if !is_dns_label(namespace) {
        d.error(format!("{p}.sourceNamespace"), format!("sourceNamespace `{namespace}` is not a namespace name; {LABEL_RULE}; the default is `openshift-marketplace`."));
        ok = false;
    }
    ok.then(|| Catalog {
        source: setting(source.to_string(), written, &format!("{p}.source")),
        source_namespace: setting(namespace.to_string(), written, &format!("{p}.sourceNamespace")),
    })
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
    let catalog = catalog(&z.source, &z.source_namespace, p, written, d);
    let resolved = (namespace_ok && channel_ok && cluster_name_ok).then_some(()).and(catalog).map(|catalog| Ztwim {
        install: z.install,
        namespace: z.namespace.clone(),
        channel: z.channel.clone(),
        install_plan_approval: setting(approval, written, &format!("{p}.installPlanApproval")),
        catalog,
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
    if let Some(port) = crate::model::issuer_port(&url) {
        d.warning(
            "spec.management.ztwim.jwtIssuer",
            format!(
                "jwtIssuer `{url}` has the port {port}: spokes fetch the discovery document and keys there, while \
                 ZTWIM's managed Route is served by the OpenShift router on 443. Serve the discovery endpoint on \
                 port {port} (a load balancer in front of it), or drop the port."
            ),
        );
    }
    let host = crate::model::issuer_host(&url).to_string();
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
    } else if let Some(pattern) = ignored_namespace_pattern(&g.namespace) {
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
    } else if let Some(sa) = Component::ALL.iter().map(|&c| c.service_account(&g.name)).find(|sa| sa.len() > 63) {
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
    let catalog = catalog(&g.source, &g.source_namespace, p, written, d);
    let approval = match g.install_plan_approval {
        config::InstallPlanApproval::Automatic => InstallPlanApproval::Automatic,
        config::InstallPlanApproval::Manual => InstallPlanApproval::Manual,
    };
    Some(Gitops {
        install_operator: g.install_operator,
        channel: setting(g.channel.clone(), written, &format!("{p}.channel")),
        install_plan_approval: setting(approval, written, &format!("{p}.installPlanApproval")),
        catalog: catalog?,
        namespace: g.namespace.clone(),
        name: g.name.clone(),
        host: setting(host?, written, &format!("{p}.host")),
        rbac: Rbac {
            default_policy: setting(g.rbac.default_policy.clone(), written, &format!("{rbac}.defaultPolicy")),
            policy: setting(g.rbac.policy.clone(), written, &format!("{rbac}.policy")),
            scopes: setting(g.rbac.scopes.clone(), written, &format!("{rbac}.scopes")),
        },
        argocd_spec: setting(argocd_spec?, written, &format!("{p}.argocdSpec")),
        respect_rbac: None,
        bootstrap: Vec::new(),
    })
    .filter(|_| ok)
}

/// Which config fields each install method reads; a field written for another method is unused.
const METHOD_FIELDS: &[(&str, &[ExecAuthMethod])] = &[
    ("version", &[ExecAuthMethod::Archive]),
    ("downloadURL", &[ExecAuthMethod::Archive]),
    ("sha256", &[ExecAuthMethod::Archive]),
    ("arch", &[ExecAuthMethod::Archive]),
    ("image", &[ExecAuthMethod::Archive]),
    ("credentialVersion", &[ExecAuthMethod::Archive, ExecAuthMethod::Image]),
    ("pluginImage", &[ExecAuthMethod::Image]),
    ("pluginPath", &[ExecAuthMethod::Image]),
    ("timeout", &[ExecAuthMethod::Image]),
    ("copierImage", &[ExecAuthMethod::Builtin, ExecAuthMethod::Image]),
];

/// The install method: `method` as written, else `image` for a config that sets `pluginImage` (what it
/// meant before `method` existed), else `builtin`.
fn method(e: &config::ExecAuth, written: &Written, d: &mut Diagnostics) -> ExecAuthMethod {
    let p = "spec.management.execAuth";
    if written.has(&format!("{p}.method")) || e.plugin_image.is_empty() {
        return e.method;
    }
    d.info(
        format!("{p}.pluginImage"),
        "pluginImage is set and method is not, so the plugin is installed from that image (`method: image`), as before `method` existed; write `method: image` to say so.",
    );
    ExecAuthMethod::Image
}

/// The helper's installation, the Workload API socket directory, and how a cluster Secret runs it.
fn exec_auth(
    e: &config::ExecAuth,
    form: Form,
    written: &Written,
    d: &mut Diagnostics,
) -> (Option<Plugin>, Option<String>, Option<ExecTemplate>) {
    let p = "spec.management.execAuth";
    let method = method(e, written, d);
    for (field, methods) in METHOD_FIELDS {
        if written.has(&format!("{p}.{field}")) && !methods.contains(&method) {
            let users: Vec<&str> = methods.iter().map(|m| m.as_str()).collect();
            let how = if written.has(&format!("{p}.method")) { "" } else { ", the default" };
            d.warning(
                format!("{p}.{field}"),
                format!(
                    "{field} is unused: only method {} reads it, and method is `{}`{how}. Remove it, or set `method: {}` to install that way.",
                    users.join(" or "),
                    method.as_str(),
                    users[0],
                ),
            );
        }
    }
    let install = match method {
        ExecAuthMethod::Builtin => builtin_image(e, d).map(PluginInstall::Builtin),
        ExecAuthMethod::Archive => archive(e, form, d).map(PluginInstall::Archive),
        ExecAuthMethod::Image => plugin_image(e, d).map(PluginInstall::Image),
    };
    let bin_dir = mount_path(&e.bin_dir, "binDir", p, d);
    let socket_dir = mount_path(&e.socket_dir, "socketDir", p, d);
    let mut ok = bin_dir.is_some() && socket_dir.is_some();
    if let (Some(bin), Some(socket)) = (bin_dir, socket_dir) {
        if bin == socket || is_under(bin, socket) || is_under(socket, bin) {
            d.error(
                format!("{p}.socketDir"),
                format!("socketDir `{}` and binDir `{}` must be separate directories, neither inside the other: each is its own volume.", e.socket_dir, e.bin_dir),
            );
            ok = false;
        }
    }
    let credential_version = match (method, e.credential_version) {
        (ExecAuthMethod::Builtin, _) | (_, config::CredentialVersion::V1) => CredentialVersion::V1,
        (_, config::CredentialVersion::V1beta1) => CredentialVersion::V1beta1,
    };
    let (Some(install), Some(bin_dir), true) = (install, bin_dir, ok) else {
        return (None, socket_dir.map(str::to_string), None);
    };
    let plugin = Plugin { bin_dir: bin_dir.to_string(), scratch_dir: scratch_dir(bin_dir), install };
    let template = ExecTemplate {
        command: plugin.command(),
        api_version: format!("{}/{}", exec_credential::GROUP, credential_version.as_str()),
        credential_version,
        builtin: method == ExecAuthMethod::Builtin,
        // Only the image install has `-timeout`: no tagged release has it, and v0.0.x exits on an
        // unknown flag; the image user pins a build that has it (see docs/exec-auth.md).
        timeout: match &plugin.install {
            PluginInstall::Image(i) => Some(i.timeout.clone()),
            _ => None,
        },
        install_hint: format!(
            "{} is installed into {} by the {INIT_CONTAINER} init container of the Argo CD application controller \
             and server; check that container's log.",
            plugin.binary(),
            plugin.bin_dir
        ),
    };
    (Some(plugin), socket_dir.map(str::to_string), Some(template))
}

/// How every cluster Secret runs the helper, less the spoke's audience.
pub(super) struct ExecTemplate {
    command: String,
    api_version: String,
    credential_version: CredentialVersion,
    builtin: bool,
    timeout: Option<String>,
    install_hint: String,
}

impl ExecTemplate {
    /// The exec config of the spoke with this audience, reaching the Workload API at `endpoint`. The
    /// built-in helper takes both as arguments and no environment (the contract with
    /// `ztwim-gitops credential`); the upstream plugin reads only its environment variables.
    pub fn for_spoke(&self, audience: &str, endpoint: &str) -> ExecConfig {
        let (args, env) = if self.builtin {
            let args = [CREDENTIAL_COMMAND, "--audience", audience, "--socket", endpoint];
            (args.map(str::to_string).to_vec(), Vec::new())
        } else {
            let env = vec![
                (SOCKET_ENV, endpoint.to_string()),
                (AUDIENCE_ENV, audience.to_string()),
                (CREDENTIAL_VERSION_ENV, self.credential_version.as_str().to_string()),
            ];
            (self.timeout.iter().map(|t| format!("-timeout={t}")).collect(), env)
        };
        ExecConfig {
            command: self.command.clone(),
            args,
            api_version: self.api_version.clone(),
            env,
            install_hint: self.install_hint.clone(),
        }
    }
}

/// `method: builtin`: this project's image. A digest or a version tag names fixed content; untagged or
/// `:latest` is pulled on every start and can change, so it gets the unverified-download warning.
fn builtin_image(e: &config::ExecAuth, d: &mut Diagnostics) -> Option<ImageRef> {
    let p = "spec.management.execAuth";
    let image = &e.copier_image;
    if image.is_empty() || image.contains(char::is_whitespace) {
        d.error(
            format!("{p}.copierImage"),
            format!("copierImage must be a container image reference without spaces, e.g. `{DEFAULT_COPIER_IMAGE}`."),
        );
        return None;
    }
    let pull_policy = image_pull_policy(image);
    if pull_policy == "Always" {
        d.note(
            Severity::Warning,
            format!("{p}.copierImage"),
            Topic::UnverifiedDownload,
            format!("copierImage `{image}` has no version tag or digest, so the helper Argo CD runs can change under the same name at any pod start; write it with the version tag or as `…@sha256:<digest>` (`skopeo inspect --format '{{{{.Digest}}}}' docker://<image>`), or acknowledge `unverifiedDownload`."),
        );
    }
    Some(ImageRef { image: image.clone(), pull_policy })
}

/// `method: archive`: the release archive download, checked.
fn archive(e: &config::ExecAuth, form: Form, d: &mut Diagnostics) -> Option<Archive> {
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
    let sha256 = if e.sha256.is_empty() {
        // The ConfigMap form can set neither sha256 nor the download URL: warning about what it cannot
        // change would only teach its users to ignore warnings.
        if form == Form::Structured {
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
    let download_url = download_url.filter(|_| ok)?;
    Some(Archive {
        download_url,
        sha256,
        image: ImageRef { image: e.image.clone(), pull_policy: image_pull_policy(&e.image) },
        proxy_env: Vec::new(),
    })
}

/// `method: image`: the plugin's image and our copier, checked.
fn plugin_image(e: &config::ExecAuth, d: &mut Diagnostics) -> Option<PluginImage> {
    let p = "spec.management.execAuth";
    let mut ok = true;
    for (field, value) in [("pluginImage", &e.plugin_image), ("copierImage", &e.copier_image)] {
        if value.is_empty() || value.contains(char::is_whitespace) {
            d.error(format!("{p}.{field}"), format!("{field} must be a container image reference without spaces (method `image` copies the plugin out of pluginImage)."));
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
    ok.then(|| PluginImage {
        image: ImageRef { image: e.plugin_image.clone(), pull_policy: image_pull_policy(&e.plugin_image) },
        path: e.plugin_path.clone(),
        copier: ImageRef { image: e.copier_image.clone(), pull_policy: image_pull_policy(&e.copier_image) },
        timeout: e.timeout.clone(),
    })
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
