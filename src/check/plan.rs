//! Stage 3, the checked plan: every statement resolved by the checker — names, columns,
//! percentile anchors, options with their defaults — into typed steps for the interpreter.
//!
//! Guarantees: a plan value holds no pest types and no strings to be parsed again (ceilings,
//! bottleneck units, expectations, calibration methods, show topics and export formats are
//! enums); spans remain only so that later failures can still point at the script.

use crate::engine::calibrate::Calibration;
pub use crate::engine::calibrate::{Anchor, Shift};
use crate::engine::data::{Column, Table};
use crate::engine::fsqca::Expectation;
use crate::engine::index::IndexFunction;
use crate::engine::nca::bottleneck::{BottleneckUnit, Steps};
use crate::engine::nca::Ceiling;
use crate::source::Span;
use crate::syntax::ast::Vary;
use std::path::PathBuf;

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
    /// The same method with its anchors moved by `delta` (percentile points or units).
    pub fn shifted(&self, delta: f64, shift: Shift) -> Method {
        let mv = |a: &Anchor| a.shifted(delta, shift);
        match self {
            Method::Direct { anchors, idm } => Method::Direct {
                anchors: anchors.map(|a| mv(&a)),
                idm: *idm,
            },
            Method::Linear { anchors } => Method::Linear {
                anchors: anchors.map(|a| mv(&a)),
            },
            Method::Bell { anchors } => Method::Bell {
                anchors: anchors.map(|a| mv(&a)),
            },
            Method::Crisp { at } => Method::Crisp {
                at: at.iter().map(mv).collect(),
            },
            Method::Fuzzy => Method::Fuzzy,
        }
    }
    pub fn has_percentiles(&self) -> bool {
        self.anchors()
            .iter()
            .any(|(_, a)| matches!(a, Anchor::Percentile(_)))
    }
    /// Whether a sweep of this kind moves any of its anchors.
    pub fn moves_with(&self, shift: Shift) -> bool {
        self.anchors().iter().any(|(_, a)| match shift {
            Shift::PercentilePoints => matches!(a, Anchor::Percentile(_)),
            Shift::Units => matches!(a, Anchor::Value(_)),
        })
    }
}

/// A line of a calibrate block.
#[derive(Debug, Clone, PartialEq)]
pub struct CalibRule {
    /// `None` = `*`.
    pub target: Option<String>,
    pub method: Method,
    /// `nudge = 0.001`: memberships of exactly 0.5 become 0.5 + nudge (reported).
    pub nudge: Option<f64>,
    pub span: Span,
}

/// A calibration whose anchors are resolved to raw values.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    pub method: &'static str,
    /// (anchor name, raw value, percentile if given as one)
    pub anchors: Vec<(&'static str, f64, Option<f64>)>,
    pub idm: Option<f64>,
    /// Memberships of exactly 0.5 are moved up by this much (`nudge = …`).
    pub nudge: Option<f64>,
    pub rule_span: Span,
    /// What the engine computes the memberships with.
    pub calibration: Calibration,
}

impl Resolved {
    /// The memberships of raw values: the calibration, then the nudge of exact 0.5s.
    pub fn memberships(&self, raw: &[f64]) -> Vec<f64> {
        let mut m = self.calibration.apply(raw);
        if let Some(by) = self.nudge {
            crate::engine::skew::nudge_half(&mut m, by);
        }
        m
    }
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

/// The loaded data set.
#[derive(Debug, Clone)]
pub struct DataSet {
    pub name: String,
    /// The path as written in the script.
    pub path: String,
    /// The path resolved against the script's folder (an input of the run).
    pub file: std::path::PathBuf,
    /// The workbook's sheet (`Some("")`: the first one); `None` for other files.
    pub sheet: Option<String>,
    pub sha256: String,
    pub table: Table,
    pub span: Span,
}

/// A declared set; `membership` is filled in by the interpreter from `calibration`.
#[derive(Debug, Clone)]
pub struct SetInfo {
    pub name: String,
    pub role: Role,
    pub dimension: Option<String>,
    pub column: String,
    pub column_index: usize,
    pub label: Option<String>,
    pub span: Span,
    /// The column's values, shared with the data table.
    pub raw: Column,
    pub calibration: Option<Resolved>,
    pub membership: Option<Column>,
}

/// Outcome levels of a bottleneck table.
#[derive(Debug, Clone, PartialEq)]
pub enum Levels {
    Steps(usize),
    List(Vec<f64>),
}

impl Levels {
    pub fn steps(&self) -> Steps {
        match self {
            Levels::Steps(n) => Steps::Count(*n),
            Levels::List(v) => Steps::Levels(v.clone()),
        }
    }
}

/// The unit of a bottleneck table (`bottlenecks = …, percentage | actual | percentile`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BottleneckType {
    Percentage,
    Actual,
    Percentile,
}

impl BottleneckType {
    pub fn name(self) -> &'static str {
        match self {
            BottleneckType::Percentage => "percentage",
            BottleneckType::Actual => "actual",
            BottleneckType::Percentile => "percentile",
        }
    }
    pub fn unit(self) -> BottleneckUnit {
        match self {
            BottleneckType::Percentage => BottleneckUnit::PercentageRange,
            BottleneckType::Actual => BottleneckUnit::Actual,
            BottleneckType::Percentile => BottleneckUnit::Percentile,
        }
    }
}

/// The corner of the NCA ceiling: 1 upper left (the usual necessity ceiling), 2 upper right,
/// 3 lower left, 4 lower right — for every condition, or one per condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Corner {
    All(u8),
    /// In the order of the analysis' conditions.
    Each(Vec<u8>),
}

impl Corner {
    /// The corner of the `k`-th condition.
    pub fn of(&self, k: usize) -> u8 {
        match self {
            Corner::All(c) => *c,
            Corner::Each(v) => v.get(k).copied().unwrap_or(1),
        }
    }
}

/// A checked `nca` block with every default filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct NcaPlan {
    pub name: String,
    pub outcome: String,
    pub conditions: Vec<String>,
    pub ceilings: Vec<Ceiling>,
    pub permutations: usize,
    pub seed: Option<u32>,
    pub d_min: f64,
    pub p_max: f64,
    pub bottleneck_levels: Levels,
    /// The unit of the conditions' required levels (R's `bottleneck.x`) …
    pub bottleneck_type: BottleneckType,
    /// … and of the outcome levels (R's `bottleneck.y`); `bottlenecks = …, percentile` sets
    /// both.
    pub bottleneck_y: BottleneckType,
    pub calibrated: bool,
    pub corner: Corner,
    pub scope: Option<[f64; 4]>,
    pub qr_tau: f64,
    /// `target = p75`, `target = 60` or `target = [p75, p90]`: the outcome levels of the
    /// bottleneck-cases tables, in order (the first is the robustness table's baseline).
    pub targets: Vec<(NcaTarget, Span)>,
    /// `outliers = k` or `outliers = [1, 2]`: one outlier search per k (removing up to k
    /// cases together), each with the span of its value (for a k above the number of cases).
    pub outliers: Vec<(usize, Span)>,
    /// The outlier rows kept: |relative change of d| (percent, rounded to 2 decimals) at
    /// least this (R's `min.dif`, 0.01), at most this many shown (R's `max.results`, 25).
    pub outliers_min_change: f64,
    pub outliers_max_rows: usize,
    pub span: Span,
}

/// The target outcome level of an `nca` block's bottleneck cases.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NcaTarget {
    /// A percentile of the outcome (R's quantile type 7), 0–100.
    Percentile(f64),
    /// A value in the outcome's units.
    Value(f64),
}

impl NcaTarget {
    /// As written: `p75` or the value.
    pub fn label(&self) -> String {
        match self {
            NcaTarget::Percentile(p) => format!("p{p}"),
            NcaTarget::Value(v) => format!("{v}"),
        }
    }
}

impl NcaPlan {
    /// The ceiling that decides the verdict: the first that is not OLS.
    pub fn verdict_ceiling(&self) -> Option<Ceiling> {
        self.ceilings
            .iter()
            .find(|c| !matches!(c, Ceiling::Ols))
            .copied()
    }
}

/// A directional expectation of one condition.
#[derive(Debug, Clone, PartialEq)]
pub struct Expect {
    pub condition: String,
    pub value: Expectation,
}

impl Expect {
    /// As R's `dir.exp` writes it: "1", "0" or "-" (either).
    pub fn code(&self) -> &'static str {
        match self.value {
            Expectation::Presence => "1",
            Expectation::Absence => "0",
            _ => "-",
        }
    }
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
    /// ESA: remainders excluded from the simplifying assumptions, in script order.
    pub exclude: Vec<ExclusionPlan>,
    /// Panel data: the cluster column (e.g. year) and the unit column (e.g. country).
    pub cluster: Option<(String, Span)>,
    pub unit: Option<(String, Span)>,
    pub span: Span,
}

/// One `exclude` line of an fsqca block.
#[derive(Debug, Clone, PartialEq)]
pub struct ExclusionPlan {
    /// The engine's rule over the analysis' conditions (`Rows` is filled when run, with the
    /// contradictory simplifying assumptions).
    pub rule: crate::engine::fsqca::exclusions::Rule,
    /// As written: `untenable ~POL*DEM`, `lacking HUM + POL`, `contradictory`.
    pub text: String,
    /// `lacking necessary of NCA`: the nca analysis whose necessary conditions fill the rule
    /// when run.
    pub from_nca: Option<String>,
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
    pub fn span(&self) -> Span {
        match self {
            AnalysisPlan::Nca(p) => p.span,
            AnalysisPlan::Fsqca(p) => p.span,
        }
    }
}

/// `index NAME = entropy(…)` or `mean(…)`, its columns resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexPlan {
    pub name: String,
    pub function: IndexFunction,
    /// Indicator columns: name, column index, negative?, the argument's span.
    pub indicators: Vec<(String, usize, bool, Span)>,
    /// `by = COL`: the grouping column's name and index.
    pub by: Option<(String, usize)>,
    pub span: Span,
}

/// A set expression with every name resolved to a calibrated set.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Set(String),
    Level(String, f64),
    Not(Box<Expr>),
    And(Vec<Expr>),
    Or(Vec<Expr>),
}

/// `necessary? X for Y` or `sufficient? X for Y`.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryPlan {
    pub necessary: bool,
    pub expr: Expr,
    pub outcome: Expr,
    /// The query as the literature writes it: `necessary? DEV*STB for SURV`.
    pub text: String,
    /// Panel diagnostics: the cluster column and the unit column (name, index).
    pub cluster: Option<(String, usize)>,
    pub unit: Option<(String, usize)>,
    /// `cases = typical`: list the typical cases of a necessity claim.
    pub typical: bool,
    pub span: Span,
}

/// `necessary? * [of A, B] for Y { … }`: QCA's superSubset search for necessity.
#[derive(Debug, Clone, PartialEq)]
pub struct NecessitySearchPlan {
    pub conditions: Vec<String>,
    pub outcome: Expr,
    pub options: crate::engine::supersets::SearchOptions,
    /// `necessary? * of A, B for Y`.
    pub text: String,
    pub span: Span,
}

/// A kind of fsQCA solution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SolutionKind {
    Complex,
    Parsimonious,
    Intermediate,
}

impl SolutionKind {
    pub fn name(self) -> &'static str {
        match self {
            SolutionKind::Complex => "complex",
            SolutionKind::Parsimonious => "parsimonious",
            SolutionKind::Intermediate => "intermediate",
        }
    }
}

/// What a `show` statement asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Show {
    Data,
    Calibration,
    /// Calibration diagnostics: skewness, memberships of 0.5, anchors outside the data.
    Skewness,
    Plan,
    Index(String),
    Nca(String),
    Bottlenecks(String),
    BottleneckCases(String),
    Outliers(String),
    Necessity(String),
    TruthTable(String),
    Solutions(String, Option<SolutionKind>),
    Configurations(String),
    Cases(String),
    /// Typical and deviant cases, comparison pairs (model 1).
    CaseSelection(String),
}

/// The formats `export` writes, by the file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
    Markdown,
    Latex,
    Html,
    Svg,
    Docx,
}

impl Format {
    pub const ALL: [Format; 7] = [
        Format::Json,
        Format::Csv,
        Format::Markdown,
        Format::Latex,
        Format::Html,
        Format::Svg,
        Format::Docx,
    ];
    /// The format a file's name asks for by its extension (case aside).
    pub fn of_path(path: &std::path::Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_lowercase();
        Format::ALL.into_iter().find(|f| f.extension() == ext)
    }
    /// Whether the study report (`toe report`) is written in this format.
    pub fn is_report(self) -> bool {
        matches!(
            self,
            Format::Html | Format::Markdown | Format::Latex | Format::Docx
        )
    }
    pub fn extension(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Markdown => "md",
            Format::Latex => "tex",
            Format::Html => "html",
            Format::Svg => "svg",
            Format::Docx => "docx",
        }
    }
}

/// `export NAME to "file.ext"`.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportPlan {
    pub analysis: String,
    /// The path as written, and resolved against the script's folder.
    pub path: String,
    pub target: PathBuf,
    pub format: Format,
    pub span: Span,
}

/// One dimension of a robustness sweep.
#[derive(Debug, Clone, PartialEq)]
pub enum Dim {
    Consistency(Vec<f64>),
    Cases(Vec<f64>),
    Pri(Vec<f64>),
    /// The second consistency cut (`contradictions`).
    Contradictions(Vec<f64>),
    /// Shifts of the anchors of these sets — percentile anchors by percentile points, or
    /// value anchors by units; the label names the target as written (`*` or a set).
    Anchors(Vec<String>, Vec<f64>, String, Shift),
    /// The directional expectation of these conditions (the label names the target as
    /// written), coded 1 presence, 0 absence, 0.5 either ([`Dim::expectation`]).
    Expect(Vec<String>, Vec<f64>, String),
    /// Another calibration of one set: the set, the rules (value k = rule k; NaN = the
    /// analysis' own), their labels as written.
    Calibration(String, Vec<CalibRule>, Vec<String>, Vec<f64>),
}

impl Dim {
    pub fn label(&self) -> String {
        match self {
            Dim::Consistency(_) => "consistency".into(),
            Dim::Cases(_) => "cases".into(),
            Dim::Pri(_) => "pri".into(),
            Dim::Contradictions(_) => "contradictions".into(),
            Dim::Anchors(_, _, target, Shift::PercentilePoints) => format!("anchors of {target}"),
            Dim::Anchors(_, _, target, Shift::Units) => format!("value anchors of {target}"),
            Dim::Expect(_, _, target) => format!("expect of {target}"),
            Dim::Calibration(set, ..) => format!("calibration of {set}"),
        }
    }
    /// The expectation a `vary expect` code stands for.
    pub fn expectation(code: f64) -> Expectation {
        if code == 1.0 {
            Expectation::Presence
        } else if code == 0.0 {
            Expectation::Absence
        } else {
            Expectation::Either
        }
    }
    /// A value as the report names it: expectations as words, calibrations as written,
    /// numbers as numbers (`None`).
    pub fn value_text(&self, v: f64) -> Option<String> {
        match self {
            Dim::Expect(..) => Some(
                match Dim::expectation(v) {
                    Expectation::Presence => "present",
                    Expectation::Absence => "absent",
                    _ => "either",
                }
                .to_string(),
            ),
            Dim::Calibration(_, _, labels, _) => Some(if v.is_nan() {
                "as analysed".to_string()
            } else {
                labels.get(v as usize).cloned().unwrap_or_default()
            }),
            _ => None,
        }
    }
    pub fn values(&self) -> &[f64] {
        match self {
            Dim::Consistency(v)
            | Dim::Cases(v)
            | Dim::Pri(v)
            | Dim::Contradictions(v)
            | Dim::Anchors(_, v, _, _)
            | Dim::Expect(_, v, _)
            | Dim::Calibration(_, _, _, v) => v,
        }
    }
    /// The analysis' own setting on this dimension (anchors: no shift).
    pub fn baseline(&self, p: &FsqcaPlan) -> f64 {
        match self {
            Dim::Consistency(_) => p.consistency,
            Dim::Cases(_) => p.cases,
            Dim::Pri(_) => p.pri,
            Dim::Contradictions(_) => p.contradictions.unwrap_or(f64::NAN),
            Dim::Anchors(..) => 0.0,
            Dim::Calibration(..) => f64::NAN,
            Dim::Expect(sets, _, _) => {
                // the analysis' own expectation of the (first) condition
                let own = p.expect.as_ref().and_then(|e| {
                    e.iter()
                        .find(|x| Some(&x.condition) == sets.first())
                        .map(|x| &x.value)
                });
                match own {
                    Some(Expectation::Presence) => 1.0,
                    Some(Expectation::Absence) => 0.0,
                    Some(_) => 0.5,
                    None => f64::NAN,
                }
            }
        }
    }
}

/// `robustness of NAME { vary … }` with its variants enumerated.
#[derive(Debug, Clone, PartialEq)]
pub struct RobustnessPlan {
    pub of: FsqcaPlan,
    pub dims: Vec<Dim>,
    /// Every combination of the dimensions' values, in a fixed order (the Cartesian product
    /// in the order of the `vary` lines); with `separately`, one value at a time, the other
    /// dimensions at the analysis' own setting.
    pub combos: Vec<Vec<f64>>,
    /// The `vary` line of each dimension: dimensions of one line change together.
    pub groups: Vec<usize>,
    pub separately: bool,
    pub span: Span,
}

/// Equal settings; NaN (the analysis' own setting) equals NaN.
pub fn same_setting(a: f64, b: f64) -> bool {
    a == b || (a.is_nan() && b.is_nan())
}

impl RobustnessPlan {
    /// The settings the sweep varies, each once (in the order they first appear), with the
    /// dimensions that set it: with `separately`, a setting may be on several lines (alone,
    /// and together with another).
    pub fn settings(&self) -> Vec<(String, Vec<usize>)> {
        let mut out: Vec<(String, Vec<usize>)> = Vec::new();
        for (k, d) in self.dims.iter().enumerate() {
            let label = d.label();
            match out.iter_mut().find(|(l, _)| *l == label) {
                Some((_, ks)) => ks.push(k),
                None => out.push((label, vec![k])),
            }
        }
        out
    }

    /// For each setting of [`RobustnessPlan::settings`], the dimension whose value a variant
    /// uses: the last one that moves it from the analysis' own, else the first.
    pub fn deciding(&self, values: &[f64]) -> Vec<usize> {
        self.settings()
            .into_iter()
            .map(|(_, ks)| {
                ks.iter()
                    .rev()
                    .find(|k| !same_setting(values[**k], self.dims[**k].baseline(&self.of)))
                    .copied()
                    .unwrap_or(ks[0])
            })
            .collect()
    }

    /// The variants' names, in their order: Oana & Schneider's test sets TS1…TSn, and `IS`
    /// (the initial solution) for a variant with every setting the analysis' own.
    pub fn names(&self) -> Vec<String> {
        let own: Vec<f64> = self.dims.iter().map(|d| d.baseline(&self.of)).collect();
        let mut k = 0;
        self.combos
            .iter()
            .map(|c| {
                let initial = c.iter().zip(&own).all(|(a, b)| same_setting(*a, *b));
                if initial {
                    "IS".to_string()
                } else {
                    k += 1;
                    format!("TS{k}")
                }
            })
            .collect()
    }
}

/// `theory? EXPR for ANALYSIS`: the theory over the analysis' conditions.
#[derive(Debug, Clone, PartialEq)]
pub struct TheoryPlan {
    pub analysis: String,
    pub theory: crate::engine::fsqca::exclusions::Dnf,
    /// As written: `HS*PP + FS*LS`.
    pub text: String,
    pub span: Span,
}

/// One setting a `sensitivity` statement moves: step and most runs each way.
#[derive(Debug, Clone, PartialEq)]
pub enum SensitivityDim {
    Consistency {
        step: f64,
        runs: usize,
    },
    Cases {
        step: f64,
        runs: usize,
    },
    /// The exclusion, crossover and inclusion of one set's direct calibration, one at a time.
    Anchors {
        set: String,
        step: f64,
        runs: usize,
    },
}

/// `sensitivity NAME { … }`.
#[derive(Debug, Clone, PartialEq)]
pub struct SensitivityPlan {
    pub of: FsqcaPlan,
    pub dims: Vec<SensitivityDim>,
    pub span: Span,
}

/// `nest FSQCA with NCA { level = 0.5 }`.
#[derive(Debug, Clone, PartialEq)]
pub struct NestPlan {
    pub fsqca: String,
    pub nca: String,
    /// The outcome membership whose NCA requirements are shown (the crossover by default).
    pub level: f64,
    pub span: Span,
}

/// How `resample` chooses the subsets of cases.
#[derive(Debug, Clone, PartialEq)]
pub enum ResampleMethod {
    /// Every case left out once, in data order.
    LeaveOneOut,
    /// `runs` random subsets of round(share · n) cases (R's `sample(n, m)` after
    /// `set.seed(seed)`, one stream for all runs).
    Subsample { share: f64, runs: usize, seed: u32 },
}

/// `resample NAME { … }`.
#[derive(Debug, Clone, PartialEq)]
pub struct ResamplePlan {
    pub of: FsqcaPlan,
    pub method: ResampleMethod,
    pub span: Span,
}

/// One setting of Dul's NCA robustness table.
#[derive(Debug, Clone, PartialEq)]
pub struct NcaSetting {
    pub ceiling: Ceiling,
    pub scope: Option<[f64; 4]>,
    pub d_min: f64,
    pub p_max: f64,
    /// Outliers removed (0: none; k: R's first `nca_outliers` row of each condition).
    pub outliers: usize,
    pub target: NcaTarget,
}

/// `robustness of NCA { vary … }`: the baseline and one variant per listed value, each
/// changing one setting (Dul's procedure).
#[derive(Debug, Clone, PartialEq)]
pub struct NcaRobustnessPlan {
    pub of: NcaPlan,
    pub baseline: NcaSetting,
    /// (label as written, e.g. "ceiling cr_fdh", setting)
    pub variants: Vec<(String, NcaSetting)>,
    pub span: Span,
}

/// `power NAME { … }`: a simulation of the power of NCA's permutation test.
#[derive(Debug, Clone, PartialEq)]
pub struct PowerPlan {
    pub name: String,
    /// What the engine simulates (`rep` = replicates, `test_rep` = permutations).
    pub options: crate::engine::nca::power::PowerOptions,
    pub span: Span,
}

impl NcaRobustnessPlan {
    /// The settings' labels: "baseline", then each variant's.
    pub fn labels(&self) -> impl Iterator<Item = String> + '_ {
        std::iter::once("baseline".to_string()).chain(self.variants.iter().map(|(l, _)| l.clone()))
    }
}

/// `use "file.toe"` or `use std.NAME`.
#[derive(Debug, Clone, PartialEq)]
pub enum UsePlan {
    Module(String),
    /// The canonical path (for cycle detection), the path as written, and its span.
    File(PathBuf, String, Span),
}

/// One checked statement.
#[derive(Debug, Clone)]
pub enum Step {
    Study(String, Span),
    Data(std::sync::Arc<DataSet>),
    Index(IndexPlan),
    Preset(String, Method),
    Framework(String, Vec<String>),
    /// Conditions with their framework (name and span), each calibrated if a rule applies.
    Conditions(Option<(String, Span)>, Vec<SetInfo>),
    Outcome(Box<SetInfo>),
    /// The rules after the block, and the calibration of every declared set under them
    /// (by position in the scope's sets).
    Calibrate(Vec<CalibRule>, Vec<(usize, Resolved)>),
    Analysis(AnalysisPlan),
    Query(QueryPlan),
    NecessitySearch(NecessitySearchPlan),
    Resample(Box<ResamplePlan>),
    Theory(TheoryPlan),
    Nest(NestPlan),
    Sensitivity(Box<SensitivityPlan>),
    Show(Show),
    Export(ExportPlan),
    Robustness(Box<RobustnessPlan>),
    NcaRobustness(Box<NcaRobustnessPlan>),
    Power(PowerPlan),
    /// A named sweep keeps its `vary` lines as written: they are checked against the
    /// analysis of each robustness block that uses them (`*` means that analysis' sets).
    Sweep(String, Vec<Vary>),
    Use(UsePlan),
}
