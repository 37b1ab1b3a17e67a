//! `toe`: a small language and an exact engine for configurational studies (NCA and fsQCA).
//!
//! The pipeline, one stage per module, one function per arrow:
//!
//! ```text
//!  source ─parse─► AST ─check─► plan ─record/execute─► results ─report─► tables, JSON, files
//!  source.rs     syntax/      check/           eval/            eval/results   report/
//!                               └─ reads data files (files.rs)   └─ engine/ (numbers only)
//! ```
//!
//! | stage | module | arrow | type |
//! |---|---|---|---|
//! | sources | [`source`] | | [`source::SourceMap`], [`source::Span`] |
//! | parse | [`syntax`] | [`syntax::parse`] | [`syntax::ast::Program`] |
//! | check | [`check`] | [`check::check_stmt`] | [`check::plan::Step`] |
//! | evaluate | [`eval`] | [`eval::Interpreter::record`], [`eval::Interpreter::execute`] | [`eval::results`] |
//! | engine | [`engine`] | called by `eval` | vectors, [`engine::data::Table`] |
//! | report | [`report`] | [`report::outcome`], [`report::export::export`], [`report::json::document`] | [`report::table::Doc`] |
//! | files | [`files`] | scripts and data in, exports out | |
//! | diagnostics | [`diagnostics`] | | [`diagnostics::Diag`] with a stable code |
//! | driver | [`session`] | all arrows in order, for `toe run`, `toe check`, `toe report` and the REPL | |
//! | editors | [`lsp`] | `toe lsp`: the session's checks served to an editor | |
//! | studio | [`studio`] | `toe studio`: a local page whose clicks write the script; the api and the language server behind it | |
//! | embedding | [`api`] | a study from text or a file (or a table in memory), run: results, JSON, data frames, rendered output | [`api::Study`], [`api::Run`], [`api::Frame`] |
//!
//! Imports go one way: `engine` imports nothing outside itself; `check` knows syntax and
//! the engine's types; `eval` knows the plan and the engine, never the report; `report` knows
//! results (`eval::results`), the plan and the engine; only `session`, `api`, `repl`, `lsp`, `studio` and the command
//! line see every stage. A test derives the import graph and fails on a cycle.

pub mod api;
pub mod check;
pub mod diagnostics;
pub mod engine;
pub mod eval;
pub mod files;
pub mod lsp;
pub mod repl;
pub mod report;
pub mod session;
pub mod source;
pub mod studio;
pub mod syntax;

pub use session::{Mode, Session};
