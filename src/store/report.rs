//! What an integrity check found: the report every engine's
//! [`Maintenance::verify`](super::Maintenance::verify) returns.

use serde::{Deserialize, Serialize};

/// One thing found wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// What kind of thing: "index", "names", "record", "reference", "text",
    /// "anchor", "counter", "format".
    pub area: String,
    /// What is wrong, for a person.
    pub message: String,
    /// Whether `repair` rebuilds it.
    pub repairable: bool,
}

/// What `verify` looked at and found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyReport {
    /// Claims read.
    pub claims: u64,
    /// Speakers read.
    pub speakers: u64,
    /// Sources read.
    pub sources: u64,
    /// Index entries read.
    pub index_entries: u64,
    /// Versions read (each record's checked against it).
    #[serde(default)]
    pub versions: u64,
    /// Everything found wrong (empty for a sound database).
    pub problems: Vec<Problem>,
}

impl VerifyReport {
    /// True when nothing is wrong.
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }

    pub(crate) fn problem(&mut self, area: &'static str, repairable: bool, message: String) {
        self.problems.push(Problem {
            area: area.to_string(),
            message,
            repairable,
        });
    }
}
