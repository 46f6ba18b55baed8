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
    assert!(text(&out.stderr).contains("error: --target: target `spoke/nope` names no spoke"), "{}", text(&out.stderr));
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

    // A byte order mark before the first key is allowed, as in any YAML file.
    std::fs::write(&config, "\u{feff}apiVersion: v1\nkind: ConfigMap\ndata:\n  appDomain: apps.example.com\n").unwrap();
    let out = bin(&["generate", "-c", config.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    std::fs::write(&config, "").unwrap();
    let out = bin(&["generate", "-c", config.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("error: no function config was given"), "{}", text(&out.stderr));

    let out = bin(&["generate", "-c", "does/not/exist.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("cannot read does/not/exist.yaml"), "{}", text(&out.stderr));
}

const SCHEMA_BASE: &str = "apiVersion: fn.ztwim-gitops.dev/v1alpha1
kind: ZtwimGitOps
metadata: {name: fleet}
spec:
  appDomain: apps.mgmt.example.com
  management: {execAuth: {sha256: \"\"}}
  spokes:
  - {name: spoke-a, server: \"https://api.a.example.com:6443\"}
  applications:
  - {name: app, spoke: spoke-a, namespace: app, repoURL: \"https://git.example.com/app\"}
";

/// Whether the function's loader (not validation) or validation reports an error for this config text.
fn rejected_by_the_function(text: &str) -> bool {
    let value: Value = serde_yaml_ng::from_str(text).unwrap();
    let loaded = ztwim_gitops::pipeline::load_and_resolve(&value, Default::default(), &Default::default());
    loaded.diagnostics.has_errors()
}

/// `schema` describes the whole function config, both forms: every example validates, and every config
/// below, which the function rejects, the schema rejects too (so an editor flags what a run would).
#[test]
fn schema_covers_the_whole_function_config_in_both_forms() {
    let out = bin(&["schema"]);
    assert!(out.status.success());
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
    let as_json = |text: &str| serde_json::to_value(serde_yaml_ng::from_str::<Value>(text).unwrap()).unwrap();
    for example in ["minimal.yaml", "fleet.yaml", "configmap.yaml"] {
        let text =
            std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("fn-config").join(example)).unwrap();
        let errors: Vec<String> = validator.iter_errors(&as_json(&text)).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{example}: {errors:?}");
    }
    assert!(validator.is_valid(&as_json(SCHEMA_BASE)) && !rejected_by_the_function(SCHEMA_BASE));
    let edit = |from: &str, to: &str| {
        assert!(SCHEMA_BASE.contains(from), "{from}");
        SCHEMA_BASE.replacen(from, to, 1)
    };
    let configmap =
        |data: &str| format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: function-input}}\ndata: {data}\n");
    let rejected = [
        ("unknown top-level field", format!("{SCHEMA_BASE}status: {{}}\n")),
        ("wrong apiVersion", edit("v1alpha1", "v1")),
        ("wrong kind", edit("kind: ZtwimGitOps", "kind: ZtwimGitops")),
        ("no metadata.name", edit("{name: fleet}", "{}")),
        ("no spec", SCHEMA_BASE[..SCHEMA_BASE.find("spec:").unwrap()].to_string()),
        ("no appDomain", edit("appDomain:", "appDomian:")),
        ("unknown spec field", edit("spec:\n", "spec:\n  trustdomain: x\n")),
        ("unknown nested field", edit("sha256:", "sha:")),
        ("unknown spoke field", edit("name: spoke-a,", "name: spoke-a, caDta: x,")),
        ("spoke without server", edit(", server: \"https://api.a.example.com:6443\"", "")),
        ("spoke without name", edit("name: spoke-a, ", "")),
        ("application without repoURL", edit(", repoURL: \"https://git.example.com/app\"", "")),
        ("openshiftVersion a number", edit("name: spoke-a,", "name: spoke-a, openshiftVersion: 4.20,")),
        ("identity enum", edit("spec:\n", "spec:\n  identity: perPod\n")),
        ("ConfigMap unknown key", configmap("{appDomain: a.example.com, spokeNmae: a}")),
        (
            "ConfigMap insecureSkipTLSVerify",
            configmap("{appDomain: a.example.com, spokeServer: \"https://a:6443\", insecureSkipTLSVerify: \"yes\"}"),
        ),
        ("ConfigMap without data", configmap("{}")),
    ];
    for (what, text) in rejected {
        assert!(rejected_by_the_function(&text), "{what}: the function should reject:\n{text}");
        assert!(!validator.is_valid(&as_json(&text)), "{what}: the schema should reject:\n{text}");
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
