//! Engine stage: straight ceiling lines (OLS, COLS, QR, CR-FDH, CR-VRS, C-LP).
//!
//! Each function returns the fitted line `(intercept, slope)` in the original
//! data units, or `None` where the reference has no line (too few distinct
//! points, constant x). Guarantees: O(n) for OLS/COLS/CR, O(K) for C-LP on K
//! peers, QR exact (pairwise-slope search) up to 3,000 cases and a convex
//! golden-section search beyond; never panics, never divides by zero.

use super::peers::{unique_count, Peer};

/// A straight ceiling `y = intercept + slope · x`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Line {
    pub intercept: f64,
    pub slope: f64,
}

/// Least squares `lm(y ~ x)`; `None` when x has no spread (R's NA slope).
pub fn ols(x: &[f64], y: &[f64]) -> Option<Line> {
    let n = x.len().min(y.len());
    if n == 0 {
        return None;
    }
    let nf = n as f64;
    let xm = x[..n].iter().sum::<f64>() / nf;
    let ym = y[..n].iter().sum::<f64>() / nf;
    let mut sxx = 0.0;
    let mut sxy = 0.0;
    for i in 0..n {
        let dx = x[i] - xm;
        sxx += dx * dx;
        sxy += dx * (y[i] - ym);
    }
    if sxx <= 0.0 || !sxx.is_finite() {
        return None;
    }
    let slope = sxy / sxx;
    Some(Line {
        intercept: ym - slope * xm,
        slope,
    })
}

/// OLS on peers (duplicates included), `None` with fewer than 2 distinct peers.
pub fn ols_peers(peers: &[Peer]) -> Option<Line> {
    if unique_count(peers) < 2 {
        return None;
    }
    let x: Vec<f64> = peers.iter().map(|p| p.x).collect();
    let y: Vec<f64> = peers.iter().map(|p| p.y).collect();
    ols(&x, &y)
}

/// OLS on peers without allocating (fast path for permutations).
pub fn ols_peers_fast(peers: &[Peer]) -> Option<Line> {
    let n = peers.len();
    if n == 0 {
        return None;
    }
    let nf = n as f64;
    let xm = peers.iter().map(|p| p.x).sum::<f64>() / nf;
    let ym = peers.iter().map(|p| p.y).sum::<f64>() / nf;
    let mut sxx = 0.0;
    let mut sxy = 0.0;
    for p in peers {
        let dx = p.x - xm;
        sxx += dx * dx;
        sxy += dx * (p.y - ym);
    }
    if sxx <= 0.0 || !sxx.is_finite() {
        return None;
    }
    let slope = sxy / sxx;
    Some(Line {
        intercept: ym - slope * xm,
        slope,
    })
}

/// COLS: the OLS line shifted up by the largest residual (down by the
/// smallest for lower corners).
pub fn cols(x: &[f64], y: &[f64], flip_y: bool) -> Option<Line> {
    let l = ols(x, y)?;
    let mut shift = if flip_y {
        f64::INFINITY
    } else {
        f64::NEG_INFINITY
    };
    for i in 0..x.len().min(y.len()) {
        let r = y[i] - (l.intercept + l.slope * x[i]);
        shift = if flip_y { shift.min(r) } else { shift.max(r) };
    }
    if !shift.is_finite() {
        return None;
    }
    Some(Line {
        intercept: l.intercept + shift,
        slope: l.slope,
    })
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

fn check_loss(r: &mut [f64], tau: f64, k: usize) -> (f64, f64) {
    // a = the k-th order statistic of r; loss = Σ ρ_τ(r_i − a)
    let a = {
        let (_, v, _) = r.select_nth_unstable_by(k, |p, q| p.total_cmp(q));
        *v
    };
    let mut s = 0.0;
    for &v in r.iter() {
        let u = v - a;
        s += if u < 0.0 { u * (tau - 1.0) } else { u * tau };
    }
    (s, a)
}

/// Linear quantile regression `rq(y ~ x, tau)`: minimises the check loss.
/// The optimum is a line through two cases. Up to 300 cases it is found
/// exactly among all pairwise slopes (O(n² log n)); beyond, a golden-section
/// search on the convex loss (O(n) per step) is refined to the exact vertex
/// through the case at the tau-quantile of the residuals (O(n log n)).
pub fn quantile_regression(x: &[f64], y: &[f64], tau: f64) -> Option<Line> {
    quantile_regression_with(x, y, tau, 300)
}

/// [`quantile_regression`] with an explicit size limit for the exhaustive
/// pairwise search (exposed for testing the two methods against each other).
pub fn quantile_regression_with(
    x: &[f64],
    y: &[f64],
    tau: f64,
    exhaustive_max: usize,
) -> Option<Line> {
    let n = x.len().min(y.len());
    if n < 2 || !(0.0..=1.0).contains(&tau) {
        return None;
    }
    let k = ((tau * n as f64).ceil() as usize).clamp(1, n) - 1;
    let mut r = vec![0.0; n];
    let eval = |b: f64, r: &mut Vec<f64>| -> (f64, f64) {
        for i in 0..n {
            r[i] = y[i] - b * x[i];
        }
        check_loss(r, tau, k)
    };
    // bounds of the pairwise slopes: attained by x-adjacent pairs
    let mut idx: Vec<usize> = (0..n).collect();
    idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]).then(y[a].total_cmp(&y[b])));
    let mut smin = f64::INFINITY;
    let mut smax = f64::NEG_INFINITY;
    for w in idx.windows(2) {
        let (i, j) = (w[0], w[1]);
        if x[i] != x[j] {
            let s = (y[j] - y[i]) / (x[j] - x[i]);
            smin = smin.min(s);
            smax = smax.max(s);
        }
    }
    if !smin.is_finite() || !smax.is_finite() {
        // constant x: no slope (R gives NA)
        return None;
    }
    let best_b = if n <= exhaustive_max {
        let mut slopes = Vec::with_capacity(n * (n - 1) / 2);
        for i in 0..n {
            for j in (i + 1)..n {
                if x[i] != x[j] {
                    slopes.push((y[j] - y[i]) / (x[j] - x[i]));
                }
            }
        }
        slopes.sort_by(|a, b| a.total_cmp(b));
        slopes.dedup();
        convex_argmin(&slopes, |b| eval(b, &mut r).0)
    } else {
        let g = 0.5 * (5f64.sqrt() - 1.0);
        let (mut a, mut b) = (smin, smax);
        let mut c = b - g * (b - a);
        let mut d = a + g * (b - a);
        let mut fc = eval(c, &mut r).0;
        let mut fd = eval(d, &mut r).0;
        for _ in 0..200 {
            if (b - a).abs() <= 4.0 * f64::EPSILON * (a.abs().max(b.abs()) + 1e-300) {
                break;
            }
            if fc <= fd {
                b = d;
                d = c;
                fd = fc;
                c = b - g * (b - a);
                fc = eval(c, &mut r).0;
            } else {
                a = c;
                c = d;
                fc = fd;
                d = a + g * (b - a);
                fd = eval(d, &mut r).0;
            }
        }
        let mid = 0.5 * (a + b);
        // the case at the tau-quantile of the residuals lies on the optimal
        // line; the other case is the one whose slope with it is the optimum
        for i in 0..n {
            r[i] = y[i] - mid * x[i];
        }
        let mut order: Vec<usize> = (0..n).collect();
        order.select_nth_unstable_by(k, |&p, &q| r[p].total_cmp(&r[q]));
        let p = order[k];
        let mut cands: Vec<f64> = (0..n)
            .filter(|&q| x[q] != x[p])
            .map(|q| (y[q] - y[p]) / (x[q] - x[p]))
            .collect();
        cands.sort_by(|u, v| (u - mid).abs().total_cmp(&(v - mid).abs()));
        cands.truncate(8);
        cands.push(mid);
        let mut best = (eval(mid, &mut r).0, mid);
        for &s in &cands {
            let f = eval(s, &mut r).0;
            if f < best.0 || (f == best.0 && s != mid && best.1 == mid) {
                best = (f, s);
            }
        }
        best.1
    };
    let (_, a) = eval(best_b, &mut r);
    Some(Line {
        intercept: a,
        slope: best_b,
    })
}

/// Index of the minimum of a convex function over sorted candidates
/// (leftmost on a plateau), by binary search on the discrete slope.
fn convex_argmin(cands: &[f64], mut f: impl FnMut(f64) -> f64) -> f64 {
    let (mut lo, mut hi) = (0usize, cands.len() - 1);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if f(cands[mid]) <= f(cands[mid + 1]) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    cands[lo]
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
    if unique_count(peers) < 2 {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qr_search_agrees_with_exhaustive() {
        let mut s: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
        for trial in 0..20 {
            let n = 60 + 7 * trial;
            let x: Vec<f64> = (0..n).map(|_| next()).collect();
            let y: Vec<f64> = x.iter().map(|&v| v * next() + 0.1 * next()).collect();
            for tau in [0.5, 0.9, 0.95] {
                let a = quantile_regression_with(&x, &y, tau, usize::MAX).unwrap();
                let b = quantile_regression_with(&x, &y, tau, 0).unwrap();
                assert!((a.slope - b.slope).abs() <= 1e-9 * a.slope.abs().max(1.0));
                assert!((a.intercept - b.intercept).abs() <= 1e-9 * a.intercept.abs().max(1.0));
            }
        }
    }
}
