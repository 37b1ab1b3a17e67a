//! Stage 4, the interpreter: runs a script statement by statement. `toe run`, `toe check` and
//! the REPL share this one [`Session`].
//!
//! Guarantees: each statement is checked (via `check`) before it changes the session; a
//! statement that fails leaves the session as it was, so the REPL can go on; nothing a user
//! types or feeds in makes it panic. Output text is deterministic.

pub mod analyses;
pub mod export;
pub mod fsqca;
pub mod robustness;
mod show;

use crate::check::{self, load, plan::*};
use crate::diagnostics::{codes, suggestion, Diag};
use crate::engine::data::{format_number, Table, TableError};
use crate::engine::sets;
use crate::source::{SourceMap, Span};
use crate::syntax::ast::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The standard library, embedded: (module name, text).
pub const STDLIB: [(&str, &str); 3] = [
    ("frameworks", include_str!("../../stdlib/frameworks.toe")),
    ("calibration", include_str!("../../stdlib/calibration.toe")),
    ("robustness", include_str!("../../stdlib/robustness.toe")),
];

/// The loaded data set.
#[derive(Debug, Clone)]
pub struct DataSet {
    pub name: String,
    /// The path as written in the script.
    pub path: String,
    pub sha256: String,
    pub table: Table,
    pub span: Span,
}

/// Index weights per group (`None`: no `by`).
type GroupWeights = Vec<(Option<String>, Vec<f64>)>;

/// A composite index (`index NAME = entropy(…)` or `mean(…)`).
#[derive(Debug, Clone)]
pub struct IndexInfo {
    pub function: String,
    /// Indicator columns; `true` for a negative indicator (`-col`).
    pub indicators: Vec<(String, bool)>,
    /// The grouping column of `by = COL`, if any.
    pub by: Option<String>,
    /// Weights per group (one unnamed group without `by`), groups in order of appearance.
    pub weights: GroupWeights,
    pub values: Vec<f64>,
}

/// What a result of a query or analysis adds to the JSON document.
pub type JsonValue = serde_json::Value;

/// One interpreter session.
pub struct Session {
    pub sources: SourceMap,
    /// Folder that relative paths are resolved against (the script's folder).
    pub base_dir: PathBuf,
    /// `toe check`: declarations are applied, queries and analyses only checked.
    pub check_only: bool,
    /// Unicode symbols in tables (● • ⊗ ⊘); ASCII (O o X x) with `--plain`.
    pub unicode: bool,
    /// Show a progress bar on long runs (stderr is a terminal).
    pub progress: bool,
    pub study: Option<(String, Span)>,
    pub data: Option<DataSet>,
    pub sets: Vec<SetInfo>,
    pub rules: Vec<CalibRule>,
    pub frameworks: BTreeMap<String, Vec<String>>,
    /// Composite indices: name → (function, indicators with their sign, weights, values).
    pub indices: BTreeMap<String, IndexInfo>,
    /// Named sweeps (`sweep NAME { vary … }`) for robustness blocks.
    pub sweeps: BTreeMap<String, Vec<Vary>>,
    /// Results of robustness sweeps, as JSON analyses of kind "robustness".
    pub robustness: Vec<JsonValue>,
    /// Named calibrations (`calibration quartiles = direct(…)`).
    pub presets: BTreeMap<String, Call>,
    /// The framework a conditions block declared, and its span.
    pub framework: Option<(String, Span)>,
    pub analyses: Vec<AnalysisPlan>,
    /// Results of analyses, by name, as JSON (OUTPUT.md `analyses`).
    pub results: BTreeMap<String, JsonValue>,
    /// NCA results by analysis name, for `show`.
    pub nca_runs: BTreeMap<String, analyses::NcaRun>,
    /// fsQCA results by analysis name, for `show`.
    pub fsqca_runs: BTreeMap<String, fsqca::FsqcaRun>,
    pub queries: Vec<JsonValue>,
    pub warnings: Vec<Diag>,
    /// Warnings not yet shown to the user.
    pub pending: Vec<Diag>,
    use_stack: Vec<PathBuf>,
}

impl Session {
    pub fn new(base_dir: impl Into<PathBuf>) -> Self {
        let mut s = Session {
            sources: SourceMap::new(),
            base_dir: base_dir.into(),
            check_only: false,
            unicode: true,
            progress: false,
            study: None,
            data: None,
            sets: Vec::new(),
            rules: Vec::new(),
            frameworks: BTreeMap::new(),
            presets: BTreeMap::new(),
            robustness: Vec::new(),
            sweeps: BTreeMap::new(),
            indices: BTreeMap::new(),
            framework: None,
            analyses: Vec::new(),
            results: BTreeMap::new(),
            nca_runs: BTreeMap::new(),
            fsqca_runs: BTreeMap::new(),
            queries: Vec::new(),
            warnings: Vec::new(),
            pending: Vec::new(),
            use_stack: Vec::new(),
        };
        // The prelude: every module of the standard library. A failure here is a bug, caught
        // by a test.
        for (name, _) in STDLIB {
            if let Err(d) = s.run_module(name) {
                debug_assert!(false, "the standard library failed to load: {d:?}");
            }
        }
        s
    }

    /// Registers and runs a whole text. Stops at the first statement that fails.
    pub fn run_text(
        &mut self,
        name: &str,
        path: Option<PathBuf>,
        text: String,
    ) -> Result<String, Vec<Diag>> {
        let id = self.sources.add(name, path, text);
        self.run_source(id)
    }

    fn run_source(&mut self, id: u32) -> Result<String, Vec<Diag>> {
        let text = self
            .sources
            .get(id)
            .map(|f| f.text.clone())
            .unwrap_or_default();
        let program = crate::syntax::parse(&text, id)?;
        let mut out = String::new();
        for stmt in &program.statements {
            out.push_str(&self.run_stmt(stmt).map_err(|d| vec![d])?);
        }
        Ok(out)
    }

    fn run_module(&mut self, name: &str) -> Result<String, Vec<Diag>> {
        let text = STDLIB
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| t.to_string())
            .unwrap_or_default();
        let id = self.sources.add(format!("std.{name}"), None, text);
        self.run_source(id)
    }

    fn warn(&mut self, d: Diag) {
        if !self.warnings.contains(&d) {
            self.warnings.push(d.clone());
            self.pending.push(d);
        }
    }

    /// Names of declared sets.
    pub fn set_names(&self) -> Vec<&str> {
        self.sets.iter().map(|s| s.name.as_str()).collect()
    }

    pub fn set(&self, name: &str) -> Option<&SetInfo> {
        self.sets.iter().find(|s| s.name == name)
    }

    /// Runs one statement.
    pub fn run_stmt(&mut self, stmt: &Stmt) -> Result<String, Diag> {
        match &stmt.kind {
            StmtKind::Study(title) => {
                if let Some((_, first)) = &self.study {
                    return Err(Diag::error(
                        codes::DUPLICATE_STUDY,
                        "expected at most one `study`, found a second",
                    )
                    .at(stmt.span, "second study statement")
                    .note(*first, "first here")
                    .help("a script declares one study; remove one of them"));
                }
                self.study = Some((title.node.clone(), stmt.span));
                Ok(String::new())
            }
            StmtKind::Data { name, source } => self.run_data(name, source, stmt.span),
            StmtKind::Index { name, call } => self.run_index(name, call),
            StmtKind::Preset { name, call } => {
                if check::METHODS.contains(&name.node.as_str()) {
                    return Err(Diag::error(
                        codes::DUPLICATE_SET,
                        format!(
                            "expected a new calibration name, found the method `{}`",
                            name.node
                        ),
                    )
                    .at(name.span, "a built-in method")
                    .help("name the preset differently, e.g. `my_direct`"));
                }
                // Check the method now, so that a bad preset fails where it is written.
                let probe = CalibItem {
                    targets: vec![Target::Star(name.span)],
                    method: call.clone(),
                    bare: false,
                    span: call.span,
                };
                check::calib_rules(&probe)?;
                self.presets.insert(name.node.clone(), call.clone());
                Ok(String::new())
            }
            StmtKind::Framework { name, dimensions } => {
                let dims: Vec<String> = dimensions.iter().map(|d| d.node.clone()).collect();
                self.frameworks.insert(name.node.clone(), dims);
                Ok(String::new())
            }
            StmtKind::Conditions { framework, items } => {
                self.run_conditions(framework.as_ref(), items)
            }
            StmtKind::Outcome(def) => {
                let info = self.declare_set(def, Role::Outcome, None)?;
                self.add_set(info)?;
                Ok(String::new())
            }
            StmtKind::Calibrate(items) => self.run_calibrate(items),
            StmtKind::Nca(a) => {
                let plan = self.check_analysis(a, true, stmt.span)?;
                self.run_analysis(plan)
            }
            StmtKind::Fsqca(a) => {
                let plan = self.check_analysis(a, false, stmt.span)?;
                self.run_analysis(plan)
            }
            StmtKind::Necessary { expr, outcome } => self.run_query(true, expr, outcome, stmt.span),
            StmtKind::Sufficient { expr, outcome } => {
                self.run_query(false, expr, outcome, stmt.span)
            }
            StmtKind::Show { what, of, extra } => self.run_show(what, of.as_ref(), extra.as_ref()),
            StmtKind::Export { name, path } => {
                self.analysis_named(name)?;
                self.run_export(&name.node, &path.node, path.span)
            }
            StmtKind::Robustness { of, items } => {
                let mut varies = Vec::new();
                for it in items {
                    match it {
                        RobustItem::Vary(v) => varies.push(v.clone()),
                        RobustItem::Sweep(n) => match self.sweeps.get(&n.node) {
                            Some(vs) => varies.extend(vs.iter().cloned()),
                            None => {
                                let names: Vec<&str> =
                                    self.sweeps.keys().map(|s| s.as_str()).collect();
                                return Err(check::unknown(
                                    codes::UNKNOWN_SET,
                                    "sweep",
                                    &n.node,
                                    n.span,
                                    &names,
                                ));
                            }
                        },
                    }
                }
                self.run_robustness(of, &varies, stmt.span)
            }
            StmtKind::Sweep { name, varies } => {
                self.sweeps.insert(name.node.clone(), varies.clone());
                Ok(String::new())
            }
            StmtKind::Use(target) => self.run_use(target),
        }
    }

    pub(crate) fn analysis_named(&self, name: &Ident) -> Result<&AnalysisPlan, Diag> {
        self.analyses
            .iter()
            .find(|a| a.name() == name.node)
            .ok_or_else(|| {
                let names: Vec<&str> = self.analyses.iter().map(|a| a.name()).collect();
                check::unknown(
                    codes::UNKNOWN_ANALYSIS,
                    "analysis",
                    &name.node,
                    name.span,
                    &names,
                )
            })
    }

    // ------------------------------------------------------------------ use

    fn run_use(&mut self, target: &UseTarget) -> Result<String, Diag> {
        match target {
            UseTarget::Module(m) => {
                let name = m.node.strip_prefix("std.").unwrap_or("");
                let names: Vec<&str> = STDLIB.iter().map(|(n, _)| *n).collect();
                if !names.contains(&name) {
                    let full: Vec<String> = names.iter().map(|n| format!("std.{n}")).collect();
                    let refs: Vec<&str> = full.iter().map(|s| s.as_str()).collect();
                    return Err(check::unknown(
                        codes::UNKNOWN_MODULE,
                        "module of the standard library",
                        &m.node,
                        m.span,
                        &refs,
                    ));
                }
                self.run_module(name).map_err(|mut d| d.remove(0))
            }
            UseTarget::File(p) => {
                let path = self.base_dir.join(&p.node);
                let canon = path.canonicalize().map_err(|_| {
                    Diag::error(
                        codes::MISSING_FILE,
                        format!("expected a script at `{}`, found no file", p.node),
                    )
                    .at(p.span, "no such file")
                    .help("paths are relative to the folder of the script".to_string())
                })?;
                if self.use_stack.contains(&canon) {
                    return Err(Diag::error(codes::USE_CYCLE, format!("expected scripts that do not use each other in a circle, found `{}` again", p.node))
                        .at(p.span, "this script is already being loaded")
                        .help("remove one of the `use` statements of the cycle"));
                }
                let text = std::fs::read(&canon).map_err(|e| {
                    Diag::error(
                        codes::READ_ERROR,
                        format!("expected a readable script, found an error: {e}"),
                    )
                    .at(p.span, "cannot read")
                    .help("check the file's permissions")
                })?;
                let text = String::from_utf8(text).map_err(|_| {
                    Diag::error(
                        codes::NOT_UTF8,
                        "expected a UTF-8 text script, found other bytes",
                    )
                    .at(p.span, "not a text file")
                    .help("save the script as UTF-8")
                })?;
                let id = self.sources.add(p.node.clone(), Some(canon.clone()), text);
                self.use_stack.push(canon);
                let r = self.run_source(id);
                self.use_stack.pop();
                r.map_err(|mut d| d.remove(0))
            }
        }
    }

    // ------------------------------------------------------------------ data

    fn run_data(&mut self, name: &Ident, call: &Call, span: Span) -> Result<String, Diag> {
        if let Some(d) = &self.data {
            return Err(Diag::error(
                codes::DUPLICATE_DATA,
                format!(
                    "expected one `data` statement, found a second (`{}` is loaded)",
                    d.name
                ),
            )
            .at(span, "second data statement")
            .note(d.span, "first here")
            .help("a study analyses one table; merge the files beforehand"));
        }
        let (kind, params): (&str, &[&str]) = match call.name.node.as_str() {
            "csv" => ("csv", &["path", "id", "na", "sep"]),
            "xlsx" | "xls" | "ods" => ("xlsx", &["path", "sheet", "id", "na"]),
            other => {
                let help = match other {
                    "read.csv" | "read_csv" | "fread" => {
                        "toe writes `csv(\"file.csv\", id = case)`".to_string()
                    }
                    "read_excel" | "read.xlsx" => {
                        "toe writes `xlsx(\"file.xlsx\", sheet = \"…\")`".to_string()
                    }
                    _ => suggestion(other, &["csv", "xlsx"], "data function"),
                };
                return Err(Diag::error(
                    codes::UNKNOWN_SOURCE,
                    format!("expected `csv(…)` or `xlsx(…)`, found `{other}(…)`"),
                )
                .at(call.name.span, "unknown data function")
                .help(help));
            }
        };
        let args = check::bind_args(call, params, 1)?;
        let path_v = args[0].ok_or_else(|| {
            Diag::error(
                codes::MISSING_ARGUMENT,
                format!("expected a file path for `{}`, found none", call.name.node),
            )
            .at(call.span, "no path")
            .help(format!(
                "for example `{}(\"data/study.{}\")`",
                call.name.node, call.name.node
            ))
        })?;
        let path = string_value(path_v, "a file path in quotes")?;
        let idx = |k: &str| params.iter().position(|p| *p == k);
        let id = match idx("id").and_then(|i| args[i]) {
            Some(v) => Some((column_value(v)?, v.span)),
            None => None,
        };
        let mut na: Vec<String> = vec!["".into(), "NA".into()];
        if let Some(v) = idx("na").and_then(|i| args[i]) {
            na = match &v.kind {
                ValueKind::List(items) => items
                    .iter()
                    .map(|i| string_value(i, "a missing-value marker in quotes"))
                    .collect::<Result<_, _>>()?,
                _ => vec![string_value(v, "a list of missing-value markers")?],
            };
        }
        let full = self.base_dir.join(&path);
        let load_err = |e: load::LoadError| -> Diag {
            let file = path.clone();
            match e {
                load::LoadError::Missing => Diag::error(codes::MISSING_FILE, format!("expected a data file at `{file}`, found no file"))
                    .at(path_v.span, "no such file")
                    .help("paths are relative to the folder of the script".to_string()),
                load::LoadError::Io(m) | load::LoadError::Workbook(m) => Diag::error(codes::READ_ERROR, format!("expected a readable data file, found an error: {m}"))
                    .at(path_v.span, "cannot read this file")
                    .help("check that the file is a CSV or an xlsx workbook and is not open elsewhere"),
                load::LoadError::NotText { line } => Diag::error(codes::BAD_CSV, format!("expected UTF-8 text in `{file}`, found binary data on line {line}"))
                    .at(path_v.span, "not a text file")
                    .help("export the data as CSV (UTF-8) or read a workbook with `xlsx(…)`"),
                load::LoadError::Malformed { line, message } => Diag::error(codes::BAD_CSV, format!("expected well-formed CSV in `{file}`, found an error on line {line}: {message}"))
                    .at(path_v.span, "malformed file")
                    .help("check the quotes and the separator (`sep = \";\"` for semicolons)"),
                load::LoadError::Ragged { line, expected, found } => Diag::error(codes::BAD_CSV, format!("expected {expected} fields on line {line} of `{file}`, found {found}"))
                    .at(path_v.span, "rows of unequal length")
                    .help("every row needs a cell for every column; check the separator (`sep = \";\"`)"),
                load::LoadError::NoSheet { sheet, sheets } => {
                    let refs: Vec<&str> = sheets.iter().map(|s| s.as_str()).collect();
                    Diag::error(codes::NO_SHEET, format!("expected a sheet of `{file}`, found no sheet `{sheet}`"))
                        .at(path_v.span, "in this workbook")
                        .help(suggestion(&sheet, &refs, "sheet"))
                }
            }
        };
        let (headers, rows) = if kind == "csv" {
            let sep = match idx("sep").and_then(|i| args[i]) {
                Some(v) => {
                    let s = string_value(v, "a one-character separator in quotes")?;
                    let s = if s == "\\t" { "\t".to_string() } else { s };
                    if s.len() != 1 {
                        return Err(Diag::error(
                            codes::BAD_ARGUMENT,
                            format!("expected a one-character separator, found \"{s}\""),
                        )
                        .at(v.span, "not one character")
                        .help("for example `sep = \";\"` or `sep = \"\\t\"`"));
                    }
                    s.as_bytes()[0]
                }
                None => b',',
            };
            load::read_csv(&full, sep).map_err(load_err)?
        } else {
            let sheet = match idx("sheet").and_then(|i| args[i]) {
                Some(v) => Some(match &v.kind {
                    ValueKind::Number(n) => format_number(*n),
                    _ => string_value(v, "a sheet name in quotes")?,
                }),
                None => None,
            };
            load::read_workbook(&full, sheet.as_deref()).map_err(load_err)?
        };
        let table = Table::build(headers.clone(), rows, &na, id.as_ref().map(|(c, _)| c.as_str())).map_err(|e| {
            let line = |r: usize| r + 2;
            match e {
                TableError::NoRows => Diag::error(codes::EMPTY_DATA, format!("expected at least one case in `{path}`, found none"))
                    .at(path_v.span, "no data rows")
                    .help("the first line holds the column names, each further line a case"),
                TableError::NoColumns => Diag::error(codes::EMPTY_DATA, format!("expected a header line in `{path}`, found an empty file"))
                    .at(path_v.span, "empty file")
                    .help("the first line holds the column names, each further line a case"),
                TableError::DuplicateColumn(c) => Diag::error(codes::DUPLICATE_COLUMN, format!("expected unique column names in `{path}`, found `{c}` twice"))
                    .at(path_v.span, "in this file")
                    .help("rename one of the two columns"),
                TableError::UnknownIdColumn(c) => {
                    let refs: Vec<&str> = headers.iter().map(|s| s.as_str()).collect();
                    let sp = id.as_ref().map(|(_, s)| *s).unwrap_or(call.span);
                    check::unknown(codes::UNKNOWN_COLUMN, "column", &c, sp, &refs)
                }
                TableError::MissingId { row } => Diag::error(codes::MISSING_ID, format!("expected a case id in every row, found none in row {} (line {})", row + 1, line(row)))
                    .at(id.as_ref().map(|(_, s)| *s).unwrap_or(call.span), "the id column")
                    .help("give every case a label, or drop `id` to number the cases"),
                TableError::DuplicateId { id: dup, first, second } => Diag::error(
                    codes::DUPLICATE_ID,
                    format!("expected unique case ids, found `{dup}` in rows {} and {} (lines {} and {})", first + 1, second + 1, line(first), line(second)),
                )
                .at(id.as_ref().map(|(_, s)| *s).unwrap_or(call.span), "ids from this column")
                .help("each case needs its own label; fix the data or choose another id column"),
                TableError::RaggedRow { row, expected, found } => Diag::error(codes::BAD_CSV, format!("expected {expected} cells in row {}, found {found}", row + 1))
                    .at(path_v.span, "rows of unequal length")
                    .help("every row needs a cell for every column"),
            }
        })?;
        let bytes = std::fs::read(&full).unwrap_or_default();
        let sha = sha256_hex(&bytes);
        self.data = Some(DataSet {
            name: name.node.clone(),
            path,
            sha256: sha,
            table,
            span,
        });
        Ok(String::new())
    }

    // ------------------------------------------------------------------ index

    fn run_index(&mut self, name: &Ident, call: &Call) -> Result<String, Diag> {
        let data = self.data_or_err(name.span)?;
        if data.table.column_index(&name.node).is_some() {
            return Err(Diag::error(
                codes::INDEX_ERROR,
                format!(
                    "expected a new column name, found `{}` already in the data",
                    name.node
                ),
            )
            .at(name.span, "taken")
            .help("choose another name for the index"));
        }
        let fun = call.name.node.as_str();
        if fun != "entropy" && fun != "mean" {
            return Err(Diag::error(
                codes::INDEX_ERROR,
                format!("expected `entropy(…)` or `mean(…)`, found `{fun}(…)`"),
            )
            .at(call.name.span, "unknown index")
            .help(suggestion(fun, &["entropy", "mean"], "index function")));
        }
        let mut cols: Vec<(Vec<f64>, bool)> = Vec::new();
        let mut indicators: Vec<(String, bool)> = Vec::new();
        let mut by: Option<(String, Vec<String>)> = None;
        for a in &call.args {
            if let Some(n) = &a.name {
                if n.node == "by" && fun == "entropy" {
                    let col = column_value(&a.value)?;
                    let j = self.column_of(&col, a.value.span)?;
                    let labels = self.data_or_err(a.value.span)?.table.labels(j);
                    by = Some((col, labels));
                    continue;
                }
                return Err(Diag::error(codes::UNKNOWN_ARGUMENT, format!("expected indicators (and `by = COL` for entropy), found the option `{}`", n.node))
                    .at(a.span, "unknown option")
                    .help("list the indicator columns; `-col` marks a negative indicator; `by = year` weights within groups"));
            }
            let (col, negative) = match &a.value.kind {
                ValueKind::Ident(c) | ValueKind::Str(c) => (c.clone(), false),
                ValueKind::NegIdent(c) => (c.clone(), true),
                _ => {
                    return Err(Diag::error(
                        codes::BAD_ARGUMENT,
                        format!("expected a column, found {}", a.value.kind.describe()),
                    )
                    .at(a.value.span, "not a column")
                    .help("list the indicator columns; `-col` marks a negative indicator"))
                }
            };
            let j = self.column_of(&col, a.value.span)?;
            indicators.push((col.clone(), negative));
            cols.push((self.numeric_column(j, a.value.span)?, negative));
        }
        if cols.is_empty() {
            return Err(Diag::error(
                codes::MISSING_ARGUMENT,
                "expected at least one indicator, found none",
            )
            .at(call.span, "empty index")
            .help("for example `entropy(a, b, -c)`"));
        }
        let n = cols[0].0.len();
        let constant = |j: usize, group: Option<&str>| {
            let what = group
                .map(|g| format!(" in group `{g}`"))
                .unwrap_or_default();
            Diag::error(
                codes::CONSTANT_COLUMN,
                format!("expected indicators that vary{what}, found a constant one"),
            )
            .at(call.args[j].span, "constant (or missing) indicator")
            .help("a constant indicator carries no information; drop it")
        };
        let (weights, values): (GroupWeights, Vec<f64>) = if fun == "mean" {
            let w = vec![1.0 / cols.len() as f64; cols.len()];
            let v = (0..n)
                .map(|i| {
                    cols.iter()
                        .map(|(c, neg)| if *neg { -c[i] } else { c[i] })
                        .sum::<f64>()
                        / cols.len() as f64
                })
                .collect();
            (vec![(None, w)], v)
        } else if let Some((_, labels)) = &by {
            let mut groups: Vec<String> = Vec::new();
            for l in labels {
                if !groups.contains(l) {
                    groups.push(l.clone());
                }
            }
            let mut values = vec![f64::NAN; n];
            let mut weights = Vec::new();
            for g in &groups {
                let rows: Vec<usize> = (0..n).filter(|&i| &labels[i] == g).collect();
                let sub: Vec<(Vec<f64>, bool)> = cols
                    .iter()
                    .map(|(c, neg)| (rows.iter().map(|&i| c[i]).collect(), *neg))
                    .collect();
                let (w, v) = crate::engine::entropy::entropy_weights(&sub)
                    .map_err(|j| constant(j, Some(g)))?;
                for (k, &i) in rows.iter().enumerate() {
                    values[i] = v[k];
                }
                weights.push((Some(g.clone()), w));
            }
            (weights, values)
        } else {
            let (w, v) =
                crate::engine::entropy::entropy_weights(&cols).map_err(|j| constant(j, None))?;
            (vec![(None, w)], v)
        };
        self.indices.insert(
            name.node.clone(),
            IndexInfo {
                function: fun.to_string(),
                indicators,
                by: by.map(|b| b.0),
                weights,
                values: values.clone(),
            },
        );
        if let Some(d) = &mut self.data {
            let t = &mut d.table;
            t.columns.push(name.node.clone());
            t.text.push(None);
            for (row, v) in t.cells.iter_mut().zip(&values) {
                row.push(crate::engine::data::format_number(*v));
            }
            let col = ndarray::Array1::from(values);
            let _ = t.values.push_column(col.view());
        }
        Ok(String::new())
    }

    fn data_or_err(&self, span: Span) -> Result<&DataSet, Diag> {
        self.data.as_ref().ok_or_else(|| {
            Diag::error(
                codes::NO_DATA,
                "expected a `data` statement first, found none",
            )
            .at(span, "no data loaded yet")
            .help("start the script with `data NAME = csv(\"file.csv\", id = case)`")
        })
    }

    fn column_of(&self, col: &str, span: Span) -> Result<usize, Diag> {
        let data = self.data_or_err(span)?;
        data.table.column_index(col).ok_or_else(|| {
            let refs: Vec<&str> = data.table.columns.iter().map(|s| s.as_str()).collect();
            Diag::error(
                codes::UNKNOWN_COLUMN,
                format!("expected a column of `{}`, found `{col}`", data.path),
            )
            .at(span, "no such column")
            .help(suggestion(col, &refs, "column"))
        })
    }

    fn numeric_column(&self, j: usize, span: Span) -> Result<Vec<f64>, Diag> {
        let data = self.data_or_err(span)?;
        if let Some(t) = &data.table.text[j] {
            return Err(Diag::error(
                codes::TEXT_CELL,
                format!(
                    "expected numbers in column `{}`, found \"{}\" in row {} (case `{}`, line {} of `{}`)",
                    data.table.columns[j],
                    t.text,
                    t.row + 1,
                    data.table.ids.get(t.row).map(|s| s.as_str()).unwrap_or("?"),
                    t.row + 2,
                    data.path
                ),
            )
            .at(span, "this column is used here")
            .help("fix the cell, or list the marker as missing: `na = [\"\", \"NA\", \"…\"]`"));
        }
        Ok(data.table.column(j))
    }

    // ------------------------------------------------------------------ sets

    fn declare_set(
        &self,
        def: &SetDef,
        role: Role,
        dimension: Option<&Ident>,
    ) -> Result<SetInfo, Diag> {
        if let Some(prev) = self.set(&def.name.node) {
            return Err(Diag::error(
                codes::DUPLICATE_SET,
                format!(
                    "expected a new set name, found `{}` declared before",
                    def.name.node
                ),
            )
            .at(def.name.span, "declared again")
            .note(prev.span, "first declared here")
            .help("give each condition and outcome its own name"));
        }
        let j = self.column_of(&def.column.node, def.column.span)?;
        let raw = self.numeric_column(j, def.column.span)?;
        Ok(SetInfo {
            name: def.name.node.clone(),
            role,
            dimension: dimension.map(|d| d.node.clone()),
            column: def.column.node.clone(),
            column_index: j,
            label: def.label.as_ref().map(|l| l.node.clone()),
            span: def.name.span,
            raw,
            calibration: None,
            membership: None,
        })
    }

    /// Adds a set and calibrates it if a rule applies.
    fn add_set(&mut self, mut info: SetInfo) -> Result<(), Diag> {
        if let Some(rule) = self.rule_for(&info.name).cloned() {
            let (res, m) = check::calibrate_set(&info.name, &info.raw, &rule, info.span)?;
            info.calibration = Some(res);
            info.membership = Some(m);
        }
        self.sets.push(info);
        self.warn_half_memberships();
        Ok(())
    }

    pub(crate) fn rule_for(&self, name: &str) -> Option<&CalibRule> {
        self.rules
            .iter()
            .rev()
            .find(|r| r.target.as_deref() == Some(name))
            .or_else(|| self.rules.iter().rev().find(|r| r.target.is_none()))
    }

    fn run_conditions(
        &mut self,
        framework: Option<&Ident>,
        items: &[ConditionItem],
    ) -> Result<String, Diag> {
        if let Some(f) = framework {
            let name = f.node.strip_prefix("std.").unwrap_or(&f.node);
            let Some(dims) = self.frameworks.get(name).cloned() else {
                let names: Vec<&str> = self.frameworks.keys().map(|s| s.as_str()).collect();
                return Err(check::unknown(
                    codes::UNKNOWN_FRAMEWORK,
                    "framework",
                    &f.node,
                    f.span,
                    &names,
                ));
            };
            for it in items {
                match &it.dimension {
                    Some(d) if !dims.contains(&d.node) => {
                        let refs: Vec<&str> = dims.iter().map(|s| s.as_str()).collect();
                        return Err(Diag::error(
                            codes::NOT_IN_FRAMEWORK,
                            format!(
                                "expected a dimension of `{name}` ({}), found `{}`",
                                dims.join(", "),
                                d.node
                            ),
                        )
                        .at(d.span, "not a dimension of this framework")
                        .note(f.span, "framework")
                        .help(suggestion(&d.node, &refs, "dimension")));
                    }
                    None => {
                        return Err(Diag::error(codes::NOT_IN_FRAMEWORK, format!("expected each condition inside a dimension of `{name}`, found `{}` outside", it.def.name.node))
                            .at(it.def.name.span, "outside the dimension blocks")
                            .help(format!("put it in one of: {}", dims.join(", "))));
                    }
                    _ => {}
                }
            }
            let covered: Vec<&String> = items
                .iter()
                .filter_map(|i| i.dimension.as_ref().map(|d| &d.node))
                .collect();
            let empty: Vec<&String> = dims.iter().filter(|d| !covered.contains(d)).collect();
            if !empty.is_empty() {
                self.warn(
                    Diag::warning(
                        codes::NOT_IN_FRAMEWORK,
                        format!(
                            "expected every dimension of `{name}` to have a condition, found none for {}",
                            empty.iter().map(|d| format!("`{d}`")).collect::<Vec<_>>().join(", ")
                        ),
                    )
                    .at(f.span, "framework coverage")
                    .help("a dimension without conditions is not studied; say so in the paper or add a condition"),
                );
            }
            self.framework = Some((name.to_string(), f.span));
        }
        // Check every item before adding any, so a failing block changes nothing.
        let mut infos: Vec<SetInfo> = Vec::new();
        for it in items {
            if let Some(prev) = infos.iter().find(|s| s.name == it.def.name.node) {
                return Err(Diag::error(
                    codes::DUPLICATE_SET,
                    format!(
                        "expected a new set name, found `{}` declared before",
                        it.def.name.node
                    ),
                )
                .at(it.def.name.span, "declared again")
                .note(prev.span, "first declared here")
                .help("give each condition its own name"));
            }
            infos.push(self.declare_set(&it.def, Role::Condition, it.dimension.as_ref())?);
        }
        let snapshot = self.sets.clone();
        for info in infos {
            if let Err(d) = self.add_set(info) {
                self.sets = snapshot;
                return Err(d);
            }
        }
        Ok(String::new())
    }

    fn run_calibrate(&mut self, items: &[CalibItem]) -> Result<String, Diag> {
        let mut new_rules = Vec::new();
        let names = self.set_names();
        for it in items {
            for t in &it.targets {
                if let Target::Name(n) = t {
                    if !names.contains(&n.node.as_str()) {
                        let mut d =
                            check::unknown(codes::UNKNOWN_SET, "set", &n.node, n.span, &names);
                        if self
                            .data
                            .as_ref()
                            .is_some_and(|data| data.table.column_index(&n.node).is_some())
                        {
                            d = d.help(format!("`{}` is a column; calibrate the set declared on it (`NAME = {}` in conditions)", n.node, n.node));
                        }
                        return Err(d);
                    }
                }
            }
            let item = match self.presets.get(&it.method.name.node) {
                Some(call) if it.method.args.is_empty() => CalibItem {
                    method: call.clone(),
                    ..it.clone()
                },
                Some(_) => {
                    return Err(Diag::error(
                        codes::BAD_ARGUMENT,
                        format!(
                            "expected `{}` without arguments, found some",
                            it.method.name.node
                        ),
                    )
                    .at(it.method.span, "a preset takes no arguments")
                    .help(format!(
                        "write `{}` alone, or the method in full to change its anchors",
                        it.method.name.node
                    )))
                }
                None => it.clone(),
            };
            new_rules.extend(check::calib_rules(&item)?);
        }
        for (k, r) in new_rules.iter().enumerate() {
            if let Some(prev) = new_rules[..k].iter().find(|p| p.target == r.target) {
                let what = r
                    .target
                    .clone()
                    .map(|t| format!("`{t}`"))
                    .unwrap_or("`*`".into());
                return Err(Diag::error(
                    codes::DUPLICATE_SET,
                    format!("expected one calibration per set, found {what} twice"),
                )
                .at(r.span, "calibrated again")
                .note(prev.span, "first here")
                .help("keep one line per set"));
            }
        }
        let old_rules = self.rules.clone();
        self.rules
            .retain(|o| !new_rules.iter().any(|n| n.target == o.target));
        self.rules.extend(new_rules);
        // Calibrate every declared set; on an error, restore the session.
        let mut updated = self.sets.clone();
        for s in &mut updated {
            if let Some(rule) = self.rule_for(&s.name) {
                match check::calibrate_set(&s.name, &s.raw, rule, s.span) {
                    Ok((res, m)) => {
                        s.calibration = Some(res);
                        s.membership = Some(m);
                    }
                    Err(d) => {
                        self.rules = old_rules;
                        return Err(d);
                    }
                }
            }
        }
        self.sets = updated;
        self.warn_half_memberships();
        Ok(String::new())
    }

    fn warn_half_memberships(&mut self) {
        let Some(data) = &self.data else { return };
        let mut found: Vec<String> = Vec::new();
        let mut span = None;
        for s in &self.sets {
            if let Some(m) = &s.membership {
                if s.calibration.as_ref().is_some_and(|c| c.method == "crisp") {
                    continue;
                }
                let cases: Vec<&str> = m
                    .iter()
                    .enumerate()
                    .filter(|(_, v)| **v == 0.5)
                    .map(|(i, _)| data.table.ids[i].as_str())
                    .collect();
                if !cases.is_empty() {
                    found.push(format!("`{}` in {}", s.name, cases.join(", ")));
                    span = span.or(s.calibration.as_ref().map(|c| c.rule_span));
                }
            }
        }
        if let (false, Some(span)) = (found.is_empty(), span) {
            self.warn(
                Diag::warning(codes::HALF_MEMBERSHIP, format!("expected memberships other than 0.5, found exactly 0.5 for {}", found.join("; ")))
                    .at(span, "this calibration")
                    .help("a case at the crossover belongs to no truth-table row; move the crossover slightly (e.g. c = 0.501 or a percentile in between)"),
            );
        }
    }

    // ------------------------------------------------------------------ expressions

    /// Evaluates a set expression to memberships (NaN = missing).
    pub fn eval_expr(&self, e: &SetExpr) -> Result<Vec<f64>, Diag> {
        Ok(match &e.kind {
            SetExprKind::Set(name) => self.membership_of(name, e.span)?.to_vec(),
            SetExprKind::Level(name, v) => self
                .membership_of(name, e.span)?
                .iter()
                .map(|x| {
                    if x.is_nan() {
                        f64::NAN
                    } else if x == v {
                        1.0
                    } else {
                        0.0
                    }
                })
                .collect(),
            SetExprKind::Not(inner) => sets::not(&self.eval_expr(inner)?),
            SetExprKind::And(parts) => {
                let mut acc = self.eval_expr(&parts[0])?;
                for p in &parts[1..] {
                    acc = nan_aware(&acc, &self.eval_expr(p)?, f64::min);
                }
                acc
            }
            SetExprKind::Or(parts) => {
                let mut acc = self.eval_expr(&parts[0])?;
                for p in &parts[1..] {
                    acc = nan_aware(&acc, &self.eval_expr(p)?, f64::max);
                }
                acc
            }
        })
    }

    /// The memberships of a declared, calibrated set.
    pub fn membership_of(&self, name: &str, span: Span) -> Result<&[f64], Diag> {
        let Some(s) = self.set(name) else {
            let names = self.set_names();
            let mut d = check::unknown(codes::UNKNOWN_SET, "set", name, span, &names);
            if self
                .data
                .as_ref()
                .is_some_and(|data| data.table.column_index(name).is_some())
            {
                d = d.help(format!("`{name}` is a column; declare a set on it first: `outcome NAME = {name}` or inside `conditions`"));
            }
            return Err(d);
        };
        s.membership.as_deref().ok_or_else(|| {
            Diag::error(codes::NOT_CALIBRATED, format!("expected a calibrated set, found `{name}` without calibration"))
                .at(span, "no calibration for this set")
                .note(s.span, "declared here")
                .help(format!("add a line to `calibrate`, e.g. `{name} direct(e = p25, c = p50, i = p75)`, or `{name} fuzzy` if it already holds memberships"))
        })
    }

    fn run_query(
        &mut self,
        necessary: bool,
        expr: &SetExpr,
        outcome: &SetExpr,
        span: Span,
    ) -> Result<String, Diag> {
        let x = self.eval_expr(expr)?;
        let y = self.eval_expr(outcome)?;
        let keep: Vec<usize> = (0..x.len())
            .filter(|&i| !x[i].is_nan() && !y[i].is_nan())
            .collect();
        let dropped = x.len() - keep.len();
        if keep.is_empty() {
            return Err(Diag::error(
                codes::UNDEFINED,
                "expected cases with values for both sides, found none",
            )
            .at(span, "every case is missing a value")
            .help("check the `na` markers of the data and the columns of these sets"));
        }
        if self.check_only {
            return Ok(String::new());
        }
        let xs: Vec<f64> = keep.iter().map(|&i| x[i]).collect();
        let ys: Vec<f64> = keep.iter().map(|&i| y[i]).collect();
        let text = format!(
            "{}? {} for {}",
            if necessary { "necessary" } else { "sufficient" },
            expr.to_text(),
            outcome.to_text()
        );
        let mut out = format!("{text}\n");
        let mut j = serde_json::Map::new();
        j.insert("query".into(), text.clone().into());
        let rows: Vec<(&str, f64)> = if necessary {
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
        for (k, v) in &rows {
            out.push_str(&format!("  {k:<12} {}\n", crate::report::fixed3(*v)));
            j.insert((*k).into(), json_num(*v));
        }
        out.push_str(&format!("  {:<12} {}\n", "cases", keep.len()));
        j.insert("cases".into(), keep.len().into());
        if dropped > 0 {
            out.push_str(&format!(
                "  ({dropped} case{} dropped: missing values)\n",
                if dropped == 1 { "" } else { "s" }
            ));
            j.insert("dropped_cases".into(), dropped.into());
        }
        out.push('\n');
        self.queries.push(JsonValue::Object(j));
        Ok(out)
    }

    // ------------------------------------------------------------------ analyses

    fn check_analysis(&self, a: &Analysis, nca: bool, span: Span) -> Result<AnalysisPlan, Diag> {
        if let Some(prev) = self.analyses.iter().find(|p| p.name() == a.name.node) {
            let prev_span = match prev {
                AnalysisPlan::Nca(p) => p.span,
                AnalysisPlan::Fsqca(p) => p.span,
            };
            return Err(Diag::error(
                codes::DUPLICATE_ANALYSIS,
                format!(
                    "expected a new analysis name, found `{}` used before",
                    a.name.node
                ),
            )
            .at(a.name.span, "used again")
            .note(prev_span, "first here")
            .help("give each analysis its own name"));
        }
        let names = self.set_names();
        check::check_analysis_names(a, &names)?;
        let plan = if nca {
            AnalysisPlan::Nca(check::nca_plan(a, span)?)
        } else {
            AnalysisPlan::Fsqca(check::fsqca_plan(a, span)?)
        };
        if let AnalysisPlan::Fsqca(p) = &plan {
            for (col, span) in p.cluster.iter().chain(p.unit.iter()) {
                self.column_of(col, *span)?;
            }
        }
        let needs_calibration = match &plan {
            AnalysisPlan::Nca(p) => p.calibrated,
            AnalysisPlan::Fsqca(_) => true,
        };
        if needs_calibration {
            for n in std::iter::once(&a.outcome).chain(a.conditions.iter()) {
                if let Some(s) = self.set(&n.node) {
                    if s.membership.is_none() {
                        let help = if nca {
                            format!("calibrate `{}` (e.g. `{} direct(e = p25, c = p50, i = p75)`), or analyse raw values with `on = raw`", n.node, n.node)
                        } else {
                            format!("add `{} direct(e = p25, c = p50, i = p75)` to `calibrate`, or `{} fuzzy` if it already holds memberships", n.node, n.node)
                        };
                        return Err(Diag::error(
                            codes::NOT_CALIBRATED,
                            format!(
                                "expected calibrated sets for `{}`, found `{}` without calibration",
                                a.name.node, n.node
                            ),
                        )
                        .at(n.span, "not calibrated")
                        .note(s.span, "declared here")
                        .help(help));
                    }
                }
            }
        }
        Ok(plan)
    }
}

fn string_value(v: &Value, what: &str) -> Result<String, Diag> {
    match &v.kind {
        ValueKind::Str(s) => Ok(s.clone()),
        other => Err(Diag::error(
            codes::BAD_ARGUMENT,
            format!("expected {what}, found {}", other.describe()),
        )
        .at(v.span, "expected a string")
        .help("strings are written in double quotes: \"data/file.csv\"")),
    }
}

fn column_value(v: &Value) -> Result<String, Diag> {
    match &v.kind {
        ValueKind::Str(s) | ValueKind::Ident(s) => Ok(s.clone()),
        other => Err(Diag::error(
            codes::BAD_ARGUMENT,
            format!("expected a column name, found {}", other.describe()),
        )
        .at(v.span, "expected a column")
        .help("name the column of case labels: `id = province`")),
    }
}

fn nan_aware(a: &[f64], b: &[f64], f: fn(f64, f64) -> f64) -> Vec<f64> {
    a.iter()
        .zip(b)
        .map(|(x, y)| {
            if x.is_nan() || y.is_nan() {
                f64::NAN
            } else {
                f(*x, *y)
            }
        })
        .collect()
}

/// A number for JSON: full precision, `null` when missing or not finite.
pub fn json_num(v: f64) -> JsonValue {
    if v.is_finite() {
        serde_json::Number::from_f64(v)
            .map(JsonValue::Number)
            .unwrap_or(JsonValue::Null)
    } else {
        JsonValue::Null
    }
}

/// An optional number for JSON: `null` when absent.
pub fn opt_num(v: Option<f64>) -> JsonValue {
    v.map(json_num).unwrap_or(JsonValue::Null)
}

/// The SHA-256 of some bytes, in hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let d = Sha256::digest(bytes);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// Resolves a script path's folder.
pub fn folder_of(path: &Path) -> PathBuf {
    path.parent()
        .map(|p| {
            if p.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                p.to_path_buf()
            }
        })
        .unwrap_or_else(|| PathBuf::from("."))
}
