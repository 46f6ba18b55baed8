//! A spoke: its contract, its kind (what makes its API server trust the issuer), and what Argo CD may
//! do there.

use super::{Cluster, Origin, SpokeContract, MANAGED_BY_LABEL, PART_OF_LABEL};
// What differs between kinds is defined in each kind's folder, with how it is emitted and observed.
pub use crate::kinds::eks::Eks;
pub use crate::kinds::hosted::Hosted;
pub use crate::kinds::kubernetes::Kubernetes;
pub use crate::kinds::openshift::OpenShift;
pub use crate::kinds::{OidcClient, SpokeKind};
use std::collections::BTreeMap;

/// The prefix of the labels the cluster Secret carries about the spoke (`ztwim-gitops.dev/spoke`,
/// `…/kind`, `…/openshift-version`, `…/kubernetes-version`), which ApplicationSet cluster generators
/// select on. It is reserved: a user label under it could claim a version the spoke does not have.
pub const STANDARD_LABEL_PREFIX: &str = "ztwim-gitops.dev/";
/// Labels outside the prefix that ztwim-gitops sets on a cluster Secret and a user label may not change:
/// without the secret type Argo CD does not see the cluster at all, and the other two are on every
/// generated object.
pub const STANDARD_LABELS: [&str; 3] = [MANAGED_BY_LABEL, PART_OF_LABEL, SECRET_TYPE_LABEL];
pub const SECRET_TYPE_LABEL: &str = "argocd.argoproj.io/secret-type";
/// The [`SECRET_TYPE_LABEL`] value that makes a Secret one of Argo CD's clusters.
pub const CLUSTER_SECRET_TYPE: &str = "cluster";

#[derive(Debug, Clone, PartialEq)]
pub struct Spoke {
    pub name: String,
    /// This spoke's place in the config, for results about it.
    pub origin: Origin,
    pub cluster: Cluster,
    pub contract: SpokeContract,
    pub kind: SpokeKind,
    pub access: Access,
    /// The AppProject the cluster Secret scopes the spoke to.
    pub project: Option<String>,
    /// Labels on the cluster Secret.
    pub labels: BTreeMap<String, String>,
}

/// The file kube-apiserver reads its structured authentication config from: the name `generate -o`
/// writes it under, the carrier ConfigMap's key, and what a bootstrap Application must not apply.
pub const KUBE_APISERVER_CONFIG_FILE: &str = "authentication-config.yaml";

/// The Kubernetes ClusterRole that lets Argo CD manage everything on a cluster-wide spoke: the default
/// `clusterRole`, and what the doctor accepts as enough cluster-wide.
pub const CLUSTER_WIDE_ROLE: &str = "cluster-admin";
/// The ClusterRole a namespace-scoped spoke binds in each namespace when `clusterRole` is left alone; the
/// doctor accepts it, or [`CLUSTER_WIDE_ROLE`], as enough in a namespace.
pub const NAMESPACE_ROLE: &str = "admin";

/// What Argo CD's users may do on the spoke.
#[derive(Debug, Clone, PartialEq)]
pub struct Access {
    pub cluster_role: String,
    /// Empty: cluster-wide (one ClusterRoleBinding); otherwise one RoleBinding in each.
    pub namespaces: Vec<String>,
    /// Name of the ClusterRoleBinding (or of each RoleBinding).
    pub binding_name: String,
}
