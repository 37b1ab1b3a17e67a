//! `export`: every format is written (atomically) for an fsqca and an nca analysis; the SVG
//! and HTML files are well-formed (parsed as XML); JSON and CSV read back to the results.

use crate::support::*;

fn study(dir: &std::path::Path) -> String {
    std::fs::copy(fixture("qca/LF.csv"), dir.join("LF.csv")).expect("copy data");
    let mut s = String::from(
        "data lf = csv(\"LF.csv\", id = case)
conditions { DEV = DEV  URB = URB  LIT = LIT  IND = IND  STB = STB }
outcome SURV = SURV
calibrate { * fuzzy }
nca nec: SURV needs DEV, LIT, STB { permutations = 100
  seed = 7 }
fsqca high: SURV given DEV, URB, LIT, IND, STB {
  consistency >= 0.8
  expect DEV, URB, LIT, IND, STB
}
",
    );
    for name in ["high", "nec"] {
        for ext in ["json", "csv", "md", "tex", "html", "svg"] {
            s.push_str(&format!("export {name} to \"out/{name}.{ext}\"\n"));
        }
    }
    s
}

#[test]
fn every_format_is_written_and_well_formed() {
    let dir = tempfile::tempdir().expect("tmp");
    let script = study(dir.path());
    let (session, out) = run_ok(dir.path().to_path_buf(), &script);
    assert_eq!(out.matches("exported ").count(), 12, "{out}");
    let read = |f: &str| {
        std::fs::read_to_string(dir.path().join("out").join(f))
            .unwrap_or_else(|e| panic!("{f}: {e}"))
    };
    for f in ["high.svg", "nec.svg", "high.html", "nec.html"] {
        let text = read(f);
        let opts = roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        };
        let doc = roxmltree::Document::parse_with_options(&text, opts)
            .unwrap_or_else(|e| panic!("{f} is not well-formed: {e}"));
        let root = doc.root_element().tag_name().name().to_string();
        assert_eq!(
            root,
            if f.ends_with(".svg") { "svg" } else { "html" },
            "{f}"
        );
    }
    // The HTML is self-contained: tables and inline plots, no external resource.
    let html = read("high.html");
    assert!(html.contains("<table>") && html.contains("<svg") && !html.contains("src=\"http"));
    // JSON reads back to the analysis' results.
    let json: serde_json::Value = serde_json::from_str(&read("high.json")).expect("json");
    assert_eq!(json, analysis(&session, "high"));
    // CSV: the truth table, full precision (row 32: BE, CZ, NL, UK with incl 0.904205607476635 in R).
    let csv = read("high.csv");
    assert!(
        csv.starts_with("row,DEV,URB,LIT,IND,STB,OUT,n,consistency,PRI,cases\n"),
        "{csv}"
    );
    assert!(csv.contains("32,1,1,1,1,1,1,4,0.90420560747663"), "{csv}");
    // Markdown and LaTeX carry the configuration table (LaTeX's marks are macros).
    assert!(read("high.md").contains("| URB | ● |  |"));
    let tex = read("high.tex");
    assert!(
        tex.contains("\\toprule")
            && tex.contains("\\bottomrule")
            && tex.contains("URB & \\toeCoreIn{} &  \\\\")
            && tex.contains("\\newcommand{\\toeCoreIn}"),
        "{tex}"
    );
    assert!(read("nec.csv").starts_with("condition,ceiling,n,effect size"));
    // No temporary file is left behind.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("out"))
        .expect("dir")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with("tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn exports_are_byte_identical_across_runs() {
    let a = tempfile::tempdir().expect("tmp");
    let b = tempfile::tempdir().expect("tmp");
    run_ok(a.path().to_path_buf(), &study(a.path()));
    run_ok(b.path().to_path_buf(), &study(b.path()));
    for f in ["high.svg", "nec.svg", "high.html", "nec.tex", "high.csv"] {
        assert_eq!(
            std::fs::read(a.path().join("out").join(f)).expect("a"),
            std::fs::read(b.path().join("out").join(f)).expect("b"),
            "{f}"
        );
    }
}

#[test]
fn an_unknown_format_is_a_coded_error_and_leaves_the_file_alone() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut script = study(dir.path());
    script.push_str("export high to \"out/high.pdf\"\n");
    std::fs::create_dir_all(dir.path().join("out")).expect("dir");
    let mut s = toe::Session::new(dir.path());
    let e = s.run_text("t", None, script).expect_err("unknown format");
    assert_eq!(e[0].code, "toe::check::bad_export");
    assert!(!dir.path().join("out/high.pdf").exists());
}
