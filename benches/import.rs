//! Import rate: `cargo bench --bench import` (`CLAIMDB_BENCH_CLAIMS` sets
//! the size, 100,000 by default).
//!
//! Generates a corpus from a fixed seed (1,000 sources of about 20 KB of
//! text in files named by `text_file`, 1,000 speakers with an alias each,
//! claims quoting word-aligned passages of 8 to 20 words, every one of
//! which verifies), writes it as JSON Lines, and imports it with
//! `Db::import` into a new database on disk, durably, all or nothing: one
//! transaction, each source text read and folded once. Prints the claims
//! per second, and the rate of re-importing the same file (every row
//! unchanged). `CLAIMDB_BENCH_PARTIAL=1` imports with `partial`, which
//! commits in batches (compare the peak memory under `/usr/bin/time -v`).

use std::fmt::Write as _;
use std::io::Write as _;
use std::time::Instant;

use claimdb::import::{ImportOptions, Outcome};
use claimdb::{Db, OpenOptions};

/// A small deterministic generator (xorshift), so every run imports the same corpus.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const SOURCES: usize = 1_000;
const SPEAKERS: usize = 1_000;

fn main() {
    let claims: usize = std::env::var("CLAIMDB_BENCH_CLAIMS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let vocabulary: Vec<String> = (0..5_000)
        .map(|_| {
            let len = 3 + rng.below(8);
            (0..len)
                .map(|_| (b'a' + rng.below(26) as u8) as char)
                .collect()
        })
        .collect();
    let texts_dir = dir.path().join("texts");
    std::fs::create_dir(&texts_dir).unwrap();
    let mut words_of: Vec<Vec<&str>> = Vec::with_capacity(SOURCES);
    let mut out = String::new();
    for s in 0..SOURCES {
        let words: Vec<&str> = (0..3_000)
            .map(|_| vocabulary[rng.below(vocabulary.len())].as_str())
            .collect();
        let mut text = String::new();
        for (k, w) in words.iter().enumerate() {
            text.push_str(w);
            text.push(if k % 12 == 11 { '\n' } else { ' ' });
        }
        std::fs::write(texts_dir.join(format!("s{s}.txt")), &text).unwrap();
        let _ = writeln!(
            out,
            r#"{{"type":"source","id":"s{s}","title":"Source {s}","kind":"report","text_file":"texts/s{s}.txt"}}"#
        );
        words_of.push(words);
    }
    for p in 0..SPEAKERS {
        let _ = writeln!(
            out,
            r#"{{"type":"speaker","name":"Speaker {p}","aliases":["S{p}"]}}"#
        );
    }
    for n in 0..claims {
        let s = rng.below(SOURCES);
        let words = &words_of[s];
        let len = 8 + rng.below(13);
        let start = rng.below(words.len() - len);
        let quote = words[start..start + len].join(" ");
        let _ = writeln!(
            out,
            r#"{{"type":"claim","speaker":"S{}","source":"s{s}","quote":"{quote}","statement":"Claim {n}","confidence":{},"rationale":"generated","tags":["t{}"]}}"#,
            rng.below(SPEAKERS),
            rng.below(101) as f64 / 100.0,
            rng.below(50)
        );
    }
    let file = dir.path().join("corpus.jsonl");
    std::fs::File::create(&file)
        .unwrap()
        .write_all(out.as_bytes())
        .unwrap();
    drop(out);

    let db = Db::open_with(dir.path().join("bench.db"), OpenOptions::new().seed(false)).unwrap();
    // CLAIMDB_BENCH_PARTIAL=1: a partial import, committed in batches.
    let options = ImportOptions {
        partial: std::env::var_os("CLAIMDB_BENCH_PARTIAL").is_some(),
        ..ImportOptions::default()
    };
    let started = Instant::now();
    let report = db.import(std::slice::from_ref(&file), &options).unwrap();
    let first = started.elapsed().as_secs_f64();
    assert!(
        report.written && !report.refused(),
        "{:?}",
        report.rows.iter().find(|r| r.outcome == Outcome::Refused)
    );
    let added = report.count_of("claim", Outcome::Added);
    let started = Instant::now();
    let again = db
        .import(std::slice::from_ref(&file), &ImportOptions::default())
        .unwrap();
    let second = started.elapsed().as_secs_f64();
    assert_eq!(again.count(Outcome::Added), 0);
    println!(
        "{} import of {claims} claims ({added} added, {} duplicates) over {SOURCES} sources: {first:.1} s, {:.0} claims/s",
        if options.partial { "partial (batched)" } else { "all-or-nothing" },
        report.count_of("claim", Outcome::Unchanged),
        claims as f64 / first
    );
    println!(
        "re-import, every row unchanged: {second:.1} s, {:.0} claims/s",
        claims as f64 / second
    );
}
