//! `copy-file` and `install-to`: what the init containers run to put an executable into a shared volume.

use super::{Exit, Verbosity};
use std::path::{Path, PathBuf};

/// `copy-file SRC DST`.
pub(super) fn copy_file(src: &Path, dst: &Path) -> Exit {
    match copy_executable(src, dst) {
        Ok(()) => Exit::status(0),
        Err(e) => {
            eprintln!("error: cannot copy {} to {}: {e}", src.display(), dst.display());
            Exit::status(1)
        }
    }
}

/// `install-to DIR`.
pub(super) fn install_to(dir: &Path, verbosity: Verbosity) -> Exit {
    match install_self(dir) {
        Ok(dest) => {
            if verbosity != Verbosity::Quiet {
                eprintln!("installed {}", dest.display());
            }
            Exit::status(0)
        }
        Err(e) => {
            eprintln!("error: cannot install into {}: {e}", dir.display());
            Exit::status(1)
        }
    }
}

fn install_self(dir: &Path) -> std::io::Result<PathBuf> {
    let dest = dir.join("ztwim-gitops");
    copy_executable(&std::env::current_exe()?, &dest)?;
    Ok(dest)
}

/// Copies under a temporary name beside `dst` and renames, so a concurrent reader never sees a
/// half-written binary.
fn copy_executable(src: &Path, dst: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let name = dst.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let partial = dst.with_file_name(format!(".{name}.partial"));
    std::fs::copy(src, &partial)?;
    std::fs::set_permissions(&partial, std::fs::Permissions::from_mode(0o755))?;
    std::fs::rename(&partial, dst)
}
