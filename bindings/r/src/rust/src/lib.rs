//! The R package's native side (extendr): the embedding API (`toe::api`) for R. It takes
//! the script, where to read data from, and a data frame's columns; it gives back the run's
//! text, Markdown, HTML, JSON and frames as R vectors, or the diagnostics — never a panic
//! across the boundary (every entry point runs under `catch_unwind`).
//!
//! R builds the data frames and the `toe_error` condition (bindings/r/R/toe.R).

use extendr_api::prelude::*;
use std::result::Result;
use toe::api::{Column, Diagnostic, Frame, HostColumn, HostData, Render, Study, ToeError};

/// R's `NA_real_`: a NaN whose low word is 1954.
const NA_REAL: f64 = f64::from_bits(0x7FF0_0000_0000_07A2);

/// A column as an R vector, and its type for R ("number", "logical", "text").
fn column(c: &Column) -> (Robj, &'static str) {
    match c {
        Column::Numbers(v) => (
            r!(v.iter().map(|x| x.unwrap_or(NA_REAL)).collect::<Vec<f64>>()),
            "number",
        ),
        Column::Logicals(v) => (
            r!(v.iter()
                .map(|x| match x {
                    Some(true) => 1,
                    Some(false) => 0,
                    None => i32::MIN,
                })
                .collect::<Vec<i32>>()),
            "logical",
        ),
        Column::Texts(v) => (
            Robj::from(
                v.iter()
                    .map(|x| x.as_deref())
                    .collect::<Vec<Option<&str>>>(),
            ),
            "text",
        ),
    }
}

/// A frame as `list(analysis, key, names, types, columns)`.
fn frame(f: &Frame) -> Robj {
    let names: Vec<&str> = f.columns.iter().map(|(n, _)| n.as_str()).collect();
    let (values, types): (Vec<Robj>, Vec<&str>) = f.columns.iter().map(|(_, c)| column(c)).unzip();
    list!(
        analysis = f.analysis.as_str(),
        key = f.key.as_str(),
        names = names,
        types = types,
        columns = List::from_values(values)
    )
    .into()
}

/// Diagnostics as the columns of a data frame.
fn diagnostics(d: &[Diagnostic]) -> Robj {
    let col = |f: fn(&Diagnostic) -> String| d.iter().map(f).collect::<Vec<String>>();
    list!(
        code = col(|d| d.code.clone()),
        severity = col(|d| d.severity.clone()),
        message = col(|d| d.message.clone()),
        help = col(|d| d.help.clone()),
        file = col(|d| d.file.clone()),
        line = d.iter().map(|d| d.line as f64).collect::<Vec<f64>>(),
        column = d.iter().map(|d| d.column as f64).collect::<Vec<f64>>(),
        rendered = col(|d| d.rendered.clone())
    )
    .into()
}

fn failed(e: &ToeError) -> Robj {
    list!(ok = false, diagnostics = diagnostics(&e.diagnostics)).into()
}

/// A data frame's columns from R: doubles (NA as NaN) or characters ("" for NA).
fn host(names: &[String], columns: &List, id: &str) -> Result<HostData, ToeError> {
    let mut out = Vec::new();
    for (name, v) in names.iter().zip(columns.values()) {
        let c = if let Some(x) = v.as_real_vector() {
            HostColumn::Numbers(x)
        } else if let Some(it) = v.as_str_iter() {
            HostColumn::Texts(
                it.map(|s| {
                    if s.is_empty() {
                        None
                    } else {
                        Some(s.to_string())
                    }
                })
                .collect(),
            )
        } else {
            return Err(boundary(&format!(
                "expected numbers or text in column `{name}`, found another type"
            )));
        };
        out.push((name.clone(), c));
    }
    Ok(HostData {
        columns: out,
        id: (!id.is_empty()).then(|| id.to_string()),
    })
}

/// A failure at the boundary itself (never expected), as a diagnostic.
fn boundary(message: &str) -> ToeError {
    ToeError {
        diagnostics: vec![Diagnostic {
            code: "toe::data::bad_data_frame".into(),
            severity: "error".into(),
            message: message.into(),
            help: "pass a data.frame of numeric, logical, factor or character columns".into(),
            file: String::new(),
            line: 0,
            column: 0,
            rendered: format!("toe::data::bad_data_frame\n  × {message}"),
        }],
    }
}

/// The study the R call describes: a file, or text read against a folder; with a data frame
/// when `has_data`.
#[allow(clippy::too_many_arguments)]
fn study(
    text: &str,
    path: &str,
    base: &str,
    has_data: bool,
    names: &[String],
    columns: &List,
    id: &str,
) -> Result<Study, ToeError> {
    let s = if path.is_empty() {
        Study::from_text(text, base)
    } else {
        Study::from_file(path)?
    };
    if has_data {
        s.with_data(&host(names, columns, id)?)
    } else {
        Ok(s)
    }
}

/// Runs `f`, turning a panic (never expected) into a `toe::run::internal` error.
fn guarded(f: impl FnOnce() -> Robj) -> Robj {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(_) => failed(&ToeError {
            diagnostics: vec![Diagnostic {
                code: "toe::run::internal".into(),
                severity: "error".into(),
                message: "expected the run to finish, found an internal error of toe".into(),
                help: "please report the script and data".into(),
                file: String::new(),
                line: 0,
                column: 0,
                rendered: "toe::run::internal: an internal error of toe".into(),
            }],
        }),
    }
}

/// Runs a study; with `show` a further statement run on its results, rendered alone.
#[extendr]
#[allow(clippy::too_many_arguments)]
fn toe_run_rs(
    text: &str,
    path: &str,
    base: &str,
    has_data: bool,
    names: Vec<String>,
    columns: List,
    id: &str,
    show: &str,
) -> Robj {
    guarded(|| {
        let run = study(text, path, base, has_data, &names, &columns, id).and_then(Study::run);
        let mut run = match run {
            Ok(r) => r,
            Err(e) => return failed(&e),
        };
        let shown = if show.is_empty() {
            Ok((String::new(), String::new()))
        } else {
            run.show(show, Render::Markdown)
                .and_then(|md| run.show(show, Render::Html).map(|html| (md, html)))
        };
        let (shown_md, shown_html) = match shown {
            Ok(s) => s,
            Err(e) => return failed(&e),
        };
        let frames: Vec<Robj> = run.frames().iter().map(frame).collect();
        list!(
            ok = true,
            text = run.text(),
            markdown = run.render(Render::Markdown),
            html = run.render(Render::Html),
            json = run.json_text(),
            frames = List::from_values(frames),
            warnings = diagnostics(&run.warnings()),
            shown_markdown = shown_md,
            shown_html = shown_html
        )
        .into()
    })
}

/// Checks a study: its diagnostics.
#[extendr]
fn toe_check_rs(
    text: &str,
    path: &str,
    base: &str,
    has_data: bool,
    names: Vec<String>,
    columns: List,
    id: &str,
) -> Robj {
    guarded(
        || match study(text, path, base, has_data, &names, &columns, id) {
            Ok(mut s) => list!(ok = true, diagnostics = diagnostics(&s.check())).into(),
            Err(e) => failed(&e),
        },
    )
}

/// The study report of a study, as bytes in the format of `format` ("html", "md", "tex",
/// "docx").
#[extendr]
#[allow(clippy::too_many_arguments)]
fn toe_report_rs(
    text: &str,
    path: &str,
    base: &str,
    has_data: bool,
    names: Vec<String>,
    columns: List,
    id: &str,
    format: &str,
) -> Robj {
    guarded(|| {
        let Some(f) =
            toe::check::plan::Format::of_path(std::path::Path::new(&format!("r.{format}")))
        else {
            return failed(&boundary(&format!(
                "expected html, md, tex or docx, found `{format}`"
            )));
        };
        let r = study(text, path, base, has_data, &names, &columns, id)
            .and_then(Study::run)
            .and_then(|mut run| run.report(f));
        match r {
            Ok(bytes) => list!(ok = true, bytes = Raw::from_bytes(&bytes)).into(),
            Err(e) => failed(&e),
        }
    })
}

/// The version of the engine, as `toe --version` says it.
#[extendr]
fn toe_version_rs() -> String {
    toe::api::version()
}

extendr_module! {
    mod toe;
    fn toe_run_rs;
    fn toe_check_rs;
    fn toe_report_rs;
    fn toe_version_rs;
}
