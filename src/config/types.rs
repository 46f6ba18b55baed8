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
    /// The function config's API version.
    #[schemars(extend("const" = API_VERSION))]
    #[schemars(example = &API_VERSION)]
    pub api_version: String,
    /// Always `ZtwimGitOps` (the `ConfigMap` form covers one spoke).
    #[schemars(extend("const" = KIND))]
    #[schemars(example = &KIND)]
    pub kind: String,
    /// The config's name (REQUIRED) and orchestrator annotations.
    #[schemars(example = serde_json::json!({"name": "ztwim-gitops", "annotations": {"config.kubernetes.io/local-config": "true"}}))]
    pub metadata: ConfigMetadata,
    /// What to generate: the management cluster, its spokes and their Applications.
    #[schemars(example = serde_json::json!({"appDomain": "apps.mgmt.example.com", "spokes": [{"name": "spoke-a", "server": "https://api.spoke-a.example.com:6443"}]}))]
    pub spec: Spec,
}

/// The metadata the function reads; orchestrators add their own annotations, so other fields are allowed.
#[derive(JsonSchema)]
pub struct ConfigMetadata {
    /// REQUIRED. Written into the `ztwim-gitops.dev/owner` annotation of every generated object, so later
    /// runs recognise their own output.
    #[schemars(length(min = 1))]
    #[schemars(example = &"ztwim-gitops")]
    pub name: String,
    /// Not read; allowed because orchestrators and users set it.
    #[schemars(example = &"config")]
    pub namespace: Option<String>,
    /// Not read; allowed because orchestrators and users set them.
    #[schemars(example = serde_json::json!({"app.kubernetes.io/part-of": "fleet"}))]
    pub labels: Option<BTreeMap<String, String>>,
    /// Mark the config `config.kubernetes.io/local-config: "true"` so it is never applied.
    #[schemars(example = serde_json::json!({"config.kubernetes.io/local-config": "true"}))]
    pub annotations: Option<BTreeMap<String, String>>,
}

/// The whole `spec` of a `ZtwimGitOps` function config.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default)]
#[schemars(deny_unknown_fields, extend("required" = ["appDomain"]))]
pub struct Spec {
    /// REQUIRED. The management cluster's apps domain (`apps.<baseDomain>`), no scheme, port or path.
    #[schemars(transform = super::schema::required_without_default)]
    #[schemars(pattern(crate::config::syntax::DNS_SUBDOMAIN_PATTERN))]
    #[schemars(length(max = 253))]
    #[schemars(example = &"apps.mgmt.example.com")]
    pub app_domain: String,
    /// SPIFFE trust domain. Empty: the appDomain (as in the reference setup).
    #[schemars(pattern(crate::config::syntax::TRUST_DOMAIN_PATTERN))]
    #[schemars(length(max = 255))]
    #[schemars(example = &"mgmt.example.com")]
    pub trust_domain: String,
    /// JWT audience for every spoke without its own. Empty: the spoke's name. At most 255 characters, no
    /// white space or control characters.
    #[schemars(pattern(crate::config::syntax::AUDIENCE_PATTERN))]
    #[schemars(length(max = 255))]
    #[schemars(example = &"argocd")]
    pub audience: String,
    /// Which cluster's manifests to emit: `all`, `management`, `spoke/<name>`, `spoke/<name>/featuregate` or
    /// `control-plane/<name>`. Left out, `generate` without `-o` refuses a config with spokes rather than
    /// mix clusters in one stream; write `all` to stream the whole fleet.
    #[schemars(example = &"spoke/spoke-a")]
    pub target: String,
    /// How Argo CD's pods are identified to spokes.
    #[schemars(example = &"shared")]
    pub identity: Identity,
    /// The management cluster: ZTWIM, OpenShift GitOps and the exec plugin in Argo CD's pods.
    #[schemars(example = serde_json::json!({"execAuth": {"sha256": "3f1c2e9a8b7d6c5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e"}}))]
    pub management: Management,
    /// Zero or more spoke clusters Argo CD manages.
    #[schemars(example = serde_json::json!([{"name": "spoke-a", "server": "https://api.spoke-a.example.com:6443"}]))]
    pub spokes: Vec<Spoke>,
    /// Optional Argo CD Applications targeting spokes.
    #[schemars(example = serde_json::json!([{"name": "guestbook", "spoke": "spoke-a", "namespace": "guestbook", "repoURL": "https://github.com/argoproj/argocd-example-apps.git", "path": "guestbook"}]))]
    pub applications: Vec<Application>,
    /// Deliberate choices whose warning or info results are not repeated.
    #[schemars(example = serde_json::json!(["lockout", "removeDefaultInstance"]))]
    pub acknowledge: Vec<Acknowledgement>,
}

/// A deliberate choice to stop hearing about: `lockout` (each spoke's OAuth lock-out notice),
/// `apiServerSystemRoots` (spokes without caData), `issuerSystemTrust` (spokes without issuerCA),
/// `unverifiedDownload` (no execAuth.sha256),
/// `removeDefaultInstance` (the GitOps Subscription removes an existing `openshift-gitops` Argo CD),
/// `replaceOidcProvider` (transformer mode may replace a spoke's existing OIDC provider, with a warning).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Acknowledgement {
    Lockout,
    ApiServerSystemRoots,
    IssuerSystemTrust,
    UnverifiedDownload,
    RemoveDefaultInstance,
    ReplaceOidcProvider,
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
    /// The Zero Trust Workload Identity Manager (SPIRE) on the management cluster.
    #[schemars(example = serde_json::json!({"clusterName": "mgmt"}))]
    pub ztwim: Ztwim,
    /// OpenShift GitOps and its Argo CD instance.
    #[schemars(example = serde_json::json!({"namespace": "fleet-gitops"}))]
    pub gitops: Gitops,
    /// The exec credential helper Argo CD runs to fetch a JWT-SVID for each spoke (default: the built-in
    /// `ztwim-gitops credential`).
    #[schemars(example = serde_json::json!({"method": "builtin", "copierImage": "registry.example.com/ztwim-gitops/ztwim-gitops:0.1.0"}))]
    pub exec_auth: ExecAuth,
    /// The cluster-wide proxy for the init containers that download (the operator gives its proxy
    /// environment to the main containers only). See `oc get proxy cluster -o yaml`.
    #[schemars(example = serde_json::json!({"httpsProxy": "http://proxy.example.com:3128", "noProxy": ".svc,.cluster.local"}))]
    pub proxy: Proxy,
    /// Argo CD Applications that keep the management cluster's and each spoke's generated manifests (the
    /// `generate -o` layout, committed to Git) in sync. Off while `repoURL` is empty.
    #[schemars(example = serde_json::json!({"repoURL": "https://git.example.com/fleet.git", "path": "clusters/prod"}))]
    pub bootstrap: Bootstrap,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default)]
#[schemars(deny_unknown_fields)]
pub struct Bootstrap {
    /// The Git repository holding the `generate -o` output.
    #[serde(rename = "repoURL")]
    #[schemars(example = &"https://git.example.com/fleet.git")]
    pub repo_url: String,
    /// The branch, tag or commit to sync.
    #[schemars(example = &"main")]
    pub target_revision: String,
    /// The directory of that output in the repository (`""`: its root).
    #[schemars(example = &"clusters/prod")]
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
    #[schemars(example = &"http://proxy.example.com:3128")]
    pub http_proxy: String,
    /// `http://host:port` or `https://…` (proxy `status.httpsProxy`).
    #[schemars(example = &"http://proxy.example.com:3128")]
    pub https_proxy: String,
    /// Comma-separated hosts, domains and CIDRs (proxy `status.noProxy`).
    #[schemars(example = &".cluster.local,.svc,10.0.0.0/16")]
    pub no_proxy: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default)]
#[schemars(deny_unknown_fields)]
pub struct Ztwim {
    /// Emit the operator's Namespace, OperatorGroup and Subscription.
    #[schemars(example = &false)]
    pub install: bool,
    /// The operator's namespace (DNS-1123 label).
    #[schemars(pattern(crate::config::syntax::DNS_LABEL_PATTERN))]
    #[schemars(example = &"zero-trust-workload-identity-manager")]
    pub namespace: String,
    /// OLM channel. Only `stable-v1` (the 1.0 API) is supported.
    #[schemars(example = &"stable-v1")]
    pub channel: String,
    /// `Automatic` or `Manual` approval of the operator's InstallPlans.
    #[schemars(example = &"Manual")]
    pub install_plan_approval: InstallPlanApproval,
    /// The CatalogSource the Subscription installs from; a disconnected hub names its mirrored catalog's.
    #[schemars(pattern(crate::config::syntax::DNS_SUBDOMAIN_PATTERN))]
    #[schemars(example = &"cs-redhat-operator-index-v4-20")]
    pub source: String,
    /// The namespace of that CatalogSource.
    #[schemars(pattern(crate::config::syntax::DNS_LABEL_PATTERN))]
    #[schemars(example = &"openshift-marketplace")]
    pub source_namespace: String,
    /// `ZeroTrustWorkloadIdentityManager.spec.clusterName`.
    #[schemars(pattern(crate::config::syntax::DNS_SUBDOMAIN_PATTERN))]
    #[schemars(length(max = 63))]
    #[schemars(example = &"mgmt")]
    pub cluster_name: String,
    /// Empty: `https://spire-spiffe-oidc-discovery-provider.<appDomain>`.
    #[schemars(pattern(crate::config::syntax::ISSUER_PATTERN))]
    #[schemars(extend("format" = "uri"))]
    #[schemars(example = &"https://oidc.apps.mgmt.example.com")]
    pub jwt_issuer: String,
}

impl Default for Ztwim {
    fn default() -> Self {
        Ztwim {
            install: true,
            namespace: "zero-trust-workload-identity-manager".into(),
            channel: "stable-v1".into(),
            install_plan_approval: InstallPlanApproval::Automatic,
            source: DEFAULT_CATALOG_SOURCE.into(),
            source_namespace: DEFAULT_CATALOG_NAMESPACE.into(),
            cluster_name: "management-cluster".into(),
            jwt_issuer: String::new(),
        }
    }
}

/// OpenShift's default catalog of Red Hat operators, where both operators come from when connected.
pub const DEFAULT_CATALOG_SOURCE: &str = "redhat-operators";
pub const DEFAULT_CATALOG_NAMESPACE: &str = "openshift-marketplace";

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
    #[schemars(example = &false)]
    pub install_operator: bool,
    /// OLM channel of OpenShift GitOps.
    #[schemars(example = &"gitops-1.18")]
    pub channel: String,
    /// `Automatic` or `Manual` approval of the OpenShift GitOps operator's InstallPlans.
    #[schemars(example = &"Manual")]
    pub install_plan_approval: InstallPlanApproval,
    /// The CatalogSource the Subscription installs from; a disconnected hub names its mirrored catalog's.
    #[schemars(pattern(crate::config::syntax::DNS_SUBDOMAIN_PATTERN))]
    #[schemars(example = &"cs-redhat-operator-index-v4-20")]
    pub source: String,
    /// The namespace of that CatalogSource.
    #[schemars(pattern(crate::config::syntax::DNS_LABEL_PATTERN))]
    #[schemars(example = &"openshift-marketplace")]
    pub source_namespace: String,
    /// Where the Argo CD instance runs.
    #[schemars(pattern(crate::config::syntax::DNS_LABEL_PATTERN))]
    #[schemars(example = &"fleet-gitops")]
    pub namespace: String,
    /// The ArgoCD CR's name.
    #[schemars(pattern(crate::config::syntax::DNS_LABEL_PATTERN))]
    #[schemars(length(max = 33))]
    #[schemars(example = &"fleet")]
    pub name: String,
    /// Empty: `<namespace>.<appDomain>`.
    #[schemars(pattern(crate::config::syntax::OPTIONAL_DNS_SUBDOMAIN_PATTERN))]
    #[schemars(example = &"argocd.apps.mgmt.example.com")]
    pub host: String,
    /// Argo CD's own RBAC (`argocd-rbac-cm`).
    #[schemars(example = serde_json::json!({"policy": "g, platform-team, role:admin\n"}))]
    pub rbac: Rbac,
    /// Free-form; deep-merged last into the generated ArgoCD spec (maps merge, scalars and lists replace).
    #[schemars(with = "serde_json::Value")]
    #[schemars(example = serde_json::json!({"server": {"replicas": 2}}))]
    pub argocd_spec: serde_yaml_ng::Value,
}

impl Default for Gitops {
    fn default() -> Self {
        Gitops {
            install_operator: true,
            channel: "latest".into(),
            install_plan_approval: InstallPlanApproval::Automatic,
            source: DEFAULT_CATALOG_SOURCE.into(),
            source_namespace: DEFAULT_CATALOG_NAMESPACE.into(),
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
    /// Role of every authenticated user; empty: none.
    #[schemars(example = &"role:readonly")]
    pub default_policy: String,
    /// Argo CD RBAC CSV.
    #[schemars(example = &"g, platform-team, role:admin\n")]
    pub policy: String,
    /// OIDC scopes Argo CD maps to groups.
    #[schemars(example = &"[groups, email]")]
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

/// The exec credential helper Argo CD runs to fetch a JWT-SVID for each spoke, and how it gets into Argo
/// CD's pods (`method`). See docs/exec-auth.md.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default)]
#[schemars(deny_unknown_fields)]
pub struct ExecAuth {
    /// How the helper is installed. `builtin` (the default): this project's own `ztwim-gitops credential`,
    /// copied out of `copierImage` by one init container with no shell and no network. `archive`: the
    /// upstream `k8s-spiffe-workload-jwt-exec-auth` release archive downloaded with curl at pod start (the
    /// reference article's install; `version`, `downloadURL`, `sha256`, `arch`, `image`). `image`: the
    /// upstream plugin copied out of its own image (`pluginImage`, `pluginPath`, `timeout`). Left out, a
    /// config that sets `pluginImage` keeps meaning `image` (an info result says so).
    #[schemars(example = &"archive")]
    pub method: ExecAuthMethod,
    /// With `archive`: release tag of the plugin, `vMAJOR.MINOR.PATCH`.
    #[schemars(pattern(crate::config::syntax::SEMVER_TAG_PATTERN))]
    #[schemars(example = &"v0.0.7")]
    pub version: String,
    /// With `archive`: minijinja template with `version` and `arch`.
    #[serde(rename = "downloadURL")]
    #[schemars(example = &"https://mirror.example.com/k8s-spiffe-workload-jwt-exec-auth_Linux_{{ arch }}.tar.gz")]
    pub download_url: String,
    /// With `archive`: hex sha256 of the archive. Empty: not verified (warning result).
    #[schemars(pattern(crate::config::syntax::OPTIONAL_SHA256_PATTERN))]
    #[schemars(example = &"3f1c2e9a8b7d6c5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e")]
    pub sha256: String,
    /// With `archive`: architecture of the plugin archive, `x86_64` or `arm64`.
    #[schemars(example = &"arm64")]
    pub arch: Arch,
    /// With `archive`: the init container image; needs sh, curl, tar and sha256sum.
    #[schemars(pattern(r"^\S+$"))]
    #[schemars(example = &"registry.redhat.io/ubi9/ubi:latest")]
    pub image: String,
    /// Where the init container puts the helper in the controller and server (absolute).
    #[schemars(pattern(crate::config::syntax::ABSOLUTE_PATH_PATTERN))]
    #[schemars(example = &"/opt/spiffe/bin")]
    pub bin_dir: String,
    /// Where the SPIFFE Workload API socket is mounted in those pods (absolute).
    #[schemars(pattern(crate::config::syntax::ABSOLUTE_PATH_PATTERN))]
    #[schemars(example = &"/run/spire/sockets")]
    pub socket_dir: String,
    /// With `archive` or `image`: `v1` or `v1beta1`, the exec apiVersion and the plugin's
    /// EXEC_CREDENTIAL_VERSION. `builtin` always uses `v1`.
    #[schemars(example = &"v1")]
    pub credential_version: CredentialVersion,
    /// With `image`: the upstream plugin's image, best pinned by digest
    /// (`ghcr.io/spiffe/k8s-spiffe-workload-jwt-exec-auth@sha256:…`; unpinned: a warning). Upstream's
    /// release configuration publishes an image (tagged without the `v`, e.g. `0.0.7`) beside the archives
    /// for every release since v0.0.3; every release seen (up to v0.0.6) reports an expiry later than the
    /// token's, which the `builtin` helper does not.
    #[schemars(example = &"ghcr.io/spiffe/k8s-spiffe-workload-jwt-exec-auth@sha256:0000000000000000000000000000000000000000000000000000000000000000")]
    pub plugin_image: String,
    /// With `image`: the binary's path inside `pluginImage` (ko builds put it at `/ko-app/cmd`).
    #[schemars(pattern(crate::config::syntax::ABSOLUTE_PATH_PATTERN))]
    #[schemars(example = &"/ko-app/cmd")]
    pub plugin_path: String,
    /// This project's image (its static `ztwim-gitops` binary at `/usr/local/bin/ztwim-gitops`). With
    /// `builtin` the init container copies that binary, the credential helper, into `binDir`; with
    /// `image` it copies the upstream plugin out of the shell-less plugin image. Default: the image of
    /// the ztwim-gitops version that generated the output. Pulled `IfNotPresent` when pinned by digest
    /// or a version tag; untagged or `:latest` it is pulled on every start and can change under the same
    /// name, which gives a warning (acknowledge `unverifiedDownload`). A version tag gives none: it names
    /// a release of the tool the user already runs.
    #[schemars(pattern(r"^\S+$"))]
    #[schemars(example = &"registry.example.com/ztwim-gitops/ztwim-gitops@sha256:0000000000000000000000000000000000000000000000000000000000000000")]
    pub copier_image: String,
    /// With `image`: the plugin's `-timeout` (a Go duration), so a stuck Workload API fails the request
    /// instead of hanging Argo CD's refresh. (`builtin` has its own 10 s default.)
    #[schemars(pattern(r"^[0-9]+(ms|s|m)$"))]
    #[schemars(example = &"10s")]
    pub timeout: String,
}

pub const DEFAULT_DOWNLOAD_URL: &str = "https://github.com/spiffe/k8s-spiffe-workload-jwt-exec-auth/releases/download/{{ version }}/k8s-spiffe-workload-jwt-exec-auth_Linux_{{ arch }}.tar.gz";

/// This project's image at the version that generated the output.
pub const DEFAULT_COPIER_IMAGE: &str = concat!("ghcr.io/ztwim-gitops/ztwim-gitops:", env!("CARGO_PKG_VERSION"));

impl Default for ExecAuth {
    fn default() -> Self {
        ExecAuth {
            method: ExecAuthMethod::Builtin,
            version: "v0.0.7".into(),
            download_url: DEFAULT_DOWNLOAD_URL.into(),
            sha256: String::new(),
            arch: Arch::X86_64,
            image: "registry.redhat.io/ubi9/ubi:latest".into(),
            bin_dir: "/binaries".into(),
            socket_dir: "/run/spire/sockets".into(),
            credential_version: CredentialVersion::V1beta1,
            plugin_image: String::new(),
            plugin_path: "/ko-app/cmd".into(),
            copier_image: DEFAULT_COPIER_IMAGE.into(),
            timeout: "10s".into(),
        }
    }
}

/// How the exec credential helper gets into Argo CD's pods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum ExecAuthMethod {
    /// `ztwim-gitops credential`, copied from this project's image.
    #[default]
    Builtin,
    /// The upstream plugin's release archive, downloaded at pod start.
    Archive,
    /// The upstream plugin copied out of its own image.
    Image,
}

impl ExecAuthMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            ExecAuthMethod::Builtin => "builtin",
            ExecAuthMethod::Archive => "archive",
            ExecAuthMethod::Image => "image",
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
    #[schemars(transform = super::schema::required_without_default)]
    #[schemars(pattern(crate::config::syntax::DNS_LABEL_PATTERN))]
    #[schemars(example = &"spoke-a")]
    pub name: String,
    /// REQUIRED. The spoke API server's https URL, unique.
    #[schemars(transform = super::schema::required_without_default)]
    #[schemars(pattern(crate::config::syntax::SERVER_PATTERN))]
    #[schemars(extend("format" = "uri"))]
    #[schemars(example = &"https://api.spoke-a.example.com:6443")]
    pub server: String,
    /// What kind of cluster the spoke is, which decides how its API server is told to trust the issuer.
    #[serde(rename = "type")]
    #[schemars(example = &"hosted")]
    pub type_: SpokeType,
    /// Overrides spec.audience. At most 255 characters, no white space or control characters.
    #[schemars(pattern(crate::config::syntax::AUDIENCE_PATTERN))]
    #[schemars(length(max = 255))]
    #[schemars(example = &"spoke-a.example.com")]
    pub audience: String,
    /// `type: openshift` only. `MAJOR.MINOR`; 4.19 adds the TechPreviewNoUpgrade FeatureGate; below 4.19
    /// is an error.
    #[schemars(pattern(crate::config::syntax::MAJOR_MINOR_PATTERN))]
    #[schemars(example = &"4.20")]
    pub openshift_version: String,
    /// `type: hosted` only (required there): the HostedCluster on the hosting cluster.
    #[schemars(example = serde_json::json!({"name": "spoke-a", "namespace": "clusters"}))]
    pub hosted_cluster: HostedClusterRef,
    /// `type: kubernetes` only. `MAJOR.MINOR` of kube-apiserver; 1.34 and later get the `v1`
    /// AuthenticationConfiguration, earlier (from 1.30) and empty `v1beta1`.
    #[schemars(pattern(crate::config::syntax::OPTIONAL_MAJOR_MINOR_PATTERN))]
    #[schemars(example = &"1.34")]
    pub kubernetes_version: String,
    /// `type: eks` only: the EKS cluster and where the ACK EKS controller's IdentityProviderConfig goes.
    #[schemars(example = serde_json::json!({"clusterName": "prod-eu", "namespace": "ack-system"}))]
    pub eks: EksCluster,
    /// Base64 of the PEM CA of the spoke API server.
    #[schemars(pattern(crate::config::syntax::BASE64_PATTERN))]
    #[schemars(extend("contentEncoding" = "base64"))]
    #[schemars(example = &"LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUIuLi4KLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=")]
    pub ca_data: String,
    /// Skips TLS verification of the spoke API server (warning result).
    #[serde(rename = "insecureSkipTLSVerify")]
    #[schemars(example = &false)]
    pub insecure_skip_tls_verify: bool,
    /// PEM of the CA that signs the management cluster's ingress certificate (not for `type: eks`, which
    /// needs a publicly trusted issuer).
    #[serde(rename = "issuerCA")]
    #[schemars(pattern(crate::config::syntax::OPTIONAL_PEM_PATTERN))]
    #[schemars(example = &"-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----\n")]
    pub issuer_ca: String,
    /// Empty: no prefix (the SPIFFE ID is the username); otherwise prepended to it.
    #[schemars(example = &"spiffe:")]
    pub username_prefix: String,
    /// The OIDC provider's name (`openshift`, `hosted`: also names the `<name>-ca` ConfigMap; `eks`: the
    /// identityProviderConfigName). Not for `type: kubernetes`.
    #[schemars(pattern(crate::config::syntax::OIDC_PROVIDER_NAME_PATTERN))]
    #[schemars(example = &"ztwim-oidc-server")]
    pub oidc_provider_name: String,
    /// `openshift` and `hosted` only: OAuth clients of the provider (`oidcClients`). Empty: none, since
    /// SPIRE issues tokens to workloads and nothing logs in interactively through it.
    #[schemars(example = serde_json::json!([{"componentName": "cli", "componentNamespace": "openshift-console", "clientID": "openshift-cli"}]))]
    pub oidc_clients: Vec<OidcClient>,
    /// The ClusterRole granted to Argo CD's SPIFFE identities.
    #[schemars(length(min = 1))]
    #[schemars(example = &"admin")]
    pub cluster_role: String,
    /// Non-empty: Argo CD manages only these namespaces on the spoke.
    #[schemars(inner(pattern(crate::config::syntax::DNS_LABEL_PATTERN)))]
    #[schemars(example = serde_json::json!(["team-a", "team-b"]))]
    pub namespaces: Vec<String>,
    /// Argo CD project that owns the cluster.
    #[schemars(pattern(crate::config::syntax::OPTIONAL_DNS_SUBDOMAIN_PATTERN))]
    #[schemars(example = &"team-b")]
    pub project: String,
    /// Labels on the Argo CD cluster Secret (for ApplicationSet generators).
    #[schemars(example = serde_json::json!({"environment": "prod"}))]
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
    #[schemars(transform = super::schema::required_without_default, example = &"cli")]
    pub component_name: String,
    /// Its namespace, e.g. `openshift-console`.
    #[schemars(transform = super::schema::required_without_default, example = &"openshift-console")]
    pub component_namespace: String,
    /// The client ID at the identity provider.
    #[serde(rename = "clientID")]
    #[schemars(transform = super::schema::required_without_default, example = &"openshift-cli")]
    pub client_id: String,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default)]
#[schemars(deny_unknown_fields)]
pub struct HostedClusterRef {
    /// The HostedCluster's name.
    #[schemars(pattern(crate::config::syntax::DNS_LABEL_PATTERN))]
    #[schemars(example = &"spoke-a")]
    pub name: String,
    /// The HostedCluster's namespace on the hosting cluster (e.g. `clusters`).
    #[schemars(pattern(crate::config::syntax::DNS_LABEL_PATTERN))]
    #[schemars(example = &"clusters")]
    pub namespace: String,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default)]
#[schemars(deny_unknown_fields)]
pub struct EksCluster {
    /// The EKS cluster's name. Empty: the spoke's name.
    #[schemars(pattern(crate::config::syntax::OPTIONAL_EKS_CLUSTER_NAME_PATTERN))]
    #[schemars(example = &"prod-eu")]
    pub cluster_name: String,
    /// The namespace of the IdentityProviderConfig on the cluster running the ACK EKS controller.
    /// Empty: the Argo CD namespace.
    #[schemars(pattern(crate::config::syntax::OPTIONAL_DNS_LABEL_PATTERN))]
    #[schemars(example = &"ack-system")]
    pub namespace: String,
}

/// The ClusterRole a spoke grants when the user left `clusterRole` alone.
pub const DEFAULT_CLUSTER_ROLE: &str = crate::model::CLUSTER_WIDE_ROLE;

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
    /// REQUIRED. The Application's name (DNS-1123 label, unique).
    #[schemars(transform = super::schema::required_without_default)]
    #[schemars(pattern(crate::config::syntax::DNS_LABEL_PATTERN))]
    #[schemars(example = &"guestbook")]
    pub name: String,
    /// Must name a spoke.
    #[schemars(transform = super::schema::required_without_default)]
    #[schemars(pattern(crate::config::syntax::DNS_LABEL_PATTERN))]
    #[schemars(example = &"spoke-a")]
    pub spoke: String,
    /// REQUIRED. The namespace on the spoke it deploys to (DNS-1123 label).
    #[schemars(transform = super::schema::required_without_default)]
    #[schemars(pattern(crate::config::syntax::DNS_LABEL_PATTERN))]
    #[schemars(example = &"guestbook")]
    pub namespace: String,
    /// The Argo CD AppProject.
    #[schemars(length(min = 1))]
    #[schemars(example = &"team-a")]
    pub project: String,
    /// REQUIRED. The Git or Helm repository.
    #[serde(rename = "repoURL")]
    #[schemars(transform = super::schema::required_without_default)]
    #[schemars(length(min = 1))]
    #[schemars(example = &"https://github.com/argoproj/argocd-example-apps.git")]
    pub repo_url: String,
    /// Directory in the repository; empty: its root.
    #[schemars(example = &"guestbook")]
    pub path: String,
    /// Branch, tag or commit.
    #[schemars(example = &"main")]
    pub target_revision: String,
    /// Helm parameters, in the order written.
    #[schemars(example = serde_json::json!({"replicaCount": 2}))]
    pub helm_parameters: IndexMap<String, ScalarString>,
    /// Automated sync with prune and selfHeal, and CreateNamespace=true.
    #[schemars(example = &false)]
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
