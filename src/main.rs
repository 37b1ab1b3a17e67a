//! The `toe` command line: `toe run | check | repl`.
//!
//! Guarantees: exit status 0 on success, 1 when the script or its data has an error (a
//! diagnostic was printed), 2 on bad command-line usage; no input makes it panic.

use clap::{Parser, Subcommand};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use toe::diagnostics::{render, Diag};
use toe::eval::{folder_of, Session};

#[derive(Parser)]
#[command(
    name = "toe",
    version,
    about = "Configurational studies (NCA and fsQCA) in a small, exact language"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Runs a script and prints its tables.
    Run {
        /// The .toe script.
        script: PathBuf,
        /// Also write every result as JSON to FILE (`-` = standard output).
        #[arg(long, value_name = "FILE")]
        json: Option<String>,
        /// No colour, and ASCII symbols in tables.
        #[arg(long)]
        plain: bool,
    },
    /// Parses and checks a script; runs no analysis.
    Check {
        script: PathBuf,
        #[arg(long)]
        plain: bool,
    },
    /// Explores a study line by line; loads the script first if one is given.
    Repl { script: Option<PathBuf> },
}

fn color(plain: bool) -> bool {
    !plain && std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal()
}

fn width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(100)
}

fn print_diags(session: &Session, diags: &[Diag], plain: bool) {
    let mut err = std::io::stderr().lock();
    for d in diags {
        let _ = write!(
            err,
            "{}",
            render(d, &session.sources, color(plain), width())
        );
    }
}

/// Reads a script; a missing or non-text file is a diagnostic (exit 1).
fn read_script(path: &Path) -> Result<(Vec<u8>, String), String> {
    let bytes = std::fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => format!("toe::data::missing_file\n  × expected a script at `{}`, found no file\n  help: check the path", path.display()),
        _ => format!("toe::data::read_error\n  × expected a readable script at `{}`, found an error: {e}\n  help: check the file's permissions", path.display()),
    })?;
    let text = String::from_utf8(bytes.clone()).map_err(|e| {
        format!(
            "toe::parse::not_utf8\n  × expected a UTF-8 text script, found other bytes at byte {} of `{}`\n  help: save the script as UTF-8 text",
            e.utf8_error().valid_up_to(),
            path.display()
        )
    })?;
    Ok((bytes, text))
}

fn run(script: &Path, json: Option<&str>, plain: bool, check_only: bool) -> u8 {
    let (bytes, text) = match read_script(script) {
        Ok(x) => x,
        Err(msg) => {
            eprintln!("{msg}");
            return 1;
        }
    };
    let mut session = Session::new(folder_of(script));
    session.check_only = check_only;
    session.unicode = !plain;
    session.progress = std::io::stderr().is_terminal();
    let name = script.display().to_string();
    let result = session.run_text(&name, Some(script.to_path_buf()), text);
    let warnings = std::mem::take(&mut session.pending);
    print_diags(&session, &warnings, plain);
    match result {
        Err(diags) => {
            print_diags(&session, &diags, plain);
            1
        }
        Ok(out) => {
            if check_only {
                eprintln!("{name}: ok");
                return 0;
            }
            let to_stdout = json == Some("-");
            if !to_stdout {
                let colored = !plain
                    && std::env::var_os("NO_COLOR").is_none()
                    && std::io::stdout().is_terminal();
                print!("{}", if colored { bold_headers(&out) } else { out });
            }
            if let Some(target) = json {
                let doc = toe::report::json::document(&session, &name, &bytes);
                let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
                s.push('\n');
                if to_stdout {
                    print!("{s}");
                } else {
                    let path = PathBuf::from(target);
                    let tmp = path.with_extension("json.tmp");
                    let written = std::fs::write(&tmp, s.as_bytes())
                        .and_then(|_| std::fs::rename(&tmp, &path));
                    if let Err(e) = written {
                        let _ = std::fs::remove_file(&tmp);
                        eprintln!("toe::run::write_error\n  × expected to write `{target}`, found an error: {e}\n  help: check that the folder exists and is writable");
                        return 1;
                    }
                }
            }
            0
        }
    }
}

/// On a terminal: table headers in bold, their rules dimmed.
fn bold_headers(text: &str) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let rule = |l: &str| {
        let t = l.trim();
        t.len() > 2 && t.chars().all(|c| c == '-')
    };
    let mut out = String::with_capacity(text.len() + 64);
    for (k, l) in lines.iter().enumerate() {
        if k > 0 {
            out.push('\n');
        }
        if lines.get(k + 1).is_some_and(|n| rule(n)) {
            out.push_str(&format!("\x1b[1m{l}\x1b[0m"));
        } else if rule(l) {
            out.push_str(&format!("\x1b[2m{l}\x1b[0m"));
        } else {
            out.push_str(l);
        }
    }
    out
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let code = match cli.command {
        Command::Run {
            script,
            json,
            plain,
        } => run(&script, json.as_deref(), plain, false),
        Command::Check { script, plain } => run(&script, None, plain, true),
        Command::Repl { script } => {
            let base = script
                .as_deref()
                .map(folder_of)
                .unwrap_or_else(|| PathBuf::from("."));
            let mut session = Session::new(base);
            if let Some(s) = &script {
                print!("{}", toe::repl::load(&mut session, s));
            }
            let color = std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal();
            toe::repl::run(session, color) as u8
        }
    };
    ExitCode::from(code)
}

#[cfg(test)]
mod tests {
    use super::bold_headers;

    #[test]
    fn headers_bold_and_rules_dim() {
        let t = "title\n  a  b\n  ----\n  1  2\n";
        assert_eq!(
            bold_headers(t),
            "title\n\x1b[1m  a  b\x1b[0m\n\x1b[2m  ----\x1b[0m\n  1  2\n"
        );
    }
}
