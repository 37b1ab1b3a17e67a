//! Engine stage: calibration of raw values into set memberships (docs/methods.md, "Calibration").
//!
//! Guarantees: the reference's formulas exactly — logistic direct calibration with separate
//! slopes below and above the crossover, the linear (s-shape) and bell forms, crisp thresholds
//! (a value equal to a threshold goes up), R's quantile type 7; memberships below 1e-4 become
//! 0 and above 0.9999 become 1, nothing else is rounded. Missing values (NaN) stay missing.
//! Anchors must be validated by the caller ([`check_anchors`]); the functions never panic.

/// An anchor as written: a value or a percentile of the column.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Anchor {
    Value(f64),
    Percentile(f64),
}

/// How a robustness sweep moves anchors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shift {
    /// Percentile anchors by percentile points (kept inside p0…p100); value anchors stay.
    PercentilePoints,
    /// Value anchors by an amount in the column's units; percentile anchors stay.
    Units,
}

impl Anchor {
    /// The anchor moved by `delta` — a percentile anchor by percentile points (kept inside
    /// p0…p100), or a value anchor by `delta` units — where `shift` says this kind moves.
    pub fn shifted(self, delta: f64, shift: Shift) -> Anchor {
        match (self, shift) {
            (Anchor::Percentile(p), Shift::PercentilePoints) => {
                Anchor::Percentile((p + delta).clamp(0.0, 100.0))
            }
            (Anchor::Value(v), Shift::Units) => Anchor::Value(v + delta),
            (a, _) => a,
        }
    }
}

/// A calibration with its anchors resolved to raw values (checked by the caller).
#[derive(Debug, Clone, PartialEq)]
pub enum Calibration {
    Direct {
        e: f64,
        c: f64,
        i: f64,
        idm: f64,
    },
    Linear {
        e: f64,
        c: f64,
        i: f64,
    },
    Bell([f64; 6]),
    /// Thresholds in increasing order.
    Crisp(Vec<f64>),
    Fuzzy,
}

impl Calibration {
    /// The memberships of raw values (NaN stays missing).
    pub fn apply(&self, raw: &[f64]) -> Vec<f64> {
        match self {
            Calibration::Direct { e, c, i, idm } => {
                raw.iter().map(|x| direct(*x, *e, *c, *i, *idm)).collect()
            }
            Calibration::Linear { e, c, i } => raw.iter().map(|x| linear(*x, *e, *c, *i)).collect(),
            Calibration::Bell(a) => raw.iter().map(|x| bell(*x, *a)).collect(),
            Calibration::Crisp(t) => raw.iter().map(|x| crisp(*x, t)).collect(),
            Calibration::Fuzzy => raw.to_vec(),
        }
    }
}

/// R QCA's default inclusion degree at the outer anchors.
pub const DEFAULT_IDM: f64 = 0.95;

/// The reference's snapping: < 1e-4 → 0, > 0.9999 → 1.
pub fn snap(m: f64) -> f64 {
    if m < 1e-4 {
        0.0
    } else if m > 0.9999 {
        1.0
    } else {
        m
    }
}

/// Logistic direct calibration with exclusion `e`, crossover `c`, inclusion `i`.
/// `e > i` gives a decreasing set (the anchors swap and the result is complemented).
pub fn direct(x: f64, e: f64, c: f64, i: f64, idm: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    let l = (idm / (1.0 - idm)).ln();
    let m = if e < i {
        logistic_increasing(x, e, c, i, l)
    } else {
        1.0 - logistic_increasing(x, i, c, e, l)
    };
    snap(m)
}

fn logistic_increasing(x: f64, e: f64, c: f64, i: f64, l: f64) -> f64 {
    if x >= c {
        1.0 / (1.0 + (-(x - c) * l / (i - c)).exp())
    } else {
        1.0 / (1.0 + (-(x - c) * l / (c - e)).exp())
    }
}

/// Piecewise-linear ("s-shape" with exponents 1) calibration, `logistic = FALSE` in R.
pub fn linear(x: f64, e: f64, c: f64, i: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    let m = if e < i {
        linear_increasing(x, e, c, i)
    } else {
        // decreasing: mirror
        linear_decreasing(x, i, c, e)
    };
    snap(m)
}

fn linear_increasing(x: f64, e: f64, c: f64, i: f64) -> f64 {
    if x <= e {
        0.0
    } else if x <= c {
        ((e - x) / (e - c)) / 2.0
    } else if x <= i {
        1.0 - ((i - x) / (i - c)) / 2.0
    } else {
        1.0
    }
}

/// Decreasing linear: full inclusion at or below `i`, crossover `c`, exclusion at or above `e`.
fn linear_decreasing(x: f64, i: f64, c: f64, e: f64) -> f64 {
    if x <= i {
        1.0
    } else if x <= c {
        1.0 - ((i - x) / (i - c)) / 2.0
    } else if x <= e {
        ((e - x) / (e - c)) / 2.0
    } else {
        0.0
    }
}

/// Bell-shaped calibration with six anchors `e1 < c1 < i1 <= i2 < c2 < e2` (linear sides).
pub fn bell(x: f64, a: [f64; 6]) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    let [e1, c1, i1, i2, c2, e2] = a;
    let m = if x <= i1 {
        linear_increasing(x, e1, c1, i1)
    } else if x <= i2 {
        1.0
    } else {
        linear_decreasing(x, i2, c2, e2)
    };
    snap(m)
}

/// Crisp calibration: the number of thresholds ≤ x (a value equal to a threshold goes up).
pub fn crisp(x: f64, thresholds: &[f64]) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    thresholds.iter().filter(|t| **t <= x).count() as f64
}

/// R's `quantile(x, p, type = 7)` of the non-missing values; `p` in [0, 1].
/// `None` when there is no non-missing value.
pub fn quantile7(values: &[f64], p: f64) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    // R (quantile.default, type 7): index <- 1 + (n - 1) * probs; lo <- floor(index);
    // hi <- ceiling(index); qs <- x[lo]; where index > lo and x[hi] != qs:
    // qs <- (1 - h) * qs + h * x[hi] with h = index - lo. (0-based here.)
    let index = (n - 1) as f64 * p.clamp(0.0, 1.0);
    let lo = (index.floor() as usize).min(n - 1);
    let hi = (index.ceil() as usize).min(n - 1);
    let qs = v[lo];
    if index > lo as f64 && v[hi] != qs {
        let h = index - lo as f64;
        Some((1.0 - h) * qs + h * v[hi])
    } else {
        Some(qs)
    }
}

/// Why a set of anchors cannot be used.
#[derive(Debug, Clone, PartialEq)]
pub enum AnchorError {
    /// Two anchors have the same value (the reference divides by zero).
    Equal {
        a: &'static str,
        b: &'static str,
        value: f64,
    },
    /// The crossover does not lie strictly between the outer anchors.
    Order,
}

/// Checks `e, c, i` for direct or linear calibration: all different, `c` strictly between.
pub fn check_anchors(e: f64, c: f64, i: f64) -> Result<(), AnchorError> {
    for (a, va, b, vb) in [("e", e, "c", c), ("c", c, "i", i), ("e", e, "i", i)] {
        if va == vb {
            return Err(AnchorError::Equal { a, b, value: va });
        }
    }
    let between = (e < c && c < i) || (i < c && c < e);
    if between {
        Ok(())
    } else {
        Err(AnchorError::Order)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direct_hits_the_anchors() {
        // At e the membership is 1 - idm = 0.05, at c 0.5, at i idm = 0.95 (docs/methods.md §1).
        assert!((direct(400.0, 400.0, 550.0, 900.0, 0.95) - 0.05).abs() < 1e-12);
        assert_eq!(direct(550.0, 400.0, 550.0, 900.0, 0.95), 0.5);
        assert!((direct(900.0, 400.0, 550.0, 900.0, 0.95) - 0.95).abs() < 1e-12);
        // decreasing: e = 10, c = 5.5, i = 2 → m(10) = 0.05, m(2) = 0.95
        assert!((direct(10.0, 10.0, 5.5, 2.0, 0.95) - 0.05).abs() < 1e-12);
        assert!((direct(2.0, 10.0, 5.5, 2.0, 0.95) - 0.95).abs() < 1e-12);
        // far beyond: snapped
        assert_eq!(direct(10000.0, 400.0, 550.0, 900.0, 0.95), 1.0);
        assert_eq!(direct(-10000.0, 400.0, 550.0, 900.0, 0.95), 0.0);
    }

    #[test]
    fn linear_and_bell_by_hand() {
        // e = 10, c = 20, i = 40: x = 15 → (10-15)/(10-20)/2 = 0.25; x = 30 → 1 - 0.5/2 = 0.75
        assert!((linear(15.0, 10.0, 20.0, 40.0) - 0.25).abs() < 1e-15);
        assert!((linear(30.0, 10.0, 20.0, 40.0) - 0.75).abs() < 1e-15);
        assert_eq!(linear(5.0, 10.0, 20.0, 40.0), 0.0);
        assert_eq!(linear(50.0, 10.0, 20.0, 40.0), 1.0);
        // decreasing e = 40, c = 20, i = 10: x = 15 → 0.75
        assert!((linear(15.0, 40.0, 20.0, 10.0) - 0.75).abs() < 1e-15);
        let a = [0.0, 2.0, 4.0, 6.0, 8.0, 10.0];
        assert_eq!(bell(5.0, a), 1.0);
        assert!((bell(1.0, a) - 0.25).abs() < 1e-15);
        assert!((bell(9.0, a) - 0.25).abs() < 1e-15);
        assert_eq!(bell(11.0, a), 0.0);
    }

    #[test]
    fn crisp_equal_goes_up() {
        assert_eq!(crisp(0.5, &[0.5]), 1.0);
        assert_eq!(crisp(0.49, &[0.5]), 0.0);
        assert_eq!(crisp(7.0, &[3.0, 7.0]), 2.0);
    }

    #[test]
    fn quantile_type7_by_hand() {
        // x = 1..5: p = 0.25 → h = 1 → 2; p = 0.1 → h = 0.4 → 1.4
        let x = [5.0, 1.0, 3.0, 2.0, 4.0];
        assert_eq!(quantile7(&x, 0.25), Some(2.0));
        assert!((quantile7(&x, 0.1).unwrap_or(0.0) - 1.4).abs() < 1e-15);
        assert_eq!(quantile7(&x, 1.0), Some(5.0));
        assert_eq!(quantile7(&[], 0.5), None);
        assert_eq!(quantile7(&[f64::NAN, 2.0], 0.5), Some(2.0));
    }

    #[test]
    fn anchors_are_checked() {
        assert!(check_anchors(1.0, 2.0, 3.0).is_ok());
        assert!(check_anchors(3.0, 2.0, 1.0).is_ok());
        assert_eq!(check_anchors(1.0, 3.0, 2.0), Err(AnchorError::Order));
        assert!(matches!(
            check_anchors(1.0, 1.0, 2.0),
            Err(AnchorError::Equal { .. })
        ));
    }
}
