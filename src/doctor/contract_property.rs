//! The in-crate property (issue 22 point 6, management side): observing what the generators produced
//! yields back the model's management contract. For several models, the doctor's reading of the
//! generated manifests must give each Argo CD component the model's ServiceAccount, workload and SPIFFE
//! ID, the CSI volume mounted where the model's socket is, and each cluster Secret the model's server,
//! namespaces, audience and exec config. The binary-level tests (`tests/it/doctor.rs`) check the verdicts;
//! this checks the values, so a generator and a reader that drift apart fail here first.

use super::checks::{self, Identity};
use super::collect::{read_back, Input};
use super::observe::{observe, Helper as _};
use super::report::Checks;
use crate::api::argocd_cluster::ExecProviderConfig;
use crate::model::{Connection, Model, AGENT_SOCKET, CSI_DRIVER, SOCKET_ENV};

const FLEET: &str = include_str!("../../fn-config/fleet.yaml");
const MINIMAL: &str = include_str!("../../fn-config/minimal.yaml");
const MIXED_FLEET: &str = include_str!("../../examples/mixed-fleet/ztwim-gitops.yaml");

/// The configs: each install method, both identity modes, every spoke kind, default and set values.
fn configs() -> Vec<(&'static str, String)> {
    let method = |to: &str| {
        assert!(FLEET.contains("\n      method: builtin\n"));
        FLEET.replace("\n      method: builtin\n", &format!("\n      method: {to}\n"))
    };
    vec![
        ("fleet (builtin)", FLEET.to_string()),
        ("fleet (archive)", method("archive")),
        (
            "fleet (image)",
            method("image\n      pluginImage: ghcr.io/spiffe/k8s-spiffe-workload-jwt-exec-auth@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
        ),
        ("minimal", MINIMAL.to_string()),
        ("mixed fleet (identity: shared)", MIXED_FLEET.to_string()),
    ]
}

/// The model and the doctor's reading of every manifest generated from it.
fn model_and_input(name: &str, text: &str) -> (Model, Input) {
    let (model, results) = crate::pipeline::model_from_file(text, "ztwim-gitops.yaml");
    let model = model.unwrap_or_else(|| panic!("{name} does not resolve: {results:?}"));
    let (manifests, _) = crate::pipeline::generate_from_file(text, "ztwim-gitops.yaml", Some("all"));
    (model, read_back(&manifests, name))
}

/// The exec config as the cluster Secret must carry it.
fn expected_exec(exec: &crate::model::ExecConfig) -> ExecProviderConfig {
    ExecProviderConfig {
        command: exec.command.clone(),
        args: exec.args.clone(),
        api_version: exec.api_version.clone(),
        env: exec.env.iter().map(|(k, v)| (k.to_string(), v.clone())).collect(),
        install_hint: exec.install_hint.clone(),
    }
}

#[test]
fn observing_the_generated_management_side_yields_the_models_contract() {
    for (name, text) in configs() {
        let (model, input) = model_and_input(name, &text);
        let (m, _) = observe(&input.objects);
        assert_eq!(m.unreadable, Vec::<String>::new(), "{name}");
        let trust = &model.trust;
        assert_eq!(m.issuer.as_ref().map(|i| &i.value), Some(&trust.issuer.url), "{name}");
        assert_eq!(m.discovery_issuer.as_ref().map(|i| &i.value), Some(&trust.issuer.url), "{name}");
        assert_eq!(m.trust_domain.as_ref().map(|t| &t.value), Some(&trust.trust_domain), "{name}");

        // Identities: the doctor's ServiceAccounts, workloads and SPIFFE IDs are the model's.
        let [argocd] = &m.argocds[..] else { panic!("{name}: one ArgoCD CR, not {}", m.argocds.len()) };
        assert_eq!((&argocd.name, &argocd.namespace), (&model.gitops.name, &model.gitops.namespace), "{name}");
        let mut checks = Checks::default();
        let ids: Vec<Identity> = checks::identities(&m, argocd, &mut checks);
        assert_eq!(ids.len(), trust.identities.len(), "{name}");
        for ((component, id), want) in argocd.components.iter().zip(&ids).zip(&trust.identities) {
            assert_eq!(component.key, want.component.spec_key(), "{name}");
            assert_eq!((&component.service_account, &component.workload), (&want.service_account, &want.workload));
            assert_eq!(id.id.as_ref(), Ok(&want.spiffe_id), "{name} {}", component.key);
            // identity: shared is given by the generated ClusterSPIFFEID, per ServiceAccount by ZTWIM's fallback.
            assert_eq!(id.at.starts_with("ClusterSPIFFEID "), trust.shared.is_some(), "{name}: {}", id.at);

            // The CSI volume carries the socket the model's endpoint names.
            let csi: Vec<_> =
                component.volumes.iter().filter(|v| v.csi.as_ref().is_some_and(|c| c.driver == CSI_DRIVER)).collect();
            let [csi] = &csi[..] else { panic!("{name} {}: one CSI volume", component.key) };
            let mounts: Vec<_> = component.mounts.iter().filter(|m| m.name == csi.name).collect();
            let [mount] = &mounts[..] else { panic!("{name} {}: one mount of the CSI volume", component.key) };
            assert_eq!(mount.mount_path, trust.workload_api.socket_dir, "{name}");
            assert_eq!(format!("unix://{}/{AGENT_SOCKET}", mount.mount_path), trust.workload_api.endpoint, "{name}");
        }
        assert!(checks.list.is_empty(), "{name}: identities reported problems: {:?}", checks.list);

        // Each spoke's cluster Secret: server, namespaces, audience and the exec config, the socket included.
        assert_eq!(m.secrets.len(), model.spokes.len(), "{name}");
        for spoke in &model.spokes {
            let secret = m.secrets.iter().find(|s| s.cluster_name == spoke.name).expect("a Secret per spoke");
            assert_eq!((&secret.config_error, &secret.other_auth), (&None, &Vec::new()), "{name} {}", spoke.name);
            assert_eq!(secret.server, spoke.contract.server, "{name}");
            assert_eq!(secret.namespaces, spoke.access.namespaces, "{name}");
            assert_eq!(checks::audience(secret).0, spoke.contract.audience, "{name} {}", spoke.name);
            let Connection::ClusterSecret { exec, .. } = &spoke.contract.connection;
            let observed = secret.exec.as_ref().expect("an execProviderConfig");
            assert_eq!(observed, &expected_exec(exec), "{name} {}", spoke.name);
            let socket =
                if observed.is_builtin() { observed.flag("--socket") } else { observed.env.get(SOCKET_ENV).cloned() };
            assert_eq!(socket.as_ref(), Some(&trust.workload_api.endpoint), "{name} {}", spoke.name);
        }
    }
}
