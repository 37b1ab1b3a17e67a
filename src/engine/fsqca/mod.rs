//! Engine stage: fsQCA / csQCA / mvQCA analysis (METHODS.md §4, r-qca.md §4–§5).
//!
//! Guarantees: the engine knows nothing of syntax. It takes membership columns (one per
//! condition, after listwise deletion), the outcome column, case names, thresholds and
//! directional expectations, and returns plain structs: the truth table (observed rows
//! only), the necessity table, the complex, parsimonious and intermediate solutions (every
//! minimum cover of the prime implicant chart as a model), the simplifying assumptions and
//! the contradictory simplifying assumptions. Numbers are never rounded except by the
//! reference's own zeroing in `sets.rs`. Invalid input gives an [`FsqcaError`], never a
//! panic; nothing enumerates all 2^k configurations: the simplifying assumptions, easy
//! and difficult counterfactuals and contradictory simplifying assumptions are unions of
//! cubes, counted exactly and listed only up to [`LIST_LIMIT`] rows each and
//! [`LIST_TOTAL_LIMIT`] rows in all.
//!
//! Departure (documented): QCA 3.23 computes SA and the intermediate solution only when
//! 3^k < 2^31 (k ≤ 19) and silently ignores `dir.exp` above; here they are computed for
//! every k (see [`sa_allowed`] for the reference's rule). The contradictory simplifying
//! assumptions keep the reference's rule (k ≤ 19), within a work limit.

pub mod chart;
pub mod cubes;
pub mod fit;
pub mod implicants;
pub mod intermediate;
pub mod truth_table;

use std::fmt;

pub use fit::{NecessityRow, TermFit};
pub use implicants::Implicant;
pub use intermediate::{Minimizer, LIST_LIMIT, LIST_TOTAL_LIMIT, QMC_COST_LIMIT};
pub use truth_table::{Out, TruthTable, TruthTableRow};

/// Hard limit on the number of conditions.
pub const MAX_CONDITIONS: usize = 30;

/// Tolerance of the reference (`sqrt(.Machine$double.eps)`).
pub const TOL: f64 = 1.490_116_119_384_765_6e-8;

/// Input of one fsQCA analysis.
#[derive(Debug, Clone, Default)]
pub struct FsqcaInput {
    /// Condition names, in term order.
    pub conditions: Vec<String>,
    /// One membership (or crisp / multi-value level) column per condition.
    pub memberships: Vec<Vec<f64>>,
    /// Outcome name (for messages only).
    pub outcome_name: String,
    /// Outcome membership; the caller passes 1 − Y for a negated outcome.
    pub outcome: Vec<f64>,
    /// Case names, in data order.
    pub cases: Vec<String>,
}

/// Directional expectation of one condition (r-qca §5.8).
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

/// A prime implicant of a solution, in reference order (§5.4).
#[derive(Debug, Clone, PartialEq)]
pub struct PrimeImplicant {
    /// 0 = condition absent, level + 1 otherwise (binary: 1 = `~X`, 2 = `X`).
    pub implicant: Implicant,
    /// Term string (§5.5).
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

/// Result of one analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct FsqcaResult {
    pub necessity: Vec<NecessityRow>,
    pub truth_table: TruthTable,
    pub complex: Solution,
    pub parsimonious: Solution,
    /// One per (complex model, parsimonious model) pair; empty without expectations or
    /// when the simplifying assumptions are not computed.
    pub intermediate: Vec<IntermediateSolution>,
    /// Whether the simplifying assumptions (and so the intermediate solution and CSA)
    /// were computed. Always, for any k (a departure: QCA 3.23 only when k ≤ 19, see
    /// [`sa_allowed`]), except when the configurations cannot be packed in 128 bits (a
    /// crisp condition with more than 15 levels and more than 16 conditions, …).
    pub sa_computed: bool,
    /// Simplifying assumptions per parsimonious model (same order as its models), in row
    /// order; a model's list is complete iff its length equals its count (listed up to
    /// [`LIST_LIMIT`] rows within [`LIST_TOTAL_LIMIT`], else empty).
    pub simplifying_assumptions: Vec<Vec<ConfigRow>>,
    /// Exact number of simplifying assumptions per parsimonious model.
    pub simplifying_assumptions_count: Vec<u128>,
    /// Every list in `simplifying_assumptions` is complete.
    pub simplifying_assumptions_listed: bool,
    /// Contradictory simplifying assumptions, in row order; `None` when not computed
    /// (`csa` off, k ≥ 20, the work limit, or SA not computed; see the note) or when
    /// there are too many to list (then only the count is given).
    pub contradictory_simplifying_assumptions: Option<Vec<ConfigRow>>,
    /// Exact number of contradictory simplifying assumptions; `None` when not computed.
    pub contradictory_simplifying_assumptions_count: Option<u128>,
    /// Why the contradictory simplifying assumptions are not listed although `csa` was
    /// asked for: too many to list (the count is given); k ≥ 20 (not
    /// computed, as QCA 3.23); the ~Y chart exceeds [`intermediate::CSA_WORK_LIMIT`]; or
    /// SA not computed.
    pub contradictory_simplifying_assumptions_note: Option<String>,
    /// Cases with a fuzzy membership of exactly 0.5 in some condition (placed in the 0
    /// row, counted in no row).
    pub half_membership_cases: Vec<String>,
}

/// True when QCA 3.23 computes simplifying assumptions for k conditions (3^k < 2^31).
/// This engine computes them for every k; above this the intermediate solution and CSA
/// are a documented departure (QCA would report none).
pub fn sa_allowed(k: usize) -> bool {
    k <= 19
}

/// Run one analysis.
pub fn analyse(input: &FsqcaInput, opts: &FsqcaOptions) -> Result<FsqcaResult, FsqcaError> {
    analyse_with(input, opts, Minimizer::Auto)
}

/// [`analyse`] with a chosen minimizer for the intermediate solution (tests compare the
/// QMC and cube paths; [`Minimizer::Qmc`] is exponential in k).
pub fn analyse_with(
    input: &FsqcaInput,
    opts: &FsqcaOptions,
    minimizer: Minimizer,
) -> Result<FsqcaResult, FsqcaError> {
    let data = truth_table::Data::new(input)?;
    if let Some(e) = &opts.expectations {
        if e.len() != data.k {
            return Err(FsqcaError::ExpectationLength(e.len(), data.k));
        }
    }
    let tt = truth_table::build(&data, &data.outcome, opts);
    let necessity = fit::necessity_table(&data);
    let ctx = fit::Context::new(&data, &tt);

    let pos: Vec<&TruthTableRow> = tt.rows.iter().filter(|r| r.out == Out::One).collect();
    let neg: Vec<&TruthTableRow> = tt
        .rows
        .iter()
        .filter(|r| matches!(r.out, Out::Zero | Out::Contradiction))
        .collect();
    let pos_cfg: Vec<Vec<u32>> = pos.iter().map(|r| r.config.clone()).collect();
    let neg_cfg: Vec<Vec<u32>> = neg.iter().map(|r| r.config.clone()).collect();

    // Complex solution: QMC on the positive rows.
    let comp_pis = implicants::sorted(implicants::qmc(&pos_cfg, &data.levels));
    let complex = ctx.solution(comp_pis, &pos, opts.all_sol, None);

    // Parsimonious solution: remainders as don't cares.
    let pars_pis = implicants::sorted(implicants::parsimonious(&pos_cfg, &neg_cfg));
    let parsimonious = ctx.solution(pars_pis, &pos, opts.all_sol, None);

    let space = cubes::Space::new(&data.levels, &data.weights);
    let sa_computed = space.is_some();
    let mut sas: Vec<intermediate::Counted> = Vec::new();
    let mut budget = intermediate::ListBudget::default();
    let mut intermediate_sols = Vec::new();
    let mut csa = None;
    let mut csa_note = None;
    if let Some(space) = &space {
        sas = parsimonious
            .models
            .iter()
            .map(|m| {
                let pis: Vec<&Implicant> = m
                    .pi_indices
                    .iter()
                    .map(|i| &parsimonious.prime_implicants[*i].implicant)
                    .collect();
                intermediate::simplifying_assumptions(space, &pis, &pos_cfg, &mut budget)
            })
            .collect();
        if let Some(exp) = &opts.expectations {
            intermediate_sols = intermediate::intermediate(
                &ctx,
                space,
                &complex,
                &parsimonious,
                &sas,
                exp,
                &pos,
                &pos_cfg,
                opts.all_sol,
                minimizer,
                &mut budget,
            );
        }
        if opts.csa && !sa_allowed(data.k) {
            csa_note = Some(
                "not computed with 20 or more conditions (as QCA 3.23): they need a second \
                 parsimonious solution, for the negated outcome, and its every minimum cover"
                    .to_string(),
            );
        } else if opts.csa {
            csa = intermediate::contradictory_sa(
                &data,
                space,
                opts,
                &parsimonious,
                &pos_cfg,
                &mut budget,
            );
            if csa.is_none() {
                csa_note = Some(
                    "not computed: enumerating the minimum covers of the negated outcome's \
                     parsimonious chart exceeds the work limit"
                        .to_string(),
                );
            }
        }
    }
    let simplifying_assumptions_listed = sas.iter().all(|s| s.listed());
    let simplifying_assumptions_count = sas.iter().map(|s| s.count).collect();
    let simplifying_assumptions = sas.into_iter().map(|s| s.rows).collect();
    let csa_count = csa.as_ref().map(|c: &intermediate::Counted| c.count);
    if let Some(c) = csa.as_ref().filter(|c| !c.listed()) {
        csa_note = Some(format!(
            "{} contradictory simplifying assumptions: not listed (more than {LIST_LIMIT}, \
             or more than {LIST_TOTAL_LIMIT} rows listed in all)",
            c.count
        ));
    }
    if opts.csa && space.is_none() {
        csa_note = Some("not computed: the configurations do not fit in 128 bits".into());
    }
    let csa = csa.filter(|c| c.listed()).map(|c| c.rows);

    Ok(FsqcaResult {
        necessity,
        half_membership_cases: data
            .half
            .iter()
            .enumerate()
            .filter(|(_, h)| **h)
            .map(|(i, _)| data.cases[i].clone())
            .collect(),
        truth_table: tt,
        complex,
        parsimonious,
        intermediate: intermediate_sols,
        sa_computed,
        simplifying_assumptions,
        simplifying_assumptions_count,
        simplifying_assumptions_listed,
        contradictory_simplifying_assumptions: csa,
        contradictory_simplifying_assumptions_count: csa_count,
        contradictory_simplifying_assumptions_note: csa_note,
    })
}

/// Zero-padded model names as the reference prints them (M1 … M9, M01 … M12, M001 …).
pub fn model_names(n: usize) -> Vec<String> {
    let width = n.to_string().len();
    (1..=n)
        .map(|i| format!("M{:0width$}", i, width = width))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_padded() {
        assert_eq!(model_names(3), vec!["M1", "M2", "M3"]);
        assert_eq!(model_names(12)[0], "M01");
        assert_eq!(model_names(676)[0], "M001");
    }
}
