//! Stage 4, running analyses: a checked `nca` or `fsqca` plan is recorded in the session and
//! handed to the engine.
//!
//! Guarantees: an analysis is recorded only when its plan checked; in `toe check` nothing runs.

use super::Session;
use crate::check::plan::AnalysisPlan;
use crate::diagnostics::{codes, Diag};

impl Session {
    pub(super) fn run_analysis(&mut self, plan: AnalysisPlan) -> Result<String, Diag> {
        let span = match &plan {
            AnalysisPlan::Nca(p) => p.span,
            AnalysisPlan::Fsqca(p) => p.span,
        };
        if let AnalysisPlan::Nca(p) = &plan {
            if p.permutations > 0 && p.seed.is_none() {
                self.warn(
                    Diag::warning(codes::NO_SEED, format!("expected a `seed` with permutations, found none in `{}`", p.name))
                        .at(span, "the p-values cannot be reproduced")
                        .help("add `seed = 2021` (any whole number) so that reruns give the same p-values"),
                );
            }
        }
        let kind = plan.kind();
        self.analyses.push(plan);
        if self.check_only {
            return Ok(String::new());
        }
        self.warn(
            Diag::warning(codes::NOT_AVAILABLE, format!("expected an engine for `{kind}`, found none in this build: the analysis was checked, not run"))
                .at(span, "checked only")
                .help("`show plan` prints its resolved settings"),
        );
        Ok(String::new())
    }
}
