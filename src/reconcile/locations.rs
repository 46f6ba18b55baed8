//! Where an output object sits in the kpt package: a replaced item keeps the old item's path and index
//! (so kpt keeps its comments), a new one gets a path under the config's directory and the lowest index
//! no kept item holds there.

use crate::krm::{self, annotation};
use crate::yaml::Tree;
use serde_yaml_ng::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Annotations an orchestrator owns on an item; a replaced item keeps the old item's values.
const LOCATION_ANNOTATIONS: &[&str] = &[
    krm::PATH_ANNOTATION,
    krm::INDEX_ANNOTATION,
    "internal.config.kubernetes.io/id",
    "internal.config.kubernetes.io/seqindent",
    "internal.config.kubernetes.io/annotations-migration-resource-id",
    "internal.config.kubernetes.io/package-path",
    krm::LEGACY_PATH_ANNOTATION,
    krm::LEGACY_INDEX_ANNOTATION,
    "config.k8s.io/id",
];

/// Copies the location annotations of `old`, the owned item `object` replaces, onto `object`.
pub(super) fn keep(object: &mut Tree, old: &Value) {
    let kept: Vec<(&str, &str)> =
        LOCATION_ANNOTATIONS.iter().filter_map(|&key| annotation(old, key).map(|v| (key, v))).collect();
    if !kept.is_empty() {
        object.set_annotations(kept);
    }
}

/// The locations new objects must avoid (kpt refuses two items at one path and index), and the next
/// index to try per path.
pub(super) struct Locations<'v> {
    taken: BTreeMap<&'v str, BTreeSet<u64>>,
    next_index: BTreeMap<String, u64>,
}

impl<'v> Locations<'v> {
    /// `kept`: the `(path, index)` of every input item the output keeps where it is.
    pub(super) fn new(kept: impl IntoIterator<Item = (&'v str, u64)>) -> Self {
        let mut taken: BTreeMap<&str, BTreeSet<u64>> = BTreeMap::new();
        for (path, index) in kept {
            taken.entry(path).or_default().insert(index);
        }
        Locations { taken, next_index: BTreeMap::new() }
    }

    /// Puts the new `object` at `path`, at the lowest index nothing else holds there.
    pub(super) fn place(&mut self, object: &mut Tree, path: String) {
        // Indexes are given out upwards per path, so N objects sharing one file cost O(N), not
        // O(N²): below the last one given out, every index is taken.
        let next = self.next_index.entry(path.clone()).or_insert(0);
        let taken = self.taken.get(path.as_str());
        let index = (*next..).find(|n| !taken.is_some_and(|t| t.contains(n))).expect("an unused index exists");
        *next = index + 1;
        // The order LOCATION_ANNOTATIONS copies them in on the next run, so that run changes no byte.
        let index = index.to_string();
        object.set_annotations([
            (krm::PATH_ANNOTATION, path.as_str()),
            (krm::INDEX_ANNOTATION, index.as_str()),
            (krm::LEGACY_PATH_ANNOTATION, path.as_str()),
            (krm::LEGACY_INDEX_ANNOTATION, index.as_str()),
        ]);
    }
}
