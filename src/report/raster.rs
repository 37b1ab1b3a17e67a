//! Stage 5, plots as pictures: a figure ([`super::figure`], drawn as SVG) rasterized to PNG
//! for Word at a given resolution (300 dpi in the report), with `resvg` and the DejaVu Sans
//! font compiled into the binary (`assets/fonts/`, its licence beside it) — no system fonts, no
//! system library.
//!
//! Guarantees: the same figure gives the same PNG bytes; the picture has `dpi / 72` pixels per
//! point of the figure, on white; an SVG that cannot be parsed is an error, not a panic.

use std::sync::{Arc, OnceLock};

static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

fn fonts() -> Arc<resvg::usvg::fontdb::Database> {
    static DB: OnceLock<Arc<resvg::usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = resvg::usvg::fontdb::Database::new();
        db.load_font_data(FONT.to_vec());
        db.set_sans_serif_family("DejaVu Sans");
        db.set_serif_family("DejaVu Sans");
        db.set_monospace_family("DejaVu Sans");
        Arc::new(db)
    })
    .clone()
}

/// The PNG of a figure at `dpi` dots per inch, with its width and height in pixels.
pub fn png(f: &super::figure::Figure, dpi: f64) -> Result<(Vec<u8>, u32, u32), String> {
    svg_png(&f.svg(), dpi / 72.0)
}

/// The PNG of an SVG drawn `scale` pixels to the SVG's unit, with its width and height in
/// pixels.
pub fn svg_png(svg: &str, scale: f64) -> Result<(Vec<u8>, u32, u32), String> {
    let opt = resvg::usvg::Options {
        font_family: "DejaVu Sans".into(),
        fontdb: fonts(),
        ..Default::default()
    };
    let tree = resvg::usvg::Tree::from_str(svg, &opt).map_err(|e| e.to_string())?;
    let size = tree.size();
    let (w, h) = (
        (size.width() as f64 * scale).ceil() as u32,
        (size.height() as f64 * scale).ceil() as u32,
    );
    let mut pixmap = resvg::tiny_skia::Pixmap::new(w.max(1), h.max(1))
        .ok_or_else(|| format!("a plot of {w} × {h} pixels cannot be drawn"))?;
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(scale as f32, scale as f32),
        &mut pixmap.as_mut(),
    );
    let bytes = pixmap.encode_png().map_err(|e| e.to_string())?;
    Ok((bytes, w, h))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_plot_with_text_becomes_a_png_at_its_resolution() {
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><text x="2" y="15" font-family="sans-serif" font-size="12">d = 0.3</text></svg>"#;
        let (png, w, h) = super::svg_png(svg, 2.0).expect("png");
        assert_eq!((w, h), (80, 40));
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        // IHDR: width and height at bytes 16..24, big-endian.
        assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), 80);
        assert_eq!(u32::from_be_bytes(png[20..24].try_into().unwrap()), 40);
        assert_eq!(super::svg_png(svg, 2.0).unwrap().0, png, "deterministic");
        // The text was drawn (with the compiled-in font): without it the picture differs.
        let blank = r#"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"></svg>"#;
        assert_ne!(super::svg_png(blank, 2.0).unwrap().0, png);
        assert!(super::svg_png("<svg", 1.0).is_err());
        // 300 dpi: a figure of 72 × 36 points is 300 × 150 pixels.
        let f = crate::report::figure::Figure::new(72.0, 36.0);
        let (_, w, h) = super::png(&f, 300.0).expect("png");
        assert_eq!((w, h), (300, 150));
    }
}
