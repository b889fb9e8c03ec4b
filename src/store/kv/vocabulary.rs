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

use super::keys::{read_str, KeyBuf};
use super::{Entries, KvRead, KvWrite, T};
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

/// How many `word_grams` keys a word has.
pub(crate) fn gram_count(word: &str) -> usize {
    grams(word).len()
}

/// Whether `gram` is one of `word`'s grams.
pub(crate) fn holds_gram(word: &str, gram: &str) -> bool {
    grams(word).contains(gram)
}

/// The gram and the word of a `word_grams` key; `None` when it is not one.
pub(crate) fn split_gram_key(key: &[u8]) -> Option<(String, String)> {
    let (gram, rest) = read_str(key)?;
    match read_str(rest)? {
        (word, []) => Some((gram, word)),
        _ => None,
    }
}

/// The word a counts key of the word index stands for: the key is the
/// index tree's number, then the word as a key part.
pub(crate) fn word_of_count_key(key: &[u8]) -> Result<String> {
    match key.get(1..).and_then(read_str) {
        Some((word, [])) => Ok(word),
        _ => Err(Error::Corrupt("bad word in the word index counts".into())),
    }
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
            match key.get(*skip..).and_then(read_str) {
                Some((word, [])) => words.push(word),
                _ => {
                    return Err(Error::Corrupt(
                        "bad word in the vocabulary's trigrams".into(),
                    ))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::kv::{Empty, Overlay};

    /// The words holding a needle come from the trigrams (not the
    /// fallback that reads the whole vocabulary), and follow the words
    /// that come and go.
    #[test]
    fn words_are_found_by_their_trigrams_while_they_are_held() {
        let base = Empty;
        let mut kv = Overlay::new(&base);
        for word in ["daken", "baken", "dak", "ab", "café"] {
            on_count_change(&mut kv, word, 0, 1).unwrap();
        }
        on_count_change(&mut kv, "baken", 1, 2).unwrap(); // no change of grams
        let holding = |kv: &Overlay<'_>, needle: &str| {
            words_holding(kv, needle).unwrap().map(|mut w| {
                w.sort();
                w
            })
        };
        assert_eq!(
            holding(&kv, "ake"),
            Some(vec!["baken".into(), "daken".into()])
        );
        assert_eq!(
            holding(&kv, "dak"),
            Some(vec!["dak".into(), "daken".into()])
        );
        assert_eq!(holding(&kv, "afé"), Some(vec!["café".into()]));
        assert_eq!(holding(&kv, "zzz"), Some(vec![]));
        assert_eq!(holding(&kv, "ab"), None, "too short for a trigram");
        on_count_change(&mut kv, "daken", 1, 0).unwrap();
        assert_eq!(holding(&kv, "ake"), Some(vec!["baken".into()]));
        assert_eq!(holding(&kv, "daken"), Some(vec![]));
    }

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
