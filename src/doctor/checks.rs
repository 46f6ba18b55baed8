//! The links of the trust chain, checked per cluster Secret → spoke pair. Every link ends in exactly one
//! line; a link whose other end is not in the input is an info line, never a pass.

use super::observe::{
    ArgoCd, Authenticator, Binding, CaSource, ClusterSecret, Component, Helper as _, InitContainer as _, Management,
    Spoke,
};
use super::report::{literal, side, Checks, Link, Status};
use crate::api::argocd_cluster::ExecProviderConfig;
use crate::api::exec_credential::GROUP as EXEC_API_GROUP;
use crate::model::{
    ignored_namespace_pattern, render_spiffe_id_template, trust_domain_of, TemplateFields, AGENT_SOCKET, AUDIENCE_ENV,
    CLUSTER_WIDE_ROLE, CREDENTIAL_VERSION_ENV, CSI_DRIVER, IGNORED_NAMESPACE_PATTERNS, NAMESPACE_NAME_LABEL,
    NAMESPACE_ROLE, SECRET_TYPE_LABEL, SOCKET_ENV, SPIRE_CLASS_NAME as SPIRE_CLASS, TARGET_ANNOTATION,
    WORKLOAD_NAME_LABEL, ZTWIM_FALLBACK_TEMPLATE,
};
use k8s_openapi::api::core::v1::Volume;
use k8s_openapi::api::rbac::v1::ClusterRole;
use k8s_openapi::Resource;
use std::collections::BTreeMap;

/// The plugin's defaults when its variables are unset (k8s-spiffe-workload-jwt-exec-auth cmd/main.go).
const DEFAULT_SOCKET: &str = "unix:///tmp/spire-agent/public/api.sock";
const DEFAULT_AUDIENCE: &str = "k8s";
const DEFAULT_CREDENTIAL_VERSION: &str = "v1";
/// Clusterroles that give Argo CD what it needs: everywhere (cluster-wide spoke) or in a namespace.
const CLUSTER_WIDE_ROLES: [&str; 1] = [CLUSTER_WIDE_ROLE];
const NAMESPACE_ROLES: [&str; 2] = [CLUSTER_WIDE_ROLE, NAMESPACE_ROLE];

/// The SPIFFE ID one Argo CD component presents, or why it cannot be known from the input.
#[derive(Debug, Clone)]
pub struct Identity {
    pub component: &'static str,
    pub id: Result<String, String>,
    /// Which registration gives it.
    pub at: String,
}

/// What the management side offers every spoke, computed once.
pub struct Context<'a> {
    pub m: &'a Management,
    pub argocd: Option<&'a ArgoCd>,
    pub identities: Vec<Identity>,
}

pub fn run(m: &Management, spokes: &[Spoke], checks: &mut Checks) -> Vec<(usize, Option<usize>)> {
    for e in &m.unreadable {
        checks.add(
            "input",
            Link::Object,
            None,
            Status::Fail,
            (None, None),
            e.clone(),
            Some("Correct the field's type.".into()),
        );
    }
    let argocd = match m.argocds.as_slice() {
        [] => None,
        [one] => Some(one),
        many => {
            checks.add(
                "management",
                Link::Argocd,
                None,
                Status::Info,
                (None, None),
                format!(
                    "{} ArgoCD CRs in the input; each cluster Secret is checked against the one in its namespace",
                    many.len()
                ),
                None,
            );
            None
        }
    };
    management(m, checks);
    let mut identities_by_ns: BTreeMap<String, Vec<Identity>> = BTreeMap::new();
    for a in &m.argocds {
        let ids = identities(m, a, checks);
        identities_by_ns.insert(a.namespace.clone(), ids);
        for c in &a.components {
            csi_volume(a, c, checks);
        }
        plugin_version(m, a, checks);
    }
    let pairs = pair(m, spokes);
    for (si, spoke) in &pairs {
        let secret = &m.secrets[*si];
        let argocd = m.argocds.iter().find(|a| a.namespace == secret.namespace).or(argocd);
        let identities = argocd.and_then(|a| identities_by_ns.get(&a.namespace)).cloned().unwrap_or_default();
        let ctx = Context { m, argocd, identities };
        let unnamed = spokes.iter().find(|s| s.name.is_none());
        check_pair(&ctx, secret, spoke.map(|i| &spokes[i]), unnamed, checks);
    }
    for (i, s) in spokes.iter().enumerate() {
        if pairs.iter().any(|(_, p)| *p == Some(i)) || (s.authenticators.is_empty() && s.bindings.is_empty()) {
            continue;
        }
        let name = s.name.clone().unwrap_or_else(|| "(unmarked spoke objects)".into());
        checks.add(
            &format!("spoke/{name}"),
            Link::Pairing,
            None,
            Status::Info,
            (None, None),
            "no cluster Secret in the input points at this spoke, so nothing was checked against it",
            Some(format!(
                "Pass the management manifests too, and name the Secret after the spoke (data.name), or put the \
                     spoke's files under spokes/<name>/ or annotate them {TARGET_ANNOTATION}: spoke/<name>."
            )),
        );
    }
    if m.secrets.is_empty() {
        checks.add(
            "management",
            Link::Pairing,
            None,
            Status::Info,
            (None, None),
            format!("no Argo CD cluster Secret (label {SECRET_TYPE_LABEL}: cluster) in the input: no spoke link can be checked"),
            Some(format!("Pass the cluster Secrets too (`oc get secret -l {SECRET_TYPE_LABEL}=cluster -o yaml`).")),
        );
    }
    pairs
}

/// A failure when no link could be checked at all: a report of infos alone ("0 pass, 0 fail") must not
/// pass a CI gate that then believes the fleet was checked. It says which half of the input is missing.
/// Management manifests alone still pass: their own links (issuer, identities, socket) were checked,
/// and the pairing info says the spoke links were not.
pub fn coverage(m: &Management, spokes: &[Spoke], pairs: &[(usize, Option<usize>)], checks: &mut Checks) {
    let checked = checks.list.iter().any(|c| c.status != Status::Info);
    if checked || pairs.iter().any(|(_, spoke)| spoke.is_some()) {
        return;
    }
    let has_spokes = spokes.iter().any(|s| !s.authenticators.is_empty() || !s.bindings.is_empty());
    let (message, fix) = match (m.secrets.is_empty(), has_spokes) {
        (true, true) => (
            "no cluster Secret in the input, so no link was checked",
            "Pass the management manifests too (the Argo CD cluster Secrets, labelled argocd.argoproj.io/secret-type: cluster).",
        ),
        (false, false) => (
            "no spoke authentication or RBAC in the input, so no cluster Secret was checked against its spoke",
            "Pass the spoke manifests too (Authentication, HostedCluster, AuthenticationConfiguration or IdentityProviderConfig, and the RBAC).",
        ),
        (false, true) => (
            "no cluster Secret in the input matches a spoke in the input, so no link was checked",
            "Name each Secret after its spoke, or mark the spoke's files (see the pairing lines).",
        ),
        (true, false) => (
            "neither cluster Secrets nor spoke objects in the input, so no link was checked",
            "Pass ztwim-gitops' manifests for the management cluster and the spokes.",
        ),
    };
    checks.add("input", Link::Coverage, None, Status::Fail, (None, None), message, Some(fix.into()));
}

/// Which spoke each Secret talks to. Named spokes match on the Secret's cluster name or object name;
/// unmarked spoke objects (hand-written manifests of one spoke) go to the only unmatched Secret, or to the
/// Secrets whose audience they list.
pub fn pair(m: &Management, spokes: &[Spoke]) -> Vec<(usize, Option<usize>)> {
    let named = |s: &ClusterSecret| {
        spokes.iter().position(|sp| {
            sp.name
                .as_deref()
                .is_some_and(|n| n == s.cluster_name || n == s.name || s.name.strip_suffix("-cluster") == Some(n))
        })
    };
    let mut pairs: Vec<(usize, Option<usize>)> = m.secrets.iter().enumerate().map(|(i, s)| (i, named(s))).collect();
    let unmatched: Vec<usize> = pairs.iter().filter(|(_, p)| p.is_none()).map(|(i, _)| *i).collect();
    let free_spokes: Vec<usize> = (0..spokes.len())
        .filter(|i| !pairs.iter().any(|(_, p)| *p == Some(*i)) && !spokes[*i].authenticators.is_empty())
        .collect();
    let unnamed = spokes.iter().position(|s| s.name.is_none() && !s.authenticators.is_empty());
    match (unmatched.as_slice(), free_spokes.as_slice()) {
        ([one], [spoke]) => pairs[*one].1 = Some(*spoke),
        (many, _) => {
            if let Some(u) = unnamed {
                for i in many {
                    let audience = audience(&m.secrets[*i]).0;
                    if spokes[u].authenticators.iter().any(|a| a.audiences.contains(&audience)) {
                        pairs[*i].1 = Some(u);
                    }
                }
            }
        }
    }
    pairs
}

fn management(m: &Management, checks: &mut Checks) {
    let scope = "management";
    match (&m.issuer, &m.discovery_issuer) {
        (Some(i), Some(d)) => {
            let ok = i.value == d.value;
            checks.add(
                scope,
                Link::IssuerDiscovery,
                None,
                if ok { Status::Pass } else { Status::Fail },
                (Some(literal(&i.value, &i.at)), Some(literal(&d.value, &d.at))),
                if ok {
                    "SPIRE signs with the issuer its discovery endpoint publishes".to_string()
                } else {
                    "SPIRE signs tokens with one issuer and publishes its keys under another host; spokes fetch keys from \
                     the issuer in the token"
                        .to_string()
                },
                (!ok).then(|| "Set both jwtIssuer fields to the same https://<host>.".into()),
            );
        }
        (None, _) => checks.add(
            scope,
            Link::IssuerDiscovery,
            None,
            Status::Info,
            (None, None),
            "no SpireServer in the input: the issuer tokens carry is unknown, so no issuer link can be checked",
            Some("Pass the SpireServer too (`oc get spireserver cluster -o yaml`).".into()),
        ),
        (Some(_), None) => {}
    }
    if let Some(i) = &m.issuer {
        if let Some(why) = crate::model::issuer_problem(&i.value) {
            checks.add(
                scope,
                Link::IssuerForm,
                None,
                Status::Fail,
                (Some(literal(&i.value, &i.at)), None),
                format!(
                    "jwtIssuer {why}: SPIRE puts jwtIssuer verbatim into `iss`, while its discovery endpoint publishes \
                     `https://<host>`; a spoke refuses a discovery document whose issuer differs from issuerURL"
                ),
                Some("Use exactly https://<lower-case host>[:<port>], no path, no trailing `/`, here and in every spoke's issuerURL.".into()),
            );
        } else {
            checks.add(
                scope,
                Link::IssuerForm,
                None,
                Status::Pass,
                (Some(literal(&i.value, &i.at)), None),
                "https://<host> as the discovery endpoint publishes it",
                None,
            );
        }
    }
}

/// The SPIFFE ID each component gets: the first matching non-fallback ClusterSPIFFEID of ZTWIM's class,
/// else ZTWIM's own fallback registration.
pub fn identities(m: &Management, a: &ArgoCd, checks: &mut Checks) -> Vec<Identity> {
    let ns_labels = BTreeMap::from([(NAMESPACE_NAME_LABEL.to_string(), a.namespace.clone())]);
    let ignored = ignored_namespace_pattern(&a.namespace);
    let mut out = Vec::new();
    for c in &a.components {
        let mut pod_labels = c.labels.clone();
        pod_labels.insert(WORKLOAD_NAME_LABEL.into(), c.workload.clone());
        // argocd-operator v0.17+ shortens longer names with a hash (TruncateWithHash), and the hash is
        // not worth re-deriving here: say so rather than compare an ID no pod has.
        if c.service_account.len() > 63 {
            out.push(Identity {
                component: c.key,
                id: Err(format!(
                    "the ServiceAccount name {:?} is over 63 characters, so the argocd-operator shortens it with a \
                     hash and the SPIFFE ID cannot be derived from the manifests; read it from the pod (`oc get pod \
                     -o jsonpath={{.spec.serviceAccountName}}`)",
                    c.service_account
                )),
                at: a.at.clone(),
            });
            continue;
        }
        if let Some(part) = ignored {
            checks.add(
                "management",
                Link::SpiffeId,
                Some(c.key),
                Status::Fail,
                (Some(literal(&a.namespace, &a.at)), None),
                format!(
                    "ZTWIM's controller manager ignores every namespace whose name contains {part:?}, so this pod gets \
                     no SPIFFE ID at all and the plugin blocks or fails"
                ),
                Some(format!(
                    "Run this Argo CD instance in a namespace whose name has none of {}.",
                    IGNORED_NAMESPACE_PATTERNS.join(", ")
                )),
            );
            out.push(Identity {
                component: c.key,
                id: Err("the namespace gets no SPIFFE IDs".into()),
                at: a.at.clone(),
            });
            continue;
        }
        let selecting: Vec<_> =
            m.cluster_spiffe_ids.iter().filter(|s| s.spec.selects(&ns_labels, &pod_labels).unwrap_or(false)).collect();
        for s in selecting.iter().filter(|s| s.spec.class_name != SPIRE_CLASS) {
            checks.add(
                "management",
                Link::SpiffeId,
                Some(c.key),
                Status::Warn,
                (
                    Some(literal(&s.spec.class_name, format!("ClusterSPIFFEID {} spec.className", s.name()))),
                    Some(literal(SPIRE_CLASS, "ZTWIM's controller manager")),
                ),
                "this ClusterSPIFFEID selects the pod but is ignored: ZTWIM only reads its own class",
                Some(format!("Set spec.className: {SPIRE_CLASS}.")),
            );
        }
        let ours: Vec<_> = selecting.iter().filter(|s| s.spec.class_name == SPIRE_CLASS).collect();
        let chosen = ours.iter().find(|s| s.spec.fallback != Some(true)).or_else(|| ours.first());
        let (template, at) = match chosen {
            Some(s) => {
                (s.spec.spiffe_id_template.clone(), format!("ClusterSPIFFEID {} spec.spiffeIDTemplate", s.name()))
            }
            None => (ZTWIM_FALLBACK_TEMPLATE.to_string(), "ZTWIM's default ClusterSPIFFEID (fallback)".to_string()),
        };
        let fields = TemplateFields {
            trust_domain: m.trust_domain.as_ref().map(|t| t.value.as_str()),
            namespace: &a.namespace,
            service_account: &c.service_account,
        };
        let id = render_spiffe_id_template(&template, fields);
        if let (Ok(id), Some(td)) = (&id, &m.trust_domain) {
            let id_td = trust_domain_of(id);
            let ok = id_td == Some(td.value.as_str());
            if !ok {
                checks.add(
                    "management",
                    Link::TrustDomain,
                    Some(c.key),
                    Status::Fail,
                    (Some(literal(id, &at)), Some(literal(&td.value, &td.at))),
                    "the registration's SPIFFE ID is outside SPIRE's trust domain; SPIRE refuses to issue it",
                    Some("Make the ID start with spiffe://<trustDomain>/ (use {{ .TrustDomain }}).".into()),
                );
            }
        }
        out.push(Identity { component: c.key, id, at });
    }
    out
}

/// A CSI volume of the SPIFFE CSI driver.
fn is_csi(volume: &Volume) -> bool {
    volume.csi.as_ref().is_some_and(|csi| csi.driver == CSI_DRIVER)
}

fn csi_volume(a: &ArgoCd, c: &Component, checks: &mut Checks) {
    let at = format!("{} spec.{}", a.at, c.key);
    let csi: Vec<_> = c.volumes.iter().filter(|v| is_csi(v)).collect();
    let mounted = c.mounts.iter().find(|m| csi.iter().any(|v| v.name == m.name));
    let dangling: Vec<_> = c.mounts.iter().filter(|m| !c.volumes.iter().any(|v| v.name == m.name)).collect();
    let (status, message, fix) = match (mounted, dangling.first()) {
        (Some(m), None) => (Status::Pass, format!("volume {:?} ({CSI_DRIVER}) mounted at {:?}", m.name, m.mount_path), None),
        (_, Some(d)) => (
            Status::Fail,
            format!("volumeMount {:?} ({}) names no volume of spec.{}.volumes; the pod cannot start", d.name, d.mount_path, c.key),
            Some(format!("Name the CSI volume and its volumeMount alike, in spec.{}.", c.key)),
        ),
        (None, None) if csi.is_empty() => (
            Status::Fail,
            format!("no {CSI_DRIVER} CSI volume: the pod has no SPIRE agent socket, so the plugin cannot get a JWT-SVID"),
            Some(format!("Add volumes: [{{name: spiffe-workload-api, csi: {{driver: {CSI_DRIVER}, readOnly: true}}}}] and mount it, in spec.{}.", c.key)),
        ),
        (None, None) => (
            Status::Fail,
            format!("the {CSI_DRIVER} volume {:?} is not mounted into the {} container", csi[0].name, c.key),
            Some(format!("Add a volumeMount for it in spec.{}.volumeMounts.", c.key)),
        ),
    };
    checks.add(
        "management",
        Link::CsiVolume,
        Some(c.key),
        status,
        (Some(side(c.volumes.iter().map(|v| v.name.as_str()).collect::<Vec<_>>().join(", "), at)), None),
        message,
        fix,
    );
}

/// A plugin version from the init containers (a release download URL or an image tag).
fn plugin_version_of(a: &ArgoCd) -> Option<(u32, u32, u32, String)> {
    for c in &a.components {
        for i in &c.init_containers {
            for t in i.text() {
                for marker in ["/releases/download/", "k8s-spiffe-workload-jwt-exec-auth:"] {
                    if let Some(pos) = t.find(marker) {
                        let v: String = t[pos + marker.len()..]
                            .chars()
                            .take_while(|c| c.is_ascii_alphanumeric() || *c == '.')
                            .collect();
                        let digits = v.trim_start_matches('v');
                        let parts: Vec<u32> = digits.split('.').filter_map(|p| p.parse().ok()).collect();
                        if let [x, y, z] = parts[..] {
                            return Some((x, y, z, format!("{} spec.{}.initContainers {}", a.at, c.key, i.name)));
                        }
                    }
                }
            }
        }
    }
    None
}

fn plugin_version(m: &Management, a: &ArgoCd, checks: &mut Checks) {
    // The version and its known defects are the upstream plugin's; Secrets that run the built-in helper
    // (`ztwim-gitops credential`) are not concerned.
    let execs: Vec<_> =
        m.secrets.iter().filter(|s| s.namespace == a.namespace).filter_map(|s| s.exec.as_ref()).collect();
    if !execs.is_empty() && execs.iter().all(|e| e.is_builtin()) {
        checks.add(
            "management",
            Link::PluginVersion,
            None,
            Status::Pass,
            (Some(side("ztwim-gitops credential", format!("{} cluster Secrets", a.namespace))), None),
            "every cluster Secret runs the built-in helper, not k8s-spiffe-workload-jwt-exec-auth, so the upstream releases' expiry defect does not apply",
            None,
        );
        return;
    }
    let Some((x, y, z, at)) = plugin_version_of(a) else {
        checks.add(
            "management",
            Link::PluginVersion,
            None,
            Status::Info,
            (None, None),
            "no release URL or image tag of k8s-spiffe-workload-jwt-exec-auth in the init containers; its version is unknown",
            None,
        );
        return;
    };
    let v = format!("v{x}.{y}.{z}");
    let left = Some(literal(&v, at));
    let secrets_v1beta1 = m.secrets.iter().any(|s| s.exec.as_ref().is_some_and(|e| !e.api_version.ends_with("/v1")));
    if (x, y, z) <= (0, 0, 5) && secrets_v1beta1 {
        checks.add("management", Link::PluginVersion, None, Status::Fail, (left, None),
            "versions before v0.0.6 ignore EXEC_CREDENTIAL_VERSION and always answer client.authentication.k8s.io/v1, which a v1beta1 exec config rejects",
            Some("Use v0.0.6 or later.".into()));
    } else if (x, y, z) <= (0, 0, 7) {
        checks.add("management", Link::PluginVersion, None, Status::Warn, (left, None),
            "v0.0.6 (and, as far as is known, v0.0.7) reports an expirationTimestamp later than the token's exp, so client-go keeps an expired JWT-SVID and each refresh cycle costs one 401; it also has no -timeout",
            Some("Use the built-in helper (execAuth.method: builtin, the default), or expect one 401 per token lifetime.".into()));
    } else {
        checks.add(
            "management",
            Link::PluginVersion,
            None,
            Status::Pass,
            (left, None),
            "newer than the releases with the known expiry bug",
            None,
        );
    }
}

/// The audience the Secret's helper asks SPIRE for, where that is written, and whether it is written at
/// all: the built-in helper's `--audience`, else `SPIFFE_JWT_AUDIENCE` (which both read), else the
/// upstream plugin's default (the built-in helper has none and refuses to run).
pub(super) fn audience(s: &ClusterSecret) -> (String, String, bool) {
    let exec = s.exec.as_ref();
    let builtin = exec.is_some_and(|e| e.is_builtin());
    if let Some(a) = exec.filter(|_| builtin).and_then(|e| e.flag("--audience")) {
        return (a, format!("{} config.execProviderConfig.args --audience", s.at), true);
    }
    match exec.and_then(|e| e.env.get(AUDIENCE_ENV)) {
        Some(a) => (a.clone(), format!("{} config.execProviderConfig.env.{AUDIENCE_ENV}", s.at), true),
        None if builtin => {
            (String::new(), format!("{}: no --audience argument (the helper requires one)", s.at), false)
        }
        None => {
            (DEFAULT_AUDIENCE.to_string(), format!("{} (SPIFFE_JWT_AUDIENCE unset: the plugin's default)", s.at), false)
        }
    }
}

fn pass_fail(ok: bool) -> Status {
    if ok {
        Status::Pass
    } else {
        Status::Fail
    }
}

/// Picks the spoke's authenticator this Secret's tokens meet: the one trusting SPIRE's issuer, else the first.
fn authenticator<'a>(ctx: &Context, spoke: &'a Spoke) -> Option<&'a Authenticator> {
    let issuer = ctx.m.issuer.as_ref().map(|i| i.value.as_str());
    spoke.authenticators.iter().find(|a| Some(a.issuer_url.as_str()) == issuer).or_else(|| spoke.authenticators.first())
}

pub fn check_pair(
    ctx: &Context,
    secret: &ClusterSecret,
    spoke: Option<&Spoke>,
    unnamed: Option<&Spoke>,
    checks: &mut Checks,
) {
    let scope = secret.cluster_name.as_str();
    if let Some(e) = &secret.config_error {
        checks.add(
            scope,
            Link::Secret,
            None,
            Status::Fail,
            (None, None),
            format!("{}: {e}", secret.at),
            Some("Fix the Secret's config; see `ztwim-gitops generate` for a working one.".into()),
        );
        return;
    }
    let Some(exec) = &secret.exec else {
        let (status, message) = if secret.other_auth.is_empty() {
            (Status::Fail, format!("{} has no execProviderConfig: Argo CD sends no JWT-SVID", secret.at))
        } else {
            (
                Status::Info,
                format!(
                    "{} authenticates with {}, not the SPIFFE exec plugin; not checked",
                    secret.at,
                    secret.other_auth.join(", ")
                ),
            )
        };
        checks.add(scope, Link::Secret, None, status, (None, None), message, None);
        return;
    };
    if !secret.other_auth.is_empty() {
        checks.add(scope, Link::Secret, None, Status::Warn, (Some(side(secret.other_auth.join(", "), &secret.at)), None),
            "also sets other credentials: awsAuthConfig wins over execProviderConfig, and a bearerToken is sent instead of the JWT-SVID",
            Some("Remove every credential but execProviderConfig.".into()));
    }
    let env_at = format!("{} config.execProviderConfig.env", secret.at);
    let server_ok = secret.server.starts_with("https://") && !secret.server.trim_start_matches("https://").is_empty();
    checks.add(
        scope,
        Link::Server,
        None,
        pass_fail(server_ok),
        (Some(literal(&secret.server, format!("{} server", secret.at))), None),
        if server_ok { "an https URL" } else { "Argo CD needs the spoke API server's https:// URL" },
        (!server_ok).then(|| "Set server to https://api.<spoke domain>:6443.".into()),
    );

    // Management-internal links that depend on this Secret's exec config.
    match ctx.argocd {
        None => checks.add(
            scope,
            Link::Argocd,
            None,
            Status::Info,
            (None, None),
            "no ArgoCD CR in the input: the socket, binary and identity links cannot be checked",
            Some("Pass the ArgoCD CR too.".into()),
        ),
        Some(a) => {
            let ns_ok = a.namespace == secret.namespace;
            checks.add(
                scope,
                Link::Namespace,
                None,
                pass_fail(ns_ok),
                (Some(literal(&secret.namespace, &secret.at)), Some(literal(&a.namespace, &a.at))),
                if ns_ok {
                    "Argo CD reads cluster Secrets from its own namespace"
                } else {
                    "Argo CD reads cluster Secrets only from its own namespace; it never sees this one"
                },
                (!ns_ok).then(|| "Create the Secret in the ArgoCD CR's namespace.".into()),
            );
            for c in &a.components {
                binary(secret, exec, a, c, checks);
                socket(secret, exec, c, &env_at, checks);
            }
        }
    }
    exec_api_version(scope, exec, &secret.at, &env_at, checks);

    let Some(spoke) = spoke else {
        checks.add(scope, Link::Pairing, None, Status::Info, (None, None),
            format!("no spoke authenticator in the input for {}: issuer, audience, CA and RBAC links not checked", secret.at),
            Some(format!("Pass the spoke's Authentication (or HostedCluster), CA ConfigMap and bindings, under spokes/<name>/ or annotated {TARGET_ANNOTATION}: spoke/<name>.")));
        return;
    };
    let Some(auth) = authenticator(ctx, spoke) else {
        checks.add(scope, Link::Authentication, None, Status::Info, (None, None),
            "the spoke's objects hold no Authentication or HostedCluster authentication: the spoke-side links cannot be checked", None);
        return;
    };
    if let Some(why) = &auth.inactive {
        checks.add(
            scope,
            Link::Authentication,
            None,
            Status::Fail,
            (None, Some(side("", &auth.at))),
            why.clone(),
            Some("Set spec.type: OIDC.".into()),
        );
    }
    let auth_issuer = literal(&auth.issuer_url, format!("{} issuer.issuerURL", auth.at));
    match &ctx.m.issuer {
        Some(i) => {
            let ok = i.value == auth.issuer_url;
            let hint = if ok {
                "the spoke trusts the issuer SPIRE signs with".to_string()
            } else if i.value.trim_end_matches('/') == auth.issuer_url.trim_end_matches('/') {
                "the two differ only in a trailing `/`, and the comparison with the token's iss is exact".to_string()
            } else {
                "the token's iss is SpireServer's jwtIssuer verbatim; the spoke rejects any other".to_string()
            };
            checks.add(
                scope,
                Link::Issuer,
                None,
                pass_fail(ok),
                (Some(literal(&i.value, &i.at)), Some(auth_issuer)),
                hint,
                (!ok).then(|| {
                    "Make issuerURL exactly SpireServer's jwtIssuer (https://<host>, no trailing `/`).".into()
                }),
            );
        }
        None => checks.add(
            scope,
            Link::Issuer,
            None,
            Status::Info,
            (None, Some(auth_issuer)),
            "no SpireServer in the input to compare with",
            None,
        ),
    }
    let (aud, aud_at, set) = audience(secret);
    let aud_ok = auth.audiences.contains(&aud) && (set || !exec.is_builtin());
    let setting = if exec.is_builtin() { "the helper's --audience argument" } else { AUDIENCE_ENV };
    checks.add(
        scope,
        Link::Audience,
        None,
        pass_fail(aud_ok),
        (Some(literal(&aud, aud_at)), Some(literal(&auth.audiences, format!("{} issuer.audiences", auth.at)))),
        if aud_ok {
            "the token's aud is one the spoke accepts"
        } else if exec.is_builtin() && !set {
            "the helper is given no audience, so it fetches no token"
        } else {
            "the exec command asks SPIRE for a token with this aud, which the spoke does not accept"
        },
        (!aud_ok).then(|| format!("Make {setting} one of the spoke's issuer.audiences (one audience per spoke).")),
    );
    ca(scope, auth, spoke, unnamed, checks);
    identity_chain(ctx, secret, auth, spoke, checks);
    required_claims(ctx, scope, secret, auth, checks);
}

fn exec_api_version(scope: &str, exec: &ExecProviderConfig, at: &str, env_at: &str, checks: &mut Checks) {
    let known = [format!("{EXEC_API_GROUP}/v1"), format!("{EXEC_API_GROUP}/v1beta1")];
    if exec.is_builtin() {
        // The built-in helper answers the version client-go asks for in KUBERNETES_EXEC_INFO.
        let ok = known.contains(&exec.api_version);
        checks.add(
            scope,
            Link::ExecApiVersion,
            None,
            pass_fail(ok),
            (Some(literal(&exec.api_version, format!("{at} config.execProviderConfig.apiVersion"))), None),
            if ok {
                "the built-in helper answers the ExecCredential version client-go asks for"
            } else {
                "client-go knows only client.authentication.k8s.io/v1 and /v1beta1"
            },
            (!ok).then(|| "Set apiVersion to client.authentication.k8s.io/v1.".into()),
        );
        return;
    }
    let version = exec.env.get(CREDENTIAL_VERSION_ENV).cloned();
    let emitted = format!("{EXEC_API_GROUP}/{}", version.as_deref().unwrap_or(DEFAULT_CREDENTIAL_VERSION));
    let ok = exec.api_version == emitted && known.contains(&exec.api_version);
    let right_at = match &version {
        Some(_) => format!("{env_at}.{CREDENTIAL_VERSION_ENV}"),
        None => format!("{at}: EXEC_CREDENTIAL_VERSION unset, the plugin answers v1"),
    };
    checks.add(
        scope,
        Link::ExecApiVersion,
        None,
        pass_fail(ok),
        (
            Some(literal(&exec.api_version, format!("{at} config.execProviderConfig.apiVersion"))),
            Some(literal(&emitted, right_at)),
        ),
        if ok {
            "the plugin answers the ExecCredential version client-go asks for"
        } else if !known.contains(&exec.api_version) {
            "client-go knows only client.authentication.k8s.io/v1 and /v1beta1"
        } else {
            "client-go fails with \"exec plugin is configured to use API version X, plugin returned version Y\""
        },
        (!ok).then(|| "Set apiVersion and EXEC_CREDENTIAL_VERSION to the same version (v1 or v1beta1).".into()),
    );
}

/// The plugin must be an absolute path inside a volume the init container fills and the main container mounts.
fn binary(secret: &ClusterSecret, exec: &ExecProviderConfig, a: &ArgoCd, c: &Component, checks: &mut Checks) {
    let scope = secret.cluster_name.as_str();
    let left = Some(literal(&exec.command, format!("{} config.execProviderConfig.command", secret.at)));
    if !exec.command.starts_with('/') {
        checks.add(
            scope,
            Link::Binary,
            Some(c.key),
            Status::Fail,
            (left, None),
            "not an absolute path: the plugin is not on Argo CD's PATH (never mount over /usr/local/bin)",
            Some("Use the absolute path the init container installs the plugin to.".into()),
        );
        return;
    }
    let dir = exec.command.rsplit_once('/').map(|(d, _)| if d.is_empty() { "/" } else { d }).unwrap_or("/");
    let mount = c
        .mounts
        .iter()
        .filter(|m| {
            let path = m.mount_path.trim_end_matches('/');
            dir == path || dir.starts_with(&format!("{path}/"))
        })
        .max_by_key(|m| m.mount_path.len());
    let at = format!("{} spec.{}.volumeMounts", a.at, c.key);
    let Some(mount) = mount else {
        checks.add(
            scope,
            Link::Binary,
            Some(c.key),
            Status::Fail,
            (left, Some(side(c.mounts.iter().map(|m| m.mount_path.as_str()).collect::<Vec<_>>().join(", "), at))),
            format!("no volume of the {} container is mounted at {dir:?}: the binary does not exist there", c.key),
            Some(format!(
                "Mount the volume the init container installs into at {dir:?} in spec.{}, or fix the command.",
                c.key
            )),
        );
        return;
    };
    // Prefer the init container that names its target (`copy-file SRC DST`): it can be checked exactly.
    let writers = || c.init_containers.iter().filter(|i| i.mounts().iter().any(|m| m.name == mount.name));
    let filled = writers().find(|i| i.copy_target().is_some()).or_else(|| writers().next());
    let right = Some(side(format!("{:?} at {:?}", mount.name, mount.mount_path), at));
    let Some(i) = filled else {
        checks.add(
            scope,
            Link::Binary,
            Some(c.key),
            Status::Fail,
            (left, right),
            format!(
                "no init container of spec.{} writes volume {:?}, so the binary is never installed",
                c.key, mount.name
            ),
            Some("Mount that volume in the init container that downloads the plugin.".into()),
        );
        return;
    };
    // The file copy-file writes, as this container sees it: the same volume may be mounted elsewhere.
    let target = i.copy_target().and_then(|t| {
        let init_mount = i.mounts().iter().find(|m| m.name == mount.name)?;
        let relative = t.strip_prefix(init_mount.mount_path.trim_end_matches('/'))?.strip_prefix('/')?;
        Some((t, format!("{}/{relative}", mount.mount_path.trim_end_matches('/'))))
    });
    match (i.copy_target(), target) {
        (None, _) => checks.add(
            scope,
            Link::Binary,
            Some(c.key),
            Status::Pass,
            (left, right),
            format!("in volume {:?}, filled by init container {:?}", mount.name, i.name),
            None,
        ),
        (Some(_), Some((_, seen))) if seen == exec.command => checks.add(
            scope,
            Link::Binary,
            Some(c.key),
            Status::Pass,
            (left, right),
            format!("in volume {:?}, where init container {:?} copies it", mount.name, i.name),
            None,
        ),
        (Some(t), seen) => checks.add(
            scope,
            Link::Binary,
            Some(c.key),
            Status::Fail,
            (left, Some(literal(t, format!("{} spec.{}.initContainers {} copy-file target", a.at, c.key, i.name)))),
            match seen {
                Some((_, seen)) => format!(
                    "init container {:?} copies the binary to {seen:?} (as the {} container sees volume {:?}), not to the command's path",
                    i.name, c.key, mount.name
                ),
                None => format!("init container {:?} copies the binary outside volume {:?}", i.name, mount.name),
            },
            Some("Make the command the path the init container copies to (binDir plus the binary's name).".into()),
        ),
    }
}

fn socket(secret: &ClusterSecret, exec: &ExecProviderConfig, c: &Component, env_at: &str, checks: &mut Checks) {
    let scope = secret.cluster_name.as_str();
    // The built-in helper's `--socket` wins over the variable both it and the plugin read.
    let flag = exec.flag("--socket").filter(|_| exec.is_builtin());
    let (value, at) = match (flag, exec.env.get(SOCKET_ENV), c.env.get(SOCKET_ENV)) {
        (Some(v), _, _) => (v, format!("{} config.execProviderConfig.args --socket", secret.at)),
        (None, Some(v), _) => (v.clone(), format!("{env_at}.{SOCKET_ENV}")),
        (None, None, Some(v)) => (v.clone(), format!("spec.{}.env {SOCKET_ENV}", c.key)),
        // The built-in helper has no default socket and refuses to run without one.
        (None, None, None) if exec.is_builtin() => {
            (String::new(), format!("{}: no --socket argument or {SOCKET_ENV} (the helper requires one)", secret.at))
        }
        (None, None, None) => (DEFAULT_SOCKET.to_string(), format!("{SOCKET_ENV} unset: the plugin's default")),
    };
    let csi_mounts: Vec<_> =
        c.mounts.iter().filter(|m| c.volumes.iter().any(|v| v.name == m.name && is_csi(v))).collect();
    let left = Some(literal(&value, at));
    if csi_mounts.is_empty() {
        checks.add(
            scope,
            Link::Socket,
            Some(c.key),
            Status::Info,
            (left, None),
            "no mounted CSI volume to compare with (see csi-volume)",
            None,
        );
        return;
    }
    let expected: Vec<String> =
        csi_mounts.iter().map(|m| format!("unix://{}/{AGENT_SOCKET}", m.mount_path.trim_end_matches('/'))).collect();
    let ok = expected.contains(&value);
    checks.add(
        scope,
        Link::Socket,
        Some(c.key),
        pass_fail(ok),
        (
            left,
            Some(side(
                expected.join(" or "),
                format!("spec.{}.volumeMounts of the {CSI_DRIVER} volume + {AGENT_SOCKET}", c.key),
            )),
        ),
        if ok {
            "the plugin dials the agent socket the CSI volume provides"
        } else {
            "the plugin dials a socket that does not exist; it fails (or, before -timeout, hangs)"
        },
        (!ok).then(|| {
            let setting = if exec.is_builtin() { "the helper's --socket argument" } else { SOCKET_ENV };
            format!("Set {setting} to {}.", expected[0])
        }),
    );
}

fn ca(scope: &str, auth: &Authenticator, spoke: &Spoke, unnamed: Option<&Spoke>, checks: &mut Checks) {
    let right_at = format!("{} issuer.issuerCertificateAuthority", auth.at);
    match &auth.ca {
        CaSource::System => checks.add(scope, Link::Ca, None, Status::Info, (Some(side("system trust store", right_at)), None),
            "no issuer CA: the spoke verifies the issuer's certificate with system roots, which works only for a publicly trusted route certificate (--live checks it)", None),
        CaSource::Inline(pem) => {
            let r = crate::model::pem_certificates(pem);
            checks.add(scope, Link::Ca, None, pass_fail(r.is_ok()), (Some(side("inline PEM", right_at)), None),
                match r { Ok(n) => format!("{n} certificate(s)"), Err(e) => format!("the inline CA {e}") }, None);
        }
        CaSource::ConfigMap { namespace, name, key } => {
            let found = spoke.config_maps.iter().chain(unnamed.into_iter().flat_map(|u| u.config_maps.iter()))
                .find(|c| &c.namespace == namespace && &c.name == name);
            let left = Some(side(format!("ConfigMap {namespace}/{name} key {key}"), right_at));
            let Some(cm) = found else {
                checks.add(scope, Link::Ca, None, Status::Fail, (left, None),
                    "the CA ConfigMap is not in the input; on the cluster its absence makes the authentication operator Degraded and nothing rolls out",
                    Some(format!("Create ConfigMap {namespace}/{name} with key {key} holding the issuer route's CA (PEM), or pass it to doctor if it exists.")));
                return;
            };
            let pem = cm.data.get(key);
            let r = pem
                .ok_or(format!("{} has no key {key}", cm.at))
                .and_then(|p| crate::model::pem_certificates(p).map_err(|e| format!("data.{key} {e}")));
            let fix = r.is_err().then(|| format!("Put the PEM CA certificate(s) under data.{key} of {}.", cm.at));
            checks.add(scope, Link::Ca, None, pass_fail(r.is_ok()), (left, Some(side(cm.at.clone(), &cm.at))),
                match &r { Ok(n) => format!("{n} PEM certificate(s)"), Err(e) => e.clone() }, fix);
        }
    }
}

/// Users bound with enough rights for this Secret's scope, and every user bound at all (for diagnosis).
fn bound_users<'a>(secret: &ClusterSecret, spoke: &'a Spoke) -> (Vec<String>, Vec<(String, &'a Binding)>) {
    let mut all = Vec::new();
    for b in &spoke.bindings {
        for u in &b.users {
            all.push((u.clone(), b));
        }
    }
    let mut enough = Vec::new();
    for (u, _) in &all {
        let mine: Vec<_> = all.iter().filter(|(x, _)| x == u).map(|(_, b)| *b).collect();
        let cluster_wide = mine.iter().any(|b| {
            b.namespace.is_none()
                && b.role_kind == ClusterRole::KIND
                && (CLUSTER_WIDE_ROLES.contains(&b.role.as_str()) || grants_all(spoke, &b.role))
        });
        let ok = cluster_wide || (!secret.namespaces.is_empty() && unbound_namespaces(secret, spoke, &mine).is_empty());
        if ok && !enough.contains(u) {
            enough.push(u.clone());
        }
    }
    (enough, all)
}

/// A ClusterRole of the input that allows every verb on every resource of every group.
fn grants_all(spoke: &Spoke, role: &str) -> bool {
    spoke.cluster_roles.get(role).is_some_and(|rules| {
        rules.iter().any(|r| {
            r.api_groups.iter().flatten().any(|g| g == "*")
                && r.resources.iter().flatten().any(|x| x == "*")
                && r.verbs.iter().any(|v| v == "*")
        })
    })
}

/// The namespaces of a namespace-scoped Secret in which none of `bindings` (one user's) grants enough.
fn unbound_namespaces<'s>(secret: &'s ClusterSecret, spoke: &Spoke, bindings: &[&Binding]) -> Vec<&'s str> {
    let enough = |ns: &str, b: &Binding| {
        b.namespace.as_deref() == Some(ns) && (NAMESPACE_ROLES.contains(&b.role.as_str()) || grants_all(spoke, &b.role))
    };
    secret.namespaces.iter().map(String::as_str).filter(|ns| !bindings.iter().any(|b| enough(ns, b))).collect()
}

/// ID → username → RBAC subject, per component. Exactly one link fails for one broken value: the first
/// place where what the management side sends stops matching what the spoke expects.
fn identity_chain(ctx: &Context, secret: &ClusterSecret, auth: &Authenticator, spoke: &Spoke, checks: &mut Checks) {
    let scope = secret.cluster_name.as_str();
    let required_sub = auth.required_claims.iter().find(|(c, _)| c == "sub").map(|(_, v)| v.clone());
    let (enough, all) = bound_users(secret, spoke);
    let rbac_at = if spoke.bindings.is_empty() {
        "no bindings in the input".to_string()
    } else {
        spoke.bindings.iter().map(|b| b.at.clone()).collect::<Vec<_>>().join(", ")
    };
    let prefix = &auth.username_prefix;
    if ctx.identities.is_empty() {
        checks.add(
            scope,
            Link::SpiffeId,
            None,
            Status::Info,
            (None, None),
            "no ArgoCD CR in the input: the SPIFFE IDs Argo CD presents are unknown",
            None,
        );
        return;
    }
    for ident in &ctx.identities {
        let comp = Some(ident.component);
        let y = match &ident.id {
            Ok(y) => y.clone(),
            Err(why) => {
                checks.add(
                    scope,
                    Link::SpiffeId,
                    comp,
                    Status::Info,
                    (Some(side("unknown", &ident.at)), None),
                    why.clone(),
                    None,
                );
                for link in [Link::Username, Link::Rbac] {
                    checks.add(
                        scope,
                        link,
                        comp,
                        Status::Info,
                        (None, None),
                        "not checked: the SPIFFE ID is unknown (see spiffe-id)",
                        None,
                    );
                }
                continue;
            }
        };
        let left = literal(&y, &ident.at);
        // 1. The ID itself, when the spoke pins it with a required sub claim.
        let expected = match &required_sub {
            Some(r) if *r != y => {
                let link = if trust_domain_of(r) != trust_domain_of(&y) && path_of(r) == path_of(&y) {
                    Link::TrustDomain
                } else {
                    Link::SpiffeId
                };
                checks.add(
                    scope,
                    link,
                    comp,
                    Status::Fail,
                    (Some(left.clone()), Some(literal(r, format!("{} claimValidationRules sub", auth.at)))),
                    "the spoke requires a sub this pod's JWT-SVID does not carry: every token is rejected (401)",
                    Some("Make the ClusterSPIFFEID's spiffeIDTemplate and the required sub the same ID.".into()),
                );
                r.clone()
            }
            Some(r) => {
                checks.add(
                    scope,
                    Link::SpiffeId,
                    comp,
                    Status::Pass,
                    (Some(left.clone()), Some(literal(r, format!("{} claimValidationRules sub", auth.at)))),
                    "the required sub is the ID the pod gets",
                    None,
                );
                y.clone()
            }
            None => {
                checks.add(
                    scope,
                    Link::SpiffeId,
                    comp,
                    Status::Pass,
                    (Some(left.clone()), None),
                    "the ID this pod's JWT-SVIDs carry as sub",
                    None,
                );
                y.clone()
            }
        };
        // 2. The claim mapping: the username the spoke makes.
        if let Some(expression) = &auth.username_expression {
            let at = format!("{} claimMappings.username.expression", auth.at);
            checks.add(
                scope,
                Link::Username,
                comp,
                Status::Info,
                (Some(literal(expression, at)), None),
                "a CEL expression makes the username; doctor cannot evaluate it",
                None,
            );
            checks.add(
                scope,
                Link::Rbac,
                comp,
                Status::Info,
                (None, None),
                "not checked: the username is unknown (see username)",
                None,
            );
            continue;
        }
        if auth.username_claim != "sub" {
            checks.add(scope, Link::Username, comp, Status::Fail, (Some(literal(&auth.username_claim, format!("{} claimMappings.username.claim", auth.at))), Some(literal("sub", "JWT-SVID claims"))),
                "JWT-SVIDs carry the SPIFFE ID in sub and have no other identity claim; the spoke finds no username and rejects the token",
                Some("Set claimMappings.username.claim: sub.".into()));
            continue;
        }
        let username = format!("{prefix}{expected}");
        let user_side = literal(&username, format!("{} claimMappings.username ({})", auth.at, auth.prefix_rule));
        if enough.contains(&username) {
            checks.add(
                scope,
                Link::Username,
                comp,
                Status::Pass,
                (Some(user_side), None),
                "the username the spoke makes from sub",
                None,
            );
            checks.add(
                scope,
                Link::Rbac,
                comp,
                Status::Pass,
                (Some(literal(&username, "username")), Some(side("bound", &rbac_at))),
                "bound with enough rights",
                None,
            );
            continue;
        }
        let subject_at = rbac_at.clone();
        let users: Vec<&str> = all.iter().map(|(u, _)| u.as_str()).collect();
        let users_side = literal(&users, subject_at);
        // 3. A subject for the same ID with another prefix: the prefix is what differs.
        if let Some(s) = users.iter().find(|s| s.ends_with(expected.as_str()) && **s != username) {
            checks.add(
                scope,
                Link::Username,
                comp,
                Status::Fail,
                (Some(user_side), Some(literal(s, &users_side.at))),
                "RBAC binds the same SPIFFE ID under another username prefix; the spoke's user has no rights (403)",
                Some(format!(
                    "Make the prefix ({}) and the RBAC subjects agree: bind {username:?}, or change prefixPolicy.",
                    auth.prefix_rule
                )),
            );
            continue;
        }
        checks.add(
            scope,
            Link::Username,
            comp,
            Status::Pass,
            (Some(user_side), None),
            "the username the spoke makes from sub",
            None,
        );
        // 4. A subject for the same path in another trust domain.
        let stripped: Vec<&str> = users.iter().filter_map(|s| s.strip_prefix(prefix.as_str())).collect();
        if required_sub.is_none() {
            if let Some(s) = stripped.iter().find(|s| {
                trust_domain_of(s).is_some() && trust_domain_of(s) != trust_domain_of(&y) && path_of(s) == path_of(&y)
            }) {
                checks.add(scope, Link::TrustDomain, comp, Status::Fail, (Some(left.clone()), Some(literal(s, &users_side.at))),
                    "RBAC binds the SPIFFE ID of another trust domain: ZTWIM's trustDomain and the spoke's subjects disagree",
                    Some("Use one trust domain: ZeroTrustWorkloadIdentityManager spec.trustDomain and the spoke's RBAC subjects.".into()));
                continue;
            }
        }
        let bound_weakly: Vec<_> =
            all.iter().filter(|(u, _)| *u == username).map(|(_, b)| format!("{} {}", b.role_kind, b.role)).collect();
        let mut msg = if bound_weakly.is_empty() {
            "no RBAC binding has this user as a subject: authenticated, then forbidden (403)".to_string()
        } else {
            format!("bound only to {}, which is not enough for Argo CD here (cluster-admin cluster-wide, or admin in each of the Secret's namespaces)", bound_weakly.join(", "))
        };
        let mine: Vec<&Binding> = all.iter().filter(|(u, _)| *u == username).map(|(_, b)| *b).collect();
        let missing = unbound_namespaces(secret, spoke, &mine);
        if !missing.is_empty() {
            msg.push_str(&format!(
                "; the Secret is namespace-scoped, and no RoleBinding grants this user admin in {}",
                missing.iter().map(|ns| format!("`{ns}`")).collect::<Vec<_>>().join(", ")
            ));
        }
        let custom = !bound_weakly.is_empty()
            && all.iter().any(|(u, b)| {
                *u == username
                    && !CLUSTER_WIDE_ROLES.contains(&b.role.as_str())
                    && !NAMESPACE_ROLES.contains(&b.role.as_str())
                    && !spoke.cluster_roles.contains_key(&b.role)
                    && !["view", "edit", "basic-user"].contains(&b.role.as_str())
            });
        checks.add(scope, Link::Rbac, comp, if custom { Status::Info } else { Status::Fail }, (Some(literal(&username, "username")), Some(users_side)),
            if custom { format!("{msg}; its ClusterRole is not in the input, so doctor cannot judge it") } else { msg },
            Some(format!("Bind User {username:?} (apiGroup rbac.authorization.k8s.io) to cluster-admin, or to admin in each namespace of a namespace-scoped Secret.")));
    }
}

fn path_of(id: &str) -> Option<&str> {
    id.strip_prefix("spiffe://").and_then(|r| r.find('/').map(|i| &r[i..]))
}

fn required_claims(ctx: &Context, scope: &str, secret: &ClusterSecret, auth: &Authenticator, checks: &mut Checks) {
    for rule in &auth.opaque_rules {
        checks.add(
            scope,
            Link::RequiredClaims,
            None,
            Status::Info,
            (None, Some(side(rule.clone(), &auth.at))),
            "doctor cannot evaluate this rule",
            None,
        );
    }
    for (claim, value) in &auth.required_claims {
        let right = Some(side(format!("{claim} == {value:?}"), format!("{} claimValidationRules", auth.at)));
        let got = match claim.as_str() {
            "sub" => continue, // the identity chain checks it
            "iss" => ctx.m.issuer.as_ref().map(|i| (i.value.clone(), i.at.clone())),
            "aud" => {
                let (value, at, _) = audience(secret);
                Some((value, at))
            }
            _ => None,
        };
        match got {
            Some((v, at)) => {
                // A JWT-SVID's aud is a list; a required aud of one value matches the single audience.
                let ok = &v == value;
                checks.add(
                    scope,
                    Link::RequiredClaims,
                    None,
                    pass_fail(ok),
                    (Some(literal(&v, at)), right),
                    if ok { "satisfied" } else { "never satisfied: every token is rejected" },
                    (!ok).then(|| "Make the rule's requiredValue what the token carries, or remove the rule.".into()),
                );
            }
            None => checks.add(
                scope,
                Link::RequiredClaims,
                None,
                Status::Fail,
                (None, right),
                format!(
                    "a JWT-SVID has only sub, aud, exp, iat and iss (no {claim:?}), so this rule rejects every token"
                ),
                Some("Remove the rule, or require sub.".into()),
            ),
        }
    }
}
