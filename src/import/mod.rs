//! Taking a corpus in: sources, speakers and claims from JSON Lines and CSV
//! files (and schema.org `ClaimReview` feeds, `claimreview.rs`), every
//! claim citation-checked, with a report row by row.
//!
//! The life of an import: every file is read into rows first (`read.rs`),
//! each a record or the reason its line is not one, with its FILE:LINE.
//! Then one write transaction applies the rows through the same checked
//! [`Writer`] as every other write, sources first, then speakers, then
//! claims, so records may come in any order. A row that is already stored
//! is `unchanged` (a re-import changes nothing; a claim with the same
//! speaker, source and anchored passage as a stored one is that claim); a
//! row that breaks a rule is `refused`, with the reason and, for a quote
//! that is not in its source, the closest passage and what differs.
//!
//! All or nothing by default: one refused row and the transaction is
//! dropped, so the database is as it was. [`ImportOptions::partial`] keeps
//! the good rows, committing every [`PARTIAL_BATCH_ROWS`] rows so that its
//! memory does not grow with the file; [`ImportOptions::dry_run`] checks
//! everything and drops the transaction even so. The source texts are folded once per import
//! (the writer's cache of folded texts), not once per claim.

mod claimreview;
mod read;
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

/// Told how far an import has come: rows applied, rows in all.
#[derive(Clone)]
pub struct Progress(pub std::sync::Arc<dyn Fn(usize, usize) + Send + Sync>);

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress")
    }
}

/// How many rows a partial import applies per transaction.
pub const PARTIAL_BATCH_ROWS: usize = 10_000;

/// How an import runs.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The files' format; `None` tells it from each file's extension, or
    /// else from its first bytes.
    pub format: Option<InputFormat>,
    /// Write the good rows even when some are refused (committed in
    /// batches of [`PARTIAL_BATCH_ROWS`] rows).
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
    /// A partial import's rows per commit; `None`: [`PARTIAL_BATCH_ROWS`].
    pub batch_rows: Option<usize>,
}

impl Db {
    /// Imports `files` (see the module documentation). An error means a
    /// file could not be read, or the database failed: nothing was written.
    /// Refused rows are not errors: they are in the report.
    pub fn import(&self, files: &[PathBuf], options: &ImportOptions) -> Result<ImportReport> {
        let started = Instant::now();
        let mut rows = Vec::new();
        for file in files {
            rows.extend(read::read_file(
                file,
                options.format,
                options.delimiter,
                !options.refuse_text_files,
            )?);
        }
        self.import_rows(rows, options, started)
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
        let rows = read::read_bytes(
            std::path::Path::new(name),
            bytes,
            options.format,
            options.delimiter,
            None,
        )?;
        self.import_rows(rows, options, started)
    }

    /// Applies the rows read (see the module documentation).
    fn import_rows(
        &self,
        rows: Vec<Row>,
        options: &ImportOptions,
        started: Instant,
    ) -> Result<ImportReport> {
        let mut reports: Vec<Option<RowReport>> = vec![None; rows.len()];
        let total = rows.len();
        let tell = |done: usize| {
            if let Some(p) = &options.progress {
                (p.0)(done, total);
            }
        };
        // The rows in the order they are applied: what claims refer to first.
        let mut order = Vec::with_capacity(total);
        for pass in ["dump", "source", "speaker", "claim", "version"] {
            for (k, row) in rows.iter().enumerate() {
                let kind = row.record.as_ref().map_or("row", Record::kind);
                if kind == pass || (pass == "dump" && row.record.is_err()) {
                    order.push(k);
                }
            }
        }
        // All or nothing is one transaction. A partial import commits in
        // batches, so its memory does not grow with the file: a batch that
        // fails for the database's sake leaves the batches before it.
        let batch = if options.partial && !options.dry_run {
            options.batch_rows.unwrap_or(PARTIAL_BATCH_ROWS).max(1)
        } else {
            order.len().max(1)
        };
        let mut done = 0;
        // An empty import writes nothing, and has nothing to refuse.
        let mut written = order.is_empty() && !options.dry_run;
        let restoring = restore::restores(self, &rows)?;
        for chunk in order.chunks(batch) {
            let before = done;
            let mut write = || {
                self.write(|w| {
                    // A run again after a conflict starts over (`Db::write`).
                    done = before;
                    for &k in chunk {
                        reports[k] = Some(apply(w, &rows[k], restoring)?);
                        done += 1;
                        if done % 256 == 0 {
                            tell(done);
                        }
                    }
                    let refused = reports
                        .iter()
                        .flatten()
                        .any(|r| r.outcome == Outcome::Refused);
                    if options.dry_run || (refused && !options.partial) {
                        // Dropping the transaction is how nothing gets written.
                        return Err(Error::Cancelled);
                    }
                    Ok(())
                })
            };
            let result = if restoring {
                crate::db::restoring_history(write)
            } else {
                write()
            };
            match result {
                Ok(()) => written = true,
                Err(Error::Cancelled) => {}
                Err(e) => return Err(e),
            }
        }
        tell(done);
        Ok(ImportReport {
            rows: reports.into_iter().flatten().collect(),
            written,
            dry_run: options.dry_run,
            seconds: started.elapsed().as_secs_f64(),
        })
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
