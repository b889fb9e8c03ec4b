//! A refused claim's citation report, as people read it.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{Citation, Verdict};

/// Why a claim was refused or broke: its quote is not (or no longer) in its source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CitationReport {
    /// Names the claim for a person: "claim 12 (Moriuchi)" or "new claim by White".
    pub claim: String,
    /// The source searched.
    pub source: String,
    /// The quote as given.
    pub quote: String,
    /// The checker's result.
    pub citation: Citation,
}

impl fmt::Display for CitationReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.citation;
        let what = match c.verdict {
            Verdict::Approximate => "quote does not match",
            _ => "quote not found in",
        };
        write!(
            f,
            "{}: {what} source {}\n  quote:   \"{}\"",
            self.claim,
            crate::text::quoted(&self.source),
            self.quote
        )?;
        write_findings(f, c)
    }
}

/// The closest passage, the word changes and the notes, as reports show them.
pub fn write_findings(f: &mut impl fmt::Write, c: &Citation) -> fmt::Result {
    match &c.location {
        Some(at) if !c.is_verified() => write!(
            f,
            "\n  closest: \"{}\"\n           (line {}, column {}; {:.0}% similar)",
            at.text.split_whitespace().collect::<Vec<_>>().join(" "),
            at.line,
            at.column,
            c.score * 100.0
        )?,
        _ => {}
    }
    for change in &c.changes {
        write!(f, "\n  - {}", change.describe())?;
    }
    for note in &c.notes {
        write!(f, "\n  note: {note}")?;
    }
    Ok(())
}
