//! One `argoproj.io/v1alpha1` Application per `applications[]` entry, addressed to its spoke by cluster
//! name (the cluster Secret's `name`), so it cannot disagree with the Secret's `server`; and with
//! `management.bootstrap`, the Applications that keep the generated manifests themselves in sync: the
//! management directory to the management cluster, each spoke's directory to that spoke. Those never
//! prune (losing an operator or a spoke's Authentication to a bad commit would lock Argo CD out) but heal.

use super::{meta, Crd, Output, Wave};
use crate::api::application::{
    Application as ArgoApplication, ApplicationSpec, Automated, Destination, Directory, Helm, Parameter, Source,
    SyncPolicy,
};
use crate::api::argocd_cluster::IN_CLUSTER_SERVER;
use crate::model::{Application, BootstrapApp, Cluster, Model};

fn application(model: &Model, app: &Application) -> ArgoApplication {
    let parameters: Vec<Parameter> = app
        .helm_parameters
        .iter()
        .map(|(name, value)| Parameter { name: name.clone(), value: value.clone() })
        .collect();
    ArgoApplication::new(
        meta(&app.name, Some(&model.gitops.namespace), Wave::ArgoObjects, Crd::FromOlm),
        ApplicationSpec {
            project: app.project.clone(),
            source: Source {
                repo_url: app.repo_url.clone(),
                path: app.path.clone(),
                target_revision: app.target_revision.clone(),
                helm: (!parameters.is_empty()).then_some(Helm { parameters }),
                directory: None,
            },
            destination: Destination { name: Some(app.spoke.clone()), server: None, namespace: app.namespace.clone() },
            sync_policy: app.automated.then(|| SyncPolicy {
                automated: Automated { prune: true, self_heal: true },
                sync_options: if app.create_namespace { vec!["CreateNamespace=true".into()] } else { vec![] },
            }),
        },
    )
}

fn bootstrap(model: &Model, app: &BootstrapApp) -> ArgoApplication {
    ArgoApplication::new(
        meta(&app.name, Some(&model.gitops.namespace), Wave::ArgoObjects, Crd::FromOlm),
        ApplicationSpec {
            project: "default".into(),
            source: Source {
                repo_url: app.repo_url.clone(),
                path: app.path.clone(),
                target_revision: app.target_revision.clone(),
                helm: None,
                directory: app.exclude.map(|exclude| Directory { exclude: exclude.into() }),
            },
            destination: match &app.spoke {
                Some(spoke) => Destination { name: Some(spoke.clone()), server: None, namespace: String::new() },
                None => Destination { name: None, server: Some(IN_CLUSTER_SERVER.into()), namespace: String::new() },
            },
            sync_policy: Some(SyncPolicy {
                automated: Automated { prune: false, self_heal: true },
                sync_options: Vec::new(),
            }),
        },
    )
}

pub(super) fn generate(model: &Model, out: &mut Output) {
    for app in &model.applications {
        out.push(&Cluster::Management, &application(model, app));
    }
    for app in &model.gitops.bootstrap {
        out.push(&Cluster::Management, &bootstrap(model, app));
    }
}
