//! Directory-driven diagnostics tests: every `tests/cases/errors/*.toe` must fail with coded
//! diagnostics (a code, a span, a help line) and no panic; the rendering is snapshotted with
//! insta (no colour, width 80). `cargo insta review` (or INSTA_UPDATE=always) regenerates them.

use std::path::{Path, PathBuf};
use toe::diagnostics::render;
use toe::eval::Session;

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
    insta::glob!("cases/errors/*.toe", |path| {
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
