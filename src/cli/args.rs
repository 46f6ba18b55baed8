//! The clap definitions: every subcommand, flag and help text, and nothing that runs them.

use clap::{Parser, Subcommand};
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
