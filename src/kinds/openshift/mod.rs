//! A classic OpenShift spoke trusts the issuer through external OIDC authentication: the issuer CA
//! ConfigMap, the FeatureGate for 4.19, and `Authentication/cluster` type OIDC, all from the contract.
//!
//! Emission order is apply order: the CA ConfigMap exists before the Authentication that names it (the
//! authentication operator goes Degraded otherwise), and the FeatureGate comes before the Authentication
//! whose `type: OIDC` only it makes valid on 4.19.

pub mod observe;

use super::oidc;
use super::OidcClient;
use crate::api::openshift_config::{
    Authentication, AuthenticationSpec, FeatureGate, FeatureGateSpec, CA_BUNDLE_KEY, CONFIG_NAMESPACE,
    TECH_PREVIEW_NO_UPGRADE, TYPE_OIDC,
};
use crate::generate::spoke::{meta, Wave};
use crate::generate::Output;
use crate::model::{Model, Spoke};
use k8s_openapi::api::core::v1::ConfigMap;

/// A classic OpenShift spoke: `Authentication/cluster` type OIDC, its CA ConfigMap, and on 4.19 the
/// FeatureGate that makes `type: OIDC` valid.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenShift {
    /// `MAJOR.MINOR`, without leading zeros: the value ApplicationSets select spokes by.
    pub version: String,
    /// Before 4.20 external OIDC needs `FeatureGate/cluster` `TechPreviewNoUpgrade`.
    pub needs_tech_preview: bool,
    /// The Authentication's one `oidcProviders[].name`.
    pub oidc_provider_name: String,
    pub oidc_clients: Vec<OidcClient>,
    /// The `openshift-config` ConfigMap that carries the contract's issuer CA (when it has one).
    pub ca_configmap: String,
}

pub(super) fn emit(model: &Model, spoke: &Spoke, openshift: &OpenShift, out: &mut Output) {
    let cluster = &spoke.cluster;
    if let Some(pem) = &spoke.contract.issuer_ca {
        out.push(
            cluster,
            &ConfigMap {
                metadata: meta(&openshift.ca_configmap, Some(CONFIG_NAMESPACE), Wave::Trust),
                data: Some([(CA_BUNDLE_KEY.to_string(), pem.clone())].into()),
                ..Default::default()
            },
        );
    }
    if openshift.needs_tech_preview {
        out.push(
            cluster,
            &FeatureGate::new(
                meta("cluster", None, Wave::FeatureGate),
                FeatureGateSpec { feature_set: TECH_PREVIEW_NO_UPGRADE.into() },
            ),
        );
    }
    out.push(cluster, &authentication(model, spoke, openshift));
}

fn authentication(model: &Model, spoke: &Spoke, openshift: &OpenShift) -> Authentication {
    Authentication::new(
        meta("cluster", None, Wave::Authentication),
        AuthenticationSpec {
            type_: TYPE_OIDC.into(),
            // An explicit `null`: see `AuthenticationSpec::webhook_token_authenticator`.
            webhook_token_authenticator: Some(None),
            oidc_providers: vec![oidc::provider(
                model,
                spoke,
                &openshift.oidc_provider_name,
                &openshift.ca_configmap,
                &openshift.oidc_clients,
            )],
        },
    )
}
