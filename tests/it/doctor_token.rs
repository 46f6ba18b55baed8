//! `doctor --token`: crafted JWT-SVIDs (unsigned: offline mode never verifies) checked against the fleet's
//! generated manifests, at a fixed `--now` so the report does not depend on the clock.

use crate::support as common;
use common::strings as set;

use base64::Engine;
use common::{run_bin, TempDir, ROOT};
use serde_json::{json, Value};
use std::collections::BTreeSet;

const NOW: i64 = 1_900_000_000;
const ISSUER: &str = "https://spire-spiffe-oidc-discovery-provider.apps.mgmt.example.com";
const SERVER_ID: &str = "spiffe://mgmt.example.com/ns/fleet-gitops/sa/fleet-argocd-server";

fn jwt(claims: &Value) -> String {
    let b64 = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    format!("{}.{}.c2lnbmF0dXJl", b64(&json!({"alg": "ES256", "kid": "k1", "typ": "JWT"})), b64(claims))
}

fn good() -> Value {
    json!({"iss": ISSUER, "sub": SERVER_ID, "aud": ["spoke-a.example.com"], "iat": NOW - 10, "exp": NOW + 290})
}

fn fleet() -> String {
    let config = format!("{ROOT}/fn-config/fleet.yaml");
    let (stdout, stderr, code) = run_bin(&["generate", "-c", &config, "--target", "all"], b"");
    assert_eq!(code, 0, "{stderr}");
    stdout
}

/// The token-scope checks with the given status, and the exit code.
fn run(token_text: &str) -> (Value, i32) {
    let dir = TempDir::new("doctor-token");
    let path = dir.path().join("token");
    std::fs::write(&path, token_text).unwrap();
    let now = NOW.to_string();
    let args = ["doctor", "-", "--output", "json", "--token", path.to_str().unwrap(), "--now", &now];
    let (stdout, stderr, code) = run_bin(&args, fleet().as_bytes());
    (serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}")), code)
}

fn token_links(report: &Value, status: &str) -> BTreeSet<String> {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["scope"] == "token" && c["status"] == status)
        .map(|c| c["link"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_good_token_passes_and_its_claims_are_printed() {
    let (report, code) = run(&jwt(&good()));
    assert_eq!(token_links(&report, "fail"), set(&[]), "{report}");
    assert_eq!(token_links(&report, "pass"), set(&["iss", "aud", "sub", "exp", "iat", "ttl"]));
    assert_eq!(code, 0);
    assert_eq!(report["token"]["claims"]["sub"], SERVER_ID);
    assert_eq!(report["token"]["header"]["kid"], "k1");
}

fn exec_credential(expiration: &str) -> String {
    format!(
        "apiVersion: client.authentication.k8s.io/v1beta1\nkind: ExecCredential\nspec:\n  interactive: false\nstatus:\n  expirationTimestamp: \"{expiration}\"\n  token: {}\n",
        jwt(&good())
    )
}

#[test]
fn the_plugins_exec_credential_is_accepted_too() {
    // Halfway to the JWT's exp (NOW + 290 = 2030-03-17T17:51:30Z), as the fixed plugin prints it.
    let (report, code) = run(&exec_credential("2030-03-17T17:49:00Z"));
    assert_eq!((token_links(&report, "fail"), code), (set(&[]), 0), "{report}");
    assert!(token_links(&report, "pass").contains("expiration"), "{report}");
}

/// Issue 19.6: the v0.0.x plugin defect, an expirationTimestamp after the JWT's exp, is a failure that
/// names both times as dates.
#[test]
fn an_expiration_timestamp_after_the_jwts_exp_fails() {
    let (report, code) = run(&exec_credential("2030-03-17T20:00:00Z"));
    assert_eq!((token_links(&report, "fail"), code), (set(&["expiration"]), 1), "{report}");
    let check = report["checks"].as_array().unwrap().iter().find(|c| c["link"] == "expiration").unwrap();
    assert_eq!(check["left"]["value"], "2030-03-17T20:00:00Z");
    assert_eq!(check["right"]["value"], "2030-03-17T17:51:30Z");
    let message = check["message"].as_str().unwrap();
    assert!(message.contains("2030-03-17T20:00:00Z") && message.contains("2030-03-17T17:51:30Z"), "{message}");
    assert!(message.contains("401"), "{message}");
    let (report, _) = run(&exec_credential("yesterday"));
    assert_eq!(token_links(&report, "fail"), set(&["expiration"]), "{report}");
}

#[test]
fn crafted_bad_tokens_fail_their_claim() {
    let cases: Vec<(&str, Value, &[&str])> = vec![
        ("expired", json!({"exp": NOW - 5, "iat": NOW - 305}), &["exp"]),
        ("wrong aud", json!({"aud": ["spoke-z"]}), &["aud"]),
        ("a token for spoke-b, checked against spoke-b (its prefix, its RBAC)", json!({"aud": "spoke-b"}), &[]),
        ("wrong iss", json!({"iss": format!("{ISSUER}/")}), &["iss"]),
        ("issued in the future", json!({"iat": NOW + 600, "exp": NOW + 900}), &["iat"]),
        ("a workload RBAC does not bind", json!({"sub": "spiffe://mgmt.example.com/ns/default/sa/default"}), &["sub"]),
        ("no exp", json!({"exp": null}), &["exp"]),
    ];
    for (name, patch, expected) in cases {
        let mut claims = good();
        for (k, v) in patch.as_object().unwrap() {
            if v.is_null() {
                claims.as_object_mut().unwrap().remove(k);
            } else {
                claims[k] = v.clone();
            }
        }
        let (report, code) = run(&jwt(&claims));
        assert_eq!(token_links(&report, "fail"), set(expected), "{name}: {report}");
        assert_eq!(code, i32::from(!expected.is_empty()), "{name}");
    }
}

#[test]
fn garbage_is_a_decode_failure_not_a_crash() {
    for text in ["", "not a token", "a.b.c", "apiVersion: v1\nkind: ExecCredential\n", "\u{0}\u{1}"] {
        let (report, code) = run(text);
        assert_eq!(token_links(&report, "fail"), set(&["decode"]), "{text:?}");
        assert_eq!(code, 1);
    }
}
