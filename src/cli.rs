//! The command line: with no subcommand the binary is a KRM function (stdin → stdout); subcommands
//! serve CI pipes and tooling.

use crate::krm::KrmResult;
use crate::pipeline;
use clap::{CommandFactory, Parser, Subcommand};
use std::io::{Read, Write};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "ztwim-gitops",
    version,
    about = crate::help::short(),
    long_about = crate::help::long(),
    after_help = crate::help::examples(),
    // The help text is laid out in the README already; never rewrap it to a terminal (clap does when any
    // crate in the build, e.g. a benchmark harness, turns on its `wrap_help` feature).
    term_width = 0
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Print only errors (doctor: only failures and the summary).
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print info results too (by default: errors, warnings and a count of the infos left out; doctor: the
    /// passes too).
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Print the manifests for a function config file (either form) as a multi-document YAML stream.
    ///
    /// One stream never mixes clusters unless asked: for a config with spokes, choose a cluster with
    /// --target (or spec.target), or ask for the whole fleet with --target all; with -o, the files are
    /// split by cluster instead. Results go to stderr as `<severity>: <field.path>: <message>`; any error
    /// exits 1 and prints no manifests.
    Generate {
        /// The function config: a ZtwimGitOps object or a ConfigMap; `-` reads it from stdin.
        #[arg(short = 'c', long = "config", value_name = "CONFIG.yaml")]
        config: PathBuf,
        /// Which cluster's manifests (overrides the config's spec.target): all (the whole fleet),
        /// management, spoke/<name>, spoke/<name>/featuregate (only an OpenShift 4.19 spoke's FeatureGate,
        /// applied before the rest) or control-plane/<name> (a hosted or eks spoke's objects for the
        /// cluster that configures its API server).
        #[arg(long, value_name = "TARGET", conflicts_with = "target_env")]
        target: Option<String>,
        /// Take --target from the environment variable NAME when it is set and not empty, e.g. PARAM_TARGET,
        /// which Argo CD sets from a config management plugin parameter `target` (no shell needed).
        #[arg(long, value_name = "NAME")]
        target_env: Option<String>,
        /// Write files split by cluster (DIR/management/…, DIR/spokes/<name>/…, DIR/control-plane/<name>/…)
        /// instead of stdout. A run replaces and removes only the files of the targets it generated, and
        /// records which version and config produced them in DIR/.ztwim-gitops/<config name>.yaml.
        #[arg(short = 'o', long = "output", value_name = "DIR")]
        output: Option<PathBuf>,
    },
    /// Explain each spoke's trust chain: which pod presents which SPIFFE ID, the token it sends to which
    /// server, what the spoke checks, and the username and RBAC it becomes.
    Explain {
        /// The function config: a ZtwimGitOps object or a ConfigMap.
        #[arg(short = 'c', long = "config", value_name = "CONFIG.yaml")]
        config: PathBuf,
        /// `text`, or `mermaid` for a diagram that renders in GitHub and GitLab Markdown.
        #[arg(long, value_enum, default_value = "text")]
        format: ExplainFormat,
    },
    /// Check manifests (any author) for why a spoke would answer 401/403: every link of the trust chain,
    /// per cluster Secret and spoke. Exits 1 when a check fails.
    Doctor(crate::doctor::Args),
    /// Print every container image the generated output references, one per line, sorted: what a
    /// disconnected hub must mirror (with the default `execAuth.method: builtin`, only this project's
    /// image). With --format oc-mirror, an oc-mirror v2 ImageSetConfiguration that also lists the OLM
    /// packages and channels the output subscribes to.
    Images {
        /// The function config: a ZtwimGitOps object or a ConfigMap; `-` reads it from stdin.
        #[arg(short = 'c', long = "config", value_name = "CONFIG.yaml")]
        config: PathBuf,
        /// `list` (one image per line) or `oc-mirror` (an ImageSetConfiguration, apiVersion
        /// mirror.openshift.io/v2alpha1).
        #[arg(long, value_enum, default_value = "list")]
        format: ImagesFormat,
        /// With --format oc-mirror: the operator catalog image the Subscriptions' packages are mirrored
        /// from, e.g. registry.redhat.io/redhat/redhat-operator-index:v4.20 (the hub's OpenShift version).
        #[arg(long, value_name = "IMAGE")]
        catalog: Option<String>,
    },
    /// Turn an existing Argo CD's cluster Secrets (and kubeconfig contexts) into a config, and with --plan
    /// write the cut-over from token clusters to keyless ones as reviewable scripts.
    ///
    /// The config goes to stdout; results to stderr, all of them (each cluster's account is an info).
    /// No credential is ever copied. Exits 1 on any error, printing no config.
    Import(crate::import::Args),
    /// Show what changing a config from OLD to NEW does, per cluster: each generated object added, removed
    /// or changed, and whether Argo CD syncs it on the hub or an admin applies it on a spoke, whether it
    /// starts a kube-apiserver rollout, is irreversible, removes OAuth login or changes who is trusted.
    ///
    /// Exits 0 when nothing changes, 1 when something does, 2 on an error (like `diff`).
    Diff {
        /// The config before the change (e.g. `git show main:fleet.yaml > old.yaml`).
        #[arg(value_name = "OLD")]
        old: PathBuf,
        /// The config after it.
        #[arg(value_name = "NEW")]
        new: PathBuf,
        /// `text`, `json`, or `markdown` for a pull-request comment.
        #[arg(long = "output", value_name = "FORMAT", default_value = "text", value_parser = ["text", "json", "markdown"])]
        output: String,
    },
    /// Print the JSON Schema of the function config.
    Schema,
    /// Fetch a JWT-SVID from the SPIFFE Workload API and print it as an ExecCredential (the exec
    /// credential plugin Argo CD's cluster Secrets run).
    ///
    /// The reported expiry is safely before the token's (see docs/credential-helper.md). Reads the same
    /// variables as k8s-spiffe-workload-jwt-exec-auth; flags win. Every failure is one line on stderr and
    /// exit code 1. --check shows the SVID's claims instead, never the token.
    Credential(crate::credential::Args),
    /// Copy the file SRC to DST with mode 0755, atomically: what the init containers of `execAuth.method`
    /// builtin (this binary into binDir) and image (the plugin out of its shell-less image) run.
    CopyFile {
        #[arg(value_name = "SRC")]
        src: PathBuf,
        #[arg(value_name = "DST")]
        dst: PathBuf,
    },
    /// Copy this binary into DIR (mode 0755): an init container using our image, which has no `cp`,
    /// installs the function into Argo CD's repo-server this way.
    InstallTo {
        /// An existing directory, e.g. an emptyDir the repo-server container mounts.
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
    /// Print a shell completion script for SHELL.
    Completions {
        #[arg(value_name = "SHELL")]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. into /usr/local/share/man/man1/ztwim-gitops.1.
    ///
    /// With --dir, write it and one page per subcommand (ztwim-gitops-generate.1, …), which the main
    /// page's SUBCOMMANDS section refers to.
    Man {
        /// An existing directory to write the pages into, e.g. /usr/local/share/man/man1.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

/// Which results `generate` prints on stderr (the KRM function always returns all of them), and which
/// checks `doctor` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImagesFormat {
    List,
    OcMirror,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum ExplainFormat {
    Text,
    Mermaid,
}

/// Runs the CLI; returns the process exit code.
pub fn main() -> i32 {
    let cli = Cli::parse();
    let verbosity = match (cli.quiet, cli.verbose) {
        (true, _) => Verbosity::Quiet,
        (_, true) => Verbosity::Verbose,
        _ => Verbosity::Normal,
    };
    match cli.command {
        None => run_function(),
        Some(Command::Generate { config, target, target_env, output }) => {
            let target = match (target, target_env) {
                (Some(t), _) => Some(Target { value: t, label: "--target".into() }),
                (None, Some(name)) => match std::env::var(&name) {
                    Ok(t) if !t.is_empty() => Some(Target { value: t, label: format!("--target-env {name}") }),
                    Ok(_) | Err(std::env::VarError::NotPresent) => None,
                    Err(std::env::VarError::NotUnicode(_)) => {
                        eprintln!("error: --target-env {name}: the variable's value is not UTF-8; set it to all, management, spoke/<name>, spoke/<name>/featuregate or control-plane/<name>.");
                        return 1;
                    }
                },
                (None, None) => None,
            };
            run_generate(&config, target.as_ref(), output.as_deref(), verbosity)
        }
        Some(Command::Explain { config, format }) => run_explain(&config, format),
        Some(Command::Doctor(args)) => crate::doctor::run(&args, verbosity),
        Some(Command::Images { config, format, catalog }) => run_images(&config, format, catalog.as_deref(), verbosity),
        Some(Command::Diff { old, new, output }) => crate::diff::run(&old, &new, &output),
        Some(Command::Import(args)) => crate::import::run(&args, verbosity == Verbosity::Quiet),
        Some(Command::Credential(args)) => crate::credential::run(&args),
        Some(Command::Schema) => {
            let schema = crate::config::schema::json_schema();
            println!("{}", serde_json::to_string_pretty(&schema).expect("a schema serialises"));
            0
        }
        Some(Command::CopyFile { src, dst }) => match copy_executable(&src, &dst) {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("error: cannot copy {} to {}: {e}", src.display(), dst.display());
                1
            }
        },
        Some(Command::InstallTo { dir }) => match install_to(&dir) {
            Ok(dest) => {
                if verbosity != Verbosity::Quiet {
                    eprintln!("installed {}", dest.display());
                }
                0
            }
            Err(e) => {
                eprintln!("error: cannot install into {}: {e}", dir.display());
                1
            }
        },
        Some(Command::Completions { shell }) => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "ztwim-gitops", &mut out);
            if shell == clap_complete::Shell::Bash {
                // For a hyphenated binary name, clap_complete's bash script names a subcommand's state one
                // way in its dispatch loop and another in its case arms, so nothing after a subcommand
                // completes (clap-rs/clap#6421, open). Spell the arms as the loop does; a no-op once fixed.
                out = String::from_utf8_lossy(&out).replace("ztwim__subcmd__gitops__", "ztwim__gitops__").into_bytes();
            }
            write_stdout(&out)
        }
        Some(Command::Man { dir: None }) => {
            let mut out = Vec::new();
            match clap_mangen::Man::new(Cli::command()).render(&mut out) {
                Ok(()) => write_stdout(&out),
                Err(e) => {
                    eprintln!("error: cannot render the manual page: {e}");
                    1
                }
            }
        }
        Some(Command::Man { dir: Some(dir) }) => {
            match clap_mangen::generate_to(Cli::command(), &dir) {
                Ok(()) => 0,
                Err(e) => {
                    eprintln!("error: cannot write the manual pages into {}: {e}; it must be an existing, writable directory.", dir.display());
                    1
                }
            }
        }
    }
}

/// A `--target` value and how results about it name it: after the flag, not `spec.target`, since the
/// mistake is on the command line (or in the variable `--target-env` names), not in the file.
struct Target {
    value: String,
    label: String,
}

/// Writes generated text to stdout; a reader that stops early (`| head`) is not an error.
pub(crate) fn write_stdout(bytes: &[u8]) -> i32 {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => 0,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(e) => {
            eprintln!("error: cannot write output: {e}");
            1
        }
    }
}

fn install_to(dir: &std::path::Path) -> std::io::Result<PathBuf> {
    let dest = dir.join("ztwim-gitops");
    copy_executable(&std::env::current_exe()?, &dest)?;
    Ok(dest)
}

/// Copies under a temporary name beside `dst` and renames, so a concurrent reader never sees a
/// half-written binary.
fn copy_executable(src: &std::path::Path, dst: &std::path::Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let name = dst.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let partial = dst.with_file_name(format!(".{name}.partial"));
    std::fs::copy(src, &partial)?;
    std::fs::set_permissions(&partial, std::fs::Permissions::from_mode(0o755))?;
    std::fs::rename(&partial, dst)
}

fn run_function() -> i32 {
    let mut input = Vec::new();
    if let Err(e) = std::io::stdin().read_to_end(&mut input) {
        eprintln!("error: cannot read stdin: {e}");
        return 1;
    }
    let outcome = pipeline::run_function(&input);
    print!("{}", outcome.stdout);
    eprint!("{}", outcome.stderr);
    outcome.exit_code
}

fn run_generate(
    config: &std::path::Path,
    target: Option<&Target>,
    output: Option<&std::path::Path>,
    verbosity: Verbosity,
) -> i32 {
    let Some((text, name)) = read_config(config) else { return 1 };
    let to = if output.is_some() { pipeline::Output::Tree } else { pipeline::Output::Stream };
    let flag = target.map(|t| crate::resolve::TargetFlag { value: &t.value, label: &t.label });
    let pipeline::Generated { manifests, results, model } = pipeline::generate_for(&text, &name, flag, to);
    report(&results, verbosity);
    if results.iter().any(|r| r.severity == crate::diag::Severity::Error) {
        return 1;
    }
    let written = match output {
        None => {
            let mut out = std::io::stdout().lock();
            manifests.iter().try_for_each(|m| write!(out, "---\n{}", crate::files::document(m)))
        }
        Some(dir) => {
            // No model means an error, which returned above; never write a tree without one.
            let Some(model) = model else { return 1 };
            let provenance = crate::files::Provenance::of(text.as_bytes());
            crate::files::write_tree(dir, &model.owner, &model.target, &provenance, &manifests).map(|w| {
                // The files written, one per line, for scripts; removals are news, on stderr.
                for path in &w.written {
                    println!("{}", dir.join(path).display());
                }
                if verbosity != Verbosity::Quiet {
                    for path in &w.removed {
                        eprintln!("removed: {}", dir.join(path).display());
                    }
                }
            })
        }
    };
    if let Err(e) = written {
        // A reader that stops early (`| head`) is not an error worth reporting.
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return 0;
        }
        eprintln!("error: cannot write output: {e}");
        return 1;
    }
    0
}

/// A config file's text and the name results give it; None (after saying why) when it cannot be read.
/// `-` is stdin, as for most CLIs; a file of that name is `./-`.
fn read_config(config: &std::path::Path) -> Option<(String, String)> {
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

/// `images`: the config's results as `generate` reports them, then the images of every cluster's output.
fn run_images(config: &std::path::Path, format: ImagesFormat, catalog: Option<&str>, verbosity: Verbosity) -> i32 {
    let Some((text, name)) = read_config(config) else { return 1 };
    let (manifests, results) = pipeline::generate_from_file(&text, &name, Some("all"));
    report(&results, verbosity);
    if results.iter().any(|r| r.severity == crate::diag::Severity::Error) {
        return 1;
    }
    let out = match format {
        ImagesFormat::List => crate::images::images(&manifests).iter().map(|i| format!("{i}\n")).collect(),
        ImagesFormat::OcMirror => match crate::images::oc_mirror(&manifests, catalog) {
            Ok(text) => text,
            Err(message) => {
                eprintln!("error: --catalog: {message}");
                return 1;
            }
        },
    };
    write_stdout(out.as_bytes())
}

fn run_explain(config: &std::path::Path, format: ExplainFormat) -> i32 {
    let text = match std::fs::read_to_string(config) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", config.display());
            return 1;
        }
    };
    let (model, results) = pipeline::model_from_file(&text, &config.display().to_string());
    report(&results, Verbosity::Quiet);
    let Some(model) = model else { return 1 };
    let format = match format {
        ExplainFormat::Text => crate::explain::Format::Text,
        ExplainFormat::Mermaid => crate::explain::Format::Mermaid,
    };
    print!("{}", crate::explain::explain(&model, format));
    0
}

/// Results on stderr, in the same words as the KRM results. Left-out infos are counted by default, so
/// a user who never passes -v still learns that there is more; what cannot be undone is a warning, shown.
fn report(results: &[KrmResult], verbosity: Verbosity) {
    use crate::diag::Severity;
    let shown = |s: Severity| match verbosity {
        Verbosity::Quiet => s == Severity::Error,
        Verbosity::Normal => s != Severity::Info,
        Verbosity::Verbose => true,
    };
    for r in results.iter().filter(|r| shown(r.severity)) {
        eprintln!("{}: {}", r.severity.as_str(), r.human_line());
    }
    let infos = results.iter().filter(|r| r.severity == Severity::Info).count();
    if verbosity == Verbosity::Normal && infos > 0 {
        let s = if infos == 1 { "" } else { "s" };
        eprintln!("note: {infos} info result{s} not shown; -v shows them");
    }
}
