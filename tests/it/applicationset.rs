//! ApplicationSet cluster generators select spokes by the standard labels of their cluster Secrets:
//! `examples/applicationset`'s selectors, evaluated as Kubernetes evaluates a LabelSelector against the
//! Secrets generated for its fleet, pick exactly the spokes its README and comments promise.
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use serde::Deserialize;
use serde_yaml_ng::Value;
use std::collections::BTreeMap;
use ztwim_gitops::diag::Severity;
use ztwim_gitops::model::Cluster;
use ztwim_gitops::pipeline;

use crate::support::read;

/// Kubernetes LabelSelector semantics (apimachinery `LabelSelectorAsSelector`): every matchLabels pair
/// and every matchExpressions requirement must hold; an empty selector matches everything.
fn matches(selector: &LabelSelector, labels: &BTreeMap<String, String>) -> bool {
    let pairs = selector.match_labels.iter().flatten().all(|(k, v)| labels.get(k) == Some(v));
    let expressions = selector.match_expressions.iter().flatten().all(|e| {
        let values = e.values.clone().unwrap_or_default();
        let value = labels.get(&e.key);
        match e.operator.as_str() {
            "In" => value.is_some_and(|v| values.contains(v)),
            "NotIn" => value.is_none_or(|v| !values.contains(v)),
            "Exists" => value.is_some(),
            "DoesNotExist" => value.is_none(),
            other => panic!("{other} is not a LabelSelector operator"),
        }
    });
    pairs && expressions
}

/// The cluster Secrets generated for the example's fleet: spoke name (the Secret's `name` key) → labels.
fn cluster_secrets(config: &str) -> BTreeMap<String, BTreeMap<String, String>> {
    let (manifests, results) = pipeline::generate_from_file(config, "ztwim-gitops.yaml", Some("management"));
    let errors: Vec<_> = results.iter().filter(|r| r.severity == Severity::Error).map(|r| r.human_line()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    manifests
        .iter()
        .filter(|m| m.cluster == Cluster::Management && m.value()["kind"] == "Secret")
        .filter(|m| m.value()["metadata"]["labels"]["argocd.argoproj.io/secret-type"] == "cluster")
        .map(|m| {
            let name = m.value()["stringData"]["name"].as_str().expect("cluster name").to_string();
            (name, serde_yaml_ng::from_value(m.value()["metadata"]["labels"].clone()).expect("labels"))
        })
        .collect()
}

/// Each ApplicationSet's spokes: the union of its cluster generators' selections.
fn selected(
    applicationsets: &str,
    secrets: &BTreeMap<String, BTreeMap<String, String>>,
) -> BTreeMap<String, Vec<String>> {
    serde_yaml_ng::Deserializer::from_str(applicationsets)
        .map(|doc| {
            let appset = Value::deserialize(doc).expect("YAML");
            let name = appset["metadata"]["name"].as_str().expect("name").to_string();
            let selectors: Vec<LabelSelector> = appset["spec"]["generators"]
                .as_sequence()
                .expect("generators")
                .iter()
                .map(|g| serde_yaml_ng::from_value(g["clusters"]["selector"].clone()).expect("a LabelSelector"))
                .collect();
            let spokes = secrets
                .iter()
                .filter(|(_, labels)| selectors.iter().any(|s| matches(s, labels)))
                .map(|(spoke, _)| spoke.clone())
                .collect();
            (name, spokes)
        })
        .collect()
}

#[test]
fn example_selectors_pick_exactly_the_promised_spokes() {
    let secrets = cluster_secrets(&read("examples/applicationset/ztwim-gitops.yaml"));
    assert_eq!(secrets.len(), 6, "one cluster Secret per spoke: {secrets:#?}");
    let got = selected(&read("examples/applicationset/applicationset.yaml"), &secrets);
    let want = BTreeMap::from([
        ("openshift-4-20-monitoring".to_string(), vec!["prod-a".to_string(), "staging".to_string()]),
        ("prod-baseline".to_string(), vec!["kind".into(), "prod-a".into(), "prod-b".into()]),
    ]);
    assert_eq!(got, want);
}

#[test]
fn standard_labels_say_what_the_model_knows() {
    let secrets = cluster_secrets(&read("examples/applicationset/ztwim-gitops.yaml"));
    let label = |spoke: &str, key: &str| secrets[spoke].get(key).cloned();
    for (spoke, labels) in &secrets {
        assert_eq!(labels.get("ztwim-gitops.dev/spoke"), Some(spoke), "{spoke}");
        assert_eq!(labels.get("app.kubernetes.io/managed-by").map(String::as_str), Some("ztwim-gitops"), "{spoke}");
    }
    assert_eq!(label("legacy", "ztwim-gitops.dev/openshift-version").as_deref(), Some("4.19"));
    assert_eq!(label("hosted", "ztwim-gitops.dev/kind").as_deref(), Some("hosted"));
    // A hosted spoke's version is not in the config: no label claims one.
    assert_eq!(label("hosted", "ztwim-gitops.dev/openshift-version"), None);
    assert_eq!(label("kind", "ztwim-gitops.dev/kubernetes-version").as_deref(), Some("1.34"));
    assert_eq!(label("kind", "ztwim-gitops.dev/kind").as_deref(), Some("kubernetes"));
    // The user's labels are kept next to the standard ones.
    assert_eq!(label("prod-b", "environment").as_deref(), Some("prod"));
}

#[test]
fn versions_are_labelled_without_leading_zeros() {
    let config = read("examples/applicationset/ztwim-gitops.yaml").replace("\"4.21\"", "\"04.021\"");
    let secrets = cluster_secrets(&config);
    assert_eq!(secrets["prod-b"]["ztwim-gitops.dev/openshift-version"], "4.21");
}

/// The evaluator itself, on the operators the example does not use, so a broken one cannot pass.
#[test]
fn selector_evaluation_follows_kubernetes() {
    let labels = BTreeMap::from([("a".to_string(), "1".to_string())]);
    let selector = |yaml: &str| -> LabelSelector { serde_yaml_ng::from_str(yaml).unwrap() };
    assert!(matches(&selector("{}"), &labels));
    assert!(matches(&selector("matchLabels: {a: '1'}"), &labels));
    assert!(!matches(&selector("matchLabels: {a: '2'}"), &labels));
    assert!(!matches(&selector("matchLabels: {a: '1', b: '1'}"), &labels));
    assert!(matches(&selector("matchExpressions: [{key: b, operator: DoesNotExist}]"), &labels));
    assert!(!matches(&selector("matchExpressions: [{key: a, operator: DoesNotExist}]"), &labels));
    assert!(matches(&selector("matchExpressions: [{key: b, operator: NotIn, values: ['1']}]"), &labels));
    assert!(!matches(&selector("matchExpressions: [{key: a, operator: NotIn, values: ['1']}]"), &labels));
    assert!(!matches(&selector("matchExpressions: [{key: b, operator: In, values: ['1']}]"), &labels));
}

#[test]
fn a_user_label_cannot_claim_a_standard_one() {
    for key in ["ztwim-gitops.dev/openshift-version", "ztwim-gitops.dev/anything", "app.kubernetes.io/managed-by"] {
        let config = read("examples/applicationset/ztwim-gitops.yaml").replace(
            "labels: {environment: staging}\n  - name: legacy",
            &format!("labels: {{\"{key}\": x}}\n  - name: legacy"),
        );
        let (_, results) = pipeline::generate_from_file(&config, "ztwim-gitops.yaml", None);
        let path = format!("spec.spokes.2.labels.{key}");
        let error = results
            .iter()
            .find(|r| r.severity == Severity::Error && r.field.as_ref().is_some_and(|f| f.path == path))
            .unwrap_or_else(|| panic!("no error at {path}: {results:#?}"));
        assert!(error.message.contains("remove it"), "{}", error.message);
    }
}
