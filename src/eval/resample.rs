//! Stage 4, running a `resample` statement: an fsqca analysis rerun on subsets of its cases —
//! each case left out once, or random subsamples — with the same thresholds, calibrated
//! memberships and exclusions (nothing is recalibrated), and the share of runs that keep each
//! term of the full-data solution (docs/methods.md §8.2).
//!
//! Guarantees: runs are independent and run in parallel, the result does not depend on the
//! threads (subsamples are drawn in order from one R stream first); a run that fails keeps
//! its reason and counts as keeping nothing; nothing is rounded.

use super::fsqca::{analyse_excluding, complete_input};
use super::results::{intermediate_models, ResampleRun, Resampled, ResampledModel, Retention};
use super::Interpreter;
use crate::check::plan::{ResampleMethod, ResamplePlan};
use crate::engine::fsqca::{FsqcaInput, FsqcaResult, Model};
use crate::engine::nca::rrng::RRng;
use rayon::prelude::*;

fn fits(models: &[Model]) -> Vec<ResampledModel> {
    models
        .iter()
        .map(|m| ResampledModel {
            label: match &m.from {
                Some(f) => format!("{f}-{}", m.name),
                None => m.name.clone(),
            },
            expression: m.expression.clone(),
            terms: m.terms.iter().map(|t| t.expr.clone()).collect(),
            consistency: m.consistency,
            pri: m.pri,
            coverage: m.coverage,
        })
        .collect()
}

/// The parsimonious models and (with expectations) the intermediate ones of a result.
fn solutions(r: &FsqcaResult, expect: bool) -> (Vec<ResampledModel>, Vec<ResampledModel>) {
    let inter = if expect {
        fits(&intermediate_models(r))
    } else {
        Vec::new()
    };
    (fits(&r.parsimonious.models), inter)
}

/// The input restricted to the cases `keep` (ascending indices).
fn subset(input: &FsqcaInput, keep: &[usize]) -> FsqcaInput {
    FsqcaInput {
        conditions: input.conditions.clone(),
        memberships: input
            .memberships
            .iter()
            .map(|c| keep.iter().map(|&i| c[i]).collect())
            .collect(),
        outcome_name: input.outcome_name.clone(),
        outcome: keep.iter().map(|&i| input.outcome[i]).collect(),
        cases: input.cases.select(keep.iter().copied()),
    }
}

/// Per term of the full data's model 1: the share of runs whose model 1 has it, whose any
/// model has it, and (leave-one-out) the cases whose removal loses it from every model.
fn retention(
    full: &[ResampledModel],
    runs: &[Resampled],
    pick: impl Fn(&Resampled) -> &[ResampledModel],
    loo: bool,
) -> Vec<Retention> {
    let Some(m1) = full.first() else {
        return Vec::new();
    };
    let n = runs.len().max(1) as f64;
    m1.terms
        .iter()
        .map(|t| {
            let in_model1 = runs
                .iter()
                .filter(|r| pick(r).first().is_some_and(|m| m.terms.contains(t)))
                .count();
            let in_any: Vec<bool> = runs
                .iter()
                .map(|r| pick(r).iter().any(|m| m.terms.contains(t)))
                .collect();
            Retention {
                term: t.clone(),
                share_model1: in_model1 as f64 / n,
                share_any_model: in_any.iter().filter(|x| **x).count() as f64 / n,
                losing: if loo {
                    runs.iter()
                        .zip(&in_any)
                        .filter(|(_, kept)| !**kept)
                        .flat_map(|(r, _)| r.left_out.iter().cloned())
                        .collect()
                } else {
                    Vec::new()
                },
            }
        })
        .collect()
}

impl Interpreter {
    pub(super) fn run_resample(
        &mut self,
        plan: ResamplePlan,
    ) -> Result<ResampleRun, crate::diagnostics::Diag> {
        let p = self.resolve_exclusions(&plan.of);
        let ids = self.case_ids();
        let (columns, y) = self.fsqca_columns(&p);
        let (input, _) = complete_input(&p, ids, columns, y);
        let expect = p.expect.is_some();
        let (full, _, _) = analyse_excluding(&input, &p)
            .map_err(|e| crate::diagnostics::runtime::fsqca_failed(&p.name, &e, plan.span))?;
        let (full_pars, full_inter) = solutions(&full, expect);
        let n = input.cases.len();
        // the subsets, drawn in order (one R stream for every subsample)
        let subsets: Vec<Vec<usize>> = match &plan.method {
            ResampleMethod::LeaveOneOut => (0..n)
                .map(|i| (0..n).filter(|&k| k != i).collect())
                .collect(),
            ResampleMethod::Subsample { share, runs, seed } => {
                let m = (share * n as f64).round() as usize;
                let mut rng = RRng::new(*seed);
                let (mut pool, mut out) = (Vec::new(), Vec::new());
                (0..*runs)
                    .map(|_| {
                        rng.sample_into(n, m, &mut pool, &mut out);
                        let mut keep: Vec<usize> = out.iter().map(|k| *k as usize - 1).collect();
                        keep.sort_unstable();
                        keep
                    })
                    .collect()
            }
        };
        let runs: Vec<Resampled> = subsets
            .par_iter()
            .map(|keep| {
                let sub = subset(&input, keep);
                let left_out: Vec<String> = (0..n)
                    .filter(|i| keep.binary_search(i).is_err())
                    .map(|i| input.cases.name(i).to_string())
                    .collect();
                match analyse_excluding(&sub, &p) {
                    Ok((r, _, _)) => {
                        let (parsimonious, intermediate) = solutions(&r, expect);
                        Resampled {
                            left_out,
                            parsimonious,
                            intermediate,
                            error: None,
                        }
                    }
                    Err(e) => Resampled {
                        left_out,
                        parsimonious: Vec::new(),
                        intermediate: Vec::new(),
                        error: Some(e),
                    },
                }
            })
            .collect();
        let loo = plan.method == ResampleMethod::LeaveOneOut;
        let retention_parsimonious = retention(&full_pars, &runs, |r| &r.parsimonious, loo);
        let retention_intermediate = retention(&full_inter, &runs, |r| &r.intermediate, loo);
        Ok(ResampleRun {
            plan,
            full_parsimonious: full_pars,
            full_intermediate: full_inter,
            runs,
            retention_parsimonious,
            retention_intermediate,
        })
    }
}
