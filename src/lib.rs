//! ztwim-gitops: one small config in, every manifest out, so that OpenShift GitOps (Argo CD) on a
//! management cluster reaches spoke clusters with short-lived SPIFFE JWT-SVIDs from ZTWIM instead of
//! long-lived ServiceAccount tokens.
//!
//! The pipeline runs one way — [`krm`] parse → [`config`] load + validate → [`model`] resolve →
//! [`generate`] ([`lint`] judges what it generated) → [`reconcile`] → [`krm`] emit — and [`pipeline`] wires it together.

pub mod api;
pub mod cli;
pub mod config;
pub mod credential;
pub mod diag;
pub mod diff;
pub mod doctor;
pub mod explain;
pub mod files;
pub mod generate;
pub mod help;
pub mod images;
pub mod import;
pub mod kinds;
pub mod krm;
pub mod lint;
pub mod model;
pub mod pipeline;
pub mod reconcile;
pub mod resolve;
pub mod yaml;
