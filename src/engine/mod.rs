//! Stage 4, the engine: numbers and sets only. Nothing here sees syntax, spans or the AST.
//!
//! Guarantees: pure computations on plain vectors and tables; never rounded (rounding is the
//! report's job); never panics on any input.

pub mod calibrate;
pub mod data;
pub mod entropy;
pub mod sets;

/// The values of an entropy-weight index (see [`entropy::entropy_weights`]).
pub fn entropy_index(cols: &[(Vec<f64>, bool)]) -> Result<Vec<f64>, usize> {
    entropy::entropy_weights(cols).map(|(_, v)| v)
}
pub mod configurations;
pub mod fsqca;
pub mod nca;
