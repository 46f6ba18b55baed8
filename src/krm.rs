//! Stage 1 and 6: the KRM ResourceList wire format. Reading accepts any `config.kubernetes.io/*`
//! apiVersion, YAML or JSON; writing always produces `config.kubernetes.io/v1` in block-style YAML,
//! because kpt writes a function's node style straight into the package files.

use crate::diag::Severity;
use serde::Serialize;
use serde_yaml_ng::{Mapping, Value};

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

    /// Item `i`'s source text, when it can be copied verbatim (see [`crate::source::item_text`]).
    pub fn item_text(&self, i: usize) -> Option<String> {
        crate::source::item_text(self.source, self.spans.as_ref()?.get(i)?)
    }

    /// Reads back the full value of every item cut down to its metadata (see
    /// [`crate::yaml::parse_resource_list`]) that has the kind and name of one of `objects`: the only
    /// items a generated object can patch. Each is one standalone document, read once more.
    pub fn hydrate<'v>(&mut self, objects: impl IntoIterator<Item = &'v Value>) {
        let wanted: std::collections::BTreeSet<(&str, &str)> = objects.into_iter().map(kind_and_name).collect();
        let Some(spans) = self.spans.as_mut() else { return };
        for (i, span) in spans.iter_mut().enumerate() {
            if !span.skeleton || !wanted.contains(&kind_and_name(&self.items[i])) {
                continue;
            }
            let full = crate::source::item_text(self.source, span).and_then(|t| crate::yaml::from_str(&t).ok());
            if let Some(full) = full {
                self.items[i] = full;
                span.skeleton = false;
            }
        }
    }
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
        let at = match (&self.file, self.position) {
            (Some(file), Some(Position { line, column })) => format!("{}:{line}:{column}: ", file.path),
            _ => String::new(),
        };
        let line = match &self.field {
            Some(f) => format!("{at}{}: {}", f.path, self.message),
            None => format!("{at}{}", self.message),
        };
        crate::diag::one_line(&line).into_owned()
    }
}

/// Parses a ResourceList from stdin bytes. The error is a sentence for a result and stderr.
pub fn parse(input: &[u8]) -> Result<ResourceList<'_>, String> {
    if input.len() > crate::yaml::MAX_INPUT_BYTES {
        return Err(format!(
            "input exceeds a limit: it is {} bytes, more than the limit of {} bytes (64 MiB); split the package.",
            input.len(),
            crate::yaml::MAX_INPUT_BYTES
        ));
    }
    let text = std::str::from_utf8(input).map_err(|e| {
        format!(
            "input is not UTF-8 (invalid byte at offset {}); a ResourceList must be UTF-8 YAML or JSON.",
            e.valid_up_to()
        )
    })?;
    let text = strip_bom(text);
    if text.trim().is_empty() {
        return Err("input is empty; expected a ResourceList (kind: ResourceList) on stdin. To run without an orchestrator, use `ztwim-gitops generate -c CONFIG`.".into());
    }
    let parsed = crate::yaml::parse_resource_list(text).map_err(|e| {
        if e.contains("the limit of") {
            format!("input exceeds a limit: {e}.")
        } else {
            format!("input is not valid YAML or JSON: {e}.")
        }
    })?;
    let value = parsed.value;
    let Value::Mapping(mut map) = value else {
        return Err("input is not a ResourceList: expected a map with `kind: ResourceList`.".into());
    };
    let api_version = map.get("apiVersion").and_then(Value::as_str).unwrap_or_default();
    let kind = map.get("kind").and_then(Value::as_str).unwrap_or_default();
    if kind != "ResourceList" || !api_version.starts_with("config.kubernetes.io/") {
        return Err(format!(
            "input is not a ResourceList (got apiVersion `{api_version}`, kind `{kind}`); expected apiVersion config.kubernetes.io/v1, kind ResourceList. To run on a bare config file, use `ztwim-gitops generate -c FILE`."
        ));
    }
    let items = match map.remove("items") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Sequence(items)) => items,
        Some(other) => {
            return Err(format!(
                "ResourceList `items` must be a list of objects, not a {}.",
                crate::config::kind_of(&other)
            ))
        }
    };
    if let Some((i, item)) = items.iter().enumerate().find(|(_, item)| !item.is_mapping()) {
        return Err(format!(
            "ResourceList item {i} is a {}, not an object; every item must be a KRM object with apiVersion and kind.",
            crate::config::kind_of(item)
        ));
    }
    let function_config = map.remove("functionConfig").filter(|v| !v.is_null());
    let spans = parsed.items.filter(|s| s.len() == items.len());
    Ok(ResourceList { items, function_config, source: text, spans })
}

/// Drops a leading UTF-8 byte order mark (editors on Windows write one; YAML allows it), which the YAML
/// parser otherwise takes for the start of a second document.
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
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
    let Some(obj) = object.as_mapping_mut() else { return };
    let meta = obj.entry("metadata".into()).or_insert_with(|| Value::Mapping(Mapping::new()));
    let Some(meta) = meta.as_mapping_mut() else { return };
    let ann = meta.entry("annotations".into()).or_insert_with(|| Value::Mapping(Mapping::new()));
    if let Some(ann) = ann.as_mapping_mut() {
        ann.insert(key.into(), value.into());
    }
}

/// One output item: source text copied verbatim (see [`crate::source`]) or a value we serialise.
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
}

#[derive(Serialize)]
struct Results<'a> {
    results: &'a [KrmResult],
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
            Emit::Value(_) => 1024,
        })
        .sum();
    let mut out = String::with_capacity(size + 4096);
    out.push_str(&format!("apiVersion: {OUTPUT_API_VERSION}\nkind: ResourceList\n"));
    out.push_str(if items.is_empty() { "items: []\n" } else { "items:\n" });
    for item in items {
        match item {
            Emit::Verbatim(text) => crate::source::push_entry(&mut out, text.lines()),
            Emit::Source { source, span, value } => {
                if !crate::source::write_entry(&mut out, source, span) {
                    crate::source::push_entry(&mut out, crate::yaml::to_string(value).lines());
                }
            }
            Emit::Value(value) => crate::source::push_entry(&mut out, crate::yaml::to_string(value).lines()),
        }
    }
    if let Some(config) = function_config {
        let mut echo = Mapping::new();
        echo.insert("functionConfig".into(), config.clone());
        out.push_str(&crate::yaml::to_string(&Value::Mapping(echo)));
    }
    if !results.is_empty() {
        out.push_str(&crate::yaml::to_string_of(&Results { results }));
    }
    out
}
