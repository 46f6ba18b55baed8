//! The help text comes from the README's `<!--mdtogo:…-->` blocks, the kpt catalog's convention for
//! compiling a function's README into its `--help` (what `kpt fn doc` shows), so the two cannot drift:
//! there is only one copy.

const README: &str = include_str!("../README.md");

/// The text between `<!--mdtogo:NAME-->` and the next `<!--mdtogo-->`, trimmed; empty when the README
/// has no such block (a test requires each one, so an empty help section never ships).
pub fn block(readme: &str, name: &str) -> String {
    let open = format!("<!--mdtogo:{name}-->");
    let Some(start) = readme.find(&open).map(|i| i + open.len()) else { return String::new() };
    let end = readme[start..].find("<!--mdtogo-->").map_or(readme.len(), |i| start + i);
    readme[start..end].trim().to_string()
}

/// Markdown a terminal shows as noise: code fences are dropped and inline-code backticks removed.
fn plain(markdown: &str) -> String {
    markdown.lines().filter(|l| !l.trim_start().starts_with("```")).collect::<Vec<_>>().join("\n").replace('`', "")
}

/// One sentence: `-h`, the man page's NAME line, `kpt fn doc`'s first line.
pub fn short() -> String {
    plain(&block(README, "Short"))
}

/// What `--help` says before the usage line.
pub fn long() -> String {
    format!("{}\n\n{}", short(), plain(&block(README, "Long")))
}

/// The README's Examples block, as shell lines under an `Examples:` heading.
pub fn examples() -> String {
    let body = plain(&block(README, "Examples"));
    let indented: Vec<String> =
        body.lines().map(|l| if l.trim().is_empty() { String::new() } else { format!("  {l}") }).collect();
    format!("Examples:\n{}", indented.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_found_and_missing_ones_are_empty() {
        let md = "x\n<!--mdtogo:Short-->\nOne `line`.\n<!--mdtogo-->\n<!--mdtogo:Examples-->\n```sh\na b\n```\n<!--mdtogo-->";
        assert_eq!(block(md, "Short"), "One `line`.");
        assert_eq!(plain(&block(md, "Short")), "One line.");
        assert_eq!(plain(&block(md, "Examples")), "a b");
        assert_eq!(block(md, "Long"), "");
        // An unterminated block runs to the end rather than panicking.
        assert_eq!(block("<!--mdtogo:Long--> tail", "Long"), "tail");
    }

    #[test]
    fn the_readme_has_every_block() {
        for name in ["Short", "Long", "Examples"] {
            assert!(!block(README, name).is_empty(), "README.md lacks <!--mdtogo:{name}-->");
        }
    }
}
