//! Stage 5, the JSON document: an fsQCA analysis (docs/output.md) — truth table, solutions,
//! configurations, clusters and case selection.
//!
//! Guarantees: the field names of docs/output.md; cases named in the order of the data.

use crate::check::plan::FsqcaPlan;
use crate::engine::configurations::{CellKind, Configuration};
use crate::engine::data::CaseIds;
use crate::engine::fsqca::{self, ConfigRow, Model};
use crate::eval::results::*;
use serde_json::{json, Map, Value as JsonValue};

use super::values::{model_ref, num, nums, opt_num};

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
            "reasons": crate::report::tables::exclusion_reasons(run, e),
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
