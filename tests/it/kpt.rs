//! The real kpt (1.0.0-beta.56) running the real binary: render with a Kptfile pipeline, eval with a
//! config file and with `-- k=v`. The package is `examples/kpt-package`, checked in already rendered, so
//! "render changes nothing" is the very first assertion. `UPDATE_GOLDEN=1` rewrites the checked-in
//! output instead of comparing (review the diff like code).

use crate::support as common;

use common::*;
use std::path::Path;
use std::process::Command;

fn example() -> std::path::PathBuf {
    Path::new(ROOT).join("examples/kpt-package")
}

fn kpt(pkg: &Path, bin: &TempDir, args: &[&str]) -> std::process::Output {
    run(Command::new("kpt").args(args).current_dir(pkg).env("PATH", path_with(bin.path())), false)
}

fn render(pkg: &Path, bin: &TempDir) -> std::process::Output {
    kpt(pkg, bin, &["fn", "render", "--allow-exec", "."])
}

fn ok(out: &std::process::Output) {
    assert!(
        out.status.success(),
        "kpt failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The files the generator owns in a tree.
fn generated(tree: &std::collections::BTreeMap<String, String>) -> Vec<String> {
    tree.keys().filter(|k| k.starts_with("management/") || k.starts_with("spokes/")).cloned().collect()
}

#[test]
fn render_from_scratch_is_the_checked_in_package_and_rendering_again_changes_nothing() {
    if !have("kpt") {
        return;
    }
    let bin = bin_dir();
    let pkg = TempDir::new("kpt-render");
    copy_tree(&example(), pkg.path());
    // The user's files before any render: the Kptfile, the config, an unrelated resource.
    for dir in ["management", "spokes"] {
        let _ = std::fs::remove_dir_all(pkg.path().join(dir));
    }
    let user_files = tree(pkg.path());
    ok(&render(pkg.path(), &bin));
    let first = tree(pkg.path());
    for (file, bytes) in &user_files {
        assert_eq!(&first[file], bytes, "{file} must stay byte for byte (comments, quotes, flow maps)");
    }
    assert_eq!(
        generated(&first),
        generated_files(&pkg.path().join("ztwim-gitops.yaml")),
        "kpt writes exactly the layout `generate -o` writes"
    );
    assert!(first.keys().any(|f| f.starts_with("management/")), "management objects are generated");
    for spoke in ["spoke-a", "spoke-b"] {
        assert!(first.keys().any(|f| f.starts_with(&format!("spokes/{spoke}/"))), "{spoke} objects are generated");
    }
    golden::assert_golden_tree("examples/kpt-package", &first, |f| !user_files.contains_key(f));
    ok(&render(pkg.path(), &bin));
    assert_eq!(tree(pkg.path()), first, "a second render changes nothing");
}

#[test]
fn user_comments_in_generated_files_survive_and_removing_a_spoke_deletes_exactly_its_files() {
    if !have("kpt") {
        return;
    }
    let bin = bin_dir();
    let pkg = TempDir::new("kpt-spokes");
    copy_tree(&example(), pkg.path());
    ok(&render(pkg.path(), &bin));
    let before = tree(pkg.path());
    let annotated = generated(&before).into_iter().find(|f| f.starts_with("spokes/spoke-a/")).expect("a spoke-a file");
    let text = before[&annotated].clone();
    let with_comment = format!("# reviewed by the platform team\n{text}");
    std::fs::write(pkg.path().join(&annotated), &with_comment).unwrap();

    let config = pkg.path().join("ztwim-gitops.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    let spoke_b = "  - name: spoke-b\n    server: 'https://api.spoke-b.example.com:6443'\n";
    assert!(text.contains(spoke_b), "the example config lists spoke-b last");
    std::fs::write(&config, text.replace(spoke_b, "")).unwrap();
    ok(&render(pkg.path(), &bin));

    let after = tree(pkg.path());
    assert_eq!(std::fs::read_to_string(pkg.path().join(&annotated)).unwrap(), with_comment, "the comment survives");
    let gone: Vec<_> = before.keys().filter(|f| !after.contains_key(*f)).cloned().collect();
    // spoke-b's own directory, and its Argo CD cluster Secret on the management side.
    let spoke_b_files: Vec<_> = before
        .keys()
        .filter(|f| f.starts_with("spokes/spoke-b/") || *f == "management/03-secret-spoke-b.yaml")
        .cloned()
        .collect();
    assert!(spoke_b_files.len() > 1, "{spoke_b_files:?}");
    assert_eq!(gone, spoke_b_files, "exactly spoke-b's files are deleted");
    for (file, bytes) in &after {
        if file != "ztwim-gitops.yaml" && *file != annotated {
            assert_eq!(Some(bytes), before.get(file), "{file} is unchanged");
        }
    }
}

#[test]
fn an_invalid_config_fails_with_its_field_path_and_leaves_the_package_unchanged() {
    if !have("kpt") {
        return;
    }
    let bin = bin_dir();
    let pkg = TempDir::new("kpt-invalid");
    copy_tree(&example(), pkg.path());
    let config = pkg.path().join("ztwim-gitops.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, text.replace("    server: 'https://api.spoke-b.example.com:6443'\n", "")).unwrap();
    let before = tree(pkg.path());
    let out = render(pkg.path(), &bin);
    assert!(!out.status.success(), "kpt must fail");
    let printed = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(
        printed.contains(
            "[error] fn.ztwim-gitops.dev/v1alpha1/ZtwimGitOps/ztwim-gitops spec.spokes.1.server: server is required"
        ),
        "{printed}"
    );
    assert_eq!(tree(pkg.path()), before, "a failed render writes nothing");
}

#[test]
fn eval_with_a_config_file_writes_the_same_package_as_render() {
    if !have("kpt") {
        return;
    }
    let bin = bin_dir();
    let pkg = TempDir::new("kpt-eval");
    copy_tree(&example(), pkg.path());
    let checked_in = tree(pkg.path());
    for dir in ["management", "spokes"] {
        let _ = std::fs::remove_dir_all(pkg.path().join(dir));
    }
    ok(&kpt(pkg.path(), &bin, &["fn", "eval", ".", "--exec", "ztwim-gitops", "--fn-config", "ztwim-gitops.yaml"]));
    assert_eq!(tree(pkg.path()), checked_in);
}

#[test]
fn eval_with_key_value_arguments_uses_the_configmap_form() {
    if !have("kpt") {
        return;
    }
    let bin = bin_dir();
    let pkg = TempDir::new("kpt-eval-kv");
    std::fs::copy(example().join("team-settings.yaml"), pkg.path().join("team-settings.yaml")).unwrap();
    let args = [
        "fn",
        "eval",
        ".",
        "--exec",
        "ztwim-gitops",
        "--",
        "appDomain=apps.mgmt.example.com",
        "spokeName=edge",
        "spokeServer=https://api.edge.example.com:6443",
    ];
    ok(&kpt(pkg.path(), &bin, &args));
    let files = tree(pkg.path());
    // No config file: the package root is the config's directory.
    assert_eq!(
        generated(&files),
        generated_files(&Path::new(ROOT).join("tests/data/configmap-edge.yaml")),
        "the ConfigMap form generates the same objects as the equivalent config file"
    );
    assert!(files.keys().any(|f| f.starts_with("spokes/edge/")));
    assert_eq!(files["team-settings.yaml"], std::fs::read_to_string(example().join("team-settings.yaml")).unwrap());
    let again = files.clone();
    ok(&kpt(pkg.path(), &bin, &args));
    assert_eq!(tree(pkg.path()), again, "eval is idempotent too");
}

#[test]
fn a_pipe_of_two_runs_from_kpt_fn_source_is_one_run_byte_for_byte_and_sinks_to_the_package() {
    // Before: the output had no functionConfig, so the second stage of `fn < in | fn` failed with "no
    // function config was given". kyaml's writer echoes it; so do we.
    if !have("kpt") {
        return;
    }
    let source = run(
        Command::new("kpt").args(["fn", "source", ".", "--fn-config", "ztwim-gitops.yaml"]).current_dir(example()),
        true,
    );
    let (one, stderr, code) = run_bin(&[], &source.stdout);
    assert_eq!(code, 0, "{stderr}");
    let (two, stderr, code) = run_bin(&[], one.as_bytes());
    assert_eq!(code, 0, "the second stage has its config: {stderr}");
    assert_eq!(two, one, "a second stage changes no byte");
    // kpt reads the piped output back: `kpt fn sink` writes the checked-in package (its README aside,
    // which is no resource).
    let out = TempDir::new("kpt-sink");
    let dir = out.path().join("pkg");
    let mut sink = Command::new("kpt")
        .args(["fn", "sink", &dir.display().to_string()])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut sink.stdin.take().unwrap(), two.as_bytes()).unwrap();
    assert!(sink.wait().unwrap().success());
    let mut expected = tree(&example());
    expected.remove("README.md");
    assert_eq!(tree(&dir), expected);
}

/// vendor/saphyr-parser/patches/0002 accepts a quoted scalar's continuation line indented less than its
/// key, which YAML 1.2.2 (rule [120]) forbids, because kpt reads such files: kpt reads them, and reads
/// the same values as we do.
#[test]
fn a_quoted_scalars_under_indented_continuation_reads_as_kpt_reads_it() {
    if !have("kpt") {
        return;
    }
    let pkg = TempDir::new("kpt-under-indented");
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  k: \"a\nb\"\n  s: 'c\n d'\n";
    std::fs::write(pkg.path().join("cm.yaml"), text).unwrap();
    let source = run(Command::new("kpt").args(["fn", "source", "."]).current_dir(pkg.path()), true);
    let read_by_kpt = ztwim_gitops::yaml::from_str(std::str::from_utf8(&source.stdout).unwrap()).unwrap();
    let ours = ztwim_gitops::yaml::from_str(text).unwrap();
    assert_eq!(ours["data"]["k"], "a b");
    assert_eq!(ours["data"]["s"], "c d");
    assert_eq!(read_by_kpt["items"][0]["data"], ours["data"], "{}", String::from_utf8_lossy(&source.stdout));
}
