//! Conformance: calibrated memberships and the necessity table against R's QCA 3.23
//! (`tests/conformance/qca/out_*.json`), every dataset, through the language itself: each
//! fixture's spec is written as a `.toe` script, run, and compared within 1e-9.

use crate::support::*;
use serde_json::Value;

const DATASETS: [&str; 9] = ["CVF", "HC", "LC", "LF", "LM", "LR", "big20", "urban", "bug"];

/// Writes the fixture's spec as a `.toe` script.
fn script_for(out: &Value) -> (String, Vec<String>, String, bool) {
    let meta = &out["meta"];
    let spec = &meta["spec"];
    let csv = spec["csv"].as_str().expect("csv");
    let outcome_full = meta["outcome"].as_str().expect("outcome");
    let negated = outcome_full.starts_with('~');
    let outcome = outcome_full.trim_start_matches('~').to_string();
    let conditions: Vec<String> = meta["conditions"]
        .as_array()
        .expect("conditions")
        .iter()
        .map(|c| c.as_str().expect("name").to_string())
        .collect();
    let values = &out["calibrated"]["values"];
    let mut s = format!("data d = csv(\"qca/{csv}\", id = case)\nconditions {{\n");
    for c in &conditions {
        s.push_str(&format!("  {c} = {c}\n"));
    }
    s.push_str(&format!(
        "}}\noutcome {outcome} = {outcome}\ncalibrate {{\n"
    ));
    let calib = spec.get("calibration").and_then(|c| c.as_object());
    for name in conditions.iter().chain(std::iter::once(&outcome)) {
        let line = match calib.and_then(|c| c.get(name)) {
            Some(c) => match c["method"].as_str() {
                Some("direct") if c["thresholds"].is_object() => {
                    let t = &c["thresholds"];
                    let kind = if c.get("logistic") == Some(&Value::Bool(false)) {
                        "linear"
                    } else {
                        "direct"
                    };
                    format!("{kind}(e = {}, c = {}, i = {})", t["e"], t["c"], t["i"])
                }
                Some("percentile") => format!(
                    "direct(e = p{}, c = p{}, i = p{})",
                    c["e"].as_f64().expect("e") * 100.0,
                    c["c"].as_f64().expect("c") * 100.0,
                    c["i"].as_f64().expect("i") * 100.0
                ),
                other => panic!("calibration {other:?} not in the fixtures"),
            },
            None => {
                // Uncalibrated data: fuzzy memberships, or crisp levels 0/1/2 (multi-value).
                let v: Vec<f64> = values[name]
                    .as_array()
                    .expect("values")
                    .iter()
                    .map(|x| x.as_f64().expect("num"))
                    .collect();
                let max = v.iter().cloned().fold(0.0, f64::max);
                if max > 1.0 {
                    let at: Vec<String> = (1..=max as usize).map(|k| k.to_string()).collect();
                    format!("crisp(at = [{}])", at.join(", "))
                } else {
                    "fuzzy".to_string()
                }
            }
        };
        s.push_str(&format!("  {name} {line}\n"));
    }
    s.push_str("}\n");
    (s, conditions, outcome, negated)
}

#[test]
fn memberships_and_necessity_match_r_qca() {
    let mut checked_values = 0;
    let mut checked_stats = 0;
    for ds in DATASETS {
        let out = load_json(&format!("qca/out_{ds}.json"));
        let (mut script, conditions, outcome, negated) = script_for(&out);
        // The necessity table: one query per row of the reference.
        let rows = out["necessity"].as_array().expect("necessity");
        let y = if negated {
            format!("~{outcome}")
        } else {
            outcome.clone()
        };
        for r in rows {
            script.push_str(&format!(
                "necessary? {} for {y}\n",
                r["condition"].as_str().expect("cond")
            ));
        }
        let (session, _) = run_ok(fixture(""), &script);
        // Memberships.
        let values = &out["calibrated"]["values"];
        for name in conditions.iter().chain(std::iter::once(&outcome)) {
            let want: Vec<f64> = values[name]
                .as_array()
                .expect("values")
                .iter()
                .map(|x| x.as_f64().expect("num"))
                .collect();
            let set = session.set(name).expect("declared set");
            let got = set.membership.as_ref().expect("calibrated");
            assert_eq!(got.len(), want.len(), "{ds} {name}: number of cases");
            for (i, (g, w)) in got.iter().zip(&want).enumerate() {
                assert!(close(*g, *w), "{ds} {name} case {i}: toe {g} vs R {w}");
                checked_values += 1;
            }
        }
        // Necessity rows.
        assert_eq!(
            queries(&session).len(),
            rows.len(),
            "{ds}: one result per query"
        );
        for (q, r) in queries(&session).iter().zip(rows) {
            for (ours, theirs) in [
                ("consistency", "inclN"),
                ("coverage", "covN"),
                ("relevance", "RoN"),
            ] {
                let g = q[ours].as_f64().unwrap_or(f64::NAN);
                let w = r[theirs].as_f64().expect("reference number");
                assert!(
                    close(g, w),
                    "{ds} {}: {ours} toe {g} vs R {w}",
                    r["condition"]
                );
                checked_stats += 1;
            }
        }
    }
    // 9 datasets: every membership and every necessity statistic was compared.
    assert!(
        checked_values > 500,
        "memberships compared: {checked_values}"
    );
    assert!(
        checked_stats > 300,
        "necessity statistics compared: {checked_stats}"
    );
}

#[test]
fn percentile_anchor_resolves_like_r_quantile_type_7() {
    // LR's LIT: R's quantile(type = 7) at 0.1, 0.5, 0.9 gave e = 58.12, c = 95, i = 99.9.
    let out = load_json("qca/out_LR.json");
    let t = &out["calibrated"]["calibration"]["LIT"]["thresholds"];
    let (script, ..) = script_for(&out);
    let (session, _) = run_ok(fixture(""), &script);
    let cal = session
        .set("LIT")
        .and_then(|s| s.calibration.clone())
        .expect("calibrated");
    for (k, name) in ["e", "c", "i"].iter().enumerate() {
        let want = t[name].as_f64().expect("anchor");
        assert!(
            close(cal.anchors[k].1, want),
            "LIT {name}: {} vs {want}",
            cal.anchors[k].1
        );
        assert_eq!(cal.anchors[k].2, Some([10.0, 50.0, 90.0][k]));
    }
}
