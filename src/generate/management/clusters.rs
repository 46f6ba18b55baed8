//! How Argo CD reaches a spoke ([`Connection`]): today one Argo CD cluster Secret per spoke. It holds no
//! credential at all: Argo CD runs the exec credential helper, which fetches a JWT-SVID for the spoke's
//! audience from the SPIFFE Workload API on every refresh. Everything in it comes from the spoke's contract.

use super::{meta, Crd, Output, Wave};
use crate::api::argocd_cluster::{ClusterConfig, ExecProviderConfig, TlsClientConfig};
use crate::model::{
    Cluster, Connection, ExecConfig, Model, Spoke, Tls, CLUSTER_SECRET_TYPE, SECRET_TYPE_LABEL, STANDARD_LABEL_PREFIX,
};
use k8s_openapi::api::core::v1::Secret;
use std::collections::BTreeMap;

/// What the model knows about a spoke, as labels an ApplicationSet cluster generator selects on ("every
/// 4.20 spoke", "every EKS spoke"); a version label only where the config gives the version. The
/// managed-by and part-of labels every generated object gets are added by `Output::push`.
fn standard_labels(spoke: &Spoke) -> BTreeMap<String, String> {
    let label = |name: &str, value: &str| (format!("{STANDARD_LABEL_PREFIX}{name}"), value.to_string());
    let mut labels = BTreeMap::from([
        label("spoke", &spoke.name),
        label("kind", spoke.kind.name()),
        (SECRET_TYPE_LABEL.to_string(), CLUSTER_SECRET_TYPE.to_string()),
    ]);
    labels.extend(spoke.kind.version_label().map(|(name, version)| label(name, version)));
    labels
}

fn secret(model: &Model, spoke: &Spoke, exec: &ExecConfig, tls: &Tls) -> Secret {
    let contract = &spoke.contract;
    // Only the TLS settings and the exec plugin: the config carries no credential.
    let config = ClusterConfig {
        tls_client_config: TlsClientConfig {
            insecure: tls.insecure,
            ca_data: tls.ca_data.clone(),
            ..TlsClientConfig::default()
        },
        exec_provider_config: Some(ExecProviderConfig {
            command: exec.command.clone(),
            args: exec.args.clone(),
            api_version: exec.api_version.clone(),
            env: exec.env.iter().map(|(name, value)| (name.to_string(), value.clone())).collect(),
            install_hint: exec.install_hint.clone(),
        }),
        ..ClusterConfig::default()
    };
    let mut data = BTreeMap::from([
        ("name".to_string(), spoke.name.clone()),
        ("server".to_string(), contract.server.clone()),
        ("config".to_string(), serde_json::to_string_pretty(&config).expect("cluster config serialises")),
    ]);
    if !spoke.access.namespaces.is_empty() {
        data.insert("namespaces".into(), spoke.access.namespaces.join(","));
        data.insert("clusterResources".into(), "false".into());
    }
    if let Some(project) = &spoke.project {
        data.insert("project".into(), project.clone());
    }
    let mut metadata = meta(&spoke.name, Some(&model.gitops.namespace), Wave::ArgoObjects, Crd::Builtin);
    // The resolver refuses user labels that collide with the standard ones, so neither overwrites the other.
    let mut labels = spoke.labels.clone();
    labels.extend(standard_labels(spoke));
    metadata.labels = Some(labels);
    Secret { metadata, type_: Some("Opaque".into()), string_data: Some(data), ..Secret::default() }
}

pub(super) fn generate(model: &Model, out: &mut Output) {
    for spoke in &model.spokes {
        match &spoke.contract.connection {
            Connection::ClusterSecret { exec, tls } => out.push(&Cluster::Management, &secret(model, spoke, exec, tls)),
        }
    }
}
