//! Benchmark of a robustness sweep (release build, `cargo bench --bench robustness`):
//! 3 × 2 variants (consistency × anchor shift) of the 7-condition, 31-case TOE study of
//! `examples/smart_government.toe` (without its permutation test). Target: under 1 s.
//! `smart_government_27_test_solutions_with_metrics`: 3 × 3 × 3 variants (consistency ×
//! cases × PRI) — 27 test solutions, every model of each — and Oana & Schneider's
//! robustness metrics of the study's solution against all of them (docs/methods.md §8.1).
//! Target (issue 14): under 1 s.
//! `leave_one_out_120_cases_8_conditions_intermediate`: `resample … { method =
//! leave_one_out }` on 120 clustered fuzzy cases × 8 conditions with directional
//! expectations (121 analyses with the three solutions). Target (issue 14): under 2 s.

use criterion::{criterion_group, criterion_main, Criterion};

#[path = "../tests/integration/generate.rs"]
mod generate;
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
    // 120 × 8 clustered fuzzy data written as a CSV next to a script
    let dir = std::env::temp_dir().join("toe_bench_loo");
    std::fs::create_dir_all(&dir).expect("tmp");
    let input = generate::clustered(8, 120, 30, 11);
    let mut csv = String::from("id,C1,C2,C3,C4,C5,C6,C7,C8,Y\n");
    for i in 0..120 {
        let row: Vec<String> = input.memberships.iter().map(|c| c[i].to_string()).collect();
        csv.push_str(&format!("c{i},{},{}\n", row.join(","), input.outcome[i]));
    }
    std::fs::write(dir.join("loo.csv"), csv).expect("write");
    let loo = "data d = csv(\"loo.csv\", id = id)\nconditions { C1 = C1  C2 = C2  C3 = C3  C4 = C4  C5 = C5  C6 = C6  C7 = C7  C8 = C8 }\noutcome Y = Y\ncalibrate { * fuzzy }\nfsqca f: Y given C1, C2, C3, C4, C5, C6, C7, C8 { consistency >= 0.8  expect C1, C2, C3, C4, C5, C6, C7, C8 }\nresample f { method = leave_one_out }\n".to_string();
    g.bench_function("leave_one_out_120_cases_8_conditions_intermediate", |b| {
        b.iter(|| {
            let mut s = toe::Session::new(&dir);
            let out = s.run_text("bench.toe", None, loo.clone()).expect("runs");
            assert!(out.contains("leave-one-out of f: 120 runs"));
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
