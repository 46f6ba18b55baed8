//! `--live` placeholder.
use super::observe::{Management, Spoke};
use super::report::Checks;
use super::token::Token;

pub fn check(_m: &Management, _spokes: &[Spoke], _ca: Option<&str>, _token: Option<&Token>, _checks: &mut Checks) {}
