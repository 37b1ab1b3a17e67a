//! Stage 3, names: the one wording of an unknown name (with "did you mean") and R's spellings
//! of toe's options.
//!
//! Guarantees: every "expected a …, found `x`" of the checker comes from [`unknown`], so the
//! same mistake always reads the same way.

use crate::diagnostics::{suggestion, Diag};
use crate::source::Span;

/// R's names for toe's options, with toe's spelling.
pub const R_HABITS: [(&str, &str); 13] = [
    ("incl.cut", "consistency"),
    ("n.cut", "cases"),
    ("pri.cut", "pri"),
    ("dir.exp", "expect"),
    ("test.rep", "permutations"),
    ("ceilings", "ceilings"),
    ("ceiling", "ceilings"),
    ("bottleneck.y", "bottleneck_y"),
    ("bottleneck.x", "bottleneck_x"),
    ("steps", "bottlenecks"),
    ("incl", "consistency"),
    ("min.dif", "outliers_min_change"),
    ("max.results", "outliers_max_rows"),
];

/// The literature's words for toe's options (a frequency threshold is `cases`).
pub const SYNONYMS: [(&str, &str); 6] = [
    ("frequency", "cases"),
    ("freq", "cases"),
    ("n_cut", "cases"),
    ("incl_cut", "consistency"),
    ("pri_cut", "pri"),
    ("permutation", "permutations"),
];

pub(crate) fn synonym(key: &str) -> Option<&'static str> {
    SYNONYMS.iter().find(|(w, _)| *w == key).map(|(_, t)| *t)
}

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
