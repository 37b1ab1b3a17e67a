//! Stage 5, Word: a [`Report`] (the study report, or one analysis' export) as a .docx file
//! written with the `docx-rs` crate — real Word tables in journal style (APA-like: "Table N"
//! in bold, the title in italics, rules above and below the header and under the last row, no
//! vertical lines, "Note." under the table), headings for the sections, the plots as embedded
//! PNG pictures ([`super::raster`]) and the provenance.
//!
//! Guarantees: the document XML is well formed (the crate writes it); every table of the
//! report becomes one Word table with its header row and every cell's text as the journal
//! renderer gives it ([`super::table::journal`]); the same report gives the same bytes (no
//! clock: the zip entries carry the format's earliest date and the core properties a fixed one).

use super::model::Report;
use super::table::{journal, Align, Block, Table};
use docx_rs::{
    AlignmentType, BorderType, Docx, Paragraph, Pic, Run, RunFonts, Style, StyleType, TableBorders,
    TableCell, TableCellBorder, TableCellBorderPosition, TableCellBorders, TableRow,
};

/// Word's font sizes are in half-points.
const BODY: usize = 22;
const SMALL: usize = 18;
const TINY: usize = 14;

fn rule(position: TableCellBorderPosition, size: usize) -> TableCellBorder {
    TableCellBorder::new(position)
        .border_type(BorderType::Single)
        .size(size)
        .color("000000")
}

/// One cell; `keep` holds its row on the page of the next (a header with the first row).
fn cell(text: &str, align: Align, size: usize, keep: bool, borders: TableCellBorders) -> TableCell {
    TableCell::new().set_borders(borders).add_paragraph(
        Paragraph::new()
            .add_run(Run::new().add_text(text).size(size))
            .keep_next(keep)
            .align(match align {
                Align::Left => AlignmentType::Left,
                Align::Right => AlignmentType::Right,
            }),
    )
}

/// One table in journal style, numbered `number`.
fn table(doc: Docx, t: &Table, number: usize) -> Docx {
    let title = if t.title.is_empty() {
        "(untitled)"
    } else {
        &t.title
    };
    let doc = doc
        .add_paragraph(
            Paragraph::new()
                .add_run(Run::new().add_text(format!("Table {number}")).bold())
                .keep_next(true),
        )
        .add_paragraph(
            Paragraph::new()
                .add_run(Run::new().add_text(title).italic())
                .keep_next(true),
        );
    let none = || TableCellBorders::with_empty();
    let mut rows = Vec::new();
    let ncol = t
        .columns
        .len()
        .max(t.rows.iter().map(|r| r.len()).max().unwrap_or(0));
    // Wide tables (the NCA table has 14 columns) in 7 points, to fit a portrait page.
    let size = if ncol > 8 { TINY } else { SMALL };
    let align = |j: usize| {
        if j == 0 {
            Align::Left
        } else {
            t.columns.get(j).map(|c| c.align).unwrap_or(Align::Right)
        }
    };
    if t.header {
        let cells = (0..ncol)
            .map(|j| {
                let h = t.columns.get(j).map(|c| c.header.as_str()).unwrap_or("");
                cell(
                    h,
                    align(j),
                    size,
                    true,
                    none()
                        .set(rule(TableCellBorderPosition::Top, 8))
                        .set(rule(TableCellBorderPosition::Bottom, 4)),
                )
            })
            .collect();
        rows.push(TableRow::new(cells).cant_split());
    }
    let last = t.rows.len().saturating_sub(1);
    for (i, r) in t.rows.iter().enumerate() {
        let cells = (0..ncol)
            .map(|j| {
                let text = r.get(j).map(journal).unwrap_or_default();
                let mut b = none();
                if i == last {
                    b = b.set(rule(TableCellBorderPosition::Bottom, 8));
                }
                if i == 0 && !t.header {
                    b = b.set(rule(TableCellBorderPosition::Top, 8));
                }
                // The first rows stay with the header; short tables stay whole.
                cell(&text, align(j), size, i < 2 || t.rows.len() <= 12, b)
            })
            .collect();
        rows.push(TableRow::new(cells).cant_split());
    }
    let mut doc = if rows.is_empty() {
        doc
    } else {
        doc.add_table(
            docx_rs::Table::new(rows)
                .set_borders(TableBorders::with_empty())
                .align(docx_rs::TableAlignmentType::Left),
        )
    };
    for (k, n) in t.notes.iter().enumerate() {
        let mut p = Paragraph::new();
        if k == 0 {
            p = p.add_run(Run::new().add_text("Note. ").italic().size(SMALL));
        }
        doc = doc.add_paragraph(p.add_run(Run::new().add_text(n).size(SMALL)));
    }
    doc.add_paragraph(Paragraph::new())
}

fn styles(doc: Docx) -> Docx {
    doc.add_style(
        Style::new("Title", StyleType::Paragraph)
            .name("Title")
            .size(32)
            .bold(),
    )
    .add_style(
        Style::new("Heading1", StyleType::Paragraph)
            .name("Heading 1")
            .size(28)
            .bold(),
    )
    .add_style(
        Style::new("Heading2", StyleType::Paragraph)
            .name("Heading 2")
            .size(24)
            .bold(),
    )
}

fn heading(text: &str, style: &str, level: usize) -> Paragraph {
    Paragraph::new()
        .add_run(Run::new().add_text(text))
        .style(style)
        .outline_lvl(level)
        .keep_next(true)
}

/// The .docx bytes of a report.
pub fn document(r: &Report) -> Result<Vec<u8>, String> {
    let mut doc = styles(
        Docx::new()
            .default_fonts(
                RunFonts::new()
                    .ascii("Times New Roman")
                    .hi_ansi("Times New Roman"),
            )
            .default_size(BODY),
    )
    .add_paragraph(heading(&r.title, "Title", 0));
    let mut number = 0;
    let mut figure = 0;
    for sec in &r.sections {
        doc = doc.add_paragraph(heading(&sec.title, "Heading1", 0));
        for b in &sec.doc.blocks {
            match b {
                Block::Line(_, l) => {
                    doc = doc.add_paragraph(Paragraph::new().add_run(Run::new().add_text(l.trim())))
                }
                Block::Table(_, t) => {
                    number += 1;
                    doc = table(doc, t, number);
                }
                Block::Blank => {}
            }
        }
        for f in &sec.figures {
            figure += 1;
            let (png, w, h) = super::raster::png(&f.svg)?;
            // Scaled to the text width (about 6.3 in at 96 px per inch) when wider.
            let (w, h) = fit(w, h, 600);
            doc = doc
                .add_paragraph(
                    Paragraph::new()
                        .add_run(Run::new().add_text(format!("Figure {figure}")).bold())
                        .keep_next(true),
                )
                .add_paragraph(
                    Paragraph::new()
                        .add_run(Run::new().add_text(&f.caption).italic())
                        .keep_next(true),
                )
                .add_paragraph(
                    Paragraph::new()
                        .add_run(Run::new().add_image(Pic::new_with_dimensions(png, w, h))),
                );
        }
    }
    if !r.provenance.is_empty() {
        doc = doc.add_paragraph(heading("Provenance", "Heading1", 0));
        for (k, v) in &r.provenance {
            doc = doc.add_paragraph(
                Paragraph::new()
                    .add_run(Run::new().add_text(format!("{k}: ")).bold().size(SMALL))
                    .add_run(Run::new().add_text(v).size(SMALL)),
            );
        }
    }
    let mut out = std::io::Cursor::new(Vec::new());
    doc.build()
        .pack(&mut out)
        .map_err(|e| format!("the Word file could not be assembled: {e}"))?;
    Ok(out.into_inner())
}

/// Picture size in pixels, scaled down to `max` wide.
fn fit(w: u32, h: u32, max: u32) -> (u32, u32) {
    if w <= max || w == 0 {
        (w, h)
    } else {
        (max, (h as u64 * max as u64 / w as u64) as u32)
    }
}
