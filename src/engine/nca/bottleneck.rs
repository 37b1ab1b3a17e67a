//! Engine stage: bottleneck tables (docs/methods.md §3.2).
//!
//! Guarantees: outcome levels, required condition levels, the edge cases
//! ("NN" not necessary, "NA" not available), cutoff 0/1/2 substitutions and
//! the printed text exactly as the reference, for the units
//! `percentage.range` (the language's `percentage`), `percentage.max`,
//! `actual` and `percentile`. Departure (docs/methods.md §3.2): a straight
//! ceiling without a slope (a single distinct peer) makes every level "NN".
//! Numbers are never rounded; each column says with how many decimals the reference prints
//! it. Never panics.

use super::result::NcaResult;
use super::types::{Ceiling, NcaError};

const EPS: f64 = 1e-10;

/// Unit of an axis of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BottleneckUnit {
    /// `percentage.range`: 0 % at the scope minimum, 100 % at the maximum.
    PercentageRange,
    /// `percentage.max`: percent of the maximum.
    PercentageMax,
    /// Data units.
    Actual,
    /// Percentile of the observed values.
    Percentile,
}

/// Outcome levels of the table.
#[derive(Clone, Debug, PartialEq)]
pub enum Steps {
    /// `steps(n)`: n equal steps (0, 100/n, …, 100 % or low … high).
    Count(usize),
    /// An explicit list of levels (percent, or data units for `actual`).
    Levels(Vec<f64>),
    /// `step.size`: levels every so many percent (or data units).
    StepSize(f64),
}

/// What table to build.
#[derive(Clone, Debug, PartialEq)]
pub struct BottleneckSpec {
    pub x: BottleneckUnit,
    pub y: BottleneckUnit,
    pub steps: Steps,
    /// 0: NN/NA; 1: clipped to the observed range; 2: calculated values.
    pub cutoff: u8,
}

impl Default for BottleneckSpec {
    fn default() -> Self {
        BottleneckSpec {
            x: BottleneckUnit::PercentageRange,
            y: BottleneckUnit::PercentageRange,
            steps: Steps::Count(10),
            cutoff: 0,
        }
    }
}

/// Rows of the table: the label shown and the outcome value (data units).
#[derive(Clone, Debug, PartialEq)]
pub struct OutcomeLevels {
    pub display: Vec<f64>,
    pub actual: Vec<f64>,
}

/// One cell: a number, "NN" (not necessary) or "NA" (not available).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Cell {
    Value(f64),
    NN,
    NA,
}

/// The column of one condition.
#[derive(Clone, Debug, PartialEq)]
pub struct BottleneckColumn {
    pub cells: Vec<Cell>,
    /// Decimals the reference prints a value of this column with (`sprintf("%.{p}f")`;
    /// values below 10^−p print as 0): the report formats, the engine does not.
    pub precision: usize,
    /// Required level in the table's x unit, unrounded (NaN = NA, ±Inf = NN).
    pub x_value: Vec<f64>,
    /// Required level in data units (NaN = NA, ±Inf = NN).
    pub x_actual: Vec<f64>,
    /// Percentile tables: number of cases that do not reach the level.
    pub cases: Vec<f64>,
}

/// A table for one ceiling over several conditions.
#[derive(Clone, Debug, PartialEq)]
pub struct BottleneckTable {
    pub ceiling: Ceiling,
    pub levels: OutcomeLevels,
    pub columns: Vec<BottleneckColumn>,
}

/// R's `seq(from, to, by)` for by > 0.
fn r_seq_by(from: f64, to: f64, by: f64) -> Vec<f64> {
    let del = to - from;
    if by.is_nan() || by <= 0.0 || !del.is_finite() || del < 0.0 {
        return vec![from];
    }
    let denom = to.abs().max(from.abs());
    if denom == 0.0 || del / denom < 100.0 * f64::EPSILON {
        return vec![from];
    }
    let n = (del / by + 1e-10).floor();
    if !(n.is_finite()) || n > 1e7 {
        return vec![from];
    }
    (0..=n as usize)
        .map(|i| (from + i as f64 * by).min(to))
        .collect()
}

fn quantile7_unsorted(v: &[f64], p: f64) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(|a, b| a.total_cmp(b));
    super::permutation::quantile7(&s, p)
}

/// The outcome levels (`p_mp_mpy`) from all observed outcome values (NaN
/// ignored), widened by the theoretical outcome scope if given.
pub fn outcome_levels(
    y_all: &[f64],
    theo_y: Option<(f64, f64)>,
    spec: &BottleneckSpec,
    flip_y: bool,
) -> Result<OutcomeLevels, NcaError> {
    let ys: Vec<f64> = y_all.iter().copied().filter(|v| !v.is_nan()).collect();
    if ys.is_empty() {
        return Err(NcaError::Bottleneck("no outcome values".into()));
    }
    let mut low = ys.iter().copied().fold(f64::INFINITY, f64::min);
    let mut high = ys.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if let Some((a, b)) = theo_y {
        if !a.is_nan() {
            low = low.min(a);
        }
        if !b.is_nan() {
            high = high.max(b);
        }
    }
    if spec.y == BottleneckUnit::PercentageMax {
        low = 0.0;
    }
    let (mut display, mut actual);
    if spec.y == BottleneckUnit::Actual {
        actual = match &spec.steps {
            Steps::Count(s) => {
                let s = if *s < 1 { 10 } else { (*s).min(1_000_000) };
                r_seq_by(low, high, (high - low) / s as f64)
            }
            Steps::Levels(v) => {
                let mut v: Vec<f64> = v
                    .iter()
                    .copied()
                    .filter(|a| *a >= low && *a <= high)
                    .collect();
                v.sort_by(|a, b| a.total_cmp(b));
                v
            }
            Steps::StepSize(ss) => {
                let mut v = Vec::new();
                if *ss > 0.0 && ss.is_finite() {
                    let mut a = low;
                    while a <= high && v.len() < 10_000_000 {
                        v.push(a);
                        a += ss;
                    }
                }
                match v.last() {
                    Some(&l) if (l - high).abs() <= 1e-6 => {}
                    _ => v.push(high),
                }
                v
            }
        };
        if flip_y {
            actual.reverse();
        }
        display = actual.clone();
    } else {
        let probs: Vec<f64> = match &spec.steps {
            Steps::Count(s) => {
                let s = if *s < 1 { 10 } else { (*s).min(1_000_000) };
                let by = 1.0 / s as f64;
                let mut p = vec![0.0];
                for i in 1..s {
                    p.push(i as f64 * by);
                }
                p.push(1.0);
                p
            }
            Steps::Levels(v) => {
                let mut v: Vec<f64> = v
                    .iter()
                    .copied()
                    .filter(|a| (0.0..=100.0).contains(a))
                    .collect();
                v.sort_by(|a, b| a.total_cmp(b));
                v.into_iter().map(|a| a / 100.0).collect()
            }
            Steps::StepSize(ss) => r_seq_by(0.0, 1.0, ss / 100.0),
        };
        display = probs.iter().map(|p| 100.0 * p).collect();
        actual = if spec.y == BottleneckUnit::Percentile {
            probs.iter().map(|&p| quantile7_unsorted(&ys, p)).collect()
        } else {
            probs.iter().map(|&p| low + p * (high - low)).collect()
        };
        if flip_y {
            actual.reverse();
        }
    }
    if display.is_empty() {
        display = Vec::new();
    }
    Ok(OutcomeLevels { display, actual })
}

fn ecdf(sorted: &[f64], t: f64) -> f64 {
    if sorted.is_empty() || t.is_nan() {
        return f64::NAN;
    }
    let k = sorted.partition_point(|&v| v <= t);
    k as f64 / sorted.len() as f64
}

/// The column of one condition for one ceiling; `None` for OLS (no table)
/// or a ceiling the analysis did not compute.
pub fn bottleneck_column(
    result: &NcaResult,
    ceiling: &Ceiling,
    levels: &OutcomeLevels,
    spec: &BottleneckSpec,
) -> Option<BottleneckColumn> {
    if ceiling.is_reference_only() {
        return None;
    }
    let cr = result.ceiling(ceiling)?;
    let theo = result.scope_detail.theo;
    let emp = result.scope_detail.emp;
    let (flip_x, flip_y) = (result.flip_x, result.flip_y);
    let cutoff = spec.cutoff;
    let mut xs = result.x.to_vec();
    xs.sort_by(|a, b| a.total_cmp(b));
    let mut neg_xs: Vec<f64> = result.x.iter().map(|v| -v).collect();
    neg_xs.sort_by(|a, b| a.total_cmp(b));
    let n = xs.len() as f64;
    let prec = if spec.x == BottleneckUnit::Actual {
        3
    } else {
        1
    };

    let edge = |x: f64| -> f64 {
        if x.is_nan() {
            return f64::NAN;
        }
        if x < theo[0] + EPS {
            return if flip_x { f64::NAN } else { f64::NEG_INFINITY };
        }
        if x > theo[1] {
            return match cutoff {
                0 => {
                    if flip_x {
                        f64::INFINITY
                    } else {
                        f64::NAN
                    }
                }
                1 => theo[1],
                _ => x,
            };
        }
        x
    };
    let count = |x: f64| -> f64 {
        if x.is_nan() {
            return f64::NAN;
        }
        if flip_x {
            n * ecdf(&neg_xs, -x - EPS)
        } else {
            n * ecdf(&xs, x - EPS)
        }
    };
    let transform = |x: f64| -> f64 {
        match spec.x {
            BottleneckUnit::PercentageRange => 100.0 * (x - theo[0]) / (theo[1] - theo[0]),
            BottleneckUnit::PercentageMax => 100.0 * x / theo[1],
            BottleneckUnit::Actual => x,
            BottleneckUnit::Percentile => {
                if x.is_nan() {
                    return f64::NAN;
                }
                let v = if flip_x {
                    100.0 * ecdf(&neg_xs, -x - EPS)
                } else {
                    100.0 * ecdf(&xs, x - EPS)
                };
                if v == 0.0 {
                    f64::INFINITY
                } else {
                    v
                }
            }
        }
    };
    let transform_value = |v: f64, sc: &[f64; 4]| -> f64 {
        match spec.x {
            BottleneckUnit::PercentageRange => 100.0 * (v - sc[0]) / (sc[1] - sc[0]),
            BottleneckUnit::PercentageMax => 100.0 * v / sc[1],
            BottleneckUnit::Actual => v,
            BottleneckUnit::Percentile => 100.0 * ecdf(&xs, v),
        }
    };

    let mpy = &levels.actual;
    let mut raw: Vec<f64> = Vec::with_capacity(mpy.len());
    let mut cases: Vec<f64> = Vec::new();
    let single_peer_line;
    match cr.ceiling {
        Ceiling::CeFdh | Ceiling::CeVrs => {
            single_peer_line = false;
            let pk = &cr.peers;
            let vrs = matches!(cr.ceiling, Ceiling::CeVrs);
            for &m in mpy {
                let idx = pk
                    .iter()
                    .position(|p| if flip_y { p.y < m + EPS } else { p.y > m - EPS });
                let x = match idx {
                    None => f64::NAN,
                    Some(0) => pk[0].x,
                    Some(i) => {
                        if vrs {
                            let (p1, p2) = (pk[i - 1], pk[i]);
                            p1.x + (m - p1.y) * (p1.x - p2.x) / (p1.y - p2.y)
                        } else {
                            pk[i].x
                        }
                    }
                };
                if spec.x == BottleneckUnit::Percentile {
                    cases.push(count(x));
                }
                raw.push(edge(x));
            }
        }
        _ => match (cr.slope, cr.intercept) {
            (Some(s), Some(b)) if !s.is_nan() && !b.is_nan() => {
                single_peer_line = false;
                for &m in mpy {
                    let x = edge((m - b) / s);
                    if spec.x == BottleneckUnit::Percentile {
                        cases.push(count(x));
                    }
                    raw.push(x);
                }
            }
            _ => {
                // Departure (docs/methods.md §3.2): no slope → every level "NN".
                single_peer_line = true;
                for _ in mpy {
                    raw.push(f64::INFINITY);
                    if spec.x == BottleneckUnit::Percentile {
                        cases.push(0.0);
                    }
                }
            }
        },
    }

    // substitutes for NA and NN cells (cutoff 1 / 2)
    let finite_or_inf: Vec<f64> = raw.iter().copied().filter(|v| !v.is_nan()).collect();
    let na_sub: Option<f64> = if cutoff == 0 || finite_or_inf.is_empty() {
        None
    } else {
        let v = if flip_x {
            finite_or_inf.iter().copied().fold(f64::INFINITY, f64::min)
        } else {
            finite_or_inf
                .iter()
                .copied()
                .fold(f64::NEG_INFINITY, f64::max)
        };
        Some(transform_value(v, &theo))
    };
    let nn_sub: Option<f64> = if cutoff < 2 || single_peer_line || finite_or_inf.is_empty() {
        None
    } else {
        let v = if flip_x {
            finite_or_inf
                .iter()
                .copied()
                .fold(f64::NEG_INFINITY, f64::max)
        } else {
            finite_or_inf.iter().copied().fold(f64::INFINITY, f64::min)
        };
        let t = transform_value(v, &emp);
        if t.is_infinite() || t.is_nan() {
            None
        } else {
            Some(t)
        }
    };

    let mut col = BottleneckColumn {
        cells: Vec::with_capacity(raw.len()),
        precision: prec,
        x_value: Vec::with_capacity(raw.len()),
        x_actual: raw.clone(),
        cases,
    };
    for &x in &raw {
        let v = if single_peer_line {
            f64::INFINITY
        } else {
            transform(x)
        };
        col.x_value.push(v);
        let cell = if v.is_nan() {
            match na_sub {
                Some(s) if !s.is_nan() && !s.is_infinite() => Cell::Value(s),
                Some(s) if s.is_infinite() => Cell::NN,
                _ => Cell::NA,
            }
        } else if v.is_infinite() {
            match nn_sub {
                Some(s) => Cell::Value(s),
                None => Cell::NN,
            }
        } else {
            Cell::Value(v)
        };
        col.cells.push(cell);
    }
    Some(col)
}

/// A bottleneck table of one ceiling for several conditions analysed against
/// the same outcome. `y_all` is the whole outcome column (the levels come
/// from it, widened by the first condition's theoretical outcome scope).
pub fn bottleneck_table(
    results: &[&NcaResult],
    ceiling: &Ceiling,
    y_all: &[f64],
    spec: &BottleneckSpec,
) -> Result<BottleneckTable, NcaError> {
    let first = results
        .first()
        .ok_or_else(|| NcaError::Bottleneck("no conditions".into()))?;
    if ceiling.is_reference_only() {
        return Err(NcaError::Bottleneck(
            "OLS is a reference line and has no bottleneck table".into(),
        ));
    }
    let t = first.scope_detail.theo;
    let levels = outcome_levels(y_all, Some((t[2], t[3])), spec, first.flip_y)?;
    let mut columns = Vec::with_capacity(results.len());
    for r in results {
        let c = bottleneck_column(r, ceiling, &levels, spec).ok_or_else(|| {
            NcaError::Bottleneck(format!("ceiling {} was not analysed", ceiling.name()))
        })?;
        columns.push(c);
    }
    Ok(BottleneckTable {
        ceiling: *ceiling,
        levels,
        columns,
    })
}
