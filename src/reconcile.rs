//! Stage 5: merge generated objects with the input items — the only place input items are changed.
//!
//! Items owned by this config (`ztwim-gitops.dev/owner: <config name>`) are the previous run's output:
//! each is replaced by the object generated for the same target, group/kind, namespace and name (keeping
//! the old item's file location and id, so kpt keeps comments), or dropped when no longer generated.
//! Every other item passes through untouched.

use crate::generate::Manifest;
use crate::krm::{self, annotation, set_annotation};
use crate::model::{Model, OWNER_ANNOTATION, TARGET_ANNOTATION};
use serde_yaml_ng::Value;
use std::collections::BTreeMap;

/// One output item: an input item passed through as it came, or an object we wrote.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// Index into the input items.
    Input(usize),
    New(Value),
}

/// Annotations an orchestrator owns on an item; a replaced item keeps the old item's values.
const LOCATION_ANNOTATIONS: &[&str] = &[
    "internal.config.kubernetes.io/path",
    "internal.config.kubernetes.io/index",
    "internal.config.kubernetes.io/id",
    "internal.config.kubernetes.io/seqindent",
    "internal.config.kubernetes.io/annotations-migration-resource-id",
    "internal.config.kubernetes.io/package-path",
    "config.kubernetes.io/path",
    "config.kubernetes.io/index",
    "config.k8s.io/id",
];

/// The identity of an object across runs: target cluster, group, kind, namespace, name. The target is
/// part of it because every spoke has its own `Authentication/cluster`.
fn identity(object: &Value) -> (String, String, String, String, String) {
    let s = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or_default().to_string();
    let api_version = s(object.get("apiVersion"));
    let group = api_version.rsplit_once('/').map(|(g, _)| g.to_string()).unwrap_or_default();
    let meta = object.get("metadata");
    (
        annotation(object, TARGET_ANNOTATION).unwrap_or_default().to_string(),
        group,
        s(object.get("kind")),
        s(meta.and_then(|m| m.get("namespace"))),
        s(meta.and_then(|m| m.get("name"))),
    )
}

/// Decides the output items. `with_locations` adds package file paths to new objects (kpt needs them;
/// a bare stream does not).
pub fn reconcile(model: &Model, inputs: &[Value], generated: Vec<Manifest>, with_locations: bool) -> Vec<Item> {
    let owned: BTreeMap<_, usize> = inputs
        .iter()
        .enumerate()
        .filter(|(_, item)| annotation(item, OWNER_ANNOTATION) == Some(model.owner.as_str()))
        .map(|(i, item)| (identity(item), i))
        .collect();
    let mut out: Vec<Item> = (0..inputs.len()).filter(|i| !owned.values().any(|o| o == i)).map(Item::Input).collect();
    let mut next_index: BTreeMap<String, u64> = BTreeMap::new();
    for manifest in generated {
        let path = model.file_path(&manifest.cluster, manifest.kind(), manifest.name());
        let mut object = manifest.object;
        if let Some(&old) = owned.get(&identity(&object)) {
            for key in LOCATION_ANNOTATIONS {
                if let Some(v) = annotation(&inputs[old], key) {
                    set_annotation(&mut object, key, v);
                }
            }
        } else if with_locations {
            let index = next_index.entry(path.clone()).or_insert(0);
            for key in [krm::PATH_ANNOTATION, krm::LEGACY_PATH_ANNOTATION] {
                set_annotation(&mut object, key, &path);
            }
            for key in [krm::INDEX_ANNOTATION, krm::LEGACY_INDEX_ANNOTATION] {
                set_annotation(&mut object, key, &index.to_string());
            }
            *index += 1;
        }
        out.push(Item::New(object));
    }
    out
}
