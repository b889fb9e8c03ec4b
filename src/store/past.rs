//! The database as it stood at a moment, read back from the versions:
//! what `claims as of "2026-11-01"` queries. Each record's state then is
//! its state now with every version made after that moment undone, last
//! first (an update's fields set back to what they were; a deletion's
//! record brought back whole); a record created after it is left out; a
//! record written before history was kept is taken as it is now. A
//! source's text as it was is the one its later replacement kept.
//!
//! The past is built as a [`MemoryEngine`] of every record, so that any
//! query runs on it as on the database itself: it reads the whole
//! database once per query (indexes included), which is fine for a
//! newsroom's corpus and is the cost to bring down for a million claims.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use super::{Engine, MemoryEngine, ReadView};
use crate::error::{Error, Result};
use crate::model::{Action, Claim, Source, Speaker, Subject, Version};

/// The database `view` holds, as it stood at `bound` (a version stamp:
/// `2026-11-01T23:59:59.999Z`; see [`crate::text::as_of_bound`]).
pub fn as_of(view: &dyn ReadView, bound: &str) -> Result<MemoryEngine> {
    let mut by_subject: BTreeMap<Subject, Vec<Version>> = BTreeMap::new();
    for v in view.every_version()? {
        by_subject.entry(v.subject.clone()).or_default().push(v);
    }
    for versions in by_subject.values_mut() {
        versions.sort_by_key(|v| v.number);
    }
    let past = MemoryEngine::new();
    let mut claims: BTreeMap<u64, Claim> = BTreeMap::new();
    for c in view.claims() {
        let c = c?;
        claims.insert(c.id, c);
    }
    let mut speakers: BTreeMap<u64, Speaker> =
        view.speakers()?.into_iter().map(|s| (s.id, s)).collect();
    let mut sources: BTreeMap<String, (Source, Option<String>)> = BTreeMap::new();
    for s in view.sources()? {
        let text = view.source_text(&s.id)?;
        sources.insert(s.id.clone(), (s, text));
    }
    for (subject, versions) in &by_subject {
        match subject {
            Subject::Claim(id) => {
                match back(claims.remove(id), versions, bound)? {
                    Some(c) => claims.insert(*id, c),
                    None => None,
                };
            }
            Subject::Speaker(id) => {
                match back(speakers.remove(id), versions, bound)? {
                    Some(s) => speakers.insert(*id, s),
                    None => None,
                };
            }
            Subject::Source(id) => {
                let (now, text) = match sources.remove(id) {
                    Some((s, t)) => (Some(s), t),
                    None => (None, None),
                };
                let text = text_back(text, versions, bound)?;
                if let Some(s) = back(now, versions, bound)? {
                    sources.insert(id.clone(), (s, text));
                }
            }
        }
    }
    past.write(&mut |tx| {
        for (s, text) in sources.values() {
            tx.put_source(s, text.as_deref())?;
        }
        for s in speakers.values() {
            tx.put_speaker(s)?;
        }
        for c in claims.values() {
            tx.put_claim(c)?;
        }
        tx.stamp_format_version()
    })?;
    Ok(past)
}

/// A record's state at `bound`: `now` (none when deleted) with the
/// versions after `bound` undone. `None` when it did not exist then.
fn back<T: Serialize + DeserializeOwned>(
    now: Option<T>,
    versions: &[Version],
    bound: &str,
) -> Result<Option<T>> {
    undone(now, versions, |v| v.at.as_str() > bound)
}

/// A record as it was at its version `number`: `now` with every later
/// version undone (`None` when it did not exist then).
pub fn at_version<T: Serialize + DeserializeOwned>(
    now: Option<T>,
    versions: &[Version],
    number: u64,
) -> Result<Option<T>> {
    undone(now, versions, |v| v.number > number)
}

/// `now` with the last versions `later` picks undone, last first.
fn undone<T: Serialize + DeserializeOwned>(
    now: Option<T>,
    versions: &[Version],
    later: impl Fn(&Version) -> bool,
) -> Result<Option<T>> {
    let mut state: Option<Map<String, Value>> = now.map(|r| fields(&r));
    for v in versions.iter().rev().take_while(|v| later(v)) {
        state = match v.action {
            Action::Created => None,
            Action::Deleted => Some(before_of(v, Map::new())),
            Action::Updated => state.map(|s| before_of(v, s)),
        };
    }
    // Deleted at or before that point: not there then.
    if versions
        .iter()
        .rev()
        .find(|v| !later(v))
        .is_some_and(|v| v.action == Action::Deleted)
    {
        return Ok(None);
    }
    state
        .map(|s| {
            serde_json::from_value(Value::Object(s))
                .map_err(|e| Error::Corrupt(format!("a record rebuilt from its versions: {e}")))
        })
        .transpose()
}

/// A source's text at `bound`: each replacement after it undone.
fn text_back(now: Option<String>, versions: &[Version], bound: &str) -> Result<Option<String>> {
    let mut text = now;
    for v in versions.iter().rev().take_while(|v| v.at.as_str() > bound) {
        if let Some(c) = v.changes.iter().find(|c| c.field == "text") {
            text = match &c.before {
                Some(json) => Some(
                    serde_json::from_str(json)
                        .map_err(|e| Error::Corrupt(format!("a text kept by a version: {e}")))?,
                ),
                None => None,
            };
        }
    }
    Ok(text)
}

/// A record's fields as JSON, by name (what versions record and undo).
pub(crate) fn fields<T: Serialize>(record: &T) -> Map<String, Value> {
    match serde_json::to_value(record) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

/// `state` with each field a version changed set back to its value before.
fn before_of(v: &Version, mut state: Map<String, Value>) -> Map<String, Value> {
    for c in v.changes.iter().filter(|c| c.field != "text") {
        match c
            .before
            .as_deref()
            .and_then(|b| serde_json::from_str(b).ok())
        {
            Some(before) => {
                state.insert(c.field.clone(), before);
            }
            None => {
                state.insert(c.field.clone(), Value::Null);
            }
        }
    }
    state
}
