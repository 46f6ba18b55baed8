//! One `argoproj.io/v1alpha1` Application per `applications[]` entry, addressed to its spoke by cluster
//! name (the cluster Secret's `name`), so it cannot disagree with the Secret's `server`; and with
//! `management.bootstrap`, the Applications that keep the generated manifests themselves in sync: the
//! management directory to the management cluster, each spoke's directory to that spoke. Those never
//! prune (losing an operator or a spoke's Authentication to a bad commit would lock Argo CD out) but heal.

use super::{meta, Cr, Crd, Output, Wave};
use crate::model::{Application, BootstrapApp, Cluster, Model};
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
    #[serde(skip_serializing_if = "Option::is_none")]
    directory: Option<Directory>,
}

#[derive(Serialize)]
struct Directory {
    exclude: &'static str,
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

/// By cluster name (a spoke's cluster Secret) or, for the management cluster itself, by server.
#[derive(Serialize)]
struct Destination<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    server: Option<&'static str>,
    #[serde(skip_serializing_if = "str::is_empty")]
    namespace: &'a str,
}

/// The management cluster as Argo CD's in-cluster destination.
const IN_CLUSTER: &str = "https://kubernetes.default.svc";

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
                directory: None,
            },
            destination: Destination { name: Some(&app.spoke), server: None, namespace: &app.namespace },
            sync_policy: app.automated.then(|| SyncPolicy {
                automated: Automated { prune: true, self_heal: true },
                sync_options: if app.create_namespace { vec!["CreateNamespace=true"] } else { vec![] },
            }),
        },
    }
}

fn bootstrap<'a>(model: &Model, app: &'a BootstrapApp) -> Cr<Spec<'a>> {
    Cr {
        api_version: "argoproj.io/v1alpha1",
        kind: "Application",
        metadata: meta(&app.name, Some(&model.gitops.namespace), Wave::ArgoObjects, Crd::FromOlm),
        spec: Spec {
            project: "default",
            source: Source {
                repo_url: &app.repo_url,
                path: &app.path,
                target_revision: &app.target_revision,
                helm: None,
                directory: app.exclude.map(|exclude| Directory { exclude }),
            },
            destination: match &app.spoke {
                Some(spoke) => Destination { name: Some(spoke), server: None, namespace: "" },
                None => Destination { name: None, server: Some(IN_CLUSTER), namespace: "" },
            },
            sync_policy: Some(SyncPolicy {
                automated: Automated { prune: false, self_heal: true },
                sync_options: Vec::new(),
            }),
        },
    }
}

pub(super) fn generate(model: &Model, out: &mut Output) {
    for app in &model.applications {
        out.push(&Cluster::Management, &application(model, app));
    }
    for app in &model.gitops.bootstrap {
        out.push(&Cluster::Management, &bootstrap(model, app));
    }
}
