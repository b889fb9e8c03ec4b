//! Who a sentence names: the noun phrase that is the subject of a verb of
//! saying ("Priscilla Moriuchi, a former analyst at the U.S. National
//! Security Agency, tells"), read backwards from the verb over adverbs and
//! an appositive, or forwards after it ("said a defense ministry
//! spokesman"); and the people met so far, so that "he", "Moriuchi" or
//! "the former analyst" can be followed back to the person first
//! introduced in full.

use std::ops::Range;

use super::lexicon::{self, is_function_word, INSTITUTIONS, ROMANCE_BREAKS};
pub use super::names::{names_match, strip_titles, surname, title_case};
use super::text::Token;

/// Someone as the text names them at one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// The words as written: "Then-U.S. President Barack Obama", "He".
    pub written: String,
    /// The name without titles or a leading article: "Barack Obama".
    pub name: String,
    /// Where the words are.
    pub range: Range<usize>,
    /// An appositive after the name ("a former analyst at the U.S. National
    /// Security Agency"), kept as a description.
    pub description: Option<String>,
    /// Whether it is a proper name (capitalized words) rather than a
    /// common noun phrase ("a defense ministry spokesman", "the hackers").
    pub proper: bool,
}

/// Determiners that open a common noun phrase.
const DETERMINERS: &[&str] = &[
    "the", "a", "an", "this", "that", "these", "those", "another", "one",
    // Spanish, French, German articles.
    "el", "la", "los", "las", "un", "una", "le", "les", "une", "der", "die", "das", "ein", "eine",
];

/// Reads the subject that ends just before token `verb` (exclusive),
/// skipping adverbs and one appositive between commas. Returns the mention
/// and the index of its first token.
pub fn subject_before(text: &str, tokens: &[Token], verb: usize) -> Option<(Mention, usize)> {
    let mut end = verb;
    // "Trust members ultimately asked": a listed adverb, or any lowercase
    // word in -ly that is not a noun ("family", "assembly").
    let adverb = |t: &Token| {
        t.word
            && (lexicon::is(lexicon::ADVERBS, &t.lower)
                || (!t.capital
                    && t.lower.len() > 4
                    && t.lower.ends_with("ly")
                    && !lexicon::is(LY_NOUNS, &t.lower)))
    };
    let skip_adverbs = |mut end: usize| {
        while end > 0 && adverb(&tokens[end - 1]) {
            end -= 1;
        }
        end
    };
    end = skip_adverbs(end);
    // "one postmaster, whose name I noted, who said": a relative clause's
    // subject is the noun phrase it follows.
    if end > 1 && tokens[end - 1].lower == "who" {
        end -= 1;
        if tokens[end - 1].lower == "," && end > 1 && tokens[end - 2].word {
            // Its own comma ("Smith, who said") leaves an appositive's.
            let appositive_before = (0..end - 1).rev().take(16).any(|k| tokens[k].lower == ",");
            if !appositive_before {
                end -= 1;
            }
        }
    }
    // "The minister on Monday said", "Trump for months has denied": a time
    // between the subject and its verb.
    if end >= 3
        && lexicon::is(TIME_PREPOSITIONS, &tokens[end - 2].lower)
        && lexicon::is(TIMES, &tokens[end - 1].lower)
    {
        end = skip_adverbs(end - 2);
    } else if end >= 4
        && lexicon::is(&["at", "by", "in"], &tokens[end - 3].lower)
        && lexicon::is(&["that", "the", "this"], &tokens[end - 2].lower)
        && lexicon::is(
            &["time", "moment", "point", "meeting", "hearing"],
            &tokens[end - 1].lower,
        )
    {
        // "Betancourt at that time asked", "X at the meeting said".
        end = skip_adverbs(end - 3);
    }
    // An appositive: NAME , a former analyst ... , VERB
    let mut description = None;
    if end > 0 && tokens[end - 1].lower == "," {
        let close = end - 1;
        let open = (0..close).rev().find(|&i| tokens[i].lower == ",")?;
        let inner = &tokens[open + 1..close];
        // "North Korea's leader": a role ends in a common noun, even when
        // it opens with a name; "Bong Young-shik from the Asan Institute"
        // is a name with its affiliation.
        let role = inner.len() > 1
            && inner.last().is_some_and(|t| t.word && !t.capital)
            && inner.iter().any(|t| t.lower.ends_with("'s"));
        let appositive = role
            || inner.first().is_some_and(|t| {
                t.word && (lexicon::is(DETERMINERS, &t.lower) || t.lower == "who" || !t.capital)
            });
        if !appositive {
            // "Another expert, Bong Young-shik from the Asan Institute,
            // doubts": the name between the commas is the subject, the
            // noun phrase before them says who they are.
            if inner.first().is_some_and(|t| t.capital) {
                let mut named = subject_after(text, tokens, open + 1)?;
                if named.range.end > tokens[close].range.start {
                    return None;
                }
                if let Some((role, start)) = noun_phrase_ending(text, tokens, open) {
                    named.description = Some(role.written);
                    return Some((named, start));
                }
                return Some((named, open + 1));
            }
            return None;
        }
        // A relative clause may run long ("who is now suspended by the
        // mayor for making all county transit free from …").
        let relative = inner
            .first()
            .is_some_and(|t| t.lower == "who" || t.lower == "which");
        if inner.len() > if relative { 32 } else { 16 } {
            return None;
        }
        description =
            Some(text[inner[0].range.start..inner[inner.len() - 1].range.end].to_string());
        end = open;
    }
    let (mut mention, mut start) = noun_phrase_ending(text, tokens, end)?;
    // "the only one who answered": a determiner alone names no one.
    if lexicon::is(DETERMINERS, &mention.name.to_lowercase()) {
        return None;
    }
    // A role and whom it serves: "The mayor of Springfield", "A spokesman
    // for the company", "Un influyente abogado de la Casa Blanca": the
    // whole phrase says who spoke, not the place or the employer.
    if let Some(p) = preposition_before(tokens, start) {
        if let Some((role, role_start)) = noun_phrase_ending(text, tokens, p) {
            if !role.proper && !lexicon::is(lexicon::PRONOUNS, &role.name.to_lowercase()) {
                let joined = role.range.start..mention.range.end;
                let written = text[joined.clone()].to_string();
                mention = Mention {
                    name: words_of(text, &tokens[role_start..end]),
                    written,
                    range: joined,
                    description: None,
                    proper: false,
                };
                start = role_start;
            }
        }
    }
    // A name before "from the RAND Corporation" or "of the Asan Institute"
    // is the subject; the phrase after it says where they are from.
    while start >= 2
        && matches!(
            tokens[start - 1].lower.as_ref(),
            "from" | "of" | "at" | "with" | "de" | "del" | "du" | "von"
        )
        && mention.proper
    {
        let Some((earlier, earlier_start)) = noun_phrase_ending(text, tokens, start - 1) else {
            break;
        };
        if !earlier.proper {
            break;
        }
        // "the Federal Bureau of Investigation", "the Bank of England": an
        // institution's name runs on over "of"; a person's affiliation
        // ("Bong Young-shik of the Asan Institute") does not.
        let head = tokens[start - 2].lower.as_ref();
        if tokens[start - 1].lower == "of" && lexicon::is(INSTITUTIONS, head) {
            let joined = earlier.range.start..mention.range.end;
            let written = text[joined.clone()].to_string();
            mention = Mention {
                name: strip_titles(&written),
                written,
                range: joined,
                description: None,
                proper: true,
            };
            start = earlier_start;
            continue;
        }
        let pp = text[tokens[start - 1].range.start..mention.range.end].to_string();
        mention = earlier;
        mention.description = Some(pp);
        start = earlier_start;
    }
    if description.is_some() {
        mention.description = description;
    }
    Some((mention, start))
}

/// Nouns in -ly, which are no adverbs.
const LY_NOUNS: &[&str] = &[
    "family", "assembly", "supply", "rally", "reply", "anomaly", "monopoly", "bully", "ally",
    "july",
];

/// A time between a subject and its verb: a preposition, then a day,
/// month or span.
const TIME_PREPOSITIONS: &[&str] = &[
    "on", "in", "for", "over", "during", "last", "this", "el", "le", "am",
];
const TIMES: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "week",
    "weeks",
    "month",
    "months",
    "year",
    "years",
    "days",
    "weekend",
    "morning",
    "afternoon",
    "evening",
    "night",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "lunes",
    "martes",
    "miércoles",
    "jueves",
    "viernes",
    "sábado",
    "domingo",
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
    "samedi",
    "dimanche",
    "montag",
    "dienstag",
    "mittwoch",
    "donnerstag",
    "freitag",
    "samstag",
    "sonntag",
];

/// Prepositions that tie a role to whom it serves, in the languages
/// attribution reads, and the articles that may follow them ("de la").
const ROLE_PREPOSITIONS: &[&str] = &[
    "of", "for", "at", "on", "de", "del", "du", "des", "von", "vom",
];
const ARTICLES_AFTER: &[&str] = &["la", "las", "los", "el", "le", "l'", "les", "der", "dem"];

/// The index of the preposition just before token `start` ("of" in "The
/// mayor of Springfield", "de" in "abogado de la Casa Blanca").
fn preposition_before(tokens: &[Token], start: usize) -> Option<usize> {
    let mut p = start.checked_sub(1)?;
    if lexicon::is(ARTICLES_AFTER, &tokens[p].lower) && p > 0 {
        p -= 1;
        // "de la", "von der", never "for la".
        return matches!(tokens[p].lower.as_ref(), "de" | "von").then_some(p);
    }
    lexicon::is(ROLE_PREPOSITIONS, &tokens[p].lower).then_some(p)
}

/// The noun phrase whose last token is `end - 1`.
pub fn noun_phrase_ending(text: &str, tokens: &[Token], end: usize) -> Option<(Mention, usize)> {
    if end == 0 {
        return None;
    }
    let last = &tokens[end - 1];
    if !last.word {
        return None;
    }
    // A pronoun, unless it ends a name ("Kim Jong Il said").
    let in_name = last.capital && end >= 2 && is_name_part(tokens, end - 2);
    // "you told your salespeople, “…”": the addressee, whom a transcript
    // names (see `Analysis::read`).
    if (lexicon::is(lexicon::PRONOUNS, &last.lower) || last.lower == "you") && !in_name {
        return Some((mention(text, tokens, end - 1, end, false), end - 1));
    }
    let mut start = end;
    if last.capital {
        // A proper name: capitalized words, with titles and abbreviations.
        while start > 0 && is_name_part(tokens, start - 1) {
            start -= 1;
        }
        // "the" before a name of an organization: "the FBI", "The U.S. Secret Service".
        if start > 0 && matches!(tokens[start - 1].lower.as_ref(), "the") {
            start -= 1;
        }
        if start == end {
            return None;
        }
        // A sentence's first word is capitalized anyway: a lone common word
        // there is a common noun ("Experts said"), still a subject.
        let proper = tokens[start..end]
            .iter()
            .any(|t| t.word && t.capital && !lexicon::is(DETERMINERS, &t.lower));
        return Some((mention(text, tokens, start, end, proper), start));
    }
    // A common noun phrase: up to four lowercase words after a determiner
    // or a capitalized first word ("a defense ministry spokesman", "the
    // threat", "Prosecutors").
    while start > 0 && end - start < 5 {
        let t = &tokens[start - 1];
        if !t.word {
            break;
        }
        start -= 1;
        // "my friends on the other side", "their spokesman": a possessive
        // opens a noun phrase as an article does.
        let possessive = lexicon::is(POSSESSIVES, &t.lower) && start + 1 < end;
        if lexicon::is(DETERMINERS, &t.lower) || t.capital || possessive {
            // A name before the noun is whole: "White House officials",
            // "Justice Department spokesman".
            while t.capital && start > 0 && is_name_part(tokens, start - 1) {
                start -= 1;
            }
            let m = mention(text, tokens, start, end, false);
            return Some((m, start));
        }
        // A verb of saying ends the phrase, unless it is its head noun
        // after an article ("the state", "the report").
        let head_noun =
            start + 1 == end && start > 0 && lexicon::is(DETERMINERS, &tokens[start - 1].lower);
        if (lexicon::cue(&t.lower).is_some() && !head_noun) || is_function_word(&t.lower) {
            return None;
        }
    }
    None
}

/// Possessive determiners, which open a noun phrase.
pub(super) const POSSESSIVES: &[&str] = &["my", "your", "his", "her", "its", "our", "their"];

/// Whether token `i` can be part of a proper name read backwards.
fn is_name_part(tokens: &[Token], i: usize) -> bool {
    let t = &tokens[i];
    if t.word {
        return t.capital || (t.lower.starts_with("then-") || t.lower.starts_with("ex-"));
    }
    // A period glued to an abbreviation or initial inside a name: "U.S.", "C.".
    t.lower == "."
        && i > 0
        && tokens[i - 1].range.end == t.range.start
        && tokens[i - 1].capital
        && i + 1 < tokens.len()
        && tokens[i + 1].capital
}

/// Reads the subject that starts at token `at` (after an inverted verb:
/// "said a defense ministry spokesman", "said Assistant Attorney General
/// Matthew G. Olsen of the ... Division").
pub fn subject_after(text: &str, tokens: &[Token], at: usize) -> Option<Mention> {
    let first = tokens.get(at)?;
    if !first.word {
        return None;
    }
    if lexicon::is(lexicon::PRONOUNS, &first.lower) {
        return Some(mention(text, tokens, at, at + 1, false));
    }
    let mut end = at;
    if lexicon::is(DETERMINERS, &first.lower) {
        end += 1;
        // "the Washington Post last week": a name after the article ends
        // with its capitals; "the hackers" runs to a function word.
        let named = tokens.get(end).is_some_and(|t| t.capital);
        while end < tokens.len()
            && (if named {
                is_name_part(tokens, end)
            } else {
                // "el presidente elogió la decisión": a verb of saying or
                // a Romance preposition or article ends the noun phrase.
                let w = &tokens[end].lower;
                // "The trust spending more than …": a participle after
                // the noun opens a clause about it.
                let participle = end > at + 1 && w.ends_with("ing");
                tokens[end].word
                    && !is_function_word(w)
                    && lexicon::cue(w).is_none()
                    && !lexicon::is(ROMANCE_BREAKS, w)
                    && !participle
            })
        {
            end += 1;
        }
        // "el abogado de la Casa Blanca Ty Cobb": a role and whom it serves
        // runs on over "de" to the capitalized name after it.
        if !named && end > at + 1 && end < tokens.len() {
            let mut k = end;
            if matches!(tokens[k].lower.as_ref(), "de" | "del" | "du" | "von") {
                k += 1;
                if tokens
                    .get(k)
                    .is_some_and(|t| lexicon::is(&["la", "las", "los", "el", "der"], &t.lower))
                {
                    k += 1;
                }
                let names = tokens[k..]
                    .iter()
                    .take_while(|t| t.word && t.capital)
                    .count();
                if names > 0 {
                    end = k + names;
                }
            }
        }
        let proper = tokens[at + 1..end].iter().any(|t| t.capital);
        return (end > at + 1).then(|| mention(text, tokens, at, end, proper));
    }
    while end < tokens.len()
        && (is_name_part(tokens, end)
            || (end > at
                && tokens[end].lower == "."
                && tokens[end - 1].range.end == tokens[end].range.start
                && tokens[end - 1].lower.len() == 1))
    {
        end += 1;
    }
    (end > at).then(|| mention(text, tokens, at, end, true))
}

/// A phrase's words, one space apart, without the line breaks and page
/// furniture (a transcript's line numbers) between them.
fn words_of(text: &str, tokens: &[Token]) -> String {
    let mut words = String::new();
    for (k, t) in tokens.iter().enumerate() {
        if k > 0 && t.range.start > tokens[k - 1].range.end {
            words.push(' ');
        }
        words.push_str(&text[t.range.clone()]);
    }
    words
}

fn mention(text: &str, tokens: &[Token], start: usize, end: usize, proper: bool) -> Mention {
    let range = tokens[start].range.start..tokens[end - 1].range.end;
    let written = text[range.clone()].to_string();
    let name = strip_titles(&words_of(text, &tokens[start..end]));
    Mention {
        written,
        name,
        range,
        description: None,
        proper,
    }
}

#[cfg(test)]
mod tests {
    use super::super::text::tokenize;
    use super::*;

    fn before(text: &str, verb: &str) -> Option<(String, String, Option<String>)> {
        let tokens = tokenize(text, 0..text.len());
        let v = tokens.iter().position(|t| t.lower == verb)?;
        subject_before(text, &tokens, v).map(|(m, _)| (m.written, m.name, m.description))
    }

    #[test]
    fn subjects_read_backwards() {
        assert_eq!(
            before("Then-U.S. President Barack Obama said Sony", "said")
                .unwrap()
                .1,
            "Barack Obama"
        );
        let (_, name, description) = before(
            "Priscilla Moriuchi, a former analyst at the U.S. National Security Agency, tells White",
            "tells",
        )
        .unwrap();
        assert_eq!(name, "Priscilla Moriuchi");
        assert_eq!(
            description.as_deref(),
            Some("a former analyst at the U.S. National Security Agency")
        );
        assert_eq!(
            before("However, Thae also asserts that", "asserts")
                .unwrap()
                .1,
            "Thae"
        );
        assert_eq!(
            before("The U.S. Secret Service told a Senate", "told")
                .unwrap()
                .1,
            "U.S. Secret Service"
        );
        assert_eq!(
            before("the threat stated.", "stated").unwrap().1,
            "the threat"
        );
        assert_eq!(before("He said that Seoul", "said").unwrap().0, "He");
        assert!(before("it was said", "said").is_none());
    }

    #[test]
    fn subjects_read_forwards() {
        let text = "said a defense ministry spokesman. said Assistant Attorney General Matthew G. Olsen of the Division";
        let tokens = tokenize(text, 0..text.len());
        assert_eq!(
            subject_after(text, &tokens, 1).unwrap().written,
            "a defense ministry spokesman"
        );
        let m = subject_after(text, &tokens, 7).unwrap();
        assert_eq!(m.written, "Assistant Attorney General Matthew G. Olsen");
        assert_eq!(m.name, "Matthew G. Olsen");
    }
}
