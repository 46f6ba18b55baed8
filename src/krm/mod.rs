//! Stage 1 and 6: the KRM ResourceList wire format. Reading accepts any `config.kubernetes.io/*`
//! apiVersion, YAML or JSON; writing always produces `config.kubernetes.io/v1` in block-style YAML,
//! because kpt writes a function's node style straight into the package files.

use crate::diag::Severity;
use serde::Serialize;
use serde_yaml_ng::{Mapping, Value};

mod passthrough;
mod read;
mod write;

pub use passthrough::{item_text, push_entry, write_entry};
pub use read::{parse, strip_bom, ITEMS, MAX_ITEMS};
pub use write::{write, Emit};

pub const OUTPUT_API_VERSION: &str = "config.kubernetes.io/v1";
pub const PATH_ANNOTATION: &str = "internal.config.kubernetes.io/path";
pub const LEGACY_PATH_ANNOTATION: &str = "config.kubernetes.io/path";
pub const INDEX_ANNOTATION: &str = "internal.config.kubernetes.io/index";
pub const LEGACY_INDEX_ANNOTATION: &str = "config.kubernetes.io/index";

/// A parsed input ResourceList. Items are kept as parsed values; their source text stays in `source`
/// and `spans` for callers that copy items verbatim.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceList<'a> {
    pub items: Vec<Value>,
    /// None when absent or null.
    pub function_config: Option<Value>,
    /// The input text (borrowed: a package is not copied).
    pub source: &'a str,
    /// Where each item sits in `source`, one per item; None when the items cannot be copied (a flow
    /// `items: [...]`, as JSON input has).
    pub spans: Option<Vec<crate::yaml::ItemSpan>>,
}

impl<'a> ResourceList<'a> {
    /// How item `i` is written: from its source span when it has one it can be cut at, else its value.
    pub fn emit(&self, i: usize) -> Emit<'_> {
        match self.spans.as_ref().and_then(|s| s.get(i)).filter(|s| s.self_contained) {
            Some(span) => Emit::Source { source: self.source, span, value: &self.items[i] },
            None => Emit::Value(&self.items[i]),
        }
    }

    /// Item `i`'s source text, when it can be copied verbatim (see [`crate::krm::item_text`]).
    pub fn item_text(&self, i: usize) -> Option<String> {
        crate::krm::item_text(self.source, self.spans.as_ref()?.get(i)?)
    }

    /// Reads back the full value of every item cut down to its metadata (see [`ITEMS`]) that has the
    /// kind and name of one of `objects`: the only items a generated object can patch. Each is read
    /// again from its own text; one whose text does not read alone is taken from the whole input read
    /// again without skipping (found by review: a quoted scalar's under-indented line `--- x` is a
    /// document marker once the item is moved to column 0). An item that cannot be read either way is
    /// an error naming it, never left cut down: patching the cut-down item would write it without its
    /// other fields.
    pub fn hydrate<'v>(&mut self, objects: impl IntoIterator<Item = (&'v str, &'v str)>) -> Result<(), String> {
        let wanted: std::collections::BTreeSet<(&str, &str)> = objects.into_iter().collect();
        let Some(spans) = self.spans.as_mut() else { return Ok(()) };
        let mut whole: Option<Result<Vec<Value>, String>> = None;
        for (i, span) in spans.iter_mut().enumerate() {
            if !span.skeleton || !wanted.contains(&kind_and_name(&self.items[i])) {
                continue;
            }
            let alone = crate::krm::item_text(self.source, span).and_then(|t| crate::yaml::from_str(&t).ok());
            let full = match alone {
                Some(full) => full,
                None => match whole.get_or_insert_with(|| read_whole(self.source)) {
                    Ok(items) if items.len() == self.items.len() => std::mem::take(&mut items[i]),
                    Ok(_) => return Err(unreadable(&self.items[i], "the input read whole has other items")),
                    Err(e) => return Err(unreadable(&self.items[i], e)),
                },
            };
            self.items[i] = full;
            span.skeleton = false;
        }
        Ok(())
    }
}

/// The items of the input read again as [`parse`] reads them, nothing skipped.
fn read_whole(source: &str) -> Result<Vec<Value>, String> {
    read::read(source.as_bytes(), &crate::yaml::Items { keep: None, ..ITEMS }).map(|list| list.items)
}

/// Why an item a generated object patches cannot be read again (a defect: the whole input was read
/// once already).
fn unreadable(item: &Value, why: &str) -> String {
    let (kind, name) = kind_and_name(item);
    format!(
        "internal error: ResourceList item {kind} {name} could not be read again to patch it ({why}); nothing was changed. Please report this with the input."
    )
}

fn kind_and_name(object: &Value) -> (&str, &str) {
    (text(object.get("kind")), text(object.get("metadata").and_then(|m| m.get("name"))))
}

/// A field's string, borrowed; empty when it is absent or not a string (how identity keys treat both).
pub fn text(v: Option<&Value>) -> &str {
    v.and_then(Value::as_str).unwrap_or_default()
}

/// A KRM function result, as the functions spec defines it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KrmResult {
    pub message: String,
    pub severity: Severity,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_ref: Option<ResourceRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<Field>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<FileRef>,
    /// Where in `file` the field is written. The results spec has no line field and `file` only `path`
    /// and `index`, so the position goes in `tags` (`map[string]string` in the spec), which kpt keeps
    /// in `--results-dir`; only known when the config's own text was read (`generate -c`), not for a
    /// functionConfig the orchestrator re-serialised.
    #[serde(rename = "tags", skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
}

/// A line and column, both from 1, as the `line` and `column` tags of a result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Serialize for Position {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(2))?;
        map.serialize_entry("line", &self.line.to_string())?;
        map.serialize_entry("column", &self.column.to_string())?;
        map.end()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceRef {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    pub path: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileRef {
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<u64>,
}

impl KrmResult {
    /// An error about the input as a whole (no config to point at).
    pub fn input_error(message: impl Into<String>) -> KrmResult {
        KrmResult {
            message: message.into(),
            severity: Severity::Error,
            resource_ref: None,
            field: None,
            file: None,
            position: None,
        }
    }
    /// The stderr line for this result: `field.path: message`, after `file:line:column: ` when the
    /// position is known, the form editors and terminals turn into a link to the line. One line
    /// whatever the input held: control characters in keys, values and paths are escaped
    /// ([`crate::diag::one_line`]); the result itself keeps the exact text.
    pub fn human_line(&self) -> String {
        let mut line = String::with_capacity(self.message.len() + 64);
        if let (Some(file), Some(Position { line: n, column })) = (&self.file, self.position) {
            use std::fmt::Write;
            let _ = write!(line, "{}:{n}:{column}: ", file.path);
        }
        if let Some(f) = &self.field {
            line.push_str(&f.path);
            line.push_str(": ");
        }
        line.push_str(&self.message);
        match crate::diag::one_line(&line) {
            std::borrow::Cow::Borrowed(_) => line,
            std::borrow::Cow::Owned(escaped) => escaped,
        }
    }
}

/// The annotations of an object, if it has any.
pub fn annotations(object: &Value) -> Option<&Mapping> {
    object.get("metadata")?.get("annotations")?.as_mapping()
}

pub fn annotation<'a>(object: &'a Value, key: &str) -> Option<&'a str> {
    annotations(object)?.get(key)?.as_str()
}

/// The item's file in the package, from the current annotation or the legacy one older orchestrators send.
pub fn item_path(object: &Value) -> Option<&str> {
    annotation(object, PATH_ANNOTATION).or_else(|| annotation(object, LEGACY_PATH_ANNOTATION))
}

/// The item's position in its file, from the current annotation or the legacy one.
pub fn item_index(object: &Value) -> Option<&str> {
    annotation(object, INDEX_ANNOTATION).or_else(|| annotation(object, LEGACY_INDEX_ANNOTATION))
}

/// Sets an annotation, creating `metadata.annotations` when needed.
pub fn set_annotation(object: &mut Value, key: &str, value: &str) {
    set_annotations(object, [(key, value)]);
}

/// Sets several annotations in order, finding (or creating) `metadata.annotations` once: every step
/// into a `Value` map hashes its key, and a generated object gets six of ours.
pub fn set_annotations<'a>(object: &mut Value, pairs: impl IntoIterator<Item = (&'a str, &'a str)>) {
    let Some(obj) = object.as_mapping_mut() else { return };
    let meta = obj.entry("metadata".into()).or_insert_with(|| Value::Mapping(Mapping::new()));
    let Some(meta) = meta.as_mapping_mut() else { return };
    let ann = meta.entry("annotations".into()).or_insert_with(|| Value::Mapping(Mapping::new()));
    if let Some(ann) = ann.as_mapping_mut() {
        for (key, value) in pairs {
            ann.insert(key.into(), value.into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_item_is_read_again_whole_or_it_is_an_error_never_patched_cut_down() {
        let input = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n  data: {k: v}\n";
        let list = parse(input.as_bytes()).unwrap();
        assert!(list.spans.as_ref().unwrap()[0].skeleton);
        assert_eq!(list.items[0].get("data"), None, "read cut down to its metadata");
        for text_reads_alone in [true, false] {
            let mut list = list.clone();
            // A span that cannot be cut: the item comes from the whole input read again.
            list.spans.as_mut().unwrap()[0].self_contained = text_reads_alone;
            list.hydrate([("ConfigMap", "a")]).unwrap();
            assert_eq!(list.items[0]["data"]["k"], "v");
            assert!(!list.spans.as_ref().unwrap()[0].skeleton);
        }
        // What only a defect could leave: neither its text nor the input gives the item.
        let mut broken = list.clone();
        broken.spans.as_mut().unwrap()[0].self_contained = false;
        broken.source = "items: []";
        let e = broken.hydrate([("ConfigMap", "a")]).unwrap_err();
        assert!(e.starts_with("internal error: ResourceList item ConfigMap a could not be read again"), "{e}");
        assert_eq!(broken.items[0].get("data"), None);
    }
}
