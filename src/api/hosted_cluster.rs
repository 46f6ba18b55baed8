//! `hypershift.openshift.io/v1beta1` `HostedCluster`, only `spec.configuration.authentication`: a hosted
//! control plane's authentication, the same `configv1.AuthenticationSpec` as OpenShift's
//! `Authentication` (`../shared/crds/hypershift/hostedclusters-Hypershift-Default.crd.yaml`). Written as
//! a partial object for server-side apply; every other field of a HostedCluster is someone else's.

use super::openshift_config::AuthenticationSpec;
use super::{custom_resource, Object};
use serde::{Deserialize, Serialize};

pub type HostedCluster = Object<HostedClusterSpec>;
custom_resource!(
    HostedClusterSpec,
    "hypershift.openshift.io",
    "v1beta1",
    "HostedCluster",
    "hostedclusters",
    NamespaceResourceScope
);

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct HostedClusterSpec {
    pub configuration: Configuration,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Configuration {
    /// Absent: the hosted cluster's default (integrated OAuth).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authentication: Option<AuthenticationSpec>,
}
