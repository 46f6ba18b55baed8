fn main() {
    std::process::exit(ztwim_gitops::cli::main());
}
