//! Files, in and out, in one place: scripts (`toe run`, `use`, the REPL's `:load`), data files
//! (CSV with the csv crate, workbooks with calamine, SPSS and Stata files in [`labelled`]),
//! atomic writes (exports, `--json`) and
//! SHA-256 hashes (provenance).
//!
//! Guarantees: any file content (binary garbage included) gives text, rows or a typed error,
//! never a panic; line numbers in errors are 1-based lines of the file; a write replaces the
//! target only with a complete new file (a temporary file in the same folder, then a rename).

use crate::diagnostics::{codes, Diag};
use crate::engine::data::Cell;
use crate::source::Span;
use std::path::{Path, PathBuf};

mod labelled;
mod rows;
use rows::read_bytes;
pub use rows::{sha256_hex, LoadError, Rows};

/// Why a script could not be read.
#[derive(Debug, Clone, PartialEq)]
pub enum ScriptError {
    Missing,
    Io(String),
    /// Not UTF-8: the byte offset of the first bad byte.
    NotUtf8(usize),
}

/// Reads a script as UTF-8 text.
pub fn read_script(path: &Path) -> Result<String, ScriptError> {
    let bytes = std::fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => ScriptError::Missing,
        _ => ScriptError::Io(e.to_string()),
    })?;
    String::from_utf8(bytes).map_err(|e| ScriptError::NotUtf8(e.utf8_error().valid_up_to()))
}

/// The diagnostic for a script that could not be read. `at` is the `use` statement's path, if
/// the script was named inside another one; `shown` is the path as the user wrote it.
pub fn script_diag(e: &ScriptError, shown: &str, at: Option<Span>) -> Diag {
    let d = match e {
        ScriptError::Missing => Diag::error(
            codes::MISSING_FILE,
            format!("expected a script at `{shown}`, found no file"),
        )
        .help(if at.is_some() {
            "paths are relative to the folder of the script"
        } else {
            "check the path"
        }),
        ScriptError::Io(m) => Diag::error(
            codes::READ_ERROR,
            format!("expected a readable script at `{shown}`, found an error: {m}"),
        )
        .help("check the file's permissions"),
        ScriptError::NotUtf8(at) => Diag::error(
            codes::NOT_UTF8,
            format!("expected a UTF-8 text script, found other bytes at byte {at} of `{shown}`"),
        )
        .help("save the script as UTF-8 text"),
    };
    match at {
        Some(span) => {
            let label = match e {
                ScriptError::Missing => "no such file",
                ScriptError::Io(_) => "cannot read",
                ScriptError::NotUtf8(_) => "not a text file",
            };
            d.at(span, label)
        }
        None => d,
    }
}

/// Whether data files are kept in memory between reads (the language server: a script is
/// checked at every change, its data read once and again only when the file changes).
static CACHE_ON: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

type CacheKey = (PathBuf, String);
type CacheEntry = (Option<std::time::SystemTime>, u64, Rows);
static CACHE: std::sync::Mutex<Option<std::collections::HashMap<CacheKey, CacheEntry>>> =
    std::sync::Mutex::new(None);

/// Keeps data files in memory from now on (keyed by path, reader options, modification time
/// and size).
pub fn cache_data() {
    CACHE_ON.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// How many data files were read from disk (not from the cache) so far.
pub fn data_reads() -> usize {
    READS.load(std::sync::atomic::Ordering::Relaxed)
}
static READS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Reads through the cache when it is on.
fn cached(
    path: &Path,
    options: String,
    read: impl FnOnce() -> Result<Rows, LoadError>,
) -> Result<Rows, LoadError> {
    use std::sync::atomic::Ordering;
    if !CACHE_ON.load(Ordering::Relaxed) {
        READS.fetch_add(1, Ordering::Relaxed);
        return read();
    }
    let meta = std::fs::metadata(path).ok();
    let stamp = (
        meta.as_ref().and_then(|m| m.modified().ok()),
        meta.as_ref().map(|m| m.len()).unwrap_or(0),
    );
    let key = (path.to_path_buf(), options);
    if let Ok(guard) = CACHE.lock() {
        if let Some((t, n, rows)) = guard.as_ref().and_then(|c| c.get(&key)) {
            if (*t, *n) == stamp {
                return Ok(rows.clone());
            }
        }
    }
    READS.fetch_add(1, Ordering::Relaxed);
    let rows = read()?;
    if let Ok(mut guard) = CACHE.lock() {
        guard
            .get_or_insert_with(Default::default)
            .insert(key, (stamp.0, stamp.1, rows.clone()));
    }
    Ok(rows)
}

/// Reads a delimited text file. `sep` is a single byte.
pub fn read_csv(path: &Path, sep: u8) -> Result<Rows, LoadError> {
    cached(path, format!("csv {sep}"), || read_csv_now(path, sep))
}

/// Reads one sheet of a workbook (xlsx, xls, ods); the first sheet when `sheet` is `None`.
pub fn read_workbook(path: &Path, sheet: Option<&str>) -> Result<Rows, LoadError> {
    cached(path, format!("sheet {sheet:?}"), || {
        read_workbook_now(path, sheet)
    })
}

/// Reads an SPSS system file (.sav, or zlib-compressed .zsav).
pub fn read_spss(path: &Path) -> Result<Rows, LoadError> {
    cached(path, "spss".into(), || labelled::read_spss(path))
}

/// Reads a Stata data file (.dta, releases 102–119).
pub fn read_stata(path: &Path) -> Result<Rows, LoadError> {
    cached(path, "stata".into(), || labelled::read_stata(path))
}

fn read_csv_now(path: &Path, sep: u8) -> Result<Rows, LoadError> {
    let bytes = read_bytes(path)?;
    let sha = sha256_hex(&bytes);
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
    Ok(Rows::unlabelled(headers.unwrap_or_default(), rows, sha))
}

fn read_workbook_now(path: &Path, sheet: Option<&str>) -> Result<Rows, LoadError> {
    use calamine::{open_workbook_auto, Data, Reader};
    // calamine reads the file itself (by its extension); the bytes are read for the hash.
    let sha = sha256_hex(&read_bytes(path)?);
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
        None => return Ok(Rows::unlabelled(Vec::new(), Vec::new(), sha)),
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
    Ok(Rows::unlabelled(headers, rows, sha))
}

/// Whether a write may create the target's folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Folder {
    /// Exports (`export X to "out/x.html"`) create their folder.
    Create,
    /// `--json FILE` writes into an existing folder only.
    MustExist,
}

/// Writes a temporary file beside `target`, then renames it over `target`.
pub fn write_atomically(target: &Path, bytes: &[u8], folder: Folder) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = target.parent() {
        if !dir.as_os_str().is_empty() && folder == Folder::Create {
            std::fs::create_dir_all(dir)?;
        }
    }
    let name = target
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("export");
    let tmp: PathBuf = target.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, target)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// The diagnostic for a file that could not be written.
pub fn write_diag(shown: &str, e: &std::io::Error, at: Option<Span>) -> Diag {
    let d = Diag::error(
        codes::WRITE_ERROR,
        format!("expected to write `{shown}`, found an error: {e}"),
    )
    .help("check that the folder can be created and written to");
    match at {
        Some(span) => d.at(span, "cannot write here"),
        None => d,
    }
}

/// The folder of a script, against which its relative paths resolve.
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
