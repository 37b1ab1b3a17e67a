//! Stage 5, the tables of an fsQCA analysis: summary, truth table, solutions, necessity,
//! cases, the configuration table, queries and necessity searches.
//!
//! Guarantees: a builder only reads results; numbers stay numbers in the cells (the renderer
//! rounds); titles and notes say what a reader needs to read the table alone.

use super::super::table::{fixed3, tidy, Cell, Column, Doc, Style, Table};
use crate::engine::data::CaseIds;
use crate::engine::fsqca::{names, ConfigRow, Model, Out, TermFit};
use crate::eval::results::*;

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
    // A row without a case above 0.5 (n = 0) is listed as R lists it, but is not observed.
    let observed = r.truth_table.rows.iter().filter(|t| t.n > 0);
    let count = |o: Out| observed.clone().filter(|t| t.out == o).count();
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
    let unseen = r.truth_table.rows.len() - observed.clone().count();
    doc.line(
        1,
        format!(
            "truth table: {} observed rows ({} positive, {} negative, {} contradictions, {} below the frequency cut){}",
            observed.clone().count(),
            count(Out::One),
            count(Out::Zero),
            count(Out::Contradiction),
            count(Out::Remainder),
            match unseen {
                0 => String::new(),
                1 => "; 1 row without a case above 0.5 (a remainder)".to_string(),
                k => format!("; {k} rows without a case above 0.5 (remainders)"),
            }
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
            tidy(p.consistency),
            tidy(p.pri),
            tidy(p.cases)
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
        row.push(Cell::Text(names(&run.result.cases, &r.cases).join(",")));
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
fn model_table(m: &Model, ids: &CaseIds) -> Table {
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
            Cell::Text(term.cases_string(ids)),
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
            let mut t = model_table(m, &r.cases);
            let from = m
                .from
                .as_ref()
                .map(|f| format!(", from {f}"))
                .unwrap_or_default();
            t.caption = Some(format!(
                "{} solution of {}: model {}{from}",
                kind.name(),
                run.plan.name,
                m.name
            ));
            if kind == SolutionKind::Intermediate {
                for i in r
                    .intermediate
                    .iter()
                    .filter(|i| Some(&i.from) == m.from.as_ref())
                {
                    t.notes.push(format!(
                        "Easy counterfactuals: rows [{}]; difficult counterfactuals: rows [{}].",
                        rows_list(&i.easy_counterfactuals),
                        rows_list(&i.difficult_counterfactuals)
                    ));
                }
            }
            doc.table(2, t);
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
            Cell::Set(n.expr.clone()),
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
            doc.line(
                2,
                format!("{:<30} {}", t.expr, t.cases_string(&run.result.cases)),
            );
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
            let mut row = vec![Cell::Set(format!("{c}{mark}"))];
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
        table.notes.push(style.marks_legend());
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
                Cell::text(q.ids.get(r.case).unwrap_or("?")),
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
            tidy(o.consistency),
            tidy(o.coverage),
            tidy(o.relevance),
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
