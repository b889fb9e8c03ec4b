//! The key-value floor under the record engines: named trees of ordered
//! byte keys, read through [`KvRead`] and changed through [`KvWrite`].
//!
//! Both engines that ship with claimdb (sled on disk, and the in-memory one
//! the tests use) are this small: they hold trees and apply a batch of puts
//! and removes atomically. Everything that makes a record a record (the
//! encoding, the index entries a claim implies, the counts) is written once,
//! above this floor, in `records.rs`; the files beside it hold the rest
//! of the family: keys (`keys.rs`), value encoding (`codec.rs`), the index
//! table (`indexes.rs`), index entries in chunks (`chunk.rs`,
//! `postings.rs`), the word index's vocabulary (`vocabulary.rs`) and the
//! integrity check and rebuild (`verify.rs`). A writer works on an
//! [`Overlay`] (`overlay.rs`): its reads see its own writes, and nothing
//! reaches the engine until the whole transaction is applied as one batch;
//! a new claim's index entries wait there to be written value by value
//! (`deferred.rs`).

pub(crate) mod backup;
mod base_reads;
pub(crate) mod chunk;
pub mod codec;
pub(crate) mod cuts;
mod deferred;
pub(crate) mod indexes;
pub(crate) mod keys;
mod overlay;
pub(crate) mod postings;
pub(crate) mod rebuild;
pub(crate) mod records;
pub(crate) mod speaker_cache;
pub(crate) mod spill;
pub(crate) mod undo;
pub(crate) mod verify;
pub(crate) mod vocabulary;

use std::ops::Bound;

use crate::error::Result;

/// The trees, in a fixed order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
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
    /// Entries per index value: (index tree, value) -> count.
    Counts,
    /// The words of quotes (after the tree numbers the counts keys use).
    IdxWord,
    /// Each anchored claim's passage: source, span and speaker, so that
    /// the same claim is not stored twice.
    IdxPassage,
    /// Callers' keys of claims.
    IdxKey,
    /// The vocabulary of the word index by trigram (`vocabulary.rs`):
    /// what `quote contains` finds the words holding a needle by.
    WordGrams,
    /// Access tokens by name (only their secrets' hashes).
    Tokens,
    /// Every record's versions: (kind, id, number) -> version (last, so
    /// that the trees before keep their numbers in backups).
    Versions,
}

/// Every tree, in [`T`] order.
pub(crate) const TREES: [T; 19] = [
    T::Meta,
    T::Claims,
    T::Sources,
    T::SourceText,
    T::Speakers,
    T::SpeakerNames,
    T::IdxSpeaker,
    T::IdxSource,
    T::IdxOrigin,
    T::IdxConfidence,
    T::IdxStatus,
    T::IdxTag,
    T::Counts,
    T::IdxWord,
    T::IdxPassage,
    T::IdxKey,
    T::WordGrams,
    T::Tokens,
    T::Versions,
];

impl T {
    /// The tree's name on disk (and in `explain` for the index trees).
    pub(crate) fn name(self) -> &'static str {
        [
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
            "counts",
            "idx_word",
            "idx_passage",
            "idx_key",
            "word_grams",
            "tokens",
            "versions",
        ][self as usize]
    }
}

/// A key and its value.
pub(crate) type Entry = (Vec<u8>, Vec<u8>);

/// Ordered entries of a range, in key order.
pub(crate) type Entries<'a> = Box<dyn Iterator<Item = Result<Entry>> + 'a>;

/// Reading trees.
pub(crate) trait KvRead {
    /// The value under `key`.
    fn get(&self, tree: T, key: &[u8]) -> Result<Option<Vec<u8>>>;
    /// The entries with keys in `from..to`, in key order.
    fn range(&self, tree: T, from: Bound<Vec<u8>>, to: Bound<Vec<u8>>) -> Entries<'_>;

    /// The entries whose keys start with `prefix`.
    fn prefix(&self, tree: T, prefix: Vec<u8>) -> Entries<'_> {
        let end = prefix_end(&prefix);
        self.range(tree, Bound::Included(prefix), end)
    }

    /// The entry with the greatest key in `from..to`. (An engine answers
    /// it without reading the range; this default reads it.)
    fn last_entry(&self, tree: T, from: Bound<&[u8]>, to: Bound<&[u8]>) -> Result<Option<Entry>> {
        let mut last = None;
        for entry in self.range(tree, from.map(<[u8]>::to_vec), to.map(<[u8]>::to_vec)) {
            last = Some(entry?);
        }
        Ok(last)
    }

    /// The entry with the least key in `from..to`.
    fn first_entry(&self, tree: T, from: Bound<&[u8]>, to: Bound<&[u8]>) -> Result<Option<Entry>> {
        let mut range = self.range(tree, from.map(<[u8]>::to_vec), to.map(<[u8]>::to_vec));
        range.next().transpose()
    }

    /// Where speakers read are kept between statements, when the engine
    /// keeps them for this view (a committed state no write can change
    /// while the view lives; never a transaction's own writes).
    fn speaker_cache(&self) -> Option<&speaker_cache::SpeakerCache> {
        None
    }
}

/// Whether `from..to` is empty by its bounds alone (a `BTreeMap` panics
/// on such a range rather than yield nothing).
pub(crate) fn crossed(from: Bound<&[u8]>, to: Bound<&[u8]>) -> bool {
    match (from, to) {
        (Bound::Included(a), Bound::Included(b)) => a > b,
        (Bound::Included(a) | Bound::Excluded(a), Bound::Included(b) | Bound::Excluded(b)) => {
            a >= b
        }
        _ => false,
    }
}

/// Changing trees (inside a transaction).
pub(crate) trait KvWrite: KvRead {
    /// Puts `value` under `key`.
    fn insert(&mut self, tree: T, key: Vec<u8>, value: Vec<u8>) -> Result<()>;
    /// Removes `key`.
    fn remove(&mut self, tree: T, key: Vec<u8>) -> Result<()>;
}

/// The first key after every key that starts with `prefix`.
pub(crate) fn prefix_end(prefix: &[u8]) -> Bound<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < u8::MAX {
            end.push(last + 1);
            return Bound::Excluded(end);
        }
    }
    Bound::Unbounded
}

pub(crate) use overlay::{Overlay, Pending};

/// A base with nothing in it, for tests of what is written over one.
#[cfg(test)]
pub(crate) struct Empty;

#[cfg(test)]
impl KvRead for Empty {
    fn get(&self, _: T, _: &[u8]) -> Result<Option<Vec<u8>>> {
        Ok(None)
    }
    fn range(&self, _: T, _: Bound<Vec<u8>>, _: Bound<Vec<u8>>) -> Entries<'_> {
        Box::new(std::iter::empty())
    }
}
