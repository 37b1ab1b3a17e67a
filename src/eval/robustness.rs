//! Stage 4, `robustness of X { vary … }`: reruns an fsqca analysis over every combination of
//! thresholds (consistency, cases, pri) and percentile-anchor shifts, in parallel, and
//! summarises how the solution moves (Oana & Schneider's sensitivity ranges).
//!
//! Guarantees: every combination is run; the variants are kept in the plan's fixed order, so
//! parallel and serial runs give the same results; a variant whose shifted anchors cannot
//! calibrate is kept with its reason, never dropped silently.

use super::fsqca::{analyse_excluding, complete_input};
use super::results::{intermediate_models, RobustnessRun, Solved, Task, Variant};
use super::Interpreter;
use crate::check::calibration::{resolve, rule_for};
use crate::check::plan::{CalibRule, Dim, Expect, FsqcaPlan, RobustnessPlan, Shift};
use crate::engine::fsqca;
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
                for (d, v) in plan.dims.iter().zip(combo) {
                    match d {
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
                self.variant_input(&p, &ids, &shifts)
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
                    Ok(match model {
                        Some(m) => Solved {
                            expression: m.expression.clone(),
                            terms: m.terms.iter().map(|t| t.expr.clone()).collect(),
                            consistency: m.consistency,
                            coverage: m.coverage,
                        },
                        None => Solved {
                            expression: String::new(),
                            terms: Vec::new(),
                            consistency: f64::NAN,
                            coverage: f64::NAN,
                        },
                    })
                });
                progress.step();
                Variant { values, result }
            })
            .collect();
        self.progress.finish();
        summarise(plan, variants)
    }

    /// The engine's input for a variant: memberships recalibrated with shifted anchors.
    fn variant_input(
        &self,
        p: &FsqcaPlan,
        ids: &[String],
        shifts: &[(String, f64, Shift)],
    ) -> Result<fsqca::FsqcaInput, String> {
        let member = |name: &str| -> Result<Vec<f64>, String> {
            let set = self
                .scope
                .set(name)
                .ok_or_else(|| format!("no set `{name}`"))?;
            // Both kinds of shift may apply to one set: applied in order.
            let moves: Vec<&(String, f64, Shift)> = shifts
                .iter()
                .filter(|(s, d, _)| s == name && *d != 0.0)
                .collect();
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
                .map(|r| r.memberships(&set.raw))
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
        Ok(complete_input(p, ids, &columns, &y).0)
    }
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
        .find(|v| v.values == baseline)
        .and_then(|v| v.result.as_ref().ok().map(|r| r.expression.clone()));
    let mut sensitivity: Vec<(String, Option<(f64, f64)>)> = Vec::new();
    for (k, d) in plan.dims.iter().enumerate() {
        let mut along: Vec<(f64, bool)> = variants
            .iter()
            .filter(|v| {
                v.values
                    .iter()
                    .enumerate()
                    .all(|(j, x)| j == k || *x == baseline[j])
            })
            .map(|v| {
                (
                    v.values[k],
                    v.result.as_ref().ok().map(|r| &r.expression) == base_solution.as_ref(),
                )
            })
            .collect();
        along.sort_by(|a, b| a.0.total_cmp(&b.0));
        let pos = along.iter().position(|(x, _)| *x == baseline[k]);
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
    }
}
