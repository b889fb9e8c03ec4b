//! Handing a corpus out: files other programs (and `claimdb import`) read.
//!
//! `dump.rs` writes everything the database holds (sources with their
//! texts, speakers, claims with where their quotes are anchored) as the
//! JSON Lines that `claimdb import` reads back into an equal database.
//! `claims.rs` writes the claims a query selects: every field (JSON Lines,
//! CSV), schema.org `ClaimReview` objects, W3C Web Annotations. A source's
//! text goes out byte for byte.

mod claims;
mod dump;
mod stream;

use std::io::Write;

pub use claims::{annotation, claim_reviews, full_record, ReviewOptions, CSV_COLUMNS};
pub use dump::write_dump;

use crate::db::Db;
use crate::error::{quoted, Error, Result};

/// What an export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// The whole database, for `claimdb import` (JSON Lines).
    Dump,
    /// Every field of each selected claim, one JSON object per line.
    Jsonl,
    /// Every field of each selected claim, flattened, with a header row.
    Csv,
    /// One schema.org `ClaimReview` (JSON-LD) per line.
    ClaimReview,
    /// One W3C Web Annotation per line.
    Annotation,
    /// A source's text, byte for byte.
    Text,
}

impl ExportFormat {
    /// Every format.
    pub const ALL: [ExportFormat; 6] = [
        ExportFormat::Dump,
        ExportFormat::Jsonl,
        ExportFormat::Csv,
        ExportFormat::ClaimReview,
        ExportFormat::Annotation,
        ExportFormat::Text,
    ];

    /// The format's name, as `--format` and the server take it.
    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Dump => "dump",
            ExportFormat::Jsonl => "jsonl",
            ExportFormat::Csv => "csv",
            ExportFormat::ClaimReview => "claimreview",
            ExportFormat::Annotation => "annotation",
            ExportFormat::Text => "text",
        }
    }

    /// The format called `name`.
    pub fn parse(name: &str) -> Option<ExportFormat> {
        ExportFormat::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(name))
    }
}

/// What to export, and how.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// The format.
    pub format: ExportFormat,
    /// A claims query selecting what to export (all claims when `None`);
    /// for [`ExportFormat::Text`], the source's id.
    pub query: Option<String>,
    /// For [`ExportFormat::ClaimReview`].
    pub review: ReviewOptions,
    /// For [`ExportFormat::Jsonl`] and [`ExportFormat::Csv`]: each claim's
    /// `version` (its last version's number), `modified_at` and
    /// `modified_by` (when and by whom), from its history.
    pub versions: bool,
}

impl Db {
    /// Writes an export to `out`; returns how many records (lines, rows,
    /// or bytes of text) were written.
    pub fn export(&self, options: &ExportOptions, out: &mut dyn Write) -> Result<u64> {
        let io = |e: std::io::Error| Error::Io {
            path: "the export".into(),
            source: e,
        };
        match options.format {
            ExportFormat::Dump => {
                if options.query.is_some() {
                    return Err(Error::invalid(
                        "export",
                        "a dump holds the whole database; a query selects claims for jsonl, csv, claimreview or annotation",
                    ));
                }
                return write_dump(&*self.view()?, out);
            }
            ExportFormat::Text => {
                let id = options
                    .query
                    .as_deref()
                    .ok_or_else(|| Error::invalid("export", "--format text needs a source id"))?;
                let text = self.source_text(id)?.ok_or_else(|| match self.source(id) {
                    Ok(Some(_)) => {
                        Error::invalid("export", format!("source {} holds no text", quoted(id)))
                    }
                    _ => Error::not_found("source", id),
                })?;
                out.write_all(text.as_bytes()).map_err(io)?;
                out.flush().map_err(io)?;
                return Ok(text.len() as u64);
            }
            _ => {}
        }
        if options.versions && !matches!(options.format, ExportFormat::Jsonl | ExportFormat::Csv) {
            return Err(Error::invalid(
                "export",
                format!(
                    "versions add `version`, `modified_at` and `modified_by` to jsonl and csv exports, not to {}",
                    options.format.as_str()
                ),
            ));
        }
        let query = options.query.as_deref().unwrap_or("claims");
        let not_claims = || {
            Error::invalid(
                "export",
                format!("{} is not a claims query (claims where ...)", quoted(query)),
            )
        };
        let statement = crate::query::prepare(query, &crate::query::Params::new())?;
        if statement.is_write() {
            return Err(not_claims());
        }
        // One view for the rows and what they refer to; the rows stream
        // past one at a time, so memory does not grow with the export.
        let view = self.view()?;
        let mut rows = stream::Rows::new(&*view, options, out)?;
        let (gathered, _) =
            crate::query::execute_streaming(&*view, &statement, &mut |row| rows.write(&row))?;
        // What was not streamed (a claims query `as of` a moment comes
        // whole) is written the same way; anything else is no claims query.
        if let Some(output) = gathered {
            for row in output.claims().ok_or_else(not_claims)? {
                rows.write(row)?;
            }
        }
        rows.finish()
    }
}

/// A failure to write the export: the output's (a full disk, a reader
/// that went away), never the database's.
pub(crate) fn output_error(what: &str, e: std::io::Error) -> Error {
    Error::Io {
        path: what.into(),
        source: e,
    }
}

fn csv_error(e: csv::Error) -> Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => output_error("the CSV export", e),
        other => Error::invalid("export", format!("cannot write the CSV export: {other:?}")),
    }
}

pub use crate::text::today;

/// The columns `versions` adds to a CSV export, after [`CSV_COLUMNS`].
pub const VERSION_COLUMNS: [&str; 3] = ["version", "modified_at", "modified_by"];

/// The days (`2026-11-29`) of a record's first and last versions, when it
/// has any.
pub fn first_and_last_days(versions: &[crate::model::Version]) -> Option<(String, String)> {
    let day = |v: &crate::model::Version| v.at.get(..10).unwrap_or(&v.at).to_string();
    Some((day(versions.first()?), day(versions.last()?)))
}
