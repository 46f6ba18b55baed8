//! Writing the output ResourceList: items copied or serialised, the echoed functionConfig, results.

use super::{KrmResult, OUTPUT_API_VERSION};
use serde_yaml_ng::Value;

/// One output item: source text copied verbatim (see [`crate::krm::passthrough`]) or a value we serialise.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Emit<'a> {
    Verbatim(&'a str),
    /// An input item written straight from its span; `value` is serialised if the span cannot be cut.
    Source {
        source: &'a str,
        span: &'a crate::yaml::ItemSpan,
        value: &'a Value,
    },
    Value(&'a Value),
    /// A generated object.
    Tree(&'a crate::yaml::Tree),
}

/// Writes the output ResourceList in block-style YAML: `apiVersion`, `kind`, `items`, the input's
/// `functionConfig` echoed when it had one, then `results` — the keys and order of kyaml's writer
/// (`kio.ByteWriter.Write`, kubernetes-sigs/kustomize@03933984c2f6021ee1f892f617b2536538740570
/// `kyaml/kio/byteio_writer.go`, which `framework.Execute` gives the functionConfig it read), so a pipe
/// of two runs (`fn < in | fn`) configures the second as the first. The functionConfig is serialised
/// by our emitter, as kyaml re-encodes it; orchestrators (kpt, kustomize) ignore it on output.
pub fn write(items: &[Emit<'_>], function_config: Option<&Value>, results: &[KrmResult]) -> String {
    // Sized up front: growing a package-sized string by doubling copies it and faults its pages in
    // again each time.
    let size: usize = items
        .iter()
        .map(|item| match item {
            Emit::Source { span, .. } => span.end - span.start + 16,
            Emit::Verbatim(text) => text.len() + 16,
            Emit::Value(_) | Emit::Tree(_) => 1024,
        })
        .sum();
    let mut out = String::with_capacity(size + 4096);
    out.push_str(&format!("apiVersion: {OUTPUT_API_VERSION}\nkind: ResourceList\n"));
    out.push_str(if items.is_empty() { "items: []\n" } else { "items:\n" });
    for item in items {
        match item {
            Emit::Verbatim(text) => crate::krm::push_entry(&mut out, text.lines()),
            Emit::Source { source, span, value } => {
                if !crate::krm::write_entry(&mut out, source, span) {
                    push_value(&mut out, value);
                }
            }
            Emit::Value(value) => push_value(&mut out, value),
            Emit::Tree(tree) => {
                if !crate::yaml::write_tree_entry(&mut out, tree) {
                    push_value(&mut out, &tree.to_value());
                }
            }
        }
    }
    if let Some(config) = function_config {
        crate::yaml::write_field(&mut out, "functionConfig", config);
    }
    if !results.is_empty() {
        crate::yaml::write_field_of(&mut out, "results", &results);
    }
    out
}

/// An item we serialise: an object (a map) straight into the list, anything else through its own text.
fn push_value(out: &mut String, value: &Value) {
    if !crate::yaml::write_entry(out, value) {
        crate::krm::push_entry(out, crate::yaml::to_string(value).lines());
    }
}
