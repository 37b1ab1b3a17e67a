//! The studio's data pane: the data files of the study's folder, and one file's columns
//! (type, range, missing values, a histogram), read by the same readers as a `data`
//! statement.
//!
//! Guarantees: only files inside the study's folder are listed or read (a path that leaves
//! it, through `..` or a link, is refused); a file that cannot be read gives its reader's
//! message, never a panic.

use crate::files::{self, LoadError, ReadOptions};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// The extensions the readers take.
const DATA: [&str; 8] = ["csv", "tsv", "txt", "xlsx", "xls", "ods", "sav", "dta"];

/// A path inside `folder` given relative to it, canonical; `None` when it leaves the folder
/// or does not exist.
pub fn inside(folder: &Path, rel: &str) -> Option<PathBuf> {
    if rel.is_empty() || Path::new(rel).is_absolute() {
        return None;
    }
    let root = folder.canonicalize().ok()?;
    let p = root.join(rel).canonicalize().ok()?;
    p.starts_with(&root).then_some(p)
}

/// The data files of the folder and its subfolders (two levels), relative, sorted.
pub fn list(folder: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let Ok(root) = folder.canonicalize() else {
        return out;
    };
    let mut dirs = vec![(root.clone(), 0)];
    while let Some((d, depth)) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().to_string();
            if name.starts_with('.') {
                continue;
            }
            if p.is_dir() && depth < 2 {
                dirs.push((p, depth + 1));
            } else if p
                .extension()
                .and_then(|x| x.to_str())
                .is_some_and(|x| DATA.contains(&x.to_lowercase().as_str()))
            {
                if let Ok(rel) = p.strip_prefix(&root) {
                    out.push(rel.to_string_lossy().replace('\\', "/"));
                }
            }
        }
    }
    out.sort();
    out
}

/// One file's columns: name, kind ("number" or "text"), missing count, minimum, maximum and
/// a histogram of ten bins (numbers), or the first values (text).
pub fn columns(folder: &Path, rel: &str) -> Result<Value, String> {
    let path = inside(folder, rel)
        .ok_or_else(|| format!("expected a data file inside the study's folder, found `{rel}`"))?;
    let ext = path
        .extension()
        .and_then(|x| x.to_str())
        .unwrap_or("")
        .to_lowercase();
    let o = ReadOptions::default();
    let loaded = match ext.as_str() {
        "xlsx" | "xls" | "ods" => files::read_workbook(&path, &o),
        "sav" | "zsav" => files::read_spss(&path, &o),
        "dta" => files::read_stata(&path, &o),
        _ => files::read_csv(&path, &o),
    }
    .map_err(|e| describe(&e))?;
    let t = &loaded.table;
    let n = t.rows();
    let cols: Vec<Value> = t
        .columns
        .iter()
        .enumerate()
        .map(|(j, name)| {
            let v = t.column(j);
            let texts = t.labels(j);
            let numeric = t.text[j].is_none();
            let missing = if numeric {
                v.iter().filter(|x| x.is_nan()).count()
            } else {
                texts.iter().filter(|x| x.is_empty()).count()
            };
            if numeric {
                let known: Vec<f64> = v.iter().copied().filter(|x| !x.is_nan()).collect();
                let (lo, hi) = known
                    .iter()
                    .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| (a.min(*x), b.max(*x)));
                let mut bins = vec![0usize; 10];
                if !known.is_empty() {
                    let w = (hi - lo) / 10.0;
                    for x in &known {
                        let k = if w > 0.0 { (((x - lo) / w) as usize).min(9) } else { 0 };
                        bins[k] += 1;
                    }
                }
                json!({ "name": name, "kind": "number", "missing": missing,
                        "min": if known.is_empty() { Value::Null } else { json!(lo) },
                        "max": if known.is_empty() { Value::Null } else { json!(hi) },
                        "histogram": bins, "values": v.iter().map(|x| if x.is_nan() { Value::Null } else { json!(x) }).collect::<Vec<_>>() })
            } else {
                let mut distinct: Vec<&String> = texts.iter().filter(|x| !x.is_empty()).collect();
                distinct.sort();
                distinct.dedup();
                json!({ "name": name, "kind": "text", "missing": missing,
                        "distinct": distinct.len(), "first": distinct.iter().take(5).collect::<Vec<_>>() })
            }
        })
        .collect();
    Ok(json!({ "path": rel, "rows": n, "sha256": loaded.sha256, "columns": cols }))
}

/// A reader's failure in words.
fn describe(e: &LoadError) -> String {
    match e {
        LoadError::Missing => "the file does not exist".into(),
        other => format!("the file cannot be read: {other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The provinces' columns: 31 rows, numbers with a histogram of 31 cases, the province
    /// names as text; a path leaving the folder is refused.
    #[test]
    fn columns_of_the_provinces() {
        let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
        assert!(list(&folder).contains(&"data/provinces.csv".to_string()));
        let c = columns(&folder, "data/provinces.csv").expect("columns");
        assert_eq!(c["rows"], 31);
        let cols = c["columns"].as_array().unwrap();
        let province = cols.iter().find(|x| x["name"] == "province").unwrap();
        assert_eq!(province["kind"], "text");
        let gdp = cols.iter().find(|x| x["name"] == "gdp_pc").unwrap();
        assert_eq!(gdp["kind"], "number");
        let total: u64 = gdp["histogram"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b.as_u64().unwrap())
            .sum();
        assert_eq!(total, 31);
        assert!(columns(&folder, "../Cargo.toml").is_err());
        assert!(columns(&folder, "/etc/passwd").is_err());
        assert!(inside(&folder, "data/../../src/main.rs").is_none());
    }
}
