//! Engine stage: CE-FDH / CE-VRS peers (the corner points of the ceiling).
//!
//! Reproduces the reference's `p_peers` exactly (docs/methods.md §3.1): cases ordered
//! as R's `order(±x, ±y)` (stable), relative tie tolerance 1e-6 (`p_is_equal`),
//! strict improvement rule, duplicate peers kept, and the VRS pop rule with
//! its two twists. Also provides a presorted-x pass (`peers_presorted`) so that a
//! permutation (which only reorders y) costs one pass over the cases: a run of equal x is
//! sorted only for the cases the last peer lets in, and a `Screen` spares reading y where
//! it cannot improve the ceiling — never a full re-sort and never n².
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
    canonical(a).total_cmp(&canonical(b))
}

#[inline]
fn sgn(flip: bool) -> f64 {
    if flip {
        -1.0
    } else {
        1.0
    }
}

/// A key as `total_cmp` orders it the way [`key_cmp`] does (−0 is 0).
#[inline]
fn canonical(v: f64) -> f64 {
    if v == 0.0 {
        0.0
    } else {
        v
    }
}

/// R's `order(if (flip.x) -x else x, if (flip.y) -y else y)` (0-based, stable). The keys are
/// sorted beside their case numbers (no lookup per comparison: 10⁶ cases stay in cache
/// order), unstably, which is the stable order since the case number breaks every tie.
pub fn r_order(x: &[f64], y: &[f64], flip_x: bool, flip_y: bool) -> Vec<usize> {
    let (sx, sy) = (sgn(flip_x), sgn(flip_y));
    let mut keyed: Vec<(f64, f64, usize)> = (0..x.len().min(y.len()))
        .map(|i| (canonical(sx * x[i]), canonical(sy * y[i]), i))
        .collect();
    keyed.sort_unstable_by(|a, b| {
        a.0.total_cmp(&b.0)
            .then_with(|| a.1.total_cmp(&b.1))
            .then_with(|| a.2.cmp(&b.2))
    });
    keyed.into_iter().map(|k| k.2).collect()
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
        // as `r_order`: keys beside their case numbers, the case number breaking ties
        let mut keyed: Vec<(f64, usize)> = x
            .iter()
            .enumerate()
            .map(|(i, v)| (canonical(sx * v), i))
            .collect();
        keyed.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
        let order: Vec<usize> = keyed.into_iter().map(|k| k.1).collect();
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

/// One case visited by `p_peers` (after the first): pushed when it improves on the last
/// peer or repeats it, after popping the peers it replaces (and, for VRS, those that would
/// make the hull concave).
#[inline(always)]
fn visit(
    out: &mut Vec<Peer>,
    index: usize,
    xc: f64,
    yc: f64,
    flip_x: bool,
    flip_y: bool,
    vrs: bool,
) {
    let last = match out.last() {
        Some(p) => *p,
        None => {
            out.push(Peer {
                index,
                x: xc,
                y: yc,
            });
            return;
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
            index,
            x: xc,
            y: yc,
        });
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
    let Some((&first, rest)) = order.split_first() else {
        return;
    };
    out.push(Peer {
        index: first,
        x: x[first],
        y: y[first],
    });
    for &i in rest {
        visit(out, i, x[i], y[i], flip_x, flip_y, vrs);
    }
}

/// Which cases of a permuted outcome can still improve on a ceiling that has reached `t`:
/// bit i of `bits` is set where y_i >= t (y_i <= t for a lower ceiling, `flip_y`). A case
/// whose bit is clear cannot be above a last peer at t or beyond, so its y need not be read
/// (a bitmap of 10⁶ cases is 125 KB, y is 8 MB: reading y at random for every case of every
/// condition is what a permutation cost before).
#[derive(Clone, Debug, Default)]
pub struct Screen {
    pub bits: Vec<u64>,
    pub t: f64,
    pub flip_y: bool,
}

impl Screen {
    /// The threshold with about one case in 64 at or beyond it (`y` in any order).
    pub fn threshold(y: &[f64], flip_y: bool) -> f64 {
        let mut v: Vec<f64> = y.to_vec();
        if v.is_empty() {
            return f64::NAN;
        }
        let k = (v.len() / 64).min(v.len() - 1);
        let sy = sgn(flip_y);
        let (_, t, _) = v.select_nth_unstable_by(k, |a, b| key_cmp(-sy * *a, -sy * *b));
        *t
    }

    /// The bits of `y` (in case order) for the threshold `t`.
    pub fn fill(&mut self, y: &[f64], t: f64, flip_y: bool) {
        self.t = t;
        self.flip_y = flip_y;
        self.bits.clear();
        self.bits.resize(y.len().div_ceil(64), 0);
        for (w, chunk) in self.bits.iter_mut().zip(y.chunks(64)) {
            let mut word = 0u64;
            for (b, &v) in chunk.iter().enumerate() {
                let open = if flip_y { v <= t } else { v >= t };
                word |= (open as u64) << b;
            }
            *w = word;
        }
    }

    #[inline(always)]
    fn shut(&self, i: usize, settled: bool) -> bool {
        settled && (self.bits[i >> 6] >> (i & 63)) & 1 == 0
    }

    /// The last peer's y has reached the threshold.
    #[inline(always)]
    fn settled(&self, last_y: f64) -> bool {
        if self.flip_y {
            last_y <= self.t
        } else {
            last_y >= self.t
        }
    }
}

/// [`peers_in_order`] for cases visited in x's order `order` (as [`XOrder`] sorts them),
/// with `x` and `y` in case order (read as `x[order[j]]`, `y[order[j]]`, so a permuted y is
/// never copied into x's order), where `ties` are the runs of equal x: the same peers,
/// with `index` the position in that order. Within a run the reference visits
/// the cases by ±y; only those the last peer before the run lets in are sorted, because
/// the cases it keeps out come first in that order and change nothing (a case is let in
/// when it improves on the last peer or equals it, and both hold for every case after
/// the first let in: see docs/methods.md §3.4). A `screen` of `y` (same flip) spares
/// reading y where it cannot improve. A permutation thus costs one pass, however long the
/// runs of equal x.
#[allow(clippy::too_many_arguments)]
pub fn peers_presorted(
    x: &[f64],
    order: &[u32],
    y: &[f64],
    ties: &[(usize, usize)],
    (flip_x, flip_y): (bool, bool),
    vrs: bool,
    screen: Option<&Screen>,
    out: &mut Vec<Peer>,
    scratch: &mut Vec<usize>,
) {
    out.clear();
    let n = x.len().min(order.len());
    let at = |j: usize| y[order[j] as usize];
    let x_at = |j: usize| x[order[j] as usize];
    let sy = sgn(flip_y);
    let screen = screen.filter(|s| s.flip_y == flip_y && s.bits.len() * 64 >= y.len());
    let settled = |last_y: f64| screen.is_some_and(|s| s.settled(last_y));
    let shut = |i: usize, settled: bool| screen.is_some_and(|s| s.shut(i, settled));
    // the first run that ends after j
    let mut run = 0;
    let mut j = 0;
    // every case from j on has an x apart from the last peer's
    let mut far = false;
    while j < n {
        if let (true, Some(last), Some(s)) = (far, out.last(), screen) {
            // the common case, once the ceiling is high: cases whose y cannot improve on
            // the last peer and whose x is apart from it, run of equal x or not
            if s.settled(last.y) {
                while j < n && s.shut(order[j] as usize, true) {
                    j += 1;
                }
                if j == n {
                    break;
                }
            }
        }
        while run < ties.len() && ties[run].1 <= j {
            run += 1;
        }
        let in_run = run < ties.len() && ties[run].0 <= j && ties[run].1 <= n;
        if !in_run {
            match out.last() {
                None => out.push(Peer {
                    index: j,
                    x: x_at(j),
                    y: at(j),
                }),
                Some(last) => {
                    // Skipped without a division unless above the last peer or at its x: x
                    // runs away from the last peer monotonically (is_equal is monotone
                    // along a sorted x), so once a case's x is apart from it, so is every
                    // later one until the next push.
                    let i = order[j] as usize;
                    let next = !shut(i, settled(last.y)) && {
                        let yc = y[i];
                        if flip_y {
                            yc < last.y
                        } else {
                            yc > last.y
                        }
                    };
                    if next || (!far && is_equal(last.x, x_at(j))) {
                        visit(out, j, x_at(j), y[i], flip_x, flip_y, vrs);
                        far = false;
                    } else {
                        far = true;
                    }
                }
            }
            j += 1;
            continue;
        }
        // the rest of a run of equal x (the cases skipped above could not be let in)
        let e = ties[run].1;
        run += 1;
        scratch.clear();
        match out.last() {
            // the first run: every case (its first is the first peer)
            None => scratch.extend(j..e),
            Some(last) => {
                let x_eq = !far && is_equal(last.x, x_at(j));
                far = !x_eq;
                let settled = settled(last.y);
                scratch.extend((j..e).filter(|&k| {
                    let i = order[k] as usize;
                    if shut(i, settled) {
                        return x_eq && is_equal(last.y, y[i]);
                    }
                    let yc = y[i];
                    let next = if flip_y { yc < last.y } else { yc > last.y };
                    next || (x_eq && is_equal(last.y, yc))
                }));
            }
        }
        scratch.sort_unstable_by(|&a, &b| key_cmp(sy * at(a), sy * at(b)).then_with(|| a.cmp(&b)));
        for &k in scratch.iter() {
            if out.is_empty() {
                out.push(Peer {
                    index: k,
                    x: x_at(k),
                    y: at(k),
                });
            } else {
                visit(out, k, x_at(k), at(k), flip_x, flip_y, vrs);
            }
        }
        if !scratch.is_empty() {
            far = false;
        }
        j = e;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A small LCG: values on a coarse grid (long runs of equal x and y), some a hair apart
    /// (inside `p_is_equal`'s tolerance), negative and zero ones.
    fn data(n: usize, seed: u64) -> (Vec<f64>, Vec<f64>) {
        let mut s = seed;
        let mut next = move || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 33) as f64 / (1u64 << 31) as f64
        };
        let mut v = |grid: f64| {
            let u = next();
            let base = (u * grid).floor() / grid - 0.3;
            if next() < 0.1 {
                base * (1.0 + 5e-7)
            } else {
                base
            }
        };
        let x: Vec<f64> = (0..n).map(|_| v(20.0)).collect();
        let y: Vec<f64> = (0..n).map(|_| v(15.0)).collect();
        (x, y)
    }

    #[test]
    fn presorted_peers_are_the_reference_order_s_peers() {
        for (n, seed) in [
            (1, 1),
            (2, 2),
            (7, 3),
            (50, 4),
            (300, 5),
            (5000, 6),
            (9000, 7),
        ] {
            let (x, y) = data(n, seed);
            for (flip_x, flip_y) in [(false, false), (true, false), (false, true), (true, true)] {
                let xo = XOrder::new(&x, flip_x, flip_y);
                let order: Vec<u32> = xo.order.iter().map(|&i| i as u32).collect();
                let mut screen = Screen::default();
                screen.fill(&y, Screen::threshold(&y, flip_y), flip_y);
                for vrs in [false, true] {
                    let want = peers(&x, &y, flip_x, flip_y, vrs);
                    for sc in [None, Some(&screen)] {
                        let (mut got, mut scratch) = (Vec::new(), Vec::new());
                        let flips = (flip_x, flip_y);
                        peers_presorted(
                            &x,
                            &order,
                            &y,
                            &xo.ties,
                            flips,
                            vrs,
                            sc,
                            &mut got,
                            &mut scratch,
                        );
                        // same peers (positions in x's order point at the same cases)
                        let got: Vec<Peer> = got
                            .iter()
                            .map(|p| Peer {
                                index: xo.order[p.index],
                                ..*p
                            })
                            .collect();
                        assert_eq!(got, want, "n {n}, flips {flip_x}/{flip_y}, vrs {vrs}");
                    }
                }
            }
        }
    }
}
