//! The driver for editors, `toe lsp`: a Language Server over stdio (the `lsp-server` crate)
//! that serves what `toe check` knows while the researcher types — diagnostics, hover,
//! completion, go to definition and quick fixes.
//!
//! Guarantees: every open script is checked as `toe check` checks it, but past a failing
//! statement (`Session::check_all`), at open and at every change; diagnostics carry the same
//! codes, messages and help; data files are read once and again only when they change
//! (`files::cache_data`); a request the server does not know gets an error response, a
//! malformed request never stops the server, a message that cannot be framed ends it with
//! status 1 ([`transport`]); positions are LSP's (lines, UTF-16 units).

mod document;
pub mod features;
pub mod position;
pub mod transport;

pub use document::{analyse, uri_path, Doc};

use lsp_server::{Connection, Message, Notification, Request, Response};
use serde_json::{json, Value};
use std::collections::HashMap;

/// The server's capabilities.
fn capabilities() -> Value {
    json!({
        "textDocumentSync": 1,
        "hoverProvider": true,
        "completionProvider": { "triggerCharacters": [" ", "{", "(", ","] },
        "definitionProvider": true,
        "codeActionProvider": true,
        "documentFormattingProvider": true,
    })
}

/// Serves on standard input and output until the client says exit.
pub fn serve_stdio() -> u8 {
    let (conn, threads) = transport::stdio();
    let code = serve(&conn);
    drop(conn);
    if !threads.finish() {
        return 1;
    }
    code
}

/// Serves on a connection: initialize, then requests and notifications until exit.
pub fn serve(conn: &Connection) -> u8 {
    crate::files::cache_data();
    let Ok((id, _params)) = conn.initialize_start() else {
        return 1;
    };
    let result = json!({
        "capabilities": capabilities(),
        "serverInfo": { "name": "toe", "version": env!("CARGO_PKG_VERSION") },
    });
    if conn.initialize_finish(id, result).is_err() {
        return 1;
    }
    let mut docs: HashMap<String, Doc> = HashMap::new();
    for msg in &conn.receiver {
        match msg {
            Message::Request(req) => {
                if conn.handle_shutdown(&req).unwrap_or(true) {
                    return 0;
                }
                let id = req.id.clone();
                let resp = match request(&docs, req) {
                    Ok(v) => Response::new_ok(id, v),
                    Err((code, m)) => Response::new_err(id, code, m),
                };
                if conn.sender.send(Message::Response(resp)).is_err() {
                    return 1;
                }
            }
            Message::Notification(n) => {
                if let Some((uri, published)) = notification(&mut docs, n) {
                    let note = Notification::new(
                        "textDocument/publishDiagnostics".into(),
                        json!({ "uri": uri, "diagnostics": published }),
                    );
                    if conn.sender.send(Message::Notification(note)).is_err() {
                        return 1;
                    }
                }
            }
            Message::Response(_) => {}
        }
    }
    0
}

/// Opens, changes and closes; gives the diagnostics to publish.
fn notification(docs: &mut HashMap<String, Doc>, n: Notification) -> Option<(String, Value)> {
    let p = &n.params;
    let uri = p["textDocument"]["uri"].as_str()?.to_string();
    let text = match n.method.as_str() {
        "textDocument/didOpen" => p["textDocument"]["text"].as_str()?.to_string(),
        "textDocument/didChange" => {
            // Full synchronisation: the last change holds the whole text.
            p["contentChanges"].as_array()?.last()?["text"]
                .as_str()?
                .to_string()
        }
        "textDocument/didSave" => docs.get(&uri)?.text.clone(),
        "textDocument/didClose" => {
            docs.remove(&uri);
            return Some((uri, json!([])));
        }
        _ => return None,
    };
    let doc = analyse(&uri, text);
    let published = features::diagnostics(&doc);
    docs.insert(uri.clone(), doc);
    Some((uri, published))
}

/// A request's result, or (error code, message).
fn request(docs: &HashMap<String, Doc>, req: Request) -> Result<Value, (i32, String)> {
    let p = &req.params;
    let uri = p["textDocument"]["uri"].as_str().unwrap_or_default();
    let doc = docs.get(uri);
    let at = || position::Pos::from_json(&p["position"]);
    match req.method.as_str() {
        "textDocument/hover" => Ok(match (doc, at()) {
            (Some(d), Some(pos)) => features::hover(d, pos),
            _ => Value::Null,
        }),
        "textDocument/completion" => Ok(match (doc, at()) {
            (Some(d), Some(pos)) => features::completion(d, pos),
            _ => json!([]),
        }),
        "textDocument/definition" => Ok(match (doc, at()) {
            (Some(d), Some(pos)) => features::definition(d, uri, pos),
            _ => Value::Null,
        }),
        "textDocument/codeAction" => Ok(match doc {
            Some(d) => features::code_actions(d, uri),
            None => json!([]),
        }),
        "textDocument/formatting" => Ok(match doc {
            Some(d) => features::formatting(d),
            None => Value::Null,
        }),
        other => Err((-32601, format!("toe lsp does not serve `{other}`"))),
    }
}
