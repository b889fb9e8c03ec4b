//! The one checked door every write goes through.
//!
//! A [`Writer`] lives for one transaction. Each call validates its input,
//! resolves names (a speaker by any alias), runs the citation check, assigns
//! ids and only then hands plain records to the store. The CLI, the seed
//! loader, scripts and library users all write through here, so no path can
//! store a claim whose quote was not checked.

use super::Recheck;
use crate::cite::{self, CitationReport};
use crate::error::Result;
use crate::error::{quoted, Error};
use crate::limits::{
    check_count, check_field, check_len, check_name, MAX_ALIASES, MAX_QUOTE_BYTES,
    MAX_SOURCE_TEXT_BYTES,
};
use crate::model::{
    require_text, validate_source_id, Anchor, Claim, ClaimChanges, ClaimId, Confidence, NewClaim,
    NewSource, NewSpeaker, Source, SourceKind, Speaker, SpeakerId, Status,
};
use crate::store::{fold_name, IndexScan, ReadView, WriteTx};
use std::sync::Arc;

use super::anchors::{anchor_from, hint_from, mismatch_from};
use super::fields::{source_fields, tag_list};
use super::precheck::Prechecked;
use super::texts::{Folded, FoldedTexts};
use std::cell::OnceCell;

/// What [`Writer::put_claim_by_key`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upsert {
    /// A new claim.
    Added,
    /// The claim with the key now says what the row says.
    Updated,
    /// The claim with the key said it already.
    Unchanged,
}

/// Most bytes a claim's key may have.
pub const MAX_KEY_BYTES: usize = 256;

/// Checked writes inside one transaction; see [`crate::Db::write`].
pub struct Writer<'t> {
    pub(super) tx: &'t mut dyn WriteTx,
    /// The database's folded source texts (`texts.rs`).
    texts: &'t FoldedTexts,
    /// The next claim's checks, worked out ahead (`precheck.rs`).
    prechecked: Option<Prechecked>,
}

impl<'t> Writer<'t> {
    pub(crate) fn new(tx: &'t mut dyn WriteTx, texts: &'t FoldedTexts) -> Self {
        Writer {
            tx,
            texts,
            prechecked: None,
        }
    }

    /// Offers the checks of the next claim written, worked out ahead; it
    /// takes them only where they fit it ([`Db::precheck`](super::Db)).
    pub(crate) fn offer(&mut self, prechecked: Option<Prechecked>) {
        self.prechecked = prechecked;
    }

    /// The text of source `id` and its folded form, folded once per text
    /// for the life of the database (`texts.rs`); `None` when the source
    /// holds no text.
    pub(crate) fn folded_text(&self, id: &str) -> Result<Option<Arc<Folded>>> {
        match self.tx.view().source(id)? {
            Some(source) => self.texts.of(self.tx.view(), &source),
            None => Ok(None),
        }
    }

    pub(crate) fn tx(&mut self) -> &mut dyn WriteTx {
        self.tx
    }

    /// The database as this transaction sees it (its own writes included).
    pub fn view(&self) -> &dyn ReadView {
        self.tx.view()
    }

    /// Adds a source; its id must be new.
    pub fn add_source(&mut self, new: &NewSource) -> Result<Source> {
        validate_source_id(&new.id)?;
        require_text("source title", &new.title)?;
        source_fields(
            Some(&new.title),
            [&new.author, &new.publisher, &new.date, &new.url, &new.notes],
        )?;
        if let Some(text) = &new.text {
            check_len("source text", text, MAX_SOURCE_TEXT_BYTES)?;
        }
        if self.tx.view().source(&new.id)?.is_some() {
            return Err(Error::Duplicate {
                kind: "source",
                name: new.id.clone(),
            });
        }
        let source = Source {
            id: new.id.clone(),
            title: new.title.trim().to_string(),
            author: new.author.clone(),
            publisher: new.publisher.clone(),
            date: new.date.clone(),
            kind: new.kind.unwrap_or(SourceKind::Other),
            url: new.url.clone(),
            notes: new.notes.clone(),
            sha256: new.text.as_deref().map(cite::sha256_hex),
            text_len: new.text.as_ref().map_or(0, |t| t.len() as u64),
            text_file: new.text_file.clone().filter(|_| new.text.is_some()),
        };
        self.tx.put_source(&source, new.text.as_deref())?;
        Ok(source)
    }

    /// Adds a speaker; neither its name nor any alias may already name someone.
    pub fn add_speaker(&mut self, new: &NewSpeaker) -> Result<Speaker> {
        self.add_speaker_as(new, None)
    }

    /// [`Writer::add_speaker`] under the id `id` when given (a dump's
    /// speaker restored with the id its versions name), else the next.
    pub(crate) fn add_speaker_as(
        &mut self,
        new: &NewSpeaker,
        id: Option<SpeakerId>,
    ) -> Result<Speaker> {
        if let Some(id) = id {
            if self.tx.view().speaker(id)?.is_some() {
                return Err(Error::invalid(
                    "speaker id",
                    format!("speaker {id} is stored already"),
                ));
            }
            self.tx.raise_next_id("speaker", id + 1)?;
        }
        require_text("speaker name", &new.name)?;
        check_count("speaker aliases", new.aliases.len(), MAX_ALIASES)?;
        if let Some(d) = &new.description {
            check_field("speaker description", d)?;
        }
        let mut seen = Vec::new();
        for name in std::iter::once(&new.name).chain(&new.aliases) {
            require_text("speaker alias", name)?;
            check_name("speaker name", name)?;
            let folded = fold_name(name);
            if seen.contains(&folded) {
                continue;
            }
            if self.tx.view().speaker_by_name(name)?.is_some() {
                return Err(Error::Duplicate {
                    kind: "speaker name",
                    name: name.clone(),
                });
            }
            seen.push(folded);
        }
        let speaker = Speaker {
            id: match id {
                Some(id) => id,
                None => self.tx.next_id("speaker")?,
            },
            name: new.name.trim().to_string(),
            aliases: new
                .aliases
                .iter()
                .map(|a| a.trim().to_string())
                .filter(|a| fold_name(a) != fold_name(&new.name))
                .collect(),
            description: new.description.clone(),
        };
        self.tx.put_speaker(&speaker)?;
        Ok(speaker)
    }

    /// Adds a claim after checking it: the confidence is in range, the speaker
    /// and sources exist, and the quote is in the source's text. A claim whose
    /// quote is not there is refused with the checker's report. A claim on a
    /// source without text is stored as unverified.
    pub fn add_claim(&mut self, new: &NewClaim) -> Result<Claim> {
        self.add_claim_at(new, None).map(|(claim, _)| claim)
    }

    /// [`Writer::add_claim`], with a [`cite::Hint`] (text just before or
    /// after the passage, or a byte position near it) to choose among
    /// repeated passages. Returns the claim and how many times its quote
    /// occurs in the source (more than one: the hint, or else the first,
    /// chose the passage anchored).
    pub fn add_claim_at(
        &mut self,
        new: &NewClaim,
        hint: Option<&cite::Hint>,
    ) -> Result<(Claim, usize)> {
        if let Some(key) = &new.key {
            if let Some(existing) = self.claim_by_key(key)? {
                return Err(Error::DuplicateKey {
                    key: key.trim().to_string(),
                    existing,
                });
            }
        }
        let (claim, occurrences) = self.checked_claim(new, hint, None, None)?;
        self.tx.put_claim(&claim)?;
        Ok((claim, occurrences))
    }

    /// Adds a claim, or, when a claim with its key is stored, makes that
    /// claim this one (re-checked, keeping its id); says which, or that
    /// the stored claim is this one already.
    ///
    /// `broken`: the claim was broken where it came from (a dump), with this
    /// anchor in a text that is gone. If its quote is still not in the
    /// source, it is stored broken again, with that anchor and what the
    /// checker finds now, rather than refused; if it is, it is verified.
    pub fn put_claim_by_key(
        &mut self,
        new: &NewClaim,
        hint: Option<&cite::Hint>,
        broken: Option<&Anchor>,
    ) -> Result<(Claim, Upsert)> {
        let existing = match &new.key {
            Some(key) => self.claim_by_key(key)?,
            None => None,
        };
        let Some(id) = existing else {
            let (claim, _) = self.checked_claim(new, hint, None, broken)?;
            self.tx.put_claim(&claim)?;
            return Ok((claim, Upsert::Added));
        };
        let stored = self.tx.view().claim(id)?.ok_or_else(|| {
            Error::Corrupt(format!("claim key names claim {id}, which is not stored"))
        })?;
        let (claim, _) = self.checked_claim(new, hint, Some(id), broken)?;
        if claim == stored {
            return Ok((claim, Upsert::Unchanged));
        }
        self.tx.put_claim(&claim)?;
        Ok((claim, Upsert::Updated))
    }

    /// The claim a key names, if one does.
    pub fn claim_by_key(&self, key: &str) -> Result<Option<ClaimId>> {
        self.tx
            .view()
            .scan_index(&IndexScan::Key(key.trim().to_string()))
            .next()
            .transpose()
    }

    /// A new claim checked and anchored, as it would be stored: with the
    /// id `id` (an update) or the next one. Refused as [`Writer::add_claim`]
    /// refuses it, and as a duplicate of any claim but `id` itself.
    pub(super) fn checked_claim(
        &mut self,
        new: &NewClaim,
        hint: Option<&cite::Hint>,
        id: Option<ClaimId>,
        broken: Option<&Anchor>,
    ) -> Result<(Claim, usize)> {
        let confidence = Confidence::new(new.confidence)?;
        check_len("quote", &new.quote, MAX_QUOTE_BYTES)?;
        require_text("statement", &new.statement)?;
        require_text("rationale", &new.rationale)?;
        check_field("statement", &new.statement)?;
        check_field("rationale", &new.rationale)?;
        crate::model::validate_reviews(&new.reviews)?;
        let key = match &new.key {
            Some(k) => {
                require_text("claim key", k)?;
                check_len("claim key", k, MAX_KEY_BYTES)?;
                Some(k.trim().to_string())
            }
            None => None,
        };
        let speaker = self
            .tx
            .view()
            .speaker_by_name(&new.speaker)?
            .ok_or_else(|| Error::not_found("speaker", &new.speaker))?;
        let source = self
            .tx
            .view()
            .source(&new.source)?
            .ok_or_else(|| Error::not_found("source", &new.source))?;
        // A claim known only from a fact-check (a ClaimReview) may have no
        // quote; then its source must hold no text either, for there would
        // be nothing to check it against.
        if source.sha256.is_some() || !new.quote.trim().is_empty() {
            require_text("quote", &new.quote)?;
        }
        if let Some(origin) = &new.origin {
            if self.tx.view().source(origin)?.is_none() {
                return Err(Error::not_found("origin source", origin));
            }
        }
        let tags = tag_list(&new.tags)?;
        let mut occurrences = 0;
        // The source record read above says which folded text to use.
        let mut mismatch = None;
        let folded = self.texts.of(self.tx.view(), &source)?;
        let mut prechecked = self.prechecked.take();
        // Rebuilt at most once for the claim, and only when the citation
        // or the attribution was not worked out ahead.
        let text = OnceCell::new();
        let (anchor, status) = match &folded {
            Some(f) => {
                let citation = match prechecked
                    .as_mut()
                    .and_then(|p| p.citation_for(f, &new.quote, hint))
                {
                    Some(citation) => citation,
                    None => {
                        let text = text.get_or_init(|| f.text());
                        cite::locate_with(text, &f.folded, &new.quote, hint)
                    }
                };
                occurrences = citation.occurrences;
                match broken {
                    _ if citation.is_verified() => {
                        (anchor_from(&citation, &f.sha256), Status::Verified)
                    }
                    Some(stale) => {
                        let text = text.get_or_init(|| f.text());
                        mismatch = Some(mismatch_from(&citation, text));
                        (Some(stale.clone()), Status::Broken)
                    }
                    None => {
                        return Err(Error::Citation(Box::new(CitationReport {
                            claim: format!("new claim by {}", new.speaker),
                            source: new.source.clone(),
                            quote: new.quote.clone(),
                            citation,
                        })))
                    }
                }
            }
            None => (None, Status::Unverified),
        };
        if let Some(existing) = self.stored_passage(
            &new.source,
            anchor.as_ref(),
            &new.quote,
            &new.statement,
            speaker,
        )? {
            if Some(existing) != id {
                return Err(Error::DuplicateClaim { existing });
            }
        }
        let (attribution, mode) = match (&folded, &anchor, status) {
            (Some(f), Some(a), Status::Verified) => self.attribution_of_new(
                f,
                || text.get_or_init(|| f.text()).as_ref(),
                &source,
                a,
                speaker,
                prechecked.as_mut(),
            )?,
            _ => (None, None),
        };
        let claim = Claim {
            id: match id {
                Some(id) => id,
                None => self.tx.next_id("claim")?,
            },
            speaker,
            source: new.source.clone(),
            origin: new.origin.clone(),
            quote: new.quote.clone(),
            statement: new.statement.trim().to_string(),
            confidence,
            rationale: new.rationale.trim().to_string(),
            tags,
            anchor,
            status,
            mismatch,
            key,
            attribution,
            mode,
            reviews: new.reviews.clone(),
        };
        Ok((claim, occurrences))
    }

    /// The claim by `speaker` already anchored at `anchor`'s span of
    /// `source` (or, not anchored, with the same quote), if one is stored.
    pub(super) fn stored_passage(
        &self,
        source: &str,
        anchor: Option<&Anchor>,
        quote: &str,
        statement: &str,
        speaker: SpeakerId,
    ) -> Result<Option<ClaimId>> {
        let scan = IndexScan::passage(source, anchor, quote, statement.trim(), speaker);
        self.tx.view().scan_index(&scan).next().transpose()
    }

    /// Changes fields of a claim. A new quote is citation-checked like a new
    /// claim's; a claim that cannot be checked (its source has no text) stays
    /// unverified.
    pub fn update_claim(&mut self, id: ClaimId, changes: &ClaimChanges) -> Result<Claim> {
        let mut claim = self
            .tx
            .view()
            .claim(id)?
            .ok_or_else(|| Error::not_found("claim", id.to_string()))?;
        if let Some(c) = changes.confidence {
            claim.confidence = Confidence::new(c)?;
        }
        if let Some(r) = &changes.rationale {
            require_text("rationale", r)?;
            check_field("rationale", r)?;
            claim.rationale = r.trim().to_string();
        }
        if let Some(s) = &changes.statement {
            require_text("statement", s)?;
            check_field("statement", s)?;
            claim.statement = s.trim().to_string();
        }
        if let Some(tags) = &changes.tags {
            claim.tags = tag_list(tags)?;
        }
        if let Some(origin) = &changes.origin {
            if self.tx.view().source(origin)?.is_none() {
                return Err(Error::not_found("origin source", origin));
            }
            claim.origin = Some(origin.clone());
        }
        if let Some(quote) = &changes.quote {
            require_text("quote", quote)?;
            check_len("quote", quote, MAX_QUOTE_BYTES)?;
            claim.quote = quote.clone();
            if let Some(f) = self.folded_text(&claim.source)? {
                let text = f.text();
                let citation = cite::locate_with(&text, &f.folded, quote, None);
                if !citation.is_verified() {
                    return Err(Error::Citation(Box::new(CitationReport {
                        claim: format!("claim {id}"),
                        source: claim.source.clone(),
                        quote: quote.clone(),
                        citation,
                    })));
                }
                claim.anchor = anchor_from(&citation, &f.sha256);
                claim.status = Status::Verified;
                claim.mismatch = None;
                let source = self.tx.view().source(&claim.source)?;
                if let (Some(source), Some(anchor)) = (source, &claim.anchor) {
                    (claim.attribution, claim.mode) =
                        self.attribution(&f, &text, &source, anchor, claim.speaker)?;
                }
            }
        }
        self.tx.put_claim(&claim)?;
        Ok(claim)
    }

    /// Deletes a claim and its index entries; false when there was none.
    pub fn delete_claim(&mut self, id: ClaimId) -> Result<bool> {
        self.tx.delete_claim(id)
    }

    /// Gives the speaker named `speaker` (by any name) another name, which
    /// must not name anyone yet.
    pub fn add_alias(&mut self, alias: &str, speaker: &str) -> Result<Speaker> {
        require_text("alias", alias)?;
        check_name("alias", alias)?;
        let id = self
            .tx
            .view()
            .speaker_by_name(speaker)?
            .ok_or_else(|| Error::not_found("speaker", speaker))?;
        if let Some(other) = self.tx.view().speaker_by_name(alias)? {
            let message = if other == id {
                "already names this speaker"
            } else {
                "already names another speaker"
            };
            return Err(Error::invalid(
                "alias",
                format!("{} {message}", quoted(alias)),
            ));
        }
        let mut record = self
            .tx
            .view()
            .speaker(id)?
            .ok_or_else(|| Error::not_found("speaker", speaker))?;
        check_count("speaker aliases", record.aliases.len() + 1, MAX_ALIASES)?;
        record.aliases.push(alias.trim().to_string());
        self.tx.put_speaker(&record)?;
        // A new name may be the one the source credits.
        let claims: Vec<ClaimId> = self
            .tx
            .view()
            .scan_index(&IndexScan::Speaker(id))
            .collect::<Result<_>>()?;
        self.reattribute(&claims)?;
        Ok(record)
    }

    /// Replaces a source's text and re-anchors the claims `claims` that quote
    /// it (the caller lists them; a transaction cannot scan an index). A claim
    /// that still verifies gets its new anchor; one that does not becomes
    /// broken, with what the checker found recorded. Nothing else changes.
    /// `text_file`: the file the new text was read from, remembered (none:
    /// the text came inline, and no file stands for it any more).
    pub fn replace_source_text(
        &mut self,
        id: &str,
        text: &str,
        text_file: Option<String>,
        claims: &[ClaimId],
    ) -> Result<Vec<Recheck>> {
        check_len("source text", text, MAX_SOURCE_TEXT_BYTES)?;
        let mut source = self
            .tx
            .view()
            .source(id)?
            .ok_or_else(|| Error::not_found("source", id))?;
        // Folded (and hashed) once: the anchors record the hash.
        let folded = Folded::new(text.to_string());
        let sha256 = folded.sha256.clone();
        source.sha256 = Some(sha256.clone());
        source.text_len = text.len() as u64;
        source.text_file = text_file;
        self.tx.put_source(&source, Some(text))?;
        let mut report = Vec::new();
        for &claim_id in claims {
            let Some(mut claim) = self.tx.view().claim(claim_id)? else {
                continue;
            };
            if claim.source != id {
                continue;
            }
            let citation = cite::locate_with(
                text,
                &folded.folded,
                &claim.quote,
                claim.anchor.as_ref().map(hint_from).as_ref(),
            );
            let before = claim.status;
            if citation.is_verified() {
                claim.anchor = anchor_from(&citation, &sha256);
                claim.status = Status::Verified;
                claim.mismatch = None;
                if let Some(anchor) = &claim.anchor {
                    (claim.attribution, claim.mode) = self.attribution_unless_crossing(
                        &folded,
                        text,
                        &source,
                        anchor,
                        claim.speaker,
                    )?;
                }
            } else {
                claim.status = Status::Broken;
                claim.mismatch = Some(mismatch_from(&citation, text));
                (claim.attribution, claim.mode) = (None, None);
            }
            self.tx.put_claim(&claim)?;
            report.push(Recheck {
                claim: claim.id,
                speaker: claim.speaker,
                before,
                after: claim.status,
                citation,
            });
        }
        Ok(report)
    }
}
