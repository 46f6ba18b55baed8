//! `identity: shared`: one ClusterSPIFFEID on the management cluster gives this Argo CD instance's
//! controller and server pods a single SPIFFE ID, which every spoke then requires as the token's `sub`.
//! It selects them by the label the ArgoCD CR sets on exactly those two pods.
//! Being a non-fallback entry, it also displaces ZTWIM's per-ServiceAccount fallback ID for these pods.

use super::management::{meta, Crd, Wave};
use super::Output;
use crate::api::cluster_spiffe_id::{ClusterSpiffeId, ClusterSpiffeIdSpec};
use crate::model::{Cluster, Model, NAMESPACE_NAME_LABEL, SPIRE_CLASS_NAME};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

pub(super) fn generate(model: &Model, out: &mut Output) {
    let Some(shared) = &model.trust.shared else { return };
    let namespace_selector = LabelSelector {
        match_labels: Some([(NAMESPACE_NAME_LABEL.to_string(), model.gitops.namespace.clone())].into()),
        ..Default::default()
    };
    let pod_selector = LabelSelector { match_labels: Some([shared.pod_label.clone()].into()), ..Default::default() };
    let spec = ClusterSpiffeIdSpec {
        class_name: SPIRE_CLASS_NAME.into(),
        // A literal ID, not a template expression, so it is byte for byte what spokes require.
        spiffe_id_template: shared.spiffe_id.clone(),
        namespace_selector: Some(namespace_selector),
        pod_selector: Some(pod_selector),
        ..ClusterSpiffeIdSpec::default()
    };
    // Its CRD comes with ZTWIM's bundle; it lands with the other ZTWIM operands.
    let metadata = meta(&shared.name, None, Wave::Operands, Crd::FromOlm);
    out.push(&Cluster::Management, &ClusterSpiffeId::new(metadata, spec));
}
