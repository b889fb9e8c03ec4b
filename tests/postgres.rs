//! The PostgreSQL engine from outside: two `claimdb serve` processes on one
//! database take writes at the same time and store each claim once, with
//! unique ids and every acknowledged write present; a missing database and
//! a schema from a newer claimdb each get one clear message. (The contract
//! suite, the golden files, the scripts and the concurrency test run on
//! PostgreSQL through `tests/support/engines.rs`.) Skipped, saying so,
//! without a server (`CLAIMDB_TEST_POSTGRES`; `.ci/run` starts one).

#[path = "support/engines.rs"]
mod engines;
#[path = "support/server.rs"]
mod server;

use std::path::Path;

use server::{claimdb, request, stdout_of, token, Server};

/// The sentence `n` of the ledger every writer quotes from.
fn sentence(n: usize) -> String {
    format!("Entry {n} records that parcel {n} left the depot on time.")
}

const SENTENCES: usize = 90;

/// Adds the source "ledger" of [`SENTENCES`] sentences to the database at `url`.
fn add_ledger(url: &str) {
    let ledger: String = (0..SENTENCES).map(|n| sentence(n) + "\n").collect();
    stdout_of(claimdb().args(["--db", url, "query"]).arg(format!(
        r#"add source "ledger" with title = "A ledger", text = "{}""#,
        ledger.replace('\n', "\\n")
    )));
}

/// The rows (without the header) of a query's CSV output on `db`.
fn csv_rows(db: &str, query: &str) -> Vec<String> {
    stdout_of(claimdb().args(["--db", db, "--format", "csv", "query", query]))
        .lines()
        .skip(1)
        .map(str::to_string)
        .collect()
}

fn add(url: &str, token: &str, n: usize) -> u16 {
    let statement = format!(
        r#"add claim with speaker = "White", source = "ledger", quote = "{}", statement = "parcel {n}", confidence = 0.5, rationale = "two servers""#,
        sentence(n)
    );
    let body = serde_json::json!({ "statement": statement }).to_string();
    request(
        "POST",
        &format!("{url}/v1/query"),
        Some(token),
        Some(body.as_bytes()),
    )
    .0
}

#[test]
fn two_servers_on_one_database_store_each_claim_once() {
    if engines::postgres_server().is_none() {
        return;
    }
    let url = engines::new_postgres_database();
    let db = Path::new(&url);
    let admin = token(db, "admin", "admin");
    add_ledger(&url);
    let first = Server::start(db, &[]);
    let second = Server::start(db, &[]);
    // Each server is sent 60 claims; the middle 30 are sent to both.
    let writers: Vec<_> = [(first.url.clone(), 0..60), (second.url.clone(), 30..90)]
        .into_iter()
        .map(|(url, range)| {
            let admin = admin.clone();
            std::thread::spawn(move || range.map(|n| (n, add(&url, &admin, n))).collect::<Vec<_>>())
        })
        .collect();
    let answers: Vec<(usize, u16)> = writers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .collect();
    for (n, status) in &answers {
        assert!([200, 409].contains(status), "parcel {n}: status {status}");
    }
    // Every claim is stored exactly once, acknowledged by exactly one server.
    for n in 0..SENTENCES {
        let acknowledged = answers.iter().filter(|(m, s)| *m == n && *s == 200).count();
        assert_eq!(
            acknowledged, 1,
            "parcel {n} acknowledged {acknowledged} times"
        );
    }
    let rows = csv_rows(
        &url,
        r#"claims select id, statement where source = "ledger""#,
    );
    assert_eq!(rows.len(), SENTENCES, "{rows:?}");
    let mut ids: Vec<&str> = rows.iter().map(|r| r.split(',').next().unwrap()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), SENTENCES, "ids given twice");
    let out = claimdb().args(["--db", &url, "verify"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    drop((first, second));
}

#[test]
fn a_missing_database_and_a_newer_schema_are_named() {
    let Some(admin) = engines::postgres_server() else {
        return;
    };
    let (before, after) = admin.split_once('?').unwrap_or((&admin, ""));
    let base = before.rsplit_once('/').unwrap().0;
    let missing = format!("{base}/no_such_database?{after}");
    let out = claimdb()
        .args(["--db", &missing, "query", "count claims"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot connect to the PostgreSQL database")
            && stderr.contains("no_such_database"),
        "{stderr}"
    );

    let url = engines::new_postgres_database();
    let out = claimdb()
        .args(["--db", &url, "query", "count claims"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    client
        .batch_execute("insert into claimdb_schema (version) values (99)")
        .unwrap();
    let out = claimdb()
        .args(["--db", &url, "query", "count claims"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("the database's claimdb schema is version 99, newer than this claimdb's 3"),
        "{stderr}"
    );
}

/// Every claim of a database as JSON Lines, every field.
fn everything(db: &str) -> String {
    stdout_of(claimdb().args(["--db", db, "export", "--format", "jsonl"]))
}

#[test]
fn a_corpus_copies_from_sled_to_postgres_and_back_unchanged() {
    if engines::postgres_server().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let sled = dir.path().join("desk.db");
    let sled = sled.to_str().unwrap();
    for args in [
        vec!["--seed", "query", "delete claims where id = 4"],
        vec!["token", "create", "--name", "desk", "--role", "write"],
    ] {
        let out = claimdb().args(["--db", sled]).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let pg = engines::new_postgres_database();
    let back = dir.path().join("back.db");
    let back = back.to_str().unwrap();
    for (from, to) in [(sled, pg.as_str()), (pg.as_str(), back)] {
        let out = claimdb().args(["copy", from, to]).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        assert!(
            stderr.contains(
                "60 claims, 5 sources, 8 speakers, 1 token; the copy holds the same records"
            ),
            "{stderr}"
        );
    }
    // The same claims, ids (with the gap) and anchors included, on all three,
    // and the same history.
    let original = everything(sled);
    assert_eq!(everything(&pg), original);
    assert_eq!(everything(back), original);
    let history = |db: &str| csv_rows(db, "history claim 1");
    assert!(!history(sled).is_empty());
    assert_eq!(history(&pg), history(sled));
    assert_eq!(history(back), history(sled));
    // A dump of one engine imports into the other: the same claims (their
    // ids renumbered past the gap, as a dump says).
    let dump = claimdb().args(["--db", sled, "export"]).output().unwrap();
    assert!(dump.status.success());
    let file = dir.path().join("desk.dump");
    std::fs::write(&file, &dump.stdout).unwrap();
    let imported = engines::new_postgres_database();
    let out = claimdb()
        .args(["--db", &imported, "import"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let quotes = |db: &str| {
        csv_rows(
            db,
            "claims select speaker, source, quote, statement, confidence, line, column order by id",
        )
    };
    assert_eq!(quotes(&imported), quotes(sled));
    // And the target takes new claims after the last id, not over one.
    let out = claimdb()
        .args(["--db", &pg, "query"])
        .arg(r#"add claim with speaker = "White", source = "fp-lazarus-review", quote = "North Korea", statement = "copied", confidence = 0.5, rationale = "r""#)
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("added claim 62"),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // A target that holds a database is refused.
    let out = claimdb().args(["copy", sled, back]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("holds a database already: a copy makes a new one"));
}

#[test]
fn a_postgresql_restarted_under_a_server_loses_nothing_acknowledged() {
    if engines::postgres_server().is_none() {
        return;
    }
    // A PostgreSQL of its own, to restart without disturbing the others.
    let started =
        std::process::Command::new(Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/postgres"))
            .output()
            .unwrap();
    assert!(
        started.status.success(),
        "{}",
        String::from_utf8_lossy(&started.stderr)
    );
    let exports = String::from_utf8(started.stdout).unwrap();
    let value = |name: &str| -> String {
        let line = exports.lines().find(|l| l.contains(name)).unwrap();
        let (_, v) = line.split_once('=').unwrap();
        v.trim_matches('\'').to_string()
    };
    let url = value("CLAIMDB_TEST_POSTGRES");
    let stop = value("CLAIMDB_PG_STOP");
    struct Stop(String);
    impl Drop for Stop {
        fn drop(&mut self) {
            let _ = std::process::Command::new("bash")
                .args(["-c", &self.0])
                .status();
        }
    }
    let _stop = Stop(stop.clone());
    // The primary's (its replica has a command of its own).
    let restart = stop
        .split(';')
        .find(|command| command.contains("/data "))
        .unwrap()
        .split(" >/dev/null")
        .next()
        .unwrap()
        .replace("-m fast stop", "-m fast -w restart");

    let db = Path::new(&url);
    let admin = token(db, "admin", "admin");
    add_ledger(&url);
    let served = Server::start(db, &[]);
    let writer = {
        let (url, admin) = (served.url.clone(), admin.clone());
        std::thread::spawn(move || {
            (0..SENTENCES)
                .map(|n| {
                    std::thread::sleep(std::time::Duration::from_millis(60));
                    (n, add(&url, &admin, n))
                })
                .collect::<Vec<_>>()
        })
    };
    std::thread::sleep(std::time::Duration::from_millis(500));
    // Down for longer than a request waits for a connection (5 s), then
    // back. (The new server must not hold this process's pipes: its output
    // goes nowhere, or waiting for the restart would wait for the server.)
    let quiet = |command: &str| {
        std::process::Command::new("bash")
            .args(["-c", &format!("{command} </dev/null >/dev/null 2>&1")])
            .status()
            .unwrap()
            .success()
    };
    let stopping = restart.replace("-m fast -w restart", "-m fast -w stop");
    assert!(quiet(&stopping), "pg_ctl stop failed");
    std::thread::sleep(std::time::Duration::from_secs(7));
    assert!(quiet(&restart), "pg_ctl restart failed");
    let answers = writer.join().unwrap();
    // While it was down, requests failed cleanly: 503, retry.
    for (n, status) in &answers {
        assert!([200, 503].contains(status), "parcel {n}: status {status}");
    }
    assert!(answers.iter().any(|(_, s)| *s == 503), "{answers:?}");
    // The pool reconnected: the last writes went through.
    assert_eq!(answers.last().unwrap().1, 200, "{answers:?}");
    let acknowledged: Vec<usize> = answers
        .iter()
        .filter(|(_, s)| *s == 200)
        .map(|(n, _)| *n)
        .collect();
    let stored = csv_rows(&url, r#"claims select statement where source = "ledger""#);
    for n in &acknowledged {
        assert!(
            stored.iter().any(|l| *l == format!("parcel {n}")),
            "parcel {n} was acknowledged and is gone"
        );
    }
    eprintln!(
        "restart: {} of {SENTENCES} writes acknowledged, {} refused with 503 while PostgreSQL restarted",
        acknowledged.len(),
        answers.iter().filter(|(_, s)| *s == 503).count()
    );
    drop(served);
}

#[test]
fn a_refused_password_is_named_at_once() {
    let Some(admin) = engines::postgres_server() else {
        return;
    };
    let mut client = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
    client
        .batch_execute(
            "do $$ begin create role claimdb_password login password 'right'; exception when duplicate_object then null; end $$",
        )
        .unwrap();
    let (before, after) = admin.split_once('?').unwrap_or((&admin, ""));
    let (scheme, rest) = before.split_once("://").unwrap();
    let host_and_db = rest.split_once('@').map_or(rest, |(_, h)| h);
    let wrong = format!("{scheme}://claimdb_password:wrong@{host_and_db}?{after}");
    let began = std::time::Instant::now();
    let out = claimdb()
        .args(["--db", &wrong, "query", "count claims"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("password authentication failed for user \"claimdb_password\""),
        "{stderr}"
    );
    // The password itself is never shown.
    assert!(
        !stderr.contains("wrong") && stderr.contains("claimdb_password:***@"),
        "{stderr}"
    );
    assert!(
        began.elapsed() < std::time::Duration::from_secs(4),
        "it waited"
    );
}
