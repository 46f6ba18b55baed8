//! Stage 4: generators. One module per output family; each reads only the [`Model`] and pushes typed
//! objects. This module owns what every generated object shares: canonical key order, the owner and
//! target annotations, and target filtering.

mod identity;
mod management;
pub(crate) mod spoke;

pub(crate) use management::argocd_plumbing;

use crate::diag::Diagnostics;
use crate::model::{Cluster, Model, Origin, Setting, OWNER_ANNOTATION, TARGET_ANNOTATION};
use serde::Serialize;
use serde_yaml_ng::{Mapping, Value};

/// A generated object and the cluster it is applied to.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    pub cluster: Cluster,
    pub object: Value,
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
    pub fn new(cluster: Cluster, object: Value) -> Manifest {
        Manifest { cluster, object, defaults: Vec::new(), file: None, header: None, named_lists: Vec::new() }
    }
    pub fn api_version(&self) -> &str {
        self.object.get("apiVersion").and_then(Value::as_str).unwrap_or_default()
    }
    pub fn kind(&self) -> &str {
        self.object.get("kind").and_then(Value::as_str).unwrap_or_default()
    }
    /// Whether the object is a `T` (any version of its group), by the type's own constants.
    pub fn is<T: k8s_openapi::Resource>(&self) -> bool {
        crate::api::is::<T>(self.api_version(), self.kind())
    }
    pub fn name(&self) -> &str {
        self.object.get("metadata").and_then(|m| m.get("name")).and_then(Value::as_str).unwrap_or_default()
    }
    pub fn namespace(&self) -> Option<&str> {
        self.object.get("metadata").and_then(|m| m.get("namespace")).and_then(Value::as_str)
    }
    /// The object's sync wave: the phase of its cluster's apply order it belongs to.
    pub fn wave(&self) -> u8 {
        crate::krm::annotation(&self.object, SYNC_WAVE_ANNOTATION).and_then(|w| w.parse().ok()).unwrap_or(0)
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
        let mut value = canonical(serde_yaml_ng::to_value(object).expect("generated objects always serialise"));
        let kind = value.get("kind").and_then(Value::as_str).unwrap_or_default();
        if !self.model.target.selects(cluster, kind) {
            return;
        }
        let target = cluster.target();
        crate::krm::set_annotations(
            &mut value,
            [(OWNER_ANNOTATION, self.model.owner.as_str()), (TARGET_ANNOTATION, &target)],
        );
        set_labels(&mut value, &self.model.labels);
        let mut manifest = Manifest::new(cluster.clone(), value);
        finish(&mut manifest);
        self.generated.manifests.push(manifest);
    }
    pub fn notes(&mut self) -> &mut Diagnostics {
        &mut self.generated.notes
    }
}

/// Adds `labels` to the object's own (those win on a clash: a generated object's labels are ours), before
/// its annotations, as [`canonical`] orders metadata.
fn set_labels(object: &mut Value, labels: &std::collections::BTreeMap<String, String>) {
    let Some(meta) = object.get_mut("metadata").and_then(Value::as_mapping_mut) else { return };
    let existing = meta.remove("labels");
    let annotations = meta.remove("annotations");
    let mut all = match existing {
        Some(Value::Mapping(m)) => m,
        _ => Mapping::new(),
    };
    for (k, v) in labels {
        all.insert(k.as_str().into(), v.as_str().into());
    }
    meta.insert("labels".into(), Value::Mapping(all));
    if let Some(a) = annotations {
        meta.insert("annotations".into(), a);
    }
}

/// The conventional key order: apiVersion, kind, metadata (name, namespace, labels, annotations
/// first), then spec/data/stringData/type, then the rest as serialised. k8s-openapi serialises fields
/// alphabetically, which would put `data` before `metadata`.
pub fn canonical(value: Value) -> Value {
    const TOP: &[&str] = &["apiVersion", "kind", "metadata", "spec", "data", "stringData", "binaryData", "type"];
    const META: &[&str] = &["name", "namespace", "labels", "annotations"];
    let Value::Mapping(mut map) = value else { return value };
    if let Some(Value::Mapping(meta)) = map.get_mut("metadata") {
        *meta = reorder(std::mem::take(meta), META);
    }
    Value::Mapping(reorder(map, TOP))
}

/// `first`'s keys in that order, then the rest in the order `Mapping::remove` leaves them: it is a
/// swap-remove, so taking `first` out moved later keys forward (a ClusterRoleBinding's `subjects` comes
/// before its `roleRef`), and output bytes depend on that order. The order is worked out on positions
/// first; the map is rebuilt, hashing every key again, only when it changes, which for most objects
/// (apiVersion, kind, metadata, spec) it does not.
fn reorder(map: Mapping, first: &[&str]) -> Mapping {
    let keys: Vec<Option<&str>> = map.keys().map(Value::as_str).collect();
    let mut rest: Vec<usize> = (0..keys.len()).collect();
    let mut order = Vec::with_capacity(keys.len());
    for key in first {
        if let Some(at) = rest.iter().position(|&i| keys[i] == Some(key)) {
            order.push(rest.swap_remove(at));
        }
    }
    order.extend(rest);
    if order.iter().enumerate().all(|(n, &i)| n == i) {
        return map;
    }
    let mut entries: Vec<Option<(Value, Value)>> = map.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| entries[i].take()).collect()
}
