//! The one integration-test crate (one link of the library and binary, as ripgrep's `tests/tests.rs`):
//! one module per area, and `support` with what they share.

mod support;

mod adopt;
mod applicationset;
mod argocd_cmp;
mod catalog;
mod cli;
mod container;
mod credential;
mod cross_cluster;
mod day1;
mod doctor;
mod doctor_live;
mod doctor_token;
mod examples;
mod fuzz_regressions;
mod golden;
mod hostile;
mod kpt;
mod krm_contract;
mod kustomize;
mod management;
mod proptest_passthrough;
mod readme;
mod schema_patterns;
mod schema_validation;
mod spoke;
mod validation;

/// Cargo.toml sets `autotests = false`, so a test file outside this crate would never run: every test
/// file is a module here, and `tests/` holds no other crate (`tests/workload-api` is the Workload API
/// endpoint the credential tests run, a library).
#[test]
fn every_test_file_is_a_module_of_this_crate() {
    use std::path::Path;
    let root = Path::new(support::ROOT);
    let main = support::read("tests/it/main.rs");
    let mut problems = Vec::new();
    for entry in std::fs::read_dir(root.join("tests")).unwrap().chain(std::fs::read_dir(root.join("tests/it")).unwrap())
    {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let is_rs = path.extension().is_some_and(|e| e == "rs");
        if is_rs && path.parent() == Some(&root.join("tests")) {
            problems.push(format!("{}: move it into tests/it/ as a module", path.display()));
        } else if is_rs && name != "main" && !main.contains(&format!("\nmod {name};\n")) {
            problems.push(format!("{}: declare it with `mod {name};` in tests/it/main.rs", path.display()));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}
