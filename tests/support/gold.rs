//! Gold (speaker, passage) pairs and how extraction is scored against them:
//! shared by `tests/attribution.rs` and `benches/attribution_eval.rs`.
//!
//! A gold file (`*.expected`) names its text (`text: FILE`), the author of
//! a story's own prose (`author: NAME`), or its publisher (`publisher:
//! NAME`, who speaks for prose no byline or author claims, as a source's
//! publisher does in claimdb), each speaker's other names
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
    pub publisher: Option<String>,
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

/// The gold files (`*.expected`) in `dir`, in name order.
pub fn files_in(dir: &Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    let mut files: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "expected"))
        .collect();
    files.sort();
    Ok(files)
}

/// Reads the gold file at `path`, its text from `texts`.
pub fn load(path: &Path, texts: &Path) -> Expected {
    let file = path.display().to_string();
    let body = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{file}: {e}"));
    let (mut text, mut author, mut publisher, mut speakers, mut quotes) =
        (String::new(), None, None, Vec::new(), Vec::new());
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
        } else if let Some(p) = line.strip_prefix("publisher:") {
            publisher = Some(p.trim().to_string());
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
    for name in author.iter().chain(&publisher) {
        if !speakers.iter().any(|(n, _)| n == name) {
            speakers.push((name.clone(), Vec::new()));
        }
    }
    let anchored = anchor_in_order(&text, &quotes, &file);
    let (nobody, pairs): (Vec<_>, Vec<_>) = anchored.into_iter().partition(|(s, _)| s == "nobody");
    Expected {
        text,
        author,
        publisher,
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
    let reading = attrib::markup::reading_copy(&expected.text);
    let analysis = Analysis::with_reading(&expected.text, reading.as_ref());
    let author = expected.author.as_deref().or(expected.publisher.as_deref());
    let proposals = attrib::extract_with(&analysis, author, turns);
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

/// How the claim checker judges claims made from the gold pairs: each
/// pair's passage claimed for its true speaker (it should be confirmed)
/// and for another speaker of the same document (it should be flagged).
pub struct Checks {
    pub true_claims: usize,
    pub confirmed: usize,
    pub wrong_claims: usize,
    pub flagged: usize,
    /// The true claims not confirmed and the wrong ones not flagged.
    pub failures: Vec<String>,
}

/// A speaker's names, as the gold gives them.
fn names_of<'e>(expected: &'e Expected, speaker: &'e str) -> Vec<&'e str> {
    let mut names = vec![speaker];
    if let Some((_, aliases)) = expected.speakers.iter().find(|(n, _)| n == speaker) {
        names.extend(aliases.iter().map(String::as_str));
    }
    names
}

/// Whether the source, read by the claim checker, credits `range` to
/// `speaker` (by any of their names).
fn confirms(
    attributions: &attrib::Attributions,
    expected: &Expected,
    range: &Range<usize>,
    speaker: &str,
) -> bool {
    let author = expected.author.as_deref().or(expected.publisher.as_deref());
    let aliases: Vec<String> = names_of(expected, speaker)[1..]
        .iter()
        .map(|s| s.to_string())
        .collect();
    attributions
        .attribute(range.clone(), author)
        .is_ok_and(|credits| {
            credits
                .iter()
                .any(|c| attrib::names_match(&c.speaker, speaker, &aliases))
        })
}

/// Whom the claim checker credits with `range`, for a report.
fn credited(
    attributions: &attrib::Attributions,
    expected: &Expected,
    range: &Range<usize>,
) -> String {
    let author = expected.author.as_deref().or(expected.publisher.as_deref());
    match attributions.attribute(range.clone(), author) {
        Ok(credits) if credits.is_empty() => "no one".into(),
        Ok(credits) => credits
            .iter()
            .map(|c| c.speaker.written.clone())
            .collect::<Vec<_>>()
            .join(", "),
        Err(_) => "refused: crosses turns".into(),
    }
}

/// [`Checks`] for the gold's pairs. The wrong speaker of a pair is the
/// next pair's speaker who shares no name with the true one.
pub fn check_claims(expected: &Expected) -> Checks {
    let attributions = attrib::Attributions::of(&expected.text);
    let mut checks = Checks {
        true_claims: 0,
        confirmed: 0,
        wrong_claims: 0,
        flagged: 0,
        failures: Vec::new(),
    };
    let n = expected.pairs.len();
    for (i, (speaker, range)) in expected.pairs.iter().enumerate() {
        let passage: String = expected.text[range.clone()].chars().take(100).collect();
        checks.true_claims += 1;
        if confirms(&attributions, expected, range, speaker) {
            checks.confirmed += 1;
        } else {
            let who = credited(&attributions, expected, range);
            checks.failures.push(format!(
                "not confirmed: {speaker} (credited: {who}) | {passage}"
            ));
        }
        let mine = names_of(expected, speaker);
        let other = (1..n)
            .map(|k| &expected.pairs[(i + k) % n].0)
            .find(|o| !names_of(expected, o).iter().any(|x| mine.contains(x)));
        if let Some(other) = other {
            checks.wrong_claims += 1;
            if confirms(&attributions, expected, range, other) {
                checks.failures.push(format!(
                    "not flagged: {other} (true: {speaker}) | {passage}"
                ));
            } else {
                checks.flagged += 1;
            }
        }
    }
    checks
}
