//! Stage 3: the one place where config becomes facts, and it can fail. Like ripgrep's low-level →
//! high-level arguments: each value is parsed once, every problem is recorded with its field path (all
//! of them, not the first), and a [`Model`] exists only when there was no error. The model never sees a
//! config type, and no generator re-derives what is resolved here.
//!
//! One module per config section, each with its own rules; generic syntax lives in
//! [`crate::config::syntax`]. Diagnostics come out in config order (top to bottom); a duplicate is
//! reported at its second occurrence, naming the first.

mod applications;
mod management;
mod spokes;

use crate::config::syntax::{bare_domain_problem, label_problem, major_minor, trust_domain_problem};
use crate::config::{Acknowledgement, Config, Spec, SpokeType};
use crate::diag::{Diagnostics, Topic};
use crate::model::{Model, Target};
use std::collections::BTreeSet;

/// What a run adds to the config.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options<'a> {
    /// Directory of the config file in the package ("" when unknown or at the root).
    pub config_dir: &'a str,
    /// `--target`, which wins over the config's own `spec.target`; its problems are reported at
    /// `--target`.
    pub target: Option<&'a str>,
    /// The output is one YAML stream (`generate` without `-o`), where objects of several clusters must not
    /// mix unless the target was chosen: see [`mixed_stream`].
    pub stream: bool,
}

/// The field path a `--target` problem is reported at.
pub const TARGET_FLAG: &str = "--target";

/// Resolves a loaded config. Ok: the model and the config's warnings and infos; Err: every finding,
/// at least one of them an error.
pub fn resolve(config: &Config, options: &Options) -> Result<(Model, Diagnostics), Diagnostics> {
    let spec = &config.spec;
    let mut d = Diagnostics::default();
    let written = Written(&config.written);
    let name = &config.reference.name;
    if !name.is_empty() && label_problem("x", name).is_some() {
        d.error(
            "metadata.name",
            format!("metadata.name `{name}` must also be a label value (it becomes every generated object's `app.kubernetes.io/part-of`): at most 63 letters, digits, `-`, `_` or `.`, starting and ending with a letter or digit."),
        );
    }
    let app_domain = app_domain(spec, &mut d);
    let trust_domain = trust_domain(spec, app_domain, &mut d);
    let target = target(spec, options.target, &mut d);
    if target == Some(Target::All) && options.stream && options.target.is_none() && !written.has("spec.target") {
        mixed_stream(spec, &mut d);
    }
    let management = management::resolve(spec, config.form, app_domain, trust_domain, &written, &mut d);
    let spokes = spokes::resolve(spec, management.as_ref(), &written, &mut d);
    let applications = applications::resolve(spec, &mut d);
    let acknowledged: BTreeSet<Topic> = spec
        .acknowledge
        .iter()
        .map(|a| match a {
            Acknowledgement::Lockout => Topic::Lockout,
            Acknowledgement::ApiServerSystemRoots => Topic::ApiServerSystemRoots,
            Acknowledgement::IssuerSystemTrust => Topic::IssuerSystemTrust,
            Acknowledgement::UnverifiedDownload => Topic::UnverifiedDownload,
            Acknowledgement::RemoveDefaultInstance => Topic::RemoveDefaultInstance,
            Acknowledgement::ReplaceOidcProvider => Topic::ReplaceOidcProvider,
        })
        .collect();
    let d = d.without(&acknowledged);
    let (Some(target), Some(m), Some(spokes), Some(applications)) = (target, management, spokes, applications) else {
        debug_assert!(d.has_errors(), "a section that resolved to nothing reports why: {d:?}");
        return Err(d);
    };
    if d.has_errors() {
        return Err(d);
    }
    let model = Model::new(
        config.reference.name.clone(),
        package_dir(options.config_dir),
        target,
        m.trust,
        m.ztwim,
        management::gitops_for(m.gitops, &spokes, &spec.management.bootstrap),
        m.plugin,
        spokes,
        applications,
        acknowledged,
    );
    Ok((model, d))
}

/// Which paths the user wrote.
pub(crate) struct Written<'a>(&'a BTreeSet<String>);

impl Written<'_> {
    pub fn has(&self, path: &str) -> bool {
        self.0.contains(path)
    }
}

fn app_domain<'s>(spec: &'s Spec, d: &mut Diagnostics) -> Option<&'s str> {
    if spec.app_domain.is_empty() {
        d.error(
            "spec.appDomain",
            "appDomain is required: set the management cluster's apps domain, e.g. `appDomain: apps.mgmt.example.com`.",
        );
        return None;
    }
    match bare_domain_problem(&spec.app_domain) {
        None => Some(&spec.app_domain),
        Some(problem) => {
            d.error(
                "spec.appDomain",
                format!(
                    "appDomain `{}` is not a bare DNS name: {problem}. Write only the apps domain, e.g. `apps.mgmt.example.com` (see `oc get ingresses.config cluster -o jsonpath='{{.spec.domain}}'`).",
                    spec.app_domain
                ),
            );
            None
        }
    }
}

/// The trust domain: the config's, else the appDomain (as in the reference setup).
fn trust_domain(spec: &Spec, app_domain: Option<&str>, d: &mut Diagnostics) -> Option<String> {
    if spec.trust_domain.is_empty() {
        return app_domain.map(str::to_string);
    }
    match trust_domain_problem(&spec.trust_domain) {
        None => Some(spec.trust_domain.clone()),
        Some(problem) => {
            d.error(
                "spec.trustDomain",
                format!(
                    "trustDomain `{}` is not a valid SPIFFE trust domain: {problem}. Use lower-case letters, digits, `-` and `.`, e.g. `mgmt.example.com`, or leave it empty to use appDomain.",
                    spec.trust_domain
                ),
            );
            None
        }
    }
}

/// `all`, `management`, `spoke/<name of a spoke>`, `spoke/<name of a 4.19 spoke>/featuregate` or
/// `control-plane/<name of a hosted or eks spoke>`, from `--target` or else `spec.target`.
fn target(spec: &Spec, flag: Option<&str>, d: &mut Diagnostics) -> Option<Target> {
    let (given, path) = match flag {
        Some(t) => (t, TARGET_FLAG),
        None => (spec.target.as_str(), "spec.target"),
    };
    let spoke = |name: &str| spec.spokes.iter().find(|s| s.name == name);
    let parts: Vec<&str> = given.split('/').collect();
    let problem = match parts[..] {
        _ if parts.iter().any(|p| p.is_empty()) => {
            "is not one of `all`, `management`, `spoke/<name>`, `spoke/<name>/featuregate` or `control-plane/<name>`"
        }
        ["all"] => return Some(Target::All),
        ["management"] => return Some(Target::Management),
        ["spoke", name] if spoke(name).is_some() => return Some(Target::Spoke(name.into())),
        ["spoke", name, "featuregate"] => match spoke(name) {
            Some(s) if gets_feature_gate(s) => return Some(Target::FeatureGate(name.into())),
            Some(_) => "names a spoke that needs no FeatureGate (only OpenShift 4.19 spokes get one)",
            None => "names no spoke in spec.spokes",
        },
        ["control-plane", name] if spoke(name).is_some_and(|s| has_control_plane(s.type_)) => {
            return Some(Target::ControlPlane(name.into()))
        }
        ["spoke", _] => "names no spoke in spec.spokes",
        ["control-plane", _] => "names no spoke of type hosted or eks in spec.spokes",
        _ => "is not one of `all`, `management`, `spoke/<name>`, `spoke/<name>/featuregate` or `control-plane/<name>`",
    };
    d.error(path, format!("target `{given}` {problem}; use one of: all, {}.", target_choices(spec).join(", ")));
    None
}

/// Every single-cluster target the config offers, in config order: `management`, then per spoke
/// `spoke/<name>`, `spoke/<name>/featuregate` (4.19 spokes) and `control-plane/<name>` (hosted, eks).
fn target_choices(spec: &Spec) -> Vec<String> {
    let mut choices = vec!["management".to_string()];
    for s in spoke_names(spec).into_iter().filter_map(|name| spec.spokes.iter().find(|s| s.name == name)) {
        choices.push(format!("spoke/{}", s.name));
        if gets_feature_gate(s) {
            choices.push(format!("spoke/{}/featuregate", s.name));
        }
        if has_control_plane(s.type_) {
            choices.push(format!("control-plane/{}", s.name));
        }
    }
    choices
}

/// Whether a spoke's API server is configured on another cluster (`control-plane/<name>`).
fn has_control_plane(t: SpokeType) -> bool {
    matches!(t, SpokeType::Hosted | SpokeType::Eks)
}

/// A stream whose target nobody chose, for a config with spokes, would mix the management cluster's
/// objects with every spoke's `Authentication`: piped into one `oc apply -f -` (what people do with a
/// YAML stream) it switches the cluster it is applied to to external OIDC and removes its OAuth login.
/// So it is refused, naming the targets; `--target all`, `spec.target: all` or `-o DIR` (files split by
/// cluster) give the whole fleet deliberately. Without spokes there is one cluster and nothing to mix.
fn mixed_stream(spec: &Spec, d: &mut Diagnostics) {
    if spec.spokes.is_empty() {
        return;
    }
    d.error(
        "spec.target",
        format!(
            "no target is chosen, and one YAML stream would mix the objects of several clusters: applied with one `oc apply -f -`, every spoke's objects would land on the one cluster it is run against, and an OpenShift spoke's Authentication removes that cluster's OAuth login. Choose one cluster with --target: {}; or pass --target all (or write `target: all` in the config) for the whole fleet in one stream, or -o DIR to write it as files split by cluster.",
            target_choices(spec).join(", ")
        ),
    );
}

/// Whether a spoke gets the TechPreviewNoUpgrade FeatureGate (OpenShift 4.19), so that it can be
/// emitted alone.
fn gets_feature_gate(spoke: &crate::config::Spoke) -> bool {
    spoke.type_ == SpokeType::Openshift && major_minor(&spoke.openshift_version) == Some(spokes::TECH_PREVIEW_RELEASE)
}

/// The distinct non-empty spoke names, in config order, for "use one of" hints.
fn spoke_names(spec: &Spec) -> Vec<&str> {
    let mut names: Vec<&str> = Vec::new();
    for s in &spec.spokes {
        if !s.name.is_empty() && !names.contains(&s.name.as_str()) {
            names.push(&s.name);
        }
    }
    names
}

/// `dir` without a trailing `/`, and kept inside the package: kpt refuses a file path that leaves it, and a
/// config whose path annotation was edited by hand (in a CI pipe) may sit at `../x` or `/x`. Such a
/// directory loses its `..` and empty segments; every other part of a file path is a validated name.
fn package_dir(dir: &str) -> String {
    let dir = dir.trim_end_matches('/');
    if !dir.starts_with('/') && !dir.split('/').any(|segment| segment == "..") {
        return dir.to_string();
    }
    dir.split('/').filter(|s| !s.is_empty() && *s != "..").collect::<Vec<_>>().join("/")
}

#[cfg(test)]
mod tests {
    use super::package_dir;

    #[test]
    fn paths_never_leave_the_package() {
        assert_eq!(package_dir("../up"), "up");
        assert_eq!(package_dir("/abs/"), "abs");
        assert_eq!(package_dir("a/b"), "a/b");
        assert_eq!(package_dir(".."), "");
    }
}
