//! Directory-driven runs of the binary on bad or unusual input (tests/cases/runs/README.md):
//! each folder holds a study, its files and a `case.txt` saying how `toe` is run, the exit
//! status and code expected, and which files must be unchanged, absent, present, still a link
//! or a pipe afterwards. Whatever the case says, a run that fails leaves the folder exactly as
//! it was (no file written, none changed, no temporary file), and no run leaves a temporary
//! file behind or panics.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn runs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/cases/runs")
}

/// Every file under `dir` (links as links, pipes skipped) with its bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read dir").flatten() {
            let p = e.path();
            let rel = p
                .strip_prefix(dir)
                .expect("under dir")
                .display()
                .to_string();
            let meta = std::fs::symlink_metadata(&p).expect("meta");
            if meta.file_type().is_symlink() {
                let to = std::fs::read_link(&p).expect("link");
                out.insert(rel, format!("-> {}", to.display()).into_bytes());
            } else if meta.is_dir() {
                stack.push(p);
            } else if meta.is_file() {
                out.insert(rel, std::fs::read(&p).expect("read"));
            }
        }
    }
    out
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read dir").flatten() {
        let p = e.path();
        let t = to.join(e.file_name());
        if p.is_dir() {
            copy_dir(&p, &t);
        } else if e.file_name() != "case.txt" {
            std::fs::copy(&p, &t).expect("copy");
        }
    }
}

/// `"quoted text"` or the word itself.
fn unquote(s: &str) -> &str {
    s.trim().trim_matches('"')
}

#[cfg(unix)]
fn run_case(name: &str) -> Vec<String> {
    let src = runs_dir().join(name);
    let spec = std::fs::read_to_string(src.join("case.txt")).expect("case.txt");
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join(name);
    copy_dir(&src, &dir);
    let mut failures = Vec::new();
    let mut args: Vec<String> = Vec::new();
    let mut full_stdout = false;
    let mut fifo_reader: Option<(PathBuf, std::thread::JoinHandle<Vec<u8>>)> = None;
    let lines: Vec<(&str, &str)> = spec
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim(), v.trim()))
        .collect();
    for (k, v) in &lines {
        let w: Vec<&str> = v.split_whitespace().collect();
        match (*k, w.as_slice()) {
            ("setup", ["link", a, b]) => {
                std::os::unix::fs::symlink(b, dir.join(a)).expect("symlink");
            }
            ("setup", ["dir", a]) => std::fs::create_dir_all(dir.join(a)).expect("mkdir"),
            ("setup", ["fifo", a]) => {
                let p = dir.join(a);
                let ok = Command::new("mkfifo").arg(&p).status().expect("mkfifo");
                assert!(ok.success());
                let q = p.clone();
                let h = std::thread::spawn(move || {
                    let mut buf = Vec::new();
                    if let Ok(mut f) = std::fs::File::open(&q) {
                        let _ = f.read_to_end(&mut buf);
                    }
                    buf
                });
                fifo_reader = Some((p, h));
            }
            ("run", _) => args = w.iter().map(|s| s.to_string()).collect(),
            ("stdout-to", ["full"]) => full_stdout = true,
            _ => {}
        }
    }
    let before = tree(&dir);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_toe"));
    cmd.args(&args).current_dir(&dir).env("NO_COLOR", "1");
    if full_stdout {
        let f = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        cmd.stdout(Stdio::from(f));
    }
    let out = cmd.output().expect("run toe");
    let status = out.status.code().unwrap_or(-1);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    // A pipe nobody wrote to: open it for writing so that the reader ends.
    let fifo_bytes = fifo_reader.map(|(p, h)| {
        if !h.is_finished() {
            let _ = std::fs::OpenOptions::new().write(true).open(&p);
        }
        (p, h.join().unwrap_or_default())
    });
    let mut fail = |m: String| failures.push(format!("{name}: {m}"));
    if stderr.contains("panicked") || status == 101 {
        fail(format!("panicked:\n{stderr}"));
    }
    let after = tree(&dir);
    if after.keys().any(|k| k.ends_with(".toe-tmp")) {
        fail(format!("left a temporary file: {:?}", after.keys()));
    }
    for (k, v) in &lines {
        let w: Vec<&str> = v.split_whitespace().collect();
        match *k {
            "exit" if status.to_string() != *v => {
                fail(format!("exit {status}, expected {v}\n{stderr}"))
            }
            "code" if !stderr.contains(v) => fail(format!("no {v} on stderr:\n{stderr}")),
            "stderr" if !stderr.contains(unquote(v)) => {
                fail(format!("stderr lacks {v}:\n{stderr}"))
            }
            "stdout" if !stdout.contains(unquote(v)) => {
                fail(format!("stdout lacks {v}:\n{stdout}"))
            }
            "unchanged" => {
                for f in &w {
                    let orig = std::fs::read(src.join(f)).expect("original");
                    if std::fs::read(dir.join(f)).ok().as_ref() != Some(&orig) {
                        fail(format!("{f} changed"));
                    }
                }
            }
            "absent" => {
                for f in &w {
                    if std::fs::symlink_metadata(dir.join(f)).is_ok() {
                        fail(format!("{f} was written"));
                    }
                }
            }
            "present" => {
                for f in &w {
                    if !dir.join(f).is_file() {
                        fail(format!("{f} is missing"));
                    }
                }
            }
            "link" => {
                let (a, b) = (w[0], w[1]);
                match std::fs::read_link(dir.join(a)) {
                    Ok(to) if to == Path::new(b) => {}
                    other => fail(format!("{a} is no longer a link to {b}: {other:?}")),
                }
            }
            "contains" => {
                let (f, text) = v.split_once(' ').expect("contains: FILE \"TEXT\"");
                let got = std::fs::read_to_string(dir.join(f)).unwrap_or_default();
                if !got.contains(unquote(text)) {
                    fail(format!("{f} lacks {text}: {got:.200}"));
                }
            }
            "fifo" => {
                let (f, text) = v.split_once(' ').expect("fifo: FILE \"TEXT\"");
                use std::os::unix::fs::FileTypeExt;
                let is_fifo = std::fs::symlink_metadata(dir.join(f))
                    .map(|m| m.file_type().is_fifo())
                    .unwrap_or(false);
                if !is_fifo {
                    fail(format!("{f} is no longer a pipe"));
                }
                let got = fifo_bytes
                    .as_ref()
                    .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
                    .unwrap_or_default();
                if !got.contains(unquote(text)) {
                    fail(format!("the pipe {f} got no {text}: {got:.200}"));
                }
            }
            _ => {}
        }
    }
    if status != 0 && after != before {
        let changed: Vec<&String> = after
            .keys()
            .chain(before.keys())
            .filter(|k| after.get(*k) != before.get(*k))
            .collect();
        fail(format!("a failing run changed files: {changed:?}"));
    }
    failures
}

#[cfg(unix)]
#[test]
fn every_run_case_holds() {
    let mut names: Vec<String> = std::fs::read_dir(runs_dir())
        .expect("tests/cases/runs")
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 60, "only {} run cases", names.len());
    let failures: Vec<String> = names.iter().flat_map(|n| run_case(n)).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Runs `toe` with `input` on standard input; (status, stderr). The status of a signal's
/// end is negative (`-6` for an abort).
fn toe_with_input(args: &[&str], input: &[u8]) -> (i32, String) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_toe"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn toe");
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(input);
    }
    let out = child.wait_with_output().expect("wait");
    #[cfg(unix)]
    let status = {
        use std::os::unix::process::ExitStatusExt;
        out.status
            .code()
            .unwrap_or_else(|| -out.status.signal().unwrap_or(0))
    };
    #[cfg(not(unix))]
    let status = out.status.code().unwrap_or(-1);
    (status, String::from_utf8_lossy(&out.stderr).into_owned())
}

fn framed(json: &str) -> Vec<u8> {
    format!("Content-Length: {}\r\n\r\n{json}", json.len()).into_bytes()
}

#[test]
fn the_language_server_refuses_what_it_cannot_frame_without_an_abort() {
    // A length of 99,999,999,999,999 bytes: refused (no allocation), exit 1, not an abort.
    let (status, err) = toe_with_input(&["lsp"], b"Content-Length: 99999999999999\r\n\r\n");
    assert_eq!(status, 1, "{err}");
    assert!(err.contains("at most 67108864 bytes"), "{err}");
    // A header that is not `Name: value`, and a length that is not a number.
    for bad in [&b"garbage\r\n\r\n"[..], b"Content-Length: many\r\n\r\n{}"] {
        let (status, err) = toe_with_input(&["lsp"], bad);
        assert_eq!(status, 1, "{err}");
        assert!(err.contains("refused a message"), "{err}");
    }
    // The client goes away in the middle of the handshake: after `initialize`, before
    // `initialized`. The server ends (1), without a panic.
    let init = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#;
    let (status, err) = toe_with_input(&["lsp"], &framed(init));
    assert_eq!(status, 1, "{err}");
    assert!(!err.contains("panicked"), "{err}");
    // A whole session still ends with 0.
    let mut session = framed(init);
    for m in [
        r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#,
        r#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#,
        r#"{"jsonrpc":"2.0","method":"exit"}"#,
    ] {
        session.extend(framed(m));
    }
    let (status, err) = toe_with_input(&["lsp"], &session);
    assert_eq!(status, 0, "{err}");
}

/// Ctrl-C in the middle of a long run: exit 130, the export staged before it is not written
/// and no temporary file is left.
#[cfg(unix)]
#[test]
fn an_interrupt_leaves_nothing_half_written() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    std::fs::copy(
        runs_dir().join("failing_last_line/d.csv"),
        dir.join("d.csv"),
    )
    .expect("copy");
    std::fs::write(dir.join("out.csv"), "old export\n").expect("old export");
    std::fs::write(
        dir.join("study.toe"),
        r#"data d = csv("d.csv", id = province)
conditions { A = gdp_pc  B = policy_count }
outcome Y = score
calibrate { * direct(e = p20, c = p45, i = p80) }
fsqca f: Y given A, B { consistency >= 0.8 }
export f to "out.csv"
export f to "new.md"
power pw { n = [2000]  effect = 0.2  replicates = 1000000  permutations = 1000  seed = 1 }
"#,
    )
    .expect("script");
    let before = tree(dir);
    let child = Command::new(env!("CARGO_BIN_EXE_toe"))
        .args(["run", "study.toe", "--json", "results.json"])
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    // Wait until the exports are staged (their temporary files exist), then interrupt.
    let staged = |d: &Path| {
        std::fs::read_dir(d)
            .map(|r| {
                r.flatten()
                    .any(|e| e.file_name().to_string_lossy().ends_with(".toe-tmp"))
            })
            .unwrap_or(false)
    };
    let start = std::time::Instant::now();
    while !staged(dir) && start.elapsed() < std::time::Duration::from_secs(60) {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(staged(dir), "the exports were never staged");
    let ok = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(ok.success());
    let out = child.wait_with_output().expect("wait");
    assert_eq!(
        out.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(tree(dir), before, "an interrupted run changed the folder");
}

/// A power table reports its progress replicate by replicate (the terminal's bar shows them
/// with the time left): 2 sample sizes × 3 replicates = 6 steps after a start of 6.
#[test]
fn a_power_table_reports_its_progress() {
    use std::sync::{Arc, Mutex};
    use toe::eval::results::{Progress, Task};
    #[derive(Default)]
    struct Seen(Mutex<(Vec<Task>, usize, usize)>);
    struct Recorder(Arc<Seen>);
    impl Progress for Recorder {
        fn start(&self, t: &Task) {
            self.0 .0.lock().unwrap().0.push(t.clone());
        }
        fn step(&self) {
            self.0 .0.lock().unwrap().1 += 1;
        }
        fn finish(&self) {
            self.0 .0.lock().unwrap().2 += 1;
        }
    }
    let seen = Arc::new(Seen::default());
    let mut s = toe::Session::new(".");
    s.interp.progress = Box::new(Recorder(seen.clone()));
    s.run_text(
        "power.toe",
        None,
        "power pw { n = [10, 20]  replicates = 3  permutations = 10  seed = 1 }".into(),
    )
    .expect("power runs");
    let g = seen.0.lock().unwrap();
    assert_eq!(g.0, vec![Task::Power("pw".into(), 6)]);
    assert_eq!((g.1, g.2), (6, 1));
}
