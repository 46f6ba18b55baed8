//! Invariants that tie the management cluster's output to each spoke's, checked on the emitted objects
//! (not on the model) over many generated configs: both identity modes, with and without a username
//! prefix, issuer CA and namespaces, on 4.19, 4.20 and 4.21.
//!
//! The SPIFFE IDs a spoke must accept are rebuilt here from what the management cluster is told: in
//! `perServiceAccount` mode ZTWIM's default template over the ArgoCD CR's namespace, the operator's
//! ServiceAccount names and the ZTWIM trust domain; in `shared` mode the ClusterSPIFFEID.

use serde_json::json;
use serde_yaml_ng::Value;
use ztwim_gitops::generate::Manifest;
use ztwim_gitops::model::TARGET_ANNOTATION;
use ztwim_gitops::pipeline::generate_from_file;

const VERSIONS: [&str; 3] = ["4.19", "4.20", "4.21"];

/// One config per identity mode and OpenShift version, each with a spoke for every combination of
/// prefix, issuer CA and namespaces, and with its own trust domain, Argo CD namespace and name.
fn configs() -> Vec<(String, String)> {
    let pem = "-----BEGIN CERTIFICATE-----\nMIIBkjCCATegAwIBAgIUL0pwfkQc\n-----END CERTIFICATE-----\n";
    let mut out = Vec::new();
    for (m, identity) in ["perServiceAccount", "shared"].into_iter().enumerate() {
        for (v, version) in VERSIONS.into_iter().enumerate() {
            let mut spokes = Vec::new();
            for combo in 0..8 {
                let (prefix, ca, namespaced) = (combo & 1 != 0, combo & 2 != 0, combo & 4 != 0);
                let name = format!("s{combo}");
                let mut spoke = json!({
                    "name": name,
                    "server": format!("https://api.{name}.example.com:6443"),
                    "openshiftVersion": version,
                });
                if prefix {
                    spoke["usernamePrefix"] = json!(if combo % 3 == 0 { "spire:" } else { "spiffe-" });
                }
                if ca {
                    spoke["issuerCA"] = json!(pem);
                }
                if namespaced {
                    spoke["namespaces"] = json!([format!("{name}-dev"), format!("{name}-prod")]);
                }
                if combo == 5 {
                    spoke["audience"] = json!("own-audience.example.com");
                }
                spokes.push(spoke);
            }
            let mut config = json!({
                "apiVersion": "fn.ztwim-gitops.dev/v1alpha1",
                "kind": "ZtwimGitOps",
                "metadata": {"name": format!("cfg-{m}-{v}")},
                "spec": {
                    "appDomain": format!("apps.mgmt{v}.example.com"),
                    "identity": identity,
                    "management": {"gitops": {"namespace": format!("gitops-{m}{v}"), "name": format!("argo{v}")}},
                    "spokes": spokes,
                },
            });
            if v == 1 {
                config["spec"]["trustDomain"] = json!("td.example.org");
                config["spec"]["audience"] = json!("fleet-audience");
            }
            out.push((format!("{identity}/{version}"), config.to_string()));
        }
    }
    out
}

fn generate(text: &str, target: Option<&str>) -> Vec<Manifest> {
    let (manifests, results) = generate_from_file(text, "config.yaml", target);
    let errors: Vec<_> = results.iter().filter(|r| r.severity == ztwim_gitops::diag::Severity::Error).collect();
    assert!(errors.is_empty(), "config has errors: {errors:?}");
    manifests
}

fn target_of(m: &Manifest) -> &str {
    m.annotation(TARGET_ANNOTATION).expect("every object has a target annotation")
}

fn str_at<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    path.iter()
        .try_fold(v, |v, k| v.get(*k))
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no string at {path:?} in {v:?}"))
}

fn one<'a>(ms: &[&'a Manifest], kind: &str) -> &'a Manifest {
    let found: Vec<_> = ms.iter().filter(|m| m.kind() == kind).collect();
    assert_eq!(found.len(), 1, "expected exactly one {kind}, found {}", found.len());
    found[0]
}

struct Spoke<'a> {
    name: String,
    objects: Vec<&'a Manifest>,
}

fn spokes(all: &[Manifest]) -> Vec<Spoke<'_>> {
    let mut names: Vec<String> = Vec::new();
    for name in all.iter().filter_map(|m| target_of(m).strip_prefix("spoke/")) {
        if !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
    }
    names
        .into_iter()
        .map(|name| {
            let target = format!("spoke/{name}");
            Spoke { objects: all.iter().filter(|m| target_of(m) == target).collect(), name }
        })
        .collect()
}

fn management(all: &[Manifest]) -> Vec<&Manifest> {
    all.iter().filter(|m| target_of(m) == "management").collect()
}

/// The Argo CD cluster Secret for a spoke (its `name` is the spoke's name).
fn cluster_secret<'a>(mgmt: &[&'a Manifest], spoke: &str) -> &'a Manifest {
    let found: Vec<_> = mgmt
        .iter()
        .filter(|m| m.kind() == "Secret")
        .filter(|m| m.value()["metadata"]["labels"]["argocd.argoproj.io/secret-type"].as_str() == Some("cluster"))
        .filter(|m| m.value()["stringData"]["name"].as_str() == Some(spoke))
        .collect();
    assert_eq!(found.len(), 1, "expected one cluster Secret for spoke {spoke}");
    found[0]
}

/// The SPIFFE IDs the controller and the server present, as the management cluster is configured.
fn component_spiffe_ids(mgmt: &[&Manifest]) -> Vec<String> {
    let argocd = one(mgmt, "ArgoCD");
    let (ns, name) = (argocd.namespace().expect("ArgoCD is namespaced"), argocd.name());
    let workloads = [format!("{name}-server"), format!("{name}-application-controller")];
    let registrations: Vec<_> = mgmt.iter().filter(|m| m.kind() == "ClusterSPIFFEID").collect();
    match registrations.as_slice() {
        [] => {
            let ztwim = one(mgmt, "ZeroTrustWorkloadIdentityManager").value();
            let td = str_at(&ztwim, &["spec", "trustDomain"]);
            ["argocd-server", "argocd-application-controller"]
                .iter()
                .map(|sa| format!("spiffe://{td}/ns/{ns}/sa/{name}-{sa}"))
                .collect()
        }
        [reg] => {
            let spec = &reg.value()["spec"];
            assert_eq!(str_at(spec, &["className"]), "zero-trust-workload-identity-manager-spire");
            assert_eq!(spec["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"].as_str(), Some(ns));
            // It selects on the labels the ArgoCD CR puts on exactly the controller and server pods,
            // not on names the operator derives (and shortens for long instance names).
            let selector = &spec["podSelector"];
            assert!(selector.get("matchExpressions").is_none(), "{selector:?}");
            let wanted = &selector["matchLabels"];
            assert!(wanted.as_mapping().is_some_and(|m| !m.is_empty()), "{selector:?}");
            for component in ["controller", "server"] {
                assert_eq!(
                    &argocd.value()["spec"][component]["labels"],
                    wanted,
                    "{component} pods carry the selected labels"
                );
            }
            for other in ["repo", "redis", "applicationSet"] {
                assert!(argocd.value()["spec"][other].get("labels").is_none(), "{other} pods do not get the identity");
            }
            let _ = &workloads;
            let template = str_at(spec, &["spiffeIDTemplate"]);
            assert!(!template.contains("{{"), "the shared ID is literal, so spokes can require it: {template}");
            vec![template.to_string(); 2]
        }
        _ => panic!("more than one ClusterSPIFFEID"),
    }
}

#[test]
fn rbac_subjects_are_exactly_the_usernames_argo_cd_maps_to() {
    for (label, text) in configs() {
        let all = generate(&text, None);
        let mgmt = management(&all);
        let ids = component_spiffe_ids(&mgmt);
        let shared = mgmt.iter().any(|m| m.kind() == "ClusterSPIFFEID");
        for spoke in spokes(&all) {
            let ctx = format!("{label} spoke {}", spoke.name);
            let provider = &one(&spoke.objects, "Authentication").value()["spec"]["oidcProviders"][0];
            let username = &provider["claimMappings"]["username"];
            assert_eq!(str_at(username, &["claim"]), "sub", "{ctx}");
            let prefix = match str_at(username, &["prefixPolicy"]) {
                "NoPrefix" => {
                    assert!(username.get("prefix").is_none(), "{ctx}: NoPrefix with a prefix");
                    String::new()
                }
                "Prefix" => str_at(username, &["prefix", "prefixString"]).to_string(),
                other => panic!("{ctx}: prefixPolicy {other} would prefix `<issuerURL>#`"),
            };
            let usernames: Vec<String> = ids.iter().map(|id| format!("{prefix}{id}")).collect();
            let bindings: Vec<_> =
                spoke.objects.iter().filter(|m| matches!(m.kind(), "ClusterRoleBinding" | "RoleBinding")).collect();
            assert!(!bindings.is_empty(), "{ctx}: no RBAC");
            for binding in &bindings {
                let b = binding.value();
                let subjects = b["subjects"].as_sequence().expect("subjects");
                for s in subjects {
                    assert_eq!(str_at(s, &["kind"]), "User", "{ctx}");
                    assert_eq!(str_at(s, &["apiGroup"]), "rbac.authorization.k8s.io", "{ctx}");
                    let name = str_at(s, &["name"]);
                    assert!(usernames.iter().any(|u| u == name), "{ctx}: subject {name} is none of {usernames:?}");
                }
                for u in &usernames {
                    let n = subjects.iter().filter(|s| s["name"].as_str() == Some(u)).count();
                    assert_eq!(n, 1, "{ctx}: {u} bound {n} times in {}", binding.name());
                }
            }
            let rules = provider.get("claimValidationRules");
            if shared {
                let rules = rules.and_then(Value::as_sequence).expect("shared mode requires the sub");
                assert_eq!(rules.len(), 1, "{ctx}");
                assert_eq!(str_at(&rules[0], &["type"]), "RequiredClaim", "{ctx}");
                assert_eq!(str_at(&rules[0], &["requiredClaim", "claim"]), "sub", "{ctx}");
                assert_eq!(str_at(&rules[0], &["requiredClaim", "requiredValue"]), ids[0], "{ctx}");
            } else {
                assert!(rules.is_none(), "{ctx}: claim rules without identity: shared");
            }
        }
    }
}

#[test]
fn spoke_trusts_what_the_management_cluster_issues() {
    for (label, text) in configs() {
        let all = generate(&text, None);
        let mgmt = management(&all);
        let spire_server = one(&mgmt, "SpireServer").value();
        let jwt_issuer = str_at(&spire_server, &["spec", "jwtIssuer"]);
        for spoke in spokes(&all) {
            let ctx = format!("{label} spoke {}", spoke.name);
            let issuer = &one(&spoke.objects, "Authentication").value()["spec"]["oidcProviders"][0]["issuer"];
            assert_eq!(str_at(issuer, &["issuerURL"]), jwt_issuer, "{ctx}");
            let secret = cluster_secret(&mgmt, &spoke.name);
            let config: serde_json::Value =
                serde_json::from_str(str_at(&secret.value(), &["stringData", "config"])).expect("config is JSON");
            let audience = exec_audience(&config["execProviderConfig"]);
            let audiences: Vec<&str> =
                issuer["audiences"].as_sequence().unwrap().iter().filter_map(Value::as_str).collect();
            assert_eq!(audiences, [audience], "{ctx}");
            let ca_name = str_at(issuer, &["issuerCertificateAuthority", "name"]);
            let configmaps: Vec<_> = spoke.objects.iter().filter(|m| m.kind() == "ConfigMap").collect();
            if ca_name.is_empty() {
                assert!(configmaps.is_empty(), "{ctx}: a CA ConfigMap nothing references");
            } else {
                assert_eq!(configmaps.len(), 1, "{ctx}");
                assert_eq!((configmaps[0].namespace(), configmaps[0].name()), (Some("openshift-config"), ca_name));
                assert!(configmaps[0].value()["data"]["ca-bundle.crt"].as_str().is_some_and(|p| p.contains("BEGIN")));
            }
        }
    }
}

/// Argo CD limited to namespaces on the management side, RoleBindings in exactly those on the spoke,
/// and nothing cluster-wide.
#[test]
fn namespaced_spokes_are_namespaced_on_both_sides() {
    for (label, text) in configs() {
        let all = generate(&text, None);
        let mgmt = management(&all);
        for spoke in spokes(&all) {
            let ctx = format!("{label} spoke {}", spoke.name);
            let data = &cluster_secret(&mgmt, &spoke.name).value()["stringData"];
            let mut bound: Vec<&str> =
                spoke.objects.iter().filter(|m| m.kind() == "RoleBinding").filter_map(|m| m.namespace()).collect();
            bound.sort();
            let crbs = spoke.objects.iter().filter(|m| m.kind() == "ClusterRoleBinding").count();
            match data.get("namespaces").and_then(Value::as_str) {
                None => assert_eq!((crbs, bound.len()), (1, 0), "{ctx}"),
                Some(list) => {
                    let mut want: Vec<&str> = list.split(',').map(str::trim).collect();
                    want.sort();
                    assert_eq!(bound, want, "{ctx}");
                    assert_eq!(crbs, 0, "{ctx}: cluster-wide binding on a namespaced spoke");
                    assert_ne!(data.get("clusterResources").and_then(Value::as_str), Some("true"), "{ctx}");
                }
            }
        }
    }
}

#[test]
fn feature_gate_iff_4_19() {
    for (label, text) in configs() {
        let all = generate(&text, None);
        for spoke in spokes(&all) {
            let gates: Vec<_> = spoke.objects.iter().filter(|m| m.kind() == "FeatureGate").collect();
            assert_eq!(gates.len(), usize::from(label.ends_with("4.19")), "{label} spoke {}", spoke.name);
            for g in gates {
                assert_eq!(g.name(), "cluster");
                assert_eq!(str_at(&g.value(), &["spec", "featureSet"]), "TechPreviewNoUpgrade");
            }
        }
    }
}

/// `--target` and `spec.target` each emit exactly the objects of the full output annotated with that
/// target, in the same order.
#[test]
fn target_selects_exactly_its_annotated_objects() {
    for (label, text) in configs().into_iter().step_by(2) {
        let all = generate(&text, None);
        assert!(all.iter().any(|m| target_of(m) == "management"), "{label}: no management objects");
        let mut targets: Vec<String> = spokes(&all).into_iter().map(|s| format!("spoke/{}", s.name)).collect();
        assert_eq!(targets.len(), 8, "{label}: every spoke emits objects");
        targets.push("management".into());
        for target in &targets {
            let want: Vec<Value> = all.iter().filter(|m| target_of(m) == target).map(Manifest::value).collect();
            let by_flag = generate(&text, Some(target));
            let mut config: serde_json::Value = serde_json::from_str(&text).unwrap();
            config["spec"]["target"] = json!(target);
            let by_spec = generate(&config.to_string(), None);
            for (how, got) in [("--target", by_flag), ("spec.target", by_spec)] {
                let got: Vec<Value> = got.iter().map(Manifest::value).collect();
                assert_eq!(got, want, "{label}: {how} {target}");
            }
        }
        assert_eq!(generate(&text, Some("all")).len(), all.len(), "{label}: --target all");
    }
}

/// The issuer, audience, username mapping and required `sub` that one spoke's authenticator states,
/// read from whichever object its kind uses: (issuer, audience, prefix, required sub).
fn authenticator(manifests: &[Manifest], spoke: &str) -> (String, String, String, Option<String>) {
    let targets = [format!("spoke/{spoke}"), format!("control-plane/{spoke}")];
    let required = |rules: &Value, claim: &str, value: &str| {
        rules.as_sequence().and_then(|r| r.first()).map(|r| str_at(r, &[claim, value]).to_string())
    };
    for m in manifests.iter().filter(|m| targets.iter().any(|t| target_of(m) == t)) {
        let o = &m.value();
        let provider = match m.kind() {
            "Authentication" => &o["spec"]["oidcProviders"][0],
            "HostedCluster" => &o["spec"]["configuration"]["authentication"]["oidcProviders"][0],
            "IdentityProviderConfig" => {
                let oidc = &o["spec"]["oidc"];
                assert_eq!(str_at(oidc, &["usernameClaim"]), "sub");
                let prefix = str_at(oidc, &["usernamePrefix"]);
                return (
                    str_at(oidc, &["issuerURL"]).into(),
                    str_at(oidc, &["clientID"]).into(),
                    if prefix == "-" { String::new() } else { prefix.into() },
                    oidc["requiredClaims"]["sub"].as_str().map(String::from),
                );
            }
            "ConfigMap" if o["metadata"]["name"] == "authentication-config" => {
                let text = str_at(o, &["data", "authentication-config.yaml"]);
                let config: Value = serde_yaml_ng::from_str(text).unwrap();
                let jwt = &config["jwt"][0];
                assert_eq!(str_at(jwt, &["claimMappings", "username", "claim"]), "sub");
                return (
                    str_at(jwt, &["issuer", "url"]).into(),
                    jwt["issuer"]["audiences"][0].as_str().unwrap().into(),
                    str_at(jwt, &["claimMappings", "username", "prefix"]).into(),
                    jwt["claimValidationRules"][0]["requiredValue"].as_str().map(String::from),
                );
            }
            _ => continue,
        };
        let username = &provider["claimMappings"]["username"];
        assert_eq!(str_at(username, &["claim"]), "sub");
        let prefix = match str_at(username, &["prefixPolicy"]) {
            "Prefix" => str_at(username, &["prefix", "prefixString"]).to_string(),
            _ => String::new(),
        };
        return (
            str_at(provider, &["issuer", "issuerURL"]).into(),
            provider["issuer"]["audiences"][0].as_str().unwrap().into(),
            prefix,
            required(&provider["claimValidationRules"], "requiredClaim", "requiredValue"),
        );
    }
    panic!("no authenticator object for spoke {spoke}")
}

/// Every kind of spoke states the same trust as the management side: the issuer is the SpireServer's,
/// the audience is the cluster Secret's, and prefix + SPIFFE ID is exactly the RBAC subject.
#[test]
fn every_kind_of_spoke_agrees_with_the_management_side() {
    let text =
        std::fs::read_to_string(format!("{}/examples/mixed-fleet/ztwim-gitops.yaml", crate::support::ROOT)).unwrap();
    for identity in ["perServiceAccount", "shared"] {
        let mut config: Value = serde_yaml_ng::from_str(&text).unwrap();
        config["spec"]["identity"] = identity.into();
        for spoke in config["spec"]["spokes"].as_sequence_mut().unwrap() {
            if spoke["name"] != "kind" {
                spoke["usernamePrefix"] = "spire:".into();
            }
        }
        let manifests = generate(&serde_yaml_ng::to_string(&config).unwrap(), None);
        let issuer = manifests
            .iter()
            .find(|m| m.kind() == "SpireServer")
            .map(|m| str_at(&m.value(), &["spec", "jwtIssuer"]).to_string())
            .unwrap();
        let ids: Vec<String> = ["server", "application-controller"]
            .iter()
            .map(|c| match identity {
                "shared" => "spiffe://apps.mgmt.example.com/ns/ztwim-gitops/argocd/openshift-gitops".to_string(),
                _ => format!("spiffe://apps.mgmt.example.com/ns/ztwim-gitops/sa/openshift-gitops-argocd-{c}"),
            })
            .collect();
        let mut kinds = std::collections::BTreeSet::new();
        for spoke in ["classic", "hosted", "kind", "eks"] {
            let (iss, aud, prefix, required) = authenticator(&manifests, spoke);
            assert_eq!(iss, issuer, "{identity}/{spoke}: issuer");
            let secret = manifests.iter().find(|m| m.kind() == "Secret" && m.name() == spoke).unwrap();
            let cluster: serde_json::Value =
                serde_json::from_str(str_at(&secret.value(), &["stringData", "config"])).unwrap();
            assert_eq!(exec_audience(&cluster["execProviderConfig"]), aud.as_str(), "{identity}/{spoke}: audience");
            let binding = manifests
                .iter()
                .find(|m| m.kind() == "ClusterRoleBinding" && target_of(m) == format!("spoke/{spoke}"))
                .unwrap()
                .value();
            let subjects: Vec<&str> =
                binding["subjects"].as_sequence().unwrap().iter().map(|s| str_at(s, &["name"])).collect();
            let mut expected: Vec<String> = ids.iter().map(|id| format!("{prefix}{id}")).collect();
            expected.dedup();
            assert_eq!(subjects, expected, "{identity}/{spoke}: RBAC subjects are prefix + SPIFFE ID");
            assert_eq!(required, (identity == "shared").then(|| ids[0].clone()), "{identity}/{spoke}: required sub");
            kinds.insert(
                manifests
                    .iter()
                    .filter(|m| target_of(m).ends_with(&format!("/{spoke}")))
                    .map(|m| m.kind().to_string())
                    .collect::<Vec<_>>()
                    .join(","),
            );
        }
        assert_eq!(kinds.len(), 4, "each kind emits its own set of objects: {kinds:?}");
    }
}

/// The audience a cluster Secret's exec config asks for: the built-in helper's `--audience` argument, or
/// the upstream plugin's `SPIFFE_JWT_AUDIENCE`.
fn exec_audience(exec: &serde_json::Value) -> &str {
    match exec["args"].as_array() {
        Some(args) if args.first().and_then(|a| a.as_str()) == Some("credential") => {
            let at = args.iter().position(|a| a == "--audience").expect("--audience");
            args[at + 1].as_str().expect("audience")
        }
        _ => exec["env"]["SPIFFE_JWT_AUDIENCE"].as_str().expect("audience"),
    }
}
