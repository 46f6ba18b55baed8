//! [`Tree`]: the objects we generate, held in key order without hashing.
//!
//! A `serde_yaml_ng::Value` map is an `IndexMap` with SipHash: serialising a typed object into one
//! hashes every key of every nested struct and grows two allocations per map, and putting it into
//! canonical order hashes the keys again. A generated object is only built, reordered, read by a few
//! keys and written, so it is kept as a `Tree`, whose maps are vectors of entries and whose struct
//! field names are the serialiser's own `&'static str`s. Input items stay `Value`s.
//!
//! A `Tree` means exactly what the `Value` serde_yaml_ng would build from the same data: [`Tree::of`]
//! builds every scalar through serde_yaml_ng's own value serializer, and anything whose meaning
//! depends on serde_yaml_ng's rules for maps (a key that is not a string, or a string starting with `!`,
//! which may start a tag) is built by serde_yaml_ng and kept as [`Tree::Value`]. [`Tree::to_value`]
//! gives that `Value`, and [`Tree`]'s `Serialize` makes the calls `Value`'s does. The emitter writes a
//! `Tree` by walking it (`yaml::write_tree`), with the bytes of its `Value`.

use serde::ser::{self, Serialize, SerializeMap as _};
use serde_yaml_ng::{Mapping, Number, Value};
use std::borrow::Cow;

/// serde_yaml_ng's value serializer, which decides what every scalar and every odd map becomes.
type Values = serde_yaml_ng::value::Serializer;
type Result<T> = std::result::Result<T, serde_yaml_ng::Error>;

/// A YAML value whose maps keep their entries in order, without hashing (see the module's doc).
#[derive(Debug, Clone, PartialEq)]
pub enum Tree {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Seq(Vec<Tree>),
    /// String keys, none starting with `!`, in order. serde's maps and structs never repeat a key.
    Map(Vec<(Cow<'static, str>, Tree)>),
    /// A value serde_yaml_ng's rules shape (a tagged value, a map with another kind of key), as it built it.
    Value(Value),
}

impl Tree {
    /// `value` as serde_yaml_ng's `to_value` would build it, in a [`Tree`].
    pub fn of<T: Serialize + ?Sized>(value: &T) -> Result<Tree> {
        value.serialize(Builder)
    }

    /// The entry `key` of a map.
    pub fn get(&self, key: &str) -> Option<&Tree> {
        match self {
            Tree::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Tree> {
        match self {
            Tree::Map(entries) => entries.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Tree::String(s) => Some(s),
            _ => None,
        }
    }

    /// Sets `key` of a map: in its place when the map has it (as `Mapping::insert` does), else last.
    /// Anything but a map is left as it is.
    pub fn insert(&mut self, key: impl Into<Cow<'static, str>>, value: Tree) {
        let Tree::Map(entries) = self else { return };
        let key = key.into();
        match entries.iter_mut().find(|(k, _)| *k == key) {
            Some((_, slot)) => *slot = value,
            None => entries.push((key, value)),
        }
    }

    /// The string of annotation `key`.
    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.get("metadata")?.get("annotations")?.get(key)?.as_str()
    }

    /// Sets annotations, creating `metadata.annotations` when needed, as `krm::set_annotations` does.
    pub fn set_annotations<'a>(&mut self, pairs: impl IntoIterator<Item = (&'a str, &'a str)>) {
        let Some(meta) = entry(self, "metadata") else { return };
        let Some(annotations) = entry(meta, "annotations") else { return };
        for (key, value) in pairs {
            annotations.insert(key.to_string(), Tree::String(value.to_string()));
        }
    }

    /// The same value as a `Value`, for readers that walk or merge it.
    pub fn to_value(&self) -> Value {
        match self {
            Tree::Null => Value::Null,
            Tree::Bool(b) => Value::Bool(*b),
            Tree::Number(n) => Value::Number(n.clone()),
            Tree::String(s) => Value::String(s.clone()),
            Tree::Seq(items) => Value::Sequence(items.iter().map(Tree::to_value).collect()),
            Tree::Map(entries) => {
                let mut map = Mapping::with_capacity(entries.len());
                for (k, v) in entries {
                    map.insert(Value::String(k.to_string()), v.to_value());
                }
                Value::Mapping(map)
            }
            Tree::Value(v) => v.clone(),
        }
    }

    /// A scalar as serde_yaml_ng built it; anything else stays a `Value`.
    fn scalar(value: Value) -> Tree {
        match value {
            Value::Null => Tree::Null,
            Value::Bool(b) => Tree::Bool(b),
            Value::Number(n) => Tree::Number(n),
            Value::String(s) => Tree::String(s),
            other => Tree::Value(other),
        }
    }
}

/// The map at `key` of the map `tree`, added empty when it is missing; None when either is not a map.
fn entry<'t>(tree: &'t mut Tree, key: &'static str) -> Option<&'t mut Tree> {
    let Tree::Map(entries) = tree else { return None };
    let at = match entries.iter().position(|(k, _)| k == key) {
        Some(at) => at,
        None => {
            entries.push((Cow::Borrowed(key), Tree::Map(Vec::new())));
            entries.len() - 1
        }
    };
    let found = &mut entries[at].1;
    matches!(found, Tree::Map(_)).then_some(found)
}

impl Serialize for Tree {
    /// The calls `Value`'s own `Serialize` makes for the same value.
    fn serialize<S: ser::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Tree::Null => serializer.serialize_unit(),
            Tree::Bool(b) => serializer.serialize_bool(*b),
            Tree::Number(n) => n.serialize(serializer),
            Tree::String(s) => serializer.serialize_str(s),
            Tree::Seq(items) => items.serialize(serializer),
            Tree::Map(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k.as_ref(), v)?;
                }
                map.end()
            }
            Tree::Value(v) => v.serialize(serializer),
        }
    }
}

/// The serializer behind [`Tree::of`].
struct Builder;

/// Scalars are built by serde_yaml_ng, so a number, a character or a unit variant becomes what it
/// would become in a `Value`.
macro_rules! scalars {
    ($($method:ident($t:ty)),* $(,)?) => {$(
        fn $method(self, v: $t) -> Result<Tree> {
            ser::Serializer::$method(Values {}, v).map(Tree::scalar)
        }
    )*};
}

impl ser::Serializer for Builder {
    type Ok = Tree;
    type Error = serde_yaml_ng::Error;
    type SerializeSeq = Seq;
    type SerializeTuple = Seq;
    type SerializeTupleStruct = Seq;
    type SerializeTupleVariant = Built<<Values as ser::Serializer>::SerializeTupleVariant>;
    type SerializeMap = Map;
    type SerializeStruct = Struct;
    type SerializeStructVariant = Built<<Values as ser::Serializer>::SerializeStructVariant>;

    scalars!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_i128(i128),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_u128(u128),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_char(char),
        serialize_str(&str),
        serialize_bytes(&[u8]),
    );

    fn serialize_none(self) -> Result<Tree> {
        Ok(Tree::Null)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Tree> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Tree> {
        Ok(Tree::Null)
    }
    fn serialize_unit_struct(self, name: &'static str) -> Result<Tree> {
        ser::Serializer::serialize_unit_struct(Values {}, name).map(Tree::scalar)
    }
    fn serialize_unit_variant(self, name: &'static str, index: u32, variant: &'static str) -> Result<Tree> {
        ser::Serializer::serialize_unit_variant(Values {}, name, index, variant).map(Tree::scalar)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Result<Tree> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Tree> {
        ser::Serializer::serialize_newtype_variant(Values {}, name, index, variant, value).map(Tree::scalar)
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Seq> {
        Ok(Seq(Vec::with_capacity(len.unwrap_or(0))))
    }
    fn serialize_tuple(self, len: usize) -> Result<Seq> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Seq> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        ser::Serializer::serialize_tuple_variant(Values {}, name, index, variant, len).map(Built)
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Map> {
        Ok(Map { len, entries: Vec::with_capacity(len.unwrap_or(0)), key: None, handed: None })
    }
    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Struct> {
        Ok(Struct(Vec::with_capacity(len)))
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStructVariant> {
        ser::Serializer::serialize_struct_variant(Values {}, name, index, variant, len).map(Built)
    }
    fn collect_str<T: std::fmt::Display + ?Sized>(self, value: &T) -> Result<Tree> {
        ser::Serializer::collect_str(Values {}, value).map(Tree::scalar)
    }
}

struct Seq(Vec<Tree>);

impl ser::SerializeSeq for Seq {
    type Ok = Tree;
    type Error = serde_yaml_ng::Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.0.push(value.serialize(Builder)?);
        Ok(())
    }
    fn end(self) -> Result<Tree> {
        Ok(Tree::Seq(self.0))
    }
}

impl ser::SerializeTuple for Seq {
    type Ok = Tree;
    type Error = serde_yaml_ng::Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<Tree> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for Seq {
    type Ok = Tree;
    type Error = serde_yaml_ng::Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<Tree> {
        ser::SerializeSeq::end(self)
    }
}

struct Struct(Vec<(Cow<'static, str>, Tree)>);

impl ser::SerializeStruct for Struct {
    type Ok = Tree;
    type Error = serde_yaml_ng::Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<()> {
        self.0.push((Cow::Borrowed(key), value.serialize(Builder)?));
        Ok(())
    }
    fn end(self) -> Result<Tree> {
        Ok(Tree::Map(self.0))
    }
}

/// A map: string keys are kept in order; at the first other key, serde_yaml_ng builds the map (see
/// [`Handed`]) and it is kept as that `Value`.
struct Map {
    len: Option<usize>,
    entries: Vec<(Cow<'static, str>, Tree)>,
    key: Option<String>,
    handed: Option<Handed>,
}

/// A map serde_yaml_ng builds. Values already built are never serialised again: serde_yaml_ng's
/// `to_value` of a `Value` is not always that `Value` (it drops a `!` of a tag `!!…`; found by fuzzing).
enum Handed {
    /// From its first key: serde_yaml_ng's own map, which reads a one-entry map as a tag where it is one.
    Whole(<Values as ser::Serializer>::SerializeMap),
    /// After plain entries, as serde_yaml_ng builds the rest of such a map: each further key and value
    /// by `to_value`, inserted (a repeated key keeps its place and takes the later value).
    Rest { mapping: Mapping, key: Option<Value> },
}

impl Map {
    /// The key's text when it is a plain string key; otherwise the map is handed to serde_yaml_ng.
    fn plain<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<Option<String>> {
        if self.handed.is_none() {
            match key.serialize(Values {})? {
                Value::String(s) if !s.starts_with('!') => return Ok(Some(s)),
                _ if self.entries.is_empty() => {
                    self.handed = Some(Handed::Whole(ser::Serializer::serialize_map(Values {}, self.len)?));
                }
                _ => {
                    let mapping =
                        self.entries.drain(..).map(|(k, v)| (Value::String(k.into_owned()), v.to_value())).collect();
                    self.handed = Some(Handed::Rest { mapping, key: None });
                }
            }
        }
        Ok(None)
    }

    fn handed(&mut self) -> &mut Handed {
        self.handed.as_mut().expect("handed over by `plain`")
    }
}

impl ser::SerializeMap for Map {
    type Ok = Tree;
    type Error = serde_yaml_ng::Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<()> {
        match self.plain(key)? {
            Some(text) => self.key = Some(text),
            None => match self.handed() {
                Handed::Whole(map) => map.serialize_key(key)?,
                Handed::Rest { key: next, .. } => *next = Some(serde_yaml_ng::to_value(key)?),
            },
        }
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        let missing = || <serde_yaml_ng::Error as ser::Error>::custom("serialize_value called before serialize_key");
        match &mut self.handed {
            Some(Handed::Whole(map)) => map.serialize_value(value),
            Some(Handed::Rest { mapping, key }) => {
                mapping.insert(key.take().ok_or_else(missing)?, serde_yaml_ng::to_value(value)?);
                Ok(())
            }
            None => {
                let key = self.key.take().ok_or_else(missing)?;
                self.entries.push((Cow::Owned(key), value.serialize(Builder)?));
                Ok(())
            }
        }
    }
    /// Passed on whole: serde_yaml_ng reads a tag only from an entry given at once.
    fn serialize_entry<K: Serialize + ?Sized, V: Serialize + ?Sized>(&mut self, key: &K, value: &V) -> Result<()> {
        match self.plain(key)? {
            Some(text) => self.entries.push((Cow::Owned(text), value.serialize(Builder)?)),
            None => match self.handed() {
                Handed::Whole(map) => map.serialize_entry(key, value)?,
                Handed::Rest { mapping, .. } => {
                    mapping.insert(serde_yaml_ng::to_value(key)?, serde_yaml_ng::to_value(value)?);
                }
            },
        }
        Ok(())
    }
    fn end(self) -> Result<Tree> {
        match self.handed {
            Some(Handed::Whole(map)) => map.end().map(Tree::Value),
            Some(Handed::Rest { mapping, .. }) => Ok(Tree::Value(Value::Mapping(mapping))),
            None => Ok(Tree::Map(self.entries)),
        }
    }
}

/// A data-carrying enum variant, built by serde_yaml_ng (a tagged value).
struct Built<S>(S);

impl<S: ser::SerializeTupleVariant<Ok = Value, Error = serde_yaml_ng::Error>> ser::SerializeTupleVariant for Built<S> {
    type Ok = Tree;
    type Error = serde_yaml_ng::Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.0.serialize_field(value)
    }
    fn end(self) -> Result<Tree> {
        self.0.end().map(Tree::Value)
    }
}

impl<S: ser::SerializeStructVariant<Ok = Value, Error = serde_yaml_ng::Error>> ser::SerializeStructVariant
    for Built<S>
{
    type Ok = Tree;
    type Error = serde_yaml_ng::Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<()> {
        self.0.serialize_field(key, value)
    }
    fn end(self) -> Result<Tree> {
        self.0.end().map(Tree::Value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every shape a `Value` can take, the odd ones included, means the same as a `Tree`: built from
    /// it, converted back, serialised, and written by the emitter.
    #[test]
    fn a_tree_means_what_the_value_means() {
        let texts = [
            "{a: 1, b: [x, {c: null}], d: {}, e: [], f: 1.5, g: true, h: '007', i: ~}",
            "{1: one, a: two}",
            "{a: x, 1: one}",
            "!t {a: 1}",
            "{a: !t x, b: [!u {c: 1}]}",
            "{'!k': v}",
            "{a: 1, '!k': v}",
            "{[1]: x}",
            // A plain entry whose value holds a tag `!!…`, then a key that is not a string: the entry
            // built before the hand-over is not serialised again (found by fuzzing).
            "{a: [{!<!!!t> k: v}], [1]: x}",
            "text",
            "[]",
        ];
        for text in texts {
            let value: Value = crate::yaml::from_str(text).unwrap();
            // What to_value builds: the value itself but for a tag `!!…`, which loses a `!`.
            let built = serde_yaml_ng::to_value(&value).unwrap();
            let tree = Tree::of(&value).unwrap();
            assert_eq!(tree.to_value(), built, "{text}");
            assert_eq!(serde_yaml_ng::to_value(&tree).unwrap(), serde_yaml_ng::to_value(&built).unwrap(), "{text}");
            assert_eq!(crate::yaml::to_string_of(&tree), crate::yaml::to_string_of(&built), "{text}");
            assert_eq!(crate::yaml::tree_to_string(&tree), crate::yaml::to_string(&built), "{text}");
        }
        let plain = Tree::of(&crate::yaml::from_str("{a: x, b: 1}").unwrap()).unwrap();
        assert!(matches!(plain, Tree::Map(_)), "string keys are kept as a Tree map: {plain:?}");
        let odd = Tree::of(&crate::yaml::from_str("{a: x, 1: one}").unwrap()).unwrap();
        assert!(matches!(odd, Tree::Value(_)), "another key hands the map to serde_yaml_ng: {odd:?}");
    }

    /// Typed values: a struct's fields in order, enums as serde_yaml_ng writes them.
    #[test]
    fn typed_values_build_what_to_value_builds() {
        #[derive(serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        enum E {
            Unit,
            New(u8),
            Tuple(u8, u8),
            Struct { x: u8 },
        }
        #[derive(serde::Serialize)]
        struct S {
            z: Option<u8>,
            a: Vec<E>,
            m: std::collections::BTreeMap<String, f64>,
            c: char,
            big: u128,
            bytes: serde_bytes_like::Bytes,
        }
        mod serde_bytes_like {
            pub struct Bytes;
            impl serde::Serialize for Bytes {
                fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                    s.serialize_bytes(b"ab")
                }
            }
        }
        let s = S {
            z: None,
            a: vec![E::Unit, E::New(1), E::Tuple(1, 2), E::Struct { x: 3 }],
            m: [("k".to_string(), 0.5)].into(),
            c: 'y',
            big: u128::MAX,
            bytes: serde_bytes_like::Bytes,
        };
        let tree = Tree::of(&s).unwrap();
        assert_eq!(tree.to_value(), serde_yaml_ng::to_value(&s).unwrap());
        assert_eq!(crate::yaml::to_string_of(&tree), crate::yaml::to_string_of(&s));
        let Tree::Map(entries) = &tree else { panic!("{tree:?}") };
        let keys: Vec<&str> = entries.iter().map(|(k, _)| k.as_ref()).collect();
        assert_eq!(keys, ["z", "a", "m", "c", "big", "bytes"], "declaration order");

        // A map whose entries come key and value apart (serde allows it; serde_yaml_ng's own maps and
        // the derived impls give them whole): string keys stay a Tree map, a later other key hands the
        // map over with the entries before it.
        struct Split(Vec<(serde_yaml_ng::Value, u8)>);
        impl serde::Serialize for Split {
            fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                let mut map = s.serialize_map(None)?;
                for (k, v) in &self.0 {
                    map.serialize_key(k)?;
                    map.serialize_value(v)?;
                }
                map.end()
            }
        }
        let plain = Split(vec![("a".into(), 1), ("b".into(), 2)]);
        let odd = Split(vec![("a".into(), 1), (2.into(), 2), (3.into(), 3)]);
        let odd_first = Split(vec![(1.into(), 1), ("a".into(), 2)]);
        let plain_tree = Tree::of(&plain).unwrap();
        assert!(matches!(plain_tree, Tree::Map(_)), "{plain_tree:?}");
        assert_eq!(plain_tree.to_value(), serde_yaml_ng::to_value(&plain).unwrap());
        for split in [odd, odd_first] {
            assert_eq!(Tree::of(&split).unwrap().to_value(), serde_yaml_ng::to_value(&split).unwrap());
        }
    }

    #[test]
    fn insert_and_annotations_keep_places_as_mapping_does() {
        let mut tree = Tree::of(&crate::yaml::from_str("{kind: K, metadata: {name: n}}").unwrap()).unwrap();
        tree.set_annotations([("b", "1"), ("a", "2")]);
        tree.set_annotations([("b", "3")]);
        assert_eq!(tree.annotation("b"), Some("3"));
        let mut value: Value = crate::yaml::from_str("{kind: K, metadata: {name: n}}").unwrap();
        crate::krm::set_annotations(&mut value, [("b", "1"), ("a", "2")]);
        crate::krm::set_annotations(&mut value, [("b", "3")]);
        assert_eq!(tree.to_value(), value);
    }
}
