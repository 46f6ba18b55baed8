//! The function config: the public API users write. Field names and defaults here are documented in the
//! README; changing one is a breaking change.
//!
//! Every field has a serde default so that a partial config deserialises; what is *required* is enforced
//! by validation (which can then report every missing field at once, with its path) rather than by serde
//! (which stops at the first).

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;

/// `apiVersion` of the structured function config.
pub const API_VERSION: &str = "fn.ztwim-gitops.dev/v1alpha1";
/// `kind` of the structured function config.
pub const KIND: &str = "ZtwimGitOps";

/// The `ZtwimGitOps` object as a user writes it. Loading reads it key by key (so that every problem gets
/// its own path); this type exists so that `ztwim-gitops schema` describes the whole object from the same
/// types the loader fills, and cannot drift from them.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(
    rename = "ZtwimGitOps",
    deny_unknown_fields,
    description = "The structured function config: every option, any number of spokes."
)]
pub struct FunctionConfig {
    #[schemars(extend("const" = API_VERSION))]
    pub api_version: String,
    #[schemars(extend("const" = KIND))]
    pub kind: String,
    pub metadata: ConfigMetadata,
    pub spec: Spec,
}

/// The metadata the function reads; orchestrators add their own annotations, so other fields are allowed.
#[derive(JsonSchema)]
pub struct ConfigMetadata {
    /// REQUIRED. Written into the `ztwim-gitops.dev/owner` annotation of every generated object, so later
    /// runs recognise their own output.
    #[schemars(length(min = 1))]
    pub name: String,
    pub namespace: Option<String>,
    pub labels: Option<BTreeMap<String, String>>,
    /// Mark the config `config.kubernetes.io/local-config: "true"` so it is never applied.
    pub annotations: Option<BTreeMap<String, String>>,
}

/// The whole `spec` of a `ZtwimGitOps` function config.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default)]
#[schemars(deny_unknown_fields, extend("required" = ["appDomain"]))]
pub struct Spec {
    /// REQUIRED. The management cluster's apps domain (`apps.<baseDomain>`), no scheme, port or path.
    pub app_domain: String,
    /// SPIFFE trust domain. Empty: the appDomain (as in the reference setup).
    pub trust_domain: String,
    /// JWT audience for every spoke without its own. Empty: the spoke's name.
    pub audience: String,
    /// Which cluster's manifests to emit: `all`, `management` or `spoke/<name>`.
    pub target: String,
    /// How Argo CD's pods are identified to spokes.
    pub identity: Identity,
    pub management: Management,
    /// Zero or more spoke clusters Argo CD manages.
    pub spokes: Vec<Spoke>,
    /// Optional Argo CD Applications targeting spokes.
    pub applications: Vec<Application>,
    /// Deliberate choices whose warning or info results are not repeated.
    pub acknowledge: Vec<Acknowledgement>,
}

/// A deliberate choice to stop hearing about: `lockout` (each spoke's OAuth lock-out notice),
/// `apiServerSystemRoots` (spokes without caData), `issuerSystemTrust` (spokes without issuerCA),
/// `unverifiedDownload` (no execAuth.sha256).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Acknowledgement {
    Lockout,
    ApiServerSystemRoots,
    IssuerSystemTrust,
    UnverifiedDownload,
}

impl Default for Spec {
    fn default() -> Self {
        Spec {
            app_domain: String::new(),
            trust_domain: String::new(),
            audience: String::new(),
            target: "all".into(),
            identity: Identity::default(),
            management: Management::default(),
            spokes: Vec::new(),
            applications: Vec::new(),
            acknowledge: Vec::new(),
        }
    }
}

/// `perServiceAccount`: the controller and server each present the ZTWIM default SPIFFE ID of their
/// ServiceAccount (the reference setup). `shared`: a ClusterSPIFFEID gives both one SPIFFE ID and each
/// spoke requires exactly that `sub`, so no other workload on the management cluster can log in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Identity {
    #[default]
    PerServiceAccount,
    Shared,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default)]
#[schemars(deny_unknown_fields)]
pub struct Management {
    pub ztwim: Ztwim,
    pub gitops: Gitops,
    pub exec_auth: ExecAuth,
    /// The cluster-wide proxy for the init containers that download (the operator gives its proxy
    /// environment to the main containers only). See `oc get proxy cluster -o yaml`.
    pub proxy: Proxy,
    /// Argo CD Applications that keep the management cluster's and each spoke's generated manifests (the
    /// `generate -o` layout, committed to Git) in sync. Off while `repoURL` is empty.
    pub bootstrap: Bootstrap,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default)]
#[schemars(deny_unknown_fields)]
pub struct Bootstrap {
    /// The Git repository holding the `generate -o` output.
    #[serde(rename = "repoURL")]
    pub repo_url: String,
    pub target_revision: String,
    /// The directory of that output in the repository (`""`: its root).
    pub path: String,
}

impl Default for Bootstrap {
    fn default() -> Self {
        Bootstrap { repo_url: String::new(), target_revision: "HEAD".into(), path: String::new() }
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default)]
#[schemars(deny_unknown_fields)]
pub struct Proxy {
    /// `http://host:port` (proxy `status.httpProxy`).
    pub http_proxy: String,
    /// `http://host:port` or `https://…` (proxy `status.httpsProxy`).
    pub https_proxy: String,
    /// Comma-separated hosts, domains and CIDRs (proxy `status.noProxy`).
    pub no_proxy: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default)]
#[schemars(deny_unknown_fields)]
pub struct Ztwim {
    /// Emit the operator's Namespace, OperatorGroup and Subscription.
    pub install: bool,
    pub namespace: String,
    /// OLM channel. Only `stable-v1` (the 1.0 API) is supported.
    pub channel: String,
    pub install_plan_approval: InstallPlanApproval,
    /// `ZeroTrustWorkloadIdentityManager.spec.clusterName`.
    pub cluster_name: String,
    /// Empty: `https://spire-spiffe-oidc-discovery-provider.<appDomain>`.
    pub jwt_issuer: String,
}

impl Default for Ztwim {
    fn default() -> Self {
        Ztwim {
            install: true,
            namespace: "zero-trust-workload-identity-manager".into(),
            channel: "stable-v1".into(),
            install_plan_approval: InstallPlanApproval::Automatic,
            cluster_name: "management-cluster".into(),
            jwt_issuer: String::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub enum InstallPlanApproval {
    #[default]
    Automatic,
    Manual,
}

impl InstallPlanApproval {
    pub fn as_str(self) -> &'static str {
        match self {
            InstallPlanApproval::Automatic => "Automatic",
            InstallPlanApproval::Manual => "Manual",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default)]
#[schemars(deny_unknown_fields)]
pub struct Gitops {
    /// Emit the OpenShift GitOps operator's Namespace, OperatorGroup and Subscription.
    pub install_operator: bool,
    pub channel: String,
    /// Where the Argo CD instance runs.
    pub namespace: String,
    /// The ArgoCD CR's name.
    pub name: String,
    /// Empty: `<namespace>.<appDomain>`.
    pub host: String,
    pub rbac: Rbac,
    /// Free-form; deep-merged last into the generated ArgoCD spec (maps merge, scalars and lists replace).
    #[schemars(with = "serde_json::Value")]
    pub argocd_spec: serde_yaml_ng::Value,
}

impl Default for Gitops {
    fn default() -> Self {
        Gitops {
            install_operator: true,
            channel: "latest".into(),
            namespace: "ztwim-gitops".into(),
            name: "openshift-gitops".into(),
            host: String::new(),
            rbac: Rbac::default(),
            argocd_spec: serde_yaml_ng::Value::Mapping(Default::default()),
        }
    }
}

/// Argo CD's own RBAC (`argocd-rbac-cm`), OpenShift GitOps' defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default)]
#[schemars(deny_unknown_fields)]
pub struct Rbac {
    pub default_policy: String,
    pub policy: String,
    pub scopes: String,
}

impl Default for Rbac {
    fn default() -> Self {
        Rbac {
            default_policy: String::new(),
            policy: "g, system:cluster-admins, role:admin\ng, cluster-admins, role:admin\n".into(),
            scopes: "[groups]".into(),
        }
    }
}

/// The `k8s-spiffe-workload-jwt-exec-auth` plugin and where it lives in Argo CD's pods.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default)]
#[schemars(deny_unknown_fields)]
pub struct ExecAuth {
    pub version: String,
    /// minijinja template with `version` and `arch`.
    #[serde(rename = "downloadURL")]
    pub download_url: String,
    /// Hex sha256 of the archive. Empty: not verified (warning result).
    pub sha256: String,
    pub arch: Arch,
    /// Init container image; needs sh, curl, tar and sha256sum.
    pub image: String,
    pub bin_dir: String,
    pub socket_dir: String,
    /// `v1` or `v1beta1`: the exec apiVersion and EXEC_CREDENTIAL_VERSION agree.
    pub credential_version: CredentialVersion,
}

pub const DEFAULT_DOWNLOAD_URL: &str = "https://github.com/spiffe/k8s-spiffe-workload-jwt-exec-auth/releases/download/{{ version }}/k8s-spiffe-workload-jwt-exec-auth_Linux_{{ arch }}.tar.gz";

impl Default for ExecAuth {
    fn default() -> Self {
        ExecAuth {
            version: "v0.0.7".into(),
            download_url: DEFAULT_DOWNLOAD_URL.into(),
            sha256: String::new(),
            arch: Arch::X86_64,
            image: "registry.redhat.io/ubi9/ubi:latest".into(),
            bin_dir: "/binaries".into(),
            socket_dir: "/run/spire/sockets".into(),
            credential_version: CredentialVersion::V1beta1,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub enum Arch {
    #[default]
    #[serde(rename = "x86_64")]
    X86_64,
    #[serde(rename = "arm64")]
    Arm64,
}

impl Arch {
    pub fn as_str(self) -> &'static str {
        match self {
            Arch::X86_64 => "x86_64",
            Arch::Arm64 => "arm64",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CredentialVersion {
    V1,
    #[default]
    V1beta1,
}

impl CredentialVersion {
    pub fn as_str(self) -> &'static str {
        match self {
            CredentialVersion::V1 => "v1",
            CredentialVersion::V1beta1 => "v1beta1",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default)]
#[schemars(deny_unknown_fields, extend("required" = ["name", "server"]))]
pub struct Spoke {
    /// REQUIRED. DNS-1123 label, unique.
    pub name: String,
    /// REQUIRED. The spoke API server's https URL, unique.
    pub server: String,
    /// What kind of cluster the spoke is, which decides how its API server is told to trust the issuer.
    #[serde(rename = "type")]
    pub type_: SpokeType,
    /// Overrides spec.audience.
    pub audience: String,
    /// `type: openshift` only. `MAJOR.MINOR`; 4.19 adds the TechPreviewNoUpgrade FeatureGate; below 4.19
    /// is an error.
    pub openshift_version: String,
    /// `type: hosted` only (required there): the HostedCluster on the hosting cluster.
    pub hosted_cluster: HostedClusterRef,
    /// `type: kubernetes` only. `MAJOR.MINOR` of kube-apiserver; 1.34 and later get the `v1`
    /// AuthenticationConfiguration, earlier (from 1.30) and empty `v1beta1`.
    pub kubernetes_version: String,
    /// `type: eks` only: the EKS cluster and where the ACK EKS controller's IdentityProviderConfig goes.
    pub eks: EksCluster,
    /// Base64 of the PEM CA of the spoke API server.
    pub ca_data: String,
    /// Skips TLS verification of the spoke API server (warning result).
    #[serde(rename = "insecureSkipTLSVerify")]
    pub insecure_skip_tls_verify: bool,
    /// PEM of the CA that signs the management cluster's ingress certificate (not for `type: eks`, which
    /// needs a publicly trusted issuer).
    #[serde(rename = "issuerCA")]
    pub issuer_ca: String,
    /// Empty: no prefix (the SPIFFE ID is the username); otherwise prepended to it.
    pub username_prefix: String,
    /// The OIDC provider's name (`openshift`, `hosted`: also names the `<name>-ca` ConfigMap; `eks`: the
    /// identityProviderConfigName). Not for `type: kubernetes`.
    pub oidc_provider_name: String,
    /// `openshift` and `hosted` only: OAuth clients of the provider (`oidcClients`). Empty: none, since
    /// SPIRE issues tokens to workloads and nothing logs in interactively through it.
    pub oidc_clients: Vec<OidcClient>,
    /// The ClusterRole granted to Argo CD's SPIFFE identities.
    pub cluster_role: String,
    /// Non-empty: Argo CD manages only these namespaces on the spoke.
    pub namespaces: Vec<String>,
    /// Argo CD project that owns the cluster.
    pub project: String,
    /// Labels on the Argo CD cluster Secret (for ApplicationSet generators).
    pub labels: BTreeMap<String, String>,
}

/// `openshift`: `Authentication/cluster` on the spoke. `hosted`: a hosted control plane (HyperShift, ROSA
/// HCP, ARO HCP), configured through its HostedCluster on the hosting cluster. `kubernetes`: a
/// kube-apiserver `--authentication-config` file. `eks`: an ACK EKS IdentityProviderConfig.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SpokeType {
    #[default]
    Openshift,
    Hosted,
    Kubernetes,
    Eks,
}

impl SpokeType {
    pub fn as_str(self) -> &'static str {
        match self {
            SpokeType::Openshift => "openshift",
            SpokeType::Hosted => "hosted",
            SpokeType::Kubernetes => "kubernetes",
            SpokeType::Eks => "eks",
        }
    }
}

/// One `oidcProviders[].oidcClients` entry of OpenShift's Authentication.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default)]
#[schemars(deny_unknown_fields, extend("required" = ["componentName", "componentNamespace", "clientID"]))]
pub struct OidcClient {
    /// The platform component, e.g. `cli` or `console`.
    pub component_name: String,
    /// Its namespace, e.g. `openshift-console`.
    pub component_namespace: String,
    /// The client ID at the identity provider.
    #[serde(rename = "clientID")]
    pub client_id: String,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default)]
#[schemars(deny_unknown_fields)]
pub struct HostedClusterRef {
    /// The HostedCluster's name.
    pub name: String,
    /// The HostedCluster's namespace on the hosting cluster (e.g. `clusters`).
    pub namespace: String,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default)]
#[schemars(deny_unknown_fields)]
pub struct EksCluster {
    /// The EKS cluster's name. Empty: the spoke's name.
    pub cluster_name: String,
    /// The namespace of the IdentityProviderConfig on the cluster running the ACK EKS controller.
    /// Empty: the Argo CD namespace.
    pub namespace: String,
}

/// The ClusterRole a spoke grants when the user left `clusterRole` alone.
pub const DEFAULT_CLUSTER_ROLE: &str = "cluster-admin";

impl Default for Spoke {
    fn default() -> Self {
        Spoke {
            name: String::new(),
            server: String::new(),
            type_: SpokeType::default(),
            audience: String::new(),
            openshift_version: "4.20".into(),
            hosted_cluster: HostedClusterRef::default(),
            kubernetes_version: String::new(),
            eks: EksCluster::default(),
            ca_data: String::new(),
            insecure_skip_tls_verify: false,
            issuer_ca: String::new(),
            username_prefix: String::new(),
            oidc_provider_name: "ztwim-oidc-server".into(),
            oidc_clients: Vec::new(),
            cluster_role: DEFAULT_CLUSTER_ROLE.into(),
            namespaces: Vec::new(),
            project: String::new(),
            labels: BTreeMap::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default)]
#[schemars(deny_unknown_fields, extend("required" = ["name", "spoke", "namespace", "repoURL"]))]
pub struct Application {
    pub name: String,
    /// Must name a spoke.
    pub spoke: String,
    pub namespace: String,
    pub project: String,
    #[serde(rename = "repoURL")]
    pub repo_url: String,
    pub path: String,
    pub target_revision: String,
    /// Helm parameters, in the order written.
    pub helm_parameters: IndexMap<String, ScalarString>,
    /// Automated sync with prune and selfHeal, and CreateNamespace=true.
    pub automated: bool,
}

impl Default for Application {
    fn default() -> Self {
        Application {
            name: String::new(),
            spoke: String::new(),
            namespace: String::new(),
            project: "default".into(),
            repo_url: String::new(),
            path: String::new(),
            target_revision: "HEAD".into(),
            helm_parameters: IndexMap::new(),
            automated: true,
        }
    }
}

/// A string that also accepts a YAML number or boolean (`replicas: 3`), kept as written by serde's
/// formatting. Helm parameters are strings in the Application CR.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct ScalarString(pub String);

impl JsonSchema for ScalarString {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ScalarString".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": ["string", "number", "boolean"],
            "description": "A string; a number or boolean is taken as written (`replicas: 3`)."
        })
    }
}

impl<'de> Deserialize<'de> for ScalarString {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Scalar {
            S(String),
            I(i64),
            F(f64),
            B(bool),
        }
        Ok(ScalarString(
            match Scalar::deserialize(d)
                .map_err(|_| serde::de::Error::custom("expected a string, number or boolean"))?
            {
                Scalar::S(s) => s,
                Scalar::I(i) => i.to_string(),
                Scalar::F(f) => f.to_string(),
                Scalar::B(b) => b.to_string(),
            },
        ))
    }
}
