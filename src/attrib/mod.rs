//! Attribution: who a source says said a passage.
//!
//! The citation checker proves a quote is in its source; this module reads
//! the source around it to find whom the source credits with those words,
//! so that a real quote pinned on the wrong person does not pass, and so
//! that a new document's attributed statements can be proposed as claims.
//! It is rules over the text, explainable and quick, with no model:
//!
//! 1. `text.rs` cuts the document into paragraphs, sentences and words
//!    (a web page stored as HTML through its reading copy, `markup.rs`),
//!    and `quotes.rs` finds its quotations in any style;
//! 2. `speech.rs` reads each sentence's verbs of saying (`verbs.rs`; and
//!    "according to", "X's assertion that", `nounless.rs`) with their
//!    subjects (`mentions.rs`, `names.rs`; a passive's agent or a subject
//!    after the verb, `speakers.rs`) and the words they report
//!    (`clauses.rs`);
//! 3. [`Analysis::new`] then works over the whole document (`passes.rs`):
//!    it follows "he", "Moriuchi" and "the threat" back to whom they name
//!    (`coreference.rs`), gives a quotation standing alone to the speaker
//!    just before it,
//!    carries reported speech on into a sentence that continues it
//!    ("Instead, …"), credits words quoted again to whom they were
//!    credited the first time (`repeats.rs`), reads a transcript's speaker
//!    labels (`transcript.rs`)
//!    and a page's headlines and bylines (`pieces.rs`), and leaves the
//!    rest of the prose to the document's author (its byline's writer,
//!    else the source's author or publisher);
//! 4. [`Attributions::attribute`] answers for one passage (the claim
//!    checker's question, `credit.rs`) and [`extract()`] proposes every
//!    attributed statement.

mod clauses;
mod coreference;
mod credit;
pub mod extract;
pub(crate) mod lexicon;
pub mod markup;
pub(crate) mod mentions;
mod names;
mod nounless;
mod passes;
mod pieces;
pub(crate) mod quotes;
mod repeats;
mod speakers;
pub(crate) mod speech;
pub(crate) mod text;
pub(crate) mod transcript;
mod verbs;

use std::ops::Range;

pub use extract::{extract, extract_with, Proposal, Turns};
pub use mentions::{names_match, Mention};
pub use speech::{Rule, Speech};

use crate::model::Mode;
use quotes::Quotation;
use text::Document;
use transcript::Turn;

/// Verbs of stance: they say what someone thinks, not what they said, but
/// they introduce the speaker of a quotation that follows.
const STANCE: &[&str] = &[
    "doubts",
    "doubted",
    "believes",
    "believed",
    "thinks",
    "thought",
    "fears",
    "feared",
    "hopes",
    "hoped",
    "worries",
    "worried",
    "expects",
    "expected",
    "agrees",
    "agreed",
    "disagrees",
    "disagreed",
];

/// A document read for attribution.
#[derive(Debug)]
pub struct Analysis<'t> {
    /// Its paragraphs, sentences and words.
    pub doc: Document<'t>,
    /// Its quotations.
    pub quotes: Vec<Quotation>,
    /// Everything attributed to someone other than the author.
    pub speeches: Vec<Speech>,
    /// A transcript's turns (none for other texts).
    pub turns: Vec<Turn>,
    /// The sentences that are the author's own prose.
    pub prose: Vec<usize>,
    /// The author's clauses that open sentences in which someone else is
    /// then credited: each sentence and the clause's range.
    pub leads: Vec<(usize, Range<usize>)>,
    /// The pieces' bylines: the paragraph each is and the writer it names.
    pub bylines: Vec<(usize, String)>,
    /// The paragraphs that are headlines, each ending a piece.
    pub headlines: Vec<usize>,
}

/// What [`Analysis`] found, without the text: what the claim checker
/// keeps per source text to attribute passage after passage.
#[derive(Debug, Clone, Default)]
pub struct Attributions {
    speeches: Vec<Speech>,
    /// The line and column of each speech's cue, then of each turn's label.
    positions: Vec<(u32, u32)>,
    turns: Vec<Turn>,
    /// The author's prose: stretches of sentences with the same writer,
    /// each with its writer's place in `writers` ([`NO_WRITER`] when no
    /// byline names one). Sentences apart only by whitespace are one
    /// stretch: a passage (never only whitespace) overlaps the stretch
    /// exactly when it overlaps one of its sentences, and a text kept for
    /// claim after claim costs a stretch, not 40 bytes a sentence.
    prose: Vec<(Range<u32>, u32)>,
    writers: Vec<String>,
    quotes: Vec<Quotation>,
}

/// A stretch of prose whose piece no byline names.
const NO_WRITER: u32 = u32::MAX;

impl Attributions {
    /// About the memory it holds, in bytes (what a cache of texts counts).
    pub fn heap_bytes(&self) -> usize {
        fn vec<T>(v: &Vec<T>) -> usize {
            v.capacity() * std::mem::size_of::<T>()
        }
        /// A list's own memory and what each of its items holds.
        fn list<T>(v: &Vec<T>, held: impl Fn(&T) -> usize) -> usize {
            vec(v) + v.iter().map(held).sum::<usize>()
        }
        let mention = |m: &Mention| {
            m.written.capacity()
                + m.name.capacity()
                + m.description.as_ref().map_or(0, String::capacity)
        };
        list(&self.speeches, |s| mention(&s.speaker) + vec(&s.parts))
            + vec(&self.positions)
            + list(&self.turns, |t| mention(&t.speaker) + vec(&t.paragraphs))
            + vec(&self.prose)
            + list(&self.writers, String::capacity)
            + vec(&self.quotes)
    }
}

/// Whom the source credits with a passage, as [`Attributions::attribute`] finds it.
#[derive(Debug, Clone, PartialEq)]
pub struct Credit {
    /// Who.
    pub speaker: Mention,
    /// The attribution's words in the text ("Thae says"), or the label.
    pub cue: Range<usize>,
    /// The reading that found it.
    pub rule: Rule,
    /// Whether the passage is their words, reported speech, or both.
    pub mode: Mode,
    /// The 1-based line and column (in characters) of the cue; (0, 0) when there is none.
    pub position: (u32, u32),
}

/// Why a passage cannot be attributed to one speaker.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// The passage runs from one speaker's turn into another's.
    CrossesTurns {
        /// The first turn's speaker.
        first: Box<Mention>,
        /// The next one's.
        second: Box<Mention>,
    },
}

impl<'t> Analysis<'t> {
    /// Reads `text`, as it is.
    pub fn new(text: &'t str) -> Self {
        Self::read(Document::new(text))
    }

    /// Reads `text`, a stored web page through its reading copy when it
    /// is one (`reading`, from [`markup::reading_copy`]).
    pub fn with_reading(text: &'t str, reading: Option<&'t markup::Reading>) -> Self {
        match reading {
            Some(r) => Self::read(Document::of_page(text, r)),
            None => Self::new(text),
        }
    }

    fn read(doc: Document<'t>) -> Self {
        let text = doc.text;
        let quotes = quotes::quotations(&doc);
        let turns = transcript::turns(&doc);
        let mut speeches = Vec::new();
        let mut stances: Vec<(usize, Mention)> = Vec::new();
        for (index, s) in doc.sentences.iter().enumerate() {
            // A turn's label ("Mr. GORTON.") is nobody's statement.
            let k = turns.partition_point(|t| t.label.end + 1 < s.range.end);
            if turns
                .get(k)
                .is_some_and(|t| t.label.start <= s.range.start && s.range.end <= t.label.end + 1)
            {
                continue;
            }
            let found = speech::in_sentence(text, s, index, &quotes);
            // "They said:" ending a paragraph introduces the quotation
            // that opens the next one (see `standalone_quotations`).
            if found.is_empty() && s.tokens.last().is_some_and(|t| t.lower == ":") {
                let cue = s
                    .tokens
                    .iter()
                    .rposition(|t| lexicon::cue(&t.lower).is_some());
                if let Some((m, _)) = cue.and_then(|v| mentions::subject_before(text, &s.tokens, v))
                {
                    stances.push((index, m));
                }
            }
            for found in found {
                // Quotations are in order and do not nest: the one that
                // could hold the cue is the last to start before it.
                let k = quotes.partition_point(|q| q.inner.start <= found.cue.start);
                let inside_quote = k > 0 && found.cue.end <= quotes[k - 1].inner.end;
                if !inside_quote {
                    speeches.push(found);
                }
            }
            if let Some(v) = s.tokens.iter().position(|t| lexicon::is(STANCE, &t.lower)) {
                if let Some((m, _)) = mentions::subject_before(text, &s.tokens, v) {
                    stances.push((index, m));
                }
            }
        }
        // "I ask unanimous consent that …" in a turn is the turn's speaker;
        // "I" or "we" in prose is the author, whose prose it stays.
        speeches.retain_mut(|s| {
            let in_turn = transcript::turn_holding(&turns, s.cue.start).is_some();
            // "the Committee … said that we expect …": the turn's speaker
            // speaks for a body they are part of, in their own words.
            let first_person = s.parts.first().is_some_and(|p| {
                // The first word, whatever mark or contraction follows it ("We’re").
                let first = text[p.clone()]
                    .split(|c: char| !c.is_alphanumeric())
                    .find(|w| !w.is_empty())
                    .unwrap_or("");
                lexicon::is(&["we", "our", "us"], &first.to_lowercase())
            });
            if in_turn && first_person && s.rule == Rule::Reported {
                return false;
            }
            // "Instead you told your salespeople, “Keep pushing this
            // deal.”": in a turn, quoted words of "you" are the addressee's,
            // who answers next (or spoke last). A paraphrase ("you said you
            // were not sure") is left to the turn's speaker.
            if s.speaker.name.eq_ignore_ascii_case("you") {
                let addressee = transcript::turn_holding(&turns, s.cue.start)
                    .filter(|_| s.mode != Mode::Indirect)
                    .and_then(|k| {
                        let own = &turns[k].speaker.name;
                        [k + 1, k.wrapping_sub(1)]
                            .into_iter()
                            .filter_map(|j| turns.get(j))
                            .find(|t| &t.speaker.name != own)
                    });
                return match addressee {
                    Some(turn) => {
                        s.speaker = Mention {
                            range: s.speaker.range.clone(),
                            ..turn.speaker.clone()
                        };
                        true
                    }
                    None => false,
                };
            }
            if !lexicon::is(&["i", "we"], &s.speaker.name.to_lowercase()) {
                return true;
            }
            match transcript::turn_holding(&turns, s.cue.start).map(|k| &turns[k]) {
                Some(turn) => {
                    s.speaker = Mention {
                        range: s.speaker.range.clone(),
                        ..turn.speaker.clone()
                    };
                    s.parts = vec![doc.sentences[s.sentence].range.clone()];
                    s.rule = Rule::Label;
                    s.mode = Mode::Direct;
                    true
                }
                None => false,
            }
        });
        let mut analysis = Analysis {
            doc,
            quotes,
            speeches,
            turns,
            prose: Vec::new(),
            leads: Vec::new(),
            bylines: Vec::new(),
            headlines: Vec::new(),
        };
        analysis.find_pieces();
        let issuers = analysis.issuers();
        analysis.name_speech_nouns(&issuers);
        analysis.standalone_quotations(&stances, &issuers);
        analysis.continuations();
        analysis.speeches.sort_by_key(|s| (s.sentence, s.cue.start));
        analysis.resolve_names(&stances);
        analysis.repeated_quotations();
        analysis.speeches.sort_by_key(|s| (s.sentence, s.cue.start));
        (analysis.prose, analysis.leads) = analysis.author_prose();
        analysis
    }

    /// What was found, kept without the text.
    pub fn attributions(self) -> Attributions {
        let mut sentences: Vec<(Range<usize>, Option<&str>)> = self
            .prose
            .iter()
            .map(|&si| (si, self.doc.sentences[si].range.clone()))
            .chain(self.leads.iter().cloned())
            .map(|(si, range)| (range, self.writer_of(si)))
            .collect();
        sentences.sort_by_key(|(r, _)| r.start);
        let mut writers: Vec<String> = Vec::new();
        let mut prose: Vec<(Range<u32>, u32)> = Vec::new();
        for (range, writer) in sentences {
            let writer = match writer {
                None => NO_WRITER,
                Some(w) => match writers.iter().position(|known| known == w) {
                    Some(k) => k as u32,
                    None => {
                        writers.push(w.to_string());
                        (writers.len() - 1) as u32
                    }
                },
            };
            let (start, end) = (range.start as u32, range.end as u32);
            if let Some((last, last_writer)) = prose.last_mut() {
                let gap = self.doc.source.get(last.end as usize..range.start);
                if *last_writer == writer && gap.is_some_and(|g| g.trim().is_empty()) {
                    last.end = last.end.max(end);
                    continue;
                }
            }
            prose.push((start..end, writer));
        }
        prose.shrink_to_fit();
        let lines = crate::cite::LineIndex::new(self.doc.source);
        let at = |offset: usize| {
            let p = lines.position(offset);
            (p.line as u32, p.column as u32)
        };
        let positions = self
            .speeches
            .iter()
            .map(|s| s.cue.start)
            .chain(self.turns.iter().map(|t| t.label.start))
            .map(at)
            .collect();
        Attributions {
            positions,
            speeches: self.speeches,
            turns: self.turns,
            prose,
            writers,
            quotes: self.quotes,
        }
    }
}
