//! `config.openshift.io/v1` `Authentication` (external OIDC) and `FeatureGate`: the fields ztwim-gitops
//! writes and the doctor reads, as openshift/api@2a3d73913b5a7caec4c57d5c3d04f51106ec4da3 defines them
//! (`config/v1/types_authentication.go`; the CRD is in `../shared/crds/openshift-api/master`). A
//! HostedCluster's `spec.configuration.authentication` is the same [`AuthenticationSpec`]
//! ([`super::hosted_cluster`]).
//!
//! Fields not listed here are ignored on reading; nothing that reads these types writes an object back.

use super::{custom_resource, Object};
use serde::{Deserialize, Deserializer, Serialize};

pub type Authentication = Object<AuthenticationSpec>;
pub type FeatureGate = Object<FeatureGateSpec>;
custom_resource!(
    AuthenticationSpec,
    "config.openshift.io",
    "v1",
    "Authentication",
    "authentications",
    ClusterResourceScope
);
custom_resource!(FeatureGateSpec, "config.openshift.io", "v1", "FeatureGate", "featuregates", ClusterResourceScope);

/// Where OpenShift looks for the ConfigMaps that config.openshift.io objects reference.
pub const CONFIG_NAMESPACE: &str = "openshift-config";
/// The key the authentication operator reads an issuer CA ConfigMap's PEM from.
pub const CA_BUNDLE_KEY: &str = "ca-bundle.crt";
/// `spec.type` for external OIDC.
pub const TYPE_OIDC: &str = "OIDC";
/// `claimValidationRules[].type` of a rule with a `requiredClaim`.
pub const REQUIRED_CLAIM: &str = "RequiredClaim";

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AuthenticationSpec {
    #[serde(rename = "type")]
    pub type_: String,
    /// `Some(None)` is an explicit `null`: on apply it clears the webhook the authentication operator set
    /// for IntegratedOAuth, which is only allowed with type None (the documented procedure does the same).
    /// `None` leaves the field out (a HostedCluster has no such field to clear).
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "present")]
    pub webhook_token_authenticator: Option<Option<serde_json::Value>>,
    pub oidc_providers: Vec<OidcProvider>,
}

/// A field that is present is `Some`, even when it is `null` (serde's default maps `null` to `None`).
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<serde_json::Value>>, D::Error> {
    Option::<serde_json::Value>::deserialize(d).map(Some)
}

/// `OIDCProvider`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct OidcProvider {
    pub name: String,
    pub issuer: TokenIssuer,
    pub claim_mappings: ClaimMappings,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub claim_validation_rules: Vec<ClaimValidationRule>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub oidc_clients: Vec<OidcClient>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TokenIssuer {
    #[serde(rename = "issuerURL")]
    pub issuer_url: String,
    pub audiences: Vec<String>,
    /// The schema requires `name`; `""` means the spoke's system trust store.
    pub issuer_certificate_authority: ConfigMapNameReference,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConfigMapNameReference {
    pub name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClaimMappings {
    pub username: UsernameClaimMapping,
    pub groups: PrefixedClaimMapping,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct UsernameClaimMapping {
    pub claim: String,
    /// `Prefix`, `NoPrefix`, or omitted: then OpenShift chooses (see [`UsernameClaimMapping::effective_prefix`]).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub prefix_policy: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix: Option<UsernamePrefix>,
    /// A CEL expression (ExternalOIDCWithUpstreamParity) that replaces claim and prefix.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expression: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct UsernamePrefix {
    pub prefix_string: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PrefixedClaimMapping {
    pub claim: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub prefix: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClaimValidationRule {
    /// Written always: 4.22 makes it required with no default.
    #[serde(rename = "type")]
    pub type_: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required_claim: Option<RequiredClaim>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RequiredClaim {
    pub claim: String,
    pub required_value: String,
}

/// `OIDCClientConfig`: an OAuth client (component name, its namespace, client ID) of the provider.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct OidcClient {
    pub component_name: String,
    pub component_namespace: String,
    #[serde(rename = "clientID")]
    pub client_id: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FeatureGateSpec {
    pub feature_set: String,
}

/// The feature set OpenShift 4.19's external OIDC needs; a cluster that has it can never be upgraded.
pub const TECH_PREVIEW_NO_UPGRADE: &str = "TechPreviewNoUpgrade";

/// OpenShift's username prefix rule, both directions in one place: [`UsernameClaimMapping::exact`] is how
/// a writer asks for a prefix, [`UsernameClaimMapping::effective_prefix`] what OpenShift applies to any
/// mapping. With `prefixPolicy` omitted OpenShift prefixes `<issuerURL>#` (except for the `email`
/// claim; the CRD's `prefixPolicy` description at openshift/api@2a3d7391, "Currently, the platform
/// prepends `{issuerURL}#` … when the claim is not 'email'"), so a writer that wants the claim as it is
/// must say `NoPrefix`, never leave the policy out.
impl UsernameClaimMapping {
    /// The mapping under which `claim` becomes exactly `prefix` + value (None: the value as it is).
    pub fn exact(claim: &str, prefix: Option<&str>) -> Self {
        let (prefix_policy, prefix) = match prefix {
            None => ("NoPrefix", None),
            Some(p) => ("Prefix", Some(UsernamePrefix { prefix_string: p.to_string() })),
        };
        UsernameClaimMapping { claim: claim.to_string(), prefix_policy: prefix_policy.into(), prefix, expression: None }
    }

    /// The prefix OpenShift puts before the claim's value for a provider with `issuer_url`, and where it
    /// comes from in words (`prefixPolicy NoPrefix`, `no prefixPolicy, so OpenShift's default …`).
    pub fn effective_prefix(&self, issuer_url: &str) -> (String, String) {
        match self.prefix_policy.as_str() {
            "NoPrefix" => (String::new(), "prefixPolicy NoPrefix".to_string()),
            "Prefix" => {
                let s = self.prefix.as_ref().map(|p| p.prefix_string.clone()).unwrap_or_default();
                let rule = format!("prefixPolicy Prefix {s:?}");
                (s, rule)
            }
            _ if self.claim == "email" => (String::new(), "no prefixPolicy (email claim: no prefix)".into()),
            _ => (format!("{issuer_url}#"), "no prefixPolicy, so OpenShift's default `<issuerURL>#`".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a writer asks for is what OpenShift applies, and a mapping without a policy gets the default
    /// `<issuerURL>#` (which no RBAC subject written without it would match).
    #[test]
    fn exact_prefix_round_trips_and_omitted_policy_gets_the_default() {
        let issuer = "https://oidc.example.com";
        for prefix in [None, Some(""), Some("argocd:"), Some("https://oidc.example.com#")] {
            let mapping = UsernameClaimMapping::exact("sub", prefix);
            assert_eq!(mapping.effective_prefix(issuer).0, prefix.unwrap_or(""), "{prefix:?}");
        }
        let omitted = UsernameClaimMapping { claim: "sub".into(), ..Default::default() };
        assert_eq!(omitted.effective_prefix(issuer).0, "https://oidc.example.com#");
        let email = UsernameClaimMapping { claim: "email".into(), ..Default::default() };
        assert_eq!(email.effective_prefix(issuer).0, "");
    }

    /// `webhookTokenAuthenticator: null` survives a read and a write; an absent one stays absent.
    #[test]
    fn explicit_null_webhook_is_kept_apart_from_an_absent_one() {
        let null: AuthenticationSpec =
            serde_json::from_str(r#"{"type":"OIDC","webhookTokenAuthenticator":null}"#).unwrap();
        assert_eq!(null.webhook_token_authenticator, Some(None));
        assert!(serde_json::to_string(&null).unwrap().contains("\"webhookTokenAuthenticator\":null"));
        let absent: AuthenticationSpec = serde_json::from_str(r#"{"type":"OIDC"}"#).unwrap();
        assert_eq!(absent.webhook_token_authenticator, None);
        assert!(!serde_json::to_string(&absent).unwrap().contains("webhook"));
    }
}
