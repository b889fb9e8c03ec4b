//! What an import did, row by row.

use serde::{Deserialize, Serialize};

/// What became of one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
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

/// How many rows of one kind had one outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// "source", "speaker", "claim", "version", "dump", "row".
    pub kind: String,
    /// What became of them.
    pub outcome: Outcome,
    /// How many.
    pub rows: u64,
}

/// The most rows a report lists whatever they say; past it, only rows
/// with something to say (refused, updated, a warning) are listed, up to
/// as many again. Every row is counted ([`ImportReport::tallies`]), so a
/// report of a million rows stays a few megabytes (a listed row costs
/// about 200 bytes: at 100,000 an import held 19 MiB of them).
pub const MAX_LISTED_ROWS: usize = 10_000;

/// What an import did.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImportReport {
    /// The rows, in file order: every one, up to [`MAX_LISTED_ROWS`].
    pub rows: Vec<RowReport>,
    /// Every row counted, by kind and outcome, listed or not.
    #[serde(default)]
    pub tallies: Vec<Tally>,
    /// Rows counted but not listed (past [`MAX_LISTED_ROWS`]).
    #[serde(default)]
    pub unlisted: u64,
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
        self.counted(|_, o| o == outcome)
    }

    /// How many rows of `kind` had `outcome`.
    pub fn count_of(&self, kind: &str, outcome: Outcome) -> usize {
        self.counted(|k, o| k == kind && o == outcome)
    }

    /// How many rows `which` picks by kind and outcome (from the listed
    /// rows, for a report from a claimdb that did not tally).
    pub fn counted(&self, which: impl Fn(&str, Outcome) -> bool) -> usize {
        if self.tallies.is_empty() {
            return self
                .rows
                .iter()
                .filter(|r| which(&r.kind, r.outcome))
                .count();
        }
        self.tallies
            .iter()
            .filter(|t| which(&t.kind, t.outcome))
            .map(|t| t.rows as usize)
            .sum()
    }

    /// Takes in the report of the next file of the same import.
    pub fn absorb(&mut self, next: ImportReport) {
        self.rows.extend(next.rows);
        for t in next.tallies {
            match self
                .tallies
                .iter_mut()
                .find(|m| m.kind == t.kind && m.outcome == t.outcome)
            {
                Some(mine) => mine.rows += t.rows,
                None => self.tallies.push(t),
            }
        }
        self.unlisted += next.unlisted;
        self.written |= next.written;
        self.seconds += next.seconds;
    }

    /// Whether any row was refused.
    pub fn refused(&self) -> bool {
        self.count(Outcome::Refused) > 0
    }
}
