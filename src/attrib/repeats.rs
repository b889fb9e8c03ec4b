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
        // Which speech, if any, credits each quotation: the parts in order
        // of their start, each with the furthest end so far, so that one
        // search finds a part overlapping a quotation.
        let mut parts: Vec<(usize, usize, usize)> = self
            .speeches
            .iter()
            .enumerate()
            .flat_map(|(k, s)| s.parts.iter().map(move |p| (p.start, p.end, k)))
            .collect();
        parts.sort_unstable();
        let mut furthest: Vec<(usize, usize)> = Vec::with_capacity(parts.len());
        for &(_, end, k) in &parts {
            let before = furthest.last().copied().unwrap_or((0, k));
            furthest.push(if end > before.0 { (end, k) } else { before });
        }
        let credit_of = |q: &Range<usize>| {
            let n = parts.partition_point(|p| p.0 < q.end);
            let (end, k) = *furthest.get(n.checked_sub(1)?)?;
            (end > q.start).then_some(k)
        };
        let mut credited: Vec<Option<usize>> =
            self.quotes.iter().map(|q| credit_of(&q.inner)).collect();
        let words: Vec<Vec<u64>> = self
            .quotes
            .iter()
            .map(|q| words_of(&text[q.inner.clone()]))
            .collect();
        let uncredited =
            (0..self.quotes.len()).any(|u| credited[u].is_none() && words[u].len() >= SHARED_WORDS);
        if !uncredited {
            return;
        }
        // Each quotation's runs of three words, to find the candidates.
        let mut by_trigram: HashMap<&[u64], Vec<usize>> = HashMap::new();
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

/// A passage's words, lowercase, without marks, each as a hash of its
/// letters: "Boy, that" and "Boy that" are one repeat; "[F]remont" is
/// "fremont".
fn words_of(passage: &str) -> Vec<u64> {
    passage
        .split(|c: char| !c.is_alphanumeric() && c != '[' && c != ']')
        .filter_map(|w| {
            // FNV-1a over the word's lowercase letters, brackets left out.
            let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
            let mut any = false;
            for c in w
                .chars()
                .filter(|c| *c != '[' && *c != ']')
                .flat_map(char::to_lowercase)
            {
                any = true;
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
                }
            }
            any.then_some(hash)
        })
        .collect()
}

/// Whether `outer` holds `inner` as a run of words.
fn contains(outer: &[u64], inner: &[u64]) -> bool {
    !inner.is_empty() && outer.windows(inner.len()).any(|w| w == inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_ignore_marks_and_brackets() {
        assert_eq!(
            words_of("[F]remont refused, so"),
            words_of("Fremont REFUSED so")
        );
        assert_eq!(words_of("a -- b").len(), 2);
        assert!(contains(
            &words_of("Boy, that deal was one bad deal."),
            &words_of("that deal was one")
        ));
        assert!(!contains(&words_of("a b c"), &words_of("b a")));
    }
}
