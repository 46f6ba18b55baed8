//! Spoke kinds: what makes a spoke's API server trust the issuer, one folder per kind. Each folder holds
//! the kind's two directions: `mod.rs` says how the model's contract is emitted for it, `observe.rs` how
//! the doctor reads any author's objects of that kind back into an [`Authenticator`]. The API shapes
//! both directions use live in [`crate::api`] (one file per object family), because other readers
//! (`reconcile`'s provider guard, `import`, `diff`) need them too. `oidc.rs` is the OIDC provider the two
//! OpenShift kinds share.
//!
//! Both [`crate::generate`] and [`crate::doctor`] dispatch through this module: [`emit`] by the model's
//! [`SpokeKind`], [`observer`] by an object's API group and kind ([`OBSERVERS`]). Adding a kind is a
//! folder here, one arm in [`emit`] and one entry in [`OBSERVERS`] (docs/design.md lists the rest).
//!
//! [`Authenticator`]: crate::doctor::observe::Authenticator

pub mod eks;
pub mod hosted;
pub mod kubernetes;
mod oidc;
pub mod openshift;

/// The model keeps an OpenShift provider's OAuth clients in the API's own shape.
pub use crate::api::openshift_config::OidcClient;
use crate::doctor::collect::Object;
use crate::doctor::observe::Authenticator;
use crate::generate::Output;
use crate::model::{Model, Spoke};
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
