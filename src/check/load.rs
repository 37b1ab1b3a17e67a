//! Stage 3, reading data files: `csv(...)` with the csv crate and `xlsx(...)` with calamine,
//! into rows of [`Cell`]s for the engine's [`Table`].
//!
//! Guarantees: any file content (binary garbage included) gives rows or a [`LoadError`], never a
//! panic; line numbers in errors are 1-based lines of the file.

use crate::engine::data::Cell;
use std::path::Path;

#[derive(Debug, Clone, PartialEq)]
pub enum LoadError {
    Missing,
    Io(String),
    NotText {
        line: u64,
    },
    Malformed {
        line: u64,
        message: String,
    },
    Ragged {
        line: u64,
        expected: usize,
        found: usize,
    },
    NoSheet {
        sheet: String,
        sheets: Vec<String>,
    },
    Workbook(String),
}

/// Header and rows of a file.
pub type Rows = (Vec<String>, Vec<Vec<Cell>>);

/// Reads a delimited text file. `sep` is a single byte.
pub fn read_csv(path: &Path, sep: u8) -> Result<Rows, LoadError> {
    let bytes = std::fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => LoadError::Missing,
        _ => LoadError::Io(e.to_string()),
    })?;
    // Strip a UTF-8 byte-order mark, as spreadsheets write one.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(sep)
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut headers: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    for rec in rdr.byte_records() {
        let rec = rec.map_err(|e| LoadError::Malformed {
            line: e.position().map(|p| p.line()).unwrap_or(0),
            message: e.to_string(),
        })?;
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        let mut fields = Vec::with_capacity(rec.len());
        for f in rec.iter() {
            let s = std::str::from_utf8(f).map_err(|_| LoadError::NotText { line })?;
            if s.contains('\0') {
                return Err(LoadError::NotText { line });
            }
            fields.push(s.to_string());
        }
        match &headers {
            None => headers = Some(fields.into_iter().map(|h| h.trim().to_string()).collect()),
            Some(h) => {
                if fields.len() == 1 && fields[0].trim().is_empty() {
                    continue; // a blank line
                }
                if fields.len() != h.len() {
                    return Err(LoadError::Ragged {
                        line,
                        expected: h.len(),
                        found: fields.len(),
                    });
                }
                rows.push(fields.into_iter().map(Cell::Text).collect());
            }
        }
    }
    Ok((headers.unwrap_or_default(), rows))
}

/// Reads one sheet of a workbook (xlsx, xls, ods); the first sheet when `sheet` is `None`.
pub fn read_workbook(path: &Path, sheet: Option<&str>) -> Result<Rows, LoadError> {
    use calamine::{open_workbook_auto, Data, Reader};
    if !path.exists() {
        return Err(LoadError::Missing);
    }
    let mut wb = open_workbook_auto(path).map_err(|e| LoadError::Workbook(e.to_string()))?;
    let names = wb.sheet_names().to_vec();
    let name = match sheet {
        Some(s) => {
            if !names.iter().any(|n| n == s) {
                return Err(LoadError::NoSheet {
                    sheet: s.to_string(),
                    sheets: names,
                });
            }
            s.to_string()
        }
        None => names
            .first()
            .cloned()
            .ok_or_else(|| LoadError::Workbook("the workbook has no sheet".into()))?,
    };
    let range = wb
        .worksheet_range(&name)
        .map_err(|e| LoadError::Workbook(e.to_string()))?;
    let mut iter = range.rows();
    let headers: Vec<String> = match iter.next() {
        Some(r) => r.iter().map(|c| c.to_string().trim().to_string()).collect(),
        None => return Ok((Vec::new(), Vec::new())),
    };
    let rows = iter
        .filter(|r| r.iter().any(|c| !matches!(c, Data::Empty)))
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => Cell::Empty,
                    Data::Float(f) => Cell::Number(*f),
                    Data::Int(i) => Cell::Number(*i as f64),
                    Data::Bool(b) => Cell::Number(if *b { 1.0 } else { 0.0 }),
                    other => Cell::Text(other.to_string()),
                })
                .collect()
        })
        .collect();
    Ok((headers, rows))
}
