//! Files, stage 1 (input): the statistics packages' data files — SPSS (.sav/.zsav, read with
//! the `ambers` crate) and Stata (.dta of every release, read with the `dta` crate).
//!
//! Guarantees: a file gives a [`Loaded`] table or a [`LoadError`], never a panic;
//! system-missing values (SPSS sysmis, Stata `.` and `.a`–`.z`) and SPSS user-missing values
//! (discrete values and ranges declared in the file) are [`Cell::Empty`]; a number with a value
//! label is [`Cell::Labelled`] (the number for analyses, the label as its text: case ids,
//! groups); a date or a time (SPSS date formats, Stata `%t` formats) is a typed cell that an
//! analysis refuses, unless the script asks for Stata's numbers (`as_numbers = ["dates"]`);
//! variable labels become the table's column labels. The two crates can panic on damaged input
//! (an arithmetic overflow on a corrupt length, found by `damaged_statistics_files_never_panic`);
//! [`guarded`] turns such a panic into a [`LoadError`] and keeps its message off the terminal.

use super::rows::{civil_from_days, read_bytes, sha256_hex, LoadError, Loaded, ReadOptions};
use crate::engine::data::{Cell, CellKind, TableBuilder};
use std::collections::HashMap;
use std::path::Path;

/// Reads an SPSS system file (.sav, or zlib-compressed .zsav).
pub fn read_spss(path: &Path, o: &ReadOptions) -> Result<Loaded, LoadError> {
    let bytes = read_bytes(path)?;
    let (headers, labels, columns, sha) = guarded(|| spss_columns(bytes))?;
    into_table(headers, labels, columns, sha, o)
}

/// Reads a Stata data file (.dta, releases 102–119).
pub fn read_stata(path: &Path, o: &ReadOptions) -> Result<Loaded, LoadError> {
    let bytes = read_bytes(path)?;
    let dates = o.rules.dates_as_numbers;
    let (headers, labels, columns, sha) = guarded(|| stata_columns(bytes, dates))?;
    into_table(headers, labels, columns, sha, o)
}

/// Headers, variable labels, the cells column by column, and the file's hash.
type Columns = (Vec<String>, Vec<Option<String>>, Vec<Vec<Cell>>, String);

fn into_table(
    headers: Vec<String>,
    labels: Vec<Option<String>>,
    columns: Vec<Vec<Cell>>,
    sha256: String,
    o: &ReadOptions,
) -> Result<Loaded, LoadError> {
    let n = columns.first().map_or(0, |c| c.len());
    let mut b =
        TableBuilder::new(headers, o.rules.clone(), o.id.as_deref()).map_err(LoadError::Table)?;
    for i in 0..n {
        b.push_row(columns.iter().map(|c| c[i].as_ref()))
            .map_err(LoadError::Table)?;
    }
    let mut table = b.finish().map_err(LoadError::Table)?;
    table.column_labels = labels;
    Ok(Loaded { table, sha256 })
}

thread_local! {
    /// Set while a reader of a foreign format runs on this thread: its panics are reported as
    /// damaged files, not printed.
    static IN_READER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs a reader; a panic inside it is a [`LoadError::Workbook`] ("damaged file").
fn guarded(read: impl FnOnce() -> Result<Columns, LoadError>) -> Result<Columns, LoadError> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !IN_READER.with(|f| f.get()) {
                previous(info);
            }
        }));
    });
    IN_READER.with(|f| f.set(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(read));
    IN_READER.with(|f| f.set(false));
    result.unwrap_or_else(|_| {
        Err(LoadError::Workbook(
            "the file looks damaged: its reader stopped on an impossible length or offset".into(),
        ))
    })
}

fn spss_columns(bytes: Vec<u8>) -> Result<Columns, LoadError> {
    use ambers::MissingSpec;
    use arrow::array::{Array, AsArray};
    use arrow::datatypes::{DataType, Float64Type};
    let sha256 = sha256_hex(&bytes);
    let (batch, meta) = ambers::read_sav_from_reader(std::io::Cursor::new(bytes))
        .map_err(|e| LoadError::Workbook(e.to_string()))?;
    // A damaged file (fewer cases than its header declares, …) is read as far as it goes;
    // an analysis of the cases that survived would be silently wrong, so it is refused.
    if let Some(w) = meta.warnings.first() {
        return Err(LoadError::Workbook(format!("the file looks damaged: {w}")));
    }
    let headers = meta.variable_names.clone();
    let n = batch.num_rows();
    let mut columns: Vec<Vec<Cell>> = Vec::with_capacity(headers.len());
    for (j, name) in headers.iter().enumerate() {
        let Some(col) = batch.columns().get(j) else {
            return Err(LoadError::Workbook(format!(
                "the file declares variable `{name}` but holds no data for it"
            )));
        };
        let missing = meta
            .variable_missing_values
            .get(name)
            .cloned()
            .unwrap_or_default();
        let is_user_missing = |v: f64| {
            missing.iter().any(|m| match m {
                MissingSpec::Value(x) => *x == v,
                MissingSpec::Range { lo, hi } => *lo <= v && v <= *hi,
                MissingSpec::StringValue(_) => false,
            })
        };
        let labels: HashMap<u64, String> = meta
            .variable_value_labels
            .get(name)
            .map(|m| {
                m.iter()
                    .filter_map(|(k, l)| match k {
                        ambers::Value::Numeric(v) => Some((v.to_bits(), l.clone())),
                        ambers::Value::String(_) => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        let cells: Vec<Cell> = match col.data_type() {
            DataType::Float64 => {
                let a = col.as_primitive::<Float64Type>();
                (0..n)
                    .map(|i| {
                        if a.is_null(i) || is_user_missing(a.value(i)) {
                            Cell::Empty
                        } else {
                            number_cell(a.value(i), &labels)
                        }
                    })
                    .collect()
            }
            ty => {
                // Strings, dates and durations: their text, as SPSS displays it; a discrete
                // string user-missing value is missing; a date or a time is typed.
                let kind = match ty {
                    DataType::Date32 | DataType::Date64 | DataType::Timestamp(..) => {
                        Some(CellKind::Date)
                    }
                    DataType::Duration(_) | DataType::Time32(_) | DataType::Time64(_) => {
                        Some(CellKind::Time)
                    }
                    _ => None,
                };
                let str_missing: Vec<&str> = missing
                    .iter()
                    .filter_map(|m| match m {
                        MissingSpec::StringValue(s) => Some(s.trim_end()),
                        _ => None,
                    })
                    .collect();
                (0..n)
                    .map(|i| {
                        if col.is_null(i) {
                            return Cell::Empty;
                        }
                        let s = arrow_text(col.as_ref(), i);
                        let t = s.trim_end();
                        if str_missing.contains(&t) {
                            Cell::Empty
                        } else if let Some(k) = kind {
                            Cell::Typed(k, t.to_string())
                        } else {
                            Cell::Text(t.to_string())
                        }
                    })
                    .collect()
            }
        };
        columns.push(cells);
    }
    let labels = headers
        .iter()
        .map(|h| meta.label(h).filter(|l| !l.is_empty()).map(str::to_string))
        .collect();
    Ok((headers, labels, columns, sha256))
}

/// A cell of a column that is not numbers, as SPSS shows it: text as it is, a date as
/// `YYYY-MM-DD`, a date-time as `YYYY-MM-DDTHH:MM:SS` (fractions of a second when there are),
/// a time or a duration as `HH:MM:SS`.
fn arrow_text(col: &dyn arrow::array::Array, i: usize) -> String {
    use arrow::array::AsArray;
    use arrow::datatypes::*;
    let clock = |secs: i64, nanos: i64| {
        let (h, m, s) = (
            secs.div_euclid(3600),
            secs.rem_euclid(3600) / 60,
            secs.rem_euclid(60),
        );
        if nanos == 0 {
            format!("{h:02}:{m:02}:{s:02}")
        } else {
            let f = format!("{:09}", nanos);
            format!("{h:02}:{m:02}:{s:02}.{}", f.trim_end_matches('0'))
        }
    };
    // (seconds, nanoseconds) of a count in a unit
    let split = |v: i64, unit: &TimeUnit| -> (i64, i64) {
        let per = match unit {
            TimeUnit::Second => 1,
            TimeUnit::Millisecond => 1_000,
            TimeUnit::Microsecond => 1_000_000,
            TimeUnit::Nanosecond => 1_000_000_000,
        };
        (v.div_euclid(per), v.rem_euclid(per) * (1_000_000_000 / per))
    };
    let stamp = |v: i64, unit: &TimeUnit| {
        let (secs, nanos) = split(v, unit);
        let day = super::rows::civil_from_days(secs.div_euclid(86_400));
        format!("{day}T{}", clock(secs.rem_euclid(86_400), nanos))
    };
    match col.data_type() {
        DataType::Utf8 => col.as_string::<i32>().value(i).to_string(),
        DataType::LargeUtf8 => col.as_string::<i64>().value(i).to_string(),
        DataType::Utf8View => col.as_string_view().value(i).to_string(),
        DataType::Date32 => {
            super::rows::civil_from_days(col.as_primitive::<Date32Type>().value(i) as i64)
        }
        DataType::Date64 => stamp(
            col.as_primitive::<Date64Type>().value(i),
            &TimeUnit::Millisecond,
        ),
        DataType::Timestamp(unit, _) => {
            let v = match unit {
                TimeUnit::Second => col.as_primitive::<TimestampSecondType>().value(i),
                TimeUnit::Millisecond => col.as_primitive::<TimestampMillisecondType>().value(i),
                TimeUnit::Microsecond => col.as_primitive::<TimestampMicrosecondType>().value(i),
                TimeUnit::Nanosecond => col.as_primitive::<TimestampNanosecondType>().value(i),
            };
            stamp(v, unit)
        }
        DataType::Duration(unit) => {
            let v = match unit {
                TimeUnit::Second => col.as_primitive::<DurationSecondType>().value(i),
                TimeUnit::Millisecond => col.as_primitive::<DurationMillisecondType>().value(i),
                TimeUnit::Microsecond => col.as_primitive::<DurationMicrosecondType>().value(i),
                TimeUnit::Nanosecond => col.as_primitive::<DurationNanosecondType>().value(i),
            };
            let (secs, nanos) = split(v, unit);
            clock(secs, nanos)
        }
        DataType::Time32(unit) => {
            let v = match unit {
                TimeUnit::Second => col.as_primitive::<Time32SecondType>().value(i) as i64,
                _ => col.as_primitive::<Time32MillisecondType>().value(i) as i64,
            };
            let (secs, nanos) = split(v, unit);
            clock(secs, nanos)
        }
        DataType::Time64(unit) => {
            let v = match unit {
                TimeUnit::Microsecond => col.as_primitive::<Time64MicrosecondType>().value(i),
                _ => col.as_primitive::<Time64NanosecondType>().value(i),
            };
            let (secs, nanos) = split(v, unit);
            clock(secs, nanos)
        }
        other => format!("({other})"),
    }
}

fn stata_columns(bytes: Vec<u8>, dates_as_numbers: bool) -> Result<Columns, LoadError> {
    use dta::stata::dta::dta_reader::DtaReader;
    use dta::stata::dta::long_string_table::LongStringTable;
    use dta::stata::dta::value::Value;
    use dta::stata::dta::value_label_table::ValueLabelTable;
    let sha256 = sha256_hex(&bytes);
    let fail = |e: dta::stata::dta::dta_error::DtaError| LoadError::Workbook(e.to_string());
    let schema_reader = DtaReader::new()
        .from_reader(std::io::Cursor::new(bytes))
        .read_header()
        .map_err(fail)?;
    let mut characteristics = schema_reader.read_schema().map_err(fail)?;
    characteristics.skip_to_end().map_err(fail)?;
    let mut records = characteristics.into_record_reader().map_err(fail)?;
    let schema = records.schema().clone();
    let headers: Vec<String> = schema
        .variables()
        .iter()
        .map(|v| v.name().to_string())
        .collect();
    /// A cell before the strL and value-label sections are read.
    enum Raw {
        Missing,
        Number(f64),
        Text(String),
        Long(dta::stata::dta::long_string_ref::LongStringRef),
    }
    let mut raw: Vec<Vec<Raw>> = Vec::new();
    while let Some(record) = records.read_record().map_err(fail)? {
        let row = record
            .values()
            .iter()
            .map(|v| {
                let num = |x: Option<f64>| x.map(Raw::Number).unwrap_or(Raw::Missing);
                match v {
                    Value::Byte(b) => num(b.present().map(f64::from)),
                    Value::Int(i) => num(i.present().map(f64::from)),
                    Value::Long(l) => num(l.present().map(f64::from)),
                    Value::Float(f) => num(f.present().map(f64::from)),
                    Value::Double(d) => num(d.present()),
                    Value::String(s) => Raw::Text(s.to_string()),
                    Value::LongStringRef(r) => Raw::Long(*r),
                }
            })
            .collect();
        raw.push(row);
    }
    let mut long_reader = records.into_long_string_reader().map_err(fail)?;
    let mut long = LongStringTable::for_reading();
    long_reader.read_remaining_into(&mut long).map_err(fail)?;
    let mut label_reader = long_reader.into_value_label_reader().map_err(fail)?;
    let mut sets = ValueLabelTable::new();
    label_reader.read_remaining_into(&mut sets).map_err(fail)?;
    // Value labels by column: Stata labels integers only.
    let labels_of: Vec<HashMap<u64, String>> = schema
        .variables()
        .iter()
        .map(|v| {
            sets.get(v.value_label_name())
                .map(|set| {
                    set.entries()
                        .iter()
                        .map(|e| (f64::from(e.value()).to_bits(), e.label().to_string()))
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect();
    // Stata's dates and times are numbers with a `%t` display format.
    let formats: Vec<String> = schema
        .variables()
        .iter()
        .map(|v| v.format().trim_start_matches(['%', '-']).to_string())
        .collect();
    let mut columns: Vec<Vec<Cell>> = (0..headers.len())
        .map(|_| Vec::with_capacity(raw.len()))
        .collect();
    for row in raw {
        for (j, c) in row.into_iter().enumerate() {
            let Some(col) = columns.get_mut(j) else {
                continue;
            };
            col.push(match c {
                Raw::Missing => Cell::Empty,
                Raw::Number(v) if formats[j].starts_with('t') && !dates_as_numbers => {
                    stata_date(v, &formats[j])
                }
                Raw::Number(v) => number_cell(v, &labels_of[j]),
                Raw::Text(s) => Cell::Text(s),
                Raw::Long(r) => match long.get(&r) {
                    Some(s) => Cell::Text(String::from_utf8_lossy(s.content().data()).into()),
                    None => Cell::Empty,
                },
            });
        }
    }
    let labels = schema
        .variables()
        .iter()
        .map(|v| Some(v.label().to_string()).filter(|l| !l.is_empty()))
        .collect();
    Ok((headers, labels, columns, sha256))
}

/// A Stata date (`%td`: days since 1960-01-01, shown as an ISO date) or another `%t` value
/// (shown with its format).
fn stata_date(v: f64, format: &str) -> Cell {
    if format.starts_with("td") && v.is_finite() && v.abs() < 1.0e7 {
        let days = v.floor() as i64 - 3653;
        Cell::Typed(CellKind::Date, civil_from_days(days))
    } else if format.starts_with("tc") || format.starts_with("tC") {
        Cell::Typed(CellKind::Time, format!("{v} (%{format})"))
    } else {
        Cell::Typed(CellKind::Date, format!("{v} (%{format})"))
    }
}

/// A number, with its value label when the file gives one.
fn number_cell(v: f64, labels: &HashMap<u64, String>) -> Cell {
    // -0.0 and 0.0 share a label.
    let key = if v == 0.0 { 0.0f64 } else { v };
    match labels.get(&key.to_bits()) {
        Some(l) => Cell::Labelled(v, l.clone()),
        None => Cell::Number(v),
    }
}
