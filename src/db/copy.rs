//! Moving a corpus between engines: `claimdb copy FROM TO` (a sled folder,
//! a PostgreSQL URL, either way).
//!
//! Every record goes over as it is stored (ids, anchors, attributions,
//! reviews, tokens, every record's versions), read from one snapshot of the source database and
//! written through the storage interface in transactions of
//! [`COPY_BATCH`] claims; the target rebuilds what it derives (its id
//! counters among it) and is then compared with the source record by
//! record. A target that holds anything is refused: a copy makes a new
//! database, it never merges two.

use super::Db;
use crate::error::{quoted, Error, Result};
use crate::model::Claim;

/// Claims per transaction of a copy.
pub(crate) const COPY_BATCH: usize = 5_000;

/// What a copy moved.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Copied {
    /// Claims.
    pub claims: u64,
    /// Sources (with their texts).
    pub sources: u64,
    /// Speakers.
    pub speakers: u64,
    /// Access tokens.
    pub tokens: u64,
    /// Versions of records (their history).
    pub versions: u64,
}

impl Db {
    /// Copies everything this database holds into `to`, which must be
    /// empty, then checks that `to` holds the same records, field for
    /// field. `progress` is told how many claims are over so far.
    pub fn copy_into(&self, to: &Db, progress: &mut dyn FnMut(u64)) -> Result<Copied> {
        {
            let target = to.view()?;
            if !target.is_empty()? || !target.speakers()?.is_empty() {
                return Err(Error::invalid(
                    "copy",
                    format!(
                        "{} holds a database already: a copy makes a new one",
                        quoted(&to.place())
                    ),
                ));
            }
        }
        let from = self.view()?;
        let mut copied = Copied::default();
        let sources = from.sources()?;
        let speakers = from.speakers()?;
        let tokens = from.tokens()?;
        to.engine.write(&mut |tx| {
            for source in &sources {
                tx.put_source(source, from.source_text(&source.id)?.as_deref())?;
            }
            for speaker in &speakers {
                tx.put_speaker(speaker)?;
            }
            for token in &tokens {
                tx.put_token(token)?;
            }
            tx.stamp_format_version()
        })?;
        copied.sources = sources.len() as u64;
        copied.speakers = speakers.len() as u64;
        copied.tokens = tokens.len() as u64;
        let mut claims = from.claims();
        loop {
            let batch: Vec<Claim> = claims.by_ref().take(COPY_BATCH).collect::<Result<_>>()?;
            if batch.is_empty() {
                break;
            }
            to.engine.write(&mut |tx| {
                for claim in &batch {
                    tx.put_claim(claim)?;
                }
                Ok(())
            })?;
            copied.claims += batch.len() as u64;
            progress(copied.claims);
        }
        drop(claims);
        // Every record's history goes over as it is, a batch at a time.
        let mut versions = from.versions_in_order();
        loop {
            let batch: Vec<crate::model::Version> =
                versions.by_ref().take(COPY_BATCH).collect::<Result<_>>()?;
            if batch.is_empty() {
                break;
            }
            to.engine.write(&mut |tx| {
                for v in &batch {
                    tx.put_version(v)?;
                    // A deleted record's id stays its history's.
                    if let Some((counter, id)) = v.subject.counted_id() {
                        tx.raise_next_id(counter, id + 1)?;
                    }
                }
                Ok(())
            })?;
            copied.versions += batch.len() as u64;
        }
        drop(versions);
        if let Some(horizon) = from.history_horizon()? {
            to.engine
                .write(&mut |tx| tx.set_history_horizon(&horizon))?;
        }
        // The id counters (and anything else derived) from the records.
        to.engine.rebuild_derived()?;
        same_records(&*from, &*to.view()?)?;
        Ok(copied)
    }

    /// Where the database is, as messages name it.
    fn place(&self) -> String {
        match self.engine.path() {
            Some(path) => path.display().to_string(),
            None => self.engine.name().to_string(),
        }
    }
}

/// Checks that `to` holds what `from` holds, record by record.
fn same_records(from: &dyn crate::store::ReadView, to: &dyn crate::store::ReadView) -> Result<()> {
    let differs = |what: &str| {
        Err(Error::Corrupt(format!(
            "the copy differs from the original: {what}; the target is incomplete, delete it and copy again"
        )))
    };
    let sources = from.sources()?;
    if sources != to.sources()? {
        return differs("the sources");
    }
    for source in sources {
        if from.source_text(&source.id)? != to.source_text(&source.id)? {
            return differs(&format!("the text of source {}", quoted(&source.id)));
        }
    }
    if from.speakers()? != to.speakers()? {
        return differs("the speakers");
    }
    if from.tokens()? != to.tokens()? {
        return differs("the tokens");
    }
    let mut theirs = to.claims();
    for ours in from.claims() {
        let ours = ours?;
        match theirs.next().transpose()? {
            Some(c) if c == ours => {}
            _ => return differs(&format!("claim {}", ours.id)),
        }
    }
    if theirs.next().is_some() {
        return differs("claims the original does not hold");
    }
    if trail_digest(from)? != trail_digest(to)?
        || from.history_horizon()? != to.history_horizon()?
    {
        return differs("the records' versions");
    }
    Ok(())
}

/// How many versions a database holds, and a digest of them that does not
/// depend on the order an engine keeps them in (the sum of each one's
/// hash): two databases with the same versions have the same digest,
/// read one version at a time.
fn trail_digest(view: &dyn crate::store::ReadView) -> Result<(u64, [u64; 4])> {
    use sha2::{Digest, Sha256};
    let mut count = 0;
    let mut sum = [0u64; 4];
    for v in view.versions_in_order() {
        let bytes = serde_json::to_vec(&v?)
            .map_err(|e| Error::Corrupt(format!("a version that cannot be written: {e}")))?;
        let hash = Sha256::digest(&bytes);
        for (lane, part) in sum.iter_mut().zip(hash.chunks(8)) {
            let mut word = [0u8; 8];
            word.copy_from_slice(part);
            *lane = lane.wrapping_add(u64::from_le_bytes(word));
        }
        count += 1;
    }
    Ok((count, sum))
}
