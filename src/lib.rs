//! ztwim-gitops: one small config in, every manifest out, so that OpenShift GitOps (Argo CD) on a
//! management cluster reaches spoke clusters with short-lived SPIFFE JWT-SVIDs from ZTWIM instead of
//! long-lived ServiceAccount tokens.
//!
//! The pipeline runs one way, and [`pipeline`] wires it together:
//!
//! 1. [`krm`] reads the ResourceList (or `generate` reads a config file);
//! 2. [`config`] finds the function config and loads it into typed settings;
//! 3. [`resolve`] turns them into the [`model`], once, failing with every problem or not at all;
//! 4. [`generate`] builds the objects from the model alone (each spoke kind's in [`kinds`]), and [`lint`]
//!    judges what it generated against the config;
//! 5. [`reconcile`] merges them with the input items (replace what we own, patch a base's, keep the rest);
//! 6. [`krm`] writes the ResourceList, input items passed through verbatim.
//!
//! The commands beside `generate` read what the pipeline reads or writes: [`explain`] and [`diff`] the
//! model, [`images`] the generated objects, [`doctor`] manifests written by anyone (with the model's
//! contract rules), [`import`] an existing Argo CD's cluster Secrets, [`credential`] the SPIFFE Workload
//! API. [`cli`] parses the command line and dispatches to them; `main` writes what they return.

// No command writes stdout behind `main`'s back: each returns its output in a `cli::Exit`, so a reader
// that stops early is handled once, in `cli::Exit::finish`.
#![deny(clippy::print_stdout)]

// The pipeline's stages, in the order they run (one group each, so that rustfmt keeps the order).
pub mod krm; // 1 and 6

pub mod config; // 2

pub mod resolve; // 3

pub mod model; // what 3 hands to 4

pub mod generate; // 4
pub mod kinds; // 4, per spoke kind (and the doctor's reader of it)
pub mod lint; // after 4

pub mod reconcile; // 5

pub mod pipeline; // 1 → 6 in one call, bytes in and bytes out

// Commands: the command line, and one module per subcommand whose work is more than printing.
pub mod cli;
pub mod credential;
pub mod diff;
pub mod doctor;
pub mod explain;
pub mod images;
pub mod import;

// Support, shared by stages and commands, owning no step of their own: typed API objects with more
// than one reader, problems on their way to results, `generate -o`'s file tree, the help text, what a
// reader of anyone's manifests observes, YAML.
pub mod api;
pub mod diag;
pub mod files;
pub mod help;
pub mod observed;
pub mod yaml;
