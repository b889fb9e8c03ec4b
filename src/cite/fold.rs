//! The fold itself: one pass over a text, character by character, that
//! writes the canonical spelling ([`Normalized`]) and the map back to the
//! original. Each rule of `normalize.rs`'s list is one branch here; the
//! common case (plain ASCII letters and single spaces) takes a fast path
//! that touches no rule.

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::UnicodeNormalization;

use super::normalize::{Normalized, Rule, DASH, ELLIPSIS};

mod markers;

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
        '\u{2013}' | '\u{2015}' | '\u{2012}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' => {
            (DASH, Some(Rule::Dashes))
        }
        // The fraction slash of `½`'s compatibility form (`1⁄2`).
        '\u{2044}' => ('/', Some(Rule::Typed)),
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
    /// The source's page furniture (`furniture.rs`), skipped as whitespace
    /// is: ranges that start where a line's content starts, in order.
    furniture: Vec<std::ops::Range<usize>>,
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

    /// End of the whitespace run starting at `i` (page furniture in it
    /// counts as whitespace), and whether it holds a line break.
    fn whitespace_run(&self, mut i: usize) -> (usize, bool) {
        let mut line_break = false;
        loop {
            match self.char_at(i) {
                Some(c) if c.is_whitespace() => {
                    line_break |= c == '\n' || c == '\r' || c == '\u{2028}';
                    i += c.len_utf8();
                }
                Some(_) => match self.furniture_at(i) {
                    Some(end) => i = end,
                    None => break,
                },
                None => break,
            }
        }
        (i, line_break)
    }

    /// The end of the page furniture starting at `i`, if some does.
    fn furniture_at(&self, i: usize) -> Option<usize> {
        let k = self.furniture.partition_point(|r| r.start < i);
        self.furniture
            .get(k)
            .filter(|r| r.start == i)
            .map(|r| r.end)
    }

    /// Whether page furniture lies in `start..end`.
    fn holds_furniture(&self, start: usize, end: usize) -> bool {
        let k = self.furniture.partition_point(|r| r.start < start);
        self.furniture.get(k).is_some_and(|r| r.start < end)
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
        if let Some(end) = self.furniture_at(0) {
            self.pending |= Rule::PageFurniture.bit();
            i = end;
        }
        while let Some(c) = self.char_at(i) {
            let next = i + c.len_utf8();
            // Fast path: plain ASCII that no rule touches, not followed by a
            // combining mark (those are never ASCII).
            if c.is_ascii()
                && !c.is_ascii_whitespace()
                && !matches!(c, '-' | '.' | '\'' | '"' | '`' | '*' | '[' | '\\')
                // An `x` is a letter unless it follows a number (`3 x 4`).
                && (c != 'x' || !self.out.text.trim_end_matches(' ').ends_with(|d: char| d.is_ascii_digit()))
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
            if self.holds_furniture(i, end) {
                self.pending |= Rule::PageFurniture.bit();
            }
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
            // A minus sign, typed as a hyphen: `−2.5`, `kg−1`, `−/−`.
            '\u{2212}' => {
                self.pending |= Rule::Typed.bit();
                self.hyphen('-', i, next)
            }
            '±' | '×' | 'x' => self.operator(c, i, next),
            // A range typed with a hyphen: `28–37` as `28-37`.
            '\u{2013}'
                if self.out.text.ends_with(|d: char| d.is_ascii_digit())
                    && self.char_at(next).is_some_and(|d| d.is_ascii_digit()) =>
            {
                self.push('-', i, next, Some(Rule::Typed));
                next
            }
            _ => {
                let (folded, rule) = fold_char(c);
                if is_quote_mark(folded) {
                    return self.quotation_mark(c, i, next);
                }
                if folded == c && !c.is_ascii() {
                    if let Some(compat) = compatibility_form(c) {
                        // `3½` is typed `3 1/2`: a space stands before the
                        // fraction, for no original byte.
                        let fraction = compat.contains('\u{2044}');
                        if fraction && self.out.text.ends_with(|d: char| d.is_ascii_digit()) {
                            self.push(' ', i, i, Some(Rule::Typed));
                        }
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

    /// `±` and `×` (or `x` between numbers, as `×` is typed), with any
    /// spaces around them dropped: `12.5±0.3` and `12.5 ± 0.3`, `3×4` and
    /// `3 x 4` are one spelling each. An `x` not between numbers is a letter.
    fn operator(&mut self, c: char, i: usize, next: usize) -> usize {
        let after_number = self
            .out
            .text
            .trim_end_matches(' ')
            .ends_with(|d: char| d.is_ascii_digit());
        let (after_ws, _) = self.whitespace_run(next);
        let before_number = self.char_at(after_ws).is_some_and(|d| d.is_ascii_digit());
        if c == 'x' && !(after_number && before_number) {
            self.push('x', i, next, None);
            return next;
        }
        if self.out.text.ends_with(' ') {
            self.out.pop_space();
        }
        let folded = if c == '±' { '±' } else { 'x' };
        self.push(folded, i, next, Some(Rule::Typed));
        // Spaces after it are dropped too, as after a dash.
        self.after_dash = true;
        next
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
            if self.holds_furniture(next, after_ws) {
                self.pending |= Rule::PageFurniture.bit();
            }
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

/// Folds `text`; `footnotes`: leave out footnote markers glued to words (a source).
pub(super) fn fold(text: &str, footnotes: bool) -> Normalized {
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
        furniture: if footnotes {
            super::furniture::furniture(text)
        } else {
            Vec::new()
        },
    }
    .run()
}
