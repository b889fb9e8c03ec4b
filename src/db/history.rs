//! History: every write to a claim, a source or a speaker records a
//! version of it, in the same transaction (issue 28's trail). Recording
//! happens below the checked writer, in a [`WriteTx`] that stands between
//! it and the engine ([`Recording`]): whatever path writes a record (a
//! statement, an import, an edit, a re-check after a text changed), the
//! version is written beside the change, so neither can exist without the
//! other after a crash.
//!
//! Who writes, by what and why, is the caller's [`Authorship`]: set for a
//! call with [`with_authorship`] (the CLI's `--as` and `--because`, the
//! server's token name, a statement's `because`), else the login name and
//! "a library call". A created record's version names no field values (the
//! record is its own first state); an update records each changed field
//! before and after; a deletion records every field as it was, so a
//! deleted record's last state stays readable. A source's text is
//! recorded by its hash and length, except that a replaced text is kept
//! in the version that replaced it: that is the change.

use std::cell::RefCell;
use std::collections::HashMap;

use serde::Serialize;
use serde_json::Value;

use crate::error::Result;
use crate::model::{
    Action, Authorship, Claim, ClaimId, FieldChange, Source, Speaker, SpeakerId, Subject, Token,
    Version,
};
use crate::store::{fields, ReadView, WriteTx};

thread_local! {
    static CURRENT: RefCell<Option<Authorship>> = const { RefCell::new(None) };
    /// Set while a dump's history is restored: its records are written
    /// without new versions, for the dump's own versions follow them.
    static RESTORING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` with its writes recording no version (on this thread): a
/// dump's records restored, their versions written as the dump has them.
pub(crate) fn restoring_history<T>(f: impl FnOnce() -> T) -> T {
    let before = RESTORING.with(|r| r.replace(true));
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            RESTORING.with(|r| r.set(self.0));
        }
    }
    let _restore = Restore(before);
    f()
}

static DEFAULT_AUTHOR: std::sync::OnceLock<String> = std::sync::OnceLock::new();
static DEFAULT_REASON: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Runs `f` with `authorship` recorded on every version its writes make
/// (on this thread).
pub fn with_authorship<T>(authorship: Authorship, f: impl FnOnce() -> T) -> T {
    let before = CURRENT.with(|c| c.replace(Some(authorship)));
    // Restored even when `f` panics, so a worker thread is never left
    // writing under a finished request's name.
    struct Restore(Option<Authorship>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let before = self.0.take();
            CURRENT.with(|c| *c.borrow_mut() = before);
        }
    }
    let _restore = Restore(before);
    f()
}

/// Runs `f` with `reason` recorded as why its writes were made (a
/// statement's `because`), keeping the author and statement.
pub(crate) fn with_reason<T>(reason: &str, f: impl FnOnce() -> T) -> T {
    let mut authorship = current();
    authorship.reason = Some(reason.to_string());
    with_authorship(authorship, f)
}

/// Runs `f` with `statement` recorded as what made its writes, keeping
/// the author and reason set around it.
pub(crate) fn with_statement<T>(statement: &str, f: impl FnOnce() -> T) -> T {
    let mut authorship = current();
    authorship.statement = statement.trim().to_string();
    with_authorship(authorship, f)
}

/// The author of writes made without [`with_authorship`] in this process
/// (the CLI's `--as`); by default the login name. Only the first call
/// counts.
pub fn set_default_author(name: &str) {
    let _ = DEFAULT_AUTHOR.set(name.to_string());
}

/// The reason of writes made without [`with_authorship`] in this process
/// (the CLI's `--because`). Only the first call counts.
pub fn set_default_reason(reason: &str) {
    let _ = DEFAULT_REASON.set(reason.to_string());
}

/// The process's default reason (`--because`), when given.
pub fn default_reason() -> Option<String> {
    DEFAULT_REASON.get().cloned()
}

/// Who writes now: the authorship set on this thread, else the default.
pub(crate) fn current() -> Authorship {
    CURRENT
        .with(|c| c.borrow().clone())
        .unwrap_or_else(|| Authorship {
            author: default_author(),
            statement: "a library call".into(),
            reason: DEFAULT_REASON.get().cloned(),
        })
}

/// The process's default author: `--as`, else the login name.
pub(crate) fn default_author() -> String {
    DEFAULT_AUTHOR
        .get()
        .cloned()
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("LOGNAME").ok())
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| "unknown".to_string())
}

/// A transaction that records a version of each record it writes.
pub(crate) struct Recording<'t> {
    inner: &'t mut dyn WriteTx,
    at: String,
    /// The last version number used per record in this transaction.
    numbers: HashMap<Subject, u64>,
}

impl<'t> Recording<'t> {
    pub(crate) fn new(inner: &'t mut dyn WriteTx) -> Self {
        Recording {
            inner,
            at: crate::text::now_utc_millis(),
            numbers: HashMap::new(),
        }
    }

    fn record(
        &mut self,
        subject: Subject,
        action: Action,
        changes: Vec<FieldChange>,
    ) -> Result<()> {
        if RESTORING.with(|r| r.get()) {
            return Ok(());
        }
        let number = match self.numbers.get(&subject) {
            Some(n) => n + 1,
            None => self
                .inner
                .view()
                .versions(&subject)?
                .last()
                .map_or(1, |v| v.number + 1),
        };
        self.numbers.insert(subject.clone(), number);
        // Read at each version: one statement of a transaction may give its
        // own reason (`because`).
        let authorship = current();
        let version = Version {
            subject,
            number,
            at: self.at.clone(),
            author: authorship.author,
            statement: authorship.statement,
            reason: authorship.reason,
            action,
            changes,
        };
        self.inner.put_version(&version)
    }
}

impl Recording<'_> {
    /// Records a record written over `before` (none: created), unless
    /// nothing changed.
    fn written<T: Serialize>(
        &mut self,
        subject: Subject,
        before: Option<&T>,
        after: &T,
    ) -> Result<()> {
        match before {
            None => self.record(subject, Action::Created, Vec::new()),
            Some(before) => {
                let changes = diff(Some(before), Some(after));
                if changes.is_empty() {
                    return Ok(());
                }
                self.record(subject, Action::Updated, changes)
            }
        }
    }
}

/// The fields that differ between two states of a record (`None`: absent).
fn diff<T: Serialize>(before: Option<&T>, after: Option<&T>) -> Vec<FieldChange> {
    let (b, a) = (
        before.map(fields).unwrap_or_default(),
        after.map(fields).unwrap_or_default(),
    );
    let mut names: Vec<&String> = b.keys().chain(a.keys()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .filter_map(|n| {
            let (x, y) = (
                b.get(n).filter(|v| !v.is_null()),
                a.get(n).filter(|v| !v.is_null()),
            );
            (x != y).then(|| FieldChange {
                field: n.clone(),
                before: x.map(Value::to_string),
                after: y.map(Value::to_string),
            })
        })
        .collect()
}

impl WriteTx for Recording<'_> {
    fn view(&self) -> &dyn ReadView {
        self.inner.view()
    }

    fn stamp_format_version(&mut self) -> Result<()> {
        self.inner.stamp_format_version()
    }

    fn next_id(&mut self, counter: &str) -> Result<u64> {
        self.inner.next_id(counter)
    }

    fn raise_next_id(&mut self, counter: &str, next: u64) -> Result<()> {
        self.inner.raise_next_id(counter, next)
    }

    fn put_claim(&mut self, claim: &Claim) -> Result<()> {
        let before = self.inner.view().claim(claim.id)?;
        self.inner.put_claim(claim)?;
        self.written(Subject::Claim(claim.id), before.as_ref(), claim)
    }

    fn delete_claim(&mut self, id: ClaimId) -> Result<bool> {
        let before = self.inner.view().claim(id)?;
        let deleted = self.inner.delete_claim(id)?;
        if let (true, Some(before)) = (deleted, before) {
            let changes = diff(Some(&before), None);
            self.record(Subject::Claim(id), Action::Deleted, changes)?;
        }
        Ok(deleted)
    }

    fn put_source(&mut self, source: &Source, text: Option<&str>) -> Result<()> {
        let before = self.inner.view().source(&source.id)?;
        let old_text = match &before {
            Some(b) if b.sha256 != source.sha256 => self.inner.view().source_text(&source.id)?,
            _ => None,
        };
        self.inner.put_source(source, text)?;
        let subject = Subject::Source(source.id.clone());
        match before {
            None => self.record(subject, Action::Created, Vec::new()),
            Some(before) => {
                let mut changes = diff(Some(&before), Some(source));
                // The replaced text is the change: kept, so that the source
                // as it was can be read again.
                if let Some(old) = old_text {
                    changes.push(FieldChange {
                        field: "text".into(),
                        before: Some(Value::String(old).to_string()),
                        after: None,
                    });
                }
                if changes.is_empty() {
                    return Ok(());
                }
                self.record(subject, Action::Updated, changes)
            }
        }
    }

    fn delete_source(&mut self, id: &str) -> Result<bool> {
        let before = self.inner.view().source(id)?;
        let text = self.inner.view().source_text(id)?;
        let deleted = self.inner.delete_source(id)?;
        if let (true, Some(before)) = (deleted, before) {
            let mut changes = diff(Some(&before), None);
            if let Some(text) = text {
                changes.push(FieldChange {
                    field: "text".into(),
                    before: Some(Value::String(text).to_string()),
                    after: None,
                });
            }
            self.record(Subject::Source(id.to_string()), Action::Deleted, changes)?;
        }
        Ok(deleted)
    }

    fn put_speaker(&mut self, speaker: &Speaker) -> Result<()> {
        let before = self.inner.view().speaker(speaker.id)?;
        self.inner.put_speaker(speaker)?;
        self.written(Subject::Speaker(speaker.id), before.as_ref(), speaker)
    }

    fn delete_speaker(&mut self, id: SpeakerId) -> Result<bool> {
        let before = self.inner.view().speaker(id)?;
        let deleted = self.inner.delete_speaker(id)?;
        if let (true, Some(before)) = (deleted, before) {
            let changes = diff(Some(&before), None);
            self.record(Subject::Speaker(id), Action::Deleted, changes)?;
        }
        Ok(deleted)
    }

    fn put_token(&mut self, token: &Token) -> Result<()> {
        self.inner.put_token(token)
    }

    fn put_version(&mut self, version: &Version) -> Result<()> {
        self.inner.put_version(version)
    }

    fn delete_version(&mut self, subject: &Subject, number: u64) -> Result<bool> {
        self.inner.delete_version(subject, number)
    }

    fn set_history_horizon(&mut self, at: &str) -> Result<()> {
        self.inner.set_history_horizon(at)
    }

    fn delete_token(&mut self, name: &str) -> Result<bool> {
        self.inner.delete_token(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_diff_names_each_changed_field_before_and_after() {
        #[derive(Serialize)]
        struct R {
            a: u32,
            b: Option<String>,
            c: Vec<&'static str>,
        }
        let before = R {
            a: 1,
            b: None,
            c: vec!["x"],
        };
        let after = R {
            a: 2,
            b: Some("y".into()),
            c: vec!["x"],
        };
        let changes = diff(Some(&before), Some(&after));
        assert_eq!(
            changes,
            vec![
                FieldChange {
                    field: "a".into(),
                    before: Some("1".into()),
                    after: Some("2".into())
                },
                FieldChange {
                    field: "b".into(),
                    before: None,
                    after: Some("\"y\"".into())
                },
            ]
        );
        assert_eq!(diff(Some(&before), None).len(), 2);
    }

    #[test]
    fn authorship_is_the_callers_for_the_call_only() {
        let inside = with_authorship(
            Authorship {
                author: "ana".into(),
                statement: "s".into(),
                reason: Some("why".into()),
            },
            current,
        );
        assert_eq!(inside.author, "ana");
        assert_eq!(inside.reason.as_deref(), Some("why"));
        assert_eq!(current().statement, "a library call");
    }
}
