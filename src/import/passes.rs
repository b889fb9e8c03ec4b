//! How an import runs, in memory that does not grow with its files.
//!
//! The files are read through once to count their rows (and see whether
//! a dump's history comes with them), then once per pass, a row at a
//! time: what claims refer to first (a dump's header, sources, speakers,
//! and the lines that are no record, which are refused), then claims, then
//! a dump's versions. Rows are applied in batches; what is kept of each
//! is its report (`Reporter`, which lists a bounded number of rows and
//! counts them all).
//!
//! How the batches commit depends on the import:
//! - partial: each batch is a transaction of its own, so killing the
//!   import leaves whole batches;
//! - all or nothing (and dry runs), within one batch, or on an engine
//!   whose transactions are not held in memory (PostgreSQL; the memory
//!   engine, which is memory): one transaction over every pass;
//! - all or nothing, larger, on sled: the engine's undoable writes
//!   ([`crate::store::Maintenance::begin_undoable`]): each batch commits
//!   with a journal of what it overwrote; a refused row, a dry run or an
//!   error undoes them all, and a crash before the end is undone when the
//!   database next opens. Other readers in this process (a server's) may
//!   see the batches before the end.
//!
//! The writer's lock is held from the first batch to the last, so no
//! other write lands between batches.

use std::collections::BTreeMap;
use std::time::Instant;

use super::input::Input;
use super::read::Row;
use super::read_ahead;
use super::report::{ImportReport, Outcome, RowReport, Tally, MAX_LISTED_ROWS};
use super::{apply, ImportOptions, PARTIAL_BATCH_ROWS};
use crate::db::{Db, Writer};
use crate::error::{Error, Result};

/// The passes, by the kinds of row each applies.
const PASSES: [&[&str]; 3] = [
    &["dump", "source", "speaker", "row"],
    &["claim"],
    &["version"],
];

/// What the first read through the files found.
struct Survey {
    rows: usize,
    versions: usize,
}

fn survey(inputs: &[Input]) -> Result<Survey> {
    let mut survey = Survey {
        rows: 0,
        versions: 0,
    };
    for input in inputs {
        for kind in input.kinds()? {
            survey.rows += 1;
            survey.versions += usize::from(kind == "version");
        }
    }
    Ok(survey)
}

/// The rows as they are applied: pass by pass, file by file, each with
/// the number of its file.
fn in_order<'i>(inputs: &'i [Input<'i>]) -> impl Iterator<Item = Result<(usize, Row)>> + 'i {
    PASSES.iter().flat_map(move |&kinds| {
        inputs
            .iter()
            .enumerate()
            .flat_map(move |(n, input)| match input.rows(Some(kinds)) {
                Ok(rows) => Box::new(rows.map(move |row| Ok((n, row))))
                    as Box<dyn Iterator<Item = Result<(usize, Row)>>>,
                Err(e) => Box::new(std::iter::once(Err(e))),
            })
    })
}

/// The reports of the rows applied: every row counted, a bounded number
/// listed.
struct Reporter {
    tallies: BTreeMap<(String, Outcome), u64>,
    /// Listed rows, with the number of their file (to sort them back into
    /// file order).
    listed: Vec<(usize, RowReport)>,
    unlisted: u64,
    done: usize,
    total: usize,
    progress: Option<super::Progress>,
}

impl Reporter {
    fn add(&mut self, file: usize, row: RowReport) {
        *self
            .tallies
            .entry((row.kind.clone(), row.outcome))
            .or_default() += 1;
        let telling =
            row.outcome != Outcome::Added || row.message.as_deref().is_some_and(|m| !m.is_empty());
        let room = if telling {
            2 * MAX_LISTED_ROWS
        } else {
            MAX_LISTED_ROWS
        };
        if self.listed.len() < room {
            self.listed.push((file, row));
        } else {
            self.unlisted += 1;
        }
        self.done += 1;
        if self.done.is_multiple_of(256) {
            self.tell();
        }
    }

    fn refused(&self) -> bool {
        self.tallies
            .iter()
            .any(|((_, outcome), n)| *outcome == Outcome::Refused && *n > 0)
    }

    fn tell(&self) {
        if let Some(p) = &self.progress {
            (p.0)(self.done, self.total);
        }
    }

    fn report(mut self, written: bool, dry_run: bool, started: Instant) -> ImportReport {
        self.tell();
        // Passes apply rows out of file order; the report is in file order
        // (a stable sort keeps the order within a line).
        self.listed.sort_by_key(|(file, row)| (*file, row.line));
        ImportReport {
            rows: self.listed.into_iter().map(|(_, row)| row).collect(),
            tallies: self
                .tallies
                .into_iter()
                .map(|((kind, outcome), rows)| Tally {
                    kind,
                    outcome,
                    rows,
                })
                .collect(),
            unlisted: self.unlisted,
            written,
            dry_run,
            seconds: started.elapsed().as_secs_f64(),
        }
    }
}

/// How the import's batches commit (see the module documentation).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Commits {
    OneTransaction,
    EachBatch,
    Undoable,
}

/// Imports `inputs` into `db` (see the module documentation).
pub(super) fn run(
    db: &Db,
    inputs: &[Input],
    options: &ImportOptions,
    started: Instant,
) -> Result<ImportReport> {
    let survey = survey(inputs)?;
    let _writing = db.write_lock();
    // A dump's history is restored only into a database that holds nothing.
    let restoring = survey.versions > 0 && db.view()?.is_empty()?;
    let batch = options.batch_rows.unwrap_or(PARTIAL_BATCH_ROWS).max(1);
    let commits = if options.partial && !options.dry_run {
        Commits::EachBatch
    } else if survey.rows > batch && db.engine().begin_undoable()? {
        Commits::Undoable
    } else {
        Commits::OneTransaction
    };
    let mut reporter = Reporter {
        tallies: BTreeMap::new(),
        listed: Vec::new(),
        unlisted: 0,
        done: 0,
        total: survey.rows,
        progress: options.progress.clone(),
    };
    let written = match commits {
        Commits::OneTransaction => one_transaction(db, inputs, options, restoring, &mut reporter)?,
        Commits::EachBatch => batches(db, inputs, batch, restoring, &mut reporter)?,
        Commits::Undoable => {
            let result = batches(db, inputs, batch, restoring, &mut reporter);
            let keep = result.is_ok() && !options.dry_run && !reporter.refused();
            // Undone on an error too; if the undoing fails, the next open
            // undoes the rest.
            let ended = db.engine().end_undoable(keep);
            result?;
            ended?;
            keep
        }
    };
    // An empty import writes nothing, and has nothing to refuse.
    let written = written || (survey.rows == 0 && !options.dry_run);
    Ok(reporter.report(written, options.dry_run, started))
}

/// Runs `f` as a write (the writer's lock held by the caller), with the
/// history of a dump restored when `restoring`.
fn write(db: &Db, restoring: bool, f: impl FnMut(&mut Writer) -> Result<()>) -> Result<()> {
    if restoring {
        crate::db::restoring_history(|| db.write_locked(f))
    } else {
        db.write_locked(f)
    }
}

/// Every row in one transaction: whether it was written.
fn one_transaction(
    db: &Db,
    inputs: &[Input],
    options: &ImportOptions,
    restoring: bool,
    reporter: &mut Reporter,
) -> Result<bool> {
    let result = write(db, restoring, |w| {
        // A run again after a conflict starts over (`Db::write`).
        reporter.tallies.clear();
        reporter.listed.clear();
        reporter.unlisted = 0;
        reporter.done = 0;
        for row in in_order(inputs) {
            let (file, row) = row?;
            reporter.add(file, apply(w, &row, restoring)?);
        }
        if options.dry_run || (reporter.refused() && !options.partial) {
            // Dropping the transaction is how nothing gets written.
            return Err(Error::Cancelled);
        }
        Ok(())
    });
    match result {
        Ok(()) => Ok(true),
        Err(Error::Cancelled) => Ok(false),
        Err(e) => Err(e),
    }
}

/// The rows in batches of `batch`, each its own transaction, read a
/// batch ahead (`read_ahead.rs`): whether any was written.
fn batches(
    db: &Db,
    inputs: &[Input],
    batch: usize,
    restoring: bool,
    reporter: &mut Reporter,
) -> Result<bool> {
    let mut written = false;
    read_ahead::in_batches(
        db,
        || in_order(inputs),
        batch,
        |mut rows| {
            let mut reports = Vec::with_capacity(rows.len());
            write(db, restoring, |w| {
                // A run again after a conflict starts over (`Db::write`), its
                // rows checked here (the checks ahead were taken by the first).
                reports.clear();
                for ahead in &mut rows {
                    w.offer(ahead.prechecked.take());
                    reports.push((ahead.file, apply(w, &ahead.row, restoring)?));
                }
                Ok(())
            })?;
            written = true;
            for (file, report) in reports {
                reporter.add(file, report);
            }
            Ok(())
        },
    )?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(line: usize, outcome: Outcome, message: Option<&str>) -> RowReport {
        RowReport {
            file: "f.jsonl".into(),
            line,
            kind: "claim".into(),
            outcome,
            id: None,
            message: message.map(str::to_string),
            findings: Vec::new(),
        }
    }

    /// Every row is counted; plain rows are listed up to the limit, rows
    /// with something to say up to twice it, the rest only counted.
    #[test]
    fn a_report_lists_a_bounded_number_of_rows() {
        let mut reporter = Reporter {
            tallies: BTreeMap::new(),
            listed: Vec::new(),
            unlisted: 0,
            done: 0,
            total: 0,
            progress: None,
        };
        let n = 3 * MAX_LISTED_ROWS;
        for line in 1..=n {
            reporter.add(0, row(line, Outcome::Added, None));
        }
        for line in n + 1..=2 * n {
            reporter.add(0, row(line, Outcome::Refused, Some("no")));
        }
        let report = reporter.report(true, false, Instant::now());
        assert_eq!(report.count(Outcome::Added), n);
        assert_eq!(report.count(Outcome::Refused), n);
        assert_eq!(report.rows.len(), 2 * MAX_LISTED_ROWS);
        let refused = report.rows.iter().filter(|r| r.outcome == Outcome::Refused);
        assert_eq!(refused.count(), MAX_LISTED_ROWS);
        assert_eq!(report.unlisted as usize, 4 * MAX_LISTED_ROWS);
    }
}
