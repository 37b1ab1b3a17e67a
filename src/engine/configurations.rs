//! Engine stage: the configuration table of core and peripheral conditions
//! (docs/methods.md §5).
//!
//! Guarantees: a condition of a solution term is core when its literal belongs to a
//! parsimonious prime implicant contained in the term, under every parsimonious model the
//! term is paired with; peripheral when it is only in the term. Terms with the same core
//! literals form one group (S1a, S1b …); groups are numbered in term order. Pure: implicants
//! in, cells and labels out.

/// One cell of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellKind {
    CorePresent,
    PeripheralPresent,
    CoreAbsent,
    PeripheralAbsent,
    Blank,
}

impl CellKind {
    /// The symbol of the literature (● • ⊗ ⊘), or its ASCII stand-in.
    pub fn symbol(self, unicode: bool) -> &'static str {
        match (self, unicode) {
            (CellKind::CorePresent, true) => "●",
            (CellKind::PeripheralPresent, true) => "•",
            (CellKind::CoreAbsent, true) => "⊗",
            (CellKind::PeripheralAbsent, true) => "⊘",
            (CellKind::CorePresent, false) => "O",
            (CellKind::PeripheralPresent, false) => "o",
            (CellKind::CoreAbsent, false) => "X",
            (CellKind::PeripheralAbsent, false) => "x",
            (CellKind::Blank, _) => "",
        }
    }
}

/// One configuration (a column of the table).
#[derive(Debug, Clone, PartialEq)]
pub struct Configuration {
    /// "S1", "S2a", …
    pub id: String,
    /// Index of the term in its model.
    pub term: usize,
    /// One cell per condition.
    pub cells: Vec<CellKind>,
    /// True when the term contains no parsimonious implicant (so it has no core condition).
    pub no_core: bool,
}

/// `pi` (0 = absent, level + 1 otherwise) is contained in `term`: each literal of `pi` is in it.
fn contained(pi: &[u32], term: &[u32]) -> bool {
    pi.iter().zip(term).all(|(p, t)| *p == 0 || p == t)
}

/// The configurations of a model's terms, grouped (see [`Configuration::term`] for the term
/// each belongs to). `pars` holds, for each parsimonious model the
/// terms are paired with, its prime implicants. A literal value of 1 is the absence (`~X`,
/// or level 0 of a multi-value condition), higher values are presence.
pub fn configurations(terms: &[Vec<u32>], pars: &[Vec<Vec<u32>>]) -> Vec<Configuration> {
    let mut out: Vec<Configuration> = Vec::with_capacity(terms.len());
    let mut groups: Vec<Vec<(usize, u32)>> = Vec::new();
    let mut group_of = Vec::with_capacity(terms.len());
    for (t, term) in terms.iter().enumerate() {
        let k = term.len();
        let mut core = vec![!pars.is_empty(); k];
        let mut any_pi = !pars.is_empty();
        for model in pars {
            let inside: Vec<&Vec<u32>> = model.iter().filter(|pi| contained(pi, term)).collect();
            if inside.is_empty() {
                any_pi = false;
            }
            for (j, c) in core.iter_mut().enumerate() {
                *c = *c && inside.iter().any(|pi| pi[j] != 0);
            }
        }
        let cells: Vec<CellKind> = (0..k)
            .map(|j| match (term[j], core[j] && any_pi) {
                (0, _) => CellKind::Blank,
                (1, true) => CellKind::CoreAbsent,
                (1, false) => CellKind::PeripheralAbsent,
                (_, true) => CellKind::CorePresent,
                (_, false) => CellKind::PeripheralPresent,
            })
            .collect();
        let key: Vec<(usize, u32)> = (0..k)
            .filter(|&j| term[j] != 0 && core[j] && any_pi)
            .map(|j| (j, term[j]))
            .collect();
        let g = match groups.iter().position(|x| *x == key) {
            Some(g) => g,
            None => {
                groups.push(key);
                groups.len() - 1
            }
        };
        group_of.push(g);
        out.push(Configuration {
            id: String::new(),
            term: t,
            cells,
            no_core: !any_pi,
        });
    }
    for g in 0..groups.len() {
        let members: Vec<usize> = (0..out.len()).filter(|&t| group_of[t] == g).collect();
        for (m, &t) in members.iter().enumerate() {
            out[t].id = if members.len() == 1 {
                format!("S{}", g + 1)
            } else {
                format!("S{}{}", g + 1, letter(m))
            };
        }
    }
    // a group's members side by side (S1a, S1b, S2, …), each group in the order of its
    // first term; within a group, term order
    let mut order: Vec<usize> = (0..out.len()).collect();
    order.sort_by_key(|&t| (group_of[t], t));
    let mut slots: Vec<Option<Configuration>> = out.into_iter().map(Some).collect();
    order.into_iter().filter_map(|t| slots[t].take()).collect()
}

fn letter(m: usize) -> String {
    let mut s = String::new();
    let mut m = m;
    loop {
        s.insert(0, (b'a' + (m % 26) as u8) as char);
        if m < 26 {
            break;
        }
        m = m / 26 - 1;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use CellKind::*;

    #[test]
    fn lipset_by_hand() {
        // LF, conditions DEV URB LIT IND STB. Intermediate DEV*URB*LIT*STB + DEV*LIT*~IND*STB,
        // parsimonious DEV*~IND + URB*STB (docs/methods.md §5): the first term contains URB*STB,
        // the second DEV*~IND.
        let terms = vec![vec![2, 2, 2, 0, 2], vec![2, 0, 2, 1, 2]];
        let pars = vec![vec![vec![2, 0, 0, 1, 0], vec![0, 2, 0, 0, 2]]];
        let c = configurations(&terms, &pars);
        assert_eq!(
            c[0].cells,
            vec![
                PeripheralPresent,
                CorePresent,
                PeripheralPresent,
                Blank,
                CorePresent
            ]
        );
        assert_eq!(
            c[1].cells,
            vec![
                CorePresent,
                Blank,
                PeripheralPresent,
                CoreAbsent,
                PeripheralPresent
            ]
        );
        assert_eq!((c[0].id.as_str(), c[1].id.as_str()), ("S1", "S2"));
    }

    #[test]
    fn same_core_is_one_group_and_no_pi_means_no_core() {
        // Terms A*B*C and A*B*~C share the core A (parsimonious A): S1a, S1b.
        let terms = vec![vec![2, 2, 2], vec![2, 2, 1], vec![1, 1, 1]];
        let pars = vec![vec![vec![2, 0, 0]]];
        let c = configurations(&terms, &pars);
        assert_eq!(
            (c[0].id.as_str(), c[1].id.as_str(), c[2].id.as_str()),
            ("S1a", "S1b", "S2")
        );
        assert_eq!(
            c[1].cells,
            vec![CorePresent, PeripheralPresent, PeripheralAbsent]
        );
        assert!(
            c[2].no_core
                && c[2]
                    .cells
                    .iter()
                    .all(|x| *x != CorePresent && *x != CoreAbsent)
        );
    }

    #[test]
    fn core_under_every_parsimonious_model() {
        // Two parsimonious models, A and B: in A*B, A is core under the first only, B under
        // the second only, so neither is core under both and the term has no common core.
        let terms = vec![vec![2, 2]];
        let c = configurations(&terms, &[vec![vec![2, 0]], vec![vec![0, 2]]]);
        assert_eq!(c[0].cells, vec![PeripheralPresent, PeripheralPresent]);
        assert_eq!(letter(0), "a");
        assert_eq!(letter(27), "ab");
    }
}
