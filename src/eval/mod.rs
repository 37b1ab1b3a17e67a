//! Stage 4, the interpreter: applies checked steps to the scope and computes results with the
//! engine. `toe run`, `toe check` and the REPL share it through [`crate::session`].
//!
//! Guarantees: a step is applied only after the checker accepted it, and a step that fails
//! leaves the scope and the results as they were, so the REPL can go on; [`Interpreter::record`]
//! applies what a statement declares (`toe check` stops there) and [`Interpreter::execute`] runs
//! what it asks for; results are typed ([`results`]) — nothing here formats a number, builds a
//! table or writes a file; nothing a user types or feeds in makes it panic.

mod fsqca;
mod nca;
mod nca_robustness;
mod nest;
mod resample;
pub mod results;
mod robustness;
mod sensitivity;
mod theory;

use crate::check::plan::*;
use crate::check::{self, Checked, Context, Scope};
use crate::diagnostics::{runtime, Diag};
use crate::engine::calibrate::Calibration;
use crate::engine::clusters::{cluster_fit, Relation};
use crate::engine::data::{CaseIds, Column};
use crate::engine::{index, sets};
use crate::syntax::ast::Stmt;
use results::*;
use std::path::PathBuf;

/// One interpreter: the scope of declarations, the results, the warnings.
pub struct Interpreter {
    pub scope: Scope,
    pub results: Results,
    /// Folder that relative paths are resolved against (the script's folder).
    pub base_dir: PathBuf,
    /// Every warning so far (for the JSON document).
    pub warnings: Vec<Diag>,
    /// Warnings not yet shown to the user.
    pub pending: Vec<Diag>,
    /// The scripts being loaded by `use`, innermost last.
    pub use_stack: Vec<PathBuf>,
    /// Where long tasks report progress.
    pub progress: Box<dyn Progress>,
    /// The run's inputs so far: the script, `use`d files, data files (no output may
    /// overwrite one).
    pub inputs: Vec<PathBuf>,
}

impl Interpreter {
    pub fn new(base_dir: impl Into<PathBuf>) -> Self {
        Interpreter {
            scope: Scope::default(),
            results: Results::default(),
            base_dir: base_dir.into(),
            warnings: Vec::new(),
            pending: Vec::new(),
            use_stack: Vec::new(),
            progress: Box::new(Silent),
            inputs: Vec::new(),
        }
    }

    /// A copy that checks ahead (`toe run` checks the whole script before it runs a
    /// statement): the same declarations and inputs, no results, no progress display.
    pub fn scratch(&self) -> Interpreter {
        Interpreter {
            scope: self.scope.clone(),
            results: Results::default(),
            base_dir: self.base_dir.clone(),
            warnings: Vec::new(),
            pending: Vec::new(),
            use_stack: self.use_stack.clone(),
            progress: Box::new(Silent),
            inputs: self.inputs.clone(),
        }
    }

    /// Records an input of the run (a path that no output may overwrite).
    pub fn add_input(&mut self, path: &std::path::Path) {
        if !self.inputs.iter().any(|p| p == path) {
            self.inputs.push(path.to_path_buf());
        }
    }

    /// Checks a statement against the scope (the arrow AST → plan).
    pub fn check(&self, stmt: &Stmt) -> Result<Checked, Diag> {
        check::check_stmt(
            &Context {
                scope: &self.scope,
                base_dir: &self.base_dir,
                use_stack: &self.use_stack,
                inputs: &self.inputs,
            },
            stmt,
        )
    }

    /// Records a warning once.
    pub fn warn(&mut self, d: Diag) {
        if !self.warnings.contains(&d) {
            self.warnings.push(d.clone());
            self.pending.push(d);
        }
    }

    /// Applies what a step declares to the scope (data, sets and their memberships, indices,
    /// presets, frameworks, sweeps, analysis plans).
    pub fn record(&mut self, step: &Step) -> Result<(), Diag> {
        match step {
            Step::Study(title, span) => self.scope.study = Some((title.clone(), *span)),
            Step::Data(d) => {
                self.add_input(&d.file);
                self.scope.data = Some(d.clone());
            }
            Step::Index(plan) => self.record_index(plan)?,
            Step::Preset(name, method) => {
                self.scope.presets.insert(name.clone(), method.clone());
            }
            Step::Framework(name, dims) => {
                self.scope.frameworks.insert(name.clone(), dims.clone());
            }
            Step::Conditions(framework, infos) => {
                if let Some(f) = framework {
                    self.scope.framework = Some(f.clone());
                }
                for info in infos {
                    self.add_set(info.clone());
                }
                self.warn_half_memberships();
            }
            Step::Outcome(info) => {
                self.add_set((**info).clone());
                self.warn_half_memberships();
            }
            Step::Calibrate(rules, resolved) => {
                self.scope.rules = rules.clone();
                for (k, r) in resolved {
                    if let Some(s) = self.scope.sets.get_mut(*k) {
                        s.membership = Some(r.memberships(&s.raw).into());
                        s.calibration = Some(r.clone());
                    }
                }
                self.warn_half_memberships();
            }
            Step::Analysis(plan) => self.scope.analyses.push(plan.clone()),
            Step::Sweep(name, varies) => {
                self.scope.sweeps.insert(name.clone(), varies.clone());
            }
            Step::Query(_)
            | Step::NecessitySearch(_)
            | Step::Resample(_)
            | Step::Theory(_)
            | Step::Nest(_)
            | Step::Sensitivity(_)
            | Step::Show(_)
            | Step::Export(_)
            | Step::Robustness(_)
            | Step::NcaRobustness(_)
            | Step::Power(_)
            | Step::Use(_) => {}
        }
        Ok(())
    }

    /// An analysis that did not run is not declared either.
    fn retract_on_error<T>(&mut self, name: &str, run: Result<T, Diag>) -> Result<T, Diag> {
        if run.is_err() {
            self.scope.analyses.retain(|a| a.name() != name);
        }
        run
    }

    /// Runs what a step asks for: analyses, queries and sweeps compute results; `show` and
    /// `export` pass to the report.
    pub fn execute(&mut self, step: Step) -> Result<Outcome, Diag> {
        Ok(match step {
            Step::Analysis(AnalysisPlan::Nca(p)) => {
                let run = self.run_nca(&p);
                let run = self.retract_on_error(&p.name, run)?;
                self.results.nca.insert(p.name.clone(), run);
                Outcome::Nca(p.name)
            }
            Step::Analysis(AnalysisPlan::Fsqca(p)) => {
                let run = self.run_fsqca(&p);
                let run = self.retract_on_error(&p.name, run)?;
                self.results.fsqca.insert(p.name.clone(), run);
                Outcome::Fsqca(p.name)
            }
            Step::Sensitivity(plan) => {
                let r = self.run_sensitivity(*plan);
                self.results.sensitivities.push(r);
                Outcome::Sensitivity(self.results.sensitivities.len() - 1)
            }
            Step::Nest(plan) => {
                let r = self.run_nest(plan)?;
                self.results.nests.push(r);
                Outcome::Nest(self.results.nests.len() - 1)
            }
            Step::Theory(plan) => {
                let r = self.run_theory(plan)?;
                self.results.theories.push(r);
                Outcome::Theory(self.results.theories.len() - 1)
            }
            Step::Resample(plan) => {
                let r = self.run_resample(*plan)?;
                self.results.resamples.push(r);
                Outcome::Resample(self.results.resamples.len() - 1)
            }
            Step::NecessitySearch(plan) => {
                let r = self.run_search(plan)?;
                if r.dropped > 0 {
                    self.warn(runtime::cases_dropped(r.dropped, r.cases, r.plan.span));
                }
                self.results.searches.push(r);
                Outcome::Search(self.results.searches.len() - 1)
            }
            Step::Query(q) => {
                let r = self.run_query(q)?;
                if r.dropped > 0 {
                    self.warn(runtime::cases_dropped(r.dropped, r.cases, r.plan.span));
                }
                self.results.queries.push(r);
                Outcome::Query(self.results.queries.len() - 1)
            }
            Step::Power(plan) => {
                use crate::engine::nca::power;
                let total = power::replicates(&plan.options);
                self.progress.start(&Task::Power(plan.name.clone(), total));
                let progress = &self.progress;
                let rows = power::power_with(&plan.options, &|| progress.step());
                self.progress.finish();
                let rows =
                    rows.map_err(|e| runtime::power_failed(&plan.name, &e.to_string(), plan.span))?;
                self.results.power.push(PowerRun { plan, rows });
                Outcome::Power(self.results.power.len() - 1)
            }
            Step::NcaRobustness(plan) => {
                let r = self.run_nca_robustness(*plan);
                self.results.nca_robustness.push(r);
                Outcome::NcaRobustness(self.results.nca_robustness.len() - 1)
            }
            Step::Robustness(plan) => {
                let r = self.run_robustness(*plan);
                self.results.robustness.push(r);
                Outcome::Robustness(self.results.robustness.len() - 1)
            }
            Step::Show(s) => {
                if let Show::CaseSelection(name) = &s {
                    self.ensure_case_selection(name);
                }
                Outcome::Show(s)
            }
            Step::Export(e) => {
                self.ensure_case_selection(&e.analysis);
                Outcome::Export(e)
            }
            _ => Outcome::Nothing,
        })
    }

    fn add_set(&mut self, mut info: SetInfo) {
        if let Some(c) = &info.calibration {
            info.membership = Some(c.memberships(&info.raw).into());
        }
        if !info.raw.is_empty() && info.raw.iter().all(|v| v.is_nan()) {
            self.warn(runtime::empty_set(&info.name, &info.column, info.span));
        }
        self.scope.sets.push(info);
    }

    /// Warns about memberships of exactly 0.5 (crisp sets aside), one warning for the
    /// conditions and one for the outcomes, since the consequence differs by role; says when
    /// the crossover is the median of an odd number of cases; and reports every nudge.
    fn warn_half_memberships(&mut self) {
        let Some(data) = &self.scope.data else { return };
        let mut warnings = Vec::new();
        let mut nudged: Vec<(String, f64, Vec<String>)> = Vec::new();
        let mut nudge_span = None;
        for role in [Role::Condition, Role::Outcome] {
            let mut found: Vec<(String, Vec<String>)> = Vec::new();
            let mut span = None;
            let mut median_of = None;
            for s in self.scope.sets.iter().filter(|s| s.role == role) {
                let (Some(m), Some(c)) = (&s.membership, &s.calibration) else {
                    continue;
                };
                if matches!(c.calibration, Calibration::Crisp(_)) {
                    continue;
                }
                let names = |v: &[f64]| -> Vec<String> {
                    v.iter()
                        .enumerate()
                        .filter(|(_, v)| **v == 0.5)
                        .map(|(i, _)| data.table.ids.name(i).to_string())
                        .collect()
                };
                if let Some(by) = c.nudge {
                    let moved = names(&c.calibration.apply(&s.raw));
                    if !moved.is_empty() {
                        nudged.push((s.name.clone(), by, moved));
                        nudge_span = nudge_span.or(Some(c.rule_span));
                    }
                }
                let cases = names(m);
                if !cases.is_empty() {
                    let known = s.raw.iter().filter(|v| !v.is_nan()).count();
                    let median = c
                        .anchors
                        .iter()
                        .any(|(n, _, p)| *n == "c" && *p == Some(50.0));
                    if median && known % 2 == 1 {
                        median_of = median_of.or(Some(known));
                    }
                    found.push((s.name.clone(), cases));
                    span = span.or(Some(c.rule_span));
                }
            }
            if let (false, Some(span)) = (found.is_empty(), span) {
                warnings.push(runtime::half_memberships(
                    &found,
                    role == Role::Outcome,
                    median_of,
                    span,
                ));
            }
        }
        if let Some(span) = nudge_span {
            warnings.push(runtime::nudged(&nudged, span));
        }
        for w in warnings {
            self.warn(w);
        }
    }

    fn record_index(&mut self, plan: &IndexPlan) -> Result<(), Diag> {
        let Some(data) = self.scope.data.as_mut().map(std::sync::Arc::make_mut) else {
            return Ok(());
        };
        let cols: Vec<(Vec<f64>, bool)> = plan
            .indicators
            .iter()
            .map(|(_, j, neg, _)| (data.table.column(*j).to_vec(), *neg))
            .collect();
        let groups = plan.by.as_ref().map(|(_, j)| data.table.labels(*j));
        let ix = index::compute(plan.function, &cols, groups.as_deref()).map_err(|c| {
            let span = plan
                .indicators
                .get(c.indicator)
                .map(|i| i.3)
                .unwrap_or(plan.span);
            runtime::constant_indicator(c.group.as_deref(), span)
        })?;
        data.table.push_column(&plan.name, &ix.values);
        self.scope.indices.push(plan.name.clone());
        self.results.indices.insert(
            plan.name.clone(),
            IndexInfo {
                function: plan.function,
                indicators: plan
                    .indicators
                    .iter()
                    .map(|(c, _, neg, _)| (c.clone(), *neg))
                    .collect(),
                by: plan.by.as_ref().map(|(c, _)| c.clone()),
                weights: ix.weights,
                values: ix.values,
            },
        );
        Ok(())
    }

    /// The ids of the cases, in the order of the data.
    fn case_ids(&self) -> CaseIds {
        self.scope
            .data
            .as_ref()
            .map(|d| d.table.ids.clone())
            .unwrap_or_default()
    }

    /// The memberships of a set (checked to be calibrated), empty if it has none.
    fn membership(&self, name: &str) -> Column {
        self.column_of(name, true)
    }

    /// Evaluates a set expression to memberships (NaN = missing).
    pub fn eval_expr(&self, e: &Expr) -> Vec<f64> {
        match e {
            Expr::Set(name) => self.membership(name).to_vec(),
            Expr::Level(name, v) => sets::level(&self.membership(name), *v),
            Expr::Not(inner) => sets::not(&self.eval_expr(inner)),
            Expr::And(parts) => fold(parts, |p| self.eval_expr(p), sets::and),
            Expr::Or(parts) => fold(parts, |p| self.eval_expr(p), sets::or),
        }
    }

    fn run_search(&self, plan: NecessitySearchPlan) -> Result<SearchRun, Diag> {
        use crate::engine::supersets;
        let y = self.eval_expr(&plan.outcome);
        let columns: Vec<Vec<f64>> = plan
            .conditions
            .iter()
            .map(|c| self.eval_expr(&Expr::Set(c.clone())))
            .collect();
        let keep: Vec<usize> = (0..y.len())
            .filter(|&i| !y[i].is_nan() && columns.iter().all(|c| !c[i].is_nan()))
            .collect();
        if keep.is_empty() {
            return Err(runtime::no_complete_cases(plan.span));
        }
        let pick = |v: &[f64]| -> Vec<f64> { keep.iter().map(|&i| v[i]).collect() };
        let columns: Vec<Vec<f64>> = columns.iter().map(|c| pick(c)).collect();
        let ys = pick(&y);
        let levels: Vec<supersets::Levels> =
            columns.iter().map(|c| supersets::levels_of(c)).collect();
        let work = supersets::work(&levels, plan.options.depth) * ys.len() as f64;
        if work > SEARCH_WORK_LIMIT {
            return Err(runtime::search_too_large(
                supersets::work(&levels, plan.options.depth),
                plan.span,
            ));
        }
        let rows = supersets::supersets(&columns, &ys, &plan.options);
        Ok(SearchRun {
            multi_level: levels.iter().any(|l| l.is_some_and(|l| l > 2)),
            rows,
            cases: keep.len(),
            dropped: y.len() - keep.len(),
            plan,
        })
    }

    fn run_query(&self, plan: QueryPlan) -> Result<QueryResult, Diag> {
        let x = self.eval_expr(&plan.expr);
        let y = self.eval_expr(&plan.outcome);
        let keep: Vec<usize> = (0..x.len().min(y.len()))
            .filter(|&i| !x[i].is_nan() && !y[i].is_nan())
            .collect();
        if keep.is_empty() {
            return Err(runtime::no_complete_cases(plan.span));
        }
        let xs: Vec<f64> = keep.iter().map(|&i| x[i]).collect();
        let ys: Vec<f64> = keep.iter().map(|&i| y[i]).collect();
        let stats = if plan.necessary {
            let n = sets::necessity(&xs, &ys);
            vec![
                ("consistency", n.consistency),
                ("coverage", n.coverage),
                ("relevance", n.relevance),
            ]
        } else {
            let s = sets::sufficiency(&xs, &ys);
            vec![
                ("consistency", s.consistency),
                ("pri", s.pri),
                ("coverage", s.coverage),
            ]
        };
        let panel = match (&plan.cluster, &self.scope.data) {
            (Some((_, j)), Some(data)) => {
                let labels = |j: usize| -> Vec<String> {
                    let all = data.table.labels(j);
                    keep.iter().map(|&i| all[i].clone()).collect()
                };
                let units = plan.unit.as_ref().map(|(_, u)| labels(*u));
                Some(cluster_fit(
                    &xs,
                    &ys,
                    &labels(*j),
                    units.as_deref(),
                    if plan.necessary {
                        Relation::Necessity
                    } else {
                        Relation::Sufficiency
                    },
                ))
            }
            _ => None,
        };
        let typical = if plan.typical {
            crate::engine::case_selection::necessity_typical(&xs, &ys)
        } else {
            Vec::new()
        };
        let all_ids = self.case_ids();
        Ok(QueryResult {
            stats,
            cases: keep.len(),
            dropped: x.len() - keep.len(),
            panel,
            typical,
            ids: keep.iter().map(|&i| all_ids.name(i)).collect(),
            plan,
        })
    }
}

/// Expressions × cases a necessity search may test (about a minute of work).
const SEARCH_WORK_LIMIT: f64 = 5e9;

fn fold(
    parts: &[Expr],
    eval: impl Fn(&Expr) -> Vec<f64>,
    op: fn(&[f64], &[f64]) -> Vec<f64>,
) -> Vec<f64> {
    let mut it = parts.iter();
    let Some(first) = it.next() else {
        return Vec::new();
    };
    let mut acc = eval(first);
    for p in it {
        acc = op(&acc, &eval(p));
    }
    acc
}
