//! What a citation check leaves on a claim: the anchor where its quote was
//! found, the checker's findings when it was not (a broken claim keeps
//! them), and, back the other way, the hint an anchor gives for finding
//! the passage again after its source's text changed.

use crate::cite::{self, Citation};
use crate::model::{Anchor, Mismatch};

/// What an anchor remembers, as a hint for finding the passage again.
pub(crate) fn hint_from(anchor: &Anchor) -> cite::Hint {
    cite::Hint {
        prefix: anchor.prefix.clone(),
        suffix: anchor.suffix.clone(),
        start_byte: Some(anchor.start_byte as usize),
    }
}

/// The checker's findings, as a broken claim stores them.
pub(crate) fn mismatch_from(c: &Citation, text: &str) -> Mismatch {
    Mismatch {
        verdict: c.verdict.as_str().to_string(),
        passage: c.location.as_ref().map(|l| l.text.clone()),
        line: c.location.as_ref().map_or(0, |l| l.line as u32),
        column: c.location.as_ref().map_or(0, |l| l.column as u32),
        score: c.score,
        changes: c.findings(),
        text_sha256: cite::sha256_hex(text),
    }
}

/// Where the checker found a quote, as the claim stores it.
pub(crate) fn anchor_from(c: &Citation, text_sha256: &str) -> Option<Anchor> {
    let at = c.location.as_ref()?;
    Some(Anchor {
        start_byte: at.start_byte as u64,
        end_byte: at.end_byte as u64,
        start_char: at.start_char as u64,
        end_char: at.end_char as u64,
        line: at.line as u32,
        column: at.column as u32,
        end_line: at.end_line as u32,
        end_column: at.end_column as u32,
        segments: at
            .segments
            .iter()
            .map(|&(s, e)| (s as u64, e as u64))
            .collect(),
        exact: c.verdict == cite::Verdict::Exact,
        prefix: at.prefix.clone(),
        suffix: at.suffix.clone(),
        text_sha256: text_sha256.to_string(),
    })
}
