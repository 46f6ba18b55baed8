//! `ztwim-gitops images`: what a disconnected hub must mirror for the generated output, read from the
//! generated objects themselves (every container of every object, every OLM Subscription), so it cannot
//! drift from what `generate` writes.

use crate::api::olm::Subscription;
use crate::generate::Manifest;
use crate::yaml::Tree;
use serde::Serialize;
use serde_yaml_ng::Value;
use std::collections::BTreeSet;

/// Every image a container or init container of the output names, sorted, each once. Images are found
/// in any `containers` or `initContainers` list at any depth (a Deployment's pod template, the ArgoCD
/// CR's `controller.initContainers`, anything `argocdSpec` adds).
pub fn images(manifests: &[Manifest]) -> Vec<String> {
    fn walk(value: &Value, out: &mut BTreeSet<String>) {
        match value {
            Value::Mapping(map) => {
                for (key, child) in map {
                    if matches!(key.as_str(), Some("containers" | "initContainers")) {
                        let images = child.as_sequence().into_iter().flatten().filter_map(|c| c.get("image"));
                        out.extend(images.filter_map(Value::as_str).map(str::to_string));
                    }
                    walk(child, out);
                }
            }
            Value::Sequence(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    for m in manifests {
        walk(&m.value(), &mut out);
    }
    out.into_iter().collect()
}

/// An OLM operator the output subscribes to: its package, channel and CatalogSource name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Operator {
    pub source: String,
    pub package: String,
    pub channel: String,
}

/// The operators of the output's `operators.coreos.com` Subscriptions, sorted.
pub fn operators(manifests: &[Manifest]) -> Vec<Operator> {
    let field = |spec: &Tree, key: &str| spec.get(key).and_then(Tree::as_str).unwrap_or_default().to_string();
    let mut out: Vec<Operator> = manifests
        .iter()
        .filter(|m| m.is::<Subscription>())
        .filter_map(|m| m.object.get("spec"))
        .map(|spec| Operator {
            source: field(spec, "source"),
            package: field(spec, "name"),
            channel: field(spec, "channel"),
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// oc-mirror v2's `ImageSetConfiguration`, only the fields written here (openshift/oc-mirror
/// v2/internal/pkg/api/v2alpha1/type_config.go@1b883496 and type_config_include.go@35c930bb).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ImageSetConfiguration {
    api_version: &'static str,
    kind: &'static str,
    mirror: Mirror,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Mirror {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    operators: Vec<CatalogEntry>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    additional_images: Vec<Named>,
}

#[derive(Serialize)]
struct CatalogEntry {
    catalog: String,
    packages: Vec<Package>,
}

#[derive(Serialize)]
struct Package {
    name: String,
    channels: Vec<Named>,
}

#[derive(Serialize)]
struct Named {
    name: String,
}

/// The `ImageSetConfiguration` for `oc-mirror --v2`: the operators from `catalog` (the catalog image,
/// e.g. `registry.redhat.io/redhat/redhat-operator-index:v4.20`) with the channels subscribed to, and the
/// images of the output as `additionalImages`. An error naming `--catalog` when the output subscribes to
/// operators and no catalog image is given.
pub fn oc_mirror(manifests: &[Manifest], catalog: Option<&str>) -> Result<String, String> {
    let operators = operators(manifests);
    let mut packages: Vec<Package> = Vec::new();
    for op in &operators {
        match packages.last_mut() {
            Some(last) if last.name == op.package => last.channels.push(Named { name: op.channel.clone() }),
            _ => {
                packages.push(Package { name: op.package.clone(), channels: vec![Named { name: op.channel.clone() }] })
            }
        }
    }
    let operators = match (packages.is_empty(), catalog) {
        (true, _) => Vec::new(),
        (false, Some(catalog)) => vec![CatalogEntry { catalog: catalog.to_string(), packages }],
        (false, None) => {
            let names: Vec<&str> = operators.iter().map(|o| o.package.as_str()).collect();
            return Err(format!(
                "the output subscribes to {} from an OLM catalog; name the catalog image to mirror them from with \
                 --catalog, e.g. `--catalog registry.redhat.io/redhat/redhat-operator-index:v4.20` (the hub's \
                 OpenShift version).",
                names.join(" and ")
            ));
        }
    };
    let config = ImageSetConfiguration {
        api_version: "mirror.openshift.io/v2alpha1",
        kind: "ImageSetConfiguration",
        mirror: Mirror {
            operators,
            additional_images: images(manifests).into_iter().map(|name| Named { name }).collect(),
        },
    };
    Ok(crate::yaml::to_string_of(&config))
}
