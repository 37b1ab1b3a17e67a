//! Stage 5, plots as SVG (plotters, SVG backend, no system fonts): NCA scatter plots with the
//! scope and the ceiling lines, and XY plots of a solution against the outcome.
//!
//! Guarantees: a plot is a complete, well-formed SVG document; the same results give the same
//! bytes; a drawing failure gives an error string, never a panic.

use crate::engine::case_selection::Class;
use crate::engine::nca::{Ceiling, NcaResult};
use plotters::prelude::*;

const PANEL: (u32, u32) = (420, 340);

fn colour(c: &Ceiling) -> RGBColor {
    match c {
        Ceiling::CeFdh => RGBColor(200, 30, 30),
        Ceiling::CrFdh => RGBColor(30, 80, 200),
        Ceiling::Ols => RGBColor(30, 140, 60),
        Ceiling::CLp => RGBColor(150, 60, 160),
        Ceiling::Qr => RGBColor(200, 120, 0),
        _ => RGBColor(90, 90, 90),
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

/// One panel per condition: the cases, the scope, the CE-FDH step line through the peers and
/// the straight ceilings.
pub fn nca_svg(
    title: &str,
    outcome: &str,
    panels: &[(String, &NcaResult)],
) -> Result<String, String> {
    let cols = panels.len().clamp(1, 2) as u32;
    let rows = (panels.len() as u32).div_ceil(cols).max(1);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (PANEL.0 * cols, PANEL.1 * rows + 30))
            .into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let root = root
            .titled(title, ("sans-serif", 18))
            .map_err(|e| e.to_string())?;
        let areas = root.split_evenly((rows as usize, cols as usize));
        for ((name, r), area) in panels.iter().zip(areas.iter()) {
            let (x0, x1) = (r.scope_detail.theo[0], r.scope_detail.theo[1]);
            let (y0, y1) = (r.scope_detail.theo[2], r.scope_detail.theo[3]);
            let (px0, px1) = pad(x0, x1);
            let (py0, py1) = pad(y0, y1);
            let mut chart = ChartBuilder::on(area)
                .caption(format!("{outcome} needs {name}"), ("sans-serif", 14))
                .margin(12)
                .x_label_area_size(32)
                .y_label_area_size(44)
                .build_cartesian_2d(px0..px1, py0..py1)
                .map_err(|e| e.to_string())?;
            chart
                .configure_mesh()
                .disable_mesh()
                .x_desc(name.as_str())
                .y_desc(outcome)
                .draw()
                .map_err(|e| e.to_string())?;
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(x0, y0), (x1, y1)],
                    BLACK.mix(0.5).stroke_width(1),
                )))
                .map_err(|e| e.to_string())?;
            chart
                .draw_series(
                    r.x.iter()
                        .zip(&r.y)
                        .map(|(x, y)| Circle::new((*x, *y), 3, BLACK.mix(0.6).filled())),
                )
                .map_err(|e| e.to_string())?;
            for c in &r.ceilings {
                let col = colour(&c.ceiling);
                if c.ceiling == Ceiling::CeFdh || c.ceiling == Ceiling::CeVrs {
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
                    chart
                        .draw_series(LineSeries::new(pts, col.stroke_width(2)))
                        .map_err(|e| e.to_string())?
                        .label(c.ceiling.name())
                        .legend(move |(x, y)| {
                            PathElement::new(vec![(x, y), (x + 16, y)], col.stroke_width(2))
                        });
                } else if let (Some(b), Some(a)) = (c.slope, c.intercept) {
                    if let Some((p, q)) = clip_line(a, b, x0, x1, y0, y1) {
                        chart
                            .draw_series(LineSeries::new(vec![p, q], col.stroke_width(2)))
                            .map_err(|e| e.to_string())?
                            .label(c.ceiling.name())
                            .legend(move |(x, y)| {
                                PathElement::new(vec![(x, y), (x + 16, y)], col.stroke_width(2))
                            });
                    }
                }
            }
            chart
                .configure_series_labels()
                .background_style(WHITE.mix(0.8))
                .border_style(BLACK.mix(0.3))
                .position(SeriesLabelPosition::UpperLeft)
                .draw()
                .map_err(|e| e.to_string())?;
        }
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

/// The colour of a case class in XY plots (typical blue, deviant consistency red,
/// deviant coverage orange, individually irrelevant grey, ambiguous black).
fn class_colour(c: Option<Class>) -> RGBColor {
    match c {
        Some(Class::Typical) | None => RGBColor(30, 80, 200),
        Some(Class::DeviantInDegree) => RGBColor(230, 120, 120),
        Some(Class::DeviantInKind) => RGBColor(200, 30, 30),
        Some(Class::DeviantCoverage) => RGBColor(230, 140, 0),
        Some(Class::IndividuallyIrrelevant) => RGBColor(150, 150, 150),
        Some(Class::Ambiguous) => RGBColor(0, 0, 0),
    }
}

/// An XY plot of a solution's memberships (x) against the outcome (y), with the diagonal;
/// with `classes`, each case coloured by its class (case selection) and a legend.
pub fn xy_svg(
    title: &str,
    xlabel: &str,
    ylabel: &str,
    x: &[f64],
    y: &[f64],
    caption: &str,
    classes: Option<&[Class]>,
) -> Result<String, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (460, 460)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 15))
            .margin(14)
            .margin_top(34)
            .x_label_area_size(34)
            .y_label_area_size(44)
            .build_cartesian_2d(-0.02f64..1.02f64, -0.02f64..1.02f64)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc(xlabel)
            .y_desc(ylabel)
            .draw()
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(LineSeries::new(
                vec![(0.0, 0.0), (1.0, 1.0)],
                BLACK.mix(0.4),
            ))
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(LineSeries::new(
                vec![(0.5, 0.0), (0.5, 1.0)],
                BLACK.mix(0.15),
            ))
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(LineSeries::new(
                vec![(0.0, 0.5), (1.0, 0.5)],
                BLACK.mix(0.15),
            ))
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(
                x.iter()
                    .zip(y)
                    .enumerate()
                    .filter(|(_, (a, b))| a.is_finite() && b.is_finite())
                    .map(|(i, (a, b))| {
                        let c = classes.and_then(|k| k.get(i).copied());
                        Circle::new((*a, *b), 3, class_colour(c).filled())
                    }),
            )
            .map_err(|e| e.to_string())?;
        root.draw(&Text::new(caption.to_string(), (60, 8), ("sans-serif", 12)))
            .map_err(|e| e.to_string())?;
        if classes.is_some() {
            let legend = [
                (Class::Typical, "typical"),
                (Class::DeviantInDegree, "deviant (degree)"),
                (Class::DeviantInKind, "deviant consistency"),
                (Class::DeviantCoverage, "deviant coverage"),
                (Class::IndividuallyIrrelevant, "irrelevant"),
            ];
            for (k, (c, label)) in legend.iter().enumerate() {
                let yk = 60 + 14 * k as i32;
                root.draw(&Circle::new((70, yk), 3, class_colour(Some(*c)).filled()))
                    .map_err(|e| e.to_string())?;
                root.draw(&Text::new(
                    label.to_string(),
                    (78, yk - 6),
                    ("sans-serif", 10),
                ))
                .map_err(|e| e.to_string())?;
            }
        }
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
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
    fn xy_plot_is_an_svg_document() {
        let s = xy_svg(
            "t",
            "X",
            "Y",
            &[0.1, 0.9],
            &[0.2, 0.8],
            "consistency 0.9",
            None,
        )
        .expect("svg");
        assert!(s.starts_with("<svg") && s.trim_end().ends_with("</svg>"));
    }
}
