//! Stage 3, the checker: resolves the AST against what the session knows (data columns,
//! declared sets, analyses) into the plan of `plan.rs`, filling in every default.
//!
//! Guarantees: an option, method or name that the language does not know is a diagnostic
//! with a code, its span, what was expected and what was found, and one line of help (with a
//! "did you mean" and R's spelling translated); anchors are resolved (percentiles to raw values)
//! and checked for order before any membership is computed.

pub mod analysis;
pub mod args;
pub mod calibration;
pub mod names;
pub mod plan;
pub mod ranges;
pub mod robustness;
pub mod scope;
mod statements;

use crate::diagnostics::{codes, Diag};
use crate::syntax::ast::*;
pub use names::unknown;
use plan::*;
pub use scope::{Checked, Context, Scope};
pub use statements::output_is_input;

/// Checks one statement against the scope: the one arrow AST → plan.
pub fn check_stmt(cx: &Context, stmt: &Stmt) -> Result<Checked, Diag> {
    let scope = cx.scope;
    Ok(match &stmt.kind {
        StmtKind::Study(title) => {
            if let Some((_, first)) = &scope.study {
                return Err(Diag::error(
                    codes::DUPLICATE_STUDY,
                    "expected at most one `study`, found a second",
                )
                .at(stmt.span, "second study statement")
                .note(*first, "first here")
                .help("a script declares one study; remove one of them"));
            }
            Step::Study(title.node.clone(), stmt.span).into()
        }
        StmtKind::Data { name, source } => Step::Data(std::sync::Arc::new(statements::data(
            cx, name, source, stmt.span,
        )?))
        .into(),
        StmtKind::Index { name, call } => Step::Index(statements::index(scope, name, call)?).into(),
        StmtKind::Preset { name, call } => {
            Step::Preset(name.node.clone(), calibration::preset(name, call)?).into()
        }
        StmtKind::Framework { name, dimensions } => Step::Framework(
            name.node.clone(),
            dimensions.iter().map(|d| d.node.clone()).collect(),
        )
        .into(),
        StmtKind::Conditions { framework, items } => {
            statements::conditions(scope, framework.as_ref(), items)?
        }
        StmtKind::Outcome(def) => Step::Outcome(Box::new(statements::declare_set(
            scope,
            def,
            Role::Outcome,
            None,
        )?))
        .into(),
        StmtKind::Calibrate(items) => {
            let (rules, resolved) = calibration::calibrate_block(scope, items)?;
            Step::Calibrate(rules, resolved).into()
        }
        StmtKind::Nca(a) | StmtKind::Fsqca(a) => {
            let nca = matches!(stmt.kind, StmtKind::Nca(_));
            let plan = analysis::analysis(scope, a, nca, stmt.span)?;
            Checked {
                warnings: analysis::warnings(&plan),
                step: Step::Analysis(plan),
            }
        }
        StmtKind::Necessary {
            expr,
            outcome,
            options,
        } => Step::Query(statements::query(
            scope, true, expr, outcome, options, stmt.span,
        )?)
        .into(),
        StmtKind::Sensitivity { of, options } => Step::Sensitivity(Box::new(
            analysis::sensitivity_plan(scope, of, options, stmt.span)?,
        ))
        .into(),
        StmtKind::Nest {
            fsqca,
            nca,
            options,
        } => Step::Nest(analysis::nest_plan(scope, fsqca, nca, options, stmt.span)?).into(),
        StmtKind::Theory { theory, of } => {
            Step::Theory(analysis::theory_plan(scope, theory, of, stmt.span)?).into()
        }
        StmtKind::NecessitySearch {
            conditions,
            outcome,
            options,
        } => Step::NecessitySearch(analysis::necessity_search(
            scope, conditions, outcome, options, stmt.span,
        )?)
        .into(),
        StmtKind::Sufficient {
            expr,
            outcome,
            options,
        } => Step::Query(statements::query(
            scope, false, expr, outcome, options, stmt.span,
        )?)
        .into(),
        StmtKind::Show { what, of, extra } => {
            Step::Show(statements::show(scope, what, of.as_ref(), extra.as_ref())?).into()
        }
        StmtKind::Export { name, path } => Step::Export(statements::export(cx, name, path)?).into(),
        StmtKind::Robustness { of, items } => {
            robustness::robustness(scope, of, items, stmt.span)?.into()
        }
        StmtKind::Resample { of, options } => Step::Resample(Box::new(analysis::resample_plan(
            scope, of, options, stmt.span,
        )?))
        .into(),
        StmtKind::Power { name, options } => {
            Step::Power(analysis::power_plan(name, options, stmt.span)?).into()
        }
        StmtKind::Sweep { name, varies } => Step::Sweep(name.node.clone(), varies.clone()).into(),
        StmtKind::Use(target) => Step::Use(statements::use_target(cx, target)?).into(),
    })
}
