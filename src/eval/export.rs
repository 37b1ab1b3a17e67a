//! Stage 4–5, `export NAME to "file.ext"`: an analysis written as JSON, CSV, Markdown, LaTeX
//! (booktabs), a self-contained HTML report, or SVG plots.
//!
//! Guarantees: the format comes from the extension; the file is written atomically (a
//! temporary file in the same folder, then a rename), so an existing file is only ever
//! replaced by a complete new one; the same results give the same bytes.

use super::analyses::NcaRun;
use super::fsqca::{configuration_tables, intermediate_models, FsqcaRun};
use super::Session;
use crate::diagnostics::{codes, Diag};
use crate::report::{fixed3, num, plot};
use crate::source::Span;
use std::path::{Path, PathBuf};

/// The formats `export` writes.
pub const FORMATS: [&str; 6] = ["json", "csv", "md", "tex", "html", "svg"];

/// A table to write in any format.
struct Table {
    title: String,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Session {
    pub(super) fn run_export(
        &mut self,
        name: &str,
        path: &str,
        span: Span,
    ) -> Result<String, Diag> {
        let ext = Path::new(path)
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_lowercase();
        if !FORMATS.contains(&ext.as_str()) {
            return Err(Diag::error(
                codes::BAD_EXPORT,
                format!(
                    "expected a file ending in .{}, found `{path}`",
                    FORMATS.join(", .")
                ),
            )
            .at(span, "unknown format")
            .help("the format comes from the extension, e.g. \"out/high.md\""));
        }
        if self.check_only {
            return Ok(String::new());
        }
        let content = if let Some(run) = self.fsqca_runs.get(name) {
            fsqca_export(
                run,
                &ext,
                &self.necessary_for(&run.plan.outcome, run.plan.negated),
            )
        } else if let Some(run) = self.nca_runs.get(name) {
            nca_export(run, &ext)
        } else {
            return Err(Diag::error(
                codes::UNKNOWN_ANALYSIS,
                format!("expected results of `{name}`, found none"),
            )
            .at(span, "nothing to export")
            .help("export an analysis after its `nca` or `fsqca` block"));
        };
        let content = match ext.as_str() {
            "json" => {
                let v = self.results.get(name).cloned().unwrap_or_default();
                Ok(serde_json::to_string_pretty(&v).unwrap_or_default() + "\n")
            }
            _ => content,
        }
        .map_err(|e| {
            Diag::error(
                codes::WRITE_ERROR,
                format!("expected to draw `{name}`, found an error: {e}"),
            )
            .at(span, "this export")
            .help("report this as a bug, with the script")
        })?;
        let target = self.base_dir.join(path);
        write_atomically(&target, content.as_bytes()).map_err(|e| {
            Diag::error(
                codes::WRITE_ERROR,
                format!("expected to write `{path}`, found an error: {e}"),
            )
            .at(span, "cannot write here")
            .help("check that the folder can be created and written to")
        })?;
        Ok(format!("exported {name} to {path}\n"))
    }
}

/// Writes a temporary file beside `target`, then renames it over `target`.
pub fn write_atomically(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = target.parent() {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir)?;
        }
    }
    let name = target
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("export");
    let tmp: PathBuf = target.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, target)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

fn csv_of(t: &Table) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(&t.headers);
    for r in &t.rows {
        let _ = w.write_record(r);
    }
    w.into_inner()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default()
}

fn md_of(t: &Table) -> String {
    let esc = |s: &str| s.replace('|', "\\|");
    let mut s = format!(
        "### {}\n\n| {} |\n|",
        t.title,
        t.headers
            .iter()
            .map(|h| esc(h))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    for k in 0..t.headers.len() {
        s.push_str(if k == 0 { ":---|" } else { "---:|" });
    }
    s.push('\n');
    for r in &t.rows {
        s.push_str(&format!(
            "| {} |\n",
            r.iter().map(|c| esc(c)).collect::<Vec<_>>().join(" | ")
        ));
    }
    s.push('\n');
    s
}

fn tex_escape(s: &str) -> String {
    let mut o = String::new();
    for c in s.chars() {
        match c {
            '&' | '%' | '$' | '#' | '_' | '{' | '}' => {
                o.push('\\');
                o.push(c);
            }
            '~' => o.push_str("\\textasciitilde{}"),
            '^' => o.push_str("\\textasciicircum{}"),
            '\\' => o.push_str("\\textbackslash{}"),
            '●' => o.push_str("$\\bullet$"),
            '•' => o.push_str("$\\cdot$"),
            '⊗' => o.push_str("$\\otimes$"),
            '⊘' => o.push_str("$\\oslash$"),
            _ => o.push(c),
        }
    }
    o
}

fn tex_of(t: &Table) -> String {
    let cols = format!("l{}", "r".repeat(t.headers.len().saturating_sub(1)));
    let mut s = format!(
        "% {}\n\\begin{{table}}[htbp]\n\\centering\n\\caption{{{}}}\n\\begin{{tabular}}{{{cols}}}\n\\toprule\n{} \\\\\n\\midrule\n",
        t.title,
        tex_escape(&t.title),
        t.headers.iter().map(|h| tex_escape(h)).collect::<Vec<_>>().join(" & ")
    );
    for r in &t.rows {
        s.push_str(&format!(
            "{} \\\\\n",
            r.iter()
                .map(|c| tex_escape(c))
                .collect::<Vec<_>>()
                .join(" & ")
        ));
    }
    s.push_str("\\bottomrule\n\\end{tabular}\n\\end{table}\n\n");
    s
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn html_of(t: &Table) -> String {
    let mut s = format!("<h2>{}</h2>\n<table>\n<thead><tr>", html_escape(&t.title));
    for h in &t.headers {
        s.push_str(&format!("<th>{}</th>", html_escape(h)));
    }
    s.push_str("</tr></thead>\n<tbody>\n");
    for r in &t.rows {
        s.push_str("<tr>");
        for c in r {
            s.push_str(&format!("<td>{}</td>", html_escape(c)));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody>\n</table>\n");
    s
}

/// A self-contained HTML page: the tables and inline SVG plots, no external resources.
fn html_page(title: &str, tables: &[Table], svgs: &[String]) -> String {
    let mut s = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>{}</title>\n<style>\nbody {{ font-family: sans-serif; margin: 2em; color: #222; }}\ntable {{ border-collapse: collapse; margin-bottom: 1.5em; }}\nth, td {{ padding: 0.25em 0.7em; text-align: right; }}\nth:first-child, td:first-child {{ text-align: left; }}\nthead th {{ border-top: 2px solid #222; border-bottom: 1px solid #222; }}\ntbody tr:last-child td {{ border-bottom: 2px solid #222; }}\n</style>\n</head>\n<body>\n<h1>{}</h1>\n<p>Generated by toe {}.</p>\n",
        html_escape(title),
        html_escape(title),
        env!("CARGO_PKG_VERSION")
    );
    for t in tables {
        s.push_str(&html_of(t));
    }
    for svg in svgs {
        s.push_str("<figure>\n");
        s.push_str(svg.trim());
        s.push_str("\n</figure>\n");
    }
    s.push_str("</body>\n</html>\n");
    s
}

fn render(
    tables: &[Table],
    ext: &str,
    title: &str,
    svgs: impl Fn() -> Result<Vec<String>, String>,
) -> Result<String, String> {
    Ok(match ext {
        "csv" => tables.first().map(csv_of).unwrap_or_default(),
        "md" => format!(
            "# {title}\n\n{}",
            tables.iter().map(md_of).collect::<String>()
        ),
        "tex" => format!(
            "% {title} (toe {}); needs \\usepackage{{booktabs}}\n{}",
            env!("CARGO_PKG_VERSION"),
            tables.iter().map(tex_of).collect::<String>()
        ),
        "html" => html_page(title, tables, &svgs()?),
        "svg" => svgs()?.into_iter().next().unwrap_or_default(),
        _ => String::new(),
    })
}

fn nca_tables(run: &NcaRun, full: bool) -> Vec<Table> {
    let f = |v: f64| if full { v.to_string() } else { fixed3(v) };
    let p = &run.plan;
    let mut results = Table {
        title: format!(
            "NCA {}: {} needs {}",
            p.name,
            p.outcome,
            p.conditions.join(", ")
        ),
        headers: [
            "condition",
            "ceiling",
            "n",
            "effect size",
            "ceiling zone",
            "scope",
            "accuracy",
            "fit",
            "slope",
            "intercept",
            "condition inefficiency",
            "outcome inefficiency",
            "p",
            "p accuracy",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        rows: Vec::new(),
    };
    for (cond, r, _) in &run.conditions {
        let Ok(r) = r else { continue };
        for c in &r.ceilings {
            let opt = |v: Option<f64>| v.map(f).unwrap_or_else(|| "NA".into());
            results.rows.push(vec![
                cond.clone(),
                c.ceiling.name().into(),
                r.n.to_string(),
                f(c.effect_size),
                f(c.ceiling_zone),
                f(r.scope),
                f(c.accuracy),
                f(c.fit),
                opt(c.slope),
                opt(c.intercept),
                f(c.condition_ineff),
                f(c.outcome_ineff),
                opt(c.p_value),
                opt(c.p_accuracy),
            ]);
        }
    }
    let mut tables = vec![results];
    let names: Vec<String> = run
        .conditions
        .iter()
        .filter(|c| c.1.is_ok())
        .map(|c| c.0.clone())
        .collect();
    for t in &run.bottlenecks {
        let mut headers = vec![p.outcome.clone()];
        headers.extend(names.iter().cloned());
        let rows = t
            .levels
            .display
            .iter()
            .enumerate()
            .map(|(k, level)| {
                let mut row = vec![num(*level)];
                row.extend(
                    t.columns
                        .iter()
                        .map(|c| c.display.get(k).cloned().unwrap_or_default()),
                );
                row
            })
            .collect();
        tables.push(Table {
            title: format!("Bottlenecks ({}, {})", t.ceiling.name(), p.bottleneck_type),
            headers,
            rows,
        });
    }
    tables
}

fn nca_export(run: &NcaRun, ext: &str) -> Result<String, String> {
    let tables = nca_tables(run, ext == "csv");
    let title = format!("NCA {}", run.plan.name);
    render(&tables, ext, &title, || {
        let panels: Vec<(String, &crate::engine::nca::NcaResult)> = run
            .conditions
            .iter()
            .filter_map(|(c, r, _)| r.as_ref().ok().map(|r| (c.clone(), r)))
            .collect();
        Ok(vec![plot::nca_svg(&title, &run.plan.outcome, &panels)?])
    })
}

fn fsqca_tables(run: &FsqcaRun, necessary: &[String], full: bool) -> Vec<Table> {
    let f = |v: f64| if full { v.to_string() } else { fixed3(v) };
    let p = &run.plan;
    let r = &run.result;
    let mut tables = Vec::new();
    for ct in configuration_tables(run) {
        let mut headers = vec!["condition".to_string()];
        headers.extend(ct.configurations.iter().map(|c| c.id.clone()));
        let mut rows: Vec<Vec<String>> = p
            .conditions
            .iter()
            .enumerate()
            .map(|(j, c)| {
                let mark = if necessary.contains(c) { " (nec.)" } else { "" };
                let mut row = vec![format!("{c}{mark}")];
                row.extend(
                    ct.configurations
                        .iter()
                        .map(|cf| cf.cells[j].symbol(true).to_string()),
                );
                row
            })
            .collect();
        let stat = |label: &str, f: &dyn Fn(&crate::engine::fsqca::TermFit) -> String| {
            let mut row = vec![label.to_string()];
            row.extend(ct.configurations.iter().map(|c| f(&ct.model.terms[c.term])));
            row
        };
        rows.push(stat("raw coverage", &|x| fixed3(x.coverage)));
        rows.push(stat("unique coverage", &|x| {
            x.unique_coverage.map(fixed3).unwrap_or_else(|| "-".into())
        }));
        rows.push(stat("consistency", &|x| fixed3(x.consistency)));
        rows.push(stat("PRI", &|x| fixed3(x.pri)));
        let mut sol = vec!["solution consistency / PRI / coverage".to_string()];
        sol.push(format!(
            "{} / {} / {}",
            fixed3(ct.model.consistency),
            fixed3(ct.model.pri),
            fixed3(ct.model.coverage)
        ));
        sol.extend(std::iter::repeat_n(
            String::new(),
            ct.configurations.len().saturating_sub(1),
        ));
        rows.push(sol);
        tables.push(Table {
            title: format!(
                "Configurations of {} ({} solution {}): ● core, • peripheral, ⊗ core absent, ⊘ peripheral absent",
                p.name, ct.kind, ct.model.name
            ),
            headers,
            rows,
        });
    }
    let mut headers = vec!["row".to_string()];
    headers.extend(p.conditions.iter().cloned());
    headers.extend(
        ["OUT", "n", "consistency", "PRI", "cases"]
            .iter()
            .map(|s| s.to_string()),
    );
    let tt_rows = r
        .truth_table
        .rows
        .iter()
        .map(|t| {
            let mut row = vec![t.row.to_string()];
            row.extend(t.config.iter().map(|v| v.to_string()));
            row.extend([
                t.out.as_str().to_string(),
                t.n.to_string(),
                f(t.consistency),
                f(t.pri),
                t.cases.join(","),
            ]);
            row
        })
        .collect();
    let tt = Table {
        title: format!("Truth table of {}", p.name),
        headers,
        rows: tt_rows,
    };
    let mut sols = Table {
        title: format!("Solutions of {}", p.name),
        headers: [
            "solution",
            "model",
            "term",
            "consistency",
            "PRI",
            "raw coverage",
            "unique coverage",
            "cases",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        rows: Vec::new(),
    };
    for (kind, models) in [
        ("complex", r.complex.models.clone()),
        ("parsimonious", r.parsimonious.models.clone()),
        ("intermediate", intermediate_models(r)),
    ] {
        for m in &models {
            let label = match &m.from {
                Some(f) => format!("{} ({f})", m.name),
                None => m.name.clone(),
            };
            for t in &m.terms {
                sols.rows.push(vec![
                    kind.into(),
                    label.clone(),
                    t.expr.clone(),
                    fixed3(t.consistency),
                    fixed3(t.pri),
                    fixed3(t.coverage),
                    t.unique_coverage.map(fixed3).unwrap_or_else(|| "-".into()),
                    t.cases_string(),
                ]);
            }
        }
    }
    // CSV exports the truth table first, in full precision.
    let mut out = vec![tt];
    out.extend(tables);
    out.push(sols);
    out
}

fn fsqca_export(run: &FsqcaRun, ext: &str, necessary: &[String]) -> Result<String, String> {
    let mut tables = fsqca_tables(run, necessary, ext == "csv");
    if ext != "csv" {
        // Readers of a report want the configurations first.
        tables.rotate_left(1);
    }
    let title = format!("fsQCA {}", run.plan.name);
    render(&tables, ext, &title, || {
        let r = &run.result;
        let inter = intermediate_models(r);
        let (kind, model) = match inter.first() {
            Some(m) => ("intermediate", m.clone()),
            None => match r.parsimonious.models.first() {
                Some(m) => ("parsimonious", m.clone()),
                None => return Ok(Vec::new()),
            },
        };
        let x = solution_membership(
            &run.input.memberships,
            &model
                .terms
                .iter()
                .map(|t| t.implicant.clone())
                .collect::<Vec<_>>(),
        );
        let caption = format!(
            "{} solution: consistency {}, coverage {}",
            kind,
            fixed3(model.consistency),
            fixed3(model.coverage)
        );
        let y_label = format!(
            "{}{}",
            if run.plan.negated { "~" } else { "" },
            run.plan.outcome
        );
        Ok(vec![plot::xy_svg(
            &format!("{}: {}", run.plan.name, model.expression),
            &model.expression,
            &y_label,
            &x,
            &run.input.outcome,
            &caption,
        )?])
    })
}

/// Membership of each case in a sum of terms (0 = absent, level + 1 otherwise; binary 1 = ~X).
pub fn solution_membership(columns: &[Vec<f64>], terms: &[Vec<u32>]) -> Vec<f64> {
    let n = columns.first().map(|c| c.len()).unwrap_or(0);
    let multi: Vec<bool> = columns.iter().map(|c| c.iter().any(|v| *v > 1.0)).collect();
    (0..n)
        .map(|i| {
            terms
                .iter()
                .map(|t| {
                    t.iter()
                        .enumerate()
                        .filter(|(_, v)| **v != 0)
                        .map(|(j, v)| {
                            let x = columns[j][i];
                            if multi[j] {
                                if x == (*v - 1) as f64 {
                                    1.0
                                } else {
                                    0.0
                                }
                            } else if *v == 2 {
                                x
                            } else {
                                1.0 - x
                            }
                        })
                        .fold(1.0, f64::min)
                })
                .fold(0.0, f64::max)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solution_membership_by_hand() {
        // A = [0.2, 0.9], B = [0.7, 0.4]; A*~B + B → case 1: max(min(0.2, 0.3), 0.7) = 0.7;
        // case 2: max(min(0.9, 0.6), 0.4) = 0.6.
        let cols = vec![vec![0.2, 0.9], vec![0.7, 0.4]];
        assert_eq!(
            solution_membership(&cols, &[vec![2, 1], vec![0, 2]]),
            vec![0.7, 0.6]
        );
    }

    #[test]
    fn escapes() {
        assert_eq!(
            tex_escape("~A_1 & 50%"),
            "\\textasciitilde{}A\\_1 \\& 50\\%"
        );
        assert_eq!(html_escape("<a & \"b\">"), "&lt;a &amp; &quot;b&quot;&gt;");
    }
}
