//! One spoke's side of the trust contract: what its API server must accept (issuer, audience, how a
//! token's claims become a username, which claims are required, the CA it fetches keys with) and how
//! Argo CD presents itself there. Every spoke kind and the management side's cluster Secret read the same
//! contract, so they cannot disagree.

#[derive(Debug, Clone, PartialEq)]
pub struct SpokeContract {
    /// The API server URL as Argo CD compares it: one trailing `/` trimmed.
    pub server: String,
    /// The spoke's accepted audience == the cluster Secret's `SPIFFE_JWT_AUDIENCE` == the token's `aud`.
    pub audience: String,
    pub username: UsernameMapping,
    /// The RBAC subjects: the usernames Argo CD's tokens become here, one per distinct SPIFFE ID, in
    /// identity order (the username mapping applied to each identity).
    pub usernames: Vec<String>,
    /// Claims a token must carry with exactly this value (`identity: shared`: `sub`).
    pub required_claims: Vec<RequiredClaim>,
    /// PEM of the CA the spoke's API server verifies the issuer's discovery endpoint with; None: the
    /// spoke's system trust store.
    pub issuer_ca: Option<String>,
    pub connection: Connection,
}

/// How a token's claim becomes a username on the spoke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsernameMapping {
    pub claim: &'static str,
    /// None: the claim is the username as it is.
    pub prefix: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequiredClaim {
    pub claim: &'static str,
    pub value: String,
}

/// How Argo CD reaches a spoke. Today one way: a cluster Secret whose `execProviderConfig` runs the
/// plugin, which fetches a JWT-SVID for the spoke's audience on every refresh. Another way (argocd-agent)
/// would be another arm here and another generator, with the same contract.
#[derive(Debug, Clone, PartialEq)]
pub enum Connection {
    ClusterSecret { exec: ExecConfig, tls: Tls },
}

/// The upstream exec plugin's environment variables (k8s-spiffe-workload-jwt-exec-auth `cmd/main.go`); the
/// built-in helper reads the same names when its flags are not given.
pub const SOCKET_ENV: &str = "SPIFFE_ENDPOINT_SOCKET";
pub const AUDIENCE_ENV: &str = "SPIFFE_JWT_AUDIENCE";
pub const CREDENTIAL_VERSION_ENV: &str = "EXEC_CREDENTIAL_VERSION";

/// The exec credential helper as Argo CD runs it for one spoke: everything its cluster Secret's
/// `execProviderConfig` says, final.
#[derive(Debug, Clone, PartialEq)]
pub struct ExecConfig {
    /// Absolute path of the helper in Argo CD's pods.
    pub command: String,
    /// Command-line arguments: the built-in helper's `credential --audience … --socket …`, or the
    /// upstream plugin's `-timeout=…` for the image install.
    pub args: Vec<String>,
    /// `client.authentication.k8s.io/<version>`.
    pub api_version: String,
    /// Environment variables, in this order (the upstream plugin is configured only through them). Empty
    /// for the built-in helper: Argo CD turns this map into a list in random order, and client-go keys its
    /// credential cache on that list, so every variable costs extra helper runs.
    pub env: Vec<(&'static str, String)>,
    /// Where a failing command's user should look: the init container that installs it.
    pub install_hint: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialVersion {
    V1,
    V1beta1,
}

impl CredentialVersion {
    pub fn as_str(self) -> &'static str {
        match self {
            CredentialVersion::V1 => "v1",
            CredentialVersion::V1beta1 => "v1beta1",
        }
    }
}

/// How Argo CD verifies the spoke API server's certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tls {
    /// Base64 of the PEM CA; None: the system roots.
    pub ca_data: Option<String>,
    pub insecure: bool,
}
