//! Running statements of the query language against a [`Db`]: reads through
//! the query executor over one read view, writes through the checked
//! [`Writer`] (`begin … commit` is the [`Session`](crate::Session)'s, in `session.rs`).
//!
//! A write statement is first turned into a [`WriteOp`] before its
//! transaction opens: a `text_file` is read, and the claims an `update` or
//! `delete` targets are found by the planner through a read view (a
//! transaction's writer cannot scan an index). The ops then run in one
//! transaction, which checks each target again as the transaction sees it,
//! so a failing statement leaves nothing of the others that share it.

use std::path::Path;

use super::write_ops::{apply, WriteOp};
use super::Db;
use crate::error::{quoted, Error, QueryError, QueryErrorKind, Result, Span};
use crate::model::{ClaimId, NewClaim, NewSource, NewSpeaker, SpeakerId};
use crate::query::{
    self, ExecStats, Expr, Literal, Outcome, Output, Params, Patterns, Spanned, Speakers,
    Statement, Table,
};

/// A statement parsed and checked once, to run many times with different parameters.
///
/// ```
/// # fn main() -> claimdb::Result<()> {
/// use claimdb::query::Params;
/// let dir = tempfile::tempdir().unwrap();
/// let db = claimdb::Db::open_with(dir.path().join("c.db"), claimdb::OpenOptions::new().seed(true))?;
/// let by_speaker = db.prepare("count claims where speaker = $1 and confidence >= $min")?;
/// for name in ["White", "Moriuchi"] {
///     let n = by_speaker.run(&db, &Params::new().bind(1, name).bind("min", 0.8))?;
///     assert!(n.count().unwrap() > 0);
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Prepared {
    statement: Statement,
}

impl Prepared {
    /// The parsed statement (parameters not yet bound).
    pub fn statement(&self) -> &Statement {
        &self.statement
    }

    /// Binds `params` and runs the statement. Values are never spliced into
    /// query text, so a bound string cannot change the statement's meaning.
    pub fn run(&self, db: &Db, params: &Params) -> Result<Output> {
        let mut statement = self.statement.clone();
        query::bind(&mut statement, params)?;
        query::check(&statement)?;
        db.execute(&statement).map(|(out, _)| out)
    }
}

fn string(lit: &Literal) -> String {
    match lit {
        Literal::Str(s) => s.clone(),
        other => other.to_string(),
    }
}

impl Db {
    /// Parses and checks a statement for running later, maybe many times.
    pub fn prepare(&self, text: &str) -> Result<Prepared> {
        Ok(Prepared {
            statement: query::parse(text)?,
        })
    }

    /// Parses, checks and runs one statement. Writes are atomic and flushed
    /// before this returns; `begin`, `commit` and `rollback` need a
    /// [`Session`](crate::Session).
    pub fn query(&self, text: &str) -> Result<Output> {
        self.query_with(text, &Params::new())
    }

    /// Like [`Db::query`], with values for the statement's `$1` or `$name` parameters.
    pub fn query_with(&self, text: &str, params: &Params) -> Result<Output> {
        let statement = query::prepare(text, params)?;
        super::history::with_statement(text, || self.execute(&statement)).map(|(out, _)| out)
    }

    /// Like [`Db::query`], and also reports what the statement read, which
    /// shows whether an index or a full scan answered it.
    ///
    /// ```
    /// # fn main() -> claimdb::Result<()> {
    /// let dir = tempfile::tempdir().unwrap();
    /// let db = claimdb::Db::open_with(dir.path().join("c.db"), claimdb::OpenOptions::new().seed(true))?;
    /// let (out, stats) = db.query_with_stats(r#"claims where speaker = "Thae""#)?;
    /// assert_eq!(stats.claims_read, out.claims().unwrap().len() as u64);
    /// # Ok(()) }
    /// ```
    pub fn query_with_stats(&self, text: &str) -> Result<(Output, ExecStats)> {
        let statement = query::prepare(text, &Params::new())?;
        super::history::with_statement(text, || self.execute(&statement))
    }

    /// Runs a checked statement. An `update` or `delete` without `where`
    /// is refused (it would change every claim): write a condition, such
    /// as `where true` for every claim, or use a [`Session`](crate::Session) with
    /// [`Session::force`](crate::Session::force).
    pub fn execute(&self, statement: &Statement) -> Result<(Output, ExecStats)> {
        self.execute_forced(statement, false)
    }

    /// Like [`Db::execute`], letting `update claims` and `delete claims`
    /// run without `where` when `force` is true (the CLI's `--force`).
    pub fn execute_forced(
        &self,
        statement: &Statement,
        force: bool,
    ) -> Result<(Output, ExecStats)> {
        if !force {
            refuse_unconditional(statement)?;
        }
        match statement {
            Statement::Begin | Statement::Commit | Statement::Rollback => Err(Error::invalid(
                "statement",
                "begin, commit and rollback need a session (Db::session), as the shell and scripts have",
            )),
            s if s.is_write() => {
                let mut done = self.apply_writes(std::slice::from_ref(s))?;
                Ok((Output::Done(done.remove(0)), ExecStats::default()))
            }
            s => query::execute_read(&*self.view()?, s),
        }
    }

    /// `alone`: the statement is the whole transaction (no earlier statement
    /// of it can have added the speaker or source it names).
    fn write_op(&self, statement: &Statement, alone: bool) -> Result<WriteOp> {
        Ok(match statement {
            Statement::AddSource { id, fields } => {
                let values = query::source_values(fields, id.span)?;
                let (text, text_file) = match (values.text, &values.text_file) {
                    (Some(t), _) => (Some(t), None),
                    (None, Some(path)) => (
                        Some(crate::limits::read_text_file(
                            Path::new(&path.node),
                            crate::limits::MAX_SOURCE_TEXT_BYTES,
                        )?),
                        crate::limits::absolute_display(Path::new(&path.node)),
                    ),
                    (None, None) => (None, None),
                };
                let record = values.record;
                WriteOp::AddSource(NewSource {
                    id: string(&id.node),
                    title: record.title.unwrap_or_default(),
                    author: record.author,
                    publisher: record.publisher,
                    date: record.date,
                    kind: record.kind,
                    url: record.url,
                    notes: record.notes,
                    text,
                    text_file,
                })
            }
            Statement::AddSpeaker {
                name,
                aliases,
                description,
            } => WriteOp::AddSpeaker(NewSpeaker {
                name: string(&name.node),
                aliases: aliases.iter().map(|a| string(&a.node)).collect(),
                description: description.as_ref().map(|d| string(&d.node)),
            }),
            Statement::AddClaim { fields } => {
                let at = fields.first().map_or(Span::default(), |a| a.name.span);
                let values = query::claim_values(fields, at)?;
                if alone {
                    self.check_names(&values)?;
                }
                let hint =
                    crate::cite::Hint::from_parts(values.prefix, values.suffix, values.position);
                WriteOp::AddClaim(
                    NewClaim {
                        speaker: values.speaker.node,
                        source: values.source.node,
                        origin: values.origin.map(|o| o.node),
                        quote: values.quote,
                        statement: values.statement,
                        confidence: values.confidence,
                        rationale: values.rationale,
                        tags: values.tags,
                        key: values.key,
                        ..Default::default()
                    },
                    hint,
                )
            }
            Statement::Update { set, filter } => {
                let set = query::claim_set(set)?;
                WriteOp::Update {
                    candidates: query::matching_claims(&*self.view()?, statement)?,
                    filter: filter.clone(),
                    changes: set,
                }
            }
            Statement::Delete { filter } => WriteOp::Delete {
                candidates: query::matching_claims(&*self.view()?, statement)?,
                filter: filter.clone(),
            },
            Statement::Alias { alias, speaker } => WriteOp::Alias {
                alias: string(&alias.node),
                speaker: string(&speaker.node),
            },
            Statement::UpdateList { table, set, filter } => {
                let (sources, speakers) = self.listed(*table, filter)?;
                match table {
                    Table::Speakers => WriteOp::UpdateSpeakers {
                        ids: speakers,
                        description: query::speaker_set(set)?.description,
                    },
                    _ => WriteOp::UpdateSources {
                        ids: sources,
                        changes: query::source_set(set)?,
                    },
                }
            }
            Statement::DeleteList {
                table,
                filter,
                cascade,
            } => {
                let (sources, speakers) = self.listed(*table, filter)?;
                match table {
                    Table::Speakers => WriteOp::DeleteSpeakers {
                        ids: speakers,
                        cascade: *cascade,
                    },
                    _ => WriteOp::DeleteSources {
                        ids: sources,
                        cascade: *cascade,
                    },
                }
            }
            Statement::Merge { from, into } => WriteOp::Merge {
                from: string(&from.node),
                into: string(&into.node),
            },
            Statement::Because { reason, statement } => WriteOp::Reasoned {
                reason: string(&reason.node),
                op: Box::new(self.write_op(statement, alone)?),
            },
            Statement::Revert { id, version } => {
                let whole = |l: &Literal| match l {
                    Literal::Num(n) if *n >= 0.0 => *n as u64,
                    _ => 0,
                };
                let (id, version) = (whole(&id.node), whole(&version.node));
                self.reverted(id, version)?
            }
            other => {
                return Err(Error::invalid(
                    "statement",
                    format!("not a write: {other:?}"),
                ))
            }
        })
    }

    /// What `revert claim ID to version VERSION` does: the claim's
    /// editable fields set to what they were at that version; a deleted
    /// claim added again under its id, as it was then (its quote checked
    /// against the text as it is now, near where it was anchored).
    fn reverted(&self, id: ClaimId, version: u64) -> Result<WriteOp> {
        let view = self.view()?;
        let versions = view.versions(&crate::model::Subject::Claim(id))?;
        let last = versions.last().map_or(0, |v| v.number);
        if versions.is_empty() {
            return Err(Error::NotFound {
                kind: "history for claim",
                name: id.to_string(),
            });
        }
        if version == 0 || version > last {
            return Err(Error::invalid(
                "version",
                format!("claim {id} has versions 1 to {last}, not {version}"),
            ));
        }
        let now = view.claim(id)?;
        let deleted = now.is_none();
        let then: crate::model::Claim = crate::store::at_version(now, &versions, version)?
            .ok_or_else(|| {
                Error::invalid(
                    "version",
                    format!("claim {id} did not exist at its version {version}"),
                )
            })?;
        if deleted {
            let speaker = view.speaker(then.speaker)?.ok_or_else(|| {
                Error::invalid(
                    "revert",
                    format!(
                        "claim {id}'s speaker (speaker {}) is deleted too: add the speaker again first",
                        then.speaker
                    ),
                )
            })?;
            let hint = then.anchor.as_ref().and_then(|a| {
                crate::cite::Hint::from_parts(
                    Some(a.prefix.clone()),
                    Some(a.suffix.clone()),
                    Some(a.start_byte as usize),
                )
            });
            return Ok(WriteOp::Restore {
                id,
                claim: crate::model::NewClaim {
                    speaker: speaker.name,
                    source: then.source,
                    origin: then.origin,
                    quote: then.quote,
                    statement: then.statement,
                    confidence: then.confidence.value(),
                    rationale: then.rationale,
                    tags: then.tags,
                    key: then.key,
                    reviews: then.reviews,
                },
                hint,
            });
        }
        Ok(WriteOp::Update {
            candidates: vec![id],
            filter: None,
            changes: crate::model::ClaimChanges {
                confidence: Some(then.confidence.value()),
                rationale: Some(then.rationale),
                statement: Some(then.statement),
                tags: Some(then.tags),
                origin: Some(then.origin.unwrap_or_default()),
                quote: Some(then.quote),
            },
        })
    }

    /// The sources (or speakers) a condition selects, as a listing finds them.
    fn listed(&self, table: Table, filter: &Expr) -> Result<(Vec<String>, Vec<SpeakerId>)> {
        let list = Statement::List(query::ListQuery {
            table,
            select: None,
            filter: Some(filter.clone()),
            order: Vec::new(),
            limit: None,
            offset: None,
            limit_params: Default::default(),
        });
        let (output, _) = query::execute_read(&*self.view()?, &list)?;
        Ok(match output {
            query::Output::Sources(rows) => {
                (rows.into_iter().map(|r| r.source.id).collect(), Vec::new())
            }
            query::Output::Speakers(rows) => {
                (Vec::new(), rows.into_iter().map(|r| r.speaker.id).collect())
            }
            _ => (Vec::new(), Vec::new()),
        })
    }

    /// Refuses a claim whose speaker, source or origin does not exist, with
    /// a caret under the value and the closest existing name.
    fn check_names(&self, claim: &query::ClaimValues) -> Result<()> {
        let view = self.view()?;
        let unknown = |kind: &str, value: &Spanned<String>, known: Vec<String>| {
            let hint = query::closest_name(&value.node, known.iter().map(String::as_str))
                .map(|k| format!(" (did you mean {}?)", quoted(k)))
                .unwrap_or_default();
            Err(Error::Query(
                QueryError::new(
                    format!("no {kind} {}{hint}", quoted(&value.node)),
                    value.span,
                )
                .with_kind(QueryErrorKind::UnknownName),
            ))
        };
        if view.speaker_by_name(&claim.speaker.node)?.is_none() {
            let names = view
                .speakers()?
                .into_iter()
                .flat_map(|s| std::iter::once(s.name).chain(s.aliases))
                .collect();
            return unknown("speaker", &claim.speaker, names);
        }
        let sources = [
            ("source", Some(&claim.source)),
            ("origin source", claim.origin.as_ref()),
        ];
        for (kind, id) in sources {
            let Some(id) = id else { continue };
            if view.source(&id.node)?.is_none() {
                let ids = view.sources()?.into_iter().map(|s| s.id).collect();
                return unknown(kind, id, ids);
            }
        }
        Ok(())
    }

    /// Runs write statements in one transaction, all or nothing, and flushes.
    pub(super) fn apply_writes(&self, statements: &[Statement]) -> Result<Vec<Outcome>> {
        let _writing = self.write_lock();
        let ops = statements
            .iter()
            .map(|s| self.write_op(s, statements.len() == 1))
            .collect::<Result<Vec<_>>>()?;
        let speakers = Speakers::load_all(&*self.view()?)?;
        let patterns: Vec<Patterns> = ops
            .iter()
            .map(|op| {
                // A reasoned write is its write's pattern.
                let mut op = op;
                while let WriteOp::Reasoned { op: inner, .. } = op {
                    op = inner;
                }
                match op {
                    WriteOp::Update { filter, .. } | WriteOp::Delete { filter, .. } => {
                        Patterns::of(filter.as_ref())
                    }
                    _ => Patterns::default(),
                }
            })
            .collect();
        self.write_locked(|w| {
            let mut added: Vec<ClaimId> = Vec::new();
            let mut done = Vec::with_capacity(ops.len());
            for (op, patterns) in ops.iter().zip(&patterns) {
                done.push(apply(w, op, &mut added, &speakers, patterns)?);
            }
            Ok(done)
        })
    }
}

/// An `update claims` or `delete claims` without `where` acts on every
/// claim: it is refused unless forced, so a forgotten condition cannot
/// wipe a corpus.
fn refuse_unconditional(statement: &Statement) -> Result<()> {
    refuse_unconditional_at(statement, 0)
}

/// [`refuse_unconditional`], pointing at the statement that starts at byte
/// `start` of its text.
pub(crate) fn refuse_unconditional_at(statement: &Statement, start: usize) -> Result<()> {
    let verb = match statement {
        Statement::Because { statement, .. } => return refuse_unconditional_at(statement, start),
        Statement::Update { filter: None, .. } => "update claims",
        Statement::Delete { filter: None } => "delete claims",
        _ => return Ok(()),
    };
    Err(Error::Query(
        QueryError::new(
            format!(
                "`{verb}` without `where` would change every claim: add a condition \
             (`where true` means every claim), or run with --force"
            ),
            crate::error::Span::new(start, start + verb.len()),
        )
        .with_kind(QueryErrorKind::Refused),
    ))
}
