//! The Python package's native side (PyO3, abi3): the embedding API (`toe::api`) for
//! Python. It takes the script, where to read data from, and a data frame's columns; it
//! gives back the run's text, Markdown, HTML, JSON and frames as Python values, or raises
//! `toe.ToeError` (defined in python/toe/__init__.py) with the diagnostics — never a panic
//! across the boundary (every entry point runs under `catch_unwind`).

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};
use toe::api::{Column, Diagnostic, Frame, HostColumn, HostData, Render, Study, ToeError};

/// Diagnostics as a list of dicts.
fn diagnostics<'py>(py: Python<'py>, d: &[Diagnostic]) -> PyResult<Bound<'py, PyList>> {
    let out = PyList::empty(py);
    for x in d {
        let m = PyDict::new(py);
        m.set_item("code", &x.code)?;
        m.set_item("severity", &x.severity)?;
        m.set_item("message", &x.message)?;
        m.set_item("help", &x.help)?;
        m.set_item("file", &x.file)?;
        m.set_item("line", x.line)?;
        m.set_item("column", x.column)?;
        m.set_item("rendered", &x.rendered)?;
        out.append(m)?;
    }
    Ok(out)
}

/// A frame as `{"analysis", "key", "columns": [(name, type, values)]}`.
fn frame<'py>(py: Python<'py>, f: &Frame) -> PyResult<Bound<'py, PyDict>> {
    let m = PyDict::new(py);
    m.set_item("analysis", &f.analysis)?;
    m.set_item("key", &f.key)?;
    let cols = PyList::empty(py);
    for (name, c) in &f.columns {
        let (kind, values) = match c {
            Column::Numbers(v) => ("number", v.into_pyobject(py)?.into_any()),
            Column::Logicals(v) => ("logical", v.into_pyobject(py)?.into_any()),
            Column::Texts(v) => ("text", v.into_pyobject(py)?.into_any()),
        };
        cols.append((name, kind, values))?;
    }
    m.set_item("columns", cols)?;
    Ok(m)
}

/// The failure raised into Python: the Python side turns it into `toe.ToeError`.
fn failed(py: Python<'_>, e: &ToeError) -> PyResult<PyObject> {
    let m = PyDict::new(py);
    m.set_item("ok", false)?;
    m.set_item("diagnostics", diagnostics(py, &e.diagnostics)?)?;
    Ok(m.into_any().unbind())
}

/// A data frame's columns: floats (NaN missing) or strings (None missing).
fn host(columns: Vec<(String, Bound<'_, PyAny>)>, id: Option<String>) -> PyResult<HostData> {
    let mut out = Vec::new();
    for (name, values) in columns {
        let c = if let Ok(v) = values.extract::<Vec<f64>>() {
            HostColumn::Numbers(v)
        } else if let Ok(v) = values.extract::<Vec<Option<String>>>() {
            HostColumn::Texts(v)
        } else {
            return Err(PyRuntimeError::new_err(format!(
                "expected numbers or text in column `{name}`"
            )));
        };
        out.push((name, c));
    }
    Ok(HostData { columns: out, id })
}

fn study(
    text: &str,
    path: Option<&str>,
    base: &str,
    data: Option<HostData>,
) -> Result<Study, ToeError> {
    let s = match path {
        Some(p) => Study::from_file(p)?,
        None => Study::from_text(text, base),
    };
    match data {
        Some(d) => s.with_data(&d),
        None => Ok(s),
    }
}

/// Runs `f`, turning a panic (never expected) into a Python RuntimeError.
fn guarded<T>(f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|_| {
        Err(PyRuntimeError::new_err(
            "toe::run::internal: an internal error of toe (please report the script and data)",
        ))
    })
}

/// Runs a study: a dict with `ok`, and the run's text, Markdown, HTML, JSON, frames and
/// warnings (or the diagnostics); with `show`, that statement run on the results, rendered.
#[pyfunction]
#[pyo3(signature = (text, path, base, columns=None, id=None, show=None))]
fn run(
    py: Python<'_>,
    text: &str,
    path: Option<&str>,
    base: &str,
    columns: Option<Vec<(String, Bound<'_, PyAny>)>>,
    id: Option<String>,
    show: Option<&str>,
) -> PyResult<PyObject> {
    guarded(|| {
        let data = columns.map(|c| host(c, id)).transpose()?;
        let mut r = match study(text, path, base, data).and_then(Study::run) {
            Ok(r) => r,
            Err(e) => return failed(py, &e),
        };
        let m = PyDict::new(py);
        if let Some(s) = show {
            match r
                .show(s, Render::Markdown)
                .and_then(|md| r.show(s, Render::Html).map(|h| (md, h)))
            {
                Ok((md, html)) => {
                    m.set_item("shown_markdown", md)?;
                    m.set_item("shown_html", html)?;
                }
                Err(e) => return failed(py, &e),
            }
        }
        m.set_item("ok", true)?;
        m.set_item("text", r.text())?;
        m.set_item("markdown", r.render(Render::Markdown))?;
        m.set_item("html", r.render(Render::Html))?;
        m.set_item("json", r.json_text())?;
        let frames = PyList::empty(py);
        for f in r.frames() {
            frames.append(frame(py, f)?)?;
        }
        m.set_item("frames", frames)?;
        m.set_item("warnings", diagnostics(py, &r.warnings())?)?;
        Ok(m.into_any().unbind())
    })
}

/// Checks a study: `{"ok", "diagnostics"}`.
#[pyfunction]
#[pyo3(signature = (text, path, base, columns=None, id=None))]
fn check(
    py: Python<'_>,
    text: &str,
    path: Option<&str>,
    base: &str,
    columns: Option<Vec<(String, Bound<'_, PyAny>)>>,
    id: Option<String>,
) -> PyResult<PyObject> {
    guarded(|| {
        let data = columns.map(|c| host(c, id)).transpose()?;
        match study(text, path, base, data) {
            Ok(mut s) => {
                let m = PyDict::new(py);
                m.set_item("ok", true)?;
                m.set_item("diagnostics", diagnostics(py, &s.check())?)?;
                Ok(m.into_any().unbind())
            }
            Err(e) => failed(py, &e),
        }
    })
}

/// The study report in a format (`"html"`, `"md"`, `"tex"`, `"docx"`): `{"ok", "bytes"}`.
#[pyfunction]
#[pyo3(signature = (text, path, base, format, columns=None, id=None))]
fn report(
    py: Python<'_>,
    text: &str,
    path: Option<&str>,
    base: &str,
    format: &str,
    columns: Option<Vec<(String, Bound<'_, PyAny>)>>,
    id: Option<String>,
) -> PyResult<PyObject> {
    guarded(|| {
        let data = columns.map(|c| host(c, id)).transpose()?;
        let Some(f) =
            toe::check::plan::Format::of_path(std::path::Path::new(&format!("r.{format}")))
                .filter(|f| f.is_report())
        else {
            return Err(PyRuntimeError::new_err(format!(
                "expected html, md, tex or docx, found `{format}`"
            )));
        };
        match study(text, path, base, data)
            .and_then(Study::run)
            .and_then(|mut r| r.report(f))
        {
            Ok(bytes) => {
                let m = PyDict::new(py);
                m.set_item("ok", true)?;
                m.set_item("bytes", PyBytes::new(py, &bytes))?;
                Ok(m.into_any().unbind())
            }
            Err(e) => failed(py, &e),
        }
    })
}

/// The engine's version, as `toe --version` says it.
#[pyfunction]
fn version() -> String {
    toe::api::version()
}

#[pymodule]
fn _toe(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(run, m)?)?;
    m.add_function(wrap_pyfunction!(check, m)?)?;
    m.add_function(wrap_pyfunction!(report, m)?)?;
    m.add_function(wrap_pyfunction!(version, m)?)?;
    Ok(())
}
