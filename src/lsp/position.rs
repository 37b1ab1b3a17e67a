//! The language server's positions: LSP's (line, UTF-16 unit) against byte offsets of a text.
//!
//! Guarantees: total functions — a position past a line's end or the text's end clamps to it;
//! never panics on any text.

use serde_json::{json, Value};

/// A position as LSP gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    pub line: usize,
    pub character: usize,
}

impl Pos {
    pub fn from_json(v: &Value) -> Option<Pos> {
        Some(Pos {
            line: v["line"].as_u64()? as usize,
            character: v["character"].as_u64()? as usize,
        })
    }
}

/// The byte offset of a position.
pub fn offset(text: &str, pos: Pos) -> usize {
    let mut start = 0;
    for (k, line) in text.split_inclusive('\n').enumerate() {
        if k == pos.line {
            let mut units = 0;
            for (i, c) in line.char_indices() {
                if units >= pos.character || c == '\n' {
                    return start + i;
                }
                units += c.len_utf16();
            }
            return start + line.trim_end_matches('\n').len();
        }
        start += line.len();
    }
    text.len()
}

/// The LSP position of a byte offset.
pub fn position(text: &str, offset: usize) -> Value {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count();
    let col_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let character: usize = before[col_start..].chars().map(char::len_utf16).sum();
    json!({ "line": line, "character": character })
}

/// The LSP range of a byte range.
pub fn range(text: &str, start: usize, end: usize) -> Value {
    json!({ "start": position(text, start), "end": position(text, end.max(start)) })
}

/// The word (identifier characters) around a byte offset, with its byte range.
pub fn word_at(text: &str, offset: usize) -> Option<(&str, usize, usize)> {
    let is = |c: char| c.is_alphanumeric() || c == '_' || c == '.';
    let offset = offset.min(text.len());
    let start = text[..offset]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is(*c))
        .last()
        .map(|(i, _)| i)
        .unwrap_or(offset);
    let end = text[offset..]
        .char_indices()
        .find(|(_, c)| !is(*c))
        .map(|(i, _)| offset + i)
        .unwrap_or(text.len());
    (end > start).then(|| (&text[start..end], start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_and_positions_round_trip() {
        let t = "ab\nc€d\n";
        let p = Pos {
            line: 1,
            character: 2,
        };
        assert_eq!(offset(t, p), 3 + 1 + 3);
        assert_eq!(position(t, 7), json!({"line": 1, "character": 2}));
        assert_eq!(
            offset(
                t,
                Pos {
                    line: 9,
                    character: 0
                }
            ),
            t.len()
        );
        assert_eq!(word_at("show x of nec", 11), Some(("nec", 10, 13)));
        assert_eq!(word_at("a  b", 2), None);
    }
}
