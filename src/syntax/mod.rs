//! Stages 1–2, syntax: source text → pest pairs (`parser`) → typed AST with spans (`lower`).
//!
//! Guarantees: [`parse`] never panics; it returns the program or the diagnostics that explain
//! why the text is not a program.

pub mod ast;
pub mod format;
pub mod lower;
pub mod parser;
pub mod pest_error;
pub mod vocabulary;

use crate::diagnostics::Diag;
use parser::{Rule, ToeParser};
use pest::Parser;

/// Parses a whole script (a lone carriage return ends a line, as a line feed does).
pub fn parse(text: &str, source: u32) -> Result<ast::Program, Vec<Diag>> {
    let normalized = crate::source::line_ends(text);
    let text: &str = &normalized;
    pest::set_error_detail(true);
    if let Some(d) = too_deep(text, source) {
        return Err(vec![d]);
    }
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

/// Brackets nested deeper than this are refused before parsing, so that no input can exhaust
/// the stack of the parser, the lowering or the evaluation.
pub const MAX_NESTING: usize = 64;

fn too_deep(text: &str, source: u32) -> Option<Diag> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut in_comment = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if in_comment {
            in_comment = c != '\n';
            continue;
        }
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') | (false, '\n') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '#' => in_comment = true,
            '"' => in_string = true,
            '(' | '[' | '{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    let span = crate::source::Span::new(source, i, i + 1);
                    return Some(
                        Diag::error(
                            crate::diagnostics::codes::TOO_DEEP,
                            format!(
                                "expected brackets nested at most {MAX_NESTING} deep, found deeper"
                            ),
                        )
                        .at(span, "too deep here")
                        .help("simplify the expression; no study needs this much nesting"),
                    );
                }
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
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
