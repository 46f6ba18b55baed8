//! `explain`: the model of a config, told as each spoke's trust chain ([`crate::explain`] words it).

use super::{report, Exit, ExplainFormat, Verbosity};
use crate::pipeline;
use std::path::Path;

pub(super) fn explain(config: &Path, format: ExplainFormat) -> Exit {
    let text = match std::fs::read_to_string(config) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", config.display());
            return Exit::status(1);
        }
    };
    let (model, results) = pipeline::model_from_file(&text, &config.display().to_string());
    report(&results, Verbosity::Quiet);
    let Some(model) = model else { return Exit::status(1) };
    let format = match format {
        ExplainFormat::Text => crate::explain::Format::Text,
        ExplainFormat::Mermaid => crate::explain::Format::Mermaid,
    };
    Exit::print(crate::explain::explain(&model, format))
}
