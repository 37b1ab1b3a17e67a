//! The session: the pipeline's arrows in order for `toe run`, `toe check` and the REPL —
//! source text → [`syntax::parse`] → [`Interpreter::check`] (a typed plan) →
//! [`Interpreter::record`] / [`Interpreter::execute`] (typed results) → [`report`] (documents
//! rendered to text, exports written with [`files`]).
//!
//! Guarantees: `toe check` parses, checks and records every declaration (loading the data to
//! resolve columns and anchors) and runs nothing; a statement that fails leaves the session as
//! it was; every user-facing error is a [`Diag`]; the same script gives the same bytes.

use crate::check::plan::{ExportPlan, Step, UsePlan};
use crate::diagnostics::{runtime, Diag};
use crate::eval::results::{Outcome, Results};
use crate::eval::Interpreter;
use crate::files;
use crate::report::{self, table, Style};
use crate::source::{SourceMap, STDLIB};
use crate::syntax::{self, ast::Stmt};
use std::path::{Path, PathBuf};

/// Whether statements run (`toe run`, the REPL) or are only checked (`toe check`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Run,
    Check,
}

/// One session: the sources it has read, the interpreter, how tables look, and the files its
/// run writes (staged until the run succeeds).
pub struct Session {
    pub sources: SourceMap,
    pub interp: Interpreter,
    pub style: Style,
    /// Files this run writes, staged until the whole run has succeeded.
    pub outputs: files::Outputs,
    /// Whether the caller commits [`Session::outputs`] (the command line adds `--json` and the
    /// report to the run's exports, all committed together); otherwise a run commits its own
    /// exports when it succeeds.
    pub hold_outputs: bool,
    /// Outputs named outside the script (`--json FILE`, `toe report -o FILE`): the path and
    /// how it was written. The check before a run refuses them when they are inputs.
    claimed: Vec<(PathBuf, String)>,
    /// How deep in `use`d scripts the run is (0: the script itself).
    depth: usize,
    /// While the whole script is checked before it runs: data sets loaded (by the statement's
    /// text and folder) for the run to take again, and the exports' targets.
    ahead: Option<Ahead>,
    preloaded: Vec<(String, PathBuf, std::sync::Arc<crate::check::plan::DataSet>)>,
    /// When set, the document of every statement that ran, in order (what the embedding API
    /// renders as Markdown or HTML).
    pub docs: Option<Vec<table::Doc>>,
}

/// What checking ahead collects.
#[derive(Default)]
struct Ahead {
    exports: Vec<(PathBuf, String, crate::source::Span)>,
}

/// Whether a script holds nothing but blanks and comments.
fn text_is_empty(text: &str) -> bool {
    crate::source::line_ends(text)
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
}

impl Session {
    /// A session with the standard library loaded (its prelude).
    pub fn new(base_dir: impl Into<PathBuf>) -> Self {
        let mut s = Session {
            sources: SourceMap::new(),
            interp: Interpreter::new(base_dir),
            style: Style::default(),
            outputs: files::Outputs::default(),
            hold_outputs: false,
            claimed: Vec::new(),
            depth: 0,
            ahead: None,
            preloaded: Vec::new(),
            docs: None,
        };
        for (name, _) in STDLIB {
            // A failure here is a bug, caught by a test.
            if let Err(d) = s.run_module(name, Mode::Run) {
                debug_assert!(false, "the standard library failed to load: {d:?}");
            }
        }
        s
    }

    /// Registers and runs a whole text: the whole text is checked first, then run; stops at the
    /// first statement that fails. Exports are committed when it succeeds (unless
    /// [`Session::hold_outputs`]); a failing run writes nothing.
    pub fn run_text(
        &mut self,
        name: &str,
        path: Option<PathBuf>,
        text: String,
    ) -> Result<String, Vec<Diag>> {
        let id = self.sources.add(name, path, text);
        self.run_source(id, Mode::Run)
    }

    /// Registers and checks a whole text (`toe check`).
    pub fn check_text(
        &mut self,
        name: &str,
        path: Option<PathBuf>,
        text: String,
    ) -> Result<(), Vec<Diag>> {
        let id = self.sources.add(name, path, text);
        self.run_source(id, Mode::Check).map(|_| ())
    }

    /// Checks every statement of a text and goes on after one fails (an editor's
    /// diagnostics): the source's id and every error and warning, in order. A statement that
    /// fails declares nothing; the errors later statements get for its sake are left out
    /// ([`Fallout`]).
    pub fn check_all(
        &mut self,
        name: &str,
        path: Option<PathBuf>,
        text: String,
    ) -> (u32, Vec<Diag>) {
        let id = self.sources.add(name, path, text.clone());
        let program = match syntax::parse(&text, id) {
            Ok(p) => p,
            Err(d) => return (id, d),
        };
        let mut diags = Vec::new();
        let mut fallout = Fallout::default();
        for stmt in &program.statements {
            let r = self.run_stmt(stmt, Mode::Check);
            diags.extend(self.take_pending());
            if let Err(d) = r {
                if !fallout.explains(&d) {
                    diags.push(d);
                }
                fallout.add(stmt);
            }
        }
        (id, diags)
    }

    /// Reads a script from disk and runs (or checks) it; its folder becomes the base of
    /// relative paths and the script an input of the run.
    pub fn run_file(&mut self, path: &Path, mode: Mode) -> Result<String, Vec<Diag>> {
        let shown = path.display().to_string();
        let text =
            files::read_script(path).map_err(|e| vec![files::script_diag(&e, &shown, None)])?;
        self.interp.base_dir = files::folder_of(path);
        self.interp
            .add_input(&files::resolved(path).unwrap_or_else(|| path.to_path_buf()));
        if text_is_empty(&text) {
            self.interp.warn(runtime::empty_script(&shown));
        }
        let id = self.sources.add(shown, Some(path.to_path_buf()), text);
        self.run_source(id, mode)
    }

    /// Names an output written outside the script (`--json FILE`, the report): the check
    /// before the run refuses it when it is one of the run's inputs.
    pub fn claim_output(&mut self, path: &Path, shown: &str) {
        self.claimed.push((path.to_path_buf(), shown.to_string()));
    }

    /// Stages a file the caller writes with the run's outputs (`--json`, the report).
    pub fn stage_output(
        &mut self,
        path: &Path,
        shown: &str,
        bytes: &[u8],
        folder: files::Folder,
    ) -> Result<(), Diag> {
        self.outputs
            .stage(path, bytes, folder)
            .map_err(|e| files::write_diag(shown, &e, None))
    }

    /// Puts every staged output in place (after a run that succeeded).
    pub fn commit_outputs(&mut self) -> Result<(), Diag> {
        self.outputs
            .commit()
            .map_err(|(path, e)| files::write_diag(&path.display().to_string(), &e, None))
    }

    fn run_source(&mut self, id: u32, mode: Mode) -> Result<String, Vec<Diag>> {
        let text = self
            .sources
            .get(id)
            .map(|f| f.text.clone())
            .unwrap_or_default();
        let program = syntax::parse(&text, id)?;
        let top = self.depth == 0 && self.ahead.is_none();
        if mode == Mode::Run && top && self.worth_checking_ahead(&program.statements) {
            self.check_ahead(&program.statements)?;
        }
        if mode == Mode::Check && top {
            // `toe check`: the same refusals as the check before a run.
            self.ahead = Some(Ahead::default());
            self.depth += 1;
            let r = self.run_statements(&program.statements, mode);
            self.depth -= 1;
            let ahead = self.ahead.take().unwrap_or_default();
            self.preloaded.clear();
            let out = r?;
            self.refuse_inputs(&ahead, &self.interp.inputs)?;
            return Ok(out);
        }
        self.depth += 1;
        let r = self.run_statements(&program.statements, mode);
        self.depth -= 1;
        if !top || mode == Mode::Check {
            return r;
        }
        self.preloaded.clear();
        match r {
            Ok(out) => {
                if !self.hold_outputs {
                    self.commit_outputs().map_err(|d| vec![d])?;
                }
                Ok(out)
            }
            Err(d) => {
                self.outputs.discard();
                Err(d)
            }
        }
    }

    fn run_statements(&mut self, statements: &[Stmt], mode: Mode) -> Result<String, Vec<Diag>> {
        if mode == Mode::Check {
            // every independent error of the script, none that only follows from another
            let mut errors = Vec::new();
            let mut fallout = Fallout::default();
            for stmt in statements {
                if let Err(d) = self.run_stmt(stmt, mode) {
                    if !fallout.explains(&d) {
                        errors.push(d);
                    }
                    fallout.add(stmt);
                }
            }
            return if errors.is_empty() {
                Ok(String::new())
            } else {
                Err(errors)
            };
        }
        let mut out = String::new();
        for stmt in statements {
            out.push_str(&self.run_stmt(stmt, mode).map_err(|d| vec![d])?);
        }
        Ok(out)
    }

    /// A single statement is checked just before it runs anyway (the REPL's lines); a longer
    /// script, a `use` or a claimed output is checked whole first.
    fn worth_checking_ahead(&self, statements: &[Stmt]) -> bool {
        statements.len() > 1
            || !self.claimed.is_empty()
            || statements
                .iter()
                .any(|s| matches!(s.kind, crate::syntax::ast::StmtKind::Use(_)))
    }

    /// Checks every statement as `toe check` does, on a copy of the declarations, before any
    /// runs; then refuses an output (export, claimed file) that is one of the run's inputs.
    /// The data read here is taken again by the run, not read twice.
    fn check_ahead(&mut self, statements: &[Stmt]) -> Result<(), Vec<Diag>> {
        let scratch = self.interp.scratch();
        let real = std::mem::replace(&mut self.interp, scratch);
        self.ahead = Some(Ahead::default());
        let r = self.run_statements(statements, Mode::Check);
        let ahead = self.ahead.take().unwrap_or_default();
        let checked = std::mem::replace(&mut self.interp, real);
        if let Err(d) = r {
            // The warnings that came before the error are shown with it.
            for w in checked.pending {
                self.interp.warn(w);
            }
            self.preloaded.clear();
            return Err(d);
        }
        self.refuse_inputs(&ahead, &checked.inputs)
    }

    /// An export or a claimed output that is one of `inputs` is refused (order aside: an
    /// export written before the `use` that reads the same file is refused too).
    fn refuse_inputs(&self, ahead: &Ahead, inputs: &[PathBuf]) -> Result<(), Vec<Diag>> {
        for (target, shown, span) in &ahead.exports {
            if let Some(input) = inputs.iter().find(|i| files::same_file(target, i)) {
                return Err(vec![
                    crate::check::output_is_input(shown, input).at(*span, "an input of this run")
                ]);
            }
        }
        for (target, shown) in &self.claimed {
            if let Some(input) = inputs.iter().find(|i| files::same_file(target, i)) {
                return Err(vec![crate::check::output_is_input(shown, input)]);
            }
        }
        Ok(())
    }

    fn run_module(&mut self, name: &str, mode: Mode) -> Result<String, Vec<Diag>> {
        let text = STDLIB
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| t.to_string())
            .unwrap_or_default();
        let id = self.sources.add(format!("std.{name}"), None, text);
        self.run_source(id, mode)
    }

    /// One statement through the pipeline: check, record, (run,) report.
    fn run_stmt(&mut self, stmt: &Stmt, mode: Mode) -> Result<String, Diag> {
        let checked = match self.take_preloaded(stmt) {
            Some(d) => Step::Data(d).into(),
            None => self.interp.check(stmt)?,
        };
        for w in checked.warnings {
            self.interp.warn(w);
        }
        let step = checked.step;
        if let Step::Use(u) = &step {
            return self.run_use(u, mode);
        }
        if let Some(ahead) = &mut self.ahead {
            match &step {
                Step::Export(e) => ahead
                    .exports
                    .push((e.target.clone(), e.path.clone(), e.span)),
                Step::Data(d) => {
                    let key = self.sources.slice(stmt.span).to_string();
                    self.preloaded
                        .push((key, self.interp.base_dir.clone(), d.clone()));
                }
                _ => {}
            }
        }
        self.interp.record(&step)?;
        if mode == Mode::Check {
            return Ok(String::new());
        }
        let doc = match self.interp.execute(step)? {
            Outcome::Export(e) => {
                let line = self.export(&e)?;
                let mut d = table::Doc::default();
                d.line(0, line.trim_end().to_string());
                d
            }
            o => report::outcome(&self.interp.scope, &self.interp.results, &o, self.style),
        };
        let text = table::text(&doc, self.style);
        if let Some(docs) = &mut self.docs {
            docs.push(doc);
        }
        Ok(text)
    }

    /// The data set the check ahead loaded for this very statement, if any.
    fn take_preloaded(
        &mut self,
        stmt: &Stmt,
    ) -> Option<std::sync::Arc<crate::check::plan::DataSet>> {
        if self.ahead.is_some() || !matches!(stmt.kind, crate::syntax::ast::StmtKind::Data { .. }) {
            return None;
        }
        let key = self.sources.slice(stmt.span);
        let k = self
            .preloaded
            .iter()
            .position(|(t, dir, _)| t == key && *dir == self.interp.base_dir)?;
        Some(self.preloaded.remove(k).2)
    }

    fn run_use(&mut self, u: &UsePlan, mode: Mode) -> Result<String, Diag> {
        match u {
            UsePlan::Module(name) => self.run_module(name, mode).map_err(|mut d| d.remove(0)),
            UsePlan::File(canon, shown, span) => {
                let text = files::read_script(canon)
                    .map_err(|e| files::script_diag(&e, shown, Some(*span)))?;
                let id = self.sources.add(shown.clone(), Some(canon.clone()), text);
                self.interp.add_input(canon);
                self.interp.use_stack.push(canon.clone());
                let r = self.run_source(id, mode);
                self.interp.use_stack.pop();
                r.map_err(|mut d| d.remove(0))
            }
        }
    }

    fn export(&mut self, e: &ExportPlan) -> Result<String, Diag> {
        let content = report::export::export(
            &self.interp.scope,
            &self.interp.results,
            &e.analysis,
            e.format,
            self.style,
        )
        .map_err(|why| runtime::export_failed(&e.analysis, &why, e.span))?;
        self.outputs
            .stage(&e.target, &content, files::Folder::Create)
            .map_err(|err| files::write_diag(&e.path, &err, Some(e.span)))?;
        Ok(report::export::exported(&e.analysis, &e.path))
    }

    /// Warnings not yet shown, oldest first.
    pub fn take_pending(&mut self) -> Vec<Diag> {
        std::mem::take(&mut self.interp.pending)
    }

    /// Every warning so far.
    pub fn warnings(&self) -> &[Diag] {
        &self.interp.warnings
    }

    /// A declared set, with its calibration and memberships.
    pub fn set(&self, name: &str) -> Option<&crate::check::plan::SetInfo> {
        self.interp.scope.set(name)
    }

    pub fn scope(&self) -> &crate::check::Scope {
        &self.interp.scope
    }

    pub fn results(&self) -> &Results {
        &self.interp.results
    }

    /// The JSON document of the session (docs/output.md).
    pub fn document(&self, script_path: &str, script: &[u8]) -> serde_json::Value {
        report::json::document(
            &self.interp.scope,
            &self.interp.results,
            &self.interp.warnings,
            script_path,
            script,
        )
    }

    /// The format of a report file by its extension (`toe::run::report_format` when the
    /// report is not written in it).
    pub fn report_format(output: &Path) -> Result<crate::check::plan::Format, Diag> {
        crate::check::plan::Format::of_path(output)
            .filter(|f| f.is_report())
            .ok_or_else(|| {
                crate::diagnostics::runtime::report_format(&output.display().to_string())
            })
    }

    /// The study report (`toe report`) of the script that has run, in `format` (HTML,
    /// Markdown, LaTeX or Word; another format is `toe::run::report_format`).
    pub fn report(
        &mut self,
        script_path: &str,
        script: &[u8],
        format: crate::check::plan::Format,
        shown: &str,
    ) -> Result<Vec<u8>, Diag> {
        use crate::diagnostics::runtime;
        if !format.is_report() {
            return Err(runtime::report_format(shown));
        }
        let r = self.report_model(script_path, script)?;
        Self::render(&r, format)
    }

    /// The study report's model (sections, tables, figures, provenance) of the script that
    /// has run: what every format renders.
    pub fn report_model(
        &mut self,
        script_path: &str,
        script: &[u8],
    ) -> Result<report::model::Report, Diag> {
        use crate::diagnostics::runtime;
        // The XY plots colour the cases by their class, as an export does.
        let names: Vec<String> = self.interp.results.fsqca.keys().cloned().collect();
        for n in &names {
            self.interp.ensure_case_selection(n);
        }
        let title = self.interp.scope.study.as_ref().map(|(t, _)| t.as_str());
        let warnings: Vec<(String, String)> = self
            .interp
            .warnings
            .iter()
            .map(|w| (w.code.to_string(), w.message.clone()))
            .collect();
        let source = report::study::Source {
            script: script_path,
            text: script,
            warnings: &warnings,
        };
        report::study::build(
            title,
            &self.interp.scope,
            &self.interp.results,
            &source,
            self.style,
        )
        .map_err(|why| runtime::report_failed(&why))
    }

    /// A report rendered in a format (HTML for a format that is not a report's).
    pub fn render(
        r: &report::model::Report,
        format: crate::check::plan::Format,
    ) -> Result<Vec<u8>, Diag> {
        use crate::check::plan::Format;
        use crate::diagnostics::runtime;
        Ok(match format {
            Format::Docx => {
                report::docx::document(r).map_err(|why| runtime::report_failed(&why))?
            }
            Format::Markdown => report::markdown::document(r).into_bytes(),
            Format::Latex => report::latex::document(r).into_bytes(),
            _ => report::html::document(r).into_bytes(),
        })
    }

    /// The JSON of one analysis, as in the document's `analyses`.
    pub fn analysis_json(&self, name: &str) -> Option<serde_json::Value> {
        report::json::analysis(&self.interp.results, name)
    }
}

/// What failed statements would have declared: the data, the calibration, names of sets,
/// analyses, indices, sweeps, presets, frameworks and power studies. A later error about one
/// of them follows from the first error and is not reported again.
#[derive(Default)]
struct Fallout {
    data: bool,
    calibration: bool,
    names: Vec<String>,
}

impl Fallout {
    fn add(&mut self, stmt: &Stmt) {
        use crate::syntax::ast::StmtKind as K;
        match &stmt.kind {
            K::Data { .. } => self.data = true,
            K::Calibrate(_) => self.calibration = true,
            K::Conditions { items, .. } => self
                .names
                .extend(items.iter().map(|i| i.def.name.node.clone())),
            K::Outcome(def) => self.names.push(def.name.node.clone()),
            K::Nca(a) | K::Fsqca(a) => self.names.push(a.name.node.clone()),
            K::Index { name, .. }
            | K::Sweep { name, .. }
            | K::Preset { name, .. }
            | K::Framework { name, .. }
            | K::Power { name, .. } => self.names.push(name.node.clone()),
            _ => {}
        }
    }

    fn explains(&self, d: &Diag) -> bool {
        use crate::diagnostics::codes;
        if self.data && matches!(d.code, codes::NO_DATA | codes::UNKNOWN_COLUMN) {
            return true;
        }
        if self.calibration && d.code == codes::NOT_CALIBRATED {
            return true;
        }
        let unknown_name = matches!(
            d.code,
            codes::UNKNOWN_SET
                | codes::UNKNOWN_ANALYSIS
                | codes::UNKNOWN_SHOW
                | codes::UNKNOWN_FRAMEWORK
                | codes::UNKNOWN_CALIBRATION
                | codes::UNKNOWN_COLUMN
                | codes::NOT_CALIBRATED
        );
        unknown_name
            && self
                .names
                .iter()
                .any(|n| d.message.contains(&format!("`{n}`")))
    }
}
