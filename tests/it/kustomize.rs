//! The real `kubectl kustomize` (kustomize v5.5.0) running our image through the docker adapter, on the
//! kustomize examples; and the exact ResourceList kustomize sends an exec generator, fed to the binary.
//! Each example's `expected.yaml` (per cluster directory for the two-cluster layout) is what the build
//! must print; `UPDATE_GOLDEN=1` rewrites them instead (review the diff like code).

use crate::support as common;

use common::*;
use std::path::Path;
use std::process::Command;

fn kustomize(dir: &str) -> String {
    let out = run(
        Command::new("kubectl")
            .args(["kustomize", "--enable-alpha-plugins", dir])
            .current_dir(Path::new(ROOT).join("examples"))
            .env("PATH", path_with_docker_adapter()),
        true,
    );
    String::from_utf8(out.stdout).unwrap()
}

fn expect(file: &str, actual: &str) {
    golden::assert_golden(&format!("examples/{file}"), actual);
}

fn ids(stream: &str) -> Vec<String> {
    documents(stream)
        .iter()
        .map(|d| {
            let s = |v: &serde_yaml_ng::Value| v.as_str().unwrap_or_default().to_string();
            format!("{}/{}/{}", s(&d["kind"]), s(&d["metadata"]["namespace"]), s(&d["metadata"]["name"]))
        })
        .collect()
}

fn tools() -> bool {
    have("kubectl") && image().is_some()
}

#[test]
fn container_generator_prints_every_generated_object() {
    if !tools() {
        return;
    }
    let out = kustomize("kustomize-generator");
    let generated = documents(&out);
    assert!(generated.len() > 1, "objects for both clusters:\n{out}");
    for d in &generated {
        assert_eq!(d["metadata"]["annotations"]["ztwim-gitops.dev/owner"].as_str(), Some("ztwim-gitops"));
        assert!(d["metadata"]["annotations"]["internal.config.kubernetes.io/path"].is_null(), "kustomize strips it");
    }
    assert!(!out.contains("kind: ZtwimGitOps"), "the local config is not in the output");
    expect("kustomize-generator/expected.yaml", &out);
}

#[test]
fn transformer_patches_the_base_objects_once_and_adds_the_rest() {
    if !tools() {
        return;
    }
    let out = kustomize("kustomize-transformer-with-base");
    let ids = ids(&out);
    for patched in [
        "Subscription/zero-trust-workload-identity-manager/openshift-zero-trust-workload-identity-manager",
        "SpireServer//cluster",
    ] {
        assert_eq!(ids.iter().filter(|i| *i == patched).count(), 1, "{patched} once:\n{out}");
    }
    assert!(!out.contains("patch-me-see-overlays-dir"), "the placeholder channel is replaced");
    assert!(out.contains("team: platform"), "fields only the base has stay");
    assert!(ids.len() > 2, "the generated rest is added");
    expect("kustomize-transformer-with-base/expected.yaml", &out);
}

#[test]
fn two_cluster_layout_builds_each_cluster_from_one_base_config() {
    if !tools() {
        return;
    }
    let management = kustomize("kustomize-two-clusters/management");
    let spoke = kustomize("kustomize-two-clusters/spoke-spoke-a");
    for (out, target) in [(&management, "management"), (&spoke, "spoke/spoke-a")] {
        let docs = documents(out);
        assert!(!docs.is_empty() && !out.trim().is_empty(), "{target} builds objects");
        for d in docs {
            assert_eq!(d["metadata"]["annotations"]["ztwim-gitops.dev/target"].as_str(), Some(target), "{out}");
        }
    }
    expect("kustomize-two-clusters/management/expected.yaml", &management);
    expect("kustomize-two-clusters/spoke-spoke-a/expected.yaml", &spoke);
}

/// kubectl cannot run exec functions, so this is what standalone `kustomize build --enable-alpha-plugins
/// --enable-exec` sends (verified with a logging shim, see the reference notes): the config as the only
/// item with `local-config`, index and id injected, and as functionConfig without them.
#[test]
fn exec_generator_input_as_kustomize_sends_it() {
    let input = std::fs::read(Path::new(ROOT).join("tests/data/kustomize-exec-input.yaml")).unwrap();
    let (out, stderr, code) = run_bin(&[], &input);
    assert_eq!(code, 0, "{stderr}");
    let list: serde_yaml_ng::Value = serde_yaml_ng::from_str(&out).unwrap();
    let items = list["items"].as_sequence().unwrap();
    let config = items.iter().filter(|i| i["kind"] == "ZtwimGitOps").count();
    assert_eq!(config, 1, "the config item is passed through once (kustomize drops it: local-config)");
    let generated: Vec<_> = items.iter().filter(|i| i["kind"] != "ZtwimGitOps").collect();
    assert!(!generated.is_empty(), "objects are generated:\n{out}");
    for g in generated {
        assert!(g["metadata"]["annotations"]["config.kubernetes.io/local-config"].is_null(), "never on output");
    }
}
