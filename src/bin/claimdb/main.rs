//! The `claimdb` command: a thin wire from the library to a terminal.
//!
//! It parses arguments (clap), opens the database, and hands statements to a
//! [`Session`], which prints results on stdout and diagnostics on stderr. The
//! exit code is 0 when everything succeeded, 1 when any statement or the
//! database failed, 2 for a usage error.

mod paths;
mod repl;
mod session;

use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::process::ExitCode;

use claimdb::render::Format;
use claimdb::{Db, OpenOptions};
use clap::{Parser, Subcommand, ValueEnum};

use session::Session;

/// A citation-checked claims database: who said what, where, and how we know.
///
/// With no command, claimdb opens an interactive shell when stdin is a
/// terminal, and otherwise runs the statements it reads from stdin.
/// A database that does not exist yet is created and loaded with the seed
/// corpus (claims from Foreign Policy's review of The Lazarus Heist).
#[derive(Debug, Parser)]
#[command(name = "claimdb", version, after_help = EXAMPLES)]
struct Cli {
    /// The database directory [default: $CLAIMDB_DB, or claims.db in the user's data directory]
    #[arg(long, value_name = "PATH", global = true)]
    db: Option<PathBuf>,

    /// How results are printed.
    #[arg(long, value_enum, default_value_t = FormatArg::Table, global = true)]
    format: FormatArg,

    /// Create a new database empty, without the seed corpus.
    #[arg(long, global = true)]
    empty: bool,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run statements given on the command line (`;` between several).
    Query {
        /// The statements, e.g. 'claims where speaker = "White" limit 3'.
        #[arg(value_name = "QUERY")]
        text: String,
    },
    /// Run the statements in script files, in order; stop at the first error.
    Run {
        /// Script files (`;` after each statement, `--` comments).
        #[arg(value_name = "FILE", required = true)]
        files: Vec<PathBuf>,
    },
    /// Open the interactive shell.
    Repl,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FormatArg {
    /// Aligned columns with a row count.
    Table,
    /// A JSON array of objects per statement.
    Json,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Table => Format::Table,
            FormatArg::Json => Format::Json,
        }
    }
}

const EXAMPLES: &str = r#"Examples:
  claimdb                                     open the shell on the default database
  claimdb query 'claims where speaker = "Moriuchi"'
  claimdb --format json query 'claims where confidence >= 0.9 order by confidence desc'
  claimdb run curate.cq                       run a script file
  echo 'count claims;' | claimdb --db my.db   run statements from stdin

Statements: claims [where COND] [order by FIELD [asc|desc]] [limit N];
            count claims [where COND];  speakers;  sources;  explain STATEMENT;
Type .help in the shell for more."#;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let path = match cli.db.clone().map(Ok).unwrap_or_else(paths::default_db) {
        Ok(p) => p,
        Err(msg) => {
            eprintln!("error: {msg}");
            return ExitCode::FAILURE;
        }
    };
    let db = match Db::open_with(&path, OpenOptions { seed: !cli.empty }) {
        Ok(db) => db,
        Err(e) => {
            eprintln!("error: cannot open {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    };
    let mut session = Session::new(db, cli.format.into());
    let ok = match cli.command {
        Some(Command::Query { text }) => session.run_text(&text, "query"),
        Some(Command::Run { files }) => files.iter().all(|file| session.run_file(file)),
        Some(Command::Repl) => repl::run(&mut session),
        None if std::io::stdin().is_terminal() => repl::run(&mut session),
        None => {
            let mut text = String::new();
            match std::io::stdin().read_to_string(&mut text) {
                Ok(_) => session.run_text(&text, "<stdin>"),
                Err(e) => {
                    eprintln!("error: cannot read stdin: {e}");
                    false
                }
            }
        }
    };
    // Dropping the session closes the database cleanly (sled flushes on drop).
    drop(session);
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
