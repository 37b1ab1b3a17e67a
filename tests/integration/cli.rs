//! The `toe` binary: exit codes 0/1/2, `--json`, `check`, and malformed input of every kind
//! giving a coded diagnostic and exit 1, never a panic.

use std::path::PathBuf;
use std::process::Command;

fn toe(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_toe"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run toe");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn path(rel: &str) -> String {
    root().join(rel).display().to_string()
}

#[test]
fn runs_the_main_example() {
    let (code, out, err) = toe(&["run", &path("examples/lipset_raw.toe")]);
    assert_eq!(code, 0, "stderr: {err}");
    // necessary? DEV for SURV: inclN 0.825003112632459 in R's QCA (out_LR.json).
    assert!(
        out.contains("necessary? DEV for SURV\n  consistency  0.825"),
        "{out}"
    );
    assert!(
        out.contains(
            "LIT   condition  LIT     direct  e = 58.12 (p10), c = 95 (p50), i = 99.9 (p90)"
        ),
        "{out}"
    );
    assert!(!err.contains("panicked"));
}

#[test]
fn check_runs_nothing_and_exits_zero() {
    let (code, out, err) = toe(&["check", &path("examples/lipset_raw.toe")]);
    assert_eq!(code, 0, "{err}");
    assert!(out.is_empty(), "check prints no tables: {out}");
    assert!(err.contains("ok"));
}

#[test]
fn json_to_stdout_has_the_sets_section() {
    let (code, out, err) = toe(&["run", &path("examples/lipset_raw.toe"), "--json", "-"]);
    assert_eq!(code, 0, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).expect("stdout is JSON alone");
    assert_eq!(doc["toe_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(doc["data"]["rows"], 18);
    assert_eq!(doc["data"]["cases"][0], "AU");
    assert_eq!(doc["script"]["sha256"].as_str().map(|s| s.len()), Some(64));
    let sets = doc["sets"].as_array().expect("sets");
    assert_eq!(sets.len(), 6);
    let lit = &sets[2];
    assert_eq!(lit["name"], "LIT");
    assert_eq!(lit["role"], "condition");
    assert_eq!(lit["column"], "LIT");
    assert_eq!(lit["label"], "Literacy");
    assert_eq!(lit["calibration"]["method"], "direct");
    assert_eq!(lit["calibration"]["idm"], 0.95);
    // R: quantile(LIT, 0.1, type = 7) = 58.12 (out_LR.json)
    assert!((lit["calibration"]["e"].as_f64().unwrap_or(0.0) - 58.12).abs() < 1e-9);
    assert_eq!(lit["calibration"]["percentiles"]["e"], 10.0);
    assert_eq!(lit["raw"].as_array().map(|a| a.len()), Some(18));
    assert_eq!(lit["membership"].as_array().map(|a| a.len()), Some(18));
    assert_eq!(sets[5]["role"], "outcome");
    // percentiles only for percentile anchors
    assert!(sets[0]["calibration"].get("percentiles").is_none());
    assert_eq!(doc["queries"].as_array().map(|q| q.len()), Some(4));
    assert_eq!(doc["warnings"][0]["code"], "toe::run::half_membership");
}

#[test]
fn json_is_byte_identical_across_runs() {
    let dir = tempfile::tempdir().expect("tmp");
    let a = dir.path().join("a.json");
    let b = dir.path().join("b.json");
    for p in [&a, &b] {
        let (code, _, err) = toe(&[
            "run",
            &path("examples/lipset_raw.toe"),
            "--json",
            &p.display().to_string(),
        ]);
        assert_eq!(code, 0, "{err}");
    }
    assert_eq!(std::fs::read(&a).expect("a"), std::fs::read(&b).expect("b"));
}

#[test]
fn usage_errors_exit_two() {
    assert_eq!(toe(&[]).0, 2);
    assert_eq!(toe(&["frobnicate"]).0, 2);
    assert_eq!(toe(&["run"]).0, 2);
    assert_eq!(toe(&["run", "x.toe", "--bogus"]).0, 2);
    assert_eq!(toe(&["--help"]).0, 0);
}

#[test]
fn script_errors_exit_one_with_a_code() {
    let (code, _, err) = toe(&["run", &path("tests/cases/errors/unknown_column.toe")]);
    assert_eq!(code, 1);
    assert!(err.contains("toe::check::unknown_column"), "{err}");
    assert!(err.contains("did you mean `gdp_pc`?"), "{err}");
    let (code, _, err) = toe(&[
        "check",
        &path("tests/cases/errors/anchors_out_of_order.toe"),
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("toe::check::anchor_order"), "{err}");
}

#[test]
fn missing_and_binary_scripts_exit_one() {
    let (code, _, err) = toe(&["run", "/nonexistent/study.toe"]);
    assert_eq!(code, 1);
    assert!(err.contains("toe::data::missing_file"), "{err}");
    let dir = tempfile::tempdir().expect("tmp");
    let bin = dir.path().join("garbage.toe");
    std::fs::write(&bin, [0u8, 159, 146, 150, 0xff, 0xfe, 7, 0, 13, 10]).expect("write");
    let (code, _, err) = toe(&["run", &bin.display().to_string()]);
    assert_eq!(code, 1);
    assert!(err.contains("toe::parse::not_utf8"), "{err}");
    assert!(!err.contains("panicked"));
    // Valid UTF-8 but nonsense, with control characters.
    std::fs::write(&bin, "\u{1}\u{2}data = = csv(((\n}}}\u{0}").expect("write");
    let (code, _, err) = toe(&["run", &bin.display().to_string()]);
    assert_eq!(code, 1);
    assert!(err.contains("toe::parse::syntax"), "{err}");
}

#[test]
fn unwritable_json_target_exits_one() {
    let (code, _, err) = toe(&[
        "run",
        &path("examples/lipset_raw.toe"),
        "--json",
        "/nonexistent/dir/out.json",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("toe::run::write_error"), "{err}");
}

#[test]
fn keywords_after_multibyte_text_do_not_panic() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = dir.path().join("k.toe");
    std::fs::write(&f, "data é nca = csv(\"x\")\nstudy «nca\n").expect("write");
    let (code, _, err) = toe(&["check", &f.display().to_string()]);
    assert_eq!(code, 1);
    assert!(
        err.contains("toe::parse::syntax") && !err.contains("panicked"),
        "{err}"
    );
}

#[test]
fn deep_nesting_and_long_lines_give_diagnostics_not_crashes() {
    let dir = tempfile::tempdir().expect("tmp");
    let cases = [
        (
            "deep.toe",
            format!(
                "necessary? {}A{} for B\n",
                "(".repeat(50_000),
                ")".repeat(50_000)
            ),
            "toe::parse::too_deep",
        ),
        (
            "tildes.toe",
            format!("necessary? {}A for B\n", "~".repeat(200_000)),
            "toe::check::unknown_set",
        ),
        (
            "wide.toe",
            format!("necessary? {}A for B\n", "(A)*".repeat(30_000)),
            "toe::check::unknown_set",
        ),
        (
            "brackets.toe",
            format!("study {}\n", "[".repeat(100)),
            "toe::parse::too_deep",
        ),
    ];
    for (name, text, code) in cases {
        let f = dir.path().join(name);
        std::fs::write(&f, text).expect("write");
        let (status, _, err) = toe(&["check", &f.display().to_string()]);
        assert_eq!(status, 1, "{name}");
        assert!(
            err.contains(code) && !err.contains("panicked") && !err.contains("overflow"),
            "{name}: {}",
            &err[..err.len().min(300)]
        );
    }
}
