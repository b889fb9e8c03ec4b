//! Following mentions back to whom they name, over the whole document:
//! "he" to the last person who spoke or opened a sentence, "they" and
//! "their" to the last who spoke in the same paragraph or turn, "the
//! former analyst" to the person an appositive described so, "Moriuchi" to
//! "Priscilla Moriuchi" introduced in full earlier.

use super::{lexicon, mentions, transcript, Analysis, Mention};

impl Analysis<'_> {
    /// "He" to the last person who spoke before it; "Moriuchi" to
    /// "Priscilla Moriuchi", introduced in full earlier (with the
    /// appositive that described her).
    pub(super) fn resolve_names(&mut self, stances: &[(usize, Mention)]) {
        let mut people: Vec<Mention> = Vec::new();
        let names = self.proper_names();
        // Who spoke or held a view, and who a sentence opens with ("Tom
        // Montag was the head of the division. … And he was telling you"),
        // in the order of the text.
        let mut candidates: Vec<(usize, Mention)> = stances.to_vec();
        candidates.extend(self.opening_names());
        candidates.sort_by_key(|(i, m)| (*i, m.range.start));
        let mut stance_iter = candidates.iter().peekable();
        for s in &mut self.speeches {
            while let Some((i, m)) = stance_iter.peek() {
                if *i > s.sentence {
                    break;
                }
                people.push(m.clone());
                stance_iter.next();
            }
            let lower = s.speaker.name.to_lowercase();
            // Where the speaker is named: a quotation standing alone may
            // open the paragraph after its "They said:".
            let named_in = self.doc.sentence_at(s.cue.start).unwrap_or(s.sentence);
            let paragraph = self.doc.sentences[named_in].paragraph;
            if lexicon::is(&["they", "their", "ils", "elles", "ellos", "ellas"], &lower) {
                // "They said:" after "TarponJargon …, and they said …": the
                // last who spoke in the same paragraph, one or many.
                let last = people.iter().rev().find(|p| p.range.start < s.cue.start);
                // Someone, not a fragment ("Let me"); "my friends on the
                // other side" is someone.
                let someone = |p: &&Mention| {
                    let first = p.written.split_whitespace().next().unwrap_or("");
                    super::extract::names_someone(&p.written)
                        || lexicon::is(mentions::POSSESSIVES, &first.to_lowercase())
                };
                if let Some(p) = last.filter(someone) {
                    let same_paragraph = self
                        .doc
                        .sentence_at(p.range.start)
                        .is_some_and(|k| self.doc.sentences[k].paragraph == paragraph);
                    // A turn is one speaker's, however its capture breaks it.
                    let turn = |at: usize| transcript::turn_holding(&self.turns, at);
                    let same_turn =
                        turn(p.range.start).is_some() && turn(p.range.start) == turn(s.cue.start);
                    if same_paragraph || same_turn {
                        let written = s.speaker.written.clone();
                        s.speaker = Mention {
                            written,
                            ..p.clone()
                        };
                    }
                }
            } else if lexicon::is(lexicon::SINGULAR_PRONOUNS, &lower)
                || lexicon::is(&["his", "her"], &lower)
            {
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
            } else if let Some(p) = described(&s.speaker, &people, &names, s.cue.start) {
                // "the former analyst": the person an appositive described so.
                let written = s.speaker.written.clone();
                s.speaker = Mention { written, ..p };
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
            let name = s.speaker.name.to_lowercase();
            if !lexicon::is(lexicon::PRONOUNS, &name)
                && !lexicon::is(&["his", "her", "their"], &name)
            {
                people.push(s.speaker.clone());
            }
        }
    }

    /// The full names (two words or more, of a person: not plural, not an
    /// organization) that open sentences as their subjects, before a verb.
    fn opening_names(&self) -> Vec<(usize, Mention)> {
        let text = self.doc.text;
        let mut out = Vec::new();
        for (index, s) in self.doc.sentences.iter().enumerate() {
            let t = &s.tokens;
            // A turn's label opens its first sentence ("Mr. Sparks. Tom …").
            let in_label = |at: usize| {
                let k = self.turns.partition_point(|turn| turn.label.start <= at);
                k > 0 && self.turns[k - 1].label.contains(&at)
            };
            let first = t.iter().position(|x| !in_label(x.range.start));
            let Some(first) = first else { continue };
            let Some(m) = mentions::subject_after(text, t, first) else {
                continue;
            };
            let after = t.partition_point(|x| x.range.start < m.range.end);
            let verb_next = t
                .get(after)
                .is_some_and(|x| x.word && !x.capital && x.lower.chars().all(char::is_alphabetic));
            // A person's name: every word capitalized, no article ("A
            // Private Motion", "The Senate" are not people).
            let capitalized = m
                .name
                .split_whitespace()
                .all(|w| w.starts_with(char::is_uppercase));
            let article = lexicon::is(lexicon::DETERMINERS_ALL, &t[first].lower);
            let words = m.name.split_whitespace().count();
            if capitalized && !article && words >= 2 && verb_next && !plural(&m) {
                out.push((index, m));
            }
        }
        out
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
                    matches!(t[i].lower.as_ref(), "the" | "a" | "an" | "this" | "that");
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
                                matches!(x.lower.as_ref(), "a" | "an" | "the" | "who")
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

/// The person a definite description names ("the former analyst" for
/// "Priscilla Moriuchi, a former analyst at the U.S. National Security
/// Agency"): the latest one before `at` whose appositive holds the
/// description's words after "the".
fn described(m: &Mention, people: &[Mention], names: &[Mention], at: usize) -> Option<Mention> {
    let words: Vec<String> = m
        .written
        .split_whitespace()
        .map(str::to_lowercase)
        .collect();
    let (first, rest) = words.split_first()?;
    if m.proper || first != "the" || rest.is_empty() {
        return None;
    }
    let fits = |p: &&Mention| {
        p.range.start < at
            && p.description.as_deref().is_some_and(|d| {
                let d: Vec<String> = d.split_whitespace().map(str::to_lowercase).collect();
                d.windows(rest.len()).any(|w| w == rest)
            })
    };
    people
        .iter()
        .rev()
        .find(fits)
        .or_else(|| names.iter().rev().find(fits))
        .cloned()
}

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
