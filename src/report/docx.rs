//! Stage 5, Word: a [`Report`] (the study report, or one analysis' export) as a .docx file
//! written with the `docx-rs` crate — real Word tables in APA style ("Table N" bold and the
//! title in italics in Word's Caption style, rules above and below the header and under the
//! last row, no vertical lines, "*Note.*" under the table, kept with it), column widths from
//! the cells' text, a table too wide for a portrait page on a landscape one (and the appendix
//! on landscape pages), header rows repeated on every page, the configuration marks at their
//! sizes, headings in Word's Heading 1 style, the plots as 300 dpi PNG pictures
//! ([`super::raster`]) and the provenance.
//!
//! Guarantees: the document XML is well formed (the crate writes it; the one change made to it
//! afterwards marks header rows); every table of the report becomes one Word table with its
//! header row and every cell's text as [`super::table::shown`] gives it (a term may break only
//! after `*`, `+` or `;`); no column is narrower than its longest number, word or conjunct; the
//! same report gives the same bytes (no clock: the zip entries carry the format's earliest date
//! and the core properties a fixed one).

use super::layout;
use super::model::{Report, Section};
use super::table::{shown, Align, Block, Cell, Style, Table};
use crate::engine::configurations::CellKind;
use docx_rs::{
    AlignmentType, BorderType, BreakType, Docx, PageMargin, PageOrientationType, Paragraph, Pic,
    Run, RunFonts, SectionProperty, Style as WordStyle, StyleType, TableBorders, TableCell,
    TableCellBorder, TableCellBorderPosition, TableCellBorders, TableLayoutType, TableRow,
    WidthType,
};

/// Word's font sizes are in half-points.
const BODY: usize = 22;
const SMALL: usize = 18;
const CORE: usize = 26;
const PERIPHERAL: usize = 15;
/// A4 in twips, margins of 2.25 cm: 16.5 cm of text across a portrait page, 25.2 cm across a
/// landscape one.
const A4: (u32, u32) = (11906, 16838);
const MARGIN: i32 = 1276;
const PORTRAIT: f64 = (11906 - 2 * 1276) as f64;
const LANDSCAPE: f64 = (16838 - 2 * 1276) as f64;
/// A cell's left and right margins together (0.14 cm each, set on every table).
const PAD: f64 = 160.0;
/// A header row is marked by this height while the document is built, then made a repeated
/// header row (`w:tblHeader`), which `docx-rs` does not write.
const HEADER_MARK: f32 = 7.77;

fn rule(position: TableCellBorderPosition, size: usize) -> TableCellBorder {
    TableCellBorder::new(position)
        .border_type(BorderType::Single)
        .size(size)
        .color("000000")
}

fn run_of(c: &Cell, style: Style, size: usize) -> Run {
    match c {
        Cell::Mark(k) => {
            let (glyph, s) = match k {
                CellKind::CorePresent => ("●", CORE),
                CellKind::PeripheralPresent => ("●", PERIPHERAL),
                CellKind::CoreAbsent => ("⊗", CORE),
                CellKind::PeripheralAbsent => ("⊗", PERIPHERAL),
                CellKind::Blank => ("", size),
            };
            Run::new().add_text(glyph).size(s)
        }
        other => Run::new()
            .add_text(layout::breakable(&shown(other, style), "\u{200b}"))
            .size(size),
    }
}

/// One cell of a width in twips; `keep` holds its row on the page of the next.
fn cell(run: Run, align: Align, width: usize, keep: bool, borders: TableCellBorders) -> TableCell {
    TableCell::new()
        .width(width, WidthType::Dxa)
        .set_borders(borders)
        .add_paragraph(
            Paragraph::new()
                .add_run(run)
                .keep_next(keep)
                .align(match align {
                    Align::Left => AlignmentType::Left,
                    Align::Right => AlignmentType::Right,
                }),
        )
}

/// The column widths of a table (twips) and its font size, on a page of `budget` twips; `None`
/// when it does not fit even at 7 points.
fn widths(t: &Table, style: Style, budget: f64) -> Option<(Vec<usize>, usize)> {
    let w = layout::widths(t, style);
    for size in [SMALL, 16, 14] {
        // An em of `size` half-points, in twips, with a tenth to spare.
        let em = size as f64 / 2.0 * 20.0 * 1.1;
        if let Some(cols) = layout::fit(&w, em, PAD, budget) {
            return Some((cols.iter().map(|c| c.ceil() as usize).collect(), size));
        }
    }
    None
}

/// A caption in APA style in Word's Caption style: "Table N" bold, the title in italics on the
/// next line; kept with what follows.
fn caption(kind: &str, number: Option<usize>, text: &str) -> Paragraph {
    Paragraph::new()
        .style("Caption")
        .add_run(
            Run::new()
                .add_text(format!(
                    "{kind} {}",
                    number.map(|n| n.to_string()).unwrap_or_default()
                ))
                .bold(),
        )
        .add_run(Run::new().add_break(BreakType::TextWrapping))
        .add_run(Run::new().add_text(text).italic())
        .keep_next(true)
}

/// A section break: the paragraph that ends the section before it, portrait or landscape.
fn section_end(landscape: bool) -> Paragraph {
    let (w, h, o) = if landscape {
        (A4.1, A4.0, PageOrientationType::Landscape)
    } else {
        (A4.0, A4.1, PageOrientationType::Portrait)
    };
    let sp = SectionProperty::new()
        .page_size(docx_rs::PageSize::new().size(w, h).orient(o))
        .page_margin(margins());
    Paragraph::new().section_property(sp)
}

fn margins() -> PageMargin {
    PageMargin::new()
        .top(MARGIN)
        .bottom(MARGIN)
        .left(MARGIN)
        .right(MARGIN)
        .header(708)
        .footer(708)
        .gutter(0)
}

/// Where the document is: on a landscape page or not.
struct Pages {
    doc: Docx,
    landscape: bool,
}

impl Pages {
    fn add(mut self, p: Paragraph) -> Pages {
        self.doc = self.doc.add_paragraph(p);
        self
    }
    /// Continues on pages of this orientation (a section break when it changes).
    fn turn(mut self, landscape: bool) -> Pages {
        if landscape != self.landscape {
            self.doc = self.doc.add_paragraph(section_end(self.landscape));
            self.landscape = landscape;
        }
        self
    }
}

/// One table in APA style, on the pages it fits.
fn table(mut pages: Pages, t: &Table, style: Style, appendix: bool) -> Pages {
    let portrait = widths(t, style, PORTRAIT);
    let (landscape, (cols, size)) = match (portrait, appendix) {
        (Some(w), false) => (false, w),
        (_, _) => match widths(t, style, LANDSCAPE) {
            Some(w) => (true, w),
            None => {
                // Wider than a landscape page at 7 points: equal columns that wrap.
                let n = t.columns.len().max(1);
                (true, (vec![(LANDSCAPE / n as f64) as usize; n], 14))
            }
        },
    };
    pages = pages.turn(landscape || appendix);
    pages = pages.add(caption("Table", t.number, t.caption_text()));
    let none = TableCellBorders::with_empty;
    let align = |j: usize| {
        if j == 0 {
            Align::Left
        } else {
            t.columns.get(j).map(|c| c.align).unwrap_or(Align::Right)
        }
    };
    let ncol = cols.len();
    let width = |j: usize| cols.get(j).copied().unwrap_or(1000);
    // A short table stays whole with its notes; a long one keeps its header with its first
    // rows and its last rows with its notes.
    let whole = t.rows.len() <= 25;
    let mut rows = Vec::new();
    if t.header {
        let cells = (0..ncol)
            .map(|j| {
                let h = t.columns.get(j).map(|c| c.header.as_str()).unwrap_or("");
                cell(
                    Run::new().add_text(h).size(size),
                    align(j),
                    width(j),
                    true,
                    none()
                        .set(rule(TableCellBorderPosition::Top, 8))
                        .set(rule(TableCellBorderPosition::Bottom, 4)),
                )
            })
            .collect();
        rows.push(
            TableRow::new(cells)
                .cant_split()
                .row_height(HEADER_MARK)
                .height_rule(docx_rs::HeightRule::AtLeast),
        );
    }
    let last = t.rows.len().saturating_sub(1);
    for (i, r) in t.rows.iter().enumerate() {
        let keep = whole || i < 2 || i + 2 > last;
        let keep = keep && (i < last || !t.notes.is_empty());
        let cells = (0..ncol)
            .map(|j| {
                let run = r
                    .get(j)
                    .map(|c| run_of(c, style, size))
                    .unwrap_or_else(|| Run::new().size(size));
                let mut b = none();
                if i == last {
                    b = b.set(rule(TableCellBorderPosition::Bottom, 8));
                }
                if i == 0 && !t.header {
                    b = b.set(rule(TableCellBorderPosition::Top, 8));
                }
                cell(run, align(j), width(j), keep, b)
            })
            .collect();
        rows.push(TableRow::new(cells).cant_split());
    }
    if !rows.is_empty() {
        let total: usize = cols.iter().sum();
        pages.doc = pages.doc.add_table(
            docx_rs::Table::new(rows)
                .set_grid(cols.clone())
                .width(total, WidthType::Dxa)
                .layout(TableLayoutType::Fixed)
                .margins(docx_rs::TableCellMargins::new().margin(0, 80, 0, 80))
                .set_borders(TableBorders::with_empty())
                .align(docx_rs::TableAlignmentType::Left),
        );
    }
    for (k, n) in t.notes.iter().enumerate() {
        let mut p = Paragraph::new();
        if k == 0 {
            p = p.add_run(Run::new().add_text("Note. ").italic().size(SMALL));
        }
        pages = pages.add(
            p.add_run(Run::new().add_text(n).size(SMALL))
                .keep_next(k + 1 < t.notes.len()),
        );
    }
    pages.add(Paragraph::new())
}

fn styles(doc: Docx) -> Docx {
    doc.add_style(
        WordStyle::new("Title", StyleType::Paragraph)
            .name("Title")
            .size(32)
            .bold(),
    )
    .add_style(
        WordStyle::new("Heading1", StyleType::Paragraph)
            .name("heading 1")
            .size(28)
            .bold(),
    )
    .add_style(
        WordStyle::new("Heading2", StyleType::Paragraph)
            .name("heading 2")
            .size(24)
            .bold(),
    )
    .add_style(
        WordStyle::new("Caption", StyleType::Paragraph)
            .name("caption")
            .size(BODY),
    )
}

fn heading(text: &str, style: &str, level: usize) -> Paragraph {
    Paragraph::new()
        .add_run(Run::new().add_text(text))
        .style(style)
        .outline_lvl(level)
        .keep_next(true)
}

fn section(mut pages: Pages, sec: &Section, style: Style, appendix: bool) -> Result<Pages, String> {
    pages = pages.turn(appendix).add(heading(&sec.title, "Heading1", 0));
    for b in &sec.doc.blocks {
        match b {
            Block::Line(_, l) => {
                pages = pages.add(Paragraph::new().add_run(Run::new().add_text(l.trim())))
            }
            Block::Table(_, t) => pages = table(pages, t, style, appendix),
            Block::Blank => {}
        }
    }
    for f in &sec.figures {
        pages = pages.turn(appendix);
        let (png, _, _) = super::raster::png(&f.figure, 300.0)?;
        // Shown at the figure's size in points (1 pt = 12,700 EMU), within the text width.
        // (At most four fifths of the page's height, its caption above it.)
        let tall = (A4.1 as f64 - 2.0 * MARGIN as f64) / 20.0 * 0.8;
        let scale = (PORTRAIT / 20.0 / f.figure.width)
            .min(tall / f.figure.height)
            .min(1.0);
        let (w, h) = (
            (f.figure.width * scale * 12700.0) as u32,
            (f.figure.height * scale * 12700.0) as u32,
        );
        pages = pages.add(caption("Figure", f.number, &f.caption)).add(
            Paragraph::new()
                .add_run(Run::new().add_image(Pic::new_with_dimensions(png, 1, 1).size(w, h))),
        );
    }
    Ok(pages)
}

/// The .docx bytes of a report.
pub fn document(r: &Report) -> Result<Vec<u8>, String> {
    let doc = styles(
        Docx::new()
            .page_size(A4.0, A4.1)
            .page_margin(margins())
            .default_fonts(
                RunFonts::new()
                    .ascii("Times New Roman")
                    .hi_ansi("Times New Roman"),
            )
            .default_size(BODY),
    )
    .add_paragraph(heading(&r.title, "Title", 0));
    let mut pages = Pages {
        doc,
        landscape: false,
    };
    for sec in &r.sections {
        pages = section(pages, sec, r.style, false)?;
    }
    if !r.provenance.is_empty() {
        pages = pages.turn(false).add(heading("Provenance", "Heading1", 0));
        for (k, v) in &r.provenance {
            pages = pages.add(
                Paragraph::new()
                    .add_run(Run::new().add_text(format!("{k}: ")).bold().size(SMALL))
                    .add_run(Run::new().add_text(v).size(SMALL)),
            );
        }
    }
    for sec in &r.appendix {
        pages = section(pages, sec, r.style, true)?;
    }
    // The last section's pages: the document's own section properties.
    let mut doc = pages.doc;
    if pages.landscape {
        doc = doc
            .page_size(A4.1, A4.0)
            .page_orient(PageOrientationType::Landscape);
    }
    let mut xml = doc.build();
    let marked = format!(
        "<w:trHeight w:val=\"{}\" w:hRule=\"atLeast\" />",
        HEADER_MARK
    );
    let document = String::from_utf8_lossy(&xml.document).replace(&marked, "<w:tblHeader />");
    xml.document = document.into_bytes();
    let mut out = std::io::Cursor::new(Vec::new());
    xml.pack(&mut out)
        .map_err(|e| format!("the Word file could not be assembled: {e}"))?;
    Ok(out.into_inner())
}
