//! Pruning history: the versions stamped before a moment removed, for a
//! database whose trail has outgrown its use. What is left still answers
//! `history` (from the horizon on) and `as of` any moment from the
//! horizon on: a record's state then is its state now with the later
//! versions undone, and none of those is pruned. Before the horizon the
//! versions that would say what changed are gone, so `as of` an earlier
//! moment is refused rather than answered wrongly; the horizon is kept in
//! the database, in the first transaction, before any version goes.

use serde::Serialize;

use super::Db;
use crate::error::{Error, Result};

/// Versions removed per transaction.
const PRUNE_BATCH: usize = 10_000;

/// What [`Db::prune_history`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pruned {
    /// Versions removed.
    pub versions: u64,
    /// The moment `as of` now reaches back to.
    pub horizon: String,
}

impl Db {
    /// Removes every version stamped before `before` (a date, meaning its
    /// first moment, or a UTC timestamp). Refused for a moment still to
    /// come (it would prune the trail of writes not yet made) or one
    /// before the horizon already kept (nothing there to prune).
    pub fn prune_history(&self, before: &str) -> Result<Pruned> {
        let horizon = crate::text::first_moment(before).ok_or_else(|| {
            Error::invalid(
                "prune",
                format!(
                    "expected a date (2026-11-01) or a UTC timestamp (2026-11-01T09:30:00Z), not {}",
                    crate::error::quoted(before)
                ),
            )
        })?;
        if horizon > crate::text::now_utc_millis() {
            return Err(Error::invalid(
                "prune",
                format!("{before} is still to come: pruning to it would remove the versions of writes made since"),
            ));
        }
        let view = self.view()?;
        let kept = view.history_horizon()?;
        let old: Vec<(crate::model::Subject, u64)> = view
            .every_version()?
            .into_iter()
            .filter(|v| v.at < horizon)
            .map(|v| (v.subject, v.number))
            .collect();
        drop(view);
        let horizon = match kept {
            Some(kept) if kept >= horizon => kept,
            _ => horizon,
        };
        self.write(|w| w.tx().set_history_horizon(&horizon))?;
        for batch in old.chunks(PRUNE_BATCH) {
            self.write(|w| {
                for (subject, number) in batch {
                    w.tx().delete_version(subject, *number)?;
                }
                Ok(())
            })?;
        }
        Ok(Pruned {
            versions: old.len() as u64,
            horizon,
        })
    }
}
