//! What a transaction's reads found in the base, kept for the undo
//! journal (`undo.rs`), which records what the base held under each key a
//! commit changes.
//!
//! Most of those keys the transaction read already: a value's tail and
//! count, a claim looked up before it is written, a record's versions
//! listed before the next is added (a range read whole, so every key in it
//! that the base does not return holds nothing). Kept, they spare the
//! journal a read of the base per key: at 300,000 claims, an
//! all-or-nothing import's journal took 7.5 to 8.1 s without and 6.4 to
//! 6.6 s with (its deferred entries' writing included).

use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;

use super::{T, TREES};

/// What reads found in the base, tree by tree.
pub(super) struct BaseReads(Vec<SeenTree>);

/// What reads found in one tree of the base.
#[derive(Clone, Default)]
struct SeenTree {
    /// Keys read and what they held (`None`: nothing).
    values: HashMap<Vec<u8>, Option<Vec<u8>>>,
    /// Ranges read whole (every key in them that the base holds is in
    /// `values`), by their low end: whether it is included, and the high
    /// end. Of two read from the same key, the one read last.
    whole: BTreeMap<Vec<u8>, (bool, Bound<Vec<u8>>)>,
}

impl BaseReads {
    pub(super) fn new() -> Self {
        BaseReads(vec![SeenTree::default(); TREES.len()])
    }

    /// Keeps that the base holds `value` under `key` (`None`: nothing).
    pub(super) fn value(&mut self, tree: T, key: &[u8], value: Option<&[u8]>) {
        let values = &mut self.0[tree as usize].values;
        if !values.contains_key(key) {
            values.insert(key.to_vec(), value.map(<[u8]>::to_vec));
        }
    }

    /// Keeps that `from..to` was read whole: each key in it that the base
    /// holds was kept by [`BaseReads::value`].
    pub(super) fn whole(&mut self, tree: T, from: Bound<&[u8]>, to: Bound<&[u8]>) {
        let (low, included) = match from {
            Bound::Included(k) => (k.to_vec(), true),
            Bound::Excluded(k) => (k.to_vec(), false),
            Bound::Unbounded => (Vec::new(), true),
        };
        let high = to.map(<[u8]>::to_vec);
        self.0[tree as usize].whole.insert(low, (included, high));
    }

    /// What the base holds under `key`, when a read found out (taken: the
    /// journal asks once per key).
    pub(super) fn before(&mut self, tree: T, key: &[u8]) -> Option<Option<Vec<u8>>> {
        self.0[tree as usize].before(key)
    }
}

impl SeenTree {
    fn before(&mut self, key: &[u8]) -> Option<Option<Vec<u8>>> {
        if let Some(value) = self.values.remove(key) {
            return Some(value);
        }
        // Only the range starting nearest below is asked: an answer missed
        // is read from the base again, never a wrong one given.
        let (low, (included, high)) = self
            .whole
            .range::<[u8], _>((Bound::Unbounded, Bound::Included(key)))
            .next_back()?;
        let above_low = *included || low.as_slice() < key;
        let below_high = match high {
            Bound::Included(h) => key <= h.as_slice(),
            Bound::Excluded(h) => key < h.as_slice(),
            Bound::Unbounded => true,
        };
        (above_low && below_high).then_some(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A key is known absent only inside a range read whole, by both its
    /// ends (included or not); a key read is known by its value.
    #[test]
    fn a_key_is_known_absent_only_inside_a_range_read_whole() {
        let mut seen = BaseReads::new();
        let t = T::Claims;
        seen.whole(t, Bound::Included(b"b"), Bound::Excluded(b"d"));
        seen.whole(t, Bound::Excluded(b"f"), Bound::Included(b"h"));
        seen.whole(t, Bound::Included(b"m"), Bound::Unbounded);
        seen.value(t, b"c", Some(b"held"));
        let cases: [(&str, Option<Option<&[u8]>>); 12] = [
            ("a", None),
            ("b", Some(None)),
            ("bz", Some(None)),
            ("c", Some(Some(b"held"))),
            ("d", None),
            ("e", None),
            ("f", None),
            ("g", Some(None)),
            ("h", Some(None)),
            ("ha", None),
            ("m", Some(None)),
            ("zzz", Some(None)),
        ];
        for (key, known) in cases {
            let known = known.map(|v| v.map(<[u8]>::to_vec));
            assert_eq!(seen.before(t, key.as_bytes()), known, "{key}");
        }
        // Another tree knows nothing of these.
        assert_eq!(seen.before(T::Speakers, b"g"), None);
    }
}
