//! Stage 5, the tables of the fsQCA reviewer protocol: case selection, sensitivity ranges,
//! NEST, theory evaluation, resampling and robustness sweeps with their metrics.
//!
//! Guarantees: a builder only reads results; numbers stay numbers in the cells (the renderer
//! rounds); titles and notes say what a reader needs to read the table alone.

use super::super::table::{fixed3, tidy, Cell, Column, Doc, Style, Table};
use super::fsqca::sop_text;
use super::nca::bottleneck_cell;
use crate::eval::results::*;

/// Case selection for model 1 of the reported solution (SetMethods' smmr tables, corrected):
/// typical and deviant consistency cases per term, deviant coverage and individually
/// irrelevant cases with their truth-table rows, and the best comparison pairs.
pub fn case_selection(run: &FsqcaRun) -> Doc {
    let mut doc = Doc::default();
    let Some(m) = run.case_selection.first() else {
        return doc;
    };
    let cs = &m.cases;
    let name = |i: usize| run.input.cases.name(i).to_string();
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
            Column::left("most typical"),
        ],
    );
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    let pair = |label: String, kind: String, first: usize, second: usize, best: f64| {
        vec![
            Cell::Text(label),
            Cell::Text(kind),
            Cell::Text(name(first)),
            Cell::Text(name(second)),
            Cell::Stat(best),
            Cell::Empty,
        ]
    };
    for (k, list) in cs.typical_deviant.iter().enumerate() {
        for q in list {
            let kind = "typical – deviant consistency".to_string();
            rows.push(pair(term(k), kind, q.first, q.second, q.best));
        }
    }
    for (k, list) in cs.typical_typical.iter().enumerate() {
        for q in list {
            let mut row = pair(
                term(k),
                "typical – typical".into(),
                q.first,
                q.second,
                q.best,
            );
            // Which of the two is the term's most typical case (SetMethods' MostTyp).
            row[5] = Cell::text(match q.most {
                [true, true] => "both",
                [true, false] => "first",
                [false, true] => "second",
                [false, false] => "neither",
            });
            rows.push(row);
        }
    }
    for (k, list) in cs.typical_irrelevant.iter().enumerate() {
        for q in list {
            let kind = "typical – irrelevant".to_string();
            rows.push(pair(term(k), kind, q.typical, q.irrelevant, q.best));
        }
    }
    for (k, fcs) in cs.focal_pairs.iter().enumerate() {
        for (fc, list) in fcs {
            for q in list {
                let kind = format!("typical – typical, FC {fc}");
                rows.push(pair(term(k), kind, q.first, q.second, q.best));
            }
        }
    }
    for (k, fcs) in cs.focal_irrelevant.iter().enumerate() {
        for (fc, list) in fcs {
            for q in list {
                let kind = format!("typical – irrelevant, FC {fc}");
                rows.push(pair(term(k), kind, q.typical, q.irrelevant, q.best));
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
            rows.push(pair(format!("row {r}"), kind, q.first, q.second, q.best));
        }
    }
    p.rows = rows;
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
            Cell::Text(tidy((v * 1e9).round() / 1e9))
        })
    };
    for row in &r.rows {
        t.rows.push(vec![
            Cell::text(&row.label),
            bound(row.lower),
            Cell::Text(tidy(row.setting)),
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
            tidy(r.plan.level)
        ),
        columns,
    );
    for (j, c) in r.conditions.iter().enumerate() {
        let mut row = vec![Cell::Set(c.condition.clone())];
        for cfg in &mc.configurations {
            let cell = cfg
                .cells
                .get(j)
                .copied()
                .unwrap_or(crate::engine::configurations::CellKind::Blank);
            row.push(if c.marks(cell) {
                let v = match c.required {
                    Some(crate::engine::nca::bottleneck::Cell::Value(v)) => v,
                    _ => f64::NAN,
                };
                Cell::NcaMark(v)
            } else {
                Cell::Mark(cell)
            });
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
        "{}; {} l: QCA says it does not matter, NCA finds the condition necessary and requires membership l for an outcome of {}",
        style.marks_legend(),
        if unicode { "◢" } else { "^" },
        tidy(r.plan.level)
    ));
    t.notes.push("NCA required: the bottleneck table's minimum membership (NN: no requirement, NA: the level is not reached); in degree: NCA's verdict (effect size d, permutation p); in kind: QCA's consistency of necessity >= 0.9".into());
    doc.table(1, t);
    doc.blank();
    doc
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
                        .filter_map(|i| r.cases.get(*i).map(String::from))
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            ]);
        }
        g.notes.push("membership above 0.5 in the intersection; SetMethods' theory.evaluation never lists inconsistent most likely cases (it reads a column that does not exist), toe does (docs/methods.md §4.7)".into());
        g.caption = Some(format!(
            "Cases of {} in each intersection of theory and solution (model {})",
            r.plan.analysis, m.label
        ));
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
            tidy(share * 100.0)
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
    k.caption = Some(format!(
        "Terms of {} across the runs: how often each survives",
        r.plan.of.name
    ));
    doc.table(1, k);
    doc.blank();
    doc
}

/// A robustness sweep: every variant, the configurations' shares, ranges, sensitivity
/// ranges and the robust core.
pub fn robustness(r: &RobustnessRun) -> Doc {
    let labels: Vec<String> = r.plan.settings().into_iter().map(|(l, _)| l).collect();
    let names = r.plan.names();
    let mut columns = vec![Column::left("test set")];
    columns.extend(labels.iter().map(|l| Column::right(l.clone())));
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
    for (v, name) in r.variants.iter().zip(&names) {
        let mut row = vec![Cell::text(name)];
        row.extend(r.plan.deciding(&v.values).into_iter().map(|k| {
            let x = v.values[k];
            r.plan.dims[k]
                .value_text(x)
                .map_or(Cell::Num(x), Cell::Text)
        }));
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
    for (label, s) in &r.sensitivity {
        let d = r.plan.dims.iter().find(|d| d.label() == *label);
        let show = |x: f64| d.and_then(|d| d.value_text(x)).unwrap_or_else(|| tidy(x));
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
    ct.caption = Some(format!(
        "Configurations of {} across the variants: share and verdict",
        r.plan.of.name
    ));
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
        .enumerate()
        .filter(|(_, v)| {
            v.result
                .as_ref()
                .is_ok_and(|s| !s.terms.iter().any(|t| t == term))
        })
        .map(|(k, _)| variant_label(r, k))
        .collect();
    match missing.len() {
        0 => "robust".into(),
        n if n <= 3 => format!("sensitive to {}", missing.join("; ")),
        n => format!("sensitive to {}; … ({n} variants)", missing[..3].join("; ")),
    }
}

/// A variant as the report names it: its test set and settings, `TS1 (consistency 0.75,
/// cases 1)`; with `separately`, only the settings that differ from the analysis'.
pub fn variant_label(r: &RobustnessRun, k: usize) -> String {
    let name = r.plan.names().get(k).cloned().unwrap_or_default();
    let values = r.variants.get(k).map_or(&[][..], |v| &v.values[..]);
    format!("{name} ({})", variant_settings(r, values))
}

/// A variant's settings: `consistency 0.75, cases 1`; with `separately`, only the settings
/// that differ from the analysis'.
pub fn variant_settings(r: &RobustnessRun, values: &[f64]) -> String {
    use crate::check::plan::same_setting;
    let parts: Vec<String> = r
        .plan
        .deciding(values)
        .into_iter()
        .map(|k| (&r.plan.dims[k], values[k]))
        .filter(|(d, v)| !r.plan.separately || !same_setting(*v, d.baseline(&r.plan.of)))
        .map(|(d, v)| {
            format!(
                "{} {}",
                d.label(),
                d.value_text(v).unwrap_or_else(|| tidy(v))
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
        let mut row = vec![Cell::Text(variant_label(r, *k))];
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
                        .filter_map(|i| m.cases.get(*i).map(String::from))
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            ]);
        }
    }
    vec![a, b, c]
}
