//! Shared helpers of the integration tests: fixture paths, the conformance tolerance, and
//! running a script through the same session as `toe run`.
#![allow(dead_code)]

use std::path::PathBuf;
use toe::eval::Session;

/// The conformance tolerance (shared/conformance/README.md): 1e-9 relative to the reference
/// value, absolute below 1.
pub const TOL: f64 = 1e-9;

pub fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= TOL * b.abs().max(1.0)
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
