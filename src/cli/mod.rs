//! The command line: with no subcommand the binary is a KRM function (stdin → stdout); subcommands
//! serve CI pipes and tooling.
//!
//! `args.rs` defines the flags (clap), [`run`] dispatches, and one file per command does the reading and
//! printing around the library's stages: `generate.rs` (and the KRM function), `explain.rs`, `install.rs`
//! (`copy-file`, `install-to`), `complete.rs` (`completions`, `man`) and `commands.rs` (`images`,
//! `schema`); `doctor`, `import`, `diff` and `credential` live in their own modules.
//!
//! No command writes stdout itself: each returns an [`Exit`], its output and status, and
//! [`Exit::finish`] writes it, so a reader that stops early (`| head`) is handled by one rule, as
//! ripgrep's `main` does (BurntSushi/ripgrep@3fce3b5bb0236da2df6d99672afb8a719642eca7,
//! `crates/core/main.rs:44-66`). Unlike ripgrep, which exits 0, the command's own status stands: `diff`
//! still says 1 for "changes", `doctor` 1 for a failed check.

mod args;
mod commands;
mod complete;
mod explain;
mod generate;
mod install;

pub use args::{Cli, Command, ExplainFormat, ImagesFormat};

use crate::krm::KrmResult;
use clap::Parser;
use std::io::{Read, Write};

/// Which results `generate` prints on stderr (the KRM function always returns all of them), and which
/// checks `doctor` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

/// What a command hands back to `main`: the bytes for stdout and the exit status.
#[must_use]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exit {
    stdout: Vec<u8>,
    /// The status once stdout is written, or its reader has stopped early.
    status: u8,
    /// The status when stdout cannot be written for another reason (a full disk): 1, or a command's own
    /// code for trouble, such as `diff`'s 2 (its 1 means "changes").
    failure: u8,
}

impl Exit {
    /// Nothing for stdout (what there was to say went to stderr), exit `status`.
    pub fn status(status: u8) -> Exit {
        Exit { stdout: Vec::new(), status, failure: 1 }
    }

    /// `stdout` to print, exit 0.
    pub fn print(stdout: impl Into<Vec<u8>>) -> Exit {
        Exit { stdout: stdout.into(), status: 0, failure: 1 }
    }

    pub fn with_status(self, status: u8) -> Exit {
        Exit { status, ..self }
    }

    /// The status for a failure to write stdout other than a broken pipe (1 unless this says otherwise).
    pub fn failing_with(self, failure: u8) -> Exit {
        Exit { failure, ..self }
    }

    /// Writes stdout to `out` and returns the process's exit status. The one rule for a reader that stops
    /// early: a broken pipe is not an error, nothing is printed about it and the command's status stands;
    /// any other write error is reported on stderr and exits with the failure status.
    pub fn finish(self, out: &mut impl Write) -> u8 {
        match out.write_all(&self.stdout).and_then(|()| out.flush()) {
            Ok(()) => self.status,
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => self.status,
            Err(e) => {
                eprintln!("error: cannot write output: {e}");
                self.failure
            }
        }
    }
}

/// Parses the command line (clap exits on `--help` and on a usage error, as it does everywhere).
pub fn parse() -> Cli {
    Cli::parse()
}

/// Runs one command line to its [`Exit`].
pub fn run(cli: Cli) -> Exit {
    let verbosity = match (cli.quiet, cli.verbose) {
        (true, _) => Verbosity::Quiet,
        (_, true) => Verbosity::Verbose,
        _ => Verbosity::Normal,
    };
    match cli.command {
        None => generate::function(),
        Some(Command::Generate { config, target, target_env, output }) => {
            match generate::Target::from_flags(target, target_env) {
                Ok(target) => generate::generate(&config, target.as_ref(), output.as_deref(), verbosity),
                Err(exit) => exit,
            }
        }
        Some(Command::Explain { config, format }) => explain::explain(&config, format),
        Some(Command::Doctor(args)) => crate::doctor::run(&args, verbosity),
        Some(Command::Images { config, format, catalog }) => {
            commands::images(&config, format, catalog.as_deref(), verbosity)
        }
        Some(Command::Diff { old, new, output }) => crate::diff::run(&old, &new, &output),
        Some(Command::Import(args)) => crate::import::run(&args, verbosity == Verbosity::Quiet),
        Some(Command::Credential(args)) => crate::credential::run(&args),
        Some(Command::Schema) => commands::schema(),
        Some(Command::CopyFile { src, dst }) => install::copy_file(&src, &dst),
        Some(Command::InstallTo { dir }) => install::install_to(&dir, verbosity),
        Some(Command::Completions { shell }) => complete::completions(shell),
        Some(Command::Man { dir }) => complete::man(dir.as_deref()),
    }
}

/// A config file's text and the name results give it; None (after saying why) when it cannot be read.
/// `-` is stdin, as for most CLIs; a file of that name is `./-`.
pub(super) fn read_config(config: &std::path::Path) -> Option<(String, String)> {
    let (read, name) = if config.as_os_str() == "-" {
        let mut text = String::new();
        (std::io::stdin().read_to_string(&mut text).map(|_| text), "stdin".to_string())
    } else {
        (std::fs::read_to_string(config), config.display().to_string())
    };
    match read {
        Ok(text) => Some((text, name)),
        Err(e) => {
            eprintln!("error: cannot read {name}: {e}");
            None
        }
    }
}

/// Results on stderr, in the same words as the KRM results. Left-out infos are counted by default, so
/// a user who never passes -v still learns that there is more; what cannot be undone is a warning, shown.
pub(super) fn report(results: &[KrmResult], verbosity: Verbosity) {
    use crate::diag::Severity;
    let shown = |s: Severity| match verbosity {
        Verbosity::Quiet => s == Severity::Error,
        Verbosity::Normal => s != Severity::Info,
        Verbosity::Verbose => true,
    };
    // One write: standard error is unbuffered, and `eprintln!` made a system call per piece of every
    // line (a 1,000-spoke fleet's 3,001 warnings were some 12,000 calls).
    let mut text = String::new();
    for r in results.iter().filter(|r| shown(r.severity)) {
        text.push_str(r.severity.as_str());
        text.push_str(": ");
        text.push_str(&r.human_line());
        text.push('\n');
    }
    let infos = results.iter().filter(|r| r.severity == Severity::Info).count();
    if verbosity == Verbosity::Normal && infos > 0 {
        let s = if infos == 1 { "" } else { "s" };
        text.push_str(&format!("note: {infos} info result{s} not shown; -v shows them\n"));
    }
    eprint!("{text}");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stdout whose reader is gone, or a full disk.
    struct Closed(std::io::ErrorKind);

    impl Write for Closed {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(self.0.into())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_reader_that_stops_early_keeps_the_commands_status() {
        for status in [0, 1, 2] {
            let exit = Exit::print("text\n").with_status(status).failing_with(2);
            assert_eq!(exit.finish(&mut Closed(std::io::ErrorKind::BrokenPipe)), status);
        }
        let mut out = Vec::new();
        assert_eq!(Exit::print("text\n").with_status(1).finish(&mut out), 1);
        assert_eq!(out, b"text\n");
    }

    #[test]
    fn any_other_write_error_is_the_commands_failure() {
        let full = || Closed(std::io::ErrorKind::StorageFull);
        assert_eq!(Exit::print("text\n").finish(&mut full()), 1);
        assert_eq!(Exit::print("text\n").with_status(1).failing_with(2).finish(&mut full()), 2);
        // Nothing to write, nothing to fail.
        assert_eq!(Exit::status(0).finish(&mut full()), 0);
    }
}
