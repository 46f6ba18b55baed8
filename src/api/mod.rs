//! Typed Kubernetes and Argo CD objects, defined once and read and written with serde (the kube-rs
//! model: plain structs that serialise and deserialise). Every reader of an object — the credential
//! helper, `import`, `diff`, the doctor, `reconcile` — and the generators that write it use the type
//! here instead of a private copy.
//!
//! A custom resource is [`Object`] around its spec, with `apiVersion`/`kind` carried once, as the
//! `k8s_openapi::Resource` constants of `Object<Spec>` (kube-rs `Object<P, U>`, k8s-openapi's
//! `Resource`). Field order in each struct is the order the generators emit, so output stays as it was.

pub mod application;
pub mod argocd;
pub mod argocd_cluster;
pub mod authentication_configuration;
pub mod cluster_spiffe_id;
pub mod eks_identity_provider;
pub mod exec_credential;
pub mod hosted_cluster;
pub mod olm;
pub mod openshift_config;
pub mod ztwim;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::{Deserialize, Serialize};

/// A custom resource: `apiVersion`, `kind`, `metadata` and a typed `spec` (kube-rs `Object<P, U>`
/// without a status, which nothing here reads or writes). [`Object::new`] takes apiVersion and kind from
/// the `k8s_openapi::Resource` constants of the concrete type, so no caller spells them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Object<S> {
    #[serde(default)]
    pub api_version: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: S,
}

impl<S> Object<S> {
    /// `metadata.name`, empty when absent.
    pub fn name(&self) -> &str {
        self.metadata.name.as_deref().unwrap_or_default()
    }
}

impl<S> Object<S>
where
    Object<S>: k8s_openapi::Resource,
{
    pub fn new(metadata: ObjectMeta, spec: S) -> Self {
        Object {
            api_version: <Self as k8s_openapi::Resource>::API_VERSION.into(),
            kind: <Self as k8s_openapi::Resource>::KIND.into(),
            metadata,
            spec,
        }
    }
}

/// The API group of an `apiVersion` (empty for the core group's `v1`).
pub fn group(api_version: &str) -> &str {
    api_version.rsplit_once('/').map(|(group, _)| group).unwrap_or("")
}

/// Whether an object of this `apiVersion` and `kind` is a `T`, in any version of `T`'s group: how a
/// reader of untyped objects recognises a kind without spelling its name.
pub fn is<T: k8s_openapi::Resource>(api_version: &str, kind: &str) -> bool {
    kind == T::KIND && group(api_version) == T::GROUP
}

/// `impl k8s_openapi::Resource for Object<$spec>`: the group, version, kind, plural and scope of a
/// custom resource, written once.
macro_rules! custom_resource {
    ($spec:ty, $group:literal, $version:literal, $kind:literal, $plural:literal, $scope:ident) => {
        impl k8s_openapi::Resource for $crate::api::Object<$spec> {
            const API_VERSION: &'static str = concat!($group, "/", $version);
            const GROUP: &'static str = $group;
            const KIND: &'static str = $kind;
            const VERSION: &'static str = $version;
            const URL_PATH_SEGMENT: &'static str = $plural;
            type Scope = k8s_openapi::$scope;
        }
    };
}
pub(crate) use custom_resource;

#[cfg(test)]
mod tests {
    use super::olm::{Subscription, SubscriptionSpec};
    use super::ztwim::SpireServer;
    use k8s_openapi::api::core::v1::Secret;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

    /// A custom resource's apiVersion and kind come from its type: written by `new`, recognised by `is` in
    /// any version of its group, and never by the kind name alone.
    #[test]
    fn a_custom_resource_carries_and_is_recognised_by_its_type() {
        let sub = Subscription::new(ObjectMeta::default(), SubscriptionSpec::default());
        assert_eq!((sub.api_version.as_str(), sub.kind.as_str()), ("operators.coreos.com/v1alpha1", "Subscription"));
        assert!(super::is::<Subscription>(&sub.api_version, &sub.kind));
        assert!(super::is::<Subscription>("operators.coreos.com/v2", "Subscription"));
        assert!(!super::is::<Subscription>("example.com/v1", "Subscription"));
        assert!(!super::is::<SpireServer>("operators.coreos.com/v1alpha1", "Subscription"));
        // The core group is the empty one: `v1` has no group part.
        assert!(super::is::<Secret>("v1", "Secret"));
        assert!(!super::is::<Secret>("example.com/v1", "Secret"));
    }
}
