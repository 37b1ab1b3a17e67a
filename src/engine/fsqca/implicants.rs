//! Engine stage: prime implicants (docs/methods.md §4.2).
//!
//! Guarantees: [`qmc`] returns all prime implicants of a set of configurations
//! (Quine–McCluskey with the multi-value merging rule: a condition is dropped only when
//! all its levels are present). [`parsimonious`] returns, exactly, every minimal implicant
//! that covers at least one positive row and no negative row (every remainder a don't
//! care) without enumerating 2^k configurations: the implicants of a positive row p are
//! the minimal hitting sets of {positions where a negative row differs from p}. [`sorted`]
//! orders them as the reference (docs/methods.md §4.2, quirk included) and [`term_string`] writes them as
//! the reference (docs/methods.md §4.2).

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

pub use super::types::Implicant;

/// Whether `imp` covers the configuration `config`.
pub fn covers(imp: &[u32], config: &[u32]) -> bool {
    imp.iter().zip(config).all(|(i, c)| *i == 0 || *i == c + 1)
}

/// Whether every literal of `general` is in `specific` (general ⊇ specific as sets of
/// configurations).
pub fn subsumes(general: &[u32], specific: &[u32]) -> bool {
    general.iter().zip(specific).all(|(g, s)| *g == 0 || g == s)
}

/// Number of literals.
pub fn literal_count(imp: &[u32]) -> usize {
    imp.iter().filter(|v| **v != 0).count()
}

/// All prime implicants of the set `rows` (QMC with the multi-value merging rule), in the
/// order of QCA's `C_QMC` before sorting: in each pass the merged implicants come first,
/// in the lexicographic order of the first pair (i < j) of the current list that produces
/// them, followed by the implicants that did not merge, in their current order.
pub fn qmc(rows: &[Vec<u32>], levels: &[u32]) -> Vec<Implicant> {
    if levels.len() <= 32 && levels.iter().all(|l| *l <= 15) {
        qmc_packed(rows, levels)
    } else {
        qmc_generic(rows, levels)
    }
}

/// Pack an implicant into 4 bits per condition.
fn pack(imp: &[u32]) -> u128 {
    imp.iter()
        .enumerate()
        .fold(0u128, |c, (j, v)| c | (*v as u128) << (4 * j))
}

fn unpack(code: u128, k: usize) -> Implicant {
    (0..k).map(|j| (code >> (4 * j) & 15) as u32).collect()
}

/// A fast hasher for packed implicants (multiply–xorshift; no DoS concern here).
#[derive(Default, Clone, Copy)]
struct PackedHasher(u64);

impl std::hash::Hasher for PackedHasher {
    fn finish(&self) -> u64 {
        let mut x = self.0;
        x ^= x >> 33;
        x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
        x ^= x >> 33;
        x
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0.rotate_left(8) ^ *b as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }
    fn write_u128(&mut self, v: u128) {
        let lo = v as u64;
        let hi = (v >> 64) as u64;
        self.0 = (self.0 ^ lo)
            .wrapping_mul(0x9e37_79b9_7f4a_7c15)
            .rotate_left(29)
            ^ hi;
        self.0 = self.0.wrapping_mul(0xc2b2_ae3d_27d4_eb4f);
    }
}

type PackedMap<V> = HashMap<u128, V, std::hash::BuildHasherDefault<PackedHasher>>;

/// [`qmc`] on packed implicants (≤ 32 conditions, ≤ 15 levels): the same passes and the
/// same order, with one hash lookup per partner instead of explicit groups.
fn qmc_packed(rows: &[Vec<u32>], levels: &[u32]) -> Vec<Implicant> {
    let k = levels.len();
    let mut seen: HashSet<u128> = HashSet::new();
    let mut current: Vec<u128> = Vec::new();
    for r in rows {
        let imp: Implicant = r.iter().map(|v| v + 1).collect();
        let code = pack(&imp);
        if seen.insert(code) {
            current.push(code);
        }
    }
    drop(seen);
    loop {
        if current.len() <= 1 {
            return current.into_iter().map(|c| unpack(c, k)).collect();
        }
        let index: PackedMap<usize> = current.iter().enumerate().map(|(i, c)| (*c, i)).collect();
        let mut merged = vec![false; current.len()];
        let mut found: PackedMap<(usize, usize)> = PackedMap::default();
        let mut members: Vec<usize> = Vec::new();
        for (i, &code) in current.iter().enumerate() {
            for (j, &nl) in levels.iter().enumerate() {
                let shift = 4 * j;
                let v = code >> shift & 15;
                if v == 0 {
                    continue;
                }
                let key = code & !(15u128 << shift);
                members.clear();
                let mut complete = true;
                for l in 1..=nl as u128 {
                    match index.get(&(key | l << shift)) {
                        Some(m) => members.push(*m),
                        None => {
                            complete = false;
                            break;
                        }
                    }
                }
                // each complete group is handled once, from its first member
                if !complete || members.len() < 2 || members.iter().any(|m| *m < i) {
                    continue;
                }
                members.sort_unstable();
                for m in &members {
                    merged[*m] = true;
                }
                let pair = (members[0], members[1]);
                found
                    .entry(key)
                    .and_modify(|p| *p = (*p).min(pair))
                    .or_insert(pair);
            }
        }
        if found.is_empty() {
            return current.into_iter().map(|c| unpack(c, k)).collect();
        }
        let mut found: Vec<(u128, (usize, usize))> = found.into_iter().collect();
        found.sort_by_key(|f| f.1);
        let mut next: Vec<u128> = found.into_iter().map(|f| f.0).collect();
        next.extend(
            current
                .iter()
                .enumerate()
                .filter(|(i, _)| !merged[*i])
                .map(|(_, c)| *c),
        );
        current = next;
    }
}

/// [`qmc`] on implicant vectors (any number of levels).
fn qmc_generic(rows: &[Vec<u32>], levels: &[u32]) -> Vec<Implicant> {
    let mut seen: HashSet<Vec<u32>> = HashSet::new();
    let mut current: Vec<Implicant> = Vec::new();
    for r in rows {
        let imp: Implicant = r.iter().map(|v| v + 1).collect();
        if seen.insert(imp.clone()) {
            current.push(imp);
        }
    }
    loop {
        if current.len() <= 1 {
            return current;
        }
        // group by (position, implicant with that position cleared); members ascending
        let mut groups: HashMap<(usize, Vec<u32>), Vec<usize>> = HashMap::new();
        for (idx, imp) in current.iter().enumerate() {
            for j in 0..imp.len() {
                if imp[j] == 0 {
                    continue;
                }
                let mut key = imp.clone();
                key[j] = 0;
                groups.entry((j, key)).or_default().push(idx);
            }
        }
        let mut merged = vec![false; current.len()];
        // merged implicant -> first producing pair
        let mut found: HashMap<Vec<u32>, (usize, usize)> = HashMap::new();
        for ((j, key), members) in groups {
            if members.len() >= 2 && members.len() as u32 == levels[j] {
                for m in &members {
                    merged[*m] = true;
                }
                let pair = (members[0], members[1]);
                found
                    .entry(key)
                    .and_modify(|p| *p = (*p).min(pair))
                    .or_insert(pair);
            }
        }
        if found.is_empty() {
            return current;
        }
        let mut found: Vec<(Vec<u32>, (usize, usize))> = found.into_iter().collect();
        found.sort_by_key(|f| f.1);
        let mut next: Vec<Implicant> = found.into_iter().map(|f| f.0).collect();
        next.extend(
            current
                .into_iter()
                .enumerate()
                .filter(|(i, _)| !merged[*i])
                .map(|(_, imp)| imp),
        );
        current = next;
    }
}

/// Remove every set that is a superset of another (masks), keeping one copy of each.
fn minimize_family(mut sets: Vec<u32>) -> Vec<u32> {
    sets.sort_by_key(|s| (s.count_ones(), *s));
    sets.dedup();
    let mut kept: Vec<u32> = Vec::with_capacity(sets.len());
    for s in sets {
        if !kept.iter().any(|t| t & s == *t) {
            kept.push(s);
        }
    }
    kept
}

/// All minimal transversals (hitting sets) of the hypergraph `edges` (bit masks over
/// ≤ 32 vertices), by Berge's incremental algorithm. An empty edge list gives {∅}; an
/// empty edge gives no transversal.
pub fn minimal_transversals(edges: &[u32]) -> Vec<u32> {
    let edges = minimize_family(edges.to_vec());
    if edges.first() == Some(&0) {
        return Vec::new();
    }
    let mut trans: Vec<u32> = vec![0];
    for e in edges {
        let (hit, miss): (Vec<u32>, Vec<u32>) = trans.into_iter().partition(|t| t & e != 0);
        let mut cand = Vec::with_capacity(hit.len() + miss.len() * 2);
        for t in &miss {
            let mut bits = e;
            while bits != 0 {
                let v = bits & bits.wrapping_neg();
                bits ^= v;
                let c = t | v;
                // c is minimal unless some hitting transversal is a subset of it
                if !hit.iter().any(|h| h & c == *h) {
                    cand.push(c);
                }
            }
        }
        // a candidate can never be a proper subset of a kept transversal
        let mut all = hit;
        all.extend(minimize_family(cand));
        trans = all;
    }
    trans
}

/// CCubes discovery key: (number of literals, condition subset, first positive row).
type DiscoveryKey = (usize, Vec<usize>, usize);

/// Parsimonious prime implicants: every minimal implicant that covers at least one
/// positive row and no negative row, in the discovery order of QCA's CCubes (number of
/// literals, then the condition subset in lexicographic order, then the first positive
/// row covered). Requires ≤ 32 conditions.
pub fn parsimonious(pos: &[Vec<u32>], neg: &[Vec<u32>]) -> Vec<Implicant> {
    // the minimal transversals of each positive row, computed in parallel
    let per_row: Vec<Vec<u32>> = pos
        .par_iter()
        .map(|p| {
            let edges: Vec<u32> = neg
                .iter()
                .map(|nrow| {
                    p.iter()
                        .zip(nrow)
                        .enumerate()
                        .filter(|(_, (a, b))| a != b)
                        .fold(0u32, |m, (j, _)| m | (1 << j))
                })
                .collect();
            minimal_transversals(&edges)
        })
        .collect();
    let mut found: HashMap<Implicant, DiscoveryKey> = HashMap::new();
    for (pi, (p, trans)) in pos.iter().zip(per_row).enumerate() {
        for t in trans {
            let imp: Implicant = p
                .iter()
                .enumerate()
                .map(|(j, v)| if t >> j & 1 == 1 { v + 1 } else { 0 })
                .collect();
            found.entry(imp).or_insert_with(|| {
                let subset: Vec<usize> = (0..p.len()).filter(|j| t >> j & 1 == 1).collect();
                (subset.len(), subset, pi)
            });
        }
    }
    let mut v: Vec<(Implicant, DiscoveryKey)> = found.into_iter().collect();
    v.sort_by(|a, b| a.1.cmp(&b.1));
    v.into_iter().map(|(imp, _)| imp).collect()
}

/// The reference's PI order (QCA's src/sort_cols.c, docs/methods.md §4.2), quirk included.
pub fn sorted(mut pis: Vec<Implicant>) -> Vec<Implicant> {
    let n = pis.len();
    if n == 0 {
        return pis;
    }
    let k = pis[0].len();
    for j in (0..k).rev() {
        pis.sort_by(|a, b| b[j].cmp(&a[j]));
        let z = pis.iter().position(|p| p[j] == 0).unwrap_or(n - 1);
        pis[..z].sort_by(|a, b| a[j].cmp(&b[j]));
    }
    pis.sort_by_key(|p| literal_count(p));
    pis
}

/// Term string (docs/methods.md §4.2): literals joined by `*` in condition order, `~X` for the absence of
/// a binary condition, `X[v]` for every literal when `bracket` (multi-value data). The
/// empty implicant is "1".
pub fn term_string(imp: &[u32], names: &[String], fuzzy: &[bool], bracket: bool) -> String {
    let lits: Vec<String> = imp
        .iter()
        .enumerate()
        .filter(|(_, v)| **v != 0)
        .map(|(j, v)| {
            if bracket && !fuzzy[j] {
                format!("{}[{}]", names[j], v - 1)
            } else if *v == 1 {
                format!("~{}", names[j])
            } else {
                names[j].clone()
            }
        })
        .collect();
    if lits.is_empty() {
        "1".to_string()
    } else {
        lits.join("*")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quirk_order() {
        // ~A*~B and A*B come out as A*B, ~A*~B (docs/methods.md §4.2)
        let s = sorted(vec![vec![1, 1], vec![2, 2]]);
        assert_eq!(s, vec![vec![2, 2], vec![1, 1]]);
    }

    #[test]
    fn transversals_small() {
        // edges {0,1}, {1,2}: minimal transversals {1}, {0,2}
        let mut t = minimal_transversals(&[0b011, 0b110]);
        t.sort();
        assert_eq!(t, vec![0b010, 0b101]);
        assert_eq!(minimal_transversals(&[]), vec![0]);
        assert!(minimal_transversals(&[0]).is_empty());
    }

    #[test]
    fn packed_and_generic_qmc_agree() {
        let mut state = 99u64;
        for _ in 0..200 {
            let mut rows = Vec::new();
            for r in 0..54u32 {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
                if state >> 62 != 0 {
                    rows.push(vec![r % 3, r / 3 % 2, r / 6 % 3, r / 18 % 3]);
                }
            }
            let levels = [3, 2, 3, 3];
            assert_eq!(qmc_packed(&rows, &levels), qmc_generic(&rows, &levels));
        }
    }

    #[test]
    fn multi_value_merge_needs_all_levels() {
        // levels 3: rows 0 and 1 do not merge, 0,1,2 do
        let two = qmc(&[vec![0], vec![1]], &[3]);
        assert_eq!(two.len(), 2);
        let three = qmc(&[vec![0], vec![1], vec![2]], &[3]);
        assert_eq!(three, vec![vec![0]]);
    }
}
