//! Spoke cluster objects. What every spoke gets is here: RBAC binding the contract's usernames. What
//! makes a spoke's API server trust the issuer depends on its kind: one folder each in [`crate::kinds`],
//! which also holds how the doctor reads that kind back.

use super::{Output, SYNC_WAVE_ANNOTATION};
use crate::model::{Model, Spoke};
use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding, RoleBinding, RoleRef, Subject};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::Resource;

const RBAC_GROUP: &str = ClusterRole::GROUP;

/// Emission order is apply order: the kind's authentication objects first, RBAC last.
pub(super) fn generate(model: &Model, spoke: &Spoke, out: &mut Output) {
    crate::kinds::emit(model, spoke, out);
    push_rbac(spoke, out);
}

/// A spoke's (or its control plane's) apply order, as sync waves and file-name prefixes: what the
/// authentication config references first, the authentication switch last, so that applying a
/// directory in file-name order never points the API server at something missing.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Wave {
    /// The issuer CA ConfigMap.
    Trust = 0,
    /// The 4.19 FeatureGate (applied alone and rolled out first: `--target spoke/<name>/featuregate`).
    FeatureGate = 1,
    /// RBAC for the identities: harmless before authentication, ready when it switches.
    Rbac = 2,
    /// Authentication, HostedCluster, IdentityProviderConfig, the kube-apiserver config.
    Authentication = 3,
}

pub(crate) fn meta(name: &str, namespace: Option<&str>, wave: Wave) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.into()),
        namespace: namespace.map(Into::into),
        annotations: Some([(SYNC_WAVE_ANNOTATION.to_string(), (wave as u8).to_string())].into()),
        ..Default::default()
    }
}

/// One ClusterRoleBinding, or with `namespaces` one RoleBinding per namespace and nothing cluster-wide:
/// Argo CD's namespaced mode needs no cluster-scoped reads beyond discovery, which every authenticated
/// user already has (see README).
fn push_rbac(spoke: &Spoke, out: &mut Output) {
    let access = &spoke.access;
    let role_ref =
        RoleRef { api_group: RBAC_GROUP.into(), kind: ClusterRole::KIND.into(), name: access.cluster_role.clone() };
    let subjects: Vec<Subject> = spoke
        .contract
        .usernames
        .iter()
        .map(|u| Subject { kind: "User".into(), api_group: Some(RBAC_GROUP.into()), name: u.clone(), namespace: None })
        .collect();
    if access.namespaces.is_empty() {
        out.push(
            &spoke.cluster,
            &ClusterRoleBinding {
                metadata: meta(&access.binding_name, None, Wave::Rbac),
                role_ref,
                subjects: Some(subjects),
            },
        );
    } else {
        for ns in &access.namespaces {
            out.push(
                &spoke.cluster,
                &RoleBinding {
                    metadata: meta(&access.binding_name, Some(ns), Wave::Rbac),
                    role_ref: role_ref.clone(),
                    subjects: Some(subjects.clone()),
                },
            );
        }
    }
}
