//! Stage 3, `robustness of NAME { … }`: the `vary` lines (and sweeps) checked against the
//! analysis they vary — for an fsqca analysis the dimensions of the sweep and every variant,
//! for an nca analysis Dul's baseline and one variant per value.
//!
//! Guarantees: every value is checked for its setting before anything runs; a line that
//! changes several settings at once (`vary a, b in [[…, …], …]`) has one value per setting in
//! each of its lists, and its settings change together in every variant; the variants come in
//! a fixed order (the order of the lines and their values).

use super::calibration::rule_for;
use super::names::unknown;
use super::plan::*;
use super::scope::Scope;
use crate::diagnostics::{codes, Diag};
use crate::engine::nca::Ceiling;
use crate::source::Span;
use crate::syntax::ast::*;

/// A `vary` line as one line per setting: a line of several keys (`vary consistency, cases
/// in [[0.75, 2], [0.88, 1]]`) becomes one line per key holding the key's item of each list;
/// shifts (`anchors`) are amounts in such a line whatever its `in`/`by`.
pub fn linked(v: &Vary) -> Result<Vec<Vary>, Diag> {
    if v.also.is_empty() {
        return Ok(vec![v.clone()]);
    }
    let keys: Vec<(Ident, Option<Target>)> = std::iter::once((v.key.clone(), v.of.clone()))
        .chain(v.also.iter().cloned())
        .collect();
    let names: Vec<String> = keys
        .iter()
        .map(|(k, of)| match of {
            Some(Target::Name(n)) => format!("{} of {}", k.node, n.node),
            Some(Target::Star(_)) => format!("{} of *", k.node),
            None => k.node.clone(),
        })
        .collect();
    let mut columns: Vec<Vec<Value>> = vec![Vec::new(); keys.len()];
    for value in &v.values {
        match &value.kind {
            ValueKind::List(items) if items.len() == keys.len() => {
                for (c, item) in columns.iter_mut().zip(items) {
                    c.push(item.clone());
                }
            }
            other => {
                return Err(Diag::error(
                    codes::BAD_OPTION,
                    format!(
                        "expected a list of {} values (one for each of {}), found {}",
                        keys.len(),
                        names.join(", "),
                        match other {
                            ValueKind::List(items) => format!("a list of {}", items.len()),
                            other => other.describe(),
                        }
                    ),
                )
                .at(value.span, "not one value per setting")
                .help(format!(
                    "each variant lists its settings in the line's order, e.g. `vary {} in [[…], …]`",
                    names.join(", ")
                )));
            }
        }
    }
    if v.values.is_empty() {
        return Err(Diag::error(
            codes::BAD_OPTION,
            "expected at least one variant to run, found an empty list",
        )
        .at(v.span, "empty")
        .help("for example `vary consistency, cases in [[0.75, 2]]`"));
    }
    Ok(keys
        .into_iter()
        .zip(columns)
        .map(|((key, of), values)| Vary {
            by: key.node == "anchors",
            key,
            of,
            also: Vec::new(),
            values,
            points: v.points,
            span: v.span,
        })
        .collect())
}

/// The NCA robustness table's variants: each value of each `vary` line changes one setting
/// of the baseline (the analysis' deciding ceiling, scope, rule and target, no outliers).
fn nca_robustness(p: &NcaPlan, varies: &[Vary], span: Span) -> Result<NcaRobustnessPlan, Diag> {
    let baseline = NcaSetting {
        ceiling: p.verdict_ceiling().unwrap_or(Ceiling::CeFdh),
        scope: p.scope,
        d_min: p.d_min,
        p_max: p.p_max,
        outliers: 0,
        target: p
            .targets
            .first()
            .map_or(NcaTarget::Percentile(75.0), |(t, _)| *t),
    };
    if p.permutations == 0 {
        return Err(Diag::error(
            codes::BAD_OPTION,
            format!(
                "expected a permutation test in `{}` for its robustness table, found none",
                p.name
            ),
        )
        .at(span, "the verdicts need p-values")
        .help("add `permutations = 10000` and a `seed` to the nca block"));
    }
    let mut variants = Vec::new();
    for vary in varies {
        let parts = linked(vary)?;
        for i in 0..parts[0].values.len() {
            let mut s = baseline.clone();
            let mut labels = Vec::new();
            for part in &parts {
                let before = s.clone();
                let label = nca_setting(p, part, &part.values[i], &mut s)?;
                // in a line of several settings, name those that change the baseline's
                if parts.len() == 1 || s != before {
                    labels.push(label);
                }
            }
            // a value equal to the baseline's adds no variant (e.g. the analysis' own ceiling)
            if s != baseline {
                variants.push((labels.join(", "), s));
            }
        }
    }
    if variants.is_empty() {
        return Err(Diag::error(
            codes::BAD_OPTION,
            "expected at least one `vary` line, found none",
        )
        .at(span, "nothing to vary")
        .help("for example `vary ceiling in [cr_fdh]`, or the preset `nca_standard`"));
    }
    Ok(NcaRobustnessPlan {
        of: p.clone(),
        baseline,
        variants,
        span,
    })
}

/// One value of one `vary` setting applied to an NCA setting; its label ("ceiling cr_fdh").
fn nca_setting(p: &NcaPlan, vary: &Vary, v: &Value, s: &mut NcaSetting) -> Result<String, Diag> {
    let key = vary.key.node.as_str();
    let bad = |v: &Value, what: &str, example: &str| {
        Diag::error(
            codes::BAD_OPTION,
            format!("expected {what}, found {}", v.kind.describe()),
        )
        .at(v.span, "not a setting of this line")
        .help(example.to_string())
    };
    Ok(match (key, &v.kind) {
        ("ceiling", ValueKind::Ident(name)) => {
            let c = Ceiling::from_name(&name.replace('-', "_").to_lowercase())
                .filter(|c| !c.is_reference_only())
                .ok_or_else(|| bad(v, "a ceiling other than ols", "for example `vary ceiling in [cr_fdh]`"))?;
            s.ceiling = c;
            format!("ceiling {}", c.name())
        }
        ("scope", ValueKind::Ident(w)) if w == "empirical" => {
            s.scope = None;
            "scope empirical".to_string()
        }
        ("scope", ValueKind::List(items)) => {
            let nums: Vec<f64> = items
                .iter()
                .filter_map(|i| match i.kind {
                    ValueKind::Number(n) => Some(n),
                    _ => None,
                })
                .collect();
            if nums.len() != 4 || nums[0] >= nums[1] || nums[2] >= nums[3] {
                return Err(bad(v, "a scope [xmin, xmax, ymin, ymax]", "for example `vary scope in [[0, 120, 0, 250]]`"));
            }
            s.scope = Some([nums[0], nums[1], nums[2], nums[3]]);
            format!("scope [{}, {}, {}, {}]", nums[0], nums[1], nums[2], nums[3])
        }
        ("d", ValueKind::Number(n)) if (0.0..=1.0).contains(n) => {
            s.d_min = *n;
            format!("d >= {n}")
        }
        ("p", ValueKind::Number(n)) if (0.0..=1.0).contains(n) => {
            s.p_max = *n;
            format!("p <= {n}")
        }
        ("outliers", ValueKind::Number(n)) if (1.0..=10.0).contains(n) && n.fract() == 0.0 => {
            s.outliers = *n as usize;
            format!("outliers {n} removed")
        }
        ("target", ValueKind::Percentile(q)) if (0.0..=100.0).contains(q) => {
            s.target = NcaTarget::Percentile(*q);
            format!("target p{q}")
        }
        ("target", ValueKind::Number(n)) if n.is_finite() => {
            s.target = NcaTarget::Value(*n);
            format!("target {n}")
        }
        ("ceiling" | "scope" | "d" | "p" | "outliers" | "target", _) => {
            return Err(bad(v, &format!("a value for `vary {key}`"), "ceilings by name, scopes as [xmin, xmax, ymin, ymax] or `empirical`, d and p as numbers, outliers as 1 to 10, targets as p90 or a value"));
        }
        _ => {
            return Err(Diag::error(codes::BAD_OPTION, format!("expected `vary ceiling|scope|d|p|outliers|target in [...]` for the nca analysis `{}`, found `vary {key}`", p.name))
                .at(vary.span, "not a setting of an NCA robustness table")
                .help("for example `vary ceiling in [cr_fdh]` or `vary outliers in [1]`"))
        }
    })
}

/// `[present, absent, either]` (or R's 1, 0, "-") → the codes of [`Dim::Expect`].
fn expectation_codes(v: &Vary) -> Result<Vec<f64>, Diag> {
    let mut out = Vec::new();
    for x in &v.values {
        let code = match &x.kind {
            ValueKind::Ident(w) if w == "present" => Some(1.0),
            ValueKind::Ident(w) if w == "absent" => Some(0.0),
            ValueKind::Ident(w) if w == "either" => Some(0.5),
            ValueKind::Number(n) if *n == 1.0 || *n == 0.0 => Some(*n),
            ValueKind::Str(t) if t == "1" || t == "0" => Some(if t == "1" { 1.0 } else { 0.0 }),
            ValueKind::Str(t) if t == "-" => Some(0.5),
            _ => None,
        };
        match code {
            Some(c) => out.push(c),
            None => {
                return Err(Diag::error(
                    codes::BAD_OPTION,
                    format!("expected `present`, `absent` or `either`, found {}", x.kind.describe()),
                )
                .at(x.span, "not an expectation")
                .help("for example `vary expect of POL in [present, either]` (R's dir.exp 1, 0, \"-\" work too)"))
            }
        }
    }
    if out.is_empty() {
        return Err(Diag::error(
            codes::BAD_OPTION,
            "expected at least one expectation to vary over, found an empty list",
        )
        .at(v.span, "empty")
        .help("for example `vary expect of POL in [present, either]`"));
    }
    Ok(out)
}

fn numbers(v: &Vary) -> Result<Vec<f64>, Diag> {
    let mut out = Vec::new();
    for x in &v.values {
        match x.kind {
            ValueKind::Number(n) => out.push(n),
            _ => {
                return Err(Diag::error(
                    codes::BAD_OPTION,
                    format!("expected numbers to vary over, found {}", x.kind.describe()),
                )
                .at(x.span, "not a number")
                .help("for example `vary consistency in [0.75, 0.80, 0.85]`"))
            }
        }
    }
    if out.is_empty() {
        return Err(Diag::error(
            codes::BAD_OPTION,
            "expected at least one value to vary over, found an empty list",
        )
        .at(v.span, "empty")
        .help("for example `vary cases in [1, 2]`"));
    }
    Ok(out)
}

/// `robustness of NAME { vary … | SWEEP }`: for an fsqca analysis its dimensions and
/// every combination; for an nca analysis the baseline and one variant per value.
pub fn robustness(
    scope: &Scope,
    of: &Ident,
    items: &[RobustItem],
    span: Span,
) -> Result<Step, Diag> {
    let mut varies = Vec::new();
    let mut separately = false;
    for it in items {
        match it {
            RobustItem::Vary(v) => varies.push(v.clone()),
            RobustItem::Sweep(n)
                if n.node == "separately" && !scope.sweeps.contains_key("separately") =>
            {
                separately = true
            }
            RobustItem::Sweep(n) => match scope.sweeps.get(&n.node) {
                Some(vs) => varies.extend(vs.iter().cloned()),
                None => {
                    let names: Vec<&str> = scope.sweeps.keys().map(|s| s.as_str()).collect();
                    return Err(unknown(
                        codes::UNKNOWN_SET,
                        "sweep",
                        &n.node,
                        n.span,
                        &names,
                    ));
                }
            },
        }
    }
    let plan = match scope.analysis_named(&of.node, of.span)? {
        AnalysisPlan::Fsqca(p) => p.clone(),
        AnalysisPlan::Nca(p) => {
            return Ok(Step::NcaRobustness(Box::new(nca_robustness(
                p, &varies, span,
            )?)))
        }
    };
    // Each `vary` line is one group: its settings change together (one value per key).
    let mut dims: Vec<Dim> = Vec::new();
    let mut groups: Vec<usize> = Vec::new();
    for (g, line) in varies.iter().enumerate() {
        for v in linked(line)? {
            dims.push(fsqca_dim(scope, &plan, &v)?);
            groups.push(g);
        }
    }
    if dims.is_empty() {
        return Err(Diag::error(
            codes::BAD_OPTION,
            "expected at least one `vary` line, found none",
        )
        .at(span, "nothing to vary")
        .help("for example `vary consistency in [0.75, 0.80, 0.85]`"));
    }
    // Every combination of the lines' values, in a fixed order (the last line fastest); or,
    // `separately`, one value of one line at a time with every other setting the analysis'.
    // Every combination needs each setting on one line (else a later line overrides it).
    for (k, d) in dims.iter().enumerate() {
        let label = d.label();
        if let Some(j) = dims[..k].iter().position(|e| e.label() == label) {
            if !separately || groups[j] == groups[k] {
                let line = &varies[groups[k]];
                return Err(Diag::error(
                    codes::BAD_OPTION,
                    format!("expected `{label}` on one `vary` line, found it twice"),
                )
                .at(line.span, "varied again")
                .note(varies[groups[j]].span, "first varied here")
                .help(if separately {
                    "name each setting once in a line"
                } else {
                    "every combination is run: give all the values of a setting on one line, or add `separately` for test sets that each change their own settings"
                }));
            }
        }
    }
    let members: Vec<Vec<usize>> = (0..varies.len())
        .map(|g| (0..dims.len()).filter(|k| groups[*k] == g).collect())
        .collect();
    let counts: Vec<usize> = members
        .iter()
        .map(|m| m.first().map_or(1, |k| dims[*k].values().len()))
        .collect();
    let total = counts.iter().try_fold(1usize, |t, c| t.checked_mul(*c));
    if !separately && total.is_none_or(|t| t > 10_000) {
        return Err(Diag::error(
            codes::BAD_OPTION,
            format!(
                "expected at most 10000 variants, found {}",
                total.map_or("more than 2^64".to_string(), |t| t.to_string())
            ),
        )
        .at(span, "too many combinations")
        .help("vary fewer settings, or fewer values of each; `separately` changes one at a time"));
    }
    let with = |c: &[f64], g: usize, t: usize| {
        let mut c = c.to_vec();
        for k in &members[g] {
            c[*k] = dims[*k].values()[t];
        }
        c
    };
    let mut combos: Vec<Vec<f64>> = Vec::new();
    if separately {
        let base: Vec<f64> = dims.iter().map(|d| d.baseline(&plan)).collect();
        for (g, n) in counts.iter().enumerate() {
            combos.extend((0..*n).map(|t| with(&base, g, t)));
        }
    } else {
        combos.push(vec![f64::NAN; dims.len()]);
        for (g, n) in counts.iter().enumerate() {
            let mut next = Vec::with_capacity(combos.len() * n);
            for c in &combos {
                next.extend((0..*n).map(|t| with(c, g, t)));
            }
            combos = next;
        }
    }
    Ok(Step::Robustness(Box::new(RobustnessPlan {
        of: plan,
        dims,
        groups,
        combos,
        separately,
        span,
    })))
}

/// One setting of a `vary` line as a dimension of an fsqca sweep.
fn fsqca_dim(scope: &Scope, plan: &FsqcaPlan, v: &Vary) -> Result<Dim, Diag> {
    Ok(match (v.key.node.as_str(), v.by) {
        ("consistency", false) => Dim::Consistency(numbers(v)?),
        ("cases", false) => Dim::Cases(numbers(v)?),
        ("pri", false) => Dim::Pri(numbers(v)?),
        ("contradictions", false) => Dim::Contradictions(numbers(v)?),
        ("anchors", true) => {
            // `percentile points` moves percentile anchors; without it the amounts are
            // the column's units and move value anchors (one set: units differ).
            let shift = if v.points {
                Shift::PercentilePoints
            } else {
                Shift::Units
            };
            if shift == Shift::Units && !matches!(v.of, Some(Target::Name(_))) {
                return Err(Diag::error(codes::BAD_OPTION, "expected one set for shifts in units, found `*`")
                    .at(v.span, "units differ between sets")
                    .help("name the set (`vary anchors of ECO by [-1, 1]`), or shift percentiles: `by [-5, 5] percentile points`"));
            }
            let mut sets: Vec<String> = Vec::new();
            let names: Vec<String> = match &v.of {
                Some(Target::Name(n)) => vec![n.node.clone()],
                _ => plan.conditions.iter().chain(std::iter::once(&plan.outcome)).cloned().collect(),
            };
            let kind = if shift == Shift::Units { "value" } else { "percentile" };
            for n in names {
                if !plan.conditions.contains(&n) && plan.outcome != n {
                    let span = match &v.of {
                        Some(t) => t.span(),
                        None => v.span,
                    };
                    return Err(Diag::error(codes::UNKNOWN_SET, format!("expected a set of `{}`, found `{n}`", plan.name))
                        .at(span, "not in this analysis")
                        .help("vary the anchors of the analysis' conditions or outcome, or `*`"));
                }
                if rule_for(&scope.rules, &n).is_some_and(|r| r.method.moves_with(shift)) {
                    sets.push(n);
                } else if matches!(v.of, Some(Target::Name(_))) {
                    return Err(Diag::error(codes::BAD_OPTION, format!("expected {kind} anchors for `{n}`, found none"))
                        .at(v.span, "nothing to shift")
                        .help(if shift == Shift::Units {
                            "amounts without `percentile points` move raw-value anchors such as `e = 400`; add `percentile points` for p25-style anchors"
                        } else {
                            "percentile points move anchors such as p25; write the amounts without `percentile points` to move raw-value anchors"
                        }));
                }
            }
            if sets.is_empty() {
                return Err(Diag::error(codes::BAD_OPTION, "expected sets calibrated with percentile anchors, found none")
                    .at(v.span, "nothing to shift")
                    .help("percentile points shift anchors such as p25; raw anchors stay where they are"));
            }
            let target = match &v.of {
                Some(Target::Name(n)) => n.node.clone(),
                _ => "*".to_string(),
            };
            Dim::Anchors(sets, numbers(v)?, target, shift)
        }
        ("expect", false) => {
            if plan.expect.is_none() {
                return Err(Diag::error(codes::BAD_OPTION, format!("expected `{}` to have directional expectations, found none", plan.name))
                    .at(v.span, "no intermediate solution to vary")
                    .help("add `expect …` to the fsqca block; the sweep then varies it"));
            }
            let sets: Vec<String> = match &v.of {
                Some(Target::Name(n)) => {
                    if !plan.conditions.contains(&n.node) {
                        return Err(Diag::error(codes::UNKNOWN_SET, format!("expected a condition of `{}`, found `{}`", plan.name, n.node))
                            .at(n.span, "not a condition of this analysis")
                            .help("expectations belong to conditions; name one, or `*` for all of them"));
                    }
                    vec![n.node.clone()]
                }
                _ => plan.conditions.clone(),
            };
            let target = match &v.of {
                Some(Target::Name(n)) => n.node.clone(),
                _ => "*".to_string(),
            };
            Dim::Expect(sets, expectation_codes(v)?, target)
        }
        ("calibration", false) => {
            let Some(Target::Name(n)) = &v.of else {
                return Err(Diag::error(codes::BAD_OPTION, "expected `vary calibration of SET in [...]`, found no set")
                    .at(v.span, "which set?")
                    .help("for example `vary calibration of GDP in [direct(e = 2500, c = 12000, i = 25000)]`"));
            };
            if !plan.conditions.contains(&n.node) && plan.outcome != n.node {
                return Err(Diag::error(codes::UNKNOWN_SET, format!("expected a set of `{}`, found `{}`", plan.name, n.node))
                    .at(n.span, "not in this analysis")
                    .help("recalibrate a condition or the outcome of the analysis"));
            }
            let mut rules = Vec::new();
            let mut labels = Vec::new();
            for value in &v.values {
                let ValueKind::Call(call) = &value.kind else {
                    return Err(Diag::error(codes::BAD_OPTION, format!("expected a calibration such as `direct(e = …, c = …, i = …)`, found {}", value.kind.describe()))
                        .at(value.span, "not a calibration")
                        .help("each value is a calibration of the set, as in a `calibrate` block"));
                };
                let item = CalibItem {
                    targets: vec![Target::Name(n.clone())],
                    method: call.clone(),
                    bare: false,
                    span: value.span,
                };
                let rule = super::calibration::calib_rules(&item)?
                    .into_iter()
                    .next()
                    .ok_or_else(|| Diag::error(codes::BAD_OPTION, "expected a calibration, found none").at(value.span, "empty").help("write `direct(e = …, c = …, i = …)`"))?;
                let set = scope.calibrated_set(&n.node, n.span)?;
                super::calibration::resolve(&n.node, &set.raw, &rule, set.span)?;
                let anchors: Vec<String> = rule
                    .method
                    .anchors()
                    .iter()
                    .map(|(k, a)| match a {
                        Anchor::Value(x) => format!("{k} = {}", crate::diagnostics::number(*x)),
                        Anchor::Percentile(p) => format!("{k} = p{}", crate::diagnostics::number(*p)),
                    })
                    .collect();
                labels.push(format!("{}({})", rule.method.name(), anchors.join(", ")));
                rules.push(rule);
            }
            // the analysis' own calibration written again is the analysis' setting (NaN)
            let own = rule_for(&scope.rules, &n.node).map(|r| &r.method);
            let idx: Vec<f64> = rules
                .iter()
                .enumerate()
                .map(|(k, r)| if Some(&r.method) == own { f64::NAN } else { k as f64 })
                .collect();
            Dim::Calibration(n.node.clone(), rules, labels, idx)
        }
        (k, _) => {
            return Err(Diag::error(
                codes::BAD_OPTION,
                format!("expected `vary consistency|cases|pri|contradictions in [...]`, `vary expect of SET in [present, absent, either]` or `vary anchors of SET by [...] [percentile points]`, found `vary {k}`"),
            )
            .at(v.span, "not a robustness dimension")
            .help("for example `vary anchors of * by [-5, 0, 5] percentile points`"))
        }
    })
}
