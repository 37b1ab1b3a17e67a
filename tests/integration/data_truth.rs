//! No silently wrong numbers (docs/language.md#data, #option-ranges): what the data say is
//! what toe analyses, or it says why not. Every reader refuses a cell that is not a number
//! where one is needed (a date, a boolean), `na` markers apply to numbers as to text, every
//! adjustment the engine makes is a coded warning (and a note in the JSON and the report), an
//! analysis without a usable case is an error, and every numeric option is checked against
//! the range that docs/language.md lists. The data files are made by the tests.

use std::path::{Path, PathBuf};
use toe::Session;

fn run(dir: &Path, script: &str) -> (Session, Result<String, Vec<toe::diagnostics::Diag>>) {
    let mut s = Session::new(dir);
    let r = s.run_text("t.toe", None, script.to_string());
    (s, r)
}

fn rendered(s: &Session, diags: &[toe::diagnostics::Diag]) -> String {
    diags
        .iter()
        .map(|d| toe::diagnostics::render(d, &s.sources, false, 200))
        .collect()
}

/// The error of a script that must fail, rendered.
fn fails(dir: &Path, script: &str) -> (Vec<&'static str>, String) {
    let (s, r) = run(dir, script);
    match r {
        Ok(out) => panic!("ran without an error:\n{out}\n--- script ---\n{script}"),
        Err(d) => (d.iter().map(|d| d.code).collect(), rendered(&s, &d)),
    }
}

fn ok(dir: &Path, script: &str) -> Session {
    let (s, r) = run(dir, script);
    if let Err(d) = r {
        panic!("failed:\n{}\n--- script ---\n{script}", rendered(&s, &d));
    }
    s
}

fn memberships(s: &Session, set: &str) -> Vec<f64> {
    s.set(set)
        .and_then(|i| i.membership.as_deref().map(<[f64]>::to_vec))
        .unwrap_or_else(|| panic!("no memberships of {set}"))
}

fn same(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| (x.is_nan() && y.is_nan()) || x.to_bits() == y.to_bits())
}

/// Six cases: `x` with −99 in case c, `y`, a date column and a boolean column (the workbook's
/// own types), and the CSV twin with `x` missing in case c.
fn workbook(dir: &Path) {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("survey").expect("name");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (j, h) in ["case", "x", "y", "joined", "flag"].iter().enumerate() {
        ws.write_string(0, j as u16, *h).expect("header");
    }
    let xs = [1.0, 2.0, -99.0, 4.0, 5.0, 6.0];
    let ys = [0.1, 0.4, 0.5, 0.6, 0.8, 0.9];
    for i in 0..6u32 {
        let r = i + 1;
        ws.write_string(r, 0, ["a", "b", "c", "d", "e", "f"][i as usize])
            .expect("id");
        ws.write_number(r, 1, xs[i as usize]).expect("x");
        ws.write_number(r, 2, ys[i as usize]).expect("y");
        let d = ExcelDateTime::from_ymd(2021, 3, 4 + i as u8).expect("date");
        ws.write_datetime_with_format(r, 3, &d, &date)
            .expect("date cell");
        ws.write_boolean(r, 4, i % 2 == 0).expect("flag");
    }
    wb.save(dir.join("t.xlsx")).expect("save");
    std::fs::write(
        dir.join("t.csv"),
        "case,x,y\na,1,0.1\nb,2,0.4\nc,NA,0.5\nd,4,0.6\ne,5,0.8\nf,6,0.9\n",
    )
    .expect("csv");
}

/// A folder with the workbook, its CSV twin and the SPSS and Stata files of tests/data
/// (`make_dated.py`: a date column, −99 in `x` of case c).
fn data_files() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    workbook(tmp.path());
    for name in ["dated.sav", "dated.dta"] {
        let from = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(name);
        std::fs::copy(from, tmp.path().join(name)).expect("fixture");
    }
    tmp
}

const SETS: &str =
    "conditions { X = x }\noutcome Y = y\ncalibrate { * direct(e = p10, c = p50, i = p90) }\n";

#[test]
fn na_markers_apply_to_numbers_in_every_reader() {
    let tmp = data_files();
    let dir = tmp.path();
    let csv = ok(dir, &format!("data d = csv(\"t.csv\", id = case)\n{SETS}"));
    let expected = memberships(&csv, "X");
    assert!(expected[2].is_nan(), "case c is missing in the CSV");
    for data in [
        "xlsx(\"t.xlsx\", id = case, na = [\"-99\"])",
        "xlsx(\"t.xlsx\", id = case, na = [-99])",
        "spss(\"dated.sav\", id = case, na = [-99])",
        "stata(\"dated.dta\", id = case, na = [\"-99\"])",
    ] {
        let s = ok(dir, &format!("data d = {data}\n{SETS}"));
        assert!(
            same(&memberships(&s, "X"), &expected),
            "{data}: {:?} differs from the CSV's {expected:?}",
            memberships(&s, "X")
        );
    }
    // Without the marker, −99 is a number (as written): the anchors move.
    let s = ok(
        dir,
        &format!("data d = xlsx(\"t.xlsx\", id = case)\n{SETS}"),
    );
    assert_eq!(s.set("X").and_then(|i| i.raw.get(2).copied()), Some(-99.0));
}

#[test]
fn a_date_or_a_boolean_is_refused_where_a_number_is_needed() {
    let tmp = data_files();
    let dir = tmp.path();
    let sets = |col: &str| {
        format!(
            "conditions {{ J = {col} }}\noutcome Y = y\ncalibrate {{ * direct(e = p10, c = p50, i = p90) }}\n"
        )
    };
    // A workbook's date cell: the file, the sheet, the row, the column, the case.
    let (codes, text) = fails(
        dir,
        &format!("data d = xlsx(\"t.xlsx\", id = case)\n{}", sets("joined")),
    );
    assert_eq!(codes, vec!["toe::data::text_in_numeric_column"]);
    for part in [
        "column `joined`",
        "a date (2021-03-04)",
        "row 2 of the first sheet in `t.xlsx`",
        "case `a`",
        "as_numbers",
    ] {
        assert!(text.contains(part), "lacks {part}:\n{text}");
    }
    for (data, col, parts) in [
        (
            "xlsx(\"t.xlsx\", sheet = \"survey\", id = case)",
            "flag",
            ["a boolean (TRUE)", "row 2 of sheet `survey`"],
        ),
        // SPSS's date format and Stata's %td.
        (
            "spss(\"dated.sav\", id = case)",
            "joined",
            ["a date (", "case 1 of `dated.sav`"],
        ),
        (
            "stata(\"dated.dta\", id = case)",
            "joined",
            ["a date (2021-03-04)", "case 1 of `dated.dta`"],
        ),
    ] {
        let (_, text) = fails(dir, &format!("data d = {data}\n{}", sets(col)));
        assert!(parts.iter().all(|p| text.contains(p)), "{parts:?}: {text}");
    }
    // Asked for explicitly: Excel's serial days (2021-03-04 is day 44259 after 1899-12-30),
    // Stata's days since 1960-01-01 (22343), TRUE/FALSE as 1/0.
    let s = ok(
        dir,
        &format!(
            "data d = xlsx(\"t.xlsx\", id = case, as_numbers = [dates])\n{}",
            sets("joined")
        ),
    );
    assert_eq!(s.set("J").map(|i| i.raw[0]), Some(44259.0));
    let s = ok(
        dir,
        &format!(
            "data d = stata(\"dated.dta\", id = case, as_numbers = [dates])\n{}",
            sets("joined")
        ),
    );
    assert_eq!(s.set("J").map(|i| i.raw[0]), Some(22343.0));
    let s = ok(
        dir,
        "data d = xlsx(\"t.xlsx\", id = case, as_numbers = [booleans])\nconditions { J = flag }\noutcome Y = y\ncalibrate { J crisp(at = 0.5)  Y direct(e = p10, c = p50, i = p90) }\n",
    );
    assert_eq!(
        s.set("J").map(|i| i.raw.to_vec()),
        Some(vec![1.0, 0.0, 1.0, 0.0, 1.0, 0.0])
    );
    // A misspelt conversion.
    let (codes, _) = fails(
        dir,
        "data d = xlsx(\"t.xlsx\", id = case, as_numbers = [bools])\n",
    );
    assert_eq!(codes, vec!["toe::check::bad_argument"]);
}

/// Nine provinces: NCA's data are wider than a scope of [40, 60, 40, 60]; one case lacks `x`.
fn provinces(dir: &Path) {
    std::fs::write(
        dir.join("p.csv"),
        "id,x,y,gap\n\
         a,10,20,NA\nb,30,35,NA\nc,45,50,NA\nd,50,40,NA\ne,55,62,NA\n\
         f,62,70,NA\ng,70,65,NA\nh,NA,80,NA\ni,90,95,NA\n",
    )
    .expect("csv");
}

#[test]
fn every_adjustment_is_a_warning_and_a_note() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    provinces(dir);
    let script = "data d = csv(\"p.csv\", id = id)\nconditions { X = x }\noutcome Y = y\n\
                  nca n: Y needs X { on = raw  scope = [40, 60, 40, 60] }\nshow nca of n\n";
    let (mut s, r) = run(dir, script);
    let out = r.expect("runs");
    let warnings = s.take_pending();
    let codes: Vec<&str> = warnings.iter().map(|w| w.code).collect();
    // The scope: widened, as R's NCA widens it, and said.
    assert!(codes.contains(&"toe::run::scope_widened"), "{codes:?}");
    let w = warnings
        .iter()
        .find(|w| w.code == "toe::run::scope_widened")
        .expect("scope warning");
    assert!(
        w.message.contains("[40, 60, 40, 60]") && w.message.contains("`X` to [10, 90, 20, 95]"),
        "{}",
        w.message
    );
    // The case without x: dropped, and said.
    let m = warnings
        .iter()
        .find(|w| w.code == "toe::run::missing_values")
        .expect("missing-values warning");
    assert!(m.message.contains("1 for `X`"), "{}", m.message);
    assert!(out.contains("the given scope widened"), "{out}");
    // The JSON: the row says so, and the warnings are in the document.
    let doc = s.document("t.toe", script.as_bytes());
    let rows = doc["analyses"][0]["results"].as_array().expect("rows");
    assert!(rows.iter().all(|r| r["scope_widened"] == true), "{rows:?}");
    assert!(rows.iter().all(|r| r["dropped_cases"] == 1), "{rows:?}");
    let in_doc: Vec<&str> = doc["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .filter_map(|w| w["code"].as_str())
        .collect();
    assert!(in_doc.contains(&"toe::run::scope_widened"), "{in_doc:?}");
    // The report: a table of the run's warnings.
    let html = s
        .report(
            "t.toe",
            script.as_bytes(),
            toe::check::plan::Format::Html,
            "r.html",
        )
        .expect("report");
    let html = String::from_utf8(html).expect("utf8");
    assert!(
        html.contains("Warnings of the run") && html.contains("toe::run::scope_widened"),
        "the report does not say what was adjusted"
    );
    // A query that drops a case says so.
    let (mut s, r) = run(
        dir,
        "data d = csv(\"p.csv\", id = id)\nconditions { X = x }\noutcome Y = y\n\
         calibrate { * direct(e = 20, c = 50, i = 80) }\nnecessary? X for Y\n",
    );
    r.expect("runs");
    let codes: Vec<&str> = s.take_pending().iter().map(|w| w.code).collect();
    assert!(codes.contains(&"toe::run::missing_values"), "{codes:?}");
}

#[test]
fn an_analysis_without_a_usable_case_is_an_error() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    provinces(dir);
    // `gap` is missing in every case; numeric anchors let it be declared and calibrated.
    let head = "data d = csv(\"p.csv\", id = id)\nconditions { X = x  G = gap }\noutcome Y = y\n\
                calibrate { * direct(e = 20, c = 50, i = 80) }\n";
    let (codes, text) = fails(
        dir,
        &format!("{head}fsqca f: Y given X, G {{ consistency >= 0.8 }}\n"),
    );
    assert_eq!(codes, vec!["toe::run::no_cases"], "{text}");
    let (codes, text) = fails(dir, &format!("{head}nca n: Y needs G\n"));
    assert_eq!(codes, vec!["toe::run::no_cases"], "{text}");
}

/// The script that puts `value` into `block`'s `option` (`@`), on the provinces data.
fn with_option(block: &str, option: &str) -> String {
    let t = match (block, option) {
        ("nca", "permutations") => "nca n: Y needs X { permutations = @  seed = 1 }",
        ("nca", "seed") => "nca n: Y needs X { permutations = 10  seed = @ }",
        ("nca", "steps") => "nca n: Y needs X { bottlenecks = steps(@) }",
        ("nca", "qr_tau") => "nca n: Y needs X { ceilings = [qr]  qr_tau = @ }",
        ("nca", "outliers") => "nca n: Y needs X { outliers = @ }",
        ("nca", "outliers_min_change") => {
            "nca n: Y needs X { outliers = 1  outliers_min_change = @ }"
        }
        ("nca", "outliers_max_rows") => "nca n: Y needs X { outliers = 1  outliers_max_rows = @ }",
        ("nca", "d") => "nca n: Y needs X { necessary when d >= @ and p <= 0.1 }",
        ("nca", "p") => "nca n: Y needs X { necessary when d >= 0.1 and p <= @ }",
        ("fsqca", o) => return format!("fsqca f: Y given X {{ {o} >= @ }}"),
        ("necessary? *", "depth") => "necessary? * of X for Y { depth = @ }",
        ("necessary? *", o) => return format!("necessary? * of X for Y {{ {o} >= @ }}"),
        ("sensitivity", "step") => {
            "fsqca f: Y given X { consistency >= 0.8 }\nsensitivity f { consistency = [@, 5] }"
        }
        ("sensitivity", "runs") => {
            "fsqca f: Y given X { consistency >= 0.8 }\nsensitivity f { consistency = [0.01, @] }"
        }
        ("nest", "level") => {
            "fsqca f: Y given X { consistency >= 0.8 }\nnca n: Y needs X\nnest f with n { level = @ }"
        }
        ("resample", "share") => {
            "fsqca f: Y given X { consistency >= 0.8 }\nresample f { method = subsample  share = @  runs = 5  seed = 1 }"
        }
        ("resample", "runs") => {
            "fsqca f: Y given X { consistency >= 0.8 }\nresample f { method = subsample  share = 0.8  runs = @  seed = 1 }"
        }
        ("resample", "seed") => {
            "fsqca f: Y given X { consistency >= 0.8 }\nresample f { method = subsample  share = 0.8  runs = 5  seed = @ }"
        }
        ("power", "n") => "power pw { n = [@]  replicates = 2  permutations = 2  seed = 1 }",
        ("power", "effect") => "power pw { effect = @  n = [10]  replicates = 2  permutations = 2  seed = 1 }",
        ("power", "corner") => "power pw { corner = @  n = [10]  replicates = 2  permutations = 2  seed = 1 }",
        ("power", "p") => "power pw { p = @  n = [10]  replicates = 2  permutations = 2  seed = 1 }",
        ("power", "replicates") => "power pw { n = [10]  replicates = @  permutations = 2  seed = 1 }",
        ("power", "permutations") => "power pw { n = [10]  replicates = 2  permutations = @  seed = 1 }",
        ("power", "seed") => "power pw { n = [10]  replicates = 2  permutations = 2  seed = @ }",
        ("direct", o) => {
            return format!("calibrate {{ X direct(e = 20, c = 50, i = 80, {o} = @) }}")
        }
        ("calibration", "nudge") => "calibrate { X direct(e = 20, c = 50, i = 80, nudge = @) }",
        other => panic!("no script for {other:?}: add one"),
    };
    t.to_string()
}

#[test]
fn every_option_range_is_checked_and_documented() {
    use toe::check::ranges::{End, RANGES};
    // The docs' table is the checker's.
    let docs =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/language.md"))
            .expect("docs");
    let documented: Vec<String> = docs
        .lines()
        .skip_while(|l| !l.starts_with("## Option ranges"))
        .skip_while(|l| !l.starts_with("| block"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(str::to_string)
        .collect();
    let expected: Vec<String> = RANGES
        .iter()
        .map(|r| {
            format!(
                "| `{}` | `{}` | {} | {} |",
                r.block,
                r.option,
                r.interval(),
                if r.whole { "yes" } else { "no" }
            )
        })
        .collect();
    assert_eq!(documented, expected, "docs/language.md#option-ranges");
    // Each range holds at its ends and refuses just beyond them.
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    provinces(dir);
    let head = "data d = csv(\"p.csv\", id = id)\nconditions { X = x }\noutcome Y = y\n\
                calibrate { * direct(e = 20, c = 50, i = 80) }\n";
    for r in RANGES {
        let script = with_option(r.block, r.option);
        let outside: Vec<f64> = [r.low, r.high]
            .iter()
            .enumerate()
            .map(|(k, e)| {
                let (x, open) = match e {
                    End::Closed(x) => (*x, false),
                    End::Open(x) => (*x, true),
                };
                let step = if r.whole { 1.0 } else { 0.001 };
                match (k, open) {
                    (_, true) => x,
                    (0, false) => x - step,
                    _ => x + step,
                }
            })
            .collect();
        for x in outside.iter().chain(r.whole.then_some(&1.5)) {
            if r.whole && *x == 1.5 && !r.holds(1.0) && !r.holds(2.0) {
                continue;
            }
            let text = script.replace('@', &format!("{x}"));
            let (codes, rendered) = fails(dir, &format!("{head}{text}\n"));
            assert!(
                codes == ["toe::check::bad_option"] || codes == ["toe::check::bad_argument"],
                "{} {} = {x}: {codes:?}\n{rendered}",
                r.block,
                r.option
            );
            assert!(
                rendered.contains(&format!("`{}`", r.option)),
                "{} {}: {rendered}",
                r.block,
                r.option
            );
        }
    }
    // R's set.seed(-1) is toe's 4294967295, said in the help; that seed runs and is echoed.
    let (_, text) = fails(
        dir,
        &format!("{head}nca n: Y needs X {{ permutations = 10  seed = -1 }}\n"),
    );
    assert!(text.contains("4294967296 - k"), "{text}");
    let script = format!("{head}nca n: Y needs X {{ permutations = 10  seed = 4294967295 }}\n");
    let s = ok(dir, &script);
    let doc = s.document("t.toe", script.as_bytes());
    assert_eq!(
        doc["analyses"][0]["seed"], 4294967295u64,
        "{}",
        doc["analyses"][0]
    );
}
