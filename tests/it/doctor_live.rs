//! `doctor --live` against a local HTTPS issuer: a server on 127.0.0.1 with a CA generated here, serving
//! a discovery document and a JWKS the test chooses. Never the network.
#![cfg(not(target_env = "musl"))]

use crate::support as common;
use common::strings as set;

use base64::Engine;
use common::{run_bin, TempDir, ROOT};
use serde_json::{json, Value};
use std::collections::BTreeSet;

const NOW: i64 = 1_900_000_000;

type Issuer = common::https::Server;

/// Starts an HTTPS server answering `/.well-known/openid-configuration` with `discovery` (where
/// `{ISSUER}` becomes its own URL) and `/keys` with `jwks`. It lives until the test process ends.
fn serve(discovery: Value, jwks: Value) -> Issuer {
    let (discovery, jwks) = (discovery.to_string(), jwks.to_string());
    common::https::serve(move |request| match request.path() {
        "/.well-known/openid-configuration" => ("200 OK", discovery.replace("{ISSUER}", request.url)),
        "/keys" => ("200 OK", jwks.clone()),
        _ => ("404 Not Found", "{}".to_string()),
    })
}

/// An EC P-256 signing key and its JWK.
struct Key {
    pair: rcgen::KeyPair,
    kid: &'static str,
}

impl Key {
    fn new(kid: &'static str) -> Key {
        Key { pair: rcgen::KeyPair::generate().unwrap(), kid }
    }
    fn jwk(&self) -> Value {
        let raw = self.pair.public_key_raw();
        let b64 = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
        json!({"kty": "EC", "kid": self.kid, "crv": "P-256", "use": "sig", "x": b64(&raw[1..33]), "y": b64(&raw[33..65])})
    }
    fn sign(&self, kid: &str, claims: &Value) -> String {
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES256);
        header.kid = Some(kid.to_string());
        let key = jsonwebtoken::EncodingKey::from_ec_der(&self.pair.serialize_der());
        jsonwebtoken::encode(&header, claims, &key).unwrap()
    }
}

fn discovery(issuer: &str) -> Value {
    json!({"issuer": issuer, "jwks_uri": "{ISSUER}/keys", "authorization_endpoint": "", "response_types_supported": ["id_token"],
           "subject_types_supported": [], "id_token_signing_alg_values_supported": ["RS256", "ES256", "ES384"]})
}

/// The article-style manifests, trusting this issuer with its CA in the spoke's ConfigMap.
fn manifests(issuer: &Issuer) -> String {
    let dir = format!("{ROOT}/tests/data/doctor/article");
    let mut text = std::fs::read_to_string(format!("{dir}/management.yaml")).unwrap();
    text.push_str("---\n");
    let spoke = std::fs::read_to_string(format!("{dir}/spoke.yaml")).unwrap();
    let (head, rest) = spoke.split_once("  ca-bundle.crt: |\n").unwrap();
    let (_, tail) = rest.split_once("-----END CERTIFICATE-----\n").unwrap();
    let ca: String = issuer.ca_pem.lines().map(|l| format!("    {l}\n")).collect();
    text.push_str(&format!("{head}  ca-bundle.crt: |\n{ca}{tail}"));
    text.replace("https://oidc-discovery.apps.hub.example.com", &issuer.url)
}

fn claims(issuer: &Issuer) -> Value {
    json!({"iss": issuer.url, "sub": "spiffe://apps.hub.example.com/ns/gitops-spiffe/sa/argocd-argocd-server",
           "aud": ["spoke"], "iat": NOW - 5, "exp": NOW + 295})
}

fn run(issuer: &Issuer, token: Option<&str>, extra: &[&str]) -> (Value, i32) {
    let dir = TempDir::new("doctor-live");
    let now = NOW.to_string();
    let mut args =
        vec!["doctor".to_string(), "-".into(), "--live".into(), "--output".into(), "json".into(), "--now".into(), now];
    if let Some(token) = token {
        let path = dir.path().join("token");
        std::fs::write(&path, token).unwrap();
        args.extend(["--token".to_string(), path.display().to_string()]);
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (stdout, stderr, code) = run_bin(&args, manifests(issuer).as_bytes());
    (serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}")), code)
}

fn live(report: &Value, status: &str) -> BTreeSet<String> {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["scope"] == "live" && c["status"] == status)
        .map(|c| c["link"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn good_issuer_and_token_verify_with_the_spokes_ca() {
    let key = Key::new("k1");
    let issuer = serve(discovery("{ISSUER}"), json!({"keys": [key.jwk()]}));
    let token = key.sign("k1", &claims(&issuer));
    let (report, code) = run(&issuer, Some(&token), &[]);
    assert_eq!(live(&report, "fail"), set(&[]), "{report}");
    assert_eq!(live(&report, "pass"), set(&["discovery", "jwks", "kid", "signature"]));
    assert_eq!(code, 0, "{report}");
}

#[test]
fn discovery_issuer_with_a_trailing_slash_fails() {
    let key = Key::new("k1");
    let issuer = serve(discovery("{ISSUER}/"), json!({"keys": [key.jwk()]}));
    let (report, code) = run(&issuer, None, &[]);
    assert_eq!(live(&report, "fail"), set(&["discovery"]), "{report}");
    assert_eq!(code, 1);
}

#[test]
fn a_token_whose_kid_is_not_published_fails() {
    let key = Key::new("k1");
    let issuer = serve(discovery("{ISSUER}"), json!({"keys": [key.jwk()]}));
    let token = key.sign("rotated-away", &claims(&issuer));
    let (report, code) = run(&issuer, Some(&token), &[]);
    assert_eq!(live(&report, "fail"), set(&["kid"]), "{report}");
    assert_eq!(code, 1);
}

#[test]
fn a_token_signed_by_another_key_fails_the_signature() {
    let (published, other) = (Key::new("k1"), Key::new("k1"));
    let issuer = serve(discovery("{ISSUER}"), json!({"keys": [published.jwk()]}));
    let token = other.sign("k1", &claims(&issuer));
    let (report, code) = run(&issuer, Some(&token), &[]);
    assert_eq!(live(&report, "fail"), set(&["signature"]), "{report}");
    assert_eq!(code, 1);
}

#[test]
fn a_ca_that_did_not_sign_the_route_fails_discovery() {
    let key = Key::new("k1");
    let issuer = serve(discovery("{ISSUER}"), json!({"keys": [key.jwk()]}));
    let stranger = serve(discovery("{ISSUER}"), json!({"keys": []}));
    let dir = TempDir::new("doctor-live-ca");
    let ca_file = dir.path().join("ca.pem");
    std::fs::write(&ca_file, &stranger.ca_pem).unwrap();
    let (report, code) = run(&issuer, None, &["--ca-file", ca_file.to_str().unwrap()]);
    assert_eq!(live(&report, "fail"), set(&["discovery"]), "{report}");
    assert_eq!(code, 1);
}

#[test]
fn an_empty_jwks_fails() {
    let issuer = serve(discovery("{ISSUER}"), json!({"keys": []}));
    let (report, code) = run(&issuer, None, &[]);
    assert_eq!(live(&report, "fail"), set(&["jwks"]), "{report}");
    assert_eq!(code, 1);
}
