//! spire-controller-manager's `spire.spiffe.io/v1alpha1` `ClusterSPIFFEID`: which pods get which SPIFFE
//! ID. The fields are the CRD's (ZTWIM's bundle, `../shared/crds/zero-trust-workload-identity-manager/
//! spire.spiffe.io_clusterspiffeids.yaml`); the ones nothing here reads (`ttl`, `admin`, …) are kept in
//! `other`. The `identity: shared` generator writes one; the doctor reads any.

use super::{custom_resource, Object};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub type ClusterSpiffeId = Object<ClusterSpiffeIdSpec>;
custom_resource!(
    ClusterSpiffeIdSpec,
    "spire.spiffe.io",
    "v1alpha1",
    "ClusterSPIFFEID",
    "clusterspiffeids",
    ClusterResourceScope
);

/// `spec`, in the order the generator has always written it.
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct ClusterSpiffeIdSpec {
    /// ZTWIM's controller manager ignores every ClusterSPIFFEID without its class
    /// ([`crate::model::SPIRE_CLASS_NAME`]).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub class_name: String,
    #[serde(rename = "spiffeIDTemplate")]
    pub spiffe_id_template: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace_selector: Option<LabelSelector>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod_selector: Option<LabelSelector>,
    /// Applies only when no other non-fallback ClusterSPIFFEID selects the pod.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallback: Option<bool>,
    #[serde(flatten)]
    pub other: BTreeMap<String, serde_json::Value>,
}

impl ClusterSpiffeIdSpec {
    /// Whether it selects a pod with `pod_labels` in a namespace with `namespace_labels`; None when a
    /// selector uses an operator Kubernetes does not have (the selector is invalid).
    pub fn selects(
        &self,
        namespace_labels: &BTreeMap<String, String>,
        pod_labels: &BTreeMap<String, String>,
    ) -> Option<bool> {
        Some(
            matches(self.namespace_selector.as_ref(), namespace_labels)?
                && matches(self.pod_selector.as_ref(), pod_labels)?,
        )
    }
}

/// Whether a LabelSelector matches `labels`; an absent selector selects everything, as an empty one
/// does. None when it uses an operator Kubernetes does not have.
pub fn matches(selector: Option<&LabelSelector>, labels: &BTreeMap<String, String>) -> Option<bool> {
    let Some(selector) = selector else { return Some(true) };
    let mut all = selector.match_labels.iter().flatten().all(|(k, v)| labels.get(k) == Some(v));
    for r in selector.match_expressions.iter().flatten() {
        let value = labels.get(&r.key);
        let listed = |v: &String| r.values.iter().flatten().any(|x| x == v);
        all &= match r.operator.as_str() {
            "In" => value.is_some_and(listed),
            "NotIn" => !value.is_some_and(listed),
            "Exists" => value.is_some(),
            "DoesNotExist" => value.is_none(),
            _ => return None,
        };
    }
    Some(all)
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::Resource;

    #[test]
    fn reads_the_crd_fields_and_keeps_the_rest() {
        let object: ClusterSpiffeId = serde_json::from_value(serde_json::json!({
            "apiVersion": ClusterSpiffeId::API_VERSION, "kind": ClusterSpiffeId::KIND, "metadata": {"name": "x"},
            "spec": {"className": "c", "spiffeIDTemplate": "spiffe://t/a", "fallback": true, "ttl": "1h",
                     "podSelector": {"matchExpressions": [{"key": "app", "operator": "In", "values": ["a"]}]}}
        }))
        .unwrap();
        assert_eq!((object.name(), object.spec.fallback), ("x", Some(true)));
        assert_eq!(object.spec.other.keys().collect::<Vec<_>>(), ["ttl"]);
        let labels = |v: &str| BTreeMap::from([("app".to_string(), v.to_string())]);
        assert_eq!(object.spec.selects(&BTreeMap::new(), &labels("a")), Some(true));
        assert_eq!(object.spec.selects(&BTreeMap::new(), &labels("b")), Some(false));
        let mut bad = object.spec.clone();
        bad.pod_selector.as_mut().unwrap().match_expressions.as_mut().unwrap()[0].operator = "Like".into();
        assert_eq!(bad.selects(&BTreeMap::new(), &labels("a")), None);
    }
}
