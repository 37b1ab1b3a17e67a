//! Engine stage: the approximate permutation test with R's random stream (docs/methods.md
//! §3.4).
//!
//! Guarantees: with the same seed, the same permutations and p-values as R's
//! NCA 5.0.1 for every condition (each condition re-seeded on its own, so conditions with
//! the same complete cases share each draw: drawn once, read by all); permutation i
//! depends only on (offset, i), so the parallel run (rayon) is bit-for-bit independent of
//! the number of threads; x is sorted once per condition and a permutation only reorders
//! y, so each permutation costs one pass over the cases per condition (ties sorted only
//! where they can change a peer; large samples screened, see `peers::Screen`), with
//! buffers reused from one permutation to the next. Never panics.

use rayon::prelude::*;
use std::collections::HashSet;

use super::peers::{peers_in_order, peers_presorted, Peer, Screen, XOrder};
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

/// One condition of a group that shares its permutations (same complete cases, so the
/// same outcome values and the same draws): what stays fixed while y is permuted.
pub(crate) struct Member<'a> {
    pub prep: &'a Prepared<'a>,
    /// The observed effect of each tested ceiling.
    pub observed: &'a [(Ceiling, f64)],
}

/// What a member needs per permutation, computed once.
struct Plan<'a> {
    member: &'a Member<'a>,
    ceilings: Vec<Ceiling>,
    vrs: bool,
    way: Way,
}

enum Way {
    /// Every ceiling is read off the peers: x in its order, once (`peers_presorted`).
    Peers {
        order: Vec<u32>,
        ties: Vec<(usize, usize)>,
    },
    /// A ceiling needs every case (QR, OLS, COLS …): y permuted in case order.
    Cases(XOrder),
}

impl<'a> Plan<'a> {
    fn new(member: &'a Member<'a>) -> Self {
        let p = member.prep;
        let ceilings: Vec<Ceiling> = member.observed.iter().map(|(c, _)| *c).collect();
        let vrs = needs_vrs(&ceilings);
        let xo = XOrder::new(p.x, p.flip_x, p.flip_y);
        let from_peers = ceilings.iter().all(|c| {
            matches!(
                c,
                Ceiling::CeFdh | Ceiling::CrFdh | Ceiling::CeVrs | Ceiling::CrVrs
            )
        });
        let way = if from_peers && p.x.len() <= u32::MAX as usize {
            Way::Peers {
                order: xo.order.iter().map(|&i| i as u32).collect(),
                ties: xo.ties,
            }
        } else {
            Way::Cases(xo)
        };
        Plan {
            member,
            ceilings,
            vrs,
            way,
        }
    }
}

/// A worker's buffers, reused from one permutation to the next.
struct Buffers {
    rng: RRng,
    pool: Vec<u32>,
    perm: Vec<u32>,
    /// y permuted, in case order.
    y: Vec<f64>,
    /// The outcome's values as a pool to draw from.
    y_pool: Vec<f64>,
    order: Vec<usize>,
    scratch: Vec<usize>,
    /// The screens of the permuted outcome, for upper and lower ceilings.
    screens: [Screen; 2],
    fdh: Vec<Peer>,
    vrs: Vec<Peer>,
}

impl Buffers {
    fn new(seed: u32, h: usize) -> Self {
        Buffers {
            rng: RRng::new(seed),
            pool: Vec::with_capacity(h),
            perm: Vec::with_capacity(h),
            y: Vec::with_capacity(h),
            y_pool: Vec::new(),
            order: Vec::new(),
            scratch: Vec::new(),
            screens: [Screen::default(), Screen::default()],
            fdh: Vec::new(),
            vrs: Vec::new(),
        }
    }
}

/// The effects of one permutation (in `b.perm`) for every member, appended to `effects`
/// (members in order, ceilings in order); a bit per ceiling where the reference stops.
/// `b.y` is the permuted outcome (from `b.perm` when the values were not drawn directly);
/// `screens[flip_y]` the threshold of a [`Screen`] for the members with that flip.
fn effects_of(
    plans: &[Plan],
    y_org: &[f64],
    screens: &[Option<f64>; 2],
    b: &mut Buffers,
    effects: &mut Vec<f64>,
    stops: &mut Vec<u64>,
) {
    if !b.perm.is_empty() {
        b.y.clear();
        b.y.resize(b.perm.len(), 0.0);
        for (v, &k) in b.y.iter_mut().zip(&b.perm) {
            *v = y_org[(k as usize) - 1];
        }
    }
    for (fy, t) in screens.iter().enumerate() {
        if let Some(t) = t {
            b.screens[fy].fill(&b.y, *t, fy == 1);
        }
    }
    for plan in plans {
        let prep = plan.member.prep;
        match &plan.way {
            Way::Peers { order, ties } => {
                let x = prep.x;
                let flips = (prep.flip_x, prep.flip_y);
                let fy = prep.flip_y as usize;
                let screen = screens[fy].map(|_| &b.screens[fy]);
                let (fdh, scratch) = (&mut b.fdh, &mut b.scratch);
                peers_presorted(x, order, &b.y, ties, flips, false, screen, fdh, scratch);
                if plan.vrs {
                    peers_presorted(
                        x, order, &b.y, ties, flips, true, screen, &mut b.vrs, scratch,
                    );
                }
            }
            Way::Cases(xo) => {
                xo.order_with_y(&b.y, &mut b.order);
                let (fx, fy) = (prep.flip_x, prep.flip_y);
                peers_in_order(prep.x, &b.y, &b.order, fx, fy, false, &mut b.fdh);
                if plan.vrs {
                    peers_in_order(prep.x, &b.y, &b.order, fx, fy, true, &mut b.vrs);
                }
            }
        }
        let area = prep.scope.area;
        let area_ok = area.is_finite() && area > 0.0;
        let mut stop = 0u64;
        for (k, c) in plan.ceilings.iter().enumerate() {
            let (z, line) = zone_for(c, prep, &b.y, &b.fdh, &b.vrs);
            if *c == Ceiling::Qr && reference_stops_on(line, &prep.scope) && k < 64 {
                stop |= 1 << k;
            }
            effects.push(if area_ok { z / area } else { f64::NAN });
        }
        stops.push(stop);
    }
}

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

/// From this many cases on, a permutation's outcome is screened ([`Screen`]).
const SCREENED_FROM: usize = 4096;

/// Below this many cases the distinct permutations are kept and compared whole; above it
/// by a 128-bit digest (and whole again if two digests meet).
const STORED_BELOW: usize = 64;

/// One permutation's results: the effects of every member's ceilings, a word of reference
/// stops per member, the permutation if asked for, and its digest (distinct draws).
struct Row {
    effects: Vec<f64>,
    stops: Vec<u64>,
    perm: Option<Vec<u32>>,
    digest: u128,
}

fn draw(b: &mut Buffers, offset: u32, i: u64, h: usize) {
    b.rng.reseed((offset as u64 + i) as u32);
    b.rng.sample_perm_into(h, &mut b.pool, &mut b.perm);
}

/// Permutation i of the outcome itself, drawn straight from its values (`b.perm` is
/// left empty: nobody asked for the case numbers).
fn draw_values(b: &mut Buffers, offset: u32, i: u64, y_org: &[f64]) {
    b.rng.reseed((offset as u64 + i) as u32);
    b.perm.clear();
    b.y_pool.clear();
    b.y_pool.extend_from_slice(y_org);
    b.rng.sample_from(y_org.len(), &mut b.y_pool, &mut b.y);
}

/// Two 64-bit FNV-1a style hashes of a permutation, with different primes.
fn digest(perm: &[u32]) -> u128 {
    let (mut a, mut b): (u64, u64) = (0xcbf2_9ce4_8422_2325, 0x8422_2325_cbf2_9ce4);
    for &v in perm {
        a = (a ^ v as u64).wrapping_mul(0x0100_0000_01b3);
        b = (b ^ v as u64)
            .wrapping_mul(0x9e37_79b9_7f4a_7c15)
            .rotate_left(29);
    }
    ((a as u128) << 64) | b as u128
}

/// The test of every member of a group of conditions with the same complete cases (and so
/// the same outcome values `y`): each permutation is drawn once and read by all of them,
/// exactly as if each condition were tested on its own (the reference re-seeds every
/// condition with the same seed). `tick(k)`: one more permutation done for k conditions.
pub(crate) fn run_group(
    members: &[Member],
    y: &[f64],
    popts: &PermutationOptions,
    tick: &(dyn Fn(usize) + Sync),
) -> Vec<PermutationTest> {
    let h = y.len();
    let seed = popts.seed.unwrap_or_else(fresh_seed);
    let offset = popts.offset.unwrap_or_else(|| offset_for(seed));
    let rep = effective_rep(h, popts.permutations);
    let plans: Vec<Plan> = members.iter().map(Plan::new).collect();
    let width: usize = plans.iter().map(|p| p.ceilings.len()).sum();
    // screens pay from a few thousand cases on
    let screens: [Option<f64>; 2] = [false, true].map(|fy| {
        let used = plans
            .iter()
            .any(|p| matches!(p.way, Way::Peers { .. }) && p.member.prep.flip_y == fy);
        (used && h >= SCREENED_FROM).then(|| Screen::threshold(y, fy))
    });
    let keep = popts.keep_permutations;
    let new_buf = || Buffers::new(seed, h);
    let row = |b: &mut Buffers| -> Row {
        let mut effects = Vec::with_capacity(width);
        let mut stops = Vec::with_capacity(plans.len());
        effects_of(&plans, y, &screens, b, &mut effects, &mut stops);
        tick(plans.len());
        Row {
            effects,
            stops,
            perm: keep.then(|| b.perm.clone()),
            digest: 0,
        }
    };

    let rows: Vec<Row> = if rep <= 720 && h < STORED_BELOW {
        let mut rng = RRng::new(seed);
        let perms = distinct_perms(offset, h, rep, &mut rng);
        perms
            .into_par_iter()
            .map_init(new_buf, |b, p| {
                b.perm = p;
                row(b)
            })
            .collect()
    } else if rep <= 720 {
        distinct_rows(offset, h, rep, &new_buf, &row)
    } else {
        (1..=rep as u64)
            .into_par_iter()
            .map_init(new_buf, |b, i| {
                if keep {
                    draw(b, offset, i, h);
                } else {
                    draw_values(b, offset, i, y);
                }
                row(b)
            })
            .collect()
    };

    let rep_drawn = rows.len();
    let mut col = 0;
    let mut out = Vec::with_capacity(members.len());
    for (m, (member, plan)) in members.iter().zip(&plans).enumerate() {
        let tests = member
            .observed
            .iter()
            .enumerate()
            .map(|(k, (c, obs))| {
                let sims: Vec<f64> = rows.iter().map(|r| r.effects[col + k]).collect();
                let mut t = summarise(*c, *obs, sims, rep_drawn, h, popts);
                t.reference_stops = rows.iter().filter(|r| (r.stops[m] >> k) & 1 == 1).count();
                t
            })
            .collect();
        col += plan.ceilings.len();
        out.push(PermutationTest {
            seed,
            offset,
            rep: rep_drawn,
            permutations: keep.then(|| rows.iter().filter_map(|r| r.perm.clone()).collect()),
            tests,
        });
    }
    out
}

/// The reference's distinct permutations (draws 1, 2, … skipping any seen before, at
/// most `rep · 101 + 1000` draws) without keeping them: drawn in parallel batches,
/// compared by digest, and whole where two digests meet.
fn distinct_rows(
    offset: u32,
    h: usize,
    rep: usize,
    new_buf: &(dyn Fn() -> Buffers + Sync),
    row: &(dyn Fn(&mut Buffers) -> Row + Sync),
) -> Vec<Row> {
    let max_draws = (rep as u64) * 101 + 1000;
    let mut kept: Vec<Row> = Vec::with_capacity(rep);
    let mut seen: std::collections::HashMap<u128, Vec<u64>> = Default::default();
    let mut next = 1u64;
    let same = |i: u64, j: u64| {
        let mut rng = RRng::new(0);
        perm_for(offset, i, h, &mut rng) == perm_for(offset, j, h, &mut rng)
    };
    while kept.len() < rep && next <= max_draws {
        let last = (next + (rep - kept.len()) as u64 - 1).min(max_draws);
        let batch: Vec<(u64, Row)> = (next..=last)
            .into_par_iter()
            .map_init(new_buf, |b, i| {
                draw(b, offset, i, h);
                let d = digest(&b.perm);
                let mut r = row(b);
                r.digest = d;
                (i, r)
            })
            .collect();
        next = last + 1;
        for (i, r) in batch {
            let earlier = seen.entry(r.digest).or_default();
            if earlier.iter().any(|&j| same(i, j)) {
                continue;
            }
            earlier.push(i);
            kept.push(r);
        }
    }
    kept
}
