//! Discovered case directories, modelled on the kpt functions catalog's e2e runner (a directory with
//! `.expected/` is a case; `.expected/config.yaml` holds `exitCode`; every case runs twice — see
//! kptdev/krm-functions-catalog@76fe3817 `tests/e2etest/e2e_test.go` and kptdev/kpt@23c57d7f
//! `pkg/test/runner/{config.go,README.md}`). The format is written down in docs/design.md, "Tests".
//!
//! A case is a directory holding what to run and, in `.expected/`, what it must print:
//!
//! - `input.yaml`: a ResourceList fed to the function on stdin; or `args` in `.expected/config.yaml`,
//!   the command line (paths relative to the crate root, where it runs; `{out}` is a fresh output
//!   directory whose tree must equal the case's `tree`); or `command`, a program run from the crate root
//!   with our binary first on PATH (the tools it `needs` must be there: `support::have`).
//! - `.expected/output.yaml` or `.expected/output.txt` (stdout, byte for byte; `stdout` in the config
//!   names another file of the case instead, for examples whose README shows it), `.expected/stderr.txt`,
//!   `.expected/config.yaml` (`exitCode`, default 0; `runCount`, default 2).
//!
//! The second run is on the first run's own output where there is one to feed back: a ResourceList
//! case gets its stdout as stdin, a `{out}` case writes into the directory the first run filled. It must
//! print, return and leave exactly what the first did (kpt's runner also runs twice; this one goes
//! further than its fresh copy by feeding the output back, which is idempotence, not only repetition).
//!
//! `UPDATE_GOLDEN=1` rewrites the expected outputs (not `config.yaml`, which is a declaration).

use super::golden::updating;
use super::{have, path_with, tree, TempDir, BIN, ROOT};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// `.expected/config.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CaseConfig {
    #[serde(default)]
    pub exit_code: i32,
    #[serde(default = "two")]
    pub run_count: u8,
    pub args: Option<Vec<String>>,
    pub command: Option<Vec<String>>,
    #[serde(default)]
    pub needs: Vec<String>,
    pub stdout: Option<String>,
    pub tree: Option<String>,
}

fn two() -> u8 {
    2
}

/// The files `.expected/` may hold; anything else (a stale `stdout.yaml`, a typo) is a malformed case.
const EXPECTED_FILES: [&str; 4] = ["config.yaml", "output.yaml", "output.txt", "stderr.txt"];

/// What one run printed, returned and wrote.
#[derive(Debug, PartialEq)]
pub struct Outcome {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
    pub tree: Option<BTreeMap<String, String>>,
}

/// Every case directory below `root`: `tests/cases/*` all are; elsewhere (`examples/*`) the ones with
/// `.expected/`. Sorted, so runs and messages are in a stable order.
pub fn discover(root: &Path, all: bool) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir() && (all || p.join(".expected").is_dir()))
        .collect();
    dirs.sort();
    dirs
}

/// Runs the case in `dir` (twice unless its config says `runCount: 1`) and compares it with its
/// `.expected/` files, or rewrites them under `UPDATE_GOLDEN=1`. Ok(None) when a tool it needs is
/// missing outside CI (`have` says so); Err with every problem found otherwise.
pub fn run_case(dir: &Path) -> Result<Option<Outcome>, Vec<String>> {
    let name = dir.strip_prefix(ROOT).unwrap_or(dir).display().to_string();
    let expected = dir.join(".expected");
    let mut problems = Vec::new();
    if !expected.is_dir() {
        return Err(vec![format!("{name}: no .expected/ directory; create it with the expected output files")]);
    }
    for entry in std::fs::read_dir(&expected).unwrap() {
        let file = entry.unwrap().file_name().to_string_lossy().into_owned();
        if !EXPECTED_FILES.contains(&file.as_str()) {
            problems.push(format!("{name}/.expected/{file}: not a file a case has (one of {EXPECTED_FILES:?})"));
        }
    }
    let config: CaseConfig = match std::fs::read_to_string(expected.join("config.yaml")) {
        Err(_) => serde_yaml_ng::from_str("{}").unwrap(),
        Ok(text) => serde_yaml_ng::from_str(&text).map_err(|e| vec![format!("{name}/.expected/config.yaml: {e}")])?,
    };
    let input = dir.join("input.yaml");
    let input = input.exists().then(|| std::fs::read(&input).unwrap());
    match (&input, &config.args, &config.command) {
        (None, None, None) => {
            problems.push(format!("{name}: needs input.yaml, or args or command in .expected/config.yaml"))
        }
        (_, Some(_), Some(_)) => problems.push(format!("{name}: args and command exclude each other")),
        _ => {}
    }
    if !(1..=2).contains(&config.run_count) {
        problems.push(format!("{name}/.expected/config.yaml: runCount is 1 or 2, not {}", config.run_count));
    }
    let writes_tree = config.args.iter().chain(&config.command).flatten().any(|a| a == "{out}");
    if writes_tree != config.tree.is_some() {
        problems.push(format!("{name}/.expected/config.yaml: `tree` names the expected tree of an `{{out}}` argument; give both or neither"));
    }
    let outputs = ["output.yaml", "output.txt"].map(|f| expected.join(f).exists());
    if outputs.iter().filter(|&&o| o).count() + usize::from(config.stdout.is_some()) > 1 {
        problems.push(format!("{name}: stdout is expected in one file: output.yaml, output.txt or `stdout`"));
    }
    let stdout_file = match &config.stdout {
        Some(file) => dir.join(file),
        None if expected.join("output.txt").exists() => expected.join("output.txt"),
        None => expected.join("output.yaml"),
    };
    let stderr_file = expected.join("stderr.txt");
    if !updating() {
        for file in [&stdout_file, &stderr_file] {
            if !file.is_file() {
                problems
                    .push(format!("{}: missing; run with UPDATE_GOLDEN=1 to write it, then review it", file.display()));
            }
        }
        if let Some(t) = &config.tree {
            if !dir.join(t).is_dir() {
                problems.push(format!("{name}/{t}: the expected tree is missing; run with UPDATE_GOLDEN=1"));
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    if !config.needs.iter().all(|tool| have(tool)) {
        return Ok(None);
    }

    let out = TempDir::new("case");
    let first = run_once(&config, input.as_deref(), out.path());
    if config.run_count == 2 {
        // A ResourceList case is fed its own output; a `{out}` case writes over its own output.
        let again = run_once(&config, input.as_ref().map(|_| first.stdout.as_bytes()), out.path());
        if again != first {
            problems.push(format!(
                "{name}: the second run, on the first run's output, changed something (runs must be idempotent):\nfirst: {first:#?}\nsecond: {again:#?}"
            ));
        }
    }
    if first.code != config.exit_code {
        problems.push(format!(
            "{name}: exit code {} where .expected/config.yaml says exitCode {} (edit it by hand if the change is right)\nstderr:\n{}",
            first.code, config.exit_code, first.stderr
        ));
    }
    compare(&stdout_file, &first.stdout, &mut problems);
    compare(&stderr_file, &first.stderr, &mut problems);
    if let (Some(t), Some(actual)) = (&config.tree, &first.tree) {
        let dir = dir.join(t);
        if updating() {
            let _ = std::fs::remove_dir_all(&dir);
            for (file, text) in actual {
                write(&dir.join(file), text);
            }
        } else if &tree(&dir) != actual {
            problems.push(format!(
                "{}: the written tree differs: {:#?}",
                dir.display(),
                tree_diff(&tree(&dir), actual)
            ));
        }
    }
    if problems.is_empty() {
        Ok(Some(first))
    } else {
        Err(problems)
    }
}

/// Runs every case below `root` (see [`discover`]); panics listing every failing case and problem.
pub fn run_all(root: &Path, all: bool) -> Vec<String> {
    let mut ran = Vec::new();
    let mut problems = Vec::new();
    for dir in discover(root, all) {
        match run_case(&dir) {
            Ok(_) => ran.push(dir.file_name().unwrap().to_string_lossy().into_owned()),
            Err(p) => problems.extend(p),
        }
    }
    assert!(problems.is_empty(), "{} problem(s):\n{}", problems.len(), problems.join("\n\n"));
    ran
}

/// Runs one case by name under `tests/cases/`; returns what it printed, for the tests that assert a
/// case's rules beside its golden bytes.
pub fn case(name: &str) -> String {
    match run_case(&Path::new(ROOT).join("tests/cases").join(name)) {
        Ok(Some(outcome)) => outcome.stdout,
        Ok(None) => panic!("tests/cases/{name} needs tools that are missing"),
        Err(problems) => panic!("{}", problems.join("\n\n")),
    }
}

fn run_once(config: &CaseConfig, stdin: Option<&[u8]>, out: &Path) -> Outcome {
    use std::io::Write;
    let expand = |args: &[String]| -> Vec<String> {
        args.iter().map(|a| if a == "{out}" { out.display().to_string() } else { a.clone() }).collect()
    };
    let bin = config.command.is_some().then(super::bin_dir);
    let mut cmd = match (&config.args, &config.command, &bin) {
        (_, Some(command), Some(bin)) => {
            let command = expand(command);
            let mut cmd = Command::new(Path::new(ROOT).join(&command[0]));
            cmd.args(&command[1..]).env("PATH", path_with(bin.path()));
            cmd
        }
        (args, _, _) => {
            let mut cmd = Command::new(BIN);
            cmd.args(expand(args.as_deref().unwrap_or_default()));
            cmd
        }
    };
    let mut child = cmd
        .current_dir(ROOT)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    let mut pipe = child.stdin.take().unwrap();
    pipe.write_all(stdin.unwrap_or_default()).unwrap();
    drop(pipe);
    let output = child.wait_with_output().unwrap();
    // The output directory is a fresh temporary one: what names it is written as `{out}`.
    let text = |b: Vec<u8>| String::from_utf8(b).expect("UTF-8 output").replace(&out.display().to_string(), "{out}");
    Outcome {
        stdout: text(output.stdout),
        stderr: text(output.stderr),
        code: output.status.code().unwrap_or(-1),
        tree: config.tree.as_ref().map(|_| tree(out)),
    }
}

/// Compares `actual` with the file, or writes it under `UPDATE_GOLDEN=1`.
fn compare(file: &Path, actual: &str, problems: &mut Vec<String>) {
    if updating() {
        write(file, actual);
    } else if std::fs::read_to_string(file).ok().as_deref() != Some(actual) {
        problems.push(format!(
            "{} differs from what the run produced; rerun with UPDATE_GOLDEN=1 and review the diff.\nproduced:\n{actual}",
            file.display()
        ));
    }
}

fn write(file: &Path, text: &str) {
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(file, text).unwrap();
}

/// The files that differ between two trees, by name, for a readable failure.
fn tree_diff(expected: &BTreeMap<String, String>, actual: &BTreeMap<String, String>) -> Vec<String> {
    let names: std::collections::BTreeSet<&String> = expected.keys().chain(actual.keys()).collect();
    names.into_iter().filter(|n| expected.get(*n) != actual.get(*n)).cloned().collect()
}
