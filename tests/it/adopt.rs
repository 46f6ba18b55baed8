//! Adopting an existing fleet: `import` (cluster Secrets and kubeconfigs in, a config out), its cut-over
//! plan, and `diff` between two configs.

use crate::support as common;
use crate::support::schema;

use common::golden::assert_golden_tree;
use common::{run_bin, tree, TempDir, BIN, ROOT};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

const SECRETS: &str = "tests/data/adopt/cluster-secrets.yaml";
const APPS: &str = "tests/data/adopt/argocd-apps.yaml";
const FLAGS: [&str; 6] =
    ["--app-domain", "apps.mgmt.example.com", "--openshift-version", "4.20", "--spoke-type", "gke_prod=kubernetes"];

/// Every credential in the fixture: tokens, the exec plugin's env value. None may reach any output.
const CREDENTIALS: [&str; 4] = [
    "FAKE-SIGNATURE-spoke-a-token",
    "FAKE-SIGNATURE-edge-token",
    "FAKE-SIGNATURE-team-b-token",
    "FAKE-exec-env-secret",
];

fn fixture(rel: &str) -> String {
    Path::new(ROOT).join(rel).display().to_string()
}

/// Runs `import` on the dump (and `--plan DIR` when given); stdout, stderr, exit code.
fn import(extra: &[&str]) -> (String, String, i32) {
    let (secrets, apps) = (fixture(SECRETS), fixture(APPS));
    let mut args = vec!["import", secrets.as_str(), apps.as_str()];
    args.extend(FLAGS);
    args.extend(extra);
    run_bin(&args, b"")
}

/// The cluster Secrets of the dump, decoded: name → (data, labels).
fn dump_secrets() -> Vec<(serde_json::Map<String, Value>, Value)> {
    let text = std::fs::read_to_string(fixture(SECRETS)).unwrap();
    let list: Value = serde_yaml_ng::from_str(&text).unwrap();
    use base64::Engine;
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let data = s["data"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| {
                    let bytes = base64::engine::general_purpose::STANDARD.decode(v.as_str().unwrap()).unwrap();
                    (k.clone(), Value::String(String::from_utf8(bytes).unwrap()))
                })
                .collect();
            (data, s["metadata"]["labels"].clone())
        })
        .collect()
}

fn no_credentials(what: &str, text: &str) {
    for credential in CREDENTIALS {
        assert!(!text.contains(credential), "{what} contains the credential {credential}:\n{text}");
    }
    assert!(!text.contains("bearerToken"), "{what} mentions a bearerToken field:\n{text}");
}

#[test]
fn import_keeps_each_field_through_generate_and_copies_no_credential() {
    let (config, stderr, code) = import(&[]);
    assert_eq!(code, 0, "{stderr}");
    no_credentials("the imported config", &config);
    no_credentials("import's stderr", &stderr);

    let dir = TempDir::new("adopt-import");
    let config_path = dir.path().join("fleet.yaml");
    std::fs::write(&config_path, &config).unwrap();
    let out = dir.path().join("out");
    let generated = Command::new(BIN)
        .args(["generate", "-c"])
        .arg(&config_path)
        .args(["--target", "all", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(generated.status.success(), "{}", String::from_utf8_lossy(&generated.stderr));
    let files = tree(&out);
    for (file, text) in &files {
        no_credentials(file, text);
    }

    // Each kept cluster: its generated cluster Secret carries exactly what the old one had.
    let renamed = |name: &str| if name == "gke_prod" { "gke-prod".to_string() } else { name.to_string() };
    let mut checked = 0;
    for (data, labels) in dump_secrets() {
        let old_name = data["name"].as_str().unwrap();
        if data["server"] == "https://kubernetes.default.svc" {
            assert!(!files.keys().any(|f| f.contains("in-cluster")), "the in-cluster entry became a spoke");
            continue;
        }
        let name = renamed(old_name);
        let file = files
            .iter()
            .find(|(f, _)| f.starts_with("management/") && f.ends_with(&format!("-secret-{name}.yaml")))
            .unwrap_or_else(|| panic!("no cluster Secret for {name}: {:?}", files.keys()))
            .1;
        let secret: Value = serde_yaml_ng::from_str(file).unwrap();
        let got = &secret["stringData"];
        assert_eq!(got["name"], name);
        assert_eq!(got["server"].as_str().unwrap(), data["server"].as_str().unwrap().trim_end_matches('/'));
        for key in ["project", "namespaces"] {
            assert_eq!(got.get(key), data.get(key), "{name}: {key}");
        }
        let old: Value = serde_json::from_str(data["config"].as_str().unwrap()).unwrap();
        let new: Value = serde_json::from_str(got["config"].as_str().unwrap()).unwrap();
        assert_eq!(new["tlsClientConfig"]["caData"], old["tlsClientConfig"]["caData"], "{name}: caData");
        assert_eq!(new["tlsClientConfig"]["insecure"], old["tlsClientConfig"]["insecure"], "{name}: insecure");
        for (key, value) in labels.as_object().unwrap() {
            if !key.starts_with("argocd.argoproj.io/") {
                assert_eq!(&secret["metadata"]["labels"][key], value, "{name}: label {key}");
            }
        }
        checked += 1;
    }
    assert_eq!(checked, 5);
    // The EKS cluster became an eks spoke of its EKS cluster; the GKE one what --spoke-type said.
    let spoke_files = |dir: &str| files.keys().filter(|f| f.starts_with(dir)).count();
    assert!(files.keys().any(|f| f.starts_with("control-plane/prod-eu/") && f.contains("identityproviderconfig")));
    assert!(spoke_files("spokes/gke-prod/") > 0 && files.keys().any(|f| f.ends_with("authentication-config.yaml")));
}

#[test]
fn import_reports_every_entry_it_leaves_out_and_every_credential_it_replaces() {
    let (_, stderr, code) = import(&[]);
    assert_eq!(code, 0, "{stderr}");
    let line = |needle: &str| stderr.lines().any(|l| l.contains(needle));
    assert!(line(
        "warning: Secret openshift-gitops/openshift-gitops-default-cluster-config: left out: the in-cluster entry"
    ));
    assert!(line("cluster-api.edge-1.example.com-1196418342: tlsClientConfig.insecure is true"));
    assert!(line("the cluster name `gke_prod` is not a unique DNS-1123 label, so the spoke is named `gke-prod`"));
    for (secret, credential) in [
        ("cluster-api.spoke-a.example.com-2751203617", "bearer token"),
        ("cluster-api.team-b.example.com-3412987710", "bearer token"),
        ("cluster-prod-eu-eks-2041337765", "awsAuthConfig"),
        ("cluster-gke-prod-1803", "execProviderConfig"),
    ] {
        assert!(
            line(&format!("{secret}: imported; the keyless setup replaces its {credential}")),
            "{secret}:\n{stderr}"
        );
    }
    assert!(line("label `argocd.argoproj.io/auto-label-cluster-info` is not carried over"));
    assert!(line("spec.management.gitops.installOperator: false"));
}

#[test]
fn import_names_the_flag_a_missing_decision_needs_and_prints_no_config() {
    let secrets = fixture(SECRETS);
    let (stdout, stderr, code) = run_bin(&["import", &secrets], b"");
    assert_eq!(code, 1);
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.contains("error: --app-domain: required"), "{stderr}");
    assert!(stderr.contains("error: --openshift-version: required"), "{stderr}");
}

#[test]
fn import_reads_json_string_data_and_multi_document_streams_from_stdin() {
    let json = r#"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"c1","namespace":"argocd","labels":{"argocd.argoproj.io/secret-type":"cluster"}},
      "stringData":{"name":"one","server":"https://one.example.com:6443","config":"{\"username\":\"admin\",\"password\":\"FAKE-basic-password\",\"tlsClientConfig\":{\"insecure\":false,\"certData\":\"RkFLRS1jZXJ0\",\"keyData\":\"RkFLRS1rZXk=\"}}"}}"#;
    let stream = format!(
        "{json}\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: c2\n  labels: {{argocd.argoproj.io/secret-type: cluster}}\nstringData:\n  name: two\n  server: https://two.example.com\n"
    );
    let (config, stderr, code) =
        run_bin(&["import", "-", "--app-domain", "apps.example.com", "--spoke-type", "kubernetes"], stream.as_bytes());
    assert_eq!(code, 0, "{stderr}");
    assert!(config.contains("name: one") && config.contains("name: two"), "{config}");
    assert!(
        stderr.contains("Secret argocd/c1: imported; the keyless setup replaces its basic auth, client certificate"),
        "{stderr}"
    );
    for secret in ["FAKE-basic-password", "RkFLRS1jZXJ0", "RkFLRS1rZXk=", "admin"] {
        assert!(!config.contains(secret) && !stderr.contains(secret), "{secret} leaked");
    }
}

#[test]
fn import_takes_server_and_ca_from_kubeconfig_contexts() {
    let dir = TempDir::new("adopt-kubeconfig");
    let ca = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUIKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=";
    let kubeconfig = format!(
        "apiVersion: v1\nkind: Config\ncurrent-context: east\nclusters:\n- name: east-api\n  cluster:\n    server: https://api.east.example.com:6443\n    certificate-authority-data: {ca}\n- name: west-api\n  cluster:\n    server: https://api.west.example.com:6443/\n    insecure-skip-tls-verify: true\ncontexts:\n- name: east\n  context: {{cluster: east-api, user: admin}}\n- name: west\n  context: {{cluster: west-api, user: admin}}\nusers:\n- name: admin\n  user:\n    token: FAKE-kubeconfig-token\n"
    );
    let path = dir.path().join("kubeconfig");
    std::fs::write(&path, kubeconfig).unwrap();
    let path = path.display().to_string();
    let (config, stderr, code) = run_bin(
        &[
            "import",
            "--kubeconfig",
            &path,
            "--context",
            "east",
            "--context",
            "west",
            "--app-domain",
            "apps.example.com",
            "--openshift-version",
            "4.20",
        ],
        b"",
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(config.contains(&format!("server: https://api.east.example.com:6443\n    type: openshift\n    openshiftVersion: '4.20'\n    caData: {ca}")), "{config}");
    assert!(
        config.contains("server: https://api.west.example.com:6443\n")
            && config.contains("insecureSkipTLSVerify: true"),
        "{config}"
    );
    assert!(!config.contains("installOperator"), "a greenfield import must keep the operator install:\n{config}");
    assert!(!config.contains("FAKE-kubeconfig-token") && !stderr.contains("FAKE-kubeconfig-token"));
    assert!(stderr.contains("--context east: the context's user has a bearer token"), "{stderr}");

    let (_, stderr, code) =
        run_bin(&["import", "--kubeconfig", &path, "--context", "north", "--app-domain", "a.example.com"], b"");
    assert_eq!(code, 1);
    assert!(stderr.contains("no context `north`"), "{stderr}");
}

fn plan() -> std::collections::BTreeMap<String, String> {
    let dir = TempDir::new("adopt-plan");
    let plan = dir.path().join("plan");
    let (_, stderr, code) = import(&["--plan", plan.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    tree(&plan)
}

#[test]
fn the_cut_over_plan_is_golden() {
    let files = plan();
    for (file, text) in &files {
        no_credentials(file, text);
    }
    assert_golden_tree("tests/data/adopt/expected-plan", &files, |_| true);
}

#[test]
fn re_emitted_applications_and_projects_pass_the_upstream_schemas() {
    let Some(catalog) = schema::catalog() else { return };
    for kind in ["Application", "AppProject"] {
        assert!(!catalog.sources("argoproj.io/v1alpha1", kind).is_empty(), "no {kind} CRD in ../shared/crds");
    }
    let files = plan();
    let mut checked = 0;
    for (file, text) in files.iter().filter(|(f, _)| f.starts_with("argocd/")) {
        let object: Value = serde_yaml_ng::from_str(text).unwrap();
        let report = catalog.validate(&object);
        assert!(report.violations.is_empty(), "{file}: {:#?}", report.violations);
        checked += 1;
        // The negative control: the same object with a field the schema does not know is refused.
        let mut broken = object.clone();
        broken["spec"]["destinationz"] = Value::Bool(true);
        assert!(!catalog.validate(&broken).violations.is_empty(), "{file}: the schema check accepts anything");
    }
    assert_eq!(checked, 4);
}

#[test]
fn no_plan_step_deletes_an_application_with_its_resources_finalizer() {
    let files = plan();
    let mut deletes = 0;
    for (file, text) in &files {
        let lines: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
        for (i, line) in lines.iter().enumerate() {
            let Some((prefix, rest)) = line.split_once(" delete application.argoproj.io/") else { continue };
            deletes += 1;
            let app = rest.split_whitespace().next().unwrap();
            assert!(rest.contains("--cascade=orphan"), "{file}: {line}");
            let patch = format!("{prefix} patch application.argoproj.io/{app} --type=merge -p '{{\"metadata\":{{\"finalizers\":null}}}}'");
            assert!(lines[..i].contains(&patch.as_str()), "{file}: `{line}` is not preceded by `{patch}`");
        }
        assert!(!text.contains("delete app ") && !text.contains("delete applications"), "{file}");
    }
    assert_eq!(deletes, 3, "one orphaning delete per moved Application");
}

#[test]
fn retirement_comes_after_verification() {
    let files = plan();
    let names: Vec<&String> = files.keys().collect();
    let retire_words = ["delete serviceaccount", "delete secret", "delete clusterrole", "delete role"];
    for spoke in ["spoke-a", "edge-1", "team-b", "prod-eu", "gke-prod"] {
        let (move_file, move_text) =
            files.iter().find(|(f, _)| f.starts_with("10-spoke-") && f.ends_with(&format!("-{spoke}.sh"))).unwrap();
        let (retire_file, retire_text) =
            files.iter().find(|(f, _)| f.starts_with("50-retire-") && f.ends_with(&format!("-{spoke}.sh"))).unwrap();
        let position = |f: &String| names.iter().position(|n| *n == f).unwrap();
        assert!(position(move_file) < position(retire_file), "{retire_file} sorts before {move_file}");
        // The move verifies (a sync, or says to check one) and retires nothing itself.
        assert!(move_text.contains("# 5. Verify"), "{move_file}");
        let verify_at = move_text.find("# 5. Verify").unwrap();
        assert!(
            move_text[verify_at..].contains("--for=jsonpath='{.status.sync.status}'=Synced")
                || move_text[verify_at..].contains("before running the retire step")
        );
        for word in retire_words {
            assert!(!move_text.contains(word), "{move_file} retires something: {word}");
        }
        assert!(retire_text.contains("delete secret"), "{retire_file} leaves the old cluster Secret");
    }
    let team_b = files.iter().find(|(f, _)| f.starts_with("50-retire-") && f.ends_with("-team-b.sh")).unwrap().1;
    for ns in ["team-b", "team-b-dev"] {
        assert!(team_b.contains(&format!("-n {ns} delete rolebinding argocd-manager-role-binding")), "{team_b}");
    }
    assert!(!team_b.contains("delete clusterrolebinding"), "a namespaced cluster has no ClusterRoleBinding of ours");
}

const BASE: &str = "apiVersion: fn.ztwim-gitops.dev/v1alpha1\nkind: ZtwimGitOps\nmetadata:\n  name: fleet\nspec:\n  appDomain: apps.mgmt.example.com\n  acknowledge: [unverifiedDownload, issuerSystemTrust, apiServerSystemRoots]\n";
const SPOKE_A: &str = "  - name: a\n    server: https://api.a.example.com:6443\n";

/// `diff OLD NEW --output json`: the report and the exit code.
fn diff(old: &str, new: &str) -> (Value, i32) {
    let dir = TempDir::new("adopt-diff");
    let (o, n) = (dir.path().join("old.yaml"), dir.path().join("new.yaml"));
    std::fs::write(&o, old).unwrap();
    std::fs::write(&n, new).unwrap();
    let (stdout, stderr, code) = run_bin(&["diff", o.to_str().unwrap(), n.to_str().unwrap(), "--output", "json"], b"");
    assert!(code == 0 || code == 1, "exit {code}: {stderr}");
    (serde_json::from_str(&stdout).unwrap(), code)
}

/// The classes of the object `kind`/`name` in `cluster`, and how it changed.
fn classes(report: &Value, cluster: &str, kind: &str, name: &str) -> (String, Vec<String>) {
    let c = report["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["cluster"] == cluster)
        .unwrap_or_else(|| panic!("no {cluster}: {report:#}"));
    let o = c["objects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["kind"] == kind && o["name"] == name)
        .unwrap_or_else(|| panic!("no {kind} {name} in {cluster}: {report:#}"));
    (
        o["change"].as_str().unwrap().into(),
        o["classes"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_string()).collect(),
    )
}

#[test]
fn diff_of_a_config_with_itself_is_no_change() {
    let config = format!("{BASE}  spokes:\n{SPOKE_A}");
    let (report, code) = diff(&config, &config);
    assert_eq!(code, 0);
    assert_eq!(report, serde_json::json!({"clusters": []}));
    let dir = TempDir::new("adopt-diff-same");
    let path = dir.path().join("c.yaml");
    std::fs::write(&path, &config).unwrap();
    let p = path.to_str().unwrap();
    assert_eq!(run_bin(&["diff", p, p], b""), ("no change\n".into(), String::new(), 0));
}

#[test]
fn diff_says_what_argo_cd_syncs_on_the_hub_and_what_is_applied_by_hand() {
    let old = format!("{BASE}  spokes:\n{SPOKE_A}");
    let new = format!("{BASE}  management:\n    gitops:\n      rbac:\n        defaultPolicy: role:readonly\n  spokes:\n{SPOKE_A}    clusterRole: admin\n");
    let (report, code) = diff(&old, &new);
    assert_eq!(code, 1);
    let (change, hub) = classes(&report, "management", "ArgoCD", "openshift-gitops");
    assert_eq!((change.as_str(), hub), ("changed", vec!["hub-sync".to_string()]));
    let (_, spoke) = classes(&report, "spoke/a", "ClusterRoleBinding", "ztwim-gitops-admins");
    assert!(spoke.contains(&"manual-apply".to_string()) && !spoke.contains(&"hub-sync".to_string()), "{spoke:?}");
}

#[test]
fn diff_marks_every_kind_of_authentication_as_a_rollout_and_new_openshift_logins_as_lost() {
    let new = std::fs::read_to_string(Path::new(ROOT).join("examples/mixed-fleet/ztwim-gitops.yaml")).unwrap();
    let old = new.split("  spokes:").next().unwrap().to_string();
    let (report, code) = diff(&old, &new);
    assert_eq!(code, 1);
    for (cluster, kind, name, lockout) in [
        ("spoke/classic", "Authentication", "cluster", true),
        ("control-plane/hosted", "HostedCluster", "hosted", true),
        ("spoke/kind", "ConfigMap", "authentication-config", false),
        ("control-plane/eks", "IdentityProviderConfig", "eks", false),
    ] {
        let (change, c) = classes(&report, cluster, kind, name);
        assert_eq!(change, "added");
        assert!(c.contains(&"apiserver-rollout".to_string()), "{cluster}: {c:?}");
        assert!(c.contains(&"manual-apply".to_string()), "{cluster}: {c:?}");
        assert_eq!(c.contains(&"removes-oauth-login".to_string()), lockout, "{cluster}: {c:?}");
        assert!(c.contains(&"changes-trust".to_string()), "{cluster}: {c:?}");
    }
}

#[test]
fn diff_marks_tech_preview_as_irreversible() {
    let old = format!("{BASE}  spokes:\n{SPOKE_A}");
    let new = format!("{BASE}  spokes:\n{SPOKE_A}    openshiftVersion: \"4.19\"\n");
    let (report, _) = diff(&old, &new);
    let (change, c) = classes(&report, "spoke/a", "FeatureGate", "cluster");
    assert_eq!(change, "added");
    assert!(c.contains(&"irreversible".to_string()), "{c:?}");
    // An existing spoke moving versions loses no login it still had: not a new external OIDC spoke.
    assert!(!report.to_string().contains("removes-oauth-login"), "{report:#}");
    let (back, _) = diff(&new, &old);
    assert!(!back.to_string().contains("irreversible"), "removing the FeatureGate object is not the irreversible step");
}

#[test]
fn diff_reports_trust_changes_from_the_model() {
    let old = format!("{BASE}  spokes:\n{SPOKE_A}");
    let new =
        format!("{BASE}  audience: argocd\n  identity: shared\n  spokes:\n{SPOKE_A}    usernamePrefix: \"spiffe:\"\n");
    let (report, _) = diff(&old, &new);
    let spoke = report["clusters"].as_array().unwrap().iter().find(|c| c["cluster"] == "spoke/a").unwrap();
    let facts: Vec<&str> = spoke["trust"].as_array().unwrap().iter().map(|t| t["fact"].as_str().unwrap()).collect();
    for fact in ["audience", "rbacSubjects", "requiredClaims", "spiffeIds"] {
        assert!(facts.contains(&fact), "{fact} missing: {spoke:#}");
    }
    let audience = spoke["trust"].as_array().unwrap().iter().find(|t| t["fact"] == "audience").unwrap();
    assert_eq!((audience["old"].as_str(), audience["new"].as_str()), (Some("a"), Some("argocd")));
    let (_, c) = classes(&report, "management", "Secret", "a");
    assert!(c.contains(&"changes-trust".to_string()), "the cluster Secret carries the audience: {c:?}");
    let (_, c) = classes(&report, "spoke/a", "Authentication", "cluster");
    assert!(c.contains(&"changes-trust".to_string()) && c.contains(&"apiserver-rollout".to_string()), "{c:?}");
}

#[test]
fn diff_prints_markdown_for_a_pull_request_and_exits_2_on_a_broken_config() {
    let dir = TempDir::new("adopt-diff-md");
    let (o, n, bad) = (dir.path().join("old.yaml"), dir.path().join("new.yaml"), dir.path().join("bad.yaml"));
    std::fs::write(&o, format!("{BASE}  spokes:\n{SPOKE_A}")).unwrap();
    std::fs::write(&n, format!("{BASE}  spokes:\n{SPOKE_A}    openshiftVersion: \"4.19\"\n")).unwrap();
    std::fs::write(
        &bad,
        "apiVersion: fn.ztwim-gitops.dev/v1alpha1\nkind: ZtwimGitOps\nmetadata: {name: x}\nspec: {}\n",
    )
    .unwrap();
    let (md, _, code) = run_bin(&["diff", o.to_str().unwrap(), n.to_str().unwrap(), "--output", "markdown"], b"");
    assert_eq!(code, 1);
    assert!(md.starts_with("### ztwim-gitops diff\n\n- **Irreversible**"), "{md}");
    assert!(md.contains("| added | FeatureGate `cluster` | `spokes/a/01-featuregate-cluster.yaml` | applied by hand on the spoke, irreversible |"), "{md}");
    let (stdout, stderr, code) = run_bin(&["diff", o.to_str().unwrap(), bad.to_str().unwrap()], b"");
    assert_eq!(code, 2);
    assert!(stdout.is_empty() && stderr.contains("appDomain"), "{stderr}");
}

#[test]
fn the_plan_goes_only_into_a_new_or_empty_directory() {
    let dir = TempDir::new("adopt-plan-busy");
    std::fs::write(dir.path().join("10-spoke-001-old.sh"), "echo an earlier plan\n").unwrap();
    let (stdout, stderr, code) = import(&["--plan", dir.path().to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty() && stderr.contains("is not empty"), "{stderr}");
}

#[test]
fn hostile_names_stay_on_their_line_in_results_and_out_of_commands() {
    let dump = "apiVersion: v1\nkind: List\nitems:\n\
- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: \"x\\nerror: forged\"\n    namespace: argocd\n    labels: {argocd.argoproj.io/secret-type: cluster}\n  stringData: {name: a, server: \"https://a.example.com\\nerror: forged too\"}\n\
- apiVersion: v1\n  kind: Secret\n  metadata: {name: b, namespace: argocd, labels: {argocd.argoproj.io/secret-type: cluster}}\n  stringData: {name: b, server: \"https://b.example.com\"}\n\
- apiVersion: argoproj.io/v1alpha1\n  kind: AppProject\n  metadata: {name: p, namespace: argocd}\n  spec: {}\n\
- apiVersion: argoproj.io/v1alpha1\n  kind: Application\n  metadata: {name: \"evil\\nrm -rf /\", namespace: argocd}\n  spec: {project: p, destination: {name: b}}\n";
    let dir = TempDir::new("adopt-hostile");
    let plan = dir.path().join("plan");
    let (config, stderr, code) = run_bin(
        &[
            "import",
            "-",
            "--app-domain",
            "apps.example.com",
            "--spoke-type",
            "kubernetes",
            "--plan",
            plan.to_str().unwrap(),
        ],
        dump.as_bytes(),
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(config.contains("name: b") && !config.contains("a.example.com"), "{config}");
    for line in stderr.lines() {
        assert!(!line.starts_with("error:"), "a forged line: {line}\n{stderr}");
    }
    for (file, text) in tree(&plan) {
        assert!(!text.lines().any(|l| l.trim_start().starts_with("rm ")), "{file} runs input text:\n{text}");
    }
}
