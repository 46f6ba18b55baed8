//! The management cluster output: reviewed snapshots of the example configs, and invariants that must
//! hold for every config — the ones that, broken, leave Argo CD unable to reach a spoke or leak a secret.
use crate::support::{read, set};
use serde::Deserialize;
use serde_yaml_ng::Value;
use std::collections::BTreeSet;
use ztwim_gitops::config::{Config, ConfigRef, ExecAuthMethod, Spec};
use ztwim_gitops::diag::{Diagnostics, Severity};
use ztwim_gitops::generate::{self, Manifest};
use ztwim_gitops::krm::KrmResult;
use ztwim_gitops::model::{self, PluginInstall};
use ztwim_gitops::pipeline;
use ztwim_gitops::resolve::{resolve, Options};

/// The upstream plugin's file name (methods archive and image) and the built-in helper's (builtin).
const BINARY: &str = "k8s-spiffe-workload-jwt-exec-auth";
const BUILTIN_BINARY: &str = "ztwim-gitops";
const COMPONENTS: [&str; 2] = ["controller", "server"];
/// Volumes the argocd-operator already adds to the controller and server pods (argocd.md §1.3): a
/// generated volume of the same name would clash with it.
const OPERATOR_VOLUMES: [&str; 11] = [
    "argocd-repo-server-tls",
    "argocd-operator-redis-tls",
    "argocd-home",
    "argocd-cmd-params-cm",
    "argocd-application-controller-tmp",
    "redis-initial-pass",
    "ssh-known-hosts",
    "tls-certs",
    "plugins-home",
    "tmp",
    "rollout-extensions",
];
/// Paths the main containers already use: a mount on one of them, or on a parent, hides it.
const OPERATOR_PATHS: [&str; 4] = ["/tmp", "/home/argocd", "/app/config", "/usr/local/bin"];

/// `--target management` on a config file, as the CLI runs it.
fn management(text: &str) -> (Vec<Manifest>, Vec<KrmResult>) {
    let (manifests, results) = pipeline::generate_from_file(text, "config.yaml", Some("management"));
    let errors: Vec<_> = results.iter().filter(|r| r.severity == Severity::Error).map(|r| r.human_line()).collect();
    assert!(errors.is_empty(), "unexpected errors: {errors:#?}");
    assert!(!manifests.is_empty());
    (manifests, results)
}

/// The result about one config field (other stages may add results about other fields).
fn result_at<'a>(results: &'a [KrmResult], path: &str) -> Option<&'a KrmResult> {
    results.iter().find(|r| r.field.as_ref().is_some_and(|f| f.path == path))
}

fn stream(manifests: &[Manifest]) -> String {
    // Through the product's emitter: the snapshot shows the bytes users get.
    manifests.iter().map(|m| format!("---\n{}", ztwim_gitops::yaml::tree_to_string(&m.object))).collect()
}

/// A config file with `edit` applied to its parsed form.
fn variant(base: &str, edit: impl FnOnce(&mut Value)) -> String {
    let mut value: Value = serde_yaml_ng::from_str(&read(base)).unwrap();
    edit(&mut value);
    serde_yaml_ng::to_string(&value).unwrap()
}

fn yaml(text: &str) -> Value {
    serde_yaml_ng::from_str(text).unwrap()
}

fn find(manifests: &[Manifest], kind: &str) -> Vec<Value> {
    manifests.iter().filter(|m| m.kind() == kind).map(Manifest::value).collect()
}

fn one(manifests: &[Manifest], kind: &str) -> Value {
    let mut found = find(manifests, kind);
    assert_eq!(found.len(), 1, "exactly one {kind}");
    found.remove(0)
}

fn str_at<'a>(v: &'a Value, path: &str) -> &'a str {
    path.split('.')
        .try_fold(v, |v, k| v.get(k))
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no string at {path}"))
}

fn seq<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key).and_then(Value::as_sequence).map(Vec::as_slice).unwrap_or_default()
}

/// The main container's mountPath of the component volume that satisfies `pick`.
fn mount_path_of(component: &Value, pick: impl Fn(&Value) -> bool) -> String {
    let volume = seq(component, "volumes").iter().find(|v| pick(v)).expect("volume");
    let name = str_at(volume, "name");
    let mount = seq(component, "volumeMounts").iter().find(|m| str_at(m, "name") == name).expect("mount");
    str_at(mount, "mountPath").to_string()
}

/// Every invariant the management output must satisfy, whatever the config.
fn check_invariants(manifests: &[Manifest]) {
    // One issuer: the SPIRE server signs with it, the discovery provider publishes it.
    let server_issuer = str_at(&one(manifests, "SpireServer"), "spec.jwtIssuer").to_string();
    assert_eq!(server_issuer, str_at(&one(manifests, "SpireOIDCDiscoveryProvider"), "spec.jwtIssuer"));
    assert!(server_issuer.starts_with("https://"));

    let argocd = one(manifests, "ArgoCD");
    let spec = argocd.get("spec").unwrap();
    let mut sockets = BTreeSet::new();
    let mut commands = BTreeSet::new();
    for key in COMPONENTS {
        let component = spec.get(key).unwrap_or_else(|| panic!("spec.{key}"));
        let volumes: Vec<&str> = seq(component, "volumes").iter().map(|v| str_at(v, "name")).collect();
        let unique: BTreeSet<&str> = volumes.iter().copied().collect();
        assert_eq!(unique.len(), volumes.len(), "{key}: volume names are unique");
        for name in &volumes {
            assert!(!OPERATOR_VOLUMES.contains(name), "{key}: volume {name} is one the operator adds");
        }
        for mount in seq(component, "volumeMounts") {
            let path = str_at(mount, "mountPath").trim_end_matches('/');
            let hides = |p: &str| p == path || p.strip_prefix(path).is_some_and(|r| r.starts_with('/'));
            assert!(
                !OPERATOR_PATHS.iter().any(|p| hides(p)),
                "{key}: mount at {path} hides what the operator put there"
            );
        }
        let init = seq(component, "initContainers");
        assert!(init.iter().any(|c| str_at(c, "name") == model::INIT_CONTAINER), "{key}: init container");
        for container in init {
            assert_distinct_mount_paths(&format!("{key} init container"), seq(container, "volumeMounts"));
        }
        assert_distinct_mount_paths(&format!("{key} main container"), seq(component, "volumeMounts"));
        let mounts = seq(component, "volumeMounts").iter().chain(init.iter().flat_map(|c| seq(c, "volumeMounts")));
        for mount in mounts {
            let name = str_at(mount, "name");
            assert!(unique.contains(name), "{key}: volumeMount {name} names a volume of the same component");
        }
        let csi = mount_path_of(component, |v| v.get("csi").is_some_and(|c| str_at(c, "driver") == "csi.spiffe.io"));
        sockets.insert(format!("unix://{csi}/spire-agent.sock"));
        let bin = mount_path_of(component, |v| str_at(v, "name") == "binaries");
        // The file the init container writes: the last word of its command (copy-file's DST), else the
        // download script's `$BIN_DIR/$EXEC_BINARY`.
        let installer = init.iter().find(|c| str_at(c, "name") == model::INIT_CONTAINER).unwrap();
        let last = seq(installer, "command").last().and_then(Value::as_str).unwrap();
        let binary = if last.ends_with(BUILTIN_BINARY) { BUILTIN_BINARY } else { BINARY };
        if last.starts_with('/') {
            assert_eq!(last, format!("{bin}/{binary}"), "{key}: the init container installs into the mounted volume");
        }
        commands.insert(format!("{bin}/{binary}"));
    }
    assert_eq!(sockets.len(), 1, "controller and server mount the socket at the same path: {sockets:?}");
    assert_eq!(commands.len(), 1, "controller and server hold the plugin at the same path: {commands:?}");

    for secret in find(manifests, "Secret") {
        let labels = secret.get("metadata").and_then(|m| m.get("labels")).unwrap();
        assert_eq!(labels.get("argocd.argoproj.io/secret-type").and_then(Value::as_str), Some("cluster"));
        assert!(secret.get("data").is_none(), "only stringData, nothing encoded out of sight");
        let data = secret.get("stringData").and_then(Value::as_mapping).unwrap();
        for key in data.keys() {
            let key = key.as_str().unwrap();
            assert!(
                ["name", "server", "config", "namespaces", "clusterResources", "project"].contains(&key),
                "unexpected cluster Secret key {key}"
            );
        }
        let config: serde_json::Value =
            serde_json::from_str(str_at(&secret, "stringData.config")).expect("JSON config");
        assert_no_credentials(&config);
        serde_json::from_value::<argo::ClusterConfig>(config.clone())
            .unwrap_or_else(|e| panic!("config is not an Argo CD ClusterConfig (Argo CD would ignore the key): {e}"));
        let exec = &config["execProviderConfig"];
        assert_eq!(exec["command"], commands.first().unwrap().as_str());
        if exec["command"].as_str().unwrap().ends_with(BUILTIN_BINARY) {
            // The contract with `ztwim-gitops credential`: args only, v1, no env (Argo CD's random env
            // order would split client-go's credential cache).
            let args: Vec<&str> = exec["args"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
            assert_eq!(args.len(), 5, "{args:?}");
            assert_eq!((args[0], args[1], args[3]), ("credential", "--audience", "--socket"));
            assert!(!args[2].is_empty());
            assert_eq!(args[4], sockets.first().unwrap().as_str());
            assert_eq!(exec["apiVersion"], "client.authentication.k8s.io/v1");
            assert!(exec.get("env").is_none(), "no env for the built-in helper");
        } else {
            let env = exec["env"].as_object().expect("env is a JSON object, not a list");
            assert_eq!(env["SPIFFE_ENDPOINT_SOCKET"], sockets.first().unwrap().as_str());
            let version = env["EXEC_CREDENTIAL_VERSION"].as_str().unwrap();
            assert_eq!(exec["apiVersion"], format!("client.authentication.k8s.io/{version}"));
            assert!(env["SPIFFE_JWT_AUDIENCE"].as_str().is_some_and(|a| !a.is_empty()));
        }
        assert!(exec["installHint"].as_str().unwrap().contains(model::INIT_CONTAINER));
        assert!(config["tlsClientConfig"]["insecure"].is_boolean());
    }
    check_waves(manifests);
}

/// Two mounts at one path make the pod invalid, and one below another depends on mount order.
fn assert_distinct_mount_paths(container: &str, mounts: &[Value]) {
    let paths: Vec<&str> = mounts.iter().map(|m| str_at(m, "mountPath").trim_end_matches('/')).collect();
    for (i, a) in paths.iter().enumerate() {
        for b in &paths[i + 1..] {
            let nested = |x: &str, y: &str| x.strip_prefix(y).is_some_and(|r| r.starts_with('/'));
            assert!(a != b && !nested(a, b) && !nested(b, a), "{container}: mount paths {a} and {b} overlap");
        }
    }
}

/// Argo CD's cluster Secret `config` (argo-cd pkg/apis/application/v1alpha1 `ClusterConfig`), strict: Argo CD
/// silently ignores unknown keys, so a misspelled `execProviderConfig` would otherwise pass every other
/// check and leave the cluster without credentials. No CRD schema covers this JSON.
mod argo {
    #![allow(dead_code)]
    use serde::Deserialize;
    use std::collections::BTreeMap;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    pub struct ClusterConfig {
        username: Option<String>,
        password: Option<String>,
        bearer_token: Option<String>,
        tls_client_config: TlsClientConfig,
        aws_auth_config: Option<serde_json::Value>,
        exec_provider_config: Option<ExecProviderConfig>,
        proxy_url: Option<String>,
        disable_compression: Option<bool>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    struct TlsClientConfig {
        insecure: bool,
        server_name: Option<String>,
        cert_data: Option<String>,
        key_data: Option<String>,
        ca_data: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    struct ExecProviderConfig {
        command: String,
        args: Option<Vec<String>>,
        env: Option<BTreeMap<String, String>>,
        api_version: String,
        install_hint: Option<String>,
    }
}

#[test]
fn the_strict_cluster_config_mirror_rejects_misspelled_keys() {
    let good = r#"{"tlsClientConfig":{"insecure":false},"execProviderConfig":{"command":"/b/x","apiVersion":"v1"}}"#;
    assert!(serde_json::from_str::<argo::ClusterConfig>(good).is_ok());
    let typo = good.replace("execProviderConfig", "execProviderConf");
    assert!(serde_json::from_str::<argo::ClusterConfig>(&typo).is_err());
    let env_list = good.replace(r#""apiVersion":"v1""#, r#""apiVersion":"v1","env":[{"name":"A","value":"b"}]"#);
    assert!(serde_json::from_str::<argo::ClusterConfig>(&env_list).is_err(), "env must be an object");
}

fn assert_no_credentials(v: &serde_json::Value) {
    const FORBIDDEN: [&str; 6] = ["token", "bearertoken", "password", "username", "keydata", "certdata"];
    match v {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                assert!(!FORBIDDEN.contains(&k.to_lowercase().as_str()), "credential key {k} in cluster config");
                assert_no_credentials(v);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(assert_no_credentials),
        _ => {}
    }
}

/// Operators first, then the ZTWIM singleton, then its operands and Argo CD, then what Argo CD reads.
fn check_waves(manifests: &[Manifest]) {
    let wave =
        |m: &Manifest| -> i32 { m.annotation("argocd.argoproj.io/sync-wave").expect("sync-wave").parse().unwrap() };
    let rank = |kind: &str| match kind {
        "Namespace" | "OperatorGroup" | "Subscription" => 0,
        "ZeroTrustWorkloadIdentityManager" => 1,
        "SpireServer"
        | "SpireAgent"
        | "SpiffeCSIDriver"
        | "SpireOIDCDiscoveryProvider"
        | "ClusterSPIFFEID"
        | "ArgoCD" => 2,
        "Secret" | "Application" => 3,
        other => panic!("unexpected kind {other}"),
    };
    for a in manifests {
        let skip = a.annotation("argocd.argoproj.io/sync-options");
        let olm_crd = !matches!(a.kind(), "Namespace" | "OperatorGroup" | "Subscription" | "Secret");
        assert_eq!(skip == Some("SkipDryRunOnMissingResource=true"), olm_crd, "{} sync-options", a.kind());
        for b in manifests {
            assert_eq!(
                rank(a.kind()).cmp(&rank(b.kind())),
                wave(a).cmp(&wave(b)),
                "{} vs {} sync waves",
                a.kind(),
                b.kind()
            );
        }
    }
}

#[test]
fn minimal_snapshot() {
    let (manifests, results) = management(&read("fn-config/minimal.yaml"));
    crate::support::golden::snapshot("management-minimal.yaml", &stream(&manifests));
    check_invariants(&manifests);
    let note = result_at(&results, "spec.management.gitops.installOperator").expect("the operator note");
    assert_eq!(note.severity, Severity::Warning, "irreversible: printed by default");
    assert!(note.message.contains("DISABLE_DEFAULT_ARGOCD_INSTANCE"), "{}", note.message);
    assert!(note.message.contains("acknowledge `removeDefaultInstance`"), "{}", note.message);
}

#[test]
fn fleet_snapshot() {
    let (manifests, _) = management(&read("fn-config/fleet.yaml"));
    crate::support::golden::snapshot("management-fleet.yaml", &stream(&manifests));
    check_invariants(&manifests);
}

#[test]
fn emission_order_follows_the_issue() {
    let (manifests, _) = management(&read("fn-config/fleet.yaml"));
    let kinds: Vec<&str> = manifests.iter().map(Manifest::kind).collect();
    // By sync wave: operators and namespaces, the ZTWIM singleton, its operands and the instance, then
    // what the running instance reads.
    let mut expected = vec![
        "Namespace",
        "OperatorGroup",
        "Subscription",
        "Namespace",
        "OperatorGroup",
        "Subscription",
        "Namespace",
        "ZeroTrustWorkloadIdentityManager",
        "SpireServer",
        "SpireAgent",
        "SpiffeCSIDriver",
        "SpireOIDCDiscoveryProvider",
        "ArgoCD",
    ];
    expected.extend(["Secret"; 3]);
    expected.extend(["Application"; 2]);
    assert_eq!(kinds, expected);
}

#[test]
fn invariants_hold_for_variations() {
    let several_spokes = variant("fn-config/minimal.yaml", |c| {
        let spokes: Vec<Value> = (0..5)
            .map(|i| {
                yaml(&format!(
                    "{{name: spoke-{i}, server: 'https://api.s{i}.example.com:6443', insecureSkipTLSVerify: {}, \
                     namespaces: [a{i}, b{i}], project: p{i}, audience: aud-{i}}}",
                    i % 2 == 0
                ))
            })
            .collect();
        set(c, "spec.spokes", Value::Sequence(spokes));
    });
    let variants = [
        read("fn-config/minimal.yaml"),
        read("fn-config/fleet.yaml"),
        variant("fn-config/minimal.yaml", |c| set(c, "spec.management.execAuth.credentialVersion", "v1".into())),
        variant("fn-config/fleet.yaml", |c| set(c, "spec.management.execAuth.credentialVersion", "v1".into())),
        variant("fn-config/minimal.yaml", |c| {
            set(c, "spec.management.execAuth.binDir", "/opt/spiffe/bin/".into());
            set(c, "spec.management.execAuth.socketDir", "/spiffe-workload-api".into());
        }),
        several_spokes,
        // The init container's scratch directory moves out of binDir's way.
        variant("fn-config/minimal.yaml", |c| set(c, "spec.management.execAuth.binDir", "/scratch".into())),
        variant("fn-config/minimal.yaml", |c| set(c, "spec.management.execAuth.binDir", "/scratch/bin/".into())),
        variant("fn-config/minimal.yaml", |c| set(c, "spec.management.execAuth.method", "archive".into())),
        variant("fn-config/minimal.yaml", |c| {
            set(c, "spec.management.execAuth.method", "image".into());
            set(
                c,
                "spec.management.execAuth.pluginImage",
                "ghcr.io/spiffe/k8s-spiffe-workload-jwt-exec-auth:0.0.7".into(),
            );
        }),
        variant("fn-config/fleet.yaml", |c| {
            set(c, "spec.identity", "shared".into());
            set(c, "spec.management.ztwim.install", false.into());
            set(c, "spec.management.gitops.installOperator", false.into());
            set(c, "spec.management.execAuth.method", "archive".into());
            set(c, "spec.management.execAuth.arch", "arm64".into());
            set(c, "spec.management.execAuth.sha256", "ab".repeat(32).into());
            set(c, "spec.management.execAuth.image", "registry.example.com/tools/ubi:9.6".into());
        }),
    ];
    for (i, config) in variants.iter().enumerate() {
        let (manifests, _) = management(config);
        eprintln!("variant {i}: {} objects", manifests.len());
        check_invariants(&manifests);
    }
}

#[test]
fn custom_paths_and_credential_version_reach_every_consumer() {
    let config = variant("fn-config/minimal.yaml", |c| {
        set(c, "spec.management.execAuth.method", "archive".into());
        set(c, "spec.management.execAuth.binDir", "/opt/spiffe/bin/".into());
        set(c, "spec.management.execAuth.socketDir", "/spiffe-workload-api".into());
        set(c, "spec.management.execAuth.credentialVersion", "v1".into());
    });
    let (manifests, _) = management(&config);
    let secret = one(&manifests, "Secret");
    let config: serde_json::Value = serde_json::from_str(str_at(&secret, "stringData.config")).unwrap();
    let exec = &config["execProviderConfig"];
    assert_eq!(exec["command"], "/opt/spiffe/bin/k8s-spiffe-workload-jwt-exec-auth");
    assert_eq!(exec["apiVersion"], "client.authentication.k8s.io/v1");
    assert_eq!(exec["env"]["EXEC_CREDENTIAL_VERSION"], "v1");
    assert_eq!(exec["env"]["SPIFFE_ENDPOINT_SOCKET"], "unix:///spiffe-workload-api/spire-agent.sock");
}

/// The default install: one hardened init container from this project's image, at the version that
/// generated the output, copies the binary into binDir; the cluster Secret runs `credential` with the
/// audience and socket as arguments, exec v1, no env.
#[test]
fn the_builtin_helper_is_the_default_install() {
    let config = variant("fn-config/minimal.yaml", |c| {
        set(c, "spec.management.execAuth.binDir", "/opt/spiffe/bin/".into());
        set(c, "spec.management.execAuth.socketDir", "/spiffe-workload-api".into());
    });
    let (manifests, results) = management(&config);
    let argocd = one(&manifests, "ArgoCD");
    let spec = argocd.get("spec").unwrap();
    for key in COMPONENTS {
        let init = seq(spec.get(key).unwrap(), "initContainers");
        assert_eq!(init.len(), 1, "{key}: one init container");
        let c = &init[0];
        assert_eq!(str_at(c, "image"), format!("ghcr.io/ztwim-gitops/ztwim-gitops:{}", env!("CARGO_PKG_VERSION")));
        assert_eq!(str_at(c, "imagePullPolicy"), "IfNotPresent");
        let command: Vec<&str> = seq(c, "command").iter().map(|v| v.as_str().unwrap()).collect();
        assert_eq!(
            command,
            ["/usr/local/bin/ztwim-gitops", "copy-file", "/usr/local/bin/ztwim-gitops", "/opt/spiffe/bin/ztwim-gitops"]
        );
        assert!(c.get("env").is_none(), "{key}: no environment, no download");
        let sc = c.get("securityContext").unwrap();
        assert_eq!(sc["allowPrivilegeEscalation"], Value::from(false));
        assert_eq!(sc["readOnlyRootFilesystem"], Value::from(true));
        assert_eq!(sc["runAsNonRoot"], Value::from(true));
        assert_eq!(str_at(sc, "seccompProfile.type"), "RuntimeDefault");
        assert_eq!(seq(sc.get("capabilities").unwrap(), "drop"), [Value::from("ALL")]);
        let volumes: Vec<&str> = seq(spec.get(key).unwrap(), "volumes").iter().map(|v| str_at(v, "name")).collect();
        assert_eq!(volumes, ["binaries", "spiffe-workload-api"], "{key}: no scratch volume is needed");
    }
    let secret = one(&manifests, "Secret");
    let config: serde_json::Value = serde_json::from_str(str_at(&secret, "stringData.config")).unwrap();
    let exec = &config["execProviderConfig"];
    assert_eq!(
        exec,
        &serde_json::json!({
            "command": "/opt/spiffe/bin/ztwim-gitops",
            "args": ["credential", "--audience", "spoke-cluster", "--socket", "unix:///spiffe-workload-api/spire-agent.sock"],
            "apiVersion": "client.authentication.k8s.io/v1",
            "installHint": "ztwim-gitops is installed into /opt/spiffe/bin by the install-jwt-spiffe init container of the Argo CD application controller and server; check that container's log."
        })
    );
    let warnings: Vec<&KrmResult> = results.iter().filter(|r| r.severity != Severity::Info).collect();
    assert!(warnings.iter().all(|r| !r.message.contains("sha256") && !r.message.contains("unused")), "{warnings:?}");
}

#[test]
fn sha256_is_passed_to_the_init_container_only_when_set() {
    let env_names = |text: &str| -> Vec<String> {
        let (manifests, _) = management(text);
        let argocd = one(&manifests, "ArgoCD");
        let init = &seq(argocd.get("spec").unwrap().get("server").unwrap(), "initContainers")[0];
        seq(init, "env").iter().map(|e| str_at(e, "name").to_string()).collect()
    };
    let archive = variant("fn-config/minimal.yaml", |c| set(c, "spec.management.execAuth.method", "archive".into()));
    assert!(!env_names(&archive).contains(&"ARCHIVE_SHA256".to_string()));
    let pinned = variant("fn-config/minimal.yaml", |c| {
        set(c, "spec.management.execAuth.method", "archive".into());
        set(c, "spec.management.execAuth.sha256", "0f".repeat(32).into())
    });
    assert!(env_names(&pinned).contains(&"ARCHIVE_SHA256".to_string()));
}

#[test]
fn argocd_spec_is_merged_last() {
    let config = variant("fn-config/minimal.yaml", |c| {
        set(
            c,
            "spec.management.gitops.argocdSpec",
            yaml(
                "{server: {replicas: 2, route: {enabled: false}}, rbac: {scopes: '[email]'}, \
                 controller: {volumes: [{name: extra, emptyDir: {}}]}, notifications: {enabled: true}}",
            ),
        )
    });
    let (manifests, results) = management(&config);
    let argocd = one(&manifests, "ArgoCD");
    let spec = argocd.get("spec").unwrap();
    // Maps merge: siblings of the overridden keys survive.
    assert_eq!(spec["server"]["replicas"], Value::from(2));
    assert_eq!(spec["server"]["route"]["enabled"], Value::from(false));
    assert_eq!(str_at(spec, "server.route.tls.termination"), "reencrypt");
    assert_eq!(seq(spec.get("server").unwrap(), "volumes").len(), 2);
    assert_eq!(str_at(spec, "rbac.scopes"), "[email]");
    assert!(str_at(spec, "rbac.policy").contains("role:admin"));
    assert_eq!(spec["notifications"]["enabled"], Value::from(true));
    // Lists replace, and a replaced plumbing list is called out.
    assert_eq!(seq(spec.get("controller").unwrap(), "volumes").len(), 1);
    let warning = result_at(&results, "spec.management.gitops.argocdSpec.controller.volumes").expect("a warning");
    assert_eq!(warning.severity, Severity::Warning);
    assert!(result_at(&results, "spec.management.gitops.argocdSpec.server.volumes").is_none());
}

/// The warning about dropped plumbing follows the merged result: keeping the generated entries (what it
/// asks for) silences it, and replacing a whole component triggers it.
#[test]
fn plumbing_warning_follows_what_the_merge_keeps() {
    let (clean, _) = management(&read("fn-config/minimal.yaml"));
    let generated = one(&clean, "ArgoCD").get("spec").unwrap().get("controller").unwrap().clone();
    let mut volumes = seq(&generated, "volumes").to_vec();
    volumes.push(yaml("{name: extra, emptyDir: {}}"));
    let mut mounts = seq(&generated, "volumeMounts").to_vec();
    mounts.push(yaml("{name: extra, mountPath: /extra}"));
    let warnings = |argocd_spec: Value| -> Vec<String> {
        let config = variant("fn-config/minimal.yaml", |c| set(c, "spec.management.gitops.argocdSpec", argocd_spec));
        let (_, results) = management(&config);
        results
            .iter()
            .filter(|r| r.severity == Severity::Warning)
            .filter_map(|r| r.field.as_ref().map(|f| f.path.clone()))
            .filter(|p| p.starts_with("spec.management.gitops.argocdSpec"))
            .collect()
    };
    let mut kept = Value::Mapping(Default::default());
    set(&mut kept, "controller.volumes", Value::Sequence(volumes));
    set(&mut kept, "controller.volumeMounts", Value::Sequence(mounts));
    set(&mut kept, "controller.initContainers", generated.get("initContainers").unwrap().clone());
    assert_eq!(warnings(kept), Vec::<String>::new(), "every generated entry kept, one added");
    assert_eq!(
        warnings(yaml("{server: {volumeMounts: [{name: extra, mountPath: /extra}]}}")),
        ["spec.management.gitops.argocdSpec.server.volumeMounts"]
    );
    assert_eq!(warnings(yaml("{controller: null}")), ["spec.management.gitops.argocdSpec.controller"]);
}

/// Resolves a typed spec and generates the management cluster's objects; None when it does not resolve.
fn resolved(spec: Spec, owner: &str) -> Option<(Vec<Manifest>, Diagnostics)> {
    let reference = ConfigRef { name: owner.into(), ..ConfigRef::default() };
    let (model, _) = resolve(&Config::from_spec(reference, spec), &Options::default()).ok()?;
    let generated = generate::generate(&model);
    let manifests = generated.manifests.into_iter().filter(|m| m.cluster == model::Cluster::Management).collect();
    Some((manifests, generated.notes))
}

fn minimal_spec() -> Spec {
    let minimal: Value = serde_yaml_ng::from_str(&read("fn-config/minimal.yaml")).unwrap();
    serde_yaml_ng::from_value(minimal.get("spec").unwrap().clone()).unwrap()
}

#[test]
fn an_argocd_spec_that_is_not_a_map_never_reaches_the_generator() {
    let (clean, _) = resolved(minimal_spec(), "x").expect("the minimal config resolves");
    let mut spec = minimal_spec();
    spec.management.gitops.argocd_spec = Value::Null;
    let (manifests, notes) = resolved(spec, "x").expect("a null argocdSpec is no argocdSpec");
    assert_eq!(one(&manifests, "ArgoCD"), one(&clean, "ArgoCD"));
    assert!(notes.iter().all(|n| n.severity != Severity::Warning), "{notes:?}");
    let mut spec = minimal_spec();
    spec.management.gitops.argocd_spec = Value::from("replicas: 2");
    assert!(resolved(spec, "x").is_none(), "a non-map argocdSpec is an error, so no model exists to generate from");
}

#[test]
fn admin_default_policy_is_a_warning() {
    let config =
        variant("fn-config/minimal.yaml", |c| set(c, "spec.management.gitops.rbac.defaultPolicy", "role:admin".into()));
    let (manifests, results) = management(&config);
    assert_eq!(str_at(&one(&manifests, "ArgoCD"), "spec.rbac.defaultPolicy"), "role:admin");
    let warning = result_at(&results, "spec.management.gitops.rbac.defaultPolicy").expect("a warning");
    assert_eq!(warning.severity, Severity::Warning);
    assert!(warning.message.contains("admin"));
    let (_, quiet) = management(&read("fn-config/minimal.yaml"));
    assert!(result_at(&quiet, "spec.management.gitops.rbac.defaultPolicy").is_none());
}

#[test]
fn optional_installs_are_left_out() {
    let config = variant("fn-config/minimal.yaml", |c| {
        set(c, "spec.management.ztwim.install", false.into());
        set(c, "spec.management.gitops.installOperator", false.into());
    });
    let (manifests, results) = management(&config);
    assert!(find(&manifests, "Subscription").is_empty());
    assert!(find(&manifests, "OperatorGroup").is_empty());
    assert_eq!(find(&manifests, "Namespace").len(), 1, "only the Argo CD namespace");
    assert_eq!(find(&manifests, "SpireServer").len(), 1, "the instance is still generated");
    assert!(results.iter().all(|r| !r.message.contains("DISABLE_DEFAULT_ARGOCD_INSTANCE")));
}

#[test]
fn image_pull_policy_matches_the_api_server_default() {
    for (image, policy) in [
        ("registry.redhat.io/ubi9/ubi:latest", "Always"),
        ("registry.redhat.io/ubi9/ubi", "Always"),
        ("registry.example.com:5000/ubi9/ubi", "Always"),
        ("registry.example.com:5000/ubi9/ubi:9.6", "IfNotPresent"),
        ("registry.redhat.io/ubi9/ubi@sha256:0123", "IfNotPresent"),
        ("registry.redhat.io/ubi9/ubi:latest@sha256:0123", "IfNotPresent"),
    ] {
        let mut spec = minimal_spec();
        spec.management.exec_auth.method = ExecAuthMethod::Archive;
        spec.management.exec_auth.image = image.into();
        let (model, _) = resolve(&Config::from_spec(ConfigRef::default(), spec.clone()), &Options::default()).unwrap();
        let PluginInstall::Archive(archive) = &model.plugin.install else { panic!("method archive") };
        assert_eq!(archive.image.pull_policy, policy, "{image}");
        // The built-in helper's image follows the same rule.
        spec.management.exec_auth.method = ExecAuthMethod::Builtin;
        spec.management.exec_auth.copier_image = image.into();
        let (model, _) = resolve(&Config::from_spec(ConfigRef::default(), spec), &Options::default()).unwrap();
        let PluginInstall::Builtin(builtin) = &model.plugin.install else { panic!("method builtin") };
        assert_eq!(builtin.pull_policy, policy, "{image}");
    }
}

const HOSTILE: &str = "x'\"; $(touch /tmp/pwned) `id` ${HOME}\nevil: {{ version }} #";
/// Keys whose values are enums: a hostile value would not even deserialise.
const ENUM_KEYS: [&str; 6] = ["identity", "installPlanApproval", "arch", "credentialVersion", "type", "method"];

/// [`HOSTILE`] as an https URL without spaces, which the download URL rule accepts.
const HOSTILE_URL: &str = "https://x.example/';$(touch${IFS}/tmp/pwned);'`id`\"";
/// An audience may hold anything but white space and control characters (issue 19): the same shell and
/// template syntax, without them.
const HOSTILE_AUDIENCE: &str = "x'\";$(touch${IFS}/tmp/pwned)`id`${HOME}{{version}}#";

/// Replaces every string in the config, at any depth, with [`HOSTILE`].
fn poison(value: &mut Value, key: Option<&str>) {
    match value {
        Value::String(s) if key == Some("downloadURL") => *s = HOSTILE_URL.into(),
        Value::String(s) if !key.is_some_and(|k| ENUM_KEYS.contains(&k)) => *s = HOSTILE.into(),
        Value::Sequence(items) => items.iter_mut().for_each(|v| poison(v, key)),
        Value::Mapping(map) => {
            for (k, v) in map.iter_mut() {
                poison(v, k.as_str());
            }
        }
        _ => {}
    }
}

/// Every string of the fleet config made hostile, then each one the resolver refuses put back: what is
/// left is every hostile value that reaches the generators.
fn hostile_fleet() -> Spec {
    let fleet: Value = serde_yaml_ng::from_str(&read("fn-config/fleet.yaml")).unwrap();
    let mut original: Spec = serde_yaml_ng::from_value(fleet.get("spec").unwrap().clone()).unwrap();
    // The download script is method archive's; the other methods run no shell at all.
    original.management.exec_auth.method = ExecAuthMethod::Archive;
    original.management.exec_auth.sha256 = "a".repeat(64);
    original.spokes[0].username_prefix = "spiffe:".into();
    let original = serde_yaml_ng::to_value(&original).unwrap();
    let mut value = original.clone();
    poison(&mut value, None);
    value["audience"] = HOSTILE_AUDIENCE.into();
    for spoke in value["spokes"].as_sequence_mut().into_iter().flatten() {
        spoke["audience"] = HOSTILE_AUDIENCE.into();
    }
    for _ in 0..10 {
        let spec: Spec = serde_yaml_ng::from_value(value.clone()).unwrap();
        let Err(diags) = resolve(&Config::from_spec(ConfigRef::default(), spec.clone()), &Options::default()) else {
            return spec;
        };
        for path in diags.iter().filter(|d| d.severity == Severity::Error).filter_map(|d| d.path.clone()) {
            let keys: Vec<&str> = path.strip_prefix("spec.").unwrap().split('.').collect();
            let mut back = &original;
            let mut here = &mut value;
            for k in keys {
                (back, here) = match k.parse::<usize>() {
                    Ok(i) => (&back[i], &mut here[i]),
                    Err(_) => (&back[k], &mut here[k]),
                };
            }
            *here = back.clone();
        }
    }
    panic!("the hostile fleet never resolved");
}

#[test]
fn hostile_strings_never_reach_the_script_and_the_output_still_parses() {
    let spec = hostile_fleet();
    assert_eq!(spec.management.exec_auth.download_url, HOSTILE_URL, "the hostile download URL is accepted");
    let (manifests, _) = resolved(spec, "hostile").expect("resolves");

    let (clean, _) =
        management(&variant("fn-config/minimal.yaml", |c| set(c, "spec.management.execAuth.method", "archive".into())));
    let script_of = |manifests: &[Manifest], key: &str| -> Vec<Value> {
        let component = one(manifests, "ArgoCD").get("spec").unwrap().get(key).unwrap().clone();
        let init = seq(&component, "initContainers")[0].clone();
        seq(&init, "command").to_vec()
    };
    for key in COMPONENTS {
        let command = script_of(&manifests, key);
        assert_eq!(command, script_of(&clean, key), "{key}: the script text does not depend on the config");
        let text = serde_yaml_ng::to_string(&command).unwrap();
        for marker in ["pwned", "`id`", "evil", "{{"] {
            assert!(!text.contains(marker), "{key}: `{marker}` inside the init container command");
        }
        let argocd = one(&manifests, "ArgoCD");
        let init = &seq(argocd.get("spec").unwrap().get(key).unwrap(), "initContainers")[0];
        let env: Vec<&str> = seq(init, "env").iter().filter_map(|e| e.get("value").and_then(Value::as_str)).collect();
        assert!(env.iter().any(|v| v.contains("pwned")), "{key}: the hostile values travel in env");
    }

    let text = stream(&manifests);
    let parsed: Vec<Value> =
        serde_yaml_ng::Deserializer::from_str(&text).map(|d| Value::deserialize(d).unwrap()).collect();
    let objects: Vec<Value> = manifests.iter().map(|m| m.value().clone()).collect();
    assert_eq!(parsed, objects, "the output round-trips through YAML");
    for secret in find(&manifests, "Secret") {
        let config: serde_json::Value = serde_json::from_str(str_at(&secret, "stringData.config")).unwrap();
        assert_eq!(
            config["execProviderConfig"]["env"]["SPIFFE_JWT_AUDIENCE"], HOSTILE_AUDIENCE,
            "audiences travel as data"
        );
        assert_no_credentials(&config);
    }
    // The built-in helper gets the same audience as one argument of its own: no shell ever splits it.
    let mut builtin = hostile_fleet();
    builtin.management.exec_auth = ztwim_gitops::config::ExecAuth {
        method: ExecAuthMethod::Builtin,
        bin_dir: builtin.management.exec_auth.bin_dir.clone(),
        socket_dir: builtin.management.exec_auth.socket_dir.clone(),
        ..Default::default()
    };
    let (manifests, _) = resolved(builtin, "hostile-builtin").expect("resolves");
    for secret in find(&manifests, "Secret") {
        let config: serde_json::Value = serde_json::from_str(str_at(&secret, "stringData.config")).unwrap();
        assert_eq!(config["execProviderConfig"]["args"][2], HOSTILE_AUDIENCE, "the audience is one argument");
    }
}

#[test]
fn create_namespace_only_where_argo_cd_may_create_namespaces() {
    // fleet's guestbook targets the namespace-scoped spoke-c; make it automated too.
    let text = variant("fn-config/fleet.yaml", |v| {
        let guestbook = &mut v["spec"]["applications"][1];
        assert_eq!(guestbook["spoke"].as_str(), Some("spoke-c"));
        guestbook["automated"] = Value::Bool(true);
    });
    let (manifests, _) = management(&text);
    let options = |name: &str| {
        let app = find(&manifests, "Application").into_iter().find(|a| str_at(a, "metadata.name") == name).unwrap();
        let policy = app.get("spec").and_then(|s| s.get("syncPolicy")).expect("automated apps have a sync policy");
        assert!(policy.get("automated").is_some());
        policy.get("syncOptions").map(|o| serde_yaml_ng::to_string(o).unwrap())
    };
    assert_eq!(options("gitops-helm-quarkus").as_deref(), Some("- CreateNamespace=true\n"), "cluster-wide spoke");
    assert_eq!(options("guestbook"), None, "Argo CD refuses to create a Namespace on a namespace-scoped spoke");
}

#[test]
fn respect_rbac_is_set_exactly_when_a_spoke_is_namespace_scoped() {
    let respect = |text: &str| {
        let (manifests, _) = management(text);
        one(&manifests, "ArgoCD")["spec"]["controller"].get("respectRBAC").and_then(Value::as_str).map(String::from)
    };
    assert_eq!(respect(&read("fn-config/minimal.yaml")), None, "cluster-wide spokes only");
    assert_eq!(respect(&read("fn-config/fleet.yaml")).as_deref(), Some("normal"), "fleet's spoke-c has namespaces");
}
