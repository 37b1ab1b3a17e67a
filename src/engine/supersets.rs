//! Engine stage: necessity of conjunctions and disjunctions, as QCA's
//! `superSubset(relation = "necessity")` enumerates them (docs/methods.md §2.1).
//!
//! Every conjunction of 1..depth literals is tested; where a conjunction fails, the
//! disjunction of the same literals is tested and kept unless an expression kept at a lower
//! level uses only literals among them. Rows come in the reference's order (conjunctions as
//! found, then disjunctions as found), the relevance cut applied last.
//! Guarantees: nothing is rounded; 0/0 is 0 as in QCA's C code; the work is bounded by the
//! caller through [`work`]; never panics.

/// A literal: condition `condition` at `level` (fuzzy: 0 = absence, 1 = presence; crisp or
/// multi-value: membership 1 where the value equals the level).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Literal {
    pub condition: usize,
    pub level: u32,
}

/// A conjunction (`A*~B`) or a disjunction (`A + ~B`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Conjunction,
    Disjunction,
}

/// An expression that passed the cuts.
#[derive(Clone, Debug, PartialEq)]
pub struct Found {
    pub literals: Vec<Literal>,
    pub kind: Kind,
    /// Σmin(x, y) / Σy.
    pub consistency: f64,
    /// Σ(1 − x) / Σ(1 − min(x, y)).
    pub relevance: f64,
    /// Σmin(x, y) / Σx.
    pub coverage: f64,
    pub membership: Vec<f64>,
}

/// The cuts (`incl.cut`, `cov.cut`, `ron.cut`, `depth`).
#[derive(Clone, Debug, PartialEq)]
pub struct SearchOptions {
    pub consistency: f64,
    pub coverage: f64,
    pub relevance: f64,
    /// The most literals in an expression.
    pub depth: usize,
}

/// A condition's kind: `None` for fuzzy (two literals), `Some(L)` for crisp with L levels.
pub type Levels = Option<u32>;

/// The kind of a condition from its memberships: fuzzy when any value is not a whole number;
/// else crisp with max + 1 levels (at least 2).
pub fn levels_of(x: &[f64]) -> Levels {
    if x.iter().any(|v| v.fract() != 0.0) {
        None
    } else {
        Some(
            (x.iter().fold(0.0f64, |a, v| a.max(*v)) as u32)
                .saturating_add(1)
                .max(2),
        )
    }
}

fn count(l: Levels) -> u32 {
    l.unwrap_or(2)
}

/// Expressions the search will test (conjunctions and disjunctions alike), as a float.
pub fn work(levels: &[Levels], depth: usize) -> f64 {
    // Σ over subsets of size ≤ depth of Π levels: the coefficients of Π (1 + L_c t)
    let mut poly = vec![1.0f64];
    for l in levels {
        let mut next = vec![0.0; poly.len() + 1];
        for (k, c) in poly.iter().enumerate() {
            next[k] += c;
            next[k + 1] += c * f64::from(count(*l));
        }
        poly = next;
    }
    poly.iter().skip(1).take(depth).sum()
}

fn ratio(p: f64, q: f64) -> f64 {
    if p == 0.0 && q == 0.0 {
        0.0
    } else {
        p / q
    }
}

/// Necessity statistics of x for y: (consistency, relevance, coverage).
fn fit(x: &[f64], y: &[f64]) -> (f64, f64, f64) {
    let (mut smin, mut sx, mut sy, mut snx, mut snmin) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        let m = a.min(*b);
        smin += m;
        sx += a;
        sy += b;
        snx += 1.0 - a;
        snmin += 1.0 - m;
    }
    (ratio(smin, sy), ratio(snx, snmin), ratio(smin, sx))
}

/// The search over `columns` (one membership vector per condition, cases complete) for `y`.
pub fn supersets(columns: &[Vec<f64>], y: &[f64], o: &SearchOptions) -> Vec<Found> {
    let levels: Vec<Levels> = columns.iter().map(|c| levels_of(c)).collect();
    let literal = |l: Literal| -> Vec<f64> {
        let x = &columns[l.condition];
        match levels[l.condition] {
            None if l.level == 0 => x.iter().map(|v| 1.0 - v).collect(),
            None => x.clone(),
            Some(_) => x
                .iter()
                .map(|v| f64::from(u8::from(*v == f64::from(l.level))))
                .collect(),
        }
    };
    let incl_cut = o.consistency - 1.49e-8;
    let cov_cut = if o.coverage > 0.0 {
        o.coverage - 1.49e-8
    } else {
        o.coverage
    };
    let passes = |(incl, _, cov): (f64, f64, f64)| incl >= incl_cut && cov >= cov_cut;
    let k_max = o.depth.min(columns.len());
    let mut conj: Vec<Found> = Vec::new();
    let mut disj: Vec<Found> = Vec::new();
    // literal sets kept so far, with the level (number of literals) they were kept at
    let mut kept: Vec<(usize, Vec<Literal>)> = Vec::new();
    for k in 1..=k_max {
        let before = kept.len();
        let mut subset: Vec<usize> = (0..k).collect();
        loop {
            let mut lv = vec![0u32; k];
            loop {
                let lits: Vec<Literal> = subset
                    .iter()
                    .zip(&lv)
                    .map(|(&c, &l)| Literal {
                        condition: c,
                        level: l,
                    })
                    .collect();
                let members: Vec<Vec<f64>> = lits.iter().map(|l| literal(*l)).collect();
                let n = y.len();
                let m: Vec<f64> = (0..n)
                    .map(|i| members.iter().fold(f64::INFINITY, |a, c| a.min(c[i])))
                    .collect();
                let f = fit(&m, y);
                if passes(f) {
                    conj.push(Found {
                        literals: lits.clone(),
                        kind: Kind::Conjunction,
                        consistency: f.0,
                        relevance: f.1,
                        coverage: f.2,
                        membership: m,
                    });
                    kept.push((k, lits));
                } else {
                    let big: Vec<f64> = (0..n)
                        .map(|i| members.iter().fold(f64::NEG_INFINITY, |a, c| a.max(c[i])))
                        .collect();
                    let g = fit(&big, y);
                    let redundant = kept
                        .iter()
                        .any(|(kk, e)| *kk < k && e.iter().all(|l| lits.contains(l)));
                    if passes(g) && !redundant {
                        disj.push(Found {
                            literals: lits.clone(),
                            kind: Kind::Disjunction,
                            consistency: g.0,
                            relevance: g.1,
                            coverage: g.2,
                            membership: big,
                        });
                        kept.push((k, lits));
                    }
                }
                // next level combination: the last chosen condition varies fastest
                let mut j = k;
                loop {
                    if j == 0 {
                        break;
                    }
                    j -= 1;
                    lv[j] += 1;
                    if lv[j] < count(levels[subset[j]]) {
                        break;
                    }
                    lv[j] = 0;
                    if j == 0 {
                        j = usize::MAX;
                        break;
                    }
                }
                if j == usize::MAX {
                    break;
                }
            }
            // next k-subset in lexicographic order
            let n = columns.len();
            let mut i = k;
            let mut advanced = false;
            while i > 0 {
                i -= 1;
                if subset[i] < n - k + i {
                    subset[i] += 1;
                    for t in i + 1..k {
                        subset[t] = subset[t - 1] + 1;
                    }
                    advanced = true;
                    break;
                }
            }
            if !advanced {
                break;
            }
        }
        if k > 3 && before > 0 && kept.len() == before {
            break;
        }
    }
    conj.into_iter()
        .chain(disj)
        .filter(|f| f.relevance >= o.relevance)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// By hand, y = (1, 1, 0), A = (1, 0, 0), B = (0, 1, 0): neither is necessary (0.5); A + B
    /// is (1, 1, 0): consistency 2/2 = 1, coverage 2/2 = 1, relevance Σ(1 − x)/Σ(1 − min) =
    /// 1/1 = 1. A*B fails, so the disjunction is tested and kept; ~A + ~B (0, 0, 1 → max 1, 1,
    /// 1) has consistency 1 but coverage 2/3.
    #[test]
    fn a_disjunction_by_hand() {
        let cols = vec![vec![1.0, 0.0, 0.0], vec![0.0, 1.0, 0.0]];
        let y = [1.0, 1.0, 0.0];
        let o = SearchOptions {
            consistency: 1.0,
            coverage: 0.9,
            relevance: 0.0,
            depth: 2,
        };
        let f = supersets(&cols, &y, &o);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].kind, Kind::Disjunction);
        assert_eq!(
            f[0].literals,
            vec![
                Literal {
                    condition: 0,
                    level: 1
                },
                Literal {
                    condition: 1,
                    level: 1
                }
            ]
        );
        assert_eq!(
            (f[0].consistency, f[0].coverage, f[0].relevance),
            (1.0, 1.0, 1.0)
        );
        let all = supersets(&cols, &y, &SearchOptions { coverage: 0.0, ..o });
        assert!(all
            .iter()
            .any(|f| f.literals[0].level == 0 && (f.coverage - 2.0 / 3.0).abs() < 1e-15));
        assert_eq!(work(&[None, None], 2), 4.0 + 4.0);
        assert_eq!(levels_of(&[0.0, 2.0, 1.0]), Some(3));
        assert_eq!(levels_of(&[0.0, 0.5]), None);
    }
}
