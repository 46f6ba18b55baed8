//! ZTWIM's `operator.openshift.io/v1alpha1` API (the 1.0 operator, `stable-v1`): five cluster-scoped
//! singletons named `cluster` (CRDs in `../shared/crds/zero-trust-workload-identity-manager/`). Only the
//! spec fields the generator sets are here; the doctor reads `jwtIssuer` and `trustDomain` through the
//! same types. The CRDs require the sub-objects (`caSubject`, …); they are optional here so that the
//! doctor, which checks only the issuer and trust domain, does not refuse a CR over a field it ignores.

use super::{custom_resource, Object};
use serde::{Deserialize, Serialize};

/// The name CEL requires of every ZTWIM CR.
pub const SINGLETON: &str = "cluster";

pub type ZeroTrustWorkloadIdentityManager = Object<ZtwimSpec>;
pub type SpireServer = Object<SpireServerSpec>;
pub type SpireAgent = Object<SpireAgentSpec>;
pub type SpiffeCsiDriver = Object<SpiffeCsiDriverSpec>;
pub type SpireOidcDiscoveryProvider = Object<OidcDiscoveryProviderSpec>;

/// `custom_resource!` for one of the operator's five kinds: same group and version, cluster-scoped.
macro_rules! ztwim_resource {
    ($spec:ty, $kind:literal, $plural:literal) => {
        custom_resource!($spec, "operator.openshift.io", "v1alpha1", $kind, $plural, ClusterResourceScope);
    };
}
ztwim_resource!(ZtwimSpec, "ZeroTrustWorkloadIdentityManager", "zerotrustworkloadidentitymanagers");
ztwim_resource!(SpireServerSpec, "SpireServer", "spireservers");
ztwim_resource!(SpireAgentSpec, "SpireAgent", "spireagents");
ztwim_resource!(SpiffeCsiDriverSpec, "SpiffeCSIDriver", "spiffecsidrivers");
ztwim_resource!(OidcDiscoveryProviderSpec, "SpireOIDCDiscoveryProvider", "spireoidcdiscoveryproviders");

/// `ZeroTrustWorkloadIdentityManager.spec`: what the operands are built from.
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct ZtwimSpec {
    pub trust_domain: String,
    pub cluster_name: String,
    pub bundle_config_map: String,
}

/// `SpireServer.spec`.
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct SpireServerSpec {
    /// The token's `iss`, verbatim.
    pub jwt_issuer: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ca_subject: Option<CaSubject>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub persistence: Option<Persistence>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub datastore: Option<Datastore>,
}

#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct CaSubject {
    pub common_name: String,
    pub country: String,
    pub organization: String,
}

/// Immutable once created (CEL).
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct Persistence {
    pub size: String,
    pub access_mode: String,
}

#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct Datastore {
    pub database_type: String,
    pub connection_string: String,
    pub max_open_conns: u32,
    pub max_idle_conns: u32,
    pub conn_max_lifetime: u32,
}

/// `SpireAgent.spec`.
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct SpireAgentSpec {
    /// The host directory of the agent socket; must equal `SpiffeCSIDriver.spec.agentSocketPath`.
    pub socket_path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_attestor: Option<NodeAttestor>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workload_attestors: Option<WorkloadAttestors>,
}

/// The attestor switches are the strings `"true"`/`"false"` (an enum in the CRD), not booleans.
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
#[serde(default)]
pub struct NodeAttestor {
    #[serde(rename = "k8sPSATEnabled")]
    pub k8s_psat_enabled: String,
}

#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct WorkloadAttestors {
    pub k8s_enabled: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workload_attestors_verification: Option<Verification>,
}

#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
#[serde(default)]
pub struct Verification {
    #[serde(rename = "type")]
    pub type_: String,
}

/// `SpiffeCSIDriver.spec`.
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct SpiffeCsiDriverSpec {
    pub agent_socket_path: String,
    /// The CSI driver name pods' volumes name ([`crate::model::CSI_DRIVER`]).
    pub plugin_name: String,
}

/// `SpireOIDCDiscoveryProvider.spec`.
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct OidcDiscoveryProviderSpec {
    /// The issuer the discovery document publishes: must equal `SpireServer.spec.jwtIssuer`.
    pub jwt_issuer: String,
    pub csi_driver_name: String,
}
