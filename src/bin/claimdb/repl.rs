//! The interactive shell, on rustyline.
//!
//! Statements end with `;` and may span lines (the validator asks for more
//! until the input ends with a `;` outside strings and comments). Lines that
//! start with `.` are shell commands. Tab completes keywords and field names.
//! History is kept in the user's data directory. Ctrl-C drops the current
//! input; Ctrl-D leaves.

use std::borrow::Cow;

use claimdb::query::{split_statements, Field, KEYWORDS};
use claimdb::render::Format;
use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Context, Editor, Helper, Highlighter, Hinter};

use crate::paths;
use crate::session::Session;

const HELP: &str = r#"Statements end with ";" and may span lines.
  claims [where COND] [order by FIELD [asc|desc]] [limit N];
  count claims [where COND];
  speakers;   sources;   explain STATEMENT;
Conditions: FIELD (= != < <= > >= contains) VALUE, joined with and, or, not, ( ).
Fields: id speaker source origin quote statement confidence rationale tag status
Example: claims where speaker = "Moriuchi" and confidence >= 0.8 order by confidence desc limit 5;

Shell commands:
  .help                  this text
  .format table|json     how results are printed
  .quit / .exit          leave (Ctrl-D also leaves; Ctrl-C drops the current input)"#;

#[derive(Helper, Hinter, Highlighter)]
struct ShellHelper;

impl Validator for ShellHelper {
    fn validate(&self, ctx: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
        let input = ctx.input();
        if is_complete(input) {
            Ok(ValidationResult::Valid(None))
        } else {
            Ok(ValidationResult::Incomplete)
        }
    }
}

/// Complete when it is a dot-command, blank, or its last statement ends with `;`.
fn is_complete(input: &str) -> bool {
    let trimmed = input.trim();
    trimmed.is_empty()
        || trimmed.starts_with('.')
        || split_statements(input).last().is_none_or(|c| c.terminated)
}

impl Completer for ShellHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let start = line[..pos]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(0, |i| i + 1);
        let word = &line[start..pos];
        if word.is_empty() {
            return Ok((pos, Vec::new()));
        }
        let lower = word.to_ascii_lowercase();
        let mut candidates: Vec<&str> = KEYWORDS.to_vec();
        candidates.extend(Field::ALL.iter().map(|f| f.name()));
        candidates.sort_unstable();
        candidates.dedup();
        let pairs = candidates
            .into_iter()
            .filter(|c| c.starts_with(&lower))
            .map(|c| Pair {
                display: c.to_string(),
                replacement: c.to_string(),
            })
            .collect();
        Ok((start, pairs))
    }
}

/// Runs the shell until Ctrl-D or `.quit`. Returns false if the last statement failed.
pub fn run(session: &mut Session) -> bool {
    let mut editor = match Editor::<ShellHelper, rustyline::history::DefaultHistory>::new() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: cannot start the shell: {e}");
            return false;
        }
    };
    editor.set_helper(Some(ShellHelper));
    let history = paths::history_file();
    if let Some(h) = &history {
        match editor.load_history(h) {
            Ok(()) => {}
            Err(ReadlineError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => eprintln!("warning: cannot read history {}: {e}", h.display()),
        }
    }
    println!(
        "claimdb {} on {}\nEnter \".help\" for usage hints.",
        env!("CARGO_PKG_VERSION"),
        session.db.path().display()
    );
    let mut ok = true;
    loop {
        match editor.readline("claimdb> ") {
            Ok(input) => {
                if input.trim().is_empty() {
                    continue;
                }
                let _ = editor.add_history_entry(input.as_str());
                let trimmed = input.trim();
                if let Some(command) = trimmed.strip_prefix('.') {
                    match dot_command(session, command) {
                        Flow::Quit => break,
                        Flow::Continue(result) => ok = result,
                    }
                } else {
                    ok = session.run_text(&input, "<shell>");
                }
            }
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => {
                eprintln!("error: {e}");
                ok = false;
                break;
            }
        }
    }
    if let Some(h) = &history {
        if let Err(e) = editor.save_history(h) {
            eprintln!("warning: cannot save history {}: {e}", h.display());
        }
    }
    ok
}

enum Flow {
    Quit,
    Continue(bool),
}

fn dot_command(session: &mut Session, command: &str) -> Flow {
    let mut words = command.split_whitespace();
    let name = words.next().unwrap_or("");
    let args: Vec<&str> = words.collect();
    match (name, args.as_slice()) {
        ("quit" | "exit", []) => Flow::Quit,
        ("help", []) => {
            println!("{HELP}");
            Flow::Continue(true)
        }
        ("format", []) => {
            println!("{}", format_name(session.format));
            Flow::Continue(true)
        }
        ("format", [f]) => match Format::parse(f) {
            Some(format) => {
                session.format = format;
                Flow::Continue(true)
            }
            None => {
                eprintln!("error: unknown format {f:?}: use table or json");
                Flow::Continue(false)
            }
        },
        _ => {
            let names = ["help", "format", "quit", "exit"];
            let hint = claimdb::query::did_you_mean(name, names)
                .map(|n| format!(" (did you mean .{n}?)"))
                .unwrap_or_default();
            eprintln!("error: unknown command or wrong arguments: .{command}{hint}; enter .help for the list");
            Flow::Continue(false)
        }
    }
}

fn format_name(f: Format) -> Cow<'static, str> {
    Format::ALL
        .iter()
        .find(|(_, g)| *g == f)
        .map_or(Cow::Borrowed("table"), |(n, _)| Cow::Borrowed(*n))
}
