//! What a write statement does, once its statement is understood: a
//! [`WriteOp`] names the writer calls (with the claims or records a
//! condition selected, found before the transaction), and [`apply`] makes
//! them inside it and says what was done.

use super::edits::SourceChanges;
use super::statements::plural;
use super::writer::{ClaimChanges, Writer};
use crate::error::{quoted, Result};
use crate::model::{ClaimId, NewClaim, NewSource, NewSpeaker, SpeakerId, Status};
use crate::query::{claim_matches, Done, Expr, Patterns, Speakers};

/// A statement turned into what the writer must do.
pub(super) enum WriteOp {
    AddSource(NewSource),
    AddSpeaker(NewSpeaker),
    AddClaim(NewClaim, Option<crate::cite::Hint>),
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
}

pub(super) fn apply(
    w: &mut Writer,
    op: &WriteOp,
    added: &mut Vec<ClaimId>,
    speakers: &Speakers,
    patterns: &Patterns,
) -> Result<Done> {
    Ok(match op {
        WriteOp::AddSource(s) => {
            let source = w.add_source(s)?;
            let text = if source.text_len > 0 {
                format!("{} bytes of text", source.text_len)
            } else {
                "no text".into()
            };
            Done {
                message: format!("added source {} ({text})", quoted(&source.id)),
                ids: vec![],
            }
        }
        WriteOp::AddSpeaker(s) => {
            let speaker = w.add_speaker(s)?;
            Done {
                message: format!("added speaker {} {}", speaker.id, quoted(&speaker.name)),
                ids: vec![speaker.id],
            }
        }
        WriteOp::AddClaim(c, hint) => {
            let (claim, occurrences) = w.add_claim_at(c, hint.as_ref())?;
            added.push(claim.id);
            let how = match (&claim.status, &claim.anchor) {
                (Status::Verified, Some(a)) => format!(
                    "verified{}{}, line {} column {}",
                    if crate::cite::has_edits(&claim.quote) {
                        " with edits"
                    } else {
                        ""
                    },
                    if a.exact {
                        ", exact"
                    } else {
                        " after normalization"
                    },
                    a.line,
                    a.column
                ),
                _ => "unverified: its source holds no text".into(),
            };
            // A repeated passage: say which one was taken, and how to choose.
            let which = match (occurrences, hint) {
                (0 | 1, _) => String::new(),
                (n, Some(_)) => format!("; the quote occurs {n} times: the hint chose this one"),
                (n, None) => format!(
                    "; the quote occurs {n} times: the first was taken (prefix, suffix or position choose another)"
                ),
            };
            let attributed = match &claim.attribution {
                Some(a) => format!(
                    "; attribution {}",
                    crate::render::attribution_line(a, claim.mode)
                ),
                None => String::new(),
            };
            Done {
                message: format!("added claim {} ({how}{which}{attributed})", claim.id),
                ids: vec![claim.id],
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
            Done {
                message: format!("updated {}", plural(ids.len(), "claim")),
                ids,
            }
        }
        WriteOp::Delete { candidates, filter } => {
            let ids = targets(w, candidates, added, filter.as_ref(), speakers, patterns)?;
            for &id in &ids {
                w.delete_claim(id)?;
            }
            added.retain(|a| !ids.contains(a));
            Done {
                message: format!("deleted {}", plural(ids.len(), "claim")),
                ids,
            }
        }
        WriteOp::Alias { alias, speaker } => {
            let s = w.add_alias(alias, speaker)?;
            Done {
                message: format!(
                    "{} now names speaker {} {}",
                    quoted(alias),
                    s.id,
                    quoted(&s.name)
                ),
                ids: vec![s.id],
            }
        }
        WriteOp::UpdateSources { ids, changes } => {
            for id in ids {
                w.update_source(id, changes)?;
            }
            Done {
                message: format!("updated {}", plural(ids.len(), "source")),
                ids: Vec::new(),
            }
        }
        WriteOp::UpdateSpeakers { ids, description } => {
            for &id in ids {
                w.update_speaker(id, description.as_deref())?;
            }
            Done {
                message: format!("updated {}", plural(ids.len(), "speaker")),
                ids: ids.clone(),
            }
        }
        WriteOp::DeleteSources { ids, cascade } => {
            let mut claims = Vec::new();
            for id in ids {
                claims.extend(w.delete_source(id, *cascade)?);
            }
            Done {
                message: format!(
                    "deleted {}{}",
                    plural(ids.len(), "source"),
                    if claims.is_empty() {
                        String::new()
                    } else {
                        format!(" and the {} quoting them", plural(claims.len(), "claim"))
                    }
                ),
                ids: claims,
            }
        }
        WriteOp::DeleteSpeakers { ids, cascade } => {
            let mut claims = Vec::new();
            for &id in ids {
                claims.extend(w.delete_speaker(id, *cascade)?);
            }
            Done {
                message: format!(
                    "deleted {}{}",
                    plural(ids.len(), "speaker"),
                    if claims.is_empty() {
                        String::new()
                    } else {
                        format!(" and their {}", plural(claims.len(), "claim"))
                    }
                ),
                ids: claims,
            }
        }
        WriteOp::Merge { from, into } => {
            let (s, moved) = w.merge_speaker(from, into)?;
            Done {
                message: format!(
                    "merged {} into speaker {} {}: {} moved, names {}",
                    quoted(from),
                    s.id,
                    quoted(&s.name),
                    plural(moved.len(), "claim"),
                    std::iter::once(&s.name)
                        .chain(&s.aliases)
                        .map(|n| quoted(n))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                ids: moved,
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
