//! Benchmark of a robustness sweep (release build, `cargo bench --bench robustness`):
//! 3 × 2 variants (consistency × anchor shift) of the 7-condition, 31-case TOE study of
//! `examples/smart_government.toe` (without its permutation test). Target: under 1 s.
//! `smart_government_27_test_solutions_with_metrics`: 3 × 3 × 3 variants (consistency ×
//! cases × PRI) — 27 test solutions, every model of each — and Oana & Schneider's
//! robustness metrics of the study's solution against all of them (docs/methods.md §8.1).
//! Target (issue 14): under 1 s.

use criterion::{criterion_group, criterion_main, Criterion};
use std::path::PathBuf;
use std::time::Duration;

fn bench(c: &mut Criterion) {
    let base = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples");
    let study = std::fs::read_to_string(base.join("smart_government.toe"))
        .expect("example")
        .replace("permutations = 10000", "permutations = 0")
        .lines()
        .filter(|l| !l.starts_with("show"))
        .collect::<Vec<_>>()
        .join("\n");
    let script = format!(
        "{study}\nrobustness of high {{\n  vary consistency in [0.75, 0.80, 0.85]\n  vary anchors of * by [-5, 5] percentile points\n}}\n"
    );
    let mut g = c.benchmark_group("robustness");
    g.sample_size(10).measurement_time(Duration::from_secs(5));
    g.bench_function("smart_government_3x2_variants", |b| {
        b.iter(|| {
            let mut s = toe::Session::new(&base);
            let out = s.run_text("bench.toe", None, script.clone()).expect("runs");
            assert!(out.contains("6 variants"));
        })
    });
    let script27 = format!(
        "{study}\nrobustness of high {{\n  vary consistency in [0.75, 0.80, 0.85]\n  vary cases in [1, 2, 3]\n  vary pri in [0.6, 0.65, 0.7]\n}}\n"
    );
    g.bench_function("smart_government_27_test_solutions_with_metrics", |b| {
        b.iter(|| {
            let mut s = toe::Session::new(&base);
            let out = s
                .run_text("bench.toe", None, script27.clone())
                .expect("runs");
            assert!(out.contains("robustness metrics of high"));
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
