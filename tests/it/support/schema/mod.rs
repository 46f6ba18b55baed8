//! Test support: validates generated objects against the real upstream schemas in `../shared/crds` — the
//! served versions' `openAPIV3Schema` of each CRD, and the Kubernetes OpenAPI v3 components for core kinds —
//! the way `kubectl apply` (strict field validation) and the apiserver would.
//!
//! The structural checks are done by the `jsonschema` crate on a translation of each schema: the Kubernetes
//! extensions become JSON Schema (objects without `additionalProperties` or
//! `x-kubernetes-preserve-unknown-fields` get `additionalProperties: false`, int-or-string becomes `anyOf`,
//! `nullable` a type union, list-type `set` `uniqueItems`). What JSON Schema cannot say is checked here while
//! walking the object: the `x-kubernetes-validations` CEL rules, list-type `map` key uniqueness, and the
//! apiserver's own ObjectMeta checks (name, label syntax), which no schema carries.

mod cel;

use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// The CEL rule counters the tests print.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct CelCounts {
    pub evaluated: usize,
    /// Transition rules (they read `oldSelf`): the apiserver runs them only on update.
    pub skipped: usize,
    pub failed: usize,
}

impl std::ops::AddAssign for CelCounts {
    fn add_assign(&mut self, o: CelCounts) {
        self.evaluated += o.evaluated;
        self.skipped += o.skipped;
        self.failed += o.failed;
    }
}

/// One problem: which schema said so, where in the object, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub schema: String,
    /// JSON pointer into the object.
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{}] {}: {}", self.schema, if self.path.is_empty() { "/" } else { &self.path }, self.message)
    }
}

#[derive(Debug, Default)]
pub struct Report {
    pub violations: Vec<Violation>,
    pub cel: CelCounts,
}

/// A schema for one apiVersion/kind, compiled on first use.
struct Entry {
    /// The file (relative to the crds directory), and the component for core kinds.
    source: String,
    /// Checked only when asked for by name (Authentication TechPreviewNoUpgrade).
    opt_in: bool,
    /// Whether objects of this kind live in a namespace (CRD `spec.scope`; for core kinds, whether the API
    /// has a `/namespaces/{namespace}/` path for them).
    namespaced: bool,
    pending: Pending,
    compiled: OnceLock<Compiled>,
}

enum Pending {
    Crd(Value),
    Core { doc: Arc<Value>, component: String },
}

struct Compiled {
    /// The schema with `$ref`s inlined and metadata as ObjectMeta: walked for CEL and list-map keys.
    raw: Value,
    validator: jsonschema::Validator,
}

/// Every schema under the crds directory, keyed by (apiVersion, kind).
pub struct Catalog {
    entries: BTreeMap<(String, String), Vec<Entry>>,
    object_meta: Value,
    env: Arc<::cel::Env>,
    programs: Mutex<HashMap<String, Result<Arc<::cel::Program>, String>>>,
}

/// `../shared/crds` next to the repository; `None` (with a visible message) when it is missing outside CI.
pub fn crds_dir() -> Option<PathBuf> {
    let dir = Path::new(super::ROOT).join("../shared/crds");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(std::env::var("CI").as_deref() != Ok("true"), "{} is missing: CI must validate against it", dir.display());
    // Straight to stderr: the test harness captures `eprintln!` and would hide the skip.
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED: {} is missing, so generated objects are not checked against upstream schemas",
        dir.display()
    );
    None
}

/// The catalog, loaded once per test binary; `None` when the schemas are missing outside CI.
pub fn catalog() -> Option<&'static Catalog> {
    static CATALOG: OnceLock<Option<Catalog>> = OnceLock::new();
    CATALOG.get_or_init(|| crds_dir().map(|d| Catalog::load(&d))).as_ref()
}

impl Catalog {
    pub fn load(dir: &Path) -> Catalog {
        let mut entries: BTreeMap<(String, String), Vec<Entry>> = BTreeMap::new();
        let mut core_docs = Vec::new();
        for path in files(dir) {
            let source = path.strip_prefix(dir).unwrap_or(&path).display().to_string();
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{source}: {e}"));
            if source.ends_with(".json") {
                core_docs.push((source, Arc::new(serde_json::from_str::<Value>(&text).expect("OpenAPI JSON"))));
                continue;
            }
            if !source.ends_with(".yaml") {
                continue;
            }
            let crd: Value = serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("{source}: {e}"));
            let group = crd["spec"]["group"].as_str().unwrap_or_default();
            let kind = crd["spec"]["names"]["kind"].as_str().unwrap_or_default();
            let feature_set = crd["metadata"]["annotations"]["release.openshift.io/feature-set"].as_str();
            for version in crd["spec"]["versions"].as_array().into_iter().flatten() {
                if version["served"] != json!(true) {
                    continue;
                }
                let api_version = format!("{group}/{}", version["name"].as_str().unwrap_or_default());
                entries.entry((api_version, kind.to_string())).or_default().push(Entry {
                    source: source.clone(),
                    opt_in: feature_set.is_some_and(|f| f != "Default"),
                    namespaced: crd["spec"]["scope"] == json!("Namespaced"),
                    pending: Pending::Crd(version["schema"]["openAPIV3Schema"].clone()),
                    compiled: OnceLock::new(),
                });
            }
        }
        let mut object_meta = None;
        for (source, doc) in &core_docs {
            let namespaced = namespaced_kinds(doc);
            for (component, schema) in doc["components"]["schemas"].as_object().into_iter().flatten() {
                if component == "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta" && object_meta.is_none() {
                    object_meta = Some(inline_refs(schema, doc, 0));
                }
                for gvk in schema["x-kubernetes-group-version-kind"].as_array().into_iter().flatten() {
                    let key = (gvk_api_version(gvk), gvk["kind"].as_str().unwrap_or_default().to_string());
                    let namespaced = namespaced.contains(&key);
                    entries.entry(key).or_default().push(Entry {
                        source: format!("{source}#{component}"),
                        opt_in: false,
                        namespaced,
                        pending: Pending::Core { doc: Arc::clone(doc), component: component.clone() },
                        compiled: OnceLock::new(),
                    });
                }
            }
        }
        Catalog {
            entries,
            object_meta: object_meta.expect("the core/v1 OpenAPI document defines ObjectMeta"),
            env: cel::env(),
            programs: Mutex::new(HashMap::new()),
        }
    }

    /// The sources of the schemas `validate` uses for this apiVersion/kind (opt-in ones marked).
    pub fn sources(&self, api_version: &str, kind: &str) -> Vec<String> {
        self.entries
            .get(&(api_version.into(), kind.into()))
            .into_iter()
            .flatten()
            .map(|e| if e.opt_in { format!("{} (opt-in)", e.source) } else { e.source.clone() })
            .collect()
    }

    /// Validates against every default schema of the object's apiVersion/kind.
    pub fn validate(&self, object: &Value) -> Report {
        self.validate_with(object, &[])
    }

    /// Also validates against the opt-in schemas whose source contains one of `opt_in`.
    pub fn validate_with(&self, object: &Value, opt_in: &[&str]) -> Report {
        let mut report = Report::default();
        let object = strip_nulls(object);
        let api_version = object["apiVersion"].as_str().unwrap_or_default();
        let kind = object["kind"].as_str().unwrap_or_default();
        let entries: Vec<&Entry> = self
            .entries
            .get(&(api_version.into(), kind.into()))
            .into_iter()
            .flatten()
            .filter(|e| !e.opt_in || opt_in.iter().any(|o| e.source.contains(o)))
            .collect();
        if entries.is_empty() {
            report.violations.push(Violation {
                schema: "catalog".into(),
                path: String::new(),
                message: format!("no served schema for apiVersion `{api_version}` kind `{kind}`"),
            });
            return report;
        }
        metadata_checks(&object, kind, &mut report.violations);
        for entry in entries {
            let namespace = object["metadata"]["namespace"].as_str();
            if entry.namespaced != namespace.is_some() {
                let message = if entry.namespaced {
                    format!("{kind} is namespaced: without metadata.namespace it lands in whatever namespace the applier defaults to")
                } else {
                    format!("{kind} is cluster-scoped: metadata.namespace must not be set")
                };
                report.violations.push(Violation {
                    schema: entry.source.clone(),
                    path: "/metadata/namespace".into(),
                    message,
                });
            }
            let compiled = self.compiled(entry);
            for error in compiled.validator.iter_errors(&object) {
                report.violations.push(Violation {
                    schema: entry.source.clone(),
                    path: error.instance_path().to_string(),
                    message: error.to_string(),
                });
            }
            let mut walk = Walk { catalog: self, source: &entry.source, report: &mut report };
            walk.node(&compiled.raw, &object, "");
        }
        report
    }

    fn compiled<'a>(&self, entry: &'a Entry) -> &'a Compiled {
        entry.compiled.get_or_init(|| {
            let raw = match &entry.pending {
                Pending::Crd(schema) => {
                    let mut raw = schema.clone();
                    raw["properties"]["metadata"] = self.object_meta.clone();
                    raw
                }
                Pending::Core { doc, component } => inline_refs(&doc["components"]["schemas"][component], doc, 0),
            };
            let is_crd = matches!(entry.pending, Pending::Crd(_));
            let translated = translate(&raw, is_crd, false);
            let validator = jsonschema::options()
                .with_draft(jsonschema::Draft::Draft4)
                .with_pattern_options(jsonschema::PatternOptions::regex())
                .should_validate_formats(true)
                .should_ignore_unknown_formats(true)
                .with_format("byte", is_base64)
                .with_format("go-duration", is_go_duration)
                .build(&translated)
                .unwrap_or_else(|e| panic!("{}: the translated schema does not compile: {e}", entry.source));
            Compiled { raw, validator }
        })
    }

    fn program(&self, rule: &str) -> Result<Arc<::cel::Program>, String> {
        let mut programs = self.programs.lock().unwrap_or_else(|e| e.into_inner());
        programs
            .entry(rule.to_string())
            .or_insert_with(|| self.env.compile(rule).map(Arc::new).map_err(|e| e.to_string()))
            .clone()
    }
}

/// The (apiVersion, kind)s an OpenAPI document serves under `/namespaces/{namespace}/`.
fn namespaced_kinds(doc: &Value) -> HashSet<(String, String)> {
    let paths = doc["paths"].as_object().into_iter().flatten();
    paths
        .filter(|(path, _)| path.contains("/namespaces/{namespace}/"))
        .flat_map(|(_, ops)| {
            ops.as_object().into_iter().flatten().map(|(_, op)| &op["x-kubernetes-group-version-kind"])
        })
        .filter(|gvk| gvk.is_object())
        .map(|gvk| (gvk_api_version(gvk), gvk["kind"].as_str().unwrap_or_default().into()))
        .collect()
}

/// `v1` for the core group, `group/version` otherwise.
fn gvk_api_version(gvk: &Value) -> String {
    let (g, v) = (gvk["group"].as_str().unwrap_or_default(), gvk["version"].as_str().unwrap_or_default());
    if g.is_empty() {
        v.to_string()
    } else {
        format!("{g}/{v}")
    }
}

/// Every file below `dir`, sorted, so loading (and thus messages) is deterministic.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())).flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Replaces `$ref` (and the `allOf: [{$ref}]` wrapper Kubernetes uses to attach siblings) with the component.
fn inline_refs(node: &Value, doc: &Value, depth: usize) -> Value {
    assert!(depth < 64, "$ref nesting too deep: a recursive component");
    match node {
        Value::Object(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                match k.as_str() {
                    "$ref" => {
                        let name = v.as_str().and_then(|r| r.strip_prefix("#/components/schemas/")).expect("local ref");
                        merge(&mut out, inline_refs(&doc["components"]["schemas"][name], doc, depth + 1));
                    }
                    "allOf" if v.as_array().is_some_and(|a| a.len() == 1) => {
                        merge(&mut out, inline_refs(&v[0], doc, depth + 1));
                    }
                    "description" => {}
                    _ => {
                        out.insert(k.clone(), inline_refs(v, doc, depth + 1));
                    }
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| inline_refs(v, doc, depth + 1)).collect()),
        other => other.clone(),
    }
}

fn merge(into: &mut Map<String, Value>, from: Value) {
    if let Value::Object(from) = from {
        for (k, v) in from {
            into.entry(k).or_insert(v);
        }
    }
}

/// Kubernetes' schema dialect to JSON Schema draft 4. `in_junctor`: inside allOf/anyOf/oneOf/not, where a
/// structural schema only constrains and never declares fields, so strictness must not be added there.
fn translate(node: &Value, crd: bool, in_junctor: bool) -> Value {
    let Value::Object(map) = node else { return node.clone() };
    let mut out = Map::new();
    for (k, v) in map {
        match k.as_str() {
            "properties" => {
                let props = v.as_object().into_iter().flatten();
                out.insert(k.clone(), props.map(|(p, s)| (p.clone(), translate(s, crd, in_junctor))).collect());
            }
            "items" | "additionalProperties" if v.is_object() => {
                out.insert(k.clone(), translate(v, crd, in_junctor));
            }
            "allOf" | "anyOf" | "oneOf" => {
                let branches = v.as_array().into_iter().flatten();
                out.insert(k.clone(), branches.map(|b| translate(b, crd, true)).collect());
            }
            "not" => {
                out.insert(k.clone(), translate(v, crd, true));
            }
            "format" => match v.as_str() {
                Some("int32") => {
                    out.entry("minimum").or_insert(json!(i32::MIN));
                    out.entry("maximum").or_insert(json!(i32::MAX));
                }
                Some("byte" | "date-time") => {
                    out.insert(k.clone(), v.clone());
                }
                Some("duration") => {
                    out.insert(k.clone(), json!("go-duration"));
                }
                _ => {}
            },
            "pattern" => {
                out.insert(k.clone(), json!(ecma_pattern(v.as_str().unwrap_or_default())));
            }
            "description" | "default" | "example" | "nullable" => {}
            _ if k.starts_with("x-kubernetes-") => {}
            _ => {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    let flag = |name: &str| map.get(name) == Some(&json!(true));
    if flag("x-kubernetes-int-or-string") {
        out.remove("type");
        out.entry("anyOf").or_insert(json!([{"type": "integer"}, {"type": "string"}]));
    }
    if flag("nullable") {
        if let Some(Value::String(t)) = out.get("type").cloned() {
            out.insert("type".into(), json!([t, "null"]));
        }
    }
    if map.get("x-kubernetes-list-type") == Some(&json!("set")) {
        out.insert("uniqueItems".into(), json!(true));
    }
    if flag("x-kubernetes-embedded-resource") {
        let props = out.entry("properties").or_insert(json!({}));
        for field in ["apiVersion", "kind"] {
            props.as_object_mut().expect("properties is an object").entry(field).or_insert(json!({"type": "string"}));
        }
        props.as_object_mut().expect("properties is an object").entry("metadata").or_insert(json!({"type": "object"}));
    }
    let is_object = map.get("type") == Some(&json!("object")) || map.contains_key("properties");
    // A CRD object schema without properties prunes every field (so strict validation reports it); a core
    // OpenAPI object without properties (FieldsV1, RawExtension) is free-form.
    let declares_fields = crd || map.contains_key("properties");
    if is_object
        && declares_fields
        && !in_junctor
        && !map.contains_key("additionalProperties")
        && !flag("x-kubernetes-preserve-unknown-fields")
    {
        out.insert("additionalProperties".into(), json!(false));
    }
    Value::Object(out)
}

/// The schema compiler checks patterns are ECMA 262, which has no inline flags; Go's `(?i)` (SpireServer
/// `jwtIssuer`) becomes `[xX]` for each letter outside escapes and classes.
fn ecma_pattern(pattern: &str) -> String {
    if !pattern.contains("(?i)") {
        return pattern.to_string();
    }
    let mut out = String::new();
    let (mut escaped, mut in_class) = (false, false);
    for c in pattern.replace("(?i)", "").chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '[' => in_class = true,
            ']' => in_class = false,
            c if c.is_ascii_alphabetic() && !in_class => {
                out.push_str(&format!("[{}{}]", c.to_ascii_lowercase(), c.to_ascii_uppercase()));
                continue;
            }
            _ => {}
        }
        out.push(c);
    }
    out
}

/// An explicit `null` means "remove this field" on apply: it is not part of the object the apiserver sees.
fn strip_nulls(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            Value::Object(m.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), strip_nulls(v))).collect())
        }
        Value::Array(a) => Value::Array(a.iter().map(strip_nulls).collect()),
        other => other.clone(),
    }
}

/// Walks an object along its schema, running what JSON Schema cannot: CEL rules and list-map key uniqueness.
struct Walk<'a> {
    catalog: &'a Catalog,
    source: &'a str,
    report: &'a mut Report,
}

impl Walk<'_> {
    fn violation(&mut self, path: &str, message: String) {
        self.report.violations.push(Violation { schema: self.source.to_string(), path: path.to_string(), message });
    }

    fn node(&mut self, schema: &Value, value: &Value, path: &str) {
        for rule in schema["x-kubernetes-validations"].as_array().into_iter().flatten() {
            self.rule(rule, value, path);
        }
        match value {
            Value::Object(fields) => {
                let props = schema["properties"].as_object();
                for (k, v) in fields {
                    let child = format!("{path}/{}", k.replace('~', "~0").replace('/', "~1"));
                    if let Some(s) = props.and_then(|p| p.get(k)) {
                        self.node(s, v, &child);
                    } else if schema["additionalProperties"].is_object() {
                        self.node(&schema["additionalProperties"], v, &child);
                    }
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.node(&schema["items"], item, &format!("{path}/{i}"));
                }
                if schema["x-kubernetes-list-type"] == json!("map") {
                    self.map_keys(schema, items, path);
                }
            }
            _ => {}
        }
    }

    fn map_keys(&mut self, schema: &Value, items: &[Value], path: &str) {
        let keys: Vec<&str> =
            schema["x-kubernetes-list-map-keys"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        let mut seen = HashSet::new();
        for (i, item) in items.iter().enumerate() {
            let key: Vec<String> = keys.iter().map(|k| item[*k].to_string()).collect();
            if !seen.insert(key.clone()) {
                self.violation(
                    &format!("{path}/{i}"),
                    format!("duplicate entry for list-map key ({}) = ({})", keys.join(", "), key.join(", ")),
                );
            }
        }
    }

    fn rule(&mut self, rule: &Value, value: &Value, path: &str) {
        let text = rule["rule"].as_str().unwrap_or_default();
        if text.contains("oldSelf") {
            self.report.cel.skipped += 1;
            return;
        }
        self.report.cel.evaluated += 1;
        let outcome = self.catalog.program(text).and_then(|program| {
            let base = cel::context(&self.catalog.env);
            let mut ctx = base.new_inner_scope();
            ctx.add_variable_from_value("self", cel::value(value));
            program.execute(&ctx).map_err(|e| format!("evaluation error: {e}"))
        });
        let failure = match outcome {
            Ok(::cel::Value::Bool(true)) => return,
            Ok(::cel::Value::Bool(false)) => rule["message"].as_str().unwrap_or("rule is false").to_string(),
            Ok(other) => format!("rule returned {other:?}, not a bool"),
            Err(e) => e,
        };
        self.report.cel.failed += 1;
        self.violation(path, format!("CEL `{text}`: {failure}"));
    }
}

/// ObjectMeta checks the apiserver does in code, not in any schema: a name, and label keys and values that
/// are valid (`metav1validation.ValidateLabels`), annotation keys that are qualified names.
fn metadata_checks(object: &Value, kind: &str, out: &mut Vec<Violation>) {
    let mut push = |path: &str, message: String| {
        out.push(Violation { schema: "apiserver ObjectMeta".into(), path: path.into(), message })
    };
    let meta = &object["metadata"];
    let name = meta["name"].as_str().unwrap_or_default();
    // RBAC names only need to be path segments; everything else we emit must be a DNS-1123 subdomain, and a
    // Namespace a DNS-1123 label.
    let name_ok = match kind {
        "ClusterRoleBinding" | "RoleBinding" | "ClusterRole" | "Role" => {
            !name.is_empty() && !name.contains('/') && !name.contains('%') && name != "." && name != ".."
        }
        "Namespace" => is_dns_label(name),
        _ => is_dns_subdomain(name),
    };
    if !name_ok {
        push("/metadata/name", format!("`{name}` is not a valid {kind} name"));
    }
    for (k, v) in meta["labels"].as_object().into_iter().flatten() {
        if !is_qualified_name(k) {
            push("/metadata/labels", format!("label key `{k}` is not a qualified name"));
        }
        let v = v.as_str().unwrap_or("<not a string>");
        let value_ok = v.is_empty()
            || (v.len() <= 63
                && v.starts_with(|c: char| c.is_ascii_alphanumeric())
                && v.ends_with(|c: char| c.is_ascii_alphanumeric())
                && v.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)));
        if !value_ok {
            push("/metadata/labels", format!("label `{k}` value `{v}` is not a valid label value"));
        }
    }
    for k in meta["annotations"].as_object().into_iter().flatten().map(|(k, _)| k) {
        if !is_qualified_name(k) {
            push("/metadata/annotations", format!("annotation key `{k}` is not a qualified name"));
        }
    }
}

fn is_dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && s.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn is_dns_subdomain(s: &str) -> bool {
    s.len() <= 253 && s.split('.').all(is_dns_label)
}

fn is_qualified_name(s: &str) -> bool {
    let (prefix, name) = s.rsplit_once('/').map_or((None, s), |(p, n)| (Some(p), n));
    prefix.is_none_or(is_dns_subdomain)
        && !name.is_empty()
        && name.len() <= 63
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

fn is_base64(s: &str) -> bool {
    s.len().is_multiple_of(4)
        && s.trim_end_matches('=').len() + 2 >= s.len()
        && s.trim_end_matches('=').chars().all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '/')
}

/// Go's `time.ParseDuration`: `300ms`, `1h30m`, `-1.5h`, `0`.
fn is_go_duration(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    if s == "0" {
        return true;
    }
    let mut rest = s;
    if rest.is_empty() {
        return false;
    }
    while !rest.is_empty() {
        let number_len = rest.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(rest.len());
        if number_len == 0 || rest[..number_len].matches('.').count() > 1 || rest[..number_len] == *"." {
            return false;
        }
        rest = &rest[number_len..];
        let Some(unit) = ["ns", "us", "µs", "μs", "ms", "s", "m", "h"].into_iter().find(|u| rest.starts_with(u))
        else {
            return false;
        };
        rest = &rest[unit.len()..];
    }
    true
}

#[test]
fn formats_and_patterns_translate_as_kubernetes_means_them() {
    for ok in ["5m", "1h30m", "300ms", "0", "-1.5h", "2µs"] {
        assert!(is_go_duration(ok), "{ok}");
    }
    for bad in ["", "5", "5 minutes", "P1D", "1.2.3s", "h"] {
        assert!(!is_go_duration(bad), "{bad}");
    }
    assert!(is_base64("YWJj") && is_base64("YQ==") && is_base64(""));
    assert!(!is_base64("YWJ") && !is_base64("not base64!") && !is_base64("Y==="));
    assert_eq!(ecma_pattern("^(?i)https?://[^\\s?#]+$"), "^[hH][tT][tT][pP][sS]?://[^\\s?#]+$");
    assert!(
        is_qualified_name("argocd.argoproj.io/sync-wave") && !is_qualified_name("a/b/c") && !is_qualified_name("-x")
    );
}
