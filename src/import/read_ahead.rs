//! An import's rows read a batch ahead, on a thread of their own.
//!
//! An import applies a batch and commits it on one core, and reading the
//! rows (parsing JSON, mostly) and checking claims (locating each quote,
//! reading its attribution) took a third of that core. The reader thread
//! parses the next batch's rows and works out their claims' checks
//! ([`crate::db::Db::precheck`]) while the writer applies this one. The
//! channel between them holds nothing: the reader hands over a batch only
//! when the writer asks for the next, so at most two batches are held,
//! the one being written and the one read ahead.
//!
//! A precheck reads what is committed, so a claim read ahead of the batch
//! that adds its source (or changes its speaker) gets none, or one the
//! writer finds does not fit; the writer then checks it itself.

use std::sync::mpsc::sync_channel;

use super::read::{Record, Row};
use super::BATCH_BYTES;
use crate::db::{Db, Prechecked};
use crate::error::Result;

/// A row as read, the number of its file, and its claim's checks when
/// worked out ahead.
pub(super) struct Ahead {
    pub file: usize,
    pub row: Row,
    pub prechecked: Option<Prechecked>,
}

/// Calls `apply` with the rows `rows` makes (on the reader thread) in batches of at most `batch` rows and
/// [`BATCH_BYTES`], in order, each read (and, when `db`'s reads are
/// local, checked) on another thread while the one before is applied.
/// Stops at the first error, from `rows` or from `apply`.
pub(super) fn in_batches<R: Iterator<Item = Result<(usize, Row)>>>(
    db: &Db,
    rows: impl FnOnce() -> R + Send,
    batch: usize,
    mut apply: impl FnMut(Vec<Ahead>) -> Result<()>,
) -> Result<()> {
    let precheck = db.engine().reads_are_local();
    std::thread::scope(|scope| {
        let (send, receive) = sync_channel::<Result<Vec<Ahead>>>(0);
        scope.spawn(move || {
            let mut rows = rows();
            loop {
                let next = read_batch(db, &mut rows, batch, precheck);
                let last = !matches!(&next, Ok(rows) if !rows.is_empty());
                // The writer stopped (an error): so does the reader.
                if send.send(next).is_err() || last {
                    return;
                }
            }
        });
        for next in receive {
            let rows = next?;
            if rows.is_empty() {
                break;
            }
            apply(rows)?;
        }
        Ok(())
    })
}

/// The next batch: up to `batch` rows, and up to [`BATCH_BYTES`] of them
/// (a batch of source texts is a few hundred).
fn read_batch(
    db: &Db,
    rows: &mut impl Iterator<Item = Result<(usize, Row)>>,
    batch: usize,
    precheck: bool,
) -> Result<Vec<Ahead>> {
    let mut read = Vec::new();
    let mut bytes = 0;
    while read.len() < batch && bytes < BATCH_BYTES {
        let Some(next) = rows.next() else { break };
        let (file, row) = next?;
        bytes += weight(&row);
        let prechecked = match &row.record {
            Ok(Record::Claim(claim, hint, ..)) if precheck => db.precheck(claim, hint.as_ref()),
            _ => None,
        };
        read.push(Ahead {
            file,
            row,
            prechecked,
        });
    }
    Ok(read)
}

/// About how many bytes a row's record holds (what a batch is bounded
/// by, beside its rows).
fn weight(row: &Row) -> usize {
    let text = match &row.record {
        Ok(Record::Source(s) | Record::SourceRef(s)) => s.text.as_ref().map_or(0, String::len),
        Ok(Record::Claim(c, ..)) => c.quote.len() + c.statement.len() + c.rationale.len(),
        _ => 0,
    };
    // Each row costs index entries, a version and its report besides.
    text + 512
}
