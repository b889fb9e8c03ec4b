//! Writes that can be taken back whole after they were committed: the
//! undo journal of an all-or-nothing import too large for one transaction
//! in memory. While it is on, each commit also records, for every key it
//! changes for the first time, the value the key had before (or that it
//! had none), in the meta tree under `undo/`; a marker says that the
//! journal is open. Kept, the marker goes in one commit and the journal
//! after it (what is left of it, with no marker, is only cleared).
//! Undone, each key is set back to the value recorded, a batch at a time,
//! and the marker goes last: a crash while undoing leaves the marker, and
//! the next open undoes the rest. What the journal records is bytes, so
//! it undoes every table alike: records, indexes, counts, counters,
//! versions.

use super::{codec, KvRead, KvWrite, Overlay, T, TREES};
use crate::error::{Error, Result};

/// The meta key that says an undoable run of writes is open.
pub(crate) const MARKER: &[u8] = b"undo_open";
/// The meta keys of the journal: `undo/`, the tree's number, the key.
const PREFIX: &[u8] = b"undo/";

/// Whether a meta key is the journal's own (never journaled).
fn is_journal(key: &[u8]) -> bool {
    key == MARKER || key.starts_with(PREFIX)
}

/// Records in `overlay`, beside its changes, the value each changed key
/// had before this run of writes began, unless an earlier commit of the
/// run recorded it. `unjournaled`: meta keys that only ever count up (a
/// commit number), which undoing must not set back.
pub(crate) fn journal(overlay: &mut Overlay<'_>, unjournaled: &[&[u8]]) -> Result<()> {
    let changed: Vec<(T, Vec<u8>)> = overlay
        .pending()?
        .changes()
        .filter(|(tree, key, _)| {
            *tree != T::Meta || !(is_journal(key) || unjournaled.contains(key))
        })
        .map(|(tree, key, _)| (tree, key.to_vec()))
        .collect();
    for (tree, key) in changed {
        let mut entry = PREFIX.to_vec();
        entry.push(tree as u8);
        entry.extend_from_slice(&key);
        if overlay.get(T::Meta, &entry)?.is_some() {
            continue;
        }
        let before = overlay.base().get(tree, &key)?;
        overlay.insert(T::Meta, entry, codec::encode(&before)?)?;
    }
    Ok(())
}

/// Whether an undoable run was left open (a crash before its end).
pub(crate) fn is_open(base: &dyn KvRead) -> Result<bool> {
    Ok(base.get(T::Meta, MARKER)?.is_some())
}

/// The journal's first `limit` entries.
fn entries(base: &dyn KvRead, limit: usize) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
    base.prefix(T::Meta, PREFIX.to_vec()).take(limit).collect()
}

/// Sets back up to `limit` keys to the values the journal recorded, and
/// drops those entries; how many.
pub(crate) fn undo_some(overlay: &mut Overlay<'_>, limit: usize) -> Result<usize> {
    let entries = entries(overlay.base(), limit)?;
    for (entry, before) in &entries {
        let (tree, key) = entry[PREFIX.len()..]
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

/// Drops up to `limit` journal entries (a kept run's); how many.
pub(crate) fn clear_some(overlay: &mut Overlay<'_>, limit: usize) -> Result<usize> {
    let entries = entries(overlay.base(), limit)?;
    for (entry, _) in &entries {
        overlay.remove(T::Meta, entry.clone())?;
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
