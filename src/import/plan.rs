//! `import --plan DIR`: the cut-over from token clusters to keyless ones as files a reviewer reads and an
//! admin runs in file-name order:
//!
//! - `README.md`: the order, what each spoke's old credential is, and the risks in words;
//! - `00-management.sh`: the new instance (every management file except the spokes' cluster Secrets)
//!   and the re-emitted AppProjects;
//! - `10-spoke-NNN-<name>.sh` per spoke: apply its objects with a certificate kubeconfig, wait for the
//!   rollout, `doctor --live`, switch Argo CD (its new cluster Secret, then its Applications, moved
//!   without cascading deletion), verify the sync;
//! - `50-retire-NNN-<name>.sh` per spoke: only then, the old credential and the old cluster Secret;
//! - `90-old-projects.sh`: the old AppProjects nothing on the old instance uses any more;
//! - `argocd/`: the AppProjects and Applications re-emitted for the new namespace.
//!
//! Every value in a command is a Kubernetes name or a path built from one, and every one is quoted by
//! [`sh`]; no other text reaches a command.

use super::{shown, Imported, Outcome};
use crate::api::application::{AppProject, Application};
use crate::api::argocd::ArgoCd;
use crate::api::argocd_cluster::RESOURCES_FINALIZER;
use crate::api::eks_identity_provider::IdentityProviderConfig;
use crate::api::olm::Subscription;
use crate::config::syntax::is_dns_subdomain;
use crate::generate::Manifest;
use crate::model::{Cluster, SECRET_TYPE_LABEL};
use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::Resource;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

/// What `argocd cluster add` creates on a spoke (argoproj/argo-cd@0287ae9d `util/clusterauth/clusterauth.go`):
/// the ServiceAccount in `kube-system` (where `UninstallClusterManagerRBAC` removes it; a cluster added
/// with another `--system-namespace` keeps it there — the retire step then finds nothing), the ClusterRole and
/// ClusterRoleBinding (a Role and RoleBinding of the same names in each namespace of a namespaced
/// cluster) and the long-lived token Secret.
pub const MANAGER_SA: &str = "argocd-manager";
pub const MANAGER_ROLE: &str = "argocd-manager-role";
pub const MANAGER_BINDING: &str = "argocd-manager-role-binding";
pub const MANAGER_TOKEN_SECRET: &str = "argocd-manager-long-lived-token";
pub const MANAGER_NAMESPACE: &str = "kube-system";

/// Server-set fields a re-emitted object must not carry (the API server sets them for the new one).
const SERVER_SET_METADATA: [&str; 8] = [
    "resourceVersion",
    "uid",
    "generation",
    "managedFields",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "selfLink",
];

/// A word for a shell command: bare when it has only characters no shell treats specially, else in
/// single quotes (a `'` inside closed, escaped and reopened).
pub fn sh(word: &str) -> String {
    let plain = !word.is_empty()
        && word.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'/' | b':' | b'=' | b'@' | b'%' | b'+' | b'-')
        });
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// A path below `$OUT` (the `generate -o` directory) as a shell word.
fn out(path: &Path) -> String {
    format!("\"$OUT\"/{}", sh(&path.to_string_lossy()))
}

/// An old-instance object the plan moves.
struct Moved<'a> {
    /// `Application` or `AppProject`.
    kind: &'static str,
    name: &'a str,
    namespace: &'a str,
    /// The spoke it targets (Applications only).
    spoke: Option<&'a Imported>,
    file: String,
    text: String,
}

/// The plan's files, by path relative to DIR. The error is a sentence.
pub fn plan(outcome: &Outcome, config: &str) -> Result<BTreeMap<String, String>, String> {
    let (manifests, results) = crate::pipeline::generate_from_file(config, "import", Some("all"));
    if let Some(e) = results.iter().find(|r| r.severity == crate::diag::Severity::Error) {
        return Err(format!("the imported config does not generate: {}", e.human_line()));
    }
    let new_ns = outcome.gitops_namespace.as_str();
    let mut files = BTreeMap::new();
    let mut notes: Vec<String> = Vec::new();
    let moved = moved(outcome, &mut notes);
    for m in &moved {
        files.insert(format!("argocd/{}", m.file), m.text.clone());
    }
    let secret_file = |spoke: &str| {
        manifests
            .iter()
            .find(|m| m.cluster == Cluster::Management && m.is::<Secret>() && is_cluster_secret(m) && m.name() == spoke)
            .map(crate::files::path)
    };

    // 00: the new instance, without the spokes' cluster Secrets (each is the switch of its spoke).
    let mut s = header("00", "the new Argo CD instance and the AppProjects of the old one", &["HUB_KUBECONFIG"]);
    s.push_str(
        "# The management cluster's objects in wave order; each spoke's cluster Secret waits for its own step.\n",
    );
    s.push_str("# Operators first; their custom resources once OLM has installed them.\n");
    let management: Vec<&Manifest> =
        manifests.iter().filter(|m| m.cluster == Cluster::Management && !is_cluster_secret(m)).collect();
    let (olm, rest): (Vec<&Manifest>, Vec<&Manifest>) = management.iter().partition(|m| m.wave() == 0);
    let hub = "oc --kubeconfig \"$HUB_KUBECONFIG\"";
    for path in unique_paths(&olm) {
        writeln!(s, "{hub} apply -f {}", out(&path)).unwrap();
    }
    for sub in olm.iter().filter(|m| m.is::<Subscription>()) {
        writeln!(
            s,
            "{hub} -n {} wait csv --all --for=jsonpath='{{.status.phase}}'=Succeeded --timeout=15m",
            sh(sub.namespace().unwrap_or_default())
        )
        .unwrap();
    }
    for path in unique_paths(&rest) {
        writeln!(s, "{hub} apply -f {}", out(&path)).unwrap();
    }
    // argocd-operator's ArgoCD status.phase: Available once every resource is ready
    // (argoproj-labs/argocd-operator@9745824a bundle/manifests/argoproj.io_argocds.yaml).
    for argocd in rest.iter().filter(|m| m.is::<ArgoCd>()) {
        writeln!(
            s,
            "{hub} -n {} wait argocd/{} --for=jsonpath='{{.status.phase}}'=Available --timeout=15m",
            sh(argocd.namespace().unwrap_or_default()),
            sh(argocd.name())
        )
        .unwrap();
    }
    let projects: Vec<&Moved> = moved.iter().filter(|m| m.kind == AppProject::KIND).collect();
    if !projects.is_empty() {
        s.push_str(
            "\n# The old instance's AppProjects, re-emitted for the new namespace (the old ones stay until 90).\n",
        );
        for p in &projects {
            writeln!(s, "{hub} apply -f \"$PLAN\"/argocd/{}", sh(&p.file)).unwrap();
        }
    }
    files.insert("00-management.sh".into(), s);

    let width = 3;
    for (i, imported) in outcome.spokes.iter().enumerate() {
        let spoke = &imported.spoke;
        let n = format!("{:0width$}", i + 1);
        let apps: Vec<&Moved> = moved
            .iter()
            .filter(|m| m.kind == Application::KIND && m.spoke.is_some_and(|s| s.spoke.name == spoke.name))
            .collect();
        files.insert(
            format!("10-spoke-{n}-{}.sh", spoke.name),
            spoke_script(imported, &manifests, secret_file(&spoke.name).as_deref(), &apps, new_ns),
        );
        files.insert(format!("50-retire-{n}-{}.sh", spoke.name), retire_script(imported, &n));
    }

    // 90: old AppProjects that no Application left on the old instance uses.
    let mut s =
        header("90", "the old instance's AppProjects, once no Application there uses them", &["HUB_KUBECONFIG"]);
    let staying: Vec<&Value> = outcome
        .argo_objects
        .iter()
        .filter(|o| o.is::<Application>())
        .filter(|o| {
            !moved.iter().any(|m| m.kind == Application::KIND && m.name == o.name && m.namespace == o.namespace)
        })
        .map(|o| &o.value)
        .collect();
    for p in &projects {
        let users: Vec<&str> = staying
            .iter()
            .filter(|a| a.pointer("/spec/project").and_then(Value::as_str) == Some(p.name))
            .filter_map(|a| a.pointer("/metadata/name").and_then(Value::as_str))
            .collect();
        if users.is_empty() {
            writeln!(
                s,
                "oc --kubeconfig \"$HUB_KUBECONFIG\" -n {} delete appproject.argoproj.io/{}",
                sh(p.namespace),
                sh(p.name)
            )
            .unwrap();
        } else {
            // Escaped: an Application's name from the input must not end this comment line.
            let users = shown(&users.join(", "));
            writeln!(s, "# kept: AppProject {} is still used on the old instance by {users}", p.name).unwrap();
        }
    }
    files.insert("90-old-projects.sh".into(), s);
    files.insert("README.md".into(), readme(outcome, &moved, &notes));
    Ok(files)
}

/// The files holding `manifests`, each once, in their order (objects of one name share a file).
fn unique_paths(manifests: &[&Manifest]) -> Vec<std::path::PathBuf> {
    let mut paths: Vec<std::path::PathBuf> = Vec::new();
    for m in manifests {
        let path = crate::files::path(m);
        if !paths.contains(&path) {
            paths.push(path);
        }
    }
    paths
}

fn is_cluster_secret(m: &Manifest) -> bool {
    m.object
        .get("metadata")
        .and_then(|md| md.get("labels"))
        .and_then(|l| l.get(SECRET_TYPE_LABEL))
        .and_then(|v| v.as_str())
        == Some(crate::model::CLUSTER_SECRET_TYPE)
}

/// A script's first lines: what it does, the variables it needs (it stops when one is unset), `set -eu`.
fn header(step: &str, what: &str, vars: &[&str]) -> String {
    let mut s = format!(
        "#!/bin/sh\n# Cut-over step {step}: {what}.\n# Written by `ztwim-gitops import --plan`; read it, then run it (see README.md for the order).\nset -eu\nPLAN=$(dirname \"$0\")\n"
    );
    s.push_str(
        ": \"${OUT:?set OUT to the directory of ztwim-gitops generate -c <imported config> --target all -o OUT}\"\n",
    );
    for var in vars {
        let why = match *var {
            "HUB_KUBECONFIG" => "a kubeconfig of the management cluster",
            "SPOKE_KUBECONFIG" => {
                "an admin kubeconfig of this spoke that uses neither OAuth nor the credential being retired (OpenShift: the installer's system:admin client certificate)"
            }
            _ => "a kubeconfig of the cluster holding this spoke's control-plane objects (HostedCluster or ACK)",
        };
        writeln!(s, ": \"${{{var}:?set {var} to {why}}}\"").unwrap();
    }
    s.push('\n');
    s
}

fn spoke_script(
    imported: &Imported,
    manifests: &[Manifest],
    secret_file: Option<&Path>,
    apps: &[&Moved],
    new_ns: &str,
) -> String {
    let spoke = &imported.spoke;
    let control = Cluster::ControlPlane(spoke.name.clone());
    let has_control = manifests.iter().any(|m| m.cluster == control);
    let mut vars = vec!["HUB_KUBECONFIG", "SPOKE_KUBECONFIG"];
    if has_control {
        vars.push("CONTROL_PLANE_KUBECONFIG");
    }
    let mut s = header("10", &format!("move spoke {} to keyless access", spoke.name), &vars);
    s.push_str(
        "# 1. The spoke's objects, in wave order, with the certificate kubeconfig: from here on its API server\n",
    );
    s.push_str("#    accepts the management cluster's JWT-SVIDs (and, for OpenShift, no longer OAuth logins).\n");
    let on = |cluster: &Cluster| manifests.iter().filter(|m| &m.cluster == cluster).collect::<Vec<_>>();
    for path in unique_paths(&on(&Cluster::Spoke(spoke.name.clone()))) {
        writeln!(s, "oc --kubeconfig \"$SPOKE_KUBECONFIG\" apply -f {}", out(&path)).unwrap();
    }
    for path in unique_paths(&on(&control)) {
        writeln!(s, "oc --kubeconfig \"$CONTROL_PLANE_KUBECONFIG\" apply -f {}", out(&path)).unwrap();
    }
    s.push_str(
        "\n# 2. Wait for the kube-apiserver rollout the authentication change starts (often 20 minutes or more).\n",
    );
    match spoke.type_ {
        crate::config::SpokeType::Openshift => {
            s.push_str("oc --kubeconfig \"$SPOKE_KUBECONFIG\" wait clusteroperator/kube-apiserver --for=condition=Progressing=True --timeout=10m\n");
            s.push_str("oc --kubeconfig \"$SPOKE_KUBECONFIG\" wait clusteroperator/kube-apiserver --for=condition=Progressing=False --timeout=60m\n");
        }
        // The ACK CRD's `status.status` mirrors the EKS API's config status; CREATING is documented, ACTIVE
        // (the value once associated) is the EKS API's word, not checked against a live cluster here.
        crate::config::SpokeType::Eks => {
            let idp = manifests.iter().find(|m| m.cluster == control && m.is::<IdentityProviderConfig>());
            if let Some(idp) = idp {
                writeln!(
                    s,
                    "oc --kubeconfig \"$CONTROL_PLANE_KUBECONFIG\" -n {} wait identityproviderconfig.eks.services.k8s.aws/{} --for=jsonpath='{{.status.status}}'=ACTIVE --timeout=60m",
                    sh(idp.namespace().unwrap_or_default()),
                    sh(idp.name())
                )
                .unwrap();
            }
        }
        // No rollout to wait for: the step says how to restart kube-apiserver and checks it answers.
        // `import` never yields a hosted spoke (it is imported as openshift, see `--spoke-type`); it shares
        // this arm as it shared the old catch-all. The match is exhaustive so that a new kind chooses its
        // own text.
        crate::config::SpokeType::Kubernetes | crate::config::SpokeType::Hosted => {
            s.push_str("# kube-apiserver reads the authentication config file only when started with\n");
            s.push_str("# --authentication-config; restart it that way on every control-plane node, then:\n");
            s.push_str("oc --kubeconfig \"$SPOKE_KUBECONFIG\" get --raw /readyz\n");
        }
    }
    s.push_str("\n# 3. Check every link of the trust chain, the issuer included, before Argo CD depends on it.\n");
    let mut doctor = format!(
        "ztwim-gitops doctor --live \"$OUT\"/management \"$OUT\"/{}",
        sh(&Cluster::Spoke(spoke.name.clone()).dir())
    );
    if has_control {
        write!(doctor, " \"$OUT\"/{}", sh(&control.dir())).unwrap();
    }
    writeln!(s, "{doctor}").unwrap();
    s.push_str("\n# 4. Switch Argo CD: the new instance's cluster Secret for this spoke, then its Applications.\n");
    if let Some(file) = secret_file {
        writeln!(s, "oc --kubeconfig \"$HUB_KUBECONFIG\" apply -f {}", out(file)).unwrap();
    }
    for app in apps {
        writeln!(
            s,
            "# Application {}: its {RESOURCES_FINALIZER} finalizer is removed first, so deleting the old\n# Application orphans its resources instead of pruning them; the new one adopts them.",
            app.name
        )
        .unwrap();
        let old = format!("oc --kubeconfig \"$HUB_KUBECONFIG\" -n {} ", sh(app.namespace));
        let target = format!("application.argoproj.io/{}", sh(app.name));
        writeln!(s, "{old}patch {target} --type=merge -p '{{\"metadata\":{{\"finalizers\":null}}}}'").unwrap();
        writeln!(s, "{old}delete {target} --cascade=orphan").unwrap();
        writeln!(s, "oc --kubeconfig \"$HUB_KUBECONFIG\" apply -f \"$PLAN\"/argocd/{}", sh(&app.file)).unwrap();
    }
    s.push_str("\n# 5. Verify: the new instance syncs this spoke with its JWT-SVID.\n");
    if apps.is_empty() {
        s.push_str(
            "# No Application of the old instance targets this spoke: sync one (any) to it in the new instance\n",
        );
        s.push_str("# and check Settings > Clusters shows it Successful before running the retire step.\n");
    }
    for app in apps {
        let wait = format!(
            "oc --kubeconfig \"$HUB_KUBECONFIG\" -n {} wait application.argoproj.io/{} --timeout=15m",
            sh(new_ns),
            sh(app.name)
        );
        writeln!(s, "{wait} --for=jsonpath='{{.status.sync.status}}'=Synced").unwrap();
        writeln!(s, "{wait} --for=jsonpath='{{.status.health.status}}'=Healthy").unwrap();
    }
    s
}

fn retire_script(imported: &Imported, n: &str) -> String {
    let spoke = &imported.spoke;
    let mut s = header(
        "50",
        &format!(
            "retire spoke {}'s old credential, only after 10-spoke-{n}-{}.sh verified a sync",
            spoke.name, spoke.name
        ),
        &["HUB_KUBECONFIG", "SPOKE_KUBECONFIG"],
    );
    let spoke_oc = "oc --kubeconfig \"$SPOKE_KUBECONFIG\"";
    if imported.credentials.contains(&"bearer token") {
        s.push_str(
            "# The argocd-manager ServiceAccount `argocd cluster add` created. Deleting it invalidates every token\n",
        );
        s.push_str("# it has; if another Argo CD uses the same ServiceAccount, that one loses access too.\n");
        if spoke.namespaces.is_empty() {
            writeln!(s, "{spoke_oc} delete clusterrolebinding {MANAGER_BINDING} --ignore-not-found").unwrap();
            writeln!(s, "{spoke_oc} delete clusterrole {MANAGER_ROLE} --ignore-not-found").unwrap();
        }
        for ns in &spoke.namespaces {
            writeln!(s, "{spoke_oc} -n {} delete rolebinding {MANAGER_BINDING} --ignore-not-found", sh(ns)).unwrap();
            writeln!(s, "{spoke_oc} -n {} delete role {MANAGER_ROLE} --ignore-not-found", sh(ns)).unwrap();
        }
        writeln!(s, "{spoke_oc} -n {MANAGER_NAMESPACE} delete secret {MANAGER_TOKEN_SECRET} --ignore-not-found")
            .unwrap();
        writeln!(s, "{spoke_oc} -n {MANAGER_NAMESPACE} delete serviceaccount {MANAGER_SA} --ignore-not-found").unwrap();
    }
    for credential in imported.credentials.iter().filter(|c| **c != "bearer token") {
        let how = match *credential {
            "basic auth" => "disable the user in the spoke's identity provider",
            "client certificate" => {
                "a client certificate cannot be revoked before it expires: remove the RBAC bindings of the user and groups in its subject"
            }
            "awsAuthConfig" => "remove the Argo CD role's EKS access entry and, if nothing else uses it, the IAM role",
            _ => "revoke whatever the exec plugin authenticated with",
        };
        writeln!(s, "# {credential}: {how}. This is yours to do; the plan cannot see it.").unwrap();
    }
    if let Some((ns, name)) = &imported.old_secret {
        s.push_str("# The old cluster Secret, which held the credential, on the management cluster.\n");
        writeln!(s, "oc --kubeconfig \"$HUB_KUBECONFIG\" -n {} delete secret {}", sh(ns), sh(name)).unwrap();
    }
    s
}

/// The AppProjects and Applications to move, re-emitted for the new namespace.
fn moved<'a>(outcome: &'a Outcome, notes: &mut Vec<String>) -> Vec<Moved<'a>> {
    let mut out = Vec::new();
    for o in &outcome.argo_objects {
        if !is_dns_subdomain(&o.name) || !is_dns_subdomain(&o.namespace) {
            notes.push(format!(
                "{} ({}): not moved: its name or namespace is not a DNS-1123 subdomain.",
                shown(&o.display()),
                shown(&o.origin)
            ));
            continue;
        }
        let mut value = o.value.clone();
        let spoke = if o.is::<Application>() {
            let dest = |key: &str| value.pointer(&format!("/spec/destination/{key}")).and_then(Value::as_str);
            let (name, server) = (dest("name"), dest("server").map(|s| s.trim_end_matches('/')));
            let found = outcome
                .spokes
                .iter()
                .find(|s| name.is_some_and(|n| n == s.old_name) || server.is_some_and(|v| v == s.spoke.server));
            let Some(found) = found else {
                notes.push(format!(
                    "{}: stays on the old instance: its destination is none of the imported spokes (the in-cluster entry or a cluster left out).",
                    shown(&o.display())
                ));
                continue;
            };
            if name.is_some() && found.old_name != found.spoke.name {
                value["spec"]["destination"]["name"] = Value::String(found.spoke.name.clone());
                notes.push(format!(
                    "{}: destination.name `{}` becomes `{}`, the spoke's new name.",
                    shown(&o.display()),
                    shown(&found.old_name),
                    found.spoke.name
                ));
            }
            Some(found)
        } else {
            if o.name == "default" {
                notes.push(format!(
                    "{}: not re-emitted: every instance has its own `default` AppProject.",
                    shown(&o.display())
                ));
                continue;
            }
            None
        };
        if let Some(obj) = value.as_object_mut() {
            obj.remove("status");
            obj.remove("operation");
        }
        if let Some(meta) = value.get_mut("metadata").and_then(Value::as_object_mut) {
            for key in SERVER_SET_METADATA {
                meta.remove(key);
            }
            if meta.remove("ownerReferences").is_some() {
                notes.push(format!(
                    "{}: had ownerReferences (an ApplicationSet or app of apps): the owner on the old instance may recreate it after the move; move or stop the owner first.",
                    shown(&o.display())
                ));
            }
            if let Some(annotations) = meta.get_mut("annotations").and_then(Value::as_object_mut) {
                annotations.remove("kubectl.kubernetes.io/last-applied-configuration");
                if annotations.is_empty() {
                    meta.remove("annotations");
                }
            }
            meta.insert("namespace".into(), Value::String(outcome.gitops_namespace.clone()));
        }
        let yaml = serde_yaml_ng::to_value(&value).map(|v| crate::yaml::to_string(&v)).unwrap_or_default();
        out.push(Moved {
            kind: if o.is::<Application>() { Application::KIND } else { AppProject::KIND },
            name: &o.name,
            namespace: &o.namespace,
            spoke,
            file: format!("{}-{}.yaml", o.kind.to_lowercase(), o.name),
            text: yaml,
        });
    }
    out
}

fn readme(outcome: &Outcome, moved: &[Moved], notes: &[String]) -> String {
    let mut s = String::from("# Cut-over from token clusters to keyless Argo CD\n\n");
    s.push_str("Written by `ztwim-gitops import --plan`. Review every file; run them in file-name order, each only after\nthe one before it succeeded:\n\n");
    s.push_str("```sh\nztwim-gitops generate -c fleet.yaml --target all -o out   # the imported config\nexport OUT=out HUB_KUBECONFIG=<management cluster kubeconfig>\nsh 00-management.sh\n# per spoke: SPOKE_KUBECONFIG=<its certificate kubeconfig> sh 10-spoke-NNN-<name>.sh, then later 50-retire-NNN-<name>.sh\nsh 90-old-projects.sh\n```\n\n");
    s.push_str("## Order\n\n");
    s.push_str("1. `00-management.sh`: the new Argo CD instance in namespace `");
    s.push_str(&outcome.gitops_namespace);
    s.push_str("` (ZTWIM gives no identity to a namespace whose name contains `openshift`, so the old `openshift-gitops` instance cannot become keyless in place), and the old AppProjects re-emitted there.\n");
    s.push_str("2. Per spoke, `10-spoke-NNN-<name>.sh`: apply its objects with a client-certificate kubeconfig, wait for the kube-apiserver rollout, `ztwim-gitops doctor --live`, switch Argo CD to the new cluster Secret and move the spoke's Applications, verify they sync.\n");
    s.push_str("3. Per spoke, only after its step 2 verified a sync, `50-retire-NNN-<name>.sh`: the old credential and the old cluster Secret.\n");
    s.push_str("4. `90-old-projects.sh`: the old AppProjects no Application on the old instance still uses.\n\n");
    s.push_str("## Risks\n\n");
    s.push_str(&format!("- **Deleting an Application deletes what it deployed** while it carries the `{RESOURCES_FINALIZER}` finalizer. Every move removes the finalizers of the old Application first and then deletes it with `--cascade=orphan`; never delete an old Application any other way. Between the delete and the new Application's first sync the workloads run unmanaged (nothing prunes or heals them).\n"));
    s.push_str("- **An OpenShift spoke loses `oc login` and console login through OAuth** when its Authentication becomes type OIDC (step 1): keep a client-certificate kubeconfig (the installer's `system:admin`) for every spoke before you start.\n");
    s.push_str("- **The kube-apiserver rolls out** after step 1 (often 20 minutes or more); the API stays up, but do one spoke at a time.\n");
    s.push_str("- **Retiring `argocd-manager`** invalidates its tokens for every user of that ServiceAccount, another Argo CD included.\n");
    s.push_str("- **ApplicationSets and apps of apps** on the old instance recreate the Applications they own; move or stop them first.\n\n");
    s.push_str("## Spokes\n\n| Spoke | Old cluster Secret | Replaces |\n|---|---|---|\n");
    for i in &outcome.spokes {
        let old =
            i.old_secret.as_ref().map(|(ns, n)| format!("`{ns}/{n}`")).unwrap_or_else(|| "(from a kubeconfig)".into());
        let replaces = if i.credentials.is_empty() { "nothing".to_string() } else { i.credentials.join(", ") };
        s.push_str(&format!("| `{}` | {} | {} |\n", i.spoke.name, shown(&old), replaces));
    }
    s.push_str("\n## Moved objects\n\n");
    if moved.is_empty() {
        s.push_str("None: the input held no Applications or AppProjects of the old instance.\n");
    }
    for m in moved {
        let to = m.spoke.map(|s| format!(" (spoke `{}`)", s.spoke.name)).unwrap_or_default();
        s.push_str(&format!("- {} `{}/{}`{to}: `argocd/{}`\n", m.kind, m.namespace, m.name, m.file));
    }
    if !notes.is_empty() {
        s.push_str("\n## Notes\n\n");
        for n in notes {
            s.push_str(&format!("- {n}\n"));
        }
    }
    s
}

/// Writes the plan's files below `dir`, scripts executable. `dir` must be new or empty: a file of an
/// earlier plan left beside these would be run in the same order.
pub fn write(dir: &Path, files: &BTreeMap<String, String>) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    if std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some()) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            "the directory is not empty; choose a new or empty one, so no file of an earlier plan is run by mistake",
        ));
    }
    for (rel, text) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, text)?;
        if rel.ends_with(".sh") {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::sh;

    #[test]
    fn shell_words_are_quoted_unless_plain() {
        assert_eq!(sh("spoke-a"), "spoke-a");
        assert_eq!(sh("a b"), "'a b'");
        assert_eq!(sh("$(rm -rf /)"), "'$(rm -rf /)'");
        assert_eq!(sh("it's"), r"'it'\''s'");
        assert_eq!(sh(""), "''");
    }
}
