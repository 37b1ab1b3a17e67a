//! Stage 5, the study report (`toe report study.toe -o report.html|.docx|.md|.tex`) and the
//! publication of one analysis (`export NAME to "x.html|.docx|.md|.tex"`): the model
//! ([`Report`], in [`super::model`]) and its builders — every table of a study in the order a
//! paper uses, captions in words, the compact tables in the body and the full ones in an
//! appendix, plots and a provenance block. The renderers are [`super::html`],
//! [`super::latex`], [`super::markdown`] and [`super::docx`].
//!
//! Guarantees: the report's tables are the builders' of `show` and `export` (the same numbers,
//! the same rounding: [`super::table::shown`]); captions name sets by their labels
//! ([`super::words`]), never "(untitled)"; tables and figures are numbered through the whole
//! report; sections without content are left out; the same script and data give the same
//! report.

use super::figure;
use super::gather::{nca_robustness_of, Protocol};
pub use super::model::{Figure, Report, Section};
use super::table::{Cell, Column, Doc, Style, Table};
use super::words::Words;
use super::{plot, tables};
use crate::check::Scope;
use crate::engine::describe::describe;
use crate::engine::sets::solution_membership;
use crate::eval::results::{FsqcaRun, NcaRun, Results};

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

/// A report under construction: body and appendix sections.
#[derive(Default)]
pub(super) struct Sections {
    pub body: Vec<Section>,
    pub appendix: Vec<Section>,
}

impl Sections {
    /// Adds a section unless it has nothing to show.
    pub fn push(&mut self, appendix: bool, id: &str, title: &str, doc: Doc, figures: Vec<Figure>) {
        let empty = doc
            .blocks
            .iter()
            .all(|b| matches!(b, super::table::Block::Blank));
        if empty && figures.is_empty() {
            return;
        }
        let s = Section {
            id: id.into(),
            title: title.into(),
            doc,
            figures,
        };
        if appendix {
            self.appendix.push(s);
        } else {
            self.body.push(s);
        }
    }
}

/// Gives every table of a doc its caption: `caption(index, table)`. The doc's lines (a
/// builder's headings for the terminal, such as "complex solution of high") are left out: the
/// captions say what they said.
fn captioned(doc: Doc, caption: impl Fn(usize, &Table) -> String) -> Doc {
    let mut k = 0;
    let mut out = Doc::default();
    for mut b in doc.blocks {
        match &mut b {
            super::table::Block::Table(_, t) => {
                t.caption = Some(caption(k, t));
                k += 1;
            }
            super::table::Block::Line(..) => continue,
            super::table::Block::Blank => {}
        }
        out.blocks.push(b);
    }
    out
}

/// The caption a builder gave (or its title), with the analysis named by what it is about.
fn own_caption(t: &Table, name: &str, about: &str) -> String {
    humanize(t.caption.as_deref().unwrap_or(&t.title), name, about)
}

/// A builder's title made a caption's tail: the analysis' name replaced by what it is about.
fn humanize(title: &str, name: &str, about: &str) -> String {
    let t = title
        .replace(&format!(" of {name} "), &format!(" of {about} "))
        .replace(&format!(" of {name}:"), &format!(" of {about}:"))
        .replace(&format!("{name}: "), "");
    let mut c = t.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => t,
    }
}

/// The ceilings of an analysis as a caption lists them: "CE-FDH and CR-FDH ceilings".
fn ceilings_phrase(run: &NcaRun) -> String {
    let names: Vec<String> = run
        .plan
        .ceilings
        .iter()
        .filter(|c| !c.is_reference_only())
        .map(plot::ceiling_name)
        .collect();
    match names.as_slice() {
        [] => "no ceiling".into(),
        [one] => format!("{one} ceiling"),
        [init @ .., last] => format!("{} and {last} ceilings", init.join(", ")),
    }
}

/// The sections of an NCA analysis: the compact table, bottleneck tables and the rest of its
/// protocol, the scatter plots; the full parameter table in the appendix.
pub(super) fn nca(
    out: &mut Sections,
    results: &Results,
    run: &NcaRun,
    words: &Words,
    several: bool,
) -> Result<(), String> {
    let name = &run.plan.name;
    let outcome = words.label(&run.plan.outcome);
    let phrase = super::words::phrase(&outcome);
    let mut doc = captioned(tables::nca_compact(run), |_, _| {
        format!(
            "Necessary conditions for {phrase} (NCA, {})",
            ceilings_phrase(run)
        )
    });
    if let Some(super::table::Block::Table(_, t)) = doc.blocks.first_mut() {
        t.notes.push(format!(
            "The full NCA parameters of each ceiling are in @table:nca-{name}-full."
        ));
    }
    let bottlenecks = captioned(tables::bottlenecks(run), |k, _| {
        let c = run
            .bottlenecks
            .get(k)
            .map(|b| plot::ceiling_name(&b.ceiling))
            .unwrap_or_default();
        format!("Bottleneck table: the level of each condition necessary for each level of {phrase} ({c} ceiling)")
    });
    doc.extend(bottlenecks);
    let rest = {
        let mut d = tables::bottleneck_cases(run);
        d.extend(tables::outliers(run));
        for r in nca_robustness_of(results, name) {
            d.extend(tables::nca_robustness(r));
        }
        captioned(d, |_, t| own_caption(t, name, &phrase))
    };
    doc.extend(rest);
    words.publish_doc(&mut doc);
    let panels: Vec<plot::Panel> = run
        .analysed()
        .into_iter()
        .map(|(c, r)| plot::Panel {
            axis: words.axis(c),
            result: r,
        })
        .collect();
    let figure = Figure {
        id: format!("nca-{name}"),
        caption: format!(
            "NCA scatter plots of {phrase} against each condition, with the {}",
            ceilings_phrase(run)
        ),
        figure: plot::nca(&outcome, &panels),
        number: None,
    };
    let title = if several {
        format!("Necessary condition analysis: {phrase}")
    } else {
        "Necessary condition analysis".to_string()
    };
    out.push(false, &format!("nca-{name}"), &title, doc, vec![figure]);
    let mut full = tables::nca_results(run);
    for b in full.blocks.iter_mut() {
        if let super::table::Block::Table(_, t) = b {
            t.caption = Some(format!(
                "NCA parameters of each condition and ceiling for {phrase}"
            ));
            t.id = Some(format!("nca-{name}-full"));
        }
    }
    words.publish_doc(&mut full);
    out.push(
        true,
        &format!("appendix-nca-{name}"),
        &format!("Appendix: NCA parameters for {phrase}"),
        full,
        vec![],
    );
    Ok(())
}

/// The sections of an fsQCA analysis: necessity, truth table, configurations (with NEST, the
/// solutions and the XY plot), cases per configuration, robustness.
pub(super) fn fsqca(
    out: &mut Sections,
    results: &Results,
    run: &FsqcaRun,
    words: &Words,
    several: bool,
    case_selection: bool,
) -> Result<(), String> {
    let name = &run.plan.name;
    let about = words.outcome(&run.plan.outcome, run.plan.negated);
    let suffix = if several {
        format!(": {about}")
    } else {
        String::new()
    };
    let mut necessity = captioned(tables::necessity(run), |_, _| {
        format!("Necessity of each condition for {about} (fsQCA)")
    });
    words.publish_doc(&mut necessity);
    out.push(
        false,
        &format!("necessity-{name}"),
        &format!("Necessity of single conditions{suffix}"),
        necessity,
        vec![],
    );
    let mut tt = captioned(tables::truth_table(run), |k, t| {
        if k == 0 {
            format!("Truth table for {about}")
        } else {
            own_caption(t, name, &about)
        }
    });
    words.publish_doc(&mut tt);
    out.push(
        false,
        &format!("truth-table-{name}"),
        &format!("Truth table analysis{suffix}"),
        tt,
        vec![],
    );
    let protocol = Protocol::of(results, name);
    let necessary = results.necessary_for(&run.plan.outcome, run.plan.negated);
    let configurations = run.configurations();
    let mut doc = captioned(
        tables::configurations(run, &necessary, Style::default().publication()),
        |k, _| match configurations.get(k) {
            Some(c) => format!(
                "Configurations for {about} ({} solution{})",
                c.kind,
                if configurations.len() > 1 {
                    format!(", model {}", c.model.name)
                } else {
                    String::new()
                }
            ),
            None => format!("Configurations for {about}"),
        },
    );
    for n in &protocol.nests {
        doc.extend(captioned(
            tables::nest(n, Style::default().publication()),
            |_, _| format!("NCA-extended configuration table (NEST) for {about}"),
        ));
    }
    doc.extend(captioned(tables::solutions(run, None), |_, t| {
        own_caption(t, name, &about)
    }));
    words.publish_doc(&mut doc);
    let figures = fsqca_figure(run, words)?
        .map(|(caption, figure)| Figure {
            id: format!("xy-{name}"),
            caption,
            figure,
            number: None,
        })
        .into_iter()
        .collect();
    out.push(
        false,
        &format!("configurations-{name}"),
        &format!("Configurations{suffix}"),
        doc,
        figures,
    );
    let mut cases = cases_per_configuration(run);
    words.publish_doc(&mut cases);
    out.push(
        false,
        &format!("cases-{name}"),
        &format!("Cases per configuration{suffix}"),
        cases,
        vec![],
    );
    if case_selection {
        let mut doc = captioned(tables::case_selection(run), |_, t| {
            own_caption(t, name, &about)
        });
        words.publish_doc(&mut doc);
        out.push(
            false,
            &format!("case-selection-{name}"),
            &format!("Case selection{suffix}"),
            doc,
            vec![],
        );
    }
    let mut doc = Doc::default();
    for t in &protocol.theories {
        doc.extend(tables::theory(t));
    }
    for r in &protocol.robustness {
        doc.extend(tables::robustness(r));
    }
    for r in &protocol.resamples {
        doc.extend(tables::resample(r));
    }
    for r in &protocol.sensitivities {
        doc.extend(tables::sensitivity(r));
    }
    let mut doc = captioned(doc, |_, t| own_caption(t, name, &about));
    words.publish_doc(&mut doc);
    out.push(
        false,
        &format!("robustness-{name}"),
        &format!("Theory and robustness{suffix}"),
        doc,
        vec![],
    );
    Ok(())
}

/// The report of a study that has run.
pub fn build(
    title: Option<&str>,
    scope: &Scope,
    results: &Results,
    source: &Source,
    style: Style,
) -> Result<Report, String> {
    let words = Words::of(scope);
    let mut out = Sections::default();
    out.push(
        false,
        "variables",
        "Variables and measures",
        variables(scope),
        vec![],
    );
    out.push(
        false,
        "descriptives",
        "Descriptive statistics",
        descriptives(scope),
        vec![],
    );
    out.push(false, "calibration", "Calibration", anchors(scope), vec![]);
    let several_nca = results.nca.len() > 1;
    for run in results.nca.values() {
        nca(&mut out, results, run, &words, several_nca)?;
    }
    for p in &results.power {
        let doc = captioned(tables::power(p), |_, _| {
            "Power of the NCA permutation test".to_string()
        });
        out.push(false, "power", "Power of the NCA test", doc, vec![]);
    }
    let several = results.fsqca.len() > 1;
    for run in results.fsqca.values() {
        fsqca(&mut out, results, run, &words, several, false)?;
    }
    out.push(
        false,
        "run-notes",
        "Notes on the run",
        run_notes(source.warnings),
        vec![],
    );
    let title = title
        .map(str::to_string)
        .unwrap_or_else(|| format!("Study report: {}", source.script));
    let mut r = Report {
        title,
        sections: out.body,
        appendix: out.appendix,
        provenance: provenance(scope, results, source),
        style: style.publication(),
    };
    r.number();
    Ok(r)
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
        "Warnings of the run: what the engine adjusted or found worth a reader's attention",
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
        "Sets of the study: role, framework dimension, data column and label",
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
    let mut t = Table::new(
        "Calibration anchors in data units: full non-membership, crossover and full membership",
        columns,
    );
    let mut percentiles = false;
    for s in &sets {
        let Some(c) = &s.calibration else { continue };
        let mut row = vec![Cell::text(&s.name), Cell::text(c.method)];
        for k in 0..width {
            row.push(match c.anchors.get(k) {
                Some((name, v, pct)) => {
                    percentiles |= pct.is_some();
                    if direct {
                        Cell::Stat(*v)
                    } else {
                        Cell::Text(format!("{name} = {}", super::table::tidy(*v)))
                    }
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
                        let text = format!("{name} = p{}", super::table::tidy(*p));
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
                "Cases covered by each configuration ({} solution {})",
                t.kind, t.model.name
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
                Cell::Text(term.cases_string(&run.result.cases)),
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

/// The XY plot of the reported solution of an fsqca analysis, with its caption (none without
/// a solution).
pub fn fsqca_figure(
    run: &FsqcaRun,
    words: &Words,
) -> Result<Option<(String, figure::Figure)>, String> {
    let Some((kind, model)) = run.reported_model() else {
        return Ok(None);
    };
    let x = solution_membership(
        &run.input.memberships,
        &model
            .terms
            .iter()
            .map(|t| t.implicant.clone())
            .collect::<Vec<_>>(),
    );
    let about = words.outcome(&run.plan.outcome, run.plan.negated);
    let caption = format!(
        "XY plot of the {kind} solution for {about}: {} (consistency {}, coverage {})",
        model.expression,
        super::table::fixed3(model.consistency),
        super::table::fixed3(model.coverage)
    );
    let y_label = if run.plan.negated {
        format!("~{}", words.axis(&run.plan.outcome))
    } else {
        words.axis(&run.plan.outcome)
    };
    let figure = plot::xy(
        &format!("membership in the {kind} solution"),
        &y_label,
        &x,
        &run.input.outcome,
        run.case_selection
            .first()
            .and_then(|m| m.cases.classes.last())
            .map(|c| c.as_slice()),
    );
    Ok(Some((caption, figure)))
}
