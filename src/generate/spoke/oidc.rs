//! The OIDC provider OpenShift's external authentication reads, in `Authentication.spec` on a classic
//! spoke and in `HostedCluster.spec.configuration.authentication` on a hosted one: the same shape, built
//! once from the contract.

use crate::model::{self, Model, Spoke};
use serde::Serialize;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct OidcProvider<'a> {
    name: String,
    issuer: TokenIssuer,
    claim_mappings: ClaimMappings,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    claim_validation_rules: Vec<ClaimValidationRule>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    oidc_clients: Vec<OidcClient<'a>>,
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
struct OidcClient<'a> {
    component_name: &'a str,
    component_namespace: &'a str,
    #[serde(rename = "clientID")]
    client_id: &'a str,
}

/// The one provider of a spoke: the contract's issuer, audience, username mapping and required claims,
/// the CA from `ca_configmap` when the contract has an issuer CA.
pub(super) fn provider<'a>(
    model: &Model,
    spoke: &Spoke,
    name: &str,
    ca_configmap: &str,
    oidc_clients: &'a [model::OidcClient],
) -> OidcProvider<'a> {
    let contract = &spoke.contract;
    let (prefix_policy, prefix) = match &contract.username.prefix {
        None => ("NoPrefix", None),
        Some(p) => ("Prefix", Some(UsernamePrefix { prefix_string: p.clone() })),
    };
    OidcProvider {
        name: name.to_string(),
        issuer: TokenIssuer {
            issuer_url: model.trust.issuer.url.clone(),
            audiences: vec![contract.audience.clone()],
            issuer_certificate_authority: NameRef {
                name: if contract.issuer_ca.is_some() { ca_configmap.to_string() } else { String::new() },
            },
        },
        claim_mappings: ClaimMappings {
            username: UsernameClaimMapping { claim: contract.username.claim, prefix_policy, prefix },
            groups: GroupsClaimMapping { claim: "groups" },
        },
        claim_validation_rules: contract
            .required_claims
            .iter()
            .map(|rule| ClaimValidationRule {
                type_: "RequiredClaim",
                required_claim: RequiredClaim { claim: rule.claim, required_value: rule.value.clone() },
            })
            .collect(),
        oidc_clients: oidc_clients
            .iter()
            .map(|c| OidcClient {
                component_name: &c.component_name,
                component_namespace: &c.component_namespace,
                client_id: &c.client_id,
            })
            .collect(),
    }
}
