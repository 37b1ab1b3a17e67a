//! Large-n work (#27) must not change a single number: the permutation test's p-values and
//! every permuted effect, bit for bit, as the build before the large-n work computed them
//! (`tests/data/large_n/permutations.txt`, written by that build with `TOE_BLESS=1`).
//!
//! The data are the shared synthetic generator's (`generate::nca_data`), 10³ and 10⁴ cases,
//! continuous and rounded to two decimals (so that x and y have long runs of ties), in the
//! upper-left and the lower-right corner, with all four envelopment ceilings. Each line of
//! the fixture is `label ceiling p n_ge n_sims digest`, where `p` is Rust's round-trip
//! spelling of the f64 and `digest` an FNV-1a hash of the bits of every permuted effect in
//! permutation order.
//!
//! Memory at scale: the data are stored once (a set, an NCA result and an fsQCA input share
//! the table's columns; the case ids are the table's).

use super::generate::nca_data;
use std::fmt::Write as _;
use toe::engine::nca::{analyse, analyse_conditions, Ceiling, NcaOptions};

const FIXTURE: &str = "tests/data/large_n/permutations.txt";

fn digest(values: &[f64]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for v in values {
        for b in v.to_bits().to_le_bytes() {
            h ^= b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

struct Case {
    label: String,
    xs: Vec<Vec<f64>>,
    y: Vec<f64>,
    opts: NcaOptions,
}

fn round2(v: &[f64]) -> Vec<f64> {
    v.iter().map(|x| (x * 100.0).round() / 100.0).collect()
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    for (n, perms) in [(1000usize, 1000usize), (1000, 300), (10_000, 60)] {
        for rounded in [false, true] {
            for corner in [1u8, 4] {
                let (x1, y) = nca_data(n, 7 + n as u64);
                let (x2, _) = nca_data(n, 11 + n as u64);
                // a third condition with a few missing values: fewer complete cases
                let mut x3 = nca_data(n, 13 + n as u64).0;
                for i in (0..n).step_by(97) {
                    x3[i] = f64::NAN;
                }
                let (xs, y) = if rounded {
                    (vec![round2(&x1), round2(&x2), round2(&x3)], round2(&y))
                } else {
                    (vec![x1, x2, x3], y)
                };
                out.push(Case {
                    label: format!(
                        "n{n}_perm{perms}_{}_corner{corner}",
                        if rounded { "ties" } else { "continuous" }
                    ),
                    xs,
                    y,
                    opts: NcaOptions {
                        ceilings: vec![
                            Ceiling::CeFdh,
                            Ceiling::CrFdh,
                            Ceiling::CeVrs,
                            Ceiling::CrVrs,
                        ],
                        corner,
                        permutations: perms,
                        seed: Some(20_261_207),
                        keep_null_effects: true,
                        ..NcaOptions::default()
                    },
                });
            }
        }
    }
    out
}

fn line(label: &str, k: usize, r: &toe::engine::nca::NcaResult, out: &mut String) {
    for c in &r.ceilings {
        let t = c.test.as_ref().expect("a test was asked for");
        let _ = writeln!(
            out,
            "{label}_x{k} {} {:?} {} {} {:016x}",
            c.ceiling.name(),
            c.p_value,
            t.n_sims_ge_observed,
            t.n_sims,
            digest(&t.null_effects)
        );
    }
}

#[test]
fn permutation_tests_are_bit_for_bit_those_of_the_build_before() {
    let mut one_by_one = String::new();
    let mut together = String::new();
    for case in cases() {
        for (k, x) in case.xs.iter().enumerate() {
            let r = analyse(x, &case.y, &case.opts).expect("the data are valid");
            line(&case.label, k + 1, &r, &mut one_by_one);
        }
        let xs: Vec<&[f64]> = case.xs.iter().map(|v| v.as_slice()).collect();
        let opts = vec![case.opts.clone(); xs.len()];
        for (k, r) in analyse_conditions(&xs, &case.y, &opts, &|_| {})
            .into_iter()
            .enumerate()
        {
            line(
                &case.label,
                k + 1,
                &r.expect("the data are valid"),
                &mut together,
            );
        }
    }
    if std::env::var_os("TOE_BLESS").is_some() {
        std::fs::create_dir_all("tests/data/large_n").unwrap();
        std::fs::write(FIXTURE, &one_by_one).unwrap();
    }
    let expected = std::fs::read_to_string(FIXTURE).expect("the fixture exists");
    assert_eq!(expected.lines().count(), 3 * 2 * 2 * 3 * 4);
    for (want, got) in expected.lines().zip(one_by_one.lines()) {
        assert_eq!(got, want, "one condition at a time");
    }
    assert_eq!(one_by_one.lines().count(), expected.lines().count());
    for (want, got) in expected.lines().zip(together.lines()) {
        assert_eq!(got, want, "conditions sharing their permutations");
    }
    assert_eq!(together.lines().count(), expected.lines().count());
}

/// The truth table's sums, done in blocks of cases (docs/methods.md §4.5), are the sums of
/// one pass per row in data order, bit for bit: here recomputed the plain way (every case's
/// membership as the minimum over the conditions with `f64::min`, added in data order) for
/// 5,000 cases (many blocks) and 6 conditions, and compared with `to_bits`.
#[test]
fn truth_table_sums_in_blocks_are_those_of_one_pass_per_row() {
    use toe::engine::fsqca::truth_table::{build, Data};
    use toe::engine::fsqca::FsqcaOptions;
    let input = super::generate::uniform(6, 5000, 42);
    let data = Data::new(&input).expect("valid memberships");
    let tt = build(&data, false, &FsqcaOptions::default());
    assert!(tt.rows.len() > 30, "most of the 64 rows are observed");
    for row in &tt.rows {
        let (mut sm, mut smy, mut smyny) = (0.0f64, 0.0f64, 0.0f64);
        for i in 0..input.outcome.len() {
            let mut m = 1.0f64;
            for (j, &level) in row.config.iter().enumerate() {
                let x = input.memberships[j][i];
                m = m.min(if level == 1 { x } else { 1.0 - x });
            }
            let y = input.outcome[i];
            sm += m;
            smy += m.min(y);
            smyny += m.min(y.min(1.0 - y));
        }
        assert_eq!(
            row.consistency.to_bits(),
            (smy / sm).to_bits(),
            "row {}",
            row.row
        );
        let pri = (smy - smyny) / (sm - smyny);
        assert_eq!(row.pri.to_bits(), pri.to_bits(), "row {}", row.row);
    }
}

/// One copy of the data (docs/methods.md §3.4): the sets read the table's columns, NCA's
/// results and fsQCA's input hold the sets' columns, and the analysed case ids are the
/// table's — shared, not copied — when every case is complete; with a missing value the
/// complete cases are a copy of their own.
#[test]
fn the_data_are_stored_once() {
    use std::sync::Arc;
    let dir = std::env::temp_dir().join(format!("toe-large-n-shared-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("the temporary folder is writable");
    let (x, y) = nca_data(200, 5);
    let mut csv = String::from("id,x,y,z\n");
    for i in 0..x.len() {
        // z misses every tenth value
        let z = if i % 10 == 0 {
            String::new()
        } else {
            format!("{}", x[i] / 2.0)
        };
        csv.push_str(&format!("c{i},{},{},{z}\n", x[i], y[i]));
    }
    std::fs::write(dir.join("d.csv"), csv).expect("writable");
    let (s, _) = super::support::run_ok(
        dir.clone(),
        "data d = csv(\"d.csv\", id = id)\nconditions { X = x  Z = z }\noutcome Y = y\n\
         calibrate { * direct(e = p20, c = p50, i = p80) }\n\
         nca n: Y needs X, Z { on = raw }\nfsqca f: Y given X { consistency >= 0.8 }\n",
    );
    let table = &s.scope().data.as_ref().expect("data").table;
    let set = |n: &str| s.set(n).expect("the set");
    let column = |name: &str| table.column(table.column_index(name).expect("a column"));
    assert!(
        Arc::ptr_eq(&set("X").raw, &column("x")),
        "a set reads its column"
    );
    let nca = &s.results().nca["n"];
    let result = |k: usize| nca.conditions[k].1.as_ref().expect("a result");
    assert!(Arc::ptr_eq(&result(0).x, &set("X").raw) && Arc::ptr_eq(&result(0).y, &set("Y").raw));
    // Z misses 20 values: its complete cases are its own copy, 180 of them
    assert_eq!((result(1).x.len(), result(1).y.len()), (180, 180));
    assert!(!Arc::ptr_eq(&result(1).y, &set("Y").raw));
    let f = &s.results().fsqca["f"];
    let membership = |n: &str| set(n).membership.clone().expect("calibrated");
    assert!(Arc::ptr_eq(&f.input.memberships[0], &membership("X")));
    assert!(Arc::ptr_eq(&f.input.outcome, &membership("Y")));
    assert_eq!(
        f.input.cases, table.ids,
        "the analysed cases are the table's"
    );
    assert_eq!(f.result.cases.get(3), Some("c3"));
    let _ = std::fs::remove_dir_all(&dir);
}
