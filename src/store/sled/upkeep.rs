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

/// How many bytes of entries a restore writes per commit. sled frees the
/// copies of the leaves a commit rewrites only when the commit ends, and a
/// restore's entries rewrite a leaf per few entries: at a million claims
/// (650 MB of entries), 8 MiB per commit peaked at 1.25 GiB and took 56 s,
/// 1 MiB 458 MiB and 40 s, 256 KiB 394 MiB and 38 s.
const RESTORE_BATCH_BYTES: usize = 256 << 10;

/// How many bytes of entries a restore writes between closing the
/// database and opening it again: sled keeps much of what it wrote in
/// memory until it closes. At a million claims, with commits of 256 KiB,
/// the restore's writing peaked at 387 MiB without, 273 MiB with.
const REOPEN_BYTES: usize = 64 << 20;

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
        Self::restore_in(path, backup, options, RESTORE_BATCH_BYTES, REOPEN_BYTES)
    }

    /// [`SledEngine::restore`], committing about `batch` bytes of entries
    /// at a time and closing and opening the database again after each
    /// `reopen` bytes.
    fn restore_in(
        path: &Path,
        backup: &mut dyn std::io::Read,
        options: SledOptions,
        batch: usize,
        reopen: usize,
    ) -> Result<BackupSummary> {
        if SledEngine::exists_at(path) {
            return Err(Error::Io {
                path: path.to_path_buf(),
                source: std::io::Error::other(
                    "a database is there already; restore makes a new one",
                ),
            });
        }
        let open = || {
            SledEngine::open(
                path,
                SledOptions {
                    read_only: false,
                    ..options
                },
            )
        };
        let mut engine = Some(open()?);
        let mut since_open = 0;
        let summary = crate::store::kv::backup::read(backup, batch, &mut |entries| {
            since_open += entries
                .iter()
                .map(|(_, k, v)| k.len() + v.len())
                .sum::<usize>();
            let writing = engine.as_ref().expect("open between batches");
            writing.apply(&Pending::of_entries(entries))?;
            if since_open >= reopen {
                writing.flush()?;
                // Closed before it is opened again: a process opens a
                // database once.
                engine = None;
                engine = Some(open()?);
                since_open = 0;
            }
            Ok(())
        })?;
        let engine = engine.expect("open after the last batch");
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Durability;

    fn options() -> SledOptions {
        SledOptions {
            durability: Durability::ProcessCrash,
            busy_timeout: std::time::Duration::from_secs(5),
            cache_bytes: 16 << 20,
            open_damaged: false,
            read_only: false,
        }
    }

    /// A restore that commits a few entries at a time and closes and opens
    /// the database again every few commits, as a large one does, gives
    /// back every entry: a backup of the restored database is the backup.
    #[test]
    fn a_restore_closed_and_opened_between_commits_gives_back_every_entry() {
        let dir = tempfile::tempdir().unwrap();
        let original = SledEngine::open(&dir.path().join("a"), options()).unwrap();
        let entries = (0..3_000u32)
            .map(|i| {
                let tree = [T::Sources, T::Versions, T::IdxWord][i as usize % 3];
                (
                    tree,
                    i.to_be_bytes().to_vec(),
                    vec![i as u8; 1 + i as usize % 200],
                )
            })
            .collect();
        original.apply(&Pending::of_entries(entries)).unwrap();
        let mut backup = Vec::new();
        original.backup(&mut backup).unwrap();
        drop(original);
        let path = dir.path().join("b");
        let summary =
            SledEngine::restore_in(&path, &mut &backup[..], options(), 4 << 10, 32 << 10).unwrap();
        assert!(summary.entries >= 3_000, "{summary:?}");
        let restored = SledEngine::open(&path, options()).unwrap();
        let mut again = Vec::new();
        restored.backup(&mut again).unwrap();
        assert!(again == backup, "the restored database differs");
    }
}
