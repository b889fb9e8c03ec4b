//! A transaction's writes laid over the database as it was when the
//! transaction began: reads see the transaction's own writes, and nothing
//! reaches the engine until the whole transaction is applied as one batch
//! ([`Pending`]), so the caller's closure runs exactly once and an engine
//! that retries (sled does, on conflict) replays a plain list of changes.
//!
//! A new claim's index entries and counts are held back ([`Deferred`])
//! and written value by value when the transaction is applied, or sooner,
//! the moment anything reads or writes a tree they change. A load of two
//! thousand claims then reads and rewrites a value's tail and count once,
//! not once per claim that holds the value (some sixty thousand reads of
//! the transaction's own writes, each copying what it read). The deferred
//! entries live in a `RefCell` because a read (`&self`) may have to write
//! them first.
//!
//! An undoable commit (`undo.rs`) journals what the base held under every
//! key it changes. Most of those keys the transaction read already (a
//! value's tail and count, a claim looked up before it is written), so the
//! overlay can keep what its reads found in the base
//! ([`Overlay::keep_base_reads`], `base_reads.rs`), and the journal reads
//! the base only for the rest.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::ops::Bound;

use super::base_reads::BaseReads;
use super::deferred::{self, Deferred};
use super::{crossed, Entries, Entry, KvRead, KvWrite, T, TREES};
use crate::error::Result;

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

    /// Whether the transaction changed anything in `tree`.
    pub(crate) fn touches(&self, tree: T) -> bool {
        !self.0[tree as usize].is_empty()
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

/// A key and what the base holds under it (`None`: nothing).
pub(crate) type KeyBefore = (T, Vec<u8>, Option<Vec<u8>>);

/// What reads found in the base, when it is kept.
type Seen = RefCell<BaseReads>;

/// Reads of a base with a transaction's changes laid over it.
struct Layer<'a> {
    base: &'a dyn KvRead,
    pending: &'a Pending,
    /// Where what the base answered is kept, when it is.
    seen: Option<&'a Seen>,
}

impl Layer<'_> {
    fn get(&self, tree: T, key: &[u8]) -> Result<Option<Vec<u8>>> {
        match self.pending.tree(tree).get(key) {
            Some(change) => Ok(change.clone()),
            None => {
                let value = self.base.get(tree, key)?;
                self.saw(tree, key, value.as_deref());
                Ok(value)
            }
        }
    }

    /// Keeps what the base holds under `key`, when reads are kept.
    fn saw(&self, tree: T, key: &[u8], value: Option<&[u8]>) {
        if let Some(seen) = self.seen {
            seen.borrow_mut().value(tree, key, value);
        }
    }

    /// Keeps that `from..to` was read whole from the base, when reads are
    /// kept.
    fn saw_whole(&self, tree: T, from: Bound<&[u8]>, to: Bound<&[u8]>) {
        if let Some(seen) = self.seen {
            seen.borrow_mut().whole(tree, from, to);
        }
    }

    /// The base's entries in `from..to` with the changes laid over them.
    fn range(&self, tree: T, from: Bound<Vec<u8>>, to: Bound<Vec<u8>>) -> Entries<'static> {
        // A range whose bounds cross holds nothing (and would make the
        // pending map's range panic).
        if crossed(
            from.as_ref().map(Vec::as_slice),
            to.as_ref().map(Vec::as_slice),
        ) {
            return Box::new(std::iter::empty());
        }
        let mut merged: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
        for entry in self.base.range(tree, from.clone(), to.clone()) {
            match entry {
                Ok((k, v)) => {
                    self.saw(tree, &k, Some(&v));
                    merged.insert(k, v);
                }
                Err(e) => return Box::new(std::iter::once(Err(e))),
            }
        }
        self.saw_whole(
            tree,
            from.as_ref().map(Vec::as_slice),
            to.as_ref().map(Vec::as_slice),
        );
        for (k, change) in self.pending.tree(tree).range((from, to)) {
            match change {
                Some(v) => merged.insert(k.clone(), v.clone()),
                None => merged.remove(k),
            };
        }
        Box::new(merged.into_iter().map(Ok))
    }

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
            // What lies between the base's answer and the range's end
            // (the whole range, when none), the base holds nothing in.
            match (&base, end) {
                (Some((key, value)), End::Last) => {
                    self.saw(tree, key, Some(value));
                    self.saw_whole(tree, Bound::Excluded(key), high);
                }
                (Some((key, value)), End::First) => {
                    self.saw(tree, key, Some(value));
                    self.saw_whole(tree, low, Bound::Excluded(key));
                }
                (None, _) => self.saw_whole(tree, low, high),
            }
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

/// Which end of a range.
#[derive(Clone, Copy, PartialEq)]
enum End {
    First,
    Last,
}

/// A transaction's writes over a base that does not change while it runs.
pub(crate) struct Overlay<'b> {
    base: &'b dyn KvRead,
    pending: RefCell<Pending>,
    deferred: RefCell<Deferred>,
    /// What reads found in the base, when kept ([`Overlay::keep_base_reads`]).
    seen: Option<Seen>,
}

impl<'b> Overlay<'b> {
    /// An empty transaction over `base`.
    pub(crate) fn new(base: &'b dyn KvRead) -> Self {
        Overlay {
            base,
            pending: RefCell::new(Pending::new()),
            deferred: RefCell::new(Deferred::default()),
            seen: None,
        }
    }

    /// Keeps, from now on, what reads find in the base, for
    /// [`Overlay::befores`] (an undoable commit's journal).
    pub(crate) fn keep_base_reads(&mut self) {
        self.seen = Some(RefCell::new(BaseReads::new()));
    }

    /// Each key the transaction changes (but those `skip` names) and what
    /// the base holds under it: as a read of the transaction found it,
    /// when reads are kept, else read now. The deferred entries are
    /// written first.
    pub(crate) fn befores(&mut self, skip: impl Fn(T, &[u8]) -> bool) -> Result<Vec<KeyBefore>> {
        self.settle()?;
        let pending = self.pending.borrow();
        let mut seen = self.seen.as_ref().map(RefCell::borrow_mut);
        let mut befores = Vec::new();
        for (tree, key, _) in pending.changes() {
            if skip(tree, key) {
                continue;
            }
            let known = seen.as_mut().and_then(|s| s.before(tree, key));
            let before = match known {
                Some(before) => before,
                None => self.base.get(tree, key)?,
            };
            befores.push((tree, key.to_vec(), before));
        }
        Ok(befores)
    }

    /// Whether the transaction has changed nothing so far.
    pub(crate) fn is_unchanged(&self) -> bool {
        self.pending.borrow().is_empty() && self.deferred.borrow().is_empty()
    }

    /// The changes, to apply as one batch (the deferred entries written).
    pub(crate) fn into_pending(self) -> Result<Pending> {
        self.settle()?;
        Ok(self.pending.into_inner())
    }

    /// The database the transaction began from.
    pub(crate) fn base(&self) -> &'b dyn KvRead {
        self.base
    }

    /// Adds a new claim's entry `entry` to index tree `tree` (and its
    /// count), held back until the tree is next read or the transaction
    /// is applied; for the trees [`deferred::holds_back`] names.
    pub(crate) fn defer(&mut self, tree: T, entry: &[u8], confidence: u16) -> Result<()> {
        self.deferred.get_mut().add(tree, entry, confidence)
    }

    /// Writes the deferred entries when `tree` is one they change.
    fn settle_before(&self, tree: T) -> Result<()> {
        match deferred::holds_back(tree) {
            true => self.settle(),
            false => Ok(()),
        }
    }

    /// Writes every deferred entry now.
    fn settle(&self) -> Result<()> {
        let taken = {
            let mut held = self.deferred.borrow_mut();
            if held.is_empty() {
                return Ok(());
            }
            std::mem::take(&mut *held)
        };
        taken.settle(&mut Writing {
            base: self.base,
            pending: &mut self.pending.borrow_mut(),
            seen: self.seen.as_ref(),
        })
    }

    fn layer<T2>(&self, read: impl FnOnce(&Layer) -> T2) -> T2 {
        read(&Layer {
            base: self.base,
            pending: &self.pending.borrow(),
            seen: self.seen.as_ref(),
        })
    }
}

impl KvRead for Overlay<'_> {
    fn get(&self, tree: T, key: &[u8]) -> Result<Option<Vec<u8>>> {
        self.settle_before(tree)?;
        self.layer(|l| l.get(tree, key))
    }

    fn range(&self, tree: T, from: Bound<Vec<u8>>, to: Bound<Vec<u8>>) -> Entries<'_> {
        if let Err(e) = self.settle_before(tree) {
            return Box::new(std::iter::once(Err(e)));
        }
        self.layer(|l| l.range(tree, from, to))
    }

    fn last_entry(&self, tree: T, from: Bound<&[u8]>, to: Bound<&[u8]>) -> Result<Option<Entry>> {
        self.settle_before(tree)?;
        self.layer(|l| l.end_entry(tree, from, to, End::Last))
    }

    fn first_entry(&self, tree: T, from: Bound<&[u8]>, to: Bound<&[u8]>) -> Result<Option<Entry>> {
        self.settle_before(tree)?;
        self.layer(|l| l.end_entry(tree, from, to, End::First))
    }
}

impl KvWrite for Overlay<'_> {
    fn insert(&mut self, tree: T, key: Vec<u8>, value: Vec<u8>) -> Result<()> {
        self.settle_before(tree)?;
        self.pending
            .get_mut()
            .tree_mut(tree)
            .insert(key, Some(value));
        Ok(())
    }

    fn remove(&mut self, tree: T, key: Vec<u8>) -> Result<()> {
        self.settle_before(tree)?;
        self.pending.get_mut().tree_mut(tree).insert(key, None);
        Ok(())
    }
}

/// Reads and writes straight to a transaction's changes, for writing its
/// deferred entries (which must not wait on themselves).
struct Writing<'a> {
    base: &'a dyn KvRead,
    pending: &'a mut Pending,
    seen: Option<&'a Seen>,
}

impl Writing<'_> {
    fn layer(&self) -> Layer<'_> {
        Layer {
            base: self.base,
            pending: self.pending,
            seen: self.seen,
        }
    }
}

impl KvRead for Writing<'_> {
    fn get(&self, tree: T, key: &[u8]) -> Result<Option<Vec<u8>>> {
        self.layer().get(tree, key)
    }

    fn range(&self, tree: T, from: Bound<Vec<u8>>, to: Bound<Vec<u8>>) -> Entries<'_> {
        self.layer().range(tree, from, to)
    }

    fn last_entry(&self, tree: T, from: Bound<&[u8]>, to: Bound<&[u8]>) -> Result<Option<Entry>> {
        self.layer().end_entry(tree, from, to, End::Last)
    }

    fn first_entry(&self, tree: T, from: Bound<&[u8]>, to: Bound<&[u8]>) -> Result<Option<Entry>> {
        self.layer().end_entry(tree, from, to, End::First)
    }
}

impl KvWrite for Writing<'_> {
    fn insert(&mut self, tree: T, key: Vec<u8>, value: Vec<u8>) -> Result<()> {
        self.pending.tree_mut(tree).insert(key, Some(value));
        Ok(())
    }

    fn remove(&mut self, tree: T, key: Vec<u8>) -> Result<()> {
        self.pending.tree_mut(tree).insert(key, None);
        Ok(())
    }
}

#[cfg(test)]
#[cfg(test)]
mod tests {
    use super::super::prefix_end;
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

    /// A deferred entry is there for any read of a tree it changes (and
    /// its count with it), and in the changes applied; reads of other
    /// trees leave it waiting.
    #[test]
    fn deferred_entries_are_written_before_anything_reads_them() {
        let base = Base(BTreeMap::new());
        let mut o = Overlay::new(&base);
        let mut entry = b"w\0\x01".to_vec();
        entry.extend_from_slice(&7u64.to_be_bytes());
        o.defer(T::IdxTag, &entry, 5_000).unwrap();
        assert!(!o.is_unchanged());
        assert_eq!(o.get(T::Claims, b"x").unwrap(), None);
        assert!(
            o.pending.borrow().is_empty(),
            "read of another tree settled"
        );
        let tag = |o: &Overlay| {
            o.range(T::IdxTag, Bound::Unbounded, Bound::Unbounded)
                .count()
        };
        assert_eq!(tag(&o), 1);
        assert!(o.deferred.borrow().is_empty());
        let counts = o
            .range(T::Counts, Bound::Unbounded, Bound::Unbounded)
            .count();
        assert_eq!(counts, 1);
        // Deferred again, then applied: written with the rest.
        let mut other = b"u\0\x01".to_vec();
        other.extend_from_slice(&8u64.to_be_bytes());
        o.defer(T::IdxTag, &other, 5_000).unwrap();
        let pending = o.into_pending().unwrap();
        let written = pending.changes().filter(|c| c.0 == T::IdxTag).count();
        assert_eq!(written, 2);
    }
}
