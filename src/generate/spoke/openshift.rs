//! A classic OpenShift spoke trusts the issuer through external OIDC authentication: the issuer CA
//! ConfigMap, the FeatureGate for 4.19, and `Authentication/cluster` type OIDC, all from the contract.
//!
//! Emission order is apply order: the CA ConfigMap exists before the Authentication that names it (the
//! authentication operator goes Degraded otherwise), and the FeatureGate comes before the Authentication
//! whose `type: OIDC` only it makes valid on 4.19.

use super::{meta, oidc, Wave};
use crate::generate::{Cr, Output};
use crate::model::{Model, OpenShift, Spoke};
use k8s_openapi::api::core::v1::ConfigMap;
use serde::Serialize;

/// Where OpenShift looks for ConfigMaps that config.openshift.io objects reference.
const OPENSHIFT_CONFIG: &str = "openshift-config";
/// The key the authentication operator reads the issuer CA from.
const CA_BUNDLE_KEY: &str = "ca-bundle.crt";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FeatureGateSpec {
    feature_set: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AuthenticationSpec<'a> {
    #[serde(rename = "type")]
    type_: &'static str,
    /// Always an explicit `null`: on apply it clears the webhook the authentication operator set for
    /// IntegratedOAuth, which is only allowed with type None (the documented procedure does the same).
    webhook_token_authenticator: (),
    oidc_providers: Vec<oidc::OidcProvider<'a>>,
}

pub(super) fn generate(model: &Model, spoke: &Spoke, openshift: &OpenShift, out: &mut Output) {
    let cluster = &spoke.cluster;
    if let Some(pem) = &spoke.contract.issuer_ca {
        out.push(
            cluster,
            &ConfigMap {
                metadata: meta(&openshift.ca_configmap, Some(OPENSHIFT_CONFIG), Wave::Trust),
                data: Some([(CA_BUNDLE_KEY.to_string(), pem.clone())].into()),
                ..Default::default()
            },
        );
    }
    if openshift.needs_tech_preview {
        out.push(
            cluster,
            &Cr {
                api_version: "config.openshift.io/v1",
                kind: "FeatureGate",
                metadata: meta("cluster", None, Wave::FeatureGate),
                spec: FeatureGateSpec { feature_set: "TechPreviewNoUpgrade" },
            },
        );
    }
    out.push(cluster, &authentication(model, spoke, openshift));
}

fn authentication<'a>(model: &Model, spoke: &Spoke, openshift: &'a OpenShift) -> Cr<AuthenticationSpec<'a>> {
    Cr {
        api_version: "config.openshift.io/v1",
        kind: "Authentication",
        metadata: meta("cluster", None, Wave::Authentication),
        spec: AuthenticationSpec {
            type_: "OIDC",
            webhook_token_authenticator: (),
            oidc_providers: vec![oidc::provider(
                model,
                spoke,
                &openshift.oidc_provider_name,
                &openshift.ca_configmap,
                &openshift.oidc_clients,
            )],
        },
    }
}
