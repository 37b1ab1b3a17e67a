//! Stage 4, running `theory? EXPR for ANALYSIS`: the theory against every model of the
//! analysis' reported solution (intermediate, else parsimonious), on the cases the analysis
//! used (docs/methods.md §4.7).
//!
//! Guarantees: the analysis must have run (its results are reused, nothing is recomputed
//! but the theory's memberships); nothing is rounded.

use super::results::{TheoryModel, TheoryRun};
use super::Interpreter;
use crate::check::plan::TheoryPlan;
use crate::diagnostics::{runtime, Diag};
use crate::engine::fsqca::exclusions::Dnf;
use crate::engine::theory::evaluate;

/// A term's implicant (0 absent, level + 1 present; binary: 1 = ~X, 2 = X) as a product.
fn implicant_dnf(imp: &[u32], multi: &[bool]) -> Dnf {
    vec![imp
        .iter()
        .enumerate()
        .filter(|(_, v)| **v != 0)
        .map(|(c, v)| {
            if multi[c] {
                (c, v - 1, false)
            } else {
                (c, 1, *v == 1)
            }
        })
        .collect()]
}

impl Interpreter {
    pub(super) fn run_theory(&self, plan: TheoryPlan) -> Result<TheoryRun, Diag> {
        let run = self.results.fsqca.get(&plan.analysis).ok_or_else(|| {
            runtime::fsqca_failed(
                &plan.analysis,
                "the analysis has no results to evaluate a theory against",
                plan.span,
            )
        })?;
        let columns = &run.input.memberships;
        let multi: Vec<bool> = columns.iter().map(|c| c.iter().any(|v| *v > 1.0)).collect();
        let (kind, models) = run.reported_models();
        let models = models
            .iter()
            .map(|m| {
                let terms: Vec<Dnf> = m
                    .terms
                    .iter()
                    .map(|t| implicant_dnf(&t.implicant, &multi))
                    .collect();
                TheoryModel {
                    label: match &m.from {
                        Some(f) => format!("{f}-{}", m.name),
                        None => m.name.clone(),
                    },
                    expression: m.expression.clone(),
                    terms: m.terms.iter().map(|t| t.expr.clone()).collect(),
                    evaluation: evaluate(&plan.theory, &terms, columns, &run.input.outcome),
                }
            })
            .collect();
        Ok(TheoryRun {
            conditions: run.plan.conditions.clone(),
            cases: run.input.cases.clone(),
            kind,
            models,
            plan,
        })
    }
}
