//! Stage 1, the pest parser: source text → pest pairs, from `grammar/toe.pest`.
//!
//! Guarantees: only `syntax::lower` consumes these pairs; nothing later sees pest types.

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/toe.pest"]
pub struct ToeParser;
