//! The reader: the parser's events to a value, under the limits in [`super`], with alias accounting
//! and each ResourceList item's source span.

use super::scalar::{scalar, user_tag};
use super::{to_string, Error, ErrorKind, Limit, MAX_ALIAS_NODES, MAX_DEPTH, MAX_INPUT_BYTES, NUMBER_TAG};
use saphyr_parser::{Event, Marker, Parser, ScalarStyle};
use serde_yaml_ng::mapping::Entry;
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
    /// the input without a line break (the copy would add one); every item of a document with a `%TAG`
    /// directive, which gives its tags their meaning.
    pub self_contained: bool,
    /// The item's value was cut down to the keys [`Items::keep`] names (a ResourceList's `apiVersion`, `kind`
    /// and `metadata`).
    pub skeleton: bool,
}

/// A parsed document and, when the reader was given an [`Items`] policy and the root is a mapping with
/// a block sequence under its key, each entry's span.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub value: Value,
    /// None without a policy, or when there is no block sequence under its key (a flow `items: [...]`,
    /// from a tool, not a file).
    pub items: Option<Vec<ItemSpan>>,
}

/// How to read the entries of the root mapping's sequence under one key (a ResourceList's `items`):
/// the caller's policy (see `crate::krm::ITEMS`), so the reader knows nothing of KRM. Each entry's
/// source span is recorded and the number of entries is limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Items<'p> {
    /// The root mapping's key whose sequence holds the entries.
    pub key: &'p str,
    /// When Some, only these keys of each entry (a mapping) are built, the other values are skipped
    /// (still checked for duplicate keys, depth and aliases; `ItemSpan::skeleton` says so). An alias
    /// into a skipped part makes the reader start over building everything.
    pub keep: Option<&'p [&'p str]>,
    /// The most entries read ([`Limit::Items`]).
    pub max: usize,
    /// What the document is called in the limit's message ("ResourceList").
    pub name: &'p str,
}

/// Parses one YAML (or JSON) document. The error names the problem and its position.
pub fn parse(text: &str) -> Result<Parsed, Error> {
    read_one(text, None)
}

/// Parses one document, reading the entries under `items.key` as the policy says.
pub fn parse_items(text: &str, items: &Items<'_>) -> Result<Parsed, Error> {
    read_one(text, Some(items))
}

/// Parses a document into a value only (a config file).
pub fn from_str(text: &str) -> Result<Value, Error> {
    parse(text).map(|p| p.value)
}

/// The documents of a stream (`---`-separated manifests), read under the same limits as one document
/// (the alias budget and the size are for the whole stream).
#[derive(Debug, Clone, PartialEq)]
pub struct Documents {
    /// Every document read completely, in order; on an error, those before it.
    pub values: Vec<Value>,
    /// The first problem: the stream is not read past it (a parser cannot find the next document
    /// reliably after a syntax error).
    pub error: Option<Error>,
}

/// Parses a stream of any number of documents.
pub fn parse_stream(text: &str) -> Documents {
    let (reader, result) = read(text, None, false, true);
    let error = match result {
        Ok(()) => None,
        Err(Stop::Error(e)) => Some(e),
        // Only skipping leads to a restart, and a stream is read without a policy.
        Err(Stop::Restart) => Some(Error::syntax("the document could not be read".into(), None)),
    };
    Documents { values: reader.documents, error }
}

fn read_one(text: &str, items: Option<&Items<'_>>) -> Result<Parsed, Error> {
    let skeletons = items.is_some_and(|i| i.keep.is_some());
    match read(text, items, skeletons, false) {
        (reader, Ok(())) => {
            let spans = reader.spans.filter(|_| !reader.flow_items);
            Ok(Parsed { value: reader.documents.into_iter().next().unwrap_or(Value::Null), items: spans })
        }
        // A part skipped as never needed is needed after all (an alias into it, or an item that must
        // be serialised): read everything in full, which skips nothing and so cannot restart again.
        // Only aliases across items, and a `%TAG` directive, lead here.
        (_, Err(Stop::Restart)) => {
            let full = items.map(|i| Items { keep: None, ..*i });
            read_one(text, full.as_ref())
        }
        (_, Err(Stop::Error(e))) => Err(e),
    }
}

/// One pass over the events; the reader is returned with what it built so far.
fn read<'a>(text: &'a str, items: Option<&Items<'a>>, skeletons: bool, stream: bool) -> (Reader<'a>, Result<(), Stop>) {
    let mut reader = Reader::new(text, items.copied(), skeletons, stream);
    if text.len() > MAX_INPUT_BYTES {
        let message = format!(
            "input is {} bytes, more than the limit of {MAX_INPUT_BYTES} bytes (64 MiB); split the package",
            text.len()
        );
        return (reader, Err(Error::new(ErrorKind::Limit(Limit::InputBytes), message, None).into()));
    }
    for next in Parser::new_from_str(text) {
        let result = match next {
            Ok((event, span)) => reader.event(event, span.start, span.end),
            Err(e) => Err(Error::scan(&e).into()),
        };
        if let Err(stop) = result {
            return (reader, Err(stop));
        }
    }
    (reader, Ok(()))
}

/// Why reading stopped: a problem, or the signal to read again without skipping (not an error).
enum Stop {
    Error(Error),
    Restart,
}

impl From<Error> for Stop {
    fn from(e: Error) -> Stop {
        Stop::Error(e)
    }
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

/// A collection inside a skipped part: a mapping's keys so far, whether a key comes next, and its anchor,
/// which counts as defined only once the collection ends (as for a built one).
struct Skipped {
    keys: Option<Keys>,
    key_next: bool,
    anchor: usize,
}

/// A skipped mapping's scalar keys, to find a duplicate without building the mapping: the same equality
/// as a built one's (`Value`'s), compared one by one while there are few (nearly every mapping; no hashing
/// and no table), hashed beyond.
enum Keys {
    Few(Vec<Value>),
    Many(HashSet<Value>),
}

impl Keys {
    /// Beyond this many keys a look-up hashes.
    const FEW: usize = 16;

    /// Adds `key`, or hands it back when the mapping already has it.
    fn insert(&mut self, key: Value) -> Option<Value> {
        match self {
            Keys::Few(keys) if keys.contains(&key) => return Some(key),
            Keys::Few(keys) if keys.len() < Self::FEW => keys.push(key),
            Keys::Few(keys) => {
                let mut many: HashSet<Value> = keys.drain(..).collect();
                many.insert(key);
                *self = Keys::Many(many);
            }
            Keys::Many(keys) => return keys.replace(key),
        }
        None
    }
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
    /// Documents read completely (at most one unless `stream`).
    documents: Vec<Value>,
    /// Documents started.
    started: usize,
    stream: bool,
    /// The caller's policy for the root's entries, if any.
    policy: Option<Items<'a>>,
    spans: Option<Vec<ItemSpan>>,
    flow_items: bool,
    /// Whether the item being read so far is self-contained.
    item_ok: bool,
    /// Char index just past the last scalar or alias read in the current item (see [`ItemSpan`]).
    item_content_end: usize,
    skeletons: bool,
    /// Inside a skipped part of an item: its open collections (empty when not skipping).
    skipped: Vec<Skipped>,
    /// The item's keys whose values were skipped, so a second `spec:` is still a duplicate.
    item_skipped_keys: HashSet<Value>,
    /// Whether the item being read had parts skipped.
    item_skipped: bool,
    /// Whether the document being read has a `%TAG` directive.
    tag_directives: bool,
    offsets: Offsets<'a>,
    /// The input's length in characters when its last line has no line break (see
    /// [`Reader::cut_changes_block`]); None when it ends with `\n`.
    unterminated_end: Option<usize>,
}

impl<'a> Reader<'a> {
    fn new(text: &'a str, policy: Option<Items<'a>>, skeletons: bool, stream: bool) -> Self {
        Reader {
            frames: Vec::new(),
            anchors: HashMap::new(),
            alias_nodes: 0,
            documents: Vec::new(),
            started: 0,
            stream,
            policy,
            spans: None,
            flow_items: false,
            item_ok: true,
            item_content_end: 0,
            skeletons,
            skipped: Vec::new(),
            item_skipped_keys: HashSet::new(),
            item_skipped: false,
            tag_directives: false,
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

    fn event(&mut self, event: Event<'_>, start: Marker, end: Marker) -> Result<(), Stop> {
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
                return Err(Error::new(
                    ErrorKind::ReservedTag,
                    format!(
                        "the tag `!{NUMBER_TAG}` at {} is reserved: ztwim-gitops marks the numbers it keeps as written with it; use another tag",
                        at(&start)
                    ),
                    Some(&start),
                )
                .into());
            }
        }
        match event {
            Event::DocumentStart(_) => {
                self.started += 1;
                if self.started > 1 && !self.stream {
                    return Err(Error::new(
                        ErrorKind::SecondDocument,
                        format!(
                            "a second YAML document starts at {}; the input must be one document (one ResourceList)",
                            at(&start)
                        ),
                        Some(&start),
                    )
                    .into());
                }
                // A `%TAG` directive (only before `---`, at the start of a line) gives the document's
                // tags their meaning, so an item's text alone no longer says what it is: no item is
                // copied from its text or read again alone. Found by review: with `%TAG !e! …` the
                // verbatim copy wrote an undefined tag handle, and an item cut to its skeleton and
                // then patched lost every other field, because reading its text alone failed.
                let head = &self.offsets.text[..self.offsets.byte(start.index())];
                self.tag_directives = head.lines().any(|line| line.starts_with("%TAG"));
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
                    return Err(unknown_alias(&start).into());
                };
                if item.is_some() && anchor.item != item {
                    self.item_ok = false;
                }
                let Some(value) = anchor.value.clone() else { return Err(Stop::Restart) };
                let nodes = anchor.nodes;
                self.count_alias_nodes(nodes, &start)?;
                self.node(value, nodes, 0, start, end)?;
            }
            Event::SequenceStart(anchor, tag) | Event::MappingStart(anchor, tag) => {
                if self.frames.len() >= MAX_DEPTH {
                    return Err(too_deep(&start).into());
                }
                let items = is_seq
                    && self.frames.len() == 1
                    && self.policy.is_some_and(
                        |p| matches!(&self.frames[0].node, Node::Map(_, Some(Value::String(k))) if k == p.key),
                    );
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

    /// Whether this event starts a node that is not kept: the value of an item's key other than those
    /// the policy keeps, when items are read as skeletons.
    fn skip_starts(&self, event: &Event<'_>) -> bool {
        self.skeletons
            && !self.flow_items
            && self.frames.len() == 3
            && self.frames[1].items
            && matches!(event, Event::Scalar(..) | Event::Alias(_) | Event::SequenceStart(..) | Event::MappingStart(..))
            && matches!(&self.frames[2].node, Node::Map(_, Some(k)) if !self.keeps(k))
    }

    fn keeps(&self, key: &Value) -> bool {
        let keep = self.policy.and_then(|p| p.keep).unwrap_or_default();
        key.as_str().is_some_and(|k| keep.contains(&k))
    }

    /// Reads past a node that is not kept, still checking what decides how the item is written (aliases
    /// out of the item, keep-chomped block scalars), recording its anchors as skipped, and holding it
    /// to the depth limit. No value is built: the item is copied from its text.
    fn skip(&mut self, event: Event<'_>, start: Marker, end: Marker) -> Result<(), Stop> {
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
                let key = is_key.then(|| scalar(value, style, tag.as_deref()));
                self.skipped_node(key, &start)
            }
            Event::Alias(id) => {
                match self.anchors.get(&id) {
                    None => return Err(unknown_alias(&start).into()),
                    Some(anchor) if anchor.item != item => self.item_ok = false,
                    Some(_) => {}
                }
                self.skipped_node(None, &start)
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if self.frames.len() + self.skipped.len() >= MAX_DEPTH {
                    return Err(too_deep(&start).into());
                }
                let keys = matches!(event, Event::MappingStart(..)).then(|| Keys::Few(Vec::new()));
                self.skipped.push(Skipped { keys, key_next: true, anchor });
                Ok(())
            }
            Event::SequenceEnd | Event::MappingEnd => {
                // An alias inside the collection to its own anchor names no anchor defined before it.
                if let Some(level) = self.skipped.pop() {
                    skipped_anchor(self, level.anchor);
                }
                self.skipped_node(None, &start)
            }
            _ => Ok(()),
        }
    }

    /// A skipped node is complete: check a mapping's scalar keys for duplicates (see [`Keys`]: the same
    /// check as for built mappings, without building them), and when the whole skipped part is done, drop
    /// the item's key it belonged to.
    fn skipped_node(&mut self, key: Option<Value>, start: &Marker) -> Result<(), Stop> {
        match self.skipped.last_mut() {
            Some(level) => {
                if let Some(keys) = &mut level.keys {
                    if let Some(key) = key.filter(|_| level.key_next) {
                        if let Some(key) = keys.insert(key) {
                            return Err(duplicate(&key, start).into());
                        }
                    }
                    level.key_next = !level.key_next;
                }
            }
            None => {
                if let Some(Frame { node: Node::Map(_, key), .. }) = self.frames.get_mut(2) {
                    if let Some(key) = key.take() {
                        if let Some(key) = self.item_skipped_keys.replace(key) {
                            return Err(duplicate(&key, start).into());
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn count_alias_nodes(&mut self, nodes: u64, start: &Marker) -> Result<(), Error> {
        self.alias_nodes = self.alias_nodes.saturating_add(nodes);
        if self.alias_nodes > MAX_ALIAS_NODES {
            return Err(Error::new(
                ErrorKind::Limit(Limit::AliasNodes),
                format!(
                    "anchors and aliases expand to more than the limit of {MAX_ALIAS_NODES} nodes (at {}); write the repeated parts out",
                    at(start)
                ),
                Some(start),
            ));
        }
        Ok(())
    }

    /// A finished node: keep it for its anchor, record an item's span, add it to its parent.
    fn node(&mut self, value: Value, nodes: u64, anchor: usize, start: Marker, end: Marker) -> Result<(), Stop> {
        if anchor != 0 {
            self.count_alias_nodes(nodes, &start)?;
            let item = self.current_item();
            self.anchors.insert(anchor, Anchor { value: Some(value.clone()), nodes, item });
        }
        let Some(parent) = self.frames.last_mut() else {
            self.documents.push(value);
            return Ok(());
        };
        parent.nodes = parent.nodes.saturating_add(nodes);
        if parent.items {
            let count = match &parent.node {
                Node::Seq(v) => v.len() + 1,
                Node::Map(..) => 0,
            };
            // The items sequence is found only with a policy.
            if let Some(policy) = self.policy.filter(|p| count > p.max) {
                return Err(Error::new(
                    ErrorKind::Limit(Limit::Items),
                    format!(
                        "the {} has more than the limit of {} items (item {count} at {}); split the package",
                        policy.name,
                        policy.max,
                        at(&start)
                    ),
                    Some(&start),
                )
                .into());
            }
            // In text order: the offsets are found by walking from the last one asked for.
            let first = self.offsets.byte(start.index());
            let content_end = self.offsets.byte(self.item_content_end.max(start.index()));
            let last = flow_end(self.offsets.text.as_bytes(), &value, self.offsets.byte(end.index()));
            // A bare carriage return is a line break of its own to YAML, and the copy drops one `\r`
            // before each `\n` (CRLF files come out LF, as kpt writes them): such an item is serialised,
            // or every run would remove another `\r` (found by fuzzing).
            let text = self.offsets.text.as_bytes().get(first..last).unwrap_or_default();
            let bare_cr = text.iter().enumerate().any(|(i, &b)| b == b'\r' && text.get(i + 1) != Some(&b'\n'));
            let self_contained = std::mem::replace(&mut self.item_ok, true) && !bare_cr && !self.tag_directives;
            if std::mem::take(&mut self.item_skipped) && !self_contained {
                return Err(Stop::Restart);
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
                Some(k) => match m.entry(k) {
                    Entry::Occupied(e) => return Err(duplicate(e.key(), &start).into()),
                    Entry::Vacant(e) => {
                        e.insert(value);
                    }
                },
            },
        }
        Ok(())
    }
}

fn unknown_alias(start: &Marker) -> Error {
    let message = format!("an alias at {} names no anchor defined before it", at(start));
    Error::new(ErrorKind::UnknownAlias, message, Some(start))
}

fn too_deep(start: &Marker) -> Error {
    let message = format!("collections nest deeper than the limit of {MAX_DEPTH} levels at {}", at(start));
    Error::new(ErrorKind::Limit(Limit::Depth), message, Some(start))
}

fn duplicate(key: &Value, start: &Marker) -> Error {
    let message = format!("duplicate key `{}` in a mapping at {}; each key may appear once", describe(key), at(start));
    Error::new(ErrorKind::Duplicate, message, Some(start))
}

pub(super) fn at(m: &Marker) -> String {
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

/// Where the collection `value` ends, given the parser's end `last`. saphyr-parser ends a flow
/// collection closed after a trailing comma (`{a: 1,}`) before its closing bracket, after the comma or
/// the blanks following it (found by fuzzing: the verbatim copy of such an item lost the bracket).
/// Between that comma and the bracket there can only be blanks, line breaks and comments; a block
/// collection is never followed by a closing bracket.
fn flow_end(text: &[u8], value: &Value, last: usize) -> usize {
    let value = match value {
        Value::Tagged(tagged) => &tagged.value,
        other => other,
    };
    let close = match value {
        Value::Mapping(_) => b'}',
        Value::Sequence(_) => b']',
        _ => return last,
    };
    if text.get(last.wrapping_sub(1)) == Some(&close) {
        return last;
    }
    let mut at = last;
    loop {
        match text.get(at) {
            Some(b' ' | b'\t' | b'\r' | b'\n') => at += 1,
            Some(b'#') => at += text[at..].iter().position(|&b| b == b'\n').unwrap_or(text.len() - at),
            Some(&b) if b == close => return at + 1,
            _ => return last,
        }
    }
}
