//! Reading and writing YAML: one pass over the input's events with bounded cost, and one emitter for
//! everything we serialise (KRM output and `generate`), safe for YAML 1.1 readers.
//!
//! Why our own: serde_yaml_ng (libyaml) expands aliases with a limit relative to the document's size,
//! spends quadratic time on deep flow nesting before its recursion limit, rejects surrogate-pair escapes
//! and integers wider than 64 bits, and gives no source positions, so pass-through needed a second
//! parse. Here one event stream (saphyr-parser with our patches, `vendor/saphyr-parser/`) yields the value and, under a
//! caller's [`Items`] policy (`crate::krm::ITEMS` for a ResourceList), every item's source span at once,
//! under the limits below. Every reader of YAML values in the crate comes here, the doctor's manifests
//! included ([`parse_stream`]); the one other user of the parser, `diag::locate`, walks the events of a
//! config this reader has already accepted, only for the line and column of a field. By job: `read.rs` the reader, `scalar.rs` the scalar rules, `emit.rs`
//! the emitter (`ser.rs` its serde front), `tree.rs` the generated objects' ordered [`Tree`]; a problem is an [`Error`] whose kind callers branch on. The emitter writes the same block
//! style serde_yaml_ng writes (generated output stays byte-identical) but also quotes every string a
//! YAML 1.1 reader (go-yaml v2 in kubectl, kustomize and Argo CD, PyYAML) would take for something else.

mod emit;
mod read;
mod scalar;
mod ser;
mod tree;

pub use emit::{
    to_string, to_string_of, tree_to_string, write_entry, write_field, write_field_of, write_to, write_tree,
    write_tree_entry,
};
pub use read::{from_str, parse, parse_items, parse_stream, Documents, ItemSpan, Items, Parsed};
pub use scalar::needs_quotes;
use serde_yaml_ng::Value;
pub use tree::Tree;

/// The largest input read, in bytes: far above any package (the biggest seen are a few MiB), low
/// enough that the memory bound below stays in reach of a CI runner.
pub const MAX_INPUT_BYTES: usize = 64 << 20;
/// The deepest nesting of collections. Kubernetes objects nest about 20 levels (CRD schemas a few
/// dozen); this is what serde_yaml_ng allowed before, checked per event so the cost stays linear.
pub const MAX_DEPTH: usize = 128;
// The vendored scanner stops flow nesting itself, with the same message (vendor/saphyr-parser/patches/0006).
const _: () = assert!(saphyr_parser::MAX_FLOW_LEVEL == MAX_DEPTH);
/// Nodes created by anchors and aliases together (each anchored node is kept once, each alias copies
/// it): an absolute cap, so a small "billion laughs" document stops within about 20 MiB.
pub const MAX_ALIAS_NODES: u64 = 200_000;

/// Tags a number we read but cannot hold (wider than 64 bits, or a float beyond f64): it keeps its
/// digits and is written back as read, a float's exponent spelled for YAML 1.1 readers too (`1e400`
/// as `1.0e+400`, see `float_1_1`), so an unrelated item never fails a run or changes value.
pub const NUMBER_TAG: &str = "ztwim-gitops.dev/number";

/// Why a text could not be read: what went wrong ([`ErrorKind`]) and where, with a sentence naming
/// both (the [`Display`](std::fmt::Display) form users see).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub kind: ErrorKind,
    /// Line and column, both from 1; None for the input as a whole (its size).
    pub at: Option<(usize, usize)>,
    message: String,
}

/// The kinds of [`Error`]: callers decide by these, never by the message's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Not YAML: the parser's own message.
    Syntax,
    /// Past one of the reader's limits.
    Limit(Limit),
    /// A key written twice in one mapping.
    Duplicate,
    /// An alias to no anchor defined before it.
    UnknownAlias,
    /// A second document where one is read.
    SecondDocument,
    /// The input uses [`NUMBER_TAG`], which marks numbers kept as written.
    ReservedTag,
}

/// The reader's limits, each a bound on time or memory whatever the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// [`MAX_INPUT_BYTES`].
    InputBytes,
    /// [`MAX_DEPTH`].
    Depth,
    /// [`MAX_ALIAS_NODES`].
    AliasNodes,
    /// The caller's [`Items::max`].
    Items,
}

impl Error {
    fn new(kind: ErrorKind, message: String, at: Option<&saphyr_parser::Marker>) -> Error {
        Error { kind, at: at.map(|m| (m.line(), m.col() + 1)), message }
    }

    fn syntax(message: String, at: Option<&saphyr_parser::Marker>) -> Error {
        Error::new(ErrorKind::Syntax, message, at)
    }

    /// A parser error. The scanner checks the depth limit itself on flow collections (it reads a line
    /// of `[` ahead of the events), with the reader's message: that one is a limit too.
    fn scan(e: &saphyr_parser::ScanError) -> Error {
        let kind = if e.info().starts_with("collections nest deeper than the limit of") {
            ErrorKind::Limit(Limit::Depth)
        } else {
            ErrorKind::Syntax
        };
        // Formatted here, not by the crate's `Display`, so the sentence stays ours whatever the vendored
        // crate's wording of positions is.
        Error::new(kind, format!("{} at {}", e.info(), read::at(e.marker())), Some(e.marker()))
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// Lays `overlay` over `base`: maps merge key by key, keeping `base`'s key order and appending new keys;
/// anything else in `overlay` (scalars, lists, null) replaces what `base` has. One rule for both overlays
/// this tool makes: `argocdSpec` over the generated ArgoCD spec, and generated fields over a base's item.
pub fn merge(base: &mut Value, overlay: Value) {
    match (base, overlay) {
        (Value::Mapping(base), Value::Mapping(overlay)) => {
            for (k, v) in overlay {
                match base.get_mut(&k) {
                    Some(old) => merge(old, v),
                    None => {
                        base.insert(k, v);
                    }
                }
            }
        }
        (base, overlay) => *base = overlay,
    }
}

#[cfg(test)]
mod tests;

/// The YAML type of a value, for messages.
pub fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Sequence(_) => "list",
        Value::Mapping(_) => "map",
        Value::Tagged(_) => "tagged value",
    }
}
