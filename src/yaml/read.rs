//! The reader: the parser's events to a value, under the limits in [`super`], with alias accounting
//! and each ResourceList item's source span.

use super::saphyr::{Event, Marker, Parser, ScalarStyle};
use super::scalar::{scalar, user_tag};
use super::{to_string, MAX_ALIAS_NODES, MAX_DEPTH, MAX_INPUT_BYTES, MAX_ITEMS, NUMBER_TAG};
use serde_yaml_ng::value::{Tag, TaggedValue};
use serde_yaml_ng::{Mapping, Value};
use std::collections::{HashMap, HashSet};

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
