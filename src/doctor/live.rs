//! `--live`: what the spoke's API server itself does before it accepts a token — fetch
//! `<issuer>/.well-known/openid-configuration` with the issuer CA it was given, require the document's
//! `issuer` to equal issuerURL exactly, fetch `jwks_uri` — and, with `--token`, find the token's `kid`
//! among the keys and verify the signature.
//!
//! HTTP is ureq on rustls with the ring provider (no C toolchain beyond cc, no cmake); JOSE is
//! jsonwebtoken, whose `DecodingKey::from_jwk` and `crypto::verify` read SPIRE's JWKS keys (EC P-256/P-384,
//! RSA) on the same ring. docs/design.md ("Choices") explains the choice.

use super::observe::{CaSource, Management, Spoke};
use super::report::{literal, side, Checks, Link, Status};
use super::token::Token;
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;

const SCOPE: &str = "live";
/// Enough for a discovery document or a JWKS; anything larger is not one.
const MAX_BODY: u64 = 1 << 20;

/// One issuer to fetch, with the CA bundle the spoke would use for it (None: the Mozilla roots).
struct Target {
    issuer: String,
    ca: Option<(String, String)>,
    at: String,
}

fn targets(m: &Management, spokes: &[Spoke], ca_file: Option<&str>) -> Vec<Target> {
    let mut out: Vec<Target> = Vec::new();
    let ca_override = ca_file.map(|pem| (pem.to_string(), "--ca-file".to_string()));
    let unnamed = spokes.iter().find(|s| s.name.is_none());
    for spoke in spokes {
        for a in &spoke.authenticators {
            if out.iter().any(|t| t.issuer == a.issuer_url) {
                continue;
            }
            let ca = ca_override.clone().or_else(|| match &a.ca {
                CaSource::Inline(pem) => Some((pem.clone(), format!("{} inline CA", a.at))),
                CaSource::ConfigMap { namespace, name, key } => spoke
                    .config_maps
                    .iter()
                    .chain(unnamed.into_iter().flat_map(|u| u.config_maps.iter()))
                    .find(|c| &c.namespace == namespace && &c.name == name)
                    .and_then(|c| c.data.get(key).map(|pem| (pem.clone(), format!("{} {key}", c.at)))),
                CaSource::System => None,
            });
            out.push(Target { issuer: a.issuer_url.clone(), ca, at: format!("{} issuer.issuerURL", a.at) });
        }
    }
    if let Some(i) = &m.issuer {
        if !out.iter().any(|t| t.issuer == i.value) {
            out.push(Target { issuer: i.value.clone(), ca: ca_override, at: i.at.clone() });
        }
    }
    out
}

fn agent(ca: Option<&str>) -> Result<ureq::Agent, String> {
    use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig};
    let roots = match ca {
        None => RootCerts::WebPki,
        Some(pem) => {
            let certs: Vec<Certificate<'static>> = ureq::tls::parse_pem(pem.as_bytes())
                .filter_map(|item| match item {
                    Ok(PemItem::Certificate(c)) => Some(c),
                    _ => None,
                })
                .collect();
            if certs.is_empty() {
                return Err("the CA bundle holds no PEM certificate".into());
            }
            RootCerts::Specific(Arc::new(certs))
        }
    };
    let tls = TlsConfig::builder().root_certs(roots).build();
    Ok(ureq::Agent::config_builder()
        .tls_config(tls)
        .timeout_global(Some(Duration::from_secs(15)))
        .http_status_as_error(true)
        .build()
        .into())
}

fn get_json(agent: &ureq::Agent, url: &str) -> Result<Value, String> {
    let mut response = agent.get(url).call().map_err(|e| format!("GET {url}: {e}"))?;
    let body = response
        .body_mut()
        .with_config()
        .limit(MAX_BODY)
        .read_to_string()
        .map_err(|e| format!("GET {url}: cannot read the body: {e}"))?;
    serde_json::from_str(&body).map_err(|e| format!("GET {url}: not JSON ({e})"))
}

pub fn check(m: &Management, spokes: &[Spoke], ca_file: Option<&str>, token: Option<&Token>, checks: &mut Checks) {
    let targets = targets(m, spokes, ca_file);
    if targets.is_empty() {
        checks.add(SCOPE, Link::Discovery, None, Status::Info, (None, None), "no issuer in the input to fetch", None);
        return;
    }
    let token_iss = token.and_then(|t| t.claims.get("iss")).and_then(Value::as_str);
    let mut verified = false;
    for t in &targets {
        let ca_at = t.ca.as_ref().map(|(_, at)| at.clone()).unwrap_or_else(|| "Mozilla roots (no issuer CA)".into());
        let agent = match agent(t.ca.as_ref().map(|(pem, _)| pem.as_str())) {
            Ok(a) => a,
            Err(e) => {
                checks.add(
                    SCOPE,
                    Link::Discovery,
                    None,
                    Status::Fail,
                    (Some(side(&t.issuer, &t.at)), Some(side(ca_at, ""))),
                    e,
                    Some("Give the issuer route's CA certificate in PEM.".into()),
                );
                continue;
            }
        };
        let url = format!("{}/.well-known/openid-configuration", t.issuer.trim_end_matches('/'));
        let doc = match get_json(&agent, &url) {
            Ok(d) => d,
            Err(e) => {
                checks.add(SCOPE, Link::Discovery, None, Status::Fail, (Some(literal(&t.issuer, &t.at)), Some(side(&ca_at, "CA used"))),
                    format!("{e}; the spoke's API server fails the same way and accepts no token"),
                    Some("Check that the route answers from the spoke's network and that the CA (spoke issuer CA ConfigMap, or --ca-file) signed its certificate.".into()));
                continue;
            }
        };
        let published = doc.get("issuer").and_then(Value::as_str).unwrap_or_default();
        let ok = published == t.issuer;
        checks.add(
            SCOPE,
            Link::Discovery,
            None,
            if ok { Status::Pass } else { Status::Fail },
            (Some(literal(&t.issuer, &t.at)), Some(literal(published, format!("{url} issuer")))),
            if ok {
                "the discovery document names exactly this issuer"
            } else {
                "the discovery document names another issuer; Kubernetes requires them to be equal byte for byte"
            },
            (!ok).then(|| {
                "Make issuerURL and SpireServer jwtIssuer exactly https://<route host> (no trailing `/`).".into()
            }),
        );
        let Some(jwks_uri) = doc.get("jwks_uri").and_then(Value::as_str) else {
            checks.add(
                SCOPE,
                Link::Jwks,
                None,
                Status::Fail,
                (Some(side(&url, "discovery")), None),
                "no jwks_uri in the discovery document",
                None,
            );
            continue;
        };
        let keys = match get_json(&agent, jwks_uri) {
            Ok(j) => j.get("keys").and_then(Value::as_array).cloned().unwrap_or_default(),
            Err(e) => {
                checks.add(
                    SCOPE,
                    Link::Jwks,
                    None,
                    Status::Fail,
                    (Some(side(jwks_uri, "jwks_uri")), None),
                    e,
                    Some("Make jwks_uri reachable with the same CA.".into()),
                );
                continue;
            }
        };
        let kids: Vec<&str> = keys.iter().filter_map(|k| k.get("kid").and_then(Value::as_str)).collect();
        checks.add(
            SCOPE,
            Link::Jwks,
            None,
            if keys.is_empty() { Status::Fail } else { Status::Pass },
            (Some(literal(&kids, jwks_uri)), None),
            if keys.is_empty() { "no keys published: no token can be verified" } else { "signing keys published" },
            keys.is_empty().then(|| "Check the SPIRE server and the OIDC discovery provider pods.".into()),
        );
        let Some(token) = token else { continue };
        // The token is verified against its own issuer's keys; a token whose iss is none of the input's
        // issuers (the iss check already fails) against SpireServer's, which comes last.
        let known = targets.iter().any(|x| Some(x.issuer.as_str()) == token_iss);
        let for_this =
            if known { token_iss == Some(t.issuer.as_str()) } else { std::ptr::eq(t, targets.last().unwrap_or(t)) };
        if !for_this || verified {
            continue;
        }
        verified = true;
        signature(token, &keys, jwks_uri, checks);
    }
}

fn signature(token: &Token, keys: &[Value], jwks_uri: &str, checks: &mut Checks) {
    let kid = token.header.get("kid").and_then(Value::as_str);
    let kids: Vec<&str> = keys.iter().filter_map(|k| k.get("kid").and_then(Value::as_str)).collect();
    let Some(key) = kid.and_then(|kid| keys.iter().find(|k| k.get("kid").and_then(Value::as_str) == Some(kid))) else {
        checks.add(SCOPE, Link::Kid, None, Status::Fail, (Some(literal(kid, "token header kid")), Some(literal(&kids, jwks_uri))),
            "the key that signed this token is not published: it rotated out, or the token comes from another SPIRE server",
            Some("Get a fresh token; if it persists, the spoke trusts another issuer than the one minting the tokens.".into()));
        return;
    };
    checks.add(
        SCOPE,
        Link::Kid,
        None,
        Status::Pass,
        (Some(literal(kid, "token header kid")), Some(literal(&kids, jwks_uri))),
        "the signing key is published",
        None,
    );
    let alg = token.header.get("alg").and_then(Value::as_str).unwrap_or_default();
    let result = verify(token, key, alg);
    let ok = result.as_ref().is_ok_and(|v| *v);
    checks.add(
        SCOPE,
        Link::Signature,
        None,
        if ok { Status::Pass } else { Status::Fail },
        (Some(literal(alg, "token header alg")), Some(literal(kid, jwks_uri))),
        match &result {
            Ok(true) => "verifies with the published key".to_string(),
            Ok(false) => {
                "does not verify with the published key: the token was altered or signed by another key under this kid"
                    .to_string()
            }
            Err(e) => e.clone(),
        },
        (!ok).then(|| {
            "Use the token exactly as the plugin printed it; a key mismatch means two SPIRE servers share a kid.".into()
        }),
    );
}

fn verify(token: &Token, key: &Value, alg: &str) -> Result<bool, String> {
    use std::str::FromStr;
    let alg = jsonwebtoken::Algorithm::from_str(alg)
        .map_err(|_| format!("algorithm {alg:?} is not a JWS signature algorithm Kubernetes accepts"))?;
    if matches!(alg, jsonwebtoken::Algorithm::HS256 | jsonwebtoken::Algorithm::HS384 | jsonwebtoken::Algorithm::HS512) {
        return Err("an HMAC token: Kubernetes accepts only asymmetric signatures".into());
    }
    let jwk: jsonwebtoken::jwk::Jwk = serde_json::from_value(key.clone())
        .map_err(|e| format!("the published key is not a JWK doctor can read: {e}"))?;
    let key =
        jsonwebtoken::DecodingKey::from_jwk(&jwk).map_err(|e| format!("the published key cannot be used: {e}"))?;
    let (message, sig) = token.raw.rsplit_once('.').ok_or("not a JWT")?;
    jsonwebtoken::crypto::verify(sig, message.as_bytes(), &key, alg).map_err(|e| format!("cannot verify: {e}"))
}
