//! Where words begin and end in a folded text.
//!
//! A quote is made of whole words: "$8" must not match inside "$81", nor
//! the one-letter part "I" after an ellipsis inside "I've". So every match
//! the checker accepts starts and ends at a word boundary of the source.
//! The folded text has lost some boundaries the original had (a hyphen
//! inside a word is dropped, so "cyber-attack" folds to "cyberattack"):
//! there, the original text is asked.

use super::normalize::Normalized;

/// Is folded byte `pos` of `folded` at the edge of a word, not inside one?
/// `original` is the text `folded` was folded from.
pub(super) fn is_word_boundary(original: &str, folded: &Normalized, pos: usize) -> bool {
    let text = folded.text.as_str();
    if pos == 0 || pos >= text.len() || !text.is_char_boundary(pos) {
        return pos == 0 || pos >= text.len();
    }
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let mut before = text[..pos].chars().rev();
    let mut after = text[pos..].chars();
    let (b, a) = (before.next(), after.next());
    match (word(b), word(a)) {
        (false, false) => true,
        // An apostrophe between letters is inside the word ("I|'ve", "I'|ve").
        (true, false) => !(a == Some('\'') && word(after.next())),
        (false, true) => b != Some('\'') || !word(before.clone().next()) || elided(before),
        (true, true) => {
            // Two letters meet where the original had a hyphen or a line
            // break between them: a boundary the fold removed.
            let (start, end) = folded.origin(pos);
            original
                .get(start..end)
                .is_some_and(|s| s.contains(|c: char| !c.is_alphanumeric()))
        }
    }
}

/// French and Italian elisions end a word at the apostrophe: "qu’il",
/// "l’épaule", "dell’anno". `before` runs back from just before the
/// apostrophe.
const ELISIONS: &[&str] = &[
    "l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "dell",
    "nell", "all", "sull", "un",
];

fn elided(before: std::iter::Rev<std::str::Chars<'_>>) -> bool {
    let word: String = before.take_while(|c| c.is_alphanumeric()).collect();
    let word: String = word.chars().rev().flat_map(char::to_lowercase).collect();
    ELISIONS.contains(&word.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cite::normalize;

    #[test]
    fn words_end_where_letters_stop_and_apostrophes_stay_inside() {
        let text = "I've paid $81 to a cyber-attack group.";
        let n = normalize(text);
        let at = |s: &str| n.text.find(s).unwrap();
        assert!(is_word_boundary(text, &n, 0));
        assert!(!is_word_boundary(text, &n, 1), "I|'ve");
        assert!(!is_word_boundary(text, &n, at("$81") + 2), "$8|1");
        assert!(is_word_boundary(text, &n, at("$81") + 3));
        assert!(
            is_word_boundary(text, &n, at("attack")),
            "cyber|attack was hyphenated"
        );
        assert!(!is_word_boundary(text, &n, at("ttack")));
        let french = "Il faut qu’il chante, dit-il à l’épaule.";
        let f = normalize(french);
        assert!(is_word_boundary(
            french,
            &f,
            f.text.find("il chante").unwrap()
        ));
        assert!(is_word_boundary(french, &f, f.text.find("épaule").unwrap()));
        assert!(!is_word_boundary(text, &n, 2), "I'|ve is not an elision");
    }
}
