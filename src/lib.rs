//! `toe`: a small language and an exact engine for configurational studies (NCA and fsQCA).
//!
//! The pipeline, one stage per module:
//!
//! ```text
//!  source ──► pest pairs ──► AST with spans ──► checked plan ──► engine ──► report
//!  source.rs   syntax/parser   syntax/lower      check/           engine/    report/
//!                               syntax/ast        check/plan       (numbers   (tables,
//!                                                                   only)      JSON)
//!                         eval/ runs statement by statement: `toe run`, `toe check` and
//!                         the REPL share it.
//! ```
//!
//! | stage | module | type |
//! |---|---|---|
//! | sources | [`source`] | [`source::SourceMap`], [`source::Span`] |
//! | parse | [`syntax::parser`] | pest `Pair<Rule>` |
//! | lower | [`syntax::lower`] | [`syntax::ast::Program`] |
//! | check | [`check`] | [`check::plan`] types |
//! | evaluate | [`eval`] | [`eval::Session`] |
//! | engine | [`engine`] | vectors, [`engine::data::Table`] |
//! | report | [`report`] | text tables, [`report::json`] |
//! | diagnostics | [`diagnostics`] | [`diagnostics::Diag`] with a stable code |

pub mod check;
pub mod diagnostics;
pub mod engine;
pub mod eval;
pub mod repl;
pub mod report;
pub mod source;
pub mod syntax;
