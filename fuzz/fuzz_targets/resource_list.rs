//! The whole KRM function on arbitrary stdin bytes: never a panic, always a ResourceList we can read
//! back, and a run over a successful run's output (as kpt's next render sends it, and as a pipe
//! `fn < in | fn` sends it, echoed functionConfig and results included) changes no byte.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ztwim_gitops::{pipeline, yaml};

fuzz_target!(|data: &[u8]| {
    let first = pipeline::run_function(data);
    let out = yaml::from_str(&first.stdout).expect("the output is one YAML document");
    assert_eq!(out["kind"], "ResourceList", "{}", first.stdout);
    assert!(first.exit_code == 0 || first.exit_code == 1);
    if first.exit_code != 0 {
        return;
    }
    // The next render: our items with the same functionConfig again.
    let Ok(input) = yaml::from_str(std::str::from_utf8(data).unwrap_or_default().trim_start_matches('\u{feff}'))
    else {
        return;
    };
    let Some(config) = input.get("functionConfig").filter(|c| !c.is_null()) else { return };
    let items = first.stdout.split("\nfunctionConfig:\n").next().unwrap_or_default();
    let items = items.split("\nresults:\n").next().unwrap_or_default().trim_end();
    let config: String = yaml::to_string(config).lines().map(|l| format!("  {l}\n")).collect();
    let second = pipeline::run_function(format!("{items}\nfunctionConfig:\n{config}").as_bytes());
    assert_eq!(second.exit_code, 0, "{}", second.stdout);
    let strip = |s: &str| s.split("\nresults:\n").next().unwrap_or_default().to_string();
    assert_eq!(strip(&second.stdout), strip(&first.stdout), "a second run changed the items");
    let piped = pipeline::run_function(first.stdout.as_bytes());
    assert_eq!(piped.stdout, first.stdout, "a pipe of two runs changed the output");
});
