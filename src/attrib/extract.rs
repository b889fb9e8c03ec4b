//! Proposing claims: every attributed statement of a document, with its
//! speaker as the text introduces them, the passage (anchored by
//! construction: it is the text's own bytes), its mode, the rule that
//! found it, and a suggested confidence whose rationale names its cues.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::text::Document;
use super::{lexicon, Analysis, Rule};
use crate::model::Mode;

/// A claim the text supports, for a curator to accept or not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Proposal {
    /// The speaker's name as the text introduces them ("Priscilla Moriuchi"),
    /// or the stored speaker's name when one matches.
    pub speaker: String,
    /// Whether `speaker` is a stored speaker (false: accepting the
    /// proposal adds them).
    pub known_speaker: bool,
    /// How the text names them where it credits them ("Moriuchi", "He").
    pub named_as: String,
    /// The appositive that introduced them, when there is one.
    pub description: Option<String>,
    /// The passage, verbatim; a quotation split around its attribution
    /// is given as `“first part” … “second part”`.
    pub quote: String,
    /// Byte range of the passage in the text (first part to last).
    pub start_byte: usize,
    /// One past its end.
    pub end_byte: usize,
    /// Direct, indirect or mixed.
    pub mode: Mode,
    /// The reading that found it.
    pub rule: String,
    /// The attribution's words, as printed ("Thae says").
    pub cue: String,
    /// A suggested confidence, 0 to 1.
    pub confidence: f64,
    /// Why that confidence: the cues that raised or lowered it.
    pub rationale: String,
}

impl Proposal {
    /// The passage's byte range.
    pub fn range(&self) -> Range<usize> {
        self.start_byte..self.end_byte
    }
}

/// How a transcript's turns are proposed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Turns {
    /// A turn is one speaker's, however many sentences and pages it runs
    /// over: one proposal each (the words it credits to others apart).
    #[default]
    #[serde(rename = "turn")]
    Whole,
    /// Each sentence of a turn a proposal of its own (`extract --by sentence`).
    #[serde(rename = "sentence")]
    BySentence,
}

/// Every attributed statement of the analysed text, in the order of the
/// text; running prose credited to no one else is `author`'s, when known.
/// A transcript's turns are proposed whole.
pub fn extract(a: &Analysis<'_>, author: Option<&str>) -> Vec<Proposal> {
    extract_with(a, author, Turns::Whole)
}

/// [`extract`], with a transcript's turns proposed as `turns` says.
pub fn extract_with(a: &Analysis<'_>, author: Option<&str>, turns: Turns) -> Vec<Proposal> {
    let text = a.doc.text;
    let mut out = Vec::new();
    for s in &a.speeches {
        // A turn's speaker speaking of themselves ("I ask unanimous
        // consent...") is the turn itself, when turns are whole.
        if turns == Turns::Whole && s.rule == Rule::Label {
            continue;
        }
        let name = s.speaker.name.to_lowercase();
        if lexicon::is(lexicon::PRONOUNS, &name) || lexicon::is(&["his", "her", "their"], &name) {
            continue; // a pronoun nobody could be found for
        }
        if !names_someone(&s.speaker.written) {
            continue; // a fragment ("Let me", "But why don't you"), no one
        }
        let parts: Vec<Range<usize>> = s
            .parts
            .iter()
            .map(|p| trim(text, p.clone()))
            .filter(|p| !p.is_empty())
            .collect();
        if parts.is_empty() {
            continue;
        }
        let quote = if parts.len() == 1 {
            a.doc.words_of(&parts[0])
        } else {
            parts
                .iter()
                .map(|p| format!("“{}”", a.doc.words_of(p)))
                .collect::<Vec<_>>()
                .join(" … ")
        };
        let second_hand = s.verb.is_some_and(|v| v.to_someone);
        let cue = if s.cue.is_empty() {
            String::new()
        } else {
            a.doc.words_of(&s.cue)
        };
        let (confidence, rationale) = suggest(s.mode, s.rule, second_hand, &quote, &cue);
        out.push(Proposal {
            speaker: s.speaker.name.clone(),
            known_speaker: false,
            named_as: s.speaker.written.clone(),
            description: s.speaker.description.clone(),
            quote,
            start_byte: parts[0].start,
            end_byte: parts[parts.len() - 1].end,
            mode: s.mode,
            rule: s.rule.as_str().to_string(),
            cue,
            confidence,
            rationale,
        });
    }
    if turns == Turns::Whole {
        for turn in &a.turns {
            let range = trim(text, turn.range.clone());
            let first = a
                .doc
                .sentences
                .partition_point(|s| s.range.end <= range.start);
            let has_words = a.doc.sentences[first..]
                .iter()
                .take_while(|s| s.range.start < range.end)
                .flat_map(|s| &s.tokens)
                .any(|t| t.word && range.contains(&t.range.start));
            if !has_words {
                continue; // a label alone
            }
            out.push(turn_proposal(
                &a.doc,
                turn,
                range.clone(),
                a.doc.words_of(&range),
            ));
        }
    }
    // A transcript's turns, sentence by sentence, where no one else is quoted.
    let (has, overlapped) = a.spoken(&a.speeches);
    for (k, s) in a
        .doc
        .sentences
        .iter()
        .enumerate()
        .filter(|_| turns == Turns::BySentence)
    {
        let Some(turn) =
            super::transcript::turn_holding(&a.turns, s.range.start).map(|t| &a.turns[t])
        else {
            continue;
        };
        let credited = has[k] || overlapped[k];
        if s.range.end <= turn.range.end && !credited && s.tokens.iter().any(|t| t.word) {
            let range = trim(text, s.range.clone());
            let quote = a.doc.words_of(&range);
            out.push(turn_proposal(&a.doc, turn, range, quote));
        }
    }
    let prose = a
        .prose
        .iter()
        .map(|&si| (si, a.doc.sentences[si].range.clone()));
    for (si, range) in prose.chain(a.leads.iter().cloned()) {
        // A piece's byline names its writer; else the document's author.
        if let Some(author) = a.writer_of(si).or(author) {
            let range = trim(text, range);
            let quote = a.doc.words_of(&range);
            let (confidence, rationale) = suggest(Mode::Direct, Rule::Author, false, &quote, "");
            out.push(Proposal {
                speaker: author.to_string(),
                known_speaker: false,
                named_as: author.to_string(),
                description: None,
                quote,
                start_byte: range.start,
                end_byte: range.end,
                mode: Mode::Direct,
                rule: Rule::Author.as_str().to_string(),
                cue: String::new(),
                confidence,
                rationale,
            });
        }
    }
    let mut out: Vec<Proposal> = out
        .into_iter()
        .flat_map(|p| split_supplements(&a.doc, p))
        .map(|mut p| {
            // A web page's passage runs over whole entities, as its quote does.
            let range = super::markup::snap(&a.doc.markup, p.range());
            (p.start_byte, p.end_byte) = (range.start, range.end);
            p
        })
        .collect();
    out.sort_by_key(|p| p.start_byte);
    out
}

/// A turn's speaker credited with `quote` (the turn's words at `range`,
/// or one sentence of them).
fn turn_proposal(
    doc: &Document<'_>,
    turn: &super::transcript::Turn,
    range: Range<usize>,
    quote: String,
) -> Proposal {
    let cue = doc.words_of(&turn.label);
    let (confidence, rationale) = suggest(Mode::Direct, Rule::Label, false, &quote, &cue);
    Proposal {
        speaker: turn.speaker.name.clone(),
        known_speaker: false,
        named_as: turn.speaker.written.clone(),
        description: None,
        quote,
        start_byte: range.start,
        end_byte: range.end,
        mode: Mode::Direct,
        rule: Rule::Label.as_str().to_string(),
        cue,
        confidence,
        rationale,
    }
}

/// Words a speaker's name or description never starts with: a verb's
/// helpers, conjunctions, question words, a possessive, the addressee. A
/// subject found before a verb of saying that starts so is a fragment of
/// the sentence ("Let me ask", "But why don't you answer", "Can you tell"),
/// not someone, and is never proposed (nor, accepted, stored as a speaker).
const NOT_A_NAME: &[&str] = &[
    "let", "but", "and", "or", "so", "if", "then", "because", "while", "although", "though", "can",
    "could", "should", "would", "will", "shall", "may", "might", "must", "do", "does", "did",
    "when", "why", "how", "what", "where", "whether", "that", "this", "these", "those", "similar",
    "your", "my", "our", "you", "i'd", "i've", "i'm", "i'll", "we've", "we'd", "we'll", "we're",
    "you've", "you'd", "you're", "there", "here", "just", "also", "even", "not", "yes", "well",
    "now", "again", "only", "both", "each", "every", "any", "some", "such", "another", "more",
    "most", "all", "no",
];

/// Whether a speaker as written could name someone (see [`NOT_A_NAME`]);
/// nor does a name end in a pronoun ("the actions you’ve", a relative
/// clause's subject taken for the speaker's).
pub(super) fn names_someone(written: &str) -> bool {
    let last = written
        .split_whitespace()
        .next_back()
        .unwrap_or_default()
        .to_lowercase()
        .replace('’', "'");
    let pronoun = last.split('\'').next().unwrap_or_default();
    if written.split_whitespace().count() > 1
        && lexicon::is(&["you", "we", "they", "he", "she", "it"], pronoun)
    {
        return false;
    }
    let first = written
        .split_whitespace()
        .next()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’'))
        .unwrap_or_default()
        .to_lowercase()
        .replace('’', "'");
    !first.is_empty() && !lexicon::is(NOT_A_NAME, &first)
}

/// Marks that open a supplement: a clause added to a sentence that makes
/// a claim of its own ("…, which aimed to prevent the release of a movie",
/// "…—including the three North Koreans on the FBI's list"), with the
/// fewest words it must have to stand as one.
const SUPPLEMENTS: &[(&str, usize)] = &[
    (", which ", 8),
    ("—including ", 5),
    ("—though ", 5),
    ("—although ", 5),
];

/// A paraphrase or the author's sentence, cut before each supplement;
/// a quotation stays whole, as its speaker's words.
fn split_supplements(doc: &Document<'_>, p: Proposal) -> Vec<Proposal> {
    let text = doc.text;
    if p.mode == Mode::Direct && p.rule != Rule::Author.as_str() {
        return vec![p];
    }
    let passage = &text[p.range()];
    let mut cuts: Vec<(usize, usize)> = SUPPLEMENTS
        .iter()
        .flat_map(|(mark, words)| {
            passage.match_indices(mark).filter_map(move |(at, m)| {
                let rest = &passage[at + m.len()..];
                let clause = rest.split([',', ';', '—']).next().unwrap_or(rest);
                (clause.split_whitespace().count() >= *words).then_some((
                    at,
                    at + m.len() - m.trim_start_matches([',', '—', ' ']).len(),
                ))
            })
        })
        .collect();
    if cuts.is_empty() {
        return vec![p];
    }
    cuts.sort_unstable();
    let mut pieces = Vec::new();
    let mut start = 0;
    for (end, next) in cuts {
        pieces.push(start..end);
        start = next;
    }
    pieces.push(start..passage.len());
    pieces
        .into_iter()
        .map(|r| {
            let range = trim(text, p.start_byte + r.start..p.start_byte + r.end);
            Proposal {
                quote: doc.words_of(&range),
                start_byte: range.start,
                end_byte: range.end,
                ..p.clone()
            }
        })
        .filter(|q| q.start_byte < q.end_byte)
        .collect()
}

/// A passage without the spaces and the quotation marks at its ends.
fn trim(text: &str, range: Range<usize>) -> Range<usize> {
    let s = &text[range.clone()];
    let lead = s.len()
        - s.trim_start_matches(|c: char| c.is_whitespace() || "“\"«»„`".contains(c))
            .len();
    let body = &s[lead..];
    // A closing mark stays when the passage opens one inside itself.
    let opens = body.matches(['“', '«']).count();
    let closes = body.matches(['”', '»']).count();
    let marks: &str = if opens >= closes { "\"'" } else { "”\"»«'" };
    let kept = body
        .trim_end_matches(|c: char| c.is_whitespace() || marks.contains(c) || c == ',')
        .len();
    range.start + lead..range.start + lead + kept
}

/// A suggested confidence and its reasons: direct words are surer than a
/// paraphrase, a paraphrase passed through someone else ("tells White
/// that") less sure again, and a hedge in the words ("may", "alleged")
/// lowers it.
fn suggest(mode: Mode, rule: Rule, second_hand: bool, quote: &str, cue: &str) -> (f64, String) {
    let (mut c, mut why): (f64, Vec<String>) = match (rule, mode) {
        (Rule::Label, _) => (
            0.95,
            vec!["the speaker's own words in the transcript".into()],
        ),
        (Rule::Author, _) => (0.8, vec!["the author's own statement".into()]),
        (_, Mode::Direct) => (0.9, vec![format!("direct quotation ({})", describe(cue))]),
        (_, Mode::Mixed) => (
            0.8,
            vec![format!("reported with quoted words ({})", describe(cue))],
        ),
        (_, Mode::Indirect) => (0.7, vec![format!("paraphrase ({})", describe(cue))]),
    };
    if second_hand {
        c -= 0.1;
        why.push("second hand: told to someone else".into());
    }
    if rule == Rule::Continued {
        c -= 0.1;
        why.push("attributed by continuation, not by its own cue".into());
    }
    if rule == Rule::Repeated {
        c -= 0.1;
        why.push("credited where the same words were quoted before".into());
    }
    // A capital past the first word is a name ("in May"), not a hedge.
    let hedges: Vec<&str> = quote
        .split(|ch: char| !ch.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .enumerate()
        .filter(|(k, w)| *k == 0 || !w.starts_with(char::is_uppercase))
        .map(|(_, w)| w)
        .filter(|w| lexicon::is(lexicon::HEDGES, &w.to_lowercase()))
        .collect();
    if let Some(h) = hedges.first() {
        c -= 0.15;
        why.push(format!("hedged: “{h}”"));
    }
    ((c.clamp(0.1, 1.0) * 100.0).round() / 100.0, why.join("; "))
}

fn describe(cue: &str) -> String {
    if cue.is_empty() {
        "no verb of its own".into()
    } else {
        format!("“{}”", cue.split_whitespace().collect::<Vec<_>>().join(" "))
    }
}
