//! Readers beside writers, on each engine: no read fails, and within each
//! read (one snapshot) an index and a full scan give the same answer.
//!
//! Before reads were isolated, 6 of 2,473 reads beside a writer failed with
//! "index idx_tag names claim N, which does not exist".

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use claimdb::{Db, NewClaim, OpenOptions};

#[path = "support/engines.rs"]
mod engines;

const RUN_FOR: Duration = Duration::from_millis(1500);
const REVIEW: &str = include_str!("../db-seed/texts/fp-lazarus-review.txt");

/// A claim quoting the review's sentence number `n` (modulo their count):
/// the same speaker and passage twice would be one claim, refused.
fn tmp_claim(n: u64) -> NewClaim {
    let sentences: Vec<&str> = REVIEW
        .split(". ")
        .map(str::trim)
        .filter(|s| s.len() > 20 && !s.contains('\n') && !s.contains('[') && !s.contains('…'))
        .collect();
    NewClaim {
        speaker: "White".into(),
        source: "fp-lazarus-review".into(),
        origin: None,
        quote: sentences[(n as usize) % sentences.len()].to_string(),
        statement: format!("concurrent {n}"),
        confidence: 0.5,
        rationale: "r".into(),
        tags: vec!["tmp".into()],
        key: None,
        ..Default::default()
    }
}

fn ids(out: &claimdb::Output) -> Vec<u64> {
    out.claims().unwrap().iter().map(|r| r.claim.id).collect()
}

fn hammer(db: &Db) -> (u64, u64) {
    let stop = AtomicBool::new(false);
    let reads = AtomicU64::new(0);
    let writes = AtomicU64::new(0);
    let started = Instant::now();
    std::thread::scope(|s| {
        for w in 0..2u64 {
            let (stop, writes) = (&stop, &writes);
            s.spawn(move || {
                let mut n = w * 1_000_000;
                while !stop.load(Ordering::Relaxed) {
                    n += 1;
                    let claim = match db.add_claim(&tmp_claim(n)) {
                        Ok(claim) => claim,
                        Err(claimdb::Error::DuplicateClaim { .. }) => continue,
                        Err(e) => panic!("{e}"),
                    };
                    db.query(&format!(
                        "update claims set confidence = 0.{} where id = {}",
                        n % 10,
                        claim.id
                    ))
                    .unwrap();
                    if n % 2 == 0 {
                        db.query(&format!("delete claims where id = {}", claim.id))
                            .unwrap();
                    }
                    if n % 25 == 0 {
                        let text = if n % 50 == 0 {
                            REVIEW.to_string()
                        } else {
                            format!("{REVIEW}\nA later paragraph.\n")
                        };
                        db.replace_source_text("fp-lazarus-review", &text).unwrap();
                    }
                    writes.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
        for _ in 0..2 {
            let (stop, reads) = (&stop, &reads);
            s.spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let snapshot = db.snapshot().unwrap();
                    let indexed = snapshot
                        .query(r#"claims where tag = "tmp" order by id"#)
                        .unwrap();
                    let scanned = snapshot
                        .query(r#"claims where tag = "tmp" or quote = "\u{1}" order by id"#)
                        .unwrap();
                    assert_eq!(ids(&indexed), ids(&scanned));
                    let total = snapshot.query("count claims").unwrap().count().unwrap();
                    let listed = snapshot.query("claims").unwrap();
                    assert_eq!(listed.claims().unwrap().len() as u64, total);
                    let verified = snapshot
                        .query(r#"count claims where status = "verified""#)
                        .unwrap()
                        .count()
                        .unwrap();
                    assert_eq!(verified, total, "every claim stays verified");
                    drop(snapshot);
                    // And single statements, each its own snapshot.
                    db.query(r#"count claims where tag = "tmp" and confidence >= 0.5"#)
                        .unwrap();
                    reads.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
        while started.elapsed() < RUN_FOR {
            std::thread::sleep(Duration::from_millis(20));
        }
        stop.store(true, Ordering::Relaxed);
    });
    assert!(db.verify().unwrap().is_ok());
    (reads.into_inner(), writes.into_inner())
}

#[test]
fn readers_beside_writers_on_sled() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open_with(
        dir.path().join("c.db"),
        claimdb::OpenOptions::new().seed(true),
    )
    .unwrap();
    let (reads, writes) = hammer(&db);
    eprintln!("sled: {reads} consistent reads beside {writes} write rounds");
    assert!(reads > 0 && writes > 0);
}

#[test]
fn readers_beside_writers_on_postgres() {
    if engines::postgres_server().is_none() {
        return;
    }
    let db = Db::open_with(
        engines::new_postgres_database(),
        claimdb::OpenOptions::new().seed(true),
    )
    .unwrap();
    let (reads, writes) = hammer(&db);
    eprintln!("postgres: {reads} consistent reads beside {writes} write rounds");
    assert!(reads > 0 && writes > 0);
}

#[test]
fn readers_beside_writers_in_memory() {
    let db = Db::open_in_memory(OpenOptions::new().seed(true)).unwrap();
    let (reads, writes) = hammer(&db);
    eprintln!("memory: {reads} consistent reads beside {writes} write rounds");
    assert!(reads > 0 && writes > 0);
}

#[test]
fn a_thread_holding_a_snapshot_cannot_deadlock_itself_by_writing() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open_with(
        dir.path().join("d.db"),
        claimdb::OpenOptions::new().seed(true),
    )
    .unwrap();
    let snapshot = db.snapshot().unwrap();
    let e = db.add_claim(&tmp_claim(1)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid write: this thread holds a snapshot of the database: drop it before writing"
    );
    drop(snapshot);
    db.add_claim(&tmp_claim(1)).unwrap();
}
