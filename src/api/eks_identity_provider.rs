//! The ACK EKS controller's `eks.services.k8s.aws/v1alpha1` `IdentityProviderConfig`: associates an OIDC
//! issuer with an EKS cluster (`../shared/crds/aws-ack-eks/eks.services.k8s.aws_identityproviderconfigs.yaml`).
//! Fields not listed are ignored on reading.

use super::{custom_resource, Object};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub type IdentityProviderConfig = Object<IdentityProviderConfigSpec>;
custom_resource!(
    IdentityProviderConfigSpec,
    "eks.services.k8s.aws",
    "v1alpha1",
    "IdentityProviderConfig",
    "identityproviderconfigs",
    NamespaceResourceScope
);

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct IdentityProviderConfigSpec {
    pub cluster_name: String,
    /// Absent: not an OIDC identity provider.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oidc: Option<Oidc>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Oidc {
    pub identity_provider_config_name: String,
    #[serde(rename = "issuerURL")]
    pub issuer_url: String,
    #[serde(rename = "clientID")]
    pub client_id: String,
    pub username_claim: String,
    pub username_prefix: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub required_claims: BTreeMap<String, String>,
}

/// EKS's `usernamePrefix` for "no prefix": left empty, EKS prefixes `<issuerURL>#`.
const NO_PREFIX: &str = "-";

/// EKS's username rules, both directions in one place: `usernameClaim` defaults to `sub`; an empty
/// `usernamePrefix` means `<issuerURL>#` (none for the `email` claim) and `-` means none (the EKS API's
/// `OidcIdentityProviderConfigRequest.usernamePrefix`, as the AWS SDK reference documents it).
impl Oidc {
    /// The `usernamePrefix` that gives exactly `prefix` (None or empty: the claim's value as it is; an
    /// empty `usernamePrefix` would be EKS's default instead).
    pub fn username_prefix_for(prefix: Option<&str>) -> String {
        prefix.filter(|p| !p.is_empty()).unwrap_or(NO_PREFIX).to_string()
    }

    /// The claim EKS reads the username from.
    pub fn effective_username_claim(&self) -> &str {
        if self.username_claim.is_empty() {
            "sub"
        } else {
            &self.username_claim
        }
    }

    /// The prefix EKS applies, and where it comes from in words.
    pub fn effective_prefix(&self) -> (String, String) {
        match self.username_prefix.as_str() {
            NO_PREFIX => (String::new(), "usernamePrefix \"-\" (none)".to_string()),
            "" if self.effective_username_claim() == "email" => {
                (String::new(), "no usernamePrefix (email claim: none)".into())
            }
            "" => (format!("{}#", self.issuer_url), "no usernamePrefix, so EKS's default `<issuerURL>#`".into()),
            p => (p.to_string(), format!("usernamePrefix {p:?}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a writer asks for is what EKS applies; an empty request is "none", not EKS's `<issuerURL>#`.
    #[test]
    fn prefix_round_trips_and_empty_gets_the_default() {
        let issuer = "https://oidc.example.com";
        for prefix in [None, Some(""), Some("spiffe:")] {
            let oidc = Oidc {
                issuer_url: issuer.into(),
                username_prefix: Oidc::username_prefix_for(prefix),
                ..Default::default()
            };
            assert_eq!(oidc.effective_prefix().0, prefix.unwrap_or(""), "{prefix:?}");
        }
        let unset = Oidc { issuer_url: issuer.into(), ..Default::default() };
        assert_eq!(
            (unset.effective_username_claim(), unset.effective_prefix().0.as_str()),
            ("sub", "https://oidc.example.com#")
        );
    }
}
