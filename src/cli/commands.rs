//! The small subcommands whose work lives elsewhere: `images` ([`crate::images`]) and `schema`
//! ([`crate::config::schema`]); `doctor`, `import`, `diff` and `credential` are dispatched straight to
//! their modules in [`super::run`].

use super::{read_config, report, Exit, ImagesFormat, Verbosity};
use crate::pipeline;
use std::path::Path;

/// `images`: the config's results as `generate` reports them, then the images of every cluster's output.
pub(super) fn images(config: &Path, format: ImagesFormat, catalog: Option<&str>, verbosity: Verbosity) -> Exit {
    let Some((text, name)) = read_config(config) else { return Exit::status(1) };
    let (manifests, results) = pipeline::generate_from_file(&text, &name, Some("all"));
    report(&results, verbosity);
    if results.iter().any(|r| r.severity == crate::diag::Severity::Error) {
        return Exit::status(1);
    }
    match format {
        ImagesFormat::List => {
            Exit::print(crate::images::images(&manifests).iter().map(|i| format!("{i}\n")).collect::<String>())
        }
        ImagesFormat::OcMirror => match crate::images::oc_mirror(&manifests, catalog) {
            Ok(text) => Exit::print(text),
            Err(message) => {
                eprintln!("error: --catalog: {message}");
                Exit::status(1)
            }
        },
    }
}

/// `schema`: the JSON Schema of the function config.
pub(super) fn schema() -> Exit {
    let schema = crate::config::schema::json_schema();
    Exit::print(format!("{}\n", serde_json::to_string_pretty(&schema).expect("a schema serialises")))
}
