//! `ztwim-gitops diff OLD NEW`: what a config change does, per cluster, for the person reviewing it.
//! Both configs go through the pipeline as `generate --target all`; objects are matched by cluster,
//! kind, namespace and name, and each added, removed or changed object is classified by who applies it
//! and what it sets off. Trust changes (issuer, audience, SPIFFE IDs, RBAC subjects) are read from the
//! two models, not from the objects' text, so they are the contract's own words.

use crate::api::cluster_spiffe_id::ClusterSpiffeId;
use crate::api::eks_identity_provider::IdentityProviderConfig;
use crate::api::hosted_cluster::HostedCluster;
use crate::api::openshift_config::{Authentication, FeatureGate, TECH_PREVIEW_NO_UPGRADE};
use crate::api::ztwim::{SpireOidcDiscoveryProvider, SpireServer, ZeroTrustWorkloadIdentityManager};
use crate::diag::Severity;
use crate::generate::Manifest;
use crate::krm::KrmResult;
use crate::model::{Cluster, Model, Spoke, SpokeKind, KUBE_APISERVER_CONFIG_FILE, SECRET_TYPE_LABEL};
use crate::yaml::Tree;
use serde::Serialize;
use serde_yaml_ng::Value;
use std::collections::BTreeMap;

/// What a change is, for a reviewer. One object can be several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Class {
    /// On the management cluster: Argo CD (the bootstrap Application) or an admin applies it there.
    HubSync,
    /// On a spoke or its control-plane cluster: an admin applies it by hand, with a certificate
    /// kubeconfig, since Argo CD's access to the spoke depends on it.
    ManualApply,
    /// Authentication, a HostedCluster's authentication, a kube-apiserver AuthenticationConfiguration, an
    /// EKS IdentityProviderConfig: the API server restarts with it (often 20 minutes or more).
    ApiserverRollout,
    /// FeatureGate TechPreviewNoUpgrade: the cluster can never be upgraded again.
    Irreversible,
    /// A new OpenShift or hosted spoke switches to external OIDC: its OAuth and console logins end.
    RemovesOauthLogin,
    /// The issuer, audience, SPIFFE IDs or RBAC subjects a cluster trusts change.
    ChangesTrust,
}

impl Class {
    pub fn words(self) -> &'static str {
        match self {
            Class::HubSync => "synced by Argo CD on the hub",
            Class::ManualApply => "applied by hand on the spoke",
            Class::ApiserverRollout => "starts a kube-apiserver rollout",
            Class::Irreversible => "irreversible",
            Class::RemovesOauthLogin => "removes OAuth login",
            Class::ChangesTrust => "changes who is trusted",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Added,
    Removed,
    Changed,
}

impl Change {
    /// The word JSON uses too.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Changed => "changed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObjectChange {
    pub change: Change,
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    pub name: String,
    /// The file `generate -o` writes it to.
    pub file: String,
    pub classes: Vec<Class>,
    /// Changed: the fields that differ (dotted paths, list indexes as numbers), at most [`MAX_FIELDS`].
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
}

/// A trust fact of a cluster that differs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrustChange {
    pub fact: &'static str,
    pub old: String,
    pub new: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClusterDiff {
    /// `management`, `spoke/<name>` or `control-plane/<name>`.
    pub cluster: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub trust: Vec<TrustChange>,
    pub objects: Vec<ObjectChange>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub clusters: Vec<ClusterDiff>,
}

const MAX_FIELDS: usize = 20;

/// The kinds whose change makes an API server roll out: how each spoke kind is told to trust the issuer.
fn starts_rollout(m: &Manifest) -> bool {
    m.is::<Authentication>()
        || m.is::<HostedCluster>()
        || m.is::<IdentityProviderConfig>()
        || m.file.as_ref().is_some_and(|f| f.name == KUBE_APISERVER_CONFIG_FILE)
}

fn is_tech_preview(manifest: Option<&Manifest>) -> bool {
    manifest.is_some_and(|m| {
        m.is::<FeatureGate>()
            && m.object.get("spec").and_then(|s| s.get("featureSet")).and_then(Tree::as_str)
                == Some(TECH_PREVIEW_NO_UPGRADE)
    })
}

/// What a spoke trusts, in the model's words: a fact per key, as text.
fn trust_facts(model: &Model, spoke: &Spoke) -> BTreeMap<&'static str, String> {
    let c = &spoke.contract;
    let mut facts = BTreeMap::from([
        ("issuer", model.trust.issuer.url.clone()),
        ("audience", c.audience.clone()),
        ("spiffeIds", model.trust.identities.iter().map(|i| i.spiffe_id.as_str()).collect::<Vec<_>>().join(", ")),
        ("rbacSubjects", c.usernames.join(", ")),
        (
            "rbacRole",
            if spoke.access.namespaces.is_empty() {
                format!("{} cluster-wide", spoke.access.cluster_role)
            } else {
                format!("{} in {}", spoke.access.cluster_role, spoke.access.namespaces.join(", "))
            },
        ),
        (
            "requiredClaims",
            c.required_claims.iter().map(|r| format!("{}={}", r.claim, r.value)).collect::<Vec<_>>().join(", "),
        ),
    ]);
    // Which certificate the spoke accepts for the issuer. A PEM is too long to print: the report says
    // only that it changed.
    facts.insert("issuerCA", c.issuer_ca.clone().unwrap_or_else(|| SYSTEM_TRUST.into()));
    facts
}

const SYSTEM_TRUST: &str = "system trust";

/// A trust fact for people: a PEM is too long to print (only whether it changed), nothing is `(none)`.
fn display(fact: &str, value: &str) -> String {
    match (fact, value) {
        ("issuerCA", v) if v != SYSTEM_TRUST => "a PEM CA".into(),
        (_, "") => "(none)".into(),
        (_, v) => v.to_string(),
    }
}

fn identity(m: &Manifest) -> (String, String, Option<String>, String) {
    (m.cluster.target(), m.kind().to_string(), m.namespace().map(str::to_string), m.name().to_string())
}

/// The leaf paths where two values differ.
fn changed_fields(old: &Value, new: &Value, path: &str, out: &mut Vec<String>) {
    let join = |key: &str| if path.is_empty() { key.to_string() } else { format!("{path}.{key}") };
    match (old, new) {
        (Value::Mapping(a), Value::Mapping(b)) => {
            let mut keys: Vec<&Value> = a.keys().collect();
            keys.extend(b.keys().filter(|k| !a.contains_key(*k)));
            for k in keys {
                let key = k.as_str().map(str::to_string).unwrap_or_else(|| format!("{k:?}"));
                match (a.get(k), b.get(k)) {
                    (Some(x), Some(y)) => changed_fields(x, y, &join(&key), out),
                    _ => out.push(join(&key)),
                }
            }
        }
        (Value::Sequence(a), Value::Sequence(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                changed_fields(x, y, &join(&i.to_string()), out);
            }
        }
        (a, b) if a != b => out.push(if path.is_empty() { "(whole object)".into() } else { path.to_string() }),
        _ => {}
    }
}

/// Compares two generated fleets.
pub fn diff(old: (&Model, &[Manifest]), new: (&Model, &[Manifest])) -> Report {
    let (old_model, old_manifests) = old;
    let (new_model, new_manifests) = new;
    let old_by: BTreeMap<_, &Manifest> = old_manifests.iter().map(|m| (identity(m), m)).collect();
    let new_by: BTreeMap<_, &Manifest> = new_manifests.iter().map(|m| (identity(m), m)).collect();

    // Trust, per spoke, from the models.
    let mut trust: BTreeMap<String, Vec<TrustChange>> = BTreeMap::new();
    for spoke in &new_model.spokes {
        let new_facts = trust_facts(new_model, spoke);
        let old_facts = old_model.spoke(&spoke.name).map(|s| trust_facts(old_model, s)).unwrap_or_default();
        let changes: Vec<TrustChange> = new_facts
            .iter()
            .filter(|(k, v)| old_facts.get(*k) != Some(*v))
            .map(|(k, v)| {
                let old = old_facts.get(k).map_or_else(|| "(none: new spoke)".to_string(), |o| display(k, o));
                let new = match (*k, old_facts.get(k)) {
                    ("issuerCA", Some(o)) if o != SYSTEM_TRUST && v != SYSTEM_TRUST => "another PEM CA".to_string(),
                    _ => display(k, v),
                };
                TrustChange { fact: k, old, new }
            })
            .collect();
        if !changes.is_empty() {
            trust.insert(spoke.name.clone(), changes);
        }
    }
    for spoke in old_model.spokes.iter().filter(|s| new_model.spoke(&s.name).is_none()) {
        trust.insert(
            spoke.name.clone(),
            vec![TrustChange {
                fact: "spoke",
                old: "trusts the management cluster's issuer".into(),
                new: "removed from the config: its objects stay on the spoke until an admin deletes them".into(),
            }],
        );
    }
    let new_lockout = |name: &str| {
        old_model.spoke(name).is_none()
            && new_model.spoke(name).is_some_and(|s| matches!(s.kind, SpokeKind::OpenShift(_) | SpokeKind::Hosted(_)))
    };
    let management_trust_changed = old_model.trust != new_model.trust;

    let mut keys: Vec<_> = old_by.keys().chain(new_by.keys().filter(|k| !old_by.contains_key(*k))).cloned().collect();
    keys.sort();
    let mut clusters: BTreeMap<String, ClusterDiff> = BTreeMap::new();
    for key in keys {
        let (o, n) = (old_by.get(&key).copied(), new_by.get(&key).copied());
        let change = match (o, n) {
            (None, Some(_)) => Change::Added,
            (Some(_), None) => Change::Removed,
            (Some(a), Some(b)) if a.object != b.object => Change::Changed,
            _ => continue,
        };
        let m = n.or(o).expect("one side exists");
        let mut classes = Vec::new();
        let spoke = match &m.cluster {
            Cluster::Management => {
                classes.push(Class::HubSync);
                let secret_of = m
                    .object
                    .get("metadata")
                    .and_then(|md| md.get("labels"))
                    .and_then(|l| l.get(SECRET_TYPE_LABEL))
                    .is_some()
                    .then(|| m.name().to_string());
                let audience_changed = secret_of
                    .as_ref()
                    .and_then(|s| trust.get(s))
                    .is_some_and(|t| t.iter().any(|c| matches!(c.fact, "audience" | "spoke")));
                let global = management_trust_changed
                    && (m.is::<ClusterSpiffeId>()
                        || m.is::<SpireServer>()
                        || m.is::<SpireOidcDiscoveryProvider>()
                        || m.is::<ZeroTrustWorkloadIdentityManager>());
                if audience_changed || global {
                    classes.push(Class::ChangesTrust);
                }
                None
            }
            Cluster::Spoke(s) | Cluster::ControlPlane(s) => {
                classes.push(Class::ManualApply);
                Some(s.clone())
            }
        };
        if starts_rollout(m) {
            classes.push(Class::ApiserverRollout);
        }
        let to_tech_preview = is_tech_preview(n) && !is_tech_preview(o);
        if to_tech_preview {
            classes.push(Class::Irreversible);
        }
        if let Some(s) = &spoke {
            if change == Change::Added && starts_rollout(m) && new_lockout(s) {
                classes.push(Class::RemovesOauthLogin);
            }
            if trust.contains_key(s) && !m.is::<FeatureGate>() {
                classes.push(Class::ChangesTrust);
            }
        }
        classes.sort();
        let mut fields = Vec::new();
        if let (Some(a), Some(b)) = (o, n) {
            changed_fields(&a.value(), &b.value(), "", &mut fields);
            fields.truncate(MAX_FIELDS);
        }
        let entry = clusters.entry(key.0.clone()).or_insert_with(|| ClusterDiff {
            cluster: key.0.clone(),
            trust: Vec::new(),
            objects: Vec::new(),
        });
        entry.objects.push(ObjectChange {
            change,
            kind: key.1.clone(),
            namespace: key.2.clone(),
            name: key.3.clone(),
            file: crate::files::path(m).display().to_string(),
            classes,
            fields,
        });
    }
    for (spoke, changes) in trust {
        let cluster = Cluster::Spoke(spoke).target();
        clusters
            .entry(cluster.clone())
            .or_insert_with(|| ClusterDiff { cluster, trust: Vec::new(), objects: Vec::new() })
            .trust = changes;
    }
    // Management first, then spokes and control planes by name (BTreeMap order after it).
    let mut clusters: Vec<ClusterDiff> = clusters.into_values().collect();
    clusters.sort_by_key(|c| (c.cluster != "management", c.cluster.clone()));
    Report { clusters }
}

impl Report {
    pub fn is_empty(&self) -> bool {
        self.clusters.is_empty()
    }

    fn counts(&self) -> BTreeMap<Class, usize> {
        let mut counts = BTreeMap::new();
        for o in self.clusters.iter().flat_map(|c| &c.objects) {
            for class in &o.classes {
                *counts.entry(*class).or_default() += 1;
            }
        }
        counts
    }

    fn summary(&self) -> String {
        let objects: usize = self.clusters.iter().map(|c| c.objects.len()).sum();
        let mut s = format!("{objects} object(s) changed in {} cluster(s)", self.clusters.len());
        for (class, n) in self.counts() {
            s.push_str(&format!("; {n} {}", class.words()));
        }
        s
    }

    pub fn text(&self) -> String {
        if self.is_empty() {
            return "no change\n".into();
        }
        let mut s = String::new();
        for c in &self.clusters {
            s.push_str(&format!("{}\n", c.cluster));
            for t in &c.trust {
                s.push_str(&format!("  trust {}: {} -> {}\n", t.fact, shown(&t.old), shown(&t.new)));
            }
            for o in &c.objects {
                let mark = match o.change {
                    Change::Added => '+',
                    Change::Removed => '-',
                    Change::Changed => '~',
                };
                let classes: Vec<&str> = o.classes.iter().map(|c| c.words()).collect();
                s.push_str(&format!("  {mark} {} {} ({})  [{}]\n", o.kind, qualified(o), o.file, classes.join(", ")));
                for f in &o.fields {
                    s.push_str(&format!("      {}\n", shown(f)));
                }
            }
        }
        s.push_str(&self.summary());
        s.push('\n');
        s
    }

    /// Markdown for a pull-request comment: the consequences first, then a table per cluster.
    pub fn markdown(&self) -> String {
        let mut s = String::from("### ztwim-gitops diff\n\n");
        if self.is_empty() {
            s.push_str("No change to any generated object.\n");
            return s;
        }
        let counts = self.counts();
        let warn = [
            (Class::Irreversible, "**Irreversible**: a FeatureGate TechPreviewNoUpgrade; the cluster can never be upgraded again."),
            (Class::RemovesOauthLogin, "**Removes OAuth login**: a new OpenShift spoke switches to external OIDC; `oc login` and console login through OAuth end there. Keep a client-certificate kubeconfig."),
            (Class::ApiserverRollout, "**Starts a kube-apiserver rollout** (often 20 minutes or more per spoke)."),
            (Class::ChangesTrust, "**Changes who is trusted** (issuer, audience, SPIFFE IDs or RBAC subjects)."),
            (Class::ManualApply, "**Applied by hand** on a spoke or its control plane, with a certificate kubeconfig: Argo CD does not sync these."),
        ];
        for (class, words) in warn {
            if let Some(n) = counts.get(&class) {
                s.push_str(&format!("- {words} ({n} object(s))\n"));
            }
        }
        s.push('\n');
        for c in &self.clusters {
            s.push_str(&format!("#### `{}`\n\n", c.cluster));
            if !c.trust.is_empty() {
                s.push_str("| Trust | Old | New |\n|---|---|---|\n");
                for t in &c.trust {
                    s.push_str(&format!("| {} | {} | {} |\n", t.fact, cell(&t.old), cell(&t.new)));
                }
                s.push('\n');
            }
            if !c.objects.is_empty() {
                s.push_str("| | Object | File | What it means |\n|---|---|---|---|\n");
                for o in &c.objects {
                    let change = o.change.as_str();
                    let classes: Vec<&str> = o.classes.iter().map(|c| c.words()).collect();
                    s.push_str(&format!(
                        "| {change} | {} {} | {} | {} |\n",
                        o.kind,
                        cell(&qualified(o)),
                        cell(&o.file),
                        classes.join(", ")
                    ));
                }
                s.push('\n');
            }
        }
        s.push_str(&format!("{}.\n", self.summary()));
        s
    }
}

fn qualified(o: &ObjectChange) -> String {
    match &o.namespace {
        Some(ns) => format!("{ns}/{}", o.name),
        None => o.name.clone(),
    }
}

/// One line, control characters escaped.
fn shown(s: &str) -> String {
    s.escape_debug().to_string()
}

/// A Markdown table cell: code, with the characters that would end it or the code span escaped.
fn cell(s: &str) -> String {
    format!("`{}`", shown(s).replace('|', "\\|").replace('`', "'"))
}

/// Runs `diff`; exit 0 no change, 1 changes, 2 trouble (as `diff` does).
pub fn run(old: &std::path::Path, new: &std::path::Path, output: &str) -> crate::cli::Exit {
    let mut sides = Vec::new();
    let mut failed = false;
    for path in [old, new] {
        let name = path.display().to_string();
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: cannot read {name}: {e}");
                failed = true;
                continue;
            }
        };
        let crate::pipeline::Generated { manifests, results, model } =
            crate::pipeline::generate_for(&text, &name, Some("all".into()), crate::pipeline::Output::Tree);
        let errors: Vec<&KrmResult> = results.iter().filter(|r| r.severity == Severity::Error).collect();
        for e in &errors {
            eprintln!("error: {}", e.human_line());
        }
        match model.filter(|_| errors.is_empty()) {
            Some(model) => sides.push((model, manifests)),
            None => failed = true,
        }
    }
    if failed {
        return crate::cli::Exit::status(2);
    }
    let report = diff((&sides[0].0, &sides[0].1), (&sides[1].0, &sides[1].1));
    let text = match output {
        "json" => format!("{}\n", serde_json::to_string_pretty(&report).expect("a report serialises")),
        "markdown" => report.markdown(),
        _ => report.text(),
    };
    crate::cli::Exit::print(text).with_status(u8::from(!report.is_empty())).failing_with(2)
}
