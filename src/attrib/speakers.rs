//! Where a verb of saying finds its speaker when the subject is not just
//! before it: a passive's agent after it ("was told by Mike Young, the
//! then director, that …"), the noun a participle qualifies ("the customer
//! asking you …"), the subject after the verb and the words ("…, sagt der
//! Philosoph Richard David Precht"), a second predicate's subject at the
//! sentence's start ("… praised Sessions, and then suggested …"). Each
//! answers for one verb of one sentence (`speech::verb` asks).

use std::ops::Range;

use super::clauses::{quote_ending_at, reported_start, sentence_subject, span};
use super::lexicon::{self, Cue};
use super::mentions::{self, Mention};
use super::quotes::Quotation;
use super::speech::{is_not_speaker, COORDINATORS, MODALS};
use super::text::Token;

/// The agent of a passive verb of saying ("was told by the minister,
/// a former engineer, that"), with the index of the "that" after it.
pub(super) fn passive_agent(
    text: &str,
    t: &[Token],
    v: usize,
    verb_end: usize,
) -> Option<(Mention, usize)> {
    if !is_passive(t, v) || t.get(verb_end)?.lower != "by" {
        return None;
    }
    let agent = mentions::subject_after(text, t, verb_end + 1)?;
    if !agent.proper || lexicon::is(lexicon::PRONOUNS, &agent.name.to_lowercase()) {
        return None;
    }
    // Past the agent and an appositive set off by commas, to "that".
    let mut at = t.partition_point(|x| x.range.start < agent.range.end);
    if t.get(at).is_some_and(|x| x.lower == ",") {
        at = (at + 1..t.len().min(at + 16)).find(|&j| t[j].lower == ",")? + 1;
    }
    (t.get(at)?.lower == "that").then_some((agent, at))
}

/// Whether the verb at `v` is a passive participle ("was told", "were
/// not asked").
pub(super) fn is_passive(t: &[Token], v: usize) -> bool {
    let Some(mut k) = v.checked_sub(1) else {
        return false;
    };
    if k > 0 && lexicon::is(&["not", "never"], &t[k].lower) {
        k -= 1;
    }
    lexicon::is(
        &["was", "were", "been", "being", "is", "are", "be"],
        &t[k].lower,
    ) && (t[v].lower.ends_with("ed") || t[v].lower == "told")
}

/// The noun phrase before a participle of saying that qualifies it ("the
/// customer asking you …", "a spokesman saying that …"), with where the
/// words it reports start.
pub(super) fn after_noun(
    text: &str,
    t: &[Token],
    v: usize,
    verb_end: usize,
    cue: Cue,
) -> Option<(Mention, usize)> {
    let before = t.get(v.checked_sub(1)?)?;
    if !before.word || before.capital || super::clauses::is_preposition(&before.lower) {
        return None;
    }
    let (subject, start) = mentions::noun_phrase_ending(text, t, v)?;
    let article = t
        .get(start)
        .is_some_and(|x| lexicon::is(&["the", "a", "an", "this", "that"], &x.lower));
    if !article || subject.proper || is_not_speaker(&subject) {
        return None;
    }
    // "an editor asking to determine whether …": a request, not words.
    if t.get(verb_end)
        .is_some_and(|x| lexicon::is(&["to", "for"], &x.lower))
    {
        return None;
    }
    let rest = reported_start(t, verb_end, cue)?;
    Some((subject, rest))
}

/// The subject after a verb that follows the reported words and a comma
/// (an auxiliary may sit between: "…, a déclaré le ministre"), with those
/// words: the sentence up to the comma. The subject runs to the sentence's
/// end, a comma, or a place after the name ("im DLF"); no quotation is
/// next to the verb (that is the quotation's shape).
pub(super) fn inverted_after_comma(
    text: &str,
    t: &[Token],
    v: usize,
    verb_end: usize,
    quotes: &[Quotation],
) -> Option<(Mention, Vec<Range<usize>>)> {
    let mut comma = v.checked_sub(1)?;
    if lexicon::is(&["a", "ha", "hat"], &t[comma].lower) {
        comma = comma.checked_sub(1)?;
    }
    if t[comma].lower != "," || quote_ending_at(t, comma + 1, quotes).is_some() {
        return None;
    }
    let first = t.get(verb_end).filter(|x| x.word)?;
    // Spanish "elogió a Sessions": "a" there marks the object.
    let article = lexicon::is(lexicon::DETERMINERS_ALL, &first.lower)
        && !(first.lower == "a" && lexicon::foreign_cue(&t[v].lower));
    if !(first.capital || article) {
        return None;
    }
    let mut end = verb_end;
    while end < t.len() && t[end].word {
        // A place after the name: "Precht im DLF", "the minister in Paris".
        let w = t[end].lower.as_ref();
        let joins = lexicon::is(&["und", "and", "y", "et", "of", "de", "del"], w);
        let place = end > verb_end + 1
            && !joins
            && (super::clauses::is_preposition(w)
                || lexicon::is(&["im", "am", "beim", "à", "en", "au"], w)
                || (t[end - 1].capital && !t[end].capital));
        if place {
            break;
        }
        end += 1;
    }
    let mut close = end;
    while close < t.len() && t[close].word {
        close += 1;
    }
    // At most a short place or time after the name ("im DLF", "on Monday").
    let closes = close - end <= 3
        && (close >= t.len() || matches!(t[close].lower.as_ref(), "," | "." | ":" | ";"));
    let words_before = t[..comma].iter().filter(|x| x.word).count();
    if end == verb_end || !closes || words_before < 4 || end - verb_end > 8 {
        return None;
    }
    let written = text[t[verb_end].range.start..t[end - 1].range.end].to_string();
    let proper = t[verb_end..end]
        .iter()
        .any(|x| x.capital && !lexicon::is(lexicon::DETERMINERS_ALL, &x.lower));
    let subject = Mention {
        name: mentions::strip_titles(&written),
        written,
        range: t[verb_end].range.start..t[end - 1].range.end,
        description: None,
        proper,
    };
    Some((subject, vec![span(t, 0, comma)?]))
}

/// The sentence's subject, for a verb that is a second predicate: "John
/// Dowd … praised Sessions, and then suggested …", "pero dijo …", "and last
/// week said …" (a conjunction and at most three lowercase words before
/// the verb). Its first token is the conjunction's, so the cue starts there.
pub(super) fn coordinated_subject(
    text: &str,
    t: &[Token],
    verb: usize,
) -> Option<(Mention, usize)> {
    let lead = (1..=4)
        .filter_map(|k| verb.checked_sub(k))
        .find(|&j| lexicon::is(COORDINATORS, &t[j].lower))?;
    // "and could explain its shift": a modal makes it a thing that could
    // be, not a thing said.
    let plain = t[lead + 1..verb]
        .iter()
        .all(|x| x.word && !x.capital && !lexicon::is(MODALS, &x.lower));
    if !plain || lead == 0 {
        return None;
    }
    let (subject, at) = sentence_subject(text, t)?;
    // The subject is the sentence's whole noun phrase ("The George W. Bush
    // administration's efforts" is not George W. Bush), names someone, and
    // comes before the conjunction.
    let k = t.partition_point(|x| x.range.end <= subject.range.end);
    let first = t.partition_point(|x| x.range.end <= subject.range.start);
    let after_article = first > 0
        && lexicon::is(
            &["the", "el", "la", "le", "der", "die", "das"],
            &t[first - 1].lower,
        );
    // "Mr. President, I yield the floor and suggest …": a vocative, not
    // the subject.
    let vocative = t.get(k).is_some_and(|x| x.lower == ",")
        && t.get(k + 1)
            .is_some_and(|x| lexicon::is(&["i", "we", "you"], &x.lower));
    if vocative {
        return None;
    }
    let runs_on = t
        .get(k)
        .is_some_and(|x| x.word && (x.lower.ends_with("'s") || (after_article && !x.capital)));
    let whole = !runs_on && !subject.written.ends_with("'s") && !subject.written.ends_with("’s");
    // A name, or a noun phrase with its article ("Le principal intéressé a
    // rejeté toute faute et a fait savoir …").
    let named = subject.proper
        || subject.written.split_whitespace().next().is_some_and(|w| {
            lexicon::is(lexicon::DETERMINERS_ALL, &w.to_lowercase()) && w != "a" && w != "A"
        });
    (named && whole && at < lead).then_some((subject, lead))
}
