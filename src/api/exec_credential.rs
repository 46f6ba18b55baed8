//! `client.authentication.k8s.io` `ExecCredential`: what client-go passes an exec credential plugin in
//! `KUBERNETES_EXEC_INFO` and reads back from its stdout. v1 and v1beta1 have the same fields
//! (kubernetes/client-go `pkg/apis/clientauthentication/v1{,beta1}/types.go` @32ce75a7), so one struct
//! serves both; `api_version` says which.

use serde::{Deserialize, Serialize};

pub const GROUP: &str = "client.authentication.k8s.io";
pub const V1: &str = "client.authentication.k8s.io/v1";
pub const V1BETA1: &str = "client.authentication.k8s.io/v1beta1";
pub const KIND: &str = "ExecCredential";

/// Unix seconds as RFC 3339 in UTC (`2026-12-07T02:13:11Z`), the form `status.expirationTimestamp` takes
/// (a `metav1.Time`) and the form people read times in.
pub fn rfc3339(unix: i64) -> String {
    k8s_openapi::jiff::Timestamp::from_second(unix)
        .map_or_else(|_| format!("{unix} (Unix seconds, out of range)"), |t| t.to_string())
}

/// The apiVersions client-go accepts from a plugin (`plugin/pkg/client/auth/exec/exec.go`, `apiVersions`).
pub const SUPPORTED_API_VERSIONS: [&str; 2] = [V1, V1BETA1];

#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ExecCredential {
    #[serde(default)]
    pub api_version: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<ExecCredentialSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ExecCredentialStatus>,
}

#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ExecCredentialSpec {
    /// Whether the plugin may read stdin (client-go's `interactiveMode`).
    #[serde(default)]
    pub interactive: bool,
    /// The cluster being authenticated to, only with `provideClusterInfo: true`; kept as JSON, since
    /// nothing here reads it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<serde_json::Value>,
}

/// The credential. Its `Debug` never shows the token or the key, so logging a value cannot leak them.
#[derive(Serialize, Deserialize, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ExecCredentialStatus {
    /// RFC 3339; client-go reuses the credential until this instant, and forever when it is absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration_timestamp: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_certificate_data: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_key_data: Option<String>,
}

impl std::fmt::Debug for ExecCredentialStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let redacted = |v: &Option<String>| v.as_ref().map(|s| format!("<redacted, {} bytes>", s.len()));
        f.debug_struct("ExecCredentialStatus")
            .field("expiration_timestamp", &self.expiration_timestamp)
            .field("token", &redacted(&self.token))
            .field("client_certificate_data", &self.client_certificate_data)
            .field("client_key_data", &redacted(&self.client_key_data))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_token_or_key() {
        let status = ExecCredentialStatus {
            token: Some("eyJhbGciOiJFUzI1NiJ9.secret.sig".into()),
            client_key_data: Some("-----BEGIN PRIVATE KEY-----".into()),
            ..Default::default()
        };
        let shown = format!("{:?}", ExecCredential { status: Some(status), ..Default::default() });
        assert!(!shown.contains("secret") && !shown.contains("PRIVATE"), "{shown}");
        assert!(shown.contains("<redacted, 31 bytes>"), "{shown}");
    }

    #[test]
    fn reads_what_client_go_sets_in_kubernetes_exec_info() {
        // client-go's execInfoEnv encodes the ExecCredential as JSON, spec only.
        let info =
            r#"{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}}"#;
        let cred: ExecCredential = serde_json::from_str(info).unwrap();
        assert_eq!((cred.api_version.as_str(), cred.kind.as_str()), (V1, KIND));
        assert_eq!(cred.spec, Some(ExecCredentialSpec::default()));
        assert_eq!(cred.status, None);
    }

    #[test]
    fn formats_rfc3339_utc_seconds() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_796_526_791), "2026-12-06T03:13:11Z");
        assert_eq!(rfc3339(4_102_444_799), "2099-12-31T23:59:59Z");
    }
}
