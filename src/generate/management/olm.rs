//! OLM installs: the Namespace, OperatorGroup and Subscription both operators need.

use super::{meta, Crd, Output, Wave};
use crate::api::olm::{OperatorGroup, OperatorGroupSpec, Subscription, SubscriptionConfig, SubscriptionSpec};
use crate::generate::{LocalDefault, NamedList};
use crate::model::{Catalog, Cluster, InstallPlanApproval};
use k8s_openapi::api::core::v1::{EnvVar, Namespace};
use std::collections::BTreeMap;

/// One operator from an OLM catalog (`redhat-operators` unless the config names a mirrored one).
pub(super) struct Install<'a> {
    /// Also the OperatorGroup's name.
    pub namespace: &'a str,
    pub namespace_annotations: BTreeMap<String, String>,
    /// None: the operator watches all namespaces.
    pub target_namespaces: Option<Vec<String>>,
    /// The OLM package, also the Subscription's name.
    pub package: &'static str,
    pub channel: &'a str,
    pub install_plan_approval: InstallPlanApproval,
    pub catalog: &'a Catalog,
    /// Which of the Subscription's channel and approval are only our defaults.
    pub subscription_defaults: Vec<LocalDefault>,
    pub env: Vec<EnvVar>,
    /// How `env` meets a base Subscription's (None: it replaces it).
    pub env_merge: Option<NamedList>,
}

impl Install<'_> {
    pub fn push(self, out: &mut Output) {
        let mut ns_meta = meta(self.namespace, None, Wave::Operators, Crd::Builtin);
        ns_meta.annotations.get_or_insert_with(BTreeMap::new).extend(self.namespace_annotations);
        ns_meta.labels = Some(BTreeMap::from([("openshift.io/cluster-monitoring".into(), "true".into())]));
        out.push(&Cluster::Management, &Namespace { metadata: ns_meta, ..Namespace::default() });
        out.push_with_defaults(
            &Cluster::Management,
            &OperatorGroup::new(
                meta(self.namespace, Some(self.namespace), Wave::Operators, Crd::Builtin),
                OperatorGroupSpec { target_namespaces: self.target_namespaces, upgrade_strategy: "Default".into() },
            ),
            vec![LocalDefault::fixed(&["spec", "upgradeStrategy"])],
        );
        let mut defaults = self.subscription_defaults;
        defaults.extend(LocalDefault::unless_configured(&["spec", "source"], &self.catalog.source));
        defaults.extend(LocalDefault::unless_configured(&["spec", "sourceNamespace"], &self.catalog.source_namespace));
        let env_merge = self.env_merge;
        out.push_manifest(
            &Cluster::Management,
            &Subscription::new(
                meta(self.package, Some(self.namespace), Wave::Operators, Crd::Builtin),
                SubscriptionSpec {
                    channel: self.channel.into(),
                    install_plan_approval: self.install_plan_approval.as_str().into(),
                    name: self.package.into(),
                    source: self.catalog.source.value.clone(),
                    source_namespace: self.catalog.source_namespace.value.clone(),
                    config: (!self.env.is_empty()).then_some(SubscriptionConfig { env: self.env }),
                },
            ),
            |m| {
                m.defaults = defaults;
                m.named_lists.extend(env_merge);
            },
        );
    }
}
