//! Stage 3: the one place where config becomes facts, and it can fail. Like ripgrep's low-level →
//! high-level arguments: each value is parsed once, every problem is recorded with its field path (all
//! of them, not the first), and a [`Model`] exists only when there was no error. The model never sees a
//! config type, and no generator re-derives what is resolved here. Config paths end here too (as flag
//! names end in ripgrep's `HiArgs::from_low_args`): settings and spokes carry an opaque
//! [`Origin`](crate::model::Origin) for results and hints, [`scope`] reads which run a result concerns,
//! and a field that loading rejected ([`Config::rejected`]) gets no second finding here.
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
use crate::model::{standard_labels, Model, Scope, Target};
use std::collections::BTreeSet;

/// What a run adds to the config.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options<'a> {
    /// Directory of the config file in the package ("" when unknown or at the root).
    pub config_dir: &'a str,
    /// `--target`, which wins over the config's own `spec.target`; its problems are reported at the
    /// flag's label.
    pub target: Option<TargetFlag<'a>>,
    /// The output is one YAML stream (`generate` without `-o`), where objects of several clusters must not
    /// mix unless the target was chosen: see [`mixed_stream`].
    pub stream: bool,
}

/// The field path a `--target` problem is reported at.
pub const TARGET_FLAG: &str = "--target";

/// A target given outside the config: its value, and where results about it point. That is the flag
/// (`--target`), or where the flag's value really came from (`--target-env NAME`): the mistake is there,
/// not in the file, and naming it here spares every caller rewriting results afterwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TargetFlag<'a> {
    pub value: &'a str,
    pub label: &'a str,
}

impl<'a> From<&'a str> for TargetFlag<'a> {
    /// `--target VALUE`.
    fn from(value: &'a str) -> TargetFlag<'a> {
        TargetFlag { value, label: TARGET_FLAG }
    }
}

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
        return Err(skip_rejected(d, &config.rejected));
    };
    let d = skip_rejected(d, &config.rejected);
    if d.has_errors() {
        return Err(d);
    }
    let owner = config.reference.name.clone();
    let model = Model {
        labels: standard_labels(&owner),
        owner,
        config_dir: package_dir(options.config_dir),
        target,
        trust: m.trust,
        ztwim: m.ztwim,
        gitops: management::gitops_for(m.gitops, &spokes, &spec.management.bootstrap),
        plugin: m.plugin,
        spokes,
        applications,
        acknowledged,
    };
    Ok((model, d))
}

/// The findings not at or below a field that loading rejected ([`Config::rejected`]): that field holds
/// a default now, not what the user wrote, and its load error already says what to fix. Checked per
/// finding by its path's prefixes, so a config with many errors stays linear.
fn skip_rejected(mut d: Diagnostics, rejected: &BTreeSet<String>) -> Diagnostics {
    if rejected.is_empty() {
        return d;
    }
    let is_rejected = |path: &str| {
        path.match_indices('.').map(|(end, _)| &path[..end]).chain([path]).any(|prefix| rejected.contains(prefix))
    };
    d.0.retain(|finding| !finding.path.as_deref().is_some_and(is_rejected));
    d
}

/// The part of the config a result's `path` is about, for [`Model::concerns`]: the management side, the
/// applications, one spoke (by its index in `spec.spokes`, which is its index in the model), or the
/// whole config. The one place that reads the config's layout out of a path.
pub fn scope(path: &str) -> Scope {
    let under = |prefix: &str| path == prefix || path.strip_prefix(prefix).is_some_and(|r| r.starts_with('.'));
    if under("spec.management") {
        return Scope::Management;
    }
    if under("spec.applications") {
        return Scope::Applications;
    }
    let index = path.strip_prefix("spec.spokes.").map(|rest| rest.split('.').next().unwrap_or_default());
    // Only the index as resolve writes it (`spec.spokes.1`, never `+1` or `01`) names a spoke.
    match index.and_then(|i| i.parse::<usize>().ok().filter(|n| n.to_string() == i)) {
        Some(i) => Scope::Spoke(i),
        None => Scope::Whole,
    }
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
fn target(spec: &Spec, flag: Option<TargetFlag>, d: &mut Diagnostics) -> Option<Target> {
    let (given, path) = match flag {
        Some(t) => (t.value, t.label),
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
    let mut choices = vec![Target::Management];
    for s in spoke_names(spec).into_iter().filter_map(|name| spec.spokes.iter().find(|s| s.name == name)) {
        choices.push(Target::Spoke(s.name.clone()));
        if gets_feature_gate(s) {
            choices.push(Target::FeatureGate(s.name.clone()));
        }
        if has_control_plane(s.type_) {
            choices.push(Target::ControlPlane(s.name.clone()));
        }
    }
    choices.iter().map(Target::value).collect()
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
    use super::{package_dir, resolve, scope, Options, TargetFlag};
    use crate::config::{self, Config, ConfigRef};
    use crate::diag::{Diagnostics, Severity};
    use crate::model::{Scope, Target};

    fn load(spec: &str) -> (Config, Diagnostics) {
        let fc = serde_yaml_ng::from_str(&format!(
            "apiVersion: fn.ztwim-gitops.dev/v1alpha1\nkind: ZtwimGitOps\nmetadata: {{name: cfg}}\nspec: {spec}"
        ))
        .unwrap();
        let (config, diags) = config::load(&fc, ConfigRef { name: "cfg".into(), ..Default::default() });
        (config.expect("the config loads"), diags)
    }

    const TWO_SPOKES: &str = "{appDomain: apps.example.com, management: {gitops: {host: argo.apps.example.com}}, \
                              spokes: [{name: a, server: 'https://api.a:6443'}, {name: b, server: 'https://api.b:6443'}]}";

    #[test]
    fn settings_and_spokes_carry_the_field_resolve_read_them_from() {
        let (config, _) = load(TWO_SPOKES);
        let (model, _) = resolve(&config, &Options::default()).unwrap();
        let g = &model.gitops;
        assert_eq!((g.host.origin.path(), g.host.configured), ("spec.management.gitops.host", true));
        assert_eq!((g.channel.origin.path(), g.channel.configured), ("spec.management.gitops.channel", false));
        assert_eq!(g.rbac.default_policy.origin.path(), "spec.management.gitops.rbac.defaultPolicy");
        assert_eq!(g.argocd_spec.origin.path(), "spec.management.gitops.argocdSpec");
        assert_eq!(model.ztwim.catalog.source_namespace.origin.path(), "spec.management.ztwim.sourceNamespace");
        assert_eq!(model.ztwim.cluster_name.origin.path(), "spec.management.ztwim.clusterName");
        let spokes: Vec<&str> = model.spokes.iter().map(|s| s.origin.path()).collect();
        assert_eq!(spokes, ["spec.spokes.0", "spec.spokes.1"]);
        assert_eq!(scope(model.spokes[1].origin.path()), Scope::Spoke(1));
    }

    #[test]
    fn a_results_scope_is_read_from_its_path_here() {
        assert_eq!(scope("spec.management"), Scope::Management);
        assert_eq!(scope("spec.management.gitops.argocdSpec.controller"), Scope::Management);
        assert_eq!(scope("spec.applications.0.path"), Scope::Applications);
        assert_eq!(scope("spec.spokes.3"), Scope::Spoke(3));
        assert_eq!(scope("spec.spokes.12.labels.example.com/x"), Scope::Spoke(12));
        for whole in ["spec.spokes", "spec.spokes.01", "spec.spokes.+1", "spec.managementx", "spec.target", "--target"]
        {
            assert_eq!(scope(whole), Scope::Whole, "{whole}");
        }
    }

    #[test]
    fn a_run_for_one_spoke_is_concerned_with_that_spoke_and_the_whole_config_only() {
        let (config, _) = load(TWO_SPOKES);
        let (mut model, _) = resolve(&config, &Options::default()).unwrap();
        model.target = Target::Spoke("b".into());
        let concerned = |scope| model.concerns(scope);
        assert!(concerned(Scope::Spoke(1)) && concerned(Scope::Whole) && concerned(Scope::Spoke(7)));
        assert!(!concerned(Scope::Spoke(0)) && !concerned(Scope::Management) && !concerned(Scope::Applications));
    }

    #[test]
    fn resolve_says_nothing_about_a_field_loading_rejected() {
        // A number where the server belongs is reset to "" by loading, which resolve would call missing.
        let (config, load) =
            load("{appDomain: apps.example.com, spokes: [{name: a, server: 5}, {name: b, server: 'ftp://b'}]}");
        let errors = |d: &Diagnostics| -> Vec<String> {
            d.iter().filter(|d| d.severity == Severity::Error).filter_map(|d| d.path.clone()).collect()
        };
        assert_eq!(errors(&load), ["spec.spokes.0.server"]);
        assert!(config.rejected.contains("spec.spokes.0.server"), "{:?}", config.rejected);
        let found = resolve(&config, &Options::default()).unwrap_err();
        assert_eq!(errors(&found), ["spec.spokes.1.server"]);
    }

    #[test]
    fn a_target_problem_is_reported_where_the_target_came_from() {
        let (config, _) = load(TWO_SPOKES);
        let at = |target: TargetFlag| {
            let found = resolve(&config, &Options { target: Some(target), ..Options::default() }).unwrap_err();
            found.iter().filter(|d| d.severity == Severity::Error).filter_map(|d| d.path.clone()).collect::<Vec<_>>()
        };
        assert_eq!(at(TargetFlag { value: "spoke/c", label: "--target-env PARAM" }), ["--target-env PARAM"]);
        assert_eq!(at("spoke/c".into()), ["--target"]);
    }

    #[test]
    fn paths_never_leave_the_package() {
        assert_eq!(package_dir("../up"), "up");
        assert_eq!(package_dir("/abs/"), "abs");
        assert_eq!(package_dir("a/b"), "a/b");
        assert_eq!(package_dir(".."), "");
    }
}
