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

/// One session: the sources it has read, the interpreter, how tables look.
pub struct Session {
    pub sources: SourceMap,
    pub interp: Interpreter,
    pub style: Style,
}

impl Session {
    /// A session with the standard library loaded (its prelude).
    pub fn new(base_dir: impl Into<PathBuf>) -> Self {
        let mut s = Session {
            sources: SourceMap::new(),
            interp: Interpreter::new(base_dir),
            style: Style::default(),
        };
        for (name, _) in STDLIB {
            // A failure here is a bug, caught by a test.
            if let Err(d) = s.run_module(name, Mode::Run) {
                debug_assert!(false, "the standard library failed to load: {d:?}");
            }
        }
        s
    }

    /// Registers and runs a whole text; stops at the first statement that fails.
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
    /// fails declares nothing, so later ones may fail for its sake.
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
        for stmt in &program.statements {
            let r = self.run_stmt(stmt, Mode::Check);
            diags.extend(self.take_pending());
            if let Err(d) = r {
                diags.push(d);
            }
        }
        (id, diags)
    }

    /// Reads a script from disk and runs (or checks) it; its folder becomes the base of
    /// relative paths.
    pub fn run_file(&mut self, path: &Path, mode: Mode) -> Result<String, Vec<Diag>> {
        let shown = path.display().to_string();
        let text =
            files::read_script(path).map_err(|e| vec![files::script_diag(&e, &shown, None)])?;
        self.interp.base_dir = files::folder_of(path);
        let id = self.sources.add(shown, Some(path.to_path_buf()), text);
        self.run_source(id, mode)
    }

    fn run_source(&mut self, id: u32, mode: Mode) -> Result<String, Vec<Diag>> {
        let text = self
            .sources
            .get(id)
            .map(|f| f.text.clone())
            .unwrap_or_default();
        let program = syntax::parse(&text, id)?;
        let mut out = String::new();
        for stmt in &program.statements {
            out.push_str(&self.run_stmt(stmt, mode).map_err(|d| vec![d])?);
        }
        Ok(out)
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
        let checked = self.interp.check(stmt)?;
        for w in checked.warnings {
            self.interp.warn(w);
        }
        let step = checked.step;
        if let Step::Use(u) = &step {
            return self.run_use(u, mode);
        }
        self.interp.record(&step)?;
        if mode == Mode::Check {
            return Ok(String::new());
        }
        match self.interp.execute(step)? {
            Outcome::Export(e) => self.export(&e),
            o => Ok(table::text(
                &report::outcome(&self.interp.scope, &self.interp.results, &o, self.style),
                self.style,
            )),
        }
    }

    fn run_use(&mut self, u: &UsePlan, mode: Mode) -> Result<String, Diag> {
        match u {
            UsePlan::Module(name) => self.run_module(name, mode).map_err(|mut d| d.remove(0)),
            UsePlan::File(canon, shown, span) => {
                let text = files::read_script(canon)
                    .map_err(|e| files::script_diag(&e, shown, Some(*span)))?;
                let id = self.sources.add(shown.clone(), Some(canon.clone()), text);
                self.interp.use_stack.push(canon.clone());
                let r = self.run_source(id, mode);
                self.interp.use_stack.pop();
                r.map_err(|mut d| d.remove(0))
            }
        }
    }

    fn export(&mut self, e: &ExportPlan) -> Result<String, Diag> {
        let content = report::export::export(&self.interp.results, &e.analysis, e.format)
            .map_err(|why| runtime::export_failed(&e.analysis, &why, e.span))?;
        files::write_atomically(&e.target, &content, files::Folder::Create)
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
        use crate::check::plan::Format;
        use crate::diagnostics::runtime;
        if !format.is_report() {
            return Err(runtime::report_format(shown));
        }
        // The XY plots colour the cases by their class, as an export does.
        let names: Vec<String> = self.interp.results.fsqca.keys().cloned().collect();
        for n in &names {
            self.interp.ensure_case_selection(n);
        }
        let title = self.interp.scope.study.as_ref().map(|(t, _)| t.as_str());
        let source = report::study::Source {
            script: script_path,
            text: script,
        };
        let r = report::study::build(title, &self.interp.scope, &self.interp.results, &source)
            .map_err(|why| runtime::report_failed(&why))?;
        Ok(match format {
            Format::Docx => {
                report::docx::document(&r).map_err(|why| runtime::report_failed(&why))?
            }
            Format::Markdown => report::paper::markdown(&r).into_bytes(),
            Format::Latex => report::paper::latex(&r).into_bytes(),
            _ => report::paper::html(&r).into_bytes(),
        })
    }

    /// The JSON of one analysis, as in the document's `analyses`.
    pub fn analysis_json(&self, name: &str) -> Option<serde_json::Value> {
        report::json::analysis(&self.interp.results, name)
    }
}
