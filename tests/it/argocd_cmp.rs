//! Argo CD config management plugin mode (`packaging/argocd-cmp`): plugin.yaml against a strict mirror of
//! Argo CD's schema, its `generate` run the way the CMP server runs it on a repository checkout, the
//! sidecar snippet inside the ArgoCD CR we generate, the ConfigMap and the example Application.

use crate::support as common;
use crate::support::schema;

use common::*;
use serde::Deserialize;
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// Argo CD's `PluginConfig` (argoproj/argo-cd cmpserver/plugin/config.go and, for the parameter
/// announcements, reposerver/apiclient/repository.pb.go `ParameterAnnouncement`, both @37ee0097cf85).
/// Argo CD itself reads it leniently (sigs.k8s.io/yaml into encoding/json ignores unknown keys), so a
/// misspelt key would silently do nothing there; this mirror refuses unknown fields instead.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct PluginConfig {
    api_version: String,
    kind: String,
    metadata: PluginMetadata,
    spec: PluginConfigSpec,
}

/// metav1.ObjectMeta, as far as a file on disk can use it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PluginMetadata {
    name: String,
    #[serde(default)]
    #[allow(dead_code)]
    annotations: BTreeMap<String, String>,
    #[serde(default)]
    #[allow(dead_code)]
    labels: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct PluginConfigSpec {
    #[serde(default)]
    version: String,
    #[serde(default)]
    init: CmpCommand,
    generate: CmpCommand,
    #[serde(default)]
    discover: Discover,
    #[serde(default)]
    parameters: Parameters,
    #[serde(default)]
    preserve_file_mode: bool,
    #[serde(default)]
    provide_git_creds: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CmpCommand {
    #[serde(default)]
    command: Vec<String>,
    #[serde(default)]
    args: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Discover {
    #[serde(default)]
    find: Find,
    #[serde(default)]
    file_name: String,
}

/// `Find` embeds `Command`, so its fields sit beside `glob`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Find {
    #[serde(default)]
    command: Vec<String>,
    #[serde(default)]
    #[allow(dead_code)]
    args: Vec<String>,
    #[serde(default)]
    glob: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Parameters {
    #[serde(default, rename = "static")]
    announcements: Vec<ParameterAnnouncement>,
    #[serde(default)]
    #[allow(dead_code)]
    dynamic: CmpCommand,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[allow(dead_code)]
struct ParameterAnnouncement {
    name: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    tooltip: String,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    item_type: String,
    #[serde(default)]
    collection_type: String,
    #[serde(default)]
    string: String,
    #[serde(default)]
    array: Vec<String>,
    #[serde(default)]
    map: BTreeMap<String, String>,
}

/// `ValidatePluginConfig` of the same file, plus what the docs say of the apiVersion and what newer Argo
/// CD refuses (`spec.version`, removed in favour of a versioned `metadata.name`).
fn validate(c: &PluginConfig) -> Result<(), String> {
    if c.metadata.name.is_empty() {
        return Err("metadata.name should be non-empty".into());
    }
    if c.kind != "ConfigManagementPlugin" {
        return Err(format!("kind should be ConfigManagementPlugin, found {}", c.kind));
    }
    if c.api_version != "argoproj.io/v1alpha1" {
        return Err(format!("apiVersion should be argoproj.io/v1alpha1, found {}", c.api_version));
    }
    if !c.spec.version.is_empty() {
        return Err("spec.version is no longer supported".into());
    }
    if c.spec.generate.command.is_empty() {
        return Err("spec.generate command should be non-empty".into());
    }
    Ok(())
}

fn file(rel: &str) -> String {
    std::fs::read_to_string(Path::new(ROOT).join("packaging/argocd-cmp").join(rel)).unwrap()
}

fn plugin_text() -> String {
    file("plugin.yaml")
}

fn parse_plugin(text: &str) -> Result<PluginConfig, String> {
    let config: PluginConfig = serde_yaml_ng::from_str(text).map_err(|e| e.to_string())?;
    validate(&config)?;
    Ok(config)
}

fn plugin() -> PluginConfig {
    parse_plugin(&plugin_text()).unwrap_or_else(|e| panic!("plugin.yaml: {e}"))
}

fn yaml(rel: &str) -> Json {
    serde_json::to_value(serde_yaml_ng::from_str::<serde_yaml_ng::Value>(&file(rel)).unwrap()).unwrap()
}

#[test]
fn plugin_yaml_is_a_valid_config_management_plugin() {
    let p = plugin();
    assert_eq!(p.metadata.name, "ztwim-gitops");
    assert!(p.spec.init.command.is_empty(), "nothing to prepare: generate reads the checkout as it is");
    assert!(!p.spec.preserve_file_mode && !p.spec.provide_git_creds, "no executable files, no git credentials");
    assert!(p.spec.discover.find.command.is_empty() && p.spec.discover.find.glob.is_empty());
    assert_eq!(p.spec.discover.file_name, "ztwim-gitops.yaml");
    let announced: Vec<&str> = p.spec.parameters.announcements.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(announced, ["target"]);
    // No shell anywhere (the image has none, and values must never become shell text).
    let generate = [p.spec.generate.command.clone(), p.spec.generate.args.clone()].concat();
    let program = generate[0].rsplit('/').next().unwrap_or_default();
    assert!(!["sh", "bash", "dash", "ash", "env"].contains(&program), "{generate:?}");
    assert!(!generate.iter().any(|w| w.contains('$')), "{generate:?}: nothing is interpolated");
}

#[test]
fn the_mirror_refuses_what_argo_cd_would_ignore_or_reject() {
    let text = plugin_text();
    for (what, from, to) in [
        ("misspelt discovery", "fileName:", "filename:"),
        ("misspelt generate", "generate:", "generator:"),
        ("unknown announcement field", "tooltip:", "hint:"),
        ("wrong kind", "kind: ConfigManagementPlugin", "kind: ConfigManagementPlugins"),
        ("removed version", "spec:\n", "spec:\n  version: v1\n"),
        (
            "empty generate command",
            "    command: [/usr/local/bin/ztwim-gitops",
            "    args: [/usr/local/bin/ztwim-gitops",
        ),
        ("empty name", "  name: ztwim-gitops\n", "  name: \"\"\n"),
    ] {
        assert!(text.contains(from), "{what}: `{from}` not in plugin.yaml");
        let broken = text.replacen(from, to, 1);
        assert!(parse_plugin(&broken).is_err(), "{what}: accepted");
    }
}

/// What `ApplicationSourcePluginParameters.Environ` (argo-cd pkg/apis/application/v1alpha1/types.go
/// @37ee0097) makes of an Application's plugin parameters: `ARGOCD_APP_PARAMETERS` as JSON and one
/// `PARAM_<NAME>` per value, the name upper-cased with everything but `[A-Z0-9_]` turned into `_`.
fn parameter_env(parameters: &Json) -> Vec<(String, String)> {
    let escaped = |s: &str| {
        s.to_uppercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' })
            .collect::<String>()
    };
    let mut env = vec![("ARGOCD_APP_PARAMETERS".to_string(), parameters.to_string())];
    for p in parameters.as_array().into_iter().flatten() {
        let base = format!("PARAM_{}", escaped(p["name"].as_str().unwrap_or_default()));
        if let Some(s) = p["string"].as_str() {
            env.push((base.clone(), s.to_string()));
        }
        for (k, v) in p["map"].as_object().into_iter().flatten() {
            env.push((format!("{base}_{}", escaped(k)), v.as_str().unwrap_or_default().to_string()));
        }
        for (i, v) in p["array"].as_array().into_iter().flatten().enumerate() {
            env.push((format!("{base}_{i}"), v.as_str().unwrap_or_default().to_string()));
        }
    }
    env
}

/// Runs the plugin's `generate` the way argocd-cmp-server does (cmpserver/plugin/plugin.go `runCommand`:
/// exec of command + args, no shell, in the Application's directory of the unpacked checkout, with the
/// sidecar's environment plus the build environment and the parameters), our binary standing in for the
/// image's, which is the same file at the same path.
fn run_generate(checkout: &Path, app: &Json, parameters: &Json) -> std::process::Output {
    let p = plugin();
    let words = [p.spec.generate.command.clone(), p.spec.generate.args.clone()].concat();
    let path = app["spec"]["source"]["path"].as_str().unwrap();
    let source = &app["spec"]["source"];
    let build_env = [
        ("ARGOCD_APP_NAME", app["metadata"]["name"].as_str().unwrap()),
        ("ARGOCD_APP_NAMESPACE", app["spec"]["destination"]["namespace"].as_str().unwrap_or("")),
        ("ARGOCD_APP_PROJECT_NAME", app["spec"]["project"].as_str().unwrap()),
        ("ARGOCD_APP_REVISION", "f913b6cbf58aa5ae5ca1f8a2b149477aebcbd9d8"),
        ("ARGOCD_APP_REVISION_SHORT", "f913b6c"),
        ("ARGOCD_APP_SOURCE_PATH", path),
        ("ARGOCD_APP_SOURCE_REPO_URL", source["repoURL"].as_str().unwrap()),
        ("ARGOCD_APP_SOURCE_TARGET_REVISION", source["targetRevision"].as_str().unwrap()),
        ("KUBE_VERSION", "1.33.0"),
        ("KUBE_API_VERSIONS", "v1,apps/v1"),
    ];
    run(
        Command::new(BIN)
            .args(&words[1..])
            .current_dir(checkout.join(path))
            .env_clear()
            .envs(build_env)
            .envs(parameter_env(parameters)),
        false,
    )
}

/// The documents of a stream the way Argo CD splits them (gitops-engine kube.SplitYAMLToString): each
/// must be one Kubernetes object.
fn objects(stream: &str) -> Vec<Json> {
    serde_yaml_ng::Deserializer::from_str(stream)
        .map(|d| serde_json::to_value(serde_yaml_ng::Value::deserialize(d).expect("valid YAML")).unwrap())
        .filter(|v| !v.is_null())
        .collect()
}

/// A checkout as the CMP server unpacks it: the repository, the config at the Application's path next to
/// files that are not ours.
fn checkout(app: &Json) -> TempDir {
    let repo = TempDir::new("cmp-checkout");
    let dir = repo.path().join(app["spec"]["source"]["path"].as_str().unwrap());
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(Path::new(ROOT).join("fn-config/fleet.yaml"), dir.join("ztwim-gitops.yaml")).unwrap();
    std::fs::write(dir.join("README.md"), "# the management cluster\n").unwrap();
    std::fs::write(repo.path().join("kustomization.yaml"), "resources: []\n").unwrap();
    repo
}

#[test]
fn generate_runs_on_a_checkout_as_the_plugin_runs_it() {
    let app = yaml("application.yaml");
    let repo = checkout(&app);
    let p = plugin();
    // Discovery: fileName is a glob on the Application's directory; ours has no metacharacters.
    let pattern = &p.spec.discover.file_name;
    assert!(!pattern.contains(['*', '?', '[']), "{pattern}");
    let app_dir = repo.path().join(app["spec"]["source"]["path"].as_str().unwrap());
    assert!(app_dir.join(pattern).is_file());
    // The command is the image's binary: the Dockerfile's entrypoint.
    let dockerfile = std::fs::read_to_string(Path::new(ROOT).join("Dockerfile")).unwrap();
    let entrypoint = format!("ENTRYPOINT [\"{}\"]", p.spec.generate.command[0]);
    assert!(dockerfile.lines().any(|l| l == entrypoint), "the Dockerfile has no `{entrypoint}`");

    let parameters = &app["spec"]["source"]["plugin"]["parameters"];
    let out = run_generate(repo.path(), &app, parameters);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("error"), "{stderr}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let docs = objects(&stdout);
    assert!(docs.len() > 10, "{stdout}");
    for doc in &docs {
        assert!(
            doc["apiVersion"].is_string() && doc["kind"].is_string() && doc["metadata"]["name"].is_string(),
            "{doc}"
        );
        assert_eq!(doc["metadata"]["annotations"]["ztwim-gitops.dev/target"], "management", "{doc}");
    }
    // Exactly what the CLI prints for that target.
    let cli = run(
        Command::new(BIN).args(["generate", "-c", "fn-config/fleet.yaml", "--target", "management"]).current_dir(ROOT),
        true,
    );
    assert_eq!(stdout, String::from_utf8(cli.stdout).unwrap());

    // Without the parameter, the config's own target. fleet.yaml chooses none and has spokes: the sync fails
    // with the targets listed, rather than syncing every spoke's Authentication into the destination.
    let unchosen = run_generate(repo.path(), &app, &serde_json::json!([]));
    assert_eq!(unchosen.status.code(), Some(1));
    assert_eq!(unchosen.stdout, b"");
    let stderr = String::from_utf8_lossy(&unchosen.stderr);
    assert!(stderr.contains("spec.target: no target is chosen") && stderr.contains("--target all"), "{stderr}");
    // The whole fleet, when the Application asks for it.
    let all = run_generate(repo.path(), &app, &serde_json::json!([{"name": "target", "string": "all"}]));
    assert!(all.status.success());
    let targets: std::collections::BTreeSet<String> = objects(&String::from_utf8(all.stdout).unwrap())
        .iter()
        .map(|d| d["metadata"]["annotations"]["ztwim-gitops.dev/target"].as_str().unwrap().to_string())
        .collect();
    assert!(targets.len() > 2 && targets.contains("spoke/spoke-a"), "{targets:?}");

    // A wrong parameter fails the sync with a message naming it, which Argo CD shows in the UI.
    let bad = run_generate(repo.path(), &app, &serde_json::json!([{"name": "target", "string": "spoke/typo"}]));
    assert_eq!(bad.status.code(), Some(1));
    assert_eq!(bad.stdout, b"");
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(stderr.starts_with("error: --target-env PARAM_TARGET: target `spoke/typo` names no spoke"), "{stderr}");
    // Shell syntax in a value is just a wrong target.
    let hostile =
        run_generate(repo.path(), &app, &serde_json::json!([{"name": "target", "string": "$(touch /tmp/x); all"}]));
    assert_eq!(hostile.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&hostile.stderr).contains("is not one of"), "{:?}", hostile);
}

fn volume_names(list: &Json) -> Vec<&str> {
    list.as_array().into_iter().flatten().filter_map(|v| v["name"].as_str()).collect()
}

#[test]
fn the_sidecar_mounts_what_argo_cd_requires_and_merges_into_our_argocd_cr() {
    let snippet = yaml("argocd-sidecar.yaml");
    let repo = &snippet["spec"]["repo"];
    let sidecars = repo["sidecarContainers"].as_array().unwrap();
    assert_eq!(sidecars.len(), 1);
    let sidecar = &sidecars[0];
    assert_eq!(sidecar["image"], IMAGE);
    assert_eq!(sidecar["command"], serde_json::json!(["/var/run/argocd/argocd-cmp-server"]));
    let mounts: BTreeMap<&str, &Json> =
        sidecar["volumeMounts"].as_array().unwrap().iter().map(|m| (m["mountPath"].as_str().unwrap(), m)).collect();
    // Argo CD's operator manual, "Register the plugin sidecar".
    assert_eq!(mounts["/var/run/argocd"]["name"], "var-files");
    assert_eq!(mounts["/home/argocd/cmp-server/plugins"]["name"], "plugins");
    let config = mounts["/home/argocd/cmp-server/config/plugin.yaml"];
    assert_eq!(config["subPath"], "plugin.yaml");
    assert_ne!(mounts["/tmp"]["name"], "tmp", "the repo-server's tmp volume must not be shared");
    // var-files, plugins and tmp are the operator's own repo-server volumes (argoproj-labs/argocd-operator
    // controllers/argocd/repo_server.go @cf5d1c02); every other mount needs a volume of ours.
    let ours = volume_names(&repo["volumes"]);
    for m in mounts.values() {
        let name = m["name"].as_str().unwrap();
        assert!(["var-files", "plugins"].contains(&name) || ours.contains(&name), "no volume `{name}`");
    }
    let config_volume = repo["volumes"].as_array().unwrap().iter().find(|v| v["name"] == config["name"]).unwrap();
    assert_eq!(config_volume["configMap"]["name"], "ztwim-gitops-cmp");

    // As `management.gitops.argocdSpec`, it lands unchanged in the ArgoCD CR we generate, without warnings.
    let mut config: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(&std::fs::read_to_string(Path::new(ROOT).join("fn-config/minimal.yaml")).unwrap())
            .unwrap();
    let spec: serde_yaml_ng::Value = serde_json::from_value(snippet["spec"].clone()).unwrap();
    config["spec"]["management"] = serde_yaml_ng::from_str("{gitops: {}}").unwrap();
    config["spec"]["management"]["gitops"]["argocdSpec"] = spec;
    let dir = TempDir::new("cmp-argocd");
    let path = dir.path().join("config.yaml");
    std::fs::write(&path, serde_yaml_ng::to_string(&config).unwrap()).unwrap();
    let out = run(Command::new(BIN).args(["generate", "--target", "management", "-c"]).arg(&path), true);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("argocdSpec"), "{stderr}");
    let docs = objects(&String::from_utf8(out.stdout).unwrap());
    let argocd = docs.iter().find(|d| d["kind"] == "ArgoCD").expect("an ArgoCD CR");
    assert_eq!(argocd["metadata"]["name"], snippet["metadata"]["name"]);
    assert_eq!(argocd["metadata"]["namespace"], snippet["metadata"]["namespace"]);
    for (key, value) in repo.as_object().unwrap() {
        assert_eq!(argocd["spec"]["repo"][key], *value, "spec.repo.{key}");
    }
    if let Some(catalog) = schema::catalog() {
        let report = catalog.validate(argocd);
        assert!(report.violations.is_empty(), "{:?}", report.violations);
    }
}

#[test]
fn the_configmap_is_plugin_yaml_verbatim_and_the_application_uses_the_plugin() {
    let snippet = yaml("argocd-sidecar.yaml");
    let app = yaml("application.yaml");
    assert_eq!(app["spec"]["source"]["plugin"]["name"].as_str(), Some(plugin().metadata.name.as_str()));
    assert_eq!(app["metadata"]["namespace"], snippet["metadata"]["namespace"], "Applications live with Argo CD");
    let announced: Vec<String> = plugin().spec.parameters.announcements.into_iter().map(|a| a.name).collect();
    for p in app["spec"]["source"]["plugin"]["parameters"].as_array().unwrap() {
        assert!(announced.iter().any(|a| p["name"] == a.as_str()), "{p} is not announced");
    }
    if let Some(catalog) = schema::catalog() {
        let report = catalog.validate(&app);
        assert!(report.violations.is_empty(), "{:?}", report.violations);
    }
    if !have("kubectl") {
        return;
    }
    let out = run(Command::new("kubectl").args(["kustomize", "packaging/argocd-cmp"]).current_dir(ROOT), true);
    let docs = objects(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(docs.len(), 1, "{docs:?}");
    let cm = &docs[0];
    assert_eq!(cm["kind"], "ConfigMap");
    assert_eq!(cm["metadata"]["name"], "ztwim-gitops-cmp");
    assert_eq!(cm["metadata"]["namespace"], snippet["metadata"]["namespace"]);
    assert_eq!(cm["data"]["plugin.yaml"].as_str(), Some(plugin_text().as_str()));
    if let Some(catalog) = schema::catalog() {
        let report = catalog.validate(cm);
        assert!(report.violations.is_empty(), "{:?}", report.violations);
    }
}

/// The same command inside the image built from our Dockerfile, as its user, on a read-only checkout:
/// the path in plugin.yaml is the image's binary, and it needs nothing else from the image.
#[test]
fn generate_runs_in_the_image_as_the_sidecar_runs_it() {
    let Some(image) = image() else { return };
    let app = yaml("application.yaml");
    let repo = checkout(&app);
    let p = plugin();
    let workdir = format!("/tmp/_cmp_server/checkout/{}", app["spec"]["source"]["path"].as_str().unwrap());
    let ctr = String::from_utf8(run(buildah().args(["from", "--pull-never", "--quiet", image]), true).stdout).unwrap();
    let ctr = ctr.trim().to_string();
    let out = run(
        buildah()
            .args(["run", "--isolation", "chroot", "--volume"])
            .arg(format!("{}:/tmp/_cmp_server/checkout:ro", repo.path().display()))
            .args(["--workingdir", &workdir, "--env", "PARAM_TARGET=management", &ctr, "--"])
            .args(&p.spec.generate.command)
            .args(&p.spec.generate.args),
        false,
    );
    run(buildah().args(["rm", &ctr]), false);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let native = run(
        Command::new(BIN).args(["generate", "-c", "fn-config/fleet.yaml", "--target", "management"]).current_dir(ROOT),
        true,
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap(), String::from_utf8(native.stdout).unwrap());
}
