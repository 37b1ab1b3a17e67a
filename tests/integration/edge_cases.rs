//! Edge cases of the fsQCA engine: no positive row, every row positive, all remainders,
//! one case, zero cases, 0.5 memberships, 30 conditions accepted (with an intermediate
//! solution) and 31 refused, invalid input. None may panic.

use toe::engine::fsqca::{analyse, Expectation, FsqcaError, FsqcaInput, FsqcaOptions, Out};

fn input(cols: Vec<Vec<f64>>, y: Vec<f64>) -> FsqcaInput {
    let n = y.len();
    FsqcaInput {
        conditions: (0..cols.len()).map(|j| format!("C{}", j + 1)).collect(),
        memberships: cols.into_iter().map(Into::into).collect(),
        outcome_name: "Y".into(),
        outcome: y.into(),
        cases: (0..n).map(|i| format!("c{}", i + 1)).collect(),
    }
}

fn with_exp(k: usize) -> FsqcaOptions {
    FsqcaOptions {
        expectations: Some(vec![Expectation::Presence; k]),
        ..FsqcaOptions::default()
    }
}

#[test]
fn no_positive_row() {
    let inp = input(
        vec![vec![0.0, 1.0, 1.0], vec![1.0, 0.0, 1.0]],
        vec![0.0, 0.0, 0.0],
    );
    let r = analyse(&inp, &with_exp(2)).unwrap();
    assert_eq!(r.truth_table.rows.len(), 3);
    assert!(r.truth_table.rows.iter().all(|row| row.out == Out::Zero));
    assert!(r.complex.models.is_empty());
    assert!(r.complex.prime_implicants.is_empty());
    assert!(r.parsimonious.models.is_empty());
    assert!(r.intermediate.is_empty());
    assert!(r.simplifying_assumptions.is_empty());
    assert_eq!(r.contradictory_simplifying_assumptions, Some(vec![]));
}

#[test]
fn every_row_positive() {
    // all four configurations observed and positive: both solutions are the tautology "1"
    let inp = input(
        vec![vec![0.0, 0.0, 1.0, 1.0], vec![0.0, 1.0, 0.0, 1.0]],
        vec![1.0; 4],
    );
    let r = analyse(&inp, &with_exp(2)).unwrap();
    assert!(r.truth_table.rows.iter().all(|row| row.out == Out::One));
    assert_eq!(r.complex.models.len(), 1);
    assert_eq!(r.complex.models[0].expression, "1");
    assert_eq!(r.parsimonious.models[0].expression, "1");
    assert_eq!(r.parsimonious.models[0].coverage, 1.0);
    assert_eq!(r.simplifying_assumptions, vec![vec![]]);
    assert_eq!(r.intermediate.len(), 1);
    assert_eq!(r.intermediate[0].solution.models[0].expression, "1");

    // only some rows observed, all positive: parsimonious "1", complex the observed rows
    let inp = input(vec![vec![0.0, 1.0], vec![0.0, 1.0]], vec![1.0, 1.0]);
    let r = analyse(&inp, &with_exp(2)).unwrap();
    assert_eq!(r.parsimonious.models[0].expression, "1");
    assert_eq!(r.complex.models[0].expression, "C1*C2 + ~C1*~C2");
    // SA: the two unobserved rows
    let sa: Vec<u128> = r.simplifying_assumptions[0].iter().map(|s| s.row).collect();
    assert_eq!(sa, vec![2, 3]);
}

#[test]
fn all_remainders() {
    // n.cut above every row's frequency: every observed row is a remainder
    let inp = input(vec![vec![0.0, 1.0, 1.0]], vec![1.0, 0.0, 1.0]);
    let opts = FsqcaOptions {
        n_cut: 5,
        ..with_exp(1)
    };
    let r = analyse(&inp, &opts).unwrap();
    assert!(r
        .truth_table
        .rows
        .iter()
        .all(|row| row.out == Out::Remainder));
    assert_eq!(r.truth_table.rows[1].out_before_ncut, Out::Zero);
    assert!(r.complex.models.is_empty() && r.parsimonious.models.is_empty());
    assert!(r.intermediate.is_empty());
}

#[test]
fn one_case() {
    let inp = input(vec![vec![0.8], vec![0.3]], vec![0.9]);
    let r = analyse(&inp, &with_exp(2)).unwrap();
    assert_eq!(r.truth_table.rows.len(), 1);
    let row = &r.truth_table.rows[0];
    assert_eq!(row.row, 3); // C1 = 1, C2 = 0
    assert_eq!(row.n, 1);
    assert_eq!(row.out, Out::One);
    assert_eq!(r.complex.models[0].expression, "C1*~C2");
    assert_eq!(r.parsimonious.models[0].expression, "1");
    // one-term model: unique coverage is null
    assert_eq!(r.complex.models[0].terms[0].unique_coverage, None);
    let cases: Vec<Vec<&str>> = r.complex.models[0].terms[0]
        .cases
        .iter()
        .map(|g| toe::engine::fsqca::names(&r.cases, g))
        .collect();
    assert_eq!(cases, vec![vec!["c1"]]);
}

#[test]
fn zero_cases() {
    let inp = input(vec![vec![], vec![]], vec![]);
    let r = analyse(&inp, &with_exp(2)).unwrap();
    assert!(r.truth_table.rows.is_empty());
    assert_eq!(r.truth_table.n_remainders, 4);
    assert!(r.complex.models.is_empty() && r.parsimonious.models.is_empty());
    assert!(r.necessity.iter().all(|n| n.consistency.is_nan()));
}

#[test]
fn half_membership_counted_in_no_row() {
    let inp = input(vec![vec![0.5, 0.9, 0.2]], vec![0.7, 0.8, 0.1]);
    let r = analyse(&inp, &FsqcaOptions::default()).unwrap();
    assert_eq!(r.half_membership_cases, vec!["c1".to_string()]);
    let row0 = &r.truth_table.rows[0];
    assert_eq!(row0.row, 1);
    assert_eq!(row0.n, 1); // only c3
    assert_eq!(toe::engine::fsqca::names(&r.cases, &row0.cases), vec!["c3"]);
}

#[test]
fn thirty_conditions_accepted() {
    let k = 30;
    let n = 24;
    let mut rng = crate::generate::Lcg(7);
    let cols: Vec<Vec<f64>> = (0..k)
        .map(|_| (0..n).map(|_| rng.below(2) as f64).collect())
        .collect();
    let y: Vec<f64> = (0..n)
        .map(|i| (cols[0][i] * cols[1][i]).max(cols[2][i]))
        .collect();
    let r = analyse(&inp_named(cols, y), &with_exp(k)).unwrap();
    // QCA 3.23 computes no SA / intermediate solution here (3^30 ≥ 2^31); this engine
    // does (documented departure), counting the SA without listing 2^30 configurations.
    // The CSA keep the reference's rule: not computed, with a note.
    assert!(r.sa_computed);
    assert!(!r.intermediate.is_empty());
    assert!(r.contradictory_simplifying_assumptions.is_none());
    assert!(r.contradictory_simplifying_assumptions_count.is_none());
    assert!(r.contradictory_simplifying_assumptions_note.is_some());
    assert!(!r.simplifying_assumptions_listed);
    assert!(r.simplifying_assumptions_count.iter().all(|c| *c > 100_000));
    assert_eq!(
        r.truth_table.n_remainders,
        (1u128 << 30) - r.truth_table.rows.len() as u128
    );
    assert!(r.truth_table.rows.iter().all(|row| row.row <= 1 << 30));
    assert!(!r.parsimonious.models.is_empty());
    // every parsimonious model covers every positive row and no negative row
    for m in &r.parsimonious.models {
        assert_eq!(m.consistency, 1.0);
        assert_eq!(m.coverage, 1.0);
    }
    for m in &r.complex.models {
        assert_eq!(m.consistency, 1.0);
        assert_eq!(m.coverage, 1.0);
    }
}

fn inp_named(cols: Vec<Vec<f64>>, y: Vec<f64>) -> FsqcaInput {
    input(cols, y)
}

#[test]
fn invalid_input_is_an_error() {
    let cols: Vec<Vec<f64>> = (0..31).map(|_| vec![0.0, 1.0]).collect();
    assert_eq!(
        analyse(&input(cols, vec![0.0, 1.0]), &FsqcaOptions::default()),
        Err(FsqcaError::TooManyConditions(31))
    );
    assert_eq!(
        analyse(&input(vec![], vec![0.0]), &FsqcaOptions::default()),
        Err(FsqcaError::NoConditions)
    );
    assert!(matches!(
        analyse(
            &input(vec![vec![0.0]], vec![0.0, 1.0]),
            &FsqcaOptions::default()
        ),
        Err(FsqcaError::LengthMismatch(..))
    ));
    assert!(matches!(
        analyse(
            &input(vec![vec![f64::NAN]], vec![0.0]),
            &FsqcaOptions::default()
        ),
        Err(FsqcaError::InvalidValue(..))
    ));
    assert!(matches!(
        analyse(&input(vec![vec![0.2]], vec![1.5]), &FsqcaOptions::default()),
        Err(FsqcaError::InvalidValue(..))
    ));
    assert!(matches!(
        analyse(&input(vec![vec![0.2]], vec![0.5]), &with_exp(2)),
        Err(FsqcaError::ExpectationLength(2, 1))
    ));
}

/// The intermediate solutions of the (complex, parsimonious) model pairs stop at a number of
/// models in all (10,000 by default: 1,000 complex models × 2 parsimonious ones, each pair
/// with up to 1,000 models, took gigabytes), and the result says how many pairs there were.
/// Here the limit is 1 on problems with several pairs: the first pair alone is solved, as
/// it is without the limit.
#[test]
fn intermediate_solutions_stop_at_the_limit_of_models() {
    use super::generate::clustered;
    let mut seen = 0;
    for seed in 0..300 {
        let inp = clustered(5, 60, 6, seed);
        let opts = FsqcaOptions {
            incl_cut: 0.8,
            ..with_exp(5)
        };
        let Ok(all) = analyse(&inp, &opts) else {
            continue;
        };
        if all.intermediate_pairs < 2 {
            continue;
        }
        assert_eq!(
            all.intermediate.len(),
            all.intermediate_pairs,
            "no limit reached"
        );
        let limited = analyse(
            &inp,
            &FsqcaOptions {
                intermediate_models_limit: 1,
                ..opts
            },
        )
        .expect("the same problem");
        assert_eq!(limited.intermediate_pairs, all.intermediate_pairs);
        assert_eq!(limited.intermediate.len(), 1, "seed {seed}");
        assert_eq!(limited.intermediate[0], all.intermediate[0]);
        seen += 1;
        if seen == 3 {
            break;
        }
    }
    assert_eq!(seen, 3, "three problems with several model pairs");
}
