//! Stage 5, the study report (`toe report study.toe -o report.html|.docx|.md|.tex`): every
//! table of a study in the order a paper uses, with its plots and a provenance block — the
//! model ([`Report`], in [`super::model`]) and its one builder ([`build`]); the renderers are [`super::paper`]
//! (HTML, Markdown, LaTeX) and [`super::docx`] (Word).
//!
//! Guarantees: the report's tables are the builders' of `show` and `export` (the same numbers,
//! the same rounding); the three tables only the report has (variables, descriptive
//! statistics, calibration anchors) are built here, once; sections without content are left
//! out; the same script and data give the same report.

pub use super::model::{Figure, Report, Section};
use super::table::{Cell, Column, Doc, Style, Table};
use super::{export, tables};
use crate::check::Scope;
use crate::engine::describe::describe;
use crate::eval::results::Results;

/// What the report says of where its numbers come from.
pub struct Source<'a> {
    /// The script as named on the command line.
    pub script: &'a str,
    /// The script's bytes as run.
    pub text: &'a [u8],
    /// The run's warnings (code, message): every adjustment the engine made (cases dropped,
    /// a scope widened, memberships nudged) is said in the report too.
    pub warnings: &'a [(String, String)],
}

/// The reference packages the engine's numbers are tested against (tests/conformance/).
pub const REFERENCES: &str =
    "R packages QCA 3.23 (admisc 0.40), NCA 5.0.1 and SetMethods 4.1, on R 4.2";

/// The report of a study that has run.
pub fn build(
    title: Option<&str>,
    scope: &Scope,
    results: &Results,
    source: &Source,
) -> Result<Report, String> {
    let mut sections = Vec::new();
    let mut push = |id: &str, title: &str, doc: Doc, figures: Vec<Figure>| {
        if doc
            .blocks
            .iter()
            .any(|b| !matches!(b, super::table::Block::Blank))
            || !figures.is_empty()
        {
            sections.push(Section {
                id: id.into(),
                title: title.into(),
                doc,
                figures,
            });
        }
    };
    push(
        "variables",
        "Variables and measures",
        variables(scope),
        vec![],
    );
    push(
        "descriptives",
        "Descriptive statistics",
        descriptives(scope),
        vec![],
    );
    push("calibration", "Calibration anchors", anchors(scope), vec![]);
    for (name, run) in &results.nca {
        let doc = export::nca_doc(run, &export::nca_robustness_of(results, name));
        let figure = Figure {
            caption: format!("NCA scatter plots of {name}: ceilings and scope"),
            svg: export::nca_figure(run)?,
        };
        push(
            &format!("nca-{name}"),
            &format!("Necessary Condition Analysis: {name}"),
            doc,
            vec![figure],
        );
    }
    for p in &results.power {
        push("power", "Power of the NCA test", tables::power(p), vec![]);
    }
    for (name, run) in &results.fsqca {
        push(
            &format!("necessity-{name}"),
            &format!("Necessity of single conditions: {name}"),
            tables::necessity(run),
            vec![],
        );
        push(
            &format!("truth-table-{name}"),
            &format!("Truth table: {name}"),
            tables::truth_table(run),
            vec![],
        );
        let protocol = export::Protocol::of(results, name);
        let necessary = results.necessary_for(&run.plan.outcome, run.plan.negated);
        let mut doc = tables::configurations(run, &necessary, Style::default());
        for n in &protocol.nests {
            doc.extend(tables::nest(n, Style::default()));
        }
        doc.extend(tables::solutions(run, None));
        let figures = export::fsqca_figure(run)?
            .map(|svg| Figure {
                caption: format!("XY plot of the solution of {name} against its outcome"),
                svg,
            })
            .into_iter()
            .collect();
        push(
            &format!("configurations-{name}"),
            &format!("Configurations: {name}"),
            doc,
            figures,
        );
        push(
            &format!("cases-{name}"),
            &format!("Cases per configuration: {name}"),
            cases_per_configuration(run),
            vec![],
        );
        let mut doc = Doc::default();
        for r in &protocol.robustness {
            doc.extend(tables::robustness(r));
        }
        for r in &protocol.resamples {
            doc.extend(tables::resample(r));
        }
        for r in &protocol.sensitivities {
            doc.extend(tables::sensitivity(r));
        }
        for t in &protocol.theories {
            doc.extend(tables::theory(t));
        }
        push(
            &format!("robustness-{name}"),
            &format!("Robustness: {name}"),
            doc,
            vec![],
        );
    }
    push(
        "run-notes",
        "Notes on the run",
        run_notes(source.warnings),
        vec![],
    );
    let title = title
        .map(str::to_string)
        .unwrap_or_else(|| format!("Study report: {}", source.script));
    Ok(Report {
        title,
        provenance: provenance(scope, results, source),
        sections,
    })
}

fn provenance(scope: &Scope, results: &Results, source: &Source) -> Vec<(String, String)> {
    let mut p = vec![
        ("toe".to_string(), env!("CARGO_PKG_VERSION").to_string()),
        (
            "script".to_string(),
            format!(
                "{} (SHA-256 {})",
                source.script,
                crate::files::sha256_hex(source.text)
            ),
        ),
    ];
    if let Some(d) = &scope.data {
        p.push((
            "data".to_string(),
            format!(
                "{} ({} cases, SHA-256 {})",
                d.path,
                d.table.rows(),
                d.sha256
            ),
        ));
    }
    let mut seeds: Vec<String> = results
        .nca
        .values()
        .filter_map(|r| r.seed.map(|s| format!("nca {}: {s}", r.plan.name)))
        .collect();
    seeds.extend(
        results
            .resamples
            .iter()
            .filter_map(|r| match r.plan.method {
                crate::check::plan::ResampleMethod::Subsample { seed, .. } => {
                    Some(format!("resample {}: {seed}", r.plan.of.name))
                }
                _ => None,
            }),
    );
    if !seeds.is_empty() {
        p.push(("seeds".to_string(), seeds.join("; ")));
    }
    p.push(("numbers agree with".to_string(), REFERENCES.to_string()));
    p
}

/// The run's warnings, one row each: what the engine adjusted or found worth a reader's
/// attention (none: no table).
fn run_notes(warnings: &[(String, String)]) -> Doc {
    let mut doc = Doc::default();
    if warnings.is_empty() {
        return doc;
    }
    let mut t = Table::new(
        "Warnings of the run",
        vec![Column::left("code"), Column::left("warning")],
    );
    for (code, message) in warnings {
        t.rows.push(vec![Cell::text(code), Cell::text(message)]);
    }
    doc.table(1, t);
    doc.blank();
    doc
}

/// Table 1 of a paper: each set, its role, its framework dimension, the data column and its
/// label (written in the script or the data file's variable label).
pub fn variables(scope: &Scope) -> Doc {
    let mut doc = Doc::default();
    if scope.sets.is_empty() {
        return doc;
    }
    let mut t = Table::new(
        "Variables and measures",
        vec![
            Column::left("set"),
            Column::left("role"),
            Column::left("dimension"),
            Column::left("data column"),
            Column::left("label"),
        ],
    );
    for s in &scope.sets {
        t.rows.push(vec![
            Cell::text(&s.name),
            Cell::text(s.role.as_str()),
            s.dimension.clone().map(Cell::Text).unwrap_or(Cell::Empty),
            Cell::text(&s.column),
            s.label.clone().map(Cell::Text).unwrap_or(Cell::Empty),
        ]);
    }
    doc.table(1, t);
    doc.blank();
    doc
}

/// The raw columns of the sets: cases with a value, mean, SD (n − 1), minimum, maximum.
pub fn descriptives(scope: &Scope) -> Doc {
    let mut doc = Doc::default();
    if scope.sets.is_empty() {
        return doc;
    }
    let mut t = Table::new(
        "Descriptive statistics of the raw data",
        vec![
            Column::left("set"),
            Column::right("n"),
            Column::right("mean"),
            Column::right("SD"),
            Column::right("min"),
            Column::right("max"),
        ],
    );
    let mut gaps = false;
    for s in &scope.sets {
        let d = describe(&s.raw);
        gaps |= d.missing > 0;
        t.rows.push(vec![
            Cell::text(&s.name),
            Cell::Int(d.n),
            Cell::Stat(d.mean),
            Cell::Stat(d.sd),
            Cell::Stat(d.min),
            Cell::Stat(d.max),
        ]);
    }
    if gaps {
        t.notes
            .push("n counts the cases with a value; missing values are left out".into());
    }
    doc.table(1, t);
    doc.blank();
    doc
}

/// The seed paper's Table 2: the anchors as resolved, in data units (a percentile anchor
/// names its percentile).
pub fn anchors(scope: &Scope) -> Doc {
    let mut doc = Doc::default();
    let sets: Vec<_> = scope
        .sets
        .iter()
        .filter(|s| s.calibration.is_some())
        .collect();
    if sets.is_empty() {
        return doc;
    }
    let width = sets
        .iter()
        .filter_map(|s| s.calibration.as_ref().map(|c| c.anchors.len()))
        .max()
        .unwrap_or(0);
    // Direct calibration's three anchors get the usual headers.
    let direct = sets.iter().all(|s| {
        s.calibration
            .as_ref()
            .is_some_and(|c| c.anchors.iter().map(|a| a.0).eq(["e", "c", "i"]))
    });
    let mut columns = vec![Column::left("set"), Column::left("method")];
    if direct {
        columns.push(Column::right("full non-membership"));
        columns.push(Column::right("crossover"));
        columns.push(Column::right("full membership"));
    } else {
        columns.extend((1..=width).map(|k| Column::right(format!("anchor {k}"))));
    }
    let mut t = Table::new("Calibration anchors", columns);
    let mut percentiles = false;
    for s in &sets {
        let Some(c) = &s.calibration else { continue };
        let mut row = vec![Cell::text(&s.name), Cell::text(c.method)];
        for k in 0..width {
            row.push(match c.anchors.get(k) {
                Some((name, v, pct)) => {
                    percentiles |= pct.is_some();
                    let shown = super::table::shown(&Cell::Stat(*v), Style::default());
                    Cell::Text(if direct {
                        shown
                    } else {
                        format!("{name} = {shown}")
                    })
                }
                None => Cell::Empty,
            });
        }
        t.rows.push(row);
    }
    if percentiles {
        let mut used: Vec<String> = Vec::new();
        for s in &sets {
            if let Some(c) = &s.calibration {
                for (name, _, pct) in &c.anchors {
                    if let Some(p) = pct {
                        let text = format!("{name} = p{}", crate::diagnostics::number(*p));
                        if !used.contains(&text) {
                            used.push(text);
                        }
                    }
                }
            }
        }
        t.notes.push(format!(
            "anchors in data units, resolved from the percentiles {} of each raw column",
            used.join(", ")
        ));
    }
    doc.table(1, t);
    doc.blank();
    doc
}

/// The cases each configuration covers (members of the term above 0.5, in the reference's
/// groups), by the configuration ids of the configuration table.
pub fn cases_per_configuration(run: &crate::eval::results::FsqcaRun) -> Doc {
    let mut doc = Doc::default();
    for t in &run.configurations() {
        let mut table = Table::new(
            format!(
                "Cases per configuration of {} ({} solution {})",
                run.plan.name, t.kind, t.model.name
            ),
            vec![
                Column::left("configuration"),
                Column::left("term"),
                Column::left("cases"),
            ],
        );
        for c in &t.configurations {
            let term = &t.model.terms[c.term];
            table.rows.push(vec![
                Cell::text(&c.id),
                Cell::text(&term.expr),
                Cell::Text(term.cases_string()),
            ]);
        }
        if !run.dropped.is_empty() {
            table.notes.push(format!(
                "dropped for missing values: {}",
                run.dropped.join(", ")
            ));
        }
        doc.table(1, table);
        doc.blank();
    }
    doc
}
