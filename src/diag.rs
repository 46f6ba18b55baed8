//! Problems and notes found along the pipeline, before they become KRM results.
//!
//! Every stage speaks in paths of the structured config (`spec.spokes.1.server`); the pipeline maps them
//! to the form the user actually wrote (a ConfigMap's `data.spokeServer`) and attaches the config's
//! `resourceRef` and `file` in one place.

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
