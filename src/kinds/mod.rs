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

use crate::doctor::collect::Object;
use crate::doctor::observe::Authenticator;
use crate::generate::Output;
use crate::model::{Model, Spoke, SpokeKind};

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
