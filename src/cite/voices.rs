//! What an ellipsis may not hide: a change of who is speaking.
//!
//! An ellipsis leaves out detail. It may not join one person's words to
//! another's as if one had said both: in a transcript, the words after a
//! speaker's label are the next speaker's; in any text, the words after
//! "the board said" are the board's, reported. A gap an ellipsis stands for
//! is refused, with the reason, when
//!
//! - it holds a speaker's label, as transcripts set them: capitals and a
//!   colon (`JUSTICE SCALIA:`), two words of capitals and a period
//!   (`CHAIR POWELL.`), or a title, a name and a period starting a sentence
//!   (`Senator Levin.`, `Mr. Sparks.`);
//! - it opens a turn of dialogue set with dashes (a dash after a
//!   sentence's end), or a quotation it does not close;
//! - it ends by handing over to someone else's words: a verb of saying
//!   whose subject is not the speaker's "I" or "we" ("the board said",
//!   "she told them that"), not set off by a comma as an attribution in
//!   the middle of the speaker's own sentence is ("growth, he said, will
//!   slow"); or a sentence that begins "according to".
//!
//! This is text alone: the attribution analysis (`attrib`, above this
//! floor) knows more, and the database asks it too when a claim is stored.

use super::diff::{words, Word};
use super::normalize::DASH;

/// Verbs that hand over to someone's words.
#[rustfmt::skip]
const SAYING: &[&str] = &[
    "said", "says", "told", "tells", "stated", "claimed", "claims", "warned", "warns", "wrote",
    "writes", "argued", "argues", "insisted", "insists", "announced", "announces", "declared",
    "declares", "explained", "replied", "answered", "asked", "asks", "predicted", "predicts",
    "testified", "preached", "dijo", "dice", "decir", "predicar", "respondió", "preguntó", "disse",
    "diz",
];

/// Verbs of hearing or reading: what follows "I heard the priest preach
/// that" is the priest's, whoever heard it.
const HEARING: &[&str] = &["heard", "read", "oído", "oí", "leído", "ouvi"];

/// Words that introduce reported words.
const COMPLEMENTIZERS: &[&str] = &["that", "que"];

/// Words that may follow the verb before the words it hands over to.
#[rustfmt::skip]
const OBJECTS: &[&str] = &[
    "that", "me", "us", "him", "her", "them", "you", "reporters", "que",
];

/// Subjects that are the speaker: their own report of their own words.
#[rustfmt::skip]
const FIRST_PERSON: &[&str] = &[
    "i", "we", "yo", "nosotros", "eu", "nós",
];

/// Titles a transcript's label starts with.
#[rustfmt::skip]
const TITLES: &[&str] = &[
    "mr", "mrs", "ms", "dr", "senator", "chairman", "chairwoman", "chair", "representative",
    "judge", "justice", "governor", "secretary", "president", "general", "professor",
];

/// Why the gap an ellipsis stands for may not be left out, if it may not.
/// `before`: the folded character just before the gap.
pub(super) fn hidden_change_of_voice(gap: &str, before: Option<char>) -> Option<String> {
    if let Some(turn) = dialogue_turn(gap, before) {
        return Some(format!(
            "the ellipsis leaves out a change of speaker (a new turn of dialogue: {turn}): the words after it are another speaker's"
        ));
    }
    if opens_a_quotation(gap) {
        return Some(
            "the ellipsis leaves out the opening of a quotation: the words after it are quoted, another's, not the speaker's own".to_string(),
        );
    }
    let ws = words(gap);
    if let Some(label) = speaker_label(&ws) {
        return Some(format!(
            "the ellipsis leaves out a change of speaker ({label}): the words after it are another speaker's"
        ));
    }
    let handover = handed_over(&ws)?;
    Some(format!(
        "the ellipsis leaves out \"{handover}\": the words after it are reported, another's, not the speaker's own"
    ))
}

/// Dialogue set with dashes (Spanish, French, Portuguese): a dash right
/// after a sentence's end opens the next speaker's turn (`miedo.` / `— Sí
/// tengo`); a dash after a word or a comma opens the narrator's aside
/// (`—respondió Sancho—`), which does not change the speaker. The turn's
/// first words, if one opens in the gap.
fn dialogue_turn(gap: &str, before: Option<char>) -> Option<String> {
    let ends_sentence = |c: char| matches!(c, '.' | '?' | '!' | '"' | '\'' | '…');
    let mut previous = before;
    for (at, c) in gap.char_indices() {
        if c == DASH && previous.is_some_and(ends_sentence) {
            let turn: String = gap[at + c.len_utf8()..].chars().take(30).collect();
            return Some(format!("\"—{}…\"", turn.trim()));
        }
        if !c.is_whitespace() {
            previous = Some(c);
        }
    }
    None
}

/// Whether the gap ends inside a quotation it opens after words that
/// introduce it: the words after it are quoted ones (`you told your
/// salespeople, "Keep pushing`).
fn opens_a_quotation(gap: &str) -> bool {
    let marks = gap.chars().filter(|&c| c == '"').count();
    let Some(last) = gap.rfind('"') else {
        return false;
    };
    // The last mark opens when nothing but a space, a comma or a colon
    // stands before it.
    let opening = gap[..last]
        .chars()
        .next_back()
        .is_none_or(|c| c.is_whitespace() || matches!(c, ',' | ':' | '(' | DASH));
    // Words before it introduce it; a mark alone opens the next paragraph
    // of the same quotation.
    let introduced = gap[..last].chars().any(char::is_alphanumeric);
    marks % 2 == 1 && opening && introduced
}

fn is_capitals(w: &str) -> bool {
    let letters: Vec<char> = w.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase())
}

fn ends_sentence(w: &Word) -> bool {
    w.text.ends_with(['.', '?', '!', '"', '\''])
}

/// A speaker's label among the gap's words: its text.
fn speaker_label(ws: &[Word]) -> Option<String> {
    for (k, w) in ws.iter().enumerate() {
        let starts_sentence = k == 0 || ends_sentence(&ws[k - 1]);
        // `JUSTICE SCALIA:`, `MR. SMITH:`, `Q:` is too little to tell.
        if w.text.ends_with(':') && is_capitals(w.text) {
            let mut first = k;
            while first > 0
                && k - first < 3
                && is_capitals(ws[first - 1].text)
                && !ws[first - 1].text.ends_with([':', '?', '!'])
            {
                first -= 1;
            }
            let label: Vec<&str> = ws[first..=k].iter().map(|w| w.text).collect();
            return Some(label.join(" "));
        }
        // `CHAIR POWELL.`: two words of capitals, the second closing.
        if starts_sentence
            && k + 1 < ws.len()
            && is_capitals(w.text)
            && !w.text.ends_with('.')
            && is_capitals(ws[k + 1].text)
            && ws[k + 1].text.ends_with('.')
        {
            return Some(format!("{} {}", w.text, ws[k + 1].text));
        }
        // `Senator Levin.`, `Mr. Sparks.` starting a sentence.
        if starts_sentence
            && k + 1 < ws.len()
            && TITLES.contains(&w.key.as_str())
            && ws[k + 1].text.starts_with(char::is_uppercase)
            && ws[k + 1].text.ends_with('.')
            && ws[k + 1].key.chars().count() > 1
        {
            return Some(format!("{} {}", w.text, ws[k + 1].text));
        }
    }
    None
}

/// The words by which the gap's end hands over to someone else's words.
fn handed_over(ws: &[Word]) -> Option<String> {
    // The gap's last sentence.
    let start = ws
        .iter()
        .rposition(|w| w.text.ends_with(['.', '?', '!']))
        .map_or(0, |k| k + 1);
    let sentence = &ws[start..];
    if let [first, second, ..] = sentence {
        if first.key == "according" && second.key == "to" {
            let phrase: Vec<&str> = sentence.iter().map(|w| w.text).collect();
            return Some(phrase.join(" "));
        }
    }
    // "... I heard the priest preach, as you know, that": the last word
    // introduces reported words, and the sentence has a verb of saying (by
    // another) or of hearing.
    if sentence
        .last()
        .is_some_and(|w| COMPLEMENTIZERS.contains(&w.key.as_str()))
    {
        let reported = sentence.iter().enumerate().any(|(k, w)| {
            HEARING.contains(&w.key.as_str())
                || SAYING.contains(&w.key.as_str())
                    && !k
                        .checked_sub(1)
                        .is_some_and(|s| FIRST_PERSON.contains(&sentence[s].key.as_str()))
        });
        if reported {
            let from = sentence.len().saturating_sub(6);
            let phrase: Vec<&str> = sentence[from..].iter().map(|w| w.text).collect();
            return Some(phrase.join(" "));
        }
    }
    // The verb: among the last words, only objects after it.
    let verb = sentence
        .iter()
        .rposition(|w| SAYING.contains(&w.key.as_str()))?;
    let after = &sentence[verb + 1..];
    let hands_over = !sentence[verb].text.ends_with(',')
        && after.len() <= 2
        && after
            .iter()
            .all(|w| OBJECTS.contains(&w.key.as_str()) && !w.text.ends_with(','));
    let subject = verb.checked_sub(1).map(|k| sentence[k].key.as_str());
    if !hands_over || subject.is_some_and(|s| FIRST_PERSON.contains(&s)) {
        return None;
    }
    // "That said," and "having said that" are the speaker's own turns of phrase.
    if subject.is_some_and(|s| s == "that" || s == "having") {
        return None;
    }
    let from = verb.saturating_sub(2);
    let phrase: Vec<&str> = sentence[from..].iter().map(|w| w.text).collect();
    Some(phrase.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_reported_speech_are_named() {
        for (gap, named) in [
            ("at all. JUSTICE SCALIA: Well,", Some("JUSTICE SCALIA:")),
            ("rates. CHAIR POWELL. Thank you. So", Some("CHAIR POWELL.")),
            ("the deal. Senator Levin. And", Some("Senator Levin.")),
            (". Last year the board said", Some("the board said")),
            ("fees. She told them that", Some("She told them that")),
            (
                "fees. According to the board,",
                Some("According to the board,"),
            ),
        ] {
            let why = hidden_change_of_voice(gap, Some('x'));
            assert!(
                why.as_deref().is_some_and(|w| w.contains(named.unwrap())),
                "{gap:?}: {why:?}"
            );
        }
        for gap in [
            "the rate, he said, and",
            "fees. As I said last year,",
            "fees. That said, the",
            "we asked Mr. Sparks about it and",
            "the United States and",
        ] {
            assert_eq!(hidden_change_of_voice(gap, Some('x')), None, "{gap:?}");
        }
        // Dialogue in dashes: a turn after a sentence's end, an aside after a word.
        assert!(hidden_change_of_voice("—Sí tengo—respondió Sancho—;", Some('.')).is_some());
        assert_eq!(
            hidden_change_of_voice("—prosiguió Sancho—,", Some('o')),
            None
        );
        // A quotation opened in the gap.
        for gap in [
            "Instead you told your salespeople, \"",
            "The client wrote, \"… [F]remont refused so",
            // Reported by a complementizer after a verb of hearing.
            "yo he oído predicar al cura, que bien conoce, que",
        ] {
            assert!(hidden_change_of_voice(gap, Some('.')).is_some(), "{gap:?}");
        }
        assert_eq!(
            hidden_change_of_voice("they said \"no\" and", Some('.')),
            None
        );
        assert_eq!(hidden_change_of_voice("I think that", Some('.')), None);
    }
}
