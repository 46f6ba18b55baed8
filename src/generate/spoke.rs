//! Spoke cluster objects: the issuer CA, the FeatureGate for pre-4.20 spokes, the external OIDC
//! Authentication, and RBAC for Argo CD's SPIFFE identities.
//!
//! Emission order is apply order: the CA ConfigMap exists before the Authentication that names it (the
//! authentication operator goes Degraded otherwise), and the FeatureGate comes before the Authentication
//! whose `type: OIDC` only it makes valid on 4.19.

use super::{Cr, Output};
use crate::model::{Model, Spoke};
use k8s_openapi::api::core::v1::ConfigMap;
use k8s_openapi::api::rbac::v1::{ClusterRoleBinding, RoleBinding, RoleRef, Subject};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Serialize;

/// Where OpenShift looks for ConfigMaps that config.openshift.io objects reference.
const OPENSHIFT_CONFIG: &str = "openshift-config";
/// The key the authentication operator reads the issuer CA from.
const CA_BUNDLE_KEY: &str = "ca-bundle.crt";
const RBAC_GROUP: &str = "rbac.authorization.k8s.io";
/// The JWT claim holding the SPIFFE ID.
const SUBJECT_CLAIM: &str = "sub";

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

fn meta(name: &str, namespace: Option<&str>) -> ObjectMeta {
    ObjectMeta { name: Some(name.into()), namespace: namespace.map(Into::into), ..Default::default() }
}

pub(super) fn generate(model: &Model, spoke: &Spoke, out: &mut Output) {
    let cluster = &spoke.cluster;
    if let Some(ca) = &spoke.issuer_ca {
        out.push(
            cluster,
            &ConfigMap {
                metadata: meta(&ca.configmap, Some(OPENSHIFT_CONFIG)),
                data: Some([(CA_BUNDLE_KEY.to_string(), ca.pem.clone())].into()),
                ..Default::default()
            },
        );
    }
    if spoke.needs_tech_preview {
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
    out.push(cluster, &authentication(model, spoke));
    push_rbac(spoke, out);
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

fn authentication(model: &Model, spoke: &Spoke) -> Cr<AuthenticationSpec> {
    let (prefix_policy, prefix) = match &spoke.username_prefix {
        None => ("NoPrefix", None),
        Some(p) => ("Prefix", Some(UsernamePrefix { prefix_string: p.clone() })),
    };
    let claim_validation_rules = spoke
        .required_subject
        .iter()
        .map(|sub| ClaimValidationRule {
            type_: "RequiredClaim",
            required_claim: RequiredClaim { claim: SUBJECT_CLAIM, required_value: sub.clone() },
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
                name: spoke.oidc_provider_name.clone(),
                issuer: TokenIssuer {
                    issuer_url: model.ztwim.jwt_issuer.clone(),
                    audiences: vec![spoke.audience.clone()],
                    issuer_certificate_authority: NameRef {
                        name: spoke.issuer_ca.as_ref().map(|ca| ca.configmap.clone()).unwrap_or_default(),
                    },
                },
                claim_mappings: ClaimMappings {
                    username: UsernameClaimMapping { claim: SUBJECT_CLAIM, prefix_policy, prefix },
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

/// One ClusterRoleBinding, or with `namespaces` one RoleBinding per namespace and nothing cluster-wide:
/// Argo CD's namespaced mode needs no cluster-scoped reads beyond discovery, which every authenticated
/// user already has (see README).
fn push_rbac(spoke: &Spoke, out: &mut Output) {
    let role_ref =
        RoleRef { api_group: RBAC_GROUP.into(), kind: "ClusterRole".into(), name: spoke.cluster_role.clone() };
    let subjects: Vec<Subject> = spoke
        .usernames
        .iter()
        .map(|u| Subject { kind: "User".into(), api_group: Some(RBAC_GROUP.into()), name: u.clone(), namespace: None })
        .collect();
    if spoke.namespaces.is_empty() {
        out.push(
            &spoke.cluster,
            &ClusterRoleBinding { metadata: meta(&spoke.binding_name, None), role_ref, subjects: Some(subjects) },
        );
    } else {
        for ns in &spoke.namespaces {
            out.push(
                &spoke.cluster,
                &RoleBinding {
                    metadata: meta(&spoke.binding_name, Some(ns)),
                    role_ref: role_ref.clone(),
                    subjects: Some(subjects.clone()),
                },
            );
        }
    }
}
