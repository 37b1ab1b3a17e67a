//! Stage 5, `export NAME to "file.ext"`: an analysis as JSON, CSV, Markdown, LaTeX (booktabs), a
//! self-contained HTML page, SVG plots or a Word document ([`super::docx`]) — the bytes; the session writes them (atomically,
//! with [`crate::files::write_atomically`]).
//!
//! Guarantees: the tables are those of `show` (the same builders); CSV holds one table at
//! full precision (the truth table of an fsqca analysis, the NCA results of an nca one); the
//! same results give the same bytes.

use super::table::{self, Doc, Style};
use super::{json, plot, tables};
use crate::check::plan::Format;
use crate::engine::sets::solution_membership;
use crate::eval::results::{
    FsqcaRun, NcaRobustnessRun, NcaRun, NestRun, ResampleRun, Results, RobustnessRun,
    SensitivityRun, TheoryRun,
};

/// What else ran on an fsqca analysis: its robustness sweeps, resamplings, theories, NEST
/// tables and sensitivity ranges.
pub(super) struct Protocol<'a> {
    pub robustness: Vec<&'a RobustnessRun>,
    pub resamples: Vec<&'a ResampleRun>,
    pub theories: Vec<&'a TheoryRun>,
    pub nests: Vec<&'a NestRun>,
    pub sensitivities: Vec<&'a SensitivityRun>,
}

impl<'a> Protocol<'a> {
    /// The statements run on the fsqca analysis `name`, in the order they ran.
    pub fn of(results: &'a Results, name: &str) -> Self {
        Protocol {
            sensitivities: results
                .sensitivities
                .iter()
                .filter(|r| r.plan.of.name == name)
                .collect(),
            nests: results
                .nests
                .iter()
                .filter(|r| r.plan.fsqca == name)
                .collect(),
            robustness: results
                .robustness
                .iter()
                .filter(|r| r.plan.of.name == name)
                .collect(),
            resamples: results
                .resamples
                .iter()
                .filter(|r| r.plan.of.name == name)
                .collect(),
            theories: results
                .theories
                .iter()
                .filter(|r| r.plan.analysis == name)
                .collect(),
        }
    }
}

/// The robustness tables run on the nca analysis `name`.
pub(super) fn nca_robustness_of<'a>(results: &'a Results, name: &str) -> Vec<&'a NcaRobustnessRun> {
    results
        .nca_robustness
        .iter()
        .filter(|r| r.plan.of.name == name)
        .collect()
}

/// The tables of an nca analysis: results, bottlenecks, bottleneck cases, outliers and its
/// robustness tables.
pub(super) fn nca_doc(run: &NcaRun, robustness: &[&NcaRobustnessRun]) -> Doc {
    let mut doc = tables::nca_results(run);
    doc.extend(tables::bottlenecks(run));
    doc.extend(tables::bottleneck_cases(run));
    doc.extend(tables::outliers(run));
    for r in robustness {
        doc.extend(tables::nca_robustness(r));
    }
    doc
}

/// The bytes of an export of the analysis `name`, or why it could not be drawn.
pub fn export(results: &Results, name: &str, format: Format) -> Result<Vec<u8>, String> {
    if let Some(run) = results.fsqca.get(name) {
        let necessary = results.necessary_for(&run.plan.outcome, run.plan.negated);
        let protocol = Protocol::of(results, name);
        fsqca(run, &necessary, &protocol, format)
    } else if let Some(run) = results.nca.get(name) {
        nca(run, &nca_robustness_of(results, name), format)
    } else {
        Err(format!("no results of `{name}`"))
    }
}

/// The line the run prints after an export.
pub fn exported(name: &str, path: &str) -> String {
    format!("exported {name} to {path}\n")
}

fn write(
    doc: &Doc,
    csv: &table::Table,
    json: serde_json::Value,
    format: Format,
    title: &str,
    svgs: impl Fn() -> Result<Vec<String>, String>,
) -> Result<Vec<u8>, String> {
    Ok(match format {
        Format::Json => serde_json::to_string_pretty(&json).unwrap_or_default() + "\n",
        Format::Csv => table::csv(csv),
        Format::Markdown => table::markdown(title, doc),
        Format::Latex => table::latex(title, doc),
        Format::Html => table::html(title, doc, &svgs()?),
        Format::Svg => svgs()?.into_iter().next().unwrap_or_default(),
        Format::Docx => return docx(doc, title, svgs()?),
    }
    .into_bytes())
}

/// An analysis as a Word document: its tables and plots as one section.
fn docx(doc: &Doc, title: &str, svgs: Vec<String>) -> Result<Vec<u8>, String> {
    let report = super::model::Report {
        title: title.to_string(),
        provenance: vec![("toe".into(), env!("CARGO_PKG_VERSION").into())],
        sections: vec![super::model::Section {
            id: "analysis".into(),
            title: title.to_string(),
            doc: doc.clone(),
            figures: svgs
                .into_iter()
                .map(|svg| super::model::Figure {
                    caption: format!("{title}: plot"),
                    svg,
                })
                .collect(),
        }],
    };
    super::docx::document(&report)
}

fn nca(run: &NcaRun, robustness: &[&NcaRobustnessRun], format: Format) -> Result<Vec<u8>, String> {
    let doc = nca_doc(run, robustness);
    let csv = doc
        .tables()
        .next()
        .cloned()
        .unwrap_or_else(|| table::Table::new("", vec![]));
    let title = format!("NCA {}", run.plan.name);
    write(&doc, &csv, json::nca(run), format, &title, || {
        Ok(vec![nca_figure(run)?])
    })
}

/// The scatter plots of an nca analysis (one panel per condition).
pub fn nca_figure(run: &NcaRun) -> Result<String, String> {
    let panels: Vec<(String, &crate::engine::nca::NcaResult)> = run
        .analysed()
        .into_iter()
        .map(|(c, r)| (c.to_string(), r))
        .collect();
    plot::nca_svg(
        &format!("NCA {}", run.plan.name),
        &run.plan.outcome,
        &panels,
    )
}

fn fsqca(
    run: &FsqcaRun,
    necessary: &[String],
    protocol: &Protocol,
    format: Format,
) -> Result<Vec<u8>, String> {
    // Readers of a report want the configurations first.
    let mut doc = tables::configurations(run, necessary, Style::default());
    for n in &protocol.nests {
        doc.extend(tables::nest(n, Style::default()));
    }
    let tt = tables::truth_table(run);
    let csv = tt
        .tables()
        .next()
        .cloned()
        .unwrap_or_else(|| table::Table::new("", vec![]));
    doc.extend(tt);
    doc.extend(tables::solutions(run, None));
    doc.extend(tables::case_selection(run));
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
    // the statements run on the analysis, when there are any (else the analysis' JSON as is)
    let mut j = json::fsqca(run);
    if let Some(o) = j.as_object_mut() {
        let extras: [(&str, Vec<serde_json::Value>); 5] = [
            (
                "sensitivity",
                protocol
                    .sensitivities
                    .iter()
                    .map(|r| json::sensitivity(r))
                    .collect(),
            ),
            (
                "theories",
                protocol.theories.iter().map(|t| json::theory(t)).collect(),
            ),
            (
                "robustness",
                protocol
                    .robustness
                    .iter()
                    .map(|r| json::robustness(r))
                    .collect(),
            ),
            (
                "resample",
                protocol
                    .resamples
                    .iter()
                    .map(|r| json::resample(r))
                    .collect(),
            ),
            (
                "nests",
                protocol.nests.iter().map(|r| json::nest(r)).collect(),
            ),
        ];
        for (k, v) in extras {
            if !v.is_empty() {
                o.insert(k.into(), v.into());
            }
        }
    }
    let title = format!("fsQCA {}", run.plan.name);
    write(&doc, &csv, j, format, &title, || {
        Ok(fsqca_figure(run)?.into_iter().collect())
    })
}

/// The XY plot of the reported solution of an fsqca analysis (none without a solution).
pub fn fsqca_figure(run: &FsqcaRun) -> Result<Option<String>, String> {
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
    let caption = format!(
        "{} solution: consistency {}, coverage {}",
        kind,
        table::fixed3(model.consistency),
        table::fixed3(model.coverage)
    );
    let y_label = format!(
        "{}{}",
        if run.plan.negated { "~" } else { "" },
        run.plan.outcome
    );
    Ok(Some(plot::xy_svg(
        &format!("{}: {}", run.plan.name, model.expression),
        &model.expression,
        &y_label,
        &x,
        &run.input.outcome,
        &caption,
        run.case_selection
            .first()
            .and_then(|m| m.cases.classes.last())
            .map(|c| c.as_slice()),
    )?))
}
