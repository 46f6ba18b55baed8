//! Argo CD's `argoproj.io/v1alpha1` `Application` (CRD in `../shared/crds/argo-cd/application-crd.yaml`),
//! the fields ztwim-gitops writes; and the two other Argo CD kinds `import` recognises in an old
//! instance, `AppProject` and `ApplicationSet`, which it carries verbatim or only names, so their specs
//! stay untyped. Fields not listed are ignored on reading.

use super::{custom_resource, Object};
use serde::{Deserialize, Serialize};

pub type Application = Object<ApplicationSpec>;
pub type AppProject = Object<AppProjectSpec>;
pub type ApplicationSet = Object<ApplicationSetSpec>;
custom_resource!(ApplicationSpec, "argoproj.io", "v1alpha1", "Application", "applications", NamespaceResourceScope);
custom_resource!(AppProjectSpec, "argoproj.io", "v1alpha1", "AppProject", "appprojects", NamespaceResourceScope);
custom_resource!(
    ApplicationSetSpec,
    "argoproj.io",
    "v1alpha1",
    "ApplicationSet",
    "applicationsets",
    NamespaceResourceScope
);

/// `AppProject.spec`, as the user wrote it.
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
#[serde(transparent)]
pub struct AppProjectSpec(pub serde_json::Value);

/// `ApplicationSet.spec`, as the user wrote it.
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
#[serde(transparent)]
pub struct ApplicationSetSpec(pub serde_json::Value);

#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct ApplicationSpec {
    pub project: String,
    pub source: Source,
    pub destination: Destination,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sync_policy: Option<SyncPolicy>,
}

#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct Source {
    #[serde(rename = "repoURL")]
    pub repo_url: String,
    pub path: String,
    pub target_revision: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub helm: Option<Helm>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub directory: Option<Directory>,
}

#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
#[serde(default)]
pub struct Directory {
    pub exclude: String,
}

#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
#[serde(default)]
pub struct Helm {
    pub parameters: Vec<Parameter>,
}

#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
#[serde(default)]
pub struct Parameter {
    pub name: String,
    pub value: String,
}

/// By cluster name (a cluster Secret's `name`) or by server URL.
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
#[serde(default)]
pub struct Destination {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub namespace: String,
}

#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct SyncPolicy {
    pub automated: Automated,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sync_options: Vec<String>,
}

#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct Automated {
    pub prune: bool,
    pub self_heal: bool,
}
