//! `ztwim-gitops schema` says in JSON Schema what the resolver checks, so an editor flags a mistake while
//! it is typed: for each `pattern`, a value the resolver accepts matches it and one it refuses does not,
//! so no pattern is stricter than a run (nor useless). Every property also has a description and an
//! example, and no required property claims a default.
use crate::support::set;
use serde_json::Value as Json;
use serde_yaml_ng::Value;
use ztwim_gitops::config::schema::json_schema;
use ztwim_gitops::diag::Severity;
use ztwim_gitops::pipeline::generate_from_file;

const BASE: &str = "apiVersion: fn.ztwim-gitops.dev/v1alpha1
kind: ZtwimGitOps
metadata: {name: fleet}
spec:
  appDomain: apps.mgmt.example.com
  spokes:
  - {name: spoke-a, server: 'https://api.spoke-a.example.com:6443'}
  applications:
  - {name: guestbook, spoke: spoke-a, namespace: guestbook, repoURL: 'https://example.com/repo.git'}
";

/// The config with `path` (dotted, from `spec`) set to `value`, and `extra` merged into the spoke.
fn config_with(path: &str, value: &str, extra: &[(&str, &str)]) -> String {
    let mut config: Value = serde_yaml_ng::from_str(BASE).unwrap();
    for (k, v) in extra {
        set(&mut config, k, serde_yaml_ng::from_str(v).unwrap());
    }
    set(&mut config, path, Value::String(value.to_string()));
    serde_yaml_ng::to_string(&config).unwrap()
}

/// The resolver's errors about `path` (or below it).
fn errors_at(config: &str, path: &str) -> Vec<String> {
    let (_, results) = generate_from_file(config, "config.yaml", None);
    results
        .iter()
        .filter(|r| r.severity == Severity::Error)
        .filter(|r| r.field.as_ref().is_some_and(|f| f.path == path || f.path.starts_with(&format!("{path}."))))
        .map(|r| r.human_line())
        .collect()
}

fn property<'a>(schema: &'a Json, def: &str, name: &str) -> &'a Json {
    let p = &schema["$defs"][def]["properties"][name];
    assert!(p.is_object(), "no property {def}.{name}");
    p
}

/// A pattern's case: schema def, property, config path, extra fields, accepted value, refused value.
type Case<'a> = (&'a str, &'a str, &'a str, &'a [(&'a str, &'a str)], &'a str, &'a str);

#[test]
fn each_pattern_accepts_what_the_resolver_accepts_and_refuses_what_it_refuses() {
    let schema = json_schema();
    let kubernetes: &[(&str, &str)] = &[("spec.spokes.0.type", "kubernetes")];
    let hosted: &[(&str, &str)] =
        &[("spec.spokes.0.type", "hosted"), ("spec.spokes.0.hostedCluster", "{name: h, namespace: clusters}")];
    let eks: &[(&str, &str)] = &[("spec.spokes.0.type", "eks")];
    // The archive's fields are read (and checked) only with method archive.
    let archive: &[(&str, &str)] = &[("spec.management.execAuth.method", "archive")];
    const CA: &str = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJsRENDQVR1Z0F3SUJBZ0lVVjZ1K20rOERDeHBqYXJKMVd0bjUvK3RlYlk4d0NnWUlLb1pJemowRUF3SXcKSHpFZE1Cc0dBMVVFQXd3VVpYaGhiWEJzWlNCemNHOXJaU0JoY0drZ1EwRXdJQmNOTWpZeE1USTRNakl3TWpFMQpXaGdQTWpFeU5qRXhNRFF5TWpBeU1UVmFNQjh4SFRBYkJnTlZCQU1NRkdWNFlXMXdiR1VnYzNCdmEyVWdZWEJwCklFTkJNRmt3RXdZSEtvWkl6ajBDQVFZSUtvWkl6ajBEQVFjRFFnQUVJcmszRFgyV05jQUtpck5BNjJlRnh5V3QKNTJnK2JhTE90RE5pRGJPYnFya3QyTjh3bEN0dzNjZTZxdWhGZ0syaWNHaHpuZDZmWTdtaW16QW5NbjVuc0tOVApNRkV3SFFZRFZSME9CQllFRk5yVVhaODBiTEs0WjRYSGYvaHNwTDMyM1ZvY01COEdBMVVkSXdRWU1CYUFGTnJVClhaODBiTEs0WjRYSGYvaHNwTDMyM1ZvY01BOEdBMVVkRXdFQi93UUZNQU1CQWY4d0NnWUlLb1pJemowRUF3SUQKUndBd1JBSWdUdFZVWWxYb1VkMVZZMnUybUh1OUhjL0xSUkxLQXFIdHZwRGl6ZklBc3pJQ0lDOE0zczU5SlFUbQpiYkFNK0F3bkJOem5ia3d4Tm9NbFhCVVlCR2VaUXZHawotLS0tLUVORCBDRVJUSUZJQ0FURS0tLS0tCg==";
    const PEM: &str = "-----BEGIN CERTIFICATE-----\nMIIBkjCCATegAwIBAgIUL0pwfkQc+oPriJ2v3VYrjpWweG4wCgYIKoZIzj0EAwIw\n-----END CERTIFICATE-----\n";
    // (schema def, property, config path, extra spoke fields, accepted value, refused value)
    let cases: &[Case] = &[
        ("Spec", "appDomain", "spec.appDomain", &[], "apps.mgmt.example.com", "Apps.example.com"),
        ("Spec", "trustDomain", "spec.trustDomain", &[], "mgmt.example.com", "spiffe://mgmt"),
        ("Ztwim", "namespace", "spec.management.ztwim.namespace", &[], "ztwim", "ZTWIM"),
        ("Ztwim", "clusterName", "spec.management.ztwim.clusterName", &[], "mgmt.example", "mgmt_1"),
        ("Ztwim", "source", "spec.management.ztwim.source", &[], "cs-redhat-operator-index-v4-20", "Red_Hat"),
        ("Ztwim", "sourceNamespace", "spec.management.ztwim.sourceNamespace", &[], "openshift-marketplace", "a.b"),
        ("Gitops", "source", "spec.management.gitops.source", &[], "mirror.operators", "-mirror"),
        ("Gitops", "sourceNamespace", "spec.management.gitops.sourceNamespace", &[], "mirror", "Mirror"),
        (
            "Ztwim",
            "jwtIssuer",
            "spec.management.ztwim.jwtIssuer",
            &[],
            "https://oidc.example.com",
            "https://oidc.example.com/",
        ),
        ("Gitops", "namespace", "spec.management.gitops.namespace", &[], "fleet-gitops", "fleet_gitops"),
        ("Gitops", "name", "spec.management.gitops.name", &[], "fleet", "-fleet"),
        ("Gitops", "host", "spec.management.gitops.host", &[], "argocd.example.com", "https://argocd.example.com"),
        ("ExecAuth", "version", "spec.management.execAuth.version", archive, "v0.0.8", "0.0.8"),
        (
            "ExecAuth",
            "sha256",
            "spec.management.execAuth.sha256",
            archive,
            "3F1C2E9A8B7D6C5E4F3A2B1C0D9E8F7A6B5C4D3E2F1A0B9C8D7E6F5A4B3C2D1E",
            "abc",
        ),
        ("ExecAuth", "image", "spec.management.execAuth.image", archive, "quay.io/x/ubi:9", "quay.io/x ubi"),
        ("ExecAuth", "copierImage", "spec.management.execAuth.copierImage", &[], "quay.io/x/z:1", "quay.io/x z"),
        ("ExecAuth", "binDir", "spec.management.execAuth.binDir", &[], "/opt/spiffe/bin", "opt/spiffe/bin"),
        ("ExecAuth", "socketDir", "spec.management.execAuth.socketDir", &[], "/run/spiffe", "run/spiffe"),
        ("Spoke", "name", "spec.spokes.0.name", &[], "spoke-a", "Spoke-A"),
        (
            "Spoke",
            "server",
            "spec.spokes.0.server",
            &[],
            "https://API.spoke.example.com:6443/",
            "http://api.spoke.example.com",
        ),
        ("Spoke", "openshiftVersion", "spec.spokes.0.openshiftVersion", &[], "4.21", "4.20.1"),
        ("Spoke", "kubernetesVersion", "spec.spokes.0.kubernetesVersion", kubernetes, "1.34", "v1.34"),
        ("HostedClusterRef", "name", "spec.spokes.0.hostedCluster.name", hosted, "spoke-h", "spoke_h"),
        ("HostedClusterRef", "namespace", "spec.spokes.0.hostedCluster.namespace", hosted, "clusters", "Clusters"),
        ("EksCluster", "clusterName", "spec.spokes.0.eks.clusterName", eks, "Prod_EU-1", "-prod"),
        ("EksCluster", "namespace", "spec.spokes.0.eks.namespace", eks, "ack-system", "ack_system"),
        ("Spoke", "caData", "spec.spokes.0.caData", &[], CA, "not base64!"),
        ("Spoke", "issuerCA", "spec.spokes.0.issuerCA", &[], PEM, "MIIBkjCCATegAwIBAgIU"),
        ("Spoke", "oidcProviderName", "spec.spokes.0.oidcProviderName", &[], "ztwim-oidc", "-oidc"),
        ("Spoke", "project", "spec.spokes.0.project", &[], "team.a", "Team-A"),
        ("Spec", "audience", "spec.audience", &[], "https://argocd.example.com", "argo cd"),
        ("Spoke", "audience", "spec.spokes.0.audience", &[], "sts.amazonaws.com", "spoke-a\nerror: x"),
        ("Application", "name", "spec.applications.0.name", &[], "guestbook", "guest_book"),
        ("Application", "namespace", "spec.applications.0.namespace", &[], "guestbook", "GuestBook"),
    ];
    for &(def, name, path, extra, good, bad) in cases {
        let pattern =
            property(&schema, def, name)["pattern"].as_str().unwrap_or_else(|| panic!("{def}.{name} has no pattern"));
        let re = regex::Regex::new(pattern).unwrap();
        assert!(re.is_match(good), "{def}.{name}: `{pattern}` refuses `{good}`, which a run accepts");
        assert!(!re.is_match(bad), "{def}.{name}: `{pattern}` accepts `{bad}`, which a run refuses");
        let accepted = errors_at(&config_with(path, good, extra), path);
        assert!(accepted.is_empty(), "{path}: `{good}` should be accepted: {accepted:?}");
        let refused = errors_at(&config_with(path, bad, extra), path);
        assert!(!refused.is_empty(), "{path}: `{bad}` should be refused");
    }
    // The ConfigMap form's keys check what their fields check.
    let data = &schema["$defs"]["ConfigMap"]["properties"]["data"]["properties"];
    for (key, def, name) in
        [("appDomain", "Spec", "appDomain"), ("spokeServer", "Spoke", "server"), ("caData", "Spoke", "caData")]
    {
        assert_eq!(data[key]["pattern"], property(&schema, def, name)["pattern"], "data.{key}");
    }
    // The list items of `namespaces` carry the label pattern.
    let items = &property(&schema, "Spoke", "namespaces")["items"]["pattern"];
    assert_eq!(items.as_str(), Some(ztwim_gitops::config::syntax::DNS_LABEL_PATTERN));
}

/// Every property of every `$defs` entry, both forms, with the name of the entry.
fn structured_properties(schema: &Json) -> Vec<(String, String, Json)> {
    let mut out = Vec::new();
    for (def, body) in schema["$defs"].as_object().unwrap() {
        for (name, property) in body["properties"].as_object().into_iter().flatten() {
            out.push((def.clone(), name.clone(), property.clone()));
        }
    }
    // The ConfigMap form's keys, one level down.
    for (name, property) in schema["$defs"]["ConfigMap"]["properties"]["data"]["properties"].as_object().unwrap() {
        out.push(("ConfigMap.data".into(), name.clone(), property.clone()));
    }
    out
}

#[test]
fn every_property_has_a_description_and_an_example() {
    let schema = json_schema();
    let properties = structured_properties(&schema);
    assert!(properties.len() > 60, "{}", properties.len());
    for (def, name, property) in properties {
        let description = property["description"].as_str().unwrap_or_default();
        assert!(!description.is_empty(), "{def}.{name} has no description");
        let examples = property["examples"].as_array().map(Vec::len).unwrap_or_default();
        assert!(examples > 0, "{def}.{name} has no example");
    }
}

/// Each example is itself valid for its property: the whole schema accepts a config using all of them.
#[test]
fn examples_match_their_patterns() {
    let schema = json_schema();
    for (def, name, property) in structured_properties(&schema) {
        let Some(pattern) = property["pattern"].as_str() else { continue };
        let re = regex::Regex::new(pattern).unwrap();
        for example in property["examples"].as_array().into_iter().flatten() {
            let example = example.as_str().unwrap_or_else(|| panic!("{def}.{name}: {example} is not a string"));
            assert!(re.is_match(example), "{def}.{name}: example `{example}` does not match `{pattern}`");
        }
    }
}

/// A required property with a default would tell an editor both "you must write this" and "you may
/// leave it out".
#[test]
fn no_required_property_has_a_default() {
    let schema = json_schema();
    for (def, body) in schema["$defs"].as_object().unwrap() {
        for required in body["required"].as_array().into_iter().flatten() {
            let name = required.as_str().unwrap();
            let property = &body["properties"][name];
            assert!(property.get("default").is_none(), "{def}.{name} is required and has a default: {property}");
        }
    }
    let spoke = &schema["$defs"]["Spoke"];
    assert!(spoke["required"].as_array().unwrap().contains(&Json::from("server")));
}

/// The shipped configs, which a run accepts, pass the schema: an editor never flags them.
#[test]
fn every_shipped_config_passes_the_schema() {
    let validator = jsonschema::validator_for(&json_schema()).expect("a valid JSON Schema");
    let root = std::path::Path::new(crate::support::ROOT);
    let configs = [
        "fn-config/minimal.yaml",
        "fn-config/fleet.yaml",
        "fn-config/configmap.yaml",
        "examples/applicationset/ztwim-gitops.yaml",
        "examples/ci-pipe/ztwim-gitops.yaml",
        "examples/kpt-package/ztwim-gitops.yaml",
        "examples/kustomize-generator/ztwim-gitops.yaml",
        "examples/kustomize-transformer-with-base/ztwim-gitops.yaml",
        "examples/kustomize-two-clusters/base/ztwim-gitops.yaml",
        "examples/mixed-fleet/ztwim-gitops.yaml",
    ];
    for config in configs {
        let text = std::fs::read_to_string(root.join(config)).unwrap();
        let value: Json = serde_json::to_value(serde_yaml_ng::from_str::<Value>(&text).unwrap()).unwrap();
        let errors: Vec<String> = validator.iter_errors(&value).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{config}: {errors:?}");
        let (_, results) = generate_from_file(&text, config, None);
        assert!(results.iter().all(|r| r.severity != Severity::Error), "{config}: a run refuses it");
    }
}
