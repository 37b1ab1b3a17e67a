//! Engine stage: bottleneck cases at a target outcome level (docs/methods.md §3.8), as
//! Dul's helpers `get_bottleneck_cases` and `get_single_bottleneck_cases` define them.
//!
//! Guarantees: the required level of each condition is NCA's own (the bottleneck table
//! in data units for that single level, with its NN/NA edge cases); a case is a bottleneck
//! case of a condition when its value lies below the required level by more than
//! ε = 1.49e-8 (above it for corners 2 and 4); counts and shares are over every row of the
//! data (a missing value is never a bottleneck). Departures from the helpers, each named in
//! docs/methods.md §9: a level no case reaches ("NA") makes every case with a value a
//! bottleneck (the helper stops), every row being a bottleneck is reported as such (the
//! helper resets the column to 0), and for corners 2/4 a case exactly at the level is not a
//! bottleneck (the helper's `x > level − ε` counts it). Never panics.

use super::bottleneck::{bottleneck_column, BottleneckSpec, BottleneckUnit, OutcomeLevels, Steps};
use super::result::NcaResult;
use super::types::Ceiling;

/// `sqrt(.Machine$double.eps)`, the helpers' tolerance.
const EPS: f64 = 1.490_116_119_384_765_6e-8;

/// One condition at the target.
#[derive(Clone, Debug, PartialEq)]
pub struct ConditionCases {
    /// Required level in data units: −∞ = not necessary (NN), NaN = not available (NA).
    pub threshold: f64,
    /// Rows (0-based, in data order) held back by this condition.
    pub cases: Vec<usize>,
    /// Rows held back by this condition alone.
    pub single: Vec<usize>,
}

/// Bottleneck cases of one ceiling at one target outcome level.
#[derive(Clone, Debug, PartialEq)]
pub struct BottleneckCases {
    pub ceiling: Ceiling,
    /// The target in outcome units.
    pub target: f64,
    /// Rows of the data (the denominator of the shares).
    pub rows: usize,
    /// Per condition, in the analysis' order.
    pub conditions: Vec<ConditionCases>,
    /// Rows held back by at least one condition.
    pub any: Vec<usize>,
}

/// The rows a required level `t` holds back: below it by more than ε (above it with
/// `flip_x`); none when the condition is not necessary (±∞), every row with a value when no
/// case reaches the level (NaN). Rows without a value are never held back.
pub fn held_back(xs: &[f64], t: f64, flip_x: bool) -> Vec<usize> {
    xs.iter()
        .enumerate()
        .filter(|(_, v)| !v.is_nan())
        .filter(|(_, &v)| {
            if t.is_infinite() {
                false
            } else if t.is_nan() {
                true
            } else if flip_x {
                v > t + EPS
            } else {
                v < t - EPS
            }
        })
        .map(|(i, _)| i)
        .collect()
}

/// Bottleneck cases at `target` (outcome units) for `ceiling`: `results[k]` is condition
/// k's analysis and `x[k]` its values on every row of the data. `None` for a ceiling
/// without a bottleneck table (OLS) or one the results do not have.
pub fn bottleneck_cases(
    results: &[&NcaResult],
    x: &[&[f64]],
    ceiling: &Ceiling,
    target: f64,
) -> Option<BottleneckCases> {
    let rows = x.first().map_or(0, |c| c.len());
    let spec = BottleneckSpec {
        x: BottleneckUnit::Actual,
        y: BottleneckUnit::Actual,
        steps: Steps::Levels(vec![target]),
        cutoff: 0,
    };
    let levels = OutcomeLevels {
        display: vec![target],
        actual: vec![target],
    };
    let mut held: Vec<Vec<usize>> = Vec::with_capacity(results.len());
    let mut thresholds = Vec::with_capacity(results.len());
    for (r, xs) in results.iter().zip(x) {
        let col = bottleneck_column(r, ceiling, &levels, &spec)?;
        let t = col.x_actual.first().copied().unwrap_or(f64::NAN);
        held.push(held_back(xs, t, r.flip_x));
        thresholds.push(t);
    }
    let mut count = vec![0usize; rows];
    for cases in &held {
        cases.iter().for_each(|i| count[*i] += 1);
    }
    let conditions = held
        .into_iter()
        .zip(thresholds)
        .map(|(cases, threshold)| ConditionCases {
            threshold,
            single: cases.iter().copied().filter(|i| count[*i] == 1).collect(),
            cases,
        })
        .collect();
    let any = (0..rows).filter(|i| count[*i] > 0).collect();
    Some(BottleneckCases {
        ceiling: *ceiling,
        target,
        rows,
        conditions,
        any,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn held_back_rule_and_its_departures_from_the_helper() {
        let xs = [1.0, 2.0, 3.0, f64::NAN, 4.0];
        // below the level by more than ε; the case at the level is not held back
        assert_eq!(held_back(&xs, 3.0, false), vec![0, 1]);
        // corners 2/4: above the level; the case exactly at it is not held back
        // (departure: the helper's `x > level − ε` would count row 2 too)
        assert_eq!(held_back(&xs, 3.0, true), vec![4]);
        // NN: nobody; NA (no case reaches the level): every row with a value (departure:
        // the helper stops), and all of them are reported (the helper resets to 0)
        assert!(held_back(&xs, f64::NEG_INFINITY, false).is_empty());
        assert!(held_back(&xs, f64::INFINITY, true).is_empty());
        assert_eq!(held_back(&xs, f64::NAN, false), vec![0, 1, 2, 4]);
    }
}
