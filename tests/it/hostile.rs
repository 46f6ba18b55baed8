//! Issue 15's findings, each a regression test: hostile input has bounded cost and a clear error,
//! pass-through is verbatim whatever the other items look like, output is safe for YAML 1.1 readers,
//! valid JSON/YAML 1.2 is accepted, and a second run over our own output changes no byte.

use serde_yaml_ng::Value;
use std::time::{Duration, Instant};
use ztwim_gitops::pipeline::{self, Outcome};

use crate::support::{resource_list, ROOT};

fn run(input: &str) -> Outcome {
    pipeline::run_function(input.as_bytes())
}

fn output(outcome: &Outcome) -> Value {
    serde_yaml_ng::from_str(&outcome.stdout).unwrap_or_else(|e| panic!("{e}: {}", outcome.stdout))
}

fn error_messages(outcome: &Outcome) -> Vec<String> {
    let out = output(outcome);
    out.get("results")
        .and_then(Value::as_sequence)
        .into_iter()
        .flatten()
        .filter(|r| r["severity"] == "error")
        .map(|r| r["message"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn indent(text: &str, by: usize) -> String {
    text.lines().map(|l| if l.is_empty() { "\n".to_string() } else { format!("{}{l}\n", " ".repeat(by)) }).collect()
}

/// A ResourceList with `items` (YAML text of block list entries) and a config (YAML text).
fn minimal() -> String {
    std::fs::read_to_string(format!("{ROOT}/fn-config/minimal.yaml")).unwrap()
}

/// The one error of a run that must fail, checked to name the limit.
fn single_error(outcome: &Outcome) -> String {
    assert_eq!(outcome.exit_code, 1, "{}", outcome.stdout);
    let errors = error_messages(outcome);
    assert_eq!(errors.len(), 1, "{errors:?}");
    errors[0].clone()
}

#[test]
fn an_alias_bomb_stops_at_an_absolute_cap_whatever_the_document_size() {
    // Before: the cap was relative to the document's size, so ~300 KB of filler let a 9-level bomb
    // reach 3 GB before `repetition limit exceeded`.
    let mut bomb = String::from("    a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for n in 1..10 {
        let p = n - 1;
        bomb.push_str(&format!(
            "    a{n}: &a{n} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    let filler: String = (0..10_000).map(|i| format!("    k{i}: some filler text here\n")).collect();
    // In an item's metadata, which is read: the cap stops it.
    let items = format!(
        "- apiVersion: v1\n  kind: ConfigMap\n  data:\n{filler}  metadata:\n    name: bomb\n    labels:\n{}",
        indent(&bomb, 2)
    );
    let input = resource_list(&items, &minimal());
    assert!(input.len() > 300_000);
    let start = Instant::now();
    let message = single_error(&run(&input));
    assert!(message.contains("limit of 200000 nodes") && message.contains("line 10014"), "{message}");
    assert!(start.elapsed() < Duration::from_secs(20), "bounded cost: {:?}", start.elapsed());
    // In an item's data, which is copied from its text and never expanded: it passes through untouched.
    let items = format!("- apiVersion: v1\n  kind: ConfigMap\n  metadata: {{name: bomb}}\n  data:\n{filler}{bomb}");
    let outcome = run(&resource_list(&items, &minimal()));
    assert_eq!(outcome.exit_code, 0, "{}", outcome.stderr);
    assert!(outcome.stdout.contains(&items));
    // In the functionConfig, which is read in full: the cap stops it.
    let config = format!("{}  bomb:\n{}", minimal(), indent(&bomb, 2));
    assert!(single_error(&run(&resource_list("", &config))).contains("limit of 200000 nodes"));
}

#[test]
fn deep_flow_nesting_is_an_error_found_in_linear_time() {
    // Before: 100,000 levels (500 KB) ran past 60 s before the recursion-limit error.
    let depth = 100_000;
    let nested = format!("{}1{}", "{a: ".repeat(depth), "}".repeat(depth));
    let input = resource_list(&format!("- apiVersion: v1\n  kind: ConfigMap\n  data: {nested}\n"), &minimal());
    let start = Instant::now();
    let message = single_error(&run(&input));
    assert!(message.contains("deeper than the limit of 128 levels") && message.contains("line 6"), "{message}");
    assert!(start.elapsed() < Duration::from_secs(20), "linear: {:?}", start.elapsed());
    // Block nesting is held to the same limit.
    let block: String = (0..200).map(|d| format!("{}k:\n", " ".repeat(d))).collect();
    let input = resource_list(&format!("- kind: A\n  data:\n{}", indent(&block, 4)), &minimal());
    assert!(single_error(&run(&input)).contains("limit of 128 levels"));
}

#[test]
fn the_input_size_and_item_count_are_limited() {
    let huge = format!("{}\n", "#".repeat(64 << 20));
    assert!(single_error(&run(&huge)).contains("limit of 67108864 bytes (64 MiB)"));
    let items = "- {}\n".repeat(100_001);
    let message = single_error(&run(&resource_list(&items, &minimal())));
    assert!(message.contains("limit of 100000 items") && message.contains("line 100004"), "{message}");
}

/// A config with one spoke and `n` Applications in `n` namespaces: about 2n output objects, n of them
/// RoleBindings of one name sharing one file.
fn scale_config(n: usize) -> String {
    let namespaces: String = (0..n).map(|i| format!("    - ns-{i}\n")).collect();
    let apps: String = (0..n)
        .map(|i| format!("  - {{name: app-{i}, spoke: s, namespace: ns-{i}, repoURL: 'https://git.example.com/r'}}\n"))
        .collect();
    format!(
        "apiVersion: fn.ztwim-gitops.dev/v1alpha1\nkind: ZtwimGitOps\nmetadata:\n  name: scale\nspec:\n  \
         appDomain: apps.example.com\n  spokes:\n  - name: s\n    server: https://api.s.example.com:6443\n    \
         namespaces:\n{namespaces}  applications:\n{apps}"
    )
}

/// The time `reconcile` takes for the objects of [`scale_config`]`(n)`, on no input items.
fn reconcile_time(n: usize) -> Duration {
    let fc: Value = serde_yaml_ng::from_str(&scale_config(n)).unwrap();
    let (config, diags) = ztwim_gitops::config::load(&fc, Default::default());
    assert!(!diags.has_errors(), "{diags:?}");
    let options = ztwim_gitops::resolve::Options::default();
    let (model, _) = ztwim_gitops::resolve::resolve(&config.unwrap(), &options).expect("the scale config resolves");
    let manifests = ztwim_gitops::generate::generate(&model).manifests;
    let start = Instant::now();
    let reconciled = ztwim_gitops::reconcile::reconcile(&model, &[], manifests, true);
    let elapsed = start.elapsed();
    assert!(reconciled.items.len() > 2 * n);
    elapsed
}

#[test]
fn krm_mode_is_linear_in_the_number_of_output_objects() {
    // Before: index assignment rescanned every index of a shared file for each new object (N
    // RoleBindings of one name in one file), so KRM mode took 22 s at 20,000 items against 0.56 s for
    // generate. Eight times the objects must cost about eight times as much, not sixty-four.
    let (small, large) = (reconcile_time(500), reconcile_time(4000));
    eprintln!("reconcile: 500 namespaces {small:?}, 4,000 namespaces {large:?}");
    assert!(large < small * 24 + Duration::from_millis(200), "{small:?} then {large:?}: not linear");
    // The RoleBindings sharing one file have distinct, consecutive indexes, in KRM output.
    let config = scale_config(300);
    let input = format!(
        "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\nfunctionConfig:\n{}",
        indent(&config, 2)
    );
    let outcome = run(&input);
    assert_eq!(outcome.exit_code, 0, "{}", outcome.stderr);
    let out = output(&outcome);
    let mut indexes: std::collections::BTreeMap<&str, Vec<u64>> = Default::default();
    for item in out["items"].as_sequence().unwrap() {
        let ann = &item["metadata"]["annotations"];
        let path = ann["internal.config.kubernetes.io/path"].as_str().unwrap();
        let index = ann["internal.config.kubernetes.io/index"].as_str().unwrap().parse().unwrap();
        indexes.entry(path).or_default().push(index);
    }
    assert!(indexes.values().any(|found| found.len() == 300), "{indexes:?}");
    for (path, found) in indexes {
        assert_eq!(found, (0..found.len() as u64).collect::<Vec<_>>(), "{path}");
    }
}

#[test]
fn one_oddly_formatted_item_does_not_make_the_others_reserialise() {
    // A multi-line single-quoted scalar whose continuation line is under-indented: kpt reads it (see
    // tests/kpt.rs). Before, the span parser rejected it and every item lost comments and styles.
    let items = "- apiVersion: v1 # comment\n  kind: ConfigMap\n  metadata: {name: a}\n  data:\n    \
                 k: 'line one\n  line two'\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: b\n  \
                 data: {quoted: \"on\", list: [x, 'y']} # flow\n";
    let outcome = run(&resource_list(items, &minimal()));
    assert_eq!(outcome.exit_code, 0, "{}", outcome.stderr);
    assert!(outcome.stdout.contains(items), "both items verbatim:\n{}", outcome.stdout);
    assert_eq!(output(&outcome)["items"][0]["data"]["k"], "line one line two");
}

/// Found by fuzzing the vendored parser (issue 23): saphyr-parser counted a directive's name and
/// parameters in bytes where the scanner needs characters, so after `%FOO é` every position was off and
/// the items copied from the source came out garbled (vendor/saphyr-parser/patches/0007).
#[test]
fn a_directive_with_non_ascii_characters_leaves_every_item_verbatim() {
    let items = "- apiVersion: v1 # keep\n  kind: ConfigMap\n  metadata:\n    name: a\n  data: {k: 'v'}\n\
                 - apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: b # too\n";
    let plain = resource_list(items, &minimal());
    let outcome = run(&format!("%FOOé éé ü\n---\n{plain}"));
    assert_eq!(outcome.exit_code, 0, "{}", outcome.stderr);
    assert!(outcome.stdout.contains(items), "both items verbatim:\n{}", outcome.stdout);
    assert_eq!(outcome.stdout, run(&plain).stdout);
}

/// Found by review (issue 23): with a `%TAG` directive, an item using its handle was copied with a
/// handle the output does not define, and the HostedCluster a hosted spoke patches was cut to its
/// metadata, failed to read alone, and came out patched but without its spec.
#[test]
fn a_tag_directive_keeps_a_patched_item_whole() {
    let case = crate::support::read("tests/cases/transformer-hosted-cluster/input.yaml");
    let tagged = case.replacen("      type: None\n", "      type: !e!platform None\n", 1);
    assert_ne!(tagged, case);
    let input = format!("%TAG !e! tag:example.com,2000:\n---\n{tagged}");
    let outcome = run(&input);
    assert_eq!(outcome.exit_code, 0, "{}", outcome.stderr);
    assert!(!outcome.stdout.contains("!e!"), "no item is copied from its text:\n{}", outcome.stdout);
    let out = output(&outcome);
    let spec = &out["items"][0]["spec"];
    let original: Value = serde_yaml_ng::from_str(&case).unwrap();
    for field in ["release", "pullSecret", "networking", "etcd", "services"] {
        assert_eq!(spec[field], original["items"][0]["spec"][field], "{field} kept:\n{}", outcome.stdout);
    }
    assert_eq!(spec["configuration"]["authentication"]["type"], "OIDC", "patched:\n{}", outcome.stdout);
    let again = run(&outcome.stdout);
    assert_eq!(output(&again)["items"], out["items"], "a second run changes nothing");
}

/// Found by review (issue 23): a quoted scalar may continue on an under-indented line (kpt's go-yaml
/// reads it), and `  --- x` at the item's column becomes a document marker once the item is moved to
/// column 0 to be read alone. The HostedCluster a hosted spoke patches was cut to its metadata, did not
/// read alone, and came out patched but without its spec; it is now read from the whole input.
#[test]
fn a_patched_item_whose_text_does_not_read_alone_is_kept_whole() {
    let case = crate::support::read("tests/cases/transformer-hosted-cluster/input.yaml");
    let input = case.replacen(
        "      name: pull-secret\n",
        "      name: pull-secret\n    note: \"first line\n  --- second line\"\n",
        1,
    );
    assert_ne!(input, case);
    let outcome = run(&input);
    assert_eq!(outcome.exit_code, 0, "{}", outcome.stderr);
    let spec = &output(&outcome)["items"][0]["spec"];
    assert_eq!(spec["note"], "first line --- second line", "{}", outcome.stdout);
    assert_eq!(spec["release"]["image"], "quay.io/openshift-release-dev/ocp-release:4.20.0-x86_64");
    assert_eq!(spec["configuration"]["authentication"]["type"], "OIDC", "patched:\n{}", outcome.stdout);
}

#[test]
fn output_quotes_every_string_a_yaml_1_1_reader_takes_for_something_else() {
    let tricky =
        ["on", "off", "yes", "no", "y", "n", "Y", "NO", "1_000", "1:20", "2001-12-14", "=", "~", "0o17", ".inf"];
    // JSON input is serialised (its flow `items` comes from a tool): the values must stay strings.
    let data: String =
        tricky.iter().enumerate().map(|(i, v)| format!(r#""k{i}": "{v}""#)).collect::<Vec<_>>().join(", ");
    let config = serde_json::to_string(&serde_yaml_ng::from_str::<Value>(&minimal()).unwrap()).unwrap();
    let input = format!(
        r#"{{"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": [{{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {{"name": "t"}}, "data": {{{data}}}}}], "functionConfig": {config}}}"#
    );
    let outcome = run(&input);
    assert_eq!(outcome.exit_code, 0, "{}", outcome.stderr);
    for (i, v) in tricky.iter().enumerate() {
        assert!(outcome.stdout.contains(&format!("k{i}: '{v}'\n")), "`{v}` quoted:\n{}", outcome.stdout);
    }
    // Generated objects: a trust domain and a label value that YAML 1.1 reads as booleans.
    let config = "apiVersion: fn.ztwim-gitops.dev/v1alpha1\nkind: ZtwimGitOps\nmetadata: {name: t}\nspec:\n  \
                  appDomain: apps.example.com\n  trustDomain: \"on\"\n  spokes:\n  - name: s\n    \
                  server: https://api.s.example.com:6443\n    labels: {env: \"off\"}\n";
    let outcome = run(&resource_list("", config));
    assert_eq!(outcome.exit_code, 0, "{}", outcome.stderr);
    assert!(outcome.stdout.contains("trustDomain: 'on'\n"), "{}", outcome.stdout);
    assert!(outcome.stdout.contains("env: 'off'\n"), "{}", outcome.stdout);
    assert!(!outcome.stdout.contains(": on\n") && !outcome.stdout.contains(": off\n"));
    // The same emitter serves `generate`.
    let (manifests, _) = pipeline::generate_from_file(config, "t.yaml", None);
    let text: String = manifests.iter().map(|m| ztwim_gitops::yaml::tree_to_string(&m.object)).collect();
    assert!(text.contains("trustDomain: 'on'\n") && text.contains("env: 'off'\n"));
}

#[test]
fn surrogate_pairs_big_integers_and_a_bom_are_valid_input() {
    let config = serde_json::to_string(&serde_yaml_ng::from_str::<Value>(&minimal()).unwrap()).unwrap();
    // What Python's json.dumps writes for an emoji.
    let input = format!(
        r#"{{"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": [{{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {{"name": "e"}}, "data": {{"smile": "\ud83d\ude00", "big": 123456789012345678901234567890}}}}], "functionConfig": {config}}}"#
    );
    let outcome = run(&input);
    assert_eq!(outcome.exit_code, 0, "{}", outcome.stdout);
    assert!(outcome.stdout.contains("smile: 😀\n") && outcome.stdout.contains("big: 123456789012345678901234567890\n"));
    // An unrelated YAML item with a big integer passes through as written.
    let items =
        "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: big}\n  data: {n: 123456789012345678901234567890}\n";
    let outcome = run(&format!("\u{feff}{}", resource_list(items, &minimal())));
    assert_eq!(outcome.exit_code, 0, "{}", outcome.stdout);
    assert!(outcome.stdout.contains(items), "{}", outcome.stdout);
}

/// What kpt sends on the next render: the previous output's items with the config again (kpt drops the
/// echoed functionConfig and the results).
fn rerun(previous: &Outcome, config: &str) -> Outcome {
    let out = previous.stdout.split("\nfunctionConfig:\n").next().unwrap_or_default();
    let out = out.split("\nresults:\n").next().unwrap_or_default().trim_end().to_string();
    run(&format!("{out}\nfunctionConfig:\n{}", indent(config, 2)))
}

#[test]
fn a_run_over_its_own_output_changes_no_byte() {
    let unrelated = "- apiVersion: v1 # mine\n  kind: ConfigMap\n  metadata:\n    name: keep\n    annotations:\n      \
                     internal.config.kubernetes.io/path: 'keep.yaml'\n  data: {a: \"1\", b: 'on'}\n";
    for name in ["minimal.yaml", "fleet.yaml", "configmap.yaml"] {
        let config = std::fs::read_to_string(format!("{ROOT}/fn-config/{name}")).unwrap();
        let first = run(&resource_list(unrelated, &config));
        assert_eq!(first.exit_code, 0, "{name}: {}", first.stderr);
        let second = rerun(&first, &config);
        assert_eq!(second.exit_code, 0, "{name}: {}", second.stderr);
        // Before: the second run reordered the location annotations of every generated object.
        assert_eq!(second.stdout, first.stdout, "{name}: the second run changed bytes");
        assert_eq!(rerun(&second, &config).stdout, first.stdout, "{name}");
    }
}

#[test]
fn a_pipe_of_two_runs_gives_the_same_items_byte_for_byte() {
    // Before: the output had no functionConfig (kyaml's writer echoes it), so `fn < in | fn` failed
    // with "no function config was given" on the second stage.
    let unrelated = "- apiVersion: v1 # mine\n  kind: ConfigMap\n  metadata: {name: keep}\n  data: {a: \"1\"}\n";
    for name in ["minimal.yaml", "fleet.yaml", "configmap.yaml"] {
        let config = std::fs::read_to_string(format!("{ROOT}/fn-config/{name}")).unwrap();
        let first = run(&resource_list(unrelated, &config));
        assert_eq!(first.exit_code, 0, "{name}: {}", first.stderr);
        let echoed = &output(&first)["functionConfig"];
        assert_eq!(echoed, &serde_yaml_ng::from_str::<Value>(&config).unwrap(), "{name}: the config, unchanged");
        let second = run(&first.stdout);
        assert_eq!(second.exit_code, 0, "{name}: {}", second.stderr);
        let items = |o: &Outcome| o.stdout.split("\nfunctionConfig:\n").next().unwrap_or_default().to_string();
        assert_eq!(items(&second), items(&first), "{name}: the second stage changed items");
        assert_eq!(second.stdout, first.stdout, "{name}: and the whole output");
    }
}

#[test]
fn a_patched_item_keeps_every_field_it_had() {
    // Items are held as metadata only until a generated object with their kind and name shows up; the
    // one a generated object patches must come back whole.
    let items = "- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: ztwim-gitops\n    labels: {team: a}\n  \
                 spec:\n    finalizers: [kubernetes]\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: other}\n  \
                 data: {k: v}\n";
    let outcome = run(&resource_list(items, &minimal()));
    assert_eq!(outcome.exit_code, 0, "{}", outcome.stderr);
    let out = output(&outcome);
    let namespace = out["items"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "Namespace" && i["metadata"]["name"] == "ztwim-gitops")
        .unwrap();
    assert_eq!(namespace["spec"]["finalizers"][0], "kubernetes", "{}", outcome.stdout);
    assert_eq!(namespace["metadata"]["labels"]["team"], "a");
    assert!(outcome.stdout.contains("patched Namespace ztwim-gitops"), "it was patched: {}", outcome.stdout);
    assert!(outcome
        .stdout
        .contains("- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: other}\n  data: {k: v}\n"));
}

// Issue 19 point 7: what passes through reads the same to every YAML reader, and stderr cannot be forged.

/// A ResourceList whose last line is `last` without a final line break, the functionConfig before the items.
fn items_last(items_without_final_newline: &str) -> String {
    format!(
        "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nfunctionConfig:\n{}items:\n{items_without_final_newline}",
        indent(&minimal(), 2)
    )
}

#[test]
fn a_block_scalar_ending_the_input_keeps_its_exact_value() {
    // Before: the scanner made up a line break at the end of input, and the copy ended the last line with
    // another: `echo hi` came out as "echo hi\n" (exit 0), a whitespace-only last line as a second break.
    // The expected values are what libyaml and PyYAML read (YAML 1.2.2 §8.1.1.2: at the end of input the
    // chomped last line break is absent).
    let item = "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: s}\n  data:\n    run.sh: ";
    for (scalar, value) in [
        ("|\n      echo hi", "echo hi"),
        ("|\n      echo hi\n      ", "echo hi\n"),
        ("|\n      echo hi\n        ", "echo hi\n  "),
        ("|+\n      echo hi\n      ", "echo hi\n"),
        ("|-\n      echo hi\n        ", "echo hi\n  "),
        (">\n      echo\n      hi", "echo hi"),
    ] {
        let input = items_last(&format!("{item}{scalar}"));
        let expected = serde_yaml_ng::from_str::<Value>(&input).unwrap();
        assert_eq!(expected["items"][0]["data"]["run.sh"], value, "libyaml reads {scalar:?} so");
        let outcome = run(&input);
        assert_eq!(outcome.exit_code, 0, "{}", outcome.stdout);
        let out = output(&outcome);
        let item = out["items"].as_sequence().unwrap().iter().find(|i| i["metadata"]["name"] == "s").unwrap();
        assert_eq!(item["data"]["run.sh"], value, "{scalar:?}:\n{}", outcome.stdout);
        assert_eq!(rerun(&outcome, &minimal()).stdout, outcome.stdout, "{scalar:?}: the second run changed bytes");
    }
}

/// Whether PyYAML, the YAML 1.1 reader, can be used; under `CI=true` it must (`.ci/run` installs it).
fn have_pyyaml() -> bool {
    let ok = std::process::Command::new("python3")
        .args(["-c", "import yaml"])
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "PyYAML is missing; under CI=true it must be there");
        eprintln!("SKIPPED: PyYAML is missing (apt-get install python3-yaml); only YAML 1.2 was checked");
    }
    ok
}

/// What PyYAML reads from `yaml` at the keys of `path`: `type:repr` of each value, one a line.
fn pyyaml_read(yaml: &str, path: &[&str], keys: &[&str]) -> Vec<String> {
    use std::io::Write;
    let script = format!(
        "import sys, yaml\nv = yaml.safe_load(sys.stdin)\nfor k in {path:?}: v = v[k] if not isinstance(v, list) else next(i for i in v if i.get('metadata', {{}}).get('name') == k)\nfor k in {keys:?}: print(type(v[k]).__name__ + ':' + repr(v[k]))\n"
    );
    let mut child = std::process::Command::new("python3")
        .args(["-c", &script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(yaml.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "PyYAML could not read:\n{yaml}");
    String::from_utf8(out.stdout).unwrap().lines().map(str::to_string).collect()
}

#[test]
fn floats_read_as_the_same_number_by_yaml_1_1_and_1_2_readers() {
    // Before: `1e16`, `1e-6`, `1.5e300`, `1e400`, which PyYAML (YAML 1.1) reads as strings.
    let config = serde_json::to_string(&serde_yaml_ng::from_str::<Value>(&minimal()).unwrap()).unwrap();
    let input = format!(
        r#"{{"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": [{{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {{"name": "f"}}, "data": {{"a": 1e16, "b": 0.000001, "c": 1.5e300, "d": 1e400, "e": -2.5E-10, "f": 0.5, "g": 7}}}}], "functionConfig": {config}}}"#
    );
    let outcome = run(&input);
    assert_eq!(outcome.exit_code, 0, "{}", outcome.stdout);
    for written in
        ["a: 1.0e+16\n", "b: 1.0e-6\n", "c: 1.5e+300\n", "d: 1.0e+400\n", "e: -2.5e-10\n", "f: 0.5\n", "g: 7\n"]
    {
        assert!(outcome.stdout.contains(written), "{written}{}", outcome.stdout);
    }
    // YAML 1.2 (ours, libyaml's resolution in serde_yaml_ng): the same numbers.
    let out = output(&outcome);
    let data = &out["items"].as_sequence().unwrap().iter().find(|i| i["metadata"]["name"] == "f").unwrap()["data"];
    assert_eq!(data["a"].as_f64(), Some(1e16));
    assert_eq!(data["b"].as_f64(), Some(0.000001));
    assert_eq!(data["e"].as_f64(), Some(-2.5e-10));
    if have_pyyaml() {
        let read = pyyaml_read(&outcome.stdout, &["items", "f", "data"], &["a", "b", "c", "d", "e", "f", "g"]);
        assert_eq!(
            read,
            ["float:1e+16", "float:1e-06", "float:1.5e+300", "float:inf", "float:-2.5e-10", "float:0.5", "int:7"],
            "{}",
            outcome.stdout
        );
    }
}

#[test]
fn every_stderr_result_is_one_line_and_the_result_keeps_the_exact_text() {
    // Before: a key with a line break printed a line `error: forged line` that no result has.
    let forged = "k\nerror: forged line\r\u{1b}[2K\u{2028}x";
    let config = minimal().replace("spec:\n", &format!("spec:\n  {}: 1\n", serde_json::to_string(forged).unwrap()));
    let outcome = run(&resource_list("", &config));
    assert_eq!(outcome.exit_code, 1, "{}", outcome.stdout);
    let lines: Vec<&str> = outcome.stderr.lines().collect();
    assert_eq!(lines.len(), error_messages(&outcome).len(), "one line per error result:\n{}", outcome.stderr);
    assert!(lines.iter().all(|l| l.starts_with("error: ")), "{}", outcome.stderr);
    assert!(
        outcome.stderr.contains("k\\nerror: forged line\\r\\u{1b}[2K\\u{2028}x"),
        "escaped, not dropped:\n{}",
        outcome.stderr
    );
    assert!(!outcome.stderr.contains(['\r', '\u{1b}', '\u{2028}']));
    assert!(error_messages(&outcome).iter().any(|m| m.contains(forged)), "the result keeps the key as written");
}

#[test]
fn nesting_past_the_limit_gives_the_documented_message_at_every_depth() {
    // Before: 256 or more `[` gave the scanner's "recursion limit exceeded".
    for depth in [129, 255, 256, 300, 10_000] {
        let nested = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
        let input =
            resource_list(&format!("- apiVersion: v1\n  kind: ConfigMap\n  data: {{k: {nested}}}\n"), &minimal());
        let message = single_error(&run(&input));
        assert!(
            message.contains("collections nest deeper than the limit of 128 levels at line 6"),
            "{depth}: {message}"
        );
    }
}

#[test]
fn an_audience_with_white_space_or_a_control_character_is_an_error() {
    // Before: any string was accepted, and a line break broke `explain --format mermaid`.
    for (field, config) in [
        ("spec.audience", minimal().replace("spec:\n", "spec:\n  audience: \"argo\\ncd\"\n")),
        ("spec.spokes.0.audience", minimal().replace("  - name:", "  - audience: \"a b\"\n    name:")),
    ] {
        let outcome = run(&resource_list("", &config));
        assert_eq!(outcome.exit_code, 1, "{field}: {}", outcome.stdout);
        assert!(outcome.stderr.contains(&format!("{field}: audience `")), "{field}: {}", outcome.stderr);
        assert!(outcome.stderr.contains("white space or a control character"), "{}", outcome.stderr);
    }
}
