//! Spoke kinds: what makes a spoke's API server trust the issuer, one folder per kind. Each folder holds
//! the kind's part of the model (what resolve decides for it; [`crate::model`] re-exports it) and both
//! directions of the contract: `mod.rs` how it is emitted, `observe.rs` how the doctor reads any
//! author's objects of that kind back into an [`Authenticator`]. The API shapes both directions use live
//! in [`crate::api`] (one file per object family), not in the folder, because other readers
//! (`reconcile`'s provider guard, `import`, `diff`) need them too. `oidc.rs` is the OIDC provider the two
//! OpenShift kinds share.
//!
//! Both [`crate::generate`] and [`crate::doctor`] dispatch through this module: [`emit`] by the model's
//! [`SpokeKind`], [`observer`] by an object's API group and kind ([`OBSERVERS`]). Adding a kind is a
//! folder here, one arm in each [`SpokeKind`] method and in [`emit`], one entry in [`OBSERVERS`], plus
//! its config and resolve rules (docs/design.md, "Adding a spoke kind").
//!
//! [`Authenticator`]: crate::observed::Authenticator

pub mod eks;
pub mod hosted;
pub mod kubernetes;
mod oidc;
pub mod openshift;

/// The model keeps an OpenShift provider's OAuth clients in the API's own shape.
pub use crate::api::openshift_config::OidcClient;
use crate::generate::Output;
use crate::model::{Model, Spoke};
use crate::observed::{Authenticator, Object};
use eks::Eks;
use hosted::Hosted;
use kubernetes::Kubernetes;
use openshift::OpenShift;

/// What differs between kinds of spoke: how their API server is told to trust the issuer. A new kind is
/// one more arm here, built by `resolve::spokes` from the config; each kind's data (its part of the
/// model, re-exported by [`crate::model`]) is defined in its folder. The contract, RBAC and cluster
/// Secret stay shared.
#[derive(Debug, Clone, PartialEq)]
pub enum SpokeKind {
    OpenShift(OpenShift),
    Hosted(Hosted),
    Kubernetes(Kubernetes),
    Eks(Eks),
}

impl SpokeKind {
    /// The config's name for the kind (`spokes[].type`).
    pub fn name(&self) -> &'static str {
        match self {
            SpokeKind::OpenShift(_) => "openshift",
            SpokeKind::Hosted(_) => "hosted",
            SpokeKind::Kubernetes(_) => "kubernetes",
            SpokeKind::Eks(_) => "eks",
        }
    }
    /// Whether some of the spoke's objects go to its [`crate::model::Cluster::ControlPlane`].
    pub fn has_control_plane(&self) -> bool {
        matches!(self, SpokeKind::Hosted(_) | SpokeKind::Eks(_))
    }
    /// What makes the spoke trust the issuer, in words (`explain`).
    pub fn describe(&self) -> String {
        match self {
            SpokeKind::OpenShift(o) => format!("Authentication/cluster type OIDC, provider `{}`", o.oidc_provider_name),
            SpokeKind::Hosted(h) => format!(
                "HostedCluster {}/{} spec.configuration.authentication (on its hosting cluster), provider `{}`",
                h.namespace, h.hosted_cluster, h.oidc_provider_name
            ),
            SpokeKind::Kubernetes(k) => format!("kube-apiserver --authentication-config ({})", k.api_version),
            SpokeKind::Eks(e) => {
                format!("EKS IdentityProviderConfig `{}` on cluster `{}` (ACK)", e.config_name, e.cluster_name)
            }
        }
    }
    /// The version label the cluster Secret carries (`openshift-version`, `kubernetes-version`, under the
    /// standard prefix) and its value, when the kind has a version and the config gives it.
    pub fn version_label(&self) -> Option<(&'static str, &str)> {
        match self {
            SpokeKind::OpenShift(openshift) => Some(("openshift-version", &openshift.version)),
            SpokeKind::Kubernetes(kubernetes) => kubernetes.version.as_deref().map(|v| ("kubernetes-version", v)),
            SpokeKind::Hosted(_) | SpokeKind::Eks(_) => None,
        }
    }
}

/// Emits the objects that make `spoke`'s API server trust the issuer, in apply order.
pub(crate) fn emit(model: &Model, spoke: &Spoke, out: &mut Output) {
    match &spoke.kind {
        SpokeKind::OpenShift(openshift) => openshift::emit(model, spoke, openshift, out),
        SpokeKind::Hosted(hosted) => hosted::emit(model, spoke, hosted, out),
        SpokeKind::Kubernetes(kubernetes) => kubernetes::emit(model, spoke, kubernetes, out),
        SpokeKind::Eks(eks) => eks::emit(model, spoke, eks, out),
    }
}

/// How the doctor reads one kind: the objects it recognises (API group, any version, and kind) and how
/// they become authenticators. A wrong shape is an error naming the object and field.
pub struct Observer {
    pub group: &'static str,
    pub kind: &'static str,
    pub read: fn(&Object) -> Result<Vec<Authenticator>, String>,
}

/// Every spoke kind's reader.
pub const OBSERVERS: &[Observer] =
    &[openshift::observe::OBSERVER, hosted::observe::OBSERVER, kubernetes::observe::OBSERVER, eks::observe::OBSERVER];

/// The reader for objects of this API group and kind, if a spoke kind configures authentication with them.
pub fn observer(group: &str, kind: &str) -> Option<&'static Observer> {
    OBSERVERS.iter().find(|o| o.group == group && o.kind == kind)
}

#[cfg(test)]
mod tests {
    //! The in-crate property behind the binary-level doctor tests: for every spoke kind, what the doctor
    //! observes in what the generators produced is the model's contract.

    use crate::doctor::collect::read_back;
    use crate::doctor::observe::observe;
    use crate::model::Model;
    use crate::observed::CaSource;
    use serde_yaml_ng::Value;

    /// The config's model, for every cluster whatever `spec.target` the config names.
    fn model(text: &str, file: &str) -> Model {
        let (model, results) = crate::pipeline::model_from_file(text, file);
        let mut model = model.unwrap_or_else(|| panic!("{file} does not resolve: {results:?}"));
        model.target = crate::model::Target::All;
        model
    }

    /// The config of the ResourceList fixture, and its first spoke's issuer CA.
    fn fleet_fixture() -> (String, String) {
        let list: Value = crate::yaml::from_str(include_str!("../../tests/data/resourcelist-fleet.yaml")).unwrap();
        let config = &list["functionConfig"];
        let pem = config["spec"]["spokes"][0]["issuerCA"].as_str().unwrap().to_string();
        (crate::yaml::to_string(config), pem)
    }

    /// A generated fleet: every kind, with and without a username prefix and an issuer CA (not for EKS,
    /// which refuses one), with `identity` per ServiceAccount or shared (required claims).
    fn generated_fleet(identity: &str, pem: &str) -> String {
        let mut spokes = String::new();
        let kinds = [
            ("openshift", "openshiftVersion: '4.19'"),
            ("openshift", "openshiftVersion: '4.21'"),
            ("hosted", "hostedCluster: {name: NAME, namespace: clusters}"),
            ("kubernetes", "kubernetesVersion: '1.33'"),
            ("kubernetes", "kubernetesVersion: '1.34'"),
            ("eks", "eks: {clusterName: NAME, namespace: ack-system}"),
        ];
        for (i, (kind, extra)) in kinds.iter().enumerate() {
            for (j, prefix) in ["", "spiffe:"].iter().enumerate() {
                for ca in [false, true] {
                    if ca && *kind == "eks" {
                        continue;
                    }
                    let name = format!("{kind}-{i}-{j}-{}", u8::from(ca));
                    spokes += &format!(
                        "  - name: {name}\n    type: {kind}\n    server: https://api.{name}.example.com:6443\n    \
                         {}\n    usernamePrefix: '{prefix}'\n",
                        extra.replace("NAME", &name)
                    );
                    if ca {
                        spokes += &format!("    issuerCA: |\n      {}\n", pem.trim_end().replace('\n', "\n      "));
                    }
                }
            }
        }
        format!(
            "apiVersion: fn.ztwim-gitops.dev/v1alpha1\nkind: ZtwimGitOps\nmetadata: {{name: fleet}}\nspec:\n  \
             appDomain: apps.mgmt.example.com\n  identity: {identity}\n  spokes:\n{spokes}"
        )
    }

    /// Generates, reads the output back as the doctor reads any manifests, and compares each spoke's
    /// one authenticator with the spoke's contract.
    fn observed_is_the_contract(model: &Model, label: &str) {
        let input = read_back(&crate::generate::generate(model).manifests, label);
        let (management, observed) = observe(&input.objects);
        assert!(management.unreadable.is_empty(), "{label}: {:?}", management.unreadable);
        assert!(!model.spokes.is_empty(), "{label}: no spokes");
        for spoke in &model.spokes {
            let at = format!("{label} spoke {} ({})", spoke.name, spoke.kind.name());
            let group = observed.iter().find(|s| s.name.as_deref() == Some(spoke.name.as_str()));
            let group = group.unwrap_or_else(|| panic!("{at}: not observed"));
            let [a] = group.authenticators.as_slice() else {
                panic!("{at}: {} authenticators", group.authenticators.len())
            };
            let contract = &spoke.contract;
            assert_eq!(a.inactive, None, "{at}");
            assert_eq!(a.issuer_url, model.trust.issuer.url, "{at}: issuer");
            assert_eq!(a.audiences, std::slice::from_ref(&contract.audience), "{at}: audiences");
            assert_eq!(a.username_claim, contract.username.claim, "{at}: username claim");
            assert_eq!(a.username_expression, None, "{at}");
            assert_eq!(a.username_prefix, contract.username.prefix.clone().unwrap_or_default(), "{at}: prefix");
            let required: Vec<(String, String)> =
                contract.required_claims.iter().map(|r| (r.claim.to_string(), r.value.clone())).collect();
            assert_eq!(a.required_claims, required, "{at}: required claims");
            assert!(a.opaque_rules.is_empty(), "{at}");
            let ca = match &a.ca {
                CaSource::System => None,
                CaSource::Inline(pem) => Some(pem.clone()),
                CaSource::ConfigMap { namespace, name, key } => {
                    let found = group.config_maps.iter().find(|c| &c.namespace == namespace && &c.name == name);
                    let found = found.unwrap_or_else(|| panic!("{at}: CA ConfigMap {namespace}/{name} not generated"));
                    Some(found.data.get(key).unwrap_or_else(|| panic!("{at}: CA key {key} missing")).clone())
                }
            };
            assert_eq!(ca, contract.issuer_ca, "{at}: issuer CA");
            // The RBAC subjects are the usernames the observed mapping yields.
            assert!(
                contract.usernames.iter().all(|u| u.starts_with(&a.username_prefix)),
                "{at}: {:?} vs prefix {:?}",
                contract.usernames,
                a.username_prefix
            );
        }
    }

    #[test]
    fn observing_the_generated_objects_yields_the_contract_for_every_kind() {
        // Every shipped config: the examples' (discovered, so a new example is covered) and fn-config's.
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut configs: Vec<std::path::PathBuf> =
            ["fn-config/fleet.yaml", "fn-config/minimal.yaml"].iter().map(|p| root.join(p)).collect();
        for example in std::fs::read_dir(root.join("examples")).unwrap() {
            let dir = example.unwrap().path();
            configs.extend(
                [dir.join("ztwim-gitops.yaml"), dir.join("base/ztwim-gitops.yaml")].into_iter().filter(|p| p.is_file()),
            );
        }
        configs.sort();
        assert!(configs.len() >= 9, "{configs:?}");
        for path in &configs {
            let label = path.strip_prefix(root).unwrap().display().to_string();
            observed_is_the_contract(&model(&std::fs::read_to_string(path).unwrap(), &label), &label);
        }
        let (fixture, pem) = fleet_fixture();
        observed_is_the_contract(&model(&fixture, "resourcelist-fleet"), "resourcelist-fleet");
        let mut kinds = std::collections::BTreeSet::new();
        for identity in ["perServiceAccount", "shared"] {
            let fleet = model(&generated_fleet(identity, &pem), identity);
            kinds.extend(fleet.spokes.iter().map(|s| s.kind.name()));
            assert!(fleet.spokes.iter().any(|s| s.contract.issuer_ca.is_some()), "{identity}: no issuer CA");
            observed_is_the_contract(&fleet, identity);
        }
        assert_eq!(kinds.len(), super::OBSERVERS.len(), "every kind is in the generated fleet: {kinds:?}");
    }
}
