//! Scalar rules: YAML 1.2 core-schema resolution as serde_yaml_ng resolves, the number tag for
//! numbers kept as written, and the YAML 1.1 readings a plain scalar must not have.

use super::NUMBER_TAG;
use saphyr_parser::ScalarStyle;
use serde_yaml_ng::value::{Tag, TaggedValue};
use serde_yaml_ng::{Number, Value};
use std::borrow::Cow;

const CORE: &str = "tag:yaml.org,2002:";

/// A tag we keep on a collection or scalar: anything but the core schema's own and the non-specific `!`.
pub(super) fn user_tag(tag: &saphyr_parser::Tag) -> Option<Tag> {
    // The non-specific tag `!` (saphyr reports it with an empty handle and the suffix `!`) only says
    // "not resolved": a string for scalars, nothing for collections.
    let non_specific = format!("{}{}", tag.handle, tag.suffix) == "!";
    if tag.handle == CORE || tag.handle == "!!" || non_specific {
        return None;
    }
    // A local tag keeps its `!`: Tag drops one leading `!`, and a suffix that starts with `!` itself
    // (`!%21x`) must not lose its own.
    let text = format!("{}{}", tag.handle, tag.suffix);
    (!text.is_empty()).then(|| Tag::new(text))
}

/// A scalar's value: plain scalars are resolved the way serde_yaml_ng resolves them (YAML 1.2 core
/// schema: null, bool, int incl. 0x/0o/0b, float), quoted and block scalars are strings.
pub(super) fn scalar(text: Cow<'_, str>, style: ScalarStyle, tag: Option<&saphyr_parser::Tag>) -> Value {
    let core = tag.filter(|t| t.handle == CORE || t.handle == "!!").map(|t| t.suffix.as_str());
    match (core, tag) {
        (Some("str"), _) => Value::String(text.into_owned()),
        (Some("null"), _) => Value::Null,
        (Some("bool" | "int" | "float"), _) | (None, None) if style == ScalarStyle::Plain || core.is_some() => {
            resolve_plain(&text).unwrap_or_else(|| Value::String(text.into_owned()))
        }
        (None, Some(t)) if user_tag(t).is_some() => {
            let value = if style == ScalarStyle::Plain {
                resolve_plain(&text).unwrap_or_else(|| Value::String(text.into_owned()))
            } else {
                Value::String(text.into_owned())
            };
            Value::Tagged(Box::new(TaggedValue { tag: user_tag(t).expect("checked"), value }))
        }
        _ => Value::String(text.into_owned()),
    }
}

/// What a plain scalar means when it is not a string; None for a string.
pub(super) fn resolve_plain(text: &str) -> Option<Value> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Some(Value::Null),
        "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
        _ => {}
    }
    // Every number starts with a digit, a sign or a dot (`.5`, `.inf`): the cheap test spares most
    // words the number parsers.
    if !text.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '+' | '-' | '.')) {
        return None;
    }
    if let Ok(n) = text.parse::<Number>() {
        return Some(Value::Number(n));
    }
    if is_number_1_2(text) {
        // Kept in the spelling it is written in (the same digits; see `float_1_1`), so what we read
        // back from our own output equals what we read.
        return Some(Value::Tagged(Box::new(TaggedValue {
            tag: Tag::new(NUMBER_TAG),
            value: Value::String(float_1_1(text).into_owned()),
        })));
    }
    None
}

/// A YAML 1.2 core-schema number, whatever its size: `[-+]?[0-9]+`, `0o[0-7]+`, `0x[0-9a-fA-F]+`, or a
/// decimal float with optional exponent.
fn is_number_1_2(text: &str) -> bool {
    if let Some(rest) = text.strip_prefix("0o") {
        return !rest.is_empty() && rest.bytes().all(|b| (b'0'..=b'7').contains(&b));
    }
    if let Some(rest) = text.strip_prefix("0x") {
        return !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_hexdigit());
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = digits(int) && digits(frac) && !(int.is_empty() && frac.is_empty());
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok
}

/// A number's text in a form YAML 1.1 and 1.2 readers both read as the same float. ryu (behind
/// serde_yaml_ng's `Number` display) writes `1e16`, `1e-6`, `1.5e300`, and a number kept as written
/// may be `1e400`: YAML 1.2 floats, but strings to a YAML 1.1 reader (PyYAML, whose float pattern is
/// `[-+]?([0-9][0-9_]*)?\.[0-9.]*([eE][-+][0-9]+)?`: a `.` and a signed exponent). So an exponent
/// gets its sign and a mantissa without `.` gets `.0`, digits unchanged: `1.0e+16`, `1.0e-6`,
/// `1.5e+300`, `1.0e+400` (infinite to a reader with 64-bit floats, exact to one with more).
/// Infinities and NaN are already `.inf`, `-.inf`, `.nan` in both; integers and hexadecimal or octal
/// numbers have no exponent and are returned as they are.
pub(super) fn float_1_1(text: &str) -> Cow<'_, str> {
    let Some(e) = text.find(['e', 'E']) else { return Cow::Borrowed(text) };
    if text.starts_with("0x") || text.starts_with("0o") {
        return Cow::Borrowed(text);
    }
    let (mantissa, exponent) = (&text[..e], &text[e + 1..]);
    let dot = if mantissa.contains('.') { "" } else { ".0" };
    let sign = if exponent.starts_with(['-', '+']) { "" } else { "+" };
    Cow::Owned(format!("{mantissa}{dot}e{sign}{exponent}"))
}

/// Whether a plain scalar with this text would be read as something other than this string, by a
/// YAML 1.2 reader (serde_yaml_ng's resolution) or a YAML 1.1 reader (go-yaml v2, PyYAML): the rule
/// kyaml follows when it quotes. Errs on the side of quoting.
pub fn needs_quotes(s: &str) -> bool {
    // Every non-string form below starts with a digit, a sign, a dot or one of these characters; most
    // strings (names, URLs, paths) are out after one byte.
    let Some(first) = s.bytes().next() else { return true };
    if !(first.is_ascii_digit() || b"+-.~=<nNyYoOtTfF".contains(&first)) {
        return false;
    }
    // The words below are at most 6 bytes: longer strings need not be lowercased (an allocation each).
    let lower = if s.len() <= 6 { s.to_ascii_lowercase() } else { String::new() };
    if matches!(
        lower.as_str(),
        "y" | "n"
            | "yes"
            | "no"
            | "on"
            | "off"
            | "true"
            | "false"
            | "null"
            | "~"
            | "="
            | "<<"
            | ".inf"
            | "+.inf"
            | "-.inf"
            | ".nan"
    ) {
        return true;
    }
    // The rest (numbers as YAML 1.2 reads them, YAML 1.1 ints, floats and timestamps) start with a
    // digit, a sign or a dot; the words `resolve_plain` knows (`null`, `True`, …) are all in the list.
    if !(first.is_ascii_digit() || matches!(first, b'+' | b'-' | b'.')) {
        return false;
    }
    resolve_plain(s).is_some() || digits_but_not_number(s) || is_int_1_1(s) || is_float_1_1(s) || is_timestamp_1_1(s)
}

fn digits_but_not_number(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    s.len() > 1 && s.starts_with('0') && s[1..].bytes().all(|b| b.is_ascii_digit())
}

/// YAML 1.1 ints: `0b…`, `0x…`, `0…` (octal), decimal with `_`, sexagesimal `1:20`.
fn is_int_1_1(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    let all = |t: &str, f: fn(u8) -> bool| !t.is_empty() && t.bytes().all(|b| f(b) || b == b'_');
    if let Some(rest) = s.strip_prefix("0b") {
        return all(rest, |b| b == b'0' || b == b'1');
    }
    if let Some(rest) = s.strip_prefix("0x") {
        return all(rest, |b| b.is_ascii_hexdigit());
    }
    if let Some(rest) = s.strip_prefix("0o") {
        return all(rest, |b| (b'0'..=b'7').contains(&b));
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) && all(s, |b| b.is_ascii_digit()) {
        return true;
    }
    is_sexagesimal(s)
}

/// `[1-9][0-9_]*(:[0-5]?[0-9])+`, the base-60 form (`1:20` is 80 to YAML 1.1).
fn is_sexagesimal(s: &str) -> bool {
    let mut parts = s.split(':');
    let head = parts.next().unwrap_or_default();
    let mut rest = parts.peekable();
    rest.peek().is_some()
        && head.starts_with(|c: char| c.is_ascii_digit())
        && head.bytes().all(|b| b.is_ascii_digit() || b == b'_')
        && rest.all(|p| (1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
}

/// YAML 1.1 floats: `[-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+]?[0-9]+)?` and sexagesimal floats.
fn is_float_1_1(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let Some((int, frac)) = mantissa.split_once('.') else { return false };
    let digits_ = |t: &str| t.bytes().all(|b| b.is_ascii_digit() || b == b'_');
    let int_ok =
        int.is_empty() || (int.starts_with(|c: char| c.is_ascii_digit()) && digits_(int)) || is_sexagesimal(int);
    let exp_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
    });
    int_ok && digits_(frac) && !(int.is_empty() && frac.is_empty()) && exp_ok
}

/// YAML 1.1 timestamps start `YYYY-M-D` (then the end, or a time after `T`, `t` or spaces).
fn is_timestamp_1_1(s: &str) -> bool {
    let b = s.as_bytes();
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    if !(digit(0) && digit(1) && digit(2) && digit(3) && b.get(4) == Some(&b'-') && digit(5)) {
        return false;
    }
    let mut i = if digit(6) { 7 } else { 6 };
    if b.get(i) != Some(&b'-') || !digit(i + 1) {
        return false;
    }
    i += if digit(i + 2) { 3 } else { 2 };
    matches!(b.get(i), None | Some(b'T' | b't' | b' ' | b'\t'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_plain_scalar_read_as_something_else_is_quoted() {
        // needs_quotes answers from its word list for strings that do not start like a number; every
        // word resolve_plain reads as a null or a bool must be in it.
        let mut strings: Vec<String> = ["null", "Null", "NULL", "~", "true", "True", "TRUE", "false", "False", "FALSE"]
            .into_iter()
            .map(String::from)
            .collect();
        let alphabet = ["0", "1", "9", ".", "+", "-", "_", ":", "e", "x", "o", "b", "n", "~", "i", "a", "T"];
        let mut level = vec![String::new()];
        for _ in 0..4 {
            level = level.iter().flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}"))).collect();
            strings.extend(level.iter().cloned());
        }
        for s in &strings {
            if resolve_plain(s).is_some() || digits_but_not_number(s) {
                assert!(needs_quotes(s), "{s:?}");
            }
        }
    }
}
