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
pub fn solution_membership<C: AsRef<[f64]>>(columns: &[C], terms: &[Vec<u32>]) -> Vec<f64> {
    let columns: Vec<&[f64]> = columns.iter().map(AsRef::as_ref).collect();
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
    let mut s = SufficiencySums::default();
    s.add(x, y);
    s.fit()
}

/// The sums of [`sufficiency`], added block by block: blocks in case order give the same
/// additions in the same order as one pass, so the same bits.
#[derive(Debug, Clone, Copy, Default)]
pub struct SufficiencySums {
    sx: f64,
    sy: f64,
    sxy: f64,
    sxyny: f64,
}

impl SufficiencySums {
    pub fn add(&mut self, x: &[f64], y: &[f64]) {
        let (mut sx, mut sy, mut sxy, mut sxyny) = (self.sx, self.sy, self.sxy, self.sxyny);
        for (&a, &b) in x.iter().zip(y) {
            let m = a.min(b);
            sx += a;
            sy += b;
            sxy += m;
            sxyny += m.min(1.0 - b);
        }
        (self.sx, self.sy, self.sxy, self.sxyny) = (sx, sy, sxy, sxyny);
    }

    pub fn fit(&self) -> Sufficiency {
        let Self { sx, sy, sxy, sxyny } = *self;
        Sufficiency {
            consistency: zero_small(ratio(sxy, sx)),
            pri: zero_small(ratio(sxy - sxyny, sx - sxyny)),
            coverage: zero_small(ratio(sxy, sy)),
        }
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
    let term = |j: usize, cases: std::ops::Range<usize>, out: &mut [f64]| {
        out.copy_from_slice(&terms[j][cases]);
    };
    fit_of_terms(terms.len(), &term, y).unique
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

/// A term's memberships of a range of cases, written into the slice (as long as the range).
pub type TermBlock<'a> = dyn Fn(usize, std::ops::Range<usize>, &mut [f64]) + Sync + 'a;

/// [`TermsFit`] with the terms produced block by block by `term(j, cases, out)`, so that
/// memory stays O(terms × block) besides the model's membership, whatever the number of
/// cases (10⁶ cases: no column per term). Blocks are taken in case order and every sum is
/// one term's, added in case order: the same bits as one pass per term, whatever the threads
/// (the terms of a block are produced and summed in parallel). The maximum over the other
/// terms comes from the largest and second largest membership of each case folded in term
/// order; a term whose membership equals the largest sees the second largest (when another
/// term holds the same largest value, the second largest is that value too).
pub fn fit_of_terms(n_terms: usize, term: &TermBlock, y: &[f64]) -> TermsFit {
    use rayon::prelude::*;
    let sy: f64 = y.iter().sum();
    let n = y.len();
    // cases per block: 4,096, fewer for many terms (the block's memberships stay ≤ 4 MB)
    let block = ((1usize << 19) / n_terms.max(1)).clamp(1, 4096);
    let mut sums = vec![(SufficiencySums::default(), 0.0f64, 0.0f64); n_terms];
    let mut union = vec![0.0; n];
    let mut buf = vec![0.0; n_terms * block.min(n.max(1))];
    let mut best = vec![f64::NEG_INFINITY; block];
    let mut second = vec![f64::NEG_INFINITY; block];
    let mut start = 0;
    while start < n {
        let end = (start + block).min(n);
        let len = end - start;
        let yb = &y[start..end];
        let buf = &mut buf[..n_terms * len];
        buf.par_chunks_mut(len)
            .enumerate()
            .for_each(|(j, out)| term(j, start..end, out));
        let (best, second) = (&mut best[..len], &mut second[..len]);
        best.fill(f64::NEG_INFINITY);
        second.fill(f64::NEG_INFINITY);
        for col in buf.chunks(len) {
            for i in 0..len {
                let v = col[i];
                if v > best[i] {
                    second[i] = best[i];
                    best[i] = v;
                } else if v > second[i] {
                    second[i] = v;
                }
            }
        }
        let (best, second) = (&*best, &*second);
        sums.par_iter_mut()
            .zip(buf.par_chunks(len))
            .for_each(|((s, own, shared), xs)| {
                s.add(xs, yb);
                if n_terms < 2 {
                    return;
                }
                let (mut o, mut sh) = (*own, *shared);
                for i in 0..len {
                    let xj = xs[i];
                    let others = if xj == best[i] { second[i] } else { best[i] };
                    o += xj.min(yb[i]);
                    sh += xj.min(yb[i]).min(others);
                }
                (*own, *shared) = (o, sh);
            });
        for (u, b) in union[start..end].iter_mut().zip(best) {
            *u = b.max(0.0);
        }
        start = end;
    }
    let unique = if n_terms < 2 {
        vec![None; n_terms]
    } else {
        sums.iter()
            .map(|(_, own, shared)| Some(zero_small(ratio(own - shared, sy))))
            .collect()
    };
    TermsFit {
        terms: sums.iter().map(|(s, _, _)| s.fit()).collect(),
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
        // the O(terms) implementation, block by block, gives exactly the sums of the
        // O(terms²) definition in one pass: 40 cases (one block) and 10,000 (three blocks of
        // 4,096), memberships in quarters (ties everywhere)
        for n in [40, 10_000] {
            fit_in_blocks_is_the_definition(n);
        }
    }

    fn fit_in_blocks_is_the_definition(n: usize) {
        let mut state = 12345u64;
        let mut next = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
            ((state >> 11) as f64 / (1u64 << 53) as f64 * 4.0).floor() / 4.0
        };
        let terms: Vec<Vec<f64>> = (0..5).map(|_| (0..n).map(|_| next()).collect()).collect();
        let y: Vec<f64> = (0..n).map(|_| next()).collect();
        let sy: f64 = y.iter().sum();
        let fast = unique_coverage(&terms, &y);
        let block = |j: usize, cases: std::ops::Range<usize>, out: &mut [f64]| {
            out.copy_from_slice(&terms[j][cases]);
        };
        let fit = fit_of_terms(terms.len(), &block, &y);
        for (j, t) in terms.iter().enumerate() {
            assert_eq!(fit.terms[j], sufficiency(t, &y), "term {j}, {n} cases");
        }
        for i in 0..n {
            let max = terms.iter().map(|t| t[i]).fold(0.0, f64::max);
            assert_eq!(fit.union[i].to_bits(), max.to_bits());
        }
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
