//! Stage 5, the model of a report: sections of tables ([`Doc`]) and figures, and the
//! provenance — what the study report ([`super::study`]) and a Word export build, and the
//! renderers ([`super::paper`], [`super::docx`]) read.
//!
//! Guarantees: plain data, no rendering.

use super::table::Doc;

/// A plot of a section: its caption and the SVG.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub caption: String,
    pub svg: String,
}

/// One section of the report: an anchor id, a heading, tables and figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub id: String,
    pub title: String,
    pub doc: Doc,
    pub figures: Vec<Figure>,
}

/// The whole report: a title, the provenance (label, value) and the sections in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub title: String,
    pub provenance: Vec<(String, String)>,
    pub sections: Vec<Section>,
}
