//! Engine stage: theory evaluation — a theory T against a solution S (SetMethods'
//! `theory.evaluation`, with its "inconsistent most likely" group corrected; docs/methods.md
//! §4.7): the memberships of T, S and the four intersections T·S, ~T·S, T·~S, ~T·~S (min and
//! max of memberships), their fit as sufficient for Y, the cases of the eight groups, and the
//! intersections as Boolean expressions multiplied out as admisc writes them (De Morgan, no
//! minimization; contradictory terms dropped; absorption).
//! Guarantees: nothing is rounded; 0/0 is NaN; never panics.

use super::fsqca::exclusions::{Dnf, Literal};
use super::sets::{sufficiency, Sufficiency};

/// The eight groups of cases, in SetMethods' order: (key, name).
pub const GROUPS: [(&str, &str); 8] = [
    ("TSY", "covered most likely (T*S, Y > 0.5)"),
    ("~TSY", "covered least likely (~T*S, Y > 0.5)"),
    ("T~SY", "uncovered most likely (T*~S, Y > 0.5)"),
    ("~T~SY", "uncovered least likely (~T*~S, Y > 0.5)"),
    ("TS~Y", "inconsistent most likely (T*S, Y < 0.5)"),
    ("~TS~Y", "inconsistent least likely (~T*S, Y < 0.5)"),
    ("T~S~Y", "consistent most likely (T*~S, Y < 0.5)"),
    ("~T~S~Y", "consistent least likely (~T*~S, Y < 0.5)"),
];

/// Membership of a sum of products (binary literals over fuzzy columns: `X` is x, `~X` is
/// 1 − x; a multi-value literal is 1 where the value equals the level).
pub fn membership<C: AsRef<[f64]>>(dnf: &Dnf, columns: &[C]) -> Vec<f64> {
    let columns: Vec<&[f64]> = columns.iter().map(AsRef::as_ref).collect();
    let n = columns.first().map_or(0, |c| c.len());
    (0..n)
        .map(|i| {
            dnf.iter()
                .map(|term| {
                    term.iter()
                        .map(|&(c, level, neg)| {
                            let x = columns.get(c).map_or(f64::NAN, |col| col[i]);
                            let multi = columns
                                .get(c)
                                .is_some_and(|col| col.iter().any(|v| *v > 1.0));
                            let v = if multi {
                                f64::from(u8::from(x == f64::from(level)))
                            } else {
                                x
                            };
                            if neg {
                                1.0 - v
                            } else {
                                v
                            }
                        })
                        .fold(1.0, f64::min)
                })
                .fold(0.0, f64::max)
        })
        .collect()
}

/// Consistency of sufficiency after Haesebrouck: Σmin(x, y) / Σ(min(x, y) + √(max(x − y, 0)·x)).
pub fn haesebrouck(x: &[f64], y: &[f64]) -> f64 {
    let (mut a, mut b) = (0.0, 0.0);
    for (xi, yi) in x.iter().zip(y) {
        let m = xi.min(*yi);
        a += m;
        b += m + ((xi - yi).max(0.0) * xi).sqrt();
    }
    a / b
}

/// One row of the fit table.
#[derive(Clone, Debug, PartialEq)]
pub struct FitRow {
    pub fit: Sufficiency,
    /// Haesebrouck's consistency.
    pub consistency_h: f64,
}

fn fit_row(x: &[f64], y: &[f64]) -> FitRow {
    FitRow {
        fit: sufficiency(x, y),
        consistency_h: haesebrouck(x, y),
    }
}

/// A theory evaluated against one model.
#[derive(Clone, Debug, PartialEq)]
pub struct TheoryEvaluation {
    /// The fit of each term of the model, of S, of T, then of T·S, ~T·S, T·~S, ~T·~S.
    pub terms: Vec<FitRow>,
    pub solution: FitRow,
    pub theory: FitRow,
    pub intersections: [FitRow; 4],
    /// Case indices of each of [`GROUPS`].
    pub groups: [Vec<usize>; 8],
    /// The four intersections as sums of products: T·S, ~T·S, T·~S, ~T·~S.
    pub expressions: [Dnf; 4],
    /// Each case's membership in the theory T, the solution S and the four intersections
    /// (T·S, ~T·S, T·~S, ~T·~S), in the cases' order.
    pub theory_membership: Vec<f64>,
    pub solution_membership: Vec<f64>,
    /// Each term's membership, in the model's order.
    pub term_memberships: Vec<Vec<f64>>,
    pub intersection_memberships: [Vec<f64>; 4],
}

/// Evaluates theory `t` against a model with terms `terms` (as sums of products over the
/// same conditions), for outcome `y`.
pub fn evaluate<C: AsRef<[f64]>>(
    t: &Dnf,
    terms: &[Dnf],
    columns: &[C],
    y: &[f64],
) -> TheoryEvaluation {
    let tm = membership(t, columns);
    let s_dnf: Dnf = terms.iter().flatten().cloned().collect();
    let sm = membership(&s_dnf, columns);
    let both = |a: &[f64], na: bool, b: &[f64], nb: bool| -> Vec<f64> {
        a.iter()
            .zip(b)
            .map(|(x, z)| {
                let x = if na { 1.0 - x } else { *x };
                let z = if nb { 1.0 - z } else { *z };
                x.min(z)
            })
            .collect()
    };
    let inter = [
        both(&tm, false, &sm, false),
        both(&tm, true, &sm, false),
        both(&tm, false, &sm, true),
        both(&tm, true, &sm, true),
    ];
    let mut groups: [Vec<usize>; 8] = Default::default();
    for i in 0..y.len() {
        for (k, m) in inter.iter().enumerate() {
            if m[i] > 0.5 && y[i] > 0.5 {
                groups[k].push(i);
            }
            if m[i] > 0.5 && y[i] < 0.5 {
                groups[4 + k].push(i);
            }
        }
    }
    let not_t = negate(t);
    let not_s = negate(&s_dnf);
    let term_memberships: Vec<Vec<f64>> = terms.iter().map(|d| membership(d, columns)).collect();
    TheoryEvaluation {
        terms: term_memberships.iter().map(|m| fit_row(m, y)).collect(),
        solution: fit_row(&sm, y),
        theory: fit_row(&tm, y),
        intersections: [
            fit_row(&inter[0], y),
            fit_row(&inter[1], y),
            fit_row(&inter[2], y),
            fit_row(&inter[3], y),
        ],
        groups,
        expressions: [
            intersect(t, &s_dnf),
            intersect(&not_t, &s_dnf),
            intersect(t, &not_s),
            intersect(&not_t, &not_s),
        ],
        theory_membership: tm,
        solution_membership: sm,
        term_memberships,
        intersection_memberships: inter,
    }
}

/// A term without repeated literals, or `None` when it holds X and ~X.
fn clean(term: &[Literal]) -> Option<Vec<Literal>> {
    let mut out: Vec<Literal> = Vec::new();
    for l in term {
        if out.iter().any(|o| o.0 == l.0 && o.1 == l.1 && o.2 != l.2) {
            return None;
        }
        if !out.contains(l) {
            out.push(*l);
        }
    }
    Some(out)
}

/// Drops the terms whose literals include another term's (and repeated terms).
fn absorb(terms: Vec<Vec<Literal>>) -> Dnf {
    let mut terms: Vec<Vec<Literal>> = terms;
    terms.sort_by_key(|t| t.len());
    let mut out: Dnf = Vec::new();
    for t in terms {
        if !out.iter().any(|o| o.iter().all(|l| t.contains(l))) {
            out.push(t);
        }
    }
    out
}

/// The product of two sums of products, multiplied out (admisc's `intersection`).
pub fn intersect(a: &Dnf, b: &Dnf) -> Dnf {
    let mut out = Vec::new();
    for x in a {
        for y in b {
            let joined: Vec<Literal> = x.iter().chain(y).copied().collect();
            if let Some(t) = clean(&joined) {
                out.push(t);
            }
        }
    }
    absorb(out)
}

/// The negation of a sum of products by De Morgan, multiplied out (admisc's `negate`
/// without simplification).
pub fn negate(a: &Dnf) -> Dnf {
    let mut acc: Dnf = vec![Vec::new()];
    for term in a {
        let factor: Dnf = term.iter().map(|&(c, l, n)| vec![(c, l, !n)]).collect();
        acc = intersect(&acc, &factor);
    }
    acc
}

#[cfg(test)]
mod tests {
    use super::*;

    /// By hand: T = A (condition 0), S = B (condition 1); ~T·S = ~A*B; ~T·~S = ~A*~B;
    /// negate(A*B + C) = (~A + ~B)*~C = ~A*~C + ~B*~C; absorption keeps A of A + A*B.
    #[test]
    fn boolean_algebra_by_hand() {
        let a = vec![vec![(0, 1, false)]];
        let b = vec![vec![(1, 1, false)]];
        assert_eq!(
            intersect(&negate(&a), &b),
            vec![vec![(0, 1, true), (1, 1, false)]]
        );
        let e = vec![vec![(0, 1, false), (1, 1, false)], vec![(2, 1, false)]];
        assert_eq!(
            negate(&e),
            vec![
                vec![(0, 1, true), (2, 1, true)],
                vec![(1, 1, true), (2, 1, true)]
            ]
        );
        assert_eq!(
            absorb(vec![
                vec![(0, 1, false), (1, 1, false)],
                vec![(0, 1, false)]
            ]),
            a
        );
        assert!(intersect(&a, &negate(&a)).is_empty());
        // memberships: T = A = (0.8, 0.2), S = B = (0.6, 0.9), Y = (1, 0)
        let cols = vec![vec![0.8, 0.2], vec![0.6, 0.9]];
        let ev = evaluate(&a, std::slice::from_ref(&b), &cols, &[1.0, 0.0]);
        // T·S = (0.6, 0.2): case 0 covered most likely; ~T·S = (0.2, 0.8): case 1
        // inconsistent least likely
        assert_eq!(ev.groups[0], vec![0]);
        assert_eq!(ev.groups[5], vec![1]);
        assert!((ev.intersections[0].fit.consistency - 0.6 / 0.8).abs() < 1e-15);
        // Haesebrouck for x = (0.8, 0.2), y = (1, 0): Σmin = 0.8; penalty √(0.2·0.2) = 0.2
        assert!((haesebrouck(&[0.8, 0.2], &[1.0, 0.0]) - 0.8 / 1.0).abs() < 1e-15);
    }
}
