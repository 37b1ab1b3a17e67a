//! Stage 4, running an `fsqca` block: memberships from the scope (listwise deletion,
//! reported), the engine's truth table and solutions, and the panel diagnostics of the
//! reported model when `cluster = COL` asks for them.
//!
//! Guarantees: cases missing in any set of the analysis are dropped and named; a negated
//! outcome is analysed as 1 − Y; the results are kept unrounded and typed.

use super::results::{ClusterRow, Clusters, FsqcaRun, ModelClusters};
use super::Interpreter;
use crate::check::plan::FsqcaPlan;
use crate::diagnostics::{runtime, Diag};
use crate::engine::clusters::{cluster_fit, Relation};
use crate::engine::fsqca::{self, Expectation, FsqcaInput, FsqcaOptions, Model};
use crate::engine::sets::solution_membership;

impl Interpreter {
    /// The memberships an fsQCA plan analyses: its conditions and its outcome (negated if
    /// need be), over every case of the data.
    pub(super) fn fsqca_columns(&self, p: &FsqcaPlan) -> (Vec<Vec<f64>>, Vec<f64>) {
        let columns = p.conditions.iter().map(|c| self.membership(c)).collect();
        let mut y = self.membership(&p.outcome);
        if p.negated {
            y = y.iter().map(|v| 1.0 - v).collect();
        }
        (columns, y)
    }

    pub(super) fn run_fsqca(&mut self, p: &FsqcaPlan) -> Result<FsqcaRun, Diag> {
        let ids = self.case_ids();
        let (columns, y) = self.fsqca_columns(p);
        let (input, dropped) = complete_input(p, &ids, &columns, &y);
        if !dropped.is_empty() {
            self.warn(runtime::missing_values(&p.name, &dropped, p.span));
        }
        let opts = fsqca_options(p);
        let result = fsqca::analyse(&input, &opts)
            .map_err(|e| runtime::fsqca_failed(&p.name, &e.to_string(), p.span))?;
        if p.expect.is_some() && !result.sa_computed {
            self.warn(runtime::no_intermediate(&p.name, p.span));
        }
        if !result.simplifying_assumptions_listed {
            self.warn(runtime::assumptions_not_listed(&p.name, p.span));
        }
        let solutions = [
            ("complex", &result.complex),
            ("parsimonious", &result.parsimonious),
        ]
        .into_iter()
        .chain(
            result
                .intermediate
                .iter()
                .map(|i| ("intermediate", &i.solution)),
        );
        for (kind, sol) in solutions {
            if !sol.models_total_exact || sol.models.len() as u128 != sol.models_total {
                self.warn(runtime::models_not_listed(
                    &p.name,
                    kind,
                    sol.models.len(),
                    sol.models_total,
                    sol.models_total_exact,
                    p.span,
                ));
            }
        }
        if let Some(note) = &result.contradictory_simplifying_assumptions_note {
            self.warn(runtime::csa_not_computed(&p.name, note, p.span));
        }
        let mut run = FsqcaRun {
            plan: p.clone(),
            result,
            dropped,
            input,
            clusters: None,
        };
        if let (Some((col, span)), Some(data)) = (&p.cluster, &self.scope.data) {
            let t = &data.table;
            let labels_of = |c: &str, sp| -> Result<Vec<String>, Diag> {
                let j = t
                    .column_index(c)
                    .ok_or_else(|| runtime::no_cluster_column(c, &data.path, sp))?;
                let all = t.labels(j);
                Ok(run
                    .input
                    .cases
                    .iter()
                    .filter_map(|id| t.ids.iter().position(|x| x == id))
                    .map(|i| all[i].clone())
                    .collect())
            };
            let clusters = labels_of(col, *span)?;
            let units = match &p.unit {
                Some((u, sp)) => Some((u.clone(), labels_of(u, *sp)?)),
                None => None,
            };
            run.clusters = cluster_figures(
                &run,
                (col, &clusters),
                units.as_ref().map(|(u, l)| (u.as_str(), l.as_slice())),
            );
        }
        Ok(run)
    }
}

/// Cluster diagnostics of every model of the reported solution: each term and the whole
/// model. `cluster` and `unit` hold the labels of the analysed (complete) cases.
fn cluster_figures(
    run: &FsqcaRun,
    cluster: (&str, &[String]),
    unit: Option<(&str, &[String])>,
) -> Option<Clusters> {
    let (kind, reported) = run.reported_models();
    if reported.is_empty() {
        return None;
    }
    let models: Vec<(String, Model)> = reported
        .into_iter()
        .map(|m| {
            let label = match &m.from {
                Some(from) => format!("{from}-{}", m.name),
                None => m.name.clone(),
            };
            (label, m)
        })
        .collect();
    let y = &run.input.outcome;
    let figures = |imps: &[Vec<u32>]| {
        let x = solution_membership(&run.input.memberships, imps);
        cluster_fit(&x, y, cluster.1, unit.map(|u| u.1), Relation::Sufficiency)
    };
    let models = models
        .into_iter()
        .map(|(label, model)| {
            let mut rows: Vec<ClusterRow> = model
                .terms
                .iter()
                .map(|t| ClusterRow {
                    expr: t.expr.clone(),
                    fit: figures(std::slice::from_ref(&t.implicant)),
                })
                .collect();
            if model.terms.len() > 1 {
                let imps: Vec<Vec<u32>> = model.terms.iter().map(|t| t.implicant.clone()).collect();
                rows.push(ClusterRow {
                    expr: model.expression.clone(),
                    fit: figures(&imps),
                });
            }
            ModelClusters { label, rows }
        })
        .collect();
    Some(Clusters {
        cluster: cluster.0.to_string(),
        unit: unit.map(|u| u.0.to_string()),
        kind,
        models,
    })
}

/// The engine's input: the cases complete in every set of the analysis (listwise deletion),
/// and the ids of the dropped ones. `y` is the outcome as analysed (negated if need be).
pub fn complete_input(
    p: &FsqcaPlan,
    ids: &[String],
    columns: &[Vec<f64>],
    y: &[f64],
) -> (FsqcaInput, Vec<String>) {
    let keep: Vec<usize> = (0..y.len())
        .filter(|&i| !y[i].is_nan() && columns.iter().all(|c| !c[i].is_nan()))
        .collect();
    let dropped: Vec<String> = (0..y.len())
        .filter(|i| keep.binary_search(i).is_err())
        .map(|i| ids[i].clone())
        .collect();
    let input = FsqcaInput {
        conditions: p.conditions.clone(),
        memberships: columns
            .iter()
            .map(|c| keep.iter().map(|&i| c[i]).collect())
            .collect(),
        outcome_name: p.outcome.clone(),
        outcome: keep.iter().map(|&i| y[i]).collect(),
        cases: keep.iter().map(|&i| ids[i].clone()).collect(),
    };
    (input, dropped)
}

/// The engine's options from a checked plan.
pub fn fsqca_options(p: &FsqcaPlan) -> FsqcaOptions {
    let expectations = p.expect.as_ref().map(|list| {
        p.conditions
            .iter()
            .map(|c| {
                list.iter()
                    .find(|e| &e.condition == c)
                    .map(|e| e.value.clone())
                    .unwrap_or(Expectation::None)
            })
            .collect()
    });
    FsqcaOptions {
        incl_cut: p.consistency,
        incl_cut0: p.contradictions,
        n_cut: p.cases.ceil().max(0.0) as usize,
        pri_cut: p.pri,
        expectations,
        all_sol: false,
        csa: true,
    }
}
