//! Engine stage, case selection: the focal-conjunct tables of SetMethods' `smmr` (a term's
//! literals one at a time against the others — typical cases, typical–irrelevant cases,
//! matched pairs and their irrelevant cases).
//!
//! Guarantees: rows in the reference's order (stable sorts, the reference's rounding to 3
//! decimals where it orders by rounded values); never panics.

use super::kinds::round3;

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
