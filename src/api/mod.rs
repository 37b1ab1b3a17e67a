//! The embedding API: what a host program (the R and Python packages, a notebook, another
//! Rust program) needs to run a study — a script from text or a file, with a base folder for
//! its data or a table handed over in memory; the run's typed results, its JSON document
//! (docs/output.md), its tables as data frames, its output rendered as text, Markdown or
//! HTML, and the study report. It drives the same [`Session`] as `toe run`, `toe check`, the
//! REPL and the language server, so a script gives the same numbers everywhere.
//!
//! Guarantees: nothing a caller passes makes it panic; every failure is a [`ToeError`]
//! holding the language's diagnostics (code, message, place, help), and the study can be
//! used again after one; the same script and data give the same bytes.
//!
//! ```
//! let mut study = toe::api::Study::from_text(
//!     "data d = csv(\"tests/conformance/nca/nca_example.csv\", id = Country)\n\
//!      conditions { IND = \"Individualism\" }\n\
//!      outcome Y = \"Innovation performance\"\n\
//!      nca nec: Y needs IND { on = raw }\n",
//!     env!("CARGO_MANIFEST_DIR"),
//! );
//! let run = study.run().expect("the study runs");
//! assert!(run.text().contains("nca nec"));
//! // The JSON document, at full precision.
//! let d = &run.json()["analyses"][0]["results"][0]["effect_size"];
//! assert!((d.as_f64().unwrap() - 0.4155079801588322).abs() < 1e-12);
//! // Every table of the document as a data frame: the NCA results, one row per condition
//! // and ceiling.
//! let results = run.frame("nec", "results").expect("a frame");
//! assert_eq!(results.rows(), 2);
//! ```

mod frames;

pub use frames::{frames, Column, Frame};

use crate::check::plan::{DataSet, Format, Step};
use crate::diagnostics::{render, Diag, Severity};
use crate::engine::data::{Cell, Table, TableError};
use crate::report::table::Doc;
use crate::session::{Mode, Session};
use crate::source::SourceMap;
use std::path::{Path, PathBuf};

/// What `toe --version` prints after the program's name: the version and what toe is (so
/// that a host can tell toe from another program called `toe`, such as ncurses').
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " — configurational studies (NCA and fsQCA)"
);

/// `toe 0.1.0 — configurational studies (NCA and fsQCA)`, as `toe --version` prints it.
pub fn version() -> String {
    format!("toe {VERSION}")
}

/// One diagnostic as a host shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// The stable code, e.g. `toe::check::unknown_option`.
    pub code: String,
    /// `"error"` or `"warning"`.
    pub severity: String,
    /// What was expected and what was found.
    pub message: String,
    /// One line of help (empty when there is none).
    pub help: String,
    /// The script's name, and the 1-based line and column of the place (0 when none).
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// The diagnostic as `toe` prints it (without colour), with the script's lines.
    pub rendered: String,
}

impl Diagnostic {
    fn of(d: &Diag, sources: &SourceMap) -> Diagnostic {
        let (file, line, column) = d
            .span
            .and_then(|s| sources.get(s.source).map(|f| (f, s.start)))
            .map(|(f, start)| {
                let start = start.min(f.text.len());
                let before = f.text.get(..start).unwrap_or("");
                let line = before.matches('\n').count() + 1;
                let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                (f.name.clone(), line, column)
            })
            .unwrap_or_default();
        Diagnostic {
            code: d.code.to_string(),
            severity: match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            }
            .to_string(),
            message: d.message.clone(),
            help: d.help.clone().unwrap_or_default(),
            file,
            line,
            column,
            rendered: render(d, sources, false, 100),
        }
    }
}

/// A study that failed: its errors (and the warnings before them).
#[derive(Debug, Clone, PartialEq)]
pub struct ToeError {
    pub diagnostics: Vec<Diagnostic>,
}

impl ToeError {
    /// The first error's code.
    pub fn code(&self) -> &str {
        self.diagnostics
            .iter()
            .find(|d| d.severity == "error")
            .map_or("toe::run::error", |d| d.code.as_str())
    }
}

impl std::fmt::Display for ToeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text: Vec<&str> = self
            .diagnostics
            .iter()
            .filter(|d| d.severity == "error")
            .map(|d| d.rendered.trim_end())
            .collect();
        write!(f, "{}", text.join("\n\n"))
    }
}

impl std::error::Error for ToeError {}

/// A column of a table handed over in memory (an R or pandas data frame).
#[derive(Debug, Clone, PartialEq)]
pub enum HostColumn {
    /// Numbers; NaN is missing.
    Numbers(Vec<f64>),
    /// Text; `None` is missing.
    Texts(Vec<Option<String>>),
}

impl HostColumn {
    fn len(&self) -> usize {
        match self {
            HostColumn::Numbers(v) => v.len(),
            HostColumn::Texts(v) => v.len(),
        }
    }
}

/// A table handed over in memory: named columns of equal length, and the column of case ids
/// (`None`: the cases are numbered 1, 2, …).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HostData {
    pub columns: Vec<(String, HostColumn)>,
    pub id: Option<String>,
}

/// A script, where it reads its data from, and the session that runs it.
pub struct Study {
    session: Session,
    name: String,
    path: Option<PathBuf>,
    text: String,
}

impl Study {
    /// A study from the text of a script; relative data paths are read from `base`.
    pub fn from_text(text: impl Into<String>, base: impl Into<PathBuf>) -> Study {
        Study {
            session: Session::new(base),
            name: "study.toe".into(),
            path: None,
            text: text.into(),
        }
    }

    /// A study from a script file; its folder is the base of relative data paths.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Study, ToeError> {
        let path = path.as_ref();
        let shown = path.display().to_string();
        let mut session = Session::new(crate::files::folder_of(path));
        let text = crate::files::read_script(path).map_err(|e| {
            let d = crate::files::script_diag(&e, &shown, None);
            ToeError {
                diagnostics: vec![Diagnostic::of(&d, &session.sources)],
            }
        })?;
        session
            .interp
            .add_input(&crate::files::resolved(path).unwrap_or_else(|| path.to_path_buf()));
        Ok(Study {
            session,
            name: shown,
            path: Some(path.to_path_buf()),
            text,
        })
    }

    /// The script's text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The session (after [`Study::check`]: the declared sets, their calibrations and
    /// memberships).
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// Hands the study a table in memory as its data (the script needs no `data` statement;
    /// one in the script replaces it). Columns must have equal lengths and distinct names;
    /// the id column must be complete and unique.
    ///
    /// ```
    /// use toe::api::{HostColumn, HostData, Study};
    /// let data = HostData {
    ///     columns: vec![
    ///         ("case".into(), HostColumn::Texts(vec![Some("a".into()), Some("b".into()), Some("c".into()), Some("d".into())])),
    ///         ("x".into(), HostColumn::Numbers(vec![0.0, 0.5, 1.0, 0.2])),
    ///         ("y".into(), HostColumn::Numbers(vec![0.0, 1.0, 1.0, 0.0])),
    ///     ],
    ///     id: Some("case".into()),
    /// };
    /// let script = "conditions { X = x }\noutcome Y = y\nnca n: Y needs X { on = raw  ceilings = [ce_fdh] }\n";
    /// let run = Study::from_text(script, ".").with_data(&data).unwrap().run().unwrap();
    /// // CE-FDH: the ceiling is 0 below x = 0.5 and 1 above, so d = 0.5 · 1 / (1 · 1).
    /// assert_eq!(run.json()["analyses"][0]["results"][0]["effect_size"], 0.5);
    /// // A column of ids with a gap is a diagnostic, not a panic.
    /// let bad = HostData { columns: vec![("x".into(), HostColumn::Numbers(vec![1.0]))], id: Some("case".into()) };
    /// let e = Study::from_text("", ".").with_data(&bad).err().unwrap();
    /// assert_eq!(e.code(), "toe::data::bad_data_frame");
    /// ```
    pub fn with_data(mut self, data: &HostData) -> Result<Study, ToeError> {
        let table = host_table(data).map_err(|message| self.error(message))?;
        let set = DataSet {
            name: "data".into(),
            path: "the data frame".into(),
            file: PathBuf::new(),
            sheet: None,
            sha256: host_sha256(data),
            table,
            span: crate::source::Span::new(0, 0, 0),
        };
        let step = Step::Data(std::sync::Arc::new(set));
        self.session
            .interp
            .record(&step)
            .map_err(|d| self.errors(vec![d]))?;
        Ok(self)
    }

    /// Checks the script as `toe check` does: every error and warning, in order (empty when
    /// the script is fine). Nothing runs and no file is written.
    pub fn check(&mut self) -> Vec<Diagnostic> {
        let (_, diags) = self
            .session
            .check_all(&self.name, self.path.clone(), self.text.clone());
        diags
            .iter()
            .map(|d| Diagnostic::of(d, &self.session.sources))
            .collect()
    }

    /// Runs the script as `toe run` does (exports written when the whole run succeeds).
    pub fn run(mut self) -> Result<Run, ToeError> {
        self.session.docs = Some(Vec::new());
        let r = match &self.path {
            Some(p) => {
                let p = p.clone();
                self.session.run_file(&p, Mode::Run)
            }
            None => self.session.run_text(&self.name, None, self.text.clone()),
        };
        let text = r.map_err(|d| self.errors(d))?;
        let docs = self.session.docs.take().unwrap_or_default();
        let json = self.session.document(&self.name, self.text.as_bytes());
        let frames = frames(&json);
        Ok(Run {
            study: self,
            text,
            docs,
            json,
            frames,
        })
    }

    fn error(&self, message: String) -> ToeError {
        let d = Diag::error(crate::diagnostics::codes::BAD_DATA_FRAME, message)
            .help("pass a data frame whose columns have one value per case and distinct names");
        self.errors(vec![d])
    }

    fn errors(&self, diags: Vec<Diag>) -> ToeError {
        let mut all: Vec<Diagnostic> = self
            .session
            .warnings()
            .iter()
            .map(|w| Diagnostic::of(w, &self.session.sources))
            .collect();
        all.extend(
            diags
                .iter()
                .map(|d| Diagnostic::of(d, &self.session.sources)),
        );
        ToeError { diagnostics: all }
    }
}

/// How [`Run::render`] writes the run's output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Render {
    /// As `toe run` prints it.
    Text,
    /// Pipe tables, the lines between them in fenced blocks (R Markdown, Quarto, Jupyter).
    Markdown,
    /// An HTML fragment with its own small style (notebooks, web pages).
    Html,
}

/// A study that has run: what it printed, its documents, its JSON and its tables.
pub struct Run {
    study: Study,
    text: String,
    docs: Vec<Doc>,
    json: serde_json::Value,
    frames: Vec<Frame>,
}

impl Run {
    /// What `toe run` printed.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The JSON document (docs/output.md), numbers at full precision.
    pub fn json(&self) -> &serde_json::Value {
        &self.json
    }

    /// The JSON document as text, as `toe run --json` writes it.
    pub fn json_text(&self) -> String {
        serde_json::to_string_pretty(&self.json).unwrap_or_default() + "\n"
    }

    /// Every array of records of the JSON document as a data frame ([`frames`]).
    pub fn frames(&self) -> &[Frame] {
        &self.frames
    }

    /// The frame `key` of the analysis `analysis` (`"nec"`, `"results"`).
    pub fn frame(&self, analysis: &str, key: &str) -> Option<&Frame> {
        self.frames
            .iter()
            .find(|f| f.analysis == analysis && f.key == key)
    }

    /// The warnings of the run.
    pub fn warnings(&self) -> Vec<Diagnostic> {
        let s = &self.study.session;
        s.warnings()
            .iter()
            .map(|w| Diagnostic::of(w, &s.sources))
            .collect()
    }

    /// The run's output (every statement's tables and lines, in order) in a format.
    ///
    /// ```
    /// use toe::api::{Render, Study};
    /// let script = "data d = csv(\"tests/conformance/nca/nca_example.csv\", id = Country)\n\
    ///               conditions { IND = \"Individualism\" }\noutcome Y = \"Innovation performance\"\n\
    ///               nca nec: Y needs IND { on = raw }\nshow nca of nec\n";
    /// let mut run = Study::from_text(script, env!("CARGO_MANIFEST_DIR")).run().unwrap();
    /// assert!(run.render(Render::Markdown).contains("| condition |"));
    /// assert!(run.render(Render::Html).starts_with("<div class=\"toe-output\">"));
    /// // One more statement on the results, rendered alone; a bad one is an error with a code.
    /// assert!(run.show("show bottlenecks of nec", Render::Text).unwrap().contains("bottleneck"));
    /// assert_eq!(run.show("show bottlenecks of nothing", Render::Text).unwrap_err().code(), "toe::check::unknown_analysis");
    /// ```
    pub fn render(&self, how: Render) -> String {
        render_docs(&self.docs, how, self.study.session.style)
    }

    /// Runs one more statement on the results — `show truth_table of high`, a query — and
    /// renders what it prints.
    pub fn show(&mut self, statement: &str, how: Render) -> Result<String, ToeError> {
        let s = &mut self.study.session;
        s.docs = Some(Vec::new());
        let r = s.run_text("show", None, statement.to_string());
        let docs = s.docs.take().unwrap_or_default();
        r.map_err(|d| self.study.errors(d))?;
        Ok(render_docs(&docs, how, self.study.session.style))
    }

    /// The study report (`toe report`) in HTML, Markdown, LaTeX or Word (the bytes of a .docx).
    pub fn report(&mut self, format: Format) -> Result<Vec<u8>, ToeError> {
        let (name, text) = (self.study.name.clone(), self.study.text.clone());
        self.study
            .session
            .report(&name, text.as_bytes(), format, &name)
            .map_err(|d| self.study.errors(vec![d]))
    }

    /// The session, for what the API does not cover (typed results: `session().results()`).
    pub fn session(&self) -> &Session {
        &self.study.session
    }
}

/// Documents rendered as text, Markdown or an HTML fragment.
pub fn render_docs(docs: &[Doc], how: Render, style: crate::report::table::Style) -> String {
    match how {
        Render::Text => docs
            .iter()
            .map(|d| crate::report::table::text(d, style))
            .collect(),
        Render::Markdown => crate::report::markdown::fragment(docs, style),
        Render::Html => crate::report::html::fragment(docs, style),
    }
}

/// The engine's table from a host's columns.
fn host_table(data: &HostData) -> Result<Table, String> {
    let n = data.columns.first().map_or(0, |(_, c)| c.len());
    if data.columns.is_empty() {
        return Err("expected a data frame with columns, found none".into());
    }
    if let Some((name, c)) = data.columns.iter().find(|(_, c)| c.len() != n) {
        return Err(format!(
            "expected columns of {n} values, found {} in `{name}`",
            c.len()
        ));
    }
    let headers: Vec<String> = data.columns.iter().map(|(h, _)| h.clone()).collect();
    let rows: Vec<Vec<Cell>> = (0..n)
        .map(|i| {
            data.columns
                .iter()
                .map(|(_, c)| match c {
                    HostColumn::Numbers(v) if v[i].is_nan() => Cell::Empty,
                    HostColumn::Numbers(v) if !v[i].is_finite() => {
                        Cell::Typed(crate::engine::data::CellKind::NonFinite, v[i].to_string())
                    }
                    HostColumn::Numbers(v) => Cell::Number(v[i]),
                    HostColumn::Texts(v) => match &v[i] {
                        Some(t) => Cell::Text(t.clone()),
                        None => Cell::Empty,
                    },
                })
                .collect()
        })
        .collect();
    Table::build(headers, rows, &[], data.id.as_deref()).map_err(|e| match e {
        TableError::NoRows => "expected a data frame with cases, found no rows".to_string(),
        TableError::NoColumns => "expected a data frame with columns, found none".to_string(),
        TableError::DuplicateColumn(c) => {
            format!("expected distinct column names, found `{c}` twice")
        }
        TableError::UnknownIdColumn(c, _) => {
            format!("expected the id column among the data frame's columns, found `{c}`")
        }
        TableError::MissingId { row } => {
            format!(
                "expected a case id in every row, found none in row {}",
                row + 1
            )
        }
        TableError::DuplicateId { id, first, second } => format!(
            "expected unique case ids, found `{id}` in rows {} and {}",
            first + 1,
            second + 1
        ),
        TableError::IdsTooLong { row } => {
            format!(
                "expected case ids of at most 4 GiB of text in all, found more by row {}",
                row + 1
            )
        }
        TableError::RaggedRow { row, .. } => {
            format!(
                "expected one value per column, found another count in row {}",
                row + 1
            )
        }
    })
}

/// A digest of the host's table, for the report's provenance.
fn host_sha256(data: &HostData) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for (name, c) in &data.columns {
        h.update(name.as_bytes());
        h.update([0]);
        match c {
            HostColumn::Numbers(v) => v.iter().for_each(|x| h.update(x.to_le_bytes())),
            HostColumn::Texts(v) => v.iter().for_each(|t| {
                h.update(t.as_deref().unwrap_or("\u{0}NA").as_bytes());
                h.update([0]);
            }),
        }
    }
    format!("{:x}", h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A table in memory is the study's data: ids, numbers, a missing value.
    #[test]
    fn a_host_table_is_the_data() {
        let data = HostData {
            columns: vec![
                (
                    "case".into(),
                    HostColumn::Texts(vec![Some("a".into()), Some("b".into()), Some("c".into())]),
                ),
                ("x".into(), HostColumn::Numbers(vec![0.2, f64::NAN, 0.9])),
            ],
            id: Some("case".into()),
        };
        let t = host_table(&data).expect("table");
        assert_eq!(t.ids, vec!["a", "b", "c"]);
        assert!(t.column(1)[1].is_nan());
        let bad = HostData {
            columns: vec![
                ("x".into(), HostColumn::Numbers(vec![1.0])),
                ("y".into(), HostColumn::Numbers(vec![1.0, 2.0])),
            ],
            id: None,
        };
        assert_eq!(
            host_table(&bad).unwrap_err(),
            "expected columns of 1 values, found 2 in `y`"
        );
    }
}
