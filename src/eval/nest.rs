//! Stage 4, `nest FSQCA with NCA`: the NCA-extended configuration table (Vis & Dul 2018,
//! Dul's NEST) and the consistency checks between the two halves (docs/methods.md §5.1).
//!
//! Guarantees: every required level is the bottleneck-table value of the NCA's deciding
//! ceiling at the chosen outcome level, in membership units (the NCA runs on calibrated
//! memberships); the checks are warnings with codes; both analyses must have run.

use super::results::{NestCondition, NestRun};
use super::Interpreter;
use crate::check::plan::NestPlan;
use crate::diagnostics::{runtime, Diag};
use crate::engine::configurations::CellKind;
use crate::engine::nca::bottleneck::{
    bottleneck_column, BottleneckSpec, BottleneckUnit, OutcomeLevels, Steps,
};

/// The consistency cut of QCA's necessity test ("necessary in kind").
pub const KIND_CUT: f64 = 0.9;

impl Interpreter {
    pub(super) fn run_nest(&mut self, plan: NestPlan) -> Result<NestRun, Diag> {
        let missing = |name: &str| {
            runtime::fsqca_failed(name, "the analysis has no results to join", plan.span)
        };
        let f = self
            .results
            .fsqca
            .get(&plan.fsqca)
            .ok_or_else(|| missing(&plan.fsqca))?;
        let n = self
            .results
            .nca
            .get(&plan.nca)
            .ok_or_else(|| missing(&plan.nca))?;
        let ceiling = n.plan.verdict_ceiling().ok_or_else(|| missing(&plan.nca))?;
        let levels = OutcomeLevels {
            display: vec![plan.level],
            actual: vec![plan.level],
        };
        let spec = BottleneckSpec {
            x: BottleneckUnit::Actual,
            y: BottleneckUnit::Actual,
            steps: Steps::Levels(vec![plan.level]),
            cutoff: 0,
        };
        let necessary = n.necessary_conditions();
        let conditions: Vec<NestCondition> = f
            .plan
            .conditions
            .iter()
            .enumerate()
            .map(|(j, c)| {
                let nca = n
                    .conditions
                    .iter()
                    .find(|(name, _, _)| name == c)
                    .and_then(|(_, r, _)| r.as_ref().ok());
                let column = nca.and_then(|r| bottleneck_column(r, &ceiling, &levels, &spec));
                let cr = nca.and_then(|r| r.ceiling(&ceiling));
                let kind = f
                    .result
                    .necessity
                    .iter()
                    .find(|r| r.condition == j && r.literal == 2)
                    .map_or(f64::NAN, |r| r.consistency);
                NestCondition {
                    condition: c.clone(),
                    in_nca: nca.is_some(),
                    required: column.as_ref().and_then(|c| c.cells.first().cloned()),
                    required_value: column
                        .as_ref()
                        .and_then(|c| c.x_actual.first().copied())
                        .unwrap_or(f64::NAN),
                    precision: column.as_ref().map_or(3, |c| c.precision),
                    effect: cr.map_or(f64::NAN, |c| c.effect_size),
                    p_value: cr.and_then(|c| c.p_value),
                    in_degree: necessary.contains(&c.as_str()),
                    consistency: kind,
                    in_kind: kind >= KIND_CUT,
                }
            })
            .collect();
        let configurations = f.configurations().into_iter().next();
        // checks: the absence of a necessary condition as core; cases of a configuration
        // below a necessary condition's required level; kind vs degree
        let mut warnings = Vec::new();
        let mut absent = Vec::new();
        let mut below = Vec::new();
        if let Some(mc) = &configurations {
            for cfg in &mc.configurations {
                let term = mc.model.terms.get(cfg.term);
                let rows: Vec<usize> = term
                    .map(|t| {
                        t.cases
                            .iter()
                            .flat_map(|g| g.iter())
                            .map(|i| *i as usize)
                            .collect()
                    })
                    .unwrap_or_default();
                let name = |i: &usize| f.input.cases.name(*i).to_string();
                let cases: Vec<String> = rows.iter().map(name).collect();
                for (j, cell) in cfg.cells.iter().enumerate() {
                    let cond = &conditions[j];
                    if !cond.in_degree {
                        continue;
                    }
                    if *cell == CellKind::CoreAbsent {
                        absent.push((cfg.id.clone(), cond.condition.clone(), cases.clone()));
                        warnings.push(runtime::absent_necessary(
                            &cfg.id,
                            &cond.condition,
                            &plan.nca,
                            &cases,
                            plan.span,
                        ));
                    }
                    let t = cond.required_value;
                    if t.is_finite() {
                        let col = &f.input.memberships[j];
                        let low: Vec<String> = rows
                            .iter()
                            .filter(|i| col.get(**i).is_some_and(|v| *v < t))
                            .map(name)
                            .collect();
                        if !low.is_empty() {
                            below.push((cfg.id.clone(), cond.condition.clone(), low.clone()));
                            warnings.push(runtime::below_required(
                                &cfg.id,
                                &cond.condition,
                                t,
                                &low,
                                plan.span,
                            ));
                        }
                    }
                }
            }
        }
        let pick = |degree: bool| -> Vec<String> {
            conditions
                .iter()
                .filter(|c| c.in_nca && c.in_degree == degree && c.in_kind != degree)
                .map(|c| c.condition.clone())
                .collect()
        };
        let (degree_only, kind_only) = (pick(true), pick(false));
        if !degree_only.is_empty() || !kind_only.is_empty() {
            warnings.push(runtime::necessity_disagrees(
                &degree_only,
                &kind_only,
                plan.span,
            ));
        }
        for w in warnings {
            self.warn(w);
        }
        Ok(NestRun {
            ceiling,
            conditions,
            configurations,
            absent,
            below,
            plan,
        })
    }
}
