//! Timing of one analysis on the clustered benchmark design: `cargo run --release
//! --example fsqca_timing -- K [N] [PROTOTYPES]`.

use std::time::Instant;
use toe::engine::fsqca::{analyse, Expectation, FsqcaOptions};

#[path = "../tests/integration/generate.rs"]
mod generate;
use generate::{clustered, uniform_positive};

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("number"))
        .collect();
    let k = args.first().copied().unwrap_or(17);
    let n = args.get(1).copied().unwrap_or(10_000);
    let protos = args.get(2).copied().unwrap_or(200);
    // PROTOTYPES = 0: every membership uniform in [0, 1] (nearly one row per case)
    let inp = if protos == 0 {
        uniform_positive(k, n)
    } else {
        clustered(k, n, protos, 42)
    };
    let opts = FsqcaOptions {
        incl_cut: 0.8,
        expectations: Some(vec![Expectation::Presence; k]),
        ..FsqcaOptions::default()
    };
    let t = Instant::now();
    let r = analyse(&inp, &opts).expect("analysis");
    let el = t.elapsed();
    println!(
        "k={k} n={n}: {:.3} s; {} rows, {} pos, complex {} PIs/{} models, pars {} PIs/{} models, {} intermediate pairs",
        el.as_secs_f64(),
        r.truth_table.rows.len(),
        r.truth_table.rows.iter().filter(|x| x.out == toe::engine::fsqca::Out::One).count(),
        r.complex.prime_implicants.len(),
        r.complex.models.len(),
        r.parsimonious.prime_implicants.len(),
        r.parsimonious.models.len(),
        r.intermediate.len()
    );
    println!(
        "  SA {:?} listed {}; CSA {:?} {:?}",
        r.simplifying_assumptions_count,
        r.simplifying_assumptions_listed,
        r.contradictory_simplifying_assumptions_count,
        r.contradictory_simplifying_assumptions_note
    );
    for i in &r.intermediate {
        println!(
            "  {}: EC {} DC {} (listed: {}), {} PIs, {} models, M1 = {}",
            i.from,
            i.easy_counterfactuals_count,
            i.difficult_counterfactuals_count,
            i.counterfactuals_listed,
            i.solution.prime_implicants.len(),
            i.solution.models.len(),
            i.solution
                .models
                .first()
                .map(|m| m.expression.as_str())
                .unwrap_or("-")
        );
    }
}
