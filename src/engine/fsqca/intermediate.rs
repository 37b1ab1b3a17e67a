//! Engine stage: simplifying assumptions, the intermediate solution and contradictory
//! simplifying assumptions (docs/methods.md §4.3–§4.4), for any number of conditions.
//!
//! Guarantees: every set of configurations is held as a union of cubes ([`cubes`]), so
//! nothing enumerates 2^k. The simplifying assumptions (SA) of a parsimonious model are
//! the configurations covered by its PIs minus the positive rows; for every (complex
//! model, parsimonious model) pair the easy counterfactuals (EC) follow the directional
//! expectations exactly as `C_getEC`: with R the union of the `res` terms (each lies in
//! its parsimonious PI, so R ⊆ the model's PIs), EC = R \ positive rows, and the
//! difficult counterfactuals are DC = SA \ EC. Each set is counted exactly (u128) and
//! listed in row order when it has at most [`LIST_LIMIT`] configurations and the
//! analysis has listed fewer than [`LIST_TOTAL_LIMIT`] rows in all (a [`ListBudget`];
//! a list is complete iff its length equals its count, otherwise empty).
//!
//! The intermediate solution minimizes F = positive rows ∪ EC = positive rows ∪ R. Its
//! prime implicants are computed on cubes ([`cubes::Space::prime_implicants`]); when the
//! reference would print a solution (k ≤ 19) and QMC on the configurations of F is cheap
//! (Σ over those PIs of Π over their free conditions of (levels + 1), a bound on the
//! implicants QMC builds, at most [`QMC_COST_LIMIT`]), QMC is run instead exactly as the
//! reference (positive rows, then EC in row order), so the PI order of docs/methods.md §4.2 — quirk
//! included — is QCA's own (every fixture is below the limit: at most 351). Otherwise the
//! PIs (and so the models) are the same sets, but the order among PIs that tie in the
//! docs/methods.md §4.2 sort may differ from what R would print. The chart is solved over the positive
//! rows only.
//! The contradictory SA rebuild the truth table for 1 − Y with the consistency cuts
//! reversed and intersect the two unions of cubes.

use std::collections::{HashMap, HashSet};

use super::chart;
use super::cubes::{self, Cube, Space};
use super::fit::Context;
use super::implicants::{self, covers, subsumes, Implicant};
use super::truth_table::TruthTableRow;
use super::truth_table::{self, Data, Out};
use super::types::{
    sa_allowed, ConfigRow, Expectation, FsqcaOptions, IntermediateSolution, Solution,
};

/// Sets of configurations (SA, EC, DC, CSA) are listed only up to this size; above it
/// only their count is reported.
pub const LIST_LIMIT: u128 = 100_000;

/// At most this many rows are listed over all the SA, EC, DC and CSA lists of one
/// analysis (memory bound; many models can each have a listable set).
pub const LIST_TOTAL_LIMIT: u128 = 1_000_000;

/// Rows that may still be listed in one analysis.
#[derive(Debug, Clone)]
pub struct ListBudget(pub u128);

impl Default for ListBudget {
    fn default() -> Self {
        ListBudget(LIST_TOTAL_LIMIT)
    }
}

impl ListBudget {
    /// Reserve `n` rows if the list is small enough and the budget allows it.
    pub fn take(&mut self, n: u128) -> bool {
        if n <= LIST_LIMIT && n <= self.0 {
            self.0 -= n;
            true
        } else {
            false
        }
    }
}

/// Bound on the implicants the explicit QMC of the intermediate solution may build
/// (Σ over the PIs of F of Π over their free conditions of levels + 1); above it the
/// cube path is used.
pub const QMC_COST_LIMIT: u128 = 1 << 16;

/// The contradictory SA need the PIs of every minimum cover of the ~Y chart; when
/// enumerating those covers takes more than this work (search nodes × coverage classes;
/// about half a second) the CSA are not computed.
pub const CSA_WORK_LIMIT: u64 = 200_000_000;

/// How the intermediate solution's prime implicants are found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Minimizer {
    /// QMC when the reference prints an intermediate solution (k ≤ 19) and QMC is cheap
    /// (at most [`QMC_COST_LIMIT`]); the cube path otherwise.
    #[default]
    Auto,
    /// Always QMC on the configurations of F (exponential: for tests and small data).
    Qmc,
    /// Always the cube path.
    Cubes,
}

/// A set of configurations with its exact size; `rows` (row order) is complete iff
/// `rows.len() == count`, otherwise it is empty.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Counted {
    pub count: u128,
    pub rows: Vec<ConfigRow>,
}

impl Counted {
    pub fn listed(&self) -> bool {
        self.rows.len() as u128 == self.count
    }
}

fn counted(
    space: &Space,
    cubes: &[Cube],
    exclude: &HashSet<u128>,
    excluded_inside: usize,
    budget: &mut ListBudget,
) -> Counted {
    let count = space.count(cubes).saturating_sub(excluded_inside as u128);
    let rows = if budget.take(count) {
        space.list(cubes, exclude)
    } else {
        Vec::new()
    };
    Counted { count, rows }
}

/// Simplifying assumptions of one parsimonious model (its PIs as implicants).
pub fn simplifying_assumptions(
    space: &Space,
    pis: &[&Implicant],
    pos_cfg: &[Vec<u32>],
    budget: &mut ListBudget,
) -> Counted {
    let cubes: Vec<Cube> = pis.iter().map(|p| space.cube(p)).collect();
    let positive: HashSet<u128> = pos_cfg.iter().map(|c| space.row_of(c)).collect();
    let inside = pos_cfg
        .iter()
        .filter(|c| pis.iter().any(|p| covers(p, c)))
        .count();
    counted(space, &cubes, &positive, inside, budget)
}

fn expected_levels(e: &Expectation) -> Option<Vec<u32>> {
    match e {
        Expectation::Presence => Some(vec![1]),
        Expectation::Absence => Some(vec![0]),
        Expectation::Either | Expectation::None => None,
        Expectation::Levels(v) => Some(v.clone()),
    }
}

/// The `res` terms of a complex model against a parsimonious model (docs/methods.md §4.3, single-condition
/// expectations): for every complex PI C and parsimonious PI P ⊇ C, C without the literals
/// (outside P) that contradict an expectation.
pub fn easy_terms(
    complex: &[&Implicant],
    pars: &[&Implicant],
    exp: &[Expectation],
) -> Vec<Implicant> {
    let mut res_terms = Vec::new();
    for c in complex {
        for p in pars {
            if !subsumes(p, c) {
                continue;
            }
            let mut res = (*c).clone();
            for j in 0..c.len() {
                if c[j] != 0 && p[j] == 0 {
                    if let Some(levels) = expected_levels(&exp[j]) {
                        if !levels.contains(&(c[j] - 1)) {
                            res[j] = 0;
                        }
                    }
                }
            }
            res_terms.push(res);
        }
    }
    res_terms
}

/// Order of the cube path's PIs before the docs/methods.md §4.2 sort: fewest literals first (as QMC,
/// whose later passes come first), then by implicant.
fn cube_order(mut pis: Vec<Implicant>) -> Vec<Implicant> {
    pis.sort_by(|a, b| {
        implicants::literal_count(a)
            .cmp(&implicants::literal_count(b))
            .then_with(|| a.cmp(b))
    });
    pis
}

/// Bound on the number of implicants QMC builds for the function whose PIs are `pis`.
fn qmc_cost(space: &Space, levels: &[u32], pis: &[Cube]) -> u128 {
    pis.iter()
        .map(|c| {
            space
                .implicant(c)
                .iter()
                .zip(levels)
                .filter(|(v, _)| **v == 0)
                .fold(1u128, |a, (_, l)| a.saturating_mul(*l as u128 + 1))
        })
        .fold(0u128, |a, b| a.saturating_add(b))
}

/// Prime implicants of F = positive rows ∪ R (R the union of `res`; `bcf` the PIs of F
/// from the cube path), in reference order (QMC path) or in [`cube_order`] then sorted
/// (cube path).
#[allow(clippy::too_many_arguments)]
fn minimize_f(
    space: &Space,
    levels: &[u32],
    bcf: &[Cube],
    res: &[Cube],
    pos_cfg: &[Vec<u32>],
    ec: &Counted,
    positive: &HashSet<u128>,
    minimizer: Minimizer,
) -> Vec<Implicant> {
    let use_qmc = match minimizer {
        Minimizer::Qmc => true,
        Minimizer::Cubes => false,
        // above 19 conditions QCA prints no intermediate solution: no order to match
        Minimizer::Auto => {
            sa_allowed(levels.len()) && qmc_cost(space, levels, bcf) <= QMC_COST_LIMIT
        }
    };
    if use_qmc {
        let mut rows: Vec<Vec<u32>> = pos_cfg.to_vec();
        if ec.listed() {
            rows.extend(ec.rows.iter().map(|r| r.config.clone()));
        } else {
            rows.extend(space.list(res, positive).into_iter().map(|r| r.config));
        }
        implicants::sorted(implicants::qmc(&rows, levels))
    } else {
        let pis: Vec<Implicant> = bcf
            .iter()
            .map(|c| space.implicant(c))
            .filter(|imp| pos_cfg.iter().any(|p| covers(imp, p)))
            .collect();
        implicants::sorted(cube_order(pis))
    }
}

/// Intermediate solutions for every (complex model, parsimonious model) pair.
#[allow(clippy::too_many_arguments)]
pub fn intermediate(
    ctx: &Context,
    space: &Space,
    complex: &Solution,
    pars: &Solution,
    sas: &[Counted],
    exp: &[Expectation],
    pos: &[&TruthTableRow],
    pos_cfg: &[Vec<u32>],
    all_sol: bool,
    minimizer: Minimizer,
    budget: &mut ListBudget,
    limit: usize,
) -> Vec<IntermediateSolution> {
    let positive: HashSet<u128> = pos.iter().map(|r| r.row).collect();
    let mut out: Vec<IntermediateSolution> = Vec::new();
    // the same implicants give the same solution: where it was first found in `out`
    let mut cache: HashMap<Vec<Cube>, usize> = HashMap::new();
    let no_sa = Counted::default();
    let mut models = 0;
    'pairs: for (ci, cm) in complex.models.iter().enumerate() {
        let cpis: Vec<&Implicant> = cm
            .pi_indices
            .iter()
            .map(|i| &complex.prime_implicants[*i].implicant)
            .collect();
        for (pi, pm) in pars.models.iter().enumerate() {
            if models >= limit {
                break 'pairs;
            }
            let ppis: Vec<&Implicant> = pm
                .pi_indices
                .iter()
                .map(|i| &pars.prime_implicants[*i].implicant)
                .collect();
            let res = easy_terms(&cpis, &ppis, exp);
            let res_cubes: Vec<Cube> = res.iter().map(|t| space.cube(t)).collect();
            let pos_in_r = pos_cfg
                .iter()
                .filter(|p| res.iter().any(|t| covers(t, p)))
                .count();
            let sa = sas.get(pi).unwrap_or(&no_sa);
            let mut ec = Counted {
                count: space.count(&res_cubes).saturating_sub(pos_in_r as u128),
                rows: Vec::new(),
            };
            let mut dc = Counted {
                count: sa.count.saturating_sub(ec.count),
                rows: Vec::new(),
            };
            if sa.listed() && budget.take(sa.count) {
                (ec.rows, dc.rows) = sa
                    .rows
                    .iter()
                    .cloned()
                    .partition(|r| res.iter().any(|t| covers(t, &r.config)));
            } else if budget.take(ec.count) {
                ec.rows = space.list(&res_cubes, &positive);
            }
            let label = format!("C{}P{}", ci + 1, pi + 1);
            // pairs with the same function F share one re-minimization (its prime
            // implicants are canonical)
            let mut f: Vec<Cube> = res_cubes.clone();
            f.extend(pos_cfg.iter().map(|c| space.minterm(c)));
            let mut bcf = space.prime_implicants(&f);
            bcf.sort_unstable();
            let solution = match cache.get(&bcf) {
                Some(&first) => {
                    let mut sol: Solution = Clone::clone(&out[first].solution);
                    for m in &mut sol.models {
                        m.from = Some(label.clone());
                    }
                    sol
                }
                None => {
                    let pis = minimize_f(
                        space,
                        &ctx.data.levels,
                        &bcf,
                        &res_cubes,
                        pos_cfg,
                        &ec,
                        &positive,
                        minimizer,
                    );
                    cache.insert(bcf, out.len());
                    ctx.solution(pis, pos, all_sol, Some(&label))
                }
            };
            models += solution.models.len();
            out.push(IntermediateSolution {
                from: label,
                complex_model: ci,
                parsimonious_model: pi,
                solution,
                counterfactuals_listed: ec.listed() && dc.listed(),
                easy_counterfactuals_count: ec.count,
                difficult_counterfactuals_count: dc.count,
                easy_counterfactuals: ec.rows,
                difficult_counterfactuals: dc.rows,
            });
        }
    }
    out
}

/// The parsimonious PIs of `pos` against `neg` that belong to some model (minimum cover,
/// or irredundant cover with `all_sol`); `None` when enumerating the minimum covers
/// exceeds [`CSA_WORK_LIMIT`].
fn parsimonious_used(pos: &[Vec<u32>], neg: &[Vec<u32>], all_sol: bool) -> Option<Vec<Implicant>> {
    let pis: Vec<Implicant> = implicants::parsimonious(pos, neg)
        .into_iter()
        .filter(|p| pos.iter().any(|r| covers(p, r)))
        .collect();
    let cover: Vec<Vec<usize>> = pis
        .iter()
        .map(|p| (0..pos.len()).filter(|r| covers(p, &pos[*r])).collect())
        .collect();
    let used: Vec<usize> = if all_sol {
        let mut u: Vec<usize> = chart::irredundant_covers(&cover, pos.len())
            .into_iter()
            .flatten()
            .collect();
        u.sort_unstable();
        u.dedup();
        u
    } else {
        chart::pis_in_minimum_covers_limited(&cover, pos.len(), CSA_WORK_LIMIT)?
    };
    Some(used.into_iter().map(|i| pis[i].clone()).collect())
}

/// Contradictory simplifying assumptions (`findRows(type = 2)`): remainders in the SA of
/// some parsimonious model for Y and of some parsimonious model for ~Y (truth table of
/// 1 − Y with `incl.cut` reversed); `None` when the ~Y chart is too costly (see
/// [`CSA_WORK_LIMIT`]). Computed on cubes: the pairwise intersections of the
/// PIs used by the two solutions, minus the positive rows of either table.
pub fn contradictory_sa(
    data: &Data,
    space: &Space,
    opts: &FsqcaOptions,
    pars: &Solution,
    pos_cfg: &[Vec<u32>],
    budget: &mut ListBudget,
) -> Option<Counted> {
    let mut nopts = opts.clone();
    if let Some(ic0) = opts.incl_cut0 {
        nopts.incl_cut = ic0;
        nopts.incl_cut0 = Some(opts.incl_cut);
    }
    let tt = truth_table::build(data, true, &nopts);
    let npos: Vec<Vec<u32>> = tt
        .rows
        .iter()
        .filter(|r| r.out == Out::One)
        .map(|r| r.config.clone())
        .collect();
    let nneg: Vec<Vec<u32>> = tt
        .rows
        .iter()
        .filter(|r| matches!(r.out, Out::Zero | Out::Contradiction))
        .map(|r| r.config.clone())
        .collect();
    let used_n: Vec<Cube> = parsimonious_used(&npos, &nneg, opts.all_sol)?
        .iter()
        .map(|p| space.cube(p))
        .collect();
    let mut idx: Vec<usize> = pars
        .models
        .iter()
        .flat_map(|m| m.pi_indices.iter().copied())
        .collect();
    idx.sort_unstable();
    idx.dedup();
    let used_y: Vec<Cube> = idx
        .iter()
        .map(|i| space.cube(&pars.prime_implicants[*i].implicant))
        .collect();
    let both: Vec<Cube> = cubes::maximal(
        used_y
            .iter()
            .flat_map(|a| used_n.iter().filter_map(move |b| a.intersect(b)))
            .collect(),
    );
    let mut exclude: HashSet<u128> = HashSet::new();
    let mut inside = 0;
    for c in pos_cfg.iter().chain(&npos) {
        if exclude.insert(space.row_of(c)) {
            let m = space.minterm(c);
            if both.iter().any(|b| b.contains(&m)) {
                inside += 1;
            }
        }
    }
    Some(counted(space, &both, &exclude, inside, budget))
}
