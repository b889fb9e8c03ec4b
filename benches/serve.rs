//! `claimdb serve` under load: `cargo bench --bench serve`.
//!
//! Starts the server (release build) on a fresh seeded database on
//! loopback, adds a generated source and 16 speakers, then runs 16
//! clients for `CLAIMDB_LOAD_SECONDS` (default 60; at most 2,000,000
//! requests), one request in four a citation-checked write with a key of
//! its own, the rest reads (a speaker's claims, a count, an id range).
//! Prints requests per second and p50/p99 latency of reads and of writes;
//! then stops the server with SIGTERM and checks that every acknowledged
//! write is stored and that `verify` finds nothing wrong.

#[path = "../tests/support/load.rs"]
mod load;
#[path = "../tests/support/server.rs"]
mod server;

use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

use load::Load;
use server::{claimdb, statement, Server};

fn main() {
    let seconds: u64 = std::env::var("CLAIMDB_LOAD_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let clients = 16;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("load.db");
    let server = Server::start(&db, &[]);
    assert_eq!(statement(&server, None, &load::source_statement()).0, 200);
    for s in load::speaker_statements(clients) {
        assert_eq!(statement(&server, None, &s).0, 200);
    }
    let done = load::run(
        &server.url,
        None,
        clients,
        Duration::from_secs(seconds),
        2_000_000,
        4,
        Arc::new(AtomicBool::new(false)),
    );
    let secs = done.elapsed.as_secs_f64();
    let total = done.reads.len() + done.writes.len();
    println!(
        "{clients} clients for {secs:.1} s on loopback: {total} requests answered ({:.0}/s), {} refused or failed",
        total as f64 / secs,
        done.failures
    );
    println!(
        "reads:  {:>7} ({:>6.0}/s)  p50 {:>7.2} ms  p99 {:>7.2} ms",
        done.reads.len(),
        done.reads.len() as f64 / secs,
        Load::quantile_ms(&done.reads, 0.5),
        Load::quantile_ms(&done.reads, 0.99)
    );
    println!(
        "writes: {:>7} ({:>6.0}/s)  p50 {:>7.2} ms  p99 {:>7.2} ms",
        done.writes.len(),
        done.writes.len() as f64 / secs,
        Load::quantile_ms(&done.writes, 0.5),
        Load::quantile_ms(&done.writes, 0.99)
    );
    let status = server.terminate();
    assert!(
        status.success(),
        "the server did not stop cleanly: {status:?}"
    );
    let out = claimdb()
        .arg("--db")
        .arg(&db)
        .args([
            "--format",
            "csv",
            "query",
            "claims select key where key starts with \"load-\"",
        ])
        .output()
        .unwrap();
    let stored: std::collections::HashSet<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .skip(1)
        .map(str::to_string)
        .collect();
    let missing = done
        .acknowledged
        .iter()
        .filter(|k| !stored.contains(*k))
        .count();
    let verify = claimdb()
        .arg("--db")
        .arg(&db)
        .arg("verify")
        .output()
        .unwrap();
    println!(
        "after the stop: {} of {} acknowledged writes stored, {missing} missing; verify {}",
        done.acknowledged.len() - missing,
        done.acknowledged.len(),
        if verify.status.success() {
            "clean"
        } else {
            "FOUND PROBLEMS"
        }
    );
    assert_eq!(missing, 0);
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );
}
