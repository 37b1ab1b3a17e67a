//! The language server's transport over standard input and output: LSP's framing
//! (`Content-Length` headers, then JSON) read and written by two threads around an
//! `lsp-server` [`Connection`].
//!
//! Guarantees: a message is read only up to [`MAX_MESSAGE`] bytes and a header line only up to
//! [`MAX_HEADER_LINE`]: a larger, malformed or truncated message is refused with a line on
//! standard error and ends the server with status 1 (the stream's framing cannot be trusted
//! after it), never with an abort; a client that closes the stream at any point, the
//! handshake included, ends the server without a panic (the writer keeps draining what the
//! server sends, so a send never fails).

use lsp_server::{Connection, Message};
use std::io::{BufRead, Read, Write};

/// The largest message accepted (a script of a few megabytes is far below it).
pub const MAX_MESSAGE: usize = 64 << 20;
/// The longest header line accepted.
pub const MAX_HEADER_LINE: usize = 8 << 10;

/// Why a message could not be read.
#[derive(Debug, PartialEq)]
pub enum Refused {
    /// A header line too long, without CRLF, or not `Name: value`.
    Header(String),
    /// No `Content-Length`, or one that is not a number.
    Length(String),
    /// A `Content-Length` above [`MAX_MESSAGE`].
    TooLarge(u128),
    /// The stream ended inside a message.
    Truncated,
    /// The content is not a JSON-RPC message.
    Payload(String),
    Io(String),
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refused::Header(h) => write!(f, "expected a header line `Name: value`, found {h:?}"),
            Refused::Length(v) => write!(f, "expected a Content-Length in bytes, found {v:?}"),
            Refused::TooLarge(n) => write!(
                f,
                "expected a message of at most {MAX_MESSAGE} bytes, found Content-Length {n}"
            ),
            Refused::Truncated => write!(f, "expected the rest of the message, found its end"),
            Refused::Payload(e) => write!(f, "expected a JSON-RPC message, found: {e}"),
            Refused::Io(e) => write!(f, "expected to read standard input, found: {e}"),
        }
    }
}

/// Reads one message; `Ok(None)` at the end of the stream between messages.
pub fn read_message(r: &mut impl BufRead) -> Result<Option<Message>, Refused> {
    let mut length: Option<u128> = None;
    let mut first = true;
    loop {
        let mut line = Vec::new();
        let n = r
            .by_ref()
            .take(MAX_HEADER_LINE as u64 + 1)
            .read_until(b'\n', &mut line)
            .map_err(|e| Refused::Io(e.to_string()))?;
        if n == 0 {
            return if first {
                Ok(None)
            } else {
                Err(Refused::Truncated)
            };
        }
        first = false;
        let shown = || String::from_utf8_lossy(&line[..line.len().min(80)]).into_owned();
        if line.len() > MAX_HEADER_LINE || !line.ends_with(b"\r\n") {
            return Err(Refused::Header(shown()));
        }
        let text =
            std::str::from_utf8(&line[..line.len() - 2]).map_err(|_| Refused::Header(shown()))?;
        if text.is_empty() {
            break;
        }
        let (name, value) = text
            .split_once(':')
            .ok_or_else(|| Refused::Header(shown()))?;
        if name.trim().eq_ignore_ascii_case("Content-Length") {
            let v = value.trim();
            let n: u128 = v.parse().map_err(|_| Refused::Length(v.to_string()))?;
            length = Some(n);
        }
    }
    let n = length.ok_or_else(|| Refused::Length("no Content-Length header".into()))?;
    if n > MAX_MESSAGE as u128 {
        return Err(Refused::TooLarge(n));
    }
    let mut body = Vec::with_capacity(n as usize);
    r.by_ref()
        .take(n as u64)
        .read_to_end(&mut body)
        .map_err(|e| Refused::Io(e.to_string()))?;
    if body.len() < n as usize {
        return Err(Refused::Truncated);
    }
    serde_json::from_slice(&body)
        .map(Some)
        .map_err(|e| Refused::Payload(e.to_string()))
}

/// The threads around a stdio connection.
pub struct Threads {
    reader: std::thread::JoinHandle<Result<(), Refused>>,
    writer: std::thread::JoinHandle<()>,
}

impl Threads {
    /// Whether the reader refused a message (the exit status is then 1). Waits for the writer
    /// to send what the server said; does not wait for a reader still blocked on input.
    pub fn finish(self) -> bool {
        let _ = self.writer.join();
        if !self.reader.is_finished() {
            return true;
        }
        matches!(self.reader.join(), Ok(Ok(())))
    }
}

/// A connection on standard input and output.
pub fn stdio() -> (Connection, Threads) {
    let (server, client) = Connection::memory();
    let Connection {
        sender: to_server,
        receiver: from_server,
    } = client;
    let reader = std::thread::spawn(move || {
        let stdin = std::io::stdin();
        let mut input = stdin.lock();
        loop {
            match read_message(&mut input) {
                Ok(None) => return Ok(()),
                Ok(Some(msg)) => {
                    let exit = matches!(&msg, Message::Notification(n) if n.method == "exit");
                    if to_server.send(msg).is_err() || exit {
                        return Ok(());
                    }
                }
                Err(e) => {
                    let _ = writeln!(std::io::stderr(), "toe lsp: refused a message: {e}");
                    return Err(e);
                }
            }
        }
    });
    let writer = std::thread::spawn(move || {
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        let mut open = true;
        // Drains until the server is done, even after the client went away.
        for msg in from_server {
            if open && msg.write(&mut out).is_err() {
                open = false;
            }
        }
    });
    (server, Threads { reader, writer })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8]) -> Result<Option<Message>, Refused> {
        read_message(&mut std::io::Cursor::new(bytes.to_vec()))
    }

    #[test]
    fn refuses_what_it_cannot_frame() {
        assert!(matches!(
            read(b"Content-Length: 99999999999999\r\n\r\n{}"),
            Err(Refused::TooLarge(99999999999999))
        ));
        assert!(matches!(
            read(b"Content-Length: lots\r\n\r\n"),
            Err(Refused::Length(_))
        ));
        assert!(matches!(read(b"no colon\r\n\r\n"), Err(Refused::Header(_))));
        assert!(matches!(
            read(b"Content-Length: 5\n\n"),
            Err(Refused::Header(_))
        ));
        assert!(matches!(
            read(b"Content-Length: 50\r\n\r\n{}"),
            Err(Refused::Truncated)
        ));
        assert!(matches!(
            read(b"Content-Length: 2\r\n\r\n{}"),
            Err(Refused::Payload(_))
        ));
        let long = vec![b'x'; MAX_HEADER_LINE + 10];
        assert!(matches!(read(&long), Err(Refused::Header(_))));
        assert!(matches!(read(b""), Ok(None)));
        let m = br#"{"jsonrpc":"2.0","method":"exit"}"#;
        let framed = [format!("Content-Length: {}\r\n\r\n", m.len()).as_bytes(), m].concat();
        assert!(matches!(read(&framed), Ok(Some(Message::Notification(_)))));
    }
}
