//! Running statements and dot-commands, and showing what they give, for
//! scripts and the interactive shell alike.
//!
//! A [`Shell`] owns the open database, the output settings and the
//! transaction state. Results go to stdout (or the `.output` file); errors go
//! to stderr, a query error drawn with its file, line, column and a caret.
//! A script stops at its first error unless `--keep-going` is given.

use std::fs::File;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::Instant;

use claimdb::cite::LineIndex;
use claimdb::query::{split_statements, Field, Table};
use claimdb::render::{render, ClaimWriter, Format};
use claimdb::{Error, OpenOptions};

use crate::conn::Conn;

mod dot;

/// The name write errors of the result output carry.
const OUTPUT: &str = "<output>";

/// Table width when stdout is not a terminal and $COLUMNS is not set.
const DEFAULT_WIDTH: usize = 120;

/// The shell commands and what they do, for `.help`.
pub const DOT_HELP: &str = r#"Shell commands (a line that starts with "."):
  .help                          this text
  .format [table|json|jsonl|csv|markdown|line]  show or set how results are printed
  .output [FILE]                 send results to FILE; without FILE, back to the terminal
  .read FILE                     run the statements in FILE
  .timer on|off                  print how long each statement took
  .schema                        the fields of claims, speakers and sources, with their types
  .open PATH                     close this database and open (or create) another
  .import FILE... [OPTIONS]      import, as `claimdb import` (--partial, --dry-run, --input-format)
  .export [QUERY] [OPTIONS]      export to the output, as `claimdb export` (--format dump|jsonl|csv|...)
  .check [--claim N|--source ID] re-check stored claims, as `claimdb check`
  .extract SOURCE [OPTIONS]      propose (--accept: add) the claims of a source's text, as `claimdb extract`
  .quit, .exit                   leave (Ctrl-D also leaves; Ctrl-C drops the current input)"#;

/// Where results go.
enum Sink {
    Stdout,
    File(File),
}

/// An open database (or a server), how to print its answers, and an open
/// transaction, if any.
pub struct Shell {
    pub conn: Conn,
    pub format: Format,
    /// Go on after a failed statement (scripts).
    pub keep_going: bool,
    /// How `.open` opens another database (the seed, the busy timeout).
    pub open_options: OpenOptions,
    timer: bool,
    sink: Sink,
    /// How many `.read` files are open now, one inside another.
    read_depth: usize,
    /// `--force`: `update` and `delete` may run without `where`.
    forced: bool,
    /// The door other `claimdb` processes reach this shell's database by.
    door: Option<claimdb::server::DoorServer>,
}

/// What the shell should do after a dot-command.
pub enum Flow {
    Quit,
    Continue(bool),
}

impl Shell {
    pub fn new(conn: Conn, format: Format) -> Self {
        Shell {
            conn,
            format,
            keep_going: false,
            open_options: OpenOptions::new(),
            timer: false,
            sink: Sink::Stdout,
            read_depth: 0,
            forced: false,
            door: None,
        }
    }

    /// Opens the door of the local database, so that another `claimdb` on
    /// this machine runs through this process instead of waiting for it.
    pub fn open_door(&mut self) {
        if let Conn::Local { db, .. } = &self.conn {
            match claimdb::server::DoorServer::open(db.clone()) {
                Ok(door) => self.door = door,
                Err(e) => eprintln!("warning: other claimdb processes cannot reach this database through this shell: {e}"),
            }
        }
    }

    /// Lets `update` and `delete` run without `where` (`--force`).
    pub fn force(&mut self, force: bool) {
        self.forced = force;
        self.conn.force(force);
    }

    /// How many claims there are (for the shell's questions).
    pub fn count_claims(&self) -> claimdb::Result<claimdb::Output> {
        match &self.conn {
            Conn::Local { db, .. } => db.query("count claims"),
            Conn::Remote(r) => r
                .client()
                .query("count claims", &claimdb::Params::new())
                .map(|(out, _)| out),
        }
    }

    /// Every speaker (for completion); none when they cannot be read.
    pub fn speaker_rows(&self) -> Vec<claimdb::Speaker> {
        match &self.conn {
            Conn::Local { db, .. } => db.speakers().unwrap_or_default(),
            Conn::Remote(r) => match r.client().query("speakers", &claimdb::Params::new()) {
                Ok((claimdb::Output::Speakers(rows), _)) => {
                    rows.into_iter().map(|r| r.speaker).collect()
                }
                _ => Vec::new(),
            },
        }
    }

    /// Every source's id (for completion).
    pub fn source_ids(&self) -> Vec<String> {
        match &self.conn {
            Conn::Local { db, .. } => db
                .sources()
                .unwrap_or_default()
                .into_iter()
                .map(|s| s.id)
                .collect(),
            Conn::Remote(r) => match r.client().query("sources", &claimdb::Params::new()) {
                Ok((claimdb::Output::Sources(rows), _)) => {
                    rows.into_iter().map(|r| r.source.id).collect()
                }
                _ => Vec::new(),
            },
        }
    }

    /// True when `update` and `delete` may run without `where`.
    pub fn forced(&self) -> bool {
        self.forced
    }

    /// True between `begin` and `commit`.
    pub fn in_transaction(&self) -> bool {
        self.conn.in_transaction()
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

    /// Writes a result; false if it could not be written.
    fn emit(&mut self, text: &str) -> bool {
        let end = self.format.line_end();
        let result = match &mut self.sink {
            Sink::Stdout => {
                let mut out = std::io::stdout().lock();
                write!(out, "{text}{end}").and_then(|_| out.flush())
            }
            Sink::File(f) => write!(f, "{text}{end}").and_then(|_| f.flush()),
        };
        match result {
            Ok(()) => true,
            // stdout closed (a pipe into `head`): nothing more to say.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                crate::stdout_closed();
                false
            }
            Err(e) => {
                eprintln!("error: cannot write the result: {e}");
                false
            }
        }
    }

    /// Runs a script file; false if it could not be read or a statement failed.
    ///
    /// While it runs, relative paths in it (`text_file`, `.read`) are read
    /// from the script's own folder, wherever claimdb was started.
    pub fn run_file(&mut self, path: &Path) -> bool {
        match claimdb::limits::read_text_file(path, claimdb::limits::MAX_SCRIPT_BYTES) {
            Ok(text) => {
                let folder = path.parent().map(Path::to_path_buf);
                let outer = self.conn.set_base_dir(folder);
                let ok = self.run_text(&text, &path.display().to_string());
                self.conn.set_base_dir(outer);
                ok
            }
            Err(e) => {
                eprintln!("error: cannot read {e}");
                false
            }
        }
    }

    /// Runs the statements and dot-commands in `text` (named `origin` in
    /// errors). Stops at the first failure unless `keep_going`. Returns false
    /// if anything failed.
    pub fn run_text(&mut self, text: &str, origin: &str) -> bool {
        self.run_from(text, 0, origin)
    }

    /// Runs what stands in `text` from byte `from` on; errors are placed in
    /// the whole `text` (for input that arrives piece by piece).
    pub fn run_from(&mut self, text: &str, from: usize, origin: &str) -> bool {
        let mut ok = true;
        // Dot-commands stand on lines of their own between statements; the
        // text between them is cut into statements at `;`.
        let mut block_start = from;
        let mut offset = from;
        for line in text[from..].split_inclusive('\n') {
            let line_start = offset;
            offset += line.len();
            // Only a line that starts with `.` can be a dot-command; only then
            // is it worth asking whether a statement is still open before it.
            let at_dot_command = line.trim_start().starts_with('.')
                && split_statements(&text[block_start..line_start])
                    .last()
                    .is_none_or(|c| c.terminated);
            if at_dot_command {
                if !self.run_block(text, block_start, line_start, origin, &mut ok) {
                    return false;
                }
                match self.dot_command(line.trim()) {
                    Flow::Quit => return ok,
                    Flow::Continue(good) => {
                        if !good {
                            let at = LineIndex::new(text).position(line_start);
                            eprintln!(" --> {origin}:{}:1", at.line);
                            ok = false;
                            if !self.keep_going {
                                return false;
                            }
                        }
                    }
                }
                block_start = offset;
            }
        }
        self.run_block(text, block_start, text.len(), origin, &mut ok);
        ok
    }

    /// Runs the statements in `text[from..to]`; false when the caller must stop.
    fn run_block(
        &mut self,
        text: &str,
        from: usize,
        to: usize,
        origin: &str,
        ok: &mut bool,
    ) -> bool {
        for chunk in split_statements(&text[from..to]) {
            let start = from + chunk.offset;
            if !self.run_statement(chunk.text, text, start, origin) {
                *ok = false;
                if !self.keep_going {
                    return false;
                }
            }
        }
        true
    }

    /// Runs one statement found at byte `start` of `text`.
    fn run_statement(&mut self, statement: &str, text: &str, start: usize, origin: &str) -> bool {
        // sqlite3 and psql habits: the shell's own commands start with a dot.
        let word = statement[claimdb::query::statement_start(statement)..]
            .trim()
            .to_ascii_lowercase();
        if let Some(command) = match word.as_str() {
            "help" | "?" | "\\?" | "\\h" => Some(".help"),
            "quit" | "exit" | "\\q" => Some(".quit"),
            _ => None,
        } {
            let at =
                LineIndex::new(text).position(start + claimdb::query::statement_start(statement));
            eprintln!(
                "error: `{word}` is not a statement; shell commands start with a dot: {command}\n --> {origin}:{}:{}",
                at.line,
                at.column
            );
            return false;
        }
        let began = Instant::now();
        let result = self.execute(statement);
        let elapsed = began.elapsed();
        for note in self.conn.notes() {
            eprintln!("note: {note}");
        }
        let ok = match result {
            // Streamed: the rows are written already.
            Ok(None) => true,
            Ok(Some(out)) => {
                let rendered = render(&out, self.format, Self::width());
                self.emit(&rendered)
            }
            Err(Error::Io { path, source }) if path.as_os_str() == OUTPUT => {
                // stdout closed (a pipe into `head`): nothing more to say.
                if source.kind() == std::io::ErrorKind::BrokenPipe {
                    crate::stdout_closed();
                } else {
                    eprintln!("error: cannot write the result: {source}");
                }
                false
            }
            Err(Error::Query(mut e)) => {
                e.span = e.span.shifted(start);
                eprintln!("{}", e.render(text, origin));
                false
            }
            Err(e) => {
                let at = LineIndex::new(text)
                    .position(start + claimdb::query::statement_start(statement));
                eprintln!("error: {e}\n --> {origin}:{}:{}", at.line, at.column);
                if let Some(hint) = e.hint() {
                    eprintln!("hint: {hint}");
                }
                false
            }
        };
        if self.timer {
            eprintln!("run time: {:.3} ms", elapsed.as_secs_f64() * 1e3);
        }
        ok
    }

    /// Runs a statement. In JSON Lines and CSV, the rows of a claims query
    /// are written as they are produced (`None`), so an export of any size
    /// holds one row at a time; anything else comes back whole.
    fn execute(&mut self, statement: &str) -> claimdb::Result<Option<claimdb::Output>> {
        let out: Box<dyn Write + '_> = match &mut self.sink {
            Sink::Stdout => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
            Sink::File(f) => Box::new(std::io::BufWriter::new(f)),
        };
        let Some(mut writer) = ClaimWriter::new(out, self.format) else {
            return self.conn.execute(statement).map(Some);
        };
        let failed = |source| Error::Io {
            path: OUTPUT.into(),
            source,
        };
        let streamed = self
            .conn
            .execute_streaming(statement, &mut |row| writer.claim(&row).map_err(failed))?;
        match streamed {
            None => writer.finish().map(|_| None).map_err(failed),
            Some(out) => Ok(Some(out)),
        }
    }
}

/// `.schema`: every field of every table, with its type.
pub fn schema() -> String {
    let mut out = String::new();
    for table in [Table::Claims, Table::Speakers, Table::Sources] {
        out.push_str(&format!("{}:\n", table.name()));
        for f in Field::of(table) {
            let ty = match f.field_type() {
                claimdb::query::FieldType::Text => "text",
                claimdb::query::FieldType::Number => "number",
            };
            let null = if f.nullable() { ", may be null" } else { "" };
            out.push_str(&format!(
                "  {:<12} {ty}{null}: {}\n",
                f.name_in(table),
                f.doc()
            ));
        }
    }
    out.trim_end().to_string()
}
