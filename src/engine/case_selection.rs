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

mod focal;
mod kinds;

pub use focal::*;
pub use kinds::*;

use crate::engine::ids::{CaseIds, Column};

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
