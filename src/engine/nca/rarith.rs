//! Engine stage: the reference's own line-fitting arithmetic, bit for bit.
//!
//! NCA fits its straight ceilings with R's `lm` (OLS, CR-FDH, CR-VRS) and
//! quantreg's `rq` (QR). Permutation p-values count `effect >= observed`
//! exactly, so two lines that are equal on paper but differ in the last bit
//! change the p-value. This file reproduces the routines R calls, in the same
//! order of operations (docs/methods.md §3.6):
//!
//! * [`lm_line`]: `lm.fit` → LINPACK `dqrdc2` (Householder QR with R's
//!   limited pivoting, tol 1e-7) and `dqrsl` (job 1110), with the level-1
//!   BLAS of reference BLAS 3.11 (`dnrm2` with Blue's accumulators, `ddot`
//!   summed left to right).
//! * [`rq_br`]: quantreg's `rq.fit.br` → Fortran `rqbr` (Barrodale–Roberts
//!   simplex as modified by Koenker and d'Orey), for one quantile, no
//!   confidence intervals. Among several optimal lines it stops where the
//!   reference's simplex path stops.
//!
//! Guarantees: never panics, never loops without bound (a pivot budget ends a
//! degenerate path with `None`), allocation O(n).

/// Coefficients as R returns them: `[intercept, slope]`.
pub type Coef = [f64; 2];

/// Reference BLAS 3.10+ `dnrm2` (Anderson's version with Blue's scaling
/// constants) for a contiguous vector.
pub fn dnrm2(x: &[f64]) -> f64 {
    let tsml = 2f64.powi(-511);
    let tbig = 2f64.powi(486);
    let ssml = 2f64.powi(537);
    let sbig = 2f64.powi(-538);
    let mut notbig = true;
    let (mut asml, mut amed, mut abig) = (0.0f64, 0.0f64, 0.0f64);
    for &v in x {
        let ax = v.abs();
        if ax > tbig {
            let s = ax * sbig;
            abig += s * s;
            notbig = false;
        } else if ax < tsml {
            if notbig {
                let s = ax * ssml;
                asml += s * s;
            }
        } else {
            amed += ax * ax;
        }
    }
    let max_n = f64::MAX;
    let (scl, sumsq) = if abig > 0.0 {
        if amed > 0.0 || amed > max_n || amed.is_nan() {
            abig += (amed * sbig) * sbig;
        }
        (1.0 / sbig, abig)
    } else if asml > 0.0 {
        if amed > 0.0 || amed > max_n || amed.is_nan() {
            let amed = amed.sqrt();
            let asml = asml.sqrt() / ssml;
            let (ymin, ymax) = if asml > amed {
                (amed, asml)
            } else {
                (asml, amed)
            };
            let r = ymin / ymax;
            (1.0, ymax * ymax * (1.0 + r * r))
        } else {
            (1.0 / ssml, asml)
        }
    } else {
        (1.0, amed)
    };
    scl * sumsq.sqrt()
}

/// Reference BLAS `ddot` for contiguous vectors: the unrolled loop adds the
/// products strictly left to right, so a plain ordered sum has its bits.
fn ddot(x: &[f64], y: &[f64]) -> f64 {
    let mut s = 0.0;
    for (a, b) in x.iter().zip(y) {
        s += a * b;
    }
    s
}

/// `daxpy`: y += a·x, element by element.
fn daxpy(a: f64, x: &[f64], y: &mut [f64]) {
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi += a * xi;
    }
}

/// Fortran's `sign(a, b)`: |a| with the sign of b (signed zero honoured).
fn fsign(a: f64, b: f64) -> f64 {
    if b.is_sign_negative() {
        -a.abs()
    } else {
        a.abs()
    }
}

/// `lm(y ~ x)`: intercept and slope as R computes them, `None` where R's
/// slope is NA (rank 1: x constant up to R's tolerance 1e-7) or with fewer
/// than two observations.
pub fn lm_line(x: &[f64], y: &[f64]) -> Option<Coef> {
    lm_fit(x, y, false).map(|(l, _)| l)
}

/// `lm(y ~ x)` with `residuals(lm)` as R computes them (dqrsl's `rsd`, not
/// `y − fitted`).
pub fn lm_with_residuals(x: &[f64], y: &[f64]) -> Option<(Coef, Vec<f64>)> {
    lm_fit(x, y, true).map(|(l, r)| (l, r.unwrap_or_default()))
}

fn lm_fit(x: &[f64], y: &[f64], want_resid: bool) -> Option<(Coef, Option<Vec<f64>>)> {
    let n = x.len().min(y.len());
    if n < 2 {
        return None;
    }
    // the design matrix [1, x], column by column
    let mut c1 = vec![1.0; n];
    let mut c2 = x[..n].to_vec();
    let tol = 1e-7;
    // dqrdc2: column norms (work(j,2) is the original norm, 1 if zero)
    let mut qraux = [dnrm2(&c1), dnrm2(&c2)];
    let orig2 = if qraux[1] == 0.0 { 1.0 } else { qraux[1] };
    // l = 1: column 1 (all ones) never falls below tol times its own norm
    {
        let nrm = dnrm2(&c1);
        if nrm != 0.0 {
            let nrmxl = if c1[0] != 0.0 { fsign(nrm, c1[0]) } else { nrm };
            let s = 1.0 / nrmxl;
            for v in c1.iter_mut() {
                *v *= s;
            }
            c1[0] += 1.0;
            let t = -ddot(&c1, &c2) / c1[0];
            daxpy(t, &c1, &mut c2);
            if qraux[1] != 0.0 {
                let q = c2[0].abs() / qraux[1];
                let tt = (1.0 - q * q).max(0.0);
                if tt.abs() >= 1e-6 {
                    qraux[1] *= tt.sqrt();
                } else {
                    qraux[1] = dnrm2(&c2[1..]);
                }
            }
            qraux[0] = c1[0];
            c1[0] = -nrmxl;
        }
    }
    // l = 2: R's limited pivoting moves a negligible column 2 right, past
    // which nothing is left: the rank is 1 and lm's slope is NA
    if qraux[1] < orig2 * tol {
        return None;
    }
    if n != 2 {
        let nrm = dnrm2(&c2[1..]);
        if nrm != 0.0 {
            let nrmxl = if c2[1] != 0.0 { fsign(nrm, c2[1]) } else { nrm };
            let s = 1.0 / nrmxl;
            for v in c2[1..].iter_mut() {
                *v *= s;
            }
            c2[1] += 1.0;
            qraux[1] = c2[1];
            c2[1] = -nrmxl;
        }
    }
    // dqrsl, job 1110: Qᵀy, b by back substitution, rsd
    let ju = 2.min(n - 1);
    let reflect = |cols: [&mut Vec<f64>; 2], v: &mut [f64], j: usize| {
        let col = &mut *cols[j];
        if qraux[j] == 0.0 {
            return;
        }
        let temp = col[j];
        col[j] = qraux[j];
        let t = -ddot(&col[j..], &v[j..]) / col[j];
        daxpy(t, &col[j..], &mut v[j..]);
        col[j] = temp;
    };
    let mut qty = y[..n].to_vec();
    for j in 0..ju {
        reflect([&mut c1, &mut c2], &mut qty, j);
    }
    if c2[1] == 0.0 || c1[0] == 0.0 {
        return None;
    }
    let b2 = qty[1] / c2[1];
    let b1 = (qty[0] + (-b2) * c2[0]) / c1[0];
    if !b1.is_finite() || !b2.is_finite() {
        return None;
    }
    let resid = want_resid.then(|| {
        let mut rsd = qty.clone();
        rsd[0] = 0.0;
        rsd[1] = 0.0;
        for j in (0..ju).rev() {
            reflect([&mut c1, &mut c2], &mut rsd, j);
        }
        rsd
    });
    Some(([b1, b2], resid))
}

/// How `rqbr` ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RqFlag {
    /// A unique optimum.
    Ok,
    /// R's warning "Solution may be nonunique" (a degenerate final vertex).
    Nonunique,
}

/// `rq(y ~ x, tau)` with method "br": the line and rqbr's flag. `None` where
/// R stops ("Singular design matrix": x constant by R's rank test), where the
/// routine ends prematurely (R's flag 2) or where the inputs are not finite.
pub fn rq_br(x: &[f64], y: &[f64], tau: f64) -> Option<(Coef, RqFlag)> {
    rq_br_scanning(x, y, tau, 16)
}

/// [`rq_br`] with the number of linear ratio scans before the ordered set
/// takes over (exposed to test that both make the same choices).
#[doc(hidden)]
pub fn rq_br_scanning(x: &[f64], y: &[f64], tau: f64, linear: usize) -> Option<(Coef, RqFlag)> {
    let m = x.len().min(y.len());
    if m < 2 || !(0.0..=1.0).contains(&tau) {
        return None;
    }
    if x[..m].iter().chain(&y[..m]).any(|v| !v.is_finite()) {
        return None;
    }
    // qr(X)$rank < 2 → R stops; lm's rank test is the same dqrdc2
    lm_line(x, y)?;
    let toler = f64::EPSILON.powf(2.0 / 3.0);
    let big = f64::MAX;
    Rqbr::new(x, y, m).solve(tau, toler, big, linear)
}

/// The simplex tableau of `rqbr` (row-major; rows 1..=m+5, columns 1..=n+4,
/// 1-based as in the Fortran).
struct Rqbr {
    m: usize,
    n: usize,
    wa: Vec<f64>,
}

impl Rqbr {
    const N: usize = 2;

    fn new(x: &[f64], y: &[f64], m: usize) -> Rqbr {
        let n = Self::N;
        let mut r = Rqbr {
            m,
            n,
            wa: vec![0.0; (m + 5) * (n + 4)],
        };
        let (n1, n2, n3, n4) = (n + 1, n + 2, n + 3, n + 4);
        for i in 1..=m {
            *r.w(i, 1) = 1.0;
            *r.w(i, 2) = x[i - 1];
            *r.w(i, n4) = (n + i) as f64;
            *r.w(i, n2) = y[i - 1];
            *r.w(i, n3) = 0.0;
            let v = r.g(i, n2) - r.g(i, n3);
            *r.w(i, n1) = v;
            if v < 0.0 {
                for j in 1..=n4 {
                    let v = -r.g(i, j);
                    *r.w(i, j) = v;
                }
            }
        }
        let (m2, m3, m4) = (m + 2, m + 3, m + 4);
        for j in 1..=n {
            *r.w(m4, j) = j as f64;
            let mut s2 = 0.0;
            let mut s3 = 0.0;
            for i in 1..=m {
                let aux = fsign(1.0, r.g(m4, j)) * r.g(i, j);
                let sg = fsign(1.0, r.g(i, n4));
                s2 += aux * (1.0 - sg);
                s3 += aux * sg;
            }
            *r.w(m2, j) = s2;
            *r.w(m3, j) = 2.0 * s3;
        }
        r
    }

    #[inline]
    fn w(&mut self, i: usize, j: usize) -> &mut f64 {
        &mut self.wa[(i - 1) * (self.n + 4) + (j - 1)]
    }

    #[inline]
    fn g(&self, i: usize, j: usize) -> f64 {
        self.wa[(i - 1) * (self.n + 4) + (j - 1)]
    }

    fn negate_col(&mut self, col: usize, rows: usize) {
        for i in 1..=rows {
            let v = -self.g(i, col);
            *self.w(i, col) = v;
        }
    }

    fn solve(mut self, t: f64, toler: f64, big: f64, linear: usize) -> Option<(Coef, RqFlag)> {
        #[derive(Clone, Copy)]
        enum At {
            Stage2,
            Enter,
            Leave,
            Ratio,
            Pivot,
            L20,
            L30,
            End,
        }
        let (m, n) = (self.m, self.n);
        let (m1, m2, m3, m4) = (m + 1, m + 2, m + 3, m + 4);
        let (n1, n3, n4) = (n + 1, n + 3, n + 4);
        for j in 1..=n {
            let v = self.g(m2, j) + self.g(m3, j) * t;
            *self.w(m1, j) = v;
        }
        let mut stage = true;
        let mut kr = 1usize;
        let mut kl = 1usize;
        let mut kount = 0usize;
        let mut col_in = 0usize;
        let mut out = 0usize;
        let mut pivot = 0.0;
        let mut k = 0usize;
        let mut wb = vec![0.0; m + 1];
        let mut s = vec![0usize; m + 1];
        let mut ratio = RatioQueue::new(linear);
        // a simplex path visits each vertex at most once; far more steps
        // than vertices means the arithmetic cycles
        let mut budget: u64 = 64 * (m as u64 + 8) * (m as u64 + 8);
        let mut at = At::L30;
        loop {
            budget = budget.checked_sub(1)?;
            match at {
                At::Stage2 => {
                    stage = false;
                    at = At::Enter;
                }
                At::Enter => {
                    let mut max = -big;
                    for j in kr..=n {
                        let mut d = self.g(m1, j);
                        if d < 0.0 {
                            if d > -2.0 {
                                continue;
                            }
                            d = -d - 2.0;
                        }
                        if d > max {
                            max = d;
                            col_in = j;
                        }
                    }
                    if max <= toler {
                        at = At::End;
                        continue;
                    }
                    if self.g(m1, col_in) <= 0.0 {
                        self.negate_col(col_in, m4);
                        *self.w(m1, col_in) -= 2.0;
                        *self.w(m2, col_in) -= 2.0;
                    }
                    at = At::Leave;
                }
                At::Leave => {
                    ratio.reset();
                    k = 0;
                    for i in kl..=m {
                        let d = self.g(i, col_in);
                        if d > toler {
                            k += 1;
                            wb[k] = self.g(i, n1) / d;
                            s[k] = i;
                        }
                    }
                    at = At::Ratio;
                }
                At::Ratio => {
                    let test = k > 0;
                    if test {
                        out = ratio.take_min(&mut wb, &mut s, &mut k, big)?;
                    }
                    if !test && stage {
                        for i in 1..=m4 {
                            let a = self.g(i, kr);
                            let b = self.g(i, col_in);
                            *self.w(i, kr) = b;
                            *self.w(i, col_in) = a;
                        }
                        kr += 1;
                        at = At::L20;
                        continue;
                    }
                    if !test {
                        // R's flag 2: "Premature end"
                        return None;
                    }
                    pivot = self.g(out, col_in);
                    if self.g(m1, col_in) - pivot - pivot <= toler {
                        at = At::Pivot;
                        continue;
                    }
                    for j in kr..=n3 {
                        let d = self.g(out, j);
                        *self.w(m1, j) = self.g(m1, j) - d - d;
                        *self.w(m2, j) = self.g(m2, j) - d - d;
                        *self.w(out, j) = -d;
                    }
                    let v = -self.g(out, n4);
                    *self.w(out, n4) = v;
                }
                At::Pivot => {
                    for j in kr..=n3 {
                        if j != col_in {
                            let v = self.g(out, j) / pivot;
                            *self.w(out, j) = v;
                        }
                    }
                    for i in 1..=m3 {
                        if i != out {
                            let d = self.g(i, col_in);
                            for j in kr..=n3 {
                                if j != col_in {
                                    let v = self.g(i, j) - d * self.g(out, j);
                                    *self.w(i, j) = v;
                                }
                            }
                        }
                    }
                    for i in 1..=m3 {
                        if i != out {
                            let v = -self.g(i, col_in) / pivot;
                            *self.w(i, col_in) = v;
                        }
                    }
                    *self.w(out, col_in) = 1.0 / pivot;
                    let d = self.g(out, n4);
                    *self.w(out, n4) = self.g(m4, col_in);
                    *self.w(m4, col_in) = d;
                    kount += 1;
                    if !stage {
                        at = At::Enter;
                        continue;
                    }
                    kl += 1;
                    for j in kr..=n4 {
                        let a = self.g(out, j);
                        let b = self.g(kount, j);
                        *self.w(out, j) = b;
                        *self.w(kount, j) = a;
                    }
                    at = At::L20;
                }
                At::L20 => {
                    at = if kount + kr == n1 {
                        At::Stage2
                    } else {
                        At::L30
                    };
                }
                At::L30 => {
                    let mut max = -1.0;
                    let mut found = false;
                    for j in kr..=n {
                        if self.g(m4, j).abs() <= n as f64 {
                            let d = self.g(m1, j).abs();
                            if d > max {
                                max = d;
                                col_in = j;
                                found = true;
                            }
                        }
                    }
                    if !found {
                        return None;
                    }
                    if self.g(m1, col_in) < 0.0 {
                        self.negate_col(col_in, m4);
                    }
                    at = At::Leave;
                }
                At::End => break,
            }
        }
        let mut flag = RqFlag::Ok;
        if kr == 1 {
            for j in 1..=n {
                let d = self.g(m1, j).abs();
                if d <= toler || 2.0 - d <= toler {
                    flag = RqFlag::Nonunique;
                    break;
                }
            }
        }
        let mut coef = [0.0f64; 2];
        for i in 1..kl {
            let lab = self.g(i, n4);
            let idx = lab.abs() as usize;
            if (1..=n).contains(&idx) {
                coef[idx - 1] = self.g(i, n1) * fsign(1.0, lab);
            }
        }
        if !coef.iter().all(|c| c.is_finite()) {
            return None;
        }
        Some((coef, flag))
    }
}

/// rqbr's choice of the leaving row, repeated along a Barrodale–Roberts
/// pass: the smallest ratio `wb(1..k)`, the first position among equal ones;
/// the last entry then moves into the freed position. A linear scan is what
/// the Fortran does; after a few extractions the same choices are made from
/// an ordered set of (ratio, position), so a long pass costs O(k log k)
/// instead of O(k²).
struct RatioQueue {
    /// Linear scans before switching to the ordered set.
    linear: usize,
    scans: usize,
    set: Option<std::collections::BTreeSet<(u64, usize)>>,
}

impl RatioQueue {
    fn new(linear: usize) -> RatioQueue {
        RatioQueue {
            linear,
            scans: 0,
            set: None,
        }
    }

    fn reset(&mut self) {
        self.scans = 0;
        self.set = None;
    }

    /// A key ordered as the Fortran's `<` orders the finite ratios (−0 = 0).
    fn key(v: f64) -> u64 {
        let v = if v == 0.0 { 0.0 } else { v };
        let b = v.to_bits();
        if b >> 63 == 1 {
            !b
        } else {
            b | (1 << 63)
        }
    }

    /// The row leaving the basis; `None` where the Fortran finds no ratio
    /// below `big` (its index would stay undefined).
    fn take_min(
        &mut self,
        wb: &mut [f64],
        s: &mut [usize],
        k: &mut usize,
        big: f64,
    ) -> Option<usize> {
        let kk = *k;
        if self.set.is_none() && self.scans >= self.linear && kk > 64 {
            self.set = Some((1..=kk).map(|i| (Self::key(wb[i]), i)).collect());
        }
        let jj = match &mut self.set {
            None => {
                self.scans += 1;
                let mut min = big;
                let mut jj = 0usize;
                for (i, &v) in wb.iter().enumerate().take(kk + 1).skip(1) {
                    if v < min {
                        jj = i;
                        min = v;
                    }
                }
                jj
            }
            Some(set) => {
                let &(key, j) = set.first()?;
                if wb[j] >= big || wb[j].is_nan() {
                    return None;
                }
                set.remove(&(key, j));
                if j != kk {
                    set.remove(&(Self::key(wb[kk]), kk));
                    set.insert((Self::key(wb[kk]), j));
                }
                j
            }
        };
        if jj == 0 {
            return None;
        }
        let out = s[jj];
        wb[jj] = wb[kk];
        s[jj] = s[kk];
        *k = kk - 1;
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dnrm2_is_the_root_of_the_ordered_sum_of_squares_for_ordinary_values() {
        // 3-4-5 triangle; and the empty vector has norm 0
        assert_eq!(dnrm2(&[3.0, 4.0]), 5.0);
        assert_eq!(dnrm2(&[]), 0.0);
        // tiny and huge values use the scaled accumulators without overflow
        assert_eq!(dnrm2(&[1e-300, 0.0]), 1e-300);
        assert!((dnrm2(&[1e300, 1e300]) / (2f64.sqrt() * 1e300) - 1.0).abs() < 1e-15);
    }

    #[test]
    fn lm_line_fits_exact_lines_and_refuses_constant_x() {
        // y = 1 + 2x exactly
        let l = lm_line(&[0.0, 1.0, 2.0, 3.0], &[1.0, 3.0, 5.0, 7.0]).unwrap();
        assert!((l[0] - 1.0).abs() < 1e-14 && (l[1] - 2.0).abs() < 1e-14);
        assert!(lm_line(&[2.0, 2.0, 2.0], &[1.0, 2.0, 3.0]).is_none());
        // two points: the line through them
        let l = lm_line(&[1.0, 3.0], &[2.0, 6.0]).unwrap();
        assert!((l[1] - 2.0).abs() < 1e-14 && l[0].abs() < 1e-14);
    }

    #[test]
    fn ordered_ratio_choices_are_the_linear_scans_choices() {
        // tied Likert-like data, large enough for long Barrodale–Roberts passes
        let mut state: u64 = 7;
        let mut next = |k: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 33) % k) as f64
        };
        for n in [300usize, 2000] {
            let x: Vec<f64> = (0..n).map(|_| 1.0 + next(7)).collect();
            let y: Vec<f64> = x.iter().map(|&v| (1.0 + next(7)).min(v + 2.0)).collect();
            for tau in [0.95, 0.5, 0.1] {
                let fast = rq_br_scanning(&x, &y, tau, 0).unwrap();
                let slow = rq_br_scanning(&x, &y, tau, usize::MAX).unwrap();
                assert_eq!(fast.0[0].to_bits(), slow.0[0].to_bits());
                assert_eq!(fast.0[1].to_bits(), slow.0[1].to_bits());
                assert_eq!(fast.1, slow.1);
            }
        }
    }

    #[test]
    fn rq_br_median_line_of_three_collinear_points() {
        // all points on y = x: every quantile line is y = x
        let (l, _) = rq_br(&[1.0, 2.0, 3.0], &[1.0, 2.0, 3.0], 0.5).unwrap();
        assert!((l[1] - 1.0).abs() < 1e-12 && l[0].abs() < 1e-12);
        assert!(rq_br(&[1.0, 1.0], &[1.0, 2.0], 0.5).is_none());
    }
}
