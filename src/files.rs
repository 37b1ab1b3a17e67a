//! Files, in and out, in one place: scripts (`toe run`, `use`, the REPL's `:load`), data files
//! (CSV with the csv crate, workbooks with calamine, SPSS and Stata files in [`labelled`]),
//! staged, atomic writes (exports, `--json`, reports: [`output`]) and SHA-256 hashes
//! (provenance).
//!
//! Guarantees: any file content (binary garbage included) gives text, rows or a typed error,
//! never a panic; line numbers in errors are 1-based lines of the file; a write replaces the
//! target only with a complete new file, and only when the whole run succeeded ([`Outputs`]).

use crate::diagnostics::{codes, Diag};
use crate::engine::data::{CellKind, CellRef, TableBuilder, TableError};
use crate::source::Span;
use std::path::{Path, PathBuf};

mod labelled;
mod output;
mod rows;
pub use output::{
    abandon_all, final_target, resolved, same_file, write_atomically, Folder, Outputs,
};
use rows::read_bytes;
pub use rows::{civil_from_days, sha256_hex, LoadError, Loaded, ReadOptions};

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
type CacheEntry = (Option<std::time::SystemTime>, u64, Loaded);
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
    read: impl FnOnce() -> Result<Loaded, LoadError>,
) -> Result<Loaded, LoadError> {
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
        if let Some((t, n, loaded)) = guard.as_ref().and_then(|c| c.get(&key)) {
            if (*t, *n) == stamp {
                return Ok(loaded.clone());
            }
        }
    }
    READS.fetch_add(1, Ordering::Relaxed);
    let loaded = read()?;
    if let Ok(mut guard) = CACHE.lock() {
        guard
            .get_or_insert_with(Default::default)
            .insert(key, (stamp.0, stamp.1, loaded.clone()));
    }
    Ok(loaded)
}

/// Reads a delimited text file, streaming: each record goes straight into the table.
pub fn read_csv(path: &Path, o: &ReadOptions) -> Result<Loaded, LoadError> {
    cached(path, format!("csv {o:?}"), || read_csv_now(path, o))
}

/// Reads one sheet of a workbook (xlsx, xls, ods); the first sheet when none is named.
pub fn read_workbook(path: &Path, o: &ReadOptions) -> Result<Loaded, LoadError> {
    cached(path, format!("workbook {o:?}"), || {
        read_workbook_now(path, o)
    })
}

/// Reads an SPSS system file (.sav, or zlib-compressed .zsav).
pub fn read_spss(path: &Path, o: &ReadOptions) -> Result<Loaded, LoadError> {
    cached(path, format!("spss {o:?}"), || labelled::read_spss(path, o))
}

/// Reads a Stata data file (.dta, releases 102–119).
pub fn read_stata(path: &Path, o: &ReadOptions) -> Result<Loaded, LoadError> {
    cached(path, format!("stata {o:?}"), || {
        labelled::read_stata(path, o)
    })
}

/// A reader that hashes what passes through it (the file's SHA-256, in one pass).
struct Hashing<R> {
    inner: R,
    hasher: sha2::Sha256,
}

impl<R: std::io::Read> std::io::Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        use sha2::Digest;
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

fn open(path: &Path) -> Result<std::fs::File, LoadError> {
    let f = std::fs::File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => LoadError::Missing,
        _ => LoadError::Io(e.to_string()),
    })?;
    if f.metadata().map(|m| m.is_dir()).unwrap_or(false) {
        return Err(LoadError::Io("it is a folder, not a file".into()));
    }
    Ok(f)
}

fn read_csv_now(path: &Path, o: &ReadOptions) -> Result<Loaded, LoadError> {
    use sha2::Digest;
    let mut source = Hashing {
        inner: std::io::BufReader::with_capacity(1 << 16, open(path)?),
        hasher: sha2::Sha256::new(),
    };
    let mut table = None;
    {
        let mut rdr = csv::ReaderBuilder::new()
            .delimiter(o.sep)
            .has_headers(false)
            .flexible(true)
            .from_reader(&mut source);
        let mut builder: Option<TableBuilder> = None;
        let mut rec = csv::StringRecord::new();
        loop {
            let more = rdr.read_record(&mut rec).map_err(|e| {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                match e.kind() {
                    csv::ErrorKind::Utf8 { .. } => LoadError::NotText { line },
                    _ => LoadError::Malformed {
                        line,
                        message: e.to_string(),
                    },
                }
            })?;
            if !more {
                break;
            }
            let line = rec.position().map(|p| p.line()).unwrap_or(0);
            if rec.as_slice().contains('\0') {
                return Err(LoadError::NotText { line });
            }
            let Some(b) = builder.as_mut() else {
                // The header; a UTF-8 byte-order mark, as spreadsheets write one, is not part
                // of the first name.
                let headers = rec
                    .iter()
                    .enumerate()
                    .map(|(k, h)| {
                        let h = if k == 0 {
                            h.trim_start_matches('\u{feff}')
                        } else {
                            h
                        };
                        h.trim().to_string()
                    })
                    .collect();
                builder = Some(
                    TableBuilder::new(headers, o.rules.clone(), o.id.as_deref())
                        .map_err(LoadError::Table)?,
                );
                continue;
            };
            if rec.len() == 1 && rec[0].trim().is_empty() {
                continue; // a blank line
            }
            if rec.len() != b.columns() {
                return Err(LoadError::Ragged {
                    line,
                    expected: b.columns(),
                    found: rec.len(),
                });
            }
            b.push_row(rec.iter().map(CellRef::Text))
                .map_err(LoadError::Table)?;
        }
        if let Some(b) = builder {
            table = Some(b.finish().map_err(LoadError::Table)?);
        }
    }
    // The rest of the file (nothing, after the parser's end) is hashed too.
    std::io::copy(&mut source, &mut std::io::sink()).map_err(|e| LoadError::Io(e.to_string()))?;
    let sha256 = source
        .hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let table = table.ok_or(LoadError::Table(TableError::NoColumns))?;
    Ok(Loaded { table, sha256 })
}

/// Days since 1899-12-30 (Excel's serial dates, 1900 system) as an ISO date (and time).
fn excel_date(serial: f64) -> String {
    if !serial.is_finite() || serial.abs() > 3.0e6 {
        return serial.to_string();
    }
    let days = serial.floor() as i64;
    let secs = ((serial - serial.floor()) * 86400.0).round() as i64;
    let date = civil_from_days(days - 25569);
    if secs == 0 {
        date
    } else {
        format!(
            "{date} {:02}:{:02}:{:02}",
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        )
    }
}

fn read_workbook_now(path: &Path, o: &ReadOptions) -> Result<Loaded, LoadError> {
    use calamine::{open_workbook_auto, Data, Reader};
    // calamine reads the file itself (by its extension); the bytes are read for the hash.
    let sha = sha256_hex(&read_bytes(path)?);
    let mut wb = open_workbook_auto(path).map_err(|e| LoadError::Workbook(e.to_string()))?;
    let names = wb.sheet_names().to_vec();
    let name = match &o.sheet {
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
        None => return Err(LoadError::Table(TableError::NoColumns)),
    };
    let mut b =
        TableBuilder::new(headers, o.rules.clone(), o.id.as_deref()).map_err(LoadError::Table)?;
    let mut shown: Vec<String> = Vec::new();
    for r in iter.filter(|r| r.iter().any(|c| !matches!(c, Data::Empty))) {
        // The text of cells that are neither numbers nor text, as the workbook shows them.
        shown.clear();
        shown.extend(r.iter().map(|c| match c {
            Data::DateTime(d) => excel_date(d.as_f64()),
            Data::Error(e) => e.to_string(),
            Data::Bool(v) => if *v { "TRUE" } else { "FALSE" }.to_string(),
            _ => String::new(),
        }));
        let rules = &o.rules;
        b.push_row(r.iter().zip(&shown).map(|(c, t)| match c {
            Data::Empty => CellRef::Empty,
            Data::Float(f) => CellRef::Number(*f),
            Data::Int(i) => CellRef::Number(*i as f64),
            Data::String(s) => CellRef::Text(s),
            Data::Bool(v) if rules.booleans_as_numbers => {
                CellRef::Number(if *v { 1.0 } else { 0.0 })
            }
            Data::Bool(_) => CellRef::Typed(CellKind::Boolean, t),
            Data::DateTime(d) if rules.dates_as_numbers => CellRef::Number(d.as_f64()),
            Data::DateTime(d) if d.is_duration() => CellRef::Typed(CellKind::Time, t),
            Data::DateTime(_) => CellRef::Typed(CellKind::Date, t),
            Data::DateTimeIso(s) => CellRef::Typed(CellKind::Date, s),
            Data::DurationIso(s) => CellRef::Typed(CellKind::Time, s),
            Data::Error(_) => CellRef::Typed(CellKind::Error, t),
        }))
        .map_err(LoadError::Table)?;
    }
    Ok(Loaded {
        table: b.finish().map_err(LoadError::Table)?,
        sha256: sha,
    })
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
