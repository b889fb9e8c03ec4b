//! Taking a corpus in: sources, speakers and claims from JSON Lines and CSV
//! files (and schema.org `ClaimReview` feeds, `claimreview.rs`), every
//! claim citation-checked, with a report row by row.
//!
//! The life of an import: the files are read as streams of rows
//! (`input.rs`, `read.rs`), each a record or the reason its line is not
//! one, with its FILE:LINE, and applied through the same checked
//! [`Writer`] as every other write, in passes (`passes.rs`): sources and
//! speakers first, then claims, so records may come in any order, and
//! memory does not grow with the files. A row that is already stored
//! is `unchanged` (a re-import changes nothing; a claim with the same
//! speaker, source and anchored passage as a stored one is that claim); a
//! row that breaks a rule is `refused`, with the reason and, for a quote
//! that is not in its source, the closest passage and what differs.
//!
//! All or nothing by default: one refused row and nothing is written, so
//! the database is as it was (a large import on sled commits in batches
//! that are undone: `passes.rs`). [`ImportOptions::partial`] keeps the
//! good rows, committing every [`PARTIAL_BATCH_ROWS`] rows;
//! [`ImportOptions::dry_run`] checks everything and writes nothing even
//! so. The source texts are folded once per import (the writer's cache of
//! folded texts), not once per claim.

mod claimreview;
mod input;
mod passes;
mod read;
mod read_ahead;
mod report;
mod restore;
mod spreadsheet;

use std::path::PathBuf;
use std::time::Instant;

pub use read::{InputFormat, Record, Row};
pub use report::{ImportReport, Outcome, RowReport};
pub use spreadsheet::parse_delimiter;

use crate::db::{Db, Upsert, Writer};
use crate::error::{Error, Result};
use crate::model::{NewSource, NewSpeaker};
use crate::store::FORMAT_VERSION;
use input::Input;

/// Told how far an import has come: rows applied, rows in all.
#[derive(Clone)]
pub struct Progress(pub std::sync::Arc<dyn Fn(usize, usize) + Send + Sync>);

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress")
    }
}

/// How many rows an import applies per transaction, at most (a partial
/// import's batch; an all-or-nothing import's on sled, when it is larger).
pub const PARTIAL_BATCH_ROWS: usize = 2_000;

/// How much row data (source texts, mostly) a batch holds, at most: with
/// [`PARTIAL_BATCH_ROWS`], what bounds an import's memory beside the
/// folded texts' cache ([`crate::db::texts::BUDGET`]) and the engine's own.
pub const BATCH_BYTES: usize = 8 << 20;

/// How an import runs.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The files' format; `None` tells it from each file's extension, or
    /// else from its first bytes.
    pub format: Option<InputFormat>,
    /// Write the good rows even when some are refused (committed in
    /// batches of [`PARTIAL_BATCH_ROWS`] rows or [`BATCH_BYTES`]).
    pub partial: bool,
    /// Check everything, write nothing.
    pub dry_run: bool,
    /// What separates a CSV file's cells; `None` tells comma, semicolon
    /// or tab from its header line.
    pub delimiter: Option<u8>,
    /// Called as rows are applied (every few hundred, and at the end): a
    /// progress bar's feed.
    pub progress: Option<Progress>,
    /// Refuse a source's `text_file` instead of reading it: a server reads
    /// no file a client names.
    pub refuse_text_files: bool,
    /// Rows per commit; `None`: [`PARTIAL_BATCH_ROWS`].
    pub batch_rows: Option<usize>,
}

impl Db {
    /// Imports `files` (see the module documentation). An error means a
    /// file could not be read, or the database failed: nothing was written.
    /// Refused rows are not errors: they are in the report.
    pub fn import(&self, files: &[PathBuf], options: &ImportOptions) -> Result<ImportReport> {
        let started = Instant::now();
        let inputs = files
            .iter()
            .map(|file| {
                Input::file(
                    file,
                    options.format,
                    options.delimiter,
                    !options.refuse_text_files,
                )
            })
            .collect::<Result<Vec<_>>>()?;
        passes::run(self, &inputs, options, started)
    }

    /// Imports one file's bytes, received rather than read (a server's
    /// upload): `name` is how the report names the file, and its extension
    /// may tell the format. A source's `text_file` is refused, as no file
    /// is read.
    pub fn import_bytes(
        &self,
        name: &str,
        bytes: &[u8],
        options: &ImportOptions,
    ) -> Result<ImportReport> {
        let started = Instant::now();
        let input = Input::bytes(
            std::path::Path::new(name),
            bytes,
            options.format,
            options.delimiter,
            None,
        )?;
        passes::run(self, &[input], options, started)
    }
}

/// Applies one row; an error is the database's, not the row's.
fn apply(w: &mut Writer, row: &Row, restoring: bool) -> Result<RowReport> {
    let mut report = RowReport {
        file: row.file.clone(),
        line: row.line,
        kind: row.kind.to_string(),
        outcome: Outcome::Refused,
        id: None,
        message: None,
        findings: Vec::new(),
    };
    let record = match &row.record {
        Ok(r) => r,
        Err(why) => {
            report.message = Some(why.clone());
            return Ok(report);
        }
    };
    let done = match record {
        Record::DumpHeader(version, horizon) if *version == FORMAT_VERSION => {
            restore::horizon(w, horizon.as_deref(), restoring)?;
            Ok((
                Outcome::Unchanged,
                format!("a dump of format {version}"),
                None,
            ))
        }
        Record::DumpHeader(version, _) => Err(Error::invalid(
            "dump",
            format!(
                "written in format {version}; this claimdb reads dumps of format {FORMAT_VERSION}"
            ),
        )),
        Record::Source(s) => source(w, s).map(|(o, m)| (o, m, Some(s.id.clone()))),
        Record::SourceRef(s) => match w.view().source(&s.id)? {
            Some(_) => Ok((
                Outcome::Unchanged,
                "already stored".into(),
                Some(s.id.clone()),
            )),
            None => w
                .add_source(s)
                .map(|_| (Outcome::Added, String::new(), Some(s.id.clone()))),
        },
        Record::Speaker(s, Some(id)) if restoring => w
            .add_speaker_as(s, Some(*id))
            .map(|_| (Outcome::Added, String::new(), Some(s.name.clone()))),
        Record::Speaker(s, _) => speaker(w, s).map(|(o, m)| (o, m, Some(s.name.clone()))),
        Record::Claim(c, hint, broken, Some(id)) if restoring => w
            .add_claim_as(c, hint.as_ref(), broken.as_deref(), *id)
            .map(|claim| {
                (
                    Outcome::Added,
                    misattribution(&claim),
                    Some(claim.id.to_string()),
                )
            }),
        Record::Version(v) => restore::version(w, v, restoring),
        Record::Claim(c, hint, broken, _) => {
            match w.put_claim_by_key(c, hint.as_ref(), broken.as_deref()) {
                Ok((claim, Upsert::Added)) => Ok((
                    Outcome::Added,
                    misattribution(&claim),
                    Some(claim.id.to_string()),
                )),
                Ok((claim, Upsert::Updated)) => Ok((
                    Outcome::Updated,
                    format!(
                        "claim {} (key {}) now says what this row says",
                        claim.id,
                        key_of(c)
                    ),
                    Some(claim.id.to_string()),
                )),
                Ok((claim, Upsert::Unchanged)) => Ok((
                    Outcome::Unchanged,
                    format!("already stored as claim {} (key {})", claim.id, key_of(c)),
                    Some(claim.id.to_string()),
                )),
                Err(Error::DuplicateClaim { existing }) => Ok((
                    Outcome::Unchanged,
                    format!(
                        "already stored as claim {existing} (the same speaker, source and passage)"
                    ),
                    Some(existing.to_string()),
                )),
                Err(e) => Err(e),
            }
        }
    };
    match done {
        Ok((outcome, message, id)) => {
            report.outcome = outcome;
            report.id = id;
            report.message = (!message.is_empty()).then_some(message);
        }
        Err(Error::Citation(c)) => {
            report.message = Some(format!(
                "the quote is not in source {}: {}",
                crate::error::quoted(&c.source),
                c.citation.verdict.as_str()
            ));
            report.findings = c.citation.findings();
            if let Some(at) = &c.citation.location {
                report.findings.insert(
                    0,
                    format!(
                        "closest passage, at {}:{}: {}",
                        at.line,
                        at.column,
                        crate::error::quoted(&at.text)
                    ),
                );
            }
        }
        Err(e) if e.is_about_the_claim() => report.message = Some(e.to_string()),
        Err(e) => return Err(e),
    }
    Ok(report)
}

/// For a claim stored although its source credits someone else with the
/// passage: a warning naming whom (empty otherwise), so the report lists it.
fn misattribution(claim: &crate::model::Claim) -> String {
    match &claim.attribution {
        Some(a) if a.verdict == crate::model::AttributionVerdict::DifferentSpeaker => format!(
            "its source credits the passage to someone else: {}",
            a.describe(claim.mode)
        ),
        _ => String::new(),
    }
}

/// A source: added, unchanged when stored the same, refused when stored
/// differently (its text is changed with `update-source`, which re-anchors
/// its claims).
fn source(w: &mut Writer, new: &NewSource) -> Result<(Outcome, String)> {
    let Some(stored) = w.view().source(&new.id)? else {
        w.add_source(new)?;
        return Ok((Outcome::Added, String::new()));
    };
    let same_text = stored.sha256 == new.text.as_deref().map(crate::cite::sha256_hex);
    let same_fields = stored.title == new.title.trim()
        && stored.author == new.author
        && stored.publisher == new.publisher
        && stored.date == new.date
        && new.kind.is_none_or(|k| k == stored.kind)
        && stored.url == new.url
        && stored.notes == new.notes;
    if same_text && same_fields {
        return Ok((Outcome::Unchanged, "already stored".into()));
    }
    Err(Error::invalid(
        "source",
        format!(
            "{} is already stored with a different {}; change a source's text with `claimdb update-source`",
            crate::error::quoted(&new.id),
            if same_text { "title or metadata" } else { "text" }
        ),
    ))
}

/// A speaker: added; unchanged when stored by that name; updated with the
/// aliases it did not have.
fn speaker(w: &mut Writer, new: &NewSpeaker) -> Result<(Outcome, String)> {
    let Some(id) = w.view().speaker_by_name(&new.name)? else {
        w.add_speaker(new)?;
        return Ok((Outcome::Added, String::new()));
    };
    let stored = w
        .view()
        .speaker(id)?
        .ok_or_else(|| Error::Corrupt(format!("speaker name {:?} names no speaker", new.name)))?;
    let mut added = Vec::new();
    for alias in &new.aliases {
        if w.view().speaker_by_name(alias)?.is_none() {
            w.add_alias(alias, &stored.name)?;
            added.push(crate::error::quoted(alias));
        }
    }
    if added.is_empty() {
        Ok((
            Outcome::Unchanged,
            format!("already stored as speaker {}", stored.id),
        ))
    } else {
        Ok((
            Outcome::Updated,
            format!(
                "speaker {} gained the aliases {}",
                stored.id,
                added.join(", ")
            ),
        ))
    }
}

fn key_of(c: &crate::model::NewClaim) -> String {
    crate::error::quoted(c.key.as_deref().unwrap_or(""))
}
