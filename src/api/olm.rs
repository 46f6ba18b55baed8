//! OLM's `operators.coreos.com` `OperatorGroup` (v1) and `Subscription` (v1alpha1), only the spec fields
//! ztwim-gitops writes (CRDs in `../shared/crds/olm/`). The generator writes both; `images` and `import`
//! recognise Subscriptions by these types.

use super::{custom_resource, Object};
use k8s_openapi::api::core::v1::EnvVar;
use serde::{Deserialize, Serialize};

pub type OperatorGroup = Object<OperatorGroupSpec>;
pub type Subscription = Object<SubscriptionSpec>;
custom_resource!(
    OperatorGroupSpec,
    "operators.coreos.com",
    "v1",
    "OperatorGroup",
    "operatorgroups",
    NamespaceResourceScope
);
custom_resource!(
    SubscriptionSpec,
    "operators.coreos.com",
    "v1alpha1",
    "Subscription",
    "subscriptions",
    NamespaceResourceScope
);

#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct OperatorGroupSpec {
    /// None: AllNamespaces mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_namespaces: Option<Vec<String>>,
    pub upgrade_strategy: String,
}

/// In the order the generator has always written it.
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct SubscriptionSpec {
    pub channel: String,
    pub install_plan_approval: String,
    /// The OLM package.
    pub name: String,
    /// The CatalogSource's name.
    pub source: String,
    pub source_namespace: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config: Option<SubscriptionConfig>,
}

#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
#[serde(default)]
pub struct SubscriptionConfig {
    pub env: Vec<EnvVar>,
}
