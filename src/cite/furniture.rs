//! Page furniture: what a printed page carries that is nobody's words.
//!
//! A transcript or a report captured from PDF keeps its page's furniture
//! in the middle of sentences: a court reporter's 1–25 line-number column,
//! a page number alone on its line, a running head or foot repeated on
//! every page ("Alderson Reporting Company", "Page 5 of 21"). A quote
//! leaves all of it out, so a source's fold skips it (`fold.rs`, naming
//! the rule [`Rule::PageFurniture`](super::normalize::Rule)).
//!
//! Only whole lines, or the number at a line's start, and only where the
//! page's own regularity says they are furniture, so that no real word is
//! ever skipped:
//!
//! - a line-number column: lines starting with a number of 1 to 2 digits
//!   set off by two spaces or more (or alone), five or more of them
//!   numbered one after another;
//! - page numbers: lines holding only a number, when at least three of them
//!   rise through the text;
//! - running heads and feet: a line (its digits read as one mark, so "Page
//!   4 of 21" and "Page 5 of 21" are one line) that occurs three times or
//!   more, has a letter, and does not end as a sentence ends (".", "?",
//!   "!", ",", ";", ":" or a quotation mark), and is numbered itself or
//!   stands within three lines of a page break (a form feed, a page
//!   number, a numbered line) every time: spoken lines that repeat ("Thank
//!   you.") end as sentences do, and a table's headings are neither;
//! - a footnote printed where the page broke: a rule of dashes, lines
//!   starting with the footnote's number (`\1\`, `[1]`, `1`), another
//!   rule, within a dozen lines.

use std::collections::HashMap;
use std::ops::Range;

/// Most bytes a running head or foot may have.
const MAX_RUNNING_LINE: usize = 100;
/// How many times a line must occur to be a running head or foot.
const MIN_REPEATS: usize = 3;
/// Fewest dashes in a rule line that sets off a footnote.
const MIN_RULE: usize = 20;
/// Most lines of a footnote between two rules.
const MAX_FOOTNOTE_LINES: usize = 12;
/// How many lines from a page break a running head or foot may stand.
const PAGE_BREAK_REACH: usize = 3;
/// Fewest lines numbered one after another that make a line-number column.
const MIN_COLUMN_RUN: usize = 5;
/// The highest line number of a transcript's column.
const MAX_LINE_NUMBER: u32 = 30;

/// One line of the text: its byte range without the line break, and its
/// content's range (without the whitespace around it).
struct Line {
    content: Range<usize>,
    /// Whether a form feed (a page break) is on the line.
    form_feed: bool,
}

fn lines(text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut start = 0;
    for piece in text.split_inclusive('\n') {
        let end = start + piece.len();
        let body = piece.trim_end_matches(['\n', '\r']);
        let lead = body.len() - body.trim_start().len();
        let content_start = start + lead;
        let content_end = start + body.trim_end().len();
        out.push(Line {
            content: content_start..content_end.max(content_start),
            form_feed: piece.contains('\u{c}'),
        });
        start = end;
    }
    out
}

/// The number a line starts with, set off as a line-number column sets it,
/// and where the number and the spaces after it end.
fn leading_number(text: &str, line: &Line) -> Option<(u32, usize)> {
    let content = &text[line.content.clone()];
    let digits = content.bytes().take_while(u8::is_ascii_digit).count();
    if !(1..=2).contains(&digits) {
        return None;
    }
    let n: u32 = content[..digits].parse().ok()?;
    let rest = &content[digits..];
    let spaces = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    let set_off = rest.is_empty() || spaces >= 2 || rest.starts_with('\t');
    (set_off && (1..=MAX_LINE_NUMBER).contains(&n))
        .then_some((n, line.content.start + digits + spaces))
}

/// A line as running heads are compared: digits as `#`, spaces as one.
fn shape(content: &str) -> String {
    let mut out = String::with_capacity(content.len());
    for word in content.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(
            word.chars()
                .map(|c| if c.is_ascii_digit() { '#' } else { c }),
        );
    }
    out
}

fn ends_as_a_sentence(content: &str) -> bool {
    content.ends_with([
        '.', '?', '!', ',', ';', ':', '"', '\'', '\u{201D}', '\u{2019}', '\u{BB}',
    ])
}

/// The byte ranges of `text` that are page furniture, in order, never
/// overlapping.
pub(super) fn furniture(text: &str) -> Vec<Range<usize>> {
    let lines = lines(text);
    let mut out: Vec<Range<usize>> = Vec::new();

    // The line-number column.
    let numbered: Vec<(usize, u32, usize)> = lines
        .iter()
        .enumerate()
        .filter_map(|(k, l)| leading_number(text, l).map(|(n, end)| (k, n, end)))
        .collect();
    // Runs of lines numbered one after another, long enough to be a
    // page's column rather than a table's numbers.
    let mut column = vec![false; lines.len()];
    let mut run_start = 0;
    for j in 1..=numbered.len() {
        let continues = j < numbered.len() && numbered[j].1 == numbered[j - 1].1 + 1;
        if !continues {
            if j - run_start >= MIN_COLUMN_RUN {
                for &(k, _, _) in &numbered[run_start..j] {
                    column[k] = true;
                }
            }
            run_start = j;
        }
    }
    for &(k, _, end) in &numbered {
        if column[k] {
            out.push(lines[k].content.start..end);
        }
    }

    // Page numbers: lines of a number alone, rising.
    let alone: Vec<(usize, u64)> = lines
        .iter()
        .enumerate()
        .filter(|(k, _)| !column[*k])
        .filter_map(|(k, l)| {
            let content = &text[l.content.clone()];
            let number = (!content.is_empty()
                && content.len() <= 4
                && content.bytes().all(|b| b.is_ascii_digit()))
            .then(|| content.parse().ok())??;
            Some((k, number))
        })
        .collect();
    let pages = alone.len() >= MIN_REPEATS && alone.windows(2).all(|w| w[0].1 < w[1].1);
    if pages {
        out.extend(alone.iter().map(|&(k, _)| lines[k].content.clone()));
    }

    // Running heads and feet.
    let mut seen: HashMap<String, Vec<usize>> = HashMap::new();
    for (k, l) in lines.iter().enumerate() {
        let content = &text[l.content.clone()];
        if column[k]
            || content.len() > MAX_RUNNING_LINE
            || !content.chars().any(char::is_alphabetic)
            || ends_as_a_sentence(content)
        {
            continue;
        }
        seen.entry(shape(content)).or_default().push(k);
    }
    // A line that repeats is a page's head or foot when it is numbered
    // ("Page 5 of 21", "Cite as 28 I&N Dec. 437") or stands beside a page
    // break, a page number or a numbered line every time: a table's or a
    // list's repeated words do neither.
    let mut near_a_break = vec![false; lines.len()];
    for (k, l) in lines.iter().enumerate() {
        let marked = l.form_feed || column[k] || pages && alone.iter().any(|&(a, _)| a == k);
        if marked {
            let (from, to) = (k.saturating_sub(PAGE_BREAK_REACH), k + PAGE_BREAK_REACH);
            for near in near_a_break.iter_mut().take(to + 1).skip(from) {
                *near = true;
            }
        }
    }
    for ks in seen.into_values().filter(|ks| ks.len() >= MIN_REPEATS) {
        let numbered = ks.iter().any(|&k| {
            text[lines[k].content.clone()]
                .bytes()
                .any(|b| b.is_ascii_digit())
        });
        if !numbered && !ks.iter().all(|&k| near_a_break[k]) {
            continue;
        }
        out.extend(ks.into_iter().map(|k| lines[k].content.clone()));
    }

    // A footnote printed where the page broke, between two rules:
    // `-----` / `\1\ See Exhibit No. 105 ...` / `-----`.
    let is_rule = |k: usize| {
        let content = &text[lines[k].content.clone()];
        content.len() >= MIN_RULE && content.bytes().all(|b| b == b'-' || b == b'_')
    };
    let mut k = 0;
    while k < lines.len() {
        let opens = is_rule(k)
            && lines.get(k + 1).is_some_and(|l| {
                let first = &text[l.content.clone()];
                first.starts_with(['\\', '[']) || first.starts_with(|c: char| c.is_ascii_digit())
            });
        let close = (k + 2..(k + 2 + MAX_FOOTNOTE_LINES).min(lines.len())).find(|&j| is_rule(j));
        match close.filter(|_| opens) {
            Some(close) => {
                out.push(lines[k].content.start..lines[close].content.end);
                k = close + 1;
            }
            None => k += 1,
        }
    }

    out.retain(|r| !r.is_empty());
    out.sort_by_key(|r| r.start);
    out.dedup_by(|later, earlier| later.start < earlier.end);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skipped(text: &str) -> Vec<&str> {
        furniture(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn a_transcript_page_loses_its_numbers_and_its_reporter() {
        let page = |n: u32, first: u32| {
            let mut p = String::new();
            for line in first..first + 6 {
                p.push_str(&format!("{line:>2}   words of line {line} on page {n}\n\n"));
            }
            p.push_str(&format!(
                "              {n}\n\n     Acme Reporting\n\u{c}   DRAFT\n\n"
            ));
            p
        };
        let text: String = (1..=3).map(|n| page(n, 1)).collect();
        let found = skipped(&text);
        assert_eq!(
            found
                .iter()
                .filter(|s| s.trim() == "Acme Reporting")
                .count(),
            3
        );
        assert_eq!(found.iter().filter(|s| **s == "DRAFT").count(), 3);
        assert_eq!(found.iter().filter(|s| **s == "2").count(), 1);
        assert!(found.contains(&" 2   ".trim_start()), "{found:?}");
        assert!(
            !found.iter().any(|s| s.contains("words")),
            "real words skipped: {found:?}"
        );
    }

    #[test]
    fn lines_that_repeat_as_sentences_or_numbers_that_do_not_rise_stay() {
        let text = "Thank you.\nThe board met.\nThank you.\nIt rose.\nThank you.\n40\nprices\n12\nrents\n7\n";
        assert!(skipped(text).is_empty(), "{:?}", skipped(text));
        // A numbered list is not a line-number column.
        assert!(skipped("1. First\n2. Second\n3. Third\n").is_empty());
        assert!(skipped("In 1990 the\n15 people left\n16 came back\n").is_empty());
    }
}
