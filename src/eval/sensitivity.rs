//! Stage 4, `sensitivity NAME { … }`: how far each setting of an fsqca analysis can move,
//! one step at a time, before model 1 of its solution changes — SetMethods' `rob.inclrange`,
//! `rob.ncutrange` and `rob.calibrange` (docs/methods.md §8.3).
//!
//! Guarantees: the steps are repeated floating-point additions as in the reference (so the
//! bounds carry its float noise); a bound is NA (`None`) when no change is found — after the
//! most runs, or when a run cannot be analysed or calibrated first; nothing else is rounded.

use super::fsqca::{analyse_excluding, complete_input};
use super::results::{intermediate_models, SensitivityRow, SensitivityRun};
use super::Interpreter;
use crate::check::plan::{FsqcaPlan, SensitivityDim, SensitivityPlan};
use crate::engine::calibrate::Calibration;
use crate::engine::fsqca::FsqcaInput;

/// Model 1's terms (intermediate C1P1 when there are expectations, else parsimonious), as a
/// sorted set; `None` when the analysis fails or has no model.
fn model1(input: &FsqcaInput, p: &FsqcaPlan) -> Option<Vec<String>> {
    let (r, _, _) = analyse_excluding(input, p).ok()?;
    let m = if p.expect.is_some() {
        intermediate_models(&r).into_iter().next()
    } else {
        r.parsimonious.models.first().cloned()
    }?;
    let mut t: Vec<String> = m.terms.iter().map(|t| t.expr.clone()).collect();
    t.sort();
    Some(t)
}

/// One direction of a search: from `start`, step by `step` (negative: down) while model 1 stays
/// `base`. `stop_before(t)` ends the search before analysing t, `stop_after(t)` after it.
/// Returns the bound (last value before the change), or `None` (NA) when no change is found:
/// after `runs` steps, or when a step cannot be analysed or calibrated (two anchors equal or
/// out of order) before the solution changed.
fn search(
    start: f64,
    step: f64,
    runs: usize,
    base: &[String],
    analyse: &dyn Fn(f64) -> Option<Vec<String>>,
    stop_before: &dyn Fn(f64) -> bool,
    stop_after: &dyn Fn(f64) -> bool,
) -> Option<f64> {
    let mut t = start;
    loop {
        t += step;
        if stop_before(t) {
            break;
        }
        let s = analyse(t)?;
        let same = s.as_slice() == base;
        if (t - start).abs() >= runs as f64 * step.abs() {
            return None;
        }
        if !same || stop_after(t) {
            break;
        }
    }
    Some(t - step)
}

impl Interpreter {
    pub(super) fn run_sensitivity(&mut self, plan: SensitivityPlan) -> SensitivityRun {
        let p = self.resolve_exclusions(&plan.of);
        let ids = self.case_ids();
        let (columns, y) = self.fsqca_columns(&p);
        let (input, _) = complete_input(&p, ids.clone(), columns.clone(), y.clone());
        let base = model1(&input, &p).unwrap_or_default();
        let never = |_: f64| false;
        let mut rows = Vec::new();
        for d in &plan.dims {
            match d {
                SensitivityDim::Consistency { step, runs } => {
                    let at = |t: f64| {
                        let mut q = p.clone();
                        q.consistency = t;
                        model1(&input, &q)
                    };
                    let lo = search(
                        p.consistency,
                        -step,
                        *runs,
                        &base,
                        &at,
                        &|t| t <= 0.0,
                        &|t| t <= 0.0,
                    );
                    let hi = search(
                        p.consistency,
                        *step,
                        *runs,
                        &base,
                        &at,
                        &|t| t >= 1.0,
                        &never,
                    );
                    rows.push(SensitivityRow {
                        label: "consistency".into(),
                        setting: p.consistency,
                        lower: lo,
                        upper: hi,
                    });
                }
                SensitivityDim::Cases { step, runs } => {
                    let at = |t: f64| {
                        let mut q = p.clone();
                        q.cases = t;
                        model1(&input, &q)
                    };
                    let lo = search(p.cases, -step, *runs, &base, &at, &|t| t < 1.0, &never);
                    let n = input.cases.len() as f64;
                    let hi = search(p.cases, *step, *runs, &base, &at, &|t| t > n, &never);
                    rows.push(SensitivityRow {
                        label: "cases".into(),
                        setting: p.cases,
                        lower: lo,
                        upper: hi,
                    });
                }
                SensitivityDim::Anchors { set, step, runs } => {
                    let Some(info) = self.scope.set(set) else {
                        continue;
                    };
                    let Some(Calibration::Direct { e, c, i, idm }) =
                        info.calibration.as_ref().map(|c| c.calibration.clone())
                    else {
                        continue;
                    };
                    let raw = info.raw.clone();
                    let (lo_raw, hi_raw) = raw
                        .iter()
                        .filter(|v| !v.is_nan())
                        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                            (a.min(*v), b.max(*v))
                        });
                    let k = p.conditions.iter().position(|c| c == set);
                    let anchors = [e, c, i];
                    for (which, label) in
                        [(0usize, "exclusion"), (1, "crossover"), (2, "inclusion")]
                    {
                        let at = |t: f64| {
                            let mut a = anchors;
                            a[which] = t;
                            crate::engine::calibrate::check_anchors(a[0], a[1], a[2]).ok()?;
                            let m = Calibration::Direct {
                                e: a[0],
                                c: a[1],
                                i: a[2],
                                idm,
                            }
                            .apply(&raw);
                            let mut cols = columns.clone();
                            let mut yy = y.clone();
                            match k {
                                Some(k) => cols[k] = m.into(),
                                None => {
                                    yy = if p.negated {
                                        m.iter().map(|v| 1.0 - v).collect()
                                    } else {
                                        m.into()
                                    }
                                }
                            }
                            let (inp, _) = complete_input(&p, ids.clone(), cols, yy);
                            model1(&inp, &p)
                        };
                        // only the crossover stops at the observed range
                        let (down, up): (&dyn Fn(f64) -> bool, &dyn Fn(f64) -> bool) = if which == 1
                        {
                            (&move |t| t <= lo_raw, &move |t| t >= hi_raw)
                        } else {
                            (&never, &never)
                        };
                        let hi = search(anchors[which], *step, *runs, &base, &at, &never, up);
                        let lo = search(anchors[which], -step, *runs, &base, &at, &never, down);
                        rows.push(SensitivityRow {
                            label: format!("{label} of {set}"),
                            setting: anchors[which],
                            lower: lo,
                            upper: hi,
                        });
                    }
                }
            }
        }
        SensitivityRun {
            plan,
            model: base,
            rows,
        }
    }
}
