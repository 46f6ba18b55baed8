//! An EKS spoke trusts the issuer through an OIDC identity provider associated with the cluster: as KRM,
//! the ACK EKS controller's `IdentityProviderConfig`, applied where that controller runs. EKS fetches the
//! issuer's keys itself, so the issuer must be publicly reachable with a publicly trusted certificate
//! (resolve refuses an `issuerCA` for this kind).

pub mod observe;

use crate::api::eks_identity_provider::{IdentityProviderConfig, IdentityProviderConfigSpec, Oidc};
use crate::generate::spoke::{meta, Wave};
use crate::generate::Output;
use crate::model::{Cluster, Model, Spoke};

/// EKS: the ACK EKS controller's IdentityProviderConfig associates the issuer with the cluster.
#[derive(Debug, Clone, PartialEq)]
pub struct Eks {
    pub cluster_name: String,
    /// Where the IdentityProviderConfig lives on the cluster running the ACK controller.
    pub namespace: String,
    /// `identityProviderConfigName`.
    pub config_name: String,
}

pub(super) fn emit(model: &Model, spoke: &Spoke, eks: &Eks, out: &mut Output) {
    let contract = &spoke.contract;
    out.push(
        &Cluster::ControlPlane(spoke.name.clone()),
        &IdentityProviderConfig::new(
            meta(&spoke.name, Some(&eks.namespace), Wave::Authentication),
            IdentityProviderConfigSpec {
                cluster_name: eks.cluster_name.clone(),
                oidc: Some(Oidc {
                    identity_provider_config_name: eks.config_name.clone(),
                    issuer_url: model.trust.issuer.url.clone(),
                    client_id: contract.audience.clone(),
                    username_claim: contract.username.claim.into(),
                    username_prefix: Oidc::username_prefix_for(contract.username.prefix.as_deref()),
                    required_claims: contract
                        .required_claims
                        .iter()
                        .map(|r| (r.claim.to_string(), r.value.clone()))
                        .collect(),
                }),
            },
        ),
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
