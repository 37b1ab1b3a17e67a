//! Every example in `examples/` runs, and its key numbers are asserted: against R's QCA and
//! NCA fixtures where the example uses their data, by hand calculation otherwise.

use crate::support::*;
use serde_json::Value;
use std::path::PathBuf;

fn run_example(name: &str) -> (toe::Session, String) {
    let base = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples");
    let text = std::fs::read_to_string(base.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    // Exports go to a temporary folder, not into the repository.
    let dir = tempfile::tempdir().expect("tmp");
    let text = text.replace("\"out/", &format!("\"{}/", dir.path().display()));
    run_ok(base, &text)
}

fn expressions(models: &Value) -> Vec<String> {
    let mut v: Vec<String> = models
        .as_array()
        .expect("models")
        .iter()
        .map(|m| m["expression"].as_str().expect("e").to_string())
        .collect();
    v.sort();
    v.dedup();
    v
}

fn reference_expressions(out: &Value, kind: &str) -> Vec<String> {
    let models: Vec<&Value> = if kind == "intermediate" {
        out["intermediate"]["solutions"]
            .as_array()
            .expect("i")
            .iter()
            .flat_map(|s| s["models"].as_array().expect("m").iter())
            .collect()
    } else {
        out[kind]["models"].as_array().expect("m").iter().collect()
    };
    let mut v: Vec<String> = models
        .iter()
        .map(|m| m["expression"].as_str().expect("e").to_string())
        .collect();
    v.sort();
    v.dedup();
    v
}

#[test]
fn every_example_runs() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).expect("examples") {
        let p = e.expect("entry").path();
        if p.extension().and_then(|x| x.to_str()) == Some("toe") {
            let name = p
                .file_name()
                .and_then(|n| n.to_str())
                .expect("name")
                .to_string();
            let text = std::fs::read_to_string(&p).expect("read");
            assert!(
                text.starts_with('#'),
                "{name}: no comment header saying what it shows"
            );
            run_example(&name);
            n += 1;
        }
    }
    assert!(n >= 6, "{n} examples");
}

#[test]
fn lipset_gives_r_qca_solutions_for_lf() {
    let (s, _) = run_example("lipset.toe");
    let out = load_json("qca/out_LF.json");
    let a = &analysis(&s, "survival");
    for kind in ["complex", "parsimonious", "intermediate"] {
        assert_eq!(
            expressions(&a["solutions"][kind]),
            reference_expressions(&out, kind),
            "{kind}"
        );
    }
    let m = &a["solutions"]["intermediate"][0];
    let r = &out["intermediate"]["solutions"][0]["models"][0];
    assert!(close(
        m["consistency"].as_f64().unwrap_or(0.0),
        r["inclS"].as_f64().unwrap_or(1.0)
    ));
    assert!(close(
        m["coverage"].as_f64().unwrap_or(0.0),
        r["covS"].as_f64().unwrap_or(1.0)
    ));
}

#[test]
fn lipset_raw_gives_r_qca_calibration_and_solutions_for_lr() {
    let (s, _) = run_example("lipset_raw.toe");
    let out = load_json("qca/out_LR.json");
    // necessary? DEV for SURV: R's pofind gives inclN 0.825003112632459 for DEV.
    assert!(close(
        queries(&s)[0]["consistency"].as_f64().unwrap_or(0.0),
        0.825003112632459
    ));
    let a = &analysis(&s, "survival");
    for kind in ["complex", "parsimonious", "intermediate"] {
        assert_eq!(
            expressions(&a["solutions"][kind]),
            reference_expressions(&out, kind),
            "{kind}"
        );
    }
}

/// Effect sizes (and p-values, for every ceiling but OLS) of an example's nca analysis
/// against an NCA fixture; `pairs` maps the example's set names to the fixture's columns.
fn assert_nca_like_r(
    results: &Value,
    fixture_name: &str,
    pairs: &[(&str, &str)],
    ceilings: &[&str],
) {
    let out = load_json(fixture_name);
    let results = results.as_array().expect("results");
    for (ours, theirs) in pairs {
        for c in ceilings {
            let r = results
                .iter()
                .find(|r| r["condition"] == *ours && r["ceiling"] == *c)
                .expect("result");
            let w = &out["results"][theirs]["ceilings"][c];
            for stat in ["effect_size", "p_value"] {
                if stat == "p_value" && *c == "ols" {
                    continue;
                }
                let (g, want) = (
                    r[stat].as_f64().unwrap_or(0.0),
                    w[stat].as_f64().unwrap_or(1.0),
                );
                assert!(close(g, want), "{ours} {c} {stat}: toe {g} vs R {want}");
            }
        }
    }
}

#[test]
fn nca_example_gives_r_nca_p_values() {
    let (s, _) = run_example("nca_example.toe");
    assert_nca_like_r(
        &analysis(&s, "nec")["results"],
        "nca/out_example.json",
        &[("IND", "Individualism"), ("RISK", "Risk taking")],
        &["ce_fdh", "cr_fdh", "ols"],
    );
}

/// The whole NCA protocol on nca.example: the analysis as R (p-values with seed 123), the
/// outliers as `nca_outliers` (k = 2: Japan - Finland first for Individualism × CE-FDH,
/// 42.3 % more), the bottleneck cases at the 75th percentile as Dul's helper (CE-FDH: 5 and
/// 4 cases, 7 in all) and the robustness table (removing Japan makes both conditions
/// necessary: fragile).
#[test]
fn nca_protocol_runs_every_step_like_r() {
    let (s, out) = run_example("nca_protocol.toe");
    assert_nca_like_r(
        &analysis(&s, "nec")["results"],
        "nca/out_example.json",
        &[("IND", "Individualism"), ("RISK", "Risk taking")],
        &["ce_fdh", "cr_fdh"],
    );
    let a = analysis(&s, "nec");
    let first = &a["outliers"][0];
    assert_eq!(first["condition"], "IND");
    assert_eq!(first["ceiling"], "ce_fdh");
    assert_eq!(
        first["rows"][0]["cases"],
        serde_json::json!(["Japan", "Finland"])
    );
    assert!(close(
        first["rows"][0]["dif_rel"].as_f64().unwrap(),
        42.2759324550009
    ));
    let bc = &a["bottleneck_cases"]["tables"][0];
    assert_eq!(bc["conditions"][0]["count"], 5);
    assert_eq!(bc["conditions"][1]["count"], 4);
    assert_eq!(bc["any_cases"].as_array().unwrap().len(), 7);
    assert!(
        out.contains("IND: fragile (the verdict changes with outliers 1 removed)"),
        "{out}"
    );
    assert!(out.contains("RISK: fragile"), "{out}");
    // the power of the test as R's nca_power (out_power.json): 0.42 and 0.94
    let doc = s.document("nca_protocol.toe", b"");
    let pw = doc["analyses"]
        .as_array()
        .and_then(|a| a.iter().find(|a| a["kind"] == "nca_power"))
        .expect("power");
    assert_eq!(pw["rows"][0]["power"], 0.42);
    assert_eq!(pw["rows"][1]["power"], 0.94);
}

#[test]
fn survey_likert_gives_r_nca_p_values() {
    let (s, _) = run_example("survey_likert.toe");
    assert_nca_like_r(
        &analysis(&s, "raw_scale")["results"],
        "nca/out_likert.json",
        &[("A", "L1"), ("B", "L2")],
        &["ce_fdh", "cr_fdh"],
    );
    // A*B with consistency 0.7498724… passes `consistency >= 0.7`.
    assert_eq!(
        expressions(&analysis(&s, "high")["solutions"]["intermediate"]),
        vec!["A*B".to_string()]
    );
}

#[test]
fn smart_government_runs_the_whole_study() {
    let (s, out) = run_example("smart_government.toe");
    assert_eq!(s.scope().data.as_ref().map(|d| d.table.rows()), Some(31));
    // Quartile anchors: e is the 25th percentile of the column (R's type 7), checked by hand
    // on the sorted column.
    let hum = s.set("HUM").expect("HUM");
    let mut v = hum.raw.to_vec();
    v.sort_by(f64::total_cmp);
    // n = 31: h = 30 · 0.25 = 7.5 → (v[7] + v[8]) / 2
    assert!(close(
        hum.calibration.as_ref().expect("cal").anchors[0].1,
        (v[7] + v[8]) / 2.0
    ));
    let a = &analysis(&s, "high");
    assert_eq!(a["thresholds"]["pri"], 0.7);
    assert!(!a["configurations"].as_array().expect("c").is_empty());
    assert!(out.contains("configurations of high"));
    let nca = &analysis(&s, "nec");
    assert_eq!(nca["permutations"], 10000);
    assert_eq!(nca["results"].as_array().map(|r| r.len()), Some(14));
}

#[test]
fn digital_index_weights_by_hand() {
    let (s, _) = run_example("digital_index.toe");
    let ix = &s.results().indices["DIGI"];
    // The entropy weights recomputed here from docs/methods.md §6, independently of the engine.
    let t = &s.scope().data.as_ref().expect("data").table;
    let cols: Vec<(Vec<f64>, bool)> = [
        ("it_employment", false),
        ("broadband_ratio", false),
        ("website_reduction", true),
    ]
    .iter()
    .map(|(c, neg)| (t.column(t.column_index(c).expect("col")).to_vec(), *neg))
    .collect();
    let n = cols[0].0.len() as f64;
    let mut d = Vec::new();
    for (c, neg) in &cols {
        let (lo, hi) = c
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
                (a.min(*x), b.max(*x))
            });
        let x: Vec<f64> = c
            .iter()
            .map(|v| {
                if *neg {
                    (hi - v) / (hi - lo)
                } else {
                    (v - lo) / (hi - lo)
                }
            })
            .collect();
        let sum: f64 = x.iter().sum();
        let e: f64 = -x
            .iter()
            .map(|v| v / sum)
            .filter(|p| *p > 0.0)
            .map(|p| p * p.ln())
            .sum::<f64>()
            / n.ln();
        d.push(1.0 - e);
    }
    let total: f64 = d.iter().sum();
    for (k, dj) in d.iter().enumerate() {
        assert!(
            (ix.weights[0].1[k] - dj / total).abs() < 1e-12,
            "weight {k}"
        );
    }
    assert!((ix.weights[0].1.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    assert_eq!(queries(&s).len(), 3);
}

/// `examples/fsqca_protocol.toe` on SetMethods' JOBF: the calibration diagnostics
/// (`out_skew_jobf.json`: HS 28 of 51 = 54.9 %), the necessity search (`out_ss_jobf.json`
/// run 1: 15 expressions, HS first with consistency 0.909857904085257), the intermediate
/// solution (`out_esa_jobf.json` plain: consistency 0.842275670675301), the ESA's
/// exclusions (QCA's rows for LJS*PP, 4 8 16 20, and the CSA 4 20 27 29 31), the theory
/// evaluation (`out_theory_jobf.json`: T*S consistency 0.846899224806202, the corrected
/// inconsistent most likely cases E23 E27 E31), then the robustness metrics over 3 test
/// solutions and a leave-one-out of 51 runs.
#[test]
fn fsqca_protocol_runs_every_step_like_setmethods() {
    let (s, out) = run_example("fsqca_protocol.toe");
    let doc = s.document("fsqca_protocol.toe", b"");
    let hs = &doc["sets"][0]["skew"];
    assert_eq!(
        (hs["above_half"].as_u64(), hs["cases"].as_u64()),
        (Some(28), Some(51))
    );
    assert!(out.contains("HS   condition     28     51   54.9"), "{out}");
    let search = &doc["necessity_searches"][0]["rows"];
    assert_eq!(search.as_array().unwrap().len(), 15);
    assert_eq!(search[0]["expression"], "HS");
    assert!(close(
        search[0]["consistency"].as_f64().unwrap(),
        0.909857904085257
    ));
    let jobs = analysis(&s, "jobs");
    let m = &jobs["solutions"]["intermediate"][0];
    assert_eq!(m["expression"], "HS*FS*~LJS + FS*LJS*PP + HS*LS*LJS*PP");
    assert!(close(m["consistency"].as_f64().unwrap(), 0.842275670675301));
    let esa = analysis(&s, "esa");
    let rows: Vec<u64> = esa["excluded_remainders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["row"].as_u64().unwrap())
        .collect();
    assert_eq!(rows, vec![4, 8, 16, 20, 27, 29, 31]);
    let th = &doc["theories"][0]["models"][0];
    assert!(close(
        th["intersections"][0]["consistency"].as_f64().unwrap(),
        0.846899224806202
    ));
    assert_eq!(
        th["cases"]["TS~Y"],
        serde_json::json!(["E23", "E27", "E31"])
    );
    let analyses = doc["analyses"].as_array().unwrap();
    let rob = analyses.iter().find(|a| a["kind"] == "robustness").unwrap();
    assert_eq!(rob["metrics"]["tests"], 3);
    assert_eq!(rob["metrics"]["per_model"][0]["model"], "M1");
    assert_eq!(rob["metrics"]["per_model"][0]["from"], "C1P1");
    let loo = analyses.iter().find(|a| a["kind"] == "resample").unwrap();
    assert_eq!(loo["runs_detail"].as_array().unwrap().len(), 51);
    assert_eq!(
        loo["retention"]["intermediate"].as_array().unwrap().len(),
        3
    );
    // the export of the analysis carries the protocol: case selection, theory, robustness,
    // leave-one-out (HTML and JSON), and the XY plot colours the cases by class
    let base = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples");
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path().display();
    let text = std::fs::read_to_string(base.join("fsqca_protocol.toe")).expect("example")
        + &format!("export jobs to \"{d}/jobs.html\"\nexport jobs to \"{d}/jobs.json\"\nexport jobs to \"{d}/jobs.svg\"\n");
    run_ok(base, &text);
    let html = std::fs::read_to_string(dir.path().join("jobs.html")).expect("html");
    for part in [
        "Typical cases of HM model",
        "Theory HS*PP + FS*LS",
        "Robustness metrics of HM",
        "Leave-one-out of HM",
    ] {
        assert!(html.contains(part), "{part}");
    }
    let j: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("jobs.json")).expect("json"))
            .expect("json");
    assert_eq!(j["theories"].as_array().unwrap().len(), 1);
    assert_eq!(j["robustness"].as_array().unwrap().len(), 1);
    assert_eq!(j["resample"].as_array().unwrap().len(), 1);
    assert!(!j["case_selection"][0]["typical"]
        .as_array()
        .unwrap()
        .is_empty());
    let svg = std::fs::read_to_string(dir.path().join("jobs.svg")).expect("svg");
    assert!(svg.contains("deviant coverage"), "legend");
}

/// The NEST section of a run's output.
fn nest_section(out: &str) -> String {
    out.split("\n\n")
        .find(|b| b.starts_with("NEST table"))
        .unwrap_or_default()
        .to_string()
}

/// The NEST tables of `lipset.toe` and `smart_government.toe` (golden), every required level
/// by hand from the deciding ceiling's line (CR-FDH: x = (0.5 − intercept) / slope; NN when
/// that is at or below the lowest observed x), every value and mark of the JSON equal to the
/// bottleneck table of an nca with `bottlenecks = [0.5], actual`, and on LF the warning for
/// S2 (~IND as core while the NCA finds IND necessary) naming FI and IE.
#[test]
fn nest_tables_join_nca_and_qca() {
    for (example, fsqca, conds) in [
        ("lipset.toe", "survival", "DEV, URB, LIT, IND, STB"),
        (
            "smart_government.toe",
            "high",
            "HUM, WEB, FIS, ORG, DEM, POL, ECO",
        ),
    ] {
        let (s, out) = run_example(example);
        insta::assert_snapshot!(format!("nest_{fsqca}"), nest_section(&out));
        let doc = s.document(example, b"");
        let nest = &doc["nests"][0];
        assert_eq!(nest["fsqca"], fsqca);
        let nca = doc["analyses"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["kind"] == "nca")
            .unwrap();
        for c in nest["conditions"].as_array().unwrap() {
            let r = nca["results"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["condition"] == c["condition"] && r["ceiling"] == "cr_fdh")
                .unwrap();
            let x = (0.5 - r["intercept"].as_f64().unwrap()) / r["slope"].as_f64().unwrap();
            match c["required"].as_f64() {
                Some(v) => assert!((v - x).abs() < 1e-12, "{}: {v} vs {x}", c["condition"]),
                None => {
                    assert_eq!(c["required"], "NN");
                    assert!(
                        x <= r["xmin"].as_f64().unwrap() + 1e-12,
                        "{}",
                        c["condition"]
                    );
                }
            }
        }
        // the same levels from a bottleneck table at outcome 0.5 in actual units
        let base = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples");
        let text = std::fs::read_to_string(base.join(example)).unwrap()
            + &format!("nca at_half: {} needs {conds} {{ ceilings = [cr_fdh]  bottlenecks = [0.5], actual }}\n", if fsqca == "high" { "SG" } else { "SURV" });
        let (s2, _) = run_ok(base, &text);
        let table = &analysis(&s2, "at_half")["bottlenecks"][0]["rows"][0];
        assert_eq!(table["outcome"], 0.5);
        for c in nest["conditions"].as_array().unwrap() {
            let name = c["condition"].as_str().unwrap();
            assert_eq!(c["required"], table["values"][name], "{example} {name}");
            for cfg in nest["configurations"].as_array().unwrap() {
                let cell = &cfg["cells"][name];
                if cell["nca_mark"] == true {
                    assert_eq!(cell["required"], table["values"][name]);
                    assert_eq!(cell["qca"], "blank");
                    assert_eq!(c["in_degree"], true);
                }
            }
        }
        // below-required cases by hand: the configuration's cases whose membership in the
        // condition is under the required level, and only those
        let f = &doc["analyses"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == fsqca)
            .unwrap()
            .clone();
        let sets = doc["sets"].as_array().unwrap();
        let ids: Vec<&str> = doc["data"]["cases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        for b in nest["below_required"].as_array().unwrap() {
            let cond = b["condition"].as_str().unwrap();
            let t = nest["conditions"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["condition"] == cond)
                .unwrap()["required"]
                .as_f64()
                .unwrap();
            let m = &sets.iter().find(|x| x["name"] == cond).unwrap()["membership"];
            let cfg = f["configurations"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["id"] == b["configuration"])
                .unwrap();
            let term = f["solutions"]["intermediate"][0]["terms"]
                .as_array()
                .unwrap()
                .iter()
                .find(|t| t["expr"] == cfg["term"])
                .unwrap();
            let below: Vec<&str> = term["cases"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap())
                .filter(|c| {
                    m[ids.iter().position(|x| x == c).unwrap()]
                        .as_f64()
                        .unwrap()
                        < t
                })
                .collect();
            assert_eq!(b["cases"], serde_json::json!(below), "{fsqca} {cond}");
        }
        if fsqca == "high" {
            assert!(!nest["below_required"].as_array().unwrap().is_empty());
        }
        if fsqca == "survival" {
            let w = doc["warnings"]
                .as_array()
                .unwrap()
                .iter()
                .find(|w| w["code"] == "toe::run::absent_necessary")
                .expect("the S2 warning");
            assert!(w["message"]
                .as_str()
                .unwrap()
                .contains("~IND as core in S2 (cases FI, IE)"));
            assert_eq!(
                nest["absent_necessary"][0]["cases"],
                serde_json::json!(["FI", "IE"])
            );
        }
    }
}

/// Bad `nest` statements are coded diagnostics: the analyses in the wrong order, an nca on
/// raw values, different outcomes, an unknown option, a level outside [0, 1].
#[test]
fn nest_bad_input_is_coded() {
    let head = "data d = csv(\"qca/LF.csv\", id = case)\nconditions { DEV = DEV  URB = URB  LIT = LIT  IND = IND  STB = STB }\noutcome SURV = SURV\ncalibrate { * fuzzy }\nnca nec: SURV needs DEV, LIT { permutations = 0 }\nnca raw: SURV needs DEV { on = raw }\nfsqca f: SURV given DEV, URB, LIT { consistency >= 0.8 }\nfsqca g: ~SURV given DEV, URB, LIT { consistency >= 0.8 }\n";
    assert_error_codes(
        head,
        &[
            ("nest nec with f\n", "toe::check::bad_option"),
            ("nest f with raw\n", "toe::check::bad_option"),
            ("nest g with nec\n", "toe::check::bad_option"),
            (
                "nest f with nec { lvl = 0.5 }\n",
                "toe::check::unknown_option",
            ),
            (
                "nest f with nec { level = 1.5 }\n",
                "toe::check::bad_option",
            ),
            ("nest f with nce\n", "toe::check::unknown_analysis"),
        ],
    );
    let (_, out) = run_ok(
        fixture(""),
        &format!("{head}nest f with nec {{ level = 0.6 }}\n"),
    );
    assert!(out.contains("at outcome 0.6"), "{out}");
}
