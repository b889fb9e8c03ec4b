//! The attribution check of a stored claim: the claim's anchored passage
//! is looked up in its source's [`Attributions`] (read once per text and
//! kept with the folded text), and the speakers the source credits are
//! compared with the claim's speaker by every name they have. The
//! verdict, the cue and the mode are stored on the claim, so queries can
//! find `attribution = "different speaker"` without reading texts.

use crate::attrib::{self, Attributions, Credit, Refusal};
use crate::error::{Error, Result};
use crate::model::{Anchor, Attribution, AttributionVerdict, Mode, Source, Speaker};

/// Longest cue kept on a claim, in characters.
const MAX_CUE_CHARS: usize = 120;

/// Whom `text` (read as `attributions`) credits with `anchor`'s passage,
/// judged against `speaker`; a passage that runs across two turns of a
/// transcript is refused.
pub(crate) fn attribute(
    text: &str,
    attributions: &Attributions,
    source: &Source,
    anchor: &Anchor,
    speaker: &Speaker,
) -> Result<(Attribution, Option<Mode>)> {
    let span = anchor.start_byte as usize..anchor.end_byte as usize;
    // As extraction reads it: an unsigned story's prose is its publisher's.
    let author = source.author.as_deref().or(source.publisher.as_deref());
    let credits = match attributions.attribute(span, author) {
        Ok(credits) => credits,
        Err(Refusal::CrossesTurns { first, second }) => {
            return Err(Error::CrossesTurns {
                turns: Box::new([first.written, second.written]),
            })
        }
    };
    let matching = credits
        .iter()
        .find(|c| attrib::names_match(&c.speaker, &speaker.name, &speaker.aliases));
    let (verdict, credit) = match (matching, credits.first()) {
        (Some(c), _) => (AttributionVerdict::Confirmed, Some(c)),
        (None, Some(c)) => (AttributionVerdict::DifferentSpeaker, Some(c)),
        (None, None) => (AttributionVerdict::NotFound, None),
    };
    Ok(match credit {
        Some(c) => (describe(text, verdict, c), Some(c.mode)),
        None => (
            Attribution {
                verdict,
                named: None,
                cue: None,
                rule: None,
                line: 0,
                column: 0,
            },
            None,
        ),
    })
}

fn describe(text: &str, verdict: AttributionVerdict, c: &Credit) -> Attribution {
    let cue = (!c.cue.is_empty() && text.get(c.cue.clone()).is_some()).then(|| {
        let words: Vec<&str> = text[c.cue.clone()].split_whitespace().collect();
        let joined = words.join(" ");
        match joined.char_indices().nth(MAX_CUE_CHARS) {
            Some((cut, _)) => format!("{}…", &joined[..cut]),
            None => joined,
        }
    });
    let (line, column) = if cue.is_some() { c.position } else { (0, 0) };
    // The name as the text introduced them ("Priscilla Moriuchi"); the cue
    // shows how it names them there ("Moriuchi says").
    let named = c.speaker.name.clone();
    Attribution {
        verdict,
        named: Some(named),
        cue,
        rule: Some(c.rule.as_str().to_string()),
        line,
        column,
    }
}

impl super::Writer<'_> {
    /// Checks the attribution of every anchored claim that has none (the
    /// claims of a database written before attribution was checked).
    pub(crate) fn attribute_unchecked(&mut self) -> Result<usize> {
        let mut unchecked = Vec::new();
        for claim in self.view().claims() {
            let claim = claim?;
            if claim.attribution.is_none() && claim.status == crate::model::Status::Verified {
                unchecked.push(claim.id);
            }
        }
        self.reattribute(&unchecked)
    }

    /// Whom the source credits with a claim's anchored passage (`f`'s,
    /// whose text as written is `text`), judged against the claim's speaker.
    pub(crate) fn attribution(
        &self,
        f: &super::texts::Folded,
        text: &str,
        source: &Source,
        anchor: &Anchor,
        speaker: crate::model::SpeakerId,
    ) -> Result<(Option<Attribution>, Option<Mode>)> {
        self.attribution_of_new(f, || text, source, anchor, speaker, None)
    }

    /// [`Self::attribution`] for a claim being written: `prechecked`'s
    /// when it was read for this passage, speaker and source, else read
    /// now from the text `text` gives (rebuilt only then).
    pub(crate) fn attribution_of_new<'a>(
        &self,
        f: &super::texts::Folded,
        text: impl FnOnce() -> &'a str,
        source: &Source,
        anchor: &Anchor,
        speaker: crate::model::SpeakerId,
        prechecked: Option<&mut super::precheck::Prechecked>,
    ) -> Result<(Option<Attribution>, Option<Mode>)> {
        let record = self.speaker_record(speaker)?;
        let found = match prechecked.and_then(|p| p.attribution_for(anchor, &record, source)) {
            Some(found) => found,
            None => attribute(text(), f.attributions(), source, anchor, &record),
        };
        let (a, mode) = found?;
        Ok((Some(a), mode))
    }

    fn speaker_record(&self, speaker: crate::model::SpeakerId) -> Result<Speaker> {
        self.view()
            .speaker(speaker)?
            .ok_or_else(|| Error::not_found("speaker", speaker.to_string()))
    }

    /// A claim's attribution, or none when its passage crosses two turns
    /// (a claim already stored keeps its place; only a new one is refused
    /// for it). Any other error is passed on.
    pub(crate) fn attribution_unless_crossing(
        &self,
        f: &super::texts::Folded,
        text: &str,
        source: &Source,
        anchor: &Anchor,
        speaker: crate::model::SpeakerId,
    ) -> Result<(Option<Attribution>, Option<Mode>)> {
        match self.attribution(f, text, source, anchor, speaker) {
            Err(Error::CrossesTurns { .. }) => Ok((None, None)),
            other => other,
        }
    }

    /// Checks the attribution of the claims `ids` again, after what it
    /// depends on changed: their speaker's names (an alias, a merge) or
    /// their source's author. A claim not anchored has none; one whose
    /// passage crosses two turns is left without one.
    pub(crate) fn reattribute(&mut self, ids: &[crate::model::ClaimId]) -> Result<usize> {
        let mut done = 0;
        for &id in ids {
            let Some(mut claim) = self.view().claim(id)? else {
                continue;
            };
            let anchor = claim.current_anchor().cloned();
            let (Some(source), Some(anchor)) = (self.view().source(&claim.source)?, anchor) else {
                continue;
            };
            let Some(f) = self.folded_text(&claim.source)? else {
                continue;
            };
            let found =
                self.attribution_unless_crossing(&f, &f.text(), &source, &anchor, claim.speaker)?;
            if found != (claim.attribution.clone(), claim.mode) {
                (claim.attribution, claim.mode) = found;
                self.tx().put_claim(&claim)?;
                done += 1;
            }
        }
        Ok(done)
    }
}
