//! Re-checking stored claims against the current texts of their sources.
//!
//! A claim was verified when it was written; [`Db::check`] asks again, with
//! the same citation checker, and reports claim by claim. It writes nothing:
//! texts change only through [`Db::replace_source_text`], which re-anchors
//! in the same transaction.

use serde::{Deserialize, Serialize};

use std::sync::Arc;

use super::anchors::hint_from;
use super::texts::Folded;
use super::Db;
use crate::cite::{self, Citation};
use crate::error::{Error, Result};
use crate::model::{Claim, ClaimId, SpeakerId, Status};
use crate::store::{IndexScan, VerifyReport};

/// A source's folded text, and its text as written.
type TextOf = (Arc<Folded>, String);

/// One claim's check: the status it had, the status the check gives, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recheck {
    /// The claim.
    pub claim: ClaimId,
    /// Its speaker.
    pub speaker: SpeakerId,
    /// The status stored before the check.
    pub before: Status,
    /// The status the check gives (stored, for a text replacement).
    pub after: Status,
    /// What the checker found.
    pub citation: Citation,
}

/// Which claims [`Db::check`] looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CheckScope {
    /// Every claim.
    All,
    /// One claim.
    Claim(ClaimId),
    /// The claims quoting one source.
    Source(String),
}

impl Db {
    /// Checks claims against their sources' current texts, writing nothing.
    /// Claims on sources without text are reported as unverified.
    ///
    /// ```
    /// # fn main() -> claimdb::Result<()> {
    /// use claimdb::CheckScope;
    /// let dir = tempfile::tempdir().unwrap();
    /// let db = claimdb::Db::open_with(dir.path().join("c.db"), claimdb::OpenOptions::new().seed(true))?;
    /// let report = db.check(&CheckScope::All)?;
    /// assert!(report.iter().all(|r| r.after == claimdb::Status::Verified));
    /// # Ok(()) }
    /// ```
    pub fn check(&self, scope: &CheckScope) -> Result<Vec<Recheck>> {
        let mut report = Vec::new();
        self.check_each(scope, &mut |r| {
            report.push(r);
            Ok(())
        })?;
        Ok(report)
    }

    /// [`Db::check`], each claim's result handed to `each` as it is found
    /// rather than gathered: memory does not grow with the corpus.
    pub fn check_each(
        &self,
        scope: &CheckScope,
        each: &mut dyn FnMut(Recheck) -> Result<()>,
    ) -> Result<()> {
        let view = self.view()?;
        // Claims stream past one at a time, never all in memory; each
        // source's text is folded once (kept in the database's cache).
        let claims: Box<dyn Iterator<Item = Result<Claim>> + '_> = match scope {
            CheckScope::All => Box::new(view.claims()),
            CheckScope::Claim(id) => Box::new(std::iter::once(
                view.claim(*id)?
                    .ok_or_else(|| Error::not_found("claim", id.to_string())),
            )),
            CheckScope::Source(id) => {
                if view.source(id)?.is_none() {
                    return Err(Error::not_found("source", id));
                }
                let view = &*view;
                Box::new(
                    view.scan_index(&IndexScan::Source(id.clone()))
                        .filter_map(move |i| i.and_then(|i| view.claim(i)).transpose()),
                )
            }
        };
        // The last source's folded text and its text as written (rebuilt
        // once for a run of its claims: a source's claims mostly follow
        // each other).
        let mut last: Option<(String, Option<TextOf>)> = None;
        for claim in claims {
            let claim = claim?;
            if last.as_ref().is_none_or(|(id, _)| *id != claim.source) {
                let folded = match view.source(&claim.source)? {
                    Some(source) => self.texts.of(&*view, &source)?,
                    None => None,
                };
                let with_text = folded.map(|f| {
                    let text = f.text().into_owned();
                    (f, text)
                });
                last = Some((claim.source.clone(), with_text));
            }
            let (after, citation) = match last.as_ref().and_then(|(_, t)| t.as_ref()) {
                None => (Status::Unverified, Citation::without_text()),
                Some((f, text)) => {
                    let c = cite::locate_with(
                        text,
                        &f.folded,
                        &claim.quote,
                        claim.anchor.as_ref().map(hint_from).as_ref(),
                    );
                    (
                        if c.is_verified() {
                            Status::Verified
                        } else {
                            Status::Broken
                        },
                        c,
                    )
                }
            };
            each(Recheck {
                claim: claim.id,
                speaker: claim.speaker,
                before: claim.status,
                after,
                citation,
            })?;
        }
        Ok(())
    }

    /// Checks the database's integrity, writing nothing: every index entry
    /// against the claims (both ways), the name table against the speakers,
    /// id counters, references between records, stored texts against their
    /// recorded hashes, anchors against their texts, and the format version.
    ///
    /// ```
    /// # fn main() -> claimdb::Result<()> {
    /// let dir = tempfile::tempdir().unwrap();
    /// let db = claimdb::Db::open_with(dir.path().join("c.db"), claimdb::OpenOptions::new().seed(true))?;
    /// let report = db.verify()?;
    /// assert!(report.is_ok() && report.claims == 61);
    /// # Ok(()) }
    /// ```
    pub fn verify(&self) -> Result<VerifyReport> {
        let mut report = self.engine.verify()?;
        // The trail is checked here, above the engines: it is the same
        // check on every one.
        if report.is_ok() {
            report.versions = crate::store::check_history(&*self.view()?, &mut report)?;
        }
        Ok(report)
    }

    /// Rebuilds every index, the name table and the id counters from the
    /// primary records, all or nothing (on sled in steps of bounded size,
    /// undone whole if one fails), flushed before it returns; then
    /// verifies again and returns what is still wrong (damaged records or
    /// stale anchors, which no rebuild can mend).
    pub fn repair(&self) -> Result<VerifyReport> {
        self.engine.rebuild_derived()?;
        self.verify()
    }

    /// Accepts the database as it stands after a loss that verify
    /// reported (commits missing, claims that cannot be read): the record
    /// of commits is reset to what is here, so that it opens again. What
    /// was lost stays lost; restore a backup instead to get it back.
    pub fn accept_loss(&self) -> Result<()> {
        let _writing = self.write_lock();
        self.engine.accept_loss()
    }

    /// Replaces a source's text and re-anchors its claims in the same
    /// transaction: claims whose quote is still there get new anchors; the
    /// others become broken, with the closest passage recorded. Returns one
    /// [`Recheck`] per claim of the source. Flushed before it returns.
    pub fn replace_source_text(&self, id: &str, text: &str) -> Result<Vec<Recheck>> {
        self.replace_text(id, text, None)
    }

    /// [`Db::replace_source_text`], remembering `text_file` as the file
    /// the text came from.
    pub(crate) fn replace_text(
        &self,
        id: &str,
        text: &str,
        text_file: Option<String>,
    ) -> Result<Vec<Recheck>> {
        let _writing = self.write_lock();
        let ids: Vec<ClaimId> = self
            .view()?
            .scan_index(&IndexScan::Source(id.to_string()))
            .collect::<Result<_>>()?;
        self.write_locked(|w| w.replace_source_text(id, text, text_file.clone(), &ids))
    }
}
