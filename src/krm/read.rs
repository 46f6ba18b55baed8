//! Reading the input ResourceList: bytes to items, under the reader's limits.

use super::ResourceList;
use crate::yaml::{ErrorKind, Items};
use serde_yaml_ng::Value;

/// Items in one ResourceList: ten times the largest package measured in `docs/performance.md`.
pub const MAX_ITEMS: usize = 100_000;

/// How the reader treats a ResourceList's `items`: each entry's span is recorded (pass-through copies
/// items from their text), and of each only its `apiVersion`, `kind` and `metadata` is built, all that
/// identifies it, its owner and its file. The rest of its value would cost many times its text in
/// memory (a 17 MB package took 440 MiB) and is never looked at unless a generated object patches the
/// item, when [`ResourceList::hydrate`] reads that one item's text again. When an item cannot be
/// copied from its text (flow `items`, aliases across items, a `%TAG` directive), the reader reads the
/// whole input again in full.
pub const ITEMS: Items<'static> =
    Items { key: "items", keep: Some(&["apiVersion", "kind", "metadata"]), max: MAX_ITEMS, name: "ResourceList" };

/// Parses a ResourceList from stdin bytes. The error is a sentence for a result and stderr.
pub fn parse(input: &[u8]) -> Result<ResourceList<'_>, String> {
    read(input, &ITEMS)
}

/// Parses a ResourceList reading its items as `items` says ([`ITEMS`], or nothing skipped).
pub(super) fn read<'i>(input: &'i [u8], items: &Items<'_>) -> Result<ResourceList<'i>, String> {
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
    let parsed = crate::yaml::parse_items(text, items).map_err(|e| match e.kind {
        ErrorKind::Limit(_) => format!("input exceeds a limit: {e}."),
        _ => format!("input is not valid YAML or JSON: {e}."),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_classified_by_kind_not_by_their_words() {
        // Before: any message containing "the limit of" was called a limit, so a duplicate key the user
        // named so was reported as "input exceeds a limit".
        let input =
            b"apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\nthe limit of: 1\nthe limit of: 2\n";
        let e = parse(input).unwrap_err();
        assert!(e.starts_with("input is not valid YAML or JSON: duplicate key `the limit of`"), "{e}");
        let deep = format!(
            "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: {}{}\n",
            "[".repeat(300),
            "]".repeat(300)
        );
        let e = parse(deep.as_bytes()).unwrap_err();
        assert!(e.starts_with("input exceeds a limit: collections nest deeper than the limit of 128 levels"), "{e}");
    }
}
