//! Stage 4½: lints of the generated output against what the config asked for. A lint reads the model
//! and the generated manifests and returns diagnostics; it never changes an object, and a generator
//! never judges the config. Results point at config fields only through the model's
//! [`Origin`](crate::model::Origin)s, so this stage does not spell config paths either.
//!
//! Why a stage of its own rather than part of resolve: what `argocdSpec` may not undo (the exec
//! plugin's init containers, volumes and mounts) is generated output, which resolve must not compute;
//! and why not part of the generator: a generator's one job is to build objects.

use crate::api::argocd::ArgoCd;
use crate::diag::Diagnostics;
use crate::generate::{self, Manifest};
use crate::model::{Cluster, Component, Model};
use serde_yaml_ng::Value;

/// Every lint, in a fixed order (their results are shown in discovery order).
pub fn lint(model: &Model, manifests: &[Manifest]) -> Diagnostics {
    let mut d = Diagnostics::default();
    argocd_spec(model, manifests, &mut d);
    d
}

/// Warnings for an `argocdSpec` that undoes what makes this design work, or makes every user an admin.
/// The plumbing is judged on the merged spec (the ArgoCD object as generated), so a list that keeps
/// every generated entry (what the warning asks for) is quiet, and a component replaced wholesale
/// (`controller: null`) is not. Nothing to judge when the run does not emit the ArgoCD object.
fn argocd_spec(model: &Model, manifests: &[Manifest], d: &mut Diagnostics) {
    let g = &model.gitops;
    let Some(argocd) = manifests
        .iter()
        .find(|m| m.cluster == Cluster::Management && m.is::<ArgoCd>() && m.name() == g.name)
        .map(Manifest::value)
    else {
        return;
    };
    let Some(merged) = argocd.get("spec") else { return };
    let generated = generate::argocd_plumbing(model);
    let user = &g.argocd_spec.value;
    let at = &g.argocd_spec.origin;
    for component in Component::ALL {
        let key = component.spec_key();
        let lost: Vec<&str> = ["initContainers", "volumes", "volumeMounts"]
            .into_iter()
            .filter(|list| {
                let kept = merged.get(key).and_then(|c| c.get(*list)).and_then(Value::as_sequence);
                let wanted = generated.get(key).and_then(|c| c.get(*list)).and_then(Value::as_sequence);
                wanted.into_iter().flatten().any(|entry| !kept.is_some_and(|k| k.contains(entry)))
            })
            .collect();
        let message = "this drops entries of the generated list, which install the exec plugin and mount the SPIFFE \
                       socket; without them Argo CD cannot reach any spoke. Keep the generated entries unchanged \
                       (see `ztwim-gitops generate --target management`) and add yours after them.";
        if !lost.is_empty() && !user.get(key).is_some_and(Value::is_mapping) {
            d.warning(&at.child(key), message);
        } else {
            for list in lost {
                d.warning(&at.child(key).child(list), message);
            }
        }
    }
    if user.get("import").is_some() {
        d.warning(
            &at.child("import"),
            "restoring an ArgoCDExport replaces the controller's init containers and volumes, removing the exec \
             plugin and the SPIFFE socket; remove `import`.",
        );
    }
    let default_policy = merged.get("rbac").and_then(|r| r.get("defaultPolicy")).and_then(Value::as_str);
    if default_policy == Some("role:admin") {
        let path = if user.get("rbac").and_then(|r| r.get("defaultPolicy")).is_some() {
            at.child("rbac").child("defaultPolicy")
        } else {
            g.rbac.default_policy.origin.clone()
        };
        d.warning(
            &path,
            "defaultPolicy role:admin makes every authenticated user an Argo CD admin, able to add clusters and so \
             run any binary in Argo CD's pods; use \"\" or role:readonly and grant admin through `policy`.",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::lint;
    use crate::config::{self, ConfigRef};
    use crate::resolve::{resolve, Options};

    fn warnings(argocd_spec: &str, target: &str) -> (Vec<String>, usize) {
        let fc = serde_yaml_ng::from_str(&format!(
            "apiVersion: fn.ztwim-gitops.dev/v1alpha1\nkind: ZtwimGitOps\nmetadata: {{name: cfg}}\n\
             spec: {{appDomain: apps.example.com, target: {target}, spokes: [{{name: a, server: 'https://api.a:6443'}}], \
             management: {{gitops: {{argocdSpec: {argocd_spec}}}}}}}"
        ))
        .unwrap();
        let (config, _) = config::load(&fc, ConfigRef { name: "cfg".into(), ..Default::default() });
        let (model, _) = resolve(&config.unwrap(), &Options::default()).unwrap();
        let generated = crate::generate::generate(&model);
        let found = lint(&model, &generated.manifests).iter().filter_map(|d| d.path.clone()).collect();
        (found, generated.notes.iter().filter(|d| d.path.as_deref().is_some_and(|p| p.contains("argocdSpec"))).count())
    }

    #[test]
    fn an_argocd_spec_that_undoes_the_plumbing_is_linted_at_the_users_keys() {
        let (found, generator_notes) = warnings(
            "{controller: null, server: {volumes: []}, import: {name: x}, rbac: {defaultPolicy: 'role:admin'}}",
            "all",
        );
        let at = |key: &str| format!("spec.management.gitops.argocdSpec.{key}");
        assert_eq!(found, [at("server.volumes"), at("controller"), at("import"), at("rbac.defaultPolicy")]);
        assert_eq!(generator_notes, 0, "the generator does not judge argocdSpec");
    }

    #[test]
    fn an_argocd_spec_that_keeps_the_plumbing_or_is_not_emitted_is_quiet() {
        assert_eq!(warnings("{server: {replicas: 2}}", "all").0, Vec::<String>::new());
        assert_eq!(warnings("{controller: null}", "management").0.len(), 1);
        assert_eq!(warnings("{controller: null}", "spoke/a").0, Vec::<String>::new());
    }
}
