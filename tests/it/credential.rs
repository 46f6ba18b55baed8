//! `ztwim-gitops credential` as client-go runs it: a process talking gRPC to a Workload API endpoint
//! built from the official workload.proto (tests/workload-api) that enforces the security header and
//! signs real JWTs, and, at the end, the real kubectl running it from a kubeconfig exec stanza.
#![cfg(not(target_env = "musl"))]

use crate::support as common;

use common::{have, TempDir, BIN};
use serde_json::Value;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use workload_api_testserver::{Config, Identity, Mode, Server};

const AUDIENCE: &str = "spoke-east";
const V1: &str = "client.authentication.k8s.io/v1";
const V1BETA1: &str = "client.authentication.k8s.io/v1beta1";
/// Variables client-go, the upstream plugin's Secrets or the developer's shell may set; each test sets
/// its own.
const VARIABLES: [&str; 7] = [
    "KUBERNETES_EXEC_INFO",
    "EXEC_CREDENTIAL_VERSION",
    "SPIFFE_ENDPOINT_SOCKET",
    "SPIFFE_JWT_AUDIENCE",
    "SPIFFE_ID",
    "SPIFFE_JWT_HINT",
    "RUST_LOG",
];

/// Environment variables for one run of the helper.
type Env<'a> = &'a [(&'a str, &'a str)];

struct Run {
    stdout: String,
    stderr: String,
    code: i32,
    elapsed: Duration,
}

impl Run {
    fn credential(&self) -> Value {
        assert_eq!(self.code, 0, "stderr: {}", self.stderr);
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.stdout))
    }
    /// Exit 1 with exactly one line on stderr, which contains every `needle` and no JWT.
    fn failed_with(&self, needles: &[&str]) {
        assert_eq!(self.code, 1, "stdout: {}\nstderr: {}", self.stdout, self.stderr);
        assert!(self.stdout.is_empty(), "{}", self.stdout);
        assert_eq!(self.stderr.lines().count(), 1, "{}", self.stderr);
        assert!(self.stderr.starts_with("ztwim-gitops credential: "), "{}", self.stderr);
        for needle in needles {
            assert!(self.stderr.contains(needle), "{needle:?} not in: {}", self.stderr);
        }
        assert!(!self.stderr.contains("eyJ"), "a JWT on stderr: {}", self.stderr);
    }
}

fn helper(args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(BIN);
    cmd.arg("credential").args(args);
    for v in VARIABLES {
        cmd.env_remove(v);
    }
    cmd.envs(env.iter().copied());
    let start = Instant::now();
    let out = cmd.output().unwrap();
    Run {
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
        code: out.status.code().unwrap_or(-1),
        elapsed: start.elapsed(),
    }
}

/// The contract's arguments: `credential --audience AUD --socket unix:///…/spire-agent.sock`.
fn contract_args(server: &Server) -> Vec<String> {
    vec!["--audience".into(), AUDIENCE.into(), "--socket".into(), server.endpoint()]
}

fn run_against(server: &Server, extra: &[&str], env: &[(&str, &str)]) -> Run {
    let mut args = contract_args(server);
    args.extend(extra.iter().map(|s| s.to_string()));
    helper(&args.iter().map(String::as_str).collect::<Vec<_>>(), env)
}

/// Verifies the token's ES256 signature with the endpoint's key and returns its claims.
fn verified_claims(server: &Server, token: &str) -> Value {
    use base64::Engine;
    let raw = server.public_key_raw();
    let b64 = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
    let key = jsonwebtoken::DecodingKey::from_ec_components(&b64(&raw[1..33]), &b64(&raw[33..65])).unwrap();
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::ES256);
    validation.set_audience(&[AUDIENCE]);
    jsonwebtoken::decode::<Value>(token, &key, &validation).unwrap().claims
}

/// Seconds since the epoch of an RFC 3339 `…Z` timestamp (via the helper's own formatter, checked
/// against fixed dates in its unit tests).
fn unix_of(rfc3339: &str) -> i64 {
    let guess = rfc3339_to_unix_search(rfc3339);
    assert_eq!(ztwim_gitops::credential::rfc3339(guess), rfc3339);
    guess
}

fn rfc3339_to_unix_search(text: &str) -> i64 {
    // Monotonic formatter: binary search over a range around now.
    let (mut lo, mut hi) = (0i64, 8_000_000_000i64);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if ztwim_gitops::credential::rfc3339(mid).as_str() < text {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

#[test]
fn prints_a_v1_exec_credential_with_the_svid_and_an_expiry_before_its_exp() {
    let server = Server::start(Config::default());
    let run = run_against(&server, &[], &[]);
    let cred = run.credential();
    assert_eq!(cred["apiVersion"], V1);
    assert_eq!(cred["kind"], "ExecCredential");
    let token = cred["status"]["token"].as_str().unwrap();
    let claims = verified_claims(&server, token);
    assert_eq!(claims["sub"], Config::default().identities[0].spiffe_id);
    let (iat, exp) = (claims["iat"].as_i64().unwrap(), claims["exp"].as_i64().unwrap());
    let reported = unix_of(cred["status"]["expirationTimestamp"].as_str().unwrap());
    // A fresh 5-minute SVID: reported halfway, 150 s before exp (± the second the call may straddle).
    assert!(reported < exp && exp - reported >= 60, "reported {reported}, exp {exp}");
    assert!((iat + 149..=iat + 151).contains(&reported), "reported {reported}, iat {iat}");
    assert_eq!(
        server.seen(),
        vec![workload_api_testserver::Seen {
            audience: vec![AUDIENCE.into()],
            spiffe_id: String::new(),
            security_header: true
        }]
    );
    assert!(run.stderr.is_empty(), "{}", run.stderr);
}

#[test]
fn a_short_lived_svid_is_reported_a_minute_before_exp() {
    let server = Server::start(Config { lifetime: Duration::from_secs(100), ..Config::default() });
    let cred = run_against(&server, &[], &[]).credential();
    let claims = verified_claims(&server, cred["status"]["token"].as_str().unwrap());
    let reported = unix_of(cred["status"]["expirationTimestamp"].as_str().unwrap());
    assert_eq!(reported, claims["exp"].as_i64().unwrap() - 60);
}

#[test]
fn api_version_for_every_kubernetes_exec_info_and_exec_credential_version() {
    let server = Server::start(Config::default());
    let info = |v: &str| format!(r#"{{"kind":"ExecCredential","apiVersion":"{v}","spec":{{"interactive":false}}}}"#);
    let (info_v1, info_beta, info_alpha) = (info(V1), info(V1BETA1), info("client.authentication.k8s.io/v1alpha1"));
    let ok: [(Env, &str); 7] = [
        (&[], V1),
        (&[("KUBERNETES_EXEC_INFO", &info_v1)], V1),
        (&[("KUBERNETES_EXEC_INFO", &info_beta)], V1BETA1),
        // What client-go asked for wins over the upstream plugin's variable.
        (&[("KUBERNETES_EXEC_INFO", &info_v1), ("EXEC_CREDENTIAL_VERSION", "v1beta1")], V1),
        (&[("EXEC_CREDENTIAL_VERSION", "v1beta1")], V1BETA1),
        (&[("EXEC_CREDENTIAL_VERSION", "v1")], V1),
        (&[("EXEC_CREDENTIAL_VERSION", V1BETA1)], V1BETA1),
    ];
    for (env, want) in ok {
        let cred = run_against(&server, &[], env).credential();
        assert_eq!(cred["apiVersion"], want, "{env:?}");
        assert!(cred["status"]["token"].as_str().is_some_and(|t| !t.is_empty()));
    }
    let calls = server.seen().len();
    let bad: [(Env, &[&str]); 4] = [
        (&[("KUBERNETES_EXEC_INFO", &info_alpha)], &["KUBERNETES_EXEC_INFO", "v1alpha1"]),
        (&[("KUBERNETES_EXEC_INFO", "{not json")], &["KUBERNETES_EXEC_INFO is not an ExecCredential"]),
        (
            &[("KUBERNETES_EXEC_INFO", r#"{"kind":"Pod","apiVersion":"v1"}"#)],
            &["KUBERNETES_EXEC_INFO has kind \"Pod\""],
        ),
        (&[("EXEC_CREDENTIAL_VERSION", "v2")], &["EXEC_CREDENTIAL_VERSION=\"v2\"", "v1beta1"]),
    ];
    for (env, needles) in bad {
        run_against(&server, &[], env).failed_with(needles);
    }
    assert_eq!(server.seen().len(), calls, "a bad version fails before asking the Workload API");
}

#[test]
fn reads_the_upstream_plugins_environment_variables() {
    let server = Server::start(Config::default());
    let endpoint = server.endpoint();
    let run = helper(&[], &[("SPIFFE_ENDPOINT_SOCKET", &endpoint), ("SPIFFE_JWT_AUDIENCE", AUDIENCE)]);
    verified_claims(&server, run.credential()["status"]["token"].as_str().unwrap());
    // Flags win over the variables.
    let run =
        helper(&["--audience", "other"], &[("SPIFFE_ENDPOINT_SOCKET", &endpoint), ("SPIFFE_JWT_AUDIENCE", AUDIENCE)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(server.seen()[1].audience, vec!["other".to_string()]);
}

#[test]
fn asks_for_the_spiffe_id_and_picks_the_svid_by_hint() {
    let id = |n: &str| format!("spiffe://apps.hub.example.com/ns/openshift-gitops/sa/{n}");
    let server = Server::start(Config {
        identities: vec![
            Identity { spiffe_id: id("internal"), hint: "internal".into() },
            Identity { spiffe_id: id("external"), hint: "external".into() },
        ],
        ..Config::default()
    });
    let cred = run_against(&server, &[], &[("SPIFFE_JWT_HINT", "external")]).credential();
    assert_eq!(verified_claims(&server, cred["status"]["token"].as_str().unwrap())["sub"], id("external"));
    let cred = run_against(&server, &[], &[]).credential();
    assert_eq!(verified_claims(&server, cred["status"]["token"].as_str().unwrap())["sub"], id("internal"));
    run_against(&server, &[], &[("SPIFFE_JWT_HINT", "nope")])
        .failed_with(&["\"nope\"", "available hints: internal, external"]);

    let cred = run_against(&server, &["--spiffe-id", &id("external")], &[]).credential();
    assert_eq!(verified_claims(&server, cred["status"]["token"].as_str().unwrap())["sub"], id("external"));
    assert_eq!(server.seen().last().unwrap().spiffe_id, id("external"));
    let env_id = id("internal");
    run_against(&server, &[], &[("SPIFFE_ID", &env_id)]).credential();
    assert_eq!(server.seen().last().unwrap().spiffe_id, env_id);
}

#[test]
fn no_audience_or_socket_is_a_clear_error_before_any_call() {
    helper(&[], &[]).failed_with(&["no audience", "--audience", "SPIFFE_JWT_AUDIENCE", "SPIFFE_ENDPOINT_SOCKET"]);
    helper(&["--socket", "unix:///nonexistent/spire-agent.sock"], &[]).failed_with(&["no audience"]);
    helper(&["--audience", "a", "--socket", "http://example.com"], &[])
        .failed_with(&["\"http://example.com\"", "unix:///"]);
    helper(&["--audience", "a", "--socket", "unix:///s", "--spiffe-id", "nope"], &[])
        .failed_with(&["\"nope\"", "spiffe://"]);
}

#[test]
fn no_socket_waits_out_the_timeout_then_names_the_socket() {
    let dir = TempDir::new("no-socket");
    let socket = format!("unix://{}/spire-agent.sock", dir.path().display());
    let run = helper(&["--audience", AUDIENCE, "--socket", &socket, "--timeout", "700ms"], &[]);
    run.failed_with(&["no Workload API at", &socket, "after 700ms", "csi.spiffe.io"]);
    assert!(run.elapsed >= Duration::from_millis(700) && run.elapsed < Duration::from_secs(5), "{:?}", run.elapsed);
}

#[test]
fn a_socket_that_appears_within_the_timeout_is_used() {
    let server = Server::start(Config { bind_after: Duration::from_millis(400), ..Config::default() });
    let run = run_against(&server, &["--timeout", "5s"], &[]);
    verified_claims(&server, run.credential()["status"]["token"].as_str().unwrap());
    assert!(run.elapsed >= Duration::from_millis(400), "{:?}", run.elapsed);
}

#[test]
fn unavailable_is_retried_until_the_agent_answers() {
    let server = Server::start(Config { mode: Mode::UnavailableFirst(2), ..Config::default() });
    let run = run_against(&server, &["--timeout", "5s"], &[]);
    verified_claims(&server, run.credential()["status"]["token"].as_str().unwrap());
    assert_eq!(server.seen().len(), 3);
}

#[test]
fn a_hanging_agent_is_cut_off_at_the_timeout() {
    let server = Server::start(Config { mode: Mode::Hang, ..Config::default() });
    let run = run_against(&server, &["--timeout", "600ms"], &[]);
    run.failed_with(&["no answer from the Workload API at", &server.endpoint(), "within 600ms", AUDIENCE]);
    assert!(run.elapsed >= Duration::from_millis(600) && run.elapsed < Duration::from_secs(5), "{:?}", run.elapsed);
}

#[test]
fn permission_denied_says_no_identity_is_registered_for_the_pod() {
    let server = Server::start(Config { mode: Mode::PermissionDenied, ..Config::default() });
    let run = run_against(&server, &["--timeout", "10s"], &[]);
    run.failed_with(&["no identity for this pod", "PermissionDenied", "ClusterSPIFFEID", &server.endpoint()]);
    assert!(run.elapsed < Duration::from_secs(5), "not retried: {:?}", run.elapsed);
    assert_eq!(server.seen().len(), 1);
}

#[test]
fn invalid_argument_is_never_retried() {
    let server = Server::start(Config { mode: Mode::InvalidArgument, ..Config::default() });
    let run = run_against(&server, &["--timeout", "10s"], &[]);
    run.failed_with(&["InvalidArgument", AUDIENCE]);
    assert!(run.elapsed < Duration::from_secs(5), "{:?}", run.elapsed);
    assert_eq!(server.seen().len(), 1);
}

#[test]
fn an_empty_answer_says_no_svid_was_returned() {
    let server = Server::start(Config { mode: Mode::Empty, ..Config::default() });
    let run = run_against(&server, &["--timeout", "10s"], &[]);
    run.failed_with(&["returned no JWT-SVID", AUDIENCE, &server.endpoint()]);
    assert!(run.elapsed < Duration::from_secs(5), "{:?}", run.elapsed);
}

/// A reader that stops early (closed stdout) is the rule every command follows (`cli::Exit::finish`): no
/// failure, not a word on stderr, the status the run would have had.
#[test]
fn a_reader_that_closed_stdout_is_no_failure() {
    let server = Server::start(Config::default());
    for extra in [&[][..], &["--check"][..]] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let mut cmd = Command::new(BIN);
        cmd.arg("credential").args(contract_args(&server)).args(extra).stdout(writer);
        for v in VARIABLES {
            cmd.env_remove(v);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{extra:?}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(out.stderr.is_empty(), "{extra:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

#[test]
fn check_prints_the_claims_and_the_reported_expiry_never_the_token() {
    let server = Server::start(Config::default());
    let run = run_against(&server, &["--check"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = &run.stdout;
    assert!(!text.contains("eyJ") && !run.stderr.contains("eyJ"), "{text}");
    let sub = format!("sub: {}\n", Config::default().identities[0].spiffe_id);
    assert!(text.contains(&sub), "{text}");
    assert!(text.contains(&format!("aud: {AUDIENCE}\n")), "{text}");
    assert!(text.contains(&format!("iss: {}\n", Config::default().issuer)), "{text}");
    assert!(text.contains("exp: ") && (text.contains("(in 300s)") || text.contains("(in 299s)")), "{text}");
    assert!(text.contains("expirationTimestamp the helper reports: ") && text.contains("(150s before exp)"), "{text}");
}

/// A local HTTPS "API server" that records each request's Authorization header and answers 200.
fn api_server() -> (common::https::Server, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let recorded = seen.clone();
    let server = common::https::serve(move |request| {
        recorded.lock().unwrap().push(request.header("authorization").unwrap_or_default().to_string());
        ("200 OK", r#"{"kind":"Status","apiVersion":"v1","status":"Success"}"#.to_string())
    });
    (server, seen)
}

#[test]
fn kubectl_runs_the_helper_from_a_kubeconfig_and_sends_the_svid_as_bearer_token() {
    if !have("kubectl") {
        return;
    }
    use base64::Engine;
    let server = Server::start(Config::default());
    let (spoke, seen) = api_server();
    let dir = TempDir::new("kubeconfig");
    let bin_dir = dir.path().join("bin");
    std::fs::create_dir(&bin_dir).unwrap();
    std::os::unix::fs::symlink(BIN, bin_dir.join("ztwim-gitops")).unwrap();
    // The exec stanza the cluster Secret's execProviderConfig becomes (Argo CD sets interactiveMode Never).
    let kubeconfig = serde_json::json!({
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "spoke", "cluster": {
            "server": spoke.url,
            "certificate-authority-data": base64::engine::general_purpose::STANDARD.encode(&spoke.ca_pem),
        }}],
        "users": [{"name": "argocd", "user": {"exec": {
            "apiVersion": V1,
            "command": bin_dir.join("ztwim-gitops").display().to_string(),
            "args": ["credential", "--audience", AUDIENCE, "--socket", server.endpoint()],
            "interactiveMode": "Never",
        }}}],
        "contexts": [{"name": "spoke", "context": {"cluster": "spoke", "user": "argocd"}}],
        "current-context": "spoke",
    });
    let path = dir.path().join("kubeconfig");
    std::fs::write(&path, kubeconfig.to_string()).unwrap();
    let mut cmd = Command::new("kubectl");
    cmd.arg("--kubeconfig").arg(&path).args(["get", "--raw", "/api/ztwim-credential-test"]);
    for v in VARIABLES {
        cmd.env_remove(v);
    }
    let out = common::run(&mut cmd, true);
    assert!(String::from_utf8_lossy(&out.stdout).contains("Success"));
    let headers = seen.lock().unwrap().clone();
    assert!(!headers.is_empty());
    for header in &headers {
        let token = header.strip_prefix("Bearer ").unwrap_or_else(|| panic!("not a bearer token: {header:?}"));
        let claims = verified_claims(&server, token);
        assert_eq!(claims["sub"], Config::default().identities[0].spiffe_id);
    }
    // client-go ran the helper (KUBERNETES_EXEC_INFO set, v1 accepted) and the helper asked for the audience.
    assert!(server.seen().iter().all(|s| s.audience == [AUDIENCE] && s.security_header), "{:?}", server.seen());
    assert!(!String::from_utf8_lossy(&out.stderr).contains("eyJ"));
}
