//! The KRM function contract, tested on the built binary through stdin/stdout/stderr and the exit
//! code, the way kpt and kustomize run it.

use serde_yaml_ng::Value;

struct Run {
    stdout: String,
    stderr: String,
    code: i32,
}

fn run(input: &[u8]) -> Run {
    let (stdout, stderr, code) = crate::support::run_bin(&[], input);
    Run { stdout, stderr, code }
}

fn fn_config(name: &str) -> String {
    std::fs::read_to_string(format!("{}/fn-config/{name}", crate::support::ROOT)).unwrap()
}

/// A ResourceList whose functionConfig is `config` (YAML text) and whose items are `items` (YAML text
/// of a list, or "" for none).
fn resource_list(config: &str, items: &str) -> String {
    let indent = |s: &str| s.lines().map(|l| format!("  {l}\n")).collect::<String>();
    format!(
        "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:{}\nfunctionConfig:\n{}",
        if items.is_empty() { " []\n".to_string() } else { format!("\n{}", indent(items)) },
        indent(config)
    )
}

fn output(run: &Run) -> Value {
    let out: Value = serde_yaml_ng::from_str(&run.stdout).expect("stdout is a YAML document");
    assert_eq!(out["apiVersion"], "config.kubernetes.io/v1", "{}", run.stdout);
    assert_eq!(out["kind"], "ResourceList");
    assert!(!run.stdout.trim_start().starts_with('{'), "output must be block-style YAML");
    out
}

fn results(out: &Value) -> Vec<Value> {
    out.get("results").and_then(Value::as_sequence).cloned().unwrap_or_default()
}

fn errors(out: &Value) -> Vec<Value> {
    results(out).into_iter().filter(|r| r["severity"] == "error").collect()
}

/// Items of many kinds carrying every annotation an orchestrator sets, plus user annotations whose
/// values YAML could easily retype ("0", "true", multi-line, empty).
const ITEMS: &str = r#"- apiVersion: kpt.dev/v1
  kind: Kptfile
  metadata:
    name: pkg
    annotations:
      config.kubernetes.io/local-config: "true"
      internal.config.kubernetes.io/path: Kptfile
      config.kubernetes.io/path: Kptfile
      internal.config.kubernetes.io/index: "0"
      config.kubernetes.io/index: "0"
      internal.config.kubernetes.io/id: "1"
      config.k8s.io/id: "1"
      internal.config.kubernetes.io/seqindent: compact
      internal.config.kubernetes.io/package-path: /home/user/pkg
      internal.config.kubernetes.io/annotations-migration-resource-id: "1"
  pipeline:
    mutators:
    - exec: ztwim-gitops
      configPath: fn-config.yaml
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: web
    namespace: shop
    labels: {app: web}
    annotations:
      internal.config.kubernetes.io/path: deploy/web.yaml
      config.kubernetes.io/path: deploy/web.yaml
      internal.config.kubernetes.io/index: "2"
      config.kubernetes.io/index: "2"
      internal.config.kubernetes.io/id: "2"
      config.k8s.io/id: "2"
      internal.config.kubernetes.io/seqindent: wide
      example.com/zero: "0"
      example.com/yes: "true"
      example.com/empty: ""
      example.com/multi: |
        line one
        line two
  spec:
    replicas: 3
    template:
      spec:
        containers:
        - name: web
          image: "nginx:1.25"
          args: ["--port", "8080"]
- apiVersion: example.com/v1
  kind: Anything
  metadata:
    name: custom
  data:
    nested: {a: [1, 2.5, null, true]}
"#;

fn items() -> Vec<Value> {
    serde_yaml_ng::from_str(ITEMS).unwrap()
}

#[test]
fn passes_every_item_through_with_all_annotations() {
    let run = run(resource_list(&fn_config("minimal.yaml"), ITEMS).as_bytes());
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    let out = output(&run);
    let got = out["items"].as_sequence().unwrap();
    for item in items() {
        let same = got.iter().find(|g| g["kind"] == item["kind"] && g["metadata"]["name"] == item["metadata"]["name"]);
        assert_eq!(same, Some(&item), "item {:?} must come out unchanged", item["metadata"]["name"]);
    }
    assert!(errors(&out).is_empty());
}

#[test]
fn accepts_json_and_any_config_kubernetes_io_version() {
    let yaml: Value = serde_yaml_ng::from_str(&resource_list(&fn_config("minimal.yaml"), ITEMS)).unwrap();
    let mut json = serde_json::to_value(&yaml).unwrap();
    json["apiVersion"] = "config.kubernetes.io/v1beta1".into();
    let run = run(serde_json::to_string(&json).unwrap().as_bytes());
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    let out = output(&run);
    for item in items() {
        assert!(out["items"].as_sequence().unwrap().contains(&item));
    }
}

/// A byte order mark is allowed at the start of a YAML stream; it used to read as "more than one document".
#[test]
fn accepts_a_byte_order_mark() {
    let input = format!("\u{feff}{}", resource_list(&fn_config("minimal.yaml"), ITEMS));
    let run = run(input.as_bytes());
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    let out = output(&run);
    for item in items() {
        assert!(out["items"].as_sequence().unwrap().contains(&item));
    }
}

#[test]
fn warnings_do_not_fail_the_run() {
    // minimal.yaml has no caData: a warning, exit 0, nothing on stderr.
    let run = run(resource_list(&fn_config("minimal.yaml"), "").as_bytes());
    assert_eq!(run.code, 0);
    assert_eq!(run.stderr, "");
    let out = output(&run);
    let res = results(&out);
    assert!(res.iter().any(|r| r["severity"] == "warning" && r["field"]["path"] == "spec.spokes.0.caData"));
    assert!(res.iter().all(|r| r["severity"] != "error"));
}

/// Every bad input: exit 1 (never a panic's 101), an error result, an `error:` line on stderr for
/// each error result, and the input items kept when the ResourceList itself could be read.
#[test]
fn bad_input_is_an_error_result_never_a_panic() {
    let with_items = |fc: &str| resource_list(fc, ITEMS).into_bytes();
    let cases: Vec<(&str, Vec<u8>, bool, &str)> = vec![
        ("empty stdin", b"".to_vec(), false, "input is empty"),
        ("whitespace only", b"  \n\n".to_vec(), false, "input is empty"),
        ("malformed YAML", b"apiVersion: config.kubernetes.io/v1\nkind: [ResourceList\n".to_vec(), false, "not valid YAML"),
        ("malformed JSON", b"{\"apiVersion\": \"config.kubernetes.io/v1\", \"kind\": ".to_vec(), false, "not valid YAML or JSON"),
        ("non-UTF-8", b"apiVersion: config.kubernetes.io/v1\nkind: \xff\xfeList\n".to_vec(), false, "not UTF-8"),
        ("not a ResourceList", b"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n".to_vec(), false, "not a ResourceList"),
        ("a list, not a map", b"- a\n- b\n".to_vec(), false, "not a ResourceList"),
        ("items not a list", b"apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: 3\n".to_vec(), false, "must be a list"),
        ("an item not an object", b"apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: [x]\n".to_vec(), false, "item 0 is a string"),
        ("two documents", b"apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n---\na: 1\n".to_vec(), false, "not valid YAML"),
        (
            "missing functionConfig",
            format!("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n{ITEMS}").into_bytes(),
            true,
            "no function config",
        ),
        ("empty functionConfig", with_items("{}"), true, "no function config"),
        (
            "empty function-input ConfigMap",
            with_items("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: function-input}\ndata: {}"),
            true,
            "no function config",
        ),
        ("functionConfig a string", with_items("just text"), true, "must be an object"),
        ("unknown config kind", with_items("apiVersion: v1\nkind: Secret\nmetadata: {name: s}"), true, "unknown function config"),
        (
            "wrong apiVersion",
            with_items("apiVersion: fn.ztwim-gitops.dev/v9\nkind: ZtwimGitOps\nmetadata: {name: x}"),
            true,
            "not supported",
        ),
        (
            "wrong types",
            with_items("apiVersion: fn.ztwim-gitops.dev/v1alpha1\nkind: ZtwimGitOps\nmetadata: {name: x}\nspec:\n  appDomain: {a: b}\n  spokes: yes"),
            true,
            "invalid type",
        ),
        ("spec not a map", with_items("apiVersion: fn.ztwim-gitops.dev/v1alpha1\nkind: ZtwimGitOps\nmetadata: {name: x}\nspec: [1]"), true, "invalid type"),
    ];
    for (name, input, keeps_items, says) in cases {
        let run = run(&input);
        assert_eq!(run.code, 1, "{name}: exit code; stderr: {}", run.stderr);
        let out = output(&run);
        let errs = errors(&out);
        assert!(!errs.is_empty(), "{name}: an error result");
        assert!(
            errs[0]["message"].as_str().unwrap().contains(says),
            "{name}: {:?} should say {says:?}",
            errs[0]["message"]
        );
        let error_lines = run.stderr.lines().filter(|l| l.starts_with("error: ")).count();
        assert_eq!(error_lines, errs.len(), "{name}: one stderr line per error:\n{}", run.stderr);
        assert_eq!(run.stderr.lines().count(), errs.len(), "{name}: each error is exactly one line:\n{}", run.stderr);
        let got = out["items"].as_sequence().unwrap();
        if keeps_items {
            assert_eq!(got, &items(), "{name}: input items unchanged");
        } else {
            assert!(got.is_empty(), "{name}: nothing parsed, so no items");
        }
    }
}

#[test]
fn configmap_form() {
    let good = run(resource_list(&fn_config("configmap.yaml"), ITEMS).as_bytes());
    assert_eq!(good.code, 0, "stderr: {}", good.stderr);
    assert!(output(&good)["items"].as_sequence().unwrap().len() >= items().len());

    let bad = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: function-input}\ndata:\n  appDomain: apps.example.com\n  spokeServer: http://api.spoke.example.com:6443\n  spokeNmae: a\n  insecureSkipTLSVerify: maybe";
    let run = run(resource_list(bad, ITEMS).as_bytes());
    assert_eq!(run.code, 1);
    let out = output(&run);
    let errs = errors(&out);
    let paths: Vec<&str> = errs.iter().map(|r| r["field"]["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["data.spokeNmae", "data.insecureSkipTLSVerify", "data.spokeServer"]);
    assert!(errs[0]["message"].as_str().unwrap().contains("Did you mean `spokeName`?"));
    assert_eq!(errs[0]["resourceRef"]["kind"], "ConfigMap");
    assert_eq!(errs[0]["resourceRef"]["name"], "function-input");
    assert_eq!(out["items"].as_sequence().unwrap(), &items());
}

/// Values as they reach the function: kpt sends strings in a flow map (`-- k=v`, a Kptfile `configMap:`); a
/// ConfigMap file given with `configPath` or `generate -c` may hold unquoted YAML scalars.
#[test]
fn configmap_values_as_kpt_and_files_send_them() {
    let config =
        |data: &str| format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: function-input}}\ndata: {data}");
    let from_kpt = config(
        r#"{appDomain: apps.example.com, spokeServer: 'https://api.x.example.com:6443', openshiftVersion: "4.20", insecureSkipTLSVerify: "true"}"#,
    );
    let unquoted_bool = config(
        "{appDomain: apps.example.com, spokeServer: 'https://api.x.example.com:6443', insecureSkipTLSVerify: true}",
    );
    for text in [from_kpt, unquoted_bool] {
        let run = run(resource_list(&text, "").as_bytes());
        assert_eq!(run.code, 0, "{text}\n{}", run.stderr);
        let warned = results(&output(&run))
            .iter()
            .any(|r| r["severity"] == "warning" && r["field"]["path"] == "data.insecureSkipTLSVerify");
        assert!(warned, "insecureSkipTLSVerify is on, with a warning: {text}");
    }
    // Unquoted, 4.20 is the number 4.2 (and 4.10 would pass as 4.1): an error that says to quote it, not "too old".
    let run = run(resource_list(
        &config("{appDomain: apps.example.com, spokeServer: 'https://api.x.example.com:6443', openshiftVersion: 4.20}"),
        "",
    )
    .as_bytes());
    assert_eq!(run.code, 1);
    let errs = errors(&output(&run));
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0]["field"]["path"], "data.openshiftVersion");
    assert!(errs[0]["message"].as_str().unwrap().contains("Quote the version"), "{:?}", errs[0]["message"]);
}

const BAD_CONFIG: &str = "apiVersion: fn.ztwim-gitops.dev/v1alpha1
kind: ZtwimGitOps
metadata:
  name: fleet
  namespace: config
spec:
  appDomain: https://apps.mgmt.example.com
  target: spoke/nope
  management:
    ztwim:
      channel: tech-preview-v0.2
    gitops:
      namespace: openshift-gitops
    execAuth:
      method: archive
      binDir: /usr/local/bin
      sha256: abc
  spokes:
  - name: spoke-a
    server: https://https://api.spoke-a.example.com:6443
    openshiftVersion: 4.20
    insecureSkipTLSVerify: true
  - name: spoke-a
    server: https://api.spoke-b.example.com:6443/
    openshiftVersion: \"4.19\"
    caDta: abc
  applications:
  - name: app
    spoke: spoke-z
";

fn with_path_annotations(config: &str, path: &str, index: &str) -> String {
    config.replacen(
        "  namespace: config\n",
        &format!("  namespace: config\n  annotations:\n    internal.config.kubernetes.io/path: {path}\n    internal.config.kubernetes.io/index: \"{index}\"\n"),
        1,
    )
}

/// One bad config with many problems: every problem at once, each with resourceRef, field.path and
/// file; errors first; one stderr line per error. The snapshots pin the exact words.
#[test]
fn many_errors_at_once_snapshot() {
    let config = with_path_annotations(BAD_CONFIG, "fleet/fn-config.yaml", "1");
    let run = run(resource_list(&config, ITEMS).as_bytes());
    assert_eq!(run.code, 1);
    let out = output(&run);
    assert_eq!(out["items"].as_sequence().unwrap(), &items(), "items unchanged on error");
    for r in results(&out) {
        assert_eq!(r["resourceRef"]["apiVersion"], "fn.ztwim-gitops.dev/v1alpha1");
        assert_eq!(r["resourceRef"]["kind"], "ZtwimGitOps");
        assert_eq!(r["resourceRef"]["name"], "fleet");
        assert_eq!(r["resourceRef"]["namespace"], "config");
        assert_eq!(r["file"]["path"], "fleet/fn-config.yaml");
        assert_eq!(r["file"]["index"], 1);
    }
    // The results as written on stdout, not re-serialised: the bytes users get.
    let written = &run.stdout[run
        .stdout
        .find(
            "
results:
",
        )
        .expect("results on stdout")
        + 1..];
    crate::support::golden::snapshot("krm-many-errors-results.yaml", written);
    crate::support::golden::snapshot("krm-many-errors-stderr.txt", &run.stderr);
}

/// kpt may send the functionConfig without path annotations (`--fn-config`, or after its own
/// processing); the file then comes from the same object among the items.
#[test]
fn file_comes_from_the_matching_item_when_the_config_has_no_path() {
    let in_items = with_path_annotations(BAD_CONFIG, "fn-config.yaml", "0");
    let items_text = format!(
        "{ITEMS}{}",
        in_items
            .lines()
            .enumerate()
            .map(|(i, l)| if i == 0 { format!("- {l}\n") } else { format!("  {l}\n") })
            .collect::<String>()
    );
    let run = run(resource_list(BAD_CONFIG, &items_text).as_bytes());
    assert_eq!(run.code, 1);
    let out = output(&run);
    let res = results(&out);
    assert!(!res.is_empty());
    for r in res {
        assert_eq!(r["file"]["path"], "fn-config.yaml");
        // kpt omits index 0; the spec's default is 0.
        assert!(r["file"].get("index").is_none());
    }
}

#[test]
fn output_is_deterministic() {
    let input = resource_list(&fn_config("fleet.yaml"), ITEMS);
    let (a, b) = (run(input.as_bytes()), run(input.as_bytes()));
    assert_eq!(a.code, 0, "stderr: {}", a.stderr);
    assert_eq!(a.stdout, b.stdout);
    let bad = resource_list(BAD_CONFIG, ITEMS);
    let (a, b) = (run(bad.as_bytes()), run(bad.as_bytes()));
    assert_eq!((a.stdout, a.stderr), (b.stdout, b.stderr));
}

#[test]
fn a_file_on_stdin_reads_as_a_pipe_does() {
    // `fn < package.yaml` is read into a buffer of the file's size (a pipe has none): same bytes out.
    let dir = crate::support::TempDir::new("stdin-file");
    let input = resource_list(&fn_config("fleet.yaml"), ITEMS);
    let path = dir.path().join("in.yaml");
    std::fs::write(&path, &input).unwrap();
    let file =
        std::process::Command::new(crate::support::BIN).stdin(std::fs::File::open(&path).unwrap()).output().unwrap();
    let piped = run(input.as_bytes());
    assert_eq!(piped.code, 0, "stderr: {}", piped.stderr);
    assert_eq!((String::from_utf8(file.stdout).unwrap(), file.status.code()), (piped.stdout, Some(0)));
}

/// `Kind ns/name (path)` per owned item, keyed by target, kind, namespace and name.
fn owned_objects(items: &Value) -> std::collections::BTreeMap<String, String> {
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    items
        .as_sequence()
        .unwrap()
        .iter()
        .filter(|i| i["metadata"]["annotations"]["ztwim-gitops.dev/owner"].is_string())
        .map(|i| {
            let meta = &i["metadata"];
            let ns = meta.get("namespace").map(|n| format!("{}/", text(n))).unwrap_or_default();
            let described = format!(
                "{} {ns}{} ({})",
                text(&i["kind"]),
                text(&meta["name"]),
                text(&meta["annotations"]["internal.config.kubernetes.io/path"])
            );
            (format!("{} {described}", text(&meta["annotations"]["ztwim-gitops.dev/target"])), described)
        })
        .collect()
}

/// Issue 19.5: runs `first`, then `second` on the first run's output, and checks that the objects the
/// second run dropped are exactly those its `removed …` warnings list, one warning per cluster and reason.
fn removals_are_warned(first: &str, second: &str, gone_cluster: &str) {
    let one = run(resource_list(first, "").as_bytes());
    assert_eq!(one.code, 0, "{}", one.stderr);
    let before = output(&one)["items"].clone();
    let two = run(resource_list(second, &serde_yaml_ng::to_string(&before).unwrap()).as_bytes());
    assert_eq!(two.code, 0, "{}", two.stderr);
    let out = output(&two);
    let after = owned_objects(&out["items"]);
    let gone: Vec<String> =
        owned_objects(&before).into_iter().filter(|(k, _)| !after.contains_key(k)).map(|(_, d)| d).collect();
    assert!(gone.iter().any(|d| d.starts_with("Authentication cluster")), "{gone:?}");
    let warnings: Vec<String> = results(&out)
        .iter()
        .filter(|r| r["message"].as_str().is_some_and(|m| m.starts_with("removed ")))
        .inspect(|r| assert_eq!(r["severity"], "warning"))
        .map(|r| r["message"].as_str().unwrap().to_string())
        .collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains(&format!(" of {gone_cluster} ")) && w.contains("is not in the config any more")),
        "{warnings:?}"
    );
    let mut listed: Vec<String> = warnings
        .iter()
        .flat_map(|w| {
            w.split_once(" earlier: ")
                .unwrap()
                .1
                .split_once("; ")
                .unwrap()
                .0
                .split(", ")
                .map(String::from)
                .collect::<Vec<_>>()
        })
        .collect();
    listed.sort();
    let mut gone = gone;
    gone.sort();
    assert_eq!(listed, gone, "{warnings:#?}");
}

#[test]
fn a_spoke_dropped_from_the_config_is_a_warning_listing_its_objects() {
    let fleet = fn_config("fleet.yaml");
    let (head, rest) = fleet.split_once("  - name: spoke-b\n").unwrap();
    let without_b = format!("{head}{}", &rest[rest.find("  - name: spoke-c\n").unwrap()..]);
    removals_are_warned(&fleet, &without_b, "spoke/spoke-b");
}

#[test]
fn a_configmap_form_run_for_another_spoke_is_a_warning_listing_what_went() {
    let a = fn_config("configmap.yaml");
    let b = a.replace("spokeName: spoke-cluster", "spokeName: spoke-b");
    removals_are_warned(&a, &b, "spoke/spoke-cluster");
}

/// Issue 19.4, end to end: a spoke package whose Authentication has a people's login provider.
#[test]
fn an_existing_login_provider_is_an_error_unless_acknowledged() {
    let entra = "- apiVersion: config.openshift.io/v1\n  kind: Authentication\n  metadata: {name: cluster}\n  spec:\n    type: OIDC\n    oidcProviders:\n    - name: entra\n      issuer: {issuerURL: 'https://login.microsoftonline.com/tenant/v2.0', audiences: [app]}\n";
    let refused = run(resource_list(&fn_config("configmap.yaml"), entra).as_bytes());
    assert_eq!(refused.code, 1, "{}", refused.stdout);
    let out = output(&refused);
    let errs = errors(&out);
    assert_eq!(errs.len(), 1, "{errs:?}");
    let message = errs[0]["message"].as_str().unwrap();
    assert!(message.contains("`entra` (issuer https://login.microsoftonline.com/tenant/v2.0)"), "{message}");
    assert!(refused.stderr.contains("replaceOidcProvider"), "{}", refused.stderr);
    let auth = out["items"].as_sequence().unwrap().iter().find(|i| i["kind"] == "Authentication").unwrap();
    assert_eq!(auth["spec"]["oidcProviders"][0]["name"], "entra", "left as it was");

    let acknowledged = fn_config("configmap.yaml") + "  acknowledge: replaceOidcProvider\n";
    let replaced = run(resource_list(&acknowledged, entra).as_bytes());
    assert_eq!(replaced.code, 0, "{}", replaced.stderr);
    let out = output(&replaced);
    let warning = results(&out).into_iter().find(|r| {
        r["severity"] == "warning" && r["message"].as_str().unwrap().contains("replaced the OIDC provider `entra`")
    });
    assert!(warning.is_some(), "{:?}", results(&out));
    let auth = out["items"].as_sequence().unwrap().iter().find(|i| i["kind"] == "Authentication").unwrap();
    assert_ne!(auth["spec"]["oidcProviders"][0]["name"], "entra");
}
