//! Stage 4, running an `fsqca` block: memberships from the session (listwise deletion,
//! reported), the engine's truth table and solutions, and their report as text and JSON.
//!
//! Guarantees: cases missing in any set of the analysis are dropped and named; a negated
//! outcome is analysed as 1 − Y; the JSON follows OUTPUT.md (rows in row-number order, models
//! M1, M2 …, intermediate models with their `from` pair); numbers unrounded in the JSON.

use super::{json_num, opt_num, JsonValue, Session};
use crate::check::plan::FsqcaPlan;
use crate::diagnostics::{codes, Diag};
use crate::engine::fsqca::{
    self, ConfigRow, Expectation, FsqcaInput, FsqcaOptions, FsqcaResult, Model, Out,
};
use crate::report::{fixed3, Align, TextTable};
use serde_json::{json, Map};

/// The results of one `fsqca` analysis.
#[derive(Debug, Clone)]
pub struct FsqcaRun {
    pub plan: FsqcaPlan,
    pub result: FsqcaResult,
    /// Ids of the cases dropped for missing values.
    pub dropped: Vec<String>,
    /// What the engine was given (complete cases only): for plots and exports.
    pub input: FsqcaInput,
    /// Panel diagnostics (`cluster = COL`), if asked for.
    pub clusters: Option<Clusters>,
}

/// Pooled, between-cluster and within-unit consistency and coverage of each term of the
/// reported solution (SetMethods' cluster diagnostics).
#[derive(Debug, Clone)]
pub struct Clusters {
    pub cluster: String,
    pub unit: Option<String>,
    /// "intermediate M1" or "parsimonious M1"
    pub model: String,
    pub rows: Vec<ClusterRow>,
}

/// One term (or the whole solution, `expr` = the model's expression).
#[derive(Debug, Clone)]
pub struct ClusterRow {
    pub expr: String,
    pub pooled: Fit2,
    pub between: Vec<(String, Fit2)>,
    pub within: Vec<(String, Fit2)>,
}

/// Consistency and coverage of a sufficiency relation over some cases.
#[derive(Debug, Clone, Copy)]
pub struct Fit2 {
    pub consistency: f64,
    pub coverage: f64,
    pub n: usize,
}

fn fit2(x: &[f64], y: &[f64], rows: &[usize]) -> Fit2 {
    let xs: Vec<f64> = rows.iter().map(|&i| x[i]).collect();
    let ys: Vec<f64> = rows.iter().map(|&i| y[i]).collect();
    let s = crate::engine::sets::sufficiency(&xs, &ys);
    Fit2 {
        consistency: s.consistency,
        coverage: s.coverage,
        n: rows.len(),
    }
}

fn groups(labels: &[String]) -> Vec<(String, Vec<usize>)> {
    let mut out: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, l) in labels.iter().enumerate() {
        match out.iter_mut().find(|(g, _)| g == l) {
            Some((_, v)) => v.push(i),
            None => out.push((l.clone(), vec![i])),
        }
    }
    out
}

/// Cluster diagnostics of the reported model's terms and of the whole solution.
/// `cluster` and `unit` hold the labels of the analysed (complete) cases.
pub fn cluster_figures(
    run: &FsqcaRun,
    cluster: (&str, &[String]),
    unit: Option<(&str, &[String])>,
) -> Option<Clusters> {
    let r = &run.result;
    let inter = intermediate_models(r);
    let (kind, model) = match inter.first() {
        Some(m) if run.plan.expect.is_some() => ("intermediate", m.clone()),
        _ => ("parsimonious", r.parsimonious.models.first()?.clone()),
    };
    let y = &run.input.outcome;
    let all: Vec<usize> = (0..y.len()).collect();
    let between_groups = groups(cluster.1);
    let within_groups = unit.map(|(_, l)| groups(l)).unwrap_or_default();
    let mut rows = Vec::new();
    let mut exprs: Vec<(String, Vec<Vec<u32>>)> = model
        .terms
        .iter()
        .map(|t| (t.expr.clone(), vec![t.implicant.clone()]))
        .collect();
    if model.terms.len() > 1 {
        exprs.push((
            model.expression.clone(),
            model.terms.iter().map(|t| t.implicant.clone()).collect(),
        ));
    }
    for (expr, imps) in exprs {
        let x = super::export::solution_membership(&run.input.memberships, &imps);
        rows.push(ClusterRow {
            expr,
            pooled: fit2(&x, y, &all),
            between: between_groups
                .iter()
                .map(|(g, idx)| (g.clone(), fit2(&x, y, idx)))
                .collect(),
            within: within_groups
                .iter()
                .map(|(g, idx)| (g.clone(), fit2(&x, y, idx)))
                .collect(),
        });
    }
    Some(Clusters {
        cluster: cluster.0.to_string(),
        unit: unit.map(|u| u.0.to_string()),
        model: format!("{kind} {}", model.name),
        rows,
    })
}

/// The cluster diagnostics as a text table per term.
pub fn clusters_text(c: &Clusters) -> String {
    let mut out = format!(
        "panel diagnostics ({}; clusters by {}{})\n",
        c.model,
        c.cluster,
        c.unit
            .as_ref()
            .map(|u| format!(", units by {u}"))
            .unwrap_or_default()
    );
    for r in &c.rows {
        let mut t = TextTable::new(
            vec![
                "".into(),
                "cases".into(),
                "consistency".into(),
                "coverage".into(),
            ],
            vec![Align::Left, Align::Right, Align::Right, Align::Right],
        );
        t.rows.push(vec![
            "pooled".into(),
            r.pooled.n.to_string(),
            fixed3(r.pooled.consistency),
            fixed3(r.pooled.coverage),
        ]);
        for (g, f) in &r.between {
            t.rows.push(vec![
                format!("between {g}"),
                f.n.to_string(),
                fixed3(f.consistency),
                fixed3(f.coverage),
            ]);
        }
        for (g, f) in &r.within {
            t.rows.push(vec![
                format!("within {g}"),
                f.n.to_string(),
                fixed3(f.consistency),
                fixed3(f.coverage),
            ]);
        }
        out.push_str(&format!("  {}\n", r.expr));
        out.push_str(&t.render("    "));
    }
    out.push('\n');
    out
}

fn clusters_json(c: &Clusters) -> JsonValue {
    let f = |x: &Fit2| json!({ "consistency": json_num(x.consistency), "coverage": json_num(x.coverage), "cases": x.n });
    let m = |v: &[(String, Fit2)]| {
        JsonValue::Object(v.iter().map(|(g, x)| (g.clone(), f(x))).collect())
    };
    json!({
        "cluster": c.cluster,
        "unit": c.unit,
        "model": c.model,
        "terms": c.rows.iter().map(|r| json!({ "expr": r.expr, "pooled": f(&r.pooled), "between": m(&r.between), "within": m(&r.within) })).collect::<Vec<_>>(),
    })
}

impl Session {
    pub(super) fn run_fsqca(&mut self, p: &FsqcaPlan) -> Result<FsqcaRun, Diag> {
        let Some(data) = &self.data else {
            return Err(Diag::error(
                codes::NO_DATA,
                "expected a `data` statement first, found none",
            )
            .at(p.span, "no data")
            .help("load data with `data NAME = csv(\"file.csv\", id = case)`"));
        };
        let ids = data.table.ids.clone();
        let mut columns: Vec<Vec<f64>> = Vec::new();
        for c in &p.conditions {
            columns.push(self.membership_of(c, p.span)?.to_vec());
        }
        let mut y = self.membership_of(&p.outcome, p.span)?.to_vec();
        if p.negated {
            y = y.iter().map(|v| 1.0 - v).collect();
        }
        let (input, dropped) = complete_input(p, &ids, &columns, &y);
        if !dropped.is_empty() {
            self.warn(
                Diag::warning(
                    codes::MISSING_VALUES,
                    format!("expected complete cases in `{}`, found {} with missing values, dropped: {}", p.name, dropped.len(), dropped.join(", ")),
                )
                .at(p.span, "listwise deletion")
                .help("fsQCA drops a case missing in any condition or the outcome, as R's QCA does"),
            );
        }
        let opts = fsqca_options(p);
        let result = fsqca::analyse(&input, &opts).map_err(|e| {
            Diag::error(
                codes::UNDEFINED,
                format!(
                    "expected an analysable truth table for `{}`, found a problem: {e}",
                    p.name
                ),
            )
            .at(p.span, "this analysis")
            .help("check the calibration of its sets (memberships in [0, 1], or crisp levels)")
        })?;
        if p.expect.is_some() && !result.sa_computed {
            self.warn(
                Diag::warning(codes::NOT_AVAILABLE, format!("expected an intermediate solution for `{}`, found none: its configurations do not fit the engine's 128-bit rows", p.name))
                    .at(p.span, "too many configurations")
                    .help("reduce the number of conditions or of levels of multi-value conditions"),
            );
        }
        if p.conditions.len() >= 20 && p.expect.is_some() {
            self.warn(
                Diag::warning(codes::DEPARTURE, format!("expected R's QCA to ignore `expect` with {} conditions, found an intermediate solution computed anyway", p.conditions.len()))
                    .at(p.span, "a departure from QCA 3.23")
                    .help("QCA 3.23 skips simplifying assumptions at 20 or more conditions; toe computes them exactly with cubes (docs/fsqca-engine.md)"),
            );
        }
        if !result.simplifying_assumptions_listed {
            self.warn(
                Diag::warning(codes::NOT_AVAILABLE, format!("expected simplifying assumptions to list for `{}`, found too many: only their counts are reported", p.name))
                    .at(p.span, "counts only")
                    .help("the JSON gives `simplifying_assumptions_count`; the solutions themselves are complete"),
            );
        }
        if let Some(note) = &result.contradictory_simplifying_assumptions_note {
            self.warn(
                Diag::warning(codes::NOT_AVAILABLE, format!("expected contradictory simplifying assumptions for `{}`, found them not computed: {note}", p.name))
                    .at(p.span, "no contradictory simplifying assumptions")
                    .help("they need a second minimization for the negated outcome, skipped where it is too costly"),
            );
        }
        let mut run = FsqcaRun {
            plan: p.clone(),
            result,
            dropped,
            input,
            clusters: None,
        };
        if let (Some((col, span)), Some(data)) = (&p.cluster, &self.data) {
            let t = &data.table;
            let labels_of = |c: &str, sp: crate::source::Span| -> Result<Vec<String>, Diag> {
                let j = t.column_index(c).ok_or_else(|| {
                    Diag::error(
                        codes::UNKNOWN_COLUMN,
                        format!("expected a column of `{}`, found `{c}`", data.path),
                    )
                    .at(sp, "no such column")
                    .help("name the column of the panel's clusters, e.g. `cluster = year`")
                })?;
                let all = t.labels(j);
                Ok(run
                    .input
                    .cases
                    .iter()
                    .filter_map(|id| t.ids.iter().position(|x| x == id))
                    .map(|i| all[i].clone())
                    .collect())
            };
            let cl = labels_of(col, *span)?;
            let un = match &p.unit {
                Some((u, sp)) => Some((u.clone(), labels_of(u, *sp)?)),
                None => None,
            };
            run.clusters = cluster_figures(
                &run,
                (col, &cl),
                un.as_ref().map(|(u, l)| (u.as_str(), l.as_slice())),
            );
        }
        Ok(run)
    }
}

/// The engine's input: the cases complete in every set of the analysis (listwise deletion),
/// and the ids of the dropped ones. `y` is the outcome as analysed (negated if need be).
pub fn complete_input(
    p: &FsqcaPlan,
    ids: &[String],
    columns: &[Vec<f64>],
    y: &[f64],
) -> (FsqcaInput, Vec<String>) {
    let keep: Vec<usize> = (0..y.len())
        .filter(|&i| !y[i].is_nan() && columns.iter().all(|c| !c[i].is_nan()))
        .collect();
    let dropped: Vec<String> = (0..y.len())
        .filter(|i| keep.binary_search(i).is_err())
        .map(|i| ids[i].clone())
        .collect();
    let input = FsqcaInput {
        conditions: p.conditions.clone(),
        memberships: columns
            .iter()
            .map(|c| keep.iter().map(|&i| c[i]).collect())
            .collect(),
        outcome_name: p.outcome.clone(),
        outcome: keep.iter().map(|&i| y[i]).collect(),
        cases: keep.iter().map(|&i| ids[i].clone()).collect(),
    };
    (input, dropped)
}

/// The engine's options from a checked plan.
pub fn fsqca_options(p: &FsqcaPlan) -> FsqcaOptions {
    let expectations = p.expect.as_ref().map(|list| {
        p.conditions
            .iter()
            .map(
                |c| match list.iter().find(|e| &e.condition == c).map(|e| e.value) {
                    Some("1") => Expectation::Presence,
                    Some("0") => Expectation::Absence,
                    Some(_) => Expectation::Either,
                    None => Expectation::None,
                },
            )
            .collect()
    });
    FsqcaOptions {
        incl_cut: p.consistency,
        incl_cut0: p.contradictions,
        n_cut: p.cases.ceil().max(0.0) as usize,
        pri_cut: p.pri,
        expectations,
        all_sol: false,
        csa: true,
    }
}

fn row_json(r: u128) -> JsonValue {
    u64::try_from(r)
        .map(JsonValue::from)
        .unwrap_or_else(|_| JsonValue::String(r.to_string()))
}

fn config_json(c: &ConfigRow) -> JsonValue {
    json!({ "row": row_json(c.row), "config": c.config })
}

fn model_json(m: &Model) -> JsonValue {
    let terms: Vec<JsonValue> = m
        .terms
        .iter()
        .map(|t| {
            json!({
                "expr": t.expr,
                "consistency": json_num(t.consistency),
                "pri": json_num(t.pri),
                "coverage": json_num(t.coverage),
                "unique_coverage": opt_num(t.unique_coverage),
                "cases": t.cases.iter().flatten().collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut o = Map::new();
    o.insert("model".into(), m.name.clone().into());
    if let Some(f) = &m.from {
        o.insert("from".into(), f.clone().into());
    }
    o.insert("expression".into(), m.expression.clone().into());
    o.insert("consistency".into(), json_num(m.consistency));
    o.insert("pri".into(), json_num(m.pri));
    o.insert("coverage".into(), json_num(m.coverage));
    o.insert("terms".into(), JsonValue::Array(terms));
    JsonValue::Object(o)
}

/// Every model of the intermediate solution, each with its `from` pair.
pub fn intermediate_models(r: &FsqcaResult) -> Vec<Model> {
    r.intermediate
        .iter()
        .flat_map(|i| {
            i.solution.models.iter().map(move |m| {
                let mut m = m.clone();
                m.from = Some(i.from.clone());
                m
            })
        })
        .collect()
}

/// The fsQCA results as OUTPUT.md writes them.
pub fn fsqca_json(run: &FsqcaRun) -> JsonValue {
    let p = &run.plan;
    let r = &run.result;
    let expect: Map<String, JsonValue> = p
        .expect
        .iter()
        .flatten()
        .map(|e| (e.condition.clone(), JsonValue::from(e.value)))
        .collect();
    let necessity: Vec<JsonValue> = r
        .necessity
        .iter()
        .map(|n| json!({ "expr": n.expr, "consistency": json_num(n.consistency), "coverage": json_num(n.coverage), "relevance": json_num(n.relevance) }))
        .collect();
    let tt: Vec<JsonValue> = r
        .truth_table
        .rows
        .iter()
        .map(|t| {
            json!({
                "row": row_json(t.row), "config": t.config, "out": t.out.as_str(), "n": t.n,
                "consistency": json_num(t.consistency), "pri": json_num(t.pri), "cases": t.cases,
            })
        })
        .collect();
    let models = |s: &fsqca::Solution| JsonValue::Array(s.models.iter().map(model_json).collect());
    let sa = r
        .simplifying_assumptions
        .first()
        .map(|v| v.iter().map(config_json).collect::<Vec<_>>())
        .unwrap_or_default();
    let ec = r
        .intermediate
        .first()
        .map(|i| {
            i.easy_counterfactuals
                .iter()
                .map(config_json)
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let csa = r
        .contradictory_simplifying_assumptions
        .as_ref()
        .map(|v| JsonValue::Array(v.iter().map(config_json).collect()))
        .unwrap_or(JsonValue::Null);
    json!({
        "name": p.name,
        "kind": "fsqca",
        "outcome": p.outcome,
        "negated": p.negated,
        "conditions": p.conditions,
        "thresholds": { "cases": p.cases, "consistency": p.consistency, "contradictions": p.contradictions, "pri": p.pri },
        "expect": if p.expect.is_some() { JsonValue::Object(expect) } else { JsonValue::Null },
        "dropped_cases": run.dropped,
        "necessity": necessity,
        "truth_table": tt,
        "solutions": {
            "complex": models(&r.complex),
            "parsimonious": models(&r.parsimonious),
            "intermediate": JsonValue::Array(intermediate_models(r).iter().map(model_json).collect()),
        },
        "simplifying_assumptions": sa,
        "simplifying_assumptions_count": r.simplifying_assumptions_count.first().map(|c| row_json(*c)).unwrap_or(JsonValue::Null),
        "simplifying_assumptions_listed": r.simplifying_assumptions_listed,
        "easy_counterfactuals": ec,
        "easy_counterfactuals_count": r.intermediate.first().map(|i| row_json(i.easy_counterfactuals_count)).unwrap_or(JsonValue::Null),
        "contradictory_simplifying_assumptions": csa,
        "contradictory_simplifying_assumptions_note": r.contradictory_simplifying_assumptions_note,
        "configurations": configurations_json(run),
        "clusters": run.clusters.as_ref().map(clusters_json),
    })
}

fn solution_lines(label: &str, models: &[Model]) -> String {
    if models.is_empty() {
        return format!("  {label}: none (no positive row)\n");
    }
    let mut out = String::new();
    for m in models {
        let from = m
            .from
            .as_ref()
            .map(|f| format!(" ({f})"))
            .unwrap_or_default();
        out.push_str(&format!(
            "  {label} {}{from}: {}   consistency {}  PRI {}  coverage {}\n",
            m.name,
            m.expression,
            fixed3(m.consistency),
            fixed3(m.pri),
            fixed3(m.coverage)
        ));
    }
    out
}

/// What `toe run` prints for an fsqca analysis: the truth table's size and every solution.
pub fn fsqca_summary(run: &FsqcaRun) -> String {
    let p = &run.plan;
    let r = &run.result;
    let count = |o: Out| r.truth_table.rows.iter().filter(|t| t.out == o).count();
    let mut out = format!(
        "fsqca {}: {}{} given {}\n  truth table: {} observed rows ({} positive, {} negative, {} contradictions, {} below the frequency cut)\n",
        p.name,
        if p.negated { "~" } else { "" },
        p.outcome,
        p.conditions.join(", "),
        r.truth_table.rows.len(),
        count(Out::One),
        count(Out::Zero),
        count(Out::Contradiction),
        count(Out::Remainder),
    );
    out.push_str(&solution_lines("complex", &r.complex.models));
    out.push_str(&solution_lines("parsimonious", &r.parsimonious.models));
    if p.expect.is_some() {
        out.push_str(&solution_lines("intermediate", &intermediate_models(r)));
    }
    out.push('\n');
    if let Some(c) = &run.clusters {
        out.push_str(&clusters_text(c));
    }
    out
}

/// `show truth_table of X`: sorted by consistency, then n, both decreasing.
pub fn truth_table_text(run: &FsqcaRun) -> String {
    let p = &run.plan;
    let mut rows: Vec<&fsqca::TruthTableRow> = run.result.truth_table.rows.iter().collect();
    rows.sort_by(|a, b| {
        b.consistency
            .total_cmp(&a.consistency)
            .then(b.n.cmp(&a.n))
            .then(a.row.cmp(&b.row))
    });
    let mut headers = vec!["row".to_string()];
    headers.extend(p.conditions.iter().cloned());
    headers.extend(
        ["OUT", "n", "incl", "PRI", "cases"]
            .iter()
            .map(|s| s.to_string()),
    );
    let mut align = vec![Align::Right; p.conditions.len() + 5];
    align.push(Align::Left);
    let mut t = TextTable::new(headers, align);
    for r in rows {
        let mut row = vec![r.row.to_string()];
        row.extend(r.config.iter().map(|v| v.to_string()));
        row.push(r.out.as_str().to_string());
        row.push(r.n.to_string());
        row.push(fixed3(r.consistency));
        row.push(fixed3(r.pri));
        row.push(r.cases.join(","));
        t.rows.push(row);
    }
    format!(
        "truth table of {} (consistency >= {}, pri >= {}, cases >= {})\n{}\n",
        p.name,
        crate::report::num(p.consistency),
        crate::report::num(p.pri),
        crate::report::num(p.cases),
        t.render("  ")
    )
}

fn model_table(m: &Model) -> String {
    let mut t = TextTable::new(
        [
            "term",
            "consistency",
            "PRI",
            "raw cov.",
            "unique cov.",
            "cases",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        vec![
            Align::Left,
            Align::Right,
            Align::Right,
            Align::Right,
            Align::Right,
            Align::Left,
        ],
    );
    for term in &m.terms {
        t.rows.push(vec![
            term.expr.clone(),
            fixed3(term.consistency),
            fixed3(term.pri),
            fixed3(term.coverage),
            term.unique_coverage
                .map(fixed3)
                .unwrap_or_else(|| "-".into()),
            term.cases_string(),
        ]);
    }
    format!(
        "{}    solution: consistency {}  PRI {}  coverage {}\n",
        t.render("    "),
        fixed3(m.consistency),
        fixed3(m.pri),
        fixed3(m.coverage)
    )
}

/// `show solutions of X [kind]`.
pub fn solutions_text(run: &FsqcaRun, only: Option<&str>) -> String {
    let r = &run.result;
    let mut out = String::new();
    let kinds: [(&str, Vec<Model>); 3] = [
        ("complex", r.complex.models.clone()),
        ("parsimonious", r.parsimonious.models.clone()),
        ("intermediate", intermediate_models(r)),
    ];
    for (kind, models) in kinds {
        if only.is_some_and(|o| o != kind && !(o == "conservative" && kind == "complex")) {
            continue;
        }
        if kind == "intermediate" && run.plan.expect.is_none() {
            out.push_str("intermediate solution: none (no `expect` in the analysis)\n\n");
            continue;
        }
        out.push_str(&format!("{kind} solution of {}\n", run.plan.name));
        if models.is_empty() {
            out.push_str("  none: no truth-table row passes the thresholds\n\n");
            continue;
        }
        for m in &models {
            let from = m
                .from
                .as_ref()
                .map(|f| format!(" (from {f})"))
                .unwrap_or_default();
            out.push_str(&format!("  {}{from}: {}\n", m.name, m.expression));
            out.push_str(&model_table(m));
        }
        if kind == "intermediate" {
            for i in &r.intermediate {
                let rows = |v: &[ConfigRow]| {
                    v.iter()
                        .map(|c| c.row.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                out.push_str(&format!(
                    "  {}: easy counterfactuals [{}]; difficult counterfactuals [{}]\n",
                    i.from,
                    rows(&i.easy_counterfactuals),
                    rows(&i.difficult_counterfactuals)
                ));
            }
        }
        out.push('\n');
    }
    out
}

/// `show necessity of X`.
pub fn necessity_text(run: &FsqcaRun) -> String {
    let mut t = TextTable::new(
        ["condition", "consistency", "coverage", "relevance"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        vec![Align::Left, Align::Right, Align::Right, Align::Right],
    );
    for n in &run.result.necessity {
        t.rows.push(vec![
            n.expr.clone(),
            fixed3(n.consistency),
            fixed3(n.coverage),
            fixed3(n.relevance),
        ]);
    }
    format!(
        "necessity of each condition for {}{}\n{}\n",
        if run.plan.negated { "~" } else { "" },
        run.plan.outcome,
        t.render("  ")
    )
}

/// `show cases of X`: the cases each term of the solution covers.
pub fn cases_text(run: &FsqcaRun) -> String {
    let r = &run.result;
    let inter = intermediate_models(r);
    let (kind, models) = if run.plan.expect.is_some() && !inter.is_empty() {
        ("intermediate", inter)
    } else {
        ("parsimonious", r.parsimonious.models.clone())
    };
    let mut out = format!("cases of the {kind} solution of {}\n", run.plan.name);
    for m in &models {
        out.push_str(&format!(
            "  {}{}\n",
            m.name,
            m.from
                .as_ref()
                .map(|f| format!(" ({f})"))
                .unwrap_or_default()
        ));
        for t in &m.terms {
            out.push_str(&format!("    {:<30} {}\n", t.expr, t.cases_string()));
        }
    }
    if !run.dropped.is_empty() {
        out.push_str(&format!(
            "  dropped (missing values): {}\n",
            run.dropped.join(", ")
        ));
    }
    out.push('\n');
    out
}

/// One model's configuration table: the model and its configurations.
pub struct ConfigTable {
    pub model: Model,
    pub kind: &'static str,
    pub configurations: Vec<crate::engine::configurations::Configuration>,
}

/// The configuration tables of an analysis: one per distinct intermediate model (each
/// with the parsimonious models it is paired with), or per parsimonious model when there is
/// no intermediate solution.
pub fn configuration_tables(run: &FsqcaRun) -> Vec<ConfigTable> {
    use crate::engine::configurations::configurations;
    let r = &run.result;
    let pis_of = |p: usize| -> Vec<Vec<u32>> {
        r.parsimonious
            .models
            .get(p)
            .map(|m| {
                m.pi_indices
                    .iter()
                    .map(|&i| r.parsimonious.prime_implicants[i].implicant.clone())
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut tables = Vec::new();
    if run.plan.expect.is_some() && !r.intermediate.is_empty() {
        // Distinct intermediate models, each with every parsimonious model that gives it.
        let mut distinct: Vec<(Model, Vec<usize>)> = Vec::new();
        for i in &r.intermediate {
            for m in &i.solution.models {
                match distinct
                    .iter_mut()
                    .find(|(d, _)| d.expression == m.expression)
                {
                    Some((d, ps)) => {
                        if let Some(f) = &mut d.from {
                            f.push_str(", ");
                            f.push_str(&i.from);
                        }
                        ps.push(i.parsimonious_model);
                    }
                    None => {
                        let mut m = m.clone();
                        m.from = Some(i.from.clone());
                        distinct.push((m, vec![i.parsimonious_model]));
                    }
                }
            }
        }
        for (k, (mut m, ps)) in distinct.into_iter().enumerate() {
            let terms: Vec<Vec<u32>> = m.terms.iter().map(|t| t.implicant.clone()).collect();
            let pars: Vec<Vec<Vec<u32>>> = ps.iter().map(|&p| pis_of(p)).collect();
            m.name = format!("M{}", k + 1);
            tables.push(ConfigTable {
                configurations: configurations(&terms, &pars),
                model: m,
                kind: "intermediate",
            });
        }
    } else {
        for (p, m) in r.parsimonious.models.iter().enumerate() {
            let terms: Vec<Vec<u32>> = m.terms.iter().map(|t| t.implicant.clone()).collect();
            tables.push(ConfigTable {
                configurations: configurations(&terms, &[pis_of(p)]),
                model: m.clone(),
                kind: "parsimonious",
            });
        }
    }
    tables
}

/// The configurations of the first table, as OUTPUT.md's `configurations`.
pub fn configurations_json(run: &FsqcaRun) -> JsonValue {
    use crate::engine::configurations::CellKind;
    let tables = configuration_tables(run);
    let Some(t) = tables.first() else {
        return JsonValue::Array(Vec::new());
    };
    let conds = &run.plan.conditions;
    let pick = |c: &crate::engine::configurations::Configuration, kind: CellKind| -> Vec<String> {
        c.cells
            .iter()
            .enumerate()
            .filter(|(_, x)| **x == kind)
            .map(|(j, _)| conds[j].clone())
            .collect()
    };
    JsonValue::Array(
        t.configurations
            .iter()
            .map(|c| {
                let term = &t.model.terms[c.term];
                json!({
                    "id": c.id, "term": term.expr, "model": t.model.name, "from": t.model.from, "solution": t.kind,
                    "core": pick(c, CellKind::CorePresent), "peripheral": pick(c, CellKind::PeripheralPresent),
                    "core_absent": pick(c, CellKind::CoreAbsent), "peripheral_absent": pick(c, CellKind::PeripheralAbsent),
                    "consistency": json_num(term.consistency), "pri": json_num(term.pri),
                    "coverage": json_num(term.coverage),
                    "unique_coverage": opt_num(term.unique_coverage),
                    "cases": term.cases.iter().flatten().collect::<Vec<_>>(),
                    "no_core": c.no_core,
                })
            })
            .collect(),
    )
}

/// `show configurations of X`: conditions as rows, configurations as columns.
/// `necessary` names the conditions that an NCA of the same outcome found necessary.
pub fn configurations_text(run: &FsqcaRun, necessary: &[String], unicode: bool) -> String {
    let tables = configuration_tables(run);
    let mut out = String::new();
    if tables.is_empty() {
        return format!(
            "configurations of {}: none (no positive truth-table row)\n\n",
            run.plan.name
        );
    }
    for t in &tables {
        let from = t
            .model
            .from
            .as_ref()
            .map(|f| format!(", from {f}"))
            .unwrap_or_default();
        out.push_str(&format!(
            "configurations of {} ({} solution {}{from})\n",
            run.plan.name, t.kind, t.model.name
        ));
        let mut headers = vec!["condition".to_string()];
        headers.extend(t.configurations.iter().map(|c| c.id.clone()));
        let mut align = vec![Align::Left];
        align.extend(std::iter::repeat_n(Align::Right, t.configurations.len()));
        let mut table = TextTable::new(headers, align);
        for (j, c) in run.plan.conditions.iter().enumerate() {
            let mark = if necessary.contains(c) { " (nec.)" } else { "" };
            let mut row = vec![format!("{c}{mark}")];
            row.extend(
                t.configurations
                    .iter()
                    .map(|cf| cf.cells[j].symbol(unicode).to_string()),
            );
            table.rows.push(row);
        }
        let stat = |f: &dyn Fn(&fsqca::TermFit) -> String| -> Vec<String> {
            t.configurations
                .iter()
                .map(|c| f(&t.model.terms[c.term]))
                .collect()
        };
        for (label, values) in [
            ("raw coverage", stat(&|x| fixed3(x.coverage))),
            (
                "unique coverage",
                stat(&|x| x.unique_coverage.map(fixed3).unwrap_or_else(|| "-".into())),
            ),
            ("consistency", stat(&|x| fixed3(x.consistency))),
            ("PRI", stat(&|x| fixed3(x.pri))),
        ] {
            let mut row = vec![label.to_string()];
            row.extend(values);
            table.rows.push(row);
        }
        out.push_str(&table.render("  "));
        out.push_str(&format!(
            "  solution consistency {}  PRI {}  coverage {}\n",
            fixed3(t.model.consistency),
            fixed3(t.model.pri),
            fixed3(t.model.coverage)
        ));
        let (c, p, ca, pa) = if unicode {
            ("●", "•", "⊗", "⊘")
        } else {
            ("O", "o", "X", "x")
        };
        out.push_str(&format!("  {c} core present, {p} peripheral present, {ca} core absent, {pa} peripheral absent, blank: does not matter\n"));
        if !necessary.is_empty() {
            out.push_str("  (nec.): necessary by the NCA of the same outcome\n");
        }
        for cf in t.configurations.iter().filter(|c| c.no_core) {
            out.push_str(&format!(
                "  note: {} ({}) contains no parsimonious implicant, so it has no core condition\n",
                cf.id, t.model.terms[cf.term].expr
            ));
        }
        out.push('\n');
    }
    out
}
