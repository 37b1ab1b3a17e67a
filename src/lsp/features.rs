//! The language server's answers, each from a checked script ([`Doc`]): diagnostics, hover,
//! completion, definition, quick fixes and formatting.
//!
//! Guarantees: answers read the checked session and the vocabulary (`syntax::vocabulary`),
//! nothing else; a position outside the text or on nothing gives an empty answer.

use super::document::Doc;
use super::position::{offset, range, word_at, Pos};
use crate::diagnostics::{Diag, Severity};
use crate::syntax::vocabulary::{self, Kind};
use serde_json::{json, Value};

fn lsp_diagnostic(doc: &Doc, d: &Diag) -> Value {
    let (start, end) = match d.span {
        Some(s) if s.source == doc.source => (s.start, s.end),
        _ => (0, 0),
    };
    let mut message = d.message.clone();
    if let Some(h) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(h);
    }
    json!({
        "range": range(&doc.text, start, end),
        "severity": if d.severity == Severity::Error { 1 } else { 2 },
        "code": d.code,
        "source": "toe",
        "message": message,
    })
}

/// The diagnostics of a checked script, errors and warnings.
pub fn diagnostics(doc: &Doc) -> Value {
    Value::Array(doc.diags.iter().map(|d| lsp_diagnostic(doc, d)).collect())
}

/// R's type-7 quartiles of the values present: min, Q1, median, Q3, max.
fn five_numbers(values: &[f64]) -> Option<[f64; 5]> {
    let present: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
    let q = |p: f64| crate::engine::calibrate::quantile7(&present, p);
    Some([q(0.0)?, q(0.25)?, q(0.5)?, q(0.75)?, q(1.0)?])
}

fn markdown(text: String) -> Value {
    json!({ "contents": { "kind": "markdown", "value": text } })
}

/// Hover: a set (column, label, dimension, anchors, memberships), an analysis, a word of the
/// language.
pub fn hover(doc: &Doc, pos: Pos) -> Value {
    let at = offset(&doc.text, pos);
    let Some((word, _, _)) = word_at(&doc.text, at) else {
        return Value::Null;
    };
    let scope = doc.session.scope();
    let fixed = |v: f64| crate::report::fixed3(v);
    if let Some(s) = scope.set(word) {
        let mut t = format!("**{}** — {}", s.name, s.role.as_str());
        if let Some(d) = &s.dimension {
            t.push_str(&format!(" ({d})"));
        }
        t.push_str(&format!("\n\ncolumn `{}`", s.column));
        if let Some(l) = &s.label {
            t.push_str(&format!(": \"{l}\""));
        }
        match &s.calibration {
            Some(c) => {
                let anchors: Vec<String> = c
                    .anchors
                    .iter()
                    .map(|(n, v, p)| match p {
                        Some(p) => {
                            format!("{n} = {} (p{})", fixed(*v), crate::diagnostics::number(*p))
                        }
                        None => format!("{n} = {}", fixed(*v)),
                    })
                    .collect();
                t.push_str(&format!(
                    "\n\ncalibration: {} — {}",
                    c.method,
                    anchors.join(", ")
                ));
            }
            None => t.push_str("\n\nnot calibrated"),
        }
        if let Some(m) = s.membership.as_deref().and_then(five_numbers) {
            t.push_str(&format!(
                "\n\nmemberships: min {}, Q1 {}, median {}, Q3 {}, max {} ({} cases)",
                fixed(m[0]),
                fixed(m[1]),
                fixed(m[2]),
                fixed(m[3]),
                fixed(m[4]),
                s.membership.as_ref().map(|v| v.len()).unwrap_or(0)
            ));
        }
        return markdown(t);
    }
    if let Some(a) = scope.analysis(word) {
        return markdown(format!("**{}** — {} analysis", a.name(), a.kind()));
    }
    if let Some((kind, meaning)) = vocabulary::meaning(word) {
        let what = match kind {
            Kind::Keyword | Kind::Statement => "statement word",
            Kind::Function => "function",
            Kind::Option => "option",
            Kind::Value => "value",
        };
        return markdown(format!("**{word}** ({what}): {meaning}"));
    }
    if scope.has_column(word) {
        return markdown(format!("column `{word}` of the data"));
    }
    Value::Null
}

/// Whether `before` ends inside an open `calibrate { … }` at the start of a rule.
fn in_calibrate_rule(before: &str) -> bool {
    let Some(i) = before.rfind("calibrate") else {
        return false;
    };
    let rest = &before[i + "calibrate".len()..];
    let opened = rest.matches('{').count();
    let closed = rest.matches('}').count();
    if opened == 0 || opened <= closed {
        return false;
    }
    // At a rule's start: nothing but spaces since the last `{`, newline or `;`.
    let last = rest.rfind(['{', '\n', ';']).map(|k| k + 1).unwrap_or(0);
    rest[last..]
        .trim()
        .chars()
        .all(|c| c.is_alphanumeric() || c == '_')
}

fn item(label: &str, kind: u32, detail: &str) -> Value {
    json!({ "label": label, "kind": kind, "detail": detail })
}

/// Completion: set names at a calibration rule; else words of the language, sets, columns,
/// analyses and standard-library modules.
pub fn completion(doc: &Doc, pos: Pos) -> Value {
    let at = offset(&doc.text, pos);
    let before = &doc.text[..at];
    let scope = doc.session.scope();
    // LSP's kinds: 6 variable, 14 keyword, 3 function, 10 property, 12 value, 9 module,
    // 7 class (an analysis), 5 field (a column).
    let sets = scope.sets.iter().map(|s| {
        item(
            &s.name,
            6,
            &format!("{} on `{}`", s.role.as_str(), s.column),
        )
    });
    if in_calibrate_rule(before) {
        let mut out: Vec<Value> = sets.collect();
        out.push(item("*", 6, "every set without a rule of its own"));
        return Value::Array(out);
    }
    let mut out: Vec<Value> = vocabulary::WORDS
        .iter()
        .map(|(w, k, m)| {
            let kind = match k {
                Kind::Keyword | Kind::Statement => 14,
                Kind::Function => 3,
                Kind::Option => 10,
                Kind::Value => 12,
            };
            item(w, kind, m)
        })
        .collect();
    out.extend(sets);
    if let Some(d) = &scope.data {
        out.extend(
            d.table
                .columns
                .iter()
                .map(|c| item(c, 5, &format!("column of `{}`", d.path))),
        );
    }
    out.extend(
        scope
            .analyses
            .iter()
            .map(|a| item(a.name(), 7, &format!("{} analysis", a.kind()))),
    );
    out.extend(
        crate::source::STDLIB
            .iter()
            .map(|(n, _)| item(&format!("std.{n}"), 9, "standard-library module")),
    );
    Value::Array(out)
}

/// Go to definition: a set's declaration, an analysis' statement, a `use`d file.
pub fn definition(doc: &Doc, uri: &str, pos: Pos) -> Value {
    let at = offset(&doc.text, pos);
    // A `use "file.toe"` line: the file.
    let line_start = doc.text[..at].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let line_end = doc.text[at..]
        .find('\n')
        .map(|i| at + i)
        .unwrap_or(doc.text.len());
    let line = doc.text[line_start..line_end].trim();
    if let Some(rest) = line.strip_prefix("use ") {
        let file = rest.trim().trim_matches('"');
        if rest.trim().starts_with('"') {
            if let Some(dir) = doc.path.as_deref().map(crate::files::folder_of) {
                let target = dir.join(file);
                return json!({
                    "uri": format!("file://{}", target.display()),
                    "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } },
                });
            }
        }
    }
    let Some((word, _, _)) = word_at(&doc.text, at) else {
        return Value::Null;
    };
    let scope = doc.session.scope();
    let span = scope
        .set(word)
        .map(|s| s.span)
        .or_else(|| scope.analysis(word).map(|a| a.span()));
    match span {
        Some(s) if s.source == doc.source => json!({
            "uri": uri,
            "range": range(&doc.text, s.start, s.end),
        }),
        _ => Value::Null,
    }
}

/// The replacement a diagnostic's help offers for its span: "did you mean `X`?" and R's
/// habits ("toe writes `consistency >= 0.8`" for `incl.cut`).
fn replacement(doc: &Doc, d: &Diag) -> Option<(usize, usize, String)> {
    let span = d.span.filter(|s| s.source == doc.source)?;
    let help = d.help.as_deref()?;
    let found = doc.text.get(span.start..span.end)?;
    if found.is_empty() || found.contains(char::is_whitespace) {
        return None;
    }
    let quoted = help.split('`').nth(1)?;
    let new = if help.starts_with("did you mean") {
        quoted.to_string()
    } else if help.starts_with("toe writes") {
        quoted
            .split_whitespace()
            .next()?
            .trim_end_matches('(')
            .to_string()
    } else {
        return None;
    };
    (new != found && !new.is_empty()).then_some((span.start, span.end, new))
}

/// Quick fixes for the diagnostics whose help names a replacement.
pub fn code_actions(doc: &Doc, uri: &str) -> Value {
    let actions: Vec<Value> = doc
        .diags
        .iter()
        .filter_map(|d| {
            let (s, e, new) = replacement(doc, d)?;
            Some(json!({
                "title": format!("replace with `{new}`"),
                "kind": "quickfix",
                "diagnostics": [lsp_diagnostic(doc, d)],
                "edit": { "changes": { uri: [ { "range": range(&doc.text, s, e), "newText": new } ] } },
            }))
        })
        .collect();
    Value::Array(actions)
}

/// The whole text in `toe fmt`'s layout, as one edit (none when already formatted).
pub fn formatting(doc: &Doc) -> Value {
    let new = crate::syntax::format::format(&doc.text);
    if new == doc.text {
        return json!([]);
    }
    json!([{ "range": range(&doc.text, 0, doc.text.len()), "newText": new }])
}
