//! Engine stage: Necessary Condition Analysis (NCA), reproducing the R
//! package NCA 5.0.1 number for number (docs/methods.md §3).
//!
//! Plain `f64` slices in, plain structs out; the engine knows nothing of the
//! language front end. Guarantees: numbers are never rounded; no input makes
//! it panic (empty, single case, constant columns, ties everywhere, NaN):
//! incomplete pairs (NaN) are dropped as the reference's complete-case rule
//! does, an empty input or infinite values give an [`NcaError`], and a
//! degenerate scope (zero width or height) gives an undefined effect size
//! (`f64::NAN`) with `effect_defined == false` and a note, never a division
//! by zero reported as a number.

pub mod bottleneck;
pub mod bottleneck_cases;
pub mod ceilings;
pub mod effect;
pub mod outliers;
pub mod peers;
pub mod permutation;
pub mod power;
pub mod prepare;
pub mod rarith;
pub mod result;
pub mod robustness;
pub mod rrng;
pub mod types;

use std::fmt;

use crate::engine::ids::Column;
pub use prepare::complete_cases;
use prepare::{complete_columns, needs_vrs, zone_for, Prepared};
pub use result::{CeilingResult, NcaResult};
pub use types::{corner_flips, Ceiling, NcaError, NcaOptions};

pub use bottleneck::{
    bottleneck_column, bottleneck_table, outcome_levels, BottleneckColumn, BottleneckSpec,
    BottleneckTable, BottleneckUnit, Cell, OutcomeLevels, Steps,
};
pub use ceilings::Line;
pub use effect::{Ineffs, Scope};
pub use peers::Peer;
pub use permutation::{permutations, CeilingTest, PermutationOptions, PermutationTest};

/// Analyse one condition `x` against the outcome `y` (complete cases are
/// taken; pairs with a NaN are dropped and reported in `notes`).
pub fn analyse(x: &[f64], y: &[f64], opts: &NcaOptions) -> Result<NcaResult, NcaError> {
    analyse_conditions(&[x], y, std::slice::from_ref(opts), &|_| {})
        .pop()
        .unwrap_or(Err(NcaError::NoCases))
}

/// Analyse several conditions against one outcome, each with its options (`opts[k]` for
/// `xs[k]`; the defaults where `opts` is shorter): the same results as [`analyse`] on each,
/// but conditions with the same complete cases and the same test share every permutation
/// (drawn once, read by each: the reference re-seeds each condition with the same seed, so
/// they are the same draws). Conditions whose test has no seed share one fresh seed.
/// `tick(k)` is told of every k permutations done (a progress bar's steps: the
/// permutations times the conditions tested).
pub fn analyse_conditions(
    xs: &[&[f64]],
    y: &[f64],
    opts: &[NcaOptions],
    tick: &(dyn Fn(usize) + Sync),
) -> Vec<Result<NcaResult, NcaError>> {
    let xs: Vec<Column> = xs.iter().map(|x| Column::from(*x)).collect();
    analyse_columns(&xs, &Column::from(y), opts, tick)
}

/// [`analyse_conditions`] of shared columns: a result's complete cases are the columns
/// themselves when none is missing (10⁶ cases × 5 conditions: 80 MB not copied).
pub fn analyse_columns(
    xs: &[Column],
    y: &Column,
    opts: &[NcaOptions],
    tick: &(dyn Fn(usize) + Sync),
) -> Vec<Result<NcaResult, NcaError>> {
    let default = NcaOptions::default();
    let opts_of = |k: usize| opts.get(k).unwrap_or(&default);
    let fresh = opts
        .iter()
        .any(|o| o.permutations > 0 && o.seed.is_none())
        .then(permutation::fresh_seed);
    let mut observed: Vec<Result<Observed, NcaError>> = xs
        .iter()
        .enumerate()
        .map(|(k, x)| observe(x, y, opts_of(k)))
        .collect();
    // groups: the same test options and the same complete cases
    let mut groups: Vec<(PermutationOptions, Vec<usize>)> = Vec::new();
    for (k, r) in observed.iter().enumerate() {
        let o = opts_of(k);
        let Ok((_, kept)) = r else { continue };
        if o.permutations == 0 {
            continue;
        }
        let popts = PermutationOptions {
            permutations: o.permutations,
            seed: o.seed.or(fresh),
            offset: o.offset,
            p_confidence: o.p_confidence,
            p_threshold: o.p_threshold,
            keep_permutations: o.keep_permutations,
            keep_null_effects: o.keep_null_effects,
        };
        let same = |m: &usize| matches!(&observed[*m], Ok((_, other)) if other == kept);
        match groups
            .iter_mut()
            .find(|(p, members)| *p == popts && members.first().is_some_and(same))
        {
            Some((_, members)) => members.push(k),
            None => groups.push((popts, vec![k])),
        }
    }
    let mut tests: Vec<Option<PermutationTest>> = vec![None; xs.len()];
    for (popts, members) in &groups {
        let preps: Vec<(Prepared, Vec<(Ceiling, f64)>)> = members
            .iter()
            .filter_map(|&k| {
                let (r, _) = observed[k].as_ref().ok()?;
                let prep = Prepared {
                    x: &r.x,
                    scope: r.scope_detail,
                    flip_x: r.flip_x,
                    flip_y: r.flip_y,
                    qr_tau: opts_of(k).qr_tau,
                };
                let tested = r
                    .ceilings
                    .iter()
                    .filter(|c| !c.ceiling.is_reference_only())
                    .map(|c| (c.ceiling, c.effect_size))
                    .collect();
                Some((prep, tested))
            })
            .collect();
        let group: Vec<permutation::Member> = preps
            .iter()
            .map(|(prep, observed)| permutation::Member { prep, observed })
            .collect();
        let Some(Ok((first, _))) = members.first().map(|&k| &observed[k]) else {
            continue;
        };
        let done = permutation::run_group(&group, &first.y, popts, tick);
        for (&k, t) in members.iter().zip(done) {
            tests[k] = Some(t);
        }
    }
    for (r, t) in observed.iter_mut().zip(tests) {
        if let (Ok((r, _)), Some(t)) = (r, t) {
            attach_test(r, t);
        }
    }
    observed.into_iter().map(|r| r.map(|(r, _)| r)).collect()
}

/// The p-values of a test in the result of its condition.
fn attach_test(r: &mut NcaResult, t: PermutationTest) {
    for c in r.ceilings.iter_mut() {
        if let Some(ct) = t
            .tests
            .iter()
            .find(|ct| ct.ceiling.name() == c.ceiling.name())
        {
            c.p_value = ct.p_value;
            c.p_accuracy = ct.p_accuracy;
            c.test = Some(ct.clone());
        }
    }
    if r.ceilings
        .iter()
        .any(|c| !c.effect_defined && c.test.is_some())
    {
        r.notes
            .push("no p-value where the effect size is undefined".to_string());
    }
    r.test = Some(t);
}

/// A condition's result without its test, and the positions of its complete cases (None when
/// every case is complete).
type Observed = (NcaResult, Option<Vec<usize>>);

/// Everything of one condition but its test, and the positions of its complete cases.
fn observe(x: &Column, y: &Column, opts: &NcaOptions) -> Result<Observed, NcaError> {
    let (flip_x, flip_y) = corner_flips(opts.corner)?;
    let (xs, ys, kept) = complete_columns(x, y)?;
    let dropped = x.len() - xs.len();
    if xs.is_empty() {
        return Err(NcaError::NoCases);
    }
    let n = xs.len();
    let mut notes = Vec::new();
    if dropped > 0 {
        notes.push(format!("{dropped} incomplete case(s) dropped"));
    }
    let sc = effect::scope(&xs, &ys, opts.scope);
    if sc.widened {
        notes.push("the theoretical scope was widened to contain all data".to_string());
    }
    let area_ok = sc.area.is_finite() && sc.area > 0.0;
    if !area_ok {
        notes.push(
            "the scope has no area (constant condition or outcome): effect sizes are undefined"
                .to_string(),
        );
    }
    let prep = Prepared {
        x: &xs,
        scope: sc,
        flip_x,
        flip_y,
        qr_tau: opts.qr_tau,
    };
    let fdh = peers::peers(&xs, &ys, flip_x, flip_y, false);
    let vrs = if needs_vrs(&opts.ceilings) {
        peers::peers(&xs, &ys, flip_x, flip_y, true)
    } else {
        Vec::new()
    };
    let fdh_zone = effect::ce_zone(&fdh, &sc, flip_x, flip_y, false);
    let nf = n as f64;
    let mut results = Vec::new();
    for c in &opts.ceilings {
        let (zone, line) = zone_for(c, &prep, &ys, &fdh, &vrs);
        let effect_size = if area_ok { zone / sc.area } else { f64::NAN };
        let unique_fdh = peers::unique_count(&fdh);
        let (above, fit, ineffs, complexity, peers_out) = match c {
            Ceiling::CeFdh => (
                0.0,
                100.0,
                effect::ce_ineffs(&fdh, &sc, flip_x, flip_y),
                unique_fdh,
                fdh.clone(),
            ),
            Ceiling::CeVrs => (
                0.0,
                effect::fit(zone, fdh_zone),
                effect::ce_ineffs(&vrs, &sc, flip_x, flip_y),
                peers::unique_count(&vrs),
                vrs.clone(),
            ),
            Ceiling::CrFdh | Ceiling::CrVrs => {
                let pp = if matches!(c, Ceiling::CrFdh) {
                    &fdh
                } else {
                    &vrs
                };
                match line {
                    None => (0.0, effect::fit(zone, fdh_zone), Ineffs::NA, 1, Vec::new()),
                    Some(_) => (
                        effect::above(&xs, &ys, line, flip_x, flip_y),
                        effect::fit(zone, fdh_zone),
                        effect::line_ineffs(line, &sc, flip_x, flip_y),
                        1,
                        pp.clone(),
                    ),
                }
            }
            Ceiling::CLp => match line {
                None => (
                    f64::NAN,
                    effect::fit(zone, fdh_zone),
                    Ineffs::NA,
                    1,
                    Vec::new(),
                ),
                Some(l) => (
                    0.0,
                    effect::fit(zone, fdh_zone),
                    effect::line_ineffs(line, &sc, flip_x, flip_y),
                    1,
                    ceilings::best_peers(&fdh, &l),
                ),
            },
            Ceiling::Ols => (
                effect::above(&xs, &ys, line, flip_x, flip_y),
                if zone.is_nan() || fdh_zone.is_nan() {
                    f64::NAN
                } else {
                    100.0 * zone / fdh_zone
                },
                effect::line_ineffs(line, &sc, flip_x, flip_y),
                1,
                Vec::new(),
            ),
            _ => (
                effect::above(&xs, &ys, line, flip_x, flip_y),
                effect::fit(zone, fdh_zone),
                effect::line_ineffs(line, &sc, flip_x, flip_y),
                1,
                Vec::new(),
            ),
        };
        let accuracy = if above.is_nan() {
            f64::NAN
        } else {
            100.0 * (nf - above) / nf
        };
        results.push(CeilingResult {
            ceiling: *c,
            effect_size,
            ceiling_zone: zone,
            above,
            accuracy,
            accuracy_nof: nf - above,
            fit,
            slope: line.map(|l| l.slope),
            intercept: line.map(|l| l.intercept),
            condition_ineff: ineffs.condition,
            outcome_ineff: ineffs.outcome,
            rel_ineff: ineffs.relative,
            abs_ineff: ineffs.absolute,
            complexity,
            peers: peers_out,
            p_value: None,
            p_accuracy: None,
            test: None,
            effect_defined: effect_size.is_finite(),
        });
    }
    // report peers by their position in the caller's input
    let remap = |v: &mut Vec<Peer>| {
        if let Some(kept) = &kept {
            for p in v.iter_mut() {
                p.index = kept[p.index];
            }
        }
    };
    for r in results.iter_mut() {
        remap(&mut r.peers);
    }
    let mut fdh = fdh;
    let mut vrs = vrs;
    remap(&mut fdh);
    remap(&mut vrs);
    let result = NcaResult {
        n,
        scope: sc.area,
        scope_detail: sc,
        xmin: sc.theo[0],
        xmax: sc.theo[1],
        ymin: sc.theo[2],
        ymax: sc.theo[3],
        corner: opts.corner,
        flip_x,
        flip_y,
        ceilings: results,
        fdh_peers: fdh,
        vrs_peers: vrs,
        x: xs,
        y: ys,
        test: None,
        notes,
    };
    // all cases complete (the usual case): no list of positions kept
    Ok((result, kept))
}

/// The verdict rule: necessary when d >= d_min and p <= p_max. Without a
/// p-value (no test) only the effect size counts; undefined d is never
/// necessary.
pub fn is_necessary(effect_size: f64, p_value: Option<f64>, d_min: f64, p_max: f64) -> bool {
    if effect_size.is_nan() || effect_size < d_min {
        return false;
    }
    match p_value {
        Some(p) => p <= p_max,
        None => true,
    }
}

/// Verdict for a result: its first listed ceiling decides.
pub fn verdict(result: &NcaResult, d_min: f64, p_max: f64) -> Option<bool> {
    result
        .ceilings
        .iter()
        .find(|c| !c.ceiling.is_reference_only())
        .map(|c| is_necessary(c.effect_size, c.p_value, d_min, p_max))
}

/// Dul's (2016) effect-size labels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EffectLabel {
    Small,
    Medium,
    Large,
    VeryLarge,
    Undefined,
}

impl EffectLabel {
    pub fn as_str(&self) -> &'static str {
        match self {
            EffectLabel::Small => "small",
            EffectLabel::Medium => "medium",
            EffectLabel::Large => "large",
            EffectLabel::VeryLarge => "very large",
            EffectLabel::Undefined => "undefined",
        }
    }
}

impl fmt::Display for EffectLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// d < 0.1 small, < 0.3 medium, < 0.5 large, else very large.
pub fn effect_label(d: f64) -> EffectLabel {
    if d.is_nan() {
        EffectLabel::Undefined
    } else if d < 0.1 {
        EffectLabel::Small
    } else if d < 0.3 {
        EffectLabel::Medium
    } else if d < 0.5 {
        EffectLabel::Large
    } else {
        EffectLabel::VeryLarge
    }
}

/// Permutation test of one condition on its own (re-seeded with
/// `opts.seed`), for every ceiling of `opts` except OLS.
pub fn permutation_test(
    x: &[f64],
    y: &[f64],
    opts: &NcaOptions,
) -> Result<PermutationTest, NcaError> {
    let mut o = opts.clone();
    if o.permutations == 0 {
        o.permutations = 1;
    }
    if o.seed.is_none() {
        o.seed = Some(permutation::fresh_seed());
    }
    let r = analyse(x, y, &o)?;
    r.test.ok_or(NcaError::NoCases)
}
