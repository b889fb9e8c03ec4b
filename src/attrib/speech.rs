//! Reported speech in one sentence: each verb of saying with its subject
//! and the words it attributes. The shapes read, with the rule each one
//! reports:
//!
//! - a quotation beside the verb: `“…,” White writes.`, `said a spokesman,
//!   “…”`, and a quotation split around it: `“A,” Thae says, “B.”`;
//! - reported speech: `Moriuchi tells White that …`, `Obama said Sony …`;
//! - a parenthetical: `Occasionally, White observes, Pyongyang …`,
//!   `…, as White notes.`;
//! - a participle taking the sentence's subject: `He …, saying, “…”`;
//! - sourcing: `according to the FBI, …`, `As reported in the Post, …`;
//! - a finding, whose subject is part of what it supports: `the FBI found …`;
//! - a possessed speech noun: `the State Department's finding that …`.

use std::ops::Range;

use super::clauses::{
    clause_start, quote_ending_at, quoted_after, reported_start, sentence_end, sentence_subject,
    skip_punct, skip_that, span, trim_back,
};
use super::lexicon::{self, Cue};
use super::mentions::{self, Mention};
use super::quotes::Quotation;
use super::speakers::{
    after_noun, coordinated_subject, inverted_after_comma, is_passive, passive_agent,
};
use super::text::{Sentence, Token};
use crate::model::Mode;

/// Which reading attributed the words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// A quotation beside a verb of saying.
    Quotation,
    /// A verb of saying followed by what was said.
    Reported,
    /// A verb of saying set off by commas, or after "as".
    Parenthetical,
    /// A participle ("saying") whose subject is the sentence's.
    Participle,
    /// "according to X", "as reported in X".
    According,
    /// A verb of finding ("found", "concluded").
    Finding,
    /// "X's assertion that ...", or a quotation named by "the threat".
    SpeechNoun,
    /// A quotation or sentence that carries on the speech before it.
    Continued,
    /// A quotation of words the document credits to someone elsewhere.
    Repeated,
    /// A speaker's label in a transcript.
    Label,
    /// The document's author, for prose no one else is credited with.
    Author,
}

impl Rule {
    /// How the rule reads in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Quotation => "quotation with a verb of saying",
            Rule::Reported => "reported speech",
            Rule::Parenthetical => "parenthetical verb of saying",
            Rule::Participle => "participle of saying",
            Rule::According => "according to",
            Rule::Finding => "verb of finding",
            Rule::SpeechNoun => "speech noun",
            Rule::Continued => "continues the speech before it",
            Rule::Repeated => "repeats words credited elsewhere",
            Rule::Label => "speaker label",
            Rule::Author => "the author's own text",
        }
    }
}

/// Words attributed to someone.
#[derive(Debug, Clone)]
pub struct Speech {
    /// Who, as the text names them.
    pub speaker: Mention,
    /// The attribution's words ("Thae says", "according to the FBI").
    pub cue: Range<usize>,
    /// The attributed words, in one or more parts.
    pub parts: Vec<Range<usize>>,
    /// Direct, indirect or mixed.
    pub mode: Mode,
    /// The reading that found it.
    pub rule: Rule,
    /// The verb, when there is one.
    pub verb: Option<Cue>,
    /// The sentence it was found in.
    pub sentence: usize,
    /// Whether the cue stands apart from the words, in another sentence
    /// ("He also warned that ..." before a quotation standing alone): a
    /// passage holding it is not thereby the speaker's.
    pub detached: bool,
}

/// Words after which a verb of saying is a noun.
const NOUN_MARKERS: &[&str] = &[
    "the", "a", "an", "his", "her", "their", "its", "our", "my", "your", "these", "those", "this",
    "that", "whose", "no", "every", "each",
];

/// The speeches of sentence `index`.
pub fn in_sentence(text: &str, s: &Sentence, index: usize, quotes: &[Quotation]) -> Vec<Speech> {
    let t = &s.tokens;
    let mut out = Vec::new();
    let mut i = 0;
    while i < t.len() {
        if !t[i].word {
            i += 1;
            continue;
        }
        if let Some(speech) = super::nounless::according(text, s, index, i)
            .or_else(|| super::nounless::possessed_noun(text, s, index, i, quotes))
        {
            i = t.len().min(i + 2);
            out.push(speech);
            continue;
        }
        // A verb of saying is lowercase inside a sentence ("Comment" in a
        // heading is not one), and one after a determiner is a noun ("the
        // notes", "a report").
        // So is one after a possessive ("Editor's note:").
        let next = t.get(i + 1).map_or("", |n| n.lower.as_ref());
        // French "a" before a verb is its auxiliary ("a déclaré", "a fait savoir").
        let auxiliary = t[i].lower != "a"
            && (lexicon::foreign_cue(&t[i].lower) || lexicon::phrasal(&t[i].lower, next).is_some());
        let noun = i > 0
            && ((lexicon::is(NOUN_MARKERS, &t[i - 1].lower)
                && !(t[i - 1].lower == "a" && auxiliary))
                || (t[i - 1].word
                    && t[i - 1].lower.ends_with("'s")
                    && !lexicon::is(CONTRACTIONS, &t[i - 1].lower)));
        if (t[i].capital && i > 0) || noun {
            i += 1;
            continue;
        }
        let (cue, verb_end) = match lexicon::cue(&t[i].lower) {
            Some(c) => (c, i + 1),
            None => match lexicon::phrasal(&t[i].lower, next) {
                Some(lemma) => (
                    Cue {
                        lemma,
                        finding: false,
                        participle: t[i].lower.ends_with("ing"),
                        to_someone: false,
                        tag_only: false,
                    },
                    i + 2,
                ),
                None => {
                    i += 1;
                    continue;
                }
            },
        };
        if let Some(speech) = verb(text, s, index, i, verb_end, cue, quotes) {
            // A second predicate ends what the first reported: "praised
            // Sessions …, and then suggested …".
            let conjunction = t
                .iter()
                .find(|x| x.range.start == speech.cue.start)
                .is_some_and(|x| lexicon::is(COORDINATORS, &x.lower));
            let cut = conjunction.then_some(speech.cue.start);
            // A participle after the same speaker's verb adds to what they
            // said ("criticó al fiscal, acusándolo de …"): one speech.
            let adds_to = speech.rule == Rule::Participle
                && out.iter().any(|earlier| {
                    earlier.speaker.name == speech.speaker.name
                        && earlier.parts.iter().any(|p| {
                            speech
                                .parts
                                .iter()
                                .all(|q| p.start <= q.start && q.end <= p.end)
                        })
                });
            if adds_to {
                i = verb_end;
                continue;
            }
            // "was told by Mike Young that … and assured you that …": a
            // second predicate has the first's speaker.
            let mut speech = speech;
            if let Some(first) = out.last().filter(|_| conjunction) {
                speech.speaker = first.speaker.clone();
            }
            if let Some(cut) = cut {
                let before = t
                    .iter()
                    .rev()
                    .find(|x| x.range.end <= cut && x.lower != ",")
                    .map(|x| x.range.end);
                for earlier in &mut out {
                    for p in earlier.parts.iter_mut() {
                        if let Some(end) = before.filter(|&e| p.start < e && cut < p.end) {
                            p.end = end;
                        }
                    }
                    earlier.mode = mode_of(&earlier.parts, quotes, earlier.rule);
                }
            }
            out.extend(split_coordinated(t, speech, quotes));
        }
        i = verb_end;
    }
    out
}

/// "told a subcommittee that A and that B": two things said, two speeches.
fn split_coordinated(t: &[Token], speech: Speech, quotes: &[Quotation]) -> Vec<Speech> {
    if speech.rule != Rule::Reported || speech.parts.len() != 1 {
        return vec![speech];
    }
    let part = speech.parts[0].clone();
    let cut = t.windows(2).position(|w| {
        w[0].lower == "and"
            && w[1].lower == "that"
            && part.start < w[0].range.start
            && w[1].range.end < part.end
    });
    let Some(k) = cut else {
        return vec![speech];
    };
    let mut end = k;
    while end > 0 && t[end - 1].lower == "," {
        end -= 1;
    }
    let first = part.start..t[end - 1].range.end;
    let second = t[k + 2].range.start..part.end;
    [first, second]
        .into_iter()
        .map(|p| {
            let mut s = speech.clone();
            s.mode = mode_of(std::slice::from_ref(&p), quotes, s.rule);
            s.parts = vec![p];
            s
        })
        .collect()
}

fn verb(
    text: &str,
    s: &Sentence,
    index: usize,
    v: usize,
    verb_end: usize,
    cue: Cue,
    quotes: &[Quotation],
) -> Option<Speech> {
    let t = &s.tokens;
    let end = sentence_end(t);
    let speech = |speaker: Mention, cue_range: Range<usize>, parts: Vec<Range<usize>>, rule| {
        let mode = mode_of(&parts, quotes, rule);
        Some(Speech {
            speaker,
            cue: cue_range,
            parts,
            mode,
            rule,
            verb: Some(cue),
            sentence: index,
            detached: false,
        })
    };
    if cue.participle && cue.tag_only {
        return None; // "…, reflecting the market's mood"
    }
    // "He is asking a direct question: …": a progressive, a finite verb.
    let progressive = cue.participle
        && v > 0
        && lexicon::is(
            &["is", "are", "was", "were", "am", "been", "be"],
            &t[v - 1].lower,
        );
    let cue = Cue {
        participle: cue.participle && !progressive,
        ..cue
    };
    if cue.participle {
        // "the customer asking you the direct question, how can you …": a
        // participle right after a noun phrase is that phrase's.
        if let Some(found) = after_noun(text, t, v, verb_end, cue) {
            let (subject, rest) = found;
            let cue_range = subject.range.start..t[v].range.end;
            let parts = match quoted_after(t, rest, quotes) {
                Some(parts) => parts,
                None => vec![span(t, rest, end)?],
            };
            return speech(subject, cue_range, parts, Rule::Participle);
        }
        // "He …, saying, “…”": the sentence's subject said it; the verb
        // must follow a comma or "by" ("by explaining that").
        if v == 0 || !matches!(t[v - 1].lower.as_ref(), "," | "by") {
            return None;
        }
        let (subject, _) = sentence_subject(text, t)?;
        let rest = skip_that(t, verb_end);
        // The cue runs from the subject to the participle ("He also
        // expressed outrage at Pyongyang's scheme, saying").
        let cue_range = subject.range.start.min(t[v].range.start)..t[v].range.end;
        let parts = match quoted_after(t, rest, quotes) {
            Some(parts) => parts,
            None => vec![span(t, rest, end)?],
        };
        return speech(subject, cue_range, parts, Rule::Participle);
    }
    // "Graham le dijo", "il lui a dit": an object pronoun sits between a
    // Romance subject and its verb; the subject is before it.
    let mut subject_end = if progressive { v - 1 } else { v };
    if lexicon::foreign_cue(&t[v].lower) {
        while subject_end > 0 && lexicon::is(CLITICS, &t[subject_end - 1].lower) {
            subject_end -= 1;
        }
    }
    // "You could say", "one might argue", "could not answer": a
    // possibility, not a report.
    let mut before_verb = subject_end;
    if before_verb > 0 && lexicon::is(&["not", "never"], &t[before_verb - 1].lower) {
        before_verb -= 1;
    }
    if before_verb > 0 && lexicon::is(HYPOTHETICAL, &t[before_verb - 1].lower) {
        return None;
    }
    // "The initial promise was …": a finite verb right after makes it a noun.
    if t.get(verb_end).is_some_and(|x| {
        lexicon::is(
            &["is", "was", "were", "are", "has", "had", "will", "would"],
            &x.lower,
        )
    }) {
        return None;
    }
    // "you were told by Mike Young, the then Operations Director, that …":
    // a passive's agent said it.
    if let Some((agent, that)) = passive_agent(text, t, v, verb_end) {
        let cue_range = t[v].range.start..t[that].range.end;
        let parts = vec![span(t, that + 1, end)?];
        return speech(agent, cue_range, parts, Rule::Reported);
    }
    // "Goldman was asked a question: …", "The sales force is told …":
    // a passive's subject is whom the words were said to.
    if is_passive(t, v) {
        return None;
    }
    // "Es ist nur eine Frage der Zeit, …, sagt der Philosoph Richard David
    // Precht.", "The plan will fail, said the minister.": the verb and its
    // subject after the words, set off by a comma.
    let before = mentions::subject_before(text, t, subject_end);
    // "Kim Jong Un, North Korea's leader, said …": a comma that closes an
    // appositive has the subject before it.
    // German, French and Spanish put the subject after the verb ("…, sagt
    // der Philosoph …") whatever comes before the comma.
    let subject_follows = lexicon::foreign_cue(&t[v].lower)
        && t.get(verb_end)
            .is_some_and(|x| lexicon::is(lexicon::DETERMINERS_ALL, &x.lower));
    let appositive = !subject_follows
        && before
            .as_ref()
            .is_some_and(|(m, _)| m.description.is_some());
    if let Some(found) = inverted_after_comma(text, t, v, verb_end, quotes).filter(|_| !appositive)
    {
        let (subject, parts) = found;
        let cue_range = t[v].range.start..subject.range.end;
        return speech(subject, cue_range, parts, Rule::Parenthetical);
    }
    let before = before.or_else(|| coordinated_subject(text, t, subject_end));
    // "TarponJargon wrote in about jQuery, and they said …": the pronoun
    // that opens a second clause is the first clause's subject, a name.
    let before = before.map(|(subject, start)| {
        // Of the third person: "and we said" is the turn's speaker's.
        let pronoun = lexicon::is(THIRD_PERSON, &subject.name.to_lowercase());
        let joined = start > 0 && lexicon::is(COORDINATORS, &t[start - 1].lower);
        let first = sentence_subject(text, t)
            .filter(|(m, _)| m.proper && m.range.end < subject.range.start);
        match first {
            Some((first, _)) if pronoun && joined => (
                Mention {
                    written: subject.written,
                    ..first
                },
                start,
            ),
            _ => (subject, start),
        }
    });
    if let Some((subject, start)) = before {
        // "a direct question:", "an early report": after "a", a verb's
        // bare form is a noun (a singular subject would take "questions").
        let first = subject
            .written
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_lowercase();
        if t[v].lower == cue.lemma && lexicon::is(&["a", "an", "another", "each", "every"], &first)
        {
            return None;
        }
        // "what he said he would do": a thing said, not a report of it.
        if (!subject.proper && is_not_speaker(&subject))
            || (start > 0 && t[start - 1].lower == "what")
        {
            return None;
        }
        // A second predicate's cue starts at its conjunction ("and then suggested").
        let coordinated =
            lexicon::is(COORDINATORS, &t[start].lower) && subject.range.end <= t[start].range.start;
        let cue_start = if coordinated {
            t[start].range.start
        } else {
            subject.range.start.min(t[start].range.start)
        };
        let cue_range = cue_start..t[verb_end - 1].range.end;
        if cue.finding {
            let parts = vec![span(t, start, end)?];
            return speech(subject, cue_range, parts, Rule::Finding);
        }
        let as_clause = start > 0 && t[start - 1].lower == "as";
        let after_comma = start > 0 && t[start - 1].lower == ",";
        // A quotation right before or right after the verb phrase, or
        // after its "that" ("dijo que “¿Por qué …? … ¡NO HAY COLUSIÓN!”":
        // the quotation, however many sentences it runs over).
        // A second predicate's words follow it; the quotation before its
        // conjunction is the first predicate's.
        let quoted_before = quote_ending_at(t, if as_clause { start - 1 } else { start }, quotes)
            .filter(|_| !coordinated);
        let quoted_after = quoted_after(t, skip_punct(t, verb_end), quotes)
            .or_else(|| {
                // "le dijo a Fox News que “…”": after the addressee and "que".
                let rest = reported_start(t, verb_end, cue)?;
                let that = rest.checked_sub(1)?;
                if !matches!(t[that].lower.as_ref(), "that" | "que" | "dass") {
                    return None;
                }
                quoted_after(t, rest, quotes)
                    .filter(|parts| parts.iter().all(|p| p.end > t[end - 1].range.end))
            })
            .or_else(|| {
                // "told your salespeople, “Keep pushing this deal.”": after
                // the addressee and its comma or colon.
                let mark = (verb_end..t.len().min(verb_end + 5)).find(|&k| !t[k].word)?;
                let addressed = cue.to_someone && mark > verb_end;
                (addressed && matches!(t[mark].lower.as_ref(), "," | ":"))
                    .then(|| quoted_after(t, skip_punct(t, mark), quotes))
                    .flatten()
            });
        if cue.tag_only && quoted_before.is_none() && quoted_after.is_none() {
            return None; // "the figures reflect a decline"
        }
        if quoted_before.is_some() || quoted_after.is_some() {
            let mut parts = Vec::new();
            parts.extend(quoted_before);
            parts.extend(quoted_after.into_iter().flatten());
            return speech(subject, cue_range, parts, Rule::Quotation);
        }
        let closes = verb_end >= end || matches!(t[verb_end].lower.as_ref(), "," | "." | ";");
        if (after_comma || as_clause) && closes {
            // Parenthetical: the words around it are the speaker's.
            let after = span(t, skip_punct(t, verb_end), end);
            let before_start = if as_clause { start - 1 } else { start };
            let opening = clause_start(t, before_start);
            let before = span(t, opening, trim_back(t, before_start));
            // "And as Laurie said, it transcended": an "as" clause that
            // opens the sentence introduces the words after it.
            let leads = t[opening..before_start]
                .iter()
                .all(|x| !x.word || lexicon::is(COORDINATORS, &x.lower));
            let parts: Vec<Range<usize>> = match (after, as_clause) {
                (Some(a), false) => vec![a],
                (Some(a), true) if leads => vec![a],
                (_, _) => before.into_iter().collect(),
            };
            if parts.is_empty() {
                return None;
            }
            return speech(subject, cue_range, parts, Rule::Parenthetical);
        }
        // Reported speech: "tells White that …", "said Sony …".
        let rest = reported_start(t, verb_end, cue)?;
        // "Trump said he wants to answer questions, but no interview has
        // been set up": a paraphrase ends where the writer's ", but"
        // begins a clause of their own (not "but that …", still reported).
        let but = (rest..end).find(|&k| {
            k > rest
                && t[k - 1].lower == ","
                && t[k].lower == "but"
                && t.get(k + 1).is_some_and(|x| x.word && x.lower != "that")
                && !quotes.iter().any(|q| {
                    q.outer.start >= t[rest].range.start && q.outer.start < t[end - 1].range.end
                })
        });
        let parts = vec![span(t, rest, but.map_or(end, |k| k - 1))?];
        // The cue runs on to where the reported words start ("Moriuchi
        // tells White that").
        let cue_range = match rest.checked_sub(1).filter(|&k| k >= verb_end) {
            Some(k) => cue_range.start..t[k].range.end,
            None => cue_range,
        };
        return speech(subject, cue_range, parts, Rule::Reported);
    }
    // Inverted: "…,” said a defense ministry spokesman."
    let inverted = v > 0 && quote_ending_at(t, v, quotes).is_some();
    if inverted {
        let subject = mentions::subject_after(text, t, verb_end)?;
        let parts: Vec<Range<usize>> = quote_ending_at(t, v, quotes).into_iter().collect();
        let cue_range = t[v].range.start..subject.range.end;
        return speech(subject, cue_range, parts, Rule::Quotation);
    }
    None
}

/// Words in 's that are a pronoun and "has" or "is" ("He's said"), no possessive.
const CONTRACTIONS: &[&str] = &[
    "he's", "she's", "it's", "that's", "who's", "there's", "what's",
];

/// Pronouns of the third person, which name someone spoken of.
const THIRD_PERSON: &[&str] = &[
    "he", "she", "they", "il", "elle", "ils", "elles", "él", "ella", "ellos", "ellas", "er", "sie",
];

/// Conjunctions that join a second predicate to a sentence's subject.
pub(super) const COORDINATORS: &[&str] =
    &["and", "but", "y", "e", "pero", "et", "mais", "und", "aber"];

/// Helpers right before a verb of saying that make it hypothetical.
const HYPOTHETICAL: &[&str] = &["could", "might", "may", "can", "should", "must"];

/// Helpers that make a verb a possibility rather than a statement.
pub(super) const MODALS: &[&str] = &[
    "could", "would", "can", "may", "might", "should", "must", "will", "shall", "podría", "puede",
    "pourrait", "peut", "könnte", "kann",
];

/// Spanish and French object pronouns, which come before the verb.
const CLITICS: &[&str] = &[
    "le", "les", "lo", "los", "la", "las", "me", "te", "nos", "os", "se", "lui", "leur", "nous",
    "vous",
];

/// Common noun phrases that are not speakers even before a verb of saying
/// ("the notes", "the report states" is kept: a report speaks).
pub(super) fn is_not_speaker(m: &Mention) -> bool {
    let last = mentions::surname(&m.name).to_lowercase();
    matches!(
        last.as_str(),
        "it" | "this" | "that" | "which" | "what" | "there"
    )
}

/// Direct when every part is a quotation's words; mixed when reported
/// words hold a quotation; indirect otherwise.
pub fn mode_of(parts: &[Range<usize>], quotes: &[Quotation], rule: Rule) -> Mode {
    let inside = |p: &Range<usize>| {
        quotes
            .iter()
            .any(|q| q.inner.start <= p.start && p.end <= q.inner.end)
    };
    let overlaps = |p: &Range<usize>| {
        quotes
            .iter()
            .any(|q| q.inner.start < p.end && p.start < q.inner.end)
    };
    if matches!(rule, Rule::Label | Rule::Author) || (!parts.is_empty() && parts.iter().all(inside))
    {
        Mode::Direct
    } else if parts.iter().any(overlaps) {
        Mode::Mixed
    } else {
        Mode::Indirect
    }
}
