//! The sled engine: claimdb's trees in an embedded sled database on disk.
//!
//! sled gives ordered trees and atomic multi-tree transactions; it does not
//! give read snapshots (an iterator sees writes made while it runs), and its
//! `flush` neither fsyncs nor survives a failed write. This file builds the
//! rest: a reader/writer lock makes every read view a consistent state (a
//! commit waits for the readers of the moment and readers wait for a
//! commit, so no reader meets half a transaction or an index entry whose
//! claim was just removed); every commit is one sled transaction, flushed
//! and synced (`durability.rs`) before it returns, numbered, and recorded
//! beside sled so that a database shorter than it was is refused
//! (`commits.rs`); opening handles locks, the busy timeout and unfinished
//! snapshots (`open.rs`), or reads a private copy (`read_only.rs`); sled's
//! panics come back as damage (`guard.rs`), its errors in claimdb's words
//! (`errors.rs`); reads go through a view holding the lock (`view.rs`);
//! upkeep (verify, repair, backup, restore) is `upkeep.rs`; and a failed
//! engine is never waited on again.

mod commits;
pub(crate) mod durability;
mod errors;
mod guard;
mod open;
mod read_only;
mod upkeep;
mod view;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::RwLock;
use std::time::Duration;

use super::kv::records::RecordWriter;
use super::kv::speaker_cache::SpeakerCache;
use super::kv::{KvRead, KvWrite, Pending, T, TREES};
use super::{Engine, ReadView, WriteTx};
use crate::error::{Error, Result, StorageError, StorageErrorKind};
use durability::{Durability, Syncer};
use errors::open_error;
use view::{SledView, VIEWS_HELD};

/// How long closing a sled handle may take before claimdb stops waiting.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(3);

/// Set once sled has failed to read or write in this process (a full disk,
/// an I/O error, damaged files). sled then marks its log broken, and its
/// `flush` (also the one it runs when a handle is dropped) waits forever for
/// writes that will never become stable; so from then on claimdb neither
/// flushes nor closes a sled handle. sled's errors surface through this
/// conversion from any call, reads included (sled writes while it reads,
/// consolidating pages), hence one flag for the process: it costs at most a
/// leaked handle and refused writes until the next open, never a reported
/// write, since each was flushed before it was reported.
static ENGINE_FAILED: AtomicBool = AtomicBool::new(false);

/// Notes that sled failed in this process (see [`ENGINE_FAILED`]).
fn engine_failed() {
    ENGINE_FAILED.store(true, Ordering::Relaxed);
}

/// How [`SledEngine::open`] behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SledOptions {
    /// What a reported write survives.
    pub durability: Durability,
    /// How long to wait for another process that has the database open.
    pub busy_timeout: Duration,
    /// sled's page cache, in bytes. (sled's own default, 1 GiB, is far more
    /// than claimdb needs, and its real memory use can be several times
    /// the setting: TECH-NOTES.)
    pub cache_bytes: u64,
    /// Open a database even when it is behind its commit record (it lost
    /// commits), so that `verify` can say what is missing and the loss can
    /// be accepted. Every other open refuses such a database.
    pub open_damaged: bool,
    /// Read a private copy of the files and refuse every write
    /// (`read_only.rs`): the database itself is neither locked nor changed.
    pub read_only: bool,
}

/// An open sled database with claimdb's trees.
pub struct SledEngine {
    /// `None` only while dropping.
    db: Option<sled::Db>,
    trees: Vec<sled::Tree>,
    /// The database's path, as messages name it.
    path: PathBuf,
    /// Where its files are: `path`, or a read-only open's copy.
    files: PathBuf,
    /// A read-only open's copy, removed when the engine is dropped (after
    /// sled's handle: fields drop in order, and `db` is taken in `drop`).
    _copy: Option<tempfile::TempDir>,
    syncer: Option<Syncer>,
    /// Readers hold it shared for a statement; a commit holds it alone.
    isolation: RwLock<()>,
    /// Speakers read, kept between statements; cleared by a commit that
    /// changes a speaker (`apply`).
    pub(super) speakers: SpeakerCache,
    /// Set when the engine failed to write (see `Drop`).
    failed: AtomicBool,
    /// Every write is refused.
    read_only: bool,
    /// The record of durable commits (`commits.rs`).
    record: commits::Record,
    /// What the database lost, when opened with `open_damaged` although it
    /// lost commits: while set, no commit is recorded (a repair must not
    /// make the record agree with a loss).
    damage: std::sync::Mutex<Option<String>>,
    /// Set while an undoable run of writes is open (`kv/undo.rs`): each
    /// commit journals what it overwrites.
    undoable: AtomicBool,
    /// Bytes this handle committed: past [`SETTLE_BYTES`], closing it
    /// opens the files once more (see `Drop`).
    written: std::sync::atomic::AtomicU64,
    cache_bytes: u64,
    _registration: open::Registration,
}

/// Written past this, a handle is settled when it closes: sled replays
/// its log on the first open after many writes (seconds at a million
/// claims) and then writes a snapshot that later opens start from; the
/// process that wrote pays that, not the next one to read.
const SETTLE_BYTES: u64 = 64 << 20;

impl std::fmt::Debug for SledEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SledEngine")
            .field("path", &self.path)
            .finish()
    }
}

impl Drop for SledEngine {
    fn drop(&mut self) {
        let Some(db) = self.db.take() else { return };
        // After a failed write (a full disk), closing sled waits for its
        // flusher, which can wait forever: the process would hang on exit.
        // sled also writes in the background and while it reads, so a
        // handle can be stuck even when no call of ours failed. Every write
        // that was reported had been flushed and synced already, so nothing
        // is lost by not waiting: the handle is closed on a thread of its
        // own, and left there if closing takes longer than CLOSE_TIMEOUT.
        if self.failed.load(Ordering::Relaxed) || ENGINE_FAILED.load(Ordering::Relaxed) {
            std::mem::forget(db);
            return;
        }
        let trees = std::mem::take(&mut self.trees);
        let (done, closed) = std::sync::mpsc::channel();
        let closing = std::thread::Builder::new()
            .name("claimdb-close".into())
            .spawn(move || {
                drop(trees);
                drop(db);
                let _ = done.send(());
            });
        if closing.is_ok() && closed.recv_timeout(CLOSE_TIMEOUT).is_err() {
            ENGINE_FAILED.store(true, Ordering::Relaxed);
            return;
        }
        if self.written.load(Ordering::Relaxed) > SETTLE_BYTES && !self.read_only {
            // Opened and closed again: sled replays its log now and writes
            // its snapshot. Nothing is written to claimdb's trees.
            let config = sled::Config::new()
                .path(&self.files)
                .cache_capacity(self.cache_bytes);
            let _ = guard::guarded(&self.path, || config.open().map_err(Error::from));
        }
    }
}

impl SledEngine {
    /// Whether a sled database lives at `path`: its files are there.
    pub fn exists_at(path: &Path) -> bool {
        ["conf", "db", commits::FILE]
            .iter()
            .any(|file| path.join(file).exists())
    }

    /// Whether a process (this one or another) has the database at `path`
    /// open.
    pub fn in_use(path: &Path) -> bool {
        open::held(path)
    }

    /// Waits, up to `timeout`, until no process holds the database at
    /// `path` (sled's threads hold its file a moment after a handle
    /// closes); [`Error::Locked`] after that.
    pub fn wait_until_free(path: &Path, timeout: Duration) -> Result<()> {
        open::with_busy_timeout(path, timeout, || match open::held(path) {
            true => Err(Error::Locked {
                path: path.to_path_buf(),
                waited_ms: 0,
            }),
            false => Ok(()),
        })
    }

    /// Refuses a path a database cannot be opened or created at: a file, a
    /// folder that holds other things (sled writes its files into whatever
    /// folder it is given), or one whose parent is missing (unless
    /// `create_parents`).
    pub fn check_path(path: &Path, create_parents: bool) -> Result<()> {
        if path.is_file() {
            return Err(Error::Io {
                path: path.to_path_buf(),
                source: std::io::Error::other("is a file, not a claimdb database directory"),
            });
        }
        // sled writes its files into whatever directory it is given: never
        // into a folder of someone's documents mistaken for a database.
        if path.is_dir() && !SledEngine::exists_at(path) {
            let has_entries = std::fs::read_dir(path)
                .map_err(|source| Error::Io {
                    path: path.to_path_buf(),
                    source,
                })?
                .next()
                .is_some();
            if has_entries {
                return Err(Error::Io {
                path: path.to_path_buf(),
                source: std::io::Error::other("is a directory that does not hold a claimdb database; refusing to write into it"),
            });
            }
        }
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            if !parent.is_dir() && !create_parents {
                return Err(Error::Io {
                    path: parent.to_path_buf(),
                    source: std::io::Error::other(
                        "no such folder (claimdb creates a database, not the folders above it)",
                    ),
                });
            }
        }
        Ok(())
    }

    /// Opens (creating if needed) the sled database at `path`, and refuses
    /// it when it holds fewer commits than were reported done.
    pub fn open(path: &Path, options: SledOptions) -> Result<SledEngine> {
        if !options.read_only {
            return SledEngine::open_files(path, path, None, options);
        }
        // A copy caught mid-commit reads as damaged: take it again.
        let mut attempt = 0;
        loop {
            let copy = read_only::copy(path)?;
            let files = copy.path().to_path_buf();
            let options = SledOptions {
                durability: Durability::ProcessCrash,
                ..options
            };
            match SledEngine::open_files(path, &files, Some(copy), options) {
                Err(Error::Storage(e)) if e.kind == StorageErrorKind::Corrupt && attempt < 2 => {
                    attempt += 1;
                }
                done => return done,
            }
        }
    }

    /// Opens the sled files in `files` as the database called `path`.
    fn open_files(
        path: &Path,
        files: &Path,
        copy: Option<tempfile::TempDir>,
        options: SledOptions,
    ) -> Result<SledEngine> {
        // A failure of an earlier handle no longer matters once none is open.
        let registration = open::register(path, || ENGINE_FAILED.store(false, Ordering::Relaxed))?;
        let db = open::with_busy_timeout(path, options.busy_timeout, || {
            open::remove_unfinished_snapshots(files)?;
            guard::guarded(path, || {
                sled::Config::new()
                    .path(files)
                    .cache_capacity(options.cache_bytes)
                    .open()
                    .map_err(|e| open_error(path, e))
            })
        })?;
        let trees = guard::guarded(path, || {
            TREES
                .iter()
                .map(|t| db.open_tree(t.name()).map_err(Error::from))
                .collect::<Result<Vec<_>>>()
        })?;
        let io = |e: std::io::Error| Error::Storage(StorageError::io(&e));
        let sync = options.durability == Durability::PowerLoss;
        let recorded = commits::read(files).map_err(io)?;
        let record = commits::Record::open(files, sync).map_err(io)?;
        let syncer = match options.durability {
            Durability::PowerLoss => Some(Syncer::new(files).map_err(io)?),
            Durability::ProcessCrash => None,
        };
        let engine = SledEngine {
            db: Some(db),
            trees,
            path: path.to_path_buf(),
            files: files.to_path_buf(),
            _copy: copy,
            read_only: options.read_only,
            syncer,
            isolation: RwLock::new(()),
            speakers: SpeakerCache::default(),
            failed: AtomicBool::new(false),
            record,
            damage: std::sync::Mutex::new(None),
            undoable: AtomicBool::new(false),
            written: std::sync::atomic::AtomicU64::new(0),
            cache_bytes: options.cache_bytes,
            _registration: registration,
        };
        let found = engine.committed()?;
        match commits::compare(found, recorded).describe(path) {
            None => {
                // One commit ahead of the record (killed between the two),
                // or a database the record starts with.
                let found = found.unwrap_or_default();
                if recorded != commits::Recorded::Mark(found) {
                    engine.record.write(found).map_err(io)?;
                }
            }
            Some(damage) if options.open_damaged => *engine.damage_slot() = Some(damage),
            Some(damage) => {
                return Err(Error::Storage(StorageError::new(
                    StorageErrorKind::Corrupt,
                    damage,
                )))
            }
        }
        // An all-or-nothing import that a crash cut short is undone before
        // anything reads the database.
        if !options.read_only && engine.damage_slot().is_none() {
            let open = super::kv::undo::is_open(&SledView {
                engine: &engine,
                _shared: None,
            })?;
            if open {
                super::Maintenance::end_undoable(&engine, false)?;
            }
        }
        Ok(engine)
    }

    /// Refuses a write to a database opened read-only.
    fn writable(&self) -> Result<()> {
        if self.read_only {
            return Err(Error::Invalid {
                what: "write",
                message: format!(
                    "{} is open read-only (--read-only): nothing is written",
                    self.path.display()
                ),
            });
        }
        Ok(())
    }

    /// Runs a call into sled, a panic in it returned as damage (`guard.rs`).
    fn guarded<A>(&self, f: impl FnOnce() -> Result<A>) -> Result<A> {
        guard::guarded(&self.path, f)
    }

    fn damage_slot(&self) -> std::sync::MutexGuard<'_, Option<String>> {
        self.damage
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn sled(&self) -> &sled::Db {
        self.db
            .as_ref()
            .expect("the sled handle is taken only in drop")
    }

    fn tree(&self, t: T) -> &sled::Tree {
        &self.trees[t as usize]
    }

    /// Notes a failed write (see `Drop`) and passes the error on.
    fn failing<A>(&self, result: Result<A>) -> Result<A> {
        if let Err(Error::Storage(_)) = &result {
            self.failed.store(true, Ordering::Relaxed);
        }
        result
    }

    /// Writes everything to disk, and with [`Durability::PowerLoss`] syncs it.
    fn flush(&self) -> Result<()> {
        if ENGINE_FAILED.load(Ordering::Relaxed) {
            // sled's flush waits forever for a log that failed to write.
            self.failed.store(true, Ordering::Relaxed);
            return Err(Error::Storage(StorageError::new(
                StorageErrorKind::Io,
                "the storage engine failed to write earlier in this process; \
                 nothing more is written until the database is opened again",
            )));
        }
        let result = self
            .guarded(|| self.sled().flush().map_err(Error::from))
            .and_then(|_| match &self.syncer {
                Some(s) => s.sync().map_err(|e| Error::Storage(StorageError::io(&e))),
                None => Ok(()),
            });
        self.failing(result.map(|_| ()))
    }

    /// Applies a transaction's changes as one sled transaction. The
    /// caller keeps readers out (a commit holds the isolation lock alone; a
    /// restore's engine has none yet), so the speakers kept for them are
    /// forgotten here when the changes touch a speaker's record (the only
    /// tree the cache reads).
    fn apply(&self, pending: &Pending) -> Result<()> {
        use sled::transaction::{TransactionError, Transactional};
        if pending.touches(T::Speakers) {
            self.speakers.clear();
        }
        let result = self.guarded(|| {
            Ok(self.trees.as_slice().transaction(|trees| {
                for (tree, key, change) in pending.changes() {
                    let t = &trees[tree as usize];
                    match change {
                        Some(value) => t.insert(key, value)?,
                        None => t.remove(key)?,
                    };
                }
                Ok::<(), sled::transaction::ConflictableTransactionError<Error>>(())
            }))
        })?;
        self.failing(match result {
            Ok(()) => Ok(()),
            Err(TransactionError::Abort(e)) => Err(e),
            Err(TransactionError::Storage(e)) => Err(e.into()),
        })
    }
}

impl Engine for SledEngine {
    fn read(&self) -> Result<Box<dyn ReadView + '_>> {
        Ok(Box::new(self.read_records()))
    }

    fn write(&self, f: &mut dyn FnMut(&mut dyn WriteTx) -> Result<()>) -> Result<()> {
        self.write_records(&mut |w| f(w))
    }

    fn path(&self) -> Option<&Path> {
        Some(&self.path)
    }

    fn name(&self) -> &'static str {
        "sled"
    }
}

impl SledEngine {
    /// Runs `f` as one transaction over the records, commits it whole and
    /// flushes it before returning.
    fn write_records(&self, f: &mut dyn FnMut(&mut RecordWriter) -> Result<()>) -> Result<()> {
        self.writable()?;
        let me = self as *const SledEngine as usize;
        if VIEWS_HELD.with(|held| held.borrow().contains(&me)) {
            return Err(Error::invalid(
                "write",
                "this thread holds a snapshot of the database: drop it before writing",
            ));
        }
        // Writers are serialized above (Db holds a mutex), and readers do not
        // change anything: the base is stable while `f` runs.
        let base = SledView {
            engine: self,
            _shared: None,
        };
        let mut writer = RecordWriter::new(&base);
        let undoable = self.undoable.load(Ordering::Relaxed);
        if undoable {
            // What the journal needs, mostly read by `f` already.
            writer.records.kv.keep_base_reads();
        }
        f(&mut writer)?;
        if undoable {
            super::kv::undo::journal(&mut writer.records.kv, &[commits::META_KEY])?;
        }
        if writer.records.kv.is_unchanged() {
            return Ok(());
        }
        // Number the commit inside it, and note the claims it leaves, for
        // the record written once it is durable.
        let commit = match base.get(T::Meta, commits::META_KEY)? {
            Some(bytes) => super::kv::codec::decode::<u64>(&bytes, "commit number")? + 1,
            None => 1,
        };
        let mark = commits::Mark {
            commit,
            claims: writer.records.claim_count()?,
        };
        // A database that lost commits keeps its number while it is
        // repaired: counting on from it would reach the numbers of the lost
        // commits and make the record agree with the loss.
        let damaged = self.damage_slot().is_some();
        if !damaged {
            writer.records.kv.insert(
                T::Meta,
                commits::META_KEY.to_vec(),
                super::kv::codec::encode(&commit)?,
            )?;
        }
        let pending = writer.records.kv.into_pending()?;

        let _alone = self
            .isolation
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        self.apply(&pending)?;
        self.flush()?;
        let bytes: usize = pending
            .changes()
            .map(|(_, key, value)| key.len() + value.map_or(0, <[u8]>::len))
            .sum();
        self.written.fetch_add(bytes as u64, Ordering::Relaxed);
        if !damaged {
            // The commit is durable: a record that fails to keep up only
            // leaves the database ahead of it, which is never read as loss.
            if self.record.write(mark).is_err() {
                self.failed.store(true, Ordering::Relaxed);
            }
        }
        Ok(())
    }
}
