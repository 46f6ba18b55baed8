//! The image built from our Dockerfile runs the function exactly like the native binary.

mod common;

use common::*;
use std::io::Write;
use std::process::{Command, Stdio};

#[test]
fn the_image_output_is_byte_identical_to_the_native_binary() {
    let Some(image) = image() else { return };
    let input = std::fs::read(std::path::Path::new(ROOT).join("tests/data/resourcelist-fleet.yaml")).unwrap();
    let (native, _, code) = run_bin(&[], &input);
    assert_eq!(code, 0);
    assert!(native.contains("ztwim-gitops.dev/owner: fleet"), "the fleet config generates objects:\n{native}");
    // Exactly what kustomize runs for a container function, through the docker adapter.
    let mut child = Command::new("docker")
        .args(["run", "--rm", "-i", "-a", "STDIN", "-a", "STDOUT", "-a", "STDERR", "--network", "none"])
        .args(["--user", "nobody", "--security-opt=no-new-privileges", "-e", "LOG_TO_STDERR=true"])
        .args(["-e", "STRUCTURED_RESULTS=true", image])
        .env("PATH", path_with_docker_adapter())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), native);
}

/// Every test run builds the image again; the previous build and any intermediate stage must not stay
/// in the store (buildah's vfs driver keeps a full copy of each).
#[test]
fn rebuilding_the_image_leaves_nothing_behind() {
    if image().is_none() {
        return;
    }
    let lines = |args: &[&str]| -> std::collections::BTreeSet<String> {
        let out = run(buildah().args(args), true);
        String::from_utf8(out.stdout).unwrap().lines().map(str::to_string).collect()
    };
    // Containers buildah made from an unnamed (intermediate) image; the adapter's are named after IMAGE.
    let unnamed = ["containers", "--noheading", "--format", "{{.ContainerID}} {{.ImageName}}"];
    let unnamed = move || lines(&unnamed).into_iter().filter(|l| !l.contains(' ') || l.ends_with(' ')).count();
    let before = unnamed();
    let first = build_image();
    let second = build_image();
    assert_ne!(first, second, "a rebuild makes a new image");
    let images = lines(&["images", "--all", "--noheading", "--no-trunc", "--quiet"]);
    let images: Vec<_> = images.iter().map(|i| i.trim_start_matches("sha256:")).collect();
    assert!(images.contains(&second.as_str()), "{images:?}");
    assert!(!images.contains(&first.as_str()), "the previous build is removed: {images:?}");
    assert_eq!(unnamed(), before, "no working container is left behind");
}

#[test]
fn install_to_copies_the_binary_executable() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new("install-to");
    let out = run(Command::new(BIN).arg("install-to").arg(dir.path()), true);
    let installed = dir.path().join("ztwim-gitops");
    assert_eq!(std::fs::read(&installed).unwrap(), std::fs::read(BIN).unwrap());
    assert_eq!(installed.metadata().unwrap().permissions().mode() & 0o777, 0o755);
    assert!(String::from_utf8_lossy(&out.stderr).contains("installed"));
    let version = run(Command::new(&installed).arg("--version"), true);
    assert!(String::from_utf8_lossy(&version.stdout).starts_with("ztwim-gitops "));
    let missing = run(Command::new(BIN).arg("install-to").arg(dir.path().join("no/such/dir")), false);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).starts_with("error: cannot install into"));
}
