//! The architecture of `src/`, derived from the code: the graph of `crate::…` and `super::…`
//! imports between files and between top-level folders has no cycle; the engine imports
//! nothing outside itself; the interpreter imports nothing of the report; the report imports
//! only the results module of the interpreter; nothing in `src/eval/` builds a table, formats a
//! number for display or writes a file; every document a source file cites exists.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("src").flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The module path of a file: src/lib.rs → [], src/a/mod.rs → [a], src/a/b.rs → [a, b].
fn module_of(path: &Path) -> Vec<String> {
    let rel = path.strip_prefix(src()).expect("under src");
    let mut parts: Vec<String> = rel
        .iter()
        .map(|c| c.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if matches!(
        parts.last().map(|s| s.as_str()),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The code of a file without comments and string literals (so that prose and messages do
/// not count as imports), and without its `#[cfg(test)]` module.
fn code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]") {
        Some(i) => &text[..i],
        None => text,
    };
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    let mut in_str = false;
    while let Some(c) = chars.next() {
        if in_str {
            if c == '\\' {
                chars.next();
            } else if c == '"' {
                in_str = false;
            }
            continue;
        }
        if c == '/' && chars.peek() == Some(&'/') {
            for d in chars.by_ref() {
                if d == '\n' {
                    out.push('\n');
                    break;
                }
            }
            continue;
        }
        if c == '"' {
            in_str = true;
            out.push_str("\"\"");
            continue;
        }
        out.push(c);
    }
    out
}

/// Every path a file names: `crate::a::b`, `super::a`, and the items of `use x::{a, b::c}`.
fn paths(code: &str, children: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let bytes: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        let rest: String = bytes[i..bytes.len().min(i + 40)].iter().collect();
        let head: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        // A path starts at `crate::`, `super::`, `self::` or a child module's name (`plan::`),
        // never in the middle of a longer path or name.
        let boundary = i == 0
            || !(bytes[i - 1].is_alphanumeric() || bytes[i - 1] == '_' || bytes[i - 1] == ':');
        let starts = boundary
            && rest[head.len()..].starts_with("::")
            && (matches!(head.as_str(), "crate" | "super" | "self") || children.contains(&head));
        if !starts {
            i += 1;
            continue;
        }
        // Read the path, expanding one level of braces.
        let mut j = i;
        let mut p = String::new();
        while j < bytes.len() && (bytes[j].is_alphanumeric() || bytes[j] == '_' || bytes[j] == ':')
        {
            p.push(bytes[j]);
            j += 1;
        }
        if j < bytes.len() && bytes[j] == '{' && p.ends_with("::") {
            let mut depth = 0;
            let mut k = j;
            let mut inner = String::new();
            while k < bytes.len() {
                match bytes[k] {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                if depth >= 1 && !(depth == 1 && bytes[k] == '{') {
                    inner.push(bytes[k]);
                }
                k += 1;
            }
            for item in inner.split(',') {
                let item = item.trim();
                let head: String = item
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                    .collect();
                if !head.is_empty() {
                    out.push(format!("{p}{head}"));
                }
            }
            i = k;
        } else {
            out.push(p.trim_end_matches("::").to_string());
            i = j;
        }
    }
    out
}

/// The file an import lands in: the longest prefix of the path that is a module.
fn target(from: &[String], path: &str, modules: &BTreeMap<Vec<String>, PathBuf>) -> Vec<String> {
    let mut segs: Vec<String> = Vec::new();
    let mut base: Vec<String> = from.to_vec();
    let mut parts = path.split("::").peekable();
    match parts.peek() {
        Some(&"crate") => {
            parts.next();
        }
        Some(&"self") => {
            parts.next();
            segs = base.clone();
        }
        Some(&"super") => {
            // From a/b.rs (module a::b), `super` is a; from a/mod.rs (module a), it is the root.
            while parts.peek() == Some(&"super") {
                parts.next();
                base.pop();
            }
            segs = base;
        }
        _ => segs = base.clone(), // a child module of this one
    }
    segs.extend(parts.filter(|s| !s.is_empty()).map(|s| s.to_string()));
    while !segs.is_empty() && !modules.contains_key(&segs) {
        segs.pop();
    }
    segs
}

struct Graph {
    modules: BTreeMap<Vec<String>, PathBuf>,
    edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
    /// Every path each file names, resolved to a module.
    names: BTreeMap<Vec<String>, Vec<String>>,
}

fn graph() -> Graph {
    let mut all = Vec::new();
    files(&src(), &mut all);
    let mut modules = BTreeMap::new();
    for f in &all {
        if f.file_name().is_some_and(|n| n == "main.rs") {
            continue; // the binary is another crate
        }
        modules.insert(module_of(f), f.clone());
    }
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    let mut names = BTreeMap::new();
    for (m, f) in &modules {
        let text = std::fs::read_to_string(f).expect("read");
        let children: Vec<String> = modules
            .keys()
            .filter(|k| k.len() == m.len() + 1 && k.starts_with(m))
            .filter_map(|k| k.last().cloned())
            .collect();
        let ps = paths(&code(&text), &children);
        let mut set = BTreeSet::new();
        for p in &ps {
            let t = target(m, p, &modules);
            if &t != m {
                set.insert(t);
            }
        }
        names.insert(m.clone(), ps);
        edges.insert(m.clone(), set);
    }
    Graph {
        modules,
        edges,
        names,
    }
}

fn find_cycle(edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Option<Vec<String>> {
    fn visit(
        n: &Vec<String>,
        edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        state: &mut BTreeMap<Vec<String>, u8>,
        stack: &mut Vec<Vec<String>>,
    ) -> Option<Vec<String>> {
        state.insert(n.clone(), 1);
        stack.push(n.clone());
        for m in edges.get(n).into_iter().flatten() {
            match state.get(m).copied().unwrap_or(0) {
                1 => {
                    let start = stack.iter().position(|x| x == m).unwrap_or(0);
                    let mut cyc: Vec<String> =
                        stack[start..].iter().map(|x| x.join("::")).collect();
                    cyc.push(m.join("::"));
                    return Some(cyc);
                }
                0 => {
                    if let Some(c) = visit(m, edges, state, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(n.clone(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in edges.keys() {
        if state.get(n).copied().unwrap_or(0) == 0 {
            let mut stack = Vec::new();
            if let Some(c) = visit(n, edges, &mut state, &mut stack) {
                return Some(c);
            }
        }
    }
    None
}

fn top(m: &[String]) -> Vec<String> {
    m.first().map(|s| vec![s.clone()]).unwrap_or_default()
}

#[test]
fn the_path_reader_sees_imports() {
    let ps = paths(
        &code(
            "use crate::a::{b, c::d};\nuse super::x;\n// crate::not_this\nlet s = \"crate::nor_this\";\nf(crate::e::g());\nkid::f(); x::kid::g(); self::kid::h();",
        ),
        &["kid".to_string()],
    );
    assert_eq!(
        ps,
        vec![
            "crate::a::b",
            "crate::a::c::d",
            "super::x",
            "crate::e::g",
            "kid::f",
            "self::kid::h"
        ]
    );
}

#[test]
fn no_import_cycle_between_files_or_folders() {
    let g = graph();
    assert!(g.modules.len() > 30, "{} modules", g.modules.len());
    if let Some(c) = find_cycle(&g.edges) {
        panic!("import cycle between files: {}", c.join(" → "));
    }
    let mut folders: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for (m, targets) in &g.edges {
        let entry = folders.entry(top(m)).or_default();
        for t in targets {
            if top(t) != top(m) {
                entry.insert(top(t));
            }
        }
    }
    if let Some(c) = find_cycle(&folders) {
        panic!("import cycle between folders: {}", c.join(" → "));
    }
}

#[test]
fn the_stages_import_in_one_direction() {
    let g = graph();
    for (m, targets) in &g.edges {
        let outside: Vec<String> = targets
            .iter()
            .filter(|t| top(t) != top(m))
            .map(|t| t.join("::"))
            .collect();
        match m.first().map(|s| s.as_str()) {
            Some("engine") => assert!(
                outside.is_empty(),
                "{} imports outside the engine: {outside:?}",
                m.join("::")
            ),
            Some("eval") => assert!(
                !outside.iter().any(|t| t.starts_with("report")),
                "{} imports the report: {outside:?}",
                m.join("::")
            ),
            Some("report") => {
                for t in &outside {
                    assert!(
                        !t.starts_with("eval") || t == "eval::results",
                        "{} imports {t} of the interpreter (only eval::results is allowed)",
                        m.join("::")
                    );
                    assert!(
                        !t.starts_with("session") && !t.starts_with("repl"),
                        "{} imports {t}",
                        m.join("::")
                    );
                }
            }
            Some("check") => assert!(
                !outside
                    .iter()
                    .any(|t| t.starts_with("eval") || t.starts_with("report")),
                "{} imports a later stage: {outside:?}",
                m.join("::")
            ),
            _ => {}
        }
    }
    // The report reaches the interpreter only through the results module.
    let report_names: Vec<&String> = g
        .names
        .iter()
        .filter(|(m, _)| m.first().is_some_and(|s| s == "report"))
        .flat_map(|(_, ps)| ps)
        .filter(|p| p.starts_with("crate::eval"))
        .collect();
    assert!(
        report_names
            .iter()
            .all(|p| p.starts_with("crate::eval::results")),
        "{report_names:?}"
    );
}

#[test]
fn the_interpreter_formats_nothing_and_writes_nothing() {
    let mut all = Vec::new();
    files(&src().join("eval"), &mut all);
    assert!(all.len() >= 4);
    // Table builders, number formatting for display, and file or terminal output.
    let forbidden = [
        "TextTable",
        "Doc",
        "fixed3",
        "diagnostics::number",
        "format_number",
        "{:.",
        ":.3}",
        "std::fs",
        "File::",
        "write_atomically",
        "print!",
        "println!",
        "eprintln!",
        "indicatif",
        "serde_json",
        "csv::",
    ];
    for f in &all {
        let text = std::fs::read_to_string(f).expect("read");
        let c = code(&text);
        for word in forbidden {
            assert!(
                !c.contains(word),
                "{} contains `{word}`",
                f.strip_prefix(src()).unwrap_or(f).display()
            );
        }
    }
}

#[test]
fn every_document_cited_exists() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut all = Vec::new();
    files(&src(), &mut all);
    for dir in ["tests/integration", "benches"] {
        files(&root.join(dir), &mut all);
    }
    let mut cited = BTreeSet::new();
    for f in &all {
        let text = std::fs::read_to_string(f).expect("read");
        for (i, _) in text.match_indices("docs/") {
            let name: String = text[i..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || matches!(c, '/' | '-' | '_' | '.'))
                .collect();
            let name = name.trim_end_matches('.').to_string();
            if name.ends_with(".md") {
                cited.insert(name);
            }
        }
        // The design input outside the repository (names split so that this file does not
        // cite them itself).
        for old in ["METHODS", "OUTPUT", "LANGUAGE", "r-qca", "r-nca"]
            .map(|n| format!("{n}.md"))
            .into_iter()
            .chain([format!("shared/{}", "spec")])
        {
            assert!(
                !text.contains(&old),
                "{} cites `{old}`, which is not in the repository",
                f.display()
            );
        }
    }
    assert!(cited.len() >= 3, "{cited:?}");
    for c in &cited {
        assert!(root.join(c).exists(), "{c} is cited but does not exist");
    }
}

#[test]
fn diagnostic_codes_are_named_as_they_read() {
    // `pub const UNKNOWN_SET: &str = "toe::check::unknown_set";`: the name is the last part
    // of the code in capitals, the stage one of four, every code once.
    let text = std::fs::read_to_string(src().join("diagnostics/mod.rs")).expect("read");
    let mut seen = BTreeSet::new();
    for line in text.lines().map(str::trim) {
        let Some(rest) = line.strip_prefix("pub const ") else {
            continue;
        };
        let Some((name, value)) = rest.split_once(": &str = ") else {
            continue;
        };
        let code = value.trim_end_matches(';').trim_matches('"');
        let parts: Vec<&str> = code.split("::").collect();
        assert_eq!(parts.len(), 3, "{code}");
        assert_eq!(parts[0], "toe", "{code}");
        assert!(
            ["parse", "check", "data", "run"].contains(&parts[1]),
            "{code}: unknown stage"
        );
        assert_eq!(name.to_lowercase(), parts[2], "{name} reads {code}");
        assert!(seen.insert(code.to_string()), "{code} twice");
    }
    assert!(seen.len() >= 50, "{} codes", seen.len());
}
