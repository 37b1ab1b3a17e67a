//! Engine stage: one variant of Dul's NCA robustness table (docs/methods.md §3.11).
//!
//! A variant is the analysis with one setting changed — ceiling, scope, the d or p
//! threshold, outliers removed, the target outcome level. For each condition it gives the
//! effect size, the p-value (each condition's test after `set.seed(seed)`, as the fixtures
//! and R with a seed per condition), the verdict (d ≥ d threshold and p ≤ p threshold), and
//! the bottleneck at the target: the condition level required and the number and share of
//! cases below it (NCA's own count, `bottleneck.x = "percentile"`). Removing outliers takes,
//! per condition, the first row of R's `nca_outliers` (the largest change) and removes the
//! union, as Dul's `get_outliers`. Guarantees: a variant leaving fewer than 3 cases is an
//! error, not a number; never panics.

use super::bottleneck::{bottleneck_table, BottleneckSpec, BottleneckUnit, Cell, Steps};
use super::outliers::{outliers, OutlierOptions};
use super::types::{Ceiling, NcaError, NcaOptions};

/// The target outcome level of a robustness variant.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Target {
    /// A percentile of the outcome (0–100, R's type 7 on the analysed rows).
    Percentile(f64),
    /// A value in outcome units.
    Value(f64),
}

/// The settings of one variant.
#[derive(Clone, Debug, PartialEq)]
pub struct Variant {
    pub ceiling: Ceiling,
    pub scope: Option<[f64; 4]>,
    pub d_threshold: f64,
    pub p_threshold: f64,
    /// Outliers removed: 0 none, k the cases of R's first `nca_outliers` row with k.
    pub outliers: usize,
    pub target: Target,
    pub corner: u8,
    pub permutations: usize,
    pub seed: u32,
}

/// One condition in one variant.
#[derive(Clone, Debug, PartialEq)]
pub struct ConditionOutcome {
    pub effect: f64,
    pub p_value: Option<f64>,
    pub necessary: bool,
    /// Required condition level at the target (data units; ±∞ = not necessary, NaN = not
    /// available).
    pub required: f64,
    /// Cases below the required level (NCA's count) and their share of the rows, in percent.
    pub cases: f64,
    pub percent: f64,
}

/// A variant's results.
#[derive(Clone, Debug, PartialEq)]
pub struct VariantOutcome {
    /// Rows removed as outliers (0-based).
    pub removed: Vec<usize>,
    /// Rows analysed.
    pub rows: usize,
    /// Per condition (in order), or why it has no result.
    pub conditions: Vec<Result<ConditionOutcome, String>>,
}

/// Run one variant for the conditions `xs` (each over every row) and the outcome `y`.
pub fn run_variant(xs: &[&[f64]], y: &[f64], v: &Variant) -> Result<VariantOutcome, NcaError> {
    let base = NcaOptions {
        ceilings: vec![v.ceiling],
        corner: v.corner,
        scope: v.scope,
        ..NcaOptions::default()
    };
    // outliers: the first row of each condition's search, removed together
    let mut removed: Vec<usize> = Vec::new();
    if v.outliers > 0 {
        let o = OutlierOptions {
            k: v.outliers,
            ..OutlierOptions::default()
        };
        for x in xs {
            let found = outliers(x, y, &base, &o)?;
            if let Some(first) = found.rows.first() {
                for i in &first.cases {
                    if !removed.contains(i) {
                        removed.push(*i);
                    }
                }
            }
        }
        removed.sort_unstable();
    }
    let keep = |col: &[f64]| -> Vec<f64> {
        col.iter()
            .enumerate()
            .filter(|(i, _)| !removed.contains(i))
            .map(|(_, v)| *v)
            .collect()
    };
    let yk = keep(y);
    let rows = yk.len();
    if rows < 3 {
        return Err(NcaError::NoCases);
    }
    let (unit, level) = match v.target {
        Target::Percentile(q) => (BottleneckUnit::Percentile, q),
        Target::Value(t) => (BottleneckUnit::Actual, t),
    };
    let spec = BottleneckSpec {
        x: BottleneckUnit::Percentile,
        y: unit,
        steps: Steps::Levels(vec![level]),
        cutoff: 0,
    };
    let opts = NcaOptions {
        permutations: v.permutations,
        seed: Some(v.seed),
        ..base
    };
    let conditions = xs
        .iter()
        .map(|x| {
            let xk = keep(x);
            let r = super::analyse(&xk, &yk, &opts).map_err(|e| e.to_string())?;
            let c = r
                .ceiling(&v.ceiling)
                .ok_or_else(|| "no result for the ceiling".to_string())?;
            let t = bottleneck_table(&[&r], &v.ceiling, &yk, &spec).map_err(|e| e.to_string())?;
            let col = t
                .columns
                .first()
                .ok_or_else(|| "no bottleneck column".to_string())?;
            let required = col.x_actual.first().copied().unwrap_or(f64::NAN);
            // "NN" (no level required) is NA, as Dul's table reads it (`as.numeric("NN")`).
            let cases = match col.cells.first() {
                Some(Cell::NN) => f64::NAN,
                _ => col.cases.first().copied().unwrap_or(f64::NAN),
            };
            Ok(ConditionOutcome {
                effect: c.effect_size,
                p_value: c.p_value,
                necessary: super::is_necessary(
                    c.effect_size,
                    c.p_value,
                    v.d_threshold,
                    v.p_threshold,
                ) && c.p_value.is_some(),
                required,
                cases,
                percent: 100.0 * cases / r.n.max(1) as f64,
            })
        })
        .collect();
    Ok(VariantOutcome {
        removed,
        rows,
        conditions,
    })
}
