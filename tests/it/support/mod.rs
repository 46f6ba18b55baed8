//! Shared by the tests that drive real tools (kpt, kubectl, buildah) and the examples.

pub mod cases;
pub mod golden;
#[cfg(not(target_env = "musl"))]
pub mod https;
pub mod schema;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

pub const BIN: &str = env!("CARGO_BIN_EXE_ztwim-gitops");
pub const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// True when `tool` can run. Missing: under `CI=true` the test fails; elsewhere it says so and skips.
pub fn have(tool: &str) -> bool {
    let found = Command::new(tool).arg("version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok();
    if !found {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("`{tool}` is not on PATH; under CI=true every tool must be there (.ci/run installs buildah; kpt and kubectl come with the machine)");
        }
        skip(&format!("`{tool}` is not on PATH; install it to run this test (CI fails instead of skipping)"));
    }
    found
}

/// Says a test is skipped where a developer sees it: straight to the process's stderr, which the test
/// harness does not capture (its `eprintln!` capture would hide the message unless the test failed).
pub fn skip(why: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "SKIPPED: {why}");
}

/// A fresh directory, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "ztwim-gitops-test-{label}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A directory holding only our binary, to put first on PATH (kpt's `exec: ztwim-gitops` finds it there).
/// A symlink, not a copy: a copy is a file open for writing while parallel tests fork, and a child that
/// inherits that descriptor makes exec fail with ETXTBSY ("text file busy") until it execs itself.
pub fn bin_dir() -> TempDir {
    let dir = TempDir::new("bin");
    std::os::unix::fs::symlink(BIN, dir.path().join("ztwim-gitops")).unwrap();
    dir
}

/// PATH with `first` in front.
pub fn path_with(first: &Path) -> String {
    format!("{}:{}", first.display(), std::env::var("PATH").unwrap_or_default())
}

/// Runs a command, returning its output; panics with everything it printed when it fails and `ok`.
pub fn run(cmd: &mut Command, ok: bool) -> Output {
    let out = cmd.output().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    if ok && !out.status.success() {
        panic!(
            "{cmd:?} failed ({}):\nstdout:\n{}\nstderr:\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    out
}

/// Runs the binary with `stdin`; returns stdout, stderr and the exit code.
pub fn run_bin(args: &[&str], stdin: &[u8]) -> (String, String, i32) {
    use std::io::Write;
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    (String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap(), out.status.code().unwrap_or(-1))
}

/// A ResourceList of `items` (the sequence's text, placed as it is under `items:`, so pass-through tests
/// control every byte of it) and `config` as its functionConfig.
pub fn resource_list(items: &str, config: &str) -> String {
    let config: String =
        config.lines().map(|l| if l.is_empty() { "\n".to_string() } else { format!("  {l}\n") }).collect();
    format!("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n{items}functionConfig:\n{config}")
}

/// A file of the crate, by its path relative to the crate root.
pub fn read(rel: &str) -> String {
    std::fs::read_to_string(Path::new(ROOT).join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The documents of a multi-document YAML stream, empty ones left out.
pub fn documents(stream: &str) -> Vec<serde_yaml_ng::Value> {
    use serde::Deserialize;
    serde_yaml_ng::Deserializer::from_str(stream)
        .map(|doc| serde_yaml_ng::Value::deserialize(doc).expect("each document parses"))
        .filter(|v| !v.is_null())
        .collect()
}

/// Sets a dotted path (`spec.spokes.0.name`: mapping keys, and indices into sequences), creating
/// mappings on the way.
pub fn set(root: &mut serde_yaml_ng::Value, path: &str, value: serde_yaml_ng::Value) {
    let mut node = root;
    for segment in path.split('.') {
        node = match (segment.parse::<usize>(), node) {
            (Ok(index), serde_yaml_ng::Value::Sequence(items)) => &mut items[index],
            (_, node) => node
                .as_mapping_mut()
                .unwrap_or_else(|| panic!("{path}: a mapping at `{segment}`"))
                .entry(segment.into())
                .or_insert_with(|| serde_yaml_ng::Value::Mapping(Default::default())),
        };
    }
    *node = value;
}

/// A set of strings, to compare what a report names regardless of order.
pub fn strings(items: &[&str]) -> std::collections::BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// Every file below `dir` (relative path → content), to compare whole trees byte for byte with
/// readable diffs (all files here are UTF-8 text).
pub fn tree(dir: &Path) -> BTreeMap<String, String> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path.strip_prefix(base).unwrap().to_string_lossy().into_owned();
                out.insert(rel, std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Copies a directory tree.
pub fn copy_tree(from: &Path, to: &Path) {
    for (rel, bytes) in tree(from) {
        let dest = to.join(rel);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::write(dest, bytes).unwrap();
    }
}

/// The object files `ztwim-gitops generate -o` writes for a config: the layout every orchestrator should
/// see (without `.ztwim-gitops/`, the record of what produced them, which only `-o` keeps).
pub fn generated_files(config: &Path) -> Vec<String> {
    let out = TempDir::new("generate");
    run(Command::new(BIN).arg("generate").arg("-c").arg(config).arg("-o").arg(out.path()), true);
    tree(out.path()).into_keys().filter(|f| !f.starts_with(".ztwim-gitops/")).collect()
}

/// The image tag the examples name; the tests build it locally from the Dockerfile.
pub const IMAGE: &str = "ghcr.io/ztwim-gitops/ztwim-gitops:0.1.0";
pub const MUSL_BINARY: &str = "target/x86_64-unknown-linux-musl/release/ztwim-gitops";

/// Builds the image from our Dockerfile with buildah (the `prebuilt` stage: images cannot be pulled
/// here), once per test binary. None (after a visible skip) when buildah or the musl binary is missing;
/// under `CI=true` that fails instead, and `.ci/run` builds the binary first.
pub fn image() -> Option<&'static str> {
    static BUILT: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let built = *BUILT.get_or_init(|| {
        if !have("buildah") {
            return false;
        }
        let musl = Path::new(ROOT).join(MUSL_BINARY);
        let newest_source = ["src", "vendor"]
            .iter()
            .flat_map(|dir| {
                tree(&Path::new(ROOT).join(dir)).into_keys().map(move |f| Path::new(ROOT).join(dir).join(f))
            })
            // The binary embeds the README (its --help is compiled from it).
            .chain([Path::new(ROOT).join("Cargo.lock"), Path::new(ROOT).join("README.md")])
            .filter_map(|f| f.metadata().and_then(|m| m.modified()).ok())
            .max();
        let fresh = musl.metadata().and_then(|m| m.modified()).ok().is_some_and(|t| Some(t) >= newest_source);
        if !fresh {
            let why = format!(
                "{MUSL_BINARY} is missing or older than src/ or README.md; build it with \
                 `cargo build --release --locked --target x86_64-unknown-linux-musl`"
            );
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("{why}");
            }
            skip(&why);
            return false;
        }
        build_image();
        true
    });
    built.then_some(IMAGE)
}

/// `buildah` on the vfs store the tests use.
pub fn buildah() -> Command {
    let mut cmd = Command::new("buildah");
    cmd.args(["--storage-driver", "vfs"]);
    cmd
}

/// Builds [`IMAGE`] and returns its id. The image the tag named before is removed, so the store does not
/// grow by one image per test run; a removal that fails (a concurrent run still has a container of it)
/// leaves it for that run's next build.
pub fn build_image() -> String {
    let id = |out: Output| String::from_utf8_lossy(&out.stdout).trim().to_string();
    let previous = id(run(buildah().args(["images", "--noheading", "--no-trunc", "--quiet", IMAGE]), false));
    let iidfile = TempDir::new("iid");
    let iid = iidfile.path().join("id");
    run(
        buildah()
            .args(["bud", "--isolation", "chroot", "--quiet", "--iidfile"])
            .arg(&iid)
            .args(["--build-arg", "BINARY_FROM=prebuilt", "-t", IMAGE, "."])
            .current_dir(ROOT),
        true,
    );
    let built = std::fs::read_to_string(iid).unwrap().trim().trim_start_matches("sha256:").to_string();
    let previous = previous.trim_start_matches("sha256:");
    if !previous.is_empty() && previous != built {
        run(buildah().args(["rmi", previous]), false);
    }
    built
}

/// PATH with the `docker` adapter (runs images with buildah) in front.
pub fn path_with_docker_adapter() -> String {
    path_with(&Path::new(ROOT).join("tests/it/support"))
}
