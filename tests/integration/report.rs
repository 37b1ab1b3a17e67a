//! The study report (`toe report`): the HTML report of `examples/smart_government.toe` holds
//! each of the paper's tables with the JSON document's numbers (at the precision shown), is
//! well formed and accessible (one h1, a table of contents, captions, header cells with
//! scope, nothing loaded from outside); the Word report is a well-formed .docx whose tables
//! carry the same cells; the Markdown and LaTeX reports hold the same tables; reports are
//! byte-for-byte reproducible.

use crate::support::run_ok;
use serde_json::Value;
use std::collections::HashMap;
use std::path::PathBuf;
use toe::check::plan::Format;

fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples")
}

/// The smart-government study run once as `toe report` runs it: its report in every format
/// and its JSON document.
fn reports() -> &'static (HashMap<&'static str, Vec<u8>>, Value) {
    static DONE: std::sync::OnceLock<(HashMap<&'static str, Vec<u8>>, Value)> =
        std::sync::OnceLock::new();
    DONE.get_or_init(|| {
        let script = std::fs::read_to_string(examples().join("smart_government.toe")).unwrap();
        let (mut s, _) = run_ok(examples(), &script);
        let mut out = HashMap::new();
        for (ext, format) in [
            ("html", Format::Html),
            ("docx", Format::Docx),
            ("md", Format::Markdown),
            ("tex", Format::Latex),
        ] {
            let bytes = s
                .report("smart_government.toe", script.as_bytes(), format, "report")
                .unwrap_or_else(|d| panic!("{}", d.message));
            out.insert(ext, bytes);
        }
        (out, s.document("smart_government.toe", script.as_bytes()))
    })
}

fn study(format: Format) -> (Vec<u8>, Value) {
    let (out, json) = reports();
    (out[format.extension()].clone(), json.clone())
}

/// A table of the report: its caption, header and rows of cell texts.
#[derive(Debug)]
struct Shown {
    caption: String,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Shown {
    fn col(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name} in {}", self.caption))
    }
    fn row(&self, first: &[&str]) -> &Vec<String> {
        self.rows
            .iter()
            .find(|r| r.iter().zip(first).all(|(a, b)| a == b))
            .unwrap_or_else(|| panic!("no row {first:?} in {}", self.caption))
    }
}

/// The HTML report is well-formed XML (XHTML syntax, inline SVG): a strict parser reads it.
fn parse_html(html: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse_with_options(
        html,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    )
    .expect("the HTML report is well formed")
}

fn text_of(n: roxmltree::Node) -> String {
    n.descendants()
        .filter(|d| d.is_text())
        .map(|d| d.text().unwrap_or(""))
        .collect::<String>()
        .trim()
        .to_string()
}

fn html_tables(doc: &roxmltree::Document) -> Vec<Shown> {
    doc.descendants()
        .filter(|n| n.has_tag_name("table"))
        .map(|t| {
            // The caption's title (its number is a span of its own).
            let caption = t
                .children()
                .find(|c| c.has_tag_name("caption"))
                .and_then(|c| {
                    c.children()
                        .find(|s| s.attribute("class") == Some("t"))
                        .map(text_of)
                })
                .unwrap_or_default();
            // A mark reads as the terminal shows it: a small one is peripheral.
            let cell = |c: roxmltree::Node| -> String {
                let text = text_of(c);
                let small = c
                    .descendants()
                    .any(|s| s.attribute("class") == Some("m peri"));
                match (small, text.as_str()) {
                    (true, "●") => "•".into(),
                    (true, "⊗") => "⊘".into(),
                    _ => text,
                }
            };
            let cells = |row: roxmltree::Node| -> Vec<String> {
                row.children()
                    .filter(|c| c.has_tag_name("td") || c.has_tag_name("th"))
                    .map(cell)
                    .collect()
            };
            let header = t
                .descendants()
                .find(|n| n.has_tag_name("thead"))
                .and_then(|h| h.children().find(|c| c.has_tag_name("tr")))
                .map(cells)
                .unwrap_or_default();
            let rows = t
                .descendants()
                .find(|n| n.has_tag_name("tbody"))
                .map(|b| {
                    b.children()
                        .filter(|c| c.has_tag_name("tr"))
                        .map(cells)
                        .collect()
                })
                .unwrap_or_default();
            Shown {
                caption,
                header,
                rows,
            }
        })
        .collect()
}

/// `shown` is `value` at the precision shown: within half a unit of its last decimal.
fn agrees(shown: &str, value: f64) -> bool {
    let t = shown.trim_end_matches('%');
    if t == "<0.001" {
        return value < 0.001;
    }
    let Ok(v) = t.parse::<f64>() else {
        return false;
    };
    let decimals = t.split('.').nth(1).map(|d| d.len()).unwrap_or(0) as i32;
    (v - value).abs() <= 0.5 * 10f64.powi(-decimals) + 1e-9
}

fn assert_agrees(shown: &str, value: f64, what: &str) {
    assert!(agrees(shown, value), "{what}: shown {shown}, JSON {value}");
}

fn find<'a>(tables: &'a [Shown], starts: &str) -> &'a Shown {
    tables
        .iter()
        .find(|t| t.caption.starts_with(starts))
        .unwrap_or_else(|| panic!("no table `{starts}…`"))
}

/// The label of a set (its code when it has none): what rows show in a publication.
fn label(json: &Value, code: &str) -> String {
    let (neg, code) = match code.strip_prefix('~') {
        Some(c) => ("~", c),
        None => ("", code),
    };
    let l = json["sets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == code)
        .and_then(|s| s["label"].as_str())
        .unwrap_or(code);
    format!("{neg}{l}")
}

fn analysis<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["analyses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == name)
        .unwrap()
}

#[test]
fn html_report_holds_the_paper_s_tables_with_the_json_s_numbers() {
    let (bytes, json) = study(Format::Html);
    let html = String::from_utf8(bytes).unwrap();
    let doc = parse_html(&html);
    let tables = html_tables(&doc);

    // Table 1: variables, with the labels and dimensions of the JSON's sets.
    let vars = find(&tables, "Sets of the study");
    let sets = json["sets"].as_array().unwrap();
    assert_eq!(vars.rows.len(), sets.len());
    for s in sets {
        let r = vars.row(&[s["name"].as_str().unwrap()]);
        assert_eq!(r[vars.col("role")], s["role"].as_str().unwrap());
        assert_eq!(
            r[vars.col("dimension")],
            s["dimension"].as_str().unwrap_or("")
        );
        assert_eq!(r[vars.col("data column")], s["column"].as_str().unwrap());
        assert_eq!(r[vars.col("label")], s["label"].as_str().unwrap());
    }

    // Descriptive statistics of the raw values the JSON holds: mean and SD (n − 1) by hand.
    let desc = find(&tables, "Descriptive statistics");
    for s in sets {
        let raw: Vec<f64> = s["raw"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        let n = raw.len() as f64;
        let mean = raw.iter().sum::<f64>() / n;
        let sd = (raw.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
        let r = desc.row(&[s["name"].as_str().unwrap()]);
        assert_eq!(r[desc.col("n")], raw.len().to_string());
        assert_agrees(&r[desc.col("mean")], mean, "mean");
        assert_agrees(&r[desc.col("SD")], sd, "SD");
        let min = raw.iter().copied().fold(f64::INFINITY, f64::min);
        let max = raw.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        assert_agrees(&r[desc.col("min")], min, "min");
        assert_agrees(&r[desc.col("max")], max, "max");
    }

    // Calibration anchors as resolved (the seed paper's Table 2).
    let anchors = find(&tables, "Calibration anchors");
    for s in sets {
        let c = &s["calibration"];
        let r = anchors.row(&[s["name"].as_str().unwrap()]);
        assert_agrees(
            &r[anchors.col("full non-membership")],
            c["e"].as_f64().unwrap(),
            "e",
        );
        assert_agrees(&r[anchors.col("crossover")], c["c"].as_f64().unwrap(), "c");
        assert_agrees(
            &r[anchors.col("full membership")],
            c["i"].as_f64().unwrap(),
            "i",
        );
    }

    // The compact NCA table of the body: d, its size class and p of every condition and
    // ceiling (the condition named once, by its label).
    let compact = find(
        &tables,
        "Necessary conditions for online government service",
    );
    let nec = analysis(&json, "nec");
    let results = nec["results"].as_array().unwrap();
    assert_eq!(compact.rows.len(), results.len());
    let mut condition = String::new();
    for (row, r) in compact.rows.iter().zip(results) {
        if !row[0].is_empty() {
            condition = row[0].clone();
        }
        assert_eq!(condition, label(&json, r["condition"].as_str().unwrap()));
        assert_eq!(
            row[compact.col("ceiling")],
            r["ceiling"]
                .as_str()
                .unwrap()
                .replace('_', "-")
                .to_uppercase()
        );
        assert_agrees(
            &row[compact.col("d")],
            r["effect_size"].as_f64().unwrap(),
            "d",
        );
        assert_eq!(
            row[compact.col("size")],
            r["effect_label"].as_str().unwrap()
        );
        assert_agrees(&row[compact.col("p")], r["p_value"].as_f64().unwrap(), "p");
    }
    // The full NCA table (in the appendix): effect size, ceiling zone, scope, accuracy and p
    // of every condition and ceiling.
    let nca = find(&tables, "NCA parameters of each condition");
    assert_eq!(nca.rows.len(), results.len());
    for r in results {
        let row = nca.row(&[
            &label(&json, r["condition"].as_str().unwrap()),
            r["ceiling"].as_str().unwrap(),
        ]);
        for (col, key) in [
            ("effect size", "effect_size"),
            ("ceiling zone", "ceiling_zone"),
            ("scope", "scope"),
            ("accuracy", "accuracy"),
            ("p", "p_value"),
        ] {
            assert_agrees(&row[nca.col(col)], r[key].as_f64().unwrap(), key);
        }
    }

    // The bottleneck tables, every cell.
    for b in nec["bottlenecks"].as_array().unwrap() {
        let ceiling = b["ceiling"].as_str().unwrap();
        let name = ceiling.replace('_', "-").to_uppercase();
        let t = tables
            .iter()
            .find(|t| {
                t.caption.starts_with("Bottleneck table")
                    && t.caption.contains(&format!("({name} ceiling)"))
            })
            .unwrap_or_else(|| panic!("no bottleneck table of {name}"));
        let rows = b["rows"].as_array().unwrap();
        assert_eq!(t.rows.len(), rows.len());
        for (shown, r) in t.rows.iter().zip(rows) {
            assert_agrees(&shown[0], r["outcome"].as_f64().unwrap(), "outcome level");
            for (cond, v) in r["values"].as_object().unwrap() {
                let cell = &shown[t.col(cond)];
                match v.as_f64() {
                    // As the reference prints bottleneck tables (R's `sprintf` in NCA): a
                    // value below one unit of the last decimal shows as 0.
                    Some(x) if x.abs() < 0.1 && cell == "0.0" => {}
                    Some(x) => assert_agrees(cell, x, "bottleneck"),
                    None => assert_eq!(cell, v.as_str().unwrap()),
                }
            }
        }
    }

    // Necessity of single conditions.
    let high = analysis(&json, "high");
    let necessity = find(&tables, "Necessity of each condition");
    for r in high["necessity"].as_array().unwrap() {
        let row = necessity.row(&[&label(&json, r["expr"].as_str().unwrap())]);
        for key in ["consistency", "coverage"] {
            assert_agrees(&row[necessity.col(key)], r[key].as_f64().unwrap(), key);
        }
    }

    // The truth table: each row with cases, its n, consistency and PRI.
    let tt = find(&tables, "Truth table for high online government service");
    let with_cases: Vec<&Value> = high["truth_table"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["n"].as_u64().unwrap() > 0)
        .collect();
    for r in &with_cases {
        let row = tt.row(&[&r["row"].to_string()]);
        assert_eq!(row[tt.col("n")], r["n"].to_string());
        assert_agrees(
            &row[tt.col("consistency")],
            r["consistency"].as_f64().unwrap(),
            "incl",
        );
        assert_agrees(&row[tt.col("PRI")], r["pri"].as_f64().unwrap(), "PRI");
    }

    // The configuration table: per configuration its coverage and consistency; cores and
    // peripheries as marks.
    let conf = find(&tables, "Configurations for high online government service");
    let configurations = high["configurations"].as_array().unwrap();
    for c in configurations {
        let id = c["id"].as_str().unwrap();
        let j = conf.col(id);
        assert_agrees(
            &conf.row(&["raw coverage"])[j],
            c["coverage"].as_f64().unwrap(),
            "cov",
        );
        assert_agrees(
            &conf.row(&["consistency"])[j],
            c["consistency"].as_f64().unwrap(),
            "incl",
        );
        for core in c["core"].as_array().unwrap() {
            let name = label(&json, core.as_str().unwrap());
            let row = conf
                .rows
                .iter()
                .find(|r| r[0].trim_end_matches(" (nec.)") == name)
                .unwrap();
            assert_eq!(row[j], "●", "{id} {name}");
        }
        for p in c["peripheral"].as_array().unwrap() {
            let name = label(&json, p.as_str().unwrap());
            let row = conf
                .rows
                .iter()
                .find(|r| r[0].trim_end_matches(" (nec.)") == name)
                .unwrap();
            assert_eq!(row[j], "•", "{id} {name}");
        }
    }
    // NEST marks beside it.
    find(&tables, "NCA-extended configuration table (NEST)");

    // Cases per configuration.
    let cases = find(&tables, "Cases covered by each configuration");
    for c in configurations {
        let row = cases.row(&[c["id"].as_str().unwrap()]);
        assert_eq!(row[cases.col("term")], c["term"].as_str().unwrap());
        let mut listed: Vec<String> = row[cases.col("cases")]
            .split([',', ';'])
            .map(|s| s.trim().to_string())
            .collect();
        let mut expected: Vec<String> = c["cases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect();
        listed.sort();
        expected.sort();
        assert_eq!(listed, expected, "{}", c["id"]);
    }
}

#[test]
fn html_report_is_accessible_and_self_contained() {
    let (bytes, json) = study(Format::Html);
    let html = String::from_utf8(bytes).unwrap();
    let doc = parse_html(&html);
    let root = doc.root_element();
    assert_eq!(root.attribute("lang"), Some("en"));
    let tags = |name: &'static str| doc.descendants().filter(move |n| n.has_tag_name(name));
    // One h1 (the study's title), then h2 sections: no level skipped.
    assert_eq!(tags("h1").count(), 1);
    assert_eq!(
        text_of(tags("h1").next().unwrap()),
        json["study"].as_str().unwrap()
    );
    assert_eq!(tags("h4").count() + tags("h5").count(), 0);
    // The table of contents links every section heading, and every link lands.
    let ids: Vec<&str> = tags("h2").filter_map(|h| h.attribute("id")).collect();
    let links: Vec<&str> = tags("nav")
        .flat_map(|n| n.descendants().filter(|a| a.has_tag_name("a")))
        .filter_map(|a| a.attribute("href"))
        .collect();
    assert!(links.len() >= 9, "{links:?}");
    for l in &links {
        assert!(ids.contains(&l.trim_start_matches('#')), "{l}");
    }
    // Every table: a caption and header cells with a scope; no empty header.
    for t in tags("table") {
        assert!(t.children().any(|c| c.has_tag_name("caption")));
        for th in t.descendants().filter(|n| n.has_tag_name("th")) {
            assert!(matches!(th.attribute("scope"), Some("col") | Some("row")));
        }
        let head = t.descendants().find(|n| n.has_tag_name("thead")).unwrap();
        assert!(head
            .descendants()
            .filter(|n| n.has_tag_name("th"))
            .all(|th| !text_of(th).is_empty()));
    }
    // Figures are inline SVG with a caption; nothing is loaded from outside.
    assert!(tags("figure").count() >= 2);
    for f in tags("figure") {
        assert!(f.children().any(|c| c.has_tag_name("figcaption")));
        assert!(f.descendants().any(|c| c.tag_name().name() == "svg"));
    }
    for n in doc.descendants() {
        for a in ["src", "href"] {
            if let Some(v) = n.attribute(a) {
                assert!(v.starts_with('#'), "external {a}: {v}");
            }
        }
    }
    assert!(!html.contains("<script") && !html.contains("@import"));
    // Readable on a phone (a viewport, tables scroll sideways) and printable.
    assert!(html.contains("name=\"viewport\"") && html.contains("overflow-x: auto"));
    assert!(html.contains("@media print"));
    // Provenance: the version, the script's and the data's SHA-256, the seed, the references.
    let prov = text_of(
        tags("dl")
            .find(|d| d.attribute("class") == Some("provenance"))
            .unwrap(),
    );
    assert!(prov.contains(json["data"]["sha256"].as_str().unwrap()));
    assert!(prov.contains(json["script"]["sha256"].as_str().unwrap()));
    assert!(prov.contains("nca nec: 2021"));
    assert!(prov.contains("QCA 3.23") && prov.contains("NCA 5.0.1"));
}

/// The text of every table of a .docx: (rows of cell texts) per table, in order.
fn docx_tables(bytes: &[u8]) -> (Vec<Vec<Vec<String>>>, String, usize) {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip archive");
    let mut xml = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("word/document.xml").expect("document.xml"),
        &mut xml,
    )
    .unwrap();
    let media = (0..zip.len())
        .filter(|&i| {
            let f = zip.by_index(i).unwrap();
            f.name().starts_with("word/media/") && {
                let name = f.name().to_string();
                drop(f);
                let mut b = Vec::new();
                std::io::Read::read_to_end(&mut zip.by_name(&name).unwrap(), &mut b).unwrap();
                b.starts_with(b"\x89PNG")
            }
        })
        .count();
    let doc = roxmltree::Document::parse(&xml).expect("document.xml is well formed");
    let w = |n: roxmltree::Node, name: &str| n.tag_name().name() == name;
    let tables = doc
        .descendants()
        .filter(|n| w(*n, "tbl"))
        .map(|t| {
            t.children()
                .filter(|r| w(*r, "tr"))
                .map(|r| {
                    r.children()
                        .filter(|c| w(*c, "tc"))
                        .map(|c| {
                            c.descendants()
                                .filter(|x| w(*x, "t"))
                                .filter_map(|x| x.text())
                                .collect::<String>()
                        })
                        .collect()
                })
                .collect()
        })
        .collect();
    let body: String = doc
        .descendants()
        .filter(|x| w(*x, "t"))
        .filter_map(|x| x.text())
        .collect::<Vec<_>>()
        .join("\n");
    (tables, body, media)
}

#[test]
fn word_report_has_real_tables_with_the_html_s_cells() {
    let (docx, json) = study(Format::Docx);
    let (html, _) = study(Format::Html);
    let html = String::from_utf8(html).unwrap();
    let hdoc = parse_html(&html);
    let shown = html_tables(&hdoc);
    let (tables, body, pictures) = docx_tables(&docx);
    // One Word table per report table, numbered and titled in journal style; the same cells
    // (a mark's size aside: Word's marks are the glyphs ● and ⊗ at two sizes; the breaks
    // allowed after `*`, `+`, `;` are zero-width spaces).
    assert_eq!(tables.len(), shown.len());
    for (k, s) in shown.iter().enumerate() {
        assert!(body.contains(&format!("Table {}", k + 1)));
        assert!(body.contains(&s.caption), "{}", s.caption);
        let t = &tables[k];
        assert_eq!(t[0], s.header, "{}", s.caption);
        assert_eq!(t.len(), s.rows.len() + 1, "{}", s.caption);
        for (wr, hr) in t[1..].iter().zip(&s.rows) {
            for (j, (a, b)) in wr.iter().zip(hr).enumerate() {
                let a = a.replace('\u{200b}', "");
                let b = b.replace('•', "●").replace('⊘', "⊗").replace('\u{a0}', " ");
                assert_eq!(a, b, "{} column {}", s.caption, s.header[j]);
            }
        }
    }
    // d of HUM (CR-FDH) with 3 decimals, as everywhere.
    let d = analysis(&json, "nec")["results"][0]["effect_size"]
        .as_f64()
        .unwrap();
    assert!(tables.iter().flatten().any(|r| r.len() > 3
        && r[0] == "Information human capital"
        && r[1] == "CR-FDH"
        && r[2] == format!("{d:.3}")));
    // The plots are embedded as PNG pictures: the NCA scatter plots and the XY plot.
    assert_eq!(pictures, 2);
    assert!(body.contains("Figure 1") && body.contains("Figure 2"));
    assert!(body.contains(json["data"]["sha256"].as_str().unwrap()));
}

#[test]
fn markdown_and_latex_reports_hold_the_tables() {
    let (md, json) = study(Format::Markdown);
    let md = String::from_utf8(md).unwrap();
    let (tex, _) = study(Format::Latex);
    let tex = String::from_utf8(tex).unwrap();
    for (k, title) in [
        "Sets of the study: role, framework dimension, data column and label",
        "Descriptive statistics of the raw data",
        "Calibration anchors in data units",
    ]
    .iter()
    .enumerate()
    {
        let n = k + 1;
        assert!(md.contains(&format!("**Table {n}.** *{title}")), "{title}");
        assert!(
            tex.contains(&format!(
                "\\caption*{{\\textbf{{Table {n}}}\\\\\\textit{{{title}"
            )),
            "{title}"
        );
    }
    assert!(md.contains("Cases covered by each configuration"));
    assert!(md.contains("## Contents") && md.contains("(#provenance)"));
    assert!(tex.contains("\\begin{document}") && tex.contains("\\end{document}"));
    let label = json["sets"][0]["label"].as_str().unwrap();
    assert!(md.contains(label) && tex.contains(label));
}

#[test]
fn reports_are_reproducible_byte_for_byte() {
    // Two runs of the binary: the same bytes (the Word file included: no timestamps).
    let dir = tempfile::tempdir().unwrap();
    let mut seen: HashMap<String, Vec<u8>> = HashMap::new();
    for round in 0..2 {
        for ext in ["html", "docx"] {
            let out = dir.path().join(format!("r{round}.{ext}"));
            let st = std::process::Command::new(env!("CARGO_BIN_EXE_toe"))
                .args(["report", "smart_government.toe", "-o"])
                .arg(&out)
                .current_dir(examples())
                .output()
                .unwrap();
            assert!(
                st.status.success(),
                "{}",
                String::from_utf8_lossy(&st.stderr)
            );
            let bytes = std::fs::read(&out).unwrap();
            if let Some(prev) = seen.insert(ext.to_string(), bytes.clone()) {
                assert!(prev == bytes, "{ext} differs between runs");
            }
        }
    }
}

#[test]
fn a_report_in_another_format_is_refused_before_the_script_runs() {
    let dir = tempfile::tempdir().unwrap();
    let st = std::process::Command::new(env!("CARGO_BIN_EXE_toe"))
        .args(["report", "no_such_script.toe", "-o"])
        .arg(dir.path().join("report.csv"))
        .output()
        .unwrap();
    assert_eq!(st.status.code(), Some(2));
    let err = String::from_utf8_lossy(&st.stderr);
    assert!(err.contains("toe::run::report_format"), "{err}");
}

#[test]
fn an_analysis_exports_to_word() {
    let dir = tempfile::tempdir().unwrap();
    let script = std::fs::read_to_string(examples().join("smart_government.toe"))
        .unwrap()
        .replace(
            "data/provinces.csv",
            &format!("{}/data/provinces.csv", examples().display()),
        );
    let script = format!(
        "{script}\nexport nec to \"{d}/nec.docx\"\nexport high to \"{d}/high.docx\"\n",
        d = dir.path().display()
    );
    let _ = run_ok(dir.path().to_path_buf(), &script);
    let (tables, body, pictures) =
        docx_tables(&std::fs::read(dir.path().join("nec.docx")).unwrap());
    // The compact NCA table, the two bottleneck tables and the full table (the appendix).
    assert!(tables.len() >= 4, "{}", tables.len());
    assert_eq!(tables[0][0][0], "condition");
    assert!(body.contains("Table 1") && pictures == 1);
    let (tables, _, pictures) = docx_tables(&std::fs::read(dir.path().join("high.docx")).unwrap());
    assert_eq!(tables[0][0][0], "condition");
    assert!(tables
        .iter()
        .any(|t| t.iter().any(|r| r.iter().any(|c| c == "●"))));
    assert_eq!(pictures, 1);
}
