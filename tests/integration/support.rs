//! The support of the integration tests: the conformance tolerance (one, for every
//! fixture), fixture paths and readers, and running a script through the same session as
//! `toe run`. The synthetic data generator is `generate.rs` (shared with the benchmarks).
#![allow(dead_code)]

use std::path::PathBuf;
use toe::Session;

/// The conformance tolerance (tests/conformance/README.md): 1e-9 relative to the reference
/// value, absolute below 1.
pub const TOL: f64 = 1e-9;

/// `a` agrees with the reference value `b`: within [`TOL`]; a NaN reference accepts NaN only,
/// an infinite one itself only.
pub fn close(a: f64, b: f64) -> bool {
    if b.is_nan() {
        a.is_nan()
    } else if b.is_infinite() {
        a == b
    } else {
        (a - b).abs() <= TOL * b.abs().max(1.0)
    }
}

pub fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/conformance")
        .join(rel)
}

pub fn load_json(rel: &str) -> serde_json::Value {
    let text =
        std::fs::read_to_string(fixture(rel)).unwrap_or_else(|e| panic!("fixture {rel}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("fixture {rel}: {e}"))
}

/// Runs a script whose relative paths resolve in `base`; panics with the rendered diagnostics
/// if it fails.
pub fn run_ok(base: PathBuf, script: &str) -> (Session, String) {
    let mut s = Session::new(base);
    match s.run_text("test.toe", None, script.to_string()) {
        Ok(out) => (s, out),
        Err(d) => {
            let text: String = d
                .iter()
                .map(|d| toe::diagnostics::render(d, &s.sources, false, 100))
                .collect();
            panic!("script failed:\n{text}\n--- script ---\n{script}");
        }
    }
}

/// The JSON of an analysis, as the document's `analyses` holds it.
pub fn analysis(s: &Session, name: &str) -> serde_json::Value {
    s.analysis_json(name)
        .unwrap_or_else(|| panic!("no results of `{name}`"))
}

/// The first entry of `kind` among the `analyses` of the session's document for `text`.
pub fn of_kind(s: &Session, text: &str, kind: &str) -> serde_json::Value {
    let doc = s.document("t.toe", text.as_bytes());
    doc["analyses"]
        .as_array()
        .and_then(|a| a.iter().find(|a| a["kind"] == kind).cloned())
        .unwrap_or_else(|| panic!("no `{kind}` in {doc:#}"))
}

/// The JSON of every query so far.
pub fn queries(s: &Session) -> Vec<serde_json::Value> {
    s.results()
        .queries
        .iter()
        .map(toe::report::json::query)
        .collect()
}

/// The JSON of every robustness sweep so far.
pub fn robustness(s: &Session) -> Vec<serde_json::Value> {
    s.results()
        .robustness
        .iter()
        .map(toe::report::json::robustness)
        .collect()
}

/// Readers of the QCA fixtures (R's JSON, where a one-element vector may come unboxed).
pub mod qca {
    use serde_json::Value;

    /// A fixture of `tests/conformance/qca`.
    pub fn fixture(name: &str) -> Value {
        super::load_json(&format!("qca/{name}"))
    }

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

    /// `a` agrees with the reference value `b` within the tolerance; a null / NaN reference
    /// accepts NaN only.
    pub fn close(a: f64, b: &Value) -> bool {
        match b.as_f64() {
            Some(b) => super::close(a, b),
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
}

/// Runs `head` + each body in a fresh session over the conformance fixtures and asserts that
/// it fails with the given diagnostic code first.
pub fn assert_error_codes(head: &str, cases: &[(&str, &str)]) {
    for (body, code) in cases {
        let mut s = Session::new(fixture(""));
        let e = s
            .run_text("t", None, format!("{head}{body}"))
            .expect_err(body);
        assert_eq!(e[0].code, *code, "{body}");
    }
}
