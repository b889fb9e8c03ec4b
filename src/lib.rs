//! claimdb: a citation-checked claims database with a query language.
//!
//! A *claim* is a statement attributed to a *speaker*, found in a *source*
//! document, with a confidence and a verbatim quote. claimdb anchors the
//! quote in the source's text itself and refuses a claim whose quote is not
//! there, so a misquoted number, name or negation never passes as verified.
//!
//! The layers, lowest first (a layer never uses one above it):
//!
//! - [`model`]: the records, plain serde types;
//! - [`cite`]: text normalization and quote location, pure functions;
//! - [`attrib`]: who a source credits with a passage; claims proposed from a text;
//! - [`store`]: sled trees, keys, values and indexes;
//! - [`query`]: the query language: parse, plan, execute;
//! - [`render`]: rows to aligned tables and JSON;
//! - [`Db`]: the front door that ties them together.
//!
//! ```
//! # fn main() -> claimdb::Result<()> {
//! let dir = tempfile::tempdir().unwrap();
//! let db = claimdb::Db::open(dir.path().join("claims.db"))?;
//! let out = db.query(r#"count claims where speaker = "White""#)?;
//! assert!(out.count().unwrap() > 0);
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

pub mod attrib;
pub mod cite;
mod db;
pub mod error;
pub mod export;
pub mod import;
pub mod limits;
pub mod model;
pub mod query;
pub mod render;
pub mod seed;
pub mod store;
pub mod text;

pub use db::{
    Accepted, CheckScope, ClaimChanges, Db, OpenOptions, Prepared, Recheck, Session, Snapshot,
    SourceChanges, Upsert, Writer, DEFAULT_CACHE_BYTES, MAX_KEY_BYTES,
};
pub use error::{
    Error, ErrorKind, ErrorReport, QueryError, QueryErrorKind, Result, Span, StorageError,
    StorageErrorKind,
};
pub use model::{
    Anchor, Claim, ClaimId, Confidence, NewClaim, NewSource, NewSpeaker, Source, SourceKind,
    Speaker, SpeakerId, Status,
};
pub use query::{Output, Params};
pub use store::{Durability, Problem, VerifyReport};

/// The README's Rust example, compiled by `cargo test` so it cannot rot.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
