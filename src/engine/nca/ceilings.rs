//! Engine stage: straight ceiling lines (OLS, COLS, QR, CR-FDH, CR-VRS, C-LP).
//!
//! Each function returns the fitted line `(intercept, slope)` in the original
//! data units, or `None` where the reference has no line (too few distinct
//! points, constant x). Least squares and QR use the reference's own
//! arithmetic (`rarith.rs`), so their bits are R's. Guarantees: O(n) for
//! OLS/COLS/CR, O(K) for C-LP on K peers; never panics, never divides by zero.

use super::peers::{has_two_unique, Peer};
use super::rarith;

/// A straight ceiling `y = intercept + slope · x`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Line {
    pub intercept: f64,
    pub slope: f64,
}

impl From<rarith::Coef> for Line {
    fn from([intercept, slope]: rarith::Coef) -> Line {
        Line { intercept, slope }
    }
}

/// Least squares `lm(y ~ x)` with R's arithmetic; `None` when R's slope is
/// NA (x without spread).
pub fn ols(x: &[f64], y: &[f64]) -> Option<Line> {
    rarith::lm_line(x, y).map(Line::from)
}

/// `lm(y ~ x)` on peers (duplicates included, in the peers' order); `None`
/// with fewer than 2 distinct peers.
pub fn ols_peers(peers: &[Peer]) -> Option<Line> {
    if !has_two_unique(peers) {
        return None;
    }
    let x: Vec<f64> = peers.iter().map(|p| p.x).collect();
    let y: Vec<f64> = peers.iter().map(|p| p.y).collect();
    rarith::lm_line(&x, &y).map(Line::from)
}

/// COLS: `lm(y + max(resid) ~ x)` (min for lower corners), R's residuals.
pub fn cols(x: &[f64], y: &[f64], flip_y: bool) -> Option<Line> {
    let (_, resid) = rarith::lm_with_residuals(x, y)?;
    let mut shift = if flip_y {
        f64::INFINITY
    } else {
        f64::NEG_INFINITY
    };
    for &r in &resid {
        shift = if flip_y { shift.min(r) } else { shift.max(r) };
    }
    if !shift.is_finite() {
        return None;
    }
    let shifted: Vec<f64> = y.iter().map(|v| v + shift).collect();
    rarith::lm_line(x, &shifted).map(Line::from)
}

/// The quantile level QR uses for a corner (docs/methods.md §3.1).
pub fn qr_tau(tau: f64, flip_y: bool) -> f64 {
    let t = if (0.0..=1.0).contains(&tau) {
        tau
    } else {
        0.95
    };
    if flip_y {
        1.0 - t
    } else {
        t
    }
}

/// Linear quantile regression `rq(y ~ x, tau)` as quantreg's default method
/// "br" computes it (docs/methods.md §3.6): among several optimal lines, the
/// one where the reference's simplex path stops.
pub fn quantile_regression(x: &[f64], y: &[f64], tau: f64) -> Option<Line> {
    rarith::rq_br(x, y, tau).map(|(l, _)| Line::from(l))
}

/// C-LP: the line through the FDH peers that minimises the sum of its
/// heights at the peers while keeping every peer on or below it (above for
/// lower corners): the upper-hull edge at the mean peer x. `None` with fewer
/// than two distinct peers.
///
/// Known limitation: when the mean peer x sits exactly on a hull vertex the
/// LP has a whole edge of optima (every line through that vertex between its
/// two hull edges). lpSolve then returns one of the two edges depending on
/// its pivoting; this port returns the right-hand (flatter) edge, which
/// agrees with most but not all of the reference's choices (see
/// [`c_lp_alternative`]). The observed C-LP of every fixture is
/// non-degenerate and matches.
pub fn c_lp(peers: &[Peer], flip_x: bool, flip_y: bool) -> Option<Line> {
    c_lp_inner(peers, flip_x, flip_y).map(|(l, _)| l)
}

/// In the degenerate case of [`c_lp`], the other optimal edge (the
/// left-hand, steeper one); `None` when the optimum is unique.
pub fn c_lp_alternative(peers: &[Peer], flip_x: bool, flip_y: bool) -> Option<Line> {
    c_lp_inner(peers, flip_x, flip_y).and_then(|(_, alt)| alt)
}

fn c_lp_inner(peers: &[Peer], flip_x: bool, flip_y: bool) -> Option<(Line, Option<Line>)> {
    if !has_two_unique(peers) {
        return None;
    }
    let sx = if flip_x { -1.0 } else { 1.0 };
    let sy = if flip_y { -1.0 } else { 1.0 };
    // transformed coordinates: corner 1 problem
    let mut pts: Vec<(f64, f64)> = peers.iter().map(|p| (sx * p.x, sy * p.y)).collect();
    let mean = pts.iter().map(|p| p.0).sum::<f64>() / pts.len() as f64;
    pts.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    pts.dedup();
    // upper hull, x ascending
    let mut hull: Vec<(f64, f64)> = Vec::with_capacity(pts.len());
    for &p in &pts {
        // same x: keep the highest
        if let Some(&last) = hull.last() {
            if last.0 == p.0 {
                if p.1 > last.1 {
                    hull.pop();
                } else {
                    continue;
                }
            }
        }
        while hull.len() >= 2 {
            let (a, b) = (hull[hull.len() - 2], hull[hull.len() - 1]);
            let cross = (b.0 - a.0) * (p.1 - a.1) - (b.1 - a.1) * (p.0 - a.0);
            if cross >= 0.0 {
                hull.pop();
            } else {
                break;
            }
        }
        hull.push(p);
    }
    if hull.len() < 2 {
        return None;
    }
    // Edge containing the mean: hull[e].x <= mean < hull[e + 1].x.
    let tol = 1e-9 * mean.abs().max(1.0);
    let mut e = hull.len() - 2;
    for i in 0..hull.len() - 1 {
        if hull[i + 1].0 > mean + tol {
            e = i;
            break;
        }
    }
    let degenerate = e > 0 && (hull[e].0 - mean).abs() <= tol;
    let edge_line = |e: usize| -> Line {
        let (a, b) = (hull[e], hull[e + 1]);
        let mut c = (b.1 - a.1) / (b.0 - a.0);
        if c.is_nan() || c < 0.0 {
            c = 0.0;
        }
        let ai = if c == 0.0 {
            hull.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max)
        } else {
            a.1 - c * a.0
        };
        Line {
            intercept: sy * ai,
            slope: sy * sx * c,
        }
    };
    let alt = if degenerate {
        Some(edge_line(e - 1))
    } else {
        None
    };
    Some((edge_line(e), alt))
}

/// `p_best_peers`: peers within |y| / 1e6 of the line, ordered by distance.
pub fn best_peers(peers: &[Peer], line: &Line) -> Vec<Peer> {
    if peers.is_empty() {
        return Vec::new();
    }
    let mut d: Vec<(f64, Peer)> = peers
        .iter()
        .map(|p| ((line.intercept + line.slope * p.x - p.y).abs(), *p))
        .collect();
    d.sort_by(|a, b| a.0.total_cmp(&b.0));
    let delta = (d[0].1.y / 1e6).abs();
    d.into_iter()
        .filter(|(dist, _)| *dist < delta)
        .map(|(_, p)| p)
        .collect()
}
