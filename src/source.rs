//! Stage 0, sources: every text the interpreter reads (scripts, `use`d files, the standard
//! library) gets an id in a [`SourceMap`]; a [`Span`] is a byte range in one of them.
//!
//! Guarantees: spans are plain data (diagnostics hold spans only); the map supplies the text
//! when a diagnostic is rendered, so every file's diagnostics point at their own text.

use std::path::PathBuf;

/// The standard library's source id (its modules are registered first).
pub const STDLIB_ID: u32 = 0;

/// The standard library, written in the language itself and embedded: (module, text).
pub const STDLIB: [(&str, &str); 3] = [
    ("frameworks", include_str!("../stdlib/frameworks.toe")),
    ("calibration", include_str!("../stdlib/calibration.toe")),
    ("robustness", include_str!("../stdlib/robustness.toe")),
];

/// A byte range `start..end` in the source `source`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Span {
    pub source: u32,
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(source: u32, start: usize, end: usize) -> Self {
        Span { source, start, end }
    }
    /// The smallest span covering both.
    pub fn join(self, other: Span) -> Span {
        Span {
            source: self.source,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(s: Span) -> Self {
        (s.start, s.len()).into()
    }
}

/// One text: its display name, where it lives (if on disk) and its content.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    pub path: Option<PathBuf>,
    pub text: String,
}

/// The text with every lone carriage return (a line end of classic Mac OS files, not followed
/// by a line feed) made a line feed. The byte length is unchanged, so spans hold for both.
pub fn line_ends(text: &str) -> std::borrow::Cow<'_, str> {
    let b = text.as_bytes();
    let lone = |i: usize| b[i] == b'\r' && b.get(i + 1) != Some(&b'\n');
    if !(0..b.len()).any(lone) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        out.push(if c == '\r' && lone(i) { '\n' } else { c });
    }
    std::borrow::Cow::Owned(out)
}

/// All sources seen by one interpreter session.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn new() -> Self {
        let mut map = SourceMap { files: Vec::new() };
        // id 0 is reserved for the standard library.
        map.files.push(SourceFile {
            name: "<std>".into(),
            path: None,
            text: String::new(),
        });
        map
    }

    /// Registers a text and returns its id (a lone carriage return, as old Mac files end
    /// their lines, becomes a line feed: see [`line_ends`]).
    pub fn add(&mut self, name: impl Into<String>, path: Option<PathBuf>, text: String) -> u32 {
        let text = match line_ends(&text) {
            std::borrow::Cow::Borrowed(_) => text,
            std::borrow::Cow::Owned(t) => t,
        };
        self.files.push(SourceFile {
            name: name.into(),
            path,
            text,
        });
        (self.files.len() - 1) as u32
    }

    pub fn get(&self, id: u32) -> Option<&SourceFile> {
        self.files.get(id as usize)
    }

    /// The text under a span, or "" if the span is out of range.
    pub fn slice(&self, span: Span) -> &str {
        self.get(span.source)
            .and_then(|f| f.text.get(span.start..span.end))
            .unwrap_or("")
    }

    /// The id of a file already registered under this path, if any.
    pub fn find_path(&self, path: &std::path::Path) -> Option<u32> {
        self.files
            .iter()
            .position(|f| f.path.as_deref() == Some(path))
            .map(|i| i as u32)
    }
}
