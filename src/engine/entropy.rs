//! Engine stage: the entropy-weight composite index (METHODS.md §6).
//!
//! Guarantees: weights from min–max normalised indicators (a negative indicator reversed),
//! 0·ln 0 = 0; cases missing an indicator get a missing index and do not enter the weights.

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
