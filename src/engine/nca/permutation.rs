//! Engine stage: the approximate permutation test with R's random stream (docs/methods.md
//! §3.4).
//!
//! Guarantees: with the same seed, the same permutations and p-values as R's
//! NCA 5.0.1 for every condition (each condition re-seeded on its own);
//! permutation i depends only on (offset, i), so the parallel run (rayon) is
//! bit-for-bit independent of the number of threads; x is sorted once and a
//! permutation only reorders y, so each permutation costs O(n log n) at most
//! (O(n) without ties in x). Never panics.

use rayon::prelude::*;
use std::collections::HashSet;

use super::peers::{peers_in_order, Peer, XOrder};
use super::prepare::{needs_vrs, zone_for, Prepared};
use super::rrng::RRng;
use super::types::Ceiling;

/// Options of a permutation test.
#[derive(Clone, Debug, PartialEq)]
pub struct PermutationOptions {
    pub permutations: usize,
    pub seed: Option<u32>,
    /// The seed offset, when it does not come from `set.seed(seed)` (R's power
    /// simulation draws it from the stream its data generation left).
    pub offset: Option<u32>,
    pub p_confidence: f64,
    pub p_threshold: f64,
    pub keep_permutations: bool,
    pub keep_null_effects: bool,
}

impl Default for PermutationOptions {
    fn default() -> Self {
        PermutationOptions {
            permutations: 0,
            seed: None,
            offset: None,
            p_confidence: 0.95,
            p_threshold: 0.05,
            keep_permutations: false,
            keep_null_effects: false,
        }
    }
}

/// Test result of one ceiling.
#[derive(Clone, Debug, PartialEq)]
pub struct CeilingTest {
    pub ceiling: Ceiling,
    /// Number of permutations drawn.
    pub rep: usize,
    /// Permuted effects kept (NaN ones are dropped).
    pub n_sims: usize,
    pub observed: f64,
    /// #{permuted d >= observed d}.
    pub n_sims_ge_observed: usize,
    /// (n_ge + 1) / (n_sims + 1), at least 1/rep; None when d is undefined.
    pub p_value: Option<f64>,
    /// qnorm(c + (1 − c)/2) · sqrt(p(1 − p)/rep).
    pub p_accuracy: Option<f64>,
    /// Type-7 quantile 1 − p_threshold of the permuted effects.
    pub threshold_value: f64,
    pub p_threshold: f64,
    pub p_confidence: f64,
    pub null_mean: f64,
    pub null_sd: f64,
    pub null_min: f64,
    pub null_max: f64,
    /// Quantiles 0.5, 0.9, 0.95, 0.99 (type 7).
    pub null_quantiles: [f64; 4],
    /// Every kept permuted effect, in permutation order (if asked for).
    pub null_effects: Vec<f64>,
    /// Permutations on which the reference stops the whole analysis: a QR
    /// line horizontal at the outcome's minimum or maximum, where R's NCA
    /// 5.0.1 fails in its plotting helper. Counted here with the effect 0
    /// that the reference's `p_ceiling` gives them (docs/methods.md §3.7).
    pub reference_stops: usize,
}

/// A whole permutation test of one condition.
#[derive(Clone, Debug, PartialEq)]
pub struct PermutationTest {
    /// The seed used (given or fresh).
    pub seed: u32,
    /// `sample.int(2^24, 1)` right after `set.seed(seed)`.
    pub offset: u32,
    /// Permutations actually drawn (lowered to h! for fewer than 16 cases).
    pub rep: usize,
    /// Every permutation (1-based case numbers), if asked for.
    pub permutations: Option<Vec<Vec<u32>>>,
    pub tests: Vec<CeilingTest>,
}

fn factorial_capped(h: usize, cap: usize) -> usize {
    let mut f: usize = 1;
    for k in 2..=h {
        f = f.saturating_mul(k);
        if f > cap {
            return f;
        }
    }
    f
}

/// Number of permutations the reference draws for h cases and a request of `rep`.
pub fn effective_rep(h: usize, rep: usize) -> usize {
    if h < 16 {
        let f = factorial_capped(h, rep);
        if rep > f {
            return f;
        }
    }
    rep
}

/// A fresh seed (when none is given): time-based, to be reported.
pub fn fresh_seed() -> u32 {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    ((t ^ (t >> 32) ^ (t >> 64)) & 0x7fff_ffff) as u32
}

/// The seed offset `set.seed(seed); sample.int(2^24, 1)`.
pub fn offset_for(seed: u32) -> u32 {
    RRng::new(seed).offset()
}

fn perm_for(offset: u32, i: u64, h: usize, rng: &mut RRng) -> Vec<u32> {
    rng.reseed((offset as u64 + i) as u32);
    rng.sample_perm(h)
}

/// The reference's list of permutations for `seed`, h cases and `rep`
/// requested: (offset, permutations as 1-based case numbers).
pub fn permutations(seed: u32, h: usize, rep: usize) -> (u32, Vec<Vec<u32>>) {
    let offset = offset_for(seed);
    let rep = effective_rep(h, rep);
    let mut rng = RRng::new(seed);
    if rep <= 720 {
        (offset, distinct_perms(offset, h, rep, &mut rng))
    } else {
        let v = (1..=rep as u64)
            .map(|i| perm_for(offset, i, h, &mut rng))
            .collect();
        (offset, v)
    }
}

fn distinct_perms(offset: u32, h: usize, rep: usize, rng: &mut RRng) -> Vec<Vec<u32>> {
    let mut seen: HashSet<Vec<u32>> = HashSet::new();
    let mut out = Vec::with_capacity(rep);
    let mut i: u64 = 0;
    // guard: at most rep + 100·rep + 1000 draws (h! >= rep is guaranteed)
    let max_draws = (rep as u64) * 101 + 1000;
    while out.len() < rep && i < max_draws {
        i += 1;
        let p = perm_for(offset, i, h, rng);
        if seen.insert(p.clone()) {
            out.push(p);
        }
    }
    out
}

struct Buffers {
    rng: RRng,
    pool: Vec<u32>,
    perm: Vec<u32>,
    y: Vec<f64>,
    order: Vec<usize>,
    fdh: Vec<Peer>,
    vrs: Vec<Peer>,
}

fn effects_of(
    prep: &Prepared,
    xo: &XOrder,
    y_org: &[f64],
    perm: &[u32],
    ceilings: &[Ceiling],
    vrs_needed: bool,
    b: &mut Buffers,
) -> PermEffects {
    b.y.clear();
    b.y.extend(perm.iter().map(|&k| y_org[(k as usize) - 1]));
    xo.order_with_y(&b.y, &mut b.order);
    peers_in_order(
        prep.x,
        &b.y,
        &b.order,
        prep.flip_x,
        prep.flip_y,
        false,
        &mut b.fdh,
    );
    if vrs_needed {
        peers_in_order(
            prep.x,
            &b.y,
            &b.order,
            prep.flip_x,
            prep.flip_y,
            true,
            &mut b.vrs,
        );
    }
    let area = prep.scope.area;
    let area_ok = area.is_finite() && area > 0.0;
    let mut stops = 0u64;
    let effects = ceilings
        .iter()
        .enumerate()
        .map(|(k, c)| {
            let (z, line) = zone_for(c, prep, &b.y, &b.fdh, &b.vrs);
            if *c == Ceiling::Qr && reference_stops_on(line, &prep.scope) && k < 64 {
                stops |= 1 << k;
            }
            if area_ok {
                z / area
            } else {
                f64::NAN
            }
        })
        .collect();
    (effects, stops)
}

/// A permutation's effects per ceiling, and a bit per ceiling on which the
/// reference stops.
type PermEffects = (Vec<f64>, u64);

/// R's NCA 5.0.1 stops when a QR line is horizontal at exactly the scope's
/// lowest or highest outcome (its line-to-points helper divides by the zero
/// slope and meets NA in an `if`).
fn reference_stops_on(line: Option<super::ceilings::Line>, s: &super::effect::Scope) -> bool {
    line.is_some_and(|l| l.slope == 0.0 && (l.intercept == s.theo[2] || l.intercept == s.theo[3]))
}

/// R's quantile type 7 of sorted data.
pub fn quantile7(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    let index = 1.0 + (n as f64 - 1.0) * p;
    let lo = index.floor();
    let hi = index.ceil();
    let (lo_i, hi_i) = ((lo as usize).clamp(1, n) - 1, (hi as usize).clamp(1, n) - 1);
    let qs = sorted[lo_i];
    if index > lo && sorted[hi_i] != qs {
        let h = index - lo;
        (1.0 - h) * qs + h * sorted[hi_i]
    } else {
        qs
    }
}

/// Standard normal quantile (exact constants for the usual confidences,
/// Acklam's approximation otherwise, relative error < 1.2e-9).
pub fn qnorm(p: f64) -> f64 {
    if p == 0.975 {
        return 1.959_963_984_540_054;
    }
    if p == 0.95 {
        return 1.644_853_626_951_472_2;
    }
    if p == 0.995 {
        return 2.575_829_303_548_900_4;
    }
    if p == 0.5 {
        return 0.0;
    }
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    let a = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    let b = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    let c = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    let d = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    let plow = 0.02425;
    if p < plow {
        let q = (-2.0 * p.ln()).sqrt();
        (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
            / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0)
    } else if p <= 1.0 - plow {
        let q = p - 0.5;
        let r = q * q;
        (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
            / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0)
    } else {
        let q = (-2.0 * (1.0 - p).ln()).sqrt();
        -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
            / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0)
    }
}

fn summarise(
    ceiling: Ceiling,
    observed: f64,
    sims: Vec<f64>,
    rep: usize,
    h: usize,
    popts: &PermutationOptions,
) -> CeilingTest {
    let kept: Vec<f64> = sims.into_iter().filter(|v| !v.is_nan()).collect();
    let n_sims = kept.len();
    let n_ge = kept.iter().filter(|&&v| v >= observed).count();
    let conf = popts.p_confidence.clamp(0.0, 1.0);
    let thr = popts.p_threshold.clamp(0.0, 1.0);
    let (p_value, p_accuracy) = if observed.is_nan() || rep == 0 {
        (None, None)
    } else {
        let mut p = (n_ge as f64 + 1.0) / (n_sims as f64 + 1.0);
        p = p.max(1.0 / rep as f64);
        let mut acc = qnorm(conf + 0.5 * (1.0 - conf)) * (p * (1.0 - p) / rep as f64).sqrt();
        if h <= 6 && rep == factorial_capped(h, usize::MAX) {
            acc = 0.0;
        }
        (Some(p), Some(acc))
    };
    let mut sorted = kept.clone();
    sorted.sort_by(|a, b| a.total_cmp(b));
    let mean = if n_sims > 0 {
        kept.iter().sum::<f64>() / n_sims as f64
    } else {
        f64::NAN
    };
    let sd = if n_sims > 1 {
        (kept.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n_sims as f64 - 1.0)).sqrt()
    } else {
        f64::NAN
    };
    CeilingTest {
        ceiling,
        rep,
        n_sims,
        observed,
        n_sims_ge_observed: n_ge,
        p_value,
        p_accuracy,
        threshold_value: quantile7(&sorted, 1.0 - thr),
        p_threshold: thr,
        p_confidence: conf,
        null_mean: mean,
        null_sd: sd,
        null_min: sorted.first().copied().unwrap_or(f64::NAN),
        null_max: sorted.last().copied().unwrap_or(f64::NAN),
        null_quantiles: [
            quantile7(&sorted, 0.5),
            quantile7(&sorted, 0.9),
            quantile7(&sorted, 0.95),
            quantile7(&sorted, 0.99),
        ],
        null_effects: if popts.keep_null_effects {
            kept
        } else {
            Vec::new()
        },
        reference_stops: 0,
    }
}

/// Run the test on prepared loop data (used by `analyse`).
pub(crate) fn run(
    prep: &Prepared,
    y: &[f64],
    observed: &[(Ceiling, f64)],
    popts: &PermutationOptions,
) -> PermutationTest {
    let h = prep.x.len();
    let seed = popts.seed.unwrap_or_else(fresh_seed);
    let offset = popts.offset.unwrap_or_else(|| offset_for(seed));
    let rep = effective_rep(h, popts.permutations);
    let ceilings: Vec<Ceiling> = observed.iter().map(|(c, _)| *c).collect();
    let vrs_needed = needs_vrs(&ceilings);
    let xo = XOrder::new(prep.x, prep.flip_x, prep.flip_y);
    let new_buf = || Buffers {
        rng: RRng::new(seed),
        pool: Vec::with_capacity(h),
        perm: Vec::with_capacity(h),
        y: Vec::with_capacity(h),
        order: Vec::with_capacity(h),
        fdh: Vec::new(),
        vrs: Vec::new(),
    };

    // (permutation if kept, (effects per ceiling, reference stops)), in
    // permutation order
    let rows: Vec<(Option<Vec<u32>>, PermEffects)> = if rep <= 720 {
        let mut rng = RRng::new(seed);
        let perms = distinct_perms(offset, h, rep, &mut rng);
        perms
            .into_par_iter()
            .map_init(new_buf, |b, p| {
                let e = effects_of(prep, &xo, y, &p, &ceilings, vrs_needed, b);
                (popts.keep_permutations.then_some(p), e)
            })
            .collect()
    } else {
        (1..=rep as u64)
            .into_par_iter()
            .map_init(new_buf, |b, i| {
                b.rng.reseed((offset as u64 + i) as u32);
                let mut p = std::mem::take(&mut b.perm);
                b.rng.sample_perm_into(h, &mut b.pool, &mut p);
                let e = effects_of(prep, &xo, y, &p, &ceilings, vrs_needed, b);
                let kept = popts.keep_permutations.then(|| p.clone());
                b.perm = p;
                (kept, e)
            })
            .collect()
    };
    let rep_drawn = rows.len();
    let mut tests = Vec::with_capacity(ceilings.len());
    for (k, (c, obs)) in observed.iter().enumerate() {
        let sims: Vec<f64> = rows.iter().map(|r| r.1 .0[k]).collect();
        let mut t = summarise(*c, *obs, sims, rep_drawn, h, popts);
        t.reference_stops = rows.iter().filter(|r| (r.1 .1 >> k) & 1 == 1).count();
        tests.push(t);
    }
    let permutations = if popts.keep_permutations {
        Some(rows.into_iter().filter_map(|r| r.0).collect())
    } else {
        None
    };
    PermutationTest {
        seed,
        offset,
        rep: rep_drawn,
        permutations,
        tests,
    }
}
