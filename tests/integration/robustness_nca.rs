//! Robustness of the NCA engine: degenerate inputs never panic, undefined
//! values are marked, the permutation test does not depend on the number of
//! threads, and the verdict / label helpers follow docs/methods.md §3.3; a ceiling without a slope
//! gives "NN" bottlenecks (a named departure, docs/methods.md §9).

use toe::engine::nca::*;

const ALL: [Ceiling; 8] = [
    Ceiling::Ols,
    Ceiling::CeFdh,
    Ceiling::CrFdh,
    Ceiling::CLp,
    Ceiling::Qr,
    Ceiling::CeVrs,
    Ceiling::CrVrs,
    Ceiling::Cols,
];

fn opts_all(corner: u8, perms: usize) -> NcaOptions {
    NcaOptions {
        ceilings: ALL.to_vec(),
        corner,
        permutations: perms,
        seed: Some(7),
        qr_tau: 0.95,
        ..NcaOptions::default()
    }
}

use crate::generate::nca_data as data;

fn all_tables(r: &NcaResult, y: &[f64]) {
    for c in &r.ceilings {
        if c.ceiling.is_reference_only() {
            continue;
        }
        for cutoff in 0..=2 {
            for unit in [
                BottleneckUnit::PercentageRange,
                BottleneckUnit::PercentageMax,
                BottleneckUnit::Actual,
                BottleneckUnit::Percentile,
            ] {
                let spec = BottleneckSpec {
                    x: unit,
                    y: unit,
                    steps: Steps::Count(10),
                    cutoff,
                };
                let t = bottleneck_table(&[r], &c.ceiling, y, &spec).expect("table");
                assert_eq!(t.columns[0].cells.len(), t.levels.actual.len());
                assert_eq!(t.columns[0].cells.len(), t.levels.actual.len());
            }
        }
    }
}

#[test]
fn empty_input_is_an_error() {
    let e = analyse(&[], &[], &NcaOptions::default()).unwrap_err();
    assert_eq!(e, NcaError::NoCases);
    assert!(!e.to_string().is_empty());
}

#[test]
fn all_missing_is_an_error() {
    let x = [f64::NAN, 1.0, f64::NAN];
    let y = [1.0, f64::NAN, f64::NAN];
    assert_eq!(
        analyse(&x, &y, &opts_all(1, 10)).unwrap_err(),
        NcaError::NoCases
    );
}

#[test]
fn nan_pairs_are_dropped_and_reported() {
    let x = [1.0, 2.0, f64::NAN, 4.0, 5.0];
    let y = [1.0, 3.0, 2.0, f64::NAN, 5.0];
    let r = analyse(&x, &y, &opts_all(1, 20)).unwrap();
    assert_eq!(r.n, 3);
    assert!(r.notes.iter().any(|n| n.contains("2 incomplete")));
    // peers refer to positions in the caller's input
    let fdh = r.ceiling(&Ceiling::CeFdh).unwrap();
    assert!(fdh.peers.iter().all(|p| [0usize, 1, 4].contains(&p.index)));
}

#[test]
fn infinite_values_and_bad_arguments_are_errors() {
    assert_eq!(
        analyse(&[1.0, f64::INFINITY], &[1.0, 2.0], &NcaOptions::default()).unwrap_err(),
        NcaError::NonFinite
    );
    assert!(matches!(
        analyse(&[1.0, 2.0], &[1.0], &NcaOptions::default()).unwrap_err(),
        NcaError::LengthMismatch { x: 2, y: 1 }
    ));
    let o = NcaOptions {
        corner: 5,
        ..NcaOptions::default()
    };
    assert_eq!(
        analyse(&[1.0, 2.0], &[1.0, 2.0], &o).unwrap_err(),
        NcaError::BadCorner(5)
    );
}

#[test]
fn single_case() {
    for corner in 1..=4 {
        let r = analyse(&[0.3], &[0.7], &opts_all(corner, 50)).unwrap();
        assert_eq!(r.n, 1);
        assert_eq!(r.scope, 0.0);
        for c in &r.ceilings {
            assert!(c.effect_size.is_nan(), "{:?}", c.ceiling);
            assert!(!c.effect_defined);
            if !c.ceiling.is_reference_only() {
                assert_eq!(c.p_value, None);
            }
        }
        assert!(r.notes.iter().any(|n| n.contains("undefined")));
        // 1! = 1 permutation
        assert_eq!(r.test.as_ref().unwrap().rep, 1);
        all_tables(&r, &[0.7]);
    }
}

#[test]
fn constant_condition() {
    let x = vec![2.0; 30];
    let (_, y) = data(30, 3);
    for corner in 1..=4 {
        let r = analyse(&x, &y, &opts_all(corner, 100)).unwrap();
        assert_eq!(r.scope, 0.0);
        for c in &r.ceilings {
            assert!(c.effect_size.is_nan());
            assert!(!c.effect_defined);
            assert!(c.p_value.is_none());
        }
        all_tables(&r, &y);
    }
}

#[test]
fn constant_outcome() {
    let (x, _) = data(30, 4);
    let y = vec![0.5; 30];
    for corner in 1..=4 {
        let r = analyse(&x, &y, &opts_all(corner, 100)).unwrap();
        assert_eq!(r.scope, 0.0);
        assert!(r.ceilings.iter().all(|c| c.effect_size.is_nan()));
        all_tables(&r, &y);
    }
}

#[test]
fn all_values_equal() {
    let x = vec![1.0; 12];
    let y = vec![1.0; 12];
    for corner in 1..=4 {
        let r = analyse(&x, &y, &opts_all(corner, 30)).unwrap();
        assert!(r.ceilings.iter().all(|c| c.effect_size.is_nan()));
        // every duplicate of the single peer is kept, complexity 1
        let fdh = r.ceiling(&Ceiling::CeFdh).unwrap();
        assert_eq!(fdh.peers.len(), 12);
        assert_eq!(fdh.complexity, 1);
        all_tables(&r, &y);
    }
}

#[test]
fn ties_everywhere() {
    let x: Vec<f64> = (0..40).map(|i| (i % 2) as f64).collect();
    let y: Vec<f64> = (0..40).map(|i| ((i / 2) % 2) as f64).collect();
    for corner in 1..=4 {
        let r = analyse(&x, &y, &opts_all(corner, 200)).unwrap();
        for c in &r.ceilings {
            let d = c.effect_size;
            assert!(d.is_nan() || (-1e-12..=1.0 + 1e-12).contains(&d), "{d}");
            if let Some(p) = c.p_value {
                assert!((0.0..=1.0).contains(&p));
            }
        }
        all_tables(&r, &y);
    }
}

#[test]
fn two_cases_and_small_samples() {
    for n in 2..8 {
        let (x, y) = data(n, n as u64);
        for corner in 1..=4 {
            let r = analyse(&x, &y, &opts_all(corner, 1000)).unwrap();
            // fewer than 16 cases: at most n! permutations, all distinct
            let t = r.test.as_ref().unwrap();
            let f: usize = (1..=n).product();
            assert_eq!(t.rep, f.min(1000));
            all_tables(&r, &y);
        }
    }
}

#[test]
fn random_data_all_corners_and_scopes() {
    for seed in 0..20 {
        let (x, y) = data(60, seed);
        for corner in 1..=4 {
            let mut o = opts_all(corner, 0);
            if seed % 2 == 0 {
                o.scope = Some([-0.5, f64::NAN, -0.25, 1.5]);
            }
            let r = analyse(&x, &y, &o).unwrap();
            for c in &r.ceilings {
                let d = c.effect_size;
                assert!(d.is_nan() || (-1e-9..=1.0 + 1e-9).contains(&d));
            }
            all_tables(&r, &y);
        }
    }
}

#[test]
fn hand_computed_small_example() {
    // peers (1,1) (2,3) (4,4); zone = (2−1)(3−1) + (4−1)(4−3) = 5; area 9
    let x = [1.0, 2.0, 3.0, 4.0];
    let y = [1.0, 3.0, 2.0, 4.0];
    let r = analyse(&x, &y, &NcaOptions::default()).unwrap();
    let fdh = r.ceiling(&Ceiling::CeFdh).unwrap();
    assert_eq!(fdh.ceiling_zone, 5.0);
    assert!((fdh.effect_size - 5.0 / 9.0).abs() < 1e-15);
    let idx: Vec<usize> = fdh.peers.iter().map(|p| p.index).collect();
    assert_eq!(idx, vec![0, 1, 3]);
    assert_eq!(fdh.condition_ineff, 0.0);
    assert_eq!(fdh.outcome_ineff, 0.0);
    // CR-FDH = OLS through the peers: slope 13/14, intercept 1/2
    let cr = r.ceiling(&Ceiling::CrFdh).unwrap();
    assert!((cr.slope.unwrap() - 13.0 / 14.0).abs() < 1e-14);
    assert!((cr.intercept.unwrap() - 0.5).abs() < 1e-14);
    assert_eq!(effect_label(fdh.effect_size), EffectLabel::VeryLarge);
}

#[test]
fn verdict_and_labels() {
    assert!(is_necessary(0.2, Some(0.01), 0.1, 0.05));
    assert!(is_necessary(0.1, Some(0.05), 0.1, 0.05));
    assert!(!is_necessary(0.09, Some(0.01), 0.1, 0.05));
    assert!(!is_necessary(0.3, Some(0.06), 0.1, 0.05));
    assert!(!is_necessary(f64::NAN, Some(0.0), 0.1, 0.05));
    assert!(is_necessary(0.3, None, 0.1, 0.05));
    assert_eq!(effect_label(0.0), EffectLabel::Small);
    assert_eq!(effect_label(0.099), EffectLabel::Small);
    assert_eq!(effect_label(0.1), EffectLabel::Medium);
    assert_eq!(effect_label(0.299), EffectLabel::Medium);
    assert_eq!(effect_label(0.3), EffectLabel::Large);
    assert_eq!(effect_label(0.5), EffectLabel::VeryLarge);
    assert_eq!(effect_label(f64::NAN), EffectLabel::Undefined);
    assert_eq!(EffectLabel::VeryLarge.to_string(), "very large");

    let (x, y) = data(80, 11);
    let o = NcaOptions {
        permutations: 200,
        seed: Some(1),
        ..NcaOptions::default()
    };
    let r = analyse(&x, &y, &o).unwrap();
    let first = &r.ceilings[0];
    assert_eq!(
        verdict(&r, 0.1, 0.05),
        Some(is_necessary(first.effect_size, first.p_value, 0.1, 0.05))
    );
}

#[test]
fn defaults() {
    let o = NcaOptions::default();
    assert_eq!(o.ceilings, vec![Ceiling::CeFdh, Ceiling::CrFdh]);
    assert_eq!(o.corner, 1);
    assert_eq!(o.scope, None);
    assert_eq!(o.qr_tau, 0.95); // R NCA's default quantile of the QR ceiling
    assert_eq!(o.permutations, 0);
    let (x, y) = data(20, 2);
    let r = analyse(&x, &y, &o).unwrap();
    assert!(r.test.is_none());
    assert!(r.ceilings.iter().all(|c| c.p_value.is_none()));
}

#[test]
fn fresh_seed_is_reported() {
    let (x, y) = data(30, 5);
    let o = NcaOptions {
        permutations: 30,
        seed: None,
        ..NcaOptions::default()
    };
    let r = analyse(&x, &y, &o).unwrap();
    let t = r.test.as_ref().unwrap();
    // rerunning with the reported seed reproduces the p-values
    let o2 = NcaOptions {
        seed: Some(t.seed),
        ..o
    };
    let r2 = analyse(&x, &y, &o2).unwrap();
    for (a, b) in r.ceilings.iter().zip(&r2.ceilings) {
        assert_eq!(a.p_value.map(f64::to_bits), b.p_value.map(f64::to_bits));
    }
}

fn run_in_pool(threads: usize, x: &[f64], y: &[f64], o: &NcaOptions) -> NcaResult {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| analyse(x, y, o).unwrap())
}

#[test]
fn permutation_test_is_independent_of_thread_count() {
    let (x, y) = data(150, 9);
    for rep in [300usize, 2000] {
        let o = NcaOptions {
            ceilings: ALL.to_vec(),
            permutations: rep,
            seed: Some(2024),
            keep_permutations: true,
            keep_null_effects: true,
            qr_tau: 0.95,
            ..NcaOptions::default()
        };
        let a = run_in_pool(1, &x, &y, &o);
        let b = run_in_pool(2, &x, &y, &o);
        let (ta, tb) = (a.test.as_ref().unwrap(), b.test.as_ref().unwrap());
        assert_eq!(ta.offset, tb.offset);
        assert_eq!(ta.permutations, tb.permutations);
        assert_eq!(ta.permutations.as_ref().unwrap().len(), rep);
        for (ca, cb) in ta.tests.iter().zip(&tb.tests) {
            assert_eq!(ca.p_value.map(f64::to_bits), cb.p_value.map(f64::to_bits));
            assert_eq!(
                ca.p_accuracy.map(f64::to_bits),
                cb.p_accuracy.map(f64::to_bits)
            );
            let ba: Vec<u64> = ca.null_effects.iter().map(|v| v.to_bits()).collect();
            let bb: Vec<u64> = cb.null_effects.iter().map(|v| v.to_bits()).collect();
            assert_eq!(ba, bb);
            assert_eq!(ca.threshold_value.to_bits(), cb.threshold_value.to_bits());
        }
    }
}

#[test]
fn each_condition_is_reseeded() {
    // a condition's p-value does not depend on which others are analysed
    let (x1, y) = data(60, 21);
    let (x2, _) = data(60, 22);
    let o = NcaOptions {
        permutations: 100,
        seed: Some(5),
        ..NcaOptions::default()
    };
    let a = analyse(&x1, &y, &o).unwrap();
    let _ = analyse(&x2, &y, &o).unwrap();
    let b = analyse(&x1, &y, &o).unwrap();
    assert_eq!(a.ceilings[0].p_value, b.ceilings[0].p_value);
    // and the standalone test agrees with analyse
    let t = permutation_test(&x1, &y, &o).unwrap();
    assert_eq!(t.tests[0].p_value, a.ceilings[0].p_value);
}

/// Departure (docs/methods.md §9, "NN without a slope"): with one peer the CR-FDH line has no
/// slope (d = 0); NCA would print a number from a division by zero, toe prints NN at every
/// level.
#[test]
fn no_slope_bottleneck_is_nn() {
    // One peer: the case with the highest y has the lowest x.
    let x = vec![0.0, 1.0, 2.0, 3.0];
    let y = vec![3.0, 2.0, 1.0, 0.0];
    let o = NcaOptions {
        ceilings: vec![Ceiling::CrFdh],
        ..NcaOptions::default()
    };
    let r = analyse(&x, &y, &o).expect("result");
    assert_eq!(r.ceilings[0].effect_size, 0.0);
    let spec = BottleneckSpec {
        x: BottleneckUnit::PercentageRange,
        y: BottleneckUnit::PercentageRange,
        steps: Steps::Count(10),
        cutoff: 0,
    };
    let t = bottleneck_table(&[&r], &Ceiling::CrFdh, &y, &spec).expect("table");
    assert_eq!(t.columns[0].cells.len(), 11);
    assert!(t.columns[0].cells.iter().all(|c| *c == Cell::NN));
}
