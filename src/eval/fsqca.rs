//! Stage 4, running an `fsqca` block: memberships from the scope (listwise deletion,
//! reported), the engine's truth table and solutions, and the panel diagnostics of the
//! reported model when `cluster = COL` asks for them.
//!
//! Guarantees: cases missing in any set of the analysis are dropped and named; a negated
//! outcome is analysed as 1 − Y; the results are kept unrounded and typed.

use super::results::{
    ClusterRow, Clusters, FsqcaRun, ModelCases, ModelClusters, CASE_SELECTION_MODELS,
};
use super::Interpreter;
use crate::check::plan::FsqcaPlan;
use crate::diagnostics::{runtime, Diag};
use crate::engine::clusters::{cluster_fit, Relation};
use crate::engine::data::{CaseIds, Column};
use crate::engine::fsqca::exclusions::{self, Excluded, Rule};
use crate::engine::fsqca::{self, Expectation, FsqcaInput, FsqcaOptions, Model};
use crate::engine::sets::solution_membership;

impl Interpreter {
    /// The memberships an fsQCA plan analyses: its conditions and its outcome (negated if
    /// need be), over every case of the data.
    /// The sets' own columns are shared, not copied.
    pub(super) fn fsqca_columns(&self, p: &FsqcaPlan) -> (Vec<Column>, Column) {
        let columns = p.conditions.iter().map(|c| self.membership(c)).collect();
        let mut y = self.membership(&p.outcome);
        if p.negated {
            y = y.iter().map(|v| 1.0 - v).collect();
        }
        (columns, y)
    }

    /// The plan with `exclude lacking necessary of NCA` filled: remainders lacking any
    /// condition of this analysis that the nca analysis found necessary.
    pub(super) fn resolve_exclusions(&self, p: &FsqcaPlan) -> FsqcaPlan {
        let mut p = p.clone();
        for x in p.exclude.iter_mut() {
            let Some(name) = &x.from_nca else { continue };
            let necessary: Vec<String> = self
                .results
                .nca
                .get(name)
                .map(|r| {
                    r.necessary_conditions()
                        .into_iter()
                        .map(String::from)
                        .collect()
                })
                .unwrap_or_default();
            let term: Vec<exclusions::Literal> = necessary
                .iter()
                .filter_map(|c| p.conditions.iter().position(|k| k == c))
                .map(|j| (j, 1, false))
                .collect();
            let names: Vec<&str> = term.iter().map(|l| p.conditions[l.0].as_str()).collect();
            x.text = format!(
                "lacking necessary of {name} ({})",
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join("*")
                }
            );
            x.rule = Rule::Lacking(vec![term]);
        }
        p
    }

    pub(super) fn run_fsqca(&mut self, p: &FsqcaPlan) -> Result<FsqcaRun, Diag> {
        let p = &self.resolve_exclusions(p);
        let ids = self.case_ids();
        let (columns, y) = self.fsqca_columns(p);
        let (input, dropped) = complete_input(p, ids, columns, y);
        if !dropped.is_empty() {
            self.warn(runtime::missing_values(&p.name, &dropped, p.span));
        }
        if input.cases.is_empty() {
            return Err(runtime::no_usable_cases(&p.name, p.span));
        }
        let (result, excluded, contradicted) =
            analyse_excluding(&input, p).map_err(|e| runtime::fsqca_failed(&p.name, &e, p.span))?;
        for (k, row) in contradicted {
            if let Some(x) = p.exclude.get(k) {
                self.warn(runtime::necessity_contradicted(
                    &p.name, &x.text, row, x.span,
                ));
            }
        }
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
        if result.intermediate.len() < result.intermediate_pairs {
            self.warn(runtime::intermediate_pairs_not_solved(
                &p.name,
                result.intermediate.len(),
                result.intermediate_pairs,
                fsqca::INTERMEDIATE_MODELS_LIMIT,
                p.span,
            ));
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
            excluded,
            case_selection: Vec::new(),
        };
        if let (Some((col, span)), Some(data)) = (&p.cluster, &self.scope.data) {
            let t = &data.table;
            let labels_of = |c: &str, sp| -> Result<Vec<String>, Diag> {
                let j = t
                    .column_index(c)
                    .ok_or_else(|| runtime::no_cluster_column(c, &data.path, sp))?;
                let all = t.labels(j);
                // the analysed cases are the table's complete ones, in its order: one walk
                let mut at = 0;
                Ok(run
                    .input
                    .cases
                    .iter()
                    .filter_map(|id| {
                        let i = (at..t.ids.len()).find(|&i| t.ids.name(i) == id)?;
                        at = i + 1;
                        all.get(i).cloned()
                    })
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
    ids: CaseIds,
    columns: Vec<Column>,
    y: Column,
) -> (FsqcaInput, Vec<String>) {
    let complete = |i: usize| !y[i].is_nan() && columns.iter().all(|c| !c[i].is_nan());
    if (0..y.len()).all(complete) {
        // every case complete (the usual case): the columns are shared, not copied
        let input = FsqcaInput {
            conditions: p.conditions.clone(),
            memberships: columns,
            outcome_name: p.outcome.clone(),
            outcome: y,
            cases: ids,
        };
        return (input, Vec::new());
    }
    let keep: Vec<usize> = (0..y.len()).filter(|&i| complete(i)).collect();
    let dropped: Vec<String> = (0..y.len())
        .filter(|i| keep.binary_search(i).is_err())
        .map(|i| ids.name(i).to_string())
        .collect();
    let input = FsqcaInput {
        conditions: p.conditions.clone(),
        memberships: columns
            .iter()
            .map(|c| keep.iter().map(|&i| c[i]).collect())
            .collect(),
        outcome_name: p.outcome.clone(),
        outcome: keep.iter().map(|&i| y[i]).collect(),
        cases: ids.select(keep.iter().copied()),
    };
    (input, dropped)
}

/// What [`analyse_excluding`] returns: the result, the excluded remainders, and the
/// observed positive rows lacking an expression claimed necessary (rule index, row).
pub type Excluding = (fsqca::FsqcaResult, Vec<Excluded>, Vec<(usize, u128)>);

/// An analysis with the plan's exclusions (ESA, docs/methods.md §4.6): the contradictory
/// simplifying assumptions come from the plain analysis; the excluded remainders are
/// negative rows of the final one. Returns the result, the excluded remainders, and the
/// observed positive rows that lack an expression claimed necessary (rule index, row).
pub fn analyse_excluding(input: &FsqcaInput, p: &FsqcaPlan) -> Result<Excluding, String> {
    let mut opts = fsqca_options(p);
    let plain = fsqca::analyse(input, &opts).map_err(|e| e.to_string())?;
    if p.exclude.is_empty() {
        return Ok((plain, Vec::new(), Vec::new()));
    }
    let mut rules: Vec<Rule> = Vec::new();
    for x in &p.exclude {
        rules.push(match &x.rule {
            Rule::Rows(_) => Rule::Rows(
                plain
                    .contradictory_simplifying_assumptions
                    .as_ref()
                    .ok_or_else(|| {
                        plain
                            .contradictory_simplifying_assumptions_note
                            .clone()
                            .unwrap_or_else(|| {
                                "contradictory simplifying assumptions not computed".into()
                            })
                    })?
                    .iter()
                    .map(|r| r.config.clone())
                    .collect(),
            ),
            other => other.clone(),
        });
    }
    let tt = &plain.truth_table;
    let observed: Vec<Vec<u32>> = tt
        .rows
        .iter()
        .filter(|r| r.out != fsqca::Out::Remainder)
        .map(|r| r.config.clone())
        .collect();
    let excluded = exclusions::excluded(&tt.levels, &observed, &rules).ok_or_else(|| {
        format!(
            "exclusions by expression scan every configuration, at most {} (here more)",
            exclusions::SCAN_LIMIT
        )
    })?;
    let contradicted: Vec<(usize, u128)> = rules
        .iter()
        .enumerate()
        .flat_map(|(k, r)| {
            tt.rows
                .iter()
                .filter(move |row| {
                    row.out == fsqca::Out::One
                        && matches!(r, Rule::Lacking(d) if !exclusions::satisfies(d, &row.config))
                })
                .map(move |row| (k, row.row))
        })
        .collect();
    opts.exclude = excluded.iter().map(|e| e.row.config.clone()).collect();
    let result = fsqca::analyse(input, &opts).map_err(|e| e.to_string())?;
    Ok((result, excluded, contradicted))
}

impl Interpreter {
    /// Computes the case selection of an fsqca analysis the first time a statement needs it
    /// (`show case_selection`, an export): its pair tables grow with the square of the cases,
    /// so an analysis that does not ask for them does not pay for them.
    pub(crate) fn ensure_case_selection(&mut self, name: &str) {
        if let Some(run) = self.results.fsqca.get_mut(name) {
            if run.case_selection.is_empty() {
                run.case_selection = case_selection(run);
            }
        }
    }
}

/// Case selection for the first [`CASE_SELECTION_MODELS`] reported models (typical and
/// deviant cases, comparison pairs; docs/methods.md §4.8).
fn case_selection(run: &FsqcaRun) -> Vec<ModelCases> {
    let (_, models) = run.reported_models();
    models
        .iter()
        .take(CASE_SELECTION_MODELS)
        .map(|m| {
            let terms: Vec<Vec<f64>> = m
                .terms
                .iter()
                .map(|t| {
                    solution_membership(&run.input.memberships, std::slice::from_ref(&t.implicant))
                })
                .collect();
            let names: Vec<String> = m.terms.iter().map(|t| t.expr.clone()).collect();
            ModelCases {
                label: match &m.from {
                    Some(f) => format!("{f}-{}", m.name),
                    None => m.name.clone(),
                },
                cases: {
                    let cs = crate::engine::case_selection::case_selection(
                        &terms,
                        &names,
                        &run.input.memberships,
                        &run.input.outcome,
                        &run.input.cases,
                        5,
                    );
                    // each term's literals (binary: 1 = ~X, 2 = X; multi-value: X[l])
                    let literals: Vec<Vec<(String, Vec<f64>)>> = m
                        .terms
                        .iter()
                        .map(|t| {
                            t.implicant
                                .iter()
                                .enumerate()
                                .filter(|(_, v)| **v != 0)
                                .map(|(j, v)| {
                                    let x = &run.input.memberships[j];
                                    let name = &run.plan.conditions[j];
                                    let multi = x.iter().any(|a| *a > 1.0);
                                    if multi {
                                        (
                                            format!("{name}[{}]", v - 1),
                                            x.iter()
                                                .map(|a| {
                                                    f64::from(u8::from(*a == f64::from(v - 1)))
                                                })
                                                .collect(),
                                        )
                                    } else if *v == 1 {
                                        (format!("~{name}"), x.iter().map(|a| 1.0 - a).collect())
                                    } else {
                                        (name.clone(), x.to_vec())
                                    }
                                })
                                .collect()
                        })
                        .collect();
                    crate::engine::case_selection::with_focal_conjuncts(
                        cs,
                        &terms,
                        &literals,
                        &run.input.outcome,
                        5,
                    )
                },
                terms: names,
            }
        })
        .collect()
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
        exclude: Vec::new(),
        ..FsqcaOptions::default()
    }
}
