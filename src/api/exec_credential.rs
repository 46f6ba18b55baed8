//! `client.authentication.k8s.io` `ExecCredential`, v1 and v1beta1 (the same fields): what an exec
//! credential plugin prints and client-go reads. The shape is kubernetes/client-go
//! `pkg/apis/clientauthentication/v1{,beta1}/types.go` @32ce75a7 (see `../shared/reference/upstream-2026-12.md`
//! §3.1). Every field is optional when read, so a reader can say what is missing instead of failing on it.

use serde::{Deserialize, Serialize};

/// The two API versions client-go accepts for exec plugins.
pub const API_VERSIONS: [&str; 2] = ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"];
pub const KIND: &str = "ExecCredential";

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ExecCredential {
    pub api_version: String,
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spec: Option<ExecCredentialSpec>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<ExecCredentialStatus>,
}

/// What client-go tells the plugin (through `KUBERNETES_EXEC_INFO`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ExecCredentialSpec {
    pub interactive: bool,
    /// Only with `provideClusterInfo`; its fields are client-go's `Cluster` and are passed on as they are.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<serde_json::Value>,
}

/// What the plugin answers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ExecCredentialStatus {
    /// RFC 3339. client-go reuses the credential until this time and treats its absence as never.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiration_timestamp: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_certificate_data: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_key_data: Option<String>,
}
