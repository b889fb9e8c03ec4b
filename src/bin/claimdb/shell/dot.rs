//! The shell's dot-commands (`.help`, `.mode`, `.output`, `.read`,
//! `.open`, `.schema`, `.timer`, and the corpus commands `.import`,
//! `.export`, `.check`, `.extract`), as typed at the prompt or written in a
//! script.

use std::fs::File;
use std::path::Path;

use claimdb::limits::MAX_READ_DEPTH;
use claimdb::render::Format;
use claimdb::Session;

use super::{schema, Flow, Shell, Sink, DOT_HELP};
use crate::conn::Conn;

impl Shell {
    /// Runs a dot-command line (with its leading `.`).
    pub fn dot_command(&mut self, line: &str) -> Flow {
        let mut words = line.trim_start_matches('.').split_whitespace();
        let name = words.next().unwrap_or("");
        if matches!(name, "import" | "export" | "check" | "extract") {
            return Flow::Continue(self.corpus_command(line.trim_start_matches('.')));
        }
        let args: Vec<&str> = words.collect();
        let fail = |msg: String| {
            eprintln!("error: {msg}");
            Flow::Continue(false)
        };
        match (name, args.as_slice()) {
            ("quit" | "exit", []) => Flow::Quit,
            ("help", []) => {
                let text = format!("{}\n\n{DOT_HELP}", crate::repl::LANGUAGE_HELP);
                Flow::Continue(self.emit(&text))
            }
            ("format", []) => {
                let name = self.format.name();
                Flow::Continue(self.emit(name))
            }
            ("format", [f]) => match Format::parse(f) {
                Some(format) => {
                    self.format = format;
                    Flow::Continue(true)
                }
                None => fail(format!(
                    "unknown format {f:?}: use table, json, jsonl, csv, markdown or line"
                )),
            },
            ("output", []) => {
                self.sink = Sink::Stdout;
                Flow::Continue(true)
            }
            ("output", [path]) => match File::create(path) {
                Ok(f) => {
                    self.sink = Sink::File(f);
                    Flow::Continue(true)
                }
                Err(e) => fail(format!("cannot write {path}: {e}")),
            },
            ("read", [_]) if self.read_depth >= MAX_READ_DEPTH => fail(format!(
                ".read nests more than {MAX_READ_DEPTH} files deep (does a file read itself?)"
            )),
            ("read", [path]) => {
                self.read_depth += 1;
                let path = match self.conn.base_dir() {
                    Some(base) if Path::new(path).is_relative() => base.join(path),
                    _ => Path::new(path).to_path_buf(),
                };
                let ok = self.run_file(&path);
                self.read_depth -= 1;
                Flow::Continue(ok)
            }
            ("timer", [on @ ("on" | "off")]) => {
                self.timer = *on == "on";
                Flow::Continue(true)
            }
            ("schema", []) => {
                let text = schema();
                Flow::Continue(self.emit(&text))
            }
            ("open", [path]) => {
                if self.in_transaction() {
                    return fail("a transaction is open: commit or rollback before .open".into());
                }
                let Some(db) = self.conn.db() else {
                    return fail(
                        ".open opens a database on this machine; this shell talks to a server"
                            .into(),
                    );
                };
                if *path != crate::MEMORY && Path::new(path) == db.path() {
                    return Flow::Continue(true);
                }
                let had_door = self.door.take().is_some();
                match claimdb::Db::open_with(Path::new(path), self.open_options) {
                    Ok(db) => {
                        crate::announce_creation(&db, Path::new(path), !self.open_options.seed);
                        let mut session = Session::new();
                        session.force(self.forced);
                        self.conn = Conn::Local {
                            db: std::sync::Arc::new(db),
                            session,
                        };
                        if had_door {
                            self.open_door();
                        }
                        Flow::Continue(true)
                    }
                    Err(e) => fail(format!("cannot open {path}: {e}")),
                }
            }
            _ => {
                let names = [
                    "help", "format", "output", "read", "timer", "schema", "open", "import",
                    "export", "check", "extract", "quit", "exit",
                ];
                let hint = claimdb::query::did_you_mean(name, names)
                    .map(|n| format!(" (did you mean .{n}?)"))
                    .unwrap_or_default();
                fail(format!(
                    "unknown command or wrong arguments: {line}{hint}; enter .help for the list"
                ))
            }
        }
    }
}

impl Shell {
    /// `.import`, `.export`, `.check`, `.extract`: the command of that name,
    /// its options read as the command line reads them, on this shell's
    /// database (relative files from the script's folder).
    fn corpus_command(&mut self, line: &str) -> bool {
        let words = match shell_words(line) {
            Ok(words) => words,
            Err(e) => {
                eprintln!("error: {e}");
                return false;
            }
        };
        let argv = std::iter::once("claimdb".to_string()).chain(words);
        let mut command = match <crate::args::Cli as clap::Parser>::try_parse_from(argv) {
            Ok(cli) => match cli.command {
                Some(command) => command,
                None => return false,
            },
            Err(e) => {
                let text = e.to_string();
                eprint!("{}", text.replace("claimdb ", "."));
                return false;
            }
        };
        use crate::args::Command;
        let database = match &command {
            Command::Import { database, .. }
            | Command::Export { database, .. }
            | Command::Check { database, .. }
            | Command::Extract { database, .. } => database,
            _ => return false,
        };
        if database.db.is_some() || database.server.is_some() {
            eprintln!("error: a shell command works on the shell's own database: drop --db and --server (or .open another)");
            return false;
        }
        if let (Command::Import { files, .. }, Some(base)) = (&mut command, self.conn.base_dir()) {
            for file in files.iter_mut().filter(|f| f.is_relative()) {
                *file = base.join(&*file);
            }
        }
        let format = match &command {
            Command::Check { output, .. }
            | Command::Import { output, .. }
            | Command::Extract { output, .. } => output.format,
            _ => None,
        };
        let shown = self.format;
        if let Some(format) = format {
            self.format = format.into();
        }
        let ok = crate::commands::corpus(self, command);
        self.format = shown;
        ok
    }
}

/// A dot-command's words, as a shell cuts them: whitespace apart, and
/// `'...'` or `"..."` one word (in double quotes, `\"` and `\\` escape).
fn shell_words(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if let Some(w) = word.take() {
                    words.push(w);
                }
            }
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => w.push(c),
                        None => return Err("a quote ' is not closed".into()),
                    }
                }
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\')) => w.push(c),
                            Some(c) => {
                                w.push('\\');
                                w.push(c);
                            }
                            None => return Err("a quote \" is not closed".into()),
                        },
                        Some(c) => w.push(c),
                        None => return Err("a quote \" is not closed".into()),
                    }
                }
            }
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    Ok(words)
}
