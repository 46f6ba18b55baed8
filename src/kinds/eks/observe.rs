//! How the doctor reads an EKS spoke: `spec.oidc` of an ACK IdentityProviderConfig, with EKS's username
//! defaults ([`Oidc::effective_prefix`]). EKS fetches the keys with public trust only.

use super::super::Observer;
use crate::api::eks_identity_provider::{IdentityProviderConfig, Oidc};
use crate::observed::Object;
use crate::observed::{field, Authenticator, CaSource};
use k8s_openapi::Resource;

pub const OBSERVER: Observer =
    Observer { group: IdentityProviderConfig::GROUP, kind: IdentityProviderConfig::KIND, read };

fn read(object: &Object) -> Result<Vec<Authenticator>, String> {
    let Some(o) = field::<Oidc>(object, "/spec/oidc")? else { return Ok(Vec::new()) };
    let (prefix, rule) = o.effective_prefix();
    Ok(vec![Authenticator {
        at: format!("{} spec.oidc ({})", object.display(), o.identity_provider_config_name),
        spoke: None,
        inactive: None,
        username_claim: o.effective_username_claim().to_string(),
        issuer_url: o.issuer_url,
        audiences: vec![o.client_id],
        ca: CaSource::System,
        username_expression: None,
        username_prefix: prefix,
        prefix_rule: rule,
        required_claims: o.required_claims.into_iter().collect(),
        opaque_rules: Vec::new(),
    }])
}
