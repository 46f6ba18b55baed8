//! Day-1 safety of what `generate` writes: apply order by file name, self-cleaning output directories,
//! the FeatureGate alone, and the notes a config can acknowledge.

use crate::support as common;

use common::*;
use serde_yaml_ng::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

fn generate(args: &[&str]) -> std::process::Output {
    run(Command::new(BIN).arg("generate").args(args).current_dir(ROOT), false)
}

/// Kinds whose CRDs OLM installs: they must come after both Subscriptions in the management directory.
const FROM_OLM: &[&str] = &[
    "ZeroTrustWorkloadIdentityManager",
    "SpireServer",
    "SpireAgent",
    "SpiffeCSIDriver",
    "SpireOIDCDiscoveryProvider",
    "ClusterSPIFFEID",
    "ArgoCD",
    "Application",
];
/// The objects that switch a spoke's authentication: last in their directory.
const SWITCHES: &[&str] = &["Authentication", "HostedCluster", "IdentityProviderConfig"];

/// Applies every cluster directory of `-o` output in file-name order, as `oc apply -f DIR` does, and
/// checks that nothing refers to what comes later.
#[test]
fn applying_each_directory_in_file_name_order_is_safe() {
    for config in ["fn-config/fleet.yaml", "examples/mixed-fleet/ztwim-gitops.yaml"] {
        let out = TempDir::new("apply-order");
        let o = generate(&["-c", config, "-o", out.path().to_str().unwrap()]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let mut dirs: BTreeMap<String, Vec<(String, Value)>> = BTreeMap::new();
        for (file, text) in tree(out.path()).into_iter().filter(|(f, _)| !f.starts_with(".ztwim-gitops/")) {
            let (dir, name) = file.rsplit_once('/').unwrap();
            for doc in documents(&text) {
                dirs.entry(dir.to_string()).or_default().push((name.to_string(), doc));
            }
        }
        for (dir, objects) in &dirs {
            // tree() is sorted by path: this is the order `oc apply -f DIR` applies.
            let mut applied: Vec<(String, String, String)> = Vec::new(); // kind, namespace, name
            let mut subscriptions = 0;
            let mut switches_seen = false;
            for (file, o) in objects {
                let kind = o["kind"].as_str().unwrap_or_default().to_string();
                let ns = o["metadata"]["namespace"].as_str().unwrap_or_default().to_string();
                let name = o["metadata"]["name"].as_str().unwrap_or_default().to_string();
                assert!(!switches_seen, "{config}: {dir}/{file} comes after the authentication switch");
                let created_here =
                    objects.iter().any(|(_, x)| x["kind"] == "Namespace" && x["metadata"]["name"] == ns.as_str());
                if !ns.is_empty() && created_here {
                    assert!(
                        applied.iter().any(|(k, _, n)| k == "Namespace" && *n == ns),
                        "{config}: {dir}/{file} is applied before its Namespace {ns}"
                    );
                }
                if FROM_OLM.contains(&kind.as_str()) && dir.ends_with("management") {
                    assert_eq!(
                        subscriptions, 2,
                        "{config}: {dir}/{file} ({kind}) comes before the operators' Subscriptions"
                    );
                }
                if kind == "Authentication" {
                    let ca = o["spec"]["oidcProviders"][0]["issuer"]["issuerCertificateAuthority"]["name"]
                        .as_str()
                        .unwrap_or_default();
                    if !ca.is_empty() {
                        assert!(
                            applied.iter().any(|(k, n, x)| k == "ConfigMap" && n == "openshift-config" && x == ca),
                            "{config}: {dir}/{file} names the ConfigMap {ca} before it is applied"
                        );
                    }
                }
                subscriptions += usize::from(kind == "Subscription");
                switches_seen |= SWITCHES.contains(&kind.as_str());
                applied.push((kind, ns, name));
            }
        }
        assert!(dirs.keys().any(|d| d.starts_with("spokes/")), "{config}: spokes are written");
    }
}

#[test]
fn output_directories_clean_up_after_themselves_and_never_touch_other_files() {
    let out = TempDir::new("stale");
    let dir = out.path().to_str().unwrap().to_string();
    let fleet = std::fs::read_to_string(Path::new(ROOT).join("fn-config/fleet.yaml")).unwrap();
    let config = out.path().join("../stale-fleet.yaml");
    std::fs::write(&config, &fleet).unwrap();
    let first = generate(&["-c", config.to_str().unwrap(), "-o", &dir]);
    assert!(first.status.success());
    let listed: Vec<String> = String::from_utf8(first.stdout).unwrap().lines().map(String::from).collect();
    assert!(listed.iter().any(|f| f.ends_with("spokes/spoke-b/03-authentication-cluster.yaml")), "{listed:?}");
    // A file of the user's, and one another config wrote, in the same directories.
    std::fs::write(out.path().join("spokes/spoke-b/notes.yaml"), "# mine\n").unwrap();
    let theirs = out.path().join("management/00-namespace-theirs.yaml");
    std::fs::write(
        &theirs,
        "# Generated by ztwim-gitops from the config `other`; a later run replaces or removes this file.\n",
    )
    .unwrap();
    std::fs::create_dir_all(out.path().join("spokes/spoke-c-old")).unwrap();

    // spoke-b and spoke-c leave the config.
    let mut value: Value = serde_yaml_ng::from_str(&fleet).unwrap();
    let spokes = value["spec"]["spokes"].as_sequence_mut().unwrap();
    spokes.truncate(1);
    value["spec"].as_mapping_mut().unwrap().remove("applications");
    std::fs::write(&config, serde_yaml_ng::to_string(&value).unwrap()).unwrap();
    let second = generate(&["-c", config.to_str().unwrap(), "-o", &dir]);
    assert!(second.status.success(), "{}", String::from_utf8_lossy(&second.stderr));
    let stderr = String::from_utf8(second.stderr).unwrap();
    assert!(
        stderr.contains("removed: ") && stderr.contains("spokes/spoke-b/03-authentication-cluster.yaml"),
        "{stderr}"
    );
    let files = tree(out.path());
    assert!(files.contains_key("spokes/spoke-b/notes.yaml"), "the user's file stays, and so does its directory");
    assert!(!files.keys().any(|f| f.starts_with("spokes/spoke-b/") && f != "spokes/spoke-b/notes.yaml"));
    assert!(!out.path().join("spokes/spoke-c").exists(), "a directory the run emptied is removed");
    assert!(out.path().join("spokes/spoke-c-old").exists(), "a directory it did not empty stays");
    assert!(theirs.exists(), "another config's file stays");
    assert!(!files.keys().any(|f| f.contains("secret-spoke-b")), "the management side is cleaned too");
    for (file, text) in &files {
        let ours = !file.starts_with(".ztwim-gitops/") && !file.contains("theirs");
        if file.ends_with(".yaml") && file != "spokes/spoke-b/notes.yaml" && ours {
            assert!(text.starts_with("# Generated by ztwim-gitops from the config `fleet`;"), "{file}");
        }
    }
    let _ = std::fs::remove_file(config);
}

#[test]
fn a_4_19_spokes_feature_gate_is_emitted_alone() {
    let o = generate(&["-c", "fn-config/fleet.yaml", "--target", "spoke/spoke-c/featuregate"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let docs = documents(&String::from_utf8(o.stdout).unwrap());
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0]["kind"], "FeatureGate");
    assert_eq!(docs[0]["spec"]["featureSet"], "TechPreviewNoUpgrade");
    let o = generate(&["-c", "fn-config/fleet.yaml", "--target", "spoke/spoke-a/featuregate"]);
    assert_eq!(o.status.code(), Some(1), "spoke-a is 4.20: it needs no FeatureGate");
}

#[test]
fn acknowledged_notes_are_not_repeated_and_the_configmap_form_is_not_told_what_it_cannot_change() {
    let stderr = |args: &[&str]| String::from_utf8(generate(args).stderr).unwrap();
    let minimal = stderr(&["-v", "-c", "fn-config/minimal.yaml", "--target", "all"]);
    for topic in
        ["removes the spoke's built-in OAuth server", "caData is empty", "issuerCA is empty", "DISABLE_DEFAULT"]
    {
        assert!(minimal.contains(topic), "{topic} in:\n{minimal}");
    }
    // The default method (builtin) downloads nothing, so nothing goes unverified.
    assert!(!minimal.contains("sha256") && !minimal.contains("unverifiedDownload"), "{minimal}");
    let out = TempDir::new("ack");
    let mut value: Value =
        serde_yaml_ng::from_str(&std::fs::read_to_string(Path::new(ROOT).join("fn-config/minimal.yaml")).unwrap())
            .unwrap();
    value["spec"]["management"] = serde_yaml_ng::from_str("{execAuth: {method: archive}}").unwrap();
    let archive = out.path().join("archive.yaml");
    std::fs::write(&archive, serde_yaml_ng::to_string(&value).unwrap()).unwrap();
    let archive = stderr(&["-v", "-c", archive.to_str().unwrap(), "--target", "all"]);
    assert!(archive.contains("sha256 is empty"), "method archive downloads unverified:\n{archive}");
    value["spec"]["acknowledge"] = serde_yaml_ng::from_str(
        "[lockout, apiServerSystemRoots, issuerSystemTrust, unverifiedDownload, removeDefaultInstance]",
    )
    .unwrap();
    let acked = out.path().join("acked.yaml");
    std::fs::write(&acked, serde_yaml_ng::to_string(&value).unwrap()).unwrap();
    let quiet = stderr(&["-v", "-c", acked.to_str().unwrap(), "--target", "all"]);
    for topic in ["OAuth server", "caData is empty", "issuerCA is empty", "sha256 is empty", "DISABLE_DEFAULT"] {
        assert!(!quiet.contains(topic), "{topic} was acknowledged:\n{quiet}");
    }
    // The ConfigMap form lists them comma-separated; both irreversible ones are warnings until then.
    let dir = TempDir::new("ack-configmap");
    let configmap = std::fs::read_to_string(Path::new(ROOT).join("fn-config/configmap.yaml")).unwrap();
    let before = stderr(&["-c", "fn-config/configmap.yaml", "--target", "all"]);
    assert!(
        before.contains("warning: ") && before.contains("OAuth server") && before.contains("DISABLE_DEFAULT"),
        "{before}"
    );
    let acked = dir.path().join("acked.yaml");
    std::fs::write(&acked, format!("{configmap}  acknowledge: lockout, removeDefaultInstance\n")).unwrap();
    let after = stderr(&["-c", acked.to_str().unwrap(), "--target", "all"]);
    assert!(!after.contains("OAuth server") && !after.contains("DISABLE_DEFAULT"), "{after}");
    let configmap = stderr(&["-v", "-c", "fn-config/configmap.yaml", "--target", "all"]);
    assert!(!configmap.contains("sha256"), "the ConfigMap form cannot set sha256:\n{configmap}");
}

#[test]
fn the_download_goes_through_the_configured_proxy() {
    let out = TempDir::new("proxy");
    let mut value: Value =
        serde_yaml_ng::from_str(&std::fs::read_to_string(Path::new(ROOT).join("fn-config/minimal.yaml")).unwrap())
            .unwrap();
    value["spec"]["management"] = serde_yaml_ng::from_str(
        "{execAuth: {method: archive}, proxy: {httpProxy: 'http://proxy.example.com:3128', httpsProxy: 'http://proxy.example.com:3128', noProxy: '.svc,.cluster.local'}}",
    )
    .unwrap();
    let config = out.path().join("proxy.yaml");
    std::fs::write(&config, serde_yaml_ng::to_string(&value).unwrap()).unwrap();
    let o = generate(&["-c", config.to_str().unwrap(), "--target", "management"]);
    assert!(o.status.success());
    let argocd = documents(&String::from_utf8(o.stdout).unwrap()).into_iter().find(|d| d["kind"] == "ArgoCD").unwrap();
    for component in ["controller", "server"] {
        let env = &argocd["spec"][component]["initContainers"][0]["env"];
        let get = |n: &str| env.as_sequence().unwrap().iter().find(|e| e["name"] == n).map(|e| e["value"].clone());
        for name in ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy"] {
            assert_eq!(get(name), Some("http://proxy.example.com:3128".into()), "{component}: {name}");
        }
        for name in ["NO_PROXY", "no_proxy"] {
            assert_eq!(get(name), Some(".svc,.cluster.local".into()), "{component}: {name}");
        }
    }
}

/// The shared identity selects our own label, so the longest instance name the config accepts still gets
/// exactly its controller and server pods (the operator abbreviates its own names for long ones).
#[test]
fn the_shared_identity_selects_our_label_even_for_a_32_character_instance_name() {
    let out = TempDir::new("long-name");
    let name = "a".repeat(32);
    let mut value: Value =
        serde_yaml_ng::from_str(&std::fs::read_to_string(Path::new(ROOT).join("fn-config/minimal.yaml")).unwrap())
            .unwrap();
    value["spec"]["identity"] = "shared".into();
    value["spec"]["management"] = serde_yaml_ng::from_str(&format!("{{gitops: {{name: {name}}}}}")).unwrap();
    let config = out.path().join("long.yaml");
    std::fs::write(&config, serde_yaml_ng::to_string(&value).unwrap()).unwrap();
    let o = generate(&["-c", config.to_str().unwrap(), "--target", "management"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let docs = documents(&String::from_utf8(o.stdout).unwrap());
    let argocd = docs.iter().find(|d| d["kind"] == "ArgoCD").unwrap();
    let registration = docs.iter().find(|d| d["kind"] == "ClusterSPIFFEID").unwrap();
    let selected = &registration["spec"]["podSelector"]["matchLabels"];
    assert_eq!(selected["ztwim-gitops.dev/argocd-instance"].as_str(), Some(name.as_str()));
    for component in ["controller", "server"] {
        assert_eq!(&argocd["spec"][component]["labels"], selected, "{component}");
    }
}

/// The README's "Zero to first spoke" path, every shell block of it run in order as written, with `oc` and
/// `curl` replaced by recorders that also note the `KUBECONFIG` each call ran with: the `ztwim-gitops`
/// lines really run (`generate -o`, then `doctor`, which must pass), the hub's commands come first and in
/// the documented order, the spoke's run only with the spoke's own kubeconfig, and every applied directory
/// is one `generate` wrote, the spoke's with its Authentication last.
#[test]
fn the_zero_to_first_spoke_path_runs_as_written() {
    let readme = std::fs::read_to_string(Path::new(ROOT).join("README.md")).unwrap();
    let section = readme.split("\n## Zero to first spoke\n").nth(1).expect("README has a zero-to-first-spoke section");
    let section = section.split("\n## ").next().unwrap();
    let blocks: Vec<&str> =
        section.split("```sh\n").skip(1).map(|b| b.split("```").next().expect("a closed shell block")).collect();
    assert!(blocks.len() >= 4, "generate, hub, spoke and verify blocks: {blocks:#?}");
    let script = blocks.concat();
    let work = TempDir::new("zero-to-first-spoke");
    std::fs::copy(Path::new(ROOT).join("fn-config/fleet.yaml"), work.path().join("fleet.yaml")).unwrap();
    let bin = bin_dir();
    let log = work.path().join("calls.log");
    for tool in ["oc", "curl"] {
        let stub = format!("#!/bin/sh\nprintf '%s' \"${{KUBECONFIG:+KUBECONFIG=${{KUBECONFIG##*/}} }}{tool}\" >> \"$RECORD\"\nfor a in \"$@\"; do printf ' %s' \"$a\" >> \"$RECORD\"; done\necho >> \"$RECORD\"\n[ \"$1\" = get ] && echo https://issuer.example.com\nexit 0\n");
        let path = bin.path().join(tool);
        std::fs::write(&path, stub).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let out = run(
        Command::new("sh")
            .args(["-eu", "-c", &script])
            .current_dir(work.path())
            .env("PATH", path_with(bin.path()))
            .env_remove("KUBECONFIG")
            .env("RECORD", &log),
        true,
    );
    let calls: Vec<String> = std::fs::read_to_string(&log).unwrap().lines().map(String::from).collect();
    let verbs: Vec<String> = calls.iter().map(|c| c.split(' ').take(3).collect::<Vec<_>>().join(" ")).collect();
    let expected = [
        "oc apply -f",
        "oc wait --for=condition=Established",
        "oc wait -n",
        "oc wait -n",
        "oc apply -f",
        "oc get spireserver",
        "curl -fsS https://issuer.example.com/.well-known/openid-configuration",
        "KUBECONFIG=spoke-a-admin.kubeconfig oc whoami",
        "KUBECONFIG=spoke-a-admin.kubeconfig oc apply",
        "KUBECONFIG=spoke-a-admin.kubeconfig oc get",
    ];
    assert_eq!(verbs, expected, "{calls:#?}");
    assert!(calls[0].ends_with("-f out/management/") && calls[4] == calls[0], "{calls:#?}");
    let spoke_apply = calls[8].rsplit(' ').next().unwrap();
    assert_eq!(spoke_apply, "out/spokes/spoke-a/", "{calls:#?}");
    // What the spoke's apply reads, in `oc apply -f DIR`'s (file name) order: the Authentication last.
    let mut files: Vec<_> =
        std::fs::read_dir(work.path().join(spoke_apply)).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let last = std::fs::read_to_string(files.last().expect("the spoke's files")).unwrap();
    assert!(last.contains("\nkind: Authentication\n"), "{files:?}");
    assert!(work.path().join("out/management").is_dir(), "the applied directory is what generate wrote");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("summary: ") && stdout.contains(" 0 fail"), "doctor ran and passed:\n{stdout}");
}

/// `management.bootstrap` keeps each directory `generate -o` writes in sync: the management one to the
/// in-cluster destination, each spoke's to that spoke, never pruning.
#[test]
fn bootstrap_applications_sync_exactly_the_written_directories() {
    let out = TempDir::new("bootstrap");
    let mut value: Value = serde_yaml_ng::from_str(
        &std::fs::read_to_string(Path::new(ROOT).join("examples/mixed-fleet/ztwim-gitops.yaml")).unwrap(),
    )
    .unwrap();
    value["spec"]["management"]["bootstrap"] =
        serde_yaml_ng::from_str("{repoURL: 'https://git.example.com/fleet.git', path: clusters/prod/}").unwrap();
    let config = out.path().join("fleet.yaml");
    std::fs::write(&config, serde_yaml_ng::to_string(&value).unwrap()).unwrap();
    let o = generate(&["-c", config.to_str().unwrap(), "--target", "management"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let apps: Vec<Value> =
        documents(&String::from_utf8(o.stdout).unwrap()).into_iter().filter(|d| d["kind"] == "Application").collect();
    let written = out.path().join("written");
    assert!(generate(&["-c", config.to_str().unwrap(), "-o", written.to_str().unwrap()]).status.success());
    let mut paths = Vec::new();
    for app in &apps {
        let source = &app["spec"]["source"];
        let path = source["path"].as_str().unwrap();
        let rel = path.strip_prefix("clusters/prod/").expect("under the configured path");
        assert!(written.join(rel).is_dir(), "{path} is a directory generate -o writes");
        assert_eq!(app["spec"]["syncPolicy"]["automated"]["prune"], Value::Bool(false), "{path}: never prunes");
        let destination = &app["spec"]["destination"];
        match rel.strip_prefix("spokes/") {
            Some(spoke) => assert_eq!(destination["name"].as_str(), Some(spoke)),
            None => assert_eq!(destination["server"].as_str(), Some("https://kubernetes.default.svc")),
        }
        if rel == "spokes/kind" {
            assert_eq!(
                source["directory"]["exclude"], "authentication-config.yaml",
                "the kube-apiserver file is not applied"
            );
        }
        paths.push(rel.to_string());
    }
    assert_eq!(paths, ["management", "spokes/classic", "spokes/hosted", "spokes/kind", "spokes/eks"]);
}

/// `execAuth.pluginImage`: the plugin copied out of its shell-less image by our static binary, with
/// `-timeout` for the cluster Secrets; checked end to end by doctor, and the copy step really copies.
#[test]
fn a_plugin_image_is_installed_without_a_shell_and_gets_a_timeout() {
    let out = TempDir::new("plugin-image");
    let image = format!("ghcr.io/spiffe/k8s-spiffe-workload-jwt-exec-auth@sha256:{}", "a".repeat(64));
    let mut value: Value =
        serde_yaml_ng::from_str(&std::fs::read_to_string(Path::new(ROOT).join("fn-config/fleet.yaml")).unwrap())
            .unwrap();
    value["spec"]["management"]["execAuth"] = serde_yaml_ng::from_str(&format!("{{pluginImage: '{image}'}}")).unwrap();
    let config = out.path().join("image.yaml");
    std::fs::write(&config, serde_yaml_ng::to_string(&value).unwrap()).unwrap();
    let o = generate(&["-c", config.to_str().unwrap(), "--target", "all"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!String::from_utf8_lossy(&o.stderr).contains("sha256 is empty"), "no archive, no archive checksum");
    let stream = String::from_utf8(o.stdout).unwrap();
    let docs = documents(&stream);
    let argocd = docs.iter().find(|d| d["kind"] == "ArgoCD").unwrap();
    for component in ["controller", "server"] {
        let init = argocd["spec"][component]["initContainers"].as_sequence().unwrap();
        assert_eq!(init.len(), 2, "{component}: the copier, then the copy");
        assert_eq!(init[0]["command"][1], "install-to");
        assert_eq!(init[1]["image"].as_str(), Some(image.as_str()));
        let command: Vec<&str> = init[1]["command"].as_sequence().unwrap().iter().filter_map(Value::as_str).collect();
        assert_eq!(
            command,
            ["/scratch/ztwim-gitops", "copy-file", "/ko-app/cmd", "/binaries/k8s-spiffe-workload-jwt-exec-auth"]
        );
        assert!(!serde_yaml_ng::to_string(init).unwrap().contains("/bin/sh"), "{component}: no shell");
    }
    for secret in docs.iter().filter(|d| d["kind"] == "Secret") {
        let config: serde_json::Value = serde_json::from_str(secret["stringData"]["config"].as_str().unwrap()).unwrap();
        assert_eq!(config["execProviderConfig"]["args"], serde_json::json!(["-timeout=10s"]));
    }
    let doctor = run(
        Command::new(BIN)
            .args(["doctor", "-"])
            .stdin(std::fs::File::open(write(&out, "stream.yaml", &stream)).unwrap()),
        false,
    );
    assert!(doctor.status.success(), "{}", String::from_utf8_lossy(&doctor.stdout));
    // The copy step the second init container runs.
    let src = write(&out, "cmd", "#!/bin/true\n");
    let dst = out.path().join("bin-plugin");
    let copied = run(Command::new(BIN).args(["copy-file", src.to_str().unwrap(), dst.to_str().unwrap()]), true);
    assert!(copied.status.success());
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&dst).unwrap().permissions().mode() & 0o777, 0o755);
    assert_eq!(std::fs::read_to_string(&dst).unwrap(), "#!/bin/true\n");
    // Not pinned by digest: a warning that says how to pin it.
    value["spec"]["management"]["execAuth"]["pluginImage"] =
        "ghcr.io/spiffe/k8s-spiffe-workload-jwt-exec-auth:0.0.7".into();
    std::fs::write(&config, serde_yaml_ng::to_string(&value).unwrap()).unwrap();
    let o = generate(&["-c", config.to_str().unwrap(), "--target", "management"]);
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("is not pinned by digest"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn write(dir: &TempDir, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn stderr_of(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The README's recipe into one directory — the whole fleet, then `--target management`, then one spoke,
/// its FeatureGate alone, a control plane — removes nothing of another target: every run leaves the tree
/// byte for byte as the first wrote it (issue 19: the management run used to remove every spoke's files).
#[test]
fn each_target_run_into_one_directory_owns_only_its_targets_files() {
    let cases: [(&str, &[&str]); 2] = [
        ("fn-config/fleet.yaml", &["management", "spoke/spoke-a", "spoke/spoke-c/featuregate", "spoke/spoke-c"]),
        (
            "examples/mixed-fleet/ztwim-gitops.yaml",
            &["management", "spoke/kind", "control-plane/hosted", "spoke/hosted", "control-plane/eks"],
        ),
    ];
    for (config, targets) in cases {
        let out = TempDir::new("recipe");
        let dir = out.path().to_str().unwrap();
        let first = generate(&["-c", config, "-o", dir]);
        assert!(first.status.success(), "{}", stderr_of(&first));
        // The objects' files; the record of what produced them is checked on its own below.
        let objects = || -> BTreeMap<String, String> {
            tree(out.path()).into_iter().filter(|(f, _)| !f.starts_with(".ztwim-gitops/")).collect()
        };
        let whole = objects();
        for target in targets {
            let o = generate(&["-c", config, "--target", target, "-o", dir]);
            assert!(o.status.success(), "{config} {target}: {}", stderr_of(&o));
            assert!(!stderr_of(&o).contains("removed:"), "{config} {target}: {}", stderr_of(&o));
            let now = objects();
            let changed: Vec<&String> =
                whole.keys().chain(now.keys()).filter(|f| whole.get(*f) != now.get(*f)).collect();
            assert!(changed.is_empty(), "{config} --target {target} changed {changed:?}");
        }
    }
}

/// An empty output directory, and a copy of fn-config/fleet.yaml (its path and text) in another one that
/// the test may edit.
fn fleet_copy(label: &str) -> (TempDir, TempDir, String, String) {
    let beside = TempDir::new(&format!("{label}-config"));
    let fleet = std::fs::read_to_string(Path::new(ROOT).join("fn-config/fleet.yaml")).unwrap();
    let config = beside.path().join("fleet.yaml");
    std::fs::write(&config, &fleet).unwrap();
    (TempDir::new(label), beside, config.to_str().unwrap().to_string(), fleet)
}

/// A run still cleans up below its own target, and a spoke that left the config loses its directory on a
/// run that covers it (`--target all`), never on another target's run.
#[test]
fn a_dropped_spoke_is_removed_only_by_a_run_that_covers_it() {
    let (out, _beside, config, fleet) = fleet_copy("dropped");
    let (dir, config) = (out.path().to_str().unwrap().to_string(), config.as_str());
    assert!(generate(&["-c", config, "-o", &dir]).status.success());
    let spoke_b = |files: &BTreeMap<String, String>| files.keys().filter(|f| f.starts_with("spokes/spoke-b/")).count();
    let before = tree(out.path());
    assert!(spoke_b(&before) > 0);

    // spoke-b leaves the config.
    let mut value: Value = serde_yaml_ng::from_str(&fleet).unwrap();
    value["spec"]["spokes"].as_sequence_mut().unwrap().remove(1);
    std::fs::write(config, serde_yaml_ng::to_string(&value).unwrap()).unwrap();

    for target in ["management", "spoke/spoke-a"] {
        let o = generate(&["-c", config, "--target", target, "-o", &dir]);
        assert!(o.status.success(), "{}", stderr_of(&o));
        let files = tree(out.path());
        assert_eq!(spoke_b(&files), spoke_b(&before), "--target {target} is not spoke-b's run");
        if target == "management" {
            // Below its own directory the run cleans up: spoke-b's cluster Secret on the hub goes.
            assert!(
                stderr_of(&o).contains("removed: ") && stderr_of(&o).contains("secret-spoke-b"),
                "{}",
                stderr_of(&o)
            );
            assert!(!files.keys().any(|f| f.starts_with("management/") && f.contains("spoke-b")));
        } else {
            assert!(!stderr_of(&o).contains("removed:"), "{}", stderr_of(&o));
        }
    }
    let all = generate(&["-c", config, "--target", "all", "-o", &dir]);
    assert!(all.status.success(), "{}", stderr_of(&all));
    assert!(stderr_of(&all).contains("spokes/spoke-b/03-authentication-cluster.yaml"), "{}", stderr_of(&all));
    assert!(!out.path().join("spokes/spoke-b").exists(), "the whole fleet's run removes the dropped spoke");
    assert!(out.path().join("spokes/spoke-a").exists() && out.path().join("spokes/spoke-c").exists());
    let record = std::fs::read_to_string(out.path().join(".ztwim-gitops/fleet.yaml")).unwrap();
    assert!(!record.contains("spoke-b"), "the record forgets the dropped spoke:\n{record}");
}

fn sha256_hex(bytes: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, bytes).as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// `DIR/.ztwim-gitops/<owner>.yaml` says per target which version and which config bytes produced its
/// files; the per-file headers carry neither, so a change of either is one line per target there plus
/// only the objects that really changed (issue 21 point 4).
#[test]
fn the_output_directory_records_version_and_config_digest_per_target() {
    let (out, _beside, config, fleet) = fleet_copy("record");
    let (dir, config) = (out.path().to_str().unwrap().to_string(), config.as_str());
    let first = generate(&["-c", config, "-o", &dir]);
    assert!(first.status.success(), "{}", stderr_of(&first));
    let listed = String::from_utf8(first.stdout).unwrap();
    assert!(listed.lines().any(|l| l.ends_with("/.ztwim-gitops/fleet.yaml")), "{listed}");
    let record = |files: &BTreeMap<String, String>| files[".ztwim-gitops/fleet.yaml"].clone();
    let before = tree(out.path());
    let digest = sha256_hex(fleet.as_bytes());
    let version = env!("CARGO_PKG_VERSION");
    let entry = |d: &str| format!("  configSha256: {d}\n  version: {version}\n");
    let mut expected = String::new();
    for target in ["management", "spoke/spoke-a", "spoke/spoke-b", "spoke/spoke-c"] {
        expected.push_str(&format!("{target}:\n{}", entry(&digest)));
    }
    assert!(record(&before).ends_with(&expected), "{}", record(&before));
    for (file, text) in before.iter().filter(|(f, _)| !f.starts_with(".ztwim-gitops/")) {
        let header = text.lines().next().unwrap_or_default();
        assert!(!header.contains(&digest) && !header.contains(version), "{file}: {header}");
    }

    // A comment changes the config's bytes, not its objects: a management run rewrites one line of the
    // record, the management entry's digest, and no object file.
    let edited = format!("{fleet}# reviewed\n");
    std::fs::write(config, &edited).unwrap();
    assert!(generate(&["-c", config, "--target", "management", "-o", &dir]).status.success());
    let after = tree(out.path());
    let changed: Vec<&String> = after.keys().filter(|f| before.get(*f) != after.get(*f)).collect();
    assert_eq!(changed, [".ztwim-gitops/fleet.yaml"]);
    let old = record(&before);
    let new = record(&after);
    let diff: Vec<(&str, &str)> = old.lines().zip(new.lines()).filter(|(a, b)| a != b).collect();
    assert_eq!(
        diff,
        [(&*format!("  configSha256: {digest}"), &*format!("  configSha256: {}", sha256_hex(edited.as_bytes())))]
    );
    assert_eq!(old.lines().count(), new.lines().count());
    assert!(new.contains(&format!("management:\n{}", entry(&sha256_hex(edited.as_bytes())))), "{new}");

    // A FeatureGate-only run records itself apart; the spoke's own run then covers it again.
    assert!(generate(&["-c", config, "--target", "spoke/spoke-c/featuregate", "-o", &dir]).status.success());
    assert!(record(&tree(out.path())).contains("spoke/spoke-c/featuregate:\n"));
    assert!(generate(&["-c", config, "--target", "spoke/spoke-c", "-o", &dir]).status.success());
    assert!(!record(&tree(out.path())).contains("featuregate"), "{}", record(&tree(out.path())));
}
