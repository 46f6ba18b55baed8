//! `identity: shared`: one ClusterSPIFFEID on the management cluster gives this Argo CD instance's
//! controller and server pods a single SPIFFE ID, which every spoke then requires as the token's `sub`.
//! It selects them by the label the ArgoCD CR sets on exactly those two pods.
//! Being a non-fallback entry, it also displaces ZTWIM's per-ServiceAccount fallback ID for these pods.

use super::management::{meta, Crd, Wave};
use super::{Cr, Output};
use crate::model::{Cluster, Model, NAMESPACE_NAME_LABEL, SPIRE_CLASS_NAME};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use serde::Serialize;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ClusterSpiffeIdSpec {
    /// ZTWIM's controller manager ignores every ClusterSPIFFEID without its class.
    class_name: &'static str,
    /// A literal ID, not a template expression, so it is byte for byte what spokes require.
    #[serde(rename = "spiffeIDTemplate")]
    spiffe_id_template: String,
    namespace_selector: LabelSelector,
    pod_selector: LabelSelector,
}

pub(super) fn generate(model: &Model, out: &mut Output) {
    let Some(shared) = &model.trust.shared else { return };
    let namespace_selector = LabelSelector {
        match_labels: Some([(NAMESPACE_NAME_LABEL.to_string(), model.gitops.namespace.clone())].into()),
        ..Default::default()
    };
    let pod_selector = LabelSelector { match_labels: Some([shared.pod_label.clone()].into()), ..Default::default() };
    out.push(
        &Cluster::Management,
        &Cr {
            api_version: "spire.spiffe.io/v1alpha1",
            kind: "ClusterSPIFFEID",
            // Its CRD comes with ZTWIM's bundle; it lands with the other ZTWIM operands.
            metadata: meta(&shared.name, None, Wave::Operands, Crd::FromOlm),
            spec: ClusterSpiffeIdSpec {
                class_name: SPIRE_CLASS_NAME,
                spiffe_id_template: shared.spiffe_id.clone(),
                namespace_selector,
                pod_selector,
            },
        },
    );
}
