//! Stage 5, the tables of a study: one builder for each (NCA summary, NCA results, bottlenecks,
//! truth table, solutions, configurations, necessity, cases, queries, robustness, panel
//! diagnostics), each from typed results to the table model. `show`, the run's output and
//! every export use these builders and no others; they live by what they report: [`nca`],
//! [`fsqca`] and the reviewer protocol ([`protocol`]).
//!
//! Guarantees: a builder only reads results; numbers stay numbers in the cells (the renderer
//! rounds); titles and notes say what a reader needs to read the table alone.

mod fsqca;
mod nca;
mod protocol;

pub use fsqca::*;
pub use nca::*;
pub use protocol::*;
