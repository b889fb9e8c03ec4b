//! Upkeep of a sled database: the integrity check (with what only the
//! commit record knows, `commits.rs`), rebuilding what is derived,
//! accepting a loss, backups (`kv/backup.rs`) and restoring one.

use std::path::Path;

use super::{commits, SledEngine, SledOptions};
use crate::error::{Error, Result, StorageError};
use crate::store::kv::{undo, verify};
use crate::store::kv::{KvRead, Pending, T};
use crate::store::{BackupSummary, Maintenance, ReadView, VerifyReport, WriteTx};
use std::sync::atomic::Ordering;

impl Maintenance for SledEngine {
    fn verify(&self) -> Result<VerifyReport> {
        let mut report = {
            let view = self.read_records();
            verify::verify(&view)?
        };
        // What was lost whole (commits) cannot be seen in what is left:
        // only the record knows it.
        let recorded =
            commits::read(&self.files).map_err(|e| Error::Storage(StorageError::io(&e)))?;
        let found = self.committed()?;
        let damage = commits::compare(found, recorded).describe(&self.path);
        if let Some(damage) = damage {
            report.problem("commits", false, damage);
        } else if let (commits::Recorded::Mark(r), Some(f)) = (recorded, found) {
            if r.commit == f.commit && report.claims < r.claims {
                report.problem(
                    "commits",
                    false,
                    format!(
                        "the last commit left {} claims, but {} can be read: {} are lost",
                        r.claims,
                        report.claims,
                        r.claims - report.claims
                    ),
                );
            }
        }
        Ok(report)
    }

    fn backup(&self, out: &mut dyn std::io::Write) -> Result<BackupSummary> {
        let view = self.read_records();
        crate::store::kv::backup::write(&view.kv, out)
    }

    fn damage(&self) -> Option<String> {
        self.damage_slot().clone()
    }

    fn accept_loss(&self) -> Result<()> {
        self.writable()?;
        let found = self.committed()?.unwrap_or_default();
        self.record
            .reset(found)
            .map_err(|e| Error::Storage(StorageError::io(&e)))?;
        *self.damage_slot() = None;
        Ok(())
    }

    fn rebuild_derived(&self) -> Result<()> {
        // In commits of a batch each, undone whole if one fails or the
        // process dies (the undo journal an import uses).
        self.begin_undoable()?;
        let rebuilt = crate::store::kv::rebuild::Rebuild::in_steps(&mut |f| self.write_records(f))
            .and_then(|()| self.write_records(&mut |w| w.stamp_format_version()));
        self.end_undoable(rebuilt.is_ok())?;
        rebuilt
    }

    fn begin_undoable(&self) -> Result<bool> {
        // What an earlier kept run left of its journal goes first: an entry
        // left there would stand for a key's value before this run.
        self.journal_batches(undo::clear_some)?;
        self.write_records(&mut |w| undo::open(&mut w.records.kv))?;
        self.undoable.store(true, Ordering::Relaxed);
        Ok(true)
    }

    fn end_undoable(&self, keep: bool) -> Result<()> {
        self.undoable.store(false, Ordering::Relaxed);
        if keep {
            self.write_records(&mut |w| undo::close(&mut w.records.kv))?;
            self.journal_batches(undo::clear_some)
        } else {
            // The marker goes last: a crash while undoing leaves it, and
            // the next open undoes the rest.
            self.journal_batches(undo::undo_some)?;
            self.write_records(&mut |w| undo::close(&mut w.records.kv))
        }
    }
}

/// Journal entries undone or cleared per commit.
const JOURNAL_BATCH: usize = 20_000;

impl SledEngine {
    /// Runs `step` over the undo journal a commit at a time, until it
    /// finds no entry.
    fn journal_batches(
        &self,
        step: fn(&mut crate::store::kv::Overlay<'_>, usize) -> Result<usize>,
    ) -> Result<()> {
        loop {
            let mut done = 0;
            self.write_records(&mut |w| {
                done = step(&mut w.records.kv, JOURNAL_BATCH)?;
                Ok(())
            })?;
            if done == 0 {
                return Ok(());
            }
        }
    }

    /// Creates the database at `path` (which must not exist) from a
    /// backup, entry for entry, synced, its commit record starting from the
    /// commit the backup holds. A backup that is not whole fails the
    /// restore; the caller then removes `path`.
    pub fn restore(
        path: &Path,
        backup: &mut dyn std::io::Read,
        options: SledOptions,
    ) -> Result<BackupSummary> {
        if SledEngine::exists_at(path) {
            return Err(Error::Io {
                path: path.to_path_buf(),
                source: std::io::Error::other(
                    "a database is there already; restore makes a new one",
                ),
            });
        }
        let engine = SledEngine::open(
            path,
            SledOptions {
                read_only: false,
                ..options
            },
        )?;
        let summary = crate::store::kv::backup::read(backup, 8 << 20, &mut |entries| {
            engine.apply(&Pending::of_entries(entries))
        })?;
        engine.flush()?;
        let found = engine.committed()?.unwrap_or_default();
        engine
            .record
            .reset(found)
            .map_err(|e| Error::Storage(StorageError::io(&e)))?;
        Ok(summary)
    }
    /// The commit the database holds and its claim count (`None` when no
    /// commit was numbered yet: a new database, or one from before the
    /// record was kept).
    pub(super) fn committed(&self) -> Result<Option<commits::Mark>> {
        let view = self.read_records();
        let commit = view.kv.get(T::Meta, commits::META_KEY)?;
        let claims = view.claim_count()?;
        Ok(match commit {
            Some(bytes) => Some(commits::Mark {
                commit: crate::store::kv::codec::decode(&bytes, "commit number")?,
                claims,
            }),
            None if claims > 0 => Some(commits::Mark { commit: 0, claims }),
            None => None,
        })
    }
}
