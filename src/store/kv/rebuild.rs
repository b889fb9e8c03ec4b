//! The repair: every derived tree (the indexes, their counts, the
//! vocabulary's trigrams, the name table), the id counters and the claim
//! count rebuilt from the primary records.
//!
//! It streams, as `verify` does: the derived trees are cleared
//! [`CLEAR_KEYS`] keys at a time, then the claims are read in id order,
//! [`CLAIMS_AT_ONCE`] at a time, and each one's entries written as a new
//! claim's are (appended value by value, `deferred.rs`), then the names,
//! counters and count. An engine that can take back committed writes (sled,
//! with its undo journal) commits each step on its own and undoes them all
//! when one fails or the process dies ([`Rebuild::in_steps`]); the others
//! run every step in one transaction ([`Rebuild::all_at_once`]).

use std::ops::Bound;

use super::indexes::{claim_of, INDEXES};
use super::keys::KeyBuf;
use super::records::{claim_count_key, counter_key, RecordWriter};
use super::verify::speakers_and_sources;
use super::{codec, KvWrite, T};
use crate::error::Result;
use crate::store::{fold_name, VerifyReport};

/// Derived keys removed per commit.
pub(crate) const CLEAR_KEYS: usize = 20_000;
/// Claims whose entries are written per commit (an import's batch).
pub(crate) const CLAIMS_AT_ONCE: usize = 2_000;

/// The trees a rebuild writes anew.
fn derived_trees() -> impl Iterator<Item = T> {
    INDEXES
        .iter()
        .map(|d| d.tree)
        .chain([T::SpeakerNames, T::Counts, T::WordGrams])
}

/// What one transaction of a rebuild does to the writer.
pub(crate) type Step<'s> = dyn FnMut(&mut RecordWriter) -> Result<()> + 's;

/// A rebuild under way: how far it has read.
#[derive(Default)]
pub(crate) struct Rebuild {
    /// The last claim's key whose entries are written.
    after: Option<Vec<u8>>,
    claims: u64,
    max_claim: u64,
}

impl Rebuild {
    /// The whole rebuild inside the writer's one transaction.
    pub(crate) fn all_at_once(w: &mut RecordWriter) -> Result<()> {
        let mut rebuild = Rebuild::default();
        clear_some(w, usize::MAX)?;
        rebuild.add_claims(w, usize::MAX)?;
        rebuild.finish(w)
    }

    /// The whole rebuild in steps, each run by `commit` as a transaction
    /// of its own.
    pub(crate) fn in_steps(commit: &mut dyn FnMut(&mut Step) -> Result<()>) -> Result<()> {
        let mut rebuild = Rebuild::default();
        let mut step = |f: &mut dyn FnMut(&mut RecordWriter) -> Result<usize>| -> Result<usize> {
            let mut done = 0;
            commit(&mut |w| {
                done = f(w)?;
                Ok(())
            })?;
            Ok(done)
        };
        while step(&mut |w| clear_some(w, CLEAR_KEYS))? > 0 {}
        while step(&mut |w| rebuild.add_claims(w, CLAIMS_AT_ONCE))? > 0 {}
        step(&mut |w| rebuild.finish(w).map(|()| 0))?;
        Ok(())
    }

    /// Writes the entries of up to `limit` claims after the last read;
    /// how many were read (those that cannot be read are passed over:
    /// `verify` reports them).
    fn add_claims(&mut self, w: &mut RecordWriter, limit: usize) -> Result<usize> {
        let base = w.records.kv.base();
        let from = match &self.after {
            Some(key) => Bound::Excluded(key.clone()),
            None => Bound::Unbounded,
        };
        let mut read = 0;
        for entry in base.range(T::Claims, from, Bound::Unbounded).take(limit) {
            let (key, value) = entry?;
            read += 1;
            if let Ok(claim) = codec::decode_claim(&value) {
                w.add_entries(&claim, true)?;
                self.claims += 1;
                self.max_claim = self.max_claim.max(claim.id);
            } else if let Some(id) = claim_of(&key) {
                self.max_claim = self.max_claim.max(id);
            }
            self.after = Some(key);
        }
        Ok(read)
    }

    /// The name table, the id counters (never set back) and the claim count.
    fn finish(&self, w: &mut RecordWriter) -> Result<()> {
        let mut scratch = VerifyReport::default();
        let (speakers, _) = speakers_and_sources(w.records.kv.base(), &mut scratch)?;
        let counters = [
            ("claim", self.max_claim + 1),
            ("speaker", speakers.keys().copied().max().unwrap_or(0) + 1),
        ];
        for (name, next) in counters {
            if w.records.counter(name)? < next {
                w.records
                    .kv
                    .insert(T::Meta, counter_key(name), codec::encode(&next)?)?;
            }
        }
        let kv = &mut w.records.kv;
        for s in speakers.values() {
            for name in std::iter::once(&s.name).chain(&s.aliases) {
                let key = KeyBuf::new().str(&fold_name(name)).finish();
                kv.insert(T::SpeakerNames, key, codec::encode(&s.id)?)?;
            }
        }
        kv.insert(T::Meta, claim_count_key(), codec::encode(&self.claims)?)
    }
}

/// Removes up to `limit` keys of the derived trees, as the transaction's
/// base holds them; how many.
fn clear_some(w: &mut RecordWriter, limit: usize) -> Result<usize> {
    let base = w.records.kv.base();
    let mut stale: Vec<(T, Vec<u8>)> = Vec::new();
    for tree in derived_trees() {
        for entry in base
            .range(tree, Bound::Unbounded, Bound::Unbounded)
            .take(limit - stale.len())
        {
            stale.push((tree, entry?.0));
        }
        if stale.len() == limit {
            break;
        }
    }
    for (tree, key) in &stale {
        w.records.kv.remove(*tree, key.clone())?;
    }
    Ok(stale.len())
}
