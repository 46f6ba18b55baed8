//! The whole transform, one direction: parse → load + validate config → resolve model → generate →
//! reconcile → emit. Pure: bytes in, bytes and an exit code out, so tests drive it without a process.

use crate::config::{self, Config, ConfigRef, Form};
use crate::diag::{Diagnostics, Severity};
use crate::generate::{self, Manifest};
use crate::krm::{self, Emit, Field, FileRef, KrmResult, ResourceRef};
use crate::model::Model;
use crate::reconcile::{self, Item};
use serde_yaml_ng::Value;

/// What a run prints and how it exits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub stdout: String,
    pub stderr: String,
    pub exit_code: i32,
}

/// The KRM function: a ResourceList in, a ResourceList out.
pub fn run_function(input: &[u8]) -> Outcome {
    let mut list = match krm::parse(input) {
        Ok(list) => list,
        Err(message) => {
            let result = KrmResult::input_error(message);
            return Outcome {
                stderr: stderr_lines(std::slice::from_ref(&result)),
                stdout: krm::write(&[], &[result]),
                exit_code: 1,
            };
        }
    };
    let fc = list.function_config.clone().unwrap_or(Value::Null);
    let reference = config_ref(&fc, &list.items);
    let config_dir =
        reference.path.as_deref().and_then(|p| p.rsplit_once('/')).map(|(d, _)| d.to_string()).unwrap_or_default();
    let (config, diags) = load_and_validate(&fc, reference.clone());
    let (items, diags, form_ref) = match config {
        Some(config) if !diags.has_errors() => {
            let (model, manifests, mut all) = resolve_and_generate(&config, &config_dir, diags);
            list.hydrate(manifests.iter().map(|m| &m.object));
            let reconciled = reconcile::reconcile(&model, &list.items, manifests, true);
            all.extend(reconciled.notes);
            (reconciled.items, all, Some((config.reference, config.form)))
        }
        config => {
            let items = (0..list.items.len()).map(Item::Input).collect();
            (items, diags, config.map(|c| (c.reference, c.form)))
        }
    };
    let (reference, form) = form_ref.unwrap_or((reference, Form::Structured));
    let results = to_results(&diags, &reference, form);
    let emitted: Vec<Emit> = items
        .iter()
        .map(|item| match item {
            Item::Input(i) => list.emit(*i),
            Item::New(v) => Emit::Value(v),
        })
        .collect();
    let exit_code = i32::from(diags.has_errors());
    Outcome { stdout: krm::write(&emitted, &results), stderr: stderr_lines(&results), exit_code }
}

/// Loads, then validates a config that could be typed. A value that failed to load was reset to its
/// default, so validation results at or below a loading error's path are dropped: they would talk
/// about a value the user did not write.
pub fn load_and_validate(fc: &Value, reference: ConfigRef) -> (Option<Config>, Diagnostics) {
    let (config, mut diags) = config::load(fc, reference);
    if let Some(config) = &config {
        let broken: Vec<String> =
            diags.iter().filter(|d| d.severity == Severity::Error).filter_map(|d| d.path.clone()).collect();
        let covered = |path: &str| {
            broken.iter().any(|b| path == b || path.strip_prefix(b.as_str()).is_some_and(|r| r.starts_with('.')))
        };
        let mut validated = config::validate::validate(&config.spec);
        validated.0.retain(|d| !d.path.as_deref().is_some_and(covered));
        diags.extend(validated);
    }
    (config, diags)
}

/// The CLI's `generate`: a bare config file in, generated manifests out (no reconciliation: there are
/// no input items).
pub fn generate_from_file(text: &str, file: &str, target: Option<&str>) -> (Vec<Manifest>, Vec<KrmResult>) {
    let fc: Value = match serde_yaml_ng::from_str(krm::strip_bom(text)) {
        Ok(v) => v,
        Err(e) => return (Vec::new(), vec![KrmResult::input_error(format!("{file}: not valid YAML: {e}."))]),
    };
    let mut reference = config_ref(&fc, &[]);
    reference.path = Some(file.to_string());
    let fc = match (target, fc) {
        (Some(t), Value::Mapping(mut m)) => {
            override_target(&mut m, t);
            Value::Mapping(m)
        }
        (_, fc) => fc,
    };
    let (config, diags) = load_and_validate(&fc, reference.clone());
    let form = config.as_ref().map(|c| c.form).unwrap_or(Form::Structured);
    match config {
        Some(config) if !diags.has_errors() => {
            let (_, manifests, all) = resolve_and_generate(&config, "", diags);
            (manifests, to_results(&all, &config.reference, form))
        }
        _ => (Vec::new(), to_results(&diags, &reference, form)),
    }
}

/// Resolves and generates for a config that passed validation. The notes returned are the config's
/// warnings and infos plus the generators', less those about clusters this run does not emit.
fn resolve_and_generate(config: &Config, config_dir: &str, diags: Diagnostics) -> (Model, Vec<Manifest>, Diagnostics) {
    let model = Model::resolve(config, config_dir);
    let generated = generate::generate(&model);
    let mut all = diags;
    all.extend(generated.notes);
    let all = for_this_run(&model, all);
    (model, generated.manifests, all)
}

/// Drops warnings and infos about clusters the target does not emit; errors always stay (none reach
/// here, but a filter must never hide one).
fn for_this_run(model: &Model, mut diags: Diagnostics) -> Diagnostics {
    diags.0.retain(|d| d.severity == Severity::Error || model.concerns(d.path.as_deref()));
    diags
}

/// `--target` wins over the file's own `spec.target` (or `data.target`).
fn override_target(config: &mut serde_yaml_ng::Mapping, target: &str) {
    let section = if config.get("kind").and_then(Value::as_str) == Some("ConfigMap") { "data" } else { "spec" };
    let entry = config.entry(section.into()).or_insert_with(|| Value::Mapping(Default::default()));
    if let Some(m) = entry.as_mapping_mut() {
        m.insert("target".into(), target.into());
    }
}

/// Identifies the config for results: its GVK and name, and its file from its own path annotations or,
/// when kpt sent it without them, from the same object among the items.
fn config_ref(fc: &Value, items: &[Value]) -> ConfigRef {
    let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    let meta = fc.get("metadata").cloned().unwrap_or(Value::Null);
    let mut r = ConfigRef {
        api_version: s(fc, "apiVersion").unwrap_or_default(),
        kind: s(fc, "kind").unwrap_or_default(),
        name: s(&meta, "name").unwrap_or_default(),
        namespace: s(&meta, "namespace"),
        path: None,
        index: None,
    };
    let same = |item: &&Value| {
        s(item, "apiVersion").as_deref() == Some(r.api_version.as_str())
            && s(item, "kind").as_deref() == Some(r.kind.as_str())
            && item.get("metadata").and_then(|m| s(m, "name")).as_deref() == Some(r.name.as_str())
    };
    let located = if krm::item_path(fc).is_some() { Some(fc) } else { items.iter().find(same) };
    if let Some(obj) = located {
        r.path = krm::item_path(obj).map(str::to_string);
        r.index = krm::item_index(obj).and_then(|i| i.parse().ok());
    }
    r
}

/// Diagnostics become results: the user's path, the config's resourceRef and file.
///
/// Order: errors, then warnings, then infos; within a severity, the order of discovery, which follows
/// the config from top to bottom (loading problems first). Both are deterministic, and the first
/// lines a user reads are the ones that stop the run.
pub fn to_results(diags: &Diagnostics, reference: &ConfigRef, form: Form) -> Vec<KrmResult> {
    let resource_ref = (!reference.kind.is_empty()).then(|| ResourceRef {
        api_version: reference.api_version.clone(),
        kind: reference.kind.clone(),
        name: reference.name.clone(),
        namespace: reference.namespace.clone(),
    });
    let file = reference.path.as_ref().map(|p| FileRef { path: p.clone(), index: reference.index.filter(|&i| i > 0) });
    let mut results = diags
        .iter()
        .map(|d| KrmResult {
            message: d.message.clone(),
            severity: d.severity,
            resource_ref: resource_ref.clone(),
            field: d.path.as_ref().map(|p| Field { path: form.user_path(p) }),
            file: file.clone(),
        })
        .collect::<Vec<_>>();
    results.sort_by_key(|r| r.severity);
    results
}

/// One line per error for stderr, where kustomize users see them (it ignores results).
pub fn stderr_lines(results: &[KrmResult]) -> String {
    results.iter().filter(|r| r.severity == Severity::Error).map(|r| format!("error: {}\n", r.human_line())).collect()
}
