//! The emitter: serde_yaml_ng's block layout, libyaml's scalar style analysis, YAML-1.1-safe quoting.

use super::scalar::{float_1_1, needs_quotes};
use super::ser::{self, Place};
use super::{Tree, NUMBER_TAG};
use serde_yaml_ng::value::Tag;
use serde_yaml_ng::{Mapping, Value};

/// YAML-1.1-safe quoting (see [`needs_quotes`]).
pub fn to_string(value: &Value) -> String {
    let mut out = String::new();
    write_to(&mut out, value);
    out
}

/// [`to_string`], appended to `out`.
pub fn write_to(out: &mut String, value: &Value) {
    match value {
        Value::Mapping(m) if !m.is_empty() => write_map(out, m, 0, false),
        Value::Sequence(s) if !s.is_empty() => write_seq(out, s, 0, false),
        Value::Tagged(t) if t.tag != NUMBER_TAG => {
            // The tag on its own line: `!t key: v` would tag the first key instead (found by fuzzing).
            out.push_str(&tag_text(&t.tag));
            match &t.value {
                Value::Mapping(m) if !m.is_empty() => {
                    out.push('\n');
                    write_map(out, m, 0, false);
                }
                Value::Sequence(s) if !s.is_empty() => {
                    out.push('\n');
                    write_seq(out, s, 0, false);
                }
                inner => write_value(out, inner, 0, false),
            }
        }
        other => {
            // A block scalar at the top is indented too: its `|2` indicator counts from column 0
            // (found by fuzzing: a text starting with a line break came back unreadable).
            write_scalar(out, other, 2, false);
            out.push('\n');
        }
    }
}

/// A non-empty mapping as an entry of a block sequence at column 0, written in place: the bytes of
/// [`to_string`] with `- ` before its first line and two spaces before every other non-empty line (the
/// layout is relative to the indentation it starts at, and no line it writes ends in `\r`). Returns
/// false, writing nothing, for any other value: a block scalar at the top is indented from column 0.
pub fn write_entry(out: &mut String, value: &Value) -> bool {
    match value {
        Value::Mapping(m) if !m.is_empty() => {
            out.push_str("- ");
            write_map(out, m, 2, true);
            true
        }
        _ => false,
    }
}

/// `key: value` at column 0, the bytes [`to_string`] writes for a mapping of that one entry, without
/// building it. `key` must be a plain word (the callers' are constants).
pub fn write_field(out: &mut String, key: &str, value: &Value) {
    debug_assert!(key.bytes().all(|b| b.is_ascii_alphanumeric()), "{key}");
    out.push_str(key);
    out.push(':');
    write_value(out, value, 0, true);
}

/// [`write_field`] for any serde value: the same bytes as serialising it to a `Value` first.
pub fn write_field_of<T: serde::Serialize>(out: &mut String, key: &str, value: &T) {
    let mark = out.len();
    out.push_str(key);
    out.push(':');
    if ser::write(out, value, Place::Field(0)) {
        return;
    }
    out.truncate(mark);
    match serde_yaml_ng::to_value(value) {
        Ok(v) => write_field(out, key, &v),
        Err(e) => out.push_str(&not_serialisable(&e)),
    }
}

/// Any serde value as [`to_string`] writes its `Value`.
pub fn to_string_of<T: serde::Serialize + ?Sized>(value: &T) -> String {
    let mut out = String::new();
    write_of(&mut out, value);
    out
}

/// [`to_string_of`], appended to `out`.
fn write_of<T: serde::Serialize + ?Sized>(out: &mut String, value: &T) {
    if ser::write(out, value, Place::Top) {
        return;
    }
    match serde_yaml_ng::to_value(value) {
        Ok(v) => write_to(out, &v),
        Err(e) => out.push_str(&not_serialisable(&e)),
    }
}

/// A [`Tree`] as [`to_string`] writes its `Value` (see [`write_tree`]).
pub fn tree_to_string(tree: &Tree) -> String {
    let mut out = String::new();
    write_tree(&mut out, tree);
    out
}

/// [`write_to`] for a [`Tree`]: the bytes of its `Value`. Not [`to_string_of`], whose fallback goes
/// through serde_yaml_ng's `to_value` once more, which drops a `!` of a tag `!!…` again.
pub fn write_tree(out: &mut String, tree: &Tree) {
    if !ser::write_tree(out, tree, Place::Top) {
        write_to(out, &tree.to_value());
    }
}

/// [`write_entry`] for a [`Tree`]: the bytes of its `Value`, and false for anything but a non-empty map.
pub fn write_tree_entry(out: &mut String, tree: &Tree) -> bool {
    if !matches!(tree, Tree::Map(entries) if !entries.is_empty()) {
        return false;
    }
    let mark = out.len();
    out.push('-');
    if ser::write_tree(out, tree, Place::Entry(0)) {
        return true;
    }
    out.truncate(mark);
    write_entry(out, &tree.to_value())
}

/// What stands in for a value serde could not serialise: a comment, so the output stays YAML.
fn not_serialisable(e: &serde_yaml_ng::Error) -> String {
    format!("# not serialisable: {e}\n")
}

/// A tag as a shorthand `!suffix` a parser reads back to the same tag: characters a tag cannot hold
/// (control characters, white space, flow indicators, `!` and `%` itself) are %-escaped, as the
/// parser decoded them (found by fuzzing: `!n)%0b…` came back with a raw vertical tab).
fn tag_text(tag: &Tag) -> String {
    let shown = tag.to_string();
    let mut out = String::from("!");
    // One `!` is the tag's own; any further one is its text (`!%21` is the local tag `!!`).
    for b in shown.strip_prefix('!').unwrap_or(&shown).bytes() {
        if b.is_ascii_alphanumeric() || b"-#;/?:@&=+$_.~*'()".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub(super) fn indent(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// A mapping's entries at `at` columns; `inline`: the first key continues the current line (`- `).
fn write_map(out: &mut String, m: &Mapping, at: usize, inline: bool) {
    for (n, (k, v)) in m.iter().enumerate() {
        if n > 0 || !inline {
            indent(out, at);
        }
        write_key_as(out, at, !is_complex_key(k), |out| write_scalar(out, k, 0, true), |out| write_flow(out, k));
        out.push(':');
        write_value(out, v, at, true);
    }
}

/// A string key of a mapping whose entries are at `at`, before its `:`.
pub(super) fn write_key(out: &mut String, key: &str, at: usize) {
    write_key_as(out, at, true, |out| write_string(out, key, 0, true), |out| write_double_quoted(out, key));
}

/// A key, `implicit`ly when it is `simple` and short enough, else explicitly: `? key` in flow style,
/// then `:` on its own line. A flow collection or a tagged node as an implicit key at the start of a
/// block mapping reads back as that mapping's own tag or key, and an implicit key may not be longer
/// than 1024 characters (both found by fuzzing); an explicit key cannot be misread.
fn write_key_as(
    out: &mut String,
    at: usize,
    simple: bool,
    implicit: impl FnOnce(&mut String),
    flow: impl FnOnce(&mut String),
) {
    let mark = out.len();
    if simple {
        implicit(out);
    }
    if !simple || out.len() - mark > MAX_IMPLICIT_KEY_BYTES {
        out.truncate(mark);
        out.push_str("? ");
        flow(out);
        out.push('\n');
        indent(out, at);
    }
}

/// YAML's limit on an implicit key is 1024 characters; bytes are never fewer than characters.
const MAX_IMPLICIT_KEY_BYTES: usize = 1024;

fn is_complex_key(k: &Value) -> bool {
    matches!(k, Value::Mapping(_) | Value::Sequence(_) | Value::Tagged(_)) && !is_number_tag(k)
}

/// A sequence's entries at `at` columns, as libyaml writes them (not indented under a mapping key).
fn write_seq(out: &mut String, s: &[Value], at: usize, inline: bool) {
    for (n, v) in s.iter().enumerate() {
        if n > 0 || !inline {
            indent(out, at);
        }
        out.push('-');
        write_value(out, v, at, false);
    }
}

/// The value after `key:` (`in_map`) or `-`, the key or dash being at column `at`.
fn write_value(out: &mut String, v: &Value, at: usize, in_map: bool) {
    match v {
        Value::Mapping(m) if !m.is_empty() => {
            if in_map {
                out.push('\n');
                write_map(out, m, at + 2, false);
            } else {
                out.push(' ');
                write_map(out, m, at + 2, true);
            }
        }
        Value::Sequence(s) if !s.is_empty() => {
            if in_map {
                out.push('\n');
                write_seq(out, s, at, false);
            } else {
                out.push(' ');
                write_seq(out, s, at + 2, true);
            }
        }
        Value::Tagged(t) if t.tag != NUMBER_TAG => {
            out.push(' ');
            out.push_str(&tag_text(&t.tag));
            match &t.value {
                Value::Mapping(m) if !m.is_empty() => {
                    out.push('\n');
                    write_map(out, m, at + 2, false);
                }
                Value::Sequence(s) if !s.is_empty() => {
                    out.push('\n');
                    write_seq(out, s, at + 2, false);
                }
                inner => write_value(out, inner, at, in_map),
            }
        }
        scalar => {
            out.push(' ');
            write_scalar(out, scalar, at + 2, false);
            out.push('\n');
        }
    }
}

fn is_number_tag(v: &Value) -> bool {
    matches!(v, Value::Tagged(t) if t.tag == NUMBER_TAG)
}

/// Flow style for complex keys: every string double-quoted.
fn write_flow(out: &mut String, v: &Value) {
    match v {
        Value::Mapping(m) => {
            out.push('{');
            for (n, (k, v)) in m.iter().enumerate() {
                if n > 0 {
                    out.push_str(", ");
                }
                write_flow(out, k);
                out.push_str(": ");
                write_flow(out, v);
            }
            out.push('}');
        }
        Value::Sequence(s) => {
            out.push('[');
            for (n, v) in s.iter().enumerate() {
                if n > 0 {
                    out.push_str(", ");
                }
                write_flow(out, v);
            }
            out.push(']');
        }
        Value::Tagged(t) if t.tag != NUMBER_TAG => {
            out.push_str(&tag_text(&t.tag));
            out.push(' ');
            write_flow(out, &t.value);
        }
        Value::String(s) => write_double_quoted(out, s),
        scalar => write_scalar(out, scalar, 0, true),
    }
}

/// A scalar; `block_at` is the indentation of a literal block's lines; `key`: in a simple key.
fn write_scalar(out: &mut String, v: &Value, block_at: usize, key: bool) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&float_1_1(&n.to_string())),
        Value::String(s) => write_string(out, s, block_at, key),
        Value::Tagged(t) => match &t.value {
            Value::String(s) if t.tag == NUMBER_TAG => out.push_str(s),
            inner => {
                out.push_str(&tag_text(&t.tag));
                out.push(' ');
                write_scalar(out, inner, block_at, key);
            }
        },
        Value::Mapping(_) => out.push_str("{}"),
        Value::Sequence(_) => out.push_str("[]"),
    }
}

/// What libyaml's scalar analysis allows for a string (`yaml_emitter_analyze_scalar`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Allowed {
    plain: bool,
    single: bool,
    block: bool,
}

impl Allowed {
    /// The styles left once the analysis found these (libyaml's conclusion from its flags).
    fn from_flags(not_plain: bool, trailing_space: bool, break_space: bool, none: bool) -> Allowed {
        if none {
            return Allowed { plain: false, single: false, block: false };
        }
        Allowed { plain: !not_plain && !break_space, single: !break_space, block: !trailing_space }
    }
}

fn is_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_printable(c: char) -> bool {
    matches!(c, '\n' | '\u{20}'..='\u{7e}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
        && c != '\u{feff}'
}

fn analyze(s: &str) -> Allowed {
    if s.is_empty() {
        return Allowed { plain: false, single: true, block: false };
    }
    // Most strings are words (names, kinds, label values): an alphanumeric start and no space,
    // indicator or break anywhere, so every style is allowed — the loop below would conclude the same.
    if s.starts_with(|c: char| c.is_ascii_alphanumeric()) && s.bytes().all(|b| WORD[usize::from(b)]) {
        return Allowed { plain: true, single: true, block: true };
    }
    if s.is_ascii() {
        return analyze_ascii(s.as_bytes());
    }
    analyze_chars(s)
}

/// The bytes of a word: ASCII letters and digits, `.`, `_`, `/` and `-`. A table, one load per byte:
/// the check runs over most of the output.
const WORD: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'/' | b'-');
        b += 1;
    }
    table
};

/// libyaml's analysis char by char (any non-empty text).
fn analyze_chars(s: &str) -> Allowed {
    let blank = |c: Option<char>| c.is_none_or(|c| c == ' ' || c == '\t' || is_break(c));
    let mut block_indicators = s.starts_with("---") || s.starts_with("...");
    let (mut special, mut line_breaks) = (false, false);
    let (mut leading_space, mut leading_break, mut trailing_space, mut trailing_break) = (false, false, false, false);
    let (mut break_space, mut space_break, mut previous_space, mut previous_break) = (false, false, false, false);
    let mut preceded_by_whitespace = true;
    let mut chars = s.chars().peekable();
    let mut i = 0usize;
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        let followed_by_whitespace = blank(next);
        let last = next.is_none();
        if i == 0 {
            if "#,[]{}&*!|>'\"%@`".contains(c) {
                block_indicators = true;
            }
            if (c == '?' || c == ':' || c == '-') && followed_by_whitespace {
                block_indicators = true;
            }
        } else if (c == ':' && followed_by_whitespace) || (c == '#' && preceded_by_whitespace) {
            block_indicators = true;
        }
        if !is_printable(c) {
            special = true;
        }
        if is_break(c) {
            line_breaks = true;
        }
        if c == ' ' {
            leading_space |= i == 0;
            trailing_space |= last;
            break_space |= previous_break;
            (previous_space, previous_break) = (true, false);
        } else if is_break(c) {
            leading_break |= i == 0;
            trailing_break |= last;
            space_break |= previous_space;
            (previous_space, previous_break) = (false, true);
        } else {
            (previous_space, previous_break) = (false, false);
        }
        preceded_by_whitespace = c == ' ' || c == '\t' || is_break(c);
        i += 1;
    }
    let not_plain =
        leading_space || leading_break || trailing_space || trailing_break || line_breaks || block_indicators;
    Allowed::from_flags(not_plain, trailing_space, break_space, space_break || special)
}

/// [`analyze`] for ASCII text, where each char is one byte: the same flags, each stated as a property of
/// a byte and its neighbours rather than carried from char to char, and found by searching for the few
/// bytes that set them (`memchr`) instead of a loop over every byte: result messages and the exec
/// plugin's JSON are most of the text a 1,000-spoke run analyses (docs/performance.md).
fn analyze_ascii(b: &[u8]) -> Allowed {
    let line_break = |c: u8| c == b'\n' || c == b'\r';
    let white = |c: u8| c == b' ' || c == b'\t' || line_break(c);
    let blank = |c: Option<&u8>| c.is_none_or(|&c| white(c));
    let (first, last) = (b[0], b[b.len() - 1]);
    let mut block_indicators = b.starts_with(b"---")
        || b.starts_with(b"...")
        || b"#,[]{}&*!|>'\"%@`".contains(&first)
        || (matches!(first, b'?' | b':' | b'-') && blank(b.get(1)));
    // `: ` and ` #` after the first byte end a plain scalar early.
    block_indicators |= memchr::memchr2_iter(b':', b'#', b)
        .any(|i| i > 0 && if b[i] == b':' { blank(b.get(i + 1)) } else { white(b[i - 1]) });
    // Control characters other than a line feed: no fold stops early, so this one vectorises.
    let special = b.iter().fold(false, |found, &c| found | ((c < b' ' && c != b'\n') || c == 0x7f));
    let (mut line_breaks, mut break_space, mut space_break) = (false, false, false);
    for i in memchr::memchr2_iter(b'\n', b'\r', b) {
        line_breaks = true;
        break_space |= b.get(i + 1) == Some(&b' ');
        space_break |= i > 0 && b[i - 1] == b' ';
    }
    let (leading_space, leading_break) = (first == b' ', line_break(first));
    let (trailing_space, trailing_break) = (last == b' ', line_break(last));
    let not_plain =
        leading_space || leading_break || trailing_space || trailing_break || line_breaks || block_indicators;
    Allowed::from_flags(not_plain, trailing_space, break_space, space_break || special)
}

pub(super) fn write_string(out: &mut String, s: &str, block_at: usize, key: bool) {
    let allowed = analyze(s);
    // Allowed plain means the analysis saw no line break: most strings need no search for one.
    if allowed.plain && !needs_quotes(s) {
        return out.push_str(s);
    }
    // Line separators other than `\n` are read differently by YAML 1.1 and 1.2: never in a block.
    // (`\r` found by memchr; the others are not ASCII, and a char-set search decodes every char.)
    let odd_breaks = s.contains('\r') || (!s.is_ascii() && s.contains(['\u{85}', '\u{2028}', '\u{2029}']));
    let newline = s.contains('\n');
    if newline && !key && allowed.block && !odd_breaks {
        return write_literal(out, s, block_at);
    }
    if allowed.single && !newline && !odd_breaks {
        out.push('\'');
        for (n, part) in s.split('\'').enumerate() {
            if n > 0 {
                out.push_str("''");
            }
            out.push_str(part);
        }
        out.push('\'');
    } else {
        write_double_quoted(out, s);
    }
}

fn write_literal(out: &mut String, s: &str, at: usize) {
    out.push('|');
    if s.starts_with([' ', '\n']) {
        out.push('2');
    }
    let body = if !s.ends_with('\n') {
        out.push('-');
        s
    } else if s == "\n" || s.ends_with("\n\n") {
        out.push('+');
        &s[..s.len() - 1]
    } else {
        &s[..s.len() - 1]
    };
    for line in body.split('\n') {
        out.push('\n');
        if !line.is_empty() {
            indent(out, at);
            out.push_str(line);
        }
    }
}

fn write_double_quoted(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\0' => out.push_str("\\0"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{b}' => out.push_str("\\v"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '\u{1b}' => out.push_str("\\e"),
            '\u{85}' => out.push_str("\\N"),
            '\u{a0}' => out.push_str("\\_"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            c if !is_printable(c) => {
                let n = c as u32;
                if n <= 0xff {
                    out.push_str(&format!("\\x{n:02X}"));
                } else if n <= 0xffff {
                    out.push_str(&format!("\\u{n:04X}"));
                } else {
                    out.push_str(&format!("\\U{n:08X}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ascii_analysis_concludes_what_the_char_analysis_does() {
        // Every string of up to 5 bytes over the bytes the analysis looks at, and some that it skips.
        let alphabet = b" \t\n\r:#-?.',!\x01\x7fa";
        let mut strings: Vec<Vec<u8>> = vec![Vec::new()];
        let mut checked = 0;
        for _ in 0..5 {
            strings =
                strings.iter().flat_map(|s| alphabet.iter().map(move |&b| [s.as_slice(), &[b]].concat())).collect();
            for bytes in &strings {
                let text = std::str::from_utf8(bytes).unwrap();
                assert_eq!(analyze_ascii(bytes), analyze_chars(text), "{text:?}");
                // And the shortcut for words (the `WORD` table) before it.
                assert_eq!(analyze(text), analyze_chars(text), "{text:?}");
                checked += 1;
            }
        }
        assert!(checked > 500_000);
        for text in ["--- x", "... x", "a: b", "a:b", "a #b", "a#b", "x\n y", "x \ny", "- ", "-x", "trail ", "% x"] {
            assert_eq!(analyze_ascii(text.as_bytes()), analyze_chars(text), "{text:?}");
        }
    }
}
