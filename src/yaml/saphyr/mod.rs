//! A vendored copy of saphyr-parser 0.3.4 (MIT OR Apache-2.0, see LICENSE), the YAML 1.2 event parser.
//!
//! Vendored rather than used as a crate because some of its choices reject input that kpt, kubectl and
//! Python write and read every day; the changes are marked `ztwim:` in `scanner.rs`:
//! - a surrogate-pair escape (`"\ud83d\ude00"`, JSON's spelling of an emoji) was an error;
//! - a quoted scalar's under-indented continuation line (valid for libyaml and go-yaml) was an error;
//! - a tag's `%`-escaped multi-byte UTF-8 character was mis-decoded (bytes concatenated into one code
//!   point) or rejected;
//! - a block scalar whose last line ends the input without a line break gained a made-up `\n`
//!   (libyaml and PyYAML read none), so a pass-through item's value changed;
//! - flow nesting stops at our depth limit (`yaml::MAX_DEPTH`) with its message, rather than at the
//!   `u8` flow level's overflow with "recursion limit exceeded";
//! - and one for speed: a plain scalar no longer reserves 128 bytes more than its first character.
//!
//! The iterator-input constructor and its `BufferedInput` are left out (we parse `&str` only), and
//! `thiserror` is replaced by a hand-written `Display`.
#![allow(clippy::all, clippy::pedantic, dead_code, missing_docs, unused_imports)]

mod char_traits;
#[macro_use]
mod debug;
pub mod input;
mod parser;
mod scanner;

pub use parser::{Event, Parser, Tag};
pub use scanner::{Marker, ScalarStyle, ScanError, Span};
