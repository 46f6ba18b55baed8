//! The management cluster's install settings around the trust contract: the two operators, the Argo CD
//! instance, the exec plugin's installation, and Applications.

use super::Setting;

/// ZTWIM's OLM package (and Subscription name).
pub const ZTWIM_PACKAGE: &str = "openshift-zero-trust-workload-identity-manager";
/// The upstream exec plugin's binary name.
pub const EXEC_BINARY: &str = "k8s-spiffe-workload-jwt-exec-auth";
/// This project's binary: the built-in helper's file name in `binDir`.
pub const BUILTIN_BINARY: &str = "ztwim-gitops";
/// Where this project's image holds its binary (see the Dockerfile).
pub const IMAGE_BINARY_PATH: &str = "/usr/local/bin/ztwim-gitops";
/// The init container that installs the helper (the cluster Secrets' `installHint` names it).
pub const INIT_CONTAINER: &str = "install-jwt-spiffe";
/// The built-in helper's subcommand.
pub const CREDENTIAL_COMMAND: &str = "credential";

#[derive(Debug, Clone, PartialEq)]
pub struct Ztwim {
    /// Emit the operator's Namespace, OperatorGroup and Subscription.
    pub install: bool,
    pub namespace: String,
    /// Enforced even over a base's value: the CRs generated are the 1.0 API, which only `stable-v1` serves.
    pub channel: String,
    pub install_plan_approval: Setting<InstallPlanApproval>,
    pub catalog: Catalog,
    /// `ZeroTrustWorkloadIdentityManager.spec.clusterName`; immutable in ZTWIM, so a base's value wins
    /// over our default.
    pub cluster_name: Setting<String>,
}

/// The OLM CatalogSource a Subscription installs from (a disconnected hub's mirrored catalog has its own).
#[derive(Debug, Clone, PartialEq)]
pub struct Catalog {
    pub source: Setting<String>,
    pub source_namespace: Setting<String>,
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
    pub install_plan_approval: Setting<InstallPlanApproval>,
    pub catalog: Catalog,
    pub namespace: String,
    /// The ArgoCD CR's name.
    pub name: String,
    pub host: Setting<String>,
    pub rbac: Rbac,
    /// Deep-merged last into the generated ArgoCD spec; everything in it is enforced. Its origin is where
    /// the lints of what it overrides point.
    pub argocd_spec: Setting<serde_yaml_ng::Mapping>,
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

/// The exec credential helper's installation into Argo CD's pods.
#[derive(Debug, Clone, PartialEq)]
pub struct Plugin {
    /// Without a trailing `/`, so that the exec command is exactly this plus `/` plus the binary.
    pub bin_dir: String,
    /// The init containers' writable scratch directory, never overlapping `bin_dir`.
    pub scratch_dir: &'static str,
    pub install: PluginInstall,
}

impl Plugin {
    /// The helper's file name in `bin_dir`.
    pub fn binary(&self) -> &'static str {
        match self.install {
            PluginInstall::Builtin(_) => BUILTIN_BINARY,
            PluginInstall::Archive(_) | PluginInstall::Image(_) => EXEC_BINARY,
        }
    }
    /// The helper's absolute path in Argo CD's pods (the exec `command`).
    pub fn command(&self) -> String {
        format!("{}/{}", self.bin_dir, self.binary())
    }
}

/// How the helper gets into `bin_dir` (`execAuth.method`).
#[derive(Debug, Clone, PartialEq)]
pub enum PluginInstall {
    /// This project's binary (`ztwim-gitops credential`), copied out of this project's image.
    Builtin(ImageRef),
    /// The upstream release archive, downloaded at pod start.
    Archive(Archive),
    /// The upstream plugin copied out of its own image.
    Image(PluginImage),
}

/// A container image and the pull policy written for it.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageRef {
    pub image: String,
    /// Written out so the operator does not see a defaulted field as a diff on every reconcile.
    pub pull_policy: &'static str,
}

/// The release archive install (`method: archive`, the reference article's).
#[derive(Debug, Clone, PartialEq)]
pub struct Archive {
    /// The rendered download URL.
    pub download_url: String,
    pub sha256: Option<String>,
    /// The init container's image (sh, curl, tar, sha256sum).
    pub image: ImageRef,
    /// Proxy environment variables for the download, upper- and lower-case (curl reads `http_proxy` only
    /// in lower case).
    pub proxy_env: Vec<(&'static str, String)>,
}

/// The plugin image install: the plugin image has no shell, so a first init container copies this
/// project's static binary into the scratch volume, and a second one, from the plugin image, runs it to
/// copy the plugin binary into `bin_dir`.
#[derive(Debug, Clone, PartialEq)]
pub struct PluginImage {
    pub image: ImageRef,
    /// The binary inside the image.
    pub path: String,
    pub copier: ImageRef,
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
