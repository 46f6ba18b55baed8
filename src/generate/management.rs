//! Management cluster objects: the ZTWIM operator and instance, the OpenShift GitOps operator, the Argo
//! CD instance with its SPIFFE plumbing, one cluster Secret per spoke, and Applications.

use super::Output;
use crate::model::Model;

pub(super) fn generate(_model: &Model, _out: &mut Output) {}
