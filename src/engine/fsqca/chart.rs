//! Engine stage: the prime implicant chart (docs/methods.md §4.2, the chart).
//!
//! Guarantees: [`minimum_covers`] returns every cover of minimum cardinality (number of
//! PIs, not literals), each as ascending PI indices, in lexicographic order — the models
//! M1, M2, … of the reference. The search is exact: a depth-first search that branches on
//! the uncovered row with the fewest candidates and, in branch i, forbids the candidates
//! of the earlier branches, so every cover is found exactly once. [`irredundant_covers`]
//! (`all.sol`) returns every irredundant cover of any size (Petrick with absorption),
//! ordered by size and then lexicographically. [`pis_in_minimum_covers_limited`] gives the
//! PIs of some minimum cover within a work budget (`None` beyond it). An uncoverable chart
//! or an empty one gives no model.

type Bits = Vec<u64>;

fn bits_new(n: usize) -> Bits {
    vec![0; n.div_ceil(64).max(1)]
}

fn set(b: &mut Bits, i: usize) {
    b[i / 64] |= 1 << (i % 64);
}

fn get(b: &Bits, i: usize) -> bool {
    b[i / 64] >> (i % 64) & 1 == 1
}

fn is_empty(b: &Bits) -> bool {
    b.iter().all(|w| *w == 0)
}

fn subset(a: &Bits, b: &Bits) -> bool {
    a.iter().zip(b).all(|(x, y)| x & y == *x)
}

fn popcount(b: &Bits) -> u32 {
    b.iter().map(|w| w.count_ones()).sum()
}

struct Search<'a> {
    cov: &'a [Bits],
    row_cands: &'a [Vec<usize>],
    nrows: usize,
    excluded: Vec<bool>,
    chosen: Vec<usize>,
    found: Vec<Vec<usize>>,
    limit: usize,
    /// Search nodes still allowed; at 0 the search stops (incomplete).
    nodes_left: u64,
}

impl Search<'_> {
    fn dfs(&mut self, uncovered: &Bits, budget: usize) {
        if self.found.len() >= self.limit || self.nodes_left == 0 {
            return;
        }
        self.nodes_left -= 1;
        if is_empty(uncovered) {
            let mut c = self.chosen.clone();
            c.sort_unstable();
            self.found.push(c);
            return;
        }
        if budget == 0 {
            return;
        }
        // row with the fewest available candidates
        let mut best: Option<(usize, usize)> = None;
        for r in 0..self.nrows {
            if !get(uncovered, r) {
                continue;
            }
            let c = self.row_cands[r]
                .iter()
                .filter(|p| !self.excluded[**p])
                .count();
            if c == 0 {
                return;
            }
            if best.is_none_or(|(_, bc)| c < bc) {
                best = Some((r, c));
            }
        }
        let Some((r, _)) = best else { return };
        // bound: rows no single candidate covers two of need one PI each
        let mut blocked = bits_new(self.nrows);
        let mut independent = 0;
        for q in 0..self.nrows {
            if !get(uncovered, q) || get(&blocked, q) {
                continue;
            }
            independent += 1;
            if independent > budget {
                return;
            }
            for p in self.row_cands[q].iter().filter(|p| !self.excluded[**p]) {
                for (b, c) in blocked.iter_mut().zip(&self.cov[*p]) {
                    *b |= c;
                }
            }
        }
        let need = popcount(uncovered) as usize;
        if budget >= 2 {
            // bound: the best single PI times the budget must reach every uncovered row
            let max = self
                .cov
                .iter()
                .enumerate()
                .filter(|(p, _)| !self.excluded[*p])
                .map(|(_, c)| {
                    c.iter()
                        .zip(uncovered)
                        .map(|(a, b)| (a & b).count_ones() as usize)
                        .sum::<usize>()
                })
                .max()
                .unwrap_or(0);
            if max * budget < need {
                return;
            }
        }
        let cands: Vec<usize> = self.row_cands[r]
            .iter()
            .copied()
            .filter(|p| !self.excluded[*p])
            .collect();
        let mut newly_excluded = Vec::new();
        for &p in &cands {
            let rest: Bits = uncovered
                .iter()
                .zip(&self.cov[p])
                .map(|(u, c)| u & !c)
                .collect();
            if budget > 1 || is_empty(&rest) {
                self.chosen.push(p);
                self.excluded[p] = true;
                self.dfs(&rest, budget - 1);
                self.chosen.pop();
            }
            self.excluded[p] = true;
            newly_excluded.push(p);
        }
        for p in newly_excluded {
            self.excluded[p] = false;
        }
    }
}

fn row_candidates(cover: &[Vec<usize>], nrows: usize) -> Vec<Vec<usize>> {
    let mut rc = vec![Vec::new(); nrows];
    for (p, rows) in cover.iter().enumerate() {
        for r in rows {
            rc[*r].push(p);
        }
    }
    rc
}

/// PIs with the same coverage form one class (members ascending, classes in order of
/// their first member). A minimum cover never holds two PIs of one class.
fn classes(cover: &[Vec<usize>]) -> (Vec<Vec<usize>>, Vec<Vec<usize>>) {
    let mut index: std::collections::HashMap<&[usize], usize> = Default::default();
    let mut rows: Vec<Vec<usize>> = Vec::new();
    let mut members: Vec<Vec<usize>> = Vec::new();
    for (p, c) in cover.iter().enumerate() {
        let i = *index.entry(c.as_slice()).or_insert_with(|| {
            rows.push(c.clone());
            members.push(Vec::new());
            rows.len() - 1
        });
        members[i].push(p);
    }
    (rows, members)
}

/// A chart reduced to coverage classes, with its minimum cover size.
struct ClassChart {
    members: Vec<Vec<usize>>,
    cov: Vec<Bits>,
    row_cands: Vec<Vec<usize>>,
    nrows: usize,
    all: Bits,
    /// Classes whose rows are a strict subset of another class's rows.
    dominated: Vec<bool>,
    /// Minimum number of PIs of a cover (0: no cover).
    size: usize,
}

impl ClassChart {
    fn new(cover: &[Vec<usize>], nrows: usize) -> Option<ClassChart> {
        if nrows == 0 || cover.is_empty() {
            return None;
        }
        let (class_rows, members) = classes(cover);
        let row_cands = row_candidates(&class_rows, nrows);
        if row_cands.iter().any(|c| c.is_empty()) {
            return None;
        }
        let cov: Vec<Bits> = class_rows
            .iter()
            .map(|rows| {
                let mut b = bits_new(nrows);
                rows.iter().for_each(|r| set(&mut b, *r));
                b
            })
            .collect();
        let mut all = bits_new(nrows);
        (0..nrows).for_each(|r| set(&mut all, r));
        // a dominated class can always be swapped for its dominator, so the minimum size
        // (and the existence of a cover of a given size) can be searched without them
        let nclass = class_rows.len();
        let mut dominated = vec![false; nclass];
        if nclass <= 20_000 {
            let mut by_size: Vec<usize> = (0..nclass).collect();
            by_size.sort_by_key(|c| std::cmp::Reverse(class_rows[*c].len()));
            for (pos, &c) in by_size.iter().enumerate() {
                dominated[c] = by_size[..pos].iter().any(|d| {
                    class_rows[*d].len() > class_rows[c].len() && subset(&cov[c], &cov[*d])
                });
            }
        }
        let mut chart = ClassChart {
            members,
            cov,
            row_cands,
            nrows,
            all,
            dominated,
            size: 0,
        };
        for budget in 1..=nclass {
            if chart.probe(&chart.all, budget).is_some() {
                chart.size = budget;
                break;
            }
        }
        if chart.size == 0 {
            return None;
        }
        Some(chart)
    }

    /// One cover of `rows` with at most `budget` non-dominated classes.
    fn probe(&self, rows: &Bits, budget: usize) -> Option<Vec<usize>> {
        let excluded = self.dominated.clone();
        let mut s = Search {
            cov: &self.cov,
            row_cands: &self.row_cands,
            nrows: self.nrows,
            excluded,
            chosen: Vec::new(),
            found: Vec::new(),
            limit: 1,
            nodes_left: u64::MAX,
        };
        s.dfs(rows, budget);
        s.found.pop()
    }

    /// Every cover of the minimum size, as class indices.
    fn all_minimum(&self, limit: usize) -> Vec<Vec<usize>> {
        let mut s = Search {
            cov: &self.cov,
            row_cands: &self.row_cands,
            nrows: self.nrows,
            excluded: vec![false; self.cov.len()],
            chosen: Vec::new(),
            found: Vec::new(),
            limit,
            nodes_left: u64::MAX,
        };
        s.dfs(&self.all, self.size);
        s.found
    }
}

/// Every minimum-cardinality cover of rows 0..nrows by the PIs (`cover[p]` = rows covered
/// by PI p), in lexicographic order of PI indices. At most `limit` covers are returned.
pub fn minimum_covers(cover: &[Vec<usize>], nrows: usize, limit: usize) -> Vec<Vec<usize>> {
    let Some(chart) = ClassChart::new(cover, nrows) else {
        return Vec::new();
    };
    let members = &chart.members;
    let mut found: Vec<Vec<usize>> = Vec::new();
    for cc in chart.all_minimum(limit) {
        // every combination of one member per class
        let mut partial: Vec<Vec<usize>> = vec![Vec::new()];
        for c in &cc {
            partial = partial
                .into_iter()
                .flat_map(|p| {
                    members[*c].iter().map(move |m| {
                        let mut q = p.clone();
                        q.push(*m);
                        q
                    })
                })
                .take(limit)
                .collect();
        }
        for mut p in partial {
            p.sort_unstable();
            found.push(p);
        }
    }
    found.sort();
    found.dedup();
    found.truncate(limit);
    found
}

/// The PIs that belong to at least one minimum cover (the covers are enumerated over
/// coverage classes, then every member of a class used is reported).
pub fn pis_in_minimum_covers(cover: &[Vec<usize>], nrows: usize) -> Vec<usize> {
    pis_in_minimum_covers_limited(cover, nrows, u64::MAX).unwrap_or_default()
}

/// [`pis_in_minimum_covers`] within a work budget (search nodes × coverage classes):
/// `None` when the enumeration of the minimum covers would exceed it.
pub fn pis_in_minimum_covers_limited(
    cover: &[Vec<usize>],
    nrows: usize,
    work: u64,
) -> Option<Vec<usize>> {
    let Some(chart) = ClassChart::new(cover, nrows) else {
        return Some(Vec::new());
    };
    let n = chart.cov.len();
    let mut s = Search {
        cov: &chart.cov,
        row_cands: &chart.row_cands,
        nrows: chart.nrows,
        excluded: vec![false; n],
        chosen: Vec::new(),
        found: Vec::new(),
        limit: usize::MAX,
        nodes_left: work / (n as u64).max(1),
    };
    s.dfs(&chart.all, chart.size);
    if s.nodes_left == 0 {
        return None;
    }
    let mut in_cover = vec![false; n];
    for cc in &s.found {
        cc.iter().for_each(|c| in_cover[*c] = true);
    }
    let mut used: Vec<usize> = (0..n)
        .filter(|c| in_cover[*c])
        .flat_map(|c| chart.members[c].iter().copied())
        .collect();
    used.sort_unstable();
    Some(used)
}

/// Every irredundant cover (`all.sol = TRUE`): Petrick's product of sums with absorption,
/// ordered by number of PIs, then lexicographically.
pub fn irredundant_covers(cover: &[Vec<usize>], nrows: usize) -> Vec<Vec<usize>> {
    if nrows == 0 || cover.is_empty() {
        return Vec::new();
    }
    let row_cands = row_candidates(cover, nrows);
    if row_cands.iter().any(|c| c.is_empty()) {
        return Vec::new();
    }
    let npi = cover.len();
    let mut family: Vec<Bits> = vec![bits_new(npi)];
    for cands in &row_cands {
        let mut next: Vec<Bits> = Vec::new();
        for s in &family {
            if cands.iter().any(|c| get(s, *c)) {
                next.push(s.clone());
            } else {
                for c in cands {
                    let mut t = s.clone();
                    set(&mut t, *c);
                    next.push(t);
                }
            }
        }
        next.sort_by_key(popcount);
        next.dedup();
        let mut kept: Vec<Bits> = Vec::new();
        for s in next {
            if !kept.iter().any(|k| subset(k, &s)) {
                kept.push(s);
            }
        }
        family = kept;
    }
    let mut out: Vec<Vec<usize>> = family
        .iter()
        .map(|b| (0..npi).filter(|p| get(b, *p)).collect())
        .collect();
    out.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_minimum_covers() {
        // rows 0..3; PIs: {0,1}, {2,3}, {1,2}, {0,3}
        let cov = vec![vec![0, 1], vec![2, 3], vec![1, 2], vec![0, 3]];
        assert_eq!(
            minimum_covers(&cov, 4, usize::MAX),
            vec![vec![0, 1], vec![2, 3]]
        );
        assert!(minimum_covers(&[vec![0]], 2, usize::MAX).is_empty());
    }

    #[test]
    fn pis_in_some_minimum_cover() {
        // rows 0..3; PIs: {0,1}, {2,3}, {1,2}, {0,3}, {0}: the last is in no minimum cover
        let cov = vec![vec![0, 1], vec![2, 3], vec![1, 2], vec![0, 3], vec![0]];
        assert_eq!(pis_in_minimum_covers(&cov, 4), vec![0, 1, 2, 3]);
        let all: Vec<usize> = {
            let mut v: Vec<usize> = minimum_covers(&cov, 4, usize::MAX)
                .into_iter()
                .flatten()
                .collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        assert_eq!(all, vec![0, 1, 2, 3]);
    }

    #[test]
    fn petrick() {
        // rows 0..2; PIs {0}, {0,1}, {1,2}, {2}
        let cov = vec![vec![0], vec![0, 1], vec![1, 2], vec![2]];
        assert_eq!(
            irredundant_covers(&cov, 3),
            vec![vec![0, 2], vec![1, 2], vec![1, 3]]
        );
    }
}
