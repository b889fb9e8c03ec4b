//! Quotes that are not one contiguous run of the source's words.
//!
//! Writers quote with ellipses ("the hackers … transferred the funds"), split
//! a quotation around its attribution ("“During peaceful times,” Thae says,
//! “they can use …”", written here with an ellipsis between the parts), and
//! put editorial words in square brackets ("carefully [moved] from computer
//! to computer"). A folded quote is cut into [`Part`]s; the text parts must
//! occur in order, close together, and what lies between them must fit the
//! separator:
//!
//! - an ellipsis may stand for up to [`MAX_ELLIPSIS_GAP`] bytes of text, but
//!   leaving out a negation is flagged (leaving out detail is what an
//!   ellipsis is for; leaving out "not" turns the meaning over): "the good
//!   guys … win" must not pass for "the good guys do not win";
//! - a bracket matches the same bracketed text, the same words without
//!   brackets, or (holding at most [`MAX_BRACKET_WORDS`] words itself) up to
//!   [`MAX_BRACKET_WORDS`] source words, unless those words
//!   hold a negation or a number the bracket does not.
//!
//! When a quote is not found, the same rule keeps its brackets out of the
//! word diff: brackets at either end are left out of the search, and a
//! middle one that stands for a few source words is named in a note
//! ([`editorial_brackets`]), not reported as a change.

use std::collections::HashSet;

use memchr::memmem;

use super::diff::Change;
use crate::error::quoted;

use super::diff::{is_negation, is_number, words};
use super::normalize::ELLIPSIS;

/// Most bytes an ellipsis may leave out.
pub const MAX_ELLIPSIS_GAP: usize = 600;
/// Most source words one bracket may stand for.
pub const MAX_BRACKET_WORDS: usize = 4;
/// Most occurrences of a quote's first part that are tried.
const MAX_STARTS: usize = 10_000;
/// Most parts (text, ellipses, brackets) a quote may be cut into. A real
/// quotation has a handful; the bound keeps the work and the recursion small.
pub const MAX_PARTS: usize = 32;

/// A piece of a folded quote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Words that must occur verbatim (after folding).
    Text(String),
    /// `…` or `...`: some words left out.
    Ellipsis,
    /// `[...]`: editorial words standing for the source's.
    Bracket(String),
}

/// Cuts a folded quote into parts.
pub fn parts(folded: &str) -> Vec<Part> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut chars = folded.char_indices().peekable();
    let flush = |text: &mut String, out: &mut Vec<Part>| {
        let t = text.trim();
        if !t.is_empty() {
            out.push(Part::Text(t.to_string()));
        }
        text.clear();
    };
    while let Some((i, c)) = chars.next() {
        match c {
            ELLIPSIS => {
                flush(&mut text, &mut out);
                out.push(Part::Ellipsis);
            }
            '[' => match folded[i + 1..].find(']') {
                Some(close) => {
                    flush(&mut text, &mut out);
                    out.push(Part::Bracket(
                        folded[i + 1..i + 1 + close].trim().to_string(),
                    ));
                    while chars.peek().is_some_and(|&(j, _)| j <= i + 1 + close) {
                        chars.next();
                    }
                }
                None => text.push(c),
            },
            _ => text.push(c),
        }
    }
    flush(&mut text, &mut out);
    out
}

/// True when the quote has separators, so [`find_all`] applies.
pub fn has_separators(parts: &[Part]) -> bool {
    parts.iter().any(|p| !matches!(p, Part::Text(_)))
}

/// One way the parts fit the text.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentMatch {
    /// Folded byte ranges of the text parts, in order.
    pub spans: Vec<(usize, usize)>,
    /// What the separators stood for, for the report.
    pub notes: Vec<String>,
    /// Why this match must not count as verified (an elided negation...).
    pub objections: Vec<String>,
    /// Whether a gap looked like an attribution between two quoted parts.
    pub split: bool,
    /// Whether brackets stood for source words.
    pub bracketed: bool,
}

/// Every way the parts occur in `hay` (folded), earliest first.
pub fn find_all(hay: &str, parts: &[Part]) -> Vec<SegmentMatch> {
    // Separators before the first text part or after the last stand for
    // nothing that can be checked; they are left out.
    let Some(first_text) = parts.iter().position(|p| matches!(p, Part::Text(_))) else {
        return Vec::new();
    };
    let last_text = parts
        .iter()
        .rposition(|p| matches!(p, Part::Text(_)))
        .unwrap_or(first_text);
    let parts = &parts[first_text..=last_text];
    let Part::Text(first) = &parts[0] else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut dead_ends = HashSet::new();
    for start in memmem::find_iter(hay.as_bytes(), first.as_bytes()).take(MAX_STARTS) {
        let mut m = SegmentMatch {
            spans: vec![(start, start + first.len())],
            notes: Vec::new(),
            objections: Vec::new(),
            split: false,
            bracketed: false,
        };
        if extend(hay, parts, 1, &mut m, &mut dead_ends) {
            out.push(m);
        }
    }
    out
}

/// Matches `parts[from..]` after `m`'s last span, earliest first.
///
/// Whether the rest can be matched depends only on which part comes next and
/// where the previous one ended, so a (part, cursor) pair that failed once is
/// remembered in `dead_ends` and never explored again. Without that, parts
/// that occur many times made the search exponential in the number of parts
/// (a 6-part quote on a 1 KB text took over a minute); with it, the work is
/// bounded by parts × positions × occurrences in one gap window.
fn extend(
    hay: &str,
    parts: &[Part],
    from: usize,
    m: &mut SegmentMatch,
    dead_ends: &mut HashSet<(usize, usize)>,
) -> bool {
    let rest = &parts[from..];
    let Some(next_text) = rest.iter().position(|p| matches!(p, Part::Text(_))) else {
        return true;
    };
    let separators = &rest[..next_text];
    let Part::Text(text) = &rest[next_text] else {
        return false;
    };
    let cursor = m.spans.last().map_or(0, |s| s.1);
    if dead_ends.contains(&(from, cursor)) {
        return false;
    }
    let elided = separators.contains(&Part::Ellipsis);
    let brackets: Vec<&str> = separators
        .iter()
        .filter_map(|p| match p {
            Part::Bracket(b) => Some(b.as_str()),
            _ => None,
        })
        .collect();
    let max_gap = if elided {
        MAX_ELLIPSIS_GAP
    } else {
        16 * (MAX_BRACKET_WORDS + 1) * brackets.len().max(1)
    };
    let window_end = (cursor + max_gap + text.len()).min(hay.len());
    let mut window_end_boundary = window_end;
    while !hay.is_char_boundary(window_end_boundary) {
        window_end_boundary -= 1;
    }
    let window = &hay[cursor..window_end_boundary];
    for found in memmem::find_iter(window.as_bytes(), text.as_bytes()) {
        let gap = &window[..found];
        let mut attempt = m.clone();
        if !gap_fits(gap, elided, &brackets, &mut attempt) {
            continue;
        }
        attempt
            .spans
            .push((cursor + found, cursor + found + text.len()));
        if extend(hay, parts, from + next_text + 1, &mut attempt, dead_ends) {
            *m = attempt;
            return true;
        }
    }
    dead_ends.insert((from, cursor));
    false
}

fn gap_fits(gap: &str, elided: bool, brackets: &[&str], m: &mut SegmentMatch) -> bool {
    let trimmed = gap.trim();
    let gap_words = words(trimmed);
    let bracket_words: Vec<String> = brackets
        .iter()
        .flat_map(|b| words(b))
        .map(|w| w.key)
        .collect();
    let introduced = |pred: fn(&str) -> bool| {
        gap_words
            .iter()
            .filter(|w| pred(&w.key) && !bracket_words.contains(&w.key))
            .map(|w| w.text.to_string())
            .collect::<Vec<_>>()
    };
    if elided {
        if trimmed.contains('"') {
            m.split = true;
            m.notes.push(format!(
                "split quote: the source has {} between the parts",
                quoted(trimmed)
            ));
        } else {
            m.notes.push(match gap_words.len() {
                1 => "ellipsis leaves out 1 word".to_string(),
                n => format!("ellipsis leaves out {n} words"),
            });
            for w in introduced(is_negation) {
                m.objections.push(format!(
                    "the ellipsis leaves out the negation {}",
                    quoted(&w)
                ));
            }
        }
        return true;
    }
    let literal: String = brackets
        .iter()
        .map(|b| format!("[{b}]"))
        .collect::<Vec<_>>()
        .join(" ");
    if trimmed == literal {
        return true;
    }
    if trimmed == brackets.join(" ") {
        m.notes.push(format!(
            "brackets around the source's own words {}",
            quoted(trimmed)
        ));
        return true;
    }
    if bracket_words.len() > MAX_BRACKET_WORDS * brackets.len()
        || gap_words.len() > MAX_BRACKET_WORDS * brackets.len()
        || (!gap.is_empty() && !gap.starts_with(' ') && !trimmed.is_empty())
    {
        return false;
    }
    m.bracketed = true;
    m.notes
        .push(format!("{literal} stands for {}", quoted(trimmed)));
    for w in introduced(is_negation) {
        m.objections
            .push(format!("{literal} replaces the negation {}", quoted(&w)));
    }
    for w in introduced(is_number) {
        m.objections
            .push(format!("{literal} replaces the number {}", quoted(&w)));
    }
    // Nor may a bracket bring in a negation or a number the source's words
    // lack: "[no one] said" for "he said" is a misquote.
    let gap_keys: Vec<&str> = gap_words.iter().map(|w| w.key.as_str()).collect();
    for (pred, what) in [
        (is_negation as fn(&str) -> bool, "negation"),
        (is_number, "number"),
    ] {
        for w in bracket_words
            .iter()
            .filter(|w| pred(w) && !gap_keys.contains(&w.as_str()))
        {
            m.objections
                .push(format!("{literal} adds the {what} {}", quoted(w)));
        }
    }
    true
}

/// The parts without the brackets that open or close the quote.
pub(super) fn without_end_brackets(parts: &[Part]) -> &[Part] {
    let is_bracket = |p: &Part| matches!(p, Part::Bracket(_));
    let start = parts.iter().take_while(|p| is_bracket(p)).count();
    let end = parts.len()
        - parts[start..]
            .iter()
            .rev()
            .take_while(|p| is_bracket(p))
            .count();
    &parts[start..end]
}

/// In a quote that is not in its source, an editorial bracket that stands
/// for a few source words is what the quoter wrote on purpose, and was
/// accepted as such when the quote was found: it is not a change, and is
/// named in a note instead ("[the minister] stands for "he""). A bracket
/// that stands for more words than a bracket may, or that drops or adds a
/// negation or a number, stays a change.
pub(super) fn editorial_brackets(
    parts: &[Part],
    changes: Vec<Change>,
) -> (Vec<Change>, Vec<String>) {
    let brackets: Vec<String> = parts
        .iter()
        .filter_map(|p| match p {
            Part::Bracket(b) => Some(word_keys(b)),
            _ => None,
        })
        .collect();
    let mut notes = Vec::new();
    let mut kept = Vec::new();
    for change in changes {
        let source_words = super::diff::words(&change.source);
        let bracket_keys = word_keys(&change.quote);
        let quote_words = super::diff::words(&change.quote);
        let introduced = |is: fn(&str) -> bool| {
            source_words.iter().any(|w| is(&w.key)) != quote_words.iter().any(|w| is(&w.key))
        };
        let editorial = !bracket_keys.is_empty()
            && brackets.contains(&bracket_keys)
            && source_words.len() <= MAX_BRACKET_WORDS
            && !introduced(super::diff::is_negation)
            && !introduced(super::diff::is_number);
        if editorial {
            notes.push(format!(
                "[{}] stands for {}",
                change.quote,
                crate::error::quoted(&change.source)
            ));
        } else {
            kept.push(change);
        }
    }
    (kept, notes)
}

/// A text's word keys, joined: what two spellings of the same words share.
fn word_keys(text: &str) -> String {
    super::diff::words(text)
        .iter()
        .map(|w| w.key.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cite::normalize;

    fn find(text: &str, quote: &str) -> Vec<SegmentMatch> {
        find_all(&normalize(text).text, &parts(&normalize(quote).text))
    }

    #[test]
    fn cuts_quotes_into_parts() {
        assert_eq!(
            parts("a b … c [d] e"),
            vec![
                Part::Text("a b".into()),
                Part::Ellipsis,
                Part::Text("c".into()),
                Part::Bracket("d".into()),
                Part::Text("e".into())
            ]
        );
        assert_eq!(
            parts("[He] said"),
            vec![Part::Bracket("He".into()), Part::Text("said".into())]
        );
    }

    #[test]
    fn ellipses_and_brackets() {
        let text = "They carefully moved from computer to computer, and then the good guys do not win at all.";
        assert_eq!(find(text, "carefully [moved] from computer").len(), 1);
        assert_eq!(find(text, "carefully [crept] from computer").len(), 1);
        assert!(find(
            text,
            "carefully [crept across the whole network] from computer"
        )
        .is_empty());
        let m = find(text, "They carefully ... and then the good guys");
        assert!(m[0].objections.is_empty());
        let m = find(text, "the good guys ... win at all");
        assert_eq!(
            m[0].objections,
            vec!["the ellipsis leaves out the negation \"not\""]
        );
        assert!(
            find(text, "win at all … They").is_empty(),
            "parts must be in order"
        );
    }
}
