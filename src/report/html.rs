//! Stage 5, HTML: a [`Report`] (the study report, or one analysis' export) as one
//! self-contained page — a table of contents, APA captions, every table in its own sideways
//! scroll box with the first column held in place, the configuration marks at their sizes,
//! plots as inline SVG, and a print style sheet that gives paper-like pages.
//!
//! Guarantees: the page loads nothing from outside (styles inline, plots inline); it has one
//! `h1`, an `h2` per section listed in a `nav`, every table a `caption` and `th` headers with
//! `scope`; the page itself never scrolls sideways (a table wider than the window scrolls in
//! its own box, its long texts wrap at spaces and after `*`, `+`, `;`); the same report gives
//! the same bytes.

pub use super::escape::html as escape;
use super::layout;
use super::model::{Report, Section};
use super::table::{shown, Align, Block, Cell, Style, Table};
use crate::engine::configurations::CellKind;

const CSS: &str = "\
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; line-height: 1.45;
  color: #1a1a1a; max-width: 72rem; margin: 0 auto; padding: 1rem; overflow-wrap: break-word; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.3rem; margin-top: 2.2rem;
  border-bottom: 1px solid #ccc; padding-bottom: 0.2rem; }
nav ol { padding-left: 1.4rem; } nav a { color: #0645ad; }
.scroll { overflow-x: auto; max-width: 100%; margin: 0.6rem 0 1.6rem 0; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 0.93rem;
  min-width: min(100%, 34rem); }
caption { text-align: left; caption-side: top; padding: 0 0 0.4rem 0; }
caption .n { display: block; font-weight: bold; } caption .t { display: block; font-style: italic; }
th, td { padding: 0.2rem 0.65rem; text-align: right; white-space: nowrap; vertical-align: top; }
th:first-child, td:first-child, .l { text-align: left; }
.w { white-space: normal; }
tbody th { font-weight: normal; }
tbody th, thead th:first-child { position: sticky; left: 0; background: #fff; }
thead th { border-top: 2px solid #1a1a1a; border-bottom: 1px solid #1a1a1a; }
tbody tr:last-child > * { border-bottom: 2px solid #1a1a1a; }
p.note { font-size: 0.88rem; margin: 0.4rem 0 0 0; white-space: normal; max-width: 60rem; }
.m { display: inline-block; line-height: 1; } .core { font-size: 1.35em; } .peri { font-size: 0.8em; }
.nca { font-size: 0.9em; }
figure { margin: 1rem 0 2rem 0; } figure svg { max-width: 100%; height: auto; }
figcaption { margin-bottom: 0.4rem; } figcaption .n { display: block; font-weight: bold; }
figcaption .t { display: block; font-style: italic; }
dl.provenance { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; }
dl.provenance dd { margin: 0; overflow-wrap: anywhere; min-width: 0; }
@media (max-width: 40rem) { body { padding: 0.5rem; } th, td { padding: 0.2rem 0.4rem; } }
@media print {
  @page { size: A4; margin: 18mm 16mm; }
  nav { display: none; } body { max-width: none; padding: 0; font-size: 10pt; }
  h2 { break-after: avoid; } .scroll { overflow: visible; }
  table { font-size: 8.5pt; } th, td { padding: 0.1rem 0.35rem; }
  td.w, th.w { white-space: normal; } tbody th, thead th:first-child { position: static; }
  thead { display: table-header-group; } tr, figure { break-inside: avoid; }
  .appendix table { font-size: 7.5pt; } a { color: inherit; text-decoration: none; }
}
";

/// A mark at its size: core large, peripheral small; presence filled, absence crossed.
fn mark(k: CellKind) -> String {
    let (glyph, size, what) = match k {
        CellKind::CorePresent => ("●", "core", "core condition present"),
        CellKind::PeripheralPresent => ("●", "peri", "peripheral condition present"),
        CellKind::CoreAbsent => ("⊗", "core", "core condition absent"),
        CellKind::PeripheralAbsent => ("⊗", "peri", "peripheral condition absent"),
        CellKind::Blank => return String::new(),
    };
    format!("<span class=\"m {size}\" title=\"{what}\">{glyph}</span>")
}

fn cell(c: &Cell, style: Style) -> String {
    match c {
        Cell::Mark(k) => mark(*k),
        Cell::NcaMark(_) => {
            let t = shown(c, style);
            let v = t.split_once(' ').map(|(_, v)| v).unwrap_or("");
            format!("<span class=\"nca\" title=\"necessary by NCA\">◢</span>&#160;{v}")
        }
        // Break opportunities are marked before escaping (an entity's `;` is not one).
        other => escape(&layout::breakable(&shown(other, style), "\u{e000}"))
            .replace('\u{e000}', "<wbr/>"),
    }
}

/// Columns of text wider than this many ems wrap at spaces.
const WRAP: f64 = 17.0;

/// One table in its scroll box, its caption in APA style, its notes under it.
pub fn table(t: &Table, style: Style) -> String {
    let w = layout::widths(t, style);
    let wraps =
        |j: usize| t.columns.get(j).map(|c| c.align) == Some(Align::Left) && w.natural[j] > WRAP;
    let class = |j: usize| -> String {
        let mut c = Vec::new();
        if j > 0 && t.columns.get(j).is_some_and(|c| c.align == Align::Left) {
            c.push("l");
        }
        if wraps(j) {
            c.push("w");
        }
        if c.is_empty() {
            String::new()
        } else {
            format!(" class=\"{}\"", c.join(" "))
        }
    };
    let label = t.caption_text();
    let mut s = format!(
        "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"{}\">\n<table>\n<caption>{}<span class=\"t\">{}</span></caption>\n",
        escape(label),
        t.number
            .map(|n| format!("<span class=\"n\">Table {n}</span>"))
            .unwrap_or_default(),
        escape(label)
    );
    if t.header {
        s.push_str("<thead><tr>");
        for (j, c) in t.columns.iter().enumerate() {
            let min = if wraps(j) {
                format!(" style=\"min-width:{:.0}em\"", w.min[j].max(WRAP / 2.0))
            } else {
                String::new()
            };
            s.push_str(&format!(
                "<th scope=\"col\"{}{min}>{}</th>",
                class(j),
                escape(&c.header)
            ));
        }
        s.push_str("</tr></thead>\n");
    }
    s.push_str("<tbody>\n");
    for r in &t.rows {
        s.push_str("<tr>");
        for (j, c) in r.iter().enumerate() {
            // The first cell names its row (a condition, a case, a statistic).
            let (open, close) = if j == 0 {
                ("th scope=\"row\"", "th")
            } else {
                ("td", "td")
            };
            s.push_str(&format!("<{open}{}>{}</{close}>", class(j), cell(c, style)));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody>\n</table>\n");
    for (k, n) in t.notes.iter().enumerate() {
        let lead = if k == 0 { "<em>Note.</em> " } else { "" };
        s.push_str(&format!("<p class=\"note\">{lead}{}</p>\n", escape(n)));
    }
    s.push_str("</div>\n");
    s
}

/// The style of a fragment: the report's tables, scoped to the fragment.
const FRAGMENT_CSS: &str = "\
.toe-output table { border-collapse: collapse; font-variant-numeric: tabular-nums; margin: 0.4rem 0 1.2rem 0; }
.toe-output caption { text-align: left; caption-side: top; padding: 0 0 0.3rem 0; font-style: italic; }
.toe-output caption .n { display: block; font-weight: bold; font-style: normal; }
.toe-output th, .toe-output td { padding: 0.15rem 0.6rem; text-align: right; white-space: nowrap; vertical-align: top; border: none; }
.toe-output th:first-child, .toe-output td:first-child, .toe-output .l { text-align: left; }
.toe-output .w { white-space: normal; }
.toe-output tbody th { font-weight: normal; }
.toe-output thead th { border-top: 2px solid currentColor; border-bottom: 1px solid currentColor; }
.toe-output tbody tr:last-child > * { border-bottom: 2px solid currentColor; }
.toe-output p.note { font-size: 0.88em; margin: 0.3rem 0 0 0; white-space: normal; }
.toe-output .core { font-size: 1.35em; } .toe-output .peri { font-size: 0.8em; }
.toe-output pre { margin: 0.4rem 0; }
";

/// What statements printed, as an HTML fragment (a notebook cell, a knitted page): each
/// table as in the report, the lines between tables in a `<pre>` block, one scoped style.
pub fn fragment(docs: &[super::table::Doc], style: Style) -> String {
    use super::table::Piece;
    let body: String = super::table::pieces(docs)
        .into_iter()
        .map(|p| match p {
            Piece::Lines(lines) => format!("<pre>{}</pre>\n", escape(&lines.join("\n"))),
            Piece::Table(t) => table(t, style),
        })
        .collect();
    format!("<div class=\"toe-output\">\n<style>\n{FRAGMENT_CSS}</style>\n{body}</div>\n")
}

fn section(sec: &Section, style: Style, s: &mut String) {
    s.push_str(&format!(
        "<section aria-labelledby=\"{id}\">\n<h2 id=\"{id}\">{}</h2>\n",
        escape(&sec.title),
        id = sec.id
    ));
    for b in &sec.doc.blocks {
        match b {
            Block::Line(_, l) => s.push_str(&format!("<p>{}</p>\n", escape(l.trim()))),
            Block::Table(_, t) => s.push_str(&table(t, style)),
            Block::Blank => {}
        }
    }
    for f in &sec.figures {
        s.push_str(&format!(
            "<figure role=\"group\" aria-label=\"{cap}\">\n<figcaption>{}<span class=\"t\">{cap}</span></figcaption>\n{}</figure>\n",
            f.number
                .map(|n| format!("<span class=\"n\">Figure {n}</span>"))
                .unwrap_or_default(),
            f.figure.svg(),
            cap = escape(&f.caption)
        ));
    }
    s.push_str("</section>\n");
}

/// The report as one HTML page.
pub fn document(r: &Report) -> String {
    let mut s = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>{}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n<header>\n<h1>{}</h1>\n</header>\n",
        escape(&r.title),
        escape(&r.title)
    );
    s.push_str("<nav aria-label=\"Contents\">\n<h2 id=\"contents\">Contents</h2>\n<ol>\n");
    for sec in r.sections.iter().chain(r.appendix.iter()) {
        s.push_str(&format!(
            "<li><a href=\"#{}\">{}</a></li>\n",
            sec.id,
            escape(&sec.title)
        ));
    }
    if !r.provenance.is_empty() {
        s.push_str("<li><a href=\"#provenance\">Provenance</a></li>\n");
    }
    s.push_str("</ol>\n</nav>\n<main>\n");
    for sec in &r.sections {
        section(sec, r.style, &mut s);
    }
    if !r.appendix.is_empty() {
        s.push_str("<div class=\"appendix\">\n");
        for sec in &r.appendix {
            section(sec, r.style, &mut s);
        }
        s.push_str("</div>\n");
    }
    if !r.provenance.is_empty() {
        s.push_str("<section aria-labelledby=\"provenance\">\n<h2 id=\"provenance\">Provenance</h2>\n<dl class=\"provenance\">\n");
        for (k, v) in &r.provenance {
            s.push_str(&format!("<dt>{}</dt><dd>{}</dd>\n", escape(k), escape(v)));
        }
        s.push_str("</dl>\n</section>\n");
    }
    s.push_str("</main>\n</body>\n</html>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::table::Column;

    #[test]
    fn escapes_and_marks() {
        assert_eq!(escape("<a & \"b\">"), "&lt;a &amp; &quot;b&quot;&gt;");
        assert!(mark(CellKind::PeripheralAbsent).contains("class=\"m peri\""));
        assert!(mark(CellKind::CoreAbsent).contains(">⊗<"));
        let mut t = Table::new("t", vec![Column::left("term"), Column::left("verdict")]);
        t.rows.push(vec![
            Cell::text("DIG*LEA"),
            Cell::text("sensitive to consistency 0.75, cases 2; consistency 0.8, cases 2"),
        ]);
        let h = table(&t, Style::default());
        assert!(h.contains("DIG*<wbr/>LEA"), "{h}");
        assert!(h.contains("class=\"l w\""), "{h}");
    }
}
