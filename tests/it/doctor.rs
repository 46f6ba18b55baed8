//! `ztwim-gitops doctor` on manifests: it passes on everything ztwim-gitops generates, and each single-field
//! corruption of that output fails exactly on the link that field belongs to, with exit 1.

use crate::support as common;
use common::strings as set;

use common::{run_bin, TempDir, ROOT};
use serde_json::Value as Json;
use serde_yaml_ng::Value;
use std::collections::BTreeSet;
use std::path::Path;

fn generate(config: &Path) -> Vec<Value> {
    let (stdout, stderr, code) = run_bin(&["generate", "-c", config.to_str().unwrap(), "--target", "all"], b"");
    assert_eq!(code, 0, "generate failed: {stderr}");
    use serde::Deserialize;
    serde_yaml_ng::Deserializer::from_str(&stdout)
        .map(|d| Value::deserialize(d).unwrap())
        .filter(|v| !v.is_null())
        .collect()
}

fn fleet_shared(dir: &TempDir) -> std::path::PathBuf {
    let text = std::fs::read_to_string(Path::new(ROOT).join("fn-config/fleet.yaml")).unwrap();
    let path = dir.path().join("fleet-shared.yaml");
    std::fs::write(&path, text.replace("\n  appDomain:", "\n  identity: shared\n  appDomain:")).unwrap();
    path
}

/// The fleet with `execAuth.method: archive`: cluster Secrets that run the upstream plugin.
fn fleet_archive(dir: &TempDir) -> std::path::PathBuf {
    let text = std::fs::read_to_string(Path::new(ROOT).join("fn-config/fleet.yaml")).unwrap();
    let path = dir.path().join("fleet-archive.yaml");
    assert!(text.contains("\n      method: builtin\n"));
    std::fs::write(&path, text.replace("\n      method: builtin\n", "\n      method: archive\n")).unwrap();
    path
}

fn stream(docs: &[Value]) -> String {
    docs.iter().map(|d| format!("---\n{}", serde_yaml_ng::to_string(d).unwrap())).collect()
}

/// The JSON report and the exit code.
fn doctor(input: &str, args: &[&str]) -> (Json, i32) {
    let mut all = vec!["doctor", "-", "--output", "json"];
    all.extend_from_slice(args);
    let (stdout, stderr, code) = run_bin(&all, input.as_bytes());
    let report = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\n{stderr}"));
    (report, code)
}

fn with(report: &Json, status: &str) -> BTreeSet<String> {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == status)
        .map(|c| match c["component"].as_str() {
            Some(comp) => format!("{} {}[{comp}]", c["scope"].as_str().unwrap(), c["link"].as_str().unwrap()),
            None => format!("{} {}", c["scope"].as_str().unwrap(), c["link"].as_str().unwrap()),
        })
        .collect()
}

fn target(v: &Value) -> &str {
    v["metadata"]["annotations"]["ztwim-gitops.dev/target"].as_str().unwrap_or_default()
}

/// The one object of `kind` for `cluster` (`management`, `spoke/<name>`).
fn object<'a>(docs: &'a mut [Value], kind: &str, cluster: &str) -> &'a mut Value {
    docs.iter_mut()
        .find(|d| d["kind"].as_str() == Some(kind) && target(d) == cluster)
        .unwrap_or_else(|| panic!("no {kind} for {cluster}"))
}

/// Edits the cluster Secret's `config` JSON for a spoke.
fn secret_config(docs: &mut [Value], spoke: &str, edit: impl FnOnce(&mut Json)) {
    let secret = docs
        .iter_mut()
        .find(|d| d["kind"].as_str() == Some("Secret") && d["metadata"]["name"].as_str() == Some(spoke))
        .unwrap();
    let mut config: Json = serde_json::from_str(secret["stringData"]["config"].as_str().unwrap()).unwrap();
    edit(&mut config);
    secret["stringData"]["config"] = Value::String(config.to_string());
}

fn s(v: &str) -> Value {
    Value::String(v.into())
}

#[test]
fn passes_on_every_generated_config() {
    let dir = TempDir::new("doctor-own");
    let mut configs: Vec<_> =
        std::fs::read_dir(Path::new(ROOT).join("fn-config")).unwrap().map(|e| e.unwrap().path()).collect();
    configs.sort();
    configs.push(fleet_shared(&dir));
    configs.push(Path::new(ROOT).join("examples/ci-pipe/ztwim-gitops.yaml"));
    for config in configs {
        let docs = generate(&config);
        let (report, code) = doctor(&stream(&docs), &[]);
        assert_eq!(with(&report, "fail"), set(&[]), "{}", config.display());
        assert_eq!(code, 0, "{}", config.display());
        assert!(report["summary"]["pass"].as_u64().unwrap() >= 19, "{}: {report}", config.display());
        // Every spoke got its links checked: its Secret was paired with its Authentication.
        assert!(
            with(&report, "info").iter().all(|l| !l.ends_with(" pairing")),
            "{}: {:?}",
            config.display(),
            with(&report, "info")
        );
    }
}

#[test]
fn passes_on_every_example() {
    let examples = Path::new(ROOT).join("examples");
    let cases: [&[&str]; 4] = [
        &["kpt-package"],
        &["kustomize-generator/expected.yaml"],
        &["kustomize-transformer-with-base/expected.yaml"],
        &["kustomize-two-clusters/management/expected.yaml", "kustomize-two-clusters/spoke-spoke-a/expected.yaml"],
    ];
    for paths in cases {
        let mut args = vec!["doctor".to_string(), "--output".into(), "json".into()];
        args.extend(paths.iter().map(|p| examples.join(p).display().to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (stdout, stderr, code) = run_bin(&args, b"");
        let report: Json = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"));
        assert_eq!(with(&report, "fail"), set(&[]), "{paths:?}");
        assert_eq!(code, 0, "{paths:?}");
        assert!(report["summary"]["pass"].as_u64().unwrap() >= 10, "{paths:?}: {report}");
    }
}

type Edit = fn(&mut Vec<Value>);

/// Each case's edit of `docs` must fail exactly its links, exit 1, and say how to fix every failure.
fn assert_each_fails_its_links(docs: &[Value], cases: Vec<(&str, Edit, &[&str])>) {
    for (name, edit, expected) in cases {
        let mut broken = docs.to_vec();
        edit(&mut broken);
        let (report, code) = doctor(&stream(&broken), &[]);
        assert_eq!(with(&report, "fail"), set(expected), "{name}");
        assert_eq!(code, 1, "{name}");
        let fixes = report["checks"].as_array().unwrap().iter().filter(|c| c["status"] == "fail");
        assert!(fixes.clone().all(|c| c["fix"].is_string()), "{name}: every failure says how to fix it");
    }
}

/// Each case breaks one field of the fleet's output; the report must fail exactly these links.
#[test]
fn each_single_field_corruption_fails_its_link() {
    let cases: Vec<(&str, Edit, &[&str])> = vec![
        (
            "issuer trailing slash",
            |d| {
                let a = object(d, "Authentication", "spoke/spoke-a");
                a["spec"]["oidcProviders"][0]["issuer"]["issuerURL"] =
                    s("https://spire-spiffe-oidc-discovery-provider.apps.mgmt.example.com/");
            },
            &["spoke-a issuer"],
        ),
        (
            "audience",
            |d| {
                secret_config(d, "spoke-b", |c| {
                    c["execProviderConfig"]["env"]["SPIFFE_JWT_AUDIENCE"] = "spoke-a.example.com".into()
                })
            },
            &["spoke-b audience"],
        ),
        (
            "username prefix",
            |d| {
                let u = &mut object(d, "Authentication", "spoke/spoke-a")["spec"]["oidcProviders"][0]["claimMappings"]
                    ["username"];
                u["prefixPolicy"] = s("Prefix");
                u["prefix"] = serde_yaml_ng::from_str("prefixString: 'spire:'").unwrap();
            },
            &["spoke-a username[server]", "spoke-a username[controller]"],
        ),
        (
            "prefix policy left out (OpenShift's <issuerURL># default)",
            |d| {
                let u = &mut object(d, "Authentication", "spoke/spoke-b")["spec"]["oidcProviders"][0]["claimMappings"]
                    ["username"];
                u.as_mapping_mut().unwrap().remove("prefixPolicy");
                u.as_mapping_mut().unwrap().remove("prefix");
            },
            &["spoke-b username[server]", "spoke-b username[controller]"],
        ),
        (
            "CRB subject",
            |d| {
                let b = object(d, "ClusterRoleBinding", "spoke/spoke-a");
                b["subjects"][0]["name"] = s("spiffe://mgmt.example.com/ns/fleet-gitops/sa/fleet-argocd-repo-server");
            },
            &["spoke-a rbac[server]"],
        ),
        (
            "CRB role too weak",
            |d| object(d, "ClusterRoleBinding", "spoke/spoke-a")["roleRef"]["name"] = s("view"),
            &["spoke-a rbac[server]", "spoke-a rbac[controller]"],
        ),
        (
            "CSI volume name",
            |d| {
                let a = object(d, "ArgoCD", "management");
                for v in a["spec"]["server"]["volumes"].as_sequence_mut().unwrap() {
                    if v.get("csi").is_some() {
                        v["name"] = s("spiffe");
                    }
                }
            },
            &["management csi-volume[server]"],
        ),
        (
            "CSI driver",
            |d| {
                let a = object(d, "ArgoCD", "management");
                for v in a["spec"]["controller"]["volumes"].as_sequence_mut().unwrap() {
                    if v.get("csi").is_some() {
                        v["csi"]["driver"] = s("csi.spire.io");
                    }
                }
            },
            &["management csi-volume[controller]"],
        ),
        (
            "socket path",
            |d| {
                secret_config(d, "spoke-c", |c| {
                    c["execProviderConfig"]["env"]["SPIFFE_ENDPOINT_SOCKET"] =
                        "unix:///run/spire/sockets/api.sock".into()
                })
            },
            &["spoke-c socket[server]", "spoke-c socket[controller]"],
        ),
        (
            "binary path",
            |d| {
                secret_config(d, "spoke-a", |c| {
                    c["execProviderConfig"]["command"] = "k8s-spiffe-workload-jwt-exec-auth".into()
                })
            },
            &["spoke-a binary[server]", "spoke-a binary[controller]"],
        ),
        ("CA ConfigMap missing", |d| d.retain(|o| o["kind"].as_str() != Some("ConfigMap")), &["spoke-a ca"]),
        (
            "CA ConfigMap not PEM",
            |d| {
                object(d, "ConfigMap", "spoke/spoke-a")["data"]["ca-bundle.crt"] =
                    s("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
            },
            &["spoke-a ca"],
        ),
        (
            "trust domain",
            |d| {
                object(d, "ZeroTrustWorkloadIdentityManager", "management")["spec"]["trustDomain"] =
                    s("apps.mgmt.example.com")
            },
            &[
                "spoke-a trust-domain[server]",
                "spoke-a trust-domain[controller]",
                "spoke-b trust-domain[server]",
                "spoke-b trust-domain[controller]",
                "spoke-c trust-domain[server]",
                "spoke-c trust-domain[controller]",
            ],
        ),
        (
            "exec apiVersion",
            |d| {
                secret_config(d, "spoke-a", |c| {
                    c["execProviderConfig"]["apiVersion"] = "client.authentication.k8s.io/v1".into()
                })
            },
            &["spoke-a exec-api-version"],
        ),
        (
            "exec env as a list",
            |d| {
                secret_config(d, "spoke-b", |c| {
                    c["execProviderConfig"]["env"] =
                        serde_json::json!([{"name": "SPIFFE_JWT_AUDIENCE", "value": "spoke-b"}])
                })
            },
            &["spoke-b secret"],
        ),
        (
            "SpireServer issuer",
            |d| object(d, "SpireServer", "management")["spec"]["jwtIssuer"] = s("https://oidc.apps.mgmt.example.com"),
            &["management issuer-discovery", "spoke-a issuer", "spoke-b issuer", "spoke-c issuer"],
        ),
        (
            "Secret outside the Argo CD namespace",
            |d| {
                let secret = d
                    .iter_mut()
                    .find(|o| o["metadata"]["name"].as_str() == Some("spoke-a") && o["kind"].as_str() == Some("Secret"))
                    .unwrap();
                secret["metadata"]["namespace"] = s("openshift-gitops");
            },
            &["spoke-a namespace"],
        ),
        (
            "Authentication type",
            |d| object(d, "Authentication", "spoke/spoke-c")["spec"]["type"] = s("IntegratedOAuth"),
            &["spoke-c authentication"],
        ),
    ];
    // These break the upstream plugin's form (its settings are environment variables).
    let dir = TempDir::new("doctor-archive");
    let docs = generate(&fleet_archive(&dir));
    assert_each_fails_its_links(&docs, cases);
}

/// The built-in helper's form, link by link: its `--audience` and `--socket` arguments (either spelling)
/// and the file its init container copies; the upstream plugin's expiry warning does not concern it.
#[test]
fn the_builtin_helper_is_checked_link_by_link() {
    let docs = generate(&Path::new(ROOT).join("fn-config/fleet.yaml"));
    let (report, code) = doctor(&stream(&docs), &[]);
    assert_eq!(code, 0);
    assert!(with(&report, "pass").contains("management plugin-version"), "{report}");
    assert_eq!(with(&report, "warn"), set(&[]), "no expiry warning for the built-in helper");
    for spoke in ["spoke-a", "spoke-b", "spoke-c"] {
        for link in ["audience", "socket[server]", "socket[controller]", "binary[server]", "binary[controller]"] {
            assert!(with(&report, "pass").contains(&format!("{spoke} {link}")), "{spoke} {link}: {report}");
        }
    }

    // `--flag=value` reads like `--flag value`.
    let mut equals = docs.clone();
    secret_config(&mut equals, "spoke-b", |c| {
        c["execProviderConfig"]["args"] = serde_json::json!([
            "credential",
            "--audience=spoke-b",
            "--socket=unix:///run/spire/sockets/spire-agent.sock"
        ])
    });
    let (report, code) = doctor(&stream(&equals), &[]);
    assert_eq!((with(&report, "fail"), code), (set(&[]), 0), "{report}");

    let cases: Vec<(&str, Edit, &[&str])> = vec![
        (
            "audience argument",
            |d| secret_config(d, "spoke-b", |c| c["execProviderConfig"]["args"][2] = "spoke-a.example.com".into()),
            &["spoke-b audience"],
        ),
        (
            "audience argument as --audience=",
            |d| secret_config(d, "spoke-b", |c| c["execProviderConfig"]["args"][1] = "--audience=spoke-c".into()),
            &["spoke-b audience"],
        ),
        (
            "no audience argument",
            |d| {
                secret_config(d, "spoke-a", |c| {
                    c["execProviderConfig"]["args"] =
                        serde_json::json!(["credential", "--socket", "unix:///run/spire/sockets/spire-agent.sock"])
                })
            },
            &["spoke-a audience"],
        ),
        (
            "socket argument",
            |d| {
                secret_config(d, "spoke-c", |c| {
                    c["execProviderConfig"]["args"][4] = "unix:///run/spire/sockets/api.sock".into()
                })
            },
            &["spoke-c socket[server]", "spoke-c socket[controller]"],
        ),
        (
            "copy target",
            |d| {
                let a = object(d, "ArgoCD", "management");
                a["spec"]["server"]["initContainers"][0]["command"][3] = s("/opt/spiffe/bin/ztwim-gitops-0.1.0");
            },
            &["spoke-a binary[server]", "spoke-b binary[server]", "spoke-c binary[server]"],
        ),
        (
            "exec apiVersion",
            |d| {
                secret_config(d, "spoke-a", |c| {
                    c["execProviderConfig"]["apiVersion"] = "client.authentication.k8s.io/v2".into()
                })
            },
            &["spoke-a exec-api-version"],
        ),
        (
            "no socket argument",
            |d| {
                secret_config(d, "spoke-b", |c| {
                    c["execProviderConfig"]["args"] = serde_json::json!(["credential", "--audience", "spoke-b"])
                })
            },
            &["spoke-b socket[server]", "spoke-b socket[controller]"],
        ),
    ];
    assert_each_fails_its_links(&docs, cases);

    // The helper has no default socket: the report says it is missing, not that an upstream default is used.
    let mut no_socket = docs.clone();
    secret_config(&mut no_socket, "spoke-b", |c| {
        c["execProviderConfig"]["args"] = serde_json::json!(["credential", "--audience", "spoke-b"])
    });
    let (report, _) = doctor(&stream(&no_socket), &[]);
    let report = report.to_string();
    assert!(report.contains("no --socket argument or SPIFFE_ENDPOINT_SOCKET (the helper requires one)"), "{report}");
    assert!(!report.contains("the plugin's default"), "{report}");
}

/// `identity: shared` pins the ID with a required sub: a template that yields another ID fails the
/// spiffe-id link on every spoke, and a trust domain the literal ID is outside of fails on the management side.
#[test]
fn shared_identity_corruptions_fail_their_link() {
    let dir = TempDir::new("doctor-shared");
    let docs = generate(&fleet_shared(&dir));
    let mut broken = docs.clone();
    object(&mut broken, "ClusterSPIFFEID", "management")["spec"]["spiffeIDTemplate"] =
        s("spiffe://{{ .TrustDomain }}/ns/{{ .PodMeta.Namespace }}/sa/{{ .PodSpec.ServiceAccountName }}");
    let (report, code) = doctor(&stream(&broken), &[]);
    let expected: Vec<String> = ["spoke-a", "spoke-b", "spoke-c"]
        .iter()
        .flat_map(|s| ["server", "controller"].map(|c| format!("{s} spiffe-id[{c}]")))
        .collect();
    assert_eq!(with(&report, "fail"), expected.into_iter().collect(), "template");
    assert_eq!(code, 1);

    let mut broken = docs.clone();
    object(&mut broken, "ZeroTrustWorkloadIdentityManager", "management")["spec"]["trustDomain"] =
        s("other.example.com");
    let (report, code) = doctor(&stream(&broken), &[]);
    assert_eq!(with(&report, "fail"), set(&["management trust-domain[server]", "management trust-domain[controller]"]));
    assert_eq!(code, 1);

    let mut broken = docs;
    object(&mut broken, "ClusterSPIFFEID", "management")["spec"]["className"] = s("spire-mgmt");
    let (report, code) = doctor(&stream(&broken), &[]);
    // Ignored, so the pods fall back to ZTWIM's per-ServiceAccount IDs, which the spokes do not accept.
    assert!(with(&report, "warn").contains("management spiffe-id[server]"), "{report}");
    assert!(with(&report, "fail").contains("spoke-a spiffe-id[server]"), "{report}");
    assert_eq!(code, 1);
}

#[test]
fn article_manifests_pass_and_read_well() {
    let dir = Path::new(ROOT).join("tests/data/doctor/article");
    let (stdout, stderr, code) = run_bin(&["doctor", "-v", dir.to_str().unwrap()], b"");
    assert_eq!(code, 0, "{stdout}{stderr}");
    let report = stdout.replace(ROOT, "<root>");
    common::golden::snapshot("doctor-article.txt", &report);
}

/// Issue 19.6: `-q` prints the failures and the summary, the default adds warnings and infos, `-v` the
/// passes; the summary counts everything each time.
#[test]
fn quiet_and_verbose_choose_the_lines() {
    let mut docs = generate(&Path::new(ROOT).join("fn-config/fleet.yaml"));
    object(&mut docs, "Authentication", "spoke/spoke-a")["spec"]["oidcProviders"][0]["issuer"]["issuerURL"] =
        s("https://spire-spiffe-oidc-discovery-provider.apps.mgmt.example.com/");
    let input = stream(&docs);
    let lines = |flag: Option<&str>| {
        let mut args = vec!["doctor", "-"];
        args.extend(flag);
        let (stdout, stderr, code) = run_bin(&args, input.as_bytes());
        assert_eq!(code, 1, "{stderr}");
        let marks: BTreeSet<char> =
            stdout.lines().filter_map(|l| l.chars().next()).filter(|c| "✓✗!i".contains(*c)).collect();
        let summary = stdout.lines().find(|l| l.starts_with("summary: ")).unwrap().to_string();
        (marks, summary, stdout)
    };
    let (quiet, summary_q, out) = lines(Some("-q"));
    assert_eq!(quiet, ['✗'].into(), "{out}");
    assert!(out.contains("note: ") && out.contains("without -q"), "{out}");
    let (normal, summary_n, out) = lines(None);
    assert!(normal.contains(&'✗') && normal.contains(&'i') && !normal.contains(&'✓'), "{out}");
    assert!(out.contains("with -v"), "{out}");
    let (verbose, summary_v, out) = lines(Some("-v"));
    assert!(verbose.contains(&'✓') && verbose.contains(&'✗'), "{out}");
    assert!(!out.contains("note: "), "{out}");
    assert_eq!((&summary_q, &summary_n), (&summary_v, &summary_v));
}

/// Issue 19.6: a report of infos alone fails, saying which input is missing.
#[test]
fn nothing_checked_is_a_failure_that_names_the_missing_input() {
    let docs = generate(&Path::new(ROOT).join("fn-config/fleet.yaml"));
    let only_spokes: Vec<Value> = docs.iter().filter(|d| target(d).starts_with("spoke/")).cloned().collect();
    let (report, code) = doctor(&stream(&only_spokes), &[]);
    assert_eq!((with(&report, "fail"), code), (set(&["input coverage"]), 1), "{report}");
    let coverage = report["checks"].as_array().unwrap().iter().find(|c| c["link"] == "coverage").unwrap();
    assert_eq!(coverage["message"], "no cluster Secret in the input, so no link was checked");
    assert!(coverage["fix"].as_str().unwrap().starts_with("Pass the management manifests too"));
    // The management side alone has links of its own that pass: not a failure, the pairing info says the rest.
    let only_management: Vec<Value> = docs.iter().filter(|d| target(d) == "management").cloned().collect();
    let (report, code) = doctor(&stream(&only_management), &[]);
    assert_eq!((with(&report, "fail"), code), (set(&[]), 0), "{report}");
}

/// Issue 19.6: JSON carries the values themselves.
#[test]
fn json_sides_hold_values_not_quoted_text() {
    let docs = generate(&Path::new(ROOT).join("fn-config/fleet.yaml"));
    let (report, _) = doctor(&stream(&docs), &[]);
    let check = |link: &str| report["checks"].as_array().unwrap().iter().find(|c| c["link"] == link).unwrap().clone();
    let version = &check("plugin-version")["left"]["value"];
    assert!(version.as_str().is_some_and(|v| !v.is_empty() && !v.starts_with('"')), "{version}");
    let audience = &check("audience")["right"]["value"];
    assert!(audience.is_array(), "{audience}");
    let issuer = &check("issuer-form")["left"]["value"];
    assert_eq!(issuer, "https://spire-spiffe-oidc-discovery-provider.apps.mgmt.example.com");
}

/// Issue 19.6: for a namespace-scoped spoke, the RBAC failure names the namespace without a binding.
#[test]
fn the_namespaced_rbac_failure_names_the_namespace_missing_the_binding() {
    let mut docs = generate(&Path::new(ROOT).join("fn-config/fleet.yaml"));
    let before = docs.len();
    docs.retain(|d| {
        !(d["kind"] == s("RoleBinding")
            && target(d) == "spoke/spoke-c"
            && d["metadata"]["namespace"] == s("team-c-prod"))
    });
    assert_eq!(docs.len(), before - 1, "the fleet binds spoke-c's user in team-c-prod");
    let (report, code) = doctor(&stream(&docs), &[]);
    assert_eq!(code, 1);
    let failures: Vec<&Json> = report["checks"].as_array().unwrap().iter().filter(|c| c["status"] == "fail").collect();
    assert!(!failures.is_empty());
    for f in failures {
        assert_eq!((f["scope"].as_str(), f["link"].as_str()), (Some("spoke-c"), Some("rbac")), "{f}");
        let message = f["message"].as_str().unwrap();
        assert!(message.ends_with("no RoleBinding grants this user admin in `team-c-prod`"), "{message}");
    }
}

/// The reference's own sketch pins `sub` to one ServiceAccount: doctor finds that the other Argo CD
/// component (the server: logs, live state, validation) is then rejected.
#[test]
fn a_required_sub_for_one_service_account_rejects_the_other_component() {
    let dir = Path::new(ROOT).join("tests/data/doctor/article");
    let mut text = std::fs::read_to_string(dir.join("management.yaml")).unwrap();
    let spoke = std::fs::read_to_string(dir.join("spoke.yaml")).unwrap().replace(
        "          prefixPolicy: NoPrefix\n",
        "          prefixPolicy: NoPrefix\n      claimValidationRules:\n        - type: RequiredClaim\n          requiredClaim:\n            claim: sub\n            requiredValue: spiffe://apps.hub.example.com/ns/gitops-spiffe/sa/argocd-argocd-application-controller\n",
    );
    assert!(spoke.contains("claimValidationRules"));
    text.push_str("---\n");
    text.push_str(&spoke);
    let (report, code) = doctor(&text, &[]);
    assert_eq!(with(&report, "fail"), set(&["spoke spiffe-id[server]"]));
    assert_eq!(code, 1);
}

/// `oc get … -o yaml` gives Lists with base64 `data`; a kpt pipe gives a ResourceList. Both read the same.
#[test]
fn lists_base64_data_and_resource_lists_are_read() {
    use base64::Engine;
    let mut docs = generate(&Path::new(ROOT).join("fn-config/minimal.yaml"));
    for d in docs.iter_mut().filter(|d| d["kind"].as_str() == Some("Secret")) {
        let map = d.as_mapping_mut().unwrap();
        let string_data = map.remove("stringData").unwrap();
        let mut data = serde_yaml_ng::Mapping::new();
        for (k, v) in string_data.as_mapping().unwrap() {
            data.insert(k.clone(), s(&base64::engine::general_purpose::STANDARD.encode(v.as_str().unwrap())));
        }
        map.insert(s("data"), Value::Mapping(data));
    }
    let list = serde_yaml_ng::to_string(
        &serde_yaml_ng::from_str::<Value>("{apiVersion: v1, kind: List, items: []}")
            .map(|mut l| {
                l["items"] = Value::Sequence(docs.clone());
                l
            })
            .unwrap(),
    )
    .unwrap();
    let (report, code) = doctor(&list, &[]);
    assert_eq!((with(&report, "fail"), code), (set(&[]), 0), "{report}");
    assert!(report["summary"]["pass"].as_u64().unwrap() >= 19);
    let rl = list.replace("kind: List", "kind: ResourceList").replacen(
        "apiVersion: v1\n",
        "apiVersion: config.kubernetes.io/v1\n",
        1,
    );
    let (report2, code) = doctor(&rl, &[]);
    assert_eq!((report2["summary"].clone(), code), (report["summary"].clone(), 0));
}

#[test]
fn unreadable_or_empty_input_fails() {
    let (report, code) = doctor("", &[]);
    assert_eq!((with(&report, "fail"), code), (set(&["input read"]), 1));
    let (report, code) = doctor("apiVersion: v1\nkind: Secret\nmetadata: {name: x\n", &[]);
    assert_eq!((with(&report, "fail"), code), (set(&["input read"]), 1));
    let (stdout, _, code) = run_bin(&["doctor", "/nonexistent/x.yaml"], b"");
    assert_eq!(code, 1);
    assert!(stdout.contains("cannot read"), "{stdout}");
}

/// The doctor reads manifests with the function's bounded reader: an alias bomb or deep nesting is one
/// failed read naming our limit, at once. Before, serde_yaml_ng read them with its own, relative limits.
#[test]
fn hostile_manifests_stop_at_the_readers_limits() {
    let mut bomb = String::from(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n",
    );
    for n in 1..9 {
        let prev = if n == 1 { "a".to_string() } else { format!("a{}", n - 1) };
        bomb.push_str(&format!("  a{n}: &a{n} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
    }
    let deep = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: x}}\ndata: {}{}\n",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    for (input, words) in [
        (bomb, "anchors and aliases expand to more than the limit of 200000 nodes"),
        (deep, "collections nest deeper than the limit of 128 levels"),
    ] {
        let started = std::time::Instant::now();
        let (report, code) = doctor(&input, &[]);
        assert_eq!((with(&report, "fail"), code), (set(&["input read"]), 1), "{report}");
        let text = report.to_string();
        assert!(text.contains(&format!("<stdin>: not valid YAML: {words}")), "{text}");
        assert!(started.elapsed() < std::time::Duration::from_secs(10), "took {:?}", started.elapsed());
    }
}

/// A spoke with no Authentication in the input, and a Secret with no spoke: info lines, not passes.
#[test]
fn links_that_cannot_be_checked_are_info() {
    let docs = generate(&Path::new(ROOT).join("fn-config/fleet.yaml"));
    let only_management: Vec<Value> = docs.iter().filter(|d| target(d) == "management").cloned().collect();
    let (report, code) = doctor(&stream(&only_management), &[]);
    assert_eq!(code, 0);
    let info = with(&report, "info");
    assert!(info.contains("spoke-a pairing") && info.contains("spoke-c pairing"), "{info:?}");
    let spoke_links = ["issuer", "audience", "ca", "rbac", "username", "spiffe-id"];
    let passed = with(&report, "pass");
    assert!(
        passed.iter().all(|l| !spoke_links
            .iter()
            .any(|s| l.starts_with("spoke-") && l.split(' ').nth(1).unwrap().starts_with(s))),
        "no spoke link may pass without the spoke: {passed:?}"
    );
    let only_spokes: Vec<Value> = docs.iter().filter(|d| target(d).starts_with("spoke/")).cloned().collect();
    let (report, _) = doctor(&stream(&only_spokes), &[]);
    assert!(with(&report, "info").contains("spoke/spoke-b pairing"), "{report}");
    assert_eq!(with(&report, "pass"), set(&[]));
}

#[test]
fn output_is_deterministic() {
    let dir = Path::new(ROOT).join("tests/data/doctor/article");
    let a = run_bin(&["doctor", dir.to_str().unwrap(), "--output", "json"], b"");
    let b = run_bin(&["doctor", dir.to_str().unwrap(), "--output", "json"], b"");
    assert_eq!(a, b);
}

/// A hosted spoke: its authentication is the HostedCluster's spec.configuration.authentication on the
/// hosting cluster, and the CA ConfigMap must sit in the HostedCluster's namespace there.
#[test]
fn hosted_cluster_authentication_is_read_like_an_authentication() {
    let docs = generate(&Path::new(ROOT).join("fn-config/fleet.yaml"));
    let hosted = |docs: &[Value], ca_namespace: &str| -> Vec<Value> {
        let mut out = Vec::new();
        for d in docs {
            let mut d = d.clone();
            if d["kind"].as_str() == Some("Authentication") && target(&d) == "spoke/spoke-a" {
                let hc = "apiVersion: hypershift.openshift.io/v1beta1\nkind: HostedCluster\n\
                          metadata: {name: spoke-a, namespace: clusters}\n\
                          spec: {release: {image: quay.io/openshift-release-dev/ocp-release:4.20.0-x86_64}}\n";
                let mut hc: Value = serde_yaml_ng::from_str(hc).unwrap();
                hc["spec"]["configuration"] = serde_yaml_ng::from_str("{}").unwrap();
                hc["spec"]["configuration"]["authentication"] = d["spec"].clone();
                out.push(hc);
                continue;
            }
            if d["kind"].as_str() == Some("ConfigMap") && target(&d) == "spoke/spoke-a" {
                d["metadata"].as_mapping_mut().unwrap().remove("annotations");
                d["metadata"]["namespace"] = s(ca_namespace);
            }
            out.push(d);
        }
        out
    };
    let (report, code) = doctor(&stream(&hosted(&docs, "clusters")), &[]);
    assert_eq!((with(&report, "fail"), code), (set(&[]), 0), "{report}");
    let checks = report["checks"].as_array().unwrap();
    let ca = checks.iter().find(|c| c["scope"] == "spoke-a" && c["link"] == "ca").unwrap();
    assert!(ca["left"]["at"].as_str().unwrap().contains("HostedCluster clusters/spoke-a"), "{ca}");
    // The ConfigMap where a plain OpenShift spoke keeps it does not count for a hosted one.
    let (report, code) = doctor(&stream(&hosted(&docs, "openshift-config")), &[]);
    assert_eq!((with(&report, "fail"), code), (set(&["spoke-a ca"]), 1), "{report}");
}

/// An ArgoCD name whose controller ServiceAccount (over 63 characters) the operator shortens with a hash:
/// that ID cannot be derived, so its identity links are info, not a pass and not a false failure; the
/// server's (57 characters) is checked as usual.
#[test]
fn an_instance_name_the_operator_shortens_makes_the_identity_links_info() {
    let dir = Path::new(ROOT).join("tests/data/doctor/article");
    let long = "argocd-with-a-name-long-enough-to-be-hashed";
    let mut text = std::fs::read_to_string(dir.join("management.yaml"))
        .unwrap()
        .replace("  name: argocd\n", &format!("  name: {long}\n"));
    text.push_str("---\n");
    text.push_str(
        &std::fs::read_to_string(dir.join("spoke.yaml"))
            .unwrap()
            .replace("sa/argocd-argocd-", &format!("sa/{long}-argocd-")),
    );
    let (report, code) = doctor(&text, &[]);
    assert_eq!((with(&report, "fail"), code), (set(&[]), 0), "{report}");
    // The server's name (57 characters) is kept as it is, and its links are checked as usual.
    let passed = with(&report, "pass");
    assert!(passed.contains("spoke rbac[server]"), "{passed:?}");
    let info = with(&report, "info");
    for link in ["spiffe-id", "username", "rbac"] {
        assert!(info.contains(&format!("spoke {link}[controller]")), "{link}: {info:?}");
    }
}

/// A CEL username expression (OpenShift's upstream-parity API, Kubernetes structured authentication)
/// replaces claim and prefix: doctor says it cannot evaluate it instead of guessing a username.
#[test]
fn a_username_expression_is_info() {
    let dir = Path::new(ROOT).join("tests/data/doctor/article");
    let mut text = std::fs::read_to_string(dir.join("management.yaml")).unwrap();
    text.push_str("---\n");
    let spoke = std::fs::read_to_string(dir.join("spoke.yaml")).unwrap().replace(
        "          claim: sub\n          prefixPolicy: NoPrefix\n",
        "          expression: \"'spire:' + claims.sub\"\n",
    );
    assert!(spoke.contains("expression"));
    text.push_str(&spoke);
    let (report, code) = doctor(&text, &[]);
    assert_eq!((with(&report, "fail"), code), (set(&[]), 0), "{report}");
    let info = with(&report, "info");
    for link in ["username[server]", "rbac[server]", "username[controller]", "rbac[controller]"] {
        assert!(info.contains(&format!("spoke {link}")), "{link}: {info:?}");
    }
}

/// The mixed fleet passes whole, and each non-OpenShift kind's authenticator is read: corrupting the
/// EKS prefix (empty means `<issuer>#` there) or the kube-apiserver issuer fails that spoke's links.
#[test]
fn every_kind_of_spoke_is_read_and_checked() {
    let docs = generate(&Path::new(ROOT).join("examples/mixed-fleet/ztwim-gitops.yaml"));
    let (report, code) = doctor(&stream(&docs), &[]);
    assert_eq!(code, 0, "{report:#}");
    for spoke in ["classic", "hosted", "kind", "eks"] {
        assert!(with(&report, "pass").contains(&format!("{spoke} issuer")), "{spoke}: {report:#}");
    }
    let mut eks = docs.clone();
    object(&mut eks, "IdentityProviderConfig", "control-plane/eks")["spec"]["oidc"]["usernamePrefix"] = s("");
    let (report, code) = doctor(&stream(&eks), &[]);
    assert_eq!(code, 1);
    assert!(with(&report, "fail").iter().all(|f| f.starts_with("eks ")), "{:?}", with(&report, "fail"));
    assert!(with(&report, "fail").iter().any(|f| f.starts_with("eks username")), "{:?}", with(&report, "fail"));
    let mut kind = docs;
    let carrier = object(&mut kind, "ConfigMap", "spoke/kind");
    let text =
        carrier["data"]["authentication-config.yaml"].as_str().unwrap().replace("url: https://", "url: https://x.");
    carrier["data"]["authentication-config.yaml"] = s(&text);
    let (report, code) = doctor(&stream(&kind), &[]);
    assert_eq!(code, 1);
    assert_eq!(with(&report, "fail"), set(&["kind issuer"]), "{report:#}");
}

/// The status doctor gives `link` (`scope link`), if it ran.
fn status_of<'a>(report: &'a Json, link: &str) -> Option<&'a str> {
    report["checks"].as_array().unwrap().iter().find_map(|c| {
        (format!("{} {}", c["scope"].as_str().unwrap(), c["link"].as_str().unwrap()) == link)
            .then(|| c["status"].as_str().unwrap())
    })
}

/// Issue 22: the issuer-URL and PEM rules are one rule each. `generate` (the config) and `doctor` (the
/// manifests) are fed the same values and must agree; a port, and a CERTIFICATE block without DER, once
/// passed one and failed the other.
#[test]
fn issuer_and_pem_rules_give_generate_and_doctor_the_same_verdict() {
    let dir = TempDir::new("doctor-same-rules");
    let fleet = std::fs::read_to_string(Path::new(ROOT).join("fn-config/fleet.yaml")).unwrap();
    let good = generate(&Path::new(ROOT).join("fn-config/fleet.yaml"));
    let generates = |config: String| {
        let path = dir.path().join("config.yaml");
        std::fs::write(&path, config).unwrap();
        let (_, stderr, code) = run_bin(&["generate", "-c", path.to_str().unwrap(), "--target", "all"], b"");
        (code == 0, stderr)
    };
    let host = "spire-spiffe-oidc-discovery-provider.apps.mgmt.example.com";
    let issuers = [
        (format!("https://{host}"), true),
        // OpenShift's issuerURL and ZTWIM's jwtIssuer accept a port; so do generate and doctor.
        (format!("https://{host}:8443"), true),
        (format!("https://{host}:443"), true),
        (format!("https://{host}:0"), false),
        (format!("https://{host}:65536"), false),
        (format!("https://{host}:8443/"), false),
        (format!("https://{}", host.to_uppercase()), false),
        (format!("https://{host}?x=1"), false),
        (format!("https://{host}#f"), false),
        (format!("https://a_b.{host}"), false),
        (format!("https://{}.com", "a".repeat(64)), false),
        (format!("https://{host}/"), false),
        (format!("https://{host}/spire"), false),
        (format!("https://user@{host}"), false),
        (format!("http://{host}"), false),
    ];
    for (issuer, expected) in &issuers {
        let config = fleet
            .replace("      clusterName: mgmt\n", &format!("      clusterName: mgmt\n      jwtIssuer: '{issuer}'\n"));
        let (generated, stderr) = generates(config);
        let mut docs = good.clone();
        object(&mut docs, "SpireServer", "management")["spec"]["jwtIssuer"] = s(issuer);
        let (report, _) = doctor(&stream(&docs), &[]);
        let doctored = status_of(&report, "management issuer-form") == Some("pass");
        assert_eq!((generated, doctored), (*expected, *expected), "{issuer}: {stderr}\n{report}");
    }
    let cert = "MIIBkjCCATegAwIBAgIUL0pwfkQc+oPriJ2v3VYrjpWweG4wCgYIKoZIzj0EAwIw";
    let block = |body: &str| format!("-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n");
    let pems = [
        (block(cert), true),
        (format!("{}{}", block(cert), block(cert)), true),
        // Base64, but not DER: no certificate a kube-apiserver could load.
        (block("AAAAAAAA"), false),
        // A good block, then a broken one: the bundle as a whole does not load.
        (format!("{}-----BEGIN CERTIFICATE-----\n{cert}\n", block(cert)), false),
        (block("not base64!"), false),
        // A key pasted instead of the CA: a PEM block, but no certificate.
        (format!("-----BEGIN PRIVATE KEY-----\n{cert}\n-----END PRIVATE KEY-----\n"), false),
        ("no pem here\n".to_string(), false),
    ];
    let original_ca = fleet.split("    issuerCA: |\n").nth(1).unwrap().split("    labels:").next().unwrap();
    for (pem, expected) in &pems {
        let indented: String = pem.lines().map(|l| format!("      {l}\n")).collect();
        let (generated, stderr) = generates(fleet.replacen(original_ca, &indented, 1));
        let mut docs = good.clone();
        let cm = docs
            .iter_mut()
            .find(|d| {
                d["kind"] == s("ConfigMap") && target(d) == "spoke/spoke-a" && d["data"].get("ca-bundle.crt").is_some()
            })
            .unwrap();
        cm["data"]["ca-bundle.crt"] = s(pem);
        let (report, _) = doctor(&stream(&docs), &[]);
        let doctored = status_of(&report, "spoke-a ca") == Some("pass");
        assert_eq!((generated, doctored), (*expected, *expected), "{pem}: {stderr}\n{report}");
    }
}
