//! kpt catalog conventions: `metadata.yaml` in the catalog's format, and `kpt fn doc --image` showing the
//! function's help through the real kpt and the image built from our Dockerfile.

use crate::support as common;

use common::*;
use serde::Deserialize;
use std::path::Path;
use std::process::Command;

/// The catalog's metadata.yaml: every field its `scripts/verify-docs.py` requires (`required_fields`),
/// plus the optional ones its `scripts/generate_catalog/generate_catalog.go` reads (`hidden`, `types`,
/// `keywords`); GoogleContainerTools/kpt-functions-catalog @c2aa10bfd276 and @7b8e0bdbf0c9. Unknown fields
/// are refused, so a misspelt key (`sourceUrl`) fails here rather than being silently dropped by the
/// catalog's lenient YAML reader.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Metadata {
    image: String,
    description: String,
    tags: Vec<String>,
    #[serde(rename = "sourceURL")]
    source_url: String,
    #[serde(rename = "examplePackageURLs")]
    example_package_urls: Vec<String>,
    emails: Vec<String>,
    license: String,
    #[serde(default)]
    #[allow(dead_code)]
    hidden: bool,
    #[serde(default)]
    types: Vec<String>,
    #[serde(default)]
    #[allow(dead_code)]
    keywords: Vec<String>,
}

fn metadata() -> Metadata {
    let text = std::fs::read_to_string(Path::new(ROOT).join("metadata.yaml")).unwrap();
    serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("metadata.yaml: {e}"))
}

#[test]
fn metadata_yaml_has_the_catalog_fields_and_agrees_with_the_crate_and_the_image() {
    let m = metadata();
    let repository = env!("CARGO_PKG_REPOSITORY");
    // The catalog names images without a tag; the examples pin the crate's version.
    assert_eq!(format!("{}:{}", m.image, env!("CARGO_PKG_VERSION")), IMAGE);
    assert_eq!(m.description, ztwim_gitops::help::short(), "one description: the README's mdtogo:Short");
    assert_eq!(m.license, env!("CARGO_PKG_LICENSE"));
    assert!(m.tags.iter().any(|t| t == "generator"), "{:?}", m.tags);
    // generate_catalog.go derives the function's types from tags (or `types`): mutator and/or validator.
    assert!(m.tags.iter().chain(&m.types).any(|t| t == "mutator" || t == "validator"), "{:?}", m.tags);
    assert_eq!(m.source_url, format!("{repository}/tree/main"));
    assert!(m.emails.iter().all(|e| e.contains('@')), "{:?}", m.emails);
    assert!(!m.example_package_urls.is_empty());
    let prefix = format!("{repository}/tree/main/");
    let mut listed = Vec::new();
    for url in &m.example_package_urls {
        let rel = url.strip_prefix(&prefix).unwrap_or_else(|| panic!("{url} is not under {prefix}"));
        let dir = Path::new(ROOT).join(rel);
        let readme = std::fs::read_to_string(dir.join("README.md")).unwrap_or_else(|e| panic!("{rel}/README.md: {e}"));
        // verify-docs.py: the title is the first line, `# <fn-name>: Example Name`.
        let title = readme.lines().next().unwrap_or_default();
        assert!(title.starts_with("# ztwim-gitops: "), "{rel}/README.md: title `{title}`");
        listed.push(rel.to_string());
    }
    // Every example directory is listed (verify-docs.py refuses an example no metadata.yaml names).
    for entry in std::fs::read_dir(Path::new(ROOT).join("examples")).unwrap() {
        let name = format!("examples/{}", entry.unwrap().file_name().to_string_lossy());
        assert!(listed.contains(&name), "{name} is not in examplePackageURLs");
    }
}

#[test]
fn metadata_mirror_refuses_misspelt_and_missing_fields() {
    let text = std::fs::read_to_string(Path::new(ROOT).join("metadata.yaml")).unwrap();
    let misspelt = text.replace("sourceURL:", "sourceUrl:");
    assert_ne!(misspelt, text);
    assert!(serde_yaml_ng::from_str::<Metadata>(&misspelt).is_err());
    let without_emails: String = text.lines().filter(|l| !l.starts_with("emails:")).map(|l| format!("{l}\n")).collect();
    assert!(serde_yaml_ng::from_str::<Metadata>(&without_emails).is_err());
}

/// The real `kpt fn doc --image` (kptdev/kpt internal/cmdfndoc/cmdfndoc.go: `docker run --rm -a STDOUT -a
/// STDERR IMAGE --help`, stdout printed with a newline) on the image from our Dockerfile, run through the
/// buildah adapter: it shows exactly the binary's `--help`.
#[test]
fn kpt_fn_doc_shows_the_images_help() {
    if !have("kpt") {
        return;
    }
    let Some(image) = image() else { return };
    let out =
        run(Command::new("kpt").args(["fn", "doc", "--image", image]).env("PATH", path_with_docker_adapter()), true);
    let native = run(Command::new(BIN).arg("--help"), true);
    let help = String::from_utf8(native.stdout).unwrap();
    assert!(help.contains("Examples:") && help.contains("ztwim-gitops generate"), "{help}");
    assert_eq!(String::from_utf8(out.stdout).unwrap(), format!("{help}\n"));
}
