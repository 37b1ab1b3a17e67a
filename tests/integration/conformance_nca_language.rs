//! Conformance of the `nca` block end to end: each NCA fixture whose options the language
//! expresses is written as a `.toe` script, run, and its JSON results (effect sizes, zones,
//! accuracy, fit, slopes, intercepts, inefficiencies, p-values with the spec's seed, and the
//! bottleneck cells) compared with the reference within 1e-9. The engine itself is tested
//! number by number in `conformance_nca.rs`.

use crate::support::*;
use serde_json::Value;

fn as_f64(v: &Value) -> f64 {
    match v {
        Value::Number(n) => n.as_f64().unwrap_or(f64::NAN),
        Value::String(s) if s == "Inf" => f64::INFINITY,
        Value::String(s) if s == "-Inf" => f64::NEG_INFINITY,
        _ => f64::NAN,
    }
}

fn same(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a == b || close(a, b)
}

/// Specs the language can write: one corner, a full or no scope, cutoff 0 bottlenecks of one
/// unit with `steps` (other specs are compared on their results only).
fn script(spec: &Value) -> (String, bool) {
    let q = |s: &str| format!("\"{s}\"");
    let xs: Vec<&str> = spec["x"]
        .as_array()
        .expect("x")
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    let y = spec["y"].as_str().expect("y");
    let mut s = format!(
        "data d = csv(\"nca/{}\")\nconditions {{\n",
        spec["csv"].as_str().expect("csv")
    );
    for (k, x) in xs.iter().enumerate() {
        s.push_str(&format!("  X{k} = {}\n", q(x)));
    }
    s.push_str(&format!("}}\noutcome Y = {}\n", q(y)));
    let names: Vec<String> = (0..xs.len()).map(|k| format!("X{k}")).collect();
    s.push_str(&format!(
        "nca n: Y needs {} {{\n  on = raw\n",
        names.join(", ")
    ));
    let ceilings: Vec<&str> = spec["ceilings"]
        .as_array()
        .expect("ceilings")
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    s.push_str(&format!("  ceilings = [{}]\n", ceilings.join(", ")));
    if let Some(r) = spec["test_rep"].as_u64() {
        if r > 0 {
            s.push_str(&format!(
                "  permutations = {r}\n  seed = {}\n",
                spec["seed"]
            ));
        }
    }
    if let Some(sc) = spec.get("scope").and_then(|v| v.as_array()) {
        let v: Vec<String> = sc.iter().map(|x| x.to_string()).collect();
        s.push_str(&format!("  scope = [{}]\n", v.join(", ")));
    }
    let unit = match (
        spec.get("bottleneck_x").and_then(|v| v.as_str()),
        spec.get("bottleneck_y").and_then(|v| v.as_str()),
    ) {
        (Some(a), Some(b)) if a == b => Some(a.to_string()),
        (None, None) => spec
            .get("bottleneck_type")
            .and_then(|v| v.as_str())
            .map(|s| s.to_string()),
        _ => None,
    };
    let unit = unit.map(|u| {
        if u == "percentage.range" {
            "percentage".to_string()
        } else {
            u
        }
    });
    let steps = spec.get("steps").and_then(|v| v.as_u64());
    let bottlenecks_comparable = spec["cutoff"] == 0
        && steps.is_some()
        && matches!(
            unit.as_deref(),
            Some("percentage" | "actual" | "percentile")
        );
    if let (true, Some(n), Some(u)) = (bottlenecks_comparable, steps, unit) {
        s.push_str(&format!("  bottlenecks = steps({n}), {u}\n"));
    }
    s.push_str("}\n");
    (s, bottlenecks_comparable)
}

#[test]
fn nca_blocks_match_r_nca() {
    let mut compared = 0;
    let mut bottleneck_cells = 0;
    for name in [
        "example",
        "n50",
        "scope",
        "likert",
        "n500",
        "synth_small",
        "qr_ties",
        "fp_ties",
    ] {
        let spec = load_json(&format!("nca/spec_{name}.json"));
        let out = load_json(&format!("nca/out_{name}.json"));
        let (text, with_bottlenecks) = script(&spec);
        let (session, _) = run_ok(fixture(""), &text);
        let a = &analysis(&session, "n");
        let xs: Vec<&str> = spec["x"]
            .as_array()
            .expect("x")
            .iter()
            .filter_map(|v| v.as_str())
            .collect();
        for (k, x) in xs.iter().enumerate() {
            let reference = &out["results"][x];
            for r in a["results"]
                .as_array()
                .expect("results")
                .iter()
                .filter(|r| r["condition"] == format!("X{k}"))
            {
                let c = r["ceiling"].as_str().expect("ceiling");
                let want = &reference["ceilings"][c];
                assert_eq!(r["n"], reference["n"], "{name} {x}: n");
                for (ours, theirs) in [
                    ("effect_size", "effect_size"),
                    ("ceiling_zone", "ceiling_zone"),
                    ("accuracy", "accuracy"),
                    ("fit", "fit"),
                    ("slope", "slope"),
                    ("intercept", "intercept"),
                    ("condition_inefficiency", "condition_ineff"),
                    ("outcome_inefficiency", "outcome_ineff"),
                    ("p_value", "p_value"),
                    ("p_accuracy", "p_accuracy"),
                ] {
                    let (g, w) = (as_f64(&r[ours]), as_f64(&want[theirs]));
                    assert!(same(g, w), "{name} {x} {c} {ours}: toe {g} vs R {w}");
                    compared += 1;
                }
                assert!(
                    same(as_f64(&r["scope"]), as_f64(&reference["scope"])),
                    "{name} {x} scope"
                );
            }
        }
        if with_bottlenecks {
            for t in a["bottlenecks"].as_array().expect("bottlenecks") {
                let c = t["ceiling"].as_str().expect("ceiling");
                let reference = &out["bottlenecks"][c];
                for (k, x) in xs.iter().enumerate() {
                    let want = reference["x"][x]["x_value"].as_array().expect("x_value");
                    for (row, w) in t["rows"].as_array().expect("rows").iter().zip(want) {
                        let g = &row["values"][format!("X{k}")];
                        let w = as_f64(w);
                        match g {
                            Value::String(s) if s == "NN" => {
                                assert!(w.is_infinite(), "{name} {c} {x}: NN vs {w}")
                            }
                            Value::String(s) if s == "NA" => {
                                assert!(w.is_nan(), "{name} {c} {x}: NA vs {w}")
                            }
                            v => assert!(same(as_f64(v), w), "{name} {c} {x}: {v} vs {w}"),
                        }
                        bottleneck_cells += 1;
                    }
                }
            }
        }
    }
    assert!(compared > 400, "{compared} statistics compared");
    assert!(
        bottleneck_cells > 100,
        "{bottleneck_cells} bottleneck cells compared"
    );
}

/// Where R's NCA stops (a permuted QR line y = Ymax, `perm_qr_crash.json`),
/// a script finishes, reports the p-value of the documented convention (the
/// 10 permutations count with effect 0: 1/58) and says how many there were.
#[test]
fn qr_crash_runs_with_a_warning_and_the_documented_p_value() {
    let text = "data d = csv(\"nca/synth_qr_crash.csv\")\nconditions { X = \"X\" }\noutcome Y = \"Y\"\n\
                nca n: Y needs X {\n  on = raw\n  ceilings = [qr, cr_fdh]\n  permutations = 100\n  seed = 11\n}\n";
    let (session, _) = run_ok(fixture(""), text);
    let warned: Vec<String> = session
        .warnings()
        .iter()
        .map(|d| d.message.clone())
        .collect();
    assert!(
        warned
            .iter()
            .any(|m| m.contains("found 10 of 100 horizontal at the outcome's minimum or maximum")),
        "{warned:?}"
    );
    let a = analysis(&session, "n");
    let qr = a["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["ceiling"] == "qr")
        .expect("qr");
    assert_eq!(as_f64(&qr["p_value"]), 1.0 / 58.0);
}

/// `target = p50|p75|p90` in an `nca` block: the bottleneck cases of each ceiling agree with
/// Dul's helpers (`out_bncases_example.json`: required level, counts, shares, cases held
/// back, alone and by any condition), through the language.
#[test]
fn bottleneck_cases_through_the_language() {
    let out = load_json("nca/out_bncases_example.json");
    for label in ["p50", "p75", "p90"] {
        let text = format!(
            "data d = csv(\"nca/nca_example.csv\", id = Country)\n\
             conditions {{ IND = \"Individualism\"  RISK = \"Risk taking\" }}\n\
             outcome Y = \"Innovation performance\"\n\
             nca n: Y needs IND, RISK {{\n  on = raw\n  ceilings = [ce_fdh, cr_fdh]\n  target = {label}\n}}\n\
             show bottleneck_cases of n\n"
        );
        let (session, shown) = run_ok(fixture(""), &text);
        assert!(shown.contains("bottleneck cases of n (ce_fdh)"), "{shown}");
        let a = analysis(&session, "n");
        let bc = &a["bottleneck_cases"];
        assert_eq!(bc["target"], label);
        for t in bc["tables"].as_array().expect("tables") {
            let run = out["runs"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["label"] == label && r["ceiling"] == t["ceiling"])
                .expect("run");
            let dul = &run["dul"];
            assert!(close(
                t["target_value"].as_f64().unwrap(),
                run["target_outcome"].as_f64().unwrap()
            ));
            for (c, name) in t["conditions"]
                .as_array()
                .unwrap()
                .iter()
                .zip(["Individualism", "Risk taking"])
            {
                let want_t = as_f64(&dul["raw_threshold"][name]);
                if want_t.is_infinite() {
                    assert_eq!(c["required"], "NN", "{label} {name}");
                } else {
                    assert!(close(as_f64(&c["required"]), want_t), "{label} {name}");
                }
                assert_eq!(
                    c["count"], dul["bottleneck_cases_num"][name],
                    "{label} {name}"
                );
                assert!(close(
                    as_f64(&c["percent"]),
                    as_f64(&dul["bottleneck_cases_per"][name])
                ));
                assert_eq!(c["single_count"], dul["single_bottleneck_cases_num"][name]);
                assert_eq!(c["single_cases"], dul["single_bottleneck_case_names"][name]);
            }
            assert_eq!(t["any_cases"], dul["any_bottleneck_case_names"], "{label}");
        }
    }
}

/// A target outside the observed outcome, a percentile above 100 and `show bottleneck_cases`
/// without a target are coded diagnostics.
#[test]
fn bottleneck_case_targets_are_checked() {
    let head = "data d = csv(\"nca/nca_example.csv\", id = Country)\n\
                conditions { IND = \"Individualism\" }\noutcome Y = \"Innovation performance\"\n";
    assert_error_codes(
        head,
        &[
            (
                "nca n: Y needs IND { on = raw  target = 500 }\n",
                "toe::run::target_outside",
            ),
            (
                "nca n: Y needs IND { on = raw  target = p150 }\n",
                "toe::check::bad_option",
            ),
            (
                "nca n: Y needs IND { on = raw }\nshow bottleneck_cases of n\n",
                "toe::check::unknown_show",
            ),
        ],
    );
}

/// `outliers = 2` in an `nca` block: per condition and ceiling the rows of R's
/// `nca_outliers` (k = 2, min.dif 0.01, max.results 25) in R's order, through the language;
/// the printed table shows 25 and says how many are hidden.
#[test]
fn outliers_through_the_language() {
    let out = load_json("nca/out_outliers_example.json");
    let text = "data d = csv(\"nca/nca_example.csv\", id = Country)\n\
                conditions { IND = \"Individualism\"  RISK = \"Risk taking\" }\n\
                outcome Y = \"Innovation performance\"\n\
                nca n: Y needs IND, RISK {\n  on = raw\n  ceilings = [ce_fdh, cr_fdh]\n  outliers = 2\n}\n\
                show outliers of n\n";
    let (session, shown) = run_ok(fixture(""), text);
    assert!(
        shown.contains("outliers of n: IND (ce_fdh, up to 2 cases removed)"),
        "{shown}"
    );
    assert!(shown.contains("Japan - Finland"), "{shown}");
    assert!(
        shown.contains("not showing 32 possible outliers"),
        "{shown}"
    );
    let a = analysis(&session, "n");
    let got = a["outliers"].as_array().expect("outliers");
    assert_eq!(got.len(), 4);
    let mut rows = 0;
    for g in got {
        let x = if g["condition"] == "IND" {
            "Individualism"
        } else {
            "Risk taking"
        };
        let run = out["runs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["x"] == x && r["ceiling"] == g["ceiling"] && r["k"] == 2)
            .expect("run");
        assert_eq!(g["shown"], run["returned"]["shown"]);
        assert_eq!(g["hidden"], run["returned"]["hidden"]);
        let want = run["all_rows_unrounded"].as_array().unwrap();
        let have = g["rows"].as_array().unwrap();
        assert_eq!(have.len(), want.len());
        for (h, w) in have.iter().zip(want) {
            let label: Vec<&str> = h["cases"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|v| v.as_str())
                .collect();
            assert_eq!(label.join(" - "), w["outliers"].as_str().unwrap());
            assert!(close(as_f64(&h["dif_rel"]), as_f64(&w["dif.rel"])));
            assert!(close(as_f64(&h["eff_nw"]), as_f64(&w["eff.nw"])));
            rows += 1;
        }
    }
    assert!(rows > 200, "{rows}");
}

/// k above the number of cases, k = 0 and `show outliers` without the option are coded
/// diagnostics.
#[test]
fn outlier_options_are_checked() {
    let head = "data d = csv(\"nca/nca_example.csv\", id = Country)\n\
                conditions { IND = \"Individualism\" }\noutcome Y = \"Innovation performance\"\n";
    for (body, code) in [
        ("nca n: Y needs IND { on = raw  outliers = 3 }\n", ""),
        (
            "nca n: Y needs IND { on = raw  outliers = 9 }\n",
            "toe::run::too_many_combinations",
        ),
        (
            "nca n: Y needs IND { on = raw  outliers = 0 }\n",
            "toe::check::bad_option",
        ),
        (
            "nca n: Y needs IND { on = raw }\nshow outliers of n\n",
            "toe::check::unknown_show",
        ),
    ] {
        let mut s = toe::Session::new(fixture(""));
        let r = s.run_text("t", None, format!("{head}{body}"));
        if code.is_empty() {
            assert!(r.is_ok(), "{body}");
        } else {
            assert_eq!(r.expect_err(body)[0].code, code, "{body}");
        }
    }
    // 28 cases: removing 28 together leaves nothing
    let data = "id,x,y\na,1,1\nb,2,2\nc,3,1\n";
    let dir = std::env::temp_dir().join(format!("toe_outliers_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("small.csv"), data).unwrap();
    let mut s = toe::Session::new(dir.clone());
    let e = s
        .run_text(
            "t",
            None,
            "data d = csv(\"small.csv\", id = id)\nconditions { X = x }\noutcome Y = y\nnca n: Y needs X { on = raw  outliers = 3 }\n".to_string(),
        )
        .expect_err("k = n");
    assert_eq!(e[0].code, "toe::run::too_few_cases");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `robustness of NCA { vary … }`: Dul's table through the language, each setting equal to
/// the fixture's run (`out_robustness_example.json`: effect, p-value with seed 123, verdict,
/// share of cases below the level at the target); Individualism and Risk taking are fragile
/// (removing Japan makes both necessary); the preset `nca_standard` runs; a variant leaving
/// fewer than 3 cases is reported as not run.
#[test]
fn nca_robustness_table_through_the_language() {
    let out = load_json("nca/out_robustness_example.json");
    let text = "data d = csv(\"nca/nca_example.csv\", id = Country)\n\
                conditions { IND = \"Individualism\"  RISK = \"Risk taking\" }\n\
                outcome Y = \"Innovation performance\"\n\
                nca nec: Y needs IND, RISK {\n  on = raw\n  ceilings = [ce_fdh]\n  permutations = 1000\n  seed = 123\n  target = p75\n}\n\
                robustness of nec {\n  vary ceiling in [cr_fdh]\n  vary scope in [[0, 120, 0, 250]]\n  vary d in [0.2]\n  vary p in [0.01]\n  vary outliers in [1]\n  vary target in [p90, 88.42500000000001]\n}\n";
    let (session, shown) = run_ok(fixture(""), text);
    assert!(
        shown.contains("robustness of nec: baseline and 7 variants"),
        "{shown}"
    );
    assert!(shown.contains("IND: fragile"), "{shown}");
    assert!(
        shown.contains("outliers 1 removed (without Japan)"),
        "{shown}"
    );
    let r = &nca_robustness_json(&session, text);
    let pairs = [
        ("baseline", "baseline"),
        ("ceiling cr_fdh", "ceiling_cr_fdh"),
        ("scope [0, 120, 0, 250]", "scope_theoretical"),
        ("d >= 0.2", "d_threshold_0.2"),
        ("p <= 0.01", "p_threshold_0.01"),
        ("outliers 1 removed", "outliers_k1"),
        ("target p90", "target_p90"),
        ("target 88.42500000000001", "target_p75_actual"),
    ];
    let mut compared = 0;
    for (setting, fixture_run) in pairs {
        let got = r["runs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["setting"] == setting)
            .unwrap_or_else(|| panic!("{setting}: {}", r["runs"]));
        let want = &out["runs"][fixture_run];
        for (c, name) in got["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .zip(["Individualism", "Risk taking"])
        {
            let w = &want["results"][name];
            assert!(
                close(as_f64(&c["effect_size"]), as_f64(&w["effect_size"])),
                "{setting} {name}"
            );
            assert_eq!(
                as_f64(&c["p_value"]),
                as_f64(&w["p_value"]),
                "{setting} {name}"
            );
            assert_eq!(c["necessary"], w["necessity"] == "yes", "{setting} {name}");
            assert!(
                close(
                    as_f64(&c["percent_below"]),
                    as_f64(&w["bottleneck_percent_unrounded"])
                ),
                "{setting} {name}"
            );
            compared += 1;
        }
    }
    assert_eq!(compared, 16);
    let conclusions = r["conclusions"].as_array().unwrap();
    assert!(conclusions.iter().all(|c| c["robust"] == false));
    // the preset runs (its ce_fdh equals the baseline's ceiling and adds no variant)
    let preset = text.replace(
        "robustness of nec {\n  vary ceiling in [cr_fdh]",
        "robustness of nec { nca_standard }\nrobustness of nec {\n  vary ceiling in [cr_fdh]",
    );
    let (_, shown) = run_ok(fixture(""), &preset);
    assert!(shown.contains("baseline and 5 variants"), "{shown}");
}

/// The JSON of the session's (first) NCA robustness table.
fn nca_robustness_json(session: &toe::Session, text: &str) -> Value {
    let doc = session.document("t.toe", text.as_bytes());
    doc["analyses"]
        .as_array()
        .and_then(|a| a.iter().find(|a| a["kind"] == "nca_robustness"))
        .cloned()
        .expect("nca_robustness")
}

/// A robustness variant that leaves fewer than 3 cases is kept, marked as not run.
#[test]
fn nca_robustness_variant_with_too_few_cases_is_not_run() {
    let dir = std::env::temp_dir().join(format!("toe_nca_rob_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("three.csv"), "id,x,y\na,1,1\nb,2,2\nc,3,1\n").unwrap();
    let text = "data d = csv(\"three.csv\", id = id)\nconditions { X = x }\noutcome Y = y\n\
                nca n: Y needs X { on = raw  permutations = 6  seed = 1 }\n\
                robustness of n { vary outliers in [1] }\n";
    let (session, shown) = run_ok(dir.clone(), text);
    assert!(
        session
            .warnings()
            .iter()
            .any(|w| w.code == "toe::run::too_few_cases"),
        "{:?}",
        session.warnings()
    );
    assert!(
        shown.contains("not run: fewer than 3 cases left"),
        "{shown}"
    );
    let r = &nca_robustness_json(&session, text);
    assert_eq!(r["runs"][1]["error"], "fewer than 3 cases left");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `power NAME { … }`: R's `set.seed(2025); nca_power(n = c(20, 50), effect = 0.2, slope = 1,
/// ceiling = "ce_fdh", rep = 50, test.rep = 100)` gives 0.42 and 0.94 (`out_power.json`);
/// no seed, an effect outside (0, 1) and an unknown option are coded errors.
#[test]
fn power_through_the_language() {
    let out = load_json("nca/out_power.json");
    let text = "power pw {\n  n = [20, 50]\n  effect = 0.2\n  slope = 1\n  ceilings = [ce_fdh]\n  replicates = 50\n  permutations = 100\n  seed = 2025\n}\n";
    let (session, shown) = run_ok(fixture(""), text);
    assert!(
        shown.contains("power pw: 50 replicates × 100 permutations"),
        "{shown}"
    );
    let doc = session.document("t.toe", text.as_bytes());
    let pw = doc["analyses"]
        .as_array()
        .and_then(|a| a.iter().find(|a| a["kind"] == "nca_power"))
        .expect("nca_power");
    // a falling ceiling in corner 2 runs (its intercept rule is checked in the engine)
    run_ok(
        fixture(""),
        "power p2 { n = [20]  effect = 0.2  slope = -1  corner = 2  replicates = 5  permutations = 20  seed = 3 }\n",
    );
    for (g, w) in pw["rows"]
        .as_array()
        .unwrap()
        .iter()
        .zip(out["nca_power"].as_array().unwrap())
    {
        assert_eq!(g["n"], w["n"]);
        assert_eq!(g["power"], w["power"]);
        assert_eq!(g["distribution_x"], "uniform");
    }
    // a normal x: columns x and y appear, the uniform batch keeps R's value (0.42 at n = 20)
    let text = "power pn {\n  n = [20]\n  effect = 0.2\n  replicates = 50\n  permutations = 100\n  seed = 2025\n  distribution_x = [uniform, normal]\n}\n";
    let (session, shown) = run_ok(fixture(""), text);
    assert!(shown.contains("normal = truncated normal"), "{shown}");
    let doc = session.document("t.toe", text.as_bytes());
    let rows = doc["analyses"]
        .as_array()
        .and_then(|a| a.iter().find(|a| a["kind"] == "nca_power"))
        .expect("nca_power")["rows"]
        .clone();
    assert_eq!(rows[0]["distribution_x"], "uniform");
    assert_eq!(rows[0]["power"], 0.42);
    assert_eq!(rows[1]["distribution_x"], "normal");
    for (body, code) in [
        ("power pw { effect = 0.2 }\n", "toe::check::bad_option"),
        (
            "power pw { distribution_y = [gamma]  seed = 1 }\n",
            "toe::check::bad_option",
        ),
        (
            "power pw { effect = 1.5  seed = 1 }\n",
            "toe::check::bad_option",
        ),
        (
            "power pw { efect = 0.2  seed = 1 }\n",
            "toe::check::unknown_option",
        ),
        (
            "power pw { slope = 1  corner = 2  seed = 1 }\n",
            "toe::check::bad_option",
        ),
    ] {
        let mut s = toe::Session::new(fixture(""));
        let e = s.run_text("t", None, body.to_string()).expect_err(body);
        assert_eq!(e[0].code, code, "{body}");
    }
}

/// The NCA export carries the protocol's tables when they were computed: outliers,
/// bottleneck cases and the robustness table, in HTML and Markdown.
#[test]
fn nca_exports_carry_the_protocol_tables() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path().display();
    let text = format!(
        "data d = csv(\"nca/nca_example.csv\", id = Country)\n\
         conditions {{ IND = \"Individualism\" }}\noutcome Y = \"Innovation performance\"\n\
         nca nec: Y needs IND {{ on = raw  permutations = 100  seed = 1  target = p75  outliers = 1 }}\n\
         robustness of nec {{ vary outliers in [1] }}\n\
         export nec to \"{d}/nec.html\"\nexport nec to \"{d}/nec.md\"\n"
    );
    run_ok(fixture(""), &text);
    for f in ["nec.html", "nec.md"] {
        let t = std::fs::read_to_string(dir.path().join(f)).expect(f);
        for want in [
            "Outliers of Y",
            "Bottleneck cases of Y",
            "Robustness of Y",
            "Japan",
        ] {
            assert!(t.contains(want), "{f} lacks {want}");
        }
    }
}
