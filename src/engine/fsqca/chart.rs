//! Engine stage: the prime implicant chart (docs/methods.md §4.2, the chart).
//!
//! Guarantees: [`minimum_covers`] returns every cover of minimum cardinality (number of
//! PIs, not literals), each as ascending PI indices, in lexicographic order — the models
//! M1, M2, … of the reference; [`minimum_covers_counted`] also counts them and lists a
//! bounded selection when there are too many. Before any search the chart is reduced
//! exactly (essential classes, row dominance, rowless classes dropped) and split into
//! independent components, whose covers multiply. The search is exact: a depth-first search that branches on
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

/// The coverage classes of a chart (rows, members) and each row's candidate classes;
/// `None` for an empty chart or a row no PI covers.
#[allow(clippy::type_complexity)]
fn coverable_classes(
    cover: &[Vec<usize>],
    nrows: usize,
) -> Option<(Vec<Vec<usize>>, Vec<Vec<usize>>, Vec<Vec<usize>>)> {
    if nrows == 0 || cover.is_empty() {
        return None;
    }
    let (class_rows, members) = classes(cover);
    let row_cands = row_candidates(&class_rows, nrows);
    if row_cands.iter().any(|c| c.is_empty()) {
        return None;
    }
    Some((class_rows, members, row_cands))
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
        let (class_rows, members, row_cands) = coverable_classes(cover, nrows)?;
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
}

/// The minimum covers of a chart, possibly listed only in part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Covers {
    /// Covers as ascending PI indices, in lexicographic order: all of them when
    /// `listed.len() == total`, else a bounded selection.
    pub listed: Vec<Vec<usize>>,
    /// How many minimum covers exist (a lower bound when `exact` is false).
    pub total: u128,
    /// `total` is exact.
    pub exact: bool,
    /// PIs in every minimum cover (meaningful when `exact`).
    pub in_every: Vec<usize>,
}

/// A chart reduced before any search: the essential classes (a row only they
/// cover), then rows that another remaining row's candidates imply (row
/// dominance keeps every cover), classes left without rows dropped (they
/// are in no minimum cover), and what remains split into independent
/// components. Every minimum cover is the essential classes plus one
/// minimum cover of each component.
struct Reduced {
    /// Class → its PIs.
    members: Vec<Vec<usize>>,
    essential: Vec<usize>,
    /// Per component: `(class, rows of the component it covers)` in class order,
    /// and the component's number of rows.
    components: Vec<Component>,
}

/// The classes of one component with the component's rows they cover (numbered within
/// the component), and its number of rows.
type Component = (Vec<(usize, Vec<usize>)>, usize);

impl Reduced {
    fn new(cover: &[Vec<usize>], nrows: usize) -> Option<Reduced> {
        let (class_rows, members, row_cands) = coverable_classes(cover, nrows)?;
        let nclass = class_rows.len();
        let mut is_essential = vec![false; nclass];
        for c in &row_cands {
            if c.len() == 1 {
                is_essential[c[0]] = true;
            }
        }
        let mut covered = vec![false; nrows];
        for (c, rows) in class_rows.iter().enumerate() {
            if is_essential[c] {
                rows.iter().for_each(|r| covered[*r] = true);
            }
        }
        // row dominance: a row whose candidates include all of another
        // remaining row's is covered whenever that row is
        let mut left: Vec<usize> = (0..nrows).filter(|r| !covered[*r]).collect();
        left.sort_by_key(|r| (row_cands[*r].len(), *r));
        let mut kept_rows_of_class: Vec<Vec<usize>> = vec![Vec::new(); nclass];
        let mut kept: Vec<usize> = Vec::new();
        for &r in &left {
            let cands = &row_cands[r];
            let implied = cands.iter().any(|c| {
                kept_rows_of_class[*c].iter().any(|q| {
                    let qc = &row_cands[*q];
                    qc.len() <= cands.len() && qc.iter().all(|x| cands.binary_search(x).is_ok())
                })
            });
            if !implied {
                kept.push(r);
                cands.iter().for_each(|c| kept_rows_of_class[*c].push(r));
            }
        }
        // components over the kept rows (union–find through shared classes)
        let mut parent: Vec<usize> = (0..nrows).collect();
        fn find(p: &mut [usize], mut x: usize) -> usize {
            while p[x] != x {
                p[x] = p[p[x]];
                x = p[x];
            }
            x
        }
        for rows in &kept_rows_of_class {
            for w in rows.windows(2) {
                let (a, b) = (find(&mut parent, w[0]), find(&mut parent, w[1]));
                if a != b {
                    parent[a.max(b)] = a.min(b);
                }
            }
        }
        let mut comp_of_root: std::collections::BTreeMap<usize, usize> = Default::default();
        let mut local: Vec<usize> = vec![usize::MAX; nrows];
        let mut sizes: Vec<usize> = Vec::new();
        kept.sort_unstable();
        for &r in &kept {
            let root = find(&mut parent, r);
            let k = *comp_of_root.entry(root).or_insert_with(|| {
                sizes.push(0);
                sizes.len() - 1
            });
            local[r] = sizes[k];
            sizes[k] += 1;
        }
        let mut components: Vec<Component> = sizes.iter().map(|n| (Vec::new(), *n)).collect();
        for (c, rows) in kept_rows_of_class.iter().enumerate() {
            if rows.is_empty() || is_essential[c] {
                continue;
            }
            let k = comp_of_root[&find(&mut parent, rows[0])];
            let mut lr: Vec<usize> = rows.iter().map(|r| local[*r]).collect();
            lr.sort_unstable();
            components[k].0.push((c, lr));
        }
        let essential = (0..nclass).filter(|c| is_essential[*c]).collect();
        Some(Reduced {
            members,
            essential,
            components,
        })
    }
}

/// The minimum covers of one component, as global class indices (ascending
/// within a cover); `None` when `nodes` search nodes do not suffice, `Some`
/// with `complete == false` when more than `limit` covers exist.
fn component_covers(
    comp: &[(usize, Vec<usize>)],
    nrows: usize,
    limit: usize,
    nodes: &mut u64,
) -> Option<(Vec<Vec<usize>>, bool)> {
    let cover: Vec<Vec<usize>> = comp.iter().map(|(_, rows)| rows.clone()).collect();
    let chart = ClassChart::new(&cover, nrows)?;
    let mut s = Search {
        cov: &chart.cov,
        row_cands: &chart.row_cands,
        nrows: chart.nrows,
        excluded: vec![false; chart.cov.len()],
        chosen: Vec::new(),
        found: Vec::new(),
        limit: limit.saturating_add(1),
        nodes_left: *nodes,
    };
    s.dfs(&chart.all, chart.size);
    if s.nodes_left == 0 {
        return None;
    }
    *nodes = s.nodes_left;
    let complete = s.found.len() <= limit;
    s.found.truncate(limit);
    // local classes (identical coverage within the component) → global classes
    let mut out = Vec::new();
    for cc in s.found {
        let mut partial: Vec<Vec<usize>> = vec![Vec::new()];
        for lc in cc {
            partial = partial
                .into_iter()
                .flat_map(|p| {
                    chart.members[lc].iter().map(move |m| {
                        let mut q = p.clone();
                        q.push(comp[*m].0);
                        q
                    })
                })
                .collect();
        }
        out.extend(partial);
    }
    out.iter_mut().for_each(|c| c.sort_unstable());
    Some((out, complete))
}

/// Every minimum-cardinality cover of rows 0..nrows by the PIs (`cover[p]` = rows covered
/// by PI p), in lexicographic order of PI indices. At most `limit` covers are returned.
pub fn minimum_covers(cover: &[Vec<usize>], nrows: usize, limit: usize) -> Vec<Vec<usize>> {
    minimum_covers_counted(cover, nrows, limit).listed
}

/// Covers per component kept while counting (the rest are only counted).
const COMPONENT_LIMIT: usize = 100_000;

/// [`minimum_covers`] with the number of minimum covers: all are listed when
/// there are at most `limit`, else the first `limit` of the product of the
/// components' covers (in the components' order), sorted.
pub fn minimum_covers_counted(cover: &[Vec<usize>], nrows: usize, limit: usize) -> Covers {
    let none = Covers {
        listed: Vec::new(),
        total: 0,
        exact: true,
        in_every: Vec::new(),
    };
    let Some(red) = Reduced::new(cover, nrows) else {
        return none;
    };
    // per component: its covers as global classes
    let mut per: Vec<Vec<Vec<usize>>> = Vec::new();
    let mut exact = true;
    for (comp, n) in &red.components {
        match component_covers(comp, *n, COMPONENT_LIMIT, &mut u64::MAX.clone()) {
            Some((covers, complete)) if !covers.is_empty() => {
                exact &= complete;
                per.push(covers);
            }
            _ => return none,
        }
    }
    let members = &red.members;
    // the product over the essential classes (as one-class choices) and the
    // components, each class then expanded into its member PIs
    let mut factors: Vec<Vec<Vec<usize>>> = red.essential.iter().map(|c| vec![vec![*c]]).collect();
    factors.extend(per);
    let expanded: Vec<Vec<Vec<usize>>> = factors
        .iter()
        .map(|f| {
            let mut out: Vec<Vec<usize>> = Vec::new();
            for classes in f {
                let mut partial: Vec<Vec<usize>> = vec![Vec::new()];
                for c in classes {
                    partial = partial
                        .into_iter()
                        .flat_map(|p| {
                            members[*c].iter().map(move |m| {
                                let mut q = p.clone();
                                q.push(*m);
                                q
                            })
                        })
                        .take(limit.saturating_add(1))
                        .collect();
                }
                out.extend(partial);
                if out.len() > limit {
                    break;
                }
            }
            out
        })
        .collect();
    let total = factors
        .iter()
        .map(|f| {
            f.iter()
                .map(|classes| {
                    classes
                        .iter()
                        .fold(1u128, |a, c| a.saturating_mul(members[*c].len() as u128))
                })
                .fold(0u128, |a, b| a.saturating_add(b))
        })
        .fold(1u128, |a, b| a.saturating_mul(b));
    // PIs in every cover: a one-member class that every cover of its factor uses
    let mut in_every: Vec<usize> = Vec::new();
    for f in &factors {
        if let Some(first) = f.first() {
            for c in first {
                if members[*c].len() == 1 && f.iter().all(|k| k.contains(c)) {
                    in_every.push(members[*c][0]);
                }
            }
        }
    }
    in_every.sort_unstable();
    // odometer over the expanded factors, at most `limit` covers
    let mut listed: Vec<Vec<usize>> = Vec::new();
    let mut at = vec![0usize; expanded.len()];
    if expanded.iter().all(|e| !e.is_empty()) {
        'odometer: while listed.len() < limit {
            let mut c: Vec<usize> = at
                .iter()
                .zip(&expanded)
                .flat_map(|(i, e)| e[*i].iter().copied())
                .collect();
            c.sort_unstable();
            listed.push(c);
            for k in (0..at.len()).rev() {
                at[k] += 1;
                if at[k] < expanded[k].len() {
                    continue 'odometer;
                }
                at[k] = 0;
            }
            break;
        }
    }
    listed.sort();
    listed.dedup();
    Covers {
        listed,
        total,
        exact,
        in_every,
    }
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
    let Some(red) = Reduced::new(cover, nrows) else {
        return Some(Vec::new());
    };
    let mut used: Vec<usize> = red.essential.clone();
    let nclass = red.members.len() as u64;
    let mut nodes = work / nclass.max(1);
    for (comp, n) in &red.components {
        let (covers, complete) = component_covers(comp, *n, usize::MAX - 1, &mut nodes)?;
        if !complete {
            return None;
        }
        used.extend(covers.into_iter().flatten());
    }
    let mut pis: Vec<usize> = used
        .into_iter()
        .flat_map(|c| red.members[c].iter().copied())
        .collect();
    pis.sort_unstable();
    pis.dedup();
    Some(pis)
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

    /// Every minimum cover by brute force over all subsets of PIs.
    fn brute_minimum(cov: &[Vec<usize>], nrows: usize) -> Vec<Vec<usize>> {
        let npi = cov.len();
        let mut best: Vec<Vec<usize>> = Vec::new();
        let mut best_size = usize::MAX;
        for mask in 1u32..(1 << npi) {
            let size = mask.count_ones() as usize;
            if size > best_size {
                continue;
            }
            let mut hit = vec![false; nrows];
            for (p, rows) in cov.iter().enumerate() {
                if mask >> p & 1 == 1 {
                    rows.iter().for_each(|r| hit[*r] = true);
                }
            }
            if hit.iter().all(|h| *h) {
                if size < best_size {
                    best_size = size;
                    best.clear();
                }
                best.push((0..npi).filter(|p| mask >> p & 1 == 1).collect());
            }
        }
        best.sort();
        best
    }

    #[test]
    fn reduced_chart_finds_every_minimum_cover_of_random_charts() {
        let mut state: u64 = 99;
        let mut next = |k: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % k
        };
        for _ in 0..400 {
            let nrows = 1 + next(10) as usize;
            let npi = 1 + next(12) as usize;
            let cov: Vec<Vec<usize>> = (0..npi)
                .map(|_| (0..nrows).filter(|_| next(3) == 0).collect())
                .collect();
            let want = brute_minimum(&cov, nrows);
            let got = minimum_covers_counted(&cov, nrows, usize::MAX);
            assert_eq!(got.listed, want, "{cov:?}");
            assert_eq!(got.total, want.len() as u128);
            assert!(got.exact);
            let every: Vec<usize> = (0..npi)
                .filter(|p| !want.is_empty() && want.iter().all(|c| c.contains(p)))
                .collect();
            assert_eq!(got.in_every, every, "{cov:?}");
            let mut used: Vec<usize> = want.iter().flatten().copied().collect();
            used.sort_unstable();
            used.dedup();
            assert_eq!(pis_in_minimum_covers(&cov, nrows), used);
        }
    }

    #[test]
    fn many_minimum_covers_are_counted_and_listed_in_part() {
        // 11 independent pairs of rows {2i, 2i+1}, each coverable by PI 3i (both rows)
        // or 3i+1 (both rows), and PI 3i+2 covering row 2i only: 2^11 = 2048 minimum
        // covers of 11 PIs; PI 33 covers row 22 alone and is in every cover.
        let mut cov: Vec<Vec<usize>> = Vec::new();
        for i in 0..11 {
            cov.push(vec![2 * i, 2 * i + 1]);
            cov.push(vec![2 * i, 2 * i + 1]);
            cov.push(vec![2 * i]);
        }
        cov.push(vec![22]);
        let got = minimum_covers_counted(&cov, 23, 1000);
        assert_eq!(got.total, 2048);
        assert!(got.exact);
        assert_eq!(got.listed.len(), 1000);
        assert_eq!(got.in_every, vec![33]);
        let mut sorted = got.listed.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted, got.listed);
        for c in &got.listed {
            assert_eq!(c.len(), 12);
            let mut hit = [false; 23];
            c.iter()
                .for_each(|p| cov[*p].iter().for_each(|r| hit[*r] = true));
            assert!(hit.iter().all(|h| *h));
        }
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
