//! The cube-based intermediate solution (docs/methods.md §4.3, §4.5).
//!
//! * On random crisp problems (6–10 conditions, some multi-value), the cube path and the
//!   QMC path (both forced) give the same PI sets, the same models (as sets of PIs), the
//!   same easy / difficult counterfactuals and counts.
//! * A 20-condition problem with expectations gets an intermediate solution (QCA 3.23
//!   gives none: documented departure) whose models cover every positive row and whose
//!   terms lie inside positive rows ∪ R (R the union of the `res` terms), checked by exact
//!   cube counting and by sampling.
//! * 30 conditions with expectations finish quickly (no 2^k or 3^k enumeration).

use std::collections::BTreeSet;
use std::time::Instant;

use toe::engine::fsqca::cubes::Space;
use toe::engine::fsqca::implicants::covers;
use toe::engine::fsqca::intermediate::easy_terms;
use toe::engine::fsqca::{
    analyse, analyse_with, Expectation, FsqcaInput, FsqcaOptions, FsqcaResult, Minimizer, Out,
    Solution,
};

use crate::generate::{clustered, Lcg};

/// A crisp problem: distinct configurations (one case each), positive when they match
/// one of a few random terms of two or three literals (as real data, where the outcome
/// has a structure; unstructured outcomes can have 10^5 parsimonious models).
fn crisp_problem(rng: &mut Lcg, levels: &[u32], nrows: usize) -> FsqcaInput {
    let k = levels.len();
    let terms: Vec<Vec<(usize, u32)>> = (0..2 + rng.below(2))
        .map(|_| {
            (0..2 + rng.below(2))
                .map(|_| {
                    let j = rng.below(k as u64) as usize;
                    (j, rng.below(levels[j] as u64) as u32)
                })
                .collect()
        })
        .collect();
    let mut seen = BTreeSet::new();
    let mut rows: Vec<(Vec<u32>, f64)> = Vec::new();
    for _ in 0..nrows * 4 {
        if rows.len() >= nrows {
            break;
        }
        let cfg: Vec<u32> = levels.iter().map(|l| rng.below(*l as u64) as u32).collect();
        if seen.insert(cfg.clone()) {
            let hit = terms.iter().any(|t| t.iter().all(|(j, v)| cfg[*j] == *v));
            let y = if hit { 1.0 } else { 0.0 };
            rows.push((cfg, y));
        }
    }
    // make sure the multi-value columns show their top level
    for (j, l) in levels.iter().enumerate() {
        if *l > 2 && !rows.iter().any(|(c, _)| c[j] == l - 1) {
            let mut c = rows[0].0.clone();
            c[j] = l - 1;
            if seen.insert(c.clone()) {
                rows.push((c, 0.0));
            }
        }
    }
    FsqcaInput {
        conditions: (1..=k).map(|j| format!("C{j}")).collect(),
        memberships: (0..k)
            .map(|j| rows.iter().map(|(c, _)| c[j] as f64).collect())
            .collect(),
        outcome_name: "Y".into(),
        outcome: rows.iter().map(|(_, y)| *y).collect(),
        cases: (1..=rows.len()).map(|i| format!("c{i}")).collect(),
    }
}

fn random_expectation(rng: &mut Lcg, levels: u32) -> Expectation {
    if levels > 2 {
        return match rng.below(3) {
            0 => Expectation::None,
            1 => Expectation::Levels(vec![levels - 1]),
            _ => Expectation::Levels(vec![0, 1]),
        };
    }
    match rng.below(6) {
        0 => Expectation::None,
        1 => Expectation::Either,
        2 | 3 => Expectation::Presence,
        _ => Expectation::Absence,
    }
}

fn pi_set(s: &Solution) -> BTreeSet<Vec<u32>> {
    s.prime_implicants
        .iter()
        .map(|p| p.implicant.clone())
        .collect()
}

fn model_sets(s: &Solution) -> BTreeSet<BTreeSet<Vec<u32>>> {
    s.models
        .iter()
        .map(|m| {
            m.pi_indices
                .iter()
                .map(|i| s.prime_implicants[*i].implicant.clone())
                .collect()
        })
        .collect()
}

#[test]
fn cube_path_equals_qmc_path_on_random_problems() {
    let mut rng = Lcg(2024);
    let mut problems = 0;
    let mut pairs = 0;
    let mut same_order = 0;
    let mut with_ec = 0;
    let mut skipped = 0;
    for t in 0..160 {
        let k = 6 + (t % 5);
        let mut levels = vec![2u32; k];
        if t % 4 == 3 {
            // multi-value: one or two three-level conditions
            levels[0] = 3;
            if t % 8 == 7 {
                levels[k - 1] = 3;
            }
        }
        let nrows = 8 + rng.below(24) as usize;
        let input = crisp_problem(&mut rng, &levels, nrows);
        let exp: Vec<Expectation> = levels
            .iter()
            .map(|l| random_expectation(&mut rng, *l))
            .collect();
        let opts = FsqcaOptions {
            expectations: Some(exp),
            all_sol: t % 10 == 5, // k = 6 (Petrick grows fast)
            ..FsqcaOptions::default()
        };
        let a = analyse(&input, &opts).unwrap();
        if a.intermediate.len() > 300 {
            // thousands of (C,P) pairs: too slow for a test, nothing new to compare
            skipped += 1;
            continue;
        }
        let q = analyse_with(&input, &opts, Minimizer::Qmc).unwrap();
        let c = analyse_with(&input, &opts, Minimizer::Cubes).unwrap();
        assert_eq!(q.intermediate.len(), c.intermediate.len());
        assert_eq!(q.simplifying_assumptions, c.simplifying_assumptions);
        // Auto is the QMC path on problems this small: identical output
        assert_eq!(a.intermediate, q.intermediate, "problem {t}: Auto ≠ QMC");
        problems += 1;
        for (iq, ic) in q.intermediate.iter().zip(&c.intermediate) {
            pairs += 1;
            assert_eq!(iq.from, ic.from);
            assert_eq!(
                pi_set(&iq.solution),
                pi_set(&ic.solution),
                "problem {t} {}: PI sets",
                iq.from
            );
            assert_eq!(
                model_sets(&iq.solution),
                model_sets(&ic.solution),
                "problem {t} {}: models",
                iq.from
            );
            assert_eq!(iq.easy_counterfactuals, ic.easy_counterfactuals);
            assert_eq!(iq.difficult_counterfactuals, ic.difficult_counterfactuals);
            assert_eq!(iq.easy_counterfactuals_count, ic.easy_counterfactuals_count);
            assert_eq!(
                iq.difficult_counterfactuals_count,
                ic.difficult_counterfactuals_count
            );
            assert_eq!(iq.counterfactuals_listed, ic.counterfactuals_listed);
            if iq.counterfactuals_listed {
                assert_eq!(
                    iq.easy_counterfactuals_count,
                    iq.easy_counterfactuals.len() as u128
                );
                assert_eq!(
                    iq.difficult_counterfactuals_count,
                    iq.difficult_counterfactuals.len() as u128
                );
            }
            if !iq.easy_counterfactuals.is_empty() {
                with_ec += 1;
            }
            let order = |s: &Solution| -> Vec<String> {
                s.prime_implicants.iter().map(|p| p.expr.clone()).collect()
            };
            if order(&iq.solution) == order(&ic.solution) {
                same_order += 1;
            }
        }
    }
    println!(
        "{problems} problems ({skipped} skipped: > 300 pairs), {pairs} (C,P) pairs ({with_ec} with easy counterfactuals): same PI sets and models; same PI order in {same_order}"
    );
    assert!(pairs >= 150 && with_ec >= 50);
}

fn options(k: usize) -> FsqcaOptions {
    let exp = (0..k)
        .map(|j| {
            if j == 3 {
                Expectation::Absence
            } else {
                Expectation::Presence
            }
        })
        .collect();
    FsqcaOptions {
        incl_cut: 0.8,
        expectations: Some(exp),
        ..FsqcaOptions::default()
    }
}

/// Every model covers every positive row and no negative row; every term lies inside
/// positive rows ∪ R (exact: |term ∩ F| = |term| by cube counting; and by sampling).
fn check_intermediate(r: &FsqcaResult, opts: &FsqcaOptions) -> usize {
    let tt = &r.truth_table;
    let weights: Vec<u128> = {
        let mut w = vec![1u128; tt.levels.len()];
        for j in (0..tt.levels.len().saturating_sub(1)).rev() {
            w[j] = w[j + 1] * tt.levels[j + 1] as u128;
        }
        w
    };
    let space = Space::new(&tt.levels, &weights).unwrap();
    let pos: Vec<&Vec<u32>> = tt
        .rows
        .iter()
        .filter(|x| x.out == Out::One)
        .map(|x| &x.config)
        .collect();
    let neg: Vec<&Vec<u32>> = tt
        .rows
        .iter()
        .filter(|x| matches!(x.out, Out::Zero | Out::Contradiction))
        .map(|x| &x.config)
        .collect();
    assert!(!pos.is_empty());
    assert!(!r.intermediate.is_empty());
    let exp = opts.expectations.as_ref().unwrap();
    let mut rng = Lcg(5);
    let mut terms = 0;
    for i in &r.intermediate {
        let cm = &r.complex.models[i.complex_model];
        let pm = &r.parsimonious.models[i.parsimonious_model];
        let cpis: Vec<&Vec<u32>> = cm
            .pi_indices
            .iter()
            .map(|p| &r.complex.prime_implicants[*p].implicant)
            .collect();
        let ppis: Vec<&Vec<u32>> = pm
            .pi_indices
            .iter()
            .map(|p| &r.parsimonious.prime_implicants[*p].implicant)
            .collect();
        let res = easy_terms(&cpis, &ppis, exp);
        let mut f: Vec<_> = res.iter().map(|t| space.cube(t)).collect();
        f.extend(pos.iter().map(|c| space.minterm(c)));
        assert!(!i.solution.models.is_empty(), "{}: no model", i.from);
        for m in &i.solution.models {
            let imps: Vec<&Vec<u32>> = m
                .pi_indices
                .iter()
                .map(|p| &i.solution.prime_implicants[*p].implicant)
                .collect();
            for p in &pos {
                assert!(imps.iter().any(|t| covers(t, p)), "positive row uncovered");
            }
            for q in &neg {
                assert!(!imps.iter().any(|t| covers(t, q)), "negative row covered");
            }
        }
        for pi in &i.solution.prime_implicants {
            terms += 1;
            let t = space.cube(&pi.implicant);
            let inside: Vec<_> = f.iter().filter_map(|c| c.intersect(&t)).collect();
            assert_eq!(space.count(&inside), space.count(&[t]), "{} ⊄ F", pi.expr);
            // sampling: random configurations of the term are in pos ∪ R
            for _ in 0..50 {
                let cfg: Vec<u32> = pi
                    .implicant
                    .iter()
                    .zip(&tt.levels)
                    .map(|(v, l)| {
                        if *v == 0 {
                            rng.below(*l as u64) as u32
                        } else {
                            v - 1
                        }
                    })
                    .collect();
                assert!(
                    pos.iter().any(|p| **p == cfg) || res.iter().any(|t| covers(t, &cfg)),
                    "{}: sampled configuration outside F",
                    pi.expr
                );
            }
        }
        // counts are consistent: EC + DC = SA of the parsimonious model
        assert_eq!(
            i.easy_counterfactuals_count + i.difficult_counterfactuals_count,
            r.simplifying_assumptions_count[i.parsimonious_model]
        );
    }
    terms
}

#[test]
fn twenty_conditions_get_an_intermediate_solution() {
    let k = 20;
    let input = clustered(k, 600, 40, 11);
    let opts = options(k);
    let t = Instant::now();
    let r = analyse(&input, &opts).unwrap();
    let el = t.elapsed();
    assert!(r.sa_computed);
    let terms = check_intermediate(&r, &opts);
    // the forced cube path gives the same result (Auto uses it above 19 conditions)
    let c = analyse_with(&input, &opts, Minimizer::Cubes).unwrap();
    assert_eq!(c.intermediate, r.intermediate);
    println!(
        "k = 20: {} pairs, {terms} PIs checked, SA {:?} (listed {}), EC {:?}, in {el:?}",
        r.intermediate.len(),
        r.simplifying_assumptions_count,
        r.simplifying_assumptions_listed,
        r.intermediate
            .iter()
            .map(|i| i.easy_counterfactuals_count)
            .collect::<Vec<_>>()
    );
}

#[test]
fn thirty_conditions_with_expectations_finish() {
    let k = 30;
    let input = clustered(k, 300, 30, 3);
    let opts = options(k);
    let t = Instant::now();
    let r = analyse(&input, &opts).unwrap();
    let el = t.elapsed();
    let terms = check_intermediate(&r, &opts);
    assert!(r.contradictory_simplifying_assumptions.is_none());
    assert!(r.contradictory_simplifying_assumptions_note.is_some());
    println!(
        "k = 30: {} pairs, {terms} PIs, SA {:?}, in {el:?}",
        r.intermediate.len(),
        r.simplifying_assumptions_count
    );
    assert!(el.as_secs_f64() < 20.0, "k = 30 took {el:?}");
}
