//! The command line: `generate`, `schema`, `completions`, `man`, `--help`, `--version`, run as the built
//! binary, and the README's command lines parsed by the real command-line parser.

use crate::support::{documents, BIN, ROOT};
use serde_yaml_ng::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin(args: &[&str]) -> Output {
    Command::new(BIN).args(args).current_dir(ROOT).output().expect("the binary starts")
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).expect("UTF-8")
}

fn annotation<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v["metadata"]["annotations"][key].as_str()
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn generate_prints_a_stream_and_warnings_on_stderr() {
    for (config, owner) in [("fn-config/minimal.yaml", "ztwim-gitops"), ("fn-config/configmap.yaml", "function-input")]
    {
        let out = bin(&["generate", "-c", config, "--target", "all"]);
        assert!(out.status.success(), "{config}: {}", text(&out.stderr));
        // caData is not set in either file: a warning, in the same words as the KRM result.
        assert!(text(&out.stderr).contains("warning: "), "{config}: {}", text(&out.stderr));
        assert!(!text(&out.stderr).contains("error: "));
        for doc in documents(&text(&out.stdout)) {
            assert!(doc["apiVersion"].is_string() && doc["kind"].is_string(), "{doc:?}");
            assert_eq!(annotation(&doc, "ztwim-gitops.dev/owner"), Some(owner));
        }
    }
}

#[test]
fn generate_target_selects_one_cluster() {
    let out = bin(&["generate", "-c", "fn-config/fleet.yaml", "--target", "management"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    for doc in documents(&text(&out.stdout)) {
        assert_eq!(annotation(&doc, "ztwim-gitops.dev/target"), Some("management"), "{doc:?}");
    }
    let out = bin(&["generate", "-c", "fn-config/fleet.yaml", "--target", "spoke/spoke-b"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    for doc in documents(&text(&out.stdout)) {
        assert_eq!(annotation(&doc, "ztwim-gitops.dev/target"), Some("spoke/spoke-b"), "{doc:?}");
    }
    let out = bin(&["generate", "-c", "fn-config/fleet.yaml", "--target", "spoke/nope"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("error: --target: target `spoke/nope` names no spoke"), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "");
}

#[test]
fn generate_output_dir_splits_by_cluster() {
    let dir = scratch("generate-o");
    let out = bin(&["generate", "-c", "fn-config/fleet.yaml", "-o", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let listed: Vec<String> = text(&out.stdout).lines().map(String::from).collect();
    let stream = documents(&text(&bin(&["generate", "-c", "fn-config/fleet.yaml", "--target", "all"]).stdout));
    let mut files = Vec::new();
    let mut stack = vec![dir.clone()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    let mut written = Vec::new();
    for file in &files {
        let rel = file.strip_prefix(&dir).unwrap().to_string_lossy().to_string();
        if rel.starts_with(".ztwim-gitops/") {
            continue; // the record of what produced the tree, not an object
        }
        let docs = documents(&std::fs::read_to_string(file).unwrap());
        assert!(!docs.is_empty(), "{rel}: empty file");
        // One object per file, except objects of one kind and name in several namespaces.
        for doc in docs {
            let target = annotation(&doc, "ztwim-gitops.dev/target").unwrap().to_string();
            let expected_dir = if target == "management" {
                "management/".to_string()
            } else {
                format!("spokes/{}/", &target["spoke/".len()..])
            };
            assert!(rel.starts_with(&expected_dir), "{rel} holds an object for {target}");
            written.push(doc);
        }
    }
    assert_eq!(written.len(), stream.len(), "every streamed object is written, once");
    let mut on_disk: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    on_disk.sort();
    assert_eq!(listed, on_disk, "stdout lists the files written, sorted, one per line");
    for doc in &stream {
        assert!(written.contains(doc), "{doc:?} was not written");
    }
}

#[test]
fn generate_reports_config_errors_and_missing_files() {
    let dir = scratch("generate-bad");
    let config = dir.join("bad.yaml");
    std::fs::write(&config, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  appDomain: Apps.Example.com\n  spokeServer: https://https://api.x:6443\n").unwrap();
    let out = bin(&["generate", "-c", config.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    // Each error points at the line and column of its key (lines 5 and 6 above).
    let at = config.display();
    assert!(stderr.contains(&format!("error: {at}:5:3: data.appDomain: appDomain `Apps.Example.com`")), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "error: {at}:6:3: data.spokeServer: server `https://https://api.x:6443` has the scheme twice"
        )),
        "{stderr}"
    );
    assert_eq!(text(&out.stdout), "");

    // A byte order mark before the first key is allowed, as in any YAML file.
    std::fs::write(&config, "\u{feff}apiVersion: v1\nkind: ConfigMap\ndata:\n  appDomain: apps.example.com\n").unwrap();
    let out = bin(&["generate", "-c", config.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    std::fs::write(&config, "").unwrap();
    let out = bin(&["generate", "-c", config.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("error: no function config was given"), "{}", text(&out.stderr));

    let out = bin(&["generate", "-c", "does/not/exist.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("cannot read does/not/exist.yaml"), "{}", text(&out.stderr));
}

const SCHEMA_BASE: &str = "apiVersion: fn.ztwim-gitops.dev/v1alpha1
kind: ZtwimGitOps
metadata: {name: fleet}
spec:
  appDomain: apps.mgmt.example.com
  management: {execAuth: {sha256: \"\"}}
  spokes:
  - {name: spoke-a, server: \"https://api.a.example.com:6443\"}
  applications:
  - {name: app, spoke: spoke-a, namespace: app, repoURL: \"https://git.example.com/app\"}
";

/// Whether the function's loader (not validation) or validation reports an error for this config text.
fn rejected_by_the_function(text: &str) -> bool {
    let value: Value = serde_yaml_ng::from_str(text).unwrap();
    let loaded = ztwim_gitops::pipeline::load_and_resolve(&value, Default::default(), &Default::default());
    loaded.diagnostics.has_errors()
}

/// `schema` describes the whole function config, both forms: every example validates, and every config
/// below, which the function rejects, the schema rejects too (so an editor flags what a run would).
#[test]
fn schema_covers_the_whole_function_config_in_both_forms() {
    let out = bin(&["schema"]);
    assert!(out.status.success());
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
    let as_json = |text: &str| serde_json::to_value(serde_yaml_ng::from_str::<Value>(text).unwrap()).unwrap();
    for example in ["minimal.yaml", "fleet.yaml", "configmap.yaml"] {
        let text = std::fs::read_to_string(Path::new(ROOT).join("fn-config").join(example)).unwrap();
        let errors: Vec<String> = validator.iter_errors(&as_json(&text)).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{example}: {errors:?}");
    }
    assert!(validator.is_valid(&as_json(SCHEMA_BASE)) && !rejected_by_the_function(SCHEMA_BASE));
    let edit = |from: &str, to: &str| {
        assert!(SCHEMA_BASE.contains(from), "{from}");
        SCHEMA_BASE.replacen(from, to, 1)
    };
    let configmap =
        |data: &str| format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: function-input}}\ndata: {data}\n");
    let rejected = [
        ("unknown top-level field", format!("{SCHEMA_BASE}status: {{}}\n")),
        ("wrong apiVersion", edit("v1alpha1", "v1")),
        ("wrong kind", edit("kind: ZtwimGitOps", "kind: ZtwimGitops")),
        ("no metadata.name", edit("{name: fleet}", "{}")),
        ("no spec", SCHEMA_BASE[..SCHEMA_BASE.find("spec:").unwrap()].to_string()),
        ("no appDomain", edit("appDomain:", "appDomian:")),
        ("unknown spec field", edit("spec:\n", "spec:\n  trustdomain: x\n")),
        ("unknown nested field", edit("sha256:", "sha:")),
        ("unknown spoke field", edit("name: spoke-a,", "name: spoke-a, caDta: x,")),
        ("spoke without server", edit(", server: \"https://api.a.example.com:6443\"", "")),
        ("spoke without name", edit("name: spoke-a, ", "")),
        ("application without repoURL", edit(", repoURL: \"https://git.example.com/app\"", "")),
        ("openshiftVersion a number", edit("name: spoke-a,", "name: spoke-a, openshiftVersion: 4.20,")),
        ("identity enum", edit("spec:\n", "spec:\n  identity: perPod\n")),
        ("ConfigMap unknown key", configmap("{appDomain: a.example.com, spokeNmae: a}")),
        (
            "ConfigMap insecureSkipTLSVerify",
            configmap("{appDomain: a.example.com, spokeServer: \"https://a:6443\", insecureSkipTLSVerify: \"yes\"}"),
        ),
        ("ConfigMap without data", configmap("{}")),
    ];
    for (what, text) in rejected {
        assert!(rejected_by_the_function(&text), "{what}: the function should reject:\n{text}");
        assert!(!validator.is_valid(&as_json(&text)), "{what}: the schema should reject:\n{text}");
    }
}

#[test]
fn version_matches_the_crate() {
    let version = text(&bin(&["--version"]).stdout);
    assert_eq!(version.trim(), format!("ztwim-gitops {}", env!("CARGO_PKG_VERSION")));
}

/// Runs the binary with `stdin` and extra environment variables.
fn bin_with(args: &[&str], stdin: &[u8], env: &[(&str, &str)]) -> Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(BIN)
        .args(args)
        .envs(env.iter().copied())
        .current_dir(ROOT)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(Path::new(ROOT).join(rel)).unwrap()
}

#[test]
fn generate_reads_the_config_from_stdin_with_a_dash() {
    for config in ["fn-config/fleet.yaml", "fn-config/configmap.yaml"] {
        let from_file = bin(&["generate", "-c", config, "--target", "all"]);
        let from_stdin = bin_with(&["generate", "-c", "-", "--target", "all"], &read(config), &[]);
        assert!(from_stdin.status.success(), "{config}: {}", text(&from_stdin.stderr));
        assert!(!from_file.stdout.is_empty());
        assert_eq!(text(&from_stdin.stdout), text(&from_file.stdout), "{config}");
        // The same results, at the same lines; stdin is named `stdin`.
        assert_eq!(
            text(&from_stdin.stderr),
            text(&from_file.stderr).replace(&format!("{config}:"), "stdin:"),
            "{config}"
        );
    }
    let bad = bin_with(&["generate", "-c", "-"], b"kind: [", &[]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(text(&bad.stderr).contains("stdin: not valid YAML"), "{}", text(&bad.stderr));
    let empty = bin_with(&["generate", "-c", "-"], b"", &[]);
    assert_eq!(empty.status.code(), Some(1));
    assert!(text(&empty.stderr).contains("no function config was given"), "{}", text(&empty.stderr));
    let binary = bin_with(&["generate", "-c", "-"], b"\xff\xfe", &[]);
    assert_eq!(binary.status.code(), Some(1));
    assert!(text(&binary.stderr).starts_with("error: cannot read stdin"), "{}", text(&binary.stderr));
}

fn lines_with<'a>(stderr: &'a str, prefix: &str) -> Vec<&'a str> {
    stderr.lines().filter(|l| l.starts_with(prefix)).collect()
}

/// The fleet config has warnings and infos and no error; `-q`, the default and `-v` print less to more.
#[test]
fn quiet_and_verbose_choose_which_results_are_printed() {
    let default = text(&bin(&["generate", "-c", "fn-config/fleet.yaml", "--target", "all"]).stderr);
    let quiet = bin(&["generate", "-q", "-c", "fn-config/fleet.yaml", "--target", "all"]);
    let verbose = text(&bin(&["-v", "generate", "-c", "fn-config/fleet.yaml", "--target", "all"]).stderr);
    assert!(quiet.status.success());
    assert_eq!(text(&quiet.stderr), "", "-q prints only errors, and there are none");
    let infos = lines_with(&verbose, "info: ");
    assert!(!infos.is_empty(), "{verbose}");
    assert!(lines_with(&default, "info: ").is_empty(), "{default}");
    // The irreversible consequences are warnings, printed by default (issue 19): each spoke's lock-out
    // and the removal of the default Argo CD instance.
    let warnings = lines_with(&default, "warning: ");
    for spoke in ["spoke-a", "spoke-b", "spoke-c"] {
        let lockout =
            format!("spoke `{spoke}`: Authentication/cluster with type OIDC removes the spoke's built-in OAuth");
        assert!(warnings.iter().any(|l| l.contains(&lockout)), "{spoke}:\n{default}");
    }
    assert!(
        warnings.iter().any(|l| l.contains("installOperator: ") && l.contains("DISABLE_DEFAULT_ARGOCD_INSTANCE")),
        "{default}"
    );
    assert_eq!(lines_with(&default, "warning: "), lines_with(&verbose, "warning: "));
    assert!(!lines_with(&default, "warning: ").is_empty());
    assert_eq!(
        lines_with(&default, "note: "),
        [match infos.len() {
            1 => "note: 1 info result not shown; -v shows them".to_string(),
            n => format!("note: {n} info results not shown; -v shows them"),
        }]
    );
    assert!(lines_with(&verbose, "note: ").is_empty(), "{verbose}");
    // Errors always show, also under -q.
    let error = bin(&["generate", "-q", "-c", "fn-config/fleet.yaml", "--target", "nope"]);
    assert_eq!(error.status.code(), Some(1));
    assert_eq!(lines_with(&text(&error.stderr), "error: ").len(), 1, "{}", text(&error.stderr));
    assert_eq!(text(&error.stderr).lines().count(), 1, "{}", text(&error.stderr));
    let both = bin(&["generate", "-q", "-v", "-c", "fn-config/fleet.yaml"]);
    assert_eq!(both.status.code(), Some(2), "-q and -v contradict each other");
}

#[test]
fn target_env_reads_the_target_from_a_variable_and_errors_name_it() {
    let management = bin(&["generate", "-c", "fn-config/fleet.yaml", "--target", "management"]);
    let from_env = bin_with(
        &["generate", "-c", "fn-config/fleet.yaml", "--target-env", "PARAM_TARGET"],
        b"",
        &[("PARAM_TARGET", "management")],
    );
    assert!(from_env.status.success(), "{}", text(&from_env.stderr));
    assert_eq!(text(&from_env.stdout), text(&management.stdout));
    // Unset or empty: the config's own target. fleet.yaml has none and several clusters, so the stream is
    // refused as without --target-env; one that sets `spec.target: all` streams the whole fleet.
    let unset =
        bin_with(&["generate", "-c", "fn-config/fleet.yaml", "--target-env", "ZTWIM_TEST_UNSET_VARIABLE"], b"", &[]);
    assert_eq!(unset.status.code(), Some(1), "{}", text(&unset.stderr));
    assert!(text(&unset.stderr).contains("error: fn-config/fleet.yaml:10:1: spec.target: no target is chosen"));
    let empty = bin_with(
        &["generate", "-c", "fn-config/fleet.yaml", "--target-env", "PARAM_TARGET"],
        b"",
        &[("PARAM_TARGET", "")],
    );
    assert_eq!((empty.status.code(), text(&empty.stderr)), (unset.status.code(), text(&unset.stderr)));
    let all = text(&bin(&["generate", "-c", "fn-config/fleet.yaml", "--target", "all"]).stdout);
    let dir = scratch("generate-env-own-all");
    let own_all = dir.join("fleet.yaml");
    let fleet = String::from_utf8(read("fn-config/fleet.yaml")).unwrap();
    std::fs::write(&own_all, fleet.replacen("spec:\n", "spec:\n  target: all\n", 1)).unwrap();
    let unset = bin_with(&["generate", "-c", own_all.to_str().unwrap(), "--target-env", "UNSET_VARIABLE_X"], b"", &[]);
    assert!(unset.status.success(), "{}", text(&unset.stderr));
    assert_eq!(text(&unset.stdout), all);
    let bad = bin_with(
        &["generate", "-c", "fn-config/configmap.yaml", "--target-env", "PARAM_TARGET"],
        b"",
        &[("PARAM_TARGET", "spoke/nope")],
    );
    assert_eq!(bad.status.code(), Some(1));
    let stderr = text(&bad.stderr);
    assert!(stderr.starts_with("error: --target-env PARAM_TARGET: target `spoke/nope` names no spoke"), "{stderr}");
    assert!(!stderr.contains("data.target") && !stderr.contains("spec.target:"), "{stderr}");
    // The config file's own bad target is still the file's mistake.
    let dir = scratch("generate-own-target");
    let config = dir.join("c.yaml");
    std::fs::write(&config, "apiVersion: v1\nkind: ConfigMap\ndata: {appDomain: a.example.com, target: nope}\n")
        .unwrap();
    let own = bin(&["generate", "-c", config.to_str().unwrap()]);
    let at = format!("error: {}:3:34: data.target: target `nope`", config.display());
    assert!(text(&own.stderr).contains(&at), "{}", text(&own.stderr));
    let both = bin(&["generate", "-c", "fn-config/fleet.yaml", "--target", "all", "--target-env", "X"]);
    assert_eq!(both.status.code(), Some(2), "--target and --target-env exclude each other");
}

fn subcommands() -> Vec<String> {
    use clap::CommandFactory;
    let names: Vec<String> =
        ztwim_gitops::cli::Cli::command().get_subcommands().map(|c| c.get_name().to_string()).collect();
    assert!(names.len() >= 5, "{names:?}");
    names
}

#[test]
fn completions_for_bash_zsh_and_fish_know_every_subcommand() {
    for shell in ["bash", "zsh", "fish"] {
        let out = bin(&["completions", shell]);
        assert!(out.status.success(), "{shell}: {}", text(&out.stderr));
        let script = text(&out.stdout);
        assert!(script.lines().count() > 10, "{shell}: {script}");
        for sub in subcommands() {
            assert!(script.contains(&sub), "{shell} completions lack `{sub}`");
        }
        // fish writes long options without their dashes (`-l target-env`).
        for flag in ["target-env", "config", "quiet"] {
            assert!(script.contains(flag), "{shell} completions lack `{flag}`");
        }
    }
    // The bash script is valid bash (a quoting slip in a help text would break the user's shell start).
    let dir = scratch("completions");
    let script = dir.join("ztwim-gitops.bash");
    std::fs::write(&script, bin(&["completions", "bash"]).stdout).unwrap();
    let check = Command::new("bash").arg("-n").arg(&script).output().expect("bash runs");
    assert!(check.status.success(), "{}", text(&check.stderr));
    // And it completes: what bash offers after these words (the script's function, called as bash does).
    let complete = |words: &[&str]| -> Vec<String> {
        let out = Command::new("bash")
            .arg("-c")
            .arg(
                r#"source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1));
                _ztwim__gitops ztwim-gitops "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}";
                printf '%s\n' "${COMPREPLY[@]}""#,
            )
            .arg("complete")
            .arg(&script)
            .args(words)
            .output()
            .expect("bash runs");
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout).lines().map(str::to_string).collect()
    };
    let top = complete(&["ztwim-gitops", ""]);
    for sub in subcommands() {
        assert!(top.contains(&sub), "{sub} not offered: {top:?}");
    }
    assert_eq!(complete(&["ztwim-gitops", "generate", "--t"]), ["--target", "--target-env"]);
    assert!(complete(&["ztwim-gitops", "completions", ""]).contains(&"zsh".to_string()));
    let out = bin(&["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("possible values"), "{}", text(&out.stderr));
}

#[test]
fn man_renders_a_page_naming_every_subcommand() {
    let out = bin(&["man"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let page = text(&out.stdout);
    assert!(page.contains(".TH ztwim-gitops 1"), "{page}");
    for section in [".SH NAME", ".SH SYNOPSIS", ".SH SUBCOMMANDS", "Examples:"] {
        assert!(page.contains(section), "{section}: {page}");
    }
    for sub in subcommands() {
        assert!(page.contains(&sub.replace('-', "\\-")), "the man page lacks `{sub}`");
    }
}

#[test]
fn man_dir_writes_a_page_per_subcommand() {
    let dir = scratch("man-dir");
    let out = bin(&["man", "--dir", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut pages: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    pages.sort();
    let mut expected: Vec<String> =
        subcommands().into_iter().filter(|s| s != "help").map(|s| format!("ztwim-gitops-{s}.1")).collect();
    expected.push("ztwim-gitops.1".into());
    expected.sort();
    assert_eq!(pages, expected);
    let generate = std::fs::read_to_string(dir.join("ztwim-gitops-generate.1")).unwrap();
    assert!(generate.contains("target\\-env"), "{generate}");
    let missing = bin(&["man", "--dir", dir.join("no/such").to_str().unwrap()]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        text(&missing.stderr).starts_with("error: cannot write the manual pages into"),
        "{}",
        text(&missing.stderr)
    );
}

/// `kpt fn doc --image IMAGE` runs `docker run --rm -a STDOUT -a STDERR IMAGE --help` with no stdin and
/// prints the container's stdout; a non-zero exit is a failure (kptdev/kpt internal/cmdfndoc/cmdfndoc.go).
/// So `--help` must exit 0, print everything on stdout and nothing on stderr, without reading stdin.
#[test]
fn help_meets_the_kpt_fn_doc_contract() {
    let out = Command::new(BIN).arg("--help").stdin(std::process::Stdio::null()).output().expect("the binary starts");
    assert!(out.status.success());
    assert_eq!(text(&out.stderr), "");
    let help = text(&out.stdout);
    assert!(help.starts_with(&ztwim_gitops::help::short()), "{help}");
    assert!(ztwim_gitops::help::short().contains("JWT-SVIDs"));
    for section in ["Usage: ztwim-gitops", "Commands:", "Options:", "Examples:"] {
        assert!(help.contains(section), "{section}: {help}");
    }
}

fn readme() -> String {
    String::from_utf8(read("README.md")).unwrap()
}

/// The README's `<!--mdtogo:Examples-->` block, line by line, is what `--help` lists under Examples.
#[test]
fn help_examples_are_the_readmes_examples_block() {
    let readme = readme();
    let block = ztwim_gitops::help::block(&readme, "Examples");
    let help = text(&bin(&["--help"]).stdout);
    let examples = &help[help.find("Examples:").expect("an Examples section")..];
    let mut commands = 0;
    for line in block.lines().filter(|l| !l.trim().is_empty() && !l.starts_with("```")) {
        let shown = line.replace('`', "");
        assert!(
            examples.contains(&format!("  {shown}\n")) || examples.ends_with(&format!("  {shown}")),
            "`{line}` is not in --help"
        );
        commands += usize::from(!line.starts_with('#'));
    }
    assert!(commands >= 10, "{block}");
}

/// Every `ztwim-gitops …` command in the README's shell blocks: the words up to a pipe, redirection or
/// comment, after any leading `VAR=value`. `--exec ztwim-gitops` (kpt's argument) is not a command.
fn readme_commands(readme: &str) -> Vec<Vec<String>> {
    let mut commands = Vec::new();
    let mut in_sh = false;
    for line in readme.lines() {
        let fence = line.trim_start();
        if fence.starts_with("```") {
            in_sh = fence == "```sh" && !in_sh;
            continue;
        }
        if !in_sh {
            continue;
        }
        let code = line.split(" #").next().unwrap_or_default();
        if code.trim_start().starts_with('#') {
            continue;
        }
        for segment in code.split(['|', ';']) {
            let words: Vec<&str> =
                segment.split_whitespace().skip_while(|w| w.contains('=') && !w.starts_with('-')).collect();
            if words.first() != Some(&"ztwim-gitops") {
                continue;
            }
            let args = words.iter().take_while(|w| !w.starts_with(['>', '<']) && !w.starts_with("2>"));
            commands.push(args.map(|w| w.to_string()).collect());
        }
    }
    commands
}

#[test]
fn every_command_line_in_the_readme_parses() {
    use clap::error::ErrorKind;
    use clap::Parser;
    let parse = |args: &[String]| ztwim_gitops::cli::Cli::try_parse_from(args).map(|_| ()).map_err(|e| e.kind());
    let commands = readme_commands(&readme());
    assert!(commands.len() >= 20, "{commands:?}");
    // Every subcommand is shown in the README itself; docs/ only goes deeper.
    let used: std::collections::BTreeSet<&str> = commands.iter().filter_map(|c| c.get(1).map(String::as_str)).collect();
    for sub in subcommands() {
        assert!(sub == "help" || used.contains(sub.as_str()), "the README shows no `ztwim-gitops {sub}`");
    }
    // The command lines in docs/ must parse as well as the README's.
    let mut shown = commands;
    for entry in std::fs::read_dir(Path::new(ROOT).join("docs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            shown.extend(readme_commands(&std::fs::read_to_string(&path).unwrap()));
        }
    }
    for args in &shown {
        match parse(args) {
            Ok(()) | Err(ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {}
            Err(kind) => panic!("README or docs/: `{}` does not parse: {kind:?}", args.join(" ")),
        }
    }
    // The parser is the strict one the binary uses: a renamed or misspelt flag is refused.
    let renamed: Vec<String> = ["ztwim-gitops", "generate", "--conf", "x.yaml"].map(String::from).to_vec();
    assert_eq!(parse(&renamed), Err(ErrorKind::UnknownArgument));
}

/// A typo on a known line of a config file: the unknown field's line and column, in `generate`'s stderr
/// and in the result's `tags`, next to `file` and the field path; the required field it was meant to be
/// points at its list entry.
#[test]
fn a_typo_is_reported_at_its_line_and_column() {
    let dir = scratch("generate-typo");
    let config = dir.join("fleet.yaml");
    let fleet = std::fs::read_to_string(Path::new(ROOT).join("fn-config/fleet.yaml")).unwrap();
    let line = fleet.lines().position(|l| l == "    server: https://api.spoke-b.example.com:6443").unwrap() + 1;
    let typo = fleet.replace("    server: https://api.spoke-b", "    servr: https://api.spoke-b");
    std::fs::write(&config, &typo).unwrap();
    let out = bin(&["generate", "-c", config.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    let at = config.display();
    assert!(stderr.contains(&format!("error: {at}:{line}:5: spec.spokes.1.servr: unknown field `servr`")), "{stderr}");
    // `- name: spoke-b` is the line above.
    assert!(
        stderr.contains(&format!("error: {at}:{}:5: spec.spokes.1.server: server is required", line - 1)),
        "{stderr}"
    );

    let (_, results) = ztwim_gitops::pipeline::generate_from_file(&typo, "fn-config/fleet.yaml", None);
    let typo_result =
        results.iter().find(|r| r.field.as_ref().is_some_and(|f| f.path == "spec.spokes.1.servr")).unwrap();
    let yaml = serde_yaml_ng::to_string(typo_result).unwrap();
    let expected = format!(
        "field:\n  path: spec.spokes.1.servr\nfile:\n  path: fn-config/fleet.yaml\ntags:\n  line: '{line}'\n  column: '5'\n"
    );
    assert!(yaml.ends_with(&expected), "{yaml}");
}

/// The KRM function sees only the orchestrator's copy of the config, whose lines are not the file's:
/// its results carry no position.
#[test]
fn function_results_carry_no_position() {
    let input = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\nfunctionConfig:\n  apiVersion: fn.ztwim-gitops.dev/v1alpha1\n  kind: ZtwimGitOps\n  metadata:\n    name: c\n    annotations: {internal.config.kubernetes.io/path: c.yaml}\n  spec:\n    appDomain: a.example.com\n    spokes:\n    - name: s\n      servr: https://s\n";
    let out = ztwim_gitops::pipeline::run_function(input.as_bytes());
    assert_eq!(out.exit_code, 1);
    assert!(out.stdout.contains("path: spec.spokes.0.servr"), "{}", out.stdout);
    assert!(!out.stdout.contains("tags:"), "{}", out.stdout);
    assert!(out.stderr.contains("error: spec.spokes.0.servr: unknown field"), "{}", out.stderr);
}

/// `images` reads the generated objects: with the default method only this project's image at the version
/// that generated the output; every other method's images appear as soon as the config selects it.
#[test]
fn images_lists_what_the_output_pulls() {
    let out = bin(&["images", "-c", "fn-config/fleet.yaml"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), format!("ghcr.io/ztwim-gitops/ztwim-gitops:{}\n", env!("CARGO_PKG_VERSION")));

    let dir = scratch("images");
    let config = dir.join("image.yaml");
    let mut value: Value =
        serde_yaml_ng::from_str(&std::fs::read_to_string("fn-config/minimal.yaml").unwrap()).unwrap();
    value["spec"]["management"] = serde_yaml_ng::from_str(
        "{execAuth: {method: image, pluginImage: 'ghcr.io/spiffe/k8s-spiffe-workload-jwt-exec-auth@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', copierImage: 'mirror.example.com/z/ztwim-gitops:0.1.0'}, \
         gitops: {source: cs-redhat-operator-index-v4-20, argocdSpec: {server: {initContainers: [{name: extra, image: 'mirror.example.com/tools:1'}]}}}}",
    )
    .unwrap();
    std::fs::write(&config, serde_yaml_ng::to_string(&value).unwrap()).unwrap();
    let out = bin(&["images", "-c", config.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "ghcr.io/spiffe/k8s-spiffe-workload-jwt-exec-auth@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n\
         mirror.example.com/tools:1\n\
         mirror.example.com/z/ztwim-gitops:0.1.0\n",
        "sorted, each once, including what argocdSpec adds"
    );

    // oc-mirror v2: the packages and channels subscribed to, from the catalog image the user names.
    let out = bin(&["images", "-c", config.to_str().unwrap(), "--format", "oc-mirror"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("--catalog"), "{}", text(&out.stderr));
    let catalog = "registry.redhat.io/redhat/redhat-operator-index:v4.20";
    let out = bin(&["images", "-c", config.to_str().unwrap(), "--format", "oc-mirror", "--catalog", catalog]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let isc: Value = serde_yaml_ng::from_str(&text(&out.stdout)).unwrap();
    assert_eq!(isc["apiVersion"], "mirror.openshift.io/v2alpha1");
    assert_eq!(isc["kind"], "ImageSetConfiguration");
    let operators = isc["mirror"]["operators"].as_sequence().unwrap();
    assert_eq!(operators.len(), 1);
    assert_eq!(operators[0]["catalog"], catalog);
    let packages: Vec<(&str, &str)> = operators[0]["packages"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|p| (p["name"].as_str().unwrap(), p["channels"][0]["name"].as_str().unwrap()))
        .collect();
    assert_eq!(
        packages,
        [("openshift-gitops-operator", "latest"), ("openshift-zero-trust-workload-identity-manager", "stable-v1")]
    );
    let additional: Vec<&str> =
        isc["mirror"]["additionalImages"].as_sequence().unwrap().iter().map(|i| i["name"].as_str().unwrap()).collect();
    assert_eq!(additional.len(), 3);

    // The mirrored catalog reaches both Subscriptions' source.
    let out = bin(&["generate", "-c", config.to_str().unwrap(), "--target", "management"]);
    let sources: Vec<String> = documents(&text(&out.stdout))
        .iter()
        .filter(|d| d["kind"] == "Subscription")
        .map(|d| {
            format!("{}/{}", d["spec"]["sourceNamespace"].as_str().unwrap(), d["spec"]["source"].as_str().unwrap())
        })
        .collect();
    assert_eq!(
        sources,
        ["openshift-marketplace/redhat-operators", "openshift-marketplace/cs-redhat-operator-index-v4-20"],
        "ztwim keeps the default, gitops names the mirror"
    );
}

/// The ConfigMap form (kpt `-- k=v`) chooses the install method with `execAuthMethod`: the article's
/// archive download stays one key away; a value that is no method is an error at that key.
#[test]
fn the_configmap_form_selects_the_install_method() {
    let configmap = String::from_utf8(read("fn-config/configmap.yaml")).unwrap();
    let archive = format!("{configmap}  execAuthMethod: archive\n");
    let out = bin_with(&["generate", "-c", "-", "--target", "management"], archive.as_bytes(), &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("curl -fsSL") && stdout.contains("k8s-spiffe-workload-jwt-exec-auth"), "{stdout}");
    let default = bin(&["generate", "-c", "fn-config/configmap.yaml", "--target", "management"]);
    assert!(!text(&default.stdout).contains("curl"), "builtin by default");
    let bad = format!("{configmap}  execAuthMethod: download\n");
    let out = bin_with(&["generate", "-c", "-"], bad.as_bytes(), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("data.execAuthMethod"), "{}", text(&out.stderr));
}

/// Without -o and without a chosen target, a config with spokes is refused rather than streaming every
/// cluster's objects together (piped into `oc apply -f -` on the hub, the spokes' Authentication switched
/// the hub itself to external OIDC); the error lists the targets. `--target all` or `spec.target: all`
/// asks for the whole fleet; a config of one cluster streams as before.
#[test]
fn a_stream_never_mixes_clusters_unless_asked() {
    let refused = bin(&["generate", "-c", "fn-config/fleet.yaml"]);
    assert_eq!(refused.status.code(), Some(1));
    assert_eq!(text(&refused.stdout), "", "nothing is printed");
    let stderr = text(&refused.stderr);
    assert!(stderr.starts_with("error: fn-config/fleet.yaml:10:1: spec.target: no target is chosen"), "{stderr}");
    assert!(
        stderr.contains(
            "--target: management, spoke/spoke-a, spoke/spoke-b, spoke/spoke-c, spoke/spoke-c/featuregate; or pass --target all"
        ) && stderr.contains("-o DIR"),
        "{stderr}"
    );
    let mixed = text(&bin(&["generate", "-c", "examples/mixed-fleet/ztwim-gitops.yaml"]).stderr);
    assert!(mixed.contains("spoke/hosted, control-plane/hosted, spoke/kind, spoke/eks, control-plane/eks;"), "{mixed}");
    // The ConfigMap form names its own key.
    let configmap = text(&bin(&["generate", "-c", "fn-config/configmap.yaml"]).stderr);
    assert!(configmap.contains(": data.target: no target is chosen"), "{configmap}");

    let all = bin(&["generate", "-c", "fn-config/fleet.yaml", "--target", "all"]);
    assert!(all.status.success(), "{}", text(&all.stderr));
    let targets: std::collections::BTreeSet<String> = documents(&text(&all.stdout))
        .iter()
        .filter_map(|d| annotation(d, "ztwim-gitops.dev/target").map(String::from))
        .collect();
    assert_eq!(targets.len(), 4, "{targets:?}");
    let dir = scratch("stream-own-target");
    let own_all = dir.join("fleet.yaml");
    let fleet = text(&read("fn-config/fleet.yaml"));
    std::fs::write(&own_all, fleet.replacen("spec:\n", "spec:\n  target: all\n", 1)).unwrap();
    let own = bin(&["generate", "-c", own_all.to_str().unwrap()]);
    assert!(own.status.success(), "{}", text(&own.stderr));
    assert_eq!(text(&own.stdout), text(&all.stdout));
    // One cluster (no spokes): nothing to mix.
    let single = dir.join("single.yaml");
    std::fs::write(&single, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {appDomain: a.example.com}\n")
        .unwrap();
    let single = bin(&["generate", "-c", single.to_str().unwrap()]);
    assert!(single.status.success(), "{}", text(&single.stderr));
    assert!(!single.stdout.is_empty());
}

/// Runs the binary with a stdout nobody reads (the reader closed it before the first write, as `| head`
/// does after its lines), `stdin` on stdin.
fn bin_closed_stdout(args: &[&str], stdin: &[u8]) -> Output {
    use std::io::Write;
    use std::process::Stdio;
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let mut child = Command::new(env!("CARGO_BIN_EXE_ztwim-gitops"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(writer)
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    // A command that never reads stdin may be gone before this write: that is no failure of its own.
    let _ = child.stdin.take().unwrap().write_all(stdin);
    child.wait_with_output().unwrap()
}

#[test]
fn a_reader_that_stops_early_changes_nothing_but_stdout() {
    let dir = scratch("closed-stdout");
    let tree = dir.join("tree");
    let tree_arg = tree.display().to_string();
    assert!(bin(&["generate", "-c", "fn-config/fleet.yaml", "--target", "all", "-o", &tree_arg]).status.success());
    let function_input = read("tests/data/resourcelist-fleet.yaml");
    // Every command that prints to stdout, with the status it documents for this input.
    let cases: &[(&[&str], &[u8], i32)] = &[
        (&[], &function_input, 0),
        (&["generate", "-c", "fn-config/fleet.yaml", "--target", "all"], b"", 0),
        (&["generate", "-c", "-", "--target", "management"], &read("fn-config/fleet.yaml"), 0),
        (&["generate", "-c", "fn-config/fleet.yaml", "--target", "all", "-o", &tree_arg], b"", 0),
        (&["explain", "-c", "fn-config/fleet.yaml"], b"", 0),
        (&["explain", "-c", "fn-config/fleet.yaml", "--format", "mermaid"], b"", 0),
        (&["images", "-c", "fn-config/fleet.yaml"], b"", 0),
        // diff: 1 means "the configs differ", and stays 1 when nobody reads which way.
        (&["diff", "fn-config/minimal.yaml", "fn-config/fleet.yaml"], b"", 1),
        (
            &[
                "import",
                "tests/data/adopt/cluster-secrets.yaml",
                "--app-domain",
                "apps.mgmt.example.com",
                "--openshift-version",
                "4.20",
                "--spoke-type",
                "gke_prod=kubernetes",
            ],
            b"",
            0,
        ),
        // doctor on the whole generated fleet: 0, every check passes.
        (&["doctor", &tree_arg], b"", 0),
        // doctor on the spokes' files only (no cluster Secret to check them against): 1, read or not.
        (&["doctor", &format!("{tree_arg}/spokes")], b"", 1),
        (&["schema"], b"", 0),
        (&["completions", "bash"], b"", 0),
        (&["man"], b"", 0),
    ];
    for (args, stdin, status) in cases {
        let read = bin_with(args, stdin, &[]);
        assert_eq!(read.status.code(), Some(*status), "{args:?} read: {}", text(&read.stderr));
        assert!(!read.stdout.is_empty(), "{args:?} prints something, so a closed stdout is tried");
        let closed = bin_closed_stdout(args, stdin);
        assert_eq!(closed.status.code(), Some(*status), "{args:?} unread: {}", text(&closed.stderr));
        // Quietly: not a word about the pipe, no panic; the results a reader would have seen stay.
        assert_eq!(text(&closed.stderr), text(&read.stderr), "{args:?}");
    }
}
