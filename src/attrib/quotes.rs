//! Quotations in a text, in any of the styles the citation checker reads:
//! “curly”, "straight", ``typewriter'', «guillemets» (and »reversed«),
//! „low-high“. A quotation is closed within its paragraph, or left open at
//! a paragraph's end when the next paragraph opens with a mark again: the
//! printer's way of continuing one speaker's quotation over paragraphs.

use std::ops::Range;

use super::text::Document;

/// A quotation: its words and the marks around them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quotation {
    /// From the opening mark to the closing one (or the paragraph's end).
    pub outer: Range<usize>,
    /// The words inside the marks.
    pub inner: Range<usize>,
    /// The paragraph it is in.
    pub paragraph: usize,
    /// Whether it carries on a quotation left open in the paragraph before.
    pub continued: bool,
    /// Whether it is left open at its paragraph's end.
    pub open_ended: bool,
}

/// Every quotation of the document, in order.
pub fn quotations(doc: &Document<'_>) -> Vec<Quotation> {
    let mut out: Vec<Quotation> = Vec::new();
    let mut left_open = false;
    for (index, para) in doc.paragraphs.iter().enumerate() {
        let text = doc.slice(para);
        let starts_with_mark = opening_at(text, 0).is_some();
        let continued = left_open && starts_with_mark;
        left_open = false;
        let mut at = 0;
        let mut first = true;
        while at < text.len() {
            let Some((open_len, closers)) = opening_at(text, at) else {
                at += text[at..].chars().next().map_or(1, char::len_utf8);
                continue;
            };
            let inner_start = at + open_len;
            let close = find_close(text, inner_start, closers);
            let (inner_end, outer_end, open_ended) = match close {
                Some((c, len)) => (c, c + len, false),
                None => (text.trim_end().len(), text.len(), true),
            };
            if inner_end > inner_start {
                out.push(Quotation {
                    outer: para.start + at..para.start + outer_end,
                    inner: para.start + inner_start..para.start + inner_end,
                    paragraph: index,
                    continued: continued && first,
                    open_ended,
                });
            }
            first = false;
            if open_ended {
                left_open = true;
                break;
            }
            at = outer_end;
        }
    }
    // A quotation left open whose next paragraph does not reopen was a
    // stray mark: keep it only when it is continued.
    let mut keep = vec![true; out.len()];
    for i in 0..out.len() {
        if out[i].open_ended && !out.get(i + 1).is_some_and(|q| q.continued) {
            keep[i] = false;
        }
    }
    let mut k = keep.into_iter();
    out.retain(|_| k.next().unwrap_or(false));
    out
}

/// The opening mark at byte `at` of `text`, if one opens a quotation
/// there: its length and the marks that may close it.
fn opening_at(text: &str, at: usize) -> Option<(usize, &'static [&'static str])> {
    let rest = &text[at..];
    let before = text[..at].chars().next_back();
    let after_space = before.is_none_or(|c| c.is_whitespace() || "([{—–-".contains(c));
    if rest.starts_with('“') {
        return Some(('“'.len_utf8(), &["”", "“"]));
    }
    if rest.starts_with('„') {
        return Some(('„'.len_utf8(), &["“", "”"]));
    }
    if rest.starts_with('«') {
        return Some(('«'.len_utf8(), &["»"]));
    }
    if rest.starts_with('»') && after_space {
        return Some(('»'.len_utf8(), &["«"]));
    }
    if rest.starts_with("``") {
        return Some((2, &["''", "\""]));
    }
    if rest.starts_with('"') && after_space {
        return Some((1, &["\""]));
    }
    None
}

fn find_close(text: &str, from: usize, closers: &[&str]) -> Option<(usize, usize)> {
    closers
        .iter()
        .filter_map(|c| text[from..].find(c).map(|i| (from + i, c.len())))
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inner(text: &str) -> Vec<String> {
        let doc = Document::new(text);
        quotations(&doc)
            .iter()
            .map(|q| doc.slice(&q.inner).to_string())
            .collect()
    }

    #[test]
    fn every_style() {
        assert_eq!(
            inner("“A,” he said, \"B.\" Then ``C'' and «D» and „E“ and »F«."),
            ["A,", "B.", "C", "D", "E", "F"]
        );
    }

    #[test]
    fn a_quotation_carried_over_paragraphs() {
        let text = "He said: “One.\n\n“Two.”\n\nShe said “a stray\n\nnot reopened.";
        let doc = Document::new(text);
        let qs = quotations(&doc);
        assert_eq!(qs.len(), 2);
        assert!(qs[0].open_ended && qs[1].continued);
        assert_eq!(doc.slice(&qs[1].inner), "Two.");
    }
}
