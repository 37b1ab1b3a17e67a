//! Engine stage: descriptive statistics of a column (the report's descriptive table).
//!
//! Guarantees: missing values (NaN) are left out and counted; the standard deviation is the
//! sample one (n − 1 in the denominator, as R's `sd` and SPSS's DESCRIPTIVES), NaN below two
//! values; never panics.

/// Count, mean, sample standard deviation, minimum and maximum of the values present.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub n: usize,
    pub missing: usize,
    pub mean: f64,
    pub sd: f64,
    pub min: f64,
    pub max: f64,
}

/// The summary of a column; all statistics NaN when no value is present.
pub fn describe(values: &[f64]) -> Summary {
    let present: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
    let n = present.len();
    let missing = values.len() - n;
    if n == 0 {
        return Summary {
            n,
            missing,
            mean: f64::NAN,
            sd: f64::NAN,
            min: f64::NAN,
            max: f64::NAN,
        };
    }
    let mean = present.iter().sum::<f64>() / n as f64;
    // Two passes: the sum of squared deviations from the mean, as R's `var`.
    let ss: f64 = present.iter().map(|v| (v - mean) * (v - mean)).sum();
    let sd = if n > 1 {
        (ss / (n - 1) as f64).sqrt()
    } else {
        f64::NAN
    };
    Summary {
        n,
        missing,
        mean,
        sd,
        min: present.iter().copied().fold(f64::INFINITY, f64::min),
        max: present.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_by_hand() {
        // 2, 4, 4, 4, 5, 5, 7, 9 and a gap: mean 40/8 = 5; squared deviations
        // 9+1+1+1+0+0+4+16 = 32; sd = sqrt(32/7) = 2.138089935299395.
        let s = describe(&[2.0, 4.0, 4.0, f64::NAN, 4.0, 5.0, 5.0, 7.0, 9.0]);
        assert_eq!((s.n, s.missing), (8, 1));
        assert_eq!(s.mean, 5.0);
        assert!((s.sd - (32.0f64 / 7.0).sqrt()).abs() < 1e-15);
        assert_eq!((s.min, s.max), (2.0, 9.0));
    }

    #[test]
    fn one_value_or_none() {
        let s = describe(&[3.0]);
        assert_eq!((s.n, s.mean, s.min, s.max), (1, 3.0, 3.0, 3.0));
        assert!(s.sd.is_nan());
        let s = describe(&[f64::NAN]);
        assert_eq!((s.n, s.missing), (0, 1));
        assert!(s.mean.is_nan() && s.min.is_nan());
    }
}
