//! Where a setting or a spoke came from in the config, and which part of the config a result is about.
//! Both are handed out by `crate::resolve`, the one place that knows the config's vocabulary (as
//! ripgrep's `HiArgs` is the last place that knows flag names): the model and the generators carry an
//! [`Origin`] into a result or a hint without spelling or parsing a config path themselves.

use std::fmt;

/// The config field a value was resolved from. Opaque to its readers: they pass it on (as a result's
/// path, or the field a hint names), or name a key the user wrote below it ([`Origin::child`]); only
/// resolve makes one from a path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Origin(String);

impl Origin {
    /// For `crate::resolve` only: the value was read at `path` of the structured config.
    pub(crate) fn at(path: impl Into<String>) -> Origin {
        Origin(path.into())
    }
    /// The field path results use (it is mapped to the form the user wrote when results are rendered).
    pub fn path(&self) -> &str {
        &self.0
    }
    /// A key the user wrote inside a free-form value (an `argocdSpec`'s `controller`): the key is the
    /// user's own vocabulary, not the config's.
    pub fn child(&self, key: &str) -> Origin {
        Origin(format!("{}.{key}", self.0))
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&Origin> for String {
    fn from(origin: &Origin) -> String {
        origin.0.clone()
    }
}

/// The part of the config a result is about, which decides whether a run that emits only some clusters
/// shows it ([`crate::model::Model::concerns`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The management cluster's settings.
    Management,
    /// The spoke at this index of [`crate::model::Model::spokes`].
    Spoke(usize),
    /// The Applications, which live on the management cluster.
    Applications,
    /// The config as a whole (or no field at all): shown in every run.
    Whole,
}

#[cfg(test)]
mod tests {
    use super::Origin;

    #[test]
    fn an_origin_renders_its_path_and_names_keys_below_it() {
        let origin = Origin::at("gitops.argocdSpec");
        assert_eq!(origin.path(), "gitops.argocdSpec");
        assert_eq!(origin.child("controller").child("volumes").to_string(), "gitops.argocdSpec.controller.volumes");
        assert_eq!(String::from(&origin.child("import")), "gitops.argocdSpec.import");
    }
}
