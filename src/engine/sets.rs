//! Engine stage: set algebra and parameters of fit (docs/methods.md, "Set algebra and
//! parameters of fit").
//!
//! Guarantees: pure functions over membership vectors of equal length; a missing membership
//! (NaN) stays missing through every operation (`min`/`max` would otherwise drop it); no
//! rounding except the reference's own zeroing of values below 1e-5 (`pof`). Empty or zero
//! denominators give `NaN`, never a panic.

/// `~X` = 1 − X (missing stays missing).
pub fn not(x: &[f64]) -> Vec<f64> {
    x.iter().map(|v| 1.0 - v).collect()
}

fn nan_aware(a: &[f64], b: &[f64], f: fn(f64, f64) -> f64) -> Vec<f64> {
    a.iter()
        .zip(b)
        .map(|(x, y)| {
            if x.is_nan() || y.is_nan() {
                f64::NAN
            } else {
                f(*x, *y)
            }
        })
        .collect()
}

/// `X * Y` = element-wise minimum; missing where either is missing.
pub fn and(x: &[f64], y: &[f64]) -> Vec<f64> {
    nan_aware(x, y, f64::min)
}

/// `X + Y` = element-wise maximum; missing where either is missing.
pub fn or(x: &[f64], y: &[f64]) -> Vec<f64> {
    nan_aware(x, y, f64::max)
}

/// `X[v]`: 1 where the (multi-value) membership equals `v`, else 0; missing stays missing.
pub fn level(x: &[f64], v: f64) -> Vec<f64> {
    x.iter()
        .map(|x| {
            if x.is_nan() {
                f64::NAN
            } else if *x == v {
                1.0
            } else {
                0.0
            }
        })
        .collect()
}

/// Membership of each case in a sum of terms, each term an implicant (0 = the condition is
/// absent from the term, level + 1 otherwise; for a binary condition 1 = ~X, 2 = X).
pub fn solution_membership(columns: &[Vec<f64>], terms: &[Vec<u32>]) -> Vec<f64> {
    let n = columns.first().map(|c| c.len()).unwrap_or(0);
    let multi: Vec<bool> = columns.iter().map(|c| c.iter().any(|v| *v > 1.0)).collect();
    (0..n)
        .map(|i| {
            terms
                .iter()
                .map(|t| {
                    t.iter()
                        .enumerate()
                        .filter(|(_, v)| **v != 0)
                        .map(|(j, v)| {
                            let x = columns[j][i];
                            if multi[j] {
                                if x == (*v - 1) as f64 {
                                    1.0
                                } else {
                                    0.0
                                }
                            } else if *v == 2 {
                                x
                            } else {
                                1.0 - x
                            }
                        })
                        .fold(1.0, f64::min)
                })
                .fold(0.0, f64::max)
        })
        .collect()
}

/// The reference's `pof` sets values below 1e-5 to 0.
pub fn zero_small(v: f64) -> f64 {
    if v.abs() < 1e-5 {
        0.0
    } else {
        v
    }
}

fn ratio(num: f64, den: f64) -> f64 {
    if den == 0.0 {
        f64::NAN
    } else {
        num / den
    }
}

/// Parameters of fit of `X → Y` (sufficiency).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sufficiency {
    pub consistency: f64,
    pub pri: f64,
    pub coverage: f64,
}

/// Parameters of fit of `Y → X` (necessity).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Necessity {
    pub consistency: f64,
    pub coverage: f64,
    pub relevance: f64,
}

/// inclS = Σ min(X,Y) / Σ X; PRI = (Σ min(X,Y) − Σ min(X,Y,1−Y)) / (Σ X − Σ min(X,Y,1−Y));
/// covS = Σ min(X,Y) / Σ Y.
pub fn sufficiency(x: &[f64], y: &[f64]) -> Sufficiency {
    let (mut sx, mut sy, mut sxy, mut sxyny) = (0.0, 0.0, 0.0, 0.0);
    for (&a, &b) in x.iter().zip(y) {
        let m = a.min(b);
        sx += a;
        sy += b;
        sxy += m;
        sxyny += m.min(1.0 - b);
    }
    Sufficiency {
        consistency: zero_small(ratio(sxy, sx)),
        pri: zero_small(ratio(sxy - sxyny, sx - sxyny)),
        coverage: zero_small(ratio(sxy, sy)),
    }
}

/// inclN = Σ min(X,Y) / Σ Y; covN = Σ min(X,Y) / Σ X; RoN = Σ (1 − X) / Σ (1 − min(X,Y)).
pub fn necessity(x: &[f64], y: &[f64]) -> Necessity {
    let (mut sx, mut sy, mut sxy, mut snx, mut snxy) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for (&a, &b) in x.iter().zip(y) {
        let m = a.min(b);
        sx += a;
        sy += b;
        sxy += m;
        snx += 1.0 - a;
        snxy += 1.0 - m;
    }
    Necessity {
        consistency: zero_small(ratio(sxy, sy)),
        coverage: zero_small(ratio(sxy, sx)),
        relevance: zero_small(ratio(snx, snxy)),
    }
}

/// Unique coverage of each term against the other terms of the same model:
/// covU_j = [Σ min(X_j,Y) − Σ min(X_j, Y, max_{t≠j} X_t)] / Σ Y. `None` for a one-term model.
pub fn unique_coverage(terms: &[Vec<f64>], y: &[f64]) -> Vec<Option<f64>> {
    unique_coverage_by(terms.len(), &|j| terms[j].clone(), y)
}

/// [`unique_coverage`] with the terms produced on demand by `term(j)`.
pub fn unique_coverage_by(
    n_terms: usize,
    term: &(dyn Fn(usize) -> Vec<f64> + Sync),
    y: &[f64],
) -> Vec<Option<f64>> {
    fit_of_terms(n_terms, term, y).unique
}

/// The fit of a model's terms: each term's sufficiency, its unique coverage
/// (`None` for a one-term model) and the model's membership (the maximum over its
/// terms, 0 without terms).
#[derive(Clone, Debug, PartialEq)]
pub struct TermsFit {
    pub terms: Vec<Sufficiency>,
    pub unique: Vec<Option<f64>>,
    pub union: Vec<f64>,
}

/// [`TermsFit`] with the terms produced on demand by `term(j)` (each is asked for
/// twice), so that memory stays O(cases × chunk) for a model with many terms. Terms
/// are produced in parallel chunks; every sum is one term's, in case order, and the
/// maximum over the other terms comes from the largest and second largest membership
/// of each case folded in term order — the result does not depend on the threads.
pub fn fit_of_terms(
    n_terms: usize,
    term: &(dyn Fn(usize) -> Vec<f64> + Sync),
    y: &[f64],
) -> TermsFit {
    use rayon::prelude::*;
    const CHUNK: usize = 32;
    let sy: f64 = y.iter().sum();
    let n = y.len();
    let mut best = vec![f64::NEG_INFINITY; n];
    let mut best_at = vec![usize::MAX; n];
    let mut second = vec![f64::NEG_INFINITY; n];
    let mut terms = Vec::with_capacity(n_terms);
    for start in (0..n_terms).step_by(CHUNK) {
        let end = (start + CHUNK).min(n_terms);
        let cols: Vec<(Vec<f64>, Sufficiency)> = (start..end)
            .into_par_iter()
            .map(|t| {
                let col = term(t);
                let s = sufficiency(&col, y);
                (col, s)
            })
            .collect();
        for (k, (col, s)) in cols.into_iter().enumerate() {
            let t = start + k;
            for i in 0..n {
                let v = col[i];
                if v > best[i] {
                    second[i] = best[i];
                    best[i] = v;
                    best_at[i] = t;
                } else if v > second[i] {
                    second[i] = v;
                }
            }
            terms.push(s);
        }
    }
    let unique = if n_terms < 2 {
        vec![None; n_terms]
    } else {
        (0..n_terms)
            .into_par_iter()
            .map(|j| {
                let xs = term(j);
                let mut own = 0.0;
                let mut shared = 0.0;
                for i in 0..n {
                    let xj = xs[i];
                    let others = if best_at[i] == j { second[i] } else { best[i] };
                    own += xj.min(y[i]);
                    shared += xj.min(y[i]).min(others);
                }
                Some(zero_small(ratio(own - shared, sy)))
            })
            .collect()
    };
    let union = best.into_iter().map(|v| v.max(0.0)).collect();
    TermsFit {
        terms,
        unique,
        union,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_calculation() {
        // X = [0.2, 0.8, 0.6], Y = [0.4, 0.9, 0.3]
        // min = [0.2, 0.8, 0.3] → Σ = 1.3; ΣX = 1.6; ΣY = 1.6
        // min(X,Y,1−Y) = [0.2, 0.1, 0.3] → Σ = 0.6
        let x = [0.2, 0.8, 0.6];
        let y = [0.4, 0.9, 0.3];
        let s = sufficiency(&x, &y);
        assert!((s.consistency - 1.3 / 1.6).abs() < 1e-15);
        assert!((s.pri - 0.7 / 1.0).abs() < 1e-15);
        assert!((s.coverage - 1.3 / 1.6).abs() < 1e-15);
        // RoN: Σ(1−X) = 1.4; Σ(1−min) = 1.7
        let n = necessity(&x, &y);
        assert!((n.relevance - 1.4 / 1.7).abs() < 1e-15);
        assert!((n.consistency - 1.3 / 1.6).abs() < 1e-15);
    }

    #[test]
    fn unique_coverage_hand() {
        // terms A = [1, 0], B = [0, 1], Y = [1, 1]: each covers one case alone → 0.5 each.
        let u = unique_coverage(&[vec![1.0, 0.0], vec![0.0, 1.0]], &[1.0, 1.0]);
        assert_eq!(u, vec![Some(0.5), Some(0.5)]);
        assert_eq!(unique_coverage(&[vec![1.0]], &[1.0]), vec![None]);
    }

    #[test]
    fn missing_stays_missing() {
        let a = [0.2, f64::NAN, 0.7];
        let b = [0.5, 0.5, f64::NAN];
        let and = and(&a, &b);
        assert_eq!(and[0], 0.2);
        assert!(and[1].is_nan() && and[2].is_nan());
        let or = or(&a, &b);
        assert_eq!(or[0], 0.5);
        assert!(or[1].is_nan() && or[2].is_nan());
        let l = level(&[1.0, 2.0, f64::NAN], 2.0);
        assert_eq!(&l[..2], &[0.0, 1.0]);
        assert!(l[2].is_nan());
    }

    #[test]
    fn solution_membership_by_hand() {
        // A = [0.2, 0.9], B = [0.7, 0.4]; A*~B + B → case 1: max(min(0.2, 0.3), 0.7) = 0.7;
        // case 2: max(min(0.9, 0.6), 0.4) = 0.6.
        let cols = vec![vec![0.2, 0.9], vec![0.7, 0.4]];
        assert_eq!(
            solution_membership(&cols, &[vec![2, 1], vec![0, 2]]),
            vec![0.7, 0.6]
        );
    }

    #[test]
    fn empty_is_nan_not_panic() {
        assert!(sufficiency(&[], &[]).consistency.is_nan());
    }

    #[test]
    fn unique_coverage_equals_the_definition() {
        // the O(terms) implementation gives exactly the sums of the O(terms²) definition
        let mut state = 12345u64;
        let mut next = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
            ((state >> 11) as f64 / (1u64 << 53) as f64 * 4.0).floor() / 4.0
        };
        let terms: Vec<Vec<f64>> = (0..5).map(|_| (0..40).map(|_| next()).collect()).collect();
        let y: Vec<f64> = (0..40).map(|_| next()).collect();
        let sy: f64 = y.iter().sum();
        let fast = unique_coverage(&terms, &y);
        for j in 0..terms.len() {
            let (mut own, mut shared) = (0.0, 0.0);
            for i in 0..y.len() {
                let others = (0..terms.len())
                    .filter(|t| *t != j)
                    .map(|t| terms[t][i])
                    .fold(f64::NEG_INFINITY, f64::max);
                own += terms[j][i].min(y[i]);
                shared += terms[j][i].min(y[i]).min(others);
            }
            assert_eq!(fast[j], Some(zero_small(ratio(own - shared, sy))));
        }
    }
}
