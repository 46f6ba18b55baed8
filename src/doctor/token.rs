//! `--token`: a JWT-SVID's claims, decoded without verifying the signature (`--live` verifies it), and
//! checked against the same contract as the manifests: which spoke it is for, whether that spoke accepts
//! its iss, aud and sub, and whether it is still valid.

use super::checks;
use super::observe::{Management, Spoke};
use super::report::{literal, side, Checks, Link, Status};
use crate::api::exec_credential::{rfc3339, ExecCredential};
use base64::Engine;
use k8s_openapi::jiff::Timestamp;
use serde_json::Value;

/// How far a token's iat may lie in the future before the clocks disagree enough to matter (Kubernetes
/// allows this much skew for nbf/iat).
const CLOCK_SKEW_SECONDS: i64 = 60;

#[derive(Debug, Clone)]
pub struct Token {
    pub raw: String,
    pub header: Value,
    pub claims: Value,
    /// `status.expirationTimestamp`, when the token came in the plugin's ExecCredential.
    pub expiration: Option<String>,
}

impl Token {
    pub fn json(&self) -> Value {
        serde_json::json!({ "header": self.header, "claims": self.claims })
    }
    fn str(&self, claim: &str) -> Option<&str> {
        self.claims.get(claim).and_then(Value::as_str)
    }
    fn int(&self, claim: &str) -> Option<i64> {
        self.claims.get(claim).and_then(|v| v.as_i64().or_else(|| v.as_f64().map(|f| f as i64)))
    }
    /// `aud` is a string or a list of strings.
    pub fn audiences(&self) -> Vec<String> {
        match self.claims.get("aud") {
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(str::to_string).collect(),
            _ => Vec::new(),
        }
    }
}

fn part(segment: &str, what: &str) -> Result<Value, String> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(segment.trim_end_matches('='))
        .map_err(|e| format!("the {what} is not base64url ({e})"))?;
    serde_json::from_slice(&bytes).map_err(|e| format!("the {what} is not JSON ({e})"))
}

/// Accepts the bare JWT or an ExecCredential (YAML or JSON) printed by the plugin, whose status.token it is.
pub fn decode(text: &str) -> Result<Token, String> {
    let text = text.trim();
    let (raw, expiration) = if text.matches('.').count() == 2 && !text.contains(char::is_whitespace) {
        (text.to_string(), None)
    } else {
        let credential: ExecCredential = crate::yaml::from_str(text)
            .ok()
            .and_then(|v| serde_yaml_ng::from_value(v).ok())
            .ok_or("neither a JWT (three base64url parts) nor an ExecCredential")?;
        let status = credential.status.unwrap_or_default();
        let token = status.token.ok_or("an object without status.token; pass the JWT itself")?;
        (token, status.expiration_timestamp)
    };
    let parts: Vec<&str> = raw.split('.').collect();
    let [h, c, _sig] = parts[..] else { return Err("a JWT has three dot-separated parts".into()) };
    let header = part(h, "header")?;
    let claims = part(c, "payload")?;
    if !claims.is_object() {
        return Err("the payload is not a JSON object".into());
    }
    Ok(Token { raw, header, claims, expiration })
}

pub fn check(
    t: &Token,
    m: &Management,
    spokes: &[Spoke],
    pairs: &[(usize, Option<usize>)],
    now: i64,
    checks: &mut Checks,
) {
    let scope = "token";
    let iss = t.str("iss").unwrap_or_default().to_string();
    match &m.issuer {
        Some(i) => {
            let ok = iss == i.value;
            checks.add(
                scope,
                Link::Iss,
                None,
                if ok { Status::Pass } else { Status::Fail },
                (Some(literal(&iss, "token iss")), Some(literal(&i.value, &i.at))),
                if ok {
                    "signed by the issuer the manifests configure"
                } else {
                    "not the issuer SpireServer signs with: a token from another SPIRE, or the jwtIssuer changed"
                },
                (!ok).then(|| {
                    "Get the token from the management cluster's Argo CD pods (the plugin), or fix jwtIssuer.".into()
                }),
            );
        }
        None => checks.add(
            scope,
            Link::Iss,
            None,
            Status::Info,
            (Some(literal(&iss, "token iss")), None),
            "no SpireServer in the input to compare with",
            None,
        ),
    }
    let aud = t.audiences();
    // The spokes this token is for: those whose cluster Secret asks for one of its audiences.
    let mut targets = Vec::new();
    for (si, spoke) in pairs {
        let s = &m.secrets[*si];
        let (a, _, _) = checks::audience(s);
        if aud.contains(&a) {
            targets.push((*si, *spoke));
        }
    }
    let aud_side = Some(literal(&aud, "token aud"));
    if targets.is_empty() {
        let known: Vec<String> =
            m.secrets.iter().map(|s| format!("{}: {:?}", s.cluster_name, checks::audience(s).0)).collect();
        checks.add(
            scope,
            Link::Aud,
            None,
            if m.secrets.is_empty() { Status::Info } else { Status::Fail },
            (aud_side.clone(), Some(literal(&known, "cluster Secrets' audiences (--audience or SPIFFE_JWT_AUDIENCE)"))),
            "no cluster Secret asks for this audience, so no spoke in the input accepts it",
            Some(
                "Get a token with the spoke's audience (its cluster Secret's --audience or SPIFFE_JWT_AUDIENCE)."
                    .into(),
            ),
        );
    }
    let ids: Vec<String> = m
        .argocds
        .iter()
        .flat_map(|a| checks::identities(m, a, &mut Checks::default()))
        .filter_map(|i| i.id.ok())
        .collect();
    let sub = t.str("sub").unwrap_or_default().to_string();
    for (si, spoke) in &targets {
        let s = &m.secrets[*si];
        let Some(spoke) = spoke.map(|i| &spokes[i]) else {
            checks.add(
                scope,
                Link::Aud,
                None,
                Status::Info,
                (aud_side.clone(), Some(side(s.cluster_name.clone(), &s.at))),
                "for this cluster Secret, whose spoke is not in the input",
                None,
            );
            continue;
        };
        for auth in &spoke.authenticators {
            let ok = aud.iter().any(|a| auth.audiences.contains(a));
            checks.add(
                scope,
                Link::Aud,
                None,
                if ok { Status::Pass } else { Status::Fail },
                (aud_side.clone(), Some(literal(&auth.audiences, format!("{} issuer.audiences", auth.at)))),
                if ok {
                    format!("accepted by spoke {}", s.cluster_name)
                } else {
                    format!("spoke {} accepts none of these audiences", s.cluster_name)
                },
                (!ok).then(|| "Align the cluster Secret's audience (--audience or SPIFFE_JWT_AUDIENCE) and the spoke's issuer.audiences.".into()),
            );
            // With a SpireServer in the input, the manifests' issuer link already compares it with issuerURL.
            if auth.issuer_url != iss && m.issuer.is_none() {
                checks.add(
                    scope,
                    Link::Iss,
                    None,
                    Status::Fail,
                    (
                        Some(literal(&iss, "token iss")),
                        Some(literal(&auth.issuer_url, format!("{} issuer.issuerURL", auth.at))),
                    ),
                    format!("spoke {} trusts another issuer", s.cluster_name),
                    Some("Make issuerURL the token's iss exactly.".into()),
                );
            }
            for (claim, value) in &auth.required_claims {
                let got = t.claims.get(claim);
                let ok = got.and_then(Value::as_str) == Some(value.as_str())
                    || got.and_then(Value::as_array).is_some_and(|a| a.iter().any(|x| x.as_str() == Some(value)));
                checks.add(
                    scope,
                    Link::RequiredClaims,
                    None,
                    if ok { Status::Pass } else { Status::Fail },
                    (
                        Some(side(
                            got.map(Value::to_string).unwrap_or_else(|| "absent".into()),
                            format!("token {claim}"),
                        )),
                        Some(literal(value, format!("{} claimValidationRules", auth.at))),
                    ),
                    if ok { "satisfied" } else { "the spoke rejects this token" },
                    (!ok).then(|| "Get the token from the pod whose SPIFFE ID the spoke requires.".into()),
                );
            }
            if auth.username_expression.is_some() {
                checks.add(
                    scope,
                    Link::Sub,
                    None,
                    Status::Info,
                    (Some(literal(&sub, "token sub")), None),
                    "the spoke makes the username with a CEL expression, which doctor cannot evaluate",
                    None,
                );
                continue;
            }
            let username = format!("{}{sub}", auth.username_prefix);
            let bound = spoke.bindings.iter().any(|b| b.users.contains(&username));
            checks.add(
                scope,
                Link::Sub,
                None,
                if bound { Status::Pass } else { Status::Fail },
                (
                    Some(literal(&username, format!("token sub as username ({})", auth.prefix_rule))),
                    Some(side(spoke.bindings.iter().map(|b| b.at.clone()).collect::<Vec<_>>().join(", "), "RBAC")),
                ),
                if bound {
                    format!("a subject of spoke {}'s RBAC", s.cluster_name)
                } else {
                    format!("no binding on spoke {} names this user (403)", s.cluster_name)
                },
                (!bound).then(|| "Bind this user, or get the token from Argo CD's controller or server pod.".into()),
            );
        }
    }
    if !ids.is_empty() && !ids.contains(&sub) {
        checks.add(
            scope,
            Link::Sub,
            None,
            Status::Warn,
            (Some(literal(&sub, "token sub")), Some(literal(&ids, "the IDs Argo CD's pods get"))),
            "not the SPIFFE ID of Argo CD's controller or server: this token came from another workload",
            None,
        );
    }
    let (exp, iat) = (t.int("exp"), t.int("iat"));
    match exp {
        Some(exp) if exp > now => checks.add(scope, Link::Exp, None, Status::Pass, (Some(side(exp.to_string(), "token exp")), Some(side(now.to_string(), "now"))), format!("valid for {} s more", exp - now), None),
        Some(exp) => checks.add(scope, Link::Exp, None, Status::Fail, (Some(side(exp.to_string(), "token exp")), Some(side(now.to_string(), "now"))), format!("expired {} s ago: the spoke answers 401", now - exp),
            Some("Get a fresh token; if Argo CD keeps sending expired ones, the plugin's expirationTimestamp is later than exp (v0.0.6/v0.0.7).".into())),
        None => checks.add(scope, Link::Exp, None, Status::Fail, (None, None), "no exp claim: Kubernetes rejects it", None),
    }
    if let Some(expiration) = &t.expiration {
        expiration_timestamp(expiration, exp, checks);
    }
    if let Some(iat) = iat {
        let ok = iat <= now + CLOCK_SKEW_SECONDS;
        checks.add(
            scope,
            Link::Iat,
            None,
            if ok { Status::Pass } else { Status::Fail },
            (Some(side(iat.to_string(), "token iat")), Some(side(now.to_string(), "now"))),
            if ok {
                "issued in the past".to_string()
            } else {
                format!(
                    "issued {} s in the future: the clocks of SPIRE and this machine (or the spoke) disagree",
                    iat - now
                )
            },
            (!ok).then(|| "Synchronise the clocks (NTP) of the management cluster and the spokes.".into()),
        );
        if let Some(exp) = exp {
            let ttl = exp - iat;
            let status = if ttl <= 0 {
                Status::Fail
            } else if ttl > 86_400 {
                Status::Warn
            } else {
                Status::Pass
            };
            checks.add(
                scope,
                Link::Ttl,
                None,
                status,
                (Some(side(format!("{ttl} s"), "exp - iat")), None),
                match status {
                    Status::Fail => "exp is not after iat",
                    Status::Warn => "longer than a day: not a short-lived SVID",
                    _ => "a short-lived token (SPIRE's default is 300 s)",
                },
                None,
            );
        }
    }
}

/// The ExecCredential's `expirationTimestamp` against the JWT's `exp`: client-go reuses a credential
/// until `expirationTimestamp` with no margin and re-runs the plugin only after a 401 (client-go
/// @32ce75a7, `../shared/reference/upstream-2026-12.md` §3.1), so a later time than `exp` means requests
/// carry a dead token in between. Plugin releases up to v0.0.6 print `exp + (exp − now)/2` (§1.2).
fn expiration_timestamp(expiration: &str, exp: Option<i64>, checks: &mut Checks) {
    let at = "ExecCredential status.expirationTimestamp";
    let Ok(until) = expiration.parse::<Timestamp>() else {
        checks.add(
            "token",
            Link::Expiration,
            None,
            Status::Fail,
            (Some(literal(expiration, at)), None),
            "not an RFC 3339 time: client-go rejects the credential",
            Some("Print expirationTimestamp as RFC 3339, e.g. 2030-03-17T17:51:50Z.".into()),
        );
        return;
    };
    let Some(exp) = exp else { return };
    let sides = (Some(literal(until.to_string(), at)), Some(literal(rfc3339(exp), "token exp")));
    let late = until.as_second() - exp;
    if late > 0 {
        checks.add(
            "token",
            Link::Expiration,
            None,
            Status::Fail,
            sides,
            format!(
                "the ExecCredential is valid until {until}, {late} s after the JWT expires at {}: client-go keeps \
                 sending the dead token until the spoke answers 401, and only then runs the plugin again",
                rfc3339(exp)
            ),
            Some(
                "Use `execAuth.method: builtin` (its helper reports an expiry at least a minute before exp), or a \
                 plugin build whose expirationTimestamp is not later than the token's exp (releases up to v0.0.6 \
                 print exp plus half the lifetime; see the plugin-version check)."
                    .into(),
            ),
        );
    } else {
        checks.add(
            "token",
            Link::Expiration,
            None,
            Status::Pass,
            sides,
            "client-go refreshes the credential before the JWT expires",
            None,
        );
    }
}
