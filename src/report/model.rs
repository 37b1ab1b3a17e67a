//! Stage 5, the model of a publication: sections of tables ([`Doc`]) and figures, an
//! appendix, the provenance and the style — what the study report ([`super::study`]) and every
//! export of one analysis ([`super::export`]) build, and what the one page renderer of each
//! format reads ([`super::html`], [`super::latex`], [`super::markdown`], [`super::docx`]).
//!
//! Guarantees: plain data, no rendering; [`Report::number`] numbers the tables and figures
//! through the whole report (body, then appendix) and puts the numbers into every reference
//! of the text (`@table:ID`, `@figure:ID`), so every format prints the same numbers.

use super::figure;
use super::table::{Block, Doc, Style};

/// A figure of a section: an id for references, its caption, the drawing and its number.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub id: String,
    pub caption: String,
    pub figure: figure::Figure,
    pub number: Option<usize>,
}

/// One section: an anchor id, a heading, tables and figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub id: String,
    pub title: String,
    pub doc: Doc,
    pub figures: Vec<Figure>,
}

/// The whole publication: a title, the body's sections, the appendix's (the full tables that
/// the body gives in short, the tables too wide for a portrait page), the provenance (label,
/// value) and the style of its cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub title: String,
    pub sections: Vec<Section>,
    pub appendix: Vec<Section>,
    pub provenance: Vec<(String, String)>,
    pub style: Style,
}

impl Report {
    /// Numbers the tables and figures (body, then appendix), fills in every `@table:ID` and
    /// `@figure:ID` of the lines and notes, and gives an untitled table its section's title.
    pub fn number(&mut self) {
        let mut tables = Vec::new();
        let mut figures = Vec::new();
        let (mut t, mut f) = (0, 0);
        for sec in self.sections.iter_mut().chain(self.appendix.iter_mut()) {
            for b in sec.doc.blocks.iter_mut() {
                if let Block::Table(_, table) = b {
                    t += 1;
                    table.number = Some(t);
                    if table.caption_text().trim().is_empty() {
                        table.caption = Some(sec.title.clone());
                    }
                    if let Some(id) = &table.id {
                        tables.push((id.clone(), t));
                    }
                }
            }
            for fig in sec.figures.iter_mut() {
                f += 1;
                fig.number = Some(f);
                figures.push((fig.id.clone(), f));
            }
        }
        let resolve = |text: &str| -> String {
            let mut s = text.to_string();
            for (id, n) in &tables {
                s = s.replace(&format!("@table:{id}"), &format!("Table {n}"));
            }
            for (id, n) in &figures {
                s = s.replace(&format!("@figure:{id}"), &format!("Figure {n}"));
            }
            s
        };
        for sec in self.sections.iter_mut().chain(self.appendix.iter_mut()) {
            for b in sec.doc.blocks.iter_mut() {
                match b {
                    Block::Line(_, l) => *l = resolve(l),
                    Block::Table(_, table) => {
                        for n in table.notes.iter_mut() {
                            *n = resolve(n);
                        }
                    }
                    Block::Blank => {}
                }
            }
            for fig in sec.figures.iter_mut() {
                fig.caption = resolve(&fig.caption);
            }
        }
    }

    /// Every table of the report in order (body, then appendix).
    pub fn tables(&self) -> impl Iterator<Item = &super::table::Table> {
        self.sections
            .iter()
            .chain(self.appendix.iter())
            .flat_map(|s| s.doc.tables())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::table::{Column, Table};

    #[test]
    fn numbers_run_through_body_and_appendix_and_fill_references() {
        let mut body = Doc::default();
        body.line(0, "The full table is @table:full.");
        body.table(1, Table::new("", vec![Column::left("a")]));
        let mut appendix = Doc::default();
        let mut full = Table::new("full", vec![Column::left("a")]);
        full.id = Some("full".into());
        appendix.table(1, full);
        let mut r = Report {
            title: "r".into(),
            sections: vec![Section {
                id: "s".into(),
                title: "Results".into(),
                doc: body,
                figures: vec![Figure {
                    id: "plot".into(),
                    caption: "see @table:full".into(),
                    figure: figure::Figure::new(1.0, 1.0),
                    number: None,
                }],
            }],
            appendix: vec![Section {
                id: "a".into(),
                title: "Appendix".into(),
                doc: appendix,
                figures: vec![],
            }],
            provenance: vec![],
            style: Style::default(),
        };
        r.number();
        let numbers: Vec<Option<usize>> = r.tables().map(|t| t.number).collect();
        assert_eq!(numbers, vec![Some(1), Some(2)]);
        assert_eq!(r.tables().next().map(|t| t.caption_text()), Some("Results"));
        assert!(
            matches!(&r.sections[0].doc.blocks[0], Block::Line(_, l) if l == "The full table is Table 2.")
        );
        assert_eq!(r.sections[0].figures[0].caption, "see Table 2");
        assert_eq!(r.sections[0].figures[0].number, Some(1));
    }
}
