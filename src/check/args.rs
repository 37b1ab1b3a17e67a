//! Stage 3, arguments and values: binds the arguments of a call (`csv(…)`, `direct(…)`) to
//! parameter names and reads values of the kinds the language expects.
//!
//! Guarantees: one binder for every call of the language; a value of the wrong kind is a
//! diagnostic that says what was expected and what was found, with one line of help.

use super::plan::Anchor;
use crate::diagnostics::{codes, suggestion, Diag};
use crate::syntax::ast::*;

pub fn number_of(v: &Value, what: &str) -> Result<f64, Diag> {
    match v.kind {
        ValueKind::Number(n) => Ok(n),
        _ => Err(Diag::error(
            codes::BAD_ARGUMENT,
            format!("expected {what}, found {}", v.kind.describe()),
        )
        .at(v.span, format!("expected {what}"))
        .help("write a plain number such as `0.8`")),
    }
}

pub fn anchor_of(v: &Value) -> Result<Anchor, Diag> {
    match v.kind {
        ValueKind::Number(n) => Ok(Anchor::Value(n)),
        ValueKind::Percentile(p) if (0.0..=100.0).contains(&p) => Ok(Anchor::Percentile(p)),
        ValueKind::Percentile(p) => Err(Diag::error(
            codes::BAD_PERCENTILE,
            format!("expected a percentile between p0 and p100, found p{p}"),
        )
        .at(v.span, "percentile out of range")
        .help("percentile anchors run from p0 (the minimum) to p100 (the maximum)")),
        _ => Err(Diag::error(
            codes::BAD_ARGUMENT,
            format!(
                "expected an anchor (a number or a percentile like p25), found {}",
                v.kind.describe()
            ),
        )
        .at(v.span, "expected a number or pNN")
        .help("anchors are raw values (`e = 400`) or percentiles of the column (`e = p25`)")),
    }
}

/// Binds the arguments of a call to parameter names: named ones by name, and bare values to
/// the first `positional` parameters in order.
pub fn bind_args<'a>(
    call: &'a Call,
    params: &[&str],
    positional: usize,
) -> Result<Vec<Option<&'a Value>>, Diag> {
    let mut out: Vec<Option<&Value>> = vec![None; params.len()];
    let mut pos = 0;
    for a in &call.args {
        let idx = match &a.name {
            Some(n) => params.iter().position(|p| *p == n.node).ok_or_else(|| {
                let listed: Vec<String> = params.iter().map(|p| format!("`{p}`")).collect();
                Diag::error(
                    codes::UNKNOWN_ARGUMENT,
                    format!(
                        "expected one of {} for `{}`, found `{}`",
                        listed.join(", "),
                        call.name.node,
                        n.node
                    ),
                )
                .at(n.span, "unknown argument")
                .help(match n.node.as_str() {
                    "na.strings" => "toe writes `na = [\"\", \"NA\"]`".to_string(),
                    "header" => "the first line is always the header".to_string(),
                    _ => suggestion(&n.node, params, "argument"),
                })
            })?,
            None => {
                while pos < positional && out[pos].is_some() {
                    pos += 1;
                }
                if pos >= positional {
                    let (msg, help) = if positional < params.len() {
                        (
                            format!(
                                "expected a named argument ({}), found a bare value",
                                params[positional..].join(", ")
                            ),
                            format!("name it, e.g. `{}`", example_call(&call.name.node)),
                        )
                    } else {
                        (
                            format!(
                                "expected at most {} arguments for `{}`, found more",
                                params.len(),
                                call.name.node
                            ),
                            format!("`{}` takes {}", call.name.node, params.join(", ")),
                        )
                    };
                    return Err(Diag::error(codes::BAD_ARGUMENT, msg)
                        .at(a.span, "one argument too many")
                        .help(help));
                }
                pos
            }
        };
        if out[idx].is_some() {
            return Err(Diag::error(
                codes::BAD_ARGUMENT,
                format!("expected `{}` once, found it twice", params[idx]),
            )
            .at(a.span, "given again here")
            .help("remove one of the two"));
        }
        out[idx] = Some(&a.value);
    }
    Ok(out)
}

pub fn required<'a>(v: Option<&'a Value>, param: &str, call: &Call) -> Result<&'a Value, Diag> {
    v.ok_or_else(|| {
        Diag::error(
            codes::MISSING_ARGUMENT,
            format!(
                "expected the argument `{param}` of `{}`, found none",
                call.name.node
            ),
        )
        .at(call.span, format!("`{param}` is missing"))
        .help(format!("for example `{}`", example_call(&call.name.node)))
    })
}

pub fn example_call(name: &str) -> &'static str {
    match name {
        "direct" => "direct(e = p25, c = p50, i = p75)",
        "linear" => "linear(e = 10, c = 20, i = 40)",
        "bell" => "bell(e1 = 0, c1 = 2, i1 = 4, i2 = 6, c2 = 8, e2 = 10)",
        "crisp" => "crisp(at = 0.5)",
        "csv" => "csv(\"data/file.csv\", id = case)",
        "xlsx" => "xlsx(\"data/file.xlsx\", sheet = \"2021\", id = case)",
        "spss" => "spss(\"data/file.sav\", id = case)",
        "stata" => "stata(\"data/file.dta\", id = case)",
        _ => "name(arguments)",
    }
}

/// A string value (a path, a marker).
pub fn string_value(v: &Value, what: &str) -> Result<String, Diag> {
    match &v.kind {
        ValueKind::Str(s) => Ok(s.clone()),
        other => Err(Diag::error(
            codes::BAD_ARGUMENT,
            format!("expected {what}, found {}", other.describe()),
        )
        .at(v.span, "expected a string")
        .help("strings are written in double quotes: \"data/file.csv\"")),
    }
}

/// A column name, bare or in quotes.
pub fn column_value(v: &Value) -> Result<String, Diag> {
    match &v.kind {
        ValueKind::Str(s) | ValueKind::Ident(s) => Ok(s.clone()),
        other => Err(Diag::error(
            codes::BAD_ARGUMENT,
            format!("expected a column name, found {}", other.describe()),
        )
        .at(v.span, "expected a column")
        .help("name the column of case labels: `id = province`")),
    }
}
