//! One `argoproj.io/v1alpha1` Application per `applications[]` entry, addressed to its spoke by cluster
//! name (the cluster Secret's `name`), so it cannot disagree with the Secret's `server`.

use super::{meta, Cr, Crd, Output, Wave};
use crate::model::{Application, Cluster, Model};
use serde::Serialize;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Spec<'a> {
    project: &'a str,
    source: Source<'a>,
    destination: Destination<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sync_policy: Option<SyncPolicy>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Source<'a> {
    #[serde(rename = "repoURL")]
    repo_url: &'a str,
    path: &'a str,
    target_revision: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    helm: Option<Helm<'a>>,
}

#[derive(Serialize)]
struct Helm<'a> {
    parameters: Vec<Parameter<'a>>,
}

#[derive(Serialize)]
struct Parameter<'a> {
    name: &'a str,
    value: &'a str,
}

#[derive(Serialize)]
struct Destination<'a> {
    name: &'a str,
    namespace: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SyncPolicy {
    automated: Automated,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    sync_options: Vec<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Automated {
    prune: bool,
    self_heal: bool,
}

fn application<'a>(model: &Model, app: &'a Application) -> Cr<Spec<'a>> {
    let parameters: Vec<Parameter> =
        app.helm_parameters.iter().map(|(name, value)| Parameter { name, value }).collect();
    Cr {
        api_version: "argoproj.io/v1alpha1",
        kind: "Application",
        metadata: meta(&app.name, Some(&model.gitops.namespace), Wave::ArgoObjects, Crd::FromOlm),
        spec: Spec {
            project: &app.project,
            source: Source {
                repo_url: &app.repo_url,
                path: &app.path,
                target_revision: &app.target_revision,
                helm: (!parameters.is_empty()).then_some(Helm { parameters }),
            },
            destination: Destination { name: &app.spoke, namespace: &app.namespace },
            sync_policy: app.automated.then(|| SyncPolicy {
                automated: Automated { prune: true, self_heal: true },
                sync_options: if app.create_namespace { vec!["CreateNamespace=true"] } else { vec![] },
            }),
        },
    }
}

pub(super) fn generate(model: &Model, out: &mut Output) {
    for app in &model.applications {
        out.push(&Cluster::Management, &application(model, app));
    }
}
