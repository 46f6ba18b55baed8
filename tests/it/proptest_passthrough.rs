//! Random pass-through packages: every item we do not own comes out byte-identical (comments, quoting,
//! flow style, kpt's annotations), none is lost or duplicated, and a second run over the output (as
//! kpt's next render sends it, and as a pipe `fn < in | fn` sends it) returns the same bytes. Values
//! include the shapes fuzzing found changed or forged (issue 19): floats with exponents, control
//! characters in keys, and a block scalar ending the input without a line break.

use proptest::prelude::*;
use ztwim_gitops::pipeline;

const CONFIG: &str = "apiVersion: fn.ztwim-gitops.dev/v1alpha1\nkind: ZtwimGitOps\nmetadata:\n  name: cfg\n\
                      spec:\n  appDomain: apps.example.com\n  spokes:\n  - name: s\n    \
                      server: https://api.s.example.com:6443\n";

/// Scalars as a user or a tool writes them, the YAML 1.1 traps included.
fn scalar() -> impl Strategy<Value = String> {
    let word = "[a-z][a-z0-9-]{0,8}";
    prop_oneof![
        word.prop_map(|w| w.to_string()),
        word.prop_map(|w| format!("'{w}'")),
        word.prop_map(|w| format!("\"{w}\"")),
        prop::sample::select(vec![
            "\"on\"",
            "'off'",
            "\"yes\"",
            "'n'",
            "\"1_000\"",
            "'1:20'",
            "\"2001-12-14\"",
            "\"=\"",
            "\"0123\"",
            "12",
            "-3.5",
            "true",
            "null",
            "~",
            "123456789012345678901234567890",
            "\"\\ud83d\\ude00\"",
            "'it''s'",
            "\"tab\\there\"",
            "grüße",
            "a#b",
            "'x: y'",
            "1e16",
            "1.5e300",
            "-2.5E-10",
            "1e400",
            "0.000001",
        ])
        .prop_map(str::to_string),
    ]
}

/// A key: mostly a word, sometimes a double-quoted one holding line breaks and other control characters
/// (a forged `error:` line on stderr, before issue 19).
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-z]{1,6}".prop_map(|k| k.to_string()),
        1 => prop::sample::select(vec!["\"k\\nerror: forged\"", "\"\\r\\u2028x\"", "\"\\e[2Jy\"", "\"t\\tz\""])
            .prop_map(str::to_string),
    ]
}

/// A data section in block or flow style, with or without comments and block scalars.
fn data() -> impl Strategy<Value = String> {
    let entries = || prop::collection::vec((key(), scalar(), any::<bool>()), 1..5);
    prop_oneof![
        entries().prop_map(|es| {
            let mut seen = std::collections::BTreeSet::new();
            let body: Vec<String> = es
                .into_iter()
                .filter(|(k, _, _)| seen.insert(k.clone()))
                .map(|(k, v, c)| format!("  {k}: {v}{}\n", if c { " # note" } else { "" }))
                .collect();
            format!("data:\n{}", body.concat())
        }),
        entries().prop_map(|es| {
            let mut seen = std::collections::BTreeSet::new();
            let body: Vec<String> = es
                .into_iter()
                .filter(|(k, _, _)| seen.insert(k.clone()))
                .map(|(k, v, _)| format!("{k}: {v}"))
                .collect();
            format!("data: {{{}}}\n", body.join(", "))
        }),
        Just("data:\n  script: |\n    echo one\n\n    echo two\n  folded: >-\n    a\n    b\n".to_string()),
        Just("data:\n  list:\n  - a\n  - 'b'\n  wide:\n    - [x, y]\n    - {k: v}\n".to_string()),
    ]
}

/// One item's text at column 0; `n` makes its name unique.
fn item(n: usize) -> impl Strategy<Value = String> {
    let kind = prop::sample::select(vec!["ConfigMap", "Deployment", "Service", "Namespace", "Secret"]);
    (kind, data(), any::<bool>(), any::<bool>(), 0u8..3).prop_map(move |(kind, data, head, located, meta)| {
        let head = if head { "# head comment\n" } else { "" };
        let annotations = if located {
            format!(
                "  annotations:\n    internal.config.kubernetes.io/path: 'files/f{n}.yaml'\n    \
                 internal.config.kubernetes.io/index: '{}'\n    config.kubernetes.io/path: 'files/f{n}.yaml'\n",
                n % 3
            )
        } else {
            String::new()
        };
        let metadata = match meta {
            0 => format!("metadata:\n  name: item-{n}\n{annotations}"),
            1 => format!("metadata: {{name: \"item-{n}\", labels: {{app: x}}}}\n"),
            _ => format!("metadata:\n  name: item-{n} # inline\n  namespace: ns\n{annotations}"),
        };
        format!("{head}apiVersion: v1\nkind: {kind}\n{metadata}{data}")
    })
}

/// Optionally, the last lines of a last item whose block scalar ends the input without a line break,
/// with the value every YAML reader (libyaml, PyYAML) gives it.
fn tail() -> impl Strategy<Value = Option<(&'static str, &'static str)>> {
    prop::option::of(prop::sample::select(vec![
        ("|\n      echo hi", "echo hi"),
        ("|\n      echo hi\n      ", "echo hi\n"),
        ("|\n      echo hi\n        ", "echo hi\n  "),
        ("|+\n      echo hi\n\n      ", "echo hi\n\n"),
        ("|-\n      echo hi\n", "echo hi"),
        (">\n      echo\n      hi", "echo hi"),
    ]))
}

fn package() -> impl Strategy<Value = (Vec<String>, bool, Option<(&'static str, &'static str)>)> {
    (1usize..12).prop_flat_map(|len| {
        let items: Vec<_> = (0..len).map(item).collect();
        (items, any::<bool>(), tail())
    })
}

/// `text` (column 0) as a block sequence entry, at `indent` columns.
fn entry(text: &str, indent: usize) -> String {
    let pad = " ".repeat(indent);
    text.lines()
        .enumerate()
        .map(|(i, l)| match (i, l.is_empty()) {
            (0, _) => format!("{pad}- {l}\n"),
            (_, true) => "\n".to_string(),
            _ => format!("{pad}  {l}\n"),
        })
        .collect()
}

/// The items last, as the input's end (`tail` ends without a line break when it says so).
fn resource_list_items_last(items: &str) -> String {
    let config: String = CONFIG.lines().map(|l| format!("  {l}\n")).collect();
    format!("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nfunctionConfig:\n{config}items:\n{items}")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn unowned_items_pass_through_byte_identical_and_reruns_are_stable((items, wide, tail) in package()) {
        let mut input: String = items.iter().map(|t| entry(t, if wide { 2 } else { 0 })).collect();
        let pad = if wide { "  " } else { "" };
        let input = match tail {
            None => crate::support::resource_list(&input, CONFIG),
            Some((scalar, _)) => {
                let scalar = scalar.replace('\n', &format!("\n{pad}"));
                input.push_str(&format!("{pad}- apiVersion: v1\n{pad}  kind: ConfigMap\n{pad}  metadata: {{name: tail}}\n{pad}  data:\n{pad}    run.sh: {scalar}"));
                resource_list_items_last(&input)
            }
        };
        let first = pipeline::run_function(input.as_bytes());
        prop_assert_eq!(first.exit_code, 0, "{}", first.stdout);
        for text in &items {
            let expected = entry(text, 0);
            prop_assert_eq!(first.stdout.matches(&expected).count(), 1, "not verbatim once:\n{}\n---\n{}", expected, first.stdout);
        }
        let (generated, _) = pipeline::generate_from_file(CONFIG, "cfg.yaml", None);
        let out = ztwim_gitops::yaml::from_str(&first.stdout).unwrap();
        let tails = usize::from(tail.is_some());
        prop_assert_eq!(out["items"].as_sequence().map(Vec::len), Some(items.len() + tails + generated.len()));
        if let Some((_, value)) = tail {
            let item = out["items"].as_sequence().unwrap().iter().find(|i| i["metadata"]["name"] == "tail").unwrap();
            prop_assert_eq!(&item["data"]["run.sh"], value, "{}", first.stdout);
        }
        // kpt's next render: the output's items (echoed functionConfig and results dropped) with the
        // config again.
        let items_only = first.stdout.split("\nfunctionConfig:\n").next().unwrap().trim_end();
        let config: String = CONFIG.lines().map(|l| format!("  {l}\n")).collect();
        let second = pipeline::run_function(format!("{items_only}\nfunctionConfig:\n{config}").as_bytes());
        prop_assert_eq!(&second.stdout, &first.stdout);
        // A pipe: the whole output, echoed functionConfig and results included, is the next input.
        let piped = pipeline::run_function(first.stdout.as_bytes());
        prop_assert_eq!(&piped.stdout, &first.stdout);
    }
}
