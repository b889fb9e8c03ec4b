//! The forms a quote may be searched in.
//!
//! A quote as a writer sets it is not always the source's characters even
//! after folding: the writer may put quotation marks around the whole quote
//! (and turn the source's own double marks into single ones inside it, as
//! style books ask), or change a letter's case in brackets ("[T]he board",
//! "the [b]oard"). Each such form is searched for in turn, first the quote
//! as written; a form other than that says, in a note, what it took.

/// Most glued brackets whose case is tried both ways; beyond it, only as written.
const MAX_CASE_BRACKETS: usize = 3;

/// One form of a folded quote.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// The folded quote in this form.
    pub text: String,
    /// What the form changed, for the report.
    pub notes: Vec<String>,
    /// Whether the form changed words' letters (a bracket's case change),
    /// as opposed to typography only: a verified quote reports it as edited.
    pub edited: bool,
    /// Reference markers the quote keeps (`[2]`) and this form leaves out,
    /// as the source's fold does: the passage found must hold each of them
    /// as written, so that their numbers are still compared.
    pub markers: Vec<String>,
}

/// The forms of `needle` (a folded, trimmed quote), the quote as written
/// (with glued brackets taken as written) first.
pub fn variants(needle: &str) -> Vec<Variant> {
    let mut bases = vec![Variant {
        text: needle.to_string(),
        notes: Vec::new(),
        edited: false,
        markers: Vec::new(),
    }];
    if let Some(inner) = outer_marks_removed(needle) {
        let note = "the quotation marks around the whole quote are the quoter's, not the source's";
        bases.push(Variant {
            text: inner.to_string(),
            notes: vec![note.to_string()],
            edited: false,
            markers: Vec::new(),
        });
        let swapped = swap_inner_marks(inner);
        if swapped != inner {
            bases.push(Variant {
                text: swapped,
                notes: vec![
                    note.to_string(),
                    "the quote's inner quotation marks stand for the source's other kind (single for double, or double for single)".to_string(),
                ],
                edited: false,
                markers: Vec::new(),
            });
        }
    }
    // Marks inside a quote stored without its own: the source's double
    // marks set as single ones inside the quotation, or guillemets as
    // curly marks (both fold to `"`), and the reverse.
    let swapped = swap_inner_marks(needle);
    if swapped != needle && outer_marks_removed(needle).is_none() {
        bases.push(Variant {
            text: swapped,
            notes: vec!["the quote's inner quotation marks stand for the source's other kind (single for double, or double for single)".to_string()],
            edited: false,
            markers: Vec::new(),
        });
    }
    // `activated by PGC-1α [2].`: the source's reference markers, kept.
    for k in 0..bases.len() {
        if let Some((text, markers)) = reference_markers_removed(&bases[k].text) {
            let mut notes = bases[k].notes.clone();
            notes.push(format!(
                "the quote's reference markers ({}) are the source's",
                markers.join(", ")
            ));
            bases.push(Variant {
                text,
                notes,
                edited: false,
                markers,
            });
        }
    }
    // `Growth will slow,` she said: the quoter's comma for the source's
    // closing period, as the quoting sentence goes on.
    for k in 0..bases.len() {
        if let Some(body) = bases[k].text.strip_suffix(',') {
            let mut notes = bases[k].notes.clone();
            notes.push(
                "the comma ending the quote stands for the source's closing period".to_string(),
            );
            let markers = bases[k].markers.clone();
            bases.push(Variant {
                text: format!("{body}."),
                notes,
                edited: false,
                markers,
            });
        }
    }
    let mut out: Vec<Variant> = Vec::new();
    for base in bases {
        for cased in unglued(&base.text) {
            let mut notes = base.notes.clone();
            notes.extend(cased.notes);
            let v = Variant {
                text: cased.text,
                notes,
                edited: cased.edited,
                markers: base.markers.clone(),
            };
            let flipped = flip_initial(&v.text).map(|text| {
                let mut notes = v.notes.clone();
                notes.push(
                    "the quote's first letter is capitalized differently from the source"
                        .to_string(),
                );
                Variant {
                    text,
                    notes,
                    edited: v.edited,
                    markers: v.markers.clone(),
                }
            });
            for candidate in std::iter::once(v).chain(flipped) {
                if !out.iter().any(|o| o.text == candidate.text) {
                    out.push(candidate);
                }
            }
        }
    }
    out
}

/// The quote without its bracketed reference markers (`[2]`, `[4, 7]`,
/// `[4–7]` after a word: an editor does not bracket bare numbers), each
/// with the space before it, and the markers as written; `None` when it
/// has none.
fn reference_markers_removed(text: &str) -> Option<(String, Vec<String>)> {
    let (mut out, mut markers, mut rest) = (String::new(), Vec::new(), text);
    while let Some(open) = rest.find('[') {
        let close = rest[open..].find(']').map(|k| open + k);
        let inside = close.map(|c| &rest[open + 1..c]);
        let is_marker = inside.is_some_and(|inside| {
            inside.bytes().any(|b| b.is_ascii_digit())
                && inside
                    .chars()
                    .all(|c| c.is_ascii_digit() || matches!(c, ',' | ' ' | '-' | '\u{2013}' | ';'))
        }) && rest[..open]
            .trim_end()
            .ends_with(|c: char| c.is_alphanumeric() || matches!(c, '.' | ',' | ')'));
        let (Some(close), true) = (close, is_marker) else {
            let end = close.map_or(rest.len(), |c| c + 1);
            out.push_str(&rest[..end]);
            rest = &rest[end..];
            continue;
        };
        out.push_str(rest[..open].trim_end_matches(' '));
        markers.push(rest[open..=close].to_string());
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    (!markers.is_empty()).then_some((out, markers))
}

/// The quote without quotation marks that enclose all of it (a matching
/// pair, the closing one possibly before a final period or comma).
fn outer_marks_removed(needle: &str) -> Option<&str> {
    let open = needle.chars().next()?;
    if open != '"' && open != '\'' {
        return None;
    }
    let body = &needle[1..];
    let body = body.strip_suffix(open)?;
    // A quote that holds another mark of the same kind is not enclosed by
    // this pair ("a" and "b" is two quotations, not one).
    (!body.is_empty() && (open == '\'' || !body.contains(open))).then(|| body.trim())
}

/// Single quotation marks for double and double for single; an apostrophe
/// (a single mark between two letters) stays.
fn swap_inner_marks(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let alnum = |k: Option<&char>| k.is_some_and(|c| c.is_alphanumeric());
    chars
        .iter()
        .enumerate()
        .map(|(k, &c)| match c {
            '"' => '\'',
            '\'' if !(k > 0 && alnum(chars.get(k - 1)) && alnum(chars.get(k + 1))) => '"',
            _ => c,
        })
        .collect()
}

/// A bracket glued to a word ("[T]he", "the [b]oard"): its position, and
/// the letters inside.
fn glued_brackets(text: &str) -> Vec<(usize, usize, &str)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(open) = text[from..].find('[').map(|k| from + k) {
        let Some(close) = text[open..].find(']').map(|k| open + k) else {
            break;
        };
        let inside = &text[open + 1..close];
        let glued = text[..open]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric)
            || text[close + 1..]
                .chars()
                .next()
                .is_some_and(char::is_alphanumeric);
        if glued && inside.chars().count() <= 3 && inside.chars().all(char::is_alphabetic) {
            out.push((open, close + 1, inside));
        }
        from = close + 1;
    }
    out
}

/// The quote with its glued brackets taken out, each letter as written and
/// (for the first few) with its case changed: "[T]he" is "The" or "the".
fn unglued(text: &str) -> Vec<Variant> {
    let brackets = glued_brackets(text);
    if brackets.is_empty() {
        return vec![Variant {
            text: text.to_string(),
            notes: Vec::new(),
            edited: false,
            markers: Vec::new(),
        }];
    }
    let flippable = brackets.len().min(MAX_CASE_BRACKETS);
    // As written first: the source may have the brackets itself (a quote
    // of a quote, "“[t]he jury must find”").
    let literal = Variant {
        text: text.to_string(),
        notes: Vec::new(),
        edited: false,
        markers: Vec::new(),
    };
    std::iter::once(literal)
        .chain((0..1u32 << flippable).map(|mask| {
            let mut out = String::with_capacity(text.len());
            let mut notes = Vec::new();
            let mut at = 0;
            for (k, &(open, close, inside)) in brackets.iter().enumerate() {
                out.push_str(&text[at..open]);
                let flip = k < flippable && mask & (1 << k) != 0;
                let letters = if flip {
                    flip_case(inside)
                } else {
                    inside.to_string()
                };
                notes.push(if flip {
                    format!("[{inside}] stands for \"{letters}\" (a change of case)")
                } else {
                    format!("brackets around the source's own \"{inside}\"")
                });
                out.push_str(&letters);
                at = close;
            }
            out.push_str(&text[at..]);
            Variant {
                text: out,
                notes,
                edited: true,
                markers: Vec::new(),
            }
        }))
        .collect()
}

fn flip_case(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            let flipped: Vec<char> = if c.is_uppercase() {
                c.to_lowercase().collect()
            } else {
                c.to_uppercase().collect()
            };
            flipped
        })
        .collect()
}

fn flip_initial(s: &str) -> Option<String> {
    let first = s.chars().next()?;
    if !first.is_alphabetic() || first.is_uppercase() == first.is_lowercase() {
        return None;
    }
    Some(format!(
        "{}{}",
        flip_case(&first.to_string()),
        &s[first.len_utf8()..]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(needle: &str) -> Vec<String> {
        variants(needle).into_iter().map(|v| v.text).collect()
    }

    #[test]
    fn enclosing_marks_and_glued_brackets() {
        assert_eq!(texts("the board"), vec!["the board", "The board"]);
        let v = texts("\"The 'risk' is real.\"");
        assert!(v.contains(&"The 'risk' is real.".to_string()));
        assert!(v.contains(&"The \"risk\" is real.".to_string()));
        // Two quotations are not one enclosed: no mark is dropped.
        assert!(texts("\"a\" and \"b\"")
            .iter()
            .all(|t| t.starts_with(['"', '\'', 'A'])));
        // Marks inside a quote stored without its own may be the other kind.
        assert!(texts("He called it 'a risk' twice")
            .contains(&"He called it \"a risk\" twice".to_string()));
        // Reference markers kept by the quote: left out, and remembered.
        assert_eq!(
            reference_markers_removed("activated by PGC-1α [2]. It [4, 7] rose"),
            Some((
                "activated by PGC-1α. It rose".to_string(),
                vec!["[2]".to_string(), "[4, 7]".to_string()]
            ))
        );
        assert_eq!(reference_markers_removed("[The board] said"), None);
        assert_eq!(reference_markers_removed("in 1990 [sic] the"), None);
        // A closing comma may stand for the source's period.
        assert!(texts("Growth will slow,").contains(&"Growth will slow.".to_string()));
        let v = texts("[T]he board's plan");
        assert!(v.contains(&"The board's plan".to_string()));
        assert!(v.contains(&"the board's plan".to_string()));
        assert_eq!(swap_inner_marks("it's 'here'"), "it's \"here\"");
    }
}
