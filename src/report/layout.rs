//! Stage 5, fitting a table to a page: where a cell's text may break (spaces, and after `*`,
//! `+`, `;` and `,` in terms and lists), the narrowest and the natural width of each column in
//! characters, and column widths for a width budget — shared by the Word, LaTeX and HTML
//! renderers.
//!
//! Guarantees: a column is never narrower than its longest unbreakable piece (a number, a
//! word, one conjunct of a term), so no renderer that uses these widths breaks a word, a
//! number or a term inside; widths depend only on the cells' text.

use super::table::{shown, Style, Table};

/// The pieces of a text that must stay whole: it may break after a space and after `*`, `+`,
/// `;` or `,` (the piece keeps its break character).
pub fn pieces(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if matches!(c, ' ' | '*' | '+' | ';' | ',') {
            let end = i + c.len_utf8();
            if end > start {
                out.push(&text[start..end]);
            }
            start = end;
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// The width of a text in ems of a proportional serif face (Times, Computer Modern; a little
/// generous): capitals and wide letters more than an en, digits an en, thin letters and
/// punctuation less.
pub fn ems(text: &str) -> f64 {
    text.chars()
        .map(|c| match c {
            'M' | 'W' | 'm' | 'w' | '%' | '@' => 0.92,
            'I' | 'J' => 0.42,
            c if c.is_ascii_uppercase() => 0.74,
            'i' | 'j' | 'l' | 't' | 'f' | 'r' => 0.34,
            c if c.is_ascii_lowercase() => 0.52,
            c if c.is_ascii_digit() => 0.52,
            '.' | ',' | ';' | ':' | '\'' | '!' | '|' => 0.3,
            ' ' => 0.3,
            '(' | ')' | '[' | ']' | '-' => 0.36,
            '●' | '⊗' | '◢' => 0.9,
            c if c.is_alphabetic() => 0.6,
            _ => 0.62,
        })
        .sum()
}

/// The ems of the widest piece (spaces at its end do not count).
pub fn narrowest(text: &str) -> f64 {
    pieces(text)
        .iter()
        .map(|p| ems(p.trim_end()))
        .fold(0.0, f64::max)
}

/// The text with a break opportunity (`mark`) after each `*`, `+`, `;` and a `,` that no
/// space follows (R's lists of cases, "Ghent,Tartu") — where a long term or list may wrap in
/// Word (U+200B), LaTeX (`\allowbreak`) or HTML (`<wbr>`).
pub fn breakable(text: &str, mark: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        let comma = c == ',' && chars.peek().is_some_and(|n| *n != ' ');
        if matches!(c, '*' | '+' | ';') || comma {
            out.push_str(mark);
        }
    }
    out
}

/// The text with a break opportunity (`mark`) every 16 characters of a run of 24 or more
/// without one (a hash, a path): such a run may wrap rather than run past the margin.
pub fn breakable_long(text: &str, mark: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for (k, word) in text.split(' ').enumerate() {
        if k > 0 {
            out.push(' ');
        }
        if word.chars().count() < 24 {
            out.push_str(word);
            continue;
        }
        for (i, c) in word.chars().enumerate() {
            if i > 0 && i % 16 == 0 {
                out.push_str(mark);
            }
            out.push(c);
        }
    }
    out
}

/// The widths of a table's columns in ems: the narrowest it can be set without breaking a
/// piece, and its natural width (no line broken).
#[derive(Debug, Clone, PartialEq)]
pub struct Widths {
    pub min: Vec<f64>,
    pub natural: Vec<f64>,
}

/// The widths of `t`'s columns, its cells shown with `style`.
pub fn widths(t: &Table, style: Style) -> Widths {
    let ncol = t
        .columns
        .len()
        .max(t.rows.iter().map(|r| r.len()).max().unwrap_or(0));
    let mut min = vec![0.5f64; ncol];
    let mut natural = vec![0.5f64; ncol];
    if t.header {
        for (j, c) in t.columns.iter().enumerate() {
            min[j] = min[j].max(narrowest(&c.header));
            natural[j] = natural[j].max(ems(&c.header));
        }
    }
    for r in &t.rows {
        for (j, c) in r.iter().enumerate().take(ncol) {
            let text = shown(c, style);
            min[j] = min[j].max(narrowest(&text));
            natural[j] = natural[j].max(ems(&text));
        }
    }
    Widths { min, natural }
}

/// Column widths (in the budget's unit) for a table set in a face `em` units wide, whose
/// cells add `pad` each: the natural widths when they fit, else every column at least its
/// narrowest and the room left shared by how much more each would take; `None` when even the
/// narrowest widths do not fit.
pub fn fit(w: &Widths, em: f64, pad: f64, budget: f64) -> Option<Vec<f64>> {
    let size = |ems: f64| ems * em + pad;
    let natural: Vec<f64> = w.natural.iter().map(|c| size(*c)).collect();
    if natural.iter().sum::<f64>() <= budget {
        return Some(natural);
    }
    let min: Vec<f64> = w.min.iter().map(|c| size(*c)).collect();
    let floor: f64 = min.iter().sum();
    if floor > budget {
        return None;
    }
    let want: Vec<f64> = natural.iter().zip(&min).map(|(n, m)| n - m).collect();
    let total: f64 = want.iter().sum();
    let room = budget - floor;
    Some(
        min.iter()
            .zip(&want)
            .map(|(m, x)| m + if total > 0.0 { room * x / total } else { 0.0 })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::table::{Cell, Column};

    #[test]
    fn terms_break_at_their_operators_only() {
        assert_eq!(pieces("DIG*LEA*PAR"), vec!["DIG*", "LEA*", "PAR"]);
        assert_eq!(pieces("a b+c"), vec!["a ", "b+", "c"]);
        // "<0.001": 0.62 + 4 digits of 0.52 + a point of 0.3.
        assert!((narrowest("<0.001") - 3.0).abs() < 1e-9);
        assert!(
            (narrowest("sensitive to consistency 0.75; cases 2") - ems("consistency")).abs() < 1e-9
        );
        assert_eq!(breakable("A*B+C", "|"), "A*|B+|C");
        assert_eq!(breakable("Ghent,Tartu, Lyon", "|"), "Ghent,|Tartu, Lyon");
        assert_eq!(
            breakable_long("SHA-256 0123456789abcdef0123456789", "|"),
            "SHA-256 0123456789abcdef|0123456789"
        );
    }

    #[test]
    fn widths_fit_a_budget_or_say_they_cannot() {
        let mut t = Table::new("t", vec![Column::left("n"), Column::right("p")]);
        t.rows.push(vec![Cell::text("ab cd"), Cell::P(0.0001)]);
        let w = widths(&t, Style::default());
        // "ab" 1.04 em at its narrowest, "ab cd" 2.38 em; "<0.001" 3 em.
        assert!((w.min[0] - 1.04).abs() < 1e-9 && (w.natural[0] - 2.38).abs() < 1e-9);
        let natural = fit(&w, 1.0, 0.0, 10.0).expect("fits");
        assert!((natural[0] - 2.38).abs() < 1e-9 && (natural[1] - 3.0).abs() < 1e-9);
        // 4.5 units: the narrowest (1.04, 3) and the 0.46 left to the first column.
        let tight = fit(&w, 1.0, 0.0, 4.5).expect("fits");
        assert!((tight[0] - 1.5).abs() < 1e-9 && (tight[1] - 3.0).abs() < 1e-9);
        assert_eq!(fit(&w, 1.0, 0.0, 3.5), None);
    }
}
