//! Stage 1, syntax errors: a pest error becomes a [`Diag`] with code `toe::parse::syntax`.
//!
//! Guarantees: the message says what was expected first and what was found second, in the
//! language's words (never pest's rule names); R habits at the failing spot get their own help.

use super::parser::Rule;
use crate::diagnostics::{codes, Diag};
use crate::source::Span;

/// The user-facing name of a grammar rule.
fn describe(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::EOI => "end of input",
        Rule::statement
        | Rule::study_stmt
        | Rule::data_stmt
        | Rule::index_stmt
        | Rule::conditions_stmt
        | Rule::outcome_stmt
        | Rule::calibrate_stmt
        | Rule::nca_stmt
        | Rule::fsqca_stmt
        | Rule::necessary_q
        | Rule::sufficient_q
        | Rule::show_stmt
        | Rule::export_stmt
        | Rule::use_stmt
        | Rule::robustness_stmt
        | Rule::framework_stmt
        | Rule::preset_stmt
        | Rule::sweep_stmt => "a statement",
        Rule::ident | Rule::name | Rule::column | Rule::framework => "a name",
        Rule::number => "a number",
        Rule::percentile => "a percentile like p25",
        Rule::string | Rule::string_inner => "a string",
        Rule::assign => "`=`",
        Rule::value | Rule::list | Rule::call | Rule::neg_name | Rule::arg => "a value",
        Rule::set_def => "a set definition `NAME = column`",
        Rule::dimension => "a dimension block",
        Rule::calib_item | Rule::calib_targets => "a calibration line `NAME method(…)`",
        Rule::method => "a calibration method",
        Rule::star => "`*`",
        Rule::name_list => "a list of conditions",
        Rule::outcome_ref => "an outcome",
        Rule::options => "`{`",
        Rule::option | Rule::necessary_rule | Rule::expect_opt => "an option",
        Rule::opop => "a comparison like `>=`",
        Rule::rule_cond => "a rule like `d >= 0.1`",
        Rule::expectation | Rule::literal => "a condition like `A` or `~A`",
        Rule::negation => "`~`",
        Rule::set_expr | Rule::conj | Rule::factor | Rule::atom | Rule::level_ref => {
            "a set expression"
        }
        Rule::vary | Rule::sweep_ref => "`vary …` or a sweep",
        Rule::vary_in | Rule::vary_by => "`in` or `by`",
        Rule::vary_key => "a setting to vary",
        Rule::points => "`percentile points`",
        Rule::keyword => "a keyword",
        _ => return None,
    })
}

/// The keywords of the grammar (`keyword` in toe.pest).
pub const KEYWORDS: [&str; 26] = [
    "study",
    "data",
    "index",
    "conditions",
    "outcome",
    "calibrate",
    "nca",
    "fsqca",
    "needs",
    "given",
    "show",
    "export",
    "use",
    "robustness",
    "vary",
    "for",
    "of",
    "to",
    "when",
    "and",
    "in",
    "by",
    "expect",
    "necessary",
    "sufficient",
    "framework",
];

/// The words a statement starts with (`necessary` and `sufficient` with their `?`).
const STATEMENTS: [&str; 22] = [
    "study",
    "data",
    "index",
    "conditions",
    "outcome",
    "calibrate",
    "calibration",
    "nca",
    "fsqca",
    "necessary",
    "sufficient",
    "theory",
    "show",
    "export",
    "use",
    "robustness",
    "framework",
    "sweep",
    "power",
    "sensitivity",
    "nest",
    "resample",
];

/// The innermost bracket left open before `pos` (strings and comments skipped): its offset
/// and the bracket.
fn open_bracket(text: &str, pos: usize) -> Option<(usize, char)> {
    let bytes = text.as_bytes();
    let end = pos.min(bytes.len());
    let mut stack: Vec<(usize, char)> = Vec::new();
    let mut i = 0;
    while i < end {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < end && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'#' => {
                while i < end && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'{' | b'[' | b'(' => stack.push((i, bytes[i] as char)),
            b'}' | b']' | b')' => {
                stack.pop();
            }
            _ => {}
        }
        i += 1;
    }
    stack.pop()
}

/// 1-based line of a byte offset.
fn line_of(text: &str, pos: usize) -> usize {
    text.get(..pos).map_or(0, |t| t.matches('\n').count()) + 1
}

/// A block left open before a new statement (or the end of the input): the diagnostic points
/// at the open bracket, not at the statement the parser stumbled over.
fn unclosed(text: &str, pos: usize, found: &str, source: u32) -> Option<Diag> {
    let line_start = text.get(..pos)?.rfind('\n').map_or(0, |i| i + 1);
    let line = text.get(line_start..)?;
    let indent = line.len() - line.trim_start().len();
    let word: String = line
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let after = line.trim_start().get(word.len()..).unwrap_or("");
    let starts_statement = STATEMENTS.contains(&word.as_str())
        && (!matches!(word.as_str(), "necessary" | "sufficient") || after.starts_with('?'));
    let at_end = found == "the end of the input";
    if !at_end && !starts_statement {
        return None;
    }
    let (open, bracket) = open_bracket(text, pos)?;
    let open_line = line_of(text, open);
    if !at_end && line_of(text, line_start) <= open_line {
        return None;
    }
    let close = match bracket {
        '{' => '}',
        '[' => ']',
        _ => ')',
    };
    let what = if at_end {
        "the end of the input".to_string()
    } else {
        format!("`{word}` on line {}", line_of(text, line_start))
    };
    let mut d = Diag::error(
        codes::SYNTAX,
        format!("expected `{close}` to close the `{bracket}` of line {open_line}, found {what}"),
    )
    .at(
        Span::new(source, open, open + 1),
        "opened here, never closed",
    );
    if !at_end {
        let s = line_start + indent;
        d = d.note(
            Span::new(source, s, s + word.len()),
            "a new statement starts here",
        );
    }
    Some(d.help(format!(
        "add `{close}` where the block of line {open_line} ends"
    )))
}

/// What stands at `pos`: a word, a symbol, the end of the line or of the input.
pub fn found_at(text: &str, pos: usize) -> (String, usize) {
    let rest = text.get(pos..).unwrap_or("");
    let Some(c) = rest.chars().next() else {
        return ("the end of the input".into(), 0);
    };
    if c == '\n' || c == '\r' {
        return ("the end of the line".into(), 0);
    }
    if c.is_alphanumeric() || c == '_' {
        let word: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
            .collect();
        let len = word.len();
        return (format!("`{word}`"), len);
    }
    if rest.starts_with("<-") {
        return ("`<-`".into(), 2);
    }
    (format!("`{c}`"), c.len_utf8())
}

/// Converts a pest error into a diagnostic.
pub fn convert(err: pest::error::Error<Rule>, text: &str, source: u32) -> Diag {
    let mut pos = match err.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    let mut expected: Vec<String> = match &err.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => positives
            .iter()
            .filter_map(|r| describe(*r))
            .map(String::from)
            .collect(),
        pest::error::ErrorVariant::CustomError { .. } => vec![],
    };
    // pest's detailed attempts know the literal tokens tried at the furthest position
    // (`for`, `*`, `)`), which the rule list above leaves out.
    if let Some(att) = err.parse_attempts() {
        if att.max_position >= pos {
            let mut from_attempts: Vec<String> = Vec::new();
            for t in att.expected_tokens() {
                // Literal tokens only (ranges such as `a..z` and built-in rules are not words
                // a user would type).
                let token = t.to_string();
                let literal = !token.trim().is_empty()
                    && token != "#"
                    && !(token.len() > 3 && token.contains(".."))
                    && token.chars().any(|c| !c.is_ascii_uppercase() && c != '_');
                if token == "\"" {
                    from_attempts.push("a string".to_string());
                } else if literal && token != "\u{FEFF}" {
                    from_attempts.push(format!("`{token}`"));
                }
            }
            if att.max_position == pos {
                from_attempts.extend(expected.iter().cloned());
            }
            if !from_attempts.is_empty() {
                pos = att.max_position;
                expected = from_attempts;
            }
        }
    }
    expected.sort();
    expected.dedup();
    // R's `<-` is read only to say that toe writes `=`; it is never offered as valid.
    expected.retain(|e| e != "`<-`");
    // an option's operator: `=`, or a comparison, not every comparison spelled out
    if expected.iter().any(|e| e == "a comparison like `>=`") {
        expected.retain(|e| !matches!(e.as_str(), "`<=`" | "`<`" | "`>=`" | "`>`"));
    }
    // "end of input" where a statement could continue really means "a new line".
    if expected.len() > 1 {
        expected.retain(|e| e != "end of input");
    }
    // A keyword where a name was expected: pest only saw that the identifier did not go on.
    let before = &text[..pos.min(text.len())];
    let word_start = before
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '.'))
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(0);
    let word = &before[word_start..];
    if KEYWORDS.contains(&word) && expected.iter().all(|e| e == "`.`" || e == "a name") {
        let span = Span::new(source, word_start, pos);
        return Diag::error(
            codes::SYNTAX,
            format!("expected a name, found the keyword `{word}`"),
        )
        .at(span, "a keyword of the language")
        .help(format!(
            "keywords cannot name data, sets or analyses; write e.g. `{word}_1` or `my_{word}`"
        ));
    }
    let (found, len) = found_at(text, pos);
    if let Some(d) = unclosed(text, pos, &found, source) {
        return d;
    }
    let span = Span::new(source, pos, pos + len);
    let rest = text.get(pos..).unwrap_or("");
    // `10%` for a percentile anchor
    let digits = before.len()
        - before
            .trim_end_matches(|c: char| c.is_ascii_digit() || c == '.')
            .len();
    if rest.starts_with('%') && digits > 0 {
        let number = &before[before.len() - digits..];
        return Diag::error(
            codes::SYNTAX,
            format!("expected a percentile like `p{number}`, found `{number}%`"),
        )
        .at(Span::new(source, pos - digits, pos + 1), "not a percentile")
        .help("percentiles are written with a `p`: `p10`, `p50`, `p90`");
    }
    // A statement expected, a word found: the statements by name, and a did-you-mean.
    let statements = expected
        .iter()
        .filter(|e| STATEMENTS.iter().any(|k| e.trim_matches('`') == *k))
        .count();
    if statements >= 5 && len > 0 && found.starts_with('`') {
        let word = found.trim_matches('`');
        let help = match crate::diagnostics::did_you_mean(word, STATEMENTS) {
            Some(k) => format!("did you mean `{k}`?"),
            None if rest.trim_start_matches(|c: char| c.is_alphanumeric() || c == '_').trim_start().starts_with("<-")
                || rest.trim_start_matches(|c: char| c.is_alphanumeric() || c == '_').trim_start().starts_with('=') =>
            {
                "toe has no variables: a line starts with a keyword such as `data`, `conditions`, `calibrate`, `nca`, `fsqca` or `show`".to_string()
            }
            None => "a statement starts with a keyword such as `data`, `conditions`, `calibrate`, `nca`, `fsqca` or `show` (docs/language.md)".to_string(),
        };
        return Diag::error(
            codes::SYNTAX,
            format!("expected a statement, found {found}"),
        )
        .at(span, "not a statement")
        .help(help);
    }
    let expected: Vec<&str> = expected.iter().map(|s| s.as_str()).collect();
    let expected_text = match expected.len() {
        0 => "something else".to_string(),
        1 => expected[0].to_string(),
        _ => {
            let (last, first) = expected.split_last().unwrap_or((&"", &[]));
            format!("{} or {}", first.join(", "), last)
        }
    };
    let help = if rest.starts_with("==") {
        "comparisons in options are written `>=` (at least), e.g. `consistency >= 0.8`".to_string()
    } else if rest.starts_with("<-") {
        "toe writes `=` where R writes `<-`".to_string()
    } else if rest.starts_with('&') || rest.starts_with('|') && !rest.starts_with("||") {
        "set expressions use `*` for and, `+` for or, `~` for not".to_string()
    } else if rest.starts_with('!') {
        "negation is written `~`, as in the QCA literature".to_string()
    } else if expected.contains(&"a comparison like `>=`") {
        "an option is written `name = value`, a threshold `name >= value` (e.g. `consistency >= 0.8`)".to_string()
    } else if found == "the end of the input" {
        "a block or a list was left open: close it with `}`, `]` or `)`".to_string()
    } else {
        "see docs/language.md for the forms of each statement".to_string()
    };
    Diag::error(
        codes::SYNTAX,
        format!("expected {expected_text}, found {found}"),
    )
    .at(span, format!("expected {expected_text}"))
    .help(help)
}
