//! The OpenShift GitOps operator (when `management.gitops.installOperator`), installed so that it does
//! not create its default `openshift-gitops` instance: ZTWIM gives no identity to pods in namespaces whose
//! name contains `openshift`, so that instance could never reach a spoke this way. The instance it runs
//! instead lives in another namespace, which the operator treats as namespace-scoped unless that
//! namespace is in `ARGOCD_CLUSTER_CONFIG_NAMESPACES`; listed, the instance can sync the cluster-scoped
//! management objects (ZTWIM CRs, the ClusterSPIFFEID) and so keep the management cluster itself in Git.

use super::olm::Install;
use super::Output;
use crate::generate::{LocalDefault, NamedList};
use crate::model::Model;
use k8s_openapi::api::core::v1::EnvVar;
use std::collections::BTreeMap;

const NAMESPACE: &str = "openshift-gitops-operator";
/// The operator's list of namespaces whose Argo CD instances are cluster-scoped (comma-separated).
const CLUSTER_CONFIG_NAMESPACES: &str = "ARGOCD_CLUSTER_CONFIG_NAMESPACES";

pub(super) fn generate(model: &Model, out: &mut Output) {
    if !model.gitops.install_operator {
        return;
    }
    Install {
        namespace: NAMESPACE,
        namespace_annotations: BTreeMap::new(),
        target_namespaces: None,
        package: "openshift-gitops-operator",
        channel: &model.gitops.channel.value,
        install_plan_approval: model.gitops.install_plan_approval.value,
        catalog: &model.gitops.catalog,
        subscription_defaults: [
            LocalDefault::unless_configured(&["spec", "channel"], &model.gitops.channel),
            LocalDefault::unless_configured(&["spec", "installPlanApproval"], &model.gitops.install_plan_approval),
        ]
        .into_iter()
        .flatten()
        .collect(),
        env: vec![
            EnvVar { name: "DISABLE_DEFAULT_ARGOCD_INSTANCE".into(), value: Some("true".into()), ..EnvVar::default() },
            EnvVar {
                name: CLUSTER_CONFIG_NAMESPACES.into(),
                value: Some(model.gitops.namespace.clone()),
                ..EnvVar::default()
            },
        ],
        // A base's Subscription keeps its other variables, and the namespaces it already lists.
        env_merge: Some(NamedList { field: &["spec", "config", "env"], joined: &[CLUSTER_CONFIG_NAMESPACES] }),
    }
    .push(out);
}
