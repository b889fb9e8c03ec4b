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
//! - compatibility characters (ligatures `ﬁ`, the long s `ſ`, full-width
//!   forms: NFKC), and invisible ones (soft hyphens, zero-width spaces);
//! - quotation marks of many languages (curly, straight, `` `` '' ``, « »,
//!   „ “, ‹ ›, 「」) to `"` and `'`, with the space French sets inside
//!   guillemets and a space between two closing marks dropped, and a period
//!   or comma after a closing mark moved before it (the American order);
//! - en and em dashes, the minus sign, `--`, a hyphen standing between
//!   spaces, and pairs of them (`-–`), to one em dash with no space around it;
//! - `...`, `....`, `. . .`, `. . . .` and `* * *` to `…`;
//! - any run of whitespace (spaces, tabs, line breaks, no-break spaces) to
//!   one space, and a space put in where PDF capture ran two sentences
//!   together ("the Board).The");
//! - a hyphen inside a word is dropped, also when a line break follows it
//!   (`cyber-\nattack`, `cyber-attack` and `cyberattack` are one word), but
//!   not before "and", "und", "or"... (`pre-\nand post-war`);
//! - footnote markers: superscript digits after a word, and in a source
//!   only ([`normalize_source`]) a bracketed number or digits glued to a
//!   word by PDF capture (`[4]`, `protection,1 the`), which a quote leaves
//!   out; a quote's own digits are always compared.

/// A kind of folding, as reported by the citation checker.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
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
    /// Compatibility characters (ligatures, full-width forms, the long s)
    /// and invisible ones (soft hyphens, zero-width spaces).
    Compatibility,
    /// A footnote or reference marker in the source that the quote leaves out.
    Footnote,
    /// A period or comma on the other side of a closing quotation mark.
    PunctuationOrder,
    /// Page furniture in the source that the quote leaves out: a
    /// transcript's line numbers, page numbers, running heads and feet.
    PageFurniture,
    /// Characters typed the ordinary way: a minus sign as a hyphen, `½` as
    /// `1/2`, `×` as `x`, `±` and `×` with or without spaces.
    Typed,
}

impl Rule {
    /// Every rule, in report order.
    pub const ALL: [Rule; 12] = [
        Rule::Unicode,
        Rule::Quotes,
        Rule::Dashes,
        Rule::Ellipsis,
        Rule::Whitespace,
        Rule::LineBreakHyphen,
        Rule::Hyphen,
        Rule::Compatibility,
        Rule::Footnote,
        Rule::PunctuationOrder,
        Rule::PageFurniture,
        Rule::Typed,
    ];

    pub(super) fn bit(self) -> u16 {
        1 << (self as u8)
    }

    /// The rules in a bit set.
    pub fn from_bits(bits: u16) -> Vec<Rule> {
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
            Rule::Compatibility => "compatibility characters",
            Rule::Footnote => "footnote markers",
            Rule::PunctuationOrder => "punctuation moved across a quotation mark",
            Rule::PageFurniture => "page furniture (line and page numbers, running heads)",
            Rule::Typed => "characters typed the ordinary way (minus, fractions, ±, ×)",
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
    pub(super) runs: Vec<Run>,
    /// The folded bytes some rule produced, and the rules (bits of
    /// [`Rule`]), in order: most bytes have none.
    pub(super) rules: Vec<(u32, u16)>,
}

/// Folded bytes from `folded` up to the next run's: either a stretch
/// copied unchanged (`identity`: byte `folded + k` stands for original
/// byte `start + k`), or the bytes of one folded character, which all
/// stand for the original range `start..end`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Run {
    pub(super) folded: u32,
    pub(super) start: u32,
    pub(super) end: u32,
    pub(super) identity: bool,
}

impl Normalized {
    /// How many folded bytes run `i` covers.
    pub(super) fn run_len(&self, i: usize) -> u32 {
        let next = self
            .runs
            .get(i + 1)
            .map_or(self.text.len() as u32, |r| r.folded);
        next - self.runs[i].folded
    }

    /// The original range folded byte `i` stands for.
    pub(super) fn origin(&self, i: usize) -> (usize, usize) {
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
    pub fn rules_in(&self, start: usize, end: usize) -> u16 {
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
            + self.rules.capacity() * std::mem::size_of::<(u32, u16)>()
    }

    /// Gives back what the text and its map hold beyond their length: a
    /// folded text kept for long (`db/texts.rs`) costs what it uses.
    pub fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
        self.runs.shrink_to_fit();
        self.rules.shrink_to_fit();
    }

    /// Appends a folded character standing for `start..end` of the original.
    pub(super) fn push_char(&mut self, c: char, start: usize, end: usize, bits: u16) {
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
    pub(super) fn pop_space(&mut self) {
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

/// Folds `text` as described in the module documentation: a quote, or any
/// text whose every character counts.
pub fn normalize(text: &str) -> Normalized {
    super::fold::fold(text, false)
}

/// Folds a source text: as [`normalize`], and footnote and reference
/// markers glued to a word (`[4]`, `protection,1 the`) are left out, since
/// a quote leaves them out.
pub fn normalize_source(text: &str) -> Normalized {
    super::fold::fold(text, true)
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
            assert!(s <= e && e <= text.len(), "byte {i}: {s}..{e}");
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

    /// One row per rule: the text, and what it folds to.
    #[test]
    fn folds_each_rule() {
        let rows: &[(&str, &str)] = &[
            ("« Le budget »", "\"Le budget\""),
            ("«\u{A0}oui\u{202F}» dit-il", "\"oui\" ditil"),
            (
                "»Elle est folle«, bearbeitet",
                "\"Elle est folle,\" bearbeitet",
            ),
            (
                "„Das Gesetz“ ‹ceci› 「東京」",
                "\"Das Gesetz\" 'ceci' \"東京\"",
            ),
            ("``to hold fast''", "\"to hold fast\""),
            ("said ‘no’ ” then", "said 'no'\" then"),
            ("a \"risk\". Then", "a \"risk.\" Then"),
            ("to possess . . . a", "to possess … a"),
            ("analog . . . . Any", "analog … Any"),
            ("violence * * * guard", "violence … guard"),
            ("end.... Next", "end… Next"),
            ("people -– a promise", "people—a promise"),
            ("people—-a promise", "people—a promise"),
            ("Nord-\nund Süd", "Nord- und Süd"),
            ("pre-\nand post-war", "pre- and postwar"),
            ("cyber-\nattack", "cyberattack"),
            ("Ab⸗\ntheilungen", "Abtheilungen"),
            ("com\u{AD}mittee zero\u{200B}width", "committee zerowidth"),
            (
                "ﬁrst eﬃcient Schauſpiel ＡＢ１",
                "first efficient Schauspiel AB1",
            ),
            ("the Board).The court", "the Board). The court"),
            ("U.S.Army", "U.S.Army"),
            ("the treaty² was", "the treaty was"),
        ];
        for (text, want) in rows {
            assert_eq!(normalize(text).text, *want, "{text:?}");
        }
    }

    /// Footnote markers glued to a word are left out of a source, and kept
    /// in a quote, so a quote's digits are always compared.
    #[test]
    fn footnote_markers_fold_in_sources_only() {
        let text = "protection,1 the court.[4] It held elements).3 Then";
        assert_eq!(
            normalize_source(text).text,
            "protection, the court. It held elements). Then"
        );
        assert_eq!(normalize(text).text, text);
        // Not a footnote: a number after a digit, an initial, a space.
        for kept in ["in 2019,1 the", "Section A.1 requires", "at 1145 (2016)"] {
            assert_eq!(normalize_source(kept).text, kept);
        }
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
