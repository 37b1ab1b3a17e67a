//! Stage 4, `robustness of X { vary … }`: reruns an fsqca analysis over every combination of
//! thresholds (consistency, cases, pri) and percentile-anchor shifts, in parallel, and
//! summarises how the solution moves (Oana & Schneider's sensitivity ranges).
//!
//! Guarantees: every combination is run; the variants are kept in the plan's fixed order, so
//! parallel and serial runs give the same results; a variant whose shifted anchors cannot
//! calibrate is kept with its reason, never dropped silently.

use super::fsqca::{analyse_excluding, complete_input};
use super::results::{intermediate_models, RobustMetrics, RobustnessRun, Solved, Task, Variant};
use super::Interpreter;
use crate::check::calibration::{resolve, rule_for};
use crate::check::plan::{
    same_setting as same, CalibRule, Dim, Expect, FsqcaPlan, RobustnessPlan, Shift,
};
use crate::engine::data::{CaseIds, Column};
use crate::engine::fsqca;
use crate::engine::robust_fit::robust_fit;
use crate::engine::sets::solution_membership;
use rayon::prelude::*;

impl Interpreter {
    pub(super) fn run_robustness(&mut self, plan: RobustnessPlan) -> RobustnessRun {
        // Inputs are built in order (calibration is cheap); the analyses run in parallel.
        let ids = self.case_ids();
        let jobs: Vec<Result<(fsqca::FsqcaInput, FsqcaPlan), String>> = plan
            .combos
            .iter()
            .map(|combo| {
                let mut p = self.resolve_exclusions(&plan.of);
                let mut shifts: Vec<(String, f64, Shift)> = Vec::new();
                let mut recalibrate: Vec<(String, CalibRule)> = Vec::new();
                for k in plan.deciding(combo) {
                    let (d, v) = (&plan.dims[k], &combo[k]);
                    if v.is_nan() {
                        continue; // the analysis' own setting (`separately`)
                    }
                    match d {
                        Dim::Calibration(set, rules, _, _) => {
                            if let Some(r) = rules.get(*v as usize) {
                                recalibrate.push((set.clone(), r.clone()));
                            }
                        }
                        Dim::Consistency(_) => p.consistency = *v,
                        Dim::Cases(_) => p.cases = *v,
                        Dim::Pri(_) => p.pri = *v,
                        Dim::Contradictions(_) => p.contradictions = Some(*v),
                        Dim::Anchors(sets, _, _, shift) => {
                            shifts.extend(sets.iter().map(|s| (s.clone(), *v, *shift)))
                        }
                        Dim::Expect(sets, _, _) => {
                            let e = p.expect.get_or_insert_with(Vec::new);
                            for c in sets {
                                let value = Dim::expectation(*v);
                                match e.iter_mut().find(|x| &x.condition == c) {
                                    Some(x) => x.value = value,
                                    None => e.push(Expect {
                                        condition: c.clone(),
                                        value,
                                    }),
                                }
                            }
                        }
                    }
                }
                if p.contradictions.is_some_and(|c| c > p.consistency) {
                    return Err(
                        "contradictions above consistency (the lower cut comes second)".into(),
                    );
                }
                self.variant_input(&p, &ids, &shifts, &recalibrate)
                    .map(|input| (input, p.clone()))
            })
            .collect();
        self.progress
            .start(&Task::Variants(plan.of.name.clone(), jobs.len()));
        let progress = &self.progress;
        let variants: Vec<Variant> = jobs
            .into_par_iter()
            .zip(plan.combos.clone().into_par_iter())
            .map(|(job, values)| {
                let result = job.and_then(|(input, p)| {
                    let (r, _, _) = analyse_excluding(&input, &p)?;
                    let model = if p.expect.is_some() {
                        intermediate_models(&r).into_iter().next()
                    } else {
                        r.parsimonious.models.first().cloned()
                    };
                    let models = model_memberships(&r, &input, p.expect.is_some());
                    Ok(match model {
                        Some(m) => Solved {
                            expression: m.expression.clone(),
                            terms: m.terms.iter().map(|t| t.expr.clone()).collect(),
                            consistency: m.consistency,
                            coverage: m.coverage,
                            models,
                            cases: input.cases.clone(),
                        },
                        None => Solved {
                            expression: String::new(),
                            terms: Vec::new(),
                            consistency: f64::NAN,
                            coverage: f64::NAN,
                            models,
                            cases: input.cases.clone(),
                        },
                    })
                });
                progress.step();
                Variant { values, result }
            })
            .collect();
        self.progress.finish();
        let initial = self.results.fsqca.get(&plan.of.name).map(|run| {
            let (_, models) = run.reported_models();
            let labels: Vec<String> = models
                .iter()
                .map(|m| match &m.from {
                    Some(f) => format!("{f}-{}", m.name),
                    None => m.name.clone(),
                })
                .collect();
            (
                labels,
                model_memberships(&run.result, &run.input, run.plan.expect.is_some()),
                run.input.outcome.clone(),
                run.input.cases.clone(),
            )
        });
        let mut run = summarise(plan, variants);
        run.metrics =
            initial.and_then(|(labels, s1, y, cases)| metrics(&run, labels, s1, y, cases));
        run
    }

    /// The engine's input for a variant: memberships recalibrated with shifted anchors.
    fn variant_input(
        &self,
        p: &FsqcaPlan,
        ids: &CaseIds,
        shifts: &[(String, f64, Shift)],
        recalibrate: &[(String, CalibRule)],
    ) -> Result<fsqca::FsqcaInput, String> {
        let member = |name: &str| -> Result<Column, String> {
            let set = self
                .scope
                .set(name)
                .ok_or_else(|| format!("no set `{name}`"))?;
            // Both kinds of shift may apply to one set: applied in order.
            let moves: Vec<&(String, f64, Shift)> = shifts
                .iter()
                .filter(|(s, d, _)| s == name && *d != 0.0)
                .collect();
            if let Some((_, rule)) = recalibrate.iter().find(|(s, _)| s == name) {
                return resolve(name, &set.raw, rule, set.span)
                    .map(|r| r.memberships(&set.raw).into())
                    .map_err(|d| d.message.clone());
            }
            if moves.is_empty() {
                return set
                    .membership
                    .clone()
                    .ok_or_else(|| format!("`{name}` has no calibration"));
            }
            let rule = rule_for(&self.scope.rules, name)
                .ok_or_else(|| format!("`{name}` has no calibration"))?;
            let mut method = rule.method.clone();
            for (_, delta, shift) in moves {
                method = method.shifted(*delta, *shift);
            }
            let shifted = CalibRule {
                method,
                ..rule.clone()
            };
            resolve(name, &set.raw, &shifted, set.span)
                .map(|r| r.memberships(&set.raw).into())
                .map_err(|d| d.message.clone())
        };
        let columns = p
            .conditions
            .iter()
            .map(|c| member(c))
            .collect::<Result<Vec<_>, _>>()?;
        let mut y = member(&p.outcome)?;
        if p.negated {
            y = y.iter().map(|v| 1.0 - v).collect();
        }
        Ok(complete_input(p, ids.clone(), columns, y).0)
    }
}

/// The membership of every model of the solution a run reports (SetMethods' pimdata: the
/// intermediate models when there is an intermediate solution, else the parsimonious ones).
fn model_memberships(
    r: &fsqca::FsqcaResult,
    input: &fsqca::FsqcaInput,
    expect: bool,
) -> Vec<Vec<f64>> {
    let inter = intermediate_models(r);
    let models = if expect && !inter.is_empty() {
        inter
    } else {
        r.parsimonious.models.clone()
    };
    models
        .iter()
        .map(|m| {
            let imps: Vec<Vec<u32>> = m.terms.iter().map(|t| t.implicant.clone()).collect();
            solution_membership(&input.memberships, &imps)
        })
        .collect()
}

/// Oana & Schneider's metrics: each model of the analysis' own solution against every model
/// of every variant that ran (on the same cases; the variant with the analysis' own settings
/// is left out), and model 1 against each variant alone.
fn metrics(
    run: &RobustnessRun,
    labels: Vec<String>,
    s1: Vec<Vec<f64>>,
    y: Column,
    cases: CaseIds,
) -> Option<RobustMetrics> {
    // the variant with the analysis' own settings is the initial solution, not a test
    let own: Vec<f64> = run
        .plan
        .dims
        .iter()
        .map(|d| d.baseline(&run.plan.of))
        .collect();
    let tests: Vec<(usize, &Solved)> = run
        .variants
        .iter()
        .enumerate()
        .filter(|(_, v)| !v.values.iter().zip(&own).all(|(a, b)| same(*a, *b)))
        .filter_map(|(k, v)| v.result.as_ref().ok().map(|s| (k, s)))
        .filter(|(_, s)| s.cases == cases && !s.models.is_empty())
        .collect();
    if s1.is_empty() || tests.is_empty() {
        return None;
    }
    let all: Vec<Vec<f64>> = tests
        .iter()
        .flat_map(|(_, s)| s.models.iter().cloned())
        .collect();
    let per_model = labels
        .into_iter()
        .zip(&s1)
        .map(|(l, m)| (l, robust_fit(m, &all, &y)))
        .collect();
    let per_variant = tests
        .iter()
        .map(|(k, s)| (*k, robust_fit(&s1[0], &s.models, &y)))
        .collect();
    Some(RobustMetrics {
        per_model,
        per_variant,
        tests: tests.len(),
        test_models: all.len(),
        cases,
    })
}

/// The summary of a sweep: configurations and their shares, ranges of fit, sensitivity
/// ranges and the robust core.
fn summarise(plan: RobustnessPlan, variants: Vec<Variant>) -> RobustnessRun {
    let ok: Vec<&Solved> = variants
        .iter()
        .filter_map(|v| v.result.as_ref().ok())
        .collect();
    let ran = ok.len();
    // Configurations: every term of the reported model, and how many variants have it.
    let mut terms: Vec<(String, usize)> = Vec::new();
    for s in &ok {
        for t in &s.terms {
            match terms.iter_mut().find(|(x, _)| x == t) {
                Some((_, c)) => *c += 1,
                None => terms.push((t.clone(), 1)),
            }
        }
    }
    terms.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let range = |f: &dyn Fn(&Solved) -> f64| -> (f64, f64) {
        ok.iter()
            .map(|s| f(s))
            .filter(|x| x.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
                (a.min(x), b.max(x))
            })
    };
    let consistency_range = range(&|s| s.consistency);
    let coverage_range = range(&|s| s.coverage);
    // Sensitivity ranges: along each dimension, others at their baseline, the values whose
    // solution is the baseline's (the contiguous run around the baseline value).
    let baseline: Vec<f64> = plan.dims.iter().map(|d| d.baseline(&plan.of)).collect();
    let base_solution = variants
        .iter()
        .find(|v| v.values.iter().zip(&baseline).all(|(a, b)| same(*a, *b)))
        .and_then(|v| v.result.as_ref().ok().map(|r| r.expression.clone()));
    let mut sensitivity: Vec<(String, Option<(f64, f64)>)> = Vec::new();
    // one value at a time: no variant holds the analysis' own settings, no range to give;
    // a setting changed together with another has no range of its own either
    let alone = |k: usize| plan.groups.iter().filter(|g| **g == plan.groups[k]).count() == 1;
    for (k, d) in plan
        .dims
        .iter()
        .enumerate()
        .filter(|(k, _)| !plan.separately && alone(*k))
    {
        let mut along: Vec<(f64, bool)> = variants
            .iter()
            .filter(|v| {
                v.values
                    .iter()
                    .enumerate()
                    .all(|(j, x)| j == k || same(*x, baseline[j]))
            })
            .map(|v| {
                (
                    v.values[k],
                    v.result.as_ref().ok().map(|r| &r.expression) == base_solution.as_ref(),
                )
            })
            .collect();
        along.sort_by(|a, b| a.0.total_cmp(&b.0));
        let pos = along.iter().position(|(x, _)| same(*x, baseline[k]));
        let r = match (pos, &base_solution) {
            (Some(i), Some(_)) if along[i].1 => {
                let mut lo = i;
                while lo > 0 && along[lo - 1].1 {
                    lo -= 1;
                }
                let mut hi = i;
                while hi + 1 < along.len() && along[hi + 1].1 {
                    hi += 1;
                }
                Some((along[lo].0, along[hi].0))
            }
            _ => None,
        };
        sensitivity.push((d.label(), r));
    }
    let robust_core = terms
        .iter()
        .filter(|(_, c)| *c == ran && ran > 0)
        .map(|(t, _)| t.clone())
        .collect();
    RobustnessRun {
        plan,
        variants,
        terms,
        ran,
        consistency_range,
        coverage_range,
        sensitivity,
        robust_core,
        metrics: None,
    }
}
