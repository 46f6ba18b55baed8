//! Every generated object, over a matrix of configs, against the real upstream schemas in `../shared/crds`
//! (structural + CEL); and negative controls proving the validator reports broken copies.

use crate::support::schema;

use schema::{CelCounts, Report};
use serde::Deserialize;
use serde_json::{json, Value};

fn yaml_stream(text: &str) -> Vec<Value> {
    serde_yaml_ng::Deserializer::from_str(text)
        .map(|doc| serde_json::to_value(serde_yaml_ng::Value::deserialize(doc).expect("valid YAML")).expect("JSON"))
        .filter(|v| !v.is_null())
        .collect()
}

fn hand_written() -> Vec<Value> {
    yaml_stream(include_str!("../fixtures/schema-objects.yaml"))
}

fn describe(object: &Value) -> String {
    format!("{} {}", object["kind"].as_str().unwrap_or("?"), object["metadata"]["name"].as_str().unwrap_or("?"))
}

/// Prints straight to the process's stderr: the harness captures `eprintln!` of passing tests, and these
/// counts are the evidence that the rules ran, so a plain `cargo test` (and CI's log) must show them.
fn say(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{line}");
}

fn print_counts(what: &str, objects: usize, cel: CelCounts) {
    say(&format!(
        "{what}: {objects} objects; CEL rules evaluated {}, skipped (transition rules, oldSelf) {}, failed {}",
        cel.evaluated, cel.skipped, cel.failed
    ));
}

/// The opt-in schemas an object is also checked against: Authentication for a pre-4.20 spoke needs
/// TechPreviewNoUpgrade, whose master CRD has more fields and rules.
fn validate(catalog: &schema::Catalog, object: &Value, tech_preview: bool) -> Report {
    let opt_in: &[&str] = if tech_preview { &["TechPreviewNoUpgrade"] } else { &[] };
    catalog.validate_with(object, opt_in)
}

#[test]
fn hand_written_objects_are_valid() {
    let Some(catalog) = schema::catalog() else { return };
    let mut cel = CelCounts::default();
    let mut failures = Vec::new();
    let objects = hand_written();
    for object in &objects {
        let report = validate(catalog, object, true);
        cel += report.cel;
        failures.extend(report.violations.iter().map(|v| format!("{}: {v}", describe(object))));
    }
    print_counts("hand-written objects", objects.len(), cel);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(cel.evaluated > 0 && cel.failed == 0);
}

/// Which schemas each kind is checked against: Authentication and FeatureGate against release-4.21 and master.
#[test]
fn each_kind_has_the_expected_schemas() {
    let Some(catalog) = schema::catalog() else { return };
    let auth = catalog.sources("config.openshift.io/v1", "Authentication");
    assert_eq!(auth.len(), 3, "{auth:?}");
    assert!(
        auth.iter().any(|s| s.contains("release-4.21"))
            && auth.iter().any(|s| s.contains("master/") && s.contains("Default"))
    );
    assert!(auth.iter().any(|s| s.contains("TechPreviewNoUpgrade") && s.ends_with("(opt-in)")));
    assert_eq!(catalog.sources("config.openshift.io/v1", "FeatureGate").len(), 2);
    for object in hand_written() {
        let sources = catalog.sources(object["apiVersion"].as_str().unwrap(), object["kind"].as_str().unwrap());
        assert!(!sources.is_empty(), "{}", describe(&object));
    }
    let unknown = catalog.validate(&json!({"apiVersion": "example.com/v1", "kind": "Nope", "metadata": {"name": "x"}}));
    assert_eq!(unknown.violations.len(), 1, "{:?}", unknown.violations);
}

/// How a negative control breaks an object.
enum Op {
    /// Sets the field at a JSON pointer to a value written as JSON.
    Set(&'static str, &'static str),
    Remove(&'static str),
    With(fn(&mut Value)),
}
use Op::{Remove, Set, With};

/// Kinds the ZTWIM operator owns: singletons named `cluster` by a CEL rule.
const ZTWIM_KINDS: &[&str] =
    &["ZeroTrustWorkloadIdentityManager", "SpireServer", "SpireAgent", "SpiffeCSIDriver", "SpireOIDCDiscoveryProvider"];

/// (kind, what is broken, how, a fragment of the path or message the violation must have). `*` is every kind.
#[rustfmt::skip]
const BREAKS: &[(&str, &str, Op, &str)] = &[
    ("*", "unknown field", With(unknown_field), "notAField"),
    ("*", "namespace added or dropped", With(flip_namespace), "/metadata/namespace"),
    ("ztwim", "name not cluster (CEL)", Set("/metadata/name", r#""other""#), "self.metadata.name == 'cluster'"),
    ("Namespace", "name not a DNS label", Set("/metadata/name", r#""Not_A_Label""#), "/metadata/name"),
    ("Namespace", "label value too long", With(long_label), "label"),
    ("OperatorGroup", "targetNamespaces not a list", Set("/spec/targetNamespaces", r#""ns""#), "targetNamespaces"),
    ("Subscription", "drop required spec.name", Remove("/spec/name"), "\"name\" is a required property"),
    ("Subscription", "drop required spec.source", Remove("/spec/source"), "\"source\" is a required property"),
    ("ZeroTrustWorkloadIdentityManager", "drop required trustDomain", Remove("/spec/trustDomain"), "\"trustDomain\" is a required property"),
    ("ZeroTrustWorkloadIdentityManager", "trustDomain pattern", Set("/spec/trustDomain", r#""Bad_Domain""#), "/spec/trustDomain"),
    ("SpireServer", "drop required caSubject", Remove("/spec/caSubject"), "\"caSubject\" is a required property"),
    ("SpireServer", "jwtIssuer pattern", Set("/spec/jwtIssuer", r#""ftp://issuer""#), "/spec/jwtIssuer"),
    ("SpireServer", "persistence.size pattern", Set("/spec/persistence/size", r#""1G""#), "/spec/persistence/size"),
    ("SpireAgent", "hostCert without paths (CEL)", Set("/spec/workloadAttestors/workloadAttestorsVerification/type", r#""hostCert""#), "hostCertBasePath"),
    ("SpiffeCSIDriver", "pluginName pattern", Set("/spec/pluginName", r#""CSI Driver""#), "/spec/pluginName"),
    ("SpireOIDCDiscoveryProvider", "drop required jwtIssuer", Remove("/spec/jwtIssuer"), "\"jwtIssuer\" is a required property"),
    ("SpireOIDCDiscoveryProvider", "replicaCount above maximum", Set("/spec/replicaCount", "9"), "/spec/replicaCount"),
    ("ArgoCD", "sso and oidcConfig together (CEL)", Set("/spec/oidcConfig", r#""issuer: x""#), "!(has(self.sso) && has(self.oidcConfig))"),
    ("ArgoCD", "unknown field in a volume", Set("/spec/controller/volumes/0/notAField", "1"), "/spec/controller/volumes/0"),
    ("ArgoCD", "volumeMount without mountPath", Remove("/spec/controller/volumeMounts/0/mountPath"), "\"mountPath\" is a required property"),
    ("ArgoCD", "route TLS termination enum", Set("/spec/server/route/tls/termination", r#""none""#), "/spec/server/route/tls/termination"),
    ("Secret", "stringData value not a string", Set("/stringData/server", "6443"), "/stringData/server"),
    ("Secret", "data not base64", Set("/data", r#"{"config": "not base64!"}"#), "/data/config"),
    ("Application", "drop required destination", Remove("/spec/destination"), "\"destination\" is a required property"),
    ("Application", "helm parameter value not a string", Set("/spec/source/helm/parameters", r#"[{"name": "n", "value": 3}]"#), "/spec/source/helm/parameters/0/value"),
    ("ClusterSPIFFEID", "drop required spiffeIDTemplate", Remove("/spec/spiffeIDTemplate"), "\"spiffeIDTemplate\" is a required property"),
    ("ClusterSPIFFEID", "podSelector matchLabels not a map", Set("/spec/podSelector", r#"{"matchLabels": "x"}"#), "/spec/podSelector/matchLabels"),
    ("ConfigMap", "data value not a string", Set("/data/ca-bundle.crt", "1"), "/data/ca-bundle.crt"),
    ("FeatureGate", "featureSet enum", Set("/spec/featureSet", r#""TechPreview""#), "/spec/featureSet"),
    ("Authentication", "issuerURL not https (CEL)", Set("/spec/oidcProviders/0/issuer/issuerURL", r#""http://issuer.example.com""#), "must use the 'https' scheme"),
    ("Authentication", "issuerURL with a query (CEL)", Set("/spec/oidcProviders/0/issuer/issuerURL", r#""https://issuer.example.com/?a=b""#), "must not have a query"),
    ("Authentication", "no audiences (minItems)", Set("/spec/oidcProviders/0/issuer/audiences", "[]"), "/spec/oidcProviders/0/issuer/audiences"),
    ("Authentication", "Prefix without prefix (CEL)", Set("/spec/oidcProviders/0/claimMappings/username", r#"{"claim": "sub", "prefixPolicy": "Prefix"}"#), "prefix must be set if prefixPolicy is 'Prefix'"),
    ("Authentication", "prefixPolicy enum", Set("/spec/oidcProviders/0/claimMappings/username/prefixPolicy", r#""Sometimes""#), "/spec/oidcProviders/0/claimMappings/username/prefixPolicy"),
    ("Authentication", "RequiredClaim without requiredClaim (CEL)", Set("/spec/oidcProviders/0/claimValidationRules", r#"[{"type": "RequiredClaim"}]"#), "requiredClaim must be set"),
    ("Authentication", "type enum", Set("/spec/type", r#""OAuth2""#), "/spec/type"),
    ("Authentication", "duplicate oidcClient (list-map keys)", With(duplicate_oidc_client), "duplicate entry for list-map key"),
    ("HostedCluster", "issuerURL not https (CEL)", Set("/spec/configuration/authentication/oidcProviders/0/issuer/issuerURL", r#""http://issuer.example.com""#), "https"),
    ("HostedCluster", "no audiences (minItems)", Set("/spec/configuration/authentication/oidcProviders/0/issuer/audiences", "[]"), "/spec/configuration/authentication/oidcProviders/0/issuer/audiences"),
    ("HostedCluster", "authentication type enum", Set("/spec/configuration/authentication/type", r#""OAuth2""#), "/spec/configuration/authentication/type"),
    ("IdentityProviderConfig", "drop required oidc", Remove("/spec/oidc"), "\"oidc\" is a required property"),
    ("IdentityProviderConfig", "required claim not a string", Set("/spec/oidc/requiredClaims", r#"{"sub": 1}"#), "/spec/oidc/requiredClaims/sub"),
    ("ClusterRoleBinding RoleBinding", "drop required roleRef", Remove("/roleRef"), "\"roleRef\" is a required property"),
    ("ClusterRoleBinding RoleBinding", "subject without name", Remove("/subjects/0/name"), "\"name\" is a required property"),
];

/// The negative controls for one kind: the ones for every kind, and its own (at least one).
fn breaks(kind: &str) -> Vec<&'static (&'static str, &'static str, Op, &'static str)> {
    let own = |k: &str| k.split(' ').any(|k| k == kind) || (k == "ztwim" && ZTWIM_KINDS.contains(&kind));
    assert!(BREAKS.iter().any(|b| own(b.0)), "no negative controls for kind {kind}: add them to BREAKS");
    BREAKS.iter().filter(|b| b.0 == "*" || own(b.0)).collect()
}

fn apply(op: &Op, object: &mut Value) {
    match op {
        Set(pointer, value) => set(object, pointer, serde_json::from_str(value).expect("a JSON value")),
        Remove(pointer) => remove(object, pointer),
        With(f) => f(object),
    }
}

fn set(object: &mut Value, pointer: &str, value: Value) {
    let (parent, key) = pointer.rsplit_once('/').expect("a pointer");
    let parent = object.pointer_mut(parent).unwrap_or_else(|| panic!("{parent} exists"));
    match parent {
        Value::Object(m) => {
            m.insert(key.to_string(), value);
        }
        Value::Array(a) => a[key.parse::<usize>().expect("an index")] = value,
        _ => panic!("{pointer}: parent is a scalar"),
    }
}

fn remove(object: &mut Value, pointer: &str) {
    let (parent, key) = pointer.rsplit_once('/').expect("a pointer");
    let removed = object.pointer_mut(parent).and_then(Value::as_object_mut).and_then(|m| m.remove(key));
    assert!(removed.is_some(), "{pointer} exists in the object to break");
}

/// Adds a field no schema declares, where strict field validation must catch it.
fn unknown_field(object: &mut Value) {
    let target = if object.get("spec").is_some_and(Value::is_object) { "/spec/notAField" } else { "/notAField" };
    set(object, target, json!("x"));
}

/// A namespaced object loses its namespace; a cluster-scoped one gains one.
fn flip_namespace(object: &mut Value) {
    let meta = object["metadata"].as_object_mut().expect("metadata");
    if meta.remove("namespace").is_none() {
        meta.insert("namespace".into(), json!("default"));
    }
}

fn long_label(object: &mut Value) {
    object["metadata"]["labels"]["x"] = json!("v".repeat(64));
}

/// Two oidcClients entries with one key (generated Authentications list none unless configured).
fn duplicate_oidc_client(object: &mut Value) {
    let clients = &mut object["spec"]["oidcProviders"][0]["oidcClients"];
    let entry = clients.get(0).cloned().unwrap_or_else(
        || json!({"componentName": "cli", "componentNamespace": "openshift-console", "clientID": "openshift-cli"}),
    );
    *clients = json!([entry.clone(), entry]);
}

/// Breaks a copy of the first object of each kind every way `breaks` lists; each must be reported.
fn assert_negative_controls(objects: &[Value]) -> usize {
    let Some(catalog) = schema::catalog() else { return 0 };
    let mut missed = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    let mut count = 0;
    for object in objects {
        let kind = object["kind"].as_str().unwrap_or_default();
        if !seen.insert(kind.to_string()) {
            continue;
        }
        let clean = validate(catalog, object, true);
        assert!(clean.violations.is_empty(), "{} is not valid to begin with: {:?}", describe(object), clean.violations);
        for (_, what, op, expect) in breaks(kind) {
            let mut broken = object.clone();
            apply(op, &mut broken);
            let report = validate(catalog, &broken, true);
            count += 1;
            let caught = report.violations.iter().any(|v| v.path.contains(expect) || v.message.contains(expect));
            if !caught {
                missed.push(format!(
                    "{kind} `{}`: expected a violation mentioning `{}`, got {:?}",
                    what, expect, report.violations
                ));
            }
        }
    }
    assert!(missed.is_empty(), "negative controls not caught:\n{}", missed.join("\n"));
    count
}

#[test]
fn negative_controls_on_hand_written_objects() {
    let count = assert_negative_controls(&hand_written());
    say(&format!("negative controls caught on hand-written objects: {count}"));
}

/// One config of the matrix: its name and the config file text.
struct Case {
    name: String,
    text: String,
}

fn read(path: &std::path::Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A CA (base64 PEM) and an issuer CA (PEM) from the fleet example, so matrix configs carry real certificates.
fn example_cas() -> (String, String) {
    let fleet: Value =
        yaml_stream(&read(&std::path::Path::new(crate::support::ROOT).join("fn-config/fleet.yaml"))).remove(0);
    let spoke = &fleet["spec"]["spokes"][0];
    (spoke["caData"].as_str().expect("caData").into(), spoke["issuerCA"].as_str().expect("issuerCA").into())
}

/// Which optional spoke and config features a matrix config turns on.
#[derive(Clone, Copy)]
struct Features {
    prefix: bool,
    ca: bool,
    namespaces: bool,
    applications: bool,
}

fn spoke(i: usize, version: &str, f: Features, cas: &(String, String)) -> Value {
    let mut s = json!({
        "name": format!("spoke-{i}"),
        "server": format!("https://api.spoke-{i}.example.com:6443"),
        "openshiftVersion": version,
        "labels": {"env": if i.is_multiple_of(2) { "prod" } else { "dev" }},
    });
    if f.prefix {
        s["usernamePrefix"] = json!("spire:");
    }
    if f.ca {
        s["caData"] = json!(cas.0);
        s["issuerCA"] = json!(cas.1);
        s["audience"] = json!(format!("spoke-{i}.example.com"));
    }
    if f.namespaces {
        s["namespaces"] = json!([format!("team-{i}-dev"), format!("team-{i}-prod")]);
        s["project"] = json!(format!("team-{i}"));
    }
    s
}

fn config(name: &str, identity: &str, credential: &str, spokes: Vec<Value>, applications: bool) -> Case {
    let apps: Vec<Value> = if applications {
        spokes
            .iter()
            .map(|s| {
                let spoke = s["name"].as_str().unwrap();
                let namespace = s["namespaces"][0].as_str().map_or(format!("{spoke}-app"), String::from);
                json!({
                    "name": format!("guestbook-{spoke}"),
                    "spoke": spoke,
                    "namespace": namespace,
                    "repoURL": "https://github.com/argoproj/argocd-example-apps",
                    "path": "helm-guestbook",
                    "helmParameters": {"replicaCount": 2, "image.tag": "v1"},
                    "automated": spokes.len().is_multiple_of(2),
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    let config = json!({
        "apiVersion": "fn.ztwim-gitops.dev/v1alpha1",
        "kind": "ZtwimGitOps",
        "metadata": {"name": name},
        "spec": {
            "appDomain": "apps.mgmt.example.com",
            "identity": identity,
            "management": {"execAuth": exec_auth(credential)},
            "spokes": spokes,
            "applications": apps,
        },
    });
    Case { name: name.into(), text: serde_yaml_ng::to_string(&config).expect("YAML") }
}

/// `execAuth` for a matrix case: `builtin` (the default install), `image` (the plugin from its image), or
/// a credential version for the archive download.
fn exec_auth(method: &str) -> Value {
    const PLUGIN_IMAGE: &str = "ghcr.io/spiffe/k8s-spiffe-workload-jwt-exec-auth@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    match method {
        "builtin" => json!({"method": "builtin"}),
        "image" => json!({"method": "image", "pluginImage": PLUGIN_IMAGE}),
        version => json!({"method": "archive", "credentialVersion": version}),
    }
}

/// The fn-config examples; every combination of identity mode, spoke version, credential version and the
/// optional features (two spokes each, so objects of several spokes meet in one output); a 50-spoke fleet.
fn matrix() -> Vec<Case> {
    let dir = std::path::Path::new(crate::support::ROOT).join("fn-config");
    let mut examples: Vec<_> = std::fs::read_dir(&dir).expect("fn-config").flatten().map(|e| e.path()).collect();
    examples.sort();
    let mut cases: Vec<Case> = examples.iter().map(|p| Case { name: p.display().to_string(), text: read(p) }).collect();
    let cas = example_cas();
    for identity in ["perServiceAccount", "shared"] {
        for version in ["4.19", "4.20", "4.21"] {
            // The built-in helper, and the archive download with the version it does not share.
            for credential in ["builtin", "v1beta1"] {
                for bits in 0..16 {
                    let f = Features {
                        prefix: bits & 1 != 0,
                        ca: bits & 2 != 0,
                        namespaces: bits & 4 != 0,
                        applications: bits & 8 != 0,
                    };
                    let spokes =
                        vec![spoke(1, version, f, &cas), spoke(2, version, Features { prefix: !f.prefix, ..f }, &cas)];
                    let name =
                        format!("m-{}-{}-{credential}-{bits}", identity.to_lowercase(), version.replace('.', ""));
                    cases.push(config(&name, identity, credential, spokes, f.applications));
                }
            }
        }
    }
    let fleet = (0..50)
        .map(|i| {
            let f = Features { prefix: i % 2 == 0, ca: i % 3 == 0, namespaces: i % 5 == 0, applications: true };
            spoke(i, ["4.19", "4.20", "4.21"][i % 3], f, &cas)
        })
        .collect();
    cases.push(config("fleet-50", "shared", "v1", fleet, true));
    // Every kind of spoke in one fleet, with the same feature combinations.
    for identity in ["perServiceAccount", "shared"] {
        for bits in 0..8 {
            let f =
                Features { prefix: bits & 1 != 0, ca: bits & 2 != 0, namespaces: bits & 4 != 0, applications: true };
            let mut spokes = vec![spoke(1, "4.20", f, &cas)];
            for (i, kind) in [(2, "hosted"), (3, "kubernetes"), (4, "kubernetes"), (5, "eks")] {
                let mut s = spoke(i, "4.20", f, &cas);
                let s = s.as_object_mut().unwrap();
                s.remove("openshiftVersion");
                s.insert("type".into(), json!(kind));
                match i {
                    2 => drop(s.insert("hostedCluster".into(), json!({"name": "spoke-2", "namespace": "clusters"}))),
                    3 => drop(s.insert("kubernetesVersion".into(), json!("1.33"))),
                    4 => drop(s.insert("kubernetesVersion".into(), json!("1.34"))),
                    _ => {
                        s.remove("issuerCA");
                        s.insert("eks".into(), json!({"clusterName": "prod-eu", "namespace": "ack-system"}));
                    }
                }
                spokes.push(Value::Object(s.clone()));
            }
            // Every install method in turn: the built-in helper (one init container, args and no env in the
            // Secrets), the plugin from its image (two init containers, `-timeout`), the archive download.
            let method = ["builtin", "image", "v1"][bits % 3];
            let mut case = config(&format!("kinds-{}-{bits}", identity.to_lowercase()), identity, method, spokes, true);
            // With the bootstrap Applications (management by server, spokes by name, a directory exclude).
            case.text = case.text.replace(
                "management:\n",
                "management:\n    bootstrap:\n      repoURL: https://git.example.com/fleet.git\n      path: clusters/prod\n",
            );
            cases.push(case);
        }
    }
    cases
}

/// Runs the pipeline on one config as the CLI does (all targets), returning each object with whether its
/// cluster is a pre-4.20 spoke (checked against TechPreviewNoUpgrade as well).
fn generate(case: &Case) -> Vec<(Value, bool)> {
    use ztwim_gitops::model::{Cluster, SpokeKind};
    use ztwim_gitops::{config::ConfigRef, diag::Severity, generate, pipeline};
    let fc: serde_yaml_ng::Value = serde_yaml_ng::from_str(&case.text).expect("config YAML");
    let reference = ConfigRef { name: "matrix".into(), ..ConfigRef::default() };
    let loaded = pipeline::load_and_resolve(&fc, reference, &Default::default());
    let errors: Vec<_> =
        loaded.diagnostics.iter().filter(|d| d.severity == Severity::Error).map(|d| format!("{d:?}")).collect();
    assert!(errors.is_empty(), "{}: config errors: {errors:#?}", case.name);
    let model = loaded.model.expect("a model without errors");
    generate::generate(&model)
        .manifests
        .into_iter()
        .map(|m| {
            let tech_preview = match &m.cluster {
                Cluster::Spoke(s) => model.spoke(s).is_some_and(|s| match &s.kind {
                    SpokeKind::OpenShift(openshift) => openshift.needs_tech_preview,
                    SpokeKind::Hosted(_) | SpokeKind::Kubernetes(_) | SpokeKind::Eks(_) => false,
                }),
                Cluster::Management | Cluster::ControlPlane(_) => false,
            };
            let mut object = serde_json::to_value(&m.object).expect("JSON");
            if object["kind"] == "HostedCluster" {
                object = applied_to_hosted_cluster(object);
            }
            (object, tech_preview)
        })
        .collect()
}

/// A generated HostedCluster is a partial object for server-side apply: what the API server validates
/// is that partial merged onto the live object, here a minimal complete HostedCluster.
fn applied_to_hosted_cluster(partial: Value) -> Value {
    fn merge(base: &mut Value, overlay: Value) {
        match (base, overlay) {
            (Value::Object(base), Value::Object(overlay)) => {
                for (k, v) in overlay {
                    merge(base.entry(k).or_insert(Value::Null), v);
                }
            }
            (base, overlay) => *base = overlay,
        }
    }
    let mut live = yaml_stream(include_str!("../fixtures/hostedcluster-base.yaml")).remove(0);
    merge(&mut live, partial);
    live
}

#[test]
fn every_generated_object_is_valid_across_the_matrix() {
    let Some(catalog) = schema::catalog() else { return };
    let mut cel = CelCounts::default();
    let mut kinds = std::collections::BTreeMap::<String, usize>::new();
    let mut failures = Vec::new();
    let mut tech_preview_authentications = 0;
    let cases = matrix();
    for method in ["builtin", "image", "archive"] {
        let with = cases.iter().filter(|c| c.text.contains(&format!("method: {method}\n"))).count();
        assert!(with >= 4, "the matrix covers execAuth.method {method} ({with} cases)");
    }
    for case in &cases {
        let objects = generate(case);
        let target = |o: &Value| o["metadata"]["annotations"]["ztwim-gitops.dev/target"].as_str().map(String::from);
        let gated: std::collections::BTreeSet<_> =
            objects.iter().filter(|(o, _)| o["kind"] == "FeatureGate").map(|(o, _)| target(o)).collect();
        for (object, tech_preview) in objects {
            if object["kind"] == "Authentication" {
                // The spokes that need TechPreviewNoUpgrade are the ones the generators give the FeatureGate.
                let gated = gated.contains(&target(&object));
                assert_eq!(
                    tech_preview, gated,
                    "{}: Authentication checked against TechPreviewNoUpgrade iff its spoke has the FeatureGate",
                    case.name
                );
                tech_preview_authentications += usize::from(tech_preview);
            }
            let report = validate(catalog, &object, tech_preview);
            cel += report.cel;
            *kinds.entry(object["kind"].as_str().unwrap_or("?").to_string()).or_default() += 1;
            failures.extend(report.violations.iter().map(|v| format!("{}: {}: {v}", case.name, describe(&object))));
        }
    }
    let objects = kinds.values().sum();
    print_counts(&format!("matrix of {} configs", cases.len()), objects, cel);
    say(&format!("objects per kind: {kinds:?}"));
    say(&format!("Authentications also checked against master TechPreviewNoUpgrade (4.19 spokes): {tech_preview_authentications}"));
    assert!(tech_preview_authentications > 0, "the matrix has 4.19 spokes");
    failures.dedup();
    assert!(failures.is_empty(), "{} violations:\n{}", failures.len(), failures.join("\n"));
    assert!(cel.evaluated > 0 && cel.failed == 0);
}

/// The negative controls again, on generated objects: one of each kind the matrix produces, and every kind the
/// hand-written set has (so a generator that stops emitting a kind, or a new kind without controls, fails here).
#[test]
fn negative_controls_on_generated_objects() {
    let objects: Vec<Value> = matrix().iter().flat_map(generate).map(|(o, _)| o).collect();
    let kinds = |objects: &[Value]| -> std::collections::BTreeSet<String> {
        objects.iter().map(|o| o["kind"].as_str().unwrap_or_default().to_string()).collect()
    };
    assert_eq!(kinds(&objects), kinds(&hand_written()), "the matrix emits exactly the kinds the controls cover");
    let count = assert_negative_controls(&objects);
    say(&format!("negative controls caught on generated objects: {count}"));
}

/// kube-apiserver's structured authentication config has no CRD: it is checked against a strict mirror of
/// its Go types, `k8s.io/apiserver/pkg/apis/apiserver/v1beta1` (kubernetes/kubernetes
/// `staging/src/k8s.io/apiserver/pkg/apis/apiserver/v1beta1/types.go` at
/// 05cb0a55c88e0cdcfe2fb184328ad9be53e94d5c; `v1` has the same fields), plus the rules its validation
/// applies to what we emit.
mod authentication_configuration {
    // Fields the checks below do not read still belong to the mirror: it must accept what the real type does.
    #![allow(dead_code)]
    use serde::Deserialize;

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub struct AuthenticationConfiguration {
        pub api_version: String,
        pub kind: String,
        pub jwt: Vec<JwtAuthenticator>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub struct JwtAuthenticator {
        pub issuer: Issuer,
        #[serde(default)]
        pub claim_validation_rules: Vec<ClaimValidationRule>,
        pub claim_mappings: ClaimMappings,
        #[serde(default)]
        pub user_validation_rules: Vec<UserValidationRule>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub struct Issuer {
        pub url: String,
        #[serde(rename = "discoveryURL")]
        pub discovery_url: Option<String>,
        #[serde(default)]
        pub certificate_authority: String,
        pub audiences: Vec<String>,
        #[serde(default)]
        pub audience_match_policy: String,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub struct ClaimValidationRule {
        #[serde(default)]
        pub claim: String,
        #[serde(default)]
        pub required_value: String,
        #[serde(default)]
        pub expression: String,
        #[serde(default)]
        pub message: String,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub struct ClaimMappings {
        pub username: PrefixedClaimOrExpression,
        pub groups: Option<PrefixedClaimOrExpression>,
        pub uid: Option<ClaimOrExpression>,
        #[serde(default)]
        pub extra: Vec<ExtraMapping>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub struct PrefixedClaimOrExpression {
        #[serde(default)]
        pub claim: String,
        pub prefix: Option<String>,
        #[serde(default)]
        pub expression: String,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub struct ClaimOrExpression {
        #[serde(default)]
        pub claim: String,
        #[serde(default)]
        pub expression: String,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub struct ExtraMapping {
        pub key: String,
        pub value_expression: String,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub struct UserValidationRule {
        pub expression: String,
        #[serde(default)]
        pub message: String,
    }

    /// The problems kube-apiserver's validation would report for the fields we emit.
    pub fn problems(text: &str) -> Vec<String> {
        let config: AuthenticationConfiguration = match serde_yaml_ng::from_str(text) {
            Ok(c) => c,
            Err(e) => return vec![format!("does not parse as AuthenticationConfiguration: {e}")],
        };
        let mut out = Vec::new();
        if !["apiserver.config.k8s.io/v1beta1", "apiserver.config.k8s.io/v1"].contains(&config.api_version.as_str()) {
            out.push(format!("apiVersion {}", config.api_version));
        }
        if config.kind != "AuthenticationConfiguration" {
            out.push(format!("kind {}", config.kind));
        }
        if config.jwt.is_empty() {
            out.push("no jwt authenticator".into());
        }
        for (i, jwt) in config.jwt.iter().enumerate() {
            if !jwt.issuer.url.starts_with("https://") || jwt.issuer.url.contains(['?', '#']) {
                out.push(format!("jwt[{i}].issuer.url {} is not https without query or fragment", jwt.issuer.url));
            }
            if jwt.issuer.audiences.is_empty() || jwt.issuer.audiences.iter().any(String::is_empty) {
                out.push(format!("jwt[{i}].issuer.audiences must be non-empty"));
            }
            if jwt.issuer.audiences.len() > 1 && jwt.issuer.audience_match_policy != "MatchAny" {
                out.push(format!("jwt[{i}].issuer.audienceMatchPolicy must be MatchAny for several audiences"));
            }
            if !jwt.issuer.certificate_authority.is_empty()
                && !jwt.issuer.certificate_authority.contains("-----BEGIN CERTIFICATE-----")
            {
                out.push(format!("jwt[{i}].issuer.certificateAuthority is not PEM"));
            }
            let user = &jwt.claim_mappings.username;
            if user.claim.is_empty() == user.expression.is_empty() {
                out.push(format!("jwt[{i}].claimMappings.username needs exactly one of claim and expression"));
            }
            if !user.claim.is_empty() && user.prefix.is_none() {
                out.push(format!("jwt[{i}].claimMappings.username.prefix must be set when claim is (\"\" for none)"));
            }
            for (j, rule) in jwt.claim_validation_rules.iter().enumerate() {
                if rule.claim.is_empty() == rule.expression.is_empty() {
                    out.push(format!("jwt[{i}].claimValidationRules[{j}] needs exactly one of claim and expression"));
                }
            }
        }
        out
    }
}

#[test]
fn every_generated_authentication_configuration_is_valid() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for case in matrix() {
        for (object, _) in generate(&case) {
            let Some(text) = object["data"]["authentication-config.yaml"].as_str() else { continue };
            checked += 1;
            failures.extend(
                authentication_configuration::problems(text).into_iter().map(|p| format!("{}: {p}", case.name)),
            );
        }
    }
    say(&format!("AuthenticationConfigurations checked against the apiserver types: {checked}"));
    assert!(checked > 0, "the matrix has kubernetes spokes");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Negative controls: what the mirror must refuse.
    let good = "apiVersion: apiserver.config.k8s.io/v1\nkind: AuthenticationConfiguration\njwt:\n- issuer: {url: 'https://i.example.com', audiences: [a]}\n  claimMappings: {username: {claim: sub, prefix: ''}}\n";
    assert!(authentication_configuration::problems(good).is_empty());
    for (bad, why) in [
        (good.replace("audiences", "audience"), "a misspelled field"),
        (good.replace(", prefix: ''", ""), "a claim without a prefix"),
        (good.replace("https://", "http://"), "an http issuer"),
        (good.replace("[a]", "[]"), "no audience"),
        (good.replace("/v1\n", "/v1alpha9\n"), "an unknown apiVersion"),
    ] {
        assert!(!authentication_configuration::problems(&bad).is_empty(), "{why} must be refused:\n{bad}");
    }
}
