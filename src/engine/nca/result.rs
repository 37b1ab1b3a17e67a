//! Engine stage, NCA: the result of one condition and of each of its ceilings.
//!
//! Guarantees: numbers unrounded; NaN marks NA / undefined, `None` a value the reference does
//! not have.

use super::effect::Scope;
use super::peers::Peer;
use super::permutation::{CeilingTest, PermutationTest};
use super::types::Ceiling;
use crate::engine::ids::Column;

/// Result of one ceiling. NaN means NA / undefined (the reference prints NA
/// or NaN); `slope`/`intercept` are `None` where the reference has none.
#[derive(Clone, Debug, PartialEq)]
pub struct CeilingResult {
    pub ceiling: Ceiling,
    pub effect_size: f64,
    pub ceiling_zone: f64,
    /// Number of cases above the ceiling (NaN when undefined).
    pub above: f64,
    /// c-accuracy in percent.
    pub accuracy: f64,
    /// n − above.
    pub accuracy_nof: f64,
    /// Fit in percent (NaN = NA).
    pub fit: f64,
    pub slope: Option<f64>,
    pub intercept: Option<f64>,
    /// Condition inefficiency, percent.
    pub condition_ineff: f64,
    /// Outcome inefficiency, percent.
    pub outcome_ineff: f64,
    /// Relative inefficiency, percent.
    pub rel_ineff: f64,
    /// Absolute inefficiency, data units².
    pub abs_ineff: f64,
    pub complexity: usize,
    /// Peers as the reference reports them (`index`: 0-based position in the
    /// caller's input, incomplete cases included).
    pub peers: Vec<Peer>,
    pub p_value: Option<f64>,
    pub p_accuracy: Option<f64>,
    /// Details of the permutation test, when one was run.
    pub test: Option<CeilingTest>,
    /// Effect size is a number (scope has area and the ceiling is valid).
    pub effect_defined: bool,
}

/// Result of one NCA (one condition).
#[derive(Clone, Debug, PartialEq)]
pub struct NcaResult {
    /// Number of complete cases analysed.
    pub n: usize,
    /// Scope area (theoretical scope).
    pub scope: f64,
    /// Empirical and theoretical scope; `xmin`..`ymax` below are the
    /// theoretical scope (= empirical without a given scope), as the reference.
    pub scope_detail: Scope,
    pub xmin: f64,
    pub xmax: f64,
    pub ymin: f64,
    pub ymax: f64,
    pub corner: u8,
    pub flip_x: bool,
    pub flip_y: bool,
    pub ceilings: Vec<CeilingResult>,
    /// CE-FDH peers (always computed: CE-FDH zone is the fit reference).
    pub fdh_peers: Vec<Peer>,
    /// CE-VRS peers (computed when a VRS ceiling is requested).
    pub vrs_peers: Vec<Peer>,
    /// The complete cases used (x, y), for bottleneck tables: the input's own columns when
    /// every case is complete (shared, not copied).
    pub x: Column,
    pub y: Column,
    /// Permutation test details (seed used, offset, permutations if kept).
    pub test: Option<PermutationTest>,
    /// Human-readable notes (dropped cases, widened scope, undefined effect).
    pub notes: Vec<String>,
}

impl NcaResult {
    /// The result of a ceiling, if it was requested.
    pub fn ceiling(&self, c: &Ceiling) -> Option<&CeilingResult> {
        self.ceilings.iter().find(|r| r.ceiling.name() == c.name())
    }
}
