//! A claim's checks worked out ahead of its write, on another thread.
//!
//! An import runs on one core: a batch's rows are parsed, each claim's
//! quote located in its source's text and its attribution read, then the
//! batch commits, and the next batch waits for it. What the checks compute
//! depends only on the text (named by its SHA-256), the quote, the hint,
//! and the speaker and source records, so an import's reader thread works
//! them out for the next batch while this one is written ([`Db::precheck`]).
//! The writer takes such a result only when everything it was computed
//! from is what the writer itself reads ([`Prechecked::citation_for`],
//! [`Prechecked::attribution_for`]); otherwise, or when there is none, it
//! checks the claim itself. A result computed from a state that has since
//! changed is therefore ignored, never stored: prechecking makes a write
//! faster, never different.

use std::sync::Arc;

use super::anchors::anchor_from;
use super::attribution::attribute;
use super::texts::Folded;
use super::Db;
use crate::cite::{self, Citation};
use crate::error::Result;
use crate::model::{Anchor, Attribution, Mode, NewClaim, Source, Speaker};

/// A claim's citation check (and, when verified, its attribution) as
/// worked out from a given text, quote, hint, speaker and source.
pub(crate) struct Prechecked {
    sha256: String,
    quote: String,
    hint: Option<cite::Hint>,
    /// Taken by the writer.
    citation: Option<Citation>,
    attribution: Option<Attributed>,
}

/// An attribution and what it was read from.
struct Attributed {
    speaker: Speaker,
    source: Source,
    anchor: Anchor,
    found: Result<(Attribution, Option<Mode>)>,
}

impl Prechecked {
    /// The citation, when it was checked against `folded`'s text with this
    /// quote and hint (taken).
    pub(crate) fn citation_for(
        &mut self,
        folded: &Folded,
        quote: &str,
        hint: Option<&cite::Hint>,
    ) -> Option<Citation> {
        let fits =
            self.sha256 == folded.sha256 && self.quote == quote && self.hint.as_ref() == hint;
        self.citation.take().filter(|_| fits)
    }

    /// The attribution, when it was read for this anchor, speaker and
    /// source. Taken: an error cannot be copied.
    pub(crate) fn attribution_for(
        &mut self,
        anchor: &Anchor,
        speaker: &Speaker,
        source: &Source,
    ) -> Option<Result<(Attribution, Option<Mode>)>> {
        let a = self.attribution.as_ref()?;
        if a.anchor != *anchor || a.speaker != *speaker || a.source != *source {
            return None;
        }
        self.attribution.take().map(|a| a.found)
    }
}

impl Db {
    /// `new`'s checks as the database stands now (committed writes only),
    /// or `None` when they cannot be worked out ahead: no such source,
    /// no text, or a read failed (the write meets the same and says so).
    /// Each read takes a view of its own, so a precheck never holds a
    /// commit up for longer than one read.
    pub(crate) fn precheck(&self, new: &NewClaim, hint: Option<&cite::Hint>) -> Option<Prechecked> {
        let source = self.view().ok()?.source(&new.source).ok()??;
        let folded: Arc<Folded> = {
            let view = self.view().ok()?;
            self.texts.of(&*view, &source).ok()??
        };
        let text = folded.text();
        let citation = cite::locate_with(&text, &folded.folded, &new.quote, hint);
        let attribution = match anchor_from(&citation, &folded.sha256) {
            Some(anchor) if citation.is_verified() => {
                let speaker = {
                    let view = self.view().ok()?;
                    let id = view.speaker_by_name(&new.speaker).ok()??;
                    view.speaker(id).ok()??
                };
                let found = attribute(&text, folded.attributions(), &source, &anchor, &speaker);
                Some(Attributed {
                    speaker,
                    source,
                    anchor,
                    found,
                })
            }
            _ => None,
        };
        Some(Prechecked {
            sha256: folded.sha256.clone(),
            quote: new.quote.clone(),
            hint: hint.cloned(),
            citation: Some(citation),
            attribution,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::db::{Db, OpenOptions};
    use crate::error::Error;
    use crate::model::{AttributionVerdict, NewClaim, NewSource, NewSpeaker, Status};

    /// A database holding source `s` with `text` and the speaker Robert.
    fn db_with(text: &str) -> Db {
        let db = Db::open_in_memory(OpenOptions::new()).unwrap();
        db.add_source(&NewSource {
            id: "s".into(),
            title: "A story".into(),
            text: Some(text.into()),
            ..Default::default()
        })
        .unwrap();
        db.add_speaker(&NewSpeaker {
            name: "Robert".into(),
            ..Default::default()
        })
        .unwrap();
        db
    }

    fn claim(quote: &str) -> NewClaim {
        NewClaim {
            speaker: "Robert".into(),
            source: "s".into(),
            quote: quote.into(),
            statement: "He said so.".into(),
            confidence: 0.9,
            rationale: "Quoted.".into(),
            ..Default::default()
        }
    }

    /// A claim written with its checks worked out ahead is the claim
    /// written without them, and the checks are taken when they fit.
    #[test]
    fn a_claim_checked_ahead_is_stored_as_one_checked_on_writing() {
        let text = "The mayor spoke first. \"We will open the bridge in May,\" Robert said.";
        let new = claim("We will open the bridge in May");
        let (ahead, plain) = (db_with(text), db_with(text));
        let prechecked = ahead.precheck(&new, None);
        assert!(prechecked.is_some());
        let mut offered = prechecked;
        let with = ahead
            .write(|w| {
                w.offer(offered.take());
                w.add_claim(&new)
            })
            .unwrap();
        let without = plain.add_claim(&new).unwrap();
        assert_eq!(with, without);
        // And it is taken when it fits: what it says is what is stored.
        let again = db_with(text);
        let mut told = again.precheck(&new, None);
        if let Some(c) = told.as_mut().and_then(|p| p.citation.as_mut()) {
            c.occurrences = 7;
        }
        let (_, occurrences) = again
            .write(|w| {
                w.offer(told.take());
                w.add_claim_at(&new, None)
            })
            .unwrap();
        assert_eq!(occurrences, 7);
        assert_eq!(with.status, Status::Verified);
        let verdict = with.attribution.map(|a| a.verdict);
        assert_eq!(verdict, Some(AttributionVerdict::Confirmed));
    }

    /// Checks worked out against a text that was replaced before the
    /// write are not taken: the quote is checked against the new text.
    #[test]
    fn a_citation_worked_out_before_the_text_changed_is_not_taken() {
        let db = db_with("Robert said the rate is 5 percent.");
        let new = claim("the rate is 5 percent");
        let mut prechecked = db.precheck(&new, None);
        db.write(|w| w.replace_source_text("s", "Robert said the rate is 6 percent.", None, &[]))
            .unwrap();
        let written = db.write(|w| {
            w.offer(prechecked.take());
            w.add_claim(&new)
        });
        assert!(matches!(written, Err(Error::Citation(_))), "{written:?}");
    }

    /// An attribution read before the speaker gained the name the text
    /// credits is not taken: it is read again with the speaker's names.
    #[test]
    fn an_attribution_read_before_the_speaker_changed_is_not_taken() {
        let db = db_with("\"We will win the vote,\" Bob said on Tuesday.");
        let new = claim("We will win the vote");
        let mut prechecked = db.precheck(&new, None);
        let before = prechecked
            .as_ref()
            .and_then(|p| p.attribution.as_ref())
            .map(|a| a.found.as_ref().unwrap().0.verdict);
        assert_eq!(before, Some(AttributionVerdict::DifferentSpeaker));
        db.write(|w| w.add_alias("Bob", "Robert")).unwrap();
        let written = db
            .write(|w| {
                w.offer(prechecked.take());
                w.add_claim(&new)
            })
            .unwrap();
        let verdict = written.attribution.map(|a| a.verdict);
        assert_eq!(verdict, Some(AttributionVerdict::Confirmed));
    }
}
