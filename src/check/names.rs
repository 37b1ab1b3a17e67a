//! Stage 3, names: the one wording of an unknown name (with "did you mean") and R's spellings
//! of toe's options.
//!
//! Guarantees: every "expected a …, found `x`" of the checker comes from [`unknown`], so the
//! same mistake always reads the same way.

use crate::diagnostics::{suggestion, Diag};
use crate::source::Span;

/// R's names for toe's options, with toe's spelling.
pub const R_HABITS: [(&str, &str); 10] = [
    ("incl.cut", "consistency"),
    ("n.cut", "cases"),
    ("pri.cut", "pri"),
    ("dir.exp", "expect"),
    ("test.rep", "permutations"),
    ("ceilings", "ceilings"),
    ("ceiling", "ceilings"),
    ("bottleneck.y", "bottlenecks"),
    ("steps", "bottlenecks"),
    ("incl", "consistency"),
];

pub(crate) fn r_translation(key: &str) -> Option<&'static str> {
    R_HABITS
        .iter()
        .find(|(r, t)| *r == key && *r != *t)
        .map(|(_, t)| *t)
}

/// An unknown name among `candidates`.
pub fn unknown(
    code: &'static str,
    what: &str,
    name: &str,
    span: Span,
    candidates: &[&str],
) -> Diag {
    let article = if what.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    Diag::error(code, format!("expected {article} {what}, found `{name}`"))
        .at(span, format!("no {what} is called `{name}`"))
        .help(suggestion(name, candidates, what))
}
