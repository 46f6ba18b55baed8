//! `ztwim-gitops credential`: a client-go exec credential plugin. It fetches a JWT-SVID from the SPIFFE
//! Workload API and prints an `ExecCredential` holding it, with an expiry strictly before the token's.
//!
//! It reads the same environment variables as spiffe/k8s-spiffe-workload-jwt-exec-auth
//! (`SPIFFE_ENDPOINT_SOCKET`, `SPIFFE_JWT_AUDIENCE`, `SPIFFE_ID`, `SPIFFE_JWT_HINT`,
//! `EXEC_CREDENTIAL_VERSION`), so cluster Secrets written for that plugin work with this command
//! unchanged; flags take precedence. Every failure is one line on stderr and exit code 1; the token is
//! only ever written to stdout. See docs/credential-helper.md.

mod expiry;
mod fetch;

pub use crate::api::exec_credential::rfc3339;
pub use expiry::reported_expiry;

use crate::api::exec_credential::{self as api, ExecCredential, ExecCredentialSpec, ExecCredentialStatus};
use crate::model::{AGENT_SOCKET, AUDIENCE_ENV, CREDENTIAL_VERSION_ENV, CSI_DRIVER, SOCKET_ENV};
use std::time::Duration;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The audience the JWT-SVID is for (the spoke's `audiences`); default: $SPIFFE_JWT_AUDIENCE.
    #[arg(long, value_name = "AUDIENCE")]
    pub audience: Option<String>,
    /// The Workload API endpoint, `unix:///path/to/socket`; default: $SPIFFE_ENDPOINT_SOCKET.
    #[arg(long, value_name = "unix:///PATH")]
    pub socket: Option<String>,
    /// Ask for this SPIFFE ID only; default: $SPIFFE_ID, else the pod's identity.
    #[arg(long = "spiffe-id", value_name = "SPIFFE_ID")]
    pub spiffe_id: Option<String>,
    /// Use the SVID with this hint when the pod has several; default: $SPIFFE_JWT_HINT.
    #[arg(long, value_name = "HINT")]
    pub hint: Option<String>,
    /// Give up after this long, including waiting for the socket to appear (`10s`, `500ms`, `1m`).
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration)]
    pub timeout: Duration,
    /// For a person in the pod (`oc rsh`): print the SVID's sub, aud, iss and exp and the expiry the
    /// helper would report, never the token.
    #[arg(long)]
    pub check: bool,
}

/// What one run does, after flags and environment are read and checked.
#[derive(Debug)]
struct Settings {
    socket: String,
    audience: String,
    spiffe_id: Option<spiffe::SpiffeId>,
    hint: Option<String>,
    api_version: &'static str,
}

/// Runs the subcommand with the process environment; returns the exit code.
pub fn run(args: &Args) -> crate::cli::Exit {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let settings = match settings(args, &env) {
        Ok(s) => s,
        Err(problems) => return fail(&problems.join("; ")),
    };
    let request = fetch::Request {
        socket: &settings.socket,
        audience: &settings.audience,
        spiffe_id: settings.spiffe_id.as_ref(),
        hint: settings.hint.as_deref(),
        timeout: args.timeout,
    };
    let svid = match fetch::fetch(&request) {
        Ok(svid) => svid,
        Err(failure) => return fail(&explain(&failure, &settings, args.timeout)),
    };
    let now = unix_now();
    let exp = svid.expiry().unix_timestamp();
    if exp <= now {
        return fail(&format!(
            "the Workload API at {} returned a JWT-SVID for {} that expired at {} (now {}); check this node's clock and the SPIRE agent",
            settings.socket,
            svid.spiffe_id(),
            rfc3339(exp),
            rfc3339(now)
        ));
    }
    let reported = reported_expiry(now, exp);
    if args.check {
        return crate::cli::Exit::print(check_text(&svid, now, reported));
    }
    let credential = ExecCredential {
        api_version: settings.api_version.to_string(),
        kind: api::KIND.to_string(),
        spec: Some(ExecCredentialSpec::default()),
        status: Some(ExecCredentialStatus {
            expiration_timestamp: Some(rfc3339(reported)),
            token: Some(svid.token().to_string()),
            ..Default::default()
        }),
    };
    let json = serde_json::to_string(&credential).expect("an ExecCredential serialises");
    crate::cli::Exit::print(format!("{json}\n"))
}

fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// One line on stderr, exit code 1.
fn fail(message: &str) -> crate::cli::Exit {
    eprintln!("ztwim-gitops credential: {message}");
    crate::cli::Exit::status(1)
}

/// Flags over environment, every problem reported (joined into the one stderr line).
fn settings(args: &Args, env: &dyn Fn(&str) -> Option<String>) -> Result<Settings, Vec<String>> {
    let mut problems = Vec::new();
    let audience = args.audience.clone().or_else(|| env(AUDIENCE_ENV));
    if audience.is_none() {
        problems.push(
            "no audience: pass --audience AUDIENCE or set SPIFFE_JWT_AUDIENCE to one of the spoke's accepted audiences"
                .to_string(),
        );
    }
    let socket = args.socket.clone().or_else(|| env(SOCKET_ENV));
    match &socket {
        None => problems.push(format!(
            "no Workload API socket: pass --socket unix:///path/to/{AGENT_SOCKET} or set SPIFFE_ENDPOINT_SOCKET"
        )),
        Some(s) => {
            if let Err(e) = spiffe::transport::Endpoint::parse(s) {
                problems.push(format!(
                    "socket {s:?} is not a Workload API endpoint ({e}); write it as unix:///path/to/{AGENT_SOCKET}"
                ));
            }
        }
    }
    let spiffe_id = match args.spiffe_id.clone().or_else(|| env("SPIFFE_ID")) {
        None => None,
        Some(id) => match id.parse::<spiffe::SpiffeId>() {
            Ok(id) => Some(id),
            Err(e) => {
                problems
                    .push(format!("SPIFFE ID {id:?} is not valid ({e}); write it as spiffe://<trust domain>/<path>"));
                None
            }
        },
    };
    let hint = args.hint.clone().or_else(|| env("SPIFFE_JWT_HINT"));
    let api_version = match api_version(env("KUBERNETES_EXEC_INFO").as_deref(), env(CREDENTIAL_VERSION_ENV).as_deref())
    {
        Ok(v) => v,
        Err(e) => {
            problems.push(e);
            api::V1
        }
    };
    match (problems.is_empty(), audience, socket) {
        (true, Some(audience), Some(socket)) => Ok(Settings { socket, audience, spiffe_id, hint, api_version }),
        _ => Err(problems),
    }
}

/// The apiVersion to print: the one client-go asked for in `KUBERNETES_EXEC_INFO` (client-go rejects a
/// credential of any other version), else `EXEC_CREDENTIAL_VERSION` (the upstream plugin's setting,
/// `v1`, `v1beta1` or the full group/version), else v1.
pub fn api_version(exec_info: Option<&str>, configured: Option<&str>) -> Result<&'static str, String> {
    if let Some(info) = exec_info {
        let cred: ExecCredential = serde_json::from_str(info).map_err(|e| {
            format!("KUBERNETES_EXEC_INFO is not an ExecCredential ({e}); it is set by client-go, unset it when running the helper by hand")
        })?;
        if cred.kind != api::KIND {
            return Err(format!(
                "KUBERNETES_EXEC_INFO has kind {:?}, not ExecCredential; unset it when running the helper by hand",
                cred.kind
            ));
        }
        return supported(&cred.api_version).ok_or_else(|| {
            format!(
                "KUBERNETES_EXEC_INFO asks for apiVersion {:?}, which this helper does not write; set the kubeconfig's exec apiVersion to {} or {}",
                cred.api_version,
                api::V1,
                api::V1BETA1
            )
        });
    }
    match configured {
        None => Ok(api::V1),
        Some(v) => supported(v).or_else(|| supported(&format!("{}/{v}", api::GROUP))).ok_or_else(|| {
            format!("EXEC_CREDENTIAL_VERSION={v:?} is not supported; set it to v1 or v1beta1 (or remove it for v1)")
        }),
    }
}

fn supported(api_version: &str) -> Option<&'static str> {
    api::SUPPORTED_API_VERSIONS.into_iter().find(|v| *v == api_version)
}

/// The one stderr line for a failed fetch: which socket or audience, the cause, and what to check.
fn explain(failure: &fetch::Failure, s: &Settings, timeout: Duration) -> String {
    use fetch::{Failure, Retryable};
    let socket = &s.socket;
    let aud = &s.audience;
    let wait = format_duration(timeout);
    match failure {
        Failure::Timeout { last: Some(Retryable::Connect(cause)) } => format!(
            "no Workload API at {socket} after {wait} ({cause}); check that the SPIFFE CSI volume ({CSI_DRIVER}) is mounted at that path and the SPIRE agent runs on this node"
        ),
        Failure::Timeout { last: Some(Retryable::Unavailable(cause)) } => format!(
            "the Workload API at {socket} was unavailable for {wait} ({cause}); check the SPIRE agent pod on this node"
        ),
        Failure::Timeout { last: None } => format!(
            "no answer from the Workload API at {socket} within {wait} for audience {aud:?}; check the SPIRE agent pod on this node, or raise --timeout"
        ),
        Failure::PermissionDenied(cause) => format!(
            "the Workload API at {socket} has no identity for this pod (PermissionDenied: {cause}); check that a ClusterSPIFFEID selects this pod (its podSelector and namespaceSelector) and that its className is the one ZTWIM's SPIRE serves"
        ),
        Failure::InvalidArgument(cause) => format!(
            "the Workload API at {socket} rejected the request for audience {aud:?} (InvalidArgument: {cause}); check the audience and SPIFFE ID"
        ),
        Failure::Empty => format!(
            "the Workload API at {socket} returned no JWT-SVID for audience {aud:?}{}; check the pod's ClusterSPIFFEID and the SPIRE agent's log",
            s.spiffe_id.as_ref().map(|id| format!(" and SPIFFE ID {id}")).unwrap_or_default()
        ),
        Failure::HintNotFound { available } => format!(
            "no JWT-SVID from {socket} has hint {:?} (available hints: {}); set SPIFFE_JWT_HINT to one of them or unset it",
            s.hint.as_deref().unwrap_or_default(),
            if available.is_empty() { "none".to_string() } else { available.join(", ") }
        ),
        Failure::Other(cause) => format!("fetching a JWT-SVID for audience {aud:?} from {socket} failed: {cause}"),
    }
}

/// `--check`: what a person needs to see, never the token.
fn check_text(svid: &spiffe::JwtSvid, now: i64, reported: i64) -> String {
    let exp = svid.expiry().unix_timestamp();
    // `iss` is not one of the claims the spiffe crate keeps; read it the way `doctor --token` does.
    let iss = crate::doctor::token::decode(svid.token())
        .ok()
        .and_then(|t| t.claims.get("iss").and_then(|v| v.as_str()).map(str::to_string))
        .unwrap_or_else(|| "(none)".to_string());
    let mut text = format!(
        "sub: {}\naud: {}\niss: {iss}\nexp: {} (in {}s)\n",
        svid.spiffe_id(),
        svid.audience().join(", "),
        rfc3339(exp),
        exp - now
    );
    if let Some(hint) = svid.hint() {
        text.push_str(&format!("hint: {hint}\n"));
    }
    text.push_str(&format!(
        "expirationTimestamp the helper reports: {} ({}s before exp)\n",
        rfc3339(reported),
        exp - reported
    ));
    text
}

/// `10s`, `500ms`, `2m`, or plain seconds.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let (number, unit) = text.find(|c: char| !c.is_ascii_digit()).map_or((text, ""), |i| text.split_at(i));
    let n: u64 = number.parse().map_err(|_| format!("{text:?} is not a duration; write e.g. 10s, 500ms or 1m"))?;
    let d = match unit {
        "ms" => Duration::from_millis(n),
        "" | "s" => Duration::from_secs(n),
        "m" => Duration::from_secs(n * 60),
        _ => return Err(format!("{text:?} has an unknown unit; use ms, s or m")),
    };
    if d.is_zero() {
        return Err("the timeout must be more than zero".into());
    }
    Ok(d)
}

fn format_duration(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{}ms", d.as_millis())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const V1_INFO: &str =
        r#"{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}}"#;

    #[test]
    fn api_version_follows_client_go_then_the_upstream_variable() {
        assert_eq!(api_version(None, None), Ok(api::V1));
        assert_eq!(api_version(Some(V1_INFO), Some("v1beta1")), Ok(api::V1));
        let beta = V1_INFO.replace("/v1\"", "/v1beta1\"");
        assert_eq!(api_version(Some(&beta), None), Ok(api::V1BETA1));
        assert_eq!(api_version(None, Some("v1beta1")), Ok(api::V1BETA1));
        assert_eq!(api_version(None, Some("client.authentication.k8s.io/v1")), Ok(api::V1));
        assert!(api_version(None, Some("v2")).unwrap_err().contains("EXEC_CREDENTIAL_VERSION=\"v2\""));
        let alpha = V1_INFO.replace("/v1\"", "/v1alpha1\"");
        assert!(api_version(Some(&alpha), None).unwrap_err().contains("v1alpha1"));
        assert!(api_version(Some("not json"), None).unwrap_err().contains("not an ExecCredential"));
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("1m"), Ok(Duration::from_secs(60)));
        assert_eq!(parse_duration("3"), Ok(Duration::from_secs(3)));
        assert!(parse_duration("0s").is_err() && parse_duration("1h").is_err() && parse_duration("s").is_err());
        assert_eq!(format_duration(Duration::from_millis(1500)), "1500ms");
    }

    #[test]
    fn every_settings_problem_is_reported_at_once() {
        let args = Args {
            audience: None,
            socket: None,
            spiffe_id: Some("not-an-id".into()),
            hint: None,
            timeout: Duration::from_secs(1),
            check: false,
        };
        let problems = settings(&args, &|_| None).unwrap_err();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].contains("SPIFFE_JWT_AUDIENCE") && problems[1].contains("SPIFFE_ENDPOINT_SOCKET"));
    }

    #[test]
    fn flags_win_over_environment() {
        let args = Args {
            audience: Some("flag".into()),
            socket: None,
            spiffe_id: None,
            hint: None,
            timeout: Duration::from_secs(1),
            check: false,
        };
        let env = |name: &str| match name {
            "SPIFFE_JWT_AUDIENCE" => Some("env".to_string()),
            "SPIFFE_ENDPOINT_SOCKET" => Some("unix:///run/spire/spire-agent.sock".to_string()),
            _ => None,
        };
        let s = settings(&args, &env).unwrap();
        assert_eq!((s.audience.as_str(), s.socket.as_str()), ("flag", "unix:///run/spire/spire-agent.sock"));
    }
}
