//! `ztwim-gitops import`: what a user already has — Argo CD cluster Secrets (`oc get secret -l
//! argocd.argoproj.io/secret-type=cluster -o yaml`), kubeconfig contexts — in, a ZtwimGitOps config out.
//! With `--plan DIR` it also writes the cut-over as files a reviewer reads ([`plan`]).
//!
//! The config it prints is checked by the real pipeline before it is printed: a spoke the pipeline
//! refuses is left out with the pipeline's own sentence, so `generate -c` on the output always loads
//! and no second copy of the config's validation lives here. It never copies a credential: the only
//! values taken from a cluster Secret are its name, server, CA, TLS choice, project, namespaces and the
//! user's labels; everything else is named in a result.

pub mod kubeconfig;
pub mod plan;

use crate::api::application::{AppProject, Application, ApplicationSet};
use crate::api::argocd_cluster::{ClusterSecretData, IN_CLUSTER_SERVER};
use crate::config::syntax::is_dns_label;
use crate::config::{EksCluster, Spoke as ConfigSpoke, SpokeType};
use crate::diag::Severity;
use crate::doctor::collect;
use crate::krm::{Field, KrmResult};
use crate::model::{CLUSTER_SECRET_TYPE, SECRET_TYPE_LABEL, STANDARD_LABELS, STANDARD_LABEL_PREFIX};
use crate::observed::Object;
use k8s_openapi::api::core::v1::Secret;
use serde_yaml_ng::{Mapping, Value};
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Argo CD cluster Secrets, e.g. from `oc get secret -n openshift-gitops -l
    /// argocd.argoproj.io/secret-type=cluster -o yaml`: files, directories or `-` for stdin (YAML, JSON,
    /// multi-document, `List`). AppProjects and Applications of the old instance in the same input are
    /// re-emitted for the new one by --plan.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// A kubeconfig whose contexts become spokes (server and CA); repeatable.
    #[arg(long, value_name = "FILE")]
    pub kubeconfig: Vec<PathBuf>,
    /// A context of the --kubeconfig files to import (repeatable; default: each file's current context).
    #[arg(long, value_name = "NAME", requires = "kubeconfig")]
    pub context: Vec<String>,
    /// REQUIRED: the management cluster's apps domain (`oc get ingresses.config cluster -o
    /// jsonpath='{.spec.domain}'`).
    #[arg(long, value_name = "DOMAIN")]
    pub app_domain: Option<String>,
    /// `TYPE` for every spoke, or `NAME=TYPE` for one (its old or new name); repeatable. TYPE is openshift
    /// (the default), kubernetes or eks; an `awsAuthConfig` cluster is eks unless named here. A hosted
    /// spoke needs its HostedCluster: import it as openshift and edit `type` and `hostedCluster`.
    #[arg(long, value_name = "[NAME=]TYPE")]
    pub spoke_type: Vec<String>,
    /// `MAJOR.MINOR` of the OpenShift spokes; required when any spoke is `openshift` (4.19 adds an
    /// irreversible TechPreviewNoUpgrade FeatureGate, so it is never guessed).
    #[arg(long, value_name = "MAJOR.MINOR")]
    pub openshift_version: Option<String>,
    /// The new Argo CD namespace (default: the config's default, `ztwim-gitops`). ZTWIM gives no identity
    /// to any namespace whose name contains `openshift`.
    #[arg(long, value_name = "NAMESPACE")]
    pub gitops_namespace: Option<String>,
    /// The config's metadata.name.
    #[arg(long, value_name = "NAME", default_value = "ztwim-gitops")]
    pub name: String,
    /// Also write the cut-over plan into DIR, a new or empty directory.
    #[arg(long, value_name = "DIR")]
    pub plan: Option<PathBuf>,
}

/// What import settles: the decisions the user makes on the command line.
#[derive(Debug, Clone)]
pub struct Options {
    pub name: String,
    pub app_domain: Option<String>,
    pub spoke_type: SpokeType,
    /// Per-spoke types by old or new name, over `spoke_type` and over what the Secret suggests.
    pub spoke_types: BTreeMap<String, SpokeType>,
    pub openshift_version: Option<String>,
    pub gitops_namespace: Option<String>,
}

/// An imported cluster: the spoke it becomes and what the plan needs to know about what it replaces.
#[derive(Debug, Clone)]
pub struct Imported {
    pub spoke: ConfigSpoke,
    /// The cluster's name in the old Argo CD (Applications' `destination.name`).
    pub old_name: String,
    /// The old cluster Secret (namespace, name), when it came from one.
    pub old_secret: Option<(String, String)>,
    /// Credentials the keyless setup replaces, in words.
    pub credentials: Vec<&'static str>,
    /// Where it was read from, for results.
    pub origin: String,
}

/// The outcome of an import: the config's YAML (None on error), every result, and what the plan reads.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub config: Option<String>,
    pub results: Vec<KrmResult>,
    pub spokes: Vec<Imported>,
    /// Applications and AppProjects of the old instance, as read.
    pub argo_objects: Vec<Object>,
    pub gitops_namespace: String,
}

fn result(severity: Severity, path: impl Into<String>, message: impl Into<String>) -> KrmResult {
    KrmResult {
        message: message.into(),
        severity,
        resource_ref: None,
        field: Some(Field { path: path.into() }),
        file: None,
        position: None,
    }
}

/// A user value inside a sentence: control characters escaped, so one result stays one line.
pub(crate) fn shown(s: &str) -> String {
    s.escape_debug().to_string()
}

/// `name` as a DNS-1123 label: lower case, other characters `-`, at most 63; empty when nothing is left.
fn dns_label(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        let c = if c.is_ascii_lowercase() || c.is_ascii_digit() { c } else { '-' };
        if !(c == '-' && (out.is_empty() || out.ends_with('-'))) {
            out.push(c);
        }
    }
    out.truncate(63);
    out.trim_end_matches('-').to_string()
}

/// Runs `import` from the command line; the exit code.
pub fn run(args: &Args, quiet: bool) -> crate::cli::Exit {
    let input = collect::read(&args.paths);
    let mut results: Vec<KrmResult> =
        input.errors.iter().map(|e| result(Severity::Error, "input", e.clone())).collect();
    let mut chosen = Vec::new();
    for path in &args.kubeconfig {
        let (found, problems) = kubeconfig::choose(path, &args.context);
        chosen.extend(found);
        results.extend(problems.into_iter().map(|p| result(Severity::Error, "--kubeconfig", p)));
    }
    if args.paths.is_empty() && args.kubeconfig.is_empty() {
        results.push(result(
            Severity::Error,
            "input",
            "nothing to import: pass cluster Secrets (files or `-`) or --kubeconfig FILE.",
        ));
    }
    let mut spoke_type = SpokeType::Openshift;
    let mut spoke_types = BTreeMap::new();
    for value in &args.spoke_type {
        let (name, word) = value.rsplit_once('=').map_or((None, value.as_str()), |(n, t)| (Some(n), t));
        let parsed = match word {
            "openshift" => SpokeType::Openshift,
            "kubernetes" => SpokeType::Kubernetes,
            "eks" => SpokeType::Eks,
            _ => {
                results.push(result(
                    Severity::Error,
                    "--spoke-type",
                    format!("`{}`: the type must be openshift, kubernetes or eks (a hosted spoke: import it as openshift, then set `type: hosted` and `hostedCluster` in the config).", shown(value)),
                ));
                continue;
            }
        };
        match name {
            Some(name) => {
                spoke_types.insert(name.to_string(), parsed);
            }
            None => spoke_type = parsed,
        }
    }
    let options = Options {
        name: args.name.clone(),
        app_domain: args.app_domain.clone(),
        spoke_type,
        spoke_types,
        openshift_version: args.openshift_version.clone(),
        gitops_namespace: args.gitops_namespace.clone(),
    };
    let mut outcome = import(&input.objects, &chosen, &options);
    results.append(&mut outcome.results);
    results.sort_by_key(|r| r.severity);
    for r in results.iter().filter(|r| !quiet || r.severity == Severity::Error) {
        eprintln!("{}: {}", r.severity.as_str(), r.human_line());
    }
    let failed = results.iter().any(|r| r.severity == Severity::Error);
    let Some(config) = outcome.config.as_deref().filter(|_| !failed) else { return crate::cli::Exit::status(1) };
    if let Some(dir) = &args.plan {
        let files = match plan::plan(&outcome, config) {
            Ok(files) => files,
            Err(e) => {
                eprintln!("error: --plan: {e}");
                return crate::cli::Exit::status(1);
            }
        };
        if let Err(e) = plan::write(dir, &files) {
            eprintln!("error: --plan {}: cannot write the plan: {e}", dir.display());
            return crate::cli::Exit::status(1);
        }
        if !quiet {
            eprintln!(
                "plan: {} files in {}; start with {}",
                files.len(),
                dir.display(),
                dir.join("README.md").display()
            );
        }
    }
    crate::cli::Exit::print(config)
}

/// The pure part: objects and kubeconfig contexts in, the config and its results out.
pub fn import(objects: &[Object], contexts: &[kubeconfig::Chosen], options: &Options) -> Outcome {
    let mut results = Vec::new();
    let mut spokes: Vec<Imported> = Vec::new();
    let mut argo_objects = Vec::new();
    for object in objects {
        if object.is::<Secret>() {
            if let Some(imported) = from_secret(object, &mut results) {
                spokes.push(imported);
            }
        } else if object.is::<Application>() || object.is::<AppProject>() {
            argo_objects.push(object.clone());
        } else if object.is::<ApplicationSet>() {
            results.push(result(
                Severity::Warning,
                shown(&object.display()),
                "not moved: an ApplicationSet keeps creating its Applications on the old instance; re-create it in the new namespace (its cluster generators select the new cluster Secrets by their labels) and delete the old one with --cascade=orphan before moving its Applications.",
            ));
        } else {
            results.push(result(
                Severity::Info,
                shown(&object.display()),
                format!("({}) not a cluster Secret, Application or AppProject; skipped.", shown(&object.origin)),
            ));
        }
    }
    for context in contexts {
        from_context(context, &mut spokes, &mut results);
    }
    unique_names(&mut spokes, &mut results);
    for s in spokes.iter_mut() {
        let named = options.spoke_types.get(&s.old_name).or_else(|| options.spoke_types.get(&s.spoke.name));
        match named {
            Some(t) => s.spoke.type_ = *t,
            None if s.spoke.type_ != SpokeType::Eks => s.spoke.type_ = options.spoke_type,
            None => {}
        }
    }
    // Replacing an existing Argo CD: OpenShift GitOps is installed already, and our Subscription would
    // take over the user's and remove the default instance (DISABLE_DEFAULT_ARGOCD_INSTANCE) while its
    // Applications still live there.
    let replacing = spokes.iter().any(|s| s.old_secret.is_some()) || !argo_objects.is_empty();
    if replacing {
        results.push(result(
            Severity::Info,
            "spec.management.gitops.installOperator",
            "false: OpenShift GitOps is installed already, and the generated Subscription would replace yours and remove the default openshift-gitops instance (DISABLE_DEFAULT_ARGOCD_INSTANCE) before its Applications are moved. Set it to true only after the cut-over, if this config should own the operator.",
        ));
    }
    let gitops_namespace =
        options.gitops_namespace.clone().unwrap_or_else(|| crate::config::Gitops::default().namespace);

    let mut settled = true;
    if options.app_domain.as_deref().unwrap_or_default().is_empty() {
        results.push(result(
            Severity::Error,
            "--app-domain",
            "required: the management cluster's apps domain, e.g. `--app-domain apps.mgmt.example.com` (`oc get ingresses.config cluster -o jsonpath='{.spec.domain}'` on the management cluster).",
        ));
        settled = false;
    }
    let openshift = spokes.iter().filter(|s| s.spoke.type_ == SpokeType::Openshift).count();
    match &options.openshift_version {
        None if openshift > 0 => {
            results.push(result(
                Severity::Error,
                "--openshift-version",
                format!("required: {openshift} imported spoke(s) are OpenShift; give their `MAJOR.MINOR` (`oc get clusterversion version -o jsonpath='{{.status.desired.version}}'`), e.g. `--openshift-version 4.20`. 4.19 needs an irreversible TechPreviewNoUpgrade FeatureGate, so it is never assumed; import spokes of different versions separately or edit openshiftVersion per spoke."),
            ));
            settled = false;
        }
        Some(version) => {
            for s in spokes.iter_mut().filter(|s| s.spoke.type_ == SpokeType::Openshift) {
                s.spoke.openshift_version = version.clone();
            }
        }
        None => {}
    }
    if spokes.is_empty() {
        results.push(result(
            Severity::Warning,
            "input",
            "no cluster could be imported: the config has no spokes (see the results above for each entry left out).",
        ));
    }
    if !settled {
        return Outcome { config: None, results, spokes, argo_objects, gitops_namespace };
    }

    // Check with the real pipeline; leave out every spoke it refuses, with its own words, until it loads.
    loop {
        let text = config_text(&spokes, options, replacing);
        let (_, found) = crate::pipeline::model_from_file(&text, "import");
        let errors: Vec<&KrmResult> = found.iter().filter(|r| r.severity == Severity::Error).collect();
        if errors.is_empty() {
            return Outcome { config: Some(text), results, spokes, argo_objects, gitops_namespace };
        }
        let mut refused: BTreeMap<usize, Vec<String>> = BTreeMap::new();
        let mut general = Vec::new();
        for e in &errors {
            let path = e.field.as_ref().map(|f| f.path.as_str()).unwrap_or_default();
            match path.strip_prefix("spec.spokes.").and_then(|r| r.split('.').next()).and_then(|i| i.parse().ok()) {
                Some(i) if i < spokes.len() => refused.entry(i).or_default().push(e.message.clone()),
                _ => general.push(e),
            }
        }
        if refused.is_empty() {
            for e in general {
                let path = e.field.as_ref().map(|f| f.path.as_str()).unwrap_or("config");
                let flag = match path {
                    "spec.appDomain" => "--app-domain",
                    p if p.starts_with("spec.management.gitops.namespace") => "--gitops-namespace",
                    "metadata.name" => "--name",
                    p => p,
                };
                results.push(result(Severity::Error, flag, e.message.clone()));
            }
            return Outcome { config: None, results, spokes, argo_objects, gitops_namespace };
        }
        for (i, messages) in refused.into_iter().rev() {
            let gone = spokes.remove(i);
            results.push(result(
                Severity::Warning,
                gone.origin.clone(),
                format!("left out: the config would not load: {}", shown(&messages.join(" "))),
            ));
        }
    }
}

/// The ZtwimGitOps object for the imported spokes, written by our emitter.
fn config_text(spokes: &[Imported], options: &Options, replacing: bool) -> String {
    let s = |v: &str| Value::String(v.to_string());
    let mut gitops = Mapping::new();
    if replacing {
        gitops.insert(s("installOperator"), Value::Bool(false));
    }
    if let Some(ns) = &options.gitops_namespace {
        gitops.insert(s("namespace"), s(ns));
    }
    let mut spec = Mapping::new();
    spec.insert(s("appDomain"), s(options.app_domain.as_deref().unwrap_or_default()));
    if !gitops.is_empty() {
        spec.insert(s("management"), Value::Mapping(Mapping::from_iter([(s("gitops"), Value::Mapping(gitops))])));
    }
    spec.insert(s("spokes"), Value::Sequence(spokes.iter().map(|i| minimal(&i.spoke)).collect()));
    let metadata = Mapping::from_iter([
        (s("name"), s(&options.name)),
        (s("annotations"), Value::Mapping(Mapping::from_iter([(s("config.kubernetes.io/local-config"), s("true"))]))),
    ]);
    let config = Mapping::from_iter([
        (s("apiVersion"), s(crate::config::API_VERSION)),
        (s("kind"), s(crate::config::KIND)),
        (s("metadata"), Value::Mapping(metadata)),
        (s("spec"), Value::Mapping(spec)),
    ]);
    crate::yaml::to_string(&Value::Mapping(config))
}

/// A spoke as the config type serialises it, less every field left at its default, except those a
/// reviewer must see decided (name, server, type, the OpenShift version).
fn minimal(spoke: &ConfigSpoke) -> Value {
    let full = serde_yaml_ng::to_value(spoke).unwrap_or(Value::Null);
    let default = serde_yaml_ng::to_value(ConfigSpoke::default()).unwrap_or(Value::Null);
    let (Value::Mapping(full), Value::Mapping(default)) = (full, default) else { return Value::Null };
    let always: &[&str] = if spoke.type_ == SpokeType::Openshift {
        &["name", "server", "type", "openshiftVersion"]
    } else {
        &["name", "server", "type"]
    };
    Value::Mapping(without_defaults(full, &default, always))
}

/// `full` less the entries equal to `default`'s, nested maps compared key by key (`eks.namespace`).
fn without_defaults(full: Mapping, default: &Mapping, always: &[&str]) -> Mapping {
    full.into_iter()
        .filter_map(|(k, v)| {
            let keep = k.as_str().is_some_and(|k| always.contains(&k));
            match (v, default.get(&k)) {
                (v, _) if keep => Some((k, v)),
                (Value::Mapping(m), Some(Value::Mapping(d))) => {
                    let m = without_defaults(m, d, &[]);
                    (!m.is_empty()).then(|| (k, Value::Mapping(m)))
                }
                (v, Some(d)) if &v == d => None,
                (v, _) => Some((k, v)),
            }
        })
        .collect()
}

fn from_secret(object: &Object, results: &mut Vec<KrmResult>) -> Option<Imported> {
    let at = shown(&object.display());
    let left_out = |results: &mut Vec<KrmResult>, why: String| {
        results.push(result(Severity::Warning, at.clone(), format!("left out: {why}")));
        None
    };
    let label = object.value.pointer("/metadata/labels").and_then(|l| l.get(SECRET_TYPE_LABEL));
    if label.and_then(serde_json::Value::as_str) != Some(CLUSTER_SECRET_TYPE) {
        results.push(result(
            Severity::Info,
            at.clone(),
            format!("not an Argo CD cluster Secret (no label {SECRET_TYPE_LABEL}: cluster); skipped."),
        ));
        return None;
    }
    let secret: Secret = match serde_json::from_value(object.value.clone()) {
        Ok(s) => s,
        Err(e) => return left_out(results, format!("not a readable Secret ({e}).")),
    };
    let data = match ClusterSecretData::from_secret(&secret) {
        Ok(d) => d,
        Err(e) => return left_out(results, format!("{e}.")),
    };
    let config = match data.config() {
        Ok(c) => c,
        Err(e) => return left_out(results, format!("{e}; Argo CD cannot use this Secret either.")),
    };
    let Some(server) = data.server.clone().filter(|s| !s.is_empty()) else {
        return left_out(results, "no `server`; Argo CD ignores a cluster Secret without one.".into());
    };
    if server == IN_CLUSTER_SERVER {
        return left_out(
            results,
            format!("the in-cluster entry ({IN_CLUSTER_SERVER}) is the management cluster itself, which the new instance reaches with its own ServiceAccount; it is not a spoke."),
        );
    }
    let old_name = data.name.clone().filter(|n| !n.is_empty()).unwrap_or_else(|| server.clone());
    let mut spoke = ConfigSpoke { name: old_name.clone(), server, ..ConfigSpoke::default() };
    let credentials = config.credentials();
    let tls = &config.tls_client_config;
    if tls.insecure {
        spoke.insecure_skip_tls_verify = true;
        results.push(result(
            Severity::Warning,
            at.clone(),
            "tlsClientConfig.insecure is true: imported as insecureSkipTLSVerify, so Argo CD still does not verify this spoke's API server and would send its tokens to anyone on the path; set caData instead.",
        ));
    }
    if let Some(ca) = tls.ca_data.as_deref().filter(|c| !c.is_empty()) {
        spoke.ca_data = ca.to_string();
    }
    let mut not_carried = |what: String| {
        results.push(result(
            Severity::Warning,
            at.clone(),
            format!("{what} is not carried over: the config has no such field; add it to the generated Secret by hand if it is still needed."),
        ))
    };
    if let Some(name) = &tls.server_name {
        not_carried(format!("tlsClientConfig.serverName `{}`", shown(name)));
    }
    if let Some(url) = &config.proxy_url {
        not_carried(format!("proxyUrl `{}`", shown(url)));
    }
    if config.disable_compression.is_some() {
        not_carried("disableCompression".into());
    }
    if let Some(shard) = &data.shard {
        not_carried(format!("shard `{}`", shown(shard)));
    }
    for key in config.other.keys().chain(tls.other.keys()) {
        not_carried(format!("config key `{}`", shown(key)));
    }
    for key in &data.other_keys {
        not_carried(format!("data key `{}`", shown(key)));
    }
    if data.cluster_resources && !data.namespaces.is_empty() {
        results.push(result(
            Severity::Warning,
            at.clone(),
            "clusterResources is \"true\", but a namespace-scoped spoke's generated Secret sets it \"false\": Argo CD will stop managing cluster-scoped resources there. Remove `namespaces` from the spoke to manage the whole cluster.",
        ));
    }
    spoke.namespaces = data.namespaces.clone();
    spoke.project = data.project.clone().unwrap_or_default();
    for (key, value) in secret.metadata.labels.iter().flatten() {
        if key == SECRET_TYPE_LABEL {
            continue;
        }
        let ours = STANDARD_LABELS.contains(&key.as_str()) || key.starts_with(STANDARD_LABEL_PREFIX);
        if ours || key.starts_with("argocd.argoproj.io/") {
            results.push(result(
                Severity::Info,
                at.clone(),
                format!(
                    "label `{}` is not carried over: {} sets its own.",
                    shown(key),
                    if ours { "ztwim-gitops" } else { "Argo CD" }
                ),
            ));
        } else {
            spoke.labels.insert(key.clone(), value.clone());
        }
    }
    for key in secret.metadata.annotations.iter().flatten().map(|(k, _)| k) {
        // Argo CD's own marker and kubectl's copy of the last apply (which holds the credential) go.
        if key != "managed-by" && key != "kubectl.kubernetes.io/last-applied-configuration" {
            results.push(result(
                Severity::Info,
                at.clone(),
                format!(
                    "annotation `{}` is not carried over: the config sets no annotations on cluster Secrets.",
                    shown(key)
                ),
            ));
        }
    }
    if let Some(aws) = &config.aws_auth_config {
        spoke.type_ = SpokeType::Eks;
        let cluster_name = aws.cluster_name.clone().unwrap_or_default();
        spoke.eks = EksCluster { cluster_name, ..EksCluster::default() };
        results.push(result(
            Severity::Info,
            at.clone(),
            format!(
                "awsAuthConfig: imported as an `eks` spoke{}; its IAM access (roleARN, the EKS access entry of Argo CD's role) is not removed by the plan — retire it in AWS once the spoke works keyless.",
                aws.cluster_name.as_deref().map(|c| format!(" of the EKS cluster `{}`", shown(c))).unwrap_or_default()
            ),
        ));
    }
    if let Some(exec) = &config.exec_provider_config {
        results.push(result(
            Severity::Info,
            at.clone(),
            format!(
                "execProviderConfig runs `{}`; its args and env are not copied (they may hold secrets).",
                shown(&exec.command)
            ),
        ));
    }
    let replaces =
        if credentials.is_empty() { "no credential (anonymous)".to_string() } else { credentials.join(", ") };
    results.push(result(
        Severity::Info,
        at.clone(),
        format!("imported; the keyless setup replaces its {replaces}, which is not copied into the config."),
    ));
    let meta = &secret.metadata;
    Some(Imported {
        spoke,
        old_name,
        old_secret: Some((meta.namespace.clone().unwrap_or_default(), meta.name.clone().unwrap_or_default())),
        credentials,
        origin: at,
    })
}

fn from_context(c: &kubeconfig::Chosen, spokes: &mut Vec<Imported>, results: &mut Vec<KrmResult>) {
    let at = format!("--context {}", shown(&c.context));
    if let Some(existing) = spokes.iter_mut().find(|s| s.spoke.server == c.server) {
        if existing.spoke.ca_data.is_empty() {
            if let Some(ca) = &c.ca_data {
                existing.spoke.ca_data = ca.clone();
                results.push(result(
                    Severity::Info,
                    at,
                    format!("same server as {}: its caData is taken from this context.", existing.origin),
                ));
            }
        }
        return;
    }
    if c.server.is_empty() {
        results.push(result(Severity::Warning, at, "left out: the context's cluster has no server."));
        return;
    }
    let spoke = ConfigSpoke {
        name: c.context.clone(),
        server: c.server.clone(),
        ca_data: c.ca_data.clone().unwrap_or_default(),
        insecure_skip_tls_verify: c.insecure,
        ..ConfigSpoke::default()
    };
    if c.insecure {
        results.push(result(
            Severity::Warning,
            at.clone(),
            "insecure-skip-tls-verify is true: imported as insecureSkipTLSVerify; set caData instead.",
        ));
    }
    if let Some(credential) = c.credential {
        results.push(result(
            Severity::Info,
            at.clone(),
            format!(
                "the context's user has a {credential}; it stays in your kubeconfig and is not copied into the config."
            ),
        ));
    }
    spokes.push(Imported { spoke, old_name: c.context.clone(), old_secret: None, credentials: Vec::new(), origin: at });
}

/// Spoke names must be unique DNS labels; a cluster name that is not one is renamed, with a warning,
/// since Applications that address it by `destination.name` must follow.
fn unique_names(spokes: &mut [Imported], results: &mut Vec<KrmResult>) {
    let mut taken: Vec<String> = Vec::new();
    for s in spokes.iter_mut() {
        let base = if is_dns_label(&s.old_name) { s.old_name.clone() } else { dns_label(&s.old_name) };
        let base = if base.is_empty() { "spoke".to_string() } else { base };
        let mut name = base.clone();
        let mut n = 2;
        while taken.contains(&name) {
            let suffix = format!("-{n}");
            name = format!("{}{suffix}", &base[..base.len().min(63 - suffix.len())].trim_end_matches('-'));
            n += 1;
        }
        if name != s.old_name {
            results.push(result(
                Severity::Warning,
                s.origin.clone(),
                format!(
                    "the cluster name `{}` is not a unique DNS-1123 label, so the spoke is named `{name}`: Applications with destination.name `{}` must change to `{name}` (the plan's re-emitted Applications do).",
                    shown(&s.old_name),
                    shown(&s.old_name)
                ),
            ));
        }
        s.spoke.name = name.clone();
        taken.push(name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_dns_labels() {
        assert_eq!(
            dns_label("default/api-spoke-example-com:6443/kube:admin"),
            "default-api-spoke-example-com-6443-kube-admin"
        );
        assert_eq!(dns_label("--Prod_EU--"), "prod-eu");
        assert_eq!(dns_label("***"), "");
        assert!(dns_label(&"a".repeat(100)).len() == 63);
    }
}
