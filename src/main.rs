use std::process::ExitCode;
use ztwim_gitops::cli;

fn main() -> ExitCode {
    let exit = cli::run(cli::parse());
    ExitCode::from(exit.finish(&mut std::io::stdout().lock()))
}
