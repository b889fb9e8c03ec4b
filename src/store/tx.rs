//! Writes inside one sled transaction.
//!
//! [`Tx`] is the only way records and index entries are written: putting a
//! claim writes its index entries with it and removes the entries of the
//! version it replaces, so the indexes cannot drift from the claims. It is a
//! thin, typed layer over sled's transactional trees; the rules about *what*
//! may be written (validation, citation checks) live above, in `db::writer`.

use sled::transaction::{TransactionalTree, UnabortableTransactionError};

use super::{codec, fold_name, KeyBuf, T};
use crate::error::Error;
use crate::model::{Claim, ClaimId, Source, Speaker, SpeakerId};

/// Why a transaction step failed: the engine (sled retries conflicts) or a
/// rule of claimdb's (the transaction is aborted with it).
#[derive(Debug)]
pub enum TxError {
    /// Storage trouble or a conflict to retry.
    Sled(UnabortableTransactionError),
    /// A claimdb error: the transaction is abandoned and this is returned.
    Fail(Error),
}

impl From<UnabortableTransactionError> for TxError {
    fn from(e: UnabortableTransactionError) -> Self {
        TxError::Sled(e)
    }
}

impl From<Error> for TxError {
    fn from(e: Error) -> Self {
        TxError::Fail(e)
    }
}

/// Result inside a transaction.
pub type TxResult<A> = std::result::Result<A, TxError>;

/// The trees of one transaction.
pub struct Tx<'a> {
    trees: &'a [TransactionalTree],
}

impl<'a> Tx<'a> {
    pub(super) fn new(trees: &'a [TransactionalTree]) -> Self {
        Tx { trees }
    }

    pub(super) fn t(&self, t: T) -> &TransactionalTree {
        &self.trees[t as usize]
    }

    /// Marks a new database as complete, in this claimdb's format.
    pub fn stamp_format_version(&self) -> TxResult<()> {
        self.t(T::Meta)
            .insert(b"format_version", codec::encode(&super::FORMAT_VERSION)?)?;
        Ok(())
    }

    /// Takes the next id from the named counter (ids start at 1 and never repeat).
    pub fn next_id(&self, counter: &str) -> TxResult<u64> {
        let key = super::verify::counter_key(counter);
        let next = match self.t(T::Meta).get(&key)? {
            Some(v) => codec::decode::<u64>(&v, "id counter")?,
            None => 1,
        };
        self.t(T::Meta).insert(key, codec::encode(&(next + 1))?)?;
        Ok(next)
    }

    /// A claim by id, as this transaction sees it.
    pub fn claim(&self, id: ClaimId) -> TxResult<Option<Claim>> {
        Ok(self
            .t(T::Claims)
            .get(id.to_be_bytes())?
            .map(|v| codec::decode(&v, "claim"))
            .transpose()?)
    }

    /// Writes a claim and its index entries, replacing any earlier version and its entries.
    pub fn put_claim(&self, claim: &Claim) -> TxResult<()> {
        if let Some(old) = self.claim(claim.id)? {
            for key in index_keys(&old) {
                self.t(key.0).remove(key.1)?;
            }
        }
        self.t(T::Claims)
            .insert(&claim.id.to_be_bytes(), codec::encode(claim)?)?;
        for (tree, key) in index_keys(claim) {
            self.t(tree).insert(key, &[])?;
        }
        Ok(())
    }

    /// Removes a claim and its index entries; false when there was none.
    pub fn delete_claim(&self, id: ClaimId) -> TxResult<bool> {
        let Some(old) = self.claim(id)? else {
            return Ok(false);
        };
        for (tree, key) in index_keys(&old) {
            self.t(tree).remove(key)?;
        }
        self.t(T::Claims).remove(&id.to_be_bytes())?;
        Ok(true)
    }

    /// A source by id.
    pub fn source(&self, id: &str) -> TxResult<Option<Source>> {
        Ok(self
            .t(T::Sources)
            .get(KeyBuf::new().str(id).finish())?
            .map(|v| codec::decode(&v, "source"))
            .transpose()?)
    }

    /// A source's text.
    pub fn source_text(&self, id: &str) -> TxResult<Option<String>> {
        match self.t(T::SourceText).get(KeyBuf::new().str(id).finish())? {
            None => Ok(None),
            Some(v) => Ok(Some(String::from_utf8(v.to_vec()).map_err(|_| {
                Error::Corrupt(format!("text of source {id:?} is not UTF-8"))
            })?)),
        }
    }

    /// Writes a source and, when given, its text.
    pub fn put_source(&self, source: &Source, text: Option<&str>) -> TxResult<()> {
        let key = KeyBuf::new().str(&source.id).finish();
        self.t(T::Sources)
            .insert(key.clone(), codec::encode(source)?)?;
        match text {
            Some(text) => self.t(T::SourceText).insert(key, text.as_bytes())?,
            None => self.t(T::SourceText).remove(key)?,
        };
        Ok(())
    }

    /// The speaker a name or alias stands for.
    pub fn speaker_by_name(&self, name: &str) -> TxResult<Option<SpeakerId>> {
        Ok(self
            .t(T::SpeakerNames)
            .get(KeyBuf::new().str(&fold_name(name)).finish())?
            .map(|v| codec::decode(&v, "speaker name"))
            .transpose()?)
    }

    /// A speaker by id.
    pub fn speaker(&self, id: SpeakerId) -> TxResult<Option<Speaker>> {
        Ok(self
            .t(T::Speakers)
            .get(id.to_be_bytes())?
            .map(|v| codec::decode(&v, "speaker"))
            .transpose()?)
    }

    /// Writes a speaker and registers its name and aliases (which must be free).
    pub fn put_speaker(&self, speaker: &Speaker) -> TxResult<()> {
        self.t(T::Speakers)
            .insert(&speaker.id.to_be_bytes(), codec::encode(speaker)?)?;
        for name in std::iter::once(&speaker.name).chain(&speaker.aliases) {
            self.t(T::SpeakerNames).insert(
                KeyBuf::new().str(&fold_name(name)).finish(),
                codec::encode(&speaker.id)?,
            )?;
        }
        Ok(())
    }
}

/// Every index entry a claim has.
pub(super) fn index_keys(c: &Claim) -> Vec<(T, Vec<u8>)> {
    let mut keys = vec![
        (
            T::IdxSpeaker,
            KeyBuf::new().u64(c.speaker).u64(c.id).finish(),
        ),
        (
            T::IdxSource,
            KeyBuf::new().str(&c.source).u64(c.id).finish(),
        ),
        (
            T::IdxConfidence,
            KeyBuf::new()
                .u16(c.confidence.basis_points())
                .u64(c.id)
                .finish(),
        ),
        (
            T::IdxStatus,
            KeyBuf::new().u8(c.status as u8).u64(c.id).finish(),
        ),
    ];
    if let Some(origin) = &c.origin {
        keys.push((T::IdxOrigin, KeyBuf::new().str(origin).u64(c.id).finish()));
    }
    for tag in &c.tags {
        // The fold the planner looks a tag up by (and the filter compares by).
        let key = crate::cite::fold_key(tag);
        keys.push((T::IdxTag, KeyBuf::new().str(&key).u64(c.id).finish()));
    }
    keys
}
