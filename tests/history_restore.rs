//! A dump carries every record's versions and import restores them (issue
//! 28): into an empty database, the records come back under their ids and
//! the history as it was, deleted records included, so that `history` and
//! `as of` answer as they did; into a database holding records already,
//! the versions are left out and the rows say so. Run on every engine.

#[path = "support/engines.rs"]
mod engines;

use claimdb::import::{ImportOptions, Outcome};
use claimdb::model::{Subject, Version};
use claimdb::{Db, OpenOptions};
use serde_json::Value;

fn dump(db: &Db) -> Vec<u8> {
    let mut out = Vec::new();
    claimdb::export::write_dump(&*db.view().unwrap(), &mut out).unwrap();
    out
}

fn every_version(db: &Db) -> Vec<Version> {
    let mut all = db.view().unwrap().every_version().unwrap();
    all.sort_by(|a, b| (&a.subject, a.number).cmp(&(&b.subject, b.number)));
    all
}

fn last_id(db: &Db) -> u64 {
    db.view().unwrap().claims().last().unwrap().unwrap().id
}

fn read(db: &Db, query: &str) -> Value {
    serde_json::to_value(db.query(query).unwrap()).unwrap()
}

#[test]
fn a_dump_restores_every_version_and_id_into_an_empty_database() {
    for (engine, open) in engines::engines() {
        let dir = tempfile::tempdir().unwrap();
        let from = Db::with_engine(
            open(&dir.path().join("from")),
            OpenOptions::new().seed(true),
        )
        .unwrap();
        let last = last_id(&from);
        from.query(r#"update claims set confidence = 0.4 where id = 3 because "retracted""#)
            .unwrap();
        from.query(r#"alias "The Spy" to "Moriuchi""#).unwrap();
        // The highest id deleted: a restored database must not give it again.
        from.query(&format!("delete claims where id = {last}"))
            .unwrap();
        from.query("delete claims where id = 7").unwrap();
        let text = from.source_text("fp-lazarus-review").unwrap().unwrap();
        from.replace_source_text("fp-lazarus-review", &format!("A new first line.\n{text}"))
            .unwrap();
        let moment = claimdb::text::now_utc_millis();
        std::thread::sleep(std::time::Duration::from_millis(5));
        from.query("update claims set confidence = 0.2 where id = 3")
            .unwrap();
        let bytes = dump(&from);

        let to = Db::with_engine(open(&dir.path().join("to")), OpenOptions::new()).unwrap();
        let report = to
            .import_bytes("dump.jsonl", &bytes, &ImportOptions::default())
            .unwrap();
        let refused: Vec<_> = report
            .rows
            .iter()
            .filter(|r| r.outcome == Outcome::Refused)
            .collect();
        assert!(refused.is_empty(), "{engine}: {refused:?}");
        assert!(report.written, "{engine}");
        assert_eq!(every_version(&to), every_version(&from), "{engine}");
        for query in [
            "claims order by id",
            "speakers",
            "history claim 3",
            "history claim 7",
            "history speaker \"The Spy\"",
            "history source \"fp-lazarus-review\"",
        ] {
            assert_eq!(read(&to, query), read(&from, query), "{engine}: {query}");
        }
        for query in [
            format!("claims as of \"{moment}\" where id = 3 or id = 7"),
            format!("show source \"fp-lazarus-review\" as of \"{moment}\" lines 1 to 2"),
            "count claims as of \"2000-01-01\"".to_string(),
        ] {
            assert_eq!(read(&to, &query), read(&from, &query), "{engine}: {query}");
        }
        // A new claim gets a new id, not the deleted one's (and its history).
        to.query(
            r#"add claim with speaker = "Moriuchi", source = "fp-lazarus-review", quote = "A new first line.", statement = "s", confidence = 0.5, rationale = "r""#,
        )
        .unwrap();
        let id = last_id(&to);
        assert!(id > last, "{engine}: claim {id} reuses a deleted id");
        assert_eq!(to.history(&Subject::Claim(id)).unwrap().len(), 1);
        // The new claim's version is the only one recorded by the import's
        // database of itself.
        assert_eq!(
            every_version(&to).len(),
            every_version(&from).len() + 1,
            "{engine}"
        );
    }
}

#[test]
fn into_a_database_with_records_the_versions_are_left_out_and_said_so() {
    for on in engines::seeded() {
        let from = &on.db;
        from.query(r#"update claims set confidence = 0.4 where id = 3"#)
            .unwrap();
        let bytes = dump(from);
        let into = Db::with_engine(
            engines::engines()
                .into_iter()
                .find(|(e, _)| *e == on.engine)
                .unwrap()
                .1(&on.dir.path().join("into")),
            OpenOptions::new().seed(true),
        )
        .unwrap();
        let before = every_version(&into);
        let options = ImportOptions {
            partial: true,
            ..ImportOptions::default()
        };
        let report = into.import_bytes("dump.jsonl", &bytes, &options).unwrap();
        let versions: Vec<_> = report.rows.iter().filter(|r| r.kind == "version").collect();
        assert_eq!(versions.len(), every_version(from).len(), "{}", on.engine);
        for row in versions {
            assert_eq!(row.outcome, Outcome::Unchanged, "{}", on.engine);
            assert!(
                row.message.as_deref().unwrap_or("").ends_with(
                    "left out: a dump's history is restored only into an empty database"
                ),
                "{}: {row:?}",
                on.engine
            );
        }
        assert_eq!(every_version(&into), before, "{}", on.engine);
    }
}

/// A version row that is not one is refused with the reason, and an
/// all-or-nothing import then writes nothing.
#[test]
fn a_bad_version_row_is_refused_with_the_reason() {
    let header = format!(
        r#"{{"type":"dump","format_version":{}}}"#,
        claimdb::store::FORMAT_VERSION
    );
    let version = |number: u64, at: &str| {
        format!(
            r#"{{"type":"version","subject":{{"claim":1}},"number":{number},"at":"{at}","author":"a","statement":"s","reason":null,"action":"created","changes":[]}}"#
        )
    };
    for (line, expected) in [
        (
            version(1, "yesterday"),
            r#"version 1 of claim 1 is stamped "yesterday", not a UTC timestamp in milliseconds (2026-11-01T09:30:00.000Z)"#,
        ),
        (
            version(0, "2026-11-01T09:30:00.000Z"),
            "versions are numbered from 1",
        ),
        (
            format!(
                "{}\n{}",
                version(1, "2026-11-01T09:30:00.000Z"),
                version(1, "2026-11-01T09:30:00.001Z")
            ),
            "version 1 of claim 1 is in the dump twice",
        ),
        (
            r#"{"type":"version","subject":{"claim":1},"number":1}"#.to_string(),
            "missing field",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open_with(dir.path().join("db"), OpenOptions::new()).unwrap();
        let bytes = format!("{header}\n{line}\n");
        let report = db
            .import_bytes("dump.jsonl", bytes.as_bytes(), &ImportOptions::default())
            .unwrap();
        let refused: Vec<String> = report
            .rows
            .iter()
            .filter(|r| r.outcome == Outcome::Refused)
            .filter_map(|r| r.message.clone())
            .collect();
        assert!(
            refused.iter().any(|m| m.contains(expected)),
            "{line}: {refused:?}"
        );
        assert!(!report.written);
        assert!(db.view().unwrap().every_version().unwrap().is_empty());
    }
}
