//! Patching a base's item: the generated fields laid over an input item nobody owns, less our local
//! defaults the item has a value for ([`LocalDefault`]), named lists merged entry by entry
//! ([`NamedList`]), and our ownership labels and annotations stripped, so the item stays the user's.

use super::key;
use crate::diag::Diagnostics;
use crate::generate::{LocalDefault, Manifest, NamedList};
use crate::krm;
use crate::model::{MANAGED_BY_LABEL, OWNER_ANNOTATION, PART_OF_LABEL, TARGET_ANNOTATION};
use crate::yaml::merge;
use serde_yaml_ng::Value;

/// The generated fields laid over an input item that is not ours, less the local defaults the item has
/// a value for. Our owner and target annotations and our managed-by/part-of labels are left out: a
/// patched item stays the user's, so a later run never replaces or prunes it.
pub(super) fn patch(input: &Value, manifest: Manifest, notes: &mut Diagnostics) -> Value {
    let mut generated = manifest.value();
    for list in &manifest.named_lists {
        merge_named(input, &mut generated, list);
    }
    for default in &manifest.defaults {
        let Some(theirs) = lookup(input, default.field) else { continue };
        let ours = remove(&mut generated, default.field);
        if ours.as_ref().is_some_and(|ours| ours != theirs) {
            let (path, message) = kept_note(input, default, theirs, ours.as_ref());
            notes.push(crate::diag::Severity::Info, path, message);
        }
    }
    if let Some(labels) =
        generated.get_mut("metadata").and_then(|m| m.get_mut("labels")).and_then(Value::as_mapping_mut)
    {
        labels.remove(MANAGED_BY_LABEL);
        labels.remove(PART_OF_LABEL);
        if labels.is_empty() {
            if let Some(meta) = generated.get_mut("metadata").and_then(Value::as_mapping_mut) {
                meta.remove("labels");
            }
        }
    }
    if let Some(ann) = generated.get_mut("metadata").and_then(|m| m.get_mut("annotations")) {
        if let Some(map) = ann.as_mapping_mut() {
            map.remove(OWNER_ANNOTATION);
            map.remove(TARGET_ANNOTATION);
            if map.is_empty() {
                if let Some(meta) = generated.get_mut("metadata").and_then(Value::as_mapping_mut) {
                    meta.remove("annotations");
                }
            }
        }
    }
    let mut patched = input.clone();
    merge(&mut patched, generated);
    patched
}

/// Lays the base's entries under ours in `list`'s field (see [`NamedList`]).
fn merge_named(input: &Value, generated: &mut Value, list: &NamedList) {
    let Some(Value::Sequence(theirs)) = lookup(input, list.field) else { return };
    let Some(Value::Sequence(ours)) = lookup_mut(generated, list.field) else { return };
    let name = |v: &Value| v.get("name").and_then(Value::as_str).map(str::to_string);
    let mut merged = theirs.clone();
    for entry in ours.drain(..) {
        match merged.iter_mut().find(|t| name(t).is_some() && name(t) == name(&entry)) {
            Some(base) if name(&entry).is_some_and(|n| list.joined.contains(&n.as_str())) => {
                let joined = |v: &Value| v.get("value").and_then(Value::as_str).unwrap_or_default().to_string();
                let mut items: Vec<String> =
                    joined(base).split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect();
                for item in joined(&entry).split(',').map(str::trim).filter(|s| !s.is_empty()) {
                    if !items.iter().any(|i| i == item) {
                        items.push(item.to_string());
                    }
                }
                *base = entry;
                if let Some(m) = base.as_mapping_mut() {
                    m.insert("value".into(), items.join(",").into());
                }
            }
            Some(base) => *base = entry,
            None => merged.push(entry),
        }
    }
    *ours = merged;
}

fn lookup_mut<'v>(value: &'v mut Value, path: &[&str]) -> Option<&'v mut Value> {
    path.iter().try_fold(value, |v, key| v.get_mut(*key))
}

fn lookup<'v>(value: &'v Value, path: &[&str]) -> Option<&'v Value> {
    path.iter().try_fold(value, |v, key| v.get(*key))
}

/// Removes the value at `path`, if there is one.
fn remove(value: &mut Value, path: &[&str]) -> Option<Value> {
    let (last, parents) = path.split_last()?;
    let parent = parents.iter().try_fold(value, |v, key| v.get_mut(*key))?;
    parent.as_mapping_mut()?.shift_remove(*last)
}

/// The info about a base value kept over our default: at the config field that would enforce one, when
/// there is such a field.
fn kept_note(input: &Value, default: &LocalDefault, theirs: &Value, ours: Option<&Value>) -> (Option<String>, String) {
    let (_, kind, namespace, name) = key(input);
    let ns = if namespace.is_empty() { String::new() } else { format!("{namespace}/") };
    let json = |v: &Value| serde_json::to_string(v).unwrap_or_default();
    let field = default.field.join(".");
    let ours = ours.map(json).unwrap_or_default();
    let how = match &default.setting {
        Some(setting) => format!("set `{setting}` in the config to enforce a value"),
        None => "ztwim-gitops leaves it to your base".into(),
    };
    let message = format!(
        "kept {kind} {ns}{name} {field} from the base, {}, instead of this function's default {ours}: it is not part of the trust contract; {how}.",
        json(theirs)
    );
    (default.setting.as_ref().map(String::from), message)
}

/// The info about a patched item. `cluster` names whose object was laid over it, when the run generates
/// that object for several clusters.
pub(super) fn patch_note(input: &Value, cluster: Option<&str>) -> String {
    let (_, kind, namespace, name) = key(input);
    let ns = if namespace.is_empty() { String::new() } else { format!("{namespace}/") };
    let file = krm::item_path(input).map(|p| format!(" in {p}")).unwrap_or_default();
    let whose = cluster.map_or_else(|| "the ".to_string(), |c| format!("{c}'s "));
    format!(
        "patched {kind} {ns}{name}{file} with {whose}generated fields instead of emitting a second copy; it keeps \
         its other fields and stays yours (no owner annotation, never pruned)."
    )
}
