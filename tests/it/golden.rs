//! The discovered cases (`support::cases`: every `tests/cases/<case>/` and every example with `.expected/`,
//! each run twice and compared byte for byte), and beside their golden bytes the rules some cases exist
//! for, so a regenerated file cannot hide a broken rule.

use crate::support as common;

use common::cases::{self, case, run_all, run_case};
use common::golden::updating;
use common::*;
use serde_yaml_ng::Value;
use std::path::Path;

#[test]
fn every_case_directory_is_run_twice_and_matches_its_expected_output() {
    let ran = run_all(&Path::new(ROOT).join("tests/cases"), true);
    assert!(ran.len() >= 6, "{ran:?}");
}

/// The examples are documentation; the ones with `.expected/` are cases too (the others name the test
/// that checks them in their README: `examples.rs`).
#[test]
fn every_example_with_expected_is_run_twice_and_matches_its_expected_output() {
    let ran = run_all(&Path::new(ROOT).join("examples"), false);
    assert!(ran.contains(&"mixed-fleet".to_string()), "{ran:?}");
}

/// Adding a case is adding a directory; a directory that is not a whole case fails instead of passing.
#[test]
fn a_new_directory_is_a_case_and_a_malformed_one_fails() {
    let root = TempDir::new("cases");
    copy_tree(&Path::new(ROOT).join("tests/cases/explain-fleet"), &root.path().join("added"));
    assert_eq!(run_all(root.path(), true), ["added"]);
    if updating() {
        return; // under UPDATE_GOLDEN=1 missing expected files are written, not refused
    }
    let added = root.path().join("added");
    let output = added.join(".expected/output.txt");
    std::fs::write(&output, std::fs::read_to_string(&output).unwrap().replacen("issuer", "Issuer", 1)).unwrap();
    let problems = run_case(&added).unwrap_err();
    assert!(problems.iter().any(|p| p.contains("output.txt differs")), "{problems:?}");
    std::fs::remove_file(&output).unwrap();
    let problems = run_case(&added).unwrap_err();
    assert!(problems.iter().any(|p| p.contains("output.yaml: missing")), "{problems:?}");
    std::fs::write(added.join(".expected/output.yaml"), "").unwrap();
    std::fs::write(added.join(".expected/output.txt"), "").unwrap();
    let problems = run_case(&added).unwrap_err();
    assert!(problems.iter().any(|p| p.contains("stdout is expected in one file")), "{problems:?}");
    std::fs::remove_file(added.join(".expected/output.txt")).unwrap();
    std::fs::write(added.join(".expected/stdout.yaml"), "").unwrap();
    let problems = run_case(&added).unwrap_err();
    assert!(problems.iter().any(|p| p.contains("stdout.yaml: not a file a case has")), "{problems:?}");
    let empty = root.path().join("empty");
    std::fs::create_dir_all(empty.join(".expected")).unwrap();
    let problems = run_case(&empty).unwrap_err();
    assert!(problems.iter().any(|p| p.contains("needs input.yaml, or args or command")), "{problems:?}");
    std::fs::remove_dir(empty.join(".expected")).unwrap();
    assert!(run_case(&empty).unwrap_err()[0].contains("no .expected/ directory"));
    std::fs::create_dir_all(empty.join(".expected")).unwrap();
    std::fs::write(empty.join(".expected/config.yaml"), "arg: [explain]\n").unwrap();
    assert!(run_case(&empty).unwrap_err()[0].contains("unknown field `arg`"));
}

/// The second run is on the first run's output and must change nothing: a command that counts its runs
/// in the directory it writes fails the case.
#[test]
fn a_case_whose_second_run_changes_its_output_fails() {
    let root = TempDir::new("cases");
    let dir = root.path().join("counter");
    let script = root.path().join("count.sh");
    std::fs::write(&script, "#!/bin/sh\necho run >> \"$1/runs\"\nwc -l < \"$1/runs\"\n").unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let config = format!("command: [{}, '{{out}}']\ntree: tree\n", script.display());
    std::fs::create_dir_all(dir.join(".expected")).unwrap();
    std::fs::write(dir.join(".expected/config.yaml"), config).unwrap();
    std::fs::write(dir.join(".expected/output.txt"), "1\n").unwrap();
    std::fs::write(dir.join(".expected/stderr.txt"), "").unwrap();
    std::fs::create_dir_all(dir.join("tree")).unwrap();
    std::fs::write(dir.join("tree/runs"), "run\n").unwrap();
    let problems = run_case(&dir).unwrap_err();
    assert!(problems.len() == 1 && problems[0].contains("the second run"), "{problems:?}");
    std::fs::write(
        dir.join(".expected/config.yaml"),
        format!("{}runCount: 1\n", std::fs::read_to_string(dir.join(".expected/config.yaml")).unwrap()),
    )
    .unwrap();
    assert!(cases::run_case(&dir).unwrap().is_some(), "one run alone matches");
}

#[test]
fn explain_fleet() {
    let text = case("explain-fleet");
    assert!(
        text.contains("→ username spire:spiffe://mgmt.example.com/ns/fleet-gitops/sa/fleet-argocd-server"),
        "{text}"
    );
}

/// The README shows the fleet's diagram; it must be what `explain --format mermaid` prints.
#[test]
fn explain_fleet_mermaid_is_the_readmes_diagram() {
    let diagram = case("explain-fleet-mermaid");
    let readme = std::fs::read_to_string(Path::new(ROOT).join("README.md")).unwrap();
    assert!(readme.contains(&format!("```mermaid\n{diagram}```")), "README's mermaid block differs from:\n{diagram}");
}

fn item<'a>(list: &'a Value, kind: &str) -> &'a Value {
    let name = match kind {
        "Subscription" => "openshift-zero-trust-workload-identity-manager",
        "ArgoCD" => "openshift-gitops",
        _ => "cluster",
    };
    let items = list["items"].as_sequence().unwrap();
    let mut found = items.iter().filter(|i| i["kind"].as_str() == Some(kind) && i["metadata"]["name"] == name);
    let first = found.next().unwrap_or_else(|| panic!("no {kind} in the output"));
    assert!(found.next().is_none(), "one {kind}: a base object is patched, never duplicated");
    first
}

fn infos(list: &Value) -> Vec<String> {
    list["results"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter(|r| r["severity"] == "info")
        .map(|r| r["message"].as_str().unwrap().to_string())
        .collect()
}

/// Only local defaults give way to the base; the trust contract is enforced over it.
#[test]
fn transformer_keeps_the_bases_values_where_ours_are_only_defaults() {
    let list: Value = serde_yaml_ng::from_str(&case("transformer-gitops-catalog-base")).unwrap();
    let ztwim = item(&list, "ZeroTrustWorkloadIdentityManager");
    assert_eq!(ztwim["spec"]["clusterName"], "cluster", "immutable in ZTWIM: the base's value stays");
    assert_eq!(ztwim["spec"]["trustDomain"], "apps.mgmt.example.com", "the trust domain is the contract's");
    let server = item(&list, "SpireServer");
    assert_eq!(server["spec"]["caSubject"]["organization"], "Red Hat");
    assert_eq!(server["spec"]["persistence"]["type"], "pvc");
    let issuer = "https://spire-spiffe-oidc-discovery-provider.apps.mgmt.example.com";
    assert_eq!(server["spec"]["jwtIssuer"], issuer, "the issuer is the contract's");
    assert_eq!(item(&list, "SpireOIDCDiscoveryProvider")["spec"]["jwtIssuer"], issuer);
    let subscription = item(&list, "Subscription");
    assert_eq!(subscription["spec"]["channel"], "stable-v1");
    let argocd = item(&list, "ArgoCD");
    assert_eq!(argocd["spec"]["controller"]["resources"]["limits"]["memory"], "8Gi", "the base's sizing stays");
    let init = &argocd["spec"]["controller"]["initContainers"][0];
    assert_eq!(init["name"], ztwim_gitops::model::INIT_CONTAINER, "the plumbing is enforced");
    let infos = infos(&list);
    let kept = |what: &str| infos.iter().any(|m| m.starts_with(&format!("kept {what} from the base")));
    assert!(kept("ZeroTrustWorkloadIdentityManager cluster spec.clusterName"), "{infos:#?}");
    assert!(kept("SpireServer cluster spec.caSubject"), "{infos:#?}");
    assert!(kept("ArgoCD ztwim-gitops/openshift-gitops spec.controller.resources"), "{infos:#?}");
    assert!(!kept("SpireServer cluster spec.datastore"), "a base value equal to ours needs no note: {infos:#?}");
    assert!(!kept("Subscription"), "{infos:#?}");
}

/// What the config sets is enforced even where it is otherwise only a default.
#[test]
fn transformer_enforces_what_the_config_sets() {
    let list: Value = serde_yaml_ng::from_str(&case("transformer-gitops-catalog-base-configured")).unwrap();
    assert_eq!(item(&list, "ZeroTrustWorkloadIdentityManager")["spec"]["clusterName"], "mgmt-east");
    assert_eq!(item(&list, "Subscription")["spec"]["installPlanApproval"], "Manual");
    // A mirrored catalog named in the config replaces the base's CatalogSource; its namespace, not
    // configured, stays the base's.
    assert_eq!(item(&list, "Subscription")["spec"]["source"], "cs-mirror-operators");
    assert_eq!(item(&list, "Subscription")["spec"]["sourceNamespace"], "openshift-marketplace");
    let argocd = item(&list, "ArgoCD");
    assert_eq!(argocd["spec"]["rbac"]["scopes"], "[groups, email]");
    let limits = &argocd["spec"]["controller"]["resources"]["limits"];
    assert_eq!(limits["cpu"], "2", "argocdSpec is enforced");
    let infos = infos(&list);
    assert!(
        !infos.iter().any(|m| m.contains("spec.clusterName") || m.contains("spec.controller.resources")),
        "{infos:#?}"
    );
    assert!(infos.iter().any(|m| m.starts_with("kept SpireServer cluster spec.caSubject")), "{infos:#?}");
}

/// An input HostedCluster of a hosted spoke gains `spec.configuration.authentication`; nothing else of it
/// changes, and nothing but it is emitted for that target.
#[test]
fn transformer_patches_a_hosted_cluster_in_place() {
    let list: Value = serde_yaml_ng::from_str(&case("transformer-hosted-cluster")).unwrap();
    let input: Value = serde_yaml_ng::from_str(
        &std::fs::read_to_string(Path::new(ROOT).join("tests/cases/transformer-hosted-cluster/input.yaml")).unwrap(),
    )
    .unwrap();
    let items = list["items"].as_sequence().unwrap();
    assert_eq!(items.len(), 1, "the HostedCluster is patched, not duplicated, and the target emits nothing else");
    let mut patched = items[0].clone();
    let auth = patched["spec"]["configuration"].as_mapping_mut().unwrap().remove("authentication").unwrap();
    assert_eq!(auth["type"], "OIDC");
    let issuer = &auth["oidcProviders"][0]["issuer"];
    assert_eq!(issuer["issuerURL"], "https://spire-spiffe-oidc-discovery-provider.apps.mgmt.example.com");
    assert_eq!(issuer["audiences"][0], "hosted");
    patched["spec"].as_mapping_mut().unwrap().remove("configuration");
    // The sync wave is the one generated metadata a patched object keeps (as every patched base object does).
    let annotations = patched["metadata"].as_mapping_mut().unwrap().remove("annotations").unwrap();
    assert_eq!(annotations, serde_yaml_ng::from_str::<Value>("{argocd.argoproj.io/sync-wave: '3'}").unwrap());
    assert_eq!(patched, input["items"][0], "everything else of the HostedCluster is the input's");
}
