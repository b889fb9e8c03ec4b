//! Approximate anchoring: where does a quote that is not in the text come
//! closest, and how far off is it?
//!
//! Two steps, so that a 1 MB source costs one linear pass:
//!
//! 1. candidate windows: slide a window as many words long as the quote over
//!    the text's words and count the quote words it holds (a multiset count,
//!    kept up to date as the window moves; words are compared by a hash of
//!    their lowercased letters, so the pass allocates nothing per word);
//! 2. alignment: around the best few windows, a semi-global edit distance
//!    (the quote must be matched whole, the text may start and end anywhere)
//!    finds the passage with the fewest character edits.
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

/// Semi-global alignment of `quote` inside `window`: the fewest edits, and
/// where in the window (char indexes) the best passage lies.
fn align(quote: &[char], window: &[char]) -> (usize, usize, usize) {
    let (m, n) = (quote.len(), window.len());
    // d[i][j]: edits to match quote[..i] ending at window[..j]; row 0 is free.
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
        if d[at(m, j)] < best {
            best = d[at(m, j)];
            end = j;
        }
    }
    // Trace back to where the passage starts.
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

/// The passage of folded `text` closest to folded `quote`, if any shares a word.
pub fn approximate(text: &str, quote: &str) -> Option<Approx> {
    let windows = candidate_windows(text, quote);
    let quote_chars: Vec<char> = quote.chars().flat_map(char::to_lowercase).collect();
    if quote_chars.is_empty() {
        return None;
    }
    if quote_chars.len() > MAX_ALIGN_CHARS {
        let &(start, end, shared) = windows.first()?;
        let words = hashed_words(quote).len().max(1);
        return Some(Approx {
            start,
            end,
            distance: quote_chars.len(),
            similarity: shared as f64 / words as f64,
        });
    }
    let margin = quote.len() / 2 + 16;
    let mut best: Option<Approx> = None;
    for (start, end, _) in windows {
        let mut from = start.saturating_sub(margin);
        while !text.is_char_boundary(from) {
            from -= 1;
        }
        let mut to = (end + margin).min(text.len());
        while !text.is_char_boundary(to) {
            to += 1;
        }
        // Lowercasing can change a character's length; keep a map to bytes.
        let mut window = Vec::new();
        let mut byte_of = Vec::new();
        for (i, c) in text[from..to].char_indices() {
            for l in c.to_lowercase() {
                window.push(l);
                byte_of.push(from + i);
            }
        }
        byte_of.push(to);
        let (distance, s, e) = align(&quote_chars, &window);
        let candidate = Approx {
            start: byte_of[s],
            end: byte_of[e],
            distance,
            similarity: 1.0 - distance as f64 / quote_chars.len() as f64,
        };
        if best.is_none_or(|b| candidate.distance < b.distance) {
            best = Some(candidate);
        }
    }
    best.map(|mut b| {
        // Trim spaces the alignment took in at the edges.
        while b.start < b.end && text[b.start..].starts_with(' ') {
            b.start += 1;
        }
        while b.end > b.start && text[..b.end].ends_with(' ') {
            b.end -= 1;
        }
        b
    })
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
        assert_eq!(
            &text[a.start..a.end],
            "The New York Fed stopped most of the requested transfer"
        );
        assert_eq!(a.distance, 0);
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
