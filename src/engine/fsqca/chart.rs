//! Engine stage: the prime implicant chart (r-qca.md §5.3).
//!
//! Guarantees: [`minimum_covers`] returns every cover of minimum cardinality (number of
//! PIs, not literals), each as ascending PI indices, in lexicographic order — the models
//! M1, M2, … of the reference. The search is exact: a depth-first search that branches on
//! the uncovered row with the fewest candidates and, in branch i, forbids the candidates
//! of the earlier branches, so every cover is found exactly once. [`irredundant_covers`]
//! (`all.sol`) returns every irredundant cover of any size (Petrick with absorption),
//! ordered by size and then lexicographically. An uncoverable chart or an empty one gives
//! no model.

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
    cov: Vec<Bits>,
    row_cands: &'a [Vec<usize>],
    nrows: usize,
    excluded: Vec<bool>,
    chosen: Vec<usize>,
    found: Vec<Vec<usize>>,
    limit: usize,
}

impl Search<'_> {
    fn dfs(&mut self, uncovered: &Bits, budget: usize) {
        if self.found.len() >= self.limit {
            return;
        }
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

/// Every minimum-cardinality cover of rows 0..nrows by the PIs (`cover[p]` = rows covered
/// by PI p), in lexicographic order of PI indices. At most `limit` covers are returned.
pub fn minimum_covers(cover: &[Vec<usize>], nrows: usize, limit: usize) -> Vec<Vec<usize>> {
    if nrows == 0 || cover.is_empty() {
        return Vec::new();
    }
    let row_cands = row_candidates(cover, nrows);
    if row_cands.iter().any(|c| c.is_empty()) {
        return Vec::new();
    }
    let cov: Vec<Bits> = cover
        .iter()
        .map(|rows| {
            let mut b = bits_new(nrows);
            rows.iter().for_each(|r| set(&mut b, *r));
            b
        })
        .collect();
    let mut all = bits_new(nrows);
    (0..nrows).for_each(|r| set(&mut all, r));
    let mut s = Search {
        cov,
        row_cands: &row_cands,
        nrows,
        excluded: vec![false; cover.len()],
        chosen: Vec::new(),
        found: Vec::new(),
        limit,
    };
    for budget in 1..=cover.len() {
        s.dfs(&all, budget);
        if !s.found.is_empty() {
            break;
        }
    }
    let mut found = s.found;
    found.sort();
    found.dedup();
    found
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
    fn petrick() {
        // rows 0..2; PIs {0}, {0,1}, {1,2}, {2}
        let cov = vec![vec![0], vec![0, 1], vec![1, 2], vec![2]];
        assert_eq!(
            irredundant_covers(&cov, 3),
            vec![vec![0, 2], vec![1, 2], vec![1, 3]]
        );
    }
}
