//! Stage 5, the study report as text: one self-contained HTML page (table of contents,
//! readable on a phone, printable), Markdown, and a LaTeX document (booktabs). The tables
//! are rendered by [`super::table`]'s renderers, the same as `export`'s.
//!
//! Guarantees: the HTML page loads nothing from outside (styles inline, plots as inline SVG),
//! has one `h1`, an `h2` per section listed in a `nav` table of contents, every table a
//! `caption` and `th` headers with `scope`; the same report gives the same bytes.

use super::model::Report;
use super::table::{html_escape, html_table, md_table, tex_escape, tex_table, Block, Doc};

const CSS: &str = "\
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; line-height: 1.45;
  color: #1a1a1a; max-width: 60rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.3rem; margin-top: 2.2rem;
  border-bottom: 1px solid #ccc; padding-bottom: 0.2rem; }
nav ol { padding-left: 1.4rem; } nav a { color: #0645ad; }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; margin-bottom: 1.5rem; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
caption { font-weight: bold; text-align: left; padding: 0.5rem 0; caption-side: top; }
th, td { padding: 0.25rem 0.7rem; text-align: right; white-space: nowrap; }
th:first-child, td:first-child, th.l, td.l { text-align: left; }
tbody th { font-weight: normal; }
thead th { border-top: 2px solid #1a1a1a; border-bottom: 1px solid #1a1a1a; }
tbody tr:last-child td, tbody tr:last-child th { border-bottom: 2px solid #1a1a1a; }
p.note { font-size: 0.9rem; margin: 0.3rem 0 1rem 0; white-space: normal; }
figure { margin: 1rem 0; } figure svg { max-width: 100%; height: auto; }
figcaption { font-size: 0.9rem; }
dl.provenance { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; }
dl.provenance dd { margin: 0; overflow-wrap: anywhere; }
@media (max-width: 40rem) { body { padding: 0.5rem; } th, td { padding: 0.2rem 0.4rem; } }
@media print { nav { display: none; } h2 { break-before: auto; }
  table, figure { break-inside: avoid; } a { color: inherit; text-decoration: none; } }
";

fn html_doc(doc: &Doc, s: &mut String) {
    for b in &doc.blocks {
        match b {
            Block::Line(_, l) => s.push_str(&format!("<p>{}</p>\n", html_escape(l.trim()))),
            Block::Table(_, t) => {
                // A region that scrolls sideways on a phone; focusable, so that a keyboard
                // can scroll it too.
                s.push_str(&format!(
                    "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"{}\">\n",
                    html_escape(if t.title.is_empty() {
                        "table"
                    } else {
                        &t.title
                    })
                ));
                s.push_str(&html_table(t));
                s.push_str("</div>\n");
            }
            Block::Blank => {}
        }
    }
}

/// The report as one HTML page.
pub fn html(r: &Report) -> String {
    let mut s = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>{}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n<header>\n<h1>{}</h1>\n</header>\n",
        html_escape(&r.title),
        html_escape(&r.title)
    );
    s.push_str("<nav aria-label=\"Contents\">\n<h2 id=\"contents\">Contents</h2>\n<ol>\n");
    for sec in &r.sections {
        s.push_str(&format!(
            "<li><a href=\"#{}\">{}</a></li>\n",
            sec.id,
            html_escape(&sec.title)
        ));
    }
    s.push_str("<li><a href=\"#provenance\">Provenance</a></li>\n</ol>\n</nav>\n<main>\n");
    for sec in &r.sections {
        s.push_str(&format!(
            "<section aria-labelledby=\"{id}\">\n<h2 id=\"{id}\">{}</h2>\n",
            html_escape(&sec.title),
            id = sec.id
        ));
        html_doc(&sec.doc, &mut s);
        for f in &sec.figures {
            s.push_str(&format!(
                "<figure role=\"group\" aria-label=\"{cap}\">\n{}\n<figcaption>{cap}</figcaption>\n</figure>\n",
                f.svg.trim(),
                cap = html_escape(&f.caption)
            ));
        }
        s.push_str("</section>\n");
    }
    s.push_str("<section aria-labelledby=\"provenance\">\n<h2 id=\"provenance\">Provenance</h2>\n<dl class=\"provenance\">\n");
    for (k, v) in &r.provenance {
        s.push_str(&format!(
            "<dt>{}</dt><dd>{}</dd>\n",
            html_escape(k),
            html_escape(v)
        ));
    }
    s.push_str("</dl>\n</section>\n</main>\n</body>\n</html>\n");
    s
}

/// The report as Markdown (GitHub pipe tables; plots are left to the HTML and Word reports).
pub fn markdown(r: &Report) -> String {
    let mut s = format!("# {}\n\n## Contents\n\n", r.title);
    for (k, sec) in r.sections.iter().enumerate() {
        s.push_str(&format!("{}. [{}](#{})\n", k + 1, sec.title, sec.id));
    }
    s.push_str(&format!(
        "{}. [Provenance](#provenance)\n\n",
        r.sections.len() + 1
    ));
    for sec in &r.sections {
        s.push_str(&format!(
            "<a id=\"{}\"></a>\n\n## {}\n\n",
            sec.id, sec.title
        ));
        for b in &sec.doc.blocks {
            match b {
                Block::Line(_, l) => s.push_str(&format!("{}\n\n", l.trim())),
                Block::Table(_, t) => s.push_str(&md_table(t)),
                Block::Blank => {}
            }
        }
        for f in &sec.figures {
            s.push_str(&format!(
                "*Figure: {} (in the HTML and Word reports).*\n\n",
                f.caption
            ));
        }
    }
    s.push_str("<a id=\"provenance\"></a>\n\n## Provenance\n\n");
    for (k, v) in &r.provenance {
        s.push_str(&format!("- **{k}**: {v}\n"));
    }
    s
}

/// The report as a LaTeX document (article, booktabs); plots are left to the HTML and Word
/// reports.
pub fn latex(r: &Report) -> String {
    let mut s = format!(
        "% toe {}\n\\documentclass{{article}}\n\\usepackage[utf8]{{inputenc}}\n\\usepackage{{booktabs}}\n\\usepackage{{amssymb}}\n\\usepackage[margin=2cm]{{geometry}}\n\\title{{{}}}\n\\date{{}}\n\\begin{{document}}\n\\maketitle\n\\tableofcontents\n\n",
        env!("CARGO_PKG_VERSION"),
        tex_escape(&r.title)
    );
    for sec in &r.sections {
        s.push_str(&format!("\\section{{{}}}\n\n", tex_escape(&sec.title)));
        for b in &sec.doc.blocks {
            match b {
                Block::Line(_, l) => s.push_str(&format!("{}\n\n", tex_escape(l.trim()))),
                Block::Table(_, t) => s.push_str(&tex_table(t)),
                Block::Blank => {}
            }
        }
    }
    s.push_str("\\section{Provenance}\n\n\\begin{description}\n");
    for (k, v) in &r.provenance {
        s.push_str(&format!("\\item[{}] {}\n", tex_escape(k), tex_escape(v)));
    }
    s.push_str("\\end{description}\n\\end{document}\n");
    s
}
