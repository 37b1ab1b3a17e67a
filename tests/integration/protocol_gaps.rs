//! The last reference gaps of the NCA and fsQCA protocols (docs/methods.md §3.9–3.11, §4.8,
//! §8): each behaviour against the reference's own output where the fixtures hold it, or a
//! hand calculation stated in the test.

use crate::support::*;
use serde_json::Value;

/// A number of the reference's JSON ("Inf" for ∞).
fn as_f64(v: &Value) -> f64 {
    match v {
        Value::Number(n) => n.as_f64().unwrap_or(f64::NAN),
        Value::String(s) if s == "Inf" => f64::INFINITY,
        Value::String(s) if s == "-Inf" => f64::NEG_INFINITY,
        _ => f64::NAN,
    }
}

/// The run of `out_outliers_example.json` for toe's outlier search `g` with that k: R's name
/// of the condition and the run.
fn reference_run<'a>(out: &'a Value, g: &Value, k: u64) -> (&'static str, &'a Value) {
    let x = if g["condition"] == "IND" {
        "Individualism"
    } else {
        "Risk taking"
    };
    let run = out["runs"]
        .as_array()
        .and_then(|runs| {
            runs.iter()
                .find(|r| r["x"] == x && r["ceiling"] == g["ceiling"] && r["k"] == k)
        })
        .expect("run");
    (x, run)
}

/// R's `nca_outliers(min.dif, max.results)` as `outliers_min_change` and `outliers_max_rows`:
/// the rows whose |relative change| (percent, rounded to 2 decimals) reaches 10, in R's
/// order, and the first 5 of them shown — read off the reference's unrounded rows of the same
/// search (`out_outliers_example.json`, k = 2, min.dif 0.01: every row with its dif.rel);
/// the rows keep R's order, which the cut does not change.
#[test]
fn outlier_options_min_dif_and_max_results() {
    let out = load_json("nca/out_outliers_example.json");
    let text = "data d = csv(\"nca/nca_example.csv\", id = Country)\n\
                conditions { IND = \"Individualism\"  RISK = \"Risk taking\" }\n\
                outcome Y = \"Innovation performance\"\n\
                nca n: Y needs IND, RISK {\n  on = raw\n  ceilings = [ce_fdh, cr_fdh]\n  outliers = 2\n  outliers_min_change = 10\n  outliers_max_rows = 5\n}\n";
    let (session, _) = run_ok(fixture(""), text);
    let a = analysis(&session, "n");
    let mut compared = 0;
    for g in a["outliers"].as_array().expect("outliers") {
        let (x, run) = reference_run(&out, g, 2);
        let round2 = |v: f64| (v * 100.0).round() / 100.0;
        let want: Vec<&Value> = run["all_rows_unrounded"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|w| round2(as_f64(&w["dif.rel"]).abs()) >= 10.0)
            .collect();
        let have = g["rows"].as_array().unwrap();
        assert_eq!(have.len(), want.len(), "{x} {}", g["ceiling"]);
        for (h, w) in have.iter().zip(&want) {
            // The cases (a label orders them by their own single-case rows, which the cut
            // changes: a case without a kept row counts 0, as R's rule says).
            let mut cases: Vec<&str> = h["cases"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|v| v.as_str())
                .collect();
            let mut theirs: Vec<&str> = w["outliers"].as_str().unwrap().split(" - ").collect();
            cases.sort();
            theirs.sort();
            assert_eq!(cases, theirs);
            assert!(close(as_f64(&h["dif_rel"]), as_f64(&w["dif.rel"])));
            compared += 1;
        }
        assert_eq!(g["shown"], want.len().min(5));
        assert_eq!(g["hidden"], want.len().saturating_sub(5));
    }
    assert!(compared > 20, "{compared}");
    // R's names are translated.
    let mut s = toe::Session::new(fixture(""));
    let r = s.run_text(
        "t",
        None,
        "data d = csv(\"nca/nca_example.csv\", id = Country)\nconditions { IND = \"Individualism\" }\noutcome Y = \"Innovation performance\"\nnca n: Y needs IND { on = raw  outliers = 1  min.dif = 1 }\n".into(),
    );
    let d = r.expect_err("R's name");
    assert_eq!(d[0].code, "toe::check::r_option");
    assert!(d[0]
        .help
        .as_deref()
        .unwrap_or("")
        .contains("outliers_min_change"));
}

/// Outlier candidates under a theoretical scope: R takes the cases at the data's own extremes
/// (the summary's empirical Xmin … Ymax), not at the scope's limits. In nca.example, Mexico has
/// the lowest innovation performance (1.2) and is no peer: with `scope = [0, 100, 0, 250]` it
/// is a candidate, so removing Japan and Mexico together is a row — with Japan's own change
/// (Mexico changes nothing under a fixed scope), right after Japan's row (a tie: fewer names
/// first, then candidate order).
#[test]
fn outlier_candidates_under_a_theoretical_scope_are_the_data_s_extremes() {
    let text = "data d = csv(\"nca/nca_example.csv\", id = Country)\n\
                conditions { IND = \"Individualism\" }\noutcome Y = \"Innovation performance\"\n\
                nca n: Y needs IND { on = raw  scope = [0, 100, 0, 250]  outliers = 2 }\n";
    let (session, _) = run_ok(fixture(""), text);
    let a = analysis(&session, "n");
    for g in a["outliers"].as_array().unwrap() {
        let rows = g["rows"].as_array().unwrap();
        let cases = |r: &Value| -> Vec<String> {
            r["cases"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap().to_string())
                .collect()
        };
        let japan = rows
            .iter()
            .position(|r| cases(r) == ["Japan"])
            .expect("Japan");
        let pair = rows
            .iter()
            .position(|r| cases(r) == ["Japan", "Mexico"])
            .unwrap_or_else(|| panic!("{}: no Japan - Mexico row", g["ceiling"]));
        assert_eq!(pair, japan + 1, "{}", g["ceiling"]);
        assert!(close(
            as_f64(&rows[pair]["dif_rel"]),
            as_f64(&rows[japan]["dif_rel"])
        ));
        // No scope flag with a theoretical scope (R removes the column).
        assert!(rows[japan]["scope"].is_null());
    }
}

/// Bottleneck units per axis (R's `bottleneck.x = "percentile"`, `bottleneck.y = "actual"`,
/// `out_bn_act_example.json`): every required level and, beside each percentage, the number of
/// cases below it as R prints them ("39.3 (11)"), in the table and the JSON.
#[test]
fn bottleneck_units_per_axis_with_percentile_counts() {
    let out = load_json("nca/out_bn_act_example.json");
    let text = "data d = csv(\"nca/nca_example.csv\", id = Country)\n\
                conditions { IND = \"Individualism\"  RISK = \"Risk taking\" }\n\
                outcome Y = \"Innovation performance\"\n\
                nca n: Y needs IND, RISK {\n  on = raw\n  ceilings = [ce_fdh, cr_fdh]\n  bottlenecks = [57.349999999999994, 88.42500000000001, 172.05]\n  bottleneck_x = percentile\n  bottleneck_y = actual\n}\n\
                show bottlenecks of n\n";
    let (session, shown) = run_ok(fixture(""), text);
    let a = analysis(&session, "n");
    let mut compared = 0;
    for b in a["bottlenecks"].as_array().unwrap() {
        assert_eq!(b["type"], "percentile");
        assert_eq!(b["outcome_type"], "actual");
        let theirs = &out["bottlenecks"][b["ceiling"].as_str().unwrap()]["x"];
        for (code, name) in [("IND", "Individualism"), ("RISK", "Risk taking")] {
            let want = &theirs[name];
            for (k, row) in b["rows"].as_array().unwrap().iter().enumerate() {
                assert!(close(
                    as_f64(&row["outcome"]),
                    as_f64(&out["bottlenecks"][b["ceiling"].as_str().unwrap()]["y_actual"][k])
                ));
                let cases = want["cases"][k].as_f64().unwrap();
                assert_eq!(row["cases"][code].as_f64().unwrap(), cases, "{code} {k}");
                let display = format!("{} ({})", want["display"][k].as_str().unwrap(), cases);
                assert!(shown.contains(&display), "{display} not in\n{shown}");
                compared += 1;
            }
        }
    }
    assert_eq!(compared, 12);
    assert!(shown.contains("In brackets: the number of cases below the required level"));
}

/// "NN" in Dul's robustness table: where no level of a condition is required at the target,
/// the cases below it are NA (Dul's `as.numeric("NN")`), not 0. Hand-made data: the case
/// (0, 10) has the highest outcome at the lowest condition, so the CE-FDH ceiling is flat at
/// the top and nothing is required at any outcome level (NN); the other condition is not.
#[test]
fn nn_levels_in_the_robustness_table_are_na() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join("d.csv"),
        "id,x,z,y\na,0,9,10\nb,5,1,3\nc,10,8,7\nd,2,2,1\ne,8,10,9\nf,4,4,4\ng,6,6,6\n",
    )
    .expect("csv");
    let text = "data d = csv(\"d.csv\", id = id)\nconditions { X = x  Z = z }\noutcome Y = y\n\
                nca n: Y needs X, Z { on = raw  ceilings = [ce_fdh]  permutations = 50  seed = 1 }\n\
                robustness of n { vary d in [0.2] }\n";
    let (s, shown) = run_ok(dir.path().to_path_buf(), text);
    let rob = of_kind(&s, text, "nca_robustness");
    for run in rob["runs"].as_array().unwrap() {
        let x = &run["conditions"][0];
        assert_eq!(x["required"], "NN", "{x}");
        assert!(
            x["cases_below"].is_null() && x["percent_below"].is_null(),
            "{x}"
        );
        let z = &run["conditions"][1];
        assert_ne!(z["required"], "NN", "{z}");
        assert!(z["cases_below"].is_number(), "{z}");
    }
    // The table: NA for X's cases below and share.
    assert!(
        shown
            .lines()
            .any(|l| l.contains("baseline  X") && l.trim_end().ends_with("NA     NA")),
        "{shown}"
    );
}

/// Truth-table rows without a case above 0.5 (n = 0, OUT "?") are listed as R's QCA lists
/// them but never counted as observed. Hand calculation: case b sits at A = 0.5, so its
/// membership is 0.5 in both rows ~A*B (01) and A*B (11) and it is in neither; a is in 11,
/// c in 00. Listed rows: 00, 01, 11; observed: 00 and 11; remainders: 4 − 2 = 2.
#[test]
fn rows_without_a_case_are_not_observed() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join("d.csv"),
        "id,a,b,y\na,0.9,0.8,0.9\nb,0.5,0.8,0.6\nc,0.1,0.2,0.1\n",
    )
    .expect("csv");
    let text = "data d = csv(\"d.csv\", id = id)\nconditions { A = a  B = b }\noutcome Y = y\n\
                calibrate { A fuzzy  B fuzzy  Y fuzzy }\n\
                fsqca f: Y given A, B { cases >= 1  consistency >= 0.8 }\n";
    let (s, shown) = run_ok(dir.path().to_path_buf(), text);
    assert!(
        shown.contains(
            "truth table: 2 observed rows (1 positive, 1 negative, 0 contradictions, 0 below the frequency cut); 1 row without a case above 0.5 (a remainder)"
        ),
        "{shown}"
    );
    let f = analysis(&s, "f");
    let rows = f["truth_table"].as_array().expect("rows");
    let listed: Vec<(u64, u64)> = rows
        .iter()
        .map(|r| (r["row"].as_u64().unwrap(), r["n"].as_u64().unwrap()))
        .collect();
    // Row numbers are R's: 1 + A·2 + B (the first condition the highest digit).
    assert_eq!(listed, vec![(1, 1), (2, 0), (4, 1)]);
    assert_eq!(f["remainders"], 2);
    // the cases at exactly 0.5, per set, in the JSON (printed by `show calibration`)
    let doc = s.document("t.toe", text.as_bytes());
    let half = |name: &str| -> Value {
        doc["sets"]
            .as_array()
            .and_then(|a| a.iter().find(|x| x["name"] == name))
            .map(|x| x["half_memberships"].clone())
            .unwrap_or(Value::Null)
    };
    assert_eq!(half("A"), serde_json::json!(["b"]));
    assert_eq!(half("B"), serde_json::json!([]));
}

/// The nca block as written for the protocol by the reference's users:
/// nca.example with both conditions and both step ceilings.
const NCA_EXAMPLE: &str = "data d = csv(\"nca/nca_example.csv\", id = Country)\n\
    conditions { IND = \"Individualism\"  RISK = \"Risk taking\" }\n\
    outcome Y = \"Innovation performance\"\n";

/// Several target levels in one nca block (`target = [p50, p75, p90]`): one run gives the
/// bottleneck cases at each level, in order, each as Dul's helpers give them for that level
/// alone (`out_bncases_example.json`: the level, the required condition level, the cases
/// below it, those it alone holds back, and the cases held back by any condition).
#[test]
fn several_targets_in_one_block() {
    let out = load_json("nca/out_bncases_example.json");
    let text = format!(
        "{NCA_EXAMPLE}nca n: Y needs IND, RISK {{ on = raw  ceilings = [ce_fdh, cr_fdh]  target = [p50, p75, p90] }}\nshow bottleneck_cases of n\n"
    );
    let (session, shown) = run_ok(fixture(""), &text);
    let a = analysis(&session, "n");
    let bc = &a["bottleneck_cases"];
    assert_eq!(bc["target"], "p50");
    assert_eq!(bc["targets"], serde_json::json!(["p50", "p75", "p90"]));
    let tables = bc["tables"].as_array().expect("tables");
    let runs = out["runs"].as_array().expect("runs");
    assert_eq!(tables.len(), runs.len());
    assert_eq!(tables.len(), 6);
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect()
    };
    for t in tables {
        let run = runs
            .iter()
            .find(|r| r["label"] == t["target"] && r["ceiling"] == t["ceiling"])
            .unwrap_or_else(|| panic!("no reference run for {} {}", t["target"], t["ceiling"]));
        let dul = &run["dul"];
        assert!(close(
            as_f64(&t["target_value"]),
            as_f64(&run["target_outcome"])
        ));
        for (code, name) in [("IND", "Individualism"), ("RISK", "Risk taking")] {
            let c = t["conditions"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["condition"] == code)
                .expect("condition");
            let (mine, theirs) = (&c["required"], &dul["raw_threshold"][name]);
            match (mine.as_f64(), theirs.as_f64()) {
                (Some(a), Some(b)) => assert!(close(a, b), "{mine} vs {theirs}"),
                // Dul's helper gives -Inf where no level is required: toe's "NN"
                _ => assert_eq!(
                    mine.as_str(),
                    Some(if theirs == "-Inf" { "NN" } else { "NA" }),
                    "{} {} {code}: {theirs}",
                    t["target"],
                    t["ceiling"]
                ),
            }
            assert_eq!(c["count"], dul["bottleneck_cases_num"][name]);
            assert_eq!(
                strings(&c["single_cases"]),
                strings(&dul["single_bottleneck_case_names"][name])
            );
        }
        assert_eq!(
            strings(&t["any_cases"]),
            strings(&dul["any_bottleneck_case_names"])
        );
    }
    // one table per level and ceiling, in the order written
    let titles: Vec<&str> = shown
        .lines()
        .filter(|l| l.starts_with("bottleneck cases of n"))
        .collect();
    assert_eq!(titles.len(), 6, "{shown}");
    assert!(
        titles[0].ends_with("(p50)") && titles[5].ends_with("(p90)"),
        "{titles:?}"
    );
}

/// Several outlier searches in one nca block (`outliers = [1, 2]`): single cases, then
/// pairs, each as R's `nca_outliers(k = 1)` and `(k = 2)` give them
/// (`out_outliers_example.json`: every kept row in R's order, its cases and relative change).
#[test]
fn several_outlier_searches_in_one_block() {
    let out = load_json("nca/out_outliers_example.json");
    let text = format!(
        "{NCA_EXAMPLE}nca n: Y needs IND, RISK {{ on = raw  ceilings = [ce_fdh, cr_fdh]  outliers = [1, 2] }}\n"
    );
    let (session, _) = run_ok(fixture(""), &text);
    let a = analysis(&session, "n");
    let searches = a["outliers"].as_array().expect("outliers");
    assert_eq!(searches.len(), 8, "2 conditions × 2 ceilings × k = 1, 2");
    for g in searches {
        let (x, run) = reference_run(&out, g, g["k"].as_u64().unwrap_or(0));
        let want = run["all_rows_unrounded"].as_array().unwrap();
        let have = g["rows"].as_array().unwrap();
        assert_eq!(have.len(), want.len(), "{x} {} k={}", g["ceiling"], g["k"]);
        for (h, w) in have.iter().zip(want) {
            let label: Vec<&str> = h["cases"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|c| c.as_str())
                .collect();
            assert_eq!(label.join(" - "), w["outliers"].as_str().unwrap());
            assert!(close(as_f64(&h["dif_rel"]), as_f64(&w["dif.rel"])));
        }
    }
}

/// A robustness variant that changes two settings at once (`vary outliers, ceiling in
/// [[1, cr_fdh]]`): one variant, labelled with both changes, whose figures are the engine's
/// for that setting (the baseline with the largest outlier removed *and* CR-FDH) — the same
/// function whose one-change variants agree with Dul's checks
/// (`conformance_nca_protocol::robustness_variants_agree_with_duls_checks`).
#[test]
fn a_robustness_variant_changes_two_settings_at_once() {
    use toe::engine::nca::robustness::{run_variant, Target, Variant};
    use toe::engine::nca::Ceiling;
    let text = format!(
        "{NCA_EXAMPLE}nca n: Y needs IND, RISK {{ on = raw  ceilings = [ce_fdh]  permutations = 200  seed = 123  necessary when d >= 0.1 and p <= 0.05 }}\n\
         robustness of n {{\n  vary outliers, ceiling in [[1, cr_fdh], [2, ce_fdh]]\n  vary d in [0.2]\n}}\n"
    );
    let (s, _) = run_ok(fixture(""), &text);
    let rob = of_kind(&s, &text, "nca_robustness");
    let runs = rob["runs"].as_array().unwrap();
    let settings: Vec<&str> = runs
        .iter()
        .map(|r| r["setting"].as_str().unwrap())
        .collect();
    assert_eq!(
        settings,
        [
            "baseline",
            "outliers 1 removed, ceiling cr_fdh",
            "outliers 2 removed",
            "d >= 0.2"
        ]
    );
    use crate::conformance_nca::{column, read_csv};
    let csv = read_csv("nca_example.csv");
    let (ind, risk, y) = (
        column(&csv, "Individualism"),
        column(&csv, "Risk taking"),
        column(&csv, "Innovation performance"),
    );
    let ids: Vec<String> = {
        let j = csv.0.iter().position(|h| h == "Country").unwrap();
        csv.1.iter().map(|r| r[j].clone()).collect()
    };
    let v = Variant {
        ceiling: Ceiling::CrFdh,
        scope: None,
        d_threshold: 0.1,
        p_threshold: 0.05,
        outliers: 1,
        target: Target::Percentile(75.0),
        corner: 1,
        permutations: 200,
        seed: 123,
    };
    let want = run_variant(&[&ind, &risk], &y, &v).expect("variant");
    let got = &runs[1];
    let removed: Vec<String> = want.removed.iter().map(|i| ids[*i].clone()).collect();
    assert_eq!(got["removed"], serde_json::json!(removed));
    assert_eq!(got["rows"], want.rows);
    for (k, c) in got["conditions"].as_array().unwrap().iter().enumerate() {
        let w = want.conditions[k].as_ref().expect("condition");
        assert!(close(as_f64(&c["effect_size"]), w.effect), "{c}");
        assert_eq!(c["p_value"].as_f64(), w.p_value, "{c}");
        assert_eq!(c["necessary"], w.necessary, "{c}");
    }
}

/// raw40 as SetMethods' robustness protocol calibrates it (`spec_rob_raw40.json`).
const RAW40: &str = "data d = csv(\"setmethods/raw40.csv\", id = case)\n\
    conditions { GDP = GDP  EDU = EDU  DEM = DEM  TRD = TRD }\noutcome HLT = HLT\n\
    calibrate {\n  GDP direct(e = 2500, c = 8000, i = 25000)\n  EDU direct(e = 5, c = 9, i = 13)\n\
    DEM direct(e = 3, c = 6, i = 8.5)\n  TRD direct(e = 40, c = 90, i = 140)\n  HLT direct(e = 58, c = 68, i = 78)\n}\n\
    fsqca is: HLT given GDP, EDU, DEM, TRD { consistency >= 0.8  cases >= 1  expect GDP, EDU, DEM, ~TRD }\n";

/// Oana & Schneider's test sets as SetMethods' protocol defines them (`out_rob_raw40.json`:
/// TS1 incl.cut 0.75, TS2 0.88, TS3 n.cut 2, TS4 GDP's crossover 12,000): an ordered list
/// TS1…TSn, printed and exported in that order with their names, a calibration named by its
/// anchors; and a test set changing two settings at once (TS5: consistency 0.75 *and* cases
/// 2), whose solution is the analysis run with both settings (the second fsqca block).
#[test]
fn test_sets_are_named_in_order_and_may_change_several_settings() {
    let out = load_json("setmethods/out_rob_raw40.json");
    let text = format!(
        "{RAW40}fsqca both: HLT given GDP, EDU, DEM, TRD {{ consistency >= 0.75  cases >= 2  expect GDP, EDU, DEM, ~TRD }}\n\
         robustness of is {{\n  separately\n  vary consistency in [0.75, 0.88]\n  vary cases in [2]\n\
         vary calibration of GDP in [direct(e = 2500, c = 12000, i = 25000)]\n  vary consistency, cases in [[0.75, 2]]\n}}\n"
    );
    let (s, shown) = run_ok(fixture(""), &text);
    let rob = of_kind(&s, &text, "robustness");
    let variants = rob["variants"].as_array().unwrap();
    let names: Vec<&str> = variants
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["TS1", "TS2", "TS3", "TS4", "TS5"]);
    // the reference's four test sets, in its order, with its solutions
    let sols = out["solutions"]["tests"].as_array().unwrap();
    assert_eq!(sols.len(), 4);
    for (k, sol) in sols.iter().enumerate() {
        assert!(sol["label"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{} ", names[k])));
        assert_eq!(
            variants[k]["solution"], sol["models"][0]["expression"],
            "{}",
            names[k]
        );
    }
    // settings as written: numbers, and the calibration by its anchors
    assert_eq!(variants[0]["params"]["consistency"], 0.75);
    assert_eq!(
        variants[3]["params"]["calibration of GDP"],
        "direct(e = 2500, c = 12000, i = 25000)"
    );
    assert_eq!(variants[4]["params"]["consistency"], 0.75);
    assert_eq!(variants[4]["params"]["cases"], 2.0);
    let both = analysis(&s, "both");
    let m1 = &both["solutions"]["intermediate"][0]["expression"];
    assert_eq!(&variants[4]["solution"], m1);
    // per test solution in the metrics, by name
    let per_test = rob["metrics"]["per_test"].as_array().unwrap();
    let names: Vec<&str> = per_test
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["TS1", "TS2", "TS3", "TS4", "TS5"]);
    assert_eq!(per_test[4]["setting"], "consistency 0.75, cases 2");
    // the printed table: one row per test set, in order, named
    let rows: Vec<&str> = shown
        .lines()
        .filter(|l| l.trim_start().starts_with("TS"))
        .take(5)
        .collect();
    for (k, r) in rows.iter().enumerate() {
        assert!(r.trim_start().starts_with(&format!("TS{} ", k + 1)), "{r}");
    }
    assert!(rows[3].contains("direct(e = 2500, c = 12000, i = 25000)"));
}

/// Every combination needs each setting on one line: a setting on two lines would be
/// overridden by the second, so it is refused (with `separately` it is allowed: each line is
/// its own test set).
#[test]
fn a_setting_varied_on_two_lines_of_a_full_sweep_is_refused() {
    let text = format!(
        "{RAW40}robustness of is {{\n  vary consistency in [0.75, 0.88]\n  vary consistency, cases in [[0.75, 2]]\n}}\n"
    );
    let mut s = toe::Session::new(fixture(""));
    let d = s.run_text("t", None, text).expect_err("refused");
    assert_eq!(d[0].code, "toe::check::bad_option");
    assert!(
        d[0].message.contains("`consistency` on one `vary` line"),
        "{}",
        d[0].message
    );
    // a list per variant with one value per setting
    let text =
        format!("{RAW40}robustness of is {{ separately  vary consistency, cases in [0.75, 2] }}\n");
    let d = s.run_text("t", None, text).expect_err("refused");
    assert!(d[0].message.contains("expected a list of 2 values (one for each of consistency, cases), found the number 0.75"), "{}", d[0].message);
}

/// Calibration sensitivity when a step puts an anchor onto its neighbour: DEM is calibrated
/// with e = 3, c = 6, i = 8.5; moved by 1, the exclusion goes 4, 5 (model 1 unchanged) and
/// then 6, the crossover itself — no calibration, and no change of the solution was found:
/// NA, as SetMethods' `rob.calibrange` stops there (toe's rule, docs/methods.md §8.3: NA when
/// no change is found). Likewise the crossover up (7, 8, then 9 past the inclusion 8.5) and
/// the inclusion down (7.5, 6.5, then 5.5 below the crossover). The other directions find a
/// change: the exclusion down at 2 (bound 3), the crossover down at 5 (bound 6), the
/// inclusion up at 14.5 (bound 13.5).
#[test]
fn calibration_sensitivity_is_na_when_anchors_meet() {
    let text = format!("{RAW40}sensitivity is {{ anchors = [DEM, 1, 10] }}\n");
    let (s, _) = run_ok(fixture(""), &text);
    let sens = of_kind(&s, &text, "sensitivity");
    let rows: Vec<(String, Value, Value)> = sens["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["setting"].as_str().unwrap().to_string(),
                r["lower"].clone(),
                r["upper"].clone(),
            )
        })
        .collect();
    let j = |v: f64| serde_json::json!(v);
    assert_eq!(
        rows,
        vec![
            ("exclusion of DEM".to_string(), j(3.0), Value::Null),
            ("crossover of DEM".to_string(), j(6.0), Value::Null),
            ("inclusion of DEM".to_string(), Value::Null, j(13.5)),
        ]
    );
}

/// Case ids are read verbatim: Namibia's ISO code "NA" is an id, not a missing value, even
/// with `na = ["NA"]` (the markers apply to data cells only); an empty id cell is the only
/// missing id, and its help names the empty cell without asking for labels that exist.
#[test]
fn case_ids_are_read_verbatim() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join("d.csv"),
        "iso,x,y\nNA,1,2\nZA,NA,3\nBW,2,NA\nZW,3,4\n",
    )
    .expect("csv");
    let text = "data d = csv(\"d.csv\", id = iso, na = [\"NA\"])\nshow data\n";
    let (s, shown) = run_ok(dir.path().to_path_buf(), text);
    let rows: Vec<&str> = shown.lines().filter(|l| l.starts_with("  ")).collect();
    // the id column shows the ids as read
    assert!(
        rows.iter()
            .any(|l| l.trim_start().starts_with("NA     NA   1   2")),
        "{shown}"
    );
    let doc = s.document("t.toe", text.as_bytes());
    assert_eq!(
        doc["data"]["cases"],
        serde_json::json!(["NA", "ZA", "BW", "ZW"])
    );
    // the markers still apply to the data cells: ZA's x and BW's y are missing
    assert!(
        rows.iter()
            .any(|l| l.trim_start().starts_with("ZA     ZA  NA   3")),
        "{shown}"
    );
    std::fs::write(dir.path().join("e.csv"), "iso,x\nNA,1\n,2\n").expect("csv");
    let mut s = toe::Session::new(dir.path().to_path_buf());
    let d = s
        .run_text("t", None, "data d = csv(\"e.csv\", id = iso)\n".into())
        .expect_err("missing id");
    assert_eq!(d[0].code, "toe::data::missing_id");
    assert!(
        d[0].message.contains("found an empty cell in row 2"),
        "{}",
        d[0].message
    );
    let help = d[0].help.as_deref().unwrap_or("");
    assert!(!help.contains("every case a label"), "{help}");
}
