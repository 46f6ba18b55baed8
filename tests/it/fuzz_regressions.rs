//! Replays the fuzz corpus (`fuzz/corpus/<target>/`) and every crash input the fuzzers found
//! (`tests/fuzz_regressions/<target>/`) through the same checks as the fuzz targets, so `cargo test`
//! keeps them fixed without nightly or libFuzzer. See docs/reliability.md.

use serde_yaml_ng::Value;
use std::path::Path;
use ztwim_gitops::{pipeline, yaml};

use crate::support::ROOT;

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let mut found = Vec::new();
    for dir in [format!("{ROOT}/fuzz/corpus/{target}"), format!("{ROOT}/tests/fuzz_regressions/{target}")] {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_file() {
                found.push((path.display().to_string(), std::fs::read(&path).unwrap()));
            }
        }
    }
    found.sort();
    assert!(!found.is_empty() || !Path::new(&format!("{ROOT}/fuzz/corpus/{target}")).exists(), "{target}");
    found
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}\n")).collect()
}

/// fuzz/fuzz_targets/resource_list.rs
fn resource_list(data: &[u8]) {
    let first = pipeline::run_function(data);
    let out = yaml::from_str(&first.stdout).expect("the output is one YAML document");
    assert_eq!(out["kind"], "ResourceList", "{}", first.stdout);
    assert!(first.exit_code == 0 || first.exit_code == 1);
    if first.exit_code != 0 {
        return;
    }
    let Ok(input) = yaml::from_str(std::str::from_utf8(data).unwrap_or_default().trim_start_matches('\u{feff}')) else {
        return;
    };
    let Some(config) = input.get("functionConfig").filter(|c| !c.is_null()) else { return };
    let items = first.stdout.split("\nfunctionConfig:\n").next().unwrap_or_default();
    let items = items.split("\nresults:\n").next().unwrap_or_default().trim_end();
    let second =
        pipeline::run_function(format!("{items}\nfunctionConfig:\n{}", indent(&yaml::to_string(config))).as_bytes());
    assert_eq!(second.exit_code, 0, "{}", second.stdout);
    let strip = |s: &str| s.split("\nresults:\n").next().unwrap_or_default().to_string();
    assert_eq!(strip(&second.stdout), strip(&first.stdout), "a second run changed the items");
    let piped = pipeline::run_function(first.stdout.as_bytes());
    assert_eq!(piped.stdout, first.stdout, "a pipe of two runs changed the output");
}

/// fuzz/fuzz_targets/config.rs
fn config(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (manifests, _) = pipeline::generate_from_file(text, "fuzz.yaml", None);
    for m in manifests {
        let text = yaml::tree_to_string(&m.object);
        assert_eq!(yaml::from_str(&text), Ok(m.value()), "{text}");
    }
}

fn has_nan(v: &Value) -> bool {
    match v {
        Value::Number(n) => n.as_f64().is_some_and(f64::is_nan),
        Value::Sequence(s) => s.iter().any(has_nan),
        Value::Mapping(m) => m.iter().any(|(k, v)| has_nan(k) || has_nan(v)),
        Value::Tagged(t) => has_nan(&t.value),
        _ => false,
    }
}

/// fuzz/fuzz_targets/yaml_roundtrip.rs
fn yaml_roundtrip(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(value) = yaml::from_str(text) else { return };
    let written = yaml::to_string(&value);
    if let Ok(serialised) = serde_yaml_ng::to_value(&value) {
        assert_eq!(yaml::to_string_of(&value), yaml::to_string(&serialised));
        // The Tree generated objects are held in means that same value and is written the same way,
        // serialised as its Value serialises (both through to_value again where the emitter cannot
        // write a tag itself, which drops that `!` once more).
        let tree = yaml::Tree::of(&value).expect("a Tree builds whatever to_value builds");
        if !has_nan(&value) {
            assert_eq!(tree.to_value(), serialised);
        }
        assert_eq!(yaml::tree_to_string(&tree), yaml::to_string(&serialised));
        assert_eq!(yaml::to_string_of(&tree), yaml::to_string_of(&serialised));
    }
    let back = yaml::from_str(&written).unwrap_or_else(|e| panic!("{e}\n{written}"));
    if !has_nan(&value) {
        assert_eq!(back, value, "{written}");
    }
    assert_eq!(yaml::to_string(&back), written);
}

fn replay(target: &str, check: fn(&[u8])) {
    for (name, data) in inputs(target) {
        if let Err(e) = std::panic::catch_unwind(|| check(&data)) {
            let message = e.downcast_ref::<String>().cloned().unwrap_or_default();
            panic!("{target}: {name} fails again: {message}");
        }
    }
}

#[test]
fn resource_list_inputs() {
    replay("resource_list", resource_list);
}

#[test]
fn config_inputs() {
    replay("config", config);
}

#[test]
fn yaml_roundtrip_inputs() {
    replay("yaml_roundtrip", yaml_roundtrip);
}
