//! `spec.spokes`: each spoke's contract (server, audience, username mapping and so its RBAC subjects,
//! required claims, issuer CA, how Argo CD connects), its kind and its access.

use super::management::{operator_secrets, Management};
use super::Written;
use crate::api::authentication_configuration;
use crate::config::syntax::{
    audience_problem, base64_pem_problem, host_port_problem, is_dns_label, is_dns_subdomain, label_problem,
    major_minor, LABEL_RULE,
};
use crate::config::{self, Spec, SpokeType, DEFAULT_CLUSTER_ROLE};
use crate::diag::{Diagnostics, Severity, Topic};
use crate::model::{
    pem_certificates, Access, Cluster, Connection, Eks, Hosted, Kubernetes, OidcClient, OpenShift, Origin,
    RequiredClaim, Spoke, SpokeContract, SpokeKind, Tls, UsernameMapping, STANDARD_LABELS, STANDARD_LABEL_PREFIX,
    SUBJECT_CLAIM,
};
use std::collections::BTreeMap;

/// The one OpenShift release whose external OIDC needs `FeatureGate` `TechPreviewNoUpgrade` (earlier
/// ones have none; 4.20 and later have it by default).
pub(super) const TECH_PREVIEW_RELEASE: (u32, u32) = (4, 19);

/// What a spoke resolves to on its own; the contract is completed with the management side.
struct Parts {
    name: String,
    server: String,
    audience: String,
    details: Details,
}

/// Everything of a spoke but its name, server and audience, which are checked against the other spokes.
struct Details {
    prefix: Option<String>,
    issuer_ca: Option<String>,
    tls: Tls,
    kind: SpokeKind,
    cluster_role: String,
    namespaces: Vec<String>,
    project: Option<String>,
    labels: BTreeMap<String, String>,
}

/// Every spoke, or None when one of them (or the management side they need) did not resolve.
pub(super) fn resolve(
    spec: &Spec,
    management: Option<&Management>,
    written: &Written,
    d: &mut Diagnostics,
) -> Option<Vec<Spoke>> {
    if spec.spokes.is_empty() {
        d.info(
            "spec.spokes",
            "no spokes are configured: only the management cluster's manifests are generated. Add entries to spec.spokes (or `spokeServer` in the ConfigMap form) to manage spoke clusters.",
        );
    }
    let mut names: BTreeMap<&str, usize> = BTreeMap::new();
    let mut servers: BTreeMap<String, usize> = BTreeMap::new();
    let mut audiences: BTreeMap<String, usize> = BTreeMap::new();
    let mut parts = Vec::new();
    audience_checked(&spec.audience, "spec.audience", d);
    for (i, spoke) in spec.spokes.iter().enumerate() {
        let p = format!("spec.spokes.{i}");
        let name = name(spec, spoke, &p, &mut names, i, d);
        let server = server(spoke, &p, d);
        if let Some(server) = &server {
            // Scheme and host are case-insensitive: `API.x` and `api.x` are one server to Argo CD's users.
            if let Some(&first) = servers.get(&server.to_lowercase()) {
                d.error(
                    format!("{p}.server"),
                    format!("server `{server}` is already used by spec.spokes.{first}; Argo CD identifies clusters by server URL, so each spoke needs its own."),
                );
            } else {
                servers.insert(server.to_lowercase(), i);
            }
        }
        audience_checked(&spoke.audience, &format!("{p}.audience"), d);
        // The spoke's own audience, else the config's, else its name.
        let audience =
            [&spoke.audience, &spec.audience].into_iter().find(|a| !a.is_empty()).unwrap_or(&spoke.name).clone();
        if let Some(&first) = audiences.get(&audience) {
            d.warning(
                format!("{p}.audience"),
                format!("audience `{audience}` is also used by spec.spokes.{first}: a token minted for one spoke is accepted by the other. Give each spoke its own audience (or leave spec.audience empty so each uses its name)."),
            );
        } else {
            audiences.insert(audience.clone(), i);
        }
        let details = details(spoke, &p, spec, written, d);
        lockout(spoke, &p, d);
        parts.push(match (name, server, details) {
            (Some(name), Some(server), Some(details)) => Some(Parts { name, server, audience, details }),
            _ => None,
        });
    }
    let management = management?;
    parts.into_iter().enumerate().map(|(i, p)| p.map(|p| spoke(i, p, management))).collect()
}

/// The irreversible consequence of switching a spoke to external OIDC, where it applies: OpenShift (and a
/// hosted control plane's guest) allows one provider, so its OAuth login goes. A warning, printed by
/// default, until the config acknowledges `lockout`.
fn lockout(spoke: &config::Spoke, p: &str, d: &mut Diagnostics) {
    let name = &spoke.name;
    let message = match spoke.type_ {
        SpokeType::Openshift => format!(
            "spoke `{name}`: Authentication/cluster with type OIDC removes the spoke's built-in OAuth server and every \
             other login method (oc login with passwords or identity providers, console OAuth), and the change \
             rolls out kube-apiserver for 20 minutes or more. Before applying, keep a certificate-based admin \
             kubeconfig (such as the installer's) and apply this spoke's manifests with it; then acknowledge \
             `lockout`."
        ),
        SpokeType::Hosted => format!(
            "spoke `{name}` is a hosted control plane: apply `--target control-plane/{name}` to the hosting cluster \
             (server-side, see the object's comment), then `--target spoke/{name}` to the guest. Authentication \
             type OIDC removes the guest's built-in OAuth login; keep a certificate-based admin kubeconfig \
             for it, then acknowledge `lockout`."
        ),
        SpokeType::Kubernetes | SpokeType::Eks => return,
    };
    d.note(Severity::Warning, p, Topic::Lockout, message);
}

/// Reports an audience that cannot be a JWT `aud` (see [`audience_problem`]); an empty one is the default.
fn audience_checked(audience: &str, path: &str, d: &mut Diagnostics) {
    if let Some(problem) = audience_problem(audience) {
        d.error(
            path,
            format!(
                "audience `{audience}` cannot be a token audience: {problem}. Use the exact `aud` value the spoke expects, e.g. `argocd` or `https://spoke-a.example.com`, or leave it empty to use the spoke's name."
            ),
        );
    }
}

/// Completes a spoke's contract with the management side: the usernames are the identities' SPIFFE IDs
/// under this spoke's username mapping, and `identity: shared` requires that one `sub`.
fn spoke(i: usize, Parts { name, server, audience, details: p }: Parts, m: &Management) -> Spoke {
    let mut ids: Vec<&str> = m.trust.identities.iter().map(|id| id.spiffe_id.as_str()).collect();
    ids.dedup();
    let username = UsernameMapping { claim: SUBJECT_CLAIM, prefix: p.prefix };
    let usernames = ids.iter().map(|id| format!("{}{id}", username.prefix.as_deref().unwrap_or_default())).collect();
    let required_claims = m
        .trust
        .shared
        .iter()
        .map(|shared| RequiredClaim { claim: SUBJECT_CLAIM, value: shared.spiffe_id.clone() })
        .collect();
    let exec = m.exec.for_spoke(&audience, &m.trust.workload_api.endpoint);
    Spoke {
        origin: Origin::at(format!("spec.spokes.{i}")),
        cluster: Cluster::Spoke(name.clone()),
        name,
        contract: SpokeContract {
            server,
            audience,
            username,
            usernames,
            required_claims,
            issuer_ca: p.issuer_ca,
            connection: Connection::ClusterSecret { exec, tls: p.tls },
        },
        kind: p.kind,
        access: Access {
            cluster_role: p.cluster_role,
            namespaces: p.namespaces,
            binding_name: format!("{}-admins", m.gitops.namespace),
        },
        project: p.project,
        labels: p.labels,
    }
}

fn name<'s>(
    spec: &Spec,
    spoke: &'s config::Spoke,
    p: &str,
    names: &mut BTreeMap<&'s str, usize>,
    i: usize,
    d: &mut Diagnostics,
) -> Option<String> {
    if spoke.name.is_empty() {
        d.error(format!("{p}.name"), "name is required: a DNS-1123 label such as `spoke-a`.");
    } else if !is_dns_label(&spoke.name) {
        d.error(
            format!("{p}.name"),
            format!("name `{}` is not a DNS-1123 label; {LABEL_RULE}; e.g. `spoke-a`.", spoke.name),
        );
    } else if let Some(&first) = names.get(spoke.name.as_str()) {
        d.error(
            format!("{p}.name"),
            format!("name `{}` is already used by spec.spokes.{first}; spoke names must be unique.", spoke.name),
        );
    } else if operator_secrets(&spec.management.gitops.name).contains(&spoke.name) {
        d.error(
            format!("{p}.name"),
            format!(
                "name `{}` is the name of a Secret the argocd-operator manages in namespace `{}`, and the spoke's cluster Secret (named after the spoke) would overwrite it; rename the spoke.",
                spoke.name, spec.management.gitops.namespace
            ),
        );
    } else {
        names.insert(&spoke.name, i);
        return Some(spoke.name.clone());
    }
    None
}

/// The API server URL as Argo CD compares it: `https://host[:port]`, one trailing `/` trimmed.
fn server(spoke: &config::Spoke, p: &str, d: &mut Diagnostics) -> Option<String> {
    let path = format!("{p}.server");
    let s = &spoke.server;
    if s.is_empty() {
        d.error(path, "server is required: the spoke API server URL, e.g. `https://api.spoke.example.com:6443`.");
        return None;
    }
    let lower = s.to_ascii_lowercase();
    if ["https://https://", "https://http://", "http://https://"].iter().any(|x| lower.starts_with(x)) {
        d.error(
            path,
            format!("server `{s}` has the scheme twice (what `\"https://$(oc whoami --show-server)\"` produces: `oc whoami --show-server` already prints `https://`); remove one `https://`."),
        );
        return None;
    }
    let Some(rest) = s.strip_prefix("https://") else {
        d.error(path, format!("server `{s}` must start with `https://`, e.g. `https://api.spoke.example.com:6443`; Argo CD reaches the spoke API over TLS."));
        return None;
    };
    let trimmed = s.strip_suffix('/').unwrap_or(s);
    let rest = match rest.strip_suffix('/') {
        Some(rest) => {
            d.info(path.clone(), format!("server `{s}` ends with `/`; it is trimmed to `{trimmed}`, as Argo CD does."));
            rest
        }
        None => rest,
    };
    match host_port_problem(rest) {
        Some(problem) => {
            d.error(path, format!("server `{s}` {problem}, e.g. `https://api.spoke.example.com:6443`."));
            None
        }
        None => Some(trimmed.to_string()),
    }
}

/// Everything of a spoke but its name, server and audience: its kind's own fields (one function per
/// kind, [`KindParts`]), then the fields all kinds share, in the config's order, so results read from
/// top to bottom.
fn details(spoke: &config::Spoke, p: &str, spec: &Spec, written: &Written, d: &mut Diagnostics) -> Option<Details> {
    let mut ok = true;
    let mut error = |d: &mut Diagnostics, field: &str, message: String| {
        d.error(format!("{p}.{field}"), message);
        ok = false;
    };
    let set = |field: &str| written.has(&format!("{p}.{field}"));
    let ty = spoke.type_;
    misplaced_kind_fields(ty, &set, d, &mut error);
    let kind = match ty {
        SpokeType::Openshift => openshift_version(spoke, p, d, &mut error),
        SpokeType::Hosted => hosted_cluster(spoke, d, &mut error),
        SpokeType::Kubernetes => kubernetes_version(spoke, d, &mut error),
        SpokeType::Eks => eks(spoke, spec, d, &mut error),
    };
    connection(spoke, p, d, &mut error);
    let (oidc_clients, ca_configmap) = oidc(spoke, &set, d, &mut error);
    access(spoke, p, d, &mut error);
    let non_empty = |s: &str| (!s.is_empty()).then(|| s.to_string());
    // `admin` instead of the cluster-wide default when namespace-scoped and the user kept the default.
    let cluster_role = if !spoke.namespaces.is_empty() && spoke.cluster_role == DEFAULT_CLUSTER_ROLE {
        crate::model::NAMESPACE_ROLE.to_string()
    } else {
        spoke.cluster_role.clone()
    };
    let kind = kind.filter(|_| ok);
    ok.then(|| {
        Some(Details {
            prefix: non_empty(&spoke.username_prefix),
            issuer_ca: non_empty(&spoke.issuer_ca),
            tls: Tls { ca_data: non_empty(&spoke.ca_data), insecure: spoke.insecure_skip_tls_verify },
            kind: kind?.into_kind(spoke, oidc_clients, ca_configmap),
            cluster_role,
            namespaces: spoke.namespaces.clone(),
            project: non_empty(&spoke.project),
            labels: spoke.labels.clone(),
        })
    })
    .flatten()
}

/// Fields of one kind of spoke, set on another: the user meant something this spoke cannot do.
fn misplaced_kind_fields(ty: SpokeType, set: &dyn Fn(&str) -> bool, d: &mut Diagnostics, error: &mut ErrorSink) {
    for (field, owner, what) in [
        (
            "openshiftVersion",
            SpokeType::Openshift,
            "the OpenShift version decides the FeatureGate of a classic OpenShift spoke",
        ),
        ("hostedCluster", SpokeType::Hosted, "it names the HostedCluster of a hosted control plane"),
        (
            "kubernetesVersion",
            SpokeType::Kubernetes,
            "it picks the AuthenticationConfiguration version of a kube-apiserver",
        ),
        ("eks", SpokeType::Eks, "it names the EKS cluster of an IdentityProviderConfig"),
    ] {
        if ty != owner && set(field) {
            error(
                d,
                field,
                format!("{field} does not apply to a `type: {}` spoke ({what}, `type: {}`); remove it, or set the type it is for.", ty.as_str(), owner.as_str()),
            );
        }
    }
}

/// How Argo CD reaches the spoke and how the spoke trusts the issuer: the username prefix, the API
/// server's CA (or the insecure flag) and the issuer's CA.
fn connection(spoke: &config::Spoke, p: &str, d: &mut Diagnostics, error: &mut ErrorSink) {
    let ty = spoke.type_;
    if spoke.username_prefix.starts_with("system:") {
        error(d, "usernamePrefix", format!("usernamePrefix `{}` puts Argo CD's users in the reserved `system:` namespace of Kubernetes usernames, where they could collide with or pass for built-in users; use a prefix such as `spiffe:` or none.", spoke.username_prefix));
    }
    if !spoke.ca_data.is_empty() {
        if let Some(problem) = base64_pem_problem(&spoke.ca_data) {
            error(d, "caData", format!("caData {problem}; it is the CA of the spoke's API server, e.g. from the spoke kubeconfig's certificate-authority-data."));
        }
    }
    if spoke.ca_data.is_empty() && !spoke.insecure_skip_tls_verify {
        d.note(
            Severity::Warning,
            format!("{p}.caData"),
            Topic::ApiServerSystemRoots,
            "caData is empty: Argo CD verifies the spoke API server's certificate against the system roots, which fails unless it is publicly trusted; set caData (`oc --kubeconfig <spoke> config view --raw --minify -o jsonpath='{.clusters[0].cluster.certificate-authority-data}'`), or acknowledge `apiServerSystemRoots`.",
        );
    }
    if spoke.issuer_ca.is_empty() && ty != SpokeType::Eks {
        d.note(
            Severity::Warning,
            format!("{p}.issuerCA"),
            Topic::IssuerSystemTrust,
            "issuerCA is empty: the spoke fetches the issuer's keys trusting only its system store. If the management cluster serves the default ingress certificate, set issuerCA to its CA, `oc get cm -n openshift-config-managed default-ingress-cert -o jsonpath='{.data.ca-bundle\\.crt}'` (on the management cluster), or acknowledge `issuerSystemTrust`.",
        );
    }
    if spoke.insecure_skip_tls_verify {
        if spoke.ca_data.is_empty() {
            d.warning(
                format!("{p}.insecureSkipTLSVerify"),
                "insecureSkipTLSVerify is true: Argo CD does not verify the spoke API server's certificate, so anyone on the path can impersonate it and receive its tokens; set caData instead.",
            );
        } else {
            error(d, "insecureSkipTLSVerify", "insecureSkipTLSVerify and caData are both set; Kubernetes clients refuse a CA together with the insecure flag. Remove insecureSkipTLSVerify.".into());
        }
    }
    if ty == SpokeType::Eks && !spoke.issuer_ca.is_empty() {
        error(d, "issuerCA", "issuerCA cannot be used with `type: eks`: EKS fetches the issuer's keys only from a publicly reachable https endpoint with a publicly trusted certificate. Serve the OIDC discovery route with such a certificate and remove issuerCA.".into());
    } else if let Some(problem) =
        (!spoke.issuer_ca.is_empty()).then(|| pem_certificates(&spoke.issuer_ca).err()).flatten()
    {
        error(d, "issuerCA", format!("issuerCA {problem}; it must be PEM text (`-----BEGIN CERTIFICATE-----` … `-----END CERTIFICATE-----`, not base64 of it): the CA that signs the management cluster's ingress certificate."));
    }
}

/// The OIDC provider's OAuth clients (OpenShift's external OIDC only) and its name, which also names
/// the issuer CA's ConfigMap: the clients and that ConfigMap's name.
fn oidc(
    spoke: &config::Spoke,
    set: &dyn Fn(&str) -> bool,
    d: &mut Diagnostics,
    error: &mut ErrorSink,
) -> (Vec<OidcClient>, String) {
    let ty = spoke.type_;
    let ca_configmap = format!("{}-ca", spoke.oidc_provider_name);
    let clients_apply = matches!(ty, SpokeType::Openshift | SpokeType::Hosted);
    if !clients_apply && !spoke.oidc_clients.is_empty() {
        error(d, "oidcClients", format!("oidcClients does not apply to a `type: {}` spoke: only OpenShift's external OIDC has OAuth clients; remove it.", ty.as_str()));
    }
    for (j, c) in spoke.oidc_clients.iter().enumerate() {
        if c.component_name.is_empty() || c.component_namespace.is_empty() || c.client_id.is_empty() {
            error(d, &format!("oidcClients.{j}"), "an oidcClients entry needs componentName, componentNamespace and clientID, e.g. `{componentName: cli, componentNamespace: openshift-console, clientID: openshift-cli}`.".into());
        }
    }
    let oidc_clients: Vec<OidcClient> = spoke
        .oidc_clients
        .iter()
        .map(|c| OidcClient {
            component_name: c.component_name.clone(),
            component_namespace: c.component_namespace.clone(),
            client_id: c.client_id.clone(),
        })
        .collect();
    if ty == SpokeType::Kubernetes && set("oidcProviderName") {
        error(d, "oidcProviderName", "oidcProviderName does not apply to a `type: kubernetes` spoke: a kube-apiserver JWT authenticator has no name; remove it.".into());
    } else if spoke.oidc_provider_name.is_empty() || !is_dns_subdomain(&ca_configmap) {
        error(d, "oidcProviderName", format!("oidcProviderName `{}` must be a DNS-1123 subdomain (it names the `{ca_configmap}` ConfigMap); e.g. `ztwim-oidc-server`.", spoke.oidc_provider_name));
    }
    (oidc_clients, ca_configmap)
}

/// What Argo CD may do on the spoke and how its cluster Secret is labelled: the ClusterRole, the
/// namespaces, the AppProject and the labels.
fn access(spoke: &config::Spoke, p: &str, d: &mut Diagnostics, error: &mut ErrorSink) {
    if spoke.cluster_role.trim().is_empty() {
        error(
            d,
            "clusterRole",
            "clusterRole must name the ClusterRole granted to Argo CD, e.g. `cluster-admin` or `admin`.".into(),
        );
    }
    let mut seen = Vec::new();
    for (j, ns) in spoke.namespaces.iter().enumerate() {
        if !is_dns_label(ns) {
            error(d, &format!("namespaces.{j}"), format!("namespace `{ns}` is not a DNS-1123 label; {LABEL_RULE}."));
        } else if seen.contains(&ns) {
            error(d, &format!("namespaces.{j}"), format!("namespace `{ns}` is listed twice; remove the duplicate."));
        }
        seen.push(ns);
    }
    if !spoke.project.is_empty() && !is_dns_subdomain(&spoke.project) {
        error(
            d,
            "project",
            format!(
                "project `{}` is not a valid Argo CD AppProject name (a DNS-1123 subdomain), e.g. `team-a`.",
                spoke.project
            ),
        );
    } else if !spoke.project.is_empty() {
        d.info(
            format!("{p}.project"),
            format!(
                "the cluster Secret scopes this spoke to the AppProject `{}`, which ztwim-gitops does not create: make sure it exists and lists this spoke among its destinations.",
                spoke.project
            ),
        );
    }
    for (key, value) in &spoke.labels {
        if let Some(problem) = label_problem(key, value) {
            error(d, &format!("labels.{key}"), format!("label `{key}: {value}` is invalid: {problem}."));
        } else if key.starts_with(STANDARD_LABEL_PREFIX) || STANDARD_LABELS.contains(&key.as_str()) {
            error(
                d,
                &format!("labels.{key}"),
                format!("label `{key}` is one ztwim-gitops sets on the cluster Secret itself (the `{STANDARD_LABEL_PREFIX}` prefix, {}), so ApplicationSets can trust it; remove it, or use a key of your own, e.g. `example.com/{}`.", STANDARD_LABELS.join(", "), key.rsplit('/').next().unwrap_or(key)),
            );
        }
    }
}

/// A kind as far as it resolves before the fields all kinds share.
enum KindParts {
    OpenShift { needs_tech_preview: bool, version: String },
    Hosted { name: String, namespace: String },
    Kubernetes { api_version: &'static str, version: Option<String> },
    Eks { cluster_name: String, namespace: String },
}

impl KindParts {
    /// The model's kind, completed with the OIDC provider the OpenShift kinds configure.
    fn into_kind(self, spoke: &config::Spoke, oidc_clients: Vec<OidcClient>, ca_configmap: String) -> SpokeKind {
        match self {
            KindParts::OpenShift { needs_tech_preview, version } => SpokeKind::OpenShift(OpenShift {
                version,
                needs_tech_preview,
                oidc_provider_name: spoke.oidc_provider_name.clone(),
                oidc_clients,
                ca_configmap,
            }),
            KindParts::Hosted { name, namespace } => SpokeKind::Hosted(Hosted {
                hosted_cluster: name,
                namespace,
                oidc_provider_name: spoke.oidc_provider_name.clone(),
                oidc_clients,
                ca_configmap,
            }),
            KindParts::Kubernetes { api_version, version } => {
                SpokeKind::Kubernetes(Kubernetes { api_version, version })
            }
            KindParts::Eks { cluster_name, namespace } => {
                SpokeKind::Eks(Eks { cluster_name, namespace, config_name: spoke.oidc_provider_name.clone() })
            }
        }
    }
}

type ErrorSink<'a> = dyn FnMut(&mut Diagnostics, &str, String) + 'a;

/// Whether an OpenShift spoke needs the TechPreviewNoUpgrade FeatureGate (4.19), and its version; None
/// when its version is not one external OIDC works on.
fn openshift_version(spoke: &config::Spoke, p: &str, d: &mut Diagnostics, error: &mut ErrorSink) -> Option<KindParts> {
    let parts = |needs_tech_preview, (major, minor)| KindParts::OpenShift {
        needs_tech_preview,
        version: format!("{major}.{minor}"),
    };
    match major_minor(&spoke.openshift_version) {
        None => {
            error(
                d,
                "openshiftVersion",
                format!(
                    "openshiftVersion `{}` must be `MAJOR.MINOR`, quoted, e.g. `\"4.20\"`.",
                    spoke.openshift_version
                ),
            );
            None
        }
        Some(v) if v < TECH_PREVIEW_RELEASE => {
            error(d, "openshiftVersion", format!("openshiftVersion `{}` is too old: external OIDC authentication (Authentication type OIDC) needs OpenShift 4.19 or later (4.20 without TechPreviewNoUpgrade); upgrade the spoke.", spoke.openshift_version));
            None
        }
        Some(v) if v == TECH_PREVIEW_RELEASE => {
            d.warning(
                format!("{p}.openshiftVersion"),
                "OpenShift 4.19 needs FeatureGate `TechPreviewNoUpgrade` for external OIDC, which is irreversible and blocks minor upgrades of the spoke; prefer 4.20 or later.",
            );
            Some(parts(true, v))
        }
        Some(v) => Some(parts(false, v)),
    }
}

fn hosted_cluster(spoke: &config::Spoke, d: &mut Diagnostics, error: &mut ErrorSink) -> Option<KindParts> {
    let h = &spoke.hosted_cluster;
    let mut ok = true;
    if h.name.is_empty() || !is_dns_label(&h.name) {
        error(d, "hostedCluster.name", format!("hostedCluster.name `{}` must name the spoke's HostedCluster (a DNS-1123 label; `oc get hostedclusters -A` on the hosting cluster).", h.name));
        ok = false;
    }
    if h.namespace.is_empty() || !is_dns_label(&h.namespace) {
        error(d, "hostedCluster.namespace", format!("hostedCluster.namespace `{}` must be the HostedCluster's namespace on the hosting cluster (a DNS-1123 label, e.g. `clusters`).", h.namespace));
        ok = false;
    }
    ok.then(|| KindParts::Hosted { name: h.name.clone(), namespace: h.namespace.clone() })
}

/// `v1` from Kubernetes 1.34, where structured authentication is GA; `v1beta1` from 1.30 and when the
/// version is not given (1.34 still serves it).
fn kubernetes_version(spoke: &config::Spoke, d: &mut Diagnostics, error: &mut ErrorSink) -> Option<KindParts> {
    if spoke.kubernetes_version.is_empty() {
        return Some(KindParts::Kubernetes { api_version: authentication_configuration::V1BETA1, version: None });
    }
    let parts =
        |api_version, (major, minor)| KindParts::Kubernetes { api_version, version: Some(format!("{major}.{minor}")) };
    match major_minor(&spoke.kubernetes_version) {
        None => {
            error(
                d,
                "kubernetesVersion",
                format!(
                    "kubernetesVersion `{}` must be `MAJOR.MINOR`, quoted, e.g. `\"1.33\"`.",
                    spoke.kubernetes_version
                ),
            );
            None
        }
        Some(v) if v < (1, 30) => {
            error(d, "kubernetesVersion", format!("kubernetesVersion `{}` is too old: kube-apiserver reads a structured authentication config (`--authentication-config`) from 1.30; upgrade the spoke.", spoke.kubernetes_version));
            None
        }
        Some(v) if v >= (1, 34) => Some(parts(authentication_configuration::V1, v)),
        Some(v) => Some(parts(authentication_configuration::V1BETA1, v)),
    }
}

/// The EKS cluster (the spoke's name unless given) and where its IdentityProviderConfig lives (Argo
/// CD's namespace unless given).
fn eks(spoke: &config::Spoke, spec: &Spec, d: &mut Diagnostics, error: &mut ErrorSink) -> Option<KindParts> {
    let e = &spoke.eks;
    let cluster_name = if e.cluster_name.is_empty() { spoke.name.clone() } else { e.cluster_name.clone() };
    let name_ok = cluster_name.len() <= 100
        && cluster_name.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
        && cluster_name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !name_ok {
        error(d, "eks.clusterName", format!("eks.clusterName `{cluster_name}` is not an EKS cluster name: 1-100 letters, digits, `-` and `_`, starting with a letter or digit (`aws eks list-clusters`)."));
    }
    if !e.namespace.is_empty() && !is_dns_label(&e.namespace) {
        error(d, "eks.namespace", format!("eks.namespace `{}` is not a DNS-1123 label; {LABEL_RULE}.", e.namespace));
    }
    let namespace = if e.namespace.is_empty() { spec.management.gitops.namespace.clone() } else { e.namespace.clone() };
    name_ok.then_some(KindParts::Eks { cluster_name, namespace })
}
