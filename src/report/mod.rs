//! Stage 5, the report: tables for the terminal and the JSON document of OUTPUT.md.
//!
//! Guarantees: numbers are rounded only here, when printed (3 decimals in tables); the JSON
//! keeps full precision. Output is deterministic: the same results give the same bytes.

pub mod json;
pub mod plot;

/// A number as printed in messages: shortest round-trip form, integers without ".0".
pub fn num(v: f64) -> String {
    crate::engine::data::format_number(v)
}

/// A statistic in a table: 3 decimals, "NA" for a missing value.
pub fn fixed3(v: f64) -> String {
    if v.is_nan() {
        "NA".into()
    } else {
        format!("{v:.3}")
    }
}

/// Alignment of a column.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// A plain text table: a header row, then rows; columns padded to the widest cell.
pub struct TextTable {
    pub headers: Vec<String>,
    pub align: Vec<Align>,
    pub rows: Vec<Vec<String>>,
}

impl TextTable {
    pub fn new(headers: Vec<String>, align: Vec<Align>) -> Self {
        TextTable {
            headers,
            align,
            rows: Vec::new(),
        }
    }

    pub fn render(&self, indent: &str) -> String {
        let ncol = self.headers.len();
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.chars().count()).collect();
        for r in &self.rows {
            for (j, c) in r.iter().enumerate().take(ncol) {
                widths[j] = widths[j].max(c.chars().count());
            }
        }
        let line = |cells: &[String]| -> String {
            let mut s = String::from(indent);
            for (j, w) in widths.iter().enumerate() {
                let c = cells.get(j).map(|s| s.as_str()).unwrap_or("");
                let pad = w - c.chars().count().min(*w);
                let right = self.align.get(j).copied() == Some(Align::Right);
                if j > 0 {
                    s.push_str("  ");
                }
                if right {
                    s.push_str(&" ".repeat(pad));
                    s.push_str(c);
                } else {
                    s.push_str(c);
                    if j + 1 < ncol {
                        s.push_str(&" ".repeat(pad));
                    }
                }
            }
            s.trim_end().to_string() + "\n"
        };
        let mut out = line(&self.headers);
        let total: usize = widths.iter().sum::<usize>() + 2 * ncol.saturating_sub(1);
        out.push_str(indent);
        out.push_str(&"-".repeat(total));
        out.push('\n');
        for r in &self.rows {
            out.push_str(&line(r));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn table_aligns() {
        let mut t = TextTable::new(
            vec!["a".into(), "value".into()],
            vec![Align::Left, Align::Right],
        );
        t.rows.push(vec!["long".into(), "1".into()]);
        assert_eq!(t.render(""), "a     value\n-----------\nlong      1\n");
        assert_eq!(fixed3(0.12345), "0.123");
        assert_eq!(num(3.0), "3");
        assert_eq!(num(0.25), "0.25");
    }
}
