//! Engine stage: CE-FDH / CE-VRS peers (the corner points of the ceiling).
//!
//! Reproduces the reference's `p_peers` exactly (docs/methods.md §3.1): cases ordered
//! as R's `order(±x, ±y)` (stable), relative tie tolerance 1e-6 (`p_is_equal`),
//! strict improvement rule, duplicate peers kept, and the VRS pop rule with
//! its two twists. Also provides a presorted-x helper so that a permutation
//! (which only reorders y) costs O(n + Σ g log g) for tie groups of size g,
//! never a full re-sort and never n².
//! Never panics: empty input gives no peers, NaN is ordered last.

use std::cmp::Ordering;

/// One peer: `index` is the 0-based position of the case in the input slices.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Peer {
    pub index: usize,
    pub x: f64,
    pub y: f64,
}

/// `p_is_equal(a, b)`: |a − b| <= min(|a|, |b|) / 1e6.
#[inline]
pub fn is_equal(a: f64, b: f64) -> bool {
    (a - b).abs() <= a.abs().min(b.abs()) / 1e6
}

/// Canonical sort key: −0 and 0 compare equal (as in R), NaN last.
#[inline]
fn key_cmp(a: f64, b: f64) -> Ordering {
    let a = if a == 0.0 { 0.0 } else { a };
    let b = if b == 0.0 { 0.0 } else { b };
    a.total_cmp(&b)
}

#[inline]
fn sgn(flip: bool) -> f64 {
    if flip {
        -1.0
    } else {
        1.0
    }
}

/// R's `order(if (flip.x) -x else x, if (flip.y) -y else y)` (0-based, stable).
pub fn r_order(x: &[f64], y: &[f64], flip_x: bool, flip_y: bool) -> Vec<usize> {
    let (sx, sy) = (sgn(flip_x), sgn(flip_y));
    let mut idx: Vec<usize> = (0..x.len().min(y.len())).collect();
    idx.sort_by(|&a, &b| {
        key_cmp(sx * x[a], sx * x[b])
            .then_with(|| key_cmp(sy * y[a], sy * y[b]))
            .then_with(|| a.cmp(&b))
    });
    idx
}

/// x sorted once (as R's order on ±x, stable), with the runs of equal x.
#[derive(Clone, Debug)]
pub struct XOrder {
    /// Case indices ordered by ±x (ties in original order).
    pub order: Vec<usize>,
    /// Runs `[start, end)` in `order` of exactly equal x with more than one case.
    pub ties: Vec<(usize, usize)>,
    pub flip_x: bool,
    pub flip_y: bool,
}

impl XOrder {
    pub fn new(x: &[f64], flip_x: bool, flip_y: bool) -> Self {
        let sx = sgn(flip_x);
        let mut order: Vec<usize> = (0..x.len()).collect();
        order.sort_by(|&a, &b| key_cmp(sx * x[a], sx * x[b]).then_with(|| a.cmp(&b)));
        let mut ties = Vec::new();
        let mut s = 0;
        while s < order.len() {
            let mut e = s + 1;
            while e < order.len() && key_cmp(x[order[s]], x[order[e]]) == Ordering::Equal {
                e += 1;
            }
            if e - s > 1 {
                ties.push((s, e));
            }
            s = e;
        }
        XOrder {
            order,
            ties,
            flip_x,
            flip_y,
        }
    }

    /// The full `order(±x, ±y)` for the given y, written into `out`.
    pub fn order_with_y(&self, y: &[f64], out: &mut Vec<usize>) {
        out.clear();
        out.extend_from_slice(&self.order);
        let sy = sgn(self.flip_y);
        for &(s, e) in &self.ties {
            out[s..e].sort_by(|&a, &b| key_cmp(sy * y[a], sy * y[b]).then_with(|| a.cmp(&b)));
        }
    }
}

fn invalid_vrs(peers: &[Peer], x3: f64, y3: f64, flip_x: bool, flip_y: bool) -> bool {
    let k = peers.len();
    if k < 2 {
        return false;
    }
    let (p1, p2) = (peers[k - 2], peers[k - 1]);
    if (is_equal(p1.x, p2.x) && is_equal(p1.y, p2.y)) || (is_equal(p2.x, x3) && is_equal(p2.y, y3))
    {
        return false;
    }
    let s0 = (p2.y - p1.y) / (p2.x - p1.x);
    let s1 = (y3 - p2.y) / (x3 - p2.x);
    if flip_x == flip_y {
        s0 <= s1
    } else {
        s0 >= s1
    }
}

/// `p_peers(loop.data, vrs)` on cases visited in `order`, written into `out`.
/// Fewer than two cases give an empty list (the reference returns NULL).
pub fn peers_in_order(
    x: &[f64],
    y: &[f64],
    order: &[usize],
    flip_x: bool,
    flip_y: bool,
    vrs: bool,
    out: &mut Vec<Peer>,
) {
    out.clear();
    if order.len() < 2 {
        if let Some(&i) = order.first() {
            out.push(Peer {
                index: i,
                x: x[i],
                y: y[i],
            });
        }
        return;
    }
    let first = order[0];
    out.push(Peer {
        index: first,
        x: x[first],
        y: y[first],
    });
    for &i in &order[1..] {
        let (xc, yc) = (x[i], y[i]);
        let last = match out.last() {
            Some(p) => *p,
            None => {
                out.push(Peer {
                    index: i,
                    x: xc,
                    y: yc,
                });
                continue;
            }
        };
        let mut x_eq = is_equal(last.x, xc);
        let mut y_eq = is_equal(last.y, yc);
        let next = if flip_y { yc < last.y } else { yc > last.y };
        if next || (x_eq && y_eq) {
            while x_eq && !y_eq {
                out.pop();
                match out.last() {
                    None => break,
                    Some(p) => {
                        x_eq = is_equal(p.x, xc);
                        y_eq = is_equal(p.y, yc);
                    }
                }
            }
            if vrs {
                while invalid_vrs(out, xc, yc, flip_x, flip_y) {
                    out.pop();
                }
            }
            out.push(Peer {
                index: i,
                x: xc,
                y: yc,
            });
        }
    }
}

/// Peers of (x, y) for the given corner flips (CE-FDH when `vrs` is false).
pub fn peers(x: &[f64], y: &[f64], flip_x: bool, flip_y: bool, vrs: bool) -> Vec<Peer> {
    let order = r_order(x, y, flip_x, flip_y);
    let mut out = Vec::new();
    peers_in_order(x, y, &order, flip_x, flip_y, vrs, &mut out);
    out
}

/// Number of distinct peers (`nrow(unique(peers))`), exact comparison.
pub fn unique_count(peers: &[Peer]) -> usize {
    let canon = |v: f64| if v == 0.0 { 0.0f64 } else { v }.to_bits();
    let mut v: Vec<(u64, u64)> = peers.iter().map(|p| (canon(p.x), canon(p.y))).collect();
    v.sort_unstable();
    v.dedup();
    v.len()
}

/// Distinct-peer count, but stops early at 2 (enough for "has a slope").
pub fn has_two_unique(peers: &[Peer]) -> bool {
    match peers.first() {
        None => false,
        Some(f) => peers.iter().any(|p| p.x != f.x || p.y != f.y),
    }
}
