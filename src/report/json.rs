//! Stage 5, the JSON document (docs/output.md): every result of a script at full precision.
//!
//! Guarantees: the field names of docs/output.md; missing values as `null`; arrays of cases in
//! the order of the data file; the same results give the same bytes.

use crate::check::plan::FsqcaPlan;
use crate::check::Scope;
use crate::diagnostics::Diag;
use crate::engine::calibrate::Calibration;
use crate::engine::configurations::{CellKind, Configuration};
use crate::engine::data::CaseIds;
use crate::engine::fsqca::{self, ConfigRow, Model};
use crate::engine::nca::{self, bottleneck};
use crate::eval::results::*;
use crate::files::sha256_hex;
use serde_json::{json, Map, Value as JsonValue};

/// The version written into every document.
pub const TOE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// A number for JSON: full precision, `null` when missing or not finite.
pub fn num(v: f64) -> JsonValue {
    if v.is_finite() {
        serde_json::Number::from_f64(v)
            .map(JsonValue::Number)
            .unwrap_or(JsonValue::Null)
    } else {
        JsonValue::Null
    }
}

/// An optional number for JSON: `null` when absent.
pub fn opt_num(v: Option<f64>) -> JsonValue {
    v.map(num).unwrap_or(JsonValue::Null)
}

fn nums(v: &[f64]) -> JsonValue {
    JsonValue::Array(v.iter().map(|x| num(*x)).collect())
}

/// The JSON of an analysis by name (`None` when it has no results).
pub fn analysis(results: &Results, name: &str) -> Option<JsonValue> {
    results
        .nca
        .get(name)
        .map(nca)
        .or_else(|| results.fsqca.get(name).map(fsqca))
}

/// A model's label as the JSON writes it everywhere: `"model": "M1"` and `"from": "C1P1"`
/// (the parsimonious model an intermediate one comes from; null for the others), whether the
/// label came as "C1P1-M1" or "M1".
fn model_ref(label: &str) -> (JsonValue, JsonValue) {
    match label.rsplit_once('-') {
        Some((from, model)) => (model.into(), from.into()),
        None => (label.into(), JsonValue::Null),
    }
}

/// The NCA results as docs/output.md writes them.
pub fn nca(run: &NcaRun) -> JsonValue {
    let p = &run.plan;
    let mut results = Vec::new();
    for (cond, r, dropped) in &run.conditions {
        let Ok(r) = r else {
            results.push(json!({ "condition": cond, "error": r.as_ref().err() }));
            continue;
        };
        for c in &r.ceilings {
            let necessary = run
                .verdict(c)
                .map(JsonValue::Bool)
                .unwrap_or(JsonValue::Null);
            let mut m = Map::new();
            m.insert("condition".into(), cond.clone().into());
            m.insert("ceiling".into(), c.ceiling.name().into());
            m.insert("n".into(), r.n.into());
            m.insert("corner".into(), r.corner.into());
            m.insert("dropped_cases".into(), (*dropped).into());
            m.insert("effect_size".into(), num(c.effect_size));
            m.insert(
                "effect_label".into(),
                nca::effect_label(c.effect_size).as_str().into(),
            );
            m.insert("ceiling_zone".into(), num(c.ceiling_zone));
            m.insert("scope".into(), num(r.scope));
            m.insert("scope_widened".into(), r.scope_detail.widened.into());
            m.insert("accuracy".into(), num(c.accuracy));
            m.insert("fit".into(), num(c.fit));
            m.insert("slope".into(), opt_num(c.slope));
            m.insert("intercept".into(), opt_num(c.intercept));
            m.insert("condition_inefficiency".into(), num(c.condition_ineff));
            m.insert("outcome_inefficiency".into(), num(c.outcome_ineff));
            m.insert("above".into(), num(c.above));
            m.insert("p_value".into(), opt_num(c.p_value));
            m.insert("p_accuracy".into(), opt_num(c.p_accuracy));
            m.insert(
                "reference_stops".into(),
                c.test
                    .as_ref()
                    .map_or(JsonValue::Null, |t| t.reference_stops.into()),
            );
            m.insert("xmin".into(), num(r.xmin));
            m.insert("xmax".into(), num(r.xmax));
            m.insert("ymin".into(), num(r.ymin));
            m.insert("ymax".into(), num(r.ymax));
            m.insert("necessary".into(), necessary);
            results.push(JsonValue::Object(m));
        }
    }
    let analysed = run.analysed();
    let bottlenecks: Vec<JsonValue> = run
        .bottlenecks
        .iter()
        .map(|t| {
            let rows: Vec<JsonValue> = t
                .levels
                .display
                .iter()
                .enumerate()
                .map(|(k, level)| {
                    let mut values = Map::new();
                    let mut counts = Map::new();
                    for ((cond, _), col) in analysed.iter().zip(&t.columns) {
                        let v = match col.cells.get(k) {
                            Some(bottleneck::Cell::Value(v)) => num(*v),
                            Some(bottleneck::Cell::NN) => "NN".into(),
                            _ => "NA".into(),
                        };
                        values.insert(cond.to_string(), v);
                        if let Some(n) = col.cases.get(k) {
                            counts.insert(cond.to_string(), num(*n));
                        }
                    }
                    let mut row = json!({ "outcome": num(*level), "values": values });
                    if !counts.is_empty() {
                        // Percentile tables: the cases below each required level.
                        row["cases"] = JsonValue::Object(counts);
                    }
                    row
                })
                .collect();
            json!({ "ceiling": t.ceiling.name(), "type": p.bottleneck_type.name(), "outcome_type": p.bottleneck_y.name(), "rows": rows })
        })
        .collect();
    let ids = run.cases_ids();
    let outliers: Vec<JsonValue> = run
        .outliers
        .iter()
        .map(|(c, o)| {
            json!({
                "condition": c,
                "ceiling": o.ceiling.name(),
                "k": o.k,
                "shown": o.shown,
                "hidden": o.rows.len() - o.shown,
                "rows": o.rows.iter().map(|r| json!({
                    "cases": case_names(ids, &r.cases),
                    "eff_or": num(r.eff_or), "eff_nw": num(r.eff_nw),
                    "dif_abs": num(r.dif_abs), "dif_rel": num(r.dif_rel),
                    "ceiling": r.ceiling, "scope": r.scope,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "name": p.name,
        "kind": "nca",
        "outcome": p.outcome,
        "conditions": p.conditions,
        "on": if p.calibrated { "calibrated" } else { "raw" },
        "permutations": p.permutations,
        "seed": run.seed,
        "rule": { "d_min": p.d_min, "p_max": p.p_max },
        "results": results,
        "bottlenecks": bottlenecks,
        "outliers": outliers,
        "bottleneck_cases": bottleneck_cases(run),
    })
}

/// The bottleneck cases at each target level (null without `target`): `target` is the first
/// level, `targets` every level, and each table names its level.
fn bottleneck_cases(run: &NcaRun) -> JsonValue {
    let Some(first) = run.cases_at_target.first() else {
        return JsonValue::Null;
    };
    let ids = |rows: &[usize]| case_names(run.cases_ids(), rows);
    let tables: Vec<JsonValue> = run
        .cases_at_target
        .iter()
        .flat_map(|at| at.tables.iter().map(move |t| (at, t)))
        .map(|(at, t)| {
            json!({
                "target": at.label,
                "ceiling": t.ceiling.name(),
                "target_value": num(t.target),
                "rows": t.rows,
                "conditions": at.conditions.iter().zip(&t.conditions).map(|(c, k)| json!({
                    "condition": c,
                    "required": if k.threshold.is_nan() { "NA".into() } else if k.threshold.is_infinite() { "NN".into() } else { num(k.threshold) },
                    "count": k.cases.len(),
                    "percent": num(100.0 * k.cases.len() as f64 / t.rows.max(1) as f64),
                    "cases": ids(&k.cases),
                    "single_count": k.single.len(),
                    "single_cases": ids(&k.single),
                })).collect::<Vec<_>>(),
                "any_cases": ids(&t.any),
            })
        })
        .collect();
    json!({
        "target": first.label,
        "targets": run.cases_at_target.iter().map(|at| at.label.clone()).collect::<Vec<_>>(),
        "tables": tables,
    })
}

fn row_json(r: u128) -> JsonValue {
    u64::try_from(r)
        .map(JsonValue::from)
        .unwrap_or_else(|_| JsonValue::String(r.to_string()))
}

fn config_json(c: &ConfigRow) -> JsonValue {
    json!({ "row": row_json(c.row), "config": c.config })
}

fn model_json(m: &Model, ids: &CaseIds) -> JsonValue {
    let terms: Vec<JsonValue> = m
        .terms
        .iter()
        .map(|t| {
            json!({
                "expr": t.expr,
                "consistency": num(t.consistency),
                "pri": num(t.pri),
                "coverage": num(t.coverage),
                "unique_coverage": opt_num(t.unique_coverage),
                "cases": t.cases.iter().flat_map(|g| fsqca::names(ids, g)).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut o = Map::new();
    o.insert("model".into(), m.name.clone().into());
    if let Some(f) = &m.from {
        o.insert("from".into(), f.clone().into());
    }
    o.insert("expression".into(), m.expression.clone().into());
    o.insert("consistency".into(), num(m.consistency));
    o.insert("pri".into(), num(m.pri));
    o.insert("coverage".into(), num(m.coverage));
    o.insert("terms".into(), JsonValue::Array(terms));
    JsonValue::Object(o)
}

/// The configurations of the first model, as docs/output.md's `configurations`.
fn configurations(run: &FsqcaRun) -> JsonValue {
    let sets = run.configurations();
    let Some(t) = sets.first() else {
        return JsonValue::Array(Vec::new());
    };
    let conds = &run.plan.conditions;
    let pick = |c: &Configuration, kind: CellKind| -> Vec<String> {
        c.cells
            .iter()
            .enumerate()
            .filter(|(_, x)| **x == kind)
            .map(|(j, _)| conds[j].clone())
            .collect()
    };
    JsonValue::Array(
        t.configurations
            .iter()
            .map(|c| {
                let term = &t.model.terms[c.term];
                json!({
                    "id": c.id, "term": term.expr, "model": t.model.name, "from": t.model.from, "solution": t.kind,
                    "core": pick(c, CellKind::CorePresent), "peripheral": pick(c, CellKind::PeripheralPresent),
                    "core_absent": pick(c, CellKind::CoreAbsent), "peripheral_absent": pick(c, CellKind::PeripheralAbsent),
                    "consistency": num(term.consistency), "pri": num(term.pri),
                    "coverage": num(term.coverage),
                    "unique_coverage": opt_num(term.unique_coverage),
                    "cases": term.cases.iter().flat_map(|g| fsqca::names(&run.result.cases, g)).collect::<Vec<_>>(),
                    "no_core": c.no_core,
                })
            })
            .collect(),
    )
}

/// The panel diagnostics of one expression.
pub fn cluster_fit(f: &crate::engine::clusters::ClusterFit) -> JsonValue {
    // The sums the fit is made of (Σmin(X, Y), ΣX, ΣY), as SetMethods' cluster() keeps them.
    let one = |x: &crate::engine::clusters::Fit2| json!({ "consistency": num(x.consistency), "coverage": num(x.coverage), "cases": x.n, "sum_min": num(x.sum_min), "sum_x": num(x.sum_x), "sum_y": num(x.sum_y) });
    let groups = |v: &[(String, crate::engine::clusters::Fit2)]| {
        JsonValue::Object(v.iter().map(|(g, x)| (g.clone(), one(x))).collect())
    };
    json!({
        "relation": match f.relation {
            crate::engine::clusters::Relation::Sufficiency => "sufficiency",
            crate::engine::clusters::Relation::Necessity => "necessity",
        },
        "pooled": one(&f.pooled),
        "between": groups(&f.between),
        "within": groups(&f.within),
        "distance_between": num(f.d_between),
        "distance_within": opt_num(f.d_within),
    })
}

fn clusters(c: &Clusters) -> JsonValue {
    let terms = |m: &ModelClusters| -> Vec<JsonValue> {
        m.rows
            .iter()
            .map(|r| {
                let mut o = cluster_fit(&r.fit);
                if let Some(map) = o.as_object_mut() {
                    map.insert("expr".into(), r.expr.clone().into());
                }
                o
            })
            .collect()
    };
    let first = c.models.first();
    let (model, from) = first.map(|m| model_ref(&m.label)).unwrap_or_default();
    json!({
        "cluster": c.cluster,
        "unit": c.unit,
        "solution": c.kind,
        "model": model,
        "from": from,
        "terms": first.map(terms).unwrap_or_default(),
        "models": c.models.iter().map(|m| {
            let (model, from) = model_ref(&m.label);
            json!({ "model": model, "from": from, "terms": terms(m) })
        }).collect::<Vec<_>>(),
    })
}

fn expect(p: &FsqcaPlan) -> JsonValue {
    match &p.expect {
        None => JsonValue::Null,
        Some(e) => JsonValue::Object(
            e.iter()
                .map(|x| (x.condition.clone(), JsonValue::from(x.code())))
                .collect(),
        ),
    }
}

/// The fsQCA results as docs/output.md writes them.
pub fn fsqca(run: &FsqcaRun) -> JsonValue {
    let p = &run.plan;
    let r = &run.result;
    let necessity: Vec<JsonValue> = r
        .necessity
        .iter()
        .map(|n| json!({ "expr": n.expr, "consistency": num(n.consistency), "coverage": num(n.coverage), "relevance": num(n.relevance) }))
        .collect();
    let tt: Vec<JsonValue> = r
        .truth_table
        .rows
        .iter()
        .map(|t| {
            json!({
                "row": row_json(t.row), "config": t.config, "out": t.out.as_str(), "n": t.n,
                "consistency": num(t.consistency), "pri": num(t.pri), "cases": fsqca::names(&r.cases, &t.cases),
            })
        })
        .collect();
    let models = |s: &fsqca::Solution| {
        JsonValue::Array(s.models.iter().map(|m| model_json(m, &r.cases)).collect())
    };
    let sa = r
        .simplifying_assumptions
        .first()
        .map(|v| v.iter().map(config_json).collect::<Vec<_>>())
        .unwrap_or_default();
    let ec = r
        .intermediate
        .first()
        .map(|i| {
            i.easy_counterfactuals
                .iter()
                .map(config_json)
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let csa = r
        .contradictory_simplifying_assumptions
        .as_ref()
        .map(|v| JsonValue::Array(v.iter().map(config_json).collect()))
        .unwrap_or(JsonValue::Null);
    json!({
        "name": p.name,
        "kind": "fsqca",
        "outcome": p.outcome,
        "negated": p.negated,
        "conditions": p.conditions,
        "thresholds": { "cases": p.cases, "consistency": p.consistency, "contradictions": p.contradictions, "pri": p.pri },
        "expect": expect(p),
        "dropped_cases": run.dropped,
        "necessity": necessity,
        "truth_table": tt,
        "remainders": row_json(r.truth_table.n_remainders),
        "solutions": {
            "complex": models(&r.complex),
            "parsimonious": models(&r.parsimonious),
            "intermediate": JsonValue::Array(run.intermediate_models().iter().map(|m| model_json(m, &r.cases)).collect()),
        },
        "models_count": {
            "complex": row_json(r.complex.models_total),
            "parsimonious": row_json(r.parsimonious.models_total),
            "intermediate": row_json(r.intermediate.iter().fold(0u128, |a, i| a.saturating_add(i.solution.models_total))),
            "exact": r.complex.models_total_exact && r.parsimonious.models_total_exact
                && r.intermediate.iter().all(|i| i.solution.models_total_exact),
        },
        "simplifying_assumptions": sa,
        "simplifying_assumptions_count": r.simplifying_assumptions_count.first().map(|c| row_json(*c)).unwrap_or(JsonValue::Null),
        "simplifying_assumptions_listed": r.simplifying_assumptions_listed,
        "easy_counterfactuals": ec,
        "easy_counterfactuals_count": r.intermediate.first().map(|i| row_json(i.easy_counterfactuals_count)).unwrap_or(JsonValue::Null),
        // Every parsimonious model's simplifying assumptions, every (complex, parsimonious)
        // pair's easy and difficult counterfactuals (the fields above: the first of each).
        "simplifying_assumptions_by_model": r.parsimonious.models.iter().enumerate().map(|(k, m)| json!({
            "model": m.name,
            "rows": r.simplifying_assumptions.get(k).map(|v| v.iter().map(config_json).collect::<Vec<_>>()).unwrap_or_default(),
            "count": r.simplifying_assumptions_count.get(k).map(|c| row_json(*c)).unwrap_or(JsonValue::Null),
        })).collect::<Vec<_>>(),
        "counterfactuals": r.intermediate.iter().map(|i| json!({
            "from": i.from,
            "easy": i.easy_counterfactuals.iter().map(config_json).collect::<Vec<_>>(),
            "easy_count": row_json(i.easy_counterfactuals_count),
            "difficult": i.difficult_counterfactuals.iter().map(config_json).collect::<Vec<_>>(),
            "difficult_count": row_json(i.difficult_counterfactuals_count),
        })).collect::<Vec<_>>(),
        "contradictory_simplifying_assumptions": csa,
        "contradictory_simplifying_assumptions_note": r.contradictory_simplifying_assumptions_note,
        "exclude": p.exclude.iter().map(|x| x.text.clone()).collect::<Vec<_>>(),
        "excluded_remainders": run.excluded.iter().map(|e| json!({
            "row": row_json(e.row.row), "config": e.row.config,
            "reasons": super::tables::exclusion_reasons(run, e),
        })).collect::<Vec<_>>(),
        "configurations": configurations(run),
        "clusters": run.clusters.as_ref().map(clusters),
        "case_selection": run.case_selection.iter().map(|m| case_selection(run, m)).collect::<Vec<_>>(),
    })
}

/// Case selection of one model (docs/output.md).
fn case_selection(run: &FsqcaRun, m: &ModelCases) -> JsonValue {
    let cs = &m.cases;
    let name = |i: usize| run.input.cases.name(i).to_string();
    let term = |k: usize| m.terms.get(k).cloned().unwrap_or_default();
    let outside = |rows: &[crate::engine::case_selection::OutsideCase],
                   coverage: bool|
     -> Vec<JsonValue> {
        rows.iter()
            .map(|r| {
                let mut j = json!({ "case": name(r.case), "solution": num(r.solution), "row": nums(&r.row), "row_membership": num(r.row_membership), "outcome": num(r.outcome) });
                if let (true, Some(o)) = (coverage, j.as_object_mut()) {
                    o.insert("row_le_outcome".into(), r.row_le_outcome.into());
                    o.insert("best".into(), num(r.best));
                    o.insert("most_deviant".into(), r.most_deviant.into());
                }
                j
            })
            .collect()
    };
    let which = |f: [bool; 2]| match f {
        [true, true] => "both",
        [true, false] => "typ1",
        [false, true] => "typ2",
        [false, false] => "none",
    };
    let pairs = |list: &[crate::engine::case_selection::Pair]| -> Vec<JsonValue> {
        list.iter().map(|p| json!({ "first": name(p.first), "second": name(p.second), "best": num(p.best), "flags": p.flags })).collect()
    };
    let mut classes: Map<String, JsonValue> = Map::new();
    for (k, c) in cs.classes.iter().enumerate() {
        let key = if k < m.terms.len() {
            term(k)
        } else {
            "solution".to_string()
        };
        classes.insert(key, c.iter().map(|x| x.name()).collect::<Vec<_>>().into());
    }
    let (model, from) = model_ref(&m.label);
    json!({
        "model": model,
        "from": from,
        "typical": cs.typical.iter().map(|r| json!({ "case": name(r.case), "term": term(r.term), "term_membership": num(r.term_membership), "outcome": num(r.outcome), "unique": r.unique, "best": num(r.best), "most_typical": r.most_typical })).collect::<Vec<_>>(),
        "deviant_consistency": cs.deviant_consistency.iter().map(|r| json!({ "case": name(r.case), "term": term(r.term), "term_membership": num(r.term_membership), "outcome": num(r.outcome), "best": num(r.best), "most_deviant": r.most_deviant })).collect::<Vec<_>>(),
        "deviant_coverage": outside(&cs.deviant_coverage, true),
        "irrelevant": outside(&cs.irrelevant, false),
        "typical_deviant_pairs": cs.typical_deviant.iter().enumerate().map(|(k, l)| (term(k), JsonValue::from(pairs(l)))).collect::<Map<String, JsonValue>>(),
        // With SetMethods' UniqCov and MostTyp columns ("typ1", "typ2", "both", "none").
        "typical_typical_pairs": cs.typical_typical.iter().enumerate().map(|(k, l)| (term(k), JsonValue::from(l.iter().map(|p| json!({
            "first": name(p.first), "second": name(p.second), "best": num(p.best), "flags": p.flags,
            "unique_coverage": which(p.flags), "most_typical": which(p.most),
        })).collect::<Vec<_>>()))).collect::<Map<String, JsonValue>>(),
        "coverage_irrelevant_pairs": cs.coverage_irrelevant.iter().map(|(r, l)| json!({ "row": nums(r), "pairs": pairs(l) })).collect::<Vec<_>>(),
        "classes": classes,
        "typical_irrelevant_pairs": cs.typical_irrelevant.iter().enumerate().map(|(k, l)| (term(k), JsonValue::from(l.iter().map(|p| json!({
            "first": name(p.typical), "second": name(p.irrelevant), "best": num(p.best),
            "unique": p.unique, "consistent": p.consistent, "globally_uncovered": p.globally_uncovered,
            "most_typical": p.most_typical,
        })).collect::<Vec<_>>()))).collect::<Map<String, JsonValue>>(),
        "focal_pairs": cs.focal_pairs.iter().enumerate().map(|(k, fcs)| (term(k), JsonValue::from(fcs.iter().map(|(fc, rows)| json!({
            "fc": fc,
            "pairs": rows.iter().map(|p| json!({
                "first": name(p.first), "second": name(p.second), "rank": p.rank, "clean": p.clean,
                "fc_le_y": p.fc_le_y, "unique": p.unique, "best": num(p.best),
                "most_typical_fc": p.most_typical_fc, "most_typical_term": p.most_typical_term,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>()))).collect::<Map<String, JsonValue>>(),
        "focal_irrelevant_pairs": cs.focal_irrelevant.iter().enumerate().map(|(k, fcs)| (term(k), JsonValue::from(fcs.iter().map(|(fc, rows)| json!({
            "fc": fc,
            "pairs": rows.iter().map(|p| json!({
                "first": name(p.typical), "second": name(p.irrelevant), "rank": p.rank, "clean": p.clean,
                "fc_le_y": p.fc_le_y, "unique": p.unique, "globally_uncovered": p.globally_uncovered,
                "best": num(p.best), "most_typical_fc": p.most_typical_fc, "most_typical_term": p.most_typical_term,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>()))).collect::<Map<String, JsonValue>>(),
        "focal_conjuncts": cs.focal.iter().enumerate().map(|(k, fcs)| (term(k), JsonValue::from(fcs.iter().map(|(fc, rows)| json!({
            "fc": fc,
            "cases": rows.iter().map(|r| json!({
                "case": name(r.case), "fc": num(r.fc), "outcome": num(r.outcome), "cc_min": num(r.cc_min),
                "term": num(r.term), "rank": r.rank, "clean": r.clean, "fc_le_y": r.fc_le_y, "unique": r.unique,
                "best": num(r.best), "most_typical_fc": r.most_typical_fc, "most_typical_term": r.most_typical_term,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>()))).collect::<Map<String, JsonValue>>(),
    })
}

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
        "configurations": r.terms.iter().map(|(t, c)| json!({ "term": t, "variants": c, "share": *c as f64 / r.ran.max(1) as f64, "verdict": super::tables::configuration_verdict(r, t) })).collect::<Vec<_>>(),
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
                o.insert("setting".into(), r.variants.get(*k).map(|v| super::tables::variant_settings(r, &v.values)).unwrap_or_default().into());
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
                        o.insert("expression".into(), super::tables::sop_text(d, &r.conditions).into());
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
            "expression": super::tables::search_expression(r, f),
            "kind": match f.kind {
                crate::engine::supersets::Kind::Conjunction => "conjunction",
                crate::engine::supersets::Kind::Disjunction => "disjunction",
            },
            "consistency": num(f.consistency), "relevance": num(f.relevance),
            "coverage": num(f.coverage),
        })).collect::<Vec<_>>(),
    })
}

/// Builds the document. `script` is the path as given and the script's bytes.
pub fn document(
    s: &Scope,
    results: &Results,
    warnings: &[Diag],
    script_path: &str,
    script: &[u8],
) -> JsonValue {
    let mut doc = Map::new();
    doc.insert("toe_version".into(), TOE_VERSION.into());
    doc.insert(
        "script".into(),
        json!({ "path": script_path, "sha256": sha256_hex(script) }),
    );
    if let Some((t, _)) = &s.study {
        doc.insert("study".into(), t.clone().into());
    }
    doc.insert(
        "data".into(),
        match &s.data {
            Some(d) => json!({
                "name": d.name, "path": d.path, "sha256": d.sha256,
                "rows": d.table.rows(), "cases": d.table.ids,
            }),
            None => JsonValue::Null,
        },
    );
    let sets: Vec<JsonValue> = s
        .sets
        .iter()
        .map(|set| {
            let mut m = Map::new();
            m.insert("name".into(), set.name.clone().into());
            m.insert("role".into(), set.role.as_str().into());
            m.insert(
                "dimension".into(),
                set.dimension
                    .clone()
                    .map(JsonValue::from)
                    .unwrap_or(JsonValue::Null),
            );
            m.insert("column".into(), set.column.clone().into());
            m.insert(
                "label".into(),
                set.label
                    .clone()
                    .map(JsonValue::from)
                    .unwrap_or(JsonValue::Null),
            );
            m.insert(
                "calibration".into(),
                match &set.calibration {
                    None => JsonValue::Null,
                    Some(c) => {
                        let mut cm = Map::new();
                        cm.insert("method".into(), c.method.into());
                        if matches!(c.calibration, Calibration::Crisp(_)) {
                            cm.insert(
                                "at".into(),
                                JsonValue::Array(c.anchors.iter().map(|a| num(a.1)).collect()),
                            );
                        } else {
                            for (n, v, _) in &c.anchors {
                                cm.insert((*n).into(), num(*v));
                            }
                        }
                        if let Some(idm) = c.idm {
                            cm.insert("idm".into(), num(idm));
                        }
                        if let Some(by) = c.nudge {
                            cm.insert("nudge".into(), num(by));
                        }
                        let pct: Map<String, JsonValue> = c
                            .anchors
                            .iter()
                            .filter_map(|(n, _, p)| p.map(|p| ((*n).to_string(), num(p))))
                            .collect();
                        if !pct.is_empty() {
                            cm.insert("percentiles".into(), JsonValue::Object(pct));
                        }
                        JsonValue::Object(cm)
                    }
                },
            );
            m.insert("raw".into(), nums(&set.raw));
            // The cases at exactly 0.5 (the 0.5 rule's warning names them too).
            if let (Some(mem), Some(d)) = (&set.membership, &s.data) {
                let half: Vec<&str> = mem
                    .iter()
                    .zip(d.table.ids.iter())
                    .filter(|(v, _)| **v == 0.5)
                    .map(|(_, id)| id)
                    .collect();
                m.insert("half_memberships".into(), json!(half));
            }
            if let Some(mem) = &set.membership {
                let k = crate::engine::skew::skew(mem);
                let outside: Vec<JsonValue> = set
                    .calibration
                    .as_ref()
                    .map(|c| crate::engine::skew::anchors_outside(&c.anchors, &set.raw))
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(n, v)| json!({ "anchor": n, "value": num(v) }))
                    .collect();
                m.insert(
                    "skew".into(),
                    json!({
                        "above_half": k.above, "at_half": k.at_half, "missing": k.missing,
                        "cases": k.cases, "percent_above": num(k.percent_above),
                        "skewed": k.skewed(), "anchors_outside": outside,
                    }),
                );
            }
            m.insert(
                "membership".into(),
                set.membership
                    .as_deref()
                    .map(nums)
                    .unwrap_or(JsonValue::Null),
            );
            JsonValue::Object(m)
        })
        .collect();
    doc.insert("sets".into(), JsonValue::Array(sets));
    if !results.indices.is_empty() {
        let indices: Map<String, JsonValue> = results
            .indices
            .iter()
            .map(|(name, ix)| {
                let one = |w: &[f64]| -> JsonValue {
                    JsonValue::Object(ix.indicators.iter().zip(w).map(|((c, _), w)| (c.clone(), num(*w))).collect())
                };
                let weights = match ix.by {
                    None => ix.weights.first().map(|(_, w)| one(w)).unwrap_or(JsonValue::Null),
                    Some(_) => JsonValue::Object(ix.weights.iter().map(|(g, w)| (g.clone().unwrap_or_default(), one(w))).collect()),
                };
                (name.clone(), json!({ "function": ix.function.name(), "by": ix.by, "weights": weights, "values": nums(&ix.values) }))
            })
            .collect();
        doc.insert("indices".into(), JsonValue::Object(indices));
    }
    let mut analyses: Vec<JsonValue> = s
        .analyses
        .iter()
        .filter_map(|a| analysis(results, a.name()))
        .collect();
    analyses.extend(results.robustness.iter().map(robustness));
    analyses.extend(results.nca_robustness.iter().map(nca_robustness));
    analyses.extend(results.power.iter().map(power));
    analyses.extend(results.resamples.iter().map(resample));
    analyses.extend(results.sensitivities.iter().map(sensitivity));
    doc.insert("analyses".into(), JsonValue::Array(analyses));
    doc.insert(
        "queries".into(),
        JsonValue::Array(results.queries.iter().map(query).collect()),
    );
    if !results.nests.is_empty() {
        doc.insert(
            "nests".into(),
            JsonValue::Array(results.nests.iter().map(nest).collect()),
        );
    }
    if !results.theories.is_empty() {
        doc.insert(
            "theories".into(),
            JsonValue::Array(results.theories.iter().map(theory).collect()),
        );
    }
    if !results.searches.is_empty() {
        doc.insert(
            "necessity_searches".into(),
            JsonValue::Array(results.searches.iter().map(necessity_search).collect()),
        );
    }
    let warnings: Vec<JsonValue> = warnings
        .iter()
        .map(|w| json!({ "code": w.code, "message": w.message }))
        .collect();
    doc.insert("warnings".into(), JsonValue::Array(warnings));
    JsonValue::Object(doc)
}
