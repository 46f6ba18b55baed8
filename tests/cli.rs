//! The command line: `generate`, `schema`, `--help`, `--version`, run as the built binary.

use serde_yaml_ng::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ztwim-gitops"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary starts")
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).expect("UTF-8")
}

/// The documents of a multi-document YAML stream.
fn documents(stream: &str) -> Vec<Value> {
    use serde::Deserialize;
    serde_yaml_ng::Deserializer::from_str(stream)
        .map(|doc| Value::deserialize(doc).expect("each document parses"))
        .filter(|v| !v.is_null())
        .collect()
}

fn annotation<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v["metadata"]["annotations"][key].as_str()
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn generate_prints_a_stream_and_warnings_on_stderr() {
    for (config, owner) in [("fn-config/minimal.yaml", "ztwim-gitops"), ("fn-config/configmap.yaml", "function-input")]
    {
        let out = bin(&["generate", "-c", config]);
        assert!(out.status.success(), "{config}: {}", text(&out.stderr));
        // sha256 is not set in either file: a warning, in the same words as the KRM result.
        assert!(text(&out.stderr).contains("warning: "), "{config}: {}", text(&out.stderr));
        assert!(!text(&out.stderr).contains("error: "));
        for doc in documents(&text(&out.stdout)) {
            assert!(doc["apiVersion"].is_string() && doc["kind"].is_string(), "{doc:?}");
            assert_eq!(annotation(&doc, "ztwim-gitops.dev/owner"), Some(owner));
        }
    }
}

#[test]
fn generate_target_selects_one_cluster() {
    let out = bin(&["generate", "-c", "fn-config/fleet.yaml", "--target", "management"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    for doc in documents(&text(&out.stdout)) {
        assert_eq!(annotation(&doc, "ztwim-gitops.dev/target"), Some("management"), "{doc:?}");
    }
    let out = bin(&["generate", "-c", "fn-config/fleet.yaml", "--target", "spoke/spoke-b"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    for doc in documents(&text(&out.stdout)) {
        assert_eq!(annotation(&doc, "ztwim-gitops.dev/target"), Some("spoke/spoke-b"), "{doc:?}");
    }
    let out = bin(&["generate", "-c", "fn-config/fleet.yaml", "--target", "spoke/nope"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("error: spec.target: target `spoke/nope` names no spoke"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(text(&out.stdout), "");
}

#[test]
fn generate_output_dir_splits_by_cluster() {
    let dir = scratch("generate-o");
    let out = bin(&["generate", "-c", "fn-config/fleet.yaml", "-o", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "", "with -o nothing goes to stdout");
    let stream = documents(&text(&bin(&["generate", "-c", "fn-config/fleet.yaml"]).stdout));
    let mut files = Vec::new();
    let mut stack = vec![dir.clone()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    let mut written = Vec::new();
    for file in &files {
        let rel = file.strip_prefix(&dir).unwrap().to_string_lossy().to_string();
        let docs = documents(&std::fs::read_to_string(file).unwrap());
        assert!(!docs.is_empty(), "{rel}: empty file");
        // One object per file, except objects of one kind and name in several namespaces.
        for doc in docs {
            let target = annotation(&doc, "ztwim-gitops.dev/target").unwrap().to_string();
            let expected_dir = if target == "management" {
                "management/".to_string()
            } else {
                format!("spokes/{}/", &target["spoke/".len()..])
            };
            assert!(rel.starts_with(&expected_dir), "{rel} holds an object for {target}");
            written.push(doc);
        }
    }
    assert_eq!(written.len(), stream.len(), "every streamed object is written, once");
    for doc in &stream {
        assert!(written.contains(doc), "{doc:?} was not written");
    }
}

#[test]
fn generate_reports_config_errors_and_missing_files() {
    let dir = scratch("generate-bad");
    let config = dir.join("bad.yaml");
    std::fs::write(&config, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  appDomain: Apps.Example.com\n  spokeServer: https://https://api.x:6443\n").unwrap();
    let out = bin(&["generate", "-c", config.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("error: data.appDomain: appDomain `Apps.Example.com`"), "{stderr}");
    assert!(
        stderr.contains("error: data.spokeServer: server `https://https://api.x:6443` has the scheme twice"),
        "{stderr}"
    );
    assert_eq!(text(&out.stdout), "");

    std::fs::write(&config, "").unwrap();
    let out = bin(&["generate", "-c", config.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("error: no function config was given"), "{}", text(&out.stderr));

    let out = bin(&["generate", "-c", "does/not/exist.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("cannot read does/not/exist.yaml"), "{}", text(&out.stderr));
}

#[test]
fn schema_is_json_with_every_top_level_field() {
    let out = bin(&["schema"]);
    assert!(out.status.success());
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let props = schema["properties"].as_object().expect("an object schema");
    for field in ["appDomain", "trustDomain", "audience", "target", "identity", "management", "spokes", "applications"]
    {
        assert!(props.contains_key(field), "schema lacks {field}");
    }
}

#[test]
fn help_has_examples_and_version_matches_the_crate() {
    let help = text(&bin(&["--help"]).stdout);
    assert!(help.contains("Examples:"), "{help}");
    assert!(help.contains("ztwim-gitops generate -c fn-config/minimal.yaml"), "{help}");
    assert!(help.contains("kpt fn eval"), "{help}");
    let version = text(&bin(&["--version"]).stdout);
    assert_eq!(version.trim(), format!("ztwim-gitops {}", env!("CARGO_PKG_VERSION")));
}
