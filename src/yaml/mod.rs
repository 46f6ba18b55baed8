//! Reading and writing YAML: one pass over the input's events with bounded cost, and one emitter for
//! everything we serialise (KRM output and `generate`), safe for YAML 1.1 readers.
//!
//! Why our own: serde_yaml_ng (libyaml) expands aliases with a limit relative to the document's size,
//! spends quadratic time on deep flow nesting before its recursion limit, rejects surrogate-pair escapes
//! and integers wider than 64 bits, and gives no source positions, so pass-through needed a second
//! parse. Here one event stream (a vendored saphyr-parser, see [`saphyr`]) yields the value and every
//! ResourceList item's source span at once, under the limits below. The emitter writes the same block
//! style serde_yaml_ng writes (generated output stays byte-identical) but also quotes every string a
//! YAML 1.1 reader (go-yaml v2 in kubectl, kustomize and Argo CD, PyYAML) would take for something else.

mod emit;
mod read;
pub(crate) mod saphyr;
mod scalar;

pub use emit::{to_string, to_string_of};
pub use read::{from_str, parse, parse_resource_list, ItemSpan, Parsed};
pub use scalar::needs_quotes;
use serde_yaml_ng::Value;

/// The largest input read, in bytes: far above any package (the biggest seen are a few MiB), low
/// enough that the memory bound below stays in reach of a CI runner.
pub const MAX_INPUT_BYTES: usize = 64 << 20;
/// The deepest nesting of collections. Kubernetes objects nest about 20 levels (CRD schemas a few
/// dozen); this is what serde_yaml_ng allowed before, checked per event so the cost stays linear.
pub const MAX_DEPTH: usize = 128;
/// Nodes created by anchors and aliases together (each anchored node is kept once, each alias copies
/// it): an absolute cap, so a small "billion laughs" document stops within about 20 MiB.
pub const MAX_ALIAS_NODES: u64 = 200_000;
/// Items in one ResourceList: ten times the largest package measured in `docs/performance.md`.
pub const MAX_ITEMS: usize = 100_000;

/// Tags a number we read but cannot hold (wider than 64 bits, or a float beyond f64): it keeps its
/// digits and is written back as read, a float's exponent spelled for YAML 1.1 readers too (`1e400`
/// as `1.0e+400`, see `float_1_1`), so an unrelated item never fails a run or changes value.
pub const NUMBER_TAG: &str = "ztwim-gitops.dev/number";

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
