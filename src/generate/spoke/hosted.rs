//! A hosted control plane (HyperShift, ROSA HCP, ARO HCP) trusts the issuer through its HostedCluster on
//! the hosting cluster: the control-plane operator overwrites an `Authentication` applied to the guest
//! from `HostedCluster.spec.configuration.authentication`, which has the same shape. The issuer CA
//! ConfigMap lives in the HostedCluster's namespace there. The guest gets only the RBAC.
//!
//! In transformer mode an input HostedCluster of that name is patched in place; otherwise the object is
//! a partial HostedCluster for `kubectl apply --server-side`, which sets these fields and nothing else.

use super::{meta, oidc, Wave};
use crate::generate::{Cr, Output};
use crate::model::{Cluster, Hosted, Model, Spoke};
use k8s_openapi::api::core::v1::ConfigMap;
use serde::Serialize;

/// The key the HostedCluster's issuer CA reference is read from, as on a classic spoke.
const CA_BUNDLE_KEY: &str = "ca-bundle.crt";

/// What `generate` writes above the partial object.
const PARTIAL_HEADER: &str = "A partial HostedCluster: only spec.configuration.authentication. Apply it with \
     `kubectl apply --server-side --field-manager=ztwim-gitops` on the hosting cluster, never with a plain \
     `kubectl apply` or `replace`, which would need the whole object.";

#[derive(Serialize)]
struct HostedClusterSpec<'a> {
    configuration: Configuration<'a>,
}

#[derive(Serialize)]
struct Configuration<'a> {
    authentication: Authentication<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Authentication<'a> {
    #[serde(rename = "type")]
    type_: &'static str,
    oidc_providers: Vec<oidc::OidcProvider<'a>>,
}

pub(super) fn generate(model: &Model, spoke: &Spoke, hosted: &Hosted, out: &mut Output) {
    let hosting = Cluster::ControlPlane(spoke.name.clone());
    if let Some(pem) = &spoke.contract.issuer_ca {
        out.push(
            &hosting,
            &ConfigMap {
                metadata: meta(&hosted.ca_configmap, Some(&hosted.namespace), Wave::Trust),
                data: Some([(CA_BUNDLE_KEY.to_string(), pem.clone())].into()),
                ..Default::default()
            },
        );
    }
    let provider = oidc::provider(model, spoke, &hosted.oidc_provider_name, &hosted.ca_configmap, &hosted.oidc_clients);
    out.push_manifest(
        &hosting,
        &Cr {
            api_version: "hypershift.openshift.io/v1beta1",
            kind: "HostedCluster",
            metadata: meta(&hosted.hosted_cluster, Some(&hosted.namespace), Wave::Authentication),
            spec: HostedClusterSpec {
                configuration: Configuration {
                    authentication: Authentication { type_: "OIDC", oidc_providers: vec![provider] },
                },
            },
        },
        |m| m.header = Some(PARTIAL_HEADER),
    );
}
