//! `toe studio`'s server (src/studio/): its safety — the token, the Host and Origin checks,
//! the study's folder as the only place read or written, an upload never replacing a file,
//! 4xx for malformed requests, the server alive after a script error — and its answers
//! (the page, a check, an edit, a run). The page in a real browser: tests/studio/.

use std::io::{Read, Write};
use std::net::TcpStream;

/// One request on its own connection: (status, body).
fn request(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).expect("write");
    s.write_all(body).expect("write body");
    let mut out = Vec::new();
    s.read_to_end(&mut out).expect("read");
    let text = String::from_utf8_lossy(&out).to_string();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::create_dir(dir.path().join("data")).expect("dir");
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/provinces.csv"),
        dir.path().join("data/provinces.csv"),
    )
    .expect("copy");
    dir
}

#[test]
fn the_studio_refuses_what_is_not_its_own_and_survives_bad_input() {
    let outside = tempfile::tempdir().expect("tmp");
    std::fs::write(outside.path().join("secret.csv"), "a,b\n1,2\n").expect("secret");
    let dir = folder();
    let studio = toe::studio::start(toe::studio::Options {
        script: dir.path().join("study.toe"),
        port: 0,
    })
    .expect("studio");
    let port = studio.port;
    let host = format!("127.0.0.1:{port}");
    let token = studio.token.clone();
    let ok = [("Host", host.as_str()), ("X-Toe-Token", token.as_str())];
    // the page, with the token in its address
    let (s, page) = request(
        port,
        "GET",
        &format!("/?token={token}"),
        &[("Host", &host)],
        b"",
    );
    assert_eq!(s, 200);
    assert!(page.contains("toe studio") && page.contains(&token));
    // no token, another token, a foreign Host, a foreign Origin: 403, nothing served
    assert_eq!(request(port, "GET", "/", &[("Host", &host)], b"").0, 403);
    assert_eq!(
        request(
            port,
            "GET",
            "/api/study",
            &[("Host", &host), ("X-Toe-Token", "0000")],
            b""
        )
        .0,
        403
    );
    assert_eq!(
        request(
            port,
            "GET",
            "/api/study",
            &[("Host", "evil.example:80"), ("X-Toe-Token", &token)],
            b""
        )
        .0,
        403
    );
    let (s, body) = request(
        port,
        "POST",
        "/api/save",
        &[
            ("Host", &host),
            ("X-Toe-Token", &token),
            ("Origin", "http://evil.example"),
        ],
        br#"{"text": "study \"x\"\n"}"#,
    );
    assert_eq!(s, 403, "{body}");
    assert!(!dir.path().join("study.toe").exists(), "nothing written");
    // a path outside the study's folder is refused
    let rel = format!(
        "../{}/secret.csv",
        outside.path().file_name().unwrap().to_string_lossy()
    );
    let (s, body) = request(
        port,
        "POST",
        "/api/columns",
        &ok,
        format!("{{\"path\": \"{rel}\"}}").as_bytes(),
    );
    assert_eq!(s, 422, "{body}");
    assert!(body.contains("inside the study's folder"), "{body}");
    let (s, _) = request(
        port,
        "POST",
        "/api/columns",
        &ok,
        br#"{"path": "/etc/passwd"}"#,
    );
    assert_eq!(s, 422);
    // uploads: a folder in the name, an existing file: refused; a new one: written
    assert_eq!(
        request(port, "PUT", "/api/upload?name=../x.csv", &ok, b"a\n1\n").0,
        400
    );
    let before = std::fs::read(dir.path().join("data/provinces.csv")).unwrap();
    std::fs::write(dir.path().join("mine.csv"), "a\n1\n").unwrap();
    assert_eq!(
        request(port, "PUT", "/api/upload?name=mine.csv", &ok, b"b\n2\n").0,
        409
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("mine.csv")).unwrap(),
        "a\n1\n"
    );
    assert_eq!(
        request(port, "PUT", "/api/upload?name=new.csv", &ok, b"b\n2\n").0,
        200
    );
    assert_eq!(
        std::fs::read(dir.path().join("data/provinces.csv")).unwrap(),
        before
    );
    // malformed requests: 4xx with a message
    let (s, body) = request(port, "POST", "/api/check", &ok, b"{not json");
    assert_eq!(s, 400);
    assert!(body.contains("expected a JSON body"), "{body}");
    assert_eq!(
        request(
            port,
            "POST",
            "/api/edit",
            &ok,
            br#"{"text": "", "edit": {"op": "nonsense"}}"#
        )
        .0,
        400
    );
    assert_eq!(request(port, "GET", "/nowhere", &ok, b"").0, 404);
    // a script error is an answer, and the server goes on
    let (s, body) = request(
        port,
        "POST",
        "/api/run",
        &ok,
        br#"{"text": "nca n: Y needs X {"}"#,
    );
    assert_eq!(s, 200);
    assert!(
        body.contains("\"ok\":false") && body.contains("toe::parse::syntax"),
        "{body}"
    );
    // clicks write the script; a check gives the language server's diagnostics; a run its report
    let edit =
        br#"{"text": "", "edit": {"op": "data", "path": "data/provinces.csv", "id": "province"}}"#;
    let (s, body) = request(port, "POST", "/api/edit", &ok, edit);
    assert_eq!(s, 200, "{body}");
    assert!(
        body.contains(r#"data provinces = csv(\"data/provinces.csv\", id = province)"#),
        "{body}"
    );
    let script = "data p = csv(\"data/provinces.csv\", id = province)\nconditions { HUM = it_employment }\noutcome SG = online_service_index\ncalibrate { * direct(e = p25, c = p50, i = p75) }\nnca nec: SG needs HUM { permutations = 0 }\nshow nca of nec\n";
    let req = serde_json::json!({ "text": script }).to_string();
    let (s, body) = request(port, "POST", "/api/run", &ok, req.as_bytes());
    assert_eq!(s, 200);
    let v: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(v["ok"], true, "{body}");
    assert!(v["report"].as_str().unwrap().contains("<table"));
    let typo = serde_json::json!({ "text": script.replace("conditions", "conditons") }).to_string();
    let (_, body) = request(port, "POST", "/api/check", &ok, typo.as_bytes());
    assert!(body.contains("toe::parse::syntax"), "{body}");
    // saving writes the study's script, atomically
    let (s, _) = request(port, "POST", "/api/save", &ok, req.as_bytes());
    assert_eq!(s, 200);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("study.toe")).unwrap(),
        script
    );
    studio.stop();
}
