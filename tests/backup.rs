//! Backups a user can restore: a database is backed up, damaged, found
//! damaged, restored, and holds every claim of the backup again (ids,
//! anchors and all); a damaged backup is refused and replaces nothing; a
//! database in use is backed up through the process that has it open while
//! writers go on.

#[path = "support/server.rs"]
mod server;
mod support;

use std::path::Path;

use server::{claimdb, request, statement, token, Server};
use support::{command, run, text};

/// Every claim, one line each, with what must come back unchanged.
fn claims(db: &Path) -> String {
    let out = command(db)
        .args([
            "--format",
            "jsonl",
            "query",
            "claims select id, key, speaker, source, statement, confidence, quote, status, tags, line, column order by id",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
}

fn ok(out: std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stderr)
}

#[test]
fn a_damaged_database_is_found_and_restored_from_its_backup() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.db");
    // Deleting a claim leaves a gap in the ids: a restore must keep them.
    for q in [
        "delete claims where id = 5",
        r#"update claims set confidence = 0.3 where id = 9"#,
    ] {
        ok(run(&db, &["query", q]));
    }
    let before = claims(&db);
    let backup = dir.path().join("desk.backup");
    let said = ok(run(&db, &["backup", backup.to_str().unwrap()]));
    assert!(said.contains("wrote a backup of"), "{said}");
    assert!(!dir.path().join("desk.backup.partial").exists());

    // A byte of the log changes (a bad sector, a stray write).
    let log = db.join("db");
    let mut bytes = std::fs::read(&log).unwrap();
    let written = bytes.iter().rposition(|&b| b != 0).unwrap();
    bytes[written / 2] ^= 0x20;
    std::fs::write(&log, bytes).unwrap();
    let out = run(&db, &["query", "count claims"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("damaged"),
        "{}",
        text(&out.stderr)
    );

    let said = ok(command(&db).arg("restore").arg(&backup).output().unwrap());
    assert!(said.contains("restored"), "{said}");
    assert!(said.contains("61") || said.contains("60 claims"), "{said}");
    assert_eq!(claims(&db), before);
    ok(run(&db, &["verify"]));
    // The damaged database was kept, not deleted.
    let kept: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("desk.db.before-restore-"))
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    // And the restored database takes writes, numbering on from the backup.
    ok(run(
        &db,
        &[
            "query",
            r#"add claim with speaker = "White", source = "fp-lazarus-review", quote = "North Korea", statement = "after the restore", confidence = 0.5, rationale = "test""#,
        ],
    ));
    assert!(claims(&db).contains(r#""id":62"#));
}

#[test]
fn a_damaged_backup_is_refused_and_replaces_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.db");
    let before = claims(&db);
    let backup = dir.path().join("desk.backup");
    ok(run(&db, &["backup", backup.to_str().unwrap()]));
    let whole = std::fs::read(&backup).unwrap();
    let mut flipped = whole.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 1;
    let cases: [(&str, Vec<u8>, &str); 4] = [
        // A flipped length reads as a file cut short: either way, damaged.
        ("flipped", flipped, ""),
        ("cut", whole[..whole.len() - 3].to_vec(), "ends too early"),
        ("empty", Vec::new(), "does not start with"),
        (
            "not one",
            b"{\"type\":\"dump\"}\n".to_vec(),
            "does not start with",
        ),
    ];
    for (name, bytes, says) in cases {
        let file = dir.path().join(format!("{name}.backup"));
        std::fs::write(&file, bytes).unwrap();
        let out = command(&db).arg("restore").arg(&file).output().unwrap();
        assert!(!out.status.success(), "{name}");
        let stderr = text(&out.stderr);
        assert!(
            stderr.contains("the backup is damaged or is not a claimdb backup")
                && stderr.contains(says),
            "{name}: {stderr}"
        );
        assert!(stderr.contains(file.to_str().unwrap()), "{name}: {stderr}");
        assert_eq!(claims(&db), before, "{name}");
        assert!(!dir.path().join("desk.db.restoring").exists(), "{name}");
    }
    // A pipe is not a backup file: refused before it is opened.
    let out = command(&db)
        .args(["restore", "/dev/zero"])
        .output()
        .unwrap();
    assert!(
        text(&out.stderr).contains("not a regular file"),
        "{}",
        text(&out.stderr)
    );
    // Into a new path, the backup makes a new database.
    let fresh = dir.path().join("fresh.db");
    ok(command(&fresh)
        .arg("restore")
        .arg(&backup)
        .output()
        .unwrap());
    assert_eq!(claims(&fresh), before);
}

#[test]
fn a_database_in_use_is_backed_up_through_its_server_while_writers_go_on() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("served.db");
    let admin = token(&db, "admin", "admin");
    let server = Server::start(&db, &[]);
    let writer = {
        let url = server.url.clone();
        let admin = admin.clone();
        std::thread::spawn(move || {
            let mut written = 0;
            for n in 0..40 {
                let body = serde_json::json!({
                    "statement": format!("update claims set confidence = 0.{:02} where id = 2", n + 10)
                })
                .to_string();
                let (status, _) = request(
                    "POST",
                    &format!("{url}/v1/query"),
                    Some(&admin),
                    Some(body.as_bytes()),
                );
                if status == 200 {
                    written += 1;
                }
            }
            written
        })
    };
    let backup = dir.path().join("served.backup");
    // Through the server the database path names: the door of this machine.
    let out = claimdb()
        .arg("--db")
        .arg(&db)
        .env("CLAIMDB_TOKEN", &admin)
        .arg("backup")
        .arg(&backup)
        .output()
        .unwrap();
    let said = ok(out);
    assert!(said.contains("running through it"), "{said}");
    assert!(
        said.contains("wrote a backup of the server's database"),
        "{said}"
    );
    assert_eq!(writer.join().unwrap(), 40, "every write went on");
    // A read token may not take a backup (it holds the tokens' hashes).
    let reader = {
        let (status, body) = statement(&server, Some(&admin), "count claims");
        assert_eq!(status, 200, "{body}");
        let out = claimdb()
            .args([
                "--server",
                &server.url,
                "--token",
                &admin,
                "token",
                "create",
                "--name",
                "r",
                "--role",
                "read",
            ])
            .output()
            .unwrap();
        text(&out.stdout).trim().to_string()
    };
    let out = claimdb()
        .args(["--server", &server.url, "--token", &reader, "backup"])
        .arg(dir.path().join("no.backup"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(!dir.path().join("no.backup").exists());
    server.terminate();

    let restored = dir.path().join("restored.db");
    ok(command(&restored)
        .arg("restore")
        .arg(&backup)
        .output()
        .unwrap());
    assert_eq!(
        claims(&restored).lines().count(),
        61,
        "{}",
        claims(&restored)
    );
}

#[test]
fn a_copy_holds_the_same_records() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.db");
    ok(run(&db, &["query", "delete claims where id = 7"]));
    let copy = dir.path().join("copy.db");
    let said = ok(claimdb().arg("copy").arg(&db).arg(&copy).output().unwrap());
    assert!(
        said.contains(
            "60 claims, 5 sources, 8 speakers, 0 tokens; the copy holds the same records"
        ),
        "{said}"
    );
    assert_eq!(claims(&copy), claims(&db));
    // Nothing to copy from, or a target in use, is refused.
    let out = claimdb()
        .arg("copy")
        .arg(dir.path().join("missing.db"))
        .arg(dir.path().join("other.db"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("holds no claimdb database"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The size of the files under `path`.
fn disk(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| match p.is_dir() {
            true => disk(&p),
            false => std::fs::metadata(&p).unwrap().len(),
        })
        .sum()
}

/// `vacuum` rewrites a database that many updates have grown: the same
/// claims (ids, anchors, history) in fewer bytes, and nothing left beside
/// it. It is refused, changing nothing, for a database another process has
/// open, opened `--read-only`, for a folder that holds none, and through a
/// server.
#[test]
fn vacuum_rewrites_a_database_smaller_with_the_same_records() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.db");
    ok(run(&db, &["query", "delete claims where id = 5"]));
    let mut updates = String::new();
    for i in 0..60 {
        let confidence = 0.3 + f64::from(i % 5) / 10.0;
        updates.push_str(&format!(
            "update claims set confidence = {confidence} where true;\n"
        ));
    }
    let out = command(&db).arg("query").arg(&updates).output().unwrap();
    ok(out);
    let before = claims(&db);
    let history = |db: &Path| ok_stdout(run(db, &["query", "history claim 9"]));
    let history_before = history(&db);
    let bytes_before = disk(&db);

    let said = ok(run(&db, &["vacuum"]));
    let bytes_after = disk(&db);
    assert!(
        said.starts_with(&format!("vacuumed {}: 60 claims; ", db.display())),
        "{said}"
    );
    assert!(
        bytes_after < bytes_before,
        "{bytes_before} -> {bytes_after}"
    );
    assert_eq!(claims(&db), before);
    assert_eq!(history(&db), history_before);
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(left, ["desk.db"]);

    // Open in this process: refused, the database as it was.
    {
        let _open = claimdb::Db::open_with(&db, claimdb::OpenOptions::new()).unwrap();
        let out = run(&db, &["--busy-timeout", "200", "vacuum"]);
        assert_eq!(out.status.code(), Some(1));
        let said = text(&out.stderr);
        assert!(
            said.starts_with(&format!("error: cannot vacuum {}: ", db.display())),
            "{said}"
        );
    }
    assert_eq!(claims(&db), before);
    let out = run(&db, &["--read-only", "vacuum"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("is open read-only (--read-only): a vacuum rewrites it"),
        "{}",
        text(&out.stderr)
    );
    let none = dir.path().join("none.db");
    std::fs::create_dir(&none).unwrap();
    let out = run(&none, &["vacuum"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("holds no claimdb database"));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_claimdb"))
        .args(["--server", "http://127.0.0.1:9", "vacuum"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "error: `vacuum` rewrites a database on this machine: give --db instead of --server (stop the server first)\n"
    );
}

fn ok_stdout(out: std::process::Output) -> String {
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
}
