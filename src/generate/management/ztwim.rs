//! The ZTWIM operator (when `management.ztwim.install`) and its 1.0 instance: five cluster-scoped
//! `operator.openshift.io/v1alpha1` singletons named `cluster`. Only the 1.0 API (`stable-v1`) is
//! generated: 0.x kept trustDomain and clusterName on the operands and bootstrapped the singleton itself.

use super::olm::Install;
use super::{meta, Crd, Output, Wave};
use crate::api::ztwim::{
    CaSubject, Datastore, NodeAttestor, OidcDiscoveryProviderSpec, Persistence, SpiffeCsiDriverSpec, SpireAgentSpec,
    SpireServerSpec, Verification, WorkloadAttestors, ZtwimSpec, SINGLETON,
};
use crate::api::Object;
use crate::generate::LocalDefault;
use crate::model::{Cluster, Model, CSI_DRIVER, ZTWIM_PACKAGE};
use serde::Serialize;
use std::collections::BTreeMap;

/// Host directory of the agent socket. SpireAgent.socketPath and SpiffeCSIDriver.agentSocketPath must be
/// equal; both are written out so that they cannot drift apart if one default changes.
const AGENT_SOCKET_HOST_DIR: &str = "/run/spire/agent-sockets";

/// Pushes the singleton whose kind `spec`'s type names.
fn push<S: Serialize>(out: &mut Output, wave: Wave, spec: S, defaults: Vec<LocalDefault>)
where
    Object<S>: k8s_openapi::Resource,
{
    let metadata = meta(SINGLETON, None, wave, Crd::FromOlm);
    out.push_with_defaults(&Cluster::Management, &Object::new(metadata, spec), defaults);
}

pub(super) fn generate(model: &Model, out: &mut Output) {
    let z = &model.ztwim;
    if z.install {
        Install {
            namespace: &z.namespace,
            namespace_annotations: BTreeMap::from([(
                "openshift.io/display-name".into(),
                "Zero Trust Workload Identity Manager".into(),
            )]),
            target_namespaces: Some(vec![z.namespace.clone()]),
            package: ZTWIM_PACKAGE,
            // The channel is enforced: the CRs below are the 1.0 API, which only `stable-v1` serves.
            channel: &z.channel,
            install_plan_approval: z.install_plan_approval.value,
            catalog: &z.catalog,
            subscription_defaults: LocalDefault::unless_configured(
                &["spec", "installPlanApproval"],
                &z.install_plan_approval,
            )
            .into_iter()
            .collect(),
            env: Vec::new(),
            env_merge: None,
        }
        .push(out);
    }
    let trust = &model.trust;
    push(
        out,
        Wave::ZtwimInstance,
        ZtwimSpec {
            trust_domain: trust.trust_domain.clone(),
            cluster_name: z.cluster_name.value.clone(),
            bundle_config_map: "spire-bundle".into(),
        },
        [
            LocalDefault::unless_configured(&["spec", "clusterName"], &z.cluster_name),
            Some(LocalDefault::fixed(&["spec", "bundleConfigMap"])),
        ]
        .into_iter()
        .flatten()
        .collect(),
    );
    push(
        out,
        Wave::Operands,
        SpireServerSpec {
            jwt_issuer: trust.issuer.url.clone(),
            // SPIRE's own default subject (US / SPIFFE), named after the trust domain so the CA says whose it is.
            ca_subject: Some(CaSubject {
                common_name: trust.trust_domain.clone(),
                country: "US".into(),
                organization: "SPIFFE".into(),
            }),
            // Immutable once created: the reference setup's size, which leaves room for many registration entries.
            persistence: Some(Persistence { size: "5Gi".into(), access_mode: "ReadWriteOnce".into() }),
            // The reference setup's embedded sqlite3 datastore, with the CRD's pool defaults written out.
            datastore: Some(Datastore {
                database_type: "sqlite3".into(),
                connection_string: "/run/spire/data/datastore.sqlite3".into(),
                max_open_conns: 100,
                max_idle_conns: 2,
                conn_max_lifetime: 3600,
            }),
        },
        vec![
            LocalDefault::fixed(&["spec", "caSubject"]),
            LocalDefault::fixed(&["spec", "persistence"]),
            LocalDefault::fixed(&["spec", "datastore"]),
        ],
    );
    push(
        out,
        Wave::Operands,
        SpireAgentSpec {
            socket_path: AGENT_SOCKET_HOST_DIR.into(),
            node_attestor: Some(NodeAttestor { k8s_psat_enabled: "true".into() }),
            workload_attestors: Some(WorkloadAttestors {
                k8s_enabled: "true".into(),
                workload_attestors_verification: Some(Verification { type_: "auto".into() }),
            }),
        },
        vec![LocalDefault::fixed(&["spec", "nodeAttestor"]), LocalDefault::fixed(&["spec", "workloadAttestors"])],
    );
    push(
        out,
        Wave::Operands,
        SpiffeCsiDriverSpec { agent_socket_path: AGENT_SOCKET_HOST_DIR.into(), plugin_name: CSI_DRIVER.into() },
        Vec::new(),
    );
    push(
        out,
        Wave::Operands,
        OidcDiscoveryProviderSpec { jwt_issuer: trust.issuer.url.clone(), csi_driver_name: CSI_DRIVER.into() },
        Vec::new(),
    );
}
