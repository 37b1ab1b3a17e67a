//! Stage 5, what ran on an analysis: the statements run on an fsqca analysis (robustness,
//! resampling, theories, NEST, sensitivity) and on an nca one (its robustness tables), gathered
//! once for the exports and the study report.
//!
//! Guarantees: in the order they ran; reads results only.

use super::table::Doc;
use super::tables;
use crate::eval::results::{
    NcaRobustnessRun, NcaRun, NestRun, ResampleRun, Results, RobustnessRun, SensitivityRun,
    TheoryRun,
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
/// robustness tables (the CSV and JSON exports' order).
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
