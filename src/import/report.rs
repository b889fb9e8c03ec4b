//! What an import did, row by row.

use serde::{Deserialize, Serialize};

/// What became of one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Written as a new record.
    Added,
    /// Already stored as it is: nothing to write (a re-import, a duplicate).
    Unchanged,
    /// A stored record gained something (a speaker's new aliases).
    Updated,
    /// Not written, for the reason given.
    Refused,
}

impl Outcome {
    /// The word a report uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Added => "added",
            Outcome::Unchanged => "unchanged",
            Outcome::Updated => "updated",
            Outcome::Refused => "refused",
        }
    }
}

/// One row's result.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RowReport {
    /// The file, as given.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// "source", "speaker", "claim", "dump", or "row" when unreadable.
    pub kind: String,
    /// What became of it.
    pub outcome: Outcome,
    /// The record's id (a claim's number, a source's id, a speaker's name).
    pub id: Option<String>,
    /// Why, for anything but a plain addition.
    pub message: Option<String>,
    /// For a refused claim: the checker's findings (the closest passage and
    /// what differs), one line each.
    pub findings: Vec<String>,
}

/// What an import did.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImportReport {
    /// Every row, in file order.
    pub rows: Vec<RowReport>,
    /// Whether anything was written: false for a dry run, and for an
    /// all-or-nothing import with a refused row.
    pub written: bool,
    /// Whether this was a dry run.
    pub dry_run: bool,
    /// Seconds the import took, reading and checking included.
    pub seconds: f64,
}

impl ImportReport {
    /// How many rows had `outcome`.
    pub fn count(&self, outcome: Outcome) -> usize {
        self.rows.iter().filter(|r| r.outcome == outcome).count()
    }

    /// How many rows of `kind` had `outcome`.
    pub fn count_of(&self, kind: &str, outcome: Outcome) -> usize {
        self.rows
            .iter()
            .filter(|r| r.kind == kind && r.outcome == outcome)
            .count()
    }

    /// Whether any row was refused.
    pub fn refused(&self) -> bool {
        self.count(Outcome::Refused) > 0
    }
}
