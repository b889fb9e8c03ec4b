//! Records over the key-value floor: the one implementation of
//! [`ReadView`] and [`WriteTx`] that every key-value engine shares.
//!
//! The layout, tree by tree:
//!
//! | tree | key | value |
//! |---|---|---|
//! | `meta` | name | format version, id counters, the claim count |
//! | `claims` | claim id (u64 BE) | [`Claim`] |
//! | `sources` | source id | [`Source`] (without its text) |
//! | `source_text` | source id | the text, raw UTF-8 |
//! | `speakers` | speaker id (u64 BE) | [`Speaker`] |
//! | `speaker_names` | folded name or alias | speaker id |
//! | `idx_*` | value ++ first claim id of a chunk | claim ids (see `indexes.rs`, `postings.rs`) |
//! | `counts` | index tree ++ value | how many claims the index holds for it |
//! | `word_grams` | trigram ++ word | empty (see `vocabulary.rs`) |
//!
//! Putting a claim writes its index entries and keeps the claim count, in
//! the same transaction, and removes the entries of the version it
//! replaces, so the indexes cannot drift from the claims.

use std::ops::Bound;

use super::codec;
use super::deferred;
use super::indexes::{claim_of, count_key, count_key_of_entry, index_entries, Index, IndexScan};
use super::keys::KeyBuf;
use super::postings;
use super::vocabulary;
use super::{KvRead, KvWrite, Overlay, T};
use crate::error::{Error, Result};
use crate::model::{
    Claim, ClaimId, Confidence, Source, Speaker, SpeakerId, Subject, Token, Version,
};
use crate::store::{fold_name, ReadView, WriteTx, FORMAT_VERSION};

const FORMAT_KEY: &[u8] = b"format_version";
/// The meta key of the moment history was pruned back to.
const HORIZON_KEY: &[u8] = b"history_horizon";

/// The meta key of an id counter.
pub(crate) fn counter_key(name: &str) -> Vec<u8> {
    KeyBuf::new().str("next_id").str(name).finish()
}

/// The meta key of the claim count.
pub(crate) fn claim_count_key() -> Vec<u8> {
    KeyBuf::new().str("count").str("claims").finish()
}

/// The key prefix of a record's versions: its kind, then its id.
pub(crate) fn version_prefix(subject: &Subject) -> KeyBuf {
    match subject {
        Subject::Claim(id) => KeyBuf::new().u8(1).u64(*id),
        Subject::Source(id) => KeyBuf::new().u8(2).str(id),
        Subject::Speaker(id) => KeyBuf::new().u8(3).u64(*id),
    }
}

/// Records read from a key-value view.
pub(crate) struct Records<K> {
    pub(crate) kv: K,
}

impl<K: KvRead> Records<K> {
    fn decode_values<'a, V: serde::de::DeserializeOwned + 'a>(
        &'a self,
        tree: T,
        what: &'static str,
    ) -> impl Iterator<Item = Result<V>> + 'a {
        self.kv
            .range(tree, Bound::Unbounded, Bound::Unbounded)
            .map(move |e| codec::decode(&e?.1, what))
    }

    pub(crate) fn counter(&self, name: &str) -> Result<u64> {
        Ok(match self.kv.get(T::Meta, &counter_key(name))? {
            Some(v) => codec::decode(&v, "id counter")?,
            None => 1,
        })
    }
}

impl<K: KvRead> ReadView for Records<K> {
    fn claim(&self, id: ClaimId) -> Result<Option<Claim>> {
        self.kv
            .get(T::Claims, &id.to_be_bytes())?
            .map(|v| codec::decode_claim(&v))
            .transpose()
    }

    fn claims_in(
        &self,
        first: ClaimId,
        last: ClaimId,
    ) -> Box<dyn Iterator<Item = Result<Claim>> + '_> {
        Box::new(
            self.kv
                .range(
                    T::Claims,
                    Bound::Included(first.to_be_bytes().to_vec()),
                    Bound::Included(last.to_be_bytes().to_vec()),
                )
                .map(|e| codec::decode_claim(&e?.1)),
        )
    }

    fn claim_count(&self) -> Result<u64> {
        Ok(match self.kv.get(T::Meta, &claim_count_key())? {
            Some(v) => codec::decode(&v, "claim count")?,
            None => 0,
        })
    }

    fn scan_postings(
        &self,
        scan: &IndexScan,
    ) -> Box<dyn Iterator<Item = Result<(ClaimId, Option<Confidence>)>> + '_> {
        let tree = scan.index().def().tree;
        let (first, last) = scan.keys();
        Box::new(postings::entries(&self.kv, tree, first, last).map(|e| {
            let (key, confidence) = e?;
            let id = claim_of(&key).ok_or_else(|| Error::Corrupt("short index key".into()))?;
            Ok((id, confidence.map(Confidence::from_basis_points)))
        }))
    }

    fn index_count_up_to(&self, scan: &IndexScan, cap: u64) -> Result<u64> {
        let tree = scan.index().def().tree;
        if !super::indexes::is_counted(tree) {
            // An index that keeps no counts holds (nearly) one claim per
            // value: its entries are counted where they are.
            let mut n = 0;
            for id in self.scan_index(scan) {
                id?;
                n += 1;
            }
            return Ok(n);
        }
        let decode = |v: &[u8]| codec::decode::<u64>(v, "index count");
        match scan.keys() {
            (value, None) => self
                .kv
                .get(T::Counts, &count_key(tree, &value))?
                .map_or(Ok(0), |v| decode(&v)),
            (first, Some(last)) => {
                let last = &last[..last.len().saturating_sub(8)];
                let mut n = 0;
                for entry in self.kv.range(
                    T::Counts,
                    Bound::Included(count_key(tree, &first)),
                    Bound::Included(count_key(tree, last)),
                ) {
                    n += decode(&entry?.1)?;
                    if n >= cap {
                        break;
                    }
                }
                Ok(n)
            }
        }
    }

    fn value_counts(&self, index: Index) -> Result<Vec<(IndexScan, u64)>> {
        let index = index.def();
        let mut out = Vec::new();
        if !index.counted {
            return Ok(out);
        }
        for entry in self.kv.prefix(T::Counts, count_key(index.tree, &[])) {
            let (key, value) = entry?;
            let scan = IndexScan::from_value(index.tree, &key[1..]).ok_or_else(|| {
                Error::Corrupt(format!("a count of {} has a bad key", index.name()))
            })?;
            out.push((scan, codec::decode::<u64>(&value, "index count")?));
        }
        Ok(out)
    }

    fn words_containing(&self, part: &str) -> Result<Vec<(String, u64)>> {
        let count_of = |word: &str| -> Result<u64> {
            let key = count_key(T::IdxWord, &KeyBuf::new().str(word).finish());
            self.kv
                .get(T::Counts, &key)?
                .map_or(Ok(0), |v| codec::decode(&v, "index count"))
        };
        if let Some(words) = vocabulary::words_holding(&self.kv, part)? {
            let mut found = Vec::with_capacity(words.len());
            for word in words {
                let n = count_of(&word)?;
                found.push((word, n));
            }
            return Ok(found);
        }
        // A needle shorter than a trigram: every distinct word has one
        // counts key, [tree] ++ word ++ [0, 1].
        let mut found = Vec::new();
        for entry in self.kv.prefix(T::Counts, count_key(T::IdxWord, &[])) {
            let (key, value) = entry?;
            let word = vocabulary::word_of_count_key(&key)?;
            if word.contains(part) {
                found.push((word, codec::decode::<u64>(&value, "index count")?));
            }
        }
        Ok(found)
    }

    fn source(&self, id: &str) -> Result<Option<Source>> {
        self.kv
            .get(T::Sources, &KeyBuf::new().str(id).finish())?
            .map(|v| codec::decode_source(&v))
            .transpose()
    }

    fn sources(&self) -> Result<Vec<Source>> {
        self.kv
            .range(T::Sources, Bound::Unbounded, Bound::Unbounded)
            .map(|e| codec::decode_source(&e?.1))
            .collect()
    }

    fn source_text(&self, id: &str) -> Result<Option<String>> {
        self.kv
            .get(T::SourceText, &KeyBuf::new().str(id).finish())?
            .map(|v| {
                String::from_utf8(v).map_err(|_| {
                    Error::Corrupt(format!(
                        "text of source {} is not UTF-8",
                        crate::error::quoted(id)
                    ))
                })
            })
            .transpose()
    }

    fn speaker(&self, id: SpeakerId) -> Result<Option<Speaker>> {
        let read = || {
            self.kv
                .get(T::Speakers, &id.to_be_bytes())?
                .map(|v| codec::decode(&v, "speaker"))
                .transpose()
        };
        match self.kv.speaker_cache() {
            Some(cache) => cache.get(id, read),
            None => read(),
        }
    }

    fn speakers(&self) -> Result<Vec<Speaker>> {
        self.decode_values(T::Speakers, "speaker").collect()
    }

    fn tokens(&self) -> Result<Vec<Token>> {
        self.decode_values(T::Tokens, "token").collect()
    }

    fn every_version(&self) -> Result<Vec<Version>> {
        self.decode_values(T::Versions, "version").collect()
    }

    fn versions_in_order(&self) -> Box<dyn Iterator<Item = Result<Version>> + '_> {
        Box::new(self.decode_values(T::Versions, "version"))
    }

    fn versions(&self, subject: &Subject) -> Result<Vec<Version>> {
        self.kv
            .prefix(T::Versions, version_prefix(subject).finish())
            .map(|e| codec::decode(&e?.1, "version"))
            .collect()
    }

    fn speaker_by_name(&self, name: &str) -> Result<Option<SpeakerId>> {
        self.kv
            .get(
                T::SpeakerNames,
                &KeyBuf::new().str(&fold_name(name)).finish(),
            )?
            .map(|v| codec::decode(&v, "speaker name"))
            .transpose()
    }

    fn history_horizon(&self) -> Result<Option<String>> {
        self.kv
            .get(T::Meta, HORIZON_KEY)?
            .map(|v| codec::decode(&v, "history horizon"))
            .transpose()
    }

    fn format_version(&self) -> Result<Option<u32>> {
        self.kv
            .get(T::Meta, FORMAT_KEY)?
            .map(|v| codec::decode(&v, "format version"))
            .transpose()
    }

    fn is_empty(&self) -> Result<bool> {
        Ok(self
            .kv
            .range(T::Claims, Bound::Unbounded, Bound::Unbounded)
            .next()
            .is_none()
            && self
                .kv
                .range(T::Sources, Bound::Unbounded, Bound::Unbounded)
                .next()
                .is_none())
    }
}

/// A transaction's records: reads see its own writes ([`Overlay`]).
pub(crate) struct RecordWriter<'b> {
    pub(crate) records: Records<Overlay<'b>>,
}

impl<'b> RecordWriter<'b> {
    pub(crate) fn new(base: &'b dyn KvRead) -> Self {
        RecordWriter {
            records: Records {
                kv: Overlay::new(base),
            },
        }
    }

    fn kv(&mut self) -> &mut Overlay<'b> {
        &mut self.records.kv
    }

    /// Keeps the per-value count of an index entry added (+1) or removed (-1).
    fn count_entry(&mut self, tree: T, entry: &[u8], delta: i64) -> Result<()> {
        if !super::indexes::is_counted(tree) {
            return Ok(());
        }
        deferred::change_count(self.kv(), tree, count_key_of_entry(tree, entry), delta)
    }

    fn add_to_count(&mut self, delta: i64) -> Result<()> {
        let now = self.records.claim_count()?;
        let next = now.saturating_add_signed(delta);
        self.kv()
            .insert(T::Meta, claim_count_key(), codec::encode(&next)?)
    }
}

impl RecordWriter<'_> {
    /// Adds `claim`'s index entries and counts; a new claim's (`is_new`)
    /// wait to be written with the other new claims' of the transaction
    /// (`deferred.rs`).
    pub(crate) fn add_entries(&mut self, claim: &Claim, is_new: bool) -> Result<()> {
        let confidence = claim.confidence.basis_points();
        for (tree, key) in index_entries(claim) {
            if is_new && deferred::is_deferred(tree) {
                self.kv().defer(tree, &key, confidence)?;
                continue;
            }
            self.count_entry(tree, &key, 1)?;
            postings::add(self.kv(), tree, &key, confidence)?;
        }
        Ok(())
    }

    /// Refuses `claim` when another claim holds its entry in a unique index
    /// (the passage and speaker: the duplicate rule; the caller's key), as
    /// PostgreSQL's unique indexes do: the writer checks first, and this
    /// keeps the rule whoever writes.
    fn refuse_taken(&self, claim: &Claim) -> Result<()> {
        for (tree, entry) in index_entries(claim) {
            let Some(index) = crate::store::kv::indexes::unique_index(tree) else {
                continue;
            };
            let value = &entry[..entry.len().saturating_sub(8)];
            for held in postings::entries(&self.records.kv, tree, value.to_vec(), None) {
                let (held, _) = held?;
                if held.len() == entry.len() && held.starts_with(value) && held != entry {
                    return Err(crate::store::unique_index_refused(index));
                }
            }
        }
        Ok(())
    }

    /// Removes `name` from the name table, only while it still names
    /// speaker `id` (another speaker may have taken it since).
    fn release_name(&mut self, name: &str, id: SpeakerId) -> Result<()> {
        let key = KeyBuf::new().str(&fold_name(name)).finish();
        let owner: Option<SpeakerId> = match self.records.kv.get(T::SpeakerNames, &key)? {
            Some(v) => Some(codec::decode(&v, "speaker name")?),
            None => None,
        };
        if owner == Some(id) {
            self.kv().remove(T::SpeakerNames, key)?;
        }
        Ok(())
    }
}

impl WriteTx for RecordWriter<'_> {
    fn view(&self) -> &dyn ReadView {
        &self.records
    }

    fn stamp_format_version(&mut self) -> Result<()> {
        self.kv().insert(
            T::Meta,
            FORMAT_KEY.to_vec(),
            codec::encode(&FORMAT_VERSION)?,
        )
    }

    fn next_id(&mut self, counter: &str) -> Result<u64> {
        let next = self.records.counter(counter)?;
        self.kv()
            .insert(T::Meta, counter_key(counter), codec::encode(&(next + 1))?)?;
        Ok(next)
    }

    fn raise_next_id(&mut self, counter: &str, next: u64) -> Result<()> {
        if self.records.counter(counter)? < next {
            self.kv()
                .insert(T::Meta, counter_key(counter), codec::encode(&next)?)?;
        }
        Ok(())
    }

    fn put_claim(&mut self, claim: &Claim) -> Result<()> {
        self.refuse_taken(claim)?;
        let old = self.records.claim(claim.id)?;
        match &old {
            Some(old) => {
                for (tree, key) in index_entries(old) {
                    self.count_entry(tree, &key, -1)?;
                    postings::remove(self.kv(), tree, &key)?;
                }
            }
            None => self.add_to_count(1)?,
        }
        self.kv().insert(
            T::Claims,
            claim.id.to_be_bytes().to_vec(),
            codec::encode_claim(claim)?,
        )?;
        self.add_entries(claim, old.is_none())
    }

    fn delete_claim(&mut self, id: ClaimId) -> Result<bool> {
        let Some(old) = self.records.claim(id)? else {
            return Ok(false);
        };
        for (tree, key) in index_entries(&old) {
            self.count_entry(tree, &key, -1)?;
            postings::remove(self.kv(), tree, &key)?;
        }
        self.kv().remove(T::Claims, id.to_be_bytes().to_vec())?;
        self.add_to_count(-1)?;
        Ok(true)
    }

    fn put_source(&mut self, source: &Source, text: Option<&str>) -> Result<()> {
        let key = KeyBuf::new().str(&source.id).finish();
        self.kv()
            .insert(T::Sources, key.clone(), codec::encode_source(source)?)?;
        match text {
            Some(text) => self
                .kv()
                .insert(T::SourceText, key, text.as_bytes().to_vec()),
            None => self.kv().remove(T::SourceText, key),
        }
    }

    fn delete_source(&mut self, id: &str) -> Result<bool> {
        if self.records.source(id)?.is_none() {
            return Ok(false);
        }
        let key = KeyBuf::new().str(id).finish();
        self.kv().remove(T::Sources, key.clone())?;
        self.kv().remove(T::SourceText, key)?;
        Ok(true)
    }

    fn put_version(&mut self, version: &Version) -> Result<()> {
        let key = version_prefix(&version.subject)
            .u64(version.number)
            .finish();
        self.kv().insert(T::Versions, key, codec::encode(version)?)
    }

    fn delete_version(&mut self, subject: &Subject, number: u64) -> Result<bool> {
        let key = version_prefix(subject).u64(number).finish();
        if self.records.kv.get(T::Versions, &key)?.is_none() {
            return Ok(false);
        }
        self.kv().remove(T::Versions, key)?;
        Ok(true)
    }

    fn set_history_horizon(&mut self, at: &str) -> Result<()> {
        self.kv().insert(
            T::Meta,
            HORIZON_KEY.to_vec(),
            codec::encode(&at.to_string())?,
        )
    }

    fn put_token(&mut self, token: &Token) -> Result<()> {
        self.kv().insert(
            T::Tokens,
            KeyBuf::new().str(&token.name).finish(),
            codec::encode(token)?,
        )
    }

    fn delete_token(&mut self, name: &str) -> Result<bool> {
        let key = KeyBuf::new().str(name).finish();
        if self.records.kv.get(T::Tokens, &key)?.is_none() {
            return Ok(false);
        }
        self.kv().remove(T::Tokens, key)?;
        Ok(true)
    }

    fn put_speaker(&mut self, speaker: &Speaker) -> Result<()> {
        // A name the speaker had and has no longer stops naming it.
        if let Some(old) = self.records.speaker(speaker.id)? {
            let kept: Vec<String> = std::iter::once(&speaker.name)
                .chain(&speaker.aliases)
                .map(|n| fold_name(n))
                .collect();
            for name in std::iter::once(&old.name).chain(&old.aliases) {
                let folded = fold_name(name);
                if kept.contains(&folded) {
                    continue;
                }
                self.release_name(name, speaker.id)?;
            }
        }
        self.kv().insert(
            T::Speakers,
            speaker.id.to_be_bytes().to_vec(),
            codec::encode(speaker)?,
        )?;
        for name in std::iter::once(&speaker.name).chain(&speaker.aliases) {
            self.kv().insert(
                T::SpeakerNames,
                KeyBuf::new().str(&fold_name(name)).finish(),
                codec::encode(&speaker.id)?,
            )?;
        }
        Ok(())
    }

    fn delete_speaker(&mut self, id: SpeakerId) -> Result<bool> {
        let Some(old) = self.records.speaker(id)? else {
            return Ok(false);
        };
        for name in std::iter::once(&old.name).chain(&old.aliases) {
            self.release_name(name, id)?;
        }
        self.kv().remove(T::Speakers, id.to_be_bytes().to_vec())?;
        Ok(true)
    }
}
