//! Stage 5, LaTeX: a [`Report`] (the study report, or one analysis' export) as a complete
//! document that `pdflatex` and `xelatex` compile as it is — booktabs tables sized to the text
//! width (long ones as `longtable`, wide ones in a landscape page), APA captions, the
//! configuration marks and NEST's mark as defined macros, the plots as TikZ pictures.
//!
//! Guarantees: every text is escaped ([`escape`]: TeX's specials, `<`, `>`, and every
//! character outside Latin-1 that the report uses as a command or a symbol; any other one
//! becomes `?`, so no input stops the compiler); a table's columns are never narrower than a
//! number, a word or a conjunct of a term (the widths of [`super::layout`]), so nothing is set
//! past the margin; the same report gives the same bytes.

pub use super::escape::latex as escape;
use super::figure::Figure;
use super::layout;
use super::model::Report;
use super::table::{shown, Align, Block, Cell, Style, Table};
use crate::engine::configurations::CellKind;

/// The preamble's commands for the marks: large and small circles, filled (present) and
/// crossed (absent), as in Fiss (2011); NEST's triangle.
pub const MACROS: &str = r"\newcommand{\toeCoreIn}{\tikz[baseline=-0.65ex]\fill (0,0) circle (0.78ex);}
\newcommand{\toeCoreOut}{\tikz[baseline=-0.65ex]{\draw[line width=0.12ex] (0,0) circle (0.72ex);\draw[line width=0.12ex] (-0.5ex,-0.5ex) -- (0.5ex,0.5ex) (-0.5ex,0.5ex) -- (0.5ex,-0.5ex);}}
\newcommand{\toePeriIn}{\tikz[baseline=-0.65ex]\fill (0,0) circle (0.45ex);}
\newcommand{\toePeriOut}{\tikz[baseline=-0.65ex]{\draw[line width=0.09ex] (0,0) circle (0.42ex);\draw[line width=0.09ex] (-0.3ex,-0.3ex) -- (0.3ex,0.3ex) (-0.3ex,0.3ex) -- (0.3ex,-0.3ex);}}
\newcommand{\toeNCA}{\tikz[baseline=0ex]\fill (0,0) -- (1.1ex,0) -- (1.1ex,1.1ex) -- cycle;}
";

/// The text width of the page, in points (A4, 2.25 cm margins: 16.5 cm), and of a landscape
/// page (25.2 cm).
const PORTRAIT: f64 = 16.5 / 2.54 * 72.27;
const LANDSCAPE: f64 = 25.2 / 2.54 * 72.27;

/// A cell in LaTeX: marks as the macros, at their sizes; a term may break after `*` and `+`.
fn cell(c: &Cell, style: Style) -> String {
    match c {
        Cell::Mark(k) => match k {
            CellKind::CorePresent => "\\toeCoreIn{}".into(),
            CellKind::PeripheralPresent => "\\toePeriIn{}".into(),
            CellKind::CoreAbsent => "\\toeCoreOut{}".into(),
            CellKind::PeripheralAbsent => "\\toePeriOut{}".into(),
            CellKind::Blank => String::new(),
        },
        other => escape(&layout::breakable(&shown(other, style), "\u{200b}")),
    }
}

/// The size commands and the points of an em at each (Computer Modern, with a tenth to
/// spare); a column's padding (two `\\tabcolsep`).
const SIZES: [(&str, f64); 3] = [
    ("\\small", 11.0),
    ("\\footnotesize", 9.9),
    ("\\scriptsize", 7.7),
];
const PAD: f64 = 12.0;

/// How a table is set: its size command, column specs and whether on a landscape page.
struct Setting {
    size: &'static str,
    spec: String,
    landscape: bool,
}

fn setting(t: &Table, style: Style) -> Setting {
    let w = layout::widths(t, style);
    let ncol = w.natural.len();
    let align = |j: usize| t.columns.get(j).map(|c| c.align).unwrap_or(Align::Right);
    // Portrait in the two larger sizes, then landscape; the smallest size last.
    let tries = [
        (false, SIZES[0]),
        (false, SIZES[1]),
        (true, SIZES[0]),
        (true, SIZES[1]),
        (true, SIZES[2]),
    ];
    for (landscape, (size, ch)) in tries {
        let budget = if landscape { LANDSCAPE } else { PORTRAIT };
        {
            let Some(cols) = layout::fit(&w, ch, PAD, budget - 2.0) else {
                continue;
            };
            let spec: String = (0..ncol)
                .map(|j| {
                    let natural = w.natural[j] * ch + PAD;
                    if cols[j] + 0.01 >= natural {
                        if align(j) == Align::Left { "l" } else { "r" }.to_string()
                    } else {
                        // A column narrower than its longest text wraps (ragged right).
                        format!(
                            ">{{\\raggedright\\arraybackslash}}p{{{:.1}pt}}",
                            cols[j] - PAD
                        )
                    }
                })
                .collect();
            return Setting {
                size,
                spec,
                landscape,
            };
        }
    }
    // Wider than a landscape page even in the smallest size: every column wraps.
    let each = (LANDSCAPE - 2.0) / ncol.max(1) as f64 - PAD;
    Setting {
        size: "\\scriptsize",
        spec: (0..ncol)
            .map(|_| format!(">{{\\raggedright\\arraybackslash}}p{{{each:.1}pt}}"))
            .collect(),
        landscape: true,
    }
}

/// A caption in APA style: the number bold on its own line, the title in italics.
fn caption(kind: &str, number: Option<usize>, text: &str) -> String {
    format!(
        "\\caption*{{\\textbf{{{kind} {}}}\\\\\\textit{{{}}}}}",
        number.map(|n| n.to_string()).unwrap_or_default(),
        escape(text)
    )
}

/// One table: a float (`table`) of booktabs rules, or a `longtable` when long; in a landscape
/// page when too wide for a portrait one.
pub fn table(t: &Table, style: Style) -> String {
    let set = setting(t, style);
    let long = t.rows.len() > 28;
    let header = if t.header {
        format!(
            "{} \\\\\n\\midrule\n",
            t.columns
                .iter()
                .map(|c| escape(&c.header))
                .collect::<Vec<_>>()
                .join(" & ")
        )
    } else {
        String::new()
    };
    let body: String = t
        .rows
        .iter()
        .map(|r| {
            format!(
                "{} \\\\\n",
                r.iter()
                    .map(|c| cell(c, style))
                    .collect::<Vec<_>>()
                    .join(" & ")
            )
        })
        .collect();
    let notes: Vec<String> = t
        .notes
        .iter()
        .enumerate()
        .map(|(k, n)| {
            if k == 0 {
                format!("\\textit{{Note.}} {}", escape(n))
            } else {
                escape(n)
            }
        })
        .collect();
    let cap = caption("Table", t.number, t.caption_text());
    let mut s = String::new();
    if set.landscape {
        s.push_str("\\begin{landscape}\n");
    }
    if long {
        s.push_str(&format!(
            "{{{}\n\\begin{{longtable}}{{@{{}}{}@{{}}}}\n{cap}\\\\\n\\toprule\n{header}\\endfirsthead\n\\toprule\n{header}\\endhead\n\\bottomrule\n\\endfoot\n{body}\\end{{longtable}}\n",
            set.size, set.spec
        ));
        if !notes.is_empty() {
            s.push_str(&format!(
                "\\par\\vspace{{-0.5\\baselineskip}}{{\\footnotesize {}\\par}}\n",
                notes.join("\\\\\n")
            ));
        }
        s.push_str("}\n");
    } else {
        s.push_str(&format!(
            "\\begin{{table}}[!htbp]\n{}\n{cap}\n\\begin{{tabular}}{{@{{}}{}@{{}}}}\n\\toprule\n{header}{body}\\bottomrule\n\\end{{tabular}}\n",
            set.size, set.spec
        ));
        if !notes.is_empty() {
            s.push_str(&format!(
                "\\par\\smallskip\\begin{{minipage}}{{\\linewidth}}\\footnotesize {}\\end{{minipage}}\n",
                notes.join("\\\\\n")
            ));
        }
        s.push_str("\\end{table}\n");
    }
    if set.landscape {
        s.push_str("\\end{landscape}\n");
    }
    s.push('\n');
    s
}

/// A figure: the TikZ picture (scaled to the text width when wider), with its caption.
pub fn figure(f: &Figure, number: Option<usize>, text: &str) -> String {
    let picture = if f.width > PORTRAIT - 2.0 {
        format!("\\resizebox{{\\linewidth}}{{!}}{{%\n{}}}", f.tikz())
    } else {
        f.tikz()
    };
    format!(
        "\\begin{{figure}}[!htbp]\n{}\n\\centering\n{picture}\n\\end{{figure}}\n\n",
        caption("Figure", number, text),
    )
}

fn blocks(doc: &super::table::Doc, style: Style, s: &mut String) {
    for b in &doc.blocks {
        match b {
            Block::Line(_, l) => s.push_str(&format!("{}\n\n", escape(l.trim()))),
            Block::Table(_, t) => s.push_str(&table(t, style)),
            Block::Blank => {}
        }
    }
}

/// The report as a LaTeX document.
pub fn document(r: &Report) -> String {
    let mut s = format!(
        "% {} (toe {}): compiles with pdflatex or xelatex\n\\documentclass[11pt]{{article}}\n\\usepackage{{iftex}}\n\\ifPDFTeX\n  \\usepackage[utf8]{{inputenc}}\n\\fi\n\\usepackage[a4paper,margin=2.25cm]{{geometry}}\n\\usepackage{{booktabs,longtable,array,pdflscape,graphicx,tikz,caption}}\n\\captionsetup{{skip=4pt,singlelinecheck=false,justification=raggedright}}\n\\setlength{{\\LTpre}}{{6pt}}\n\\setlength{{\\LTpost}}{{6pt}}\n\\setlength{{\\emergencystretch}}{{3em}}\n\\hyphenpenalty=10000\n\\exhyphenpenalty=10000\n\\raggedbottom\n{MACROS}\\title{{{}}}\n\\date{{}}\n\\begin{{document}}\n\\maketitle\n\n",
        escape(&r.title).replace('\n', " "),
        env!("CARGO_PKG_VERSION"),
        escape(&r.title)
    );
    let sections = |secs: &[super::model::Section], s: &mut String| {
        for sec in secs {
            s.push_str(&format!("\\section{{{}}}\n\n", escape(&sec.title)));
            blocks(&sec.doc, r.style, s);
            for f in &sec.figures {
                s.push_str(&figure(&f.figure, f.number, &f.caption));
            }
        }
    };
    sections(&r.sections, &mut s);
    if !r.provenance.is_empty() {
        s.push_str("\\section*{Provenance}\n\n{\\raggedright\n\\begin{description}\n");
        for (k, v) in &r.provenance {
            s.push_str(&format!(
                "\\item[{}] {}\n",
                escape(k),
                escape(&layout::breakable_long(v, "\u{200b}"))
            ));
        }
        s.push_str("\\end{description}\n\\par}\n\n");
    }
    if !r.appendix.is_empty() {
        s.push_str("\\clearpage\n\\appendix\n");
        sections(&r.appendix, &mut s);
    }
    s.push_str("\\end{document}\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::table::Column;

    #[test]
    fn escapes_what_tex_would_stop_on() {
        assert_eq!(
            escape("~A_1 & 50%"),
            "{\\ttfamily\\char126}A{\\ttfamily\\char95}1 \\& 50\\%"
        );
        assert_eq!(escape("<0.001"), "\\textless{}0.001");
        assert_eq!(escape("d >= 0.1"), "d \\textgreater{}= 0.1");
        assert_eq!(escape("◢ Σ"), "\\toeNCA{} $\\Sigma$");
        assert_eq!(escape("漢"), "?");
    }

    #[test]
    fn a_wide_table_goes_landscape_and_a_long_one_is_a_longtable() {
        let mut wide = Table::new(
            "wide",
            (0..14)
                .map(|k| Column::right(format!("column {k}")))
                .collect(),
        );
        wide.rows
            .push((0..14).map(|_| Cell::Stat(0.123456)).collect());
        assert!(table(&wide, Style::default()).contains("\\begin{landscape}"));
        let mut long = Table::new("long", vec![Column::left("a")]);
        for _ in 0..40 {
            long.rows.push(vec![Cell::text("x")]);
        }
        let tex = table(&long, Style::default());
        assert!(tex.contains("\\begin{longtable}") && !tex.contains("landscape"));
    }
}
