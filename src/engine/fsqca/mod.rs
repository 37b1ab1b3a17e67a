//! Engine stage: fsQCA / csQCA / mvQCA analysis (docs/methods.md §4).
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
pub mod exclusions;
pub mod fit;
pub mod implicants;
pub mod intermediate;
pub mod truth_table;
pub mod types;

pub use intermediate::{Minimizer, LIST_LIMIT, LIST_TOTAL_LIMIT, QMC_COST_LIMIT};
pub use truth_table::{Out, TruthTable, TruthTableRow};
pub use types::*;

use crate::engine::ids::CaseIds;

/// Result of one analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct FsqcaResult {
    pub necessity: Vec<NecessityRow>,
    pub truth_table: TruthTable,
    pub complex: Solution,
    pub parsimonious: Solution,
    /// One per (complex model, parsimonious model) pair, in order, up to
    /// [`INTERMEDIATE_MODELS_LIMIT`] models in all; empty without expectations or when the
    /// simplifying assumptions are not computed.
    pub intermediate: Vec<IntermediateSolution>,
    /// The number of (complex model, parsimonious model) pairs with an intermediate
    /// solution to find (0 without one): more than `intermediate` holds when the limit
    /// stopped the search.
    pub intermediate_pairs: usize,
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
    /// The names of the analysed cases (shared with the input): the truth table's rows and
    /// the terms list cases by their index here.
    pub cases: CaseIds,
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
    let tt = truth_table::build(&data, false, opts);
    let necessity = fit::necessity_table(&data);
    let ctx = fit::Context::new(&data, &tt);

    let pos: Vec<&TruthTableRow> = tt.rows.iter().filter(|r| r.out == Out::One).collect();
    let neg: Vec<&TruthTableRow> = tt
        .rows
        .iter()
        .filter(|r| matches!(r.out, Out::Zero | Out::Contradiction))
        .collect();
    let pos_cfg: Vec<Vec<u32>> = pos.iter().map(|r| r.config.clone()).collect();
    let mut neg_cfg: Vec<Vec<u32>> = neg.iter().map(|r| r.config.clone()).collect();
    // ESA: excluded remainders are negative for the minimization (observed rows keep OUT)
    for c in &opts.exclude {
        if c.len() == data.k
            && !tt
                .rows
                .iter()
                .any(|r| &r.config == c && r.out != Out::Remainder)
            && !neg_cfg.contains(c)
        {
            neg_cfg.push(c.clone());
        }
    }

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
    let intermediate_pairs = if space.is_some() && opts.expectations.is_some() {
        complex.models.len() * parsimonious.models.len()
    } else {
        0
    };
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
                opts.intermediate_models_limit,
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
            .map(|(i, _)| data.cases.name(i).to_string())
            .collect(),
        cases: data.cases.clone(),
        truth_table: tt,
        complex,
        parsimonious,
        intermediate_pairs,
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
