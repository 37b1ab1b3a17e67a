//! Stage 5, the JSON document (docs/output.md): every result of a script at full precision.
//!
//! Guarantees: the field names of docs/output.md; missing values as `null`; arrays of cases in
//! the order of the data file; the same results give the same bytes.

use crate::check::Scope;
use crate::diagnostics::Diag;
use crate::engine::calibrate::Calibration;
use crate::engine::nca::{self, bottleneck};
use crate::eval::results::*;
use crate::files::sha256_hex;
use serde_json::{json, Map, Value as JsonValue};

mod fsqca;
mod protocol;
mod values;

pub use fsqca::{cluster_fit, fsqca};
pub use protocol::*;
use values::nums;
pub use values::{num, opt_num};

/// The version written into every document.
pub const TOE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The JSON of an analysis by name (`None` when it has no results).
pub fn analysis(results: &Results, name: &str) -> Option<JsonValue> {
    results
        .nca
        .get(name)
        .map(nca)
        .or_else(|| results.fsqca.get(name).map(fsqca))
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
