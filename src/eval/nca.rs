//! Stage 4, running an `nca` block: each condition against the outcome with the engine (its own
//! complete cases), then the bottleneck table of every ceiling that has one.
//!
//! Guarantees: a condition without a result is kept with its reason (and a warning), never
//! dropped silently; a permutation test without a seed draws a fresh one and records it.

use super::results::{CasesAtTarget, NcaRun, Task};
use super::Interpreter;
use crate::check::plan::{NcaPlan, NcaTarget};
use crate::diagnostics::{runtime, Diag};
use crate::engine::data::Column;
use crate::engine::nca::{self, bottleneck, Ceiling, NcaOptions, NcaResult};
use crate::source::Span;

impl Interpreter {
    /// The values of a set, shared (empty for an unknown name).
    pub(super) fn column_of(&self, name: &str, calibrated: bool) -> Column {
        match self.scope.set(name) {
            Some(s) if calibrated => s.membership.clone().unwrap_or_default(),
            Some(s) => s.raw.clone(),
            None => Column::default(),
        }
    }

    /// A copy of [`Interpreter::column_of`].
    pub(super) fn values_of(&self, name: &str, calibrated: bool) -> Vec<f64> {
        self.column_of(name, calibrated).to_vec()
    }

    pub(super) fn run_nca(&mut self, p: &NcaPlan) -> Result<NcaRun, Diag> {
        let seed = (p.permutations > 0).then(|| p.seed.unwrap_or_else(fresh_seed));
        let opts = NcaOptions {
            ceilings: p.ceilings.clone(),
            corner: p.corner.of(0),
            scope: p.scope,
            qr_tau: p.qr_tau,
            permutations: p.permutations,
            seed,
            ..NcaOptions::default()
        };
        let y = self.column_of(&p.outcome, p.calibrated);
        let per_condition: Vec<NcaOptions> = (0..p.conditions.len())
            .map(|k| NcaOptions {
                corner: p.corner.of(k),
                ..opts.clone()
            })
            .collect();
        let show = p.permutations > 0;
        if show {
            self.progress.start(&Task::Permutations(
                p.name.clone(),
                p.permutations,
                p.conditions.len(),
            ));
        }
        // the columns are shared, not copied (10⁶ cases: 8 MB each)
        let columns: Vec<Column> = p
            .conditions
            .iter()
            .map(|c| self.column_of(c, p.calibrated))
            .collect();
        let dropped: Vec<usize> = columns
            .iter()
            .map(|x| {
                let complete = x
                    .iter()
                    .zip(y.iter())
                    .filter(|(a, b)| !a.is_nan() && !b.is_nan())
                    .count();
                x.len() - complete
            })
            .collect();
        let progress = &self.progress;
        let results = nca::analyse_columns(&columns, &y, &per_condition, &|k| {
            for _ in 0..k {
                progress.step();
            }
        });
        if show {
            self.progress.finish();
        }
        let mut conditions = Vec::new();
        for ((c, dropped), r) in p.conditions.iter().zip(dropped).zip(results) {
            let r = r.map_err(|e| e.to_string());
            match &r {
                Ok(res) if res.ceilings.iter().any(|c| !c.effect_defined) => {
                    self.warn(runtime::undefined_effect(c, &p.name, p.span));
                }
                Err(e) => self.warn(runtime::no_nca_result(c, &p.name, e, p.span)),
                _ => {}
            }
            if let Ok(res) = &r {
                for t in res.ceilings.iter().filter_map(|c| c.test.as_ref()) {
                    if t.reference_stops > 0 {
                        let d =
                            runtime::reference_stops(c, &p.name, t.reference_stops, t.rep, p.span);
                        self.warn(d);
                    }
                }
            }
            conditions.push((c.clone(), r, dropped));
        }
        if conditions.iter().all(|(_, r, _)| r.is_err()) {
            return Err(runtime::no_usable_cases(&p.name, p.span));
        }
        let dropped: Vec<(String, usize)> = conditions
            .iter()
            .filter(|(_, _, d)| *d > 0)
            .map(|(c, _, d)| (c.clone(), *d))
            .collect();
        if !dropped.is_empty() {
            self.warn(runtime::nca_missing_values(&p.name, &dropped, p.span));
        }
        let widened: Vec<(String, [f64; 4])> = conditions
            .iter()
            .filter_map(|(c, r, _)| {
                let r = r.as_ref().ok()?;
                r.scope_detail
                    .widened
                    .then(|| (c.clone(), r.scope_detail.theo))
            })
            .collect();
        if let (false, Some(given)) = (widened.is_empty(), p.scope) {
            self.warn(runtime::scope_widened(&p.name, given, &widened, p.span));
        }
        let spec = bottleneck::BottleneckSpec {
            x: p.bottleneck_type.unit(),
            y: p.bottleneck_y.unit(),
            steps: p.bottleneck_levels.steps(),
            cutoff: 0,
        };
        let ok: Vec<&NcaResult> = conditions
            .iter()
            .filter_map(|(_, r, _)| r.as_ref().ok())
            .collect();
        let mut bottlenecks = Vec::new();
        if !ok.is_empty() {
            for c in &opts.ceilings {
                if c.is_reference_only() {
                    continue;
                }
                if let Ok(t) = bottleneck::bottleneck_table(&ok, c, &y, &spec) {
                    bottlenecks.push(t);
                }
            }
        }
        let cases_at_target = p
            .targets
            .iter()
            .map(|(t, span)| self.cases_at_target(p, &conditions, &y, *t, *span))
            .collect::<Result<Vec<_>, Diag>>()?;
        let mut outliers = Vec::new();
        for (k, span) in &p.outliers {
            outliers.extend(self.outliers(p, &conditions, &y, *k, *span)?);
        }
        Ok(NcaRun {
            plan: p.clone(),
            conditions,
            bottlenecks,
            seed,
            cases_at_target,
            outliers,
            ids: self.case_ids(),
        })
    }

    /// The outlier search of every condition with a result and every ceiling but OLS
    /// (the reference refuses OLS), in parallel.
    fn outliers(
        &self,
        p: &NcaPlan,
        conditions: &[(String, Result<NcaResult, String>, usize)],
        y: &[f64],
        k: usize,
        span: Span,
    ) -> Result<Vec<(String, nca::outliers::Outliers)>, Diag> {
        use rayon::prelude::*;
        let mut jobs = Vec::new();
        for (k_cond, (c, r, _)) in conditions.iter().enumerate() {
            let Ok(r) = r else { continue };
            if k >= r.n {
                return Err(runtime::outliers_k(&p.name, c, k, r.n, span));
            }
            let x = self.values_of(c, p.calibrated);
            for ceiling in p.ceilings.iter().filter(|c| !matches!(c, Ceiling::Ols)) {
                let opts = NcaOptions {
                    ceilings: vec![*ceiling],
                    corner: p.corner.of(k_cond),
                    scope: p.scope,
                    qr_tau: p.qr_tau,
                    ..NcaOptions::default()
                };
                jobs.push((c.clone(), x.clone(), opts));
            }
        }
        let o = nca::outliers::OutlierOptions {
            k,
            min_dif: p.outliers_min_change,
            max_results: p.outliers_max_rows,
            ..Default::default()
        };
        let found: Vec<(String, Result<nca::outliers::Outliers, nca::NcaError>)> = jobs
            .into_par_iter()
            .map(|(c, x, opts)| {
                let r = nca::outliers::outliers(&x, y, &opts, &o);
                (c, r)
            })
            .collect();
        let mut out = Vec::new();
        for (c, r) in found {
            match r {
                Ok(r) => out.push((c, r)),
                Err(nca::NcaError::TooManyCombinations(n)) => {
                    return Err(runtime::outlier_combinations(&p.name, &c, n, span))
                }
                Err(_) => {}
            }
        }
        Ok(out)
    }

    /// The bottleneck cases of every ceiling with a table at the block's target level.
    fn cases_at_target(
        &self,
        p: &NcaPlan,
        conditions: &[(String, Result<NcaResult, String>, usize)],
        y: &[f64],
        target: NcaTarget,
        span: Span,
    ) -> Result<CasesAtTarget, Diag> {
        let mut sorted: Vec<f64> = y.iter().copied().filter(|v| !v.is_nan()).collect();
        sorted.sort_by(|a, b| a.total_cmp(b));
        let (lo, hi) = match (sorted.first(), sorted.last()) {
            (Some(a), Some(b)) => (*a, *b),
            _ => (f64::NAN, f64::NAN),
        };
        let value = match target {
            NcaTarget::Percentile(q) => nca::permutation::quantile7(&sorted, q / 100.0),
            NcaTarget::Value(v) => v,
        };
        if !(value >= lo && value <= hi) {
            return Err(runtime::target_outside(&p.name, value, lo, hi, span));
        }
        let ok: Vec<(&String, &NcaResult)> = conditions
            .iter()
            .filter_map(|(c, r, _)| r.as_ref().ok().map(|r| (c, r)))
            .collect();
        let xs: Vec<Vec<f64>> = ok
            .iter()
            .map(|(c, _)| self.values_of(c, p.calibrated))
            .collect();
        let cols: Vec<&[f64]> = xs.iter().map(|x| x.as_slice()).collect();
        let results: Vec<&NcaResult> = ok.iter().map(|(_, r)| *r).collect();
        let tables = p
            .ceilings
            .iter()
            .filter(|c| !c.is_reference_only())
            .filter_map(|c| nca::bottleneck_cases::bottleneck_cases(&results, &cols, c, value))
            .collect();
        Ok(CasesAtTarget {
            label: target.label(),
            conditions: ok.iter().map(|(c, _)| (*c).clone()).collect(),
            tables,
        })
    }
}

/// A seed for a run that was given none: from the clock, recorded with the results.
fn fresh_seed() -> u32 {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    (t % 2_147_483_647) as u32
}
