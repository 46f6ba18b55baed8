//! The `argoproj.io/v1beta1` `ArgoCD` CR (argocd-operator, `../shared/crds/argocd-operator/
//! argoproj.io_argocds.yaml`), as far as the trust contract needs it: the pod fields of the two
//! components that build REST configs for spokes (`spec.controller`, `spec.server`). The generator writes
//! them; the doctor reads them from any ArgoCD CR. The rest of the spec is OpenShift GitOps' instance
//! settings, which only the generator writes and nothing reads back.

use super::{custom_resource, Object};
use k8s_openapi::api::core::v1::{Container, EnvVar, ResourceRequirements, Volume, VolumeMount};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub type ArgoCd = Object<ArgoCdSpec>;
custom_resource!(ArgoCdSpec, "argoproj.io", "v1beta1", "ArgoCD", "argocds", NamespaceResourceScope);

/// The whole spec as the generator writes it: its instance settings with the user's `argocdSpec` laid over
/// them, which is free-form by design. The fields the trust contract needs are read as [`ComponentPod`].
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
#[serde(transparent)]
pub struct ArgoCdSpec(pub serde_yaml_ng::Value);

/// The pod fields of one component (`spec.controller`, `spec.server`), in the order the generator has
/// always written them. Unknown fields of the component (`host`, `route`, …) are not part of it.
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct ComponentPod {
    /// Labels the operator adds to the component's pods (ClusterSPIFFEID pod selectors select on them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub labels: Option<BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourceRequirements>,
    pub init_containers: Vec<Container>,
    pub volumes: Vec<Volume>,
    pub volume_mounts: Vec<VolumeMount>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub env: Vec<EnvVar>,
}
