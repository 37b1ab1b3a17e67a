//! Stage 4, the engine: numbers and sets only. Nothing here sees syntax, spans or the AST, and
//! nothing here imports a module outside `engine/`.
//!
//! Guarantees: pure computations on plain vectors and tables; never rounded and never
//! formatted for display (rounding and formatting are the report's job); never panics on any
//! input.

pub mod calibrate;
pub mod case_selection;
pub mod clusters;
pub mod configurations;
pub mod data;
pub mod describe;
pub mod fsqca;
pub mod ids;
pub mod index;
pub mod nca;
pub mod robust_fit;
pub mod sets;
pub mod skew;
pub mod supersets;
pub mod theory;
