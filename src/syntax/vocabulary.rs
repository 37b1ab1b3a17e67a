//! Stage 1, the vocabulary: every word of the language with its kind and a one-line meaning —
//! the one list that the REPL's completion and highlighting and the language server's
//! completion and hover use.
//!
//! Guarantees: the keywords are those of the grammar (`pest_error::KEYWORDS`, a test checks
//! it); each word appears once.

/// What a word is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A keyword of the grammar.
    Keyword,
    /// A statement word that is not reserved (`power`, `nest`, …).
    Statement,
    /// A data or calibration function.
    Function,
    /// An option inside a block; the text says its default.
    Option,
    /// A topic of `show` or a value of an option.
    Value,
}

/// (word, kind, meaning)
pub const WORDS: &[(&str, Kind, &str)] = &[
    ("study", Kind::Keyword, "the study's title: `study \"…\"`"),
    ("data", Kind::Keyword, "loads the cases: `data NAME = csv(…)`, `xlsx(…)`, `spss(…)`, `stata(…)`"),
    ("index", Kind::Keyword, "a composite index: `index NAME = entropy(a, -b)` or `mean(a, b)`"),
    ("conditions", Kind::Keyword, "declares the conditions, optionally grouped by a framework's dimensions"),
    ("outcome", Kind::Keyword, "declares the outcome: `outcome NAME = column \"label\"`"),
    ("calibrate", Kind::Keyword, "the calibration rules: `calibrate { SET direct(e, c, i) }`"),
    ("nca", Kind::Keyword, "Necessary Condition Analysis: `nca NAME: Y needs A, B { … }`"),
    ("fsqca", Kind::Keyword, "fuzzy-set QCA: `fsqca NAME: Y given A, B { … }`"),
    ("needs", Kind::Keyword, "separates an NCA's outcome from its conditions"),
    ("given", Kind::Keyword, "separates an fsQCA's outcome from its conditions"),
    ("show", Kind::Keyword, "prints a table: `show TOPIC [of NAME]`"),
    ("export", Kind::Keyword, "writes an analysis: `export NAME to \"file.html|md|tex|csv|json|svg|docx\"`"),
    ("use", Kind::Keyword, "runs another script or a standard-library module: `use \"file.toe\"`, `use std.NAME`"),
    ("robustness", Kind::Keyword, "a robustness sweep: `robustness of NAME { vary … }`"),
    ("vary", Kind::Keyword, "a setting of a sweep: `vary consistency in [0.75, 0.85]`"),
    ("for", Kind::Keyword, "names the outcome of a query: `necessary? X for Y`"),
    ("of", Kind::Keyword, "names the analysis or set a statement is about"),
    ("to", Kind::Keyword, "names the file of an export"),
    ("when", Kind::Keyword, "the verdict rule of an NCA: `necessary when d >= 0.1 and p <= 0.05`"),
    ("and", Kind::Keyword, "joins the parts of a verdict rule"),
    ("in", Kind::Keyword, "the values of a `vary` line"),
    ("by", Kind::Keyword, "steps of a `vary` line, or the groups of an entropy index"),
    ("expect", Kind::Keyword, "directional expectations of the intermediate solution: `expect A, ~B`"),
    ("necessary", Kind::Keyword, "a necessity query (`necessary? X for Y`) or the verdict rule of an NCA"),
    ("sufficient", Kind::Keyword, "a sufficiency query: `sufficient? X*Y for Z`"),
    ("framework", Kind::Keyword, "declares a framework's dimensions: `framework NAME { a b c }`"),
    ("power", Kind::Statement, "the power of NCA's permutation test by simulation: `power NAME { n = [20, 50] … }`"),
    ("nest", Kind::Statement, "NCA and QCA in one table: `nest FSQCA with NCA`"),
    ("sensitivity", Kind::Statement, "the ranges of each setting that keep the solution: `sensitivity NAME { … }`"),
    ("resample", Kind::Statement, "leave-one-out or random-subsample reruns: `resample NAME { method = … }`"),
    ("theory", Kind::Statement, "theory evaluation: `theory? EXPR for NAME`"),
    ("csv", Kind::Function, "a CSV file: `csv(\"file.csv\", id = case, na = [\"\", \"NA\"], sep = \",\")`"),
    ("xlsx", Kind::Function, "a workbook sheet: `xlsx(\"file.xlsx\", sheet = \"2021\", id = case)`"),
    ("spss", Kind::Function, "an SPSS file (.sav, .zsav): value labels as text, user-missing values as missing"),
    ("stata", Kind::Function, "a Stata file (.dta): value labels as text, missing values as missing"),
    ("direct", Kind::Function, "Ragin's direct method: `direct(e = p25, c = p50, i = p75)`, full non-membership, crossover, full membership"),
    ("linear", Kind::Function, "linear calibration between the anchors: `linear(e, c, i)`"),
    ("bell", Kind::Function, "a bell-shaped calibration: `bell(e1, c1, i1, i2, c2, e2)`"),
    ("crisp", Kind::Function, "a crisp set: `crisp(at = 0.5)`"),
    ("fuzzy", Kind::Function, "values already memberships in [0, 1]"),
    ("entropy", Kind::Function, "the entropy-weight index of docs/methods.md §6"),
    ("steps", Kind::Function, "outcome levels of a bottleneck table: `steps(10)`"),
    ("ceilings", Kind::Option, "NCA's ceiling lines; default `[cr_fdh, ce_fdh]`"),
    ("permutations", Kind::Option, "permutations of NCA's significance test; default 10000 when a `when` rule asks for p"),
    ("seed", Kind::Option, "the random seed of a permutation test or resampling (R's Mersenne-Twister)"),
    ("bottlenecks", Kind::Option, "the bottleneck table: `bottlenecks = steps(10), percentage | actual | percentile`"),
    ("bottleneck_cases", Kind::Option, "cases held back at a target outcome level"),
    ("target", Kind::Option, "the outcome level of the bottleneck cases: `target = p75` or a value"),
    ("outliers", Kind::Option, "NCA's outlier search: `outliers = k` (single cases and up to k at a time)"),
    ("on", Kind::Option, "NCA on `calibrated` memberships (default) or `raw` values"),
    ("consistency", Kind::Option, "the consistency threshold of truth-table rows; default 0.8"),
    ("contradictions", Kind::Option, "the consistency below which a row is a contradiction (`consistency >= 0.8, contradictions >= 0.7`)"),
    ("cases", Kind::Option, "the frequency threshold of truth-table rows; default 1"),
    ("pri", Kind::Option, "the PRI threshold of truth-table rows; default none"),
    ("nudge", Kind::Option, "moves memberships of exactly 0.5 up by this much: `nudge = 0.001`"),
    ("exclude", Kind::Option, "Enhanced Standard Analysis: remainders left out of the simplifying assumptions"),
    ("lacking", Kind::Option, "ESA: exclude remainders lacking an expression or an NCA-necessary condition"),
    ("contradictory", Kind::Value, "ESA: exclude contradictory simplifying assumptions"),
    ("separately", Kind::Value, "a robustness sweep that changes one setting at a time"),
    ("calibration", Kind::Value, "the calibration table (`show calibration`), or a named calibration"),
    ("skewness", Kind::Value, "calibration diagnostics: shares above 0.5 and memberships of 0.5"),
    ("case_selection", Kind::Value, "typical and deviant cases of a solution (`show case_selection of NAME`)"),
    ("leave_one_out", Kind::Value, "resampling that drops each case once"),
    ("plan", Kind::Value, "the checked plan of the script (`show plan`)"),
    ("truth_table", Kind::Value, "the truth table of an fsqca analysis"),
    ("solutions", Kind::Value, "the complex, parsimonious and intermediate solutions"),
    ("configurations", Kind::Value, "the configuration table: core ● and peripheral • conditions"),
    ("necessity", Kind::Value, "the necessity table of single conditions"),
    ("percentage", Kind::Value, "bottleneck levels in percent of the range"),
    ("actual", Kind::Value, "bottleneck levels in data units"),
    ("percentile", Kind::Value, "bottleneck levels as percentiles of the cases"),
];

/// The meaning of a word of the language, if it is one.
pub fn meaning(word: &str) -> Option<(Kind, &'static str)> {
    WORDS
        .iter()
        .find(|(w, _, _)| *w == word)
        .map(|(_, k, m)| (*k, *m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_the_grammar_s_and_words_are_unique() {
        for k in crate::syntax::pest_error::KEYWORDS {
            assert_eq!(meaning(k).map(|m| m.0), Some(Kind::Keyword), "{k}");
        }
        let keywords = WORDS.iter().filter(|w| w.1 == Kind::Keyword).count();
        assert_eq!(keywords, crate::syntax::pest_error::KEYWORDS.len());
        for (i, (w, _, _)) in WORDS.iter().enumerate() {
            assert!(!WORDS[..i].iter().any(|(v, _, _)| v == w), "{w} twice");
        }
    }
}
