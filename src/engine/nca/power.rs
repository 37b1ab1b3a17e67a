//! Engine stage: the power of NCA's permutation test by simulation, as R's `nca_power`
//! (NCA 5.0.1) computes it (docs/methods.md §3.10).
//!
//! For each combination of sample size, effect size, slope and ceiling (a batch), `rep`
//! data sets are drawn under a true ceiling line with that effect in the unit square and
//! tested with `test_rep` permutations; the power is the share of replicates with
//! p ≤ `p`. Reproducible from a seed as R's: the power offset is `set.seed(seed);
//! sample.int(2^24, 1)`, replicate r of batch b re-seeds R's generator with
//! `b·rep + r + offset`, draws each point as (y, x) uniforms until it lies under the line,
//! and the test takes its own offset from the stream the data left. Replicates run in
//! parallel; each seeds itself, so the result does not depend on the threads. Never
//! panics; unsupported settings are errors.

use rayon::prelude::*;

use super::rrng::RRng;
use super::types::{Ceiling, NcaError, NcaOptions};

/// What to simulate.
#[derive(Clone, Debug, PartialEq)]
pub struct PowerOptions {
    pub n: Vec<usize>,
    pub effect: Vec<f64>,
    pub slope: Vec<f64>,
    pub ceilings: Vec<Ceiling>,
    /// 1 or 4 (positive slopes; corners 2 and 3 are not available yet).
    pub corner: u8,
    /// Significance level of a replicate.
    pub p: f64,
    pub rep: usize,
    pub test_rep: usize,
    pub seed: u32,
}

/// One replicate's outcome (kept for checking against the reference).
#[derive(Clone, Debug, PartialEq)]
pub struct Replicate {
    pub seed: u32,
    pub test_offset: u32,
    pub effect: f64,
    pub p_value: Option<f64>,
}

/// The power of one batch.
#[derive(Clone, Debug, PartialEq)]
pub struct PowerRow {
    pub n: usize,
    pub effect: f64,
    pub slope: f64,
    pub ceiling: Ceiling,
    /// Intercept of the true ceiling line.
    pub intercept: f64,
    pub power: f64,
    pub replicates: Vec<Replicate>,
}

/// Intercept of the line with slope `s` leaving an empty zone of area `e` above it in the
/// unit square (`p_intercept`, corner 1).
pub fn intercept(e: f64, s: f64) -> f64 {
    let i = 1.0 - e - s / 2.0;
    if i >= 0.0 && i + s <= 1.0 {
        return i;
    }
    let i = 1.0 - (2.0 * e * s).sqrt();
    if i >= 0.0 && i + s >= 1.0 {
        return i;
    }
    let i = 0.5 - e * s;
    if i < 0.0 && i + s >= 1.0 {
        return i;
    }
    (2.0 * (1.0 - e) * s).sqrt() - s
}

/// n points under (corner 1) or above (corner 4) the line `i + s·x`, drawn y first.
fn draw(rng: &mut RRng, n: usize, i: f64, s: f64, corner: u8) -> (Vec<f64>, Vec<f64>) {
    let mut x = Vec::with_capacity(n);
    let mut y = Vec::with_capacity(n);
    for _ in 0..n {
        // a point is accepted with probability ≥ min(e, 1 − e) > 0
        loop {
            let yy = rng.unif_rand();
            let xx = rng.unif_rand();
            let line = i + s * xx;
            let ok = if corner == 1 {
                yy < line.min(1.0)
            } else {
                yy > line.max(0.0)
            };
            if ok {
                x.push(xx);
                y.push(yy);
                break;
            }
        }
    }
    (x, y)
}

/// The power table, batches in R's loop order (ceiling, n, effect, slope).
pub fn power(o: &PowerOptions) -> Result<Vec<PowerRow>, NcaError> {
    if o.corner != 1 && o.corner != 4 {
        return Err(NcaError::Power("corners 2 and 3 are not available".into()));
    }
    if o.effect.iter().any(|e| !(*e > 0.0 && *e < 1.0))
        || o.slope.iter().any(|s| s.is_nan() || *s <= 0.0)
    {
        return Err(NcaError::Power(
            "effect sizes must lie in (0, 1) and slopes be positive".into(),
        ));
    }
    let dedup = |v: &[f64]| {
        let mut out: Vec<f64> = Vec::new();
        v.iter().for_each(|x| {
            if !out.contains(x) {
                out.push(*x)
            }
        });
        out
    };
    let mut ns: Vec<usize> = Vec::new();
    o.n.iter().for_each(|x| {
        if !ns.contains(x) {
            ns.push(*x)
        }
    });
    let (effects, slopes) = (dedup(&o.effect), dedup(&o.slope));
    let offset = RRng::new(o.seed).offset();
    let mut rows = Vec::new();
    let mut batch: u64 = 0;
    for ceiling in &o.ceilings {
        for &n in &ns {
            for &e in &effects {
                for &s in &slopes {
                    let i = if o.corner == 1 {
                        intercept(e, s)
                    } else {
                        intercept(1.0 - e, s)
                    };
                    let replicates: Vec<Replicate> = (1..=o.rep as u64)
                        .into_par_iter()
                        .map(|r| {
                            let seed = (batch * o.rep as u64 + r + offset as u64) as u32;
                            let mut rng = RRng::new(seed);
                            let (x, y) = draw(&mut rng, n, i, s, o.corner);
                            let test_offset = rng.offset();
                            let opts = NcaOptions {
                                ceilings: vec![*ceiling],
                                corner: o.corner,
                                scope: Some([0.0, 1.0, 0.0, 1.0]),
                                permutations: o.test_rep,
                                seed: Some(seed),
                                offset: Some(test_offset),
                                ..NcaOptions::default()
                            };
                            let c = super::analyse(&x, &y, &opts)
                                .ok()
                                .and_then(|res| res.ceilings.into_iter().next());
                            Replicate {
                                seed,
                                test_offset,
                                effect: c.as_ref().map_or(f64::NAN, |c| c.effect_size),
                                p_value: c.and_then(|c| c.p_value),
                            }
                        })
                        .collect();
                    let significant = replicates
                        .iter()
                        .filter(|r| r.p_value.is_some_and(|p| p <= o.p))
                        .count();
                    rows.push(PowerRow {
                        n,
                        effect: e,
                        slope: s,
                        ceiling: *ceiling,
                        intercept: i,
                        power: significant as f64 / o.rep.max(1) as f64,
                        replicates,
                    });
                    batch += 1;
                }
            }
        }
    }
    Ok(rows)
}
