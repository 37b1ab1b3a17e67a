//! The wording of the diagnostics that only running a script can raise: warnings about the
//! data an analysis met (missing values, memberships of exactly 0.5, undefined effects) and
//! failures of the engine. The interpreter calls these with plain values; it words nothing.
//!
//! Guarantees: each function gives one diagnostic with a stable code, a message that says what
//! was expected and what was found, a span and one line of help.

use super::{codes, Diag};
use crate::source::Span;

/// Cases at exactly 0.5 in sets calibrated at `span`: (set, case ids) per set; `outcome`
/// says whether these are outcomes (the consequence differs by role).
pub fn half_memberships(
    found: &[(String, Vec<String>)],
    outcome: bool,
    median_of: Option<usize>,
    span: Span,
) -> Diag {
    let listed: Vec<String> = found
        .iter()
        .map(|(s, cases)| format!("`{s}` in {}", cases.join(", ")))
        .collect();
    let (what, help) = if outcome {
        (
            "outcome memberships",
            "a case at the outcome's crossover counts half in consistency and coverage; `nudge = 0.001` in its calibration moves it to 0.501 (reported), or move the crossover",
        )
    } else {
        (
            "memberships",
            "a case at the crossover belongs to no truth-table row; `nudge = 0.001` in the calibration moves it to 0.501 (reported), or put the crossover between two cases",
        )
    };
    let why = match median_of {
        Some(n) => format!(
            " (the crossover p50 of an odd number of cases, {n}, is the median case's own value)"
        ),
        None => String::new(),
    };
    Diag::warning(
        codes::HALF_MEMBERSHIP,
        format!(
            "expected {what} other than 0.5, found exactly 0.5 for {}{why}",
            listed.join("; ")
        ),
    )
    .at(span, "this calibration")
    .help(help)
}

/// An observed positive truth-table row lacking an expression claimed necessary (`exclude
/// lacking X`): SetMethods' esa() turns such a row negative; toe keeps it and says so.
pub fn necessity_contradicted(analysis: &str, claim: &str, row: u128, span: Span) -> Diag {
    Diag::warning(
        codes::DEPARTURE,
        format!("expected every positive row of `{analysis}` to satisfy `{claim}`, found row {row} positive without it"),
    )
    .at(span, "this necessity claim")
    .help("the row stays positive (only remainders are excluded); SetMethods' esa() would turn it negative — check the claim")
}

/// A configuration with a necessary condition's absence as a core condition.
pub fn absent_necessary(
    config: &str,
    condition: &str,
    nca: &str,
    cases: &[String],
    span: Span,
) -> Diag {
    Diag::warning(
        codes::ABSENT_NECESSARY,
        format!(
            "expected no configuration without `{condition}`, which `{nca}` finds necessary, found ~{condition} as core in {config} (cases {})",
            if cases.is_empty() { "none".to_string() } else { cases.join(", ") }
        ),
    )
    .at(span, "this NEST table")
    .help("a case cannot reach the outcome without a necessary condition: check those cases' memberships and the NCA's ceiling, or the calibration")
}

/// Cases of a configuration below a necessary condition's required level.
pub fn below_required(
    config: &str,
    condition: &str,
    level: f64,
    cases: &[String],
    span: Span,
) -> Diag {
    Diag::warning(
        codes::BELOW_REQUIRED,
        format!(
            "expected the cases of {config} at least at NCA's required level of `{condition}` ({:.3}), found {} below",
            level,
            cases.join(", ")
        ),
    )
    .at(span, "this NEST table")
    .help("these cases reach the outcome with less of a necessary condition than the ceiling allows: check them as deviant cases")
}

/// QCA's necessity in kind and NCA's necessity in degree disagree on some conditions.
pub fn necessity_disagrees(degree_only: &[String], kind_only: &[String], span: Span) -> Diag {
    let mut parts = Vec::new();
    if !degree_only.is_empty() {
        parts.push(format!(
            "{} necessary in degree (NCA) but not in kind (QCA consistency below 0.9)",
            degree_only.join(", ")
        ));
    }
    if !kind_only.is_empty() {
        parts.push(format!(
            "{} necessary in kind but not in degree",
            kind_only.join(", ")
        ));
    }
    Diag::warning(
        codes::NECESSITY_DISAGREES,
        format!("expected QCA and NCA to agree on necessity, found {}", parts.join("; ")),
    )
    .at(span, "this NEST table")
    .help("necessity in kind (consistency >= 0.9) and in degree (NCA's d and p) answer different questions: report both (the table shows them side by side)")
}

/// A necessity search with too many expressions to test.
pub fn search_too_large(expressions: f64, span: Span) -> Diag {
    Diag::error(
        codes::TOO_MANY_COMBINATIONS,
        format!("expected a search of at most a few million expressions, found {expressions:.0} to test"),
    )
    .at(span, "this search")
    .help("limit the literals per expression with `depth = 3`, or name fewer conditions with `of`")
}

/// Memberships of exactly 0.5 moved by a calibration's `nudge`: never silent.
pub fn nudged(found: &[(String, f64, Vec<String>)], span: Span) -> Diag {
    let listed: Vec<String> = found
        .iter()
        .map(|(s, by, cases)| format!("`{s}` in {} (+{by})", cases.join(", ")))
        .collect();
    Diag::warning(
        codes::NUDGED,
        format!(
            "expected memberships as calibrated, found 0.5 nudged up for {}",
            listed.join("; ")
        ),
    )
    .at(span, "`nudge` in this calibration")
    .help("report the nudge with the calibration (Fiss 2011 adds 0.001); drop `nudge` to keep 0.5")
}

/// An NCA condition whose effect size is undefined.
pub fn undefined_effect(condition: &str, analysis: &str, span: Span) -> Diag {
    Diag::warning(
        codes::UNDEFINED,
        format!("expected `{condition}` to vary, found its effect size undefined in `{analysis}`"),
    )
    .at(span, "constant condition or outcome, or a single case")
    .help("a set without variation has no ceiling zone; drop it or check the data")
}

/// Permutations on which R's NCA stops (a horizontal QR line at the outcome's
/// minimum or maximum), counted by toe with the effect 0.
pub fn reference_stops(
    condition: &str,
    analysis: &str,
    stops: usize,
    rep: usize,
    span: Span,
) -> Diag {
    Diag::warning(
        codes::DEPARTURE,
        format!(
            "expected every permuted QR line of `{condition}` in `{analysis}` to cross the scope, found {stops} of {rep} horizontal at the outcome's minimum or maximum"
        ),
    )
    .at(span, "R's NCA 5.0.1 stops the whole analysis on these permutations")
    .help("toe counts them with the effect 0 that R's p_ceiling gives such a line (docs/methods.md §3.7)")
}

/// A target outcome level outside the observed outcome values.
pub fn target_outside(analysis: &str, target: f64, lo: f64, hi: f64, span: Span) -> Diag {
    Diag::error(
        codes::TARGET_OUTSIDE,
        format!("expected a target within the observed outcome of `{analysis}` ({lo} to {hi}), found {target}"),
    )
    .at(span, "outside the observed range")
    .help("a level no case reaches has no bottleneck cases; use a value in range or a percentile such as `p75`")
}

/// An outlier search removing more cases than a condition has.
pub fn outliers_k(analysis: &str, condition: &str, k: usize, n: usize, span: Span) -> Diag {
    Diag::error(
        codes::TOO_FEW_CASES,
        format!("expected fewer cases removed together than the {n} complete cases of `{condition}` in `{analysis}`, found {k}"),
    )
    .at(span, "more than the cases there are")
    .help("lower `outliers`; removing every case leaves nothing to analyse")
}

/// An outlier search with too many combinations to evaluate.
pub fn outlier_combinations(analysis: &str, condition: &str, n: u128, span: Span) -> Diag {
    Diag::error(
        codes::TOO_MANY_COMBINATIONS,
        format!("expected at most 1000000 combinations of cases for the outliers of `{condition}` in `{analysis}`, found {n}"),
    )
    .at(span, "too many cases removed together")
    .help("lower `outliers` (k = 2 or 3 is usual); each combination is a full analysis")
}

/// A robustness setting that could not run (e.g. fewer than 3 cases left).
pub fn variant_not_run(analysis: &str, setting: &str, why: &str, span: Span) -> Diag {
    Diag::warning(
        codes::TOO_FEW_CASES,
        format!("expected the robustness setting `{setting}` of `{analysis}` to run, found: {why}"),
    )
    .at(span, "this setting is listed as not run")
    .help("an NCA needs at least 3 cases; remove fewer outliers or drop the setting")
}

/// A power simulation the engine refused.
pub fn power_failed(name: &str, why: &str, span: Span) -> Diag {
    Diag::error(
        codes::BAD_OPTION,
        format!("expected a power simulation for `{name}`, found it refused: {why}"),
    )
    .at(span, "not simulated")
    .help("check the effect sizes, slopes and corner of the block")
}

/// An NCA condition without a result.
pub fn no_nca_result(condition: &str, analysis: &str, why: &str, span: Span) -> Diag {
    Diag::warning(
        codes::UNDEFINED,
        format!("expected results for `{condition}` in `{analysis}`, found none: {why}"),
    )
    .at(span, "no result for this condition")
    .help("check that the condition and the outcome have complete cases")
}

/// Cases dropped from an fsQCA analysis for missing values.
pub fn missing_values(analysis: &str, dropped: &[String], span: Span) -> Diag {
    Diag::warning(
        codes::MISSING_VALUES,
        format!(
            "expected complete cases in `{analysis}`, found {} with missing values, dropped: {}",
            dropped.len(),
            dropped.join(", ")
        ),
    )
    .at(span, "listwise deletion")
    .help("fsQCA drops a case missing in any condition or the outcome, as R's QCA does")
}

/// The fsQCA engine refused the data.
pub fn fsqca_failed(analysis: &str, why: &str, span: Span) -> Diag {
    Diag::error(
        codes::UNDEFINED,
        format!("expected an analysable truth table for `{analysis}`, found a problem: {why}"),
    )
    .at(span, "this analysis")
    .help("check the calibration of its sets (memberships in [0, 1], or crisp levels)")
}

/// No intermediate solution: the configurations do not fit the engine's rows.
pub fn no_intermediate(analysis: &str, span: Span) -> Diag {
    Diag::warning(codes::NOT_AVAILABLE, format!("expected an intermediate solution for `{analysis}`, found none: its configurations do not fit the engine's 128-bit rows"))
        .at(span, "too many configurations")
        .help("reduce the number of conditions or of levels of multi-value conditions")
}

/// Simplifying assumptions counted but not listed.
pub fn assumptions_not_listed(analysis: &str, span: Span) -> Diag {
    Diag::warning(codes::NOT_AVAILABLE, format!("expected simplifying assumptions to list for `{analysis}`, found too many: only their counts are reported"))
        .at(span, "counts only")
        .help("the JSON gives `simplifying_assumptions_count`; the solutions themselves are complete")
}

/// A solution whose minimal models are listed only in part.
pub fn models_not_listed(
    analysis: &str,
    solution: &str,
    listed: usize,
    total: u128,
    exact: bool,
    span: Span,
) -> Diag {
    let how_many = if exact {
        total.to_string()
    } else {
        format!("at least {total}")
    };
    Diag::warning(
        codes::NOT_AVAILABLE,
        format!("expected every minimal model of the {solution} solution of `{analysis}` listed, found {how_many}: {listed} are listed"),
    )
    .at(span, "a bounded list of models")
    .help("the listed models are exact minimal covers; the JSON's `models_count` gives the number (docs/methods.md §4.5)")
}

/// Intermediate solutions of some (complex, parsimonious) model pairs not found: the pairs
/// before held the limit of models.
pub fn intermediate_pairs_not_solved(
    analysis: &str,
    solved: usize,
    pairs: usize,
    limit: usize,
    span: Span,
) -> Diag {
    Diag::warning(
        codes::NOT_AVAILABLE,
        format!("expected an intermediate solution for each of the {pairs} pairs of a complex and a parsimonious model of `{analysis}`, found {solved} solved: they hold {limit} models or more"),
    )
    .at(span, "a bounded list of intermediate solutions")
    .help("so many models say the solutions are ambiguous: raise `consistency`, or check the expectations (docs/methods.md §4.5)")
}

/// Contradictory simplifying assumptions not computed.
pub fn csa_not_computed(analysis: &str, note: &str, span: Span) -> Diag {
    Diag::warning(codes::NOT_AVAILABLE, format!("expected contradictory simplifying assumptions for `{analysis}`, found them not computed: {note}"))
        .at(span, "no contradictory simplifying assumptions")
        .help("they need a second minimization for the negated outcome, skipped where it is too costly")
}

/// A query whose two sides share no complete case.
pub fn no_complete_cases(span: Span) -> Diag {
    Diag::error(
        codes::UNDEFINED,
        "expected cases with values for both sides, found none",
    )
    .at(span, "every case is missing a value")
    .help("check the `na` markers of the data and the columns of these sets")
}

/// An index indicator that does not vary (in a group, with `by`).
pub fn constant_indicator(group: Option<&str>, span: Span) -> Diag {
    let what = group
        .map(|g| format!(" in group `{g}`"))
        .unwrap_or_default();
    Diag::error(
        codes::CONSTANT_COLUMN,
        format!("expected indicators that vary{what}, found a constant one"),
    )
    .at(span, "constant (or missing) indicator")
    .help("a constant indicator carries no information; drop it")
}

/// A panel column's label could not be read for a case.
pub fn no_cluster_column(col: &str, data: &str, span: Span) -> Diag {
    Diag::error(
        codes::UNKNOWN_COLUMN,
        format!("expected a column of `{data}`, found `{col}`"),
    )
    .at(span, "no such column")
    .help("name the column of the panel's clusters, e.g. `cluster = year`")
}

/// An export that could not be drawn.
pub fn export_failed(analysis: &str, why: &str, span: Span) -> Diag {
    Diag::error(
        codes::WRITE_ERROR,
        format!("expected to draw `{analysis}`, found an error: {why}"),
    )
    .at(span, "this export")
    .help("report this as a bug, with the script")
}

/// `toe report … -o FILE` with an extension the report is not written in.
pub fn report_format(path: &str) -> Diag {
    Diag::error(
        codes::REPORT_FORMAT,
        format!("expected a report file ending in .html, .docx, .md or .tex, found `{path}`"),
    )
    .help("for example `toe report study.toe -o report.html`")
}

/// The report could not be drawn (a plot that could not be rasterized, …).
pub fn report_failed(why: &str) -> Diag {
    Diag::error(
        codes::WRITE_ERROR,
        format!("expected to draw the report, found an error: {why}"),
    )
    .help("report this as a bug, with the script")
}

/// A script with nothing but blanks and comments: the run prints nothing, so it says why.
pub fn empty_script(shown: &str) -> Diag {
    Diag::warning(
        codes::EMPTY_SCRIPT,
        format!("expected statements in `{shown}`, found none (only blanks or comments)"),
    )
    .help("a study starts with `data NAME = csv(\"file.csv\")`; check that this is the right file")
}

/// Standard output refused the results (a full disk, a closed descriptor).
pub fn stdout_failed(e: &std::io::Error) -> Diag {
    Diag::error(
        codes::STDOUT,
        format!("expected to write the results to standard output, found an error: {e}"),
    )
    .help("free space on the disk, or send the output elsewhere; no file of the run was written")
}

/// An analysis left with no case that has a value in every set it uses.
pub fn no_usable_cases(analysis: &str, span: Span) -> Diag {
    Diag::error(
        codes::NO_CASES,
        format!("expected cases with values in every set of `{analysis}`, found none"),
    )
    .at(span, "no case to analyse")
    .help("a set is missing in every case: check its column, the `na` markers and the calibration")
}

/// Cases an NCA analysis dropped for missing values, per condition (each condition keeps its
/// own complete cases).
pub fn nca_missing_values(analysis: &str, dropped: &[(String, usize)], span: Span) -> Diag {
    let listed: Vec<String> = dropped
        .iter()
        .map(|(c, n)| format!("{n} for `{c}`"))
        .collect();
    Diag::warning(
        codes::MISSING_VALUES,
        format!(
            "expected complete cases in `{analysis}`, found cases with missing values, dropped: {}",
            listed.join(", ")
        ),
    )
    .at(span, "pairwise deletion")
    .help("NCA drops a case missing in the condition or the outcome, condition by condition, as R's NCA does")
}

/// Cases a query or a search dropped for missing values.
pub fn cases_dropped(dropped: usize, kept: usize, span: Span) -> Diag {
    Diag::warning(
        codes::MISSING_VALUES,
        format!(
            "expected complete cases, found {dropped} with a missing value, dropped ({kept} analysed)"
        ),
    )
    .at(span, "listwise deletion")
    .help("a case missing in any set of the expression or the outcome is left out")
}

/// A theoretical scope that did not contain the data, widened as R's NCA widens it.
pub fn scope_widened(
    analysis: &str,
    given: [f64; 4],
    widened: &[(String, [f64; 4])],
    span: Span,
) -> Diag {
    let show = |s: [f64; 4]| {
        format!(
            "[{}, {}, {}, {}]",
            super::number(s[0]),
            super::number(s[1]),
            super::number(s[2]),
            super::number(s[3])
        )
    };
    let listed: Vec<String> = widened
        .iter()
        .map(|(c, s)| format!("`{c}` to {}", show(*s)))
        .collect();
    Diag::warning(
        codes::SCOPE_WIDENED,
        format!(
            "expected the data inside the scope {} of `{analysis}`, found cases outside it; widened {}",
            show(given),
            listed.join(", ")
        ),
    )
    .at(span, "the theoretical scope does not contain the data")
    .help("effect sizes are computed on the widened scope, as R's NCA does; give a scope that contains every case")
}

/// A set declared on a column that is missing in every case.
pub fn empty_set(set: &str, column: &str, span: Span) -> Diag {
    Diag::warning(
        codes::EMPTY_SET,
        format!("expected values in column `{column}` of `{set}`, found it missing in every case"),
    )
    .at(span, "no case has a value")
    .help("an analysis of this set has no case; check the column and the `na` markers")
}
