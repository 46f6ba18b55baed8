//! Every generated object, over a matrix of configs, against the real upstream schemas in `../shared/crds`
//! (structural + CEL); and negative controls proving the validator reports broken copies.

#[path = "support/schema/mod.rs"]
mod schema;

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
    yaml_stream(include_str!("fixtures/schema-objects.yaml"))
}

fn describe(object: &Value) -> String {
    format!("{} {}", object["kind"].as_str().unwrap_or("?"), object["metadata"]["name"].as_str().unwrap_or("?"))
}

fn print_counts(what: &str, objects: usize, cel: CelCounts) {
    eprintln!(
        "{what}: {objects} objects; CEL rules evaluated {}, skipped (transition rules, oldSelf) {}, failed {}",
        cel.evaluated, cel.skipped, cel.failed
    );
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

/// One deliberate break of an object.
struct Break {
    what: &'static str,
    apply: fn(&mut Value),
    /// A fragment of the violation that must be reported (path or message).
    expect: &'static str,
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

/// Per kind, breaks the generated (or hand-written) objects must not survive.
fn breaks(kind: &str) -> Vec<Break> {
    let unknown = Break { what: "unknown field", apply: unknown_field, expect: "notAField" };
    let mut list = vec![unknown];
    let mut add = |what, apply, expect| list.push(Break { what, apply, expect });
    match kind {
        "Namespace" => {
            add("name not a DNS label", |o| set(o, "/metadata/name", json!("Not_A_Label")), "/metadata/name");
            add("label value too long", |o| set(o, "/metadata/labels/x", json!("v".repeat(64))), "label");
        }
        "OperatorGroup" => {
            add("targetNamespaces not a list", |o| set(o, "/spec/targetNamespaces", json!("ns")), "targetNamespaces");
        }
        "Subscription" => {
            add("drop required spec.name", |o| remove(o, "/spec/name"), "\"name\" is a required property");
            add("drop required spec.source", |o| remove(o, "/spec/source"), "\"source\" is a required property");
        }
        "ZeroTrustWorkloadIdentityManager" => {
            add(
                "name not cluster (CEL)",
                |o| set(o, "/metadata/name", json!("other")),
                "self.metadata.name == 'cluster'",
            );
            add(
                "drop required trustDomain",
                |o| remove(o, "/spec/trustDomain"),
                "\"trustDomain\" is a required property",
            );
            add("trustDomain pattern", |o| set(o, "/spec/trustDomain", json!("Bad_Domain")), "/spec/trustDomain");
        }
        "SpireServer" => {
            add(
                "name not cluster (CEL)",
                |o| set(o, "/metadata/name", json!("spire")),
                "self.metadata.name == 'cluster'",
            );
            add("drop required caSubject", |o| remove(o, "/spec/caSubject"), "\"caSubject\" is a required property");
            add("jwtIssuer pattern", |o| set(o, "/spec/jwtIssuer", json!("ftp://issuer")), "/spec/jwtIssuer");
            add(
                "persistence.size pattern",
                |o| set(o, "/spec/persistence/size", json!("1G")),
                "/spec/persistence/size",
            );
        }
        "SpireAgent" => {
            add(
                "name not cluster (CEL)",
                |o| set(o, "/metadata/name", json!("agent")),
                "self.metadata.name == 'cluster'",
            );
            add(
                "hostCert without paths (CEL)",
                |o| set(o, "/spec/workloadAttestors/workloadAttestorsVerification/type", json!("hostCert")),
                "hostCertBasePath",
            );
        }
        "SpiffeCSIDriver" => {
            add("pluginName pattern", |o| set(o, "/spec/pluginName", json!("CSI Driver")), "/spec/pluginName");
        }
        "SpireOIDCDiscoveryProvider" => {
            add("drop required jwtIssuer", |o| remove(o, "/spec/jwtIssuer"), "\"jwtIssuer\" is a required property");
            add("replicaCount above maximum", |o| set(o, "/spec/replicaCount", json!(9)), "/spec/replicaCount");
        }
        "ArgoCD" => {
            add(
                "sso and oidcConfig together (CEL)",
                |o| set(o, "/spec/oidcConfig", json!("issuer: x")),
                "!(has(self.sso) && has(self.oidcConfig))",
            );
            add(
                "unknown field in a volume",
                |o| set(o, "/spec/controller/volumes/0/notAField", json!(1)),
                "/spec/controller/volumes/0",
            );
            add(
                "volumeMount without mountPath",
                |o| remove(o, "/spec/controller/volumeMounts/0/mountPath"),
                "\"mountPath\" is a required property",
            );
            add(
                "route TLS termination enum",
                |o| set(o, "/spec/server/route/tls/termination", json!("none")),
                "/spec/server/route/tls/termination",
            );
        }
        "Secret" => {
            add("stringData value not a string", |o| set(o, "/stringData/server", json!(6443)), "/stringData/server");
            add("data not base64", |o| set(o, "/data", json!({"config": "not base64!"})), "/data/config");
        }
        "Application" => {
            add(
                "drop required destination",
                |o| remove(o, "/spec/destination"),
                "\"destination\" is a required property",
            );
            add(
                "helm parameter value not a string",
                |o| set(o, "/spec/source/helm/parameters", json!([{"name": "n", "value": 3}])),
                "/spec/source/helm/parameters/0/value",
            );
        }
        "ClusterSPIFFEID" => {
            add(
                "drop required spiffeIDTemplate",
                |o| remove(o, "/spec/spiffeIDTemplate"),
                "\"spiffeIDTemplate\" is a required property",
            );
            add(
                "podSelector operator not a string",
                |o| set(o, "/spec/podSelector", json!({"matchLabels": "x"})),
                "/spec/podSelector/matchLabels",
            );
        }
        "ConfigMap" => {
            add("data value not a string", |o| set(o, "/data/ca-bundle.crt", json!(1)), "/data/ca-bundle.crt");
        }
        "FeatureGate" => {
            add("featureSet enum", |o| set(o, "/spec/featureSet", json!("TechPreview")), "/spec/featureSet");
        }
        "Authentication" => {
            add(
                "issuerURL not https (CEL)",
                |o| set(o, "/spec/oidcProviders/0/issuer/issuerURL", json!("http://issuer.example.com")),
                "https",
            );
            add(
                "issuerURL with a query (CEL)",
                |o| set(o, "/spec/oidcProviders/0/issuer/issuerURL", json!("https://issuer.example.com/?a=b")),
                "query",
            );
            add(
                "no audiences (minItems)",
                |o| set(o, "/spec/oidcProviders/0/issuer/audiences", json!([])),
                "/spec/oidcProviders/0/issuer/audiences",
            );
            add(
                "Prefix without prefix (CEL)",
                |o| {
                    set(
                        o,
                        "/spec/oidcProviders/0/claimMappings/username",
                        json!({"claim": "sub", "prefixPolicy": "Prefix"}),
                    )
                },
                "prefixPolicy",
            );
            add(
                "prefixPolicy enum",
                |o| set(o, "/spec/oidcProviders/0/claimMappings/username/prefixPolicy", json!("Sometimes")),
                "/spec/oidcProviders/0/claimMappings/username/prefixPolicy",
            );
            add(
                "RequiredClaim without requiredClaim (CEL)",
                |o| set(o, "/spec/oidcProviders/0/claimValidationRules", json!([{"type": "RequiredClaim"}])),
                "requiredClaim",
            );
            add("type enum", |o| set(o, "/spec/type", json!("OAuth2")), "/spec/type");
            add(
                "duplicate oidcClient (list-map keys)",
                |o| {
                    let client = o["spec"]["oidcProviders"][0]["oidcClients"][0].clone();
                    o["spec"]["oidcProviders"][0]["oidcClients"].as_array_mut().expect("a list").push(client);
                },
                "duplicate entry for list-map key",
            );
        }
        "ClusterRoleBinding" | "RoleBinding" => {
            add("drop required roleRef", |o| remove(o, "/roleRef"), "\"roleRef\" is a required property");
            add("subject without name", |o| remove(o, "/subjects/0/name"), "\"name\" is a required property");
        }
        other => panic!("no negative controls for kind {other}: add them"),
    }
    list
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
        for b in breaks(kind) {
            let mut broken = object.clone();
            (b.apply)(&mut broken);
            let report = validate(catalog, &broken, true);
            count += 1;
            let caught = report.violations.iter().any(|v| v.path.contains(b.expect) || v.message.contains(b.expect));
            if !caught {
                missed.push(format!(
                    "{kind} `{}`: expected a violation mentioning `{}`, got {:?}",
                    b.what, b.expect, report.violations
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
    eprintln!("negative controls caught on hand-written objects: {count}");
}
