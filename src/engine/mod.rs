//! Stage 4, the engine: numbers and sets only. Nothing here sees syntax, spans or the AST.
//!
//! Guarantees: pure computations on plain vectors and tables; never rounded (rounding is the
//! report's job); never panics on any input.

pub mod calibrate;
pub mod configurations;
pub mod data;
pub mod entropy;
pub mod fsqca;
pub mod nca;
pub mod sets;
