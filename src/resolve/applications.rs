//! `spec.applications`: Argo CD Applications addressed to a spoke by its cluster name.

use crate::config::syntax::{is_dns_label, LABEL_RULE};
use crate::config::Spec;
use crate::diag::Diagnostics;
use crate::model::Application;
use std::collections::BTreeMap;

pub(super) fn resolve(spec: &Spec, d: &mut Diagnostics) -> Option<Vec<Application>> {
    let mut names: BTreeMap<&str, usize> = BTreeMap::new();
    let mut ok = true;
    for (i, app) in spec.applications.iter().enumerate() {
        let p = format!("spec.applications.{i}");
        let mut errors = Diagnostics::default();
        let required: [(&str, &str, &str); 4] = [
            ("name", &app.name, "e.g. `guestbook`"),
            ("spoke", &app.spoke, "the name of the spoke it deploys to"),
            ("namespace", &app.namespace, "the destination namespace on the spoke"),
            ("repoURL", &app.repo_url, "the Git or Helm repository URL"),
        ];
        for (field, value, hint) in required {
            if value.is_empty() {
                errors.error(format!("{p}.{field}"), format!("{field} is required: {hint}."));
            }
        }
        if !app.name.is_empty() {
            if !is_dns_label(&app.name) {
                errors.error(
                    format!("{p}.name"),
                    format!(
                        "name `{}` is not a DNS-1123 label (Argo CD puts it in a label value); {LABEL_RULE}.",
                        app.name
                    ),
                );
            } else if let Some(&first) = names.get(app.name.as_str()) {
                errors.error(
                    format!("{p}.name"),
                    format!(
                        "name `{}` is already used by spec.applications.{first}; Application names must be unique.",
                        app.name
                    ),
                );
            } else {
                names.insert(&app.name, i);
            }
        }
        destination(spec, app, &p, &mut errors);
        if app.project.is_empty() {
            errors.error(format!("{p}.project"), "project must not be empty; use `default` or an AppProject name.");
        }
        ok &= !errors.has_errors();
        d.extend(errors);
    }
    ok.then(|| {
        spec.applications
            .iter()
            .map(|app| Application {
                name: app.name.clone(),
                spoke: app.spoke.clone(),
                namespace: app.namespace.clone(),
                project: app.project.clone(),
                repo_url: app.repo_url.clone(),
                path: app.path.clone(),
                target_revision: app.target_revision.clone(),
                helm_parameters: app.helm_parameters.iter().map(|(k, v)| (k.clone(), v.0.clone())).collect(),
                automated: app.automated,
                create_namespace: app.automated
                    && spec.spokes.iter().any(|s| s.name == app.spoke && s.namespaces.is_empty()),
            })
            .collect()
    })
}

fn destination(spec: &Spec, app: &crate::config::Application, p: &str, d: &mut Diagnostics) {
    if !app.namespace.is_empty() && !is_dns_label(&app.namespace) {
        d.error(
            format!("{p}.namespace"),
            format!("namespace `{}` is not a DNS-1123 label; {LABEL_RULE}.", app.namespace),
        );
    }
    if app.spoke.is_empty() {
        return;
    }
    let Some(spoke) = spec.spokes.iter().find(|s| s.name == app.spoke) else {
        let known = super::spoke_names(spec);
        d.error(
            format!("{p}.spoke"),
            format!(
                "spoke `{}` is not in spec.spokes; use one of: {}.",
                app.spoke,
                if known.is_empty() { "(no spokes configured)".into() } else { known.join(", ") }
            ),
        );
        return;
    };
    if !spoke.namespaces.is_empty() && !app.namespace.is_empty() && !spoke.namespaces.contains(&app.namespace) {
        d.error(
            format!("{p}.namespace"),
            format!(
                "namespace `{}` is not managed on spoke `{}`, which is limited to {}; add it to that spoke's namespaces or deploy to one of them.",
                app.namespace,
                spoke.name,
                spoke.namespaces.join(", ")
            ),
        );
    }
}
