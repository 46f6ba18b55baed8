//! Reading the input ResourceList: bytes to items, under the reader's limits.

use super::ResourceList;
use serde_yaml_ng::Value;

/// Parses a ResourceList from stdin bytes. The error is a sentence for a result and stderr.
pub fn parse(input: &[u8]) -> Result<ResourceList<'_>, String> {
    if input.len() > crate::yaml::MAX_INPUT_BYTES {
        return Err(format!(
            "input exceeds a limit: it is {} bytes, more than the limit of {} bytes (64 MiB); split the package.",
            input.len(),
            crate::yaml::MAX_INPUT_BYTES
        ));
    }
    let text = std::str::from_utf8(input).map_err(|e| {
        format!(
            "input is not UTF-8 (invalid byte at offset {}); a ResourceList must be UTF-8 YAML or JSON.",
            e.valid_up_to()
        )
    })?;
    let text = strip_bom(text);
    if text.trim().is_empty() {
        return Err("input is empty; expected a ResourceList (kind: ResourceList) on stdin. To run without an orchestrator, use `ztwim-gitops generate -c CONFIG`.".into());
    }
    let parsed = crate::yaml::parse_resource_list(text).map_err(|e| {
        if e.contains("the limit of") {
            format!("input exceeds a limit: {e}.")
        } else {
            format!("input is not valid YAML or JSON: {e}.")
        }
    })?;
    let value = parsed.value;
    let Value::Mapping(mut map) = value else {
        return Err("input is not a ResourceList: expected a map with `kind: ResourceList`.".into());
    };
    let api_version = map.get("apiVersion").and_then(Value::as_str).unwrap_or_default();
    let kind = map.get("kind").and_then(Value::as_str).unwrap_or_default();
    if kind != "ResourceList" || !api_version.starts_with("config.kubernetes.io/") {
        return Err(format!(
            "input is not a ResourceList (got apiVersion `{api_version}`, kind `{kind}`); expected apiVersion config.kubernetes.io/v1, kind ResourceList. To run on a bare config file, use `ztwim-gitops generate -c FILE`."
        ));
    }
    let items = match map.remove("items") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Sequence(items)) => items,
        Some(other) => {
            return Err(format!(
                "ResourceList `items` must be a list of objects, not a {}.",
                crate::yaml::kind_of(&other)
            ))
        }
    };
    if let Some((i, item)) = items.iter().enumerate().find(|(_, item)| !item.is_mapping()) {
        return Err(format!(
            "ResourceList item {i} is a {}, not an object; every item must be a KRM object with apiVersion and kind.",
            crate::yaml::kind_of(item)
        ));
    }
    let function_config = map.remove("functionConfig").filter(|v| !v.is_null());
    let spans = parsed.items.filter(|s| s.len() == items.len());
    Ok(ResourceList { items, function_config, source: text, spans })
}

/// Drops a leading UTF-8 byte order mark (editors on Windows write one; YAML allows it), which the YAML
/// parser otherwise takes for the start of a second document.
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}
