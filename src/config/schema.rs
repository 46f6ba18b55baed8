//! The JSON Schema of the function config, both forms, for `ztwim-gitops schema` (editors, CI linting).
//! The `ZtwimGitOps` form is derived from the types the loader fills and the `ConfigMap` form from the key
//! table the loader reads, so neither can drift from what is accepted.

use super::{FunctionConfig, CONFIGMAP_KEYS};
use serde_json::{json, Map, Value};

/// One schema accepting either form: a `ZtwimGitOps` object or a `ConfigMap` of flat string keys.
pub fn json_schema() -> Value {
    let mut generator = schemars::SchemaGenerator::default();
    let structured = generator.subschema_for::<FunctionConfig>();
    let mut defs = generator.take_definitions(true);
    defs.insert("ConfigMap".into(), configmap_schema());
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

fn configmap_schema() -> Value {
    let data: Map<String, Value> = CONFIGMAP_KEYS
        .iter()
        .map(|(key, path)| {
            let mut schema = json!({"type": "string", "description": format!("`{path}` of the ZtwimGitOps form.")});
            if *key == "insecureSkipTLSVerify" {
                schema["enum"] = json!(["true", "false"]);
            }
            (key.to_string(), schema)
        })
        .collect();
    json!({
        "description": "The single-spoke case as flat string keys; everything else keeps its default.",
        "type": "object",
        "required": ["apiVersion", "kind", "data"],
        "properties": {
            "apiVersion": {"const": "v1"},
            "kind": {"const": "ConfigMap"},
            "metadata": {"type": "object"},
            "data": {"type": "object", "properties": data, "additionalProperties": false, "minProperties": 1},
        },
    })
}
