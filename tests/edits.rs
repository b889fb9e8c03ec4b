//! Editing and duplicates: a claim stored twice is refused everywhere; the
//! library's check without writing and its batch with a result per claim;
//! sources and speakers changed, deleted (with `cascade`) and merged, with
//! the integrity check clean after.

use claimdb::model::NewClaim;
use claimdb::Db;

mod support;

#[test]
fn a_claim_stored_twice_is_refused_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open_with(
        dir.path().join("seed.db"),
        claimdb::OpenOptions::new().seed(true),
    )
    .unwrap();
    let first = db.claim(1).unwrap().unwrap();
    let speaker = db.speaker(first.speaker).unwrap().unwrap();
    let again = NewClaim {
        speaker: speaker.name.clone(),
        source: first.source.clone(),
        origin: None,
        quote: first.quote.clone(),
        statement: "the same claim, said again".into(),
        confidence: 0.5,
        rationale: "a second curator".into(),
        tags: vec![],
        key: None,
        ..Default::default()
    };
    match db.add_claim(&again) {
        Err(claimdb::Error::DuplicateClaim { existing: 1 }) => {}
        other => panic!("{other:?}"),
    }
    drop(db);
    // In the language too.
    let out = support::command(&dir.path().join("seed.db"))
        .args(["query", &format!("add claim with speaker = {:?}, source = {:?}, quote = {:?}, statement = \"again\", confidence = 0.5, rationale = \"x\"", speaker.name, first.source, first.quote)])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("already stored as claim 1"), "{stderr}");
}

/// The library's check without writing, and its batch with a result per claim.
#[test]
fn check_claim_writes_nothing_and_add_claims_reports_each_claim() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open_with(
        dir.path().join("seed.db"),
        claimdb::OpenOptions::new().seed(true),
    )
    .unwrap();
    let good = NewClaim {
        speaker: "White".into(),
        source: "fp-lazarus-review".into(),
        origin: None,
        quote: "While the book reads like a typical Hollywood crime drama".into(),
        statement: "The book reads like a crime drama.".into(),
        confidence: 0.7,
        rationale: "The reviewer's words.".into(),
        tags: vec![],
        key: None,
        ..Default::default()
    };
    let bad = NewClaim {
        quote: "While the book reads like a typical Bollywood crime drama".into(),
        ..good.clone()
    };
    let checked = db.check_claim(&good).unwrap();
    assert_eq!(
        (checked.id, checked.status),
        (62, claimdb::Status::Verified)
    );
    assert!(matches!(
        db.check_claim(&bad),
        Err(claimdb::Error::Citation(_))
    ));
    let count = || db.view().unwrap().claim_count().unwrap();
    assert_eq!(count(), 61, "a check writes nothing");
    let all_or_nothing = db.add_claims(&[good.clone(), bad.clone()], false).unwrap();
    assert!(all_or_nothing[0].is_ok() && all_or_nothing[1].is_err());
    assert_eq!(count(), 61);
    let partial = db.add_claims(&[good.clone(), bad], true).unwrap();
    assert!(partial[0].is_ok() && partial[1].is_err());
    assert_eq!(count(), 62);
    // The same claim again is refused as the claim it is.
    assert!(matches!(
        db.add_claims(&[good], true).unwrap()[0],
        Err(claimdb::Error::DuplicateClaim { existing: 62 })
    ));
}

/// Merging speakers after an import: the claims and names move, the old
/// speaker is gone, and the integrity check finds nothing wrong.
#[test]
fn merging_a_speaker_moves_its_claims_and_names() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open_with(
        dir.path().join("seed.db"),
        claimdb::OpenOptions::new().seed(true),
    )
    .unwrap();
    let thae = db.speaker_by_name("Thae").unwrap().unwrap();
    let white = db.speaker_by_name("White").unwrap().unwrap();
    let before = db
        .query("count claims where speaker = \"White\"")
        .unwrap()
        .count()
        .unwrap();
    let moved = db
        .query("count claims where speaker = \"Thae\"")
        .unwrap()
        .count()
        .unwrap();
    // Listed before the merge, so the speaker's record has been read (and,
    // on sled, kept for the next statements).
    let listed = db.query("claims where speaker = \"Thae\"").unwrap();
    let thaes = listed.claims().unwrap();
    assert!(thaes.iter().all(|row| row.speaker_name == thae.name));
    let one = thaes[0].claim.id;
    db.query("merge speaker \"Thae\" into \"White\"").unwrap();
    assert!(
        db.speaker(thae.id).unwrap().is_none(),
        "the merged speaker is gone"
    );
    let again = db.query(&format!("claims where id = {one}")).unwrap();
    assert_eq!(again.claims().unwrap()[0].speaker_name, white.name);
    assert_eq!(
        db.speaker_by_name("Thae Yong-ho").unwrap().unwrap().id,
        white.id
    );
    assert_eq!(
        db.query("count claims where speaker = \"White\"")
            .unwrap()
            .count(),
        Some(before + moved)
    );
    let merged = db.speaker(white.id).unwrap().unwrap();
    assert!(merged.aliases.iter().any(|a| a == &thae.name));
    let report = db.verify().unwrap();
    assert!(report.is_ok(), "{:?}", report.problems);
}

/// Editing what was imported: sources and speakers change and go, refused
/// while claims refer to them unless `cascade`, and the integrity check
/// finds nothing wrong after.
#[test]
fn sources_and_speakers_are_edited_and_deleted_with_their_claims() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open_with(
        dir.path().join("seed.db"),
        claimdb::OpenOptions::new().seed(true),
    )
    .unwrap();
    db.query("update sources set url = \"https://foreignpolicy.com/\", kind = \"report\" where id = \"fp-lazarus-review\"").unwrap();
    let s = db.source("fp-lazarus-review").unwrap().unwrap();
    assert_eq!(
        (s.url.as_deref(), s.kind.as_str()),
        (Some("https://foreignpolicy.com/"), "report")
    );
    assert_eq!(
        db.source_text("fp-lazarus-review").unwrap().unwrap().len() as u64,
        s.text_len,
        "the text stays"
    );
    let citing = db
        .query("count claims where origin = \"sony-hackers-threats-2014\"")
        .unwrap()
        .count()
        .unwrap();
    assert!(citing > 0);
    assert!(db
        .query("delete sources where id = \"sony-hackers-threats-2014\"")
        .is_err());
    db.query("delete sources where id = \"sony-hackers-threats-2014\" cascade")
        .unwrap();
    assert!(db.source("sony-hackers-threats-2014").unwrap().is_none());
    assert_eq!(
        db.view().unwrap().claim_count().unwrap(),
        61,
        "claims that only name it as origin stay"
    );
    assert_eq!(
        db.query("count claims where origin = \"sony-hackers-threats-2014\"")
            .unwrap()
            .count(),
        Some(0)
    );
    let before = db.view().unwrap().claim_count().unwrap();
    let theirs = db
        .query("count claims where speaker = \"Moriuchi\"")
        .unwrap()
        .count()
        .unwrap();
    db.query("delete speakers where name = \"Moriuchi\" cascade")
        .unwrap();
    assert!(db.speaker_by_name("Moriuchi").unwrap().is_none());
    assert_eq!(db.view().unwrap().claim_count().unwrap(), before - theirs);
    let report = db.verify().unwrap();
    assert!(report.is_ok(), "{:?}", report.problems);
}
