//! Stage 4, `robustness of NCA { vary … }`: Dul's robustness table — the baseline and one
//! variant per changed setting, each a full NCA of every condition with its permutation
//! test, run in parallel.
//!
//! Guarantees: every variant is kept in the plan's order, with its reason when it did not
//! run (e.g. fewer than 3 cases left); each condition's test uses the analysis' seed, so a
//! variant's p-values are those of running it alone in R after `set.seed(seed)`.

use super::results::{NcaRobustnessRun, Task};
use super::Interpreter;
use crate::check::plan::{NcaRobustnessPlan, NcaSetting, NcaTarget};
use crate::diagnostics::runtime;
use crate::engine::nca::robustness::{run_variant, Target, Variant};
use rayon::prelude::*;

impl Interpreter {
    pub(super) fn run_nca_robustness(&mut self, plan: NcaRobustnessPlan) -> NcaRobustnessRun {
        let p = &plan.of;
        let seed = p
            .seed
            .unwrap_or_else(crate::engine::nca::permutation::fresh_seed);
        let y = self.values_of(&p.outcome, p.calibrated);
        let xs: Vec<Vec<f64>> = p
            .conditions
            .iter()
            .map(|c| self.values_of(c, p.calibrated))
            .collect();
        let cols: Vec<&[f64]> = xs.iter().map(|x| x.as_slice()).collect();
        let settings: Vec<&NcaSetting> = std::iter::once(&plan.baseline)
            .chain(plan.variants.iter().map(|(_, s)| s))
            .collect();
        self.progress
            .start(&Task::Variants(format!("{} (nca)", p.name), settings.len()));
        let progress = &self.progress;
        let runs: Vec<_> = settings
            .par_iter()
            .map(|s| {
                let v = Variant {
                    ceiling: s.ceiling,
                    scope: s.scope,
                    d_threshold: s.d_min,
                    p_threshold: s.p_max,
                    outliers: s.outliers,
                    target: match s.target {
                        NcaTarget::Percentile(q) => Target::Percentile(q),
                        NcaTarget::Value(v) => Target::Value(v),
                    },
                    corner: p.corner.of(0),
                    permutations: p.permutations,
                    seed,
                };
                let r = run_variant(&cols, &y, &v).map_err(|e| match e {
                    crate::engine::nca::NcaError::NoCases => "fewer than 3 cases left".to_string(),
                    e => e.to_string(),
                });
                progress.step();
                r
            })
            .collect();
        self.progress.finish();
        for (label, r) in plan.labels().zip(&runs) {
            if let Err(why) = r {
                self.warn(runtime::variant_not_run(&p.name, &label, why, plan.span));
            }
        }
        NcaRobustnessRun {
            conditions: p.conditions.clone(),
            seed,
            runs,
            ids: self.case_ids(),
            plan,
        }
    }
}
