use std::process::ExitCode;
use ztwim_gitops::cli;

/// mimalloc instead of the C library's allocator: generating and emitting build and free many small
/// values, and musl's allocator (the image's static binary) is slow at that. The library keeps the
/// default, so tests and embedders choose their own.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let exit = cli::run(cli::parse());
    ExitCode::from(exit.finish(&mut std::io::stdout().lock()))
}
