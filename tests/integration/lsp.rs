//! `toe lsp` spoken to as an editor does: JSON-RPC over the binary's standard input and
//! output. A script with three errors gives three diagnostics with their codes and ranges;
//! fixing one by a change gives two; hover on a set shows its anchors; completion after
//! `calibrate { ` offers the set names; definition of a set jumps to its line; a quick fix
//! replaces R's option; the data file is read once while only the script changes.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

struct Client {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    next: u64,
}

impl Client {
    fn start() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_toe"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("toe lsp");
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Client {
            child,
            stdin,
            stdout,
            next: 1,
        }
    }

    /// A server past `initialize` and `initialized`, with the capabilities it answered.
    fn initialized() -> (Client, Value) {
        let mut c = Client::start();
        let init = c.request(
            "initialize",
            json!({ "processId": null, "rootUri": null, "capabilities": {} }),
        );
        c.notify("initialized", json!({}));
        (c, init)
    }

    fn send(&mut self, msg: Value) {
        let body = msg.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn read(&mut self) -> Value {
        let mut len = 0usize;
        loop {
            let mut line = String::new();
            assert!(
                self.stdout.read_line(&mut line).unwrap() > 0,
                "server closed"
            );
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Length: ") {
                len = v.parse().unwrap();
            }
        }
        let mut body = vec![0u8; len];
        self.stdout.read_exact(&mut body).unwrap();
        serde_json::from_slice(&body).unwrap()
    }

    /// Sends a request and returns its result (skipping notifications in between).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next;
        self.next += 1;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let m = self.read();
            if m["id"] == id {
                return m["result"].clone();
            }
        }
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// The next diagnostics published.
    fn diagnostics(&mut self) -> Vec<Value> {
        loop {
            let m = self.read();
            if m["method"] == "textDocument/publishDiagnostics" {
                return m["params"]["diagnostics"].as_array().unwrap().clone();
            }
        }
    }

    fn stop(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let status = self.child.wait().unwrap();
        assert!(status.success());
    }
}

const SCRIPT: &str = r#"data p = csv("provinces.csv", id = province)
conditions {
  WEB = website_reduction  "Government website intensification"
  FIS = fiscal_revenue_pc
}
outcome SG = online_service_index
calibrate { * direct(e = p10, c = p45, i = p90) }
index BAD = mean(no_such_column, gdp_pc)
fsqca f: SG given WEB, FIS { incl.cut >= 0.8 }
show truth_table of nothing
"#;

/// A folder holding the provinces' data, and the URI of a script in it.
fn provinces() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/provinces.csv"),
        dir.path().join("provinces.csv"),
    )
    .unwrap();
    let uri = format!("file://{}/study.toe", dir.path().display());
    (dir, uri)
}

fn codes(d: &[Value]) -> Vec<String> {
    d.iter()
        .map(|x| x["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_language_server_serves_a_study() {
    let (_dir, uri) = provinces();
    let (mut c, init) = Client::initialized();
    assert_eq!(init["capabilities"]["hoverProvider"], true);

    // Three errors, in three statements: their codes and ranges.
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "toe", "version": 1, "text": SCRIPT } }),
    );
    let d = c.diagnostics();
    assert_eq!(
        codes(&d),
        [
            "toe::check::unknown_column",
            "toe::check::r_option",
            "toe::check::unknown_analysis"
        ],
        "{d:#?}"
    );
    // `no_such_column` on line 8 (0-based 7), from character 17.
    assert_eq!(
        d[0]["range"],
        json!({ "start": { "line": 7, "character": 17 }, "end": { "line": 7, "character": 31 } })
    );
    assert_eq!(
        d[1]["range"],
        json!({ "start": { "line": 8, "character": 29 }, "end": { "line": 8, "character": 37 } })
    );
    assert_eq!(
        d[2]["range"]["start"],
        json!({ "line": 9, "character": 20 })
    );
    assert!(d[1]["message"]
        .as_str()
        .unwrap()
        .contains("help: toe writes"));

    // A quick fix for R's option.
    let actions = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": d[1]["range"], "context": { "diagnostics": [] } }),
    );
    let fix = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "replace with `consistency`")
        .expect("a quick fix for incl.cut");
    assert_eq!(fix["edit"]["changes"][&uri][0]["range"], d[1]["range"]);

    // Fix one error by a change: two left. The data is not read again.
    let fixed = SCRIPT.replace("no_such_column", "broadband_ratio");
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [ { "text": fixed } ] }),
    );
    let d = c.diagnostics();
    assert_eq!(
        codes(&d),
        ["toe::check::r_option", "toe::check::unknown_analysis"]
    );

    // Hover on a set: column, label, resolved anchors, memberships.
    let hover = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 2, "character": 3 } }),
    );
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.contains("**WEB** — condition"), "{text}");
    assert!(
        text.contains("Government website intensification"),
        "{text}"
    );
    assert!(
        text.contains("e = ") && text.contains("(p10)") && text.contains("(p45)"),
        "{text}"
    );
    assert!(text.contains("median"), "{text}");
    // Hover on an option.
    let hover = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 0, "character": 10 } }),
    );
    assert!(hover["contents"]["value"].as_str().unwrap().contains("CSV"));

    // Completion after `calibrate { `: the set names.
    let items = c.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 6, "character": 12 } }),
    );
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert!(labels.contains(&"WEB") && labels.contains(&"FIS") && labels.contains(&"SG"));
    assert!(!labels.contains(&"fsqca"), "{labels:?}");

    // Definition of a set (used on line 9) jumps to its declaration on line 3.
    let def = c.request(
        "textDocument/definition",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 8, "character": 19 } }),
    );
    assert_eq!(def["uri"], uri);
    assert_eq!(def["range"]["start"]["line"], 2);

    // An unknown request is an error, and the server goes on.
    c.send(json!({ "jsonrpc": "2.0", "id": 99, "method": "toe/nothing", "params": {} }));
    loop {
        let m = c.read();
        if m["id"] == 99 {
            assert_eq!(m["error"]["code"], -32601);
            break;
        }
    }
    c.stop();
}

#[test]
fn the_data_is_read_once_while_only_the_script_changes() {
    let (dir, uri) = provinces();
    toe::files::cache_data();
    let reads = toe::files::data_reads();
    let a = toe::lsp::analyse(&uri, SCRIPT.to_string());
    assert_eq!(a.diags.len(), 3);
    let b = toe::lsp::analyse(&uri, SCRIPT.replace("no_such_column", "gdp_pc"));
    assert_eq!(b.diags.len(), 2);
    assert_eq!(toe::files::data_reads(), reads + 1, "read once");
    // A changed file is read again.
    let mut text = std::fs::read_to_string(dir.path().join("provinces.csv")).unwrap();
    text.push_str("Extra,1,0.5,10,0.5,0.5,8,10,60\n");
    std::fs::write(dir.path().join("provinces.csv"), text).unwrap();
    let c = toe::lsp::analyse(&uri, SCRIPT.to_string());
    assert_eq!(
        toe::files::data_reads(),
        reads + 2,
        "read again after a change"
    );
    assert_eq!(c.session.scope().data.as_ref().unwrap().table.rows(), 32);
}

#[test]
fn the_editor_grammar_and_the_vocabulary_agree() {
    use toe::syntax::vocabulary::{Kind, WORDS};
    let g: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/editors/vscode/syntaxes/toe.tmLanguage.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let pattern = |rule: &str| g["repository"][rule]["match"].as_str().unwrap().to_string();
    let listed = |rule: &str, word: &str| {
        pattern(rule)
            .split(['(', ')', '|'])
            .any(|w| w.trim_start_matches("\\b") == word)
    };
    for (w, k, _) in WORDS {
        let rule = match k {
            Kind::Keyword => "keyword",
            Kind::Statement => "statement",
            Kind::Function => "function",
            Kind::Option => "option",
            Kind::Value => "value",
        };
        assert!(listed(rule, w), "`{w}` is not in the grammar's {rule} rule");
    }
}

/// A folder with a small data file and a script, checked as the server checks it.
fn checked(dir: &std::path::Path, script: &str) -> (String, toe::lsp::Doc) {
    std::fs::write(
        dir.join("d.csv"),
        "case,x,y,k\na,0.2,0.5,1\nb,1.4,0.3,1\nc,0.6,0.9,1\n",
    )
    .unwrap();
    std::fs::write(dir.join("common.toe"), "framework mine { alpha beta }\n").unwrap();
    let uri = format!("file://{}/study.toe", dir.display());
    let doc = toe::lsp::analyse(&uri, script.to_string());
    (uri, doc)
}

fn doc_codes(doc: &toe::lsp::Doc) -> Vec<&str> {
    doc.diags.iter().map(|d| d.code).collect()
}

#[test]
fn diagnostics_know_the_data() {
    let dir = tempfile::tempdir().unwrap();
    // Values outside [0, 1] under `fuzzy`; percentile anchors of a constant column.
    let (_, doc) = checked(
        dir.path(),
        "data d = csv(\"d.csv\", id = case)\nconditions { X = x }\ncalibrate { X fuzzy }\n",
    );
    assert_eq!(doc_codes(&doc), ["toe::check::fuzzy_out_of_range"]);
    let (_, doc) = checked(
        dir.path(),
        "data d = csv(\"d.csv\", id = case)\nconditions { K = k }\ncalibrate { K direct(e = p25, c = p50, i = p75) }\n",
    );
    assert_eq!(doc_codes(&doc), ["toe::data::constant_column"]);
}

#[test]
fn quick_fix_for_did_you_mean_and_definitions() {
    use serde_json::Value;
    let dir = tempfile::tempdir().unwrap();
    let script = "use \"common.toe\"\ndata d = csv(\"d.csv\", id = case)\nconditions { X = x }\noutcome Y = y\ncalibrate { * crisp(at = 0.5) }\nfsqca f: Y given X { consistency >= 0.8 }\nshow truth_table of ff\n";
    let (uri, doc) = checked(dir.path(), script);
    assert_eq!(doc_codes(&doc), ["toe::check::unknown_analysis"]);
    // A round trip through the server's JSON: the quick fix replaces `ff` by `f`.
    let (mut c, _) = Client::initialized();
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "toe", "version": 1, "text": script } }),
    );
    let d = c.diagnostics();
    let actions = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": d[0]["range"], "context": { "diagnostics": d } }),
    );
    let edit = &actions[0]["edit"]["changes"][&uri][0];
    assert_eq!(actions[0]["title"], "replace with `f`");
    assert_eq!(edit["newText"], "f");
    assert_eq!(
        edit["range"]["start"],
        json!({ "line": 6, "character": 20 })
    );
    // Definition of an analysis, and of a `use`d file.
    let def = c.request(
        "textDocument/definition",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 6, "character": 5 } }),
    );
    assert_eq!(def, Value::Null, "`truth_table` is not defined anywhere");
    let def = c.request(
        "textDocument/definition",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 5, "character": 6 } }),
    );
    assert_eq!(
        def["range"]["start"]["line"], 5,
        "the fsqca statement of `f`"
    );
    let def = c.request(
        "textDocument/definition",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 0, "character": 8 } }),
    );
    assert_eq!(
        def["uri"],
        format!("file://{}/common.toe", dir.path().display())
    );
    // Formatting: one edit giving `toe fmt`'s text.
    let edits = c.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    assert_eq!(edits, json!([]), "the script is already formatted");
    c.stop();
}
