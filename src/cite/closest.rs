//! Finding the passage of a text that comes closest to a quote that is not in it.
//!
//! When a quote cannot be anchored, the person who typed it needs to see what
//! the source really says there. This compares words: the window of the text,
//! as many words long as the quote, that shares the most words with it (counted
//! as a multiset, so order does not matter and repetition does). A sliding
//! window keeps it linear in the length of the text.

use std::collections::HashMap;

use super::normalize::Normalized;

/// A run of words in the folded text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WordWindow {
    /// Folded byte offset of the first word.
    pub start: usize,
    /// Folded byte offset one past the last word.
    pub end: usize,
    /// How many of the quote's words the window holds.
    pub shared: usize,
    /// How many words the quote has.
    pub quote_words: usize,
}

/// Lowercased words with their folded byte spans.
fn words(text: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        let is_word = c.is_alphanumeric() || c == '\'' || c == '$' || c == '%';
        match (is_word, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i, text[s..i].to_lowercase()));
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// The window of `text` sharing the most words with `quote`, or `None` when
/// the quote has no words or the text is empty.
pub fn closest_window(text: &Normalized, quote: &str) -> Option<WordWindow> {
    let quote_words = words(quote);
    let text_words = words(&text.text);
    if quote_words.is_empty() || text_words.is_empty() {
        return None;
    }
    let width = quote_words.len().min(text_words.len());
    let mut wanted: HashMap<&str, isize> = HashMap::new();
    for (_, _, w) in &quote_words {
        *wanted.entry(w.as_str()).or_default() += 1;
    }
    // `wanted[w]` counts quote occurrences not yet covered by the window;
    // a word adds to `shared` only while it is still wanted.
    let mut shared = 0usize;
    let mut best = (0usize, 0usize);
    for (i, (_, _, w)) in text_words.iter().enumerate() {
        if let Some(n) = wanted.get_mut(w.as_str()) {
            if *n > 0 {
                shared += 1;
            }
            *n -= 1;
        }
        if i >= width {
            let (_, _, gone) = &text_words[i - width];
            if let Some(n) = wanted.get_mut(gone.as_str()) {
                *n += 1;
                if *n > 0 {
                    shared -= 1;
                }
            }
        }
        if i + 1 >= width && shared > best.0 {
            best = (shared, i + 1 - width);
        }
    }
    let first = best.1;
    let last = first + width - 1;
    Some(WordWindow {
        start: text_words[first].0,
        end: text_words[last].1,
        shared: best.0,
        quote_words: quote_words.len(),
    })
}
