//! Engine stage: calibration diagnostics of a set's memberships — skewness (SetMethods'
//! `skew.check`), memberships of exactly 0.5 (`ambig.cases`), anchors outside the observed
//! raw values, and the reported nudge of 0.5 memberships (docs/methods.md §1, §1.1).
//!
//! Guarantees: missing values (NaN) are counted apart and never compared; nothing is
//! rounded; never panics (an empty or all-missing column gives NaN shares).

/// How a set's memberships fall around the crossover.
#[derive(Clone, Debug, PartialEq)]
pub struct Skew {
    /// Cases with a membership strictly above 0.5.
    pub above: usize,
    /// Cases with a membership of exactly 0.5.
    pub at_half: usize,
    /// Cases without a value.
    pub missing: usize,
    /// Cases in the data (missing ones included, as SetMethods counts them).
    pub cases: usize,
    /// 100 · above / (cases − missing): SetMethods' percentage when nothing is missing.
    pub percent_above: f64,
}

impl Skew {
    /// The share of cases on either side is below 20 % (the rule of thumb of Oana, Schneider
    /// & Thomann 2021 for a skewed set).
    pub fn skewed(&self) -> bool {
        self.percent_above < 20.0 || self.percent_above > 80.0
    }
}

/// Skewness of one set's memberships.
pub fn skew(m: &[f64]) -> Skew {
    let missing = m.iter().filter(|v| v.is_nan()).count();
    let above = m.iter().filter(|v| **v > 0.5).count();
    let at_half = m.iter().filter(|v| **v == 0.5).count();
    let known = m.len() - missing;
    Skew {
        above,
        at_half,
        missing,
        cases: m.len(),
        percent_above: if known == 0 {
            f64::NAN
        } else {
            above as f64 / known as f64 * 100.0
        },
    }
}

/// The (set, case) cells with a membership of exactly 0.5, set by set and cases ascending
/// (R's `which(arr.ind = TRUE)` order, as `ambig.cases` lists them).
pub fn half_cells(sets: &[&[f64]]) -> Vec<(usize, usize)> {
    sets.iter()
        .enumerate()
        .flat_map(|(s, m)| {
            m.iter()
                .enumerate()
                .filter(|(_, v)| **v == 0.5)
                .map(move |(i, _)| (s, i))
        })
        .collect()
}

/// Moves every membership of exactly 0.5 up by `by`; returns the cases moved.
pub fn nudge_half(m: &mut [f64], by: f64) -> Vec<usize> {
    let mut moved = Vec::new();
    for (i, v) in m.iter_mut().enumerate() {
        if *v == 0.5 {
            *v = 0.5 + by;
            moved.push(i);
        }
    }
    moved
}

/// The anchors (name, value) outside the observed range of the raw values.
pub fn anchors_outside<'a>(
    anchors: &'a [(&'static str, f64, Option<f64>)],
    raw: &[f64],
) -> Vec<(&'a str, f64)> {
    let (lo, hi) = raw
        .iter()
        .filter(|v| !v.is_nan())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(*v), b.max(*v))
        });
    if lo > hi {
        return Vec::new();
    }
    anchors
        .iter()
        .filter(|(_, v, _)| *v < lo || *v > hi)
        .map(|(n, v, _)| (*n, *v))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hand count: 0.7 and 0.51 are above, 0.5 sits at the crossover, one value is missing:
    /// 2 of the 4 known cases = 50 %.
    #[test]
    fn counts_by_hand() {
        let s = skew(&[0.7, 0.5, f64::NAN, 0.51, 0.2]);
        assert_eq!((s.above, s.at_half, s.missing, s.cases), (2, 1, 1, 5));
        assert_eq!(s.percent_above, 50.0);
        assert!(!s.skewed());
        // 4 of 5 = 80 % is the edge (not skewed); 5 of 6 = 83.3 % is skewed
        assert!(!skew(&[0.9, 0.8, 0.7, 0.6, 0.1]).skewed());
        assert!(skew(&[0.9, 0.8, 0.7, 0.6, 0.6, 0.1]).skewed());
        assert!(skew(&[f64::NAN]).percent_above.is_nan());
    }

    #[test]
    fn half_cells_and_nudge() {
        let a = [0.5, 0.2, 0.5];
        let b = [0.1, 0.5, 0.9];
        assert_eq!(half_cells(&[&a, &b]), vec![(0, 0), (0, 2), (1, 1)]);
        let mut m = a.to_vec();
        assert_eq!(nudge_half(&mut m, 0.001), vec![0, 2]);
        assert_eq!(m, vec![0.501, 0.2, 0.501]);
        let anchors = [("e", 1.0, None), ("c", 5.0, None), ("i", 12.0, None)];
        assert_eq!(
            anchors_outside(&anchors, &[2.0, 8.0, f64::NAN]),
            vec![("e", 1.0), ("i", 12.0)]
        );
    }
}
