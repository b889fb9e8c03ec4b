//! Indexed predicates are answered from index trees, not by reading every
//! claim: the executor's count of claims read shows it.

use claimdb::query::{ExecStats, Node, Output};
use claimdb::store::IndexScan;
use claimdb::Db;

#[path = "support/engines.rs"]
mod engines;

/// (query, how many claims the index holds for its most selective predicate)
/// How many claims `condition` selects.
fn count(db: &Db, condition: &str) -> u64 {
    db.query(&format!("count claims where {condition}"))
        .unwrap()
        .count()
        .unwrap()
}

/// Runs `{statement} where {condition}` as planned and again behind
/// `not not`, which no index answers (a scan of every claim); asserts that
/// the two agree, and returns the planned run's output and what it read.
fn checked_against_a_scan(db: &Db, statement: &str, condition: &str) -> (Output, ExecStats) {
    let (planned, stats) = db
        .query_with_stats(&format!("{statement} where {condition}"))
        .unwrap();
    let scanned = db
        .query(&format!("{statement} where not not ({condition})"))
        .unwrap();
    assert_eq!(planned, scanned, "{statement} where {condition}");
    (planned, stats)
}

#[test]
fn indexed_predicates_read_only_their_entries() {
    for on in engines::seeded() {
        let db = &on.db;
        let total = db.query("count claims").unwrap().count().unwrap();
        let cases = [
            // Each index entry records its claim's confidence: the
            // speaker's claims below 0.8 are passed over unread.
            (
                r#"speaker = "White" and confidence >= 0.8"#,
                count(db, r#"speaker = "White" and confidence >= 0.8"#),
            ),
            (
                r#"tag = "sanctions" and confidence between 0.5 and 0.85"#,
                count(
                    db,
                    r#"tag = "sanctions" and confidence between 0.5 and 0.85"#,
                ),
            ),
            (
                r#"speaker in ("White", "Moriuchi") and confidence <= 0.85"#,
                count(
                    db,
                    r#"speaker in ("White", "Moriuchi") and confidence <= 0.85"#,
                ),
            ),
            (
                r#"speaker = "Priscilla Moriuchi""#,
                count(db, r#"speaker = "Moriuchi""#),
            ),
            // The word index holds fewer claims for "1989" than the origin does.
            (
                r#"origin = "usss-senate-2006" and quote contains "1989""#,
                count(db, r#"quote contains "1989""#),
            ),
            (r#"confidence >= 0.9"#, count(db, "confidence >= 0.9")),
            // The range is exact: 0.5 and 0.6 themselves are not read.
            (
                r#"confidence > 0.5 and confidence < 0.6"#,
                count(db, "confidence > 0.5 and confidence < 0.6"),
            ),
            (r#"tag = "supernotes""#, count(db, r#"tag = "supernotes""#)),
            (r#"speaker = "Nobody""#, 0),
        ];
        for (condition, expected_reads) in cases {
            let (_, stats) = db
                .query_with_stats(&format!("claims where {condition}"))
                .unwrap();
            assert_eq!(stats.claims_read, expected_reads, "{condition}");
            assert!(stats.claims_read < total, "{condition} read every claim");
        }
        // The White example from the issue reads White's claims only, and answers correctly.
        let (out, stats) = db
        .query_with_stats(r#"claims where speaker = "White" and confidence >= 0.8 order by confidence desc limit 3"#)
        .unwrap();
        let rows = out.claims().unwrap();
        assert!(rows.len() <= 3 && !rows.is_empty());
        assert!(rows
            .iter()
            .all(|r| r.speaker_name == "Geoff White" && r.claim.confidence.value() >= 0.8));
        assert!(rows
            .windows(2)
            .all(|w| w[0].claim.confidence >= w[1].claim.confidence));
        assert_eq!(
            stats.claims_read,
            count(db, r#"speaker = "White" and confidence >= 0.8"#)
        );
    }
}

/// Asserts that `condition` is read through the speaker index, its entries
/// checked for confidence.
fn assert_speaker_entries_checked_for_confidence(db: &Db, condition: &str) {
    let plan = db
        .query(&format!("explain claims where {condition}"))
        .unwrap();
    let plan = plan.plan().unwrap();
    assert!(
        matches!(
            plan.access(),
            Node::Index {
                scan: IndexScan::Speaker(_),
                window: Some(_),
                ..
            }
        ),
        "{condition}: {plan}"
    );
}

/// A narrow confidence range holds fewer claims than a speaker has, but the
/// speaker's entries record each claim's confidence, so scanning them reads
/// only the claims in both: the planner takes them over the confidence
/// index, which would read every claim in the range, whoever said it.
#[test]
fn a_speaker_with_a_narrow_confidence_range_reads_only_the_claims_in_both() {
    for on in engines::seeded() {
        let db = &on.db;
        let (mut reads, mut in_ranges) = (0, 0);
        for (low, high) in [(0.8, 0.85), (0.85, 0.9), (0.9, 0.95)] {
            let range = format!("confidence between {low} and {high}");
            let condition = format!(r#"speaker = "White" and {range}"#);
            assert_speaker_entries_checked_for_confidence(db, &condition);
            let (_, stats) = db
                .query_with_stats(&format!("claims where {condition}"))
                .unwrap();
            assert_eq!(stats.claims_read, count(db, &condition), "{condition}");
            reads += stats.claims_read;
            in_ranges += count(db, &range);
        }
        assert!(reads < in_ranges, "{reads} read, {in_ranges} in the ranges");
        // A range of one claim: the speaker's entries could spare no read.
        assert_eq!(count(db, "confidence between 0.95 and 1"), 1);
        let plan = db
            .query(r#"explain claims where speaker = "White" and confidence between 0.95 and 1"#)
            .unwrap();
        let plan = plan.plan().unwrap();
        assert!(
            matches!(
                plan.access(),
                Node::Index {
                    scan: IndexScan::Confidence(..),
                    ..
                }
            ),
            "{plan}"
        );
    }
}

/// A count of a speaker's (or an origin's) claims in a confidence range is
/// answered by the index entries alone, which record each claim's
/// confidence, at every kind of bound: it agrees with reading every claim,
/// and reads none.
#[test]
fn counts_in_a_confidence_range_are_read_from_the_index_entries() {
    for on in engines::seeded() {
        let db = &on.db;
        for condition in [
            r#"speaker = "White" and confidence >= 0.8"#,
            r#"speaker = "White" and confidence > 0.85"#,
            r#"speaker = "White" and confidence = 0.85"#,
            r#"speaker = "White" and confidence between 0.81 and 0.9"#,
            r#"speaker = "White" and confidence < 0.9 and confidence >= 0.80005"#,
            r#"speaker in ("White", "Moriuchi") and confidence <= 0.85"#,
            r#"origin = "lazarus-heist-book" and confidence > 0.7"#,
            // The confidence index alone: its kept counts.
            "confidence > 0.85",
            "confidence between 0.5 and 0.9 and confidence < 0.85",
        ] {
            let (_, stats) = checked_against_a_scan(db, "count claims", condition);
            assert_eq!(stats.claims_read, 0, "{condition}");
        }
    }
}

/// The confidence an index entry records follows its claim: after an
/// update, a speaker's claims are found by their new confidence, both ways,
/// as reading every claim finds them, and a claim outside the range is not
/// read; `explain` says the entries are checked.
#[test]
fn the_confidence_in_index_entries_follows_updates() {
    for on in engines::seeded() {
        let db = &on.db;
        let white = count(db, r#"speaker = "White""#);
        let high = count(db, r#"speaker = "White" and confidence >= 0.95"#);
        db.query(
            r#"update claims set confidence = 0.97 where speaker = "White" and confidence < 0.8"#,
        )
        .unwrap();
        db.query(
            r#"update claims set confidence = 0.3 where speaker = "White" and confidence = 0.85"#,
        )
        .unwrap();
        assert!(count(db, r#"speaker = "White" and confidence >= 0.95"#) > high);
        // The speaker's entries, checked for confidence, are the path.
        for condition in [
            r#"speaker = "White" and confidence >= 0.8"#,
            r#"speaker = "White" and confidence < 0.9"#,
            r#"speaker = "White" and confidence between 0.25 and 0.85"#,
        ] {
            assert_speaker_entries_checked_for_confidence(db, condition);
            let (found, stats) = checked_against_a_scan(db, "claims", condition);
            let n = found.claims().unwrap().len() as u64;
            assert!(n > 0 && n < white, "{condition}: {n}");
            assert_eq!(stats.claims_read, n, "{condition}");
        }
        // The word index's entries record no confidence: its scans skip nothing.
        let plan = db
            .query(r#"explain claims where quote contains "sony" and confidence >= 0.3"#)
            .unwrap();
        let plan = plan.plan().unwrap();
        let words_unwindowed = match plan.access() {
            Node::Index {
                scan: IndexScan::Word(_),
                window,
                ..
            } => window.is_none(),
            Node::Union { scans, window, .. } => {
                window.is_none() && scans.iter().all(|s| matches!(s, IndexScan::Word(_)))
            }
            _ => false,
        };
        assert!(words_unwindowed, "{plan}");
        let report = db.verify().unwrap();
        assert!(report.is_ok(), "{:#?}", report.problems);
    }
}

#[test]
fn unindexable_conditions_scan_everything() {
    for on in engines::seeded() {
        let db = &on.db;
        let total = db.query("count claims").unwrap().count().unwrap();
        for condition in [
            r#"statement contains "sanctions""#,
            r#"speaker = "White" or confidence > 0.9"#,
            r#"not speaker = "White""#,
        ] {
            let (_, stats) = db
                .query_with_stats(&format!("claims where {condition}"))
                .unwrap();
            assert_eq!(stats.claims_read, total, "{condition}");
        }
    }
}

#[test]
fn index_and_scan_give_the_same_answers() {
    for on in engines::seeded() {
        let db = &on.db;
        // The same condition, once indexable and once hidden from the planner
        // behind `not not`, must select the same claims.
        for condition in [
            r#"speaker = "White""#,
            r#"confidence >= 0.8"#,
            r#"confidence > 0.85"#,
            r#"confidence <= 0.55"#,
            r#"confidence < 0.55"#,
            r#"confidence = 0.85"#,
            r#"origin = "lazarus-heist-book""#,
            r#"source = "fp-lazarus-review""#,
            r#"tag = "sony""#,
            r#"status = "verified""#,
        ] {
            let (indexed, _) = checked_against_a_scan(db, "claims", condition);
            checked_against_a_scan(db, "count claims", condition);
            assert!(
                !indexed.claims().unwrap().is_empty(),
                "{condition} matched nothing"
            );
        }
    }
}

/// `quote contains` and `starts with` through the word index find exactly
/// what reading every quote finds: whole words, parts of words, several
/// words, punctuation and typography. One needle per line.
#[test]
fn the_word_index_finds_what_a_scan_finds() {
    let needles = [
        "Sony",
        "sony’s",
        "ony",
        "u.s.",
        "U.S. Treasury",
        "$81 million",
        "1989",
        "don't",
        "the",
        "9/11",
        "co-chair",
        "—",
        "scot-free",
        "Kim Jong Un",
        "north korea",
        "e",
        "Pyongyang’s cyber",
        "“mistake.”",
        "theaters",
        "ransom payment.",
        "zzqx",
        "",
    ];
    // How many counts the test saw answered from the index alone.
    let mut from_the_index = 0;
    for on in engines::seeded() {
        let db = &on.db;
        for needle in needles {
            for op in ["contains", "starts with"] {
                let condition = format!("quote {op} \"{needle}\"");
                let (_, stats) = checked_against_a_scan(db, "claims", &condition);
                // Counted from the index alone when the needle is one word
                // (the word index then answers `contains` exactly): the
                // same count as reading every quote, and no claim read.
                let (_, count_stats) = checked_against_a_scan(db, "count claims", &condition);
                let folded = claimdb::cite::fold_for_search(needle);
                let plan = db
                    .query(&format!("explain count claims where {condition}"))
                    .unwrap();
                let scans_all = matches!(plan.plan().unwrap().access(), Node::Scan { .. });
                if op == "contains"
                    && !folded.is_empty()
                    && folded.chars().all(char::is_alphanumeric)
                    && !scans_all
                {
                    assert_eq!(count_stats.claims_read, 0, "count {condition}");
                    from_the_index += 1;
                }
                let total = db.query("count claims").unwrap().count().unwrap();
                // A needle with a word of four letters or more is looked up,
                // not scanned for.
                let longest = needle
                    .split(|c: char| !c.is_alphanumeric())
                    .map(|w| w.chars().count())
                    .max()
                    .unwrap_or(0);
                if longest >= 4 {
                    assert!(stats.claims_read < total, "{condition} read every claim");
                }
            }
        }
    }
    assert!(
        from_the_index >= 4,
        "{from_the_index} counts from the index alone"
    );
}

/// A word enters the index's vocabulary with the first quote that has it
/// and leaves with the last (its trigrams with it): a part of the word is
/// found by them while a quote holds it, and nothing once none does.
#[test]
fn the_vocabulary_follows_the_quotes() {
    for on in engines::seeded() {
        let db = &on.db;
        let part = r#"quote contains "eater""#;
        let (before, _) = checked_against_a_scan(db, "count claims", part);
        assert!(before.count().unwrap() > 0);
        db.query(r#"delete claims where quote contains "theaters""#)
            .unwrap();
        let (after, _) = checked_against_a_scan(db, "count claims", part);
        let (before, after) = (before.count().unwrap(), after.count().unwrap());
        assert!(after < before, "{after} of {before}");
        let report = db.verify().unwrap();
        assert!(report.is_ok(), "{:#?}", report.problems);
    }
}

/// `count claims group by` a field every claim has one value of reads the
/// counts kept per index value, no claim, and gives the rows grouping the
/// claims gives (`where true` forces the scan), after writes too.
#[test]
fn grouped_counts_come_from_the_kept_counts() {
    for on in engines::seeded() {
        let db = &on.db;
        db.query(r#"update claims set confidence = 0.1 where speaker = "White""#)
            .unwrap();
        db.query(r#"delete claims where speaker = "Obama""#)
            .unwrap();
        for field in ["speaker", "source", "status"] {
            let (kept, stats) = db
                .query_with_stats(&format!("count claims group by {field}"))
                .unwrap();
            assert_eq!(stats.claims_read, 0, "{field}");
            let (scanned, stats) = db
                .query_with_stats(&format!("count claims where true group by {field}"))
                .unwrap();
            assert!(stats.claims_read > 0, "{field}");
            assert_eq!(kept, scanned, "{field}");
            let plan = db
                .query(&format!("explain count claims group by {field}"))
                .unwrap();
            let plan = plan.plan().unwrap();
            assert!(
                matches!(plan.root, Node::StoredCounts { .. }),
                "{field}: {plan}"
            );
        }
    }
}
