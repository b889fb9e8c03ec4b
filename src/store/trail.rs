//! The trail checked against the records (`verify`'s history check): a
//! write and its version are one transaction, so after any crash each
//! record's versions must agree with the record. For every record with
//! versions: the numbers follow on without a gap; a record whose last
//! version deletes it is not stored, and one whose last version does not
//! is; and each field a person edits holds the value its latest change
//! recorded. A version without its change, or a change without its
//! version, shows as one of these. (The fields claimdb derives, such as an
//! anchor or an attribution, are left out: a dump restored by a later
//! claimdb derives them again, perhaps differently.)

use serde_json::{Map, Value};

use super::{fields, ReadView, VerifyReport};
use crate::error::Result;
use crate::model::{Action, Subject, Version};

/// The fields of each kind of record that only a person's write changes.
const CLAIM_FIELDS: &[&str] = &[
    "speaker",
    "source",
    "origin",
    "quote",
    "statement",
    "confidence",
    "rationale",
    "tags",
    "key",
    "reviews",
];
const SOURCE_FIELDS: &[&str] = &[
    "title",
    "author",
    "publisher",
    "date",
    "kind",
    "url",
    "notes",
    "sha256",
];
const SPEAKER_FIELDS: &[&str] = &["name", "aliases", "description"];

/// Checks every record's versions against it; returns how many versions
/// were read.
pub(crate) fn check(view: &dyn ReadView, report: &mut VerifyReport) -> Result<u64> {
    // One record's versions at a time: they come record by record.
    let mut read = 0;
    let mut group: Vec<Version> = Vec::new();
    for v in view.versions_in_order() {
        let v = v?;
        read += 1;
        if group.last().is_some_and(|last| last.subject != v.subject) {
            check_record(view, std::mem::take(&mut group), report)?;
        }
        group.push(v);
    }
    if !group.is_empty() {
        check_record(view, group, report)?;
    }
    Ok(read)
}

/// One record against its versions.
fn check_record(
    view: &dyn ReadView,
    mut versions: Vec<Version>,
    report: &mut VerifyReport,
) -> Result<()> {
    versions.sort_by_key(|v| v.number);
    let subject = versions[0].subject.clone();
    {
        let (now, editable) = match &subject {
            Subject::Claim(id) => (view.claim(*id)?.map(|c| fields(&c)), CLAIM_FIELDS),
            Subject::Source(id) => (view.source(id)?.map(|s| fields(&s)), SOURCE_FIELDS),
            Subject::Speaker(id) => (view.speaker(*id)?.map(|s| fields(&s)), SPEAKER_FIELDS),
        };
        for message in disagreements(&subject, &versions, now.as_ref(), editable) {
            report.problem("history", false, message);
        }
    }
    Ok(())
}

/// What is wrong between one record (`now`, none when not stored) and its
/// versions, in number order.
fn disagreements(
    subject: &Subject,
    versions: &[Version],
    now: Option<&Map<String, Value>>,
    editable: &[&str],
) -> Vec<String> {
    let mut found = Vec::new();
    let what = subject.describe();
    for pair in versions.windows(2) {
        if pair[1].number != pair[0].number + 1 {
            found.push(format!(
                "{what}'s versions go from {} to {}: a version is missing",
                pair[0].number, pair[1].number
            ));
        }
    }
    let Some(last) = versions.last() else {
        return found;
    };
    let Some(now) = now else {
        if last.action != Action::Deleted {
            found.push(format!(
                "{what} is not stored, but its last version ({}) did not delete it",
                last.number
            ));
        }
        return found;
    };
    if last.action == Action::Deleted {
        found.push(format!(
            "{what} is stored, but its last version ({}) deleted it",
            last.number
        ));
        return found;
    }
    for field in editable {
        let latest = versions
            .iter()
            .rev()
            .take_while(|v| v.action != Action::Deleted)
            .find_map(|v| v.changes.iter().find(|c| c.field == *field).map(|c| (v, c)));
        let Some((v, change)) = latest else { continue };
        let recorded: Option<Value> = change
            .after
            .as_deref()
            .and_then(|a| serde_json::from_str(a).ok());
        let stored = now.get(*field).filter(|x| !x.is_null());
        if recorded.as_ref() != stored {
            found.push(format!(
                "{what}'s {field} is {}, but its version {} recorded {}",
                stored.map_or("not set".to_string(), Value::to_string),
                v.number,
                recorded.map_or("it unset".to_string(), |r| r.to_string())
            ));
        }
    }
    found
}
