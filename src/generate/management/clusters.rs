//! How Argo CD reaches a spoke ([`Connection`]): today one Argo CD cluster Secret per spoke. It holds no
//! credential at all: Argo CD runs the exec credential helper, which fetches a JWT-SVID for the spoke's
//! audience from the SPIFFE Workload API on every refresh. Everything in it comes from the spoke's contract.

use super::{meta, Crd, Output, Wave};
use crate::model::{Cluster, Connection, ExecConfig, Model, Spoke, Tls, SECRET_TYPE_LABEL, STANDARD_LABEL_PREFIX};
use k8s_openapi::api::core::v1::Secret;
use serde::Serialize;
use std::collections::BTreeMap;

/// What the model knows about a spoke, as labels an ApplicationSet cluster generator selects on ("every
/// 4.20 spoke", "every EKS spoke"); a version label only where the config gives the version. The
/// managed-by and part-of labels every generated object gets are added by `Output::push`.
fn standard_labels(spoke: &Spoke) -> BTreeMap<String, String> {
    let label = |name: &str, value: &str| (format!("{STANDARD_LABEL_PREFIX}{name}"), value.to_string());
    let mut labels = BTreeMap::from([
        label("spoke", &spoke.name),
        label("kind", spoke.kind.name()),
        (SECRET_TYPE_LABEL.to_string(), "cluster".to_string()),
    ]);
    labels.extend(spoke.kind.version_label().map(|(name, version)| label(name, version)));
    labels
}

/// Argo CD's `ClusterConfig` JSON, in a fixed key order. Only the fields this design uses exist here, so
/// a token, password or client key cannot be written by construction.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ClusterConfig<'a> {
    tls_client_config: TlsClientConfig<'a>,
    exec_provider_config: ExecProviderConfig<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TlsClientConfig<'a> {
    insecure: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    ca_data: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ExecProviderConfig<'a> {
    command: &'a str,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    args: &'a [String],
    api_version: &'a str,
    /// A JSON object (Argo CD rejects the kubeconfig list form), left out when empty.
    #[serde(skip_serializing_if = "ExecEnv::is_empty")]
    env: ExecEnv<'a>,
    install_hint: &'a str,
}

/// The model's variables as a JSON object in the model's order.
struct ExecEnv<'a>(&'a [(&'static str, String)]);

impl ExecEnv<'_> {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for ExecEnv<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

fn secret(model: &Model, spoke: &Spoke, exec: &ExecConfig, tls: &Tls) -> Secret {
    let contract = &spoke.contract;
    let config = ClusterConfig {
        tls_client_config: TlsClientConfig { insecure: tls.insecure, ca_data: tls.ca_data.as_deref() },
        exec_provider_config: ExecProviderConfig {
            command: &exec.command,
            args: &exec.args,
            api_version: &exec.api_version,
            env: ExecEnv(&exec.env),
            install_hint: &exec.install_hint,
        },
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
