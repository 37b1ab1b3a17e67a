//! Stage 5, Markdown: a [`Report`] (the study report, or one analysis' export) as GitHub
//! Markdown — a table of contents, numbered captions ("**Table 3.** *Title*"), pipe tables,
//! "*Note.*" lines; the plots are named by their numbers and left to the HTML, Word and LaTeX
//! reports.
//!
//! Guarantees: `|` in a cell is escaped, so a table keeps its columns; the cells are the same
//! text as in every other format ([`super::table::shown`]); the same report gives the same bytes.

use super::model::{Report, Section};
use super::table::{shown, Align, Block, Style, Table};

fn esc(s: &str) -> String {
    s.replace('|', "\\|")
}

/// One table: its caption, the pipe table, its notes.
pub fn table(t: &Table, style: Style) -> String {
    let mut s = match t.number {
        Some(n) => format!("**Table {n}.** *{}*\n\n", esc(t.caption_text())),
        None if !t.caption_text().is_empty() => format!("*{}*\n\n", esc(t.caption_text())),
        None => String::new(),
    };
    if !t.header {
        for r in &t.rows {
            let cells: Vec<String> = r.iter().map(|c| esc(&shown(c, style))).collect();
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
                    .map(|c| esc(&shown(c, style)))
                    .collect::<Vec<_>>()
                    .join(" | ")
            ));
        }
    }
    s.push('\n');
    for (k, n) in t.notes.iter().enumerate() {
        let lead = if k == 0 { "*Note.* " } else { "" };
        s.push_str(&format!("{lead}{n}\n\n"));
    }
    s
}

/// What statements printed, as Markdown for a notebook or an R Markdown / Quarto document:
/// each table a pipe table, the lines between tables in a fenced text block (their
/// indentation kept).
pub fn fragment(docs: &[super::table::Doc], style: Style) -> String {
    use super::table::Piece;
    super::table::pieces(docs)
        .into_iter()
        .map(|p| match p {
            Piece::Lines(lines) => format!("```text\n{}\n```\n\n", lines.join("\n")),
            Piece::Table(t) => table(t, style),
        })
        .collect()
}

fn section(sec: &Section, style: Style, s: &mut String) {
    s.push_str(&format!(
        "<a id=\"{}\"></a>\n\n## {}\n\n",
        sec.id, sec.title
    ));
    for b in &sec.doc.blocks {
        match b {
            Block::Line(_, l) => s.push_str(&format!("{}\n\n", l.trim())),
            Block::Table(_, t) => s.push_str(&table(t, style)),
            Block::Blank => {}
        }
    }
    for f in &sec.figures {
        s.push_str(&format!(
            "**Figure {}.** *{}* (drawn in the HTML, Word and LaTeX reports)\n\n",
            f.number.map(|n| n.to_string()).unwrap_or_default(),
            f.caption
        ));
    }
}

/// The report as Markdown.
pub fn document(r: &Report) -> String {
    let mut s = format!("# {}\n\n## Contents\n\n", r.title);
    let all: Vec<&Section> = r.sections.iter().chain(r.appendix.iter()).collect();
    for (k, sec) in all.iter().enumerate() {
        s.push_str(&format!("{}. [{}](#{})\n", k + 1, sec.title, sec.id));
    }
    if !r.provenance.is_empty() {
        s.push_str(&format!("{}. [Provenance](#provenance)\n", all.len() + 1));
    }
    s.push('\n');
    for sec in &all {
        section(sec, r.style, &mut s);
    }
    if !r.provenance.is_empty() {
        s.push_str("<a id=\"provenance\"></a>\n\n## Provenance\n\n");
        for (k, v) in &r.provenance {
            s.push_str(&format!("- **{k}**: {v}\n"));
        }
    }
    s
}
