//! The REPL's rustyline helper: completion, hints, highlighting and validation by the parser.
//!
//! Guarantees: completion offers keywords, set names, column names, analysis names and (inside
//! a string) file paths; validation asks the parser whether the input ended early; colour only
//! when asked for.

use crate::session::Session;
use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::{Hinter, HistoryHinter};
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::Context;
use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;

/// The names the session knows, refreshed after every input.
#[derive(Debug, Default, Clone)]
pub struct Names {
    pub sets: Vec<String>,
    pub columns: Vec<String>,
    pub analyses: Vec<String>,
}

impl Names {
    pub fn update(&mut self, s: &Session) {
        let scope = s.scope();
        self.sets = scope.sets.iter().map(|x| x.name.clone()).collect();
        self.columns = scope
            .data
            .as_ref()
            .map(|d| d.table.columns.clone())
            .unwrap_or_default();
        self.analyses = scope
            .analyses
            .iter()
            .map(|a| a.name().to_string())
            .collect();
    }

    /// Completions of `prefix`, sorted, without duplicates; at the start of a statement the
    /// queries come with their `?` (`necessary?`, `sufficient?`, `theory?`).
    pub fn complete(&self, prefix: &str, at_start: bool) -> Vec<String> {
        let word = |w: &str| -> String {
            if at_start && matches!(w, "necessary" | "sufficient" | "theory") {
                format!("{w}?")
            } else {
                w.to_string()
            }
        };
        let mut out: Vec<String> = crate::syntax::vocabulary::WORDS
            .iter()
            .map(|w| word(w.0))
            .chain(self.sets.iter().cloned())
            .chain(self.columns.iter().cloned())
            .chain(self.analyses.iter().cloned())
            .filter(|w| w.starts_with(prefix) && w != prefix)
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

/// The helper given to rustyline.
pub struct ToeHelper {
    pub names: Rc<RefCell<Names>>,
    files: FilenameCompleter,
    hinter: HistoryHinter,
    color: bool,
}

impl ToeHelper {
    pub fn new(color: bool) -> Self {
        ToeHelper {
            names: Rc::new(RefCell::new(Names::default())),
            files: FilenameCompleter::new(),
            hinter: HistoryHinter::new(),
            color,
        }
    }
}

fn in_string(line: &str) -> bool {
    line.chars().filter(|c| *c == '"').count() % 2 == 1
}

impl Completer for ToeHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let before = line.get(..pos).unwrap_or(line);
        if in_string(before) {
            return self.files.complete(line, pos, ctx);
        }
        let start = before
            .char_indices()
            .rev()
            .find(|(_, c)| !(c.is_alphanumeric() || *c == '_' || *c == '.' || *c == '?'))
            .map(|(i, c)| i + c.len_utf8())
            .unwrap_or(0);
        let prefix = &before[start..];
        let at_start = before[..start].trim().is_empty();
        let pairs = self
            .names
            .borrow()
            .complete(prefix, at_start)
            .into_iter()
            .map(|w| Pair {
                display: w.clone(),
                replacement: w,
            })
            .collect();
        Ok((start, pairs))
    }
}

impl Hinter for ToeHelper {
    type Hint = String;
    fn hint(&self, line: &str, pos: usize, ctx: &Context<'_>) -> Option<String> {
        self.hinter.hint(line, pos, ctx)
    }
}

/// ANSI colouring of one line of the language.
pub fn highlight_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 16);
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let mut k = 0;
    while k < chars.len() {
        let (i, c) = chars[k];
        if c == '#' {
            out.push_str("\x1b[90m");
            out.push_str(&line[i..]);
            out.push_str("\x1b[0m");
            return out;
        }
        if c == '"' {
            let mut j = k + 1;
            while j < chars.len() && chars[j].1 != '"' {
                j += if chars[j].1 == '\\' { 2 } else { 1 };
            }
            let end = chars.get(j + 1).map(|x| x.0).unwrap_or(line.len());
            out.push_str("\x1b[32m");
            out.push_str(&line[i..end]);
            out.push_str("\x1b[0m");
            k = j + 1;
            continue;
        }
        if c.is_alphabetic() || c == '_' {
            let mut j = k;
            while j < chars.len()
                && (chars[j].1.is_alphanumeric() || chars[j].1 == '_' || chars[j].1 == '.')
            {
                j += 1;
            }
            let end = chars.get(j).map(|x| x.0).unwrap_or(line.len());
            let word = &line[i..end];
            use crate::syntax::vocabulary::{meaning, Kind};
            if matches!(meaning(word), Some((Kind::Keyword | Kind::Statement, _))) {
                out.push_str("\x1b[1;34m");
                out.push_str(word);
                out.push_str("\x1b[0m");
            } else {
                out.push_str(word);
            }
            k = j;
            continue;
        }
        if c.is_ascii_digit() {
            let mut j = k;
            while j < chars.len() && (chars[j].1.is_ascii_digit() || chars[j].1 == '.') {
                j += 1;
            }
            let end = chars.get(j).map(|x| x.0).unwrap_or(line.len());
            out.push_str("\x1b[33m");
            out.push_str(&line[i..end]);
            out.push_str("\x1b[0m");
            k = j;
            continue;
        }
        out.push(c);
        k += 1;
    }
    out
}

impl Highlighter for ToeHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        if self.color {
            Cow::Owned(highlight_line(line))
        } else {
            Cow::Borrowed(line)
        }
    }
    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.color {
            Cow::Owned(format!("\x1b[90m{hint}\x1b[0m"))
        } else {
            Cow::Borrowed(hint)
        }
    }
    fn highlight_char(&self, _line: &str, _pos: usize, _kind: CmdKind) -> bool {
        self.color
    }
}

impl Validator for ToeHelper {
    fn validate(&self, ctx: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
        let input = ctx.input();
        if !input.trim_start().starts_with(':') && super::needs_more(input) {
            Ok(ValidationResult::Incomplete)
        } else {
            Ok(ValidationResult::Valid(None))
        }
    }
}

impl rustyline::Helper for ToeHelper {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completes_names_and_words() {
        let n = Names {
            sets: vec!["HUM".into(), "HOME".into()],
            columns: vec!["gdp_pc".into()],
            analyses: vec!["high".into()],
        };
        assert_eq!(n.complete("H", false), vec!["HOME", "HUM"]);
        assert_eq!(n.complete("gd", false), vec!["gdp_pc"]);
        assert_eq!(n.complete("calib", true), vec!["calibrate", "calibration"]);
        assert_eq!(n.complete("hi", false), vec!["high"]);
        // A query at the start of a statement, with its `?`; the rule's word elsewhere.
        assert_eq!(n.complete("necessa", true), vec!["necessary?"]);
        assert_eq!(n.complete("suffic", true), vec!["sufficient?"]);
        assert_eq!(n.complete("necessa", false), vec!["necessary"]);
    }

    #[test]
    fn highlights_keywords_strings_numbers_comments() {
        let h = highlight_line("data d = csv(\"x.csv\") # note");
        assert!(h.starts_with("\x1b[1;34mdata\x1b[0m"));
        assert!(h.contains("\x1b[32m\"x.csv\"\x1b[0m"));
        assert!(h.contains("\x1b[90m# note\x1b[0m"));
        assert!(highlight_line("pri >= 0.7").contains("\x1b[33m0.7\x1b[0m"));
    }
}
