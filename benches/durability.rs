//! What durability costs per write: `cargo bench --bench durability`.
//!
//! The same writes (adding a speaker; adding a citation-checked claim; a
//! transaction of 100 claims) against two databases opened in the same
//! process, one with `Durability::PowerLoss` (flush, then fdatasync of
//! sled's files: the default) and one with `Durability::ProcessCrash`
//! (sled's flush alone). Prints the median per write of each and their
//! ratio. The figures depend on the disk: on a tmpfs an fsync is free.

#[path = "support/timing.rs"]
mod timing;

use std::time::{Duration, Instant};

use claimdb::{Db, Durability, NewClaim, NewSpeaker, OpenOptions};
use timing::median;

const WRITES: usize = 200;

const REVIEW: &str = include_str!("../db-seed/texts/fp-lazarus-review.txt");

/// Passages of the review, eight words each, one for every word of its
/// long lines: the same speaker and passage twice is one claim (refused),
/// so each write quotes a passage (and speaker) of its own.
fn passages() -> Vec<String> {
    REVIEW
        .lines()
        .filter(|l| l.len() > 200 && !l.contains('[') && !l.contains('…'))
        .flat_map(|line| {
            let words: Vec<&str> = line.split(' ').collect();
            (0..words.len().saturating_sub(8))
                .map(move |k| words[k..k + 8].join(" "))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The next claim of the run (`_n` is the caller's count, which repeats
/// across measurements): each write quotes a passage of its own.
fn claim(_n: usize) -> NewClaim {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    thread_local! {
        static PASSAGES: Vec<String> = passages();
    }
    let speakers = ["White", "Moriuchi", "Ruggiero", "Thae", "Obama"];
    PASSAGES.with(|p| NewClaim {
        speaker: speakers[(n / p.len()) % speakers.len()].into(),
        source: "fp-lazarus-review".into(),
        origin: None,
        quote: p[n % p.len()].clone(),
        statement: format!("bench claim {n}"),
        confidence: 0.5,
        rationale: "benchmark".into(),
        tags: vec!["bench".into()],
        key: None,
        ..Default::default()
    })
}

fn measure(durability: Durability, dir: &std::path::Path) -> [Duration; 3] {
    let db = Db::open_with(
        dir.join(format!("{durability:?}.db")),
        OpenOptions::new().seed(true).durability(durability),
    )
    .unwrap();
    let time = |f: &mut dyn FnMut(usize)| {
        median(
            (0..WRITES)
                .map(|n| {
                    let start = Instant::now();
                    f(n);
                    start.elapsed()
                })
                .collect(),
        )
    };
    let speaker = time(&mut |n| {
        db.add_speaker(&NewSpeaker {
            name: format!("Bench Speaker {n}"),
            aliases: vec![],
            description: None,
        })
        .unwrap();
    });
    let one_claim = time(&mut |n| {
        db.add_claim(&claim(n)).unwrap();
    });
    let batch = median(
        (0..20)
            .map(|b| {
                let start = Instant::now();
                db.write(|w| {
                    for n in 0..100 {
                        w.add_claim(&claim(10_000 + b * 100 + n))?;
                    }
                    Ok(())
                })
                .unwrap();
                start.elapsed()
            })
            .collect(),
    );
    [speaker, one_claim, batch]
}

fn main() {
    let dir =
        tempfile::tempdir_in(std::env::var("CLAIMDB_BENCH_DIR").unwrap_or_else(|_| ".".into()))
            .unwrap();
    println!(
        "durability cost per write ({WRITES} writes each, medians; database in {})",
        dir.path().display()
    );
    let synced = measure(Durability::PowerLoss, dir.path());
    let flushed = measure(Durability::ProcessCrash, dir.path());
    println!(
        "{:<34} {:>12} {:>14} {:>7}",
        "write", "fsync (default)", "flush only", "ratio"
    );
    for (name, s, f) in [
        ("add speaker", synced[0], flushed[0]),
        ("add claim (citation-checked)", synced[1], flushed[1]),
        ("transaction of 100 claims", synced[2], flushed[2]),
    ] {
        println!(
            "{name:<34} {:>12.3} ms {:>11.3} ms {:>6.2}x",
            s.as_secs_f64() * 1e3,
            f.as_secs_f64() * 1e3,
            s.as_secs_f64() / f.as_secs_f64()
        );
    }
}
