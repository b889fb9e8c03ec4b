//! Helpers shared by the tests that drive the binary as a separate process.

#![allow(dead_code)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The `claimdb` binary with a clean environment and `--db db`.
pub fn command(db: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_claimdb"));
    c.arg("--db")
        .arg(db)
        .env("COLUMNS", "120")
        .env("NO_COLOR", "1")
        .env_remove("CLAIMDB_DB")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

/// Runs claimdb with `args` and `stdin`; `None` when it did not finish within
/// `limit` (it is killed then): a hang is a failure the caller names.
pub fn run_within(db: &Path, args: &[&str], stdin: &str, limit: Duration) -> Option<Output> {
    run_with_input(db, args, stdin.as_bytes(), limit)
}

/// Runs claimdb with raw bytes (not necessarily UTF-8) on stdin.
pub fn run_bytes(db: &Path, stdin: &[u8]) -> Output {
    run_with_input(db, &[], stdin, Duration::from_secs(120)).expect("claimdb did not finish")
}

fn run_with_input(db: &Path, args: &[&str], stdin: &[u8], limit: Duration) -> Option<Output> {
    // A database that does not exist yet is created by a run of its own,
    // so the creation notice does not mix with what a test looks at.
    if !db.exists() && db.as_os_str() != ":memory:" && db.parent().is_some_and(Path::is_dir) {
        let out = command(db)
            .args(["--seed", "query", "count claims"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let mut child = command(db).args(args).spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    // A child that exits early closes its stdin: not an error here.
    let _ = input.write_all(stdin);
    drop(input);
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return Some(child.wait_with_output().unwrap());
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Runs claimdb and waits for it.
pub fn run(db: &Path, args: &[&str]) -> Output {
    run_within(db, args, "", Duration::from_secs(120)).expect("claimdb did not finish in 120 s")
}

/// Lossy UTF-8, for messages.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// sled's own handle on the database at `path`, to damage it underneath
/// claimdb. A database just closed may still be locked for a moment: sled
/// finishes its background writes after the handle is dropped, and they
/// hold its file (seen once in the full suite: "could not acquire lock").
/// So the open is tried again for up to five seconds.
pub fn raw_sled(path: &Path) -> sled::Db {
    let started = Instant::now();
    loop {
        match sled::open(path) {
            Ok(db) => return db,
            Err(e)
                if started.elapsed() < Duration::from_secs(5) && e.to_string().contains("lock") =>
            {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => panic!("sled could not open {}: {e}", path.display()),
        }
    }
}
