//! The observed contract: what the manifests actually say, read into plain structs, one side per cluster.
//! Checks compare these values and never look at YAML again, so a new spoke kind only has to produce an
//! [`Authenticator`]: each kind's reader is in its folder under [`crate::kinds`].

use super::collect::Object;
use crate::api::argocd::{ArgoCd as ArgoCdCr, ComponentPod};
use crate::api::argocd_cluster::{ClusterSecretData, ExecProviderConfig};
use crate::api::cluster_spiffe_id::ClusterSpiffeId;
use crate::api::ztwim::{self, SpireOidcDiscoveryProvider, SpireServer, ZeroTrustWorkloadIdentityManager};
use crate::model::{self, BUILTIN_BINARY, CLUSTER_SECRET_TYPE, CREDENTIAL_COMMAND, SECRET_TYPE_LABEL};
pub use crate::observed::{field, Authenticator, CaSource};
use k8s_openapi::api::core::v1::{ConfigMap, Container, Secret, Volume, VolumeMount};
use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding, PolicyRule, RoleBinding, RoleRef, Subject};
use serde_json::Value;
use std::collections::BTreeMap;

/// A value and the place it was read from, so every report line can say where to fix it.
#[derive(Debug, Clone, PartialEq)]
pub struct Sourced<T> {
    pub value: T,
    /// `SpireServer cluster spec.jwtIssuer`.
    pub at: String,
}

impl<T> Sourced<T> {
    fn new(value: T, object: &Object, field: &str) -> Self {
        Sourced { value, at: format!("{} {field}", object.display()) }
    }
}

/// The management cluster as the input describes it.
#[derive(Debug, Default)]
pub struct Management {
    /// `SpireServer.spec.jwtIssuer`: the token's `iss`, verbatim.
    pub issuer: Option<Sourced<String>>,
    /// `SpireOIDCDiscoveryProvider.spec.jwtIssuer`: the Route host the keys are published at.
    pub discovery_issuer: Option<Sourced<String>>,
    /// `ZeroTrustWorkloadIdentityManager.spec.trustDomain`.
    pub trust_domain: Option<Sourced<String>>,
    pub argocds: Vec<ArgoCd>,
    pub cluster_spiffe_ids: Vec<ClusterSpiffeId>,
    pub secrets: Vec<ClusterSecret>,
    /// Objects that were recognised but could not be read (a wrong type somewhere): failed checks.
    pub unreadable: Vec<String>,
}

/// One ArgoCD CR.
#[derive(Debug, Clone)]
pub struct ArgoCd {
    pub name: String,
    pub namespace: String,
    pub at: String,
    /// Server first, then controller: the two pods that build REST configs for spokes.
    pub components: Vec<Component>,
}

#[derive(Debug, Clone)]
pub struct Component {
    /// `server` or `controller`, the ArgoCD spec key.
    pub key: &'static str,
    /// The ServiceAccount the argocd-operator gives the pod: `<name>-argocd-server`, …
    pub service_account: String,
    /// The pod label `app.kubernetes.io/name` the operator sets: `<name>-server`, `<name>-application-controller`.
    pub workload: String,
    /// Labels the CR adds to the pods (`spec.<key>.labels`), for ClusterSPIFFEID pod selectors.
    pub labels: BTreeMap<String, String>,
    pub volumes: Vec<Volume>,
    pub mounts: Vec<VolumeMount>,
    pub init_containers: Vec<Container>,
    /// `spec.<key>.env` by name (a `valueFrom` entry reads as empty).
    pub env: BTreeMap<String, String>,
}

/// What the doctor asks of an init container.
pub trait InitContainer {
    /// The command line: `command` then `args`.
    fn argv(&self) -> Vec<&str>;
    /// Every string of the command, args and env values, to find the plugin version in.
    fn text(&self) -> Vec<&str>;
    /// Where `ztwim-gitops copy-file SRC DST` in the command line copies to: the file the built-in and
    /// image installs put in the binaries volume. None for any other command (the archive install's script).
    fn copy_target(&self) -> Option<&str>;
    fn mounts(&self) -> &[VolumeMount];
}

impl InitContainer for Container {
    fn argv(&self) -> Vec<&str> {
        self.command.iter().chain(&self.args).flatten().map(String::as_str).collect()
    }
    fn text(&self) -> Vec<&str> {
        let env = self.env.iter().flatten().filter_map(|e| e.value.as_deref());
        self.argv().into_iter().chain(env).collect()
    }
    fn copy_target(&self) -> Option<&str> {
        let argv = self.argv();
        let at = argv.iter().position(|a| *a == "copy-file")?;
        let binary = argv.get(at.checked_sub(1)?)?;
        if binary.rsplit('/').next() != Some(BUILTIN_BINARY) {
            return None;
        }
        argv.get(at + 2).copied()
    }
    fn mounts(&self) -> &[VolumeMount] {
        self.volume_mounts.as_deref().unwrap_or_default()
    }
}

/// An Argo CD cluster Secret, with its `config` JSON read.
#[derive(Debug, Clone)]
pub struct ClusterSecret {
    pub name: String,
    pub namespace: String,
    pub at: String,
    /// `name`, else the Secret's own name: Applications address the cluster by it.
    pub cluster_name: String,
    pub server: String,
    /// `namespaces`, when the cluster is namespace-scoped.
    pub namespaces: Vec<String>,
    /// Why `config` could not be used, when it cannot.
    pub config_error: Option<String>,
    pub exec: Option<ExecProviderConfig>,
    /// Credentials beside the exec plugin (`bearer token`, `awsAuthConfig`, …, as
    /// [`crate::api::argocd_cluster::ClusterConfig::credentials`] names them): the Secret does not use the
    /// exec plugin (alone).
    pub other_auth: Vec<&'static str>,
}

/// What the doctor asks of an `execProviderConfig` beyond what Argo CD reads.
pub trait Helper {
    /// Whether the Secret runs the built-in helper, `…/ztwim-gitops credential`, rather than the upstream
    /// `k8s-spiffe-workload-jwt-exec-auth`.
    fn is_builtin(&self) -> bool;
}

impl Helper for ExecProviderConfig {
    fn is_builtin(&self) -> bool {
        self.command.rsplit('/').next() == Some(BUILTIN_BINARY)
            && self.args.first().map(String::as_str) == Some(CREDENTIAL_COMMAND)
    }
}

/// A spoke cluster as the input describes it. An adapter per kind fills `authenticators`.
#[derive(Debug, Default)]
pub struct Spoke {
    /// The name the input gives it (target annotation, `spokes/<name>/` directory, HostedCluster name);
    /// None for objects with no mark, which pairing handles separately.
    pub name: Option<String>,
    pub authenticators: Vec<Authenticator>,
    pub config_maps: Vec<CaConfigMap>,
    pub bindings: Vec<Binding>,
    /// ClusterRoles defined in the input, by name: whether a custom role grants enough can then be judged.
    pub cluster_roles: BTreeMap<String, Vec<PolicyRule>>,
}

#[derive(Debug, Clone)]
pub struct CaConfigMap {
    pub namespace: String,
    pub name: String,
    pub data: BTreeMap<String, String>,
    pub at: String,
}

#[derive(Debug, Clone)]
pub struct Binding {
    pub at: String,
    /// None for a ClusterRoleBinding.
    pub namespace: Option<String>,
    pub role_kind: String,
    pub role: String,
    /// User subjects' names.
    pub users: Vec<String>,
    /// Group subjects' names.
    pub groups: Vec<String>,
}

/// A required string field as read: absent (an empty default) is None, so checks say it is missing.
fn given(value: Option<String>, object: &Object, field: &str) -> Option<Sourced<String>> {
    value.filter(|v| !v.is_empty()).map(|v| Sourced::new(v, object, field))
}

/// Where each object goes: management kinds by group and kind, spoke kinds by their adapter and by the
/// object's cluster mark. A ConfigMap or binding with no mark belongs to the unmarked spoke group.
pub fn observe(objects: &[Object]) -> (Management, Vec<Spoke>) {
    let mut m = Management::default();
    let mut spokes: Vec<Spoke> = Vec::new();
    fn spoke_mut<'a>(spokes: &'a mut Vec<Spoke>, name: Option<&str>) -> &'a mut Spoke {
        let i = match spokes.iter().position(|s| s.name.as_deref() == name) {
            Some(i) => i,
            None => {
                spokes.push(Spoke { name: name.map(str::to_string), ..Spoke::default() });
                spokes.len() - 1
            }
        };
        &mut spokes[i]
    }
    for o in objects {
        let on_management = o.cluster.as_deref() == Some("management");
        match (o.group(), o.kind.as_str()) {
            _ if o.is::<SpireServer>() => match field::<ztwim::SpireServerSpec>(o, "/spec") {
                Ok(spec) => m.issuer = given(spec.map(|s| s.jwt_issuer), o, "spec.jwtIssuer"),
                Err(e) => m.unreadable.push(e),
            },
            _ if o.is::<SpireOidcDiscoveryProvider>() => match field::<ztwim::OidcDiscoveryProviderSpec>(o, "/spec") {
                Ok(spec) => m.discovery_issuer = given(spec.map(|s| s.jwt_issuer), o, "spec.jwtIssuer"),
                Err(e) => m.unreadable.push(e),
            },
            _ if o.is::<ZeroTrustWorkloadIdentityManager>() => match field::<ztwim::ZtwimSpec>(o, "/spec") {
                Ok(spec) => m.trust_domain = given(spec.map(|s| s.trust_domain), o, "spec.trustDomain"),
                Err(e) => m.unreadable.push(e),
            },
            _ if o.is::<ArgoCdCr>() => match argocd(o) {
                Ok(a) => m.argocds.push(a),
                Err(e) => m.unreadable.push(e),
            },
            _ if o.is::<ClusterSpiffeId>() => match cluster_spiffe_id(o) {
                Ok(c) => m.cluster_spiffe_ids.push(c),
                Err(e) => m.unreadable.push(e),
            },
            _ if o.is::<Secret>() && is_cluster_secret(o) => m.secrets.push(cluster_secret(o)),
            (group, kind) => {
                if let Some(source) = crate::kinds::observer(group, kind) {
                    match (source.read)(o) {
                        Ok(list) => {
                            for a in list {
                                let name = a.spoke.clone().or_else(|| o.spoke().map(str::to_string));
                                spoke_mut(&mut spokes, name.as_deref()).authenticators.push(a);
                            }
                        }
                        Err(e) => m.unreadable.push(e),
                    }
                    continue;
                }
                if on_management {
                    continue;
                }
                let spoke = o.spoke();
                if o.is::<ConfigMap>() {
                    let data: BTreeMap<String, String> = field(o, "/data").ok().flatten().unwrap_or_default();
                    // A kube-apiserver config carried through a KRM pipeline: read by its kind.
                    match crate::kinds::kubernetes::observe::carried(o, &data) {
                        Some(Ok(list)) => spoke_mut(&mut spokes, spoke).authenticators.extend(list),
                        Some(Err(e)) => m.unreadable.push(e),
                        None => {}
                    }
                    spoke_mut(&mut spokes, spoke).config_maps.push(CaConfigMap {
                        namespace: o.namespace.clone(),
                        name: o.name.clone(),
                        data,
                        at: o.display(),
                    });
                } else if o.is::<ClusterRoleBinding>() || o.is::<RoleBinding>() {
                    match binding(o) {
                        Ok(b) => spoke_mut(&mut spokes, spoke).bindings.push(b),
                        Err(e) => m.unreadable.push(e),
                    }
                } else if o.is::<ClusterRole>() {
                    // A rule the API server would refuse makes the role unreadable, said as such: read as
                    // "no rules", the RBAC check would give a verdict about a role it never saw.
                    match field::<Vec<PolicyRule>>(o, "/rules") {
                        Ok(rules) => {
                            spoke_mut(&mut spokes, spoke)
                                .cluster_roles
                                .insert(o.name.clone(), rules.unwrap_or_default());
                        }
                        Err(e) => m.unreadable.push(e),
                    }
                }
            }
        }
    }
    // Unmarked ConfigMaps stay: a HostedCluster's CA lives unmarked on the hosting cluster, and CA lookups
    // fall back to them. Checks report only groups that hold an authenticator or bindings.
    spokes.sort_by(|a, b| a.name.cmp(&b.name));
    (m, spokes)
}

fn is_cluster_secret(o: &Object) -> bool {
    o.value.pointer("/metadata/labels").and_then(|l| l.get(SECRET_TYPE_LABEL)).and_then(Value::as_str)
        == Some(CLUSTER_SECRET_TYPE)
}

fn argocd(o: &Object) -> Result<ArgoCd, String> {
    let mut components = Vec::new();
    for component in model::Component::ALL {
        let key = component.spec_key();
        let spec: ComponentPod = field(o, &format!("/spec/{key}"))?.unwrap_or_default();
        components.push(Component {
            key,
            service_account: component.service_account(&o.name),
            workload: component.workload(&o.name),
            labels: spec.labels.unwrap_or_default(),
            volumes: spec.volumes,
            mounts: spec.volume_mounts,
            init_containers: spec.init_containers,
            env: spec.env.into_iter().map(|e| (e.name, e.value.unwrap_or_default())).collect(),
        });
    }
    Ok(ArgoCd { name: o.name.clone(), namespace: o.namespace.clone(), at: o.display(), components })
}

fn cluster_spiffe_id(o: &Object) -> Result<ClusterSpiffeId, String> {
    serde_json::from_value(o.value.clone())
        .map_err(|e| format!("{} ({}): spec has an unexpected shape: {e}", o.display(), o.origin))
}

/// Reads a cluster Secret as Argo CD does, through the shared [`ClusterSecretData`] and
/// [`crate::api::argocd_cluster::ClusterConfig`]:
/// `stringData` over `data`, the config JSON as Argo CD's Go types accept it.
fn cluster_secret(o: &Object) -> ClusterSecret {
    let mut secret = ClusterSecret {
        name: o.name.clone(),
        namespace: o.namespace.clone(),
        at: o.display(),
        cluster_name: o.name.clone(),
        server: String::new(),
        namespaces: Vec::new(),
        config_error: None,
        exec: None,
        other_auth: Vec::new(),
    };
    let data = serde_json::from_value::<Secret>(o.value.clone())
        .map_err(|e| format!("is not a Secret the API server accepts ({e})"))
        .and_then(|s| ClusterSecretData::from_secret(&s));
    let data = match data {
        Ok(data) => data,
        Err(e) => {
            secret.config_error = Some(e);
            return secret;
        }
    };
    if let Some(name) = data.name.as_ref().filter(|n| !n.is_empty()) {
        secret.cluster_name = name.clone();
    }
    secret.server = data.server.clone().unwrap_or_default();
    secret.namespaces = data.namespaces.clone();
    if data.config.as_deref().is_none_or(|c| c.trim().is_empty()) {
        secret.config_error = Some("has no `config`".into());
        return secret;
    }
    let config = match data.config() {
        Ok(c) => c,
        Err(e) => {
            // The kubeconfig list form is the one mistake common enough to name: say what to write instead.
            let raw: Option<Value> = data.config.as_deref().and_then(|c| serde_json::from_str(c).ok());
            let env = raw.as_ref().and_then(|c| c.pointer("/execProviderConfig/env"));
            secret.config_error = Some(if env.is_some_and(Value::is_array) {
                "execProviderConfig.env is not a JSON object; Argo CD rejects the kubeconfig list form \
                 [{name, value}], write {\"NAME\": \"value\"}"
                    .into()
            } else {
                format!("{e}; Argo CD cannot use this Secret")
            });
            return secret;
        }
    };
    secret.other_auth = config.credentials().into_iter().filter(|c| *c != "execProviderConfig").collect();
    secret.exec = config.exec_provider_config;
    secret
}

/// Reads a RoleBinding or ClusterRoleBinding's `roleRef` and `subjects` as k8s-openapi's RBAC types.
fn binding(o: &Object) -> Result<Binding, String> {
    let role_ref: RoleRef =
        field(o, "/roleRef")?.ok_or_else(|| format!("{} ({}): has no roleRef", o.display(), o.origin))?;
    let subjects: Vec<Subject> = field(o, "/subjects")?.unwrap_or_default();
    let names = |kind: &str| subjects.iter().filter(|s| s.kind == kind).map(|s| s.name.clone()).collect();
    Ok(Binding {
        at: o.display(),
        namespace: o.is::<RoleBinding>().then(|| o.namespace.clone()),
        role_kind: role_ref.kind,
        role: role_ref.name,
        users: names("User"),
        groups: names("Group"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret_with_config(config: Value) -> ClusterSecret {
        let value = serde_json::json!({
            "apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": "spoke-a", "namespace": "gitops", "labels": {SECRET_TYPE_LABEL: "cluster"}},
            "stringData": {"server": "https://api.a.example.com:6443", "config": config.to_string()},
        });
        read_secret(value)
    }

    fn read_secret(value: Value) -> ClusterSecret {
        let object = Object {
            origin: "s.yaml".into(),
            api_version: "v1".into(),
            kind: "Secret".into(),
            name: "spoke-a".into(),
            namespace: "gitops".into(),
            cluster: None,
            value,
        };
        assert!(is_cluster_secret(&object));
        cluster_secret(&object)
    }

    /// The Secret is read as k8s-openapi's `Secret`, so `data` that is not base64 is reported as a Secret
    /// the API server refuses, not read key by key.
    #[test]
    fn a_secret_the_api_server_refuses_is_reported() {
        let secret = read_secret(serde_json::json!({
            "apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": "spoke-a", "namespace": "gitops", "labels": {SECRET_TYPE_LABEL: CLUSTER_SECRET_TYPE}},
            "data": {"server": "not base64!"},
        }));
        assert!(secret.config_error.unwrap().contains("not a Secret the API server accepts"));
        assert_eq!((secret.cluster_name.as_str(), secret.exec), ("spoke-a", None));
    }

    /// The doctor reads `config` through the shared `api::argocd_cluster::ClusterConfig`, so it refuses
    /// what Argo CD's Go types refuse (a number as an env value, a string as `insecure`) instead of a
    /// private, looser reading that passed a Secret Argo CD cannot use.
    #[test]
    fn cluster_config_is_read_as_argo_cd_reads_it() {
        let exec = |env: Value| serde_json::json!({"execProviderConfig": {"command": "/p", "apiVersion": "client.authentication.k8s.io/v1", "env": env}});
        let ok = secret_with_config(exec(serde_json::json!({"SPIFFE_JWT_AUDIENCE": "a"})));
        assert_eq!(ok.config_error, None);
        assert_eq!(
            ok.exec.unwrap().env,
            indexmap::IndexMap::from([("SPIFFE_JWT_AUDIENCE".to_string(), "a".to_string())])
        );

        let number = secret_with_config(exec(serde_json::json!({"EXEC_CREDENTIAL_VERSION": 1})));
        assert!(number.config_error.unwrap().contains("not Argo CD's cluster config JSON"));
        let insecure = secret_with_config(serde_json::json!({"tlsClientConfig": {"insecure": "yes"}}));
        assert!(insecure.config_error.unwrap().contains("not Argo CD's cluster config JSON"));

        let list = secret_with_config(exec(serde_json::json!([{"name": "SPIFFE_JWT_AUDIENCE", "value": "a"}])));
        assert!(list.config_error.unwrap().contains("kubeconfig list form"));

        let token = secret_with_config(serde_json::json!({"bearerToken": "t", "awsAuthConfig": {"clusterName": "c"}}));
        assert_eq!((token.config_error, token.other_auth), (None, vec!["bearer token", "awsAuthConfig"]));

        // A client certificate beside the exec plugin is a credential too (ClusterConfig::credentials).
        let cert = secret_with_config(
            serde_json::json!({"tlsClientConfig": {"insecure": false, "certData": "Y2VydA==", "keyData": "a2V5"},
            "execProviderConfig": {"command": "/p", "apiVersion": "client.authentication.k8s.io/v1"}}),
        );
        assert_eq!((cert.config_error, cert.other_auth), (None, vec!["client certificate"]));
        assert!(cert.exec.is_some());
    }
}
