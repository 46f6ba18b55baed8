//! The report: one line per link with both values side by side, and the same checks as JSON. Order is the
//! order the checks ran in, which depends only on the input, so the same input gives the same bytes.

use crate::cli::Verbosity;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    /// Works today but is known to cause 401s or to break later; never changes the exit code.
    Warn,
    /// Could not be checked from this input: never a pass.
    Info,
    Fail,
}

impl Status {
    fn symbol(self) -> &'static str {
        match self {
            Status::Pass => "✓",
            Status::Warn => "!",
            Status::Info => "i",
            Status::Fail => "✗",
        }
    }
}

/// What a check is about: a link of the trust chain, or the input, token or live step it comes from. The
/// names are the report's schema (`--output json` carries them as `link`; the README's link table
/// explains each), so they are an enum and written once, in [`Link::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    Argocd,
    Aud,
    Audience,
    Authentication,
    Binary,
    Ca,
    CaFile,
    Coverage,
    CsiVolume,
    Decode,
    Discovery,
    ExecApiVersion,
    Exp,
    Expiration,
    Iat,
    Iss,
    Issuer,
    IssuerDiscovery,
    IssuerForm,
    Jwks,
    Kid,
    Namespace,
    Object,
    Pairing,
    PluginVersion,
    Rbac,
    Read,
    RequiredClaims,
    Secret,
    Server,
    Signature,
    Socket,
    SpiffeId,
    Sub,
    TrustDomain,
    Ttl,
    Username,
}

impl Link {
    pub fn as_str(self) -> &'static str {
        match self {
            Link::Argocd => "argocd",
            Link::Aud => "aud",
            Link::Audience => "audience",
            Link::Authentication => "authentication",
            Link::Binary => "binary",
            Link::Ca => "ca",
            Link::CaFile => "ca-file",
            Link::Coverage => "coverage",
            Link::CsiVolume => "csi-volume",
            Link::Decode => "decode",
            Link::Discovery => "discovery",
            Link::ExecApiVersion => "exec-api-version",
            Link::Exp => "exp",
            Link::Expiration => "expiration",
            Link::Iat => "iat",
            Link::Iss => "iss",
            Link::Issuer => "issuer",
            Link::IssuerDiscovery => "issuer-discovery",
            Link::IssuerForm => "issuer-form",
            Link::Jwks => "jwks",
            Link::Kid => "kid",
            Link::Namespace => "namespace",
            Link::Object => "object",
            Link::Pairing => "pairing",
            Link::PluginVersion => "plugin-version",
            Link::Rbac => "rbac",
            Link::Read => "read",
            Link::RequiredClaims => "required-claims",
            Link::Secret => "secret",
            Link::Server => "server",
            Link::Signature => "signature",
            Link::Socket => "socket",
            Link::SpiffeId => "spiffe-id",
            Link::Sub => "sub",
            Link::TrustDomain => "trust-domain",
            Link::Ttl => "ttl",
            Link::Username => "username",
        }
    }
}

impl Serialize for Link {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// One compared value and where it was read.
#[derive(Debug, Clone, Serialize)]
pub struct Side {
    /// A value read from the input (a string, a list, a number), as JSON carries it; or, for a side
    /// that only describes where a value would come from (`inline PEM`), that text.
    pub value: serde_json::Value,
    pub at: String,
    /// The text report quotes a value (a trailing `/` or a space must be visible) but not a description.
    #[serde(skip)]
    quoted: bool,
}

impl Side {
    /// The value as the text report shows it: strings quoted and escaped, lists in brackets.
    pub fn shown(&self) -> String {
        fn show(v: &serde_json::Value) -> String {
            match v {
                serde_json::Value::String(s) => format!("{s:?}"),
                serde_json::Value::Array(items) => {
                    format!("[{}]", items.iter().map(show).collect::<Vec<_>>().join(", "))
                }
                other => other.to_string(),
            }
        }
        match (&self.value, self.quoted) {
            (serde_json::Value::String(s), false) => s.clone(),
            (v, _) => show(v),
        }
    }
}

/// A side that describes (`system trust store`, `2 PEM certificate(s)`): shown as it is.
pub fn side(text: impl Into<String>, at: impl Into<String>) -> Side {
    Side { value: serde_json::Value::String(text.into()), at: at.into(), quoted: false }
}

/// A side holding a value read from the input or a token: JSON carries the value itself (`"v0.0.7"`,
/// never `"\"v0.0.7\""`), the text report quotes it.
pub fn literal(value: impl Serialize, at: impl Into<String>) -> Side {
    let value = serde_json::to_value(value).unwrap_or(serde_json::Value::Null);
    Side { value, at: at.into(), quoted: true }
}

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// `management`, the cluster Secret's cluster name, `spoke/<name>`, `input`, `token` or `live`.
    pub scope: String,
    /// A stable name: `issuer`, `audience`, `socket`, … (README lists them).
    pub link: Link,
    /// `server` or `controller` for links that hold per Argo CD component.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub component: Option<&'static str>,
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub left: Option<Side>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub right: Option<Side>,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

/// Collects checks; the builder methods keep each check site to one expression.
#[derive(Debug, Default)]
pub struct Checks {
    pub list: Vec<Check>,
}

impl Checks {
    /// Positional on purpose: every call site then reads as one row (where, which link, verdict, the two
    /// values, why, fix), and a struct literal per check would bury that row in field names.
    #[allow(clippy::too_many_arguments)]
    pub fn add(
        &mut self,
        scope: &str,
        link: Link,
        component: Option<&'static str>,
        status: Status,
        sides: (Option<Side>, Option<Side>),
        message: impl Into<String>,
        fix: Option<String>,
    ) {
        let (left, right) = sides;
        self.list.push(Check {
            scope: scope.into(),
            link,
            component,
            status,
            left,
            right,
            message: message.into(),
            fix,
        });
    }
    pub fn failed(&self) -> bool {
        self.list.iter().any(|c| c.status == Status::Fail)
    }
}

#[derive(Debug, Serialize)]
pub struct Summary {
    pub pass: usize,
    pub fail: usize,
    pub warn: usize,
    pub info: usize,
}

#[derive(Debug, Serialize)]
pub struct Report<'a> {
    pub summary: Summary,
    pub checks: &'a [Check],
    /// The token's header and claims, decoded (never verified unless `--live`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<&'a serde_json::Value>,
}

pub fn summary(checks: &[Check]) -> Summary {
    let n = |s: Status| checks.iter().filter(|c| c.status == s).count();
    Summary { pass: n(Status::Pass), fail: n(Status::Fail), warn: n(Status::Warn), info: n(Status::Info) }
}

pub fn json(checks: &[Check], token: Option<&serde_json::Value>) -> String {
    let report = Report { summary: summary(checks), checks, token };
    serde_json::to_string_pretty(&report).expect("the report serialises") + "\n"
}

/// `✗ spoke-a audience: "x" (Secret …) ≠ ["y"] (Authentication …) — message. Fix: …`
///
/// `-q` prints the failures only, the default adds warnings and infos (what could not be checked), `-v`
/// adds the passes too; the summary always counts them all, and says how many lines were left out.
pub fn human(checks: &[Check], token: Option<&serde_json::Value>, verbosity: Verbosity) -> String {
    let mut out = String::new();
    if let Some(token) = token {
        out.push_str("token (decoded, not verified):\n");
        for line in serde_json::to_string_pretty(token).unwrap_or_default().lines() {
            out.push_str("  ");
            out.push_str(line);
            out.push('\n');
        }
    }
    let shown = |status: Status| match verbosity {
        Verbosity::Quiet => status == Status::Fail,
        Verbosity::Normal => status != Status::Pass,
        Verbosity::Verbose => true,
    };
    for c in checks.iter().filter(|c| shown(c.status)) {
        let link = match c.component {
            Some(component) => format!("{}[{component}]", c.link.as_str()),
            None => c.link.as_str().to_string(),
        };
        let mut line = format!("{} {} {link}: ", c.status.symbol(), c.scope);
        match (&c.left, &c.right) {
            (Some(l), Some(r)) => {
                let op = if c.status == Status::Fail { "≠" } else { "vs" };
                line.push_str(&format!("{} ({}) {op} {} ({}) — ", l.shown(), l.at, r.shown(), r.at));
            }
            (Some(l), None) => line.push_str(&format!("{} ({}) — ", l.shown(), l.at)),
            _ => {}
        }
        line.push_str(&c.message);
        if let Some(fix) = &c.fix {
            line.push_str(" Fix: ");
            line.push_str(fix);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let s = summary(checks);
    out.push_str(&format!(
        "summary: {} pass, {} fail, {} warn, {} info (not checkable)\n",
        s.pass, s.fail, s.warn, s.info
    ));
    let hidden = checks.iter().filter(|c| !shown(c.status)).count();
    if hidden > 0 {
        let more = if verbosity == Verbosity::Quiet { "without -q" } else { "with -v" };
        out.push_str(&format!("note: {hidden} lines not shown; run {more} to see them\n"));
    }
    out
}
