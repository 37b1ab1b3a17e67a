//! Stage 5, plots as pictures: an SVG plot (the one plot builder, [`super::plot`]) rasterized
//! to PNG for Word, with `resvg` and the DejaVu Sans font compiled into the binary
//! (`assets/fonts/`, its licence beside it) — no system fonts, no system library.
//!
//! Guarantees: the same SVG gives the same PNG bytes; the picture is drawn at twice the SVG's
//! size (sharp in print) on white; a plot that cannot be parsed is an error, not a panic.

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

/// The PNG of an SVG, with the SVG's width and height in pixels (the picture has twice as
/// many).
pub fn png(svg: &str) -> Result<(Vec<u8>, u32, u32), String> {
    let opt = resvg::usvg::Options {
        font_family: "DejaVu Sans".into(),
        fontdb: fonts(),
        ..Default::default()
    };
    let tree = resvg::usvg::Tree::from_str(svg, &opt).map_err(|e| e.to_string())?;
    let size = tree.size().to_int_size();
    let (w, h) = (size.width(), size.height());
    let mut pixmap = resvg::tiny_skia::Pixmap::new(w * 2, h * 2)
        .ok_or_else(|| format!("a plot of {w} × {h} pixels cannot be drawn"))?;
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(2.0, 2.0),
        &mut pixmap.as_mut(),
    );
    let bytes = pixmap.encode_png().map_err(|e| e.to_string())?;
    Ok((bytes, w, h))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_plot_with_text_becomes_a_png_twice_its_size() {
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><text x="2" y="15" font-family="sans-serif" font-size="12">d = 0.3</text></svg>"#;
        let (png, w, h) = super::png(svg).expect("png");
        assert_eq!((w, h), (40, 20));
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        // IHDR: width and height at bytes 16..24, big-endian.
        assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), 80);
        assert_eq!(u32::from_be_bytes(png[20..24].try_into().unwrap()), 40);
        assert_eq!(super::png(svg).unwrap().0, png, "deterministic");
        // The text was drawn (with the compiled-in font): without it the picture differs.
        let blank = r#"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"></svg>"#;
        assert_ne!(super::png(blank).unwrap().0, png);
        assert!(super::png("<svg").is_err());
    }
}
