//! Benchmark of the language server's diagnostics (release build, `cargo bench --bench lsp`):
//! a 300-line script over a 10,000-case CSV (8 columns), checked as after a change in the
//! editor (`toe::lsp::analyse`: parse, check every statement, calibrate every set) with the
//! data cached, as `toe lsp` keeps it. Target (issue 17): under 50 ms, and no data read.

use criterion::{criterion_group, criterion_main, Criterion};
use std::fmt::Write;

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tmp");
    // 10,000 cases, 8 columns of a fixed pseudo-random sequence.
    let mut csv = String::from("case,a,b,c,d,e,f,g,y\n");
    let mut x: u64 = 42;
    for i in 0..10_000 {
        let _ = write!(csv, "c{i}");
        for _ in 0..8 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let _ = write!(
                csv,
                ",{:.3}",
                (x >> 33) as f64 / (1u64 << 31) as f64 * 100.0
            );
        }
        csv.push('\n');
    }
    std::fs::write(dir.path().join("big.csv"), csv).expect("csv");
    // 300 lines: the data, sets, calibration, and queries and shows (checked, not run).
    let mut script = String::from(
        "study \"a long script\"\ndata big = csv(\"big.csv\", id = case)\nconditions {\n  A = a\n  B = b\n  C = c\n  D = d\n  E = e\n  F = f\n  G = g\n}\noutcome Y = y\ncalibrate {\n  * direct(e = p25, c = p50, i = p75)\n}\nfsqca f: Y given A, B, C, D {\n  consistency >= 0.8\n}\nnca n: Y needs A, B, C {\n  permutations = 0\n}\n",
    );
    let sets = ["A", "B", "C", "D", "E", "F", "G"];
    let mut k = 0;
    while script.lines().count() < 299 {
        let (s, t) = (sets[k % 7], sets[(k + 3) % 7]);
        let _ = writeln!(script, "# query {k}");
        let _ = writeln!(script, "necessary? {s}*~{t} for Y");
        k += 1;
    }
    let _ = writeln!(script, "show truth_table of f");
    assert_eq!(script.lines().count(), 300);
    let uri = format!("file://{}/study.toe", dir.path().display());
    toe::files::cache_data();
    let first = toe::lsp::analyse(&uri, script.clone());
    let errors = |d: &toe::lsp::Doc| d.diags.iter().filter(|d| d.is_error()).count();
    assert_eq!(
        errors(&first),
        0,
        "{:?}",
        first.diags.first().map(|d| &d.message)
    );
    let reads = toe::files::data_reads();
    c.bench_function("lsp_diagnostics_300_lines_10000_cases", |b| {
        b.iter(|| {
            let d = toe::lsp::analyse(&uri, script.replace("query 1\n", "query 1 \n"));
            assert_eq!(errors(&d), 0);
        })
    });
    assert_eq!(toe::files::data_reads(), reads, "the data was read again");
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
