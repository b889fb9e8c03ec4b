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
//! integrity check and rebuild (`verify.rs`). A writer works on an [`Overlay`]: its
//! reads see its own writes, and nothing reaches the engine until the whole
//! transaction is applied as one batch, so the caller's closure runs exactly
//! once and an engine that retries (sled does, on conflict) replays a plain
//! list of changes.

pub(crate) mod backup;
pub(crate) mod chunk;
pub mod codec;
pub(crate) mod indexes;
pub(crate) mod keys;
pub(crate) mod postings;
pub(crate) mod rebuild;
pub(crate) mod records;
pub(crate) mod spill;
pub(crate) mod undo;
pub(crate) mod verify;
pub(crate) mod vocabulary;

use std::collections::BTreeMap;
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

/// A transaction's changes, tree by tree, each key to `Some(value)` (put)
/// or `None` (remove). Kept per tree so that a key is looked up as the
/// bytes it is, and a range of one tree is a range of its map.
pub(crate) struct Pending(Vec<BTreeMap<Vec<u8>, Option<Vec<u8>>>>);

impl Pending {
    fn new() -> Self {
        Pending(vec![BTreeMap::new(); TREES.len()])
    }

    fn tree(&self, tree: T) -> &BTreeMap<Vec<u8>, Option<Vec<u8>>> {
        &self.0[tree as usize]
    }

    fn tree_mut(&mut self, tree: T) -> &mut BTreeMap<Vec<u8>, Option<Vec<u8>>> {
        &mut self.0[tree as usize]
    }

    /// Puts of `entries`, as one batch.
    pub(crate) fn of_entries(entries: Vec<(T, Vec<u8>, Vec<u8>)>) -> Self {
        let mut pending = Pending::new();
        for (tree, key, value) in entries {
            pending.tree_mut(tree).insert(key, Some(value));
        }
        pending
    }

    /// Whether the transaction changed nothing.
    pub(crate) fn is_empty(&self) -> bool {
        self.0.iter().all(BTreeMap::is_empty)
    }

    /// Every change, in tree and key order.
    pub(crate) fn changes(&self) -> impl Iterator<Item = (T, &[u8], Option<&[u8]>)> {
        TREES.iter().zip(&self.0).flat_map(|(&tree, changes)| {
            changes
                .iter()
                .map(move |(key, change)| (tree, key.as_slice(), change.as_deref()))
        })
    }

    /// Every change, in tree and key order, owned.
    pub(crate) fn into_changes(self) -> impl Iterator<Item = (T, Vec<u8>, Option<Vec<u8>>)> {
        TREES.into_iter().zip(self.0).flat_map(|(tree, changes)| {
            changes
                .into_iter()
                .map(move |(key, change)| (tree, key, change))
        })
    }
}

/// A transaction's writes over a base that does not change while it runs.
pub(crate) struct Overlay<'b> {
    base: &'b dyn KvRead,
    pending: Pending,
}

impl<'b> Overlay<'b> {
    /// An empty transaction over `base`.
    pub(crate) fn new(base: &'b dyn KvRead) -> Self {
        Overlay {
            base,
            pending: Pending::new(),
        }
    }

    /// Whether the transaction has changed nothing so far.
    pub(crate) fn is_unchanged(&self) -> bool {
        self.pending.is_empty()
    }

    /// The changes, to apply as one batch.
    pub(crate) fn into_pending(self) -> Pending {
        self.pending
    }
}

impl KvRead for Overlay<'_> {
    fn get(&self, tree: T, key: &[u8]) -> Result<Option<Vec<u8>>> {
        match self.pending.tree(tree).get(key) {
            Some(change) => Ok(change.clone()),
            None => self.base.get(tree, key),
        }
    }

    fn range(&self, tree: T, from: Bound<Vec<u8>>, to: Bound<Vec<u8>>) -> Entries<'_> {
        // A range whose bounds cross holds nothing (and would make the
        // pending map's range panic).
        if crossed(
            from.as_ref().map(Vec::as_slice),
            to.as_ref().map(Vec::as_slice),
        ) {
            return Box::new(std::iter::empty());
        }
        // The base's entries with this transaction's changes laid over them.
        let mut merged: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
        for entry in self.base.range(tree, from.clone(), to.clone()) {
            match entry {
                Ok((k, v)) => {
                    merged.insert(k, v);
                }
                Err(e) => return Box::new(std::iter::once(Err(e))),
            }
        }
        for (k, change) in self.pending.tree(tree).range((from, to)) {
            match change {
                Some(v) => merged.insert(k.clone(), v.clone()),
                None => merged.remove(k),
            };
        }
        Box::new(merged.into_iter().map(Ok))
    }

    fn last_entry(&self, tree: T, from: Bound<&[u8]>, to: Bound<&[u8]>) -> Result<Option<Entry>> {
        self.end_entry(tree, from, to, End::Last)
    }

    fn first_entry(&self, tree: T, from: Bound<&[u8]>, to: Bound<&[u8]>) -> Result<Option<Entry>> {
        self.end_entry(tree, from, to, End::First)
    }
}

/// Which end of a range.
#[derive(Clone, Copy, PartialEq)]
enum End {
    First,
    Last,
}

impl Overlay<'_> {
    /// The entry at `end` of `from..to` as this transaction sees it: the
    /// base's, unless the transaction holds a key beyond it (toward the
    /// range's inside) or has changed or removed it; past a removed key,
    /// the base is asked again.
    fn end_entry(
        &self,
        tree: T,
        from: Bound<&[u8]>,
        to: Bound<&[u8]>,
        end: End,
    ) -> Result<Option<Entry>> {
        if crossed(from, to) {
            return Ok(None);
        }
        let pending = self.pending.tree(tree);
        let (mut from, mut to) = (from.map(<[u8]>::to_vec), to.map(<[u8]>::to_vec));
        loop {
            let (low, high) = (
                from.as_ref().map(Vec::as_slice),
                to.as_ref().map(Vec::as_slice),
            );
            let base = match end {
                End::Last => self.base.last_entry(tree, low, high)?,
                End::First => self.base.first_entry(tree, low, high)?,
            };
            // The transaction's keys between the base's and the range's end.
            let beyond = match (&base, end) {
                (None, _) => (low, high),
                (Some((key, _)), End::Last) => (Bound::Excluded(key.as_slice()), high),
                (Some((key, _)), End::First) => (low, Bound::Excluded(key.as_slice())),
            };
            if !crossed(beyond.0, beyond.1) {
                let held =
                    |(k, change): (&Vec<u8>, &Option<Vec<u8>>)| Some((k.clone(), change.clone()?));
                let mut range = pending.range::<[u8], _>(beyond);
                let held = match end {
                    End::Last => range.rev().find_map(held),
                    End::First => range.find_map(held),
                };
                if held.is_some() {
                    return Ok(held);
                }
            }
            let Some((key, value)) = base else {
                return Ok(None);
            };
            match pending.get(&key) {
                None => return Ok(Some((key, value))),
                Some(Some(changed)) => return Ok(Some((key, changed.clone()))),
                // Removed here: the answer lies past it.
                Some(None) if end == End::Last => to = Bound::Excluded(key),
                Some(None) => from = Bound::Excluded(key),
            }
        }
    }
}

impl KvWrite for Overlay<'_> {
    fn insert(&mut self, tree: T, key: Vec<u8>, value: Vec<u8>) -> Result<()> {
        self.pending.tree_mut(tree).insert(key, Some(value));
        Ok(())
    }

    fn remove(&mut self, tree: T, key: Vec<u8>) -> Result<()> {
        self.pending.tree_mut(tree).insert(key, None);
        Ok(())
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    struct Base(BTreeMap<Vec<u8>, Vec<u8>>);

    impl KvRead for Base {
        fn get(&self, _: T, key: &[u8]) -> Result<Option<Vec<u8>>> {
            Ok(self.0.get(key).cloned())
        }
        fn range(&self, _: T, from: Bound<Vec<u8>>, to: Bound<Vec<u8>>) -> Entries<'_> {
            Box::new(
                self.0
                    .range((from, to))
                    .map(|(k, v)| Ok((k.clone(), v.clone()))),
            )
        }
    }

    #[test]
    fn an_overlay_reads_its_own_writes_over_the_base() {
        let base = Base(
            [
                (b"a".to_vec(), b"1".to_vec()),
                (b"b".to_vec(), b"2".to_vec()),
            ]
            .into_iter()
            .collect(),
        );
        let mut o = Overlay::new(&base);
        o.remove(T::Claims, b"a".to_vec()).unwrap();
        o.insert(T::Claims, b"c".to_vec(), b"3".to_vec()).unwrap();
        o.insert(T::Meta, b"b".to_vec(), b"other tree".to_vec())
            .unwrap();
        assert_eq!(o.get(T::Claims, b"a").unwrap(), None);
        assert_eq!(o.get(T::Claims, b"b").unwrap(), Some(b"2".to_vec()));
        let keys: Vec<Vec<u8>> = o
            .range(T::Claims, Bound::Unbounded, Bound::Unbounded)
            .map(|e| e.unwrap().0)
            .collect();
        assert_eq!(keys, vec![b"b".to_vec(), b"c".to_vec()]);
        assert_eq!(prefix_end(b"a\xff"), Bound::Excluded(b"b".to_vec()));
    }

    /// The first and last entries of a range see the transaction's own
    /// writes: a key it removed is passed over (to the base's key below or
    /// above it), one it added or changed is found, in any bounds.
    #[test]
    fn an_overlay_finds_a_range_s_ends_through_its_own_writes() {
        let base = Base(
            ["a", "b", "c", "e"]
                .iter()
                .map(|k| (k.as_bytes().to_vec(), b"base".to_vec()))
                .collect(),
        );
        let mut o = Overlay::new(&base);
        o.remove(T::Claims, b"c".to_vec()).unwrap();
        o.remove(T::Claims, b"e".to_vec()).unwrap();
        o.insert(T::Claims, b"d".to_vec(), b"new".to_vec()).unwrap();
        o.insert(T::Claims, b"b".to_vec(), b"changed".to_vec())
            .unwrap();
        let key = |e: Option<Entry>| {
            e.map(|(k, v)| (String::from_utf8(k).unwrap(), String::from_utf8(v).unwrap()))
        };
        let last = |from: &str, to: Bound<&str>| {
            key(o
                .last_entry(
                    T::Claims,
                    Bound::Included(from.as_bytes()),
                    to.map(str::as_bytes),
                )
                .unwrap())
        };
        let first = |from: Bound<&str>, to: &str| {
            key(o
                .first_entry(
                    T::Claims,
                    from.map(str::as_bytes),
                    Bound::Included(to.as_bytes()),
                )
                .unwrap())
        };
        let pair = |k: &str, v: &str| Some((k.to_string(), v.to_string()));
        assert_eq!(last("a", Bound::Included("z")), pair("d", "new"));
        assert_eq!(last("a", Bound::Included("c")), pair("b", "changed"));
        assert_eq!(last("a", Bound::Excluded("b")), pair("a", "base"));
        assert_eq!(last("c", Bound::Included("c")), None);
        assert_eq!(last("z", Bound::Included("a")), None);
        assert_eq!(first(Bound::Excluded("b"), "z"), pair("d", "new"));
        assert_eq!(first(Bound::Included("a"), "z"), pair("a", "base"));
        assert_eq!(first(Bound::Excluded("a"), "c"), pair("b", "changed"));
        assert_eq!(first(Bound::Excluded("d"), "z"), None);
        assert_eq!(first(Bound::Included("e"), "e"), None);
        assert_eq!(prefix_end(b"\xff"), Bound::Unbounded);
    }
}
