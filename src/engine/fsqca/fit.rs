//! Engine stage: parameters of fit of terms, models and single conditions
//! (docs/methods.md §2, §4.2).
//!
//! Guarantees: every statistic comes from `crate::engine::sets` (sums in case order, the
//! reference's zeroing of values below 1e-5, NaN for a zero denominator). Unique coverage
//! is computed against the other terms of the same model (None for a one-term model); the
//! cases of a term are those of the positive truth table rows it covers, grouped per row
//! in row order. A solution's models are every minimum cover of the PI chart (or every
//! irredundant cover with `all_sol`).

use std::collections::HashMap;

use super::chart;
use super::implicants::{covers, term_string};
use super::truth_table::{Data, TruthTable, TruthTableRow};
use super::types::{
    model_names, Implicant, Model, NecessityRow, PrimeImplicant, Solution, TermFit, MODELS_LISTED,
};
use crate::engine::sets;

/// Necessity of every condition and its negation (multi-value: every observed level).
pub fn necessity_table(data: &Data) -> Vec<NecessityRow> {
    let mut out = Vec::new();
    for j in 0..data.k {
        let col = &data.memberships[j];
        let mut push = |expr: String, literal: u32, x: Vec<f64>| {
            let n = sets::necessity(&x, data.outcome);
            out.push(NecessityRow {
                expr,
                condition: j,
                literal,
                consistency: n.consistency,
                coverage: n.coverage,
                relevance: n.relevance,
            });
        };
        if data.fuzzy[j] || !data.multi_value {
            push(format!("~{}", data.names[j]), 1, sets::not(col));
            push(data.names[j].clone(), 2, col.to_vec());
        } else {
            let mut vals: Vec<u32> = col.iter().map(|v| *v as u32).collect();
            vals.sort_unstable();
            vals.dedup();
            for v in vals {
                let x = col
                    .iter()
                    .map(|c| if *c as u32 == v { 1.0 } else { 0.0 })
                    .collect();
                push(format!("{}[{}]", data.names[j], v), v + 1, x);
            }
        }
    }
    out
}

/// Memberships of the PIs used by a solution's models: cached when several models share
/// them and they take at most [`Memberships::BUDGET`] values (32 MB), else computed block
/// by block as the fit asks for them (no column per implicant at 10⁶ cases for one model).
struct Memberships {
    cache: HashMap<usize, Vec<f64>>,
}

impl Memberships {
    const BUDGET: usize = 1 << 22;

    fn new(ctx: &Context, pis: &[PrimeImplicant], used: &[usize], models: usize) -> Self {
        let mut cache = HashMap::new();
        if models > 1 && used.len().saturating_mul(ctx.data.n) <= Self::BUDGET {
            for p in used {
                cache.insert(*p, ctx.membership(&pis[*p].implicant));
            }
        }
        Memberships { cache }
    }

    /// The memberships of PI `p` of the cases `range`, written into `out`.
    fn block(
        &self,
        ctx: &Context,
        pis: &[PrimeImplicant],
        p: usize,
        range: std::ops::Range<usize>,
        out: &mut [f64],
    ) {
        match self.cache.get(&p).and_then(|v| v.get(range.clone())) {
            Some(v) => out.copy_from_slice(v),
            None => ctx.membership_into(&pis[p].implicant, range, out),
        }
    }
}

/// Data and truth table of one analysis, to compute solutions and their fit.
pub struct Context<'a> {
    pub data: &'a Data<'a>,
    pub tt: &'a TruthTable,
}

impl<'a> Context<'a> {
    pub fn new(data: &'a Data, tt: &'a TruthTable) -> Self {
        Context { data, tt }
    }

    /// Membership of every case in an implicant (min over its literals).
    pub fn membership(&self, imp: &[u32]) -> Vec<f64> {
        let mut acc = vec![1.0; self.data.n];
        self.membership_into(imp, 0..self.data.n, &mut acc);
        acc
    }

    /// [`Context::membership`] of the cases `range`, written into `acc` (as long).
    pub fn membership_into(&self, imp: &[u32], range: std::ops::Range<usize>, acc: &mut [f64]) {
        acc.fill(1.0);
        for (j, lit) in imp.iter().enumerate() {
            if *lit == 0 {
                continue;
            }
            let Some(col) = self
                .data
                .memberships
                .get(j)
                .and_then(|c| c.get(range.clone()))
            else {
                continue;
            };
            if self.data.fuzzy[j] {
                if *lit == 2 {
                    for (a, x) in acc.iter_mut().zip(col) {
                        *a = a.min(*x);
                    }
                } else {
                    for (a, x) in acc.iter_mut().zip(col) {
                        *a = a.min(1.0 - *x);
                    }
                }
            } else {
                let lv = (*lit - 1) as f64;
                for (a, x) in acc.iter_mut().zip(col) {
                    if *x != lv {
                        *a = 0.0;
                    }
                }
            }
        }
    }

    pub fn expr(&self, imp: &[u32]) -> String {
        term_string(
            imp,
            &self.data.names,
            &self.data.fuzzy,
            self.data.multi_value,
        )
    }

    /// Fit of the terms `idx` of one model, and the model's membership.
    fn terms_fit(
        &self,
        idx: &[usize],
        pis: &[PrimeImplicant],
        memb: &Memberships,
        pos: &[&TruthTableRow],
    ) -> (Vec<TermFit>, Vec<f64>) {
        let block = |j: usize, range, out: &mut [f64]| memb.block(self, pis, idx[j], range, out);
        let fit = sets::fit_of_terms(idx.len(), &block, self.data.outcome);
        let terms = idx
            .iter()
            .zip(fit.terms)
            .zip(fit.unique)
            .map(|((i, s), u)| {
                // covers is in row order when pos is (always, from the truth table); a
                // linear scan otherwise
                let covers = &pis[*i].covers;
                let sorted = covers.windows(2).all(|w| w[0] < w[1]);
                let has = |row| {
                    if sorted {
                        covers.binary_search(row).is_ok()
                    } else {
                        covers.contains(row)
                    }
                };
                let cases = pos
                    .iter()
                    .filter(|r| !r.cases.is_empty() && has(&r.row))
                    .map(|r| r.cases.clone())
                    .collect();
                TermFit {
                    implicant: pis[*i].implicant.clone(),
                    expr: pis[*i].expr.clone(),
                    consistency: s.consistency,
                    pri: s.pri,
                    coverage: s.coverage,
                    unique_coverage: u,
                    cases,
                }
            })
            .collect();
        (terms, fit.union)
    }

    /// Build a solution from PIs already in reference order: the chart over the positive
    /// rows `pos`, every model, their fit.
    pub fn solution(
        &self,
        pis: Vec<Implicant>,
        pos: &[&TruthTableRow],
        all_sol: bool,
        from: Option<&str>,
    ) -> Solution {
        let mut prime_implicants = Vec::new();
        let mut cover = Vec::new();
        for imp in pis {
            let rows: Vec<usize> = (0..pos.len())
                .filter(|r| covers(&imp, &pos[*r].config))
                .collect();
            if rows.is_empty() {
                continue;
            }
            prime_implicants.push(PrimeImplicant {
                expr: self.expr(&imp),
                covers: rows.iter().map(|r| pos[*r].row).collect(),
                implicant: imp,
            });
            cover.push(rows);
        }
        let counted = if all_sol {
            let all = chart::irredundant_covers(&cover, pos.len());
            chart::Covers {
                total: all.len() as u128,
                exact: true,
                in_every: Vec::new(),
                listed: all,
            }
        } else {
            chart::minimum_covers_counted(&cover, pos.len(), MODELS_LISTED)
        };
        let complete = counted.exact && counted.listed.len() as u128 == counted.total;
        let covers_found = counted.listed;
        let mut used: Vec<usize> = covers_found.iter().flatten().copied().collect();
        used.sort_unstable();
        used.dedup();
        let memb = Memberships::new(self, &prime_implicants, &used, covers_found.len());
        let names = model_names(covers_found.len());
        let models: Vec<Model> = covers_found
            .iter()
            .zip(names)
            .map(|(idx, name)| {
                let (terms, whole) = self.terms_fit(idx, &prime_implicants, &memb, pos);
                let s = sets::sufficiency(&whole, self.data.outcome);
                Model {
                    name,
                    from: from.map(str::to_string),
                    pi_indices: idx.clone(),
                    expression: terms
                        .iter()
                        .map(|t| t.expr.as_str())
                        .collect::<Vec<_>>()
                        .join(" + "),
                    terms,
                    consistency: s.consistency,
                    pri: s.pri,
                    coverage: s.coverage,
                }
            })
            .collect();
        let essential: Vec<usize> = if complete || all_sol {
            (0..prime_implicants.len())
                .filter(|p| !models.is_empty() && models.iter().all(|m| m.pi_indices.contains(p)))
                .collect()
        } else {
            counted.in_every
        };
        let (overall, _) = self.terms_fit(&used, &prime_implicants, &memb, pos);
        Solution {
            prime_implicants,
            essential,
            models,
            models_total: counted.total,
            models_total_exact: counted.exact,
            overall,
        }
    }
}
