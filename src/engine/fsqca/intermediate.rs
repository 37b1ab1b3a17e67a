//! Engine stage: simplifying assumptions, the intermediate solution and contradictory
//! simplifying assumptions (r-qca.md §5.7–§5.9).
//!
//! Guarantees: the simplifying assumptions of a parsimonious model are the configurations
//! covered by its PIs minus the positive rows (callers compute them only when
//! 3^k < 2^31, as QCA 3.23). For every (complex model, parsimonious model) pair the easy
//! counterfactuals follow the directional expectations exactly as `C_getEC`, the positive
//! rows plus the easy counterfactuals are minimized anew (QMC) and the chart is solved over
//! the positive rows only; difficult counterfactuals are SA \ EC. The CSA rebuild the truth
//! table for 1 − Y with the consistency cuts reversed.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::fit::Context;
use super::implicants::{self, covers, subsumes, Implicant};
use super::truth_table::{self, Data, Out, TruthTableRow};
use super::{chart, ConfigRow, Expectation, FsqcaOptions, IntermediateSolution, Model, Solution};

/// Every configuration covered by one of `pis` that is not a positive row, in row order.
pub fn expand(data: &Data, pis: &[&Implicant], positive: &HashSet<u128>) -> Vec<ConfigRow> {
    let mut out: BTreeMap<u128, Vec<u32>> = BTreeMap::new();
    for imp in pis {
        let free: Vec<usize> = (0..data.k).filter(|j| imp[*j] == 0).collect();
        let mut cfg: Vec<u32> = imp.iter().map(|v| v.saturating_sub(1)).collect();
        loop {
            let row = data.row_number(&cfg);
            if !positive.contains(&row) {
                out.entry(row).or_insert_with(|| cfg.clone());
            }
            // odometer over the free positions (last position fastest)
            let mut advanced = false;
            for &j in free.iter().rev() {
                if cfg[j] + 1 < data.levels[j] {
                    cfg[j] += 1;
                    advanced = true;
                    break;
                }
                cfg[j] = 0;
            }
            if !advanced {
                break;
            }
        }
    }
    out.into_iter()
        .map(|(row, config)| ConfigRow { row, config })
        .collect()
}

/// Simplifying assumptions of one parsimonious model.
pub fn simplifying_assumptions(
    data: &Data,
    pars: &Solution,
    model: &Model,
    pos: &[&TruthTableRow],
) -> Vec<ConfigRow> {
    let positive: HashSet<u128> = pos.iter().map(|r| r.row).collect();
    let pis: Vec<&Implicant> = model
        .pi_indices
        .iter()
        .map(|i| &pars.prime_implicants[*i].implicant)
        .collect();
    expand(data, &pis, &positive)
}

fn expected_levels(e: &Expectation) -> Option<Vec<u32>> {
    match e {
        Expectation::Presence => Some(vec![1]),
        Expectation::Absence => Some(vec![0]),
        Expectation::Either | Expectation::None => None,
        Expectation::Levels(v) => Some(v.clone()),
    }
}

/// The `res` terms of a complex model against a parsimonious model (§5.8, single-condition
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

/// Intermediate solutions for every (complex model, parsimonious model) pair.
#[allow(clippy::too_many_arguments)]
pub fn intermediate(
    ctx: &Context,
    complex: &Solution,
    pars: &Solution,
    sas: &[Vec<ConfigRow>],
    exp: &[Expectation],
    pos: &[&TruthTableRow],
    pos_cfg: &[Vec<u32>],
    all_sol: bool,
) -> Vec<IntermediateSolution> {
    let mut out = Vec::new();
    let mut cache: HashMap<Vec<u128>, Solution> = HashMap::new();
    for (ci, cm) in complex.models.iter().enumerate() {
        let cpis: Vec<&Implicant> = cm
            .pi_indices
            .iter()
            .map(|i| &complex.prime_implicants[*i].implicant)
            .collect();
        for (pi, pm) in pars.models.iter().enumerate() {
            let ppis: Vec<&Implicant> = pm
                .pi_indices
                .iter()
                .map(|i| &pars.prime_implicants[*i].implicant)
                .collect();
            let res = easy_terms(&cpis, &ppis, exp);
            let (ec, dc): (Vec<ConfigRow>, Vec<ConfigRow>) = sas[pi]
                .iter()
                .cloned()
                .partition(|r| res.iter().any(|t| covers(t, &r.config)));
            let label = format!("C{}P{}", ci + 1, pi + 1);
            // pairs with the same easy counterfactuals share one re-minimization
            let key: Vec<u128> = ec.iter().map(|r| r.row).collect();
            let solution = match cache.get(&key) {
                Some(sol) => {
                    let mut sol: Solution = Clone::clone(sol);
                    for m in &mut sol.models {
                        m.from = Some(label.clone());
                    }
                    sol
                }
                None => {
                    let mut rows: Vec<Vec<u32>> = pos_cfg.to_vec();
                    rows.extend(ec.iter().map(|r| r.config.clone()));
                    let pis = implicants::sorted(implicants::qmc(&rows, &ctx.data.levels));
                    let sol = ctx.solution(pis, pos, all_sol, Some(&label));
                    cache.insert(key, sol.clone());
                    sol
                }
            };
            out.push(IntermediateSolution {
                from: label,
                complex_model: ci,
                parsimonious_model: pi,
                solution,
                easy_counterfactuals: ec,
                difficult_counterfactuals: dc,
            });
        }
    }
    out
}

/// The parsimonious PIs of `pos` against `neg` that belong to some model (minimum cover,
/// or irredundant cover with `all_sol`).
fn parsimonious_used(pos: &[Vec<u32>], neg: &[Vec<u32>], all_sol: bool) -> Vec<Implicant> {
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
        chart::pis_in_minimum_covers(&cover, pos.len())
    };
    used.into_iter().map(|i| pis[i].clone()).collect()
}

/// Contradictory simplifying assumptions (`findRows(type = 2)`): remainders in the SA of
/// some parsimonious model for Y and of some parsimonious model for ~Y (truth table of
/// 1 − Y with `incl.cut` reversed).
pub fn contradictory_sa(
    data: &Data,
    opts: &FsqcaOptions,
    sas: &[Vec<ConfigRow>],
) -> Vec<ConfigRow> {
    let ny: Vec<f64> = data.outcome.iter().map(|y| 1.0 - y).collect();
    let mut nopts = opts.clone();
    if let Some(ic0) = opts.incl_cut0 {
        nopts.incl_cut = ic0;
        nopts.incl_cut0 = Some(opts.incl_cut);
    }
    let tt = truth_table::build(data, &ny, &nopts);
    let pos: Vec<Vec<u32>> = tt
        .rows
        .iter()
        .filter(|r| r.out == Out::One)
        .map(|r| r.config.clone())
        .collect();
    let neg: Vec<Vec<u32>> = tt
        .rows
        .iter()
        .filter(|r| matches!(r.out, Out::Zero | Out::Contradiction))
        .map(|r| r.config.clone())
        .collect();
    let used = parsimonious_used(&pos, &neg, opts.all_sol);
    let positive: HashSet<u128> = pos.iter().map(|c| data.row_number(c)).collect();
    let neg_pis: Vec<&Implicant> = used.iter().collect();
    let neg_sa: HashSet<u128> = expand(data, &neg_pis, &positive)
        .into_iter()
        .map(|r| r.row)
        .collect();
    let mut out: BTreeMap<u128, Vec<u32>> = BTreeMap::new();
    for r in sas.iter().flatten() {
        if neg_sa.contains(&r.row) {
            out.insert(r.row, r.config.clone());
        }
    }
    out.into_iter()
        .map(|(row, config)| ConfigRow { row, config })
        .collect()
}
