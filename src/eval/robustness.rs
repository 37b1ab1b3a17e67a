//! Stage 4, `robustness of X { vary … }`: reruns an fsqca analysis over every combination of
//! thresholds (consistency, cases, pri) and percentile-anchor shifts, in parallel, and
//! summarises how the solution moves (Oana & Schneider's sensitivity ranges).
//!
//! Guarantees: every combination is run; the variants are reported in a fixed order (the
//! Cartesian product in the order of the `vary` lines), so parallel and serial runs give the
//! same bytes; a variant whose shifted anchors cannot calibrate is reported with its reason,
//! never dropped silently.

use super::fsqca::{complete_input, fsqca_options, intermediate_models};
use super::{json_num, JsonValue, Session};
use crate::check::plan::{AnalysisPlan, Anchor, CalibRule, FsqcaPlan, Method};
use crate::diagnostics::{codes, Diag};
use crate::engine::fsqca;
use crate::report::{fixed3, num, Align, TextTable};
use crate::source::Span;
use crate::syntax::ast::{Ident, Target, ValueKind, Vary};
use rayon::prelude::*;
use serde_json::json;

/// One dimension of the sweep.
#[derive(Debug, Clone)]
enum Dim {
    Consistency(Vec<f64>),
    Cases(Vec<f64>),
    Pri(Vec<f64>),
    /// Shift (percentile points) of the percentile anchors of these sets; the label names
    /// the target as written (`*` or a set).
    Anchors(Vec<String>, Vec<f64>, String),
}

impl Dim {
    fn label(&self) -> String {
        match self {
            Dim::Consistency(_) => "consistency".into(),
            Dim::Cases(_) => "cases".into(),
            Dim::Pri(_) => "pri".into(),
            Dim::Anchors(_, _, target) => format!("anchors of {target}"),
        }
    }
    fn values(&self) -> &[f64] {
        match self {
            Dim::Consistency(v) | Dim::Cases(v) | Dim::Pri(v) | Dim::Anchors(_, v, _) => v,
        }
    }
    /// The analysis' own setting on this dimension (anchors: no shift).
    fn baseline(&self, p: &FsqcaPlan) -> f64 {
        match self {
            Dim::Consistency(_) => p.consistency,
            Dim::Cases(_) => p.cases,
            Dim::Pri(_) => p.pri,
            Dim::Anchors(..) => 0.0,
        }
    }
}

/// What a variant gives: the model's expression, its terms, consistency and coverage.
type Solved = (String, Vec<String>, f64, f64);

/// The outcome of one variant.
struct Variant {
    values: Vec<f64>,
    result: Result<Solved, String>,
}

fn shift(rule: &CalibRule, delta: f64) -> CalibRule {
    let mv = |a: &Anchor| match a {
        Anchor::Percentile(p) => Anchor::Percentile((p + delta).clamp(0.0, 100.0)),
        v => *v,
    };
    let method = match &rule.method {
        Method::Direct { anchors, idm } => Method::Direct {
            anchors: anchors.map(|a| mv(&a)),
            idm: *idm,
        },
        Method::Linear { anchors } => Method::Linear {
            anchors: anchors.map(|a| mv(&a)),
        },
        Method::Bell { anchors } => Method::Bell {
            anchors: anchors.map(|a| mv(&a)),
        },
        Method::Crisp { at } => Method::Crisp {
            at: at.iter().map(mv).collect(),
        },
        Method::Fuzzy => Method::Fuzzy,
    };
    CalibRule {
        method,
        ..rule.clone()
    }
}

fn has_percentiles(rule: &CalibRule) -> bool {
    rule.method
        .anchors()
        .iter()
        .any(|(_, a)| matches!(a, Anchor::Percentile(_)))
}

fn numbers(v: &Vary) -> Result<Vec<f64>, Diag> {
    let mut out = Vec::new();
    for x in &v.values {
        match x.kind {
            ValueKind::Number(n) => out.push(n),
            _ => {
                return Err(Diag::error(
                    codes::BAD_OPTION,
                    format!("expected numbers to vary over, found {}", x.kind.describe()),
                )
                .at(x.span, "not a number")
                .help("for example `vary consistency in [0.75, 0.80, 0.85]`"))
            }
        }
    }
    if out.is_empty() {
        return Err(Diag::error(
            codes::BAD_OPTION,
            "expected at least one value to vary over, found an empty list",
        )
        .at(v.span, "empty")
        .help("for example `vary cases in [1, 2]`"));
    }
    Ok(out)
}

impl Session {
    pub(super) fn run_robustness(
        &mut self,
        of: &Ident,
        varies: &[Vary],
        span: Span,
    ) -> Result<String, Diag> {
        let plan = match self.analysis_named(of)? {
            AnalysisPlan::Fsqca(p) => p.clone(),
            AnalysisPlan::Nca(_) => {
                return Err(Diag::error(
                    codes::BAD_OPTION,
                    format!(
                        "expected an fsqca analysis, found the nca analysis `{}`",
                        of.node
                    ),
                )
                .at(of.span, "robustness sweeps rerun fsQCA")
                .help("vary an NCA's settings by writing a second nca block"))
            }
        };
        let mut dims: Vec<Dim> = Vec::new();
        for v in varies {
            let dim = match (v.key.node.as_str(), v.by) {
                ("consistency", false) => Dim::Consistency(numbers(v)?),
                ("cases", false) => Dim::Cases(numbers(v)?),
                ("pri", false) => Dim::Pri(numbers(v)?),
                ("anchors", true) => {
                    let mut sets: Vec<String> = Vec::new();
                    let names: Vec<String> = match &v.of {
                        Some(Target::Name(n)) => vec![n.node.clone()],
                        _ => plan.conditions.iter().chain(std::iter::once(&plan.outcome)).cloned().collect(),
                    };
                    for n in names {
                        if !plan.conditions.contains(&n) && plan.outcome != n {
                            let span = match &v.of {
                                Some(t) => t.span(),
                                None => v.span,
                            };
                            return Err(Diag::error(codes::UNKNOWN_SET, format!("expected a set of `{}`, found `{n}`", plan.name))
                                .at(span, "not in this analysis")
                                .help("vary the anchors of the analysis' conditions or outcome, or `*`"));
                        }
                        if self.rule_for(&n).is_some_and(has_percentiles) {
                            sets.push(n);
                        } else if matches!(v.of, Some(Target::Name(_))) {
                            return Err(Diag::error(codes::BAD_OPTION, format!("expected percentile anchors for `{n}`, found none"))
                                .at(v.span, "nothing to shift")
                                .help(format!("calibrate `{n}` with percentiles, e.g. `direct(e = p25, c = p50, i = p75)`")));
                        }
                    }
                    if sets.is_empty() {
                        return Err(Diag::error(codes::BAD_OPTION, "expected sets calibrated with percentile anchors, found none")
                            .at(v.span, "nothing to shift")
                            .help("percentile points shift anchors such as p25; raw anchors stay where they are"));
                    }
                    let target = match &v.of {
                        Some(Target::Name(n)) => n.node.clone(),
                        _ => "*".to_string(),
                    };
                    Dim::Anchors(sets, numbers(v)?, target)
                }
                (k, _) => {
                    return Err(Diag::error(
                        codes::BAD_OPTION,
                        format!("expected `vary consistency|cases|pri in [...]` or `vary anchors of SET by [...] percentile points`, found `vary {k}`"),
                    )
                    .at(v.span, "not a robustness dimension")
                    .help("for example `vary anchors of * by [-5, 0, 5] percentile points`"))
                }
            };
            dims.push(dim);
        }
        if self.check_only {
            return Ok(String::new());
        }
        if dims.is_empty() {
            return Err(Diag::error(
                codes::BAD_OPTION,
                "expected at least one `vary` line, found none",
            )
            .at(span, "nothing to vary")
            .help("for example `vary consistency in [0.75, 0.80, 0.85]`"));
        }
        // Every combination, in a fixed order.
        let mut combos: Vec<Vec<f64>> = vec![Vec::new()];
        for d in &dims {
            combos = combos
                .into_iter()
                .flat_map(|c| {
                    d.values()
                        .iter()
                        .map(move |v| [c.clone(), vec![*v]].concat())
                })
                .collect();
        }
        if combos.len() > 10_000 {
            return Err(Diag::error(
                codes::BAD_OPTION,
                format!("expected at most 10000 variants, found {}", combos.len()),
            )
            .at(span, "too many combinations")
            .help("vary fewer settings, or fewer values of each"));
        }
        // Inputs are built in order (calibration is cheap); the analyses run in parallel.
        let ids = self
            .data
            .as_ref()
            .map(|d| d.table.ids.clone())
            .unwrap_or_default();
        let mut jobs: Vec<Result<(fsqca::FsqcaInput, fsqca::FsqcaOptions), String>> = Vec::new();
        for combo in &combos {
            let mut p = plan.clone();
            let mut shifts: Vec<(String, f64)> = Vec::new();
            for (d, v) in dims.iter().zip(combo) {
                match d {
                    Dim::Consistency(_) => p.consistency = *v,
                    Dim::Cases(_) => p.cases = *v,
                    Dim::Pri(_) => p.pri = *v,
                    Dim::Anchors(sets, _, _) => shifts.extend(sets.iter().map(|s| (s.clone(), *v))),
                }
            }
            jobs.push(
                self.variant_input(&p, &ids, &shifts)
                    .map(|input| (input, fsqca_options(&p))),
            );
        }
        let bar = self.progress.then(|| {
            let b = indicatif::ProgressBar::new(jobs.len() as u64);
            b.set_style(
                indicatif::ProgressStyle::with_template(
                    "{msg} [{bar:30}] {pos}/{len} variants, {elapsed}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            b.set_message(format!("robustness of {}", plan.name));
            b
        });
        let results: Vec<Variant> = jobs
            .into_par_iter()
            .zip(combos.into_par_iter())
            .map(|(job, values)| {
                let result = job.and_then(|(input, opts)| {
                    let r = fsqca::analyse(&input, &opts).map_err(|e| e.to_string())?;
                    let inter = intermediate_models(&r);
                    let model = if opts.expectations.is_some() {
                        inter.first().cloned()
                    } else {
                        r.parsimonious.models.first().cloned()
                    };
                    Ok(match model {
                        Some(m) => (
                            m.expression.clone(),
                            m.terms.iter().map(|t| t.expr.clone()).collect(),
                            m.consistency,
                            m.coverage,
                        ),
                        None => (String::new(), Vec::new(), f64::NAN, f64::NAN),
                    })
                });
                if let Some(b) = &bar {
                    b.inc(1);
                }
                Variant { values, result }
            })
            .collect();
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        let (text, json) = summarise(&plan, &dims, &results);
        self.robustness.push(json);
        Ok(text)
    }

    /// The engine's input for a variant: memberships recalibrated with shifted percentiles.
    fn variant_input(
        &self,
        p: &FsqcaPlan,
        ids: &[String],
        shifts: &[(String, f64)],
    ) -> Result<fsqca::FsqcaInput, String> {
        let member = |name: &str| -> Result<Vec<f64>, String> {
            let set = self.set(name).ok_or_else(|| format!("no set `{name}`"))?;
            match shifts.iter().find(|(s, _)| s == name) {
                Some((_, delta)) if *delta != 0.0 => {
                    let rule = self
                        .rule_for(name)
                        .ok_or_else(|| format!("`{name}` has no calibration"))?;
                    check_calibrate(name, &set.raw, &shift(rule, *delta), set.span)
                }
                _ => set
                    .membership
                    .clone()
                    .ok_or_else(|| format!("`{name}` has no calibration")),
            }
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

fn check_calibrate(
    name: &str,
    raw: &[f64],
    rule: &CalibRule,
    span: Span,
) -> Result<Vec<f64>, String> {
    crate::check::calibrate_set(name, raw, rule, span)
        .map(|(_, m)| m)
        .map_err(|d| d.message.clone())
}

fn summarise(plan: &FsqcaPlan, dims: &[Dim], variants: &[Variant]) -> (String, JsonValue) {
    let labels: Vec<String> = dims.iter().map(|d| d.label()).collect();
    let ok: Vec<&Variant> = variants.iter().filter(|v| v.result.is_ok()).collect();
    let n_ok = ok.len();
    // Configurations: every term of the reported model, and how many variants have it.
    let mut terms: Vec<(String, usize)> = Vec::new();
    for v in &ok {
        if let Ok((_, ts, _, _)) = &v.result {
            for t in ts {
                match terms.iter_mut().find(|(x, _)| x == t) {
                    Some((_, c)) => *c += 1,
                    None => terms.push((t.clone(), 1)),
                }
            }
        }
    }
    terms.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let range = |f: &dyn Fn(&Solved) -> f64| -> (f64, f64) {
        ok.iter()
            .filter_map(|v| v.result.as_ref().ok().map(f))
            .filter(|x| x.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
                (a.min(x), b.max(x))
            })
    };
    let cons = range(&|r| r.2);
    let cov = range(&|r| r.3);
    // Sensitivity ranges: along each dimension, others at their baseline, the values whose
    // solution is the baseline's (the contiguous run around the baseline value).
    let baseline: Vec<f64> = dims.iter().map(|d| d.baseline(plan)).collect();
    let base_solution = variants
        .iter()
        .find(|v| v.values == baseline)
        .and_then(|v| v.result.as_ref().ok().map(|r| r.0.clone()));
    let mut sensitivity: Vec<(String, Option<(f64, f64)>)> = Vec::new();
    for (k, d) in dims.iter().enumerate() {
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
                    v.result.as_ref().ok().map(|r| &r.0) == base_solution.as_ref(),
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
    // Text.
    let mut out = format!(
        "robustness of {}: {} variants over {}\n",
        plan.name,
        variants.len(),
        labels.join(" × ")
    );
    let mut headers: Vec<String> = labels.clone();
    headers.extend(
        ["solution", "consistency", "coverage"]
            .iter()
            .map(|s| s.to_string()),
    );
    let mut align = vec![Align::Right; labels.len()];
    align.extend([Align::Left, Align::Right, Align::Right]);
    let mut t = TextTable::new(headers, align);
    for v in variants {
        let mut row: Vec<String> = v.values.iter().map(|x| num(*x)).collect();
        match &v.result {
            Ok((e, _, c, cv)) => {
                row.push(if e.is_empty() {
                    "(none)".into()
                } else {
                    e.clone()
                });
                row.push(fixed3(*c));
                row.push(fixed3(*cv));
            }
            Err(e) => {
                row.push(format!("not run: {e}"));
                row.push(String::new());
                row.push(String::new());
            }
        }
        t.rows.push(row);
    }
    out.push_str(&t.render("  "));
    let mut ct = TextTable::new(
        vec!["configuration".into(), "variants".into(), "share".into()],
        vec![Align::Left, Align::Right, Align::Right],
    );
    for (term, c) in &terms {
        ct.rows.push(vec![
            term.clone(),
            format!("{c}/{n_ok}"),
            fixed3(*c as f64 / n_ok.max(1) as f64),
        ]);
    }
    out.push('\n');
    out.push_str(&ct.render("  "));
    out.push_str(&format!(
        "  solution consistency from {} to {}, coverage from {} to {}\n",
        fixed3(cons.0),
        fixed3(cons.1),
        fixed3(cov.0),
        fixed3(cov.1)
    ));
    for (label, r) in &sensitivity {
        match r {
            Some((a, b)) => out.push_str(&format!("  sensitivity range of {label}: {} to {} (same solution as the analysis)\n", num(*a), num(*b))),
            None => out.push_str(&format!("  sensitivity range of {label}: not defined (the analysis' own setting is not among the values tried)\n")),
        }
    }
    let robust: Vec<&String> = terms
        .iter()
        .filter(|(_, c)| *c == n_ok && n_ok > 0)
        .map(|(t, _)| t)
        .collect();
    out.push_str(&format!(
        "  robust core (in every variant): {}\n\n",
        if robust.is_empty() {
            "none".to_string()
        } else {
            robust
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(" + ")
        }
    ));
    // JSON.
    let vjson: Vec<JsonValue> = variants
        .iter()
        .map(|v| {
            let params: serde_json::Map<String, JsonValue> = labels.iter().cloned().zip(v.values.iter().map(|x| json_num(*x))).collect();
            match &v.result {
                Ok((e, ts, c, cv)) => json!({ "params": params, "solution": e, "terms": ts, "consistency": json_num(*c), "coverage": json_num(*cv) }),
                Err(e) => json!({ "params": params, "error": e }),
            }
        })
        .collect();
    let json = json!({
        "name": format!("{}.robustness", plan.name),
        "kind": "robustness",
        "of": plan.name,
        "dimensions": labels,
        "variants": vjson,
        "configurations": terms.iter().map(|(t, c)| json!({ "term": t, "variants": c, "share": *c as f64 / n_ok.max(1) as f64 })).collect::<Vec<_>>(),
        "consistency_range": [json_num(cons.0), json_num(cons.1)],
        "coverage_range": [json_num(cov.0), json_num(cov.1)],
        "sensitivity": sensitivity.iter().map(|(l, r)| (l.clone(), r.map(|(a, b)| json!([a, b])).unwrap_or(JsonValue::Null))).collect::<serde_json::Map<String, JsonValue>>(),
        "robust_core": robust,
    });
    (out, json)
}
