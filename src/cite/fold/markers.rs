//! Footnote and reference markers, which a quote leaves out: superscript
//! digits and lists of them after a word, and in a source bracketed
//! numbers and lists (`[4]`, `[4, 7]`, `[4–7]`, `[4], [7]`), the GPO's
//! `\1\`, and digits PDF capture glued to a word's punctuation.

use super::{is_superscript_digit, Folder};

impl Folder<'_> {
    /// A footnote or reference marker a quote leaves out, starting at `i`:
    /// superscript digits after a word (`trials⁴`, and lists `⁴,⁷`, `⁴⁻⁷`),
    /// and in a source a bracketed number or list of them (`[4]`, `[4,7]`,
    /// `[4–7]`, `[2,8,9,10]`), glued to a word or set off by a space, with
    /// the markers that follow it (`[4], [7]`). Returns its end; a space
    /// before a bracketed marker goes with it.
    pub(super) fn footnote_marker(&mut self, c: char, i: usize) -> Option<usize> {
        if c == '\\' && self.footnotes {
            // The Government Publishing Office's `\1\`.
            let digits = self.text[i + 1..]
                .bytes()
                .take_while(u8::is_ascii_digit)
                .count();
            let closed = self.text.as_bytes().get(i + 1 + digits) == Some(&b'\\');
            if !((1..=3).contains(&digits) && closed) {
                return None;
            }
            // Set off by spaces ("55b? \1\ We"), it takes one of them.
            let end = i + digits + 2;
            if self.out.text.ends_with(' ') && self.char_at(end).is_some_and(char::is_whitespace) {
                self.out.pop_space();
            }
            return Some(end);
        }
        if c == '\\' {
            return None;
        }
        let spaced = c == '[' && self.footnotes && self.out.text.ends_with(' ');
        let mut back = self.out.text.chars().rev();
        if spaced {
            back.next();
        }
        let last = back.next()?;
        let after_word = if last.is_alphabetic() {
            spaced || back.take(2).filter(|b| b.is_alphabetic()).count() == 2
        } else if last.is_ascii_digit() || last == '%' {
            // A figure's reference ("by 40% [12]"), never one glued to it.
            spaced
        } else {
            matches!(last, '.' | ',' | ';' | ':' | ')' | '"' | '\'')
                && back.next().is_some_and(char::is_alphabetic)
        };
        if !after_word {
            return None;
        }
        if is_superscript_digit(c) {
            let mut end = self.superscripts(i)?;
            // A list: `⁴,⁷`, `⁴⁻⁷`, `⁴–⁷`.
            while let Some(sep) = self
                .char_at(end)
                .filter(|s| matches!(s, ',' | '\u{207B}' | '\u{2013}' | '-'))
            {
                match self.superscripts(end + sep.len_utf8()) {
                    Some(after) => end = after,
                    None => break,
                }
            }
            return Some(end);
        }
        if c != '[' || !self.footnotes {
            return None;
        }
        let mut end = self.reference_list(i)?;
        // More markers after it: `[4], [7]`, `[4] [7]`.
        loop {
            let rest = &self.text[end..];
            let gap = rest.len() - rest.trim_start_matches([',', ' ']).len();
            let comma_and_space = rest[..gap].matches(',').count() <= 1;
            match self.reference_list(end + gap).filter(|_| comma_and_space) {
                Some(after) => end = after,
                None => break,
            }
        }
        if spaced {
            self.out.pop_space();
        }
        Some(end)
    }

    /// The end of a run of superscript digits at `i`, if one starts there.
    fn superscripts(&self, i: usize) -> Option<usize> {
        let mut end = i;
        while let Some(d) = self.char_at(end).filter(|&d| is_superscript_digit(d)) {
            end += d.len_utf8();
        }
        (end > i).then_some(end)
    }

    /// A bracketed reference list at `i` (`[4]`, `[4,7]`, `[4–7]`, `[2, 8]`:
    /// numbers of up to three digits): its end.
    fn reference_list(&self, i: usize) -> Option<usize> {
        let rest = self.text.get(i..)?.strip_prefix('[')?;
        let close = rest.find(']')?;
        let inside = &rest[..close];
        let numbers = inside
            .split([',', ';', '\u{2013}', '-', ' '])
            .filter(|n| !n.is_empty());
        let mut count = 0;
        for n in numbers {
            if !(1..=3).contains(&n.len()) || !n.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            count += 1;
        }
        (count > 0 && close <= 64).then_some(i + 1 + close + 1)
    }

    /// In a source: a footnote number that PDF capture glued to the
    /// punctuation after a word ("protection,1 the", "decision.1 The"),
    /// starting at `i`. Returns its end.
    pub(super) fn glued_footnote(&self, i: usize) -> Option<usize> {
        let mut back = self.out.text.chars().rev().peekable();
        if !matches!(back.next()?, '.' | ',' | ';' | ':' | ')' | '"' | '\'') {
            return None;
        }
        // Past closing brackets and marks ("elements).3"), a word.
        while back
            .next_if(|&c| matches!(c, ')' | ']' | '"' | '\''))
            .is_some()
        {}
        if !(back.next()?.is_lowercase() && back.next()?.is_lowercase()) {
            return None;
        }
        let digits = self.text[i..]
            .bytes()
            .take_while(u8::is_ascii_digit)
            .count();
        let end = i + digits;
        (digits <= 3 && self.char_at(end).is_none_or(char::is_whitespace)).then_some(end)
    }
}
