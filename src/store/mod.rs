//! Storage: the record-level interface every engine implements, and the
//! engines that ship with claimdb.
//!
//! Above this module, claimdb knows records (claims, speakers, sources),
//! index scans and counts, never an engine's types. An [`Engine`] opens a
//! [`ReadView`] (one consistent state of the database, for as long as the
//! view lives) or runs a write transaction through a [`WriteTx`] (whose reads
//! see its own writes; it commits whole, durably, or not at all). The
//! interface is at the level of records and index scans rather than raw keys,
//! so that an engine with indexes of its own (SQL) can answer a scan itself.
//!
//! Upkeep (the integrity check, rebuilding what is derived) is a trait of
//! its own, [`Maintenance`], whose methods default to "this engine cannot".
//! What every engine must do is stated once, as tests: the contract suite
//! (`tests/contract.rs`), which runs on every engine of
//! `tests/support/engines.rs`.
//!
//! Two engines implement it over the same key-value family (`kv/`: named
//! trees of ordered keys, and the records, index entries and counts laid
//! out in them, `kv/records.rs`): [`SledEngine`] on disk (`sled/`) and
//! [`MemoryEngine`] in memory (`memory.rs`, the reference for new engines).
//! The secondary indexes are one table (`kv/indexes.rs`) that the writer,
//! the planner and `verify` share; their entries lie in chunks of claim
//! ids (`kv/postings.rs`), so a million claims make thousands of index
//! keys, not millions.

mod kv;
mod memory;
mod past;
#[cfg(feature = "postgres")]
mod postgres;
mod report;
mod sled;
mod trail;

use std::path::Path;

use crate::error::{Error, Result};
use crate::model::{
    Claim, ClaimId, Confidence, Source, Speaker, SpeakerId, Subject, Token, Version,
};

pub use self::sled::durability::Durability;
pub use self::sled::{SledEngine, SledOptions};
pub use kv::backup::BackupSummary;
pub use kv::codec;
pub use kv::indexes::{Index, IndexScan};
#[cfg(test)]
use kv::keys::KeyBuf;
pub use memory::MemoryEngine;
pub(crate) use past::fields;
pub use past::{as_of, at_version};
#[cfg(feature = "postgres")]
pub use postgres::{is_postgres_url, without_password, PgEngine};
pub use report::{Problem, VerifyReport};
pub(crate) use trail::check as check_history;

/// Measured at a million claims (`claimdb-compare`), a process's memory
/// and the time of a query that reads claims from all over the database
/// (`confidence between 0.90 and 0.91`: 19,881 claims) by cache size: 32
/// MiB, 731 ms and 170 MiB at most; 64 MiB, 631 ms, 197 MiB; 128 MiB, 345
/// ms, 225 MiB; 256 MiB, 175 ms, 225 MiB. A scan of every claim peaked at
/// 190 MiB with 64 MiB and 382 MiB with 256 (sled's memory is several
/// times its setting). The default keeps a scan of a large database below
/// 200 MiB; [`crate::OpenOptions::cache_bytes`] (`--cache-mib`) trades memory for
/// the speed of wide reads.
pub const DEFAULT_CACHE_BYTES: u64 = 64 * 1024 * 1024;

/// The page cache for a command that reads the whole database once
/// (`verify`, `check`, `export`, `backup`, and a restore's verify): it
/// reads each page once, so a larger
/// cache holds only pages it will not read again, and sled's memory is
/// several times its setting. At a million claims (`claimdb --stats
/// --cache-mib N`), 64 MiB against 16: `verify` peaked at 418 and 316 MiB,
/// `check` at 331 and 282, an export at 254 and 210, each in the same time.
pub const SCAN_CACHE_BYTES: u64 = 16 * 1024 * 1024;

/// The format this build reads and writes.
///
/// Version 2 keys the tag index by [`crate::cite::fold_key`] (version 1 by
/// the lowercased tag); version 3 keeps the claim count in `meta`; version 4
/// keeps a count per index value in `counts`; version 5 indexes the words of
/// quotes (`idx_word`); version 6 folds keys and indexed words as the
/// hardened citation checker does (compatibility characters such as `ﬁ`
/// and `ſ`, more quotation marks and dashes), indexes each anchored
/// claim's passage (`idx_passage`), so a claim is not stored twice, and
/// claims' keys (`idx_key`; a claim is now written with value version 2,
/// which holds its key, and one written before still reads); version 7
/// writes claims with their attribution and mode (value version 3), which
/// the database layer computes for the claims of an older database when
/// it migrates it; version 8 keeps the vocabulary of the word index by
/// trigram (`word_grams`, see `vocabulary.rs`); version 9 keeps index
/// entries in chunks bounded by size instead of buckets of a span of claim
/// ids (`postings.rs`); version 10 writes claims with their reviews (value
/// version 4; one written before still reads); version 11 keeps each
/// record's versions (`versions`, empty for what was written before). An older database is
/// migrated when it is opened, by rebuilding everything derived from the
/// records ([`Maintenance::rebuild_derived`]) in one transaction, or, when
/// nothing derived changed since its version, by stamping the new one.
pub const FORMAT_VERSION: u32 = 11;

/// Older versions this build migrates on open by rebuilding.
const MIGRATES_FROM: &[u32] = &[1, 2, 3, 4, 5, 6, 7, 8];

/// Older versions whose derived tables are this version's: only the stamp
/// changes (so that an older build refuses what it cannot read).
const STAMPS_FROM: &[u32] = &[9, 10];

/// What [`check_format`] found on open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Opened {
    /// Nothing stored yet: the caller fills it and stamps the format.
    New,
    /// A database of this format.
    Current,
    /// A database of an older format, migrated just now.
    Migrated {
        /// The format it had.
        from: u32,
    },
}

/// One consistent state of the database, for reading.
pub trait ReadView {
    /// A claim by id.
    fn claim(&self, id: ClaimId) -> Result<Option<Claim>>;
    /// The claims with ids in `first..=last`, in id order.
    fn claims_in(
        &self,
        first: ClaimId,
        last: ClaimId,
    ) -> Box<dyn Iterator<Item = Result<Claim>> + '_>;
    /// The claims with these ids, in the same order (`None` for an id
    /// with no claim). An engine that pays a round trip per read answers
    /// it in one; the default reads them one by one.
    fn claims_by_ids(&self, ids: &[ClaimId]) -> Result<Vec<Option<Claim>>> {
        ids.iter().map(|id| self.claim(*id)).collect()
    }
    /// How many claims the executor should ask [`ReadView::claims_by_ids`]
    /// for at most at once: 1 (read each as it is wanted) for an engine
    /// whose reads cost no round trip.
    fn read_batch(&self) -> usize {
        1
    }
    /// Every claim, in id order.
    fn claims(&self) -> Box<dyn Iterator<Item = Result<Claim>> + '_> {
        self.claims_in(0, ClaimId::MAX)
    }
    /// How many claims there are (kept, not counted).
    fn claim_count(&self) -> Result<u64>;
    /// The claim ids an index holds for `scan`, in key order, each with
    /// the confidence its entry records (the claim's, kept with the
    /// entries of every index but the word index, so that a confidence
    /// condition is checked before the claim is read).
    fn scan_postings(
        &self,
        scan: &IndexScan,
    ) -> Box<dyn Iterator<Item = Result<(ClaimId, Option<Confidence>)>> + '_>;
    /// The claim ids an index holds for `scan`, in key order.
    fn scan_index(&self, scan: &IndexScan) -> Box<dyn Iterator<Item = Result<ClaimId>> + '_> {
        Box::new(self.scan_postings(scan).map(|p| p.map(|(id, _)| id)))
    }
    /// How many entries `scan` would read, from counts kept with the index
    /// (no scan: planning and `explain` stay cheap at any size).
    fn index_count(&self, scan: &IndexScan) -> Result<u64> {
        self.index_count_up_to(scan, u64::MAX)
    }
    /// [`ReadView::index_count`], or any number of at least `cap` once
    /// it reaches that: the planner, comparing paths, stops summing the
    /// counts of a wide confidence range once it costs more than the best.
    fn index_count_up_to(&self, scan: &IndexScan, cap: u64) -> Result<u64>;
    /// Every value `index` holds, as the scan that reads it, with how many
    /// claims it holds (values with none left out), in key order: what
    /// `count claims group by` reads. From the counts kept with a counted
    /// index; nothing for one that keeps none.
    fn value_counts(&self, index: Index) -> Result<Vec<(IndexScan, u64)>>;
    /// The distinct words of quotes (as [`crate::cite::search_words`] cuts
    /// them) that contain `part`, each with how many claims hold it: what
    /// `quote contains` looks up in the word index. Read from the counts
    /// kept with the index: one pass over the vocabulary, no claim read.
    fn words_containing(&self, part: &str) -> Result<Vec<(String, u64)>>;
    /// A source by id (without its text).
    fn source(&self, id: &str) -> Result<Option<Source>>;
    /// Every source, in id order.
    fn sources(&self) -> Result<Vec<Source>>;
    /// A source's text, when held.
    fn source_text(&self, id: &str) -> Result<Option<String>>;
    /// A speaker by id.
    fn speaker(&self, id: SpeakerId) -> Result<Option<Speaker>>;
    /// Every speaker, in id order.
    fn speakers(&self) -> Result<Vec<Speaker>>;
    /// The speaker a name or alias stands for (case and spacing do not matter).
    fn speaker_by_name(&self, name: &str) -> Result<Option<SpeakerId>>;
    /// Every access token, by name (only their secrets' hashes are kept).
    fn tokens(&self) -> Result<Vec<Token>>;
    /// A record's versions, oldest first (none for a record written before
    /// history was kept).
    fn versions(&self, subject: &Subject) -> Result<Vec<Version>>;
    /// Every record's versions, each record's oldest first (what `as of`
    /// reads the past from).
    fn every_version(&self) -> Result<Vec<Version>>;
    /// Every record's versions, one record's after another (each oldest
    /// first), read as they are needed: what the dump, a copy and
    /// `verify` go through without holding the history in memory. (By
    /// default, [`ReadView::every_version`].)
    fn versions_in_order(&self) -> Box<dyn Iterator<Item = Result<Version>> + '_> {
        match self.every_version() {
            Ok(all) => Box::new(all.into_iter().map(Ok)),
            Err(e) => Box::new(std::iter::once(Err(e))),
        }
    }
    /// The format version stamped in the database, if any.
    fn format_version(&self) -> Result<Option<u32>>;
    /// The moment history was pruned back to (versions stamped before it
    /// were removed), if it ever was: `as of` cannot look back past it.
    fn history_horizon(&self) -> Result<Option<String>>;
    /// True when the database holds no claims and no sources.
    fn is_empty(&self) -> Result<bool>;
}

/// The writes of one transaction; its reads ([`WriteTx::view`]) see them.
pub trait WriteTx {
    /// The database as this transaction sees it.
    fn view(&self) -> &dyn ReadView;
    /// Marks the database as complete, in this claimdb's format.
    fn stamp_format_version(&mut self) -> Result<()>;
    /// Takes the next id from the named counter (ids start at 1, never repeat).
    fn next_id(&mut self, counter: &str) -> Result<u64>;
    /// Makes the named counter give no id below `next` (a record written
    /// with its own id, or a deleted one's id kept by its history, is
    /// never given again).
    fn raise_next_id(&mut self, counter: &str, next: u64) -> Result<()>;
    /// Writes a claim and its index entries, replacing any earlier version.
    fn put_claim(&mut self, claim: &Claim) -> Result<()>;
    /// Removes a claim and its index entries; false when there was none.
    fn delete_claim(&mut self, id: ClaimId) -> Result<bool>;
    /// Writes a source and, when given, its text (`None` removes the text).
    fn put_source(&mut self, source: &Source, text: Option<&str>) -> Result<()>;
    /// Removes a source and its text; false when there was none. The
    /// claims that quote it or name it as origin must have gone first.
    fn delete_source(&mut self, id: &str) -> Result<bool>;
    /// Writes a speaker and registers its name and aliases.
    fn put_speaker(&mut self, speaker: &Speaker) -> Result<()>;
    /// Removes a speaker and its name and aliases; false when there was
    /// none. Its claims must have gone (or moved) first.
    fn delete_speaker(&mut self, id: SpeakerId) -> Result<bool>;
    /// Writes an access token, replacing one of the same name.
    fn put_token(&mut self, token: &Token) -> Result<()>;
    /// Records a version (see [`Version`]), in the transaction of its change.
    fn put_version(&mut self, version: &Version) -> Result<()>;
    /// Removes a record's version `number`; false when there was none.
    fn delete_version(&mut self, subject: &Subject, number: u64) -> Result<bool>;
    /// Records that versions stamped before `at` were pruned
    /// ([`ReadView::history_horizon`]).
    fn set_history_horizon(&mut self, at: &str) -> Result<()>;
    /// Removes the token called `name`; false when there was none.
    fn delete_token(&mut self, name: &str) -> Result<bool>;
}

/// An engine's upkeep, apart from records: checking its integrity and
/// rebuilding what it derives from the records. Each method has a default
/// that says the engine cannot (as GlueSQL's storage traits default to
/// "not supported"), so a new engine implements the records first and
/// these when it can; one that keeps its indexes itself (SQL) may never
/// need a rebuild.
pub trait Maintenance {
    /// The integrity check (see `kv/verify.rs` for the key-value engines):
    /// every index entry, count, name and anchor against the records.
    fn verify(&self) -> Result<VerifyReport> {
        Err(unsupported("verify"))
    }

    /// Rebuilds every index, the name table, the counters and the claim
    /// count from the claims, speakers and sources, and stamps this
    /// build's format, in one transaction.
    fn rebuild_derived(&self) -> Result<()> {
        Err(unsupported("rebuild what is derived from the records"))
    }

    /// Accepts the database as it stands as what was committed, after a
    /// loss that only a backup could undo: an engine that keeps a record
    /// of its commits (sled: `sled/commits.rs`) resets it, and opens the
    /// database again as sound. Engines without such a record have
    /// nothing to accept.
    fn accept_loss(&self) -> Result<()> {
        Ok(())
    }

    /// Writes a backup of the whole database to `out`, from one
    /// consistent state (`kv/backup.rs`): readers go on meanwhile, writers
    /// wait for it.
    fn backup(&self, out: &mut dyn std::io::Write) -> Result<BackupSummary> {
        let _ = out;
        Err(unsupported("write a backup"))
    }

    /// What the database lost, when it was opened although it lost
    /// commits ([`crate::OpenOptions::open_damaged`]).
    fn damage(&self) -> Option<String> {
        None
    }

    /// Starts writes that [`Maintenance::end_undoable`] can take back
    /// whole: an all-or-nothing import too large for one transaction in
    /// memory commits in batches, each recording what it overwrote, and a
    /// crash before the end is undone when the database is next opened.
    /// False for an engine whose transactions are not held in this
    /// process's memory (PostgreSQL), or are all in memory anyway: one
    /// transaction serves there.
    fn begin_undoable(&self) -> Result<bool> {
        Ok(false)
    }

    /// Ends the undoable writes: kept (`keep`), or undone, every batch.
    fn end_undoable(&self, keep: bool) -> Result<()> {
        let _ = keep;
        Ok(())
    }
}

/// What every engine answers when a claim would take another's entry in a
/// unique index (`Index::Passage`, `Index::Key`): the writer refuses such
/// a claim first, by name; this is the engine keeping the rule itself.
pub(crate) fn unique_index_refused(index: Index) -> Error {
    let what = match index {
        Index::Passage => "anchored passage and speaker",
        _ => "key",
    };
    Error::Storage(crate::error::StorageError::new(
        crate::error::StorageErrorKind::Other,
        format!("another claim has the same {what} (the database's unique index refused it)"),
    ))
}

/// What an engine without a maintenance operation answers.
fn unsupported(what: &str) -> Error {
    Error::Storage(crate::error::StorageError::new(
        crate::error::StorageErrorKind::Other,
        format!("this storage engine cannot {what}"),
    ))
}

/// A storage engine.
pub trait Engine: Maintenance + Send + Sync + std::fmt::Debug {
    /// A consistent view of the database as it is now: writes committed
    /// after this call are not half-seen by it.
    fn read(&self) -> Result<Box<dyn ReadView + '_>>;
    /// Runs `f` as a transaction and commits its writes, all or nothing,
    /// durably before it returns. Callers serialize writers. An engine may
    /// run `f` again from the start after a conflict rolled its first run
    /// back (PostgreSQL): `f` keeps no effect of a run but its writes.
    fn write(&self, f: &mut dyn FnMut(&mut dyn WriteTx) -> Result<()>) -> Result<()>;
    /// Where the database lives, for an engine on disk.
    fn path(&self) -> Option<&Path>;
    /// The engine's name: "sled", "memory".
    fn name(&self) -> &'static str;
    /// Whether a read costs about a lookup in memory, not a round trip to
    /// a server: an import then reads ahead of its writes on another
    /// thread (`db/precheck.rs`), which on a server would double its
    /// queries.
    fn reads_are_local(&self) -> bool {
        true
    }
}

/// Checks the format of a freshly opened engine: migrates an older one,
/// refuses an unknown one. A new database (no format stamped and nothing
/// in it) is to be filled and stamped by the caller in one transaction, so
/// a crash while seeding leaves a database that is seeded again next time.
pub(crate) fn check_format(engine: &dyn Engine) -> Result<Opened> {
    let (found, empty) = {
        let view = engine.read()?;
        (view.format_version()?, view.is_empty()?)
    };
    match found {
        None if empty => Ok(Opened::New),
        None => Err(Error::Corrupt("records without a format version".into())),
        Some(v) if v == FORMAT_VERSION => Ok(Opened::Current),
        Some(v) if STAMPS_FROM.contains(&v) => {
            match engine.write(&mut |w| w.stamp_format_version()) {
                // A read-only open reads the older version as it is.
                Ok(()) | Err(Error::Invalid { what: "write", .. }) => {}
                Err(e) => return Err(e),
            }
            Ok(Opened::Migrated { from: v })
        }
        Some(v) if MIGRATES_FROM.contains(&v) => {
            engine.rebuild_derived()?;
            Ok(Opened::Migrated { from: v })
        }
        Some(found) => Err(Error::FormatVersion {
            found,
            expected: FORMAT_VERSION,
        }),
    }
}

/// How names are compared: case-insensitive, spacing and apostrophes folded
/// ([`crate::cite::fold_key`], the one fold for names, tags and statuses).
pub fn fold_name(name: &str) -> String {
    crate::cite::fold_key(name)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    const OPTIONS: SledOptions = SledOptions {
        durability: Durability::PowerLoss,
        busy_timeout: Duration::from_millis(50),
        cache_bytes: DEFAULT_CACHE_BYTES,
        open_damaged: false,
        read_only: false,
    };

    /// A sled database written directly, as another version would have.
    fn raw(path: &Path, meta: &[(&[u8], &[u8])], tags: &[&[u8]]) {
        let db = ::sled::open(path).unwrap();
        let tree = db.open_tree("meta").unwrap();
        for (k, v) in meta {
            tree.insert(k, *v).unwrap();
        }
        let idx = db.open_tree("idx_tag").unwrap();
        for key in tags {
            idx.insert(key, &[]).unwrap();
        }
        db.flush().unwrap();
    }

    #[test]
    fn a_database_of_another_format_version_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.db");
        raw(&path, &[(b"format_version", &[1, 99])], &[]);
        let engine = SledEngine::open(&path, OPTIONS).unwrap();
        match check_format(&engine) {
            Err(Error::FormatVersion {
                found: 99,
                expected: FORMAT_VERSION,
            }) => {}
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_older_database_is_migrated_on_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.db");
        // Version 1 keyed tags by their lowercased spelling, untrimmed, and
        // kept no claim count.
        let stale = KeyBuf::new().str(" don’t").u64(7).finish();
        raw(&path, &[(b"format_version", &[1, 1])], &[&stale]);
        let engine = SledEngine::open(&path, OPTIONS).unwrap();
        assert_ne!(check_format(&engine).unwrap(), Opened::New);
        let view = engine.read().unwrap();
        assert_eq!(view.format_version().unwrap(), Some(FORMAT_VERSION));
        assert_eq!(view.claim_count().unwrap(), 0);
        assert!(engine.verify().unwrap().is_ok(), "{:?}", engine.verify());
    }

    #[test]
    fn a_second_open_in_this_process_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("l.db");
        let first = SledEngine::open(&path, OPTIONS).unwrap();
        match SledEngine::open(&path, OPTIONS) {
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
        SledEngine::open(&path, OPTIONS).expect("free again once closed");
    }

    #[test]
    fn an_unfinished_snapshot_is_removed_before_opening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        {
            let engine = SledEngine::open(&path, OPTIONS).unwrap();
            engine.write(&mut |tx| tx.stamp_format_version()).unwrap();
        }
        // What a snapshot cut short by a full disk leaves: sled reads it as
        // the newest snapshot and fails on every open.
        let stale = path.join("snap.FFFFFFFFFFFFFFFF.generating");
        std::fs::write(&stale, b"").unwrap();
        let engine = SledEngine::open(&path, OPTIONS).unwrap();
        assert_ne!(check_format(&engine).unwrap(), Opened::New);
        assert!(!stale.exists());
    }

    #[test]
    fn a_view_is_a_snapshot_on_the_memory_engine() {
        let engine = MemoryEngine::new();
        let before = engine.read().unwrap();
        engine
            .write(&mut |tx| {
                tx.put_source(
                    &Source {
                        id: "s".into(),
                        title: "t".into(),
                        author: None,
                        publisher: None,
                        date: None,
                        kind: crate::model::SourceKind::Other,
                        url: None,
                        notes: None,
                        sha256: None,
                        text_len: 0,
                        text_file: None,
                    },
                    None,
                )
            })
            .unwrap();
        assert!(before.source("s").unwrap().is_none());
        assert!(engine.read().unwrap().source("s").unwrap().is_some());
    }
}
