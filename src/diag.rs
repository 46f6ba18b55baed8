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
}

/// An ordered collection; the order of discovery is kept so output is deterministic and reads like the
/// config from top to bottom.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, severity: Severity, path: impl Into<Option<String>>, message: impl Into<String>) {
        self.0.push(Diagnostic { severity, path: path.into(), message: message.into() });
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
