//! A function config file as `generate -c` reads it: never a panic, and every generated object
//! serialises to YAML that reads back to the same object.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ztwim_gitops::{pipeline, yaml};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (manifests, _results) = pipeline::generate_from_file(text, "fuzz.yaml", None);
    for m in manifests {
        let text = yaml::tree_to_string(&m.object);
        assert_eq!(yaml::from_str(&text), Ok(m.value()), "{text}");
    }
});
