//! Stage 3, the checker: resolves the AST against what the session knows (data columns,
//! declared sets, analyses) into the plan of `plan.rs`, filling in every default.
//!
//! Guarantees: an option, method or name that the language does not know is a diagnostic
//! with a code, its span, what was expected and what was found, and one line of help (with a
//! "did you mean" and R's spelling translated); anchors are resolved (percentiles to raw values)
//! and checked for order before any membership is computed.

pub mod load;
pub mod plan;

use crate::diagnostics::{codes, suggestion, Diag};
use crate::engine::calibrate;
use crate::source::Span;
use crate::syntax::ast::*;
use plan::*;

/// R's names for toe's options, with toe's spelling.
pub const R_HABITS: [(&str, &str); 10] = [
    ("incl.cut", "consistency"),
    ("n.cut", "cases"),
    ("pri.cut", "pri"),
    ("dir.exp", "expect"),
    ("test.rep", "permutations"),
    ("ceilings", "ceilings"),
    ("ceiling", "ceilings"),
    ("bottleneck.y", "bottlenecks"),
    ("steps", "bottlenecks"),
    ("incl", "consistency"),
];

fn r_translation(key: &str) -> Option<&'static str> {
    R_HABITS
        .iter()
        .find(|(r, t)| *r == key && *r != *t)
        .map(|(_, t)| *t)
}

/// An unknown name among `candidates`.
pub fn unknown(
    code: &'static str,
    what: &str,
    name: &str,
    span: Span,
    candidates: &[&str],
) -> Diag {
    let article = if what.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    Diag::error(code, format!("expected {article} {what}, found `{name}`"))
        .at(span, format!("no {what} is called `{name}`"))
        .help(suggestion(name, candidates, what))
}

fn number_of(v: &Value, what: &str) -> Result<f64, Diag> {
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

fn anchor_of(v: &Value) -> Result<Anchor, Diag> {
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

fn required<'a>(v: Option<&'a Value>, param: &str, call: &Call) -> Result<&'a Value, Diag> {
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

fn example_call(name: &str) -> &'static str {
    match name {
        "direct" => "direct(e = p25, c = p50, i = p75)",
        "linear" => "linear(e = 10, c = 20, i = 40)",
        "bell" => "bell(e1 = 0, c1 = 2, i1 = 4, i2 = 6, c2 = 8, e2 = 10)",
        "crisp" => "crisp(at = 0.5)",
        "csv" => "csv(\"data/file.csv\", id = case)",
        "xlsx" => "xlsx(\"data/file.xlsx\", sheet = \"2021\", id = case)",
        _ => "name(arguments)",
    }
}

pub const METHODS: [&str; 5] = ["direct", "linear", "bell", "crisp", "fuzzy"];

/// A calibrate line → a rule per target.
pub fn calib_rules(item: &CalibItem) -> Result<Vec<CalibRule>, Diag> {
    let call = &item.method;
    let method = match call.name.node.as_str() {
        "direct" => {
            let a = bind_args(call, &["e", "c", "i", "idm", "logodds"], 5)?;
            let anchors = [
                anchor_of(required(a[0], "e", call)?)?,
                anchor_of(required(a[1], "c", call)?)?,
                anchor_of(required(a[2], "i", call)?)?,
            ];
            let idm = match (a[3], a[4]) {
                (Some(v), None) => {
                    let idm = number_of(v, "an inclusion degree between 0.5 and 1")?;
                    if !(idm > 0.5 && idm < 1.0) {
                        return Err(Diag::error(
                            codes::BAD_ARGUMENT,
                            format!("expected `idm` strictly between 0.5 and 1, found {idm}"),
                        )
                        .at(v.span, "out of range")
                        .help(
                            "idm is the membership reached at the outer anchors, 0.95 by default",
                        ));
                    }
                    idm
                }
                (None, Some(v)) => {
                    let lo = number_of(v, "a positive log-odds")?;
                    if !(lo > 0.0 && lo < 700.0) {
                        return Err(Diag::error(
                            codes::BAD_ARGUMENT,
                            format!("expected `logodds` above 0, found {lo}"),
                        )
                        .at(v.span, "out of range")
                        .help("the fs/QCA software's convention is `logodds = 3`"));
                    }
                    1.0 / (1.0 + (-lo).exp())
                }
                (Some(_), Some(v)) => {
                    return Err(Diag::error(
                        codes::BAD_ARGUMENT,
                        "expected `idm` or `logodds`, found both",
                    )
                    .at(v.span, "give only one")
                    .help("`logodds = 3` is the same as `idm = 0.9526`"))
                }
                (None, None) => calibrate::DEFAULT_IDM,
            };
            Method::Direct { anchors, idm }
        }
        "linear" => {
            let a = bind_args(call, &["e", "c", "i"], 3)?;
            Method::Linear {
                anchors: [
                    anchor_of(required(a[0], "e", call)?)?,
                    anchor_of(required(a[1], "c", call)?)?,
                    anchor_of(required(a[2], "i", call)?)?,
                ],
            }
        }
        "bell" => {
            let names = ["e1", "c1", "i1", "i2", "c2", "e2"];
            let a = bind_args(call, &names, 6)?;
            let mut anchors = [Anchor::Value(0.0); 6];
            for (k, n) in names.iter().enumerate() {
                anchors[k] = anchor_of(required(a[k], n, call)?)?;
            }
            Method::Bell { anchors }
        }
        "crisp" => {
            let a = bind_args(call, &["at"], 1)?;
            let v = required(a[0], "at", call)?;
            let at = match &v.kind {
                ValueKind::List(items) if !items.is_empty() => {
                    items.iter().map(anchor_of).collect::<Result<Vec<_>, _>>()?
                }
                ValueKind::List(_) => {
                    return Err(Diag::error(
                        codes::BAD_ARGUMENT,
                        "expected at least one threshold, found an empty list",
                    )
                    .at(v.span, "empty")
                    .help("for example `crisp(at = 0.5)` or `crisp(at = [3, 7])`"))
                }
                _ => vec![anchor_of(v)?],
            };
            Method::Crisp { at }
        }
        "fuzzy" => {
            if let Some(a) = call.args.first() {
                return Err(Diag::error(
                    codes::BAD_ARGUMENT,
                    "expected no arguments for `fuzzy`, found some",
                )
                .at(a.span, "not used")
                .help("`fuzzy` takes the column as a membership already in [0, 1]"));
            }
            Method::Fuzzy
        }
        other => {
            let help = match other {
                "calibrate" | "direct.calibration" => {
                    "toe writes `direct(e = …, c = …, i = …)`".to_string()
                }
                "percentile" | "percentiles" | "quantile" => {
                    "percentile anchors go inside `direct`: `direct(e = p25, c = p50, i = p75)`"
                        .to_string()
                }
                _ => suggestion(other, &METHODS, "calibration method"),
            };
            return Err(Diag::error(
                codes::UNKNOWN_METHOD,
                format!("expected a calibration method (direct, linear, bell, crisp, fuzzy), found `{other}`"),
            )
            .at(call.name.span, "unknown method")
            .help(help));
        }
    };
    Ok(item
        .targets
        .iter()
        .map(|t| CalibRule {
            target: match t {
                Target::Star(_) => None,
                Target::Name(n) => Some(n.node.clone()),
            },
            method: method.clone(),
            span: item.span,
        })
        .collect())
}

/// Resolves a rule's anchors on a set's raw values and computes the memberships.
/// `set_span` is where the set was declared (a note in errors raised by a `*` line).
pub fn calibrate_set(
    name: &str,
    raw: &[f64],
    rule: &CalibRule,
    set_span: Span,
) -> Result<(Resolved, Vec<f64>), Diag> {
    let has_values = raw.iter().any(|x| !x.is_nan());
    let resolve = |a: Anchor| -> Result<(f64, Option<f64>), Diag> {
        match a {
            Anchor::Value(v) => Ok((v, None)),
            Anchor::Percentile(p) => calibrate::quantile7(raw, p / 100.0)
                .map(|v| (v, Some(p)))
                .ok_or_else(|| {
                    Diag::error(
                        codes::ALL_MISSING,
                        format!("expected values to take percentiles of, found `{name}` missing in every case"),
                    )
                    .at(rule.span, "percentile anchors need data")
                    .note(set_span, "declared here")
                    .help("check the column and the `na` values of the data statement")
                })
        }
    };
    let anchors: Vec<(&'static str, f64, Option<f64>)> = rule
        .method
        .anchors()
        .into_iter()
        .map(|(n, a)| resolve(a).map(|(v, p)| (n, v, p)))
        .collect::<Result<_, _>>()?;
    let shown = || anchor_texts(&anchors).join(", ");
    let any_percentile = anchors.iter().any(|a| a.2.is_some());
    let anchor_error = |e: calibrate::AnchorError| -> Diag {
        let constant = has_values && {
            let mut it = raw.iter().filter(|x| !x.is_nan());
            let first = it.next().copied().unwrap_or(0.0);
            it.all(|x| *x == first)
        };
        if constant && any_percentile {
            return Diag::error(
                codes::CONSTANT_COLUMN,
                format!("expected a column that varies, found `{name}` constant, so its percentile anchors coincide ({})", shown()),
            )
            .at(rule.span, "percentile anchors of a constant column")
            .note(set_span, "declared here")
            .help("a set that does not vary cannot be calibrated by percentiles; give raw anchors or drop the condition");
        }
        match e {
            calibrate::AnchorError::Equal { a, b, value } => Diag::error(
                codes::EQUAL_ANCHORS,
                format!(
                    "expected distinct anchors for `{name}`, found {a} = {b} = {} ({})",
                    crate::report::num(value),
                    shown()
                ),
            )
            .at(rule.span, "two anchors are equal")
            .note(set_span, format!("`{name}` declared here"))
            .help(if any_percentile {
                "percentiles that land on the same value: choose anchors further apart or raw values"
            } else {
                "the crossover must differ from both outer anchors"
            }),
            calibrate::AnchorError::Order => Diag::error(
                codes::ANCHOR_ORDER,
                format!(
                    "expected the crossover between the outer anchors for `{name}`, found {}",
                    shown()
                ),
            )
            .at(rule.span, "anchors out of order")
            .note(set_span, format!("`{name}` declared here"))
            .help("write e < c < i for an increasing set, or e > c > i for a decreasing one"),
        }
    };
    let (membership, idm) = match &rule.method {
        Method::Direct { idm, .. } => {
            let (e, c, i) = (anchors[0].1, anchors[1].1, anchors[2].1);
            calibrate::check_anchors(e, c, i).map_err(anchor_error)?;
            (
                raw.iter()
                    .map(|x| calibrate::direct(*x, e, c, i, *idm))
                    .collect(),
                Some(*idm),
            )
        }
        Method::Linear { .. } => {
            let (e, c, i) = (anchors[0].1, anchors[1].1, anchors[2].1);
            calibrate::check_anchors(e, c, i).map_err(anchor_error)?;
            (
                raw.iter().map(|x| calibrate::linear(*x, e, c, i)).collect(),
                None,
            )
        }
        Method::Bell { .. } => {
            let a: Vec<f64> = anchors.iter().map(|a| a.1).collect();
            let increasing =
                a.windows(2)
                    .enumerate()
                    .all(|(k, w)| if k == 2 { w[0] <= w[1] } else { w[0] < w[1] });
            if !increasing {
                return Err(Diag::error(
                    codes::ANCHOR_ORDER,
                    format!("expected e1 < c1 < i1 <= i2 < c2 < e2 for `{name}`, found {}", shown()),
                )
                .at(rule.span, "anchors out of order")
                .note(set_span, format!("`{name}` declared here"))
                .help("a bell rises from e1 through c1 to i1, stays full to i2, and falls through c2 to e2"));
            }
            let arr = [a[0], a[1], a[2], a[3], a[4], a[5]];
            (raw.iter().map(|x| calibrate::bell(*x, arr)).collect(), None)
        }
        Method::Crisp { .. } => {
            let mut t: Vec<f64> = anchors.iter().map(|a| a.1).collect();
            t.sort_by(f64::total_cmp);
            if t.windows(2).any(|w| w[0] == w[1]) {
                return Err(Diag::error(
                    codes::EQUAL_ANCHORS,
                    format!(
                        "expected distinct thresholds for `{name}`, found {}",
                        shown()
                    ),
                )
                .at(rule.span, "two thresholds are equal")
                .note(set_span, format!("`{name}` declared here"))
                .help("each threshold opens a new level; remove the repeated one"));
            }
            (raw.iter().map(|x| calibrate::crisp(*x, &t)).collect(), None)
        }
        Method::Fuzzy => {
            if let Some((k, v)) = raw
                .iter()
                .enumerate()
                .find(|(_, v)| !v.is_nan() && !(0.0..=1.0).contains(*v))
            {
                return Err(Diag::error(
                    codes::OUT_OF_RANGE,
                    format!(
                        "expected memberships in [0, 1] for `{name}`, found {} in row {}",
                        crate::report::num(*v),
                        k + 1
                    ),
                )
                .at(rule.span, "`fuzzy` takes the column as it is")
                .note(set_span, format!("`{name}` declared here"))
                .help(
                    "calibrate the raw values instead, e.g. `direct(e = p25, c = p50, i = p75)`",
                ));
            }
            (raw.to_vec(), None)
        }
    };
    Ok((
        Resolved {
            method: rule.method.name(),
            anchors,
            idm,
            rule_span: rule.span,
        },
        membership,
    ))
}

/// Known option keys of each analysis, for "did you mean".
pub const NCA_OPTIONS: [&str; 8] = [
    "ceilings",
    "permutations",
    "seed",
    "bottlenecks",
    "on",
    "corner",
    "scope",
    "qr_tau",
];
pub const FSQCA_OPTIONS: [&str; 6] = [
    "cases",
    "consistency",
    "pri",
    "contradictions",
    "cluster",
    "unit",
];

fn unknown_option(key: &Ident, known: &[&str], block: &str) -> Diag {
    if let Some(t) = r_translation(&key.node) {
        let example = match t {
            "consistency" => "consistency >= 0.8",
            "cases" => "cases >= 1",
            "pri" => "pri >= 0.7",
            "expect" => "expect A, ~B",
            "permutations" => "permutations = 10000",
            "bottlenecks" => "bottlenecks = steps(10)",
            _ => t,
        };
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
            codes::R_ASSIGN,
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

fn fraction(v: &Value, key: &str) -> Result<f64, Diag> {
    let x = number_of(v, "a number between 0 and 1")?;
    if !(0.0..=1.0).contains(&x) {
        return Err(Diag::error(
            codes::BAD_OPTION,
            format!("expected `{key}` between 0 and 1, found {x}"),
        )
        .at(v.span, "out of range")
        .help(format!("{key} is a proportion, e.g. 0.8")));
    }
    Ok(x)
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
pub fn check_analysis_names(a: &Analysis, sets: &[&str]) -> Result<(), Diag> {
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
                codes::OUTCOME_AS_CONDITION,
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
pub fn nca_plan(a: &Analysis, span: Span) -> Result<NcaPlan, Diag> {
    let mut p = NcaPlan {
        name: a.name.node.clone(),
        outcome: a.outcome.node.clone(),
        conditions: a.conditions.iter().map(|c| c.node.clone()).collect(),
        ceilings: vec!["ce_fdh".into(), "cr_fdh".into()],
        permutations: 0,
        seed: None,
        d_min: 0.1,
        p_max: 0.05,
        bottleneck_levels: Levels::Steps(10),
        bottleneck_type: "percentage".into(),
        calibrated: true,
        corner: 1,
        scope: None,
        qr_tau: 0.95,
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
                            p.d_min = c.value.node;
                        }
                        "p" => {
                            expect_op(&c.op, &[CmpOp::Le], "p", "p <= 0.05")?;
                            if !(0.0..=1.0).contains(&c.value.node) {
                                return Err(Diag::error(
                                    codes::BAD_OPTION,
                                    format!("expected p between 0 and 1, found {}", c.value.node),
                                )
                                .at(c.value.span, "out of range")
                                .help("p is a probability, e.g. 0.05"));
                            }
                            p.p_max = c.value.node;
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
                            if !out.contains(&normal) {
                                out.push(normal);
                            }
                        }
                        p.ceilings = out;
                    }
                    "permutations" => {
                        let v = single(values, key)?;
                        let n = number_of(v, "a whole number of permutations")?;
                        if n < 0.0 || n.fract() != 0.0 || n > 1e8 {
                            return Err(Diag::error(codes::BAD_OPTION, format!("expected a whole number of permutations from 0 to 100000000, found {n}"))
                                .at(v.span, "not a count")
                                .help("10000 permutations give p-values to about ±0.005"));
                        }
                        p.permutations = n as usize;
                    }
                    "seed" => {
                        let v = single(values, key)?;
                        let n = number_of(v, "a whole-number seed")?;
                        if n.fract() != 0.0 || n.abs() > 2147483647.0 {
                            return Err(Diag::error(
                                codes::BAD_OPTION,
                                format!(
                                    "expected a whole-number seed within ±2147483647, found {n}"
                                ),
                            )
                            .at(v.span, "not a valid seed")
                            .help("R's set.seed takes a 32-bit integer"));
                        }
                        p.seed = Some((n as i64) as i32 as u32);
                    }
                    "bottlenecks" => {
                        for v in values {
                            match &v.kind {
                                ValueKind::Call(c) if c.name.node == "steps" => {
                                    let n = match c.args.as_slice() {
                                        [a] if a.name.is_none() => number_of(&a.value, "a number of steps")?,
                                        _ => {
                                            return Err(Diag::error(codes::BAD_OPTION, "expected `steps(n)` with one number, found something else")
                                                .at(c.span, "steps takes one number")
                                                .help("`steps(10)` gives outcome levels 0, 10, …, 100 %"))
                                        }
                                    };
                                    if n < 1.0 || n.fract() != 0.0 || n > 1000.0 {
                                        return Err(Diag::error(codes::BAD_OPTION, format!("expected a whole number of steps from 1 to 1000, found {n}"))
                                            .at(c.span, "bad step count")
                                            .help("`steps(10)` gives outcome levels 0, 10, …, 100 %"));
                                    }
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
                                    p.bottleneck_type = t.clone();
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
                        let n = number_of(v, "a corner from 1 to 4")?;
                        if ![1.0, 2.0, 3.0, 4.0].contains(&n) {
                            return Err(Diag::error(
                                codes::BAD_OPTION,
                                format!("expected a corner from 1 to 4, found {n}"),
                            )
                            .at(v.span, "no such corner")
                            .help("corner 1 is the upper left (the usual necessity ceiling)"));
                        }
                        p.corner = n as u8;
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
                        let t = number_of(v, "a quantile between 0 and 1")?;
                        if !(t > 0.0 && t < 1.0) {
                            return Err(Diag::error(
                                codes::BAD_OPTION,
                                format!("expected `qr_tau` strictly between 0 and 1, found {t}"),
                            )
                            .at(v.span, "out of range")
                            .help("the quantile of the QR ceiling, e.g. 0.95"));
                        }
                        p.qr_tau = t;
                    }
                    _ => {}
                }
            }
        }
    }
    Ok(p)
}

/// An `fsqca` block → its plan.
pub fn fsqca_plan(a: &Analysis, span: Span) -> Result<FsqcaPlan, Diag> {
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
        cluster: None,
        unit: None,
        span,
    };
    let mut seen = Vec::new();
    for o in &a.options {
        match &o.kind {
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
                                "0"
                            } else {
                                "1"
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
                            "-"
                        }
                        _ => "-",
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
                    "cases" => {
                        let n = number_of(v, "a number of cases")?;
                        if !(0.0..=1e9).contains(&n) {
                            return Err(Diag::error(
                                codes::BAD_OPTION,
                                format!("expected a frequency threshold of at least 0, found {n}"),
                            )
                            .at(v.span, "out of range")
                            .help("`cases >= 1` keeps every observed row"));
                        }
                        p.cases = n;
                    }
                    "consistency" => p.consistency = fraction(v, "consistency")?,
                    "pri" => p.pri = fraction(v, "pri")?,
                    _ => p.contradictions = Some(fraction(v, "contradictions")?),
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
