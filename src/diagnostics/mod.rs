//! Diagnostics: every error and warning the program can report, with a stable code.
//!
//! Guarantees: a [`Diag`] carries a code from [`codes`], a message that says what was
//! expected first and what was found second, a primary label on a span, and one line of
//! help. Diagnostics hold spans only; [`render`] asks the [`SourceMap`] for the text.

pub mod runtime;

use crate::source::{SourceMap, Span};
use std::fmt;

/// The stable codes. A code, once published, keeps its meaning.
pub mod codes {
    // parse: the text does not follow the grammar, or uses an R habit.
    pub const SYNTAX: &str = "toe::parse::syntax";
    pub const R_ASSIGNMENT: &str = "toe::parse::r_assignment";
    pub const R_VECTOR: &str = "toe::parse::r_vector";
    pub const BAD_NUMBER: &str = "toe::parse::bad_number";
    pub const BAD_STRING: &str = "toe::parse::bad_string";
    pub const NOT_UTF8: &str = "toe::parse::not_utf8";
    pub const TOO_DEEP: &str = "toe::parse::too_deep";
    // check: names, options and anchors.
    pub const DUPLICATE_STUDY: &str = "toe::check::duplicate_study";
    pub const NO_DATA: &str = "toe::check::no_data";
    pub const DUPLICATE_DATA: &str = "toe::check::duplicate_data";
    pub const UNKNOWN_DATA_FUNCTION: &str = "toe::check::unknown_data_function";
    pub const UNKNOWN_ARGUMENT: &str = "toe::check::unknown_argument";
    pub const MISSING_ARGUMENT: &str = "toe::check::missing_argument";
    pub const BAD_ARGUMENT: &str = "toe::check::bad_argument";
    pub const UNKNOWN_COLUMN: &str = "toe::check::unknown_column";
    pub const DUPLICATE_SET: &str = "toe::check::duplicate_set";
    pub const UNKNOWN_SET: &str = "toe::check::unknown_set";
    pub const UNKNOWN_FRAMEWORK: &str = "toe::check::unknown_framework";
    pub const DIMENSION_NOT_IN_FRAMEWORK: &str = "toe::check::dimension_not_in_framework";
    pub const UNKNOWN_CALIBRATION: &str = "toe::check::unknown_calibration";
    pub const ANCHOR_ORDER: &str = "toe::check::anchor_order";
    pub const EQUAL_ANCHORS: &str = "toe::check::equal_anchors";
    pub const BAD_PERCENTILE: &str = "toe::check::bad_percentile";
    pub const NOT_CALIBRATED: &str = "toe::check::not_calibrated";
    pub const FUZZY_OUT_OF_RANGE: &str = "toe::check::fuzzy_out_of_range";
    pub const UNKNOWN_OPTION: &str = "toe::check::unknown_option";
    pub const R_OPTION: &str = "toe::check::r_option";
    pub const BAD_OPTION: &str = "toe::check::bad_option";
    pub const DUPLICATE_ANALYSIS: &str = "toe::check::duplicate_analysis";
    pub const UNKNOWN_ANALYSIS: &str = "toe::check::unknown_analysis";
    pub const UNKNOWN_SHOW: &str = "toe::check::unknown_show";
    pub const OUTCOME_AMONG_CONDITIONS: &str = "toe::check::outcome_among_conditions";
    pub const DUPLICATE_CONDITION: &str = "toe::check::duplicate_condition";
    pub const UNKNOWN_CEILING: &str = "toe::check::unknown_ceiling";
    pub const BAD_EXPECTATION: &str = "toe::check::bad_expectation";
    pub const USE_CYCLE: &str = "toe::check::use_cycle";
    pub const UNKNOWN_MODULE: &str = "toe::check::unknown_module";
    pub const BAD_EXPORT: &str = "toe::check::bad_export";
    pub const OUTPUT_IS_INPUT: &str = "toe::check::output_is_input";
    pub const NOT_AVAILABLE: &str = "toe::check::not_available";
    pub const INDEX: &str = "toe::check::index";
    // data: files and cells.
    pub const MISSING_FILE: &str = "toe::data::missing_file";
    pub const READ_ERROR: &str = "toe::data::read_error";
    pub const MALFORMED: &str = "toe::data::malformed";
    pub const EMPTY: &str = "toe::data::empty";
    pub const TEXT_IN_NUMERIC_COLUMN: &str = "toe::data::text_in_numeric_column";
    pub const DUPLICATE_ID: &str = "toe::data::duplicate_id";
    pub const DUPLICATE_COLUMN: &str = "toe::data::duplicate_column";
    pub const MISSING_ID: &str = "toe::data::missing_id";
    pub const CONSTANT_COLUMN: &str = "toe::data::constant_column";
    pub const ALL_MISSING: &str = "toe::data::all_missing";
    pub const UNKNOWN_SHEET: &str = "toe::data::unknown_sheet";
    /// A table handed over in memory (the R and Python packages) that is not a table.
    pub const BAD_DATA_FRAME: &str = "toe::data::bad_data_frame";
    // run: warnings and failures while evaluating.
    pub const HALF_MEMBERSHIP: &str = "toe::run::half_membership";
    pub const NUDGED: &str = "toe::run::nudged";
    pub const ABSENT_NECESSARY: &str = "toe::run::absent_necessary";
    pub const BELOW_REQUIRED: &str = "toe::run::below_required";
    pub const NECESSITY_DISAGREES: &str = "toe::run::necessity_disagrees";
    pub const MISSING_VALUES: &str = "toe::run::missing_values";
    pub const NO_CASES: &str = "toe::run::no_cases";
    pub const EMPTY_SET: &str = "toe::run::empty_set";
    pub const SCOPE_WIDENED: &str = "toe::run::scope_widened";
    pub const NO_SEED: &str = "toe::run::no_seed";
    pub const WRITE_ERROR: &str = "toe::run::write_error";
    pub const EMPTY_SCRIPT: &str = "toe::run::empty_script";
    pub const STDOUT: &str = "toe::run::stdout";
    pub const REPORT_FORMAT: &str = "toe::run::report_format";
    pub const UNDEFINED: &str = "toe::run::undefined";
    pub const DEPARTURE: &str = "toe::run::departure";
    pub const TARGET_OUTSIDE: &str = "toe::run::target_outside";
    pub const TOO_FEW_CASES: &str = "toe::run::too_few_cases";
    pub const TOO_MANY_COMBINATIONS: &str = "toe::run::too_many_combinations";
    pub const NO_TERMINAL: &str = "toe::run::no_terminal";
}

/// Error or warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// One diagnostic (boxed, so that `Result<_, Diag>` stays small).
#[derive(Debug, Clone, PartialEq)]
pub struct Diag(Box<DiagData>);

impl std::ops::Deref for Diag {
    type Target = DiagData;
    fn deref(&self) -> &DiagData {
        &self.0
    }
}

impl std::ops::DerefMut for Diag {
    fn deref_mut(&mut self) -> &mut DiagData {
        &mut self.0
    }
}

/// The content of a diagnostic.
#[derive(Debug, Clone, PartialEq)]
pub struct DiagData {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    /// The primary span and its label.
    pub span: Option<Span>,
    pub label: String,
    /// Secondary labels.
    pub notes: Vec<(Span, String)>,
    pub help: Option<String>,
}

impl Diag {
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Diag(Box::new(DiagData {
            code,
            severity: Severity::Error,
            message: message.into(),
            span: None,
            label: String::new(),
            notes: Vec::new(),
            help: None,
        }))
    }
    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        let mut d = Diag::error(code, message);
        d.severity = Severity::Warning;
        d
    }
    /// The primary label.
    pub fn at(mut self, span: Span, label: impl Into<String>) -> Self {
        self.span = Some(span);
        self.label = label.into();
        self
    }
    /// A secondary label.
    pub fn note(mut self, span: Span, label: impl Into<String>) -> Self {
        self.notes.push((span, label.into()));
        self
    }
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)
    }
}

/// The closest candidate to `name`, if one is close enough to suggest.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = name.to_lowercase();
    let mut best: Option<(&str, f64)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(&lower, &c.to_lowercase());
        let close = score >= 0.8 || (c.to_lowercase() == lower);
        if close && best.is_none_or(|(_, s)| score > s) {
            best = Some((c, score));
        }
    }
    best.map(|(c, _)| c)
}

/// "did you mean `x`?" or a list of the possible names.
pub fn suggestion(name: &str, candidates: &[&str], what: &str) -> String {
    if let Some(c) = did_you_mean(name, candidates.iter().copied()) {
        format!("did you mean `{c}`?")
    } else if candidates.is_empty() {
        format!("no {what} is defined yet")
    } else {
        let shown: Vec<String> = candidates
            .iter()
            .take(8)
            .map(|c| format!("`{c}`"))
            .collect();
        let more = if candidates.len() > 8 { ", …" } else { "" };
        format!("the {} are {}{more}", plural(what), shown.join(", "))
    }
}

/// The plural of a word of a message: "analyses", "indexes", "columns".
pub fn plural(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("sis") {
        format!("{stem}ses")
    } else if word.ends_with('x') || word.ends_with("ch") || word.ends_with('s') {
        format!("{word}es")
    } else if word.ends_with('y') && !word.ends_with("ey") && !word.ends_with("ay") {
        format!("{}ies", &word[..word.len() - 1])
    } else {
        format!("{word}s")
    }
}

/// Numbers for display: integers without decimals, others with at most 10 decimals and no
/// trailing zeros (58.120000000000005 → 58.12). Used in messages and, through the report, in
/// tables; never for stored or JSON values.
pub fn number(v: f64) -> String {
    if v.is_nan() {
        return "NA".into();
    }
    if v == v.trunc() && v.abs() < 1e15 {
        return format!("{}", v as i64);
    }
    if v.abs() >= 1e15 || v.abs() < 1e-6 {
        return format!("{v:e}");
    }
    let s = format!("{v:.10}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

// ------------------------------------------------------------------ rendering

struct Renderable<'a> {
    diag: &'a Diag,
    source: Option<miette::NamedSource<String>>,
    /// Notes that point into another file (a `use`d script), each with that file's text.
    related: Vec<Related>,
}

/// A note in another file, rendered under the diagnostic with its own snippet.
struct Related {
    label: String,
    span: Span,
    source: miette::NamedSource<String>,
}

impl fmt::Debug for Related {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.label)
    }
}
impl fmt::Display for Related {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.label)
    }
}
impl std::error::Error for Related {}

impl miette::Diagnostic for Related {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(
            miette::LabeledSpan::new_primary_with_span(Some(self.label.clone()), self.span),
        )))
    }
}

impl fmt::Debug for Renderable<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.diag.message)
    }
}
impl fmt::Display for Renderable<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.diag.message)
    }
}
impl std::error::Error for Renderable<'_> {}

impl miette::Diagnostic for Renderable<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.diag.code))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diag
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn miette::Diagnostic> + 'b>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(
            self.related.iter().map(|r| r as &dyn miette::Diagnostic),
        ))
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        self.source.as_ref()?;
        let span = self.diag.span?;
        let mut labels = vec![miette::LabeledSpan::new_primary_with_span(
            Some(self.diag.label.clone()),
            span,
        )];
        for (s, l) in &self.diag.notes {
            if s.source == span.source {
                labels.push(miette::LabeledSpan::new_with_span(Some(l.clone()), *s));
            }
        }
        Some(Box::new(labels.into_iter()))
    }
}

/// Lines longer than this are not shown in snippets.
const LONG_LINE: usize = 2000;

/// True when the span, or a line next to it, is too long to show.
fn near_long_line(text: &str, span: Span) -> bool {
    let start = span.start.min(text.len());
    let end = span.end.min(text.len()).max(start);
    let from = text[..start]
        .rfind('\n')
        .map(|i| text[..i].rfind('\n').map(|j| j + 1).unwrap_or(0))
        .unwrap_or(0);
    let to = text[end..]
        .find('\n')
        .map(|i| {
            let after = end + i + 1;
            text[after..]
                .find('\n')
                .map(|j| after + j)
                .unwrap_or(text.len())
        })
        .unwrap_or(text.len());
    text[from..to].split('\n').any(|l| l.len() > LONG_LINE)
}

/// `file:line:column` of a byte offset.
fn location(name: &str, text: &str, offset: usize) -> String {
    let offset = offset.min(text.len());
    let mut start = offset;
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let before = &text[..start];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    format!("{name}:{line}:{col}")
}

/// Renders a diagnostic as text: unicode or ASCII, with or without colour, at a fixed width.
pub fn render(diag: &Diag, sources: &SourceMap, color: bool, width: usize) -> String {
    let mut located = None;
    let source = diag.span.and_then(|s| sources.get(s.source)).and_then(|f| {
        let span = diag.span?;
        // A span outside the text (never expected) renders without a snippet rather than failing;
        // so does one on a very long line, which the snippet renderer cannot lay out.
        let fits = std::iter::once(span)
            .chain(diag.notes.iter().map(|n| n.0))
            .filter(|s| s.source == span.source)
            .all(|s| s.end <= f.text.len() && s.start <= s.end && !near_long_line(&f.text, s));
        if fits {
            Some(miette::NamedSource::new(f.name.clone(), f.text.clone()))
        } else {
            located = Some(location(&f.name, &f.text, span.start));
            None
        }
    });
    let mut diag = diag.clone();
    if let Some(l) = located {
        diag.message = format!("{} (at {l})", diag.message);
    }
    let diag = &diag;
    // Notes in another file than the primary label's: rendered as related snippets.
    let primary = diag.span.map(|s| s.source);
    let related = diag
        .notes
        .iter()
        .filter(|(s, _)| Some(s.source) != primary)
        .filter_map(|(s, label)| {
            let f = sources.get(s.source)?;
            let fits = s.end <= f.text.len() && s.start <= s.end && !near_long_line(&f.text, *s);
            fits.then(|| Related {
                label: label.clone(),
                span: *s,
                source: miette::NamedSource::new(f.name.clone(), f.text.clone()),
            })
        })
        .collect();
    let r = Renderable {
        diag,
        source,
        related,
    };
    let theme = if color {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let handler = miette::GraphicalReportHandler::new_themed(theme)
        .with_width(width)
        .with_links(false);
    let mut out = String::new();
    if handler.render_report(&mut out, &r).is_err() {
        out = format!("{}: {}\n", diag.code, diag.message);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn numbers_as_printed() {
        assert_eq!(number(58.120000000000005), "58.12");
        assert_eq!(number(-3.0), "-3");
        assert_eq!(number(0.25), "0.25");
    }

    #[test]
    fn suggests_close_names() {
        assert_eq!(did_you_mean("HUMM", ["HUM", "WEB"]), Some("HUM"));
        assert_eq!(did_you_mean("zzz", ["HUM", "WEB"]), None);
    }

    #[test]
    fn plurals_of_the_words_of_messages() {
        assert_eq!(plural("analysis"), "analyses");
        assert_eq!(plural("index"), "indexes");
        assert_eq!(plural("column"), "columns");
        assert_eq!(plural("calibration method"), "calibration methods");
        assert_eq!(
            suggestion("zzz", &["high", "nec"], "analysis"),
            "the analyses are `high`, `nec`"
        );
    }
}
