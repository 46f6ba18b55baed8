//! Spoke cluster objects: the issuer CA, the FeatureGate for pre-4.20 spokes, the external OIDC
//! Authentication, and RBAC for Argo CD's SPIFFE identities.

use super::Output;
use crate::model::{Model, Spoke};

pub(super) fn generate(_model: &Model, _spoke: &Spoke, _out: &mut Output) {}
