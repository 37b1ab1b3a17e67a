//! The REPL: reads statements line by line and runs them in the same [`Session`] as `toe run`.
//!
//! Guarantees: the parser decides when input continues (an open block or list, a trailing
//! operator or comma); an error prints its diagnostic and the session goes on with its state
//! intact; meta-commands (`:help`, `:load`, `:plan`, `:ast`, `:reset`, `:quit`) never touch the
//! language. The history lives in a file between sessions (`TOE_HISTORY` overrides where).

mod helper;

use crate::diagnostics::render;
use crate::session::{Mode, Session};
use std::path::{Path, PathBuf};

pub use helper::{Names, ToeHelper};

/// What the REPL does with one input.
#[derive(Debug, PartialEq)]
pub enum Step {
    /// Text to print (results and rendered diagnostics).
    Output(String),
    /// The input is not complete: ask for another line.
    More,
    Quit,
}

/// True when the parser says the input ended early: an open bracket, or a trailing `,`, an
/// operator or `:` (so a statement continues on the next line, as in a script).
pub fn needs_more(text: &str) -> bool {
    if !crate::syntax::is_incomplete(text) {
        return false;
    }
    let mut depth: i64 = 0;
    let mut in_string = false;
    let mut in_comment = false;
    let mut last = ' ';
    for c in text.chars() {
        if in_comment {
            if c == '\n' {
                in_comment = false;
            }
            continue;
        }
        if in_string {
            if c == '"' || c == '\n' {
                in_string = false;
            }
            continue;
        }
        match c {
            '#' => in_comment = true,
            '"' => in_string = true,
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            _ => {}
        }
        if !c.is_whitespace() && !in_comment {
            last = c;
        }
    }
    depth > 0 || matches!(last, ',' | '+' | '*' | '~' | '=' | ':' | '|')
}

/// The line handler: feeds one line to the session. `buffer` accumulates continued lines.
pub fn handle(session: &mut Session, buffer: &mut String, line: &str) -> Step {
    let trimmed = line.trim();
    if buffer.is_empty() && trimmed.starts_with(':') {
        return meta(session, trimmed);
    }
    if !buffer.is_empty() {
        buffer.push('\n');
    }
    buffer.push_str(line);
    if needs_more(buffer) {
        return Step::More;
    }
    let text = std::mem::take(buffer);
    Step::Output(feed(session, "<repl>", None, &text))
}

/// Runs text in the session; returns results, warnings and diagnostics as text.
fn feed(session: &mut Session, name: &str, path: Option<PathBuf>, text: &str) -> String {
    let result = session.run_text(name, path, text.to_string());
    report(session, result)
}

/// Warnings, then results or the diagnostics of the failure, as text.
fn report(session: &mut Session, result: Result<String, Vec<crate::diagnostics::Diag>>) -> String {
    let mut out = String::new();
    for w in session.take_pending() {
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
    out
}

/// Loads a script into the session (`toe repl study.toe` and `:load`); a second study or data
/// set is refused with the advice to `:reset` first.
pub fn load(session: &mut Session, path: &Path) -> String {
    use crate::diagnostics::codes;
    let result = session.run_file(path, Mode::Run).map_err(|diags| {
        diags
            .into_iter()
            .map(|d| {
                if d.code == codes::DUPLICATE_STUDY || d.code == codes::DUPLICATE_DATA {
                    d.help(
                        "the session already holds a study: `:reset` first, then `:load` the other",
                    )
                } else {
                    d
                }
            })
            .collect()
    });
    report(session, result)
}

fn meta(session: &mut Session, cmd: &str) -> Step {
    let mut parts = cmd.splitn(2, char::is_whitespace);
    let head = parts.next().unwrap_or("");
    let arg = parts.next().map(str::trim).unwrap_or("");
    match head {
        ":quit" | ":q" | ":exit" => Step::Quit,
        ":help" | ":h" => Step::Output(help(arg)),
        ":plan" => Step::Output(feed(session, "<repl>", None, "show plan")),
        ":reset" => {
            let base = session.interp.base_dir.clone();
            *session = Session::new(base);
            Step::Output("session reset: no data, sets or analyses\n".into())
        }
        ":load" if arg.is_empty() => Step::Output("usage: :load file.toe\n".into()),
        ":load" => {
            // Relative to the folder the REPL was started in, as a shell resolves it.
            let p = PathBuf::from(arg.trim_matches('"'));
            Step::Output(load(session, &p))
        }
        ":ast" if arg.is_empty() => Step::Output("usage: :ast STATEMENT\n".into()),
        ":ast" => Step::Output(match crate::syntax::parse(arg, 0) {
            Ok(p) => format!("{:#?}\n", p.statements),
            Err(d) => d
                .iter()
                .map(|d| format!("{}: {}\n", d.code, d.message))
                .collect(),
        }),
        other => Step::Output(format!(
            "unknown command `{other}`: the commands are :help, :load, :plan, :ast, :reset, :quit\n"
        )),
    }
}

/// `:help [topic]`.
pub fn help(topic: &str) -> String {
    let t = match topic {
        "" => HELP,
        "data" => "data NAME = csv(\"file.csv\", id = case, na = [\"\", \"NA\"], sep = \",\")\ndata NAME = xlsx(\"file.xlsx\", sheet = \"2021\", id = case)\ndata NAME = spss(\"file.sav\", id = case)    # value labels as ids, user-missing as missing\ndata NAME = stata(\"file.dta\", id = case)\n",
        "conditions" | "outcome" => "conditions [framework] { [dimension {] NAME = column \"label\" [}] }\noutcome NAME = column \"label\"\n",
        "calibrate" => "calibrate {\n  *    direct(e = p25, c = p50, i = p75)\n  NAME direct(e = 2, c = 6, i = 12)    # idm = 0.95 or logodds = 3\n  NAME crisp(at = 0.5) | linear(e, c, i) | bell(e1, c1, i1, i2, c2, e2) | fuzzy\n}\n",
        "nca" => "nca NAME: OUTCOME needs A, B {\n  ceilings = [cr_fdh, ce_fdh]\n  permutations = 10000\n  seed = 2021\n  necessary when d >= 0.1 and p <= 0.05\n  bottlenecks = steps(10), percentage | actual | percentile\n  on = calibrated | raw\n}\n",
        "fsqca" => "fsqca NAME: [~]OUTCOME given A, B {\n  cases >= 1\n  consistency >= 0.8[, contradictions >= 0.7]\n  pri >= 0.7\n  expect A, ~B, C | ~C\n}\n",
        "queries" | "show" => "necessary? EXPR for OUTCOME [{ cluster = COL  unit = COL }]\nsufficient? EXPR for OUTCOME [{ cluster = COL  unit = COL }]\nshow data | calibration | plan\nshow nca | bottlenecks | necessity | truth_table | solutions | configurations | cases of NAME\n",
        _ => "topics: data, conditions, calibrate, nca, fsqca, queries\n",
    };
    t.to_string()
}

pub const HELP: &str = "toe repl: type statements of the .toe language; a block or a trailing operator continues on the next line.\n  :help [topic]   this text, or a topic (data, conditions, calibrate, nca, fsqca, queries)\n  :load FILE      run a script into this session\n  :plan           the resolved plan (show plan)\n  :ast STATEMENT  the parsed form of a statement\n  :reset          forget data, sets and analyses\n  :quit           leave (also Ctrl-D)\nTab completes keywords, sets, columns, analyses and file paths.\n";

/// Where the history is kept: `TOE_HISTORY`, else the user's data folder.
pub fn history_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("TOE_HISTORY") {
        return Some(PathBuf::from(p));
    }
    dirs::data_dir().map(|d| d.join("toe").join("history"))
}

/// Writes to standard output: a closed pipe ends the session quietly (0), another error
/// with its diagnostic on standard error (1).
fn write_out(session: &Session, text: &str) -> Result<(), i32> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(0),
        Err(e) => {
            let d = crate::diagnostics::runtime::stdout_failed(&e);
            let _ = write!(
                std::io::stderr(),
                "{}",
                render(&d, &session.sources, false, 100)
            );
            Err(1)
        }
    }
}

/// Runs the interactive loop with rustyline.
pub fn run(mut session: Session, color: bool) -> i32 {
    let config = rustyline::Config::builder()
        .auto_add_history(true)
        .completion_type(rustyline::CompletionType::List)
        .max_history_size(10_000)
        .map(|b| b.build())
        .unwrap_or_default();
    let mut rl: rustyline::Editor<ToeHelper, rustyline::history::DefaultHistory> =
        match rustyline::Editor::with_config(config) {
            Ok(r) => r,
            Err(e) => {
                let d = crate::diagnostics::Diag::error(
                    crate::diagnostics::codes::NO_TERMINAL,
                    format!("expected a terminal for the line editor, found an error: {e}"),
                )
                .help("run a script with `toe run study.toe`, or start the REPL in a terminal");
                use std::io::Write;
                let _ = write!(
                    std::io::stderr(),
                    "{}",
                    render(&d, &session.sources, false, 100)
                );
                return 2;
            }
        };
    let helper = ToeHelper::new(color);
    let names = helper.names.clone();
    names.borrow_mut().update(&session);
    rl.set_helper(Some(helper));
    let history = history_path();
    if let Some(h) = &history {
        let _ = rl.load_history(h);
    }
    let banner = format!(
        "toe {} — :help for help, :quit to leave\n",
        env!("CARGO_PKG_VERSION")
    );
    if let Err(code) = write_out(&session, &banner) {
        return code;
    }
    let mut buffer = String::new();
    let code = loop {
        let prompt = if buffer.is_empty() { "toe> " } else { "...  " };
        match rl.readline(prompt) {
            Ok(line) => {
                let step = handle(&mut session, &mut buffer, &line);
                names.borrow_mut().update(&session);
                match step {
                    Step::Output(s) => {
                        if let Err(code) = write_out(&session, &s) {
                            break code;
                        }
                    }
                    Step::More => {}
                    Step::Quit => break 0,
                }
            }
            Err(rustyline::error::ReadlineError::Interrupted) => buffer.clear(),
            Err(_) => break 0,
        }
    };
    if let Some(h) = &history {
        if let Some(dir) = h.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = rl.save_history(h);
    }
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_parser_decides_continuation() {
        assert!(needs_more("conditions {"));
        assert!(needs_more("necessary? A +"));
        assert!(needs_more("nca n: Y needs A,"));
        assert!(!needs_more("show data"));
        assert!(
            !needs_more("show"),
            "an incomplete statement without an open construct is an error, not a continuation"
        );
        assert!(!needs_more("conditions { A = a }"));
        assert!(!needs_more("study \"a { b\""));
    }
}
