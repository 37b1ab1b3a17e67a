//! The tables a paper needs, on LF (Lipset, fuzzy): snapshots of every `show` of an fsqca
//! and an nca analysis, and the configuration table that METHODS.md §5 derives by hand.

mod common;
use common::*;

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
    let c = s.results["high"]["configurations"]
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
