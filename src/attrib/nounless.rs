//! Attributions without a verb of saying: "according to the FBI, …"
//! (and "según", "selon", "laut", "Pour X, …") and a speaker's speech noun
//! ("the State Department's finding that …", "Kim's assertion that …").

use super::clauses::{clause_start, sentence_end, skip_punct, span, trim_back};
use super::lexicon;
use super::mentions::{self, Mention};
use super::quotes::Quotation;
use super::speech::{mode_of, Rule, Speech};
use super::text::Sentence;
use crate::model::Mode;

/// "according to the FBI, …", "As reported in the Washington Post, …"
/// (and "según Cobb, …", "selon le ministère, …", "laut der Polizei …").
pub(super) fn according(text: &str, s: &Sentence, index: usize, i: usize) -> Option<Speech> {
    let t = &s.tokens;
    let subject_at = match (t[i].lower.as_ref(), t.get(i + 1).map(|x| x.lower.as_ref())) {
        ("according", Some("to")) => i + 2,
        // Spanish "según", French "selon", German "laut".
        ("según" | "segun" | "selon" | "laut", _) => i + 1,
        // German "…, so Precht:", "so Prechts Prognose,": after a comma, a
        // name that ends the phrase (not English "…, so Congress adjourned").
        ("so", Some(_))
            if i > 0
                && t[i - 1].lower == ","
                && t.get(i + 1).is_some_and(|x| x.capital)
                && t.get(i + 2)
                    .is_none_or(|x| matches!(x.lower.as_ref(), "," | "." | ":" | ";")) =>
        {
            i + 1
        }
        // "Pour Jan Hamáček, cette attitude …", "Para Graham, …": a name
        // alone between the word and its comma, at the sentence's start.
        ("pour" | "para" | "für", Some(_))
            if i == 0
                && t[i + 1..]
                    .iter()
                    .position(|x| x.lower == ",")
                    .is_some_and(|c| {
                        c > 0 && c <= 4 && t[i + 1..i + 1 + c].iter().all(|x| x.capital || !x.word)
                    }) =>
        {
            i + 1
        }
        ("as", Some("reported"))
            if matches!(t.get(i + 2).map(|x| x.lower.as_ref()), Some("in" | "by")) =>
        {
            i + 3
        }
        _ => return None,
    };
    let subject = mentions::subject_after(text, t, subject_at)?;
    let mut after = subject_at;
    while after < t.len() && t[after].range.end <= subject.range.end {
        after += 1;
    }
    // The rest of the phrase runs to the next comma ("in the Washington Post last week,").
    let mut phrase_close = after;
    while phrase_close < t.len() && !matches!(t[phrase_close].lower.as_ref(), "," | "." | ";") {
        phrase_close += 1;
    }
    let end = sentence_end(t);
    let parts = if i <= 1 || clause_start(t, i) == i {
        vec![span(t, skip_punct(t, phrase_close), end)?]
    } else {
        vec![span(t, clause_start(t, i), trim_back(t, i))?]
    };
    let mode = Mode::Indirect;
    Some(Speech {
        speaker: subject,
        cue: t[i].range.start..t[phrase_close.max(after) - 1].range.end,
        parts,
        mode,
        rule: Rule::According,
        verb: None,
        sentence: index,
        detached: false,
    })
}

/// "the State Department's finding that Sudan is …", "Kim's assertion that …".
pub(super) fn possessed_noun(
    text: &str,
    s: &Sentence,
    index: usize,
    i: usize,
    quotes: &[Quotation],
) -> Option<Speech> {
    let t = &s.tokens;
    let noun = t[i].lower.as_ref();
    if !lexicon::is(lexicon::SPEECH_NOUNS, noun) {
        return None;
    }
    // "X's assertion that …", or with a copula: "Their argument is just
    // that …".
    let mut that = i + 1;
    if t.get(that)
        .is_some_and(|x| lexicon::is(&["is", "was"], &x.lower))
    {
        that += 1;
        if t.get(that)
            .is_some_and(|x| lexicon::is(&["just", "simply", "only"], &x.lower))
        {
            that += 1;
        }
    }
    if t.get(that).map(|x| x.lower.as_ref()) != Some("that") {
        return None;
    }
    let owner = t.get(i.checked_sub(1)?)?;
    // "Their argument is just that …": the pronoun, followed back to
    // whom it names (`Analysis::resolve_names`).
    if lexicon::is(&["his", "her", "their"], &owner.lower) {
        let end = sentence_end(t);
        let parts = vec![span(t, that + 1, end)?];
        return Some(Speech {
            speaker: Mention {
                name: owner.lower.to_string(),
                written: text[owner.range.clone()].to_string(),
                range: owner.range.clone(),
                description: None,
                proper: false,
            },
            cue: owner.range.start..t[that].range.end,
            mode: mode_of(&parts, quotes, Rule::SpeechNoun),
            parts,
            rule: Rule::SpeechNoun,
            verb: None,
            sentence: index,
            detached: false,
        });
    }
    if !owner.capital || !owner.lower.ends_with("'s") {
        return None;
    }
    // The possessor may be several words: "the State Department's".
    let mut start = i - 1;
    while start > 0 && t[start - 1].word && t[start - 1].capital {
        start -= 1;
    }
    // The possessor ends at its apostrophe (' or ’, of one or three bytes).
    let word = &text[owner.range.clone()];
    let apostrophe = owner.range.start + word.rfind(['\'', '’'])?;
    let written = text[t[start].range.start..apostrophe].to_string();
    let speaker = Mention {
        name: mentions::strip_titles(&written),
        written,
        range: t[start].range.start..apostrophe,
        description: None,
        proper: true,
    };
    let end = sentence_end(t);
    let parts = vec![span(t, that + 1, end)?];
    let mode = mode_of(&parts, quotes, Rule::SpeechNoun);
    Some(Speech {
        speaker,
        cue: t[start].range.start..t[that].range.end,
        parts,
        mode,
        rule: Rule::SpeechNoun,
        verb: None,
        sentence: index,
        detached: false,
    })
}
