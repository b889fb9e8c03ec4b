//! Storage on sled: trees, keys, values and index upkeep.
//!
//! This layer knows records and indexes, nothing of the query language and
//! nothing of citation rules; those live above it. The layout:
//!
//! | tree | key | value |
//! |---|---|---|
//! | `meta` | name | format version, id counters |
//! | `claims` | claim id (u64 BE) | [`Claim`] |
//! | `sources` | source id | [`Source`] (without its text) |
//! | `source_text` | source id | the text, raw UTF-8 |
//! | `speakers` | speaker id (u64 BE) | [`Speaker`] |
//! | `speaker_names` | folded name or alias | speaker id |
//! | `idx_speaker` | speaker id ++ claim id | empty |
//! | `idx_source` | source id ++ claim id | empty |
//! | `idx_origin` | origin id ++ claim id | empty |
//! | `idx_confidence` | confidence (u16, ten-thousandths) ++ claim id | empty |
//! | `idx_status` | status byte ++ claim id | empty |
//! | `idx_tag` | tag ++ claim id | empty |
//!
//! Reads go straight to the trees. Writes go through [`Store::transaction`],
//! one sled transaction over every tree, so a claim and its index entries
//! change together or not at all; [`Store::flush`] makes them durable.

pub mod codec;
mod durability;
mod keys;
mod open;
mod tx;
mod verify;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use sled::Tree;

use crate::error::{is_disk_full, Error, Result, StorageError, StorageErrorKind};
use crate::model::{Claim, ClaimId, Confidence, Source, Speaker, SpeakerId, Status};

pub use durability::Durability;
pub use keys::KeyBuf;
pub use tx::{Tx, TxError, TxResult};
pub use verify::{Problem, VerifyReport};

/// The on-disk format this build reads and writes.
///
/// Version 2 keys the tag index by [`crate::cite::fold_key`] (version 1 by
/// the lowercased tag); a version-1 database is migrated on open by
/// rebuilding its indexes from the claims ([`Store::repair`]).
pub const FORMAT_VERSION: u32 = 2;

/// Older versions this build migrates on open.
const MIGRATES_FROM: &[u32] = &[1];

/// sled's page cache. Its default of 1 GiB is far more than claimdb needs and
/// real memory use can be several times the setting (TECH-NOTES).
const CACHE_BYTES: u64 = 64 * 1024 * 1024;

/// The trees, in the order a transaction sees them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(usize)]
pub(crate) enum T {
    Meta,
    Claims,
    Sources,
    SourceText,
    Speakers,
    SpeakerNames,
    IdxSpeaker,
    IdxSource,
    IdxOrigin,
    IdxConfidence,
    IdxStatus,
    IdxTag,
}

const TREE_NAMES: [&str; 12] = [
    "meta",
    "claims",
    "sources",
    "source_text",
    "speakers",
    "speaker_names",
    "idx_speaker",
    "idx_source",
    "idx_origin",
    "idx_confidence",
    "idx_status",
    "idx_tag",
];

/// An index that answers equality or range lookups with claim ids.
#[derive(Debug, Clone, PartialEq)]
pub enum IndexScan {
    /// Claims by a speaker.
    Speaker(SpeakerId),
    /// Claims quoting a source.
    Source(String),
    /// Claims first made in an origin.
    Origin(String),
    /// Claims with a status.
    Status(Status),
    /// Claims with a tag.
    Tag(String),
    /// Claims whose confidence lies in `low..=high`.
    Confidence(Confidence, Confidence),
}

impl IndexScan {
    /// The index tree's name, as `explain` shows it.
    pub fn index_name(&self) -> &'static str {
        TREE_NAMES[self.tree() as usize]
    }

    fn tree(&self) -> T {
        match self {
            IndexScan::Speaker(_) => T::IdxSpeaker,
            IndexScan::Source(_) => T::IdxSource,
            IndexScan::Origin(_) => T::IdxOrigin,
            IndexScan::Status(_) => T::IdxStatus,
            IndexScan::Tag(_) => T::IdxTag,
            IndexScan::Confidence(..) => T::IdxConfidence,
        }
    }
}

/// How [`Store::open`] behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreOptions {
    /// What a reported write survives.
    pub durability: Durability,
    /// How long to wait for another process that has the database open.
    pub busy_timeout: Duration,
}

/// An open sled database with claimdb's trees.
pub struct Store {
    /// `None` only while dropping: see [`Drop for Store`](#impl-Drop-for-Store).
    db: Option<sled::Db>,
    trees: Vec<Tree>,
    path: PathBuf,
    syncer: Option<durability::Syncer>,
    /// Set when the engine failed to write: its background flusher may then
    /// never finish, so the handle is not closed (see `Drop`).
    failed: AtomicBool,
    _registration: open::Registration,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Drop for Store {
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

/// How long closing a sled handle may take before claimdb stops waiting.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(3);

impl Store {
    /// Opens (creating if needed) the database at `path` and checks its format version.
    /// Returns the store and whether it was created just now.
    pub fn open(path: &Path, options: StoreOptions) -> Result<(Store, bool)> {
        // A failure of an earlier handle no longer matters once none is open.
        let registration = open::register(path, || ENGINE_FAILED.store(false, Ordering::Relaxed))?;
        let db = open::with_busy_timeout(path, options.busy_timeout, || {
            open::remove_unfinished_snapshots(path)?;
            sled::Config::new()
                .path(path)
                .cache_capacity(CACHE_BYTES)
                .open()
                .map_err(|e| open_error(path, e))
        })?;
        let trees = TREE_NAMES
            .iter()
            .map(|name| db.open_tree(name))
            .collect::<sled::Result<Vec<_>>>()?;
        let syncer = match options.durability {
            Durability::PowerLoss => Some(
                durability::Syncer::new(path).map_err(|e| Error::Storage(StorageError::io(&e)))?,
            ),
            Durability::ProcessCrash => None,
        };
        let store = Store {
            db: Some(db),
            trees,
            path: path.to_path_buf(),
            syncer,
            failed: AtomicBool::new(false),
            _registration: registration,
        };
        let created = match store.tree(T::Meta).get(b"format_version")? {
            Some(v) => {
                let found: u32 = codec::decode(&v, "format version")?;
                if MIGRATES_FROM.contains(&found) {
                    // Every index is derived from the claims: rebuilding them
                    // all and stamping the new version in one transaction
                    // is the whole migration.
                    store.repair_and_stamp()?;
                    store.flush()?;
                } else if found != FORMAT_VERSION {
                    return Err(Error::FormatVersion {
                        found,
                        expected: FORMAT_VERSION,
                    });
                }
                false
            }
            // A new database: the caller fills it and stamps the version in
            // one transaction ([`Tx::stamp_format_version`]), so a crash
            // while seeding leaves a database that is seeded again next time.
            None => {
                if store.tree(T::Claims).first()?.is_some()
                    || store.tree(T::Sources).first()?.is_some()
                {
                    return Err(Error::Corrupt("records without a format version".into()));
                }
                true
            }
        };
        Ok((store, created))
    }

    fn sled(&self) -> &sled::Db {
        self.db
            .as_ref()
            .expect("the sled handle is taken only in drop")
    }

    /// Notes a failed write (see `Drop`) and passes the error on.
    fn failing<A>(&self, result: Result<A>) -> Result<A> {
        if let Err(Error::Storage(_)) = &result {
            self.failed.store(true, Ordering::Relaxed);
        }
        result
    }

    /// Where the database lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn tree(&self, t: T) -> &Tree {
        &self.trees[t as usize]
    }

    /// Writes everything to disk, and with [`Durability::PowerLoss`] syncs
    /// it. Nothing is durable until this returns.
    pub fn flush(&self) -> Result<()> {
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

    /// Runs `f` as one atomic change over every tree. `f` may run more than
    /// once (sled retries on conflict), so it must not have side effects
    /// outside the transaction. Not flushed: call [`Store::flush`].
    pub fn transaction<A>(&self, f: impl Fn(&Tx) -> TxResult<A>) -> Result<A> {
        use sled::transaction::{
            ConflictableTransactionError as C, TransactionError, Transactional,
        };
        let result = self.trees.as_slice().transaction(|trees| {
            let tx = Tx::new(trees);
            f(&tx).map_err(|e| match e {
                TxError::Fail(err) => C::Abort(err),
                TxError::Sled(err) => err.into(),
            })
        });
        self.failing(match result {
            Ok(a) => Ok(a),
            Err(TransactionError::Abort(e)) => Err(e),
            Err(TransactionError::Storage(e)) => Err(e.into()),
        })
    }

    /// A claim by id.
    pub fn claim(&self, id: ClaimId) -> Result<Option<Claim>> {
        self.tree(T::Claims)
            .get(id.to_be_bytes())?
            .map(|v| codec::decode(&v, "claim"))
            .transpose()
    }

    /// Every claim, in id order.
    pub fn claims(&self) -> impl Iterator<Item = Result<Claim>> + '_ {
        self.tree(T::Claims)
            .iter()
            .map(|kv| codec::decode(&kv?.1, "claim"))
    }

    /// How many claims there are (counted, not estimated).
    pub fn claim_count(&self) -> usize {
        self.tree(T::Claims).len()
    }

    /// The claim ids an index holds for `scan`, in key order.
    pub fn scan_index(&self, scan: &IndexScan) -> impl Iterator<Item = Result<ClaimId>> + '_ {
        let tree = self.tree(scan.tree());
        let iter = match scan {
            IndexScan::Confidence(low, high) => {
                let from = KeyBuf::new().u16(low.basis_points()).finish();
                let to = KeyBuf::new()
                    .u16(high.basis_points())
                    .u64(u64::MAX)
                    .finish();
                tree.range(from..=to)
            }
            other => tree.scan_prefix(index_prefix(other)),
        };
        iter.map(|kv| {
            let (key, _) = kv?;
            keys::trailing_u64(&key).ok_or_else(|| Error::Corrupt("short index key".into()))
        })
    }

    /// A source by id (without its text).
    pub fn source(&self, id: &str) -> Result<Option<Source>> {
        self.tree(T::Sources)
            .get(KeyBuf::new().str(id).finish())?
            .map(|v| codec::decode(&v, "source"))
            .transpose()
    }

    /// Every source, in id order.
    pub fn sources(&self) -> Result<Vec<Source>> {
        self.tree(T::Sources)
            .iter()
            .map(|kv| codec::decode(&kv?.1, "source"))
            .collect()
    }

    /// A source's text, when held.
    pub fn source_text(&self, id: &str) -> Result<Option<String>> {
        self.tree(T::SourceText)
            .get(KeyBuf::new().str(id).finish())?
            .map(|v| {
                String::from_utf8(v.to_vec())
                    .map_err(|_| Error::Corrupt(format!("text of source {id:?} is not UTF-8")))
            })
            .transpose()
    }

    /// A speaker by id.
    pub fn speaker(&self, id: SpeakerId) -> Result<Option<Speaker>> {
        self.tree(T::Speakers)
            .get(id.to_be_bytes())?
            .map(|v| codec::decode(&v, "speaker"))
            .transpose()
    }

    /// Every speaker, in id order.
    pub fn speakers(&self) -> Result<Vec<Speaker>> {
        self.tree(T::Speakers)
            .iter()
            .map(|kv| codec::decode(&kv?.1, "speaker"))
            .collect()
    }

    /// The speaker a name or alias stands for (case and spacing do not matter).
    pub fn speaker_by_name(&self, name: &str) -> Result<Option<SpeakerId>> {
        self.tree(T::SpeakerNames)
            .get(KeyBuf::new().str(&fold_name(name)).finish())?
            .map(|v| codec::decode(&v, "speaker name"))
            .transpose()
    }
}

/// The key prefix of an equality index scan.
fn index_prefix(scan: &IndexScan) -> Vec<u8> {
    match scan {
        IndexScan::Speaker(id) => KeyBuf::new().u64(*id).finish(),
        IndexScan::Source(s) | IndexScan::Origin(s) | IndexScan::Tag(s) => {
            KeyBuf::new().str(s).finish()
        }
        IndexScan::Status(s) => KeyBuf::new().u8(*s as u8).finish(),
        IndexScan::Confidence(..) => Vec::new(),
    }
}

/// How names are compared: case-insensitive, spacing and apostrophes folded
/// ([`crate::cite::fold_key`], the one fold for names, tags and statuses).
pub fn fold_name(name: &str) -> String {
    crate::cite::fold_key(name)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_of_another_format_version_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.db");
        {
            let (store, created) = Store::open(&path, TEST_OPTIONS).unwrap();
            assert!(created);
            store.transaction(|tx| tx.stamp_format_version()).unwrap();
            store
                .tree(T::Meta)
                .insert(b"format_version", codec::encode(&99u32).unwrap())
                .unwrap();
            store.flush().unwrap();
        }
        match Store::open(&path, TEST_OPTIONS) {
            Err(Error::FormatVersion {
                found: 99,
                expected: FORMAT_VERSION,
            }) => {}
            other => panic!("{other:?}"),
        }
    }

    const TEST_OPTIONS: StoreOptions = StoreOptions {
        durability: Durability::PowerLoss,
        busy_timeout: Duration::from_millis(50),
    };

    #[test]
    fn a_second_open_in_this_process_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("l.db");
        let first = Store::open(&path, TEST_OPTIONS).unwrap();
        match Store::open(&path, TEST_OPTIONS) {
            Err(e @ Error::AlreadyOpen(_)) => assert_eq!(
                e.to_string(),
                format!(
                    "database {} is already open in this process",
                    path.display()
                )
            ),
            other => panic!("{other:?}"),
        }
        drop(first);
        Store::open(&path, TEST_OPTIONS).expect("free again once closed");
    }

    #[test]
    fn a_version_1_database_is_migrated_on_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.db");
        {
            let (store, _) = Store::open(&path, TEST_OPTIONS).unwrap();
            // Version 1 keyed tags by their lowercased spelling, untrimmed.
            store
                .transaction(|tx| {
                    tx.t(T::Meta)
                        .insert(b"format_version".as_slice(), codec::encode(&1u32)?)?;
                    tx.t(T::IdxTag)
                        .insert(KeyBuf::new().str(" don’t").u64(7).finish(), &[])?;
                    Ok(())
                })
                .unwrap();
            store.flush().unwrap();
        }
        let (store, created) = Store::open(&path, TEST_OPTIONS).unwrap();
        assert!(!created);
        let version = store.tree(T::Meta).get(b"format_version").unwrap().unwrap();
        assert_eq!(codec::decode::<u32>(&version, "v").unwrap(), FORMAT_VERSION);
        assert_eq!(store.tree(T::IdxTag).iter().count(), 0);
        assert!(store.verify().unwrap().is_ok());
    }

    #[test]
    fn an_unfinished_snapshot_is_removed_before_opening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        {
            let (store, _) = Store::open(&path, TEST_OPTIONS).unwrap();
            store.transaction(|tx| tx.stamp_format_version()).unwrap();
            store.flush().unwrap();
        }
        // What a snapshot cut short by a full disk leaves: sled reads it as
        // the newest snapshot and fails on every open.
        let stale = path.join("snap.FFFFFFFFFFFFFFFF.generating");
        std::fs::write(&stale, b"").unwrap();
        let (_store, created) = Store::open(&path, TEST_OPTIONS).unwrap();
        assert!(!created);
        assert!(!stale.exists());
    }
}
