//! The emitter as a serde serializer: a typed value written straight into the output, in the layout
//! and with the quoting of [`super::emit`], without building a `serde_yaml_ng::Value` first (a hashed
//! map insert per field, and its drop). A 1,000-spoke run writes 3,001 results this way.
//!
//! It covers what our typed output is made of: structs, string-keyed maps, sequences, strings,
//! integers, booleans, options and unit variants. Anything else (a float, a non-string key or one
//! starting with `!`, bytes, a data-carrying enum variant, which serde_yaml_ng writes as a tagged value)
//! is [`Unsupported`], and the caller writes that value through `Value` instead, so the bytes never
//! depend on which path ran.

use super::emit::{indent, write_key, write_string};
use super::scalar::float_1_1;
use super::Tree;
use serde::ser::{self, Serialize};

/// Writes `value` at `at` of `out` and returns true, or writes nothing and returns false when the value
/// holds something this serializer leaves to `Value` (see the module's doc).
pub(super) fn write<T: Serialize + ?Sized>(out: &mut String, value: &T, at: Place) -> bool {
    let mark = out.len();
    if value.serialize(Writer { out, at }).is_ok() {
        return true;
    }
    out.truncate(mark);
    false
}

/// [`write`] for a [`Tree`], walked directly: its keys are strings already, so none is serialised to
/// find out (an allocation each).
pub(super) fn write_tree(out: &mut String, tree: &Tree, at: Place) -> bool {
    let mark = out.len();
    if write_tree_at(Writer { out, at }, tree).is_ok() {
        return true;
    }
    out.truncate(mark);
    false
}

fn write_tree_at(writer: Writer<'_>, tree: &Tree) -> Result {
    match tree {
        Tree::Map(entries) => {
            let mut map = writer.collection(true);
            for (key, value) in entries {
                let column = map.key_str(key)?;
                write_tree_at(Writer { out: map.out, at: Place::Field(column) }, value)?;
            }
            map.end()
        }
        Tree::Seq(items) => {
            let mut seq = writer.collection(false);
            for item in items {
                write_tree_at(seq.element_writer(), item)?;
            }
            seq.end()
        }
        // Scalars, and a `Tree::Value` through the serde front.
        other => other.serialize(writer),
    }
}

/// Where a value is written, as `emit::write_value` and `emit::to_string` place it.
#[derive(Debug, Clone, Copy)]
pub(super) enum Place {
    /// A whole document.
    Top,
    /// After `key:`, the key at this column.
    Field(usize),
    /// After `-`, the dash at this column.
    Entry(usize),
}

#[derive(Debug)]
pub(super) struct Unsupported;

impl std::fmt::Display for Unsupported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not written directly")
    }
}

impl std::error::Error for Unsupported {}

impl ser::Error for Unsupported {
    fn custom<M: std::fmt::Display>(_: M) -> Self {
        Unsupported
    }
}

type Result<T = ()> = std::result::Result<T, Unsupported>;

struct Writer<'o> {
    out: &'o mut String,
    at: Place,
}

impl<'o> Writer<'o> {
    /// A scalar's text at this place: `block_at` is where a literal block's lines go.
    fn scalar(self, write: impl FnOnce(&mut String, usize)) -> Result {
        match self.at {
            Place::Top => {
                write(self.out, 2);
                self.out.push('\n');
            }
            Place::Field(at) | Place::Entry(at) => {
                self.out.push(' ');
                write(self.out, at + 2);
                self.out.push('\n');
            }
        }
        Ok(())
    }

    fn plain(self, text: &str) -> Result {
        self.scalar(|out, _| out.push_str(text))
    }

    fn collection(self, map: bool) -> Collection<'o> {
        Collection { out: self.out, at: self.at, map, count: 0 }
    }
}

/// A map or sequence being written: its opening depends on whether it has an entry at all (an empty
/// one is `{}` or `[]`, a scalar), so it is written with the first entry.
struct Collection<'o> {
    out: &'o mut String,
    at: Place,
    map: bool,
    count: usize,
}

impl Collection<'_> {
    /// Starts the next entry: the line break or space before the first, the indentation of the others.
    /// Returns the column of the entries.
    fn next(&mut self) -> usize {
        // Maps nest two columns in; a sequence under a key stays at the key's column, as libyaml writes it.
        let (column, inline) = match (self.at, self.map) {
            (Place::Top, _) => (0, false),
            (Place::Field(at), true) => (at + 2, false),
            (Place::Field(at), false) => (at, false),
            (Place::Entry(at), _) => (at + 2, true),
        };
        if self.count == 0 {
            match self.at {
                Place::Top => {}
                Place::Field(_) => self.out.push('\n'),
                Place::Entry(_) => self.out.push(' '),
            }
        }
        if self.count > 0 || !inline {
            indent(self.out, column);
        }
        self.count += 1;
        column
    }

    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        value.serialize(self.element_writer())
    }

    /// Starts the next element: where its value goes.
    fn element_writer(&mut self) -> Writer<'_> {
        let column = self.next();
        self.out.push('-');
        Writer { out: self.out, at: Place::Entry(column) }
    }

    fn key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<usize> {
        // A key is serialised as serde_yaml_ng serialises it, and must be a string.
        match key.serialize(serde_yaml_ng::value::Serializer) {
            Ok(serde_yaml_ng::Value::String(name)) => self.key_str(&name),
            _ => Err(Unsupported),
        }
    }

    /// A key written with `serialize_str` (a struct's field name, a [`Tree`]'s key); returns its column.
    /// It must not be one that may start a tag: serde_yaml_ng reads a one-entry map whose key is written
    /// with `collect_str` and starts with `!` as a tagged value, and which way a key was written is not
    /// known here.
    fn key_str(&mut self, name: &str) -> Result<usize> {
        if name.starts_with('!') {
            return Err(Unsupported);
        }
        let column = self.next();
        write_key(self.out, name, column);
        self.out.push(':');
        Ok(column)
    }

    fn end(self) -> Result {
        if self.count == 0 {
            let empty = if self.map { "{}" } else { "[]" };
            return Writer { out: self.out, at: self.at }.plain(empty);
        }
        Ok(())
    }
}

impl<'o> ser::Serializer for Writer<'o> {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = Collection<'o>;
    type SerializeTuple = Collection<'o>;
    type SerializeTupleStruct = Collection<'o>;
    type SerializeTupleVariant = ser::Impossible<(), Unsupported>;
    type SerializeMap = Map<'o>;
    type SerializeStruct = Map<'o>;
    type SerializeStructVariant = ser::Impossible<(), Unsupported>;

    fn serialize_bool(self, v: bool) -> Result {
        self.plain(if v { "true" } else { "false" })
    }
    fn serialize_i8(self, v: i8) -> Result {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result {
        // As `emit::write_scalar` writes a `Value::Number`.
        self.plain(&float_1_1(&serde_yaml_ng::Number::from(v).to_string()))
    }
    fn serialize_u8(self, v: u8) -> Result {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result {
        self.plain(&float_1_1(&serde_yaml_ng::Number::from(v).to_string()))
    }
    fn serialize_f32(self, _: f32) -> Result {
        Err(Unsupported)
    }
    fn serialize_f64(self, _: f64) -> Result {
        Err(Unsupported)
    }
    fn serialize_char(self, v: char) -> Result {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result {
        self.scalar(|out, block_at| write_string(out, v, block_at, false))
    }
    fn serialize_bytes(self, _: &[u8]) -> Result {
        Err(Unsupported)
    }
    fn serialize_none(self) -> Result {
        self.plain("null")
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result {
        self.plain("null")
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result {
        self.plain("null")
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Result {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(self, _: &str, _: u32, _: &str, _: &T) -> Result {
        Err(Unsupported)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Collection<'o>> {
        Ok(self.collection(false))
    }
    fn serialize_tuple(self, _: usize) -> Result<Collection<'o>> {
        Ok(self.collection(false))
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Collection<'o>> {
        Ok(self.collection(false))
    }
    fn serialize_tuple_variant(self, _: &str, _: u32, _: &str, _: usize) -> Result<Self::SerializeTupleVariant> {
        Err(Unsupported)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Map<'o>> {
        Ok(Map { entries: self.collection(true), column: 0 })
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Map<'o>> {
        Ok(Map { entries: self.collection(true), column: 0 })
    }
    fn serialize_struct_variant(self, _: &str, _: u32, _: &str, _: usize) -> Result<Self::SerializeStructVariant> {
        Err(Unsupported)
    }
}

impl ser::SerializeSeq for Collection<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.element(value)
    }
    fn end(self) -> Result {
        Collection::end(self)
    }
}

impl ser::SerializeTuple for Collection<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.element(value)
    }
    fn end(self) -> Result {
        Collection::end(self)
    }
}

impl ser::SerializeTupleStruct for Collection<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.element(value)
    }
    fn end(self) -> Result {
        Collection::end(self)
    }
}

/// A map or struct: its entries, and the column of the key whose value comes next.
struct Map<'o> {
    entries: Collection<'o>,
    column: usize,
}

impl ser::SerializeMap for Map<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result {
        self.column = self.entries.key(key)?;
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        value.serialize(Writer { out: self.entries.out, at: Place::Field(self.column) })
    }
    fn end(self) -> Result {
        self.entries.end()
    }
}

impl ser::SerializeStruct for Map<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result {
        let column = self.entries.key_str(key)?;
        value.serialize(Writer { out: self.entries.out, at: Place::Field(column) })
    }
    fn end(self) -> Result {
        self.entries.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use std::collections::BTreeMap;

    /// The bytes of the `Value` path, which this serializer must write too.
    fn via_value<T: Serialize>(value: &T) -> String {
        super::super::to_string(&serde_yaml_ng::to_value(value).unwrap())
    }

    fn direct<T: Serialize>(value: &T) -> Option<String> {
        let mut out = String::new();
        write(&mut out, value, Place::Top).then_some(out)
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Inner {
        text: String,
        list: Vec<String>,
        empty_list: Vec<String>,
        map: BTreeMap<String, String>,
        empty_map: BTreeMap<String, String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<String>,
        none: Option<String>,
        count: u32,
        negative: i64,
        flag: bool,
        unit: (),
        kind: Kind,
        pair: (String, u8),
    }

    #[derive(Serialize)]
    enum Kind {
        Variant,
    }

    fn inner(text: &str) -> Inner {
        Inner {
            text: text.to_string(),
            list: vec![text.to_string(), "b".into()],
            empty_list: Vec::new(),
            map: [(text.to_string(), text.to_string()), ("k".into(), "v".into())].into(),
            empty_map: BTreeMap::new(),
            skipped: None,
            none: None,
            count: 7,
            negative: -3,
            flag: true,
            unit: (),
            kind: Kind::Variant,
            pair: (text.to_string(), 1),
        }
    }

    /// Strings of every style the emitter picks (plain, quoted for YAML 1.1, single, double, literal
    /// block with its indicators) and a key past the 1,024-character limit of an implicit key.
    const TEXTS: &[&str] = &[
        "",
        "word",
        "yes",
        "1.0",
        "0x1F",
        "a: b",
        "it's",
        "-",
        "# x",
        " lead",
        "trail ",
        "multi\nline\n",
        "\nfirst\n\n",
        "tab\there",
        "\u{85}next",
        "é ü",
        "!tag",
    ];

    #[test]
    fn writes_every_place_and_style_as_the_value_path_does() {
        /// `to_string_of` gives the Value path's bytes, written here (`direct`) or left to that path.
        fn same<T: Serialize>(value: &T, here: bool, text: &str) {
            assert_eq!(super::super::to_string_of(value), via_value(value), "{text:?}");
            assert_eq!(direct(value).is_some(), here, "{text:?}");
        }
        let long = "k".repeat(1500);
        for text in TEXTS.iter().copied().chain([long.as_str()]) {
            // A key that may start a tag is left to the Value path; as a value it is written here.
            let key_here = !text.starts_with('!');
            same(&inner(text), key_here, text);
            // In sequences of maps and of sequences, and nested under keys.
            let nested: BTreeMap<&str, Vec<Inner>> = [(text, vec![inner(text), inner("x")])].into();
            same(&nested, key_here, text);
            same(&vec![vec![text.to_string()], Vec::new()], true, text);
            // A scalar as the whole document, and under a key of the output.
            same(&text, true, text);
            let (mut field, mut field_of) = (String::new(), String::new());
            super::super::write_field(&mut field, "results", &serde_yaml_ng::to_value(&nested).unwrap());
            super::super::write_field_of(&mut field_of, "results", &nested);
            assert_eq!(field_of, field, "{text:?}");
        }
        let result = crate::krm::KrmResult {
            message: "a: b, it's".into(),
            severity: crate::diag::Severity::Warning,
            resource_ref: Some(crate::krm::ResourceRef {
                api_version: "v1".into(),
                kind: "ConfigMap".into(),
                name: "n".into(),
                namespace: None,
            }),
            field: Some(crate::krm::Field { path: "spec.x".into() }),
            file: Some(crate::krm::FileRef { path: "f.yaml".into(), index: Some(2) }),
            position: Some(crate::krm::Position { line: 3, column: 4 }),
        };
        assert_eq!(direct(&[&result, &result]).as_deref(), Some(via_value(&[&result, &result]).as_str()));
        let empty: BTreeMap<String, String> = BTreeMap::new();
        assert_eq!(direct(&empty).as_deref(), Some("{}\n"));
        assert_eq!(direct(&Vec::<u8>::new()).as_deref(), Some("[]\n"));
    }

    /// A `Value` serialised with serde (tags, numbers we keep as text, floats, non-string keys, long
    /// keys, nested empties): what this writes itself and what it leaves to the Value path together give
    /// the bytes of the Value path. The fuzz target `yaml_roundtrip` checks the same on any YAML.
    #[test]
    fn a_value_serialised_with_serde_is_written_as_its_value_path_writes_it() {
        let long = "k".repeat(1100);
        let texts = [
            "{a: 1, b: [], c: {}, d: [x, {e: f}], 'g: h': null, i: 1.5, j: true}",
            "!t {a: b}",
            "{a: !t b, c: [!u {d: e}]}",
            "{1: a, [b]: c, {d: e}: f}",
            "[1, -2, 18446744073709551615, 1e400, 123456789012345678901234567890]",
            "'!x': y",
            // serde_yaml_ng's to_value drops a `!` of this tag (found by fuzzing): the fall-back writes
            // what that path always wrote, not what the emitter writes for the value itself.
            "!%21%2A",
            "a: |\n  line\n   more\n",
        ];
        for text in texts.iter().map(|t| t.to_string()).chain([format!("? {long}\n: v\n")]) {
            let value = crate::yaml::from_str(&text).unwrap();
            assert_eq!(super::super::to_string_of(&value), via_value(&value), "{text}");
        }
    }

    #[test]
    fn leaves_to_the_value_path_what_serde_yaml_ng_writes_otherwise() {
        #[derive(Serialize)]
        enum Tagged {
            Newtype(String),
        }
        /// A one-entry map whose key is written with `collect_str`, as serde_yaml_ng's own tags are.
        struct TagLike(&'static str);
        impl Serialize for TagLike {
            fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap;
                struct Shown(&'static str);
                impl Serialize for Shown {
                    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                        s.collect_str(self.0)
                    }
                }
                let mut map = s.serialize_map(Some(1))?;
                map.serialize_entry(&Shown(self.0), "v")?;
                map.end()
            }
        }
        assert_eq!(direct(&TagLike("!x")), None);
        assert_eq!(super::super::to_string_of(&TagLike("!x")), via_value(&TagLike("!x")));
        assert_eq!(direct(&TagLike("x")).as_deref(), Some(via_value(&TagLike("x")).as_str()));
        let numbers: BTreeMap<u8, &str> = [(1, "a")].into();
        let floats = vec![1.5f64];
        let tagged = vec![Tagged::Newtype("x".into())];
        assert_eq!(direct(&numbers), None);
        assert_eq!(direct(&floats), None);
        assert_eq!(direct(&tagged), None);
        // The callers fall back, with the same bytes as before and nothing left of the attempt.
        assert_eq!(super::super::to_string_of(&numbers), via_value(&numbers));
        assert_eq!(super::super::to_string_of(&floats), via_value(&floats));
        assert_eq!(super::super::to_string_of(&tagged), via_value(&tagged));
        let mut out = "x\n".to_string();
        super::super::write_field_of(&mut out, "results", &tagged);
        let mut expected = "x\n".to_string();
        super::super::write_field(&mut expected, "results", &serde_yaml_ng::to_value(&tagged).unwrap());
        assert_eq!(out, expected);
    }
}
