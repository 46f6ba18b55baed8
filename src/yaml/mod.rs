//! Reading and writing YAML: one pass over the input's events with bounded cost, and one emitter for
//! everything we serialise (KRM output and `generate`), safe for YAML 1.1 readers.
//!
//! Why our own: serde_yaml_ng (libyaml) expands aliases with a limit relative to the document's size,
//! spends quadratic time on deep flow nesting before its recursion limit, rejects surrogate-pair escapes
//! and integers wider than 64 bits, and gives no source positions, so pass-through needed a second
//! parse. Here one event stream (a vendored saphyr-parser, see [`saphyr`]) yields the value and every
//! ResourceList item's source span at once, under the limits below. The emitter writes the same block
//! style serde_yaml_ng writes (generated output stays byte-identical) but also quotes every string a
//! YAML 1.1 reader (go-yaml v2 in kubectl, kustomize and Argo CD, PyYAML) would take for something else.

pub(crate) mod saphyr;

use saphyr::{Event, Marker, Parser, ScalarStyle};
use serde_yaml_ng::value::{Tag, TaggedValue};
use serde_yaml_ng::{Mapping, Number, Value};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

/// The largest input read, in bytes: far above any package (the biggest seen are a few MiB), low
/// enough that the memory bound below stays in reach of a CI runner.
pub const MAX_INPUT_BYTES: usize = 64 << 20;
/// The deepest nesting of collections. Kubernetes objects nest about 20 levels (CRD schemas a few
/// dozen); this is what serde_yaml_ng allowed before, checked per event so the cost stays linear.
pub const MAX_DEPTH: usize = 128;
/// Nodes created by anchors and aliases together (each anchored node is kept once, each alias copies
/// it): an absolute cap, so a small "billion laughs" document stops within about 20 MiB.
pub const MAX_ALIAS_NODES: u64 = 200_000;
/// Items in one ResourceList: ten times the largest package measured in `docs/performance.md`.
pub const MAX_ITEMS: usize = 100_000;

/// Tags a number we read but cannot hold (wider than 64 bits, or a float beyond f64): it keeps its
/// digits and is written back as read, a float's exponent spelled for YAML 1.1 readers too (`1e400`
/// as `1.0e+400`, see `float_1_1`), so an unrelated item never fails a run or changes value.
pub const NUMBER_TAG: &str = "ztwim-gitops.dev/number";

/// Where one entry of the ResourceList's block `items` sequence sits in the source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemSpan {
    /// Byte offset of the item's first character.
    pub start: usize,
    /// Byte offset where the parser closed the item (the next entry's `-` or the next top-level key).
    pub end: usize,
    /// Byte offset just past the item's last scalar or alias: lines that look like comments between
    /// here and `end` are the next entry's head comments, lines before it are content (a quoted
    /// scalar's continuation may start with `#`).
    pub content_end: usize,
    /// Column of the first character.
    pub col: usize,
    /// False when its text alone does not say what it is: an alias to an anchor outside the item, or a
    /// keep-chomped block scalar whose trailing blank lines the cut would lose, or a block scalar ending
    /// the input without a line break (the copy would add one).
    pub self_contained: bool,
    /// The item's value was cut down to `apiVersion`, `kind` and `metadata` (see [`parse_resource_list`]).
    pub skeleton: bool,
}

/// A parsed document and, when its root is a mapping with a block `items` sequence, each entry's span.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub value: Value,
    /// None when there is no block `items` sequence (a flow `items: [...]`, from a tool, not a file).
    pub items: Option<Vec<ItemSpan>>,
}

/// Parses one YAML (or JSON) document. The error is a sentence naming the problem and its position.
pub fn parse(text: &str) -> Result<Parsed, String> {
    parse_with(text, false)
}

/// Parses a ResourceList, building of each item only its `apiVersion`, `kind` and `metadata`: all that
/// identifies it, its owner and its file. The rest of its value would cost many times its text in
/// memory (a 17 MB package took 440 MiB) and is never looked at unless a generated object patches the
/// item, when [`crate::krm::ResourceList::hydrate`] reads that one item's text again. Items are copied
/// from their text; when one cannot be (flow `items`, aliases across items), the whole input is read
/// again in full.
pub fn parse_resource_list(text: &str) -> Result<Parsed, String> {
    parse_with(text, true)
}

fn parse_with(text: &str, skeletons: bool) -> Result<Parsed, String> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(format!(
            "input is {} bytes, more than the limit of {MAX_INPUT_BYTES} bytes (64 MiB); split the package",
            text.len()
        ));
    }
    let mut reader = Reader::new(text);
    reader.skeletons = skeletons;
    for next in Parser::new_from_str(text) {
        let (event, span) = next.map_err(|e| format!("{e}"))?;
        match reader.event(event, span.start, span.end) {
            Ok(()) => {}
            // A part skipped as never needed is needed after all (an alias into it, or an item that must
            // be serialised): read everything in full. Only aliases across items lead here.
            Err(e) if e == RESTART => return parse_with(text, false),
            Err(e) => return Err(e),
        }
    }
    Ok(Parsed { value: reader.root.unwrap_or(Value::Null), items: reader.spans.filter(|_| !reader.flow_items) })
}

/// Not an error: the signal to read the document again without skipping.
const RESTART: &str = "\0restart";

/// Parses a document into a value only (a config file).
pub fn from_str(text: &str) -> Result<Value, String> {
    parse(text).map(|p| p.value)
}

enum Node {
    Seq(Vec<Value>),
    Map(Mapping, Option<Value>),
}

struct Frame {
    node: Node,
    anchor: usize,
    tag: Option<Tag>,
    start: Marker,
    /// Nodes in this collection so far, itself included: what an anchor on it costs.
    nodes: u64,
    /// The ResourceList's `items` sequence.
    items: bool,
}

/// A collection inside a skipped part: a mapping's key hashes so far, and whether a key comes next.
struct Skipped {
    keys: Option<HashSet<u64>>,
    key_next: bool,
}

struct Anchor {
    /// None when the anchored node was skipped (see [`Reader::skip`]).
    value: Option<Value>,
    nodes: u64,
    /// The item it was defined in, if any.
    item: Option<usize>,
}

struct Reader<'a> {
    frames: Vec<Frame>,
    anchors: HashMap<usize, Anchor>,
    alias_nodes: u64,
    root: Option<Value>,
    documents: usize,
    spans: Option<Vec<ItemSpan>>,
    flow_items: bool,
    /// Whether the item being read so far is self-contained.
    item_ok: bool,
    /// Char index just past the last scalar or alias read in the current item (see [`ItemSpan`]).
    item_content_end: usize,
    skeletons: bool,
    /// Inside a skipped part of an item: its open collections (empty when not skipping).
    skipped: Vec<Skipped>,
    hasher: std::collections::hash_map::RandomState,
    /// The item's keys whose values were skipped, so a second `spec:` is still a duplicate.
    item_skipped_keys: HashSet<Value>,
    /// Whether the item being read had parts skipped.
    item_skipped: bool,
    offsets: Offsets<'a>,
    /// The input's length in characters when its last line has no line break (see
    /// [`Reader::cut_changes_block`]); None when it ends with `\n`.
    unterminated_end: Option<usize>,
}

impl<'a> Reader<'a> {
    fn new(text: &'a str) -> Self {
        Reader {
            frames: Vec::new(),
            anchors: HashMap::new(),
            alias_nodes: 0,
            root: None,
            documents: 0,
            spans: None,
            flow_items: false,
            item_ok: true,
            item_content_end: 0,
            skeletons: false,
            skipped: Vec::new(),
            hasher: Default::default(),
            item_skipped_keys: HashSet::new(),
            item_skipped: false,
            offsets: Offsets::new(text),
            unterminated_end: (!text.ends_with('\n')).then(|| text.chars().count()),
        }
    }

    /// Whether copying the item's text would change this block scalar: trailing blank lines of a
    /// keep-chomped one sit where the cut drops lines between items, and one that ends the input
    /// without a line break gains one when the copy ends its last line (found by fuzzing: `run.sh: |`
    /// then `  echo hi` at the end of input came out as `"echo hi\n"`).
    fn cut_changes_block(&self, value: &str, style: ScalarStyle, end: &Marker) -> bool {
        matches!(style, ScalarStyle::Literal | ScalarStyle::Folded)
            && (value.ends_with("\n\n") || self.unterminated_end == Some(end.index()))
    }

    /// The index of the ResourceList item being read, if the reader is inside one.
    fn current_item(&self) -> Option<usize> {
        let items = self.frames.get(1).filter(|f| f.items)?;
        match &items.node {
            Node::Seq(v) => Some(v.len()),
            Node::Map(..) => None,
        }
    }

    fn event(&mut self, event: Event<'_>, start: Marker, end: Marker) -> Result<(), String> {
        if matches!(event, Event::Scalar(..) | Event::Alias(_)) && self.frames.get(1).is_some_and(|f| f.items) {
            self.item_content_end = end.index();
        }
        if !self.skipped.is_empty() || self.skip_starts(&event) {
            return self.skip(event, start, end);
        }
        let is_seq = matches!(event, Event::SequenceStart(..));
        if let Event::Scalar(_, _, _, Some(tag))
        | Event::SequenceStart(_, Some(tag))
        | Event::MappingStart(_, Some(tag)) = &event
        {
            if user_tag(tag).is_some_and(|t| t == NUMBER_TAG) {
                return Err(format!(
                    "the tag `!{NUMBER_TAG}` at {} is reserved: ztwim-gitops marks the numbers it keeps as written with it; use another tag",
                    at(&start)
                ));
            }
        }
        match event {
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(format!(
                        "a second YAML document starts at {}; the input must be one document (one ResourceList)",
                        at(&start)
                    ));
                }
            }
            Event::Scalar(value, style, anchor, tag) => {
                if self.cut_changes_block(&value, style, &end) {
                    self.item_ok = false;
                }
                let value = scalar(value, style, tag.as_deref());
                self.node(value, 1, anchor, start, end)?;
            }
            Event::Alias(id) => {
                let item = self.current_item();
                let Some(anchor) = self.anchors.get(&id) else {
                    return Err(format!("an alias at {} names no anchor defined before it", at(&start)));
                };
                if item.is_some() && anchor.item != item {
                    self.item_ok = false;
                }
                let Some(value) = anchor.value.clone() else { return Err(RESTART.into()) };
                let nodes = anchor.nodes;
                self.count_alias_nodes(nodes, &start)?;
                self.node(value, nodes, 0, start, end)?;
            }
            Event::SequenceStart(anchor, tag) | Event::MappingStart(anchor, tag) => {
                if self.frames.len() >= MAX_DEPTH {
                    return Err(format!(
                        "collections nest deeper than the limit of {MAX_DEPTH} levels at {}",
                        at(&start)
                    ));
                }
                let items = is_seq
                    && self.frames.len() == 1
                    && matches!(&self.frames[0].node, Node::Map(_, Some(Value::String(k))) if k == "items");
                if items {
                    let byte = self.offsets.byte(start.index());
                    self.flow_items = self.offsets.text.as_bytes().get(byte) == Some(&b'[');
                    self.spans = Some(Vec::new());
                }
                if self.frames.len() == 2 && self.frames[1].items {
                    self.item_ok = true;
                    self.item_skipped_keys.clear();
                }
                let node = if is_seq { Node::Seq(Vec::new()) } else { Node::Map(Mapping::new(), None) };
                self.frames.push(Frame {
                    node,
                    anchor,
                    tag: tag.as_deref().and_then(user_tag),
                    start,
                    nodes: 1,
                    items,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.frames.pop() else { return Ok(()) };
                let value = match frame.node {
                    Node::Seq(v) => Value::Sequence(v),
                    Node::Map(m, _) => Value::Mapping(m),
                };
                let value = match frame.tag {
                    Some(tag) => Value::Tagged(Box::new(TaggedValue { tag, value })),
                    None => value,
                };
                self.node(value, frame.nodes, frame.anchor, frame.start, end)?;
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
        }
        Ok(())
    }

    /// Whether this event starts a node that is not kept: the value of an item's key other than
    /// `apiVersion`, `kind` and `metadata`, when items are read as skeletons.
    fn skip_starts(&self, event: &Event<'_>) -> bool {
        self.skeletons
            && !self.flow_items
            && self.frames.len() == 3
            && self.frames[1].items
            && matches!(event, Event::Scalar(..) | Event::Alias(_) | Event::SequenceStart(..) | Event::MappingStart(..))
            && matches!(&self.frames[2].node, Node::Map(_, Some(k)) if !matches!(k.as_str(), Some("apiVersion" | "kind" | "metadata")))
    }

    /// Reads past a node that is not kept, still checking what decides how the item is written (aliases
    /// out of the item, keep-chomped block scalars), recording its anchors as skipped, and holding it
    /// to the depth limit. No value is built: the item is copied from its text.
    fn skip(&mut self, event: Event<'_>, start: Marker, end: Marker) -> Result<(), String> {
        let item = self.current_item();
        self.item_skipped = true;
        let skipped_anchor = |reader: &mut Self, anchor: usize| {
            if anchor != 0 {
                reader.anchors.insert(anchor, Anchor { value: None, nodes: 0, item });
            }
        };
        match event {
            Event::Scalar(value, style, anchor, tag) => {
                if self.cut_changes_block(&value, style, &end) {
                    self.item_ok = false;
                }
                skipped_anchor(self, anchor);
                let is_key = self.skipped.last().is_some_and(|l| l.keys.is_some() && l.key_next);
                let key = is_key.then(|| {
                    use std::hash::BuildHasher;
                    self.hasher.hash_one(scalar(value, style, tag.as_deref()))
                });
                self.skipped_node(key, &start)
            }
            Event::Alias(id) => {
                match self.anchors.get(&id) {
                    None => return Err(format!("an alias at {} names no anchor defined before it", at(&start))),
                    Some(anchor) if anchor.item != item => self.item_ok = false,
                    Some(_) => {}
                }
                self.skipped_node(None, &start)
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if self.frames.len() + self.skipped.len() >= MAX_DEPTH {
                    return Err(format!(
                        "collections nest deeper than the limit of {MAX_DEPTH} levels at {}",
                        at(&start)
                    ));
                }
                skipped_anchor(self, anchor);
                let keys = matches!(event, Event::MappingStart(..)).then(HashSet::new);
                self.skipped.push(Skipped { keys, key_next: true });
                Ok(())
            }
            Event::SequenceEnd | Event::MappingEnd => {
                self.skipped.pop();
                self.skipped_node(None, &start)
            }
            _ => Ok(()),
        }
    }

    /// A skipped node is complete: check a mapping's keys for duplicates (as a hash of the key's value,
    /// 64 bits with a per-process random key: the same check as for built mappings, without building
    /// them), and when the whole skipped part is done, drop the item's key it belonged to.
    fn skipped_node(&mut self, key: Option<u64>, start: &Marker) -> Result<(), String> {
        match self.skipped.last_mut() {
            Some(level) => {
                if let Some(keys) = &mut level.keys {
                    if level.key_next && key.is_some_and(|k| !keys.insert(k)) {
                        return Err(format!("duplicate key in a mapping at {}; each key may appear once", at(start)));
                    }
                    level.key_next = !level.key_next;
                }
            }
            None => {
                if let Some(Frame { node: Node::Map(_, key), .. }) = self.frames.get_mut(2) {
                    if let Some(key) = key.take() {
                        if let Some(key) = self.item_skipped_keys.replace(key) {
                            return Err(format!(
                                "duplicate key `{}` in a mapping at {}; each key may appear once",
                                describe(&key),
                                at(start)
                            ));
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn count_alias_nodes(&mut self, nodes: u64, start: &Marker) -> Result<(), String> {
        self.alias_nodes = self.alias_nodes.saturating_add(nodes);
        if self.alias_nodes > MAX_ALIAS_NODES {
            return Err(format!(
                "anchors and aliases expand to more than the limit of {MAX_ALIAS_NODES} nodes (at {}); write the repeated parts out",
                at(start)
            ));
        }
        Ok(())
    }

    /// A finished node: keep it for its anchor, record an item's span, add it to its parent.
    fn node(&mut self, value: Value, nodes: u64, anchor: usize, start: Marker, end: Marker) -> Result<(), String> {
        if anchor != 0 {
            self.count_alias_nodes(nodes, &start)?;
            let item = self.current_item();
            self.anchors.insert(anchor, Anchor { value: Some(value.clone()), nodes, item });
        }
        let Some(parent) = self.frames.last_mut() else {
            self.root = Some(value);
            return Ok(());
        };
        parent.nodes = parent.nodes.saturating_add(nodes);
        if parent.items {
            let count = match &parent.node {
                Node::Seq(v) => v.len() + 1,
                Node::Map(..) => 0,
            };
            if count > MAX_ITEMS {
                return Err(format!(
                    "the ResourceList has more than the limit of {MAX_ITEMS} items (item {count} at {}); split the package",
                    at(&start)
                ));
            }
            // In text order: the offsets are found by walking from the last one asked for.
            let first = self.offsets.byte(start.index());
            let content_end = self.offsets.byte(self.item_content_end.max(start.index()));
            let last = self.offsets.byte(end.index());
            // A bare carriage return is a line break of its own to YAML, and the copy drops one `\r`
            // before each `\n` (CRLF files come out LF, as kpt writes them): such an item is serialised,
            // or every run would remove another `\r` (found by fuzzing).
            let text = self.offsets.text.as_bytes().get(first..last).unwrap_or_default();
            let bare_cr = text.iter().enumerate().any(|(i, &b)| b == b'\r' && text.get(i + 1) != Some(&b'\n'));
            let self_contained = std::mem::replace(&mut self.item_ok, true) && !bare_cr;
            if std::mem::take(&mut self.item_skipped) && !self_contained {
                return Err(RESTART.into());
            }
            // Its other keys were skipped while reading (see `skip`); an alias into them from anywhere
            // else made the reader start over without skipping.
            let skeleton = self.skeletons && self_contained && !self.flow_items;
            let span = ItemSpan { start: first, content_end, end: last, col: start.col(), self_contained, skeleton };
            if let Some(spans) = self.spans.as_mut() {
                spans.push(span);
            }
        }
        match &mut parent.node {
            Node::Seq(v) => v.push(value),
            Node::Map(m, key) => match key.take() {
                None => *key = Some(value),
                Some(k) => {
                    if m.contains_key(&k) {
                        return Err(format!(
                            "duplicate key `{}` in a mapping at {}; each key may appear once",
                            describe(&k),
                            at(&start)
                        ));
                    }
                    m.insert(k, value);
                }
            },
        }
        Ok(())
    }
}

fn at(m: &Marker) -> String {
    format!("line {} column {}", m.line(), m.col() + 1)
}

fn describe(v: &Value) -> String {
    match v {
        Value::String(s) => s.chars().take(60).collect(),
        other => to_string(other).trim().chars().take(60).collect(),
    }
}

/// Turns the parser's character offsets into byte offsets. Events arrive in source order, so one
/// cursor walking forward (and rarely back a little) converts all of them in linear time.
struct Offsets<'a> {
    text: &'a str,
    ascii: bool,
    chars: usize,
    bytes: usize,
}

impl<'a> Offsets<'a> {
    fn new(text: &'a str) -> Self {
        Offsets { text, ascii: text.is_ascii(), chars: 0, bytes: 0 }
    }

    fn byte(&mut self, char_index: usize) -> usize {
        if self.ascii {
            return char_index.min(self.text.len());
        }
        while self.chars < char_index {
            let Some(c) = self.text[self.bytes..].chars().next() else { break };
            self.bytes += c.len_utf8();
            self.chars += 1;
        }
        while self.chars > char_index {
            let Some(c) = self.text[..self.bytes].chars().next_back() else { break };
            self.bytes -= c.len_utf8();
            self.chars -= 1;
        }
        self.bytes
    }
}

const CORE: &str = "tag:yaml.org,2002:";

/// A tag we keep on a collection or scalar: anything but the core schema's own and the non-specific `!`.
fn user_tag(tag: &saphyr::Tag) -> Option<Tag> {
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
fn scalar(text: Cow<'_, str>, style: ScalarStyle, tag: Option<&saphyr::Tag>) -> Value {
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
fn resolve_plain(text: &str) -> Option<Value> {
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

// ---------------------------------------------------------------------------------------------------
// Emitter

/// Serialises a value as a block-style YAML document, as `serde_yaml_ng::to_string` lays it out, with
/// YAML-1.1-safe quoting (see [`needs_quotes`]).
pub fn to_string(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Mapping(m) if !m.is_empty() => write_map(&mut out, m, 0, false),
        Value::Sequence(s) if !s.is_empty() => write_seq(&mut out, s, 0, false),
        Value::Tagged(t) if t.tag != NUMBER_TAG => {
            // The tag on its own line: `!t key: v` would tag the first key instead (found by fuzzing).
            out.push_str(&tag_text(&t.tag));
            match &t.value {
                Value::Mapping(m) if !m.is_empty() => {
                    out.push('\n');
                    write_map(&mut out, m, 0, false);
                }
                Value::Sequence(s) if !s.is_empty() => {
                    out.push('\n');
                    write_seq(&mut out, s, 0, false);
                }
                inner => write_value(&mut out, inner, 0, false),
            }
        }
        other => {
            // A block scalar at the top is indented too: its `|2` indicator counts from column 0
            // (found by fuzzing: a text starting with a line break came back unreadable).
            write_scalar(&mut out, other, 2, false);
            out.push('\n');
        }
    }
    out
}

/// Serialises any serde value through [`to_string`].
pub fn to_string_of<T: serde::Serialize>(value: &T) -> String {
    match serde_yaml_ng::to_value(value) {
        Ok(v) => to_string(&v),
        Err(e) => format!("# not serialisable: {e}\n"),
    }
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

fn indent(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// A mapping's entries at `at` columns; `inline`: the first key continues the current line (`- `).
fn write_map(out: &mut String, m: &Mapping, at: usize, inline: bool) {
    for (n, (k, v)) in m.iter().enumerate() {
        if n > 0 || !inline {
            indent(out, at);
        }
        let mark = out.len();
        if !is_complex_key(k) {
            write_scalar(out, k, 0, true);
        }
        if is_complex_key(k) || out.len() - mark > MAX_IMPLICIT_KEY_BYTES {
            // Explicit `? key` then `:` on its own line: a flow collection or a tagged node as an
            // implicit key at the start of a block mapping reads back as that mapping's own tag or key,
            // and an implicit key may not be longer than 1024 characters (both found by fuzzing); an
            // explicit key cannot be misread.
            out.truncate(mark);
            out.push_str("? ");
            write_flow(out, k);
            out.push('\n');
            indent(out, at);
        }
        out.push(':');
        write_value(out, v, at, true);
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

/// A number's text in a form YAML 1.1 and 1.2 readers both read as the same float. ryu (behind
/// serde_yaml_ng's `Number` display) writes `1e16`, `1e-6`, `1.5e300`, and a number kept as written
/// may be `1e400`: YAML 1.2 floats, but strings to a YAML 1.1 reader (PyYAML, whose float pattern is
/// `[-+]?([0-9][0-9_]*)?\.[0-9.]*([eE][-+][0-9]+)?`: a `.` and a signed exponent). So an exponent
/// gets its sign and a mantissa without `.` gets `.0`, digits unchanged: `1.0e+16`, `1.0e-6`,
/// `1.5e+300`, `1.0e+400` (infinite to a reader with 64-bit floats, exact to one with more).
/// Infinities and NaN are already `.inf`, `-.inf`, `.nan` in both; integers and hexadecimal or octal
/// numbers have no exponent and are returned as they are.
fn float_1_1(text: &str) -> Cow<'_, str> {
    let Some(e) = text.find(['e', 'E']) else { return Cow::Borrowed(text) };
    if text.starts_with("0x") || text.starts_with("0o") {
        return Cow::Borrowed(text);
    }
    let (mantissa, exponent) = (&text[..e], &text[e + 1..]);
    let dot = if mantissa.contains('.') { "" } else { ".0" };
    let sign = if exponent.starts_with(['-', '+']) { "" } else { "+" };
    Cow::Owned(format!("{mantissa}{dot}e{sign}{exponent}"))
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
    if s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'/' | b'-'))
    {
        return Allowed { plain: true, single: true, block: true };
    }
    if s.is_ascii() {
        return analyze_ascii(s.as_bytes());
    }
    analyze_chars(s)
}

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
/// a byte and its neighbours rather than carried from char to char. Result messages and the exec
/// plugin's JSON made the char loop a third of a 1,000-spoke run (docs/performance.md, third pass).
fn analyze_ascii(b: &[u8]) -> Allowed {
    let line_break = |c: u8| c == b'\n' || c == b'\r';
    let white = |c: u8| c == b' ' || c == b'\t' || line_break(c);
    let blank = |c: Option<&u8>| c.is_none_or(|&c| white(c));
    let (first, last) = (b[0], b[b.len() - 1]);
    let mut block_indicators = b.starts_with(b"---")
        || b.starts_with(b"...")
        || b"#,[]{}&*!|>'\"%@`".contains(&first)
        || (matches!(first, b'?' | b':' | b'-') && blank(b.get(1)));
    let (mut special, mut line_breaks, mut break_space, mut space_break) = (false, false, false, false);
    for (i, &c) in b.iter().enumerate() {
        // Printable ASCII, a space and a line feed are the common case: only the last two need more.
        if c > b' ' && c < 0x7f && c != b':' && c != b'#' {
            continue;
        }
        let previous = i.checked_sub(1).map(|p| b[p]);
        if i > 0 && ((c == b':' && blank(b.get(i + 1))) || (c == b'#' && previous.is_some_and(white))) {
            block_indicators = true;
        }
        special |= c != b'\n' && !(b' '..=b'~').contains(&c);
        line_breaks |= line_break(c);
        break_space |= c == b' ' && previous.is_some_and(line_break);
        space_break |= line_break(c) && previous == Some(b' ');
    }
    let (leading_space, leading_break) = (first == b' ', line_break(first));
    let (trailing_space, trailing_break) = (last == b' ', line_break(last));
    let not_plain =
        leading_space || leading_break || trailing_space || trailing_break || line_breaks || block_indicators;
    Allowed::from_flags(not_plain, trailing_space, break_space, space_break || special)
}

fn write_string(out: &mut String, s: &str, block_at: usize, key: bool) {
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
                checked += 1;
            }
        }
        assert!(checked > 500_000);
        for text in ["--- x", "... x", "a: b", "a:b", "a #b", "a#b", "x\n y", "x \ny", "- ", "-x", "trail ", "% x"] {
            assert_eq!(analyze_ascii(text.as_bytes()), analyze_chars(text), "{text:?}");
        }
    }

    fn v(text: &str) -> Value {
        from_str(text).unwrap()
    }

    #[test]
    fn emits_what_serde_yaml_ng_emits_for_ordinary_values() {
        for text in [
            "a: 1\nb: [x, 'y z', '', \"0123\", 1.5, null, true]\nc: {}\nd: []\ne:\n  f: |\n    one\n    two\n  g: \"x\\ny\"\n",
            "- a: 1\n  b:\n  - c\n  - - d\n    - e\n- 'on: x'\n- '#no'\n- ' lead'\n- \"tab\\there\"\n- \"trail \"\n",
            "k: \"line\\n\\nlast\\n\\n\"\nj: \" lead\\nx\"\nl: '- x'\nm: 'x: y'\nq: 'a #b'\no: a#b\np: \"\\u00e9t\\u00e9 ✓\"\n",
            "big: \"9223372036854775808\"\nneg: -12\nf: -1.5\nstr: '12.5'\n",
        ] {
            let value: Value = serde_yaml_ng::from_str(text).unwrap();
            assert_eq!(to_string(&value), serde_yaml_ng::to_string(&value).unwrap(), "{text}");
            assert_eq!(v(text), value, "{text}");
        }
    }

    #[test]
    fn quotes_every_string_a_yaml_1_1_reader_takes_for_something_else() {
        for s in [
            "on",
            "off",
            "On",
            "OFF",
            "yes",
            "No",
            "y",
            "n",
            "Y",
            "N",
            "~",
            "=",
            "<<",
            "null",
            "1_000",
            "1:20",
            "190:20:30",
            "2001-12-14",
            "2001-12-14t21:59:43.10-05:00",
            "0o17",
            "017",
            "0x1F",
            "0b101",
            ".inf",
            "-.Inf",
            ".NaN",
            "1.5",
            "1_0.5",
            ".5",
            "1e3",
            "",
            "true",
        ] {
            assert!(needs_quotes(s), "{s}");
            let text = to_string(&Value::String(s.into()));
            assert!(text.starts_with('\''), "{s}: {text}");
            assert_eq!(v(&text), Value::String(s.into()));
        }
        for s in ["1.2.3", "v1", "x", "2001-12", "4.20.0", "192.168.0.1", "a:b", "openshift-gitops", "1-2"] {
            assert!(!needs_quotes(s), "{s}");
        }
    }

    #[test]
    fn reads_surrogate_pairs_big_numbers_and_under_indented_quoted_lines() {
        assert_eq!(v(r#"{"a": "\ud83d\ude00"}"#)["a"], Value::String("😀".into()));
        let big = v("n: 123456789012345678901234567890\nf: 1e400\n");
        assert_eq!(to_string(&big), "'n': 123456789012345678901234567890\nf: 1.0e+400\n", "`n` is false to YAML 1.1");
        assert_eq!(v("k: 'one\n two'\nj: x\n")["k"], Value::String("one two".into()));
        assert_eq!(v("a:\n    k: 'one\n  two'\n")["a"]["k"], Value::String("one two".into()));
        // Found by fuzzing: the local tag `!!` (`!%21`) was written as the non-specific `!`, and a key
        // over 1024 characters as an implicit key, which no reader accepts.
        for text in ["!%21 7\n", "a: !%21x 7\n"] {
            let value = v(text);
            assert_eq!(v(&to_string(&value)), value, "{}", to_string(&value));
        }
        let mut long = Mapping::new();
        long.insert(Value::String("k".repeat(1100)), Value::Null);
        let long = Value::Mapping(long);
        assert_eq!(v(&to_string(&long)), long, "{}", to_string(&long));
        // Found by fuzzing: a %-escaped multi-byte character in a tag was mis-decoded by the scanner.
        let tagged = |tag: &str| Value::Tagged(Box::new(TaggedValue { tag: Tag::new(tag), value: "x".into() }));
        assert_eq!(v("!%D0%AE x\n"), tagged("!Ю"));
        assert_eq!(v(&to_string(&v("!%E2%82%AC x\n"))), tagged("!€"));
        // Found by fuzzing: an item with a bare carriage return is read whole and serialised.
        let text = "items:\n- kind: A\n  data: {k: \"x\ry\"}\n  spec: {keep: me}\n";
        let parsed = parse_resource_list(text).unwrap();
        assert!(!parsed.items.unwrap()[0].self_contained);
        assert_eq!(parsed.value["items"][0]["spec"]["keep"], Value::String("me".into()));
        // Found by fuzzing: the marker written by hand came back as a number, or lost its sequence.
        for text in [
            "- !ztwim-gitops.dev/number []\n",
            "a: !ztwim-gitops.dev/number 12\n",
            "%TAG !e! ztwim-gitops.dev/\n--- !e!number x\n",
        ] {
            let e = parse(text).unwrap_err();
            assert!(e.contains("is reserved") && e.contains("line"), "{text}: {e}");
        }
    }

    #[test]
    fn floats_with_an_exponent_get_a_dot_and_a_signed_exponent() {
        // Found by fuzzing: ryu's `1e16` and `1e-6` are strings to YAML 1.1 readers (PyYAML); serde_yaml_ng
        // writes them so, we no longer do. Same f64 either way.
        for (text, written) in [
            ("1e16", "1.0e+16"),
            ("0.000001", "1.0e-6"),
            ("1.5e300", "1.5e+300"),
            ("-1.0e+30", "-1.0e+30"),
            ("2.5E-10", "2.5e-10"),
            ("1e400", "1.0e+400"),
            ("-5.e400", "-5.e+400"),
            ("0.5", "0.5"),
            ("100.0", "100.0"),
            (".inf", ".inf"),
            ("-.inf", "-.inf"),
            (".nan", ".nan"),
            ("0x1e", "30"),
            ("123456789012345678901234567890", "123456789012345678901234567890"),
        ] {
            let value = v(&format!("k: {text}\n"));
            assert_eq!(to_string(&value), format!("k: {written}\n"), "{text}");
            let back = v(&to_string(&value));
            match (&back["k"], &value["k"]) {
                (Value::Number(a), Value::Number(b)) if b.is_nan() => assert!(a.is_nan()),
                (a, b) => assert_eq!(a, b, "{text}"),
            }
        }
        assert_eq!(float_1_1("0x1e5"), "0x1e5", "a hexadecimal `e` is a digit");
    }

    #[test]
    fn a_block_scalar_ending_the_input_has_no_made_up_line_break() {
        // Found by fuzzing. What libyaml and PyYAML read (YAML 1.2.2 §8.1.1.2: the chomped last break is
        // "b-as-line-feed | End of file"); the scanner added `\n` at the end of input.
        for (text, value) in [
            ("k: |\n  echo hi", "echo hi"),
            ("k: |\n  echo hi\n  ", "echo hi\n"),
            ("k: |\n  echo hi\n    ", "echo hi\n  "),
            ("k: |+\n  echo hi", "echo hi"),
            ("k: |+\n  echo hi\n  ", "echo hi\n"),
            ("k: |-\n  echo hi\n    ", "echo hi\n  "),
            ("k: >\n  echo hi\n    ", "echo hi\n  "),
            ("k: |\n  echo hi\n\n  ", "echo hi\n"),
            ("k: |\n  echo hi\n  \n", "echo hi\n"),
            ("- |+\n   \n", "\n"),
        ] {
            let read = v(text);
            let read = read.get("k").or_else(|| read.get(0)).unwrap();
            assert_eq!(read, &Value::String(value.into()), "{text:?}");
        }
        // Such an item is serialised: copying its text would end the last line with a break.
        let parsed = parse_resource_list("items:\n- kind: A\n  data: {x: 1}\n  run: |\n    echo hi").unwrap();
        assert!(!parsed.items.unwrap()[0].self_contained);
        assert_eq!(parsed.value["items"][0]["run"], Value::String("echo hi".into()));
        let parsed = parse_resource_list("items:\n- kind: A\n  run: |\n    echo hi\n").unwrap();
        assert!(parsed.items.unwrap()[0].self_contained, "with the final break the copy is exact");
    }

    #[test]
    fn limits_are_errors_naming_the_limit_and_position() {
        // Found by fuzzing: from 256 `[` on, the scanner's "recursion limit exceeded" came first.
        for depth in [129, 255, 256, 1000] {
            let deep = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
            let e = parse(&deep).unwrap_err();
            assert!(e.contains("limit of 128 levels") && e.contains("line 1 column 129"), "{depth}: {e}");
        }
        let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
        let e = parse(&deep).unwrap_err();
        assert!(e.contains("limit of 128 levels") && e.contains("line 1 column 129"), "{e}");
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for n in 1..9 {
            let prev = if n == 1 { "a".to_string() } else { format!("a{}", n - 1) };
            bomb.push_str(&format!("a{n}: &a{n} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        let e = parse(&bomb).unwrap_err();
        assert!(e.contains("limit of 200000 nodes") && e.contains("line"), "{e}");
        let e = parse("a: 1\n---\nb: 2\n").unwrap_err();
        assert!(e.contains("second YAML document"), "{e}");
        let e = parse("a: 1\na: 2\n").unwrap_err();
        assert!(e.contains("duplicate key `a`"), "{e}");
    }

    #[test]
    fn resource_list_items_are_read_as_metadata_unless_an_alias_needs_more() {
        let text = "items:\n- kind: A\n  metadata: {name: a}\n  spec: {x: [1, 2], y: &s {z: 1}}\n- kind: B\n  data: |\n    ok\n";
        let parsed = parse_resource_list(text).unwrap();
        assert_eq!(parsed.value["items"][0], v("{kind: A, metadata: {name: a}}"));
        assert_eq!(parsed.value["items"][1], v("{kind: B}"));
        assert!(parsed.items.unwrap().iter().all(|s| s.skeleton && s.self_contained));
        // A later item, or the functionConfig, aliasing a skipped anchor: everything is read in full.
        for tail in ["- kind: C\n  spec: *s\n", "functionConfig: {spec: *s}\n"] {
            let text = format!("items:\n- kind: A\n  spec: &s {{z: 1}}\n{tail}");
            let parsed = parse_resource_list(&text).unwrap();
            assert_eq!(parsed.value["items"][0]["spec"], v("{z: 1}"), "{text}");
            assert!(parsed.items.unwrap().iter().all(|s| !s.skeleton));
        }
        // An item that cannot be cut (keep-chomped block scalar at its end) keeps its full value.
        let parsed = parse_resource_list("items:\n- kind: A\n  data: |+\n    x\n\n- kind: B\n").unwrap();
        assert_eq!(parsed.value["items"][0]["data"], Value::String("x\n\n".into()));
        assert!(!parsed.items.unwrap()[0].self_contained);
    }

    #[test]
    fn duplicate_keys_are_errors_in_skipped_parts_too() {
        // Found by fuzzing: skipped parts were not checked, so the output held a duplicate key.
        let e = parse_resource_list("items:\n- kind: A\n  spec: {a: 1, b: {c: 1, c: 2}}\n").unwrap_err();
        assert!(e.contains("duplicate key") && e.contains("line 3"), "{e}");
        let e = parse_resource_list("items:\n- kind: A\n  spec: {}\n  spec: {}\n").unwrap_err();
        assert!(e.contains("duplicate key"), "{e}");
        // Keys are compared as values: `1` and `'1'` differ, as in a built mapping.
        assert!(parse_resource_list("items:\n- kind: A\n  spec: {1: a, '1': b, [x]: c, [x]: d}\n").is_ok());
    }

    #[test]
    fn tagged_and_collection_keys_are_written_as_explicit_keys() {
        // Found by fuzzing: `!t key: v` at the start of a mapping reads back with the tag on the mapping.
        let tagged = v("!n)%0bmlc x\n");
        assert_eq!(v(&to_string(&tagged)), tagged);
        let top = Value::String("\n&:t\n/".into());
        assert_eq!(v(&to_string(&top)), top);
        for text in ["? !t key\n: v\n", "? {a: 1}\n: [x]\nb: 2\n", "k:\n  ? [1, 2]\n  : v\n", "!t\nk: v\n", "!t\n- a\n"]
        {
            let value = v(text);
            let written = to_string(&value);
            assert_eq!(v(&written), value, "{written}");
        }
    }

    #[test]
    fn the_non_specific_tag_is_written_as_nothing() {
        // Found by fuzzing: `!` came back as `!!`, which no parser reads.
        assert_eq!(to_string(&v("a: ! {b: 1}\nc: ! 12\n")), "a:\n  b: 1\nc: '12'\n");
        assert_eq!(to_string(&v("! k: v\n")), "k: v\n");
    }

    #[test]
    fn item_spans_are_byte_offsets_past_non_ascii_text() {
        let text = "items:\n- kind: Ä\n  x: ✓\n- {kind: B}\n";
        let parsed = parse(text).unwrap();
        let spans = parsed.items.unwrap();
        assert_eq!(spans.len(), 2);
        assert!(text[spans[1].start..].starts_with("{kind: B}\n"));
        assert!(spans.iter().all(|s| s.self_contained));
        assert_eq!(parse("items: [{kind: A}]").unwrap().items, None);
    }
}
