//! The citation checker against real text: every line of
//! `tests/citation-cases.txt` is a case. No faithful quote may be rejected
//! and no misquote verified; a misquote's report must name what it changed.

#[path = "support/cases.rs"]
mod cases;

use claimdb::cite::{locate, locate_with, normalize, ChangeKind, Hint, Verdict};

const REVIEW: &str = include_str!("../db-seed/texts/fp-lazarus-review.txt");
const GETTYSBURG: &str = include_str!("texts/gettysburg-bliss.txt");

/// The texts a case line may name, by name.
fn text_named(name: &str) -> Option<&'static str> {
    Some(match name {
        "review" => REVIEW,
        "gettysburg" => GETTYSBURG,
        "bia" => include_str!("texts/bia-laguerre-2022.txt"),
        "bva" => include_str!("texts/bva-a25084404.txt"),
        "senate" => include_str!("texts/senate-1997-01-28-s697.txt"),
        "pell" => include_str!("texts/senate-1997-01-28-s738-pell.txt"),
        "french" => include_str!("texts/entre-nous-vos.txt"),
        "reichsanzeiger" => include_str!("texts/reichsanzeiger-1870-01-19.txt"),
        "samples" => include_str!("texts/typography-samples.txt"),
        "scotus" => include_str!("texts/scotus-aca-oral-argument-2012-03-27.txt"),
        "fomc" => include_str!("texts/fomc-powell-presser-2020-03-15.txt"),
        "plos" => include_str!("texts/plos-biol-pgc1a-leone-2005.txt"),
        "quijote" => include_str!("texts/es-quijote-cap20-pg2000.txt"),
        "hearing" => include_str!("texts/us-senate-psi-goldman-hearing-2010-04-27.txt"),
        _ => return None,
    })
}

const CASES: &str = include_str!("citation-cases.txt");

/// A misquote's change kind; `None` for `speaker`, an ellipsis that
/// hides a change of speaker (a refusal with a note, not a word change).
fn kind(name: &str) -> Option<ChangeKind> {
    Some(match name {
        "speaker" => return None,
        "number" => ChangeKind::Number,
        "name" => ChangeKind::Name,
        "negation" => ChangeKind::Negation,
        "content_word" => ChangeKind::ContentWord,
        "function_word" => ChangeKind::FunctionWord,
        "word_order" => ChangeKind::WordOrder,
        "punctuation" => ChangeKind::Punctuation,
        other => panic!("unknown change kind {other:?}"),
    })
}

/// How the cases of one text fared: faithful quotes verified, misquotes
/// refused (each of all).
#[derive(Default)]
struct Tally {
    faithful: (usize, usize),
    misquotes: (usize, usize),
}

#[test]
fn every_case_in_the_table() {
    let mut failures = Vec::new();
    let (mut faithful, mut misquotes) = (0, 0);
    let mut tallies: std::collections::BTreeMap<&str, Tally> = Default::default();
    for case in cases::cases(CASES) {
        let (verdict, text, quote) = (case.verdict, case.text, case.quote);
        // After the quote: a misquote's change kind, then `not KIND` or `known: WHY`.
        let (change, extra) = (case.rest.first(), case.rest.get(1));
        let source =
            text_named(text).unwrap_or_else(|| panic!("line {}: unknown text {text:?}", case.line));
        let c = locate(source, &quote);
        let at = format!("citation-cases.txt:{}: {quote:?}", case.line);
        let tally = tallies.entry(text).or_default();
        match verdict {
            "exact" | "normalized" | "verified" | "flagged" => {
                faithful += 1;
                tally.faithful.1 += 1;
                tally.faithful.0 += usize::from(c.is_verified());
                let flagged = c.notes.iter().any(|n| n.starts_with("review:"));
                let right = match verdict {
                    "exact" => c.verdict == Verdict::Exact,
                    "normalized" => c.verdict == Verdict::Normalized,
                    // Verified with edits, flagged for review.
                    "flagged" => c.is_verified() && flagged,
                    _ => c.is_verified(),
                };
                if !right {
                    failures.push(format!(
                        "{at}: expected {verdict}, got {:?} {:?} {:?}",
                        c.verdict, c.changes, c.notes
                    ));
                }
            }
            "misquote" => {
                misquotes += 1;
                tally.misquotes.1 += 1;
                tally.misquotes.0 += usize::from(!c.is_verified());
                let want =
                    kind(change.unwrap_or_else(|| panic!("{at}: misquote without a change kind")));
                let known = extra.and_then(|f| f.strip_prefix("known: "));
                if c.is_verified() {
                    failures.push(format!("{at}: MISQUOTE VERIFIED as {:?}", c.verdict));
                } else if let Some(gap) = known {
                    // Refused, with its change named otherwise: a gap the
                    // table keeps in view rather than hides.
                    eprintln!("known gap, {at}: {gap}; named {:?}", c.changes);
                } else if want.is_none() {
                    // A change of speaker hidden by an ellipsis: where the
                    // parts were found together, the refusal says so.
                    let joined = c.notes.iter().any(|n| n.starts_with("ellipsis leaves out"));
                    if joined
                        && !c
                            .notes
                            .iter()
                            .any(|n| n.contains("speaker") || n.contains("another's"))
                    {
                        failures.push(format!(
                            "{at}: expected a note on the change of speaker, got {:?} {:?}",
                            c.notes, c.changes
                        ));
                    }
                } else if !c
                    .changes
                    .iter()
                    .any(|ch| want.is_some_and(|w| ch.kinds.contains(&w)))
                {
                    failures.push(format!(
                        "{at}: expected a {want:?} change, got {:?}",
                        c.changes
                    ));
                } else if c.location.is_none() {
                    failures.push(format!("{at}: no closest passage"));
                } else if let Some(absent) = extra.and_then(|f| f.strip_prefix("not ")) {
                    let absent = kind(absent).expect("a word change kind");
                    if c.changes.iter().any(|ch| ch.kinds.contains(&absent)) {
                        failures.push(format!(
                            "{at}: no {absent:?} change expected, got {:?}",
                            c.changes
                        ));
                    }
                }
            }
            other => panic!("line {}: unknown verdict {other:?}", case.line),
        }
    }
    // `cargo test --test citations -- --nocapture` shows how each text fares.
    for (text, t) in &tallies {
        eprintln!(
            "{text:>15}: faithful verified {:>3} of {:>3}, misquotes refused {:>3} of {:>3}",
            t.faithful.0, t.faithful.1, t.misquotes.0, t.misquotes.1
        );
    }
    assert!(
        faithful >= 20 && misquotes >= 20,
        "{faithful} faithful, {misquotes} misquotes"
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn anchors_point_into_the_original_text() {
    let c = locate(GETTYSBURG, "met on a great battlefield of that war");
    let at = c.location.unwrap();
    assert_eq!(
        &GETTYSBURG[at.start_byte..at.end_byte],
        "met on a great battle-\nfield of that war"
    );
    assert_eq!((at.line, at.column, at.end_line), (9, 1, 10));
    assert_eq!(at.end_char - at.start_char, at.text.chars().count());
    assert!(
        c.normalizations
            .contains(&claimdb::cite::Rule::LineBreakHyphen),
        "{:?}",
        c.normalizations
    );
    // A split quote records each part's span.
    let c = locate(
        REVIEW,
        "During peaceful times … they can use their hacking ability",
    );
    let at = c.location.unwrap();
    assert_eq!(at.segments.len(), 2);
    assert_eq!(
        &REVIEW[at.segments[0].0..at.segments[0].1],
        "During peaceful times"
    );
    assert_eq!(
        &REVIEW[at.segments[1].0..at.segments[1].1],
        "they can use their hacking ability"
    );
    assert!(c.notes[0].starts_with("split quote"), "{:?}", c.notes);
}

#[test]
fn repeated_passages_are_chosen_by_prefix_suffix_and_position() {
    let folded = normalize(GETTYSBURG);
    let plain = locate(GETTYSBURG, "we can not");
    assert_eq!(plain.occurrences, 3);
    let first = plain.location.unwrap();
    let hint = Hint {
        prefix: "consecrate—".into(),
        suffix: " hallow".into(),
        start_byte: None,
    };
    let c = locate_with(GETTYSBURG, &folded, "we can not", Some(&hint));
    let third = c.location.unwrap();
    assert!(third.start_byte > first.start_byte);
    assert!(GETTYSBURG[third.end_byte..].starts_with(" hallow"));
    // The position alone chooses the nearest occurrence.
    let hint = Hint {
        start_byte: Some(third.start_byte - 3),
        ..Hint::default()
    };
    let c = locate_with(GETTYSBURG, &folded, "we can not", Some(&hint));
    assert_eq!(c.location.unwrap().start_byte, third.start_byte);
}

#[test]
fn nothing_in_common_is_not_found() {
    let c = locate(REVIEW, "zebra quantum xylophone");
    assert_eq!(c.verdict, Verdict::NotFound);
    assert!(c.location.is_none());
    let c = locate(REVIEW, "");
    assert_eq!(c.verdict, Verdict::NotFound);
}

/// A faithful quote's report names the folding it needed: one row per
/// rule the hardened checker added, over the test documents.
#[test]
fn the_report_names_each_folding() {
    use claimdb::cite::Rule;
    let rows: &[(&str, &str, Rule)] = &[
        (
            "scotus",
            "Can you create commerce in order to regulate it?",
            Rule::PageFurniture,
        ),
        (
            "fomc",
            "well above what is needed to provide jobs for new entrants",
            Rule::PageFurniture,
        ),
        (
            "plos",
            "PGC-1α-/- mice, 64±6 s; age-matched PGC-1α+/+ mice, 586±104 s",
            Rule::Typed,
        ),
        (
            "fomc",
            "window loans by 1 1/2 percentage points",
            Rule::Typed,
        ),
        (
            "plos",
            "is rapidly induced by cold exposure, short-term exercise, and fasting. These",
            Rule::Footnote,
        ),
        (
            "bia",
            "this decision. The DHS’s appeal will be sustained",
            Rule::Footnote,
        ),
        (
            "samples",
            "The treaty was signed in Rome by six states.",
            Rule::Footnote,
        ),
        (
            "reichsanzeiger",
            "Königliche Schauspiele.",
            Rule::Compatibility,
        ),
        (
            "samples",
            "The committee met on Monday.",
            Rule::Compatibility,
        ),
        (
            "samples",
            "He called the plan a \"risk.\" Then he left.",
            Rule::PunctuationOrder,
        ),
        (
            "bia",
            "to possess . . . a controlled dangerous substance",
            Rule::Ellipsis,
        ),
        (
            "senate",
            "the forces of violence and division … guard against them",
            Rule::Ellipsis,
        ),
        (
            "review",
            "prosecute North Korean hackers -– an admirable goal",
            Rule::Dashes,
        ),
        (
            "reichsanzeiger",
            "Romantische Feen-Oper in 3 Abtheilungen",
            Rule::LineBreakHyphen,
        ),
        (
            "samples",
            "The ruling was upheld by the Board). The court then adjourned.",
            Rule::Whitespace,
        ),
        ("french", "\"Paul, viens ici!\"", Rule::Quotes),
    ];
    for (text, quote, rule) in rows {
        let c = locate(text_named(text).unwrap(), quote);
        assert!(c.is_verified(), "{quote:?}: {:?} {:?}", c.verdict, c.notes);
        assert!(
            c.normalizations.contains(rule),
            "{quote:?}: {rule:?} not in {:?}",
            c.normalizations
        );
    }
}

/// A faithful quote's report names each edit of the forms the genres of
/// issue 30 brought (not a folding of characters, so not a `Rule`).
#[test]
fn the_report_names_each_new_edit() {
    let rows: &[(&str, &str, &str)] = &[
        (
            "samples",
            "The agency said it would publish the data by Friday,",
            "the comma ending the quote stands for the source's closing period",
        ),
        (
            "samples",
            "He called the plan a 'risk.' Then he left.",
            "the quote's inner quotation marks stand for the source's other kind",
        ),
        (
            "fomc",
            "[The market for Treasury securities] is generally the most liquid of all markets",
            "stands for \"It\", naming what the source names just before",
        ),
        (
            "plos",
            "UCP-1 gene transcription is known to be activated by PGC-1α [2].",
            "the quote's reference markers ([2]) are the source's",
        ),
        (
            "review",
            "carefully [crept] from computer to computer to avoid detection",
            "review: [crept] stands for \"moved\"",
        ),
    ];
    for (text, quote, note) in rows {
        let c = locate(text_named(text).unwrap(), quote);
        assert!(c.is_verified(), "{quote:?}: {:?} {:?}", c.verdict, c.notes);
        assert!(
            c.notes.iter().any(|n| n.contains(note)),
            "{quote:?}: the notes do not say {note:?}: {:?}",
            c.notes
        );
    }
}
