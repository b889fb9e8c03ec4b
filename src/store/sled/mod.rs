//! The sled engine: claimdb's trees in an embedded sled database on disk.
//!
//! sled gives ordered trees and atomic multi-tree transactions; it does not
//! give read snapshots (an iterator sees writes made while it runs), and its
//! `flush` neither fsyncs nor survives a failed write. This file builds the
//! rest: a reader/writer lock makes every read view a consistent state (a
//! commit waits for the readers of the moment and readers wait for a
//! commit, so no reader meets half a transaction or an index entry whose
//! claim was just removed); every commit is one sled transaction, flushed
//! and synced (`durability.rs`) before it returns; opening handles locks,
//! the busy timeout and unfinished snapshots (`open.rs`); and a failed
//! engine is never waited on again.

pub(crate) mod durability;
mod open;

use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{RwLock, RwLockReadGuard};
use std::time::Duration;

use super::kv::records::{RecordWriter, Records};
use super::kv::verify;
use super::kv::{crossed, Entries, Entry, KvRead, Pending, T, TREES};
use super::{Engine, Maintenance, ReadView, VerifyReport, WriteTx};
use crate::error::{is_disk_full, Error, Result, StorageError, StorageErrorKind};
use durability::{Durability, Syncer};

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
}

/// An open sled database with claimdb's trees.
pub struct SledEngine {
    /// `None` only while dropping.
    db: Option<sled::Db>,
    trees: Vec<sled::Tree>,
    path: PathBuf,
    syncer: Option<Syncer>,
    /// Readers hold it shared for a statement; a commit holds it alone.
    isolation: RwLock<()>,
    /// Set when the engine failed to write (see `Drop`).
    failed: AtomicBool,
    _registration: open::Registration,
}

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
        }
    }
}

impl SledEngine {
    /// Whether a sled database lives at `path`: its files are there.
    pub fn exists_at(path: &Path) -> bool {
        path.join("conf").exists() || path.join("db").exists()
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

    /// Opens (creating if needed) the sled database at `path`.
    pub fn open(path: &Path, options: SledOptions) -> Result<SledEngine> {
        // A failure of an earlier handle no longer matters once none is open.
        let registration = open::register(path, || ENGINE_FAILED.store(false, Ordering::Relaxed))?;
        let db = open::with_busy_timeout(path, options.busy_timeout, || {
            open::remove_unfinished_snapshots(path)?;
            sled::Config::new()
                .path(path)
                .cache_capacity(options.cache_bytes)
                .open()
                .map_err(|e| open_error(path, e))
        })?;
        let trees = TREES
            .iter()
            .map(|t| db.open_tree(t.name()))
            .collect::<sled::Result<Vec<_>>>()?;
        let syncer = match options.durability {
            Durability::PowerLoss => {
                Some(Syncer::new(path).map_err(|e| Error::Storage(StorageError::io(&e)))?)
            }
            Durability::ProcessCrash => None,
        };
        Ok(SledEngine {
            db: Some(db),
            trees,
            path: path.to_path_buf(),
            syncer,
            isolation: RwLock::new(()),
            failed: AtomicBool::new(false),
            _registration: registration,
        })
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
            .sled()
            .flush()
            .map_err(Error::from)
            .and_then(|_| match &self.syncer {
                Some(s) => s.sync().map_err(|e| Error::Storage(StorageError::io(&e))),
                None => Ok(()),
            });
        self.failing(result.map(|_| ()))
    }

    /// Applies a transaction's changes as one sled transaction.
    fn apply(&self, pending: &Pending) -> Result<()> {
        use sled::transaction::{TransactionError, Transactional};
        let result = self.trees.as_slice().transaction(|trees| {
            for (tree, key, change) in pending.changes() {
                let t = &trees[tree as usize];
                match change {
                    Some(value) => t.insert(key, value)?,
                    None => t.remove(key)?,
                };
            }
            Ok::<(), sled::transaction::ConflictableTransactionError<Error>>(())
        });
        self.failing(match result {
            Ok(()) => Ok(()),
            Err(TransactionError::Abort(e)) => Err(e),
            Err(TransactionError::Storage(e)) => Err(e.into()),
        })
    }
}

thread_local! {
    /// Read views this thread holds: a commit from the same thread would
    /// wait for them forever.
    static VIEWS_HELD: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// sled's trees as a key-value view, with the lock that keeps it consistent.
struct SledView<'a> {
    engine: &'a SledEngine,
    _shared: Option<RwLockReadGuard<'a, ()>>,
}

impl Drop for SledView<'_> {
    fn drop(&mut self) {
        if self._shared.is_some() {
            VIEWS_HELD.with(|n| n.set(n.get().saturating_sub(1)));
        }
    }
}

impl KvRead for SledView<'_> {
    fn get(&self, tree: T, key: &[u8]) -> Result<Option<Vec<u8>>> {
        Ok(self.engine.tree(tree).get(key)?.map(|v| v.to_vec()))
    }

    fn range(&self, tree: T, from: Bound<Vec<u8>>, to: Bound<Vec<u8>>) -> Entries<'_> {
        Box::new(
            self.engine
                .tree(tree)
                .range::<Vec<u8>, _>((from, to))
                .map(|e| {
                    let (k, v) = e?;
                    Ok((k.to_vec(), v.to_vec()))
                }),
        )
    }

    fn last_entry(&self, tree: T, from: Bound<&[u8]>, to: Bound<&[u8]>) -> Result<Option<Entry>> {
        if crossed(from, to) {
            return Ok(None);
        }
        let mut range = self.engine.tree(tree).range::<&[u8], _>((from, to));
        Ok(range
            .next_back()
            .transpose()?
            .map(|(k, v)| (k.to_vec(), v.to_vec())))
    }

    fn first_entry(&self, tree: T, from: Bound<&[u8]>, to: Bound<&[u8]>) -> Result<Option<Entry>> {
        if crossed(from, to) {
            return Ok(None);
        }
        let mut range = self.engine.tree(tree).range::<&[u8], _>((from, to));
        Ok(range
            .next()
            .transpose()?
            .map(|(k, v)| (k.to_vec(), v.to_vec())))
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

impl Maintenance for SledEngine {
    fn verify(&self) -> Result<VerifyReport> {
        let view = self.read_records();
        verify::verify(&view)
    }

    fn rebuild_derived(&self) -> Result<()> {
        self.write_records(&mut |w| {
            verify::rebuild(w)?;
            w.stamp_format_version()
        })
    }
}

impl SledEngine {
    /// Runs `f` as one transaction over the records, commits it whole and
    /// flushes it before returning.
    fn write_records(&self, f: &mut dyn FnMut(&mut RecordWriter) -> Result<()>) -> Result<()> {
        if VIEWS_HELD.with(|n| n.get()) > 0 {
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
        f(&mut writer)?;
        let pending = writer.records.kv.into_pending();
        if pending.is_empty() {
            return Ok(());
        }
        let _alone = self
            .isolation
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        self.apply(&pending)?;
        self.flush()
    }

    /// A consistent view of the records (see [`Engine::read`]).
    fn read_records(&self) -> Records<SledView<'_>> {
        let shared = self
            .isolation
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        VIEWS_HELD.with(|n| n.set(n.get() + 1));
        Records {
            kv: SledView {
                engine: self,
                _shared: Some(shared),
            },
        }
    }
}

fn open_error(path: &Path, e: sled::Error) -> Error {
    match e {
        sled::Error::Io(io) if io.to_string().contains("could not acquire lock") => Error::Locked {
            path: path.to_path_buf(),
            waited_ms: 0,
        },
        sled::Error::Io(io) if is_disk_full(&io) => Error::Storage(StorageError::io(&io)),
        sled::Error::Io(io) => Error::Io {
            path: path.to_path_buf(),
            source: io,
        },
        other => other.into(),
    }
}

/// sled's errors in engine-neutral words (its own `Display` prints Rust
/// debug text such as `file offset None backtrace ()`).
impl From<sled::Error> for Error {
    fn from(e: sled::Error) -> Error {
        if !matches!(
            e,
            sled::Error::CollectionNotFound(_) | sled::Error::Unsupported(_)
        ) {
            ENGINE_FAILED.store(true, Ordering::Relaxed);
        }
        Error::Storage(match e {
            sled::Error::Io(io) => StorageError::io(&io),
            sled::Error::Corruption { .. } => StorageError::new(
                StorageErrorKind::Corrupt,
                "the database files are damaged or incomplete (the engine read corrupted data)",
            ),
            sled::Error::CollectionNotFound(name) => StorageError::new(
                StorageErrorKind::Corrupt,
                format!("a tree is missing: {}", String::from_utf8_lossy(&name)),
            ),
            sled::Error::Unsupported(what) => StorageError::new(StorageErrorKind::Other, what),
            sled::Error::ReportableBug(what) => StorageError::new(
                StorageErrorKind::Other,
                format!("the storage engine failed: {what}"),
            ),
        })
    }
}

impl From<sled::transaction::UnabortableTransactionError> for Error {
    fn from(e: sled::transaction::UnabortableTransactionError) -> Error {
        match e {
            sled::transaction::UnabortableTransactionError::Storage(e) => e.into(),
            sled::transaction::UnabortableTransactionError::Conflict => {
                Error::Storage(StorageError::new(
                    StorageErrorKind::Other,
                    "a transaction conflicted with another",
                ))
            }
        }
    }
}
