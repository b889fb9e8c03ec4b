//! The one checked door every write goes through.
//!
//! A [`Writer`] lives for one transaction. Each call validates its input,
//! resolves names (a speaker by any alias), runs the citation check, assigns
//! ids and only then hands plain records to the store. The CLI, the seed
//! loader, scripts and library users all write through here, so no path can
//! store a claim whose quote was not checked.

use crate::cite::{self, CitationReport, Verdict};
use crate::error::Error;
use crate::model::{
    normalize_tag, require_text, validate_source_id, Anchor, Claim, Confidence, NewClaim,
    NewSource, NewSpeaker, Source, SourceKind, Speaker, Status,
};
use crate::store::{fold_name, Tx, TxResult};

/// Checked writes inside one transaction; see [`crate::Db::write`].
pub struct Writer<'t, 'a> {
    tx: &'t Tx<'a>,
}

impl<'t, 'a> Writer<'t, 'a> {
    pub(crate) fn new(tx: &'t Tx<'a>) -> Self {
        Writer { tx }
    }

    pub(crate) fn tx(&self) -> &Tx<'a> {
        self.tx
    }

    /// Adds a source; its id must be new.
    pub fn add_source(&self, new: &NewSource) -> TxResult<Source> {
        validate_source_id(&new.id)?;
        require_text("source title", &new.title)?;
        if self.tx.source(&new.id)?.is_some() {
            return Err(Error::Duplicate {
                kind: "source",
                name: new.id.clone(),
            }
            .into());
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
        };
        self.tx.put_source(&source, new.text.as_deref())?;
        Ok(source)
    }

    /// Adds a speaker; neither its name nor any alias may already name someone.
    pub fn add_speaker(&self, new: &NewSpeaker) -> TxResult<Speaker> {
        require_text("speaker name", &new.name)?;
        let mut seen = Vec::new();
        for name in std::iter::once(&new.name).chain(&new.aliases) {
            require_text("speaker alias", name)?;
            let folded = fold_name(name);
            if seen.contains(&folded) {
                continue;
            }
            if self.tx.speaker_by_name(name)?.is_some() {
                return Err(Error::Duplicate {
                    kind: "speaker name",
                    name: name.clone(),
                }
                .into());
            }
            seen.push(folded);
        }
        let speaker = Speaker {
            id: self.tx.next_id("speaker")?,
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
    pub fn add_claim(&self, new: &NewClaim) -> TxResult<Claim> {
        let confidence = Confidence::new(new.confidence)?;
        require_text("quote", &new.quote)?;
        require_text("statement", &new.statement)?;
        require_text("rationale", &new.rationale)?;
        let speaker = self
            .tx
            .speaker_by_name(&new.speaker)?
            .ok_or_else(|| Error::not_found("speaker", &new.speaker))?;
        if self.tx.source(&new.source)?.is_none() {
            return Err(Error::not_found("source", &new.source).into());
        }
        if let Some(origin) = &new.origin {
            if self.tx.source(origin)?.is_none() {
                return Err(Error::not_found("origin source", origin).into());
            }
        }
        let mut tags = Vec::new();
        for tag in &new.tags {
            let tag = normalize_tag(tag)?;
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        let (anchor, status) = match self.tx.source_text(&new.source)? {
            None => (None, Status::Unverified),
            Some(text) => match cite::locate(&text, &new.quote) {
                Verdict::Found(at) => (Some(anchor_from(&at, &text)), Status::Verified),
                Verdict::NotFound { closest } => {
                    return Err(Error::Citation(Box::new(CitationReport {
                        claim: format!("new claim by {}", new.speaker),
                        source: new.source.clone(),
                        quote: new.quote.clone(),
                        closest,
                    }))
                    .into())
                }
            },
        };
        let claim = Claim {
            id: self.tx.next_id("claim")?,
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
        };
        self.tx.put_claim(&claim)?;
        Ok(claim)
    }
}

fn anchor_from(at: &cite::Location, text: &str) -> Anchor {
    Anchor {
        start_byte: at.start_byte as u64,
        end_byte: at.end_byte as u64,
        start_char: at.start_char as u64,
        end_char: at.end_char as u64,
        line: at.line as u32,
        column: at.column as u32,
        end_line: at.end_line as u32,
        prefix: at.prefix.clone(),
        suffix: at.suffix.clone(),
        text_sha256: cite::sha256_hex(text),
    }
}
