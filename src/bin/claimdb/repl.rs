//! The interactive shell, on rustyline.
//!
//! Statements end with `;` and may span lines: while one waits for its `;`
//! the prompt is `   ...> `, as in sqlite3. Lines that start with `.` are
//! shell commands. Tab completes from context (`complete.rs`: what the
//! grammar accepts next first, names after `speaker =` and `source =`); a
//! hint from history completes the line. Keywords, strings, numbers and
//! comments are coloured from the lexer's tokens, unless `NO_COLOR` is set
//! or the output is not a terminal. History is kept in the user's data
//! directory. Ctrl-C drops the current input; Ctrl-D leaves (saying so when
//! it drops an unfinished statement). An `update claims` or `delete claims`
//! without `where` is asked about first, as `rm -i` asks ("delete every
//! claim (61)? [y/N]"); scripts refuse it instead, unless `--force`.

use std::borrow::Cow;
use std::io::IsTerminal;

use claimdb::query::{split_statements, tokens, Keyword, TokenKind};
use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::{Hinter, HistoryHinter};
use rustyline::validate::Validator;
use rustyline::{Context, Editor, Helper};

use crate::complete::{self, Names};
use crate::paths;
use crate::shell::{Flow, Shell};

/// The language in brief, for `.help`.
pub const LANGUAGE_HELP: &str = r#"Statements end with ";" and may span lines.
  claims [select FIELD, ...] [where COND] [group by FIELD] [order by FIELD [asc|desc], ...] [limit N [offset M]];
  count claims [where COND] [group by FIELD];
  speakers [where COND];   sources [where COND];   show claim N;   explain STATEMENT;
  show source "id" [lines A [to B]];
  add source "id" with title = "...", kind = "article", text_file = "path";
  add speaker "Name" aliases ("Alias") description "...";
  add claim with speaker = "...", source = "...", quote = "...", statement = "...", confidence = 0.8, rationale = "...", tags = ("a");
  update claims set confidence = 0.6, rationale = "..." where ...;   delete claims where ...;
  alias "Thae" to "Thae Yong-ho";   merge speaker "Thae" into "Thae Yong-ho";
  update sources set url = "..." where id = "...";   update speakers set description = "..." where ...;
  delete sources where ... [cascade];   delete speakers where ... [cascade];
  begin; ... commit;   rollback;
Conditions: FIELD (= != < <= > >= contains, starts with, matches) VALUE, FIELD in (...),
  FIELD between A and B, FIELD is [not] null, has tag "x"; joined with and, or, not, ( ).
Example: claims where speaker = "Moriuchi" and confidence >= 0.8 order by confidence desc limit 5;"#;

struct ShellHelper {
    /// Speaker names (and aliases) and source ids of the open database, quoted.
    names: Names,
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

impl Completer for ShellHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let (start, found) = complete::complete(&line[..pos], &self.names);
        let pairs = found
            .into_iter()
            .map(|s| Pair {
                display: s.clone(),
                replacement: s,
            })
            .collect();
        Ok((start, pairs))
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

/// Keywords bold blue, strings green, numbers yellow, parameters
/// magenta, comments grey: each from the lexer's token kinds.
fn colourize(line: &str) -> String {
    let mut out = String::with_capacity(line.len() * 2);
    for token in tokens(line) {
        let text = token.text(line);
        let colour = match token.kind {
            TokenKind::Keyword(_) => "1;34",
            TokenKind::Str { .. } => "32",
            TokenKind::Number => "33",
            TokenKind::Param => "35",
            TokenKind::Comment => "90",
            _ => {
                out.push_str(text);
                continue;
            }
        };
        out.push_str(&format!("\x1b[{colour}m{text}\x1b[0m"));
    }
    out
}

/// What `input` would do to every claim: "delete", "update", both, or
/// nothing (every update and delete has its `where`). Read from the
/// tokens alone: the statements are parsed once, when they run.
fn unconditional_writes(input: &str) -> Vec<&'static str> {
    let mut verbs = Vec::new();
    for chunk in split_statements(input) {
        let mut words =
            tokens(chunk.text).filter(|t| !matches!(t.kind, TokenKind::Comment | TokenKind::Space));
        let verb = match (words.next(), words.next()) {
            (Some(first), Some(second))
                if second.text(chunk.text).eq_ignore_ascii_case("claims") =>
            {
                match first.kind {
                    TokenKind::Keyword(Keyword::Delete) => "delete",
                    TokenKind::Keyword(Keyword::Update) => "update",
                    _ => continue,
                }
            }
            _ => continue,
        };
        if words.any(|t| t.kind == TokenKind::Keyword(Keyword::Where)) || verbs.contains(&verb) {
            continue;
        }
        verbs.push(verb);
    }
    verbs
}

/// Asks before statements that change every claim (unless `--force`):
/// true to run the input with them, false to run none of it.
fn confirmed<H: rustyline::Helper>(
    editor: &mut Editor<H, rustyline::history::DefaultHistory>,
    shell: &Shell,
    input: &str,
) -> bool {
    let verbs = unconditional_writes(input);
    if verbs.is_empty() || shell.forced() {
        return true;
    }
    let count = match shell.count_claims() {
        Ok(claimdb::Output::Count(n)) => n.to_string(),
        _ => "all".to_string(),
    };
    let question = format!("{} every claim ({count})? [y/N] ", verbs.join(" and "));
    match editor.readline(&question) {
        Ok(answer) => matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes"),
        Err(_) => false,
    }
}

/// Names to complete: speakers (every name) and source ids, quoted.
fn completion_names(shell: &Shell) -> Names {
    let mut speakers = Vec::new();
    for s in shell.speaker_rows() {
        speakers.push(format!("\"{}\"", s.name));
        speakers.extend(s.aliases.iter().map(|a| format!("\"{a}\"")));
    }
    speakers.sort();
    speakers.dedup();
    let sources = shell
        .source_ids()
        .into_iter()
        .map(|id| format!("\"{id}\""))
        .collect();
    Names { speakers, sources }
}

/// Runs the shell until Ctrl-D or `.quit`. Returns false if the last statement failed.
pub fn run(shell: &mut Shell) -> bool {
    // A line typed with a leading space is kept out of the history (as
    // bash and psql do): the way to run a statement holding a secret.
    let config = rustyline::Config::builder()
        .history_ignore_space(true)
        .build();
    let mut editor =
        match Editor::<ShellHelper, rustyline::history::DefaultHistory>::with_config(config) {
            Ok(e) => e,
            Err(e) => {
                eprintln!("error: cannot start the shell: {e}");
                return false;
            }
        };
    let colour = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::io::stdout().is_terminal();
    editor.set_helper(Some(ShellHelper {
        names: completion_names(shell),
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
    crate::outln!(
        "claimdb {} on {}\nEnter \".help\" for usage hints.",
        env!("CARGO_PKG_VERSION"),
        shell.conn.place()
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
                    if confirmed(&mut editor, shell, &pending) {
                        let forced = shell.forced();
                        shell.force(true);
                        ok = shell.run_text(&pending, "<shell>");
                        shell.force(forced);
                    } else {
                        eprintln!("not run: nothing was changed");
                    }
                    pending.clear();
                }
                // Names may have changed (add speaker, .open): refresh completion.
                if let Some(helper) = editor.helper_mut() {
                    helper.names = completion_names(shell);
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

#[cfg(test)]
mod tests {
    use super::unconditional_writes;

    #[test]
    fn writes_to_every_claim_are_seen_from_the_tokens() {
        let cases: &[(&str, &[&str])] = &[
            ("delete claims;", &["delete"]),
            ("DELETE Claims;", &["delete"]),
            ("update claims set confidence = 0.5;", &["update"]),
            ("delete claims where id = 3;", &[]),
            ("update claims set statement = \"where\";", &["update"]),
            ("-- a note\ndelete claims;", &["delete"]),
            (
                "delete claims; update claims set rationale = \"x\"; delete claims;",
                &["delete", "update"],
            ),
            ("explain delete claims;", &[]),
            ("delete sources where id = \"a\";", &[]),
            ("claims where speaker = \"delete\";", &[]),
        ];
        for (input, verbs) in cases {
            assert_eq!(&unconditional_writes(input), verbs, "{input}");
        }
    }
}
