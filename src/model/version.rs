//! Versions: the trail of every write to a claim, a source (its text
//! included) or a speaker. Each write records one version of each record
//! it touches, in the same transaction as the change, so there is never a
//! change without its version nor a version without its change: who made
//! it, when (UTC), by which statement or call, why when they said, and
//! what changed, field by field. A version records the change, not a copy
//! of the record: a source's new text is recorded by its length and hash.

use serde::{Deserialize, Serialize};

use super::{ClaimId, SpeakerId};

/// What a version is of.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    /// A claim, by id.
    Claim(ClaimId),
    /// A source, by id.
    Source(String),
    /// A speaker, by id (aliases are the speaker's).
    Speaker(SpeakerId),
}

impl Subject {
    /// The id counter the record's id came from, and the id: a restored or
    /// copied history raises the counter past it, so that a deleted
    /// record's id (and history) is never given to a new one.
    pub fn counted_id(&self) -> Option<(&'static str, u64)> {
        match self {
            Subject::Claim(id) => Some(("claim", *id)),
            Subject::Speaker(id) => Some(("speaker", *id)),
            Subject::Source(_) => None,
        }
    }

    /// "claim 12", "source \"fp-lazarus-review\"", "speaker 3".
    pub fn describe(&self) -> String {
        match self {
            Subject::Claim(id) => format!("claim {id}"),
            Subject::Source(id) => format!("source {}", crate::error::quoted(id)),
            Subject::Speaker(id) => format!("speaker {id}"),
        }
    }
}

/// What a write did to a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// The record was made.
    Created,
    /// Some of its fields changed.
    Updated,
    /// The record was deleted; its history stays.
    Deleted,
}

impl Action {
    /// The word a history shows.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Created => "created",
            Action::Updated => "updated",
            Action::Deleted => "deleted",
        }
    }
}

/// One field's change: its value before and after, as JSON text (absent
/// for a field that was not set).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    /// The field's name, as the query language names it.
    pub field: String,
    /// Before, as JSON (none when created).
    pub before: Option<String>,
    /// After, as JSON (none when deleted).
    pub after: Option<String>,
}

/// One version of one record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Version {
    /// The record.
    pub subject: Subject,
    /// Its number among the record's versions, from 1.
    pub number: u64,
    /// When, in UTC (RFC 3339, milliseconds).
    pub at: String,
    /// Who: the CLI's `--as` (by default the login name), the library
    /// caller's author, the server's token name.
    pub author: String,
    /// The statement or call that made it.
    pub statement: String,
    /// Why, when the writer said (`because "..."`, `--because`).
    pub reason: Option<String>,
    /// Created, updated or deleted.
    pub action: Action,
    /// What changed, field by field.
    pub changes: Vec<FieldChange>,
}

/// Who writes, by what and why: what each version of a write records
/// besides its change.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Authorship {
    /// Who.
    pub author: String,
    /// The statement or call.
    pub statement: String,
    /// Why, when said.
    pub reason: Option<String>,
}
