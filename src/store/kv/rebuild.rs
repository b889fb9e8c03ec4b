//! The repair: every derived tree (the indexes, their counts, the
//! vocabulary's trigrams, the name table), the id counters and the claim
//! count rebuilt from the primary records in one transaction. (Unlike
//! `verify`, it holds every claim's entries at once: a transaction holds
//! its writes in memory anyway.)

use std::collections::{BTreeMap, HashMap};

use super::codec;
use super::indexes::{claim_of, count_key_of_entry, index_entries, INDEXES};
use super::keys::KeyBuf;
use super::postings;
use super::records::{claim_count_key, counter_key, RecordWriter};
use super::verify::{all, speakers_and_sources, vocabulary_grams};
use super::{KvRead, KvWrite, T};
use crate::error::Result;
use crate::model::{Claim, Source, Speaker};
use crate::store::{fold_name, VerifyReport};

/// What every derived tree should hold, computed from the primary records.
struct Derived {
    /// Per index (in [`INDEXES`] order), its keys, each with the
    /// confidence of its claim in ten-thousandths.
    index: Vec<BTreeMap<Vec<u8>, u16>>,
    /// Folded name -> speaker id.
    names: HashMap<Vec<u8>, u64>,
    /// Count key -> entries the index holds for that value.
    counts: HashMap<Vec<u8>, u64>,
    max_claim: u64,
    max_speaker: u64,
}

/// Rebuilds every index entry, the name table, the id counters and the
/// claim count from the primary records, inside the writer's transaction.
pub(crate) fn rebuild(w: &mut RecordWriter<'_>) -> Result<()> {
    let mut scratch = VerifyReport::default();
    let (claims, speakers, _) = primary_records(&w.records.kv, &mut scratch)?;
    let derived = derive(&claims, &speakers);
    let mut stale: Vec<(T, Vec<u8>)> = Vec::new();
    for tree in INDEXES
        .iter()
        .map(|d| d.tree)
        .chain([T::SpeakerNames, T::Counts, T::WordGrams])
    {
        for entry in all(&w.records.kv, tree) {
            stale.push((tree, entry?.0));
        }
    }
    let counters = [
        ("claim", derived.max_claim + 1),
        ("speaker", derived.max_speaker + 1),
    ];
    let current: Vec<u64> = counters
        .iter()
        .map(|(name, _)| w.records.counter(name))
        .collect::<Result<_>>()?;
    let kv = &mut w.records.kv;
    for (tree, key) in stale {
        kv.remove(tree, key)?;
    }
    for key in vocabulary_grams(&derived.counts)? {
        kv.insert(T::WordGrams, key, Vec::new())?;
    }
    for (key, n) in derived.counts {
        kv.insert(T::Counts, key, codec::encode(&n)?)?;
    }
    for (def, keys) in INDEXES.iter().zip(derived.index) {
        postings::add_sorted(kv, def.tree, &keys)?;
    }
    for (key, id) in derived.names {
        kv.insert(T::SpeakerNames, key, codec::encode(&id)?)?;
    }
    for ((name, next), now) in counters.iter().zip(&current) {
        if now < next {
            kv.insert(T::Meta, counter_key(name), codec::encode(next)?)?;
        }
    }
    kv.insert(
        T::Meta,
        claim_count_key(),
        codec::encode(&(claims.len() as u64))?,
    )
}

/// Claims, speakers and sources by id; undecodable ones are reported.
#[allow(clippy::type_complexity)]
fn primary_records<K: KvRead + ?Sized>(
    kv: &K,
    report: &mut VerifyReport,
) -> Result<(
    HashMap<u64, Claim>,
    HashMap<u64, Speaker>,
    HashMap<String, Source>,
)> {
    let mut claims = HashMap::new();
    for entry in all(kv, T::Claims) {
        let (key, value) = entry?;
        report.claims += 1;
        match codec::decode_claim(&value) {
            Ok(c) => {
                claims.insert(c.id, c);
            }
            Err(e) => report.problem(
                "record",
                false,
                format!("claim {}: {e}", claim_of(&key).unwrap_or(0)),
            ),
        }
    }
    let (speakers, sources) = speakers_and_sources(kv, report)?;
    Ok((claims, speakers, sources))
}

fn derive(claims: &HashMap<u64, Claim>, speakers: &HashMap<u64, Speaker>) -> Derived {
    let mut index = vec![BTreeMap::new(); INDEXES.len()];
    for claim in claims.values() {
        for (tree, key) in index_entries(claim) {
            if let Some(at) = INDEXES.iter().position(|d| d.tree == tree) {
                index[at].insert(key, claim.confidence.basis_points());
            }
        }
    }
    let mut counts = HashMap::new();
    for (def, keys) in INDEXES.iter().zip(&index).filter(|(d, _)| d.counted) {
        for key in keys.keys() {
            *counts.entry(count_key_of_entry(def.tree, key)).or_insert(0) += 1;
        }
    }
    let mut names = HashMap::new();
    for s in speakers.values() {
        for name in std::iter::once(&s.name).chain(&s.aliases) {
            names.insert(KeyBuf::new().str(&fold_name(name)).finish(), s.id);
        }
    }
    Derived {
        index,
        names,
        counts,
        max_claim: claims.keys().copied().max().unwrap_or(0),
        max_speaker: speakers.keys().copied().max().unwrap_or(0),
    }
}
