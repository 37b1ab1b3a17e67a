//! `toe fmt`: idempotent on every example, standard-library module, doc block and test case
//! (each formatted twice); a formatted script parses to the same program (the AST with its
//! spans left out), and the examples compute the same JSON before and after.

use crate::support::run_ok;
use std::path::{Path, PathBuf};
use toe::syntax::format::format;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn toe_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            toe_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "toe") {
            out.push(p);
        }
    }
}

/// Every script of the repository, and every ```toe block of the docs and the README.
fn corpus() -> Vec<(String, String)> {
    let mut files = Vec::new();
    for d in ["examples", "stdlib", "tests/cases"] {
        toe_files(&root().join(d), &mut files);
    }
    // A script that is not UTF-8 (a bad-input case) is not formatted.
    let mut out: Vec<(String, String)> = files
        .iter()
        .filter(|p| p.is_file())
        .filter_map(|p| Some((p.display().to_string(), std::fs::read_to_string(p).ok()?)))
        .collect();
    for md in [
        "README.md",
        "docs/language.md",
        "docs/methods.md",
        "docs/output.md",
    ] {
        let text = std::fs::read_to_string(root().join(md)).unwrap();
        let mut block: Option<String> = None;
        for line in text.lines() {
            match (&mut block, line.trim_start()) {
                (None, l) if l.starts_with("```toe") => block = Some(String::new()),
                (Some(b), l) if l.starts_with("```") => {
                    out.push((format!("{md} block"), std::mem::take(b)));
                    block = None;
                }
                (Some(b), _) => {
                    b.push_str(line);
                    b.push('\n');
                }
                _ => {}
            }
        }
    }
    out
}

/// The program's debug text without spans (formatting moves them).
fn shape(text: &str) -> Option<String> {
    let p = toe::syntax::parse(text, 0).ok()?;
    let s = format!("{p:?}");
    // Drop every `Span { source: .., start: .., end: .. }`.
    let mut out = String::with_capacity(s.len());
    let mut rest = s.as_str();
    while let Some(i) = rest.find("Span {") {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        let j = after.find('}').map(|j| j + 1).unwrap_or(after.len());
        rest = &after[j..];
    }
    out.push_str(rest);
    Some(out)
}

#[test]
fn formatting_is_idempotent_and_keeps_the_program() {
    let corpus = corpus();
    assert!(corpus.len() > 60, "{}", corpus.len());
    let mut parsed = 0;
    for (name, text) in &corpus {
        let once = format(text);
        assert_eq!(format(&once), once, "not idempotent: {name}");
        // Only whitespace changes: the same characters otherwise.
        let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        assert_eq!(squeeze(text), squeeze(&once), "{name}");
        if let Some(before) = shape(text) {
            parsed += 1;
            assert_eq!(shape(&once).as_deref(), Some(before.as_str()), "{name}");
        }
    }
    assert!(parsed > 30, "{parsed}");
}

#[test]
fn formatted_examples_compute_the_same_json() {
    let mut files = Vec::new();
    toe_files(&root().join("examples"), &mut files);
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let formatted = format(&text);
        let json = |t: &str| {
            let (s, _) = run_ok(root().join("examples"), t);
            let mut doc = s.document("study.toe", b"");
            // The warnings point into the script (spans move); everything else must agree.
            if let Some(o) = doc.as_object_mut() {
                o.remove("warnings");
            }
            doc
        };
        assert_eq!(json(&text), json(&formatted), "{}", path.display());
    }
}

#[test]
fn fmt_check_reports_and_fmt_rewrites() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("s.toe");
    std::fs::write(&f, "study   \"x\"\ncalibrate{*  fuzzy}\n").unwrap();
    let toe = env!("CARGO_BIN_EXE_toe");
    let out = std::process::Command::new(toe)
        .args(["fmt", "--check"])
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("would be reformatted"));
    let out = std::process::Command::new(toe)
        .arg("fmt")
        .arg(&f)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        std::fs::read_to_string(&f).unwrap(),
        "study  \"x\"\ncalibrate { *  fuzzy }\n"
    );
    let out = std::process::Command::new(toe)
        .args(["fmt", "--check"])
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

/// What the project ships is in the canonical layout: every example, stdlib module and the
/// paper study, and the README's ```toe snippets (CI runs this test: `toe fmt --check` passes
/// on all of them).
#[test]
fn shipped_scripts_are_formatted() {
    let mut files = Vec::new();
    for d in ["examples", "stdlib", "tests/paper"] {
        toe_files(&root().join(d), &mut files);
    }
    assert!(files.len() >= 12, "{files:?}");
    let mut texts: Vec<(String, String)> = files
        .iter()
        .map(|p| (p.display().to_string(), std::fs::read_to_string(p).unwrap()))
        .collect();
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    for (k, block) in readme.split("```toe\n").skip(1).enumerate() {
        let code = block.split("```").next().unwrap_or_default();
        texts.push((format!("README.md block {}", k + 1), code.to_string()));
    }
    let unformatted: Vec<&str> = texts
        .iter()
        .filter(|(_, t)| toe::syntax::format::format(t) != *t)
        .map(|(n, _)| n.as_str())
        .collect();
    assert!(unformatted.is_empty(), "run `toe fmt` on {unformatted:?}");
}
