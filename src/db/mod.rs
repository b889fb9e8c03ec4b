//! [`Db`]: the library's front door.
//!
//! A `Db` is an open database. It reads through the store, writes through the
//! checked [`Writer`], and answers queries through the query layer. Every
//! write is flushed before the call returns, so `Ok` means durable.

mod check;
mod statements;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

pub use check::{CheckScope, Recheck};
pub use statements::{Prepared, Session};
pub use writer::{ClaimChanges, Writer};

use crate::error::{Error, Result};
use crate::model::{Claim, ClaimId, NewClaim, NewSource, NewSpeaker, Source, Speaker, SpeakerId};
use crate::store::{Durability, Store, StoreOptions, TxResult};

/// How to open a database.
///
/// ```
/// # fn main() -> claimdb::Result<()> {
/// use std::time::Duration;
/// let dir = tempfile::tempdir().unwrap();
/// let options = claimdb::OpenOptions::new()
///     .seed(false)
///     .busy_timeout(Duration::from_secs(1));
/// let db = claimdb::Db::open_with(dir.path().join("c.db"), options)?;
/// assert_eq!(db.query("count claims")?.count(), Some(0));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct OpenOptions {
    /// Load the seed corpus into a database created by this open. Default: true.
    pub seed: bool,
    /// What a reported write survives. Default: [`Durability::PowerLoss`].
    pub durability: Durability,
    /// How long to wait for another process that has the database open
    /// before failing with [`Error::Locked`]. Default: 5 seconds.
    pub busy_timeout: Duration,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            seed: true,
            durability: Durability::default(),
            busy_timeout: DEFAULT_BUSY_TIMEOUT,
        }
    }
}

/// How long an open waits for another process, unless told otherwise.
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

impl OpenOptions {
    /// The defaults: seeded, synced to disk, a 5-second busy timeout.
    pub fn new() -> Self {
        OpenOptions::default()
    }

    /// Whether a database created by this open gets the seed corpus.
    pub fn seed(mut self, seed: bool) -> Self {
        self.seed = seed;
        self
    }

    /// What a reported write survives.
    pub fn durability(mut self, durability: Durability) -> Self {
        self.durability = durability;
        self
    }

    /// How long to wait for another process that has the database open.
    pub fn busy_timeout(mut self, timeout: Duration) -> Self {
        self.busy_timeout = timeout;
        self
    }
}

/// An open claims database.
///
/// ```
/// # fn main() -> claimdb::Result<()> {
/// let dir = tempfile::tempdir().unwrap();
/// let db = claimdb::Db::open(dir.path().join("claims.db"))?; // created and seeded
/// let rows = db.query(r#"claims where speaker = "Moriuchi" order by id"#)?;
/// let claims = rows.claims().expect("a claims query returns claims");
/// assert!(claims.iter().all(|c| c.speaker_name == "Priscilla Moriuchi"));
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Db {
    store: Store,
    /// Serializes writers, so that what a writer reads outside its
    /// transaction (the claims of a source, found by an index scan) cannot
    /// change before the transaction commits.
    writing: Mutex<()>,
}

impl Db {
    /// Opens the database at `path`, creating it and loading the seed corpus
    /// when nothing is there yet.
    pub fn open(path: impl AsRef<Path>) -> Result<Db> {
        Db::open_with(path, OpenOptions::default())
    }

    /// Opens the database at `path` with `options`.
    pub fn open_with(path: impl AsRef<Path>, options: OpenOptions) -> Result<Db> {
        let path = path.as_ref();
        if path.is_file() {
            return Err(Error::Io {
                path: path.to_path_buf(),
                source: std::io::Error::other("is a file, not a claimdb database directory"),
            });
        }
        // sled writes its files into whatever directory it is given: never
        // into a folder of someone's documents mistaken for a database.
        if path.is_dir() && !path.join("conf").exists() && !path.join("db").exists() {
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
        let (store, created) = Store::open(
            path,
            StoreOptions {
                durability: options.durability,
                busy_timeout: options.busy_timeout,
            },
        )?;
        let db = Db {
            store,
            writing: Mutex::new(()),
        };
        if created {
            let seed = if options.seed {
                Some(crate::seed::seed()?)
            } else {
                None
            };
            db.write(|w| {
                if let Some(seed) = &seed {
                    crate::seed::load(w, seed)?;
                }
                w.tx().stamp_format_version()
            })?;
        }
        Ok(db)
    }

    /// Where the database lives.
    pub fn path(&self) -> PathBuf {
        self.store.path().to_path_buf()
    }

    /// Runs `f` as one atomic, checked change and flushes it. If `f` fails,
    /// nothing it wrote is kept. `f` may be run more than once when sled
    /// meets a conflict, so it must not have other side effects.
    ///
    /// ```
    /// # fn main() -> claimdb::Result<()> {
    /// use claimdb::{NewSource, NewSpeaker};
    /// let dir = tempfile::tempdir().unwrap();
    /// let db = claimdb::Db::open_with(dir.path().join("c.db"), claimdb::OpenOptions::new().seed(false))?;
    /// db.write(|w| {
    ///     w.add_source(&NewSource { id: "memo".into(), title: "A memo".into(), text: Some("We will ship on Friday.".into()), ..Default::default() })?;
    ///     w.add_speaker(&NewSpeaker { name: "Ada Lovelace".into(), aliases: vec!["Ada".into()], description: None })?;
    ///     Ok(())
    /// })?;
    /// assert_eq!(db.sources()?.len(), 1);
    /// # Ok(()) }
    /// ```
    pub fn write<A>(&self, f: impl Fn(&Writer) -> TxResult<A>) -> Result<A> {
        let _writing = self.write_lock();
        self.write_locked(f)
    }

    fn write_lock(&self) -> MutexGuard<'_, ()> {
        // A writer that panicked left no partial transaction behind: go on.
        self.writing
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write_locked<A>(&self, f: impl Fn(&Writer) -> TxResult<A>) -> Result<A> {
        let out = self.store.transaction(|tx| f(&Writer::new(tx)))?;
        self.store.flush()?;
        Ok(out)
    }

    /// Adds a source (with its text, when held). Flushed before it returns.
    pub fn add_source(&self, source: &NewSource) -> Result<Source> {
        self.write(|w| w.add_source(source))
    }

    /// Adds a speaker with its aliases. Flushed before it returns.
    pub fn add_speaker(&self, speaker: &NewSpeaker) -> Result<Speaker> {
        self.write(|w| w.add_speaker(speaker))
    }

    /// Adds a claim after the citation check; refuses it, writing nothing,
    /// when the quote is not in the source ([`Error::Citation`]).
    ///
    /// ```
    /// # fn main() -> claimdb::Result<()> {
    /// use claimdb::{Error, NewClaim};
    /// let dir = tempfile::tempdir().unwrap();
    /// let db = claimdb::Db::open(dir.path().join("c.db"))?;
    /// let mut claim = NewClaim {
    ///     speaker: "Obama".into(),
    ///     source: "fp-lazarus-review".into(),
    ///     origin: None,
    ///     quote: "We cannot have a society in which some dictator someplace can start imposing censorship".into(),
    ///     statement: "Obama rejected foreign censorship.".into(),
    ///     confidence: 0.9,
    ///     rationale: "Direct quote.".into(),
    ///     tags: vec!["censorship".into()],
    /// };
    /// assert_eq!(db.add_claim(&claim)?.status, claimdb::Status::Verified);
    /// claim.quote = "We can have a society in which some dictator".into();
    /// assert!(matches!(db.add_claim(&claim), Err(Error::Citation(_))));
    /// # Ok(()) }
    /// ```
    pub fn add_claim(&self, claim: &NewClaim) -> Result<Claim> {
        self.write(|w| w.add_claim(claim))
    }

    /// A claim by id.
    pub fn claim(&self, id: ClaimId) -> Result<Option<Claim>> {
        self.store.claim(id)
    }

    /// Every source, in id order.
    pub fn sources(&self) -> Result<Vec<Source>> {
        self.store.sources()
    }

    /// A source's metadata.
    pub fn source(&self, id: &str) -> Result<Option<Source>> {
        self.store.source(id)
    }

    /// A source's full text, when claimdb holds it.
    pub fn source_text(&self, id: &str) -> Result<Option<String>> {
        self.store.source_text(id)
    }

    /// Every speaker, in id order.
    pub fn speakers(&self) -> Result<Vec<Speaker>> {
        self.store.speakers()
    }

    /// A speaker by id.
    pub fn speaker(&self, id: SpeakerId) -> Result<Option<Speaker>> {
        self.store.speaker(id)
    }

    /// The speaker that a name or alias stands for.
    pub fn speaker_by_name(&self, name: &str) -> Result<Option<Speaker>> {
        match self.store.speaker_by_name(name)? {
            Some(id) => self.store.speaker(id),
            None => Ok(None),
        }
    }

    pub(crate) fn store(&self) -> &Store {
        &self.store
    }
}
