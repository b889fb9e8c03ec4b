//! A word-level diff of a quote against the source's words, and what each
//! change is: a number, a name, a negation, a content word, the word order.
//!
//! This is what a fact-checker reads when a quote does not verify: not a
//! score but "the quote says `$18 million`, the source says `$81 million`
//! (a number)".

use serde::{Deserialize, Serialize};

/// What kind of change a misquote makes. Any of them means the quote is not
/// the source's words; the kinds say how much it matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ChangeKind {
    /// A figure, year or amount differs.
    Number,
    /// A negation was added or removed ("not", "never", "n't", ...).
    Negation,
    /// A capitalized word (a name) differs.
    Name,
    /// A content word (not a function word) differs.
    ContentWord,
    /// A function word ("the", "of", ...) differs.
    FunctionWord,
    /// The same words in a different order.
    WordOrder,
    /// The same words, with different punctuation or letter case: never a
    /// change of name, number or word, but not the source's text either.
    Punctuation,
}

impl ChangeKind {
    /// How a report names the kind.
    pub fn describe(self) -> &'static str {
        match self {
            ChangeKind::Number => "number",
            ChangeKind::Negation => "negation",
            ChangeKind::Name => "name",
            ChangeKind::ContentWord => "content word",
            ChangeKind::FunctionWord => "function word",
            ChangeKind::WordOrder => "word order",
            ChangeKind::Punctuation => "punctuation or case only",
        }
    }
}

/// One difference: words of the quote standing where the source has others.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// The quote's words here (empty when the source has words the quote lacks).
    pub quote: String,
    /// The source's words here (empty when the quote adds words).
    pub source: String,
    /// What the change touches.
    pub kinds: Vec<ChangeKind>,
}

impl Change {
    /// The change for a person: `the quote says "$18" where the source says "$81" (number)`.
    pub fn describe(&self) -> String {
        let kinds: Vec<&str> = self.kinds.iter().map(|k| k.describe()).collect();
        let what = match (self.quote.is_empty(), self.source.is_empty()) {
            (false, false) => format!(
                "the quote says \"{}\" where the source says \"{}\"",
                self.quote, self.source
            ),
            (false, true) => format!("the quote adds \"{}\"", self.quote),
            _ => format!("the quote leaves out \"{}\"", self.source),
        };
        format!("{what} ({})", kinds.join(", "))
    }
}

/// A word token: the text as written and its comparison key.
#[derive(Debug, Clone)]
pub struct Word<'t> {
    /// As written in the (folded) text.
    pub text: &'t str,
    /// Lowercased, trimmed of surrounding punctuation.
    pub key: String,
}

/// Splits folded text into words (runs without spaces or dashes).
pub fn words(text: &str) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        let sep =
            c.is_whitespace() || c == super::normalize::DASH || c == super::normalize::ELLIPSIS;
        match (sep, start) {
            (false, None) => start = Some(i),
            (true, Some(s)) => {
                let raw = &text[s..i];
                let key = raw
                    // A sign carries meaning: `PGC-1α+/+` is not `PGC-1α`.
                    .trim_matches(|c: char| !(c.is_alphanumeric() || matches!(c, '$' | '%' | '+')))
                    .to_lowercase();
                if !key.is_empty() {
                    out.push(Word { text: raw, key });
                }
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// Negations of English, French, German and Spanish. French "plus" and
/// "personne" are listed because eliding them from "ne … plus" or "ne …
/// personne" turns the meaning over; elsewhere they only make a change
/// report say "negation" where "content word" was meant.
const NEGATIONS: &[&str] = &[
    // English
    "not",
    "no",
    "never",
    "nor",
    "neither",
    "none",
    "nobody",
    "nothing",
    "nowhere",
    "cannot",
    "without",
    "hardly",
    "barely",
    "scarcely",
    // French: ne … pas / plus / jamais / rien / aucun / personne / guère / ni
    "ne",
    "pas",
    "plus",
    "jamais",
    "rien",
    "aucun",
    "aucune",
    "aucuns",
    "aucunes",
    "personne",
    "guère",
    "nul",
    "nulle",
    "sans",
    "non",
    // German
    "nicht",
    "kein",
    "keine",
    "keinen",
    "keinem",
    "keiner",
    "keines",
    "nie",
    "niemals",
    "nichts",
    "niemand",
    "niemandem",
    "niemanden",
    "nirgends",
    "nirgendwo",
    "weder",
    "ohne",
    "nein",
    // Spanish
    "nunca",
    "jamás",
    "nada",
    "nadie",
    "ningún",
    "ninguno",
    "ninguna",
    "ningunos",
    "ningunas",
    "tampoco",
    "ni",
    "sin",
];

#[rustfmt::skip]
const FUNCTION_WORDS: &[&str] = &[
    "a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "with", "from", "as", "and", "or",
    "but", "that", "this", "these", "those", "it", "its", "is", "are", "was", "were", "be", "been",
    "has", "have", "had", "their", "they", "them", "he", "his", "she", "her", "we", "our", "us",
    "you", "your", "i", "my", "which", "who", "whom", "than", "then", "so", "up", "out", "into",
    "over", "also", "do", "does", "did", "there", "here", "such", "some", "more", "most", "much",
    "very", "can", "could", "will", "would", "may", "might", "should", "shall", "must",
    "against", "about", "after", "before", "under", "between", "through", "during", "within",
    "upon", "toward", "towards", "across", "behind", "beyond", "among", "around", "below", "above",
    "since", "until", "via",
    // Spanish and Portuguese articles, prepositions, conjunctions, pronouns.
    "el", "la", "los", "las", "un", "una", "unos", "unas", "de", "del", "al", "en", "por", "para",
    "con", "sin", "sobre", "entre", "hasta", "desde", "y", "e", "o", "u", "que", "se", "su", "sus",
    "lo", "le", "les", "me", "te", "nos", "os", "mi", "tu", "como", "pero", "mas", "si", "da",
    "das", "na", "nas", "um", "uma", "com", "ao", "aos",
];

#[rustfmt::skip]
const NUMBER_WORDS: &[&str] = &[
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "twenty", "thirty", "forty", "fifty", "hundred", "thousand", "million", "billion",
    "trillion", "first", "second", "third", "dozen", "score", "half",
    // Spanish (with the older spellings), French, German.
    "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez", "doce", "veinte",
    "treinta", "cuarenta", "cincuenta", "cien", "ciento", "doscientos", "doscientas", "docientos",
    "docientas", "trescientos", "trescientas", "trecientos", "trecientas", "mil", "millón",
    "millones", "deux", "trois", "quatre", "cinq", "sept", "huit", "neuf", "dix", "vingt", "cent",
    "mille", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun", "zehn", "hundert",
    "tausend",
];

/// Is this word (a key) a negation?
pub fn is_negation(key: &str) -> bool {
    NEGATIONS.contains(&key)
        || key.ends_with("n't")
        || key.ends_with("n'")
        // French elision: n'a, n'est, n'y
        || (key.starts_with("n'") && key.len() > 2)
}

/// Is this word (a key) a function word ("the", "of", "I", ...)?
pub fn is_function_word(key: &str) -> bool {
    FUNCTION_WORDS.contains(&key)
}

/// Does this word (a key) carry a number?
pub fn is_number(key: &str) -> bool {
    key.chars().any(|c| c.is_ascii_digit()) || NUMBER_WORDS.contains(&key)
}

fn classify(quote: &[&Word], source: &[&Word], quote_start: bool) -> Vec<ChangeKind> {
    let mut kinds = Vec::new();
    let all = || quote.iter().chain(source.iter());
    if all().any(|w| is_number(&w.key)) {
        kinds.push(ChangeKind::Number);
    }
    if all().any(|w| is_negation(&w.key)) {
        kinds.push(ChangeKind::Negation);
    }
    let is_name = |w: &&&Word, first: bool| {
        !first
            && w.text
                .trim_start_matches(|c: char| !c.is_alphanumeric())
                .starts_with(char::is_uppercase)
    };
    if quote
        .iter()
        .enumerate()
        .any(|(i, w)| is_name(&w, quote_start && i == 0))
        || source.iter().any(|w| is_name(&w, false))
    {
        kinds.push(ChangeKind::Name);
    }
    // `they've` is `they` and an auxiliary.
    let grammatical = |key: &str| {
        let base = ["'ve", "'re", "'ll", "'s", "'m", "'d"]
            .iter()
            .find_map(|suffix| key.strip_suffix(suffix))
            .unwrap_or(key);
        FUNCTION_WORDS.contains(&key) || FUNCTION_WORDS.contains(&base)
    };
    if all().any(|w| !grammatical(&w.key) && !is_number(&w.key) && !is_negation(&w.key)) {
        kinds.push(ChangeKind::ContentWord);
    }
    if kinds.is_empty() {
        kinds.push(ChangeKind::FunctionWord);
    }
    kinds
}

/// Most cells of the LCS table [`diff_words`] fills (4 bytes each): beyond
/// it, the differing middle is reported as one change instead of aligned
/// word by word, so a huge quote cannot ask for gigabytes.
const MAX_DIFF_CELLS: usize = 4_000_000;

/// The changes that turn the source's words into the quote's, by a
/// longest-common-subsequence alignment of word keys.
///
/// The common prefix and suffix are set aside first (they are part of some
/// longest common subsequence), so one changed word in a long quote costs a
/// linear pass, not a table of quote × passage words.
pub fn diff_words(quote: &[Word], source: &[Word]) -> Vec<Change> {
    let prefix = quote
        .iter()
        .zip(source)
        .take_while(|(q, s)| q.key == s.key)
        .count();
    let suffix = quote[prefix..]
        .iter()
        .rev()
        .zip(source[prefix..].iter().rev())
        .take_while(|(q, s)| q.key == s.key)
        .count();
    let (q_mid, s_mid) = (
        &quote[prefix..quote.len() - suffix],
        &source[prefix..source.len() - suffix],
    );
    let mut changes = if (q_mid.len() + 1).saturating_mul(s_mid.len() + 1) > MAX_DIFF_CELLS {
        let q: Vec<&Word> = q_mid.iter().collect();
        let s: Vec<&Word> = s_mid.iter().collect();
        vec![Change {
            quote: q.iter().map(|w| w.text).collect::<Vec<_>>().join(" "),
            source: s.iter().map(|w| w.text).collect::<Vec<_>>().join(" "),
            kinds: classify(&q, &s, prefix == 0),
        }]
    } else {
        align(q_mid, s_mid, prefix == 0)
    };
    // The same words, moved: say so rather than listing removals and additions.
    let mut q_keys: Vec<&str> = quote.iter().map(|w| w.key.as_str()).collect();
    let mut s_keys: Vec<&str> = source.iter().map(|w| w.key.as_str()).collect();
    q_keys.sort_unstable();
    s_keys.sort_unstable();
    if !changes.is_empty() && q_keys == s_keys {
        for c in &mut changes {
            c.kinds = vec![ChangeKind::WordOrder];
        }
    }
    changes
}

/// Where the words are the same (the same keys, in order) but written
/// differently: each differing word as a punctuation change. What an
/// approximate verdict lists when no word differs.
pub fn punctuation_changes(quote: &str, source: &str) -> Vec<Change> {
    let (q, s) = (words(quote), words(source));
    let mut out: Vec<Change> = q
        .iter()
        .zip(&s)
        .filter(|(a, b)| a.key == b.key && a.text != b.text)
        .map(|(a, b)| Change {
            quote: a.text.to_string(),
            source: b.text.to_string(),
            kinds: vec![ChangeKind::Punctuation],
        })
        .collect();
    if out.is_empty() && quote != source {
        out.push(Change {
            quote: quote.to_string(),
            source: source.to_string(),
            kinds: vec![ChangeKind::Punctuation],
        });
    }
    out
}

/// The word-by-word alignment of two runs; `at_start` when the quote's run
/// begins the quote.
fn align(quote: &[Word], source: &[Word], at_start: bool) -> Vec<Change> {
    let (n, m) = (quote.len(), source.len());
    // lcs[i][j]: LCS length of quote[i..] and source[j..].
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if quote[i].key == source[j].key {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut changes = Vec::new();
    let (mut i, mut j) = (0, 0);
    let (mut q_run, mut s_run): (Vec<&Word>, Vec<&Word>) = (Vec::new(), Vec::new());
    let mut run_at_start = at_start;
    let mut flush = |q: &mut Vec<&Word>, s: &mut Vec<&Word>, at_start: bool| {
        if q.is_empty() && s.is_empty() {
            return;
        }
        changes.push(Change {
            quote: q.iter().map(|w| w.text).collect::<Vec<_>>().join(" "),
            source: s.iter().map(|w| w.text).collect::<Vec<_>>().join(" "),
            kinds: classify(q, s, at_start),
        });
        q.clear();
        s.clear();
    };
    while i < n || j < m {
        if i < n && j < m && quote[i].key == source[j].key {
            flush(&mut q_run, &mut s_run, run_at_start);
            run_at_start = false;
            i += 1;
            j += 1;
        } else if j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j]) {
            s_run.push(&source[j]);
            j += 1;
        } else {
            if q_run.is_empty() && s_run.is_empty() {
                run_at_start = at_start && i == 0;
            }
            q_run.push(&quote[i]);
            i += 1;
        }
    }
    flush(&mut q_run, &mut s_run, run_at_start);
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diff(q: &str, s: &str) -> Vec<Change> {
        diff_words(&words(q), &words(s))
    }

    #[test]
    fn names_what_changed() {
        let d = diff("after $18 million had", "after $81 million had");
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].quote.as_str(), d[0].source.as_str()), ("$18", "$81"));
        assert_eq!(d[0].kinds, vec![ChangeKind::Number]);
        let d = diff("the good guys do win", "the good guys do not win");
        assert_eq!(d[0].source, "not");
        assert_eq!(d[0].kinds, vec![ChangeKind::Negation]);
        let d = diff("co-chair Amy Pascale", "co-chair Amy Pascal");
        assert!(d[0].kinds.contains(&ChangeKind::Name));
        let d = diff("the money was stolen", "the money was laundered");
        assert_eq!(d[0].kinds, vec![ChangeKind::ContentWord]);
        let d = diff("was the money", "the money was");
        assert!(d.iter().all(|c| c.kinds == vec![ChangeKind::WordOrder]));
        assert!(diff("the same words", "The same, words").is_empty());
    }
}
