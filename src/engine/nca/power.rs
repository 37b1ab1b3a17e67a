//! Engine stage: the power of NCA's permutation test by simulation, as R's `nca_power`
//! (NCA 5.0.1) computes it (docs/methods.md §3.10).
//!
//! For each combination of sample size, effect size, slope and ceiling (a batch), `rep`
//! data sets are drawn under a true ceiling line with that effect in the unit square and
//! tested with `test_rep` permutations; the power is the share of replicates with
//! p ≤ `p`. Reproducible from a seed as R's: the power offset is `set.seed(seed);
//! sample.int(2^24, 1)`, replicate r of batch b re-seeds R's generator with
//! `b·rep + r + offset`, draws each point as (y, x) until it lies under the line (uniform
//! `runif`, or normal `rtruncnorm(1, 0, 1, 0.5, 0.2)` from R's inversion normals),
//! and the test takes its own offset from the stream the data left. Replicates run in
//! parallel; each seeds itself, so the result does not depend on the threads. Never
//! panics; unsupported settings are errors.

use rayon::prelude::*;

use super::rrng::RRng;
use super::types::{Ceiling, NcaError, NcaOptions};

/// How a simulated x or y is drawn in [0, 1].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Distribution {
    /// `runif(1, 0, 1)`.
    Uniform,
    /// `truncnorm::rtruncnorm(1, a = 0, b = 1, mean = 0.5, sd = 0.2)`.
    Normal,
}

impl Distribution {
    pub fn name(self) -> &'static str {
        match self {
            Distribution::Uniform => "uniform",
            Distribution::Normal => "normal",
        }
    }

    fn draw(self, rng: &mut RRng) -> f64 {
        match self {
            Distribution::Uniform => rng.unif_rand(),
            // the interval [0, 1] around 0.5 with sd 0.2 is truncnorm's normal-rejection case
            Distribution::Normal => rng.rtruncnorm(0.0, 1.0, 0.5, 0.2).unwrap_or(f64::NAN),
        }
    }
}

/// What to simulate.
#[derive(Clone, Debug, PartialEq)]
pub struct PowerOptions {
    pub n: Vec<usize>,
    pub effect: Vec<f64>,
    pub slope: Vec<f64>,
    pub ceilings: Vec<Ceiling>,
    /// 1–4; the slopes must rise for corners 1 and 4 and fall for corners 2 and 3.
    pub corner: u8,
    /// Significance level of a replicate.
    pub p: f64,
    pub rep: usize,
    pub test_rep: usize,
    pub seed: u32,
    /// Distributions of x and of y (R's `distribution.x`, `distribution.y`).
    pub distribution_x: Vec<Distribution>,
    pub distribution_y: Vec<Distribution>,
}

impl Default for PowerOptions {
    /// R's `nca_power` defaults: n = 20, 50, 100; effect 0.1; slope 1; CE-FDH; corner 1;
    /// p 0.05; 100 replicates of 200 permutations; uniform x and y (seed 0: none given).
    fn default() -> Self {
        PowerOptions {
            n: vec![20, 50, 100],
            effect: vec![0.1],
            slope: vec![1.0],
            ceilings: vec![Ceiling::CeFdh],
            corner: 1,
            p: 0.05,
            rep: 100,
            test_rep: 200,
            seed: 0,
            distribution_x: vec![Distribution::Uniform],
            distribution_y: vec![Distribution::Uniform],
        }
    }
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
    pub distribution_x: Distribution,
    pub distribution_y: Distribution,
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

/// Intercept for a falling line (`p_intercept_2_3`, corner 2).
pub fn intercept_falling(e: f64, s: f64) -> f64 {
    let i = 1.0 - e - s / 2.0;
    if i <= 1.0 && i + s >= 0.0 {
        return i;
    }
    let i = (2.0 * (e - 1.0) * s).sqrt();
    if i <= 1.0 && i + s <= 0.0 {
        return i;
    }
    let i = 1.0 - s - (-2.0 * s * e).sqrt();
    if i > 1.0 && i + s >= 0.0 {
        return i;
    }
    0.5 - s * (1.0 - e)
}

/// The true line's intercept for a corner (`p_intercept`).
pub fn intercept_for(corner: u8, e: f64, s: f64) -> f64 {
    match corner {
        2 => intercept_falling(e, s),
        3 => intercept_falling(1.0 - e, s),
        4 => intercept(1.0 - e, s),
        _ => intercept(e, s),
    }
}

/// n points under (corners 1, 2) or above (corners 3, 4) the line `i + s·x`, drawn y
/// first.
fn draw(
    rng: &mut RRng,
    n: usize,
    (i, s): (f64, f64),
    corner: u8,
    (dx, dy): (Distribution, Distribution),
) -> (Vec<f64>, Vec<f64>) {
    let mut x = Vec::with_capacity(n);
    let mut y = Vec::with_capacity(n);
    for _ in 0..n {
        // a point is accepted with probability ≥ min(e, 1 − e) > 0
        loop {
            let yy = dy.draw(rng);
            let xx = dx.draw(rng);
            let line = i + s * xx;
            let ok = if corner <= 2 {
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

/// The distinct values in first-seen order (R's `unique`).
fn unique<T: PartialEq + Copy>(v: &[T]) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for x in v {
        if !out.contains(x) {
            out.push(*x);
        }
    }
    out
}

/// How many replicates the power table draws (batches × `rep`), for a progress display.
pub fn replicates(o: &PowerOptions) -> usize {
    unique(&o.distribution_x).len()
        * unique(&o.distribution_y).len()
        * unique(&o.ceilings).len()
        * unique(&o.n).len()
        * unique(&o.effect).len()
        * unique(&o.slope).len()
        * o.rep
}

/// The power table, batches in R's loop order (distribution of x, of y, ceiling, n,
/// effect, slope).
pub fn power(o: &PowerOptions) -> Result<Vec<PowerRow>, NcaError> {
    power_with(o, &|| {})
}

/// [`power`], calling `tick` after each replicate (from any thread).
pub fn power_with(o: &PowerOptions, tick: &(dyn Fn() + Sync)) -> Result<Vec<PowerRow>, NcaError> {
    if !(1..=4).contains(&o.corner) {
        return Err(NcaError::BadCorner(o.corner));
    }
    let rising = o.corner == 1 || o.corner == 4;
    if o.effect.iter().any(|e| !(*e > 0.0 && *e < 1.0))
        || o.slope
            .iter()
            .any(|s| s.is_nan() || (rising && *s <= 0.0) || (!rising && *s >= 0.0))
    {
        return Err(NcaError::Power(
            "effect sizes must lie in (0, 1), slopes rise for corners 1 and 4 and fall for 2 and 3"
                .into(),
        ));
    }
    // R unique()s every argument vector
    let (ns, effects, slopes, ceilings) = (
        unique(&o.n),
        unique(&o.effect),
        unique(&o.slope),
        unique(&o.ceilings),
    );
    let mut distributions = Vec::new();
    for dx in unique(&o.distribution_x) {
        for dy in unique(&o.distribution_y) {
            distributions.push((dx, dy));
        }
    }
    let offset = RRng::new(o.seed).offset();
    let mut rows = Vec::new();
    let mut batch: u64 = 0;
    for (dx, dy) in distributions {
        for ceiling in &ceilings {
            for &n in &ns {
                for &e in &effects {
                    for &s in &slopes {
                        let i = intercept_for(o.corner, e, s);
                        let replicates: Vec<Replicate> = (1..=o.rep as u64)
                            .into_par_iter()
                            .map(|r| {
                                let seed = (batch * o.rep as u64 + r + offset as u64) as u32;
                                let mut rng = RRng::new(seed);
                                let (x, y) = draw(&mut rng, n, (i, s), o.corner, (dx, dy));
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
                                tick();
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
                            distribution_x: dx,
                            distribution_y: dy,
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
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Area of the unit square above the line y = i + s·x (numerically, 200,000 strips).
    fn area_above(i: f64, s: f64) -> f64 {
        let n = 200_000;
        (0..n)
            .map(|k| {
                let x = (k as f64 + 0.5) / n as f64;
                1.0 - (i + s * x).clamp(0.0, 1.0)
            })
            .sum::<f64>()
            / n as f64
    }

    #[test]
    fn the_true_line_leaves_an_empty_zone_of_the_effect_size() {
        // corner 1 (rising) and corner 2 (falling): the zone above the line has area e
        for e in [0.05, 0.1, 0.2, 0.5, 0.8] {
            for s in [0.3, 1.0, 2.0, 6.0] {
                let a = area_above(intercept(e, s), s);
                assert!((a - e).abs() < 1e-4, "rising e {e} s {s}: {a}");
                let a = area_above(intercept_falling(e, -s), -s);
                assert!((a - e).abs() < 1e-4, "falling e {e} s {s}: {a}");
            }
        }
    }
}
