//! Conformance of the `fsqca` block end to end: each QCA fixture is written as a `.toe`
//! script, run, and its JSON (truth table rows with OUT, n, consistency, PRI and cases; every
//! model of the complex, parsimonious and intermediate solutions with its fit, term by term;
//! the simplifying assumptions of every parsimonious model, the easy and difficult
//! counterfactuals of every pair) compared with R's QCA 3.23 within 1e-9. The engine is tested in depth in
//! `conformance_qca.rs`; this test proves the language drives it with the same settings.
//! Named exceptions: `out_bug.json` (a reference bug, docs/methods.md §4.1, not reproduced); HC's
//! spec asks for `all.sol`, which the language does not expose (its truth table is compared);
//! LM's multi-value expectation "1;2" has no `expect` form (its intermediate solution is not
//! compared); big20: QCA 3.23 gives no intermediate solution at 20 conditions, toe does.

use crate::support::*;
use serde_json::Value;
use std::collections::BTreeMap;

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

fn script(out: &Value) -> (String, bool) {
    let meta = &out["meta"];
    let spec = &meta["spec"];
    let outcome_full = meta["outcome"].as_str().expect("outcome");
    let negated = outcome_full.starts_with('~');
    let outcome = outcome_full.trim_start_matches('~');
    let conds: Vec<String> = meta["conditions"]
        .as_array()
        .expect("c")
        .iter()
        .map(|c| c.as_str().expect("s").to_string())
        .collect();
    let values = &out["calibrated"]["values"];
    let mut s = format!(
        "data d = csv(\"qca/{}\", id = case)\nconditions {{\n",
        spec["csv"].as_str().expect("csv")
    );
    for c in &conds {
        s.push_str(&format!("  {c} = {c}\n"));
    }
    s.push_str(&format!(
        "}}\noutcome {outcome} = {outcome}\ncalibrate {{\n"
    ));
    let calib = spec.get("calibration").and_then(|c| c.as_object());
    for name in conds
        .iter()
        .map(|s| s.as_str())
        .chain(std::iter::once(outcome))
    {
        let line = match calib.and_then(|c| c.get(name)) {
            Some(c) if c["method"] == "percentile" => format!(
                "direct(e = p{}, c = p{}, i = p{})",
                f(&c["e"]) * 100.0,
                f(&c["c"]) * 100.0,
                f(&c["i"]) * 100.0
            ),
            Some(c) => {
                let t = &c["thresholds"];
                format!("direct(e = {}, c = {}, i = {})", t["e"], t["c"], t["i"])
            }
            None => {
                let max = values[name]
                    .as_array()
                    .expect("v")
                    .iter()
                    .map(f)
                    .fold(0.0, f64::max);
                if max > 1.0 {
                    let at: Vec<String> = (1..=max as usize).map(|k| k.to_string()).collect();
                    format!("crisp(at = [{}])", at.join(", "))
                } else {
                    "fuzzy".into()
                }
            }
        };
        s.push_str(&format!("  {name} {line}\n"));
    }
    s.push_str("}\n");
    let mut opts = Vec::new();
    match &spec["incl_cut"] {
        Value::Array(a) => opts.push(format!(
            "consistency >= {}, contradictions >= {}",
            a[0], a[1]
        )),
        v => opts.push(format!("consistency >= {v}")),
    }
    if let Some(p) = spec.get("pri_cut") {
        opts.push(format!("pri >= {p}"));
    }
    if let Some(n) = spec.get("n_cut") {
        opts.push(format!("cases >= {n}"));
    }
    let mut comparable_intermediate = true;
    let de: Vec<(String, Value)> = match &spec["dir_exp"] {
        Value::Array(a) => conds.iter().cloned().zip(a.iter().cloned()).collect(),
        Value::Object(o) => o.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        _ => Vec::new(),
    };
    if !de.is_empty() {
        let mut lits = Vec::new();
        for (c, v) in de {
            match v {
                Value::Number(n) if n.as_f64() == Some(1.0) => lits.push(c),
                Value::Number(n) if n.as_f64() == Some(0.0) => lits.push(format!("~{c}")),
                Value::String(s) if s == "-" => {}
                _ => comparable_intermediate = false,
            }
        }
        if comparable_intermediate && !lits.is_empty() {
            opts.push(format!("expect {}", lits.join(", ")));
        }
    }
    s.push_str(&format!(
        "fsqca a: {}{outcome} given {} {{\n  {}\n}}\n",
        if negated { "~" } else { "" },
        conds.join(", "),
        opts.join("\n  ")
    ));
    (s, comparable_intermediate)
}

fn models_of(v: &Value) -> BTreeMap<String, &Value> {
    v.as_array()
        .expect("models")
        .iter()
        .map(|m| (m["expression"].as_str().expect("e").to_string(), m))
        .collect()
}

fn compare_models(ds: &str, kind: &str, ours: &Value, theirs: &[&Value]) -> usize {
    let ours = models_of(ours);
    let theirs: BTreeMap<String, &Value> = theirs
        .iter()
        .map(|m| (m["expression"].as_str().expect("e").to_string(), *m))
        .collect();
    assert_eq!(
        ours.keys().collect::<Vec<_>>(),
        theirs.keys().collect::<Vec<_>>(),
        "{ds} {kind}: the models"
    );
    let mut n = 0;
    for (e, m) in &ours {
        let r = theirs[e];
        for (a, b) in [
            ("consistency", "inclS"),
            ("pri", "PRI"),
            ("coverage", "covS"),
        ] {
            assert!(
                close(f(&m[a]), f(&r[b])),
                "{ds} {kind} {e}: {a} {} vs {}",
                m[a],
                r[b]
            );
            n += 1;
        }
        for (t, rt) in m["terms"]
            .as_array()
            .expect("terms")
            .iter()
            .zip(r["term_stats"].as_array().expect("ts"))
        {
            assert_eq!(t["expr"], rt["term"], "{ds} {kind} {e}: term order");
            for (a, b) in [
                ("consistency", "inclS"),
                ("pri", "PRI"),
                ("coverage", "covS"),
            ] {
                assert!(
                    close(f(&t[a]), f(&rt[b])),
                    "{ds} {kind} {e} {}: {a}",
                    t["expr"]
                );
                n += 1;
            }
        }
    }
    n
}

#[test]
fn fsqca_blocks_match_r_qca() {
    let mut compared = 0;
    for ds in ["LF", "LR", "CVF", "LC", "LM", "urban", "HC", "big20"] {
        let out = load_json(&format!("qca/out_{ds}.json"));
        let (text, comparable_intermediate) = script(&out);
        let (session, _) = run_ok(fixture(""), &text);
        let a = &analysis(&session, "a");
        // Truth table: every observed row.
        let ours: BTreeMap<u64, &Value> = a["truth_table"]
            .as_array()
            .expect("tt")
            .iter()
            .map(|r| (r["row"].as_u64().expect("row"), r))
            .collect();
        let theirs = out["truth_table"]["rows"].as_array().expect("rows");
        assert_eq!(ours.len(), theirs.len(), "{ds}: observed rows");
        for r in theirs {
            let o = ours[&r["row"].as_u64().expect("row")];
            assert_eq!(o["out"], r["OUT"], "{ds} row {}: OUT", r["row"]);
            assert_eq!(o["n"], r["n"], "{ds} row {}: n", r["row"]);
            assert_eq!(o["cases"], r["cases"], "{ds} row {}: cases", r["row"]);
            assert!(
                close(f(&o["consistency"]), f(&r["incl"])),
                "{ds} row {}: incl",
                r["row"]
            );
            assert!(
                close(f(&o["pri"]), f(&r["PRI"])),
                "{ds} row {}: PRI",
                r["row"]
            );
            compared += 5;
        }
        if ds == "HC" {
            continue; // all.sol: not a language option (see the module comment)
        }
        for kind in ["complex", "parsimonious"] {
            let theirs: Vec<&Value> = out[kind]["models"].as_array().expect("m").iter().collect();
            compared += compare_models(ds, kind, &a["solutions"][kind], &theirs);
        }
        // Named exception: with 20 conditions QCA 3.23 ignores `dir.exp` (no intermediate
        // solution in out_big20.json); toe computes it (docs/methods.md §9). Here the
        // departure is only checked to be announced.
        if ds == "big20" {
            assert!(
                session
                    .warnings()
                    .iter()
                    .any(|w| w.code == "toe::run::departure"),
                "big20: the departure is announced"
            );
            continue;
        }
        // Simplifying assumptions of every parsimonious model (QCA's `SA$M1`, `SA$M2`, …).
        let rows = |v: &Value| -> Vec<u64> {
            v.as_array()
                .map(|a| a.iter().filter_map(|r| r["row"].as_u64()).collect())
                .unwrap_or_default()
        };
        if let Some(sa) = out["parsimonious"]["SA"].as_object() {
            let ours = a["simplifying_assumptions_by_model"]
                .as_array()
                .expect("sa");
            assert_eq!(ours.len(), sa.len(), "{ds}: SA by model");
            for m in ours {
                let theirs = &sa[m["model"].as_str().expect("model")];
                assert_eq!(rows(&m["rows"]), rows(theirs), "{ds} {}: SA", m["model"]);
                assert_eq!(m["count"].as_u64(), Some(rows(theirs).len() as u64));
                compared += 1;
            }
        }
        if comparable_intermediate {
            // Easy and difficult counterfactuals of every (complex, parsimonious) pair.
            let pairs = out["intermediate"]["solutions"].as_array().expect("pairs");
            let ours = a["counterfactuals"].as_array().expect("counterfactuals");
            assert_eq!(ours.len(), pairs.len(), "{ds}: counterfactuals");
            for (o, r) in ours.iter().zip(pairs) {
                assert_eq!(o["from"], r["label"], "{ds}");
                assert_eq!(rows(&o["easy"]), rows(&r["EC"]), "{ds} {}: EC", r["label"]);
                assert_eq!(
                    rows(&o["difficult"]),
                    rows(&r["DC"]),
                    "{ds} {}: DC",
                    r["label"]
                );
                compared += 2;
            }
        }
        if comparable_intermediate {
            let theirs: Vec<&Value> = out["intermediate"]["solutions"]
                .as_array()
                .map(|s| {
                    s.iter()
                        .flat_map(|p| p["models"].as_array().into_iter().flatten())
                        .collect()
                })
                .unwrap_or_default();
            // The same intermediate model may come from several pairs: compare the distinct ones.
            let mut seen = BTreeMap::new();
            for m in theirs {
                seen.entry(m["expression"].as_str().expect("e").to_string())
                    .or_insert(m);
            }
            let ours_all = a["solutions"]["intermediate"].as_array().expect("i");
            let mut distinct = BTreeMap::new();
            for m in ours_all {
                distinct
                    .entry(m["expression"].as_str().expect("e").to_string())
                    .or_insert(m.clone());
            }
            let ours_v = Value::Array(distinct.into_values().collect());
            compared += compare_models(
                ds,
                "intermediate",
                &ours_v,
                &seen.into_values().collect::<Vec<_>>(),
            );
        }
    }
    assert!(compared > 1000, "{compared} values compared");
}
