//! kube-apiserver's structured authentication config (`--authentication-config=<file>`),
//! `apiserver.config.k8s.io` `AuthenticationConfiguration`: a file, not an API object, so apiVersion is
//! a field (`v1beta1`, or `v1` from Kubernetes 1.34; the same fields). The shape follows
//! kubernetes/kubernetes `staging/src/k8s.io/apiserver/pkg/apis/apiserver/v1beta1/types.go` at
//! 05cb0a55c88e0cdcfe2fb184328ad9be53e94d5c; fields not listed are ignored on reading.

use serde::{Deserialize, Serialize};

pub const GROUP: &str = "apiserver.config.k8s.io";
pub const V1: &str = "apiserver.config.k8s.io/v1";
pub const V1BETA1: &str = "apiserver.config.k8s.io/v1beta1";
pub const KIND: &str = "AuthenticationConfiguration";

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AuthenticationConfiguration {
    pub api_version: String,
    pub kind: String,
    pub jwt: Vec<JwtAuthenticator>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct JwtAuthenticator {
    pub issuer: Issuer,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub claim_validation_rules: Vec<ClaimValidationRule>,
    pub claim_mappings: ClaimMappings,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Issuer {
    pub url: String,
    /// PEM, inline; absent (or empty) for the system roots.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate_authority: Option<String>,
    pub audiences: Vec<String>,
}

/// A `claim == requiredValue` rule, or a CEL `expression`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClaimValidationRule {
    pub claim: String,
    pub required_value: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expression: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClaimMappings {
    pub username: PrefixedClaimOrExpression,
}

/// The username mapping. There are no defaults: with a `claim`, `prefix` must be set, and `""` is how
/// it says "no prefix" (kube-apiserver refuses a claim without one).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PrefixedClaimOrExpression {
    pub claim: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expression: Option<String>,
}
