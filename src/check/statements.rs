//! Stage 3, the statements other than calibration and analyses: data, indices, conditions
//! and outcomes, queries, `show`, `export`, robustness sweeps and `use`.
//!
//! Guarantees: every name is resolved against the scope (columns of the data, declared sets,
//! analyses, frameworks, sweeps), every topic and format is an enum of the plan; data files
//! are read here (`files`) so that columns and anchors can be resolved, and nothing else is
//! computed.

use super::args::{bind_args, column_value, string_value};
use super::calibration::{resolve, rule_for};
use super::names::unknown;
use super::plan::*;
use super::scope::{Checked, Context, Scope};
use crate::diagnostics::{codes, number, suggestion, Diag};
use crate::engine::data::TableError;
use crate::engine::index::IndexFunction;
use crate::files::{self, LoadError};
use crate::source::Span;
use crate::syntax::ast::*;

/// The words of `as_numbers = [...]`: conversions a script asks for explicitly.
pub const AS_NUMBERS: [&str; 2] = ["booleans", "dates"];

pub fn data(cx: &Context, name: &Ident, call: &Call, span: Span) -> Result<DataSet, Diag> {
    if let Some(d) = &cx.scope.data {
        return Err(Diag::error(
            codes::DUPLICATE_DATA,
            format!(
                "expected one `data` statement, found a second (`{}` is loaded)",
                d.name
            ),
        )
        .at(span, "second data statement")
        .note(d.span, "first here")
        .help("a study analyses one table; merge the files beforehand"));
    }
    let (kind, params): (&str, &[&str]) = match call.name.node.as_str() {
        "csv" => ("csv", &["path", "id", "na", "sep", "as_numbers"]),
        "xlsx" | "xls" | "ods" => ("xlsx", &["path", "sheet", "id", "na", "as_numbers"]),
        "spss" | "sav" => ("spss", &["path", "id", "na"]),
        "stata" | "dta" => ("stata", &["path", "id", "na", "as_numbers"]),
        other => {
            let help = match other {
                "read.csv" | "read_csv" | "fread" => {
                    "toe writes `csv(\"file.csv\", id = case)`".to_string()
                }
                "read_excel" | "read.xlsx" => {
                    "toe writes `xlsx(\"file.xlsx\", sheet = \"…\")`".to_string()
                }
                "read_sav" | "read.spss" | "read_spss" => {
                    "toe writes `spss(\"file.sav\", id = case)`".to_string()
                }
                "read_dta" | "read.dta" | "read_stata" => {
                    "toe writes `stata(\"file.dta\", id = case)`".to_string()
                }
                _ => suggestion(other, &["csv", "xlsx", "spss", "stata"], "data function"),
            };
            return Err(Diag::error(
                codes::UNKNOWN_DATA_FUNCTION,
                format!(
                    "expected `csv(…)`, `xlsx(…)`, `spss(…)` or `stata(…)`, found `{other}(…)`"
                ),
            )
            .at(call.name.span, "unknown data function")
            .help(help));
        }
    };
    let args = bind_args(call, params, 1)?;
    let path_v = args[0].ok_or_else(|| {
        Diag::error(
            codes::MISSING_ARGUMENT,
            format!("expected a file path for `{}`, found none", call.name.node),
        )
        .at(call.span, "no path")
        .help(format!(
            "for example `{}(\"data/study.{}\")`",
            call.name.node, call.name.node
        ))
    })?;
    let path = string_value(path_v, "a file path in quotes")?;
    if path.trim().is_empty() {
        return Err(Diag::error(
            codes::BAD_ARGUMENT,
            "expected a file path, found an empty one",
        )
        .at(path_v.span, "no path")
        .help(format!(
            "for example `{}(\"data/study.{}\")`; paths are relative to the script's folder",
            call.name.node, call.name.node
        )));
    }
    let idx = |k: &str| params.iter().position(|p| *p == k);
    let id = match idx("id").and_then(|i| args[i]) {
        Some(v) => Some((column_value(v)?, v.span)),
        None => None,
    };
    let mut o = files::ReadOptions {
        id: id.as_ref().map(|(c, _)| c.clone()),
        ..Default::default()
    };
    if let Some(v) = idx("na").and_then(|i| args[i]) {
        o.rules.na = match &v.kind {
            ValueKind::List(items) => items
                .iter()
                .map(|i| match &i.kind {
                    ValueKind::Number(n) => Ok(number(*n)),
                    _ => string_value(i, "a missing-value marker in quotes"),
                })
                .collect::<Result<_, _>>()?,
            ValueKind::Number(n) => vec![number(*n)],
            _ => vec![string_value(v, "a list of missing-value markers")?],
        };
    }
    if let Some(v) = idx("as_numbers").and_then(|i| args[i]) {
        let items: Vec<&Value> = match &v.kind {
            ValueKind::List(items) => items.iter().collect(),
            _ => vec![v],
        };
        for it in items {
            let w = match &it.kind {
                ValueKind::Ident(w) | ValueKind::Str(w) => w.as_str(),
                _ => "",
            };
            match w {
                "booleans" => o.rules.booleans_as_numbers = true,
                "dates" => o.rules.dates_as_numbers = true,
                _ => {
                    return Err(Diag::error(
                        codes::BAD_ARGUMENT,
                        format!(
                            "expected `booleans` or `dates` in `as_numbers`, found {}",
                            it.kind.describe()
                        ),
                    )
                    .at(it.span, "not a conversion")
                    .help(suggestion(w, &AS_NUMBERS, "conversion")))
                }
            }
        }
    }
    let full = cx.base_dir.join(&path);
    let load_err = |e: LoadError| -> Diag {
        let file = path.clone();
        match e {
                LoadError::Missing => Diag::error(codes::MISSING_FILE, format!("expected a data file at `{file}`, found no file"))
                    .at(path_v.span, "no such file")
                    .help("paths are relative to the folder of the script".to_string()),
                LoadError::Io(m) | LoadError::Workbook(m) => Diag::error(codes::READ_ERROR, format!("expected a readable data file, found an error: {m}"))
                    .at(path_v.span, "cannot read this file")
                    .help(match kind {
                        "spss" => "check that the file is an SPSS system file (.sav or .zsav) and is not open elsewhere",
                        "stata" => "check that the file is a Stata data file (.dta) and is not open elsewhere",
                        _ => "check that the file is a CSV or an xlsx workbook and is not open elsewhere",
                    }),
                LoadError::NotText { line } => Diag::error(codes::MALFORMED, format!("expected UTF-8 text in `{file}`, found binary data on line {line}"))
                    .at(path_v.span, "not a text file")
                    .help("export the data as CSV (UTF-8) or read a workbook with `xlsx(…)`"),
                LoadError::Malformed { line, message } => Diag::error(codes::MALFORMED, format!("expected well-formed CSV in `{file}`, found an error on line {line}: {message}"))
                    .at(path_v.span, "malformed file")
                    .help("check the quotes and the separator (`sep = \";\"` for semicolons)"),
                LoadError::Ragged { line, expected, found } => Diag::error(codes::MALFORMED, format!("expected {expected} fields on line {line} of `{file}`, found {found}"))
                    .at(path_v.span, "rows of unequal length")
                    .help("every row needs a cell for every column; check the separator (`sep = \";\"`)"),
                LoadError::NoSheet { sheet, sheets } => {
                    let refs: Vec<&str> = sheets.iter().map(|s| s.as_str()).collect();
                    Diag::error(codes::UNKNOWN_SHEET, format!("expected a sheet of `{file}`, found no sheet `{sheet}`"))
                        .at(path_v.span, "in this workbook")
                        .help(suggestion(&sheet, &refs, "sheet"))
                }
                LoadError::Table(e) => table_error(e, &file, path_v.span, id.as_ref().map(|(_, s)| *s).unwrap_or(call.span)),
            }
    };
    let loaded = match kind {
        "csv" => {
            if let Some(v) = idx("sep").and_then(|i| args[i]) {
                let s = string_value(v, "a one-character separator in quotes")?;
                let s = if s == "\\t" { "\t".to_string() } else { s };
                if s.len() != 1 {
                    return Err(Diag::error(
                        codes::BAD_ARGUMENT,
                        format!("expected a one-character separator, found \"{s}\""),
                    )
                    .at(v.span, "not one character")
                    .help("for example `sep = \";\"` or `sep = \"\\t\"`"));
                }
                o.sep = s.as_bytes()[0];
            }
            files::read_csv(&full, &o)
        }
        "spss" => files::read_spss(&full, &o),
        "stata" => files::read_stata(&full, &o),
        _ => {
            o.sheet = match idx("sheet").and_then(|i| args[i]) {
                Some(v) => Some(match &v.kind {
                    ValueKind::Number(n) => number(*n),
                    _ => string_value(v, "a sheet name in quotes")?,
                }),
                None => None,
            };
            files::read_workbook(&full, &o)
        }
    };
    let mut loaded = loaded.map_err(load_err)?;
    let sheet = if kind == "xlsx" {
        Some(o.sheet.clone().unwrap_or_default())
    } else {
        None
    };
    Ok(DataSet {
        file: full,
        name: name.node.clone(),
        path,
        sheet,
        sha256: std::mem::take(&mut loaded.sha256),
        table: loaded.table,
        span,
    })
}

/// The diagnostic of rows that do not make a table; `at_id` is the `id` argument's span.
fn table_error(e: TableError, path: &str, at_path: Span, at_id: Span) -> Diag {
    let line = |r: usize| r + 2;
    match e {
        TableError::NoRows => Diag::error(
            codes::EMPTY,
            format!("expected at least one case in `{path}`, found none"),
        )
        .at(at_path, "no data rows")
        .help("the first line holds the column names, each further line a case"),
        TableError::NoColumns => Diag::error(
            codes::EMPTY,
            format!("expected a header line in `{path}`, found an empty file"),
        )
        .at(at_path, "empty file")
        .help("the first line holds the column names, each further line a case"),
        TableError::DuplicateColumn(c) => Diag::error(
            codes::DUPLICATE_COLUMN,
            format!("expected unique column names in `{path}`, found `{c}` twice"),
        )
        .at(at_path, "in this file")
        .help("rename one of the two columns"),
        TableError::UnknownIdColumn(c, columns) => {
            // One column whose name holds another dialect's separator: say so.
            if let [only] = columns.as_slice() {
                if let Some(sep) = [';', '\t', '|'].into_iter().find(|s| only.contains(*s)) {
                    let shown = if sep == '\t' {
                        "\\t".to_string()
                    } else {
                        sep.to_string()
                    };
                    return Diag::error(
                        codes::UNKNOWN_COLUMN,
                        format!("expected a column `{c}` in `{path}`, found one column `{only}`"),
                    )
                    .at(at_id, "no such column")
                    .help(format!(
                        "the file separates its fields with `{shown}`: add `sep = \"{shown}\"`"
                    ));
                }
            }
            let refs: Vec<&str> = columns.iter().map(|s| s.as_str()).collect();
            unknown(codes::UNKNOWN_COLUMN, "column", &c, at_id, &refs)
        }
        TableError::MissingId { row } => Diag::error(
            codes::MISSING_ID,
            format!(
                "expected a case id in every row, found an empty cell in row {} (line {})",
                row + 1,
                line(row)
            ),
        )
        .at(at_id, "the id column")
        .help("fill in the case's label in the data, or drop `id` to number the cases"),
        TableError::DuplicateId { id, first, second } => Diag::error(
            codes::DUPLICATE_ID,
            format!(
                "expected unique case ids, found `{id}` in rows {} and {} (lines {} and {})",
                first + 1,
                second + 1,
                line(first),
                line(second)
            ),
        )
        .at(at_id, "ids from this column")
        .help("each case needs its own label; fix the data or choose another id column"),
        TableError::RaggedRow {
            row,
            expected,
            found,
        } => Diag::error(
            codes::MALFORMED,
            format!(
                "expected {expected} cells in row {}, found {found}",
                row + 1
            ),
        )
        .at(at_path, "rows of unequal length")
        .help("every row needs a cell for every column"),
        TableError::IdsTooLong { row } => Diag::error(
            codes::READ_ERROR,
            format!(
                "expected case ids of at most 4 GiB of text in all, found more by row {}",
                row + 1
            ),
        )
        .at(at_id, "the case ids")
        .help("name a shorter id column with `id = …` (or none: cases are then numbered)"),
    }
}

pub fn conditions(
    scope: &Scope,
    framework: Option<&Ident>,
    items: &[ConditionItem],
) -> Result<Checked, Diag> {
    let mut warnings = Vec::new();
    let mut declared = None;
    if let Some(f) = framework {
        let name = f.node.strip_prefix("std.").unwrap_or(&f.node);
        let Some(dims) = scope.frameworks.get(name).cloned() else {
            let names: Vec<&str> = scope.frameworks.keys().map(|s| s.as_str()).collect();
            return Err(unknown(
                codes::UNKNOWN_FRAMEWORK,
                "framework",
                &f.node,
                f.span,
                &names,
            ));
        };
        for it in items {
            match &it.dimension {
                Some(d) if !dims.contains(&d.node) => {
                    let refs: Vec<&str> = dims.iter().map(|s| s.as_str()).collect();
                    return Err(Diag::error(
                        codes::DIMENSION_NOT_IN_FRAMEWORK,
                        format!(
                            "expected a dimension of `{name}` ({}), found `{}`",
                            dims.join(", "),
                            d.node
                        ),
                    )
                    .at(d.span, "not a dimension of this framework")
                    .note(f.span, "framework")
                    .help(suggestion(&d.node, &refs, "dimension")));
                }
                None => {
                    return Err(Diag::error(codes::DIMENSION_NOT_IN_FRAMEWORK, format!("expected each condition inside a dimension of `{name}`, found `{}` outside", it.def.name.node))
                            .at(it.def.name.span, "outside the dimension blocks")
                            .help(format!("put it in one of: {}", dims.join(", "))));
                }
                _ => {}
            }
        }
        let covered: Vec<&String> = items
            .iter()
            .filter_map(|i| i.dimension.as_ref().map(|d| &d.node))
            .collect();
        let empty: Vec<&String> = dims.iter().filter(|d| !covered.contains(d)).collect();
        if !empty.is_empty() {
            warnings.push(
                    Diag::warning(
                        codes::DIMENSION_NOT_IN_FRAMEWORK,
                        format!(
                            "expected every dimension of `{name}` to have a condition, found none for {}",
                            empty.iter().map(|d| format!("`{d}`")).collect::<Vec<_>>().join(", ")
                        ),
                    )
                    .at(f.span, "framework coverage")
                    .help("a dimension without conditions is not studied; say so in the paper or add a condition"),
                );
        }
        declared = Some((name.to_string(), f.span));
    }
    // Check every item before adding any, so a failing block changes nothing.
    let mut infos: Vec<SetInfo> = Vec::new();
    for it in items {
        if let Some(prev) = infos.iter().find(|s| s.name == it.def.name.node) {
            return Err(Diag::error(
                codes::DUPLICATE_SET,
                format!(
                    "expected a new set name, found `{}` declared before",
                    it.def.name.node
                ),
            )
            .at(it.def.name.span, "declared again")
            .note(prev.span, "first declared here")
            .help("give each condition its own name"));
        }
        infos.push(declare_set(
            scope,
            &it.def,
            Role::Condition,
            it.dimension.as_ref(),
        )?);
    }
    Ok(Checked {
        step: Step::Conditions(declared, infos),
        warnings,
    })
}

/// A `conditions` item or an `outcome`: the set on its column, calibrated if a rule applies.
pub fn declare_set(
    scope: &Scope,
    def: &SetDef,
    role: Role,
    dimension: Option<&Ident>,
) -> Result<SetInfo, Diag> {
    if let Some(prev) = scope.set(&def.name.node) {
        return Err(Diag::error(
            codes::DUPLICATE_SET,
            format!(
                "expected a new set name, found `{}` declared before",
                def.name.node
            ),
        )
        .at(def.name.span, "declared again")
        .note(prev.span, "first declared here")
        .help("give each condition and outcome its own name"));
    }
    let j = scope.column_of(&def.column.node, def.column.span)?;
    let raw = scope.numeric_column(j, def.column.span)?;
    let calibration = match rule_for(&scope.rules, &def.name.node) {
        Some(rule) => Some(resolve(&def.name.node, &raw, rule, def.name.span)?),
        None => None,
    };
    Ok(SetInfo {
        name: def.name.node.clone(),
        role,
        dimension: dimension.map(|d| d.node.clone()),
        column: def.column.node.clone(),
        column_index: j,
        // A label written in the script, else the variable label of the data file.
        label: def
            .label
            .as_ref()
            .map(|l| l.node.clone())
            .or_else(|| scope.data.as_ref()?.table.column_labels.get(j).cloned()?),
        span: def.name.span,
        raw,
        calibration,
        membership: None,
    })
}

/// `index NAME = entropy(a, -b, by = COL)` or `mean(a, b)`: columns resolved and numeric.
pub fn index(scope: &Scope, name: &Ident, call: &Call) -> Result<IndexPlan, Diag> {
    let data = scope.data_or_err(name.span)?;
    if data.table.column_index(&name.node).is_some() {
        return Err(Diag::error(
            codes::INDEX,
            format!(
                "expected a new column name, found `{}` already in the data",
                name.node
            ),
        )
        .at(name.span, "taken")
        .help("choose another name for the index"));
    }
    let function = match call.name.node.as_str() {
        "entropy" => IndexFunction::Entropy,
        "mean" => IndexFunction::Mean,
        fun => {
            return Err(Diag::error(
                codes::INDEX,
                format!("expected `entropy(…)` or `mean(…)`, found `{fun}(…)`"),
            )
            .at(call.name.span, "unknown index")
            .help(suggestion(fun, &["entropy", "mean"], "index function")))
        }
    };
    let mut indicators = Vec::new();
    let mut by = None;
    for a in &call.args {
        if let Some(n) = &a.name {
            if n.node == "by" && function == IndexFunction::Entropy {
                let col = column_value(&a.value)?;
                let j = scope.column_of(&col, a.value.span)?;
                by = Some((col, j));
                continue;
            }
            return Err(Diag::error(codes::UNKNOWN_ARGUMENT, format!("expected indicators (and `by = COL` for entropy), found the option `{}`", n.node))
                .at(a.span, "unknown option")
                .help("list the indicator columns; `-col` marks a negative indicator; `by = year` weights within groups"));
        }
        let (col, negative) = match &a.value.kind {
            ValueKind::Ident(c) | ValueKind::Str(c) => (c.clone(), false),
            ValueKind::NegIdent(c) => (c.clone(), true),
            _ => {
                return Err(Diag::error(
                    codes::BAD_ARGUMENT,
                    format!("expected a column, found {}", a.value.kind.describe()),
                )
                .at(a.value.span, "not a column")
                .help("list the indicator columns; `-col` marks a negative indicator"))
            }
        };
        let j = scope.column_of(&col, a.value.span)?;
        scope.numeric_column(j, a.value.span)?;
        indicators.push((col, j, negative, a.span));
    }
    if indicators.is_empty() {
        return Err(Diag::error(
            codes::MISSING_ARGUMENT,
            "expected at least one indicator, found none",
        )
        .at(call.span, "empty index")
        .help("for example `entropy(a, b, -c)`"));
    }
    Ok(IndexPlan {
        name: name.node.clone(),
        function,
        indicators,
        by,
        span: call.span,
    })
}

pub(super) fn expr(scope: &Scope, e: &SetExpr) -> Result<Expr, Diag> {
    Ok(match &e.kind {
        SetExprKind::Set(name) => {
            scope.calibrated_set(name, e.span)?;
            Expr::Set(name.clone())
        }
        SetExprKind::Level(name, v) => {
            scope.calibrated_set(name, e.span)?;
            Expr::Level(name.clone(), *v)
        }
        SetExprKind::Not(inner) => Expr::Not(Box::new(expr(scope, inner)?)),
        SetExprKind::And(parts) => Expr::And(
            parts
                .iter()
                .map(|p| expr(scope, p))
                .collect::<Result<_, _>>()?,
        ),
        SetExprKind::Or(parts) => Expr::Or(
            parts
                .iter()
                .map(|p| expr(scope, p))
                .collect::<Result<_, _>>()?,
        ),
    })
}

/// `necessary? X for Y` / `sufficient? X for Y`: every set declared and calibrated; panel
/// options (`cluster = COL`, `unit = COL`) name columns of the data.
pub fn query(
    scope: &Scope,
    necessary: bool,
    x: &SetExpr,
    y: &SetExpr,
    options: &[Opt],
    span: Span,
) -> Result<QueryPlan, Diag> {
    let mut cluster = None;
    let mut unit = None;
    let mut typical = false;
    for o in options {
        let (key, values) = match &o.kind {
            OptKind::Set { key, values, op } if op.node == CmpOp::Eq => (key, values),
            _ => {
                return Err(Diag::error(
                    codes::UNKNOWN_OPTION,
                    "expected `cluster = COL` or `unit = COL` in a query, found something else",
                )
                .at(o.span, "not a query option")
                .help("panel diagnostics of a query: `necessary? A for Y { cluster = year  unit = country }`"))
            }
        };
        if key.node == "cases" {
            match values.as_slice() {
                [v] if matches!(&v.kind, ValueKind::Ident(t) if t == "typical") && necessary => {
                    typical = true;
                    continue;
                }
                _ => return Err(Diag::error(
                    codes::BAD_OPTION,
                    "expected `cases = typical` in a necessity query, found something else",
                )
                .at(o.span, "not a case selection")
                .help(
                    "`necessary? A for Y { cases = typical }` lists the typical cases of the claim",
                )),
            }
        }
        let slot = match key.node.as_str() {
            "cluster" => &mut cluster,
            "unit" => &mut unit,
            other => {
                return Err(Diag::error(
                    codes::UNKNOWN_OPTION,
                    format!("expected `cluster` or `unit` in a query, found `{other}`"),
                )
                .at(key.span, "unknown option")
                .help(suggestion(other, &["cluster", "unit", "cases"], "option")))
            }
        };
        if slot.is_some() {
            return Err(Diag::error(
                codes::BAD_OPTION,
                format!("expected `{}` once, found it twice", key.node),
            )
            .at(key.span, "set again here")
            .help("keep one of the two settings"));
        }
        let v = match values.as_slice() {
            [v] => v,
            _ => {
                return Err(Diag::error(
                    codes::BAD_OPTION,
                    format!(
                        "expected one column for `{}`, found {}",
                        key.node,
                        values.len()
                    ),
                )
                .at(o.span, "one column")
                .help("for example `cluster = year`"))
            }
        };
        let col = column_value(v)?;
        let j = scope.column_of(&col, v.span)?;
        *slot = Some((col, j));
    }
    if unit.is_some() && cluster.is_none() {
        return Err(Diag::error(
            codes::BAD_OPTION,
            "expected `cluster = COL` with `unit = COL`, found `unit` alone",
        )
        .at(span, "in this query")
        .help(
            "panel diagnostics need the cluster (e.g. year); `unit` adds the within-unit figures",
        ));
    }
    Ok(QueryPlan {
        necessary,
        expr: expr(scope, x)?,
        outcome: expr(scope, y)?,
        text: format!(
            "{}? {} for {}",
            if necessary { "necessary" } else { "sufficient" },
            x.to_text(),
            y.to_text()
        ),
        cluster,
        unit,
        typical,
        span,
    })
}

/// Topics of `show` that take no analysis.
pub const TOPICS: [&str; 5] = ["data", "calibration", "skewness", "plan", "index"];
/// Topics of `show … of ANALYSIS`.
pub const ANALYSIS_TOPICS: [&str; 10] = [
    "nca",
    "bottlenecks",
    "bottleneck_cases",
    "outliers",
    "necessity",
    "truth_table",
    "solutions",
    "configurations",
    "cases",
    "case_selection",
];

/// `show TOPIC [of ANALYSIS [KIND]]` → what to show.
pub fn show(
    scope: &Scope,
    what: &Ident,
    of: Option<&Ident>,
    extra: Option<&Ident>,
) -> Result<Show, Diag> {
    let topic = what.node.as_str();
    if TOPICS.contains(&topic) {
        if topic != "index" {
            if let Some(o) = of {
                return Err(Diag::error(
                    codes::UNKNOWN_SHOW,
                    format!("expected `show {topic}` alone, found `{}` after it", o.node),
                )
                .at(o.span, "not expected here")
                .help(format!("`show {topic}` takes no analysis")));
            }
        }
        return match topic {
            "data" => {
                if scope.data.is_none() {
                    return Err(Diag::error(
                        codes::NO_DATA,
                        "expected a `data` statement first, found none",
                    )
                    .at(what.span, "nothing to show")
                    .help("load data with `data NAME = csv(\"file.csv\", id = case)`"));
                }
                Ok(Show::Data)
            }
            "calibration" => Ok(Show::Calibration),
            "skewness" => Ok(Show::Skewness),
            "plan" => Ok(Show::Plan),
            _ => {
                let names: Vec<&str> = scope.indices.iter().map(|s| s.as_str()).collect();
                let Some(name) = of else {
                    return Err(Diag::error(
                        codes::UNKNOWN_SHOW,
                        "expected `show index NAME`, found no index name",
                    )
                    .at(what.span, "which index?")
                    .help(suggestion("", &names, "index")));
                };
                if !names.contains(&name.node.as_str()) {
                    return Err(unknown(
                        codes::UNKNOWN_SET,
                        "index",
                        &name.node,
                        name.span,
                        &names,
                    ));
                }
                Ok(Show::Index(name.node.clone()))
            }
        };
    }
    if ANALYSIS_TOPICS.contains(&topic) {
        let Some(name) = of else {
            return Err(Diag::error(
                codes::UNKNOWN_SHOW,
                format!("expected `show {topic} of ANALYSIS`, found no analysis"),
            )
            .at(what.span, "of which analysis?")
            .help(format!("for example `show {topic} of high`")));
        };
        let plan = scope.analysis_named(&name.node, name.span)?;
        let nca_topic = matches!(
            topic,
            "nca" | "bottlenecks" | "bottleneck_cases" | "outliers"
        );
        if nca_topic != matches!(plan, AnalysisPlan::Nca(_)) {
            return Err(Diag::error(
                codes::UNKNOWN_SHOW,
                format!(
                    "expected {} analysis for `show {topic}`, found the {} analysis `{}`",
                    if nca_topic { "an nca" } else { "an fsqca" },
                    plan.kind(),
                    name.node
                ),
            )
            .at(name.span, "wrong kind of analysis")
            .help(if nca_topic {
                "nca analyses show `nca`, `bottlenecks`, `bottleneck_cases` and `outliers`"
            } else {
                "fsqca analyses show necessity, truth_table, solutions, configurations, cases and case_selection"
            }));
        }
        let mut kind = None;
        if let Some(x) = extra {
            kind = match (topic, x.node.as_str()) {
                ("solutions", "complex" | "conservative") => Some(SolutionKind::Complex),
                ("solutions", "parsimonious") => Some(SolutionKind::Parsimonious),
                ("solutions", "intermediate") => Some(SolutionKind::Intermediate),
                _ => {
                    return Err(Diag::error(codes::UNKNOWN_SHOW, format!("expected nothing after the analysis, found `{}`", x.node))
                        .at(x.span, "not expected here")
                        .help("only `show solutions of X complex|parsimonious|intermediate` takes a last word"))
                }
            };
        }
        let n = name.node.clone();
        return Ok(match topic {
            "nca" => Show::Nca(n),
            "bottlenecks" => Show::Bottlenecks(n),
            "bottleneck_cases" | "outliers" => {
                // (the option the table needs, what is missing, the help)
                let (missing, option, label, help) = match plan {
                    AnalysisPlan::Nca(p) if topic == "outliers" => (
                        p.outliers.is_empty(),
                        "`outliers = k`",
                        "no outlier search",
                        "add `outliers = 1` (or 2 for pairs) to the nca block",
                    ),
                    AnalysisPlan::Nca(p) => (
                        p.targets.is_empty(),
                        "a `target`",
                        "no target outcome level",
                        "add `target = p75` (or an outcome value) to the nca block",
                    ),
                    _ => (false, "", "", ""),
                };
                if missing {
                    return Err(Diag::error(
                        codes::UNKNOWN_SHOW,
                        format!("expected {option} in the nca analysis `{n}`, found none"),
                    )
                    .at(name.span, label)
                    .help(help));
                }
                if topic == "outliers" {
                    Show::Outliers(n)
                } else {
                    Show::BottleneckCases(n)
                }
            }
            "necessity" => Show::Necessity(n),
            "truth_table" => Show::TruthTable(n),
            "solutions" => Show::Solutions(n, kind),
            "configurations" => Show::Configurations(n),
            "case_selection" => Show::CaseSelection(n),
            _ => Show::Cases(n),
        });
    }
    let mut all: Vec<&str> = TOPICS.to_vec();
    all.extend(ANALYSIS_TOPICS);
    Err(Diag::error(
        codes::UNKNOWN_SHOW,
        format!(
            "expected something to show ({}), found `{topic}`",
            all.join(", ")
        ),
    )
    .at(what.span, "nothing by this name")
    .help(suggestion(topic, &all, "topic")))
}

/// `export NAME to "file.ext"`: a known analysis and a format from the extension.
pub fn export(cx: &Context, name: &Ident, path: &Spanned<String>) -> Result<ExportPlan, Diag> {
    cx.scope.analysis_named(&name.node, name.span)?;
    let Some(format) = Format::of_path(std::path::Path::new(&path.node)) else {
        let listed: Vec<&str> = Format::ALL.iter().map(|f| f.extension()).collect();
        return Err(Diag::error(
            codes::BAD_EXPORT,
            format!(
                "expected a file ending in .{}, found `{}`",
                listed.join(", ."),
                path.node
            ),
        )
        .at(path.span, "unknown format")
        .help("the format comes from the extension, e.g. \"out/high.md\""));
    };
    let target = cx.base_dir.join(&path.node);
    if let Some(input) = cx.inputs.iter().find(|i| files::same_file(&target, i)) {
        return Err(output_is_input(&path.node, input).at(path.span, "an input of this run"));
    }
    Ok(ExportPlan {
        analysis: name.node.clone(),
        path: path.node.clone(),
        target,
        format,
        span: path.span,
    })
}

/// The refusal to write an output over an input of the same run (the script, a `use`d file,
/// the data): `shown` is the output as written, `input` the input's path.
pub fn output_is_input(shown: &str, input: &std::path::Path) -> Diag {
    Diag::error(
        codes::OUTPUT_IS_INPUT,
        format!(
            "expected an output that is not an input of this run, found `{shown}`, which is `{}`",
            input.display()
        ),
    )
    .help("write the output to another file; a run never overwrites its script or its data")
}

/// `use std.NAME` (a module of the standard library) or `use "file.toe"`.
pub fn use_target(cx: &Context, target: &UseTarget) -> Result<UsePlan, Diag> {
    match target {
        UseTarget::Module(m) => {
            let name = m.node.strip_prefix("std.").unwrap_or("");
            if !crate::source::STDLIB.iter().any(|(n, _)| *n == name) {
                let full: Vec<String> = crate::source::STDLIB
                    .iter()
                    .map(|(n, _)| format!("std.{n}"))
                    .collect();
                let refs: Vec<&str> = full.iter().map(|s| s.as_str()).collect();
                return Err(unknown(
                    codes::UNKNOWN_MODULE,
                    "module of the standard library",
                    &m.node,
                    m.span,
                    &refs,
                ));
            }
            Ok(UsePlan::Module(name.to_string()))
        }
        UseTarget::File(p) => {
            let path = cx.base_dir.join(&p.node);
            let canon = path.canonicalize().map_err(|_| {
                files::script_diag(&files::ScriptError::Missing, &p.node, Some(p.span))
            })?;
            if cx.use_stack.contains(&canon) {
                return Err(Diag::error(
                    codes::USE_CYCLE,
                    format!(
                        "expected scripts that do not use each other in a circle, found `{}` again",
                        p.node
                    ),
                )
                .at(p.span, "this script is already being loaded")
                .help("remove one of the `use` statements of the cycle"));
            }
            Ok(UsePlan::File(canon, p.node.clone(), p.span))
        }
    }
}
