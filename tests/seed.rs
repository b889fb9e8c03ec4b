//! The seed corpus: every claim verifies against the review's text, the text
//! is the captured document byte for byte, and a claim whose quote is not in
//! its source is refused without changing anything.

use claimdb::cite::{locate, normalize, sha256_hex, Verdict};
use claimdb::seed::{seed, TEXTS};
use claimdb::{Db, Error, NewClaim, Status};

/// sha256 of `shared/seed/000_16c2515f42f715b2.txt`, the review as captured.
const REVIEW_SHA256: &str = "47ae943892764ea5a2f6a6dd00f6214062eed3ba13c3e8345795f0d8c4c5e09e";

fn open_seeded() -> (tempfile::TempDir, Db) {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open_with(
        dir.path().join("seed.db"),
        claimdb::OpenOptions::new().seed(true),
    )
    .unwrap();
    (dir, db)
}

/// The library creates a new database empty: it is the caller's own. The
/// demo comes when asked for, and only into a new database.
#[test]
fn a_new_database_is_empty_unless_the_seed_is_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let count = |db: &Db| db.query("count claims").unwrap().count();
    let plain = Db::open(dir.path().join("plain.db")).unwrap();
    assert_eq!((count(&plain), plain.created()), (Some(0), Some(0)));
    let seeded_path = dir.path().join("seeded.db");
    let seeded = Db::open_with(&seeded_path, claimdb::OpenOptions::new().seed(true)).unwrap();
    let n = claimdb::seed::seed().unwrap().claims.len() as u64;
    assert_eq!((count(&seeded), seeded.created()), (Some(n), Some(n)));
    seeded
        .add_speaker(&claimdb::NewSpeaker {
            name: "Ada".into(),
            aliases: vec![],
            description: None,
        })
        .unwrap();
    drop(seeded);
    // Asked again on a database that exists: it is opened as it is.
    let again = Db::open_with(&seeded_path, claimdb::OpenOptions::new().seed(true)).unwrap();
    assert_eq!((count(&again), again.created()), (Some(n), None));
    assert_eq!(
        again
            .query("count claims where speaker = \"Ada\"")
            .unwrap()
            .count(),
        Some(0)
    );
    let empty_memory = Db::open_in_memory(claimdb::OpenOptions::new()).unwrap();
    assert_eq!(count(&empty_memory), Some(0));
}

/// `:memory:` names a database held in memory, as in SQLite: through the
/// library too, not only the command line. Each open is a database of its
/// own, and nothing is written to a folder of that name.
#[test]
fn memory_opens_a_database_in_memory() {
    let seeded = Db::open_with(claimdb::MEMORY, claimdb::OpenOptions::new().seed(true)).unwrap();
    let n = claimdb::seed::seed().unwrap().claims.len() as u64;
    assert_eq!(seeded.query("count claims").unwrap().count(), Some(n));
    let other = Db::open(":memory:").unwrap();
    assert_eq!(other.query("count claims").unwrap().count(), Some(0));
    assert!(!Db::exists_at(":memory:"));
    assert!(
        !std::path::Path::new(":memory:").exists(),
        "a folder named :memory: was made"
    );
}

#[test]
fn the_review_is_kept_byte_for_byte() {
    let (_, text) = TEXTS
        .iter()
        .find(|(p, _)| p.contains("fp-lazarus-review"))
        .unwrap();
    assert_eq!(sha256_hex(text), REVIEW_SHA256);
    let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/seed/000_16c2515f42f715b2.txt");
    if let Ok(original) = std::fs::read(shared) {
        assert_eq!(original, text.as_bytes());
    }
}

#[test]
fn every_embedded_text_is_a_file_in_db_seed() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("db-seed/texts");
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| format!("texts/{}", e.unwrap().file_name().to_string_lossy()))
        .collect();
    files.sort();
    let mut embedded: Vec<String> = TEXTS.iter().map(|(p, _)| p.to_string()).collect();
    embedded.sort();
    assert_eq!(files, embedded, "db-seed/texts and seed::TEXTS disagree");
}

#[test]
fn every_seed_claim_verifies_against_its_source() {
    let seed = seed().unwrap();
    assert!(
        seed.claims.len() >= 40,
        "only {} seed claims",
        seed.claims.len()
    );
    let (_, db) = open_seeded();
    let rows = db.query("claims").unwrap();
    let claims = rows.claims().unwrap();
    assert_eq!(claims.len(), seed.claims.len());
    for row in claims {
        let c = &row.claim;
        assert_eq!(
            c.status,
            Status::Verified,
            "claim {} is {:?}",
            c.id,
            c.status
        );
        let text = db.source_text(&c.source).unwrap().unwrap();
        let anchor = c.anchor.as_ref().unwrap();
        // The anchor points at the quote in the original text.
        let passage = &text[anchor.start_byte as usize..anchor.end_byte as usize];
        if anchor.segments.len() > 1 {
            // A quote in parts (a split quotation): each part is in the quote.
            for &(start, end) in &anchor.segments {
                let part = normalize(&text[start as usize..end as usize]).text;
                assert!(
                    normalize(&c.quote).text.contains(part.trim()),
                    "claim {}: {part}",
                    c.id
                );
            }
        } else {
            assert_eq!(
                normalize(passage).text.trim(),
                normalize(&c.quote).text.trim(),
                "claim {}",
                c.id
            );
        }
        assert_eq!(anchor.text_sha256, REVIEW_SHA256);
        assert!(text[..anchor.start_byte as usize].ends_with(&anchor.prefix));
        assert!(text[anchor.end_byte as usize..].starts_with(&anchor.suffix));
        let line = text.lines().nth(anchor.line as usize - 1).unwrap();
        let col = anchor.column as usize - 1;
        assert!(line
            .chars()
            .skip(col)
            .collect::<String>()
            .starts_with(passage.lines().next().unwrap()));
        // Never the page furniture around the article.
        assert!(
            anchor.line >= 10,
            "claim {} cites the reader app's furniture",
            c.id
        );
    }
}

#[test]
fn every_speaker_and_origin_is_used_and_every_claim_is_curated() {
    let seed = seed().unwrap();
    for s in &seed.speakers {
        assert!(
            seed.claims.iter().any(|c| c.speaker == s.name),
            "speaker {} has no claim",
            s.name
        );
    }
    for source in &seed.sources {
        let used = seed
            .claims
            .iter()
            .any(|c| c.source == source.id || c.origin.as_deref() == Some(source.id.as_str()));
        assert!(used, "source {} is never cited", source.id);
    }
    for c in &seed.claims {
        assert!(!c.tags.is_empty(), "{:?} has no tags", c.quote);
        assert!(
            c.rationale.len() > 10 && !c.rationale.contains('\n'),
            "{:?}: rationale",
            c.quote
        );
        assert!((0.0..=1.0).contains(&c.confidence));
    }
    // Several quotes in one seed would verify through normalization only if
    // mistyped; the seed copies them exactly (a quote in parts, such as a
    // split quotation, is exact in each part).
    let (_, text) = TEXTS[0];
    for c in seed
        .claims
        .iter()
        .filter(|c| !claimdb::cite::has_edits(&c.quote))
    {
        let found = locate(text, &c.quote);
        assert_eq!(
            found.verdict,
            Verdict::Exact,
            "seed quote not byte-exact: {:?}",
            c.quote
        );
    }
}

/// Everything a database holds, for before/after comparisons.
fn snapshot(db: &Db) -> String {
    let claims = db.query("claims").unwrap();
    format!(
        "{claims:?}\n{:?}\n{:?}",
        db.speakers().unwrap(),
        db.sources().unwrap()
    )
}

#[test]
fn a_misquoted_claim_is_refused_and_nothing_changes() {
    let (dir, db) = open_seeded();
    let before = snapshot(&db);
    let misquotes = [
        // one number changed
        "only after $18 million had already been sent to the Philippines-based bank",
        // a negation removed
        "in the end the good guys do win",
        // a name changed
        "Then they leaked 5,000 emails from the account of Sony co-chair Amy Pascale.",
        // a year changed
        "the Supernotes were first detected in 1998",
        // words added at the end
        "Sony executives received emails demanding a ransom payment in bitcoin.",
    ];
    for quote in misquotes {
        let claim = NewClaim {
            speaker: "White".into(),
            source: "fp-lazarus-review".into(),
            origin: None,
            quote: quote.into(),
            statement: "A misquote.".into(),
            confidence: 0.5,
            rationale: "Testing the citation check.".into(),
            tags: vec!["test".into()],
            key: None,
            ..Default::default()
        };
        match db.add_claim(&claim) {
            Err(Error::Citation(report)) => {
                assert_eq!(report.quote, quote);
                assert!(!report.citation.is_verified());
                assert!(
                    report.citation.location.is_some(),
                    "no closest passage for {quote:?}"
                );
                assert!(
                    !report.citation.changes.is_empty(),
                    "no word changes for {quote:?}"
                );
                let message = report.to_string();
                assert!(
                    message.contains("source \"fp-lazarus-review\""),
                    "{message}"
                );
                assert!(message.contains("closest:"), "{message}");
            }
            other => panic!("misquote {quote:?} was not refused: {other:?}"),
        }
    }
    assert_eq!(snapshot(&db), before);
    // And after a reopen too: nothing reached the disk.
    let path = db.path();
    drop(db);
    let db = Db::open_with(&path, claimdb::OpenOptions::new().seed(true)).unwrap();
    assert_eq!(snapshot(&db), before);
    drop(dir);
}

#[test]
fn the_closest_passage_shows_the_sources_words() {
    let (_, db) = open_seeded();
    let claim = NewClaim {
        speaker: "Moriuchi".into(),
        source: "fp-lazarus-review".into(),
        origin: None,
        quote: "North Korean cyber-operators are much less technically adept".into(),
        statement: "x".into(),
        confidence: 0.5,
        rationale: "x".into(),
        tags: vec![],
        key: None,
        ..Default::default()
    };
    let Err(Error::Citation(report)) = db.add_claim(&claim) else {
        panic!("accepted")
    };
    let change = &report.citation.changes[0];
    assert_eq!(
        (change.quote.as_str(), change.source.as_str()),
        ("less", "more")
    );
    let closest = report.citation.location.unwrap();
    assert!(
        closest.text.contains("much more technically adept"),
        "{}",
        closest.text
    );
    assert_eq!(closest.line, 38);
}

#[test]
fn bad_values_are_refused_with_what_is_wrong() {
    let (_, db) = open_seeded();
    let base = NewClaim {
        speaker: "White".into(),
        source: "fp-lazarus-review".into(),
        origin: None,
        quote: "White writes".into(),
        statement: "s".into(),
        confidence: 0.5,
        rationale: "r".into(),
        tags: vec![],
        key: None,
        ..Default::default()
    };
    let cases: Vec<(NewClaim, &str)> = vec![
        (
            NewClaim {
                confidence: 1.5,
                ..base.clone()
            },
            "invalid confidence: 1.5 is outside 0..=1",
        ),
        (
            NewClaim {
                speaker: "Nobody".into(),
                ..base.clone()
            },
            "no speaker \"Nobody\"",
        ),
        (
            NewClaim {
                source: "nowhere".into(),
                ..base.clone()
            },
            "no source \"nowhere\"",
        ),
        (
            NewClaim {
                origin: Some("nowhere".into()),
                ..base.clone()
            },
            "no origin source \"nowhere\"",
        ),
        (
            NewClaim {
                quote: "  ".into(),
                ..base.clone()
            },
            "invalid quote: must not be empty",
        ),
        (
            NewClaim {
                tags: vec![" ".into()],
                ..base.clone()
            },
            "invalid tag: must not be empty",
        ),
    ];
    let before = snapshot(&db);
    for (claim, message) in cases {
        let err = db.add_claim(&claim).unwrap_err();
        assert_eq!(err.to_string(), message);
    }
    assert_eq!(snapshot(&db), before);
    // A claim on a source without text is kept, as unverified.
    let claim = NewClaim {
        source: "lazarus-heist-book".into(),
        quote: "anything at all".into(),
        ..base
    };
    assert_eq!(db.add_claim(&claim).unwrap().status, Status::Unverified);
}
