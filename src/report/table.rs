//! Stage 5, the table model and the one rounding rule: a [`Doc`] is lines and [`Table`]s
//! (title, columns with alignment, rows of typed [`Cell`]s, notes); [`shown`] turns a cell into
//! text by its kind and the [`Style`] (the one place where numbers are rounded); the terminal,
//! CSV and JSON renderers are here, the publication renderers in [`super::html`],
//! [`super::latex`], [`super::markdown`] and [`super::docx`].
//!
//! Guarantees: renderers see only values — a cell is a number with its kind (a measure, an
//! effect size, a p-value, a percentage …) and one rule per kind decides how it looks in every
//! format: measures and d with `decimals` (3), p as `<0.001` or with `decimals`, percentages
//! with 1 decimal; CSV and JSON keep full precision; the same doc gives the same bytes.

use crate::diagnostics::number;
use crate::engine::configurations::CellKind;

/// Alignment of a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// A column: its header in files, an abbreviation for the terminal, its alignment.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub header: String,
    pub short: Option<String>,
    pub align: Align,
}

impl Column {
    pub fn left(header: impl Into<String>) -> Self {
        Column {
            header: header.into(),
            short: None,
            align: Align::Left,
        }
    }
    pub fn right(header: impl Into<String>) -> Self {
        Column {
            header: header.into(),
            short: None,
            align: Align::Right,
        }
    }
    /// The header the terminal shows instead of the full one.
    pub fn short(mut self, short: &str) -> Self {
        self.short = Some(short.to_string());
        self
    }
}

/// One cell: a value and its kind; the renderer formats it.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    Int(usize),
    /// A set-theoretic measure or another statistic: `decimals` (3) ("NA" when missing).
    Stat(f64),
    /// An NCA effect size d: as a measure.
    Effect(f64),
    /// A p-value: `decimals`, "<0.001" below.
    P(f64),
    /// A percentage: 1 decimal and "%".
    Percent(f64),
    /// A number as written in messages: shortest form, integers without decimals.
    Num(f64),
    /// A number with this many decimals (values below 10^−n print as 0, as R's `sprintf`).
    Digits(f64, usize),
    /// A mark of the configuration table.
    Mark(CellKind),
    /// NEST's mark: QCA says the condition does not matter, NCA requires this membership.
    NcaMark(f64),
    /// The code of a set (a condition or an outcome): its label in a publication, with the
    /// code in the table's key.
    Set(String),
    Empty,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }
    /// A statistic or a stand-in when absent ("-" or "NA").
    pub fn opt_stat(v: Option<f64>, absent: &str) -> Cell {
        v.map(Cell::Stat)
            .unwrap_or_else(|| Cell::Text(absent.into()))
    }
    pub fn opt_p(v: Option<f64>) -> Cell {
        v.map(Cell::P).unwrap_or_else(|| Cell::text("-"))
    }
}

/// A table: title, columns, rows, notes. `header: false` is a list of (key, value) pairs.
/// `caption` is what a publication prints above it (words, not code names; the title when
/// none); `id` names it for a reference in the text (`@table:ID`), `number` is its number in
/// a report (set by [`super::model::Report::number`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub title: String,
    pub columns: Vec<Column>,
    pub header: bool,
    pub rows: Vec<Vec<Cell>>,
    pub notes: Vec<String>,
    pub caption: Option<String>,
    pub id: Option<String>,
    pub number: Option<usize>,
}

impl Table {
    pub fn new(title: impl Into<String>, columns: Vec<Column>) -> Self {
        Table {
            title: title.into(),
            columns,
            header: true,
            rows: Vec::new(),
            notes: Vec::new(),
            caption: None,
            id: None,
            number: None,
        }
    }

    /// What a publication prints above the table: its caption, else its title.
    pub fn caption_text(&self) -> &str {
        self.caption.as_deref().unwrap_or(&self.title)
    }
}

/// One block of a document; `depth` is the indentation level (two spaces each).
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    Line(usize, String),
    /// A table; its title (if any) is a line one level up.
    Table(usize, Table),
    Blank,
}

/// A piece of what statements printed: a run of lines (indented by their depth) or a table.
pub enum Piece<'a> {
    Lines(Vec<String>),
    Table(&'a Table),
}

/// The documents of a run as pieces, in order: consecutive lines gathered, blanks dropped
/// (what the Markdown and HTML fragments render).
pub fn pieces(docs: &[Doc]) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut lines: Vec<String> = Vec::new();
    for b in docs.iter().flat_map(|d| &d.blocks) {
        match b {
            Block::Line(depth, l) => lines.push(format!("{}{l}", "  ".repeat(*depth))),
            Block::Table(_, t) => {
                if !lines.is_empty() {
                    out.push(Piece::Lines(std::mem::take(&mut lines)));
                }
                out.push(Piece::Table(t));
            }
            Block::Blank => {}
        }
    }
    if !lines.is_empty() {
        out.push(Piece::Lines(lines));
    }
    out
}

/// A document: what a statement prints, or what an export writes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Doc {
    pub blocks: Vec<Block>,
}

impl Doc {
    pub fn line(&mut self, depth: usize, text: impl Into<String>) {
        self.blocks.push(Block::Line(depth, text.into()));
    }
    /// Adds a table, its plain numbers ([`Cell::Num`], settings such as thresholds) shown
    /// with the decimals their column needs (at most 3), the same in every row.
    pub fn table(&mut self, depth: usize, mut t: Table) {
        settle(&mut t);
        self.blocks.push(Block::Table(depth, t));
    }
    pub fn blank(&mut self) {
        self.blocks.push(Block::Blank);
    }
    pub fn extend(&mut self, other: Doc) {
        self.blocks.extend(other.blocks);
    }
    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Table(_, t) => Some(t),
            _ => None,
        })
    }
}

/// The decimals a number needs, at most 3 (0.75 → 2, 0.8 → 1, 40 → 0).
fn decimals_of(v: f64) -> usize {
    (0..3)
        .find(|d| {
            let s = 10f64.powi(*d as i32);
            ((v * s).round() - v * s).abs() < 1e-9 * s.max(1.0)
        })
        .unwrap_or(3)
}

/// Each column's [`Cell::Num`]s with one number of decimals: the most any of them needs.
fn settle(t: &mut Table) {
    let ncol = t.rows.iter().map(|r| r.len()).max().unwrap_or(0);
    for j in 0..ncol {
        let d = t
            .rows
            .iter()
            .filter_map(|r| match r.get(j) {
                Some(Cell::Num(v)) if v.is_finite() => Some(decimals_of(*v)),
                _ => None,
            })
            .max();
        let Some(d) = d else { continue };
        for r in t.rows.iter_mut() {
            if let Some(c @ Cell::Num(_)) = r.get_mut(j) {
                if let Cell::Num(v) = *c {
                    if v.is_finite() {
                        *c = Cell::Digits(v, d);
                    }
                }
            }
        }
    }
}

/// How cells look: marks in Unicode (● • ⊗ ⊘) or ASCII (O o X x, `--plain`), and the
/// decimals of measures, effect sizes and p-values (`decimals`, 3 unless the script's
/// `report { decimals = … }` or `toe report --decimals` say otherwise).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Style {
    pub unicode: bool,
    pub decimals: usize,
    /// Marks drawn at two sizes (publications: ● and ⊗, large for core conditions, small for
    /// peripheral ones, as Fiss 2011) rather than as four glyphs (the terminal: ● • ⊗ ⊘).
    pub sized: bool,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            unicode: true,
            decimals: 3,
            sized: false,
        }
    }
}

impl Style {
    /// The style of a publication: this style's decimals, marks at two sizes.
    pub fn publication(self) -> Style {
        Style {
            unicode: true,
            sized: true,
            ..self
        }
    }

    /// The legend of the configuration marks, as this style draws them.
    pub fn marks_legend(self) -> String {
        if self.sized {
            "Large ● core condition present, small ● peripheral condition present (• in plain text); large ⊗ core condition absent, small ⊗ peripheral condition absent (⊘ in plain text); blank: the condition does not matter".into()
        } else if self.unicode {
            "● core present, • peripheral present, ⊗ core absent, ⊘ peripheral absent, blank: does not matter".into()
        } else {
            "O core present, o peripheral present, X core absent, x peripheral absent, blank: does not matter".into()
        }
    }
}

/// A statistic in a table: 3 decimals, "NA" for a missing value.
pub fn fixed3(v: f64) -> String {
    fixed(v, 3)
}

/// A statistic with `n` decimals, "NA" for a missing value.
pub fn fixed(v: f64, n: usize) -> String {
    if v.is_nan() {
        "NA".into()
    } else {
        let s = format!("{v:.n$}");
        // No "-0.000".
        if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
            s[1..].to_string()
        } else {
            s
        }
    }
}

/// A number in a caption or a note (an anchor, a threshold, a data range): at most 3
/// decimals, no trailing zeros ("0.889", "0.8", "40").
pub fn tidy(v: f64) -> String {
    if v.is_nan() {
        return "NA".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "Inf".into() } else { "-Inf".into() };
    }
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// `sprintf("%.{n}f")` with |v| < 10^−n shown as 0.
fn digits(v: f64, n: usize) -> String {
    let v = if v.abs() < 10f64.powi(-(n as i32)) {
        0.0
    } else {
        v
    };
    if v.is_nan() {
        return "NA".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "Inf".into() } else { "-Inf".into() };
    }
    format!("{v:.n$}")
}

/// A cell as every format shows it: the one rounding rule.
pub fn shown(c: &Cell, style: Style) -> String {
    let d = style.decimals;
    match c {
        Cell::Text(s) | Cell::Set(s) => s.clone(),
        Cell::Int(n) => n.to_string(),
        Cell::Stat(v) | Cell::Effect(v) => fixed(*v, d),
        Cell::P(p) if !p.is_nan() && *p < 10f64.powi(-(d as i32)) => {
            format!("<{}", fixed(10f64.powi(-(d as i32)), d))
        }
        Cell::P(p) => fixed(*p, d),
        Cell::Percent(v) if v.is_nan() => "NA".into(),
        Cell::Percent(v) => format!("{v:.1}%"),
        Cell::Num(v) => number(*v),
        Cell::Digits(v, n) => digits(*v, *n),
        Cell::Mark(k) => k.symbol(style.unicode).to_string(),
        Cell::NcaMark(v) => format!("{} {}", if style.unicode { "◢" } else { "^" }, fixed(*v, d)),
        Cell::Empty => String::new(),
    }
}

/// A cell in CSV: numbers at full precision.
fn full(c: &Cell) -> String {
    match c {
        Cell::Stat(v)
        | Cell::Effect(v)
        | Cell::P(v)
        | Cell::Percent(v)
        | Cell::Digits(v, _)
        | Cell::NcaMark(v)
        | Cell::Num(v) => {
            if v.is_nan() {
                "NA".into()
            } else {
                v.to_string()
            }
        }
        other => shown(other, Style::default()),
    }
}

fn indent(depth: usize) -> String {
    "  ".repeat(depth)
}

/// A table as aligned plain text: a header row, a rule, the rows; columns padded to the
/// widest cell; notes under it.
pub fn table_text(t: &Table, depth: usize, style: Style) -> String {
    let pad = indent(depth);
    let ncol = t.columns.len();
    let headers: Vec<String> = t
        .columns
        .iter()
        .map(|c| c.short.clone().unwrap_or_else(|| c.header.clone()))
        .collect();
    let rows: Vec<Vec<String>> = t
        .rows
        .iter()
        .map(|r| r.iter().map(|c| shown(c, style)).collect())
        .collect();
    let mut widths: Vec<usize> = if t.header {
        headers.iter().map(|h| h.chars().count()).collect()
    } else {
        vec![0; ncol]
    };
    for r in &rows {
        for (j, c) in r.iter().enumerate().take(ncol) {
            widths[j] = widths[j].max(c.chars().count());
        }
    }
    let line = |cells: &[String]| -> String {
        let mut s = pad.clone();
        for (j, w) in widths.iter().enumerate() {
            let c = cells.get(j).map(|s| s.as_str()).unwrap_or("");
            let fill = w - c.chars().count().min(*w);
            let right = t.columns.get(j).map(|c| c.align) == Some(Align::Right);
            if j > 0 {
                s.push_str("  ");
            }
            if right {
                s.push_str(&" ".repeat(fill));
                s.push_str(c);
            } else {
                s.push_str(c);
                if j + 1 < ncol {
                    s.push_str(&" ".repeat(fill));
                }
            }
        }
        s.trim_end().to_string() + "\n"
    };
    let mut out = String::new();
    if t.header {
        out.push_str(&line(&headers));
        let total: usize = widths.iter().sum::<usize>() + 2 * ncol.saturating_sub(1);
        out.push_str(&pad);
        out.push_str(&"-".repeat(total));
        out.push('\n');
    }
    for r in &rows {
        out.push_str(&line(r));
    }
    for n in &t.notes {
        out.push_str(&format!("{pad}{n}\n"));
    }
    out
}

/// A document for the terminal.
pub fn text(doc: &Doc, style: Style) -> String {
    let mut out = String::new();
    for b in &doc.blocks {
        match b {
            Block::Line(d, s) => out.push_str(&format!("{}{s}\n", indent(*d))),
            Block::Table(d, t) => {
                if !t.title.is_empty() {
                    out.push_str(&format!("{}{}\n", indent(d.saturating_sub(1)), t.title));
                }
                out.push_str(&table_text(t, *d, style));
            }
            Block::Blank => out.push('\n'),
        }
    }
    out
}

/// One table as CSV (headers in full, numbers at full precision).
pub fn csv(t: &Table) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(t.columns.iter().map(|c| c.header.as_str()));
    for r in &t.rows {
        let _ = w.write_record(r.iter().map(full));
    }
    w.into_inner()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default()
}

/// A table as JSON: its title, headers, rows (numbers as numbers at full precision, missing
/// as `null`, marks by name) and notes — for tools that read a table rather than results.
pub fn json(t: &Table) -> serde_json::Value {
    use serde_json::{json, Value};
    let cell = |c: &Cell| -> Value {
        match c {
            Cell::Int(n) => json!(n),
            Cell::Stat(v)
            | Cell::Effect(v)
            | Cell::P(v)
            | Cell::Percent(v)
            | Cell::Num(v)
            | Cell::NcaMark(v)
            | Cell::Digits(v, _) => serde_json::Number::from_f64(*v)
                .map(Value::Number)
                .unwrap_or(Value::Null),
            Cell::Mark(k) => json!(format!("{k:?}")),
            Cell::Text(s) | Cell::Set(s) => json!(s),
            Cell::Empty => Value::Null,
        }
    };
    json!({
        "title": t.title,
        "headers": t.columns.iter().map(|c| c.header.clone()).collect::<Vec<_>>(),
        "rows": t.rows.iter().map(|r| r.iter().map(cell).collect::<Vec<_>>()).collect::<Vec<_>>(),
        "notes": t.notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_aligns_and_cells_format_by_renderer() {
        let mut t = Table::new(
            "",
            vec![Column::left("a"), Column::right("value").short("v")],
        );
        t.rows.push(vec![Cell::text("long"), Cell::Int(1)]);
        assert_eq!(
            table_text(&t, 0, Style::default()),
            "a     v\n-------\nlong  1\n"
        );
        assert_eq!(fixed3(0.12345), "0.123");
        // 0.1234567: 3 decimals in reports, full precision in CSV.
        let mut s = Table::new("", vec![Column::right("x")]);
        s.rows.push(vec![Cell::Stat(0.1234567)]);
        assert_eq!(csv(&s), "x\n0.1234567\n");
        assert!(table_text(&s, 0, Style::default()).contains("0.123\n"));
        assert_eq!(shown(&Cell::P(0.0004), Style::default()), "<0.001");
        assert_eq!(shown(&Cell::Digits(-0.00001, 1), Style::default()), "0.0");
        assert_eq!(shown(&Cell::Percent(77.77), Style::default()), "77.8%");
        assert_eq!(
            shown(
                &Cell::Mark(CellKind::CorePresent),
                Style {
                    unicode: false,
                    ..Style::default()
                }
            ),
            "O"
        );
    }

    #[test]
    fn json_keeps_numbers() {
        let mut t = Table::new("t", vec![Column::left("a"), Column::right("b").short("B")]);
        t.rows.push(vec![Cell::text("x"), Cell::Stat(0.1234567)]);
        t.rows.push(vec![
            Cell::Mark(CellKind::CorePresent),
            Cell::Stat(f64::NAN),
        ]);
        let j = json(&t);
        assert_eq!(j["headers"], serde_json::json!(["a", "b"]));
        assert_eq!(j["rows"][0][1], serde_json::json!(0.1234567));
        assert_eq!(j["rows"][1][0], serde_json::json!("CorePresent"));
        assert!(j["rows"][1][1].is_null());
    }
}
