//! Typographic normalization that remembers where every character came from.
//!
//! A quote typed with straight quotes must match a source set with curly ones,
//! and a passage broken across lines must match the same words on one line. So
//! both the source text and the quote are folded to one canonical spelling
//! before they are compared, and the folded text keeps, for each of its bytes,
//! the byte range of the original text it stands for. A match found in the
//! folded text is thereby mapped back to the exact original span.
//!
//! What is folded (and nothing else: a changed letter, digit or word is never
//! folded away):
//! - curly and other typographic double quotes to `"`, single quotes and
//!   apostrophes to `'`;
//! - en and em dashes, the minus sign, `--`, and a hyphen standing between
//!   spaces, to one em dash with no space around it;
//! - any run of whitespace (spaces, tabs, line breaks, no-break spaces) to one space.

/// Text after folding, with the map back to the original.
#[derive(Debug, Clone)]
pub struct Normalized {
    /// The folded text.
    pub text: String,
    /// For each byte of `text`, the original byte range it stands for.
    origin: Vec<(usize, usize)>,
}

impl Normalized {
    /// The original byte range covered by the folded range `start..end`
    /// (`start < end`).
    pub fn original_span(&self, start: usize, end: usize) -> (usize, usize) {
        (self.origin[start].0, self.origin[end - 1].1)
    }

    /// The folded byte offset whose original range starts at or after `original`.
    pub fn folded_offset(&self, original: usize) -> usize {
        self.origin.partition_point(|&(s, _)| s < original)
    }
}

/// The canonical em dash every dash-like sign folds to.
const DASH: char = '\u{2014}';

fn fold_char(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{02BC}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => '"',
        '\u{2013}' | '\u{2014}' | '\u{2015}' | '\u{2012}' | '\u{2212}' => DASH,
        _ => c,
    }
}

/// Folds `text` as described in the module documentation.
pub fn normalize(text: &str) -> Normalized {
    let mut out = Normalized {
        text: String::with_capacity(text.len()),
        origin: Vec::with_capacity(text.len()),
    };
    let mut chars = text.char_indices().peekable();
    // After a dash, whitespace is dropped rather than folded to a space.
    let mut after_dash = false;
    while let Some((at, c)) = chars.next() {
        let mut end = at + c.len_utf8();
        if c.is_whitespace() {
            while let Some(&(next_at, next)) = chars.peek() {
                if !next.is_whitespace() {
                    break;
                }
                end = next_at + next.len_utf8();
                chars.next();
            }
            if !after_dash {
                push(&mut out, ' ', at, end);
            }
            continue;
        }
        let mut folded = fold_char(c);
        if c == '-' {
            let next = chars.peek().map(|&(_, n)| n);
            if next == Some('-') {
                // `--` typed for an em dash.
                let (next_at, _) = chars.next().unwrap_or((at, c));
                end = next_at + 1;
                folded = DASH;
            } else if out.text.ends_with(' ') && next.is_none_or(char::is_whitespace) {
                // ` - ` used as a dash.
                folded = DASH;
            }
        }
        if folded == DASH && out.text.ends_with(' ') {
            out.text.pop();
            out.origin.pop();
        }
        push(&mut out, folded, at, end);
        after_dash = folded == DASH;
    }
    out
}

fn push(out: &mut Normalized, c: char, start: usize, end: usize) {
    out.text.push(c);
    for _ in 0..c.len_utf8() {
        out.origin.push((start, end));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_typography_and_whitespace() {
        let n = normalize("“It’s  here,”\n he said — twice--so");
        assert_eq!(n.text, "\"It's here,\" he said\u{2014}twice\u{2014}so");
        let n = normalize("well - known and well-known");
        assert_eq!(n.text, "well\u{2014}known and well-known");
    }

    #[test]
    fn maps_back_to_original_bytes() {
        let original = "a  “b”\nc";
        let n = normalize(original);
        assert_eq!(n.text, "a \"b\" c");
        let start = n.text.find('"').unwrap();
        let (s, e) = n.original_span(start, start + 3);
        assert_eq!(&original[s..e], "“b”");
    }
}
