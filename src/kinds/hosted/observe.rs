//! How the doctor reads a hosted control plane: the HostedCluster (on the hosting cluster) carries the
//! authentication, and its CA ConfigMap lives in the HostedCluster's namespace; an Authentication applied
//! to the guest is overwritten.

use super::super::{oidc, Observer};
use crate::api::hosted_cluster::HostedCluster;
use crate::api::openshift_config::AuthenticationSpec;
use crate::observed::Object;
use crate::observed::{field, Authenticator};
use k8s_openapi::Resource;

pub const OBSERVER: Observer = Observer { group: HostedCluster::GROUP, kind: HostedCluster::KIND, read };

fn read(object: &Object) -> Result<Vec<Authenticator>, String> {
    let Some(spec) = field::<AuthenticationSpec>(object, "/spec/configuration/authentication")? else {
        return Ok(Vec::new());
    };
    let spoke = object.spoke().map(str::to_string).or_else(|| Some(object.name.clone()));
    Ok(oidc::authenticators(spec, &object.display(), "spec.configuration.authentication", &object.namespace, spoke))
}
