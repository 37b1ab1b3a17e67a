//! Stage 3, analyses: an `nca` or `fsqca` block becomes its plan — names checked against the
//! declared sets, every option read into a typed setting, every default filled in.
//!
//! Guarantees: an unknown option is a diagnostic with "did you mean" and R's spelling
//! translated (`incl.cut` → `consistency`); an analysis is planned only when its outcome and
//! conditions are declared and (where it needs them) calibrated, and its name is new.

use super::args::number_of;
use super::names::{r_translation, synonym, unknown};
use super::plan::*;
use super::ranges::{ranged, ranged_number};
use super::scope::Scope;
use crate::diagnostics::{codes, suggestion, Diag};
use crate::engine::fsqca::Expectation;
use crate::engine::nca::power::Distribution;
use crate::engine::nca::Ceiling;
use crate::source::Span;
use crate::syntax::ast::*;

/// The ceilings of NCA, as the language names them.
pub const CEILINGS: [&str; 8] = [
    "ce_fdh", "cr_fdh", "ols", "c_lp", "qr", "ce_vrs", "cr_vrs", "cols",
];

/// An `nca` or `fsqca` block → its plan, checked against what the scope declares.
pub fn analysis(scope: &Scope, a: &Analysis, nca: bool, span: Span) -> Result<AnalysisPlan, Diag> {
    if let Some(prev) = scope.analyses.iter().find(|p| p.name() == a.name.node) {
        return Err(Diag::error(
            codes::DUPLICATE_ANALYSIS,
            format!(
                "expected a new analysis name, found `{}` used before",
                a.name.node
            ),
        )
        .at(a.name.span, "used again")
        .note(prev.span(), "first here")
        .help("give each analysis its own name"));
    }
    let names = scope.set_names();
    check_analysis_names(a, &names)?;
    let plan = if nca {
        AnalysisPlan::Nca(nca_plan(a, span)?)
    } else {
        AnalysisPlan::Fsqca(fsqca_plan(scope, a, span)?)
    };
    if let AnalysisPlan::Fsqca(p) = &plan {
        for (col, span) in p.cluster.iter().chain(p.unit.iter()) {
            scope.column_of(col, *span)?;
        }
    }
    let needs_calibration = match &plan {
        AnalysisPlan::Nca(p) => p.calibrated,
        AnalysisPlan::Fsqca(_) => true,
    };
    if needs_calibration {
        for n in std::iter::once(&a.outcome).chain(a.conditions.iter()) {
            if let Some(s) = scope.set(&n.node) {
                if s.calibration.is_none() {
                    let help = if nca {
                        format!("calibrate `{}` (e.g. `{} direct(e = p25, c = p50, i = p75)`), or analyse raw values with `on = raw`", n.node, n.node)
                    } else {
                        format!("add `{} direct(e = p25, c = p50, i = p75)` to `calibrate`, or `{} fuzzy` if it already holds memberships", n.node, n.node)
                    };
                    return Err(Diag::error(
                        codes::NOT_CALIBRATED,
                        format!(
                            "expected calibrated sets for `{}`, found `{}` without calibration",
                            a.name.node, n.node
                        ),
                    )
                    .at(n.span, "not calibrated")
                    .note(s.span, "declared here")
                    .help(help));
                }
            }
        }
    }
    Ok(plan)
}

/// Warnings an analysis plan deserves before it runs.
pub fn warnings(plan: &AnalysisPlan) -> Vec<Diag> {
    let mut out = Vec::new();
    match plan {
        AnalysisPlan::Nca(p) if p.permutations > 0 && p.seed.is_none() => out.push(
            Diag::warning(
                codes::NO_SEED,
                format!(
                    "expected a `seed` with permutations, found none in `{}`",
                    p.name
                ),
            )
            .at(p.span, "the p-values cannot be reproduced")
            .help("add `seed = 2021` (any whole number); a run without one draws a fresh seed and prints it with the results"),
        ),
        AnalysisPlan::Fsqca(p) if p.conditions.len() >= 20 && p.expect.is_some() => out.push(
            Diag::warning(codes::DEPARTURE, format!("expected R's QCA to ignore `expect` with {} conditions, found an intermediate solution computed anyway", p.conditions.len()))
                .at(p.span, "a departure from QCA 3.23")
                .help("QCA 3.23 skips simplifying assumptions at 20 or more conditions; toe computes them exactly with cubes (docs/methods.md)"),
        ),
        _ => {}
    }
    out
}

/// Known option keys of each analysis, for "did you mean".
pub const NCA_OPTIONS: [&str; 14] = [
    "ceilings",
    "permutations",
    "seed",
    "bottlenecks",
    "on",
    "corner",
    "scope",
    "qr_tau",
    "target",
    "outliers",
    "outliers_min_change",
    "outliers_max_rows",
    "bottleneck_x",
    "bottleneck_y",
];

/// A bottleneck table's unit by its name (checked before).
fn bottleneck_unit(t: &str) -> BottleneckType {
    match t {
        "actual" => BottleneckType::Actual,
        "percentile" => BottleneckType::Percentile,
        _ => BottleneckType::Percentage,
    }
}
pub const FSQCA_OPTIONS: [&str; 6] = [
    "cases",
    "consistency",
    "pri",
    "contradictions",
    "cluster",
    "unit",
];

fn unknown_option(key: &Ident, known: &[&str], block: &str) -> Diag {
    let example = |t: &'static str| match t {
        "consistency" => "consistency >= 0.8",
        "cases" => "cases >= 1",
        "pri" => "pri >= 0.7",
        "expect" => "expect A, ~B",
        "permutations" => "permutations = 10000",
        "bottlenecks" => "bottlenecks = steps(10)",
        _ => t,
    };
    if let Some(t) = synonym(&key.node).filter(|t| known.contains(t)) {
        return Diag::error(
            codes::UNKNOWN_OPTION,
            format!("expected an option of `{block}`, found `{}`", key.node),
        )
        .at(key.span, "unknown option")
        .help(format!("did you mean `{t}`? toe writes `{}`", example(t)));
    }
    if let Some(t) = r_translation(&key.node) {
        let example = example(t);
        return Diag::error(
            codes::R_OPTION,
            format!("expected a toe option, found R's `{}`", key.node),
        )
        .at(key.span, format!("R's name for `{t}`"))
        .help(format!("toe writes `{example}`"));
    }
    Diag::error(
        codes::UNKNOWN_OPTION,
        format!("expected an option of `{block}`, found `{}`", key.node),
    )
    .at(key.span, "unknown option")
    .help(suggestion(&key.node, known, "option"))
}

fn expect_op(op: &Spanned<CmpOp>, want: &[CmpOp], key: &str, example: &str) -> Result<(), Diag> {
    if want.contains(&op.node) {
        return Ok(());
    }
    let (code, help) = if op.node == CmpOp::RAssign {
        (
            codes::R_ASSIGNMENT,
            format!("toe writes `=` where R writes `<-`: `{example}`"),
        )
    } else {
        (codes::BAD_OPTION, format!("write `{example}`"))
    };
    Err(Diag::error(
        code,
        format!(
            "expected `{key} {}`, found `{key} {}`",
            want[0].as_str(),
            op.node.as_str()
        ),
    )
    .at(op.span, "wrong operator")
    .help(help))
}

fn single<'a>(values: &'a [Value], key: &Ident) -> Result<&'a Value, Diag> {
    match values {
        [v] => Ok(v),
        [_, extra, ..] => Err(Diag::error(
            codes::BAD_OPTION,
            format!(
                "expected one value for `{}`, found {}",
                key.node,
                values.len()
            ),
        )
        .at(extra.span, "one value too many")
        .help("give a single value")),
        [] => Err(Diag::error(
            codes::BAD_OPTION,
            format!("expected a value for `{}`, found none", key.node),
        )
        .at(key.span, "no value")
        .help("give a value after the operator")),
    }
}

/// Every value of an option, the items of a list in its place (`n = [20, 50]`).
fn flattened(values: &[Value]) -> Vec<&Value> {
    let mut items = Vec::new();
    for v in values {
        match &v.kind {
            ValueKind::List(l) => items.extend(l.iter()),
            _ => items.push(v),
        }
    }
    items
}

fn duplicate_option(seen: &mut Vec<String>, key: &Ident) -> Result<(), Diag> {
    if seen.contains(&key.node) {
        return Err(Diag::error(
            codes::BAD_OPTION,
            format!("expected `{}` once, found it twice", key.node),
        )
        .at(key.span, "set again here")
        .help("keep one of the two settings"));
    }
    seen.push(key.node.clone());
    Ok(())
}

/// Checks the names of an analysis: outcome and conditions declared, no duplicates, the
/// outcome not among the conditions.
fn check_analysis_names(a: &Analysis, sets: &[&str]) -> Result<(), Diag> {
    if !sets.contains(&a.outcome.node.as_str()) {
        return Err(unknown(
            codes::UNKNOWN_SET,
            "set",
            &a.outcome.node,
            a.outcome.span,
            sets,
        ));
    }
    for (k, c) in a.conditions.iter().enumerate() {
        if !sets.contains(&c.node.as_str()) {
            return Err(unknown(codes::UNKNOWN_SET, "set", &c.node, c.span, sets));
        }
        if c.node == a.outcome.node {
            return Err(Diag::error(
                codes::OUTCOME_AMONG_CONDITIONS,
                format!(
                    "expected conditions other than the outcome, found `{}` among them",
                    c.node
                ),
            )
            .at(c.span, "this is the outcome")
            .note(a.outcome.span, "outcome")
            .help("remove the outcome from the list of conditions"));
        }
        if let Some(first) = a.conditions[..k].iter().find(|d| d.node == c.node) {
            return Err(Diag::error(
                codes::DUPLICATE_CONDITION,
                format!("expected each condition once, found `{}` twice", c.node),
            )
            .at(c.span, "again here")
            .note(first.span, "first here")
            .help("remove the repeated condition"));
        }
    }
    Ok(())
}

/// An `nca` block → its plan.
fn nca_plan(a: &Analysis, span: Span) -> Result<NcaPlan, Diag> {
    let mut p = NcaPlan {
        name: a.name.node.clone(),
        outcome: a.outcome.node.clone(),
        conditions: a.conditions.iter().map(|c| c.node.clone()).collect(),
        ceilings: vec![Ceiling::CeFdh, Ceiling::CrFdh],
        permutations: 0,
        seed: None,
        d_min: 0.1,
        p_max: 0.05,
        bottleneck_levels: Levels::Steps(10),
        bottleneck_type: BottleneckType::Percentage,
        bottleneck_y: BottleneckType::Percentage,
        calibrated: true,
        corner: Corner::All(1),
        scope: None,
        qr_tau: 0.95,
        targets: Vec::new(),
        outliers: Vec::new(),
        outliers_min_change: 0.01,
        outliers_max_rows: 25,
        span,
    };
    if a.negated {
        return Err(Diag::error(
            codes::BAD_OPTION,
            "expected an outcome, found a negated one",
        )
        .at(a.outcome.span, "NCA takes the outcome as it is")
        .help("declare the negation as its own set if you need it"));
    }
    let mut seen = Vec::new();
    for o in &a.options {
        match &o.kind {
            OptKind::Exclude(_) => {
                return Err(Diag::error(
                    codes::UNKNOWN_OPTION,
                    "expected an option of `nca`, found `exclude`",
                )
                .at(o.span, "`exclude` belongs to fsqca")
                .help("excluding remainders (ESA) is an fsQCA option; NCA's `outliers = k` finds influential cases"))
            }
            OptKind::Expect(_) => {
                return Err(Diag::error(
                    codes::UNKNOWN_OPTION,
                    "expected an option of `nca`, found `expect`",
                )
                .at(o.span, "`expect` belongs to fsqca")
                .help("directional expectations are an fsQCA option"))
            }
            OptKind::Rule(conds) => {
                for c in conds {
                    match c.key.node.as_str() {
                        "d" => {
                            expect_op(&c.op, &[CmpOp::Ge], "d", "d >= 0.1")?;
                            p.d_min = ranged_number(c.value.node, c.value.span, "nca", "d")?;
                        }
                        "p" => {
                            expect_op(&c.op, &[CmpOp::Le], "p", "p <= 0.05")?;
                            p.p_max = ranged_number(c.value.node, c.value.span, "nca", "p")?;
                        }
                        other => {
                            return Err(Diag::error(
                                codes::BAD_OPTION,
                                format!("expected `d` or `p` in the rule, found `{other}`"),
                            )
                            .at(c.key.span, "unknown quantity")
                            .help("write `necessary when d >= 0.1 and p <= 0.05`"))
                        }
                    }
                }
            }
            OptKind::Set { key, op, values } => {
                if !NCA_OPTIONS.contains(&key.node.as_str()) {
                    return Err(unknown_option(key, &NCA_OPTIONS, "nca"));
                }
                duplicate_option(&mut seen, key)?;
                let example = match key.node.as_str() {
                    "ceilings" => "ceilings = [cr_fdh, ce_fdh]",
                    "permutations" => "permutations = 10000",
                    "seed" => "seed = 2021",
                    "bottlenecks" => "bottlenecks = steps(10)",
                    "on" => "on = calibrated",
                    _ => "key = value",
                };
                expect_op(op, &[CmpOp::Eq], &key.node, example)?;
                match key.node.as_str() {
                    "ceilings" => {
                        let v = single(values, key)?;
                        let items: Vec<&Value> = match &v.kind {
                            ValueKind::List(items) => items.iter().collect(),
                            _ => vec![v],
                        };
                        if items.is_empty() {
                            return Err(Diag::error(
                                codes::BAD_OPTION,
                                "expected at least one ceiling, found an empty list",
                            )
                            .at(v.span, "empty")
                            .help("for example `ceilings = [cr_fdh, ce_fdh]`"));
                        }
                        let mut out = Vec::new();
                        for it in items {
                            let name = match &it.kind {
                                ValueKind::Ident(s) => s.clone(),
                                _ => String::new(),
                            };
                            let normal = name.replace('-', "_").to_lowercase();
                            if !CEILINGS.contains(&normal.as_str()) {
                                return Err(Diag::error(
                                    codes::UNKNOWN_CEILING,
                                    format!(
                                        "expected a ceiling ({}), found {}",
                                        CEILINGS.join(", "),
                                        it.kind.describe()
                                    ),
                                )
                                .at(it.span, "unknown ceiling")
                                .help(suggestion(&normal, &CEILINGS, "ceiling")));
                            }
                            if let Some(c) = Ceiling::from_name(&normal) {
                                if !out.contains(&c) {
                                    out.push(c);
                                }
                            }
                        }
                        p.ceilings = out;
                    }
                    "permutations" => {
                        let v = single(values, key)?;
                        p.permutations = ranged(v, "nca", "permutations")? as usize;
                    }
                    "seed" => {
                        let v = single(values, key)?;
                        p.seed = Some(ranged(v, "nca", "seed")? as u32);
                    }
                    "bottlenecks" => {
                        for v in values {
                            match &v.kind {
                                ValueKind::Call(c) if c.name.node == "steps" => {
                                    let n = match c.args.as_slice() {
                                        [a] if a.name.is_none() => ranged(&a.value, "nca", "steps")?,
                                        _ => {
                                            return Err(Diag::error(codes::BAD_OPTION, "expected `steps(n)` with one number, found something else")
                                                .at(c.span, "steps takes one number")
                                                .help("`steps(10)` gives outcome levels 0, 10, …, 100 %"))
                                        }
                                    };
                                    p.bottleneck_levels = Levels::Steps(n as usize);
                                }
                                ValueKind::List(items) => {
                                    let mut lv = Vec::new();
                                    for it in items {
                                        lv.push(number_of(it, "an outcome level")?);
                                    }
                                    p.bottleneck_levels = Levels::List(lv);
                                }
                                ValueKind::Ident(t) if ["percentage", "actual", "percentile"].contains(&t.as_str()) => {
                                    p.bottleneck_type = bottleneck_unit(t);
                                    p.bottleneck_y = p.bottleneck_type;
                                }
                                _ => {
                                    return Err(Diag::error(
                                        codes::BAD_OPTION,
                                        format!("expected steps(n), a list of levels, or percentage | actual | percentile, found {}", v.kind.describe()),
                                    )
                                    .at(v.span, "not a bottleneck setting")
                                    .help("for example `bottlenecks = steps(10), actual`"))
                                }
                            }
                        }
                    }
                    "bottleneck_x" | "bottleneck_y" => {
                        let v = single(values, key)?;
                        let t = match &v.kind {
                            ValueKind::Ident(t) if ["percentage", "actual", "percentile"].contains(&t.as_str()) => bottleneck_unit(t),
                            other => {
                                return Err(Diag::error(
                                    codes::BAD_OPTION,
                                    format!("expected percentage, actual or percentile for `{}`, found {}", key.node, other.describe()),
                                )
                                .at(v.span, "not a unit")
                                .help("for example `bottleneck_x = percentile  bottleneck_y = actual` (R's bottleneck.x and bottleneck.y)"))
                            }
                        };
                        if key.node == "bottleneck_x" {
                            p.bottleneck_type = t;
                        } else {
                            p.bottleneck_y = t;
                        }
                    }
                    "on" => {
                        let v = single(values, key)?;
                        p.calibrated = match &v.kind {
                            ValueKind::Ident(s) if s == "calibrated" => true,
                            ValueKind::Ident(s) if s == "raw" => false,
                            _ => {
                                return Err(Diag::error(codes::BAD_OPTION, format!("expected `raw` or `calibrated`, found {}", v.kind.describe()))
                                    .at(v.span, "unknown data")
                                    .help("`on = raw` analyses the raw columns, `on = calibrated` the memberships"))
                            }
                        };
                    }
                    "corner" => {
                        let v = single(values, key)?;
                        // One corner for every condition, or one per condition (R's
                        // `corner = c(1, 2)`).
                        let items: Vec<&Value> = match &v.kind {
                            ValueKind::List(items) => items.iter().collect(),
                            _ => vec![v],
                        };
                        if matches!(v.kind, ValueKind::List(_)) && items.len() != p.conditions.len()
                        {
                            return Err(Diag::error(
                                codes::BAD_OPTION,
                                format!(
                                    "expected one corner per condition ({}), found {}",
                                    p.conditions.len(),
                                    items.len()
                                ),
                            )
                            .at(v.span, "corners in the order of the conditions")
                            .help("give one corner for all (`corner = 2`) or one per condition (`corner = [1, 2]`)"));
                        }
                        let mut corners = Vec::new();
                        for it in items {
                            let n = match it.kind {
                                ValueKind::Number(n) => n,
                                _ => f64::NAN,
                            };
                            if ![1.0, 2.0, 3.0, 4.0].contains(&n) {
                                return Err(Diag::error(
                                    codes::BAD_OPTION,
                                    format!(
                                        "expected a corner from 1 to 4, found {}",
                                        it.kind.describe()
                                    ),
                                )
                                .at(it.span, "no such corner")
                                .help("corner 1 is the upper left (the usual necessity ceiling); `corner = [1, 2]` gives one per condition"));
                            }
                            corners.push(n as u8);
                        }
                        p.corner = if matches!(v.kind, ValueKind::List(_)) {
                            Corner::Each(corners)
                        } else {
                            Corner::All(corners[0])
                        };
                    }
                    "scope" => {
                        let v = single(values, key)?;
                        let nums =
                            match &v.kind {
                                ValueKind::List(items) if items.len() == 4 => items
                                    .iter()
                                    .map(|i| number_of(i, "a number"))
                                    .collect::<Result<Vec<_>, _>>()?,
                                _ => return Err(Diag::error(
                                    codes::BAD_OPTION,
                                    format!(
                                        "expected `[xmin, xmax, ymin, ymax]`, found {}",
                                        v.kind.describe()
                                    ),
                                )
                                .at(v.span, "not a scope")
                                .help(
                                    "the theoretical scope is four numbers: `scope = [0, 1, 0, 1]`",
                                )),
                            };
                        if nums[0] >= nums[1] || nums[2] >= nums[3] {
                            return Err(Diag::error(codes::BAD_OPTION, "expected xmin < xmax and ymin < ymax in the scope, found otherwise")
                                .at(v.span, "empty scope")
                                .help("write `scope = [xmin, xmax, ymin, ymax]`"));
                        }
                        p.scope = Some([nums[0], nums[1], nums[2], nums[3]]);
                    }
                    "qr_tau" => {
                        let v = single(values, key)?;
                        p.qr_tau = ranged(v, "nca", "qr_tau")?;
                    }
                    "target" => {
                        // one level or a list: `target = [p75, p90]`
                        p.targets.clear();
                        for v in flattened(values) {
                            let t = match &v.kind {
                                ValueKind::Percentile(q) if (0.0..=100.0).contains(q) => NcaTarget::Percentile(*q),
                                ValueKind::Number(x) if x.is_finite() => NcaTarget::Value(*x),
                                other => {
                                    return Err(Diag::error(codes::BAD_OPTION, format!("expected a percentile from p0 to p100 or an outcome value, found {}", other.describe()))
                                        .at(v.span, "not a target level")
                                        .help("for example `target = p75` (the 75th percentile of the outcome), `target = 60`, or several: `target = [p75, p90]`"))
                                }
                            };
                            if !p.targets.iter().any(|(u, _)| *u == t) {
                                p.targets.push((t, v.span));
                            }
                        }
                        if p.targets.is_empty() {
                            return Err(Diag::error(codes::BAD_OPTION, "expected at least one target level, found an empty list")
                                .at(key.span, "no target")
                                .help("for example `target = p75` or `target = [p75, p90]`"));
                        }
                    }
                    "outliers_min_change" => {
                        let v = single(values, key)?;
                        p.outliers_min_change = ranged(v, "nca", "outliers_min_change")?;
                    }
                    "outliers_max_rows" => {
                        let v = single(values, key)?;
                        p.outliers_max_rows = ranged(v, "nca", "outliers_max_rows")? as usize;
                    }
                    "outliers" => {
                        // one k or a list: `outliers = [1, 2]` searches singles, then pairs
                        p.outliers.clear();
                        for v in flattened(values) {
                            let k = ranged(v, "nca", "outliers")? as usize;
                            if !p.outliers.iter().any(|(j, _)| *j == k) {
                                p.outliers.push((k, v.span));
                            }
                        }
                        if p.outliers.is_empty() {
                            return Err(Diag::error(codes::BAD_OPTION, "expected at least one number of outliers, found an empty list")
                                .at(key.span, "no k")
                                .help("for example `outliers = 1` or `outliers = [1, 2]`"));
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    Ok(p)
}

/// Terms of a sum of products at most (an exclusion multiplied out).
const DNF_TERMS: usize = 4096;

/// A set expression over the analysis' conditions → a sum of products of literals
/// (condition index, level, negated), negations pushed to the literals (De Morgan).
pub(super) fn dnf(
    e: &SetExpr,
    conditions: &[String],
) -> Result<crate::engine::fsqca::exclusions::Dnf, Diag> {
    use crate::engine::fsqca::exclusions::Dnf;
    fn product(a: Dnf, b: Dnf) -> Dnf {
        let mut out = Vec::new();
        for x in &a {
            for y in &b {
                let mut t = x.clone();
                for l in y {
                    if !t.contains(l) {
                        t.push(*l);
                    }
                }
                out.push(t);
            }
        }
        out
    }
    fn go(e: &SetExpr, neg: bool, conditions: &[String]) -> Result<Dnf, Diag> {
        let index = |name: &str| -> Result<usize, Diag> {
            conditions.iter().position(|c| c == name).ok_or_else(|| {
                let cands: Vec<&str> = conditions.iter().map(|s| s.as_str()).collect();
                Diag::error(
                    codes::UNKNOWN_SET,
                    format!("expected a condition of this analysis, found `{name}`"),
                )
                .at(e.span, "not among the conditions")
                .help(suggestion(name, &cands, "condition"))
            })
        };
        let out = match &e.kind {
            SetExprKind::Set(n) => vec![vec![(index(n)?, 1, neg)]],
            SetExprKind::Level(n, v) => vec![vec![(index(n)?, v.max(0.0) as u32, neg)]],
            SetExprKind::Not(x) => go(x, !neg, conditions)?,
            SetExprKind::And(parts) | SetExprKind::Or(parts) => {
                // under a negation, a conjunction becomes a disjunction and back
                let conj = matches!(e.kind, SetExprKind::And(_)) != neg;
                let mut acc: Option<Dnf> = None;
                for x in parts {
                    let d = go(x, neg, conditions)?;
                    acc = Some(match acc {
                        None => d,
                        Some(a) if conj => product(a, d),
                        Some(mut a) => {
                            a.extend(d);
                            a
                        }
                    });
                    if acc.as_ref().is_some_and(|a| a.len() > DNF_TERMS) {
                        return Err(Diag::error(
                            codes::BAD_OPTION,
                            format!("expected an exclusion of at most {DNF_TERMS} terms once multiplied out, found more"),
                        )
                        .at(e.span, "too large")
                        .help("write the exclusion as a sum of products, e.g. `~A*B + C`"));
                    }
                }
                acc.unwrap_or_default()
            }
        };
        Ok(out)
    }
    go(e, false, conditions)
}

/// An `fsqca` block → its plan.
fn fsqca_plan(scope: &Scope, a: &Analysis, span: Span) -> Result<FsqcaPlan, Diag> {
    let mut p = FsqcaPlan {
        name: a.name.node.clone(),
        outcome: a.outcome.node.clone(),
        negated: a.negated,
        conditions: a.conditions.iter().map(|c| c.node.clone()).collect(),
        cases: 1.0,
        consistency: 0.8,
        contradictions: None,
        pri: 0.0,
        expect: None,
        exclude: Vec::new(),
        cluster: None,
        unit: None,
        span,
    };
    let mut seen = Vec::new();
    for o in &a.options {
        match &o.kind {
            OptKind::Exclude(e) => {
                use crate::engine::fsqca::exclusions::Rule;
                let (rule, text) = match e {
                    Exclude::Contradictory => (Rule::Rows(Vec::new()), "contradictory".to_string()),
                    Exclude::Untenable(x) => (
                        Rule::Untenable(dnf(x, &p.conditions)?),
                        format!("untenable {}", x.to_text()),
                    ),
                    Exclude::Lacking(x) => (
                        Rule::Lacking(dnf(x, &p.conditions)?),
                        format!("lacking {}", x.to_text()),
                    ),
                    Exclude::LackingNca(n) => {
                        let Some(AnalysisPlan::Nca(_)) =
                            scope.analyses.iter().find(|a| a.name() == n.node)
                        else {
                            let names: Vec<&str> = scope
                                .analyses
                                .iter()
                                .filter(|a| matches!(a, AnalysisPlan::Nca(_)))
                                .map(|a| a.name())
                                .collect();
                            return Err(unknown(
                                codes::UNKNOWN_ANALYSIS,
                                "nca analysis",
                                &n.node,
                                n.span,
                                &names,
                            ));
                        };
                        (
                            Rule::Lacking(vec![vec![]]),
                            format!("lacking necessary of {}", n.node),
                        )
                    }
                };
                if p.exclude.iter().any(|x| x.text == text) {
                    return Err(Diag::error(
                        codes::BAD_OPTION,
                        format!("expected each exclusion once, found `exclude {text}` twice"),
                    )
                    .at(o.span, "again here")
                    .help("remove the repeated line"));
                }
                p.exclude.push(ExclusionPlan {
                    rule,
                    from_nca: match e {
                        Exclude::LackingNca(n) => Some(n.node.clone()),
                        _ => None,
                    },
                    text,
                    span: o.span,
                });
            }
            OptKind::Rule(_) => return Err(Diag::error(
                codes::UNKNOWN_OPTION,
                "expected an option of `fsqca`, found `necessary when`",
            )
            .at(o.span, "this rule belongs to nca")
            .help(
                "the necessity verdict is an NCA option; fsqca reports the necessity table itself",
            )),
            OptKind::Expect(list) => {
                if p.expect.is_some() {
                    return Err(Diag::error(
                        codes::BAD_OPTION,
                        "expected `expect` once, found it twice",
                    )
                    .at(o.span, "again here")
                    .help("list every expectation in one `expect` line"));
                }
                let mut out: Vec<Expect> = Vec::new();
                for e in list {
                    let first = &e.literals[0];
                    let cond = &first.name;
                    if !p.conditions.contains(&cond.node) {
                        let cands: Vec<&str> = p.conditions.iter().map(|s| s.as_str()).collect();
                        return Err(Diag::error(
                            codes::BAD_EXPECTATION,
                            format!(
                                "expected a condition of this analysis, found `{}`",
                                cond.node
                            ),
                        )
                        .at(cond.span, "not among the conditions")
                        .help(suggestion(&cond.node, &cands, "condition")));
                    }
                    let value = match e.literals.as_slice() {
                        [l] => {
                            if l.negated {
                                Expectation::Absence
                            } else {
                                Expectation::Presence
                            }
                        }
                        [l1, l2] => {
                            if l1.name.node != l2.name.node || l1.negated == l2.negated {
                                return Err(Diag::error(
                                    codes::BAD_EXPECTATION,
                                    format!(
                                        "expected `{0} | ~{0}` (either), found `{1}`",
                                        l1.name.node,
                                        format_args!(
                                            "{}{} | {}{}",
                                            if l1.negated { "~" } else { "" },
                                            l1.name.node,
                                            if l2.negated { "~" } else { "" },
                                            l2.name.node
                                        )
                                    ),
                                )
                                .at(e.span, "not an either-or of one condition")
                                .help(
                                    "`A | ~A` says either presence or absence of A may contribute",
                                ));
                            }
                            Expectation::Either
                        }
                        _ => Expectation::Either,
                    };
                    if out.iter().any(|x| x.condition == cond.node) {
                        return Err(Diag::error(
                            codes::BAD_EXPECTATION,
                            format!(
                                "expected one expectation per condition, found `{}` twice",
                                cond.node
                            ),
                        )
                        .at(e.span, "again here")
                        .help("for either direction write `A | ~A`"));
                    }
                    out.push(Expect {
                        condition: cond.node.clone(),
                        value,
                    });
                }
                p.expect = Some(out);
            }
            OptKind::Set { key, op, values } => {
                if key.node == "expect" {
                    return Err(Diag::error(
                        codes::BAD_OPTION,
                        "expected `expect A, ~B`, found `expect` with an operator",
                    )
                    .at(op.span, "no operator here")
                    .help("write `expect HUM, ~WEB`"));
                }
                if !FSQCA_OPTIONS.contains(&key.node.as_str()) {
                    return Err(unknown_option(key, &FSQCA_OPTIONS, "fsqca"));
                }
                duplicate_option(&mut seen, key)?;
                if key.node == "cluster" || key.node == "unit" {
                    let example = if key.node == "cluster" {
                        "cluster = year"
                    } else {
                        "unit = country"
                    };
                    expect_op(op, &[CmpOp::Eq], &key.node, example)?;
                    let v = single(values, key)?;
                    let col = match &v.kind {
                        ValueKind::Ident(c) | ValueKind::Str(c) => c.clone(),
                        other => {
                            return Err(Diag::error(
                                codes::BAD_OPTION,
                                format!(
                                    "expected a column for `{}`, found {}",
                                    key.node,
                                    other.describe()
                                ),
                            )
                            .at(v.span, "not a column")
                            .help(format!("for panel data: `{example}`")))
                        }
                    };
                    if key.node == "cluster" {
                        p.cluster = Some((col, v.span));
                    } else {
                        p.unit = Some((col, v.span));
                    }
                    continue;
                }
                let example = match key.node.as_str() {
                    "cases" => "cases >= 1",
                    "pri" => "pri >= 0.7",
                    "contradictions" => "consistency >= 0.8, contradictions >= 0.7",
                    _ => "consistency >= 0.8",
                };
                expect_op(op, &[CmpOp::Ge], &key.node, example)?;
                let v = single(values, key)?;
                match key.node.as_str() {
                    "cases" => p.cases = ranged(v, "fsqca", "cases")?,
                    "consistency" => p.consistency = ranged(v, "fsqca", "consistency")?,
                    "pri" => p.pri = ranged(v, "fsqca", "pri")?,
                    _ => p.contradictions = Some(ranged(v, "fsqca", "contradictions")?),
                }
            }
        }
    }
    if p.unit.is_some() && p.cluster.is_none() {
        return Err(Diag::error(
            codes::BAD_OPTION,
            "expected `cluster = COL` with `unit = COL`, found `unit` alone",
        )
        .at(span, "in this analysis")
        .help(
            "panel diagnostics need the cluster (e.g. year); `unit` adds the within-unit figures",
        ));
    }
    if let Some(c) = p.contradictions {
        if c > p.consistency {
            return Err(Diag::error(
                codes::BAD_OPTION,
                format!("expected contradictions <= consistency, found {c} > {}", p.consistency),
            )
            .at(span, "in this analysis")
            .help("rows with contradictions <= consistency < the cut become \"C\"; the lower cut comes second"));
        }
    }
    Ok(p)
}

/// Known option keys of a necessity search.
pub const SEARCH_OPTIONS: [&str; 4] = ["consistency", "coverage", "relevance", "depth"];

/// `necessary? * [of A, B] for Y { consistency >= 0.9  coverage >= 0.5  relevance >= 0.6
/// depth = 2 }` → its plan. Defaults as QCA's superSubset: consistency 1, coverage 0,
/// relevance 0, depth = the number of conditions; without `of`, every declared condition.
pub fn necessity_search(
    scope: &Scope,
    conditions: &[Ident],
    outcome: &SetExpr,
    options: &[Opt],
    span: Span,
) -> Result<NecessitySearchPlan, Diag> {
    let names: Vec<String> = if conditions.is_empty() {
        scope
            .sets
            .iter()
            .filter(|s| s.role == Role::Condition && s.membership.is_some())
            .map(|s| s.name.clone())
            .collect()
    } else {
        let mut out: Vec<String> = Vec::new();
        for c in conditions {
            scope.calibrated_set(&c.node, c.span)?;
            if out.contains(&c.node) {
                return Err(Diag::error(
                    codes::DUPLICATE_SET,
                    format!("expected each condition once, found `{}` twice", c.node),
                )
                .at(c.span, "repeated")
                .help("list each condition once"));
            }
            out.push(c.node.clone());
        }
        out
    };
    if names.is_empty() {
        return Err(Diag::error(
            codes::BAD_OPTION,
            "expected calibrated conditions to search, found none",
        )
        .at(span, "nothing to combine")
        .help(
            "declare and calibrate conditions first, or name them: `necessary? * of A, B for Y`",
        ));
    }
    let mut o = crate::engine::supersets::SearchOptions {
        consistency: 1.0,
        coverage: 0.0,
        relevance: 0.0,
        depth: names.len(),
    };
    let mut seen = Vec::new();
    for opt in options {
        let OptKind::Set { key, op, values } = &opt.kind else {
            return Err(Diag::error(
                codes::UNKNOWN_OPTION,
                "expected an option of the necessity search, found a rule or expectation",
            )
            .at(opt.span, "not an option here")
            .help(
                "for example `consistency >= 0.9  coverage >= 0.5  relevance >= 0.6  depth = 2`",
            ));
        };
        if !SEARCH_OPTIONS.contains(&key.node.as_str()) {
            return Err(unknown_option(key, &SEARCH_OPTIONS, "necessary? *"));
        }
        duplicate_option(&mut seen, key)?;
        let v = single(values, key)?;
        if key.node == "depth" {
            expect_op(op, &[CmpOp::Eq], "depth", "depth = 2")?;
            let d = ranged(v, "necessary? *", "depth")?;
            o.depth = (d as usize).min(names.len());
        } else {
            expect_op(op, &[CmpOp::Ge], &key.node, &format!("{} >= 0.9", key.node))?;
            let x = ranged(v, "necessary? *", &key.node)?;
            match key.node.as_str() {
                "consistency" => o.consistency = x,
                "coverage" => o.coverage = x,
                _ => o.relevance = x,
            }
        }
    }
    let text = if conditions.is_empty() {
        format!("necessary? * for {}", outcome.to_text())
    } else {
        format!(
            "necessary? * of {} for {}",
            names.join(", "),
            outcome.to_text()
        )
    };
    Ok(NecessitySearchPlan {
        conditions: names,
        outcome: super::statements::expr(scope, outcome)?,
        options: o,
        text,
        span,
    })
}

/// The fsqca analysis named `name`, declared before; an nca analysis is an error whose help
/// line says what the statement does instead.
fn fsqca_named<'a>(scope: &'a Scope, name: &Ident, help: &str) -> Result<&'a FsqcaPlan, Diag> {
    match scope.analysis_named(&name.node, name.span)? {
        AnalysisPlan::Fsqca(p) => Ok(p),
        AnalysisPlan::Nca(_) => Err(Diag::error(
            codes::BAD_OPTION,
            format!(
                "expected an fsqca analysis, found `{}`, an nca analysis",
                name.node
            ),
        )
        .at(name.span, "not an fsqca analysis")
        .help(help.to_string())),
    }
}

/// `sensitivity NAME { consistency = [step, runs]  cases = [step, runs]  anchors = [SET,
/// step, runs] }` → its plan; runs default to 20; anchors need a `direct` calibration.
pub fn sensitivity_plan(
    scope: &Scope,
    of: &Ident,
    options: &[Opt],
    span: Span,
) -> Result<SensitivityPlan, Diag> {
    let p = fsqca_named(
        scope,
        of,
        "for an nca analysis use `robustness of NAME { vary … }`",
    )?;
    let mut dims = Vec::new();
    let mut seen = Vec::new();
    for o in options {
        let OptKind::Set { key, op, values } = &o.kind else {
            return Err(Diag::error(
                codes::UNKNOWN_OPTION,
                "expected an option of `sensitivity`, found a rule or expectation",
            )
            .at(o.span, "not an option of sensitivity")
            .help("for example `consistency = [0.01, 20]`"));
        };
        const KEYS: [&str; 3] = ["consistency", "cases", "anchors"];
        if !KEYS.contains(&key.node.as_str()) {
            return Err(unknown_option(key, &KEYS, "sensitivity"));
        }
        if key.node != "anchors" {
            duplicate_option(&mut seen, key)?;
        }
        expect_op(op, &[CmpOp::Eq], &key.node, "consistency = [0.01, 20]")?;
        let items = flattened(values);
        let bad = |v: &Value, what: &str| {
            Diag::error(codes::BAD_OPTION, format!("expected {what}, found {}", v.kind.describe()))
                .at(v.span, "not usable here")
                .help("write `consistency = [0.01, 20]`, `cases = [1, 10]` or `anchors = [GDP, 1000, 10]`: the step, then the most runs each way")
        };
        let (set, nums) = if key.node == "anchors" {
            let Some(first) = items.first() else {
                return Err(Diag::error(
                    codes::BAD_OPTION,
                    "expected `anchors = [SET, step, runs]`, found nothing",
                )
                .at(o.span, "which set?")
                .help("for example `anchors = [GDP, 1000, 10]`"));
            };
            let ValueKind::Ident(name) = &first.kind else {
                return Err(bad(first, "a set name first"));
            };
            if !p.conditions.contains(name) && p.outcome != *name {
                return Err(Diag::error(
                    codes::UNKNOWN_SET,
                    format!("expected a set of `{}`, found `{name}`", p.name),
                )
                .at(first.span, "not in this analysis")
                .help("move the anchors of one of the analysis' conditions or its outcome"));
            }
            let direct = scope
                .set(name)
                .and_then(|s| s.calibration.as_ref())
                .is_some_and(|c| {
                    matches!(
                        c.calibration,
                        crate::engine::calibrate::Calibration::Direct { .. }
                    )
                });
            if !direct {
                return Err(Diag::error(
                    codes::BAD_OPTION,
                    format!(
                        "expected `{name}` calibrated with `direct`, found another calibration"
                    ),
                )
                .at(first.span, "no anchors to move")
                .help("the anchors of a direct calibration (e, c, i) are moved one at a time"));
            }
            (Some(name.clone()), &items[1..])
        } else {
            (None, &items[..])
        };
        let step = match nums.first() {
            Some(v) => ranged(v, "sensitivity", "step")?,
            None => {
                return Err(Diag::error(
                    codes::BAD_OPTION,
                    format!("expected a step for `{}`, found none", key.node),
                )
                .at(o.span, "no step")
                .help("for example `consistency = [0.01, 20]`"))
            }
        };
        let runs = match nums.get(1) {
            Some(v) => ranged(v, "sensitivity", "runs")? as usize,
            None => 20,
        };
        dims.push(match (key.node.as_str(), set) {
            ("consistency", _) => SensitivityDim::Consistency { step, runs },
            ("cases", _) => SensitivityDim::Cases { step, runs },
            (_, Some(set)) => SensitivityDim::Anchors { set, step, runs },
            _ => SensitivityDim::Cases { step, runs },
        });
    }
    if dims.is_empty() {
        return Err(
            Diag::error(codes::BAD_OPTION, "expected a setting to move, found none")
                .at(span, "nothing to move")
                .help(
                    "for example `sensitivity high { consistency = [0.01, 20]  cases = [1, 10] }`",
                ),
        );
    }
    Ok(SensitivityPlan {
        of: p.clone(),
        dims,
        span,
    })
}

/// `nest FSQCA with NCA { level = 0.5 }` → its plan: an fsqca analysis and an nca analysis
/// declared before, on the same (not negated) outcome, the nca on calibrated memberships,
/// sharing at least one condition; the outcome level in [0, 1].
pub fn nest_plan(
    scope: &Scope,
    fsqca: &Ident,
    nca: &Ident,
    options: &[Opt],
    span: Span,
) -> Result<NestPlan, Diag> {
    let f = fsqca_named(
        scope,
        fsqca,
        "write `nest FSQCA with NCA`, e.g. `nest high with nec`",
    )?;
    let AnalysisPlan::Nca(n) = scope.analysis_named(&nca.node, nca.span)? else {
        return Err(Diag::error(
            codes::BAD_OPTION,
            format!(
                "expected an nca analysis after `with`, found `{}`, an fsqca analysis",
                nca.node
            ),
        )
        .at(nca.span, "not an nca analysis")
        .help("write `nest FSQCA with NCA`, e.g. `nest high with nec`"));
    };
    if n.outcome != f.outcome || f.negated {
        return Err(Diag::error(
            codes::BAD_OPTION,
            format!(
                "expected the same outcome, found `{}{}` (fsqca) and `{}` (nca)",
                if f.negated { "~" } else { "" },
                f.outcome,
                n.outcome
            ),
        )
        .at(span, "different outcomes")
        .help("the NEST table joins an NCA and an fsQCA of the same outcome"));
    }
    if !n.calibrated {
        return Err(Diag::error(codes::BAD_OPTION, format!("expected `{}` on calibrated memberships, found `on = raw`", n.name))
            .at(nca.span, "raw values")
            .help("the NEST table compares NCA's required levels with set memberships: use `on = calibrated`"));
    }
    if !f.conditions.iter().any(|c| n.conditions.contains(c)) {
        return Err(Diag::error(
            codes::BAD_OPTION,
            format!(
                "expected conditions shared by `{}` and `{}`, found none",
                f.name, n.name
            ),
        )
        .at(span, "nothing to join")
        .help("the NEST table shows NCA's requirement for the conditions of the configurations"));
    }
    let mut level = 0.5;
    let mut seen = Vec::new();
    for o in options {
        let OptKind::Set { key, op, values } = &o.kind else {
            return Err(Diag::error(
                codes::UNKNOWN_OPTION,
                "expected `level = …` in `nest`, found a rule or expectation",
            )
            .at(o.span, "not an option of nest")
            .help("for example `level = 0.6`"));
        };
        if key.node != "level" {
            return Err(unknown_option(key, &["level"], "nest"));
        }
        duplicate_option(&mut seen, key)?;
        expect_op(op, &[CmpOp::Eq], "level", "level = 0.5")?;
        level = ranged(single(values, key)?, "nest", "level")?;
    }
    Ok(NestPlan {
        fsqca: f.name.clone(),
        nca: n.name.clone(),
        level,
        span,
    })
}

/// `theory? EXPR for ANALYSIS` → its plan: an fsqca analysis declared before, the theory
/// over its conditions (a name outside them is an error with did-you-mean).
pub fn theory_plan(
    scope: &Scope,
    theory: &SetExpr,
    of: &Ident,
    span: Span,
) -> Result<TheoryPlan, Diag> {
    let plan = fsqca_named(
        scope,
        of,
        "for an nca analysis use `robustness of NAME { vary outliers in [1] }` or `outliers = k`",
    )?
    .clone();
    Ok(TheoryPlan {
        analysis: plan.name.clone(),
        theory: dnf(theory, &plan.conditions)?,
        text: theory.to_text(),
        span,
    })
}

/// Known option keys of a `resample` block.
pub const RESAMPLE_OPTIONS: [&str; 4] = ["method", "share", "runs", "seed"];

/// `resample NAME { method = leave_one_out }` or `{ method = subsample  share = 0.8  runs =
/// 500  seed = 1 }` → its plan; NAME is an fsqca analysis declared before.
pub fn resample_plan(
    scope: &Scope,
    of: &Ident,
    options: &[Opt],
    span: Span,
) -> Result<ResamplePlan, Diag> {
    let plan = fsqca_named(
        scope,
        of,
        "a theory is evaluated against the solution of an fsqca analysis",
    )?
    .clone();
    let (mut method, mut share, mut runs, mut seed) = (None, None, None, None);
    let mut seen = Vec::new();
    for o in options {
        let OptKind::Set { key, op, values } = &o.kind else {
            return Err(Diag::error(codes::UNKNOWN_OPTION, "expected an option of `resample`, found a rule or expectation")
                .at(o.span, "not an option of resample")
                .help("for example `method = leave_one_out` or `method = subsample  share = 0.8  runs = 500  seed = 1`"));
        };
        if !RESAMPLE_OPTIONS.contains(&key.node.as_str()) {
            return Err(unknown_option(key, &RESAMPLE_OPTIONS, "resample"));
        }
        duplicate_option(&mut seen, key)?;
        expect_op(op, &[CmpOp::Eq], &key.node, "method = leave_one_out")?;
        let v = single(values, key)?;
        match key.node.as_str() {
            "method" => {
                match &v.kind {
                    ValueKind::Ident(m) if m == "leave_one_out" || m == "subsample" => {
                        method = Some((m.clone(), v.span))
                    }
                    _ => return Err(Diag::error(
                        codes::BAD_OPTION,
                        format!(
                            "expected `leave_one_out` or `subsample`, found {}",
                            v.kind.describe()
                        ),
                    )
                    .at(v.span, "unknown method")
                    .help(
                        "`leave_one_out` drops each case once; `subsample` draws random subsets",
                    )),
                }
            }
            "share" => {
                share = Some((ranged(v, "resample", "share")?, v.span));
            }
            "runs" => {
                runs = Some(ranged(v, "resample", "runs")? as usize);
            }
            _ => {
                seed = Some(ranged(v, "resample", "seed")? as u32);
            }
        }
    }
    let method = match method {
        None => return Err(Diag::error(
            codes::BAD_OPTION,
            "expected a `method` in `resample`, found none",
        )
        .at(span, "how should the cases be resampled?")
        .help(
            "`method = leave_one_out`, or `method = subsample  share = 0.8  runs = 500  seed = 1`",
        )),
        Some((m, _)) if m == "leave_one_out" => ResampleMethod::LeaveOneOut,
        Some((_, mspan)) => {
            let Some((share, sspan)) = share else {
                return Err(Diag::error(
                    codes::BAD_OPTION,
                    "expected `share` with `method = subsample`, found none",
                )
                .at(mspan, "how many cases to keep?")
                .help("for example `share = 0.8`"));
            };
            let n = scope.data.as_ref().map(|d| d.table.rows()).unwrap_or(0);
            let keep = (share * n as f64).round() as usize;
            if keep < 2 || keep >= n {
                return Err(Diag::error(
                    codes::TOO_FEW_CASES,
                    format!(
                        "expected a subsample of 2 to {} of the {n} cases, found {keep}",
                        n.saturating_sub(1)
                    ),
                )
                .at(sspan, "subsample size")
                .help("choose a share that keeps at least 2 cases and leaves at least one out"));
            }
            let seed = seed.ok_or_else(|| {
                Diag::error(
                    codes::BAD_OPTION,
                    "expected a `seed` with `method = subsample`, found none",
                )
                .at(span, "random subsamples need a seed to be reproduced")
                .help("add `seed = 1` (any whole number)")
            })?;
            ResampleMethod::Subsample {
                share,
                runs: runs.unwrap_or(500),
                seed,
            }
        }
    };
    Ok(ResamplePlan {
        of: plan,
        method,
        span,
    })
}

/// Known option keys of a `power` block.
pub const POWER_OPTIONS: [&str; 11] = [
    "n",
    "effect",
    "slope",
    "ceilings",
    "corner",
    "p",
    "replicates",
    "permutations",
    "seed",
    "distribution_x",
    "distribution_y",
];

/// A `power` block → its plan (defaults: R's `nca_power`'s, `PowerOptions::default`).
pub fn power_plan(name: &Ident, options: &[Opt], span: Span) -> Result<PowerPlan, Diag> {
    let mut p = crate::engine::nca::power::PowerOptions::default();
    let mut seed = None;
    let mut seen = Vec::new();
    for o in options {
        let OptKind::Set { key, op, values } = &o.kind else {
            return Err(Diag::error(
                codes::UNKNOWN_OPTION,
                "expected an option of `power`, found a rule or expectation",
            )
            .at(o.span, "not an option of power")
            .help("for example `effect = 0.2` or `n = [20, 50, 100]`"));
        };
        if !POWER_OPTIONS.contains(&key.node.as_str()) {
            return Err(unknown_option(key, &POWER_OPTIONS, "power"));
        }
        duplicate_option(&mut seen, key)?;
        expect_op(op, &[CmpOp::Eq], &key.node, "n = [20, 50, 100]")?;
        let items = flattened(values);
        let numbers = |what: &str| -> Result<Vec<f64>, Diag> {
            items.iter().map(|v| number_of(v, what)).collect()
        };
        let range_err = |v: &Value, what: &str, help: &str| {
            Diag::error(
                codes::BAD_OPTION,
                format!("expected {what}, found {}", v.kind.describe()),
            )
            .at(v.span, "out of range")
            .help(help.to_string())
        };
        match key.node.as_str() {
            "n" => {
                p.n = items
                    .iter()
                    .map(|v| ranged(v, "power", "n").map(|n| n as usize))
                    .collect::<Result<_, _>>()?;
            }
            "effect" => {
                p.effect = items
                    .iter()
                    .map(|v| ranged(v, "power", "effect"))
                    .collect::<Result<_, _>>()?;
            }
            "slope" => {
                p.slope = numbers("slopes")?;
                for (v, s) in items.iter().zip(&p.slope) {
                    if !s.is_finite() || *s == 0.0 {
                        return Err(range_err(
                            v,
                            "a rising or falling slope",
                            "positive for corners 1 and 4, negative for corners 2 and 3, e.g. `slope = 1`",
                        ));
                    }
                }
            }
            "ceilings" => {
                let mut out = Vec::new();
                for v in &items {
                    let c = match &v.kind {
                        ValueKind::Ident(s) => {
                            Ceiling::from_name(&s.replace('-', "_").to_lowercase())
                        }
                        _ => None,
                    };
                    match c {
                        Some(c) if !c.is_reference_only() => out.push(c),
                        _ => {
                            return Err(range_err(
                                v,
                                "a ceiling other than ols",
                                "for example `ceilings = [ce_fdh, cr_fdh]`",
                            ))
                        }
                    }
                }
                p.ceilings = out;
            }
            "distribution_x" | "distribution_y" => {
                let mut out = Vec::new();
                for v in &items {
                    match &v.kind {
                        ValueKind::Ident(s) if s == "uniform" => out.push(Distribution::Uniform),
                        ValueKind::Ident(s) if s == "normal" => out.push(Distribution::Normal),
                        _ => {
                            return Err(range_err(
                                v,
                                "`uniform` or `normal`",
                                "normal is R's truncated normal on [0, 1] with mean 0.5 and sd 0.2, e.g. `distribution_x = [uniform, normal]`",
                            ))
                        }
                    }
                }
                if key.node == "distribution_x" {
                    p.distribution_x = out;
                } else {
                    p.distribution_y = out;
                }
            }
            "corner" => {
                p.corner = ranged(single(values, key)?, "power", "corner")? as u8;
            }
            "p" => {
                p.p = ranged(single(values, key)?, "power", "p")?;
            }
            "replicates" | "permutations" => {
                let x = ranged(single(values, key)?, "power", &key.node)?;
                if key.node == "replicates" {
                    p.rep = x as usize;
                } else {
                    p.test_rep = x as usize;
                }
            }
            _ => {
                seed = Some(ranged(single(values, key)?, "power", "seed")? as u32);
            }
        }
    }
    let rising = p.corner == 1 || p.corner == 4;
    if p.slope.iter().any(|s| (*s > 0.0) != rising) {
        return Err(Diag::error(codes::BAD_OPTION, format!("expected {} slopes for corner {}, found {:?}", if rising { "positive" } else { "negative" }, p.corner, p.slope))
            .at(span, "the slope does not fit the corner")
            .help("corners 1 and 4 have rising ceilings (slope > 0), corners 2 and 3 falling ones (slope < 0)"));
    }
    p.seed = seed.ok_or_else(|| {
        Diag::error(
            codes::BAD_OPTION,
            format!("expected a `seed` in `power {}`, found none", name.node),
        )
        .at(span, "a simulation without a seed cannot be reproduced")
        .help("add `seed = 2025` (any whole number)")
    })?;
    Ok(PowerPlan {
        name: name.node.clone(),
        options: p,
        span,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r_habits_translate() {
        assert_eq!(r_translation("incl.cut"), Some("consistency"));
        assert_eq!(r_translation("n.cut"), Some("cases"));
        assert_eq!(r_translation("dir.exp"), Some("expect"));
        assert_eq!(r_translation("test.rep"), Some("permutations"));
        assert_eq!(r_translation("pri.cut"), Some("pri"));
        assert_eq!(r_translation("consistency"), None);
    }
}
