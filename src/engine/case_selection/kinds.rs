//! Engine stage, case selection: the classes of cases and the rows that list typical cases,
//! deviant cases, cases outside the solution and comparison pairs, and the reference's
//! rounding to 3 decimals (`round3`) that orders them.
//!
//! Guarantees: plain data; no computation but the rounding.

/// R's `round(x, 3)` for the values here (at most a few decimals plus float noise).
pub fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// A case's relation to a term or the solution (x its membership, y the outcome's).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// x > .5, y > .5, x ≤ y.
    Typical,
    /// x > .5, y > .5, x > y.
    DeviantInDegree,
    /// x > .5, y < .5.
    DeviantInKind,
    /// x < .5, y > .5 (for one term: not covered by it).
    DeviantCoverage,
    /// x < .5, y < .5.
    IndividuallyIrrelevant,
    /// x or y exactly .5.
    Ambiguous,
}

impl Class {
    pub fn of(x: f64, y: f64) -> Class {
        if x == 0.5 || y == 0.5 {
            Class::Ambiguous
        } else if x > 0.5 && y > 0.5 {
            if x <= y {
                Class::Typical
            } else {
                Class::DeviantInDegree
            }
        } else if x > 0.5 {
            Class::DeviantInKind
        } else if y > 0.5 {
            Class::DeviantCoverage
        } else {
            Class::IndividuallyIrrelevant
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Class::Typical => "typical",
            Class::DeviantInDegree => "deviant_consistency_in_degree",
            Class::DeviantInKind => "deviant_consistency_in_kind",
            Class::DeviantCoverage => "deviant_coverage",
            Class::IndividuallyIrrelevant => "individually_irrelevant",
            Class::Ambiguous => "ambiguous",
        }
    }
}

/// A typical case of a term.
#[derive(Clone, Debug, PartialEq)]
pub struct Typical {
    pub case: usize,
    pub term: usize,
    pub term_membership: f64,
    pub outcome: f64,
    /// Typical for this term only.
    pub unique: bool,
    /// 2(y − x) + (1 − x): smaller is more typical.
    pub best: f64,
    pub most_typical: bool,
}

/// A deviant case consistency (in kind) of a term; membership, outcome and best round3.
#[derive(Clone, Debug, PartialEq)]
pub struct DeviantConsistency {
    pub case: usize,
    pub term: usize,
    pub term_membership: f64,
    pub outcome: f64,
    /// (1 − (x − y)) + (1 − x).
    pub best: f64,
    pub most_deviant: bool,
}

/// A case outside the solution with its truth-table row: a deviant case coverage or an
/// individually irrelevant case. `solution`, `row_membership` and `outcome` round3.
#[derive(Clone, Debug, PartialEq)]
pub struct OutsideCase {
    pub case: usize,
    pub solution: f64,
    /// Per condition: 0 below .5, 1 above, .5 at .5.
    pub row: Vec<f64>,
    /// min over conditions of (x < .5 ? 1 − x : x).
    pub row_membership: f64,
    pub outcome: f64,
    /// Deviant coverage only: row membership ≤ outcome, best = 1 − row membership, and
    /// whether it is the smallest best of its row.
    pub row_le_outcome: bool,
    pub best: f64,
    pub most_deviant: bool,
}

/// A comparison pair (indices of cases) with SetMethods' distance (smaller is better).
#[derive(Clone, Debug, PartialEq)]
pub struct Pair {
    pub first: usize,
    pub second: usize,
    pub best: f64,
    /// Typical–typical: the first (the second) is typical for this term only. Typical–deviant
    /// consistency: the typical case is the term's most typical (the deviant case its most
    /// deviant).
    pub flags: [bool; 2],
    /// Typical–typical: each case is the most typical case of some term (SetMethods' MostTyp).
    pub most: [bool; 2],
}
