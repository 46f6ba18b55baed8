//! Stage 4: generators. One module per output family; each reads only the [`Model`] and pushes typed
//! objects. This module owns what every generated object shares: canonical key order, the owner and
//! target annotations, and target filtering.

mod identity;
mod management;
pub(crate) mod spoke;

pub(crate) use management::argocd_plumbing;

use crate::diag::Diagnostics;
use crate::model::{Cluster, Model, Origin, Setting, OWNER_ANNOTATION, TARGET_ANNOTATION};
use crate::yaml::Tree;
use serde::Serialize;
use std::borrow::Cow;

/// A generated object and the cluster it is applied to.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    pub cluster: Cluster,
    /// The object, in canonical key order and stamped; a [`Tree`], not a `Value`, because it is only
    /// built, read by a few keys and written (see `yaml/tree.rs`). [`Manifest::value`] gives a `Value`.
    pub object: Tree,
    /// Fields whose value is only a local default of ours, not part of the trust contract and not set in
    /// the config: where this object patches a base's (transformer mode), the base's value stays.
    pub defaults: Vec<LocalDefault>,
    /// For `generate`'s files: this file instead of the object. A kube-apiserver config file is not an
    /// API object; KRM pipelines carry it as a local-config ConfigMap, a directory holds the file itself.
    pub file: Option<PlainFile>,
    /// A comment `generate` writes above the object, for an object that is not meant to be applied
    /// as it is (a partial HostedCluster for server-side apply).
    pub header: Option<&'static str>,
    /// Lists that a base's list of the same field is merged with by entry name instead of replaced.
    pub named_lists: Vec<NamedList>,
}

/// A list of named maps (an `env`) that meets a base's list as Kubernetes' strategic merge does: our
/// entries replace the base's of the same name, the base's other entries stay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedList {
    pub field: &'static [&'static str],
    /// Entries whose `value` is a comma-separated list: the base's items are kept and ours added.
    pub joined: &'static [&'static str],
}

/// A file for a cluster's directory: its name and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlainFile {
    pub name: &'static str,
    pub text: String,
}

/// A field of a generated object that holds one of our defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalDefault {
    /// The field's path in the object, one key per segment.
    pub field: &'static [&'static str],
    /// The config field that enforces a value instead, if there is one.
    pub setting: Option<Origin>,
}

impl LocalDefault {
    /// A default nothing in the config can set.
    pub const fn fixed(field: &'static [&'static str]) -> LocalDefault {
        LocalDefault { field, setting: None }
    }
    /// The default of `setting`, or nothing when the user configured it (then it is enforced).
    pub fn unless_configured<T>(field: &'static [&'static str], setting: &Setting<T>) -> Option<LocalDefault> {
        (!setting.configured).then(|| LocalDefault { field, setting: Some(setting.origin.clone()) })
    }
}

impl Manifest {
    /// An object with every field enforced, written as an object.
    pub fn new(cluster: Cluster, object: Tree) -> Manifest {
        Manifest { cluster, object, defaults: Vec::new(), file: None, header: None, named_lists: Vec::new() }
    }
    /// The object as a `Value`, for readers that walk or merge it.
    pub fn value(&self) -> serde_yaml_ng::Value {
        self.object.to_value()
    }
    pub fn api_version(&self) -> &str {
        self.object.get("apiVersion").and_then(Tree::as_str).unwrap_or_default()
    }
    pub fn kind(&self) -> &str {
        self.object.get("kind").and_then(Tree::as_str).unwrap_or_default()
    }
    /// Whether the object is a `T` (any version of its group), by the type's own constants.
    pub fn is<T: k8s_openapi::Resource>(&self) -> bool {
        crate::api::is::<T>(self.api_version(), self.kind())
    }
    pub fn name(&self) -> &str {
        self.object.get("metadata").and_then(|m| m.get("name")).and_then(Tree::as_str).unwrap_or_default()
    }
    pub fn namespace(&self) -> Option<&str> {
        self.object.get("metadata").and_then(|m| m.get("namespace")).and_then(Tree::as_str)
    }
    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.object.annotation(key)
    }
    /// The object's sync wave: the phase of its cluster's apply order it belongs to.
    pub fn wave(&self) -> u8 {
        self.annotation(SYNC_WAVE_ANNOTATION).and_then(|w| w.parse().ok()).unwrap_or(0)
    }
}

/// Argo CD's sync wave: every generated object has one, and its file name starts with it.
pub const SYNC_WAVE_ANNOTATION: &str = "argocd.argoproj.io/sync-wave";

/// Everything the generators produced, in emission order, plus their notes (info/warning results).
#[derive(Debug, Clone, Default)]
pub struct Generated {
    pub manifests: Vec<Manifest>,
    pub notes: Diagnostics,
}

/// Runs every generator whose cluster the model's target selects.
/// Emission order is apply order: clusters in the order they first appear (management, then each spoke
/// with its control plane), and within a cluster by sync wave, keeping the generators' order inside a wave.
pub fn generate(model: &Model) -> Generated {
    let mut out = Output { model, generated: Generated::default() };
    if model.target.includes(&Cluster::Management) {
        management::generate(model, &mut out);
        identity::generate(model, &mut out);
    }
    for spoke in &model.spokes {
        spoke::generate(model, spoke, &mut out);
    }
    let mut generated = out.generated;
    // Clusters in the order they first appear, each ranked once: a lookup per comparison in a list of
    // clusters made the sort cubic in a fleet's size.
    let mut rank: std::collections::HashMap<Cluster, usize> = std::collections::HashMap::new();
    for m in &generated.manifests {
        let next = rank.len();
        rank.entry(m.cluster.clone()).or_insert(next);
    }
    generated.manifests.sort_by_cached_key(|m| (rank[&m.cluster], m.wave()));
    generated
}

/// The sink generators push into.
pub(crate) struct Output<'m> {
    model: &'m Model,
    generated: Generated,
}

impl Output<'_> {
    /// Adds a typed object for `cluster`, in canonical key order, with the owner and target annotations.
    /// Every field of it is enforced where it patches a base's object.
    pub fn push<T: Serialize>(&mut self, cluster: &Cluster, object: &T) {
        self.push_with_defaults(cluster, object, Vec::new());
    }
    /// [`Output::push`] for an object some of whose fields are only our defaults.
    pub fn push_with_defaults<T: Serialize>(&mut self, cluster: &Cluster, object: &T, defaults: Vec<LocalDefault>) {
        self.push_manifest(cluster, object, |m| m.defaults = defaults);
    }
    /// [`Output::push`], then `finish` sets what else the manifest carries. Objects for a cluster the
    /// target does not select are dropped here, the one place target filtering happens.
    pub fn push_manifest<T: Serialize>(&mut self, cluster: &Cluster, object: &T, finish: impl FnOnce(&mut Manifest)) {
        // serde_yaml_ng's value serializer, which builds what Tree::of defers to, fails on nothing our
        // types hold (only on an empty enum variant name).
        let value = Tree::of(object).expect("generated objects always serialise");
        let kind = value.get("kind").and_then(Tree::as_str).unwrap_or_default();
        if !self.model.target.selects(cluster, kind) {
            return;
        }
        let target = cluster.target();
        let stamp = Stamp { owner: &self.model.owner, target: &target, labels: &self.model.labels };
        let mut manifest = Manifest::new(cluster.clone(), canonical(value, &stamp));
        finish(&mut manifest);
        self.generated.manifests.push(manifest);
    }
    pub fn notes(&mut self) -> &mut Diagnostics {
        &mut self.generated.notes
    }
}

/// What every generated object carries in its metadata: the owner and target annotations, and the
/// config's labels (those win on a clash with the object's own: a generated object's labels are ours).
struct Stamp<'a> {
    owner: &'a str,
    target: &'a str,
    labels: &'a std::collections::BTreeMap<String, String>,
}

/// The conventional key order, with the [`Stamp`]: apiVersion, kind, metadata (name, namespace,
/// labels, annotations first), then spec/data/stringData/type, then the rest as serialised.
/// k8s-openapi serialises fields alphabetically, which would put `data` before `metadata`.
fn canonical(value: Tree, stamp: &Stamp) -> Tree {
    const TOP: &[&str] = &["apiVersion", "kind", "metadata", "spec", "data", "stringData", "binaryData", "type"];
    let Tree::Map(entries) = value else { return value };
    let mut map = Tree::Map(reorder(entries, TOP));
    match map.get_mut("metadata") {
        Some(Tree::Map(meta)) => *meta = stamped(std::mem::take(meta), stamp),
        Some(_) => {}
        None => {
            map.insert("metadata", Tree::Map(stamped(Vec::new(), stamp)));
        }
    }
    map
}

type Entries = Vec<(Cow<'static, str>, Tree)>;

/// `meta` in canonical order with the stamp. The order is the one three steps produced before they
/// were one (output bytes depend on it): metadata's keys in [`reorder`]'s order, then `labels` and
/// `annotations` swap-removed and appended in that order. (The old steps also appended an absent
/// `annotations` before the swap-removes; that never moves another key.) For generated metadata
/// (name, namespace, labels, annotations) it is the plain order.
fn stamped(meta: Entries, stamp: &Stamp) -> Entries {
    const META: &[&str] = &["name", "namespace", "labels", "annotations"];
    let keys: Vec<&str> = meta.iter().map(|(k, _)| k.as_ref()).collect();
    let at = |name: &str| keys.iter().position(|k| *k == name);
    // Positions past the map's own stand for the maps written anew.
    let (labels, annotations) = (at("labels").unwrap_or(usize::MAX - 1), at("annotations").unwrap_or(usize::MAX));
    let mut order = canonical_order(&keys, META);
    for slot in [labels, annotations] {
        if let Some(p) = order.iter().position(|&i| i == slot) {
            order.swap_remove(p);
        }
    }
    // `order` holds the other keys now; labels and annotations follow them.
    let mut entries: Vec<Option<(Cow<'static, str>, Tree)>> = meta.into_iter().map(Some).collect();
    let mut label_map = match entries.get_mut(labels).and_then(Option::take) {
        Some((_, Tree::Map(map))) => map,
        _ => Vec::new(),
    };
    // Sized once for what the stamp adds.
    label_map.reserve(stamp.labels.len());
    let mut label_map = Tree::Map(label_map);
    for (k, v) in stamp.labels {
        label_map.insert(k.clone(), Tree::String(v.clone()));
    }
    let mut annotation_value =
        entries.get_mut(annotations).and_then(Option::take).map_or_else(|| Tree::Map(Vec::new()), |(_, v)| v);
    if let Tree::Map(map) = &mut annotation_value {
        map.reserve(2);
    }
    annotation_value.insert(OWNER_ANNOTATION, Tree::String(stamp.owner.to_string()));
    annotation_value.insert(TARGET_ANNOTATION, Tree::String(stamp.target.to_string()));
    let mut out = Vec::with_capacity(order.len() + 2);
    out.extend(order.into_iter().filter_map(|i| entries[i].take()));
    out.push((Cow::Borrowed("labels"), label_map));
    out.push((Cow::Borrowed("annotations"), annotation_value));
    out
}

/// `first`'s keys in that order, then the rest in the order `Mapping::remove` left them when objects
/// were `Value`s: it is a swap-remove, so taking `first` out moved later keys forward (a
/// ClusterRoleBinding's `subjects` comes before its `roleRef`), and output bytes depend on that order.
fn reorder(entries: Entries, first: &[&str]) -> Entries {
    let keys: Vec<&str> = entries.iter().map(|(k, _)| k.as_ref()).collect();
    let order = canonical_order(&keys, first);
    if order.iter().enumerate().all(|(n, &i)| n == i) {
        return entries;
    }
    let mut entries: Vec<Option<(Cow<'static, str>, Tree)>> = entries.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| entries[i].take()).collect()
}

/// The positions of `keys` in [`reorder`]'s order.
fn canonical_order(keys: &[&str], first: &[&str]) -> Vec<usize> {
    let mut rest: Vec<usize> = (0..keys.len()).collect();
    let mut order = Vec::with_capacity(keys.len());
    for key in first {
        if let Some(at) = rest.iter().position(|&i| keys[i] == *key) {
            order.push(rest.swap_remove(at));
        }
    }
    order.extend(rest);
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    use serde_yaml_ng::Value;

    fn keys(value: &Value) -> Vec<&str> {
        value.as_mapping().unwrap().keys().filter_map(Value::as_str).collect()
    }

    /// `canonical` of a `Value`, as a `Value`.
    fn canonical(value: Value, stamp: &Stamp) -> Value {
        super::canonical(Tree::of(&value).unwrap(), stamp).to_value()
    }

    /// The order the three steps this replaced (reorder, then set the annotations, then swap-remove and
    /// re-append labels and annotations) gave, for metadata with more than the usual keys, as
    /// k8s-openapi serialises it (alphabetically), and without labels or annotations of its own.
    #[test]
    fn metadata_keeps_the_order_output_bytes_depend_on() {
        let labels = [("app".to_string(), "ours".to_string()), ("team".to_string(), "t".to_string())].into();
        let stamp = Stamp { owner: "fleet", target: "spoke/a", labels: &labels };
        let object: Value = serde_yaml_ng::from_str(
            "metadata: {annotations: {a: '1'}, finalizers: [f], labels: {app: theirs, x: y}, name: n, namespace: ns}\n\
             kind: Secret\ndata: {}\napiVersion: v1\n",
        )
        .unwrap();
        let object = canonical(object, &stamp);
        assert_eq!(keys(&object), ["apiVersion", "kind", "metadata", "data"]);
        let meta = &object["metadata"];
        assert_eq!(keys(meta), ["name", "namespace", "finalizers", "labels", "annotations"]);
        assert_eq!(keys(&meta["labels"]), ["app", "x", "team"]);
        assert_eq!(meta["labels"]["app"], "ours");
        assert_eq!(keys(&meta["annotations"]), ["a", OWNER_ANNOTATION, TARGET_ANNOTATION]);
        assert_eq!(meta["annotations"][TARGET_ANNOTATION], "spoke/a");

        let bare: Value = serde_yaml_ng::from_str("{kind: K, metadata: {finalizers: [f], name: n}}").unwrap();
        let bare = canonical(bare, &stamp);
        assert_eq!(keys(&bare["metadata"]), ["name", "finalizers", "labels", "annotations"]);
        // Labels but no annotations: swap-removing the labels moves `zeta`.
        let unannotated: Value =
            serde_yaml_ng::from_str("{kind: K, metadata: {finalizers: [f], labels: {x: y}, name: n, zeta: z}}")
                .unwrap();
        let unannotated = canonical(unannotated, &stamp);
        assert_eq!(keys(&unannotated["metadata"]), ["name", "zeta", "finalizers", "labels", "annotations"]);
        let none = canonical(serde_yaml_ng::from_str("{kind: K}").unwrap(), &stamp);
        assert_eq!(keys(&none["metadata"]), ["labels", "annotations"]);
    }
}
