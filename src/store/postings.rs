//! How index entries lie in their trees: claim ids in buckets.
//!
//! An index entry is, logically, `value ++ claim id` (`indexes.rs`). Kept
//! as one key each, a million claims make some twenty million keys, and
//! sled's memory, its time to open and its size on disk all grow with the
//! number of keys. So the entries of one value are kept in buckets of
//! [`BUCKET`] consecutive claim ids: the key is `value ++ (id / BUCKET)`
//! and the value lists the ids' offsets in the bucket (two bytes each,
//! ascending). A claim's entry is added or removed by rewriting its
//! bucket; a scan reads the buckets of a value in order and yields ids in
//! ascending order, as before. Everything above this file (the writer, the
//! scans, `verify`, `repair`) still speaks of logical entries.

use std::ops::Bound;

use super::kv::{KvRead, KvWrite, T};
use crate::error::{Error, Result};
use crate::model::ClaimId;

/// Claim ids per bucket.
pub(crate) const BUCKET: u64 = 1 << 12;

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

fn offsets(bytes: &[u8]) -> impl Iterator<Item = u64> + '_ {
    bytes
        .chunks_exact(2)
        .map(|c| u64::from(u16::from_be_bytes([c[0], c[1]])))
}

/// Adds the logical entry `entry` to index tree `tree`.
pub(crate) fn add(kv: &mut impl KvWrite, tree: T, entry: &[u8]) -> Result<()> {
    let (value, id) = split(entry)?;
    let key = bucket_key(value, id);
    let mut ids = kv.get(tree, &key)?.unwrap_or_default();
    let offset = (id % BUCKET) as u16;
    let at = offsets(&ids).position(|o| o >= u64::from(offset));
    let present = at.is_some_and(|i| offsets(&ids).nth(i) == Some(u64::from(offset)));
    match at {
        Some(_) if present => return Ok(()),
        Some(i) => {
            ids.splice(2 * i..2 * i, offset.to_be_bytes());
        }
        None => ids.extend_from_slice(&offset.to_be_bytes()),
    }
    kv.insert(tree, key, ids)
}

/// Removes the logical entry `entry` from index tree `tree`.
pub(crate) fn remove(kv: &mut impl KvWrite, tree: T, entry: &[u8]) -> Result<()> {
    let (value, id) = split(entry)?;
    let key = bucket_key(value, id);
    let Some(mut ids) = kv.get(tree, &key)? else {
        return Ok(());
    };
    let offset = id % BUCKET;
    let found = offsets(&ids).position(|o| o == offset);
    if let Some(i) = found {
        ids.drain(2 * i..2 * i + 2);
    }
    if ids.is_empty() {
        kv.remove(tree, key)
    } else {
        kv.insert(tree, key, ids)
    }
}

/// Writes many logical entries, given in ascending order, a bucket at a
/// time (a rebuild: the tree holds none of them yet).
pub(crate) fn add_sorted<'e>(
    kv: &mut impl KvWrite,
    tree: T,
    entries: impl IntoIterator<Item = &'e Vec<u8>>,
) -> Result<()> {
    let mut pending: Option<(Vec<u8>, Vec<u8>)> = None;
    for entry in entries {
        let (value, id) = split(entry)?;
        let key = bucket_key(value, id);
        let offset = ((id % BUCKET) as u16).to_be_bytes();
        match &mut pending {
            Some((k, ids)) if *k == key => ids.extend_from_slice(&offset),
            _ => {
                if let Some((k, ids)) = pending.take() {
                    kv.insert(tree, k, ids)?;
                }
                pending = Some((key, offset.to_vec()));
            }
        }
    }
    if let Some((k, ids)) = pending {
        kv.insert(tree, k, ids)?;
    }
    Ok(())
}

/// The logical entries of index tree `tree` whose keys start with
/// `prefix` (a whole value) or, with `last`, lie from `prefix` up to
/// `last` (a logical entry) included, in order.
pub(crate) fn entries<'k, K: KvRead + ?Sized>(
    kv: &'k K,
    tree: T,
    prefix: Vec<u8>,
    last: Option<Vec<u8>>,
) -> Box<dyn Iterator<Item = Result<Vec<u8>>> + 'k> {
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
            .flat_map(|bucket| -> Box<dyn Iterator<Item = Result<Vec<u8>>>> {
                let (key, ids) = match bucket {
                    Ok(b) => b,
                    Err(e) => return Box::new(std::iter::once(Err(e))),
                };
                let (value, bucket_no) = match split(&key) {
                    Ok(parts) => parts,
                    Err(e) => return Box::new(std::iter::once(Err(e))),
                };
                let value = value.to_vec();
                let ids: Vec<u64> = offsets(&ids).collect();
                Box::new(ids.into_iter().map(move |o| {
                    let mut entry = value.clone();
                    entry.extend_from_slice(&(bucket_no * BUCKET + o).to_be_bytes());
                    Ok(entry)
                }))
            })
            .take_while(move |e| match (e, &last) {
                (Ok(entry), Some(last)) => entry <= last,
                _ => true,
            }),
    )
}

/// The buckets of index tree `tree` that are not well formed (empty, an
/// odd number of bytes, offsets out of order): their keys.
pub(crate) fn malformed<K: KvRead + ?Sized>(kv: &K, tree: T) -> Result<Vec<Vec<u8>>> {
    let mut bad = Vec::new();
    for bucket in kv.range(tree, Bound::Unbounded, Bound::Unbounded) {
        let (key, ids) = bucket?;
        let ascending = offsets(&ids).zip(offsets(&ids).skip(1)).all(|(a, b)| a < b);
        if ids.is_empty() || ids.len() % 2 != 0 || !ascending || key.len() < 8 {
            bad.push(key);
        }
    }
    Ok(bad)
}

/// Every logical entry of index tree `tree`, in order.
pub(crate) fn all<K: KvRead + ?Sized>(
    kv: &K,
    tree: T,
) -> Box<dyn Iterator<Item = Result<Vec<u8>>> + '_> {
    entries(kv, tree, Vec::new(), None)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::store::kv::{Entries, Overlay};

    struct Empty;

    impl KvRead for Empty {
        fn get(&self, _: T, _: &[u8]) -> Result<Option<Vec<u8>>> {
            Ok(None)
        }
        fn range(&self, _: T, _: Bound<Vec<u8>>, _: Bound<Vec<u8>>) -> Entries<'_> {
            Box::new(std::iter::empty())
        }
    }

    fn entry(value: &[u8], id: u64) -> Vec<u8> {
        let mut e = value.to_vec();
        e.extend_from_slice(&id.to_be_bytes());
        e
    }

    /// Buckets hold what one key per entry held: the same entries, in the
    /// same order, whatever the order of adds and removes, across bucket
    /// boundaries and values; and a rebuild writes the same buckets.
    #[test]
    fn buckets_hold_the_entries_a_key_each_would() {
        let base = Empty;
        let mut kv = Overlay::new(&base);
        let mut model: BTreeMap<Vec<u8>, ()> = BTreeMap::new();
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
                add(&mut kv, T::IdxTag, &e).unwrap();
                add(&mut kv, T::IdxTag, &e).unwrap(); // twice: still one entry
                model.insert(e, ());
            }
        }
        for &id in &[4096, 2, 12_345] {
            let e = entry(b"a\0\x01", id);
            remove(&mut kv, T::IdxTag, &e).unwrap();
            model.remove(&e);
        }
        let got: Vec<Vec<u8>> = all(&kv, T::IdxTag).map(|e| e.unwrap()).collect();
        let want: Vec<Vec<u8>> = model.keys().cloned().collect();
        assert_eq!(got, want);
        assert!(malformed(&kv, T::IdxTag).unwrap().is_empty());
        // One value's entries, and a range of values up to an entry.
        let a: Vec<Vec<u8>> = entries(&kv, T::IdxTag, b"a\0\x01".to_vec(), None)
            .map(|e| e.unwrap())
            .collect();
        assert_eq!(
            a,
            want.iter()
                .filter(|k| k.starts_with(b"a\0\x01"))
                .cloned()
                .collect::<Vec<_>>()
        );
        let last = entry(b"ab\0\x01", 4097);
        let upto: Vec<Vec<u8>> = entries(&kv, T::IdxTag, b"a\0\x01".to_vec(), Some(last.clone()))
            .map(|e| e.unwrap())
            .collect();
        assert_eq!(
            upto,
            want.iter()
                .filter(|k| **k <= last)
                .cloned()
                .collect::<Vec<_>>()
        );
        // A rebuild from the sorted entries writes the same buckets.
        let base2 = Empty;
        let mut rebuilt = Overlay::new(&base2);
        add_sorted(&mut rebuilt, T::IdxTag, &want).unwrap();
        let again: Vec<Vec<u8>> = all(&rebuilt, T::IdxTag).map(|e| e.unwrap()).collect();
        assert_eq!(again, want);
        // Removing every entry leaves no bucket behind.
        for e in &want {
            remove(&mut kv, T::IdxTag, e).unwrap();
        }
        assert_eq!(
            kv.range(T::IdxTag, Bound::Unbounded, Bound::Unbounded)
                .count(),
            0
        );
    }
}
