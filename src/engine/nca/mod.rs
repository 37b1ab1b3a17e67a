//! Engine stage: Necessary Condition Analysis (NCA), reproducing the R
//! package NCA 5.0.1 number for number (METHODS.md §3, reference/r-nca.md).
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
pub mod ceilings;
pub mod effect;
pub mod peers;
pub mod permutation;
pub mod rrng;

use std::fmt;

pub use bottleneck::{
    bottleneck_column, bottleneck_table, outcome_levels, BottleneckColumn, BottleneckSpec,
    BottleneckTable, BottleneckUnit, Cell, OutcomeLevels, Steps,
};
pub use ceilings::Line;
pub use effect::{Ineffs, Scope};
pub use peers::Peer;
pub use permutation::{
    permutation_test, permutations, CeilingTest, PermutationOptions, PermutationTest,
};

/// A ceiling technique.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Ceiling {
    CeFdh,
    CrFdh,
    Ols,
    CLp,
    Qr,
    CeVrs,
    CrVrs,
    Cols,
    /// A user-given line (the reference's `custom`).
    Custom {
        intercept: f64,
        slope: f64,
    },
}

impl Ceiling {
    /// The reference's name (`ce_fdh`, …, `custom`).
    pub fn name(&self) -> &'static str {
        match self {
            Ceiling::CeFdh => "ce_fdh",
            Ceiling::CrFdh => "cr_fdh",
            Ceiling::Ols => "ols",
            Ceiling::CLp => "c_lp",
            Ceiling::Qr => "qr",
            Ceiling::CeVrs => "ce_vrs",
            Ceiling::CrVrs => "cr_vrs",
            Ceiling::Cols => "cols",
            Ceiling::Custom { .. } => "custom",
        }
    }

    /// Parse a reference name (not `custom`, which needs a line).
    pub fn from_name(s: &str) -> Option<Ceiling> {
        Some(match s {
            "ce_fdh" => Ceiling::CeFdh,
            "cr_fdh" => Ceiling::CrFdh,
            "ols" => Ceiling::Ols,
            "c_lp" => Ceiling::CLp,
            "qr" => Ceiling::Qr,
            "ce_vrs" => Ceiling::CeVrs,
            "cr_vrs" => Ceiling::CrVrs,
            "cols" => Ceiling::Cols,
            _ => return None,
        })
    }

    /// OLS is a reference line only: no summary column, test or bottleneck.
    pub fn is_reference_only(&self) -> bool {
        matches!(self, Ceiling::Ols)
    }
}

/// Errors of the NCA engine.
#[derive(Clone, Debug, PartialEq)]
pub enum NcaError {
    /// x and y have different lengths.
    LengthMismatch { x: usize, y: usize },
    /// No complete case.
    NoCases,
    /// An infinite value in the data.
    NonFinite,
    /// Corner outside 1..=4.
    BadCorner(u8),
    /// A bottleneck request the engine cannot serve.
    Bottleneck(String),
}

impl fmt::Display for NcaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NcaError::LengthMismatch { x, y } => {
                write!(f, "condition has {x} values but the outcome has {y}")
            }
            NcaError::NoCases => write!(f, "no complete cases to analyse"),
            NcaError::NonFinite => write!(f, "the data contain an infinite value"),
            NcaError::BadCorner(c) => write!(f, "corner must be 1, 2, 3 or 4, not {c}"),
            NcaError::Bottleneck(m) => write!(f, "bottleneck table: {m}"),
        }
    }
}

impl std::error::Error for NcaError {}

/// Options of one NCA (one condition against the outcome).
#[derive(Clone, Debug, PartialEq)]
pub struct NcaOptions {
    /// Ceilings in report order. The first one decides the verdict.
    pub ceilings: Vec<Ceiling>,
    /// 1 upper-left (default), 2 upper-right, 3 lower-left, 4 lower-right.
    pub corner: u8,
    /// Theoretical scope (Xmin, Xmax, Ymin, Ymax); NaN entries are ignored.
    pub scope: Option<[f64; 4]>,
    /// Quantile of the QR ceiling (lower corners use 1 − tau; outside [0, 1] → 0.95).
    pub qr_tau: f64,
    /// Number of permutations (0 = no test).
    pub permutations: usize,
    /// Seed of R's `set.seed` (None: a fresh seed, reported in the result).
    pub seed: Option<u32>,
    /// Confidence of the p-value accuracy (reference default 0.95).
    pub p_confidence: f64,
    /// Threshold p for the permutation test's threshold value (default 0.05).
    pub p_threshold: f64,
    /// Keep every permutation (1-based case numbers) in the test result.
    pub keep_permutations: bool,
    /// Keep every permuted effect size in the test result.
    pub keep_null_effects: bool,
}

impl Default for NcaOptions {
    fn default() -> Self {
        NcaOptions {
            ceilings: vec![Ceiling::CeFdh, Ceiling::CrFdh],
            corner: 1,
            scope: None,
            qr_tau: 0.95,
            permutations: 0,
            seed: None,
            p_confidence: 0.95,
            p_threshold: 0.05,
            keep_permutations: false,
            keep_null_effects: false,
        }
    }
}

/// flip.x / flip.y of a corner.
pub fn corner_flips(corner: u8) -> Result<(bool, bool), NcaError> {
    match corner {
        1 => Ok((false, false)),
        2 => Ok((true, false)),
        3 => Ok((false, true)),
        4 => Ok((true, true)),
        c => Err(NcaError::BadCorner(c)),
    }
}

/// Result of one ceiling. NaN means NA / undefined (the reference prints NA
/// or NaN); `slope`/`intercept` are `None` where the reference has none.
#[derive(Clone, Debug, PartialEq)]
pub struct CeilingResult {
    pub ceiling: Ceiling,
    pub effect_size: f64,
    pub ceiling_zone: f64,
    /// Number of cases above the ceiling (NaN when undefined).
    pub above: f64,
    /// c-accuracy in percent.
    pub accuracy: f64,
    /// n − above.
    pub accuracy_nof: f64,
    /// Fit in percent (NaN = NA).
    pub fit: f64,
    pub slope: Option<f64>,
    pub intercept: Option<f64>,
    /// Condition inefficiency, percent.
    pub condition_ineff: f64,
    /// Outcome inefficiency, percent.
    pub outcome_ineff: f64,
    /// Relative inefficiency, percent.
    pub rel_ineff: f64,
    /// Absolute inefficiency, data units².
    pub abs_ineff: f64,
    pub complexity: usize,
    /// Peers as the reference reports them (`index`: 0-based position in the
    /// caller's input, incomplete cases included).
    pub peers: Vec<Peer>,
    pub p_value: Option<f64>,
    pub p_accuracy: Option<f64>,
    /// Details of the permutation test, when one was run.
    pub test: Option<CeilingTest>,
    /// Effect size is a number (scope has area and the ceiling is valid).
    pub effect_defined: bool,
}

/// Result of one NCA (one condition).
#[derive(Clone, Debug, PartialEq)]
pub struct NcaResult {
    /// Number of complete cases analysed.
    pub n: usize,
    /// Scope area (theoretical scope).
    pub scope: f64,
    /// Empirical and theoretical scope; `xmin`..`ymax` below are the
    /// theoretical scope (= empirical without a given scope), as the reference.
    pub scope_detail: Scope,
    pub xmin: f64,
    pub xmax: f64,
    pub ymin: f64,
    pub ymax: f64,
    pub corner: u8,
    pub flip_x: bool,
    pub flip_y: bool,
    pub ceilings: Vec<CeilingResult>,
    /// CE-FDH peers (always computed: CE-FDH zone is the fit reference).
    pub fdh_peers: Vec<Peer>,
    /// CE-VRS peers (computed when a VRS ceiling is requested).
    pub vrs_peers: Vec<Peer>,
    /// The complete cases used (x, y), for bottleneck tables.
    pub x: Vec<f64>,
    pub y: Vec<f64>,
    /// Permutation test details (seed used, offset, permutations if kept).
    pub test: Option<PermutationTest>,
    /// Human-readable notes (dropped cases, widened scope, undefined effect).
    pub notes: Vec<String>,
}

impl NcaResult {
    /// The result of a ceiling, if it was requested.
    pub fn ceiling(&self, c: &Ceiling) -> Option<&CeilingResult> {
        self.ceilings.iter().find(|r| r.ceiling.name() == c.name())
    }
}

/// Everything that stays fixed while y is permuted.
pub(crate) struct Prepared<'a> {
    pub x: &'a [f64],
    pub scope: Scope,
    pub flip_x: bool,
    pub flip_y: bool,
    pub qr_tau: f64,
}

/// Line of a straight ceiling (not CE-*) for given peers.
pub(crate) fn line_for(
    c: &Ceiling,
    p: &Prepared,
    y: &[f64],
    fdh: &[Peer],
    vrs: &[Peer],
) -> Option<Line> {
    match c {
        Ceiling::Ols => ceilings::ols(p.x, y),
        Ceiling::Cols => ceilings::cols(p.x, y, p.flip_y),
        Ceiling::Qr => ceilings::quantile_regression(p.x, y, ceilings::qr_tau(p.qr_tau, p.flip_y)),
        Ceiling::CrFdh => {
            if peers::has_two_unique(fdh) {
                ceilings::ols_peers_fast(fdh)
            } else {
                None
            }
        }
        Ceiling::CrVrs => {
            if peers::has_two_unique(vrs) {
                ceilings::ols_peers_fast(vrs)
            } else {
                None
            }
        }
        Ceiling::CLp => ceilings::c_lp(fdh, p.flip_x, p.flip_y),
        Ceiling::Custom { intercept, slope } => Some(Line {
            intercept: *intercept,
            slope: *slope,
        }),
        Ceiling::CeFdh | Ceiling::CeVrs => None,
    }
}

/// Ceiling zone of any ceiling (fast: used for every permutation too).
pub(crate) fn zone_for(
    c: &Ceiling,
    p: &Prepared,
    y: &[f64],
    fdh: &[Peer],
    vrs: &[Peer],
) -> (f64, Option<Line>) {
    match c {
        Ceiling::CeFdh => (
            effect::ce_zone(fdh, &p.scope, p.flip_x, p.flip_y, false),
            None,
        ),
        Ceiling::CeVrs => (
            effect::ce_zone(vrs, &p.scope, p.flip_x, p.flip_y, true),
            None,
        ),
        Ceiling::CrFdh | Ceiling::CrVrs | Ceiling::CLp => {
            let l = line_for(c, p, y, fdh, vrs);
            match l {
                // single distinct peer: zone 0, no line
                None => (0.0, None),
                Some(_) => (effect::line_zone(l, &p.scope, p.flip_x, p.flip_y), l),
            }
        }
        Ceiling::Cols => {
            // The COLS line passes through the case with the largest residual.
            // When that case is the scope's corner, the exact zone is 0 but the
            // reference's refit `lm(y + max(resid) ~ x)` puts the line a hair
            // above the box, which its zone rule turns into NaN (the
            // permutation is then dropped). Reproduced: zone 0 → NaN.
            let l = line_for(c, p, y, fdh, vrs);
            let z = effect::line_zone(l, &p.scope, p.flip_x, p.flip_y);
            (if z == 0.0 { f64::NAN } else { z }, l)
        }
        _ => {
            let l = line_for(c, p, y, fdh, vrs);
            (effect::line_zone(l, &p.scope, p.flip_x, p.flip_y), l)
        }
    }
}

pub(crate) fn needs_vrs(cs: &[Ceiling]) -> bool {
    cs.iter()
        .any(|c| matches!(c, Ceiling::CeVrs | Ceiling::CrVrs))
}

/// Complete cases with their positions in the input.
#[allow(clippy::type_complexity)]
fn complete_cases_indexed(
    x: &[f64],
    y: &[f64],
) -> Result<(Vec<f64>, Vec<f64>, Vec<usize>), NcaError> {
    if x.len() != y.len() {
        return Err(NcaError::LengthMismatch {
            x: x.len(),
            y: y.len(),
        });
    }
    let mut xs = Vec::with_capacity(x.len());
    let mut ys = Vec::with_capacity(y.len());
    let mut kept = Vec::with_capacity(x.len());
    for (i, (&a, &b)) in x.iter().zip(y).enumerate() {
        if a.is_nan() || b.is_nan() {
            continue;
        }
        if a.is_infinite() || b.is_infinite() {
            return Err(NcaError::NonFinite);
        }
        xs.push(a);
        ys.push(b);
        kept.push(i);
    }
    Ok((xs, ys, kept))
}

/// Keep the complete cases; error on infinite values or different lengths.
pub fn complete_cases(x: &[f64], y: &[f64]) -> Result<(Vec<f64>, Vec<f64>, usize), NcaError> {
    if x.len() != y.len() {
        return Err(NcaError::LengthMismatch {
            x: x.len(),
            y: y.len(),
        });
    }
    let mut xs = Vec::with_capacity(x.len());
    let mut ys = Vec::with_capacity(y.len());
    let mut dropped = 0;
    for (&a, &b) in x.iter().zip(y) {
        if a.is_nan() || b.is_nan() {
            dropped += 1;
            continue;
        }
        if a.is_infinite() || b.is_infinite() {
            return Err(NcaError::NonFinite);
        }
        xs.push(a);
        ys.push(b);
    }
    Ok((xs, ys, dropped))
}

/// Analyse one condition `x` against the outcome `y` (complete cases are
/// taken; pairs with a NaN are dropped and reported in `notes`).
pub fn analyse(x: &[f64], y: &[f64], opts: &NcaOptions) -> Result<NcaResult, NcaError> {
    let (flip_x, flip_y) = corner_flips(opts.corner)?;
    let (xs, ys, kept) = complete_cases_indexed(x, y)?;
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
    let mut test = None;
    if opts.permutations > 0 {
        let popts = PermutationOptions {
            permutations: opts.permutations,
            seed: opts.seed,
            p_confidence: opts.p_confidence,
            p_threshold: opts.p_threshold,
            keep_permutations: opts.keep_permutations,
            keep_null_effects: opts.keep_null_effects,
        };
        let observed: Vec<(Ceiling, f64)> = results
            .iter()
            .filter(|r| !r.ceiling.is_reference_only())
            .map(|r| (r.ceiling, r.effect_size))
            .collect();
        let t = permutation::run(&prep, &ys, &observed, &popts);
        for r in results.iter_mut() {
            if let Some(ct) = t
                .tests
                .iter()
                .find(|ct| ct.ceiling.name() == r.ceiling.name())
            {
                r.p_value = ct.p_value;
                r.p_accuracy = ct.p_accuracy;
                r.test = Some(ct.clone());
            }
        }
        if results
            .iter()
            .any(|r| !r.effect_defined && r.test.is_some())
        {
            notes.push("no p-value where the effect size is undefined".to_string());
        }
        test = Some(t);
    }
    // report peers by their position in the caller's input
    let remap = |v: &mut Vec<Peer>| {
        for p in v.iter_mut() {
            p.index = kept[p.index];
        }
    };
    for r in results.iter_mut() {
        remap(&mut r.peers);
    }
    let mut fdh = fdh;
    let mut vrs = vrs;
    remap(&mut fdh);
    remap(&mut vrs);
    Ok(NcaResult {
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
        test,
        notes,
    })
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
