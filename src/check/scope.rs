//! Stage 3, the scope: what the statements checked so far have declared — the study, the data,
//! the sets and their calibration, frameworks, presets, sweeps, analyses and indices. The
//! checker reads it to resolve names; the interpreter applies each checked declaration to it.
//!
//! Guarantees: names are looked up in one place, so an unknown name always gets the same
//! diagnostic with "did you mean"; the scope holds declarations only, never results.

use super::names::unknown;
use super::plan::*;
use crate::diagnostics::{codes, suggestion, Diag};
use crate::engine::data::Column;
use crate::source::Span;
use crate::syntax::ast::Vary;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What the checker needs besides the scope: the folder relative paths resolve against, the
/// scripts being loaded (to refuse a `use` cycle) and the run's inputs so far (script, `use`d
/// files, data; an export may not overwrite one).
pub struct Context<'a> {
    pub scope: &'a Scope,
    pub base_dir: &'a Path,
    pub use_stack: &'a [PathBuf],
    pub inputs: &'a [PathBuf],
}

/// A checked statement and the warnings it deserves.
#[derive(Debug)]
pub struct Checked {
    pub step: Step,
    pub warnings: Vec<Diag>,
}

impl From<Step> for Checked {
    fn from(step: Step) -> Self {
        Checked {
            step,
            warnings: Vec::new(),
        }
    }
}

/// Everything declared so far.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    pub study: Option<(String, Span)>,
    /// Shared, not copied, by the check before a run (`Interpreter::scratch`).
    pub data: Option<std::sync::Arc<DataSet>>,
    pub sets: Vec<SetInfo>,
    pub rules: Vec<CalibRule>,
    pub frameworks: BTreeMap<String, Vec<String>>,
    /// The framework a conditions block declared, and its span.
    pub framework: Option<(String, Span)>,
    /// Named calibrations (`calibration quartiles = direct(…)`).
    pub presets: BTreeMap<String, Method>,
    /// Named sweeps (`sweep NAME { vary … }`) for robustness blocks.
    pub sweeps: BTreeMap<String, Vec<Vary>>,
    pub analyses: Vec<AnalysisPlan>,
    /// Names of composite indices, in order of declaration.
    pub indices: Vec<String>,
}

impl Scope {
    /// Names of declared sets.
    pub fn set_names(&self) -> Vec<&str> {
        self.sets.iter().map(|s| s.name.as_str()).collect()
    }

    pub fn set(&self, name: &str) -> Option<&SetInfo> {
        self.sets.iter().find(|s| s.name == name)
    }

    pub fn has_column(&self, name: &str) -> bool {
        self.data
            .as_ref()
            .is_some_and(|d| d.table.column_index(name).is_some())
    }

    pub fn analysis(&self, name: &str) -> Option<&AnalysisPlan> {
        self.analyses.iter().find(|a| a.name() == name)
    }

    /// The analysis of that name, or a diagnostic naming the known ones.
    pub fn analysis_named(&self, name: &str, span: Span) -> Result<&AnalysisPlan, Diag> {
        self.analysis(name).ok_or_else(|| {
            let names: Vec<&str> = self.analyses.iter().map(|a| a.name()).collect();
            unknown(codes::UNKNOWN_ANALYSIS, "analysis", name, span, &names)
        })
    }

    pub fn data_or_err(&self, span: Span) -> Result<&DataSet, Diag> {
        self.data.as_deref().ok_or_else(|| {
            Diag::error(
                codes::NO_DATA,
                "expected a `data` statement first, found none",
            )
            .at(span, "no data loaded yet")
            .help("start the script with `data NAME = csv(\"file.csv\", id = case)`")
        })
    }

    /// The index of a column of the data.
    pub fn column_of(&self, col: &str, span: Span) -> Result<usize, Diag> {
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

    /// The values of a numeric column; a cell that is not a number (text, a date, a boolean,
    /// a spreadsheet error) is a diagnostic naming the file, sheet, row and column.
    pub fn numeric_column(&self, j: usize, span: Span) -> Result<Column, Diag> {
        use crate::engine::data::CellKind;
        let data = self.data_or_err(span)?;
        if let Some(t) = &data.table.text[j] {
            let case = data.table.ids.get(t.row).unwrap_or("?");
            let place = match &data.sheet {
                // A workbook's row 1 holds the names.
                Some(sheet) if !sheet.is_empty() => {
                    format!("row {} of sheet `{sheet}` in `{}`", t.row + 2, data.path)
                }
                Some(_) => format!("row {} of the first sheet in `{}`", t.row + 2, data.path),
                None if data.path.ends_with(".sav")
                    || data.path.ends_with(".zsav")
                    || data.path.ends_with(".dta") =>
                {
                    format!("case {} of `{}`", t.row + 1, data.path)
                }
                None => format!("line {} of `{}`", t.row + 2, data.path),
            };
            let found = match t.kind {
                CellKind::Text => format!("\"{}\"", t.text),
                k => format!("{} ({})", k.describe(), t.text),
            };
            let decimal_comma = t.kind == CellKind::Text && {
                let v = t.text.trim_start_matches('-');
                v.split_once(',').is_some_and(|(a, b)| {
                    !a.is_empty()
                        && !b.is_empty()
                        && a.chars().all(|c| c.is_ascii_digit())
                        && b.chars().all(|c| c.is_ascii_digit())
                })
            };
            let help = match t.kind {
                _ if decimal_comma => "the cell has a decimal comma: toe reads decimal points; save the file with points (or as .xlsx and read it with `xlsx(…)`)".to_string(),
                CellKind::Text => "fix the cell, or list the marker as missing: `na = [\"\", \"NA\", \"…\"]`".to_string(),
                CellKind::Date | CellKind::Time => "a date is not a quantity: compute the number you mean in the data, or read the file's own numbers with `as_numbers = [\"dates\"]` (workbooks: days since 1899-12-30; Stata: its %t units)".to_string(),
                CellKind::Boolean => "add `as_numbers = [\"booleans\"]` to read TRUE as 1 and FALSE as 0".to_string(),
                CellKind::Error => format!("the workbook's formula failed: fix it, or list it as missing: `na = [\"{}\"]`", t.text),
                CellKind::NonFinite => "fix the cell; infinite values have no membership".to_string(),
            };
            return Err(Diag::error(
                codes::TEXT_IN_NUMERIC_COLUMN,
                format!(
                    "expected numbers in column `{}`, found {found} in {place} (case `{case}`)",
                    data.table.columns[j],
                ),
            )
            .at(span, "this column is used here")
            .help(help));
        }
        Ok(data.table.column(j))
    }

    /// The set of that name, calibrated; a column of that name, or a set without calibration,
    /// gets its own help.
    pub fn calibrated_set(&self, name: &str, span: Span) -> Result<&SetInfo, Diag> {
        let Some(s) = self.set(name) else {
            let names = self.set_names();
            let mut d = unknown(codes::UNKNOWN_SET, "set", name, span, &names);
            if self.has_column(name) {
                d = d.help(format!("`{name}` is a column; declare a set on it first: `outcome NAME = {name}` or inside `conditions`"));
            }
            return Err(d);
        };
        if s.calibration.is_none() {
            return Err(Diag::error(codes::NOT_CALIBRATED, format!("expected a calibrated set, found `{name}` without calibration"))
                .at(span, "no calibration for this set")
                .note(s.span, "declared here")
                .help(format!("add a line to `calibrate`, e.g. `{name} direct(e = p25, c = p50, i = p75)`, or `{name} fuzzy` if it already holds memberships")));
        }
        Ok(s)
    }
}
