//! claimdb: a citation-checked claims database with a query language.
//!
//! A *claim* is a statement attributed to a *speaker*, found in a *source*
//! document, with a confidence and a verbatim quote. claimdb anchors the
//! quote in the source's text itself and refuses a claim whose quote is not
//! there, so a misquoted number, name or negation never passes as verified.
//!
//! The floors, lowest first (a floor never uses one above it, and
//! `tests/layers.rs` keeps it so):
//!
//! - [`text`]: quoting, counting, line:column for every message;
//! - [`cite`]: text normalization and quote location, pure functions;
//! - [`error`]: the one error type, which serializes ([`ErrorReport`]);
//! - [`limits`]: the documented limits;
//! - [`model`]: the records, plain serde types;
//! - [`attrib`]: who a source credits with a passage; claims proposed from
//!   a text; and [`seed`], the demo corpus, parsed;
//! - [`store`]: the storage traits, their contract, and the engines (sled,
//!   memory);
//! - [`query`]: the query language: parse, check, plan (one operator tree),
//!   execute;
//! - [`Db`]: the front door: sessions, the checked writer, typed outcomes;
//! - [`import`], [`export`]: files in and out;
//! - [`render`]: outputs and outcomes as text.
//!
//! Most programs need only the [`prelude`].
//!
//! ```
//! # fn main() -> claimdb::Result<()> {
//! let dir = tempfile::tempdir().unwrap();
//! let db = claimdb::Db::open_with(dir.path().join("claims.db"), claimdb::OpenOptions::new().seed(true))?;
//! let out = db.query(r#"count claims where speaker = "White""#)?;
//! assert!(out.count().unwrap() > 0);
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

#[cfg(feature = "allocator")]
pub mod allocator;
pub mod attrib;
pub mod cite;
#[cfg(feature = "client")]
pub mod client;
mod db;
pub mod error;
pub mod export;
pub mod import;
pub mod limits;
pub mod model;
pub mod query;
pub mod render;
pub mod seed;
#[cfg(feature = "server")]
pub mod server;
pub mod store;
pub mod text;

pub use db::door;
pub use db::{
    default_reason, restore, set_default_author, set_default_reason, vacuum, with_authorship,
    write_atomically, Accepted, CheckScope, Copied, Db, FileChange, OpenOptions, Prepared, Pruned,
    Recheck, Restored, Session, Snapshot, TextFileChange, Upsert, Vacuumed, Writer,
    DEFAULT_CACHE_BYTES, MAX_KEY_BYTES, MAX_TOKEN_NAME_BYTES, MEMORY,
};
pub use error::{
    Error, ErrorKind, ErrorReport, QueryError, QueryErrorKind, Result, Span, StorageError,
    StorageErrorKind,
};
pub use model::{
    Anchor, Claim, ClaimChanges, ClaimId, Confidence, NewClaim, NewSource, NewSpeaker, Review,
    Role, Source, SourceChanges, SourceKind, Speaker, SpeakerId, Status, Token,
};
pub use query::{Output, Params};
pub use store::{BackupSummary, Durability, Problem, VerifyReport, SCAN_CACHE_BYTES};

/// The names most programs need: `use claimdb::prelude::*;`.
///
/// ```
/// use claimdb::prelude::*;
/// # fn main() -> claimdb::Result<()> {
/// let db = Db::open_in_memory(OpenOptions::new().seed(true))?;
/// let out: Output = db.query_with("count claims where speaker = $1", &Params::new().bind(1, "White"))?;
/// assert!(out.count().unwrap() > 0);
/// # Ok(()) }
/// ```
pub mod prelude {
    pub use crate::model::{
        Claim, ClaimId, Confidence, NewClaim, NewSource, NewSpeaker, Source, Speaker, Status,
    };
    pub use crate::query::{Outcome, Output, Params, Plan};
    pub use crate::{Db, Error, ErrorKind, OpenOptions, Result, Session};
}

/// The README, whose code blocks rustdoc looks at too.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

/// The book's chapter on the library: its Rust examples, compiled and run
/// by `cargo test` so they cannot rot.
#[doc = include_str!("../docs/src/library.md")]
#[cfg(doctest)]
pub struct LibraryChapterDoctests;
