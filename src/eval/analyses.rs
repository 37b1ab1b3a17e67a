//! Stage 4, running analyses: a checked `nca` or `fsqca` plan is recorded in the session and
//! handed to the engine; its results are kept for `show` and the JSON document.
//!
//! Guarantees: an analysis is recorded only when its plan checked; in `toe check` nothing runs;
//! each NCA condition uses its own complete cases and says how many it dropped; a permutation
//! test without a seed draws a fresh one and reports it.

use super::{json_num, opt_num, JsonValue, Session};
use crate::check::plan::{AnalysisPlan, Levels, NcaPlan};
use crate::diagnostics::{codes, Diag};
use crate::engine::nca::{self, bottleneck, Ceiling, NcaOptions, NcaResult};
use crate::report::{fixed3, num, Align, TextTable};
use serde_json::{json, Map};

/// The results of one `nca` analysis.
#[derive(Debug, Clone)]
pub struct NcaRun {
    pub plan: NcaPlan,
    /// Per condition: its name, the result (or why there is none), cases dropped as missing.
    pub conditions: Vec<(String, Result<NcaResult, String>, usize)>,
    /// One table per ceiling that has bottlenecks (all but OLS).
    pub bottlenecks: Vec<bottleneck::BottleneckTable>,
    /// The seed used by the permutation test (given or fresh).
    pub seed: Option<u32>,
}

impl Session {
    pub(super) fn run_analysis(&mut self, plan: AnalysisPlan) -> Result<String, Diag> {
        self.analyses.push(plan.clone());
        if self.check_only {
            if let AnalysisPlan::Nca(p) = &plan {
                if p.permutations > 0 && p.seed.is_none() {
                    self.warn(
                        Diag::warning(codes::NO_SEED, format!("expected a `seed` with permutations, found none in `{}`", p.name))
                            .at(p.span, "the p-values cannot be reproduced")
                            .help("add `seed = 2021` (any whole number) so that reruns give the same p-values"),
                    );
                }
            }
            return Ok(String::new());
        }
        match plan {
            AnalysisPlan::Nca(p) => {
                let run = self.run_nca(&p)?;
                let out = nca_summary(&run);
                self.results.insert(p.name.clone(), nca_json(&run));
                self.nca_runs.insert(p.name.clone(), run);
                Ok(out)
            }
            AnalysisPlan::Fsqca(p) => {
                let run = self.run_fsqca(&p)?;
                let out = super::fsqca::fsqca_summary(&run);
                self.results
                    .insert(p.name.clone(), super::fsqca::fsqca_json(&run));
                self.fsqca_runs.insert(p.name.clone(), run);
                Ok(out)
            }
        }
    }

    fn values_of(&self, name: &str, calibrated: bool) -> Vec<f64> {
        match self.set(name) {
            Some(s) if calibrated => s.membership.clone().unwrap_or_default(),
            Some(s) => s.raw.clone(),
            None => Vec::new(),
        }
    }

    fn run_nca(&mut self, p: &NcaPlan) -> Result<NcaRun, Diag> {
        let ceilings: Vec<Ceiling> = p
            .ceilings
            .iter()
            .filter_map(|c| Ceiling::from_name(c))
            .collect();
        let seed = if p.permutations > 0 {
            Some(match p.seed {
                Some(s) => s,
                None => {
                    let fresh = fresh_seed();
                    self.warn(
                        Diag::warning(codes::NO_SEED, format!("expected a `seed` with permutations, found none in `{}`: used seed = {fresh}", p.name))
                            .at(p.span, "the p-values cannot be reproduced")
                            .help(format!("add `seed = {fresh}` to reproduce this run, or any whole number of your choice")),
                    );
                    fresh
                }
            })
        } else {
            None
        };
        let opts = NcaOptions {
            ceilings,
            corner: p.corner,
            scope: p.scope,
            qr_tau: p.qr_tau,
            permutations: p.permutations,
            seed,
            ..NcaOptions::default()
        };
        let y = self.values_of(&p.outcome, p.calibrated);
        let mut conditions = Vec::new();
        let bar = (self.progress && p.permutations > 0).then(|| {
            let b = indicatif::ProgressBar::new(p.conditions.len() as u64);
            b.set_style(
                indicatif::ProgressStyle::with_template(
                    "{msg} [{bar:30}] {pos}/{len} conditions, {elapsed}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            b.set_message(format!("nca {}: {} permutations", p.name, p.permutations));
            b
        });
        for c in &p.conditions {
            if let Some(b) = &bar {
                b.inc(0);
            }
            let x = self.values_of(c, p.calibrated);
            let complete = x
                .iter()
                .zip(&y)
                .filter(|(a, b)| !a.is_nan() && !b.is_nan())
                .count();
            let dropped = x.len() - complete;
            let r = nca::analyse(&x, &y, &opts).map_err(|e| e.to_string());
            if let Ok(res) = &r {
                if res.ceilings.iter().any(|c| !c.effect_defined) {
                    self.warn(
                        Diag::warning(codes::UNDEFINED, format!("expected `{c}` to vary, found its effect size undefined in `{}`", p.name))
                            .at(p.span, "constant condition or outcome, or a single case")
                            .help("a set without variation has no ceiling zone; drop it or check the data"),
                    );
                }
            }
            if let Err(e) = &r {
                self.warn(
                    Diag::warning(
                        codes::UNDEFINED,
                        format!(
                            "expected results for `{c}` in `{}`, found none: {e}",
                            p.name
                        ),
                    )
                    .at(p.span, "no result for this condition")
                    .help("check that the condition and the outcome have complete cases"),
                );
            }
            conditions.push((c.clone(), r, dropped));
            if let Some(b) = &bar {
                b.inc(1);
            }
        }
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        let spec = bottleneck::BottleneckSpec {
            x: unit(&p.bottleneck_type),
            y: unit(&p.bottleneck_type),
            steps: match &p.bottleneck_levels {
                Levels::Steps(n) => bottleneck::Steps::Count(*n),
                Levels::List(v) => bottleneck::Steps::Levels(v.clone()),
            },
            cutoff: 0,
        };
        let ok: Vec<&NcaResult> = conditions
            .iter()
            .filter_map(|(_, r, _)| r.as_ref().ok())
            .collect();
        let mut bottlenecks = Vec::new();
        if !ok.is_empty() {
            for c in &opts.ceilings {
                if c.is_reference_only() {
                    continue;
                }
                if let Ok(t) = bottleneck::bottleneck_table(&ok, c, &y, &spec) {
                    bottlenecks.push(t);
                }
            }
        }
        Ok(NcaRun {
            plan: p.clone(),
            conditions,
            bottlenecks,
            seed,
        })
    }
}

fn unit(t: &str) -> bottleneck::BottleneckUnit {
    match t {
        "actual" => bottleneck::BottleneckUnit::Actual,
        "percentile" => bottleneck::BottleneckUnit::Percentile,
        _ => bottleneck::BottleneckUnit::PercentageRange,
    }
}

/// A seed for a run that was given none: from the clock, reported to the user.
fn fresh_seed() -> u32 {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    (t % 2_147_483_647) as u32
}

/// A p-value as printed: 3 decimals, "<0.001" below that.
fn p_text(p: f64) -> String {
    if p < 0.001 {
        "<0.001".into()
    } else {
        fixed3(p)
    }
}

/// The first ceiling that is not OLS decides the verdict.
fn verdict_ceiling(run: &NcaRun) -> Option<String> {
    run.plan
        .ceilings
        .iter()
        .find(|c| c.as_str() != "ols")
        .cloned()
}

impl NcaRun {
    /// The verdict of the analysis' rule for one ceiling's result: `None` unless this is the
    /// deciding ceiling and a permutation test gave p (the rule needs both d and p).
    pub fn verdict(&self, c: &nca::CeilingResult) -> Option<bool> {
        let deciding = verdict_ceiling(self).is_some_and(|f| f == c.ceiling.name());
        (deciding && c.p_value.is_some())
            .then(|| nca::is_necessary(c.effect_size, c.p_value, self.plan.d_min, self.plan.p_max))
    }

    /// The conditions this analysis found necessary.
    pub fn necessary_conditions(&self) -> Vec<&str> {
        self.conditions
            .iter()
            .filter(|(_, r, _)| {
                r.as_ref()
                    .is_ok_and(|r| r.ceilings.iter().any(|c| self.verdict(c) == Some(true)))
            })
            .map(|(c, _, _)| c.as_str())
            .collect()
    }
}

/// The NCA results as OUTPUT.md writes them.
pub fn nca_json(run: &NcaRun) -> JsonValue {
    let p = &run.plan;
    let mut results = Vec::new();
    for (cond, r, dropped) in &run.conditions {
        let Ok(r) = r else {
            results.push(json!({ "condition": cond, "error": r.as_ref().err() }));
            continue;
        };
        for c in &r.ceilings {
            let name = c.ceiling.name();
            let necessary = run
                .verdict(c)
                .map(JsonValue::Bool)
                .unwrap_or(JsonValue::Null);
            let mut m = Map::new();
            m.insert("condition".into(), cond.clone().into());
            m.insert("ceiling".into(), name.into());
            m.insert("n".into(), r.n.into());
            m.insert("dropped_cases".into(), (*dropped).into());
            m.insert("effect_size".into(), json_num(c.effect_size));
            m.insert(
                "effect_label".into(),
                nca::effect_label(c.effect_size).as_str().into(),
            );
            m.insert("ceiling_zone".into(), json_num(c.ceiling_zone));
            m.insert("scope".into(), json_num(r.scope));
            m.insert("accuracy".into(), json_num(c.accuracy));
            m.insert("fit".into(), json_num(c.fit));
            m.insert("slope".into(), opt_num(c.slope));
            m.insert("intercept".into(), opt_num(c.intercept));
            m.insert("condition_inefficiency".into(), json_num(c.condition_ineff));
            m.insert("outcome_inefficiency".into(), json_num(c.outcome_ineff));
            m.insert("above".into(), json_num(c.above));
            m.insert("p_value".into(), opt_num(c.p_value));
            m.insert("p_accuracy".into(), opt_num(c.p_accuracy));
            m.insert("xmin".into(), json_num(r.xmin));
            m.insert("xmax".into(), json_num(r.xmax));
            m.insert("ymin".into(), json_num(r.ymin));
            m.insert("ymax".into(), json_num(r.ymax));
            m.insert("necessary".into(), necessary);
            results.push(JsonValue::Object(m));
        }
    }
    let bottlenecks: Vec<JsonValue> = run
        .bottlenecks
        .iter()
        .map(|t| {
            let rows: Vec<JsonValue> = t
                .levels
                .display
                .iter()
                .enumerate()
                .map(|(k, level)| {
                    let mut values = Map::new();
                    for ((cond, _, _), col) in run
                        .conditions
                        .iter()
                        .filter(|c| c.1.is_ok())
                        .zip(&t.columns)
                    {
                        let v = match col.cells.get(k) {
                            Some(bottleneck::Cell::Value(v)) => json_num(*v),
                            Some(bottleneck::Cell::NN) => "NN".into(),
                            _ => "NA".into(),
                        };
                        values.insert(cond.clone(), v);
                    }
                    json!({ "outcome": json_num(*level), "values": values })
                })
                .collect();
            json!({ "ceiling": t.ceiling.name(), "type": p.bottleneck_type, "rows": rows })
        })
        .collect();
    json!({
        "name": p.name,
        "kind": "nca",
        "outcome": p.outcome,
        "conditions": p.conditions,
        "on": if p.calibrated { "calibrated" } else { "raw" },
        "permutations": p.permutations,
        "seed": run.seed,
        "rule": { "d_min": p.d_min, "p_max": p.p_max },
        "results": results,
        "bottlenecks": bottlenecks,
    })
}

/// The summary `toe run` prints: one row per condition, the verdict ceiling's numbers.
pub fn nca_summary(run: &NcaRun) -> String {
    let p = &run.plan;
    let first = verdict_ceiling(run).unwrap_or_default();
    let mut out = format!(
        "nca {}: {} needs {}  (ceiling {first}; necessary when d >= {} and p <= {})\n",
        p.name,
        p.outcome,
        p.conditions.join(", "),
        num(p.d_min),
        num(p.p_max)
    );
    let mut t = TextTable::new(
        vec![
            "condition".into(),
            "n".into(),
            "d".into(),
            "size".into(),
            "p".into(),
            "necessary".into(),
        ],
        vec![
            Align::Left,
            Align::Right,
            Align::Right,
            Align::Left,
            Align::Right,
            Align::Left,
        ],
    );
    for (cond, r, _) in &run.conditions {
        match r {
            Ok(r) => {
                let c = r.ceilings.iter().find(|c| c.ceiling.name() == first);
                let (d, p_value) = c
                    .map(|c| (c.effect_size, c.p_value))
                    .unwrap_or((f64::NAN, None));
                let verdict = match c.and_then(|c| run.verdict(c)) {
                    Some(true) => "yes",
                    Some(false) => "no",
                    None => "untested",
                };
                t.rows.push(vec![
                    cond.clone(),
                    r.n.to_string(),
                    fixed3(d),
                    nca::effect_label(d).as_str().to_string(),
                    p_value.map(p_text).unwrap_or_else(|| "-".into()),
                    verdict.to_string(),
                ]);
            }
            Err(e) => t.rows.push(vec![
                cond.clone(),
                "0".into(),
                "NA".into(),
                e.clone(),
                "-".into(),
                "no".into(),
            ]),
        }
    }
    out.push_str(&t.render("  "));
    match run.seed {
        Some(s) => out.push_str(&format!("  permutation test: {} permutations, seed {s}\n", p.permutations)),
        None => out.push_str("  no permutation test: the verdict needs p (add `permutations = 10000` and a `seed`)\n"),
    }
    out.push('\n');
    out
}

/// `show nca of X`: every ceiling's statistics for every condition.
pub fn nca_details(run: &NcaRun) -> String {
    let p = &run.plan;
    let mut out = format!(
        "nca {}: {} needs {} (on {})\n",
        p.name,
        p.outcome,
        p.conditions.join(", "),
        if p.calibrated { "calibrated" } else { "raw" }
    );
    for (cond, r, dropped) in &run.conditions {
        match r {
            Err(e) => out.push_str(&format!("\n  {cond}: no result ({e})\n")),
            Ok(r) => {
                out.push_str(&format!(
                    "\n  {cond}  n = {}{}  scope = {}  x [{}, {}]  y [{}, {}]\n",
                    r.n,
                    if *dropped > 0 {
                        format!(" ({dropped} dropped: missing)")
                    } else {
                        String::new()
                    },
                    fixed3(r.scope),
                    num(r.xmin),
                    num(r.xmax),
                    num(r.ymin),
                    num(r.ymax)
                ));
                let mut t = TextTable::new(
                    [
                        "ceiling",
                        "d",
                        "zone",
                        "accuracy",
                        "fit",
                        "slope",
                        "intercept",
                        "cond. ineff.",
                        "outc. ineff.",
                        "p",
                    ]
                    .iter()
                    .map(|s| s.to_string())
                    .collect(),
                    std::iter::once(Align::Left)
                        .chain(std::iter::repeat_n(Align::Right, 9))
                        .collect(),
                );
                for c in &r.ceilings {
                    t.rows.push(vec![
                        c.ceiling.name().to_string(),
                        fixed3(c.effect_size),
                        fixed3(c.ceiling_zone),
                        format!("{:.1}%", c.accuracy),
                        if c.fit.is_nan() {
                            "NA".into()
                        } else {
                            format!("{:.1}%", c.fit)
                        },
                        c.slope.map(fixed3).unwrap_or_else(|| "NA".into()),
                        c.intercept.map(fixed3).unwrap_or_else(|| "NA".into()),
                        format!("{:.1}%", c.condition_ineff),
                        format!("{:.1}%", c.outcome_ineff),
                        c.p_value.map(p_text).unwrap_or_else(|| "-".into()),
                    ]);
                }
                out.push_str(&t.render("    "));
            }
        }
    }
    out.push('\n');
    out
}

/// `show bottlenecks of X`: one table per ceiling, the cells as the reference prints them.
pub fn bottleneck_text(run: &NcaRun) -> String {
    let p = &run.plan;
    let mut out = String::new();
    let names: Vec<&String> = run
        .conditions
        .iter()
        .filter(|c| c.1.is_ok())
        .map(|c| &c.0)
        .collect();
    for t in &run.bottlenecks {
        out.push_str(&format!(
            "bottlenecks of {} ({}, {}): {} needed for {}\n",
            p.name,
            t.ceiling.name(),
            p.bottleneck_type,
            if p.bottleneck_type == "actual" {
                "condition level"
            } else {
                "condition %"
            },
            p.outcome
        ));
        let mut headers = vec![p.outcome.clone()];
        headers.extend(names.iter().map(|s| s.to_string()));
        let mut table = TextTable::new(headers, vec![Align::Right; names.len() + 1]);
        for (k, level) in t.levels.display.iter().enumerate() {
            let mut row = vec![num(*level)];
            for col in &t.columns {
                row.push(col.display.get(k).cloned().unwrap_or_default());
            }
            table.rows.push(row);
        }
        out.push_str(&table.render("  "));
        out.push_str("  NN = not necessary, NA = not available (beyond the observed range)\n\n");
    }
    out
}
