//! The language end to end: every form of the language (docs/language.md) parses; data (csv, xlsx, ids, `na`,
//! `sep`), calibration methods by hand calculation, `*`, frameworks, `use`, queries with
//! missing values, and the `show` tables (snapshots).

use crate::support::*;
use std::path::PathBuf;
use toe::Session;

#[test]
fn every_form_of_the_language_spec_parses() {
    let text = std::fs::read_to_string(fixture("../cases/language_forms.toe")).expect("forms");
    let program = toe::syntax::parse(&text, 1).unwrap_or_else(|d| panic!("{d:?}"));
    let kinds: std::collections::BTreeSet<&str> = program
        .statements
        .iter()
        .map(|s| s.kind.keyword())
        .collect();
    for k in [
        "study",
        "data",
        "index",
        "conditions",
        "outcome",
        "calibrate",
        "nca",
        "fsqca",
        "necessary?",
        "sufficient?",
        "show",
        "export",
        "use",
        "robustness",
    ] {
        assert!(
            kinds.contains(k),
            "no `{k}` statement parsed from tests/cases/language_forms.toe"
        );
    }
    // 32 statements in the forms of tests/cases/language_forms.toe (version 1).
    assert_eq!(program.statements.len(), 32);
}

fn write(dir: &std::path::Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).expect("write");
}

fn session_in(dir: &std::path::Path, script: &str) -> Session {
    run_ok(dir.to_path_buf(), script).0
}

#[test]
fn csv_ids_missing_markers_and_separator() {
    let dir = tempfile::tempdir().expect("tmp");
    write(dir.path(), "d.csv", "x;y;z\n1;0.2;-\n2;0.8;NA\n3;;0.5\n");
    let s = session_in(dir.path(), "data d = csv(\"d.csv\", na = [\"-\", \"NA\"], sep = \";\")\noutcome Y = y\ncalibrate { Y fuzzy }\n");
    let d = s.scope().data.as_ref().expect("data");
    assert_eq!(
        d.table.ids,
        vec!["1", "2", "3"],
        "without id, cases are numbered"
    );
    assert!(d.table.value(0, 2).is_nan() && d.table.value(1, 2).is_nan());
    assert!(d.table.value(2, 1).is_nan());
    assert_eq!(d.table.value(2, 2), 0.5);
}

#[test]
fn queries_drop_missing_cases_and_say_so() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "d.csv",
        "id,x,y\na,0.2,0.4\nb,0.8,0.9\nc,0.6,0.3\nd,NA,0.5\n",
    );
    let (mut s, _) = run_ok(dir.path().to_path_buf(), "data d = csv(\"d.csv\", id = id)\nconditions { X = x }\noutcome Y = y\ncalibrate { * fuzzy }\n");
    let out = s
        .run_text("q", None, "sufficient? X for Y\n".into())
        .expect("query");
    // Hand calculation on the 3 complete cases: Σmin = 0.2 + 0.8 + 0.3 = 1.3, ΣX = 1.6 →
    // consistency 0.8125; Σmin(X,Y,1−Y) = 0.2+0.1+0.3 = 0.6 → PRI 0.7/1.0 = 0.7; ΣY = 1.6.
    assert!(
        out.contains("consistency  0.812") || out.contains("consistency  0.813"),
        "{out}"
    );
    assert!(out.contains("1 case dropped: missing values"), "{out}");
    let all = queries(&s);
    let q = all.last().expect("query json");
    assert!(close(q["consistency"].as_f64().unwrap_or(0.0), 1.3 / 1.6));
    assert!(close(q["pri"].as_f64().unwrap_or(0.0), 0.7));
    assert!(close(q["coverage"].as_f64().unwrap_or(0.0), 1.3 / 1.6));
    assert_eq!(q["cases"], 3);
    assert_eq!(q["dropped_cases"], 1);
}

#[test]
fn xlsx_sheet_and_id() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let sheet = wb.add_worksheet();
    sheet.set_name("2021").expect("name");
    sheet.write_string(0, 0, "firm").expect("w");
    sheet.write_string(0, 1, "size").expect("w");
    for (r, (f, v)) in [("acme", 10.0), ("beta", 20.0), ("gamma", 40.0)]
        .iter()
        .enumerate()
    {
        sheet.write_string(r as u32 + 1, 0, *f).expect("w");
        sheet.write_number(r as u32 + 1, 1, *v).expect("w");
    }
    wb.save(dir.path().join("s.xlsx")).expect("save");
    let s = session_in(
        dir.path(),
        "data s = xlsx(\"s.xlsx\", sheet = \"2021\", id = firm)\nconditions { SIZE = size }\ncalibrate { SIZE linear(e = 10, c = 20, i = 40) }\n",
    );
    assert_eq!(
        s.scope().data.as_ref().expect("data").table.ids,
        vec!["acme", "beta", "gamma"]
    );
    // linear: 10 → 0, 20 → 0.5 (the crossover), 40 → 1
    assert_eq!(
        s.set("SIZE")
            .and_then(|x| x.membership.as_deref().map(<[f64]>::to_vec)),
        Some(vec![0.0, 0.5, 1.0])
    );
    // an unknown sheet is a coded error naming the sheets
    let mut s2 = Session::new(dir.path());
    let e = s2
        .run_text(
            "t",
            None,
            "data s = xlsx(\"s.xlsx\", sheet = \"2022\")\n".into(),
        )
        .expect_err("no sheet");
    assert_eq!(e[0].code, "toe::data::unknown_sheet");
    assert!(e[0].help.as_deref().unwrap_or("").contains("2021"));
}

#[test]
fn calibration_methods_by_hand() {
    let dir = tempfile::tempdir().expect("tmp");
    write(dir.path(), "d.csv", "x\n0\n2\n5\n7\n10\n");
    let s = session_in(
        dir.path(),
        "data d = csv(\"d.csv\")\nconditions { A = x\n B = x\n C = x\n D = x\n E = x }\ncalibrate {\n  A crisp(at = 5)\n  B crisp(at = [2, 7])\n  C bell(e1 = 0, c1 = 2, i1 = 4, i2 = 6, c2 = 8, e2 = 10)\n  D direct(e = 0, c = 5, i = 10, logodds = 3)\n  E direct(e = 10, c = 5, i = 0)\n}\n",
    );
    let m = |n: &str| {
        s.set(n)
            .and_then(|x| x.membership.as_deref().map(<[f64]>::to_vec))
            .expect("membership")
    };
    // crisp: a value equal to a threshold goes up
    assert_eq!(m("A"), vec![0.0, 0.0, 1.0, 1.0, 1.0]);
    assert_eq!(m("B"), vec![0.0, 1.0, 1.0, 2.0, 2.0]);
    // bell: 0 → 0, 2 → 0.5 (c1), 5 → 1 (between i1 and i2), 7 → 1 − (6−7)/(6−8)/2 = 0.75, 10 → 0
    assert_eq!(m("C"), vec![0.0, 0.5, 1.0, 0.75, 0.0]);
    // logodds = 3: at x = 10, 1/(1+e^-3) = 0.9525741268; at 5, 0.5; at 2, 1/(1+e^(3·3/5))
    let d = m("D");
    assert!((d[4] - 1.0 / (1.0 + (-3.0f64).exp())).abs() < 1e-15);
    assert_eq!(d[2], 0.5);
    assert!((d[1] - 1.0 / (1.0 + (1.8f64).exp())).abs() < 1e-15);
    // decreasing: E(0) = 0.95, E(10) = 0.05
    let e = m("E");
    assert!((e[0] - 0.95).abs() < 1e-12 && (e[4] - 0.05).abs() < 1e-12);
}

/// `nudge`: the median of 5 values (x = 5, c = p50) lands at exactly 0.5; the warning says
/// why (an odd number of cases) and names the remedy; with `nudge = 0.001` it becomes 0.501,
/// the other memberships do not move, and a `toe::run::nudged` warning lists the case;
/// `show skewness` counts it above 0.5 then (3 of 5 = 60 %, by hand: 5, 7, 10 are above).
/// A nudge on `crisp` or outside (0, 0.1] is a coded error.
#[test]
fn nudge_moves_half_memberships_and_says_so() {
    let dir = tempfile::tempdir().expect("tmp");
    write(dir.path(), "d.csv", "x\n0\n2\n5\n7\n10\n");
    let plain = session_in(
        dir.path(),
        "data d = csv(\"d.csv\")\nconditions { A = x }\ncalibrate { A direct(e = p25, c = p50, i = p75) }\n",
    );
    let w = plain
        .warnings()
        .iter()
        .find(|d| d.code == "toe::run::half_membership")
        .expect("half warning");
    assert!(
        w.message.contains("odd number of cases, 5"),
        "{}",
        w.message
    );
    assert!(w.help.as_deref().unwrap_or("").contains("nudge = 0.001"));
    let before = plain.set("A").and_then(|a| a.membership.clone()).unwrap();
    assert_eq!(before[2], 0.5);
    let (s, shown) = run_ok(
        dir.path().to_path_buf(),
        "data d = csv(\"d.csv\")\nconditions { A = x }\ncalibrate { A direct(e = p25, c = p50, i = p75, nudge = 0.001) }\nshow skewness\nshow calibration\n",
    );
    let after = s.set("A").and_then(|a| a.membership.clone()).unwrap();
    assert_eq!(after[2], 0.501);
    for k in [0, 1, 3, 4] {
        assert_eq!(after[k], before[k]);
    }
    assert!(s
        .warnings()
        .iter()
        .any(|d| d.code == "toe::run::nudged" && d.message.contains("`A` in 3")));
    assert!(!s
        .warnings()
        .iter()
        .any(|d| d.code == "toe::run::half_membership"));
    let squeezed: String = shown.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        squeezed.contains("A condition 3 5 60 0 0 0.5 nudged by 0.001"),
        "{shown}"
    );
    assert!(shown.contains("nudge = 0.001"), "{shown}");
    for body in [
        "calibrate { A crisp(at = 5, nudge = 0.001) }",
        "calibrate { A direct(e = 0, c = 5, i = 10, nudge = 0.5) }",
    ] {
        let mut t = Session::new(dir.path().to_path_buf());
        let e = t
            .run_text(
                "t",
                None,
                format!("data d = csv(\"d.csv\")\nconditions {{ A = x }}\n{body}\n"),
            )
            .expect_err(body);
        assert_eq!(e[0].code, "toe::check::bad_argument", "{body}");
    }
}

#[test]
fn star_applies_whatever_the_order_and_to_later_sets() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "d.csv",
        "a,b,y\n1,2,0.1\n2,4,0.5\n3,6,0.9\n4,8,0.3\n5,10,0.7\n",
    );
    let (mut s, _) = run_ok(
        dir.path().to_path_buf(),
        "data d = csv(\"d.csv\")\nconditions { A = a\n B = b }\ncalibrate {\n  B direct(e = 2, c = 6, i = 10)\n  * direct(e = p10, c = p50, i = p90)\n}\n",
    );
    // A by `*` (percentiles of 1..5: p10 = 1.4, p50 = 3, p90 = 4.6); B by its own line.
    let a = s.set("A").and_then(|x| x.calibration.clone()).expect("A");
    assert!(close(a.anchors[0].1, 1.4) && close(a.anchors[1].1, 3.0) && close(a.anchors[2].1, 4.6));
    assert_eq!(
        s.set("B")
            .and_then(|x| x.calibration.clone())
            .expect("B")
            .anchors[0]
            .1,
        2.0
    );
    // An outcome declared after the block is calibrated by `*` too.
    s.run_text("more", None, "outcome Y = y\n".into())
        .expect("outcome");
    let y = s
        .set("Y")
        .and_then(|x| x.calibration.clone())
        .expect("Y calibrated");
    assert!(close(y.anchors[1].1, 0.5));
}

#[test]
fn framework_coverage_and_std_frameworks() {
    let dir = tempfile::tempdir().expect("tmp");
    write(dir.path(), "d.csv", "a,b\n1,2\n2,3\n");
    let s = session_in(dir.path(), "use std.frameworks\ndata d = csv(\"d.csv\")\nconditions toe {\n  technology { A = a }\n  organization { B = b }\n}\n");
    assert_eq!(
        s.set("A").and_then(|x| x.dimension.clone()).as_deref(),
        Some("technology")
    );
    let w = s
        .warnings()
        .iter()
        .find(|w| w.code == "toe::check::dimension_not_in_framework")
        .expect("coverage warning");
    assert!(w.message.contains("`environment`"), "{}", w.message);
    // Frameworks declared in the language itself.
    let s = session_in(dir.path(), "framework mine { alpha beta }\ndata d = csv(\"d.csv\")\nconditions mine { alpha { A = a } beta { B = b } }\n");
    assert!(s.warnings().is_empty(), "{:?}", s.warnings());
}

#[test]
fn use_file_runs_its_statements() {
    let dir = tempfile::tempdir().expect("tmp");
    write(dir.path(), "d.csv", "a,y\n1,0.2\n2,0.8\n");
    std::fs::create_dir(dir.path().join("common")).expect("dir");
    write(
        &dir.path().join("common"),
        "cal.toe",
        "calibrate { * fuzzy\n  A direct(e = 1, c = 1.5, i = 2) }\n",
    );
    let s = session_in(
        dir.path(),
        "data d = csv(\"d.csv\")\nconditions { A = a }\noutcome Y = y\nuse \"common/cal.toe\"\n",
    );
    assert!(s
        .set("A")
        .and_then(|x| x.membership.as_deref().map(<[f64]>::to_vec))
        .is_some());
    assert_eq!(
        s.set("Y")
            .and_then(|x| x.membership.as_deref().map(<[f64]>::to_vec)),
        Some(vec![0.2, 0.8])
    );
}

#[test]
fn a_note_in_a_used_file_is_rendered_with_that_file() {
    let dir = tempfile::tempdir().expect("tmp");
    write(dir.path(), "d.csv", "a,b,y\n1,3,0.2\n2,4,0.8\n");
    write(dir.path(), "sets.toe", "conditions { A = a }\n");
    let mut s = toe::Session::new(dir.path());
    let e = s
        .run_text(
            "main.toe",
            None,
            "data d = csv(\"d.csv\")\nuse \"sets.toe\"\nconditions { A = b }\n".into(),
        )
        .expect_err("A declared twice");
    assert_eq!(e[0].code, "toe::check::duplicate_set");
    let text = toe::diagnostics::render(&e[0], &s.sources, false, 100);
    // The error points at main.toe; its note ("first declared here") at sets.toe.
    assert!(text.contains("main.toe:3"), "{text}");
    assert!(text.contains("sets.toe:1"), "{text}");
    assert!(text.contains("first declared here"), "{text}");
}

#[test]
fn a_failing_statement_leaves_the_session_intact() {
    let dir = tempfile::tempdir().expect("tmp");
    write(dir.path(), "d.csv", "a,y\n1,0.2\n2,0.8\n3,0.4\n");
    let (mut s, _) = run_ok(dir.path().to_path_buf(), "data d = csv(\"d.csv\")\nconditions { A = a }\noutcome Y = y\ncalibrate { * fuzzy\n A direct(e = 1, c = 2, i = 3) }\n");
    let before = s
        .set("A")
        .and_then(|x| x.membership.as_deref().map(<[f64]>::to_vec));
    let e = s.run_text(
        "bad",
        None,
        "calibrate { A direct(e = 3, c = 1, i = 2) }\n".into(),
    );
    assert!(e.is_err());
    assert_eq!(
        s.set("A")
            .and_then(|x| x.membership.as_deref().map(<[f64]>::to_vec)),
        before
    );
    let e = s.run_text("bad", None, "conditions { B = a\n C = nope }\n".into());
    assert!(e.is_err());
    assert!(
        s.set("B").is_none(),
        "a failing block adds none of its sets"
    );
}

#[test]
fn show_tables_snapshot() {
    let base = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples");
    let (_, out) = run_ok(
        base,
        "data lipset = csv(\"data/LR.csv\", id = case)\nconditions { DEV = DEV\n STB = STB }\noutcome SURV = SURV\ncalibrate {\n DEV direct(e = 400, c = 550, i = 900)\n STB direct(e = 10, c = 5.5, i = 2)\n SURV direct(e = -9, c = 0, i = 9)\n}\nnca nec: SURV needs DEV, STB { ceilings = [cr_fdh]\n seed = 1 }\nfsqca high: SURV given DEV, STB { consistency >= 0.9\n expect DEV, STB | ~STB }\nshow data\nshow calibration\nshow plan\n",
    );
    insta::assert_snapshot!(out);
}

#[test]
fn repl_line_handler_continues_blocks_and_survives_errors() {
    use toe::repl::{handle, Step};
    let dir = tempfile::tempdir().expect("tmp");
    write(dir.path(), "d.csv", "a,y\n1,0.2\n2,0.8\n3,0.4\n");
    let mut s = Session::new(dir.path());
    let mut buf = String::new();
    let feed = |line: &str, s: &mut Session, buf: &mut String| match handle(s, buf, line) {
        Step::Output(o) => Some(o),
        Step::More => None,
        Step::Quit => Some(":quit".into()),
    };
    assert_eq!(
        feed("data d = csv(\"d.csv\")", &mut s, &mut buf),
        Some(String::new())
    );
    assert_eq!(
        feed("conditions {", &mut s, &mut buf),
        None,
        "an open block continues"
    );
    assert_eq!(feed("  A = a", &mut s, &mut buf), None);
    assert_eq!(feed("}", &mut s, &mut buf), Some(String::new()));
    let err = feed("outcome Y = yy", &mut s, &mut buf).expect("output");
    assert!(
        err.contains("toe::check::unknown_column") && err.contains("did you mean `y`?"),
        "{err}"
    );
    feed("outcome Y = y", &mut s, &mut buf);
    feed("calibrate { * fuzzy", &mut s, &mut buf);
    feed(" A direct(e = 1, c = 2, i = 3) }", &mut s, &mut buf);
    let out = feed("necessary? A for Y", &mut s, &mut buf).expect("output");
    assert!(out.contains("consistency"), "{out}");
    assert_eq!(feed(":quit", &mut s, &mut buf), Some(":quit".into()));
}

#[test]
fn standard_library_presets_and_frameworks() {
    let dir = tempfile::tempdir().expect("tmp");
    // x = 0, 1, …, 20: the p-th percentile (type 7) is p/5, e.g. p25 = 5, p95 = 19.
    let mut csv = String::from("x\n");
    for v in 0..=20 {
        csv.push_str(&format!("{v}\n"));
    }
    write(dir.path(), "d.csv", &csv);
    let s = session_in(
        dir.path(),
        "data d = csv(\"d.csv\")\nconditions { Q = x\n R = x\n D = x\n F = x\n M = x }\ncalibration mine = linear(e = p20, c = p50, i = p80)\ncalibrate {\n Q quartiles\n R ragin\n D deciles\n F quartiles_fsqca\n M mine\n}\n",
    );
    let anchors = |n: &str| -> Vec<f64> {
        s.set(n)
            .and_then(|x| x.calibration.clone())
            .expect("calibrated")
            .anchors
            .iter()
            .map(|a| a.1)
            .collect()
    };
    assert_eq!(anchors("Q"), vec![5.0, 10.0, 15.0]);
    assert_eq!(anchors("R"), vec![1.0, 10.0, 19.0]);
    assert_eq!(anchors("D"), vec![2.0, 10.0, 18.0]);
    assert_eq!(anchors("M"), vec![4.0, 10.0, 16.0]);
    assert_eq!(
        s.set("M")
            .and_then(|x| x.calibration.clone())
            .map(|c| c.method),
        Some("linear")
    );
    // logodds = 3 → idm = 1 / (1 + e^-3)
    let f = s.set("F").and_then(|x| x.calibration.clone()).expect("F");
    assert!((f.idm.unwrap_or(0.0) - 1.0 / (1.0 + (-3.0f64).exp())).abs() < 1e-15);
    // Every framework of the standard library.
    assert_eq!(
        s.scope().frameworks["toe"],
        vec!["technology", "organization", "environment"]
    );
    assert_eq!(
        s.scope().frameworks["tooe"],
        vec!["technology", "organization", "environment", "task"]
    );
    assert_eq!(
        s.scope().frameworks["iceberg"],
        vec!["process", "institution", "value", "interface"]
    );
    // A preset with arguments is refused with a help line.
    let mut s2 = Session::new(dir.path());
    let e = s2
        .run_text(
            "t",
            None,
            "data d = csv(\"d.csv\")\nconditions { Q = x }\ncalibrate { Q quartiles(idm = 0.9) }\n"
                .into(),
        )
        .expect_err("preset with arguments");
    assert_eq!(e[0].code, "toe::check::bad_argument");
}

#[test]
fn the_standard_library_loads_cleanly() {
    for (name, text) in toe::source::STDLIB {
        let program = toe::syntax::parse(text, 0).unwrap_or_else(|d| panic!("std.{name}: {d:?}"));
        assert!(!program.statements.is_empty(), "std.{name} is empty");
    }
    let s = Session::new(".");
    assert!(s.warnings().is_empty(), "{:?}", s.warnings());
    assert_eq!(s.scope().presets.len(), 4);
    assert_eq!(s.scope().sweeps.len(), 5);
}

#[test]
fn every_code_block_of_the_docs_parses() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut blocks = 0;
    for doc in ["README.md", "docs/language.md"] {
        let text = std::fs::read_to_string(root.join(doc)).expect("doc");
        for (k, block) in text.split("```toe\n").skip(1).enumerate() {
            let code = block.split("```").next().unwrap_or("");
            toe::syntax::parse(code, 1)
                .unwrap_or_else(|d| panic!("{doc} block {k}: {:?}\n{code}", d[0].message));
            blocks += 1;
        }
    }
    // 1 block in the README, 11 in docs/language.md (at the time of writing).
    assert!(blocks >= 12, "{blocks} blocks");
}

#[test]
fn entropy_index_by_group_by_hand() {
    let dir = tempfile::tempdir().expect("tmp");
    write(dir.path(), "p.csv", "unit,year,a,b\nx1,2019,0,0\nx2,2019,1,2\nx3,2019,2,1\nx1,2020,1,1\nx2,2020,1,2\nx3,2020,3,3\n");
    let (mut s, _) = run_ok(
        dir.path().to_path_buf(),
        "data p = csv(\"p.csv\")\nindex IX = entropy(a, -b, by = year)\n",
    );
    let ix = s.results().indices["IX"].clone();
    assert_eq!(ix.by.as_deref(), Some("year"));
    // 2019: a' = [0, .5, 1], b' (negative) = (2 − b)/2 = [1, 0, .5]: the same entropy → 0.5 each.
    assert_eq!(ix.weights[0].0.as_deref(), Some("2019"));
    assert!((ix.weights[0].1[0] - 0.5).abs() < 1e-15 && (ix.weights[0].1[1] - 0.5).abs() < 1e-15);
    // 2020: a' = [0, 0, 1] → p = [0, 0, 1] → e = 0, d = 1; b' = (3 − b)/2 = [1, .5, 0] →
    // p = [2/3, 1/3, 0] → e = −(2/3 ln 2/3 + 1/3 ln 1/3)/ln 3; w_a = 1/(1 + d_b).
    let e_b =
        -((2.0f64 / 3.0) * (2.0f64 / 3.0).ln() + (1.0f64 / 3.0) * (1.0f64 / 3.0).ln()) / 3f64.ln();
    let d_b = 1.0 - e_b;
    assert!((ix.weights[1].1[0] - 1.0 / (1.0 + d_b)).abs() < 1e-12);
    assert!((ix.weights[1].1[1] - d_b / (1.0 + d_b)).abs() < 1e-12);
    // Values: x3 in 2020 = w_a · 1 + w_b · 0.
    assert!((ix.values[5] - 1.0 / (1.0 + d_b)).abs() < 1e-12);
    let out = s
        .run_text("t", None, "show index IX\n".into())
        .expect("show");
    assert!(
        out.contains("index IX = entropy(…) by year") && out.contains("weight 2020"),
        "{out}"
    );
}

#[test]
fn robustness_runs_every_variant_and_matches_single_runs() {
    let base = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples");
    let study = std::fs::read_to_string(base.join("smart_government.toe"))
        .expect("example")
        .replace("permutations = 10000", "permutations = 0")
        .lines()
        .filter(|l| !l.starts_with("show"))
        .collect::<Vec<_>>()
        .join("\n");
    let script = format!("{study}\nrobustness of high {{\n  vary consistency in [0.75, 0.80, 0.85]\n  vary anchors of * by [0, 5] percentile points\n}}\n");
    let (s, out) = run_ok(base.clone(), &script);
    let r = robustness(&s).last().expect("robustness result").clone();
    assert_eq!(r["kind"], "robustness");
    let variants = r["variants"].as_array().expect("variants").clone();
    assert_eq!(variants.len(), 6, "3 × 2 combinations");
    // Each variant equals a plain run of the analysis with those settings: consistency 0.85 and
    // the anchors shifted by 5 points (p30 / p55 / p80).
    let shifted = study
        .replace("consistency >= 0.80", "consistency >= 0.85")
        .replace(
            "direct(e = p25, c = p50, i = p75, nudge = 0.001)",
            "direct(e = p30, c = p55, i = p80, nudge = 0.001)",
        );
    let (single, _) = run_ok(base, &shifted);
    let m = &analysis(&single, "high")["solutions"]["intermediate"][0];
    let v = variants
        .iter()
        .find(|v| v["params"]["consistency"] == 0.85 && v["params"]["anchors of *"] == 5.0)
        .expect("variant");
    assert_eq!(v["solution"], m["expression"]);
    assert!(close(
        v["consistency"].as_f64().unwrap_or(0.0),
        m["consistency"].as_f64().unwrap_or(1.0)
    ));
    assert!(close(
        v["coverage"].as_f64().unwrap_or(0.0),
        m["coverage"].as_f64().unwrap_or(1.0)
    ));
    // Configurations in every variant form the robust core.
    for t in r["robust_core"].as_array().expect("core") {
        let t = t.as_str().expect("term");
        assert!(variants.iter().all(|v| v["terms"]
            .as_array()
            .is_some_and(|ts| ts.iter().any(|x| x == t))));
    }
    assert!(out.contains("robustness of high: 6 variants"));
}

#[test]
fn robustness_errors_are_coded() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "d.csv",
        "a,b,y\n1,2,0.1\n2,4,0.6\n3,6,0.9\n4,8,0.3\n",
    );
    let base = "data d = csv(\"d.csv\")\nconditions { A = a\n B = b }\noutcome Y = y\ncalibrate { * fuzzy\n A direct(e = 1, c = 2.5, i = 4)\n B direct(e = p10, c = p50, i = p90) }\nfsqca f: Y given A, B { consistency >= 0.8 }\nnca n: Y needs A { on = raw }\n";
    for (extra, code) in [
        (
            "robustness of n { vary consistency in [0.8] }",
            "toe::check::bad_option",
        ),
        (
            "robustness of f { vary anchors of A by [5] percentile points }",
            "toe::check::bad_option",
        ),
        (
            "robustness of f { vary colour in [1] }",
            "toe::check::bad_option",
        ),
        (
            "robustness of nope { vary cases in [1] }",
            "toe::check::unknown_analysis",
        ),
    ] {
        let mut s = Session::new(dir.path());
        let e = s
            .run_text("t", None, format!("{base}{extra}\n"))
            .expect_err(extra);
        assert_eq!(e[0].code, code, "{extra}");
    }
}

#[test]
fn panel_cluster_diagnostics_by_hand() {
    let dir = tempfile::tempdir().expect("tmp");
    write(dir.path(), "panel.csv", "obs,unit,year,a,y\nu1_19,u1,2019,0.8,0.9\nu2_19,u2,2019,0.6,0.4\nu1_20,u1,2020,0.3,0.2\nu2_20,u2,2020,0.9,0.7\n");
    let (s, out) = run_ok(
        dir.path().to_path_buf(),
        "data p = csv(\"panel.csv\", id = obs)\nconditions { A = a }\noutcome Y = y\ncalibrate { * fuzzy }\nfsqca f: Y given A {\n  consistency >= 0.7\n  cluster = year\n  unit = unit\n}\n",
    );
    let c = &analysis(&s, "f")["clusters"];
    assert_eq!(c["cluster"], "year");
    let t = &c["terms"][0];
    assert_eq!(t["expr"], "A");
    let g = |v: &serde_json::Value| v.as_f64().unwrap_or(f64::NAN);
    // Pooled: Σmin(A,Y) = 0.8 + 0.4 + 0.2 + 0.7 = 2.1, ΣA = 2.6, ΣY = 2.2.
    assert!(close(g(&t["pooled"]["consistency"]), 2.1 / 2.6));
    assert!(close(g(&t["pooled"]["coverage"]), 2.1 / 2.2));
    // Between 2019: Σmin = 1.2, ΣA = 1.4, ΣY = 1.3; 2020: Σmin = 0.9, ΣA = 1.2, ΣY = 0.9.
    assert!(close(g(&t["between"]["2019"]["consistency"]), 1.2 / 1.4));
    assert!(close(g(&t["between"]["2019"]["coverage"]), 1.2 / 1.3));
    assert!(close(g(&t["between"]["2020"]["consistency"]), 0.75));
    assert!(close(g(&t["between"]["2020"]["coverage"]), 1.0));
    // Within u1: Σmin = 1.0, ΣA = 1.1, ΣY = 1.1; u2: Σmin = 1.1, ΣA = 1.5, ΣY = 1.1.
    assert!(close(g(&t["within"]["u1"]["consistency"]), 1.0 / 1.1));
    assert!(close(g(&t["within"]["u2"]["consistency"]), 1.1 / 1.5));
    assert!(close(g(&t["within"]["u2"]["coverage"]), 1.0));
    assert!(
        out.contains("panel diagnostics (parsimonious M1; clusters by year, units by unit)"),
        "{out}"
    );
}

#[test]
fn robustness_presets_of_the_standard_library() {
    let s = Session::new(".");
    let keys = |n: &str| -> Vec<String> {
        s.scope().sweeps[n]
            .iter()
            .map(|v| v.key.node.clone())
            .collect()
    };
    assert_eq!(keys("thresholds"), vec!["consistency", "cases"]);
    assert_eq!(keys("pri_levels"), vec!["pri"]);
    assert_eq!(keys("anchors"), vec!["anchors"]);
    assert_eq!(keys("standard"), vec!["consistency", "anchors"]);
    assert!(s.scope().sweeps["anchors"][0].by && s.scope().sweeps["anchors"][0].points);
    // Used by name: `thresholds` gives 3 × 2 variants.
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "d.csv",
        "a,b,y\n0.1,0.9,0.2\n0.8,0.7,0.9\n0.7,0.2,0.6\n0.3,0.4,0.1\n0.9,0.8,0.8\n",
    );
    let (s, _) = run_ok(
        dir.path().to_path_buf(),
        "data d = csv(\"d.csv\")\nconditions { A = a\n B = b }\noutcome Y = y\ncalibrate { * fuzzy }\nfsqca f: Y given A, B { consistency >= 0.8 }\nrobustness of f { thresholds }\n",
    );
    assert_eq!(
        robustness(&s)[0]["variants"].as_array().map(|v| v.len()),
        Some(6)
    );
    assert_eq!(
        robustness(&s)[0]["dimensions"],
        serde_json::json!(["consistency", "cases"])
    );
}

#[test]
fn corner_per_condition_as_r_writes_it() {
    // R's `corner = c(1, 2)`: condition A in corner 1, B in corner 2; each result equals the
    // engine run on its own with that corner.
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "d.csv",
        "a,b,y\n1,5,2\n2,4,3\n3,3,3\n4,2,5\n5,1,4\n",
    );
    let (s, _) = run_ok(
        dir.path().to_path_buf(),
        "data d = csv(\"d.csv\")\nconditions { A = a  B = b }\noutcome Y = y\nnca n: Y needs A, B { corner = [1, 2]\n on = raw }\nshow plan\n",
    );
    let j = analysis(&s, "n");
    let results = j["results"].as_array().expect("results");
    let x = [1.0, 2.0, 3.0, 4.0, 5.0];
    let b = [5.0, 4.0, 3.0, 2.0, 1.0];
    let y = [2.0, 3.0, 3.0, 5.0, 4.0];
    for (cond, xs, corner) in [("A", x, 1u8), ("B", b, 2u8)] {
        let want = toe::engine::nca::analyse(
            &xs,
            &y,
            &toe::engine::nca::NcaOptions {
                corner,
                ..Default::default()
            },
        )
        .expect("engine");
        let got: Vec<&serde_json::Value> =
            results.iter().filter(|r| r["condition"] == cond).collect();
        assert_eq!(got.len(), want.ceilings.len());
        for (g, w) in got.iter().zip(&want.ceilings) {
            assert_eq!(g["corner"], corner);
            assert_eq!(g["effect_size"].as_f64(), Some(w.effect_size));
        }
    }
    let mut s2 = toe::Session::new(dir.path());
    let bad = s2
        .run_text(
            "t",
            None,
            "data d = csv(\"d.csv\")\nconditions { A = a }\noutcome Y = y\nnca n: Y needs A { corner = [5]\n on = raw }\n".into(),
        )
        .expect_err("corner 5");
    assert_eq!(bad[0].code, "toe::check::bad_option");
    assert!(bad[0]
        .help
        .as_deref()
        .unwrap_or("")
        .contains("corner = [1, 2]"));
}

#[test]
fn half_memberships_are_worded_by_role() {
    let dir = tempfile::tempdir().expect("tmp");
    write(dir.path(), "d.csv", "a,y\n0.5,0.5\n0.2,0.9\n");
    let (mut s, _) = run_ok(
        dir.path().to_path_buf(),
        "data d = csv(\"d.csv\")\nconditions { A = a }\noutcome Y = y\ncalibrate { * fuzzy }\n",
    );
    let w = s.take_pending();
    assert_eq!(w.len(), 2, "{w:?}");
    assert!(w.iter().all(|d| d.code == "toe::run::half_membership"));
    assert!(w[0].message.contains("`A` in 1"), "{}", w[0].message);
    assert!(w[0]
        .help
        .as_deref()
        .unwrap_or("")
        .contains("no truth-table row"));
    assert!(
        w[1].message.contains("outcome memberships"),
        "{}",
        w[1].message
    );
    assert!(w[1].message.contains("`Y` in 1"));
    assert!(!w[1]
        .help
        .as_deref()
        .unwrap_or("")
        .contains("truth-table row"));
}

#[test]
fn robustness_moves_value_anchors_by_units_and_varies_contradictions() {
    // LR (raw Lipset): DEV's raw anchors moved by 50 and 100 units equal single runs with
    // those anchors; a `contradictions` sweep equals single runs with that second cut.
    let study = "data lr = csv(\"qca/LR.csv\", id = case)
conditions { DEV = DEV  URB = URB  LIT = LIT  IND = IND  STB = STB }
outcome SURV = SURV
calibrate {
  DEV direct(e = 400, c = 550, i = 900)
  URB direct(e = 25, c = 50, i = 65)
  LIT direct(e = p10, c = p50, i = p90)
  IND direct(e = 20, c = 30, i = 40)
  STB direct(e = 10, c = 5.5, i = 2)
  SURV direct(e = -9, c = 0, i = 9)
}
fsqca f: SURV given DEV, URB, LIT, IND, STB { consistency >= 0.8 }
";
    let (s, out) = run_ok(
        fixture(""),
        &format!("{study}robustness of f {{\n  vary anchors of DEV by [0, 50, 100]\n  vary contradictions in [0.6, 0.7]\n}}\n"),
    );
    assert!(
        out.contains("value anchors of DEV × contradictions"),
        "{out}"
    );
    let r = robustness(&s).pop().expect("sweep");
    let variants = r["variants"].as_array().expect("variants");
    assert_eq!(variants.len(), 6);
    for (shift, anchors) in [
        (50.0, "e = 450, c = 600, i = 950"),
        (100.0, "e = 500, c = 650, i = 1000"),
    ] {
        for cut in [0.6, 0.7] {
            let single = study.replace("e = 400, c = 550, i = 900", anchors).replace(
                "consistency >= 0.8",
                &format!("consistency >= 0.8, contradictions >= {cut}"),
            );
            let (one, _) = run_ok(fixture(""), &single);
            let m = &analysis(&one, "f")["solutions"]["parsimonious"][0];
            let v = variants
                .iter()
                .find(|v| {
                    v["params"]["value anchors of DEV"] == shift
                        && v["params"]["contradictions"] == cut
                })
                .expect("variant");
            assert_eq!(v["solution"], m["expression"], "shift {shift}, cut {cut}");
            assert!(close(
                v["consistency"].as_f64().unwrap_or(0.0),
                m["consistency"].as_f64().unwrap_or(1.0)
            ));
        }
    }
    // Shifts in units need one set, and value anchors to move.
    for (extra, help) in [
        ("vary anchors of * by [1]", "name the set"),
        ("vary anchors of LIT by [1]", "raw-value anchors"),
    ] {
        let mut s2 = toe::Session::new(fixture(""));
        let e = s2
            .run_text("t", None, format!("{study}robustness of f {{ {extra} }}\n"))
            .expect_err(extra);
        assert_eq!(e[0].code, "toe::check::bad_option", "{extra}");
        assert!(
            e[0].help.as_deref().unwrap_or("").contains(help),
            "{extra}: {:?}",
            e[0].help
        );
    }
}

#[test]
fn robustness_varies_directional_expectations() {
    // LF: each `vary expect of STB` variant equals a single run with that expectation;
    // the report names the expectations in words; a condition outside the analysis and a
    // value that is no expectation are refused.
    let study = "data lf = csv(\"qca/LF.csv\", id = case)
conditions { DEV = DEV  URB = URB  LIT = LIT  IND = IND  STB = STB }
outcome SURV = SURV
calibrate { * fuzzy }
fsqca f: SURV given DEV, URB, LIT, IND, STB {
  consistency >= 0.8
  expect DEV, URB, LIT, IND, STB
}
";
    let (s, out) = run_ok(
        fixture(""),
        &format!("{study}robustness of f {{ vary expect of STB in [present, absent, either] }}\n"),
    );
    assert!(out.contains("expect of STB"), "{out}");
    assert!(out.contains("absent") && out.contains("either"), "{out}");
    let r = robustness(&s).pop().expect("sweep");
    let variants = r["variants"].as_array().expect("variants");
    assert_eq!(variants.len(), 3);
    for (code, written) in [
        ("present", "STB"),
        ("absent", "~STB"),
        ("either", "STB | ~STB"),
    ] {
        let single = study.replace("IND, STB\n}", &format!("IND, {written}\n}}"));
        let (one, _) = run_ok(fixture(""), &single);
        let m = &analysis(&one, "f")["solutions"]["intermediate"][0];
        let v = variants
            .iter()
            .find(|v| v["params"]["expect of STB"] == code)
            .expect("variant");
        assert_eq!(v["solution"], m["expression"], "STB {written}");
    }
    for (extra, code) in [
        (
            "vary expect of SURV in [present]",
            "toe::check::unknown_set",
        ),
        ("vary expect of STB in [0.7]", "toe::check::bad_option"),
    ] {
        let mut s2 = toe::Session::new(fixture(""));
        let e = s2
            .run_text("t", None, format!("{study}robustness of f {{ {extra} }}\n"))
            .expect_err(extra);
        assert_eq!(e[0].code, code, "{extra}");
    }
}
