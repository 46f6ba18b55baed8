//! Where an output object sits in the kpt package: a replaced item keeps the old item's path and index
//! (so kpt keeps its comments), a new one gets a path under the config's directory and the lowest index
//! no kept item holds there.

use crate::krm;

/// Annotations an orchestrator owns on an item; a replaced item keeps the old item's values.
pub(super) const LOCATION_ANNOTATIONS: &[&str] = &[
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
