//! What a write statement does, once its statement is understood: a
//! [`WriteOp`] names the writer calls (with the claims or records a
//! condition selected, found before the transaction), and [`apply`] makes
//! them inside it and says what was done.

use super::writer::Writer;
use crate::error::Result;
use crate::model::{
    ClaimChanges, ClaimId, NewClaim, NewSource, NewSpeaker, SourceChanges, SpeakerId,
};
use crate::query::{claim_matches, Expr, Outcome, Patterns, Speakers};

/// A statement turned into what the writer must do.
pub(super) enum WriteOp {
    AddSource(NewSource),
    AddSpeaker(NewSpeaker),
    AddClaim(NewClaim, Option<crate::cite::Hint>),
    /// A deleted claim added again under its id (`revert`).
    Restore {
        id: ClaimId,
        claim: NewClaim,
        hint: Option<crate::cite::Hint>,
    },
    Update {
        candidates: Vec<ClaimId>,
        filter: Option<Expr>,
        changes: ClaimChanges,
    },
    Delete {
        candidates: Vec<ClaimId>,
        filter: Option<Expr>,
    },
    Alias {
        alias: String,
        speaker: String,
    },
    Merge {
        from: String,
        into: String,
    },
    UpdateSources {
        ids: Vec<String>,
        changes: SourceChanges,
    },
    UpdateSpeakers {
        ids: Vec<SpeakerId>,
        description: Option<String>,
    },
    DeleteSources {
        ids: Vec<String>,
        cascade: bool,
    },
    DeleteSpeakers {
        ids: Vec<SpeakerId>,
        cascade: bool,
    },
    /// A write with its `because`: the reason its versions record.
    Reasoned {
        reason: String,
        op: Box<WriteOp>,
    },
}

pub(super) fn apply(
    w: &mut Writer,
    op: &WriteOp,
    added: &mut Vec<ClaimId>,
    speakers: &Speakers,
    patterns: &Patterns,
) -> Result<Outcome> {
    Ok(match op {
        WriteOp::Reasoned { reason, op } => {
            return super::history::with_reason(reason, || apply(w, op, added, speakers, patterns))
        }
        WriteOp::AddSource(s) => {
            let source = w.add_source(s)?;
            Outcome::SourceAdded {
                id: source.id,
                text_bytes: source.text_len,
            }
        }
        WriteOp::AddSpeaker(s) => {
            let speaker = w.add_speaker(s)?;
            Outcome::SpeakerAdded {
                id: speaker.id,
                name: speaker.name,
            }
        }
        WriteOp::AddClaim(c, hint) => {
            let (claim, occurrences) = w.add_claim_at(c, hint.as_ref())?;
            added.push(claim.id);
            Outcome::ClaimAdded {
                claim: Box::new(claim),
                occurrences,
                hinted: hint.is_some(),
            }
        }
        WriteOp::Restore { id, claim, hint } => {
            let claim = w.add_claim_as(claim, hint.as_ref(), None, *id)?;
            added.push(claim.id);
            Outcome::ClaimAdded {
                claim: Box::new(claim),
                occurrences: 1,
                hinted: hint.is_some(),
            }
        }
        WriteOp::Update {
            candidates,
            filter,
            changes,
        } => {
            let ids = targets(w, candidates, added, filter.as_ref(), speakers, patterns)?;
            for &id in &ids {
                w.update_claim(id, changes)?;
            }
            Outcome::ClaimsUpdated { ids }
        }
        WriteOp::Delete { candidates, filter } => {
            let ids = targets(w, candidates, added, filter.as_ref(), speakers, patterns)?;
            for &id in &ids {
                w.delete_claim(id)?;
            }
            added.retain(|a| !ids.contains(a));
            Outcome::ClaimsDeleted { ids }
        }
        WriteOp::Alias { alias, speaker } => {
            let s = w.add_alias(alias, speaker)?;
            Outcome::AliasAdded {
                alias: alias.clone(),
                speaker: s.id,
                name: s.name,
            }
        }
        WriteOp::UpdateSources { ids, changes } => {
            for id in ids {
                w.update_source(id, changes)?;
            }
            Outcome::SourcesUpdated { ids: ids.clone() }
        }
        WriteOp::UpdateSpeakers { ids, description } => {
            for &id in ids {
                w.update_speaker(id, description.as_deref())?;
            }
            Outcome::SpeakersUpdated { ids: ids.clone() }
        }
        WriteOp::DeleteSources { ids, cascade } => {
            let mut claims = Vec::new();
            for id in ids {
                claims.extend(w.delete_source(id, *cascade)?);
            }
            Outcome::SourcesDeleted {
                ids: ids.clone(),
                claims,
            }
        }
        WriteOp::DeleteSpeakers { ids, cascade } => {
            let mut claims = Vec::new();
            for &id in ids {
                claims.extend(w.delete_speaker(id, *cascade)?);
            }
            Outcome::SpeakersDeleted {
                ids: ids.clone(),
                claims,
            }
        }
        WriteOp::Merge { from, into } => {
            let (s, moved) = w.merge_speaker(from, into)?;
            Outcome::SpeakerMerged {
                from: from.clone(),
                into: s.id,
                names: std::iter::once(s.name.clone()).chain(s.aliases).collect(),
                name: s.name,
                moved,
            }
        }
    })
}

/// The claims an update or delete touches inside its transaction: the ones
/// the planner found, and the ones this transaction added, that match the
/// condition as the transaction sees them now.
fn targets(
    w: &Writer,
    candidates: &[ClaimId],
    added: &[ClaimId],
    filter: Option<&Expr>,
    speakers: &Speakers,
    patterns: &Patterns,
) -> Result<Vec<ClaimId>> {
    let mut ids: Vec<ClaimId> = candidates.iter().chain(added).copied().collect();
    ids.sort_unstable();
    ids.dedup();
    let mut out = Vec::new();
    for id in ids {
        if let Some(claim) = w.view().claim(id)? {
            if claim_matches(&claim, filter, speakers, patterns) {
                out.push(id);
            }
        }
    }
    Ok(out)
}
