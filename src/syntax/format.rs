//! Stage 1, the formatter (`toe fmt`): source text → the same script in one canonical layout.
//!
//! It works on lines and tokens, not on the tree, so that it keeps every comment where it is
//! and formats scripts that do not parse (yet). Layout: two spaces of indentation per open
//! `{`, `[` or `(` (one more for a statement continued after `,` or an operator); one space
//! around `=`, `>=`, `<=`, `==` and `!=`, after `,` and `:`; none inside brackets; runs of
//! spaces collapsed; in a run of `NAME = …` lines the `=` signs aligned, and the labels of set
//! definitions (`HUM = column "label"`) aligned; trailing comments two spaces after the code,
//! aligned within a run of lines; at most one blank line; one final newline.
//!
//! Guarantees: only whitespace outside strings and comments changes, and no line break is
//! added or removed (blank lines only collapse), so a formatted script parses to the same
//! program; formatting is idempotent (`format(format(s)) == format(s)`); never panics.

/// One line split into code and a trailing comment (both without surrounding whitespace).
#[derive(Debug, Clone, PartialEq)]
struct Line {
    code: String,
    comment: Option<String>,
    /// Brackets opened minus closed on this line, and closers at its start.
    opens: i64,
    leading_closers: i64,
}

/// Splits a line at its comment (a `#` outside a string) and normalizes the code's spacing.
fn split(raw: &str) -> Line {
    let chars: Vec<char> = raw.chars().collect();
    let mut code = String::new();
    let mut comment = None;
    let mut in_string = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if in_string {
            code.push(c);
            if c == '\\' && i + 1 < chars.len() {
                code.push(chars[i + 1]);
                i += 1;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '#' {
            comment = Some(chars[i..].iter().collect::<String>().trim_end().to_string());
            break;
        } else {
            if c == '"' {
                in_string = true;
            }
            code.push(c);
        }
        i += 1;
    }
    let code = spaced(code.trim());
    let (mut opens, mut leading_closers, mut leading) = (0i64, 0i64, true);
    for t in tokens(&code) {
        match t {
            Tok::Other(s) if s == "{" || s == "[" || s == "(" => {
                opens += 1;
                leading = false;
            }
            Tok::Other(s) if s == "}" || s == "]" || s == ")" => {
                opens -= 1;
                if leading {
                    leading_closers += 1;
                }
            }
            Tok::Space(_) => {}
            _ => leading = false,
        }
    }
    Line {
        code,
        comment,
        opens,
        leading_closers,
    }
}

/// A token of a line's code.
#[derive(Debug, Clone, PartialEq)]
enum Tok {
    /// A string literal, as written.
    Str(String),
    /// A run of word characters (letters, digits, `_`, `.`).
    Word(String),
    /// A run of spaces: one, or two and more (kept as two: an author's separation of the
    /// items of a one-line block, `{ HS = hs  FS = fs }`).
    Space(bool),
    /// An operator or punctuation: `>=`, `<=`, `==`, `!=`, `<-` or one character.
    Other(String),
}

fn tokens(code: &str) -> Vec<Tok> {
    let chars: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '"' {
            let start = i;
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i = (i + 1).min(chars.len());
            out.push(Tok::Str(chars[start..i].iter().collect()));
        } else if c.is_whitespace() {
            let start = i;
            while i < chars.len() && chars[i].is_whitespace() {
                i += 1;
            }
            out.push(Tok::Space(i - start > 1));
        } else if c.is_alphanumeric() || c == '_' || c == '.' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '.')
            {
                i += 1;
            }
            out.push(Tok::Word(chars[start..i].iter().collect()));
        } else {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            if matches!(two.as_str(), ">=" | "<=" | "==" | "!=" | "<-") {
                out.push(Tok::Other(two));
                i += 2;
            } else {
                out.push(Tok::Other(c.to_string()));
                i += 1;
            }
        }
    }
    out
}

/// The spacing rules applied to one line's code (outside strings).
fn spaced(code: &str) -> String {
    let toks = tokens(code);
    // Rebuild: decide for each gap between two non-space tokens whether a space goes there.
    // (token, spaces before it: 0, 1 or 2)
    let mut items: Vec<(Tok, usize)> = Vec::new();
    let mut space = 0;
    for t in toks {
        if let Tok::Space(wide) = t {
            space = if wide { 2 } else { 1 };
        } else {
            items.push((t, space));
            space = 0;
        }
    }
    let is = |t: &Tok, s: &str| matches!(t, Tok::Other(o) if o == s);
    let spaced_op = |t: &Tok| matches!(t, Tok::Other(o) if matches!(o.as_str(), "=" | ">=" | "<=" | "==" | "!="));
    let mut out = String::new();
    for k in 0..items.len() {
        let (t, had_space) = &items[k];
        if k > 0 {
            let prev = &items[k - 1].0;
            let one = spaced_op(t)
                || spaced_op(prev)
                || is(prev, ",")
                || is(prev, ":")
                || is(prev, ";")
                || is(t, "{")
                || is(prev, "{")
                || is(t, "}");
            let none = is(t, ",")
                || is(t, ":")
                || is(t, ")")
                || is(t, "]")
                || is(t, ";")
                || is(prev, "(")
                || is(prev, "[");
            // `=` and its kin always get one space; closers and separators none before.
            let spaces = if spaced_op(t) || spaced_op(prev) {
                1
            } else if none {
                0
            } else if one {
                1
            } else {
                *had_space
            };
            out.push_str(&" ".repeat(spaces));
        }
        match t {
            Tok::Str(s) | Tok::Word(s) | Tok::Other(s) => out.push_str(s),
            Tok::Space(_) => {}
        }
    }
    out
}

/// `NAME = rest` at the start of a line: the name and the rest.
fn assignment(code: &str) -> Option<(&str, &str)> {
    let (name, rest) = code.split_once(" = ")?;
    let ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.' || c == '*');
    ok.then_some((name, rest))
}

/// A set definition's rest, `column "label"`: the column and the label.
fn labelled(rest: &str) -> Option<(&str, &str)> {
    let (column, label) = rest.split_once(' ')?;
    let label = label.trim_start();
    (label.starts_with('"') && label.ends_with('"') && !column.contains('"'))
        .then_some((column, label))
}

/// A calibration rule line, `NAME method(…)` or `* method(…)`: the target and the rest.
fn rule_line(code: &str) -> Option<(&str, &str)> {
    let (target, rest) = code.split_once(' ')?;
    let rest = rest.trim_start();
    let method: &str = rest.split('(').next()?;
    let ok = (target == "*" || target.chars().all(|c| c.is_alphanumeric() || c == '_'))
        && !method.is_empty()
        && method.chars().all(|c| c.is_alphanumeric() || c == '_')
        && rest.len() > method.len();
    ok.then_some((target, rest))
}

/// The script in canonical layout.
pub fn format(text: &str) -> String {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    // Lines that end in a carriage return alone (classic Mac OS) become lines.
    let normalized = crate::source::line_ends(text);
    let text: &str = &normalized;
    let lines: Vec<Line> = text.lines().map(split).collect();
    // Indentation depth of each line.
    let mut depths = Vec::with_capacity(lines.len());
    let mut depth: i64 = 0;
    let mut continued = false;
    for l in &lines {
        let d = (depth - l.leading_closers).max(0) + i64::from(continued && l.leading_closers == 0);
        depths.push(d.max(0) as usize);
        if !l.code.is_empty() {
            depth = (depth + l.opens).max(0);
            // A statement goes on after a trailing `,` or operator outside brackets opened on
            // this line.
            continued = l.opens <= 0
                && l.code.ends_with([',', '*', '+', '=', ':', '~'])
                && !l.code.ends_with("{");
        }
    }
    // Rendered code of each line, with alignment of runs of assignments.
    let mut code: Vec<String> = lines.iter().map(|l| l.code.clone()).collect();
    let mut k = 0;
    while k < lines.len() {
        let run_end = (k..lines.len())
            .take_while(|&j| depths[j] == depths[k] && assignment(&lines[j].code).is_some())
            .last()
            .map(|j| j + 1)
            .unwrap_or(k);
        if run_end > k + 1 {
            let width = (k..run_end)
                .filter_map(|j| assignment(&lines[j].code).map(|(n, _)| n.chars().count()))
                .max()
                .unwrap_or(0);
            // Labels of set definitions line up (among the lines that have one).
            let col_width = (k..run_end)
                .filter_map(|j| {
                    assignment(&lines[j].code)
                        .and_then(|(_, r)| labelled(r))
                        .map(|(c, _)| c.chars().count())
                })
                .max()
                .unwrap_or(0);
            for (j, slot) in code.iter_mut().enumerate().take(run_end).skip(k) {
                let Some((name, rest)) = assignment(&lines[j].code) else {
                    continue;
                };
                let rest = match labelled(rest) {
                    Some((c, l)) => format!("{c:<col_width$}  {l}"),
                    None => rest.to_string(),
                };
                *slot = format!("{name:<width$} = {rest}");
            }
            k = run_end;
        } else {
            k += 1;
        }
    }
    // Runs of calibration rules: the methods line up, two spaces after the longest target.
    let mut k = 0;
    while k < lines.len() {
        let end = (k..lines.len())
            .take_while(|&j| {
                depths[j] == depths[k] && depths[j] > 0 && rule_line(&code[j]).is_some()
            })
            .last()
            .map(|j| j + 1)
            .unwrap_or(k);
        if end > k + 1 {
            let width = (k..end)
                .filter_map(|j| rule_line(&code[j]).map(|(t, _)| t.chars().count()))
                .max()
                .unwrap_or(0);
            for slot in code.iter_mut().take(end).skip(k) {
                if let Some((t, r)) = rule_line(slot) {
                    *slot = format!("{t:<width$}  {r}");
                }
            }
            k = end;
        } else {
            k += 1;
        }
    }
    // Lines with indentation; trailing comments aligned within runs of commented lines.
    let indented: Vec<String> = code
        .iter()
        .zip(&depths)
        .map(|(c, d)| {
            if c.is_empty() {
                String::new()
            } else {
                format!("{}{c}", "  ".repeat(*d))
            }
        })
        .collect();
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut k = 0;
    while k < lines.len() {
        let trailing = |j: usize| !lines[j].code.is_empty() && lines[j].comment.is_some();
        if trailing(k) {
            let end = (k..lines.len())
                .take_while(|&j| trailing(j))
                .last()
                .map(|j| j + 1)
                .unwrap_or(k + 1);
            let width = (k..end)
                .map(|j| indented[j].chars().count())
                .max()
                .unwrap_or(0);
            for j in k..end {
                let comment = lines[j].comment.as_deref().unwrap_or_default();
                out.push(format!("{:<width$}  {comment}", indented[j]));
            }
            k = end;
        } else {
            let l = &lines[k];
            out.push(match &l.comment {
                Some(c) if l.code.is_empty() => format!("{}{c}", "  ".repeat(depths[k])),
                _ => indented[k].clone(),
            });
            k += 1;
        }
    }
    // At most one blank line in a row; none at the start or the end.
    let mut text = String::new();
    let mut blank = true;
    for l in out {
        if l.is_empty() {
            if !blank {
                text.push('\n');
            }
            blank = true;
        } else {
            text.push_str(&l);
            text.push('\n');
            blank = false;
        }
    }
    while text.ends_with("\n\n") {
        text.pop();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::format;

    #[test]
    fn canonical_layout() {
        let src = "study   \"A  study\"\n\n\n\nconditions toe {\n technology {\n    HUM=it_employment \"Human capital\"   # note\n  WEB = website_reduction \"Web\"\n }\n}\nfsqca f:SG given HUM,WEB{consistency>=0.8}\ncalibrate {\n*  direct( e = p25 ,c=p50, i = p75 )\n}\nshow x # done\n";
        let want = "study  \"A  study\"\n\nconditions toe {\n  technology {\n    HUM = it_employment      \"Human capital\"  # note\n    WEB = website_reduction  \"Web\"\n  }\n}\nfsqca f: SG given HUM, WEB { consistency >= 0.8 }\ncalibrate {\n  *  direct(e = p25, c = p50, i = p75)\n}\nshow x  # done\n";
        assert_eq!(format(src), want);
        assert_eq!(format(want), want);
    }

    #[test]
    fn strings_and_comments_are_kept() {
        let src =
            "data d = csv(\"a  #b.csv\",id=x)   #   two  spaces kept\n# a full-line  comment\n";
        assert_eq!(
            format(src),
            "data d = csv(\"a  #b.csv\", id = x)  #   two  spaces kept\n# a full-line  comment\n"
        );
    }

    #[test]
    fn continuation_lines_are_indented() {
        let src = "nca n: Y needs A,\nB, C\n";
        assert_eq!(format(src), "nca n: Y needs A,\n  B, C\n");
    }

    #[test]
    fn never_panics_on_odd_text() {
        for s in [
            "\"",
            "}}}",
            "{{{\n",
            "#",
            "a = \"x",
            "\u{FEFF}x",
            "\n\n",
            "",
        ] {
            let once = format(s);
            assert_eq!(format(&once), once, "{s:?}");
        }
    }
}
