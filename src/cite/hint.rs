//! Choosing among repeated passages.
//!
//! A quote may occur more than once in a text ("we can not" three times in
//! the Gettysburg Address). An anchor remembers the text just before and
//! after its passage and where it started, as W3C Web Annotation's
//! TextQuoteSelector and TextPositionSelector do; given those again (a
//! [`Hint`]), the checker takes the occurrence they describe.

use super::normalize::{normalize, Normalized};
use super::CONTEXT_CHARS;
use crate::text::floor_char_boundary;

/// What an earlier anchor remembers, to choose among repeated passages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hint {
    /// Text just before the passage.
    pub prefix: String,
    /// Text just after the passage.
    pub suffix: String,
    /// Where the passage started (a byte offset).
    pub start_byte: Option<usize>,
}

impl Hint {
    /// A hint from what a caller gave (`locate --prefix`, `add claim ...
    /// prefix = ...`, an import row), or none when nothing was given.
    pub fn from_parts(
        prefix: Option<String>,
        suffix: Option<String>,
        position: Option<usize>,
    ) -> Option<Hint> {
        (prefix.is_some() || suffix.is_some() || position.is_some()).then(|| Hint {
            prefix: prefix.unwrap_or_default(),
            suffix: suffix.unwrap_or_default(),
            start_byte: position,
        })
    }
}

/// Picks among candidate matches (folded spans): by the hint's prefix and
/// suffix, then by nearness to its position; without a hint, the first.
pub(super) fn choose(
    text: &str,
    folded: &Normalized,
    candidates: &[Vec<(usize, usize)>],
    hint: Option<&Hint>,
) -> usize {
    let Some(hint) = hint else { return 0 };
    if candidates.len() < 2 {
        return 0;
    }
    let fold = |s: &str| normalize(s).text;
    let (want_prefix, want_suffix) = (fold(&hint.prefix), fold(&hint.suffix));
    let score = |spans: &Vec<(usize, usize)>| {
        let (start, end) = folded.original_span(spans[0].0, spans[spans.len() - 1].1);
        // Byte windows around the passage, moved to character boundaries:
        // a multibyte character may straddle the window's edge.
        let from = floor_char_boundary(text, start.saturating_sub(4 * CONTEXT_CHARS));
        let to = floor_char_boundary(text, end + 4 * CONTEXT_CHARS);
        let before = fold(&text[from..start]);
        let after = fold(&text[end..to]);
        let context = usize::from(
            !want_prefix.trim().is_empty() && before.trim_end().ends_with(want_prefix.trim()),
        ) + usize::from(
            !want_suffix.trim().is_empty() && after.trim_start().starts_with(want_suffix.trim()),
        );
        let distance = hint.start_byte.map_or(0, |p| start.abs_diff(p));
        (std::cmp::Reverse(context), distance)
    };
    (0..candidates.len())
        .min_by_key(|&i| score(&candidates[i]))
        .unwrap_or(0)
}
