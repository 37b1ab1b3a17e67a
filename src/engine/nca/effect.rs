//! Engine stage: scope, ceiling zone, effect size, accuracy, fit and
//! inefficiencies (docs/methods.md §3.1).
//!
//! Guarantees: formulas exactly as the reference (including its quirks:
//! a line entirely above the box gives NaN for upper corners, fit is NA
//! when a ceiling's zone exceeds CE-FDH's, only one side is clipped for
//! inefficiencies). Undefined values are `f64::NAN`, never a panic and never
//! a silent division by zero: callers check `Scope::area` before dividing.

use super::ceilings::Line;
use super::peers::{has_two_unique, Peer};

/// Empirical and theoretical scope of one condition.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scope {
    /// (Xmin, Xmax, Ymin, Ymax) of the complete cases.
    pub emp: [f64; 4],
    /// The theoretical scope, widened to contain all data.
    pub theo: [f64; 4],
    /// (theo Xmax − Xmin) · (theo Ymax − Ymin).
    pub area: f64,
    /// Area of the empirical scope.
    pub area_emp: f64,
    /// The given theoretical scope had to be widened to contain the data.
    pub widened: bool,
}

fn min_max(v: &[f64]) -> (f64, f64) {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for &a in v {
        if a < lo {
            lo = a;
        }
        if a > hi {
            hi = a;
        }
    }
    (lo, hi)
}

fn nan_min(a: f64, b: f64) -> f64 {
    if b.is_nan() {
        a
    } else {
        a.min(b)
    }
}

fn nan_max(a: f64, b: f64) -> f64 {
    if b.is_nan() {
        a
    } else {
        a.max(b)
    }
}

/// Scope of (x, y), with an optional theoretical scope (NaN entries ignored).
pub fn scope(x: &[f64], y: &[f64], given: Option<[f64; 4]>) -> Scope {
    let (x1, x2) = min_max(x);
    let (y1, y2) = min_max(y);
    let emp = [x1, x2, y1, y2];
    let mut theo = emp;
    let mut widened = false;
    if let Some(s) = given {
        theo = [
            nan_min(nan_min(x1, s[0]), s[1]),
            nan_max(nan_max(x2, s[0]), s[1]),
            nan_min(nan_min(y1, s[2]), s[3]),
            nan_max(nan_max(y2, s[2]), s[3]),
        ];
        // widened when a given bound did not contain the data
        let lows = [(s[0], theo[0]), (s[2], theo[2])];
        let highs = [(s[1], theo[1]), (s[3], theo[3])];
        for (g, t) in lows.iter().chain(highs.iter()) {
            if !g.is_nan() && g != t {
                widened = true;
            }
        }
    }
    Scope {
        emp,
        theo,
        area: (theo[1] - theo[0]) * (theo[3] - theo[2]),
        area_emp: (x2 - x1) * (y2 - y1),
        widened,
    }
}

/// `p_scope_ceiling`: the part of the theoretical box outside the empirical
/// box lying in the analysed corner (0 when theo == emp).
pub fn scope_ceiling(s: &Scope, flip_x: bool, flip_y: bool) -> f64 {
    let (e, t) = (s.emp, s.theo);
    let dx1 = e[0] - t[0];
    let dx2 = t[1] - e[1];
    let dy1 = e[2] - t[2];
    let dy2 = t[3] - e[3];
    let w = t[1] - t[0];
    let h = t[3] - t[2];
    match (flip_x, flip_y) {
        (false, false) => dx1 * h + w * dy2 - dx1 * dy2,
        (true, false) => dx2 * h + w * dy2 - dx2 * dy2,
        (true, true) => dx2 * h + w * dy1 - dx2 * dy1,
        (false, true) => dx1 * h + w * dy1 - dx1 * dy1,
    }
}

/// `p_ce_ceiling`: zone of the CE-FDH (`vrs = false`) or CE-VRS staircase.
pub fn ce_zone(peers: &[Peer], s: &Scope, flip_x: bool, flip_y: bool, vrs: bool) -> f64 {
    let mut zone = scope_ceiling(s, flip_x, flip_y);
    if !has_two_unique(peers) {
        return zone;
    }
    let anchor = if flip_x { s.emp[1] } else { s.emp[0] };
    let x1 = peers[0].x;
    for w in peers.windows(2) {
        let (p, q) = (w[0], w[1]);
        if vrs {
            zone += ((q.y - p.y) * (q.x - x1)).abs() - (0.5 * (q.y - p.y) * (q.x - p.x)).abs();
        } else {
            zone += ((q.x - anchor) * (q.y - p.y)).abs();
        }
    }
    zone
}

/// `p_ceiling`: area of the scope box on the empty side of a straight line.
pub fn line_zone(line: Option<Line>, s: &Scope, flip_x: bool, flip_y: bool) -> f64 {
    let l = match line {
        Some(l) if !l.slope.is_nan() && !l.intercept.is_nan() => l,
        _ => return f64::NAN,
    };
    let (sl, b) = (l.slope, l.intercept);
    if flip_x == flip_y {
        if sl < 0.0 {
            return f64::NAN;
        }
    } else if sl > 0.0 {
        return f64::NAN;
    }
    let [x1, x2, y1, y2] = s.theo;
    let area = s.area;
    let (mut plx, mut ply) = (x1, sl * x1 + b);
    let (mut prx, mut pry) = (x2, sl * x2 + b);
    if ply > y2 && pry > y2 {
        return if flip_y { area } else { f64::NAN };
    }
    if ply < y1 && pry < y1 {
        return if flip_y { f64::NAN } else { area };
    }
    let a = if sl > 0.0 {
        if ply < y1 {
            plx = (y1 - b) / sl;
            ply = y1;
        }
        if pry > y2 {
            prx = (y2 - b) / sl;
            pry = y2;
        }
        0.5 * (prx - plx) * (pry - ply) + (x2 - x1) * (y2 - pry) + (plx - x1) * (y2 - y1)
            - (plx - x1) * (y2 - pry)
    } else if sl < 0.0 {
        if ply > y2 {
            plx = (y2 - b) / sl;
            ply = y2;
        }
        if pry < y1 {
            prx = (y1 - b) / sl;
            pry = y1;
        }
        0.5 * (prx - plx) * (ply - pry) + (x2 - x1) * (y2 - ply) + (x2 - prx) * (y2 - y1)
            - (x2 - prx) * (y2 - ply)
    } else {
        (x2 - x1) * (y2 - b)
    };
    if flip_y {
        area - a
    } else {
        a
    }
}

/// Number of cases beyond a line (more than 1e-7 on the empty side); NaN when
/// the slope is NA or has the wrong sign for the corner.
pub fn above(x: &[f64], y: &[f64], line: Option<Line>, flip_x: bool, flip_y: bool) -> f64 {
    let l = match line {
        Some(l) if !l.slope.is_nan() && !l.intercept.is_nan() => l,
        _ => return f64::NAN,
    };
    let wrong = if flip_x == flip_y {
        l.slope < 0.0
    } else {
        l.slope > 0.0
    };
    if wrong {
        return f64::NAN;
    }
    let mut n = 0usize;
    for i in 0..x.len().min(y.len()) {
        let d = y[i] - (l.slope * x[i] + l.intercept);
        let d = if flip_y { -d } else { d };
        if d > 1e-7 {
            n += 1;
        }
    }
    n as f64
}

/// `p_fit`: 100 − 100·|zone − zone_fdh| / zone_fdh; NaN (NA) when the zone
/// exceeds CE-FDH's or either is NaN.
pub fn fit(zone: f64, zone_fdh: f64) -> f64 {
    if zone.is_nan() || zone_fdh.is_nan() || zone > zone_fdh {
        return f64::NAN;
    }
    100.0 - 100.0 * (zone - zone_fdh).abs() / zone_fdh
}

/// Inefficiencies in percent (absolute in data units²); NaN = NA.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ineffs {
    pub condition: f64,
    pub outcome: f64,
    pub relative: f64,
    pub absolute: f64,
}

impl Ineffs {
    pub const NA: Ineffs = Ineffs {
        condition: f64::NAN,
        outcome: f64::NAN,
        relative: f64::NAN,
        absolute: f64::NAN,
    };
}

fn ineff_core(x_lim: f64, y_lim: f64, s: &Scope, flip_x: bool, flip_y: bool) -> Ineffs {
    let [x1, x2, y1, y2] = s.theo;
    let w = x2 - x1;
    let h = y2 - y1;
    let x_eff = if flip_x {
        x_lim.max(x1) - x1
    } else {
        x2 - x_lim.min(x2)
    };
    let y_eff = if flip_y {
        y2 - y_lim.min(y2)
    } else {
        y_lim.max(y1) - y1
    };
    let ix = x_eff / w;
    let iy = y_eff / h;
    let ir = ix + iy - ix * iy;
    Ineffs {
        condition: 100.0 * ix,
        outcome: 100.0 * iy,
        relative: 100.0 * ir,
        absolute: s.area * ir,
    }
}

/// `p_ineffs` for straight lines.
pub fn line_ineffs(line: Option<Line>, s: &Scope, flip_x: bool, flip_y: bool) -> Ineffs {
    let l = match line {
        Some(l) if !l.slope.is_nan() && !l.intercept.is_nan() => l,
        _ => return Ineffs::NA,
    };
    let flat = if flip_x == flip_y {
        l.slope <= 1e-3
    } else {
        l.slope >= -1e-3
    };
    if flat {
        return Ineffs::NA;
    }
    let y_target = if flip_y { s.theo[2] } else { s.theo[3] };
    let x_lim = (y_target - l.intercept) / l.slope;
    let x_anchor = if flip_x { s.theo[1] } else { s.theo[0] };
    let y_lim = l.slope * x_anchor + l.intercept;
    ineff_core(x_lim, y_lim, s, flip_x, flip_y)
}

/// `p_ineffs_ce` for CE-FDH / CE-VRS: last peer's x, first peer's y.
pub fn ce_ineffs(peers: &[Peer], s: &Scope, flip_x: bool, flip_y: bool) -> Ineffs {
    if !has_two_unique(peers) {
        return Ineffs::NA;
    }
    let x_lim = peers[peers.len() - 1].x;
    let y_lim = peers[0].y;
    ineff_core(x_lim, y_lim, s, flip_x, flip_y)
}
