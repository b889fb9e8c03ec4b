//! The citation checker: find a quote in a source text, or say why not.
//!
//! This layer knows nothing of storage or queries; it is pure functions over
//! strings, so the database, the CLI's `locate` and any research tool call the
//! same code. The walk for one quote:
//!
//! 1. both texts are folded by [`normalize`] (curly quotes, dashes, whitespace),
//!    keeping a map from every folded byte back to the original;
//! 2. the folded quote is searched for in the folded text (memchr's `memmem`,
//!    a SIMD substring search);
//! 3. a match is mapped back to the original text and described as a
//!    [`Location`]: byte and character offsets, line:column, and a little
//!    context either side, as W3C Web Annotation's TextQuoteSelector keeps it;
//! 4. no match gives [`Verdict::NotFound`] with the closest passage, so that a
//!    person sees the source's words beside the quote's.
//!
//! Nothing approximate ever counts as found: a changed number, name or
//! negation leaves the quote not found.

mod closest;
mod normalize;
mod position;

use std::fmt;

use serde::Serialize;
use sha2::{Digest, Sha256};

pub use normalize::{normalize, Normalized};
pub use position::{LineIndex, Position};

/// How many characters of context an anchor keeps on each side.
pub const CONTEXT_CHARS: usize = 32;

/// Where a quote was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
    /// Up to [`CONTEXT_CHARS`] characters before the passage.
    pub prefix: String,
    /// Up to [`CONTEXT_CHARS`] characters after the passage.
    pub suffix: String,
    /// True when the quote is byte for byte the source's text; false when it
    /// matched only after typographic folding.
    pub exact: bool,
    /// How many times the folded quote occurs in the folded text (the first is reported).
    pub occurrences: usize,
}

/// The passage that comes closest to a quote that was not found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Passage {
    /// The source's words, as the original text has them.
    pub text: String,
    /// First byte in the original text.
    pub start_byte: usize,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (characters).
    pub column: usize,
    /// How many of the quote's words the passage holds.
    pub shared_words: usize,
    /// How many words the quote has.
    pub quote_words: usize,
}

/// The outcome of looking for a quote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    /// The quote is in the text.
    Found(Location),
    /// It is not; here is what comes closest, if anything does.
    NotFound {
        /// The passage sharing the most words with the quote.
        closest: Option<Passage>,
    },
}

/// Looks for `quote` in `text`.
///
/// ```
/// use claimdb::cite::{locate, Verdict};
///
/// let text = "He said: “We cannot have a society in which\nsome dictator someplace can start imposing censorship.”";
/// match locate(text, "in which some dictator someplace") {
///     Verdict::Found(at) => {
///         assert_eq!((at.line, at.column), (1, 36));
///         assert!(!at.exact); // the line break was folded to a space
///     }
///     Verdict::NotFound { .. } => unreachable!(),
/// }
/// // A changed word is never found.
/// assert!(matches!(locate(text, "in which no dictator"), Verdict::NotFound { .. }));
/// ```
pub fn locate(text: &str, quote: &str) -> Verdict {
    let folded_text = normalize(text);
    locate_in(text, &folded_text, quote)
}

/// [`locate`] with the text already folded, for checking many quotes against one source.
pub fn locate_in(text: &str, folded_text: &Normalized, quote: &str) -> Verdict {
    let folded_quote = normalize(quote);
    let needle = folded_quote.text.trim();
    if needle.is_empty() || folded_text.text.is_empty() {
        return Verdict::NotFound { closest: None };
    }
    let finder = memchr::memmem::Finder::new(needle.as_bytes());
    let mut hits = finder.find_iter(folded_text.text.as_bytes());
    let Some(first) = hits.next() else {
        return Verdict::NotFound {
            closest: closest_passage(text, folded_text, needle),
        };
    };
    let occurrences = 1 + hits.count();
    let (start, end) = folded_text.original_span(first, first + needle.len());
    Verdict::Found(describe(
        text,
        start,
        end,
        quote.trim() == &text[start..end],
        occurrences,
    ))
}

fn describe(text: &str, start: usize, end: usize, exact: bool, occurrences: usize) -> Location {
    let lines = LineIndex::new(text);
    let from = lines.position(start);
    let to = lines.position(end.saturating_sub(1).max(start));
    let start_char = text[..start].chars().count();
    let prefix: String = {
        let before: Vec<char> = text[..start].chars().rev().take(CONTEXT_CHARS).collect();
        before.into_iter().rev().collect()
    };
    Location {
        start_byte: start,
        end_byte: end,
        start_char,
        end_char: start_char + text[start..end].chars().count(),
        line: from.line,
        column: from.column,
        end_line: to.line,
        prefix,
        suffix: text[end..].chars().take(CONTEXT_CHARS).collect(),
        exact,
        occurrences,
    }
}

fn closest_passage(text: &str, folded_text: &Normalized, needle: &str) -> Option<Passage> {
    let window = closest::closest_window(folded_text, needle)?;
    if window.shared == 0 {
        return None;
    }
    let (start, end) = folded_text.original_span(window.start, window.end);
    let at = LineIndex::new(text).position(start);
    Some(Passage {
        text: text[start..end].to_string(),
        start_byte: start,
        line: at.line,
        column: at.column,
        shared_words: window.shared,
        quote_words: window.quote_words,
    })
}

/// Hex sha256 of a text: recorded with a source and with every anchor, so a
/// changed text is noticed.
pub fn sha256_hex(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Why a claim was refused: its quote is not in its source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CitationReport {
    /// Names the claim for a person: "claim 12 (Moriuchi)" or "new claim by White".
    pub claim: String,
    /// The source searched.
    pub source: String,
    /// The quote as given.
    pub quote: String,
    /// What comes closest in the source, if anything.
    pub closest: Option<Passage>,
}

impl fmt::Display for CitationReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: quote not found in source {:?}\n  quote:   \"{}\"",
            self.claim, self.source, self.quote
        )?;
        match &self.closest {
            Some(p) => write!(
                f,
                "\n  closest: \"{}\"\n           (line {}, column {}; {} of the quote's {} words)",
                p.text.split_whitespace().collect::<Vec<_>>().join(" "),
                p.line,
                p.column,
                p.shared_words,
                p.quote_words
            ),
            None => write!(
                f,
                "\n  closest: nothing in the source shares a word with it"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "The New York Fed stopped most of the requested transfers—but only after $81 million\nhad already been sent.";

    #[test]
    fn exact_quote_is_found_exactly() {
        let Verdict::Found(at) = locate(TEXT, "stopped most of the requested") else {
            panic!("not found")
        };
        assert!(at.exact);
        assert_eq!(
            &TEXT[at.start_byte..at.end_byte],
            "stopped most of the requested"
        );
        assert_eq!((at.line, at.column), (1, 18));
        assert_eq!(at.prefix, "The New York Fed ");
    }

    #[test]
    fn typography_and_line_breaks_are_folded() {
        let Verdict::Found(at) = locate(TEXT, "transfers -- but only after $81 million had") else {
            panic!("not found")
        };
        assert!(!at.exact);
        assert_eq!(at.end_line, 2);
        assert!(TEXT[at.start_byte..at.end_byte].starts_with("transfers—but"));
    }

    #[test]
    fn a_changed_number_is_not_found_but_the_passage_is_shown() {
        let Verdict::NotFound { closest: Some(p) } =
            locate(TEXT, "only after $18 million had already")
        else {
            panic!("misquote verified")
        };
        assert!(p.text.contains("$81 million"), "{p:?}");
        assert_eq!((p.shared_words, p.quote_words), (5, 6));
    }
}
