//! `--read-only`: reading a database without writing a byte to it or
//! taking its lock: beside a server that writes to it, on a read-only
//! mount, and a database that lost commits (whose rest can be read, with a
//! warning). Every write is refused.

#[path = "support/server.rs"]
mod server;
mod support;
#[path = "support/tmpfs.rs"]
mod tmpfs;

use std::path::Path;

use server::{statement, token, Server};
use support::{command, run, text};
use tmpfs::Tmpfs;

/// Each file of the database with its bytes.
fn snapshot(db: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(db)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_file())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

fn read_only(db: &Path, args: &[&str]) -> std::process::Output {
    command(db).arg("--read-only").args(args).output().unwrap()
}

#[test]
fn read_only_writes_nothing_and_refuses_writes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    assert!(run(&db, &["query", "count claims"]).status.success());
    let before = snapshot(&db);
    let out = read_only(&db, &["query", "count claims"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("61"));
    let out = read_only(&db, &["export", "--format", "jsonl"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).lines().count(), 61);
    let out = read_only(&db, &["query", "delete claims where id = 3"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("is open read-only (--read-only): nothing is written"),
        "{stderr}"
    );
    // Every other way of writing is refused the same way.
    let out = read_only(
        &db,
        &["token", "create", "--name", "desk", "--role", "read"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("is open read-only (--read-only): nothing is written"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(snapshot(&db), before, "a read-only open changed the files");
    // A read-only open creates nothing.
    let missing = dir.path().join("missing.db");
    let out = read_only(&missing, &["query", "count claims"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("holds no claimdb database (a read-only open creates nothing)"),
        "{}",
        text(&out.stderr)
    );
    assert!(!missing.exists());
}

#[test]
fn read_only_reads_beside_a_server_that_writes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("served.db");
    let admin = token(&db, "admin", "admin");
    let server = Server::start(&db, &[]);
    let (status, body) = statement(
        &server,
        Some(&admin),
        "update claims set confidence = 0.11 where id = 2",
    );
    assert_eq!(status, 200, "{body}");
    for _ in 0..3 {
        let out = read_only(&db, &["query", "claims select confidence where id = 2"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        // Not through the server: its own copy, no note about the door.
        assert!(
            !text(&out.stderr).contains("running through it"),
            "{}",
            text(&out.stderr)
        );
        assert!(text(&out.stdout).contains("0.11"), "{}", text(&out.stdout));
        let (status, body) = statement(
            &server,
            Some(&admin),
            "update claims set confidence = 0.12 where id = 5",
        );
        assert_eq!(status, 200, "{body}");
    }
}

#[test]
fn a_database_that_lost_commits_is_read_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    assert!(run(&db, &["query", "count claims"]).status.success());
    let older = dir.path().join("older");
    std::fs::create_dir(&older).unwrap();
    for e in std::fs::read_dir(&db).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), older.join(e.file_name())).unwrap();
        }
    }
    assert!(run(&db, &["query", "delete claims where id = 3"])
        .status
        .success());
    // The log as it was before the delete, the record as it is after.
    for e in std::fs::read_dir(&older).unwrap() {
        let e = e.unwrap();
        if e.file_name() != "claimdb.commits" {
            std::fs::copy(e.path(), db.join(e.file_name())).unwrap();
        }
    }
    let out = run(&db, &["query", "count claims"]);
    assert!(!out.status.success());
    let out = read_only(&db, &["export", "--format", "jsonl"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).starts_with("warning: the database at ")
            && text(&out.stderr).contains("lost commit")
            && text(&out.stderr).contains("reading what is left"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(text(&out.stdout).lines().count(), 61);
}

#[test]
fn a_database_on_a_read_only_mount_is_read() {
    let Some(fs) = Tmpfs::mount("8m") else {
        eprintln!("skipped: mounting a tmpfs needs root (run the suite as root, as CI does)");
        return;
    };
    let db = fs.path().join("c.db");
    assert!(run(&db, &["query", "count claims"]).status.success());
    fs.remount("ro");
    let out = run(&db, &["query", "count claims"]);
    assert!(!out.status.success(), "a plain open needs to write");
    let out = read_only(&db, &["query", "count claims"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("61"));
    fs.remount("rw");
}
