//! Replacing a source's text re-anchors its claims in the same transaction:
//! exactly the claims that quote a changed word break, the others stay
//! verified with anchors that point into the new text.

use claimdb::{CheckScope, Db, Status};

const SOURCE: &str = "fp-lazarus-review";

#[path = "support/engines.rs"]
mod engines;

/// Ids of the claims whose verified anchor covers byte `at` of the current text.
fn claims_covering(db: &Db, at: usize) -> Vec<u64> {
    let out = db.query("claims").unwrap();
    out.claims()
        .unwrap()
        .iter()
        .filter(|r| {
            let a = r.claim.anchor.as_ref().unwrap();
            a.segments
                .iter()
                .any(|&(s, e)| (s as usize) <= at && at < e as usize)
        })
        .map(|r| r.claim.id)
        .collect()
}

fn statuses(db: &Db) -> Vec<(u64, Status)> {
    let out = db.query("claims").unwrap();
    out.claims()
        .unwrap()
        .iter()
        .map(|r| (r.claim.id, r.claim.status))
        .collect()
}

#[test]
fn changing_one_word_breaks_exactly_the_claims_that_quote_it() {
    // Words that occur once in the review, in quoted passages and not.
    let mut sizes = Vec::new();
    for (word, replacement) in [
        ("Thanksgiving", "Christmas"),
        ("$81", "$18"),
        ("middling", "brilliant"),
        ("Slovenia", "Slovakia"),
    ] {
        for on in engines::seeded() {
            let db = &on.db;
            let text = db.source_text(SOURCE).unwrap().unwrap();
            assert_eq!(text.matches(word).count(), 1, "{word}");
            let at = text.find(word).unwrap();
            let expected_broken = claims_covering(db, at);
            sizes.push(expected_broken.len());
            let new_text = text.replacen(word, replacement, 1);
            let report = db.replace_source_text(SOURCE, &new_text).unwrap();
            assert_eq!(
                report.len(),
                statuses(db).len(),
                "every claim of the source is re-checked"
            );
            let broken: Vec<u64> = statuses(db)
                .into_iter()
                .filter(|(_, s)| *s == Status::Broken)
                .map(|(id, _)| id)
                .collect();
            assert_eq!(broken, expected_broken, "changing {word:?}");
            assert_eq!(
                db.query("count claims where status = \"broken\"")
                    .unwrap()
                    .count(),
                Some(broken.len() as u64)
            );
            for id in &broken {
                let claim = db.claim(*id).unwrap().unwrap();
                let mismatch = claim
                    .mismatch
                    .expect("a broken claim records what was found");
                assert!(mismatch.passage.unwrap().contains(replacement), "{word}");
                assert!(
                    mismatch.changes.iter().any(|c| c.contains(replacement)),
                    "{:?}",
                    mismatch.changes
                );
            }
            // Everything still verified points at its quote in the new text.
            let source = db.source(SOURCE).unwrap().unwrap();
            assert_eq!(
                source.sha256.as_deref(),
                Some(claimdb::cite::sha256_hex(&new_text).as_str())
            );
            for row in db
                .query("claims where status = \"verified\"")
                .unwrap()
                .claims()
                .unwrap()
            {
                let a = row.claim.anchor.as_ref().unwrap();
                assert_eq!(a.text_sha256, source.sha256.clone().unwrap());
                if a.segments.len() > 1 {
                    // A quote in parts: each part is the text's, word for word.
                    for &(start, end) in &a.segments {
                        let part = &new_text[start as usize..end as usize];
                        assert!(row.claim.quote.contains(part), "{part}");
                    }
                } else {
                    assert_eq!(
                        &new_text[a.start_byte as usize..a.end_byte as usize],
                        row.claim.quote.trim()
                    );
                }
            }
        }
    }
    // Some words are quoted by claims and some are not: both cases ran.
    assert!(
        sizes.contains(&0) && sizes.iter().any(|&n| n > 0),
        "{sizes:?}"
    );
}

#[test]
fn restoring_the_text_verifies_the_broken_claims_again() {
    for on in engines::seeded() {
        let db = &on.db;
        let text = db.source_text(SOURCE).unwrap().unwrap();
        let before = statuses(db);
        db.replace_source_text(SOURCE, &text.replacen("Thanksgiving", "Christmas", 1))
            .unwrap();
        assert_ne!(statuses(db), before);
        let report = db.replace_source_text(SOURCE, &text).unwrap();
        assert!(report
            .iter()
            .any(|r| r.before == Status::Broken && r.after == Status::Verified));
        assert_eq!(statuses(db), before);
        assert!(db
            .query("claims")
            .unwrap()
            .claims()
            .unwrap()
            .iter()
            .all(|r| r.claim.mismatch.is_none()));
    }
}

#[test]
fn anchors_follow_moved_text_and_repeated_passages_keep_their_place() {
    for on in engines::seeded() {
        let db = &on.db;
        let text = db.source_text(SOURCE).unwrap().unwrap();
        let old: Vec<_> = db
            .query("claims")
            .unwrap()
            .claims()
            .unwrap()
            .iter()
            .map(|r| r.claim.anchor.clone().unwrap())
            .collect();
        // A paragraph inserted at the top moves everything; a copy of one
        // paragraph appended at the end makes its quotes occur twice.
        let preface = "Editor's note: this review was captured twice.\n\n";
        let paragraph = text
            .lines()
            .find(|l| l.starts_with("Moriuchi tells White"))
            .unwrap();
        let new_text = format!("{preface}{text}\n{paragraph}\n");
        let report = db.replace_source_text(SOURCE, &new_text).unwrap();
        assert!(report.iter().all(|r| r.after == Status::Verified));
        let new: Vec<_> = db
            .query("claims")
            .unwrap()
            .claims()
            .unwrap()
            .iter()
            .map(|r| r.claim.anchor.clone().unwrap())
            .collect();
        for (o, n) in old.iter().zip(&new) {
            assert_eq!(
                n.start_byte,
                o.start_byte + preface.len() as u64,
                "the first occurrence, not the copy"
            );
            assert_eq!(n.line, o.line + 2);
        }
    }
}

#[test]
fn check_reports_without_writing() {
    for on in engines::seeded() {
        let db = &on.db;
        let all = db.check(&CheckScope::All).unwrap();
        assert_eq!(all.len(), statuses(db).len());
        assert!(all
            .iter()
            .all(|r| r.before == Status::Verified && r.after == Status::Verified));
        let one = db.check(&CheckScope::Claim(3)).unwrap();
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].claim, 3);
        assert!(db.check(&CheckScope::Claim(999)).is_err());
        assert!(db.check(&CheckScope::Source("nope".into())).is_err());
        let book = db
            .check(&CheckScope::Source("lazarus-heist-book".into()))
            .unwrap();
        assert!(book.is_empty(), "no claim quotes the book itself");
    }
}

#[test]
fn replacing_the_text_of_an_unknown_source_changes_nothing() {
    for on in engines::seeded() {
        let db = &on.db;
        let before = statuses(db);
        let err = db
            .replace_source_text("no-such-source", "text")
            .unwrap_err();
        assert_eq!(err.to_string(), "no source \"no-such-source\"");
        assert_eq!(statuses(db), before);
    }
}
