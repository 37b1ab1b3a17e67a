//! The tables a paper needs, on LF (Lipset, fuzzy): snapshots of every `show` of an fsqca
//! and an nca analysis, and the configuration table that docs/methods.md §5 derives by hand.

use crate::support::*;

const LF: &str = "data lf = csv(\"qca/LF.csv\", id = case)
conditions { DEV = DEV  URB = URB  LIT = LIT  IND = IND  STB = STB }
outcome SURV = SURV
calibrate { * fuzzy }
nca nec: SURV needs DEV, URB, LIT, IND, STB { permutations = 200
  seed = 1 }
fsqca high: SURV given DEV, URB, LIT, IND, STB {
  consistency >= 0.8
  expect DEV, URB, LIT, IND, STB
}
";

#[test]
fn lipset_configuration_table_by_hand() {
    let (s, _) = run_ok(fixture(""), LF);
    // Intermediate DEV*URB*LIT*STB + DEV*LIT*~IND*STB, parsimonious DEV*~IND + URB*STB:
    // S1 has URB and STB as core (URB*STB is inside it), S2 has DEV and ~IND (DEV*~IND).
    let c = analysis(&s, "high")["configurations"]
        .as_array()
        .expect("configurations")
        .clone();
    assert_eq!(c.len(), 2);
    assert_eq!(c[0]["id"], "S1");
    assert_eq!(c[0]["term"], "DEV*URB*LIT*STB");
    assert_eq!(c[0]["core"], serde_json::json!(["URB", "STB"]));
    assert_eq!(c[0]["peripheral"], serde_json::json!(["DEV", "LIT"]));
    assert_eq!(c[1]["id"], "S2");
    assert_eq!(c[1]["term"], "DEV*LIT*~IND*STB");
    assert_eq!(c[1]["core"], serde_json::json!(["DEV"]));
    assert_eq!(c[1]["core_absent"], serde_json::json!(["IND"]));
    assert_eq!(c[1]["peripheral"], serde_json::json!(["LIT", "STB"]));
    // R's QCA: covS of DEV*URB*LIT*STB in LF's intermediate solution (out_LF.json).
    let r = load_json("qca/out_LF.json");
    let want = r["intermediate"]["solutions"][0]["models"][0]["term_stats"][0]["covS"]
        .as_f64()
        .expect("covS");
    assert!(close(c[0]["coverage"].as_f64().unwrap_or(0.0), want));
}

#[test]
fn show_tables_of_lipset() {
    let mut script = LF.to_string();
    for q in [
        "configurations",
        "solutions",
        "truth_table",
        "necessity",
        "cases",
    ] {
        script.push_str(&format!("show {q} of high\n"));
    }
    script.push_str(
        "show solutions of high parsimonious\nshow nca of nec\nshow bottlenecks of nec\n",
    );
    let (_, out) = run_ok(fixture(""), &script);
    assert!(out.contains("  DEV (nec.)           •      ●"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn show_tables_of_a_seven_condition_study() {
    let base = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut script = std::fs::read_to_string(base.join("smart_government.toe")).expect("example");
    for q in ["truth_table", "necessity", "cases", "configurations"] {
        script.push_str(&format!("show {q} of high\n"));
    }
    script.push_str("show nca of nec\n");
    let (s, out) = run_ok(base, &script);
    // The configuration table groups by core: HUM*WEB*POL and HUM*FIS*DEM*POL*ECO share the
    // core HUM, POL (S1a, S1b, side by side), WEB*ORG*POL (core WEB, ORG, POL) is S2 and
    // HUM*FIS*~ORG*DEM*ECO (core DEM) S3.
    let c = analysis(&s, "high")["configurations"]
        .as_array()
        .expect("configurations")
        .clone();
    let ids: Vec<&str> = c.iter().map(|x| x["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["S1a", "S1b", "S2", "S3"]);
    assert_eq!(c[0]["core"], serde_json::json!(["HUM", "POL"]));
    assert_eq!(c[1]["core"], serde_json::json!(["HUM", "POL"]));
    assert_eq!(c[2]["core"], serde_json::json!(["WEB", "ORG", "POL"]));
    assert_eq!(c[3]["core"], serde_json::json!(["DEM"]));
    insta::assert_snapshot!(out);
}

#[test]
fn plain_tables_use_ascii_symbols() {
    let (mut s, _) = run_ok(fixture(""), LF);
    s.style.unicode = false;
    let out = s
        .run_text("t", None, "show configurations of high\n".into())
        .expect("show");
    assert!(
        out.contains("  URB                  O") && !out.contains('●'),
        "{out}"
    );
    assert!(
        out.contains("O core present, o peripheral present, X core absent, x peripheral absent")
    );
}
