//! Stage 5, the JSON document: the reviewer protocols' results (docs/output.md) — power,
//! robustness of NCA and fsQCA, queries, sensitivity, NEST, theory evaluation, resampling
//! and necessity searches.
//!
//! Guarantees: the field names of docs/output.md; missing values as `null`.

use crate::engine::configurations::CellKind;
use crate::engine::nca::bottleneck;
use crate::eval::results::*;
use serde_json::{json, Map, Value as JsonValue};

use super::fsqca::cluster_fit;
use super::values::{model_ref, num, nums};

/// A power simulation, kind "nca_power".
pub fn power(r: &PowerRun) -> JsonValue {
    let p = &r.plan.options;
    json!({
        "name": r.plan.name,
        "kind": "nca_power",
        "seed": p.seed,
        "replicates": p.rep,
        "permutations": p.test_rep,
        "p": p.p,
        "corner": p.corner,
        "rows": r.rows.iter().map(|row| json!({
            "distribution_x": row.distribution_x.name(), "distribution_y": row.distribution_y.name(),
            "n": row.n, "effect": row.effect, "slope": row.slope,
            "ceiling": row.ceiling.name(), "intercept": num(row.intercept), "power": num(row.power),
        })).collect::<Vec<_>>(),
    })
}

/// Dul's NCA robustness table, kind "nca_robustness".
pub fn nca_robustness(r: &NcaRobustnessRun) -> JsonValue {
    let runs: Vec<JsonValue> = r
        .plan
        .labels()
        .zip(&r.runs)
        .map(|(label, run)| match run {
            Err(e) => json!({ "setting": label, "error": e }),
            Ok(v) => json!({
                "setting": label,
                "rows": v.rows,
                "removed": case_names(&r.ids, &v.removed),
                "conditions": r.conditions.iter().zip(&v.conditions).map(|(c, o)| match o {
                    Ok(o) => json!({
                        "condition": c, "effect_size": num(o.effect), "p_value": o.p_value.map(num),
                        "necessary": o.necessary,
                        "required": if o.required.is_nan() { "NA".into() } else if o.required.is_infinite() { "NN".into() } else { num(o.required) },
                        "cases_below": num(o.cases), "percent_below": num(o.percent),
                    }),
                    Err(e) => json!({ "condition": c, "error": e }),
                }).collect::<Vec<_>>(),
            }),
        })
        .collect();
    json!({
        "name": format!("{}.robustness", r.plan.of.name),
        "kind": "nca_robustness",
        "seed": r.seed,
        "runs": runs,
        "conclusions": r.conclusions().into_iter().map(|(c, flips)| json!({
            "condition": c, "robust": flips.is_empty(), "changed_by": flips,
        })).collect::<Vec<_>>(),
    })
}

/// A robustness sweep, kind "robustness".
pub fn robustness(r: &RobustnessRun) -> JsonValue {
    let labels: Vec<String> = r.plan.settings().into_iter().map(|(l, _)| l).collect();
    let variants: Vec<JsonValue> = r
        .variants
        .iter()
        .zip(r.plan.names())
        .map(|(v, name)| {
            // a number, or the value as the report names it (a calibration by its anchors)
            let params: Map<String, JsonValue> = labels
                .iter()
                .cloned()
                .zip(r.plan.deciding(&v.values).into_iter().map(|k| {
                    match r.plan.dims[k].value_text(v.values[k]) {
                        Some(t) => JsonValue::String(t),
                        None => num(v.values[k]),
                    }
                }))
                .collect();
            match &v.result {
                Ok(s) => json!({ "name": name, "params": params, "solution": s.expression, "terms": s.terms, "consistency": num(s.consistency), "coverage": num(s.coverage) }),
                Err(e) => json!({ "name": name, "params": params, "error": e }),
            }
        })
        .collect();
    json!({
        "name": format!("{}.robustness", r.plan.of.name),
        "kind": "robustness",
        "of": r.plan.of.name,
        "dimensions": labels,
        "variants": variants,
        "configurations": r.terms.iter().map(|(t, c)| json!({ "term": t, "variants": c, "share": *c as f64 / r.ran.max(1) as f64, "verdict": crate::report::tables::configuration_verdict(r, t) })).collect::<Vec<_>>(),
        "metrics": r.metrics.as_ref().map(|m| robust_metrics(r, m)),
        "consistency_range": [num(r.consistency_range.0), num(r.consistency_range.1)],
        "coverage_range": [num(r.coverage_range.0), num(r.coverage_range.1)],
        "sensitivity": r.sensitivity.iter().map(|(l, s)| (l.clone(), s.map(|(a, b)| json!([a, b])).unwrap_or(JsonValue::Null))).collect::<Map<String, JsonValue>>(),
        "robust_core": r.robust_core,
    })
}

/// Oana & Schneider's metrics of a sweep (docs/output.md).
fn robust_metrics(r: &RobustnessRun, m: &RobustMetrics) -> JsonValue {
    use crate::engine::robust_fit::{RobustFit, CASE_TYPES};
    let fit = |f: &crate::engine::sets::Sufficiency| json!({ "consistency": num(f.consistency), "pri": num(f.pri), "coverage": num(f.coverage) });
    let figures = |f: &RobustFit| {
        json!({
            "rf_cov": num(f.rf_cov), "rf_cons": num(f.rf_cons),
            "rf_sc_min_ts": num(f.rf_sc_min), "rf_sc_max_ts": num(f.rf_sc_max),
            "rcr_typ": num(f.rcr_typ), "rcr_dev": num(f.rcr_dev), "rcc_rank": f.rcc_rank,
            "shaky": f.shaky, "possible": f.possible,
            "initial_fit": fit(&f.initial_fit), "core_fit": fit(&f.core_fit),
            "case_types": CASE_TYPES.iter().zip(&f.case_types).map(|((k, _), v)| {
                ((*k).to_string(), json!(case_names(&m.cases, v)))
            }).collect::<Map<String, JsonValue>>(),
        })
    };
    json!({
        "tests": m.tests, "test_models": m.test_models,
        "per_model": m.per_model.iter().map(|(l, f)| {
            let mut j = figures(f);
            if let Some(o) = j.as_object_mut() {
                let (model, from) = model_ref(l);
                o.insert("model".into(), model);
                o.insert("from".into(), from);
                o.insert("min_ts".into(), nums(&f.min_ts));
                o.insert("max_ts".into(), nums(&f.max_ts));
            }
            j
        }).collect::<Vec<_>>(),
        "per_test": m.per_variant.iter().map(|(k, f)| {
            let mut j = figures(f);
            if let Some(o) = j.as_object_mut() {
                o.insert("name".into(), r.plan.names().get(*k).cloned().unwrap_or_default().into());
                o.insert("setting".into(), r.variants.get(*k).map(|v| crate::report::tables::variant_settings(r, &v.values)).unwrap_or_default().into());
            }
            j
        }).collect::<Vec<_>>(),
    })
}

/// A query and its statistics.
pub fn query(q: &QueryResult) -> JsonValue {
    let mut j = Map::new();
    j.insert("query".into(), q.plan.text.clone().into());
    for (k, v) in &q.stats {
        j.insert((*k).into(), num(*v));
    }
    j.insert("cases".into(), q.cases.into());
    if q.dropped > 0 {
        j.insert("dropped_cases".into(), q.dropped.into());
    }
    if q.plan.typical {
        j.insert(
            "typical_cases".into(),
            q.typical
                .iter()
                .map(|r| json!({ "case": q.ids.get(r.case), "condition": num(r.x), "outcome": num(r.y), "best": num(r.best), "most_typical": r.most_typical }))
                .collect::<Vec<_>>()
                .into(),
        );
    }
    if let Some(p) = &q.panel {
        let mut c = cluster_fit(p);
        if let Some(m) = c.as_object_mut() {
            m.insert(
                "cluster".into(),
                q.plan.cluster.as_ref().map(|c| c.0.clone()).into(),
            );
            m.insert(
                "unit".into(),
                q.plan.unit.as_ref().map(|u| u.0.clone()).into(),
            );
        }
        j.insert("clusters".into(), c);
    }
    JsonValue::Object(j)
}

/// Sensitivity ranges, kind "sensitivity".
pub fn sensitivity(r: &SensitivityRun) -> JsonValue {
    json!({
        "name": format!("{}.sensitivity", r.plan.of.name),
        "kind": "sensitivity",
        "of": r.plan.of.name,
        "model": r.model,
        "rows": r.rows.iter().map(|row| json!({
            "setting": row.label, "analysed": num(row.setting),
            "lower": row.lower.map(num), "upper": row.upper.map(num),
        })).collect::<Vec<_>>(),
    })
}

/// A NEST table (docs/output.md `nests`).
pub fn nest(r: &NestRun) -> JsonValue {
    let cell_name = |c: CellKind| match c {
        CellKind::CorePresent => "core_present",
        CellKind::PeripheralPresent => "peripheral_present",
        CellKind::CoreAbsent => "core_absent",
        CellKind::PeripheralAbsent => "peripheral_absent",
        CellKind::Blank => "blank",
    };
    let required = |c: &NestCondition| match &c.required {
        Some(bottleneck::Cell::Value(v)) => num(*v),
        Some(bottleneck::Cell::NN) => "NN".into(),
        Some(bottleneck::Cell::NA) => "NA".into(),
        None => JsonValue::Null,
    };
    let checks = |v: &[(String, String, Vec<String>)]| -> Vec<JsonValue> {
        v.iter()
            .map(|(k, c, cases)| json!({ "configuration": k, "condition": c, "cases": cases }))
            .collect()
    };
    json!({
        "fsqca": r.plan.fsqca, "nca": r.plan.nca, "level": num(r.plan.level), "ceiling": r.ceiling.name(),
        "model": r.configurations.as_ref().map(|m| m.model.name.clone()),
        "from": r.configurations.as_ref().and_then(|m| m.model.from.clone()),
        "solution": r.configurations.as_ref().map(|m| m.kind),
        "conditions": r.conditions.iter().map(|c| json!({
            "condition": c.condition, "required": required(c),
            "d": if c.in_nca { num(c.effect) } else { JsonValue::Null },
            "p": c.p_value.map(num),
            "in_degree": c.in_degree, "consistency": num(c.consistency), "in_kind": c.in_kind,
        })).collect::<Vec<_>>(),
        "configurations": r.configurations.as_ref().map(|m| m.configurations.iter().map(|cfg| json!({
            "id": cfg.id,
            "cells": r.conditions.iter().zip(&cfg.cells).map(|(c, k)| (c.condition.clone(), json!({
                "qca": cell_name(*k),
                "nca_mark": c.marks(*k),
                "required": if c.marks(*k) { required(c) } else { JsonValue::Null },
            }))).collect::<Map<String, JsonValue>>(),
        })).collect::<Vec<_>>()),
        "absent_necessary": checks(&r.absent),
        "below_required": checks(&r.below),
    })
}

/// The four intersections of a theory evaluation, in order.
const INTERSECTIONS: [&str; 4] = ["T*S", "~T*S", "T*~S", "~T*~S"];

/// A theory evaluation (docs/output.md `theories`).
pub fn theory(r: &TheoryRun) -> JsonValue {
    use crate::engine::theory::{FitRow, GROUPS};
    let fit = |f: &FitRow| json!({ "consistency": num(f.fit.consistency), "pri": num(f.fit.pri), "coverage": num(f.fit.coverage), "consistency_h": num(f.consistency_h) });
    json!({
        "theory": r.plan.text,
        "of": r.plan.analysis,
        "solution": r.kind,
        "models": r.models.iter().map(|m| {
            let e = &m.evaluation;
            let (model, from) = model_ref(&m.label);
            json!({
                "model": model,
                "from": from,
                "expression": m.expression,
                "terms": m.terms.iter().zip(&e.terms).map(|(t, f)| {
                    let mut j = fit(f);
                    if let Some(o) = j.as_object_mut() { o.insert("term".into(), t.clone().into()); }
                    j
                }).collect::<Vec<_>>(),
                "solution_fit": fit(&e.solution),
                "theory_fit": fit(&e.theory),
                "intersections": INTERSECTIONS.iter().zip(&e.intersections).zip(&e.expressions).map(|((k, f), d)| {
                    let mut j = fit(f);
                    if let Some(o) = j.as_object_mut() {
                        o.insert("intersection".into(), (*k).into());
                        o.insert("expression".into(), crate::report::tables::sop_text(d, &r.conditions).into());
                    }
                    j
                }).collect::<Vec<_>>(),
                "cases": GROUPS.iter().zip(&e.groups).map(|((k, _), v)| ((*k).to_string(), json!(case_names(&r.cases, v)))).collect::<Map<String, JsonValue>>(),
                // Each case's membership (in the order of `case_ids`) in T, S and the four
                // intersections: SetMethods' theory.evaluation membership columns.
                "case_ids": r.cases,
                "memberships": {
                    "terms": m.terms.iter().zip(&e.term_memberships).map(|(t, v)| (t.clone(), nums(v))).collect::<Map<String, JsonValue>>(),
                    "T": nums(&e.theory_membership),
                    "S": nums(&e.solution_membership),
                    "T*S": nums(&e.intersection_memberships[0]),
                    "~T*S": nums(&e.intersection_memberships[1]),
                    "T*~S": nums(&e.intersection_memberships[2]),
                    "~T*~S": nums(&e.intersection_memberships[3]),
                },
            })
        }).collect::<Vec<_>>(),
    })
}

/// A `resample` statement, kind "resample".
pub fn resample(r: &ResampleRun) -> JsonValue {
    use crate::check::plan::ResampleMethod;
    let models = |m: &[ResampledModel]| -> Vec<JsonValue> {
        m.iter()
            .map(|m| {
                let (model, from) = model_ref(&m.label);
                json!({ "model": model, "from": from, "expression": m.expression, "terms": m.terms, "consistency": num(m.consistency), "pri": num(m.pri), "coverage": num(m.coverage) })
            })
            .collect()
    };
    let retention = |list: &[Retention]| -> Vec<JsonValue> {
        list.iter()
            .map(|t| json!({ "term": t.term, "share_model1": num(t.share_model1), "share_any_model": num(t.share_any_model), "lost_without": t.losing }))
            .collect()
    };
    let (method, share, runs, seed) = match &r.plan.method {
        ResampleMethod::LeaveOneOut => ("leave_one_out", None, r.runs.len(), None),
        ResampleMethod::Subsample { share, runs, seed } => {
            ("subsample", Some(*share), *runs, Some(*seed))
        }
    };
    json!({
        "name": format!("{}.resample", r.plan.of.name),
        "kind": "resample",
        "of": r.plan.of.name,
        "method": method, "share": share.map(num), "runs": runs, "seed": seed,
        "full": { "parsimonious": models(&r.full_parsimonious), "intermediate": models(&r.full_intermediate) },
        "runs_detail": r.runs.iter().map(|x| {
            let mut j = json!({
                "left_out": x.left_out,
                "same_parsimonious": ResampleRun::same(&r.full_parsimonious, &x.parsimonious),
                "same_intermediate": ResampleRun::same(&r.full_intermediate, &x.intermediate),
                "parsimonious": models(&x.parsimonious),
                "intermediate": models(&x.intermediate),
            });
            if let (Some(e), Some(o)) = (&x.error, j.as_object_mut()) {
                o.insert("error".into(), e.clone().into());
            }
            j
        }).collect::<Vec<_>>(),
        "retention": { "parsimonious": retention(&r.retention_parsimonious), "intermediate": retention(&r.retention_intermediate) },
    })
}

/// A necessity search: its text, cuts and rows (expression, kind, the three statistics).
pub fn necessity_search(r: &SearchRun) -> JsonValue {
    let o = &r.plan.options;
    json!({
        "query": r.plan.text,
        "conditions": r.plan.conditions,
        "consistency_cut": num(o.consistency), "coverage_cut": num(o.coverage),
        "relevance_cut": num(o.relevance), "depth": o.depth,
        "cases": r.cases, "dropped_cases": r.dropped,
        "rows": r.rows.iter().map(|f| json!({
            "expression": crate::report::tables::search_expression(r, f),
            "kind": match f.kind {
                crate::engine::supersets::Kind::Conjunction => "conjunction",
                crate::engine::supersets::Kind::Disjunction => "disjunction",
            },
            "consistency": num(f.consistency), "relevance": num(f.relevance),
            "coverage": num(f.coverage),
        })).collect::<Vec<_>>(),
    })
}
