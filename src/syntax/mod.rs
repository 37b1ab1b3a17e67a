//! Stages 1–2, syntax: source text → pest pairs (`parser`) → typed AST with spans (`lower`).
//!
//! Guarantees: [`parse`] never panics; it returns the program or the diagnostics that explain
//! why the text is not a program.

pub mod ast;
pub mod lower;
pub mod parser;
pub mod pest_error;

use crate::diagnostics::Diag;
use parser::{Rule, ToeParser};
use pest::Parser;

/// Parses a whole script.
pub fn parse(text: &str, source: u32) -> Result<ast::Program, Vec<Diag>> {
    pest::set_error_detail(true);
    let pairs = ToeParser::parse(Rule::program, text)
        .map_err(|e| vec![pest_error::convert(e, text, source)])?;
    let mut lowerer = lower::Lowerer::new(source);
    let mut program = ast::Program::default();
    for p in pairs {
        if p.as_rule() == Rule::program {
            program = lowerer.lower_program(p);
        }
    }
    if lowerer.diags.is_empty() {
        Ok(program)
    } else {
        Err(lowerer.diags)
    }
}

/// True when `text` fails only because it ended early (an open block, a trailing operator or
/// comma): the REPL then asks for another line.
pub fn is_incomplete(text: &str) -> bool {
    match ToeParser::parse(Rule::program, text) {
        Ok(_) => false,
        Err(e) => {
            let pos = match e.location {
                pest::error::InputLocation::Pos(p) => p,
                pest::error::InputLocation::Span((s, _)) => s,
            };
            text[pos.min(text.len())..].trim().is_empty()
        }
    }
}
