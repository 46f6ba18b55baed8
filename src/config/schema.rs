//! The JSON Schema of the function config, both forms, for `ztwim-gitops schema` (editors, CI linting).
//! The `ZtwimGitOps` form is derived from the types the loader fills and the `ConfigMap` form from the key
//! table the loader reads, so neither can drift from what is accepted.

use super::{FunctionConfig, CONFIGMAP_DEFAULT_SPOKE, CONFIGMAP_KEYS};
use serde_json::{json, Map, Value};

/// One schema accepting either form: a `ZtwimGitOps` object or a `ConfigMap` of flat string keys.
pub fn json_schema() -> Value {
    let mut generator = schemars::SchemaGenerator::default();
    let structured = generator.subschema_for::<FunctionConfig>();
    let mut defs = generator.take_definitions(true);
    let configmap = configmap_schema(&defs);
    defs.insert("ConfigMap".into(), configmap);
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "ztwim-gitops function config",
        "description": "A ZtwimGitOps object (every option), or a ConfigMap of flat string keys (one spoke), \
                        as `kpt fn eval -- k=v` and a Kptfile `configMap:` produce.",
        "oneOf": [structured, {"$ref": "#/$defs/ConfigMap"}],
        "$defs": defs,
    })
}

/// For the fields a run requires. Every field has a serde default (so a partial config loads and the
/// resolver can report every missing field at once), which schemars writes as the property's
/// `default`; next to `required` that would tell an editor both "write this" and "you may leave it out,
/// it is \"\"".
pub(super) fn required_without_default(schema: &mut schemars::Schema) {
    schema.remove("default");
}

/// The ConfigMap form's keys are the structured fields they map to, checked the same way, so each
/// takes that field's syntax (pattern, length, format, string examples) from the structured schema.
fn configmap_schema(defs: &Map<String, Value>) -> Value {
    let structured = |path: &str| {
        let (def, field) = match (path.strip_prefix("spec.spokes.0."), path.strip_prefix("spec.management.execAuth.")) {
            (Some(field), _) => ("Spoke", field),
            (_, Some(field)) => ("ExecAuth", field),
            _ => ("Spec", path.strip_prefix("spec.").unwrap_or(path)),
        };
        defs.get(def).and_then(|d| d["properties"].get(field)).cloned().unwrap_or(Value::Null)
    };
    let data: Map<String, Value> = CONFIGMAP_KEYS
        .iter()
        .map(|(key, path)| {
            let field = structured(path);
            let about = field["description"].as_str().map(|d| format!(" {d}")).unwrap_or_default();
            let mut schema =
                json!({"type": "string", "description": format!("`{path}` of the ZtwimGitOps form.{about}")});
            for keyword in ["pattern", "maxLength", "format", "contentEncoding"] {
                if let Some(v) = field.get(keyword) {
                    schema[keyword] = v.clone();
                }
            }
            let examples: Vec<Value> =
                field["examples"].as_array().into_iter().flatten().filter(|e| e.is_string()).cloned().collect();
            schema["examples"] = Value::Array(examples);
            if *key == "spokeName" {
                schema["description"] = json!(format!(
                    "`{path}` of the ZtwimGitOps form: a DNS-1123 label. Default: `{CONFIGMAP_DEFAULT_SPOKE}`."
                ));
            }
            if *key == "execAuthMethod" {
                schema["enum"] = json!(["builtin", "archive", "image"]);
                schema["examples"] = json!(["archive"]);
            }
            if *key == "insecureSkipTLSVerify" {
                schema["enum"] = json!(["true", "false"]);
                schema["examples"] = json!(["false"]);
            }
            if *key == "acknowledge" {
                schema["description"] = json!(format!(
                    "`{path}` of the ZtwimGitOps form, comma-separated: {}.",
                    crate::config::ACKNOWLEDGEMENTS.join(", ")
                ));
                schema["examples"] = json!(["lockout,issuerSystemTrust"]);
            }
            (key.to_string(), schema)
        })
        .collect();
    json!({
        "description": "The single-spoke case as flat string keys; everything else keeps its default.",
        "type": "object",
        "required": ["apiVersion", "kind", "data"],
        "properties": {
            "apiVersion": {"const": "v1", "description": "A core ConfigMap.", "examples": ["v1"]},
            "kind": {"const": "ConfigMap", "description": "What `kpt fn eval -- k=v` and a Kptfile `configMap:` send.", "examples": ["ConfigMap"]},
            "metadata": {"type": "object", "description": "Not read; kpt names it `function-input`.", "examples": [{"name": "function-input"}]},
            "data": {
                "type": "object",
                "properties": data,
                "additionalProperties": false,
                "minProperties": 1,
                "description": "The flat string keys, each a field of the ZtwimGitOps form.",
                "examples": [{"appDomain": "apps.mgmt.example.com", "spokeServer": "https://api.spoke.example.com:6443"}],
            },
        },
    })
}
