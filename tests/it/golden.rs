//! Golden cases in the style of the kpt functions catalog: each directory under `tests/golden/` is one
//! run of the binary and its checked-in outcome. `input.yaml` is a ResourceList fed to the function;
//! otherwise `args` (one per line, paths relative to the crate root) are the command line.
//! `expected/stdout.yaml`, `expected/stderr.txt` and `expected/exit-code` are what it must print and
//! return, byte for byte; `UPDATE_GOLDEN=1` rewrites them (review the diff like code). Beside the golden
//! files, the transformer cases assert the rules they exist for, so a regenerated file cannot hide a
//! broken rule.

use crate::support as common;

use common::golden::assert_golden;
use common::*;
use serde_yaml_ng::Value;
use std::path::Path;

/// Runs one case; returns its stdout.
fn case(name: &str) -> String {
    let dir = Path::new(ROOT).join("tests/golden").join(name);
    let (stdout, stderr, code) = if dir.join("input.yaml").exists() {
        run_bin(&[], &std::fs::read(dir.join("input.yaml")).unwrap())
    } else {
        let args = std::fs::read_to_string(dir.join("args")).expect("a case has input.yaml or args");
        let out = run(std::process::Command::new(BIN).args(args.lines()).current_dir(ROOT), false);
        let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
        (text(out.stdout), text(out.stderr), out.status.code().unwrap_or(-1))
    };
    let expected = format!("tests/golden/{name}/expected");
    assert_golden(&format!("{expected}/stdout.yaml"), &stdout);
    assert_golden(&format!("{expected}/stderr.txt"), &stderr);
    assert_golden(&format!("{expected}/exit-code"), &format!("{code}\n"));
    stdout
}

#[test]
fn every_case_directory_is_run() {
    let mut dirs: Vec<String> = std::fs::read_dir(Path::new(ROOT).join("tests/golden"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    assert_eq!(
        dirs,
        [
            "explain-fleet",
            "explain-fleet-mermaid",
            "generate-unknown-target",
            "transformer-gitops-catalog-base",
            "transformer-gitops-catalog-base-configured",
            "transformer-hosted-cluster"
        ],
        "a new case directory needs its #[test] here"
    );
}

#[test]
fn generate_unknown_target() {
    case("generate-unknown-target");
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
    assert_eq!(init["name"], "install-jwt-spiffe", "the plumbing is enforced");
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
        &std::fs::read_to_string(Path::new(ROOT).join("tests/golden/transformer-hosted-cluster/input.yaml")).unwrap(),
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
