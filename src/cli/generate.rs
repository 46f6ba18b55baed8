//! The KRM function (no subcommand: a ResourceList on stdin) and `generate` (a config file in, a stream or
//! a tree of files out): both run [`crate::pipeline`]; this module only reads the input and prints.

use super::{read_config, report, Exit, Verbosity};
use crate::pipeline;
use std::io::Read;
use std::path::Path;

/// A `--target` value and how results about it name it: after the flag, not `spec.target`, since the
/// mistake is on the command line (or in the variable `--target-env` names), not in the file.
pub(super) struct Target {
    value: String,
    label: String,
}

impl Target {
    /// `--target`, or else the value of the variable `--target-env` names when it is set and not empty;
    /// `Err` (after saying why) when that value is not UTF-8.
    pub(super) fn from_flags(target: Option<String>, target_env: Option<String>) -> Result<Option<Target>, Exit> {
        Ok(match (target, target_env) {
            (Some(t), _) => Some(Target { value: t, label: "--target".into() }),
            (None, Some(name)) => match std::env::var(&name) {
                Ok(t) if !t.is_empty() => Some(Target { value: t, label: format!("--target-env {name}") }),
                Ok(_) | Err(std::env::VarError::NotPresent) => None,
                Err(std::env::VarError::NotUnicode(_)) => {
                    eprintln!("error: --target-env {name}: the variable's value is not UTF-8; set it to all, management, spoke/<name>, spoke/<name>/featuregate or control-plane/<name>.");
                    return Err(Exit::status(1));
                }
            },
            (None, None) => None,
        })
    }
}

/// The size of stdin when it is a file (`fn < package.yaml`), else 0. Reading into a buffer of that
/// size reads the package once; reading it into a growing one copies it at each doubling and leaves
/// the freed halves behind in the heap (1.3 MiB of peak RSS for a 1.7 MB package). A pipe (kpt,
/// kustomize) has no size and grows as before.
fn stdin_size() -> usize {
    use std::os::fd::AsFd;
    let file = std::io::stdin().as_fd().try_clone_to_owned().map(std::fs::File::from);
    file.and_then(|f| f.metadata())
        .ok()
        .filter(std::fs::Metadata::is_file)
        .and_then(|m| usize::try_from(m.len()).ok())
        .map_or(0, |len| len.min(crate::yaml::MAX_INPUT_BYTES))
}

/// The KRM function: a ResourceList on stdin, the ResourceList on stdout.
pub(super) fn function() -> Exit {
    let mut input = Vec::with_capacity(stdin_size());
    if let Err(e) = std::io::stdin().read_to_end(&mut input) {
        eprintln!("error: cannot read stdin: {e}");
        return Exit::status(1);
    }
    let outcome = pipeline::run_function(&input);
    eprint!("{}", outcome.stderr);
    Exit::print(outcome.stdout).with_status(u8::try_from(outcome.exit_code).unwrap_or(1))
}

/// `generate`: results on stderr, then the manifests as one stream, or written as files under `output`
/// with their paths on stdout.
pub(super) fn generate(config: &Path, target: Option<&Target>, output: Option<&Path>, verbosity: Verbosity) -> Exit {
    let Some((text, name)) = read_config(config) else { return Exit::status(1) };
    let to = if output.is_some() { pipeline::Output::Tree } else { pipeline::Output::Stream };
    let flag = target.map(|t| crate::resolve::TargetFlag { value: &t.value, label: &t.label });
    let pipeline::Generated { manifests, results, model } = pipeline::generate_for(&text, &name, flag, to);
    report(&results, verbosity);
    if results.iter().any(|r| r.severity == crate::diag::Severity::Error) {
        return Exit::status(1);
    }
    let Some(dir) = output else {
        let mut stream = String::new();
        for m in &manifests {
            stream.push_str("---\n");
            crate::files::write_document(&mut stream, m);
        }
        return Exit::print(stream);
    };
    // No model means an error, which returned above; never write a tree without one.
    let Some(model) = model else { return Exit::status(1) };
    let provenance = crate::files::Provenance::of(text.as_bytes());
    match crate::files::write_tree(dir, &model.owner, &model.target, &provenance, &manifests) {
        Ok(w) => {
            // Removals are news, on stderr.
            if verbosity != Verbosity::Quiet {
                for path in &w.removed {
                    eprintln!("removed: {}", dir.join(path).display());
                }
            }
            // The files written, one per line, for scripts.
            Exit::print(w.written.iter().map(|path| format!("{}\n", dir.join(path).display())).collect::<String>())
        }
        Err(e) => {
            eprintln!("error: cannot write output: {e}");
            Exit::status(1)
        }
    }
}
