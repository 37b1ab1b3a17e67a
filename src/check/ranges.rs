//! Stage 3, the documented range of every numeric option: one table ([`RANGES`]) that the
//! checker reads and `docs/language.md#option-ranges` prints (a test keeps the two equal).
//!
//! Guarantees: a number outside its option's range, or a fraction where a whole number is
//! needed, is `toe::check::bad_option` (or `bad_argument` inside a call) with the range in the
//! message, the value found and one line of help; a number inside the range is returned as
//! written, so that every output echoes the value the script gave.

use crate::diagnostics::{codes, number, Diag};
use crate::syntax::ast::{Value, ValueKind};

/// One end of a range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum End {
    /// The value itself is allowed.
    Closed(f64),
    /// Only values beyond it are.
    Open(f64),
}

/// The range of one numeric option.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OptionRange {
    /// The statement or call the option belongs to.
    pub block: &'static str,
    pub option: &'static str,
    pub low: End,
    pub high: End,
    /// Whether only whole numbers are allowed.
    pub whole: bool,
    /// One line of help.
    pub help: &'static str,
}

use End::{Closed, Open};

const fn r(
    block: &'static str,
    option: &'static str,
    low: End,
    high: End,
    whole: bool,
    help: &'static str,
) -> OptionRange {
    OptionRange {
        block,
        option,
        low,
        high,
        whole,
        help,
    }
}

/// The largest seed: R's seeds are 32-bit; `set.seed(-k)` is `seed = 4294967296 - k`.
pub const MAX_SEED: f64 = 4_294_967_295.0;

const SEED_HELP: &str =
    "a whole number from 0 to 4294967295, e.g. `seed = 2021`; R's set.seed(-k) is seed = 4294967296 - k";

/// Every numeric option's range, in the order `docs/language.md` lists them.
pub const RANGES: &[OptionRange] = &[
    r(
        "nca",
        "permutations",
        Closed(0.0),
        Closed(1e8),
        true,
        "10000 permutations give p-values to about ±0.005",
    ),
    r(
        "nca",
        "seed",
        Closed(0.0),
        Closed(MAX_SEED),
        true,
        SEED_HELP,
    ),
    r(
        "nca",
        "steps",
        Closed(1.0),
        Closed(1000.0),
        true,
        "`steps(10)` gives outcome levels 0, 10, …, 100 %",
    ),
    r(
        "nca",
        "qr_tau",
        Open(0.0),
        Open(1.0),
        false,
        "the quantile of the QR ceiling, e.g. 0.95",
    ),
    r(
        "nca",
        "outliers",
        Closed(1.0),
        Closed(10.0),
        true,
        "`outliers = 1` removes single cases; `outliers = 2` also pairs (R's k)",
    ),
    r(
        "nca",
        "outliers_min_change",
        Closed(0.0),
        Closed(1000000.0),
        false,
        "the smallest |relative change| of d shown, in percent (R's min.dif, 0.01 by default)",
    ),
    r(
        "nca",
        "outliers_max_rows",
        Closed(1.0),
        Closed(1000000.0),
        true,
        "the outlier rows shown (R's max.results, 25 by default); the JSON keeps them all",
    ),
    r(
        "nca",
        "d",
        Closed(0.0),
        Closed(1.0),
        false,
        "d is an effect size between 0 and 1, e.g. `necessary when d >= 0.1`",
    ),
    r(
        "nca",
        "p",
        Closed(0.0),
        Closed(1.0),
        false,
        "p is a probability, e.g. `p <= 0.05`",
    ),
    r(
        "fsqca",
        "cases",
        Closed(0.0),
        Closed(1e9),
        false,
        "`cases >= 1` keeps every observed row",
    ),
    r(
        "fsqca",
        "consistency",
        Closed(0.0),
        Closed(1.0),
        false,
        "a proportion, e.g. `consistency >= 0.8`",
    ),
    r(
        "fsqca",
        "pri",
        Closed(0.0),
        Closed(1.0),
        false,
        "a proportion, e.g. `pri >= 0.7`",
    ),
    r(
        "fsqca",
        "contradictions",
        Closed(0.0),
        Closed(1.0),
        false,
        "a proportion below `consistency`, e.g. `contradictions >= 0.7`",
    ),
    r(
        "necessary? *",
        "consistency",
        Closed(0.0),
        Closed(1.0),
        false,
        "a proportion, e.g. `consistency >= 0.9`",
    ),
    r(
        "necessary? *",
        "coverage",
        Closed(0.0),
        Closed(1.0),
        false,
        "a proportion, e.g. `coverage >= 0.5`",
    ),
    r(
        "necessary? *",
        "relevance",
        Closed(0.0),
        Closed(1.0),
        false,
        "a proportion, e.g. `relevance >= 0.6`",
    ),
    r(
        "necessary? *",
        "depth",
        Closed(1.0),
        Closed(64.0),
        true,
        "the most literals in one expression, e.g. `depth = 2`",
    ),
    r(
        "sensitivity",
        "step",
        Open(0.0),
        Closed(1e9),
        false,
        "the change per run, e.g. `consistency = [0.01, 20]`",
    ),
    r(
        "sensitivity",
        "runs",
        Closed(1.0),
        Closed(1000.0),
        true,
        "the most steps in each direction, e.g. `consistency = [0.01, 20]`",
    ),
    r(
        "nest",
        "level",
        Closed(0.0),
        Closed(1.0),
        false,
        "the outcome level in the NEST table, e.g. `level = 0.5`",
    ),
    r(
        "resample",
        "share",
        Open(0.0),
        Open(1.0),
        false,
        "the share of the cases each subsample keeps, e.g. `share = 0.8`",
    ),
    r(
        "resample",
        "runs",
        Closed(1.0),
        Closed(100_000.0),
        true,
        "for example `runs = 500`",
    ),
    r(
        "resample",
        "seed",
        Closed(0.0),
        Closed(MAX_SEED),
        true,
        SEED_HELP,
    ),
    r(
        "power",
        "n",
        Closed(3.0),
        Closed(100_000.0),
        true,
        "for example `n = [20, 50, 100]`",
    ),
    r(
        "power",
        "effect",
        Open(0.0),
        Open(1.0),
        false,
        "NCA's effect sizes: 0.1 small, 0.3 medium, 0.5 large",
    ),
    r(
        "power",
        "corner",
        Closed(1.0),
        Closed(4.0),
        true,
        "1 upper-left (default), 2 upper-right, 3 lower-left, 4 lower-right",
    ),
    r(
        "power",
        "p",
        Open(0.0),
        Open(1.0),
        false,
        "the significance level, e.g. `p = 0.05`",
    ),
    r(
        "power",
        "replicates",
        Closed(1.0),
        Closed(1e6),
        true,
        "for example `replicates = 1000`",
    ),
    r(
        "power",
        "permutations",
        Closed(1.0),
        Closed(1e6),
        true,
        "for example `permutations = 1000`",
    ),
    r(
        "power",
        "seed",
        Closed(0.0),
        Closed(MAX_SEED),
        true,
        SEED_HELP,
    ),
    r(
        "direct",
        "idm",
        Open(0.5),
        Open(1.0),
        false,
        "the membership reached at the outer anchors, 0.95 by default",
    ),
    r(
        "direct",
        "logodds",
        Open(0.0),
        Open(700.0),
        false,
        "the fs/QCA software's convention is `logodds = 3`",
    ),
    r(
        "calibration",
        "nudge",
        Open(0.0),
        Closed(0.1),
        false,
        "`nudge = 0.001` moves memberships of exactly 0.5 to 0.501 (Fiss's convention)",
    ),
];

impl OptionRange {
    /// The range as the docs and messages print it: `[0, 1]`, `(0, 1)`, `[1, 1000]`.
    pub fn interval(&self) -> String {
        let (l, lo) = match self.low {
            Closed(x) => ('[', x),
            Open(x) => ('(', x),
        };
        let (h, hi) = match self.high {
            Closed(x) => (']', x),
            Open(x) => (')', x),
        };
        format!("{l}{}, {}{h}", number(lo), number(hi))
    }

    /// Whether `x` lies in the range (and is whole where it must be).
    pub fn holds(&self, x: f64) -> bool {
        let above = match self.low {
            Closed(l) => x >= l,
            Open(l) => x > l,
        };
        let below = match self.high {
            Closed(h) => x <= h,
            Open(h) => x < h,
        };
        above && below && (!self.whole || x.fract() == 0.0)
    }

    fn expected(&self) -> String {
        let what = if self.whole {
            "a whole number"
        } else {
            "a number"
        };
        let (lo, hi) = (self.low, self.high);
        let bounds = match (lo, hi) {
            (Closed(a), Closed(b)) => format!("from {} to {}", number(a), number(b)),
            (Open(a), Open(b)) => format!("strictly between {} and {}", number(a), number(b)),
            (Closed(a), Open(b)) => format!("from {} and below {}", number(a), number(b)),
            (Open(a), Closed(b)) => format!("above {} and at most {}", number(a), number(b)),
        };
        format!("`{}` {what} {bounds}", self.option)
    }
}

/// The range of an option (a bug if it is not in the table: the first entry stands in).
pub fn range_of(block: &str, option: &str) -> &'static OptionRange {
    let found = RANGES
        .iter()
        .find(|r| r.block == block && r.option == option);
    // the names are the checker's literals: a missing row is a bug of toe, caught by tests
    debug_assert!(found.is_some(), "no range for {block} {option}");
    found.unwrap_or(&RANGES[0])
}

/// The number `v` if it is one and lies in the range of `block`'s `option`.
pub fn ranged(v: &Value, block: &str, option: &str) -> Result<f64, Diag> {
    within(v, block, option, codes::BAD_OPTION)
}

/// As [`ranged`], for an argument of a call (`direct(…, idm = 0.95)`): `bad_argument`.
pub fn ranged_argument(v: &Value, block: &str, option: &str) -> Result<f64, Diag> {
    within(v, block, option, codes::BAD_ARGUMENT)
}

fn within(v: &Value, block: &str, option: &str, code: &'static str) -> Result<f64, Diag> {
    let range = range_of(block, option);
    match v.kind {
        ValueKind::Number(x) => check(x, v, range, code),
        _ => Err(Diag::error(
            code,
            format!("expected {}, found {}", range.expected(), v.kind.describe()),
        )
        .at(v.span, "not a number")
        .help(range.help)),
    }
}

/// A number already read (a rule's `d >= 0.1`), with the span to point at.
pub fn ranged_number(
    x: f64,
    span: crate::source::Span,
    block: &str,
    option: &str,
) -> Result<f64, Diag> {
    let range = range_of(block, option);
    if range.holds(x) {
        return Ok(x);
    }
    Err(out_of_range(x, span, range, codes::BAD_OPTION))
}

fn check(x: f64, v: &Value, range: &OptionRange, code: &'static str) -> Result<f64, Diag> {
    if range.holds(x) {
        Ok(x)
    } else {
        Err(out_of_range(x, v.span, range, code))
    }
}

fn out_of_range(
    x: f64,
    span: crate::source::Span,
    range: &OptionRange,
    code: &'static str,
) -> Diag {
    Diag::error(
        code,
        format!("expected {}, found {}", range.expected(), number(x)),
    )
    .at(
        span,
        if range.whole && x.fract() != 0.0 {
            "not a whole number"
        } else {
            "out of range"
        },
    )
    .help(range.help)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ends_open_and_closed() {
        let seed = range_of("nca", "seed");
        assert!(seed.holds(0.0) && seed.holds(MAX_SEED));
        assert!(!seed.holds(-1.0) && !seed.holds(MAX_SEED + 1.0) && !seed.holds(1.5));
        let share = range_of("resample", "share");
        assert!(!share.holds(0.0) && !share.holds(1.0) && share.holds(0.5));
        assert_eq!(share.interval(), "(0, 1)");
        assert_eq!(seed.interval(), "[0, 4294967295]");
        assert_eq!(
            seed.expected(),
            "`seed` a whole number from 0 to 4294967295"
        );
    }

    #[test]
    fn every_entry_is_looked_up_by_its_own_names() {
        for r in RANGES {
            assert_eq!(range_of(r.block, r.option), r);
        }
    }
}
