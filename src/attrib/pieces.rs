//! A page of several pieces: headlines and bylines.
//!
//! A newsletter or a web page often holds more than one piece, each under
//! its own headline and some with a byline ("By Celine Smith"). A headline
//! ends whatever came before it (a transcript's last turn does not run on
//! into the next story), and a byline makes its writer the author of the
//! running prose that follows, up to the next headline; prose with no
//! byline above it stays the document's author's (or its publisher's).

/// Words that open a byline, in the languages attribution reads.
const BY: &[&str] = &["By", "BY", "Por", "POR", "Par", "PAR", "Von", "VON"];

/// Words joining two writers in a byline.
const AND: &[&str] = &["and", "y", "et", "und", "&"];

/// Lowercase words inside a name ("Voz de América", "Ludwig van Beethoven").
const PARTICLES: &[&str] = &[
    "de", "del", "la", "van", "von", "der", "da", "di", "du", "le",
];

/// The most words a headline has.
const HEADLINE_WORDS: usize = 14;

/// The writers a byline paragraph names ("By Celine Smith" gives "Celine
/// Smith"; "By Ann Lee and Bo Ng" gives the first, who is credited), or
/// `None` when the paragraph is not a byline.
pub(crate) fn byline(paragraph: &str) -> Option<String> {
    let line = paragraph.trim();
    if line.contains('\n') {
        return None;
    }
    let (by, rest) = line.split_once(' ')?;
    if !BY.contains(&by) {
        return None;
    }
    let rest = rest.trim();
    let words: Vec<&str> = rest.split_whitespace().collect();
    let names_only = (2..=8).contains(&words.len())
        && words.iter().all(|w| {
            AND.contains(w)
                || PARTICLES.contains(w)
                || w.trim_end_matches(',')
                    .chars()
                    .next()
                    .is_some_and(char::is_uppercase)
        });
    if !names_only {
        return None;
    }
    // The first writer: up to "and", a comma or the end.
    let upto = words
        .iter()
        .position(|w| AND.contains(w) || w.ends_with(','))
        .map_or(
            words.len(),
            |k| if words[k].ends_with(',') { k + 1 } else { k },
        );
    let first = words[..upto].join(" ");
    let first = first.trim_end_matches(',');
    (first.split_whitespace().count() >= 2).then(|| first.to_string())
}

/// Whether a paragraph is a headline or a section's end mark: one short
/// line without a final stop whose longer words are mostly capitalized
/// ("Larry Leopard Named Acting Director of Marshall's Engineering
/// Directorate", "› Back to Top").
pub(crate) fn headline(paragraph: &str) -> bool {
    let line = paragraph.trim();
    if line.is_empty() || line.contains('\n') {
        return false;
    }
    let last = line.chars().next_back().unwrap_or(' ');
    if ".!?:;,\"”’)]".contains(last) {
        return false;
    }
    let words: Vec<&str> = line
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphabetic))
        .collect();
    if words.is_empty() || words.len() > HEADLINE_WORDS {
        return false;
    }
    let long: Vec<&&str> = words.iter().filter(|w| w.chars().count() >= 4).collect();
    let capitalized = long
        .iter()
        .filter(|w| {
            w.trim_start_matches(|c: char| !c.is_alphanumeric())
                .chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
        })
        .count();
    !long.is_empty() && capitalized * 3 >= long.len() * 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bylines_name_their_first_writer() {
        assert_eq!(byline("By Celine Smith").as_deref(), Some("Celine Smith"));
        assert_eq!(byline("By Ann Lee and Bo Ng").as_deref(), Some("Ann Lee"));
        // Spacing as captured is not the name's.
        assert_eq!(
            byline("Por María  José Pérez, Voz de América").as_deref(),
            Some("María José Pérez")
        );
        assert_eq!(byline("By the way, this is not one."), None);
        assert_eq!(byline("By Smith"), None);
    }

    #[test]
    fn headlines_are_short_capitalized_lines() {
        assert!(headline(
            "Larry Leopard Named Acting Director of Marshall’s Engineering Directorate"
        ));
        assert!(headline("› Back to Top"));
        assert!(headline("I Am Artemis: Erick Holsonback"));
        assert!(!headline("Vehicle mass properties and weight management."));
        assert!(!headline("the samples were clean and we went home"));
    }
}
