//! The one integration-test crate (one link of the library and binary, as ripgrep's `tests/tests.rs`):
//! one module per area, and `support` with what they share.

mod support;

mod adopt;
mod applicationset;
mod argocd_cmp;
mod catalog;
mod cli;
mod container;
mod credential;
mod cross_cluster;
mod day1;
mod doctor;
mod doctor_live;
mod doctor_token;
mod examples;
mod fuzz_regressions;
mod golden;
mod hostile;
mod kpt;
mod krm_contract;
mod kustomize;
mod management;
mod proptest_passthrough;
mod readme;
mod schema_patterns;
mod schema_validation;
mod spoke;
mod validation;
