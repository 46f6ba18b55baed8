//! An EKS spoke trusts the issuer through an OIDC identity provider associated with the cluster: as KRM,
//! the ACK EKS controller's `IdentityProviderConfig`, applied where that controller runs. EKS fetches the
//! issuer's keys itself, so the issuer must be publicly reachable with a publicly trusted certificate
//! (resolve refuses an `issuerCA` for this kind).

use super::{meta, Wave};
use crate::generate::{Cr, Output};
use crate::model::{Cluster, Eks, Model, Spoke};
use serde::Serialize;
use std::collections::BTreeMap;

/// EKS's `usernamePrefix` for "no prefix": left empty, EKS would prefix `<issuer>#`.
const NO_PREFIX: &str = "-";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct IdentityProviderConfigSpec {
    cluster_name: String,
    oidc: Oidc,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Oidc {
    identity_provider_config_name: String,
    #[serde(rename = "issuerURL")]
    issuer_url: String,
    #[serde(rename = "clientID")]
    client_id: String,
    username_claim: &'static str,
    username_prefix: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    required_claims: BTreeMap<&'static str, String>,
}

pub(super) fn generate(model: &Model, spoke: &Spoke, eks: &Eks, out: &mut Output) {
    let contract = &spoke.contract;
    out.push(
        &Cluster::ControlPlane(spoke.name.clone()),
        &Cr {
            api_version: "eks.services.k8s.aws/v1alpha1",
            kind: "IdentityProviderConfig",
            metadata: meta(&spoke.name, Some(&eks.namespace), Wave::Authentication),
            spec: IdentityProviderConfigSpec {
                cluster_name: eks.cluster_name.clone(),
                oidc: Oidc {
                    identity_provider_config_name: eks.config_name.clone(),
                    issuer_url: model.trust.issuer.url.clone(),
                    client_id: contract.audience.clone(),
                    username_claim: contract.username.claim,
                    username_prefix: contract.username.prefix.clone().unwrap_or_else(|| NO_PREFIX.into()),
                    required_claims: contract.required_claims.iter().map(|r| (r.claim, r.value.clone())).collect(),
                },
            },
        },
    );
    out.notes().info(
        spoke.origin.path(),
        format!(
            "spoke `{}` is EKS: apply `--target control-plane/{}` where the ACK EKS controller runs (associating \
             the identity provider takes several minutes and its fields are immutable), then `--target spoke/{}` \
             to the cluster. EKS fetches the issuer's keys from the public internet, so the OIDC discovery route \
             needs a publicly trusted certificate.",
            spoke.name, spoke.name, spoke.name
        ),
    );
}
