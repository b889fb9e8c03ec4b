//! The citation checker: find a quote in a source text, or say precisely why not.
//!
//! This layer knows nothing of storage or queries; it is pure functions over
//! strings, so the database, `claimdb locate` and any research tool call the
//! same code ([`locate`]). The walk for one quote:
//!
//! 1. both texts are folded by [`normalize`] (Unicode NFC and compatibility
//!    characters, quotation marks of many languages, dashes, ellipses,
//!    whitespace, hyphenation, footnote markers in the source), keeping a
//!    map from every folded byte back to the original and the rules that
//!    produced it;
//! 2. the quote is tried in each of its forms (`variants.rs`): as written,
//!    without quotation marks the quoter put around all of it, with its
//!    inner marks turned, with a bracketed change of case taken out;
//! 3. exact: the folded form is searched for in the folded text with
//!    memchr's SIMD `memmem`, and kept only where it starts and ends at a
//!    word boundary (`boundary.rs`: "$8" is not in "$81");
//! 4. a quote with ellipses or editorial brackets is cut into parts that must
//!    occur in order, close together, with what lies between them fitting
//!    the separator (`segments.rs`): an ellipsis may not leave out a
//!    negation, a bracket may not add or drop one, nor a number, nor stand
//!    for no words at all; a split quote is told from an ellipsis by the
//!    attribution between its quoted parts;
//! 5. where the quote occurs more than once, a [`Hint`] (the prefix, suffix
//!    and position an earlier anchor stored, as W3C Web Annotation's
//!    TextQuoteSelector and TextPositionSelector do) picks the occurrence;
//! 6. only when all that fails, approximate anchoring (`approx.rs`) finds the
//!    closest passage, and a word diff (`diff.rs`) says what differs: a
//!    number, a name, a negation, a content word, the word order, or only
//!    punctuation and case.
//!
//! The verdict is [`Verdict::Exact`] or [`Verdict::Normalized`] (both
//! verified) or [`Verdict::Approximate`] or [`Verdict::NotFound`] (neither
//! ever counts as verified, whatever the score).

mod approx;
mod boundary;
mod brackets;
mod diff;
mod fold;
mod furniture;
mod hint;
mod keys;
mod normalize;
mod report;
mod segments;
mod unfold;
mod variants;
mod voices;

use serde::{Deserialize, Serialize};

pub use crate::text::{LineIndex, Position};
pub use diff::{Change, ChangeKind};
use hint::choose;
pub use hint::Hint;

/// The byte ranges of a text that are page furniture (a transcript's line
/// numbers, page numbers, running heads and feet, footnotes printed
/// between rules: `furniture.rs`), in order: what a quote leaves out, and
/// what attribution reads past.
pub fn page_furniture(text: &str) -> Vec<std::ops::Range<usize>> {
    furniture::furniture(text)
}
pub use keys::{fold_for_search, fold_key, search_words, sha256_hex};
pub use normalize::{normalize, normalize_source, Normalized, Rule};
pub use report::{write_findings, CitationReport};
pub use unfold::Unfold;

/// The longest quote a claim may carry (bytes). A quotation is a passage,
/// not a document: 64 KiB is some ten thousand words.
pub const MAX_QUOTE_BYTES: usize = 64 * 1024;

/// How many characters of context an anchor keeps on each side.
pub const CONTEXT_CHARS: usize = 32;

/// A passage at least this similar (1 - edits / length) is reported as an
/// approximate match rather than as not found.
pub const APPROXIMATE_THRESHOLD: f64 = 0.75;

/// The outcome of a citation check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Verdict {
    /// The quote is, byte for byte, the source's text. Verified.
    Exact,
    /// The quote is the source's words once typography, whitespace,
    /// ellipses or editorial brackets are accounted for. Verified.
    Normalized,
    /// A passage is close, but differs: never verified.
    Approximate,
    /// Nothing in the source is close.
    NotFound,
}

impl Verdict {
    /// Exact and Normalized verify; nothing else does.
    pub fn is_verified(self) -> bool {
        matches!(self, Verdict::Exact | Verdict::Normalized)
    }

    /// The name reports use.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Exact => "exact",
            Verdict::Normalized => "normalized",
            Verdict::Approximate => "approximate",
            Verdict::NotFound => "not found",
        }
    }
}

/// Where a quote (or the passage closest to it) lies in the original text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// First byte in the original text.
    pub start_byte: usize,
    /// One past the last byte.
    pub end_byte: usize,
    /// First character (Unicode scalar) in the original text.
    pub start_char: usize,
    /// One past the last character.
    pub end_char: usize,
    /// 1-based line of the first character.
    pub line: usize,
    /// 1-based column (characters) of the first character.
    pub column: usize,
    /// 1-based line of the last character.
    pub end_line: usize,
    /// 1-based column of the last character.
    pub end_column: usize,
    /// Up to [`CONTEXT_CHARS`] characters before the passage.
    pub prefix: String,
    /// Up to [`CONTEXT_CHARS`] characters after the passage.
    pub suffix: String,
    /// For a quote in parts (ellipses, brackets): the original byte range of
    /// each part. One range for a plain quote.
    pub segments: Vec<(usize, usize)>,
    /// The passage as the original text has it.
    pub text: String,
}

/// The full result of checking one quote against one text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Citation {
    /// The verdict.
    pub verdict: Verdict,
    /// Where the quote is (verified), or the closest passage (approximate,
    /// not found). `None` when nothing shares a word with the quote.
    pub location: Option<Location>,
    /// For [`Verdict::Normalized`]: the foldings the match needed.
    pub normalizations: Vec<Rule>,
    /// 1 for a verified quote; otherwise the closest passage's similarity.
    pub score: f64,
    /// How many times the quote occurs (verified quotes); the hint chose among them.
    pub occurrences: usize,
    /// What differs between the quote and the closest passage, word by word.
    pub changes: Vec<Change>,
    /// Remarks for a person: what an ellipsis or bracket stood for, why a
    /// match was not accepted.
    pub notes: Vec<String>,
    /// Whether the quote is the source's words only with editorial changes
    /// (ellipses, brackets, a split around an attribution, a change of
    /// case): a verified quote "with edits", each listed in `notes`.
    pub edited: bool,
}

impl Citation {
    /// Exact or normalized.
    pub fn is_verified(&self) -> bool {
        self.verdict.is_verified()
    }

    /// The result for a quote that could not be checked: its source holds no text.
    pub fn without_text() -> Citation {
        Citation {
            notes: vec!["the source holds no text to check against".into()],
            ..not_found()
        }
    }

    /// One line per word change, then the notes: what a report lists.
    pub fn findings(&self) -> Vec<String> {
        self.changes
            .iter()
            .map(Change::describe)
            .chain(self.notes.iter().cloned())
            .collect()
    }
}

/// Checks `quote` against `text`.
///
/// ```
/// use claimdb::cite::{locate, Verdict, ChangeKind};
///
/// let text = "He said: “We cannot have a society in which\nsome dictator someplace can start imposing censorship.”";
/// let found = locate(text, "in which some dictator someplace");
/// assert_eq!(found.verdict, Verdict::Normalized); // the line break was folded to a space
/// let at = found.location.unwrap();
/// assert_eq!((at.line, at.column, at.end_line), (1, 36, 2));
///
/// // A changed word is never verified, and the report says what changed.
/// let misquote = locate(text, "We can have a society in which some dictator");
/// assert!(!misquote.is_verified());
/// assert_eq!(misquote.changes[0].source, "cannot");
/// assert!(misquote.changes[0].kinds.contains(&ChangeKind::Negation));
/// ```
pub fn locate(text: &str, quote: &str) -> Citation {
    locate_with(text, &normalize_source(text), quote, None)
}

/// [`locate`] with the text already folded (to check many quotes against one
/// source) and an optional [`Hint`] to choose among repeated passages.
pub fn locate_with(text: &str, folded: &Normalized, quote: &str, hint: Option<&Hint>) -> Citation {
    if quote.len() > MAX_QUOTE_BYTES {
        return refused(format!(
            "the quote is {} bytes long, over the limit of {}: it was not checked",
            quote.len(),
            crate::text::human_bytes(MAX_QUOTE_BYTES)
        ));
    }
    let folded_quote = normalize(quote.trim());
    let needle = folded_quote.text.trim();
    let quote_rules = folded_quote.rules_in(0, folded_quote.text.len());
    if needle.is_empty() || folded.text.is_empty() {
        return not_found();
    }
    let boundary = |pos: usize| boundary::is_word_boundary(text, folded, pos);
    let hay = segments::Hay {
        text: &folded.text,
        boundary: &boundary,
    };
    let forms = variants::variants(needle);
    let mut objected: Option<Citation> = None;
    let mut too_small: Option<String> = None;
    for form in &forms {
        // 1. The whole quote, at word boundaries.
        let candidates: Vec<Vec<(usize, usize)>> =
            memchr::memmem::find_iter(folded.text.as_bytes(), form.text.as_bytes())
                .map(|s| (s, s + form.text.len()))
                .filter(|&(s, e)| boundary(s) && boundary(e))
                .filter(|&(s, e)| holds_markers(text, folded, (s, e), &form.markers))
                .map(|span| vec![span])
                .collect();
        if !candidates.is_empty() {
            let chosen = choose(text, folded, &candidates, hint);
            let mut c = verified(
                text,
                folded,
                &candidates[chosen],
                quote,
                quote_rules,
                candidates.len(),
                form.notes.clone(),
            );
            c.edited = form.edited;
            return c;
        }
        // 2. A quote in parts (one that keeps reference markers is
        // checked whole only).
        if !form.markers.is_empty() {
            continue;
        }
        let parts = segments::parts(&form.text);
        if parts.len() > segments::MAX_PARTS {
            return refused(format!(
                "the quote has {} parts (text, ellipses and brackets); at most {} are checked",
                parts.len(),
                segments::MAX_PARTS
            ));
        }
        if !segments::has_separators(&parts) {
            continue;
        }
        if let Some(reason) = segments::too_small_part(&parts) {
            too_small.get_or_insert(reason);
            continue;
        }
        let matches = segments::find_all(&hay, &parts);
        let clean: Vec<&segments::SegmentMatch> =
            matches.iter().filter(|m| m.objections.is_empty()).collect();
        if !clean.is_empty() {
            let spans: Vec<Vec<(usize, usize)>> = clean.iter().map(|m| m.spans.clone()).collect();
            let chosen = choose(text, folded, &spans, hint);
            let m = clean[chosen];
            let mut notes = form.notes.clone();
            notes.extend(m.notes.iter().cloned());
            let mut c = verified(
                text,
                folded,
                &m.spans,
                quote,
                quote_rules,
                clean.len(),
                notes,
            );
            c.edited = true;
            return c;
        }
        if let (None, Some(m)) = (&objected, matches.first()) {
            // The parts are there, but what the ellipsis or bracket hides
            // (or adds) matters.
            let (start, end) = (m.spans[0].0, m.spans[m.spans.len() - 1].1);
            let mut notes = form.notes.clone();
            notes.extend(m.notes.iter().cloned());
            notes.extend(m.objections.iter().cloned());
            let unseparated = joined_text(&parts);
            let passage = &folded.text[start..end];
            let changes = word_changes(&unseparated, passage);
            objected = Some(Citation {
                verdict: Verdict::Approximate,
                location: Some(describe(text, folded, &[(start, end)])),
                normalizations: Vec::new(),
                score: word_similarity(&unseparated, passage, &changes),
                occurrences: 0,
                changes,
                notes,
                edited: true,
            });
        }
    }
    if let Some(c) = objected {
        return c;
    }
    // 3. Nothing verified: how close does the text come? Brackets at either
    // end stand for words outside the passage (as when the quote is found
    // exactly), so the passage is searched for without them.
    let primary = &forms[0].text;
    let parts = segments::parts(primary);
    let inner = brackets::without_end_brackets(&parts);
    let searchable = if segments::has_separators(&parts) {
        joined_text(inner)
    } else {
        primary.to_string()
    };
    let mut c = match approx::approximate(&folded.text, &searchable) {
        Some(a) if a.end > a.start => {
            let passage = &folded.text[a.start..a.end];
            let (mut changes, notes) =
                brackets::editorial_brackets(inner, word_changes(&searchable, passage));
            if changes.is_empty() {
                changes = diff::punctuation_changes(&searchable, passage);
            }
            let score = if notes.is_empty() {
                a.similarity.max(0.0)
            } else {
                word_similarity(&searchable, passage, &changes)
            };
            let verdict = if score >= APPROXIMATE_THRESHOLD {
                Verdict::Approximate
            } else {
                Verdict::NotFound
            };
            Citation {
                verdict,
                location: Some(describe(text, folded, &[(a.start, a.end)])),
                normalizations: Vec::new(),
                score,
                occurrences: 0,
                changes,
                notes,
                edited: false,
            }
        }
        _ => not_found(),
    };
    c.notes.extend(too_small);
    c
}

/// Whether a quote carries editorial changes (ellipses, brackets, a
/// split): what makes a verified quote one "with edits".
pub fn has_edits(quote: &str) -> bool {
    let folded = normalize(quote.trim());
    segments::has_separators(&segments::parts(folded.text.trim()))
}

/// Whether the source's passage at `span` (folded), or the few bytes after
/// it, holds each reference marker the quote kept, as written.
fn holds_markers(
    text: &str,
    folded: &Normalized,
    span: (usize, usize),
    markers: &[String],
) -> bool {
    if markers.is_empty() {
        return true;
    }
    let (start, end) = folded.original_span(span.0, span.1);
    let passage = &text[start..crate::text::floor_char_boundary(text, end + 24)];
    markers.iter().all(|m| passage.contains(m.as_str()))
}

/// Not checked at all, for the reason given.
fn refused(note: String) -> Citation {
    Citation {
        notes: vec![note],
        ..not_found()
    }
}

fn not_found() -> Citation {
    Citation {
        verdict: Verdict::NotFound,
        location: None,
        normalizations: Vec::new(),
        score: 0.0,
        occurrences: 0,
        changes: Vec::new(),
        notes: vec!["no passage of the source shares a word with the quote".into()],
        edited: false,
    }
}

/// The quote's words without its separators (bracketed words kept), for
/// approximate matching and word diffs.
fn joined_text(parts: &[segments::Part]) -> String {
    parts
        .iter()
        .filter_map(|p| match p {
            segments::Part::Text(t) | segments::Part::Bracket(t) => Some(t.as_str()),
            segments::Part::Ellipsis | segments::Part::Marker(_) => None,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Word-level similarity: the share of words the two have in common, in order.
fn word_similarity(quote: &str, passage: &str, changes: &[Change]) -> f64 {
    let total = diff::words(quote)
        .len()
        .max(diff::words(passage).len())
        .max(1);
    let changed: usize = changes
        .iter()
        .map(|c| {
            c.quote
                .split_whitespace()
                .count()
                .max(c.source.split_whitespace().count())
        })
        .sum();
    (total.saturating_sub(changed)) as f64 / total as f64
}

fn word_changes(quote: &str, passage: &str) -> Vec<Change> {
    diff::diff_words(&diff::words(quote), &diff::words(passage))
}

fn verified(
    text: &str,
    folded: &Normalized,
    spans: &[(usize, usize)],
    quote: &str,
    quote_rules: u16,
    occurrences: usize,
    notes: Vec<String>,
) -> Citation {
    let location = describe(text, folded, spans);
    let exact = spans.len() == 1 && location.text == quote.trim() && notes.is_empty();
    let source_rules = spans
        .iter()
        .fold(0, |acc, &(s, e)| acc | folded.rules_in(s, e));
    let mut differing = source_rules ^ quote_rules;
    if differing == 0 && !exact {
        differing = source_rules | quote_rules;
    }
    Citation {
        verdict: if exact {
            Verdict::Exact
        } else {
            Verdict::Normalized
        },
        location: Some(location),
        normalizations: if exact {
            Vec::new()
        } else {
            Rule::from_bits(differing)
        },
        score: 1.0,
        occurrences,
        changes: Vec::new(),
        notes,
        edited: false,
    }
}

/// Describes folded spans as a [`Location`] in the original text.
fn describe(text: &str, folded: &Normalized, spans: &[(usize, usize)]) -> Location {
    let segments: Vec<(usize, usize)> = spans
        .iter()
        .map(|&(s, e)| folded.original_span(s, e))
        .collect();
    let (start, end) = (segments[0].0, segments[segments.len() - 1].1);
    let from = crate::text::position_of(text, start);
    let to = crate::text::position_of(text, end.saturating_sub(1).max(start));
    let start_char = text[..start].chars().count();
    let before: Vec<char> = text[..start].chars().rev().take(CONTEXT_CHARS).collect();
    Location {
        start_byte: start,
        end_byte: end,
        start_char,
        end_char: start_char + text[start..end].chars().count(),
        line: from.line,
        column: from.column,
        end_line: to.line,
        end_column: to.column,
        prefix: before.into_iter().rev().collect(),
        suffix: text[end..].chars().take(CONTEXT_CHARS).collect(),
        segments,
        text: text[start..end].to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "The New York Fed stopped most of the requested transfers—but only after $81 million\nhad already been sent.";

    #[test]
    fn exact_quote_is_found_exactly() {
        let c = locate(TEXT, "stopped most of the requested");
        assert_eq!(c.verdict, Verdict::Exact);
        let at = c.location.unwrap();
        assert_eq!(
            &TEXT[at.start_byte..at.end_byte],
            "stopped most of the requested"
        );
        assert_eq!((at.line, at.column), (1, 18));
        assert_eq!(at.prefix, "The New York Fed ");
    }

    #[test]
    fn typography_and_line_breaks_are_folded_and_named() {
        let c = locate(TEXT, "transfers -- but only after $81 million had");
        assert_eq!(c.verdict, Verdict::Normalized);
        assert_eq!(c.normalizations, vec![Rule::Dashes, Rule::Whitespace]);
        let at = c.location.unwrap();
        assert_eq!(at.end_line, 2);
        assert!(at.text.starts_with("transfers—but"));
    }

    #[test]
    fn a_changed_number_is_approximate_with_the_change_named() {
        let c = locate(TEXT, "only after $18 million had already");
        assert_eq!(c.verdict, Verdict::Approximate);
        assert!(c.location.unwrap().text.contains("$81 million"));
        assert_eq!(c.changes.len(), 1);
        assert_eq!(
            (c.changes[0].quote.as_str(), c.changes[0].source.as_str()),
            ("$18", "$81")
        );
        assert!(c.changes[0].kinds.contains(&ChangeKind::Number));
    }
}
