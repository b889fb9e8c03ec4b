//! Typographic normalization that remembers where every character came from.
//!
//! A quote typed with straight quotes must match a source set with curly ones,
//! and a passage broken across lines must match the same words on one line. So
//! both the source text and the quote are folded to one canonical spelling
//! before they are compared, and the folded text keeps, for each of its bytes,
//! the byte range of the original text it stands for, and which rule produced
//! it. A match found in the folded text is thereby mapped back to the exact
//! original span, and the rules that differ between the two sides say which
//! normalizations the match needed.
//!
//! What is folded ([`Rule`]), and nothing else: a changed letter, digit or
//! word is never folded away.
//! - Unicode canonical composition (NFC): `e` + combining acute = `é`;
//! - curly and other typographic double quotes to `"`, single quotes and
//!   apostrophes to `'`;
//! - en and em dashes, the minus sign, `--`, and a hyphen standing between
//!   spaces, to one em dash with no space around it;
//! - `...` to `…`;
//! - any run of whitespace (spaces, tabs, line breaks, no-break spaces) to one space;
//! - a hyphen inside a word is dropped, also when a line break follows it
//!   (`cyber-\nattack`, `cyber-attack` and `cyberattack` are one word).

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::UnicodeNormalization;

/// A kind of folding, as reported by the citation checker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Rule {
    /// Unicode composition (NFC).
    Unicode,
    /// Curly or straight quotation marks and apostrophes.
    Quotes,
    /// Dashes: em, en, `--`, ` - `.
    Dashes,
    /// `...` written for `…`.
    Ellipsis,
    /// Runs of spaces, tabs and line breaks.
    Whitespace,
    /// A word hyphenated across a line break.
    LineBreakHyphen,
    /// A hyphen inside a word, present on one side only.
    Hyphen,
}

impl Rule {
    /// Every rule, in report order.
    pub const ALL: [Rule; 7] = [
        Rule::Unicode,
        Rule::Quotes,
        Rule::Dashes,
        Rule::Ellipsis,
        Rule::Whitespace,
        Rule::LineBreakHyphen,
        Rule::Hyphen,
    ];

    fn bit(self) -> u8 {
        1 << (self as u8)
    }

    /// The rules in a bit set.
    pub fn from_bits(bits: u8) -> Vec<Rule> {
        Rule::ALL
            .into_iter()
            .filter(|r| bits & r.bit() != 0)
            .collect()
    }

    /// How a report names the rule.
    pub fn describe(self) -> &'static str {
        match self {
            Rule::Unicode => "unicode composition",
            Rule::Quotes => "quotation marks",
            Rule::Dashes => "dashes",
            Rule::Ellipsis => "ellipsis",
            Rule::Whitespace => "whitespace and line breaks",
            Rule::LineBreakHyphen => "hyphenation at a line break",
            Rule::Hyphen => "hyphens",
        }
    }
}

/// Text after folding, with the map back to the original.
#[derive(Debug, Clone)]
pub struct Normalized {
    /// The folded text.
    pub text: String,
    /// For each byte of `text`, the original byte range it stands for.
    origin: Vec<(u32, u32)>,
    /// For each byte of `text`, the rules that produced it (bits of [`Rule`]).
    rules: Vec<u8>,
}

impl Normalized {
    /// The original byte range covered by the folded range `start..end`
    /// (`start < end`).
    pub fn original_span(&self, start: usize, end: usize) -> (usize, usize) {
        (
            self.origin[start].0 as usize,
            self.origin[end - 1].1 as usize,
        )
    }

    /// The first folded byte whose original range starts at or after `original`.
    pub fn folded_offset(&self, original: usize) -> usize {
        self.origin
            .partition_point(|&(s, _)| (s as usize) < original)
    }

    /// The rules that fired anywhere in the folded range `start..end`, as bits.
    pub fn rules_in(&self, start: usize, end: usize) -> u8 {
        self.rules[start..end].iter().fold(0, |acc, r| acc | r)
    }
}

/// The canonical em dash every dash-like sign folds to.
pub const DASH: char = '\u{2014}';
/// The canonical ellipsis.
pub const ELLIPSIS: char = '\u{2026}';

fn fold_char(c: char) -> (char, Option<Rule>) {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{02BC}' => {
            ('\'', Some(Rule::Quotes))
        }
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}'
        | '\u{00BB}' => ('"', Some(Rule::Quotes)),
        '\u{2013}' | '\u{2015}' | '\u{2012}' | '\u{2212}' => (DASH, Some(Rule::Dashes)),
        _ => (c, None),
    }
}

struct Folder<'t> {
    text: &'t str,
    out: Normalized,
    /// After a dash, whitespace is dropped rather than folded to a space.
    after_dash: bool,
}

impl Folder<'_> {
    fn push(&mut self, c: char, start: usize, end: usize, rule: Option<Rule>) {
        if c == DASH && self.out.text.ends_with(' ') {
            self.out.text.pop();
            self.out.origin.pop();
            self.out.rules.pop();
        }
        self.out.text.push(c);
        let bits = rule.map_or(0, Rule::bit);
        for _ in 0..c.len_utf8() {
            self.out.origin.push((start as u32, end as u32));
            self.out.rules.push(bits);
        }
        self.after_dash = c == DASH;
    }

    fn char_at(&self, i: usize) -> Option<char> {
        self.text.get(i..).and_then(|s| s.chars().next())
    }

    /// End of the whitespace run starting at `i`, and whether it holds a line break.
    fn whitespace_run(&self, mut i: usize) -> (usize, bool) {
        let mut line_break = false;
        while let Some(c) = self.char_at(i) {
            if !c.is_whitespace() {
                break;
            }
            line_break |= c == '\n' || c == '\r' || c == '\u{2028}';
            i += c.len_utf8();
        }
        (i, line_break)
    }

    fn last_is_alphabetic(&self) -> bool {
        self.out
            .text
            .chars()
            .next_back()
            .is_some_and(char::is_alphabetic)
    }

    fn run(mut self) -> Normalized {
        let text = self.text;
        let mut i = 0;
        let bytes = text.as_bytes();
        while let Some(c) = self.char_at(i) {
            let next = i + c.len_utf8();
            // Fast path: plain ASCII that no rule touches, not followed by a
            // combining mark (those are never ASCII).
            if c.is_ascii()
                && !matches!(c, '-' | '.')
                && !c.is_ascii_whitespace()
                && bytes.get(next).is_none_or(u8::is_ascii)
            {
                self.out.text.push(c);
                self.out.origin.push((i as u32, next as u32));
                self.out.rules.push(0);
                self.after_dash = false;
                i = next;
                continue;
            }
            // A base character with combining marks: compose it.
            let mut cluster_end = next;
            while let Some(m) = self.char_at(cluster_end) {
                if canonical_combining_class(m) == 0 {
                    break;
                }
                cluster_end += m.len_utf8();
            }
            if cluster_end > next {
                let cluster = &text[i..cluster_end];
                let composed: String = cluster.nfc().collect();
                let rule = (composed != cluster).then_some(Rule::Unicode);
                for ch in composed.chars() {
                    let (f, r) = fold_char(ch);
                    self.push(f, i, cluster_end, r.or(rule));
                }
                i = cluster_end;
                continue;
            }
            if c.is_whitespace() {
                let (end, _) = self.whitespace_run(i);
                if !self.after_dash {
                    let rule = (&text[i..end] != " ").then_some(Rule::Whitespace);
                    self.push(' ', i, end, rule);
                }
                i = end;
                continue;
            }
            match c {
                '.' if text[next..].starts_with("..") => {
                    self.push(ELLIPSIS, i, i + 3, Some(Rule::Ellipsis));
                    i += 3;
                }
                '-' if text[next..].starts_with('-') => {
                    self.push(DASH, i, i + 2, Some(Rule::Dashes));
                    i += 2;
                }
                '-' => {
                    let (after_ws, line_break) = self.whitespace_run(next);
                    let joins = self.last_is_alphabetic()
                        && (after_ws == next || line_break)
                        && self.char_at(after_ws).is_some_and(char::is_alphabetic);
                    if joins {
                        // The hyphen (and any line break after it) stands for nothing;
                        // the rule is recorded on the next letter.
                        let rule = if line_break {
                            Rule::LineBreakHyphen
                        } else {
                            Rule::Hyphen
                        };
                        let letter = self.char_at(after_ws).unwrap_or(' ');
                        let (f, _) = fold_char(letter);
                        self.push(f, i, after_ws + letter.len_utf8(), Some(rule));
                        i = after_ws + letter.len_utf8();
                    } else if self.out.text.ends_with(' ')
                        && (after_ws > next || after_ws == text.len())
                    {
                        self.push(DASH, i, next, Some(Rule::Dashes));
                        i = next;
                    } else {
                        self.push('-', i, next, None);
                        i = next;
                    }
                }
                _ => {
                    let (f, rule) = fold_char(c);
                    self.push(f, i, next, rule);
                    i = next;
                }
            }
        }
        self.out
    }
}

/// Folds `text` as described in the module documentation.
pub fn normalize(text: &str) -> Normalized {
    Folder {
        text,
        out: Normalized {
            text: String::with_capacity(text.len()),
            origin: Vec::with_capacity(text.len()),
            rules: Vec::with_capacity(text.len()),
        },
        after_dash: false,
    }
    .run()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_typography_and_whitespace() {
        let n = normalize("“It’s  here,”\n he said — twice--so...");
        assert_eq!(
            n.text,
            "\"It's here,\" he said\u{2014}twice\u{2014}so\u{2026}"
        );
        let n = normalize("well - known and well-known and cyber-\n  attack");
        assert_eq!(n.text, "well\u{2014}known and wellknown and cyberattack");
        assert_eq!(normalize("$100 - 5").text, "$100\u{2014}5");
        assert_eq!(normalize("-5 and 3-4").text, "-5 and 3-4");
    }

    #[test]
    fn composes_unicode() {
        let decomposed = "cafe\u{301} au lait";
        let n = normalize(decomposed);
        assert_eq!(n.text, "café au lait");
        assert_eq!(
            Rule::from_bits(n.rules_in(0, n.text.len())),
            vec![Rule::Unicode]
        );
        let (s, e) = n.original_span(3, 5);
        assert_eq!(&decomposed[s..e], "e\u{301}");
    }

    #[test]
    fn maps_back_to_original_bytes_and_rules() {
        let original = "a  “b”\nc";
        let n = normalize(original);
        assert_eq!(n.text, "a \"b\" c");
        let start = n.text.find('"').unwrap();
        let (s, e) = n.original_span(start, start + 3);
        assert_eq!(&original[s..e], "“b”");
        let rules = Rule::from_bits(n.rules_in(0, n.text.len()));
        assert_eq!(rules, vec![Rule::Quotes, Rule::Whitespace]);
        assert_eq!(normalize("a b").rules_in(0, 3), 0);
    }
}
