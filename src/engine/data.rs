//! Engine stage: the table of cases (an ndarray matrix, NaN = missing) and its ids.
//!
//! Guarantees: a [`Table`] has unique, non-missing case ids, unique column names, and for every
//! column either numbers/missing values or a record of its first text cell, so that a column
//! is rejected only when an analysis uses it. Building a table never panics.

use ndarray::Array2;

/// One cell as read from a file.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Number(f64),
    Text(String),
    /// A number with a value label (SPSS, Stata): the number for analyses, the label as the
    /// cell's text (case ids, groups).
    Labelled(f64, String),
}

/// The first cell of a column that is neither a number nor missing.
#[derive(Debug, Clone, PartialEq)]
pub struct TextCell {
    /// 0-based data row.
    pub row: usize,
    pub text: String,
}

/// A data table: cases × columns.
#[derive(Debug, Clone)]
pub struct Table {
    pub columns: Vec<String>,
    pub ids: Vec<String>,
    /// rows × columns; NaN marks a missing value (or a text cell, see `text`).
    pub values: Array2<f64>,
    pub text: Vec<Option<TextCell>>,
    /// Every cell as written (trimmed), row by row: labels for grouping (`by`, `cluster`).
    pub cells: Vec<Vec<String>>,
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
    UnknownIdColumn(String),
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
}

impl Table {
    /// Builds a table from a header and rows of cells. Text cells equal to one of `na` (after
    /// trimming) and empty cells are missing. `id` names the column of case labels.
    pub fn build(
        headers: Vec<String>,
        rows: Vec<Vec<Cell>>,
        na: &[String],
        id: Option<&str>,
    ) -> Result<Table, TableError> {
        if headers.is_empty() {
            return Err(TableError::NoColumns);
        }
        if rows.is_empty() {
            return Err(TableError::NoRows);
        }
        for (j, h) in headers.iter().enumerate() {
            if headers[..j].contains(h) {
                return Err(TableError::DuplicateColumn(h.clone()));
            }
        }
        let ncol = headers.len();
        let mut values = Array2::<f64>::from_elem((rows.len(), ncol), f64::NAN);
        let mut text: Vec<Option<TextCell>> = vec![None; ncol];
        let mut raw_text: Vec<Vec<String>> = Vec::with_capacity(rows.len());
        let mut value_labelled = vec![false; ncol];
        for (r, row) in rows.iter().enumerate() {
            if row.len() != ncol {
                return Err(TableError::RaggedRow {
                    row: r,
                    expected: ncol,
                    found: row.len(),
                });
            }
            let mut texts = Vec::with_capacity(ncol);
            for (j, cell) in row.iter().enumerate() {
                value_labelled[j] |= matches!(cell, Cell::Labelled(..));
                let (v, t) = classify(cell, na);
                values[[r, j]] = v;
                if let Some(t) = &t {
                    if text[j].is_none() {
                        text[j] = Some(TextCell {
                            row: r,
                            text: t.clone(),
                        });
                    }
                }
                texts.push(match cell {
                    Cell::Empty => String::new(),
                    Cell::Number(n) => label_of(*n),
                    Cell::Text(s) | Cell::Labelled(_, s) => s.trim().to_string(),
                });
            }
            raw_text.push(texts);
        }
        let ids = match id {
            None => (1..=rows.len()).map(|i| i.to_string()).collect(),
            Some(name) => {
                let j = headers
                    .iter()
                    .position(|h| h == name)
                    .ok_or_else(|| TableError::UnknownIdColumn(name.to_string()))?;
                let mut ids: Vec<String> = Vec::with_capacity(rows.len());
                let mut seen = std::collections::HashMap::new();
                for (r, t) in raw_text.iter().enumerate() {
                    let label = t[j].clone();
                    if label.is_empty() || na.contains(&label) {
                        return Err(TableError::MissingId { row: r });
                    }
                    if let Some(first) = seen.insert(label.clone(), r) {
                        return Err(TableError::DuplicateId {
                            id: label,
                            first,
                            second: r,
                        });
                    }
                    ids.push(label);
                }
                ids
            }
        };
        Ok(Table {
            columns: headers,
            ids,
            values,
            text,
            cells: raw_text,
            column_labels: vec![None; ncol],
            value_labelled,
        })
    }

    pub fn rows(&self) -> usize {
        self.values.nrows()
    }

    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }

    /// A column's cells as written (for grouping labels).
    pub fn labels(&self, j: usize) -> Vec<String> {
        self.cells
            .iter()
            .map(|r| r.get(j).cloned().unwrap_or_default())
            .collect()
    }

    /// Adds a computed numeric column (an index); its labels are the values' shortest
    /// round-trip text, so that grouping by it is grouping by value.
    pub fn push_column(&mut self, name: &str, values: &[f64]) {
        self.columns.push(name.to_string());
        self.column_labels.push(None);
        self.value_labelled.push(false);
        self.text.push(None);
        for (row, v) in self.cells.iter_mut().zip(values) {
            row.push(label_of(*v));
        }
        let col = ndarray::Array1::from(values.to_vec());
        let _ = self.values.push_column(col.view());
    }

    /// A column's values (NaN = missing).
    pub fn column(&self, j: usize) -> Vec<f64> {
        self.values.column(j).to_vec()
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

fn classify(cell: &Cell, na: &[String]) -> (f64, Option<String>) {
    match cell {
        Cell::Empty => (f64::NAN, None),
        Cell::Number(n) | Cell::Labelled(n, _) if n.is_finite() => (*n, None),
        Cell::Number(_) | Cell::Labelled(..) => (f64::NAN, Some("a non-finite number".into())),
        Cell::Text(s) => {
            let t = s.trim();
            if t.is_empty() || na.iter().any(|m| m == t) {
                (f64::NAN, None)
            } else {
                match t.parse::<f64>() {
                    Ok(v) if v.is_finite() => (v, None),
                    _ => (f64::NAN, Some(t.to_string())),
                }
            }
        }
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
        assert_eq!(tab.values[[0, 1]], 1.5);
        assert!(tab.values[[1, 1]].is_nan());
        assert!(tab.text[1].is_none());
        assert_eq!(
            tab.text[2],
            Some(TextCell {
                row: 1,
                text: "oops".into()
            })
        );
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
