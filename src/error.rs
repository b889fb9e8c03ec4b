//! One error type for the whole library.
//!
//! Every fallible call in claimdb returns [`Result<T>`]. The variants say what
//! kind of thing went wrong, so that a caller (the CLI, a research tool) can
//! decide what to do: a [`Error::Query`] points into the query text and can be
//! drawn with a caret ([`QueryError::render`]); a [`Error::Citation`] carries the
//! checker's report; [`Error::Locked`] means another process holds the
//! database. None of them is ever a panic.

use std::path::PathBuf;

use crate::cite::CitationReport;
pub use crate::text::{plural, quoted};

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in claimdb. New kinds may be added, so a
/// `match` needs a wildcard arm.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A query (or script statement) that does not parse or does not make sense.
    #[error("{0}")]
    Query(#[from] QueryError),

    /// A claim whose quote is not in its source: nothing was written.
    #[error("{0}")]
    Citation(Box<CitationReport>),

    /// A value that breaks a rule of the model (a confidence above 1, an empty name...).
    #[error("invalid {what}: {message}")]
    Invalid {
        /// What was being checked: "confidence", "source id", ...
        what: &'static str,
        /// Why it is refused.
        message: String,
    },

    /// A record that a statement refers to does not exist.
    #[error("no {kind} {}", quoted(.name))]
    NotFound {
        /// "source", "speaker", "claim".
        kind: &'static str,
        /// The name or id as given.
        name: String,
    },

    /// A claim that is already stored: the same speaker, source and
    /// anchored passage. Nothing was written.
    #[error(
        "the claim is already stored as claim {existing} (the same speaker, source and passage)"
    )]
    DuplicateClaim {
        /// The stored claim.
        existing: u64,
    },

    /// A claim key that another claim has: keys are unique.
    #[error("claim key {} is already the key of claim {existing}", quoted(.key))]
    DuplicateKey {
        /// The key.
        key: String,
        /// The claim that has it.
        existing: u64,
    },

    /// A quote that runs from one speaker's turn into another's in a
    /// transcript: a claim quotes one speaker. Nothing was written. (The
    /// labels are boxed: an error travels up every recursive call.)
    #[error("the quote runs across two speakers' turns in the transcript ({}, then {}): a claim quotes one speaker", .turns[0], .turns[1])]
    CrossesTurns {
        /// The labels of the turn the quote starts in and of the next one.
        turns: Box<[String; 2]>,
    },

    /// A record that would replace one that already exists.
    #[error("{kind} {} already exists", quoted(.name))]
    Duplicate {
        /// "source", "speaker", "alias".
        kind: &'static str,
        /// The clashing name or id.
        name: String,
    },

    /// Another process has the database open, and kept it past the busy timeout.
    #[error("database {} is in use by another process (waited {waited_ms} ms for it)", .path.display())]
    Locked {
        /// The database.
        path: PathBuf,
        /// How long claimdb waited for the other process to let go.
        waited_ms: u64,
    },

    /// This process has the database open already (a second `Db::open` of
    /// the same path would wait for itself forever).
    #[error("database {} is already open in this process", .0.display())]
    AlreadyOpen(PathBuf),

    /// The database was written by a different version of claimdb's format.
    #[error(
        "database format version {found} is not supported (this claimdb reads version {expected})"
    )]
    FormatVersion {
        /// The version found in the meta tree.
        found: u32,
        /// The version this build reads.
        expected: u32,
    },

    /// Stored bytes that cannot be decoded: the database is damaged.
    #[error("corrupt database: {0}")]
    Corrupt(String),

    /// The seed compiled into claimdb is inconsistent (a bug caught by tests).
    #[error("seed data: {0}")]
    Seed(String),

    /// An error from the storage engine, in words that do not depend on
    /// which engine it is.
    #[error("storage: {0}")]
    Storage(StorageError),

    /// A statement that ran past the time limit its caller set: it was
    /// stopped, and wrote nothing.
    #[error("the statement ran past its time limit of {limit_ms} ms and was stopped")]
    TimeLimit {
        /// The limit.
        limit_ms: u64,
    },

    /// A write its caller cancelled (a dry run, an all-or-nothing import
    /// with a refused row): nothing was written.
    #[error("cancelled: nothing was written")]
    Cancelled,

    /// A refusal a claimdb server sent, of a kind without a variant of
    /// its own here (a missing token, a role that does not allow it...).
    #[error("{}", .0.message)]
    Remote(Box<ErrorReport>),

    /// An operating-system error on a file.
    #[error("{path}: {source}")]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
}

impl Error {
    /// Whether the error refuses one record (a rule it breaks, a name it
    /// gets wrong, a misquote, a duplicate) rather than saying the
    /// database itself failed: what a batch reports per row and goes on.
    pub fn is_about_the_claim(&self) -> bool {
        matches!(
            self,
            Error::Invalid { .. }
                | Error::NotFound { .. }
                | Error::Duplicate { .. }
                | Error::DuplicateClaim { .. }
                | Error::DuplicateKey { .. }
                | Error::Citation(_)
                | Error::CrossesTurns { .. }
        )
    }

    pub(crate) fn invalid(what: &'static str, message: impl Into<String>) -> Self {
        Error::Invalid {
            what,
            message: message.into(),
        }
    }

    pub(crate) fn not_found(kind: &'static str, name: impl Into<String>) -> Self {
        Error::NotFound {
            kind,
            name: name.into(),
        }
    }
}

/// What kind of error an [`Error`] is, for programs: the variant's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorKind {
    /// [`Error::Query`]
    Query,
    /// [`Error::Citation`]
    Citation,
    /// [`Error::Invalid`]
    Invalid,
    /// [`Error::NotFound`]
    NotFound,
    /// [`Error::DuplicateClaim`]
    DuplicateClaim,
    /// [`Error::DuplicateKey`]
    DuplicateKey,
    /// [`Error::CrossesTurns`]
    CrossesTurns,
    /// [`Error::Duplicate`]
    Duplicate,
    /// [`Error::Locked`]
    Locked,
    /// [`Error::AlreadyOpen`]
    AlreadyOpen,
    /// [`Error::FormatVersion`]
    FormatVersion,
    /// [`Error::Corrupt`]
    Corrupt,
    /// [`Error::Seed`]
    Seed,
    /// [`Error::Storage`]
    Storage,
    /// [`Error::Cancelled`]
    Cancelled,
    /// [`Error::TimeLimit`]
    TimeLimit,
    /// A request without a valid token (the server's).
    Unauthorized,
    /// A request whose token's role does not allow it (the server's).
    Forbidden,
    /// A request larger than the server takes.
    TooLarge,
    /// A request refused because the server is busy with as many as it takes.
    TooManyRequests,
    /// [`Error::Io`]
    Io,
    /// An error reported by a server, of a kind this build does not know.
    #[serde(other)]
    Other,
}

/// An error as a program reads it, and as it travels as JSON (the server's
/// error body, the Python package's exception): the kind, the message a
/// person reads, where in the statement for a query error, a remedy when
/// there is a known one, and the checker's report for a misquote.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ErrorReport {
    /// What kind of error.
    pub kind: ErrorKind,
    /// For a query error, what kind of mistake.
    pub query_kind: Option<QueryErrorKind>,
    /// For a storage error, what kind of failure.
    pub storage_kind: Option<StorageErrorKind>,
    /// The message, as the CLI prints it after `error: `.
    pub message: String,
    /// For a query error, the bytes of the statement it is about.
    pub span: Option<Span>,
    /// What to do about it, when claimdb knows.
    pub hint: Option<String>,
    /// For a misquote, the checker's report: the closest passage and what differs.
    pub citation: Option<CitationReport>,
    /// For a duplicate claim or key, the claim that is already stored.
    pub existing: Option<u64>,
}

impl Error {
    /// The kind of error, for programs.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Query(_) => ErrorKind::Query,
            Error::Citation(_) => ErrorKind::Citation,
            Error::Invalid { .. } => ErrorKind::Invalid,
            Error::NotFound { .. } => ErrorKind::NotFound,
            Error::DuplicateClaim { .. } => ErrorKind::DuplicateClaim,
            Error::DuplicateKey { .. } => ErrorKind::DuplicateKey,
            Error::CrossesTurns { .. } => ErrorKind::CrossesTurns,
            Error::Duplicate { .. } => ErrorKind::Duplicate,
            Error::Locked { .. } => ErrorKind::Locked,
            Error::AlreadyOpen(_) => ErrorKind::AlreadyOpen,
            Error::FormatVersion { .. } => ErrorKind::FormatVersion,
            Error::Corrupt(_) => ErrorKind::Corrupt,
            Error::Seed(_) => ErrorKind::Seed,
            Error::Storage(_) => ErrorKind::Storage,
            Error::Cancelled => ErrorKind::Cancelled,
            Error::TimeLimit { .. } => ErrorKind::TimeLimit,
            Error::Io { .. } => ErrorKind::Io,
            Error::Remote(r) => r.kind,
        }
    }

    /// What a person can do about it, where claimdb knows.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            Error::Locked { .. } => {
                "close the other claimdb on this database, or wait longer with --busy-timeout".into()
            }
            Error::AlreadyOpen(_) => "use the Db this process already opened".into(),
            Error::FormatVersion { found, expected } if found > expected => {
                "open it with the newer claimdb that wrote it".into()
            }
            Error::Corrupt(_) => {
                "run `claimdb verify`; `verify --repair` rebuilds what is derived from the records, a backup restores the rest".into()
            }
            Error::Storage(e) if e.kind == StorageErrorKind::Corrupt => {
                "restore the latest backup (`claimdb restore BACKUP`); `claimdb verify` says what is damaged".into()
            }
            Error::Storage(e) if e.kind == StorageErrorKind::Unavailable => {
                "nothing was written; retry once the database server is back".into()
            }
            Error::Storage(e) if e.kind == StorageErrorKind::Conflict => {
                "nothing was written; retry".into()
            }
            Error::Storage(e) if e.kind == StorageErrorKind::DiskFull => {
                "free some space and retry".into()
            }
            Error::DuplicateClaim { existing } => {
                format!("`show claim {existing}` shows the stored claim")
            }
            Error::Citation(_) => {
                "quote the source word for word; [brackets] mark your own words, ... an omission".into()
            }
            _ => return None,
        })
    }

    /// The error as data: [`ErrorReport`], what it serializes as.
    pub fn report(&self) -> ErrorReport {
        ErrorReport {
            kind: self.kind(),
            query_kind: match self {
                Error::Query(q) => Some(q.kind),
                _ => None,
            },
            storage_kind: match self {
                Error::Storage(e) => Some(e.kind),
                _ => None,
            },
            message: self.to_string(),
            span: match self {
                Error::Query(q) => Some(q.span),
                _ => None,
            },
            hint: match self {
                Error::Remote(r) => r.hint.clone(),
                _ => self.hint(),
            },
            citation: match self {
                Error::Citation(report) => Some((**report).clone()),
                _ => None,
            },
            existing: match self {
                Error::DuplicateClaim { existing } | Error::DuplicateKey { existing, .. } => {
                    Some(*existing)
                }
                _ => None,
            },
        }
    }
}

impl serde::Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.report().serialize(serializer)
    }
}

impl std::fmt::Display for ErrorReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Characters of a line shown around a caret at most.
const SHOWN_CHARS: usize = 120;

/// Cuts `line` to [`SHOWN_CHARS`] around the caret that stands after
/// `indent` and is `under` characters long.
fn clip_line(line: &str, indent: &str, under: usize) -> (String, String, usize) {
    let total = line.chars().count();
    if total <= SHOWN_CHARS {
        return (line.to_string(), indent.to_string(), under);
    }
    let caret = indent.chars().count();
    let from = caret.saturating_sub(SHOWN_CHARS / 3);
    let to = (from + SHOWN_CHARS).min(total);
    let mut shown: String = line.chars().skip(from).take(to - from).collect();
    let mut pad: String = indent.chars().skip(from).collect();
    if from > 0 {
        shown.insert(0, '…');
        pad.insert(0, ' ');
    }
    if to < total {
        shown.push('…');
    }
    (shown, pad, under.min(to.saturating_sub(caret)).max(1))
}

/// What went wrong in the storage engine.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct StorageError {
    /// The kind, for programs.
    pub kind: StorageErrorKind,
    /// The engine's account, for people.
    pub message: String,
}

/// Kinds of [`StorageError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum StorageErrorKind {
    /// The disk is full: nothing of the failed write was kept.
    DiskFull,
    /// Another input or output error from the operating system.
    Io,
    /// The engine's files are damaged or incomplete.
    Corrupt,
    /// The engine cannot be reached just now (a database server that is
    /// down or restarting, a connection lost): nothing of the failed
    /// request was written, and it may be retried.
    Unavailable,
    /// The transaction conflicted with another writer's (a deadlock, a
    /// serialization failure) and was rolled back: nothing of it was
    /// written, and it may be retried. The PostgreSQL engine retries it
    /// itself a few times before reporting this.
    Conflict,
    /// Anything else the engine reports.
    Other,
}

impl StorageError {
    /// An error of `kind` with `message`.
    pub fn new(kind: StorageErrorKind, message: impl Into<String>) -> Self {
        StorageError {
            kind,
            message: message.into(),
        }
    }

    /// An operating-system error, with a full disk told apart.
    pub fn io(e: &std::io::Error) -> Self {
        if is_disk_full(e) {
            StorageError::new(
                StorageErrorKind::DiskFull,
                "no space left on device: nothing more was written; free some space and retry",
            )
        } else {
            StorageError::new(StorageErrorKind::Io, e.to_string())
        }
    }
}

/// ENOSPC, however the engine wrapped it.
pub(crate) fn is_disk_full(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::StorageFull
        || e.raw_os_error() == Some(28)
        || e.to_string().contains("No space left on device")
}

/// A byte range in a piece of text (a query, a script, a source document).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end` (byte offsets).
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The same span moved `by` bytes to the right: used when a statement is
    /// cut out of a longer script.
    pub fn shifted(self, by: usize) -> Self {
        Span::new(self.start + by, self.end + by)
    }
}

/// A query that cannot run: the message and the span of input it is about.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct QueryError {
    /// Written for people: "expected a value after `=`".
    pub message: String,
    /// Where in the query text.
    pub span: Span,
    /// What kind of mistake it is, for programs and tests that match on it.
    pub kind: QueryErrorKind,
}

/// What kind of mistake a [`QueryError`] is; its message says the rest.
/// New kinds may be added, so a `match` needs a wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum QueryErrorKind {
    /// A token the grammar does not allow where it stands, or the end of
    /// the statement where more was needed.
    Syntax,
    /// A word that is not a field of the table the statement is about.
    UnknownField,
    /// A string with no closing `"`.
    UnterminatedString,
    /// An unknown or malformed escape in a string.
    BadEscape,
    /// A number that is malformed or too large.
    BadNumber,
    /// A statement over one of the language's limits: too long, nested too
    /// deep, too many comparisons.
    TooComplex,
    /// A `$parameter` with no value bound, or one of the wrong shape.
    Parameter,
    /// A value of the wrong type or range for its field, a bad pattern, a
    /// field that cannot be set: found after parsing, by the checks.
    Invalid,
    /// A speaker or source the database does not hold.
    UnknownName,
    /// A statement refused as written: `update` or `delete` without
    /// `where`, `commit` outside a transaction.
    Refused,
}

impl QueryError {
    /// An error about `span`, of kind [`QueryErrorKind::Invalid`].
    pub fn new(message: impl Into<String>, span: Span) -> Self {
        QueryError {
            message: message.into(),
            span,
            kind: QueryErrorKind::Invalid,
        }
    }

    /// The same error, of kind `kind`.
    pub fn with_kind(mut self, kind: QueryErrorKind) -> Self {
        self.kind = kind;
        self
    }

    /// Draws the error the way a compiler does:
    ///
    /// ```text
    /// error: unknown field `speeker` (did you mean `speaker`?)
    ///  --> query:1:14
    ///   |
    /// 1 | claims where speeker = "White"
    ///   |              ^^^^^^^
    /// ```
    ///
    /// `text` is the whole text the span points into and `origin` names it
    /// (a file name, or "query").
    pub fn render(&self, text: &str, origin: &str) -> String {
        let pos = crate::text::LineIndex::new(text).position(self.span.start.min(text.len()));
        let line_text = text.lines().nth(pos.line - 1).unwrap_or("");
        let gutter = pos.line.to_string().len();
        let pad = " ".repeat(gutter);
        // The caret sits under the span's characters, clipped to the line.
        let line_start = self.span.start.min(text.len()) - (pos.byte_column - 1);
        let line_end = line_start + line_text.len();
        let end = self
            .span
            .end
            .clamp(self.span.start, line_end.max(self.span.start));
        let under = text
            .get(self.span.start.min(text.len())..end.min(text.len()))
            .map(|s| s.chars().count())
            .unwrap_or(0)
            .max(1);
        let indent: String = line_text
            .get(..pos.byte_column - 1)
            .unwrap_or("")
            .chars()
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        // A very long line (a generated query) is shown as a window around
        // the caret, with `…` where it is cut.
        let (line_text, indent, under) = clip_line(line_text, &indent, under);
        format!(
            "error: {msg}\n{pad}--> {origin}:{line}:{col}\n{pad} |\n{line} | {line_text}\n{pad} | {indent}{carets}",
            msg = self.message,
            line = pos.line,
            col = pos.column,
            carets = "^".repeat(under),
        )
    }
}
