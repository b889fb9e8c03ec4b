//! Running statements and showing what they give, for scripts and the shell alike.
//!
//! A [`Session`] owns the open database and the output settings. Results go
//! to stdout; errors go to stderr, a query error drawn with its file, line,
//! column and a caret. A script stops at its first error.

use std::io::{IsTerminal, Write};
use std::path::Path;

use claimdb::query::split_statements;
use claimdb::render::{render, Format};
use claimdb::{Db, Error};

/// Table width when stdout is not a terminal and $COLUMNS is not set.
const DEFAULT_WIDTH: usize = 120;

/// An open database and how to print its answers.
pub struct Session {
    pub db: Db,
    pub format: Format,
}

impl Session {
    pub fn new(db: Db, format: Format) -> Self {
        Session { db, format }
    }

    /// The width tables are fitted to.
    pub fn width() -> usize {
        if std::io::stdout().is_terminal() {
            if let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size() {
                return usize::from(w);
            }
        }
        std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(DEFAULT_WIDTH)
    }

    /// Runs a script file; false if it could not be read or a statement failed.
    pub fn run_file(&mut self, path: &Path) -> bool {
        match std::fs::read_to_string(path) {
            Ok(text) => self.run_text(&text, &path.display().to_string()),
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", path.display());
                false
            }
        }
    }

    /// Runs every statement in `text` (named `origin` in errors), stopping at
    /// the first that fails. Returns false if one failed.
    pub fn run_text(&mut self, text: &str, origin: &str) -> bool {
        for chunk in split_statements(text) {
            let result = self.db.query(chunk.text);
            match result {
                Ok(out) => {
                    let rendered = render(&out, self.format, Self::width());
                    let mut stdout = std::io::stdout().lock();
                    if writeln!(stdout, "{rendered}")
                        .and_then(|_| stdout.flush())
                        .is_err()
                    {
                        // stdout closed (a pipe into `head`): stop quietly.
                        return true;
                    }
                }
                Err(Error::Query(mut e)) => {
                    e.span = e.span.shifted(chunk.offset);
                    eprintln!("{}", e.render(text, origin));
                    return false;
                }
                Err(e) => {
                    let at = claimdb::cite::LineIndex::new(text)
                        .position(chunk.offset + leading_space(chunk.text));
                    eprintln!("error: {e}\n --> {origin}:{}:{}", at.line, at.column);
                    return false;
                }
            }
        }
        true
    }
}

/// Bytes of whitespace and comment lines before a statement's first token.
fn leading_space(text: &str) -> usize {
    let mut rest = text;
    loop {
        let trimmed = rest.trim_start();
        match trimmed.strip_prefix("--") {
            Some(comment) => rest = comment.find('\n').map_or("", |n| &comment[n..]),
            None => return text.len() - trimmed.len(),
        }
    }
}
