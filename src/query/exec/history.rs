//! What the versions are read for: `history claim N`, `history source
//! "ID"`, `history speaker "NAME"` (a record's versions, newest first),
//! and `as of` (the database as it stood then, `store::as_of`). A deleted
//! record keeps its history, so a claim or source is found by its id
//! whether it is still stored or not; a speaker by any of its names while
//! it is stored, by its id after.

use crate::error::{Error, Result};
use crate::model::{Subject, Version};
use crate::query::ast::{HistoryOf, Literal, Spanned};
use crate::store::ReadView;

/// The versions of the record `id` names, newest first; refused when it
/// has none (it never was, or was written before history was kept).
pub(super) fn versions(
    store: &dyn ReadView,
    kind: HistoryOf,
    id: &Literal,
) -> Result<Vec<Version>> {
    let (subject, shown) = match (kind, id) {
        (HistoryOf::Claim, Literal::Num(n)) => (Subject::Claim(*n as u64), format!("{n}")),
        (HistoryOf::Source, Literal::Str(s)) => (Subject::Source(s.clone()), s.clone()),
        (HistoryOf::Speaker, Literal::Num(n)) => (Subject::Speaker(*n as u64), format!("{n}")),
        (HistoryOf::Speaker, Literal::Str(name)) => match store.speaker_by_name(name)? {
            Some(id) => (Subject::Speaker(id), name.clone()),
            None => return Err(Error::not_found("speaker", name)),
        },
        (_, other) => {
            return Err(Error::invalid(
                "history",
                format!("{other:?} does not name a record"),
            ))
        }
    };
    let mut versions = store.versions(&subject)?;
    if versions.is_empty() {
        let what: &str = match kind {
            HistoryOf::Claim => "claim",
            HistoryOf::Source => "source",
            HistoryOf::Speaker => "speaker",
        };
        return Err(Error::NotFound {
            kind: match what {
                "claim" => "history for claim",
                "source" => "history for source",
                _ => "history for speaker",
            },
            name: shown,
        });
    }
    versions.reverse();
    Ok(versions)
}

/// The database as it stood at `at` (a date or a timestamp, checked).
pub(super) fn in_the_past(
    store: &dyn ReadView,
    at: &Spanned<Literal>,
) -> Result<crate::store::MemoryEngine> {
    let when = match &at.node {
        Literal::Str(s) => s.clone(),
        other => other.to_string(),
    };
    let bound = crate::text::as_of_bound(&when)
        .ok_or_else(|| Error::invalid("as of", format!("not a date or a timestamp: {when}")))?;
    if let Some(horizon) = store.history_horizon()? {
        if bound < horizon {
            return Err(Error::invalid(
                "as of",
                format!(
                    "the versions before {horizon} were pruned, so the database as it stood at {when} cannot be told; `as of` reaches back to {horizon}"
                ),
            ));
        }
    }
    crate::store::as_of(store, &bound)
}
