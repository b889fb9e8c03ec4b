//! Approximate anchoring: where does a quote that is not in the text come
//! closest, and how far off is it?
//!
//! Two steps, so that a 1 MB source costs one linear pass:
//!
//! 1. candidate windows: slide a window as many words long as the quote over
//!    the text's words and count the quote words it holds (a multiset count,
//!    kept up to date as the window moves; words are compared by a hash of
//!    their lowercased letters, so the pass allocates nothing per word);
//! 2. alignment: around the best few windows, a semi-global alignment of
//!    words (the quote must be matched whole, the passage may start and end
//!    anywhere) finds the passage with the fewest word edits; the score is
//!    the character edit distance between quote and passage, as a share of
//!    their length.
//!
//! The result is a passage and a similarity score. It is never a
//! verification: the caller reports it beside the quote, with a word diff.

use std::collections::HashMap;

/// How many candidate windows are aligned.
const CANDIDATES: usize = 3;
/// Quotes longer than this (in characters) are not aligned, only windowed.
const MAX_ALIGN_CHARS: usize = 4_000;

/// A passage of the folded text that approximately matches the quote.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Approx {
    /// Folded byte offset of the passage's start.
    pub start: usize,
    /// Folded byte offset one past its end.
    pub end: usize,
    /// Character edits between the quote and the passage.
    pub distance: usize,
    /// 1 - distance / quote length, in 0..=1.
    pub similarity: f64,
}

fn word_hash(word: &str) -> u64 {
    // FNV-1a over the lowercased characters.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for c in word.chars().flat_map(char::to_lowercase) {
        let mut buf = [0u8; 4];
        for &b in c.encode_utf8(&mut buf).as_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// Words as (start, end, hash) over the folded text.
fn hashed_words(text: &str) -> Vec<(usize, usize, u64)> {
    let mut out = Vec::with_capacity(text.len() / 6);
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        let in_word = c.is_alphanumeric() || c == '$' || c == '%' || c == '\'';
        match (in_word, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i, word_hash(&text[s..i])));
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// The best windows of `text` by shared words: (start, end, shared), best first, not overlapping.
pub fn candidate_windows(text: &str, quote: &str) -> Vec<(usize, usize, usize)> {
    let quote_words = hashed_words(quote);
    let text_words = hashed_words(text);
    if quote_words.is_empty() || text_words.is_empty() {
        return Vec::new();
    }
    let width = quote_words.len().min(text_words.len());
    let mut wanted: HashMap<u64, isize> = HashMap::new();
    for &(_, _, h) in &quote_words {
        *wanted.entry(h).or_default() += 1;
    }
    let mut shared = 0usize;
    let mut scores = Vec::with_capacity(text_words.len());
    for (i, &(_, _, h)) in text_words.iter().enumerate() {
        if let Some(n) = wanted.get_mut(&h) {
            if *n > 0 {
                shared += 1;
            }
            *n -= 1;
        }
        if i >= width {
            if let Some(n) = wanted.get_mut(&text_words[i - width].2) {
                *n += 1;
                if *n > 0 {
                    shared -= 1;
                }
            }
        }
        if i + 1 >= width && shared > 0 {
            scores.push((shared, i + 1 - width));
        }
    }
    // Only windows at least half as good as the best can be among the best
    // few: drop the rest before sorting (most of a long text shares a word
    // or two with any quote).
    let top = scores.iter().map(|s| s.0).max().unwrap_or(0);
    scores.retain(|s| 2 * s.0 >= top);
    // Best first; among equals, earliest first.
    scores.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut picked: Vec<(usize, usize, usize)> = Vec::new();
    for (shared, first) in scores {
        let (start, end) = (text_words[first].0, text_words[first + width - 1].1);
        if picked.iter().all(|&(s, e, _)| end <= s || start >= e) {
            picked.push((start, end, shared));
            if picked.len() == CANDIDATES {
                break;
            }
        }
    }
    picked
}

/// Semi-global alignment of the quote's words inside a window of the text's
/// words: the fewest word edits (a word replaced, added or left out costs 1),
/// with the passage free to start and end anywhere. Among equally good ends
/// the longest passage wins, so a quote that drops "not" before its last
/// word is aligned with the whole phrase, not cut short before "not".
/// Returns (edits, first word, one past the last word) in the window.
fn align_words(quote: &[u64], window: &[u64]) -> (usize, usize, usize) {
    let (m, n) = (quote.len(), window.len());
    let mut d = vec![0u32; (m + 1) * (n + 1)];
    let at = |i: usize, j: usize| i * (n + 1) + j;
    for i in 1..=m {
        d[at(i, 0)] = i as u32;
        for j in 1..=n {
            let sub = d[at(i - 1, j - 1)] + u32::from(quote[i - 1] != window[j - 1]);
            d[at(i, j)] = sub.min(d[at(i - 1, j)] + 1).min(d[at(i, j - 1)] + 1);
        }
    }
    let (mut end, mut best) = (0, u32::MAX);
    for j in 0..=n {
        if d[at(m, j)] <= best {
            best = d[at(m, j)];
            end = j;
        }
    }
    let (mut i, mut j) = (m, end);
    while i > 0 {
        let here = d[at(i, j)];
        if j > 0 && here == d[at(i - 1, j - 1)] + u32::from(quote[i - 1] != window[j - 1]) {
            i -= 1;
            j -= 1;
        } else if here == d[at(i - 1, j)] + 1 {
            i -= 1;
        } else {
            j -= 1;
        }
    }
    (best as usize, j, end)
}

/// Words aligned at each end of a long quote.
const END_WORDS: usize = 64;

/// The passage's start and end (folded bytes) for a long quote whose best
/// window is `start..end`: each end is found by aligning the quote's first
/// (last) [`END_WORDS`] words with the text's words around the window's end.
fn refine_ends(
    text_words: &[(usize, usize, u64)],
    quote: &[u64],
    start: usize,
    end: usize,
) -> (usize, usize) {
    let first = text_words.partition_point(|w| w.0 < start);
    let last = text_words.partition_point(|w| w.1 <= end);
    let n = END_WORDS.min(quote.len());
    let region = |from: usize, to: usize| (from, to.min(text_words.len()));
    let (a, b) = region(first.saturating_sub(n), first + 2 * n);
    let head: Vec<u64> = text_words[a..b].iter().map(|w| w.2).collect();
    let (_, s, _) = align_words(&quote[..n], &head);
    let (c, d) = region(last.saturating_sub(2 * n), last + n);
    let tail: Vec<u64> = text_words[c..d].iter().map(|w| w.2).collect();
    let (_, _, e) = align_words(&quote[quote.len() - n..], &tail);
    let from = text_words.get(a + s).map_or(start, |w| w.0);
    let to = (c + e)
        .checked_sub(1)
        .and_then(|i| text_words.get(i))
        .map_or(end, |w| w.1);
    if from < to {
        (from, to)
    } else {
        (start, end)
    }
}

/// Levenshtein distance between two character sequences (two rows of memory).
fn char_distance(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut row = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            row[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(row[j] + 1);
        }
        std::mem::swap(&mut prev, &mut row);
    }
    prev[b.len()]
}

fn lower_chars(s: &str) -> Vec<char> {
    s.chars().flat_map(char::to_lowercase).collect()
}

/// The passage of folded `text` closest to folded `quote`, if any shares a word.
pub fn approximate(text: &str, quote: &str) -> Option<Approx> {
    let quote_words = hashed_words(quote);
    if quote_words.is_empty() {
        return None;
    }
    let windows = candidate_windows(text, quote);
    let quote_chars = lower_chars(quote);
    if quote_chars.len() > MAX_ALIGN_CHARS {
        // Too long to align whole: align only its first and last words
        // around the best window, so the passage starts and ends where the
        // quote does (a window one word off would make every word differ).
        let &(start, end, shared) = windows.first()?;
        let text_words = hashed_words(text);
        let quote_hashes: Vec<u64> = quote_words.iter().map(|w| w.2).collect();
        let (from, to) = refine_ends(&text_words, &quote_hashes, start, end);
        return Some(Approx {
            start: from,
            end: to,
            distance: quote_chars.len(),
            similarity: shared as f64 / quote_words.len() as f64,
        });
    }
    let text_words = hashed_words(text);
    let quote_hashes: Vec<u64> = quote_words.iter().map(|w| w.2).collect();
    let margin = quote_words.len() / 2 + 3;
    let mut best: Option<(usize, Approx)> = None;
    for (start, end, _) in windows {
        let first = text_words
            .partition_point(|w| w.0 < start)
            .saturating_sub(margin);
        let last = (text_words.partition_point(|w| w.1 <= end) + margin).min(text_words.len());
        let window: Vec<u64> = text_words[first..last].iter().map(|w| w.2).collect();
        let (edits, s, e) = align_words(&quote_hashes, &window);
        if e <= s {
            continue;
        }
        let (from, to) = (text_words[first + s].0, text_words[first + e - 1].1);
        let passage = lower_chars(&text[from..to]);
        let distance = char_distance(&quote_chars, &passage);
        let similarity = 1.0 - distance as f64 / quote_chars.len().max(passage.len()) as f64;
        let candidate = Approx {
            start: from,
            end: to,
            distance,
            similarity,
        };
        if best
            .as_ref()
            .is_none_or(|(b_edits, b)| (edits, distance) < (*b_edits, b.distance))
        {
            best = Some((edits, candidate));
        }
    }
    best.map(|(_, a)| a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_nearest_passage() {
        let text =
            "alpha beta gamma. The New York Fed stopped most of the requested transfers. omega";
        let a = approximate(
            text,
            "the new york fed stopped most of the requested transfer",
        )
        .unwrap();
        // Passages are whole words: the source's word, one edit away.
        assert_eq!(
            &text[a.start..a.end],
            "The New York Fed stopped most of the requested transfers"
        );
        assert_eq!(a.distance, 1);
        let a = approximate(
            text,
            "The New York Fed halted most of the requested transfers",
        )
        .unwrap();
        assert_eq!(
            &text[a.start..a.end],
            "The New York Fed stopped most of the requested transfers"
        );
        assert!(a.similarity > 0.85 && a.similarity < 1.0);
        assert!(approximate(text, "zzz yyy").is_none());
    }
}
