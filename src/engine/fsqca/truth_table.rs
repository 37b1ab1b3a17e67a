//! Engine stage: the truth table (docs/methods.md §4.1).
//!
//! Guarantees: rows are placed with the 0.5 rule (a fuzzy value of exactly 0.5 goes to the
//! 0 side), n counts memberships strictly above 0.5, consistency and PRI are summed over
//! all cases in case order (in cache-sized blocks of cases, the same additions in the same
//! order as one pass per row), OUT follows the cuts with tolerance 1.49e-8 (contradictions
//! "C" with two cuts). Only observed rows are kept (so memory is bounded by the cases,
//! not by 2^k); row numbers are u128. The QCA 3.23 mislabelling bug with two cuts and
//! rows under the frequency cut (docs/methods.md §9) is deliberately not reproduced.

use std::collections::HashMap;

use rayon::prelude::*;

use super::types::{ConfigRow, FsqcaError, FsqcaInput, FsqcaOptions, MAX_CONDITIONS, TOL};
use crate::engine::ids::{CaseIds, Column};

/// Validated input data (the input's columns and case names are read where they are).
#[derive(Debug, Clone)]
pub struct Data<'a> {
    pub k: usize,
    pub n: usize,
    pub names: Vec<String>,
    pub cases: &'a CaseIds,
    pub memberships: &'a [Column],
    pub outcome: &'a [f64],
    pub fuzzy: Vec<bool>,
    pub levels: Vec<u32>,
    /// Whether any crisp condition has more than two levels (term strings use `X[v]`).
    pub multi_value: bool,
    /// Case has some fuzzy membership equal to 0.5 (within tol).
    pub half: Vec<bool>,
    /// Π_{l>j} levels_l.
    pub weights: Vec<u128>,
}

impl<'a> Data<'a> {
    pub fn new(input: &'a FsqcaInput) -> Result<Data<'a>, FsqcaError> {
        let k = input.memberships.len();
        if k == 0 {
            return Err(FsqcaError::NoConditions);
        }
        if k > MAX_CONDITIONS {
            return Err(FsqcaError::TooManyConditions(k));
        }
        let n = input.outcome.len();
        if u32::try_from(n).is_err() {
            return Err(FsqcaError::TooManyCases(n));
        }
        let name = |j: usize| {
            input
                .conditions
                .get(j)
                .cloned()
                .unwrap_or_else(|| format!("X{}", j + 1))
        };
        for (j, col) in input.memberships.iter().enumerate() {
            if col.len() != n {
                return Err(FsqcaError::LengthMismatch(name(j), col.len(), n));
            }
        }
        if input.cases.len() != n {
            return Err(FsqcaError::LengthMismatch(
                "cases".into(),
                input.cases.len(),
                n,
            ));
        }
        for (i, y) in input.outcome.iter().enumerate() {
            if !y.is_finite() || *y < 0.0 || *y > 1.0 {
                return Err(FsqcaError::InvalidValue(input.outcome_name.clone(), i));
            }
        }
        let mut fuzzy = Vec::with_capacity(k);
        let mut levels = Vec::with_capacity(k);
        for (j, col) in input.memberships.iter().enumerate() {
            for (i, v) in col.iter().enumerate() {
                if !v.is_finite() || *v < 0.0 || *v > 1e9 {
                    return Err(FsqcaError::InvalidValue(name(j), i));
                }
            }
            let fz = col.iter().any(|v| v.fract() != 0.0);
            if fz {
                if let Some(i) = col.iter().position(|v| *v > 1.0) {
                    return Err(FsqcaError::InvalidValue(name(j), i));
                }
                levels.push(2);
            } else {
                let max = col.iter().fold(0.0f64, |a, b| a.max(*b)) as u32;
                levels.push((max + 1).max(2));
            }
            fuzzy.push(fz);
        }
        let mut weights = vec![1u128; k];
        let mut w: u128 = 1;
        for j in (0..k).rev() {
            weights[j] = w;
            w = w
                .checked_mul(levels[j] as u128)
                .ok_or(FsqcaError::TooManyConfigurations)?;
        }
        let half = (0..n)
            .map(|i| (0..k).any(|j| fuzzy[j] && (input.memberships[j][i] - 0.5).abs() < TOL))
            .collect();
        let multi_value = (0..k).any(|j| !fuzzy[j] && levels[j] > 2);
        Ok(Data {
            k,
            n,
            names: (0..k).map(name).collect(),
            cases: &input.cases,
            memberships: &input.memberships,
            outcome: &input.outcome,
            fuzzy,
            levels,
            multi_value,
            half,
            weights,
        })
    }

    /// Row number of a configuration.
    pub fn row_number(&self, config: &[u32]) -> u128 {
        1 + config
            .iter()
            .zip(&self.weights)
            .map(|(v, w)| *v as u128 * w)
            .sum::<u128>()
    }

    pub fn config_row(&self, config: Vec<u32>) -> ConfigRow {
        ConfigRow {
            row: self.row_number(&config),
            config,
        }
    }

    /// Membership of the cases `range` in the row `config` (docs/methods.md §4.1), written
    /// into `acc` (as long as the range).
    pub fn row_membership(&self, config: &[u32], range: std::ops::Range<usize>, acc: &mut [f64]) {
        acc.iter_mut().for_each(|a| *a = 1.0);
        for (j, &level) in config.iter().enumerate() {
            let col = &self.memberships[j][range.clone()];
            if self.fuzzy[j] {
                if level == 1 {
                    for (a, x) in acc.iter_mut().zip(col) {
                        *a = lesser(*a, *x);
                    }
                } else {
                    for (a, x) in acc.iter_mut().zip(col) {
                        *a = lesser(*a, 1.0 - *x);
                    }
                }
            } else {
                let lv = level as f64;
                for (a, x) in acc.iter_mut().zip(col) {
                    if *x != lv {
                        *a = 0.0;
                    }
                }
            }
        }
    }

    /// The configuration of case i (its corner of the property space), written into `out`
    /// (k values; computed when asked, not stored: 10⁶ cases × 10 conditions would be 40 MB).
    pub fn case_config(&self, i: usize, out: &mut [u32]) {
        for (j, (o, col)) in out.iter_mut().zip(self.memberships).enumerate() {
            let v = col[i];
            *o = if self.fuzzy[j] {
                u32::from(v > 0.5)
            } else {
                v as u32
            };
        }
    }
}

/// Output value of a truth table row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Out {
    One,
    Zero,
    /// Contradiction "C" (two consistency cuts).
    Contradiction,
    /// "?" (here: an observed row with n below the frequency cut).
    Remainder,
}

impl Out {
    pub fn as_str(&self) -> &'static str {
        match self {
            Out::One => "1",
            Out::Zero => "0",
            Out::Contradiction => "C",
            Out::Remainder => "?",
        }
    }
}

/// One observed row.
#[derive(Debug, Clone, PartialEq)]
pub struct TruthTableRow {
    pub row: u128,
    pub config: Vec<u32>,
    pub out: Out,
    /// OUT from the consistency and PRI cuts alone (before the frequency cut).
    pub out_before_ncut: Out,
    pub n: usize,
    pub consistency: f64,
    pub pri: f64,
    /// Rule-1 members, excluding cases with a membership of 0.5: their indices in the
    /// analysed cases (data order; [`FsqcaInput::cases`] names them), shared with the terms
    /// that cover the row (10⁶ cases are listed once, as 4 bytes each, not once per term).
    pub cases: std::sync::Arc<[u32]>,
    /// Deviant cases consistency (indices): row membership > 0.5 and outcome < 0.5.
    pub dcc: Vec<u32>,
}

/// The truth table: observed rows in row-number order.
#[derive(Debug, Clone, PartialEq)]
pub struct TruthTable {
    pub conditions: Vec<String>,
    pub levels: Vec<u32>,
    pub fuzzy: Vec<bool>,
    pub rows: Vec<TruthTableRow>,
    /// Configurations without any case (unobserved), as the reference's count. Observed
    /// rows below the frequency cut are remainders too; they are listed in `rows` with
    /// OUT "?".
    pub n_remainders: u128,
}

/// The smaller of two memberships (never NaN: [`Data::new`] refuses them). As `f64::min`
/// for every value but the sign of a zero, which no sum, ratio or comparison here can see;
/// unlike `f64::min` it is one instruction, and vectorised.
#[inline(always)]
fn lesser(a: f64, b: f64) -> f64 {
    if b < a {
        b
    } else {
        a
    }
}

/// Cases per block of the truth table's pass (10 conditions × 256 cases × 8 bytes stay in a
/// core's first-level cache).
const BLOCK: usize = 256;

/// A row's sums over the cases, in data order.
#[derive(Clone, Default)]
struct RowSums {
    sm: f64,
    smy: f64,
    smyny: f64,
    n: usize,
    /// Deviant cases (indices).
    dcc: Vec<u32>,
}

/// Build the truth table of the data's outcome, or of its negation (1 − y, computed as the
/// cases are read rather than stored).
pub fn build(data: &Data, negated: bool, opts: &FsqcaOptions) -> TruthTable {
    let outcome = data.outcome;
    let mut index: HashMap<Vec<u32>, usize> = HashMap::new();
    let mut groups: Vec<(u128, Vec<u32>, Vec<u32>)> = Vec::new();
    let mut cfg = vec![0u32; data.k];
    for i in 0..data.n {
        data.case_config(i, &mut cfg);
        let g = match index.get(cfg.as_slice()) {
            Some(g) => *g,
            None => {
                groups.push((data.row_number(&cfg), cfg.clone(), Vec::new()));
                index.insert(cfg.clone(), groups.len() - 1);
                groups.len() - 1
            }
        };
        // `Data::new` refuses more cases than u32 counts
        groups[g].2.push(i as u32);
    }
    groups.sort_by_key(|g| g.0);
    let ic1 = opts.incl_cut;
    let ic0 = opts.incl_cut0.unwrap_or(1.0);
    // Rows in parallel chunks; each chunk walks the cases block by block (a block of every
    // condition stays in cache for all its rows) and in data order, so that every sum adds
    // the same terms in the same order as one pass per row: the same bits.
    let per_chunk = groups
        .len()
        .div_ceil(4 * rayon::current_num_threads())
        .max(1);
    let sums: Vec<RowSums> = groups
        .par_chunks(per_chunk)
        .flat_map_iter(|rows| {
            let mut sums = vec![RowSums::default(); rows.len()];
            let mut acc = vec![0.0; BLOCK.min(data.n)];
            // the block's outcome and min(y, 1 − y)
            let mut yb = vec![0.0; BLOCK.min(data.n)];
            let mut mb = vec![0.0; BLOCK.min(data.n)];
            let mut start = 0;
            while start < data.n {
                let end = (start + BLOCK).min(data.n);
                let acc = &mut acc[..end - start];
                let (yb, mb) = (&mut yb[..end - start], &mut mb[..end - start]);
                for ((v, m), y) in yb.iter_mut().zip(mb.iter_mut()).zip(&outcome[start..end]) {
                    *v = if negated { 1.0 - y } else { *y };
                    *m = v.min(1.0 - *v);
                }
                let (yb, mb) = (&*yb, &*mb);
                for (s, (_, cfg, _)) in sums.iter_mut().zip(rows) {
                    data.row_membership(cfg, start..end, acc);
                    // the sums in registers for the block (same additions, same order)
                    let (mut sm, mut smy, mut smyny) = (s.sm, s.smy, s.smyny);
                    for (t, ((&m, &y), &ym)) in acc.iter().zip(yb).zip(mb).enumerate() {
                        sm += m;
                        smy += lesser(m, y);
                        smyny += lesser(m, ym);
                        if m > 0.5 {
                            s.n += 1;
                            if y < 0.5 {
                                s.dcc.push((start + t) as u32);
                            }
                        }
                    }
                    (s.sm, s.smy, s.smyny) = (sm, smy, smyny);
                }
                start = end;
            }
            sums
        })
        .collect();
    let rows: Vec<TruthTableRow> = groups
        .iter()
        .zip(sums)
        .map(|((row, cfg, members), s)| {
            let RowSums {
                sm,
                smy,
                smyny,
                n,
                dcc,
            } = s;
            let incl = if sm == 0.0 { f64::NAN } else { smy / sm };
            let pden = sm - smyny;
            let pri = if pden == 0.0 {
                f64::NAN
            } else {
                (smy - smyny) / pden
            };
            let mut out = if incl + TOL > ic1 && pri + TOL > opts.pri_cut {
                Out::One
            } else {
                Out::Zero
            };
            if incl < ic1 && incl + TOL > ic0 {
                out = Out::Contradiction;
            }
            let out_before_ncut = out;
            if n < opts.n_cut {
                out = Out::Remainder;
            }
            let cases: Vec<u32> = members
                .iter()
                .copied()
                .filter(|i| !data.half[*i as usize])
                .collect();
            TruthTableRow {
                row: *row,
                config: cfg.to_vec(),
                out,
                out_before_ncut,
                n,
                consistency: incl,
                pri,
                cases: cases.into(),
                dcc,
            }
        })
        .collect();
    // A configuration whose cases all sit at 0.5 in some condition has no case above 0.5: R's
    // QCA lists it (OUT "?", n 0), but it is not observed; it counts as a remainder.
    let total: u128 = data.levels.iter().map(|l| *l as u128).product();
    let observed = rows.iter().filter(|r| r.n > 0).count() as u128;
    TruthTable {
        conditions: data.names.clone(),
        levels: data.levels.clone(),
        fuzzy: data.fuzzy.clone(),
        rows,
        n_remainders: total - observed,
    }
}
