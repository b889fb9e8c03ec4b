//! [`Db`]: the library's front door.
//!
//! A `Db` is an open database. It reads through the store, writes through the
//! checked [`Writer`], and answers queries through the query layer. Every
//! write is flushed before the call returns, so `Ok` means durable.

mod anchors;
mod attribution;
mod backup;
mod check;
mod copy;
pub mod door;
mod edits;
mod extract;
mod fields;
mod history;
mod kept_ids;
mod precheck;
mod prune;
mod session;
mod snapshot;
mod statements;
mod swap;
mod text_files;
mod texts;
mod tokens;
mod write_ops;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

pub use backup::{restore, vacuum, write_atomically, Restored, Vacuumed};
pub use check::{CheckScope, Recheck};
pub use copy::Copied;
pub use extract::Accepted;
pub(crate) use history::restoring_history;
pub use history::{default_reason, set_default_author, set_default_reason, with_authorship};
pub(crate) use precheck::Prechecked;
pub use prune::Pruned;
#[cfg(feature = "client")]
pub(crate) use session::transaction_error;
pub use session::Session;
pub use snapshot::Snapshot;
#[cfg(feature = "client")]
pub(crate) use statements::refuse_unconditional_at;
pub use statements::Prepared;
pub use text_files::{FileChange, TextFileChange};
pub use tokens::MAX_TOKEN_NAME_BYTES;
#[cfg(feature = "server")]
pub(crate) use tokens::{new_secret, random_hex, same_secret};
pub use writer::{Upsert, Writer, MAX_KEY_BYTES};

use crate::error::{Error, Result};
use crate::model::{Claim, ClaimId, NewClaim, NewSource, NewSpeaker, Source, Speaker, SpeakerId};
use crate::store::{Durability, Engine, MemoryEngine, ReadView, SledEngine, SledOptions};

/// How to open a database.
///
/// ```
/// # fn main() -> claimdb::Result<()> {
/// use std::time::Duration;
/// let dir = tempfile::tempdir().unwrap();
/// let options = claimdb::OpenOptions::new()
///     .seed(true)
///     .busy_timeout(Duration::from_secs(1));
/// let db = claimdb::Db::open_with(dir.path().join("c.db"), options)?;
/// assert_eq!(db.query("count claims")?.count(), Some(61));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct OpenOptions {
    /// Load the demo corpus (the review's 61 claims) into a database
    /// created by this open. Default: false: a new database is the
    /// caller's own, and starts empty.
    pub seed: bool,
    /// What a reported write survives. Default: [`Durability::PowerLoss`].
    pub durability: Durability,
    /// How long to wait for another process that has the database open
    /// before failing with [`Error::Locked`]. Default: 5 seconds.
    pub busy_timeout: Duration,
    /// Create the folders above a new database's path when they are
    /// missing. Default: false, so that a mistyped path is an error instead
    /// of a new database somewhere unexpected.
    pub create_parents: bool,
    /// The most memory the on-disk engine's page cache may hold, in bytes.
    /// Default: [`DEFAULT_CACHE_BYTES`].
    pub cache_bytes: u64,
    /// Open a database that lost commits (its files are damaged or were
    /// replaced by an older copy) instead of refusing it, so that
    /// [`Db::verify`] can say what is missing and [`Db::accept_loss`] can
    /// accept it. Default: false. Never for ordinary work.
    pub open_damaged: bool,
    /// Read without writing a byte to the database or taking its lock: a
    /// private copy of its files is read, and every write is refused.
    /// For a database on a read-only mount or a full disk, or beside a
    /// process that writes to it. Default: false.
    pub read_only: bool,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            seed: false,
            durability: Durability::default(),
            busy_timeout: DEFAULT_BUSY_TIMEOUT,
            create_parents: false,
            cache_bytes: DEFAULT_CACHE_BYTES,
            open_damaged: false,
            read_only: false,
        }
    }
}

/// The page cache of a database on disk, unless told otherwise: 64 MiB.
///
pub use crate::store::DEFAULT_CACHE_BYTES;

/// How long an open waits for another process, unless told otherwise.
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

impl OpenOptions {
    /// The defaults: not seeded, synced to disk, a 5-second busy timeout.
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

    /// The most memory the page cache of a database on disk may hold, in
    /// bytes (see [`DEFAULT_CACHE_BYTES`] for what it buys). A database in
    /// memory has no page cache.
    pub fn cache_bytes(mut self, bytes: u64) -> Self {
        self.cache_bytes = bytes;
        self
    }

    /// Whether to open a database that lost commits (see
    /// [`OpenOptions::open_damaged`]).
    pub fn open_damaged(mut self, open: bool) -> Self {
        self.open_damaged = open;
        self
    }

    /// Whether to read a copy and refuse every write (see
    /// [`OpenOptions::read_only`]).
    pub fn read_only(mut self, read_only: bool) -> Self {
        self.read_only = read_only;
        self
    }

    /// Whether to create missing folders above a new database's path.
    pub fn create_parents(mut self, create: bool) -> Self {
        self.create_parents = create;
        self
    }
}

/// An open claims database.
///
/// ```
/// # fn main() -> claimdb::Result<()> {
/// let dir = tempfile::tempdir().unwrap();
/// let seeded = claimdb::OpenOptions::new().seed(true);
/// let db = claimdb::Db::open_with(dir.path().join("claims.db"), seeded)?; // created with the demo
/// let rows = db.query(r#"claims where speaker = "Moriuchi" order by id"#)?;
/// let claims = rows.claims().expect("a claims query returns claims");
/// assert!(claims.iter().all(|c| c.speaker_name == "Priscilla Moriuchi"));
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Db {
    engine: Box<dyn Engine>,
    /// Set when this open created the database: how many claims the seed
    /// loaded (0 for an empty one).
    created: Option<u64>,
    /// Serializes writers, so that what a writer reads outside its
    /// transaction (the claims of a source, found by an index scan) cannot
    /// change before the transaction commits.
    writing: Mutex<()>,
    /// Source texts already folded for the citation check.
    texts: texts::FoldedTexts,
}

/// The path that names a database held in memory, not on disk, for as
/// long as it is open: `:memory:`, as in SQLite ([`Db::open_with`], the
/// command line's `--db`, Python's `claimdb.open`).
pub const MEMORY: &str = ":memory:";

impl Db {
    /// Opens the database at `path`, creating it empty when nothing is
    /// there yet ([`OpenOptions::seed`] loads the demo corpus into a new
    /// one).
    pub fn open(path: impl AsRef<Path>) -> Result<Db> {
        Db::open_with(path, OpenOptions::default())
    }

    /// Whether a database lives at `path` (its engine's files are there).
    /// A PostgreSQL URL is taken to name one: whether claimdb's tables are
    /// there yet is known only once connected.
    pub fn exists_at(path: impl AsRef<Path>) -> bool {
        let path = path.as_ref();
        Db::is_url(path) || SledEngine::exists_at(path)
    }

    /// `path` as messages show it: a PostgreSQL URL without its password.
    pub fn shown(path: impl AsRef<Path>) -> String {
        let path = path.as_ref();
        #[cfg(feature = "postgres")]
        if let Some(url) = path.to_str().filter(|p| crate::store::is_postgres_url(p)) {
            return crate::store::without_password(url);
        }
        path.display().to_string()
    }

    /// Whether `path` is a PostgreSQL URL (`postgres://`, `postgresql://`)
    /// rather than a folder.
    pub fn is_url(path: impl AsRef<Path>) -> bool {
        #[cfg(feature = "postgres")]
        {
            path.as_ref()
                .to_str()
                .is_some_and(crate::store::is_postgres_url)
        }
        #[cfg(not(feature = "postgres"))]
        {
            let _ = path;
            false
        }
    }

    /// Opens the database at `path` with `options`: a folder (sled), a
    /// PostgreSQL URL (`postgres://USER@HOST/DB`, the `PG*` variables
    /// filling in the rest) with the `postgres` feature, or [`MEMORY`]
    /// (`:memory:`, as in SQLite) for one held in memory while it is open.
    pub fn open_with(path: impl AsRef<Path>, options: OpenOptions) -> Result<Db> {
        let path = path.as_ref();
        if path.as_os_str() == MEMORY {
            return Db::open_in_memory(options);
        }
        #[cfg(feature = "postgres")]
        if let Some(url) = path.to_str().filter(|p| crate::store::is_postgres_url(p)) {
            let engine = crate::store::PgEngine::open(url, options.read_only)?;
            return Db::with_engine(Box::new(engine), options);
        }
        SledEngine::check_path(path, options.create_parents)?;
        let engine = SledEngine::open(
            path,
            SledOptions {
                durability: options.durability,
                busy_timeout: options.busy_timeout,
                cache_bytes: options.cache_bytes,
                open_damaged: options.open_damaged,
                read_only: options.read_only,
            },
        )?;
        Db::with_engine(Box::new(engine), options)
    }

    /// A database held in memory (with the demo corpus when `options` say
    /// so): nothing is written to disk, and it is gone when dropped.
    ///
    /// ```
    /// # fn main() -> claimdb::Result<()> {
    /// let db = claimdb::Db::open_in_memory(claimdb::OpenOptions::new().seed(true))?;
    /// assert_eq!(db.query("count claims")?.count(), Some(61));
    /// # Ok(()) }
    /// ```
    pub fn open_in_memory(options: OpenOptions) -> Result<Db> {
        Db::with_engine(Box::new(MemoryEngine::new()), options)
    }

    /// A database on any engine: its format is checked (an older one is
    /// migrated), and a new one is filled with the demo corpus when
    /// `options` say so.
    pub fn with_engine(engine: Box<dyn Engine>, options: OpenOptions) -> Result<Db> {
        let opened = crate::store::check_format(engine.as_ref())?;
        // A database that lost everything reads as empty: it is damaged,
        // not new, and nothing is written into it.
        let created = opened == crate::store::Opened::New && engine.damage().is_none();
        let mut db = Db {
            engine,
            created: None,
            writing: Mutex::new(()),
            texts: texts::FoldedTexts::default(),
        };
        if created {
            let seed = if options.seed {
                Some(crate::seed::seed()?)
            } else {
                None
            };
            let loading = crate::model::Authorship {
                // The caller's author when one is set (a library caller's,
                // a test's), else the process's.
                author: history::current().author,
                statement: "creating the database (with the seed when asked)".into(),
                reason: None,
            };
            with_authorship(loading, || {
                db.write(|w| {
                    if let Some(seed) = &seed {
                        load_seed(w, seed)?;
                    }
                    w.tx().stamp_format_version()
                })
            })?;
            let loaded = db.view()?.claim_count()?;
            db.created = Some(loaded);
        }
        if let crate::store::Opened::Migrated { from: ..=6 } = opened {
            // Claims written before attribution was checked get it now.
            let migrating = crate::model::Authorship {
                author: "claimdb".into(),
                statement: "migrating an older database: attribution checked".into(),
                reason: None,
            };
            with_authorship(migrating, || db.write(|w| w.attribute_unchecked()))?;
        }
        Ok(db)
    }

    /// What the database lost, when it was opened although it lost
    /// commits ([`OpenOptions::open_damaged`]): say it before reading it.
    pub fn damage(&self) -> Option<String> {
        self.engine.damage()
    }

    /// Whether this open created the database, and if so how many claims
    /// the seed put in it (0 for an empty one): a caller can tell the user,
    /// so a mistyped path does not go unnoticed.
    pub fn created(&self) -> Option<u64> {
        self.created
    }

    /// Where the database lives (empty for a database in memory).
    pub fn path(&self) -> PathBuf {
        self.engine
            .path()
            .map(Path::to_path_buf)
            .unwrap_or_default()
    }

    /// The storage engine's name: "sled" or "memory".
    pub fn engine_name(&self) -> &'static str {
        self.engine.name()
    }

    /// A consistent view of the database for reading: writes committed
    /// while it is held are not half-seen by it.
    pub fn view(&self) -> Result<Box<dyn ReadView + '_>> {
        self.engine.read()
    }

    /// Runs `f` as one atomic, checked change, durable before this
    /// returns. If `f` fails, nothing it wrote is kept. On PostgreSQL, a
    /// transaction that conflicts with another client's (a deadlock) is
    /// rolled back and `f` runs again from the start, a few times at most:
    /// keep in `f` no effect but its writes and its result.
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
    pub fn write<A>(&self, f: impl FnMut(&mut Writer) -> Result<A>) -> Result<A> {
        let _writing = self.write_lock();
        self.write_locked(f)
    }

    /// The storage engine (for what works below records: an import's
    /// undoable writes).
    pub(crate) fn engine(&self) -> &dyn Engine {
        &*self.engine
    }

    pub(crate) fn write_lock(&self) -> MutexGuard<'_, ()> {
        // A writer that panicked left no partial transaction behind: go on.
        self.writing
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// [`Db::write`] for a caller holding [`Db::write_lock`] (an import,
    /// across its batches).
    pub(crate) fn write_locked<A>(&self, mut f: impl FnMut(&mut Writer) -> Result<A>) -> Result<A> {
        let mut out = None;
        self.engine.write(&mut |tx| {
            // Every record written records its version beside it.
            let mut recording = history::Recording::new(tx);
            out = Some(f(&mut Writer::new(&mut recording, &self.texts))?);
            Ok(())
        })?;
        Ok(out.expect("the transaction ran"))
    }

    /// A record's versions, oldest first: who changed it, when, by what,
    /// why, and what changed (see [`crate::model::Version`]).
    pub fn history(&self, subject: &crate::model::Subject) -> Result<Vec<crate::model::Version>> {
        self.view()?.versions(subject)
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
    /// let db = claimdb::Db::open_with(dir.path().join("c.db"), claimdb::OpenOptions::new().seed(true))?;
    /// let mut claim = NewClaim {
    ///     speaker: "Obama".into(),
    ///     source: "fp-lazarus-review".into(),
    ///     origin: None,
    ///     quote: "We cannot have a society in which some dictator someplace can start imposing censorship".into(),
    ///     statement: "Obama rejected foreign censorship.".into(),
    ///     confidence: 0.9,
    ///     rationale: "Direct quote.".into(),
    ///     tags: vec!["censorship".into()],
    ///     key: None,
    ///     ..Default::default()
    /// };
    /// assert_eq!(db.add_claim(&claim)?.status, claimdb::Status::Verified);
    /// claim.quote = "We can have a society in which some dictator".into();
    /// assert!(matches!(db.add_claim(&claim), Err(Error::Citation(_))));
    /// # Ok(()) }
    /// ```
    pub fn add_claim(&self, claim: &NewClaim) -> Result<Claim> {
        self.write(|w| w.add_claim(claim))
    }

    /// The full check of a new claim (its fields, speaker, sources, and
    /// its quote against the source's text, duplicates included) without
    /// writing it: the claim as it would be stored (its id is the one it
    /// would get), or the error `add_claim` would return.
    pub fn check_claim(&self, claim: &NewClaim) -> Result<Claim> {
        let mut checked = None;
        match self.write(|w| {
            checked = Some(w.add_claim(claim)?);
            Err::<(), _>(Error::Cancelled)
        }) {
            Ok(()) | Err(Error::Cancelled) => checked.ok_or(Error::Cancelled),
            Err(e) => Err(e),
        }
    }

    /// Adds many claims in one transaction, with one result per claim, in
    /// order, instead of one error for the batch. All or nothing: when any
    /// claim is refused, none is written (every result still says what
    /// became of its claim: the error, or the claim it would have been);
    /// with `partial`, the good ones are written. Errors of the database
    /// itself (not of a claim) fail the whole call.
    pub fn add_claims(&self, claims: &[NewClaim], partial: bool) -> Result<Vec<Result<Claim>>> {
        let mut results = Vec::with_capacity(claims.len());
        let outcome = self.write(|w| {
            // A run again after a conflict starts over (`Db::write`).
            results.clear();
            for claim in claims {
                match w.add_claim(claim) {
                    Err(e) if !e.is_about_the_claim() => return Err(e),
                    r => results.push(r),
                }
            }
            if !partial && results.iter().any(Result::is_err) {
                return Err(Error::Cancelled);
            }
            Ok(())
        });
        match outcome {
            Ok(()) | Err(Error::Cancelled) => Ok(results),
            Err(e) => Err(e),
        }
    }

    /// A claim by id.
    pub fn claim(&self, id: ClaimId) -> Result<Option<Claim>> {
        self.view()?.claim(id)
    }

    /// Every source, in id order.
    pub fn sources(&self) -> Result<Vec<Source>> {
        self.view()?.sources()
    }

    /// A source's metadata.
    pub fn source(&self, id: &str) -> Result<Option<Source>> {
        self.view()?.source(id)
    }

    /// A source's full text, when claimdb holds it.
    pub fn source_text(&self, id: &str) -> Result<Option<String>> {
        self.view()?.source_text(id)
    }

    /// Every speaker, in id order.
    pub fn speakers(&self) -> Result<Vec<Speaker>> {
        self.view()?.speakers()
    }

    /// A speaker by id.
    pub fn speaker(&self, id: SpeakerId) -> Result<Option<Speaker>> {
        self.view()?.speaker(id)
    }

    /// The speaker that a name or alias stands for.
    pub fn speaker_by_name(&self, name: &str) -> Result<Option<Speaker>> {
        let view = self.view()?;
        match view.speaker_by_name(name)? {
            Some(id) => view.speaker(id),
            None => Ok(None),
        }
    }
}

/// Writes the seed through `w` (inside the caller's transaction).
fn load_seed(w: &mut Writer, seed: &crate::seed::Seed) -> Result<()> {
    for s in &seed.sources {
        w.add_source(s)?;
    }
    for s in &seed.speakers {
        w.add_speaker(s)?;
    }
    for (n, c) in seed.claims.iter().enumerate() {
        w.add_claim(c).map_err(|e| match e {
            Error::Citation(mut report) => {
                report.claim = format!("seed claim #{} ({})", n + 1, c.speaker);
                Error::Citation(report)
            }
            other => other,
        })?;
    }
    Ok(())
}
