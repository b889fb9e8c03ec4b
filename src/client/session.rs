//! [`RemoteSession`]: statements one after another against a server, as
//! [`crate::Session`] runs them against a local database, with the same
//! answers and the same refusals in the same words.
//!
//! `begin … commit` is held here, on the client: each write is parsed and
//! checked as it comes, and `commit` sends them all as one transaction,
//! which the server runs all or nothing. A source's `text_file` is read
//! here (a server reads no file a client names) and sent inline.

use std::path::{Path, PathBuf};

use super::Client;
use crate::db::{refuse_unconditional_at, transaction_error};
use crate::error::Result;
use crate::limits::{read_text_file, MAX_SOURCE_TEXT_BYTES};
use crate::query::{self, ClaimRow, Outcome, Output, Params, Statement};

/// The parameter a `text_file`'s text is sent in.
const TEXT_PARAM: &str = "claimdb_text_file";

/// A session with a claimdb server.
#[derive(Debug)]
pub struct RemoteSession {
    client: Client,
    /// The writes of an open transaction, as sent at commit; `Some(true)`
    /// once one of its statements failed.
    pending: Option<(Vec<(String, Params)>, bool)>,
    base_dir: Option<PathBuf>,
    notes: Vec<String>,
    force: bool,
}

impl RemoteSession {
    /// A session with the server `client` speaks to.
    pub fn new(client: Client) -> Self {
        RemoteSession {
            client,
            pending: None,
            base_dir: None,
            notes: Vec::new(),
            force: false,
        }
    }

    /// The server's client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// True between `begin` and `commit` or `rollback`.
    pub fn in_transaction(&self) -> bool {
        self.pending.is_some()
    }

    /// Lets `update claims` and `delete claims` run without `where`.
    pub fn force(&mut self, force: bool) {
        self.force = force;
        self.client.force = force;
    }

    /// The folder a relative `text_file` is read from; returns the one it replaces.
    pub fn set_base_dir(&mut self, dir: Option<PathBuf>) -> Option<PathBuf> {
        std::mem::replace(&mut self.base_dir, dir)
    }

    /// The folder relative paths are read from now.
    pub fn base_dir(&self) -> Option<&Path> {
        self.base_dir.as_deref()
    }

    /// Remarks on the last statement that are not errors.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// Runs one statement.
    pub fn execute(&mut self, text: &str) -> Result<Output> {
        self.execute_with(text, &Params::new())
    }

    /// Runs one statement with values for its `$1` or `$name` parameters
    /// (outside a transaction: the server's transactions take none).
    pub fn execute_with(&mut self, text: &str, params: &Params) -> Result<Output> {
        self.notes.clear();
        let result = self.run_statement(text, params, None);
        self.note_failure(&result);
        result.map(|out| out.unwrap_or(Output::Claims(Vec::new())))
    }

    /// Runs one statement, handing the rows of a claims query to `each` as
    /// they arrive (`None` then); any other statement's output comes back.
    pub fn execute_streaming(
        &mut self,
        text: &str,
        each: &mut dyn FnMut(ClaimRow) -> Result<()>,
    ) -> Result<Option<Output>> {
        self.run(text, Some(each))
    }

    fn run(
        &mut self,
        text: &str,
        each: Option<&mut dyn FnMut(ClaimRow) -> Result<()>>,
    ) -> Result<Option<Output>> {
        self.notes.clear();
        let result = self.run_statement(text, &Params::new(), each);
        self.note_failure(&result);
        result
    }

    /// An error inside `begin … commit` spoils the transaction.
    fn note_failure<T>(&mut self, result: &Result<T>) {
        if result.is_err() {
            if let Some((_, failed)) = &mut self.pending {
                *failed = true;
            }
        }
    }

    fn run_statement(
        &mut self,
        text: &str,
        params: &Params,
        each: Option<&mut dyn FnMut(ClaimRow) -> Result<()>>,
    ) -> Result<Option<Output>> {
        // Parsed here too, so that a mistake is refused before anything is
        // sent, with the same caret a local session draws.
        let statement = query::prepare(text, params)?;
        if !self.force {
            refuse_unconditional_at(&statement, query::statement_start(text))?;
        }
        let done = |outcome| Ok(Some(Output::Done(outcome)));
        match (&statement, &mut self.pending) {
            (Statement::Begin, Some(_)) => Err(transaction_error(
                text,
                "a transaction is already open: commit or rollback first",
            )),
            (Statement::Begin, None) => {
                self.pending = Some((Vec::new(), false));
                done(Outcome::Begun)
            }
            (Statement::Commit | Statement::Rollback, None) => Err(transaction_error(
                text,
                "no transaction is open (begin one with `begin`)",
            )),
            (Statement::Rollback, Some(_)) => {
                let discarded = self.pending.take().map_or(0, |(s, _)| s.len());
                done(Outcome::RolledBack { discarded })
            }
            (Statement::Commit, Some(_)) => {
                let Some((statements, failed)) = self.pending.take() else {
                    unreachable!("matched Some")
                };
                if failed {
                    return Err(transaction_error(
                        text,
                        "the transaction had an error, so it was rolled back: nothing was written",
                    ));
                }
                self.client.transaction(&statements).map(Some)
            }
            (s, Some(_)) if s.is_write() => {
                let (sent, inlined) = self.inline_text_file(text, &statement)?;
                let params = params
                    .iter()
                    .fold(inlined, |all, (name, value)| all.bind(name, value.clone()));
                let Some((statements, _)) = &mut self.pending else {
                    unreachable!("matched Some")
                };
                statements.push((sent, params));
                done(Outcome::Held {
                    pending: statements.len(),
                })
            }
            (Statement::Explain(_), Some(_)) | (_, None) => {
                let (sent, inlined) = self.inline_text_file(text, &statement)?;
                let params = params
                    .iter()
                    .fold(inlined, |all, (name, value)| all.bind(name, value.clone()));
                let (output, notes) = match each {
                    Some(each) if !statement.is_write() => {
                        self.client.query_rows(&sent, &params, each)?
                    }
                    _ => self
                        .client
                        .query(&sent, &params)
                        .map(|(o, n)| (Some(o), n))?,
                };
                self.notes = notes;
                Ok(output)
            }
            (_, Some(_)) => Err(transaction_error(
                text,
                "reads are not run inside a transaction, which holds its writes until commit: commit or rollback first",
            )),
        }
    }

    /// The statement as sent: an `add source` whose `text_file` is read
    /// here and sent as the parameter its `text` is bound to.
    fn inline_text_file(&self, text: &str, statement: &Statement) -> Result<(String, Params)> {
        let Statement::AddSource { fields, .. } = statement else {
            return Ok((text.to_string(), Params::new()));
        };
        let Some(pair) = fields.iter().find(|a| a.name.node == "text_file") else {
            return Ok((text.to_string(), Params::new()));
        };
        let query::Literal::Str(path) = &pair.value.node else {
            return Ok((text.to_string(), Params::new()));
        };
        let path = match &self.base_dir {
            Some(base) if Path::new(path).is_relative() => base.join(path),
            _ => PathBuf::from(path),
        };
        let content = read_text_file(&path, MAX_SOURCE_TEXT_BYTES)?;
        let sent = format!(
            "{}text = ${TEXT_PARAM}{}",
            &text[..pair.name.span.start],
            &text[pair.value.span.end..]
        );
        Ok((sent, Params::new().bind(TEXT_PARAM, content)))
    }
}
