//! Attribution: who a source says said a passage.
//!
//! The citation checker proves a quote is in its source; this module reads
//! the source around it to find whom the source credits with those words,
//! so that a real quote pinned on the wrong person does not pass, and so
//! that a new document's attributed statements can be proposed as claims.
//! It is rules over the text, explainable and quick, with no model:
//!
//! 1. [`text`] cuts the document into paragraphs, sentences and words,
//!    and [`quotes`] finds its quotations in any style;
//! 2. [`speech`] reads each sentence's verbs of saying (and "according
//!    to", "X's assertion that") with their subjects ([`mentions`]);
//! 3. [`Analysis::new`] then works over the whole document: it follows
//!    "he", "Moriuchi" and "the threat" back to whom they name, gives a
//!    quotation standing alone to the speaker just before it, carries
//!    reported speech on into a sentence that continues it ("Instead,
//!    …"), reads a transcript's speaker labels ([`transcript`]), and leaves
//!    the rest of the prose to the document's author;
//! 4. [`Analysis::attribute`] answers for one passage (the claim checker's
//!    question) and [`extract`] proposes every attributed statement.

pub mod extract;
pub mod lexicon;
pub mod mentions;
pub mod quotes;
pub mod speech;
pub mod text;
pub mod transcript;

use std::ops::Range;

pub use extract::{extract, Proposal};
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
}

/// What [`Analysis`] found, without the text: what the claim checker
/// keeps per source text to attribute passage after passage.
#[derive(Debug, Clone, Default)]
pub struct Attributions {
    speeches: Vec<Speech>,
    /// The line and column of each speech's cue, then of each turn's label.
    positions: Vec<(u32, u32)>,
    turns: Vec<Turn>,
    prose: Vec<Range<usize>>,
    quotes: Vec<Quotation>,
}

/// Whom the source credits with a passage, as [`Analysis::attribute`] finds it.
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
    /// Reads `text`.
    pub fn new(text: &'t str) -> Self {
        let doc = Document::new(text);
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
            for found in speech::in_sentence(text, s, index, &quotes) {
                let inside_quote = quotes
                    .iter()
                    .any(|q| q.inner.start <= found.cue.start && found.cue.end <= q.inner.end);
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
            if !lexicon::is(&["i", "we"], &s.speaker.name.to_lowercase()) {
                return true;
            }
            match turns
                .iter()
                .find(|t| t.range.start <= s.cue.start && s.cue.start < t.range.end)
            {
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
        };
        analysis.name_speech_nouns();
        analysis.standalone_quotations(&stances);
        analysis.continuations();
        analysis.speeches.sort_by_key(|s| (s.sentence, s.cue.start));
        analysis.resolve_names(&stances);
        analysis.prose = analysis.author_prose();
        analysis
    }

    /// "the threat stated", "That chilling threat": the issuer of the
    /// thing said, from a clause where someone issued, made or posted it.
    fn name_speech_nouns(&mut self) {
        let issuers = self.issuers();
        for s in &mut self.speeches {
            if s.speaker.proper {
                continue;
            }
            let noun = mentions::surname(&s.speaker.name).to_lowercase();
            if !lexicon::is(lexicon::SPEECH_NOUNS, &noun) {
                continue;
            }
            let nearest = issuers
                .iter()
                .filter(|(n, _)| *n == noun)
                .min_by_key(|(_, m)| m.range.start.abs_diff(s.cue.start));
            if let Some((_, issuer)) = nearest {
                s.speaker = issuer.clone();
            }
        }
    }

    /// Every "SUBJECT issued a … NOUN" of the document: the noun and the subject.
    fn issuers(&self) -> Vec<(String, Mention)> {
        let mut out = Vec::new();
        for s in &self.doc.sentences {
            let t = &s.tokens;
            for (v, tok) in t.iter().enumerate() {
                if !lexicon::is(lexicon::ISSUING_VERBS, &tok.lower) {
                    continue;
                }
                let noun = t[v + 1..]
                    .iter()
                    .take(4)
                    .find(|x| lexicon::is(lexicon::SPEECH_NOUNS, &x.lower));
                if let (Some(noun), Some((m, _))) =
                    (noun, mentions::subject_before(self.doc.text, t, v))
                {
                    out.push((noun.lower.clone(), m));
                }
            }
        }
        out
    }

    /// A quotation that stands alone, with no verb of saying beside it: its
    /// speaker is the one who spoke (or was introduced) just before it, or
    /// the issuer of "that threat" in the sentence right after it.
    fn standalone_quotations(&mut self, stances: &[(usize, Mention)]) {
        let covered = |speeches: &[Speech], q: &Quotation| {
            speeches.iter().any(|s| {
                s.parts
                    .iter()
                    .any(|p| p.start < q.inner.end && q.inner.start < p.end)
            })
        };
        let issuers = self.issuers();
        let mut found = Vec::new();
        for (qi, q) in self.quotes.iter().enumerate() {
            if q.continued || covered(&self.speeches, q) {
                continue;
            }
            let Some(si) = self.doc.sentence_at(q.outer.start) else {
                continue;
            };
            let sentence = &self.doc.sentences[si];
            // It must be the sentence, not a phrase within one.
            let starts_sentence = sentence.range.start == q.outer.start;
            if !starts_sentence || (q.inner.end - q.inner.start) < 12 {
                continue;
            }
            let mut parts = vec![q.inner.clone()];
            let mut k = qi;
            while self.quotes[k].open_ended && self.quotes.get(k + 1).is_some_and(|n| n.continued) {
                k += 1;
                parts.push(self.quotes[k].inner.clone());
            }
            let previous = si.checked_sub(1).and_then(|p| {
                let prev = &self.doc.sentences[p];
                let near = prev.paragraph + 1 >= sentence.paragraph;
                let spoke = self
                    .speeches
                    .iter()
                    .rev()
                    .find(|s| s.sentence == p)
                    .map(|s| s.speaker.clone());
                let introduced = stances
                    .iter()
                    .find(|(i, _)| *i == p)
                    .map(|(_, m)| m.clone());
                near.then_some(spoke.or(introduced)).flatten()
            });
            let named_after = self.doc.sentences.get(si + 1).and_then(|next| {
                let (m, _) = speech::sentence_subject(self.doc.text, &next.tokens)?;
                let noun = mentions::surname(&m.name).to_lowercase();
                if next.paragraph != sentence.paragraph
                    || !lexicon::is(lexicon::SPEECH_NOUNS, &noun)
                {
                    return None;
                }
                issuers
                    .iter()
                    .find(|(n, _)| *n == noun)
                    .map(|(_, m)| m.clone())
            });
            let (speaker, rule) = match (previous, named_after) {
                (Some(m), _) => (m, Rule::Continued),
                (None, Some(m)) => (m, Rule::SpeechNoun),
                _ => continue,
            };
            found.push(Speech {
                speaker,
                cue: q.outer.start..q.outer.start,
                parts,
                mode: Mode::Direct,
                rule,
                verb: None,
                sentence: si,
            });
        }
        self.speeches.extend(found);
    }

    /// A sentence that carries the reported speech before it on: it opens
    /// with "Instead", "Moreover", "For example"…, or its subject "then"
    /// acts, right after a sentence of reported speech in its paragraph.
    fn continuations(&mut self) {
        let mut found: Vec<Speech> = Vec::new();
        let (has, _) = self.spoken(&self.speeches);
        // The speeches of each sentence, by index.
        let mut of_sentence: Vec<Vec<usize>> = vec![Vec::new(); self.doc.sentences.len()];
        for (k, x) in self.speeches.iter().enumerate() {
            of_sentence[x.sentence].push(k);
        }
        for (si, s) in self.doc.sentences.iter().enumerate() {
            if si == 0 || has[si] {
                continue;
            }
            let prev = &self.doc.sentences[si - 1];
            if prev.paragraph != s.paragraph {
                continue;
            }
            let reported = |x: &&Speech| x.mode != Mode::Direct && x.rule != Rule::Finding;
            let before = found.last().filter(|x| x.sentence == si - 1).or_else(|| {
                of_sentence[si - 1]
                    .iter()
                    .rev()
                    .map(|&k| &self.speeches[k])
                    .find(reported)
            });
            let Some(before) = before.filter(reported) else {
                continue;
            };
            let words: Vec<&str> = s.tokens.iter().take(4).map(|t| t.lower.as_str()).collect();
            let opener = (1..=3).any(|n| {
                words.len() >= n && lexicon::is(lexicon::CONTINUERS, &words[..n].join(" "))
            });
            let then = s.tokens.iter().take(6).skip(1).any(|t| t.lower == "then");
            if !(opener || then) {
                continue;
            }
            let end = s
                .tokens
                .iter()
                .rposition(|t| t.word || text::is_closer(&t.lower))
                .unwrap_or(0);
            let parts = std::iter::once(s.range.start..s.tokens[end].range.end).collect::<Vec<_>>();
            let mode = speech::mode_of(&parts, &self.quotes, Rule::Continued);
            found.push(Speech {
                speaker: before.speaker.clone(),
                cue: s.tokens[0].range.clone(),
                parts,
                mode,
                rule: Rule::Continued,
                verb: None,
                sentence: si,
            });
        }
        self.speeches.extend(found);
    }

    /// "He" to the last person who spoke before it; "Moriuchi" to
    /// "Priscilla Moriuchi", introduced in full earlier (with the
    /// appositive that described her).
    fn resolve_names(&mut self, stances: &[(usize, Mention)]) {
        let mut people: Vec<Mention> = Vec::new();
        let names = self.proper_names();
        let mut stance_iter = stances.iter().peekable();
        for s in &mut self.speeches {
            while let Some((i, m)) = stance_iter.peek() {
                if *i > s.sentence {
                    break;
                }
                people.push(m.clone());
                stance_iter.next();
            }
            let lower = s.speaker.name.to_lowercase();
            if lexicon::is(&["he", "she"], &lower) {
                // The last single person before it ("Experts", "the hackers" are many).
                if let Some(p) = people
                    .iter()
                    .rev()
                    .find(|p| p.range.start < s.cue.start && !plural(p))
                {
                    let written = s.speaker.written.clone();
                    s.speaker = Mention {
                        written,
                        ..p.clone()
                    };
                }
            } else if s.speaker.proper {
                if let Some(full) = names
                    .iter()
                    .find(|n| extends(&n.name, &s.speaker.name) && n.range.start <= s.cue.start)
                {
                    s.speaker.name = full.name.clone();
                    if s.speaker.description.is_none() {
                        s.speaker.description = full.description.clone();
                    }
                }
            }
            if !lexicon::is(lexicon::PRONOUNS, &s.speaker.name.to_lowercase()) {
                people.push(s.speaker.clone());
            }
        }
    }

    /// For each sentence: whether a speech was found in it, and whether
    /// any speech's words overlap it. One pass over the speeches.
    fn spoken(&self, speeches: &[Speech]) -> (Vec<bool>, Vec<bool>) {
        let n = self.doc.sentences.len();
        let (mut has, mut overlapped) = (vec![false; n], vec![false; n]);
        for s in speeches {
            if let Some(h) = has.get_mut(s.sentence) {
                *h = true;
            }
            for p in &s.parts {
                let first = self
                    .doc
                    .sentences
                    .partition_point(|x| x.range.end <= p.start);
                for (sentence, mark) in self.doc.sentences[first..]
                    .iter()
                    .zip(&mut overlapped[first..])
                {
                    if sentence.range.start >= p.end {
                        break;
                    }
                    *mark = true;
                }
            }
        }
        (has, overlapped)
    }

    /// Names of two words or more, where they first appear, with an
    /// appositive after them when there is one.
    fn proper_names(&self) -> Vec<Mention> {
        let mut out: Vec<Mention> = Vec::new();
        for s in &self.doc.sentences {
            let t = &s.tokens;
            let mut i = 0;
            while i < t.len() {
                if !(t[i].word && t[i].capital) {
                    i += 1;
                    continue;
                }
                let determiner =
                    matches!(t[i].lower.as_str(), "the" | "a" | "an" | "this" | "that");
                let found = if determiner {
                    None
                } else {
                    mentions::subject_after(self.doc.text, t, i)
                };
                let Some(m) = found else {
                    i += 1;
                    continue;
                };
                let mut end = i;
                while end < t.len() && t[end].range.end <= m.range.end {
                    end += 1;
                }
                let mut m = m;
                if m.name.split_whitespace().count() >= 2 {
                    if t.get(end).is_some_and(|x| x.lower == ",") {
                        if let Some(close) =
                            t[end + 1..].iter().take(16).position(|x| x.lower == ",")
                        {
                            let inner = &t[end + 1..end + 1 + close];
                            if inner.first().is_some_and(|x| {
                                matches!(x.lower.as_str(), "a" | "an" | "the" | "who")
                            }) {
                                m.description = Some(
                                    self.doc.text
                                        [inner[0].range.start..inner[inner.len() - 1].range.end]
                                        .to_string(),
                                );
                            }
                        }
                    }
                    if !out.iter().any(|o| o.name == m.name) {
                        out.push(m);
                    }
                }
                i = end.max(i + 1);
            }
        }
        out
    }

    /// Sentences of the author's own prose: in a paragraph of running text
    /// (twelve words or more, ending in a stop, not a note in parentheses),
    /// credited to no one else. A transcript has none.
    fn author_prose(&self) -> Vec<usize> {
        if !self.turns.is_empty() {
            return Vec::new();
        }
        let mut sentences_in = vec![0usize; self.doc.paragraphs.len()];
        for s in &self.doc.sentences {
            sentences_in[s.paragraph] += 1;
        }
        let (has, overlapped) = self.spoken(&self.speeches);
        let mut running = vec![false; self.doc.paragraphs.len()];
        for (i, p) in self.doc.paragraphs.iter().enumerate() {
            let text = self.doc.slice(p);
            let words = text.split_whitespace().count();
            let stops = text
                .trim_end_matches(['”', '"', '’', '\'', '»', ')'])
                .ends_with(['.', '!', '?']);
            let note = text.starts_with('(') || text.starts_with('[');
            // Page furniture and lists: several short lines ("Sign up",
            // "Related Stories") rather than running sentences.
            let lines = text.lines().count();
            let listy = lines > 2 && words < lines * 8;
            // A paragraph whose last sentence lacks its stop ("… in 36
            // years") still runs on; one ending in a credit "(AFP)" does not.
            let sentences = sentences_in[i];
            let unstopped = sentences > 1 && text.ends_with(char::is_alphanumeric);
            running[i] = words >= 12 && (stops || unstopped) && !note && !listy;
        }
        (0..self.doc.sentences.len())
            .filter(|&si| {
                let s = &self.doc.sentences[si];
                running[s.paragraph]
                    && s.tokens.iter().filter(|t| t.word).count() >= 4
                    && !has[si]
                    && !overlapped[si]
            })
            .collect()
    }

    /// What was found, kept without the text.
    pub fn attributions(self) -> Attributions {
        let prose = self
            .prose
            .iter()
            .map(|&si| self.doc.sentences[si].range.clone())
            .collect();
        let lines = crate::cite::LineIndex::new(self.doc.text);
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
            quotes: self.quotes,
        }
    }
}

impl Attributions {
    /// Reads `text` and keeps what attribution needs.
    pub fn of(text: &str) -> Self {
        Analysis::new(text).attributions()
    }

    /// The turn holding byte `at`, in a transcript.
    pub fn turn_at(&self, at: usize) -> Option<&Turn> {
        self.turns
            .iter()
            .find(|t| t.range.start <= at && at < t.range.end.max(t.range.start + 1))
    }

    /// Whom the source credits with the passage at `span`: every speech
    /// whose words it overlaps (or whose attribution it holds), else the
    /// transcript turn it is in, else the author of running prose. An
    /// empty list when the source credits no one. `author` is the
    /// document's author, credited with its running prose.
    pub fn attribute(
        &self,
        span: Range<usize>,
        author: Option<&str>,
    ) -> Result<Vec<Credit>, Refusal> {
        if !self.turns.is_empty() {
            let first = self.turn_at(span.start);
            let last = self.turn_at(span.end.saturating_sub(1).max(span.start));
            if let (Some(a), Some(b)) = (first, last) {
                if a.range != b.range {
                    return Err(Refusal::CrossesTurns {
                        first: Box::new(a.speaker.clone()),
                        second: Box::new(b.speaker.clone()),
                    });
                }
            }
        }
        let overlap = |p: &Range<usize>| p.start < span.end && span.start < p.end;
        let mut credits: Vec<(usize, Credit)> = Vec::new();
        for (k, s) in self.speeches.iter().enumerate() {
            let touching: Vec<Range<usize>> = s
                .parts
                .iter()
                .filter(|p| overlap(p))
                .map(|p| p.start.max(span.start)..p.end.min(span.end))
                .collect();
            let holds_cue = !s.cue.is_empty() && span.start <= s.cue.start && s.cue.end <= span.end;
            if touching.is_empty() && !holds_cue {
                continue;
            }
            let covered: usize = touching.iter().map(|p| p.end - p.start).sum();
            let mode = if s.mode == Mode::Direct {
                Mode::Direct
            } else {
                speech::mode_of(&touching, &self.quotes, s.rule)
            };
            credits.push((
                covered + if holds_cue { span.end - span.start } else { 0 },
                Credit {
                    speaker: s.speaker.clone(),
                    cue: s.cue.clone(),
                    rule: s.rule,
                    mode,
                    position: if s.cue.is_empty() {
                        (0, 0)
                    } else {
                        self.positions[k]
                    },
                },
            ));
        }
        credits.sort_by_key(|c| std::cmp::Reverse(c.0));
        if !credits.is_empty() {
            return Ok(credits.into_iter().map(|(_, c)| c).collect());
        }
        if let Some(k) = self.turns.iter().position(|t| {
            t.range.start <= span.start && span.start < t.range.end.max(t.range.start + 1)
        }) {
            let turn = &self.turns[k];
            return Ok(vec![Credit {
                speaker: turn.speaker.clone(),
                cue: turn.label.clone(),
                rule: Rule::Label,
                mode: Mode::Direct,
                position: self.positions[self.speeches.len() + k],
            }]);
        }
        let in_prose = self.prose.iter().any(overlap);
        match (author, in_prose) {
            (Some(author), true) => Ok(vec![Credit {
                speaker: Mention {
                    written: author.to_string(),
                    name: author.to_string(),
                    range: 0..0,
                    description: None,
                    proper: true,
                },
                cue: 0..0,
                rule: Rule::Author,
                mode: Mode::Direct,
                position: (0, 0),
            }]),
            _ => Ok(Vec::new()),
        }
    }
}

/// Whether a mention names many ("Experts", "the hackers"): a common noun
/// phrase or lone word ending in a plural -s.
fn plural(m: &Mention) -> bool {
    let words: Vec<&str> = m.name.split_whitespace().collect();
    let last = words.last().copied().unwrap_or("");
    // The head noun, the last word, makes it an organization: "State
    // Department", but "a defense ministry spokesman" is a person.
    let organization = lexicon::is(ORGANIZATIONS, &last.to_lowercase());
    organization
        || ((!m.proper || words.len() == 1) && last.ends_with('s') && !last.ends_with("ss"))
}

/// Words that make a name an organization's, which "he" or "she" never is.
const ORGANIZATIONS: &[&str] = &[
    "department",
    "post",
    "service",
    "agency",
    "bureau",
    "office",
    "ministry",
    "corporation",
    "institute",
    "group",
    "council",
    "committee",
    "times",
    "news",
    "company",
    "bank",
    "university",
    "court",
    "board",
    "administration",
    "government",
    "commission",
    "fbi",
    "cia",
    "bbc",
    "voa",
    "inc",
    "corp",
    "association",
    "party",
    "army",
    "police",
];

/// Whether `full` is a fuller form of `short`: "Priscilla Moriuchi" of
/// "Moriuchi", "Thae Yong-ho" of "Thae" (family name first), "Kim Jong-Un"
/// of "Kim".
fn extends(full: &str, short: &str) -> bool {
    let f: Vec<&str> = full.split_whitespace().collect();
    let s: Vec<&str> = short.split_whitespace().collect();
    f.len() > s.len()
        && (f.ends_with(&s) || f.starts_with(&s))
        && s.iter()
            .all(|w| w.chars().next().is_some_and(char::is_uppercase))
}
