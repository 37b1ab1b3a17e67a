//! Engine stage: composite indices — the entropy-weight index (docs/methods.md, "Composite
//! indices"), optionally weighted within groups, and the plain mean.
//!
//! Guarantees: weights from min–max normalised indicators (a negative indicator reversed),
//! 0·ln 0 = 0; cases missing an indicator get a missing index and do not enter the weights;
//! groups keep their order of first appearance. Never panics.

/// How an index combines its indicators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexFunction {
    Entropy,
    Mean,
}

impl IndexFunction {
    pub fn name(self) -> &'static str {
        match self {
            IndexFunction::Entropy => "entropy",
            IndexFunction::Mean => "mean",
        }
    }
}

/// Weights per group (`None`: no grouping) and the index value of each case.
#[derive(Debug, Clone, PartialEq)]
pub struct Index {
    pub weights: Vec<(Option<String>, Vec<f64>)>,
    pub values: Vec<f64>,
}

/// A constant (or all-missing) indicator: its position and the group it is constant in.
#[derive(Debug, Clone, PartialEq)]
pub struct ConstantIndicator {
    pub indicator: usize,
    pub group: Option<String>,
}

/// Computes an index of `cols` (values, negative?) — entropy weights within each group of
/// `groups` (a label per case) when given, or the mean of the (signed) indicators.
pub fn compute(
    function: IndexFunction,
    cols: &[(Vec<f64>, bool)],
    groups: Option<&[String]>,
) -> Result<Index, ConstantIndicator> {
    let n = cols.first().map(|c| c.0.len()).unwrap_or(0);
    match (function, groups) {
        (IndexFunction::Mean, _) => {
            let w = vec![1.0 / cols.len().max(1) as f64; cols.len()];
            let values = (0..n)
                .map(|i| {
                    cols.iter()
                        .map(|(c, neg)| if *neg { -c[i] } else { c[i] })
                        .sum::<f64>()
                        / cols.len().max(1) as f64
                })
                .collect();
            Ok(Index {
                weights: vec![(None, w)],
                values,
            })
        }
        (IndexFunction::Entropy, None) => {
            let (w, values) = entropy_weights(cols).map_err(|j| ConstantIndicator {
                indicator: j,
                group: None,
            })?;
            Ok(Index {
                weights: vec![(None, w)],
                values,
            })
        }
        (IndexFunction::Entropy, Some(labels)) => {
            let mut order: Vec<&String> = Vec::new();
            for l in labels {
                if !order.contains(&l) {
                    order.push(l);
                }
            }
            let mut values = vec![f64::NAN; n];
            let mut weights = Vec::new();
            for g in order {
                let rows: Vec<usize> = (0..n).filter(|&i| &labels[i] == g).collect();
                let sub: Vec<(Vec<f64>, bool)> = cols
                    .iter()
                    .map(|(c, neg)| (rows.iter().map(|&i| c[i]).collect(), *neg))
                    .collect();
                let (w, v) = entropy_weights(&sub).map_err(|j| ConstantIndicator {
                    indicator: j,
                    group: Some(g.clone()),
                })?;
                for (k, &i) in rows.iter().enumerate() {
                    values[i] = v[k];
                }
                weights.push((Some(g.clone()), w));
            }
            Ok(Index { weights, values })
        }
    }
}

/// Weights and index values. `Err(j)` names an indicator that is constant (or all missing).
pub fn entropy_weights(cols: &[(Vec<f64>, bool)]) -> Result<(Vec<f64>, Vec<f64>), usize> {
    let n = cols.first().map(|c| c.0.len()).unwrap_or(0);
    let complete: Vec<usize> = (0..n)
        .filter(|&i| cols.iter().all(|(c, _)| !c[i].is_nan()))
        .collect();
    let m = complete.len() as f64;
    let mut normalised: Vec<Vec<f64>> = Vec::with_capacity(cols.len());
    let mut d = Vec::with_capacity(cols.len());
    for (j, (c, negative)) in cols.iter().enumerate() {
        let vals: Vec<f64> = complete.iter().map(|&i| c[i]).collect();
        let (min, max) = vals
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                (a.min(*v), b.max(*v))
            });
        if vals.is_empty() || max <= min {
            return Err(j);
        }
        let x: Vec<f64> = c
            .iter()
            .map(|v| {
                if *negative {
                    (max - v) / (max - min)
                } else {
                    (v - min) / (max - min)
                }
            })
            .collect();
        let total: f64 = complete.iter().map(|&i| x[i]).sum();
        let mut e = 0.0;
        for &i in &complete {
            let p = x[i] / total;
            if p > 0.0 {
                e += p * p.ln();
            }
        }
        let e = if m > 1.0 { -e / m.ln() } else { 0.0 };
        d.push(1.0 - e);
        normalised.push(x);
    }
    let sum_d: f64 = d.iter().sum();
    let w: Vec<f64> = d
        .iter()
        .map(|dj| {
            if sum_d > 0.0 {
                dj / sum_d
            } else {
                1.0 / d.len() as f64
            }
        })
        .collect();
    let values = (0..n)
        .map(|i| {
            if cols.iter().any(|(c, _)| c[i].is_nan()) {
                f64::NAN
            } else {
                normalised.iter().zip(&w).map(|(x, wj)| x[i] * wj).sum()
            }
        })
        .collect();
    Ok((w, values))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_calculation() {
        // a = [0, 1, 2] → x' = [0, 0.5, 1], p = [0, 1/3, 2/3],
        // e = -(1/ln 3)(1/3 ln 1/3 + 2/3 ln 2/3); b = -[0, 2, 1] (negative of [0,2,1] reversed):
        // x' = (2 - v)/2 = [1, 0, 0.5] → same p multiset → same entropy → equal weights.
        let (w, v) = entropy_weights(&[(vec![0.0, 1.0, 2.0], false), (vec![0.0, 2.0, 1.0], true)])
            .expect("weights");
        assert!((w[0] - 0.5).abs() < 1e-15 && (w[1] - 0.5).abs() < 1e-15);
        assert!((v[0] - 0.5).abs() < 1e-15);
        assert!((v[1] - 0.25).abs() < 1e-15);
        assert!((v[2] - 0.75).abs() < 1e-15);
        let e: f64 = -(1.0 / 3f64.ln())
            * ((1.0f64 / 3.0) * (1.0f64 / 3.0).ln() + (2.0f64 / 3.0) * (2.0f64 / 3.0).ln());
        assert!(e > 0.0 && e < 1.0);
        assert_eq!(entropy_weights(&[(vec![1.0, 1.0], false)]), Err(0));
    }
}
