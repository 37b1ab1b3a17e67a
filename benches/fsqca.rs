//! Benchmark of the fsQCA engine: 20 fuzzy conditions × 10,000 cases generated with a
//! simple LCG; truth table plus the complex, parsimonious and intermediate solutions.
//! QCA 3.23 gives no intermediate solution with k = 20 (3^20 ≥ 2^31); this engine does
//! (cube path, no enumeration of configurations).
//!
//! * `clustered_k20_n10000_three_solutions`: cases scattered around 200 prototype
//!   configurations (as real data, where 10,000 cases populate far fewer than 2^20
//!   rows); the outcome follows C1*C2 + C3*~C4 with noise; expectations on every
//!   condition (presence); truth table + complex + parsimonious + intermediate, with
//!   the simplifying assumptions and counterfactuals counted (CSA off: QCA skips them
//!   for k ≥ 20 and so does this engine).
//! * `clustered_k20_n10000_default_options`: the same with the default options (CSA
//!   asked for: reported as not computed at k = 20).
//! * `clustered_k17` / `clustered_k19 … with_intermediate`: the sizes where the old
//!   explicit QMC re-minimization took ~10 s (k = 17) or did not finish (k = 19).
//! * `uniform_positive_k20_n10000_three_solutions`: every membership uniform, the outcome
//!   C1*C2 + C3*~C4 without noise, so ~10,000 rows are all positive: the complex chart has
//!   ~9,000 implicants and its minimum covers are found through the reduced chart
//!   (docs/methods.md §4.5; target < 10 s).
//! * `uniform`: every membership uniform in [0, 1], so nearly every case has its own row
//!   (~10,000 observed rows); measures the truth table alone (consistency and PRI of
//!   every row summed over all 10,000 cases). Minimizing such data is not meaningful
//!   (every row is its own configuration).
//! * `k14_intermediate`: the clustered design with 14 conditions, where the simplifying
//!   assumptions and the intermediate solution are computed.

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use toe::engine::fsqca::{analyse, truth_table, Expectation, FsqcaOptions};

#[path = "../tests/integration/generate.rs"]
mod generate;
use generate::{clustered, uniform, uniform_positive};

fn options(k: usize) -> FsqcaOptions {
    FsqcaOptions {
        incl_cut: 0.8,
        expectations: Some(vec![Expectation::Presence; k]),
        ..FsqcaOptions::default()
    }
}

fn three_solutions(k: usize) -> FsqcaOptions {
    FsqcaOptions {
        csa: false,
        ..options(k)
    }
}

fn describe(label: &str, r: &toe::engine::fsqca::FsqcaResult) {
    eprintln!(
        "{label}: {} observed rows, {} complex PIs / {} models, {} parsimonious PIs / {} models, {} intermediate pairs ({} PIs, {} models in the first), SA {:?}, EC {:?}",
        r.truth_table.rows.len(),
        r.complex.prime_implicants.len(),
        r.complex.models.len(),
        r.parsimonious.prime_implicants.len(),
        r.parsimonious.models.len(),
        r.intermediate.len(),
        r.intermediate.first().map_or(0, |i| i.solution.prime_implicants.len()),
        r.intermediate.first().map_or(0, |i| i.solution.models.len()),
        r.simplifying_assumptions_count,
        r.intermediate
            .iter()
            .map(|i| i.easy_counterfactuals_count)
            .collect::<Vec<_>>()
    );
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("fsqca");
    g.sample_size(10);

    let inp = clustered(20, 10_000, 200, 42);
    let r = analyse(&inp, &three_solutions(20)).unwrap();
    assert!(!r.intermediate.is_empty());
    describe("clustered k=20", &r);
    g.bench_function("clustered_k20_n10000_three_solutions", |b| {
        b.iter(|| analyse(black_box(&inp), &three_solutions(20)).unwrap())
    });
    g.bench_function("clustered_k20_n10000_default_options", |b| {
        b.iter(|| analyse(black_box(&inp), &options(20)).unwrap())
    });

    // nearly one row per case, all positive: the complex chart has ~9,000 implicants
    let inp = uniform_positive(20, 10_000);
    let r = analyse(&inp, &three_solutions(20)).unwrap();
    describe("uniform positive k=20", &r);
    g.bench_function("uniform_positive_k20_n10000_three_solutions", |b| {
        b.iter(|| analyse(black_box(&inp), &three_solutions(20)).unwrap())
    });

    let inp = uniform(20, 10_000, 7);
    let opts = FsqcaOptions {
        incl_cut: 0.8,
        ..FsqcaOptions::default()
    };
    let data = truth_table::Data::new(&inp).unwrap();
    let tt = truth_table::build(&data, false, &opts);
    eprintln!("uniform k=20: {} observed rows", tt.rows.len());
    g.bench_function("uniform_k20_n10000_truth_table", |b| {
        b.iter(|| {
            let data = truth_table::Data::new(black_box(&inp)).unwrap();
            truth_table::build(&data, false, &opts)
        })
    });

    for k in [14, 17, 19] {
        let inp = clustered(k, 10_000, 200, 42);
        let r = analyse(&inp, &options(k)).unwrap();
        describe(&format!("clustered k={k}"), &r);
        g.bench_function(format!("clustered_k{k}_n10000_with_intermediate"), |b| {
            b.iter(|| analyse(black_box(&inp), &options(k)).unwrap())
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
