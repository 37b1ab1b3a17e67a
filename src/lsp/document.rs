//! The language server's open scripts: a text checked by a session of its own, with the
//! diagnostics of every statement.
//!
//! Guarantees: a script is checked in the folder of its file (relative data paths resolve as
//! in `toe check`); any text gives a document, never a panic.

use crate::session::Session;
use std::path::PathBuf;

/// An open script: its text and the session that checked it.
pub struct Doc {
    pub text: String,
    pub session: Session,
    pub source: u32,
    pub diags: Vec<crate::diagnostics::Diag>,
    pub path: Option<PathBuf>,
}

/// The path of a `file://` URI.
pub fn uri_path(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    let mut bytes = Vec::with_capacity(rest.len());
    let b = rest.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).ok()?, 16) {
                bytes.push(v);
                i += 3;
                continue;
            }
        }
        bytes.push(b[i]);
        i += 1;
    }
    Some(PathBuf::from(String::from_utf8(bytes).ok()?))
}

/// Checks a text as the script at `uri`.
pub fn analyse(uri: &str, text: String) -> Doc {
    let path = uri_path(uri);
    let base = path
        .as_deref()
        .map(crate::files::folder_of)
        .unwrap_or_else(|| PathBuf::from("."));
    let mut session = Session::new(base);
    let name = path
        .as_ref()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| uri.to_string());
    let (source, diags) = session.check_all(&name, path.clone(), text.clone());
    Doc {
        text,
        session,
        source,
        diags,
        path,
    }
}
