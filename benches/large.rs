//! Benchmarks of large studies (#27), the whole run as `toe run` does it (CSV read,
//! calibration, analysis, tables), at 10⁴, 10⁵ and 10⁶ cases so that the time per case
//! is visible:
//!
//! * `nca_5_no_test_n…`: 5 conditions, ce_fdh + cr_fdh, no permutation test;
//! * `nca_5_perm10_n…`, `nca_5_perm1000_n…`: the same with 10 and 1,000 permutations
//!   (seed 1);
//! * `fsqca_5_n…`, `fsqca_10_n…`: 5 and 10 conditions calibrated at p20/p50/p80, the
//!   three solutions (consistency ≥ 0.8, expectations on every condition);
//! * `check_n…`: `toe check` of the same data (the CSV read and the plan).
//!
//! 10⁶ cases take minutes per benchmark (10 samples each): they run only with
//! `TOE_BENCH_MILLION=1`. Data, 6 decimals, in a temporary folder: the conditions uniform
//! (`generate::nca_data`), NCA's outcome under a ceiling y = x, fsQCA's `outcome` =
//! u · (0.3 + min(x1, x2, x3)) capped at 1 with u uniform (three conditions matter, as the
//! measurements in the README).

use criterion::{criterion_group, criterion_main, Criterion};
use std::fmt::Write as _;
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;
use toe::session::{Mode, Session};

#[path = "../tests/integration/generate.rs"]
mod generate;

fn write_data(dir: &Path, n: usize) {
    let y = generate::nca_data(n, 99).1;
    // seeds scattered by a hash: the generator's streams from seeds in arithmetic progression
    // (1000, 1001, …) are shifted copies of one another (x_k = x_1 + k·δ mod 1 case by case)
    let xs: Vec<Vec<f64>> = (0..10u64)
        .map(|k| generate::nca_data(n, splitmix(1000 + k)).0)
        .collect();
    let mut rng = generate::Lcg(2027);
    let outcome: Vec<f64> = (0..n)
        .map(|i| (rng.unit() * (0.3 + xs[0][i].min(xs[1][i]).min(xs[2][i]))).min(1.0))
        .collect();
    let mut csv = String::with_capacity(n * 100);
    csv.push_str("id,x1,x2,x3,x4,x5,x6,x7,x8,x9,x10,y,outcome\n");
    for i in 0..n {
        let _ = write!(csv, "{}", i + 1);
        for x in &xs {
            let _ = write!(csv, ",{:.6}", x[i]);
        }
        let _ = writeln!(csv, ",{:.6},{:.6}", y[i], outcome[i]);
    }
    std::fs::write(dir.join("d.csv"), csv).expect("the temporary folder is writable");
}

/// SplitMix64's finaliser.
fn splitmix(z: u64) -> u64 {
    let z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    let z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn script(analysis: &str, k: usize) -> String {
    let outcome = if analysis == "fsqca" { "outcome" } else { "y" };
    let conditions: Vec<String> = (1..=k).map(|j| format!("X{j} = x{j}")).collect();
    let names: Vec<String> = (1..=k).map(|j| format!("X{j}")).collect();
    let names = names.join(", ");
    let body = match analysis {
        "nca" => format!("nca n: Y needs {names} {{ on = raw  ceilings = [ce_fdh, cr_fdh] }}"),
        "perm10" | "perm" => format!(
            "nca n: Y needs {names} {{ on = raw  ceilings = [ce_fdh, cr_fdh]  permutations = {}  seed = 1 }}",
            if analysis == "perm" { 1000 } else { 10 }
        ),
        _ => format!(
            "calibrate {{ * direct(e = p20, c = p50, i = p80) }}\n\
             fsqca f: Y given {names} {{ consistency >= 0.8  expect {names} }}"
        ),
    };
    format!(
        "data d = csv(\"d.csv\", id = id)\nconditions {{ {} }}\noutcome Y = {outcome}\n{body}\n",
        conditions.join("  ")
    )
}

fn run(dir: &Path, name: &str, mode: Mode) {
    let mut s = Session::new(dir);
    let out = s.run_file(&dir.join(name), mode);
    assert!(out.is_ok(), "the benchmark's script runs");
    black_box(out.ok());
}

fn bench(c: &mut Criterion) {
    let mut sizes = vec![10_000usize, 100_000];
    if std::env::var_os("TOE_BENCH_MILLION").is_some() {
        sizes.push(1_000_000);
    }
    let mut g = c.benchmark_group("large");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(5));
    for n in sizes {
        let dir = std::env::temp_dir().join(format!("toe-bench-large-{n}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("the temporary folder is writable");
        write_data(&dir, n);
        for (file, analysis, k) in [
            ("nca.toe", "nca", 5),
            ("perm10.toe", "perm10", 5),
            ("perm.toe", "perm", 5),
            ("fsqca5.toe", "fsqca", 5),
            ("fsqca10.toe", "fsqca", 10),
        ] {
            std::fs::write(dir.join(file), script(analysis, k)).expect("writable");
        }
        g.bench_function(format!("check_n{n}"), |b| {
            b.iter(|| run(&dir, "fsqca10.toe", Mode::Check))
        });
        g.bench_function(format!("nca_5_no_test_n{n}"), |b| {
            b.iter(|| run(&dir, "nca.toe", Mode::Run))
        });
        g.bench_function(format!("nca_5_perm10_n{n}"), |b| {
            b.iter(|| run(&dir, "perm10.toe", Mode::Run))
        });
        g.bench_function(format!("nca_5_perm1000_n{n}"), |b| {
            b.iter(|| run(&dir, "perm.toe", Mode::Run))
        });
        g.bench_function(format!("fsqca_5_n{n}"), |b| {
            b.iter(|| run(&dir, "fsqca5.toe", Mode::Run))
        });
        g.bench_function(format!("fsqca_10_n{n}"), |b| {
            b.iter(|| run(&dir, "fsqca10.toe", Mode::Run))
        });
        let _ = std::fs::remove_dir_all(&dir);
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
