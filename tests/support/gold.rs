//! Gold (speaker, passage) pairs and how extraction is scored against them:
//! shared by `tests/attribution.rs` and `benches/attribution_eval.rs`.
//!
//! A gold file (`*.expected`) names its text (`text: FILE`), the author of
//! a story's own prose (`author: NAME`), each speaker's other names
//! (`speaker: NAME | ALIAS | ...`), then one `SPEAKER | PASSAGE` line per
//! pair in the text's order, and `nobody | PASSAGE` for text that is no
//! one's words (front matter, stage directions), which no proposal should
//! credit. A passage is the text's words as the citation checker finds
//! them, or `FIRST WORDS >>> LAST WORDS` for a long one (a transcript's
//! turn): from where the first words start to where the last words end.
//!
//! A proposal matches a pair when it names the same speaker (by any of
//! their names) and its passage overlaps the pair's by at least half of
//! the shorter; each proposal matches at most one pair and each pair at
//! most one proposal.

#![allow(dead_code)]

use std::ops::Range;
use std::path::Path;

use claimdb::attrib::{self, Analysis, Mention, Proposal};
use claimdb::cite::{locate, locate_with, normalize_source, Hint, Normalized};

pub struct Expected {
    pub text: String,
    pub author: Option<String>,
    pub speakers: Vec<(String, Vec<String>)>,
    pub pairs: Vec<(String, Range<usize>)>,
    /// Passages that are no one's words.
    pub nobody: Vec<Range<usize>>,
}

/// Finds `quote` in `text` from byte `from` on, with the citation checker
/// (over the whole text, as a source is checked, the occurrence nearest
/// `from` and not before it; else in the text after `from`); or, for words
/// the checker skips as page furniture (a footnote printed between
/// rules), word for word with any whitespace between.
fn find(text: &str, folded: &Normalized, from: usize, quote: &str, file: &str) -> Range<usize> {
    let hint = Hint {
        start_byte: Some(from),
        ..Hint::default()
    };
    let whole = locate_with(text, folded, quote, Some(&hint));
    let verified = whole.is_verified();
    if let Some(loc) = whole.location.filter(|l| verified && l.start_byte >= from) {
        return loc.start_byte..loc.end_byte;
    }
    let c = locate(&text[from..], quote);
    let verified = c.is_verified();
    if let Some(loc) = c.location.filter(|_| verified) {
        return from + loc.start_byte..from + loc.end_byte;
    }
    find_words(text, from, quote)
        .unwrap_or_else(|| panic!("{file}: expected passage not in the text: {quote}"))
}

/// `quote`'s words in `text` after `from`, separated by any whitespace.
fn find_words(text: &str, from: usize, quote: &str) -> Option<Range<usize>> {
    let words: Vec<&str> = quote.split_whitespace().collect();
    let first = words.first()?;
    let mut at = from;
    while let Some(k) = text[at..].find(first) {
        let start = at + k;
        let mut end = start + first.len();
        let whole = words[1..].iter().all(|w| {
            let rest = &text[end..];
            let skipped = rest.len() - rest.trim_start().len();
            let found = skipped > 0 && rest[skipped..].starts_with(w);
            if found {
                end += skipped + w.len();
            }
            found
        });
        if whole {
            return Some(start..end);
        }
        at = start + first.len();
    }
    None
}

/// Each passage's range, searching on from the start of the one before (so
/// a repeated sentence is found in its turn).
fn anchor_in_order(
    text: &str,
    quotes: &[(String, String)],
    file: &str,
) -> Vec<(String, Range<usize>)> {
    let folded = normalize_source(text);
    let mut cursor = 0;
    quotes
        .iter()
        .map(|(speaker, quote)| {
            let range = match quote.split_once(">>>") {
                Some((first, last)) => {
                    let start = find(text, &folded, cursor, first.trim(), file);
                    // The last words may overlap the first ("... But >>> But why").
                    let end = find(text, &folded, start.start, last.trim(), file);
                    start.start..end.end.max(start.end)
                }
                None => find(text, &folded, cursor, quote, file),
            };
            cursor = range.start;
            (speaker.clone(), range)
        })
        .collect()
}

/// Reads the gold file at `path`, its text from `texts`.
pub fn load(path: &Path, texts: &Path) -> Expected {
    let file = path.display().to_string();
    let body = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{file}: {e}"));
    let (mut text, mut author, mut speakers, mut quotes) =
        (String::new(), None, Vec::new(), Vec::new());
    for (n, line) in body.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix("text:") {
            let at = texts.join(name.trim());
            text = std::fs::read_to_string(&at)
                .unwrap_or_else(|e| panic!("{file}: {}: {e}", at.display()));
        } else if let Some(a) = line.strip_prefix("author:") {
            author = Some(a.trim().to_string());
        } else if let Some(names) = line.strip_prefix("speaker:") {
            let mut names = names.split('|').map(|s| s.trim().to_string());
            let first = names.next().unwrap_or_default();
            speakers.push((first, names.collect()));
        } else {
            let (speaker, quote) = line
                .split_once(" | ")
                .unwrap_or_else(|| panic!("{file}:{}: expected `speaker | passage`", n + 1));
            quotes.push((speaker.trim().to_string(), quote.trim().to_string()));
        }
    }
    if let Some(a) = &author {
        speakers.push((a.clone(), Vec::new()));
    }
    let anchored = anchor_in_order(&text, &quotes, &file);
    let (nobody, pairs): (Vec<_>, Vec<_>) = anchored.into_iter().partition(|(s, _)| s == "nobody");
    Expected {
        text,
        author,
        speakers,
        pairs,
        nobody: nobody.into_iter().map(|(_, r)| r).collect(),
    }
}

fn mention_of(p: &Proposal) -> Mention {
    Mention {
        written: p.named_as.clone(),
        name: p.speaker.clone(),
        range: 0..0,
        description: None,
        proper: true,
    }
}

/// Whether `p` names `speaker`, by any of the names the gold gives them.
pub fn same(expected: &Expected, speaker: &str, p: &Proposal) -> bool {
    let aliases = expected
        .speakers
        .iter()
        .find(|(n, _)| n == speaker)
        .map(|(_, a)| a.clone())
        .unwrap_or_default();
    attrib::names_match(&mention_of(p), speaker, &aliases)
}

pub fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    let common = a.end.min(b.end).saturating_sub(a.start.max(b.start));
    let shorter = (a.end - a.start).min(b.end - b.start);
    shorter > 0 && common * 2 >= shorter
}

pub struct Score {
    pub precision: f64,
    pub recall: f64,
    pub proposals: usize,
    pub missed: Vec<String>,
    pub wrong: Vec<String>,
    /// Proposals crediting someone with a passage that is no one's words.
    pub credited_nobody: usize,
}

/// Extraction on the gold's text, scored against its pairs.
pub fn score(expected: &Expected) -> Score {
    score_with(expected, attrib::Turns::Whole)
}

/// [`score`], with a transcript's turns proposed as `turns` says (a gold
/// file annotated sentence by sentence is scored `BySentence`).
pub fn score_with(expected: &Expected, turns: attrib::Turns) -> Score {
    let analysis = Analysis::new(&expected.text);
    let proposals = attrib::extract_with(&analysis, expected.author.as_deref(), turns);
    let mut used = vec![false; proposals.len()];
    let mut missed = Vec::new();
    for (speaker, range) in &expected.pairs {
        let hit = (0..proposals.len())
            .filter(|&i| {
                !used[i]
                    && same(expected, speaker, &proposals[i])
                    && overlaps(range, &proposals[i].range())
            })
            .max_by_key(|&i| {
                let r = proposals[i].range();
                r.end
                    .min(range.end)
                    .saturating_sub(r.start.max(range.start))
            });
        match hit {
            Some(i) => used[i] = true,
            None => missed.push(format!("{speaker} | {}", &expected.text[range.clone()])),
        }
    }
    let wrong: Vec<String> = proposals
        .iter()
        .zip(&used)
        .filter(|(_, u)| !**u)
        .map(|(p, _)| format!("{} | {}", p.speaker, p.quote))
        .collect();
    let credited_nobody = proposals
        .iter()
        .filter(|p| expected.nobody.iter().any(|n| overlaps(n, &p.range())))
        .count();
    let matched = used.iter().filter(|u| **u).count() as f64;
    Score {
        precision: matched / proposals.len().max(1) as f64,
        recall: matched / expected.pairs.len().max(1) as f64,
        proposals: proposals.len(),
        missed,
        wrong,
        credited_nobody,
    }
}
