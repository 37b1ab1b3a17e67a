//! Stage 5, the figure model: a figure is a list of marks (lines with a dash pattern, boxes,
//! dots of a shape, text) in points on a page of a given size; one renderer writes SVG (the
//! HTML report, and through [`super::raster`] the Word report's 300 dpi PNG), another TikZ (the
//! LaTeX report, vector graphics that pdflatex and xelatex draw). The plots themselves are
//! built in [`super::plot`].
//!
//! Guarantees: the same figure gives the same bytes in each format; the SVG is a complete,
//! well-formed document whose text uses only the compiled-in font's family; the TikZ picture
//! needs the `tikz` package and nothing else, its text escaped for LaTeX; no mark can make a
//! renderer panic (non-finite coordinates are left out).

use std::fmt::Write;

/// A colour.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rgb(pub u8, pub u8, pub u8);

pub const BLACK: Rgb = Rgb(0, 0, 0);
pub const GREY: Rgb = Rgb(120, 120, 120);
pub const LIGHT: Rgb = Rgb(200, 200, 200);

/// How a line is drawn: solid or a dash pattern (on, off, … in points).
#[derive(Clone, Debug, PartialEq)]
pub struct Stroke {
    pub colour: Rgb,
    pub width: f64,
    pub dash: Vec<f64>,
}

impl Stroke {
    pub fn solid(colour: Rgb, width: f64) -> Stroke {
        Stroke {
            colour,
            width,
            dash: Vec::new(),
        }
    }
    pub fn dashed(colour: Rgb, width: f64, dash: &[f64]) -> Stroke {
        Stroke {
            colour,
            width,
            dash: dash.to_vec(),
        }
    }
}

/// The shape of a dot (told apart in greyscale print as well as by colour).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Shape {
    Circle,
    Square,
    Triangle,
    Diamond,
    Cross,
}

/// Where a text stands relative to its point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

/// One mark, in points from the top-left corner.
#[derive(Clone, Debug, PartialEq)]
pub enum Mark {
    Line {
        points: Vec<(f64, f64)>,
        stroke: Stroke,
    },
    Rect {
        x: f64,
        y: f64,
        w: f64,
        h: f64,
        stroke: Option<Stroke>,
        fill: Option<Rgb>,
    },
    Dot {
        x: f64,
        y: f64,
        r: f64,
        shape: Shape,
        fill: Rgb,
    },
    /// Text on its baseline at (x, y); `vertical` turns it a quarter to the left.
    Text {
        x: f64,
        y: f64,
        text: String,
        size: f64,
        anchor: Anchor,
        vertical: bool,
        bold: bool,
    },
}

/// A figure: its size in points and its marks, in drawing order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Figure {
    pub width: f64,
    pub height: f64,
    pub marks: Vec<Mark>,
}

/// The width of a text in points, estimated for a sans-serif face (the compiled-in DejaVu
/// Sans, and TeX's sans serif, run about 0.55 em a character).
pub fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * 0.55
}

fn fin(v: f64) -> bool {
    v.is_finite()
}

/// A number in a drawing: two decimals at most, no `-0`.
fn n(v: f64) -> String {
    let r = (v * 100.0).round() / 100.0;
    let r = if r == 0.0 { 0.0 } else { r };
    let s = format!("{r:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn hex(c: Rgb) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The points of a dot's shape around (x, y), radius r.
fn polygon(shape: Shape, x: f64, y: f64, r: f64) -> Vec<(f64, f64)> {
    match shape {
        Shape::Square => {
            let a = r * 0.9;
            vec![
                (x - a, y - a),
                (x + a, y - a),
                (x + a, y + a),
                (x - a, y + a),
            ]
        }
        Shape::Triangle => {
            let a = r * 1.25;
            vec![
                (x, y - a),
                (x + a * 0.866, y + a * 0.5),
                (x - a * 0.866, y + a * 0.5),
            ]
        }
        Shape::Diamond => {
            let a = r * 1.2;
            vec![(x, y - a), (x + a, y), (x, y + a), (x - a, y)]
        }
        Shape::Circle | Shape::Cross => Vec::new(),
    }
}

impl Figure {
    pub fn new(width: f64, height: f64) -> Figure {
        Figure {
            width,
            height,
            marks: Vec::new(),
        }
    }

    pub fn line(&mut self, points: Vec<(f64, f64)>, stroke: Stroke) {
        self.marks.push(Mark::Line { points, stroke });
    }

    pub fn text(&mut self, x: f64, y: f64, text: impl Into<String>, size: f64, anchor: Anchor) {
        self.marks.push(Mark::Text {
            x,
            y,
            text: text.into(),
            size,
            anchor,
            vertical: false,
            bold: false,
        });
    }

    /// The figure as an SVG document (sizes in points, drawn 1:1 as pixels).
    pub fn svg(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" font-family=\"DejaVu Sans, sans-serif\">",
            n(self.width),
            n(self.height),
            n(self.width),
            n(self.height)
        );
        let _ = writeln!(
            s,
            "<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>",
            n(self.width),
            n(self.height)
        );
        for m in &self.marks {
            match m {
                Mark::Line { points, stroke } => {
                    let pts: Vec<String> = points
                        .iter()
                        .filter(|(x, y)| fin(*x) && fin(*y))
                        .map(|(x, y)| format!("{},{}", n(*x), n(*y)))
                        .collect();
                    if pts.len() < 2 {
                        continue;
                    }
                    let dash = if stroke.dash.is_empty() {
                        String::new()
                    } else {
                        let d: Vec<String> = stroke.dash.iter().map(|v| n(*v)).collect();
                        format!(" stroke-dasharray=\"{}\"", d.join(" "))
                    };
                    let _ = writeln!(
                        s,
                        "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{}\" stroke-linejoin=\"round\"{dash}/>",
                        pts.join(" "),
                        hex(stroke.colour),
                        n(stroke.width)
                    );
                }
                Mark::Rect {
                    x,
                    y,
                    w,
                    h,
                    stroke,
                    fill,
                } => {
                    if !(fin(*x) && fin(*y) && fin(*w) && fin(*h)) {
                        continue;
                    }
                    let fill = fill.map(hex).unwrap_or_else(|| "none".into());
                    let line = match stroke {
                        Some(st) => format!(
                            " stroke=\"{}\" stroke-width=\"{}\"",
                            hex(st.colour),
                            n(st.width)
                        ),
                        None => String::new(),
                    };
                    let _ = writeln!(
                        s,
                        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\"{line}/>",
                        n(*x),
                        n(*y),
                        n(*w),
                        n(*h)
                    );
                }
                Mark::Dot {
                    x,
                    y,
                    r,
                    shape,
                    fill,
                } => {
                    if !(fin(*x) && fin(*y)) {
                        continue;
                    }
                    match shape {
                        Shape::Circle => {
                            let _ = writeln!(
                                s,
                                "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{}\"/>",
                                n(*x),
                                n(*y),
                                n(*r),
                                hex(*fill)
                            );
                        }
                        Shape::Cross => {
                            let a = r * 0.9;
                            let _ = writeln!(
                                s,
                                "<path d=\"M{} {}L{} {}M{} {}L{} {}\" stroke=\"{}\" stroke-width=\"1.4\"/>",
                                n(x - a),
                                n(y - a),
                                n(x + a),
                                n(y + a),
                                n(x - a),
                                n(y + a),
                                n(x + a),
                                n(y - a),
                                hex(*fill)
                            );
                        }
                        _ => {
                            let pts: Vec<String> = polygon(*shape, *x, *y, *r)
                                .iter()
                                .map(|(a, b)| format!("{},{}", n(*a), n(*b)))
                                .collect();
                            let _ = writeln!(
                                s,
                                "<polygon points=\"{}\" fill=\"{}\"/>",
                                pts.join(" "),
                                hex(*fill)
                            );
                        }
                    }
                }
                Mark::Text {
                    x,
                    y,
                    text,
                    size,
                    anchor,
                    vertical,
                    bold,
                } => {
                    if !(fin(*x) && fin(*y)) {
                        continue;
                    }
                    let a = match anchor {
                        Anchor::Start => "start",
                        Anchor::Middle => "middle",
                        Anchor::End => "end",
                    };
                    let rot = if *vertical {
                        format!(" transform=\"rotate(-90 {} {})\"", n(*x), n(*y))
                    } else {
                        String::new()
                    };
                    let weight = if *bold { " font-weight=\"bold\"" } else { "" };
                    let _ = writeln!(
                        s,
                        "<text x=\"{}\" y=\"{}\" font-size=\"{}\" text-anchor=\"{a}\"{weight}{rot}>{}</text>",
                        n(*x),
                        n(*y),
                        n(*size),
                        xml(text)
                    );
                }
            }
        }
        s.push_str("</svg>\n");
        s
    }

    /// The figure as a TikZ picture (1 unit = 1 pt; y up).
    pub fn tikz(&self) -> String {
        let h = self.height;
        let p = |x: f64, y: f64| format!("({},{})", n(x), n(h - y));
        let colour = |c: Rgb| format!("{{rgb,255:red,{};green,{};blue,{}}}", c.0, c.1, c.2);
        let stroke = |st: &Stroke| {
            let mut o = format!("draw={}, line width={}pt", colour(st.colour), n(st.width));
            if !st.dash.is_empty() {
                let pat: Vec<String> = st
                    .dash
                    .chunks(2)
                    .map(|c| match c {
                        [on, off] => format!("on {}pt off {}pt", n(*on), n(*off)),
                        [on] => format!("on {}pt off {}pt", n(*on), n(*on)),
                        _ => String::new(),
                    })
                    .collect();
                o.push_str(&format!(", dash pattern={}", pat.join(" ")));
            }
            o
        };
        let mut s = String::from("\\begin{tikzpicture}[x=1pt,y=1pt,font=\\sffamily]\n");
        let _ = writeln!(
            s,
            "\\useasboundingbox (0,0) rectangle ({},{});",
            n(self.width),
            n(self.height)
        );
        for m in &self.marks {
            match m {
                Mark::Line { points, stroke: st } => {
                    let pts: Vec<String> = points
                        .iter()
                        .filter(|(x, y)| fin(*x) && fin(*y))
                        .map(|(x, y)| p(*x, *y))
                        .collect();
                    if pts.len() >= 2 {
                        let _ = writeln!(
                            s,
                            "\\path[{}, line join=round] {};",
                            stroke(st),
                            pts.join(" -- ")
                        );
                    }
                }
                Mark::Rect {
                    x,
                    y,
                    w,
                    h: hh,
                    stroke: st,
                    fill,
                } => {
                    if !(fin(*x) && fin(*y) && fin(*w) && fin(*hh)) {
                        continue;
                    }
                    let mut opts = Vec::new();
                    if let Some(st) = st {
                        opts.push(stroke(st));
                    }
                    if let Some(f) = fill {
                        opts.push(format!("fill={}", colour(*f)));
                    }
                    if !opts.is_empty() {
                        let _ = writeln!(
                            s,
                            "\\path[{}] {} rectangle {};",
                            opts.join(", "),
                            p(*x, *y + *hh),
                            p(*x + *w, *y)
                        );
                    }
                }
                Mark::Dot {
                    x,
                    y,
                    r,
                    shape,
                    fill,
                } => {
                    if !(fin(*x) && fin(*y)) {
                        continue;
                    }
                    match shape {
                        Shape::Circle => {
                            let _ = writeln!(
                                s,
                                "\\fill[fill={}] {} circle ({}pt);",
                                colour(*fill),
                                p(*x, *y),
                                n(*r)
                            );
                        }
                        Shape::Cross => {
                            let a = r * 0.9;
                            let _ = writeln!(
                                s,
                                "\\draw[draw={}, line width=1.4pt] {} -- {} {} -- {};",
                                colour(*fill),
                                p(x - a, y - a),
                                p(x + a, y + a),
                                p(x - a, y + a),
                                p(x + a, y - a)
                            );
                        }
                        _ => {
                            let pts: Vec<String> = polygon(*shape, *x, *y, *r)
                                .iter()
                                .map(|(a, b)| p(*a, *b))
                                .collect();
                            let _ = writeln!(
                                s,
                                "\\fill[fill={}] {} -- cycle;",
                                colour(*fill),
                                pts.join(" -- ")
                            );
                        }
                    }
                }
                Mark::Text {
                    x,
                    y,
                    text,
                    size,
                    anchor,
                    vertical,
                    bold,
                } => {
                    if !(fin(*x) && fin(*y)) {
                        continue;
                    }
                    let a = match (anchor, vertical) {
                        (Anchor::Start, false) => "base west",
                        (Anchor::Middle, false) => "base",
                        (Anchor::End, false) => "base east",
                        (Anchor::Start, true) => "south west",
                        (Anchor::Middle, true) => "south",
                        (Anchor::End, true) => "south east",
                    };
                    let rot = if *vertical { ", rotate=90" } else { "" };
                    let body = super::escape::latex(text);
                    let body = if *bold {
                        format!("\\textbf{{{body}}}")
                    } else {
                        body
                    };
                    let _ = writeln!(
                        s,
                        "\\node[anchor={a}, inner sep=0pt, font=\\fontsize{{{}}}{{{}}}\\selectfont\\sffamily{rot}] at {} {{{body}}};",
                        n(*size),
                        n(size * 1.2),
                        p(*x, *y)
                    );
                }
            }
        }
        s.push_str("\\end{tikzpicture}\n");
        s
    }
}

/// Round steps for an axis from `lo` to `hi`: about `count` ticks at 1, 2, 2.5 or 5 × 10^k.
pub fn ticks(lo: f64, hi: f64, count: usize) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo || count == 0 {
        return Vec::new();
    }
    let raw = (hi - lo) / count as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last).map(|k| k as f64 * step).collect()
}

/// A tick label: as few decimals as the step needs.
pub fn tick_label(v: f64, step: f64) -> String {
    let decimals = (0..6)
        .find(|d| {
            let scaled = step * 10f64.powi(*d);
            (scaled - scaled.round()).abs() < 1e-6 * scaled.abs().max(1.0)
        })
        .unwrap_or(6) as usize;
    let s = format!("{v:.decimals$}");
    if s.starts_with('-') && s.trim_start_matches(['-', '0', '.']).is_empty() {
        s[1..].to_string()
    } else {
        s
    }
}

/// A plotting area: the data box mapped onto a rectangle of the figure.
#[derive(Clone, Copy, Debug)]
pub struct Frame {
    pub left: f64,
    pub top: f64,
    pub width: f64,
    pub height: f64,
    pub x: (f64, f64),
    pub y: (f64, f64),
}

impl Frame {
    /// The figure point of a data point.
    pub fn at(&self, x: f64, y: f64) -> (f64, f64) {
        let fx = (x - self.x.0) / (self.x.1 - self.x.0);
        let fy = (y - self.y.0) / (self.y.1 - self.y.0);
        (
            self.left + fx * self.width,
            self.top + self.height * (1.0 - fy),
        )
    }

    /// Axes on the left and at the bottom, with ticks, tick labels and titles.
    pub fn axes(&self, fig: &mut Figure, x_title: &str, y_title: &str) {
        let axis = Stroke::solid(BLACK, 0.6);
        let bottom = self.top + self.height;
        fig.line(
            vec![
                (self.left, self.top),
                (self.left, bottom),
                (self.left + self.width, bottom),
            ],
            axis.clone(),
        );
        // About one tick per 36 points, so that the labels never touch.
        let xt = ticks(
            self.x.0,
            self.x.1,
            ((self.width / 36.0) as usize).clamp(2, 5),
        );
        let xs = if xt.len() > 1 { xt[1] - xt[0] } else { 1.0 };
        for t in &xt {
            let (px, _) = self.at(*t, self.y.0);
            fig.line(vec![(px, bottom), (px, bottom + 3.0)], axis.clone());
            fig.text(px, bottom + 12.0, tick_label(*t, xs), 7.5, Anchor::Middle);
        }
        let yt = ticks(self.y.0, self.y.1, 5);
        let ys = if yt.len() > 1 { yt[1] - yt[0] } else { 1.0 };
        for t in &yt {
            let (_, py) = self.at(self.x.0, *t);
            fig.line(vec![(self.left - 3.0, py), (self.left, py)], axis.clone());
            fig.text(
                self.left - 5.0,
                py + 2.6,
                tick_label(*t, ys),
                7.5,
                Anchor::End,
            );
        }
        // Titles: one line at 8.5 or 7.5 points, else two lines at 7.5 (broken at a space).
        let x_lines = title_lines(x_title, self.width);
        let x_size = if x_lines.len() == 1 && text_width(x_title, 8.5) <= self.width {
            8.5
        } else {
            7.5
        };
        for (k, l) in x_lines.iter().enumerate() {
            fig.text(
                self.left + self.width / 2.0,
                bottom + 24.0 + 9.0 * k as f64,
                l.clone(),
                x_size,
                Anchor::Middle,
            );
        }
        let y_lines = title_lines(y_title, self.height);
        let y_size = if y_lines.len() == 1 && text_width(y_title, 8.5) <= self.height {
            8.5
        } else {
            7.5
        };
        let first = self.left - 28.0 - 9.0 * (y_lines.len() as f64 - 1.0);
        for (k, l) in y_lines.iter().enumerate() {
            fig.marks.push(Mark::Text {
                x: first + 9.0 * k as f64,
                y: self.top + self.height / 2.0,
                text: l.clone(),
                size: y_size,
                anchor: Anchor::Middle,
                vertical: true,
                bold: false,
            });
        }
    }
}

/// An axis title in one line, or two broken at the space nearest the middle (each shortened
/// with "…" if still too long) when one line at 7.5 points is wider than `room`.
pub fn title_lines(text: &str, room: f64) -> Vec<String> {
    if text_width(text, 7.5) <= room {
        return vec![text.to_string()];
    }
    let mid = text.chars().count() / 2;
    let cut = text
        .char_indices()
        .filter(|(_, c)| *c == ' ')
        .map(|(i, _)| i)
        .min_by_key(|i| (text[..*i].chars().count() as i64 - mid as i64).abs());
    match cut {
        Some(i) => vec![
            fit(&text[..i], room, 7.5),
            fit(text[i + 1..].trim(), room, 7.5),
        ],
        None => vec![fit(text, room, 7.5)],
    }
}

/// A text shortened with "…" to fit a width (an axis title one point smaller first).
pub fn fit(text: &str, width: f64, size: f64) -> String {
    if text_width(text, size) <= width {
        return text.to_string();
    }
    let keep = ((width / (size * 0.55)) as usize).saturating_sub(1);
    let mut s: String = text.chars().take(keep).collect();
    s.push('…');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round() {
        assert_eq!(
            ticks(0.0, 1.0, 5),
            vec![0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0]
        );
        assert_eq!(ticks(10.0, 90.0, 5), vec![20.0, 40.0, 60.0, 80.0]);
        assert_eq!(tick_label(0.6000000000000001, 0.2), "0.6");
        assert_eq!(tick_label(0.25, 0.25), "0.25");
        assert_eq!(tick_label(-0.0, 0.2), "0.0");
        assert!(ticks(1.0, 1.0, 5).is_empty());
    }

    #[test]
    fn the_same_marks_in_svg_and_tikz() {
        let mut f = Figure::new(100.0, 50.0);
        f.line(
            vec![(0.0, 0.0), (10.0, 10.0)],
            Stroke::dashed(BLACK, 1.0, &[4.0, 2.0]),
        );
        f.marks.push(Mark::Dot {
            x: 5.0,
            y: 5.0,
            r: 2.0,
            shape: Shape::Triangle,
            fill: GREY,
        });
        f.text(50.0, 40.0, "d = 0.3 & <x>", 8.0, Anchor::Middle);
        let svg = f.svg();
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert!(svg.contains("stroke-dasharray=\"4 2\""));
        assert!(svg.contains("d = 0.3 &amp; &lt;x&gt;"));
        let tikz = f.tikz();
        // y turned up: (0,0) at the top is (0,50) in TikZ.
        assert!(tikz.contains("(0,50) -- (10,40)"), "{tikz}");
        assert!(tikz.contains("dash pattern=on 4pt off 2pt"));
        assert!(
            tikz.contains("d = 0.3 \\& \\textless{}x\\textgreater{}"),
            "{tikz}"
        );
        f.line(vec![(f64::NAN, 1.0), (2.0, 2.0)], Stroke::solid(BLACK, 1.0));
        assert_eq!(f.svg().matches("<polyline").count(), 1);
    }
}
