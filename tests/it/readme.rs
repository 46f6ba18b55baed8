//! The README as a map a reader can follow: its contents list every section, every link into it lands on a
//! heading, and every section name another file quotes (`README "Image and release"`) still exists. A
//! section renamed or moved without its references fails here instead of leaving a stale pointer.

use crate::support as common;

use common::{read, ROOT};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The lines of `markdown` outside fenced code blocks.
fn prose_lines(markdown: &str) -> Vec<&str> {
    let mut fenced = false;
    markdown
        .lines()
        .filter(|line| {
            let fence = line.trim_start().starts_with("```");
            fenced ^= fence;
            !fence && !fenced
        })
        .collect()
}

/// Markdown headings outside fenced code blocks: (level, text).
fn headings(markdown: &str) -> Vec<(usize, String)> {
    prose_lines(markdown)
        .into_iter()
        .filter_map(|line| {
            let level = line.chars().take_while(|&c| c == '#').count();
            (level > 0 && line[level..].starts_with(' ')).then(|| (level, line[level..].trim().to_string()))
        })
        .collect()
}

/// GitHub's anchor for a heading: lower case, punctuation other than `-` and `_` dropped, spaces as `-`;
/// a repeated anchor gets `-1`, `-2`, ….
fn anchors(markdown: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    for (_, text) in headings(markdown) {
        let slug: String = text
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
            .map(|c| if c == ' ' { '-' } else { c })
            .collect();
        let mut unique = slug.clone();
        let mut n = 0;
        while seen.contains(&unique) {
            n += 1;
            unique = format!("{slug}-{n}");
        }
        seen.insert(unique);
    }
    seen
}

/// Targets of inline links `](target)` outside fenced code blocks and inline code (a pattern such as
/// `[a-z](x)` in a table is not a link).
fn links(markdown: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in prose_lines(markdown) {
        let prose: String = line.split('`').step_by(2).collect::<Vec<_>>().join(" ");
        for part in prose.split("](").skip(1) {
            if let Some(end) = part.find(')') {
                found.push(part[..end].to_string());
            }
        }
    }
    found
}

/// Every in-page link of the README names one of its headings, and every relative link names a file that
/// exists (anchors into another Markdown file: one of its headings); the same for the docs' links.
#[test]
fn every_link_lands_on_a_file_and_a_heading() {
    let mut documents = vec![PathBuf::from("README.md")];
    for entry in std::fs::read_dir(Path::new(ROOT).join("docs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            documents.push(path.strip_prefix(ROOT).unwrap().to_path_buf());
        }
    }
    let mut checked = 0;
    for document in &documents {
        let text = read(document.to_str().unwrap());
        for target in links(&text) {
            if target.starts_with("http://") || target.starts_with("https://") {
                continue;
            }
            let (file, anchor) = target.split_once('#').unwrap_or((&target, ""));
            let file = if file.is_empty() {
                document.clone()
            } else {
                let joined = document.parent().unwrap().join(file);
                // `docs/../README.md` → `README.md`, without touching the file system.
                let mut normal = PathBuf::new();
                for part in joined.components() {
                    match part {
                        std::path::Component::ParentDir => {
                            assert!(normal.pop(), "{document:?}: {target} leaves the repository")
                        }
                        std::path::Component::CurDir => {}
                        other => normal.push(other),
                    }
                }
                normal
            };
            let rel = file.to_str().unwrap();
            assert!(Path::new(ROOT).join(rel).exists(), "{document:?} links `{target}`: no file {rel}");
            if !anchor.is_empty() {
                assert!(rel.ends_with(".md"), "{document:?} links `{target}`: an anchor into a non-Markdown file");
                let known = anchors(&read(rel));
                assert!(
                    known.contains(anchor),
                    "{document:?} links `{target}`: {rel} has no such heading; it has {known:#?}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 40, "only {checked} links checked: is the link parser still finding them?");
}

/// The contents list near the top links every `##` section, in the README's own order.
#[test]
fn the_contents_list_every_section_in_order() {
    let readme = read("README.md");
    let contents = readme.split("**Contents**").nth(1).expect("a **Contents** list").split("\n\n").nth(1).unwrap();
    let listed: Vec<String> =
        links(contents).into_iter().filter_map(|l| l.strip_prefix('#').map(String::from)).collect();
    let all = anchors(&readme);
    let sections: Vec<String> = headings(&readme)
        .into_iter()
        .filter(|(level, text)| *level == 2 && text != "Overview")
        .map(|(_, text)| {
            let one = format!("# {text}\n");
            anchors(&one).into_iter().next().unwrap()
        })
        .collect();
    for section in &sections {
        assert!(all.contains(section));
    }
    let top_level: Vec<&String> = listed.iter().filter(|l| sections.contains(l)).collect();
    assert_eq!(top_level, sections.iter().collect::<Vec<_>>(), "the contents list and the `##` sections differ");
    // The path a new user needs comes before the reference material it links to.
    let at = |name: &str| readme.find(name).unwrap_or_else(|| panic!("README lacks {name}"));
    assert!(at("## Zero to first spoke") < at("### Lock-out warning"));
    assert!(at("### Lock-out warning") < at("#### Config reference"), "the lock-out warning before the field table");
    assert!(at("## What gets applied where") < at("## Why does my spoke say 401?"), "the apply order before doctor");
}

/// Section names other files quote in the form `README "Name"` (also `README: "Name"`, `README, "Name"`,
/// `README's "Name"`) are headings of the README: a quoted name is the start of a heading's text.
#[test]
fn section_names_quoted_elsewhere_exist() {
    let names: Vec<String> = headings(&read("README.md")).into_iter().map(|(_, t)| t.replace('`', "")).collect();
    let quote = regex::Regex::new(r#"README(?:\.md)?(?:'s)?[,:]?\s+"([^"\n]+)""#).unwrap();
    let mut files = Vec::new();
    for dir in ["src", "docs", "examples", "packaging", "fn-config", "benches", ".ci"] {
        walk(&Path::new(ROOT).join(dir), &mut files);
    }
    for file in ["Cargo.toml", "Dockerfile", "metadata.yaml"] {
        files.push(Path::new(ROOT).join(file));
    }
    let mut quoted = 0;
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else { continue };
        // In Rust only comments count: `block(README, "Short")` is the README constant, not a reference.
        let rust = file.extension().is_some_and(|e| e == "rs");
        let text: String =
            text.lines().filter(|l| !rust || l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
        for found in quote.captures_iter(&text) {
            let name = &found[1];
            assert!(
                names.iter().any(|n| n.starts_with(name)),
                "{}: README has no section \"{name}\"; its sections are {names:#?}",
                file.display()
            );
            quoted += 1;
        }
    }
    assert!(quoted >= 4, "only {quoted} quoted section names found: is the pattern still right?");
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(&path, files);
        } else {
            files.push(path);
        }
    }
}
