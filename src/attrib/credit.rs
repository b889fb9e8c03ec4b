//! Attributing one passage: the speeches whose words it overlaps (or whose
//! attribution it holds), else the transcript turn it is in, else the
//! author of running prose. What the claim checker asks for each claim.

use std::ops::Range;

use super::transcript;
use super::{speech, Analysis, Attributions, Credit, Mention, Mode, Refusal, Rule};

/// The fewest bytes of a turn's own words around a quotation credited
/// from afar that make a passage the turn speaker's ("Do you see it?").
const OWN_WORDS: usize = 16;

impl Attributions {
    /// Reads `text` and keeps what attribution needs.
    pub fn of(text: &str) -> Self {
        let reading = super::markup::reading_copy(text);
        Analysis::with_reading(text, reading.as_ref()).attributions()
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
        // A passage touching two turns (a label included: "... report.
        // Ms. JONES") quotes two speakers.
        let mut touched = self
            .turns
            .iter()
            .filter(|t| t.label.start < span.end && span.start < t.range.end.max(t.label.end));
        if let (Some(a), Some(b)) = (touched.next(), touched.next()) {
            return Err(Refusal::CrossesTurns {
                first: Box::new(a.speaker.clone()),
                second: Box::new(b.speaker.clone()),
            });
        }
        let overlap = |p: &Range<usize>| p.start < span.end && span.start < p.end;
        let mut credits: Vec<(usize, Credit)> = Vec::new();
        // The most of the passage any one speech's words cover.
        let mut most_covered = 0;
        // Whether the passage holds a report's own words ("You say that").
        let mut holds_a_cue = false;
        // Whether every speech it touches was credited from afar (a quotation
        // standing alone, words quoted again).
        let mut all_detached = true;
        for (k, s) in self.speeches.iter().enumerate() {
            let touching: Vec<Range<usize>> = s
                .parts
                .iter()
                .filter(|p| overlap(p))
                .map(|p| p.start.max(span.start)..p.end.min(span.end))
                .collect();
            let holds_cue = !s.detached
                && !s.cue.is_empty()
                && span.start <= s.cue.start
                && s.cue.end <= span.end;
            if touching.is_empty() && !holds_cue {
                continue;
            }
            let covered: usize = touching.iter().map(|p| p.end - p.start).sum();
            most_covered = most_covered.max(covered);
            holds_a_cue |= holds_cue;
            all_detached &= s.detached;
            let mode = if s.mode == Mode::Direct {
                Mode::Direct
            } else {
                speech::mode_of(&touching, &self.quotes, s.rule)
            };
            credits.push((
                covered + if holds_cue { span.len() } else { 0 },
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
        // A passage mostly of a turn's own words (or the author's), with
        // another's words reported inside it, is the turn's speaker's (or
        // the author's): "And the client asked you, how do you …" is
        // Senator Levin's question, not the client's.
        let turn = transcript::turn_holding(&self.turns, span.start);
        // "Exhibit 173. Do you see it? ``[F]remont refused …''": words
        // credited from afar, read out inside a turn's own words, leave
        // the passage the turn's.
        let read_out = turn.is_some() && all_detached && span.len() >= most_covered + OWN_WORDS;
        let mostly_reported = most_covered * 2 >= span.len() && !read_out;
        let in_prose = self
            .prose
            .iter()
            .find(|(r, _)| overlap(&(r.start as usize..r.end as usize)))
            .map(|&(_, w)| self.writers.get(w as usize).map(String::as_str));
        let own_words = turn.is_some() || in_prose.is_some_and(|w| w.is_some() || author.is_some());
        let turn_credit = |k: usize| {
            let turn = &self.turns[k];
            Credit {
                speaker: turn.speaker.clone(),
                cue: turn.label.clone(),
                rule: Rule::Label,
                mode: Mode::Direct,
                position: self.positions[self.speeches.len() + k],
            }
        };
        if !credits.is_empty() && (mostly_reported || !own_words) {
            let mut credits: Vec<Credit> = credits.into_iter().map(|(_, c)| c).collect();
            // A passage of a turn that holds its report's words ("You say
            // that, although …") is also the turn speaker's: they said it,
            // reporting another.
            if let Some(k) = turn.filter(|_| holds_a_cue) {
                credits.push(turn_credit(k));
            }
            return Ok(credits);
        }
        if let Some(k) = turn {
            return Ok(vec![turn_credit(k)]);
        }
        // A piece's byline names its writer; else the document's author.
        let writer = in_prose.and_then(|w| w.or(author));
        match writer {
            Some(author) => Ok(vec![Credit {
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
