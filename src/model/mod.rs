//! The resolved model, what stage 3 ([`crate::resolve`]) hands to stage 4: the single source of truth
//! for every generator, for reconcile and for the commands that read a config (`explain`, `diff`); the
//! doctor shares its contract rules (`rules.rs`) and constants. It is plain data in its own words:
//! [`Trust`] (what the management cluster issues), one [`SpokeContract`] per spoke (what that spoke must
//! accept, and how Argo CD presents it), and the install settings around them. Nothing here reads the
//! config: `crate::resolve` builds a model from a config, once, and that is the only place config
//! becomes facts; where a value came from is an opaque [`Origin`] resolve hands out.

mod contract;
mod management;
mod origin;
mod rules;
mod spoke;
mod trust;

pub use contract::*;
pub use management::*;
pub use origin::*;
pub use rules::*;
pub use spoke::*;
pub use trust::*;

use crate::api::openshift_config::FeatureGate;
use crate::diag::Topic;
use k8s_openapi::Resource;
use std::collections::{BTreeMap, BTreeSet};

/// Annotation naming the config that owns a generated object.
pub const OWNER_ANNOTATION: &str = "ztwim-gitops.dev/owner";
/// Annotation naming the cluster an object is applied to (`management`, `spoke/<name>`).
pub const TARGET_ANNOTATION: &str = "ztwim-gitops.dev/target";
/// The recommended Kubernetes labels every generated object carries: managed by us, part of the config.
pub const MANAGED_BY_LABEL: &str = "app.kubernetes.io/managed-by";
pub const PART_OF_LABEL: &str = "app.kubernetes.io/part-of";
pub const MANAGER: &str = "ztwim-gitops";

/// The cluster an object is applied to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Cluster {
    Management,
    Spoke(String),
    /// Where a spoke's control plane is configured, for the kinds whose API server is not configured
    /// on the spoke itself: a hosted spoke's hosting cluster (its HostedCluster's), an EKS spoke's
    /// cluster running the ACK EKS controller.
    ControlPlane(String),
}

impl Cluster {
    /// The value of [`TARGET_ANNOTATION`].
    pub fn target(&self) -> String {
        match self {
            Cluster::Management => "management".into(),
            Cluster::Spoke(name) => format!("spoke/{name}"),
            Cluster::ControlPlane(name) => format!("control-plane/{name}"),
        }
    }
    /// The directory, relative to the config's, that holds this cluster's files.
    pub fn dir(&self) -> String {
        match self {
            Cluster::Management => "management".into(),
            Cluster::Spoke(spoke) => format!("spokes/{spoke}"),
            Cluster::ControlPlane(spoke) => format!("control-plane/{spoke}"),
        }
    }
    /// The file, relative to the config's directory, that holds one object of this cluster:
    /// `management/<wave>-<kind>-<name>.yaml`, `spokes/<spoke>/…` or `control-plane/<spoke>/…`. The
    /// two-digit wave (the object's sync wave) leads, so that applying a directory in file-name order
    /// (`oc apply -f DIR`) applies operators before their CRs and a spoke's authentication last.
    pub fn file(&self, wave: u8, kind: &str, name: &str) -> String {
        format!("{}/{wave:02}-{}-{name}.yaml", self.dir(), kind.to_lowercase())
    }
}

/// Which clusters a run emits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    All,
    Management,
    Spoke(String),
    /// Only a 4.19 spoke's FeatureGate, which must be applied and rolled out before its Authentication.
    FeatureGate(String),
    ControlPlane(String),
}

impl Target {
    /// The value `spec.target` (or `--target`) takes for this target.
    pub fn value(&self) -> String {
        match self {
            Target::All => "all".into(),
            Target::Management => Cluster::Management.target(),
            Target::Spoke(name) => Cluster::Spoke(name.clone()).target(),
            Target::FeatureGate(name) => format!("{}/featuregate", Cluster::Spoke(name.clone()).target()),
            Target::ControlPlane(name) => Cluster::ControlPlane(name.clone()).target(),
        }
    }

    /// Whether the run is about `cluster` (its notes are shown).
    pub fn includes(&self, cluster: &Cluster) -> bool {
        match (self, cluster) {
            (Target::All, _) | (Target::Management, Cluster::Management) => true,
            (Target::Spoke(t) | Target::FeatureGate(t), Cluster::Spoke(s))
            | (Target::ControlPlane(t), Cluster::ControlPlane(s)) => t == s,
            _ => false,
        }
    }
    /// Whether the run emits an object of `kind` for `cluster`.
    pub fn selects(&self, cluster: &Cluster, kind: &str) -> bool {
        match self {
            Target::FeatureGate(_) => kind == FeatureGate::KIND && self.includes(cluster),
            _ => self.includes(cluster),
        }
    }
}

/// A value the user either configured or left to our default. The difference matters only where the
/// function patches a base's object (transformer mode): a configured value is enforced there, a default
/// gives way to the base's own value, and the note saying so names the field that would enforce one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting<T> {
    pub value: T,
    pub configured: bool,
    /// The config field that sets it.
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// `metadata.name` of the config: the value of [`OWNER_ANNOTATION`].
    pub owner: String,
    /// Directory of the config file in the package, "" for the package root, never leaving the package.
    /// New files go below it.
    pub config_dir: String,
    pub target: Target,
    /// What the management cluster issues and every spoke must trust.
    pub trust: Trust,
    pub ztwim: Ztwim,
    pub gitops: Gitops,
    /// The exec plugin as installed into Argo CD's pods.
    pub plugin: Plugin,
    /// One per configured spoke, in the config's order: [`Scope::Spoke`]`(i)` is `spokes[i]`.
    pub spokes: Vec<Spoke>,
    pub applications: Vec<Application>,
    /// The deliberate choices the config acknowledges: notes about them are not repeated.
    pub acknowledged: BTreeSet<Topic>,
    /// The labels on every generated object (`app.kubernetes.io/managed-by`, `…/part-of`), so that
    /// `oc get … -l` finds what ztwim-gitops wrote.
    pub labels: BTreeMap<String, String>,
}

/// The labels every generated object carries for a config named `owner`.
pub fn standard_labels(owner: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        (MANAGED_BY_LABEL.to_string(), MANAGER.to_string()),
        (PART_OF_LABEL.to_string(), owner.to_string()),
    ])
}

impl Model {
    /// The package-relative file a new object is written to: `<configDir>/` and [`Cluster::file`].
    pub fn file_path(&self, cluster: &Cluster, wave: u8, kind: &str, name: &str) -> String {
        self.in_package(cluster.file(wave, kind, name))
    }

    /// The package directory that holds `cluster`'s files (reconcile reads an input item's cluster from it).
    pub fn cluster_dir(&self, cluster: &Cluster) -> String {
        self.in_package(cluster.dir())
    }

    /// A path relative to the config's directory, as a package path.
    fn in_package(&self, path: String) -> String {
        if self.config_dir.is_empty() {
            path
        } else {
            format!("{}/{path}", self.config_dir)
        }
    }

    /// Whether a result about `scope` concerns a cluster this run emits. A warning about one spoke, or
    /// about the management side, is noise in another cluster's run (`--target spoke/b` need not repeat
    /// spoke a's 4.19 warning); results about the whole config always concern it. A lookup, not a scan,
    /// so that fleets with one note per spoke stay linear.
    pub fn concerns(&self, scope: Scope) -> bool {
        match scope {
            Scope::Whole => true,
            Scope::Management | Scope::Applications => self.target.includes(&Cluster::Management),
            Scope::Spoke(i) => match self.spokes.get(i).map(|s| &s.cluster) {
                Some(Cluster::Spoke(name)) => {
                    self.target.includes(&Cluster::Spoke(name.clone()))
                        || self.target.includes(&Cluster::ControlPlane(name.clone()))
                }
                Some(cluster) => self.target.includes(cluster),
                None => true,
            },
        }
    }

    pub fn spoke(&self, name: &str) -> Option<&Spoke> {
        self.spokes.iter().find(|s| s.name == name)
    }
}
