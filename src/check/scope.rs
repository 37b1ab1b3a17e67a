//! Stage 3, the scope: what the statements checked so far have declared — the study, the data,
//! the sets and their calibration, frameworks, presets, sweeps, analyses and indices. The
//! checker reads it to resolve names; the interpreter applies each checked declaration to it.
//!
//! Guarantees: names are looked up in one place, so an unknown name always gets the same
//! diagnostic with "did you mean"; the scope holds declarations only, never results.

use super::names::unknown;
use super::plan::*;
use crate::diagnostics::{codes, suggestion, Diag};
use crate::source::Span;
use crate::syntax::ast::Vary;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What the checker needs besides the scope: the folder relative paths resolve against, and
/// the scripts being loaded (to refuse a `use` cycle).
pub struct Context<'a> {
    pub scope: &'a Scope,
    pub base_dir: &'a Path,
    pub use_stack: &'a [PathBuf],
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
    pub data: Option<DataSet>,
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
        self.data.as_ref().ok_or_else(|| {
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

    /// The values of a numeric column; a text cell in it is a diagnostic.
    pub fn numeric_column(&self, j: usize, span: Span) -> Result<Vec<f64>, Diag> {
        let data = self.data_or_err(span)?;
        if let Some(t) = &data.table.text[j] {
            return Err(Diag::error(
                codes::TEXT_IN_NUMERIC_COLUMN,
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
