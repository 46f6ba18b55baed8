//! The whole transform, one direction: parse → load + validate config → resolve model → generate →
//! reconcile → emit. Pure: bytes in, bytes and an exit code out, so tests drive it without a process.

use crate::config::{self, ConfigRef, Form};
use crate::diag::locate;
use crate::diag::{Diagnostics, Severity};
use crate::generate::{self, Manifest};
use crate::krm::{self, Emit, Field, FileRef, KrmResult, Position, ResourceRef};
use crate::lint;
use crate::model::{Model, Scope};
use crate::reconcile::{self, Item};
use crate::resolve::{self, Options, TargetFlag};
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
        Err(message) => return input_error(message),
    };
    let fc = list.function_config.as_ref().unwrap_or(&Value::Null);
    let reference = config_ref(fc, &list.items);
    let config_dir =
        reference.path.as_deref().and_then(|p| p.rsplit_once('/')).map(|(d, _)| d.to_string()).unwrap_or_default();
    let Loaded { reference, form, model, diagnostics } =
        load_and_resolve(fc, reference, &Options { config_dir: &config_dir, target: None, stream: false });
    let (items, diags) = match &model {
        Some(model) => {
            let (manifests, mut all) = generate(model, diagnostics);
            if let Err(message) = list.hydrate(manifests.iter().map(|m| (m.kind(), m.name()))) {
                return input_error(message);
            }
            let reconciled = reconcile::reconcile(model, &list.items, manifests, true);
            all.extend(reconciled.notes);
            (reconciled.items, all)
        }
        None => ((0..list.items.len()).map(Item::Input).collect(), diagnostics),
    };
    // No position: the functionConfig here is the orchestrator's re-serialised copy, not the user's file.
    let results = to_results(&diags, &reference, form, None);
    let emitted: Vec<Emit> = items
        .iter()
        .map(|item| match item {
            Item::Input(i) => list.emit(*i),
            Item::Patched(v) => Emit::Value(v),
            Item::New(t) => Emit::Tree(t),
        })
        .collect();
    let exit_code = i32::from(diags.has_errors());
    let stdout = krm::write(&emitted, list.function_config.as_ref(), &results);
    Outcome { stdout, stderr: stderr_lines(&results), exit_code }
}

/// A run that stops before any item is written: the one error result, on stdout and stderr.
fn input_error(message: String) -> Outcome {
    let result = KrmResult::input_error(message);
    Outcome {
        stderr: stderr_lines(std::slice::from_ref(&result)),
        stdout: krm::write(&[], None, &[result]),
        exit_code: 1,
    }
}

/// A config as far as it got: the model when it resolved, and every finding on the way.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The config's identity for results (its form maps paths back to what the user wrote).
    pub reference: ConfigRef,
    pub form: Form,
    /// Some exactly when there is no error.
    pub model: Option<Model>,
    pub diagnostics: Diagnostics,
}

/// Loads a config, then resolves it when it could be typed. A value that failed to load was reset to its
/// default; the config says which ([`config::Config::rejected`]), and resolve reports nothing about
/// them, so every finding here is about what the user wrote.
pub fn load_and_resolve(fc: &Value, reference: ConfigRef, options: &Options) -> Loaded {
    let (config, mut diags) = config::load(fc, reference.clone());
    let Some(config) = config else {
        return Loaded { reference, form: Form::Structured, model: None, diagnostics: diags };
    };
    let (model, found) = match resolve::resolve(&config, options) {
        Ok((model, found)) => (Some(model), found),
        Err(found) => (None, found),
    };
    diags.extend(found);
    let model = model.filter(|_| !diags.has_errors());
    Loaded { reference: config.reference, form: config.form, model, diagnostics: diags }
}

/// Where `generate` puts the manifests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// One YAML stream (stdout): a config with spokes needs a chosen target (see `resolve::Options::stream`).
    Stream,
    /// Files split by cluster (`-o DIR`), or a library caller that wants every manifest.
    Tree,
}

/// A bare config file in, every generated manifest out (no reconciliation: there are no input items).
/// `target` is `--target`, which wins over the file's own.
pub fn generate_from_file(text: &str, file: &str, target: Option<&str>) -> (Vec<Manifest>, Vec<KrmResult>) {
    let generated = generate_for(text, file, target.map(TargetFlag::from), Output::Tree);
    (generated.manifests, generated.results)
}

/// What the CLI's `generate` produced: the manifests, the results, and the model they came from (its
/// owner and target decide which files below `-o DIR` the run owns).
#[derive(Debug)]
pub struct Generated {
    pub manifests: Vec<Manifest>,
    pub results: Vec<KrmResult>,
    /// Some exactly when the config resolved without error.
    pub model: Option<Model>,
}

/// The CLI's `generate`: [`generate_from_file`] for the place the manifests go, with the target flag
/// results about it name.
pub fn generate_for(text: &str, file: &str, target: Option<TargetFlag>, output: Output) -> Generated {
    let loaded = match load_file(text, file, target, output == Output::Stream) {
        Ok(loaded) => loaded,
        Err(message) => {
            return Generated { manifests: Vec::new(), results: vec![KrmResult::input_error(message)], model: None }
        }
    };
    let Loaded { reference, form, model, diagnostics } = loaded;
    let (manifests, diags) = match &model {
        Some(model) => generate(model, diagnostics),
        None => (Vec::new(), diagnostics),
    };
    let results = to_results(&diags, &reference, form, Some(text));
    Generated { manifests, results, model }
}

/// The CLI's view of a config file: the model when it resolves, and the config's own results.
pub fn model_from_file(text: &str, file: &str) -> (Option<Model>, Vec<KrmResult>) {
    match load_file(text, file, None, false) {
        Ok(loaded) => {
            let results = to_results(&loaded.diagnostics, &loaded.reference, loaded.form, Some(text));
            (loaded.model, results)
        }
        Err(message) => (None, vec![KrmResult::input_error(message)]),
    }
}

/// Loads and resolves a bare config file; the message saying so when it is not YAML.
fn load_file(text: &str, file: &str, target: Option<TargetFlag>, stream: bool) -> Result<Loaded, String> {
    let fc: Value = crate::yaml::from_str(krm::strip_bom(text)).map_err(|e| format!("{file}: not valid YAML: {e}"))?;
    let mut reference = config_ref(&fc, &[]);
    reference.path = Some(file.to_string());
    Ok(load_and_resolve(&fc, reference, &Options { config_dir: "", target, stream }))
}

/// Generates for a resolved model, then lints what was generated. The notes returned are the config's
/// warnings and infos plus the generators' and the lints', less those about clusters this run does not emit (errors always stay; none reach here,
/// but a filter must never hide one).
fn generate(model: &Model, diags: Diagnostics) -> (Vec<Manifest>, Diagnostics) {
    let generated = generate::generate(model);
    let mut all = diags;
    all.extend(generated.notes.without(&model.acknowledged));
    all.extend(lint::lint(model, &generated.manifests).without(&model.acknowledged));
    all.0.retain(|d| {
        d.severity == Severity::Error || model.concerns(d.path.as_deref().map_or(Scope::Whole, resolve::scope))
    });
    (generated.manifests, all)
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
    let is = |v: Option<&Value>, want: &str| v.and_then(Value::as_str) == Some(want);
    let same = |item: &&Value| {
        is(item.get("apiVersion"), &r.api_version)
            && is(item.get("kind"), &r.kind)
            && is(item.get("metadata").and_then(|m| m.get("name")), &r.name)
    };
    let located = if krm::item_path(fc).is_some() { Some(fc) } else { items.iter().find(same) };
    if let Some(obj) = located {
        r.path = krm::item_path(obj).map(str::to_string);
        r.index = krm::item_index(obj).and_then(|i| i.parse().ok());
    }
    r
}

/// Diagnostics become results: the user's path, the config's resourceRef and file, and, given the
/// config's source text, where in it the field is written ([`locate::locate`]). Positions are found
/// here, when results are rendered, so the loader and resolver keep speaking in field paths only.
///
/// Order: errors, then warnings, then infos; within a severity, the order of discovery, which follows
/// the config from top to bottom (loading problems first). Both are deterministic, and the first
/// lines a user reads are the ones that stop the run.
pub fn to_results(diags: &Diagnostics, reference: &ConfigRef, form: Form, source: Option<&str>) -> Vec<KrmResult> {
    let resource_ref = (!reference.kind.is_empty()).then(|| ResourceRef {
        api_version: reference.api_version.clone(),
        kind: reference.kind.clone(),
        name: reference.name.clone(),
        namespace: reference.namespace.clone(),
    });
    let file = reference.path.as_ref().map(|p| FileRef { path: p.clone(), index: reference.index.filter(|&i| i > 0) });
    let locator = source.filter(|_| file.is_some()).and_then(|text| locate::Locator::new(krm::strip_bom(text)));
    let mut results = diags
        .iter()
        .map(|d| {
            let field = d.path.as_ref().map(|p| Field { path: form.user_path(p) });
            let position = field
                .as_ref()
                .zip(locator.as_ref())
                .and_then(|(f, locator)| locator.locate(&f.path))
                .map(|(line, column)| Position { line, column });
            KrmResult {
                message: d.message.clone(),
                severity: d.severity,
                resource_ref: resource_ref.clone(),
                field,
                file: file.clone(),
                position,
            }
        })
        .collect::<Vec<_>>();
    results.sort_by_key(|r| r.severity);
    results
}

/// One line per error for stderr, where kustomize users see them (it ignores results).
pub fn stderr_lines(results: &[KrmResult]) -> String {
    results.iter().filter(|r| r.severity == Severity::Error).map(|r| format!("error: {}\n", r.human_line())).collect()
}
