//! A document cut into paragraphs, sentences and words, each a byte range
//! of the original text (never of a copy), so everything attribution finds
//! can be shown and anchored where it is.
//!
//! Paragraphs end at a blank line, or where a line starts indented after
//! one that did not (the Congressional Record's layout). Sentences end at
//! `.`, `!` or `?` (with any closing quotation marks after them) before a
//! space and a capital, a digit or an opening mark, except after a title
//! ("Mr.", "Dec."), an initial ("John C. Demers") or an abbreviation
//! ("U.S.", "Corp.") that the next word does not show to be an end.

use std::borrow::Cow;
use std::ops::Range;

use super::lexicon;

/// A word or a mark of punctuation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token<'t> {
    /// Where it is.
    pub range: Range<usize>,
    /// Lowercase, with a final period of an abbreviation dropped ("u.s"):
    /// the text's own bytes when they are lowercase already (most words),
    /// so reading a document allocates little.
    pub lower: Cow<'t, str>,
    /// Whether it starts with a capital letter.
    pub capital: bool,
    /// Whether it is a word (letters or digits) rather than punctuation.
    pub word: bool,
}

/// A sentence: its range and its tokens.
#[derive(Debug, Clone)]
pub struct Sentence<'t> {
    /// Where it is.
    pub range: Range<usize>,
    /// Its words and marks.
    pub tokens: Vec<Token<'t>>,
    /// The paragraph it is in (an index into [`Document::paragraphs`]).
    pub paragraph: usize,
}

/// A document's paragraphs and sentences.
#[derive(Debug, Clone)]
pub struct Document<'t> {
    /// The text, as given.
    pub text: &'t str,
    /// Paragraph ranges, trimmed of surrounding whitespace.
    pub paragraphs: Vec<Range<usize>>,
    /// Every sentence, in order.
    pub sentences: Vec<Sentence<'t>>,
    /// The page furniture its words skip (line and page numbers, running
    /// heads: [`crate::cite::page_furniture`]).
    pub furniture: Vec<Range<usize>>,
    /// The stored text, when `text` is a web page's reading copy
    /// ([`super::markup`]); else `text` itself.
    pub source: &'t str,
    /// The page's tags and entities, in order (none for plain text).
    pub markup: Vec<Range<usize>>,
}

impl<'t> Document<'t> {
    /// Cuts `text` into paragraphs and sentences.
    pub fn new(text: &'t str) -> Self {
        Self::read(text, text, Vec::new())
    }

    /// Cuts a stored web page into paragraphs and sentences, read through
    /// its reading copy (ranges are the same in both).
    pub fn of_page(source: &'t str, reading: &'t super::markup::Reading) -> Self {
        Self::read(&reading.text, source, reading.spans.clone())
    }

    fn read(text: &'t str, source: &'t str, markup: Vec<Range<usize>>) -> Self {
        let furniture = crate::cite::page_furniture(text);
        let paragraphs = paragraphs(text, &furniture);
        let mut sentences = Vec::new();
        for (index, range) in paragraphs.iter().enumerate() {
            let mut tokens = tokenize(text, range.clone());
            tokens.retain(|t| !in_furniture(&furniture, t.range.start));
            if tokens.is_empty() {
                continue;
            }
            // Cut from the end, so each sentence takes its tokens without a copy.
            let mut cut: Vec<Sentence> = Vec::new();
            for (start, _) in sentence_bounds(text, &tokens).into_iter().rev() {
                let slice = tokens.split_off(start);
                let range = slice[0].range.start..slice[slice.len() - 1].range.end;
                cut.push(Sentence {
                    range,
                    tokens: slice,
                    paragraph: index,
                });
            }
            sentences.extend(cut.into_iter().rev());
        }
        Document {
            text,
            paragraphs,
            sentences,
            furniture,
            source,
            markup,
        }
    }

    /// The stored text of a range without its page furniture: what a
    /// reader quotes (`commerce in order to regulate it?` across a page
    /// break), a web page's entities as stored (`&quot;debe`).
    pub fn words_of(&self, range: &Range<usize>) -> String {
        let range = &super::markup::snap(&self.markup, range.clone());
        let text = self.source;
        let mut out = String::new();
        let mut at = range.start;
        let first = self.furniture.partition_point(|f| f.end <= range.start);
        for f in self.furniture[first..]
            .iter()
            .take_while(|f| f.start < range.end)
        {
            if f.start > at {
                out.push_str(&text[at..f.start]);
            }
            at = at.max(f.end);
        }
        if at < range.end {
            out.push_str(&text[at..range.end]);
        }
        out
    }

    /// The text of a range.
    pub fn slice(&self, range: &Range<usize>) -> &'t str {
        &self.text[range.clone()]
    }

    /// The index of the sentence holding byte `at`, if any.
    pub fn sentence_at(&self, at: usize) -> Option<usize> {
        let i = self.sentences.partition_point(|s| s.range.end <= at);
        (i < self.sentences.len() && self.sentences[i].range.start <= at).then_some(i)
    }
}

/// Whether byte `at` is page furniture.
fn in_furniture(furniture: &[Range<usize>], at: usize) -> bool {
    let k = furniture.partition_point(|f| f.end <= at);
    furniture.get(k).is_some_and(|f| f.start <= at)
}

fn paragraphs(text: &str, furniture: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut end = 0;
    let mut previous_indented = false;
    // A blank line since the paragraph's last line.
    let mut broken = false;
    let mut offset = 0;
    // The Congressional Record's layout: paragraphs open with an indented
    // line and run on at the margin; there every indented line opens one.
    let lines = || text.lines().filter(|l| !l.trim().is_empty());
    let indent_layout =
        lines().any(|l| l.starts_with([' ', '\t'])) && lines().any(|l| !l.starts_with([' ', '\t']));
    let double_spaced = double_spaced(text);
    // The length of the paragraph's last line's words.
    let mut last_line = 0;
    for line in text.split_inclusive('\n') {
        let raw = line.trim_end_matches(['\n', '\r']);
        let line_end = offset + raw.trim_end().len();
        // Page furniture at the line's start (a transcript's line number)
        // is margin: the line's words start after it. A line of furniture
        // alone (a running head, a page number) is blank.
        let content = offset + (raw.len() - raw.trim_start().len());
        let k = furniture.partition_point(|f| f.end <= content);
        let margin = furniture
            .get(k)
            .filter(|f| f.start == content)
            .map(|f| f.end);
        let (body, words_at, indented) = match margin {
            Some(m) if m >= line_end => ("", line_end, false),
            Some(m) => {
                let rest = &text[m..line_end];
                let at = m + (rest.len() - rest.trim_start().len());
                (&text[at..line_end], at, false)
            }
            None => (raw, content, raw.starts_with([' ', '\t'])),
        };
        let blank = body.trim().is_empty();
        if blank {
            broken = start.is_some();
        } else {
            if broken {
                // A blank line ends the paragraph, unless the sentence runs
                // on over it: a capture that leaves a blank line between
                // lines ("it is within the" / "16 authority of Congress").
                let last = text[..end].trim_end().chars().next_back().unwrap_or('.');
                // In a double-spaced capture of short lines, a full line
                // that stops mid-word runs on even to a capital ("under the
                // Commerce" / "8 Clause, Congress create").
                let wrapped = double_spaced && last.is_lowercase() && last_line >= FULL_LINE;
                let runs_on = !".?!:;\"”’)]".contains(last)
                    && (body.starts_with(char::is_lowercase) || last == ',' || wrapped);
                if !runs_on {
                    if let Some(s) = start.take() {
                        out.push(s..end);
                    }
                }
                broken = false;
            }
            let opens = (indented && (indent_layout || !previous_indented))
                || super::transcript::starts_with_label(body);
            if start.is_some() && opens {
                out.push(start.take().unwrap_or(offset)..end);
            }
            if start.is_none() {
                start = Some(words_at);
            }
            end = line_end;
            last_line = body.trim().len();
        }
        previous_indented = indented && !blank;
        offset += line.len();
    }
    if let Some(s) = start {
        out.push(s..end);
    }
    out
}

/// A line of a fixed-width capture this long or longer was wrapped, not
/// ended (a heading or a label is shorter).
const FULL_LINE: usize = 40;

/// Whether the text is a capture of short lines with a blank line after
/// nearly every one (a PDF transcript's double spacing), where a blank
/// line does not end a paragraph by itself.
fn double_spaced(text: &str) -> bool {
    let (mut lines, mut followed_by_blank, mut short) = (0usize, 0usize, 0usize);
    let mut previous_full = false;
    for line in text.lines() {
        let blank = line.trim().is_empty();
        if blank && previous_full {
            followed_by_blank += 1;
        }
        if !blank {
            lines += 1;
            short += usize::from(line.trim_end().chars().count() <= 80);
        }
        previous_full = !blank;
    }
    lines >= 10 && followed_by_blank * 10 >= lines * 8 && short * 10 >= lines * 9
}

/// Splits a range of text into tokens.
pub fn tokenize(text: &str, range: Range<usize>) -> Vec<Token<'_>> {
    let slice = &text[range.clone()];
    let mut tokens = Vec::new();
    let mut chars = slice.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_whitespace() {
            continue;
        }
        let start = range.start + i;
        if c.is_alphanumeric() {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                let joins = matches!(d, '\'' | '’' | '-' | '.' | '‐' | '&');
                if d.is_alphanumeric() || d == '$' {
                    end = j + d.len_utf8();
                    chars.next();
                } else if joins {
                    // An apostrophe, hyphen or period joins only when a
                    // letter or digit follows ("Yong-ho", "U.S", "don't").
                    let after = slice[j + d.len_utf8()..].chars().next();
                    if after.is_some_and(char::is_alphanumeric) {
                        end = j + d.len_utf8();
                        chars.next();
                    } else {
                        break;
                    }
                } else {
                    break;
                }
            }
            let word = &slice[i..end];
            // Lowercase, with a curly apostrophe made straight ("Kim’s").
            let lower = if !word.chars().any(|c| c.is_uppercase() || c == '’') {
                Cow::Borrowed(word)
            } else if word.is_ascii() {
                Cow::Owned(word.to_ascii_lowercase())
            } else {
                Cow::Owned(word.to_lowercase().replace('’', "'"))
            };
            tokens.push(Token {
                range: start..range.start + end,
                capital: c.is_uppercase(),
                lower,
                word: true,
            });
        } else {
            // Doubled typewriter marks are one token: `` and ''.
            let mut end = i + c.len_utf8();
            if matches!(c, '`' | '\'') && slice[end..].starts_with(c) {
                end += 1;
                chars.next();
            }
            if c == '-' && slice[end..].starts_with('-') {
                end += 1;
                chars.next();
            }
            tokens.push(Token {
                range: start..range.start + end,
                lower: Cow::Borrowed(&slice[i..end]),
                capital: false,
                word: false,
            });
        }
    }
    tokens
}

/// Whether a mark closes a quotation or bracket (it stays with the sentence before it).
pub fn is_closer(mark: &str) -> bool {
    matches!(mark, "”" | "’" | "\"" | "''" | "»" | "«" | ")" | "]" | "'")
}

/// Whether a mark opens a quotation.
pub fn is_opener(mark: &str) -> bool {
    matches!(mark, "“" | "‘" | "\"" | "``" | "«" | "»" | "„" | "(" | "[")
}

fn sentence_bounds(text: &str, tokens: &[Token]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        if !t.word && matches!(t.lower.as_ref(), "." | "!" | "?") {
            let mut end = i + 1;
            // Closing marks glued to the stop stay with its sentence; a mark
            // after a space opens the next one.
            while end < tokens.len()
                && !tokens[end].word
                && is_closer(&tokens[end].lower)
                && tokens[end].range.start == tokens[end - 1].range.end
            {
                end += 1;
            }
            if ends_here(text, tokens, i, end) {
                out.push((start, end));
                start = end;
                i = end;
                continue;
            }
        }
        i += 1;
    }
    if start < tokens.len() {
        out.push((start, tokens.len()));
    }
    out
}

/// Whether the mark at `stop` (closers running to `after`) ends a sentence.
fn ends_here(text: &str, tokens: &[Token], stop: usize, after: usize) -> bool {
    let Some(next) = tokens.get(after) else {
        return true;
    };
    // The next token must start after whitespace.
    if !text[tokens[after - 1].range.end..next.range.start]
        .chars()
        .any(char::is_whitespace)
    {
        return false;
    }
    let starts = next.capital
        || (!next.word && is_opener(&next.lower))
        || next
            .lower
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit());
    if !starts {
        return false;
    }
    if tokens[stop].lower != "." || stop == 0 || !tokens[stop - 1].word {
        return true;
    }
    let before = &tokens[stop - 1];
    // Only a period right after the word can make an abbreviation of it.
    if before.range.end != tokens[stop].range.start {
        return true;
    }
    let word = before.lower.as_ref();
    if lexicon::is(lexicon::NEVER_ENDS, word) {
        return false;
    }
    // "No. 5", "Nos. 3": an abbreviation only before a number.
    if matches!(word, "no" | "nos") && next.lower.starts_with(|c: char| c.is_ascii_digit()) {
        return false;
    }
    // An initial: one capital letter ("C." in "John C. Demers").
    if word.chars().count() == 1 && before.capital {
        return false;
    }
    // "U.S.", "e.g.": short pieces between periods; "VOANews.com" is a name.
    let abbreviation = (word.contains('.')
        && word.split('.').all(|piece| piece.chars().count() <= 3))
        || matches!(
            word,
            "corp" | "inc" | "co" | "ltd" | "jr" | "sr" | "etc" | "al" | "bros"
        );
    if abbreviation {
        return lexicon::is(lexicon::SENTENCE_STARTERS, &next.lower);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(text: &str) -> Vec<&str> {
        let doc = Document::new(text);
        doc.sentences.iter().map(|s| doc.slice(&s.range)).collect()
    }

    #[test]
    fn sentences_end_where_they_end() {
        assert_eq!(
            sentences("Mr. Smith met Dr. Jones. They talked. \"Yes,\" he said. “No.” She left."),
            [
                "Mr. Smith met Dr. Jones.",
                "They talked.",
                "\"Yes,\" he said.",
                "“No.”",
                "She left."
            ]
        );
        assert_eq!(
            sentences(
                "John C. Demers spoke in the U.S. Senate. It was Dec. 18. Rizal Corp. The end."
            ),
            [
                "John C. Demers spoke in the U.S. Senate.",
                "It was Dec. 18.",
                "Rizal Corp.",
                "The end."
            ]
        );
    }

    /// A PDF transcript's capture: numbered lines of fixed width, a blank
    /// line after each. A line stopped mid-sentence runs on over the blank
    /// line, even to a capital; a sentence's end or a short heading does not.
    #[test]
    fn a_double_spaced_capture_wraps_its_sentences() {
        let mut text = String::from(" 1                        P R O C E E D I N G S\n\n");
        let lines = [
            "So if that is your difference, I am uncertain about the answers,",
            "for example, Justice Kennedy asked, can you, under the Commerce",
            "Clause, create commerce where previously none existed at all.",
            "Well, yeah, I thought the answer to that question was plain",
            "enough, since McCulloch versus Maryland and its long reasoning.",
        ];
        for (k, line) in lines.iter().cycle().take(15).enumerate() {
            text.push_str(&format!("{:2}   {line}\n\n", k + 2));
        }
        let doc = Document::new(&text);
        let paras: Vec<&str> = doc.paragraphs.iter().map(|p| doc.slice(p)).collect();
        assert_eq!(paras[0], "P R O C E E D I N G S");
        assert!(paras[1].ends_with("none existed at all."), "{paras:#?}");
        assert!(paras[1].contains("under the Commerce"), "{paras:#?}");
        assert!(paras[2].starts_with("Well, yeah"), "{paras:#?}");
    }

    #[test]
    fn paragraphs_at_blank_lines_and_indents() {
        let text = "  Mr. BOND. I thank\nthe Chair.\n  Mr. HELMS. I object.\n\nNext one.";
        let doc = Document::new(text);
        let paras: Vec<&str> = doc.paragraphs.iter().map(|p| doc.slice(p)).collect();
        assert_eq!(
            paras,
            [
                "Mr. BOND. I thank\nthe Chair.",
                "Mr. HELMS. I object.",
                "Next one."
            ]
        );
    }
}
