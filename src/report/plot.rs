//! Stage 5, the plots of a study as figures ([`super::figure`]): NCA scatter plots with the
//! scope and the ceiling lines, and XY plots of a solution against the outcome.
//!
//! Guarantees: made for print — ceilings told apart by line style as well as colour
//! (Okabe–Ito colours, readable in greyscale and by colour-blind readers), case classes by
//! shape as well as colour, the legend outside the plotting area, axis titles with the sets'
//! labels; the same results give the same figure; nothing here panics on empty or non-finite
//! data (such points are left out).

use super::figure::{self, Anchor, Figure, Frame, Mark, Rgb, Shape, Stroke};
use crate::engine::case_selection::Class;
use crate::engine::nca::{Ceiling, NcaResult};

/// A ceiling's line: its colour and dash pattern.
pub fn stroke(c: &Ceiling) -> Stroke {
    match c {
        Ceiling::CeFdh => Stroke::solid(Rgb(213, 94, 0), 1.5),
        Ceiling::CrFdh => Stroke::dashed(Rgb(0, 114, 178), 1.5, &[5.0, 2.5]),
        Ceiling::Ols => Stroke::dashed(Rgb(0, 158, 115), 1.3, &[1.2, 2.0]),
        Ceiling::CLp => Stroke::dashed(Rgb(204, 121, 167), 1.4, &[5.0, 2.0, 1.2, 2.0]),
        Ceiling::Qr => Stroke::dashed(Rgb(230, 159, 0), 1.4, &[8.0, 3.0]),
        Ceiling::CeVrs => Stroke::dashed(Rgb(86, 180, 233), 1.4, &[2.5, 1.5]),
        Ceiling::CrVrs => Stroke::dashed(Rgb(0, 0, 0), 1.2, &[6.0, 2.0, 2.0, 2.0]),
        _ => Stroke::dashed(figure::GREY, 1.2, &[3.0, 3.0]),
    }
}

/// A ceiling as a paper names it: CE-FDH, CR-FDH, OLS, …
pub fn ceiling_name(c: &Ceiling) -> String {
    match c {
        Ceiling::CLp => "C-LP".into(),
        Ceiling::Custom { .. } => "custom".into(),
        other => other.name().replace('_', "-").to_uppercase(),
    }
}

fn pad(lo: f64, hi: f64) -> (f64, f64) {
    let span = if hi > lo { hi - lo } else { 1.0 };
    (lo - 0.04 * span, hi + 0.04 * span)
}

/// The segment of `y = a + b x` inside the box, if any.
fn clip_line(
    a: f64,
    b: f64,
    x0: f64,
    x1: f64,
    y0: f64,
    y1: f64,
) -> Option<((f64, f64), (f64, f64))> {
    if !a.is_finite() || !b.is_finite() {
        return None;
    }
    let mut lo = x0;
    let mut hi = x1;
    if b != 0.0 {
        let xa = (y0 - a) / b;
        let xb = (y1 - a) / b;
        let (xa, xb) = if xa < xb { (xa, xb) } else { (xb, xa) };
        lo = lo.max(xa);
        hi = hi.min(xb);
    } else if a < y0 || a > y1 {
        return None;
    }
    (lo <= hi).then_some(((lo, a + b * lo), (hi, a + b * hi)))
}

/// One condition of an NCA figure: its name on the axis and its result.
pub struct Panel<'a> {
    pub axis: String,
    pub result: &'a NcaResult,
}

/// The width of a figure (a portrait text width, with room to spare).
const WIDTH: f64 = 450.0;
const LEGEND_H: f64 = 26.0;

/// A legend row under the plots: a line sample (or a dot) and its name per entry.
fn legend(fig: &mut Figure, y: f64, entries: &[(Option<Stroke>, Option<Shape>, Rgb, String)]) {
    let widths: Vec<f64> = entries
        .iter()
        .map(|(_, _, _, l)| 44.0 + figure::text_width(l, 8.0))
        .collect();
    let total: f64 = widths.iter().sum();
    let mut x = ((fig.width - total) / 2.0).max(4.0);
    for ((line, dot, colour, label), w) in entries.iter().zip(&widths) {
        match (line, dot) {
            (Some(st), _) => fig.line(vec![(x, y - 3.0), (x + 22.0, y - 3.0)], st.clone()),
            (None, Some(shape)) => fig.marks.push(Mark::Dot {
                x: x + 11.0,
                y: y - 3.0,
                r: 2.4,
                shape: *shape,
                fill: *colour,
            }),
            _ => fig.marks.push(Mark::Rect {
                x: x + 4.0,
                y: y - 8.0,
                w: 14.0,
                h: 10.0,
                stroke: Some(Stroke::solid(figure::GREY, 0.8)),
                fill: None,
            }),
        }
        fig.text(x + 26.0, y, label.clone(), 8.0, Anchor::Start);
        x += w;
    }
}

/// NCA scatter plots, one panel per condition (two across for up to four conditions, three
/// for more, so that seven fit a page): the cases, the scope, the CE-FDH step line through the
/// peers and the straight ceilings; the legend below the panels.
pub fn nca(outcome: &str, panels: &[Panel]) -> Figure {
    let cols = match panels.len() {
        0 | 1 => 1,
        2..=4 => 2,
        _ => 3,
    };
    let rows = panels.len().div_ceil(cols).max(1);
    let panel_w = if cols == 1 {
        300.0
    } else {
        WIDTH / cols as f64
    };
    let panel_h = panel_w * 0.92;
    let mut fig = Figure::new(panel_w * cols as f64, panel_h * rows as f64 + LEGEND_H);
    let mut shown: Vec<Ceiling> = Vec::new();
    let dots = Rgb(70, 70, 70);
    for (k, p) in panels.iter().enumerate() {
        let (ox, oy) = ((k % cols) as f64 * panel_w, (k / cols) as f64 * panel_h);
        let r = p.result;
        let (x0, x1) = (r.scope_detail.theo[0], r.scope_detail.theo[1]);
        let (y0, y1) = (r.scope_detail.theo[2], r.scope_detail.theo[3]);
        let frame = Frame {
            left: ox + 52.0,
            top: oy + 10.0,
            width: panel_w - 58.0,
            height: panel_h - 58.0,
            x: pad(x0, x1),
            y: pad(y0, y1),
        };
        frame.axes(&mut fig, &p.axis, outcome);
        // The scope.
        let (a, b) = (frame.at(x0, y1), frame.at(x1, y0));
        fig.marks.push(Mark::Rect {
            x: a.0,
            y: a.1,
            w: b.0 - a.0,
            h: b.1 - a.1,
            stroke: Some(Stroke::solid(figure::LIGHT, 0.8)),
            fill: None,
        });
        for (x, y) in r.x.iter().zip(r.y.iter()) {
            let (px, py) = frame.at(*x, *y);
            fig.marks.push(Mark::Dot {
                x: px,
                y: py,
                r: 2.0,
                shape: Shape::Circle,
                fill: dots,
            });
        }
        for c in &r.ceilings {
            let points: Vec<(f64, f64)> = match c.ceiling {
                Ceiling::CeFdh | Ceiling::CeVrs => {
                    let mut peers: Vec<(f64, f64)> = if c.ceiling == Ceiling::CeFdh {
                        r.fdh_peers.iter().map(|p| (p.x, p.y)).collect()
                    } else {
                        r.vrs_peers.iter().map(|p| (p.x, p.y)).collect()
                    };
                    peers.sort_by(|a, b| a.0.total_cmp(&b.0));
                    let mut pts = Vec::new();
                    for (k, p) in peers.iter().enumerate() {
                        if k > 0 {
                            pts.push((p.0, peers[k - 1].1));
                        }
                        pts.push(*p);
                    }
                    if let Some(last) = peers.last() {
                        pts.push((x1, last.1));
                    }
                    pts
                }
                _ => match (c.slope, c.intercept) {
                    (Some(b), Some(a)) => clip_line(a, b, x0, x1, y0, y1)
                        .map(|(p, q)| vec![p, q])
                        .unwrap_or_default(),
                    _ => Vec::new(),
                },
            };
            if points.len() < 2 {
                continue;
            }
            fig.line(
                points.iter().map(|(x, y)| frame.at(*x, *y)).collect(),
                stroke(&c.ceiling),
            );
            if !shown.contains(&c.ceiling) {
                shown.push(c.ceiling);
            }
        }
    }
    let mut entries: Vec<(Option<Stroke>, Option<Shape>, Rgb, String)> = shown
        .iter()
        .map(|c| (Some(stroke(c)), None, figure::BLACK, ceiling_name(c)))
        .collect();
    entries.push((None, Some(Shape::Circle), dots, "cases".into()));
    entries.push((None, None, figure::LIGHT, "scope".into()));
    let y = fig.height - 8.0;
    legend(&mut fig, y, &entries);
    fig
}

/// The colour and shape of a case class in XY plots.
fn class_mark(c: Option<Class>) -> (Rgb, Shape) {
    match c {
        Some(Class::Typical) | None => (Rgb(0, 114, 178), Shape::Circle),
        Some(Class::DeviantInDegree) => (Rgb(86, 180, 233), Shape::Square),
        Some(Class::DeviantInKind) => (Rgb(213, 94, 0), Shape::Triangle),
        Some(Class::DeviantCoverage) => (Rgb(230, 159, 0), Shape::Diamond),
        Some(Class::IndividuallyIrrelevant) => (figure::GREY, Shape::Cross),
        Some(Class::Ambiguous) => (figure::BLACK, Shape::Circle),
    }
}

/// An XY plot of a solution's memberships (x) against the outcome (y), with the diagonal and
/// the 0.5 lines; with `classes`, each case marked by its class (case selection) and a legend
/// to the right of the plot.
pub fn xy(x_title: &str, y_title: &str, x: &[f64], y: &[f64], classes: Option<&[Class]>) -> Figure {
    let side = 260.0;
    let legend_w = if classes.is_some() { 150.0 } else { 0.0 };
    let mut fig = Figure::new(side + 60.0 + legend_w, side + 50.0);
    let frame = Frame {
        left: 50.0,
        top: 10.0,
        width: side,
        height: side,
        x: (-0.02, 1.02),
        y: (-0.02, 1.02),
    };
    frame.axes(&mut fig, x_title, y_title);
    let at = |a: f64, b: f64| frame.at(a, b);
    fig.line(
        vec![at(0.0, 0.0), at(1.0, 1.0)],
        Stroke::dashed(figure::GREY, 0.8, &[4.0, 2.0]),
    );
    for line in [[(0.5, 0.0), (0.5, 1.0)], [(0.0, 0.5), (1.0, 0.5)]] {
        fig.line(
            line.iter().map(|(a, b)| at(*a, *b)).collect(),
            Stroke::solid(figure::LIGHT, 0.6),
        );
    }
    for (i, (a, b)) in x.iter().zip(y).enumerate() {
        if !(a.is_finite() && b.is_finite()) {
            continue;
        }
        let (colour, shape) = class_mark(classes.and_then(|k| k.get(i).copied()));
        let (px, py) = at(*a, *b);
        fig.marks.push(Mark::Dot {
            x: px,
            y: py,
            r: 2.4,
            shape,
            fill: colour,
        });
    }
    if classes.is_some() {
        let left = frame.left + side + 16.0;
        let rows = [
            (Class::Typical, "typical"),
            (Class::DeviantInDegree, "deviant in degree"),
            (Class::DeviantInKind, "deviant consistency"),
            (Class::DeviantCoverage, "deviant coverage"),
            (Class::IndividuallyIrrelevant, "individually irrelevant"),
        ];
        for (k, (c, label)) in rows.iter().enumerate() {
            let yk = frame.top + 12.0 + 15.0 * k as f64;
            let (colour, shape) = class_mark(Some(*c));
            fig.marks.push(Mark::Dot {
                x: left + 4.0,
                y: yk - 3.0,
                r: 2.4,
                shape,
                fill: colour,
            });
            fig.text(left + 12.0, yk, *label, 8.0, Anchor::Start);
        }
    }
    fig
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clipping_by_hand() {
        // y = 0.5 + x in [0, 1]²: enters at x = 0 (y 0.5), leaves at y = 1 (x 0.5).
        assert_eq!(
            clip_line(0.5, 1.0, 0.0, 1.0, 0.0, 1.0),
            Some(((0.0, 0.5), (0.5, 1.0)))
        );
        assert_eq!(clip_line(2.0, 0.0, 0.0, 1.0, 0.0, 1.0), None);
        assert_eq!(clip_line(f64::NAN, 1.0, 0.0, 1.0, 0.0, 1.0), None);
    }

    #[test]
    fn ceilings_differ_by_dash_as_well_as_colour() {
        let all = [
            Ceiling::CeFdh,
            Ceiling::CrFdh,
            Ceiling::Ols,
            Ceiling::CLp,
            Ceiling::Qr,
            Ceiling::CeVrs,
            Ceiling::CrVrs,
        ];
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert_ne!(stroke(a).dash, stroke(b).dash, "{a:?} and {b:?}");
            }
        }
        assert_eq!(ceiling_name(&Ceiling::CrFdh), "CR-FDH");
    }

    #[test]
    fn xy_plot_keeps_its_legend_beside_the_points() {
        let f = xy(
            "solution",
            "outcome",
            &[0.1, 0.9],
            &[0.2, 0.8],
            Some(&[Class::IndividuallyIrrelevant, Class::Typical]),
        );
        let legend_left = 50.0 + 260.0;
        for m in &f.marks {
            if let Mark::Text { text, x, .. } = m {
                if text == "typical" {
                    assert!(*x > legend_left, "the legend is outside the plot");
                }
            }
        }
        assert!(f.svg().starts_with("<svg"));
    }
}
