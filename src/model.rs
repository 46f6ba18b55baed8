//! Stage 3: the resolved model. Every value that must agree across clusters — issuer URL, SPIFFE IDs,
//! usernames, audiences, socket and binary paths, object names, file paths — is computed here, once.
//! Generators only read a [`Model`]; validation calls the same derivation functions, so what it checks
//! is exactly what is emitted.

use crate::config::{self, Config, CredentialVersion, Identity, Spec, Spoke as SpokeConfig};
use std::collections::BTreeMap;

/// The exec plugin's binary name inside its release archive.
pub const EXEC_BINARY: &str = "k8s-spiffe-workload-jwt-exec-auth";
/// The SPIRE agent socket's file name inside the SPIFFE CSI volume.
pub const AGENT_SOCKET: &str = "spire-agent.sock";
/// The ClusterSPIFFEID class ZTWIM's controller manager watches; others are ignored.
pub const SPIRE_CLASS_NAME: &str = "zero-trust-workload-identity-manager-spire";
/// The SPIFFE CSI driver name.
pub const CSI_DRIVER: &str = "csi.spiffe.io";
/// ZTWIM's OLM package (and Subscription name).
pub const ZTWIM_PACKAGE: &str = "openshift-zero-trust-workload-identity-manager";
/// Annotation naming the config that owns a generated object.
pub const OWNER_ANNOTATION: &str = "ztwim-gitops.dev/owner";
/// Annotation naming the cluster an object is applied to (`management`, `spoke/<name>`).
pub const TARGET_ANNOTATION: &str = "ztwim-gitops.dev/target";

/// The cluster an object is applied to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Cluster {
    Management,
    Spoke(String),
}

impl Cluster {
    /// The value of [`TARGET_ANNOTATION`].
    pub fn target(&self) -> String {
        match self {
            Cluster::Management => "management".into(),
            Cluster::Spoke(name) => format!("spoke/{name}"),
        }
    }
    /// The file, relative to the config's directory, that holds one object of this cluster:
    /// `management/<kind>-<name>.yaml` or `spokes/<spoke>/<kind>-<name>.yaml`.
    pub fn file(&self, kind: &str, name: &str) -> String {
        let dir = match self {
            Cluster::Management => "management".into(),
            Cluster::Spoke(spoke) => format!("spokes/{spoke}"),
        };
        format!("{dir}/{}-{name}.yaml", kind.to_lowercase())
    }
}

/// What `spec.target` selects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    All,
    Management,
    Spoke(String),
}

impl Target {
    /// Parses `all`, `management` or `spoke/<name>`; None for anything else.
    pub fn parse(s: &str) -> Option<Target> {
        match s {
            "all" => Some(Target::All),
            "management" => Some(Target::Management),
            _ => s.strip_prefix("spoke/").filter(|n| !n.is_empty()).map(|n| Target::Spoke(n.into())),
        }
    }
    pub fn includes(&self, cluster: &Cluster) -> bool {
        match (self, cluster) {
            (Target::All, _) | (Target::Management, Cluster::Management) => true,
            (Target::Spoke(t), Cluster::Spoke(s)) => t == s,
            _ => false,
        }
    }
}

/// An Argo CD component that talks to spokes and so needs the plugin and an identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Component {
    Server,
    Controller,
}

impl Component {
    pub const ALL: [Component; 2] = [Component::Server, Component::Controller];
    /// The ArgoCD CR spec key for this component.
    pub fn spec_key(self) -> &'static str {
        match self {
            Component::Server => "server",
            Component::Controller => "controller",
        }
    }
    /// The ServiceAccount suffix the argocd-operator appends to the CR name.
    pub fn service_account_suffix(self) -> &'static str {
        match self {
            Component::Server => "argocd-server",
            Component::Controller => "argocd-application-controller",
        }
    }
    /// The pod label `app.kubernetes.io/name` suffix (`<name>-server`, `<name>-application-controller`).
    pub fn workload_suffix(self) -> &'static str {
        match self {
            Component::Server => "server",
            Component::Controller => "application-controller",
        }
    }
}

/// The identity one Argo CD component presents to spokes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgoIdentity {
    pub component: Component,
    pub service_account: String,
    /// The pod label value `app.kubernetes.io/name` the operator sets.
    pub workload: String,
    /// The JWT-SVID `sub`.
    pub spiffe_id: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// `metadata.name` of the config: the value of [`OWNER_ANNOTATION`].
    pub owner: String,
    /// Directory of the config file in the package, "" for the package root, never leaving the package
    /// (see [`package_dir`]). New files go below it.
    pub config_dir: String,
    pub target: Target,
    pub trust_domain: String,
    /// The config's section with `jwt_issuer` resolved, so that no generator can read it unresolved:
    /// SpireServer/SpireOIDCDiscoveryProvider `jwtIssuer` == each spoke's `issuerURL` == the token `iss`.
    pub ztwim: config::Ztwim,
    /// The config's section with `host` resolved.
    pub gitops: config::Gitops,
    /// The application controller's `respectRBAC`: `normal` once any spoke is namespace-scoped. There
    /// Argo CD lists every namespaced kind in each namespace, and a kind the spoke's role may not list
    /// would otherwise fail that cluster's whole cache sync; `normal` skips what it is forbidden to list.
    /// Cluster-wide spokes bind a role that can list everything, so they see no difference.
    pub respect_rbac: Option<&'static str>,
    pub exec_auth: ExecAuth,
    /// Server first, then controller.
    pub identities: Vec<ArgoIdentity>,
    /// `identity: shared`: the ClusterSPIFFEID that gives both components one SPIFFE ID.
    pub shared_identity: Option<SharedIdentity>,
    pub spokes: Vec<Spoke>,
    pub applications: Vec<config::Application>,
}

/// A spoke's `issuerCA`: the ConfigMap that carries it and the Authentication that names it come as a pair.
#[derive(Debug, Clone, PartialEq)]
pub struct IssuerCa {
    /// The `openshift-config` ConfigMap holding the PEM.
    pub configmap: String,
    pub pem: String,
}

/// The management-side registration behind `identity: shared`.
#[derive(Debug, Clone, PartialEq)]
pub struct SharedIdentity {
    /// The cluster-scoped ClusterSPIFFEID's name: `<gitops namespace>-<ArgoCD name>`, unique per instance.
    pub name: String,
    /// The one SPIFFE ID both components present; every spoke's required `sub`.
    pub spiffe_id: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ExecAuth {
    /// The rendered download URL.
    pub download_url: String,
    pub sha256: Option<String>,
    pub image: String,
    /// What the API server would default for `image`, written out so the operator does not see a diff
    /// on every reconcile.
    pub image_pull_policy: &'static str,
    /// Without a trailing `/`, so that `command` is exactly this plus `/` plus the binary.
    pub bin_dir: String,
    /// The init container's writable scratch directory: [`scratch_dir`] of `bin_dir`.
    pub scratch_dir: &'static str,
    /// Without a trailing `/`, so that `socket_endpoint` is exactly `unix://` + this + `/spire-agent.sock`.
    pub socket_dir: String,
    pub credential_version: CredentialVersion,
    /// Absolute path of the plugin in Argo CD's pods: the exec `command`.
    pub command: String,
    /// `SPIFFE_ENDPOINT_SOCKET`.
    pub socket_endpoint: String,
    /// The exec `apiVersion`, `client.authentication.k8s.io/<credentialVersion>`.
    pub exec_api_version: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Spoke {
    pub name: String,
    /// This spoke's place in the config (`spec.spokes.1`), for results about it.
    pub path: String,
    pub cluster: Cluster,
    /// The API server URL as validated, without a trailing slash.
    pub server: String,
    /// The spoke's `issuer.audiences[0]` == the cluster Secret's `SPIFFE_JWT_AUDIENCE`.
    pub audience: String,
    /// Spokes before 4.20 need `FeatureGate/cluster` `TechPreviewNoUpgrade` for external OIDC.
    pub needs_tech_preview: bool,
    pub ca_data: Option<String>,
    pub insecure_skip_tls_verify: bool,
    pub issuer_ca: Option<IssuerCa>,
    /// None: `prefixPolicy: NoPrefix`.
    pub username_prefix: Option<String>,
    pub oidc_provider_name: String,
    pub cluster_role: String,
    pub namespaces: Vec<String>,
    pub project: Option<String>,
    pub labels: BTreeMap<String, String>,
    /// The usernames Argo CD's tokens map to on this spoke, one per distinct SPIFFE ID, in identity order.
    pub usernames: Vec<String>,
    /// `identity: shared`: the only `sub` the spoke accepts, the [`SharedIdentity`]'s SPIFFE ID.
    pub required_subject: Option<String>,
    /// Name of the ClusterRoleBinding (or of each RoleBinding).
    pub binding_name: String,
}

/// `https://spire-spiffe-oidc-discovery-provider.<appDomain>` unless the config sets one.
pub fn jwt_issuer(spec: &Spec) -> String {
    if spec.management.ztwim.jwt_issuer.is_empty() {
        format!("https://spire-spiffe-oidc-discovery-provider.{}", spec.app_domain)
    } else {
        spec.management.ztwim.jwt_issuer.clone()
    }
}

pub fn trust_domain(spec: &Spec) -> String {
    if spec.trust_domain.is_empty() {
        spec.app_domain.clone()
    } else {
        spec.trust_domain.clone()
    }
}

/// `<ArgoCD name>-<suffix>`, as the argocd-operator names ServiceAccounts (validation refuses names it
/// would truncate).
pub fn service_account(argocd_name: &str, component: Component) -> String {
    format!("{argocd_name}-{}", component.service_account_suffix())
}

/// The SPIFFE ID a component presents.
pub fn spiffe_id(spec: &Spec, component: Component) -> String {
    let td = trust_domain(spec);
    let g = &spec.management.gitops;
    match spec.identity {
        Identity::PerServiceAccount => {
            format!("spiffe://{td}/ns/{}/sa/{}", g.namespace, service_account(&g.name, component))
        }
        Identity::Shared => format!("spiffe://{td}/ns/{}/argocd/{}", g.namespace, g.name),
    }
}

/// The username a spoke derives from a token's `sub`; the same rule writes the claim mapping.
pub fn username(prefix: Option<&str>, spiffe_id: &str) -> String {
    format!("{}{spiffe_id}", prefix.unwrap_or_default())
}

/// The spoke's audience: its own, else the config's, else its name.
pub fn audience(spec: &Spec, spoke: &SpokeConfig) -> String {
    [&spoke.audience, &spec.audience].into_iter().find(|a| !a.is_empty()).unwrap_or(&spoke.name).clone()
}

/// The spoke server as Argo CD will compare it: one trailing `/` trimmed.
pub fn server(spoke: &SpokeConfig) -> String {
    spoke.server.strip_suffix('/').unwrap_or(&spoke.server).to_string()
}

/// Renders `execAuth.downloadURL` (a minijinja template with `version` and `arch`).
pub fn download_url(exec: &config::ExecAuth) -> Result<String, String> {
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
pub fn scratch_dir(bin_dir: &str) -> &'static str {
    const SCRATCH: &str = "/scratch";
    if bin_dir == SCRATCH || bin_dir.strip_prefix(SCRATCH).is_some_and(|rest| rest.starts_with('/')) {
        "/install-jwt-spiffe-scratch"
    } else {
        SCRATCH
    }
}

/// The Secrets the argocd-operator creates and owns in the Argo CD namespace (argocd-operator
/// controllers/argocd/secret.go). A spoke's cluster Secret is named after the spoke, so a spoke with one of
/// these names would overwrite the operator's admin password, CA or TLS Secret.
pub fn operator_secrets(argocd_name: &str) -> Vec<String> {
    let owned = ["cluster", "ca", "tls", "default-cluster-config", "grafana", "redis-initial-password"];
    let fixed = ["argocd-secret", "argocd-repo-server-tls", "argocd-operator-redis-tls"];
    owned.iter().map(|suffix| format!("{argocd_name}-{suffix}")).chain(fixed.iter().map(|s| s.to_string())).collect()
}

/// Parses `MAJOR.MINOR`.
pub fn openshift_version(s: &str) -> Option<(u32, u32)> {
    let (major, minor) = s.split_once('.')?;
    let digits = |p: &str| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit());
    (digits(major) && digits(minor)).then(|| Some((major.parse().ok()?, minor.parse().ok()?)))?
}

/// The ClusterRole a spoke grants: `admin` instead of the cluster-wide default when it is
/// namespace-scoped and the user kept the default.
pub fn cluster_role(spoke: &SpokeConfig) -> String {
    if !spoke.namespaces.is_empty() && spoke.cluster_role == config::DEFAULT_CLUSTER_ROLE {
        "admin".into()
    } else {
        spoke.cluster_role.clone()
    }
}

/// The `openshift-config` ConfigMap that carries a spoke's `issuerCA`, named after its OIDC provider.
pub fn issuer_ca_configmap(spoke: &SpokeConfig) -> String {
    format!("{}-ca", spoke.oidc_provider_name)
}

/// `dir` without a trailing `/`, and kept inside the package: kpt refuses a file path that leaves it, and a
/// config whose path annotation was edited by hand (in a CI pipe) may sit at `../x` or `/x`. Such a
/// directory loses its `..` and empty segments; every other part of a file path is a validated name.
fn package_dir(dir: &str) -> String {
    let dir = dir.trim_end_matches('/');
    if !dir.starts_with('/') && !dir.split('/').any(|segment| segment == "..") {
        return dir.to_string();
    }
    dir.split('/').filter(|s| !s.is_empty() && *s != "..").collect::<Vec<_>>().join("/")
}

/// The mount path emitted for a configured directory (`binDir`, `socketDir`): without a trailing `/`, so
/// the exec command and socket endpoint are exactly the mount path plus `/` plus the file name.
pub fn mount_dir(dir: &str) -> &str {
    dir.trim_end_matches('/')
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

impl Model {
    /// Builds the model from a config that passed validation. `config_dir` is the directory of the
    /// config file inside the package ("" when unknown or at the root).
    pub fn resolve(config: &Config, config_dir: &str) -> Model {
        let spec = &config.spec;
        let g = &spec.management.gitops;
        let e = &spec.management.exec_auth;
        let bin_dir = mount_dir(&e.bin_dir);
        let socket_dir = mount_dir(&e.socket_dir);
        let identities: Vec<ArgoIdentity> = Component::ALL
            .iter()
            .map(|&c| ArgoIdentity {
                component: c,
                service_account: service_account(&g.name, c),
                workload: format!("{}-{}", g.name, c.workload_suffix()),
                spiffe_id: spiffe_id(spec, c),
            })
            .collect();
        let mut subjects: Vec<&str> = identities.iter().map(|i| i.spiffe_id.as_str()).collect();
        subjects.dedup();
        let shared_identity = (spec.identity == Identity::Shared).then(|| SharedIdentity {
            name: format!("{}-{}", g.namespace, g.name),
            spiffe_id: subjects[0].to_string(),
        });
        let spokes = spec
            .spokes
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let prefix = non_empty(&s.username_prefix);
                Spoke {
                    name: s.name.clone(),
                    path: format!("spec.spokes.{i}"),
                    cluster: Cluster::Spoke(s.name.clone()),
                    server: server(s),
                    audience: audience(spec, s),
                    needs_tech_preview: openshift_version(&s.openshift_version).unwrap_or((4, 20)) < (4, 20),
                    ca_data: non_empty(&s.ca_data),
                    insecure_skip_tls_verify: s.insecure_skip_tls_verify,
                    issuer_ca: non_empty(&s.issuer_ca).map(|pem| IssuerCa { configmap: issuer_ca_configmap(s), pem }),
                    usernames: subjects.iter().map(|id| username(prefix.as_deref(), id)).collect(),
                    username_prefix: prefix,
                    oidc_provider_name: s.oidc_provider_name.clone(),
                    cluster_role: cluster_role(s),
                    namespaces: s.namespaces.clone(),
                    project: non_empty(&s.project),
                    labels: s.labels.clone(),
                    required_subject: shared_identity.as_ref().map(|shared| shared.spiffe_id.clone()),
                    binding_name: format!("{}-admins", g.namespace),
                }
            })
            .collect();
        Model {
            owner: config.reference.name.clone(),
            config_dir: package_dir(config_dir),
            target: Target::parse(&spec.target).unwrap_or(Target::All),
            trust_domain: trust_domain(spec),
            ztwim: config::Ztwim { jwt_issuer: jwt_issuer(spec), ..spec.management.ztwim.clone() },
            gitops: config::Gitops {
                host: if g.host.is_empty() { format!("{}.{}", g.namespace, spec.app_domain) } else { g.host.clone() },
                ..g.clone()
            },
            respect_rbac: spec.spokes.iter().any(|s| !s.namespaces.is_empty()).then_some("normal"),
            exec_auth: ExecAuth {
                download_url: download_url(e).unwrap_or_default(),
                sha256: non_empty(&e.sha256),
                image: e.image.clone(),
                image_pull_policy: image_pull_policy(&e.image),
                bin_dir: bin_dir.to_string(),
                scratch_dir: scratch_dir(bin_dir),
                socket_dir: socket_dir.to_string(),
                credential_version: e.credential_version,
                command: format!("{bin_dir}/{EXEC_BINARY}"),
                socket_endpoint: format!("unix://{socket_dir}/{AGENT_SOCKET}"),
                exec_api_version: format!("client.authentication.k8s.io/{}", e.credential_version.as_str()),
            },
            shared_identity,
            identities,
            spokes,
            applications: spec.applications.clone(),
        }
    }

    /// The package-relative file a new object is written to: `<configDir>/management/<kind>-<name>.yaml`
    /// or `<configDir>/spokes/<spoke>/<kind>-<name>.yaml`.
    pub fn file_path(&self, cluster: &Cluster, kind: &str, name: &str) -> String {
        let file = cluster.file(kind, name);
        if self.config_dir.is_empty() {
            file
        } else {
            format!("{}/{file}", self.config_dir)
        }
    }

    /// Whether a result about `path` concerns a cluster this run emits. A warning about one spoke, or
    /// about the management side, is noise in another cluster's run (`--target spoke/b` need not repeat
    /// spoke a's 4.19 warning); results about the whole config always concern it.
    pub fn concerns(&self, path: Option<&str>) -> bool {
        let Some(path) = path else { return true };
        let under = |prefix: &str| path == prefix || path.strip_prefix(prefix).is_some_and(|r| r.starts_with('.'));
        if under("spec.management") || under("spec.applications") {
            return self.target.includes(&Cluster::Management);
        }
        match self.spokes.iter().find(|s| under(&s.path)) {
            Some(spoke) => self.target.includes(&spoke.cluster),
            None => true,
        }
    }

    /// Whether an Application syncs with `CreateNamespace=true`: only when automated, and never on a
    /// namespace-scoped spoke, where Argo CD refuses cluster-scoped objects (a Namespace among them) and
    /// validation has made sure the destination namespace is one of the spoke's, so it already exists.
    pub fn creates_namespace(&self, app: &config::Application) -> bool {
        app.automated && self.spoke(&app.spoke).is_some_and(|s| s.namespaces.is_empty())
    }

    pub fn spoke(&self, name: &str) -> Option<&Spoke> {
        self.spokes.iter().find(|s| s.name == name)
    }
}
