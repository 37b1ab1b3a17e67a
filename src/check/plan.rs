//! Stage 3, the checked plan: every statement resolved (names, columns, percentile anchors,
//! defaults filled in) and printable by `show plan`.
//!
//! Guarantees: a plan value holds no AST and no pest types; spans remain only so that later
//! failures can still point at the script.

use crate::source::Span;

/// An anchor as written: a value or a percentile of the column.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Anchor {
    Value(f64),
    Percentile(f64),
}

/// A calibration method with unresolved anchors (a line of a `calibrate` block).
#[derive(Debug, Clone, PartialEq)]
pub enum Method {
    Direct { anchors: [Anchor; 3], idm: f64 },
    Linear { anchors: [Anchor; 3] },
    Bell { anchors: [Anchor; 6] },
    Crisp { at: Vec<Anchor> },
    Fuzzy,
}

impl Method {
    pub fn name(&self) -> &'static str {
        match self {
            Method::Direct { .. } => "direct",
            Method::Linear { .. } => "linear",
            Method::Bell { .. } => "bell",
            Method::Crisp { .. } => "crisp",
            Method::Fuzzy => "fuzzy",
        }
    }
    /// Anchor names and anchors, in the order written.
    pub fn anchors(&self) -> Vec<(&'static str, Anchor)> {
        match self {
            Method::Direct { anchors, .. } | Method::Linear { anchors } => ["e", "c", "i"]
                .into_iter()
                .zip(anchors.iter().copied())
                .collect(),
            Method::Bell { anchors } => ["e1", "c1", "i1", "i2", "c2", "e2"]
                .into_iter()
                .zip(anchors.iter().copied())
                .collect(),
            Method::Crisp { at } => {
                const AT: [&str; 8] = ["at1", "at2", "at3", "at4", "at5", "at6", "at7", "at8"];
                if at.len() == 1 {
                    vec![("at", at[0])]
                } else {
                    AT.iter().copied().zip(at.iter().copied()).collect()
                }
            }
            Method::Fuzzy => Vec::new(),
        }
    }
}

/// A line of a calibrate block.
#[derive(Debug, Clone, PartialEq)]
pub struct CalibRule {
    /// `None` = `*`.
    pub target: Option<String>,
    pub method: Method,
    pub span: Span,
}

/// A calibration whose anchors are resolved to raw values.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    pub method: &'static str,
    /// (anchor name, raw value, percentile if given as one)
    pub anchors: Vec<(&'static str, f64, Option<f64>)>,
    pub idm: Option<f64>,
    pub rule_span: Span,
}

/// `e = 400`, or `e = 58.12 (p10)` for a percentile anchor, for each anchor.
pub fn anchor_texts(anchors: &[(&'static str, f64, Option<f64>)]) -> Vec<String> {
    anchors
        .iter()
        .map(|(n, v, p)| match p {
            Some(p) => format!("{n} = {} (p{})", fmt_num(*v), fmt_num(*p)),
            None => format!("{n} = {}", fmt_num(*v)),
        })
        .collect()
}

/// Whether a set is a condition or an outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Condition,
    Outcome,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Condition => "condition",
            Role::Outcome => "outcome",
        }
    }
}

/// A declared set.
#[derive(Debug, Clone)]
pub struct SetInfo {
    pub name: String,
    pub role: Role,
    pub dimension: Option<String>,
    pub column: String,
    pub column_index: usize,
    pub label: Option<String>,
    pub span: Span,
    pub raw: Vec<f64>,
    pub calibration: Option<Resolved>,
    pub membership: Option<Vec<f64>>,
}

/// The ceilings of NCA.
pub const CEILINGS: [&str; 8] = [
    "ce_fdh", "cr_fdh", "ols", "c_lp", "qr", "ce_vrs", "cr_vrs", "cols",
];

/// Outcome levels of a bottleneck table.
#[derive(Debug, Clone, PartialEq)]
pub enum Levels {
    Steps(usize),
    List(Vec<f64>),
}

/// A checked `nca` block with every default filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct NcaPlan {
    pub name: String,
    pub outcome: String,
    pub conditions: Vec<String>,
    pub ceilings: Vec<String>,
    pub permutations: usize,
    pub seed: Option<u32>,
    pub d_min: f64,
    pub p_max: f64,
    pub bottleneck_levels: Levels,
    pub bottleneck_type: String,
    pub calibrated: bool,
    pub corner: u8,
    pub scope: Option<[f64; 4]>,
    pub qr_tau: f64,
    pub span: Span,
}

/// A directional expectation: "1", "0" or "-" (either).
#[derive(Debug, Clone, PartialEq)]
pub struct Expect {
    pub condition: String,
    pub value: &'static str,
}

/// A checked `fsqca` block with every default filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct FsqcaPlan {
    pub name: String,
    pub outcome: String,
    pub negated: bool,
    pub conditions: Vec<String>,
    pub cases: f64,
    pub consistency: f64,
    pub contradictions: Option<f64>,
    pub pri: f64,
    pub expect: Option<Vec<Expect>>,
    /// Panel data: the cluster column (e.g. year) and the unit column (e.g. country).
    pub cluster: Option<(String, Span)>,
    pub unit: Option<(String, Span)>,
    pub span: Span,
}

/// A checked analysis.
#[derive(Debug, Clone, PartialEq)]
pub enum AnalysisPlan {
    Nca(NcaPlan),
    Fsqca(FsqcaPlan),
}

impl AnalysisPlan {
    pub fn name(&self) -> &str {
        match self {
            AnalysisPlan::Nca(p) => &p.name,
            AnalysisPlan::Fsqca(p) => &p.name,
        }
    }
    pub fn kind(&self) -> &'static str {
        match self {
            AnalysisPlan::Nca(_) => "nca",
            AnalysisPlan::Fsqca(_) => "fsqca",
        }
    }
}

fn fmt_num(v: f64) -> String {
    crate::engine::data::format_number(v)
}

impl NcaPlan {
    /// The plan as `show plan` prints it: one setting per line, defaults included.
    pub fn describe(&self) -> String {
        let levels = match &self.bottleneck_levels {
            Levels::Steps(n) => format!("steps({n})"),
            Levels::List(v) => format!(
                "[{}]",
                v.iter().map(|x| fmt_num(*x)).collect::<Vec<_>>().join(", ")
            ),
        };
        let mut s = format!(
            "nca {}: {} needs {}\n  ceilings = [{}]\n  permutations = {}\n  seed = {}\n  necessary when d >= {} and p <= {}\n  bottlenecks = {}, {}\n  on = {}\n  corner = {}\n",
            self.name,
            self.outcome,
            self.conditions.join(", "),
            self.ceilings.join(", "),
            self.permutations,
            self.seed.map(|s| s.to_string()).unwrap_or_else(|| "none".into()),
            fmt_num(self.d_min),
            fmt_num(self.p_max),
            levels,
            self.bottleneck_type,
            if self.calibrated { "calibrated" } else { "raw" },
            self.corner,
        );
        if let Some(sc) = self.scope {
            s.push_str(&format!(
                "  scope = [{}]\n",
                sc.iter()
                    .map(|x| fmt_num(*x))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if self.ceilings.iter().any(|c| c == "qr") {
            s.push_str(&format!("  qr_tau = {}\n", fmt_num(self.qr_tau)));
        }
        s
    }
}

impl FsqcaPlan {
    /// The plan as `show plan` prints it.
    pub fn describe(&self) -> String {
        let mut s = format!(
            "fsqca {}: {}{} given {}\n  cases >= {}\n  consistency >= {}",
            self.name,
            if self.negated { "~" } else { "" },
            self.outcome,
            self.conditions.join(", "),
            fmt_num(self.cases),
            fmt_num(self.consistency),
        );
        if let Some(c) = self.contradictions {
            s.push_str(&format!(", contradictions >= {}", fmt_num(c)));
        }
        s.push_str(&format!("\n  pri >= {}\n", fmt_num(self.pri)));
        match &self.expect {
            None => s.push_str("  expect (none: no intermediate solution)\n"),
            Some(e) => {
                let lits: Vec<String> = e
                    .iter()
                    .map(|x| match x.value {
                        "1" => x.condition.clone(),
                        "0" => format!("~{}", x.condition),
                        _ => format!("{} | ~{}", x.condition, x.condition),
                    })
                    .collect();
                s.push_str(&format!("  expect {}\n", lits.join(", ")));
            }
        }
        if let Some((c, _)) = &self.cluster {
            s.push_str(&format!("  cluster = {c}\n"));
        }
        if let Some((u, _)) = &self.unit {
            s.push_str(&format!("  unit = {u}\n"));
        }
        s
    }
}
