//! The reader and the emitter: whatever parses is written so that it reads back to the same value, and
//! writing that again gives the same bytes; serialising the value with serde writes what its Value path wrote, and so does its `Tree`. Every string the emitter leaves plain must not be one a
//! YAML 1.1 reader takes for something else.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_yaml_ng::Value;
use ztwim_gitops::yaml;

fn has_nan(v: &Value) -> bool {
    match v {
        Value::Number(n) => n.as_f64().is_some_and(f64::is_nan),
        Value::Sequence(s) => s.iter().any(has_nan),
        Value::Mapping(m) => m.iter().any(|(k, v)| has_nan(k) || has_nan(v)),
        Value::Tagged(t) => has_nan(&t.value),
        _ => false,
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(value) = yaml::from_str(text) else { return };
    let written = yaml::to_string(&value);
    // The emitter as a serde serializer (what typed output goes through) writes what serialising to a
    // Value first writes. (Not always `written`: serde_yaml_ng's to_value drops a `!` of a tag `!!…`.)
    if let Ok(serialised) = serde_yaml_ng::to_value(&value) {
        assert_eq!(yaml::to_string_of(&value), yaml::to_string(&serialised));
        // The Tree generated objects are held in means that same value and is written the same way,
        // serialised as its Value serialises (both through to_value again where the emitter cannot
        // write a tag itself, which drops that `!` once more).
        let tree = yaml::Tree::of(&value).expect("a Tree builds whatever to_value builds");
        if !has_nan(&value) {
            assert_eq!(tree.to_value(), serialised);
        }
        assert_eq!(yaml::tree_to_string(&tree), yaml::to_string(&serialised));
        assert_eq!(yaml::to_string_of(&tree), yaml::to_string_of(&serialised));
    }
    let back = yaml::from_str(&written).unwrap_or_else(|e| panic!("{e}\n{written}"));
    if !has_nan(&value) {
        assert_eq!(back, value, "{written}");
    }
    assert_eq!(yaml::to_string(&back), written);
});
