//! `verify` finds what is wrong, and `repair` mends what can be derived:
//! a database is damaged underneath claimdb (through sled directly) in
//! each derived table, and the report names every kind of damage.

use claimdb::{Db, OpenOptions};

mod support;

#[test]
fn verify_finds_damage_in_each_derived_table_and_repair_mends_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.db");
    drop(Db::open_with(&path, claimdb::OpenOptions::new().seed(true)).unwrap());
    let (claim, wrong) = {
        let raw = support::raw_sled(&path);
        // An index entry for a claim that does not exist (id 999): entries
        // lie in chunks keyed by value and first claim id (the last chunk
        // of a value by u64::MAX), listing the first claim id and then each
        // one's distance from the one before (LEB128 varints), each with
        // the claim's confidence in ten-thousandths.
        let tags = raw.open_tree("idx_tag").unwrap();
        let mut key = b"ghost\x00\x01".to_vec();
        key.extend_from_slice(&999u64.to_be_bytes());
        tags.insert(key, &[0xe7, 0x07, 0x13, 0x88][..]).unwrap();
        // A speaker's entry that records another confidence than its claim's.
        let by_speaker = raw.open_tree("idx_speaker").unwrap();
        let (key, mut postings) = by_speaker.iter().next().unwrap().unwrap();
        assert!(postings[0] < 0x80, "a seed claim's id is one byte");
        let claim = u64::from(postings[0]);
        let wrong = 10_000 - u16::from_be_bytes([postings[1], postings[2]]);
        postings = {
            let mut p = postings.to_vec();
            p[1..3].copy_from_slice(&wrong.to_be_bytes());
            p.into()
        };
        by_speaker.insert(key, postings).unwrap();
        // A chunk that cannot be read (cut short: an id without its
        // confidence).
        let mut key = b"ghost2\x00\x01".to_vec();
        key.extend_from_slice(&0u64.to_be_bytes());
        tags.insert(key, &[0u8][..]).unwrap();
        // A speaker's name removed from the name table.
        let names = raw.open_tree("speaker_names").unwrap();
        let first = names.iter().next().unwrap().unwrap().0;
        names.remove(first).unwrap();
        // The vocabulary's trigrams: one word's gram gone, one for a word
        // no quote has, and one for a word there is under a gram it does
        // not hold (a key is gram ++ word, each ended by 0, 1).
        let grams = raw.open_tree("word_grams").unwrap();
        let first = grams.iter().next().unwrap().unwrap().0;
        grams.remove(&first).unwrap();
        grams.insert(b"zzq\x00\x01zzqx\x00\x01", &[][..]).unwrap();
        let word_at = first.windows(2).position(|w| w == b"\x00\x01").unwrap() + 2;
        let not_its_gram = [&b"qqq\x00\x01"[..], &first[word_at..]].concat();
        grams.insert(not_its_gram, &[][..]).unwrap();
        // Every index count gone.
        raw.open_tree("counts").unwrap().clear().unwrap();
        // The next claim id set back.
        let meta = raw.open_tree("meta").unwrap();
        let counter = meta
            .iter()
            .map(|e| e.unwrap().0)
            .find(|k| k.starts_with(b"next_id") && k.windows(5).any(|w| w == b"claim"))
            .unwrap();
        meta.insert(counter, &[1u8, 1][..]).unwrap();
        raw.flush().unwrap();
        (claim, wrong)
    };
    let db = Db::open_with(&path, OpenOptions::new().seed(true)).unwrap();
    let report = db.verify().unwrap();
    let areas: std::collections::BTreeSet<&str> =
        report.problems.iter().map(|p| p.area.as_str()).collect();
    assert_eq!(
        areas.into_iter().collect::<Vec<_>>(),
        ["count", "counter", "index", "names"],
        "{:#?}",
        report.problems
    );
    assert!(report.problems.iter().all(|p| p.repairable));
    assert!(report
        .problems
        .iter()
        .any(|p| p.message == "idx_tag has an entry for claim 999 and the claim does not exist"));
    assert!(report
        .problems
        .iter()
        .any(|p| p.message == "idx_tag has 1 chunk that cannot be read"));
    assert!(report
        .problems
        .iter()
        .any(|p| p.message == "1 speaker name or alias is missing from the name table"));
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.message.starts_with(&format!(
                "idx_speaker records confidence {} for claim {claim}, which has ",
                claimdb::Confidence::from_basis_points(wrong)
            ))),
        "{:#?}",
        report.problems
    );
    for message in [
        "1 entry is missing from the vocabulary's trigrams",
        "2 entries are in the vocabulary's trigrams for no word of a quote",
    ] {
        assert!(
            report.problems.iter().any(|p| p.message == message),
            "{message}: {:#?}",
            report.problems
        );
    }
    let after = db.repair().unwrap();
    assert!(after.is_ok(), "{:#?}", after.problems);
    // The mended database answers as a sound one does.
    assert_eq!(
        db.query(r#"count claims where tag = "sanctions""#)
            .unwrap()
            .count(),
        Some(9)
    );
    assert_eq!(
        db.query(r#"count claims where quote contains "ony""#)
            .unwrap()
            .count(),
        db.query(r#"count claims where not not quote contains "ony""#)
            .unwrap()
            .count(),
    );
}

/// The trail checked against the records: a version written without its
/// change, and changes written without their versions (under claimdb, as a
/// lost write would leave them), are each named.
#[test]
fn verify_names_a_version_without_its_change_and_a_change_without_its_version() {
    use claimdb::model::{Action, FieldChange, Subject, Version};
    use claimdb::store::{Engine, SledEngine, SledOptions};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.db");
    let db = Db::open_with(&path, OpenOptions::new().seed(true)).unwrap();
    db.query("update claims set confidence = 0.4 where id = 3")
        .unwrap();
    let report = db.verify().unwrap();
    assert!(report.is_ok(), "{report:?}");
    assert_eq!(report.versions, 75);
    drop(db);
    {
        let options = SledOptions {
            durability: claimdb::store::Durability::PowerLoss,
            busy_timeout: std::time::Duration::from_millis(50),
            cache_bytes: claimdb::DEFAULT_CACHE_BYTES,
            open_damaged: false,
            read_only: false,
        };
        let engine = SledEngine::open(&path, options).unwrap();
        engine
            .write(&mut |tx| {
                // A version of claim 2 whose change is not there.
                tx.put_version(&Version {
                    subject: Subject::Claim(2),
                    number: 2,
                    at: "2026-12-07T10:00:00.000Z".into(),
                    author: "ghost".into(),
                    statement: "update claims set confidence = 0.1 where id = 2".into(),
                    reason: None,
                    action: Action::Updated,
                    changes: vec![FieldChange {
                        field: "confidence".into(),
                        before: Some("0.9".into()),
                        after: Some("0.1".into()),
                    }],
                })?;
                // Claim 3 changed again, and claim 4 deleted, unrecorded.
                let mut three = tx.view().claim(3)?.unwrap();
                three.confidence = claimdb::Confidence::new(0.2)?;
                tx.put_claim(&three)?;
                tx.delete_claim(4)?;
                // A version numbered past a gap.
                tx.put_version(&Version {
                    subject: Subject::Claim(5),
                    number: 3,
                    at: "2026-12-07T10:00:00.000Z".into(),
                    author: "ghost".into(),
                    statement: "s".into(),
                    reason: None,
                    action: Action::Updated,
                    changes: vec![],
                })
            })
            .unwrap();
    }
    let db = Db::open(&path).unwrap();
    let report = db.verify().unwrap();
    let history: Vec<&str> = report
        .problems
        .iter()
        .filter(|p| p.area == "history")
        .map(|p| p.message.as_str())
        .collect();
    let confidence_of_2 = db
        .view()
        .unwrap()
        .claim(2)
        .unwrap()
        .unwrap()
        .confidence
        .value();
    assert_eq!(
        history,
        [
            format!("claim 2's confidence is {confidence_of_2}, but its version 2 recorded 0.1")
                .as_str(),
            "claim 3's confidence is 0.2, but its version 2 recorded 0.4",
            "claim 4 is not stored, but its last version (1) did not delete it",
            "claim 5's versions go from 1 to 3: a version is missing",
        ]
    );
}
