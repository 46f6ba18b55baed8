use super::scalar::float_1_1;
use super::*;
use serde_yaml_ng::value::{Tag, TaggedValue};
use serde_yaml_ng::{Mapping, Value};

fn resource_list(text: &str) -> Result<Parsed, Error> {
    parse_items(text, &crate::krm::ITEMS)
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
    let parsed = resource_list(text).unwrap();
    assert!(!parsed.items.unwrap()[0].self_contained);
    assert_eq!(parsed.value["items"][0]["spec"]["keep"], Value::String("me".into()));
    // Found by fuzzing: the marker written by hand came back as a number, or lost its sequence.
    for text in [
        "- !ztwim-gitops.dev/number []\n",
        "a: !ztwim-gitops.dev/number 12\n",
        "%TAG !e! ztwim-gitops.dev/\n--- !e!number x\n",
    ] {
        let e = parse(text).unwrap_err();
        assert_eq!(e.kind, ErrorKind::ReservedTag, "{text}: {e}");
        assert!(e.to_string().contains("is reserved") && e.to_string().contains("line"), "{text}: {e}");
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
    let parsed = resource_list("items:\n- kind: A\n  data: {x: 1}\n  run: |\n    echo hi").unwrap();
    assert!(!parsed.items.unwrap()[0].self_contained);
    assert_eq!(parsed.value["items"][0]["run"], Value::String("echo hi".into()));
    let parsed = resource_list("items:\n- kind: A\n  run: |\n    echo hi\n").unwrap();
    assert!(parsed.items.unwrap()[0].self_contained, "with the final break the copy is exact");
}

#[test]
fn limits_are_errors_naming_the_limit_and_position() {
    // Each error says what it is by its kind (callers branch on it) and where, and its sentence names
    // the limit and the position.
    let check = |text: &str, kind: ErrorKind, words: &str| {
        let e = parse(text).unwrap_err();
        assert_eq!(e.kind, kind, "{e}");
        assert!(e.to_string().contains(words), "{e}");
        e
    };
    // Found by fuzzing: from 256 `[` on, the scanner's "recursion limit exceeded" came first.
    for depth in [129, 200, 255, 256, 1000] {
        let deep = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
        let e = check(&deep, ErrorKind::Limit(Limit::Depth), "limit of 128 levels");
        assert!(e.to_string().contains("line 1 column 129"), "{depth}: {e}");
        assert_eq!(e.at, Some((1, 129)));
    }
    let block = (0..130).map(|n| format!("{}k:\n", " ".repeat(n))).collect::<String>();
    check(&block, ErrorKind::Limit(Limit::Depth), "limit of 128 levels");
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for n in 1..9 {
        let prev = if n == 1 { "a".to_string() } else { format!("a{}", n - 1) };
        bomb.push_str(&format!(
            "a{n}: &a{n} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
        ));
    }
    let e = check(&bomb, ErrorKind::Limit(Limit::AliasNodes), "limit of 200000 nodes");
    assert!(e.to_string().contains("line"), "{e}");
    check("a: 1\n---\nb: 2\n", ErrorKind::SecondDocument, "second YAML document");
    check("a: 1\na: 2\n", ErrorKind::Duplicate, "duplicate key `a`");
    check("a: [\n", ErrorKind::Syntax, "line");
    // A message may quote the user's key, whatever words it holds: the kind is still a duplicate.
    check("the limit of: 1\nthe limit of: 2\n", ErrorKind::Duplicate, "duplicate key `the limit of`");
    let e = parse(&format!("{}\n", "#".repeat(MAX_INPUT_BYTES + 1))).unwrap_err();
    assert_eq!((e.kind, e.at), (ErrorKind::Limit(Limit::InputBytes), None), "{e}");
}

#[test]
fn resource_list_items_are_read_as_metadata_unless_an_alias_needs_more() {
    let text =
        "items:\n- kind: A\n  metadata: {name: a}\n  spec: {x: [1, 2], y: &s {z: 1}}\n- kind: B\n  data: |\n    ok\n";
    let parsed = resource_list(text).unwrap();
    assert_eq!(parsed.value["items"][0], v("{kind: A, metadata: {name: a}}"));
    assert_eq!(parsed.value["items"][1], v("{kind: B}"));
    assert!(parsed.items.unwrap().iter().all(|s| s.skeleton && s.self_contained));
    // A later item, or the functionConfig, aliasing a skipped anchor: everything is read in full.
    for tail in ["- kind: C\n  spec: *s\n", "functionConfig: {spec: *s}\n"] {
        let text = format!("items:\n- kind: A\n  spec: &s {{z: 1}}\n{tail}");
        let parsed = resource_list(&text).unwrap();
        assert_eq!(parsed.value["items"][0]["spec"], v("{z: 1}"), "{text}");
        assert!(parsed.items.unwrap().iter().all(|s| !s.skeleton));
    }
    // An item that cannot be cut (keep-chomped block scalar at its end) keeps its full value.
    let parsed = resource_list("items:\n- kind: A\n  data: |+\n    x\n\n- kind: B\n").unwrap();
    assert_eq!(parsed.value["items"][0]["data"], Value::String("x\n\n".into()));
    assert!(!parsed.items.unwrap()[0].self_contained);
}

#[test]
fn duplicate_keys_are_errors_in_skipped_parts_too() {
    // Found by fuzzing: skipped parts were not checked, so the output held a duplicate key.
    let e = resource_list("items:\n- kind: A\n  spec: {a: 1, b: {c: 1, c: 2}}\n").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Duplicate, "{e}");
    // Named as in a built mapping (the position is the second key's: its value is never built).
    assert!(e.to_string().starts_with("duplicate key `c` in a mapping at line 3 column 26"), "{e}");
    let e = resource_list("items:\n- kind: A\n  spec: {}\n  spec: {}\n").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Duplicate, "{e}");
    // A mapping's first keys are compared one by one, later ones hashed: a duplicate of either is found.
    let many: String = (0..40).map(|i| format!("k{i}: 1, ")).collect();
    assert!(resource_list(&format!("items:\n- kind: A\n  spec: {{{many}}}\n")).is_ok());
    for key in ["k3", "k39"] {
        let e = resource_list(&format!("items:\n- kind: A\n  spec: {{{many}{key}: 2}}\n")).unwrap_err();
        assert!(e.to_string().starts_with(&format!("duplicate key `{key}`")), "{e}");
    }
    // Keys are compared as values: `1` and `'1'` differ, as in a built mapping.
    assert!(resource_list("items:\n- kind: A\n  spec: {1: a, '1': b, [x]: c, [x]: d}\n").is_ok());
}

#[test]
fn an_alias_to_the_collection_it_is_in_is_an_error_in_skipped_parts_too() {
    // Found by fuzzing: a skipped collection's anchor counted as defined from its start, so a
    // pass-through item aliasing the collection it is in was accepted and copied into the output,
    // which no reader (ours reading it whole included) accepts.
    for text in ["items:\n- kind: A\n  spec: &s {a: *s}\n", "items:\n- kind: A\n  spec: &s [1, *s]\n"] {
        let e = resource_list(text).unwrap_err();
        assert_eq!(e.kind, ErrorKind::UnknownAlias, "{text}: {e}");
        assert_eq!(parse(text).unwrap_err().kind, ErrorKind::UnknownAlias, "read whole: {text}");
    }
    // Once the collection has ended, its anchor is defined, skipped or not.
    assert!(resource_list("items:\n- kind: A\n  spec: {x: &s [1], y: *s}\n").is_ok());
}

#[test]
fn tagged_and_collection_keys_are_written_as_explicit_keys() {
    // Found by fuzzing: `!t key: v` at the start of a mapping reads back with the tag on the mapping.
    let tagged = v("!n)%0bmlc x\n");
    assert_eq!(v(&to_string(&tagged)), tagged);
    let top = Value::String("\n&:t\n/".into());
    assert_eq!(v(&to_string(&top)), top);
    for text in ["? !t key\n: v\n", "? {a: 1}\n: [x]\nb: 2\n", "k:\n  ? [1, 2]\n  : v\n", "!t\nk: v\n", "!t\n- a\n"] {
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
    let parsed = parse_items(text, &Items { keep: None, ..crate::krm::ITEMS }).unwrap();
    let spans = parsed.items.unwrap();
    assert_eq!(spans.len(), 2);
    assert!(text[spans[1].start..].starts_with("{kind: B}\n"));
    assert!(spans.iter().all(|s| s.self_contained));
    assert_eq!(parse("items: [{kind: A}]").unwrap().items, None);
}

#[test]
fn a_stream_reads_every_document_under_the_same_limits() {
    let docs = parse_stream("a: 1\n---\n---\nb: [x]\n");
    assert_eq!(docs.error, None);
    assert_eq!(docs.values, vec![v("a: 1"), Value::Null, v("b: [x]")]);
    assert_eq!(parse_stream("").values, Vec::<Value>::new());
    // Documents before an error are kept, the error says where, and nothing after it is read.
    let docs = parse_stream("a: 1\n---\nb: {c: 1, c: 2}\n---\nd: 1\n");
    assert_eq!(docs.values, vec![v("a: 1")]);
    let e = docs.error.unwrap();
    assert_eq!((e.kind, e.at), (ErrorKind::Duplicate, Some((3, 14))), "{e}");
    // The alias budget is the whole stream's: many small bombs add up.
    let bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n";
    let stream = vec![bomb; 300].join("---\n");
    let docs = parse_stream(&stream);
    assert_eq!(docs.error.map(|e| e.kind), Some(ErrorKind::Limit(Limit::AliasNodes)));
    assert!(!docs.values.is_empty());
}

#[test]
fn a_flow_item_closed_after_a_trailing_comma_keeps_its_bracket() {
    // Found by fuzzing: the parser ends such a collection before its closing bracket, so the item's
    // span, and the verbatim copy of it, lost the bracket.
    for (text, item) in [
        ("items:\n- {a: 1,}", "{a: 1,}"),
        ("items:\n- {a: 1, }\n", "{a: 1, }"),
        ("items:\n- {a: 1,\n  }\n- {b: 2}\n", "{a: 1,\n  }"),
        ("items:\n- {a: [1,],}\n", "{a: [1,],}"),
        ("items:\n- {a: 1}\n", "{a: 1}"),
        ("items:\n- &x {a: 1, } # c\n- {b: *x}\n", "&x {a: 1, }"),
        ("items:\n- a: 1\n", "a: 1\n"),
    ] {
        let span = &resource_list(text).unwrap().items.unwrap()[0];
        assert_eq!(&text[span.start..span.end], item, "{text:?}");
    }
}
