//! Stage 4, `show`: prints data, calibrations, the plan and analysis tables.
//!
//! Guarantees: a `show` never changes the session; an unknown topic or analysis is a
//! diagnostic with the list of possible ones.

use super::Session;
use crate::check::plan::AnalysisPlan;
use crate::diagnostics::{codes, suggestion, Diag};
use crate::report::{fixed3, num, Align, TextTable};
use crate::syntax::ast::Ident;

/// Topics of `show` that take no analysis.
pub const TOPICS: [&str; 4] = ["data", "calibration", "plan", "index"];
/// Topics of `show … of ANALYSIS`.
pub const ANALYSIS_TOPICS: [&str; 7] = [
    "nca",
    "bottlenecks",
    "necessity",
    "truth_table",
    "solutions",
    "configurations",
    "cases",
];

impl Session {
    pub(super) fn run_show(
        &mut self,
        what: &Ident,
        of: Option<&Ident>,
        extra: Option<&Ident>,
    ) -> Result<String, Diag> {
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
            if self.check_only {
                return Ok(String::new());
            }
            return match topic {
                "data" => self.show_data(what),
                "calibration" => Ok(self.show_calibration()),
                "plan" => Ok(self.show_plan()),
                _ => self.show_index(what, of),
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
            let plan = self.analysis_named(name)?.clone();
            let nca_topic = topic == "nca" || topic == "bottlenecks";
            if nca_topic != matches!(plan, AnalysisPlan::Nca(_)) {
                return Err(Diag::error(
                    codes::UNKNOWN_SHOW,
                    format!("expected {} analysis for `show {topic}`, found the {} analysis `{}`", if nca_topic { "an nca" } else { "an fsqca" }, plan.kind(), name.node),
                )
                .at(name.span, "wrong kind of analysis")
                .help(if nca_topic { "nca analyses show `nca` and `bottlenecks`" } else { "fsqca analyses show necessity, truth_table, solutions, configurations and cases" }));
            }
            if let Some(x) = extra {
                let ok = topic == "solutions"
                    && ["complex", "parsimonious", "intermediate", "conservative"]
                        .contains(&x.node.as_str());
                if !ok {
                    return Err(Diag::error(codes::UNKNOWN_SHOW, format!("expected nothing after the analysis, found `{}`", x.node))
                        .at(x.span, "not expected here")
                        .help("only `show solutions of X complex|parsimonious|intermediate` takes a last word"));
                }
            }
            if self.check_only {
                return Ok(String::new());
            }
            if let Some(run) = self.fsqca_runs.get(&name.node) {
                let f = run;
                return match topic {
                    "necessity" => Ok(super::fsqca::necessity_text(f)),
                    "truth_table" => Ok(super::fsqca::truth_table_text(f)),
                    "solutions" => Ok(super::fsqca::solutions_text(
                        f,
                        extra.map(|x| x.node.as_str()),
                    )),
                    "cases" => Ok(super::fsqca::cases_text(f)),
                    _ => Ok(super::fsqca::configurations_text(
                        f,
                        &self.necessary_for(&f.plan.outcome, f.plan.negated),
                        self.unicode,
                    )),
                };
            }
            if let Some(run) = self.nca_runs.get(&name.node) {
                return Ok(match topic {
                    "nca" => super::analyses::nca_details(run),
                    _ => super::analyses::bottleneck_text(run),
                });
            }
            return Err(Diag::error(codes::NOT_AVAILABLE, format!("expected results of `{}`, found none: this build checks {} analyses without running them", name.node, plan.kind()))
                .at(what.span, "no results to show")
                .help("`show plan` prints the analysis' resolved settings"));
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

    /// Conditions found necessary by an NCA of this outcome (first ceiling, with a test).
    pub(super) fn necessary_for(&self, outcome: &str, negated: bool) -> Vec<String> {
        if negated {
            return Vec::new();
        }
        let mut out: Vec<String> = Vec::new();
        for run in self.nca_runs.values().filter(|r| r.plan.outcome == outcome) {
            for cond in run.necessary_conditions() {
                if !out.iter().any(|c| c == cond) {
                    out.push(cond.to_string());
                }
            }
        }
        out
    }

    fn show_index(&self, what: &Ident, name: Option<&Ident>) -> Result<String, Diag> {
        let names: Vec<&str> = self.indices.keys().map(|s| s.as_str()).collect();
        let Some(name) = name else {
            return Err(Diag::error(
                codes::UNKNOWN_SHOW,
                "expected `show index NAME`, found no index name",
            )
            .at(what.span, "which index?")
            .help(crate::diagnostics::suggestion("", &names, "index")));
        };
        let Some(ix) = self.indices.get(&name.node) else {
            return Err(crate::check::unknown(
                codes::UNKNOWN_SET,
                "index",
                &name.node,
                name.span,
                &names,
            ));
        };
        let mut headers = vec!["indicator".to_string(), "direction".to_string()];
        headers.extend(ix.weights.iter().map(|(g, _)| {
            g.as_ref()
                .map(|g| format!("weight {g}"))
                .unwrap_or_else(|| "weight".into())
        }));
        let mut align = vec![Align::Left, Align::Left];
        align.extend(std::iter::repeat_n(Align::Right, ix.weights.len()));
        let mut t = TextTable::new(headers, align);
        for (k, (col, neg)) in ix.indicators.iter().enumerate() {
            let mut row = vec![
                col.clone(),
                if *neg {
                    "negative".into()
                } else {
                    "positive".into()
                },
            ];
            row.extend(ix.weights.iter().map(|(_, w)| format!("{:.4}", w[k])));
            t.rows.push(row);
        }
        let by = ix
            .by
            .as_ref()
            .map(|b| format!(" by {b}"))
            .unwrap_or_default();
        Ok(format!(
            "index {} = {}(…){by}\n{}\n",
            name.node,
            ix.function,
            t.render("  ")
        ))
    }

    fn show_data(&self, what: &Ident) -> Result<String, Diag> {
        let Some(data) = &self.data else {
            return Err(Diag::error(
                codes::NO_DATA,
                "expected a `data` statement first, found none",
            )
            .at(what.span, "nothing to show")
            .help("load data with `data NAME = csv(\"file.csv\", id = case)`"));
        };
        let mut headers = vec!["case".to_string()];
        let mut align = vec![Align::Left];
        let cols: Vec<usize> = if self.sets.is_empty() {
            (0..data.table.columns.len()).collect()
        } else {
            self.sets.iter().map(|s| s.column_index).collect()
        };
        for (k, &j) in cols.iter().enumerate() {
            headers.push(match self.sets.get(k) {
                Some(s) if !self.sets.is_empty() => format!("{} ({})", s.name, s.column),
                _ => data.table.columns[j].clone(),
            });
            align.push(Align::Right);
        }
        let mut t = TextTable::new(headers, align);
        for (i, id) in data.table.ids.iter().enumerate() {
            let mut row = vec![id.clone()];
            for &j in &cols {
                let v = data.table.values[[i, j]];
                row.push(if data.table.text[j].as_ref().is_some_and(|_| v.is_nan()) {
                    "?".into()
                } else {
                    num(v)
                });
            }
            t.rows.push(row);
        }
        Ok(format!(
            "data {} = {} ({} cases, {} columns)\n{}\n",
            data.name,
            data.path,
            data.table.rows(),
            data.table.columns.len(),
            t.render("  ")
        ))
    }

    fn show_calibration(&self) -> String {
        let mut out = String::from("calibration\n");
        let mut t = TextTable::new(
            vec![
                "set".into(),
                "role".into(),
                "column".into(),
                "method".into(),
                "anchors".into(),
            ],
            vec![Align::Left; 5],
        );
        for s in &self.sets {
            let (method, anchors) = match &s.calibration {
                None => ("none".to_string(), String::new()),
                Some(c) => {
                    let mut a: Vec<String> = crate::check::plan::anchor_texts(&c.anchors);
                    if let Some(idm) = c.idm {
                        if idm != crate::engine::calibrate::DEFAULT_IDM {
                            a.push(format!("idm = {}", num(idm)));
                        }
                    }
                    (c.method.to_string(), a.join(", "))
                }
            };
            t.rows.push(vec![
                s.name.clone(),
                s.role.as_str().into(),
                s.column.clone(),
                method,
                anchors,
            ]);
        }
        out.push_str(&t.render("  "));
        if let Some(data) = &self.data {
            let calibrated: Vec<&crate::check::plan::SetInfo> = self
                .sets
                .iter()
                .filter(|s| s.membership.is_some())
                .collect();
            if !calibrated.is_empty() {
                let mut headers = vec!["case".to_string()];
                let mut align = vec![Align::Left];
                for s in &calibrated {
                    headers.push(format!("{} raw", s.name));
                    headers.push(s.name.clone());
                    align.push(Align::Right);
                    align.push(Align::Right);
                }
                let mut m = TextTable::new(headers, align);
                for (i, id) in data.table.ids.iter().enumerate() {
                    let mut row = vec![id.clone()];
                    for s in &calibrated {
                        row.push(num(s.raw[i]));
                        row.push(
                            s.membership
                                .as_ref()
                                .map(|v| fixed3(v[i]))
                                .unwrap_or_default(),
                        );
                    }
                    m.rows.push(row);
                }
                out.push('\n');
                out.push_str(&m.render("  "));
            }
        }
        out.push('\n');
        out
    }

    fn show_plan(&self) -> String {
        let mut out = String::from("plan\n");
        if let Some((t, _)) = &self.study {
            out.push_str(&format!("  study \"{t}\"\n"));
        }
        match &self.data {
            Some(d) => out.push_str(&format!(
                "  data {} = {} ({} cases; ids {})\n",
                d.name,
                d.path,
                d.table.rows(),
                if d.table.ids.first().map(|s| s == "1").unwrap_or(false) {
                    "numbered"
                } else {
                    "from the id column"
                }
            )),
            None => out.push_str("  data (none)\n"),
        }
        if let Some((f, _)) = &self.framework {
            let dims = self.frameworks.get(f).cloned().unwrap_or_default();
            out.push_str(&format!("  framework {f}: {}\n", dims.join(", ")));
        }
        for s in &self.sets {
            let cal = match &s.calibration {
                None => "not calibrated".to_string(),
                Some(c) => {
                    let a: Vec<String> = crate::check::plan::anchor_texts(&c.anchors);
                    let idm = c
                        .idm
                        .map(|i| format!(", idm = {}", num(i)))
                        .unwrap_or_default();
                    format!("{}({}{idm})", c.method, a.join(", "))
                }
            };
            out.push_str(&format!(
                "  {} {} = {}{}{}: {}\n",
                s.role.as_str(),
                s.name,
                s.column,
                s.dimension
                    .as_ref()
                    .map(|d| format!(" [{d}]"))
                    .unwrap_or_default(),
                s.label
                    .as_ref()
                    .map(|l| format!(" \"{l}\""))
                    .unwrap_or_default(),
                cal
            ));
        }
        for a in &self.analyses {
            let d = match a {
                AnalysisPlan::Nca(p) => p.describe(),
                AnalysisPlan::Fsqca(p) => p.describe(),
            };
            for line in d.lines() {
                out.push_str("  ");
                out.push_str(line);
                out.push('\n');
            }
        }
        out.push('\n');
        out
    }
}
