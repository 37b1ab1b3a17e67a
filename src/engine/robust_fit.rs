//! Engine stage: Oana & Schneider's robustness metrics of a solution against test solutions
//! (SetMethods' `rob.fit`, `rob.corefit`, `rob.case.ratio`, `rob.cases`, with the loop over
//! test sets corrected; docs/methods.md §8.1).
//!
//! The initial solution S1 and every test solution are membership vectors (a solution's
//! membership is the maximum over its terms). MIN_TS and MAX_TS are the minimum and maximum
//! over ALL test memberships given (every model of every test solution when the caller passes
//! them all); the robust core is min(S1, MIN_TS).
//! Guarantees: nothing is rounded; 0/0 is NaN (as QCAfit); never panics (empty tests: MIN_TS
//! and MAX_TS are S1 itself).

use crate::engine::sets::{sufficiency, Sufficiency};

/// The eight case types of `rob.cases`, in SetMethods' order.
pub const CASE_TYPES: [(&str, &str); 8] = [
    ("S1S2Y", "robust typical (S1*MIN_TS, Y > 0.5)"),
    ("S1S2y", "robust deviant (S1*MIN_TS, Y < 0.5)"),
    ("S1s2Y", "shaky typical (S1*~MIN_TS, Y > 0.5)"),
    ("S1s2y", "shaky deviant (S1*~MIN_TS, Y < 0.5)"),
    ("s1S2Y", "possible typical (~S1*MAX_TS, Y > 0.5)"),
    ("s1S2y", "possible deviant (~S1*MAX_TS, Y < 0.5)"),
    ("s1s2Y", "extreme deviant coverage (~S1*~MAX_TS, Y > 0.5)"),
    ("s1s2y", "irrelevant (~S1*~MAX_TS, Y < 0.5)"),
];

/// The metrics of one initial solution.
#[derive(Clone, Debug, PartialEq)]
pub struct RobustFit {
    pub min_ts: Vec<f64>,
    pub max_ts: Vec<f64>,
    /// Fit of S1 and of the robust core min(S1, MIN_TS) as sufficient for Y.
    pub initial_fit: Sufficiency,
    pub core_fit: Sufficiency,
    /// Cov(core) / Cov(S1).
    pub rf_cov: f64,
    /// Cons(S1) / Cons(core).
    pub rf_cons: f64,
    /// Σmin(S1, MIN_TS) / Σmax(S1, MIN_TS).
    pub rf_sc_min: f64,
    /// Σmin(S1, MAX_TS) / Σmax(S1, MAX_TS).
    pub rf_sc_max: f64,
    /// Robust typical cases over all typical ones (Y > 0.5); NaN when there are none.
    pub rcr_typ: f64,
    /// The same for deviant cases (Y < 0.5).
    pub rcr_dev: f64,
    /// 1 no shaky and no possible case, 2 possible only, 3 shaky only, 4 both.
    pub rcc_rank: u8,
    /// Cases with min(S1, 1 − MIN_TS) > 0.5.
    pub shaky: usize,
    /// Cases with min(1 − S1, MAX_TS) > 0.5.
    pub possible: usize,
    /// Case indices of each type of [`CASE_TYPES`].
    pub case_types: [Vec<usize>; 8],
}

fn ratio(a: f64, b: f64) -> f64 {
    a / b
}

/// Σmin(a, b) / Σmax(a, b).
fn overlap(a: &[f64], b: &[f64]) -> f64 {
    let (mut lo, mut hi) = (0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        lo += x.min(*y);
        hi += x.max(*y);
    }
    ratio(lo, hi)
}

/// The metrics of `s1` against `tests` for outcome `y` (all of one length).
pub fn robust_fit(s1: &[f64], tests: &[Vec<f64>], y: &[f64]) -> RobustFit {
    let n = s1.len();
    let fold = |f: fn(f64, f64) -> f64| -> Vec<f64> {
        (0..n)
            .map(|i| {
                tests
                    .iter()
                    .map(|t| t.get(i).copied().unwrap_or(f64::NAN))
                    .reduce(f)
                    .unwrap_or(s1[i])
            })
            .collect()
    };
    let min_ts = fold(f64::min);
    let max_ts = fold(f64::max);
    let core: Vec<f64> = s1.iter().zip(&min_ts).map(|(a, b)| a.min(*b)).collect();
    let initial_fit = sufficiency(s1, y);
    let core_fit = sufficiency(&core, y);
    let above = |v: f64| v > 0.5;
    let mut case_types: [Vec<usize>; 8] = Default::default();
    for i in 0..n {
        let (s, lo, hi) = (s1[i], min_ts[i], max_ts[i]);
        let memberships = [
            s.min(lo),
            s.min(1.0 - lo),
            (1.0 - s).min(hi),
            (1.0 - s).min(1.0 - hi),
        ];
        for (k, m) in memberships.iter().enumerate() {
            if above(*m) && y[i] > 0.5 {
                case_types[2 * k].push(i);
            }
            if above(*m) && y[i] < 0.5 {
                case_types[2 * k + 1].push(i);
            }
        }
    }
    let shaky = (0..n)
        .filter(|&i| above(s1[i].min(1.0 - min_ts[i])))
        .count();
    let possible = (0..n)
        .filter(|&i| above((1.0 - s1[i]).min(max_ts[i])))
        .count();
    let rcr = |robust: usize, shaky_k: usize, possible_k: usize| {
        let (r, s, p) = (
            case_types[robust].len() as f64,
            case_types[shaky_k].len() as f64,
            case_types[possible_k].len() as f64,
        );
        r / (s + p + r)
    };
    RobustFit {
        rf_cov: ratio(core_fit.coverage, initial_fit.coverage),
        rf_cons: ratio(initial_fit.consistency, core_fit.consistency),
        rf_sc_min: overlap(s1, &min_ts),
        rf_sc_max: overlap(s1, &max_ts),
        rcr_typ: rcr(0, 2, 4),
        rcr_dev: rcr(1, 3, 5),
        rcc_rank: match (shaky > 0, possible > 0) {
            (false, false) => 1,
            (false, true) => 2,
            (true, false) => 3,
            (true, true) => 4,
        },
        shaky,
        possible,
        case_types,
        min_ts,
        max_ts,
        initial_fit,
        core_fit,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// By hand: S1 = (0.9, 0.2, 0.8), one test T = (0.7, 0.6, 0.3), Y = (1, 0, 1).
    /// core = (0.7, 0.2, 0.3); Cov(core) = (0.7 + 0 + 0.3)/2 = 0.5, Cov(S1) = 1.7/2 = 0.85,
    /// RF_cov = 0.5/0.85; Cons(S1) = 1.7/1.9, Cons(core) = 1.0/1.2; RF_SC = Σmin/Σmax =
    /// (0.7 + 0.2 + 0.3)/(0.9 + 0.6 + 0.8) = 1.2/2.3. Case 3: S1 0.8 > .5, 1 − T = 0.7 > .5 →
    /// shaky typical; case 2: 1 − S1 = 0.8, T = 0.6 → possible deviant; case 1 robust typical.
    #[test]
    fn metrics_by_hand() {
        let f = robust_fit(&[0.9, 0.2, 0.8], &[vec![0.7, 0.6, 0.3]], &[1.0, 0.0, 1.0]);
        assert!((f.rf_cov - 0.5 / 0.85).abs() < 1e-12);
        assert!((f.rf_cons - (1.7 / 1.9) / (1.0 / 1.2)).abs() < 1e-12);
        assert!((f.rf_sc_min - 1.2 / 2.3).abs() < 1e-12);
        assert_eq!(f.rf_sc_min, f.rf_sc_max);
        assert_eq!(f.case_types[0], vec![0]);
        assert_eq!(f.case_types[2], vec![2]);
        assert_eq!(f.case_types[5], vec![1]);
        assert_eq!((f.shaky, f.possible, f.rcc_rank), (1, 1, 4));
        // typical: robust 1, shaky 1, possible typical 0 → 1/2; deviant: 0/(0 + 0 + 1) = 0
        assert_eq!((f.rcr_typ, f.rcr_dev), (0.5, 0.0));
    }
}
