//! `ztwim-gitops doctor`: why does the spoke answer 401 or 403? It reads manifests written by anyone —
//! this tool's output, hand-written ones, `oc get … -o yaml` — builds the trust contract they actually
//! describe ([`observe`]), and checks every link of it per cluster Secret → spoke pair ([`checks`]). It
//! does not read the function config: its job is to find where real manifests disagree, and the config
//! only says what they should have been.
//!
//! Offline by default; `--token` checks a JWT-SVID's claims against the same contract, and `--live`
//! fetches the issuer's discovery document and keys.

pub mod checks;
pub mod collect;
#[cfg(test)]
mod contract_property;
pub mod live;
pub mod observe;
pub mod report;
pub mod token;

use report::Link;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Manifests: files, directories (searched for *.yaml, *.yml, *.json) or `-` for stdin. Multi-document
    /// YAML, `List` kinds and ResourceLists are read. Spoke objects are matched to cluster Secrets by the
    /// ztwim-gitops.dev/target annotation, a spokes/<name>/ directory, or, for one spoke, by elimination.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
    /// A JWT-SVID (e.g. the plugin's token); its claims are decoded, not verified (see --live), and checked.
    #[arg(long, value_name = "FILE")]
    pub token: Option<PathBuf>,
    /// Also fetch each issuer's /.well-known/openid-configuration and JWKS over HTTPS (off by default).
    #[arg(long)]
    pub live: bool,
    /// PEM CA bundle to verify the issuer's TLS certificate with in --live (default: the spoke's issuer CA
    /// ConfigMap from the input, else the Mozilla roots).
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
    /// Report format.
    #[arg(long = "output", value_name = "FORMAT", default_value = "text", value_parser = ["text", "json"])]
    pub output: String,
    /// The current time as Unix seconds, for reproducible token checks.
    #[arg(long, value_name = "UNIX_SECONDS", hide = true)]
    pub now: Option<i64>,
}

/// Runs doctor; the exit code is 1 when any check failed (the input could not be read, or nothing in it
/// let a cluster Secret be checked against its spoke), else 0. `verbosity` (`-q`, `-v`) chooses the
/// text report's lines; JSON always carries every check.
pub fn run(args: &Args, verbosity: crate::cli::Verbosity) -> crate::cli::Exit {
    let input = collect::read(&args.paths);
    let mut checks = report::Checks::default();
    for e in &input.errors {
        checks.add("input", Link::Read, None, report::Status::Fail, (None, None), e.clone(), None);
    }
    if input.objects.is_empty() && input.errors.is_empty() {
        checks.add(
            "input",
            Link::Read,
            None,
            report::Status::Fail,
            (None, None),
            "no Kubernetes objects in the input",
            Some("Pass manifest files or directories, or `-` with manifests on stdin.".into()),
        );
    }
    let (management, spokes) = observe::observe(&input.objects);
    let pairs = checks::run(&management, &spokes, &mut checks);
    if input.errors.is_empty() && !input.objects.is_empty() {
        checks::coverage(&management, &spokes, &pairs, &mut checks);
    }
    let now = args.now.unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
    });
    let mut decoded = None;
    if let Some(path) = &args.token {
        let read = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))
            .and_then(|text| token::decode(&text).map_err(|e| format!("{}: {e}", path.display())));
        match read {
            Ok(t) => {
                token::check(&t, &management, &spokes, &pairs, now, &mut checks);
                decoded = Some(t);
            }
            Err(e) => checks.add("token", Link::Decode, None, report::Status::Fail, (None, None), e, None),
        }
    }
    if args.live {
        let ca = match &args.ca_file {
            None => Ok(None),
            Some(p) => {
                std::fs::read_to_string(p).map(Some).map_err(|e| format!("cannot read --ca-file {}: {e}", p.display()))
            }
        };
        match ca {
            Ok(ca) => live::check(&management, &spokes, ca.as_deref(), decoded.as_ref(), &mut checks),
            Err(e) => checks.add("live", Link::CaFile, None, report::Status::Fail, (None, None), e, None),
        }
    }
    let token_json = decoded.as_ref().map(token::Token::json);
    let text = match args.output.as_str() {
        "json" => report::json(&checks.list, token_json.as_ref()),
        _ => report::human(&checks.list, token_json.as_ref(), verbosity),
    };
    crate::cli::Exit::print(text).with_status(u8::from(checks.failed()))
}
