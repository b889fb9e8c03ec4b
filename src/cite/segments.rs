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
//! (`brackets.rs`), not reported as a change.

use std::collections::HashSet;

use memchr::memmem;

use crate::text::{floor_char_boundary, quoted};

use super::brackets::{end_separators, meaning_changes, only_glue, Side};
use super::diff::{is_function_word, is_negation, words};
use super::normalize::ELLIPSIS;

/// Most bytes an ellipsis may leave out.
pub const MAX_ELLIPSIS_GAP: usize = 600;
/// Most source words one bracket may stand for.
pub const MAX_BRACKET_WORDS: usize = 4;
/// Most words of an attribution a split quote may cut out ("the engineer
/// said"); a longer gap between quoted parts is an ordinary ellipsis.
pub const MAX_ATTRIBUTION_WORDS: usize = 12;
/// Most occurrences of a quote's first part that are tried.
const MAX_STARTS: usize = 10_000;
/// Most parts (text, ellipses, brackets) a quote may be cut into. A real
/// quotation has a handful; the bound keeps the work and the recursion small.
pub const MAX_PARTS: usize = 32;

/// Bracketed notes that stand for no source words and change none:
/// `[sic]`, `[emphasis added]` and the like (compared case-insensitively).
const EDITORIAL_MARKERS: &[&str] = &[
    "sic",
    "sic!",
    "emphasis added",
    "emphasis mine",
    "emphasis supplied",
    "emphasis in original",
    "emphasis omitted",
    "citation omitted",
    "citations omitted",
    "footnote omitted",
    "footnotes omitted",
    "internal quotation marks omitted",
    "alteration in original",
    "alterations in original",
];

/// A piece of a folded quote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Words that must occur verbatim (after folding).
    Text(String),
    /// `…`, `...`, `. . .`, `[…]`: some words left out.
    Ellipsis,
    /// `[...]`: editorial words standing for the source's.
    Bracket(String),
    /// `[sic]`, `[emphasis added]`: a note that stands for no source words.
    Marker(String),
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
                    let inside = folded[i + 1..i + 1 + close].trim();
                    out.push(if inside == ELLIPSIS.to_string() {
                        Part::Ellipsis
                    } else if EDITORIAL_MARKERS.contains(&inside.to_lowercase().as_str()) {
                        Part::Marker(inside.to_string())
                    } else {
                        Part::Bracket(inside.to_string())
                    });
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
    trim_beside_ellipses(out)
}

/// Punctuation beside an ellipsis belongs to the sentence it cut ("an end.
/// … The next", ". . . ." closing a sentence), and quotation marks there
/// to the quoter's printing of a split quote ("“The river is rising,” …
/// “and the levee”"): both are left out of the parts, which then match the
/// source with or without them. So are the marks at either end of a quote
/// in parts, for the same reason.
fn trim_beside_ellipses(parts: Vec<Part>) -> Vec<Part> {
    let elided = parts.contains(&Part::Ellipsis);
    let is_ellipsis = |p: Option<&Part>| matches!(p, Some(Part::Ellipsis));
    let typography = |c: char| matches!(c, '.' | ',' | ';' | ':' | '"' | '\'') || c.is_whitespace();
    let marks = |c: char| c == '"' || c == '\'';
    let first = parts.iter().position(|p| matches!(p, Part::Text(_)));
    let last = parts.iter().rposition(|p| matches!(p, Part::Text(_)));
    let mut out = Vec::with_capacity(parts.len());
    for (k, part) in parts.iter().enumerate() {
        let Part::Text(t) = part else {
            out.push(part.clone());
            continue;
        };
        let mut t = t.as_str();
        if k > 0 && is_ellipsis(parts.get(k - 1)) {
            t = t.trim_start_matches(typography);
        }
        if is_ellipsis(parts.get(k + 1)) {
            t = t.trim_end_matches(typography);
        }
        if elided && Some(k) == first {
            t = t.trim_start_matches(marks);
        }
        if elided && Some(k) == last {
            t = t.trim_end_matches(marks);
        }
        if !t.is_empty() {
            out.push(Part::Text(t.to_string()));
        }
    }
    out
}

/// True when the quote has separators, so [`find_all`] applies.
pub fn has_separators(parts: &[Part]) -> bool {
    parts.iter().any(|p| !matches!(p, Part::Text(_)))
}

/// A part beside an ellipsis that is too small to mean anything where it
/// is found (only function words or single letters, such as "I" or "of
/// the"): the reason the quote cannot be checked in parts.
pub fn too_small_part(parts: &[Part]) -> Option<String> {
    parts.iter().enumerate().find_map(|(k, p)| {
        let Part::Text(t) = p else { return None };
        let beside = |j: Option<usize>| j.and_then(|j| parts.get(j)) == Some(&Part::Ellipsis);
        if !beside(k.checked_sub(1)) && !beside(Some(k + 1)) {
            return None;
        }
        let small = words(t)
            .iter()
            .all(|w| is_function_word(&w.key) || w.key.chars().count() < 2);
        small.then(|| {
            format!(
                "the part {} beside an ellipsis is too small to check where it is: quote at least one content word on each side",
                quoted(t)
            )
        })
    })
}

/// One way the parts fit the text.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentMatch {
    /// Folded byte ranges of the text parts, in order (and of the source
    /// words a bracket at either end stands for).
    pub spans: Vec<(usize, usize)>,
    /// What the separators stood for, for the report.
    pub notes: Vec<String>,
    /// Why this match must not count as verified (an elided negation...).
    pub objections: Vec<String>,
}

/// The folded text searched, and where its words begin and end.
pub struct Hay<'a> {
    /// The folded text.
    pub text: &'a str,
    /// Whether a folded byte offset is at a word boundary.
    pub boundary: &'a dyn Fn(usize) -> bool,
}

impl Hay<'_> {
    fn whole_words(&self, start: usize, end: usize) -> bool {
        (self.boundary)(start) && (self.boundary)(end)
    }
}

/// Every way the parts occur in the folded text, earliest first.
pub fn find_all(hay: &Hay, parts: &[Part]) -> Vec<SegmentMatch> {
    let Some(first_text) = parts.iter().position(|p| matches!(p, Part::Text(_))) else {
        return Vec::new();
    };
    let last_text = parts
        .iter()
        .rposition(|p| matches!(p, Part::Text(_)))
        .unwrap_or(first_text);
    let (leading, trailing) = (&parts[..first_text], &parts[last_text + 1..]);
    let parts = &parts[first_text..=last_text];
    let Part::Text(first) = &parts[0] else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut dead_ends = HashSet::new();
    for start in memmem::find_iter(hay.text.as_bytes(), first.as_bytes()).take(MAX_STARTS) {
        if !hay.whole_words(start, start + first.len()) {
            continue;
        }
        let mut m = SegmentMatch {
            spans: vec![(start, start + first.len())],
            notes: Vec::new(),
            objections: Vec::new(),
        };
        if extend(hay, parts, 1, &mut m, &mut dead_ends) {
            end_separators(hay.text, leading, Side::Before, &mut m);
            end_separators(hay.text, trailing, Side::After, &mut m);
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
    hay: &Hay,
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
    let window_end = floor_char_boundary(hay.text, cursor + max_gap + text.len());
    let window = &hay.text[cursor..window_end];
    let quoted_before = hay.text[..cursor].ends_with(['"', '\'']);
    for found in memmem::find_iter(window.as_bytes(), text.as_bytes()) {
        let (start, end) = (cursor + found, cursor + found + text.len());
        if !hay.whole_words(start, end) {
            continue;
        }
        let gap = &window[..found];
        let mut attempt = m.clone();
        let quoted_after = text.starts_with(['"', '\'']);
        let before_gap = hay.text[..cursor].chars().next_back();
        if !gap_fits(
            gap,
            elided,
            &brackets,
            (quoted_before, quoted_after),
            before_gap,
            (super::brackets::around(hay.text, cursor, end), hay.text),
            &mut attempt,
        ) {
            continue;
        }
        attempt.spans.push((start, end));
        if extend(hay, parts, from + next_text + 1, &mut attempt, dead_ends) {
            *m = attempt;
            return true;
        }
    }
    dead_ends.insert((from, cursor));
    false
}

/// Whether a gap between two parts fits the separators between them, with
/// what it stood for noted in `m`. `quoted` says whether the part before
/// ends and the part after starts with a quotation mark.
fn gap_fits(
    gap: &str,
    elided: bool,
    brackets: &[&str],
    marks: (bool, bool),
    before_gap: Option<char>,
    context: (&str, &str),
    m: &mut SegmentMatch,
) -> bool {
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
        if let Some(attribution) = attribution(trimmed, marks) {
            m.notes.push(format!(
                "split quote: the source has {} between the parts",
                quoted_text(attribution)
            ));
        } else {
            m.notes.push(match gap_words.len() {
                1 => "ellipsis leaves out 1 word".to_string(),
                n => format!("ellipsis leaves out {n} words"),
            });
        }
        // Leaving out detail is what an ellipsis is for; leaving out who
        // speaks is not (`voices.rs`).
        if m.notes.last().is_some_and(|n| n.starts_with("ellipsis")) {
            if let Some(why) = super::voices::hidden_change_of_voice(trimmed, before_gap) {
                m.objections.push(why);
            }
        }
        // Leaving out "not" turns the meaning over.
        for w in introduced(is_negation) {
            m.objections.push(format!(
                "the ellipsis leaves out the negation {}",
                quoted(&w)
            ));
        }
        // A bracket beside the ellipsis stands for some of the words left
        // out, and may not bring in a negation or a number they lack.
        if !brackets.is_empty() {
            let literal: String = brackets.iter().map(|b| format!("[{b}]")).collect();
            let gap_keys: Vec<String> = gap_words.iter().map(|w| w.key.clone()).collect();
            m.objections.extend(
                meaning_changes(&literal, &bracket_words, &gap_keys)
                    .into_iter()
                    .filter(|o| o.contains(" adds ")),
            );
        }
        return true;
    }
    if brackets.is_empty() {
        // Only markers ("[sic]") between the parts: they stand for nothing.
        return gap_words.is_empty();
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
    if gap_words.is_empty() {
        if only_glue(&bracket_words) {
            m.notes.push(format!(
                "{literal} adds a word of grammar the source has not"
            ));
        } else {
            m.objections.push(format!(
                "{literal} stands for no source words: a bracket may replace words, not add them"
            ));
        }
        return true;
    }
    m.notes
        .push(format!("{literal} stands for {}", quoted(trimmed)));
    let gap_keys: Vec<String> = gap_words.iter().map(|w| w.key.clone()).collect();
    m.objections
        .extend(meaning_changes(&literal, &bracket_words, &gap_keys));
    super::brackets::context_support(&literal, &bracket_words, &gap_keys, context.0, context.1, m);
    true
}

/// The attribution a split quote cuts out: the gap between a part that
/// ends with a closing quotation mark and one that starts with an opening
/// one, holding no quotation mark itself and at most
/// [`MAX_ATTRIBUTION_WORDS`] words (“The river is rising,” the engineer
/// said, “and …”).
fn attribution(gap: &str, (closed_before, opens_after): (bool, bool)) -> Option<&str> {
    let mut inner = gap.trim_start_matches([',', '.', ';', ':', '!', '?']);
    let closed = closed_before || inner.starts_with(['"', '\'']);
    inner = inner.trim_start_matches(['"', '\'']).trim();
    let opens = opens_after || inner.ends_with(['"', '\'']);
    inner = inner.trim_end_matches(['"', '\'']).trim();
    let fits =
        closed && opens && !inner.contains('"') && words(inner).len() <= MAX_ATTRIBUTION_WORDS;
    fits.then_some(inner)
}

fn quoted_text(s: &str) -> String {
    quoted(s.trim_matches(|c: char| c == ',' || c.is_whitespace()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cite::normalize;

    fn find(text: &str, quote: &str) -> Vec<SegmentMatch> {
        let n = normalize(text);
        let boundary = |pos: usize| crate::cite::boundary::is_word_boundary(text, &n, pos);
        let hay = Hay {
            text: &n.text,
            boundary: &boundary,
        };
        find_all(&hay, &parts(&normalize(quote).text))
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
