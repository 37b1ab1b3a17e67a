//! Engine stage: sets of configurations held as unions of cubes (docs/methods.md §4.5).
//!
//! Guarantees: a [`Space`] packs an implicant into one lane per condition (4 bits when
//! every condition has ≤ 15 levels and k ≤ 32; 8, 16 or 32 bits for fewer conditions with
//! more levels; otherwise [`Space::new`] gives `None`). On a union of cubes it
//! * counts the configurations exactly ([`Space::count`], u128);
//! * lists them in row order, skipping an exclusion set ([`Space::list`]); the recursion
//!   only visits branches holding at least one configuration, so its cost follows the
//!   size of the list (callers list only below a limit);
//! * computes every prime implicant ([`Space::prime_implicants`]): the maximal cubes
//!   (each condition free or at one level, the multi-value rule of QMC) contained in the
//!   union, by Shannon recursion — the PIs of F are the maximal elements among
//!   (x = l)·PI(F|x=l) and the products of one PI of every cofactor — without enumerating
//!   configurations.
//!
//! Levels of a condition that no cube binds are handled as one branch, so a condition
//! with many levels does not multiply the work. Nothing here enumerates 2^k.

use std::collections::HashSet;

use rayon::prelude::*;

use super::types::{ConfigRow, Implicant};

/// A cube: `mask` has every bit of the lane of a bound condition set, `vals` holds
/// level + 1 in that lane (0 elsewhere).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cube {
    pub mask: u128,
    pub vals: u128,
}

impl Cube {
    /// The cube of every configuration.
    pub const UNIVERSE: Cube = Cube { mask: 0, vals: 0 };

    /// Intersection, `None` when empty.
    pub fn intersect(&self, o: &Cube) -> Option<Cube> {
        if (self.vals ^ o.vals) & self.mask & o.mask != 0 {
            None
        } else {
            Some(Cube {
                mask: self.mask | o.mask,
                vals: self.vals | o.vals,
            })
        }
    }

    /// Whether `self` ⊇ `o` as sets of configurations.
    pub fn contains(&self, o: &Cube) -> bool {
        self.mask & !o.mask == 0 && o.vals & self.mask == self.vals
    }
}

/// Remove duplicates and every cube contained in another; result ordered by number of
/// bound lanes (most general first).
pub fn maximal(mut cubes: Vec<Cube>) -> Vec<Cube> {
    if cubes.len() <= 1 {
        return cubes;
    }
    cubes.sort_unstable_by_key(|c| (c.mask.count_ones(), c.mask, c.vals));
    cubes.dedup();
    let mut kept: Vec<Cube> = Vec::with_capacity(cubes.len());
    // kept[..boundary] have strictly fewer bound bits than the current cube
    let mut boundary = 0;
    let mut bits = 0;
    for c in cubes {
        let b = c.mask.count_ones();
        if b != bits {
            bits = b;
            boundary = kept.len();
        }
        if !kept[..boundary].iter().any(|g| g.contains(&c)) {
            kept.push(c);
        }
    }
    kept
}

/// The configuration space of one analysis (levels and row weights).
#[derive(Debug, Clone)]
pub struct Space {
    k: usize,
    levels: Vec<u32>,
    weights: Vec<u128>,
    width: usize,
    lane: u128,
}

impl Space {
    /// `None` when the implicants do not fit in 128 bits (see the module header).
    pub fn new(levels: &[u32], weights: &[u128]) -> Option<Space> {
        let k = levels.len();
        // a lane holds level + 1 ≤ the number of levels
        let top = levels.iter().copied().max().unwrap_or(2) as u64;
        let width = [4usize, 8, 16, 32]
            .into_iter()
            .find(|w| top < 1u64 << w && k * w <= 128)?;
        if weights.len() != k || levels.contains(&0) {
            return None;
        }
        Some(Space {
            k,
            levels: levels.to_vec(),
            weights: weights.to_vec(),
            width,
            lane: (1u128 << width) - 1,
        })
    }

    fn shift(&self, j: usize) -> usize {
        self.width * j
    }

    fn value(&self, c: &Cube, j: usize) -> u32 {
        (c.vals >> self.shift(j) & self.lane) as u32
    }

    /// The cube of an implicant (0 = absent, level + 1 otherwise).
    pub fn cube(&self, imp: &[u32]) -> Cube {
        let mut c = Cube::UNIVERSE;
        for (j, v) in imp.iter().enumerate().take(self.k) {
            if *v != 0 {
                c.mask |= self.lane << self.shift(j);
                c.vals |= (*v as u128) << self.shift(j);
            }
        }
        c
    }

    /// The cube of one configuration (levels).
    pub fn minterm(&self, config: &[u32]) -> Cube {
        let imp: Vec<u32> = config.iter().map(|v| v + 1).collect();
        self.cube(&imp)
    }

    pub fn implicant(&self, c: &Cube) -> Implicant {
        (0..self.k).map(|j| self.value(c, j)).collect()
    }

    /// Bound conditions of a cube, as a bit set.
    fn bound(&self, c: &Cube) -> u32 {
        (0..self.k)
            .filter(|j| c.mask >> self.shift(*j) & self.lane != 0)
            .fold(0u32, |b, j| b | 1 << j)
    }

    /// Number of configurations over the conditions in `dims`.
    fn volume(&self, dims: u32) -> u128 {
        (0..self.k)
            .filter(|j| dims >> j & 1 == 1)
            .map(|j| self.levels[j] as u128)
            .product()
    }

    /// Cubes compatible with level `l` of condition `j`, with `j` freed.
    fn cofactor(&self, cubes: &[Cube], j: usize, l: u32) -> Vec<Cube> {
        let lane = self.lane << self.shift(j);
        let code = ((l + 1) as u128) << self.shift(j);
        cubes
            .iter()
            .filter(|c| c.mask & lane == 0 || c.vals & lane == code)
            .map(|c| Cube {
                mask: c.mask & !lane,
                vals: c.vals & !lane,
            })
            .collect()
    }

    /// The cubes free on condition `j`.
    fn free_on(&self, cubes: &[Cube], j: usize) -> Vec<Cube> {
        let lane = self.lane << self.shift(j);
        cubes
            .iter()
            .filter(|c| c.mask & lane == 0)
            .copied()
            .collect()
    }

    /// Distinct levels (0-based, ascending) at which some cube binds `j`.
    fn bound_levels(&self, cubes: &[Cube], j: usize) -> Vec<u32> {
        let mut v: Vec<u32> = cubes
            .iter()
            .map(|c| self.value(c, j))
            .filter(|v| *v != 0)
            .map(|v| v - 1)
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// Per condition: number of cubes binding it, and whether two levels occur.
    fn occurrences(&self, cubes: &[Cube]) -> (Vec<usize>, u32) {
        let mut occ = vec![0usize; self.k];
        let mut first = vec![0u32; self.k];
        let mut binate = 0u32;
        for c in cubes {
            for (j, o) in occ.iter_mut().enumerate() {
                let v = self.value(c, j);
                if v == 0 {
                    continue;
                }
                if *o == 0 {
                    first[j] = v;
                } else if first[j] != v {
                    binate |= 1 << j;
                }
                *o += 1;
            }
        }
        (occ, binate)
    }

    /// Exact number of configurations in the union of `cubes`.
    pub fn count(&self, cubes: &[Cube]) -> u128 {
        let all = if self.k >= 32 {
            u32::MAX
        } else {
            (1u32 << self.k) - 1
        };
        self.count_rec(cubes.to_vec(), all)
    }

    fn count_rec(&self, cubes: Vec<Cube>, dims: u32) -> u128 {
        if cubes.is_empty() {
            return 0;
        }
        let cubes = maximal(cubes);
        if cubes[0].mask == 0 {
            return self.volume(dims);
        }
        if cubes.len() == 1 {
            return self.volume(dims & !self.bound(&cubes[0]));
        }
        let (occ, _) = self.occurrences(&cubes);
        let Some(j) = (0..self.k).max_by_key(|j| (occ[*j], std::cmp::Reverse(*j))) else {
            return 0;
        };
        let rest = dims & !(1 << j);
        let lv = self.bound_levels(&cubes, j);
        let mut total: u128 = lv
            .iter()
            .map(|l| self.count_rec(self.cofactor(&cubes, j, *l), rest))
            .sum();
        let others = self.levels[j] as u128 - lv.len() as u128;
        if others > 0 {
            total += others * self.count_rec(self.free_on(&cubes, j), rest);
        }
        total
    }

    /// Row number of a configuration.
    pub fn row_of(&self, config: &[u32]) -> u128 {
        1 + config
            .iter()
            .zip(&self.weights)
            .map(|(v, w)| *v as u128 * w)
            .sum::<u128>()
    }

    /// Every configuration of the union of `cubes` whose row number is not in `exclude`,
    /// in row order. The cost follows the number of configurations listed: call it only
    /// when [`Space::count`] is small.
    pub fn list(&self, cubes: &[Cube], exclude: &HashSet<u128>) -> Vec<ConfigRow> {
        let mut out = Vec::new();
        let mut cfg = vec![0u32; self.k];
        self.list_rec(maximal(cubes.to_vec()), 0, &mut cfg, exclude, &mut out);
        out
    }

    fn list_rec(
        &self,
        cubes: Vec<Cube>,
        j: usize,
        cfg: &mut Vec<u32>,
        exclude: &HashSet<u128>,
        out: &mut Vec<ConfigRow>,
    ) {
        if cubes.is_empty() {
            return;
        }
        if cubes.iter().any(|c| c.mask == 0) {
            self.list_all(j, cfg, exclude, out);
            return;
        }
        if j >= self.k {
            return;
        }
        let free = self.free_on(&cubes, j);
        let lv = self.bound_levels(&cubes, j);
        // without free cubes only the bound levels hold configurations
        let levels: Vec<u32> = if free.is_empty() {
            lv
        } else {
            (0..self.levels[j]).collect()
        };
        for l in levels {
            cfg[j] = l;
            let sub = maximal(self.cofactor(&cubes, j, l));
            self.list_rec(sub, j + 1, cfg, exclude, out);
        }
        cfg[j] = 0;
    }

    fn list_all(
        &self,
        j: usize,
        cfg: &mut Vec<u32>,
        exclude: &HashSet<u128>,
        out: &mut Vec<ConfigRow>,
    ) {
        if j >= self.k {
            let row = self.row_of(cfg);
            if !exclude.contains(&row) {
                out.push(ConfigRow {
                    row,
                    config: cfg.clone(),
                });
            }
            return;
        }
        for l in 0..self.levels[j] {
            cfg[j] = l;
            self.list_all(j + 1, cfg, exclude, out);
        }
        cfg[j] = 0;
    }

    /// Every prime implicant of the union of `cubes` (most general first, then by
    /// lanes), without enumerating configurations.
    pub fn prime_implicants(&self, cubes: &[Cube]) -> Vec<Cube> {
        self.pis(cubes.to_vec())
    }

    fn pis(&self, cubes: Vec<Cube>) -> Vec<Cube> {
        let cubes = maximal(cubes);
        if cubes.len() <= 1 || cubes[0].mask == 0 {
            return cubes;
        }
        let (occ, binate) = self.occurrences(&cubes);
        // a cover where every condition occurs at one level only is complete: every
        // implicant lies in one of its cubes
        let Some(j) = (0..self.k)
            .filter(|j| binate >> j & 1 == 1)
            .max_by_key(|j| (occ[*j], std::cmp::Reverse(*j)))
        else {
            return cubes;
        };
        let lv = self.bound_levels(&cubes, j);
        let with_free = (lv.len() as u32) < self.levels[j];
        let work = |l: &u32| self.pis(self.cofactor(&cubes, j, *l));
        let subs: Vec<Vec<Cube>> = if cubes.len() >= 64 {
            lv.par_iter().map(work).collect()
        } else {
            lv.iter().map(work).collect()
        };
        let shift = self.shift(j);
        let mut out: Vec<Cube> = Vec::new();
        for (l, s) in lv.iter().zip(&subs) {
            out.extend(s.iter().map(|c| Cube {
                mask: c.mask | self.lane << shift,
                vals: c.vals | ((*l + 1) as u128) << shift,
            }));
        }
        // the implicants free on j: products of one PI of every cofactor (the levels no
        // cube binds share the cofactor of the free cubes; a PI bound there is absorbed)
        let mut factors: Vec<Vec<Cube>> = subs;
        if with_free {
            factors.push(self.pis(self.free_on(&cubes, j)));
        }
        factors.sort_by_key(|f| f.len());
        let mut prod: Vec<Cube> = factors.first().cloned().unwrap_or_default();
        for f in factors.iter().skip(1) {
            if prod.is_empty() {
                break;
            }
            let next: Vec<Cube> = if prod.len() * f.len() >= 4096 {
                prod.par_iter()
                    .flat_map_iter(|a| f.iter().filter_map(move |b| a.intersect(b)))
                    .collect()
            } else {
                prod.iter()
                    .flat_map(|a| f.iter().filter_map(move |b| a.intersect(b)))
                    .collect()
            };
            prod = maximal(next);
        }
        out.extend(prod);
        maximal(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn binary(k: usize) -> Space {
        let weights: Vec<u128> = (0..k).map(|j| 1u128 << (k - 1 - j)).collect();
        Space::new(&vec![2; k], &weights).unwrap()
    }

    #[test]
    fn consensus_of_two_cubes() {
        // A*B + ~A*C: PIs A*B, ~A*C, B*C
        let s = binary(3);
        let cubes = [s.cube(&[2, 2, 0]), s.cube(&[1, 0, 2])];
        let mut pis: Vec<Implicant> = s
            .prime_implicants(&cubes)
            .iter()
            .map(|c| s.implicant(c))
            .collect();
        pis.sort();
        assert_eq!(pis, vec![vec![0, 2, 2], vec![1, 0, 2], vec![2, 2, 0]]);
        assert_eq!(s.count(&cubes), 4);
        let rows: Vec<u128> = s
            .list(&cubes, &HashSet::new())
            .iter()
            .map(|r| r.row)
            .collect();
        assert_eq!(rows, vec![2, 4, 7, 8]);
    }

    #[test]
    fn multi_value_needs_every_level() {
        // X has 3 levels: X=0*A + X=1*A gives no A; with X=2*A it does
        let w = [2u128, 1];
        let s = Space::new(&[3, 2], &w).unwrap();
        let two = [s.cube(&[1, 2]), s.cube(&[2, 2])];
        assert_eq!(s.prime_implicants(&two).len(), 2);
        let three = [s.cube(&[1, 2]), s.cube(&[2, 2]), s.cube(&[3, 2])];
        assert_eq!(
            s.prime_implicants(&three)
                .iter()
                .map(|c| s.implicant(c))
                .collect::<Vec<_>>(),
            vec![vec![0, 2]]
        );
        assert_eq!(s.count(&two), 2);
        assert_eq!(s.count(&[s.cube(&[0, 2])]), 3);
    }

    #[test]
    fn many_levels_do_not_multiply_work() {
        let s = Space::new(&[1_000_000_001, 2], &[2, 1]).unwrap();
        let cubes = [s.cube(&[5, 0]), s.cube(&[0, 2])];
        assert_eq!(s.count(&cubes), 1_000_000_002);
        assert_eq!(s.prime_implicants(&cubes).len(), 2);
    }
}
