//! Files, stage 1 (input): how a data file is read ([`ReadOptions`]), what a reader returns
//! ([`Loaded`]) or why it could not read the file ([`LoadError`]), bytes and hashes.
//!
//! Guarantees: types and small helpers only; reading a file's bytes never panics.

use crate::engine::data::{CellRules, Table, TableError};
use std::path::Path;

/// How a data file is read: the cells' rules (missing-value markers, conversions asked for),
/// the column of case ids, the CSV separator and the workbook's sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadOptions {
    pub rules: CellRules,
    pub id: Option<String>,
    pub sep: u8,
    pub sheet: Option<String>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            rules: CellRules {
                na: vec!["".into(), "NA".into()],
                ..CellRules::default()
            },
            id: None,
            sep: b',',
            sheet: None,
        }
    }
}

/// A data file read: its table and the SHA-256 of its bytes.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub table: Table,
    pub sha256: String,
}

/// Days since 1970-01-01 as `YYYY-MM-DD` (Howard Hinnant's civil-from-days).
pub fn civil_from_days(z: i64) -> String {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z.rem_euclid(146097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!("{y:04}-{m:02}-{d:02}")
}

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
    /// The rows do not make a table (no rows, duplicate columns or ids, a missing id, …).
    Table(TableError),
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
