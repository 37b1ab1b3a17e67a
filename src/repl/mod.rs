//! The REPL: reads statements line by line and runs them in the same [`Session`] as `toe run`.
//!
//! Guarantees: a line that leaves a block or list open (the parser says the input ended
//! early) continues on the next line; an error prints its diagnostic and the session goes on
//! with its state intact.

use crate::diagnostics::render;
use crate::eval::Session;

/// What the REPL does with one complete input.
pub enum Step {
    /// Text to print (results and rendered diagnostics).
    Output(String),
    /// The input is not complete: ask for another line.
    More,
    Quit,
}

/// The line handler: feeds input to the session. `buffer` accumulates continued lines.
pub fn handle(session: &mut Session, buffer: &mut String, line: &str) -> Step {
    let trimmed = line.trim();
    if buffer.is_empty() {
        match trimmed {
            ":quit" | ":q" | ":exit" => return Step::Quit,
            ":plan" => return feed(session, "show plan"),
            ":help" => return Step::Output(HELP.to_string()),
            _ => {}
        }
    }
    if !buffer.is_empty() {
        buffer.push('\n');
    }
    buffer.push_str(line);
    if crate::syntax::is_incomplete(buffer) && !trimmed.is_empty() {
        return Step::More;
    }
    let text = std::mem::take(buffer);
    feed(session, &text)
}

fn feed(session: &mut Session, text: &str) -> Step {
    let n = session.sources.get(0).map(|_| "<repl>").unwrap_or("<repl>");
    let result = session.run_text(n, None, text.to_string());
    let mut out = String::new();
    for w in std::mem::take(&mut session.pending) {
        out.push_str(&render(&w, &session.sources, false, 100));
    }
    match result {
        Ok(s) => out.push_str(&s),
        Err(diags) => {
            for d in diags {
                out.push_str(&render(&d, &session.sources, false, 100));
            }
        }
    }
    Step::Output(out)
}

pub const HELP: &str = "toe repl: type statements of the .toe language, one at a time.\n  :help   this text\n  :plan   the resolved plan (show plan)\n  :quit   leave\n";

/// Runs the interactive loop with rustyline.
pub fn run(mut session: Session) -> i32 {
    let mut rl = match rustyline::DefaultEditor::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("toe: cannot start the line editor: {e}");
            return 2;
        }
    };
    let mut buffer = String::new();
    loop {
        let prompt = if buffer.is_empty() { "toe> " } else { "...  " };
        match rl.readline(prompt) {
            Ok(line) => {
                let _ = rl.add_history_entry(line.as_str());
                match handle(&mut session, &mut buffer, &line) {
                    Step::Output(s) => print!("{s}"),
                    Step::More => {}
                    Step::Quit => return 0,
                }
            }
            Err(rustyline::error::ReadlineError::Interrupted) => {
                buffer.clear();
            }
            Err(_) => return 0,
        }
    }
}
