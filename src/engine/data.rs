//! Engine stage: the table of cases (a column of numbers per variable, NaN = missing) and its
//! ids, built row by row as a reader streams a file ([`TableBuilder`]).
//!
//! Guarantees: a [`Table`] has unique, non-missing case ids, unique column names, and for every
//! column either numbers/missing values or a record of its first cell that is not a number
//! (text, a date, a boolean, a spreadsheet error…, with its kind), so that a column is rejected
//! only when an analysis uses it. Missing-value markers (`na`) apply to a cell's value whatever
//! its storage: text equal to a marker, and a number equal to a numeric marker. Memory: 8 bytes
//! per cell, plus the text of the columns that hold text or value labels (a number's text is
//! its shortest form, computed when asked), stored by column ([`Column`], shared with the sets
//! that read it) with the ids in one buffer ([`CaseIds`]). Building a table never panics.

use super::ids::IdsBuilder;
pub use super::ids::{CaseIds, Column};

/// What a cell holds that is not a number where a number is needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellKind {
    Text,
    Date,
    Time,
    Boolean,
    /// A spreadsheet error (`#DIV/0!`, `#N/A`, …).
    Error,
    /// A number that is not finite.
    NonFinite,
}

impl CellKind {
    /// "a date", "text", … as a message says it.
    pub fn describe(self) -> &'static str {
        match self {
            CellKind::Text => "text",
            CellKind::Date => "a date",
            CellKind::Time => "a time",
            CellKind::Boolean => "a boolean",
            CellKind::Error => "a spreadsheet error",
            CellKind::NonFinite => "a non-finite number",
        }
    }
}

/// One cell as read from a file.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Number(f64),
    Text(String),
    /// A number with a value label (SPSS, Stata): the number for analyses, the label as the
    /// cell's text (case ids, groups).
    Labelled(f64, String),
    /// A typed cell that is not a number (a date, a time, a boolean, an error), as shown.
    Typed(CellKind, String),
}

/// A cell borrowed from a reader's buffer (no allocation per cell).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CellRef<'a> {
    Empty,
    Number(f64),
    Text(&'a str),
    Labelled(f64, &'a str),
    Typed(CellKind, &'a str),
}

impl Cell {
    pub fn as_ref(&self) -> CellRef<'_> {
        match self {
            Cell::Empty => CellRef::Empty,
            Cell::Number(n) => CellRef::Number(*n),
            Cell::Text(s) => CellRef::Text(s),
            Cell::Labelled(n, s) => CellRef::Labelled(*n, s),
            Cell::Typed(k, s) => CellRef::Typed(*k, s),
        }
    }
}

/// The first cell of a column that is neither a number nor missing.
#[derive(Debug, Clone, PartialEq)]
pub struct TextCell {
    /// 0-based data row.
    pub row: usize,
    pub text: String,
    pub kind: CellKind,
}

/// A data table: cases × columns.
#[derive(Debug, Clone)]
pub struct Table {
    pub columns: Vec<String>,
    pub ids: CaseIds,
    /// One column of values per column name; NaN marks a missing value (or a text cell, see
    /// `text`).
    values: Vec<Column>,
    rows: usize,
    pub text: Vec<Option<TextCell>>,
    /// Each column's cells as written (trimmed), kept for the columns that hold text or value
    /// labels; `None` for a column of numbers (its cells' text is the numbers') and for the id
    /// column (its text is `ids`).
    texts: Vec<Option<Vec<String>>>,
    /// The column of the case ids, if one was named.
    id_column: Option<usize>,
    /// Each column's variable label from the file (SPSS, Stata), if any.
    pub column_labels: Vec<Option<String>>,
    /// Whether a column carries value labels (some cell is [`Cell::Labelled`]): tables show
    /// its cells' labels rather than the numbers.
    pub value_labelled: Vec<bool>,
}

/// Why rows and headers do not make a table.
#[derive(Debug, Clone, PartialEq)]
pub enum TableError {
    NoRows,
    NoColumns,
    DuplicateColumn(String),
    /// The id column asked for, and the columns there are.
    UnknownIdColumn(String, Vec<String>),
    MissingId {
        row: usize,
    },
    DuplicateId {
        id: String,
        first: usize,
        second: usize,
    },
    RaggedRow {
        row: usize,
        expected: usize,
        found: usize,
    },
    /// The case ids take more than 4 GiB of text (0-based data row).
    IdsTooLong {
        row: usize,
    },
}

/// How cells become values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CellRules {
    /// Missing-value markers: text equal to one (after trimming) is missing, and so is a number
    /// equal to one that reads as a number.
    pub na: Vec<String>,
    /// Booleans read as 1 (true) and 0 (false) instead of being refused.
    pub booleans_as_numbers: bool,
    /// Dates and times read as the numbers the file stores (a workbook's serial days).
    pub dates_as_numbers: bool,
}

/// Builds a [`Table`] one row at a time.
pub struct TableBuilder {
    headers: Vec<String>,
    na_numbers: Vec<f64>,
    rules: CellRules,
    id: Option<usize>,
    /// By column, so that a column grows (and is reallocated) on its own.
    values: Vec<Vec<f64>>,
    texts: Vec<Option<Vec<String>>>,
    text: Vec<Option<TextCell>>,
    value_labelled: Vec<bool>,
    ids: IdsBuilder,
    rows: usize,
}

impl TableBuilder {
    /// A builder for these columns; `id` names the column of case labels.
    pub fn new(
        headers: Vec<String>,
        rules: CellRules,
        id: Option<&str>,
    ) -> Result<TableBuilder, TableError> {
        if headers.is_empty() {
            return Err(TableError::NoColumns);
        }
        let mut seen = std::collections::HashSet::new();
        for h in &headers {
            if !seen.insert(h.as_str()) {
                return Err(TableError::DuplicateColumn(h.clone()));
            }
        }
        let id =
            match id {
                None => None,
                Some(name) => Some(headers.iter().position(|h| h == name).ok_or_else(|| {
                    TableError::UnknownIdColumn(name.to_string(), headers.clone())
                })?),
            };
        let ncol = headers.len();
        let na_numbers = rules
            .na
            .iter()
            .filter_map(|m| m.trim().parse::<f64>().ok())
            .collect();
        Ok(TableBuilder {
            headers,
            na_numbers,
            rules,
            id,
            values: vec![Vec::new(); ncol],
            texts: vec![None; ncol],
            text: vec![None; ncol],
            value_labelled: vec![false; ncol],
            ids: IdsBuilder::default(),
            rows: 0,
        })
    }

    pub fn columns(&self) -> usize {
        self.headers.len()
    }

    /// Adds one row (exactly one cell per column).
    pub fn push_row<'a, I>(&mut self, cells: I) -> Result<(), TableError>
    where
        I: IntoIterator<Item = CellRef<'a>>,
    {
        let ncol = self.headers.len();
        let r = self.rows;
        let mut found = 0;
        let mut id: Option<String> = None;
        for (j, cell) in cells.into_iter().enumerate() {
            found += 1;
            if j >= ncol {
                continue;
            }
            self.value_labelled[j] |= matches!(cell, CellRef::Labelled(..));
            let (v, bad) = self.classify(cell);
            self.values[j].push(v);
            if let Some((kind, t)) = &bad {
                if self.text[j].is_none() {
                    self.text[j] = Some(TextCell {
                        row: r,
                        text: t.clone(),
                        kind: *kind,
                    });
                }
            }
            // Text that is not a number and value labels keep their text (the ids are kept
            // apart); a number written as text ("1.50") is a number, its text the shortest
            // form ("1.5").
            let keeps_text =
                (bad.is_some() || matches!(cell, CellRef::Labelled(..))) && Some(j) != self.id;
            if keeps_text && self.texts[j].is_none() {
                // From now on this column keeps its cells' text; the rows before were numbers.
                let earlier: Vec<String> =
                    self.values[j][..r].iter().map(|v| label_of(*v)).collect();
                self.texts[j] = Some(earlier);
            }
            let text = || match cell {
                CellRef::Empty => String::new(),
                CellRef::Number(n) => label_of(n),
                CellRef::Text(s) | CellRef::Labelled(_, s) | CellRef::Typed(_, s) => {
                    s.trim().to_string()
                }
            };
            if let Some(t) = &mut self.texts[j] {
                t.push(text());
            }
            if Some(j) == self.id {
                id = Some(text());
            }
        }
        let failure = if id.as_deref().is_some_and(str::is_empty) {
            Some(TableError::MissingId { row: r })
        } else if found != ncol {
            Some(TableError::RaggedRow {
                row: r,
                expected: ncol,
                found,
            })
        } else if id.as_deref().is_some_and(|id| !self.ids.fits(id)) {
            Some(TableError::IdsTooLong { row: r })
        } else {
            None
        };
        if let Some(e) = failure {
            for c in &mut self.values {
                c.truncate(r);
            }
            for t in self.texts.iter_mut().flatten() {
                t.truncate(r);
            }
            return Err(e);
        }
        if let Some(id) = id {
            self.ids.push(&id);
        }
        self.rows += 1;
        Ok(())
    }

    fn is_na_text(&self, t: &str) -> bool {
        self.rules.na.iter().any(|m| m.trim() == t)
    }

    fn is_na_number(&self, v: f64) -> bool {
        self.na_numbers.contains(&v)
    }

    /// The value of a cell, and what it is when it is not a number.
    fn classify(&self, cell: CellRef<'_>) -> (f64, Option<(CellKind, String)>) {
        match cell {
            CellRef::Empty => (f64::NAN, None),
            CellRef::Number(n) if self.is_na_number(n) => (f64::NAN, None),
            CellRef::Labelled(n, l) if self.is_na_number(n) || self.is_na_text(l.trim()) => {
                (f64::NAN, None)
            }
            CellRef::Number(n) | CellRef::Labelled(n, _) if n.is_finite() => (n, None),
            CellRef::Number(n) | CellRef::Labelled(n, _) => {
                (f64::NAN, Some((CellKind::NonFinite, n.to_string())))
            }
            CellRef::Typed(kind, s) => {
                let t = s.trim();
                if self.is_na_text(t) {
                    return (f64::NAN, None);
                }
                let as_number = match kind {
                    CellKind::Boolean if self.rules.booleans_as_numbers => {
                        boolean(t).map(|b| if b { 1.0 } else { 0.0 })
                    }
                    CellKind::Date | CellKind::Time if self.rules.dates_as_numbers => {
                        t.parse::<f64>().ok()
                    }
                    _ => None,
                };
                match as_number {
                    Some(v) => (v, None),
                    None => (f64::NAN, Some((kind, t.to_string()))),
                }
            }
            CellRef::Text(s) => {
                let t = s.trim();
                if t.is_empty() || self.is_na_text(t) {
                    return (f64::NAN, None);
                }
                match t.parse::<f64>() {
                    Ok(v) if v.is_finite() && !self.is_na_number(v) => (v, None),
                    Ok(v) if v.is_finite() => (f64::NAN, None),
                    _ => match boolean(t) {
                        Some(b) if self.rules.booleans_as_numbers => {
                            (if b { 1.0 } else { 0.0 }, None)
                        }
                        Some(_) => (f64::NAN, Some((CellKind::Boolean, t.to_string()))),
                        None => (f64::NAN, Some((CellKind::Text, t.to_string()))),
                    },
                }
            }
        }
    }

    /// The table; an error when no row was added.
    pub fn finish(self) -> Result<Table, TableError> {
        if self.rows == 0 {
            return Err(TableError::NoRows);
        }
        let ncol = self.headers.len();
        let ids = match self.id {
            Some(_) => {
                let ids = self.ids.finish();
                duplicate_id(&ids)?;
                ids
            }
            None => CaseIds::numbered(self.rows),
        };
        Ok(Table {
            columns: self.headers,
            ids,
            values: self.values.into_iter().map(Column::from).collect(),
            rows: self.rows,
            text: self.text,
            texts: self.texts,
            id_column: self.id,
            column_labels: vec![None; ncol],
            value_labelled: self.value_labelled,
        })
    }
}

/// The first id that a later row repeats (the earliest second row; its first row), found by
/// sorting the rows by id rather than by keeping every id in a map (memory: 4 bytes a case).
fn duplicate_id(ids: &CaseIds) -> Result<(), TableError> {
    let mut order: Vec<u32> = (0..ids.len() as u32).collect();
    order.sort_by(|a, b| {
        ids.name(*a as usize)
            .cmp(ids.name(*b as usize))
            .then(a.cmp(b))
    });
    let mut found: Option<(usize, usize)> = None;
    let mut k = 0;
    while k < order.len() {
        let first = order[k] as usize;
        let mut m = k + 1;
        while m < order.len() && ids.name(order[m] as usize) == ids.name(first) {
            m += 1;
        }
        if m > k + 1 {
            let second = order[k + 1] as usize;
            if found.is_none_or(|(_, s)| second < s) {
                found = Some((first, second));
            }
        }
        k = m;
    }
    match found {
        Some((first, second)) => Err(TableError::DuplicateId {
            id: ids.name(first).to_string(),
            first,
            second,
        }),
        None => Ok(()),
    }
}

/// `TRUE`/`FALSE` as spreadsheets and R write them.
fn boolean(t: &str) -> Option<bool> {
    match t {
        "TRUE" | "True" | "true" => Some(true),
        "FALSE" | "False" | "false" => Some(false),
        _ => None,
    }
}

impl Table {
    /// Builds a table from a header and rows of cells. Text cells equal to one of `na` (after
    /// trimming), numbers equal to a numeric marker and empty cells are missing. `id` names the
    /// column of case labels.
    pub fn build(
        headers: Vec<String>,
        rows: Vec<Vec<Cell>>,
        na: &[String],
        id: Option<&str>,
    ) -> Result<Table, TableError> {
        let rules = CellRules {
            na: na.to_vec(),
            ..CellRules::default()
        };
        let mut b = TableBuilder::new(headers, rules, id)?;
        for row in &rows {
            b.push_row(row.iter().map(Cell::as_ref))?;
        }
        b.finish()
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }

    /// Whether column j holds the case ids (`id = …`).
    pub fn is_id_column(&self, j: usize) -> bool {
        self.id_column == Some(j)
    }

    /// The text of a cell: as written for a column with text or value labels, else the
    /// number's shortest form ("" when missing).
    pub fn cell(&self, i: usize, j: usize) -> String {
        if Some(j) == self.id_column {
            return self.ids.name(i).to_string();
        }
        match self.texts.get(j) {
            Some(Some(t)) => t.get(i).cloned().unwrap_or_default(),
            _ => label_of(self.value(i, j)),
        }
    }

    /// A column's cells as text (for grouping labels).
    pub fn labels(&self, j: usize) -> Vec<String> {
        if Some(j) == self.id_column {
            return self.ids.to_vec();
        }
        match self.texts.get(j) {
            Some(Some(t)) => t.clone(),
            _ => self.column(j).iter().map(|v| label_of(*v)).collect(),
        }
    }

    /// Adds a computed numeric column (an index); its labels are the values' shortest
    /// round-trip text, so that grouping by it is grouping by value.
    pub fn push_column(&mut self, name: &str, values: &[f64]) {
        self.columns.push(name.to_string());
        self.column_labels.push(None);
        self.value_labelled.push(false);
        self.text.push(None);
        self.texts.push(None);
        let mut col = values.to_vec();
        col.resize(self.rows, f64::NAN);
        self.values.push(col.into());
    }

    /// A column's values (NaN = missing), shared (empty for a column that is not there).
    pub fn column(&self, j: usize) -> Column {
        self.values.get(j).cloned().unwrap_or_default()
    }

    /// The value of a cell (NaN = missing or not there).
    pub fn value(&self, i: usize, j: usize) -> f64 {
        self.values
            .get(j)
            .and_then(|c| c.get(i))
            .copied()
            .unwrap_or(f64::NAN)
    }
}

/// The label of a number cell (a grouping key, not a display format).
fn label_of(v: f64) -> String {
    if v.is_nan() {
        String::new()
    } else {
        v.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    #[test]
    fn builds_with_missing_and_text() {
        let tab = Table::build(
            vec!["id".into(), "x".into(), "y".into()],
            vec![
                vec![t("a"), t("1.5"), t("NA")],
                vec![t("b"), t(""), t("oops")],
            ],
            &["NA".to_string()],
            Some("id"),
        )
        .expect("table");
        assert_eq!(tab.ids, vec!["a", "b"]);
        assert_eq!(tab.value(0, 1), 1.5);
        assert!(tab.value(1, 1).is_nan());
        assert!(tab.text[1].is_none());
        assert_eq!(
            tab.text[2],
            Some(TextCell {
                row: 1,
                text: "oops".into(),
                kind: CellKind::Text,
            })
        );
    }

    #[test]
    fn markers_apply_to_values_whatever_their_storage() {
        let rules = CellRules {
            na: vec!["".into(), "NA".into(), "-99".into(), "#N/A".into()],
            ..CellRules::default()
        };
        let mut b = TableBuilder::new(vec!["id".into(), "x".into()], rules, Some("id")).unwrap();
        let rows = [
            vec![Cell::Text("NA".into()), Cell::Number(-99.0)],
            vec![Cell::Text("b".into()), Cell::Text(" -99 ".into())],
            vec![
                Cell::Text("c".into()),
                Cell::Labelled(-99.0, "refused".into()),
            ],
            vec![
                Cell::Text("d".into()),
                Cell::Typed(CellKind::Error, "#N/A".into()),
            ],
            vec![Cell::Text("e".into()), Cell::Text("-99.0".into())],
            vec![Cell::Text("f".into()), Cell::Number(2.5)],
        ];
        for r in &rows {
            b.push_row(r.iter().map(Cell::as_ref)).unwrap();
        }
        let t = b.finish().unwrap();
        // "NA" is an id (ids are read verbatim); every marker, however stored, is missing.
        assert_eq!(t.ids, vec!["NA", "b", "c", "d", "e", "f"]);
        let x = t.column(1);
        assert!(x[..5].iter().all(|v| v.is_nan()), "{x:?}");
        assert_eq!(x[5], 2.5);
        assert!(t.text[1].is_none(), "a marker is not a text cell");
    }

    #[test]
    fn typed_cells_are_refused_unless_converted() {
        let t = Table::build(
            vec!["x".into(), "y".into()],
            vec![
                vec![
                    Cell::Typed(CellKind::Date, "2021-03-04".into()),
                    Cell::Text("TRUE".into()),
                ],
                vec![
                    Cell::Typed(CellKind::Error, "#DIV/0!".into()),
                    Cell::Text("FALSE".into()),
                ],
            ],
            &[],
            None,
        )
        .unwrap();
        assert_eq!(t.text[0].as_ref().map(|c| c.kind), Some(CellKind::Date));
        assert_eq!(t.text[1].as_ref().map(|c| c.kind), Some(CellKind::Boolean));
        let rules = CellRules {
            booleans_as_numbers: true,
            ..CellRules::default()
        };
        let mut b = TableBuilder::new(vec!["y".into()], rules, None).unwrap();
        b.push_row([CellRef::Text("TRUE")]).unwrap();
        b.push_row([CellRef::Typed(CellKind::Boolean, "FALSE")])
            .unwrap();
        let t = b.finish().unwrap();
        assert_eq!(*t.column(0), [1.0, 0.0]);
        assert!(t.text[0].is_none());
    }

    #[test]
    fn rejects_duplicate_ids() {
        let e = Table::build(
            vec!["id".into()],
            vec![vec![t("a")], vec![t("a")]],
            &[],
            Some("id"),
        );
        assert_eq!(
            e.err(),
            Some(TableError::DuplicateId {
                id: "a".into(),
                first: 0,
                second: 1
            })
        );
    }
}
