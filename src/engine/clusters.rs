//! Engine stage: panel (cluster) diagnostics of a sufficiency relation — consistency and
//! coverage pooled over all cases, between clusters (e.g. years) and within units (e.g.
//! countries), as SetMethods' `cluster()` reports them (docs/methods.md, "Panel diagnostics").
//!
//! Guarantees: groups in order of first appearance; each figure over exactly the cases of its
//! group; pure and never panics (an empty group gives NaN).

use super::sets::sufficiency;

/// Consistency and coverage of a sufficiency relation over some cases.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fit2 {
    pub consistency: f64,
    pub coverage: f64,
    pub n: usize,
}

/// Pooled, between-cluster and within-unit figures of one expression.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterFit {
    pub pooled: Fit2,
    pub between: Vec<(String, Fit2)>,
    pub within: Vec<(String, Fit2)>,
}

fn fit2(x: &[f64], y: &[f64], rows: &[usize]) -> Fit2 {
    let xs: Vec<f64> = rows.iter().map(|&i| x[i]).collect();
    let ys: Vec<f64> = rows.iter().map(|&i| y[i]).collect();
    let s = sufficiency(&xs, &ys);
    Fit2 {
        consistency: s.consistency,
        coverage: s.coverage,
        n: rows.len(),
    }
}

/// The cases of each label, labels in order of first appearance.
pub fn groups(labels: &[String]) -> Vec<(String, Vec<usize>)> {
    let mut out: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, l) in labels.iter().enumerate() {
        match out.iter_mut().find(|(g, _)| g == l) {
            Some((_, v)) => v.push(i),
            None => out.push((l.clone(), vec![i])),
        }
    }
    out
}

/// The figures of `x → y` pooled, per cluster label and (if given) per unit label.
pub fn cluster_fit(
    x: &[f64],
    y: &[f64],
    clusters: &[String],
    units: Option<&[String]>,
) -> ClusterFit {
    let all: Vec<usize> = (0..y.len()).collect();
    let per = |labels: &[String]| -> Vec<(String, Fit2)> {
        groups(labels)
            .into_iter()
            .map(|(g, idx)| (g, fit2(x, y, &idx)))
            .collect()
    };
    ClusterFit {
        pooled: fit2(x, y, &all),
        between: per(clusters),
        within: units.map(per).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_hand() {
        // x = [1, 0.5, 0.2, 0.8], y = [1, 0.4, 0.6, 0.9]; clusters a a b b.
        // pooled: Σmin = 1 + 0.4 + 0.2 + 0.8 = 2.4; Σx = 2.5; Σy = 2.9.
        // a: Σmin = 1.4, Σx = 1.5, Σy = 1.4; b: Σmin = 1.0, Σx = 1.0, Σy = 1.5.
        let x = [1.0, 0.5, 0.2, 0.8];
        let y = [1.0, 0.4, 0.6, 0.9];
        let c: Vec<String> = ["a", "a", "b", "b"].iter().map(|s| s.to_string()).collect();
        let f = cluster_fit(&x, &y, &c, None);
        assert!((f.pooled.consistency - 2.4 / 2.5).abs() < 1e-15);
        assert!((f.pooled.coverage - 2.4 / 2.9).abs() < 1e-15);
        assert_eq!(f.between[0].0, "a");
        assert!((f.between[0].1.consistency - 1.4 / 1.5).abs() < 1e-15);
        assert!((f.between[1].1.coverage - 1.0 / 1.5).abs() < 1e-15);
        assert_eq!(f.between[1].1.n, 2);
        assert!(f.within.is_empty());
    }
}
