//! The interactive shell, on rustyline.
//!
//! Statements end with `;` and may span lines: while one waits for its `;`
//! the prompt is `   ...> `, as in sqlite3. Lines that start with `.` are
//! shell commands. Tab completes from context: after `speaker =` (or inside
//! its string) the speakers' names, after `source =` or `origin =` the
//! source ids, after `where`, `and`, `or` the fields first, elsewhere
//! keywords, fields and dot-commands; a hint from history completes the
//! line. Keywords, strings and numbers are coloured, unless `NO_COLOR` is
//! set or the output is not a terminal. History is kept in the user's data
//! directory. Ctrl-C drops the current input; Ctrl-D leaves (saying so when
//! it drops an unfinished statement).

use std::borrow::Cow;
use std::io::IsTerminal;

use claimdb::query::{split_statements, Field, KEYWORDS};
use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::{Hinter, HistoryHinter};
use rustyline::validate::Validator;
use rustyline::{Context, Editor, Helper};

use crate::paths;
use crate::shell::{Flow, Shell};

/// The language in brief, for `.help`.
pub const LANGUAGE_HELP: &str = r#"Statements end with ";" and may span lines.
  claims [select FIELD, ...] [where COND] [group by FIELD] [order by FIELD [asc|desc], ...] [limit N [offset M]];
  count claims [where COND] [group by FIELD];
  speakers [where COND];   sources [where COND];   show claim N;   explain STATEMENT;
  add source "id" with title = "...", kind = "article", text_file = "path";
  add speaker "Name" aliases ("Alias") description "...";
  add claim with speaker = "...", source = "...", quote = "...", statement = "...", confidence = 0.8, rationale = "...", tags = ("a");
  update claims set confidence = 0.6, rationale = "..." where ...;   delete claims where ...;
  alias "Thae" to "Thae Yong-ho";   begin; ... commit;   rollback;
Conditions: FIELD (= != < <= > >= contains, starts with, matches) VALUE, FIELD in (...),
  FIELD between A and B, FIELD is [not] null, has tag "x"; joined with and, or, not, ( ).
Example: claims where speaker = "Moriuchi" and confidence >= 0.8 order by confidence desc limit 5;"#;

const DOT_COMMANDS: &[&str] = &[
    ".help", ".format", ".output", ".read", ".timer", ".schema", ".open", ".quit", ".exit",
];

struct ShellHelper {
    /// Speaker names (and aliases) of the open database, quoted.
    speakers: Vec<String>,
    /// Source ids of the open database, quoted.
    sources: Vec<String>,
    colour: bool,
    /// Suggests the rest of a line from history, fish-style (accept with →).
    history: HistoryHinter,
}

impl Helper for ShellHelper {}

impl Hinter for ShellHelper {
    type Hint = String;

    fn hint(&self, line: &str, pos: usize, ctx: &Context<'_>) -> Option<String> {
        self.history.hint(line, pos, ctx)
    }
}

/// Lines are taken one at a time: the shell gathers a statement until its
/// `;` (with a continuation prompt), so rustyline's own validation accepts
/// every line.
impl Validator for ShellHelper {}

/// Complete when it is a dot-command, blank, or its last statement ends with `;`.
fn is_complete(input: &str) -> bool {
    let trimmed = input.trim();
    trimmed.is_empty()
        || trimmed.starts_with('.')
        || split_statements(input).last().is_none_or(|c| c.terminated)
}

/// The field a value is being typed for: the word before `=` (or `in (`,
/// `!=`) just before `at`.
fn field_before(before: &str) -> Option<String> {
    let rest = before.trim_end();
    let rest = rest
        .strip_suffix("in (")
        .or_else(|| rest.strip_suffix("in("))
        .or_else(|| rest.strip_suffix("!="))
        .or_else(|| rest.strip_suffix('='))
        .or_else(|| rest.strip_suffix(','))?
        .trim_end();
    let word: String = rest
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    Some(word.to_ascii_lowercase())
}

impl Completer for ShellHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let before = &line[..pos];
        // A dot-command at the start of the line.
        if before.trim_start().starts_with('.') && !before.contains(' ') {
            let start = before.len() - before.trim_start().len();
            let pairs = DOT_COMMANDS
                .iter()
                .filter(|c| c.starts_with(before.trim_start()))
                .map(|c| pair(c))
                .collect();
            return Ok((start, pairs));
        }
        // Inside a string, or right after `speaker =`: names from the
        // database, chosen by the field the value is for.
        let in_string = before.matches('"').count() % 2 == 1;
        let start = if in_string {
            before.rfind('"').unwrap_or(0)
        } else {
            pos
        };
        let field = field_before(&before[..start]);
        if in_string || field.is_some() {
            let names: Vec<&String> = match field.as_deref() {
                Some("speaker") => self.speakers.iter().collect(),
                Some("source") | Some("origin") => self.sources.iter().collect(),
                Some(_) if !in_string => Vec::new(),
                _ => self.speakers.iter().chain(&self.sources).collect(),
            };
            if !names.is_empty() || in_string {
                let typed = before[start..].to_lowercase();
                let pairs = names
                    .into_iter()
                    .filter(|n| n.to_lowercase().starts_with(&typed))
                    .map(|n| pair(n))
                    .collect();
                return Ok((start, pairs));
            }
        }
        let start = before
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(0, |i| i + 1);
        let word = before[start..].to_ascii_lowercase();
        if word.is_empty() {
            return Ok((pos, Vec::new()));
        }
        // After `where`, `and`, `or`, `not` or `(`, a field comes next.
        let previous = before[..start]
            .split_whitespace()
            .last()
            .unwrap_or("")
            .to_ascii_lowercase();
        let wants_field = matches!(
            previous.as_str(),
            "where" | "and" | "or" | "not" | "by" | "select"
        ) || previous.ends_with('(');
        let mut fields: Vec<&str> = Field::ALL.iter().map(|f| f.name()).collect();
        fields.sort_unstable();
        fields.dedup();
        let mut keywords: Vec<&str> = KEYWORDS
            .iter()
            .copied()
            .filter(|k| !fields.contains(k))
            .collect();
        keywords.sort_unstable();
        let candidates: Vec<&str> = if wants_field {
            fields.into_iter().chain(keywords).collect()
        } else {
            keywords.into_iter().chain(fields).collect()
        };
        let pairs = candidates
            .into_iter()
            .filter(|c| c.starts_with(&word))
            .map(pair)
            .collect();
        Ok((start, pairs))
    }
}

fn pair(s: &str) -> Pair {
    Pair {
        display: s.to_string(),
        replacement: s.to_string(),
    }
}

impl Highlighter for ShellHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        if !self.colour {
            return Cow::Borrowed(line);
        }
        Cow::Owned(colourize(line))
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.colour {
            Cow::Owned(format!("\x1b[2m{hint}\x1b[0m"))
        } else {
            Cow::Borrowed(hint)
        }
    }

    fn highlight_char(&self, _line: &str, _pos: usize, _kind: CmdKind) -> bool {
        self.colour
    }
}

/// Keywords bold blue, strings green, numbers yellow, comments grey.
fn colourize(line: &str) -> String {
    let mut out = String::with_capacity(line.len() * 2);
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '"' {
            let mut end = line.len();
            let mut escaped = false;
            for (j, d) in chars.by_ref() {
                if escaped {
                    escaped = false;
                } else if d == '\\' {
                    escaped = true;
                } else if d == '"' {
                    end = j + 1;
                    break;
                }
            }
            out.push_str(&format!("\x1b[32m{}\x1b[0m", &line[i..end]));
        } else if c == '-' && line[i..].starts_with("--") {
            out.push_str(&format!("\x1b[90m{}\x1b[0m", &line[i..]));
            break;
        } else if c.is_ascii_alphabetic() {
            let mut end = i + 1;
            while let Some(&(j, d)) = chars.peek() {
                if !(d.is_ascii_alphanumeric() || d == '_') {
                    break;
                }
                end = j + 1;
                chars.next();
            }
            let word = &line[i..end];
            if KEYWORDS.contains(&word.to_ascii_lowercase().as_str()) {
                out.push_str(&format!("\x1b[1;34m{word}\x1b[0m"));
            } else {
                out.push_str(word);
            }
        } else if c.is_ascii_digit() {
            let mut end = i + 1;
            while let Some(&(j, d)) = chars.peek() {
                if !(d.is_ascii_digit() || d == '.') {
                    break;
                }
                end = j + 1;
                chars.next();
            }
            out.push_str(&format!("\x1b[33m{}\x1b[0m", &line[i..end]));
        } else {
            out.push(c);
        }
    }
    out
}

/// Names to complete: speakers (every name) and source ids, quoted.
fn completion_names(shell: &Shell) -> (Vec<String>, Vec<String>) {
    let mut speakers = Vec::new();
    for s in shell.db.speakers().unwrap_or_default() {
        speakers.push(format!("\"{}\"", s.name));
        speakers.extend(s.aliases.iter().map(|a| format!("\"{a}\"")));
    }
    speakers.sort();
    speakers.dedup();
    let sources = shell
        .db
        .sources()
        .unwrap_or_default()
        .into_iter()
        .map(|s| format!("\"{}\"", s.id))
        .collect();
    (speakers, sources)
}

/// Runs the shell until Ctrl-D or `.quit`. Returns false if the last statement failed.
pub fn run(shell: &mut Shell) -> bool {
    let mut editor = match Editor::<ShellHelper, rustyline::history::DefaultHistory>::new() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: cannot start the shell: {e}");
            return false;
        }
    };
    let colour = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::io::stdout().is_terminal();
    let (speakers, sources) = completion_names(shell);
    editor.set_helper(Some(ShellHelper {
        speakers,
        sources,
        colour,
        history: HistoryHinter::new(),
    }));
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
        shell.db.path().display()
    );
    let mut ok = true;
    // A statement still waiting for its `;`.
    let mut pending = String::new();
    loop {
        let prompt = match (pending.is_empty(), shell.in_transaction()) {
            (false, _) => "   ...> ",
            (true, true) => "claimdb*> ",
            (true, false) => "claimdb> ",
        };
        match editor.readline(prompt) {
            Ok(input) => {
                if pending.is_empty() && input.trim().is_empty() {
                    continue;
                }
                let trimmed = input.trim();
                if pending.is_empty() && trimmed.starts_with('.') {
                    let _ = editor.add_history_entry(input.as_str());
                    match shell.dot_command(trimmed) {
                        Flow::Quit => break,
                        Flow::Continue(result) => ok = result,
                    }
                } else {
                    pending.push_str(&input);
                    pending.push('\n');
                    if !is_complete(&pending) {
                        continue;
                    }
                    let _ = editor.add_history_entry(pending.trim_end());
                    ok = shell.run_text(&pending, "<shell>");
                    pending.clear();
                }
                // Names may have changed (add speaker, .open): refresh completion.
                if let Some(helper) = editor.helper_mut() {
                    (helper.speakers, helper.sources) = completion_names(shell);
                }
            }
            Err(ReadlineError::Interrupted) => pending.clear(),
            Err(ReadlineError::Eof) => {
                if !pending.trim().is_empty() {
                    eprintln!(
                        "note: the unfinished statement was not run (it has no `;`): {}",
                        pending.split_whitespace().collect::<Vec<_>>().join(" ")
                    );
                }
                break;
            }
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
