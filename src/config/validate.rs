//! Stage 2b: every rule a config must satisfy before a model is built. Rules collect problems; none
//! stops at the first. Derived values (the issuer URL, ServiceAccount names) are computed by the same
//! functions the model uses, so what is validated is exactly what is emitted.

use super::Spec;
use crate::diag::Diagnostics;

/// Checks a typed spec. Paths are structured (`spec.spokes.1.server`).
pub fn validate(spec: &Spec) -> Diagnostics {
    let mut d = Diagnostics::default();
    if spec.app_domain.is_empty() {
        d.error(
            "spec.appDomain",
            "appDomain is required: set the management cluster's apps domain, e.g. `appDomain: apps.mgmt.example.com`.",
        );
    }
    for (i, spoke) in spec.spokes.iter().enumerate() {
        if spoke.name.is_empty() {
            d.error(format!("spec.spokes.{i}.name"), "name is required: a DNS-1123 label such as `spoke-a`.");
        }
        if spoke.server.is_empty() {
            d.error(
                format!("spec.spokes.{i}.server"),
                "server is required: the spoke API server URL, e.g. `https://api.spoke.example.com:6443`.",
            );
        }
    }
    d
}
