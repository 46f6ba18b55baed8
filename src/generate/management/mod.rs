//! Management cluster objects, in the order one GitOps sync applies them: the ZTWIM operator and
//! instance, the OpenShift GitOps operator, the Argo CD instance with its SPIFFE plumbing, one cluster
//! Secret per spoke, and Applications.
//!
//! Every object carries an Argo CD sync wave so that a single sync of the whole output converges:
//! operators before the CRs their CRDs define, `ZeroTrustWorkloadIdentityManager/cluster` before the
//! operands it owns, and cluster Secrets and Applications only once the instance that reads them exists.

mod applications;
mod argocd;
mod clusters;
mod gitops;
mod olm;
mod ztwim;

use super::Output;
use crate::model::Model;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use std::collections::BTreeMap;

pub(crate) use argocd::plumbing as argocd_plumbing;

use super::SYNC_WAVE_ANNOTATION;
pub const SYNC_OPTIONS_ANNOTATION: &str = "argocd.argoproj.io/sync-options";

/// Argo CD sync waves, lowest first.
#[derive(Debug, Clone, Copy)]
pub(super) enum Wave {
    /// Namespaces, OperatorGroups and Subscriptions: OLM then installs the CRDs later waves use.
    Operators = 0,
    /// The ZTWIM singleton: its trustDomain and clusterName are what the operands are built from.
    ZtwimInstance = 1,
    /// The other ZTWIM CRs (and the `identity: shared` ClusterSPIFFEID) and the ArgoCD CR.
    Operands = 2,
    /// Cluster Secrets and Applications, read by the running Argo CD instance.
    ArgoObjects = 3,
}

/// Whether a kind's CRD is installed by OLM, so it may be missing when Argo CD dry-runs the first sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Crd {
    Builtin,
    FromOlm,
}

/// Object metadata with the sync annotations every management object carries.
pub(super) fn meta(name: &str, namespace: Option<&str>, wave: Wave, crd: Crd) -> ObjectMeta {
    let mut annotations = BTreeMap::from([(SYNC_WAVE_ANNOTATION.to_string(), (wave as i32).to_string())]);
    if crd == Crd::FromOlm {
        annotations.insert(SYNC_OPTIONS_ANNOTATION.into(), "SkipDryRunOnMissingResource=true".into());
    }
    ObjectMeta {
        name: Some(name.into()),
        namespace: namespace.map(Into::into),
        annotations: Some(annotations),
        ..ObjectMeta::default()
    }
}

pub(super) fn generate(model: &Model, out: &mut Output) {
    ztwim::generate(model, out);
    gitops::generate(model, out);
    argocd::generate(model, out);
    clusters::generate(model, out);
    applications::generate(model, out);
}
