//! A classic OpenShift spoke trusts the issuer through external OIDC authentication: the issuer CA
//! ConfigMap, the FeatureGate for 4.19, and `Authentication/cluster` type OIDC, all from the contract.
//!
//! Emission order is apply order: the CA ConfigMap exists before the Authentication that names it (the
//! authentication operator goes Degraded otherwise), and the FeatureGate comes before the Authentication
//! whose `type: OIDC` only it makes valid on 4.19.

use super::meta;
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
struct AuthenticationSpec {
    #[serde(rename = "type")]
    type_: &'static str,
    /// Always an explicit `null`: on apply it clears the webhook the authentication operator set for
    /// IntegratedOAuth, which is only allowed with type None (the documented procedure does the same).
    webhook_token_authenticator: (),
    oidc_providers: Vec<OidcProvider>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OidcProvider {
    name: String,
    issuer: TokenIssuer,
    claim_mappings: ClaimMappings,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    claim_validation_rules: Vec<ClaimValidationRule>,
    oidc_clients: Vec<OidcClient>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TokenIssuer {
    #[serde(rename = "issuerURL")]
    issuer_url: String,
    audiences: Vec<String>,
    /// The schema requires `name`; `""` means the spoke's system trust store.
    issuer_certificate_authority: NameRef,
}

#[derive(Serialize)]
struct NameRef {
    name: String,
}

#[derive(Serialize)]
struct ClaimMappings {
    username: UsernameClaimMapping,
    groups: GroupsClaimMapping,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UsernameClaimMapping {
    claim: &'static str,
    /// Written always: left out, OpenShift prefixes `<issuerURL>#` and no RBAC subject would match.
    prefix_policy: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    prefix: Option<UsernamePrefix>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UsernamePrefix {
    prefix_string: String,
}

#[derive(Serialize)]
struct GroupsClaimMapping {
    claim: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ClaimValidationRule {
    /// Written always: 4.22 makes it required with no default.
    #[serde(rename = "type")]
    type_: &'static str,
    required_claim: RequiredClaim,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RequiredClaim {
    claim: &'static str,
    required_value: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OidcClient {
    component_name: &'static str,
    component_namespace: &'static str,
    #[serde(rename = "clientID")]
    client_id: &'static str,
}

pub(super) fn generate(model: &Model, spoke: &Spoke, openshift: &OpenShift, out: &mut Output) {
    let cluster = &spoke.cluster;
    if let Some(pem) = &spoke.contract.issuer_ca {
        out.push(
            cluster,
            &ConfigMap {
                metadata: meta(&openshift.ca_configmap, Some(OPENSHIFT_CONFIG)),
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
                metadata: meta("cluster", None),
                spec: FeatureGateSpec { feature_set: "TechPreviewNoUpgrade" },
            },
        );
    }
    out.push(cluster, &authentication(model, spoke, openshift));
    out.notes().info(
        spoke.path.clone(),
        format!(
            "spoke `{}`: Authentication/cluster with type OIDC removes the spoke's built-in OAuth server and every \
             other login method (oc login with passwords or identity providers, console OAuth), and the change \
             rolls out kube-apiserver for 20 minutes or more. Before applying, keep a certificate-based admin \
             kubeconfig (such as the installer's) and apply this spoke's manifests with it.",
            spoke.name
        ),
    );
}

fn authentication(model: &Model, spoke: &Spoke, openshift: &OpenShift) -> Cr<AuthenticationSpec> {
    let contract = &spoke.contract;
    let (prefix_policy, prefix) = match &contract.username.prefix {
        None => ("NoPrefix", None),
        Some(p) => ("Prefix", Some(UsernamePrefix { prefix_string: p.clone() })),
    };
    let claim_validation_rules = contract
        .required_claims
        .iter()
        .map(|rule| ClaimValidationRule {
            type_: "RequiredClaim",
            required_claim: RequiredClaim { claim: rule.claim, required_value: rule.value.clone() },
        })
        .collect();
    Cr {
        api_version: "config.openshift.io/v1",
        kind: "Authentication",
        metadata: meta("cluster", None),
        spec: AuthenticationSpec {
            type_: "OIDC",
            webhook_token_authenticator: (),
            oidc_providers: vec![OidcProvider {
                name: openshift.oidc_provider_name.clone(),
                issuer: TokenIssuer {
                    issuer_url: model.trust.issuer.url.clone(),
                    audiences: vec![contract.audience.clone()],
                    issuer_certificate_authority: NameRef {
                        name: if contract.issuer_ca.is_some() { openshift.ca_configmap.clone() } else { String::new() },
                    },
                },
                claim_mappings: ClaimMappings {
                    username: UsernameClaimMapping { claim: contract.username.claim, prefix_policy, prefix },
                    groups: GroupsClaimMapping { claim: "groups" },
                },
                claim_validation_rules,
                // The reference setup's CLI client; the console operator lists it in status.oidcClients,
                // which the CRD's CEL rule requires.
                oidc_clients: vec![OidcClient {
                    component_name: "cli",
                    component_namespace: "openshift-console",
                    client_id: "openshift-cli",
                }],
            }],
        },
    }
}
