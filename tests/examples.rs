//! Runs `examples/ci-pipe/run.sh` (the kpt and kustomize examples run in tests/kpt.rs and
//! tests/kustomize.rs) and compares what it prints with the checked-in `expected.txt`.

mod common;

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
