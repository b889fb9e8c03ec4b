//! `claimdb extract`: the attributed statements of a stored source's text,
//! proposed as claims ([`crate::attrib::extract`]), with their speakers
//! matched to the stored ones; and accepting them, each through the
//! normal checked path, so a proposal is stored only if it verifies and is
//! not a claim already stored.

use serde::{Deserialize, Serialize};

use super::Db;
use crate::attrib::{self, Analysis, Mention, Proposal};
use crate::cite::Hint;
use crate::error::{Error, Result};
use crate::model::{NewClaim, NewSpeaker};

/// What accepting proposals did, one entry per proposal considered.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Accepted {
    /// Ids of the claims added.
    pub added: Vec<u64>,
    /// Speakers added for proposals naming someone not stored yet (only
    /// when new speakers were allowed).
    pub new_speakers: Vec<String>,
    /// Proposals naming someone not stored, skipped because new speakers
    /// were not allowed: extract guessed who they are.
    pub unknown_speakers: usize,
    /// Proposals already stored as a claim (the same speaker, source and passage).
    pub duplicates: usize,
    /// Proposals below the minimum confidence.
    pub below_confidence: usize,
    /// Proposals the checker refused, with why.
    pub refused: Vec<String>,
}

impl Db {
    /// Proposes the attributed statements of `source`'s text as claims:
    /// speakers matched to stored ones (by name, alias or surname) where
    /// they can be, the source's author credited with its own prose.
    pub fn extract(&self, source: &str) -> Result<Vec<Proposal>> {
        self.extract_with(source, attrib::Turns::Whole)
    }

    /// [`Db::extract`], with a transcript's turns proposed as `turns`
    /// says (whole, or sentence by sentence).
    pub fn extract_with(&self, source: &str, turns: attrib::Turns) -> Result<Vec<Proposal>> {
        let view = self.view()?;
        let record = view
            .source(source)?
            .ok_or_else(|| Error::not_found("source", source))?;
        let text = view.source_text(source)?.ok_or_else(|| {
            Error::invalid(
                "source",
                format!(
                    "{} holds no text to extract claims from",
                    crate::error::quoted(source)
                ),
            )
        })?;
        let speakers = self.speakers()?;
        let reading = attrib::markup::reading_copy(&text);
        let analysis = Analysis::with_reading(&text, reading.as_ref());
        // Prose no one else is credited with is its author's, else its
        // publisher's (an outlet speaks for an unsigned story).
        let author = record.author.as_deref().or(record.publisher.as_deref());
        let mut proposals = attrib::extract_with(&analysis, author, turns);
        for p in &mut proposals {
            let mention = Mention {
                written: p.named_as.clone(),
                name: p.speaker.clone(),
                range: 0..0,
                description: None,
                proper: true,
            };
            if let Some(s) = speakers
                .iter()
                .find(|s| attrib::names_match(&mention, &s.name, &s.aliases))
            {
                p.speaker = s.name.clone();
                p.known_speaker = true;
            }
        }
        Ok(proposals)
    }

    /// Stores the proposals of `source` whose confidence is at least
    /// `min_confidence`, in one transaction, each citation- and
    /// attribution-checked as any claim is; one already stored is skipped,
    /// and so is one naming a speaker not stored yet (a name extract had to
    /// take from the text: see [`Db::accept_with`] to add them).
    pub fn accept(
        &self,
        source: &str,
        proposals: &[Proposal],
        min_confidence: f64,
    ) -> Result<Accepted> {
        self.accept_with(source, proposals, min_confidence, false)
    }

    /// [`Db::accept`]; with `new_speakers`, a speaker not stored yet is
    /// added, with the description the text gave them.
    pub fn accept_with(
        &self,
        source: &str,
        proposals: &[Proposal],
        min_confidence: f64,
        new_speakers: bool,
    ) -> Result<Accepted> {
        self.write(|w| {
            let mut report = Accepted::default();
            for p in proposals {
                if p.confidence < min_confidence {
                    report.below_confidence += 1;
                    continue;
                }
                let added_speaker = match w.view().speaker_by_name(&p.speaker)? {
                    Some(_) => None,
                    None if !new_speakers => {
                        report.unknown_speakers += 1;
                        continue;
                    }
                    None => Some(w.add_speaker(&NewSpeaker {
                        name: p.speaker.clone(),
                        aliases: Vec::new(),
                        description: p.description.clone(),
                    })?),
                };
                let claim = NewClaim {
                    speaker: p.speaker.clone(),
                    source: source.to_string(),
                    origin: None,
                    quote: p.quote.clone(),
                    statement: p.quote.clone(),
                    confidence: p.confidence,
                    rationale: format!(
                        "Proposed by claimdb extract ({}): {}.",
                        p.rule, p.rationale
                    ),
                    tags: vec!["extracted".into()],
                    key: None,
                    ..Default::default()
                };
                let hint = Hint::from_parts(None, None, Some(p.start_byte));
                let outcome = w.add_claim_at(&claim, hint.as_ref());
                match (&outcome, added_speaker) {
                    (Ok(_), Some(s)) => report.new_speakers.push(s.name),
                    // A speaker added for a claim that was not is removed again.
                    (Err(_), Some(s)) => {
                        w.delete_speaker(s.id, false)?;
                    }
                    _ => {}
                }
                match outcome {
                    Ok((c, _)) => report.added.push(c.id),
                    Err(Error::DuplicateClaim { .. }) => report.duplicates += 1,
                    Err(e) if e.is_about_the_claim() => report
                        .refused
                        .push(format!("{}: {}: {e}", p.speaker, p.quote)),
                    Err(e) => return Err(e),
                }
            }
            Ok(report)
        })
    }
}
