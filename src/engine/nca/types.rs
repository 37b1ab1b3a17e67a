//! Engine stage, NCA: the ceilings, the options and the errors of an analysis — the types
//! every other file of `nca/` shares.
//!
//! Guarantees: plain data; `corner_flips` rejects a corner outside 1–4 with an error.

use std::fmt;

/// A ceiling technique.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Ceiling {
    CeFdh,
    CrFdh,
    Ols,
    CLp,
    Qr,
    CeVrs,
    CrVrs,
    Cols,
    /// A user-given line (the reference's `custom`).
    Custom {
        intercept: f64,
        slope: f64,
    },
}

impl Ceiling {
    /// The reference's name (`ce_fdh`, …, `custom`).
    pub fn name(&self) -> &'static str {
        match self {
            Ceiling::CeFdh => "ce_fdh",
            Ceiling::CrFdh => "cr_fdh",
            Ceiling::Ols => "ols",
            Ceiling::CLp => "c_lp",
            Ceiling::Qr => "qr",
            Ceiling::CeVrs => "ce_vrs",
            Ceiling::CrVrs => "cr_vrs",
            Ceiling::Cols => "cols",
            Ceiling::Custom { .. } => "custom",
        }
    }

    /// Parse a reference name (not `custom`, which needs a line).
    pub fn from_name(s: &str) -> Option<Ceiling> {
        Some(match s {
            "ce_fdh" => Ceiling::CeFdh,
            "cr_fdh" => Ceiling::CrFdh,
            "ols" => Ceiling::Ols,
            "c_lp" => Ceiling::CLp,
            "qr" => Ceiling::Qr,
            "ce_vrs" => Ceiling::CeVrs,
            "cr_vrs" => Ceiling::CrVrs,
            "cols" => Ceiling::Cols,
            _ => return None,
        })
    }

    /// OLS is a reference line only: no summary column, test or bottleneck.
    pub fn is_reference_only(&self) -> bool {
        matches!(self, Ceiling::Ols)
    }
}

/// Errors of the NCA engine.
#[derive(Clone, Debug, PartialEq)]
pub enum NcaError {
    /// x and y have different lengths.
    LengthMismatch { x: usize, y: usize },
    /// No complete case.
    NoCases,
    /// An infinite value in the data.
    NonFinite,
    /// Corner outside 1..=4.
    BadCorner(u8),
    /// A bottleneck request the engine cannot serve.
    Bottleneck(String),
    /// An outlier search with more combinations than allowed (their number).
    TooManyCombinations(u128),
    /// A power simulation the engine cannot run (why).
    Power(String),
}

impl fmt::Display for NcaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NcaError::LengthMismatch { x, y } => {
                write!(f, "condition has {x} values but the outcome has {y}")
            }
            NcaError::NoCases => write!(f, "no complete cases to analyse"),
            NcaError::NonFinite => write!(f, "the data contain an infinite value"),
            NcaError::BadCorner(c) => write!(f, "corner must be 1, 2, 3 or 4, not {c}"),
            NcaError::Bottleneck(m) => write!(f, "bottleneck table: {m}"),
            NcaError::Power(m) => write!(f, "power: {m}"),
            NcaError::TooManyCombinations(n) => {
                write!(
                    f,
                    "the outlier search would evaluate {n} combinations of cases"
                )
            }
        }
    }
}

impl std::error::Error for NcaError {}

/// Options of one NCA (one condition against the outcome).
#[derive(Clone, Debug, PartialEq)]
pub struct NcaOptions {
    /// Ceilings in report order. The first one decides the verdict.
    pub ceilings: Vec<Ceiling>,
    /// 1 upper-left (default), 2 upper-right, 3 lower-left, 4 lower-right.
    pub corner: u8,
    /// Theoretical scope (Xmin, Xmax, Ymin, Ymax); NaN entries are ignored.
    pub scope: Option<[f64; 4]>,
    /// Quantile of the QR ceiling (lower corners use 1 − tau; outside [0, 1] → 0.95).
    pub qr_tau: f64,
    /// Number of permutations (0 = no test).
    pub permutations: usize,
    /// Seed of R's `set.seed` (None: a fresh seed, reported in the result).
    pub seed: Option<u32>,
    /// The test's seed offset when it is not `set.seed(seed); sample.int(2^24, 1)` (the
    /// power simulation takes it from the stream its data generation left).
    pub offset: Option<u32>,
    /// Confidence of the p-value accuracy (reference default 0.95).
    pub p_confidence: f64,
    /// Threshold p for the permutation test's threshold value (default 0.05).
    pub p_threshold: f64,
    /// Keep every permutation (1-based case numbers) in the test result.
    pub keep_permutations: bool,
    /// Keep every permuted effect size in the test result.
    pub keep_null_effects: bool,
}

impl Default for NcaOptions {
    fn default() -> Self {
        NcaOptions {
            ceilings: vec![Ceiling::CeFdh, Ceiling::CrFdh],
            corner: 1,
            scope: None,
            qr_tau: 0.95,
            permutations: 0,
            seed: None,
            offset: None,
            p_confidence: 0.95,
            p_threshold: 0.05,
            keep_permutations: false,
            keep_null_effects: false,
        }
    }
}

/// flip.x / flip.y of a corner.
pub fn corner_flips(corner: u8) -> Result<(bool, bool), NcaError> {
    match corner {
        1 => Ok((false, false)),
        2 => Ok((true, false)),
        3 => Ok((false, true)),
        4 => Ok((true, true)),
        c => Err(NcaError::BadCorner(c)),
    }
}
