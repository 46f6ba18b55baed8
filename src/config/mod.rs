//! Stage 2: find the function config and turn it into a typed [`Spec`], reporting every problem with
//! the path the user wrote.
//!
//! Two forms are accepted: the structured `ZtwimGitOps` kind and the flat `ConfigMap` that
//! `kpt fn eval -- k=v` and a Kptfile `configMap:` produce. Both become the same [`Spec`]; the form is
//! kept only to map diagnostic paths back to what the user wrote.

pub mod schema;
pub mod syntax;
mod types;

pub use types::*;

use crate::diag::Diagnostics;
use crate::yaml::Tree;
use serde_yaml_ng::{Mapping, Value};
use std::collections::BTreeSet;

/// Where the config came from, for `resourceRef` and `file` in results.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigRef {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
    /// `internal.config.kubernetes.io/path` (or the legacy key) of the config file, if known.
    pub path: Option<String>,
    pub index: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Structured,
    ConfigMap,
}

/// A loaded config: typed spec plus where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub reference: ConfigRef,
    pub form: Form,
    pub spec: Spec,
    /// The structured paths the user wrote (`spec.management.ztwim.clusterName`), as opposed to those
    /// left to their defaults: where the function patches a base's object, only written values are
    /// enforced over the base's own.
    pub written: BTreeSet<String>,
    /// The fields loading could not take as written, each reported as a loading error: a badly typed
    /// value reset to its default, an unknown key ignored, a required value missing. This is the
    /// hand-off to resolve, which says nothing at or below them (it would talk about a value the user
    /// did not write).
    pub rejected: BTreeSet<String>,
}

impl Config {
    /// A config from a typed spec (tests and programmatic use), counting as written every field whose
    /// value is not its default, as if the user had written just those.
    pub fn from_spec(reference: ConfigRef, spec: Spec) -> Config {
        fn to_value<T: serde::Serialize>(v: &T) -> Value {
            serde_yaml_ng::to_value(v).expect("config types serialise")
        }
        let defaults = Defaults {
            spec: to_value(&Spec::default()),
            spoke: to_value(&Spoke::default()),
            application: to_value(&Application::default()),
        };
        let mut written = BTreeSet::new();
        non_default_paths(&to_value(&spec), &defaults.spec, "spec", &defaults, &mut written);
        Config { reference, form: Form::Structured, spec, written, rejected: BTreeSet::new() }
    }
}

/// The serialised defaults a typed config is compared with.
struct Defaults {
    spec: Value,
    spoke: Value,
    application: Value,
}

/// Every map key path below `value` whose value differs from `default`; list entries of `spokes` and
/// `applications` are compared with a default entry.
fn non_default_paths(value: &Value, default: &Value, path: &str, defaults: &Defaults, out: &mut BTreeSet<String>) {
    match (value, default) {
        (Value::Mapping(m), _) => {
            for (k, v) in m {
                let key = display_key(k);
                let child = format!("{path}.{key}");
                let child_default = default.get(&key).unwrap_or(&Value::Null);
                if v != child_default {
                    out.insert(child.clone());
                    non_default_paths(v, child_default, &child, defaults, out);
                }
            }
        }
        (Value::Sequence(items), _) => {
            let entry_default = match path {
                "spec.spokes" => &defaults.spoke,
                "spec.applications" => &defaults.application,
                _ => &Value::Null,
            };
            for (i, v) in items.iter().enumerate() {
                let child = format!("{path}.{i}");
                out.insert(child.clone());
                non_default_paths(v, entry_default, &child, defaults, out);
            }
        }
        _ => {}
    }
}

/// The ConfigMap keys, and the structured path each one stands for.
const CONFIGMAP_KEYS: &[(&str, &str)] = &[
    ("appDomain", "spec.appDomain"),
    ("trustDomain", "spec.trustDomain"),
    ("audience", "spec.audience"),
    ("target", "spec.target"),
    ("spokeName", "spec.spokes.0.name"),
    ("spokeServer", "spec.spokes.0.server"),
    ("openshiftVersion", "spec.spokes.0.openshiftVersion"),
    ("caData", "spec.spokes.0.caData"),
    ("issuerCA", "spec.spokes.0.issuerCA"),
    ("insecureSkipTLSVerify", "spec.spokes.0.insecureSkipTLSVerify"),
    ("acknowledge", "spec.acknowledge"),
    ("execAuthMethod", "spec.management.execAuth.method"),
];

/// The values of `spec.acknowledge` (`data.acknowledge`), as the user writes them, for messages and the
/// schema text; one a line, so that additions merge cleanly.
pub const ACKNOWLEDGEMENTS: &[&str] = &[
    "lockout",
    "apiServerSystemRoots",
    "issuerSystemTrust",
    "unverifiedDownload",
    "removeDefaultInstance",
    "replaceOidcProvider",
];

/// The spoke name used when the ConfigMap form does not name one.
pub const CONFIGMAP_DEFAULT_SPOKE: &str = "spoke-cluster";

impl Form {
    /// Maps a structured path to the path in the form the user wrote. Paths the ConfigMap form has no
    /// key for point at `data`, the closest thing the user can change.
    pub fn user_path(self, path: &str) -> String {
        match self {
            Form::Structured => path.to_string(),
            Form::ConfigMap if !path.starts_with("spec") => path.to_string(),
            Form::ConfigMap => CONFIGMAP_KEYS
                .iter()
                .find(|(_, p)| *p == path)
                .map(|(k, _)| format!("data.{k}"))
                .unwrap_or_else(|| "data".to_string()),
        }
    }
}

/// The smallest useful config, in flow style so the "no config" error stays one line on stderr (where
/// kustomize users read it) and can still be pasted as YAML.
pub const MINIMAL_EXAMPLE: &str = "{apiVersion: fn.ztwim-gitops.dev/v1alpha1, kind: ZtwimGitOps, \
     metadata: {name: ztwim-gitops}, spec: {appDomain: apps.mgmt.example.com, \
     spokes: [{name: spoke-cluster, server: 'https://api.spoke.example.com:6443'}]}}";

/// The error for a missing config, shared by the KRM function and the CLI.
pub fn no_config_message() -> String {
    format!(
        "no function config was given. Required: spec.appDomain (the management cluster's apps domain) and, \
         for each spoke, spec.spokes[].name and spec.spokes[].server. A minimal config: {MINIMAL_EXAMPLE}"
    )
}

/// Reads a function config object. Returns the config when it could be typed (it may still carry errors
/// from validation later) and every problem found while reading it.
pub fn load(object: &Value, reference: ConfigRef) -> (Option<Config>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let map = match object {
        Value::Mapping(m) if !m.is_empty() => m,
        Value::Null | Value::Mapping(_) => {
            diags.push(crate::diag::Severity::Error, None, no_config_message());
            return (None, diags);
        }
        _ => {
            diags.push(
                crate::diag::Severity::Error,
                None,
                format!(
                    "the function config must be an object (a {KIND} or a ConfigMap), not a {}.",
                    crate::yaml::kind_of(object)
                ),
            );
            return (None, diags);
        }
    };
    let api_version = str_field(map, "apiVersion");
    let kind = str_field(map, "kind");
    let form = match (api_version.as_str(), kind.as_str()) {
        ("v1", "ConfigMap") => Form::ConfigMap,
        (API_VERSION, KIND) => Form::Structured,
        (_, KIND) => {
            diags.error(
                "apiVersion",
                format!(
                    "apiVersion `{api_version}` is not supported for kind {KIND}; write `apiVersion: {API_VERSION}`."
                ),
            );
            return (None, diags);
        }
        _ => {
            diags.error(
                "kind",
                format!(
                    "unknown function config `{kind}` (apiVersion `{api_version}`); expected `{KIND}` \
                     (apiVersion {API_VERSION}) or a `ConfigMap` (apiVersion v1)."
                ),
            );
            return (None, diags);
        }
    };
    let mut written = BTreeSet::new();
    let spec = match form {
        Form::Structured => {
            if let Some(spec) = map.get("spec") {
                written_paths(spec, "spec", &mut written);
            }
            load_structured(map, &mut diags)
        }
        Form::ConfigMap => {
            let data = map.get("data").cloned().unwrap_or(Value::Null);
            let is_empty = match &data {
                Value::Null => true,
                Value::Mapping(m) => m.is_empty(),
                _ => false,
            };
            if is_empty {
                diags.push(crate::diag::Severity::Error, None, no_config_message());
                return (None, diags);
            }
            if let Some(data) = data.as_mapping() {
                written.extend(
                    CONFIGMAP_KEYS.iter().filter(|(key, _)| data.contains_key(*key)).map(|(_, path)| path.to_string()),
                );
            }
            load_configmap(&data, &mut diags)
        }
    };
    let rejected =
        diags.iter().filter(|d| d.severity == crate::diag::Severity::Error).filter_map(|d| d.path.clone()).collect();
    (spec.map(|spec| Config { reference, form, spec, written, rejected }), diags)
}

/// Every map key path below `value`, list entries by index.
fn written_paths(value: &Value, path: &str, out: &mut BTreeSet<String>) {
    match value {
        Value::Mapping(m) => {
            for (k, v) in m {
                let child = format!("{path}.{}", display_key(k));
                written_paths(v, &child, out);
                out.insert(child);
            }
        }
        Value::Sequence(s) => {
            for (i, v) in s.iter().enumerate() {
                written_paths(v, &format!("{path}.{i}"), out);
            }
        }
        _ => {}
    }
}

fn str_field(map: &Mapping, key: &str) -> String {
    map.get(key).and_then(Value::as_str).unwrap_or_default().to_string()
}

fn load_structured(map: &Mapping, diags: &mut Diagnostics) -> Option<Spec> {
    for key in map.keys() {
        let name = key.as_str().unwrap_or_default();
        if !matches!(name, "apiVersion" | "kind" | "metadata" | "spec") {
            diags.error(
                display_key(key),
                format!("unknown field `{}`; a {KIND} has only apiVersion, kind, metadata and spec.", display_key(key)),
            );
        }
    }
    let name = map.get("metadata").and_then(|m| m.get("name")).and_then(Value::as_str).unwrap_or_default();
    if name.is_empty() {
        diags.error(
            "metadata.name",
            "metadata.name is required: it marks every generated object as owned by this config; set e.g. `name: fleet`.",
        );
    }
    let empty = Value::Mapping(Mapping::new());
    let input = match map.get("spec") {
        None | Some(Value::Null) => &empty,
        Some(spec) => spec,
    };
    let spec: Spec = typed(input, "spec", diags)?;
    let typed_back = Tree::of(&spec).expect("a Spec always serialises");
    unknown_fields(input, &typed_back, "spec", diags);
    Some(spec)
}

/// Why a version must be a string, in both forms.
const QUOTE_VERSION: &str =
    " Quote the version, e.g. `openshiftVersion: \"4.20\"`: unquoted, YAML reads 4.20 as the number 4.2.";

/// At most this many type errors are reported for one config; past that the input is not a config.
const MAX_TYPE_ERRORS: usize = 50;

/// Deserialises, reporting every type error: serde stops at the first, so each offending value is
/// reset to its default and deserialisation retried. Returns the value built from the repaired input,
/// so validation still checks the rest; None only when the input could not be repaired.
fn typed<T: serde::de::DeserializeOwned>(input: &Value, prefix: &str, diags: &mut Diagnostics) -> Option<T> {
    // Read in place; copied only once a value has to be reset.
    let mut repaired: Option<Value> = None;
    let mut reported: Vec<String> = Vec::new();
    for _ in 0..MAX_TYPE_ERRORS {
        let e = match serde_path_to_error::deserialize::<_, T>(repaired.as_ref().unwrap_or(input)) {
            Ok(v) => return Some(v),
            Err(e) => e,
        };
        use serde_path_to_error::Segment;
        let segments: Vec<Segment> = e.path().iter().cloned().collect();
        let mut path = prefix.to_string();
        for seg in &segments {
            match seg {
                Segment::Seq { index } => path.push_str(&format!(".{index}")),
                Segment::Map { key } => path.push_str(&format!(".{key}")),
                Segment::Enum { variant } => path.push_str(&format!(".{variant}")),
                Segment::Unknown => {}
            }
        }
        if !reported.contains(&path) {
            let mut message = format!("{}.", e.inner().to_string().trim_end_matches('.'));
            if path.ends_with("openshiftVersion") {
                message.push_str(QUOTE_VERSION);
            } else {
                message.push_str(" Write a value of the type the field expects (see `ztwim-gitops schema`).");
            }
            diags.error(path.clone(), message);
            reported.push(path);
        }
        if !reset(repaired.get_or_insert_with(|| input.clone()), &segments) {
            break;
        }
    }
    None
}

/// Resets the value at `path` so that it deserialises as a default: a map entry is removed (every
/// field has a serde default; `shift_remove` keeps the other keys in order, so errors come out in
/// config order); a list element becomes `{}`, or `""` when it was a map (a list of strings). False
/// when the path cannot be followed or the value was already reset.
fn reset(value: &mut Value, path: &[serde_path_to_error::Segment]) -> bool {
    use serde_path_to_error::Segment;
    let Some((last, parents)) = path.split_last() else { return false };
    let mut at = value;
    for seg in parents {
        at = match (seg, at) {
            (Segment::Map { key }, Value::Mapping(m)) => match m.get_mut(key.as_str()) {
                Some(v) => v,
                None => return false,
            },
            (Segment::Seq { index }, Value::Sequence(s)) => match s.get_mut(*index) {
                Some(v) => v,
                None => return false,
            },
            _ => return false,
        };
    }
    match (last, at) {
        (Segment::Map { key }, Value::Mapping(m)) => m.shift_remove(key.as_str()).is_some(),
        (Segment::Seq { index }, Value::Sequence(s)) => match s.get_mut(*index) {
            Some(v @ Value::Mapping(_)) => {
                *v = Value::String(String::new());
                true
            }
            Some(Value::String(e)) if e.is_empty() => false,
            None => false,
            Some(v) => {
                *v = Value::Mapping(Mapping::new());
                true
            }
        },
        _ => false,
    }
}

/// Reports every key of `input` that the typed config does not have. `typed_back` is the typed config
/// serialised again with all defaults (a `Tree`: nothing hashed), so it holds every known key;
/// free-form maps (argocdSpec, labels, helmParameters) round-trip with their own keys and so are never
/// reported (one with a key that is not a plain string is a `Tree::Value`, not walked).
fn unknown_fields(input: &Value, typed_back: &Tree, path: &str, diags: &mut Diagnostics) {
    match (input, typed_back) {
        (Value::Mapping(inp), Tree::Map(known)) => {
            for (k, v) in inp {
                let child = format!("{path}.{}", display_key(k));
                match k.as_str().and_then(|k| typed_back.get(k)) {
                    Some(t) => unknown_fields(v, t, &child, diags),
                    None => {
                        let hint = suggestion(&display_key(k), known.iter().map(|(k, _)| k.as_ref()))
                            .map(|s| format!(" Did you mean `{s}`?"))
                            .unwrap_or_default();
                        diags.error(
                            child,
                            format!(
                                "unknown field `{}`.{hint} Remove it or correct its name (see `ztwim-gitops schema`).",
                                display_key(k)
                            ),
                        );
                    }
                }
            }
        }
        (Value::Sequence(inp), Tree::Seq(known)) => {
            for (i, (v, t)) in inp.iter().zip(known).enumerate() {
                unknown_fields(v, t, &format!("{path}.{i}"), diags);
            }
        }
        _ => {}
    }
}

fn display_key(k: &Value) -> String {
    match k {
        Value::String(s) => s.clone(),
        // Our emitter, as for every YAML we show: a non-string key reads as the user would write it.
        other => crate::yaml::to_string(other).trim().to_string(),
    }
}

/// The closest known name, when it is close enough to be a typo (or differs only in case).
pub(crate) fn suggestion<'a>(given: &str, known: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    known
        .map(|k| (strsim::levenshtein(&given.to_lowercase(), &k.to_lowercase()), k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 4))
        .min()
        .map(|(_, k)| k)
}

fn load_configmap(data: &Value, diags: &mut Diagnostics) -> Option<Spec> {
    let Some(data) = data.as_mapping() else {
        diags.error("data", "data must be a map of string keys to string values.");
        return None;
    };
    let mut values = std::collections::BTreeMap::new();
    for (k, v) in data {
        let key = display_key(k);
        if !CONFIGMAP_KEYS.iter().any(|(name, _)| *name == key) {
            let hint = suggestion(&key, CONFIGMAP_KEYS.iter().map(|(n, _)| *n))
                .map(|s| format!(" Did you mean `{s}`?"))
                .unwrap_or_default();
            let keys: Vec<&str> = CONFIGMAP_KEYS.iter().map(|(n, _)| *n).collect();
            diags.error(
                format!("data.{key}"),
                format!("unknown key `{key}`.{hint} The ConfigMap form accepts: {}.", keys.join(", ")),
            );
            continue;
        }
        let text = match v {
            Value::String(s) => s.clone(),
            // The number's text is gone (4.20 became 4.2): taking it as written would check another version.
            Value::Number(n) if key == "openshiftVersion" => {
                diags.error(format!("data.{key}"), format!("`{key}` is the number {n}, not a string.{QUOTE_VERSION}"));
                continue;
            }
            Value::Bool(_) | Value::Number(_) => display_key(v),
            _ => {
                diags.error(format!("data.{key}"), format!("`{key}` must be a string."));
                continue;
            }
        };
        values.insert(key, text);
    }
    let get = |k: &str| values.get(k).cloned().unwrap_or_default();
    let mut spec = Spec {
        app_domain: get("appDomain"),
        trust_domain: get("trustDomain"),
        audience: get("audience"),
        ..Spec::default()
    };
    if let Some(t) = values.get("target") {
        spec.target = t.clone();
    }
    if let Some(list) = values.get("acknowledge") {
        for (i, item) in list.split(',').map(str::trim).filter(|s| !s.is_empty()).enumerate() {
            match serde_yaml_ng::from_value::<Acknowledgement>(Value::String(item.into())) {
                Ok(a) => spec.acknowledge.push(a),
                Err(_) => diags.error(
                    "data.acknowledge",
                    format!(
                        "acknowledge item {i}, `{item}`, is not one of {}; separate items with commas.",
                        ACKNOWLEDGEMENTS.join(", ")
                    ),
                ),
            }
        }
    }
    if let Some(method) = values.get("execAuthMethod") {
        match serde_yaml_ng::from_value::<ExecAuthMethod>(Value::String(method.clone())) {
            Ok(m) => spec.management.exec_auth.method = m,
            Err(_) => diags.error(
                "data.execAuthMethod",
                format!("execAuthMethod `{method}` is not one of builtin, archive, image."),
            ),
        }
    }
    if values.contains_key("spokeName") || values.contains_key("spokeServer") {
        let mut spoke = Spoke {
            name: CONFIGMAP_DEFAULT_SPOKE.into(),
            server: get("spokeServer"),
            ca_data: get("caData"),
            issuer_ca: get("issuerCA"),
            ..Spoke::default()
        };
        if let Some(n) = values.get("spokeName") {
            spoke.name = n.clone();
        }
        if let Some(v) = values.get("openshiftVersion") {
            spoke.openshift_version = v.clone();
        }
        match values.get("insecureSkipTLSVerify").map(String::as_str) {
            None | Some("false") => {}
            Some("true") => spoke.insecure_skip_tls_verify = true,
            Some(other) => diags.error(
                "data.insecureSkipTLSVerify",
                format!("insecureSkipTLSVerify must be \"true\" or \"false\", not `{other}`."),
            ),
        }
        spec.spokes.push(spoke);
    } else {
        for key in ["openshiftVersion", "caData", "issuerCA", "insecureSkipTLSVerify"] {
            if values.contains_key(key) {
                diags.error(
                    format!("data.{key}"),
                    format!("`{key}` describes a spoke, but no spoke is given; add `spokeServer` (and optionally `spokeName`)."),
                );
            }
        }
    }
    Some(spec)
}

#[cfg(test)]
mod tests {
    use super::display_key;
    use serde_yaml_ng::Value;

    /// A key that is not a string is shown through our emitter, in the words the messages have always
    /// used (the same text `serde_yaml_ng` wrote before).
    #[test]
    fn a_non_string_key_is_shown_as_written() {
        let cases = [
            ("1", "1"),
            ("true", "true"),
            ("~", "null"),
            ("1.5", "1.5"),
            ("0x10", "16"),
            ("[a, b]", "- a\n- b"),
            ("{a: 1}", "a: 1"),
            ("!t x", "!t x"),
            ("'1'", "1"),
        ];
        for (text, shown) in cases {
            let key: Value = crate::yaml::from_str(text).unwrap();
            assert_eq!(display_key(&key), shown, "{text}");
        }
    }
}
