//! Stage 5, escaping text for the markup formats: HTML and LaTeX (used by the page renderers
//! and by the figures' TikZ).
//!
//! Guarantees: pure functions of the text; nothing a text holds can close a tag or stop TeX.

/// HTML special characters escaped.
pub fn html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Text escaped for LaTeX (outside math).
pub fn latex(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            // An underscore as a glyph (typewriter's), not the rule `\_` draws in OT1.
            '_' => o.push_str("{\\ttfamily\\char95}"),
            '&' | '%' | '$' | '#' | '{' | '}' => {
                o.push('\\');
                o.push(c);
            }
            // A tilde as a glyph (typewriter's), not an accent: QCA's negation.
            '~' => o.push_str("{\\ttfamily\\char126}"),
            '^' => o.push_str("\\textasciicircum{}"),
            '\\' => o.push_str("\\textbackslash{}"),
            '<' => o.push_str("\\textless{}"),
            '>' => o.push_str("\\textgreater{}"),
            '|' => o.push_str("\\textbar{}"),
            '"' => o.push_str("\\textquotedbl{}"),
            '●' => o.push_str("\\toeCoreIn{}"),
            '•' => o.push_str("\\toePeriIn{}"),
            '⊗' => o.push_str("\\toeCoreOut{}"),
            '⊘' => o.push_str("\\toePeriOut{}"),
            '◢' => o.push_str("\\toeNCA{}"),
            'Σ' => o.push_str("$\\Sigma$"),
            '≥' => o.push_str("$\\geq$"),
            '≤' => o.push_str("$\\leq$"),
            '≠' => o.push_str("$\\neq$"),
            '±' => o.push_str("$\\pm$"),
            '×' => o.push_str("$\\times$"),
            '−' => o.push_str("$-$"),
            '→' => o.push_str("$\\rightarrow$"),
            '…' => o.push_str("\\ldots{}"),
            '–' => o.push_str("--"),
            '—' => o.push_str("---"),
            '‘' => o.push('`'),
            '’' => o.push('\''),
            '“' => o.push_str("``"),
            '”' => o.push_str("''"),
            '\u{a0}' => o.push('~'),
            '\u{200b}' => o.push_str("\\allowbreak{}"),
            c if (c as u32) < 0x20 => o.push(' '),
            c if (c as u32) < 0x100 => o.push(c),
            _ => o.push('?'),
        }
    }
    o
}
