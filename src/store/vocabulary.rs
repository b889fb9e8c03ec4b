//! The word index's vocabulary, by trigram.
//!
//! `quote contains "daken"` is answered from the word index (`idx_word`):
//! a quote holds a one-word needle exactly when one of its words does, so
//! the claims are those under the words that hold the needle. Finding
//! those words by reading the whole vocabulary (every word's count key)
//! costs a scan that grows with it, and a newsroom's archive has hundreds
//! of thousands of distinct words. So each word is also kept under each of
//! its trigrams (`word_grams`: trigram ++ word, no value), written when the
//! word's count rises from zero and removed when it falls back to zero, in
//! the same transaction as the claim that did it. A needle of three or
//! more characters is looked up by its trigrams: their word lists are read
//! side by side and the first to end, the rarest trigram's, gives the
//! candidates, each then checked for the whole needle (PostgreSQL's
//! `pg_trgm` answers `LIKE` the same way). A shorter needle reads the
//! whole vocabulary.

use std::collections::BTreeSet;

use super::keys::KeyBuf;
use super::kv::{Entries, KvRead, KvWrite, T};
use crate::error::{Error, Result};

/// Characters per gram.
const GRAM: usize = 3;

/// The grams of a word: each run of three characters, once (a word
/// shorter than that is its own gram; no needle that uses grams fits in it).
fn grams(word: &str) -> BTreeSet<&str> {
    let starts: Vec<usize> = word
        .char_indices()
        .map(|(i, _)| i)
        .chain([word.len()])
        .collect();
    if starts.len() <= GRAM {
        return BTreeSet::from([word]);
    }
    starts
        .windows(GRAM + 1)
        .map(|w| &word[w[0]..w[GRAM]])
        .collect()
}

/// The `word_grams` keys of a word.
pub(crate) fn gram_keys(word: &str) -> Vec<Vec<u8>> {
    grams(word)
        .into_iter()
        .map(|g| KeyBuf::new().str(g).str(word).finish())
        .collect()
}

/// The word a counts key of the word index stands for: the key is the
/// index tree's number, then the word as a key part (`[0, 1]` ends it).
pub(crate) fn word_of_count_key(key: &[u8]) -> Result<&str> {
    key.get(1..key.len().saturating_sub(2))
        .and_then(|w| std::str::from_utf8(w).ok())
        .ok_or_else(|| Error::Corrupt("bad word in the word index counts".into()))
}

/// Keeps the trigrams of `word` as its count goes from `before` to `after`.
pub(crate) fn on_count_change(
    kv: &mut impl KvWrite,
    word: &str,
    before: u64,
    after: u64,
) -> Result<()> {
    match (before, after) {
        (0, 1..) => {
            for key in gram_keys(word) {
                kv.insert(T::WordGrams, key, Vec::new())?;
            }
        }
        (1.., 0) => {
            for key in gram_keys(word) {
                kv.remove(T::WordGrams, key)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// The words of the vocabulary that contain `needle`, found by its
/// trigrams; `None` for a needle too short to have one.
pub(crate) fn words_holding<K: KvRead + ?Sized>(
    kv: &K,
    needle: &str,
) -> Result<Option<Vec<String>>> {
    if needle.chars().nth(GRAM - 1).is_none() {
        return Ok(None);
    }
    let mut lists: Vec<(usize, Entries<'_>, Vec<String>)> = grams(needle)
        .into_iter()
        .map(|g| {
            let prefix = KeyBuf::new().str(g).finish();
            (prefix.len(), kv.prefix(T::WordGrams, prefix), Vec::new())
        })
        .collect();
    // Read the lists a word at a time each, until the shortest ends.
    loop {
        for (skip, entries, words) in &mut lists {
            let Some(entry) = entries.next() else {
                let words = std::mem::take(words);
                return Ok(Some(
                    words.into_iter().filter(|w| w.contains(needle)).collect(),
                ));
            };
            let key = entry?.0;
            let word = key
                .get(*skip..key.len().saturating_sub(2))
                .and_then(|w| std::str::from_utf8(w).ok())
                .ok_or_else(|| Error::Corrupt("bad word in the vocabulary's trigrams".into()))?;
            words.push(word.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grams_are_runs_of_three_characters() {
        assert_eq!(
            grams("daken").into_iter().collect::<Vec<_>>(),
            ["ake", "dak", "ken"]
        );
        assert_eq!(grams("ab").into_iter().collect::<Vec<_>>(), ["ab"]);
        assert_eq!(grams("abc").into_iter().collect::<Vec<_>>(), ["abc"]);
        // Characters, not bytes.
        assert_eq!(
            grams("café").into_iter().collect::<Vec<_>>(),
            ["afé", "caf"]
        );
        assert_eq!(grams("aaaa").into_iter().collect::<Vec<_>>(), ["aaa"]);
    }
}
