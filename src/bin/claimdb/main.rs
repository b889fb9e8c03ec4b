//! The `claimdb` command: a thin wire from the library to a terminal.
//!
//! It parses arguments (clap), opens the database, and hands statements to a
//! [`Session`], which prints results on stdout and diagnostics on stderr. The
//! exit code is 0 when everything succeeded, 1 when any statement or the
//! database failed, 2 for a usage error.

mod args;
mod commands;
mod complete;
mod conn;
mod paths;
mod repl;
mod serving;
mod shell;
mod text_files;
mod upkeep;
mod values;

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

use args::{Cli, Command, DbArgs, FormatArg, FormatArgs, ScriptArgs};
use claimdb::render::Format;
use claimdb::{Db, OpenOptions};
use clap::Parser;

use conn::Conn;

claimdb::tuned_allocator!();
use shell::Shell;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let (stats, started) = (cli.stats, std::time::Instant::now());
    let code = run(cli);
    // After `run`, which has closed the database: the peak counts what
    // closing it took.
    if stats {
        eprintln!("{}", stats_line(started.elapsed()));
    }
    code
}

/// `--stats`: the command's time and the process's peak resident memory
/// (Linux's VmHWM, as `time -f %M` reports it).
fn stats_line(took: std::time::Duration) -> String {
    let peak = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
            line.split_whitespace().nth(1)?.parse::<u64>().ok()
        });
    match peak {
        Some(kib) => format!(
            "stats: {:.2} s, peak memory {} MiB",
            took.as_secs_f64(),
            kib.div_ceil(1024)
        ),
        None => format!("stats: {:.2} s, peak memory unknown", took.as_secs_f64()),
    }
}

/// The command `cli` asks for; its exit code.
fn run(cli: Cli) -> ExitCode {
    // The options given after the command, over those given before it.
    let (database, output, script) = match &cli.command {
        Some(
            Command::Query {
                database,
                output,
                script,
                ..
            }
            | Command::Run {
                database,
                output,
                script,
                ..
            }
            | Command::Repl {
                database,
                output,
                script,
            },
        ) => (database.clone(), output.clone(), script.clone()),
        Some(
            Command::Check {
                database, output, ..
            }
            | Command::Verify {
                database, output, ..
            }
            | Command::UpdateSource {
                database, output, ..
            }
            | Command::Import {
                database, output, ..
            }
            | Command::Extract {
                database, output, ..
            },
        ) => (database.clone(), output.clone(), ScriptArgs::default()),
        Some(Command::Serve { database, .. } | Command::Token { database, .. }) => (
            database.clone(),
            FormatArgs::default(),
            ScriptArgs::default(),
        ),
        Some(
            Command::Export { database, .. }
            | Command::Backup { database, .. }
            | Command::PruneHistory { database, .. }
            | Command::Restore { database, .. }
            | Command::Vacuum { database, .. },
        ) => (
            database.clone(),
            FormatArgs::default(),
            ScriptArgs::default(),
        ),
        Some(Command::Locate { output, .. }) => {
            (DbArgs::default(), output.clone(), ScriptArgs::default())
        }
        Some(Command::Copy { .. }) => Default::default(),
        None => Default::default(),
    };
    let database = database.or(cli.database);
    // Who and why, on the versions of this run's writes.
    if let Some(name) = database.author.as_deref().filter(|n| !n.trim().is_empty()) {
        claimdb::set_default_author(name.trim());
    }
    if let Some(reason) = database.because.as_deref().filter(|r| !r.trim().is_empty()) {
        claimdb::set_default_reason(reason.trim());
    }
    let format: Format = output
        .or(cli.output)
        .format
        .unwrap_or(FormatArg::Table)
        .into();
    let script = script.or(cli.script);
    if let Some(Command::Locate {
        file,
        quote,
        prefix,
        suffix,
        position,
        ..
    }) = &cli.command
    {
        let hint = claimdb::cite::Hint::from_parts(prefix.clone(), suffix.clone(), *position);
        return exit(commands::locate(file, quote, hint.as_ref(), format));
    }
    if let Some(Command::Copy { from, to }) = &cli.command {
        return exit(upkeep::copy(from, to));
    }
    let mut open_options = OpenOptions::new();
    let conn = match &database.server {
        Some(url) => {
            if database.db.is_some() {
                eprintln!("error: --db and --server name two databases: give one");
                return ExitCode::FAILURE;
            }
            let client = match claimdb::client::Client::new(url, database.token.clone()) {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::FAILURE;
                }
            };
            match cli.command {
                Some(Command::Serve { .. }) => {
                    eprintln!("error: `serve` shares a database on this machine: drop --server");
                    return ExitCode::FAILURE;
                }
                Some(Command::Restore { .. }) => {
                    eprintln!("error: `restore` makes a database on this machine: give --db instead of --server (stop the server first)");
                    return ExitCode::FAILURE;
                }
                Some(Command::Vacuum { .. }) => {
                    eprintln!("error: `vacuum` rewrites a database on this machine: give --db instead of --server (stop the server first)");
                    return ExitCode::FAILURE;
                }
                Some(Command::Token { action, .. }) => {
                    return exit(serving::remote_token(&client, action))
                }
                _ => {}
            }
            Conn::Remote(claimdb::client::RemoteSession::new(client))
        }
        None => {
            let path = match database
                .db
                .clone()
                .map(Ok)
                .unwrap_or_else(paths::default_db)
            {
                Ok(p) => p,
                Err(msg) => {
                    eprintln!("error: {msg}");
                    return ExitCode::FAILURE;
                }
            };
            // The demo claims go into the default database only, or where
            // asked for: a database named is someone's own corpus, and an
            // import into a new one (a restore) keeps the ids it brings.
            let importing = matches!(cli.command, Some(Command::Import { .. }));
            let seed = database.seed || (database.db.is_none() && !database.empty && !importing);
            let mut options =
                OpenOptions::new()
                    .seed(seed)
                    .busy_timeout(std::time::Duration::from_millis(
                        database.busy_timeout.unwrap_or(DEFAULT_BUSY_TIMEOUT_MS),
                    ));
            // A command that reads the whole database once gains nothing
            // from a large page cache, which would only hold pages it does
            // not read again.
            let scans = matches!(
                cli.command,
                Some(
                    Command::Verify { .. }
                        | Command::Check { .. }
                        | Command::Export { .. }
                        | Command::Backup { .. }
                )
            );
            match database.cache_mib {
                Some(mib) => options = options.cache_bytes(mib << 20),
                None if scans => options = options.cache_bytes(claimdb::SCAN_CACHE_BYTES),
                None => {}
            }
            // verify opens a database that lost commits, to say what is
            // missing (and, asked to, accept the loss); a read-only open
            // reads what is left, saying so; nothing else opens one.
            if matches!(cli.command, Some(Command::Verify { .. })) || database.read_only {
                options = options.open_damaged(true);
            }
            options = options.read_only(database.read_only);
            if let Some(Command::Restore { backup, .. }) = &cli.command {
                return exit(upkeep::restore(backup, &path, options));
            }
            if let Some(Command::Vacuum { .. }) = &cli.command {
                return exit(upkeep::vacuum(&path, options));
            }
            for (asked, flag) in [(database.empty, "--empty"), (database.seed, "--seed")] {
                if asked && Db::exists_at(&path) && !Db::is_url(&path) {
                    eprintln!(
                        "error: {flag} creates a new database, and {} holds one already",
                        path.display()
                    );
                    return ExitCode::FAILURE;
                }
            }
            // Held open by another claimdb of this machine (a shell, a
            // server): run through it instead of waiting for its lock.
            // (Read-only reads a copy beside it, and writes nothing either way.)
            if let Some(through) = door_of(&path).filter(|_| !database.read_only) {
                match cli.command {
                    Some(Command::Serve { .. }) => {
                        eprintln!(
                            "error: {} is open in claimdb process {}: stop it first, or use it with --server {}",
                            path.display(),
                            through.pid,
                            through.url
                        );
                        return ExitCode::FAILURE;
                    }
                    Some(Command::Token { action, .. }) => {
                        return exit(serving::remote_token(&through.client, action))
                    }
                    _ => {}
                }
                eprintln!(
                    "note: {} is open in claimdb process {}: running through it",
                    path.display(),
                    through.pid
                );
                let mut session = claimdb::client::RemoteSession::new(through.client);
                session.force(script.force);
                Conn::Remote(session)
            } else {
                let db = match Db::open_with(&path, options) {
                    Ok(db) => db,
                    Err(e) => {
                        eprintln!("error: cannot open {}: {e}", Db::shown(&path));
                        if let Some(hint) = e.hint() {
                            eprintln!("hint: {hint}");
                        }
                        return ExitCode::FAILURE;
                    }
                };
                announce_creation(&db, &path, !database.empty && !importing);
                if let Some(damage) = db.damage().filter(|_| database.read_only) {
                    eprintln!("warning: {damage}; reading what is left (restore a backup to get the rest)");
                }
                match cli.command {
                    Some(Command::Serve {
                        listen,
                        public_read,
                        max_body_mib,
                        statement_timeout,
                        max_concurrent,
                        header_timeout,
                        ..
                    }) => {
                        let options = claimdb::server::ServeOptions {
                            listen,
                            public_read,
                            max_body_bytes: usize::try_from(max_body_mib << 20)
                                .unwrap_or(usize::MAX),
                            statement_time_limit: (statement_timeout > 0)
                                .then(|| std::time::Duration::from_millis(statement_timeout)),
                            max_concurrent: usize::try_from(max_concurrent).unwrap_or(usize::MAX),
                            header_timeout: std::time::Duration::from_millis(header_timeout),
                            ..Default::default()
                        };
                        return exit(serving::serve(db, &path, options));
                    }
                    Some(Command::Token { action, .. }) => {
                        return exit(serving::token(&db, action))
                    }
                    _ => {}
                }
                // `.open NEW` is a database named: seeded only if asked.
                open_options = options.seed(database.seed);
                Conn::Local {
                    db: std::sync::Arc::new(db),
                    session: claimdb::Session::new(),
                }
            }
        }
    };
    let mut session = Shell::new(conn, format);
    session.keep_going = script.keep_going;
    session.open_options = open_options;
    session.force(script.force);
    let ok = match (cli.command, cli.inline) {
        (None, Some(text)) => session.run_text(&text, "query"),
        (Some(Command::Query { text, .. }), _) => session.run_text(&text, "query"),
        (Some(Command::Run { files, .. }), _) => {
            let mut ok = true;
            for file in &files {
                ok &= session.run_file(file);
                if !ok && !session.keep_going {
                    break;
                }
            }
            ok
        }
        (Some(Command::Repl { .. }), _) => {
            session.open_door();
            repl::run(&mut session)
        }
        (
            Some(
                Command::Locate { .. }
                | Command::Restore { .. }
                | Command::Vacuum { .. }
                | Command::Copy { .. },
            ),
            _,
        ) => {
            unreachable!("handled before the database is opened")
        }
        (Some(Command::Serve { .. } | Command::Token { .. }), _) => {
            unreachable!("handled before the shell is made")
        }
        (
            Some(
                command @ (Command::Check { .. }
                | Command::Verify { .. }
                | Command::Extract { .. }
                | Command::UpdateSource { .. }
                | Command::Import { .. }
                | Command::Export { .. }
                | Command::Backup { .. }
                | Command::PruneHistory { .. }),
            ),
            _,
        ) => commands::corpus(&mut session, command),
        (None, None) if std::io::stdin().is_terminal() => {
            session.open_door();
            repl::run(&mut session)
        }
        (None, None) => run_stdin(&mut session),
    };
    if session.in_transaction() {
        eprintln!(
            "warning: the input ended inside a transaction (no commit): nothing of it was written"
        );
    }
    // Dropping the session closes the database cleanly (sled flushes on drop).
    drop(session);
    exit(ok)
}

/// How long to wait for another process's lock unless `--busy-timeout` says.
const DEFAULT_BUSY_TIMEOUT_MS: u64 = 5000;

/// Runs statements from a stdin that is not a terminal, each as soon as its
/// `;` arrives (as the sqlite3 shell does), so a pipe can feed a long-lived
/// process. A statement left without `;` at the end still runs.
fn run_stdin(shell: &mut Shell) -> bool {
    let mut text = String::new();
    let mut done = 0;
    let mut ok = true;
    // Reads each line once, so a statement of many lines costs one pass.
    let mut scanner = claimdb::query::Scanner::default();
    let stdin = std::io::stdin();
    let mut lines = stdin.lock();
    let mut line_number = 0;
    loop {
        let mut bytes = Vec::new();
        line_number += 1;
        let line = match lines.read_until(b'\n', &mut bytes) {
            Ok(0) => break,
            Ok(_) => match String::from_utf8(bytes) {
                Ok(line) => line,
                Err(e) => {
                    let column = e.utf8_error().valid_up_to() + 1;
                    eprintln!(
                        "error: <stdin>:{line_number}:{column}: not UTF-8 text; nothing from this line on was run"
                    );
                    return false;
                }
            },
            Err(e) => {
                eprintln!("error: cannot read stdin: {e}");
                return false;
            }
        };
        text.push_str(&line);
        scanner.scan(&line, |_, _| {});
        let complete = text[done..].trim_start().starts_with('.') || !scanner.is_open();
        if complete {
            ok &= shell.run_from(&text, done, "<stdin>");
            done = text.len();
            scanner = claimdb::query::Scanner::default();
            if !ok && !shell.keep_going {
                return false;
            }
        }
    }
    if done < text.len() {
        ok &= shell.run_from(&text, done, "<stdin>");
    }
    ok
}

/// Says on stderr that a database was just created, so that a mistyped
/// `--db` path is noticed before anything is written to the wrong place.
/// `hint`: say how to get the demo claims, for one created empty without
/// being asked to be.
pub fn announce_creation(db: &Db, path: &std::path::Path, hint: bool) {
    match db.created() {
        _ if path.as_os_str() == MEMORY => {}
        None => {}
        Some(0) if hint => eprintln!(
            "created an empty claims database at {} (with --seed, a new database gets the demo claims)",
            Db::shown(path)
        ),
        Some(0) => eprintln!("created an empty claims database at {}", Db::shown(path)),
        Some(n) => eprintln!(
            "created a claims database at {}, loaded the seed: {n} claims",
            Db::shown(path)
        ),
    }
}

/// The `--db` value for a database in memory.
pub use claimdb::MEMORY;

/// Set once stdout turned out to be closed (a pipe into `head`): what
/// was wanted was read, and claimdb ends quietly, with success, as Unix
/// tools do.
static STDOUT_CLOSED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Notes that stdout was closed by its reader.
pub(crate) fn stdout_closed() {
    STDOUT_CLOSED.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Whether an error is stdout closed by its reader (and notes it).
pub(crate) fn is_closed_pipe(e: &claimdb::Error) -> bool {
    let closed = matches!(e, claimdb::Error::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe);
    if closed {
        stdout_closed();
    }
    closed
}

/// Writes to stdout; once its reader has gone, writes nothing more.
pub(crate) fn write_out(args: std::fmt::Arguments<'_>) {
    use std::io::Write;
    if STDOUT_CLOSED.load(std::sync::atomic::Ordering::Relaxed) {
        return;
    }
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(args).and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            stdout_closed();
        } else {
            eprintln!("error: cannot write the result: {e}");
        }
    }
}

/// `print!` that ends quietly when stdout's reader has gone.
macro_rules! out {
    ($($arg:tt)*) => { $crate::write_out(format_args!($($arg)*)) };
}

/// `println!` that ends quietly when stdout's reader has gone.
macro_rules! outln {
    () => { $crate::write_out(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::write_out(format_args!("{}\n", format_args!($($arg)*))) };
}
pub(crate) use {out, outln};

fn exit(ok: bool) -> ExitCode {
    if ok || STDOUT_CLOSED.load(std::sync::atomic::Ordering::Relaxed) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The process that holds the database at `path` open, reached through
/// the door it left in the database's folder, if it answers.
struct Through {
    client: claimdb::client::Client,
    pid: u32,
    url: String,
}

fn door_of(path: &std::path::Path) -> Option<Through> {
    if path.as_os_str() == MEMORY {
        return None;
    }
    let door = claimdb::door::read_door(path)?;
    if door.pid == std::process::id() {
        return None;
    }
    let client = claimdb::client::Client::new(&door.url, Some(door.secret)).ok()?;
    // A door whose process is gone (killed) is no way in: open the
    // database here, as the lock is free.
    client.health().ok()?;
    Some(Through {
        client,
        pid: door.pid,
        url: door.url,
    })
}
