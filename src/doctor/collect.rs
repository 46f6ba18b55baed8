//! Reading the input: any mix of files, directories and stdin, each a multi-document YAML (or JSON)
//! stream, with `List` kinds (`oc get … -o yaml`) and ResourceLists (a kpt pipe) unpacked. Nothing here
//! knows what the objects mean; it only says where each came from and which cluster it is marked for.

use crate::krm::{LEGACY_PATH_ANNOTATION, PATH_ANNOTATION};
use crate::model::TARGET_ANNOTATION;
pub use crate::observed::Object;
use serde_json::Value;
use std::io::Read;
use std::path::{Path, PathBuf};

/// kpt's file annotations, on the items of a ResourceList.
const KPT_PATH_ANNOTATIONS: [&str; 2] = [PATH_ANNOTATION, LEGACY_PATH_ANNOTATION];

/// What the input held: the objects, and every document that could not be read (each is a failed check:
/// a typo there may be exactly why the spoke says 401).
#[derive(Debug, Default)]
pub struct Input {
    pub objects: Vec<Object>,
    pub errors: Vec<String>,
}

/// Reads every path: `-` is stdin, a directory is walked for `*.yaml`, `*.yml` and `*.json` in sorted
/// order (deterministic reports), anything else is read as one file.
pub fn read(paths: &[PathBuf]) -> Input {
    let mut input = Input::default();
    for path in paths {
        if path.as_os_str() == "-" {
            let mut text = String::new();
            match std::io::stdin().read_to_string(&mut text) {
                Ok(_) => parse_stream(&text, "<stdin>", &mut input),
                Err(e) => input.errors.push(format!("<stdin>: cannot read: {e}")),
            }
        } else if path.is_dir() {
            let mut files = Vec::new();
            walk(path, &mut files, &mut input.errors);
            files.sort();
            for file in files {
                read_file(&file, &mut input);
            }
        } else {
            read_file(path, &mut input);
        }
    }
    input
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<String>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => return errors.push(format!("{}: cannot read directory: {e}", dir.display())),
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let hidden = path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        if path.is_dir() {
            walk(&path, files, errors);
        } else if path.extension().and_then(|e| e.to_str()).is_some_and(|e| matches!(e, "yaml" | "yml" | "json")) {
            files.push(path);
        }
    }
}

fn read_file(path: &Path, input: &mut Input) {
    match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => parse_stream(&text, &path.display().to_string(), input),
            Err(_) => input.errors.push(format!("{}: not UTF-8 text; pass YAML or JSON manifests", path.display())),
        },
        Err(e) => input.errors.push(format!("{}: cannot read: {e}", path.display())),
    }
}

/// Parses one stream of documents; `file` names them in the report. Read by the function's own bounded
/// reader ([`crate::yaml::parse_stream`]): a manifest is input like any other, and an alias bomb or deep
/// nesting must stop at the same limits, not expand or hang.
pub fn parse_stream(text: &str, file: &str, input: &mut Input) {
    let origin = |index: usize| if index == 0 { file.to_string() } else { format!("{file}#{index}") };
    // The reader refuses duplicate keys, which the API server and kubectl also refuse, where a JSON map
    // would silently keep the last one and doctor would check the wrong value.
    let documents = crate::yaml::parse_stream(text);
    let read = documents.values.len();
    for (index, value) in documents.values.into_iter().enumerate() {
        match serde_json::to_value(value) {
            Ok(Value::Null) => {}
            Ok(value) => unpack(value, &origin(index), file, input),
            Err(e) => {
                input.errors.push(format!("{}: not a Kubernetes object ({e}); map keys must be strings", origin(index)))
            }
        }
    }
    // The stream ends at its first error: the parser cannot find the next document reliably.
    if let Some(e) = documents.error {
        let at = origin(read);
        input.errors.push(format!("{at}: not valid YAML: {e}; fix the document or leave the file out"));
    }
}

/// Adds an object, or the items of a List or ResourceList.
fn unpack(value: Value, origin: &str, file: &str, input: &mut Input) {
    let kind = value.get("kind").and_then(Value::as_str).unwrap_or_default().to_string();
    let api_version = value.get("apiVersion").and_then(Value::as_str).unwrap_or_default().to_string();
    let is_list = kind == "ResourceList" || (kind.ends_with("List") && value.get("items").is_some_and(Value::is_array));
    if is_list {
        let items = value.get("items").and_then(Value::as_array).cloned().unwrap_or_default();
        for (i, item) in items.into_iter().enumerate() {
            unpack(item, &format!("{origin} items[{i}]"), file, input);
        }
        return;
    }
    if !value.is_object() {
        input.errors.push(format!("{origin}: not a Kubernetes object (a map with apiVersion and kind)"));
        return;
    }
    if kind.is_empty() || api_version.is_empty() {
        input.errors.push(format!("{origin}: no apiVersion or kind; every manifest needs both"));
        return;
    }
    let meta = |key: &str| value.pointer(&format!("/metadata/{key}")).and_then(Value::as_str).unwrap_or_default();
    let (name, namespace) = (meta("name").to_string(), meta("namespace").to_string());
    let annotations = value.pointer("/metadata/annotations");
    let annotation = |key: &str| annotations.and_then(|a| a.get(key)).and_then(Value::as_str);
    let kpt_path = KPT_PATH_ANNOTATIONS.iter().find_map(|k| annotation(k));
    let cluster = annotation(TARGET_ANNOTATION)
        .map(str::to_string)
        .or_else(|| kpt_path.and_then(cluster_from_path))
        .or_else(|| cluster_from_path(file));
    input.objects.push(Object { origin: origin.to_string(), api_version, kind, name, namespace, cluster, value });
}

/// `…/spokes/<name>/…` marks a spoke's file, `…/control-plane/<name>/…` its control plane's, and
/// `…/management/…` the management cluster's: the layout `generate -o` and kpt packages use, and an easy
/// one to ask of hand-written manifests.
fn cluster_from_path(path: &str) -> Option<String> {
    let parts: Vec<&str> = path.split('/').collect();
    let dirs = &parts[..parts.len().saturating_sub(1)];
    if let Some(i) = dirs.iter().rposition(|p| *p == "spokes" || *p == "control-plane") {
        if let Some(name) = dirs.get(i + 1) {
            let cluster = if dirs[i] == "spokes" { "spoke" } else { "control-plane" };
            return Some(format!("{cluster}/{name}"));
        }
    }
    dirs.contains(&"management").then(|| "management".to_string())
}

/// The doctor's reading of generated manifests, each written by our emitter as users get it: how the
/// in-crate property tests (`kinds`, `doctor::contract_property`) read back what the generators wrote.
#[cfg(test)]
pub(crate) fn read_back<'a>(manifests: impl IntoIterator<Item = &'a crate::generate::Manifest>, label: &str) -> Input {
    let mut input = Input::default();
    for (i, manifest) in manifests.into_iter().enumerate() {
        parse_stream(&crate::yaml::tree_to_string(&manifest.object), &format!("{label}#{i}"), &mut input);
    }
    assert!(input.errors.is_empty(), "{label}: {:?}", input.errors);
    input
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_resource_lists_are_unpacked_and_paths_mark_clusters() {
        let mut input = Input::default();
        let text = "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n---\n\
                    apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- apiVersion: v1\n  kind: Secret\n  \
                    metadata:\n    name: b\n    annotations: {internal.config.kubernetes.io/path: pkg/spokes/x/s.yaml}\n";
        parse_stream(text, "dir/management/f.yaml", &mut input);
        let got: Vec<_> = input.objects.iter().map(|o| (o.name.as_str(), o.cluster.as_deref())).collect();
        assert_eq!(got, [("a", Some("management")), ("b", Some("spoke/x"))]);
        assert!(input.errors.is_empty());
    }

    #[test]
    fn bad_documents_are_errors_not_panics() {
        let mut input = Input::default();
        parse_stream(
            "- 1\n---\n{kind: X}\n---\n{1: 2}\n---\n{apiVersion: v1, kind: A, kind: B}\n---\n: : :\n",
            "f",
            &mut input,
        );
        assert!(input.objects.is_empty());
        assert_eq!(input.errors.len(), 4, "{:?}", input.errors);
        assert!(input.errors[3].contains("duplicate"), "{}", input.errors[3]);
    }
}
