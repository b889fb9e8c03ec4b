//! Handing a corpus out: files other programs (and `claimdb import`) read.
//!
//! `dump.rs` writes everything the database holds (sources with their
//! texts, speakers, claims with where their quotes are anchored) as the
//! JSON Lines that `claimdb import` reads back into an equal database.

mod dump;

pub use dump::write_dump;
