//! Words quoted again. A hearing reads an email aloud three times, a story
//! repeats its lead quote further down: the second time, the text often
//! says no more than "this email: “…”", or puts the words in the mouth of
//! whoever is reading them. Words the document has credited to someone
//! once are theirs wherever it quotes them again, in part or whole.

use std::collections::HashMap;
use std::ops::Range;

use super::speech::{self, Rule, Speech};
use super::{lexicon, Analysis};

/// The fewest words a repeated quotation must share: fewer ("the deal")
/// repeat by chance.
const SHARED_WORDS: usize = 4;

/// How many earlier quotations one repeated quotation is compared with.
const CANDIDATES: usize = 64;

impl Analysis<'_> {
    /// Credits each quotation no speech covers with the speaker of a
    /// quotation whose words hold its words or are held by them.
    pub(super) fn repeated_quotations(&mut self) {
        let text = self.doc.text;
        let words: Vec<Vec<String>> = self
            .quotes
            .iter()
            .map(|q| words_of(&text[q.inner.clone()]))
            .collect();
        // Which speech, if any, credits each quotation.
        let mut credited: Vec<Option<usize>> = self
            .quotes
            .iter()
            .map(|q| {
                self.speeches
                    .iter()
                    .position(|s| s.parts.iter().any(|p| overlaps(p, &q.inner)))
            })
            .collect();
        // Each quotation's runs of three words, to find the candidates.
        let mut by_trigram: HashMap<&[String], Vec<usize>> = HashMap::new();
        for (k, w) in words.iter().enumerate() {
            for gram in w.windows(3) {
                let list = by_trigram.entry(gram).or_default();
                if list.last() != Some(&k) {
                    list.push(k);
                }
            }
        }
        let mut added = Vec::new();
        // A repeat of a repeat is credited on the next round.
        for _round in 0..3 {
            let mut changed = false;
            for (u, uw) in words.iter().enumerate() {
                if credited[u].is_some() || uw.len() < SHARED_WORDS {
                    continue;
                }
                let mut candidates: Vec<usize> = uw
                    .windows(3)
                    .filter_map(|g| by_trigram.get(g))
                    .flatten()
                    .copied()
                    .filter(|&c| c != u)
                    .take(CANDIDATES)
                    .collect();
                candidates.sort_unstable();
                candidates.dedup();
                // The nearest first: a quotation is most likely repeating
                // the one just before it.
                let at = self.quotes[u].inner.start;
                candidates.sort_by_key(|&c| self.quotes[c].inner.start.abs_diff(at));
                let source = candidates.into_iter().find_map(|c| {
                    // Credited this round: a source from the next.
                    let s = credited[c].filter(|&s| s < self.speeches.len())?;
                    let cw = &words[c];
                    let shared = contains(cw, uw) || contains(uw, cw);
                    (shared && cw.len().min(uw.len()) >= SHARED_WORDS && names(&self.speeches[s]))
                        .then_some(s)
                });
                let Some(s) = source else { continue };
                let from = &self.speeches[s];
                let q = &self.quotes[u];
                let parts = vec![q.inner.clone()];
                let sentence = self.doc.sentence_at(q.inner.start).unwrap_or(from.sentence);
                let speech = Speech {
                    speaker: from.speaker.clone(),
                    cue: from.cue.clone(),
                    mode: speech::mode_of(&parts, &self.quotes, Rule::Repeated),
                    parts,
                    rule: Rule::Repeated,
                    verb: from.verb,
                    sentence,
                    detached: true,
                };
                credited[u] = Some(self.speeches.len() + added.len());
                added.push(speech);
                changed = true;
            }
            // Later rounds credit from this round's repeats too.
            self.speeches.append(&mut added);
            if !changed {
                break;
            }
        }
    }
}

/// Whether a speech names someone a repeat can be credited to: not a
/// pronoun nobody was found for, nor "your sales team".
fn names(s: &Speech) -> bool {
    let lower = s.speaker.name.to_lowercase();
    let first = lower.split_whitespace().next().unwrap_or_default();
    !lexicon::is(lexicon::PRONOUNS, &lower)
        && !lexicon::is(
            &["you", "your", "my", "our", "his", "her", "their", "its"],
            first,
        )
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// A passage's words, lowercase, without marks: "Boy, that" and "Boy that"
/// are one repeat; "[F]remont" is "fremont".
fn words_of(passage: &str) -> Vec<String> {
    passage
        .split(|c: char| !c.is_alphanumeric() && c != '[' && c != ']')
        .map(|w| w.replace(['[', ']'], "").to_lowercase())
        .filter(|w| !w.is_empty())
        .collect()
}

/// Whether `outer` holds `inner` as a run of words.
fn contains(outer: &[String], inner: &[String]) -> bool {
    !inner.is_empty() && outer.windows(inner.len()).any(|w| w == inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_ignore_marks_and_brackets() {
        assert_eq!(
            words_of("[F]remont refused, so"),
            ["fremont", "refused", "so"]
        );
        assert!(contains(
            &words_of("Boy, that deal was one bad deal."),
            &words_of("that deal was one")
        ));
        assert!(!contains(&words_of("a b c"), &words_of("b a")));
    }
}
