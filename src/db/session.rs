//! [`Session`]: statements one after another, as the shell and scripts run
//! them, with `begin … commit` transactions held until commit, a folder
//! for relative paths, `--force`, and the notes of the last statement.

use std::path::Path;

use super::statements::refuse_unconditional_at;
use super::Db;
use crate::error::{Error, QueryError, QueryErrorKind, Result};
use crate::query::{self, ClaimRow, Literal, Outcome, Output, Params, Statement};

/// Statements run one after another, with `begin … commit` transactions.
///
/// Between `begin` and `commit` write statements are checked and held; at
/// `commit` they run in one transaction, all or nothing. An error inside a
/// transaction spoils it: `commit` then writes nothing, as PostgreSQL does.
/// Reads are refused inside a transaction, since they could not see its
/// writes.
///
/// ```
/// # fn main() -> claimdb::Result<()> {
/// let dir = tempfile::tempdir().unwrap();
/// let db = claimdb::Db::open_with(dir.path().join("c.db"), claimdb::OpenOptions::new().seed(true))?;
/// let mut session = claimdb::Session::new();
/// session.execute(&db, "begin")?;
/// session.execute(&db, r#"update claims set confidence = 0.5 where speaker = "Thae""#)?;
/// // Not a quote from the review: refused at commit, with everything before it.
/// session.execute(&db, r#"add claim with speaker = "Thae", source = "fp-lazarus-review", quote = "we will win", statement = "s", confidence = 0.1, rationale = "r""#)?;
/// assert!(session.execute(&db, "commit").is_err());
/// assert_eq!(db.query(r#"count claims where speaker = "Thae" and confidence = 0.5"#)?.count(), Some(0));
/// # Ok(()) }
/// ```
#[derive(Default)]
pub struct Session {
    pending: Option<Pending>,
    /// Where relative `text_file` paths are found (a script's folder).
    base_dir: Option<std::path::PathBuf>,
    /// Remarks on the last statement (see [`ExecStats::notes`]).
    notes: Vec<String>,
    /// Whether `update` and `delete` may run without `where`.
    force: bool,
}

#[derive(Default)]
struct Pending {
    statements: Vec<Statement>,
    /// Their texts, for the versions the commit records.
    texts: Vec<String>,
    failed: bool,
}

impl Session {
    /// A session with no transaction open.
    pub fn new() -> Self {
        Session::default()
    }

    /// True between `begin` and `commit` or `rollback`.
    pub fn in_transaction(&self) -> bool {
        self.pending.is_some()
    }

    /// The folder relative `text_file` paths are read from (a script's own
    /// folder, as the shell sets it while it runs a file); `None` for the
    /// working directory. Returns the folder it replaces.
    pub fn set_base_dir(&mut self, dir: Option<std::path::PathBuf>) -> Option<std::path::PathBuf> {
        std::mem::replace(&mut self.base_dir, dir)
    }

    /// Lets `update claims` and `delete claims` run without `where` (the
    /// CLI's `--force`); by default they are refused.
    pub fn force(&mut self, force: bool) {
        self.force = force;
    }

    /// The folder relative paths are read from now, if not the working one.
    pub fn base_dir(&self) -> Option<&Path> {
        self.base_dir.as_deref()
    }

    /// Parses and checks a statement, with its relative `text_file` made
    /// relative to the session's folder.
    fn prepare(&self, text: &str, params: &Params) -> Result<Statement> {
        let mut statement = query::prepare(text, params)?;
        if let (Some(base), Statement::AddSource { fields, .. }) = (&self.base_dir, &mut statement)
        {
            for a in fields.iter_mut().filter(|a| a.name.node == "text_file") {
                if let Literal::Str(path) = &mut a.value.node {
                    if Path::new(path.as_str()).is_relative() {
                        *path = base.join(&*path).to_string_lossy().into_owned();
                    }
                }
            }
        }
        Ok(statement)
    }

    /// Runs one statement against `db`.
    pub fn execute(&mut self, db: &Db, text: &str) -> Result<Output> {
        self.execute_with(db, text, &Params::new())
    }

    /// Remarks on the last statement that are not errors (a speaker no one
    /// is called, with the closest name): the shell prints them on stderr.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// Runs one statement with parameters.
    pub fn execute_with(&mut self, db: &Db, text: &str, params: &Params) -> Result<Output> {
        self.notes.clear();
        let result = self
            .prepare(text, params)
            .and_then(|statement| self.run(db, text, statement));
        self.note_failure(&result);
        result
    }

    /// Runs one statement, handing the rows of a claims query to `each` as
    /// they are produced instead of gathering them (for output that is
    /// written row by row, such as JSON Lines and CSV). Returns `None` when
    /// the rows went to `each`, and the output of any other statement.
    pub fn execute_streaming(
        &mut self,
        db: &Db,
        text: &str,
        each: &mut dyn FnMut(ClaimRow) -> Result<()>,
    ) -> Result<Option<Output>> {
        self.notes.clear();
        let result = self.prepare(text, &Params::new()).and_then(|statement| {
            let read = !statement.is_write()
                && !matches!(
                    statement,
                    Statement::Begin | Statement::Commit | Statement::Rollback
                );
            if self.pending.is_none() && read {
                let (output, stats) = query::execute_streaming(&*db.view()?, &statement, each)?;
                self.notes = stats.notes;
                return Ok(output);
            }
            self.run(db, text, statement).map(Some)
        });
        self.note_failure(&result);
        result
    }

    /// An error inside `begin … commit` spoils the transaction.
    fn note_failure<A>(&mut self, result: &Result<A>) {
        if result.is_err() {
            if let Some(p) = &mut self.pending {
                p.failed = true;
            }
        }
    }

    fn run(&mut self, db: &Db, text: &str, statement: Statement) -> Result<Output> {
        if !self.force {
            refuse_unconditional_at(&statement, query::statement_start(text))?;
        }
        match (&statement, &mut self.pending) {
            (Statement::Begin, Some(_)) => Err(transaction_error(text, "a transaction is already open: commit or rollback first")),
            (Statement::Begin, None) => {
                self.pending = Some(Pending {
                    statements: Vec::new(),
                    texts: Vec::new(),
                    failed: false,
                });
                Ok(Output::Done(Outcome::Begun))
            }
            (Statement::Commit | Statement::Rollback, None) => {
                Err(transaction_error(text, "no transaction is open (begin one with `begin`)"))
            }
            (Statement::Rollback, Some(_)) => {
                let n = self.pending.take().map_or(0, |p| p.statements.len());
                Ok(Output::Done(Outcome::RolledBack { discarded: n }))
            }
            (Statement::Commit, Some(_)) => {
                let Some(pending) = self.pending.take() else { unreachable!() };
                if pending.failed {
                    return Err(transaction_error(
                        text,
                        "the transaction had an error, so it was rolled back: nothing was written",
                    ));
                }
                let made_by = format!("begin; {}; commit", pending.texts.join("; "));
                let outcomes = super::history::with_statement(&made_by, || {
                    db.apply_writes(&pending.statements)
                })?;
                Ok(Output::Done(Outcome::Committed { outcomes }))
            }
            (s, Some(pending)) if s.is_write() => {
                pending.texts.push(text.trim().trim_end_matches(';').to_string());
                pending.statements.push(statement);
                Ok(Output::Done(Outcome::Held { pending: pending.statements.len() }))
            }
            (Statement::Explain(_), Some(_)) | (_, None) => {
                super::history::with_statement(text, || db.execute_forced(&statement, true)).map(
                    |(out, stats)| {
                        self.notes = stats.notes;
                        out
                    },
                )
            }
            (_, Some(_)) => Err(transaction_error(
                text,
                "reads are not run inside a transaction, which holds its writes until commit: commit or rollback first",
            )),
        }
    }
}

/// A transaction-state error, pointing at the whole statement.
pub(crate) fn transaction_error(text: &str, message: &str) -> Error {
    let start = text.len() - text.trim_start().len();
    let word = text.split_whitespace().next().unwrap_or("");
    Error::Query(
        QueryError::new(message, crate::error::Span::new(start, start + word.len()))
            .with_kind(QueryErrorKind::Refused),
    )
}
