//! Stage 5, `export NAME to "file.ext"`: an analysis as JSON, CSV, its SVG plot, or a
//! publication — the study report's sections of that analysis as Markdown, LaTeX, an HTML
//! page or a Word document, by the same page renderers — the bytes; the session stages and
//! writes them ([`crate::files::Outputs`]).
//!
//! Guarantees: the tables are those of `show` (the same builders); CSV holds one table at
//! full precision (the truth table of an fsqca analysis, the NCA results of an nca one); the
//! same results give the same bytes.

use super::gather::{nca_doc, nca_robustness_of, Protocol};
use super::model::Report;
use super::study::{self, Sections};
use super::table::{self, Style};
use super::words::Words;
use super::{json, plot, tables};
use crate::check::plan::Format;
use crate::check::Scope;
use crate::eval::results::{FsqcaRun, Results};

/// The bytes of an export of the analysis `name`, or why it could not be drawn. Markdown,
/// LaTeX, HTML and Word exports are the study report's sections of this one analysis,
/// rendered by the same page renderers.
pub fn export(
    scope: &Scope,
    results: &Results,
    name: &str,
    format: Format,
    style: Style,
) -> Result<Vec<u8>, String> {
    let words = Words::of(scope);
    let (title, csv, json, figure) = if let Some(run) = results.fsqca.get(name) {
        let protocol = Protocol::of(results, name);
        let tt = tables::truth_table(run);
        let csv = tt.tables().next().cloned();
        (
            format!("fsQCA {name}"),
            csv,
            fsqca_json(run, &protocol),
            study::fsqca_figure(run, &words)?.map(|(_, f)| f),
        )
    } else if let Some(run) = results.nca.get(name) {
        let csv = nca_doc(run, &nca_robustness_of(results, name))
            .tables()
            .next()
            .cloned();
        let panels: Vec<plot::Panel> = run
            .analysed()
            .into_iter()
            .map(|(c, r)| plot::Panel {
                axis: words.axis(c),
                result: r,
            })
            .collect();
        (
            format!("NCA {name}"),
            csv,
            json::nca(run),
            Some(plot::nca(&words.label(&run.plan.outcome), &panels)),
        )
    } else {
        return Err(format!("no results of `{name}`"));
    };
    let publication = || -> Result<Report, String> {
        let mut out = Sections::default();
        if let Some(run) = results.fsqca.get(name) {
            study::fsqca(&mut out, results, run, &words, false, true)?;
        } else if let Some(run) = results.nca.get(name) {
            study::nca(&mut out, results, run, &words, false)?;
        }
        let mut r = Report {
            title: title.clone(),
            sections: out.body,
            appendix: out.appendix,
            provenance: vec![("toe".into(), env!("CARGO_PKG_VERSION").into())],
            style: style.publication(),
        };
        r.number();
        Ok(r)
    };
    Ok(match format {
        Format::Json => {
            (serde_json::to_string_pretty(&json).unwrap_or_default() + "\n").into_bytes()
        }
        Format::Csv => csv.map(|t| table::csv(&t)).unwrap_or_default().into_bytes(),
        Format::Markdown => super::markdown::document(&publication()?).into_bytes(),
        Format::Latex => super::latex::document(&publication()?).into_bytes(),
        Format::Html => super::html::document(&publication()?).into_bytes(),
        Format::Svg => figure.map(|f| f.svg()).unwrap_or_default().into_bytes(),
        Format::Docx => super::docx::document(&publication()?)?,
    })
}

/// The line the run prints after an export.
pub fn exported(name: &str, path: &str) -> String {
    format!("exported {name} to {path}\n")
}

/// The JSON export of an fsqca analysis: its results and the statements run on it.
fn fsqca_json(run: &FsqcaRun, protocol: &Protocol) -> serde_json::Value {
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
    j
}
