//! Verbatim pass-through: input items we do not change are re-emitted as their exact source text.
//!
//! kpt writes a function's output nodes straight into the package files and restores only comments and
//! key order, so an item re-serialised by us would lose its quote styles and flow collections and every
//! render would rewrite user files. The one parse of the input ([`crate::yaml::parse_items`] with
//! [`super::ITEMS`]) reports where each entry of the block `items` sequence starts and ends; the text is cut out there and re-indented.
//! Nothing is parsed again: the cut is exact by construction (see [`item_text`]), and an item whose
//! text alone does not say what it is (an alias to an anchor in another item, a keep-chomped block
//! scalar at its end, a block scalar ending the input without a line break) is serialised instead — that item only, never the others —
//! and so is every item of a document with a `%TAG` directive, whose handles the output would not define. Flow items (a document
//! written `{apiVersion: v1, …}`, which kpt sends as one flow entry) are copied too: kpt keeps their
//! style in the file, so serialising them would rewrite the user's file on every render.

use crate::yaml::ItemSpan;

/// An item's source text as a standalone block document starting at column 0, or None when it must be
/// serialised.
///
/// Why the cut is exact: every line of the item but the first loses at most `col` leading spaces, and
/// only lines indented less than `col` lose fewer. Lines indented at least `col` keep their relative
/// indentation, which is all block structure and block scalars depend on. Lines indented less can
/// only be comments, blank lines or continuation lines of quoted scalars, where leading white space is
/// folded away; plain multi-line scalars cannot be less indented than their parent.
pub fn item_text(source: &str, span: &ItemSpan) -> Option<String> {
    let lines = item_lines(source, span)?;
    let mut text = String::with_capacity(span.end.saturating_sub(span.start) + 16);
    for line in lines {
        text.push_str(line);
        text.push('\n');
    }
    Some(text)
}

/// Writes the item as one entry of the output's block `items` sequence, as [`push_entry`] writes
/// `item_text(..)`, without building that string: a package's text is then held once in the input and
/// once in the output. False (nothing written) when the item must be serialised.
pub fn write_entry(out: &mut String, source: &str, span: &ItemSpan) -> bool {
    let Some(lines) = item_lines(source, span) else { return false };
    push_entry(out, lines);
    true
}

/// The item's lines at column 0, each a slice of `source` (see [`item_text`]).
fn item_lines<'a>(source: &'a str, span: &ItemSpan) -> Option<Vec<&'a str>> {
    if !span.self_contained {
        return None;
    }
    let begin = head_comment_start(source, span.start);
    let mut lines = comments_above_dash(source, begin);
    let body = dedent(source.get(begin..span.end)?, span.content_end.saturating_sub(begin), span.col)?;
    lines.extend(body);
    Some(lines)
}

/// Where an entry's text begins: right after its dash when only comments sit between the dash and the
/// node (`- # head comment` above the first key), so such a head comment is copied too; else the node.
/// Works on bytes, scanning the lines above the node.
fn head_comment_start(source: &str, node: usize) -> usize {
    let line_start = source[..node].rfind('\n').map_or(0, |i| i + 1);
    if !source[line_start..node].trim().is_empty() {
        return node;
    }
    let mut end = line_start;
    while end > 0 {
        let start = source[..end - 1].rfind('\n').map_or(0, |i| i + 1);
        let line = &source[start..end - 1];
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix('-') {
            let comment = rest.trim_start();
            return if comment.starts_with('#') && rest.len() > comment.len() {
                start + (line.len() - comment.len())
            } else {
                node
            };
        }
        if !(trimmed.trim_end().is_empty() || trimmed.starts_with('#')) {
            return node;
        }
        end = start;
    }
    node
}

/// The comment lines right above an entry's dash, at most as indented as the dash, moved to column 0.
/// kpt puts a flow item's head comment there (`# note` then `- {kind: A}`); a block item's comes after
/// the dash instead (see [`head_comment_start`]). Empty when `begin` is not on a dash line.
fn comments_above_dash(source: &str, begin: usize) -> Vec<&str> {
    let line_start = source[..begin].rfind('\n').map_or(0, |i| i + 1);
    let prefix = &source[line_start..begin];
    if prefix.trim() != "-" {
        return Vec::new();
    }
    let dash = prefix.len() - prefix.trim_start().len();
    let mut comments = Vec::new();
    let mut end = line_start;
    while end > 0 {
        let start = source[..end - 1].rfind('\n').map_or(0, |i| i + 1);
        let line = source[start..end - 1].trim_end_matches('\r');
        let trimmed = line.trim_start();
        if !trimmed.starts_with('#') || line.len() - trimmed.len() > dash {
            break;
        }
        comments.push(trimmed);
        end = start;
    }
    comments.reverse();
    comments
}

/// Moves an item whose first line starts at column `col` to column 0: every later line loses up to
/// `col` leading spaces. Trailing blank and comment lines (they sit between items) are dropped.
fn dedent(text: &str, content_end: usize, col: usize) -> Option<Vec<&str>> {
    let mut lines: Vec<&str> = text.split('\n').collect();
    // Trailing blank lines, and comments no deeper than the item (the next entry's), are not the
    // item's — unless they start before its last scalar ends: then they are that scalar's lines.
    let mut line_start = text.len() + 1;
    while let Some(l) = lines.last() {
        line_start -= l.len() + 1;
        let t = l.trim();
        let trailing = t.is_empty() || (t.starts_with('#') && l.len() - l.trim_start().len() <= col);
        if !trailing || line_start + (l.len() - l.trim_start().len()) < content_end {
            break;
        }
        lines.pop();
    }
    // White-space-only lines are cut like the others: inside a literal block scalar, spaces beyond
    // its indentation are content.
    for line in lines.iter_mut().skip(1) {
        let indent = line.len() - line.trim_start_matches(' ').len();
        *line = &line[indent.min(col)..];
    }
    (!lines.is_empty()).then_some(lines)
}

/// Places a block document's lines (column 0) as one entry of a block sequence: `- ` before the first
/// line, two spaces before the others, a CRLF ending as LF. Empty lines stay empty so block scalars keep
/// their exact content.
pub fn push_entry<'a>(out: &mut String, lines: impl IntoIterator<Item = &'a str>) {
    for (n, line) in lines.into_iter().enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        match (n, line.is_empty()) {
            (0, _) => out.push_str("- "),
            (_, false) => out.push_str("  "),
            (_, true) => {}
        }
        out.push_str(line);
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item_texts(source: &str) -> Vec<Option<String>> {
        let list = crate::krm::parse(source.as_bytes()).unwrap();
        (0..list.items.len()).map(|i| list.item_text(i)).collect()
    }

    #[test]
    fn copies_block_items_with_their_styles_and_comments() {
        let source = "apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: v1 # inline
  kind: ConfigMap
  metadata: {name: a, labels: {app: web}}
  data:
    zip: \"0123\"
    single: 'x'
    list: [a, b]
    script: |
      echo one

      echo two
  # between items
-   apiVersion: v1
    kind: ConfigMap
    metadata:
      name: b
functionConfig:
  kind: X
";
        let texts = item_texts(source);
        assert_eq!(
            texts[0].as_deref(),
            Some(
                "apiVersion: v1 # inline\nkind: ConfigMap\nmetadata: {name: a, labels: {app: web}}\ndata:\n  \
                 zip: \"0123\"\n  single: 'x'\n  list: [a, b]\n  script: |\n    echo one\n\n    echo two\n"
            )
        );
        assert_eq!(texts[1].as_deref(), Some("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n"));
    }

    #[test]
    fn head_comments_between_the_dash_and_the_item_are_copied() {
        let source = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- # head\n  # more\n  \
                      kind: A\n-   # other\n    kind: B\n- kind: C\n";
        assert_eq!(
            item_texts(source),
            vec![Some("# head\n# more\nkind: A\n".into()), Some("# other\nkind: B\n".into()), Some("kind: C\n".into())]
        );
    }

    #[test]
    fn indented_items_sequence_and_last_item_before_eof() {
        let source = "kind: ResourceList\napiVersion: config.kubernetes.io/v1\nitems:\n  - kind: A\n    \
                      metadata:\n      name: x\n  - kind: B\n";
        assert_eq!(item_texts(source), vec![Some("kind: A\nmetadata:\n  name: x\n".into()), Some("kind: B\n".into())]);
    }

    #[test]
    fn flow_items_of_a_block_list_are_copied_in_their_style() {
        let source = r#"{"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": [{"kind": "A"}]}"#;
        assert_eq!(item_texts(source), vec![None], "a JSON ResourceList is serialised in block style");
        let source = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- {kind: A, data: {k: \"v\"}}\n\
                      - {kind: B,\n   metadata: {name: b}}\n- kind: C\n";
        assert_eq!(
            item_texts(source),
            vec![
                Some("{kind: A, data: {k: \"v\"}}\n".into()),
                Some("{kind: B,\n metadata: {name: b}}\n".into()),
                Some("kind: C\n".into())
            ]
        );
    }

    #[test]
    fn comments_above_a_flow_entry_are_its_head_comments() {
        // As kpt sends a file whose flow document has a head comment; the deeper comment ends item A.
        let source = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- kind: A\n  # end of A\n\
                      # about B\n# more\n- {kind: B}\n";
        assert_eq!(item_texts(source), vec![Some("kind: A\n".into()), Some("# about B\n# more\n{kind: B}\n".into())]);
    }

    #[test]
    fn a_cut_that_does_not_parse_back_is_refused() {
        // The alias points at an anchor in the first item: the second item's text alone cannot be parsed.
        let source = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- kind: A\n  \
                      metadata: &m\n    name: x\n- kind: B\n  metadata: *m\n";
        let texts = item_texts(source);
        assert!(texts[0].is_some());
        assert_eq!(texts[1], None);
    }

    #[test]
    fn non_ascii_text_is_cut_at_character_boundaries() {
        let source = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- kind: A\n  \
                      data: {greeting: \"grüße ✓\"}\n- kind: B # ünïcode\n";
        assert_eq!(
            item_texts(source),
            vec![Some("kind: A\ndata: {greeting: \"grüße ✓\"}\n".into()), Some("kind: B # ünïcode\n".into())]
        );
    }

    #[test]
    fn no_items_or_unparsable_input() {
        let source = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n";
        assert!(item_texts(source).is_empty());
        assert!(crate::krm::parse(b"items: [").is_err());
    }

    #[test]
    fn sequence_entry_indents_all_but_empty_lines() {
        let mut entry = String::new();
        push_entry(&mut entry, "a: 1\r\nb: |\n  x\n\n  y\n".lines());
        assert_eq!(entry, "- a: 1\n  b: |\n    x\n\n    y\n");
    }

    #[test]
    fn a_quoted_line_that_looks_like_a_comment_stays_in_the_item() {
        // Found by fuzzing: the scalar's last line, `#`-first and no deeper than the item, was cut off
        // as if it were the next entry's head comment, and the output did not parse.
        let source = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- kind: A\n  data: {a: \"x\n  # y\"}\n  # between\n- kind: B\n";
        let texts = item_texts(source);
        assert_eq!(texts[0].as_deref(), Some("kind: A\ndata: {a: \"x\n# y\"}\n"));
        assert_eq!(texts[1].as_deref(), Some("kind: B\n"));
    }
}
