//! The command line as clap reads it: the commands, their options in
//! groups (database, output, scripts) that a command takes before or after
//! its name, and the help text.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

pub(crate) use crate::values::{ExportFormatArg, FormatArg, InputFormatArg, RoleArg, TurnsArg};

/// A citation-checked claims database: who said what, where, and how we know.
///
/// With no command, claimdb opens an interactive shell when stdin is a
/// terminal, and otherwise runs the statements it reads from stdin.
/// The default database is created with the demo corpus (claims from
/// Foreign Policy's review of The Lazarus Heist); any other new database is
/// created empty unless --seed asks for the demo.
#[derive(Debug, Parser)]
#[command(name = "claimdb", version, after_help = EXAMPLES)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) database: DbArgs,

    #[command(flatten)]
    pub(crate) output: FormatArgs,

    #[command(flatten)]
    pub(crate) script: ScriptArgs,

    /// Run these statements and exit (like `query`).
    #[arg(short = 'c', long = "command", value_name = "QUERY")]
    pub(crate) inline: Option<String>,

    /// After the command, print on stderr how long it took and the
    /// process's peak memory (resident, in MiB), the database closed.
    #[arg(long, global = true)]
    pub(crate) stats: bool,

    #[command(subcommand)]
    pub(crate) command: Option<Command>,
}

// Options are grouped by what they are about, and each command takes only
// the groups that apply to it, so `claimdb locate --help` lists no `--db`.
// An option may stand before the command (`claimdb --db x query ...`) or
// after it (`claimdb query ... --db x`); after it wins.

/// Which database, and how to open it.
#[derive(Debug, Clone, Default, clap::Args)]
pub(crate) struct DbArgs {
    /// The database: a folder (sled), a PostgreSQL URL (`postgres://USER@HOST/DB`, the `PG*` variables filling in the rest), or `:memory:` for one held in memory for this run [default: $CLAIMDB_DB, or claims.db in the user's data directory]
    #[arg(long, value_name = "DB")]
    pub(crate) db: Option<PathBuf>,

    /// Create a new database empty, without the seed corpus (the default
    /// for any database but the default one).
    #[arg(long, conflicts_with = "seed")]
    pub(crate) empty: bool,

    /// Create a new database with the demo corpus (the review's 61
    /// claims), as the default database is created.
    #[arg(long)]
    pub(crate) seed: bool,

    /// How long to wait for another claimdb process that has the database
    /// open, in milliseconds, before giving up [default: 5000].
    #[arg(long, value_name = "MS")]
    pub(crate) busy_timeout: Option<u64>,

    /// The most memory the database's page cache may hold, in MiB
    /// [default: 64]. More makes reads from all over a large database
    /// faster (measured at a million claims: 256 MiB read 19,881 scattered
    /// claims 3.6 times as fast as 64), at the cost of that much memory.
    #[arg(long, value_name = "MIB", value_parser = clap::value_parser!(u64).range(1..=1_048_576))]
    pub(crate) cache_mib: Option<u64>,

    /// Read the database without writing to it or taking its lock (a
    /// private copy of its files is read; every write is refused): for a
    /// read-only mount, a full disk, a damaged database whose rest you
    /// want out, or beside a process that writes to it.
    #[arg(long)]
    pub(crate) read_only: bool,

    /// Run against the claimdb server at URL (http://HOST:PORT) instead
    /// of a database on this machine: the same statements, output and
    /// exit codes [env: CLAIMDB_SERVER].
    #[arg(long, value_name = "URL", env = "CLAIMDB_SERVER")]
    pub(crate) server: Option<String>,

    /// Who the versions of this run's writes name (`history claim N`
    /// shows them) [default: the login name; through a server, the
    /// token's name].
    #[arg(long = "as", value_name = "NAME")]
    pub(crate) author: Option<String>,

    /// Why this run's writes were made, recorded on each of their
    /// versions.
    #[arg(long, value_name = "REASON")]
    pub(crate) because: Option<String>,

    /// The token to send to the server [env: CLAIMDB_TOKEN].
    #[arg(
        long,
        value_name = "TOKEN",
        env = "CLAIMDB_TOKEN",
        hide_env_values = true
    )]
    pub(crate) token: Option<String>,
}

impl DbArgs {
    /// These options, with those given after the command taking precedence.
    pub(crate) fn or(self, before: DbArgs) -> DbArgs {
        DbArgs {
            db: self.db.or(before.db),
            empty: self.empty || before.empty,
            seed: self.seed || before.seed,
            busy_timeout: self.busy_timeout.or(before.busy_timeout),
            read_only: self.read_only || before.read_only,
            cache_mib: self.cache_mib.or(before.cache_mib),
            server: self.server.or(before.server),
            token: self.token.or(before.token),
            author: self.author.or(before.author),
            because: self.because.or(before.because),
        }
    }
}

/// How results are printed.
#[derive(Debug, Clone, Default, clap::Args)]
pub(crate) struct FormatArgs {
    /// How results are printed [default: table].
    #[arg(long, value_enum)]
    pub(crate) format: Option<FormatArg>,
}

impl FormatArgs {
    pub(crate) fn or(self, before: FormatArgs) -> FormatArgs {
        FormatArgs {
            format: self.format.or(before.format),
        }
    }
}

/// How statements run.
#[derive(Debug, Clone, Default, clap::Args)]
pub(crate) struct ScriptArgs {
    /// In scripts, go on after a failed statement (the exit code is still 1).
    #[arg(long)]
    pub(crate) keep_going: bool,

    /// Let `update claims` and `delete claims` run without `where` (they
    /// would change every claim, and are refused otherwise).
    #[arg(long)]
    pub(crate) force: bool,
}

impl ScriptArgs {
    pub(crate) fn or(self, before: ScriptArgs) -> ScriptArgs {
        ScriptArgs {
            keep_going: self.keep_going || before.keep_going,
            force: self.force || before.force,
        }
    }
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run statements given on the command line (`;` between several).
    #[command(
        after_help = "Example:\n  claimdb query 'claims where speaker = \"Moriuchi\" and confidence >= 0.8 order by confidence desc limit 5'"
    )]
    Query {
        /// The statements, e.g. 'claims where speaker = "White" limit 3'.
        #[arg(value_name = "QUERY")]
        text: String,
        #[command(flatten)]
        database: DbArgs,
        #[command(flatten)]
        output: FormatArgs,
        #[command(flatten)]
        script: ScriptArgs,
    },
    /// Run the statements in script files, in order; stop at the first error.
    ///
    /// Statements end with `;`; `--` starts a comment; lines that start with
    /// `.` are shell commands (.format, .output, .read, ...). An error prints
    /// FILE:LINE:COLUMN, the line and a caret, and the exit code is 1.
    #[command(after_help = "Example:\n  claimdb --keep-going run load-corpus.cq checks.cq")]
    Run {
        /// Script files (`;` after each statement, `--` comments).
        #[arg(value_name = "FILE", required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        database: DbArgs,
        #[command(flatten)]
        output: FormatArgs,
        #[command(flatten)]
        script: ScriptArgs,
    },
    /// Open the interactive shell.
    #[command(after_help = "Example:\n  claimdb repl --db newsroom.db")]
    Repl {
        #[command(flatten)]
        database: DbArgs,
        #[command(flatten)]
        output: FormatArgs,
        #[command(flatten)]
        script: ScriptArgs,
    },
    /// Find a quote in any text file and say whether it is verified.
    ///
    /// Prints the verdict (exact, after normalization, approximate, not
    /// found), where the quote is (line:column, byte and character offsets),
    /// its context, and for a quote that is not there, the closest passage
    /// with a word-by-word account of what differs. Exit code 0 when the
    /// quote is verified, 1 otherwise. Needs no database.
    #[command(
        after_help = "Example:\n  claimdb locate speech.txt 'we can not dedicate' --prefix 'But, in a larger sense,'"
    )]
    Locate {
        /// The text file to search.
        file: PathBuf,
        /// The quote. `…` or `...` leaves words out; `[...]` marks editorial words.
        quote: String,
        /// Text just before the wanted passage, to choose among repeated ones.
        #[arg(long)]
        prefix: Option<String>,
        /// Text just after the wanted passage.
        #[arg(long)]
        suffix: Option<String>,
        /// Byte offset near which the wanted passage starts.
        #[arg(long)]
        position: Option<usize>,
        #[command(flatten)]
        output: FormatArgs,
    },
    /// Re-check stored claims against their sources' current texts.
    ///
    /// Writes nothing (but with --reload). Says which sources' text files
    /// were edited since their text was read: the claims were checked
    /// against the stored text, not the file. Exit code 1 when any claim
    /// does not verify.
    #[command(
        after_help = "Example:\n  claimdb check --source fp-lazarus-review\n  claimdb check --reload   # take the edited text files first"
    )]
    Check {
        /// Only this claim.
        #[arg(long, conflicts_with = "source")]
        claim: Option<u64>,
        /// Only the claims quoting this source.
        #[arg(long)]
        source: Option<String>,
        /// First read again the text files that changed since their text
        /// was read, re-anchoring their claims (as update-source does).
        #[arg(long)]
        reload: bool,
        #[command(flatten)]
        database: DbArgs,
        #[command(flatten)]
        output: FormatArgs,
    },
    /// Check the database's integrity; with --repair, rebuild what can be derived.
    ///
    /// Checks every index entry against the claims both ways, speaker names,
    /// id counters, references between records, stored texts against their
    /// hashes, anchors against their texts, and the format version. Exit
    /// code 1 when anything is wrong (after --repair: still wrong).
    #[command(after_help = "Example:\n  claimdb verify --repair")]
    Verify {
        /// Rebuild every index, the name table and the id counters from the
        /// claims, speakers and sources, in one transaction.
        #[arg(long)]
        repair: bool,
        /// With --repair: accept the database as it stands when commits or
        /// claims were lost (only a backup brings them back), so that it
        /// opens again.
        #[arg(long, requires = "repair")]
        accept_loss: bool,
        #[command(flatten)]
        database: DbArgs,
        #[command(flatten)]
        output: FormatArgs,
    },
    /// Import sources, speakers and claims from JSON Lines or CSV files.
    ///
    /// Each line of a JSON Lines file is an object with a "type" of
    /// "source", "speaker" or "claim" and that record's fields (a source's
    /// text inline as "text", or in a file named by "text_file", relative to
    /// the import file). A CSV file has a header row naming the fields (in
    /// any case), an optional "type" column (claim when absent), and lists
    /// separated by ";"; its cells are separated by a comma, semicolon or
    /// tab, whichever the header uses, and a confidence may be a
    /// percentage ("80%"). Records may come in any order. Every claim is citation-checked.
    /// All or nothing: one refused row and nothing is written (--partial
    /// writes the good rows). A row already stored is unchanged, so
    /// importing a file twice changes nothing. Prints the rows that were
    /// not simply added, each with FILE:LINE, and a summary; exit code 1
    /// when any row was refused. Reads what `export --format dump` writes.
    #[command(
        after_help = "Example:\n  claimdb import corpus/sources.jsonl corpus/claims.csv --dry-run"
    )]
    Import {
        /// JSON Lines (.jsonl, .ndjson, .json) or CSV (.csv) files.
        #[arg(value_name = "FILE", required = true)]
        files: Vec<PathBuf>,
        /// The files' format, when their names do not tell it.
        #[arg(long, value_enum)]
        input_format: Option<InputFormatArg>,
        /// What separates a CSV file's cells: one character, or `tab`
        /// (by default comma, semicolon or tab, whichever the header uses).
        #[arg(long, value_name = "CHAR", value_parser = claimdb::import::parse_delimiter)]
        delimiter: Option<u8>,
        /// Write the good rows even when some are refused (committed in
        /// batches: killed, the import leaves whole batches).
        #[arg(long)]
        partial: bool,
        /// Rows per commit [default: 2000, and at most 8 MiB of rows]. An
        /// all-or-nothing import larger than a batch commits in batches
        /// too (on sled), undone whole if a row is refused or it stops.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
        batch_rows: Option<u64>,
        /// Check everything and report, but write nothing.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        database: DbArgs,
        #[command(flatten)]
        output: FormatArgs,
    },
    /// Write the database, or the claims a query selects, to standard output.
    ///
    /// dump (the default): the whole database as JSON Lines, a header
    /// naming the format, then every source with its text, every speaker and
    /// every claim with where its quote is anchored; `claimdb import` reads
    /// it back into an equal database. jsonl and csv: every field of the
    /// claims QUERY selects (all claims without one), the full anchor
    /// included. claimreview: one schema.org ClaimReview per line.
    /// annotation: one W3C Web Annotation per line, its selectors pointing
    /// into the source's text. text: the text of the source QUERY names,
    /// byte for byte.
    #[command(
        after_help = "Example:\n  claimdb export > corpus-backup.jsonl\n  claimdb export --format csv 'claims where speaker = \"White\"' > white.csv\n  claimdb export --format claimreview --organization 'Newsroom Desk' > reviews.jsonl\n  claimdb export --format text fp-lazarus-review > review.txt"
    )]
    Export {
        /// For jsonl, csv, claimreview and annotation: a claims query
        /// ('claims where ...'); for text: a source id.
        #[arg(value_name = "QUERY")]
        query: Option<String>,
        /// What to write.
        #[arg(long = "format", value_enum, default_value = "dump")]
        export_format: ExportFormatArg,
        /// For claimreview: the organisation that reviewed the claims.
        #[arg(long)]
        organization: Option<String>,
        /// For claimreview: where claims can be read (URL/claims/ID).
        #[arg(long, value_name = "URL")]
        url_base: Option<String>,
        /// For jsonl and csv: add each claim's `version`, `modified_at`
        /// and `modified_by` (its last version's number, when and who).
        #[arg(long)]
        versions: bool,
        #[command(flatten)]
        database: DbArgs,
    },
    /// Share the database over HTTP: a JSON API for teams and tools.
    ///
    /// Listens on loopback (127.0.0.1:7878) unless --listen says otherwise.
    /// Every request carries `Authorization: Bearer TOKEN` (see `claimdb
    /// token`); a database with no token is served on loopback only, to
    /// anyone on this machine. The API is described at /v1/openapi.json.
    /// SIGTERM or Ctrl-C finishes the requests in flight and closes the
    /// database cleanly. TLS is a reverse proxy's job (the book's chapter on sharing a database shows one).
    #[command(
        after_help = "Example:\n  claimdb token create --name desk --role write\n  claimdb serve --listen 127.0.0.1:7878\n  curl -H 'Authorization: Bearer cdb_...' -d '{\"statement\": \"count claims\"}' http://127.0.0.1:7878/v1/query"
    )]
    Serve {
        /// Where to listen: ADDRESS:PORT (port 0 picks a free one).
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:7878")]
        listen: std::net::SocketAddr,
        /// Let requests without a token read (never write).
        #[arg(long)]
        public_read: bool,
        /// The largest request body (an import file), in MiB.
        #[arg(long, value_name = "MIB", default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..=4096))]
        max_body_mib: u64,
        /// How long one statement may run before it is stopped, in milliseconds (0: no limit).
        #[arg(long, value_name = "MS", default_value_t = 30_000)]
        statement_timeout: u64,
        /// How many requests run at once; more are refused with 429.
        #[arg(long, value_name = "N", default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..=100_000))]
        max_concurrent: u64,
        /// How long a client may take to send a request's headers, in
        /// milliseconds; a slower one is dropped.
        #[arg(long, value_name = "MS", default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..=3_600_000))]
        header_timeout: u64,
        #[command(flatten)]
        database: DbArgs,
    },
    /// Make, list and revoke the tokens that `claimdb serve` accepts.
    ///
    /// A token has a name and a role: read (queries, exports, checks),
    /// write (also statements that change claims, imports) or admin (also
    /// tokens, verify and repair, deleting sources). Its secret is printed
    /// once, when it is made; the database keeps only its hash.
    #[command(
        after_help = "Example:\n  claimdb token create --name desk-laptop --role write\n  claimdb token list\n  claimdb token revoke desk-laptop"
    )]
    Token {
        #[command(subcommand)]
        action: TokenAction,
        #[command(flatten)]
        database: DbArgs,
    },
    /// Propose the attributed statements of a source's text as claims.
    ///
    /// Reads the source's text for quotations beside a verb of saying
    /// (split ones and ones continued over paragraphs included), reported
    /// speech ("X says that ..."), "according to X", speaker labels in a
    /// transcript, and the author's own prose, and prints each with its
    /// speaker (a stored one when a name or alias matches), its mode
    /// (direct, indirect, mixed), a suggested confidence and why, and the
    /// rule that found it. Writes nothing unless --accept: then every
    /// proposal at or above --min-confidence is added as a claim, checked
    /// as any claim is, skipping those already stored.
    #[command(
        after_help = "Example:\n  claimdb extract fp-lazarus-review\n  claimdb extract hearing-2024-03 --accept --min-confidence 0.8"
    )]
    Extract {
        /// The source's id.
        source: String,
        /// Add the proposals as claims.
        #[arg(long)]
        accept: bool,
        /// With --accept: only proposals with at least this confidence (0 to 1).
        #[arg(long, value_name = "X", requires = "accept", default_value_t = 0.0)]
        min_confidence: f64,
        /// A transcript's turns proposed whole (one speaker's turn, however
        /// it wraps over lines and pages) or sentence by sentence.
        #[arg(long, value_enum, default_value_t = TurnsArg::Turn)]
        by: TurnsArg,
        /// With --accept: also proposals naming someone not stored yet,
        /// adding them as speakers (the name is extract's reading of the
        /// text; without this flag they are skipped and counted).
        #[arg(long, requires = "accept")]
        new_speakers: bool,
        #[command(flatten)]
        database: DbArgs,
        #[command(flatten)]
        output: FormatArgs,
    },
    /// Replace a source's text with a file's and re-anchor its claims.
    ///
    /// In one transaction: claims whose quote is still in the new text get
    /// new anchors, the others become broken with the closest passage
    /// recorded. Prints the claims whose status changed; exit code 1 when
    /// any claim no longer verifies.
    #[command(
        after_help = "Example:\n  claimdb update-source fp-lazarus-review corrected-review.txt"
    )]
    UpdateSource {
        /// The source's id.
        id: String,
        /// The file holding the new text (UTF-8).
        file: PathBuf,
        #[command(flatten)]
        database: DbArgs,
        #[command(flatten)]
        output: FormatArgs,
    },
    /// Write a backup of the database to FILE, for `claimdb restore`.
    ///
    /// Every stored entry (claim ids, tokens and all) from one consistent
    /// state of the database: readers go on meanwhile, writers wait until
    /// it is written. FILE appears only when the backup is whole. A
    /// database open in a shell or served on this machine is backed up
    /// through it; --server URL backs up a server's (an admin token).
    #[command(
        after_help = "Example:\n  claimdb --db claims.db backup claims.backup\n  # every night at 02:00, one file per day (crontab -e):\n  0 2 * * * claimdb --db $HOME/claims.db backup $HOME/backups/claims-$(date +\\%F).backup"
    )]
    Backup {
        /// The file to write (replaced when it exists).
        file: PathBuf,
        #[command(flatten)]
        database: DbArgs,
    },
    /// Copy a whole database to a new one, on the same engine or another.
    ///
    /// FROM and TO are each a database folder (sled) or a PostgreSQL URL
    /// (postgres://USER@HOST/DB). Every record goes over as it is (ids,
    /// anchors, reviews, tokens), read from one snapshot of FROM; TO is then
    /// compared with FROM record by record. TO must be new or empty.
    #[command(
        after_help = "Example:\n  claimdb copy claims.db postgres://desk@db.example/claims\n  claimdb copy postgres://desk@db.example/claims claims-copy.db"
    )]
    Copy {
        /// The database to copy.
        from: PathBuf,
        /// The new database.
        to: PathBuf,
    },
    /// Remove the versions stamped before a date, keeping history from then on.
    ///
    /// `history` then shows each record's versions from that date, and `as
    /// of` reaches back to it (an earlier moment is refused, not answered
    /// wrongly). Works on a database opened here, not through a server.
    #[command(after_help = "Example:\n  claimdb prune-history --before 2026-01-01")]
    PruneHistory {
        /// The date (its first moment) or UTC timestamp to keep versions from.
        #[arg(long, value_name = "DATE")]
        before: String,
        #[command(flatten)]
        database: DbArgs,
    },
    /// Bring a database back from a file `claimdb backup` wrote.
    ///
    /// The backup is read whole (a damaged one is refused) into a new
    /// database beside the target, verified, and only then put in place. A
    /// database already there (a damaged one, usually) is kept as
    /// PATH.before-restore-SECONDS, never deleted. Refused while a process
    /// has the database open.
    #[command(after_help = "Example:\n  claimdb --db claims.db restore claims.backup")]
    Restore {
        /// The backup file.
        backup: PathBuf,
        #[command(flatten)]
        database: DbArgs,
    },
    /// Rewrite the database compactly, as SQLite's VACUUM does.
    ///
    /// A database on disk keeps old versions of what was written until its
    /// files are cleaned, and a large import leaves it several times the
    /// size of what it holds. vacuum backs it up beside itself, restores
    /// the backup beside it (verified), swaps the copy in, and only then
    /// removes the old one: about half the size after a large import. Needs
    /// room for the backup and the copy; refused while a process has the
    /// database open.
    #[command(after_help = "Example:\n  claimdb --db claims.db vacuum")]
    Vacuum {
        #[command(flatten)]
        database: DbArgs,
    },
}

/// What `claimdb token` does.
#[derive(Debug, Subcommand)]
pub(crate) enum TokenAction {
    /// Make a token and print its secret (shown this once).
    Create {
        /// Its name, unique among tokens ("desk-laptop").
        #[arg(long)]
        name: String,
        /// What it may do.
        #[arg(long, value_enum)]
        role: RoleArg,
    },
    /// List the tokens: name, role, when made (never a secret).
    List,
    /// Revoke a token: its secret opens nothing from now on.
    Revoke {
        /// The token's name.
        name: String,
    },
}

pub(crate) const EXAMPLES: &str = r#"Examples:
  claimdb                                     open the shell on the default database
  claimdb query 'claims where speaker = "Moriuchi"'
  claimdb --format json query 'claims where confidence >= 0.9 order by confidence desc'
  claimdb run curate.cq                       run a script file
  echo 'count claims;' | claimdb --db my.db   run statements from stdin
  claimdb locate speech.txt 'we can not dedicate'   check a quote against any text file
  claimdb check --source fp-lazarus-review    re-check stored claims

Statements (end each with ;):
  claims [select FIELD, ...] [where COND] [group by FIELD] [order by FIELD [asc|desc], ...] [limit N [offset M]]
  count claims [where COND] [group by FIELD]     speakers [where COND]     sources [where COND]
  show claim N     show source "id" [lines A [to B]]     explain STATEMENT
  add source "id" with title = "...", text_file = "path"     add speaker "Name" aliases ("A")
  add claim with speaker = "...", source = "...", quote = "...", statement = "...", confidence = 0.8, rationale = "..."
  update claims set confidence = 0.6 where ...     delete claims where ...     alias "A" to "Name"
  merge speaker "A" into "Name"     update sources|speakers set ... where ...     delete sources|speakers where ... [cascade]
  begin; ...; commit;   (or rollback)
Type .help in the shell for the language in brief; `claimdb COMMAND --help` for each command."#;
