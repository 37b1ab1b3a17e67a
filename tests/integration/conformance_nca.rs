//! Conformance of the NCA engine with the R package NCA 5.0.1.
//!
//! Every `spec_*.json` in tests/conformance/nca is run and every number of
//! the matching `out_*.json` is compared.
//!
//! TOLERANCE: the conformance tolerance of `support::close` (1e-9 relative to the
//! reference, absolute below 1). Counts, rows, peers' case numbers and the
//! printed bottleneck text are compared exactly. `null` (NA) and "NaN" in the
//! fixtures are both "not a number" for real-valued statistics.
//!
//! Named departures (docs/methods.md, "Departures"): see `DEPARTURES` below.

use crate::support::{close, fixture};
use serde_json::Value;
use std::path::PathBuf;
use toe::engine::nca::*;

fn dir() -> PathBuf {
    fixture("nca")
}

pub(crate) fn load(name: &str) -> Value {
    let t = std::fs::read_to_string(dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    serde_json::from_str(&t).unwrap()
}

/// Minimal CSV reader: header + rows, quoted fields, "NA"/"" → NaN.
pub(crate) fn read_csv(name: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let t = std::fs::read_to_string(dir().join(name)).unwrap();
    let mut lines = t.lines().filter(|l| !l.trim().is_empty());
    let split = |l: &str| -> Vec<String> {
        let mut out = Vec::new();
        let mut cur = String::new();
        let mut q = false;
        for ch in l.chars() {
            match ch {
                '"' => q = !q,
                ',' if !q => out.push(std::mem::take(&mut cur)),
                _ => cur.push(ch),
            }
        }
        out.push(cur);
        out
    };
    let header = split(lines.next().unwrap());
    let rows = lines.map(split).collect();
    (header, rows)
}

pub(crate) fn column(csv: &(Vec<String>, Vec<Vec<String>>), name: &str) -> Vec<f64> {
    let j = csv.0.iter().position(|h| h == name).unwrap();
    csv.1
        .iter()
        .map(|r| r[j].trim().parse::<f64>().unwrap_or(f64::NAN))
        .collect()
}

/// A JSON list of strings.
pub(crate) fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// Expected value as f64: null / "NaN" / "NA" → NaN, "Inf"/"-Inf".
pub(crate) fn ev(v: &Value) -> f64 {
    match v {
        Value::Null => f64::NAN,
        Value::Number(n) => n.as_f64().unwrap(),
        Value::String(s) => match s.as_str() {
            "Inf" => f64::INFINITY,
            "-Inf" => f64::NEG_INFINITY,
            _ => f64::NAN,
        },
        Value::Bool(b) => {
            if *b {
                1.0
            } else {
                0.0
            }
        }
        _ => panic!("not a number: {v}"),
    }
}

#[derive(Default)]
struct Report {
    checked: usize,
    failures: Vec<String>,
    /// Differences explained by a named departure (not failures).
    departures: Vec<String>,
}

/// Named departures from the reference, with their justification.
///
/// CLP_DEGENERATE_LP: when the mean x of the FDH peers sits exactly on a
/// vertex of their upper hull, the C-LP linear programme has a whole edge of
/// optima and lpSolve returns one of the two hull edges depending on its
/// pivoting (simplex path, scaling); the engine always takes the right-hand
/// edge. This only happens for some *permuted* samples (never for an observed
/// C-LP in the fixtures), so p-values and the counts behind them are still
/// asserted exactly; a permuted C-LP effect may differ only if the
/// reference's value is exactly the other optimal edge (asserted), and the
/// null-distribution summaries (mean, sd, quantiles) of C-LP may differ only
/// when such a degenerate permutation exists (asserted).
const DEPARTURES: &[&str] = &["CLP_DEGENERATE_LP"];

/// Permuted samples of a result whose C-LP is degenerate, with the effect of
/// the alternative optimal edge (index → effect).
fn clp_degenerate(r: &NcaResult) -> Vec<(usize, f64)> {
    let mut out = Vec::new();
    let perms = match r.test.as_ref().and_then(|t| t.permutations.as_ref()) {
        Some(p) => p,
        None => return out,
    };
    for (i, p) in perms.iter().enumerate() {
        let yp: Vec<f64> = p.iter().map(|&k| r.y[k as usize - 1]).collect();
        let pk = peers::peers(&r.x, &yp, r.flip_x, r.flip_y, false);
        if let Some(alt) = ceilings::c_lp_alternative(&pk, r.flip_x, r.flip_y) {
            let z = effect::line_zone(Some(alt), &r.scope_detail, r.flip_x, r.flip_y);
            out.push((i, z / r.scope));
        }
    }
    out
}

impl Report {
    fn num(&mut self, what: &str, got: f64, want: f64) {
        self.checked += 1;
        let ok = close(got, want);
        if !ok {
            self.failures
                .push(format!("{what}: got {got:?}, want {want:?}"));
        }
    }
    /// Compare, but a difference is a named departure when `allowed`.
    fn val_departure(&mut self, what: &str, got: f64, want: &Value, allowed: Option<&str>) {
        self.checked += 1;
        let w = ev(want);
        if close(got, w) {
            return;
        }
        match allowed {
            Some(d) => self
                .departures
                .push(format!("{d}: {what}: got {got:?}, reference {w:?}")),
            None => self
                .failures
                .push(format!("{what}: got {got:?}, want {w:?}")),
        }
    }
    fn val(&mut self, what: &str, got: f64, want: &Value) {
        self.num(what, got, ev(want));
    }
    fn opt(&mut self, what: &str, got: Option<f64>, want: &Value) {
        self.num(what, got.unwrap_or(f64::NAN), ev(want));
    }
    fn exact<T: PartialEq + std::fmt::Debug>(&mut self, what: &str, got: T, want: T) {
        self.checked += 1;
        if got != want {
            self.failures
                .push(format!("{what}: got {got:?}, want {want:?}"));
        }
    }
}

fn unit(s: &str) -> BottleneckUnit {
    match s {
        "percentage.range" | "percentage" => BottleneckUnit::PercentageRange,
        "percentage.max" => BottleneckUnit::PercentageMax,
        "actual" => BottleneckUnit::Actual,
        "percentile" => BottleneckUnit::Percentile,
        _ => panic!("unit {s}"),
    }
}

/// Run one fixture; returns the report.
fn run_fixture(name: &str) -> Report {
    let spec = load(&format!("spec_{name}.json"));
    let out = load(&format!("out_{name}.json"));
    let csv = read_csv(spec["csv"].as_str().unwrap());
    let conds = strings(&spec["x"]);
    let yname = spec["y"].as_str().unwrap();
    let y = column(&csv, yname);
    let base_ceilings: Vec<Ceiling> = spec["ceilings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| Ceiling::from_name(v.as_str().unwrap()).unwrap())
        .collect();
    let corners: Vec<u8> = match &spec["corner"] {
        Value::Null => vec![1],
        Value::Number(n) => vec![n.as_u64().unwrap() as u8],
        Value::Array(a) => a.iter().map(|v| v.as_u64().unwrap() as u8).collect(),
        _ => panic!(),
    };
    let scope = match &spec["scope"] {
        Value::Array(a) => Some([ev(&a[0]), ev(&a[1]), ev(&a[2]), ev(&a[3])]),
        _ => None,
    };
    let rep = spec["test_rep"].as_u64().unwrap_or(0) as usize;
    let seed = spec["seed"].as_u64().map(|s| s as u32);
    let qr_tau = spec["qr_tau"].as_f64().unwrap_or(0.95); // the reference's default
    let mut rep_out = Report::default();
    let mut results = Vec::new();
    for (k, c) in conds.iter().enumerate() {
        let x = column(&csv, c);
        let mut ceilings = base_ceilings.clone();
        if let Value::Array(cu) = &spec["custom"] {
            ceilings.push(Ceiling::Custom {
                intercept: cu[2 * k].as_f64().unwrap(),
                slope: cu[2 * k + 1].as_f64().unwrap(),
            });
        }
        let opts = NcaOptions {
            ceilings,
            corner: corners[k % corners.len()],
            scope,
            qr_tau,
            permutations: rep,
            seed,
            keep_permutations: true,
            keep_null_effects: true,
            ..NcaOptions::default()
        };
        let r = analyse(&x, &y, &opts).unwrap_or_else(|e| panic!("{name} {c}: {e}"));
        results.push(r);
    }
    if out.get("error").is_some() {
        // the reference crashed here; we only require a result (checked by caller)
        return rep_out;
    }
    for (k, c) in conds.iter().enumerate() {
        let r = &results[k];
        let o = &out["results"][c];
        let w = |f: &str| format!("{name}/{c}/{f}");
        rep_out.exact(&w("n"), r.n as u64, o["n"].as_u64().unwrap());
        rep_out.val(&w("scope"), r.scope, &o["scope"]);
        rep_out.val(&w("xmin"), r.xmin, &o["xmin"]);
        rep_out.val(&w("xmax"), r.xmax, &o["xmax"]);
        rep_out.val(&w("ymin"), r.ymin, &o["ymin"]);
        rep_out.val(&w("ymax"), r.ymax, &o["ymax"]);
        for i in 0..4 {
            rep_out.val(&w("scope_emp"), r.scope_detail.emp[i], &o["scope_emp"][i]);
            rep_out.val(
                &w("scope_theo"),
                r.scope_detail.theo[i],
                &o["scope_theo"][i],
            );
        }
        rep_out.val(
            &w("scope_area_emp"),
            r.scope_detail.area_emp,
            &o["scope_area_emp"],
        );
        rep_out.exact(&w("flip_x"), r.flip_x, o["flip_x"].as_bool().unwrap());
        rep_out.exact(&w("flip_y"), r.flip_y, o["flip_y"].as_bool().unwrap());
        if let Some(off) = o.get("permutation_offset") {
            let t = r.test.as_ref().unwrap();
            rep_out.exact(&w("offset"), t.offset as u64, off.as_u64().unwrap());
            let want: Vec<Vec<u64>> = o["permutations"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| {
                    p.as_array()
                        .unwrap()
                        .iter()
                        .map(|v| v.as_u64().unwrap())
                        .collect()
                })
                .collect();
            let got: Vec<Vec<u64>> = t
                .permutations
                .as_ref()
                .unwrap()
                .iter()
                .map(|p| p.iter().map(|&v| v as u64).collect())
                .collect();
            rep_out.exact(&w("permutations.len"), got.len(), want.len());
            for (i, (g, e)) in got.iter().zip(&want).enumerate() {
                rep_out.exact(&w(&format!("permutation[{i}]")), g, e);
            }
        }
        let oc = o["ceilings"].as_object().unwrap();
        rep_out.exact(&w("ceilings.len"), r.ceilings.len(), oc.len());
        for (cname, oc) in oc {
            let cr = r
                .ceilings
                .iter()
                .find(|x| x.ceiling.name() == cname)
                .unwrap_or_else(|| panic!("{name}/{c}: no result for {cname}"));
            let w = |f: &str| format!("{name}/{c}/{cname}/{f}");
            rep_out.val(&w("ceiling_zone"), cr.ceiling_zone, &oc["ceiling_zone"]);
            rep_out.val(&w("effect_size"), cr.effect_size, &oc["effect_size"]);
            rep_out.val(&w("above"), cr.above, &oc["above"]);
            rep_out.val(&w("accuracy"), cr.accuracy, &oc["accuracy"]);
            rep_out.val(&w("accuracy_nof"), cr.accuracy_nof, &oc["accuracy_nof"]);
            rep_out.val(&w("fit"), cr.fit, &oc["fit"]);
            rep_out.opt(&w("slope"), cr.slope, &oc["slope"]);
            rep_out.opt(&w("intercept"), cr.intercept, &oc["intercept"]);
            rep_out.exact(
                &w("complexity"),
                cr.complexity as u64,
                oc["complexity"].as_u64().unwrap(),
            );
            rep_out.val(&w("abs_ineff"), cr.abs_ineff, &oc["abs_ineff"]);
            rep_out.val(&w("rel_ineff"), cr.rel_ineff, &oc["rel_ineff"]);
            rep_out.val(
                &w("condition_ineff"),
                cr.condition_ineff,
                &oc["condition_ineff"],
            );
            rep_out.val(&w("outcome_ineff"), cr.outcome_ineff, &oc["outcome_ineff"]);
            let want_peers: Vec<(u64, f64, f64)> = oc["peers"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| {
                    (
                        p["row"].as_str().unwrap().parse::<u64>().unwrap(),
                        ev(&p["x"]),
                        ev(&p["y"]),
                    )
                })
                .collect();
            let got_peers: Vec<(u64, f64, f64)> = cr
                .peers
                .iter()
                .map(|p| (p.index as u64 + 1, p.x, p.y))
                .collect();
            rep_out.exact(&w("peers"), got_peers, want_peers);
            rep_out.opt(&w("p_value"), cr.p_value, &oc["p_value"]);
            rep_out.opt(&w("p_accuracy"), cr.p_accuracy, &oc["p_accuracy"]);
            if let Some(t) = oc.get("test").filter(|t| !t.is_null()) {
                let ct = cr.test.as_ref().expect("test result");
                rep_out.exact(&w("test.rep"), ct.rep as u64, t["rep"].as_u64().unwrap());
                rep_out.exact(
                    &w("test.n_sims"),
                    ct.n_sims as u64,
                    t["n_sims"].as_u64().unwrap(),
                );
                rep_out.exact(
                    &w("test.n_ge"),
                    ct.n_sims_ge_observed as u64,
                    t["n_sims_ge_observed"].as_u64().unwrap(),
                );
                rep_out.val(&w("test.observed"), ct.observed, &t["observed"]);
                // CLP_DEGENERATE_LP: summaries may differ only if a degenerate
                // permutation exists (computed from our own permutations).
                let degenerate = if cname == "c_lp" {
                    clp_degenerate(r)
                } else {
                    Vec::new()
                };
                let allow = if degenerate.is_empty() {
                    None
                } else {
                    Some(DEPARTURES[0])
                };
                rep_out.val_departure(
                    &w("test.threshold"),
                    ct.threshold_value,
                    &t["threshold_value"],
                    allow,
                );
                rep_out.val_departure(&w("test.null_mean"), ct.null_mean, &t["null_mean"], allow);
                rep_out.val_departure(&w("test.null_sd"), ct.null_sd, &t["null_sd"], allow);
                rep_out.val_departure(&w("test.null_min"), ct.null_min, &t["null_min"], allow);
                rep_out.val_departure(&w("test.null_max"), ct.null_max, &t["null_max"], allow);
                for (i, q) in ["q50", "q90", "q95", "q99"].iter().enumerate() {
                    rep_out.val_departure(
                        &w(&format!("test.{q}")),
                        ct.null_quantiles[i],
                        &t["null_quantiles"][q],
                        allow,
                    );
                }
                if let Some(ne) = t.get("null_effects") {
                    let ne = ne.as_array().unwrap();
                    rep_out.exact(&w("null_effects.len"), ct.null_effects.len(), ne.len());
                    for (i, (g, e)) in ct.null_effects.iter().zip(ne).enumerate() {
                        // a differing permuted C-LP effect must be the other
                        // optimal edge of a degenerate LP
                        let alt_ok = degenerate
                            .iter()
                            .any(|&(k, alt)| k == i && close(alt, ev(e)));
                        let allow = if alt_ok { Some(DEPARTURES[0]) } else { None };
                        rep_out.val_departure(&w(&format!("null_effects[{i}]")), *g, e, allow);
                    }
                }
            }
        }
    }
    // bottleneck tables
    let spec_steps = &spec["steps"];
    let steps = if !out["step_size"].is_null() {
        Steps::StepSize(out["step_size"].as_f64().unwrap())
    } else if let Value::Array(a) = spec_steps {
        Steps::Levels(a.iter().map(|v| v.as_f64().unwrap()).collect())
    } else {
        Steps::Count(out["steps"][0].as_u64().unwrap() as usize)
    };
    let bspec = BottleneckSpec {
        x: unit(out["bottleneck_x"].as_str().unwrap()),
        y: unit(out["bottleneck_y"].as_str().unwrap()),
        steps,
        cutoff: out["cutoff"].as_u64().unwrap() as u8,
    };
    let refs: Vec<&NcaResult> = results.iter().collect();
    for (cname, ob) in out["bottlenecks"].as_object().unwrap() {
        let cer = results[0]
            .ceilings
            .iter()
            .find(|x| x.ceiling.name() == cname)
            .unwrap()
            .ceiling;
        let t = bottleneck_table(&refs, &cer, &y, &bspec).unwrap();
        let w = |f: &str| format!("{name}/bottleneck/{cname}/{f}");
        let yd = ob["y_display"].as_array().unwrap();
        let ya = ob["y_actual"].as_array().unwrap();
        rep_out.exact(&w("levels"), t.levels.display.len(), yd.len());
        for i in 0..yd.len().min(t.levels.display.len()) {
            rep_out.val(&w(&format!("y_display[{i}]")), t.levels.display[i], &yd[i]);
            rep_out.val(&w(&format!("y_actual[{i}]")), t.levels.actual[i], &ya[i]);
        }
        for (k, c) in conds.iter().enumerate() {
            let oc = &ob["x"][c];
            let col = &t.columns[k];
            let display = toe::report::tables::bottleneck_display(col);
            let w = |f: &str| format!("{name}/bottleneck/{cname}/{c}/{f}");
            let disp: Vec<String> = oc["display"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap().to_string())
                .collect();
            rep_out.exact(&w("display"), display.clone(), disp);
            for (i, v) in oc["x_value"].as_array().unwrap().iter().enumerate() {
                rep_out.val(&w(&format!("x_value[{i}]")), col.x_value[i], v);
            }
            for (i, v) in oc["x_actual"].as_array().unwrap().iter().enumerate() {
                rep_out.val(&w(&format!("x_actual[{i}]")), col.x_actual[i], v);
            }
            if let Some(cs) = oc.get("cases") {
                for (i, v) in cs.as_array().unwrap().iter().enumerate() {
                    rep_out.val(&w(&format!("cases[{i}]")), col.cases[i], v);
                }
            }
            // cells agree with the printed text
            for (i, cell) in col.cells.iter().enumerate() {
                let ok = match cell {
                    Cell::NN => display[i] == "NN",
                    Cell::NA => display[i] == "NA",
                    Cell::Value(_) => display[i] != "NN" && display[i] != "NA",
                };
                rep_out.exact(&w(&format!("cell[{i}]")), ok, true);
            }
        }
    }
    rep_out
}

fn check(name: &str) {
    let r = run_fixture(name);
    assert!(r.checked > 50, "{name}: only {} values checked", r.checked);
    if !r.failures.is_empty() {
        let n = r.failures.len();
        let shown: Vec<_> = r.failures.iter().take(40).cloned().collect();
        panic!(
            "{name}: {n} of {} values differ:\n{}",
            r.checked,
            shown.join("\n")
        );
    }
    for d in &r.departures {
        eprintln!("departure {d}");
    }
    eprintln!(
        "{name}: {} values checked, {} differ by a named departure",
        r.checked,
        r.departures.len()
    );
}

#[test]
fn example() {
    check("example");
}
#[test]
fn custom() {
    check("custom");
}
#[test]
fn cutoff0() {
    check("cutoff0");
}
#[test]
fn cutoff1() {
    check("cutoff1");
}
#[test]
fn cutoff2() {
    check("cutoff2");
}
#[test]
fn cutoff0_pct() {
    check("cutoff0_pct");
}
#[test]
fn cutoff1_pct() {
    check("cutoff1_pct");
}
#[test]
fn cutoff2_pct() {
    check("cutoff2_pct");
}
#[test]
fn likert() {
    check("likert");
}
#[test]
fn likert_corner() {
    check("likert_corner");
}
#[test]
fn likert_lower() {
    check("likert_lower");
}
#[test]
fn n50() {
    check("n50");
}
#[test]
fn qr_ties() {
    check("qr_ties");
}
#[test]
fn fp_ties() {
    check("fp_ties");
}
#[test]
fn n500() {
    check("n500");
}
#[test]
fn scope() {
    check("scope");
}
#[test]
fn bottleneck_percentile_levels() {
    check("bn_pct_example");
}

#[test]
fn bottleneck_actual_levels() {
    check("bn_act_example");
}

#[test]
fn synth_small() {
    check("synth_small");
}

/// Departure (docs/methods.md §3.5): the reference crashes on this input
/// ("missing value where TRUE/FALSE needed"); the engine must not.
#[test]
fn error_qr_lower_does_not_crash() {
    let out = load("out_error_qr_lower.json");
    assert!(out.get("error").is_some());
    let r = run_fixture("error_qr_lower");
    assert_eq!(r.checked, 0);
    // and the QR ceiling has a defined (or explicitly undefined) result
    let spec = load("spec_error_qr_lower.json");
    let csv = read_csv(spec["csv"].as_str().unwrap());
    let y = column(&csv, "LY");
    for (k, c) in ["L1", "L2"].iter().enumerate() {
        let x = column(&csv, c);
        let opts = NcaOptions {
            ceilings: vec![
                Ceiling::Ols,
                Ceiling::CeFdh,
                Ceiling::CrFdh,
                Ceiling::CLp,
                Ceiling::Qr,
            ],
            corner: [3, 4][k],
            qr_tau: 0.95,
            ..NcaOptions::default()
        };
        let r = analyse(&x, &y, &opts).expect("no crash");
        assert_eq!(r.ceilings.len(), 5);
        let refs = vec![&r];
        let bspec = BottleneckSpec {
            x: BottleneckUnit::Actual,
            y: BottleneckUnit::Actual,
            steps: Steps::Count(6),
            cutoff: 0,
        };
        let t = bottleneck_table(&refs, &Ceiling::Qr, &y, &bspec).expect("table");
        assert_eq!(t.columns[0].cells.len(), 7);
    }
}

/// `permutations()` on its own reproduces out_n50.json's offset and list.
#[test]
fn n50_permutation_list_function() {
    let out = load("out_n50.json");
    let o = &out["results"]["X"];
    let (offset, perms) = permutations(42, 53, 1000);
    assert_eq!(offset as u64, o["permutation_offset"].as_u64().unwrap());
    let want = o["permutations"].as_array().unwrap();
    assert_eq!(perms.len(), want.len());
    for (g, e) in perms.iter().zip(want) {
        let e: Vec<u32> = e
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as u32)
            .collect();
        assert_eq!(g, &e);
    }
}
