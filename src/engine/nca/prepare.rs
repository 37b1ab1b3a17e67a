//! Engine stage, NCA: what stays fixed while the outcome is permuted, the ceiling line and
//! zone of any ceiling for given peers (used for the observed data and for every
//! permutation), and the complete cases of a pair of columns.
//!
//! Guarantees: no input makes these panic; incomplete pairs are dropped, infinite values and
//! columns of different lengths are errors.

use super::ceilings::{self, Line};
use super::effect::{self, Scope};
use super::peers::Peer;
use super::types::{Ceiling, NcaError};
use crate::engine::ids::Column;

/// Everything that stays fixed while y is permuted.
pub(crate) struct Prepared<'a> {
    pub x: &'a [f64],
    pub scope: Scope,
    pub flip_x: bool,
    pub flip_y: bool,
    pub qr_tau: f64,
}

/// Line of a straight ceiling (not CE-*) for given peers.
#[inline]
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
        Ceiling::CrFdh => ceilings::ols_peers(fdh),
        Ceiling::CrVrs => ceilings::ols_peers(vrs),
        Ceiling::CLp => ceilings::c_lp(fdh, p.flip_x, p.flip_y),
        Ceiling::Custom { intercept, slope } => Some(Line {
            intercept: *intercept,
            slope: *slope,
        }),
        Ceiling::CeFdh | Ceiling::CeVrs => None,
    }
}

/// Ceiling zone of any ceiling (fast: used for every permutation too).
#[inline]
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
pub(crate) fn complete_cases_indexed(
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

/// [`complete_cases_indexed`] of shared columns: the columns themselves (no copy, no list of
/// positions) when every case is complete.
pub(crate) fn complete_columns(
    x: &Column,
    y: &Column,
) -> Result<(Column, Column, Option<Vec<usize>>), NcaError> {
    let complete = x.len() == y.len()
        && x.iter()
            .zip(y.iter())
            .all(|(a, b)| a.is_finite() && b.is_finite());
    if complete {
        return Ok((x.clone(), y.clone(), None));
    }
    let (xs, ys, kept) = complete_cases_indexed(x, y)?;
    Ok((xs.into(), ys.into(), Some(kept)))
}

/// Keep the complete cases; error on infinite values or different lengths. Also the number
/// of pairs dropped for a missing value.
pub fn complete_cases(x: &[f64], y: &[f64]) -> Result<(Vec<f64>, Vec<f64>, usize), NcaError> {
    let (xs, ys, kept) = complete_cases_indexed(x, y)?;
    Ok((xs, ys, x.len() - kept.len()))
}
