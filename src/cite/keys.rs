//! The forms a text is compared and looked up by: folded for search, cut
//! into words for the word index, folded into keys for names and tags, and
//! hashed to notice a changed text.

use sha2::{Digest, Sha256};

use super::normalize;

/// A text folded for `contains` and `starts with`: typography as the
/// citation checker folds it, and case (so `contains "don't"` finds
/// "Don’t").
pub fn fold_for_search(s: &str) -> String {
    normalize(s).text.to_lowercase()
}

/// The distinct words of a folded text: its runs of letters and digits.
/// A needle's run lies inside one of the haystack's runs whenever the
/// needle is in the haystack, which is what lets the word index answer
/// `contains` exactly (`store/kv/indexes.rs`, `query/choose.rs`).
pub fn search_words(folded: &str) -> std::collections::BTreeSet<&str> {
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect()
}

/// The one fold for names, aliases, tags and statuses wherever they are
/// compared, stored as index keys or looked up: trimmed, typography folded
/// as [`normalize`] does (quotes, dashes, spaces, NFC), lowercased. Folding
/// twice gives the same key.
pub fn fold_key(s: &str) -> String {
    normalize(s.trim()).text.trim().to_lowercase()
}

/// Hex sha256 of a text: recorded with a source and with every anchor, so a
/// changed text is noticed.
pub fn sha256_hex(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}
