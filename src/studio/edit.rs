//! The studio's two directions between controls and script: a choice made with the mouse
//! becomes script text ([`apply`]: the statement it concerns is written anew in place, or
//! added where a study has it), and the script becomes the controls' state ([`model`]: data,
//! sets, calibrations and analyses as the script declares them).
//!
//! Guarantees: an edit changes only the statement(s) it concerns and leaves every other byte
//! (comments included) as it was; a script that does not parse is never edited (the edit is
//! refused with the parser's diagnostic); names and paths written are quoted or checked so
//! that the result parses.

use crate::syntax::ast::{Stmt, StmtKind};
use crate::syntax::parse;
use serde::Deserialize;
use serde_json::{json, Value};

/// One set the controls declare: its name, its column and (with a framework) its dimension.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct SetChoice {
    pub name: String,
    pub column: String,
    #[serde(default)]
    pub dimension: Option<String>,
}

/// One calibration line: the set (or `*`), the method and its anchors as written
/// (`"p25"`, `"12.5"`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct CalibrationChoice {
    pub set: String,
    /// `direct`, `crisp`, `fuzzy` or a preset (`quartiles`).
    pub method: String,
    #[serde(default)]
    pub e: String,
    #[serde(default)]
    pub c: String,
    #[serde(default)]
    pub i: String,
    /// The threshold of `crisp`.
    #[serde(default)]
    pub at: String,
}

/// What a control asks for.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Edit {
    /// The data file (relative to the study's folder) and its id column.
    Data {
        path: String,
        #[serde(default)]
        id: Option<String>,
    },
    /// The outcome and the conditions, under a framework or none.
    Sets {
        outcome: SetChoice,
        conditions: Vec<SetChoice>,
        #[serde(default)]
        framework: Option<String>,
    },
    /// The calibration block, one line per choice.
    Calibrate {
        lines: Vec<CalibrationChoice>,
    },
    /// A new `nca` block over the declared sets.
    AddNca {
        name: String,
        #[serde(default = "default_ceilings")]
        ceilings: Vec<String>,
        #[serde(default = "default_permutations")]
        permutations: u32,
        #[serde(default = "default_seed")]
        seed: u32,
        #[serde(default = "default_d")]
        d: f64,
        #[serde(default = "default_p")]
        p: f64,
    },
    /// A new `fsqca` block over the declared sets.
    AddFsqca {
        name: String,
        #[serde(default = "default_cases")]
        cases: f64,
        #[serde(default = "default_consistency")]
        consistency: f64,
        #[serde(default)]
        pri: Option<f64>,
        /// Expect every condition present (the intermediate solution).
        #[serde(default)]
        expect_present: bool,
    },
    AddNest {
        fsqca: String,
        nca: String,
    },
    AddRobustness {
        of: String,
    },
    AddResample {
        of: String,
    },
}

fn default_ceilings() -> Vec<String> {
    vec!["cr_fdh".into(), "ce_fdh".into()]
}
fn default_permutations() -> u32 {
    10000
}
fn default_seed() -> u32 {
    2025
}
fn default_d() -> f64 {
    0.1
}
fn default_p() -> f64 {
    0.05
}
fn default_cases() -> f64 {
    1.0
}
fn default_consistency() -> f64 {
    0.8
}

/// Why an edit was refused.
#[derive(Debug, Clone, PartialEq)]
pub struct Refused(pub String);

/// A name the language accepts for a set or an analysis (letters, digits, `_`, a letter
/// first, not a keyword).
pub fn valid_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !crate::syntax::pest_error::KEYWORDS.contains(&s)
}

/// A column as the script writes it: bare when it is a name, quoted otherwise.
fn column_ref(c: &str) -> String {
    if valid_name(c) {
        c.to_string()
    } else {
        format!("\"{}\"", c.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

/// An anchor as written: a percentile `p25` or a number.
fn anchor(a: &str) -> Result<String, Refused> {
    let t = a.trim();
    let ok = t.strip_prefix('p').map_or_else(
        || t.parse::<f64>().is_ok_and(f64::is_finite),
        |q| q.parse::<f64>().is_ok(),
    );
    if ok {
        Ok(t.to_string())
    } else {
        Err(Refused(format!(
            "expected an anchor such as p25 or 12.5, found `{t}`"
        )))
    }
}

fn number(x: f64) -> String {
    crate::diagnostics::number(x)
}

/// The statements of a script, or why it cannot be edited.
fn statements(text: &str) -> Result<Vec<Stmt>, Refused> {
    parse(text, 0).map(|p| p.statements).map_err(|d| {
        let first = d.first().map(|d| d.message.clone()).unwrap_or_default();
        Refused(format!("fix the script first: {first}"))
    })
}

/// The text with `new` in place of the statements matched by `which` (the first one replaced,
/// the others removed), or inserted after the last statement matched by `after` (at the top
/// when none is).
fn put(
    text: &str,
    stmts: &[Stmt],
    which: impl Fn(&StmtKind) -> bool,
    after: impl Fn(&StmtKind) -> bool,
    new: &str,
) -> String {
    let hits: Vec<&Stmt> = stmts.iter().filter(|s| which(&s.kind)).collect();
    if let Some(first) = hits.first() {
        let mut out = String::new();
        let mut at = 0;
        for (k, s) in hits.iter().enumerate() {
            out.push_str(&text[at..s.span.start]);
            if k == 0 {
                out.push_str(new);
            }
            at = s.span.end;
            // a removed statement takes its line end with it
            if k > 0 && text[at..].starts_with('\n') {
                at += 1;
            }
        }
        let _ = first;
        out.push_str(&text[at..]);
        return out;
    }
    match stmts.iter().rev().find(|s| after(&s.kind)) {
        Some(s) => {
            let end = text[s.span.end..]
                .find('\n')
                .map_or(text.len(), |k| s.span.end + k + 1);
            let lead = if end == text.len() && !text.ends_with('\n') {
                "\n"
            } else {
                ""
            };
            format!("{}{lead}{new}\n{}", &text[..end], &text[end..])
        }
        None => {
            // after the leading comments and the `study` line
            let start = stmts
                .iter()
                .find(|s| matches!(s.kind, StmtKind::Study(_)))
                .map(|s| {
                    text[s.span.end..]
                        .find('\n')
                        .map_or(text.len(), |k| s.span.end + k + 1)
                })
                .unwrap_or_else(|| {
                    stmts
                        .first()
                        .map_or(text.len(), |s| line_start(text, s.span.start))
                });
            let lead = if start == text.len() && !text.is_empty() && !text.ends_with('\n') {
                "\n"
            } else {
                ""
            };
            format!("{}{lead}{new}\n{}", &text[..start], &text[start..])
        }
    }
}

fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |k| k + 1)
}

/// Appends a block at the end of the script.
fn append(text: &str, block: &str) -> String {
    let mut out = text.to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    if !out.is_empty() && !out.ends_with("\n\n") {
        out.push('\n');
    }
    out.push_str(block);
    out.push('\n');
    out
}

/// The script's sets: (name, role) in declaration order.
fn declared(stmts: &[Stmt]) -> (Vec<String>, Option<String>) {
    let mut conditions = Vec::new();
    let mut outcome = None;
    for s in stmts {
        match &s.kind {
            StmtKind::Conditions { items, .. } => {
                conditions.extend(items.iter().map(|i| i.def.name.node.clone()))
            }
            StmtKind::Outcome(def) => outcome = Some(def.name.node.clone()),
            _ => {}
        }
    }
    (conditions, outcome)
}

fn analysis_names(stmts: &[Stmt]) -> Vec<String> {
    stmts
        .iter()
        .filter_map(|s| match &s.kind {
            StmtKind::Nca(a) | StmtKind::Fsqca(a) => Some(a.name.node.clone()),
            _ => None,
        })
        .collect()
}

/// The script with an edit applied.
pub fn apply(text: &str, edit: &Edit) -> Result<String, Refused> {
    let stmts = statements(text)?;
    let is_data = |k: &StmtKind| matches!(k, StmtKind::Data { .. });
    let is_sets = |k: &StmtKind| matches!(k, StmtKind::Conditions { .. } | StmtKind::Outcome(_));
    Ok(match edit {
        Edit::Data { path, id } => {
            let ext = path.rsplit('.').next().unwrap_or("").to_lowercase();
            let reader = match ext.as_str() {
                "csv" | "txt" | "tsv" => "csv",
                "xlsx" | "xls" | "xlsm" | "ods" => "xlsx",
                "sav" | "zsav" => "spss",
                "dta" => "stata",
                _ => {
                    return Err(Refused(format!(
                        "expected a .csv, .xlsx, .sav or .dta file, found `{path}`"
                    )))
                }
            };
            if path.contains('"') || path.contains('\n') {
                return Err(Refused(format!(
                    "expected a plain file name, found `{path}`"
                )));
            }
            let name = stmts
                .iter()
                .find_map(|s| match &s.kind {
                    StmtKind::Data { name, .. } => Some(name.node.clone()),
                    _ => None,
                })
                .unwrap_or_else(|| data_name(path));
            let id = match id.as_deref().filter(|i| !i.is_empty()) {
                Some(i) => format!(", id = {}", column_ref(i)),
                None => String::new(),
            };
            let stmt = format!("data {name} = {reader}(\"{path}\"{id})");
            put(
                text,
                &stmts,
                is_data,
                |k| matches!(k, StmtKind::Study(_)),
                &stmt,
            )
        }
        Edit::Sets {
            outcome,
            conditions,
            framework,
        } => {
            for s in conditions.iter().chain(std::iter::once(outcome)) {
                if !valid_name(&s.name) {
                    return Err(Refused(format!(
                        "expected a set name such as HUM (letters, digits, _), found `{}`",
                        s.name
                    )));
                }
            }
            if conditions.is_empty() {
                return Err(Refused(
                    "expected at least one condition, found none".into(),
                ));
            }
            let def = |s: &SetChoice| format!("{} = {}", s.name, column_ref(&s.column));
            let block = match framework.as_deref().filter(|f| !f.is_empty()) {
                Some(f) => {
                    let mut dims: Vec<String> = Vec::new();
                    for c in conditions {
                        let d = c.dimension.clone().unwrap_or_else(|| "technology".into());
                        if !dims.contains(&d) {
                            dims.push(d);
                        }
                    }
                    let mut b = format!("conditions {f} {{\n");
                    for d in dims {
                        let defs: Vec<String> = conditions
                            .iter()
                            .filter(|c| c.dimension.as_deref().unwrap_or("technology") == d)
                            .map(def)
                            .collect();
                        b.push_str(&format!("  {d} {{ {} }}\n", defs.join("  ")));
                    }
                    b.push('}');
                    b
                }
                None => {
                    let defs: Vec<String> =
                        conditions.iter().map(|c| format!("  {}", def(c))).collect();
                    format!("conditions {{\n{}\n}}", defs.join("\n"))
                }
            };
            let stmt = format!("{block}\noutcome {}", def(outcome));
            put(text, &stmts, is_sets, is_data, &stmt)
        }
        Edit::Calibrate { lines } => {
            let (conds, outcome) = declared(&stmts);
            let mut body = Vec::new();
            for l in lines {
                if l.set != "*" && !conds.contains(&l.set) && outcome.as_ref() != Some(&l.set) {
                    return Err(Refused(format!(
                        "expected a declared set, found `{}`",
                        l.set
                    )));
                }
                let method = match l.method.as_str() {
                    "direct" => format!(
                        "direct(e = {}, c = {}, i = {})",
                        anchor(&l.e)?,
                        anchor(&l.c)?,
                        anchor(&l.i)?
                    ),
                    "crisp" => format!("crisp(at = {})", anchor(&l.at)?),
                    "fuzzy" => "fuzzy".to_string(),
                    m if valid_name(m) => m.to_string(),
                    m => {
                        return Err(Refused(format!(
                            "expected a calibration method, found `{m}`"
                        )))
                    }
                };
                body.push(format!("  {}  {method}", l.set));
            }
            let stmt = format!("calibrate {{\n{}\n}}", body.join("\n"));
            put(
                text,
                &stmts,
                |k| matches!(k, StmtKind::Calibrate(_)),
                |k| is_sets(k) || is_data(k),
                &stmt,
            )
        }
        Edit::AddNca {
            name,
            ceilings,
            permutations,
            seed,
            d,
            p,
        } => {
            let (conds, outcome) = declared(&stmts);
            let outcome = outcome.ok_or_else(|| Refused("expected an outcome first".into()))?;
            check_new(name, &stmts)?;
            if ceilings.iter().any(|c| !valid_name(c)) || ceilings.is_empty() {
                return Err(Refused("expected ceilings such as cr_fdh, ce_fdh".into()));
            }
            append(
                text,
                &format!(
                    "nca {name}: {outcome} needs {} {{\n  ceilings = [{}]\n  permutations = {permutations}\n  seed = {seed}\n  necessary when d >= {} and p <= {}\n  bottlenecks = steps(10)\n}}",
                    conds.join(", "),
                    ceilings.join(", "),
                    number(*d),
                    number(*p)
                ),
            )
        }
        Edit::AddFsqca {
            name,
            cases,
            consistency,
            pri,
            expect_present,
        } => {
            let (conds, outcome) = declared(&stmts);
            let outcome = outcome.ok_or_else(|| Refused("expected an outcome first".into()))?;
            check_new(name, &stmts)?;
            let mut b = format!(
                "fsqca {name}: {outcome} given {} {{\n  cases >= {}\n  consistency >= {}\n",
                conds.join(", "),
                number(*cases),
                number(*consistency)
            );
            if let Some(p) = pri {
                b.push_str(&format!("  pri >= {}\n", number(*p)));
            }
            if *expect_present {
                b.push_str(&format!("  expect {}\n", conds.join(", ")));
            }
            b.push('}');
            append(text, &b)
        }
        Edit::AddNest { fsqca, nca } => {
            let names = analysis_names(&stmts);
            for n in [fsqca, nca] {
                if !names.contains(n) {
                    return Err(Refused(format!(
                        "expected an analysis of the script, found `{n}`"
                    )));
                }
            }
            append(text, &format!("nest {fsqca} with {nca}"))
        }
        Edit::AddRobustness { of } => {
            let kind = stmts.iter().find_map(|s| match &s.kind {
                StmtKind::Nca(a) if &a.name.node == of => Some("nca"),
                StmtKind::Fsqca(a) if &a.name.node == of => Some("fsqca"),
                _ => None,
            });
            match kind {
                Some("nca") => append(text, &format!("robustness of {of} {{ nca_standard }}")),
                Some(_) => append(
                    text,
                    &format!("robustness of {of} {{\n  separately\n  vary consistency in [0.75, 0.85]\n  vary cases in [2]\n}}"),
                ),
                None => return Err(Refused(format!("expected an analysis of the script, found `{of}`"))),
            }
        }
        Edit::AddResample { of } => {
            let fsqca = stmts
                .iter()
                .any(|s| matches!(&s.kind, StmtKind::Fsqca(a) if &a.name.node == of));
            if !fsqca {
                return Err(Refused(format!(
                    "expected an fsqca analysis of the script, found `{of}`"
                )));
            }
            append(text, &format!("resample {of} {{ method = leave_one_out }}"))
        }
    })
}

/// A new analysis' name: valid and not taken.
fn check_new(name: &str, stmts: &[Stmt]) -> Result<(), Refused> {
    if !valid_name(name) {
        return Err(Refused(format!(
            "expected an analysis name such as nec, found `{name}`"
        )));
    }
    if analysis_names(stmts).iter().any(|n| n == name) {
        return Err(Refused(format!(
            "expected a new name, found `{name}` taken"
        )));
    }
    Ok(())
}

/// A data set's name from its file: the stem as a name (`provinces`).
fn data_name(path: &str) -> String {
    let stem = std::path::Path::new(path)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("data");
    let mut n: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if !n.starts_with(|c: char| c.is_ascii_alphabetic()) {
        n = format!("d_{n}");
    }
    if valid_name(&n) {
        n
    } else {
        "data".into()
    }
}

/// The controls' state from a script that parses: the data statement, the sets (name,
/// column, role, dimension), the calibration lines as written, the analyses.
pub fn model(text: &str) -> Result<Value, Refused> {
    let stmts = statements(text)?;
    let mut data = Value::Null;
    let mut sets = Vec::new();
    let mut framework = Value::Null;
    let mut calibrations = Vec::new();
    let mut analyses = Vec::new();
    for s in &stmts {
        let src = &text[s.span.start..s.span.end];
        match &s.kind {
            StmtKind::Data { source, .. } => {
                let path = source
                    .args
                    .first()
                    .and_then(|a| match &a.value.kind {
                        crate::syntax::ast::ValueKind::Str(p) => Some(p.clone()),
                        _ => None,
                    })
                    .unwrap_or_default();
                let id = source.args.iter().find_map(|a| {
                    (a.name.as_ref().map(|n| n.node.as_str()) == Some("id")).then(|| {
                        match &a.value.kind {
                            crate::syntax::ast::ValueKind::Ident(c)
                            | crate::syntax::ast::ValueKind::Str(c) => c.clone(),
                            _ => String::new(),
                        }
                    })
                });
                data = json!({ "path": path, "id": id, "reader": source.name.node });
            }
            StmtKind::Conditions {
                framework: f,
                items,
            } => {
                if let Some(f) = f {
                    framework = json!(f.node);
                }
                for i in items {
                    sets.push(json!({ "name": i.def.name.node, "column": i.def.column.node,
                        "role": "condition", "dimension": i.dimension.as_ref().map(|d| d.node.clone()) }));
                }
            }
            StmtKind::Outcome(def) => sets.push(
                json!({ "name": def.name.node, "column": def.column.node, "role": "outcome" }),
            ),
            StmtKind::Calibrate(items) => {
                for it in items {
                    let line = &text[it.span.start..it.span.end];
                    calibrations.push(json!({ "line": line }));
                }
            }
            StmtKind::Nca(a) => {
                analyses.push(json!({ "kind": "nca", "name": a.name.node, "text": src }))
            }
            StmtKind::Fsqca(a) => {
                analyses.push(json!({ "kind": "fsqca", "name": a.name.node, "text": src }))
            }
            other => {
                let k = other.keyword();
                if matches!(
                    k,
                    "nest" | "robustness" | "resample" | "sensitivity" | "power"
                ) {
                    analyses.push(json!({ "kind": k, "text": src }));
                }
            }
        }
    }
    Ok(json!({ "data": data, "framework": framework, "sets": sets,
               "calibrations": calibrations, "analyses": analyses }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(name: &str, column: &str, dim: Option<&str>) -> SetChoice {
        SetChoice {
            name: name.into(),
            column: column.into(),
            dimension: dim.map(String::from),
        }
    }

    /// Each click writes its statement: data, sets under TOE, calibration, NCA and fsQCA;
    /// the result parses, the comment stays, and a second data choice replaces the first.
    #[test]
    fn clicks_write_the_script() {
        let mut t = "# my study\nstudy \"S\"\n".to_string();
        t = apply(
            &t,
            &Edit::Data {
                path: "data/provinces.csv".into(),
                id: Some("province".into()),
            },
        )
        .unwrap();
        assert_eq!(t, "# my study\nstudy \"S\"\ndata provinces = csv(\"data/provinces.csv\", id = province)\n");
        t = apply(
            &t,
            &Edit::Sets {
                outcome: set("SG", "online_service_index", None),
                conditions: vec![
                    set("HUM", "it_employment", Some("technology")),
                    set("POL", "policy count", Some("environment")),
                ],
                framework: Some("toe".into()),
            },
        )
        .unwrap();
        assert!(t.contains("conditions toe {\n  technology { HUM = it_employment }\n  environment { POL = \"policy count\" }\n}\noutcome SG = online_service_index\n"), "{t}");
        t = apply(
            &t,
            &Edit::Calibrate {
                lines: vec![CalibrationChoice {
                    set: "*".into(),
                    method: "direct".into(),
                    e: "p25".into(),
                    c: "p50".into(),
                    i: "p75".into(),
                    at: String::new(),
                }],
            },
        )
        .unwrap();
        assert!(
            t.contains("calibrate {\n  *  direct(e = p25, c = p50, i = p75)\n}\n"),
            "{t}"
        );
        t = apply(
            &t,
            &Edit::AddNca {
                name: "nec".into(),
                ceilings: default_ceilings(),
                permutations: 1000,
                seed: 1,
                d: 0.1,
                p: 0.05,
            },
        )
        .unwrap();
        t = apply(
            &t,
            &Edit::AddFsqca {
                name: "high".into(),
                cases: 1.0,
                consistency: 0.8,
                pri: Some(0.7),
                expect_present: true,
            },
        )
        .unwrap();
        assert!(t.contains("nca nec: SG needs HUM, POL {"), "{t}");
        assert!(t.contains("fsqca high: SG given HUM, POL {\n  cases >= 1\n  consistency >= 0.8\n  pri >= 0.7\n  expect HUM, POL\n}"), "{t}");
        assert!(parse(&t, 0).is_ok());
        assert!(t.starts_with("# my study\n"));
        let again = apply(
            &t,
            &Edit::Data {
                path: "other.xlsx".into(),
                id: None,
            },
        )
        .unwrap();
        assert!(
            again.contains("data provinces = xlsx(\"other.xlsx\")\n")
                && !again.contains("provinces.csv"),
            "{again}"
        );
        // the model reads it back
        let m = model(&t).unwrap();
        assert_eq!(m["data"]["id"], "province");
        assert_eq!(m["sets"][1]["column"], "policy count");
        assert_eq!(m["analyses"][1]["kind"], "fsqca");
        // refusals: a bad name, a taken name, a script that does not parse
        assert!(apply(
            &t,
            &Edit::AddNca {
                name: "nec".into(),
                ceilings: default_ceilings(),
                permutations: 10,
                seed: 1,
                d: 0.1,
                p: 0.1
            }
        )
        .is_err());
        assert!(apply(
            &t,
            &Edit::AddNest {
                fsqca: "high".into(),
                nca: "nope".into()
            }
        )
        .is_err());
        assert!(apply("nca {", &Edit::AddResample { of: "x".into() })
            .unwrap_err()
            .0
            .starts_with("fix the script first"));
        assert!(apply(
            &t,
            &Edit::Calibrate {
                lines: vec![CalibrationChoice {
                    set: "HUM".into(),
                    method: "direct".into(),
                    e: "1)".into(),
                    c: "2".into(),
                    i: "3".into(),
                    at: String::new()
                }]
            }
        )
        .is_err());
    }
}
