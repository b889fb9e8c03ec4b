//! A transaction's new index entries, held back and written value by value.
//!
//! A claim has some thirty index entries, and a load of two thousand claims
//! in one transaction touches a common value (a status, a frequent word, a
//! busy speaker) hundreds of times. Written one by one, each entry reads
//! the value's tail chunk and count and writes them back. Held back here,
//! a value's new postings are sorted and appended to its tail at once
//! ([`postings::add_all`]) and its count changed once. The [`Overlay`]
//! writes them before anything reads or writes a tree they change
//! ([`holds_back`]), so no reader can tell the difference.
//!
//! [`Overlay`]: super::Overlay

use std::collections::BTreeMap;

use super::chunk::Held;
use super::indexes::{count_key, is_counted, unique_index, INDEXES};
use super::postings::{self, records_confidence};
use super::{codec, vocabulary, KvWrite, T, TREES};
use crate::error::Result;

/// Whether the deferred entries may change `tree`: the index trees whose
/// entries are deferred (every one but the unique indexes, which the
/// writer reads for each claim to refuse a duplicate), the counts, and the
/// word vocabulary the counts keep.
pub(crate) fn holds_back(tree: T) -> bool {
    is_deferred(tree) || matches!(tree, T::Counts | T::WordGrams)
}

/// Whether a new claim's entries in index tree `tree` are deferred.
pub(crate) fn is_deferred(tree: T) -> bool {
    INDEXES.iter().any(|d| d.tree == tree) && unique_index(tree).is_none()
}

/// New postings and count changes, by index tree and value.
pub(crate) struct Deferred {
    postings: Vec<BTreeMap<Vec<u8>, Vec<Held>>>,
    counts: Vec<BTreeMap<Vec<u8>, i64>>,
    held: usize,
}

impl Default for Deferred {
    fn default() -> Self {
        Deferred {
            postings: vec![BTreeMap::new(); TREES.len()],
            counts: vec![BTreeMap::new(); TREES.len()],
            held: 0,
        }
    }
}

impl Deferred {
    /// Whether nothing is held back.
    pub(crate) fn is_empty(&self) -> bool {
        self.held == 0
    }

    /// Holds back the entry `entry` (value ++ claim id) of index tree
    /// `tree` for a claim of `confidence`, and one more in its count.
    pub(crate) fn add(&mut self, tree: T, entry: &[u8], confidence: u16) -> Result<()> {
        let (value, id) = postings::split(entry)?;
        let posting = (id, records_confidence(tree).then_some(confidence));
        let list = &mut self.postings[tree as usize];
        match list.get_mut(value) {
            Some(held) => held.push(posting),
            None => {
                list.insert(value.to_vec(), vec![posting]);
            }
        }
        if is_counted(tree) {
            let counts = &mut self.counts[tree as usize];
            match counts.get_mut(value) {
                Some(n) => *n += 1,
                None => {
                    counts.insert(value.to_vec(), 1);
                }
            }
        }
        self.held += 1;
        Ok(())
    }

    /// Writes everything held back to `kv`: each value's postings in one
    /// go, then each count.
    pub(crate) fn settle(self, kv: &mut impl KvWrite) -> Result<()> {
        for (&tree, values) in TREES.iter().zip(self.postings) {
            for (value, mut list) in values {
                // Ids in order, one posting per id (the last added wins,
                // as when an entry is added twice).
                list.reverse();
                list.sort_by_key(|posting| posting.0);
                list.dedup_by_key(|posting| posting.0);
                postings::add_all(kv, tree, &value, &list)?;
            }
        }
        for (&tree, values) in TREES.iter().zip(self.counts) {
            for (value, delta) in values {
                change_count(kv, tree, count_key(tree, &value), delta)?;
            }
        }
        Ok(())
    }
}

/// Changes the count under `key` (of a value of index tree `tree`) by
/// `delta`, keeping the word vocabulary when a word comes or goes.
pub(crate) fn change_count(kv: &mut impl KvWrite, tree: T, key: Vec<u8>, delta: i64) -> Result<()> {
    let now: u64 = match kv.get(T::Counts, &key)? {
        Some(v) => codec::decode(&v, "index count")?,
        None => 0,
    };
    let next = now.saturating_add_signed(delta);
    if tree == T::IdxWord && (now == 0) != (next == 0) {
        let word = vocabulary::word_of_count_key(&key)?;
        vocabulary::on_count_change(kv, &word, now, next)?;
    }
    match next {
        0 => kv.remove(T::Counts, key),
        n => kv.insert(T::Counts, key, codec::encode(&n)?),
    }
}
