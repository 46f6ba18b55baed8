//! The management side of the trust contract: the trust domain, the issuer every spoke trusts, the
//! Workload API socket Argo CD's pods fetch tokens from, and the identities those pods present.

/// The SPIRE agent socket's file name inside the SPIFFE CSI volume.
pub const AGENT_SOCKET: &str = "spire-agent.sock";
/// The ClusterSPIFFEID class ZTWIM's controller manager watches; others are ignored.
pub const SPIRE_CLASS_NAME: &str = "zero-trust-workload-identity-manager-spire";
/// The SPIFFE CSI driver name: what the CSI volumes in Argo CD's pods and ZTWIM's driver agree on.
pub const CSI_DRIVER: &str = "csi.spiffe.io";
/// The pod label key of `identity: shared`; its value is the ArgoCD instance's name.
pub const INSTANCE_LABEL: &str = "ztwim-gitops.dev/argocd-instance";
/// Substrings of namespace names that ZTWIM's SPIRE controller manager ignores (its `ignoreNamespaces`
/// entries are unanchored regexes), so pods there never get an SVID. Config validation rejects such a
/// GitOps namespace; the doctor reports one; both through [`ignored_namespace_pattern`].
pub const IGNORED_NAMESPACE_PATTERNS: &[&str] = &["openshift", "kube-system", "kube-public", "local-path-storage"];

/// The entry of [`IGNORED_NAMESPACE_PATTERNS`] that makes ZTWIM ignore `namespace`, if one does.
pub fn ignored_namespace_pattern(namespace: &str) -> Option<&'static str> {
    IGNORED_NAMESPACE_PATTERNS.iter().copied().find(|pattern| namespace.contains(pattern))
}

/// The label Kubernetes sets on every Namespace to its own name: what a ClusterSPIFFEID's
/// `namespaceSelector` selects one namespace by.
pub const NAMESPACE_NAME_LABEL: &str = "kubernetes.io/metadata.name";
/// The pod label the argocd-operator sets to the workload's name ([`Component::workload`]).
pub const WORKLOAD_NAME_LABEL: &str = "app.kubernetes.io/name";
/// The JWT claim holding the SPIFFE ID, which every spoke maps to the username.
pub const SUBJECT_CLAIM: &str = "sub";

#[derive(Debug, Clone, PartialEq)]
pub struct Trust {
    pub trust_domain: String,
    pub issuer: Issuer,
    pub workload_api: WorkloadApi,
    /// Server first, then controller.
    pub identities: Vec<ArgoIdentity>,
    /// `identity: shared`: the ClusterSPIFFEID that gives both components one SPIFFE ID.
    pub shared: Option<SharedIdentity>,
}

/// The OIDC issuer: SpireServer/SpireOIDCDiscoveryProvider `jwtIssuer` == each spoke's issuer URL ==
/// the token's `iss`, byte for byte.
#[derive(Debug, Clone, PartialEq)]
pub struct Issuer {
    /// `https://<host>[:<port>]`, no path, no trailing slash ([`super::issuer_problem`]).
    pub url: String,
    /// The discovery Route's host (without the port), where spokes fetch the discovery document and keys.
    pub host: String,
    /// `<url>/.well-known/openid-configuration`.
    pub discovery_url: String,
}

/// Where Argo CD's pods reach the SPIFFE Workload API.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkloadApi {
    /// The CSI volume's mount path, without a trailing `/`.
    pub socket_dir: String,
    /// `unix://<socket_dir>/spire-agent.sock`: the plugin's `SPIFFE_ENDPOINT_SOCKET`.
    pub endpoint: String,
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
    /// The ServiceAccount the argocd-operator gives this component of the ArgoCD CR `instance`:
    /// `<instance>-argocd-server`, `<instance>-argocd-application-controller` (names it would shorten
    /// with a hash are refused by validation and reported by the doctor).
    pub fn service_account(self, instance: &str) -> String {
        let suffix = match self {
            Component::Server => "argocd-server",
            Component::Controller => "argocd-application-controller",
        };
        format!("{instance}-{suffix}")
    }
    /// The pod label [`WORKLOAD_NAME_LABEL`] the argocd-operator sets on this component's pods:
    /// `<instance>-server`, `<instance>-application-controller`.
    pub fn workload(self, instance: &str) -> String {
        let suffix = match self {
            Component::Server => "server",
            Component::Controller => "application-controller",
        };
        format!("{instance}-{suffix}")
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

/// The management-side registration behind `identity: shared`.
#[derive(Debug, Clone, PartialEq)]
pub struct SharedIdentity {
    /// The cluster-scoped ClusterSPIFFEID's name: `<gitops namespace>-<ArgoCD name>`, unique per instance.
    pub name: String,
    /// The one SPIFFE ID both components present; every spoke's required `sub`.
    pub spiffe_id: String,
    /// The pod label (key, value) the ArgoCD CR puts on the controller and server pods
    /// (`spec.<component>.labels`) and the ClusterSPIFFEID selects: ours, so that neither a long instance
    /// name nor an operator rename changes what is selected.
    pub pod_label: (String, String),
}
