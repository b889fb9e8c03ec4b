//! Transcripts: a paragraph that opens with a speaker's label ("Mr.
//! GORTON.", "The PRESIDING OFFICER (Mr. Kyl).", "SENATOR HALE:", "THE
//! WITNESS:", "Q." and "A." in a deposition) starts that speaker's turn,
//! and the turn runs on over unlabelled paragraphs until the next label.
//! A paragraph wholly in parentheses or brackets is the reporter's note,
//! nobody's words; a line with no lowercase letter (a heading, a rule)
//! ends the turn, as does a headline ([`super::pieces`]). A text with
//! fewer than two labels, or two of one name, is not a transcript.

use std::ops::Range;

use super::mentions::{title_case, Mention};
use super::text::Document;

/// One speaker's turn.
#[derive(Debug, Clone)]
pub struct Turn {
    /// The label as printed, without its final `.` or `:`.
    pub label: Range<usize>,
    /// Who the label names.
    pub speaker: Mention,
    /// The turn's words: from after the label to the end of its last paragraph.
    pub range: Range<usize>,
    /// The turn's paragraphs (editorial notes left out).
    pub paragraphs: Vec<usize>,
}

/// Titles before a name in capitals, as the Congressional Record and court
/// reporters print them ("Mr. GORTON.", "The PRESIDING OFFICER."); the
/// labels in ordinary case have their own, longer list ([`TITLES`]).
const LABEL_TITLES: &[&str] = &[
    "Mr.",
    "Mrs.",
    "Ms.",
    "Miss",
    "Dr.",
    "Senator",
    "SENATOR",
    "Chairman",
    "CHAIRMAN",
    "Representative",
    "Judge",
    "JUDGE",
    "MR.",
    "MRS.",
    "MS.",
    "DR.",
    "The",
    "THE",
];

/// The turns of a transcript, or none when the text is not one.
pub fn turns(doc: &Document<'_>) -> Vec<Turn> {
    let mut turns: Vec<Turn> = Vec::new();
    let mut labels = 0;
    let mut open = false;
    for (index, para) in doc.paragraphs.iter().enumerate() {
        let text = doc.slice(para);
        // "National Mentoring Month: The Right Type of Mentorship with …"
        // is a headline with a colon, not a turn.
        let headline = super::pieces::headline(text)
            && text.split_whitespace().count() >= 6
            && !text.contains(['.', '?', '!']);
        if let Some((label_len, body_start, mut speaker)) = label(text).filter(|_| !headline) {
            labels += 1;
            speaker.range = para.start..para.start + label_len;
            turns.push(Turn {
                label: para.start..para.start + label_len,
                speaker,
                range: para.start + body_start.min(text.len())..para.end,
                paragraphs: vec![index],
            });
            open = true;
            continue;
        }
        let note = (text.starts_with('(') && text.ends_with(')'))
            || (text.starts_with('[') && text.ends_with(']'));
        if editorial_note(text) {
            // "Editor's note: …", "Update: …": the publication speaking,
            // which ends the turn before it.
            open = false;
            continue;
        }
        if note || stage_direction(doc, index) {
            continue;
        }
        if !text.chars().any(char::is_lowercase) || super::pieces::headline(text) {
            // A heading or a rule: nothing after it belongs to the turn before.
            open = false;
            continue;
        }
        if let Some(turn) = turns.last_mut().filter(|_| open) {
            turn.range.end = para.end;
            turn.paragraphs.push(index);
        }
    }
    // Two labels of one name ("Leer: …" twice, links on a news page) are
    // not a conversation; a transcript has two speakers or more turns.
    let mut names: Vec<&str> = turns.iter().map(|t| t.speaker.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    if labels < 2 || (names.len() < 2 && labels < 3) {
        return Vec::new();
    }
    turns
}

/// The turn whose words hold byte `at` (turns are in order and apart),
/// by its index.
pub fn turn_holding(turns: &[Turn], at: usize) -> Option<usize> {
    let k = turns.partition_point(|t| t.range.end <= at);
    turns.get(k).filter(|t| t.range.start <= at).map(|_| k)
}

/// The reporter's narration between turns: one sentence, about someone in
/// the third person, in the past tense ("The legislative clerk proceeded
/// to call the roll.", "The bill was read the third time.").
fn stage_direction(doc: &Document<'_>, paragraph: usize) -> bool {
    let first = doc.sentences.partition_point(|s| s.paragraph < paragraph);
    let mut sentences = doc.sentences[first..]
        .iter()
        .take_while(|s| s.paragraph == paragraph);
    let (Some(only), None) = (sentences.next(), sentences.next()) else {
        return false;
    };
    let t = &only.tokens;
    if !t
        .first()
        .is_some_and(|x| matches!(x.lower.as_ref(), "the" | "a" | "an"))
    {
        return false;
    }
    // The subject's words, then its verb.
    let verb_at = t.iter().skip(1).position(|x| {
        x.word && (x.lower.ends_with("ed") || matches!(x.lower.as_ref(), "was" | "were"))
    });
    verb_at.is_some_and(|k| k <= 3 && t[1..=k].iter().all(|x| x.word))
}

/// Whether a line opens with a speaker's label (a new turn, so a new paragraph).
pub(super) fn starts_with_label(line: &str) -> bool {
    label(line.trim_start()).is_some()
}

/// A label at the start of a paragraph: its length, where the words after
/// it start, and the speaker it names.
fn label(text: &str) -> Option<(usize, usize, Mention)> {
    let stamp = timestamp(text);
    if stamp > 0 {
        let (end, body, who) = label(&text[stamp..])?;
        return Some((stamp + end, stamp + body, who));
    }
    if let Some((end, body, name)) = markdown_label(text) {
        let name_ok = name.chars().next().is_some_and(char::is_uppercase)
            && name.split_whitespace().count() <= 5;
        return name_ok.then(|| (end, body, speaker_of(name, None)));
    }
    // "Q." / "A." / "Q:" / "A:"
    for (mark, who) in [("Q", "Q (the examining counsel)"), ("A", "A (the witness)")] {
        for stop in [". ", ": "] {
            if text.starts_with(&format!("{mark}{stop}")) {
                return Some((1, 3, plain(&text[..1], who)));
            }
        }
    }
    if let Some(found) = title_case_label(text) {
        return Some(found);
    }
    let mut at = 0;
    let mut words = Vec::new();
    // Titles, then the name in capitals.
    for word in text.split(' ') {
        let bare = word.trim_end_matches(['.', ':']);
        let is_title = LABEL_TITLES.contains(&word) || LABEL_TITLES.contains(&bare);
        let upper = bare.len() >= 2
            && bare
                .chars()
                .all(|c| c.is_uppercase() || c == '-' || c == '\'')
            && bare.chars().any(char::is_alphabetic);
        if !(is_title && words.iter().all(|w: &&str| LABEL_TITLES.contains(w)) || upper) {
            break;
        }
        words.push(word);
        let end = at + word.len();
        // "DR. OKAFOR:", "MR. JUSTICE HALE:": a title's period is not the
        // label's end.
        let title_period = word.ends_with('.') && is_title;
        // "APPEARANCES:", "CONTENTS:": front matter, no one.
        let front_matter = words.len() == 1 && FRONT_MATTER.contains(&bare);
        if upper && !title_period && !front_matter && (word.ends_with('.') || word.ends_with(':')) {
            let name = &text[..end - 1];
            return Some((end - 1, (end + 1).min(text.len()), speaker_of(name, None)));
        }
        at = end + 1;
        if at >= text.len() {
            return None;
        }
        // "The PRESIDING OFFICER (Mr. Kyl)." names the person in the chair.
        if upper && text[at..].starts_with('(') {
            let close = text[at..].find(')')? + at;
            let after = &text[close + 1..];
            if after.starts_with(". ") || after.starts_with(": ") || after == "." {
                let chair = text[at + 1..close].trim();
                return Some((
                    close + 1,
                    (close + 3).min(text.len()),
                    speaker_of(&text[..at - 1], Some(chair)),
                ));
            }
            return None;
        }
    }
    None
}

/// Titles a label in ordinary case starts with ("Senator Levin.", "Mr.
/// Sparks.", "Chief Justice Morgan:").
const TITLES: &[&str] = &[
    "Mr.",
    "Mrs.",
    "Ms.",
    "Miss",
    "Dr.",
    "Senator",
    "Chairman",
    "Chairwoman",
    "Chair",
    "Representative",
    "Congressman",
    "Congresswoman",
    "Judge",
    "Justice",
    "Chief",
    "General",
    "Secretary",
    "Governor",
    "Commissioner",
    "Ambassador",
    "Admiral",
    "Professor",
    "Lord",
    "Lady",
    "Baroness",
    "Sir",
    "Dame",
];

/// A transcript's front matter, in capitals: headings, never speakers.
const FRONT_MATTER: &[&str] = &[
    "APPEARANCES",
    "CONTENTS",
    "PROCEEDINGS",
    "INDEX",
    "EXHIBITS",
    "WITNESSES",
    "PRESENT",
    "PARTICIPANTS",
    "PANELISTS",
    "AGENDA",
    "SUMMARY",
    "NOTE",
    "ATTENDEES",
    "TRANSCRIPT",
];

/// Words that open a line with a colon without naming anyone ("Note:",
/// "Update:"): never a label.
const NOT_SPEAKERS: &[&str] = &[
    "Note",
    "Notes",
    "Update",
    "Updated",
    "Source",
    "Sources",
    "Background",
    "Summary",
    "Correction",
    "Editor's",
    "Photo",
    "Video",
    "Related",
    "Warning",
    "Disclaimer",
    "Subject",
    "Date",
    "Time",
    "Location",
    "Re",
    "Attachment",
    "Agenda",
    "Topic",
    "Transcript",
];

/// Whether a paragraph opens with a heading word and a colon that names
/// no one ("Editor's note:", "Update:", "Correction:"): an insert by the
/// publication.
pub(super) fn editorial_note(text: &str) -> bool {
    let Some((head, _)) = text.split_once(':') else {
        return false;
    };
    let words: Vec<String> = head
        .split_whitespace()
        .map(|w| w.replace('’', "'"))
        .collect();
    words.len() <= 3
        && words
            .first()
            .is_some_and(|w| NOT_SPEAKERS.contains(&w.as_str()))
}

/// A label in ordinary case: titles and a capitalized name closed by `.`
/// or `:` (`Senator Levin.`, `Mr. Sparks [continuing].`, `Ms Rivera:`);
/// or, without a title, one to three capitalized words closed by `:`
/// (`Rivera:`, `Emma Bostian:`), never by `.` (that is a sentence). The
/// turn's first word follows.
fn title_case_label(text: &str) -> Option<(usize, usize, Mention)> {
    let mut at = 0;
    let (mut titled, mut named) = (false, 0);
    let words: Vec<&str> = text.split(' ').take(6).collect();
    for (k, word) in words.iter().enumerate() {
        let bare = word.trim_end_matches(['.', ':']);
        let title = TITLES.contains(word)
            || TITLES.contains(&format!("{bare}.").as_str())
            || TITLES.contains(&bare);
        let capitalized = bare.chars().next().is_some_and(char::is_uppercase)
            && bare.chars().skip(1).any(char::is_lowercase)
            && bare
                .chars()
                .all(|c| c.is_alphabetic() || c == '-' || c == '\'' || c == '’');
        let mut end = at + word.len();
        let mut closes = word.ends_with(':') || (titled && word.ends_with('.'));
        // "Mr. Sparks [continuing]."
        if !closes && capitalized && titled && words.get(k + 1) == Some(&"[continuing].") {
            end += " [continuing].".len();
            closes = true;
        }
        let untitled_section =
            !titled && k == 0 && NOT_SPEAKERS.contains(&bare.replace('’', "'").as_str());
        if closes && capitalized && !(title && !titled && word.ends_with('.')) && !untitled_section
        {
            let label_end = if text[..end].ends_with("[continuing].") {
                at + word.len()
            } else {
                end - 1
            };
            let body = (end + 1).min(text.len());
            let next = text[body..].chars().next();
            // "General Verrilli." alone is the chair calling on someone:
            // a label closed by a period has its words on its line.
            if next.is_none() && !word.ends_with(':') {
                return None;
            }
            if next
                .is_none_or(|c| c.is_uppercase() || c.is_ascii_digit() || "\"'“‘([—-".contains(c))
            {
                return Some((label_end, body, speaker_of(&text[..label_end], None)));
            }
            return None;
        }
        if title && named == 0 && (k == 0 || titled) {
            titled = true;
        } else if capitalized && !closes && named < 2 {
            named += 1;
        } else {
            return None;
        }
        at = end + 1;
    }
    None
}

/// A timestamp before a label (`[00:12:31] RIVERA:`, `00:12:31 Rivera:`,
/// Markdown's escaped `\[03:26\]`): its length with the spaces after it.
fn timestamp(text: &str) -> usize {
    let rest = text.trim_start_matches(['\\', '[']);
    let digits_and_colons = rest
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b':' || *b == b'.')
        .count();
    let stamp = &rest[..digits_and_colons];
    if !(stamp.contains(':') && stamp.bytes().filter(u8::is_ascii_digit).count() >= 3) {
        return 0;
    }
    let after = &rest[digits_and_colons..];
    let closed = after.trim_start_matches(['\\', ']']);
    let skipped = text.len() - closed.len();
    skipped + (closed.len() - closed.trim_start().len())
}

/// A Markdown label (`**Ms Rivera**:`, `**Ms Rivera:**`): the label's
/// length, where the words start, and the name.
fn markdown_label(text: &str) -> Option<(usize, usize, &str)> {
    let inner = text
        .strip_prefix("**")
        .or_else(|| text.strip_prefix("__"))?;
    let close = inner.find(&text[..2])?;
    if close > 60 {
        return None;
    }
    let name = &inner[..close];
    let after = &inner[close + 2..];
    let (name, rest) = match (name.strip_suffix(':'), after.strip_prefix(':')) {
        (Some(n), _) => (n, after),
        (None, Some(rest)) => (name, rest),
        _ => return None,
    };
    let words_at = text.len() - rest.trim_start().len();
    Some((text.len() - after.len(), words_at, name.trim()))
}

fn speaker_of(label: &str, chair: Option<&str>) -> Mention {
    let written = chair.unwrap_or(label);
    let name = super::mentions::strip_titles(written);
    let name = if name.chars().any(char::is_lowercase) {
        name
    } else {
        title_case(&name)
    };
    plain(written, &name)
}

fn plain(written: &str, name: &str) -> Mention {
    Mention {
        written: written.to_string(),
        name: name.to_string(),
        range: 0..0,
        description: None,
        proper: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_of_every_kind() {
        for (text, name) in [
            ("Mr. GORTON. Mr. President, this is", "Gorton"),
            (
                "The PRESIDING OFFICER. Without objection",
                "Presiding Officer",
            ),
            ("The PRESIDING OFFICER (Mr. Kyl). The clerk", "Kyl"),
            ("SENATOR HALE: I yield", "Hale"),
            ("THE WITNESS: Yes.", "Witness"),
            ("Q. Where were you?", "Q (the examining counsel)"),
            ("Mrs. BOXER. I object.", "Boxer"),
            ("DR. OKAFOR: The samples were clean.", "Okafor"),
            ("MR. JUSTICE HALE: Counsel?", "Hale"),
            ("CHIEF JUSTICE MORGAN: We will hear", "Morgan"),
            ("Senator Levin. Thank you.", "Levin"),
            ("Mr. Sparks. I do not see", "Sparks"),
            ("Mr. Sparks [continuing]. The", "Sparks"),
            ("Ms Rivera: I approved it.", "Rivera"),
        ] {
            assert_eq!(
                label(text).map(|l| l.2.name),
                Some(name.to_string()),
                "{text}"
            );
        }
        for text in [
            "Mr. President, I",
            "The clerk will call the roll.",
            "NASA said",
            "I. Introduction",
            "Mr. Smith said the plan was late.",
            "Senator Levin asked whether",
            "Washington. The city",
        ] {
            assert!(label(text).is_none(), "{text}");
        }
    }

    #[test]
    fn turns_run_over_paragraphs_and_skip_notes() {
        let text = "HEADER\n\n  Mr. BOND. I ask.\n  More words.\n  (The remarks of Mr. Bond.)\n  Mr. HELMS. I object.";
        let doc = Document::new(text);
        let turns = turns(&doc);
        assert_eq!(turns.len(), 2);
        assert_eq!(doc.slice(&turns[0].range), "I ask.\n  More words.");
        assert_eq!(turns[1].speaker.name, "Helms");
    }
}
