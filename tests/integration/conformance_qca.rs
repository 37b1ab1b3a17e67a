//! Conformance of the fsQCA engine with QCA 3.23 (tests/conformance/qca, see its
//! README). Every statistic is compared within 1e-9 relative (1e-12
//! absolute when the reference value is 0); rows, labels, terms, PI lists and models
//! exactly. `out_bug.json` (QCA's mislabelling bug, docs/methods.md §4.1) is deliberately not
//! used.

use crate::support::qca::*;
use serde_json::Value;
use toe::engine::fsqca::{
    analyse, ConfigRow, Expectation, FsqcaInput, FsqcaOptions, FsqcaResult, Solution,
};

fn expectation(v: &Value) -> Expectation {
    let s = match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        other => panic!("dir_exp {other}"),
    };
    match s.as_str() {
        "1" => Expectation::Presence,
        "0" => Expectation::Absence,
        "-" => Expectation::None,
        "0;1" | "1;0" => Expectation::Either,
        other => Expectation::Levels(other.split(';').map(|x| x.parse().unwrap()).collect()),
    }
}

/// Build the input and options of a fixture from its `meta` and `calibrated` sections.
fn setup(out: &Value) -> (FsqcaInput, FsqcaOptions) {
    let meta = &out["meta"];
    let spec = &meta["spec"];
    let values = &out["calibrated"]["values"];
    let conditions = str_list(&meta["conditions"]);
    let col = |name: &str| -> Vec<f64> {
        values[name]
            .as_array()
            .unwrap_or_else(|| panic!("no values for {name}"))
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect()
    };
    let outcome_name = meta["outcome"].as_str().unwrap();
    let outcome = match outcome_name.strip_prefix('~') {
        Some(o) => col(o).iter().map(|y| 1.0 - y).collect(),
        None => col(outcome_name),
    };
    let input = FsqcaInput {
        memberships: conditions.iter().map(|c| col(c).into()).collect(),
        conditions,
        outcome_name: outcome_name.to_string(),
        outcome: outcome.into(),
        cases: str_list(&out["calibrated"]["cases"]).into(),
    };
    let cuts: Vec<f64> = meta["incl_cut"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    let opts = FsqcaOptions {
        incl_cut: cuts[0],
        incl_cut0: cuts.get(1).copied(),
        n_cut: meta["n_cut"].as_u64().unwrap_or(1) as usize,
        pri_cut: meta["pri_cut"].as_f64().unwrap_or(0.0),
        expectations: meta["dir_exp"]
            .as_array()
            .map(|a| a.iter().map(expectation).collect()),
        all_sol: spec["all_sol"].as_bool().unwrap_or(false),
        csa: spec["csa"].as_bool().unwrap_or(true),
        exclude: Vec::new(),
        ..FsqcaOptions::default()
    };
    (input, opts)
}

fn rows_of(v: &Value) -> Vec<u128> {
    match v {
        Value::Array(a) => a
            .iter()
            .map(|r| {
                if r.is_object() {
                    r["row"].as_u64().unwrap() as u128
                } else {
                    r.as_u64().unwrap() as u128
                }
            })
            .collect(),
        _ => vec![],
    }
}

fn our_rows(v: &[ConfigRow]) -> Vec<u128> {
    v.iter().map(|r| r.row).collect()
}

struct Check {
    name: String,
    errors: Vec<String>,
    compared: usize,
}

impl Check {
    fn eq<T: PartialEq + std::fmt::Debug>(&mut self, what: &str, ours: T, theirs: T) {
        self.compared += 1;
        if ours != theirs {
            self.errors.push(format!(
                "{}: {what}: ours {ours:?} ≠ ref {theirs:?}",
                self.name
            ));
        }
    }
    fn num(&mut self, what: &str, ours: f64, theirs: &Value) {
        self.compared += 1;
        if !close(ours, theirs) {
            self.errors
                .push(format!("{}: {what}: ours {ours} ≠ ref {theirs}", self.name));
        }
    }
    fn num_opt(&mut self, what: &str, ours: Option<f64>, theirs: &Value) {
        self.compared += 1;
        if !close_opt(ours, theirs) {
            self.errors.push(format!(
                "{}: {what}: ours {ours:?} ≠ ref {theirs}",
                self.name
            ));
        }
    }
}

fn check_solution(
    c: &mut Check,
    label: &str,
    ours: &Solution,
    theirs: &Value,
    ids: &toe::engine::data::CaseIds,
) {
    let pis: Vec<String> = ours
        .prime_implicants
        .iter()
        .map(|p| p.expr.clone())
        .collect();
    c.eq(
        &format!("{label} PIs"),
        pis.clone(),
        str_list(&theirs["prime_implicants"]),
    );
    let ess: Vec<String> = ours.essential.iter().map(|i| pis[*i].clone()).collect();
    let mut ref_ess = str_list(&theirs["essential"]);
    let mut ess_sorted = ess.clone();
    ess_sorted.sort();
    ref_ess.sort();
    c.eq(&format!("{label} essential"), ess_sorted, ref_ess);
    let models = theirs["models"].as_array().unwrap();
    c.eq(
        &format!("{label} number of models"),
        ours.models.len(),
        theirs["n_models"].as_u64().unwrap() as usize,
    );
    c.eq(
        &format!("{label} models listed"),
        ours.models.len(),
        models.len(),
    );
    for (m, r) in ours.models.iter().zip(models) {
        let l = format!("{label} {}", m.name);
        c.eq(
            &format!("{l} name"),
            m.name.as_str(),
            r["name"].as_str().unwrap(),
        );
        let terms: Vec<String> = m.terms.iter().map(|t| t.expr.clone()).collect();
        c.eq(&format!("{l} terms"), terms, str_list(&r["terms"]));
        c.eq(
            &format!("{l} expression"),
            m.expression.as_str(),
            r["expression"].as_str().unwrap(),
        );
        c.num(&format!("{l} inclS"), m.consistency, &r["inclS"]);
        c.num(&format!("{l} PRI"), m.pri, &r["PRI"]);
        c.num(&format!("{l} covS"), m.coverage, &r["covS"]);
        let ts = r["term_stats"].as_array().unwrap();
        c.eq(&format!("{l} term_stats length"), m.terms.len(), ts.len());
        for (t, rt) in m.terms.iter().zip(ts) {
            let tl = format!("{l} {}", t.expr);
            c.eq(
                &format!("{tl} term"),
                t.expr.as_str(),
                rt["term"].as_str().unwrap(),
            );
            c.num(&format!("{tl} inclS"), t.consistency, &rt["inclS"]);
            c.num(&format!("{tl} PRI"), t.pri, &rt["PRI"]);
            c.num(&format!("{tl} covS"), t.coverage, &rt["covS"]);
            c.num_opt(&format!("{tl} covU"), t.unique_coverage, &rt["covU"]);
            if let Some(cs) = rt["cases"].as_str() {
                c.eq(&format!("{tl} cases"), t.cases_string(ids).as_str(), cs);
            }
        }
    }
    if let Some(ov) = theirs["overall_term_stats"].as_array() {
        c.eq(
            &format!("{label} overall length"),
            ours.overall.len(),
            ov.len(),
        );
        for (t, rt) in ours.overall.iter().zip(ov) {
            let tl = format!("{label} overall {}", t.expr);
            c.eq(
                &format!("{tl} term"),
                t.expr.as_str(),
                rt["term"].as_str().unwrap(),
            );
            c.num(&format!("{tl} inclS"), t.consistency, &rt["inclS"]);
            c.num(&format!("{tl} PRI"), t.pri, &rt["PRI"]);
            c.num(&format!("{tl} covS"), t.coverage, &rt["covS"]);
            c.num_opt(&format!("{tl} covU"), t.unique_coverage, &rt["covU"]);
        }
    }
}

fn check_sa(c: &mut Check, label: &str, ours: &[Vec<ConfigRow>], theirs: &Value) {
    match theirs {
        Value::Object(map) => {
            c.eq(&format!("{label} SA models"), ours.len(), map.len());
            for (i, (name, v)) in map.iter().enumerate() {
                if let Some(o) = ours.get(i) {
                    c.eq(&format!("{label} SA {name}"), our_rows(o), rows_of(v));
                }
            }
        }
        _ => c.eq(&format!("{label} SA models"), ours.len(), 0),
    }
}

/// Compare one analysis with its fixture; returns the list of disagreements. With
/// `intermediate_departure` the fixture's (absent) intermediate section is not compared:
/// see [`fixture_big20`].
fn compare(
    name: &str,
    res: &FsqcaResult,
    out: &Value,
    intermediate_departure: bool,
) -> Vec<String> {
    let mut c = Check {
        name: name.to_string(),
        errors: vec![],
        compared: 0,
    };
    // necessity
    let nec = out["necessity"].as_array().unwrap();
    c.eq("necessity length", res.necessity.len(), nec.len());
    for (o, r) in res.necessity.iter().zip(nec) {
        c.eq(
            "necessity condition",
            o.expr.as_str(),
            r["condition"].as_str().unwrap(),
        );
        c.num(&format!("{} inclN", o.expr), o.consistency, &r["inclN"]);
        c.num(&format!("{} covN", o.expr), o.coverage, &r["covN"]);
        c.num(&format!("{} RoN", o.expr), o.relevance, &r["RoN"]);
    }
    // truth table
    let tt = &out["truth_table"];
    let levels: Vec<u32> = tt["noflevels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as u32)
        .collect();
    c.eq("noflevels", res.truth_table.levels.clone(), levels);
    let rows = tt["rows"].as_array().unwrap();
    // R counts a row whose cases all sit at 0.5 (n = 0) as observed (`tt$indexes`); toe counts
    // it a remainder, as R's minimization treats it (docs/methods.md §4.1, §9).
    let unseen = rows.iter().filter(|r| r["n"].as_u64() == Some(0)).count() as u128;
    c.eq(
        "n_remainders",
        res.truth_table.n_remainders,
        tt["n_remainders"].as_u64().unwrap() as u128 + unseen,
    );
    c.eq("truth table rows", res.truth_table.rows.len(), rows.len());
    for (o, r) in res.truth_table.rows.iter().zip(rows) {
        let l = format!("row {}", o.row);
        c.eq(
            &format!("{l} number"),
            o.row,
            r["row"].as_u64().unwrap() as u128,
        );
        let bits: Vec<u32> = r["bits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as u32)
            .collect();
        c.eq(&format!("{l} bits"), o.config.clone(), bits);
        c.eq(
            &format!("{l} OUT"),
            o.out.as_str(),
            r["OUT"].as_str().unwrap(),
        );
        c.eq(
            &format!("{l} OUT before n.cut"),
            o.out_before_ncut.as_str(),
            r["OUT_before_ncut"].as_str().unwrap(),
        );
        c.eq(&format!("{l} n"), o.n, r["n"].as_u64().unwrap() as usize);
        c.num(&format!("{l} incl"), o.consistency, &r["incl"]);
        c.num(&format!("{l} PRI"), o.pri, &r["PRI"]);
        c.eq(
            &format!("{l} cases"),
            toe::engine::fsqca::names(&res.cases, &o.cases),
            str_list(&r["cases"]).iter().map(String::as_str).collect(),
        );
        c.eq(
            &format!("{l} dcc"),
            toe::engine::fsqca::names(&res.cases, &o.dcc),
            str_list(&r["dcc"]).iter().map(String::as_str).collect(),
        );
    }
    check_solution(&mut c, "complex", &res.complex, &out["complex"], &res.cases);
    check_solution(
        &mut c,
        "parsimonious",
        &res.parsimonious,
        &out["parsimonious"],
        &res.cases,
    );
    // simplifying assumptions
    let int = &out["intermediate"];
    if int.is_object() && !intermediate_departure {
        check_sa(
            &mut c,
            "intermediate",
            &res.simplifying_assumptions,
            &int["SA"],
        );
        let sols = int["solutions"].as_array().unwrap();
        c.eq("intermediate pairs", res.intermediate.len(), sols.len());
        for (o, r) in res.intermediate.iter().zip(sols) {
            let l = format!("intermediate {}", o.from);
            c.eq(
                &format!("{l} label"),
                o.from.as_str(),
                r["label"].as_str().unwrap(),
            );
            check_solution(&mut c, &l, &o.solution, r, &res.cases);
            c.eq(
                &format!("{l} EC"),
                our_rows(&o.easy_counterfactuals),
                rows_of(&r["EC"]),
            );
            c.eq(
                &format!("{l} DC"),
                our_rows(&o.difficult_counterfactuals),
                rows_of(&r["DC"]),
            );
            for m in &o.solution.models {
                c.eq(
                    &format!("{l} model from"),
                    m.from.as_deref(),
                    Some(o.from.as_str()),
                );
            }
        }
    }
    if out["parsimonious"]["SA"].is_object() {
        check_sa(
            &mut c,
            "parsimonious",
            &res.simplifying_assumptions,
            &out["parsimonious"]["SA"],
        );
    }
    match &out["contradictory_simplifying_assumptions"] {
        Value::Object(csa) => c.eq(
            "CSA",
            res.contradictory_simplifying_assumptions
                .as_ref()
                .map(|v| our_rows(v)),
            Some(num_list(&csa["rows"])),
        ),
        _ => c.eq(
            "CSA absent",
            res.contradictory_simplifying_assumptions.is_none(),
            true,
        ),
    }
    assert!(
        c.compared > 50,
        "{name}: too few comparisons ({})",
        c.compared
    );
    println!("{name}: {} values compared", c.compared);
    c.errors
}

fn run_fixture(name: &str, intermediate_departure: bool) -> (FsqcaResult, Vec<String>) {
    let out = fixture(&format!("out_{name}.json"));
    let (input, opts) = setup(&out);
    let res = analyse(&input, &opts).expect("analysis runs");
    let errors = compare(name, &res, &out, intermediate_departure);
    (res, errors)
}

fn assert_fixture(name: &str) {
    let (_, errors) = run_fixture(name, false);
    for e in errors.iter().take(60) {
        eprintln!("{e}");
    }
    assert!(errors.is_empty(), "{name}: {} disagreements", errors.len());
    println!("out_{name}.json: every compared value matches QCA 3.23");
}

#[test]
fn fixture_lf() {
    assert_fixture("LF");
}

#[test]
fn fixture_lc() {
    assert_fixture("LC");
}

#[test]
fn fixture_lm_multi_value() {
    assert_fixture("LM");
}

#[test]
fn fixture_lr_two_cuts_pri_and_half_membership() {
    assert_fixture("LR");
}

#[test]
fn fixture_cvf() {
    assert_fixture("CVF");
}

#[test]
fn fixture_hc_all_sol() {
    assert_fixture("HC");
}

#[test]
fn fixture_urban() {
    assert_fixture("urban");
}

/// Named exception — "intermediate solution above 19 conditions" (docs/methods.md §4.3,
/// docs/methods.md §4.3): QCA 3.23 computes SA and the intermediate solution only when
/// 3^k < 2^31, so with k = 20 the fixture has none (`dir.exp` silently ignored). This
/// engine computes them for every k (a documented departure). Everything else of the
/// fixture (truth table, necessity, complex and parsimonious solutions, CSA absent) is
/// compared as usual; the intermediate solution is checked for what it must be instead:
/// one pair C1P1 whose every model covers every positive row, with terms that are
/// implicants of the positive rows plus the easy counterfactuals (no negative row).
#[test]
fn fixture_big20() {
    let (res, errors) = run_fixture("big20", true);
    for e in errors.iter().take(60) {
        eprintln!("{e}");
    }
    assert!(errors.is_empty(), "big20: {} disagreements", errors.len());
    let out = fixture("out_big20.json");
    assert_eq!(
        out["intermediate"]["solutions"].as_array().map(|a| a.len()),
        Some(0)
    );
    assert!(res.sa_computed);
    assert_eq!(
        res.intermediate.len(),
        res.complex.models.len() * res.parsimonious.models.len()
    );
    assert!(!res.intermediate.is_empty());
    let pos: Vec<&toe::engine::fsqca::TruthTableRow> = res
        .truth_table
        .rows
        .iter()
        .filter(|r| r.out == toe::engine::fsqca::Out::One)
        .collect();
    let neg: Vec<&toe::engine::fsqca::TruthTableRow> = res
        .truth_table
        .rows
        .iter()
        .filter(|r| r.out == toe::engine::fsqca::Out::Zero)
        .collect();
    for i in &res.intermediate {
        assert!(!i.solution.models.is_empty());
        for m in &i.solution.models {
            let imps: Vec<&Vec<u32>> = m
                .pi_indices
                .iter()
                .map(|p| &i.solution.prime_implicants[*p].implicant)
                .collect();
            for r in &pos {
                assert!(imps
                    .iter()
                    .any(|t| toe::engine::fsqca::implicants::covers(t, &r.config)));
            }
            for r in &neg {
                assert!(!imps
                    .iter()
                    .any(|t| toe::engine::fsqca::implicants::covers(t, &r.config)));
            }
        }
    }
    println!("out_big20.json: matches QCA 3.23 except the intermediate solution QCA skips");
}

/// A crisp problem: one case per positive row (Y = 1) and per negative row (Y = 0).
fn crisp_input(case: &Value) -> FsqcaInput {
    let conds = str_list(&case["conds"]);
    let rows = |key: &str| -> Vec<Vec<f64>> {
        case[key]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|r| {
                        r.as_array()
                            .unwrap()
                            .iter()
                            .map(|v| v.as_f64().unwrap())
                            .collect()
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let pos = rows("pos");
    let neg = rows("neg");
    let all: Vec<&Vec<f64>> = pos.iter().chain(neg.iter()).collect();
    FsqcaInput {
        memberships: (0..conds.len())
            .map(|j| all.iter().map(|r| r[j]).collect())
            .collect(),
        conditions: conds,
        outcome_name: "Y".into(),
        outcome: pos
            .iter()
            .map(|_| 1.0)
            .chain(neg.iter().map(|_| 0.0))
            .collect(),
        cases: (0..all.len()).map(|i| format!("c{}", i + 1)).collect(),
    }
}

fn model_terms(s: &Solution) -> Vec<Vec<String>> {
    s.models
        .iter()
        .map(|m| m.terms.iter().map(|t| t.expr.clone()).collect())
        .collect()
}

fn pi_strings(s: &Solution) -> Vec<String> {
    s.prime_implicants.iter().map(|p| p.expr.clone()).collect()
}

#[test]
fn minimize_cases_140() {
    let cases = fixture("minimize_cases.json");
    let cases = cases.as_array().unwrap();
    let mut ok = 0;
    let mut failures = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let input = crisp_input(case);
        let res = analyse(&input, &FsqcaOptions::default()).unwrap();
        let pos_rows: Vec<u128> = res
            .truth_table
            .rows
            .iter()
            .filter(|r| r.out == toe::engine::fsqca::Out::One)
            .map(|r| r.row)
            .collect();
        let checks = [
            (
                "positive rows",
                format!("{pos_rows:?}"),
                format!("{:?}", num_list(&case["pos_rows"])),
            ),
            (
                "pars PIs",
                format!("{:?}", pi_strings(&res.parsimonious)),
                format!("{:?}", str_list(&case["pars_PIs"])),
            ),
            (
                "pars models",
                format!("{:?}", model_terms(&res.parsimonious)),
                format!("{:?}", models_list(&case["pars_models"])),
            ),
            (
                "comp PIs",
                format!("{:?}", pi_strings(&res.complex)),
                format!("{:?}", str_list(&case["comp_PIs"])),
            ),
            (
                "comp models",
                format!("{:?}", model_terms(&res.complex)),
                format!("{:?}", models_list(&case["comp_models"])),
            ),
        ];
        let bad: Vec<String> = checks
            .iter()
            .filter(|(_, a, b)| a != b)
            .map(|(w, a, b)| format!("case {i}: {w}: ours {a} ≠ ref {b}"))
            .collect();
        if bad.is_empty() {
            ok += 1;
        } else {
            failures.extend(bad);
        }
    }
    println!("minimize_cases.json: {ok}/{} match", cases.len());
    for f in failures.iter().take(20) {
        eprintln!("{f}");
    }
    assert_eq!(ok, cases.len());
    assert_eq!(ok, 140);
}

fn de_of(case: &Value) -> Vec<Expectation> {
    case["de"]
        .as_array()
        .unwrap()
        .iter()
        .map(expectation)
        .collect()
}

#[test]
fn intermediate_cases_303() {
    let cases = fixture("intermediate_cases.json");
    let cases = cases.as_array().unwrap();
    let mut pairs = 0;
    let mut ok = 0;
    let mut failures = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let input = crisp_input(case);
        let opts = FsqcaOptions {
            expectations: Some(de_of(case)),
            ..FsqcaOptions::default()
        };
        let res = analyse(&input, &opts).unwrap();
        // simplifying assumptions per parsimonious model
        let sa = case["SA"].as_object().unwrap();
        let ours_sa: Vec<Vec<u128>> = res
            .simplifying_assumptions
            .iter()
            .map(|v| our_rows(v))
            .collect();
        let ref_sa: Vec<Vec<u128>> = sa.values().map(num_list).collect();
        if ours_sa != ref_sa {
            failures.push(format!("case {i}: SA ours {ours_sa:?} ≠ ref {ref_sa:?}"));
        }
        let isol = case["isol"].as_object().unwrap();
        if isol.len() != res.intermediate.len() {
            failures.push(format!(
                "case {i}: {} pairs ≠ ref {}",
                res.intermediate.len(),
                isol.len()
            ));
        }
        for (label, r) in isol {
            pairs += 1;
            let Some(o) = res.intermediate.iter().find(|s| &s.from == label) else {
                failures.push(format!("case {i}: no pair {label}"));
                continue;
            };
            let c_sol: Vec<String> = res.complex.models[o.complex_model]
                .terms
                .iter()
                .map(|t| t.expr.clone())
                .collect();
            let p_sol: Vec<String> = res.parsimonious.models[o.parsimonious_model]
                .terms
                .iter()
                .map(|t| t.expr.clone())
                .collect();
            let checks = [
                (
                    "EC",
                    format!("{:?}", our_rows(&o.easy_counterfactuals)),
                    format!("{:?}", num_list(&r["EC"])),
                ),
                (
                    "models",
                    format!("{:?}", model_terms(&o.solution)),
                    format!("{:?}", models_list(&r["models"])),
                ),
                (
                    "c_sol",
                    format!("{c_sol:?}"),
                    format!("{:?}", str_list(&r["c_sol"])),
                ),
                (
                    "p_sol",
                    format!("{p_sol:?}"),
                    format!("{:?}", str_list(&r["p_sol"])),
                ),
            ];
            let bad: Vec<String> = checks
                .iter()
                .filter(|(_, a, b)| a != b)
                .map(|(w, a, b)| format!("case {i} {label}: {w}: ours {a} ≠ ref {b}"))
                .collect();
            if bad.is_empty() {
                ok += 1;
            } else {
                failures.extend(bad);
            }
        }
    }
    println!("intermediate_cases.json: {ok}/{pairs} (C,P) pairs match");
    for f in failures.iter().take(20) {
        eprintln!("{f}");
    }
    assert!(failures.is_empty(), "{} disagreements", failures.len());
    assert_eq!(pairs, 303);
    assert_eq!(ok, 303);
}
