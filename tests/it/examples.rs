//! The examples are documentation. The ones with `.expected/` are discovered cases (`golden.rs`); every
//! other one names the test that runs it in its README (the kpt and kustomize examples run in `kpt.rs`
//! and `kustomize.rs`, with the tools users have).

use crate::support as common;

use common::*;
use std::path::Path;

#[test]
fn every_example_is_a_case_or_names_its_test() {
    let mut problems = Vec::new();
    for dir in std::fs::read_dir(Path::new(ROOT).join("examples")).unwrap() {
        let dir = dir.unwrap().path();
        if dir.join(".expected").is_dir() {
            continue;
        }
        let readme = std::fs::read_to_string(dir.join("README.md")).unwrap_or_default();
        let named: Vec<&str> = readme.split('`').filter(|w| w.starts_with("tests/it/") && w.ends_with(".rs")).collect();
        if named.is_empty() || !named.iter().all(|f| Path::new(ROOT).join(f).is_file()) {
            problems.push(format!(
                "{}: give it .expected/ or name its existing tests/it/*.rs test in its README",
                dir.display()
            ));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}
