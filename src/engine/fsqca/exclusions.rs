//! Engine stage, fsQCA: the remainders an Enhanced Standard Analysis excludes from the
//! simplifying assumptions (docs/methods.md §4.6) — untenable assumptions (remainders that
//! satisfy an expression), remainders that lack a necessary condition (that do not satisfy
//! the expression claimed necessary; disjunctions allowed) and the contradictory simplifying
//! assumptions (given as rows). An excluded remainder is treated as a negative row when
//! minimizing, so no solution uses it, and keeps the reasons it was excluded for.
//!
//! Guarantees: only remainders are excluded (observed rows keep their OUT; an observed
//! positive row that contradicts a necessity claim is reported, not changed); rows come in
//! row-number order; the configuration space is scanned only up to [`SCAN_LIMIT`] cells.

use super::types::ConfigRow;

/// A literal of a rule: condition, level, negated (`config[c] == level` XOR negated).
pub type Literal = (usize, u32, bool);

/// A sum of products over the conditions.
pub type Dnf = Vec<Vec<Literal>>;

/// Configurations scanned at most (2^20: 20 binary conditions).
pub const SCAN_LIMIT: u128 = 1 << 20;

/// Why a remainder is excluded; the index points into the caller's list of exclusions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rule {
    /// Remainders satisfying the expression.
    Untenable(Dnf),
    /// Remainders not satisfying the expression claimed necessary.
    Lacking(Dnf),
    /// These rows (the contradictory simplifying assumptions of the plain analysis).
    Rows(Vec<Vec<u32>>),
}

/// A remainder excluded, with the indices of the rules that exclude it.
#[derive(Clone, Debug, PartialEq)]
pub struct Excluded {
    pub row: ConfigRow,
    pub rules: Vec<usize>,
}

/// Whether a configuration satisfies a sum of products.
pub fn satisfies(dnf: &Dnf, config: &[u32]) -> bool {
    dnf.iter().any(|term| {
        term.iter()
            .all(|&(c, level, neg)| config.get(c).is_some_and(|v| (*v == level) != neg))
    })
}

/// Row number of a configuration: 1 + Σ v_j · Π_{l>j} levels_l.
fn row_number(config: &[u32], levels: &[u32]) -> u128 {
    let mut r: u128 = 0;
    for (v, l) in config.iter().zip(levels) {
        r = r * u128::from(*l) + u128::from(*v);
    }
    r + 1
}

/// The remainders excluded by `rules`, in row order; `observed` are the configurations of
/// the rows that are not remainders (OUT 1, 0 or C). `None` when the space has more than
/// [`SCAN_LIMIT`] configurations and a rule needs a scan.
pub fn excluded(levels: &[u32], observed: &[Vec<u32>], rules: &[Rule]) -> Option<Vec<Excluded>> {
    let mut found: std::collections::BTreeMap<u128, Excluded> = Default::default();
    let is_observed = |c: &[u32]| observed.iter().any(|o| o.as_slice() == c);
    let add =
        |config: Vec<u32>, k: usize, found: &mut std::collections::BTreeMap<u128, Excluded>| {
            let row = row_number(&config, levels);
            let e = found.entry(row).or_insert_with(|| Excluded {
                row: ConfigRow { row, config },
                rules: Vec::new(),
            });
            if !e.rules.contains(&k) {
                e.rules.push(k);
            }
        };
    let scans = rules.iter().any(|r| !matches!(r, Rule::Rows(_)));
    if scans {
        let total = levels
            .iter()
            .try_fold(1u128, |a, l| a.checked_mul(u128::from(*l)))?;
        if total > SCAN_LIMIT {
            return None;
        }
        let mut config = vec![0u32; levels.len()];
        for _ in 0..total {
            if !is_observed(&config) {
                for (k, r) in rules.iter().enumerate() {
                    let hit = match r {
                        Rule::Untenable(d) => satisfies(d, &config),
                        Rule::Lacking(d) => !satisfies(d, &config),
                        Rule::Rows(_) => false,
                    };
                    if hit {
                        add(config.clone(), k, &mut found);
                    }
                }
            }
            // next configuration, the last condition fastest
            for j in (0..config.len()).rev() {
                config[j] += 1;
                if config[j] < levels[j] {
                    break;
                }
                config[j] = 0;
            }
        }
    }
    for (k, r) in rules.iter().enumerate() {
        if let Rule::Rows(rows) = r {
            for c in rows {
                if c.len() == levels.len() && !is_observed(c) {
                    add(c.clone(), k, &mut found);
                }
            }
        }
    }
    Some(found.into_values().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two binary conditions A, B; observed rows 01 and 11. Untenable `A*~B` excludes 10;
    /// lacking `B` excludes the remainders without B: 00 and 10; rows [00] exclude 00.
    #[test]
    fn remainders_by_hand() {
        let levels = [2, 2];
        let observed = vec![vec![0, 1], vec![1, 1]];
        let rules = vec![
            Rule::Untenable(vec![vec![(0, 1, false), (1, 1, true)]]),
            Rule::Lacking(vec![vec![(1, 1, false)]]),
            Rule::Rows(vec![vec![0, 0], vec![1, 1]]),
        ];
        let e = excluded(&levels, &observed, &rules).unwrap();
        let got: Vec<(u128, Vec<usize>)> = e.iter().map(|x| (x.row.row, x.rules.clone())).collect();
        // row numbers: 00 → 1, 10 → 3; the observed 11 is never excluded
        assert_eq!(got, vec![(1, vec![1, 2]), (3, vec![0, 1])]);
        assert!(satisfies(&vec![vec![(0, 1, true)]], &[0, 1]));
        assert!(excluded(&[2; 21], &[], &rules[..1]).is_none());
    }
}
