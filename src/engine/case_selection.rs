//! Engine stage: set-theoretic case selection after a solution (Schneider & Rohlfing's
//! typical and deviant cases, as SetMethods' `smmr` tables compute them; docs/methods.md
//! §4.8): per term the typical cases and the deviant cases consistency, for the solution the
//! deviant cases coverage and the individually irrelevant cases with their truth-table rows,
//! the best comparison pairs (typical–deviant consistency and typical–typical per term,
//! deviant coverage–individually irrelevant per truth-table row), and each case's class per
//! term and for the solution (the XY plots mark them).
//!
//! The reference rounds some columns to 3 decimals before ordering rows by them; those
//! columns are rounded here too (`round3`), because the order depends on it. Everything else
//! is unrounded. Guarantees: rows in the reference's order (stable sorts, names in byte
//! order); never panics.

use crate::engine::ids::{CaseIds, Column};

/// R's `round(x, 3)` for the values here (at most a few decimals plus float noise).
pub fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// A case's relation to a term or the solution (x its membership, y the outcome's).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// x > .5, y > .5, x ≤ y.
    Typical,
    /// x > .5, y > .5, x > y.
    DeviantInDegree,
    /// x > .5, y < .5.
    DeviantInKind,
    /// x < .5, y > .5 (for one term: not covered by it).
    DeviantCoverage,
    /// x < .5, y < .5.
    IndividuallyIrrelevant,
    /// x or y exactly .5.
    Ambiguous,
}

impl Class {
    pub fn of(x: f64, y: f64) -> Class {
        if x == 0.5 || y == 0.5 {
            Class::Ambiguous
        } else if x > 0.5 && y > 0.5 {
            if x <= y {
                Class::Typical
            } else {
                Class::DeviantInDegree
            }
        } else if x > 0.5 {
            Class::DeviantInKind
        } else if y > 0.5 {
            Class::DeviantCoverage
        } else {
            Class::IndividuallyIrrelevant
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Class::Typical => "typical",
            Class::DeviantInDegree => "deviant_consistency_in_degree",
            Class::DeviantInKind => "deviant_consistency_in_kind",
            Class::DeviantCoverage => "deviant_coverage",
            Class::IndividuallyIrrelevant => "individually_irrelevant",
            Class::Ambiguous => "ambiguous",
        }
    }
}

/// A typical case of a term.
#[derive(Clone, Debug, PartialEq)]
pub struct Typical {
    pub case: usize,
    pub term: usize,
    pub term_membership: f64,
    pub outcome: f64,
    /// Typical for this term only.
    pub unique: bool,
    /// 2(y − x) + (1 − x): smaller is more typical.
    pub best: f64,
    pub most_typical: bool,
}

/// A deviant case consistency (in kind) of a term; membership, outcome and best round3.
#[derive(Clone, Debug, PartialEq)]
pub struct DeviantConsistency {
    pub case: usize,
    pub term: usize,
    pub term_membership: f64,
    pub outcome: f64,
    /// (1 − (x − y)) + (1 − x).
    pub best: f64,
    pub most_deviant: bool,
}

/// A case outside the solution with its truth-table row: a deviant case coverage or an
/// individually irrelevant case. `solution`, `row_membership` and `outcome` round3.
#[derive(Clone, Debug, PartialEq)]
pub struct OutsideCase {
    pub case: usize,
    pub solution: f64,
    /// Per condition: 0 below .5, 1 above, .5 at .5.
    pub row: Vec<f64>,
    /// min over conditions of (x < .5 ? 1 − x : x).
    pub row_membership: f64,
    pub outcome: f64,
    /// Deviant coverage only: row membership ≤ outcome, best = 1 − row membership, and
    /// whether it is the smallest best of its row.
    pub row_le_outcome: bool,
    pub best: f64,
    pub most_deviant: bool,
}

/// A comparison pair (indices of cases) with SetMethods' distance (smaller is better).
#[derive(Clone, Debug, PartialEq)]
pub struct Pair {
    pub first: usize,
    pub second: usize,
    pub best: f64,
    /// Typical–typical: the first (the second) is typical for this term only. Typical–deviant
    /// consistency: the typical case is the term's most typical (the deviant case its most
    /// deviant).
    pub flags: [bool; 2],
    /// Typical–typical: each case is the most typical case of some term (SetMethods' MostTyp).
    pub most: [bool; 2],
}

/// One literal of a term (the focal conjunct) against the other literals: its membership x,
/// the others' minimum a (`empty` for a one-literal term), the term min(x, a), the term's
/// typical cases (data order) and the smallest FC best among them.
struct Focal<'a> {
    x: &'a [f64],
    y: &'a [f64],
    a: Vec<f64>,
    term: Vec<f64>,
    single: bool,
    typical: Vec<usize>,
    min_fc: f64,
}

impl<'a> Focal<'a> {
    fn new(literals: &'a [(String, Vec<f64>)], k: usize, y: &'a [f64], empty: f64) -> Focal<'a> {
        let n = y.len();
        let x = literals[k].1.as_slice();
        let single = literals.len() == 1;
        let a: Vec<f64> = (0..n)
            .map(|i| {
                if single {
                    empty
                } else {
                    literals
                        .iter()
                        .enumerate()
                        .filter(|(j, _)| *j != k)
                        .map(|(_, (_, m))| m[i])
                        .fold(f64::INFINITY, f64::min)
                }
            })
            .collect();
        let term: Vec<f64> = (0..n)
            .map(|i| if single { x[i] } else { a[i].min(x[i]) })
            .collect();
        let typical: Vec<usize> = (0..n)
            .filter(|&i| term[i] > 0.5 && y[i] > 0.5 && term[i] <= y[i])
            .collect();
        let mut f = Focal {
            x,
            y,
            a,
            term,
            single,
            typical,
            min_fc: f64::INFINITY,
        };
        f.min_fc = f
            .typical
            .iter()
            .map(|&i| f.fc_best(i))
            .fold(f64::INFINITY, f64::min);
        f
    }
    fn fc_le_y(&self, i: usize) -> bool {
        self.x[i] <= self.y[i]
    }
    /// The other literals do not lie between FC and outcome.
    fn clean(&self, i: usize) -> bool {
        let (x, a, y) = (self.x[i], self.a[i], self.y[i]);
        if x <= y {
            a < x || a > y
        } else {
            a > x || a < y
        }
    }
    /// 2|y − x| + (1 − term): smaller is more typical for the FC.
    fn fc_best(&self, i: usize) -> f64 {
        2.0 * (self.y[i] - self.x[i]).abs() + (1.0 - self.term[i])
    }
}

/// A typical case of a term seen through one of its literals (the focal conjunct, FC):
/// membership in the FC, the outcome, the minimum of the other literals (CC_Min), the term;
/// rank 1 when the FC is below CC_Min (it shapes the term), else 2; FC ≤ Y; a clean
/// correspondence; unique coverage; best = 2|y − FC| + (1 − term), its minimum, and whether
/// the case is the term's most typical. Memberships and best round3 (as the reference orders).
#[derive(Clone, Debug, PartialEq)]
pub struct FocalCase {
    pub case: usize,
    pub fc: f64,
    pub outcome: f64,
    pub cc_min: f64,
    pub term: f64,
    pub rank: u8,
    pub clean: bool,
    pub fc_le_y: bool,
    pub unique: bool,
    pub best: f64,
    pub most_typical_fc: bool,
    pub most_typical_term: bool,
}

/// The focal-conjunct tables of one term (smmr `cases = 2`): per literal (name, membership)
/// the best typical cases (up to `max_rows`). `others` are the other terms of the model.
pub fn focal_conjuncts(
    literals: &[(String, Vec<f64>)],
    others: &[&Vec<f64>],
    y: &[f64],
    most_typical_term: &[usize],
    max_rows: usize,
) -> Vec<(String, Vec<FocalCase>)> {
    let unique = |i: usize| others.iter().all(|t| t[i] <= 0.5);
    literals
        .iter()
        .enumerate()
        .map(|(k, (name, _))| {
            let f = Focal::new(literals, k, y, f64::INFINITY);
            let mut rows: Vec<FocalCase> = f
                .typical
                .iter()
                .map(|&i| FocalCase {
                    case: i,
                    fc: f.x[i],
                    outcome: y[i],
                    cc_min: f.a[i],
                    term: f.term[i],
                    rank: if f.single {
                        0
                    } else if f.x[i] < f.a[i] {
                        1
                    } else {
                        2
                    },
                    clean: f.clean(i),
                    fc_le_y: f.fc_le_y(i),
                    unique: unique(i),
                    best: f.fc_best(i),
                    most_typical_fc: false,
                    most_typical_term: most_typical_term.contains(&i),
                })
                .collect();
            let min = rows.iter().map(|r| r.best).fold(f64::INFINITY, f64::min);
            rows.iter_mut()
                .for_each(|r| r.most_typical_fc = r.best == min);
            if literals.len() == 1 {
                rows.sort_by(|p, q| {
                    q.fc_le_y
                        .cmp(&p.fc_le_y)
                        .then(q.unique.cmp(&p.unique))
                        .then(p.best.total_cmp(&q.best))
                });
            } else {
                let key = |p: &FocalCase, q: &FocalCase| {
                    p.rank
                        .cmp(&q.rank)
                        .then(q.clean.cmp(&p.clean))
                        .then(q.fc_le_y.cmp(&p.fc_le_y))
                        .then(q.unique.cmp(&p.unique))
                        .then(p.best.total_cmp(&q.best))
                        .then(q.most_typical_fc.cmp(&p.most_typical_fc))
                };
                rows.sort_by(key);
                for r in rows.iter_mut() {
                    r.fc = round3(r.fc);
                    r.outcome = round3(r.outcome);
                    r.cc_min = round3(r.cc_min);
                    r.term = round3(r.term);
                    r.best = round3(r.best);
                }
                rows.sort_by(|p, q| key(p, q).then(q.most_typical_term.cmp(&p.most_typical_term)));
            }
            rows.truncate(max_rows);
            (name.clone(), rows)
        })
        .collect()
}

/// A typical case of a term paired with an individually irrelevant case of the same term
/// (smmr `match = TRUE, cases = 6`).
#[derive(Clone, Debug, PartialEq)]
pub struct TypicalIrrelevant {
    pub typical: usize,
    pub irrelevant: usize,
    /// (1 − (x_i − x_j)) + (1 − (y_i − y_j)) + 2|y_i − x_i| + 2|y_j − x_j|, rounded to 3.
    pub best: f64,
    /// The typical case is typical for this term only.
    pub unique: bool,
    /// The irrelevant case has x ≤ y.
    pub consistent: bool,
    /// The irrelevant case is outside the solution (solution < 0.5).
    pub globally_uncovered: bool,
    /// The typical case is the most typical of some term.
    pub most_typical: bool,
}

/// Typical × individually irrelevant pairs of one term, best first (up to `max_pairs`).
/// `glob(case, k)` says whether irrelevant case `case`, the k-th (0-based) irrelevant case
/// of the term in data order, is outside the solution (tests pass SetMethods' defective
/// lookup to reproduce its tables; the analysis passes the solution membership).
pub fn typical_irrelevant(
    x: &[f64],
    y: &[f64],
    unique: &[bool],
    most_typical: &[bool],
    glob: &dyn Fn(usize, usize) -> bool,
    max_pairs: usize,
) -> Vec<TypicalIrrelevant> {
    let n = y.len();
    let typ: Vec<usize> = (0..n)
        .filter(|&i| x[i] > 0.5 && y[i] > 0.5 && x[i] <= y[i])
        .collect();
    let iir: Vec<usize> = (0..n).filter(|&i| x[i] < 0.5 && y[i] < 0.5).collect();
    let mut out: Vec<(f64, TypicalIrrelevant)> = Vec::new();
    for (k, &j) in iir.iter().enumerate() {
        for &i in &typ {
            let d = (1.0 - (x[i] - x[j]))
                + (1.0 - (y[i] - y[j]))
                + 2.0 * (y[i] - x[i]).abs()
                + 2.0 * (y[j] - x[j]).abs();
            out.push((
                d,
                TypicalIrrelevant {
                    typical: i,
                    irrelevant: j,
                    best: d,
                    unique: unique[i],
                    consistent: x[j] <= y[j],
                    globally_uncovered: glob(j, k),
                    most_typical: most_typical[i],
                },
            ));
        }
    }
    out.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut rows: Vec<TypicalIrrelevant> = out
        .into_iter()
        .map(|(_, mut p)| {
            p.best = round3(p.best);
            p
        })
        .collect();
    rows.sort_by(|a, b| {
        b.unique
            .cmp(&a.unique)
            .then(b.consistent.cmp(&a.consistent))
            .then(b.globally_uncovered.cmp(&a.globally_uncovered))
            .then(a.best.total_cmp(&b.best))
            .then(b.most_typical.cmp(&a.most_typical))
    });
    rows.truncate(max_pairs);
    rows
}

/// A pair's clean correspondence as the reference ranks it: both 3, the first only 2, the
/// second only 1, neither 0.
fn clean_code(f: [bool; 2]) -> u8 {
    u8::from(f[0]) * 2 + u8::from(f[1])
}

/// A pair of typical cases of a term seen through one focal conjunct (smmr `match = TRUE,
/// cases = 1`): the first at least as typical for the term as the second. Each flag pair is
/// (first, second).
#[derive(Clone, Debug, PartialEq)]
pub struct FocalPair {
    pub first: usize,
    pub second: usize,
    /// 1 both FCs below the other literals' minimum, 2 only the first, 3 only the second, 4
    /// neither (0 for a one-literal term).
    pub rank: u8,
    pub clean: [bool; 2],
    pub fc_le_y: [bool; 2],
    pub unique: [bool; 2],
    /// (0.5 − (x_i − x_j)) + (0.5 − (y_i − y_j)) + |a_i − a_j| + 2|y_i − x_i| + 2|y_j − x_j|,
    /// rounded to 3 decimals.
    pub best: f64,
    pub most_typical_fc: [bool; 2],
    pub most_typical_term: [bool; 2],
}

/// The typical–typical pairs per focal conjunct of one term; `unique[i]` and
/// `most_typical_term[i]` come from the typical-cases table.
pub fn focal_pairs(
    literals: &[(String, Vec<f64>)],
    y: &[f64],
    unique: &[bool],
    most_typical_term: &[bool],
    max_pairs: usize,
) -> Vec<(String, Vec<FocalPair>)> {
    literals
        .iter()
        .enumerate()
        .map(|(k, (name, _))| {
            let f = Focal::new(literals, k, y, 0.0);
            let (x, a, term, ty, single) = (f.x, &f.a, &f.term, &f.typical, f.single);
            let term_rank = |i: usize| 2.0 * (y[i] - term[i]) + (1.0 - term[i]);
            let mut pairs: Vec<(bool, FocalPair)> = Vec::new();
            for &j in ty {
                for &i in ty {
                    let rank = match (x[i] < a[i], x[j] < a[j]) {
                        _ if single => 0,
                        (true, true) => 1,
                        (true, false) => 2,
                        (false, true) => 3,
                        (false, false) => 4,
                    };
                    let d = (0.5 - (x[i] - x[j]))
                        + (0.5 - (y[i] - y[j]))
                        + (a[i] - a[j]).abs()
                        + 2.0 * (y[i] - x[i]).abs()
                        + 2.0 * (y[j] - x[j]).abs();
                    pairs.push((
                        term_rank(i) <= term_rank(j),
                        FocalPair {
                            first: i,
                            second: j,
                            rank,
                            clean: [f.clean(i), f.clean(j)],
                            fc_le_y: [f.fc_le_y(i), f.fc_le_y(j)],
                            unique: [unique[i], unique[j]],
                            best: round3(d),
                            most_typical_fc: [f.fc_best(i) == f.min_fc, f.fc_best(j) == f.min_fc],
                            most_typical_term: [most_typical_term[i], most_typical_term[j]],
                        },
                    ));
                }
            }
            let mut rows: Vec<FocalPair> = pairs
                .into_iter()
                .filter(|(more, p)| *more && p.first != p.second)
                .map(|(_, p)| p)
                .collect();
            rows.sort_by(|p, q| {
                p.rank
                    .cmp(&q.rank)
                    .then(clean_code(q.clean).cmp(&clean_code(p.clean)))
                    .then(q.fc_le_y[0].cmp(&p.fc_le_y[0]))
                    .then(q.fc_le_y[1].cmp(&p.fc_le_y[1]))
                    .then(q.unique[0].cmp(&p.unique[0]))
                    .then(q.unique[1].cmp(&p.unique[1]))
                    .then(p.best.total_cmp(&q.best))
            });
            rows.truncate(max_pairs);
            (name.clone(), rows)
        })
        .collect()
}

/// A typical case of a term paired with an individually irrelevant case of the same term,
/// through one focal conjunct (smmr `match = TRUE, cases = 2`). Flag pairs are (typical,
/// irrelevant).
#[derive(Clone, Debug, PartialEq)]
pub struct FocalIrrelevant {
    pub typical: usize,
    pub irrelevant: usize,
    /// 1–8 from the FCs against the other literals' minimum and 0.5 (0: one-literal term).
    pub rank: u8,
    pub clean: [bool; 2],
    pub fc_le_y: [bool; 2],
    pub unique: bool,
    pub globally_uncovered: bool,
    /// (1 − (x_i − x_j)) + (1 − (y_i − y_j)) + |a_i − a_j| + 2|y_i − x_i| + |y_j − x_j|, round3.
    pub best: f64,
    pub most_typical_fc: bool,
    pub most_typical_term: bool,
}

/// Typical–irrelevant pairs per focal conjunct of one term.
pub fn focal_irrelevant(
    literals: &[(String, Vec<f64>)],
    y: &[f64],
    solution: &[f64],
    unique: &[bool],
    most_typical_term: &[bool],
    max_pairs: usize,
) -> Vec<(String, Vec<FocalIrrelevant>)> {
    let n = y.len();
    literals
        .iter()
        .enumerate()
        .map(|(k, (name, _))| {
            let f = Focal::new(literals, k, y, 0.0);
            let (x, a, term, ty, single) = (f.x, &f.a, &f.term, &f.typical, f.single);
            let ir: Vec<usize> = (0..n).filter(|&i| term[i] < 0.5 && y[i] < 0.5).collect();
            let rank = |i: usize, j: usize| -> u8 {
                if single {
                    return 0;
                }
                let below = x[i] < a[i];
                if x[j] < 0.5 && a[j] >= 0.5 {
                    if below {
                        1
                    } else {
                        2
                    }
                } else if x[j] < 0.5 && a[j] < 0.5 {
                    match (below, a[j] > x[j]) {
                        (true, true) => 3,
                        (true, false) => 4,
                        (false, true) => 5,
                        (false, false) => 6,
                    }
                } else if below {
                    7
                } else {
                    8
                }
            };
            let mut rows: Vec<FocalIrrelevant> = Vec::new();
            for &j in &ir {
                for &i in ty {
                    let d = (1.0 - (x[i] - x[j]))
                        + (1.0 - (y[i] - y[j]))
                        + (a[i] - a[j]).abs()
                        + 2.0 * (y[i] - x[i]).abs()
                        + (y[j] - x[j]).abs();
                    rows.push(FocalIrrelevant {
                        typical: i,
                        irrelevant: j,
                        rank: rank(i, j),
                        clean: [f.clean(i), f.clean(j)],
                        fc_le_y: [f.fc_le_y(i), f.fc_le_y(j)],
                        unique: unique[i],
                        globally_uncovered: solution[j] < 0.5,
                        best: round3(d),
                        most_typical_fc: f.fc_best(i) == f.min_fc,
                        most_typical_term: most_typical_term[i],
                    });
                }
            }
            rows.sort_by(|p, q| {
                p.rank
                    .cmp(&q.rank)
                    .then(clean_code(q.clean).cmp(&clean_code(p.clean)))
                    .then(q.fc_le_y[0].cmp(&p.fc_le_y[0]))
                    .then(q.unique.cmp(&p.unique))
                    .then(q.fc_le_y[1].cmp(&p.fc_le_y[1]))
                    .then(q.globally_uncovered.cmp(&p.globally_uncovered))
                    .then(p.best.total_cmp(&q.best))
                    .then(q.most_typical_fc.cmp(&p.most_typical_fc))
                    .then(q.most_typical_term.cmp(&p.most_typical_term))
            });
            rows.truncate(max_pairs);
            (name.clone(), rows)
        })
        .collect()
}

/// A typical case of a necessary condition (smmr `necessity = TRUE, cases = 1`): x > 0.5,
/// y > 0.5, x ≥ y; best = 2|x − y| + (1 − x), smaller is more typical.
#[derive(Clone, Debug, PartialEq)]
pub struct NecessityTypical {
    pub case: usize,
    pub x: f64,
    pub y: f64,
    pub best: f64,
    pub most_typical: bool,
}

/// The typical cases of a condition (or expression) claimed necessary for `y`, best first
/// (ties: smaller membership, then data order).
pub fn necessity_typical(x: &[f64], y: &[f64]) -> Vec<NecessityTypical> {
    let mut rows: Vec<NecessityTypical> = (0..y.len())
        .filter(|&i| x[i] > 0.5 && y[i] > 0.5 && x[i] >= y[i])
        .map(|i| NecessityTypical {
            case: i,
            x: x[i],
            y: y[i],
            best: 2.0 * (x[i] - y[i]).abs() + (1.0 - x[i]),
            most_typical: false,
        })
        .collect();
    let min = rows.iter().map(|r| r.best).fold(f64::INFINITY, f64::min);
    rows.iter_mut().for_each(|r| r.most_typical = r.best == min);
    rows.sort_by(|a, b| a.best.total_cmp(&b.best).then(a.x.total_cmp(&b.x)));
    rows
}

/// Everything case selection gives for one model.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseSelection {
    pub typical: Vec<Typical>,
    pub deviant_consistency: Vec<DeviantConsistency>,
    pub deviant_coverage: Vec<OutsideCase>,
    pub irrelevant: Vec<OutsideCase>,
    /// Per term: typical–deviant consistency pairs, best first (up to `max_pairs`).
    pub typical_deviant: Vec<Vec<Pair>>,
    /// Per term: typical–typical pairs, best first (up to `max_pairs`).
    pub typical_typical: Vec<Vec<Pair>>,
    /// Deviant coverage–individually irrelevant pairs of the same truth-table row (rows in
    /// string order, up to `max_pairs` each); flag 0: the deviant case's row membership is
    /// at most its outcome.
    pub coverage_irrelevant: Vec<(Vec<f64>, Vec<Pair>)>,
    /// Per term, then the solution: each case's class.
    pub classes: Vec<Vec<Class>>,
    /// Per term: its focal-conjunct tables (filled by [`with_focal_conjuncts`]).
    pub focal: Vec<Vec<(String, Vec<FocalCase>)>>,
    /// Per term: typical × individually irrelevant pairs.
    pub typical_irrelevant: Vec<Vec<TypicalIrrelevant>>,
    /// Per term: typical–typical pairs per focal conjunct (filled by
    /// [`with_focal_conjuncts`]).
    pub focal_pairs: Vec<Vec<(String, Vec<FocalPair>)>>,
    /// Per term: typical–irrelevant pairs per focal conjunct (filled by
    /// [`with_focal_conjuncts`]).
    pub focal_irrelevant: Vec<Vec<(String, Vec<FocalIrrelevant>)>>,
}

/// Adds the focal-conjunct tables: `literals[k]` are term k's literals (name, membership).
pub fn with_focal_conjuncts(
    mut cs: CaseSelection,
    terms: &[Vec<f64>],
    literals: &[Vec<(String, Vec<f64>)>],
    y: &[f64],
    max_rows: usize,
) -> CaseSelection {
    cs.focal = literals
        .iter()
        .enumerate()
        .map(|(k, lits)| {
            let others: Vec<&Vec<f64>> = terms
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != k)
                .map(|(_, t)| t)
                .collect();
            let most: Vec<usize> = cs
                .typical
                .iter()
                .filter(|r| r.term == k && r.most_typical)
                .map(|r| r.case)
                .collect();
            focal_conjuncts(lits, &others, y, &most, max_rows)
        })
        .collect();
    let n = y.len();
    let unique: Vec<bool> = (0..n)
        .map(|i| cs.typical.iter().filter(|r| r.case == i).count() == 1)
        .collect();
    cs.focal_pairs = literals
        .iter()
        .enumerate()
        .map(|(k, lits)| {
            let most: Vec<bool> = (0..n)
                .map(|i| {
                    cs.typical
                        .iter()
                        .any(|r| r.term == k && r.case == i && r.most_typical)
                })
                .collect();
            focal_pairs(lits, y, &unique, &most, max_rows)
        })
        .collect();
    let solution: Vec<f64> = (0..n)
        .map(|i| terms.iter().map(|t| t[i]).fold(0.0, f64::max))
        .collect();
    cs.focal_irrelevant = literals
        .iter()
        .enumerate()
        .map(|(k, lits)| {
            let most: Vec<bool> = (0..n)
                .map(|i| {
                    cs.typical
                        .iter()
                        .any(|r| r.term == k && r.case == i && r.most_typical)
                })
                .collect();
            focal_irrelevant(lits, y, &solution, &unique, &most, max_rows)
        })
        .collect();
    cs
}

/// R's `isort_with_index` (a Shell sort with increments 1, 4, 13, …; not stable).
fn isort_with_index(x: &mut [usize], index: &mut [usize]) {
    let n = x.len();
    let mut h = 1;
    while h <= n / 9 {
        h = 3 * h + 1;
    }
    while h > 0 {
        for i in h..n {
            let (v, iv) = (x[i], index[i]);
            let mut j = i;
            while j >= h && x[j - h] > v {
                x[j] = x[j - h];
                index[j] = index[j - h];
                j -= h;
            }
            x[j] = v;
            index[j] = iv;
        }
        h /= 3;
    }
}

/// The order of the rows of `x` in `.Internal(merge(xinds, yinds))` when every key matches
/// exactly one row of the other table: the rows sorted by key with R's Shell sort.
fn r_merge_order(keys: &[usize]) -> Vec<usize> {
    let mut x = keys.to_vec();
    let mut index: Vec<usize> = (0..keys.len()).collect();
    isort_with_index(&mut x, &mut index);
    index
}

fn byte_order(names: &[String]) -> Vec<usize> {
    let mut o: Vec<usize> = (0..names.len()).collect();
    o.sort_by(|a, b| names[*a].as_bytes().cmp(names[*b].as_bytes()));
    o
}

/// [`byte_order`] of case ids.
fn id_order(ids: &CaseIds) -> Vec<usize> {
    let mut o: Vec<usize> = (0..ids.len()).collect();
    o.sort_by(|a, b| ids.name(*a).as_bytes().cmp(ids.name(*b).as_bytes()));
    o
}

/// Case selection for a model with term memberships `terms` (named `term_names`), the
/// analysis' condition memberships `conditions`, the outcome `y` and the case names.
pub fn case_selection(
    terms: &[Vec<f64>],
    term_names: &[String],
    conditions: &[Column],
    y: &[f64],
    cases: &CaseIds,
    max_pairs: usize,
) -> CaseSelection {
    let n = y.len();
    let s: Vec<f64> = (0..n)
        .map(|i| terms.iter().map(|t| t[i]).fold(0.0, f64::max))
        .collect();
    let is_typical = |x: f64, yi: f64| x > 0.5 && yi > 0.5 && x <= yi;
    // typical cases, per term; unique = typical for exactly one term
    let typical_count: Vec<usize> = (0..n)
        .map(|i| terms.iter().filter(|t| is_typical(t[i], y[i])).count())
        .collect();
    let term_order = byte_order(term_names);
    let mut typical: Vec<Typical> = Vec::new();
    let mut deviant_consistency: Vec<DeviantConsistency> = Vec::new();
    let mut typical_deviant = vec![Vec::new(); terms.len()];
    let mut typical_typical = vec![Vec::new(); terms.len()];
    for &k in &term_order {
        let t = &terms[k];
        let mut rows: Vec<Typical> = (0..n)
            .filter(|&i| is_typical(t[i], y[i]))
            .map(|i| Typical {
                case: i,
                term: k,
                term_membership: t[i],
                outcome: y[i],
                unique: typical_count[i] == 1,
                best: 2.0 * (y[i] - t[i]) + (1.0 - t[i]),
                most_typical: false,
            })
            .collect();
        let min = rows.iter().map(|r| r.best).fold(f64::INFINITY, f64::min);
        rows.iter_mut().for_each(|r| r.most_typical = r.best == min);
        rows.sort_by(|a, b| {
            b.unique
                .cmp(&a.unique)
                .then(a.best.total_cmp(&b.best))
                .then(a.term_membership.total_cmp(&b.term_membership))
        });
        let mut dev: Vec<DeviantConsistency> = (0..n)
            .filter(|&i| t[i] > 0.5 && y[i] < 0.5)
            .map(|i| DeviantConsistency {
                case: i,
                term: k,
                term_membership: t[i],
                outcome: y[i],
                best: (1.0 - (t[i] - y[i])) + (1.0 - t[i]),
                most_deviant: false,
            })
            .collect();
        let min = dev.iter().map(|r| r.best).fold(f64::INFINITY, f64::min);
        dev.iter_mut().for_each(|r| {
            r.most_deviant = r.best == min;
            r.best = round3(r.best);
            r.term_membership = round3(r.term_membership);
            r.outcome = round3(r.outcome);
        });
        dev.sort_by(|a, b| {
            a.best
                .total_cmp(&b.best)
                .then(a.term_membership.total_cmp(&b.term_membership))
        });
        // typical–deviant consistency pairs: expand.grid(typical, deviant), the first varying
        // fastest; ordered by the unrounded distance, then by the rounded one and the flags
        // both lists in data order
        let mut typ_data: Vec<&Typical> = rows.iter().collect();
        typ_data.sort_by_key(|r| r.case);
        let mut dev_data: Vec<&DeviantConsistency> = dev.iter().collect();
        dev_data.sort_by_key(|r| r.case);
        let mut pairs: Vec<Pair> = Vec::new();
        for d in &dev_data {
            for ty in &typ_data {
                let (xi, xj, yi, yj) = (t[ty.case], t[d.case], y[ty.case], y[d.case]);
                pairs.push(Pair {
                    first: ty.case,
                    second: d.case,
                    best: (xi - xj).abs() + (1.0 - (yi - yj)) + (1.0 - xi) + (1.0 - xj),
                    flags: [ty.most_typical, d.most_deviant],
                    most: [ty.most_typical, false],
                });
            }
        }
        pairs.sort_by(|a, b| a.best.total_cmp(&b.best));
        pairs.iter_mut().for_each(|p| p.best = round3(p.best));
        pairs.sort_by(|a, b| {
            a.best
                .total_cmp(&b.best)
                .then(b.flags[0].cmp(&a.flags[0]))
                .then(b.flags[1].cmp(&a.flags[1]))
        });
        pairs.truncate(max_pairs);
        typical_deviant[k] = pairs;
        // typical–typical pairs: TYP1 at least as typical as TYP2, two distinct cases
        let typ_rank = |i: usize| 2.0 * (y[i] - t[i]) + (1.0 - t[i]);
        let mut tt: Vec<Pair> = Vec::new();
        for b in &typ_data {
            for a in &typ_data {
                if a.case == b.case || typ_rank(a.case) > typ_rank(b.case) {
                    continue;
                }
                let (xi, xj, yi, yj) = (t[a.case], t[b.case], y[a.case], y[b.case]);
                tt.push(Pair {
                    first: a.case,
                    second: b.case,
                    best: (0.5 - (xi - xj))
                        + (0.5 - (yi - yj))
                        + 2.0 * (yi - xi).abs()
                        + 2.0 * (yj - xj).abs(),
                    flags: [a.unique, b.unique],
                    most: [a.most_typical, b.most_typical],
                });
            }
        }
        tt.sort_by(|a, b| a.best.total_cmp(&b.best));
        tt.iter_mut().for_each(|p| p.best = round3(p.best));
        // Ordered and cut once every term's typical cases are known (MostTyp below).
        typical_typical[k] = tt;
        typical.extend(rows);
        deviant_consistency.extend(dev);
    }
    // MostTyp of a typical–typical pair: each case is the most typical case of some term (as
    // SetMethods reads it); the reference's order: UniqCov of each, Best, then MostTyp of each
    // (TRUE first).
    let most_any: Vec<usize> = typical
        .iter()
        .filter(|r| r.most_typical)
        .map(|r| r.case)
        .collect();
    for tt in typical_typical.iter_mut() {
        for p in tt.iter_mut() {
            p.most = [most_any.contains(&p.first), most_any.contains(&p.second)];
        }
        tt.sort_by(|a, b| {
            b.flags[0]
                .cmp(&a.flags[0])
                .then(b.flags[1].cmp(&a.flags[1]))
                .then(a.best.total_cmp(&b.best))
                .then(b.most[0].cmp(&a.most[0]))
                .then(b.most[1].cmp(&a.most[1]))
        });
        tt.truncate(max_pairs);
    }
    // cases outside the solution, first in case-name order (the reference's merge)
    let by_name = id_order(cases);
    let outside = |want_y_above: bool| -> Vec<OutsideCase> {
        by_name
            .iter()
            .copied()
            .filter(|&i| s[i] < 0.5 && if want_y_above { y[i] > 0.5 } else { y[i] < 0.5 })
            .map(|i| {
                let row: Vec<f64> = conditions
                    .iter()
                    .map(|c| {
                        if c[i] < 0.5 {
                            0.0
                        } else if c[i] > 0.5 {
                            1.0
                        } else {
                            0.5
                        }
                    })
                    .collect();
                let rm = conditions
                    .iter()
                    .map(|c| if c[i] < 0.5 { 1.0 - c[i] } else { c[i] })
                    .fold(f64::INFINITY, f64::min);
                let rm = round3(rm);
                let out = round3(y[i]);
                OutsideCase {
                    case: i,
                    solution: round3(s[i]),
                    row,
                    row_membership: rm,
                    outcome: out,
                    row_le_outcome: rm <= out,
                    best: round3(1.0 - rm),
                    most_deviant: false,
                }
            })
            .collect()
    };
    let by_row = |a: &OutsideCase, b: &OutsideCase| {
        a.row
            .iter()
            .zip(&b.row)
            .map(|(x, y)| x.total_cmp(y))
            .find(|o| o.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal)
    };
    let mut deviant_coverage = outside(true);
    let mins: Vec<f64> = deviant_coverage
        .iter()
        .map(|a| {
            deviant_coverage
                .iter()
                .filter(|b| b.row == a.row)
                .map(|b| b.best)
                .fold(f64::INFINITY, f64::min)
        })
        .collect();
    for (a, m) in deviant_coverage.iter_mut().zip(mins) {
        a.most_deviant = a.best == m;
    }
    deviant_coverage.sort_by(|a, b| {
        by_row(a, b)
            .then(b.row_le_outcome.cmp(&a.row_le_outcome))
            .then(a.best.total_cmp(&b.best))
    });
    let mut irrelevant = outside(false);
    irrelevant.sort_by(by_row);
    // deviant coverage × individually irrelevant cases in the same row (R's round(): 0.5 → 0)
    let crisp_row = |i: usize| -> Vec<f64> {
        conditions
            .iter()
            .map(|c| if c[i] > 0.5 { 1.0 } else { 0.0 })
            .collect()
    };
    let w = |i: usize| -> f64 {
        conditions
            .iter()
            .map(|c| if c[i] <= 0.5 { 1.0 - c[i] } else { c[i] })
            .fold(f64::INFINITY, f64::min)
    };
    let dcv: Vec<usize> = (0..n).filter(|&i| s[i] < 0.5 && y[i] > 0.5).collect();
    let iir: Vec<usize> = (0..n).filter(|&i| s[i] < 0.5 && y[i] < 0.5).collect();
    // the pairs of the same row, as expand.grid(DCV, IIR) gives them (DCV fastest)
    let mut pairs: Vec<(Vec<f64>, Pair)> = Vec::new();
    for &j in &iir {
        for &i in &dcv {
            if crisp_row(i) != crisp_row(j) {
                continue;
            }
            let (wi, wj) = (w(i), w(j));
            pairs.push((
                crisp_row(i),
                Pair {
                    first: i,
                    second: j,
                    best: (wi - wj).abs() + (1.0 - (y[i] - y[j])) + (1.0 - wi) + (1.0 - wj),
                    flags: [wi <= y[i], false],
                    most: [false, false],
                },
            ));
        }
    }
    // R's merge() with the truth table by the deviant case: its internal Shell sort of the
    // match indices (not stable) sets the order among pairs of one deviant case, then the
    // rows are sorted (stably) by that case's name and by the row string
    let keys: Vec<usize> = pairs
        .iter()
        .map(|(_, p)| {
            1 + pairs
                .iter()
                .position(|(_, q)| q.first == p.first)
                .unwrap_or(0)
        })
        .collect();
    let order = r_merge_order(&keys);
    let mut pairs: Vec<(Vec<f64>, Pair)> = order.into_iter().map(|k| pairs[k].clone()).collect();
    pairs.sort_by(|a, b| {
        cases
            .name(a.1.first)
            .as_bytes()
            .cmp(cases.name(b.1.first).as_bytes())
    });
    let key =
        |r: &[f64]| -> String { r.iter().map(|v| if *v > 0.5 { '1' } else { '0' }).collect() };
    pairs.sort_by_key(|(r, _)| key(r));
    let mut rows_seen: Vec<Vec<f64>> = Vec::new();
    for (r, _) in &pairs {
        if !rows_seen.contains(r) {
            rows_seen.push(r.clone());
        }
    }
    let coverage_irrelevant = rows_seen
        .into_iter()
        .map(|r| {
            let mut g: Vec<Pair> = pairs
                .iter()
                .filter(|(x, _)| *x == r)
                .map(|(_, p)| p.clone())
                .collect();
            g.sort_by(|a, b| b.flags[0].cmp(&a.flags[0]).then(a.best.total_cmp(&b.best)));
            g.truncate(max_pairs);
            g.iter_mut().for_each(|p| p.best = round3(p.best));
            (r, g)
        })
        .collect();
    let unique_any: Vec<bool> = (0..n).map(|i| typical_count[i] == 1).collect();
    let most_any: Vec<bool> = (0..n)
        .map(|i| typical.iter().any(|r| r.case == i && r.most_typical))
        .collect();
    let glob = |j: usize, _k: usize| s[j] < 0.5;
    let typical_irrelevant = terms
        .iter()
        .map(|t| typical_irrelevant(t, y, &unique_any, &most_any, &glob, max_pairs))
        .collect();
    let mut classes: Vec<Vec<Class>> = terms
        .iter()
        .map(|t| (0..n).map(|i| Class::of(t[i], y[i])).collect())
        .collect();
    classes.push((0..n).map(|i| Class::of(s[i], y[i])).collect());
    CaseSelection {
        typical,
        deviant_consistency,
        deviant_coverage,
        irrelevant,
        typical_deviant,
        typical_typical,
        coverage_irrelevant,
        classes,
        focal: Vec::new(),
        typical_irrelevant,
        focal_pairs: Vec::new(),
        focal_irrelevant: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// By hand, one term x = (0.9, 0.7, 0.8, 0.2), y = (1.0, 0.9, 0.3, 0.7): cases 0 and 1
    /// are typical (best 2(0.1) + 0.1 = 0.3 and 2(0.2) + 0.3 = 0.7: case 0 most typical),
    /// case 2 deviant consistency (best (1 − 0.5) + 0.2 = 0.7), case 3 deviant coverage.
    #[test]
    fn typical_and_deviant_by_hand() {
        let t = vec![vec![0.9, 0.7, 0.8, 0.2]];
        let y = [1.0, 0.9, 0.3, 0.7];
        let names: Vec<String> = ["a", "b", "c", "d"].iter().map(|s| s.to_string()).collect();
        let columns: Vec<Column> = t.iter().map(|c| c.as_slice().into()).collect();
        let cs = case_selection(&t, &["A".to_string()], &columns, &y, &names.into(), 5);
        assert_eq!(
            cs.typical.iter().map(|r| r.case).collect::<Vec<_>>(),
            vec![0, 1]
        );
        assert!((cs.typical[0].best - 0.3).abs() < 1e-12 && cs.typical[0].most_typical);
        assert_eq!(cs.deviant_consistency[0].case, 2);
        assert_eq!(cs.deviant_consistency[0].best, 0.7);
        assert_eq!(cs.deviant_coverage[0].case, 3);
        assert_eq!(cs.classes[1][3], Class::DeviantCoverage);
        // the pair (0, 2): |0.9 − 0.8| + (1 − 0.7) + 0.1 + 0.2 = 0.7
        assert_eq!(cs.typical_deviant[0][0].best, 0.7);
        assert_eq!(Class::of(0.5, 0.9), Class::Ambiguous);
    }
}
