//! The REPL: (input, expected output) pairs through the line handler, and the real binary
//! driven through a pseudo-terminal (a block over several lines, a query, a mistyped name,
//! tab completion, and history surviving a restart).

use toe::repl::{handle, Step, HELP};
use toe::Session;

fn data_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join("d.csv"),
        "id,a,y\nx,1,0.2\ny,2,0.8\nz,3,0.4\n",
    )
    .expect("csv");
    std::fs::write(
        dir.path().join("study.toe"),
        "data d = csv(\"d.csv\", id = id)\nconditions { A = a }\noutcome Y = y\ncalibrate { * fuzzy\n  A direct(e = 1, c = 2, i = 3) }\n",
    )
    .expect("script");
    dir
}

enum Want {
    Exactly(&'static str),
    Contains(&'static str),
    More,
    Quit,
}

#[test]
fn line_handler_pairs() {
    let dir = data_dir();
    let mut s = Session::new(dir.path());
    let mut buf = String::new();
    // A: 1 → 0.05, 2 → 0.5, 3 → 0.95 (direct calibration at its anchors); Y = 0.2, 0.8, 0.4.
    // necessary? A for Y: Σmin(A,Y) = 0.05 + 0.5 + 0.4 = 0.95, ΣY = 1.4 → 0.679.
    let pairs: Vec<(&str, Want)> = vec![
        ("data d = csv(\"d.csv\", id = id)", Want::Exactly("")),
        ("conditions {", Want::More),
        ("  A = a", Want::More),
        ("}", Want::Exactly("")),
        ("outcome Y = yy", Want::Contains("did you mean `y`?")),
        ("outcome Y = y", Want::Exactly("")),
        ("calibrate { * fuzzy,", Want::More),
        // A at 2 is exactly 0.5: the session warns (docs/methods.md §4.1, the 0.5 rule).
        (
            "  A direct(e = 1, c = 2, i = 3) }",
            Want::Contains("toe::run::half_membership"),
        ),
        ("necessary? A +", Want::More),
        ("  A for Y", Want::Contains("consistency  0.679")),
        (
            "necessary? B for Y",
            Want::Contains("toe::check::unknown_set"),
        ),
        ("necessary? A for Y", Want::Contains("relevance")),
        (":help", Want::Exactly(HELP)),
        (":help nca", Want::Contains("permutations = 10000")),
        (
            ":plan",
            Want::Contains("condition A = a: direct(e = 1, c = 2, i = 3"),
        ),
        (":ast show data", Want::Contains("Show")),
        (
            ":frobnicate",
            Want::Contains("unknown command `:frobnicate`"),
        ),
        (":reset", Want::Contains("session reset")),
        (
            "necessary? A for Y",
            Want::Contains("toe::check::unknown_set"),
        ),
        (":load", Want::Contains("usage: :load file.toe")),
    ];
    let study = format!(":load {}", dir.path().join("study.toe").display());
    let pairs = pairs.into_iter().chain([
        (study.as_str(), Want::Contains("toe::run::half_membership")),
        ("sufficient? A for Y", Want::Contains("pri")),
        // A second study: refused, with the way out.
        (study.as_str(), Want::Contains("`:reset` first")),
        (":quit", Want::Quit),
    ]);
    for (input, want) in pairs {
        let got = handle(&mut s, &mut buf, input);
        match (want, got) {
            (Want::Exactly(w), Step::Output(g)) => assert_eq!(g, w, "input {input:?}"),
            (Want::Contains(w), Step::Output(g)) => assert!(g.contains(w), "input {input:?}: {g}"),
            (Want::More, Step::More) | (Want::Quit, Step::Quit) => {}
            (_, g) => panic!("input {input:?}: unexpected {g:?}"),
        }
    }
}

#[cfg(unix)]
#[test]
fn real_binary_through_a_pty() {
    let dir = data_dir();
    let history = dir.path().join("history");
    let spawn = || {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_toe"));
        cmd.arg("repl")
            .current_dir(dir.path())
            .env("TOE_HISTORY", &history)
            .env("NO_COLOR", "1")
            .env("TERM", "xterm");
        rexpect::session::spawn_command(cmd, Some(15_000)).expect("spawn toe repl")
    };
    let pause = || std::thread::sleep(std::time::Duration::from_millis(150));
    let mut p = spawn();
    p.exp_string("toe> ").expect("prompt");
    // Each line is sent once the previous output and the next prompt are there.
    let line = |p: &mut rexpect::session::PtySession, text: &str, expect: &str| {
        p.send_line(text).expect("send");
        p.exp_string(expect)
            .unwrap_or_else(|e| panic!("after {text:?}: {e}"));
        p.exp_string("toe> ")
            .unwrap_or_else(|e| panic!("prompt after {text:?}: {e}"));
        pause();
    };
    line(&mut p, "data d = csv(\"d.csv\", id = id)", "");
    // A block typed over several lines: the parser keeps it open until `}`.
    for l in ["conditions {", "  A = a"] {
        p.send_line(l).expect("send");
        pause();
    }
    line(&mut p, "}", "");
    // A mistyped name: a diagnostic, and the session goes on.
    line(&mut p, "outcome Y = yy", "did you mean `y`?");
    line(&mut p, "outcome Y = y", "");
    line(
        &mut p,
        "calibrate { * fuzzy; A direct(e = 1, c = 2, i = 3) }",
        "half_membership",
    );
    line(&mut p, "necessary? A for Y", "consistency  0.679");
    // Tab completion: `show pl` + TAB becomes `show plan`.
    p.send("show pl").expect("send");
    p.flush().expect("flush");
    pause();
    p.send("\t").expect("tab");
    p.flush().expect("flush");
    pause();
    p.send("\r").expect("enter");
    p.flush().expect("flush");
    p.exp_string("condition A = a")
        .expect("`show pl<TAB>` completed to `show plan`");
    p.exp_string("toe> ").expect("prompt");
    pause();
    // A query completes with its `?`: `necessa` + TAB becomes `necessary? `.
    p.send("necessa").expect("send");
    p.flush().expect("flush");
    pause();
    p.send("\t").expect("tab");
    p.flush().expect("flush");
    pause();
    p.send(" A for Y\r").expect("the rest");
    p.flush().expect("flush");
    p.exp_string("relevance")
        .expect("`necessa<TAB>` completed to `necessary?`");
    p.exp_string("toe> ").expect("prompt");
    pause();
    // `:load` resolves from the folder the REPL started in; a second study says `:reset`.
    line(&mut p, ":load study.toe", "`:reset` first");
    p.send_control('d').expect("ctrl-d");
    p.exp_eof().expect("exit");
    let saved = std::fs::read_to_string(&history).expect("history file written");
    assert!(saved.contains("necessary? A for Y"), "{saved}");
    // History survives a restart: Up recalls the last line, which loads the study in a fresh
    // session.
    let mut p = spawn();
    p.exp_string("toe> ").expect("prompt");
    p.send("\x1b[A").expect("up");
    p.flush().expect("flush");
    std::thread::sleep(std::time::Duration::from_millis(200));
    p.send("\r").expect("enter");
    p.flush().expect("flush");
    p.exp_string(":load study.toe")
        .expect("recalled from history");
    p.exp_string("half_membership")
        .expect("ran it in the fresh session");
    p.send_line(":quit").expect("quit");
    p.exp_eof().expect("exit");
}
