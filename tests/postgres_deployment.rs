//! What a PostgreSQL deployment meets beyond claimdb's own writers: a
//! streaming replica that serves reads (a hot standby, `.ci/postgres`
//! starts one beside the test server), and another client of the same
//! tables whose row locks deadlock with a claimdb writer (PostgreSQL rolls
//! claimdb's transaction back; the engine runs it again), or that cuts a
//! writer's connection mid-transaction (nothing of it is written); and a
//! database made by an older claimdb, migrated on open. Skipped, saying
//! so, without a server (`CLAIMDB_TEST_POSTGRES`).

#[path = "support/engines.rs"]
mod engines;
#[path = "support/server.rs"]
mod server;

use std::path::Path;
use std::time::{Duration, Instant};

use server::{claimdb, request, statement, token, Server};

/// Runs `claimdb --db DB ARGS...`: (exit code, stdout, stderr).
fn run(db: &str, args: &[&str]) -> (i32, String, String) {
    let out = claimdb().args(["--db", db]).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `count claims` on `db`, if it answers.
fn count(db: &str) -> Option<u64> {
    let (code, out, _) = run(db, &["--format", "csv", "query", "count claims"]);
    (code == 0).then(|| out.lines().nth(1)?.trim().parse().ok())?
}

#[test]
fn a_replica_serves_what_the_primary_wrote_and_sends_writes_to_the_primary() {
    if engines::postgres_server().is_none() {
        return;
    }
    let primary = engines::new_postgres_database();
    let Some(replica) = engines::on_replica(&primary) else {
        return;
    };
    let reader = token(Path::new(&primary), "desk", "read");
    let (code, _, stderr) = run(
        &primary,
        &["query", "update claims set confidence = 0.31 where id = 7"],
    );
    assert_eq!(code, 0, "{stderr}");
    let written = count(&primary).expect("the primary answers");

    // The standby replays the primary's log: it catches up in moments.
    let started = Instant::now();
    while count(&replica) != Some(written) {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the replica did not catch up with the primary's {written} claims"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let (code, out, stderr) = run(
        &replica,
        &[
            "--format",
            "csv",
            "query",
            "claims select id, confidence where id = 7",
        ],
    );
    assert_eq!(
        (code, out.replace("\r\n", "\n").as_str()),
        (0, "id,confidence\n7,0.31\n"),
        "{stderr}"
    );

    // A write sent to the replica is refused by name; the replica is as it was.
    let (code, _, stderr) = run(
        &replica,
        &["query", "update claims set confidence = 0.99 where id = 7"],
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("takes no writes (a standby replica")
            && stderr.contains("send writes to the primary"),
        "{stderr}"
    );

    // A read-only server on the replica: it answers queries with the token
    // made on the primary, and refuses a write with the same words.
    let server = Server::start(Path::new(&replica), &[]);
    let (status, body) = request(
        "GET",
        &format!("{}/v1/claims/7", server.url),
        Some(&reader),
        None,
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["output"]["claim"]["row"]["claim"]["confidence"], 0.31,
        "{body}"
    );
    let admin = token(Path::new(&primary), "editor", "admin");
    while count(&replica).is_some() && {
        let (status, _) = request(
            "GET",
            &format!("{}/v1/claims/7", server.url),
            Some(&admin),
            None,
        );
        status == 401
    } {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the editor's token never reached the replica"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let (status, body) = statement(
        &server,
        Some(&admin),
        "update claims set confidence = 0.99 where id = 7",
    );
    assert_eq!(status, 400, "{body}");
    assert!(
        body.to_string().contains("send writes to the primary"),
        "{body}"
    );
    drop(server);
    assert_eq!(count(&primary), Some(written));
}

/// The advisory lock every claimdb writer takes (`store/postgres/schema.rs`).
const WRITE_LOCK: i64 = 0x0063_6c61_696d_6462;

#[test]
fn a_deadlock_with_another_client_is_rolled_back_and_run_again() {
    if engines::postgres_server().is_none() {
        return;
    }
    let url = engines::new_postgres_database();
    let (code, _, stderr) = run(&url, &["--seed", "query", "count claims"]);
    assert_eq!(code, 0, "{stderr}");
    // Another client holds claim 7's row, as a hand-written report might;
    // claimdb's writer takes the writers' lock, then waits for that row.
    let (mut other, writer, _) =
        writer_held_at(&url, 7, "update claims set confidence = 0.42 where id = 7");
    // The other client now waits for the writers' lock: a deadlock, which
    // PostgreSQL breaks by rolling back claimdb's transaction (its wait
    // began first, so its deadlock check runs first).
    other
        .execute("select pg_advisory_xact_lock($1)", &[&WRITE_LOCK])
        .unwrap();
    other.batch_execute("rollback").unwrap();
    let (code, out, stderr) = writer.join().unwrap();
    assert_eq!(code, 0, "the writer gave up: {stderr}");
    assert!(out.contains("updated 1 claim"), "{out}");
    let (_, out, _) = run(
        &url,
        &[
            "--format",
            "csv",
            "query",
            "claims select confidence where id = 7",
        ],
    );
    assert_eq!(out.replace("\r\n", "\n"), "confidence\n0.42\n");
    let (code, out, _) = run(&url, &["verify"]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn an_older_schema_is_brought_up_to_date_and_then_keeps_the_duplicate_rule() {
    if engines::postgres_server().is_none() {
        return;
    }
    let url = engines::new_postgres_database();
    let (code, _, stderr) = run(&url, &["--seed", "query", "count claims"]);
    assert_eq!(code, 0, "{stderr}");
    // The database as schema 1 left it: no unique passage index, no
    // versions table.
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    client
        .batch_execute(
            "drop index claim_index_unique_passage; drop table versions; delete from claimdb_schema where version >= 2",
        )
        .unwrap();
    // Read-only, it is not changed, and says why.
    let (code, _, stderr) = run(&url, &["--read-only", "query", "count claims"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("the database needs claimdb's tables made or brought up to schema version 3, and it is open read-only"),
        "{stderr}"
    );
    let (code, out, stderr) = run(&url, &["--format", "csv", "query", "count claims"]);
    assert_eq!(
        (code, out.replace("\r\n", "\n")),
        (0, "count\n61\n".into()),
        "{stderr}"
    );
    let version: i32 = client
        .query_one("select max(version) from claimdb_schema", &[])
        .unwrap()
        .get(0);
    assert_eq!(version, 3);
    // Read-only, it reads and refuses a write by name.
    let (code, _, stderr) = run(
        &url,
        &[
            "--read-only",
            "query",
            "update claims set confidence = 0.1 where id = 7",
        ],
    );
    assert_eq!(code, 1);
    assert!(
        stderr.contains("is open read-only (--read-only): nothing is written"),
        "{stderr}"
    );
    assert_eq!(count(&url), Some(61));
    // The database itself now refuses a second claim at claim 7's passage
    // (index 7 of `claim_index`), whoever writes it.
    let refused = client
        .execute(
            "insert into claim_index (idx, value, claim, confidence)
             select idx, value, 8, confidence from claim_index where claim = 7 and idx = 7",
            &[],
        )
        .unwrap_err();
    assert_eq!(
        refused.as_db_error().and_then(|e| e.constraint()),
        Some("claim_index_unique_passage"),
        "{refused:?}"
    );
}

/// Another client of `url` holds claim `held`'s row in a transaction
/// (left open on the client returned) while claimdb runs `statement`, on
/// a thread, until its writer waits for that row: the client, the
/// thread, and the writer's backend.
fn writer_held_at(
    url: &str,
    held: i64,
    statement: &str,
) -> (
    postgres::Client,
    std::thread::JoinHandle<(i32, String, String)>,
    i32,
) {
    let mut other = postgres::Client::connect(url, postgres::NoTls).unwrap();
    other.batch_execute("begin").unwrap();
    other
        .execute("select 1 from claims where id = $1 for update", &[&held])
        .unwrap();
    let writer = {
        let (url, statement) = (url.to_string(), statement.to_string());
        std::thread::spawn(move || run(&url, &["query", &statement]))
    };
    let started = Instant::now();
    loop {
        // Activity is read once per transaction unless cleared.
        other
            .batch_execute("select pg_stat_clear_snapshot()")
            .unwrap();
        let waiting = other
            .query_opt(
                "select pid from pg_stat_activity where datname = current_database()
                 and wait_event_type = 'Lock' and query like 'insert into claims%'",
                &[],
            )
            .unwrap();
        if let Some(row) = waiting {
            return (other, writer, row.get(0));
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the writer never waited for claim {held}'s row"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_connection_dropped_in_a_transaction_writes_nothing() {
    if engines::postgres_server().is_none() {
        return;
    }
    let url = engines::new_postgres_database();
    let confidences = || {
        run(
            &url,
            &[
                "--format",
                "csv",
                "query",
                "claims select id, confidence where id <= 8",
            ],
        )
        .1
    };
    let (code, _, stderr) = run(&url, &["--seed", "query", "count claims"]);
    assert_eq!(code, 0, "{stderr}");
    let before = confidences();
    // Claim 8's row is held by another client, so the writer, having
    // rewritten claims 1 to 7, waits there: its connection is then cut.
    let (mut other, writer, backend) =
        writer_held_at(&url, 8, "update claims set confidence = 0.42 where id <= 8");
    other
        .execute("select pg_terminate_backend($1)", &[&backend])
        .unwrap();
    other.batch_execute("rollback").unwrap();
    let (code, _, stderr) = writer.join().unwrap();
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("nothing was written; retry once the database server is back"),
        "{stderr}"
    );
    assert_eq!(
        confidences(),
        before,
        "a cut transaction left writes behind"
    );
    let (code, out, _) = run(&url, &["verify"]);
    assert_eq!(code, 0, "{out}");
}
