//! A name's forms: without its titles ("Senator Levin" is Levin), in
//! title case from a transcript's capitals, its surname, and whether a
//! mention in a text names a stored speaker by any of their names.

use super::lexicon;
use super::mentions::Mention;

/// A name without the titles, roles and article before it:
/// "Then-U.S. President Barack Obama" → "Barack Obama", "The U.S. Secret
/// Service" → "U.S. Secret Service", "Mr. GORTON" → "Gorton".
pub fn strip_titles(written: &str) -> String {
    let words: Vec<&str> = written.split_whitespace().collect();
    let mut start = 0;
    while start + 1 < words.len() {
        let w = words[start].trim_end_matches('.').to_lowercase();
        let w = w.replace('’', "'");
        let title = lexicon::is(lexicon::TITLES, &w)
            || w.starts_with("then-")
            || w.starts_with("ex-")
            || w == "then";
        // Keep the title when what follows is not a capitalized name ("the
        // threat", "a defense ministry spokesman" keep their words).
        let next_capital = words[start + 1]
            .chars()
            .next()
            .is_some_and(char::is_uppercase);
        if title && next_capital && !is_organization(&words[start..]) {
            start += 1;
        } else {
            break;
        }
    }
    // A role in lowercase before a name ("Korea expert Bruce Bennett",
    // "North Korean leader Kim Jong-Un"): the name is what follows it.
    let rest = &words[start..];
    if let Some(last_lower) = rest.iter().rposition(|w| {
        w.chars().next().is_some_and(char::is_lowercase)
            && !matches!(
                *w,
                "de" | "da" | "van" | "von" | "bin" | "al" | "del" | "du" | "la" | "le"
                    // Inside an institution's name ("Federal Bureau of
                    // Investigation", "Centers for Disease Control and Prevention").
                    | "of" | "for" | "and" | "on"
            )
    }) {
        if last_lower + 1 < rest.len() && last_lower > 0 {
            start += last_lower + 1;
        }
    }
    let name = words[start..].join(" ");
    if name
        .chars()
        .filter(|c| c.is_alphabetic())
        .all(char::is_uppercase)
        && name.chars().filter(|c| c.is_alphabetic()).count() > 3
    {
        title_case(&name)
    } else {
        name
    }
}

/// "U.S. Secret Service": an organization keeps its "U.S." but not "The".
fn is_organization(words: &[&str]) -> bool {
    let first = words[0].trim_end_matches('.').to_lowercase();
    first == "u.s" && words.len() > 2
}

/// "GORTON" → "Gorton", "PRESIDING OFFICER" → "Presiding Officer".
pub fn title_case(upper: &str) -> String {
    upper
        .split(' ')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f
                    .to_uppercase()
                    .chain(c.flat_map(char::to_lowercase))
                    .collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<String>>()
        .join(" ")
}

/// The last word of a proper name, for matching "Moriuchi" to "Priscilla
/// Moriuchi": the family name in Western order.
pub fn surname(name: &str) -> &str {
    name.split_whitespace().last().unwrap_or(name)
}

/// Whether a mention names the speaker called `name` (or one of
/// `aliases`): the same name once folded (case, typography, a leading
/// "the"), or one word of it, the first or the last ("Moriuchi" for
/// "Priscilla Moriuchi", "Thae" for "Thae Yong-ho", "Gorton" for "Mr.
/// GORTON").
pub fn names_match(mention: &Mention, name: &str, aliases: &[String]) -> bool {
    let key = |s: &str| {
        let k = crate::cite::fold_key(s);
        k.strip_prefix("the ").map(str::to_string).unwrap_or(k)
    };
    let said: Vec<String> = [mention.name.as_str(), mention.written.as_str()]
        .into_iter()
        .map(key)
        .filter(|k| !k.is_empty())
        .collect();
    std::iter::once(name)
        .chain(aliases.iter().map(String::as_str))
        .map(key)
        .any(|known| {
            said.iter().any(|s| {
                *s == known || {
                    let words: Vec<&str> = known.split_whitespace().collect();
                    !s.contains(' ')
                        && words.len() > 1
                        && (words.first() == Some(&s.as_str()) || words.last() == Some(&s.as_str()))
                }
            })
        })
}
