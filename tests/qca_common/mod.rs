//! Shared helpers of the fsQCA conformance tests: reading the reference's JSON fixtures
//! and comparing numbers (1e-9 relative, 1e-12 absolute near zero).
#![allow(dead_code)]

use serde_json::Value;

pub const REL_TOL: f64 = 1e-9;

pub fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/tests/conformance/qca/{}",
        env!("CARGO_MANIFEST_DIR"),
        name
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

/// A JSON value that R may have unboxed: a scalar becomes a one-element list.
pub fn str_list(v: &Value) -> Vec<String> {
    match v {
        Value::Null => vec![],
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a
            .iter()
            .map(|x| x.as_str().expect("string").to_string())
            .collect(),
        other => panic!("not a string list: {other}"),
    }
}

pub fn num_list(v: &Value) -> Vec<u128> {
    match v {
        Value::Null => vec![],
        Value::Number(n) => vec![n.as_u64().unwrap() as u128],
        Value::Array(a) => a.iter().map(|x| x.as_u64().unwrap() as u128).collect(),
        other => panic!("not a number list: {other}"),
    }
}

/// List of models, each a list of terms.
pub fn models_list(v: &Value) -> Vec<Vec<String>> {
    match v {
        Value::Array(a) => a.iter().map(str_list).collect(),
        Value::String(s) => vec![vec![s.clone()]],
        Value::Null => vec![],
        other => panic!("not a model list: {other}"),
    }
}

/// `a` agrees with the reference value `b` within 1e-9 relative (1e-12 absolute at 0);
/// a null / NaN reference accepts NaN only.
pub fn close(a: f64, b: &Value) -> bool {
    match b.as_f64() {
        Some(b) => (a - b).abs() <= REL_TOL * b.abs().max(1e-3),
        None => a.is_nan(),
    }
}

pub fn close_opt(a: Option<f64>, b: &Value) -> bool {
    match (a, b.as_f64()) {
        (None, None) => true,
        (Some(a), Some(_)) => close(a, b),
        (Some(a), None) => a.is_nan(),
        (None, Some(_)) => false,
    }
}
