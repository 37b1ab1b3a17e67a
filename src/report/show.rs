//! Stage 5, `show`: the data, the calibrations, the plan and indices from the scope, and the
//! analysis tables (built by [`super::tables`]) from the results.
//!
//! Guarantees: a `show` reads and never changes anything; every topic the checker accepts has
//! a document here.

use super::table::{Cell, Column, Doc, Style, Table};
use super::tables;
use crate::check::calibration::anchor_texts;
use crate::check::plan::{AnalysisPlan, Corner, FsqcaPlan, Levels, NcaPlan, SetInfo, Show};
use crate::check::Scope;
use crate::diagnostics::number;
use crate::engine::calibrate::DEFAULT_IDM;
use crate::eval::results::Results;

/// The document of a `show` statement.
pub fn show(scope: &Scope, results: &Results, what: &Show, style: Style) -> Doc {
    match what {
        Show::Data => data(scope),
        Show::Calibration => calibration(scope),
        Show::Skewness => skewness(scope),
        Show::Plan => plan(scope),
        Show::Index(name) => index(results, name),
        Show::Nca(name) => results
            .nca
            .get(name)
            .map(tables::nca_results)
            .unwrap_or_default(),
        Show::Bottlenecks(name) => results
            .nca
            .get(name)
            .map(tables::bottlenecks)
            .unwrap_or_default(),
        Show::Outliers(name) => results
            .nca
            .get(name)
            .map(tables::outliers)
            .unwrap_or_default(),
        Show::BottleneckCases(name) => results
            .nca
            .get(name)
            .map(tables::bottleneck_cases)
            .unwrap_or_default(),
        Show::Necessity(name) => results
            .fsqca
            .get(name)
            .map(tables::necessity)
            .unwrap_or_default(),
        Show::TruthTable(name) => results
            .fsqca
            .get(name)
            .map(tables::truth_table)
            .unwrap_or_default(),
        Show::Solutions(name, kind) => results
            .fsqca
            .get(name)
            .map(|r| tables::solutions(r, *kind))
            .unwrap_or_default(),
        Show::Cases(name) => results
            .fsqca
            .get(name)
            .map(tables::cases)
            .unwrap_or_default(),
        Show::CaseSelection(name) => results
            .fsqca
            .get(name)
            .map(tables::case_selection)
            .unwrap_or_default(),
        Show::Configurations(name) => results
            .fsqca
            .get(name)
            .map(|r| {
                tables::configurations(
                    r,
                    &results.necessary_for(&r.plan.outcome, r.plan.negated),
                    style,
                )
            })
            .unwrap_or_default(),
    }
}

fn index(results: &Results, name: &str) -> Doc {
    let mut doc = Doc::default();
    let Some(ix) = results.indices.get(name) else {
        return doc;
    };
    let mut columns = vec![Column::left("indicator"), Column::left("direction")];
    columns.extend(ix.weights.iter().map(|(g, _)| {
        Column::right(
            g.as_ref()
                .map(|g| format!("weight {g}"))
                .unwrap_or_else(|| "weight".into()),
        )
    }));
    let by = ix
        .by
        .as_ref()
        .map(|b| format!(" by {b}"))
        .unwrap_or_default();
    let mut t = Table::new(
        format!("index {name} = {}(…){by}", ix.function.name()),
        columns,
    );
    for (k, (col, neg)) in ix.indicators.iter().enumerate() {
        let mut row = vec![
            Cell::text(col),
            Cell::text(if *neg { "negative" } else { "positive" }),
        ];
        row.extend(ix.weights.iter().map(|(_, w)| Cell::Digits(w[k], 4)));
        t.rows.push(row);
    }
    doc.table(1, t);
    doc.blank();
    doc
}

fn data(scope: &Scope) -> Doc {
    let mut doc = Doc::default();
    let Some(data) = &scope.data else {
        return doc;
    };
    let sets = &scope.sets;
    let mut columns = vec![Column::left("case")];
    let cols: Vec<usize> = if sets.is_empty() {
        (0..data.table.columns.len()).collect()
    } else {
        sets.iter().map(|s| s.column_index).collect()
    };
    for (k, &j) in cols.iter().enumerate() {
        columns.push(Column::right(match sets.get(k) {
            Some(s) => format!("{} ({})", s.name, s.column),
            None => data.table.columns[j].clone(),
        }));
    }
    let mut t = Table::new(
        format!(
            "data {} = {} ({} cases, {} columns)",
            data.name,
            data.path,
            data.table.rows(),
            data.table.columns.len()
        ),
        columns,
    );
    for (i, id) in data.table.ids.iter().enumerate() {
        let mut row = vec![Cell::text(id)];
        for &j in &cols {
            let v = data.table.value(i, j);
            row.push(if data.table.is_id_column(j) {
                Cell::text(id)
            } else if data.table.text[j].is_some() && v.is_nan() {
                Cell::text("?")
            } else if data.table.value_labelled[j] && !v.is_nan() {
                // SPSS and Stata value labels, as those packages show them.
                Cell::text(data.table.cell(i, j))
            } else {
                Cell::Num(v)
            });
        }
        t.rows.push(row);
    }
    doc.table(1, t);
    doc.blank();
    doc
}

fn calibration(scope: &Scope) -> Doc {
    let mut doc = Doc::default();
    let mut t = Table::new(
        "calibration",
        vec![
            Column::left("set"),
            Column::left("role"),
            Column::left("column"),
            Column::left("method"),
            Column::left("anchors"),
        ],
    );
    for s in &scope.sets {
        let (method, anchors) = match &s.calibration {
            None => ("none".to_string(), String::new()),
            Some(c) => {
                let mut a: Vec<String> = anchor_texts(&c.anchors);
                if let Some(idm) = c.idm {
                    if idm != DEFAULT_IDM {
                        a.push(format!("idm = {}", number(idm)));
                    }
                }
                if let Some(by) = c.nudge {
                    a.push(format!("nudge = {}", number(by)));
                }
                (c.method.to_string(), a.join(", "))
            }
        };
        t.rows.push(vec![
            Cell::text(&s.name),
            Cell::text(s.role.as_str()),
            Cell::text(&s.column),
            Cell::Text(method),
            Cell::Text(anchors),
        ]);
    }
    doc.table(1, t);
    if let Some(data) = &scope.data {
        let calibrated: Vec<&SetInfo> = scope
            .sets
            .iter()
            .filter(|s| s.membership.is_some())
            .collect();
        if !calibrated.is_empty() {
            let mut columns = vec![Column::left("case")];
            for s in &calibrated {
                columns.push(Column::right(format!("{} raw", s.name)));
                columns.push(Column::right(s.name.clone()));
            }
            let mut m = Table::new("", columns);
            for (i, id) in data.table.ids.iter().enumerate() {
                let mut row = vec![Cell::text(id)];
                for s in &calibrated {
                    row.push(Cell::Num(s.raw[i]));
                    row.push(
                        s.membership
                            .as_ref()
                            .map(|v| Cell::Stat(v[i]))
                            .unwrap_or(Cell::Empty),
                    );
                }
                m.rows.push(row);
            }
            doc.blank();
            doc.table(1, m);
        }
    }
    doc.blank();
    doc
}

/// Calibration diagnostics of every calibrated set: SetMethods' `skew.check` (cases above
/// 0.5 of all cases), cases at exactly 0.5 (`ambig.cases`), missing values, anchors outside
/// the observed raw values and the nudge, then the 0.5 cells set by set.
fn skewness(scope: &Scope) -> Doc {
    use crate::engine::skew;
    let mut doc = Doc::default();
    let sets: Vec<&SetInfo> = scope
        .sets
        .iter()
        .filter(|s| s.membership.is_some())
        .collect();
    let mut t = Table::new(
        "calibration diagnostics",
        vec![
            Column::left("set"),
            Column::left("role"),
            Column::right("> 0.5"),
            Column::right("cases"),
            Column::right("%"),
            Column::right("= 0.5"),
            Column::right("missing"),
            Column::left("check"),
        ],
    );
    for s in &sets {
        let m = s.membership.as_deref().unwrap_or_default();
        let k = skew::skew(m);
        let mut check: Vec<String> = Vec::new();
        if k.skewed() {
            check.push("skewed".into());
        }
        if let Some(c) = &s.calibration {
            for (n, v) in skew::anchors_outside(&c.anchors, &s.raw) {
                check.push(format!("{n} = {} outside the data", number(v)));
            }
            if let Some(by) = c.nudge {
                check.push(format!("0.5 nudged by {}", number(by)));
            }
        }
        t.rows.push(vec![
            Cell::text(&s.name),
            Cell::text(s.role.as_str()),
            Cell::Int(k.above),
            Cell::Int(k.cases - k.missing),
            Cell::Text(percent2(k.percent_above)),
            Cell::Int(k.at_half),
            Cell::Int(k.missing),
            Cell::Text(check.join("; ")),
        ]);
    }
    t.notes.push("% = share of the cases with a value whose membership is above 0.5 (SetMethods' skew.check); skewed: below 20 % or above 80 %".into());
    doc.table(1, t);
    let columns: Vec<&[f64]> = sets
        .iter()
        .map(|s| s.membership.as_deref().unwrap_or_default())
        .collect();
    let cells = skew::half_cells(&columns);
    doc.blank();
    if cells.is_empty() {
        doc.line(1, "no memberships of exactly 0.5");
    } else if let Some(data) = &scope.data {
        let mut h = Table::new(
            "memberships of exactly 0.5",
            vec![Column::left("set"), Column::left("case")],
        );
        for (k, i) in cells {
            h.rows.push(vec![
                Cell::text(&sets[k].name),
                Cell::text(data.table.ids.get(i).unwrap_or("?")),
            ]);
        }
        doc.table(1, h);
    }
    doc.blank();
    doc
}

/// A percentage with at most 2 decimals and no trailing zeros, as R prints `round(p, 2)`.
fn percent2(p: f64) -> String {
    if p.is_nan() {
        return "NA".into();
    }
    let s = format!("{:.2}", p);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn list(v: &[f64]) -> String {
    v.iter().map(|x| number(*x)).collect::<Vec<_>>().join(", ")
}

/// An nca plan as `show plan` prints it: one setting per line, defaults included.
fn nca_plan(p: &NcaPlan) -> Vec<String> {
    let levels = match &p.bottleneck_levels {
        Levels::Steps(n) => format!("steps({n})"),
        Levels::List(v) => format!("[{}]", list(v)),
    };
    let ceilings: Vec<&str> = p.ceilings.iter().map(|c| c.name()).collect();
    let mut s = vec![
        format!(
            "nca {}: {} needs {}",
            p.name,
            p.outcome,
            p.conditions.join(", ")
        ),
        format!("  ceilings = [{}]", ceilings.join(", ")),
        format!("  permutations = {}", p.permutations),
        format!(
            "  seed = {}",
            p.seed
                .map(|s| s.to_string())
                .unwrap_or_else(|| "none".into())
        ),
        format!(
            "  necessary when d >= {} and p <= {}",
            number(p.d_min),
            number(p.p_max)
        ),
        format!("  bottlenecks = {levels}, {}", p.bottleneck_type.name()),
        format!("  on = {}", if p.calibrated { "calibrated" } else { "raw" }),
        match &p.corner {
            Corner::All(c) => format!("  corner = {c}"),
            Corner::Each(v) => format!(
                "  corner = [{}]",
                v.iter()
                    .map(|c| c.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        },
    ];
    if let Some(sc) = p.scope {
        s.push(format!("  scope = [{}]", list(&sc)));
    }
    if ceilings.contains(&"qr") {
        s.push(format!("  qr_tau = {}", number(p.qr_tau)));
    }
    s
}

/// An fsqca plan as `show plan` prints it.
fn fsqca_plan(p: &FsqcaPlan) -> Vec<String> {
    let mut first = format!("  consistency >= {}", number(p.consistency));
    if let Some(c) = p.contradictions {
        first.push_str(&format!(", contradictions >= {}", number(c)));
    }
    let mut s = vec![
        format!(
            "fsqca {}: {}{} given {}",
            p.name,
            if p.negated { "~" } else { "" },
            p.outcome,
            p.conditions.join(", ")
        ),
        format!("  cases >= {}", number(p.cases)),
        first,
        format!("  pri >= {}", number(p.pri)),
    ];
    match &p.expect {
        None => s.push("  expect (none: no intermediate solution)".into()),
        Some(e) => {
            let lits: Vec<String> = e
                .iter()
                .map(|x| match x.code() {
                    "1" => x.condition.clone(),
                    "0" => format!("~{}", x.condition),
                    _ => format!("{} | ~{}", x.condition, x.condition),
                })
                .collect();
            s.push(format!("  expect {}", lits.join(", ")));
        }
    }
    if let Some((c, _)) = &p.cluster {
        s.push(format!("  cluster = {c}"));
    }
    if let Some((u, _)) = &p.unit {
        s.push(format!("  unit = {u}"));
    }
    s
}

fn plan(scope: &Scope) -> Doc {
    let mut doc = Doc::default();
    doc.line(0, "plan");
    if let Some((t, _)) = &scope.study {
        doc.line(1, format!("study \"{t}\""));
    }
    match &scope.data {
        Some(d) => doc.line(
            1,
            format!(
                "data {} = {} ({} cases; ids {})",
                d.name,
                d.path,
                d.table.rows(),
                if d.table.ids.first().map(|s| s == "1").unwrap_or(false) {
                    "numbered"
                } else {
                    "from the id column"
                }
            ),
        ),
        None => doc.line(1, "data (none)"),
    }
    if let Some((f, _)) = &scope.framework {
        let dims = scope.frameworks.get(f).cloned().unwrap_or_default();
        doc.line(1, format!("framework {f}: {}", dims.join(", ")));
    }
    for s in &scope.sets {
        let cal = match &s.calibration {
            None => "not calibrated".to_string(),
            Some(c) => {
                let a: Vec<String> = anchor_texts(&c.anchors);
                let idm = c
                    .idm
                    .map(|i| format!(", idm = {}", number(i)))
                    .unwrap_or_default();
                format!("{}({}{idm})", c.method, a.join(", "))
            }
        };
        doc.line(
            1,
            format!(
                "{} {} = {}{}{}: {}",
                s.role.as_str(),
                s.name,
                s.column,
                s.dimension
                    .as_ref()
                    .map(|d| format!(" [{d}]"))
                    .unwrap_or_default(),
                s.label
                    .as_ref()
                    .map(|l| format!(" \"{l}\""))
                    .unwrap_or_default(),
                cal
            ),
        );
    }
    for a in &scope.analyses {
        let lines = match a {
            AnalysisPlan::Nca(p) => nca_plan(p),
            AnalysisPlan::Fsqca(p) => fsqca_plan(p),
        };
        for line in lines {
            doc.line(1, line);
        }
    }
    doc.blank();
    doc
}
