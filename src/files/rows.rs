//! Files, stage 1 (input): what every data reader returns — the rows of a file with its hash
//! and variable labels, or why it could not be read.
//!
//! Guarantees: the types only; reading a file's bytes never panics.

use crate::engine::data::Cell;
use std::path::Path;

/// Why a data file could not be read.
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

/// Header and rows of a file, the SHA-256 of its bytes (provenance) and the variable labels
/// the file gives (SPSS and Stata files; `None` for every column of a CSV or a workbook).
#[derive(Debug, Clone)]
pub struct Rows {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    pub sha256: String,
    pub labels: Vec<Option<String>>,
}

impl Rows {
    pub(super) fn unlabelled(headers: Vec<String>, rows: Vec<Vec<Cell>>, sha256: String) -> Rows {
        let labels = vec![None; headers.len()];
        Rows {
            headers,
            rows,
            sha256,
            labels,
        }
    }
}

/// A data file's bytes.
pub(super) fn read_bytes(path: &Path) -> Result<Vec<u8>, LoadError> {
    std::fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => LoadError::Missing,
        _ => LoadError::Io(e.to_string()),
    })
}

/// The SHA-256 of some bytes, in hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let d = Sha256::digest(bytes);
    d.iter().map(|b| format!("{b:02x}")).collect()
}
