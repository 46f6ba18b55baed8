//! How the doctor reads a classic OpenShift spoke: `Authentication` `spec`, its CA ConfigMaps in
//! `openshift-config`.

use super::super::{oidc, Observer};
use crate::api::openshift_config::{Authentication, AuthenticationSpec, CONFIG_NAMESPACE};
use crate::observed::Object;
use crate::observed::{field, Authenticator};
use k8s_openapi::Resource;

pub const OBSERVER: Observer = Observer { group: Authentication::GROUP, kind: Authentication::KIND, read };

fn read(object: &Object) -> Result<Vec<Authenticator>, String> {
    let spec: AuthenticationSpec = field(object, "/spec")?.unwrap_or_default();
    Ok(oidc::authenticators(spec, &object.display(), "spec", CONFIG_NAMESPACE, None))
}
