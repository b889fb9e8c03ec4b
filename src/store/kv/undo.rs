//! Writes that can be taken back whole after they were committed: the
//! undo journal of an all-or-nothing import too large for one transaction
//! in memory. While it is on, each commit also records the value every
//! key it changes had before it (or that it had none), in the meta tree:
//! one record per commit, under `undo:` and the commit's number in the
//! run, cut into parts of about [`PART_BYTES`]. A marker says that the
//! journal is open. Kept, the marker goes in one commit and the journal
//! after it (what is left of it, with no marker, is only cleared).
//! Undone, the records are applied newest first, a part at a time, each
//! part dropped in the commit that applies it, and the marker goes last: a
//! crash while undoing leaves the marker, and the next open undoes the
//! rest. What the journal records is bytes, so it undoes every table
//! alike: records, indexes, counts, counters, versions.
//!
//! A record per commit, rather than an entry per key recorded the first
//! time the run changes it (this journal's first form, whose `undo/`
//! entries an older build may have left open, and which are still undone),
//! writes a few dozen keys per commit instead of one per key changed, and
//! needs no lookup of whether a key was journaled before: undone newest
//! first, a key's record from an earlier commit is applied last.

use std::ops::Bound;

use super::{codec, KvRead, KvWrite, Overlay, T, TREES};
use crate::error::{Error, Result};

/// The meta key that says an undoable run of writes is open.
pub(crate) const MARKER: &[u8] = b"undo_open";
/// The meta keys of the journal: `undo:`, the commit's number in the run
/// and the part's (big-endian, so that they sort in order).
const PREFIX: &[u8] = b"undo:";
/// The first form's entries: `undo/`, the tree's number, the key.
const FIRST_FORM: &[u8] = b"undo/";
/// About the most bytes of one part of a commit's record. A part is one
/// value in the meta tree, and sled copies a node whole on each write to
/// it (a node holds up to 16 keys).
const PART_BYTES: usize = 32 << 10;

/// About the most bytes of parts a commit of a kept run's clearing reads.
const CLEAR_BYTES: usize = 8 << 20;

/// A key as it was before a commit: its tree's number, the key, the value.
type Before = (u8, Vec<u8>, Option<Vec<u8>>);

/// Whether a meta key is the journal's own (never journaled).
fn is_journal(key: &[u8]) -> bool {
    key == MARKER || key.starts_with(PREFIX) || key.starts_with(FIRST_FORM)
}

/// Records in `overlay`, beside its changes, the value each key it
/// changes had before it. `unjournaled`: meta keys that only ever count up
/// (a commit number), which undoing must not set back.
pub(crate) fn journal(overlay: &mut Overlay<'_>, unjournaled: &[&[u8]]) -> Result<()> {
    let base = overlay.base();
    let mut parts: Vec<Vec<Before>> = vec![Vec::new()];
    let mut bytes = 0;
    let befores = overlay
        .befores(|tree, key| tree == T::Meta && (is_journal(key) || unjournaled.contains(&key)))?;
    for (tree, key, before) in befores {
        let size = key.len() + before.as_ref().map_or(0, Vec::len) + 16;
        if bytes + size > PART_BYTES && !parts[parts.len() - 1].is_empty() {
            parts.push(Vec::new());
            bytes = 0;
        }
        bytes += size;
        let last = parts.len() - 1;
        parts[last].push((tree as u8, key, before));
    }
    if parts[0].is_empty() {
        return Ok(());
    }
    let commit = match base.last_entry(
        T::Meta,
        Bound::Included(PREFIX),
        Bound::Excluded(&prefix_end()),
    )? {
        Some((key, _)) => numbers(&key)?.0 + 1,
        None => 0,
    };
    for (part, befores) in parts.iter().enumerate() {
        let mut key = PREFIX.to_vec();
        key.extend_from_slice(&commit.to_be_bytes());
        key.extend_from_slice(&(part as u32).to_be_bytes());
        overlay.insert(T::Meta, key, codec::encode(befores)?)?;
    }
    Ok(())
}

/// The first key after every record's.
fn prefix_end() -> Vec<u8> {
    let mut end = PREFIX.to_vec();
    *end.last_mut().expect("a prefix") += 1;
    end
}

/// A record key's commit and part numbers.
fn numbers(key: &[u8]) -> Result<(u64, u32)> {
    let rest = &key[PREFIX.len()..];
    match (rest.get(..8), rest.get(8..)) {
        (Some(commit), Some(part)) if part.len() == 4 => Ok((
            u64::from_be_bytes(commit.try_into().expect("eight bytes")),
            u32::from_be_bytes(part.try_into().expect("four bytes")),
        )),
        _ => Err(Error::Corrupt("an undo journal key cannot be read".into())),
    }
}

/// Whether an undoable run was left open (a crash before its end).
pub(crate) fn is_open(base: &dyn KvRead) -> Result<bool> {
    Ok(base.get(T::Meta, MARKER)?.is_some())
}

/// Sets keys back to the values the journal recorded, newest part first,
/// about `limit` keys' worth, and drops the parts applied; how many keys.
pub(crate) fn undo_some(overlay: &mut Overlay<'_>, limit: usize) -> Result<usize> {
    let done = undo_first_form(overlay, limit)?;
    if done > 0 {
        return Ok(done);
    }
    let base = overlay.base();
    let mut upper = prefix_end();
    let mut done = 0;
    while done < limit {
        let Some((key, record)) =
            base.last_entry(T::Meta, Bound::Included(PREFIX), Bound::Excluded(&upper))?
        else {
            break;
        };
        let befores: Vec<Before> = codec::decode(&record, "undo journal record")?;
        for (tree, k, before) in befores {
            let tree = *TREES
                .get(tree as usize)
                .ok_or_else(|| Error::Corrupt("an undo journal entry names no table".into()))?;
            match before {
                Some(value) => overlay.insert(tree, k, value)?,
                None => overlay.remove(tree, k)?,
            }
            done += 1;
        }
        overlay.remove(T::Meta, key.clone())?;
        upper = key;
    }
    Ok(done)
}

/// Undoes up to `limit` entries of the first form (each a key's value
/// before the whole run, so in any order); how many.
fn undo_first_form(overlay: &mut Overlay<'_>, limit: usize) -> Result<usize> {
    let entries = first_form_entries(overlay.base(), limit)?;
    for (entry, before) in &entries {
        let (tree, key) = entry[FIRST_FORM.len()..]
            .split_first()
            .and_then(|(t, key)| Some((*TREES.get(*t as usize)?, key.to_vec())))
            .ok_or_else(|| Error::Corrupt("an undo journal entry names no table".into()))?;
        match codec::decode::<Option<Vec<u8>>>(before, "undo journal entry")? {
            Some(value) => overlay.insert(tree, key, value)?,
            None => overlay.remove(tree, key)?,
        }
        overlay.remove(T::Meta, entry.clone())?;
    }
    Ok(entries.len())
}

/// The first form's first `limit` entries.
fn first_form_entries(base: &dyn KvRead, limit: usize) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
    base.prefix(T::Meta, FIRST_FORM.to_vec())
        .take(limit)
        .collect()
}

/// Drops up to `limit` journal entries of the first form, or else up to
/// `limit` parts and about [`CLEAR_BYTES`] of them (a kept run's); how
/// many.
pub(crate) fn clear_some(overlay: &mut Overlay<'_>, limit: usize) -> Result<usize> {
    let mut entries: Vec<Vec<u8>> = first_form_entries(overlay.base(), limit)?
        .into_iter()
        .map(|(key, _)| key)
        .collect();
    if entries.is_empty() {
        // Parts are read whole to find their keys: a commit drops about
        // CLEAR_BYTES of them (a kept import of a million claims leaves
        // a gigabyte of journal; an fsync per commit).
        let mut bytes = 0;
        for part in overlay.base().prefix(T::Meta, PREFIX.to_vec()) {
            let (key, value) = part?;
            bytes += value.len();
            entries.push(key);
            if bytes >= CLEAR_BYTES || entries.len() >= limit {
                break;
            }
        }
    }
    for key in &entries {
        overlay.remove(T::Meta, key.clone())?;
    }
    Ok(entries.len())
}

/// Opens the run (the marker), once the journal is cleared.
pub(crate) fn open(overlay: &mut Overlay<'_>) -> Result<()> {
    overlay.insert(T::Meta, MARKER.to_vec(), vec![1])
}

/// Closes the run (the marker goes).
pub(crate) fn close(overlay: &mut Overlay<'_>) -> Result<()> {
    overlay.remove(T::Meta, MARKER.to_vec())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::store::kv::{Entries, Pending};

    /// Trees in memory, changed by whole commits.
    #[derive(Clone, Default, PartialEq, Debug)]
    struct Store(BTreeMap<(u8, Vec<u8>), Vec<u8>>);

    impl KvRead for Store {
        fn get(&self, tree: T, key: &[u8]) -> Result<Option<Vec<u8>>> {
            Ok(self.0.get(&(tree as u8, key.to_vec())).cloned())
        }
        fn range(&self, tree: T, from: Bound<Vec<u8>>, to: Bound<Vec<u8>>) -> Entries<'_> {
            let t = tree as u8;
            let from = from.map(|k| (t, k));
            let to = to.map(|k| (t, k));
            let (low, high) = (
                match from {
                    Bound::Unbounded => Bound::Included((t, Vec::new())),
                    b => b,
                },
                match to {
                    Bound::Unbounded => Bound::Excluded((t + 1, Vec::new())),
                    b => b,
                },
            );
            Box::new(
                self.0
                    .range((low, high))
                    .map(|((_, k), v)| Ok((k.clone(), v.clone()))),
            )
        }
    }

    impl Store {
        /// Runs `f` as one commit, journaled when `journaled`.
        fn commit(&mut self, journaled: bool, f: impl FnOnce(&mut Overlay) -> Result<()>) {
            self.commit_keeping(journaled, false, f)
        }

        /// [`Store::commit`], the overlay keeping its base reads for the
        /// journal when `keep_reads`.
        fn commit_keeping(
            &mut self,
            journaled: bool,
            keep_reads: bool,
            f: impl FnOnce(&mut Overlay) -> Result<()>,
        ) {
            let before = self.clone();
            let mut overlay = Overlay::new(&before);
            if keep_reads {
                overlay.keep_base_reads();
            }
            f(&mut overlay).unwrap();
            if journaled {
                journal(&mut overlay, &[b"commit"]).unwrap();
            }
            let pending: Pending = overlay.into_pending().unwrap();
            for (tree, key, change) in pending.into_changes() {
                match change {
                    Some(v) => self.0.insert((tree as u8, key), v),
                    None => self.0.remove(&(tree as u8, key)),
                };
            }
        }

        /// Undoes the run, in commits of about `limit` keys.
        fn undo(&mut self, limit: usize) {
            loop {
                let mut done = 0;
                self.commit(false, |o| {
                    done = undo_some(o, limit)?;
                    Ok(())
                });
                if done == 0 {
                    break;
                }
            }
            self.commit(false, close);
        }
    }

    /// A journal made from what the transaction's reads kept (a key read
    /// by `get`, met in a range, found at either end of a range, read
    /// after the transaction changed it, or never read) is the journal
    /// made by reading the base for every key, and undoes the same.
    #[test]
    fn a_journal_from_kept_reads_is_the_journal_from_the_base() {
        let mut start = Store::default();
        start.commit(false, |o| {
            for k in 0..200u32 {
                o.insert(T::Claims, k.to_be_bytes().to_vec(), vec![k as u8; 50])?;
            }
            Ok(())
        });
        let run = |keep_reads: bool| {
            let mut db = start.clone();
            db.commit(false, open);
            for round in 0..4u32 {
                db.commit_keeping(true, keep_reads, |o| {
                    for k in (round..260).step_by(3) {
                        let key = k.to_be_bytes().to_vec();
                        match k % 5 {
                            0 => drop(o.get(T::Claims, &key)?),
                            1 => drop(
                                o.range(T::Claims, Bound::Included(key.clone()), Bound::Unbounded)
                                    .take(2)
                                    .count(),
                            ),
                            2 => drop(o.last_entry(
                                T::Claims,
                                Bound::Unbounded,
                                Bound::Included(&key),
                            )?),
                            3 => drop(o.first_entry(
                                T::Claims,
                                Bound::Excluded(&key),
                                Bound::Unbounded,
                            )?),
                            _ => {}
                        }
                        if k % 7 == 0 {
                            o.remove(T::Claims, key.clone())?;
                        } else {
                            o.insert(T::Claims, key.clone(), vec![round as u8; 10 + k as usize])?;
                        }
                        // Read again after the change: the base is not.
                        drop(o.get(T::Claims, &key)?);
                    }
                    o.insert(T::Meta, b"commit".to_vec(), vec![round as u8])
                });
            }
            db
        };
        let (kept, read) = (run(true), run(false));
        assert_eq!(kept, read);
        let mut undone = kept;
        undone.undo(100);
        undone.0.remove(&(T::Meta as u8, b"commit".to_vec()));
        assert_eq!(undone, start);
    }

    /// Commits that change, add and remove the same keys again and again,
    /// with records cut into many parts, undone in commits of any size,
    /// leave every tree as it was before the run (but for the meta keys
    /// that only count up); kept, the journal is cleared to nothing.
    #[test]
    fn a_run_of_commits_is_undone_to_what_was_there_before_it() {
        let mut start = Store::default();
        start.commit(false, |o| {
            for k in 0..300u32 {
                o.insert(T::Claims, k.to_be_bytes().to_vec(), vec![1; 1_000])?;
            }
            o.insert(T::Meta, b"count".to_vec(), vec![3])
        });
        for limit in [1, 50, 1_000, 100_000] {
            let mut db = start.clone();
            db.commit(false, open);
            for round in 0..6u8 {
                db.commit(true, |o| {
                    for k in (0..900u32).filter(|k| k % 6 == u32::from(round) % 3) {
                        let key = k.to_be_bytes().to_vec();
                        if k % 5 == 0 {
                            o.remove(T::Claims, key)?;
                        } else {
                            o.insert(T::Claims, key, vec![round; 40 + k as usize % 1_000])?;
                        }
                    }
                    o.insert(T::Meta, b"count".to_vec(), vec![round])?;
                    o.insert(T::Meta, b"commit".to_vec(), vec![round])
                });
            }
            let parts = db.prefix(T::Meta, PREFIX.to_vec()).count();
            assert!(parts > 8, "records of six commits in {parts} parts");
            db.undo(limit);
            db.0.remove(&(T::Meta as u8, b"commit".to_vec()));
            assert_eq!(db, start, "undone in commits of {limit} keys");
        }
        // Kept: the journal cleared, the run's writes stay.
        let mut db = start.clone();
        db.commit(false, open);
        db.commit(true, |o| o.insert(T::Claims, b"new".to_vec(), vec![9]));
        db.commit(false, close);
        while db
            .0
            .keys()
            .any(|(t, k)| *t == T::Meta as u8 && is_journal(k))
        {
            db.commit(false, |o| clear_some(o, 1).map(drop));
        }
        assert_eq!(db.get(T::Claims, b"new").unwrap(), Some(vec![9]));
    }

    /// A journal of the first form (an entry per key, its value before the
    /// whole run), as an older build left it open, is undone too.
    #[test]
    fn a_journal_of_the_first_form_is_undone() {
        let mut db = Store::default();
        db.commit(false, |o| {
            o.insert(T::Claims, b"a".to_vec(), b"old".to_vec())
        });
        let before = db.clone();
        db.commit(false, |o| {
            open(o)?;
            o.insert(T::Claims, b"a".to_vec(), b"new".to_vec())?;
            o.insert(T::Claims, b"b".to_vec(), b"added".to_vec())?;
            for (key, was) in [(&b"a"[..], Some(b"old".to_vec())), (b"b", None)] {
                let mut entry = FIRST_FORM.to_vec();
                entry.push(T::Claims as u8);
                entry.extend_from_slice(key);
                o.insert(T::Meta, entry, codec::encode(&was)?)?;
            }
            Ok(())
        });
        assert!(is_open(&db).unwrap());
        db.undo(1);
        assert_eq!(db, before);
    }
}
