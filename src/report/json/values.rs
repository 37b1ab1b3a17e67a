//! Stage 5, the JSON document: numbers and model labels as every part of it writes them.
//!
//! Guarantees: full precision; `null` for a missing or non-finite number.

use serde_json::Value as JsonValue;

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

pub(super) fn nums(v: &[f64]) -> JsonValue {
    JsonValue::Array(v.iter().map(|x| num(*x)).collect())
}

/// A model's label as the JSON writes it everywhere: `"model": "M1"` and `"from": "C1P1"`
/// (the parsimonious model an intermediate one comes from; null for the others), whether the
/// label came as "C1P1-M1" or "M1".
pub(super) fn model_ref(label: &str) -> (JsonValue, JsonValue) {
    match label.rsplit_once('-') {
        Some((from, model)) => (model.into(), from.into()),
        None => (label.into(), JsonValue::Null),
    }
}
