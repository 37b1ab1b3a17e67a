//! Engine stage: NCA outliers, as R's `nca_outliers` (NCA 5.0.1) finds them
//! (docs/methods.md §3.9).
//!
//! For one condition and one ceiling: the cases (and, with k > 1, the combinations of up
//! to k cases) whose removal changes the effect size, with the absolute and relative
//! change and the reference's flags — the removed cases include a peer of the ceiling
//! ("ceiling"), the removal changes the scope ("scope"). Candidates, evaluation, the
//! `min_dif` filter, the order and the labels of combinations follow the reference
//! (r-nca-protocol §2 as summarised in docs/methods.md §3.9); numbers are unrounded (the
//! report rounds as R prints). Guarantees: cases are row numbers of the input (0-based);
//! a removal that leaves no analysable data gives the effect NaN (counted as no change,
//! as the reference does); never panics.

use super::result::NcaResult;
use super::types::{Ceiling, NcaError, NcaOptions};

/// Options of an outlier search.
#[derive(Clone, Debug, PartialEq)]
pub struct OutlierOptions {
    /// Largest number of cases removed together.
    pub k: usize,
    /// Rows whose |relative change| (in percent, rounded to 2 decimals) is below this are
    /// dropped (the reference's `min.dif`).
    pub min_dif: f64,
    /// Rows reported as shown (`max.results`); the rest are counted as hidden.
    pub max_results: usize,
    /// Most combinations evaluated; a search needing more is refused before it starts.
    pub max_combinations: u128,
}

impl Default for OutlierOptions {
    fn default() -> Self {
        OutlierOptions {
            k: 1,
            min_dif: 1e-2,
            max_results: 25,
            max_combinations: 1_000_000,
        }
    }
}

/// One candidate set that changes the effect size.
#[derive(Clone, Debug, PartialEq)]
pub struct OutlierRow {
    /// The removed cases in label order (by decreasing |relative change| of each case on
    /// its own).
    pub cases: Vec<usize>,
    /// Effect size with every case, and without these.
    pub eff_or: f64,
    pub eff_nw: f64,
    pub dif_abs: f64,
    /// In percent of `eff_or` (∞ when the original effect is 0 and the new one is not).
    pub dif_rel: f64,
    /// A removed case is a peer of the ceiling (always for COLS, QR, C-LP).
    pub ceiling: bool,
    /// The removal changes the scope or the empirical ranges; `None` with a theoretical
    /// scope (the reference reports no scope flag then).
    pub scope: Option<bool>,
}

/// The outliers of one condition and ceiling.
#[derive(Clone, Debug, PartialEq)]
pub struct Outliers {
    pub ceiling: Ceiling,
    pub k: usize,
    /// Every kept row, in the reference's order; the first `shown` are reported.
    pub rows: Vec<OutlierRow>,
    pub shown: usize,
    /// Candidates of single removals, and (k > 1) of combinations.
    pub candidates_k1: Vec<usize>,
    pub candidates: Vec<usize>,
    /// Combinations of 2..=k candidates evaluated.
    pub combinations: usize,
}

/// Ceilings the reference treats as peerless: every case is a candidate and every removal
/// touches the ceiling.
fn without_peers(c: &Ceiling) -> bool {
    matches!(
        c,
        Ceiling::Cols | Ceiling::Qr | Ceiling::CLp | Ceiling::Custom { .. }
    )
}

/// The reference's summary values compared for the scope flag.
fn summary(r: &NcaResult) -> [f64; 5] {
    [r.scope, r.xmin, r.xmax, r.ymin, r.ymax]
}

struct Search<'a> {
    x: &'a [f64],
    y: &'a [f64],
    opts: NcaOptions,
    ceiling: Ceiling,
    base: NcaResult,
    eff_or: f64,
    theoretical_scope: bool,
}

impl Search<'_> {
    /// The analysis without the cases `removed`.
    fn without(&self, removed: &[usize]) -> Option<NcaResult> {
        let mut x = self.x.to_vec();
        for &i in removed {
            if let Some(v) = x.get_mut(i) {
                *v = f64::NAN;
            }
        }
        super::analyse(&x, self.y, &self.opts).ok()
    }

    fn effect(r: &NcaResult, c: &Ceiling) -> f64 {
        r.ceiling(c).map_or(f64::NAN, |c| c.effect_size)
    }

    /// Peers of the ceiling in `r`, then the cases left at each extreme of the original
    /// data (the reference's global Xmin, Xmax, Ymin, Ymax) when at most `k` share it
    /// (every case for COLS, QR, C-LP and custom lines), without repeats.
    fn names_of(&self, r: &NcaResult, removed: &[usize], k: usize) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        let alive = |i: usize| {
            !removed.contains(&i)
                && self.x.get(i).is_some_and(|v| !v.is_nan())
                && self.y.get(i).is_some_and(|v| !v.is_nan())
        };
        if without_peers(&self.ceiling) {
            return (0..self.x.len()).filter(|i| alive(*i)).collect();
        }
        if let Some(c) = r.ceiling(&self.ceiling) {
            out.extend(c.peers.iter().map(|p| p.index));
        }
        // The cases at the data's own extremes (the empirical scope: R reads Xmin … Ymax off
        // the summary's empirical values), also under a theoretical scope.
        let e = &self.base.scope_detail.emp;
        for (col, v) in [
            (self.x, e[0]),
            (self.x, e[1]),
            (self.y, e[2]),
            (self.y, e[3]),
        ] {
            let at: Vec<usize> = (0..col.len())
                .filter(|i| alive(*i) && col[*i] == v)
                .collect();
            if at.len() <= k {
                out.extend(at);
            }
        }
        let mut seen = Vec::new();
        out.retain(|i| {
            let new = !seen.contains(i);
            seen.push(*i);
            new
        });
        out
    }

    /// The row of removing `set`, or `None` when the change is below `min_dif`.
    fn evaluate(&self, set: &[usize], min_dif: f64, on_line_rule: bool) -> Option<OutlierRow> {
        let r = self.without(set);
        let eff_nw = r
            .as_ref()
            .map_or(f64::NAN, |r| Self::effect(r, &self.ceiling));
        let dif_abs = if eff_nw.is_nan() {
            0.0
        } else {
            eff_nw - self.eff_or
        };
        let dif_rel = if self.eff_or < 1e-10 {
            if dif_abs < 1e-10 {
                0.0
            } else {
                f64::INFINITY
            }
        } else {
            100.0 * dif_abs / self.eff_or
        };
        if round2(dif_rel.abs()) < min_dif {
            return None;
        }
        let always_ceiling = without_peers(&self.ceiling);
        let peers: Vec<usize> = self
            .base
            .ceiling(&self.ceiling)
            .map(|c| c.peers.iter().map(|p| p.index).collect())
            .unwrap_or_default();
        let ceiling = always_ceiling || set.iter().any(|i| peers.contains(i));
        let changed = match &r {
            Some(r) => summary(r) != summary(&self.base),
            None => true,
        };
        let scope = (!self.theoretical_scope).then_some(changed);
        if on_line_rule
            && matches!(self.ceiling, Ceiling::Cols | Ceiling::CLp)
            && !changed
            && !set.iter().all(|i| self.on_line(*i))
        {
            return None;
        }
        Some(OutlierRow {
            cases: set.to_vec(),
            eff_or: self.eff_or,
            eff_nw,
            dif_abs,
            dif_rel,
            ceiling,
            scope,
        })
    }

    /// The case lies on the original line (R's `all.equal`, tolerance 1.5e-8).
    fn on_line(&self, i: usize) -> bool {
        let Some(c) = self.base.ceiling(&self.ceiling) else {
            return false;
        };
        let (Some(s), Some(b)) = (c.slope, c.intercept) else {
            return false;
        };
        let (xi, yi) = (self.x[i], self.y[i]);
        let fit = b + s * xi;
        let scale = yi.abs();
        let diff = (yi - fit).abs();
        if scale > 0.0 {
            diff / scale < 1.5e-8
        } else {
            diff < 1.5e-8
        }
    }
}

/// R's `round(v, 2)` for the `min_dif` filter (half away from zero on the decimal value).
fn round2(v: f64) -> f64 {
    if !v.is_finite() {
        return v;
    }
    (v * 100.0).round() / 100.0
}

/// Sort as the reference: by decreasing |relative change|, then |absolute change|, then
/// fewer cases; ties keep their order.
fn sort_rows(rows: &mut [OutlierRow]) {
    rows.sort_by(|a, b| {
        b.dif_rel
            .abs()
            .total_cmp(&a.dif_rel.abs())
            .then(b.dif_abs.abs().total_cmp(&a.dif_abs.abs()))
            .then(a.cases.len().cmp(&b.cases.len()))
    });
}

/// n choose k, saturating.
fn binomial(n: u128, k: u128) -> u128 {
    if k > n {
        return 0;
    }
    let mut r: u128 = 1;
    for i in 0..k.min(n - k) {
        r = r.saturating_mul(n - i) / (i + 1);
    }
    r
}

/// Every combination of `size` items of `names`, in R's `combn` order.
fn combinations(names: &[usize], size: usize, out: &mut Vec<Vec<usize>>) {
    let n = names.len();
    if size == 0 || size > n {
        return;
    }
    let mut idx: Vec<usize> = (0..size).collect();
    loop {
        out.push(idx.iter().map(|i| names[*i]).collect());
        let mut i = size;
        while i > 0 && idx[i - 1] == n - size + i - 1 {
            i -= 1;
        }
        if i == 0 {
            return;
        }
        idx[i - 1] += 1;
        for j in i..size {
            idx[j] = idx[j - 1] + 1;
        }
    }
}

/// The outliers of condition `x` for outcome `y` and the one ceiling of `opts`.
pub fn outliers(
    x: &[f64],
    y: &[f64],
    opts: &NcaOptions,
    o: &OutlierOptions,
) -> Result<Outliers, NcaError> {
    let ceiling = opts.ceilings.first().copied().unwrap_or(Ceiling::CeFdh);
    let one = NcaOptions {
        ceilings: vec![ceiling],
        permutations: 0,
        ..opts.clone()
    };
    let base = super::analyse(x, y, &one)?;
    let n = base.n;
    let k = o.k.clamp(1, n.max(1));
    let s = Search {
        x,
        y,
        eff_or: Search::effect(&base, &ceiling),
        theoretical_scope: opts.scope.is_some(),
        opts: one,
        ceiling,
        base,
    };
    // single removals: the k = 1 candidates
    let candidates_k1 = s.names_of(&s.base, &[], 1);
    let mut singles: Vec<OutlierRow> = candidates_k1
        .iter()
        .filter_map(|i| s.evaluate(&[*i], o.min_dif, true))
        .collect();
    sort_rows(&mut singles);
    if k == 1 {
        let shown = singles.len().min(o.max_results);
        return Ok(Outliers {
            ceiling,
            k,
            shown,
            candidates: candidates_k1.clone(),
            candidates_k1,
            rows: singles,
            combinations: 0,
        });
    }
    // names for combinations: the k rule, then k − 1 reruns without the names so far
    let mut names = s.names_of(&s.base, &[], k);
    for _ in 1..k {
        let Some(r) = s.without(&names) else {
            break;
        };
        for i in s.names_of(&r, &names, k) {
            if !names.contains(&i) {
                names.push(i);
            }
        }
    }
    let needed: u128 = (2..=k)
        .map(|s| binomial(names.len() as u128, s as u128))
        .fold(0u128, |a, b| a.saturating_add(b));
    if needed > o.max_combinations {
        return Err(NcaError::TooManyCombinations(needed));
    }
    let mut combos: Vec<Vec<usize>> = Vec::new();
    for size in (2..=k).rev() {
        combinations(&names, size, &mut combos);
    }
    let own = |i: usize| -> f64 {
        singles
            .iter()
            .find(|r| r.cases == [i])
            .map_or(0.0, |r| r.dif_rel.abs())
    };
    let mut rows = singles.clone();
    for c in &combos {
        if let Some(mut row) = s.evaluate(c, o.min_dif, false) {
            // label order: by decreasing |relative change| of each case alone, stable
            let mut order: Vec<usize> = row.cases.clone();
            order.sort_by(|a, b| own(*b).total_cmp(&own(*a)));
            row.cases = order;
            rows.push(row);
        }
    }
    sort_rows(&mut rows);
    let shown = rows.len().min(o.max_results);
    Ok(Outliers {
        ceiling,
        k,
        shown,
        candidates_k1,
        candidates: names,
        combinations: combos.len(),
        rows,
    })
}
