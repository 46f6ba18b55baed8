//! The OIDC provider OpenShift's external authentication reads, in `Authentication.spec` on a classic
//! spoke and in `HostedCluster.spec.configuration.authentication` on a hosted one: the same
//! [`AuthenticationSpec`], built once from the contract and read once by the doctor.

use crate::api::openshift_config::{
    AuthenticationSpec, ClaimMappings, ClaimValidationRule, ConfigMapNameReference, OidcClient, OidcProvider,
    PrefixedClaimMapping, RequiredClaim, TokenIssuer, UsernameClaimMapping, CA_BUNDLE_KEY, REQUIRED_CLAIM, TYPE_OIDC,
};
use crate::model::{Model, Spoke};
use crate::observed::{Authenticator, CaSource};

/// The one provider of a spoke: the contract's issuer, audience, username mapping and required claims,
/// the CA from `ca_configmap` when the contract has an issuer CA.
pub(super) fn provider(
    model: &Model,
    spoke: &Spoke,
    name: &str,
    ca_configmap: &str,
    oidc_clients: &[OidcClient],
) -> OidcProvider {
    let contract = &spoke.contract;
    OidcProvider {
        name: name.to_string(),
        issuer: TokenIssuer {
            issuer_url: model.trust.issuer.url.clone(),
            audiences: vec![contract.audience.clone()],
            issuer_certificate_authority: ConfigMapNameReference {
                name: if contract.issuer_ca.is_some() { ca_configmap.to_string() } else { String::new() },
            },
        },
        claim_mappings: ClaimMappings {
            username: UsernameClaimMapping::exact(contract.username.claim, contract.username.prefix.as_deref()),
            groups: PrefixedClaimMapping { claim: "groups".into(), prefix: String::new() },
        },
        claim_validation_rules: contract
            .required_claims
            .iter()
            .map(|rule| ClaimValidationRule {
                type_: REQUIRED_CLAIM.into(),
                required_claim: Some(RequiredClaim { claim: rule.claim.into(), required_value: rule.value.clone() }),
            })
            .collect(),
        oidc_clients: oidc_clients.to_vec(),
    }
}

/// The authenticators an `AuthenticationSpec` configures, one per provider. `path` is where the spec
/// sits in its object (for messages); a provider's CA ConfigMap is looked up in `ca_namespace`.
pub(super) fn authenticators(
    spec: AuthenticationSpec,
    display: &str,
    path: &str,
    ca_namespace: &str,
    spoke: Option<String>,
) -> Vec<Authenticator> {
    let inactive = (spec.type_ != TYPE_OIDC)
        .then(|| format!("{path}.type is {:?}, not \"OIDC\": the spoke does not use oidcProviders at all", spec.type_));
    spec.oidc_providers
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            let u = p.claim_mappings.username;
            let (username_prefix, prefix_rule) = u.effective_prefix(&p.issuer.issuer_url);
            let mut required_claims = Vec::new();
            let mut opaque_rules = Vec::new();
            for r in p.claim_validation_rules {
                match (r.type_.as_str(), r.required_claim) {
                    (REQUIRED_CLAIM | "", Some(c)) => required_claims.push((c.claim, c.required_value)),
                    (t, _) => opaque_rules.push(format!("a claimValidationRule of type {t:?}")),
                }
            }
            let ca_name = p.issuer.issuer_certificate_authority.name;
            Authenticator {
                at: format!("{display} {path}.oidcProviders[{i}] ({})", p.name),
                spoke: spoke.clone(),
                inactive: inactive.clone(),
                issuer_url: p.issuer.issuer_url,
                audiences: p.issuer.audiences,
                ca: if ca_name.is_empty() {
                    CaSource::System
                } else {
                    CaSource::ConfigMap { namespace: ca_namespace.into(), name: ca_name, key: CA_BUNDLE_KEY.into() }
                },
                username_claim: u.claim,
                username_expression: u.expression.filter(|e| !e.is_empty()),
                username_prefix,
                prefix_rule,
                required_claims,
                opaque_rules,
            }
        })
        .collect()
}
