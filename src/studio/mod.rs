//! `toe studio`: the study in a browser — a local web server (tiny_http) on 127.0.0.1 whose
//! one page (assets/studio/, compiled in) edits the script with the language server's
//! diagnostics, hover and completion, writes the script from clicks (`edit.rs`), shows the
//! data's columns (`data.rs`), runs the study and shows the report, and downloads it.
//!
//! Guarantees (docs/language.md#studio): the server listens on 127.0.0.1 only; every request
//! carries the random token of the opening address (`?token=` for the page, the
//! `X-Toe-Token` header for the rest) and a Host (and, when sent, an Origin) naming this
//! server, else it is refused with 403 before anything is read or written; only files inside
//! the study's folder are read, only the study's script is written (atomically) and an upload
//! never replaces a file; a malformed request gets a 4xx with a message; a script error is an
//! answer, never the end of the server.

pub mod data;
pub mod edit;

use crate::api::{Render, Study};
use crate::lsp::position::Pos;
use serde_json::{json, Value};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tiny_http::{Header, Method, Request, Response, Server};

/// The page, with its script and style; `__TOKEN__` and `__GRAMMAR__` are filled in.
const PAGE: &str = include_str!("../../assets/studio/index.html");
const SCRIPT: &str = include_str!("../../assets/studio/studio.js");
const STYLE: &str = include_str!("../../assets/studio/studio.css");
/// The editor grammar of the VS Code extension, for the page's highlighting.
const GRAMMAR: &str = include_str!("../../editors/vscode/syntaxes/toe.tmLanguage.json");

/// The largest request body read (an upload of a data file included).
const MAX_BODY: u64 = 64 * 1024 * 1024;

/// How the studio starts.
#[derive(Debug, Clone)]
pub struct Options {
    /// The study's script (created when saved if it does not exist).
    pub script: PathBuf,
    /// 0: any free port.
    pub port: u16,
}

/// A running studio: its address, its token, and the thread that serves it.
pub struct Studio {
    pub port: u16,
    pub token: String,
    server: Arc<Server>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Studio {
    /// The address that opens the page.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/?token={}", self.port, self.token)
    }

    /// Stops serving and waits for the server's thread.
    pub fn stop(mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    /// Serves until the process ends.
    pub fn wait(mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The server's state: where the study is, and the newest run (older ones are cancelled:
/// their answers are dropped).
struct State {
    script: PathBuf,
    folder: PathBuf,
    port: u16,
    token: String,
    generation: AtomicU64,
}

/// A random token (128 bits, hex).
fn token() -> Result<String, String> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).map_err(|e| format!("no random numbers for the token: {e}"))?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}

/// Starts the studio on 127.0.0.1 (the port of `options`, or a free one).
pub fn start(options: Options) -> Result<Studio, String> {
    let script = if options.script.is_absolute() {
        options.script.clone()
    } else {
        std::env::current_dir()
            .map_err(|e| e.to_string())?
            .join(&options.script)
    };
    let folder = crate::files::folder_of(&script);
    let folder = folder.canonicalize().unwrap_or(folder);
    let server = Server::http(("127.0.0.1", options.port))
        .map_err(|e| format!("cannot listen on 127.0.0.1:{}: {e}", options.port))?;
    let port = server
        .server_addr()
        .to_ip()
        .map(|a| a.port())
        .ok_or("the server has no address")?;
    let server = Arc::new(server);
    let state = Arc::new(State {
        script,
        folder,
        port,
        token: token()?,
        generation: AtomicU64::new(0),
    });
    let token = state.token.clone();
    let s = server.clone();
    let thread = std::thread::spawn(move || {
        for request in s.incoming_requests() {
            let state = state.clone();
            // each request in its own thread: a long run does not hold the editor's checks
            std::thread::spawn(move || handle(&state, request));
        }
    });
    Ok(Studio {
        port,
        token,
        server,
        thread: Some(thread),
    })
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes())
        .unwrap_or_else(|_| Header::from_bytes(&b"X-Toe"[..], &b"1"[..]).expect("a plain header"))
}

/// Every answer: no caching, no framing by other sites, no guessing of types.
fn respond(request: Request, status: u16, kind: &str, body: Vec<u8>, extra: &[(&str, String)]) {
    let mut r = Response::from_data(body)
        .with_status_code(status)
        .with_header(header("Content-Type", kind))
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("X-Content-Type-Options", "nosniff"))
        .with_header(header("X-Frame-Options", "DENY"))
        .with_header(header("Referrer-Policy", "no-referrer"));
    for (k, v) in extra {
        r = r.with_header(header(k, v));
    }
    let _ = request.respond(r);
}

fn json_answer(request: Request, status: u16, v: &Value) {
    respond(
        request,
        status,
        "application/json; charset=utf-8",
        v.to_string().into_bytes(),
        &[],
    );
}

fn refuse(request: Request, status: u16, message: &str) {
    json_answer(request, status, &json!({ "error": message }));
}

/// The value of a request header.
fn get_header<'a>(r: &'a Request, name: &'static str) -> Option<&'a str> {
    r.headers()
        .iter()
        .find(|h| h.field.equiv(name))
        .map(|h| h.value.as_str())
}

/// The value of a query parameter.
fn query<'a>(url: &'a str, key: &str) -> Option<&'a str> {
    let q = url.split_once('?')?.1;
    q.split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v)
}

/// Why a request is refused before it is served, if it is.
fn forbidden(state: &State, r: &Request) -> Option<&'static str> {
    let hosts = [
        format!("127.0.0.1:{}", state.port),
        format!("localhost:{}", state.port),
    ];
    match get_header(r, "Host") {
        Some(h) if hosts.iter().any(|x| x == h) => {}
        _ => return Some("expected the Host of this studio (127.0.0.1), found another"),
    }
    if let Some(o) = get_header(r, "Origin") {
        if !hosts.iter().any(|h| o == format!("http://{h}")) {
            return Some("expected a request from the studio's own page, found another origin");
        }
    }
    let given = get_header(r, "X-Toe-Token").or_else(|| query(r.url(), "token"));
    if given != Some(state.token.as_str()) {
        return Some(
            "expected the studio's token (the address the studio printed), found none or another",
        );
    }
    None
}

/// The request body, at most [`MAX_BODY`] bytes.
fn body(r: &mut Request) -> Result<Vec<u8>, &'static str> {
    let mut b = Vec::new();
    r.as_reader()
        .take(MAX_BODY + 1)
        .read_to_end(&mut b)
        .map_err(|_| "the request's body could not be read")?;
    if b.len() as u64 > MAX_BODY {
        return Err("expected a body of at most 64 MB, found more");
    }
    Ok(b)
}

/// The JSON body, or why not.
fn json_body(r: &mut Request) -> Result<Value, String> {
    let b = body(r)?;
    serde_json::from_slice(&b).map_err(|e| format!("expected a JSON body, found: {e}"))
}

fn text_of(v: &Value) -> String {
    v["text"].as_str().unwrap_or_default().to_string()
}

fn handle(state: &State, mut request: Request) {
    if let Some(why) = forbidden(state, &request) {
        return refuse(request, 403, why);
    }
    let path = request.url().split('?').next().unwrap_or("").to_string();
    let method = request.method().clone();
    match (method, path.as_str()) {
        (Method::Get, "/") => {
            let page = PAGE
                .replace("__STYLE__", STYLE)
                .replace("__SCRIPT__", SCRIPT)
                .replace("__GRAMMAR__", GRAMMAR)
                .replace("__TOKEN__", &state.token);
            respond(request, 200, "text/html; charset=utf-8", page.into_bytes(), &[(
                "Content-Security-Policy",
                "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data: blob:; frame-src 'self' data: blob:; object-src 'none'; base-uri 'none'".to_string(),
            )]);
        }
        (Method::Get, "/api/study") => {
            let text = std::fs::read_to_string(&state.script).unwrap_or_default();
            let name = state
                .script
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            json_answer(
                request,
                200,
                &json!({ "name": name, "text": text, "exists": state.script.exists(),
                          "files": data::list(&state.folder), "version": crate::api::version() }),
            );
        }
        (Method::Post, route) => {
            let v = match json_body(&mut request) {
                Ok(v) => v,
                Err(e) => return refuse(request, 400, &e),
            };
            match post(state, route, &v) {
                Ok(Answer::Json(j)) => json_answer(request, 200, &j),
                Ok(Answer::File(name, kind, bytes)) => respond(
                    request,
                    200,
                    kind,
                    bytes,
                    &[(
                        "Content-Disposition",
                        format!("attachment; filename=\"{name}\""),
                    )],
                ),
                Err((status, message)) => refuse(request, status, &message),
            }
        }
        (Method::Put, "/api/upload") => upload(state, request),
        _ => refuse(
            request,
            404,
            "expected a request of the studio's page, found another",
        ),
    }
}

enum Answer {
    Json(Value),
    /// A download: its name, its type, its bytes.
    File(String, &'static str, Vec<u8>),
}

type Reply = Result<Answer, (u16, String)>;

fn post(state: &State, route: &str, v: &Value) -> Reply {
    let text = text_of(v);
    match route {
        // the language server's answers on the text as it is typed
        "/api/check" => {
            let doc = lsp_doc(state, &text);
            Ok(Answer::Json(json!({
                "diagnostics": crate::lsp::features::diagnostics(&doc),
            })))
        }
        "/api/hover" | "/api/complete" => {
            let pos = Pos {
                line: v["line"].as_u64().unwrap_or(0) as usize,
                character: v["character"].as_u64().unwrap_or(0) as usize,
            };
            let doc = lsp_doc(state, &text);
            Ok(Answer::Json(if route == "/api/hover" {
                crate::lsp::features::hover(&doc, pos)
            } else {
                crate::lsp::features::completion(&doc, pos)
            }))
        }
        "/api/model" => Ok(Answer::Json(match edit::model(&text) {
            Ok(m) => m,
            Err(e) => json!({ "error": e.0 }),
        })),
        "/api/sets" => Ok(Answer::Json(sets(state, &text))),
        "/api/edit" => {
            let e: edit::Edit = serde_json::from_value(v["edit"].clone())
                .map_err(|e| (400, format!("expected an edit, found: {e}")))?;
            match edit::apply(&text, &e) {
                Ok(t) => Ok(Answer::Json(json!({ "text": t }))),
                Err(r) => Err((422, r.0)),
            }
        }
        "/api/columns" => {
            let rel = v["path"].as_str().unwrap_or_default();
            data::columns(&state.folder, rel)
                .map(Answer::Json)
                .map_err(|e| (422, e))
        }
        "/api/save" => {
            crate::files::write_atomically(
                &state.script,
                text.as_bytes(),
                crate::files::Folder::MustExist,
            )
            .map_err(|e| (500, format!("the script could not be written: {e}")))?;
            Ok(Answer::Json(
                json!({ "saved": state.script.display().to_string() }),
            ))
        }
        "/api/run" => {
            let generation = state.generation.fetch_add(1, Ordering::SeqCst) + 1;
            let started = std::time::Instant::now();
            let r = Study::from_text(text.clone(), &state.folder).run();
            if state.generation.load(Ordering::SeqCst) != generation {
                return Ok(Answer::Json(json!({ "cancelled": true })));
            }
            Ok(Answer::Json(match r {
                Ok(mut run) => {
                    let report = run
                        .report(crate::check::plan::Format::Html)
                        .map(|b| String::from_utf8_lossy(&b).to_string())
                        .unwrap_or_else(|e| format!("<pre>{e}</pre>"));
                    json!({ "ok": true, "report": report, "tables": run.render(Render::Html),
                            "json": run.json(), "millis": started.elapsed().as_millis() as u64,
                            "warnings": run.warnings().iter().map(|w| json!({ "code": w.code, "message": w.message, "line": w.line })).collect::<Vec<_>>() })
                }
                Err(e) => json!({ "ok": false, "diagnostics": e.diagnostics.iter().map(|d| json!({
                    "code": d.code, "message": d.message, "help": d.help, "line": d.line, "column": d.column, "severity": d.severity })).collect::<Vec<_>>() }),
            }))
        }
        "/api/cancel" => {
            state.generation.fetch_add(1, Ordering::SeqCst);
            Ok(Answer::Json(json!({ "cancelled": true })))
        }
        "/api/report" => {
            let ext = v["format"].as_str().unwrap_or("html");
            let format = crate::check::plan::Format::of_path(Path::new(&format!("r.{ext}")))
                .filter(|f| f.is_report())
                .ok_or((
                    400,
                    format!("expected html, docx, tex or md, found `{ext}`"),
                ))?;
            let bytes = Study::from_text(text, &state.folder)
                .run()
                .and_then(|mut r| r.report(format))
                .map_err(|e| (422, e.to_string()))?;
            let kind = match ext {
                "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "html" => "text/html; charset=utf-8",
                _ => "text/plain; charset=utf-8",
            };
            Ok(Answer::File(format!("report.{ext}"), kind, bytes))
        }
        "/api/download_script" => {
            // the script, and the data files' hashes after it (reproducibility)
            let mut out = text.clone();
            if let Ok(m) = edit::model(&text) {
                if let Some(p) = m["data"]["path"].as_str() {
                    if let Some(file) = data::inside(&state.folder, p) {
                        if let Ok(bytes) = std::fs::read(&file) {
                            if !out.ends_with('\n') {
                                out.push('\n');
                            }
                            out.push_str(&format!(
                                "# data: {p}, SHA-256 {}\n",
                                crate::files::sha256_hex(&bytes)
                            ));
                        }
                    }
                }
            }
            let name = state
                .script
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_else(|| "study.toe".into());
            Ok(Answer::File(
                name,
                "text/plain; charset=utf-8",
                out.into_bytes(),
            ))
        }
        _ => Err((
            404,
            "expected a request of the studio's page, found another".into(),
        )),
    }
}

/// The language server's view of a text, as if it were the study's script.
fn lsp_doc(state: &State, text: &str) -> crate::lsp::Doc {
    let uri = format!("file://{}", state.script.display());
    crate::lsp::analyse(&uri, text.to_string())
}

/// Each declared set's raw values and memberships (for the calibration plots), from a check
/// of the script.
fn sets(state: &State, text: &str) -> Value {
    let mut study = Study::from_text(text.to_string(), &state.folder);
    let diags = study.check();
    let s = study.session();
    let sets: Vec<Value> = s
        .scope()
        .sets
        .iter()
        .map(|x| {
            let num = |v: &f64| if v.is_nan() { Value::Null } else { json!(v) };
            json!({ "name": x.name, "role": x.role.as_str(), "column": x.column,
                    "raw": x.raw.iter().map(num).collect::<Vec<_>>(),
                    "membership": x.membership.as_ref().map(|m| m.iter().map(num).collect::<Vec<_>>()),
                    "anchors": x.calibration.as_ref().map(|c| c.anchors.iter().map(|(n, v, p)| json!({ "name": n, "value": v, "percentile": p })).collect::<Vec<_>>()) })
        })
        .collect();
    json!({ "sets": sets, "errors": diags.iter().filter(|d| d.severity == "error").count() })
}

/// `PUT /api/upload?name=FILE`: a data file into the study's folder, never over another.
fn upload(state: &State, mut request: Request) {
    let name = query(request.url(), "name").unwrap_or("").to_string();
    let name = name.replace("%20", " ");
    let plain = !name.is_empty()
        && !name.contains(['/', '\\', '%'])
        && !name.starts_with('.')
        && name.rsplit('.').next().is_some_and(|x| {
            ["csv", "tsv", "txt", "xlsx", "xls", "ods", "sav", "dta"]
                .contains(&x.to_lowercase().as_str())
        });
    if !plain {
        return refuse(
            request,
            400,
            "expected a data file name such as data.csv (no folder), found another",
        );
    }
    let target = state.folder.join(&name);
    if target.exists() {
        return refuse(
            request,
            409,
            &format!("expected a new file name, found `{name}` in the study's folder (it is not replaced)"),
        );
    }
    let bytes = match body(&mut request) {
        Ok(b) => b,
        Err(e) => return refuse(request, 413, e),
    };
    match crate::files::write_atomically(&target, &bytes, crate::files::Folder::MustExist) {
        Ok(()) => json_answer(request, 200, &json!({ "path": name })),
        Err(e) => refuse(request, 500, &format!("the file could not be written: {e}")),
    }
}

/// `toe studio`: serves until interrupted; prints the address and opens the browser.
pub fn serve(script: Option<PathBuf>, port: u16, browser: bool) -> u8 {
    let script = script.unwrap_or_else(|| PathBuf::from("study.toe"));
    let studio = match start(Options { script, port }) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("toe studio: {e}");
            return 1;
        }
    };
    let url = studio.url();
    println!("toe studio: {url}");
    println!("(Ctrl-C stops it; the address holds the token that every request needs)");
    if browser {
        open_browser(&url);
    }
    studio.wait();
    0
}

/// Opens the address in the system's browser (xdg-open, open, start).
fn open_browser(url: &str) {
    let mut cmd = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    let _ = cmd
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
}
