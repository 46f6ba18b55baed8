//! The ZTWIM operator (when `management.ztwim.install`) and its 1.0 instance: five cluster-scoped
//! `operator.openshift.io/v1alpha1` singletons named `cluster`. Only the 1.0 API (`stable-v1`) is
//! generated: 0.x kept trustDomain and clusterName on the operands and bootstrapped the singleton itself.

use super::olm::Install;
use super::{meta, Cr, Crd, Output, Wave};
use crate::generate::LocalDefault;
use crate::model::{Cluster, Model, CSI_DRIVER, ZTWIM_PACKAGE};
use serde::Serialize;
use std::collections::BTreeMap;

const API_VERSION: &str = "operator.openshift.io/v1alpha1";
/// The name CEL requires of every ZTWIM CR.
const SINGLETON: &str = "cluster";
/// Host directory of the agent socket. SpireAgent.socketPath and SpiffeCSIDriver.agentSocketPath must be
/// equal; both are written out so that they cannot drift apart if one default changes.
const AGENT_SOCKET_HOST_DIR: &str = "/run/spire/agent-sockets";

fn push<S: Serialize>(out: &mut Output, kind: &'static str, wave: Wave, spec: S, defaults: Vec<LocalDefault>) {
    let metadata = meta(SINGLETON, None, wave, Crd::FromOlm);
    out.push_with_defaults(&Cluster::Management, &Cr { api_version: API_VERSION, kind, metadata, spec }, defaults);
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ZtwimSpec<'a> {
    trust_domain: &'a str,
    cluster_name: &'a str,
    bundle_config_map: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SpireServerSpec<'a> {
    jwt_issuer: &'a str,
    ca_subject: CaSubject<'a>,
    persistence: Persistence,
    datastore: Datastore,
}

/// SPIRE's own default subject (US / SPIFFE), named after the trust domain so the CA says whose it is.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CaSubject<'a> {
    common_name: &'a str,
    country: &'static str,
    organization: &'static str,
}

/// Immutable once created: the reference setup's size, which leaves room for many registration entries.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Persistence {
    size: &'static str,
    access_mode: &'static str,
}

/// The reference setup's embedded sqlite3 datastore, with the CRD's pool defaults written out.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Datastore {
    database_type: &'static str,
    connection_string: &'static str,
    max_open_conns: u32,
    max_idle_conns: u32,
    conn_max_lifetime: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SpireAgentSpec {
    socket_path: &'static str,
    node_attestor: NodeAttestor,
    workload_attestors: WorkloadAttestors,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NodeAttestor {
    #[serde(rename = "k8sPSATEnabled")]
    k8s_psat_enabled: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WorkloadAttestors {
    k8s_enabled: &'static str,
    workload_attestors_verification: Verification,
}

#[derive(Serialize)]
struct Verification {
    r#type: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SpiffeCsiDriverSpec {
    agent_socket_path: &'static str,
    plugin_name: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OidcDiscoveryProviderSpec<'a> {
    jwt_issuer: &'a str,
    csi_driver_name: &'static str,
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
        "ZeroTrustWorkloadIdentityManager",
        Wave::ZtwimInstance,
        ZtwimSpec {
            trust_domain: &trust.trust_domain,
            cluster_name: &z.cluster_name.value,
            bundle_config_map: "spire-bundle",
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
        "SpireServer",
        Wave::Operands,
        SpireServerSpec {
            jwt_issuer: &trust.issuer.url,
            ca_subject: CaSubject { common_name: &trust.trust_domain, country: "US", organization: "SPIFFE" },
            persistence: Persistence { size: "5Gi", access_mode: "ReadWriteOnce" },
            datastore: Datastore {
                database_type: "sqlite3",
                connection_string: "/run/spire/data/datastore.sqlite3",
                max_open_conns: 100,
                max_idle_conns: 2,
                conn_max_lifetime: 3600,
            },
        },
        vec![
            LocalDefault::fixed(&["spec", "caSubject"]),
            LocalDefault::fixed(&["spec", "persistence"]),
            LocalDefault::fixed(&["spec", "datastore"]),
        ],
    );
    push(
        out,
        "SpireAgent",
        Wave::Operands,
        SpireAgentSpec {
            socket_path: AGENT_SOCKET_HOST_DIR,
            node_attestor: NodeAttestor { k8s_psat_enabled: "true" },
            workload_attestors: WorkloadAttestors {
                k8s_enabled: "true",
                workload_attestors_verification: Verification { r#type: "auto" },
            },
        },
        vec![LocalDefault::fixed(&["spec", "nodeAttestor"]), LocalDefault::fixed(&["spec", "workloadAttestors"])],
    );
    push(
        out,
        "SpiffeCSIDriver",
        Wave::Operands,
        SpiffeCsiDriverSpec { agent_socket_path: AGENT_SOCKET_HOST_DIR, plugin_name: CSI_DRIVER },
        Vec::new(),
    );
    push(
        out,
        "SpireOIDCDiscoveryProvider",
        Wave::Operands,
        OidcDiscoveryProviderSpec { jwt_issuer: &trust.issuer.url, csi_driver_name: CSI_DRIVER },
        Vec::new(),
    );
}
