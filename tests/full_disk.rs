//! A full disk: a write that meets it fails cleanly and exits, nothing that
//! was reported is lost, and the database opens again once space is back.
//!
//! Needs a small filesystem of its own: a 3 MiB tmpfs, mounted when the test
//! runs as root (as CI does) and skipped with a message otherwise.

mod support;
#[path = "support/tmpfs.rs"]
mod tmpfs;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use support::{run_within, text};
use tmpfs::Tmpfs;

const LIMIT: Duration = Duration::from_secs(30);

fn must_finish(db: &Path, args: &[&str]) -> std::process::Output {
    run_within(db, args, "", LIMIT)
        .unwrap_or_else(|| panic!("claimdb {args:?} hung on a full disk (killed after {LIMIT:?})"))
}

#[test]
fn a_full_disk_fails_writes_cleanly_and_loses_nothing() {
    let Some(fs) = Tmpfs::mount("3m") else {
        eprintln!("skipped: mounting a tmpfs needs root (run the suite as root, as CI does)");
        return;
    };
    let db = fs.path().join("claims.db");
    let big = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(big.path(), "word ".repeat(20_000)).unwrap();
    let big = big.path().to_str().unwrap().to_string();

    // Fill the disk with sources until a write is refused.
    let mut added = Vec::new();
    let mut refusal = None;
    for i in 0..60 {
        let statement =
            format!(r#"add source "s{i}" with title = "filler {i}", text_file = "{big}""#);
        let out = must_finish(&db, &["query", &statement]);
        if out.status.success() {
            added.push(format!("s{i}"));
        } else {
            refusal = Some(out);
            break;
        }
    }
    let refusal = refusal.expect("a 3 MiB disk should fill up");
    assert_eq!(refusal.status.code(), Some(1));
    let stderr = text(&refusal.stderr);
    assert!(
        stderr.contains("no space left on device: nothing more was written"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("Os {") && !stderr.contains("backtrace"),
        "{stderr}"
    );
    assert!(!added.is_empty());

    // Fill what is left to the last byte; every command must still end.
    let filler = fs.path().join("filler");
    let _ = Command::new("dd")
        .args(["if=/dev/zero", "bs=4k"])
        .arg(format!("of={}", filler.display()))
        .stderr(std::process::Stdio::null())
        .status();
    for statement in [
        r#"add speaker "Full Disk""#,
        "count claims",
        r#"add speaker "Fuller Disk""#,
    ] {
        must_finish(&db, &["query", statement]);
    }

    // Full to the last byte, the database still reads: read-only reads a
    // copy kept in memory, and writes nothing here.
    let every_source_there = |args: &[&str]| {
        let out = must_finish(&db, args);
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        let rows = text(&out.stdout);
        for id in &added {
            let row = format!("{id},");
            assert!(
                rows.lines().any(|l| l.starts_with(&row)),
                "{args:?}: source {id} was lost: {rows}"
            );
        }
    };
    every_source_there(&["--read-only", "--format", "csv", "query", "sources"]);

    // Space back: the database opens, and everything reported is there.
    std::fs::remove_file(&filler).unwrap();
    fs.grow("16m");
    every_source_there(&["--format", "csv", "query", "sources"]);
    let out = must_finish(&db, &["query", "count claims"]);
    assert!(text(&out.stdout).contains("61"), "{}", text(&out.stdout));
    let out = must_finish(&db, &["verify"]);
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}
