//! The management cluster's install settings around the trust contract: the two operators, the Argo CD
//! instance, the exec plugin's installation, and Applications.

use super::Setting;

/// ZTWIM's OLM package (and Subscription name).
pub const ZTWIM_PACKAGE: &str = "openshift-zero-trust-workload-identity-manager";
/// The exec plugin's binary name.
pub const EXEC_BINARY: &str = "k8s-spiffe-workload-jwt-exec-auth";

#[derive(Debug, Clone, PartialEq)]
pub struct Ztwim {
    /// Emit the operator's Namespace, OperatorGroup and Subscription.
    pub install: bool,
    pub namespace: String,
    /// Enforced even over a base's value: the CRs generated are the 1.0 API, which only `stable-v1` serves.
    pub channel: String,
    pub install_plan_approval: Setting<InstallPlanApproval>,
    /// `ZeroTrustWorkloadIdentityManager.spec.clusterName`; immutable in ZTWIM, so a base's value wins
    /// over our default.
    pub cluster_name: Setting<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstallPlanApproval {
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

#[derive(Debug, Clone, PartialEq)]
pub struct Gitops {
    /// Emit the OpenShift GitOps operator's Namespace, OperatorGroup and Subscription.
    pub install_operator: bool,
    pub channel: Setting<String>,
    pub namespace: String,
    /// The ArgoCD CR's name.
    pub name: String,
    pub host: Setting<String>,
    pub rbac: Rbac,
    /// Deep-merged last into the generated ArgoCD spec; everything in it is enforced.
    pub argocd_spec: serde_yaml_ng::Mapping,
    /// The Applications that keep the generated manifests in sync from Git (`management.bootstrap`).
    pub bootstrap: Vec<BootstrapApp>,
    /// The application controller's `respectRBAC`: `normal` once any spoke is namespace-scoped. There
    /// Argo CD lists every namespaced kind in each namespace, and a kind the spoke's role may not list
    /// would otherwise fail that cluster's whole cache sync; `normal` skips what it is forbidden to list.
    /// Cluster-wide spokes bind a role that can list everything, so they see no difference.
    pub respect_rbac: Option<&'static str>,
}

/// Argo CD's own RBAC (`argocd-rbac-cm`).
#[derive(Debug, Clone, PartialEq)]
pub struct Rbac {
    pub default_policy: Setting<String>,
    pub policy: Setting<String>,
    pub scopes: Setting<String>,
}

/// The exec plugin's installation into Argo CD's pods.
#[derive(Debug, Clone, PartialEq)]
pub struct Plugin {
    /// The rendered download URL.
    pub download_url: String,
    pub sha256: Option<String>,
    pub image: String,
    /// What the API server would default for `image`, written out so the operator does not see a diff
    /// on every reconcile.
    pub image_pull_policy: &'static str,
    /// Without a trailing `/`, so that the exec command is exactly this plus `/` plus the binary.
    pub bin_dir: String,
    /// The init container's writable scratch directory, never overlapping `bin_dir`.
    pub scratch_dir: &'static str,
    /// Proxy environment variables for the download, upper- and lower-case (curl reads `http_proxy` only
    /// in lower case).
    pub proxy_env: Vec<(&'static str, String)>,
    /// The plugin copied out of its own image instead of downloaded (`execAuth.pluginImage`).
    pub from_image: Option<PluginImage>,
}

/// The plugin image install: the plugin image has no shell, so a first init container copies this
/// project's static binary into the scratch volume, and a second one, from the plugin image, runs it to
/// copy the plugin binary into `bin_dir`.
#[derive(Debug, Clone, PartialEq)]
pub struct PluginImage {
    pub image: String,
    pub image_pull_policy: &'static str,
    /// The binary inside the image.
    pub path: String,
    pub copier: String,
    pub copier_pull_policy: &'static str,
    /// The plugin's `-timeout`.
    pub timeout: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Application {
    pub name: String,
    /// The spoke's name, which is also its cluster Secret's `name`.
    pub spoke: String,
    pub namespace: String,
    pub project: String,
    pub repo_url: String,
    pub path: String,
    pub target_revision: String,
    /// In the order written.
    pub helm_parameters: Vec<(String, String)>,
    pub automated: bool,
    /// Sync with `CreateNamespace=true`: only when automated, and never on a namespace-scoped spoke,
    /// where Argo CD refuses cluster-scoped objects (a Namespace among them) and the destination
    /// namespace already exists.
    pub create_namespace: bool,
}

/// One Application of `management.bootstrap`: a directory of the `generate -o` layout in Git, synced to
/// the cluster it is for.
#[derive(Debug, Clone, PartialEq)]
pub struct BootstrapApp {
    pub name: String,
    pub repo_url: String,
    pub target_revision: String,
    /// `<path>/management` or `<path>/spokes/<name>`.
    pub path: String,
    /// None: the management cluster itself (`https://kubernetes.default.svc`); else the spoke's cluster name.
    pub spoke: Option<String>,
    /// A file in that directory that is not an API object (a kube-apiserver config).
    pub exclude: Option<&'static str>,
}
