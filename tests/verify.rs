//! `verify` finds what is wrong, and `repair` mends what can be derived:
//! a database is damaged underneath claimdb (through sled directly) in
//! each derived table, and the report names every kind of damage.

use claimdb::{Db, OpenOptions};

#[test]
fn verify_finds_damage_in_each_derived_table_and_repair_mends_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.db");
    drop(Db::open(&path).unwrap());
    {
        let raw = sled::open(&path).unwrap();
        // An index entry for a claim that does not exist (id 999): entries
        // lie in buckets of 4,096 claim ids, keyed by value and bucket
        // number, holding two-byte offsets.
        let tags = raw.open_tree("idx_tag").unwrap();
        let mut key = b"ghost\x00\x01".to_vec();
        key.extend_from_slice(&0u64.to_be_bytes());
        tags.insert(key, &999u16.to_be_bytes()[..]).unwrap();
        // A bucket that cannot be read (an odd number of bytes).
        let mut key = b"ghost2\x00\x01".to_vec();
        key.extend_from_slice(&0u64.to_be_bytes());
        tags.insert(key, &[1u8][..]).unwrap();
        // A speaker's name removed from the name table.
        let names = raw.open_tree("speaker_names").unwrap();
        let first = names.iter().next().unwrap().unwrap().0;
        names.remove(first).unwrap();
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
    }
    let db = Db::open_with(&path, OpenOptions::new()).unwrap();
    let report = db.verify().unwrap();
    let areas: std::collections::BTreeSet<&str> = report.problems.iter().map(|p| p.area).collect();
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
        .any(|p| p.message == "idx_tag has 1 bucket that cannot be read"));
    assert!(report
        .problems
        .iter()
        .any(|p| p.message == "1 speaker name or alias is missing from the name table"));
    let after = db.repair().unwrap();
    assert!(after.is_ok(), "{:#?}", after.problems);
    // The mended database answers as a sound one does.
    assert_eq!(
        db.query(r#"count claims where tag = "sanctions""#)
            .unwrap()
            .count(),
        Some(9)
    );
}
