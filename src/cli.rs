//! The command line: with no subcommand the binary is a KRM function (stdin → stdout); subcommands
//! serve CI pipes and tooling.

use crate::krm::KrmResult;
use crate::pipeline;
use clap::{Parser, Subcommand};
use std::io::{Read, Write};
use std::path::PathBuf;

const EXAMPLES: &str = "Examples:
  # As a KRM function (kpt, kustomize, or a pipe): a ResourceList on stdin
  kpt fn source pkg | ztwim-gitops | kpt fn sink out
  kpt fn eval pkg --exec ztwim-gitops -- appDomain=apps.mgmt.example.com spokeServer=https://api.spoke.example.com:6443

  # Print every manifest for a config, or only one cluster's, or write them split by cluster
  ztwim-gitops generate -c fn-config/minimal.yaml
  ztwim-gitops generate -c fn-config/fleet.yaml --target spoke/spoke-a > spoke-a.yaml
  ztwim-gitops generate -c fn-config/fleet.yaml -o out/

  # The JSON Schema of the function config
  ztwim-gitops schema

  # Install the binary into a directory (an init container of Argo CD's repo-server)
  ztwim-gitops install-to /custom-tools";

#[derive(Parser, Debug)]
#[command(
    name = "ztwim-gitops",
    version,
    about = "Generates everything OpenShift GitOps needs to reach spoke clusters with SPIFFE JWT-SVIDs from ZTWIM.",
    long_about = "Generates everything OpenShift GitOps (Argo CD) needs to reach spoke clusters with short-lived SPIFFE \
JWT-SVIDs from the zero trust workload identity manager (ZTWIM): the ZTWIM operator and instance, the ArgoCD CR with \
the SPIFFE CSI volume and exec plugin, cluster Secrets without tokens, and per spoke the external OIDC Authentication, \
CA bundle and RBAC.\n\nWith no subcommand it is a KRM function: it reads a ResourceList on stdin and writes one on stdout.",
    after_help = EXAMPLES
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Print the manifests for a function config file (either form) as a multi-document YAML stream.
    ///
    /// With -o, write them as files instead. Results go to stderr as `<severity>: <field.path>: <message>`;
    /// any error exits 1 and prints no manifests.
    Generate {
        /// The function config: a ZtwimGitOps object or a ConfigMap.
        #[arg(short = 'c', long = "config", value_name = "CONFIG.yaml")]
        config: PathBuf,
        /// Which cluster's manifests: all, management or spoke/<name> (overrides the config's target).
        #[arg(long, value_name = "TARGET")]
        target: Option<String>,
        /// Write files split by cluster (DIR/management/…, DIR/spokes/<name>/…) instead of stdout.
        #[arg(short = 'o', long = "output", value_name = "DIR")]
        output: Option<PathBuf>,
    },
    /// Print the JSON Schema of the function config.
    Schema,
    /// Copy this binary into DIR (mode 0755): an init container using our image, which has no `cp`,
    /// installs the function into Argo CD's repo-server this way.
    InstallTo {
        /// An existing directory, e.g. an emptyDir the repo-server container mounts.
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
}

/// Runs the CLI; returns the process exit code.
pub fn main() -> i32 {
    let cli = Cli::parse();
    match cli.command {
        None => run_function(),
        Some(Command::Generate { config, target, output }) => {
            run_generate(&config, target.as_deref(), output.as_deref())
        }
        Some(Command::Schema) => {
            let schema = crate::config::schema::json_schema();
            println!("{}", serde_json::to_string_pretty(&schema).expect("a schema serialises"));
            0
        }
        Some(Command::InstallTo { dir }) => match install_to(&dir) {
            Ok(dest) => {
                eprintln!("installed {}", dest.display());
                0
            }
            Err(e) => {
                eprintln!("error: cannot install into {}: {e}", dir.display());
                1
            }
        },
    }
}

fn install_to(dir: &std::path::Path) -> std::io::Result<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let exe = std::env::current_exe()?;
    let dest = dir.join("ztwim-gitops");
    // Copy under a temporary name and rename, so a concurrent reader never sees a half-written binary.
    let partial = dir.join(".ztwim-gitops.partial");
    std::fs::copy(&exe, &partial)?;
    std::fs::set_permissions(&partial, std::fs::Permissions::from_mode(0o755))?;
    std::fs::rename(&partial, &dest)?;
    Ok(dest)
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

fn run_generate(config: &std::path::Path, target: Option<&str>, output: Option<&std::path::Path>) -> i32 {
    let text = match std::fs::read_to_string(config) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", config.display());
            return 1;
        }
    };
    let (manifests, results) = pipeline::generate_from_file(&text, &config.display().to_string(), target);
    report(&results);
    if results.iter().any(|r| r.severity == crate::diag::Severity::Error) {
        return 1;
    }
    let written = match output {
        None => {
            let mut out = std::io::stdout().lock();
            manifests.iter().try_for_each(|m| write!(out, "---\n{}", to_yaml(&m.object)))
        }
        Some(dir) => write_split(dir, &manifests),
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

fn to_yaml(v: &serde_yaml_ng::Value) -> String {
    crate::yaml::to_string(v)
}

/// One file per object, in the same layout kpt packages get: objects that share a path (RoleBindings of
/// one name in several namespaces) share the file, in emission order, as kpt stores them.
fn write_split(dir: &std::path::Path, manifests: &[crate::generate::Manifest]) -> std::io::Result<()> {
    let mut files: indexmap::IndexMap<PathBuf, Vec<String>> = indexmap::IndexMap::new();
    for m in manifests {
        files.entry(dir.join(m.cluster.file(m.kind(), m.name()))).or_default().push(to_yaml(&m.object));
    }
    for (path, docs) in files {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, docs.join("---\n"))?;
    }
    Ok(())
}

/// Results on stderr, in the same words as the KRM results.
fn report(results: &[KrmResult]) {
    for r in results {
        eprintln!("{}: {}", r.severity.as_str(), r.human_line());
    }
}
