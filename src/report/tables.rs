//! Stage 5, the tables of a study: one builder for each (NCA summary, NCA results, bottlenecks,
//! truth table, solutions, configurations, necessity, cases, queries, robustness, panel
//! diagnostics), each from typed results to the table model. `show`, the run's output and
//! every export use these builders and no others.
//!
//! Guarantees: a builder only reads results; numbers stay numbers in the cells (the renderer
//! rounds); titles and notes say what a reader needs to read the table alone.

use super::table::{fixed3, Cell, Column, Doc, Style, Table};
use crate::diagnostics::number;
use crate::engine::fsqca::{ConfigRow, Model, Out, TermFit};
use crate::engine::nca::{bottleneck, effect_label};
use crate::eval::results::*;

fn plan_line(run: &NcaRun) -> String {
    let p = &run.plan;
    format!("{} needs {}", p.outcome, p.conditions.join(", "))
}

/// What `toe run` prints for an nca analysis: one row per condition, the deciding ceiling's
/// effect size, p-value and verdict.
pub fn nca_summary(run: &NcaRun) -> Doc {
    let p = &run.plan;
    let first = p.verdict_ceiling().map(|c| c.name()).unwrap_or_default();
    let mut t = Table::new(
        format!(
            "nca {}: {}  (ceiling {first}; necessary when d >= {} and p <= {})",
            p.name,
            plan_line(run),
            number(p.d_min),
            number(p.p_max)
        ),
        vec![
            Column::left("condition"),
            Column::right("n"),
            Column::right("d"),
            Column::left("size"),
            Column::right("p"),
            Column::left("necessary"),
        ],
    );
    for (cond, r, _) in &run.conditions {
        match r {
            Ok(r) => {
                let c = r.ceilings.iter().find(|c| c.ceiling.name() == first);
                let (d, p_value) = c
                    .map(|c| (c.effect_size, c.p_value))
                    .unwrap_or((f64::NAN, None));
                let verdict = match c.and_then(|c| run.verdict(c)) {
                    Some(true) => "yes",
                    Some(false) => "no",
                    None => "untested",
                };
                t.rows.push(vec![
                    Cell::text(cond),
                    Cell::Int(r.n),
                    Cell::Stat(d),
                    Cell::text(effect_label(d).as_str()),
                    Cell::opt_p(p_value),
                    Cell::text(verdict),
                ]);
            }
            Err(e) => t.rows.push(vec![
                Cell::text(cond),
                Cell::Int(0),
                Cell::text("NA"),
                Cell::text(e),
                Cell::text("-"),
                Cell::text("no"),
            ]),
        }
    }
    let widened: Vec<&str> = run
        .conditions
        .iter()
        .filter(|(_, r, _)| r.as_ref().is_ok_and(|r| r.scope_detail.widened))
        .map(|(c, _, _)| c.as_str())
        .collect();
    if !widened.is_empty() {
        t.notes.push(format!(
            "the given scope was widened to contain the data of {}",
            widened.join(", ")
        ));
    }
    t.notes.push(match run.seed {
        Some(s) => format!(
            "permutation test: {} permutations, seed {s}",
            p.permutations
        ),
        None => {
            "no permutation test: the verdict needs p (add `permutations = 10000` and a `seed`)"
                .into()
        }
    });
    let mut doc = Doc::default();
    doc.table(1, t);
    doc.blank();
    doc
}

/// `show nca of X` and the NCA table of every export: every ceiling's statistics for every
/// condition.
pub fn nca_results(run: &NcaRun) -> Doc {
    let p = &run.plan;
    let mut t = Table::new(
        format!(
            "nca {}: {} (on {})",
            p.name,
            plan_line(run),
            if p.calibrated { "calibrated" } else { "raw" }
        ),
        vec![
            Column::left("condition"),
            Column::left("ceiling"),
            Column::right("n"),
            Column::right("effect size").short("d"),
            Column::right("ceiling zone").short("zone"),
            Column::right("scope"),
            Column::right("accuracy"),
            Column::right("fit"),
            Column::right("slope"),
            Column::right("intercept"),
            Column::right("condition inefficiency").short("cond. ineff."),
            Column::right("outcome inefficiency").short("outc. ineff."),
            Column::right("p"),
            Column::right("p accuracy").short("p acc."),
        ],
    );
    for (cond, r, dropped) in &run.conditions {
        match r {
            Err(e) => t.notes.push(format!("{cond}: no result ({e})")),
            Ok(r) => {
                for c in &r.ceilings {
                    t.rows.push(vec![
                        Cell::text(cond),
                        Cell::text(c.ceiling.name()),
                        Cell::Int(r.n),
                        Cell::Effect(c.effect_size),
                        Cell::Stat(c.ceiling_zone),
                        Cell::Stat(r.scope),
                        Cell::Percent(c.accuracy),
                        Cell::Percent(c.fit),
                        Cell::opt_stat(c.slope, "NA"),
                        Cell::opt_stat(c.intercept, "NA"),
                        Cell::Percent(c.condition_ineff),
                        Cell::Percent(c.outcome_ineff),
                        Cell::opt_p(c.p_value),
                        Cell::opt_stat(c.p_accuracy, "-"),
                    ]);
                }
                t.notes.push(format!(
                    "{cond}: x [{}, {}], y [{}, {}]{}{}",
                    number(r.xmin),
                    number(r.xmax),
                    number(r.ymin),
                    number(r.ymax),
                    if r.scope_detail.widened {
                        ", the given scope widened to contain the data"
                    } else {
                        ""
                    },
                    if *dropped > 0 {
                        format!(", {dropped} case(s) dropped (missing values)")
                    } else {
                        String::new()
                    }
                ));
            }
        }
    }
    let mut doc = Doc::default();
    doc.table(1, t);
    doc.blank();
    doc
}

/// A cell of a bottleneck table: the required level with the reference's decimals, "NN" (not
/// necessary) or "NA" (not available).
pub fn bottleneck_cell(c: &bottleneck::Cell, precision: usize) -> Cell {
    match c {
        bottleneck::Cell::Value(v) => Cell::Digits(*v, precision),
        bottleneck::Cell::NN => Cell::text("NN"),
        bottleneck::Cell::NA => Cell::text("NA"),
    }
}

/// A bottleneck column as the reference prints it ("NN", "NA", "38.4", "46.000").
pub fn bottleneck_display(col: &bottleneck::BottleneckColumn) -> Vec<String> {
    col.cells
        .iter()
        .map(|c| super::table::shown(&bottleneck_cell(c, col.precision), Style::default()))
        .collect()
}

/// `show bottlenecks of X`: one table per ceiling, the cells as the reference prints them.
pub fn bottlenecks(run: &NcaRun) -> Doc {
    let p = &run.plan;
    let names: Vec<&str> = run.analysed().iter().map(|(c, _)| *c).collect();
    let mut doc = Doc::default();
    for t in &run.bottlenecks {
        let mut columns = vec![Column::right(p.outcome.clone())];
        columns.extend(names.iter().map(|s| Column::right(*s)));
        let mut table = Table::new(
            format!(
                "bottlenecks of {} ({}, {}): {} needed for {}",
                p.name,
                t.ceiling.name(),
                p.bottleneck_type.name(),
                if p.bottleneck_type.name() == "actual" {
                    "condition level"
                } else {
                    "condition %"
                },
                p.outcome
            ),
            columns,
        );
        for (k, level) in t.levels.display.iter().enumerate() {
            let mut row = vec![Cell::Num(*level)];
            for col in &t.columns {
                row.push(
                    col.cells
                        .get(k)
                        .map(|c| bottleneck_cell(c, col.precision))
                        .unwrap_or(Cell::Empty),
                );
            }
            table.rows.push(row);
        }
        table
            .notes
            .push("NN = not necessary, NA = not available (beyond the observed range)".into());
        doc.table(1, table);
        doc.blank();
    }
    doc
}

/// Bottleneck cases at the target outcome level: per ceiling, each condition's required
/// level, the cases it holds back (count, share of all rows, ids) and those it alone holds
/// back.
pub fn bottleneck_cases(run: &NcaRun) -> Doc {
    let mut doc = Doc::default();
    let Some(at) = &run.cases_at_target else {
        return doc;
    };
    let names = |rows: &[usize]| case_names(run.cases_ids(), rows).join(", ");
    for t in &at.tables {
        let mut table = Table::new(
            format!(
                "bottleneck cases of {} ({}) at {} = {} ({})",
                run.plan.name,
                t.ceiling.name(),
                run.plan.outcome,
                number(t.target),
                at.label
            ),
            vec![
                Column::left("condition"),
                Column::right("required"),
                Column::right("cases"),
                Column::right("share"),
                Column::right("alone"),
                Column::left("cases held back"),
            ],
        );
        for (c, k) in at.conditions.iter().zip(&t.conditions) {
            let required = if k.threshold.is_nan() {
                Cell::text("NA")
            } else if k.threshold.is_infinite() {
                Cell::text("NN")
            } else {
                Cell::Digits(k.threshold, 3)
            };
            table.rows.push(vec![
                Cell::text(c),
                required,
                Cell::Int(k.cases.len()),
                Cell::Percent(100.0 * k.cases.len() as f64 / t.rows.max(1) as f64),
                Cell::Int(k.single.len()),
                Cell::text(names(&k.cases)),
            ]);
        }
        table.notes.push(format!(
            "held back by at least one condition: {} of {} cases{}",
            t.any.len(),
            t.rows,
            if t.any.is_empty() {
                String::new()
            } else {
                format!(" ({})", names(&t.any))
            }
        ));
        table.notes.push("required = the condition level the ceiling needs for the target (NN = not necessary, NA = not reached by any case); alone = cases held back by this condition only".into());
        doc.table(1, table);
        doc.blank();
    }
    doc
}

/// NCA outliers per condition and ceiling, as R's `nca_outliers` prints them (effects and
/// the absolute change with 2 decimals, the relative change in percent with 1).
pub fn outliers(run: &NcaRun) -> Doc {
    let mut doc = Doc::default();
    let ids = run.cases_ids();
    for (c, o) in &run.outliers {
        let mut columns = vec![
            Column::left("outliers"),
            Column::right("eff.or"),
            Column::right("eff.nw"),
            Column::right("dif.abs"),
            Column::right("dif.rel"),
            Column::right("ceiling"),
        ];
        let with_scope = o.rows.first().is_none_or(|r| r.scope.is_some());
        if with_scope {
            columns.push(Column::right("scope"));
        }
        let mut table = Table::new(
            format!(
                "outliers of {}: {c} ({}, up to {} case{} removed)",
                run.plan.name,
                o.ceiling.name(),
                o.k,
                if o.k == 1 { "" } else { "s" }
            ),
            columns,
        );
        let flag = |b: bool| Cell::text(if b { "X" } else { "" });
        for r in o.rows.iter().take(o.shown) {
            let label = case_names(ids, &r.cases).join(" - ");
            let mut row = vec![
                Cell::text(label),
                Cell::Digits(r.eff_or, 2),
                Cell::Digits(r.eff_nw, 2),
                Cell::Digits(r.dif_abs, 2),
                Cell::Digits(r.dif_rel, 1),
                flag(r.ceiling),
            ];
            if with_scope {
                row.push(flag(r.scope.unwrap_or(false)));
            }
            table.rows.push(row);
        }
        if o.rows.is_empty() {
            table.notes.push("no outliers identified".into());
        }
        if o.rows.len() > o.shown {
            table.notes.push(format!(
                "not showing {} possible outliers",
                o.rows.len() - o.shown
            ));
        }
        table.notes.push("dif.rel in percent of eff.or; ceiling = a removed case is a peer, scope = the removal changes the scope".into());
        doc.table(1, table);
        doc.blank();
    }
    doc
}

fn solution_lines(doc: &mut Doc, label: &str, models: &[Model]) {
    if models.is_empty() {
        doc.line(1, format!("{label}: none (no positive row)"));
        return;
    }
    for m in models {
        let from = m
            .from
            .as_ref()
            .map(|f| format!(" ({f})"))
            .unwrap_or_default();
        doc.line(
            1,
            format!(
                "{label} {}{from}: {}   consistency {}  PRI {}  coverage {}",
                m.name,
                m.expression,
                fixed3(m.consistency),
                fixed3(m.pri),
                fixed3(m.coverage)
            ),
        );
    }
}

/// What `toe run` prints for an fsqca analysis: the truth table's size and every solution.
pub fn fsqca_summary(run: &FsqcaRun) -> Doc {
    let p = &run.plan;
    let r = &run.result;
    let count = |o: Out| r.truth_table.rows.iter().filter(|t| t.out == o).count();
    let mut doc = Doc::default();
    doc.line(
        0,
        format!(
            "fsqca {}: {}{} given {}",
            p.name,
            if p.negated { "~" } else { "" },
            p.outcome,
            p.conditions.join(", ")
        ),
    );
    doc.line(
        1,
        format!(
            "truth table: {} observed rows ({} positive, {} negative, {} contradictions, {} below the frequency cut)",
            r.truth_table.rows.len(),
            count(Out::One),
            count(Out::Zero),
            count(Out::Contradiction),
            count(Out::Remainder),
        ),
    );
    solution_lines(&mut doc, "complex", &r.complex.models);
    solution_lines(&mut doc, "parsimonious", &r.parsimonious.models);
    if p.expect.is_some() {
        solution_lines(&mut doc, "intermediate", &run.intermediate_models());
    }
    doc.blank();
    if let Some(c) = &run.clusters {
        doc.extend(clusters(c));
    }
    doc
}

/// The panel diagnostics of one expression: pooled, between and within figures and the
/// distances (SetMethods' `cluster()`).
pub fn cluster_table(title: String, f: &crate::engine::clusters::ClusterFit) -> Table {
    let mut t = Table::new(
        title,
        vec![
            Column::left(""),
            Column::right("cases"),
            Column::right("consistency"),
            Column::right("coverage"),
        ],
    );
    let row = |label: String, f: &crate::engine::clusters::Fit2| {
        vec![
            Cell::Text(label),
            Cell::Int(f.n),
            Cell::Stat(f.consistency),
            Cell::Stat(f.coverage),
        ]
    };
    t.rows.push(row("pooled".into(), &f.pooled));
    for (g, x) in &f.between {
        t.rows.push(row(format!("between {g}"), x));
    }
    for (g, x) in &f.within {
        t.rows.push(row(format!("within {g}"), x));
    }
    t.notes.push(match f.d_within {
        Some(w) => format!(
            "distance between-to-pooled {}, within-to-pooled {}",
            fixed3(f.d_between),
            fixed3(w)
        ),
        None => format!("distance between-to-pooled {}", fixed3(f.d_between)),
    });
    t
}

/// The panel diagnostics: for each model of the reported solution, a table per term (and
/// for the whole model).
pub fn clusters(c: &Clusters) -> Doc {
    let mut doc = Doc::default();
    for m in &c.models {
        doc.line(
            0,
            format!(
                "panel diagnostics ({} {}; clusters by {}{})",
                c.kind,
                m.label,
                c.cluster,
                c.unit
                    .as_ref()
                    .map(|u| format!(", units by {u}"))
                    .unwrap_or_default()
            ),
        );
        for r in &m.rows {
            doc.table(2, cluster_table(r.expr.clone(), &r.fit));
        }
        doc.blank();
    }
    doc
}

/// `show truth_table of X`: sorted by consistency, then n, both decreasing.
pub fn truth_table(run: &FsqcaRun) -> Doc {
    let p = &run.plan;
    let mut rows: Vec<&crate::engine::fsqca::TruthTableRow> =
        run.result.truth_table.rows.iter().collect();
    rows.sort_by(|a, b| {
        b.consistency
            .total_cmp(&a.consistency)
            .then(b.n.cmp(&a.n))
            .then(a.row.cmp(&b.row))
    });
    let mut columns = vec![Column::right("row")];
    columns.extend(p.conditions.iter().map(|c| Column::right(c.clone())));
    columns.extend([
        Column::right("OUT"),
        Column::right("n"),
        Column::right("consistency").short("incl"),
        Column::right("PRI"),
        Column::left("cases"),
    ]);
    let mut t = Table::new(
        format!(
            "truth table of {} (consistency >= {}, pri >= {}, cases >= {})",
            p.name,
            number(p.consistency),
            number(p.pri),
            number(p.cases)
        ),
        columns,
    );
    for r in rows {
        let mut row = vec![Cell::Text(r.row.to_string())];
        row.extend(r.config.iter().map(|v| Cell::Text(v.to_string())));
        row.push(Cell::text(r.out.as_str()));
        row.push(Cell::Int(r.n));
        row.push(Cell::Stat(r.consistency));
        row.push(Cell::Stat(r.pri));
        row.push(Cell::Text(r.cases.join(",")));
        t.rows.push(row);
    }
    let mut doc = Doc::default();
    doc.table(1, t);
    doc.blank();
    if !run.excluded.is_empty() {
        doc.table(1, excluded_remainders(run));
        doc.blank();
    }
    doc
}

/// Why each excluded remainder is excluded, as the `exclude` lines say it.
pub fn exclusion_reasons(
    run: &FsqcaRun,
    e: &crate::engine::fsqca::exclusions::Excluded,
) -> Vec<String> {
    e.rules
        .iter()
        .filter_map(|k| run.plan.exclude.get(*k).map(|x| x.text.clone()))
        .collect()
}

/// The remainders excluded from the simplifying assumptions (ESA), each with its reasons.
fn excluded_remainders(run: &FsqcaRun) -> Table {
    let mut columns = vec![Column::right("row")];
    columns.extend(run.plan.conditions.iter().map(|c| Column::right(c.clone())));
    columns.push(Column::left("excluded as"));
    let mut t = Table::new(
        format!(
            "remainders excluded from the simplifying assumptions of {} ({})",
            run.plan.name,
            run.excluded.len()
        ),
        columns,
    );
    for e in &run.excluded {
        let mut row = vec![Cell::Text(e.row.row.to_string())];
        row.extend(e.row.config.iter().map(|v| Cell::Int(*v as usize)));
        row.push(Cell::Text(exclusion_reasons(run, e).join("; ")));
        t.rows.push(row);
    }
    t.notes.push("excluded remainders count as negative rows: no solution uses them (Enhanced Standard Analysis)".into());
    t
}

/// One model: its terms with their parameters of fit, and the solution's.
fn model_table(m: &Model) -> Table {
    let from = m
        .from
        .as_ref()
        .map(|f| format!(" (from {f})"))
        .unwrap_or_default();
    let mut t = Table::new(
        format!("{}{from}: {}", m.name, m.expression),
        vec![
            Column::left("term"),
            Column::right("consistency"),
            Column::right("PRI"),
            Column::right("raw coverage").short("raw cov."),
            Column::right("unique coverage").short("unique cov."),
            Column::left("cases"),
        ],
    );
    for term in &m.terms {
        t.rows.push(vec![
            Cell::text(&term.expr),
            Cell::Stat(term.consistency),
            Cell::Stat(term.pri),
            Cell::Stat(term.coverage),
            Cell::opt_stat(term.unique_coverage, "-"),
            Cell::Text(term.cases_string()),
        ]);
    }
    t.notes.push(format!(
        "solution: consistency {}  PRI {}  coverage {}",
        fixed3(m.consistency),
        fixed3(m.pri),
        fixed3(m.coverage)
    ));
    t
}

fn rows_list(v: &[ConfigRow]) -> String {
    v.iter()
        .map(|c| c.row.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `show solutions of X [kind]`: each model of each solution (or of one kind).
pub fn solutions(run: &FsqcaRun, only: Option<crate::check::plan::SolutionKind>) -> Doc {
    use crate::check::plan::SolutionKind;
    let r = &run.result;
    let mut doc = Doc::default();
    let kinds: [(SolutionKind, Vec<Model>); 3] = [
        (SolutionKind::Complex, r.complex.models.clone()),
        (SolutionKind::Parsimonious, r.parsimonious.models.clone()),
        (SolutionKind::Intermediate, run.intermediate_models()),
    ];
    for (kind, models) in kinds {
        if only.is_some_and(|o| o != kind) {
            continue;
        }
        if kind == SolutionKind::Intermediate && run.plan.expect.is_none() {
            doc.line(
                0,
                "intermediate solution: none (no `expect` in the analysis)",
            );
            doc.blank();
            continue;
        }
        doc.line(0, format!("{} solution of {}", kind.name(), run.plan.name));
        if models.is_empty() {
            doc.line(1, "none: no truth-table row passes the thresholds");
            doc.blank();
            continue;
        }
        for m in &models {
            doc.table(2, model_table(m));
        }
        if kind == SolutionKind::Intermediate {
            for i in &r.intermediate {
                doc.line(
                    1,
                    format!(
                        "{}: easy counterfactuals [{}]; difficult counterfactuals [{}]",
                        i.from,
                        rows_list(&i.easy_counterfactuals),
                        rows_list(&i.difficult_counterfactuals)
                    ),
                );
            }
        }
        doc.blank();
    }
    doc
}

/// `show necessity of X`: each condition and its negation.
pub fn necessity(run: &FsqcaRun) -> Doc {
    let mut t = Table::new(
        format!(
            "necessity of each condition for {}{}",
            if run.plan.negated { "~" } else { "" },
            run.plan.outcome
        ),
        vec![
            Column::left("condition"),
            Column::right("consistency"),
            Column::right("coverage"),
            Column::right("relevance"),
        ],
    );
    for n in &run.result.necessity {
        t.rows.push(vec![
            Cell::text(&n.expr),
            Cell::Stat(n.consistency),
            Cell::Stat(n.coverage),
            Cell::Stat(n.relevance),
        ]);
    }
    let mut doc = Doc::default();
    doc.table(1, t);
    doc.blank();
    doc
}

/// `show cases of X`: the cases each term of the reported solution covers.
pub fn cases(run: &FsqcaRun) -> Doc {
    let (kind, models) = run.reported_models();
    let mut doc = Doc::default();
    doc.line(
        0,
        format!("cases of the {kind} solution of {}", run.plan.name),
    );
    for m in &models {
        doc.line(
            1,
            format!(
                "{}{}",
                m.name,
                m.from
                    .as_ref()
                    .map(|f| format!(" ({f})"))
                    .unwrap_or_default()
            ),
        );
        for t in &m.terms {
            doc.line(2, format!("{:<30} {}", t.expr, t.cases_string()));
        }
    }
    if !run.dropped.is_empty() {
        doc.line(
            1,
            format!("dropped (missing values): {}", run.dropped.join(", ")),
        );
    }
    doc.blank();
    doc
}

/// `show configurations of X`: conditions as rows, configurations as columns, core (●) and
/// peripheral (•) marks. `necessary` names the conditions an NCA of the same outcome found
/// necessary.
pub fn configurations(run: &FsqcaRun, necessary: &[String], style: Style) -> Doc {
    let sets = run.configurations();
    let mut doc = Doc::default();
    if sets.is_empty() {
        doc.line(
            0,
            format!(
                "configurations of {}: none (no positive truth-table row)",
                run.plan.name
            ),
        );
        doc.blank();
        return doc;
    }
    for t in &sets {
        let from = t
            .model
            .from
            .as_ref()
            .map(|f| format!(", from {f}"))
            .unwrap_or_default();
        let mut columns = vec![Column::left("condition")];
        columns.extend(t.configurations.iter().map(|c| Column::right(c.id.clone())));
        let mut table = Table::new(
            format!(
                "configurations of {} ({} solution {}{from})",
                run.plan.name, t.kind, t.model.name
            ),
            columns,
        );
        for (j, c) in run.plan.conditions.iter().enumerate() {
            let mark = if necessary.contains(c) { " (nec.)" } else { "" };
            let mut row = vec![Cell::Text(format!("{c}{mark}"))];
            row.extend(t.configurations.iter().map(|cf| Cell::Mark(cf.cells[j])));
            table.rows.push(row);
        }
        let stat = |label: &str, f: &dyn Fn(&TermFit) -> Cell| -> Vec<Cell> {
            let mut row = vec![Cell::text(label)];
            row.extend(t.configurations.iter().map(|c| f(&t.model.terms[c.term])));
            row
        };
        table
            .rows
            .push(stat("raw coverage", &|x| Cell::Stat(x.coverage)));
        table.rows.push(stat("unique coverage", &|x| {
            Cell::opt_stat(x.unique_coverage, "-")
        }));
        table
            .rows
            .push(stat("consistency", &|x| Cell::Stat(x.consistency)));
        table.rows.push(stat("PRI", &|x| Cell::Stat(x.pri)));
        table.notes.push(format!(
            "solution consistency {}  PRI {}  coverage {}",
            fixed3(t.model.consistency),
            fixed3(t.model.pri),
            fixed3(t.model.coverage)
        ));
        let (c, p, ca, pa) = if style.unicode {
            ("●", "•", "⊗", "⊘")
        } else {
            ("O", "o", "X", "x")
        };
        table.notes.push(format!("{c} core present, {p} peripheral present, {ca} core absent, {pa} peripheral absent, blank: does not matter"));
        if !necessary.is_empty() {
            table
                .notes
                .push("(nec.): necessary by the NCA of the same outcome".into());
        }
        for cf in t.configurations.iter().filter(|c| c.no_core) {
            table.notes.push(format!(
                "note: {} ({}) contains no parsimonious implicant, so it has no core condition",
                cf.id, t.model.terms[cf.term].expr
            ));
        }
        doc.table(1, table);
        doc.blank();
    }
    doc
}

/// The answer to a query: its statistics and the number of cases.
pub fn query(q: &QueryResult) -> Doc {
    let mut t = Table::new(
        q.plan.text.clone(),
        vec![Column::left("statistic"), Column::left("value")],
    );
    t.header = false;
    for (k, v) in &q.stats {
        t.rows.push(vec![Cell::text(*k), Cell::Stat(*v)]);
    }
    t.rows.push(vec![Cell::text("cases"), Cell::Int(q.cases)]);
    if q.dropped > 0 {
        t.notes.push(format!(
            "({} case{} dropped: missing values)",
            q.dropped,
            if q.dropped == 1 { "" } else { "s" }
        ));
    }
    let mut doc = Doc::default();
    doc.table(1, t);
    if let Some(p) = &q.panel {
        let by = match (&q.plan.cluster, &q.plan.unit) {
            (Some((c, _)), Some((u, _))) => format!("clusters by {c}, units by {u}"),
            (Some((c, _)), None) => format!("clusters by {c}"),
            _ => String::new(),
        };
        doc.table(2, cluster_table(format!("panel diagnostics ({by})"), p));
    }
    if q.plan.typical {
        let mut c = Table::new(
            "typical cases of the claim (x > 0.5, y > 0.5, x >= y)",
            vec![
                Column::left("case"),
                Column::right("condition"),
                Column::right("outcome"),
                Column::right("best"),
                Column::left("most typical"),
            ],
        );
        for r in &q.typical {
            c.rows.push(vec![
                Cell::text(q.ids.get(r.case).map(String::as_str).unwrap_or("?")),
                Cell::Stat(r.x),
                Cell::Stat(r.y),
                Cell::Stat(r.best),
                Cell::text(if r.most_typical { "yes" } else { "" }),
            ]);
        }
        c.notes.push(
            "best = 2|x − y| + (1 − x), smaller is more typical (SetMethods' smmr, necessity)"
                .into(),
        );
        doc.table(2, c);
    }
    doc.blank();
    doc
}

/// Case selection for model 1 of the reported solution (SetMethods' smmr tables, corrected):
/// typical and deviant consistency cases per term, deviant coverage and individually
/// irrelevant cases with their truth-table rows, and the best comparison pairs.
pub fn case_selection(run: &FsqcaRun) -> Doc {
    let mut doc = Doc::default();
    let Some(m) = run.case_selection.first() else {
        return doc;
    };
    let cs = &m.cases;
    let name = |i: usize| run.input.cases.get(i).cloned().unwrap_or_default();
    let term = |k: usize| m.terms.get(k).cloned().unwrap_or_default();
    let yes = |b: bool| Cell::text(if b { "yes" } else { "" });
    let mut t = Table::new(
        format!(
            "typical cases of {} model {} (x > 0.5, y > 0.5, x <= y)",
            run.plan.name, m.label
        ),
        vec![
            Column::left("case"),
            Column::left("term"),
            Column::right("term"),
            Column::right("outcome"),
            Column::left("unique"),
            Column::right("best"),
            Column::left("most typical"),
        ],
    );
    for r in &cs.typical {
        t.rows.push(vec![
            Cell::Text(name(r.case)),
            Cell::Text(term(r.term)),
            Cell::Stat(r.term_membership),
            Cell::Stat(r.outcome),
            yes(r.unique),
            Cell::Stat(r.best),
            yes(r.most_typical),
        ]);
    }
    t.notes.push(
        "best = 2(y − x) + (1 − x), smaller is more typical; unique: typical for this term only"
            .into(),
    );
    doc.table(1, t);
    doc.blank();
    let mut d = Table::new(
        "deviant cases consistency (x > 0.5, y < 0.5)",
        vec![
            Column::left("case"),
            Column::left("term"),
            Column::right("term"),
            Column::right("outcome"),
            Column::right("best"),
            Column::left("most deviant"),
        ],
    );
    for r in &cs.deviant_consistency {
        d.rows.push(vec![
            Cell::Text(name(r.case)),
            Cell::Text(term(r.term)),
            Cell::Stat(r.term_membership),
            Cell::Stat(r.outcome),
            Cell::Stat(r.best),
            yes(r.most_deviant),
        ]);
    }
    doc.table(1, d);
    doc.blank();
    for (title, rows, coverage) in [
        (
            "deviant cases coverage (solution < 0.5, y > 0.5)",
            &cs.deviant_coverage,
            true,
        ),
        (
            "individually irrelevant cases (solution < 0.5, y < 0.5)",
            &cs.irrelevant,
            false,
        ),
    ] {
        let mut columns = vec![Column::left("case"), Column::right("solution")];
        columns.extend(run.plan.conditions.iter().map(|c| Column::right(c.clone())));
        columns.extend([Column::right("row"), Column::right("outcome")]);
        if coverage {
            columns.extend([
                Column::left("row <= y"),
                Column::right("best"),
                Column::left("most deviant"),
            ]);
        }
        let mut o = Table::new(title, columns);
        for r in rows {
            let mut row = vec![Cell::Text(name(r.case)), Cell::Stat(r.solution)];
            row.extend(r.row.iter().map(|v| Cell::Num(*v)));
            row.extend([Cell::Stat(r.row_membership), Cell::Stat(r.outcome)]);
            if coverage {
                row.extend([
                    yes(r.row_le_outcome),
                    Cell::Stat(r.best),
                    yes(r.most_deviant),
                ]);
            }
            o.rows.push(row);
        }
        doc.table(1, o);
        doc.blank();
    }
    let mut f = Table::new(
        "typical cases per focal conjunct (FC) of each term",
        vec![
            Column::left("term"),
            Column::left("FC"),
            Column::left("case"),
            Column::right("FC"),
            Column::right("outcome"),
            Column::right("others (min)"),
            Column::right("term"),
            Column::right("rank"),
            Column::left("clean"),
            Column::left("FC <= y"),
            Column::left("unique"),
            Column::right("best"),
        ],
    );
    for (k, fcs) in cs.focal.iter().enumerate() {
        for (fc, rows) in fcs {
            for r in rows {
                f.rows.push(vec![
                    Cell::Text(term(k)),
                    Cell::text(fc),
                    Cell::Text(name(r.case)),
                    Cell::Stat(r.fc),
                    Cell::Stat(r.outcome),
                    Cell::Stat(r.cc_min),
                    Cell::Stat(r.term),
                    Cell::Int(r.rank as usize),
                    yes(r.clean),
                    yes(r.fc_le_y),
                    yes(r.unique),
                    Cell::Stat(r.best),
                ]);
            }
        }
    }
    f.notes.push("rank 1: the FC is the term's smallest literal (it shapes the term), 2 otherwise; clean: the other literals do not lie between FC and outcome; best = 2|y − FC| + (1 − term), up to 5 cases each".into());
    doc.table(1, f);
    doc.blank();
    let mut p = Table::new(
        "comparison pairs (best first)",
        vec![
            Column::left("term"),
            Column::left("pair"),
            Column::left("first"),
            Column::left("second"),
            Column::right("best"),
        ],
    );
    let mut pair = |label: String, kind: String, first: usize, second: usize, best: f64| {
        p.rows.push(vec![
            Cell::Text(label),
            Cell::Text(kind),
            Cell::Text(name(first)),
            Cell::Text(name(second)),
            Cell::Stat(best),
        ])
    };
    for (k, list) in cs.typical_deviant.iter().enumerate() {
        for q in list {
            let kind = "typical – deviant consistency".to_string();
            pair(term(k), kind, q.first, q.second, q.best);
        }
    }
    for (k, list) in cs.typical_typical.iter().enumerate() {
        for q in list {
            pair(
                term(k),
                "typical – typical".into(),
                q.first,
                q.second,
                q.best,
            );
        }
    }
    for (k, list) in cs.typical_irrelevant.iter().enumerate() {
        for q in list {
            let kind = "typical – irrelevant".to_string();
            pair(term(k), kind, q.typical, q.irrelevant, q.best);
        }
    }
    for (k, fcs) in cs.focal_pairs.iter().enumerate() {
        for (fc, list) in fcs {
            for q in list {
                let kind = format!("typical – typical, FC {fc}");
                pair(term(k), kind, q.first, q.second, q.best);
            }
        }
    }
    for (k, fcs) in cs.focal_irrelevant.iter().enumerate() {
        for (fc, list) in fcs {
            for q in list {
                let kind = format!("typical – irrelevant, FC {fc}");
                pair(term(k), kind, q.typical, q.irrelevant, q.best);
            }
        }
    }
    for (row, list) in &cs.coverage_irrelevant {
        let r: String = row
            .iter()
            .map(|v| if *v > 0.5 { '1' } else { '0' })
            .collect();
        for q in list {
            let kind = "deviant coverage – irrelevant".to_string();
            pair(format!("row {r}"), kind, q.first, q.second, q.best);
        }
    }
    p.notes.push("SetMethods' smmr distances (match = TRUE, cases 3, 5, 6, 1, 2 and 4), up to 5 pairs each; docs/methods.md §4.8".into());
    doc.table(1, p);
    doc.blank();
    doc
}

/// Sensitivity ranges: per setting the lowest and highest values that keep model 1 (NA when
/// the most runs passed without a change).
pub fn sensitivity(r: &SensitivityRun) -> Doc {
    let mut doc = Doc::default();
    let mut t = Table::new(
        format!(
            "sensitivity ranges of {} (model 1: {})",
            r.plan.of.name,
            if r.model.is_empty() {
                "none".to_string()
            } else {
                r.model.join(" + ")
            }
        ),
        vec![
            Column::left("setting"),
            Column::right("lower bound"),
            Column::right("analysed"),
            Column::right("upper bound"),
        ],
    );
    let bound = |b: Option<f64>| {
        b.map_or(Cell::text("NA"), |v| {
            Cell::Text(number((v * 1e9).round() / 1e9))
        })
    };
    for row in &r.rows {
        t.rows.push(vec![
            Cell::text(&row.label),
            bound(row.lower),
            Cell::Text(number(row.setting)),
            bound(row.upper),
        ]);
    }
    t.notes.push("each setting moved alone, step by step, until model 1's terms change (SetMethods' rob.inclrange, rob.ncutrange, rob.calibrange); NA: no change within the runs allowed".into());
    doc.table(1, t);
    doc.blank();
    doc
}

/// The NCA-extended configuration table (NEST): per condition the configurations' cells (● •
/// ⊗ ⊘), NCA's mark ◢ with the required level where QCA leaves the cell blank and NCA finds
/// the condition necessary, the required membership at the outcome level, and necessity in
/// kind (QCA) beside necessity in degree (NCA).
pub fn nest(r: &NestRun, style: Style) -> Doc {
    let mut doc = Doc::default();
    let unicode = style.unicode;
    let Some(mc) = &r.configurations else {
        doc.line(
            1,
            format!(
                "nest {} with {}: no configurations",
                r.plan.fsqca, r.plan.nca
            ),
        );
        return doc;
    };
    let mut columns = vec![Column::left("condition")];
    columns.extend(
        mc.configurations
            .iter()
            .map(|c| Column::right(c.id.clone())),
    );
    columns.extend([
        Column::right("NCA required"),
        Column::right("d"),
        Column::right("p"),
        Column::left("in degree"),
        Column::right("consistency"),
        Column::left("in kind"),
    ]);
    let mut t = Table::new(
        format!(
            "NEST table of {} with {} ({} solution {}; NCA {} at outcome {})",
            r.plan.fsqca,
            r.plan.nca,
            mc.kind,
            mc.model.name,
            r.ceiling.name(),
            number(r.plan.level)
        ),
        columns,
    );
    for (j, c) in r.conditions.iter().enumerate() {
        let mut row = vec![Cell::text(&c.condition)];
        for cfg in &mc.configurations {
            let cell = cfg
                .cells
                .get(j)
                .copied()
                .unwrap_or(crate::engine::configurations::CellKind::Blank);
            row.push(Cell::Text(if c.marks(cell) {
                let v = match c.required {
                    Some(crate::engine::nca::bottleneck::Cell::Value(v)) => v,
                    _ => f64::NAN,
                };
                format!("{} {}", if unicode { "◢" } else { "^" }, fixed3(v))
            } else {
                cell.symbol(unicode).to_string()
            }));
        }
        row.push(match &c.required {
            Some(cell) => bottleneck_cell(cell, c.precision),
            None => Cell::text("-"),
        });
        let yes = |b: bool| Cell::text(if b { "yes" } else { "no" });
        if c.in_nca {
            row.extend([
                Cell::Stat(c.effect),
                c.p_value.map_or(Cell::text("-"), Cell::P),
                yes(c.in_degree),
            ]);
        } else {
            row.extend([Cell::text("-"), Cell::text("-"), Cell::text("-")]);
        }
        row.extend([Cell::Stat(c.consistency), yes(c.in_kind)]);
        t.rows.push(row);
    }
    t.notes.push(format!(
        "{} core / {} peripheral presence, {} core / {} peripheral absence, blank: does not matter; {} l: QCA says it does not matter, NCA finds the condition necessary and requires membership l for an outcome of {}",
        crate::engine::configurations::CellKind::CorePresent.symbol(unicode),
        crate::engine::configurations::CellKind::PeripheralPresent.symbol(unicode),
        crate::engine::configurations::CellKind::CoreAbsent.symbol(unicode),
        crate::engine::configurations::CellKind::PeripheralAbsent.symbol(unicode),
        if unicode { "◢" } else { "^" },
        number(r.plan.level)
    ));
    t.notes.push("NCA required: the bottleneck table's minimum membership (NN: no requirement, NA: the level is not reached); in degree: NCA's verdict (effect size d, permutation p); in kind: QCA's consistency of necessity >= 0.9".into());
    doc.table(1, t);
    doc.blank();
    doc
}

/// A sum of products as admisc writes it: literals in the byte order of the condition
/// names, `~X` or `X` (`X[l]` for a level); terms by number of literals, then condition by
/// condition in that order with `~X` before `X` before absent; joined by ` + `.
pub fn sop_text(dnf: &crate::engine::fsqca::exclusions::Dnf, names: &[String]) -> String {
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by(|a, b| names[*a].as_bytes().cmp(names[*b].as_bytes()));
    let key = |t: &Vec<(usize, u32, bool)>| -> (usize, Vec<(u8, u32)>) {
        let ranks = order
            .iter()
            .map(|c| match t.iter().find(|l| l.0 == *c) {
                Some(&(_, level, true)) => (0, level),
                Some(&(_, level, false)) => (1, level),
                None => (2, 0),
            })
            .collect();
        (t.len(), ranks)
    };
    let mut terms: Vec<&Vec<(usize, u32, bool)>> = dnf.iter().collect();
    terms.sort_by_key(|t| key(t));
    terms
        .iter()
        .map(|t| {
            order
                .iter()
                .filter_map(|c| t.iter().find(|l| l.0 == *c))
                .map(|&(c, level, neg)| {
                    let name = names.get(c).map(String::as_str).unwrap_or("?");
                    match (neg, level) {
                        (true, 1) => format!("~{name}"),
                        (false, 1) => name.to_string(),
                        (true, l) => format!("~{name}[{l}]"),
                        (false, l) => format!("{name}[{l}]"),
                    }
                })
                .collect::<Vec<_>>()
                .join("*")
        })
        .collect::<Vec<_>>()
        .join(" + ")
}

/// A theory against each model: the fit of the terms, the solution, the theory and the four
/// intersections, then the cases of the eight groups with each intersection's expression.
pub fn theory(r: &TheoryRun) -> Doc {
    use crate::engine::theory::GROUPS;
    let mut doc = Doc::default();
    let n = r.cases.len();
    for m in &r.models {
        let e = &m.evaluation;
        let mut t = Table::new(
            format!(
                "theory {} against {} model {} of {}: {}",
                r.plan.text, r.kind, m.label, r.plan.analysis, m.expression
            ),
            vec![
                Column::left(""),
                Column::right("consistency"),
                Column::right("PRI"),
                Column::right("coverage"),
                Column::right("consistency (H)"),
            ],
        );
        let rows = m
            .terms
            .iter()
            .cloned()
            .zip(&e.terms)
            .chain([
                ("solution S".to_string(), &e.solution),
                ("theory T".to_string(), &e.theory),
            ])
            .chain(
                ["T*S", "~T*S", "T*~S", "~T*~S"]
                    .iter()
                    .map(|s| s.to_string())
                    .zip(&e.intersections),
            );
        for (label, f) in rows {
            t.rows.push(vec![
                Cell::Text(label),
                Cell::Stat(f.fit.consistency),
                Cell::Stat(f.fit.pri),
                Cell::Stat(f.fit.coverage),
                Cell::Stat(f.consistency_h),
            ]);
        }
        t.notes.push("consistency (H): Haesebrouck's consistency, which penalises cases far above the diagonal".into());
        doc.table(1, t);
        doc.blank();
        let mut g = Table::new(
            "",
            vec![
                Column::left("cases"),
                Column::left("expression"),
                Column::right("n"),
                Column::right("% of cases"),
                Column::left("which"),
            ],
        );
        for (k, ((_, name), members)) in GROUPS.iter().zip(&e.groups).enumerate() {
            g.rows.push(vec![
                Cell::text(*name),
                Cell::Text(sop_text(&e.expressions[k % 4], &r.conditions)),
                Cell::Int(members.len()),
                Cell::Stat(members.len() as f64 / n.max(1) as f64 * 100.0),
                Cell::Text(
                    members
                        .iter()
                        .filter_map(|i| r.cases.get(*i).cloned())
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            ]);
        }
        g.notes.push("membership above 0.5 in the intersection; SetMethods' theory.evaluation never lists inconsistent most likely cases (it reads a column that does not exist), toe does (docs/methods.md §4.7)".into());
        doc.table(1, g);
        doc.blank();
    }
    doc
}

/// What a `resample` statement did, in words: `leave-one-out of high: 13 runs`.
pub fn resample_title(r: &ResampleRun) -> String {
    use crate::check::plan::ResampleMethod;
    match &r.plan.method {
        ResampleMethod::LeaveOneOut => {
            format!(
                "leave-one-out of {}: {} runs, each without one case",
                r.plan.of.name,
                r.runs.len()
            )
        }
        ResampleMethod::Subsample { share, runs, seed } => format!(
            "subsamples of {}: {runs} runs of {} % of the cases, seed {seed}",
            r.plan.of.name,
            number(share * 100.0)
        ),
    }
}

/// A `resample` statement: per run (leave-one-out) the solutions without that case, then
/// how often each term of the full data's model 1 survives.
pub fn resample(r: &ResampleRun) -> Doc {
    use crate::check::plan::ResampleMethod;
    let mut doc = Doc::default();
    let expect = !r.full_intermediate.is_empty();
    let same_pars = r
        .runs
        .iter()
        .filter(|x| ResampleRun::same(&r.full_parsimonious, &x.parsimonious))
        .count();
    let same_inter = r
        .runs
        .iter()
        .filter(|x| ResampleRun::same(&r.full_intermediate, &x.intermediate))
        .count();
    let failed = r.runs.iter().filter(|x| x.error.is_some()).count();
    if r.plan.method == ResampleMethod::LeaveOneOut {
        let mut columns = vec![
            Column::left("left out"),
            Column::left("parsimonious (model 1)"),
            Column::left("same"),
        ];
        if expect {
            columns.extend([Column::left("intermediate (model 1)"), Column::left("same")]);
        }
        let mut t = Table::new(resample_title(r), columns);
        let first = |m: &[ResampledModel]| {
            m.first()
                .map(|m| m.expression.clone())
                .unwrap_or_else(|| "(none)".into())
        };
        let yes = |b: bool| if b { "yes" } else { "no" };
        for x in &r.runs {
            let mut row = vec![Cell::Text(x.left_out.join(", "))];
            match &x.error {
                Some(e) => {
                    row.push(Cell::Text(format!("not run: {e}")));
                    row.push(Cell::Empty);
                    if expect {
                        row.extend([Cell::Empty, Cell::Empty]);
                    }
                }
                None => {
                    row.push(Cell::Text(first(&x.parsimonious)));
                    row.push(Cell::text(yes(ResampleRun::same(
                        &r.full_parsimonious,
                        &x.parsimonious,
                    ))));
                    if expect {
                        row.push(Cell::Text(first(&x.intermediate)));
                        row.push(Cell::text(yes(ResampleRun::same(
                            &r.full_intermediate,
                            &x.intermediate,
                        ))));
                    }
                }
            }
            t.rows.push(row);
        }
        t.notes
            .push("same: every model of the solution as with all cases, in order".into());
        doc.table(1, t);
        doc.blank();
    } else {
        doc.line(1, resample_title(r));
    }
    let mut k = Table::new(
        "",
        vec![
            Column::left("term (full data, model 1)"),
            Column::left("solution"),
            Column::right("in model 1"),
            Column::right("in any model"),
            Column::left("lost without"),
        ],
    );
    for (kind, list) in [
        ("parsimonious", &r.retention_parsimonious),
        ("intermediate", &r.retention_intermediate),
    ] {
        for t in list {
            k.rows.push(vec![
                Cell::text(&t.term),
                Cell::text(kind),
                Cell::Stat(t.share_model1),
                Cell::Stat(t.share_any_model),
                Cell::Text(t.losing.join(", ")),
            ]);
        }
    }
    k.notes.push(format!(
        "{same_pars} of {} runs give the full data's parsimonious solution{}{}",
        r.runs.len(),
        if expect {
            format!(", {same_inter} its intermediate solution")
        } else {
            String::new()
        },
        if failed > 0 {
            format!("; {failed} runs gave no solution")
        } else {
            String::new()
        }
    ));
    doc.table(1, k);
    doc.blank();
    doc
}

/// An expression of a necessity search as QCA writes it: `~A*B` (conjunction), `~A + B`
/// (disjunction), literals in condition order; `A[2]` for every literal when a condition has
/// more than two levels.
pub fn search_expression(r: &SearchRun, f: &crate::engine::supersets::Found) -> String {
    use crate::engine::supersets::Kind;
    let lits: Vec<String> = f
        .literals
        .iter()
        .map(|l| {
            let name = r
                .plan
                .conditions
                .get(l.condition)
                .map(String::as_str)
                .unwrap_or("?");
            if r.multi_level {
                format!("{name}[{}]", l.level)
            } else if l.level == 0 {
                format!("~{name}")
            } else {
                name.to_string()
            }
        })
        .collect();
    lits.join(match f.kind {
        Kind::Conjunction => "*",
        Kind::Disjunction => " + ",
    })
}

/// The necessity search: every expression that passed, with consistency, relevance and
/// coverage of necessity, in QCA's order (conjunctions, then disjunctions).
pub fn necessity_search(r: &SearchRun) -> Doc {
    let mut doc = Doc::default();
    let o = &r.plan.options;
    let mut t = Table::new(
        format!(
            "{}: consistency >= {}, coverage >= {}, relevance >= {}, up to {} literals",
            r.plan.text,
            number(o.consistency),
            number(o.coverage),
            number(o.relevance),
            o.depth
        ),
        vec![
            Column::right(""),
            Column::left("expression"),
            Column::right("consistency"),
            Column::right("relevance"),
            Column::right("coverage"),
        ],
    );
    for (k, f) in r.rows.iter().enumerate() {
        t.rows.push(vec![
            Cell::Int(k + 1),
            Cell::Text(search_expression(r, f)),
            Cell::Stat(f.consistency),
            Cell::Stat(f.relevance),
            Cell::Stat(f.coverage),
        ]);
    }
    if r.rows.is_empty() {
        t.notes.push("no expression passes the cuts".into());
    }
    if r.dropped > 0 {
        t.notes
            .push(format!("{} cases with a missing value left out", r.dropped));
    }
    doc.table(1, t);
    doc.blank();
    doc
}

/// The power of NCA's permutation test per sample size, effect, slope and ceiling (and the
/// distributions of x and y when any is not uniform).
pub fn power(r: &PowerRun) -> Doc {
    use crate::engine::nca::power::Distribution;
    let mut doc = Doc::default();
    let p = &r.plan.options;
    let shows_distributions = p
        .distribution_x
        .iter()
        .chain(&p.distribution_y)
        .any(|d| *d != Distribution::Uniform);
    let mut columns = Vec::new();
    if shows_distributions {
        columns.extend([Column::left("x"), Column::left("y")]);
    }
    columns.extend([
        Column::right("n"),
        Column::right("effect"),
        Column::right("slope"),
        Column::left("ceiling"),
        Column::right("power"),
    ]);
    let mut t = Table::new(
        format!(
            "power {}: {} replicates × {} permutations, p <= {}, corner {}, seed {}",
            r.plan.name,
            p.rep,
            p.test_rep,
            number(p.p),
            p.corner,
            p.seed
        ),
        columns,
    );
    for row in &r.rows {
        let mut cells = Vec::new();
        if shows_distributions {
            cells.extend([
                Cell::text(row.distribution_x.name()),
                Cell::text(row.distribution_y.name()),
            ]);
        }
        cells.extend([
            Cell::Int(row.n),
            Cell::Num(row.effect),
            Cell::Num(row.slope),
            Cell::text(row.ceiling.name()),
            Cell::Stat(row.power),
        ]);
        t.rows.push(cells);
    }
    t.notes.push(if shows_distributions {
        "power = share of simulated samples whose permutation test gives p at most the level (R's nca_power; normal = truncated normal on [0, 1], mean 0.5, sd 0.2)".into()
    } else {
        "power = share of simulated samples whose permutation test gives p at most the level (R's nca_power, uniform x and y)".into()
    });
    doc.table(1, t);
    doc.blank();
    doc
}

/// Dul's NCA robustness table: per setting (the baseline first) and condition the effect
/// size, p-value, verdict and the cases below the required level at the target; then a
/// conclusion per condition.
pub fn nca_robustness(r: &NcaRobustnessRun) -> Doc {
    let mut doc = Doc::default();
    let p = &r.plan.of;
    let mut t = Table::new(
        format!(
            "robustness of {}: baseline and {} variant{} (seed {})",
            p.name,
            r.plan.variants.len(),
            if r.plan.variants.len() == 1 { "" } else { "s" },
            r.seed
        ),
        vec![
            Column::left("setting"),
            Column::left("condition"),
            Column::right("d"),
            Column::right("p"),
            Column::left("necessary"),
            Column::right("cases below"),
            Column::right("share"),
        ],
    );
    for (label, run) in r.plan.labels().zip(&r.runs) {
        match run {
            Err(e) => t.rows.push(vec![
                Cell::text(label),
                Cell::text(format!("not run: {e}")),
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
            ]),
            Ok(v) => {
                let removed = if v.removed.is_empty() {
                    String::new()
                } else {
                    format!(" (without {})", case_names(&r.ids, &v.removed).join(", "))
                };
                for (k, (c, o)) in r.conditions.iter().zip(&v.conditions).enumerate() {
                    let first = if k == 0 {
                        format!("{label}{removed}")
                    } else {
                        String::new()
                    };
                    match o {
                        Ok(o) => t.rows.push(vec![
                            Cell::text(first),
                            Cell::text(c),
                            Cell::Stat(o.effect),
                            o.p_value.map_or(Cell::Empty, Cell::P),
                            Cell::text(if o.necessary { "yes" } else { "no" }),
                            Cell::Num(o.cases),
                            Cell::Percent(o.percent),
                        ]),
                        Err(e) => t.rows.push(vec![
                            Cell::text(first),
                            Cell::text(c),
                            Cell::text(format!("no result: {e}")),
                            Cell::Empty,
                            Cell::Empty,
                            Cell::Empty,
                            Cell::Empty,
                        ]),
                    }
                }
            }
        }
    }
    for (c, flips) in r.conclusions() {
        t.notes.push(if flips.is_empty() {
            format!("{c}: robust (the verdict is the baseline's in every variant)")
        } else {
            format!(
                "{c}: fragile (the verdict changes with {})",
                flips.join("; ")
            )
        });
    }
    t.notes.push("necessary = d at least the threshold and p at most the threshold; cases below = cases under the level the ceiling requires for the target outcome".into());
    doc.table(1, t);
    doc.blank();
    doc
}

/// A robustness sweep: every variant, the configurations' shares, ranges, sensitivity
/// ranges and the robust core.
pub fn robustness(r: &RobustnessRun) -> Doc {
    let labels: Vec<String> = r.plan.dims.iter().map(|d| d.label()).collect();
    let mut columns: Vec<Column> = labels.iter().map(|l| Column::right(l.clone())).collect();
    columns.extend([
        Column::left("solution"),
        Column::right("consistency"),
        Column::right("coverage"),
    ]);
    let mut t = Table::new(
        format!(
            "robustness of {}: {} variants over {}",
            r.plan.of.name,
            r.variants.len(),
            labels.join(" × ")
        ),
        columns,
    );
    for v in &r.variants {
        let mut row: Vec<Cell> = v
            .values
            .iter()
            .zip(&r.plan.dims)
            .map(|(x, d)| d.value_text(*x).map_or(Cell::Num(*x), Cell::Text))
            .collect();
        match &v.result {
            Ok(s) => {
                row.push(Cell::Text(if s.expression.is_empty() {
                    "(none)".into()
                } else {
                    s.expression.clone()
                }));
                row.push(Cell::Stat(s.consistency));
                row.push(Cell::Stat(s.coverage));
            }
            Err(e) => {
                row.push(Cell::Text(format!("not run: {e}")));
                row.push(Cell::Empty);
                row.push(Cell::Empty);
            }
        }
        t.rows.push(row);
    }
    let mut ct = Table::new(
        "",
        vec![
            Column::left("configuration"),
            Column::right("variants"),
            Column::right("share"),
            Column::left("verdict"),
        ],
    );
    for (term, c) in &r.terms {
        ct.rows.push(vec![
            Cell::text(term),
            Cell::Text(format!("{c}/{}", r.ran)),
            Cell::Stat(*c as f64 / r.ran.max(1) as f64),
            Cell::Text(configuration_verdict(r, term)),
        ]);
    }
    ct.notes.push(format!(
        "solution consistency from {} to {}, coverage from {} to {}",
        fixed3(r.consistency_range.0),
        fixed3(r.consistency_range.1),
        fixed3(r.coverage_range.0),
        fixed3(r.coverage_range.1)
    ));
    for ((label, s), d) in r.sensitivity.iter().zip(&r.plan.dims) {
        let show = |x: f64| d.value_text(x).unwrap_or_else(|| number(x));
        ct.notes.push(match s {
            Some((a, b)) => format!(
                "sensitivity range of {label}: {} to {} (same solution as the analysis)",
                show(*a),
                show(*b)
            ),
            None => format!("sensitivity range of {label}: not defined (the analysis' own setting is not among the values tried)"),
        });
    }
    ct.notes.push(format!(
        "robust core (in every variant): {}",
        if r.robust_core.is_empty() {
            "none".to_string()
        } else {
            r.robust_core.join(" + ")
        }
    ));
    let mut doc = Doc::default();
    doc.table(1, t);
    doc.blank();
    doc.table(1, ct);
    doc.blank();
    if let Some(m) = &r.metrics {
        for t in robustness_metrics(r, m) {
            doc.table(1, t);
            doc.blank();
        }
    }
    doc
}

/// A configuration in plain words: robust (in every variant that ran) or sensitive to the
/// settings of the variants without it (up to three named).
pub fn configuration_verdict(r: &RobustnessRun, term: &str) -> String {
    let missing: Vec<String> = r
        .variants
        .iter()
        .filter(|v| {
            v.result
                .as_ref()
                .is_ok_and(|s| !s.terms.iter().any(|t| t == term))
        })
        .map(|v| variant_label(r, &v.values))
        .collect();
    match missing.len() {
        0 => "robust".into(),
        n if n <= 3 => format!("sensitive to {}", missing.join("; ")),
        n => format!("sensitive to {}; … ({n} variants)", missing[..3].join("; ")),
    }
}

/// A variant's settings as the report names them: `consistency 0.75, cases 1`; with
/// `separately`, only the setting that differs from the analysis.
pub fn variant_label(r: &RobustnessRun, values: &[f64]) -> String {
    let own: Vec<f64> = r.plan.dims.iter().map(|d| d.baseline(&r.plan.of)).collect();
    let parts: Vec<String> = r
        .plan
        .dims
        .iter()
        .zip(values)
        .zip(&own)
        .filter(|((_, v), o)| !r.plan.separately || !(**v == **o || (v.is_nan() && o.is_nan())))
        .map(|((d, v), _)| {
            format!(
                "{} {}",
                d.label(),
                d.value_text(*v).unwrap_or_else(|| number(*v))
            )
        })
        .collect();
    if parts.is_empty() {
        "as analysed".into()
    } else {
        parts.join(", ")
    }
}

/// Oana & Schneider's metrics: per model of the analysis against every model of every test
/// solution, model 1 against each test solution alone, and model 1's case types.
fn robustness_metrics(r: &RobustnessRun, m: &RobustMetrics) -> Vec<Table> {
    use crate::engine::robust_fit::{RobustFit, CASE_TYPES};
    let columns = |first: &str| {
        vec![
            Column::left(first.to_string()),
            Column::right("RF_cov"),
            Column::right("RF_cons"),
            Column::right("RF_SC_minTS"),
            Column::right("RF_SC_maxTS"),
            Column::right("RCR_typ"),
            Column::right("RCR_dev"),
            Column::right("RCC_rank"),
        ]
    };
    let cells = |f: &RobustFit| {
        vec![
            Cell::Stat(f.rf_cov),
            Cell::Stat(f.rf_cons),
            Cell::Stat(f.rf_sc_min),
            Cell::Stat(f.rf_sc_max),
            Cell::Stat(f.rcr_typ),
            Cell::Stat(f.rcr_dev),
            Cell::Int(f.rcc_rank as usize),
        ]
    };
    let mut a = Table::new(
        format!(
            "robustness metrics of {} (Oana & Schneider): against {} models of {} test solutions",
            r.plan.of.name, m.test_models, m.tests
        ),
        columns("model"),
    );
    for (label, f) in &m.per_model {
        let mut row = vec![Cell::text(label)];
        row.extend(cells(f));
        a.rows.push(row);
    }
    a.notes.push("RF_cov = coverage of the robust core / coverage of the solution; RF_cons = consistency of the solution / of the core; RF_SC = Σmin/Σmax of the solution and MIN_TS (MAX_TS); RCR = robust typical (deviant) cases / all typical (deviant) cases; RCC_rank 1 none shaky or possible, 2 possible, 3 shaky, 4 both".into());
    a.notes.push("MIN_TS / MAX_TS over every model of every test solution (SetMethods' rob.fit uses the first and last test set and model 1 only; docs/methods.md §8.1)".into());
    let mut b = Table::new(
        format!(
            "model {} against each test solution",
            m.per_model.first().map(|x| x.0.as_str()).unwrap_or("1")
        ),
        columns("test solution"),
    );
    for (k, f) in &m.per_variant {
        let mut row = vec![Cell::Text(
            r.variants
                .get(*k)
                .map(|v| variant_label(r, &v.values))
                .unwrap_or_default(),
        )];
        row.extend(cells(f));
        b.rows.push(row);
    }
    let mut c = Table::new(
        format!(
            "cases of model {} by robustness",
            m.per_model.first().map(|x| x.0.as_str()).unwrap_or("1")
        ),
        vec![
            Column::left("cases"),
            Column::right("n"),
            Column::left("which"),
        ],
    );
    if let Some((_, f)) = m.per_model.first() {
        for ((_, label), members) in CASE_TYPES.iter().zip(&f.case_types) {
            c.rows.push(vec![
                Cell::text(*label),
                Cell::Int(members.len()),
                Cell::Text(
                    members
                        .iter()
                        .filter_map(|i| m.cases.get(*i).cloned())
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            ]);
        }
    }
    vec![a, b, c]
}
