//! Stage 3, calibration: a `calibrate` line becomes a rule per target (presets expanded), and a
//! rule's anchors are resolved on a set's raw values (percentiles by R's type 7) and checked.
//!
//! Guarantees: anchors out of order, equal anchors (percentiles that coincide on a constant
//! column included) and `fuzzy` values outside [0, 1] are diagnostics before any membership
//! is computed; a `calibrate` block that fails changes nothing.

use super::args::{anchor_of, bind_args, required};
use super::names::unknown;
use super::plan::*;
use super::scope::Scope;
use crate::diagnostics::{codes, number, suggestion, Diag};
use crate::engine::calibrate::{self, Calibration};
use crate::source::Span;
use crate::syntax::ast::*;

pub const METHODS: [&str; 5] = ["direct", "linear", "bell", "crisp", "fuzzy"];

/// One rule per target of a calibrate line.
fn rules_of(item: &CalibItem, method: &Method, nudge: Option<f64>) -> Vec<CalibRule> {
    item.targets
        .iter()
        .map(|t| CalibRule {
            target: match t {
                Target::Star(_) => None,
                Target::Name(n) => Some(n.node.clone()),
            },
            method: method.clone(),
            nudge,
            span: item.span,
        })
        .collect()
}

/// Takes `nudge = d` (an argument of every method but `crisp`, presets included) out of a
/// calibration call: the call without it, and the nudge.
fn take_nudge(call: &Call) -> Result<(Call, Option<f64>), Diag> {
    let mut nudge = None;
    let mut rest = call.clone();
    if let Some(k) = rest
        .args
        .iter()
        .position(|a| a.name.as_ref().is_some_and(|n| n.node == "nudge"))
    {
        let a = rest.args.remove(k);
        if rest.name.node == "crisp" {
            return Err(Diag::error(
                codes::BAD_ARGUMENT,
                "expected `nudge` with a fuzzy calibration, found it with `crisp`",
            )
            .at(a.span, "not a nudge")
            .help("crisp sets have no membership of 0.5 to nudge"));
        }
        let d = super::ranges::ranged_argument(&a.value, "calibration", "nudge")?;
        nudge = Some(d);
    }
    Ok((rest, nudge))
}

/// A calibrate line → a rule per target.
pub fn calib_rules(item: &CalibItem) -> Result<Vec<CalibRule>, Diag> {
    let (rest, nudge) = take_nudge(&item.method)?;
    let call = &rest;
    let method = match call.name.node.as_str() {
        "direct" => {
            let a = bind_args(call, &["e", "c", "i", "idm", "logodds"], 5)?;
            let anchors = [
                anchor_of(required(a[0], "e", call)?)?,
                anchor_of(required(a[1], "c", call)?)?,
                anchor_of(required(a[2], "i", call)?)?,
            ];
            let idm = match (a[3], a[4]) {
                (Some(v), None) => super::ranges::ranged_argument(v, "direct", "idm")?,
                (None, Some(v)) => {
                    let lo = super::ranges::ranged_argument(v, "direct", "logodds")?;
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
                codes::UNKNOWN_CALIBRATION,
                format!("expected a calibration method (direct, linear, bell, crisp, fuzzy), found `{other}`"),
            )
            .at(call.name.span, "unknown method")
            .help(help));
        }
    };
    Ok(rules_of(item, &method, nudge))
}

/// Resolves a rule's anchors on a set's raw values and checks them (order, distinct values,
/// memberships in [0, 1] for `fuzzy`). `set_span` is where the set was declared (a note in
/// errors raised by a `*` line).
pub fn resolve(
    name: &str,
    raw: &[f64],
    rule: &CalibRule,
    set_span: Span,
) -> Result<Resolved, Diag> {
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
                    number(value),
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
    let (calibration, idm) = match &rule.method {
        Method::Direct { idm, .. } => {
            let (e, c, i) = (anchors[0].1, anchors[1].1, anchors[2].1);
            calibrate::check_anchors(e, c, i).map_err(anchor_error)?;
            (Calibration::Direct { e, c, i, idm: *idm }, Some(*idm))
        }
        Method::Linear { .. } => {
            let (e, c, i) = (anchors[0].1, anchors[1].1, anchors[2].1);
            calibrate::check_anchors(e, c, i).map_err(anchor_error)?;
            (Calibration::Linear { e, c, i }, None)
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
            (Calibration::Bell(arr), None)
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
            (Calibration::Crisp(t), None)
        }
        Method::Fuzzy => {
            if let Some((k, v)) = raw
                .iter()
                .enumerate()
                .find(|(_, v)| !v.is_nan() && !(0.0..=1.0).contains(*v))
            {
                return Err(Diag::error(
                    codes::FUZZY_OUT_OF_RANGE,
                    format!(
                        "expected memberships in [0, 1] for `{name}`, found {} in row {}",
                        number(*v),
                        k + 1
                    ),
                )
                .at(rule.span, "`fuzzy` takes the column as it is")
                .note(set_span, format!("`{name}` declared here"))
                .help(
                    "calibrate the raw values instead, e.g. `direct(e = p25, c = p50, i = p75)`",
                ));
            }
            (Calibration::Fuzzy, None)
        }
    };
    Ok(Resolved {
        method: rule.method.name(),
        anchors,
        idm,
        nudge: rule.nudge,
        rule_span: rule.span,
        calibration,
    })
}

/// `e = 400`, or `e = 58.12 (p10)` for a percentile anchor, for each anchor.
pub fn anchor_texts(anchors: &[(&'static str, f64, Option<f64>)]) -> Vec<String> {
    anchors
        .iter()
        .map(|(n, v, p)| match p {
            Some(p) => format!("{n} = {} (p{})", number(*v), number(*p)),
            None => format!("{n} = {}", number(*v)),
        })
        .collect()
}

/// `calibration NAME = method(…)`: a named method for later `calibrate` lines.
pub fn preset(name: &Ident, call: &Call) -> Result<Method, Diag> {
    if METHODS.contains(&name.node.as_str()) {
        return Err(Diag::error(
            codes::DUPLICATE_SET,
            format!(
                "expected a new calibration name, found the method `{}`",
                name.node
            ),
        )
        .at(name.span, "a built-in method")
        .help("name the preset differently, e.g. `my_direct`"));
    }
    // Check the method now, so that a bad preset fails where it is written.
    let probe = CalibItem {
        targets: vec![Target::Star(name.span)],
        method: call.clone(),
        bare: false,
        span: call.span,
    };
    Ok(calib_rules(&probe)?
        .into_iter()
        .next()
        .map(|r| r.method)
        .unwrap_or(Method::Fuzzy))
}

/// The rules after a `calibrate` block, and every declared set's calibration under them (by
/// position in the scope's sets).
pub type Calibrated = (Vec<CalibRule>, Vec<(usize, Resolved)>);

/// A `calibrate` block: the rules after it, and every declared set's calibration under them.
pub fn calibrate_block(scope: &Scope, items: &[CalibItem]) -> Result<Calibrated, Diag> {
    let mut new_rules = Vec::new();
    let names = scope.set_names();
    for it in items {
        for t in &it.targets {
            if let Target::Name(n) = t {
                if !names.contains(&n.node.as_str()) {
                    let mut d = unknown(codes::UNKNOWN_SET, "set", &n.node, n.span, &names);
                    if scope.has_column(&n.node) {
                        d = d.help(format!("`{}` is a column; calibrate the set declared on it (`NAME = {}` in conditions)", n.node, n.node));
                    }
                    return Err(d);
                }
            }
        }
        let (bare, nudge) = take_nudge(&it.method)?;
        let rules = match scope.presets.get(&it.method.name.node) {
            Some(method) if bare.args.is_empty() => rules_of(it, method, nudge),
            Some(_) => {
                return Err(Diag::error(
                    codes::BAD_ARGUMENT,
                    format!(
                        "expected `{}` without arguments, found some",
                        it.method.name.node
                    ),
                )
                .at(it.method.span, "a preset takes no arguments")
                .help(format!(
                    "write `{}` alone, or the method in full to change its anchors",
                    it.method.name.node
                )))
            }
            None => calib_rules(it)?,
        };
        new_rules.extend(rules);
    }
    for (k, r) in new_rules.iter().enumerate() {
        if let Some(prev) = new_rules[..k].iter().find(|p| p.target == r.target) {
            let what = r
                .target
                .clone()
                .map(|t| format!("`{t}`"))
                .unwrap_or("`*`".into());
            return Err(Diag::error(
                codes::DUPLICATE_SET,
                format!("expected one calibration per set, found {what} twice"),
            )
            .at(r.span, "calibrated again")
            .note(prev.span, "first here")
            .help("keep one line per set"));
        }
    }
    let mut rules = scope.rules.clone();
    rules.retain(|o| !new_rules.iter().any(|n| n.target == o.target));
    rules.extend(new_rules);
    let mut resolved = Vec::new();
    for (k, s) in scope.sets.iter().enumerate() {
        if let Some(rule) = rule_for(&rules, &s.name) {
            resolved.push((k, resolve(&s.name, &s.raw, rule, s.span)?));
        }
    }
    Ok((rules, resolved))
}

/// The rule that calibrates a set: its own line, else the last `*` line.
pub fn rule_for<'a>(rules: &'a [CalibRule], name: &str) -> Option<&'a CalibRule> {
    rules
        .iter()
        .rev()
        .find(|r| r.target.as_deref() == Some(name))
        .or_else(|| rules.iter().rev().find(|r| r.target.is_none()))
}
