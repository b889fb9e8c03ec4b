//! How index entries lie in their trees: claim ids in chunks, each with
//! the claim's confidence.
//!
//! An index entry is, logically, `value ++ claim id` (`indexes.rs`). Kept
//! as one key each, a million claims make some twenty million keys, and
//! sled's memory, its time to open and its size on disk all grow with the
//! number of keys. So the entries of one value are kept in chunks of about
//! [`CHUNK_BYTES`] at most, each listing its claim ids in ascending order,
//! as distances from the one before, each with the claim's confidence in
//! the indexes that record it (the bytes: `chunk.rs`).
//!
//! A value's chunks are keyed `value ++ first id`, except the last, its
//! *tail*, keyed `value ++ u64::MAX` so that it can be found without a
//! search: new claims have the highest ids, so a load appends each entry
//! to its value's tail, one read of a known key, as a bucket of ids was
//! read before. A full tail is sealed under its first id and a new one
//! begun. An entry for an older claim (an update) goes into the sealed
//! chunk whose first id is the greatest at or below it, split in two when
//! it overflows. A value has a tail exactly when it has entries.
//!
//! Chunks are bounded by size, not by a span of ids (this layout's
//! predecessor, format 8, kept buckets of 4,096 consecutive ids), because
//! the values of an index are of every size: a status or a common word is
//! held by most claims, a speaker or a rare word by a few scattered across
//! the whole id space, which buckets gave one key per claim (four fifths
//! of the speaker index's keys at a million claims).
//!
//! The confidence rides along because it is the condition most often
//! joined to another ("a speaker's claims with confidence >= 0.8"): a
//! scan of the speaker's entries leaves out the claims below it without
//! reading them. The word index, a score of entries per claim and the
//! bulk of what a load rewrites, records none ([`records_confidence`]).
//! Everything above this file (the writer, the scans, `verify`, `repair`)
//! speaks of logical entries and postings.

use std::ops::Bound;

use super::chunk::{self, encode, push, Held};
use super::indexes::unique_index;
use super::{KvRead, KvWrite, T};
use crate::error::{Error, Result};
use crate::model::ClaimId;

/// About the most bytes a chunk holds. Every transaction that adds to a
/// value rewrites the value's tail whole, so the bound weighs what a load
/// writes per value it touches (sled's log keeps what is overwritten until
/// it cleans it) against how many keys a value takes. Measured loading
/// 100,000 claims: 128 bytes wrote a 171 MB log with 305,000 keys; 256
/// bytes 185 MB, 512 bytes 217 MB; buckets of 4,096 ids, 171 MB with
/// 470,000 keys.
pub(crate) const CHUNK_BYTES: usize = 128;

/// The id part of a tail's key.
const TAIL: ClaimId = u64::MAX;

/// Whether the postings of index tree `tree` record their claims' confidence.
pub(crate) fn records_confidence(tree: T) -> bool {
    tree != T::IdxWord
}

/// A logical entry's value part and claim id.
pub(crate) fn split(entry: &[u8]) -> Result<(&[u8], ClaimId)> {
    let at = entry
        .len()
        .checked_sub(8)
        .ok_or_else(|| Error::Corrupt("short index key".into()))?;
    let id = u64::from_be_bytes(entry[at..].try_into().expect("eight bytes"));
    Ok((&entry[..at], id))
}

/// The key of `value`'s chunk whose first id is `id` (or its tail).
fn chunk_key(value: &[u8], id: ClaimId) -> Vec<u8> {
    let mut key = Vec::with_capacity(value.len() + 8);
    key.extend_from_slice(value);
    key.extend_from_slice(&id.to_be_bytes());
    key
}

/// The postings of the chunk under `key`, in order; an error when they are
/// not well formed (`chunk::decode`) or a sealed chunk does not start at
/// its key's id.
fn decode(tree: T, key: &[u8], bytes: &[u8]) -> Result<Vec<Held>> {
    let (_, key_id) = split(key)?;
    let list = chunk::decode(bytes, records_confidence(tree))?;
    match list[0].0 {
        first if first == key_id || (key_id == TAIL && first != TAIL) => Ok(list),
        _ => Err(chunk::unreadable()),
    }
}

/// Writes `list` (ascending, not empty) as sealed chunks of `value`, a
/// new one begun whenever one is full; with `tail`, the last of them is
/// the value's tail.
fn write_chunks(
    kv: &mut impl KvWrite,
    tree: T,
    value: &[u8],
    list: &[Held],
    tail: bool,
) -> Result<()> {
    let mut runs: Vec<&[Held]> = Vec::new();
    let (mut start, mut bytes) = (0, Vec::new());
    for (i, &posting) in list.iter().enumerate() {
        if bytes.len() >= CHUNK_BYTES {
            runs.push(&list[start..i]);
            start = i;
            bytes.clear();
        }
        push(
            &mut bytes,
            if i == start { 0 } else { list[i - 1].0 },
            posting,
        );
    }
    runs.push(&list[start..]);
    let last = runs.len() - 1;
    for (i, run) in runs.into_iter().enumerate() {
        let id = if tail && i == last { TAIL } else { run[0].0 };
        kv.insert(tree, chunk_key(value, id), encode(run))?;
    }
    Ok(())
}

/// Adds the logical entry `entry` to index tree `tree`, for a claim of
/// `confidence` (ten-thousandths); an entry already there takes it.
pub(crate) fn add(kv: &mut impl KvWrite, tree: T, entry: &[u8], confidence: u16) -> Result<()> {
    let (value, id) = split(entry)?;
    let posting = (id, records_confidence(tree).then_some(confidence));
    let tail_key = chunk_key(value, TAIL);
    let Some(mut tail) = kv.get(tree, &tail_key)? else {
        // The value's first entry.
        return kv.insert(tree, tail_key, encode(&[posting]));
    };
    // The common case, a new claim: appended to the tail, or the tail
    // sealed when full and a new one begun.
    let last = chunk::last_id(&tail, records_confidence(tree))?;
    if id > last {
        if tail.len() < CHUNK_BYTES {
            push(&mut tail, last, posting);
            return kv.insert(tree, tail_key, tail);
        }
        let sealed = decode(tree, &tail_key, &tail)?;
        write_chunks(kv, tree, value, &sealed, false)?;
        return kv.insert(tree, tail_key, encode(&[posting]));
    }
    let tail_list = decode(tree, &tail_key, &tail)?;
    if id >= tail_list[0].0 {
        return insert_into(kv, tree, value, tail_key, tail_list, posting);
    }
    // An older claim: the sealed chunk that would hold it.
    let below = kv.last_entry(
        tree,
        Bound::Included(&chunk_key(value, 0)),
        Bound::Included(&chunk_key(value, id)),
    )?;
    if let Some((key, bytes)) = below {
        let list = decode(tree, &key, &bytes)?;
        return insert_into(kv, tree, value, key, list, posting);
    }
    // Below every chunk: it begins the first, which takes in the one
    // above (sealed, or the tail) when that has room.
    let above = kv
        .first_entry(
            tree,
            Bound::Included(&chunk_key(value, 0)),
            Bound::Excluded(&tail_key),
        )?
        .unwrap_or((tail_key, tail));
    let mut list = vec![posting];
    if above.1.len() < CHUNK_BYTES {
        let is_tail = split(&above.0)?.1 == TAIL;
        list.extend(decode(tree, &above.0, &above.1)?);
        kv.remove(tree, above.0)?;
        return write_chunks(kv, tree, value, &list, is_tail);
    }
    write_chunks(kv, tree, value, &list, false)
}

/// Adds `list` (postings of `value`, ascending by id, each id once) to
/// index tree `tree`: appended to the value's tail and sealed into chunks
/// exactly as one [`add`] after another would, with one read and one write
/// of the tail, when every id is above the tail's last (new claims); one
/// by one otherwise.
pub(crate) fn add_all(kv: &mut impl KvWrite, tree: T, value: &[u8], list: &[Held]) -> Result<()> {
    let Some(&(first, _)) = list.first() else {
        return Ok(());
    };
    let tail_key = chunk_key(value, TAIL);
    let mut all = match kv.get(tree, &tail_key)? {
        None => Vec::with_capacity(list.len()),
        Some(tail) if chunk::last_id(&tail, records_confidence(tree))? < first => {
            decode(tree, &tail_key, &tail)?
        }
        Some(_) => {
            for &(id, confidence) in list {
                add(kv, tree, &chunk_key(value, id), confidence.unwrap_or(0))?;
            }
            return Ok(());
        }
    };
    all.extend_from_slice(list);
    write_chunks(kv, tree, value, &all, true)
}

/// Puts `posting` into the chunk `list` read from `key` (the claim's id is
/// at or above its first): rewritten under its key, or split in two when
/// it overflows, the tail's upper half staying the tail.
fn insert_into(
    kv: &mut impl KvWrite,
    tree: T,
    value: &[u8],
    key: Vec<u8>,
    mut list: Vec<Held>,
    posting: Held,
) -> Result<()> {
    match list.binary_search_by_key(&posting.0, |p| p.0) {
        Ok(at) => list[at] = posting,
        Err(at) => list.insert(at, posting),
    }
    let is_tail = split(&key)?.1 == TAIL;
    let bytes = encode(&list);
    if bytes.len() <= CHUNK_BYTES {
        return kv.insert(tree, key, bytes);
    }
    let half = list.len() / 2;
    write_chunks(kv, tree, value, &list[..half], false)?;
    if !is_tail {
        // The upper half's own key; the lower half kept this one.
        return write_chunks(kv, tree, value, &list[half..], false);
    }
    write_chunks(kv, tree, value, &list[half..], true)
}

/// Removes the logical entry `entry` from index tree `tree`.
pub(crate) fn remove(kv: &mut impl KvWrite, tree: T, entry: &[u8]) -> Result<()> {
    let (value, id) = split(entry)?;
    let tail_key = chunk_key(value, TAIL);
    let Some(tail) = kv.get(tree, &tail_key)? else {
        return Ok(());
    };
    let tail_list = decode(tree, &tail_key, &tail)?;
    let (key, mut list) = if id >= tail_list[0].0 {
        (tail_key, tail_list)
    } else {
        let below = kv.last_entry(
            tree,
            Bound::Included(&chunk_key(value, 0)),
            Bound::Included(&chunk_key(value, id)),
        )?;
        let Some((key, bytes)) = below else {
            return Ok(());
        };
        let list = decode(tree, &key, &bytes)?;
        (key, list)
    };
    let Ok(at) = list.binary_search_by_key(&id, |p| p.0) else {
        return Ok(());
    };
    list.remove(at);
    let is_tail = split(&key)?.1 == TAIL;
    if !list.is_empty() {
        if is_tail || at > 0 {
            return kv.insert(tree, key, encode(&list));
        }
        // A sealed chunk's key names its first id.
        kv.remove(tree, key)?;
        return write_chunks(kv, tree, value, &list, false);
    }
    kv.remove(tree, key)?;
    if is_tail {
        // A value with entries has a tail: the last sealed chunk becomes it.
        let last = kv.last_entry(
            tree,
            Bound::Included(&chunk_key(value, 0)),
            Bound::Excluded(&chunk_key(value, TAIL)),
        )?;
        if let Some((key, bytes)) = last {
            kv.remove(tree, key)?;
            kv.insert(tree, chunk_key(value, TAIL), bytes)?;
        }
    }
    Ok(())
}

/// A logical entry read back, with the confidence its posting records
/// (none in a tree that records none).
pub(crate) type Posting = (Vec<u8>, Option<u16>);

/// A chunk's logical entries, or the error that it cannot be read.
fn chunk_entries(
    tree: T,
    chunk: Result<(Vec<u8>, Vec<u8>)>,
) -> Result<impl Iterator<Item = Posting>> {
    let (key, bytes) = chunk?;
    let list = decode(tree, &key, &bytes)?;
    let value = split(&key)?.0.to_vec();
    Ok(list
        .into_iter()
        .map(move |(id, confidence)| (chunk_key(&value, id), confidence)))
}

/// The logical entries of index tree `tree` whose keys start with
/// `prefix` (a whole value) or, with `last`, lie from `prefix` up to
/// `last` (a logical entry) included, in order, each with its confidence.
pub(crate) fn entries<'k, K: KvRead + ?Sized>(
    kv: &'k K,
    tree: T,
    prefix: Vec<u8>,
    last: Option<Vec<u8>>,
) -> Box<dyn Iterator<Item = Result<Posting>> + 'k> {
    if last.is_none() && unique_index(tree).is_some() {
        // A value of a unique index holds one entry (a few in a damaged
        // database), far from enough to seal a chunk: its tail holds them
        // all, read by its key rather than by a scan of the value's keys
        // (a scan over a transaction's writes merges them; the writer
        // looks up two unique values for every claim it puts).
        let key = chunk_key(&prefix, TAIL);
        return match kv.get(tree, &key) {
            Ok(None) => Box::new(std::iter::empty()),
            Ok(Some(bytes)) => match chunk_entries(tree, Ok((key, bytes))) {
                Ok(found) => Box::new(found.map(Ok)),
                Err(e) => Box::new(std::iter::once(Err(e))),
            },
            Err(e) => Box::new(std::iter::once(Err(e))),
        };
    }
    let chunks = match &last {
        None => kv.prefix(tree, prefix),
        // Up to the last value's tail, which may hold ids below `last`'s.
        Some(last) => match split(last) {
            Ok((value, _)) => kv.range(
                tree,
                Bound::Included(prefix),
                Bound::Included(chunk_key(value, TAIL)),
            ),
            Err(e) => return Box::new(std::iter::once(Err(e))),
        },
    };
    Box::new(
        chunks
            .flat_map(move |chunk| -> Box<dyn Iterator<Item = Result<Posting>>> {
                match chunk_entries(tree, chunk) {
                    Ok(found) => Box::new(found.map(Ok)),
                    Err(e) => Box::new(std::iter::once(Err(e))),
                }
            })
            .take_while(move |e| match (e, &last) {
                (Ok((entry, _)), Some(last)) => entry <= last,
                _ => true,
            }),
    )
}

/// The chunks of index tree `tree` that are not well formed: their keys.
/// (A value whose chunks are sealed but which has no tail is not found
/// here; its entries are all read.)
pub(crate) fn malformed<K: KvRead + ?Sized>(kv: &K, tree: T) -> Result<Vec<Vec<u8>>> {
    let mut bad = Vec::new();
    for chunk in kv.range(tree, Bound::Unbounded, Bound::Unbounded) {
        let (key, bytes) = chunk?;
        if decode(tree, &key, &bytes).is_err() {
            bad.push(key);
        }
    }
    Ok(bad)
}

/// Every logical entry of index tree `tree`, in order, with its
/// confidence, from the chunks that can be read ([`malformed`] names the
/// others): what `verify` compares with the claims.
pub(crate) fn all<K: KvRead + ?Sized>(
    kv: &K,
    tree: T,
) -> Box<dyn Iterator<Item = Result<Posting>> + '_> {
    let chunks = kv.range(tree, Bound::Unbounded, Bound::Unbounded);
    Box::new(chunks.flat_map(move |chunk| -> Vec<Result<Posting>> {
        match chunk {
            Err(e) => vec![Err(e)],
            Ok(chunk) => match chunk_entries(tree, Ok(chunk)) {
                Ok(found) => found.map(Ok).collect(),
                Err(_) => Vec::new(),
            },
        }
    }))
}

#[cfg(test)]
#[path = "postings_tests.rs"]
mod tests;
