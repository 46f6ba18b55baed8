//! Argo CD's cluster Secret: its `data` keys and the `config` JSON (`ClusterConfig`), as argo-cd
//! `util/db/cluster.go` (SecretToCluster) and `pkg/apis/application/v1alpha1/types.go` (ClusterConfig)
//! define them (argoproj/argo-cd@37ee0097, `../shared/reference/argocd.md` §3).
//!
//! Every field Argo CD reads is here, credentials included, because readers must see them to say what
//! a Secret holds (`import` names the credential the keyless setup replaces; the doctor flags a token
//! beside the exec plugin). The generator builds the same type from the model and sets only
//! `tlsClientConfig` and `execProviderConfig`; the fields serialise in the order the generated Secrets
//! have always had, so its output is the same byte for byte.

use indexmap::IndexMap;
use k8s_openapi::api::core::v1::Secret;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The `server` of the entry for the cluster Argo CD runs in (argo-cd `KubernetesInternalAPIServerAddr`).
pub const IN_CLUSTER_SERVER: &str = "https://kubernetes.default.svc";
/// The finalizer that makes deleting an Application delete everything it deployed
/// (argo-cd `ResourcesFinalizerName`).
pub const RESOURCES_FINALIZER: &str = "resources-finalizer.argocd.argoproj.io";

/// The `config` JSON of a cluster Secret. Unknown keys are kept in `other`, so a reader can say what it
/// did not understand instead of dropping it silently.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClusterConfig {
    /// Basic auth.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// A static token: `argocd cluster add` stores the `argocd-manager` ServiceAccount's here.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bearer_token: Option<String>,
    pub tls_client_config: TlsClientConfig,
    /// EKS through IAM; when set it wins over `execProviderConfig`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aws_auth_config: Option<AwsAuthConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exec_provider_config: Option<ExecProviderConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disable_compression: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proxy_url: Option<String>,
    #[serde(flatten)]
    pub other: BTreeMap<String, serde_json::Value>,
}

/// `tlsClientConfig`: the `*Data` fields are base64 of PEM (Go `[]byte` in JSON).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TlsClientConfig {
    pub insecure: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ca_data: Option<String>,
    /// A client certificate (with `keyData`): a credential.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cert_data: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_data: Option<String>,
    #[serde(flatten)]
    pub other: BTreeMap<String, serde_json::Value>,
}

/// `awsAuthConfig`: Argo CD runs `argocd-k8s-auth aws --cluster-name … [--role-arn …]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AwsAuthConfig {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_name: Option<String>,
    #[serde(rename = "roleARN", skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
}

/// `execProviderConfig`: a client-go exec credential plugin. `env` is a JSON object (not the kubeconfig
/// list form), kept in the order written: the generator writes the model's order, and Argo CD does not
/// care (it reads a Go map).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ExecProviderConfig {
    pub command: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,
    pub api_version: String,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub env: IndexMap<String, String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub install_hint: String,
}

impl ExecProviderConfig {
    /// The value of the long flag `name` (`--audience`) in `args`, written `--audience value` or
    /// `--audience=value`; the last one wins, as for clap. None when absent or without a value.
    pub fn flag(&self, name: &str) -> Option<String> {
        let mut found = None;
        let mut args = self.args.iter();
        while let Some(arg) = args.next() {
            if arg == "--" {
                break;
            }
            if arg == name {
                found = args.next().cloned();
            } else if let Some(value) = arg.strip_prefix(name).and_then(|r| r.strip_prefix('=')) {
                found = Some(value.to_string());
            }
        }
        found
    }
}

impl ClusterConfig {
    /// The credentials the config carries, in words (`bearer token`, `basic auth`, …), in a fixed order.
    pub fn credentials(&self) -> Vec<&'static str> {
        let tls = &self.tls_client_config;
        let mut found = Vec::new();
        if self.bearer_token.as_deref().is_some_and(|t| !t.is_empty()) {
            found.push("bearer token");
        }
        if self.username.as_deref().is_some_and(|u| !u.is_empty())
            || self.password.as_deref().is_some_and(|p| !p.is_empty())
        {
            found.push("basic auth");
        }
        if tls.cert_data.as_deref().is_some_and(|c| !c.is_empty())
            || tls.key_data.as_deref().is_some_and(|k| !k.is_empty())
        {
            found.push("client certificate");
        }
        if self.aws_auth_config.is_some() {
            found.push("awsAuthConfig");
        }
        if self.exec_provider_config.is_some() {
            found.push("execProviderConfig");
        }
        found
    }
}

/// A cluster Secret's keys as Argo CD reads them: `stringData` over `data` (the API server merges them
/// the same way on write), every value UTF-8.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClusterSecretData {
    pub name: Option<String>,
    pub server: Option<String>,
    /// The `config` JSON as written; [`ClusterSecretData::config`] reads it.
    pub config: Option<String>,
    /// `namespaces`, split on commas and trimmed, empties dropped.
    pub namespaces: Vec<String>,
    /// `clusterResources` is exactly `"true"`.
    pub cluster_resources: bool,
    pub project: Option<String>,
    pub shard: Option<String>,
    /// Keys Argo CD does not read from a cluster Secret.
    pub other_keys: Vec<String>,
}

impl ClusterSecretData {
    /// Reads the keys of a Secret; the error names the key that is not UTF-8.
    pub fn from_secret(secret: &Secret) -> Result<ClusterSecretData, String> {
        let mut values: BTreeMap<String, String> = BTreeMap::new();
        for (key, bytes) in secret.data.iter().flatten() {
            let text = String::from_utf8(bytes.0.clone())
                .map_err(|_| format!("data.{key} is not UTF-8 text after base64 decoding"))?;
            values.insert(key.clone(), text);
        }
        for (key, text) in secret.string_data.iter().flatten() {
            values.insert(key.clone(), text.clone());
        }
        let mut out = ClusterSecretData::default();
        for (key, value) in values {
            match key.as_str() {
                "name" => out.name = Some(value),
                // Argo CD trims a trailing slash (util/db/cluster.go).
                "server" => out.server = Some(value.trim_end_matches('/').to_string()),
                "config" => out.config = Some(value),
                "namespaces" => {
                    out.namespaces =
                        value.split(',').map(str::trim).filter(|n| !n.is_empty()).map(str::to_string).collect()
                }
                "clusterResources" => out.cluster_resources = value == "true",
                "project" => out.project = Some(value).filter(|p| !p.is_empty()),
                "shard" => out.shard = Some(value).filter(|s| !s.is_empty()),
                _ => out.other_keys.push(key),
            }
        }
        Ok(out)
    }

    /// The `config` JSON, typed; a missing config is an empty one (Argo CD then uses no credential).
    pub fn config(&self) -> Result<ClusterConfig, String> {
        match self.config.as_deref() {
            None => Ok(ClusterConfig::default()),
            Some(text) => {
                serde_json::from_str(text).map_err(|e| format!("config is not Argo CD's cluster config JSON: {e}"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_data_wins_over_data_and_credentials_are_named() {
        let secret: Secret = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "c"},
            // "https://a.example.com:6443/" and a config with a token
            "data": {"server": "aHR0cHM6Ly9hLmV4YW1wbGUuY29tOjY0NDMv", "namespaces": "YSwgYiwg"},
            "stringData": {"config": "{\"bearerToken\":\"t\",\"tlsClientConfig\":{\"insecure\":true,\"certData\":\"x\"},\"future\":1}",
                           "server": "https://b.example.com:6443/"}
        }))
        .unwrap();
        let data = ClusterSecretData::from_secret(&secret).unwrap();
        assert_eq!(data.server.as_deref(), Some("https://b.example.com:6443"));
        assert_eq!(data.namespaces, ["a", "b"]);
        let config = data.config().unwrap();
        assert!(config.tls_client_config.insecure);
        assert_eq!(config.credentials(), ["bearer token", "client certificate"]);
        assert_eq!(config.other.keys().collect::<Vec<_>>(), ["future"]);
    }
}
