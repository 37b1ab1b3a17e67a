//! Benchmarks of the NCA engine (release build, `cargo bench`):
//! (a) n = 1,000, one condition, ce_fdh + cr_fdh, 10,000 permutations
//!     (target < 0.5 s on 2 cores);
//! (b) n = 100,000, 7 conditions, no test (target < 1 s);
//! (c) QR (R's rqbr) with OLS: n = 1,000, 1,000 permutations, and
//!     n = 10,000 without a test;
//! (d) outliers (R's nca_outliers) with k = 2 for n = 200, CE-FDH and CR-FDH
//!     (target < 1 s);
//! (e) power (R's nca_power): 5 sample sizes × 1,000 replicates × 1,000 permutations,
//!     CE-FDH, effect 0.2 (target < 10 s on 2 cores);
//! (f) Dul's robustness table with the `nca_standard` settings (baseline, CR-FDH, d 0.2,
//!     p 0.01, one outlier removed, target p90) for 7 conditions × 31 cases, 10,000
//!     permutations per setting (target < 1 s).

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::time::Duration;
use toe::engine::nca::*;

#[path = "../tests/integration/generate.rs"]
mod generate;
use generate::nca_data as data;

fn bench(c: &mut Criterion) {
    let threads: usize = std::env::var("NCA_BENCH_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();

    let (x, y) = data(1000, 1);
    let o = NcaOptions {
        ceilings: vec![Ceiling::CeFdh, Ceiling::CrFdh],
        permutations: 10_000,
        seed: Some(123),
        ..NcaOptions::default()
    };
    let mut g = c.benchmark_group("nca");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(10));
    g.bench_function(
        format!("a_n1000_ce_cr_fdh_10000_perms_{threads}_threads"),
        |b| b.iter(|| pool.install(|| black_box(analyse(&x, &y, &o).unwrap()))),
    );

    let n = 100_000;
    let (_, yb) = data(n, 99);
    let xs: Vec<Vec<f64>> = (0..7).map(|k| data(n, 1000 + k).0).collect();
    let ob = NcaOptions::default();
    g.bench_function("b_n100000_7_conditions_no_test", |b| {
        b.iter(|| {
            for x in &xs {
                black_box(analyse(x, &yb, &ob).unwrap());
            }
        })
    });

    let oq = NcaOptions {
        ceilings: vec![Ceiling::Ols, Ceiling::Qr],
        permutations: 1_000,
        seed: Some(123),
        ..NcaOptions::default()
    };
    g.bench_function(
        format!("c_n1000_ols_qr_1000_perms_{threads}_threads"),
        |b| b.iter(|| pool.install(|| black_box(analyse(&x, &y, &oq).unwrap()))),
    );
    let (xq, yq) = data(10_000, 7);
    let oq1 = NcaOptions {
        ceilings: vec![Ceiling::Qr],
        ..NcaOptions::default()
    };
    g.bench_function("c_n10000_qr_no_test", |b| {
        b.iter(|| black_box(analyse(&xq, &yq, &oq1).unwrap()))
    });
    let (xo, yo) = data(200, 11);
    let k2 = outliers::OutlierOptions {
        k: 2,
        ..Default::default()
    };
    g.bench_function("d_outliers_k2_n200_ce_cr_fdh", |b| {
        b.iter(|| {
            for c in [Ceiling::CeFdh, Ceiling::CrFdh] {
                let o = NcaOptions {
                    ceilings: vec![c],
                    ..NcaOptions::default()
                };
                black_box(outliers::outliers(&xo, &yo, &o, &k2).unwrap());
            }
        })
    });
    let po = power::PowerOptions {
        n: vec![20, 50, 100, 200, 400],
        effect: vec![0.2],
        rep: 1000,
        test_rep: 1000,
        seed: 2025,
        // slope 1, CE-FDH, corner 1, p 0.05, uniform x and y
        ..Default::default()
    };
    g.bench_function(
        format!("e_power_5_sizes_1000_rep_1000_perms_{threads}_threads"),
        |b| b.iter(|| pool.install(|| black_box(power::power(&po).unwrap()))),
    );
    let (_, yr) = data(31, 501);
    let xr: Vec<Vec<f64>> = (0..7).map(|k| data(31, 600 + k).0).collect();
    let cols: Vec<&[f64]> = xr.iter().map(|x| x.as_slice()).collect();
    let base = robustness::Variant {
        ceiling: Ceiling::CeFdh,
        scope: None,
        d_threshold: 0.1,
        p_threshold: 0.05,
        outliers: 0,
        target: robustness::Target::Percentile(75.0),
        corner: 1,
        permutations: 10_000,
        seed: 123,
    };
    let settings = vec![
        base.clone(),
        robustness::Variant {
            ceiling: Ceiling::CrFdh,
            ..base.clone()
        },
        robustness::Variant {
            d_threshold: 0.2,
            ..base.clone()
        },
        robustness::Variant {
            p_threshold: 0.01,
            ..base.clone()
        },
        robustness::Variant {
            outliers: 1,
            ..base.clone()
        },
        robustness::Variant {
            target: robustness::Target::Percentile(90.0),
            ..base.clone()
        },
    ];
    g.bench_function(
        format!("f_robustness_table_7x31_10000_perms_{threads}_threads"),
        |b| {
            b.iter(|| {
                pool.install(|| {
                    use rayon::prelude::*;
                    let r: Vec<_> = settings
                        .par_iter()
                        .map(|v| robustness::run_variant(&cols, &yr, v).unwrap())
                        .collect();
                    black_box(r)
                })
            })
        },
    );
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
