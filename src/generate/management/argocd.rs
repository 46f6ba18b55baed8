//! The Argo CD Namespace and the `argoproj.io/v1beta1` ArgoCD CR: OpenShift GitOps' default instance
//! settings plus, on both the application controller and the server (the server also builds REST configs:
//! logs, live state, validation), the exec plugin in an emptyDir filled by an init container and the
//! SPIFFE Workload API socket from the CSI driver. `argocdSpec` is merged in last.

use super::{meta, Crd, Output, Wave};
use crate::api::argocd::{ArgoCd, ArgoCdSpec, ComponentPod};
use crate::generate::LocalDefault;
use crate::model::{
    Cluster, ImageRef, Model, PluginInstall, BUILTIN_BINARY, CSI_DRIVER, EXEC_BINARY, IMAGE_BINARY_PATH, INIT_CONTAINER,
};
use crate::yaml::merge;
use k8s_openapi::api::core::v1::{
    CSIVolumeSource, Capabilities, Container, EmptyDirVolumeSource, EnvVar, Namespace, ResourceRequirements,
    SeccompProfile, SecurityContext, Volume, VolumeMount,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use serde::Serialize;
use serde_yaml_ng::Value;
use std::collections::BTreeMap;

/// With `pluginImage`: the init container that puts our static copier into the scratch volume first.
pub const COPIER_INIT_CONTAINER: &str = "install-jwt-spiffe-copier";
/// The emptyDir the plugin binary lives in (the main containers' root filesystems are read-only).
pub const BINARIES_VOLUME: &str = "binaries";
/// The SPIFFE CSI volume that carries the agent socket.
pub const CSI_VOLUME: &str = "spiffe-workload-api";
/// The init container's writable scratch space; its root filesystem is read-only too.
pub const SCRATCH_VOLUME: &str = "install-jwt-spiffe-scratch";

/// The whole init container script. It is a constant: every configurable value reaches it only through
/// the container's environment, so no config value can ever be parsed as shell. `sha256sum --strict`
/// refuses a checksum line that is not exactly one well-formed entry; any failure stops the pod.
pub const INSTALL_SCRIPT: &str = r#"set -eu
archive="$TMPDIR/exec-auth.tar.gz"
curl -fsSL --proto =https --retry 3 -o "$archive" "$DOWNLOAD_URL"
if [ -n "${ARCHIVE_SHA256:-}" ]; then
  printf '%s  %s\n' "$ARCHIVE_SHA256" "$archive" | sha256sum --check --strict -
fi
tar -xzf "$archive" -O "$EXEC_BINARY" > "$BIN_DIR/$EXEC_BINARY"
chmod 0755 "$BIN_DIR/$EXEC_BINARY"
"#;

/// The generated spec, before `argocdSpec` is merged in. Field order follows OpenShift GitOps' default
/// instance; grafana, prometheus and keycloak are left out because v1beta1 ignores or removed them.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Spec {
    application_set: WithResources,
    controller: Controller,
    ha: Ha,
    rbac: Rbac,
    redis: WithResources,
    repo: WithResources,
    resource_exclusions: String,
    server: Server,
    sso: Sso,
}

#[derive(Serialize)]
struct WithResources {
    resources: ResourceRequirements,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Controller {
    #[serde(rename = "respectRBAC", skip_serializing_if = "Option::is_none")]
    respect_rbac: Option<&'static str>,
    /// The pods of a component that talks to spokes.
    #[serde(flatten)]
    workload: ComponentPod,
}

#[derive(Serialize)]
struct Ha {
    enabled: bool,
    resources: ResourceRequirements,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rbac {
    default_policy: String,
    policy: String,
    scopes: String,
}

#[derive(Serialize)]
struct Server {
    host: String,
    route: Route,
    /// The pods of a component that talks to spokes.
    #[serde(flatten)]
    workload: ComponentPod,
}

#[derive(Serialize)]
struct Route {
    enabled: bool,
    tls: RouteTls,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RouteTls {
    termination: &'static str,
    insecure_edge_termination_policy: &'static str,
}

#[derive(Serialize)]
struct Sso {
    provider: &'static str,
    dex: Dex,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Dex {
    open_shift_o_auth: bool,
    resources: ResourceRequirements,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResourceExclusion {
    api_groups: Vec<&'static str>,
    clusters: Vec<&'static str>,
    kinds: Vec<&'static str>,
}

/// Requests then limits, each (cpu, memory): OpenShift GitOps' values for its default instance.
fn resources(requests: (&str, &str), limits: (&str, &str)) -> ResourceRequirements {
    let list = |(cpu, memory): (&str, &str)| {
        Some(BTreeMap::from([("cpu".into(), Quantity(cpu.into())), ("memory".into(), Quantity(memory.into()))]))
    };
    ResourceRequirements { requests: list(requests), limits: list(limits), ..ResourceRequirements::default() }
}

fn env(name: &str, value: &str) -> EnvVar {
    EnvVar { name: name.into(), value: Some(value.into()), ..EnvVar::default() }
}

/// `readOnly: false` is left out, as the API server leaves it out.
fn mount(name: &str, path: &str, read_only: bool) -> VolumeMount {
    VolumeMount {
        name: name.into(),
        mount_path: path.into(),
        read_only: read_only.then_some(true),
        ..VolumeMount::default()
    }
}

/// The hardening every init container here gets: no privilege escalation, no capabilities, non-root,
/// read-only root filesystem, the runtime's seccomp profile.
fn hardened() -> SecurityContext {
    SecurityContext {
        allow_privilege_escalation: Some(false),
        capabilities: Some(Capabilities { drop: Some(vec!["ALL".into()]), ..Capabilities::default() }),
        read_only_root_filesystem: Some(true),
        run_as_non_root: Some(true),
        seccomp_profile: Some(SeccompProfile { type_: "RuntimeDefault".into(), ..SeccompProfile::default() }),
        ..SecurityContext::default()
    }
}

/// An init container with the hardening and the termination-message fields the API server would default.
fn hardened_container(
    name: &str,
    image: &ImageRef,
    command: Vec<String>,
    env: Option<Vec<EnvVar>>,
    mounts: Vec<VolumeMount>,
) -> Container {
    Container {
        name: name.into(),
        image: Some(image.image.clone()),
        image_pull_policy: Some(image.pull_policy.into()),
        command: Some(command),
        env,
        volume_mounts: Some(mounts),
        security_context: Some(hardened()),
        termination_message_path: Some("/dev/termination-log".into()),
        termination_message_policy: Some("File".into()),
        ..Container::default()
    }
}

/// The init containers that install the helper, by method. `builtin`: our image's binary copies itself
/// into the binaries volume. `image`: our copier into the scratch volume, then the copy out of the
/// plugin image. `archive`: the download script. Only `archive` runs a shell or reaches the network.
fn init_containers(model: &Model) -> Vec<Container> {
    let e = &model.plugin;
    let target = format!("{}/{}", e.bin_dir, e.binary());
    match &e.install {
        PluginInstall::Builtin(image) => vec![hardened_container(
            INIT_CONTAINER,
            image,
            vec![IMAGE_BINARY_PATH.into(), "copy-file".into(), IMAGE_BINARY_PATH.into(), target],
            None,
            vec![mount(BINARIES_VOLUME, &e.bin_dir, false)],
        )],
        PluginInstall::Image(from) => {
            let copier = format!("{}/{BUILTIN_BINARY}", e.scratch_dir);
            vec![
                hardened_container(
                    COPIER_INIT_CONTAINER,
                    &from.copier,
                    vec![IMAGE_BINARY_PATH.into(), "install-to".into(), e.scratch_dir.into()],
                    None,
                    vec![mount(SCRATCH_VOLUME, e.scratch_dir, false)],
                ),
                hardened_container(
                    INIT_CONTAINER,
                    &from.image,
                    vec![copier, "copy-file".into(), from.path.clone(), target],
                    None,
                    vec![mount(BINARIES_VOLUME, &e.bin_dir, false), mount(SCRATCH_VOLUME, e.scratch_dir, true)],
                ),
            ]
        }
        PluginInstall::Archive(archive) => {
            let mut env = vec![
                env("DOWNLOAD_URL", &archive.download_url),
                env("EXEC_BINARY", EXEC_BINARY),
                env("BIN_DIR", &e.bin_dir),
                env("TMPDIR", e.scratch_dir),
            ];
            if let Some(sha256) = &archive.sha256 {
                env.push(self::env("ARCHIVE_SHA256", sha256));
            }
            env.extend(archive.proxy_env.iter().map(|(name, value)| self::env(name, value)));
            vec![hardened_container(
                INIT_CONTAINER,
                &archive.image,
                vec!["/bin/sh".into(), "-c".into(), INSTALL_SCRIPT.into()],
                Some(env),
                vec![mount(BINARIES_VOLUME, &e.bin_dir, false), mount(SCRATCH_VOLUME, e.scratch_dir, false)],
            )]
        }
    }
}

fn workload(model: &Model, resources: ResourceRequirements) -> ComponentPod {
    let e = &model.plugin;
    let empty_dir = |name: &str| Volume {
        name: name.into(),
        empty_dir: Some(EmptyDirVolumeSource::default()),
        ..Volume::default()
    };
    // The built-in install copies straight into the binaries volume and needs no scratch space.
    let scratch = !matches!(e.install, PluginInstall::Builtin(_));
    ComponentPod {
        // `identity: shared`: our own pod label, which the ClusterSPIFFEID selects on (the operator's
        // generated names are shortened for long instance names).
        labels: model.trust.shared.as_ref().map(|shared| BTreeMap::from([shared.pod_label.clone()])),
        resources: Some(resources),
        init_containers: init_containers(model),
        volumes: [
            Some(empty_dir(BINARIES_VOLUME)),
            Some(Volume {
                name: CSI_VOLUME.into(),
                csi: Some(CSIVolumeSource {
                    driver: CSI_DRIVER.into(),
                    read_only: Some(true),
                    ..CSIVolumeSource::default()
                }),
                ..Volume::default()
            }),
            scratch.then(|| empty_dir(SCRATCH_VOLUME)),
        ]
        .into_iter()
        .flatten()
        .collect(),
        volume_mounts: vec![
            mount(BINARIES_VOLUME, &e.bin_dir, true),
            mount(CSI_VOLUME, &model.trust.workload_api.socket_dir, true),
        ],
        env: Vec::new(),
    }
}

fn spec(model: &Model) -> Spec {
    let g = &model.gitops;
    let small = || resources(("250m", "128Mi"), ("500m", "256Mi"));
    let exclusions = [ResourceExclusion {
        api_groups: vec!["tekton.dev"],
        clusters: vec!["*"],
        kinds: vec!["TaskRun", "PipelineRun"],
    }];
    Spec {
        application_set: WithResources { resources: resources(("250m", "512Mi"), ("2000m", "1024Mi")) },
        controller: Controller {
            respect_rbac: g.respect_rbac,
            workload: workload(model, resources(("250m", "1024Mi"), ("2000m", "2048Mi"))),
        },
        ha: Ha { enabled: false, resources: small() },
        rbac: Rbac {
            default_policy: g.rbac.default_policy.value.clone(),
            policy: g.rbac.policy.value.clone(),
            scopes: g.rbac.scopes.value.clone(),
        },
        redis: WithResources { resources: small() },
        repo: WithResources { resources: resources(("250m", "256Mi"), ("1000m", "1024Mi")) },
        resource_exclusions: crate::yaml::to_string_of(&exclusions),
        server: Server {
            host: g.host.value.clone(),
            route: Route {
                enabled: true,
                tls: RouteTls { termination: "reencrypt", insecure_edge_termination_policy: "Redirect" },
            },
            workload: workload(model, resources(("125m", "128Mi"), ("500m", "256Mi"))),
        },
        sso: Sso { provider: "dex", dex: Dex { open_shift_o_auth: true, resources: small() } },
    }
}

/// The ArgoCD spec this design needs, before `argocdSpec` is laid over it: what the generated object
/// holds, and what `crate::lint` compares the overlaid spec with.
pub(crate) fn plumbing(model: &Model) -> Value {
    serde_yaml_ng::to_value(spec(model)).expect("the ArgoCD spec serialises")
}

pub(super) fn generate(model: &Model, out: &mut Output) {
    let g = &model.gitops;
    out.push(
        &Cluster::Management,
        &Namespace { metadata: meta(&g.namespace, None, Wave::Operators, Crd::Builtin), ..Namespace::default() },
    );
    let mut spec = plumbing(model);
    merge(&mut spec, Value::Mapping(g.argocd_spec.value.clone()));
    out.push_with_defaults(
        &Cluster::Management,
        &ArgoCd::new(meta(&g.name, Some(&g.namespace), Wave::Operands, Crd::FromOlm), ArgoCdSpec(spec)),
        defaults(model),
    );
}

/// The ArgoCD spec fields that are OpenShift GitOps' instance defaults rather than this design's
/// plumbing: a base's ArgoCD keeps its own values there. The plumbing (init containers, volumes,
/// mounts, `respectRBAC`) is always enforced, and so is anything `argocdSpec` sets.
fn defaults(model: &Model) -> Vec<LocalDefault> {
    const S: &str = "spec";
    let g = &model.gitops;
    let configurable = [
        LocalDefault::unless_configured(&[S, "server", "host"], &g.host),
        LocalDefault::unless_configured(&[S, "rbac", "defaultPolicy"], &g.rbac.default_policy),
        LocalDefault::unless_configured(&[S, "rbac", "policy"], &g.rbac.policy),
        LocalDefault::unless_configured(&[S, "rbac", "scopes"], &g.rbac.scopes),
    ];
    let fixed: [&'static [&'static str]; 9] = [
        &[S, "applicationSet"],
        &[S, "controller", "resources"],
        &[S, "ha"],
        &[S, "redis"],
        &[S, "repo"],
        &[S, "resourceExclusions"],
        &[S, "server", "resources"],
        &[S, "server", "route"],
        &[S, "sso"],
    ];
    configurable
        .into_iter()
        .flatten()
        .chain(fixed.into_iter().map(LocalDefault::fixed))
        .filter(|d| !touches(&g.argocd_spec.value, &d.field[1..]))
        .collect()
}

/// Whether `argocdSpec` sets anything at, above or below `path` (relative to the spec).
fn touches(user: &serde_yaml_ng::Mapping, path: &[&str]) -> bool {
    let Some((first, rest)) = path.split_first() else { return true };
    match user.get(*first) {
        None => false,
        Some(Value::Mapping(m)) => touches(m, rest),
        Some(_) => true,
    }
}
