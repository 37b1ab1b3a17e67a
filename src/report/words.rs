//! Stage 5, words instead of code names in publications: the sets' labels (written in the
//! script, or the data file's variable labels) in the rows of tables and in captions, and a
//! key of the codes that remain (in headers and terms) under each table that uses them.
//!
//! Guarantees: a set without a label keeps its code; a code is replaced only where a cell
//! says it names a set ([`Cell::Set`]), never inside a term; the key lists exactly the codes
//! that a table still shows, in the order of the study's sets.

use super::table::{Block, Cell, Doc, Table};
use crate::check::plan::Role;
use crate::check::Scope;

/// The sets' codes and labels, in the study's order.
#[derive(Debug, Clone, Default)]
pub struct Words {
    sets: Vec<(String, Option<String>, Role)>,
}

/// A label inside a sentence: its first letter in lower case, unless it starts an acronym
/// ("IT skills" stays).
pub fn phrase(label: &str) -> String {
    let mut chars = label.chars();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if a.is_uppercase() && !b.is_uppercase() => {
            a.to_lowercase().chain(label.chars().skip(1)).collect()
        }
        _ => label.to_string(),
    }
}

impl Words {
    /// The labels of a study's sets.
    pub fn of(scope: &Scope) -> Words {
        Words {
            sets: scope
                .sets
                .iter()
                .map(|s| (s.name.clone(), s.label.clone(), s.role))
                .collect(),
        }
    }

    /// A set's label, or its code.
    pub fn label(&self, code: &str) -> String {
        self.sets
            .iter()
            .find(|(c, _, _)| c == code)
            .and_then(|(_, l, _)| l.clone())
            .unwrap_or_else(|| code.to_string())
    }

    /// An outcome as a caption says it: "high e-service performance" (or "low …" for a
    /// negated one); a set without a label is its code.
    pub fn outcome(&self, code: &str, negated: bool) -> String {
        let has = self.sets.iter().any(|(c, l, _)| c == code && l.is_some());
        let level = if negated { "low" } else { "high" };
        if has {
            format!("{level} {}", phrase(&self.label(code)))
        } else if negated {
            format!("~{code}")
        } else {
            code.to_string()
        }
    }

    /// An axis title: "Digital infrastructure (DIG)", or the code.
    pub fn axis(&self, code: &str) -> String {
        let l = self.label(code);
        if l == code {
            l
        } else {
            format!("{l} ({code})")
        }
    }

    /// The text of a set cell: the label for the code it starts with ("~" and a suffix such
    /// as " (nec.)" kept).
    fn cell_text(&self, text: &str) -> String {
        let (neg, rest) = match text.strip_prefix('~') {
            Some(r) => ("~", r),
            None => ("", text),
        };
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
            .unwrap_or(rest.len());
        let (code, suffix) = rest.split_at(end);
        if self.sets.iter().any(|(c, l, _)| c == code && l.is_some()) {
            format!("{neg}{}{suffix}", self.label(code))
        } else {
            text.to_string()
        }
    }

    /// A table for a publication: set cells as labels, and a key note of the codes it still
    /// shows (headers, terms, other cells).
    pub fn publish(&self, t: &mut Table) {
        for r in t.rows.iter_mut() {
            for c in r.iter_mut() {
                if let Cell::Set(s) = c {
                    *c = Cell::Text(self.cell_text(s));
                }
            }
        }
        let mut text = String::new();
        for c in &t.columns {
            text.push_str(&c.header);
            text.push(' ');
        }
        for r in &t.rows {
            for c in r {
                if let Cell::Text(s) = c {
                    text.push_str(s);
                    text.push(' ');
                }
            }
        }
        let words: std::collections::HashSet<&str> = text
            .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
            .collect();
        let key: Vec<String> = self
            .sets
            .iter()
            .filter(|(c, l, _)| l.is_some() && words.contains(c.as_str()))
            .map(|(c, l, _)| format!("{c} = {}", l.clone().unwrap_or_default()))
            .collect();
        if !key.is_empty() {
            t.notes.push(format!("{}.", key.join("; ")));
        }
    }

    /// Every table of a document, published.
    pub fn publish_doc(&self, doc: &mut Doc) {
        for b in doc.blocks.iter_mut() {
            if let Block::Table(_, t) = b {
                self.publish(t);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::table::Column;

    fn words() -> Words {
        Words {
            sets: vec![
                (
                    "DIG".into(),
                    Some("Digital infrastructure".into()),
                    Role::Condition,
                ),
                (
                    "SKL".into(),
                    Some("IT skills of staff".into()),
                    Role::Condition,
                ),
                ("X".into(), None, Role::Condition),
                (
                    "PERF".into(),
                    Some("E-service performance".into()),
                    Role::Outcome,
                ),
            ],
        }
    }

    #[test]
    fn labels_in_rows_codes_in_a_key() {
        let w = words();
        let mut t = Table::new("t", vec![Column::left("condition"), Column::left("term")]);
        t.rows
            .push(vec![Cell::Set("DIG (nec.)".into()), Cell::text("DIG*SKL")]);
        t.rows.push(vec![Cell::Set("~SKL".into()), Cell::text("X")]);
        w.publish(&mut t);
        assert_eq!(t.rows[0][0], Cell::text("Digital infrastructure (nec.)"));
        assert_eq!(t.rows[1][0], Cell::text("~IT skills of staff"));
        assert_eq!(
            t.notes,
            vec!["DIG = Digital infrastructure; SKL = IT skills of staff.".to_string()]
        );
        assert_eq!(w.outcome("PERF", false), "high e-service performance");
        assert_eq!(w.outcome("PERF", true), "low e-service performance");
        assert_eq!(w.outcome("X", true), "~X");
        assert_eq!(phrase("IT skills of staff"), "IT skills of staff");
        assert_eq!(w.axis("DIG"), "Digital infrastructure (DIG)");
    }
}
