//! Engine stage: panel (cluster) diagnostics of a set relation — consistency and coverage
//! pooled over all cases, between clusters (e.g. years) and within units (e.g. countries),
//! and the distances of the between and within consistencies from the pooled one, exactly as
//! SetMethods' `cluster()` computes them (docs/methods.md §7).
//!
//! Guarantees: SetMethods' arithmetic — memberships summed per (unit, cluster) cell, every
//! ratio (a + 1e-10) / (b + 1e-10) (so a group where the term never occurs reads 1), groups in
//! sorted label order (byte order); pure and never panics.

use std::collections::BTreeMap;

/// Sufficiency (X ⊆ Y: consistency Σmin/ΣX) or necessity (Y ⊆ X: consistency Σmin/ΣY).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    Sufficiency,
    Necessity,
}

/// Consistency and coverage of a relation over some cases, with the sums behind them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fit2 {
    pub consistency: f64,
    pub coverage: f64,
    /// Number of cases.
    pub n: usize,
    /// Σ min(X, Y) over the group's cells (pooled: over the cases).
    pub sum_min: f64,
    pub sum_x: f64,
    pub sum_y: f64,
}

/// Pooled, between-cluster and within-unit figures of one expression, and the distances.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterFit {
    pub relation: Relation,
    pub pooled: Fit2,
    pub between: Vec<(String, Fit2)>,
    pub within: Vec<(String, Fit2)>,
    /// Distance of the between consistencies from the pooled one (dBP).
    pub d_between: f64,
    /// The same for the within consistencies (dWP); `None` without units.
    pub d_within: Option<f64>,
}

/// SetMethods' guarded ratio: (a + 1e-10) / (b + 1e-10).
fn ratio(a: f64, b: f64) -> f64 {
    (a + 1e-10) / (b + 1e-10)
}

fn fit(relation: Relation, sum_min: f64, sum_x: f64, sum_y: f64, n: usize) -> Fit2 {
    let (cons, cov) = match relation {
        Relation::Sufficiency => (ratio(sum_min, sum_x), ratio(sum_min, sum_y)),
        Relation::Necessity => (ratio(sum_min, sum_y), ratio(sum_min, sum_x)),
    };
    Fit2 {
        consistency: cons,
        coverage: cov,
        n,
        sum_min,
        sum_x,
        sum_y,
    }
}

/// dBP / dWP: sqrt(Σ_g ((c_g + 1e-10) / (Σ_h c_h + 1e-10) − 1/G)²).
fn distance(groups: &[(String, Fit2)]) -> f64 {
    let g = groups.len() as f64;
    let total: f64 = groups.iter().map(|(_, f)| f.consistency).sum();
    groups
        .iter()
        .map(|(_, f)| {
            let d = (f.consistency + 1e-10) / (total + 1e-10) - 1.0 / g;
            d * d
        })
        .sum::<f64>()
        .sqrt()
}

/// The figures of `x` against `y` pooled, per cluster label and (if given) per unit label.
/// Without units every case is its own cell.
pub fn cluster_fit(
    x: &[f64],
    y: &[f64],
    clusters: &[String],
    units: Option<&[String]>,
    relation: Relation,
) -> ClusterFit {
    let n = x.len().min(y.len()).min(clusters.len());
    let unit_of = |i: usize| -> String {
        match units {
            Some(u) => u.get(i).cloned().unwrap_or_default(),
            None => format!("{i:020}"),
        }
    };
    // Cells: (unit, cluster) → (ΣX, ΣY, cases).
    let mut cells: BTreeMap<(String, String), (f64, f64, usize)> = BTreeMap::new();
    let (mut smin, mut sx, mut sy) = (0.0, 0.0, 0.0);
    for i in 0..n {
        smin += x[i].min(y[i]);
        sx += x[i];
        sy += y[i];
        let c = cells
            .entry((unit_of(i), clusters[i].clone()))
            .or_insert((0.0, 0.0, 0));
        c.0 += x[i];
        c.1 += y[i];
        c.2 += 1;
    }
    let pooled = fit(relation, smin, sx, sy, n);
    let group = |key: &dyn Fn(&(String, String)) -> &String| -> Vec<(String, Fit2)> {
        let mut acc: BTreeMap<String, (f64, f64, f64, usize)> = BTreeMap::new();
        for (k, (cx, cy, cn)) in &cells {
            let a = acc.entry(key(k).clone()).or_insert((0.0, 0.0, 0.0, 0));
            a.0 += cx.min(*cy);
            a.1 += cx;
            a.2 += cy;
            a.3 += cn;
        }
        acc.into_iter()
            .map(|(label, (m, gx, gy, gn))| (label, fit(relation, m, gx, gy, gn)))
            .collect()
    };
    let between = group(&|k| &k.1);
    let within = if units.is_some() {
        group(&|k| &k.0)
    } else {
        Vec::new()
    };
    ClusterFit {
        relation,
        d_between: distance(&between),
        d_within: units.map(|_| distance(&within)),
        pooled,
        between,
        within,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn by_hand() {
        // x = [1, 0.5, 0.2, 0.8], y = [1, 0.4, 0.6, 0.9]; clusters a a b b, every case its own
        // unit. pooled: Σmin = 2.4, Σx = 2.5, Σy = 2.9; a: Σmin = 1.4, Σx = 1.5, Σy = 1.4;
        // b: Σmin = 1.0, Σx = 1.0, Σy = 1.5; every ratio (s + 1e-10) / (t + 1e-10).
        let x = [1.0, 0.5, 0.2, 0.8];
        let y = [1.0, 0.4, 0.6, 0.9];
        let r = |a: f64, b: f64| (a + 1e-10) / (b + 1e-10);
        let f = cluster_fit(
            &x,
            &y,
            &labels(&["a", "a", "b", "b"]),
            None,
            Relation::Sufficiency,
        );
        assert!((f.pooled.consistency - r(2.4, 2.5)).abs() < 1e-15);
        assert!((f.pooled.coverage - r(2.4, 2.9)).abs() < 1e-15);
        assert_eq!(f.between[0].0, "a");
        assert!((f.between[0].1.consistency - r(1.4, 1.5)).abs() < 1e-15);
        assert!((f.between[1].1.coverage - r(1.0, 1.5)).abs() < 1e-15);
        assert_eq!(f.between[1].1.n, 2);
        assert!(f.within.is_empty() && f.d_within.is_none());
        // dBP: consistencies c_a, c_b; sqrt(Σ ((c + 1e-10)/(c_a + c_b + 1e-10) − 1/2)²).
        let (ca, cb) = (r(1.4, 1.5), r(1.0, 1.0));
        let want = (((ca + 1e-10) / (ca + cb + 1e-10) - 0.5).powi(2)
            + ((cb + 1e-10) / (ca + cb + 1e-10) - 0.5).powi(2))
        .sqrt();
        assert!((f.d_between - want).abs() < 1e-15);
    }

    #[test]
    fn a_unit_without_the_term_reads_one_and_cells_are_summed() {
        // Unit u2 never has x: its consistency is (0 + 1e-10)/(0 + 1e-10) = 1. Unit u1 has two
        // cases in cluster 1: its cell is min(ΣX, ΣY) = min(0.9, 0.7), not Σ min = 0.3 + 0.4.
        let x = [0.6, 0.3, 0.0, 0.0];
        let y = [0.3, 0.4, 0.5, 0.2];
        let f = cluster_fit(
            &x,
            &y,
            &labels(&["1", "1", "1", "2"]),
            Some(&labels(&["u1", "u1", "u2", "u2"])),
            Relation::Sufficiency,
        );
        assert_eq!(f.within[1].0, "u2");
        assert_eq!(f.within[1].1.consistency, 1.0);
        assert!((f.within[0].1.sum_min - 0.7).abs() < 1e-15);
        assert!((f.pooled.sum_min - 0.3 - 0.3).abs() < 1e-15);
        let n = cluster_fit(
            &x,
            &y,
            &labels(&["1", "1", "1", "2"]),
            None,
            Relation::Necessity,
        );
        assert!((n.pooled.consistency - (0.6 + 1e-10) / (1.4 + 1e-10)).abs() < 1e-15);
    }
}
