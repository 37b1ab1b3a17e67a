//! Stage 5, the JSON document of OUTPUT.md: every result of a script, full precision.
//!
//! Guarantees: the required field names of OUTPUT.md; missing values as `null`; arrays of cases
//! in the order of the data file; the same session gives the same bytes.

use crate::eval::{json_num, sha256_hex, JsonValue, Session};
use serde_json::{json, Map};

/// The version written into every document.
pub const TOE_VERSION: &str = env!("CARGO_PKG_VERSION");

fn nums(v: &[f64]) -> JsonValue {
    JsonValue::Array(v.iter().map(|x| json_num(*x)).collect())
}

/// Builds the document. `script` is the path as given and the script's bytes.
pub fn document(s: &Session, script_path: &str, script: &[u8]) -> JsonValue {
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
                        if c.method == "crisp" {
                            cm.insert(
                                "at".into(),
                                JsonValue::Array(c.anchors.iter().map(|a| json_num(a.1)).collect()),
                            );
                        } else {
                            for (n, v, _) in &c.anchors {
                                cm.insert((*n).into(), json_num(*v));
                            }
                        }
                        if let Some(idm) = c.idm {
                            cm.insert("idm".into(), json_num(idm));
                        }
                        let pct: Map<String, JsonValue> = c
                            .anchors
                            .iter()
                            .filter_map(|(n, _, p)| p.map(|p| ((*n).to_string(), json_num(p))))
                            .collect();
                        if !pct.is_empty() {
                            cm.insert("percentiles".into(), JsonValue::Object(pct));
                        }
                        JsonValue::Object(cm)
                    }
                },
            );
            m.insert("raw".into(), nums(&set.raw));
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
    if !s.indices.is_empty() {
        let indices: Map<String, JsonValue> = s
            .indices
            .iter()
            .map(|(name, ix)| {
                let one = |w: &[f64]| -> JsonValue {
                    JsonValue::Object(ix.indicators.iter().zip(w).map(|((c, _), w)| (c.clone(), json_num(*w))).collect())
                };
                let weights = match ix.by {
                    None => ix.weights.first().map(|(_, w)| one(w)).unwrap_or(JsonValue::Null),
                    Some(_) => JsonValue::Object(ix.weights.iter().map(|(g, w)| (g.clone().unwrap_or_default(), one(w))).collect()),
                };
                (name.clone(), json!({ "function": ix.function, "by": ix.by, "weights": weights, "values": nums(&ix.values) }))
            })
            .collect();
        doc.insert("indices".into(), JsonValue::Object(indices));
    }
    let mut analyses: Vec<JsonValue> = s
        .analyses
        .iter()
        .filter_map(|a| s.results.get(a.name()).cloned())
        .collect();
    analyses.extend(s.robustness.iter().cloned());
    doc.insert("analyses".into(), JsonValue::Array(analyses));
    doc.insert("queries".into(), JsonValue::Array(s.queries.clone()));
    let warnings: Vec<JsonValue> = s
        .warnings
        .iter()
        .map(|w| json!({ "code": w.code, "message": w.message }))
        .collect();
    doc.insert("warnings".into(), JsonValue::Array(warnings));
    JsonValue::Object(doc)
}
