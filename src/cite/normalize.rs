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
    /// For each byte of `text`, the original byte range it stands for,
    /// kept as runs (see [`Run`]): most of a text is copied byte for byte,
    /// and a run costs 16 bytes where a byte-by-byte map cost 8 per byte.
    /// A source's folded text is then about its own size, small enough to
    /// keep folded texts in memory between claims (`db/texts.rs`).
    runs: Vec<Run>,
    /// The folded bytes some rule produced, and the rules (bits of
    /// [`Rule`]), in order: most bytes have none.
    rules: Vec<(u32, u8)>,
}

/// Folded bytes from `folded` up to the next run's: either a stretch
/// copied unchanged (`identity`: byte `folded + k` stands for original
/// byte `start + k`), or the bytes of one folded character, which all
/// stand for the original range `start..end`.
#[derive(Debug, Clone, Copy)]
struct Run {
    folded: u32,
    start: u32,
    end: u32,
    identity: bool,
}

impl Normalized {
    /// How many folded bytes run `i` covers.
    fn run_len(&self, i: usize) -> u32 {
        let next = self
            .runs
            .get(i + 1)
            .map_or(self.text.len() as u32, |r| r.folded);
        next - self.runs[i].folded
    }

    /// The original range folded byte `i` stands for.
    fn origin(&self, i: usize) -> (usize, usize) {
        let k = self.runs.partition_point(|r| r.folded as usize <= i) - 1;
        let r = self.runs[k];
        if r.identity {
            let at = r.start as usize + (i - r.folded as usize);
            (at, at + 1)
        } else {
            (r.start as usize, r.end as usize)
        }
    }

    /// The original byte range covered by the folded range `start..end`
    /// (`start < end`).
    pub fn original_span(&self, start: usize, end: usize) -> (usize, usize) {
        (self.origin(start).0, self.origin(end - 1).1)
    }

    /// The first folded byte whose original range starts at or after `original`.
    pub fn folded_offset(&self, original: usize) -> usize {
        let o = original as u32;
        // Original starts never decrease along the folded text.
        let k = self.runs.partition_point(|r| r.start < o);
        if k > 0 {
            let r = self.runs[k - 1];
            if r.identity && o - r.start < self.run_len(k - 1) {
                return (r.folded + (o - r.start)) as usize;
            }
        }
        self.runs
            .get(k)
            .map_or(self.text.len(), |r| r.folded as usize)
    }

    /// The rules that fired anywhere in the folded range `start..end`, as bits.
    pub fn rules_in(&self, start: usize, end: usize) -> u8 {
        let from = self.rules.partition_point(|&(at, _)| (at as usize) < start);
        self.rules[from..]
            .iter()
            .take_while(|&&(at, _)| (at as usize) < end)
            .fold(0, |acc, &(_, r)| acc | r)
    }

    /// The memory it holds, in bytes (what a cache of folded texts counts).
    pub fn heap_bytes(&self) -> usize {
        self.text.capacity()
            + self.runs.capacity() * std::mem::size_of::<Run>()
            + self.rules.capacity() * std::mem::size_of::<(u32, u8)>()
    }

    /// Appends a folded character standing for `start..end` of the original.
    fn push_char(&mut self, c: char, start: usize, end: usize, bits: u8) {
        let at = self.text.len() as u32;
        self.text.push(c);
        let (start, end) = (start as u32, end as u32);
        let copied = c.is_ascii() && end == start + 1;
        let extends = copied
            && self
                .runs
                .last()
                .is_some_and(|r| r.identity && r.start + (at - r.folded) == start);
        if !extends {
            self.runs.push(Run {
                folded: at,
                start,
                end,
                identity: copied,
            });
        }
        if bits != 0 {
            for k in 0..c.len_utf8() as u32 {
                self.rules.push((at + k, bits));
            }
        }
    }

    /// Removes the last folded character (a one-byte space).
    fn pop_space(&mut self) {
        self.text.pop();
        let len = self.text.len() as u32;
        if self.runs.last().is_some_and(|r| r.folded >= len) {
            self.runs.pop();
        }
        while self.rules.last().is_some_and(|&(at, _)| at >= len) {
            self.rules.pop();
        }
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
            self.out.pop_space();
        }
        self.out.push_char(c, start, end, rule.map_or(0, Rule::bit));
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
                self.out.push_char(c, i, next, 0);
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
            runs: Vec::new(),
            rules: Vec::new(),
        },
        after_dash: false,
    }
    .run()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The run-length map answers as a byte-by-byte map would: every folded
    /// byte stands for a range of the original, the ranges never go back,
    /// copied bytes map to themselves, and `folded_offset` finds the first
    /// folded byte of each original position.
    #[test]
    fn the_compact_map_agrees_with_the_text() {
        let text = "“It’s  here,”\n he said — twice--so... e\u{301}t\u{e9} co-\noperate\t\tand ‘more’ — x -- y.";
        let n = normalize(text);
        let mut last_start = 0;
        for i in 0..n.text.len() {
            let (s, e) = n.origin(i);
            assert!(s < e && e <= text.len(), "byte {i}: {s}..{e}");
            assert!(s >= last_start, "byte {i} goes back");
            last_start = s;
            if n.text.is_char_boundary(i) {
                let c = n.text[i..].chars().next().unwrap();
                if c.is_ascii_alphanumeric() && e == s + 1 {
                    assert_eq!(&text[s..e], &n.text[i..i + 1], "byte {i}");
                }
                let first = n.folded_offset(s);
                assert!(first <= i, "byte {i}: folded_offset({s}) = {first}");
                assert_eq!(n.origin(first).0, s, "byte {i}");
            }
        }
        assert_eq!(n.folded_offset(text.len()), n.text.len());
    }

    /// Folded prose costs about its own size, not nine times it.
    #[test]
    fn folded_prose_is_about_its_own_size() {
        let review = include_str!("../../db-seed/texts/fp-lazarus-review.txt");
        let n = normalize(review);
        assert!(
            n.heap_bytes() < 2 * review.len(),
            "{} bytes for {}",
            n.heap_bytes(),
            review.len()
        );
    }

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
