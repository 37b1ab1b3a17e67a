//! The statistics packages' data files (`spss(…)`, `stata(…)`): the fixtures in `tests/data/`
//! (made with pyreadstat, tests/data/README.md) hold the same cases as
//! `provinces_labelled.csv`, so every membership must equal the CSV's; value labels become case
//! ids, user-missing values are missing, and variable labels are the sets' default labels.

use crate::support::run_ok;
use std::path::PathBuf;

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

/// The smart-government study on one data statement; `trust` has two gaps.
fn study(data: &str) -> String {
    format!(
        r#"data p = {data}
conditions {{
  HUM = it_employment
  WEB = website_reduction  "Websites (as written)"
  FIS = fiscal_revenue_pc
  TRU = trust
}}
outcome SG = online_service_index
calibrate {{ * direct(e = p25, c = p50, i = p75) }}
"#
    )
}

fn memberships(s: &toe::Session, name: &str) -> Vec<f64> {
    s.set(name)
        .and_then(|x| x.membership.as_deref().map(<[f64]>::to_vec))
        .unwrap_or_else(|| panic!("no membership of {name}"))
}

#[test]
fn spss_and_stata_files_give_the_csv_s_memberships() {
    let (csv, _) = run_ok(
        data_dir(),
        &study(r#"csv("provinces_labelled.csv", id = province)"#),
    );
    let (sav, _) = run_ok(
        data_dir(),
        &study(r#"spss("provinces.sav", id = province_code)"#),
    );
    let (dta, _) = run_ok(
        data_dir(),
        &study(r#"stata("provinces.dta", id = province_code)"#),
    );
    for other in [&sav, &dta] {
        // Value labels of the numeric code are the case ids: the CSV's province names.
        assert_eq!(
            other.scope().data.as_ref().unwrap().table.ids,
            csv.scope().data.as_ref().unwrap().table.ids
        );
        for set in ["HUM", "WEB", "FIS", "TRU", "SG"] {
            let (a, b) = (memberships(&csv, set), memberships(other, set));
            assert_eq!(a.len(), 31);
            for (x, y) in a.iter().zip(&b) {
                // Same numbers, same arithmetic: equal bit for bit (NaN for the gaps).
                assert!(x.to_bits() == y.to_bits(), "{set}: {x} vs {y}");
            }
        }
        // Rows 3 and 8 are missing: SPSS's -99 (a discrete user-missing value) and -95
        // (inside the declared range -98..-90), Stata's system-missing `.`.
        let tru = memberships(other, "TRU");
        assert!(tru[2].is_nan() && tru[7].is_nan());
        assert_eq!(tru.iter().filter(|v| v.is_nan()).count(), 2);
        // Variable labels are the default set labels; a label in the script wins.
        assert_eq!(
            other.set("HUM").unwrap().label.as_deref(),
            Some("Information human capital")
        );
        assert_eq!(
            other.set("WEB").unwrap().label.as_deref(),
            Some("Websites (as written)")
        );
        assert_eq!(
            other.set("SG").unwrap().label.as_deref(),
            Some("Online government service capability")
        );
    }
    // A CSV has no variable labels.
    assert_eq!(csv.set("HUM").unwrap().label, None);
}

#[test]
fn a_value_label_is_the_text_of_its_cell() {
    // Grouping by a labelled column groups by its labels; the numbers stay numbers.
    let (sav, _) = run_ok(data_dir(), &study(r#"spss("provinces.sav")"#));
    let t = &sav.scope().data.as_ref().unwrap().table;
    let j = t.column_index("province_code").unwrap();
    assert_eq!(t.labels(j)[0], "Beijing");
    assert_eq!(t.value(0, j), 1.0);
    assert_eq!(t.ids.name(0), "1");
    // `show data` shows a labelled column by its labels (declared sets are numbers).
    let (mut bare, _) = run_ok(data_dir(), "data p = stata(\"provinces.dta\")\n");
    let out = bare
        .run_text("more.toe", None, "show data\n".to_string())
        .expect("show data");
    let first = out
        .lines()
        .find(|l| l.trim_start().starts_with("1 "))
        .unwrap();
    assert!(
        first.contains("Beijing") && first.contains("8.61"),
        "{first}"
    );
}

#[test]
fn broken_statistics_files_are_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.sav"), b"not an spss file at all").unwrap();
    std::fs::write(dir.path().join("bad.dta"), b"<stata_dta><header>").unwrap();
    // A CSV named .sav, and a truncated real file.
    let real = std::fs::read(data_dir().join("provinces.dta")).unwrap();
    std::fs::write(dir.path().join("cut.dta"), &real[..real.len() / 2]).unwrap();
    let real = std::fs::read(data_dir().join("provinces.sav")).unwrap();
    std::fs::write(dir.path().join("cut.sav"), &real[..real.len() / 2]).unwrap();
    for (call, code) in [
        (r#"spss("bad.sav")"#, "toe::data::read_error"),
        (r#"stata("bad.dta")"#, "toe::data::read_error"),
        (r#"stata("cut.dta")"#, "toe::data::read_error"),
        (r#"spss("cut.sav")"#, "toe::data::read_error"),
        (r#"spss("none.sav")"#, "toe::data::missing_file"),
        (r#"read_sav("x.sav")"#, "toe::check::unknown_data_function"),
    ] {
        let mut s = toe::Session::new(dir.path());
        let e = s
            .run_text("t.toe", None, format!("data d = {call}\n"))
            .expect_err(call);
        assert_eq!(e[0].code, code, "{call}");
    }
}

#[test]
fn damaged_statistics_files_never_panic() {
    // Every truncation and a flipped byte at many places: a table or an error, never a panic.
    let dir = tempfile::tempdir().unwrap();
    for (file, call) in [("provinces.sav", "spss"), ("provinces.dta", "stata")] {
        let real = std::fs::read(data_dir().join(file)).unwrap();
        let target = dir.path().join(file);
        for at in (0..real.len()).step_by(61) {
            for bytes in [real[..at].to_vec(), {
                let mut b = real.clone();
                b[at] ^= 0xA5;
                b
            }] {
                std::fs::write(&target, &bytes).unwrap();
                let mut s = toe::Session::new(dir.path());
                let _ = s.run_text("t.toe", None, format!("data d = {call}(\"{file}\")\n"));
            }
        }
    }
}
