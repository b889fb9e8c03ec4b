//! Pruning history (issue 28's cost option): `claimdb prune-history
//! --before DATE` removes the versions stamped before it; `history` then
//! starts there, `as of` any moment from there on still answers as
//! before, and an earlier moment is refused rather than answered wrongly.
//! The horizon travels with a dump and a copy. Run on every engine, on a
//! fixed clock.

#[path = "support/engines.rs"]
mod engines;
#[path = "support/server.rs"]
mod server;

use claimdb::model::Subject;
use claimdb::{Db, OpenOptions};
use serde_json::Value;

fn read(db: &Db, query: &str) -> Value {
    serde_json::to_value(db.query(query).unwrap()).unwrap()
}

fn error(db: &Db, query: &str) -> String {
    db.query(query).unwrap_err().to_string()
}

#[test]
fn pruned_history_answers_from_its_horizon_on_and_refuses_before() {
    let clock = claimdb::text::fix_clock;
    for (engine, open) in engines::engines() {
        let dir = tempfile::tempdir().unwrap();
        clock(Some("2026-10-01T08:00:00Z")).unwrap();
        let db =
            Db::with_engine(open(&dir.path().join("db")), OpenOptions::new().seed(true)).unwrap();
        clock(Some("2026-11-02T10:00:00Z")).unwrap();
        db.query("update claims set confidence = 0.4 where id = 3")
            .unwrap();
        clock(Some("2026-11-03T10:00:00Z")).unwrap();
        db.query("update claims set confidence = 0.3 where id = 3")
            .unwrap();
        db.query("delete claims where id = 7").unwrap();
        clock(None).unwrap();
        // What `as of` answers from the horizon on, before the prune.
        let kept_moments = [
            "claims as of \"2026-11-03T00:00:00.000Z\" where id = 3 or id = 7",
            "claims as of \"2026-11-03\" where id = 3 or id = 7",
            "count claims as of \"2026-11-03T00:00:00.000Z\"",
        ];
        let answers: Vec<Value> = kept_moments.iter().map(|q| read(&db, q)).collect();
        let before = db.view().unwrap().every_version().unwrap();
        let old = before
            .iter()
            .filter(|v| v.at.as_str() < "2026-11-03T00:00:00.000Z")
            .count() as u64;

        let pruned = db.prune_history("2026-11-03").unwrap();
        assert_eq!(pruned.versions, old, "{engine}");
        assert_eq!(pruned.horizon, "2026-11-03T00:00:00.000Z", "{engine}");
        assert_eq!(
            db.view().unwrap().every_version().unwrap().len(),
            before.len() - old as usize,
            "{engine}"
        );
        let numbers =
            |s: Subject| -> Vec<u64> { db.history(&s).unwrap().iter().map(|v| v.number).collect() };
        assert_eq!(numbers(Subject::Claim(3)), [3], "{engine}");
        assert_eq!(numbers(Subject::Claim(7)), [2], "{engine}");
        assert!(numbers(Subject::Claim(1)).is_empty(), "{engine}");
        for (query, answer) in kept_moments.iter().zip(&answers) {
            assert_eq!(&read(&db, query), answer, "{engine}: {query}");
        }
        assert_eq!(
            error(&db, "claims as of \"2026-11-02\" where id = 3"),
            "invalid as of: the versions before 2026-11-03T00:00:00.000Z were pruned, so the database as it stood at 2026-11-02 cannot be told; `as of` reaches back to 2026-11-03T00:00:00.000Z",
            "{engine}"
        );
        // A new version numbers on from the last, pruned or not.
        db.query("update claims set confidence = 0.2 where id = 3")
            .unwrap();
        assert_eq!(numbers(Subject::Claim(3)), [3, 4], "{engine}");

        // The horizon goes with a dump into an empty database.
        let mut dump = Vec::new();
        claimdb::export::write_dump(&*db.view().unwrap(), &mut dump).unwrap();
        let to = Db::with_engine(open(&dir.path().join("to")), OpenOptions::new()).unwrap();
        to.import_bytes("dump.jsonl", &dump, &Default::default())
            .unwrap();
        assert_eq!(
            to.view().unwrap().history_horizon().unwrap().as_deref(),
            Some("2026-11-03T00:00:00.000Z"),
            "{engine}"
        );
        assert!(
            error(&to, "count claims as of \"2026-11-01\"").contains("were pruned"),
            "{engine}"
        );
        // Pruning again to an earlier date keeps the later horizon.
        let again = db.prune_history("2026-10-15").unwrap();
        assert_eq!(
            (again.versions, again.horizon.as_str()),
            (0, "2026-11-03T00:00:00.000Z")
        );
    }
}

#[test]
fn the_cli_prunes_and_refuses_a_bad_or_future_date() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    server::stdout_of(server::claimdb().args([
        "--db",
        db.to_str().unwrap(),
        "--seed",
        "query",
        "count claims",
    ]));
    let run = |args: &[&str]| {
        let out = server::claimdb()
            .args(["--db", db.to_str().unwrap()])
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).trim_end().to_string(),
            String::from_utf8_lossy(&out.stderr)
                .trim_end()
                .lines()
                .last()
                .unwrap_or("")
                .to_string(),
        )
    };
    let tomorrow = "2999-01-01";
    for (before, expected) in [
        (
            "yesterday",
            "error: invalid prune: expected a date (2026-11-01) or a UTC timestamp (2026-11-01T09:30:00Z), not \"yesterday\"",
        ),
        (
            tomorrow,
            &*format!("error: invalid prune: {tomorrow} is still to come: pruning to it would remove the versions of writes made since"),
        ),
    ] {
        let (code, out, err) = run(&["prune-history", "--before", before]);
        assert_eq!((code, out.as_str(), err.as_str()), (Some(1), "", expected));
    }
    let (code, out, _) = run(&["prune-history", "--before", "2026-01-01"]);
    assert_eq!(code, Some(0));
    assert_eq!(
        out,
        "pruned 0 versions stamped before 2026-01-01T00:00:00.000Z; `as of` reaches back to 2026-01-01T00:00:00.000Z"
    );
    let now = claimdb::text::now_utc_millis();
    let (code, out, _) = run(&["prune-history", "--before", &now]);
    assert_eq!(code, Some(0));
    // The seed's versions, every one made before now.
    assert!(
        out.starts_with("pruned ") && !out.starts_with("pruned 0 "),
        "{out}"
    );
}
