//! `cargo bench`: the pipeline in process, for every case of docs/performance.md. Whole-process times
//! and peak memory (what users and kpt see) come from `benches/process.sh`.
//!
//! `cargo bench --bench pipeline -- --write-inputs DIR` writes the inputs for that script instead.

mod inputs;

use ztwim_gitops::pipeline;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--write-inputs") {
        let dir = std::path::PathBuf::from(args.get(i + 1).expect("--write-inputs DIR"));
        std::fs::create_dir_all(&dir).expect("create DIR");
        for (name, krm, config) in inputs::cases() {
            std::fs::write(dir.join(format!("{name}.config.yaml")), config).expect("write");
            if let Some(krm) = krm {
                std::fs::write(dir.join(format!("{name}.krm.yaml")), krm).expect("write");
            }
        }
        return;
    }
    divan::main();
}

const FLEETS: [usize; 4] = [10, 100, 1000, 5000];

#[divan::bench(sample_count = 20)]
fn article_generate(b: divan::Bencher) {
    let config = inputs::article();
    b.bench(|| pipeline::generate_from_file(&config, "article.yaml", None));
}

#[divan::bench(sample_count = 20)]
fn article_krm(b: divan::Bencher) {
    let input = inputs::resource_list("", &inputs::article());
    b.bench(|| pipeline::run_function(input.as_bytes()));
}

#[divan::bench(args = FLEETS, sample_count = 5, sample_size = 1)]
fn fleet_generate(b: divan::Bencher, n: usize) {
    let config = inputs::fleet(n);
    b.bench(|| pipeline::generate_from_file(&config, "fleet.yaml", None));
}

#[divan::bench(args = FLEETS, sample_count = 5, sample_size = 1)]
fn fleet_krm(b: divan::Bencher, n: usize) {
    let input = inputs::resource_list("", &inputs::fleet(n));
    b.bench(|| pipeline::run_function(input.as_bytes()));
}

#[divan::bench(args = [2000, 20_000], sample_count = 5, sample_size = 1)]
fn passthrough_krm(b: divan::Bencher, n: usize) {
    let input = inputs::resource_list(&inputs::deployments(n), &inputs::article());
    b.bench(|| pipeline::run_function(input.as_bytes()));
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn namespaces_10000_generate(b: divan::Bencher) {
    let config = inputs::namespaces(10_000);
    b.bench(|| pipeline::generate_from_file(&config, "scale.yaml", None));
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn namespaces_10000_krm(b: divan::Bencher) {
    let input = inputs::resource_list("", &inputs::namespaces(10_000));
    b.bench(|| pipeline::run_function(input.as_bytes()));
}
