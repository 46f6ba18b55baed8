//! `completions` and `man`: shell completion scripts and roff manual pages, both rendered from the clap
//! definitions in [`super::args`].

use super::{Cli, Exit};
use clap::CommandFactory;
use std::path::Path;

/// `completions SHELL`.
pub(super) fn completions(shell: clap_complete::Shell) -> Exit {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "ztwim-gitops", &mut out);
    if shell == clap_complete::Shell::Bash {
        // For a hyphenated binary name, clap_complete's bash script names a subcommand's state one
        // way in its dispatch loop and another in its case arms, so nothing after a subcommand
        // completes (clap-rs/clap#6421, open). Spell the arms as the loop does; a no-op once fixed.
        out = String::from_utf8_lossy(&out).replace("ztwim__subcmd__gitops__", "ztwim__gitops__").into_bytes();
    }
    Exit::print(out)
}

/// `man`: the main page on stdout, or with `--dir` every page written into DIR.
pub(super) fn man(dir: Option<&Path>) -> Exit {
    match dir {
        None => {
            let mut out = Vec::new();
            match clap_mangen::Man::new(Cli::command()).render(&mut out) {
                Ok(()) => Exit::print(out),
                Err(e) => {
                    eprintln!("error: cannot render the manual page: {e}");
                    Exit::status(1)
                }
            }
        }
        Some(dir) => {
            match clap_mangen::generate_to(Cli::command(), dir) {
                Ok(()) => Exit::status(0),
                Err(e) => {
                    eprintln!("error: cannot write the manual pages into {}: {e}; it must be an existing, writable directory.", dir.display());
                    Exit::status(1)
                }
            }
        }
    }
}
