//! Editing what is stored besides claims: a source's record, a speaker's
//! description, deleting sources and speakers (refused while claims refer
//! to them, unless the caller cascades), and merging two speakers. Each is
//! a [`Writer`] call, so it runs inside the caller's transaction with every
//! other write.

use super::writer::Writer;
use crate::error::{plural, quoted, Error, Result};
use crate::model::{require_text, ClaimId, Source, SourceChanges, Speaker, SpeakerId};
use crate::store::{fold_name, IndexScan};

impl Writer<'_> {
    /// Changes a source's record (not its text: see
    /// [`Writer::replace_source_text`]).
    pub fn update_source(&mut self, id: &str, changes: &SourceChanges) -> Result<Source> {
        let mut source = self
            .tx
            .view()
            .source(id)?
            .ok_or_else(|| Error::not_found("source", id))?;
        super::fields::source_fields(
            changes.title.as_ref(),
            [
                &changes.author,
                &changes.publisher,
                &changes.date,
                &changes.url,
                &changes.notes,
            ],
        )?;
        if let Some(title) = &changes.title {
            require_text("source title", title)?;
            source.title = title.trim().to_string();
        }
        let set = |field: &mut Option<String>, value: &Option<String>| {
            if let Some(v) = value {
                *field = (!v.trim().is_empty()).then(|| v.trim().to_string());
            }
        };
        set(&mut source.author, &changes.author);
        set(&mut source.publisher, &changes.publisher);
        set(&mut source.date, &changes.date);
        set(&mut source.url, &changes.url);
        set(&mut source.notes, &changes.notes);
        if let Some(kind) = changes.kind {
            source.kind = kind;
        }
        let text = self.tx.view().source_text(id)?;
        self.tx.put_source(&source, text.as_deref())?;
        if changes.author.is_some() || changes.publisher.is_some() {
            // Its prose is its author's, else its publisher's: who that is
            // decides those claims.
            let quoting: Vec<ClaimId> = self
                .tx
                .view()
                .scan_index(&IndexScan::Source(id.to_string()))
                .collect::<Result<_>>()?;
            self.reattribute(&quoting)?;
        }
        Ok(source)
    }

    /// Changes a speaker's description.
    pub fn update_speaker(&mut self, id: SpeakerId, description: Option<&str>) -> Result<Speaker> {
        let mut speaker = self
            .tx
            .view()
            .speaker(id)?
            .ok_or_else(|| Error::not_found("speaker", id.to_string()))?;
        if let Some(d) = description {
            crate::limits::check_field("speaker description", d)?;
        }
        speaker.description = description
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(str::to_string);
        self.tx.put_speaker(&speaker)?;
        Ok(speaker)
    }

    /// Removes a source. Refused while claims quote it or name it as their
    /// origin, unless `cascade`: then the claims that quote it are deleted
    /// too, and those that only name it as origin lose their origin.
    /// Returns the claims deleted.
    pub fn delete_source(&mut self, id: &str, cascade: bool) -> Result<Vec<ClaimId>> {
        if self.tx.view().source(id)?.is_none() {
            return Err(Error::not_found("source", id));
        }
        let ids = |w: &Self, scan: IndexScan| -> Result<Vec<ClaimId>> {
            w.tx.view().scan_index(&scan).collect()
        };
        let quoting = ids(self, IndexScan::Source(id.to_string()))?;
        let citing: Vec<ClaimId> = ids(self, IndexScan::Origin(id.to_string()))?
            .into_iter()
            .filter(|c| !quoting.contains(c))
            .collect();
        if !cascade && (!quoting.is_empty() || !citing.is_empty()) {
            let mut refs = Vec::new();
            if !quoting.is_empty() {
                refs.push(format!(
                    "quoted by {}",
                    plural(quoting.len() as u64, "claim")
                ));
            }
            if !citing.is_empty() {
                refs.push(format!(
                    "the origin of {}",
                    plural(citing.len() as u64, "other claim")
                ));
            }
            return Err(Error::invalid(
                "delete",
                format!(
                    "source {} is {}; delete those first, or add `cascade`",
                    quoted(id),
                    refs.join(" and ")
                ),
            ));
        }
        for &c in &quoting {
            self.tx.delete_claim(c)?;
        }
        for &c in &citing {
            if let Some(mut claim) = self.tx.view().claim(c)? {
                claim.origin = None;
                self.tx.put_claim(&claim)?;
            }
        }
        self.tx.delete_source(id)?;
        Ok(quoting)
    }

    /// Removes a speaker. Refused while claims are theirs, unless
    /// `cascade`: then those claims are deleted too. Returns them.
    pub fn delete_speaker(&mut self, id: SpeakerId, cascade: bool) -> Result<Vec<ClaimId>> {
        let speaker = self
            .tx
            .view()
            .speaker(id)?
            .ok_or_else(|| Error::not_found("speaker", id.to_string()))?;
        let claims: Vec<ClaimId> = self
            .tx
            .view()
            .scan_index(&IndexScan::Speaker(id))
            .collect::<Result<_>>()?;
        if !cascade && !claims.is_empty() {
            return Err(Error::invalid(
                "delete",
                format!(
                    "speaker {} has {}; delete them first, merge the speaker into another, or add `cascade`",
                    quoted(&speaker.name),
                    plural(claims.len() as u64, "claim"),
                ),
            ));
        }
        for &c in &claims {
            self.tx.delete_claim(c)?;
        }
        self.tx.delete_speaker(id)?;
        Ok(claims)
    }

    /// Merges the speaker `from` into `into`: `from`'s claims become
    /// `into`'s, its name and aliases become aliases of `into`, and `from`
    /// is no more. Returns the merged speaker and the claims that moved.
    pub fn merge_speaker(&mut self, from: &str, into: &str) -> Result<(Speaker, Vec<ClaimId>)> {
        let find = |w: &Self, name: &str| -> Result<Speaker> {
            let id =
                w.tx.view()
                    .speaker_by_name(name)?
                    .ok_or_else(|| Error::not_found("speaker", name))?;
            w.tx.view()
                .speaker(id)?
                .ok_or_else(|| Error::Corrupt(format!("speaker name {name:?} names no speaker")))
        };
        let (gone, mut kept) = (find(self, from)?, find(self, into)?);
        if gone.id == kept.id {
            return Err(Error::invalid(
                "merge",
                format!(
                    "{} and {} name the same speaker, {}",
                    quoted(from),
                    quoted(into),
                    quoted(&kept.name)
                ),
            ));
        }
        let moved: Vec<ClaimId> = self
            .tx
            .view()
            .scan_index(&IndexScan::Speaker(gone.id))
            .collect::<Result<_>>()?;
        for &id in &moved {
            if let Some(mut claim) = self.tx.view().claim(id)? {
                // Both may have been credited with one passage: merged,
                // that would be one claim stored twice.
                let twin = self.stored_passage(
                    &claim.source,
                    claim.anchor.as_ref(),
                    &claim.quote,
                    &claim.statement,
                    kept.id,
                )?;
                if let Some(twin) = twin {
                    return Err(Error::invalid(
                        "merge",
                        format!(
                            "claim {id} of {} and claim {twin} of {} quote the same passage: merged, they would be one claim stored twice; delete one of them first",
                            quoted(&gone.name),
                            quoted(&kept.name)
                        ),
                    ));
                }
                claim.speaker = kept.id;
                self.tx.put_claim(&claim)?;
            }
        }
        for name in std::iter::once(&gone.name).chain(&gone.aliases) {
            let folded = fold_name(name);
            let known = std::iter::once(&kept.name)
                .chain(&kept.aliases)
                .any(|n| fold_name(n) == folded);
            if !known {
                kept.aliases.push(name.clone());
            }
        }
        crate::limits::check_count(
            "speaker aliases",
            kept.aliases.len(),
            crate::limits::MAX_ALIASES,
        )?;
        self.tx.delete_speaker(gone.id)?;
        self.tx.put_speaker(&kept)?;
        // Every claim of the merged speaker is judged by its new names.
        let claims: Vec<ClaimId> = self
            .tx
            .view()
            .scan_index(&IndexScan::Speaker(kept.id))
            .collect::<Result<_>>()?;
        self.reattribute(&claims)?;
        Ok((kept, moved))
    }
}
