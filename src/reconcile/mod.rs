//! Stage 5: merge generated objects with the input items — the only place input items are changed.
//!
//! Items owned by this config (`ztwim-gitops.dev/owner: <config name>`) are the previous run's output:
//! each is replaced by the object generated for the same target, group/kind, namespace and name (keeping
//! the old item's file location and id, so kpt keeps comments), or dropped when no longer generated.
//! An item nobody owns that has the identity of a generated object (a base's ZTWIM CRs, a Subscription)
//! and does not name another cluster (see `Patchable`) is patched in place instead of getting a duplicate: every generated field is enforced except those
//! that are only our local defaults ([`LocalDefault`](crate::generate::LocalDefault)), where the base
//! keeps its own value (and an info result says so when it differs from ours). Every other item passes
//! through untouched.
//!
//! This module decides each object's fate (replace, patch, emit, prune) and words what it pruned;
//! `patch.rs` lays a generated object over a base's item, `locations.rs` gives new objects their place in
//! the package, and `providers.rs` guards a spoke's existing identity provider.

mod locations;
mod patch;
mod providers;

use crate::diag::Diagnostics;
use crate::generate::Manifest;
use crate::krm;
use crate::model::{Cluster, Model, Target, OWNER_ANNOTATION, TARGET_ANNOTATION};
use crate::yaml::Tree;
use locations::Locations;
use patch::{patch, patch_note};
use serde_yaml_ng::Value;
use std::collections::{BTreeMap, BTreeSet};

/// One output item: an input item passed through as it came, one we patched, or an object we generated.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// Index into the input items.
    Input(usize),
    Patched(Value),
    New(Tree),
}

/// The output items, in order, and notes about what was patched.
#[derive(Debug, Clone, Default)]
pub struct Reconciled {
    pub items: Vec<Item>,
    pub notes: Diagnostics,
}

/// group, kind, namespace, name: what makes two objects the same object on one cluster. Borrowed from
/// the object: a package's thousands of items are read, not copied.
type Key<'v> = (&'v str, &'v str, &'v str, &'v str);

fn key(object: &Value) -> Key<'_> {
    let group = crate::api::group(krm::text(object.get("apiVersion")));
    let meta = object.get("metadata");
    let field = |name: &str| krm::text(meta.and_then(|m| m.get(name)));
    (group, krm::text(object.get("kind")), field("namespace"), field("name"))
}

/// The identity of an owned object across runs: the target cluster plus [`key`]. The target is part of
/// it because every spoke has its own `Authentication/cluster`.
type Identity<'v> = (&'v str, Key<'v>);

/// A generated object's [`Identity`], read once and owned: reconcile looks each object up at every
/// step, and the objects themselves change (the provider guard) and move into the output meanwhile.
struct Made {
    target: String,
    key: [String; 4],
}

impl Made {
    /// The [`Identity`] of a generated object: its target annotation and [`key`]'s fields, read the same way
    /// (an absent field is empty).
    fn of(manifest: &Manifest) -> Made {
        let group = crate::api::group(manifest.api_version());
        let key = [group, manifest.kind(), manifest.namespace().unwrap_or_default(), manifest.name()];
        Made { target: manifest.annotation(TARGET_ANNOTATION).unwrap_or_default().into(), key: key.map(str::to_string) }
    }
    fn identity(&self) -> Identity<'_> {
        (&self.target, self.key())
    }
    fn key(&self) -> Key<'_> {
        let [group, kind, namespace, name] = &self.key;
        (group, kind, namespace, name)
    }
}

/// What reconcile looks at in an input item, read once: every look-up in a `Value` hashes its key.
struct Seen<'v> {
    owner: Option<&'v str>,
    identity: Identity<'v>,
    /// The `(path, index)` the item occupies in the package, if it has a path.
    location: Option<(&'v str, u64)>,
}

fn seen(item: &Value) -> Seen<'_> {
    // One walk over the annotations, comparing keys, instead of six hashed look-ups.
    let [mut owner, mut target, mut path, mut legacy_path, mut index, mut legacy_index] = [None; 6];
    for (key, value) in krm::annotations(item).into_iter().flatten() {
        let slot = match key.as_str() {
            Some(OWNER_ANNOTATION) => &mut owner,
            Some(TARGET_ANNOTATION) => &mut target,
            Some(krm::PATH_ANNOTATION) => &mut path,
            Some(krm::LEGACY_PATH_ANNOTATION) => &mut legacy_path,
            Some(krm::INDEX_ANNOTATION) => &mut index,
            Some(krm::LEGACY_INDEX_ANNOTATION) => &mut legacy_index,
            _ => continue,
        };
        *slot = value.as_str();
    }
    let index = index.or(legacy_index);
    Seen {
        owner,
        identity: (target.unwrap_or_default(), key(item)),
        location: path.or(legacy_path).map(|p| (p, index.and_then(|i| i.parse().ok()).unwrap_or(0))),
    }
}

/// The unowned input items a generated object may patch. group, kind, namespace and name do not say
/// which cluster an object is for (every spoke has an `Authentication/cluster`), so the item says it: its
/// `ztwim-gitops.dev/target` annotation, or else its package path under the directory this config writes
/// that cluster's files to (`spokes/<name>/`). An item that names its cluster is patched only by that
/// cluster's object. One that names none is patched by the object of the one cluster generating its key
/// that no other item claims; when several such clusters compete, none patches it (no guess), and an
/// error names them and how to mark the item.
struct Patchable<'v> {
    /// The package directory of each cluster of the model, to its target value.
    dirs: BTreeMap<String, String>,
    /// Items naming their cluster (its target value): the first per cluster and key.
    named: BTreeMap<(String, Key<'v>), usize>,
    /// Items naming none: the first per key.
    unnamed: BTreeMap<Key<'v>, usize>,
    /// Per key of an unnamed item, the clusters that generate it and have no item naming them.
    competing: BTreeMap<Key<'v>, BTreeSet<String>>,
    /// Unnamed items already reported as ambiguous.
    reported: BTreeSet<usize>,
    /// Items after the first of their cluster (or of none) and key, which nothing patches: each with
    /// that first item and the cluster both name.
    later: Vec<(usize, usize, Option<String>)>,
}

impl<'v> Patchable<'v> {
    /// Every cluster of the model counts, not only those this run's target generates for: an item under
    /// another spoke's directory names that spoke even in a run for one spoke.
    fn new(model: &Model) -> Self {
        let spokes = model.spokes.iter().flat_map(|s| {
            let control_plane = s.kind.has_control_plane().then(|| Cluster::ControlPlane(s.name.clone()));
            std::iter::once(Cluster::Spoke(s.name.clone())).chain(control_plane)
        });
        let dirs =
            std::iter::once(Cluster::Management).chain(spokes).map(|c| (model.cluster_dir(&c), c.target())).collect();
        Patchable {
            dirs,
            named: BTreeMap::new(),
            unnamed: BTreeMap::new(),
            competing: BTreeMap::new(),
            reported: BTreeSet::new(),
            later: Vec::new(),
        }
    }

    fn add(&mut self, i: usize, item: &Seen<'v>) {
        let key = item.identity.1;
        let cluster = self.cluster_named(item);
        let first = match &cluster {
            Some(c) => *self.named.entry((c.clone(), key)).or_insert(i),
            None => *self.unnamed.entry(key).or_insert(i),
        };
        if first != i {
            self.later.push((i, first, cluster));
        }
    }

    /// The cluster an item names: its target annotation, else the nearest directory of its path that
    /// is a cluster's.
    fn cluster_named(&self, item: &Seen) -> Option<String> {
        if !item.identity.0.is_empty() {
            return Some(item.identity.0.to_string());
        }
        let (mut path, _) = item.location?;
        while let Some((dir, _)) = path.rsplit_once('/') {
            if let Some(target) = self.dirs.get(dir) {
                return Some(target.clone());
            }
            path = dir;
        }
        None
    }

    /// Records which clusters' objects compete for each unnamed item.
    fn compete(&mut self, generated: &'v [Made]) {
        for made in generated {
            let (target, key) = made.identity();
            if self.unnamed.contains_key(&key) && !self.named.contains_key(&(target.to_string(), key)) {
                self.competing.entry(key).or_default().insert(target.to_string());
            }
        }
    }

    /// The item `manifest` patches, if any, taken so that no other object patches it.
    fn take(&mut self, made: &'v Made, inputs: &[Value], notes: &mut Diagnostics) -> Option<usize> {
        let (target, key) = made.identity();
        if let Some(i) = self.named.remove(&(target.to_string(), key)) {
            return Some(i);
        }
        let &i = self.unnamed.get(&key)?;
        let competing = self.competing.get(&key)?;
        if competing.len() <= 1 {
            self.unnamed.remove(&key);
            return Some(i);
        }
        if self.reported.insert(i) {
            let clusters = competing.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ");
            notes.push(
                crate::diag::Severity::Error,
                None,
                format!(
                    "{} has no owner and names no cluster, and this config generates that object for {} clusters \
                     ({clusters}), so it is not patched with any of them (each is emitted on its own): which \
                     cluster it is for cannot be guessed. Add the annotation `{TARGET_ANNOTATION}: <cluster>` \
                     (one of {clusters}) to the item in your base, or remove it from the input.",
                    describe(&inputs[i]),
                    competing.len()
                ),
            );
        }
        None
    }
}

/// Says so of every unowned item that has the identity of an object this run generates for the cluster
/// it names (or for any cluster, when it names none) and that nothing patches, unless an error already
/// explains why: such an item passes through unchanged, and without a word the user would take it for
/// patched. Called once every object has taken its item: an unnamed item still in `patchable.unnamed`
/// was taken by none.
fn left_alone(inputs: &[Value], patchable: &Patchable, generated: &[Made], notes: &mut Diagnostics) {
    let made: BTreeSet<Identity> = generated.iter().map(Made::identity).collect();
    let made_for_any: BTreeSet<Key> = made.iter().map(|(_, key)| *key).collect();
    let mut found: Vec<(usize, String)> = Vec::new();
    for (i, first, cluster) in &patchable.later {
        let key = key(&inputs[*i]);
        let made_here = match cluster {
            Some(target) => made.contains(&(target.as_str(), key)),
            None => made_for_any.contains(&key),
        };
        if made_here {
            let message = format!(
                "{} is left unchanged: {}, earlier in the package, has the same identity{}, and only the first \
                 item of an identity is considered for patching. Remove the duplicate from your base.",
                describe(&inputs[*i]),
                describe(&inputs[*first]),
                cluster.as_deref().map(|c| format!(" and names the same cluster `{c}`")).unwrap_or_default(),
            );
            found.push((*i, message));
        }
    }
    for (key, &i) in &patchable.unnamed {
        if made_for_any.contains(key) && !patchable.reported.contains(&i) {
            let named: Vec<String> = made.iter().filter(|(_, k)| k == key).map(|(t, _)| format!("`{t}`")).collect();
            let message = format!(
                "{} names no cluster and is left unchanged: every cluster this config generates that object for \
                 ({}) has an item of its own naming it, and those are patched. Remove it from your base, or \
                 name the cluster it is for with the annotation `{TARGET_ANNOTATION}: <cluster>`.",
                describe(&inputs[i]),
                named.join(", "),
            );
            found.push((i, message));
        }
    }
    // In the order of the items.
    found.sort_by_key(|(i, _)| *i);
    for (_, message) in found {
        notes.push(crate::diag::Severity::Warning, None, message);
    }
}

/// What becomes of one generated object.
enum Fate<'v> {
    /// It patches the unowned input item `i` in place.
    Patch(usize),
    /// It would patch an unowned input item, but the provider guard refused: the item is left as it is
    /// (an error says why) and the object is not emitted.
    Refused,
    /// It is emitted, replacing the owned input item it names; `conflict` is another config that
    /// generates the same object.
    Emit { replaces: Option<usize>, conflict: Option<&'v str> },
}

/// Decides the output items: unowned inputs in their order (patched in place where a generated object
/// has their identity), then the generated objects. `with_locations` adds package file paths to new
/// objects (kpt needs them; a bare stream does not).
pub fn reconcile(model: &Model, inputs: &[Value], generated: Vec<Manifest>, with_locations: bool) -> Reconciled {
    let seen: Vec<Seen> = inputs.iter().map(seen).collect();
    let made: Vec<Made> = generated.iter().map(Made::of).collect();
    let ours: Vec<bool> = seen.iter().map(|s| s.owner == Some(model.owner.as_str())).collect();
    // The first copy of an owned object is replaced; any further copy (a file duplicated by hand) is
    // pruned with the other owned items that are not generated any more.
    let mut owned: BTreeMap<Identity, usize> = BTreeMap::new();
    // Only items without any owner are patched: another config's objects are that config's business.
    // An item that names its cluster is patched only by that cluster's object; one that names none, by
    // the object of the one cluster that generates its key (see `Patchable`).
    let mut patchable = Patchable::new(model);
    // Objects another config generated: never touched, but the same object from two configs is a
    // conflict the user must hear about (the last one applied wins).
    let mut foreign: BTreeMap<Identity, &str> = BTreeMap::new();
    for (i, item) in seen.iter().enumerate() {
        match item.owner {
            None => patchable.add(i, item),
            Some(_) if ours[i] => {
                owned.entry(item.identity).or_insert(i);
            }
            Some(other) => {
                foreign.insert(item.identity, other);
            }
        }
    }
    let mut ambiguous = Diagnostics::default();
    patchable.compete(&made);
    // Patching wins over replacing: an object a base gained after an earlier run generated it is
    // patched, and the owned copy pruned, exactly as a first run on that base would do.
    let mut fates: Vec<Fate> = made
        .iter()
        .map(|made| match patchable.take(made, inputs, &mut ambiguous) {
            Some(i) => Fate::Patch(i),
            None => {
                let identity = made.identity();
                Fate::Emit { replaces: owned.remove(&identity), conflict: foreign.get(&identity).copied() }
            }
        })
        .collect();
    let mut unpatched = Diagnostics::default();
    left_alone(inputs, &patchable, &made, &mut unpatched);
    // The provider guard runs before the prune notes are worded (a refused patch prunes differently);
    // its own notes keep their place after them, with the patch they are about.
    let mut generated = generated;
    let mut guarded: Vec<Diagnostics> = Vec::with_capacity(generated.len());
    for (manifest, fate) in generated.iter_mut().zip(&mut fates) {
        let mut found = Diagnostics::default();
        if let Fate::Patch(i) = *fate {
            if !providers::guard(model, &inputs[i], manifest, &mut found) {
                *fate = Fate::Refused;
            }
        }
        guarded.push(found);
    }
    // Where several clusters' objects share one key, a patch note says whose fields it laid.
    let mut clusters_per_key: BTreeMap<Key, usize> = BTreeMap::new();
    for m in &made {
        *clusters_per_key.entry(m.key()).or_default() += 1;
    }
    let shared: Vec<bool> = made.iter().map(|m| clusters_per_key[&m.key()] > 1).collect();
    let mut notes = Diagnostics::default();
    pruned_notes(model, inputs, &seen, &ours, &made, &fates, &mut notes);
    notes.extend(ambiguous);
    notes.extend(unpatched);
    let mut out: Vec<Item> = (0..inputs.len()).filter(|&i| !ours[i]).map(Item::Input).collect();
    // Where each unowned input sits in `out`, so a patch finds its slot without a scan.
    let mut slot_of = vec![usize::MAX; inputs.len()];
    for (slot, item) in out.iter().enumerate() {
        if let Item::Input(i) = item {
            slot_of[*i] = slot;
        }
    }
    // New objects avoid every location an item in the output keeps (kpt refuses duplicates).
    let replaced = fates.iter().filter_map(|f| match f {
        Fate::Emit { replaces, .. } => *replaces,
        Fate::Patch(_) | Fate::Refused => None,
    });
    let mut locations =
        Locations::new((0..inputs.len()).filter(|&i| !ours[i]).chain(replaced).filter_map(|i| seen[i].location));
    for (((manifest, fate), found), shared) in generated.into_iter().zip(fates).zip(guarded).zip(shared) {
        notes.extend(found);
        let (old, conflict) = match fate {
            Fate::Refused => continue,
            Fate::Patch(i) => {
                let cluster = shared.then(|| manifest.cluster.target());
                notes.push(crate::diag::Severity::Info, None, patch_note(&inputs[i], cluster.as_deref()));
                let patched = patch(&inputs[i], manifest, &mut notes);
                if patched != inputs[i] {
                    out[slot_of[i]] = Item::Patched(patched);
                }
                continue;
            }
            Fate::Emit { replaces, conflict } => (replaces, conflict),
        };
        if let Some(other) = conflict {
            notes.push(crate::diag::Severity::Warning, None, conflict_note(&manifest, other));
        }
        let path = model.file_path(&manifest.cluster, manifest.wave(), manifest.kind(), manifest.name());
        let mut object = manifest.object;
        if let Some(old) = old {
            locations::keep(&mut object, &inputs[old]);
        } else if with_locations {
            locations.place(&mut object, path);
        }
        out.push(Item::New(object));
    }
    Reconciled { items: out, notes }
}

/// Why an owned item of the previous run is not in this run's output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Pruned {
    /// Its spoke is not in the config any more.
    SpokeGone,
    /// The config's `spec.target` does not cover its cluster.
    OutsideTarget,
    /// A base's unowned object with the same identity was patched instead.
    PatchedBase,
    /// A base's unowned object with the same identity would have been patched, but the provider guard
    /// refused (an error says why): neither it nor this copy carries our object.
    PatchRefused,
    /// A second copy of an object kept once.
    Duplicate,
    /// The config no longer generates it (a setting changed).
    NotGenerated,
}

/// Every owned item this run drops is a warning: one per cluster and reason, listing the objects in
/// input order, because pruning removes what the user may still want (a spoke dropped by mistake, a
/// ConfigMap-form config whose `spokeName` changed) and the package shows nothing of it otherwise.
fn pruned_notes(
    model: &Model,
    inputs: &[Value],
    seen: &[Seen],
    ours: &[bool],
    generated: &[Made],
    fates: &[Fate],
    notes: &mut Diagnostics,
) {
    let mut kept = BTreeSet::new();
    // The identities (the generated object's cluster, not the base item's) whose base item was patched,
    // or whose patch the provider guard refused.
    let mut patched = BTreeSet::new();
    let mut refused = BTreeSet::new();
    for (made, fate) in generated.iter().zip(fates) {
        match fate {
            Fate::Emit { replaces: Some(i), .. } => {
                kept.insert(*i);
            }
            Fate::Emit { replaces: None, .. } => {}
            Fate::Patch(_) => {
                patched.insert(made.identity());
            }
            Fate::Refused => {
                refused.insert(made.identity());
            }
        }
    }
    let generated: BTreeSet<Identity> = generated.iter().map(Made::identity).collect();
    let mut groups: BTreeMap<(&str, Pruned), Vec<String>> = BTreeMap::new();
    for (i, item) in seen.iter().enumerate().filter(|&(i, _)| ours[i] && !kept.contains(&i)) {
        let target = item.identity.0;
        let cluster = match target.split_once('/') {
            Some(("spoke", name)) => Some(Cluster::Spoke(name.to_string())),
            Some(("control-plane", name)) => Some(Cluster::ControlPlane(name.to_string())),
            _ if target == "management" => Some(Cluster::Management),
            _ => None,
        };
        let spoke_gone = match &cluster {
            Some(Cluster::Spoke(name) | Cluster::ControlPlane(name)) => model.spoke(name).is_none(),
            _ => false,
        };
        let reason = if spoke_gone {
            Pruned::SpokeGone
        } else if cluster.as_ref().is_some_and(|c| !model.target.selects(c, item.identity.1 .1)) {
            Pruned::OutsideTarget
        } else if patched.contains(&item.identity) {
            Pruned::PatchedBase
        } else if refused.contains(&item.identity) {
            Pruned::PatchRefused
        } else if generated.contains(&item.identity) {
            Pruned::Duplicate
        } else {
            Pruned::NotGenerated
        };
        groups.entry((target, reason)).or_default().push(describe(&inputs[i]));
    }
    for ((target, reason), objects) in groups {
        let cluster =
            if target.is_empty() { "no cluster (no target annotation)".to_string() } else { target.to_string() };
        let spoke = target.split_once('/').map_or(target, |(_, name)| name);
        let why = match reason {
            Pruned::SpokeGone => format!(
                "spoke `{spoke}` is not in the config any more (a ConfigMap-form config names its one spoke in \
                 `data.spokeName`); if that is a mistake, add the spoke back and run again"
            ),
            Pruned::OutsideTarget => {
                // A FeatureGate-only target covers its spoke, but only that spoke's FeatureGate.
                let covers = match &model.target {
                    Target::FeatureGate(name) if target == Cluster::Spoke(name.clone()).target() => {
                        format!("covers only the FeatureGate of {cluster}")
                    }
                    _ => format!("does not cover {cluster}"),
                };
                format!(
                    "the config's target `{}` {covers}; set `spec.target: all` (`data.target` in the ConfigMap form) \
                     to keep every cluster's objects",
                    model.target.value()
                )
            }
            Pruned::PatchedBase => {
                "an object without an owner in the input (a base's) has the same identity and was patched instead"
                    .into()
            }
            Pruned::PatchRefused => {
                "an object without an owner in the input (a base's) has the same identity; it was left unchanged \
                 because patching it was refused (see the error about it), and no copy of ours is emitted beside it"
                    .into()
            }
            Pruned::Duplicate => "each was a second copy of an object the config keeps once".into(),
            Pruned::NotGenerated => {
                "the config no longer generates them (the spoke, application or setting they came from was removed \
                 or renamed)"
                    .into()
            }
        };
        notes.push(
            crate::diag::Severity::Warning,
            None,
            format!(
                "removed {} object(s) of {cluster} that the config `{}` generated earlier: {}; {why}.",
                objects.len(),
                model.owner,
                objects.join(", ")
            ),
        );
    }
}

/// `Kind namespace/name (file)`, how a result names an input item.
fn describe(item: &Value) -> String {
    let (_, kind, namespace, name) = key(item);
    let ns = if namespace.is_empty() { String::new() } else { format!("{namespace}/") };
    let file = krm::item_path(item).map(|p| format!(" ({p})")).unwrap_or_default();
    format!("{kind} {ns}{name}{file}")
}

fn conflict_note(manifest: &Manifest, other: &str) -> String {
    let namespace = manifest.namespace().map(|n| format!("{n}/")).unwrap_or_default();
    format!(
        "{} {namespace}{} ({}) is also generated by the config `{other}` in this package: two configs produce the same object and whichever is applied last wins. Give the configs different targets, or different management.gitops namespace and name, or merge them into one config.",
        manifest.kind(),
        manifest.name(),
        manifest.cluster.target(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{self, ConfigRef};
    use crate::diag::Topic;
    use crate::generate::NamedList;
    use crate::krm::annotation;
    use crate::krm::set_annotation;
    use crate::resolve::{resolve, Options};

    fn model(config_dir: &str) -> Model {
        model_of("{appDomain: apps.example.com, spokes: [{name: s1, server: 'https://api.s1:6443'}]}", config_dir)
    }

    /// Spokes `s1` (OpenShift 4.19) and `s2`, and `spec.target: target`.
    fn two_spokes(target: &str) -> Model {
        model_of(
            &format!(
                "{{appDomain: apps.example.com, target: '{target}', spokes: [{{name: s1, server: 'https://api.s1:6443', \
                 openshiftVersion: '4.19'}}, {{name: s2, server: 'https://api.s2:6443'}}]}}"
            ),
            "",
        )
    }

    fn model_of(spec: &str, config_dir: &str) -> Model {
        let fc: Value = serde_yaml_ng::from_str(&format!(
            "apiVersion: fn.ztwim-gitops.dev/v1alpha1\nkind: ZtwimGitOps\nmetadata: {{name: cfg}}\nspec: {spec}"
        ))
        .unwrap();
        let reference = ConfigRef { name: "cfg".into(), ..Default::default() };
        let (config, diags) = config::load(&fc, reference);
        assert!(!diags.has_errors(), "{diags:?}");
        resolve(&config.unwrap(), &Options { config_dir, target: None, stream: false }).unwrap().0
    }

    fn yaml(s: &str) -> Value {
        serde_yaml_ng::from_str(s).unwrap()
    }

    /// A generated object as `Output::push` leaves it.
    fn manifest(cluster: Cluster, api_version: &str, kind: &str, ns: Option<&str>, name: &str, spec: &str) -> Manifest {
        let mut object =
            yaml(&format!("apiVersion: {api_version}\nkind: {kind}\nmetadata: {{name: {name}}}\nspec: {spec}"));
        if let Some(ns) = ns {
            object["metadata"].as_mapping_mut().unwrap().insert("namespace".into(), ns.into());
        }
        set_annotation(&mut object, OWNER_ANNOTATION, "cfg");
        set_annotation(&mut object, TARGET_ANNOTATION, &cluster.target());
        Manifest::new(cluster, Tree::of(&object).unwrap())
    }

    /// A generated or patched output item, as a `Value`.
    fn new(item: &Item) -> Value {
        match item {
            Item::New(tree) => tree.to_value(),
            Item::Patched(v) => v.clone(),
            Item::Input(i) => panic!("expected a new object, got input {i}"),
        }
    }

    fn ann<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
        annotation(v, key)
    }

    #[test]
    fn new_objects_get_paths_under_the_config_dir_with_distinct_indexes() {
        let m = model("deploy");
        let unrelated = yaml(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n  annotations:\n    \
             internal.config.kubernetes.io/path: deploy/management/00-configmap-x.yaml\n",
        );
        let generated = vec![
            manifest(Cluster::Management, "v1", "ConfigMap", Some("a"), "x", "{}"),
            manifest(Cluster::Management, "v1", "ConfigMap", Some("b"), "x", "{}"),
            manifest(Cluster::Spoke("s1".into()), "config.openshift.io/v1", "Authentication", None, "cluster", "{}"),
        ];
        let r = reconcile(&m, std::slice::from_ref(&unrelated), generated, true);
        assert_eq!(r.items[0], Item::Input(0));
        let locations: Vec<_> = r.items[1..]
            .iter()
            .map(|i| {
                let v = &new(i);
                assert_eq!(ann(v, krm::PATH_ANNOTATION), ann(v, krm::LEGACY_PATH_ANNOTATION));
                assert_eq!(ann(v, krm::INDEX_ANNOTATION), ann(v, krm::LEGACY_INDEX_ANNOTATION));
                (ann(v, krm::PATH_ANNOTATION).unwrap().to_string(), ann(v, krm::INDEX_ANNOTATION).unwrap().to_string())
            })
            .collect();
        // Index 0 of that file is the unrelated item's: the generated ones take 1 and 2.
        assert_eq!(
            locations.iter().map(|(p, i)| (p.as_str(), i.as_str())).collect::<Vec<_>>(),
            [
                ("deploy/management/00-configmap-x.yaml", "1"),
                ("deploy/management/00-configmap-x.yaml", "2"),
                ("deploy/spokes/s1/00-authentication-cluster.yaml", "0"),
            ]
        );
        assert!(r.notes.iter().next().is_none());
    }

    #[test]
    fn without_locations_new_objects_carry_no_path() {
        let r =
            reconcile(&model(""), &[], vec![manifest(Cluster::Management, "v1", "ConfigMap", None, "x", "{}")], false);
        assert_eq!(ann(&new(&r.items[0]), krm::PATH_ANNOTATION), None);
    }

    #[test]
    fn owned_items_are_replaced_keeping_location_and_ids_and_stale_ones_pruned() {
        let m = model("");
        let owned = |target: &str, kind: &str, name: &str, id: &str| {
            yaml(&format!(
                "apiVersion: config.openshift.io/v1\nkind: {kind}\nmetadata:\n  name: {name}\n  annotations:\n    \
                 ztwim-gitops.dev/owner: cfg\n    ztwim-gitops.dev/target: {target}\n    \
                 internal.config.kubernetes.io/path: moved/by-user.yaml\n    internal.config.kubernetes.io/index: '3'\n    \
                 config.kubernetes.io/path: moved/by-user.yaml\n    config.kubernetes.io/index: '3'\n    \
                 internal.config.kubernetes.io/id: '{id}'\n    config.k8s.io/id: '{id}'\n    \
                 internal.config.kubernetes.io/seqindent: wide\nspec: {{old: true}}\n"
            ))
        };
        let inputs = vec![
            owned("spoke/s1", "Authentication", "cluster", "1"),
            owned("spoke/gone", "Authentication", "cluster", "2"),
            yaml("apiVersion: v1\nkind: Namespace\nmetadata: {name: mine}"),
            // Another config's object with the same identity is not ours to replace or prune.
            yaml("apiVersion: config.openshift.io/v1\nkind: Authentication\nmetadata:\n  name: cluster\n  annotations:\n    ztwim-gitops.dev/owner: other\n    ztwim-gitops.dev/target: spoke/s1\n"),
        ];
        let generated = vec![manifest(
            Cluster::Spoke("s1".into()),
            "config.openshift.io/v1",
            "Authentication",
            None,
            "cluster",
            "{new: true}",
        )];
        let r = reconcile(&m, &inputs, generated, true);
        assert_eq!(r.items[..2], [Item::Input(2), Item::Input(3)]);
        assert_eq!(r.items.len(), 3, "the spoke that is gone is pruned");
        let replaced = &new(&r.items[2]);
        assert_eq!(replaced["spec"], yaml("{new: true}"));
        for (key, value) in [
            ("internal.config.kubernetes.io/path", "moved/by-user.yaml"),
            ("config.kubernetes.io/path", "moved/by-user.yaml"),
            ("internal.config.kubernetes.io/index", "3"),
            ("config.kubernetes.io/index", "3"),
            ("internal.config.kubernetes.io/id", "1"),
            ("config.k8s.io/id", "1"),
            ("internal.config.kubernetes.io/seqindent", "wide"),
            (OWNER_ANNOTATION, "cfg"),
            (TARGET_ANNOTATION, "spoke/s1"),
        ] {
            assert_eq!(ann(replaced, key), Some(value), "{key}");
        }
    }

    #[test]
    fn unowned_items_with_a_generated_identity_are_patched_in_place() {
        let m = model("");
        let base_sub = yaml(
            "apiVersion: operators.coreos.com/v1alpha1\nkind: Subscription\nmetadata:\n  name: ztwim\n  \
             namespace: zt\n  labels: {team: x}\n  annotations: {note: keep}\n\
             spec:\n  channel: PLACEHOLDER\n  config: {env: [{name: A, value: a}]}\n  installPlanApproval: Manual\n",
        );
        let inputs = vec![yaml("apiVersion: v1\nkind: Namespace\nmetadata: {name: zt}"), base_sub];
        let generated = vec![
            manifest(
                Cluster::Management,
                "operators.coreos.com/v1alpha1",
                "Subscription",
                Some("zt"),
                "ztwim",
                "{channel: stable-v1, config: {env: [{name: B, value: b}]}, name: ztwim}",
            ),
            manifest(Cluster::Management, "v1", "ConfigMap", Some("zt"), "extra", "{}"),
        ];
        let r = reconcile(&m, &inputs, generated, true);
        assert_eq!(r.items.len(), 3, "patched once, not duplicated");
        assert_eq!(r.items[0], Item::Input(0));
        let patched = &new(&r.items[1]);
        let expected = yaml(
            "apiVersion: operators.coreos.com/v1alpha1\nkind: Subscription\nmetadata:\n  name: ztwim\n  \
             namespace: zt\n  labels: {team: x}\n  annotations: {note: keep}\n\
             spec:\n  channel: stable-v1\n  config: {env: [{name: B, value: b}]}\n  installPlanApproval: Manual\n  \
             name: ztwim\n",
        );
        assert_eq!(*patched, expected, "maps merge, generated scalars and lists win, input-only fields stay");
        assert_eq!(ann(&new(&r.items[2]), OWNER_ANNOTATION), Some("cfg"));
        let notes: Vec<_> = r.notes.iter().collect();
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0].severity, crate::diag::Severity::Info);
        assert!(notes[0].message.starts_with("patched Subscription zt/ztwim with the generated fields"), "{notes:?}");
    }

    #[test]
    fn a_named_list_keeps_the_bases_entries_and_joins_listed_values() {
        let base = yaml(
            "apiVersion: operators.coreos.com/v1alpha1\nkind: Subscription\nmetadata: {name: s, namespace: n}\n\
             spec:\n  config:\n    env:\n    - {name: KEEP, value: mine}\n    - {name: NS, value: 'a, b'}\n    \
             - {name: OURS, value: old}\n",
        );
        let mut m = manifest(
            Cluster::Management,
            "operators.coreos.com/v1alpha1",
            "Subscription",
            Some("n"),
            "s",
            "{config: {env: [{name: OURS, value: new}, {name: NS, value: 'b,c'}, {name: ADDED, value: x}]}}",
        );
        m.named_lists.push(NamedList { field: &["spec", "config", "env"], joined: &["NS"] });
        let r = reconcile(&model(""), &[base], vec![m], true);
        let item = new(&r.items[0]);
        let env = &item["spec"]["config"]["env"];
        assert_eq!(
            *env,
            yaml("[{name: KEEP, value: mine}, {name: NS, value: 'a,b,c'}, {name: OURS, value: new}, {name: ADDED, value: x}]"),
            "the base's entries stay in place, ours replace theirs by name, listed values are joined"
        );
    }

    #[test]
    fn an_item_already_patched_passes_through_unchanged() {
        let m = model("");
        let input = yaml("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: n}\nspec: {a: 1, b: 2}");
        let r = reconcile(
            &m,
            &[input],
            vec![manifest(Cluster::Management, "v1", "ConfigMap", Some("n"), "x", "{a: 1}")],
            true,
        );
        assert_eq!(r.items, [Item::Input(0)], "so its source text is copied verbatim");
        assert_eq!(r.notes.iter().count(), 1);
    }

    /// An owned item as a previous run left it, at `path` / `index`.
    fn owned_at(kind: &str, ns: &str, name: &str, path: &str, index: &str) -> Value {
        yaml(&format!(
            "apiVersion: v1\nkind: {kind}\nmetadata:\n  name: {name}\n  namespace: {ns}\n  annotations:\n    \
             ztwim-gitops.dev/owner: cfg\n    ztwim-gitops.dev/target: management\n    \
             internal.config.kubernetes.io/path: {path}\n    internal.config.kubernetes.io/index: '{index}'\n"
        ))
    }

    #[test]
    fn the_same_object_from_another_config_is_kept_and_warned_about() {
        let theirs = yaml(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: n\n  annotations:\n    \
             ztwim-gitops.dev/owner: other\n    ztwim-gitops.dev/target: management\n",
        );
        let generated = vec![manifest(Cluster::Management, "v1", "ConfigMap", Some("n"), "x", "{}")];
        let r = reconcile(&model(""), std::slice::from_ref(&theirs), generated, true);
        assert_eq!(r.items[0], Item::Input(0), "another config's object is never touched");
        assert_eq!(r.items.len(), 2);
        let notes: Vec<_> = r.notes.iter().collect();
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert_eq!(notes[0].severity, crate::diag::Severity::Warning);
        assert!(notes[0].message.contains("ConfigMap n/x (management) is also generated by the config `other`"));
    }

    #[test]
    fn a_duplicated_owned_item_is_replaced_once_and_the_copy_pruned() {
        let copy = owned_at("ConfigMap", "n", "x", "management/configmap-x.yaml", "0");
        let inputs = [copy.clone(), copy];
        let generated = vec![manifest(Cluster::Management, "v1", "ConfigMap", Some("n"), "x", "{}")];
        let r = reconcile(&model(""), &inputs, generated, true);
        assert_eq!(r.items.len(), 1, "{:?}", r.items);
        assert!(matches!(r.items[0], Item::New(_)));
        assert_eq!(
            removed(&r),
            ["removed 1 object(s) of management that the config `cfg` generated earlier: ConfigMap n/x \
              (management/configmap-x.yaml); each was a second copy of an object the config keeps once."]
        );
    }

    #[test]
    fn a_new_object_never_takes_the_location_a_replaced_item_keeps() {
        // A previous run wrote only `b` to the shared file; now `a`, generated first, shares it too.
        let inputs = [owned_at("ConfigMap", "b", "x", "management/configmap-x.yaml", "0")];
        let generated = vec![
            manifest(Cluster::Management, "v1", "ConfigMap", Some("a"), "x", "{}"),
            manifest(Cluster::Management, "v1", "ConfigMap", Some("b"), "x", "{}"),
        ];
        let r = reconcile(&model(""), &inputs, generated, true);
        let locations: BTreeSet<_> = r
            .items
            .iter()
            .map(|i| {
                let v = &new(i);
                (ann(v, krm::PATH_ANNOTATION).unwrap().to_string(), ann(v, krm::INDEX_ANNOTATION).unwrap().to_string())
            })
            .collect();
        assert_eq!(r.items.len(), 2);
        assert_eq!(locations.len(), 2, "kpt refuses two objects at one path and index: {locations:?}");
    }

    #[test]
    fn an_unowned_item_is_patched_even_when_an_owned_copy_exists() {
        // A previous run generated the Subscription; since then the user added a base that has it.
        let owned = owned_at("ConfigMap", "n", "x", "management/configmap-x.yaml", "0");
        let base = yaml("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: n}\nspec: {mine: 1}");
        let generated = vec![manifest(Cluster::Management, "v1", "ConfigMap", Some("n"), "x", "{a: 1}")];
        let r = reconcile(&model(""), &[owned, base], generated, true);
        assert_eq!(r.items.len(), 1, "one object, not a duplicate: {:?}", r.items);
        let patched = &new(&r.items[0]);
        assert_eq!(patched["spec"], yaml("{mine: 1, a: 1}"));
        assert_eq!(ann(patched, OWNER_ANNOTATION), None, "the base's object stays the user's");
    }

    /// An OpenShift `Authentication/cluster` as a spoke has it, with one provider.
    fn spoke_authentication(name: &str, issuer: &str) -> Value {
        yaml(&format!(
            "apiVersion: config.openshift.io/v1\nkind: Authentication\nmetadata: {{name: cluster}}\n\
             spec:\n  type: OIDC\n  oidcProviders:\n  - name: {name}\n    issuer: {{issuerURL: '{issuer}', audiences: [x]}}\n"
        ))
    }

    fn our_authentication() -> Manifest {
        manifest(
            Cluster::Spoke("s1".into()),
            "config.openshift.io/v1",
            "Authentication",
            None,
            "cluster",
            "{type: OIDC, oidcProviders: [{name: ztwim, issuer: {issuerURL: 'https://issuer.example.com'}}]}",
        )
    }

    #[test]
    fn an_existing_oidc_provider_is_not_replaced_without_acknowledgement() {
        let entra = spoke_authentication("entra", "https://login.microsoftonline.com/t/v2.0");
        let r = reconcile(&model(""), std::slice::from_ref(&entra), vec![our_authentication()], true);
        assert_eq!(r.items, [Item::Input(0)], "the spoke's Authentication is left as it is");
        let errors: Vec<_> = r.notes.iter().filter(|n| n.severity == crate::diag::Severity::Error).collect();
        assert_eq!(errors.len(), 1, "{:?}", r.notes);
        assert_eq!(errors[0].path.as_deref(), Some("spec.spokes.0"));
        let message = &errors[0].message;
        assert!(message.contains("`entra` (issuer https://login.microsoftonline.com/t/v2.0)"), "{message}");
        assert!(message.contains("replaceOidcProvider"), "{message}");

        let mut m = model("");
        m.acknowledged.insert(Topic::ReplaceOidcProvider);
        let r = reconcile(&m, &[entra], vec![our_authentication()], true);
        let patched = &new(&r.items[0]);
        assert_eq!(patched["spec"]["oidcProviders"][0]["name"], yaml("ztwim"));
        assert_eq!(patched["spec"]["oidcProviders"].as_sequence().unwrap().len(), 1);
        let warnings: Vec<_> = r.notes.iter().filter(|n| n.severity == crate::diag::Severity::Warning).collect();
        assert_eq!(warnings.len(), 1, "{:?}", r.notes);
        assert!(warnings[0]
            .message
            .contains("replaced the OIDC provider `entra` (issuer https://login.microsoftonline.com/t/v2.0)"));
        assert!(!r.notes.has_errors());
    }

    #[test]
    fn our_own_provider_by_name_or_issuer_is_replaced_without_a_word() {
        for (name, issuer) in [("ztwim", "https://old-issuer.example.com"), ("renamed", "https://issuer.example.com")] {
            let r = reconcile(&model(""), &[spoke_authentication(name, issuer)], vec![our_authentication()], true);
            assert!(matches!(r.items[..], [Item::Patched(_)]), "{name}");
            assert!(r.notes.iter().all(|n| n.severity == crate::diag::Severity::Info), "{name}: {:?}", r.notes);
        }
    }

    #[test]
    fn a_hosted_clusters_existing_provider_is_not_replaced_either() {
        let hosted = yaml(
            "apiVersion: hypershift.openshift.io/v1beta1\nkind: HostedCluster\nmetadata: {name: s1, namespace: clusters}\n\
             spec:\n  configuration:\n    authentication:\n      type: OIDC\n      oidcProviders:\n      \
             - {name: keycloak, issuer: {issuerURL: 'https://sso.example.com/realms/x'}}\n",
        );
        let ours = manifest(
            Cluster::ControlPlane("s1".into()),
            "hypershift.openshift.io/v1beta1",
            "HostedCluster",
            Some("clusters"),
            "s1",
            "{configuration: {authentication: {type: OIDC, oidcProviders: [{name: ztwim, issuer: {issuerURL: 'https://issuer.example.com'}}]}}}",
        );
        let r = reconcile(&model(""), &[hosted], vec![ours], true);
        assert_eq!(r.items, [Item::Input(0)]);
        assert!(r.notes.has_errors());
        assert!(r.notes.iter().any(|n| n.message.contains("`keycloak` (issuer https://sso.example.com/realms/x)")));
    }

    /// A base's kube-apiserver `AuthenticationConfiguration` with another issuer and an old entry of ours.
    const KUBE_APISERVER_CONFIG: &str = "apiVersion: apiserver.config.k8s.io/v1beta1\nkind: AuthenticationConfiguration\njwt:\n\
                    - issuer: {url: 'https://sso.example.com', audiences: [k8s]}\n  claimMappings: {username: {claim: email, prefix: ''}}\n\
                    - issuer: {url: 'https://issuer.example.com', audiences: [old]}\n  claimMappings: {username: {claim: sub, prefix: ''}}\n";

    #[test]
    fn a_kube_apiserver_config_keeps_the_other_jwt_issuers() {
        let r = patch_kube_apiserver_config(KUBE_APISERVER_CONFIG);
        let text = new(&r.items[0])["data"]["authentication-config.yaml"].as_str().unwrap().to_string();
        let merged = yaml(&text);
        let urls: Vec<_> =
            merged["jwt"].as_sequence().unwrap().iter().map(|j| j["issuer"]["url"].as_str().unwrap()).collect();
        assert_eq!(urls, ["https://sso.example.com", "https://issuer.example.com"], "{text}");
        assert_eq!(merged["jwt"][1]["issuer"]["audiences"], yaml("[new]"), "ours replaces the entry of our issuer");
        let infos: Vec<_> = r.notes.iter().filter(|n| n.message.starts_with("kept 1 other jwt issuer")).collect();
        assert_eq!(infos.len(), 1, "{:?}", r.notes);
        assert!(infos[0].message.contains("https://sso.example.com"));
        assert!(r.notes.iter().all(|n| !n.message.contains("comments")), "it had none: {:?}", r.notes);
    }

    #[test]
    fn a_kube_apiserver_configs_comments_lost_in_the_merge_are_named() {
        let file = format!(
            "# Keycloak for people; see the runbook\n{}",
            KUBE_APISERVER_CONFIG.replace("[k8s]}", "[k8s]}  # the console's client")
        );
        let r = patch_kube_apiserver_config(&file);
        let notes: Vec<_> = r.notes.iter().filter(|n| n.message.contains("comments")).collect();
        assert_eq!(notes.len(), 1, "{:?}", r.notes);
        assert_eq!(notes[0].severity, crate::diag::Severity::Info);
        assert_eq!(notes[0].path.as_deref(), Some("spec.spokes.0"));
        assert_eq!(
            notes[0].message,
            "did not keep the YAML comments of `authentication-config.yaml` in ConfigMap \
             kube-system/authentication-config (2 line(s) with a comment): the file is rewritten from its content, \
             which comments are not part of. Keep such notes outside the file (an annotation on the ConfigMap \
             stays), or put them back after the patch."
        );
        let item = new(&r.items[0]);
        let text = item["data"]["authentication-config.yaml"].as_str().unwrap();
        assert!(!text.contains('#'), "{text}");
    }

    /// Spoke s1's generated kube-apiserver config patched over a base's carrier ConfigMap holding `file`.
    fn patch_kube_apiserver_config(file: &str) -> Reconciled {
        let mut carrier =
            yaml("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: authentication-config, namespace: kube-system}\n");
        carrier.as_mapping_mut().unwrap().insert("data".into(), yaml("{}"));
        carrier["data"].as_mapping_mut().unwrap().insert("authentication-config.yaml".into(), file.into());
        let ours_text = "apiVersion: apiserver.config.k8s.io/v1beta1\nkind: AuthenticationConfiguration\njwt:\n\
                         - issuer: {url: 'https://issuer.example.com', audiences: [new]}\n  claimMappings: {username: {claim: sub, prefix: ''}}\n";
        let mut ours = manifest(
            Cluster::Spoke("s1".into()),
            "v1",
            "ConfigMap",
            Some("kube-system"),
            "authentication-config",
            "{}",
        );
        let mut object = ours.value();
        object.as_mapping_mut().unwrap().remove("spec");
        object.as_mapping_mut().unwrap().insert("data".into(), yaml("{}"));
        object["data"].as_mapping_mut().unwrap().insert("authentication-config.yaml".into(), ours_text.into());
        ours.object = Tree::of(&object).unwrap();
        ours.file = Some(crate::generate::PlainFile { name: "authentication-config.yaml", text: ours_text.into() });
        reconcile(&model(""), &[carrier], vec![ours], true)
    }

    /// Spoke `spoke`'s generated `Authentication/cluster`, with our provider and a field naming the spoke.
    fn authentication_of(spoke: &str) -> Manifest {
        manifest(
            Cluster::Spoke(spoke.into()),
            "config.openshift.io/v1",
            "Authentication",
            None,
            "cluster",
            &format!("{{type: OIDC, oidcProviders: [{{name: ztwim, issuer: {{issuerURL: 'https://issuer.example.com'}}}}], for: {spoke}}}"),
        )
    }

    /// A base's `Authentication/cluster` that already has our provider, marked with `annotation`.
    fn base_authentication(annotation: Option<(&str, &str)>) -> Value {
        let mut item = spoke_authentication("ztwim", "https://old.example.com");
        if let Some((key, value)) = annotation {
            set_annotation(&mut item, key, value);
        }
        item
    }

    /// Runs spokes s1 and s2's `Authentication/cluster` over `inputs`: each item is patched, in place and
    /// without an error, with the object of the spoke `expected` names for it.
    fn assert_patched_with(inputs: &[Value], expected: [&str; 2]) {
        let r = reconcile(&two_spokes("all"), inputs, vec![authentication_of("s1"), authentication_of("s2")], true);
        assert_eq!(r.items.len(), 2, "patched, nothing emitted beside them: {:?}", r.items);
        let got: Vec<_> = r.items.iter().map(|i| new(i)["spec"]["for"].as_str().unwrap().to_string()).collect();
        assert_eq!(got, expected);
        assert!(!r.notes.has_errors(), "{:?}", r.notes);
        let mut whose: Vec<_> = r
            .notes
            .iter()
            .filter_map(|n| n.message.split_once(" with ")?.1.split_once("'s generated fields").map(|(c, _)| c))
            .collect();
        whose.sort_unstable();
        assert_eq!(whose, ["spoke/s1", "spoke/s2"], "the notes name whose object patched each: {:?}", r.notes);
    }

    #[test]
    fn each_spokes_object_patches_the_item_that_names_that_spoke() {
        // Named by the annotation (spoke s2) and by its package path (spoke s1), in the other order.
        let inputs = [
            base_authentication(Some((TARGET_ANNOTATION, "spoke/s2"))),
            base_authentication(Some((krm::PATH_ANNOTATION, "spokes/s1/base/authentication.yaml"))),
        ];
        assert_patched_with(&inputs, ["s2", "s1"]);
    }

    #[test]
    fn an_item_naming_no_cluster_goes_to_the_one_spoke_no_other_item_claims() {
        assert_patched_with(
            &[base_authentication(None), base_authentication(Some((TARGET_ANNOTATION, "spoke/s1")))],
            ["s2", "s1"],
        );
    }

    #[test]
    fn an_item_naming_no_cluster_is_not_patched_with_a_guessed_spokes_object() {
        let mut item = base_authentication(None);
        set_annotation(&mut item, krm::PATH_ANNOTATION, "base/authentication.yaml");
        let r = reconcile(
            &two_spokes("all"),
            std::slice::from_ref(&item),
            vec![authentication_of("s1"), authentication_of("s2")],
            true,
        );
        assert_eq!(r.items[0], Item::Input(0), "left unchanged");
        let emitted: Vec<_> =
            r.items[1..].iter().map(|i| ann(&new(i), TARGET_ANNOTATION).unwrap().to_string()).collect();
        assert_eq!(emitted, ["spoke/s1", "spoke/s2"], "each spoke's object is emitted on its own");
        let errors: Vec<_> = r.notes.iter().filter(|n| n.severity == crate::diag::Severity::Error).collect();
        assert_eq!(errors.len(), 1, "{:?}", r.notes);
        assert_eq!(
            errors[0].message,
            "Authentication cluster (base/authentication.yaml) has no owner and names no cluster, and this config \
             generates that object for 2 clusters (`spoke/s1`, `spoke/s2`), so it is not patched with any of them \
             (each is emitted on its own): which cluster it is for cannot be guessed. Add the annotation \
             `ztwim-gitops.dev/target: <cluster>` (one of `spoke/s1`, `spoke/s2`) to the item in your base, or \
             remove it from the input."
        );
    }

    #[test]
    fn an_item_naming_another_cluster_is_not_patched() {
        // The config emits only spoke s1; the base's item is spoke s2's.
        let item = base_authentication(Some((TARGET_ANNOTATION, "spoke/s2")));
        let r = reconcile(&two_spokes("spoke/s1"), std::slice::from_ref(&item), vec![authentication_of("s1")], true);
        assert_eq!(r.items[0], Item::Input(0));
        assert_eq!(ann(&new(&r.items[1]), TARGET_ANNOTATION), Some("spoke/s1"));
    }

    #[test]
    fn an_item_under_another_spokes_directory_is_not_patched_in_a_run_for_one_spoke() {
        // The run's target generates only spoke s1; the base's item lies in spoke s2's directory.
        let item = base_authentication(Some((krm::PATH_ANNOTATION, "spokes/s2/authentication.yaml")));
        let r = reconcile(&two_spokes("spoke/s1"), std::slice::from_ref(&item), vec![authentication_of("s1")], true);
        assert_eq!(r.items[0], Item::Input(0));
        assert_eq!(ann(&new(&r.items[1]), TARGET_ANNOTATION), Some("spoke/s1"));
    }

    #[test]
    fn a_second_item_of_one_identity_is_left_unchanged_and_said_to_be() {
        let mut first = base_authentication(Some((TARGET_ANNOTATION, "spoke/s1")));
        set_annotation(&mut first, krm::PATH_ANNOTATION, "base/a.yaml");
        let mut second = first.clone();
        set_annotation(&mut second, krm::PATH_ANNOTATION, "base/b.yaml");
        let r = reconcile(
            &two_spokes("all"),
            &[first, second],
            vec![authentication_of("s1"), authentication_of("s2")],
            true,
        );
        assert!(matches!(r.items[0], Item::Patched(_)), "the first is patched");
        assert_eq!(r.items[1], Item::Input(1), "the second is left as it is");
        let warnings: Vec<_> = r.notes.iter().filter(|n| n.severity == crate::diag::Severity::Warning).collect();
        assert_eq!(warnings.len(), 1, "{:?}", r.notes);
        assert_eq!(
            warnings[0].message,
            "Authentication cluster (base/b.yaml) is left unchanged: Authentication cluster (base/a.yaml), earlier in \
             the package, has the same identity and names the same cluster `spoke/s1`, and only the first item of an \
             identity is considered for patching. Remove the duplicate from your base."
        );
    }

    #[test]
    fn copies_of_another_clusters_item_are_not_this_runs_business() {
        // The run generates only spoke s1; the base holds spoke s2's object twice: nothing to say.
        let item = base_authentication(Some((TARGET_ANNOTATION, "spoke/s2")));
        let r = reconcile(&two_spokes("spoke/s1"), &[item.clone(), item], vec![authentication_of("s1")], true);
        assert_eq!(r.items[..2], [Item::Input(0), Item::Input(1)]);
        assert!(r.notes.iter().all(|n| n.severity != crate::diag::Severity::Warning), "{:?}", r.notes);
    }

    #[test]
    fn an_item_naming_no_cluster_is_said_to_be_left_alone_when_every_cluster_has_its_own() {
        let mut unnamed = base_authentication(None);
        set_annotation(&mut unnamed, krm::PATH_ANNOTATION, "base/authentication.yaml");
        let inputs = [
            unnamed,
            base_authentication(Some((TARGET_ANNOTATION, "spoke/s1"))),
            base_authentication(Some((TARGET_ANNOTATION, "spoke/s2"))),
        ];
        let r = reconcile(&two_spokes("all"), &inputs, vec![authentication_of("s1"), authentication_of("s2")], true);
        assert_eq!(r.items[0], Item::Input(0));
        assert!(r.items[1..].iter().all(|i| matches!(i, Item::Patched(_))), "the named ones are patched");
        let warnings: Vec<_> = r.notes.iter().filter(|n| n.severity == crate::diag::Severity::Warning).collect();
        assert_eq!(warnings.len(), 1, "{:?}", r.notes);
        assert_eq!(
            warnings[0].message,
            "Authentication cluster (base/authentication.yaml) names no cluster and is left unchanged: every cluster \
             this config generates that object for (`spoke/s1`, `spoke/s2`) has an item of its own naming it, and \
             those are patched. Remove it from your base, or name the cluster it is for with the annotation \
             `ztwim-gitops.dev/target: <cluster>`."
        );
    }

    /// Spoke s1's `Authentication/cluster` as a previous run of `cfg` left it.
    fn owned_authentication() -> Value {
        let mut item =
            yaml("apiVersion: config.openshift.io/v1\nkind: Authentication\nmetadata: {name: cluster}\nspec: {}");
        for (key, value) in [
            (OWNER_ANNOTATION, "cfg"),
            (TARGET_ANNOTATION, "spoke/s1"),
            (krm::PATH_ANNOTATION, "spokes/s1/00-authentication-cluster.yaml"),
        ] {
            set_annotation(&mut item, key, value);
        }
        item
    }

    /// The prune warnings of a run.
    fn removed(r: &Reconciled) -> Vec<&str> {
        r.notes.iter().filter(|n| n.message.starts_with("removed ")).map(|n| n.message.as_str()).collect()
    }

    #[test]
    fn an_owned_copy_pruned_for_a_refused_patch_says_nothing_was_patched() {
        let entra = spoke_authentication("entra", "https://login.microsoftonline.com/t/v2.0");
        let r = reconcile(&model(""), &[owned_authentication(), entra], vec![our_authentication()], true);
        assert_eq!(r.items, [Item::Input(1)], "the base's item unchanged, nothing of ours beside it");
        assert!(r.notes.has_errors());
        assert_eq!(
            removed(&r),
            ["removed 1 object(s) of spoke/s1 that the config `cfg` generated earlier: Authentication cluster \
              (spokes/s1/00-authentication-cluster.yaml); an object without an owner in the input (a base's) has the \
              same identity; it was left unchanged because patching it was refused (see the error about it), and no \
              copy of ours is emitted beside it."]
        );
        assert!(r.notes.iter().all(|n| !n.message.starts_with("patched ")), "{:?}", r.notes);

        // Patched, the same prune says so.
        let ours = spoke_authentication("ztwim", "https://issuer.example.com");
        let r = reconcile(&model(""), &[owned_authentication(), ours], vec![our_authentication()], true);
        assert_eq!(
            removed(&r),
            ["removed 1 object(s) of spoke/s1 that the config `cfg` generated earlier: Authentication cluster \
              (spokes/s1/00-authentication-cluster.yaml); an object without an owner in the input (a base's) has the \
              same identity and was patched instead."]
        );
    }

    #[test]
    fn owned_objects_outside_the_target_are_pruned_saying_which_target() {
        let r = reconcile(&two_spokes("spoke/s2"), &[owned_authentication()], vec![], true);
        assert_eq!(
            removed(&r),
            ["removed 1 object(s) of spoke/s1 that the config `cfg` generated earlier: Authentication cluster \
              (spokes/s1/00-authentication-cluster.yaml); the config's target `spoke/s2` does not cover spoke/s1; set \
              `spec.target: all` (`data.target` in the ConfigMap form) to keep every cluster's objects."]
        );
        let r = reconcile(&two_spokes("spoke/s1/featuregate"), &[owned_authentication()], vec![], true);
        assert_eq!(
            removed(&r),
            ["removed 1 object(s) of spoke/s1 that the config `cfg` generated earlier: Authentication cluster \
              (spokes/s1/00-authentication-cluster.yaml); the config's target `spoke/s1/featuregate` covers only the \
              FeatureGate of spoke/s1; set `spec.target: all` (`data.target` in the ConfigMap form) to keep every \
              cluster's objects."]
        );
    }
}
