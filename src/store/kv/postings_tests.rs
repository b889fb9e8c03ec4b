//! Tests of index entries in chunks (`postings.rs`): the entries a key
//! each would hold, splits, seals and merges, and values added at once.

use std::collections::BTreeMap;

use super::*;
use crate::store::kv::{Empty, Entry, Overlay};

fn entry(value: &[u8], id: u64) -> Vec<u8> {
    let mut e = value.to_vec();
    e.extend_from_slice(&id.to_be_bytes());
    e
}

/// `model`'s entries added a value at a time ([`add_all`]).
fn add_by_value(kv: &mut Overlay, tree: T, model: &BTreeMap<Vec<u8>, u16>) {
    let mut by_value: BTreeMap<Vec<u8>, Vec<Held>> = BTreeMap::new();
    for (entry, &c) in model {
        let (value, id) = split(entry).unwrap();
        let posting = (id, records_confidence(tree).then_some(c));
        by_value.entry(value.to_vec()).or_default().push(posting);
    }
    for (value, list) in by_value {
        add_all(kv, tree, &value, &list).unwrap();
    }
}

/// Chunks hold what one key per entry held: the same entries, in the
/// same order, each with its claim's confidence, whatever the order of
/// adds and removes, across values; and a rebuild holds the same.
#[test]
fn chunks_hold_the_entries_a_key_each_would() {
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
    // Added a value at a time, as a rebuild writes them: the same entries.
    let base2 = Empty;
    let mut rebuilt = Overlay::new(&base2);
    add_by_value(&mut rebuilt, T::IdxTag, &model);
    let again: Vec<Posting> = all(&rebuilt, T::IdxTag).map(|e| e.unwrap()).collect();
    assert_eq!(again, want);
    // The word index keeps offsets alone: the same entries, no confidence.
    let mut words = Overlay::new(&base2);
    add_by_value(&mut words, T::IdxWord, &model);
    let plain: Vec<Posting> = all(&words, T::IdxWord).map(|e| e.unwrap()).collect();
    assert_eq!(
        plain,
        model.keys().map(|k| (k.clone(), None)).collect::<Vec<_>>()
    );
    assert!(malformed(&words, T::IdxWord).unwrap().is_empty());
    // Removing every entry leaves no chunk behind.
    for (e, _) in &want {
        remove(&mut kv, T::IdxTag, e).unwrap();
    }
    assert_eq!(
        kv.range(T::IdxTag, Bound::Unbounded, Bound::Unbounded)
            .count(),
        0
    );
}

/// Every chunk of `tree` in `kv`: (value, first id or TAIL, ids).
fn chunks(kv: &impl KvRead, tree: T) -> Vec<(Vec<u8>, ClaimId, Vec<ClaimId>)> {
    kv.range(tree, Bound::Unbounded, Bound::Unbounded)
        .map(|c| {
            let (key, bytes) = c.unwrap();
            let (value, id) = split(&key).unwrap();
            let ids = decode(tree, &key, &bytes)
                .unwrap()
                .iter()
                .map(|p| p.0)
                .collect();
            (value.to_vec(), id, ids)
        })
        .collect()
}

/// Numbers drawn from `seed` (xorshift), each below the bound asked.
fn draws(mut seed: u64) -> impl FnMut(u64) -> u64 {
    move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    }
}

/// Thousands of adds and removes in every order (appends, older
/// claims, re-adds, removes at chunk edges) over dense and sparse
/// values: the entries stay those of a map of one key each, every
/// chunk stays within its size and readable, each value with entries
/// has exactly one tail, after its sealed chunks; a load's appends
/// fill chunks rather than leave them half empty.
#[test]
fn chunks_split_seal_and_merge_as_entries_come_and_go() {
    let mut next = draws(0x2545_f491_4f6c_dd1d_u64);
    for tree in [T::IdxSpeaker, T::IdxWord] {
        let base = Empty;
        let mut kv = Overlay::new(&base);
        let mut model: BTreeMap<Vec<u8>, Option<u16>> = BTreeMap::new();
        let values: [&[u8]; 3] = [b"dense\0\x01", b"sparse\0\x01", b"mid\0\x01"];
        // A load: ascending ids, the dense value in every claim.
        for id in 1..=3_000u64 {
            for (v, every) in values.iter().zip([1, 97, 7]) {
                if id % every == 0 {
                    let c = (id % 10_001) as u16;
                    add(&mut kv, tree, &entry(v, id), c).unwrap();
                    model.insert(entry(v, id), records_confidence(tree).then_some(c));
                }
            }
        }
        let sealed = chunks(&kv, tree);
        let dense: Vec<_> = sealed.iter().filter(|c| c.0 == values[0]).collect();
        let full = dense.iter().filter(|c| c.1 != TAIL);
        assert!(
            full.clone().count() >= 2,
            "{tree:?}: {} chunks",
            dense.len()
        );
        for c in full {
            let bytes = kv.get(tree, &chunk_key(&c.0, c.1)).unwrap().unwrap();
            assert!(bytes.len() >= CHUNK_BYTES && bytes.len() < CHUNK_BYTES + 16);
        }
        // Updates and deletes anywhere, then a few ids below all.
        for _ in 0..6_000 {
            let v = values[next(3) as usize];
            let id = 1 + next(3_200);
            if next(3) == 0 {
                remove(&mut kv, tree, &entry(v, id)).unwrap();
                model.remove(&entry(v, id));
            } else {
                let c = next(10_001) as u16;
                add(&mut kv, tree, &entry(v, id), c).unwrap();
                model.insert(entry(v, id), records_confidence(tree).then_some(c));
            }
        }
        let got: Vec<Posting> = all(&kv, tree).map(|e| e.unwrap()).collect();
        let want: Vec<Posting> = model.iter().map(|(k, c)| (k.clone(), *c)).collect();
        assert_eq!(got, want, "{tree:?}");
        assert!(malformed(&kv, tree).unwrap().is_empty());
        let all_chunks = chunks(&kv, tree);
        for v in values {
            let mine: Vec<_> = all_chunks.iter().filter(|c| c.0 == v).collect();
            let tails = mine.iter().filter(|c| c.1 == TAIL).count();
            assert_eq!(tails, usize::from(!mine.is_empty()), "{tree:?}");
            let ids: Vec<ClaimId> = mine.iter().flat_map(|c| c.2.clone()).collect();
            assert!(
                ids.windows(2).all(|w| w[0] < w[1]),
                "{tree:?}: chunks out of order"
            );
            for c in &mine {
                let bytes = kv.get(tree, &chunk_key(v, c.1)).unwrap().unwrap();
                assert!(bytes.len() <= CHUNK_BYTES + 16);
            }
        }
        // Emptied from the top, tail first, a value keeps a tail (the
        // last sealed chunk) while it has entries, and then no chunk.
        for (n, (e, _)) in want.iter().rev().enumerate() {
            remove(&mut kv, tree, e).unwrap();
            if n % 97 == 0 {
                let left = chunks(&kv, tree);
                for v in values {
                    let mine = left.iter().filter(|c| c.0 == v);
                    let tails = mine.clone().filter(|c| c.1 == TAIL).count();
                    assert_eq!(tails, usize::from(mine.count() > 0), "{tree:?}");
                }
            }
        }
        assert!(chunks(&kv, tree).is_empty(), "{tree:?}");
    }
}

/// A value's postings added at once ([`add_all`], how a transaction's
/// deferred entries are written) leave every chunk byte for byte as
/// one [`add`] after another does: groups of every size, dense and
/// sparse, onto tails that a load, an update or a split left, and
/// groups that reach below the tail.
#[test]
fn a_value_s_postings_added_at_once_are_chunked_as_one_by_one() {
    let mut next = draws(0x9e37_79b9_7f4a_7c15_u64);
    for tree in [T::IdxSpeaker, T::IdxWord] {
        let base = Empty;
        let (mut one, mut many) = (Overlay::new(&base), Overlay::new(&base));
        let value = b"v\0\x01";
        let mut top = 1;
        for round in 0..600u64 {
            let mut group: Vec<Held> = Vec::new();
            if next(5) == 0 {
                // Older claims: an update, maybe a split of the tail.
                let mut ids: Vec<u64> = (0..1 + next(4)).map(|_| 1 + next(top)).collect();
                ids.sort_unstable();
                ids.dedup();
                group = ids.into_iter().map(|id| (id, None)).collect();
            } else {
                for _ in 0..next(40) {
                    top += 1 + next(if round % 2 == 0 { 3 } else { 300 });
                    group.push((top, None));
                }
            }
            for posting in &mut group {
                let c = next(10_001) as u16;
                add(&mut one, tree, &entry(value, posting.0), c).unwrap();
                posting.1 = records_confidence(tree).then_some(c);
            }
            add_all(&mut many, tree, value, &group).unwrap();
        }
        let everything = |kv: &Overlay| -> Vec<Entry> {
            kv.range(tree, Bound::Unbounded, Bound::Unbounded)
                .map(Result::unwrap)
                .collect()
        };
        assert!(chunks(&one, tree).len() > 20, "{tree:?}");
        assert_eq!(everything(&one), everything(&many), "{tree:?}");
    }
}
