//! A vanilla Kubernetes spoke (kubeadm, kind, k3s) trusts the issuer through kube-apiserver's structured
//! authentication config, `--authentication-config=<file>`. That is a file, not an API object: KRM
//! pipelines carry it in a local-config ConfigMap (key `authentication-config.yaml`, never applied), and
//! `generate -o` writes the file itself next to the spoke's RBAC.
//!
//! The shape follows `k8s.io/apiserver/pkg/apis/apiserver/v1beta1` (and `v1`, the same fields):
//! kubernetes/kubernetes `staging/src/k8s.io/apiserver/pkg/apis/apiserver/v1beta1/types.go` at
//! 05cb0a55c88e0cdcfe2fb184328ad9be53e94d5c.

use super::{meta, Wave};
use crate::generate::{Output, PlainFile};
use crate::model::{Kubernetes, Model, Spoke, KUBE_APISERVER_CONFIG_FILE as FILE};
use k8s_openapi::api::core::v1::ConfigMap;
use serde::Serialize;
use std::collections::BTreeMap;

/// The carrier ConfigMap's name and namespace. It is never applied (local-config); the namespace is
/// kube-apiserver's, so that a pipeline that does apply it by mistake creates nothing in a user namespace.
pub const CARRIER: (&str, &str) = ("authentication-config", "kube-system");

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AuthenticationConfiguration {
    api_version: &'static str,
    kind: &'static str,
    jwt: Vec<JwtAuthenticator>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JwtAuthenticator {
    issuer: Issuer,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    claim_validation_rules: Vec<ClaimValidationRule>,
    claim_mappings: ClaimMappings,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Issuer {
    url: String,
    /// PEM, inline; left out for the system roots.
    #[serde(skip_serializing_if = "Option::is_none")]
    certificate_authority: Option<String>,
    audiences: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ClaimValidationRule {
    claim: &'static str,
    required_value: String,
}

#[derive(Serialize)]
struct ClaimMappings {
    username: PrefixedClaim,
}

/// Both written always: the structured config has no defaults for them, and an empty prefix is how it
/// says "no prefix".
#[derive(Serialize)]
struct PrefixedClaim {
    claim: &'static str,
    prefix: String,
}

pub(super) fn generate(model: &Model, spoke: &Spoke, kubernetes: &Kubernetes, out: &mut Output) {
    let contract = &spoke.contract;
    let config = AuthenticationConfiguration {
        api_version: kubernetes.api_version,
        kind: "AuthenticationConfiguration",
        jwt: vec![JwtAuthenticator {
            issuer: Issuer {
                url: model.trust.issuer.url.clone(),
                certificate_authority: contract.issuer_ca.clone(),
                audiences: vec![contract.audience.clone()],
            },
            claim_validation_rules: contract
                .required_claims
                .iter()
                .map(|rule| ClaimValidationRule { claim: rule.claim, required_value: rule.value.clone() })
                .collect(),
            claim_mappings: ClaimMappings {
                username: PrefixedClaim {
                    claim: contract.username.claim,
                    prefix: contract.username.prefix.clone().unwrap_or_default(),
                },
            },
        }],
    };
    let text = crate::yaml::to_string_of(&config);
    let mut metadata = meta(CARRIER.0, Some(CARRIER.1), Wave::Authentication);
    metadata
        .annotations
        .get_or_insert_with(BTreeMap::new)
        .insert("config.kubernetes.io/local-config".into(), "true".into());
    out.push_manifest(
        &spoke.cluster,
        &ConfigMap { metadata, data: Some([(FILE.to_string(), text.clone())].into()), ..Default::default() },
        |m| m.file = Some(PlainFile { name: FILE, text }),
    );
    out.notes().info(
        spoke.origin.path(),
        format!(
            "spoke `{}` is vanilla Kubernetes: put {FILE} on each control-plane node and start kube-apiserver with \
             `--authentication-config=<path>` (see the README for kind, kubeadm and k3s); the RBAC is applied \
             as usual.",
            spoke.name
        ),
    );
}
