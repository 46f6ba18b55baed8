//! Problems and notes found along the pipeline, before they become KRM results.
//!
//! Every stage speaks in paths of the structured config (`spec.spokes.1.server`); the pipeline maps them
//! to the form the user actually wrote (a ConfigMap's `data.spokeServer`) and attaches the config's
//! `resourceRef` and `file` in one place.

pub mod locate;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Dotted field path in the structured config, list indexes as numbers; None for whole-input problems.
    pub path: Option<String>,
    /// One or two sentences: what is wrong and how to fix it.
    pub message: String,
    /// The deliberate choice this note states, if the config's `acknowledge` can silence it.
    pub topic: Option<Topic>,
}

/// A deliberate choice a warning or info states; once the config lists it under `acknowledge`, runs stop
/// repeating it. Errors have no topic: they cannot be acknowledged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Topic {
    /// Authentication type OIDC removes a spoke's OAuth login.
    Lockout,
    /// A spoke without `caData`: its API certificate is verified against the system roots.
    ApiServerSystemRoots,
    /// A spoke without `issuerCA`: it fetches the issuer's keys trusting its system store.
    IssuerSystemTrust,
    /// The plugin download is not checksum-verified.
    UnverifiedDownload,
    /// Transformer mode replaces a spoke's existing OIDC provider (OpenShift allows one).
    ReplaceOidcProvider,
    /// The GitOps Subscription makes the operator remove an existing default `openshift-gitops` instance.
    RemoveDefaultInstance,
}

/// An ordered collection; the order of discovery is kept so output is deterministic and reads like the
/// config from top to bottom.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, severity: Severity, path: impl Into<Option<String>>, message: impl Into<String>) {
        self.0.push(Diagnostic { severity, path: path.into(), message: message.into(), topic: None });
    }
    /// A warning or info about a deliberate choice, silenced when the config acknowledges `topic`.
    pub fn note(&mut self, severity: Severity, path: impl Into<String>, topic: Topic, message: impl Into<String>) {
        debug_assert!(severity != Severity::Error, "errors cannot be acknowledged");
        self.0.push(Diagnostic { severity, path: Some(path.into()), message: message.into(), topic: Some(topic) });
    }
    /// Drops the notes whose topic is acknowledged.
    pub fn without(mut self, acknowledged: &std::collections::BTreeSet<Topic>) -> Diagnostics {
        self.0.retain(|d| !d.topic.is_some_and(|t| acknowledged.contains(&t)));
        self
    }
    pub fn error(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.push(Severity::Error, Some(path.into()), message);
    }
    pub fn warning(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.push(Severity::Warning, Some(path.into()), message);
    }
    pub fn info(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.push(Severity::Info, Some(path.into()), message);
    }
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }
}

/// `text` as one terminal line: control characters (C0 such as CR, LF and ESC, DEL, C1) and the Unicode
/// line and paragraph separators are written as escapes (`\n`, `\r`, `\t`, `\u{1b}`), so a key or value
/// holding `"k\nerror: forged"` cannot print a result line no result has, nor move the cursor.
/// A backslash is left as it is: a message may name a Windows path, and an ambiguous `\n` forges
/// nothing. KRM results (structured YAML) keep the exact text; only stderr lines go through here.
pub fn one_line(text: &str) -> std::borrow::Cow<'_, str> {
    let escaped = |c: char| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}');
    // Printable ASCII, the common case, is decided byte by byte without decoding chars.
    if text.bytes().all(|b| (b' '..=b'~').contains(&b)) || !text.contains(escaped) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if escaped(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn one_line_escapes_every_line_break_and_control_character() {
        assert_eq!(one_line("spec.spokes.0: fine, C:\\dir"), "spec.spokes.0: fine, C:\\dir");
        assert_eq!(one_line("k\nerror: forged\r\tx"), "k\\nerror: forged\\r\\tx");
        assert_eq!(
            one_line("\u{1b}[2J\u{7f}\u{85}\u{2028}\u{2029}\0"),
            "\\u{1b}[2J\\u{7f}\\u{85}\\u{2028}\\u{2029}\\u{0}"
        );
        for c in (0..0x20u32).chain(0x7f..0xa0).chain([0x2028, 0x2029]).filter_map(char::from_u32) {
            assert!(!one_line(&format!("a{c}b")).contains(c), "{:x}", c as u32);
        }
    }
}
