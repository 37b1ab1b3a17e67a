//! Directory-driven cases. Every `tests/cases/errors/*.toe` must fail with coded diagnostics
//! (a code, a span, a help line) and no panic; the rendering is snapshotted (no colour, width
//! 80). Every `tests/cases/ok/*.toe` must run without an error; its output and its JSON
//! document are snapshotted. A new case is a new file. `cargo insta review` (or
//! INSTA_UPDATE=always) regenerates the snapshots.

use std::path::{Path, PathBuf};
use toe::diagnostics::render;
use toe::Session;

fn cases_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/cases/errors")
}

fn run_case(path: &Path) -> (Vec<toe::diagnostics::Diag>, String) {
    let text = std::fs::read_to_string(path).expect("case file");
    let name = format!(
        "errors/{}",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("?")
    );
    let mut s = Session::new(cases_dir());
    let diags = match s.run_text(&name, None, text) {
        Ok(_) => Vec::new(),
        Err(d) => d,
    };
    let rendered: String = diags
        .iter()
        .map(|d| render(d, &s.sources, false, 80))
        .collect();
    (diags, rendered)
}

#[test]
fn every_error_case_fails_with_a_coded_diagnostic() {
    let mut codes = std::collections::BTreeSet::new();
    let mut n = 0;
    insta::glob!("../cases", "errors/*.toe", |path| {
        let (diags, rendered) = run_case(path);
        assert!(!diags.is_empty(), "{} ran without an error", path.display());
        for d in &diags {
            assert!(
                d.is_error(),
                "{}: {} is not an error",
                path.display(),
                d.code
            );
            assert!(
                d.code.starts_with("toe::"),
                "{}: code {}",
                path.display(),
                d.code
            );
            assert!(d.span.is_some(), "{}: no span", path.display());
            assert!(
                d.help.as_deref().is_some_and(|h| !h.is_empty()),
                "{}: no help",
                path.display()
            );
            assert!(
                d.message.starts_with("expected"),
                "{}: message does not say what was expected first: {}",
                path.display(),
                d.message
            );
            assert!(
                rendered.contains(d.code),
                "{}: rendering lacks the code",
                path.display()
            );
            codes.insert(d.code);
        }
        n += 1;
        insta::assert_snapshot!(rendered);
    });
    assert!(n >= 25, "only {n} error situations");
    assert!(
        codes.len() >= 25,
        "only {} distinct codes: {codes:?}",
        codes.len()
    );
}

fn ok_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/cases/ok")
}

#[test]
fn every_ok_case_runs_and_its_output_and_json_are_kept() {
    let mut n = 0;
    insta::glob!("../cases", "ok/*.toe", |path| {
        let text = std::fs::read_to_string(path).expect("case file");
        let name = format!(
            "ok/{}",
            path.file_name().and_then(|n| n.to_str()).unwrap_or("?")
        );
        let mut s = Session::new(ok_dir());
        let out = match s.run_text(&name, None, text.clone()) {
            Ok(out) => out,
            Err(d) => {
                let rendered: String = d.iter().map(|d| render(d, &s.sources, false, 80)).collect();
                panic!("{name} failed:\n{rendered}");
            }
        };
        let warnings: String = s
            .take_pending()
            .iter()
            .map(|d| render(d, &s.sources, false, 80))
            .collect();
        let json = serde_json::to_string_pretty(&s.document(&name, text.as_bytes())).expect("json");
        n += 1;
        insta::assert_snapshot!(format!(
            "{out}--- warnings ---\n{warnings}--- json ---\n{json}\n"
        ));
    });
    assert!(n >= 5, "only {n} ok cases");
}
