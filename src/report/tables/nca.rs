//! Stage 5, the tables of an NCA analysis: the summary `toe run` prints, the full results,
//! bottleneck tables, bottleneck cases, outliers, power and Dul's robustness table.
//!
//! Guarantees: a builder only reads results; numbers stay numbers in the cells (the renderer
//! rounds); titles and notes say what a reader needs to read the table alone.

use super::super::table::{tidy, Cell, Column, Doc, Style, Table};
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
            tidy(p.d_min),
            tidy(p.p_max)
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
                    Cell::Set(cond.clone()),
                    Cell::Int(r.n),
                    Cell::Stat(d),
                    Cell::text(effect_label(d).as_str()),
                    Cell::opt_p(p_value),
                    Cell::text(verdict),
                ]);
            }
            Err(e) => t.rows.push(vec![
                Cell::Set(cond.clone()),
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

/// The NCA table papers print (Dul's): per condition and ceiling the effect size d, its size
/// class, the permutation p and the verdict of the block's rule (the verdict only for the
/// deciding ceiling, which the rule is about).
pub fn nca_compact(run: &NcaRun) -> Doc {
    let p = &run.plan;
    let mut t = Table::new(
        format!("nca {}: {}", p.name, plan_line(run)),
        vec![
            Column::left("condition"),
            Column::left("ceiling"),
            Column::right("d"),
            Column::left("size"),
            Column::right("p"),
            Column::left("necessary"),
        ],
    );
    for (cond, r, _) in &run.conditions {
        match r {
            Ok(r) => {
                for (k, c) in r.ceilings.iter().enumerate() {
                    let verdict = match run.verdict(c) {
                        Some(true) => "yes",
                        Some(false) => "no",
                        None => "",
                    };
                    t.rows.push(vec![
                        if k == 0 {
                            Cell::Set(cond.clone())
                        } else {
                            Cell::Empty
                        },
                        Cell::text(super::super::plot::ceiling_name(&c.ceiling)),
                        Cell::Effect(c.effect_size),
                        Cell::text(effect_label(c.effect_size).as_str()),
                        Cell::opt_p(c.p_value),
                        Cell::text(verdict),
                    ]);
                }
            }
            Err(e) => t.rows.push(vec![
                Cell::Set(cond.clone()),
                Cell::Empty,
                Cell::text("NA"),
                Cell::text(e),
                Cell::text("-"),
                Cell::text("no"),
            ]),
        }
    }
    t.notes.push(format!(
        "Necessary when d >= {} and p <= {} ({} ceiling); d: 0 to 0.1 small, 0.1 to 0.3 medium, 0.3 to 0.5 large, above 0.5 very large (Dul, 2016).",
        tidy(p.d_min),
        tidy(p.p_max),
        p.verdict_ceiling()
            .map(|c| super::super::plot::ceiling_name(&c))
            .unwrap_or_default()
    ));
    t.notes.push(match run.seed {
        Some(s) => format!(
            "p from a permutation test of {} permutations (seed {s}).",
            p.permutations
        ),
        None => {
            "No permutation test: the verdict needs p (add `permutations = 10000` and a `seed`)."
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
                        Cell::Set(cond.clone()),
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
                    tidy(r.xmin),
                    tidy(r.xmax),
                    tidy(r.ymin),
                    tidy(r.ymax),
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
        .map(|c| super::super::table::shown(&bottleneck_cell(c, col.precision), Style::default()))
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
        let units = if p.bottleneck_type == p.bottleneck_y {
            p.bottleneck_type.name().to_string()
        } else {
            format!(
                "conditions {}, {} {}",
                p.bottleneck_type.name(),
                p.outcome,
                p.bottleneck_y.name()
            )
        };
        let mut table = Table::new(
            format!(
                "bottlenecks of {} ({}, {}): {} needed for {}",
                p.name,
                t.ceiling.name(),
                units,
                if p.bottleneck_type.name() == "actual" {
                    "condition level"
                } else {
                    "condition %"
                },
                p.outcome
            ),
            columns,
        );
        let percentile = p.bottleneck_type.name() == "percentile";
        for (k, level) in t.levels.display.iter().enumerate() {
            let mut row = vec![Cell::Num(*level)];
            for col in &t.columns {
                let cell = col
                    .cells
                    .get(k)
                    .map(|c| bottleneck_cell(c, col.precision))
                    .unwrap_or(Cell::Empty);
                // Percentiles carry the number of cases below the level, as R prints them:
                // "22.9 (11)".
                row.push(match (percentile, col.cases.get(k)) {
                    (true, Some(n)) if !matches!(cell, Cell::Empty) => Cell::Text(format!(
                        "{} ({})",
                        super::super::table::shown(&cell, Style::default()),
                        tidy(*n)
                    )),
                    _ => cell,
                });
            }
            table.rows.push(row);
        }
        table
            .notes
            .push("NN = not necessary, NA = not available (beyond the observed range)".into());
        if percentile {
            table
                .notes
                .push("In brackets: the number of cases below the required level".into());
        }
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
    let names = |rows: &[usize]| case_names(run.cases_ids(), rows).join(", ");
    for (at, t) in run
        .cases_at_target
        .iter()
        .flat_map(|at| at.tables.iter().map(move |t| (at, t)))
    {
        let mut table = Table::new(
            format!(
                "bottleneck cases of {} ({}) at {} = {} ({})",
                run.plan.name,
                t.ceiling.name(),
                run.plan.outcome,
                tidy(t.target),
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
                Cell::Set(c.clone()),
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
            tidy(p.p),
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
                            Cell::Set(c.clone()),
                            Cell::Stat(o.effect),
                            o.p_value.map_or(Cell::Empty, Cell::P),
                            Cell::text(if o.necessary { "yes" } else { "no" }),
                            Cell::Num(o.cases),
                            Cell::Percent(o.percent),
                        ]),
                        Err(e) => t.rows.push(vec![
                            Cell::text(first),
                            Cell::Set(c.clone()),
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
