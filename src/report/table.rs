//! Stage 5, the table model and its renderers: a [`Doc`] is lines and [`Table`]s (title,
//! columns with alignment, rows of typed [`Cell`]s, notes); it is rendered to the terminal,
//! CSV, Markdown, LaTeX (booktabs), HTML and JSON here, and nowhere else.
//!
//! Guarantees: renderers see only values — a cell is a number with its kind (a statistic, a
//! p-value, a percentage …) and each renderer decides how it looks: 3 decimals in reports,
//! full precision in CSV, ● or O by the style; the same doc gives the same bytes.

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
    /// A statistic: 3 decimals ("NA" when missing).
    Stat(f64),
    /// An NCA effect size d: 3 decimals, 2 in journal style (Word), as Dul's checklist asks.
    Effect(f64),
    /// A p-value: 3 decimals, "<0.001" below.
    P(f64),
    /// A percentage: 1 decimal and "%".
    Percent(f64),
    /// A number as written in messages: shortest form, integers without decimals.
    Num(f64),
    /// A number with this many decimals (values below 10^−n print as 0, as R's `sprintf`).
    Digits(f64, usize),
    /// A mark of the configuration table.
    Mark(CellKind),
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
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub title: String,
    pub columns: Vec<Column>,
    pub header: bool,
    pub rows: Vec<Vec<Cell>>,
    pub notes: Vec<String>,
}

impl Table {
    pub fn new(title: impl Into<String>, columns: Vec<Column>) -> Self {
        Table {
            title: title.into(),
            columns,
            header: true,
            rows: Vec::new(),
            notes: Vec::new(),
        }
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

/// A document: what a statement prints, or what an export writes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Doc {
    pub blocks: Vec<Block>,
}

impl Doc {
    pub fn line(&mut self, depth: usize, text: impl Into<String>) {
        self.blocks.push(Block::Line(depth, text.into()));
    }
    pub fn table(&mut self, depth: usize, t: Table) {
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

/// How the terminal shows marks: Unicode (● • ⊗ ⊘) or ASCII (O o X x, `--plain`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Style {
    pub unicode: bool,
}

impl Default for Style {
    fn default() -> Self {
        Style { unicode: true }
    }
}

/// A statistic in a table: 3 decimals, "NA" for a missing value.
pub fn fixed3(v: f64) -> String {
    if v.is_nan() {
        "NA".into()
    } else {
        format!("{v:.3}")
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

/// A cell as reports show it.
pub fn shown(c: &Cell, style: Style) -> String {
    match c {
        Cell::Text(s) => s.clone(),
        Cell::Int(n) => n.to_string(),
        Cell::Stat(v) | Cell::Effect(v) => fixed3(*v),
        Cell::P(p) if *p < 0.001 => "<0.001".into(),
        Cell::P(p) => fixed3(*p),
        Cell::Percent(v) if v.is_nan() => "NA".into(),
        Cell::Percent(v) => format!("{v:.1}%"),
        Cell::Num(v) => number(*v),
        Cell::Digits(v, n) => digits(*v, *n),
        Cell::Mark(k) => k.symbol(style.unicode).to_string(),
        Cell::Empty => String::new(),
    }
}

/// A cell as a journal table shows it (the Word report): as [`shown`], but an effect size d
/// with 2 decimals.
pub fn journal(c: &Cell) -> String {
    match c {
        Cell::Effect(v) if !v.is_nan() => format!("{v:.2}"),
        other => shown(other, Style::default()),
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

pub(crate) fn md_table(t: &Table) -> String {
    let esc = |s: &str| s.replace('|', "\\|");
    let mut s = String::new();
    if !t.title.is_empty() {
        s.push_str(&format!("### {}\n\n", t.title));
    }
    if !t.header {
        for r in &t.rows {
            let cells: Vec<String> = r.iter().map(|c| esc(&shown(c, Style::default()))).collect();
            s.push_str(&format!("- {}\n", cells.join(": ")));
        }
    } else {
        s.push_str(&format!(
            "| {} |\n|",
            t.columns
                .iter()
                .map(|c| esc(&c.header))
                .collect::<Vec<_>>()
                .join(" | ")
        ));
        for c in &t.columns {
            s.push_str(if c.align == Align::Left {
                ":---|"
            } else {
                "---:|"
            });
        }
        s.push('\n');
        for r in &t.rows {
            s.push_str(&format!(
                "| {} |\n",
                r.iter()
                    .map(|c| esc(&shown(c, Style::default())))
                    .collect::<Vec<_>>()
                    .join(" | ")
            ));
        }
    }
    s.push('\n');
    for n in &t.notes {
        s.push_str(&format!("{n}\n\n"));
    }
    s
}

/// A document as Markdown: top-level lines are headings, tables are pipe tables.
pub fn markdown(title: &str, doc: &Doc) -> String {
    let mut s = format!("# {title}\n\n");
    for b in &doc.blocks {
        match b {
            Block::Line(0, l) => s.push_str(&format!("## {l}\n\n")),
            Block::Line(_, l) => s.push_str(&format!("{}\n\n", l.trim())),
            Block::Table(_, t) => s.push_str(&md_table(t)),
            Block::Blank => {}
        }
    }
    s
}

/// LaTeX special characters escaped; the configuration marks as math symbols.
pub fn tex_escape(s: &str) -> String {
    let mut o = String::new();
    for c in s.chars() {
        match c {
            '&' | '%' | '$' | '#' | '_' | '{' | '}' => {
                o.push('\\');
                o.push(c);
            }
            '~' => o.push_str("\\textasciitilde{}"),
            '^' => o.push_str("\\textasciicircum{}"),
            '\\' => o.push_str("\\textbackslash{}"),
            '●' => o.push_str("$\\bullet$"),
            '•' => o.push_str("$\\cdot$"),
            '⊗' => o.push_str("$\\otimes$"),
            '⊘' => o.push_str("$\\oslash$"),
            _ => o.push(c),
        }
    }
    o
}

pub(crate) fn tex_table(t: &Table) -> String {
    let cols: String = t
        .columns
        .iter()
        .map(|c| if c.align == Align::Left { 'l' } else { 'r' })
        .collect();
    let mut s = format!(
        "% {}\n\\begin{{table}}[htbp]\n\\centering\n\\caption{{{}}}\n\\begin{{tabular}}{{{cols}}}\n\\toprule\n",
        t.title,
        tex_escape(&t.title),
    );
    if t.header {
        s.push_str(&format!(
            "{} \\\\\n\\midrule\n",
            t.columns
                .iter()
                .map(|c| tex_escape(&c.header))
                .collect::<Vec<_>>()
                .join(" & ")
        ));
    }
    for r in &t.rows {
        s.push_str(&format!(
            "{} \\\\\n",
            r.iter()
                .map(|c| tex_escape(&shown(c, Style::default())))
                .collect::<Vec<_>>()
                .join(" & ")
        ));
    }
    s.push_str("\\bottomrule\n\\end{tabular}\n");
    for n in &t.notes {
        s.push_str(&format!("\\par\\footnotesize {}\n", tex_escape(n)));
    }
    s.push_str("\\end{table}\n\n");
    s
}

/// A document as LaTeX tables (booktabs).
pub fn latex(title: &str, doc: &Doc) -> String {
    let mut s = format!(
        "% {title} (toe {}); needs \\usepackage{{booktabs}}\n",
        env!("CARGO_PKG_VERSION")
    );
    for t in doc.tables() {
        s.push_str(&tex_table(t));
    }
    s
}

/// HTML special characters escaped.
pub fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub(crate) fn html_table(t: &Table) -> String {
    let mut s = String::from("<table>\n");
    if !t.title.is_empty() {
        s.push_str(&format!("<caption>{}</caption>\n", html_escape(&t.title)));
    }
    // Left-aligned columns other than the first (which the style sheet aligns left).
    let left = |j: usize| {
        if j > 0 && t.columns.get(j).is_some_and(|c| c.align == Align::Left) {
            " class=\"l\""
        } else {
            ""
        }
    };
    if t.header {
        s.push_str("<thead><tr>");
        for (j, c) in t.columns.iter().enumerate() {
            s.push_str(&format!(
                "<th scope=\"col\"{}>{}</th>",
                left(j),
                html_escape(&c.header)
            ));
        }
        s.push_str("</tr></thead>\n");
    }
    s.push_str("<tbody>\n");
    for r in &t.rows {
        s.push_str("<tr>");
        for (j, c) in r.iter().enumerate() {
            // The first cell names its row (a condition, a case, a statistic).
            let tag = if j == 0 { "th scope=\"row\"" } else { "td" };
            let close = if j == 0 { "th" } else { "td" };
            s.push_str(&format!(
                "<{tag}{}>{}</{close}>",
                left(j),
                html_escape(&shown(c, Style::default()))
            ));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody>\n</table>\n");
    for n in &t.notes {
        s.push_str(&format!("<p class=\"note\">{}</p>\n", html_escape(n)));
    }
    s
}

/// A self-contained HTML page: the document and inline SVG plots, no external resources.
pub fn html(title: &str, doc: &Doc, svgs: &[String]) -> String {
    let mut s = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>{}</title>\n<style>\nbody {{ font-family: sans-serif; margin: 2em; color: #222; }}\ntable {{ border-collapse: collapse; margin-bottom: 1.5em; }}\nth, td {{ padding: 0.25em 0.7em; text-align: right; }}\nth:first-child, td:first-child, th.l, td.l {{ text-align: left; }}\ntbody th {{ font-weight: normal; }}\ncaption {{ font-weight: bold; text-align: left; padding: 0.5em 0; }}\nthead th {{ border-top: 2px solid #222; border-bottom: 1px solid #222; }}\ntbody tr:last-child td, tbody tr:last-child th {{ border-bottom: 2px solid #222; }}\np.note {{ font-size: 0.9em; margin: -1em 0 1.5em 0; }}\n</style>\n</head>\n<body>\n<h1>{}</h1>\n<p>Generated by toe {}.</p>\n",
        html_escape(title),
        html_escape(title),
        env!("CARGO_PKG_VERSION")
    );
    for b in &doc.blocks {
        match b {
            Block::Line(0, l) => s.push_str(&format!("<h2>{}</h2>\n", html_escape(l))),
            Block::Line(_, l) => s.push_str(&format!("<p>{}</p>\n", html_escape(l.trim()))),
            Block::Table(_, t) => s.push_str(&html_table(t)),
            Block::Blank => {}
        }
    }
    for svg in svgs {
        s.push_str("<figure>\n");
        s.push_str(svg.trim());
        s.push_str("\n</figure>\n");
    }
    s.push_str("</body>\n</html>\n");
    s
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
            | Cell::Digits(v, _) => serde_json::Number::from_f64(*v)
                .map(Value::Number)
                .unwrap_or(Value::Null),
            Cell::Mark(k) => json!(format!("{k:?}")),
            Cell::Text(s) => json!(s),
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
            shown(&Cell::Mark(CellKind::CorePresent), Style { unicode: false }),
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

    #[test]
    fn escapes() {
        assert_eq!(
            tex_escape("~A_1 & 50%"),
            "\\textasciitilde{}A\\_1 \\& 50\\%"
        );
        assert_eq!(html_escape("<a & \"b\">"), "&lt;a &amp; &quot;b&quot;&gt;");
    }
}
