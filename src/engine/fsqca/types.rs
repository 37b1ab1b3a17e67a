//! Engine stage, fsQCA: the input, options, errors and solutions of an analysis — the types
//! every other file of `fsqca/` shares.
//!
//! Guarantees: plain data, numbers unrounded.

use crate::engine::ids::{CaseIds, Column};
use std::fmt;

/// An implicant: per condition 0 = absent, level + 1 otherwise (binary: 1 = `~X`, 2 = `X`).
pub type Implicant = Vec<u32>;

/// Hard limit on the number of conditions.
pub const MAX_CONDITIONS: usize = 30;

/// Models of one solution listed at most; beyond, the count is reported.
pub const MODELS_LISTED: usize = 1_000;

/// The intermediate solutions of the (complex, parsimonious) model pairs are solved in
/// order (C1P1, C1P2, …, C2P1, …) until they hold this many models in all; the pairs after
/// are not solved (their number is reported). 1,000 complex models × 2 parsimonious ones,
/// each pair with 1,000 models, would be 2 million models — gigabytes.
pub const INTERMEDIATE_MODELS_LIMIT: usize = 10_000;

/// Tolerance of the reference (`sqrt(.Machine$double.eps)`).
pub const TOL: f64 = 1.490_116_119_384_765_6e-8;

/// Input of one fsQCA analysis.
#[derive(Debug, Clone, Default)]
pub struct FsqcaInput {
    /// Condition names, in term order.
    pub conditions: Vec<String>,
    /// One membership (or crisp / multi-value level) column per condition (shared, not
    /// copied, with the sets they come from).
    pub memberships: Vec<Column>,
    /// Outcome name (for messages only).
    pub outcome_name: String,
    /// Outcome membership; the caller passes 1 − Y for a negated outcome.
    pub outcome: Column,
    /// Case names, in data order.
    pub cases: CaseIds,
}

/// Directional expectation of one condition (docs/methods.md §4.3).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Expectation {
    /// The condition is expected to contribute when present (level 1).
    Presence,
    /// … when absent (level 0).
    Absence,
    /// Both presence and absence ("0;1"): the literal is always kept.
    Either,
    /// No expectation ("-"): the literal is always kept.
    #[default]
    None,
    /// Multi-value: the listed levels (e.g. "1;2").
    Levels(Vec<u32>),
}

/// Thresholds and switches of one analysis.
#[derive(Debug, Clone)]
pub struct FsqcaOptions {
    /// Consistency cut for OUT = 1 (`ic1`).
    pub incl_cut: f64,
    /// Second cut for contradictions (`ic0`); `None` means 1 (no "C").
    pub incl_cut0: Option<f64>,
    /// Frequency cut (`n.cut`).
    pub n_cut: usize,
    /// PRI cut.
    pub pri_cut: f64,
    /// Directional expectations, aligned with the conditions; `None`: no intermediate
    /// solution.
    pub expectations: Option<Vec<Expectation>>,
    /// `all.sol = TRUE`: every irredundant cover (Petrick) instead of the minimum ones.
    pub all_sol: bool,
    /// Compute the contradictory simplifying assumptions (needs the simplifying assumptions).
    pub csa: bool,
    /// Remainder configurations excluded from the simplifying assumptions (ESA): treated
    /// as negative rows when minimizing. Observed rows listed here are ignored.
    pub exclude: Vec<Vec<u32>>,
    /// The intermediate solutions of the model pairs are found until they hold this many
    /// models in all ([`INTERMEDIATE_MODELS_LIMIT`]).
    pub intermediate_models_limit: usize,
}

impl Default for FsqcaOptions {
    fn default() -> Self {
        FsqcaOptions {
            incl_cut: 1.0,
            incl_cut0: None,
            n_cut: 1,
            pri_cut: 0.0,
            expectations: None,
            all_sol: false,
            csa: true,
            exclude: Vec::new(),
            intermediate_models_limit: INTERMEDIATE_MODELS_LIMIT,
        }
    }
}

/// Invalid input.
#[derive(Debug, Clone, PartialEq)]
pub enum FsqcaError {
    /// No condition given.
    NoConditions,
    /// More than [`MAX_CONDITIONS`] conditions.
    TooManyConditions(usize),
    /// Columns of different lengths (name of the offending column, its length, expected).
    LengthMismatch(String, usize, usize),
    /// A value that is missing, infinite, negative or above 1 in a fuzzy column
    /// (column, case index).
    InvalidValue(String, usize),
    /// The number of configurations does not fit in 128 bits.
    TooManyConfigurations,
    /// More cases than a truth table lists (2³² − 1).
    TooManyCases(usize),
    /// Expectations not aligned with the conditions (given, expected).
    ExpectationLength(usize, usize),
}

impl fmt::Display for FsqcaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FsqcaError::NoConditions => write!(f, "no condition given"),
            FsqcaError::TooManyConditions(k) => {
                write!(
                    f,
                    "{k} conditions given; at most {MAX_CONDITIONS} are supported"
                )
            }
            FsqcaError::LengthMismatch(c, n, m) => {
                write!(f, "column {c} has {n} values, expected {m}")
            }
            FsqcaError::InvalidValue(c, i) => {
                write!(f, "column {c}: invalid value for case {}", i + 1)
            }
            FsqcaError::TooManyConfigurations => {
                write!(f, "the number of configurations does not fit in 128 bits")
            }
            FsqcaError::TooManyCases(n) => {
                write!(f, "{n} cases; a truth table lists at most 4,294,967,295")
            }
            FsqcaError::ExpectationLength(g, k) => {
                write!(f, "{g} directional expectations given for {k} conditions")
            }
        }
    }
}

impl std::error::Error for FsqcaError {}

/// One configuration of the truth table (a remainder, an SA, an EC, …).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConfigRow {
    /// Row number: 1 + Σ v_j · Π_{l>j} levels_l.
    pub row: u128,
    /// Level of each condition.
    pub config: Vec<u32>,
}

/// A prime implicant of a solution, in reference order (docs/methods.md §4.2).
#[derive(Debug, Clone, PartialEq)]
pub struct PrimeImplicant {
    /// 0 = condition absent, level + 1 otherwise (binary: 1 = `~X`, 2 = `X`).
    pub implicant: Implicant,
    /// Term string (docs/methods.md §4.2).
    pub expr: String,
    /// Row numbers of the positive rows it covers.
    pub covers: Vec<u128>,
}

/// One model (M1, M2, …) of a solution.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// "M1", zero-padded to a common width as the reference (M01 … M12).
    pub name: String,
    /// Intermediate solutions: the (complex, parsimonious) pair, e.g. "C1P1".
    pub from: Option<String>,
    /// Indices into the solution's `prime_implicants`, ascending (= term order).
    pub pi_indices: Vec<usize>,
    /// Terms with their parameters of fit (unique coverage against this model's terms).
    pub terms: Vec<TermFit>,
    /// Terms joined by " + ".
    pub expression: String,
    pub consistency: f64,
    pub pri: f64,
    pub coverage: f64,
}

/// A solution: its prime implicants and every model.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Solution {
    pub prime_implicants: Vec<PrimeImplicant>,
    /// Indices of the PIs present in every model.
    pub essential: Vec<usize>,
    pub models: Vec<Model>,
    /// How many minimal models exist: `models` lists all of them up to
    /// [`MODELS_LISTED`], else a bounded selection (docs/methods.md §4.5).
    pub models_total: u128,
    /// `models_total` is exact (else a lower bound).
    pub models_total_exact: bool,
    /// Fit of the union of all models' PIs, covU against all of them (the reference's
    /// "overall" table; only meaningful with several models).
    pub overall: Vec<TermFit>,
}

/// The intermediate solution of one (complex model, parsimonious model) pair.
#[derive(Debug, Clone, PartialEq)]
pub struct IntermediateSolution {
    /// "C1P1", …
    pub from: String,
    /// 0-based indices of the complex and parsimonious models.
    pub complex_model: usize,
    pub parsimonious_model: usize,
    pub solution: Solution,
    /// Easy counterfactuals, in row order; complete iff its length equals
    /// `easy_counterfactuals_count` (listed up to [`LIST_LIMIT`] rows within
    /// [`LIST_TOTAL_LIMIT`], else empty).
    pub easy_counterfactuals: Vec<ConfigRow>,
    /// Difficult counterfactuals (SA of the parsimonious model minus EC), in row order;
    /// complete iff its length equals `difficult_counterfactuals_count`.
    pub difficult_counterfactuals: Vec<ConfigRow>,
    /// Exact number of easy counterfactuals.
    pub easy_counterfactuals_count: u128,
    /// Exact number of difficult counterfactuals.
    pub difficult_counterfactuals_count: u128,
    /// Both lists above are complete.
    pub counterfactuals_listed: bool,
}

/// Parameters of fit of one term (a prime implicant within a model).
#[derive(Debug, Clone, PartialEq)]
pub struct TermFit {
    pub implicant: Implicant,
    pub expr: String,
    pub consistency: f64,
    pub pri: f64,
    pub coverage: f64,
    /// Against the other terms of the same model; `None` for a one-term model.
    pub unique_coverage: Option<f64>,
    /// Cases of the positive rows the term covers (indices in the analysed cases), one group
    /// per row (row order; each the row's own list, shared).
    pub cases: Vec<std::sync::Arc<[u32]>>,
}

impl TermFit {
    /// The reference's printout of the cases, named by `ids`: "A,B; C".
    pub fn cases_string(&self, ids: &CaseIds) -> String {
        self.cases
            .iter()
            .map(|g| names(ids, g).join(","))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// The names of cases given by their indices (an index out of range is `?`).
pub fn names<'a>(ids: &'a CaseIds, cases: &[u32]) -> Vec<&'a str> {
    cases
        .iter()
        .map(|i| ids.get(*i as usize).unwrap_or("?"))
        .collect()
}

/// One row of the necessity table.
#[derive(Debug, Clone, PartialEq)]
pub struct NecessityRow {
    /// "~X", "X" or, for multi-value data, "X[v]".
    pub expr: String,
    pub condition: usize,
    /// Literal as in an implicant: 1 = `~X` / level 0, 2 = `X` / level 1, …
    pub literal: u32,
    pub consistency: f64,
    pub coverage: f64,
    pub relevance: f64,
}

/// True when QCA 3.23 computes simplifying assumptions for k conditions (3^k < 2^31).
/// This engine computes them for every k; above this the intermediate solution and CSA
/// are a documented departure (QCA would report none).
pub fn sa_allowed(k: usize) -> bool {
    k <= 19
}

/// Zero-padded model names as the reference prints them (M1 … M9, M01 … M12, M001 …).
pub fn model_names(n: usize) -> Vec<String> {
    let width = n.to_string().len();
    (1..=n)
        .map(|i| format!("M{:0width$}", i, width = width))
        .collect()
}
