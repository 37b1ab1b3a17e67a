//! Stage 4, the typed results of a session: what the interpreter computed — NCA and fsQCA
//! runs, robustness sweeps, queries, composite indices — and what each statement gave
//! ([`Outcome`]). The report stage reads these types and nothing else of the interpreter.
//!
//! Guarantees: results hold numbers at full precision and never text meant for display; the
//! same script gives the same results (maps are ordered, variants in a fixed order).

use crate::check::plan::{ExportPlan, FsqcaPlan, NcaPlan, QueryPlan, RobustnessPlan, Show};
use crate::engine::clusters::ClusterFit;
use crate::engine::configurations::{configurations, Configuration};
use crate::engine::data::CaseIds;
use crate::engine::fsqca::{FsqcaInput, FsqcaResult, Model};
use crate::engine::index::IndexFunction;
use crate::engine::nca::{self, bottleneck, CeilingResult, NcaResult};
use std::collections::BTreeMap;

/// What one statement gave, for the report to show.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A declaration: nothing to print.
    Nothing,
    /// An `nca` analysis ran: its summary.
    Nca(String),
    /// An `fsqca` analysis ran: its summary.
    Fsqca(String),
    /// A query (index into [`Results::queries`]).
    Query(usize),
    /// A necessity search (index into [`Results::searches`]).
    Search(usize),
    /// A `resample` statement (index into [`Results::resamples`]).
    Resample(usize),
    /// A theory evaluation (index into [`Results::theories`]).
    Theory(usize),
    /// A NEST table (index into [`Results::nests`]).
    Nest(usize),
    /// Sensitivity ranges (index into [`Results::sensitivities`]).
    Sensitivity(usize),
    /// A robustness sweep (index into [`Results::robustness`]).
    Robustness(usize),
    NcaRobustness(usize),
    Power(usize),
    Show(Show),
    Export(ExportPlan),
}

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
    /// With `target`: the bottleneck cases of every ceiling with a bottleneck table.
    /// One per target level, in the order of `target = [...]`.
    pub cases_at_target: Vec<CasesAtTarget>,
    /// With `outliers = k`: per condition and ceiling (not OLS), the outlier search.
    pub outliers: Vec<(String, nca::outliers::Outliers)>,
    /// Case ids of the data's rows (labels of outliers and bottleneck cases).
    pub ids: CaseIds,
}

/// The ids of these rows (empty for a row without one).
pub fn case_names(ids: &CaseIds, rows: &[usize]) -> Vec<String> {
    rows.iter().map(|i| ids.name(*i).to_string()).collect()
}

/// Bottleneck cases at an `nca` block's target outcome level.
#[derive(Debug, Clone)]
pub struct CasesAtTarget {
    /// The target as written (`p75` or a value).
    pub label: String,
    /// The conditions with a result, in the analysis' order (the tables' columns).
    pub conditions: Vec<String>,
    pub tables: Vec<nca::bottleneck_cases::BottleneckCases>,
}

impl NcaRun {
    /// Case ids of the data's rows.
    pub fn cases_ids(&self) -> &CaseIds {
        &self.ids
    }

    /// The verdict of the analysis' rule for one ceiling's result: `None` unless this is the
    /// deciding ceiling and a permutation test gave p (the rule needs both d and p).
    pub fn verdict(&self, c: &CeilingResult) -> Option<bool> {
        let deciding = self
            .plan
            .verdict_ceiling()
            .is_some_and(|f| f.name() == c.ceiling.name());
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

    /// The conditions with a result, in order.
    pub fn analysed(&self) -> Vec<(&str, &NcaResult)> {
        self.conditions
            .iter()
            .filter_map(|(c, r, _)| r.as_ref().ok().map(|r| (c.as_str(), r)))
            .collect()
    }
}

/// The results of one `fsqca` analysis.
#[derive(Debug, Clone)]
pub struct FsqcaRun {
    pub plan: FsqcaPlan,
    pub result: FsqcaResult,
    /// Ids of the cases dropped for missing values.
    pub dropped: Vec<String>,
    /// What the engine was given (complete cases only): for plots and exports.
    pub input: FsqcaInput,
    /// Panel diagnostics (`cluster = COL`), if asked for.
    pub clusters: Option<Clusters>,
    /// Remainders excluded from the simplifying assumptions (ESA), with the indices of the
    /// plan's `exclude` lines that exclude each, in row order.
    pub excluded: Vec<crate::engine::fsqca::exclusions::Excluded>,
    /// Case selection for each reported model (up to [`CASE_SELECTION_MODELS`]): its label,
    /// its terms, the tables; empty until a statement asks for it (`show case_selection`,
    /// an export of the analysis).
    pub case_selection: Vec<ModelCases>,
}

/// Models of a solution whose case selection is computed, at most.
pub const CASE_SELECTION_MODELS: usize = 20;

/// Case selection for one model of a solution.
#[derive(Debug, Clone)]
pub struct ModelCases {
    /// `C1P1-M1` or `M1`.
    pub label: String,
    pub terms: Vec<String>,
    pub cases: crate::engine::case_selection::CaseSelection,
}

/// One model's configurations (core and peripheral conditions of each term).
#[derive(Debug, Clone)]
pub struct ModelConfigurations {
    pub model: Model,
    pub kind: &'static str,
    pub configurations: Vec<Configuration>,
}

impl FsqcaRun {
    /// Every model of the intermediate solution, each with its `from` pair.
    pub fn intermediate_models(&self) -> Vec<Model> {
        intermediate_models(&self.result)
    }

    /// The solution the run reports and its models: the intermediate models (of every pair)
    /// when there are expectations and an intermediate solution, else the parsimonious ones.
    pub fn reported_models(&self) -> (&'static str, Vec<Model>) {
        let inter = self.intermediate_models();
        if self.plan.expect.is_some() && !inter.is_empty() {
            ("intermediate", inter)
        } else {
            ("parsimonious", self.result.parsimonious.models.clone())
        }
    }

    /// The model the run reports: the first of [`FsqcaRun::reported_models`].
    pub fn reported_model(&self) -> Option<(&'static str, Model)> {
        let (kind, models) = self.reported_models();
        models.into_iter().next().map(|m| (kind, m))
    }

    /// The configurations of each reported model: one per distinct intermediate model (each
    /// with the parsimonious models it is paired with), or per parsimonious model when there
    /// is no intermediate solution.
    pub fn configurations(&self) -> Vec<ModelConfigurations> {
        let r = &self.result;
        let pis_of = |p: usize| -> Vec<Vec<u32>> {
            r.parsimonious
                .models
                .get(p)
                .map(|m| {
                    m.pi_indices
                        .iter()
                        .map(|&i| r.parsimonious.prime_implicants[i].implicant.clone())
                        .collect()
                })
                .unwrap_or_default()
        };
        let mut out = Vec::new();
        if self.plan.expect.is_some() && !r.intermediate.is_empty() {
            let mut distinct: Vec<(Model, Vec<usize>)> = Vec::new();
            for i in &r.intermediate {
                for m in &i.solution.models {
                    match distinct
                        .iter_mut()
                        .find(|(d, _)| d.expression == m.expression)
                    {
                        Some((d, ps)) => {
                            if let Some(f) = &mut d.from {
                                f.push_str(", ");
                                f.push_str(&i.from);
                            }
                            ps.push(i.parsimonious_model);
                        }
                        None => {
                            let mut m = m.clone();
                            m.from = Some(i.from.clone());
                            distinct.push((m, vec![i.parsimonious_model]));
                        }
                    }
                }
            }
            for (k, (mut m, ps)) in distinct.into_iter().enumerate() {
                let terms: Vec<Vec<u32>> = m.terms.iter().map(|t| t.implicant.clone()).collect();
                let pars: Vec<Vec<Vec<u32>>> = ps.iter().map(|&p| pis_of(p)).collect();
                m.name = format!("M{}", k + 1);
                out.push(ModelConfigurations {
                    configurations: configurations(&terms, &pars),
                    model: m,
                    kind: "intermediate",
                });
            }
        } else {
            for (p, m) in r.parsimonious.models.iter().enumerate() {
                let terms: Vec<Vec<u32>> = m.terms.iter().map(|t| t.implicant.clone()).collect();
                out.push(ModelConfigurations {
                    configurations: configurations(&terms, &[pis_of(p)]),
                    model: m.clone(),
                    kind: "parsimonious",
                });
            }
        }
        out
    }
}

/// Every model of the intermediate solution, each with its `from` pair.
pub fn intermediate_models(r: &FsqcaResult) -> Vec<Model> {
    r.intermediate
        .iter()
        .flat_map(|i| {
            i.solution.models.iter().map(move |m| {
                let mut m = m.clone();
                m.from = Some(i.from.clone());
                m
            })
        })
        .collect()
}

/// Pooled, between-cluster and within-unit consistency and coverage of each term of every
/// model of the reported solution (SetMethods' cluster diagnostics).
#[derive(Debug, Clone)]
pub struct Clusters {
    pub cluster: String,
    pub unit: Option<String>,
    /// "intermediate" or "parsimonious".
    pub kind: &'static str,
    pub models: Vec<ModelClusters>,
}

/// The diagnostics of one model: "C1P1-M1" (intermediate) or "M1" (parsimonious).
#[derive(Debug, Clone)]
pub struct ModelClusters {
    pub label: String,
    /// Each term, then the whole model when it has several terms.
    pub rows: Vec<ClusterRow>,
}

/// One term (or the whole solution, `expr` = the model's expression).
#[derive(Debug, Clone)]
pub struct ClusterRow {
    pub expr: String,
    pub fit: ClusterFit,
}

/// The outcome of one variant of a robustness sweep: the reported model's expression, its
/// terms, consistency and coverage — or why the variant could not run.
#[derive(Debug, Clone)]
pub struct Variant {
    pub values: Vec<f64>,
    pub result: Result<Solved, String>,
}

/// What a variant gives.
#[derive(Debug, Clone)]
pub struct Solved {
    pub expression: String,
    pub terms: Vec<String>,
    pub consistency: f64,
    pub coverage: f64,
    /// Membership of every model of the reported solution (for the robustness metrics).
    pub models: Vec<Vec<f64>>,
    /// The cases analysed (complete cases), in data order.
    pub cases: CaseIds,
}

/// The range of one setting that keeps model 1.
#[derive(Debug, Clone)]
pub struct SensitivityRow {
    /// `consistency`, `cases`, `crossover of GDP` …
    pub label: String,
    /// The analysis' own value.
    pub setting: f64,
    /// The bounds; `None` when the most runs passed without a change (NA).
    pub lower: Option<f64>,
    pub upper: Option<f64>,
}

/// `sensitivity NAME { … }`.
#[derive(Debug, Clone)]
pub struct SensitivityRun {
    pub plan: crate::check::plan::SensitivityPlan,
    /// Model 1's terms, sorted.
    pub model: Vec<String>,
    pub rows: Vec<SensitivityRow>,
}

/// One condition of a NEST table.
#[derive(Debug, Clone)]
pub struct NestCondition {
    pub condition: String,
    /// The nca analysis has this condition.
    pub in_nca: bool,
    /// The bottleneck-table cell at the outcome level (value, NN or NA).
    pub required: Option<crate::engine::nca::bottleneck::Cell>,
    /// The required membership (NaN = NA, ±∞ = NN).
    pub required_value: f64,
    /// Decimals the bottleneck table prints this column with.
    pub precision: usize,
    pub effect: f64,
    pub p_value: Option<f64>,
    /// Necessary in degree (the NCA's verdict).
    pub in_degree: bool,
    /// QCA's necessity consistency of the condition's presence.
    pub consistency: f64,
    /// Necessary in kind: consistency ≥ 0.9.
    pub in_kind: bool,
}

impl NestCondition {
    /// Whether a NEST cell gets NCA's mark: QCA says "does not matter", NCA finds the
    /// condition necessary and requires more than nothing.
    pub fn marks(&self, cell: crate::engine::configurations::CellKind) -> bool {
        cell == crate::engine::configurations::CellKind::Blank
            && self.in_degree
            && matches!(self.required, Some(crate::engine::nca::bottleneck::Cell::Value(v)) if v > 0.0)
    }
}

/// `nest FSQCA with NCA`: the NCA-extended configuration table and its checks.
#[derive(Debug, Clone)]
pub struct NestRun {
    pub plan: crate::check::plan::NestPlan,
    pub ceiling: crate::engine::nca::Ceiling,
    pub conditions: Vec<NestCondition>,
    /// The configurations of model 1 of the reported solution.
    pub configurations: Option<ModelConfigurations>,
    /// (configuration, condition, cases): the absence of a necessary condition as core.
    pub absent: Vec<(String, String, Vec<String>)>,
    /// (configuration, condition, cases below the required level).
    pub below: Vec<(String, String, Vec<String>)>,
}

/// A theory evaluated against one model.
#[derive(Debug, Clone)]
pub struct TheoryModel {
    /// `C1P1-M1` or `M1`.
    pub label: String,
    pub expression: String,
    pub terms: Vec<String>,
    pub evaluation: crate::engine::theory::TheoryEvaluation,
}

/// `theory? EXPR for ANALYSIS`: the theory against every model of the reported solution.
#[derive(Debug, Clone)]
pub struct TheoryRun {
    pub plan: crate::check::plan::TheoryPlan,
    /// The analysis' conditions (the theory's literals index them).
    pub conditions: Vec<String>,
    pub cases: CaseIds,
    /// "intermediate" or "parsimonious".
    pub kind: &'static str,
    pub models: Vec<TheoryModel>,
}

/// A model of a resampled run (or of the full data).
#[derive(Debug, Clone, PartialEq)]
pub struct ResampledModel {
    /// `M1`, or `C1P1-M1` for an intermediate model.
    pub label: String,
    pub expression: String,
    pub terms: Vec<String>,
    pub consistency: f64,
    pub pri: f64,
    pub coverage: f64,
}

/// One run of a `resample` statement.
#[derive(Debug, Clone)]
pub struct Resampled {
    /// The cases left out, in data order.
    pub left_out: Vec<String>,
    pub parsimonious: Vec<ResampledModel>,
    /// Empty without expectations.
    pub intermediate: Vec<ResampledModel>,
    /// Why the run gave no solution.
    pub error: Option<String>,
}

/// How often a term of the full data's model 1 survives the resampling.
#[derive(Debug, Clone)]
pub struct Retention {
    pub term: String,
    pub share_model1: f64,
    pub share_any_model: f64,
    /// Leave-one-out: the cases whose removal loses the term from every model.
    pub losing: Vec<String>,
}

/// A `resample` statement's results.
#[derive(Debug, Clone)]
pub struct ResampleRun {
    pub plan: crate::check::plan::ResamplePlan,
    pub full_parsimonious: Vec<ResampledModel>,
    pub full_intermediate: Vec<ResampledModel>,
    pub runs: Vec<Resampled>,
    pub retention_parsimonious: Vec<Retention>,
    pub retention_intermediate: Vec<Retention>,
}

impl ResampleRun {
    /// Whether a run's models are the full data's, expressions in order.
    pub fn same(full: &[ResampledModel], run: &[ResampledModel]) -> bool {
        full.len() == run.len()
            && full
                .iter()
                .zip(run)
                .all(|(a, b)| a.expression == b.expression)
    }
}

/// Oana & Schneider's robustness metrics of a sweep.
#[derive(Debug, Clone)]
pub struct RobustMetrics {
    /// Per model of the analysis' own solution (label `C1P1-M1` or `M1`): against every model
    /// of every variant.
    pub per_model: Vec<(String, crate::engine::robust_fit::RobustFit)>,
    /// Model 1 against each variant alone (variant index, metrics).
    pub per_variant: Vec<(usize, crate::engine::robust_fit::RobustFit)>,
    /// Variants and models that entered MIN_TS / MAX_TS.
    pub tests: usize,
    pub test_models: usize,
    pub cases: CaseIds,
}

/// A robustness sweep and its summary (Oana & Schneider's sensitivity ranges).
#[derive(Debug, Clone)]
pub struct RobustnessRun {
    pub plan: RobustnessPlan,
    pub variants: Vec<Variant>,
    /// Every term of a reported model, and in how many variants it appears (most first).
    pub terms: Vec<(String, usize)>,
    /// Variants that ran.
    pub ran: usize,
    pub consistency_range: (f64, f64),
    pub coverage_range: (f64, f64),
    /// Per dimension: its label and the range of values that keep the baseline's solution.
    pub sensitivity: Vec<(String, Option<(f64, f64)>)>,
    /// Terms in every variant that ran.
    pub robust_core: Vec<String>,
    /// Oana & Schneider's metrics, when the analysis itself ran and the variants share its
    /// cases.
    pub metrics: Option<RobustMetrics>,
}

/// Dul's NCA robustness table: the baseline and each variant, and a conclusion per
/// condition.
#[derive(Debug, Clone)]
pub struct NcaRobustnessRun {
    pub plan: crate::check::plan::NcaRobustnessPlan,
    /// The conditions (the tables' columns) and the seed of every test.
    pub conditions: Vec<String>,
    pub seed: u32,
    /// The baseline first, then the variants in order; `Err` says why a variant did not run.
    pub runs: Vec<Result<nca::robustness::VariantOutcome, String>>,
    /// Case ids of the data's rows (outliers removed are named).
    pub ids: CaseIds,
}

impl NcaRobustnessRun {
    /// Per condition: robust (the verdict is the baseline's in every variant that ran) or
    /// the labels of the variants that change it.
    pub fn conclusions(&self) -> Vec<(String, Vec<String>)> {
        let verdict = |run: &Result<nca::robustness::VariantOutcome, String>, k: usize| {
            run.as_ref()
                .ok()
                .and_then(|r| r.conditions.get(k))
                .and_then(|c| c.as_ref().ok())
                .map(|c| c.necessary)
        };
        self.conditions
            .iter()
            .enumerate()
            .map(|(k, c)| {
                let base = self.runs.first().and_then(|r| verdict(r, k));
                let flips = self
                    .plan
                    .variants
                    .iter()
                    .zip(self.runs.iter().skip(1))
                    .filter(|(_, r)| verdict(r, k).is_some() && verdict(r, k) != base)
                    .map(|((label, _), _)| label.clone())
                    .collect();
                (c.clone(), flips)
            })
            .collect()
    }
}

/// A `power` simulation and its table.
#[derive(Debug, Clone)]
pub struct PowerRun {
    pub plan: crate::check::plan::PowerPlan,
    pub rows: Vec<nca::power::PowerRow>,
}

/// The answer to a query.
#[derive(Debug, Clone)]
pub struct QueryResult {
    pub plan: QueryPlan,
    /// (statistic, value): consistency, coverage, relevance (necessity) or consistency, pri,
    /// coverage (sufficiency).
    pub stats: Vec<(&'static str, f64)>,
    pub cases: usize,
    pub dropped: usize,
    /// Panel diagnostics over the complete cases, with `cluster = COL`.
    pub panel: Option<ClusterFit>,
    /// `cases = typical`: the typical cases of the necessity claim (indices into `ids`).
    pub typical: Vec<crate::engine::case_selection::NecessityTypical>,
    /// The ids of the complete cases.
    pub ids: CaseIds,
}

/// A necessity search (`necessary? * for Y`): the expressions that passed, in the reference's
/// order, over the complete cases.
#[derive(Debug, Clone)]
pub struct SearchRun {
    pub plan: crate::check::plan::NecessitySearchPlan,
    pub rows: Vec<crate::engine::supersets::Found>,
    /// Whether a condition has several levels (its literals are written `X[l]`).
    pub multi_level: bool,
    pub cases: usize,
    pub dropped: usize,
}

/// A composite index (`index NAME = entropy(…)` or `mean(…)`).
#[derive(Debug, Clone)]
pub struct IndexInfo {
    pub function: IndexFunction,
    /// Indicator columns; `true` for a negative indicator (`-col`).
    pub indicators: Vec<(String, bool)>,
    /// The grouping column of `by = COL`, if any.
    pub by: Option<String>,
    /// Weights per group (one unnamed group without `by`), groups in order of appearance.
    pub weights: Vec<(Option<String>, Vec<f64>)>,
    pub values: Vec<f64>,
}

/// Everything the analyses of a session computed.
#[derive(Debug, Clone, Default)]
pub struct Results {
    pub nca: BTreeMap<String, NcaRun>,
    pub fsqca: BTreeMap<String, FsqcaRun>,
    pub robustness: Vec<RobustnessRun>,
    pub nca_robustness: Vec<NcaRobustnessRun>,
    pub power: Vec<PowerRun>,
    pub queries: Vec<QueryResult>,
    pub searches: Vec<SearchRun>,
    pub resamples: Vec<ResampleRun>,
    pub theories: Vec<TheoryRun>,
    pub nests: Vec<NestRun>,
    pub sensitivities: Vec<SensitivityRun>,
    pub indices: BTreeMap<String, IndexInfo>,
}

impl Results {
    /// Conditions found necessary by an NCA of this outcome (first ceiling, with a test).
    pub fn necessary_for(&self, outcome: &str, negated: bool) -> Vec<String> {
        if negated {
            return Vec::new();
        }
        let mut out: Vec<String> = Vec::new();
        for run in self.nca.values().filter(|r| r.plan.outcome == outcome) {
            for cond in run.necessary_conditions() {
                if !out.iter().any(|c| c == cond) {
                    out.push(cond.to_string());
                }
            }
        }
        out
    }
}

/// A long task the interpreter reports progress on (the report draws the bar).
#[derive(Debug, Clone, PartialEq)]
pub enum Task {
    /// An NCA permutation test: analysis, permutations, conditions.
    Permutations(String, usize, usize),
    /// A robustness sweep: analysis, variants.
    Variants(String, usize),
    /// An NCA power table: its name, replicates.
    Power(String, usize),
}

/// Progress of long tasks; the default does nothing.
pub trait Progress: Send + Sync {
    fn start(&self, _task: &Task) {}
    fn step(&self) {}
    fn finish(&self) {}
}

/// No progress display.
pub struct Silent;

impl Progress for Silent {}
