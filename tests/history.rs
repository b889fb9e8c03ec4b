//! History (issue 28, its first part): every write to a claim, a source
//! or a speaker records a version in the same transaction: who, when, by
//! which statement, why, and what changed, field by field. Run on every
//! engine (`support/engines.rs`), through the library, the CLI and the
//! server.

#[path = "support/engines.rs"]
mod engines;
#[path = "support/server.rs"]
mod server;

use claimdb::model::{Action, Authorship, Subject, Version};
use claimdb::{with_authorship, Db, NewClaim};
use serde_json::Value;

fn by(author: &str, reason: Option<&str>) -> Authorship {
    Authorship {
        author: author.into(),
        statement: "the test's own call".into(),
        reason: reason.map(str::to_string),
    }
}

fn history(db: &Db, subject: &Subject) -> Vec<Version> {
    db.history(subject).unwrap()
}

/// The change to `field` a version records: (before, after), as JSON.
fn change(v: &Version, field: &str) -> (Option<Value>, Option<Value>) {
    let c = v
        .changes
        .iter()
        .find(|c| c.field == field)
        .unwrap_or_else(|| panic!("no change to {field} in {v:?}"));
    let parse = |s: &Option<String>| s.as_deref().map(|s| serde_json::from_str(s).unwrap());
    (parse(&c.before), parse(&c.after))
}

#[test]
fn every_write_records_who_when_why_and_what_changed() {
    for on in engines::seeded() {
        let db = &on.db;
        let name = on.engine;
        // The seed's records were created when the database was.
        let first = history(db, &Subject::Claim(1));
        assert_eq!(first.len(), 1, "{name}");
        assert_eq!(first[0].action, Action::Created);
        assert!(
            first[0].statement.contains("creating the database"),
            "{name}"
        );

        // An update by a statement, with its author and reason.
        let out = with_authorship(by("Ana", Some("the ministry retracted the figure")), || {
            db.query("update claims set confidence = 0.4 where id = 1")
        });
        out.unwrap();
        let v = history(db, &Subject::Claim(1));
        assert_eq!(v.len(), 2, "{name}");
        let (before, after) = change(&v[1], "confidence");
        assert_eq!(
            (before, after),
            (Some(0.9.into()), Some(0.4.into())),
            "{name}"
        );
        assert_eq!(v[1].number, 2);
        assert_eq!(v[1].action, Action::Updated);
        assert_eq!(v[1].author, "Ana");
        assert_eq!(
            v[1].reason.as_deref(),
            Some("the ministry retracted the figure")
        );
        assert_eq!(
            v[1].statement,
            "update claims set confidence = 0.4 where id = 1"
        );
        assert_eq!(
            v[1].changes.len(),
            1,
            "{name}: only what changed: {:?}",
            v[1].changes
        );
        assert!(v[1].at.ends_with('Z') && v[1].at.len() >= 20, "{}", v[1].at);

        // A write that changes nothing records nothing.
        db.query("update claims set confidence = 0.4 where id = 1")
            .unwrap();
        assert_eq!(history(db, &Subject::Claim(1)).len(), 2, "{name}");

        // A new claim, then deleted: its history stays, with its last state.
        let added = with_authorship(by("Bo", None), || {
            db.add_claim(&NewClaim {
                speaker: "Geoff White".into(),
                source: "fp-lazarus-review".into(),
                quote: "North Korea".into(),
                statement: "About North Korea.".into(),
                confidence: 0.5,
                rationale: "r".into(),
                ..Default::default()
            })
        })
        .unwrap();
        db.query(&format!("delete claims where id = {}", added.id))
            .unwrap();
        let v = history(db, &Subject::Claim(added.id));
        assert_eq!(
            v.iter().map(|v| v.action).collect::<Vec<_>>(),
            [Action::Created, Action::Deleted]
        );
        assert_eq!(v[0].author, "Bo");
        assert_eq!(
            change(&v[1], "statement"),
            (Some("About North Korea.".into()), None)
        );
        let shown = db.query(&format!("history claim {}", added.id)).unwrap();
        let json = serde_json::to_value(&shown).unwrap();
        assert!(json.to_string().contains("\"deleted\""), "{name}: {json}");

        // A speaker's new name, and a source's new text: the old text is kept
        // in the version that replaced it.
        db.query(r#"alias "Dr. White" to "Geoff White""#).unwrap();
        let white = db.speaker_by_name("Geoff White").unwrap().unwrap();
        let v = history(db, &Subject::Speaker(white.id));
        let (_, aliases) = change(v.last().unwrap(), "aliases");
        assert!(aliases.unwrap().to_string().contains("Dr. White"), "{name}");
        let old = db.source_text("fp-lazarus-review").unwrap().unwrap();
        let new = old.replace("11th of September", "12th of September");
        with_authorship(by("Cy", Some("a corrected transcript")), || {
            db.replace_source_text("fp-lazarus-review", &new)
        })
        .unwrap();
        let v = history(db, &Subject::Source("fp-lazarus-review".into()));
        let last = v.last().unwrap();
        assert_eq!(
            (last.author.as_str(), last.action),
            ("Cy", Action::Updated),
            "{name}"
        );
        assert_eq!(change(last, "text").0, Some(Value::String(old)), "{name}");
        // The claim whose quote the new text no longer holds: broken, recorded.
        let v = history(db, &Subject::Claim(1));
        let (before, after) = change(v.last().unwrap(), "status");
        assert_eq!(
            (before, after),
            (Some("verified".into()), Some("broken".into())),
            "{name}"
        );
        assert_eq!(
            v.last().unwrap().reason.as_deref(),
            Some("a corrected transcript")
        );

        // Asked of what has none.
        let e = db.query("history claim 999999").unwrap_err();
        assert_eq!(e.to_string(), r#"no history for claim "999999""#, "{name}");
    }
}

#[test]
fn a_transaction_records_its_statements_and_a_failed_one_records_nothing() {
    for on in engines::seeded() {
        let db = &on.db;
        let mut session = claimdb::Session::new();
        for s in [
            "begin",
            "update claims set confidence = 0.3 where id = 2",
            "update claims set rationale = \"checked again\" where id = 2",
            "commit",
        ] {
            session.execute(db, s).unwrap();
        }
        let v = history(db, &Subject::Claim(2));
        assert_eq!(v.len(), 3, "{}", on.engine);
        assert!(
            v[2].statement
                .starts_with("begin; update claims set confidence = 0.3"),
            "{}",
            v[2].statement
        );
        assert!(v[2].statement.ends_with("; commit"));
        // Refused at commit: neither the change nor its version.
        for s in ["begin", "update claims set confidence = 0.2 where id = 3"] {
            session.execute(db, s).unwrap();
        }
        session
            .execute(db, r#"add claim with speaker = "Thae", source = "fp-lazarus-review", quote = "we will surely win", statement = "s", confidence = 0.1, rationale = "r""#)
            .unwrap();
        assert!(session.execute(db, "commit").is_err());
        assert_eq!(history(db, &Subject::Claim(3)).len(), 1, "{}", on.engine);
    }
}

#[test]
fn the_cli_records_as_and_because_and_the_server_the_tokens_name() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    server::stdout_of(server::claimdb().arg("--db").arg(&db).args([
        "--seed",
        "--as",
        "Dana",
        "--because",
        "a reader wrote in",
        "query",
        "update claims set confidence = 0.5 where id = 4",
    ]));
    let out = server::stdout_of(server::claimdb().arg("--db").arg(&db).args([
        "--format",
        "json",
        "query",
        "history claim 4",
    ]));
    let versions: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(versions[0]["by"], "Dana");
    assert_eq!(versions[0]["why"], "a reader wrote in");
    assert_eq!(versions[0]["changes"][0]["field"], "confidence");

    let writer = server::token(&db, "desk", "write");
    let srv = server::Server::start(&db, &[]);
    let (status, body) = server::statement(
        &srv,
        Some(&writer),
        "update claims set confidence = 0.6 where id = 4",
    );
    assert_eq!(status, 200, "{body}");
    let (_, body) = server::statement(&srv, Some(&writer), "history claim 4");
    let shown = body.to_string();
    assert!(shown.contains("\"author\":\"desk\""), "{shown}");
    // Through the server, the CLI's reason travels with the statement.
    server::stdout_of(
        server::claimdb()
            .args(["--server", &srv.url, "--token", &writer])
            .args([
                "--because",
                "second look, ça va",
                "query",
                "update claims set confidence = 0.7 where id = 4",
            ]),
    );
    let (_, body) = server::statement(&srv, Some(&writer), "history claim 4");
    let newest = &body["output"]["history"][0];
    assert_eq!(newest["author"], "desk", "{body}");
    assert_eq!(newest["reason"], "second look, ça va", "{body}");
}

/// A claim's state as of each of five moments is what was read at that
/// moment: after updates, a new text that moves its anchor, a deletion,
/// and before it was made.
#[test]
fn claims_as_of_each_moment_are_what_was_read_then() {
    for on in engines::seeded() {
        let db = &on.db;
        let name = on.engine;
        let read = |text: &str| serde_json::to_value(db.query(text).unwrap()).unwrap();
        let pause = || std::thread::sleep(std::time::Duration::from_millis(5));
        let mut moments: Vec<(String, Value, Value)> = Vec::new();
        let mark = |moments: &mut Vec<(String, Value, Value)>| {
            pause();
            let at = claimdb::text::now_utc_millis();
            let one = read("claims where id = 5");
            let count = read("count claims where speaker = \"White\"");
            moments.push((at, one, count));
            pause();
        };
        mark(&mut moments);
        db.query("update claims set confidence = 0.31, statement = \"First change.\" where id = 5")
            .unwrap();
        mark(&mut moments);
        db.query(r#"update claims set tags = ("changed") where id = 5"#)
            .unwrap();
        mark(&mut moments);
        // A new text with a line above every other: the anchor moves.
        let old = db.source_text("fp-lazarus-review").unwrap().unwrap();
        db.replace_source_text("fp-lazarus-review", &format!("A new first line.\n{old}"))
            .unwrap();
        mark(&mut moments);
        db.query("delete claims where id = 5").unwrap();
        mark(&mut moments);
        for (at, one, count) in &moments {
            assert_eq!(
                &read(&format!("claims as of \"{at}\" where id = 5")),
                one,
                "{name} as of {at}"
            );
            assert_eq!(
                &read(&format!(
                    "count claims as of \"{at}\" where speaker = \"White\""
                )),
                count,
                "{name} as of {at}"
            );
        }
        // Before anything was stored, nothing.
        let before = read(r#"count claims as of "2000-01-01""#);
        assert_eq!(
            before.to_string(),
            read("count claims where id = 0").to_string(),
            "{name}"
        );
    }
}

/// claimdb's own ClaimReview of a claim is published on the day of its
/// first version and modified on the day of its last.
#[test]
fn a_claimreview_is_dated_by_the_claims_history() {
    for on in engines::seeded() {
        let db = &on.db;
        db.query("update claims set confidence = 0.2 where id = 6")
            .unwrap();
        let options = claimdb::export::ExportOptions {
            format: claimdb::export::ExportFormat::ClaimReview,
            query: Some("claims where id = 6".into()),
            review: claimdb::export::ReviewOptions {
                organization: None,
                url_base: None,
                date: "1999-01-01".into(),
            },
            versions: false,
        };
        let mut out = Vec::new();
        db.export(&options, &mut out).unwrap();
        let review: Value =
            serde_json::from_slice(out.split(|b| *b == b'\n').next().unwrap()).unwrap();
        let v = history(db, &Subject::Claim(6));
        assert_eq!(review["datePublished"], v[0].at[..10], "{}", on.engine);
        assert_eq!(
            review["dateModified"],
            v.last().unwrap().at[..10],
            "{}",
            on.engine
        );
    }
}

/// `revert claim N to version K` sets the claim back as a new version; a
/// quote the source no longer holds is refused with the checker's reason.
#[test]
fn a_revert_is_a_new_version_checked_against_the_text_as_it_is() {
    for on in engines::seeded() {
        let db = &on.db;
        let name = on.engine;
        db.query(r#"update claims set confidence = 0.15, statement = "Wrong.", tags = ("x") where id = 7"#)
            .unwrap();
        let before = serde_json::to_value(db.query("claims where id = 7").unwrap()).unwrap();
        with_authorship(by("Eve", Some("the edit was a mistake")), || {
            db.query("revert claim 7 to version 1")
        })
        .unwrap();
        let v = history(db, &Subject::Claim(7));
        assert_eq!(v.len(), 3, "{name}");
        assert_eq!(
            (v[2].author.as_str(), v[2].reason.as_deref()),
            ("Eve", Some("the edit was a mistake"))
        );
        let now = serde_json::to_value(db.query("claims where id = 7").unwrap()).unwrap();
        let original = serde_json::to_value(
            db.query(&format!("claims as of \"{}\" where id = 7", v[0].at))
                .unwrap(),
        )
        .unwrap();
        assert_eq!(now, original, "{name}: back to version 1");
        assert_ne!(now, before);
        // Out of range, and a quote the new text no longer holds.
        let e = db.query("revert claim 7 to version 9").unwrap_err();
        assert!(
            e.to_string().contains("claim 7 has versions 1 to 3, not 9"),
            "{name}: {e}"
        );
        // The text loses version 1's quote; the claim gets another quote.
        let quote1 = db.claim(7).unwrap().unwrap().quote;
        let text = db.source_text("fp-lazarus-review").unwrap().unwrap();
        assert!(text.contains(&quote1), "{name}");
        db.replace_source_text(
            "fp-lazarus-review",
            &text.replace(&quote1, "words that are gone"),
        )
        .unwrap();
        db.query(r#"update claims set quote = "North Korea" where id = 7"#)
            .unwrap();
        let e = db.query("revert claim 7 to version 1").unwrap_err();
        assert_eq!(e.kind(), claimdb::ErrorKind::Citation, "{name}: {e}");
    }
}

/// `because "..."` ends a write; in a transaction each statement keeps its
/// own reason.
#[test]
fn a_statements_because_is_its_versions_reason() {
    for on in engines::seeded() {
        let db = &on.db;
        let mut session = claimdb::Session::new();
        for s in [
            "begin",
            r#"update claims set confidence = 0.33 where id = 8 because "the first reason""#,
            r#"update claims set confidence = 0.22 where id = 9 because "the second reason""#,
            "update claims set confidence = 0.11 where id = 10",
            "commit",
        ] {
            session.execute(db, s).unwrap();
        }
        let reason = |id: u64| {
            history(db, &Subject::Claim(id))
                .last()
                .unwrap()
                .reason
                .clone()
        };
        assert_eq!(
            reason(8).as_deref(),
            Some("the first reason"),
            "{}",
            on.engine
        );
        assert_eq!(
            reason(9).as_deref(),
            Some("the second reason"),
            "{}",
            on.engine
        );
        assert_eq!(reason(10), None, "{}", on.engine);
    }
}
