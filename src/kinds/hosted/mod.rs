//! A hosted control plane (HyperShift, ROSA HCP, ARO HCP) trusts the issuer through its HostedCluster on
//! the hosting cluster: the control-plane operator overwrites an `Authentication` applied to the guest
//! from `HostedCluster.spec.configuration.authentication`, which has the same shape. The issuer CA
//! ConfigMap lives in the HostedCluster's namespace there. The guest gets only the RBAC.
//!
//! In transformer mode an input HostedCluster of that name is patched in place; otherwise the object is
//! a partial HostedCluster for `kubectl apply --server-side`, which sets these fields and nothing else.

pub mod observe;

use super::oidc;
use super::OidcClient;
use crate::api::hosted_cluster::{Configuration, HostedCluster, HostedClusterSpec};
use crate::api::openshift_config::{AuthenticationSpec, CA_BUNDLE_KEY, TYPE_OIDC};
use crate::generate::spoke::{meta, Wave};
use crate::generate::Output;
use crate::model::{Cluster, Model, Spoke};
use k8s_openapi::api::core::v1::ConfigMap;

/// A hosted control plane: the hosting cluster's HostedCluster carries the authentication config (an
/// `Authentication` applied to the guest is overwritten from it), and its CA ConfigMap lives in the
/// HostedCluster's namespace there.
#[derive(Debug, Clone, PartialEq)]
pub struct Hosted {
    pub hosted_cluster: String,
    pub namespace: String,
    pub oidc_provider_name: String,
    pub oidc_clients: Vec<OidcClient>,
    pub ca_configmap: String,
}

/// What `generate` writes above the partial object.
const PARTIAL_HEADER: &str = "A partial HostedCluster: only spec.configuration.authentication. Apply it with \
     `kubectl apply --server-side --field-manager=ztwim-gitops` on the hosting cluster, never with a plain \
     `kubectl apply` or `replace`, which would need the whole object.";

pub(super) fn emit(model: &Model, spoke: &Spoke, hosted: &Hosted, out: &mut Output) {
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
        &HostedCluster::new(
            meta(&hosted.hosted_cluster, Some(&hosted.namespace), Wave::Authentication),
            HostedClusterSpec {
                configuration: Configuration {
                    authentication: Some(AuthenticationSpec {
                        type_: TYPE_OIDC.into(),
                        webhook_token_authenticator: None,
                        oidc_providers: vec![provider],
                    }),
                },
            },
        ),
        |m| m.header = Some(PARTIAL_HEADER),
    );
}
