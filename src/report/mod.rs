//! Stage 5, the report: typed results → documents of tables ([`table`]) → text for the
//! terminal, CSV and the JSON document; publications ([`model`], built by [`study`] for the
//! study report and every export) → HTML, LaTeX, Markdown and Word, with figures
//! ([`figure`], [`plot`]) as SVG, TikZ and PNG.
//!
//! Guarantees: numbers are rounded only here, when rendered, by one rule per quantity
//! ([`table::shown`]; full precision in CSV and JSON); every table has one builder
//! ([`tables`]); the report reads the results module of the interpreter and nothing else of
//! it. Output is deterministic: the same results give the same bytes.

pub mod docx;
pub mod escape;
pub mod export;
pub mod figure;
pub mod gather;
pub mod html;
pub mod json;
pub mod latex;
pub mod layout;
pub mod markdown;
pub mod model;
pub mod plot;
pub mod progress;
pub mod raster;
pub mod show;
pub mod study;
pub mod table;
pub mod tables;
pub mod words;

pub use table::{fixed3, Style};

use crate::eval::results::{Outcome, Results};

/// The document of what a statement gave (nothing for a declaration; an export's document is
/// written to its file instead, see [`export`]).
pub fn outcome(
    scope: &crate::check::Scope,
    results: &Results,
    o: &Outcome,
    style: Style,
) -> table::Doc {
    match o {
        Outcome::Nothing | Outcome::Export(_) => table::Doc::default(),
        Outcome::Nca(name) => results
            .nca
            .get(name)
            .map(tables::nca_summary)
            .unwrap_or_default(),
        Outcome::Fsqca(name) => results
            .fsqca
            .get(name)
            .map(tables::fsqca_summary)
            .unwrap_or_default(),
        Outcome::Query(i) => results
            .queries
            .get(*i)
            .map(tables::query)
            .unwrap_or_default(),
        Outcome::Sensitivity(i) => results
            .sensitivities
            .get(*i)
            .map(tables::sensitivity)
            .unwrap_or_default(),
        Outcome::Nest(i) => results
            .nests
            .get(*i)
            .map(|n| tables::nest(n, style))
            .unwrap_or_default(),
        Outcome::Theory(i) => results
            .theories
            .get(*i)
            .map(tables::theory)
            .unwrap_or_default(),
        Outcome::Resample(i) => results
            .resamples
            .get(*i)
            .map(tables::resample)
            .unwrap_or_default(),
        Outcome::Search(i) => results
            .searches
            .get(*i)
            .map(tables::necessity_search)
            .unwrap_or_default(),
        Outcome::Power(i) => results.power.get(*i).map(tables::power).unwrap_or_default(),
        Outcome::NcaRobustness(i) => results
            .nca_robustness
            .get(*i)
            .map(tables::nca_robustness)
            .unwrap_or_default(),
        Outcome::Robustness(i) => results
            .robustness
            .get(*i)
            .map(tables::robustness)
            .unwrap_or_default(),
        Outcome::Show(s) => show::show(scope, results, s, style),
    }
}
