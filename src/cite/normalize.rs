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
    /// Compatibility characters (ligatures, full-width forms, the long s)
    /// and invisible ones (soft hyphens, zero-width spaces).
    Compatibility,
    /// A footnote or reference marker in the source that the quote leaves out.
    Footnote,
    /// A period or comma on the other side of a closing quotation mark.
    PunctuationOrder,
}

impl Rule {
    /// Every rule, in report order.
    pub const ALL: [Rule; 10] = [
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
    ];

    fn bit(self) -> u16 {
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
    rules: Vec<(u32, u16)>,
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

    /// Appends a folded character standing for `start..end` of the original.
    fn push_char(&mut self, c: char, start: usize, end: usize, bits: u16) {
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

/// Words before which a hyphen at a line end is a real hyphen, standing for
/// a word completed later ("Nord-" + "und Südamerika", "pre-" + "and
/// post-war"): joining there would make a word that is not one.
const SUSPENDED_HYPHEN_CONNECTORS: &[&str] = &[
    "and", "or", "nor", "to", "und", "oder", "bis", "sowie", "bzw", "et", "ou", "y", "o", "e", "u",
];

fn fold_char(c: char) -> (char, Option<Rule>) {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{02BC}'
        | '\u{2039}' | '\u{203A}' | '\u{300E}' | '\u{300F}' | '`' => ('\'', Some(Rule::Quotes)),
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}'
        | '\u{00BB}' | '\u{300C}' | '\u{300D}' | '\u{301D}' | '\u{301E}' | '\u{301F}'
        | '\u{FF02}' => ('"', Some(Rule::Quotes)),
        '\u{2013}' | '\u{2015}' | '\u{2012}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}'
        | '\u{FF0D}' => (DASH, Some(Rule::Dashes)),
        _ => (c, None),
    }
}

/// Characters that stand for nothing in running text: the soft hyphen,
/// zero-width spaces and joiners, the word joiner, the byte order mark.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

fn is_superscript_digit(c: char) -> bool {
    matches!(
        c,
        '\u{B9}' | '\u{B2}' | '\u{B3}' | '\u{2070}' | '\u{2074}'..='\u{2079}'
    )
}

fn is_quote_mark(c: char) -> bool {
    c == '"' || c == '\''
}

struct Folder<'t> {
    text: &'t str,
    out: Normalized,
    /// After a dash, whitespace is dropped rather than folded to a space.
    after_dash: bool,
    /// After an opening guillemet set off by a space (French `« oui »`),
    /// whitespace is dropped: the space is typography, not text.
    after_open_quote: bool,
    /// The rules of characters dropped entirely (a soft hyphen, a footnote
    /// marker), recorded on the next folded character.
    pending: u16,
    /// Whether footnote and reference markers glued to a word (`[4]`,
    /// `protection,1 the`) are dropped: in a source, never in a quote, so
    /// that a quote's own digits are always compared.
    footnotes: bool,
}

impl Folder<'_> {
    fn push(&mut self, c: char, start: usize, end: usize, rule: Option<Rule>) {
        self.push_bits(c, start, end, rule.map_or(0, Rule::bit));
    }

    fn push_bits(&mut self, c: char, start: usize, end: usize, bits: u16) {
        if c == DASH {
            if self.out.text.ends_with(DASH) {
                // "-–", "——": one dash.
                self.pending |= bits | Rule::Dashes.bit();
                return;
            }
            if self.out.text.ends_with(' ') {
                self.out.pop_space();
            }
        }
        let bits = bits | std::mem::take(&mut self.pending);
        self.out.push_char(c, start, end, bits);
        self.after_dash = c == DASH;
        self.after_open_quote = false;
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
        let bytes = self.text.as_bytes();
        let mut i = 0;
        while let Some(c) = self.char_at(i) {
            let next = i + c.len_utf8();
            // Fast path: plain ASCII that no rule touches, not followed by a
            // combining mark (those are never ASCII).
            if c.is_ascii()
                && !c.is_ascii_whitespace()
                && !matches!(c, '-' | '.' | '\'' | '"' | '`' | '*' | '[')
                && bytes.get(next).is_none_or(u8::is_ascii)
            {
                if c.is_ascii_uppercase() {
                    self.sentence_space(i);
                } else if c.is_ascii_digit() && self.footnotes {
                    if let Some(end) = self.glued_footnote(i) {
                        self.pending |= Rule::Footnote.bit();
                        i = end;
                        continue;
                    }
                }
                let bits = std::mem::take(&mut self.pending);
                self.out.push_char(c, i, next, bits);
                self.after_dash = false;
                self.after_open_quote = false;
                i = next;
                continue;
            }
            // A single space between words: the commonest character after letters.
            if c == ' '
                && !self.after_dash
                && !self.after_open_quote
                && bytes.get(next).is_some_and(|b| !b.is_ascii_whitespace())
            {
                let bits = std::mem::take(&mut self.pending);
                self.out.push_char(' ', i, next, bits);
                i = next;
                continue;
            }
            i = self.fold_one(c, i, next);
        }
        self.out
    }

    /// Folds the character `c` at `i` (and whatever belongs with it);
    /// returns where the next one starts.
    fn fold_one(&mut self, c: char, i: usize, next: usize) -> usize {
        if is_invisible(c) {
            self.pending |= Rule::Compatibility.bit();
            let (after_ws, line_break) = self.whitespace_run(next);
            let joins_word = c == '\u{AD}'
                && line_break
                && self.last_is_alphabetic()
                && self.char_at(after_ws).is_some_and(char::is_alphabetic);
            if joins_word {
                // A soft hyphen at a line end joins the word, as a hyphen does.
                self.pending |= Rule::LineBreakHyphen.bit();
                return after_ws;
            }
            return next;
        }
        // A base character with combining marks (never ASCII): compose it.
        let mut cluster_end = next;
        let marks_follow = self
            .text
            .as_bytes()
            .get(next)
            .is_some_and(|b| !b.is_ascii());
        while let Some(m) = self.char_at(cluster_end).filter(|_| marks_follow) {
            if canonical_combining_class(m) == 0 {
                break;
            }
            cluster_end += m.len_utf8();
        }
        if cluster_end > next {
            let cluster = &self.text[i..cluster_end];
            let composed: String = cluster.nfc().collect();
            let rule = (composed != cluster).then_some(Rule::Unicode);
            for ch in composed.chars() {
                let (f, r) = fold_char(ch);
                self.push(f, i, cluster_end, r.or(rule));
            }
            return cluster_end;
        }
        if c.is_whitespace() {
            let (end, _) = self.whitespace_run(i);
            if !self.after_dash && !self.after_open_quote {
                let rule = (&self.text[i..end] != " ").then_some(Rule::Whitespace);
                self.push(' ', i, end, rule);
            }
            return end;
        }
        if let Some(end) = self.footnote_marker(c, i) {
            self.pending |= Rule::Footnote.bit();
            return end;
        }
        match c {
            '.' => match self.dots(i) {
                Some(end) => {
                    self.push(ELLIPSIS, i, end, Some(Rule::Ellipsis));
                    end
                }
                None => {
                    self.push('.', i, next, None);
                    next
                }
            },
            '*' => match self.asterisks(i) {
                Some(end) => {
                    self.push(ELLIPSIS, i, end, Some(Rule::Ellipsis));
                    end
                }
                None => {
                    self.push('*', i, next, None);
                    next
                }
            },
            '-' | '\u{2010}' | '\u{2E17}' | '\u{AC}' => self.hyphen(c, i, next),
            _ => {
                let (folded, rule) = fold_char(c);
                if is_quote_mark(folded) {
                    return self.quotation_mark(c, i, next);
                }
                if folded == c && !c.is_ascii() {
                    if let Some(compat) = compatibility_form(c) {
                        for ch in compat.chars() {
                            let (f, r) = fold_char(ch);
                            if f.is_uppercase() {
                                self.sentence_space(i);
                            }
                            self.push(f, i, next, r.or(Some(Rule::Compatibility)));
                        }
                        return next;
                    }
                }
                if folded.is_uppercase() {
                    self.sentence_space(i);
                }
                self.push(folded, i, next, rule);
                next
            }
        }
    }

    /// `...`, `....`, and the legal `. . .` and `. . . .` (one space of any
    /// kind between the dots): the end of the ellipsis starting at `i`.
    fn dots(&self, i: usize) -> Option<usize> {
        let text = self.text;
        if text[i..].starts_with("...") {
            let end = i + 3;
            return Some(if text[end..].starts_with('.') {
                end + 1
            } else {
                end
            });
        }
        let (mut end, mut dots) = (i + 1, 1);
        while dots < 4 {
            let Some(space) = self
                .char_at(end)
                .filter(|&s| s.is_whitespace() && s != '\n' && s != '\r')
            else {
                break;
            };
            let after = end + space.len_utf8();
            if self.char_at(after) != Some('.') {
                break;
            }
            end = after + 1;
            dots += 1;
        }
        (dots >= 3).then_some(end)
    }

    /// `* * *`, the ellipsis of the Congressional Record and of some legal
    /// printers: its end, when one starts at `i`.
    fn asterisks(&self, i: usize) -> Option<usize> {
        let mut end = i + 1;
        for _ in 0..2 {
            let space = self.char_at(end).filter(|&s| s == ' ' || s == '\u{A0}')?;
            let after = end + space.len_utf8();
            (self.char_at(after) == Some('*')).then_some(())?;
            end = after + 1;
        }
        Some(end)
    }

    /// A hyphen (`-`, `‐`, the double hyphen `⸗` of Fraktur prints, or `¬`
    /// at a line end as OCR writes it): part of a dash, a hyphen inside a
    /// word (dropped, so `cyber-attack` and `cyberattack` are one word), or
    /// a hyphen that stays.
    fn hyphen(&mut self, c: char, i: usize, next: usize) -> usize {
        if c == '-' {
            if self.text[next..].starts_with('-') {
                self.push(DASH, i, next + 1, Some(Rule::Dashes));
                return next + 1;
            }
            // A hyphen beside a dash ("-–", "—-") is part of it.
            if let Some(d) = self.char_at(next).filter(|&d| fold_char(d).0 == DASH) {
                self.push(DASH, i, next + d.len_utf8(), Some(Rule::Dashes));
                return next + d.len_utf8();
            }
            if self.out.text.ends_with(DASH) {
                self.pending |= Rule::Dashes.bit();
                return next;
            }
        }
        let (after_ws, line_break) = self.whitespace_run(next);
        if c == '\u{AC}' && !line_break {
            self.push(c, i, next, None);
            return next;
        }
        let joins = self.last_is_alphabetic()
            && (after_ws == next || line_break)
            && self.char_at(after_ws).is_some_and(char::is_alphabetic)
            && !(line_break && self.connector_at(after_ws));
        if joins {
            // The hyphen (and any line break after it) stands for nothing;
            // the rule is recorded on the next letter.
            let rule = if line_break {
                Rule::LineBreakHyphen
            } else {
                Rule::Hyphen
            };
            let letter = self.char_at(after_ws).unwrap_or(' ');
            let end = after_ws + letter.len_utf8();
            let folded =
                compatibility_form(letter).unwrap_or_else(|| fold_char(letter).0.to_string());
            for f in folded.chars() {
                self.push(f, i, end, Some(rule));
            }
            return end;
        }
        if c == '-'
            && self.out.text.ends_with(' ')
            && (after_ws > next || after_ws == self.text.len())
        {
            self.push(DASH, i, next, Some(Rule::Dashes));
        } else {
            let rule = (c != '-').then_some(Rule::Hyphen);
            self.push('-', i, next, rule);
        }
        next
    }

    /// Whether the word at `i` is one a suspended hyphen stands before.
    fn connector_at(&self, i: usize) -> bool {
        let word: String = self.text[i..]
            .chars()
            .take_while(|c| c.is_alphabetic())
            .flat_map(char::to_lowercase)
            .collect();
        SUSPENDED_HYPHEN_CONNECTORS.contains(&word.as_str())
    }

    /// A quotation mark: folded to `"` or `'`, with the typography around
    /// it folded too.
    fn quotation_mark(&mut self, c: char, i: usize, next: usize) -> usize {
        let (mut folded, mut bits) = match fold_char(c) {
            (f, Some(r)) => (f, r.bit()),
            (f, None) => (f, 0),
        };
        let mut end = next;
        // `` and '' (typewriter and Congressional Record style) are double marks.
        if (c == '`' || c == '\'') && self.text[next..].starts_with(c) {
            (folded, bits, end) = ('"', Rule::Quotes.bit(), next + 1);
        }
        let followed_by_word = self.char_at(end).is_some_and(char::is_alphanumeric);
        if self.out.text.ends_with(' ') && !followed_by_word {
            let before_space = self.out.text[..self.out.text.len() - 1].chars().next_back();
            // The space French sets inside a closing guillemet, and a space
            // between two closing marks ("’ ”"), are typography.
            let closes_pair = before_space.is_some_and(is_quote_mark)
                && self.out.text[..self.out.text.len() - 1]
                    .chars()
                    .rev()
                    .nth(1)
                    .is_some_and(|p| p != ' ');
            if matches!(c, '\u{BB}' | '\u{203A}') || closes_pair {
                self.out.pop_space();
                bits |= Rule::Whitespace.bit();
            }
        }
        let after_space = self.out.text.is_empty() || self.out.text.ends_with(' ');
        // Punctuation moved across a closing mark: `"risk".` folds as
        // `"risk."`, the American order, so both spellings match.
        if !after_space {
            if let Some(p @ ('.' | ',')) = self.char_at(end) {
                let after = end + 1;
                let ends_there = self
                    .char_at(after)
                    .is_none_or(|n| n.is_whitespace() || is_quote_mark(fold_char(n).0));
                if ends_there {
                    self.push_bits(p, i, after, Rule::PunctuationOrder.bit());
                    self.push_bits(folded, i, after, bits | Rule::PunctuationOrder.bit());
                    return after;
                }
            }
        }
        self.push_bits(folded, i, end, bits);
        let opens_with_space = matches!(c, '\u{AB}' | '\u{2039}')
            && after_space
            && self.char_at(end).is_some_and(char::is_whitespace);
        if opens_with_space {
            self.after_open_quote = true;
        }
        end
    }

    /// A sentence that starts with no space after the last one ("the
    /// Board).The"), as PDF capture leaves it: a space is put in, standing
    /// for no original byte, before the capital at `at`.
    fn sentence_space(&mut self, at: usize) {
        let mut back = self.out.text.chars().rev();
        if !back.next().is_some_and(|p| matches!(p, '.' | '!' | '?')) {
            return;
        }
        if back
            .next()
            .is_some_and(|b| b.is_lowercase() || matches!(b, ')' | ']' | '"' | '\''))
        {
            self.push(' ', at, at, Some(Rule::Whitespace));
        }
    }

    /// A footnote marker a quote leaves out, starting at `i`: superscript
    /// digits after a word or its punctuation, and (in a source) a bracketed
    /// number glued to one (`protection[4]`). Returns its end.
    fn footnote_marker(&self, c: char, i: usize) -> Option<usize> {
        let mut back = self.out.text.chars().rev();
        let last = back.next()?;
        let after_word = if last.is_alphabetic() {
            back.take(2).filter(|b| b.is_alphabetic()).count() == 2
        } else {
            matches!(last, '.' | ',' | ';' | ':' | ')' | '"' | '\'')
                && back.next().is_some_and(char::is_alphabetic)
        };
        if !after_word {
            return None;
        }
        if is_superscript_digit(c) {
            let mut end = i;
            while let Some(d) = self.char_at(end).filter(|&d| is_superscript_digit(d)) {
                end += d.len_utf8();
            }
            return Some(end);
        }
        if c == '[' && self.footnotes {
            let rest = &self.text[i + 1..];
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            if (1..=3).contains(&digits) && rest.as_bytes().get(digits) == Some(&b']') {
                return Some(i + digits + 2);
            }
        }
        None
    }

    /// In a source: a footnote number that PDF capture glued to the
    /// punctuation after a word ("protection,1 the", "decision.1 The"),
    /// starting at `i`. Returns its end.
    fn glued_footnote(&self, i: usize) -> Option<usize> {
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

/// The compatibility form (NFKC) of a character that has one: ligatures
/// (`ﬁ` is `fi`), full-width forms, the long s (`ſ`), fractions. Forms
/// with a space and the ellipsis (folded by its own rule) are left alone.
fn compatibility_form(c: char) -> Option<String> {
    if unicode_normalization::is_nfkc_quick(std::iter::once(c))
        == unicode_normalization::IsNormalized::Yes
    {
        return None;
    }
    let form: String = std::iter::once(c).nfkc().collect();
    let usable = form != c.to_string()
        && !form.is_empty()
        && !form.contains(char::is_whitespace)
        && !form.contains("..");
    usable.then_some(form)
}

/// Folds `text` as described in the module documentation: a quote, or any
/// text whose every character counts.
pub fn normalize(text: &str) -> Normalized {
    fold(text, false)
}

/// Folds a source text: as [`normalize`], and footnote and reference
/// markers glued to a word (`[4]`, `protection,1 the`) are left out, since
/// a quote leaves them out.
pub fn normalize_source(text: &str) -> Normalized {
    fold(text, true)
}

fn fold(text: &str, footnotes: bool) -> Normalized {
    Folder {
        text,
        out: Normalized {
            text: String::with_capacity(text.len()),
            runs: Vec::new(),
            rules: Vec::new(),
        },
        after_dash: false,
        after_open_quote: false,
        pending: 0,
        footnotes,
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
