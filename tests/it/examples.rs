//! Runs `examples/ci-pipe/run.sh` (the kpt and kustomize examples run in tests/kpt.rs and
//! tests/kustomize.rs) and compares what it prints with the checked-in `expected.txt`.

use crate::support as common;

use common::*;
use std::process::Command;

#[test]
fn ci_pipe_example_prints_what_its_readme_says() {
    if !have("kpt") || !have("kubectl") {
        return;
    }
    let bin = bin_dir();
    let out = run(Command::new("examples/ci-pipe/run.sh").current_dir(ROOT).env("PATH", path_with(bin.path())), true);
    let printed = String::from_utf8(out.stdout).unwrap();
    assert!(printed.contains("spokes/spoke-a/"), "the sink writes the generated files:\n{printed}");
    golden::assert_golden("examples/ci-pipe/expected.txt", &printed);
}

/// `examples/mixed-fleet/expected` is what `generate -o` writes for the mixed fleet, file for file.
#[test]
fn mixed_fleet_example_writes_its_expected_tree() {
    let out = TempDir::new("mixed-fleet");
    let config = std::path::Path::new(ROOT).join("examples/mixed-fleet/ztwim-gitops.yaml");
    run(Command::new(BIN).arg("generate").arg("-c").arg(&config).arg("-o").arg(out.path()), true);
    golden::assert_golden_tree("examples/mixed-fleet/expected", &tree(out.path()), |_| true);
}
