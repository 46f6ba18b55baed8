//! A vanilla Kubernetes spoke (kubeadm, kind, k3s) trusts the issuer through kube-apiserver's structured
//! authentication config, `--authentication-config=<file>` ([`crate::api::authentication_configuration`]).
//! That is a file, not an API object: KRM pipelines carry it in a local-config ConfigMap (key
//! `authentication-config.yaml`, never applied), and `generate -o` writes the file itself next to the
//! spoke's RBAC.

pub mod observe;

use crate::api::authentication_configuration::{
    AuthenticationConfiguration, ClaimMappings, ClaimValidationRule, Issuer, JwtAuthenticator,
    PrefixedClaimOrExpression, KIND,
};
use crate::generate::spoke::{meta, Wave};
use crate::generate::{Output, PlainFile};
use crate::model::{Model, Spoke, KUBE_APISERVER_CONFIG_FILE as FILE};
use k8s_openapi::api::core::v1::ConfigMap;
use std::collections::BTreeMap;

/// Vanilla Kubernetes: kube-apiserver reads a structured authentication config file.
#[derive(Debug, Clone, PartialEq)]
pub struct Kubernetes {
    /// `MAJOR.MINOR` without leading zeros, when the config gives it; unknown otherwise, and then no
    /// version label claims one.
    pub version: Option<String>,
    /// `apiserver.config.k8s.io/v1` from 1.34, `v1beta1` before (and when the version is not given).
    pub api_version: &'static str,
}

/// The carrier ConfigMap's name and namespace. It is never applied (local-config); the namespace is
/// kube-apiserver's, so that a pipeline that does apply it by mistake creates nothing in a user namespace.
pub const CARRIER: (&str, &str) = ("authentication-config", "kube-system");

/// The structured authentication config for the spoke's contract: one `jwt` authenticator.
fn configuration(model: &Model, spoke: &Spoke, kubernetes: &Kubernetes) -> AuthenticationConfiguration {
    let contract = &spoke.contract;
    AuthenticationConfiguration {
        api_version: kubernetes.api_version.into(),
        kind: KIND.into(),
        jwt: vec![JwtAuthenticator {
            issuer: Issuer {
                url: model.trust.issuer.url.clone(),
                certificate_authority: contract.issuer_ca.clone(),
                audiences: vec![contract.audience.clone()],
            },
            claim_validation_rules: contract
                .required_claims
                .iter()
                .map(|rule| ClaimValidationRule {
                    claim: rule.claim.into(),
                    required_value: rule.value.clone(),
                    expression: None,
                })
                .collect(),
            claim_mappings: ClaimMappings {
                // Both written always: the structured config has no defaults for them, and an empty
                // prefix is how it says "no prefix".
                username: PrefixedClaimOrExpression {
                    claim: contract.username.claim.into(),
                    prefix: Some(contract.username.prefix.clone().unwrap_or_default()),
                    expression: None,
                },
            },
        }],
    }
}

pub(super) fn emit(model: &Model, spoke: &Spoke, kubernetes: &Kubernetes, out: &mut Output) {
    let text = crate::yaml::to_string_of(&configuration(model, spoke, kubernetes));
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
