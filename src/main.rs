//! The `toe` command line: `toe run | check | report | fmt | lsp | repl`.
//!
//! Guarantees: exit status 0 on success, 1 when the script or its data has an error (a
//! diagnostic was printed), 2 on bad command-line usage; no input makes it panic.

use clap::{Parser, Subcommand};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use toe::diagnostics::{render, Diag};
use toe::files;
use toe::{Mode, Session};

#[derive(Parser)]
#[command(
    name = "toe",
    version = toe::api::VERSION,
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
        /// Decimals of measures, effect sizes and p-values in every table (3).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=6))]
        decimals: Option<u8>,
    },
    /// Parses and checks a script; runs no analysis.
    Check {
        script: PathBuf,
        #[arg(long)]
        plain: bool,
    },
    /// Runs a script and writes the study report: every table in a paper's order, plots and
    /// provenance, as HTML, Word (.docx), Markdown or LaTeX by the output's extension.
    Report {
        script: PathBuf,
        /// The report file: report.html, report.docx, report.md or report.tex.
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
        #[arg(long)]
        plain: bool,
        /// Decimals of measures, effect sizes and p-values in every table (3).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=6))]
        decimals: Option<u8>,
    },
    /// Formats scripts in place in the canonical layout; `--check` only reports the files
    /// that would change (exit status 1 if any).
    Fmt {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long)]
        check: bool,
    },
    /// A Language Server over stdio for editors (diagnostics, hover, completion, definition,
    /// quick fixes, formatting).
    Lsp,
    /// Explores a study line by line; loads the script first if one is given.
    Repl { script: Option<PathBuf> },
    /// The study in a browser: a local page (127.0.0.1, with a token) whose clicks write the
    /// script, with live diagnostics, the data's columns and the report of every change.
    Studio {
        /// The study's script (study.toe in the current folder by default; created when saved).
        script: Option<PathBuf>,
        /// The port (a free one by default).
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// Print the address without opening a browser.
        #[arg(long)]
        no_browser: bool,
    },
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

/// Why standard output took no more text.
enum Stdout {
    /// The reader went away (`toe run … | head -1`): the run ends quietly.
    Closed,
    /// Any other error (a full disk, a closed descriptor): a diagnostic.
    Failed(std::io::Error),
}

/// Writes text to standard output.
fn emit(text: &str) -> Result<(), Stdout> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|_| out.flush())
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::BrokenPipe => Stdout::Closed,
            _ => Stdout::Failed(e),
        })
}

/// A line on standard error; an error there has nowhere to be reported.
fn say(text: &str) {
    let _ = writeln!(std::io::stderr(), "{text}");
}

/// Standard output failed: the diagnostic, or nothing when the reader closed the pipe.
/// Returns the exit status.
fn stdout_failed(session: &Session, why: Stdout, plain: bool) -> u8 {
    match why {
        Stdout::Closed => 0,
        Stdout::Failed(e) => {
            print_diags(
                session,
                &[toe::diagnostics::runtime::stdout_failed(&e)],
                plain,
            );
            1
        }
    }
}

fn run(script: &Path, json: Option<&str>, plain: bool, decimals: Option<u8>, mode: Mode) -> u8 {
    let mut session = Session::new(files::folder_of(script));
    session.style.unicode = !plain;
    if let Some(d) = decimals {
        session.style.decimals = d as usize;
    }
    session.hold_outputs = true;
    if std::io::stderr().is_terminal() {
        session.interp.progress = Box::new(toe::report::progress::Bar::default());
    }
    let to_stdout = json == Some("-");
    if let Some(target) = json.filter(|_| !to_stdout) {
        session.claim_output(Path::new(target), target);
    }
    let result = session.run_file(script, mode);
    let warnings = session.take_pending();
    print_diags(&session, &warnings, plain);
    let out = match result {
        Err(diags) => {
            print_diags(&session, &diags, plain);
            return 1;
        }
        Ok(out) => out,
    };
    let name = script.display().to_string();
    if mode == Mode::Check {
        say(&format!("{name}: ok"));
        return 0;
    }
    let mut printed = Ok(());
    if !to_stdout {
        let colored =
            !plain && std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal();
        printed = emit(&if colored { bold_headers(&out) } else { out });
    }
    if let Some(target) = json {
        let text = script_text(&session, script);
        let doc = session.document(&name, text.as_bytes());
        let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
        s.push('\n');
        if to_stdout {
            printed = emit(&s);
        } else if let Err(d) = session.stage_output(
            Path::new(target),
            target,
            s.as_bytes(),
            files::Folder::MustExist,
        ) {
            print_diags(&session, &[d], plain);
            return 1;
        }
    }
    let mut status = 0;
    if let Err(why) = printed {
        status = stdout_failed(&session, why, plain);
        if status != 0 {
            // The run did not end as asked: no file is written.
            return status;
        }
    }
    if let Err(d) = session.commit_outputs() {
        print_diags(&session, &[d], plain);
        return 1;
    }
    status
}

/// `toe fmt`: each file formatted in place (atomically), or with `--check` listed when it
/// would change.
fn fmt(paths: &[PathBuf], check: bool) -> u8 {
    let session = Session::new(".");
    let mut status = 0;
    for path in paths {
        let shown = path.display().to_string();
        let text = match files::read_script(path) {
            Ok(t) => t,
            Err(e) => {
                print_diags(&session, &[files::script_diag(&e, &shown, None)], true);
                status = 1;
                continue;
            }
        };
        let formatted = toe::syntax::format::format(&text);
        if formatted == text {
            continue;
        }
        if check {
            if let Err(why) = emit(&format!("{shown}: would be reformatted\n")) {
                return stdout_failed(&session, why, true).max(1);
            }
            status = 1;
        } else if let Err(e) =
            files::write_atomically(path, formatted.as_bytes(), files::Folder::MustExist)
        {
            print_diags(&session, &[files::write_diag(&shown, &e, None)], true);
            status = 1;
        } else {
            say(&format!("formatted {shown}"));
        }
    }
    status
}

/// The script's text as it was read and run (the source map keeps it).
fn script_text(session: &Session, script: &Path) -> String {
    session
        .sources
        .find_path(script)
        .and_then(|id| session.sources.get(id))
        .map(|f| f.text.clone())
        .unwrap_or_default()
}

/// `toe report`: runs the script (warnings and progress on stderr), then writes the report
/// with the script's exports, all or nothing.
fn report(script: &Path, output: &Path, plain: bool, decimals: Option<u8>) -> u8 {
    let shown = output.display().to_string();
    let mut session = Session::new(files::folder_of(script));
    session.style.unicode = !plain;
    if let Some(d) = decimals {
        session.style.decimals = d as usize;
    }
    session.hold_outputs = true;
    // A wrong extension is told before the script runs.
    let format = match Session::report_format(output) {
        Ok(f) => f,
        Err(d) => {
            print_diags(&session, &[d], plain);
            return 2;
        }
    };
    if std::io::stderr().is_terminal() {
        session.interp.progress = Box::new(toe::report::progress::Bar::default());
    }
    session.claim_output(output, &shown);
    let result = session.run_file(script, Mode::Run);
    let warnings = session.take_pending();
    print_diags(&session, &warnings, plain);
    if let Err(diags) = result {
        print_diags(&session, &diags, plain);
        return 1;
    }
    let name = script.display().to_string();
    let text = script_text(&session, script);
    let bytes = match session.report(&name, text.as_bytes(), format, &shown) {
        Ok(b) => b,
        Err(d) => {
            print_diags(&session, &[d], plain);
            return 1;
        }
    };
    let written = session
        .stage_output(output, &shown, &bytes, files::Folder::Create)
        .and_then(|_| session.commit_outputs());
    if let Err(d) = written {
        print_diags(&session, &[d], plain);
        return 1;
    }
    say(&format!("wrote the report of {name} to {shown}"));
    0
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
    // Ctrl-C: the files staged so far are removed, nothing is half-written (exit 130, as a
    // shell reports an interrupt).
    let _ = ctrlc::set_handler(|| {
        files::abandon_all();
        std::process::exit(130);
    });
    let code = match cli.command {
        Command::Run {
            script,
            json,
            plain,
            decimals,
        } => run(&script, json.as_deref(), plain, decimals, Mode::Run),
        Command::Check { script, plain } => run(&script, None, plain, None, Mode::Check),
        Command::Report {
            script,
            output,
            plain,
            decimals,
        } => report(&script, &output, plain, decimals),
        Command::Fmt { files, check } => fmt(&files, check),
        Command::Lsp => toe::lsp::serve_stdio(),
        Command::Studio {
            script,
            port,
            no_browser,
        } => toe::studio::serve(script, port, !no_browser),
        Command::Repl { script } => {
            let base = script
                .as_deref()
                .map(files::folder_of)
                .unwrap_or_else(|| PathBuf::from("."));
            let mut session = Session::new(base);
            if let Some(s) = &script {
                if let Err(why) = emit(&toe::repl::load(&mut session, s)) {
                    return ExitCode::from(stdout_failed(&session, why, true));
                }
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
