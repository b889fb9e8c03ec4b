//! The words around a verb of saying: where a sentence's subject is, where
//! the reported words start after the verb ("tells White that", "told VOA
//! the North ..."), and the quotation just before or after it.

use std::ops::Range;

use super::lexicon::{self, Cue};
use super::mentions::{self, Mention};
use super::quotes::Quotation;
use super::text::Token;

/// The sentence's subject, after any opening conjunction or phrase
/// ("But White ties …", "In 2016, North Korea …").
pub(super) fn sentence_subject(text: &str, t: &[Token]) -> Option<(Mention, usize)> {
    let mut at = 0;
    while at < t.len() && (!t[at].word || lexicon::is(lexicon::OPENERS, &t[at].lower)) {
        at += 1;
    }
    // Skip an opening phrase that ends at a comma within eight words.
    if let Some(comma) = t[at..].iter().take(9).position(|x| x.lower == ",") {
        let lead = &t[at..at + comma];
        if lead
            .first()
            .is_some_and(|x| !x.capital || lexicon::is(LEAD_INS, &x.lower))
        {
            at += comma + 1;
        }
    }
    let first = t.get(at)?;
    if lexicon::is(lexicon::PRONOUNS, &first.lower) {
        return mentions::subject_after(text, t, at).map(|m| (m, at));
    }
    let m = mentions::subject_after(text, t, at)?;
    Some((m, at))
}

/// Words that open a phrase before a sentence's subject ("Following the
/// premiere, the hackers …").
const LEAD_INS: &[&str] = &[
    "in",
    "on",
    "at",
    "after",
    "before",
    "during",
    "when",
    "following",
    "despite",
    "although",
    "as",
    "since",
    "because",
    "while",
    "with",
    "under",
    "for",
    "to",
    "by",
    "from",
    "like",
    "unlike",
    "among",
    "amid",
    "through",
    "throughout",
    "over",
    "early",
    "later",
    "last",
    "once",
    "if",
    "though",
    "occasionally",
    "unsurprisingly",
    "meanwhile",
    "however",
    "today",
    "yesterday",
    "tonight",
    "tomorrow",
    // Spanish, French and German.
    "en",
    "tras",
    "durante",
    "con",
    "desde",
    "para",
    "poco",
    "después",
    "antes",
    "dans",
    "après",
    "pendant",
    "avec",
    "nach",
    "während",
    "mit",
];

pub(super) fn sentence_end(t: &[Token]) -> usize {
    let mut end = t.len();
    while end > 0 && !t[end - 1].word && !super::text::is_closer(&t[end - 1].lower) {
        end -= 1;
    }
    end
}

pub(super) fn span(t: &[Token], start: usize, end: usize) -> Option<Range<usize>> {
    (start < end && end <= t.len()).then(|| t[start].range.start..t[end - 1].range.end)
}

pub(super) fn skip_punct(t: &[Token], mut at: usize) -> usize {
    while at < t.len() && matches!(t[at].lower.as_ref(), "," | ":" | "—" | "--") {
        at += 1;
    }
    at
}

pub(super) fn skip_that(t: &[Token], at: usize) -> usize {
    let at = skip_punct(t, at);
    if t.get(at)
        .is_some_and(|x| matches!(x.lower.as_ref(), "that" | "que" | "dass"))
    {
        at + 1
    } else {
        at
    }
}

/// Where reported words start after a verb: after "that", after an
/// addressee and "that" ("tells White that", "told a Senate subcommittee
/// in 2006 that"), after a colon, or right after the verb when a clause
/// follows it.
pub(super) fn reported_start(t: &[Token], verb_end: usize, cue: Cue) -> Option<usize> {
    let at = verb_end;
    let next = t.get(at)?;
    // "that", and Spanish, Portuguese and French "que", German "dass".
    if matches!(next.lower.as_ref(), "that" | ":" | "que" | "dass") {
        return Some(at + 1);
    }
    // French "qu'il", one word: the clause starts with it.
    if next.lower.starts_with("qu'") {
        return Some(at);
    }
    // German sets the reported clause off by a comma: "Sie sagte, die
    // Brücke werde ...".
    if next.lower == "," && at > 0 && lexicon::foreign_cue(&t[at - 1].lower) {
        return Some(at + 1);
    }
    // "that" after an addressee ("tells White that", "told a Senate
    // subcommittee in 2006 that") or a word or two ("said Monday that");
    // after a preposition, "that" is a determiner ("said during that time").
    if let Some(that) = t[at..]
        .iter()
        .take(11)
        .position(|x| matches!(x.lower.as_ref(), "that" | "que" | "dass"))
    {
        let between = &t[at..at + that];
        // "dijo a CNN que", "a dit à la presse que": Romance "que" is never
        // a determiner, and its addressee comes with "a" or "à".
        let romance = t[at + that].lower != "that";
        // "complained in July that": a time, not a determiner's "that".
        let when = between.len() == 2
            && is_preposition(&between[0].lower)
            && (between[1].capital || between[1].lower.chars().all(|c| c.is_ascii_digit()));
        let short = (between.len() <= 2 && !between.iter().any(|x| is_preposition(&x.lower)))
            || (romance && between.len() <= 5)
            || when;
        if between.iter().all(|x| x.word) && (short || cue.to_someone) {
            return Some(at + that + 1);
        }
    }
    // "asked for full details": a request, the words from "for" on.
    if cue.lemma == "ask" && matches!(next.lower.as_ref(), "for" | "to") {
        return Some(at);
    }
    if cue.lemma == "ask" {
        // "asked you a question, how do you …", "is asking a direct
        // question: How can you …": the asked words, after whom and what.
        let mut k = at;
        while k < t.len() && k < at + 5 && lexicon::is(ASKED, &t[k].lower) {
            k += 1;
        }
        while k < t.len() && matches!(t[k].lower.as_ref(), "," | ":" | "--" | "—") {
            k += 1;
        }
        if k > at
            && t.get(k)
                .is_some_and(|x| x.word && lexicon::is(QUESTION_WORDS, &x.lower))
        {
            return Some(k);
        }
    }
    if cue.to_someone {
        // "told trust members they would get …": an addressee in common
        // words, then a clause that opens with its subject pronoun.
        let pronoun = t[at..]
            .iter()
            .take(4)
            .position(|x| lexicon::is(SUBJECT_PRONOUNS, &x.lower))
            .map(|k| at + k);
        if let Some(k) = pronoun.filter(|&k| {
            k > at
                && t[at..k]
                    .iter()
                    .all(|x| x.word && !is_preposition(&x.lower) && x.lower != "that")
        }) {
            return Some(k);
        }
        // "told VOA the North does not need …": an addressee, then the clause.
        let mut k = at;
        while k < t.len()
            && t[k].word
            && (t[k].capital || lexicon::is(OBJECT_PRONOUNS, &t[k].lower))
        {
            k += 1;
            if lexicon::is(OBJECT_PRONOUNS, &t[k - 1].lower) {
                break;
            }
        }
        return (k > at && k < t.len() && t[k].word && !is_preposition(&t[k].lower)).then_some(k);
    }
    // Their plain object is a thing, not words ("announced a number of
    // other actions", "reported a loss"): only "that" or a colon reports.
    if matches!(
        cue.lemma,
        "write" | "report" | "state" | "add" | "claim" | "announce"
    ) {
        return None;
    }
    // "said during that time, it was not attacked": an opening phrase, then the clause.
    if is_preposition(&next.lower)
        && t[at..]
            .iter()
            .take(6)
            .position(|x| x.lower == ",")
            .is_some_and(|c| t.get(at + c + 1).is_some_and(|x| x.word))
    {
        return Some(at);
    }
    // "said Sony and the theaters had made …": a clause right after the verb.
    (next.word
        && !is_preposition(&next.lower)
        && (!matches!(next.lower.as_ref(), "it" | "so" | "nothing" | "yes" | "no")
            // "said it couldn't answer": "it" as the clause's subject.
            || (next.lower == "it"
                && t.get(at + 1).is_some_and(|x| lexicon::is(AUXILIARIES, &x.lower)))))
    .then_some(at)
}

/// What may stand between "asked" and the question: whom, and "a question".
const ASKED: &[&str] = &[
    "you",
    "me",
    "him",
    "her",
    "them",
    "us",
    "a",
    "the",
    "this",
    "that",
    "direct",
    "question",
    "questions",
    "point",
    "blank",
];

/// Words that open a question.
const QUESTION_WORDS: &[&str] = &[
    "how", "what", "why", "where", "when", "who", "whether", "if", "did", "do", "does", "can",
    "could", "is", "are", "was", "were", "will", "would", "should", "have", "has",
];

/// Pronouns that open a clause as its subject.
const SUBJECT_PRONOUNS: &[&str] = &["they", "he", "she", "we", "it", "i"];

/// Auxiliaries and modals that follow a clause's subject.
pub(super) const AUXILIARIES: &[&str] = &[
    "is", "was", "are", "were", "has", "had", "have", "will", "would", "could", "can", "should",
    "may", "might", "must", "does", "did", "couldn't", "wouldn't", "won't", "can't", "isn't",
    "wasn't", "doesn't", "didn't", "hasn't", "hadn't",
];

/// Pronouns that can be told something.
const OBJECT_PRONOUNS: &[&str] = &["him", "her", "them", "me", "us", "reporters", "journalists"];

pub(super) fn is_preposition(w: &str) -> bool {
    matches!(
        w,
        "to" | "in"
            | "on"
            | "by"
            | "for"
            | "of"
            | "at"
            | "from"
            | "with"
            | "during"
            | "after"
            | "before"
            | "about"
            | "over"
            | "under"
            | "into"
            | "through"
            | "since"
            | "until"
            | "without"
    )
}

/// The quotation that ends right before token `at` (nothing but `,` or
/// spaces between): its words.
pub(super) fn quote_ending_at(
    t: &[Token],
    at: usize,
    quotes: &[Quotation],
) -> Option<Range<usize>> {
    let mut k = at;
    while k > 0 && t[k - 1].lower == "," {
        k -= 1;
    }
    let edge = if k == 0 {
        return None;
    } else {
        t[k - 1].range.end
    };
    quotes
        .iter()
        .find(|q| {
            q.outer.end == edge
                || (q.outer.end <= edge && edge <= q.outer.end + 2 && q.inner.end < edge)
        })
        .map(|q| q.inner.clone())
}

/// The quotations starting at token `at` (after `,` or `:`): one, or a
/// quotation continued in the next paragraphs.
pub(super) fn quoted_after(
    t: &[Token],
    at: usize,
    quotes: &[Quotation],
) -> Option<Vec<Range<usize>>> {
    let start = t.get(at)?.range.start;
    let first = quotes.iter().position(|q| q.outer.start == start)?;
    let mut parts = vec![quotes[first].inner.clone()];
    let mut k = first;
    while quotes[k].open_ended && quotes.get(k + 1).is_some_and(|q| q.continued) {
        k += 1;
        parts.push(quotes[k].inner.clone());
    }
    // "``… on the crap pools''--``the crap pools that are out there
    // now.''", "``They are concerned …,'' and they ``are going to …''": a
    // quotation joined to it in its sentence by a dash or a conjunction
    // goes on with it.
    while let Some(next) = quotes.get(k + 1) {
        let between: Vec<&Token> = t
            .iter()
            .filter(|x| x.range.start >= quotes[k].outer.end && x.range.end <= next.outer.start)
            .collect();
        let joined = match between.first() {
            Some(x) if matches!(x.lower.as_ref(), "--" | "—" | "–") => between.len() == 1,
            // "and they", "but it": a conjunction and a pronoun at most.
            Some(x) if lexicon::is(&["and", "but"], &x.lower) => {
                between.len() <= 2
                    && between[1..]
                        .iter()
                        .all(|x| lexicon::is(&["they", "he", "she", "it", "we", "i"], &x.lower))
            }
            _ => false,
        };
        if !joined || !t.iter().any(|x| x.range.start == next.outer.start) {
            break;
        }
        k += 1;
        parts.push(next.inner.clone());
    }
    Some(parts)
}

pub(super) fn clause_start(t: &[Token], before: usize) -> usize {
    (0..before)
        .rev()
        .find(|&k| matches!(t[k].lower.as_ref(), ";" | "—" | "--"))
        .map_or(0, |k| k + 1)
}

pub(super) fn trim_back(t: &[Token], mut end: usize) -> usize {
    while end > 0 && matches!(t[end - 1].lower.as_ref(), "," | "as" | ";") {
        end -= 1;
    }
    end
}
