//! How index entries lie in their trees: claim ids in buckets, each with
//! the claim's confidence.
//!
//! An index entry is, logically, `value ++ claim id` (`indexes.rs`). Kept
//! as one key each, a million claims make some twenty million keys, and
//! sled's memory, its time to open and its size on disk all grow with the
//! number of keys. So the entries of one value are kept in buckets of
//! [`BUCKET`] consecutive claim ids: the key is `value ++ (id / BUCKET)`
//! and the value lists the ids' offsets in the bucket, ascending, each
//! with the claim's confidence in ten-thousandths (two bytes each, four a
//! posting). The confidence rides along because it is the condition most
//! often joined to another ("a speaker's claims with confidence >= 0.8"):
//! a scan of the speaker's entries leaves out the claims below it without
//! reading them. The word index, a score of entries per claim and the
//! bulk of what a load rewrites, keeps offsets alone ([`records_confidence`]).
//! A claim's entry is added, changed or removed by rewriting its bucket; a
//! scan reads the buckets of a value in order and yields ids in ascending
//! order. Everything above this file (the writer, the
//! scans, `verify`, `repair`) speaks of logical entries and postings.

use std::ops::Bound;

use super::kv::{KvRead, KvWrite, T};
use crate::error::{Error, Result};
use crate::model::ClaimId;

/// Claim ids per bucket.
pub(crate) const BUCKET: u64 = 1 << 12;

/// Whether the postings of index tree `tree` record their claims' confidence.
pub(crate) fn records_confidence(tree: T) -> bool {
    tree != T::IdxWord
}

/// Bytes per posting in `tree`: the id's offset in its bucket, then (when
/// recorded) the confidence.
fn width(tree: T) -> usize {
    if records_confidence(tree) {
        4
    } else {
        2
    }
}

/// A logical entry's value part and claim id.
fn split(entry: &[u8]) -> Result<(&[u8], ClaimId)> {
    let at = entry
        .len()
        .checked_sub(8)
        .ok_or_else(|| Error::Corrupt("short index key".into()))?;
    let id = u64::from_be_bytes(entry[at..].try_into().expect("eight bytes"));
    Ok((&entry[..at], id))
}

fn bucket_key(value: &[u8], id: ClaimId) -> Vec<u8> {
    let mut key = Vec::with_capacity(value.len() + 8);
    key.extend_from_slice(value);
    key.extend_from_slice(&(id / BUCKET).to_be_bytes());
    key
}

/// A bucket's postings of `width` bytes: (offset, confidence in
/// ten-thousandths when recorded).
fn postings(bytes: &[u8], width: usize) -> impl Iterator<Item = (u64, Option<u16>)> + '_ {
    bytes.chunks_exact(width).map(|c| {
        (
            u64::from(u16::from_be_bytes([c[0], c[1]])),
            c.get(2..4).map(|d| u16::from_be_bytes([d[0], d[1]])),
        )
    })
}

fn posting(offset: u64, confidence: u16, width: usize) -> Vec<u8> {
    let mut p = (offset as u16).to_be_bytes().to_vec();
    p.extend_from_slice(&confidence.to_be_bytes());
    p.truncate(width);
    p
}

/// Adds the logical entry `entry` to index tree `tree`, for a claim of
/// `confidence` (ten-thousandths); an entry already there takes it.
pub(crate) fn add(kv: &mut impl KvWrite, tree: T, entry: &[u8], confidence: u16) -> Result<()> {
    let (value, id) = split(entry)?;
    let offset = id % BUCKET;
    let w = width(tree);
    let new = posting(offset, confidence, w);
    // The bucket is changed where the transaction holds it, not copied.
    let bytes = kv
        .value_mut(tree, bucket_key(value, id))?
        .get_or_insert_with(Vec::new);
    let at = postings(bytes, w)
        .enumerate()
        .find(|(_, (o, _))| *o >= offset);
    match at {
        Some((i, (o, _))) if o == offset => bytes[w * i..w * (i + 1)].copy_from_slice(&new),
        Some((i, _)) => {
            bytes.splice(w * i..w * i, new);
        }
        None => bytes.extend_from_slice(&new),
    }
    Ok(())
}

/// Removes the logical entry `entry` from index tree `tree`.
pub(crate) fn remove(kv: &mut impl KvWrite, tree: T, entry: &[u8]) -> Result<()> {
    let (value, id) = split(entry)?;
    let offset = id % BUCKET;
    let w = width(tree);
    let slot = kv.value_mut(tree, bucket_key(value, id))?;
    let Some(bytes) = slot else {
        return Ok(());
    };
    let found = postings(bytes, w).position(|(o, _)| o == offset);
    if let Some(i) = found {
        bytes.drain(w * i..w * (i + 1));
    }
    if bytes.is_empty() {
        *slot = None;
    }
    Ok(())
}

/// Writes many logical entries with their claims' confidence, given in
/// ascending order of entry, a bucket at a time (a rebuild: the tree holds
/// none of them yet).
pub(crate) fn add_sorted<'e>(
    kv: &mut impl KvWrite,
    tree: T,
    entries: impl IntoIterator<Item = (&'e Vec<u8>, &'e u16)>,
) -> Result<()> {
    let mut pending: Option<(Vec<u8>, Vec<u8>)> = None;
    for (entry, &confidence) in entries {
        let (value, id) = split(entry)?;
        let key = bucket_key(value, id);
        let new = posting(id % BUCKET, confidence, width(tree));
        match &mut pending {
            Some((k, bytes)) if *k == key => bytes.extend_from_slice(&new),
            _ => {
                if let Some((k, bytes)) = pending.take() {
                    kv.insert(tree, k, bytes)?;
                }
                pending = Some((key, new));
            }
        }
    }
    if let Some((k, bytes)) = pending {
        kv.insert(tree, k, bytes)?;
    }
    Ok(())
}

/// A logical entry read back, with the confidence its posting records
/// (none in a tree that records none).
pub(crate) type Posting = (Vec<u8>, Option<u16>);

/// The logical entries of index tree `tree` whose keys start with
/// `prefix` (a whole value) or, with `last`, lie from `prefix` up to
/// `last` (a logical entry) included, in order, each with its confidence.
pub(crate) fn entries<'k, K: KvRead + ?Sized>(
    kv: &'k K,
    tree: T,
    prefix: Vec<u8>,
    last: Option<Vec<u8>>,
) -> Box<dyn Iterator<Item = Result<Posting>> + 'k> {
    let buckets = match &last {
        None => kv.prefix(tree, prefix),
        Some(last) => match split(last) {
            Ok((value, id)) => kv.range(
                tree,
                Bound::Included(prefix),
                Bound::Included(bucket_key(value, id)),
            ),
            Err(e) => return Box::new(std::iter::once(Err(e))),
        },
    };
    Box::new(
        buckets
            .flat_map(move |bucket| -> Box<dyn Iterator<Item = Result<Posting>>> {
                let (key, bytes) = match bucket {
                    Ok(b) => b,
                    Err(e) => return Box::new(std::iter::once(Err(e))),
                };
                let (value, bucket_no) = match split(&key) {
                    Ok(parts) => parts,
                    Err(e) => return Box::new(std::iter::once(Err(e))),
                };
                let value = value.to_vec();
                let found: Vec<(u64, Option<u16>)> = postings(&bytes, width(tree)).collect();
                Box::new(found.into_iter().map(move |(o, confidence)| {
                    let mut entry = value.clone();
                    entry.extend_from_slice(&(bucket_no * BUCKET + o).to_be_bytes());
                    Ok((entry, confidence))
                }))
            })
            .take_while(move |e| match (e, &last) {
                (Ok((entry, _)), Some(last)) => entry <= last,
                _ => true,
            }),
    )
}

/// The buckets of index tree `tree` that are not well formed (empty, not
/// whole postings, offsets out of order): their keys.
pub(crate) fn malformed<K: KvRead + ?Sized>(kv: &K, tree: T) -> Result<Vec<Vec<u8>>> {
    let mut bad = Vec::new();
    for bucket in kv.range(tree, Bound::Unbounded, Bound::Unbounded) {
        let (key, bytes) = bucket?;
        let w = width(tree);
        let offsets = || postings(&bytes, w).map(|p| p.0);
        let ascending = offsets().zip(offsets().skip(1)).all(|(a, b)| a < b);
        if bytes.is_empty() || bytes.len() % w != 0 || !ascending || key.len() < 8 {
            bad.push(key);
        }
    }
    Ok(bad)
}

/// Every logical entry of index tree `tree`, in order, with its confidence.
pub(crate) fn all<K: KvRead + ?Sized>(
    kv: &K,
    tree: T,
) -> Box<dyn Iterator<Item = Result<Posting>> + '_> {
    entries(kv, tree, Vec::new(), None)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::store::kv::{Empty, Overlay};

    fn entry(value: &[u8], id: u64) -> Vec<u8> {
        let mut e = value.to_vec();
        e.extend_from_slice(&id.to_be_bytes());
        e
    }

    /// Buckets hold what one key per entry held: the same entries, in the
    /// same order, each with its claim's confidence, whatever the order of
    /// adds and removes, across bucket boundaries and values; and a rebuild
    /// writes the same buckets.
    #[test]
    fn buckets_hold_the_entries_a_key_each_would() {
        let base = Empty;
        let mut kv = Overlay::new(&base);
        let mut model: BTreeMap<Vec<u8>, u16> = BTreeMap::new();
        let ids = [
            0,
            1,
            4095,
            4096,
            4097,
            8191,
            12_345,
            3,
            2,
            4096 * 7 + 5,
            u64::MAX / 2,
        ];
        for value in [&b"a\0\x01"[..], &b"b\0\x01"[..], &b"ab\0\x01"[..]] {
            for &id in &ids {
                let e = entry(value, id);
                let confidence = (id % 10_001) as u16;
                add(&mut kv, T::IdxTag, &e, 10_000 - confidence).unwrap();
                // Again: still one entry, now with the later confidence.
                add(&mut kv, T::IdxTag, &e, confidence).unwrap();
                model.insert(e, confidence);
            }
        }
        for &id in &[4096, 2, 12_345] {
            let e = entry(b"a\0\x01", id);
            remove(&mut kv, T::IdxTag, &e).unwrap();
            model.remove(&e);
        }
        let got: Vec<Posting> = all(&kv, T::IdxTag).map(|e| e.unwrap()).collect();
        let want: Vec<Posting> = model.iter().map(|(k, c)| (k.clone(), Some(*c))).collect();
        assert_eq!(got, want);
        assert!(malformed(&kv, T::IdxTag).unwrap().is_empty());
        // One value's entries, and a range of values up to an entry.
        let a: Vec<Posting> = entries(&kv, T::IdxTag, b"a\0\x01".to_vec(), None)
            .map(|e| e.unwrap())
            .collect();
        assert_eq!(
            a,
            want.iter()
                .filter(|(k, _)| k.starts_with(b"a\0\x01"))
                .cloned()
                .collect::<Vec<_>>()
        );
        let last = entry(b"ab\0\x01", 4097);
        let upto: Vec<Posting> = entries(&kv, T::IdxTag, b"a\0\x01".to_vec(), Some(last.clone()))
            .map(|e| e.unwrap())
            .collect();
        assert_eq!(
            upto,
            want.iter()
                .filter(|(k, _)| *k <= last)
                .cloned()
                .collect::<Vec<_>>()
        );
        // A rebuild from the sorted entries writes the same buckets.
        let base2 = Empty;
        let mut rebuilt = Overlay::new(&base2);
        add_sorted(&mut rebuilt, T::IdxTag, &model).unwrap();
        let again: Vec<Posting> = all(&rebuilt, T::IdxTag).map(|e| e.unwrap()).collect();
        assert_eq!(again, want);
        // The word index keeps offsets alone: the same entries, no confidence.
        let mut words = Overlay::new(&base2);
        add_sorted(&mut words, T::IdxWord, &model).unwrap();
        let plain: Vec<Posting> = all(&words, T::IdxWord).map(|e| e.unwrap()).collect();
        assert_eq!(
            plain,
            model.keys().map(|k| (k.clone(), None)).collect::<Vec<_>>()
        );
        assert!(malformed(&words, T::IdxWord).unwrap().is_empty());
        // Removing every entry leaves no bucket behind.
        for (e, _) in &want {
            remove(&mut kv, T::IdxTag, e).unwrap();
        }
        assert_eq!(
            kv.range(T::IdxTag, Bound::Unbounded, Bound::Unbounded)
                .count(),
            0
        );
    }
}
