//! Editorial brackets: what a bracket in a quote may stand for, and what
//! it may never do.
//!
//! A bracket replaces a short run of source words ("[The agency]" for
//! "it"), changes a letter's case (`variants.rs` takes "[T]he" out before
//! the search), or adds a word of grammar the source lacks ("using [their]
//! accomplices"). It may never stand for no source words and add meaning,
//! nor add or drop a negation or a number: "[The minister never] signed",
//! "approved the budget [in 2019]", "The board [did not reject] the plan"
//! are misquotes. A bracket in the middle of a quote is checked against the
//! gap it fills (`segments.rs`); one at either end against the source
//! words just before or after the quote, here.

use super::diff::{is_function_word, is_negation, is_number, words, Change};
use super::segments::{Part, SegmentMatch, MAX_BRACKET_WORDS};
use crate::text::{floor_char_boundary, quoted};

/// Words a bracket may add where the source has none ("using [their]
/// accomplices"): the glue of grammar, never a name, number, negation,
/// quantifier or modal ("[some]", "[may]"), which would add meaning.
const GLUE_WORDS: &[&str] = &[
    "a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "with", "from", "as", "and", "or",
    "that", "this", "these", "those", "it", "its", "is", "are", "was", "were", "be", "been", "has",
    "have", "had", "their", "they", "them", "he", "him", "his", "she", "her", "we", "our", "us",
    "you", "your", "i", "me", "my", "which", "who", "whom",
];

/// Whether a bracket that stands for no source words only adds glue.
pub(super) fn only_glue(bracket_words: &[String]) -> bool {
    !bracket_words.is_empty()
        && bracket_words
            .iter()
            .all(|w| GLUE_WORDS.contains(&w.as_str()))
}

/// What a bracket's words change in the source words they stand for: a
/// negation or a number dropped or added ("[no one] said" for "he said").
pub(super) fn meaning_changes(literal: &str, bracket: &[String], source: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for (pred, what) in [
        (is_negation as fn(&str) -> bool, "negation"),
        (is_number, "number"),
    ] {
        for w in source.iter().filter(|w| pred(w) && !bracket.contains(w)) {
            out.push(format!("{literal} replaces the {what} {}", quoted(w)));
        }
        for w in bracket.iter().filter(|w| pred(w) && !source.contains(w)) {
            out.push(format!("{literal} adds the {what} {}", quoted(w)));
        }
    }
    out
}

/// Which end of the quote a separator stands at.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Side {
    Before,
    After,
}

/// Separators before the first text part or after the last: an ellipsis
/// or a marker stands for nothing to check; a bracket stands for the
/// source words just before (or after) the quote, at most
/// [`MAX_BRACKET_WORDS`] of them within the sentence, and may not add a
/// negation or a number to them, nor stand for no words at all ("[The
/// minister never] signed the order" at the start of a text).
pub(super) fn end_separators(hay: &str, separators: &[Part], side: Side, m: &mut SegmentMatch) {
    let (start, end) = (m.spans[0].0, m.spans[m.spans.len() - 1].1);
    for part in separators {
        let Part::Bracket(bracket) = part else {
            continue;
        };
        let literal = format!("[{bracket}]");
        let neighbours = match side {
            Side::Before => hay[..start].trim_end(),
            Side::After => hay[end..].trim_start(),
        };
        let as_written = match side {
            Side::Before => {
                neighbours.ends_with(&literal) || neighbours.ends_with(bracket.as_str())
            }
            Side::After => {
                neighbours.starts_with(&literal) || neighbours.starts_with(bracket.as_str())
            }
        };
        if as_written {
            continue;
        }
        let bracket_keys: Vec<String> = words(bracket).into_iter().map(|w| w.key).collect();
        let candidates = sentence_words(neighbours, side);
        if candidates.is_empty() && only_glue(&bracket_keys) {
            m.notes.push(format!(
                "{literal} adds a word of grammar the source has not"
            ));
            continue;
        }
        if side == Side::Before {
            if let Some(pronoun) = referent_named_before(hay, start, &candidates, &bracket_keys) {
                m.notes.push(format!(
                    "{literal} stands for {}, naming what the source names just before",
                    quoted(&pronoun)
                ));
                continue;
            }
        }
        if bracket_keys.len() > MAX_BRACKET_WORDS || candidates.is_empty() {
            m.objections.push(format!(
                "{literal} stands for no source words {} the quote: a bracket may replace words, not add them",
                if side == Side::Before { "before" } else { "after" }
            ));
            continue;
        }
        // The fewest source words the bracket can stand for without a change of meaning.
        let fits = (1..=candidates.len()).find_map(|k| {
            let taken = match side {
                Side::Before => &candidates[candidates.len() - k..],
                Side::After => &candidates[..k],
            };
            let keys: Vec<String> = taken.iter().map(|(_, w)| w.clone()).collect();
            meaning_changes(&literal, &bracket_keys, &keys)
                .is_empty()
                .then_some(taken)
        });
        match fits {
            Some(taken) => {
                let text = taken
                    .iter()
                    .map(|(w, _)| w.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                m.notes
                    .push(format!("{literal} stands for {}", quoted(&text)));
                let replaced: Vec<String> = taken.iter().map(|(_, k)| k.clone()).collect();
                let nearby = around(hay, start, end);
                context_support(&literal, &bracket_keys, &replaced, nearby, hay, m);
            }
            None => {
                let nearest = match side {
                    Side::Before => &candidates[candidates.len() - 1..],
                    Side::After => &candidates[..1],
                };
                let keys: Vec<String> = nearest.iter().map(|(_, w)| w.clone()).collect();
                m.objections
                    .extend(meaning_changes(&literal, &bracket_keys, &keys));
            }
        }
    }
}

/// How far around a passage (folded bytes) a bracket's words are looked
/// for in the source.
const CONTEXT_REACH: usize = 600;

/// The source around the passage `start..end`, [`CONTEXT_REACH`] bytes on
/// each side.
pub(super) fn around(hay: &str, start: usize, end: usize) -> &str {
    let from = floor_char_boundary(hay, start.saturating_sub(CONTEXT_REACH));
    &hay[from..floor_char_boundary(hay, end + CONTEXT_REACH)]
}

/// Whether the words a bracket puts in are the source's. A bracket for a
/// pronoun or a word of grammar names a referent: the source must name it
/// so (the bracket's words after its article, in order) within
/// [`CONTEXT_REACH`] bytes of the passage ("[Clinton] made" for "he made"
/// with Clinton named a sentence before); named only elsewhere in the
/// source, it verifies flagged for review; named nowhere, it is refused as
/// adding meaning ("[the journalists] said" for "they said" in a text
/// that never names journalists). A bracket that rewords the source's own
/// words ("[crept]" for "moved") in words the source does not use nearby
/// verifies flagged for review. A flag is a note that begins "review:",
/// saying which words and why.
pub(super) fn context_support(
    literal: &str,
    bracket_keys: &[String],
    replaced: &[String],
    nearby: &str,
    whole: &str,
    m: &mut SegmentMatch,
) {
    let meaning: Vec<&String> = bracket_keys
        .iter()
        .filter(|k| !is_function_word(k) && !is_number(k) && !replaced.contains(k))
        .collect();
    if meaning.is_empty() {
        return;
    }
    let near: Vec<String> = words(nearby).into_iter().map(|w| w.key).collect();
    let source_words = replaced.join(" ");
    if replaced.iter().all(|k| is_function_word(k)) {
        // A pronoun's referent: named near the passage, as the bracket
        // names it; or named elsewhere in the source (flagged); or not.
        let phrase = named(bracket_keys);
        if holds_run(&near, phrase) {
            return;
        }
        let all: Vec<String> = words(whole).into_iter().map(|w| w.key).collect();
        if holds_run(&all, phrase) {
            m.notes.push(format!(
                "review: {literal} stands for {}, naming what the source names only far from the passage: check that it is whom the passage means",
                quoted(&source_words)
            ));
        } else {
            m.objections.push(format!(
                "{literal} names what the source does not: {} stands for no one the source names so",
                quoted(&source_words)
            ));
        }
        return;
    }
    // The source's words reworded: in words it uses nearby, or flagged.
    let missing: Vec<&str> = meaning
        .iter()
        .filter(|k| !near.contains(k))
        .map(|k| k.as_str())
        .collect();
    if !missing.is_empty() {
        m.notes.push(format!(
            "review: {literal} stands for {} in words the source does not use near the passage ({}): check that they mean the same",
            quoted(&source_words),
            missing.join(", ")
        ));
    }
}

/// Pronouns a bracket may name the referent of.
const PRONOUNS: &[&str] = &[
    "it", "they", "this", "these", "those", "that", "he", "she", "we", "them", "him", "her",
];

/// How far back (folded bytes) the referent of a bracketed pronoun is looked for.
const REFERENT_REACH: usize = 600;

/// `[Rents and energy prices] rose.` for `They rose.`: when the word the
/// bracket replaces is a pronoun, and every word of the bracket that
/// carries meaning (a content word, a number) stands in the source within
/// [`REFERENT_REACH`] bytes before it, with no negation added, the bracket
/// names the referent, however long. The pronoun, if so.
fn referent_named_before(
    hay: &str,
    start: usize,
    candidates: &[(String, String)],
    bracket_keys: &[String],
) -> Option<String> {
    let (pronoun, key) = candidates.last()?;
    if !PRONOUNS.contains(&key.as_str()) || bracket_keys.iter().any(|k| is_negation(k)) {
        return None;
    }
    let from = floor_char_boundary(hay, start.saturating_sub(REFERENT_REACH));
    let before: Vec<String> = words(&hay[from..start])
        .into_iter()
        .map(|w| w.key)
        .collect();
    holds_run(&before, named(bracket_keys)).then(|| pronoun.clone())
}

/// A bracket's name for something: its words after any leading article
/// or determiner ("[The market for Treasury securities]" names "market for
/// treasury securities").
fn named(bracket_keys: &[String]) -> &[String] {
    let lead = bracket_keys
        .iter()
        .take_while(|k| is_function_word(k))
        .count();
    &bracket_keys[lead..]
}

/// Whether `keys` hold `run` as consecutive words.
fn holds_run(keys: &[String], run: &[String]) -> bool {
    !run.is_empty() && keys.windows(run.len()).any(|w| w == run)
}

/// Up to [`MAX_BRACKET_WORDS`] words of `text` nearest the quote (its end
/// for [`Side::Before`], its start for [`Side::After`]) that lie in the
/// quote's sentence and clause: as written, and as keys.
fn sentence_words(text: &str, side: Side) -> Vec<(String, String)> {
    let stops =
        |w: &str| w.ends_with(['.', '!', '?', ':', ';', '"', '\'']) || w.starts_with(['"', '\'']);
    let mut out: Vec<(String, String)> = Vec::new();
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let ordered: Box<dyn Iterator<Item = &&str>> = match side {
        Side::Before => Box::new(tokens.iter().rev()),
        Side::After => Box::new(tokens.iter()),
    };
    for token in ordered {
        if out.len() == MAX_BRACKET_WORDS {
            break;
        }
        // Before the quote, a word that ends a sentence is not in it;
        // after it, the word that ends the sentence still is.
        if side == Side::Before && stops(token) {
            break;
        }
        let Some(w) = words(token).into_iter().next() else {
            break;
        };
        out.push((token.to_string(), w.key));
        if side == Side::After && stops(token) {
            break;
        }
    }
    if side == Side::Before {
        out.reverse();
    }
    out
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
                crate::text::quoted(&change.source)
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
