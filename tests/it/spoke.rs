//! Snapshots (`tests/snapshots/spoke-*`) of what each spoke gets, one per spoke, reviewed line by line. Each snapshot holds
//! the results (the lock-out note) followed by the objects in apply order.

use crate::support::golden::snapshot;
use ztwim_gitops::pipeline::generate_from_file;

fn config(file: &str) -> String {
    let path = format!("{}/fn-config/{file}", crate::support::ROOT);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

/// The results and objects for one target, as one YAML text.
fn render(text: &str, target: &str) -> String {
    let (manifests, results) = generate_from_file(text, "config.yaml", Some(target));
    assert!(
        results.iter().all(|r| r.severity != ztwim_gitops::diag::Severity::Error),
        "unexpected errors for {target}: {results:?}"
    );
    assert!(!manifests.is_empty(), "{target} emitted nothing");
    let mut out = String::new();
    for r in &results {
        out.push_str(&format!("# {}: {}\n", r.severity.as_str(), r.human_line()));
    }
    for m in &manifests {
        out.push_str("---\n");
        // Through the product's emitter: the snapshot shows the bytes users get.
        out.push_str(&ztwim_gitops::yaml::tree_to_string(&m.object));
    }
    out
}

#[test]
fn minimal_spoke() {
    snapshot("spoke-minimal-spoke-cluster.yaml", &render(&config("minimal.yaml"), "spoke/spoke-cluster"));
}

#[test]
fn fleet_spokes() {
    let text = config("fleet.yaml");
    for spoke in ["spoke-a", "spoke-b", "spoke-c"] {
        snapshot(&format!("spoke-fleet-{spoke}.yaml"), &render(&text, &format!("spoke/{spoke}")));
    }
}

/// `identity: shared` on the fleet: the ClusterSPIFFEID on the management side and, on the namespaced
/// spoke, the required `sub` and RoleBindings for the one shared user.
#[test]
fn fleet_shared_identity() {
    let text = config("fleet.yaml").replace("  appDomain:", "  identity: shared\n  appDomain:");
    let (manifests, _) = generate_from_file(&text, "config.yaml", Some("management"));
    let registrations: Vec<_> = manifests.iter().filter(|m| m.kind() == "ClusterSPIFFEID").collect();
    assert_eq!(registrations.len(), 1, "exactly one ClusterSPIFFEID in shared mode");
    snapshot("spoke-fleet-shared-clusterspiffeid.yaml", &ztwim_gitops::yaml::tree_to_string(&registrations[0].object));
    snapshot("spoke-fleet-shared-spoke-c.yaml", &render(&text, "spoke/spoke-c"));
}

#[test]
fn per_service_account_identity_has_no_clusterspiffeid() {
    let (manifests, _) = generate_from_file(&config("fleet.yaml"), "config.yaml", Some("management"));
    assert!(manifests.iter().all(|m| m.kind() != "ClusterSPIFFEID"));
}
