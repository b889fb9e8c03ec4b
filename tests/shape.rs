//! The shape that the server, the client and the Python package build on:
//! the plan `explain` prints is the tree the executor runs, and every
//! output, outcome and error travels as JSON and reads back the same.

use claimdb::query::{execute_plan, plan, prepare, Outcome, Output, Params, Plan};
use claimdb::{Db, Error, ErrorKind, ErrorReport, QueryErrorKind, Session};

fn seeded() -> Db {
    Db::open_in_memory(claimdb::OpenOptions::new().seed(true)).unwrap()
}

/// Reads, one line each: every operator and access path appears in one.
const READS: &[&str] = &[
    r#"claims where speaker = "White" and confidence > 0.5"#,
    r#"claims where statement contains "sanctions" order by confidence desc limit 3 offset 1"#,
    r#"claims where tag = "sony" and speaker = "Moriuchi""#,
    r#"claims where speaker in ("Thae", "Obama", "FBI")"#,
    r#"claims select id, speaker, tags where id in (3, 1, 2) order by id desc"#,
    r#"claims where id between 10 and 20 and confidence > 0.5 limit 4"#,
    r#"claims select speaker, count(*), avg(confidence) group by speaker order by count(*) desc limit 3"#,
    r#"claims select count(*), max(confidence)"#,
    r#"claims where quote contains "bank" order by confidence"#,
    r#"claims where speaker = "Nobody""#,
    r#"count claims"#,
    r#"count claims where speaker = "White""#,
    r#"count claims where speaker = "White" and confidence >= 0.8"#,
    r#"count claims where confidence > 0.8 group by tag"#,
    r#"count claims group by speaker"#,
    r#"speakers where claims > 3 order by claims desc limit 2"#,
    r#"sources select id, claims order by claims desc"#,
    r#"show claim 3"#,
    r#"show source "fp-lazarus-review" lines 2 to 4"#,
];

#[test]
fn explain_prints_the_tree_that_runs() {
    let db = seeded();
    for text in READS {
        let statement = prepare(text, &Params::new()).unwrap();
        let view = db.view().unwrap();
        let built = plan(&*view, &statement).unwrap();
        // `explain` is the Display of that very tree.
        let explained = db.query(&format!("explain {text}")).unwrap();
        assert_eq!(
            explained.plan().unwrap().to_string(),
            built.to_string(),
            "{text}"
        );
        // Running the tree gives what the statement gives.
        let (ran, _) = execute_plan(&*view, &built).unwrap();
        drop(view);
        assert_eq!(ran, db.query(text).unwrap(), "{text}");
        // The tree travels as JSON, and the tree read back runs the same.
        let json = serde_json::to_string(&built).unwrap();
        let back: Plan = serde_json::from_str(&json).unwrap();
        assert_eq!(back, built, "{text}");
        let view = db.view().unwrap();
        assert_eq!(execute_plan(&*view, &back).unwrap().0, ran, "{text}");
    }
}

#[test]
fn a_changed_tree_runs_changed() {
    // The executor follows the tree it is given, not the statement: the
    // same plan with its limit changed returns fewer rows.
    let db = seeded();
    let view = db.view().unwrap();
    let statement = prepare("claims order by confidence desc limit 5", &Params::new()).unwrap();
    let mut tree = plan(&*view, &statement).unwrap();
    let five = execute_plan(&*view, &tree).unwrap().0;
    assert_eq!(five.claims().unwrap().len(), 5);
    match &mut tree.root {
        claimdb::query::Node::Limit { limit, .. } => *limit = 2,
        other => panic!("a limit on top, not {other:?}"),
    }
    assert!(tree.to_string().starts_with("limit 2\n"), "{tree}");
    let two = execute_plan(&*view, &tree).unwrap().0;
    assert_eq!(two.claims().unwrap(), &five.claims().unwrap()[..2]);
}

#[test]
fn every_read_output_reads_back_from_json() {
    let db = seeded();
    for text in READS
        .iter()
        .copied()
        .chain(["explain count claims where speaker = \"White\""])
    {
        let out = db.query(text).unwrap();
        let json = serde_json::to_string(&out).unwrap();
        let back: Output = serde_json::from_str(&json).unwrap();
        assert_eq!(back, out, "{text}: {json}");
    }
}

/// Writes, one line each, in a session: every kind of outcome.
const WRITES: &[&str] = &[
    r#"add source "memo" with title = "A memo", kind = "report", text = "We will not ship on Friday. The launch moves to Monday.""#,
    r#"add source "empty" with title = "No text here""#,
    r#"add speaker "Ada Lovelace" aliases ("Ada") description "Author of the memo""#,
    r#"add speaker "Charles Babbage""#,
    r#"add claim with speaker = "Ada", source = "memo", quote = "We will not ship on Friday.", statement = "Delayed.", confidence = 0.9, rationale = "Direct.", tags = ("launch")"#,
    r#"add claim with speaker = "Ada", source = "empty", quote = "anything", statement = "Unverified.", confidence = 0.2, rationale = "No text.""#,
    r#"update claims set confidence = 0.7 where source = "memo""#,
    r#"alias "Countess" to "Ada Lovelace""#,
    r#"update speakers set description = "Mathematician" where name = "Ada""#,
    r#"update sources set notes = "checked" where id = "memo""#,
    "begin",
    r#"add claim with speaker = "Babbage", source = "memo", quote = "The launch moves to Monday.", statement = "Monday.", confidence = 0.5, rationale = "Direct.""#,
    r#"alias "Babbage" to "Charles Babbage""#,
    "rollback",
    "begin",
    r#"alias "Babbage" to "Charles Babbage""#,
    r#"add claim with speaker = "Babbage", source = "memo", quote = "The launch moves to Monday.", statement = "Monday.", confidence = 0.5, rationale = "Direct.""#,
    "commit",
    r#"merge speaker "Charles Babbage" into "Ada Lovelace""#,
    r#"delete claims where source = "empty""#,
    r#"delete sources where id = "empty""#,
    r#"delete speakers where name = "Ada" cascade"#,
];

#[test]
fn every_outcome_reads_back_from_json() {
    let db = Db::open_in_memory(claimdb::OpenOptions::new().seed(false)).unwrap();
    let mut session = Session::new();
    let mut kinds = std::collections::BTreeSet::new();
    for text in WRITES {
        let out = session
            .execute(&db, text)
            .unwrap_or_else(|e| panic!("{text}: {e}"));
        let outcome = out.done().unwrap_or_else(|| panic!("{text}: {out:?}"));
        let json = serde_json::to_value(outcome).unwrap();
        kinds.insert(json["outcome"].as_str().unwrap().to_string());
        let back: Outcome = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(&back, outcome, "{text}: {json}");
        // And whole, as an output.
        let back: Output = serde_json::from_str(&serde_json::to_string(&out).unwrap()).unwrap();
        assert_eq!(back, out, "{text}");
    }
    let expected = [
        "alias_added",
        "begun",
        "claim_added",
        "claims_deleted",
        "claims_updated",
        "committed",
        "held",
        "rolled_back",
        "source_added",
        "sources_deleted",
        "sources_updated",
        "speaker_added",
        "speaker_merged",
        "speakers_deleted",
        "speakers_updated",
    ];
    assert_eq!(
        kinds.iter().map(String::as_str).collect::<Vec<_>>(),
        expected
    );
}

#[test]
fn an_added_claim_says_what_was_stored() {
    let db = seeded();
    let out = db
        .query(r#"add claim with speaker = "White", source = "fp-lazarus-review", quote = "Lazarus Group", statement = "x", confidence = 0.5, rationale = "r", key = "k-1""#)
        .unwrap();
    let claim = out.done().unwrap().added_claim().unwrap();
    let stored = db.claim(claim.id).unwrap().unwrap();
    assert_eq!(claim, &stored);
    assert!(claim.anchor.is_some());
    assert_eq!(out.done().unwrap().ids(), vec![claim.id]);
}

/// Statements that fail, each with the kind of error it must be.
const FAILURES: &[(&str, ErrorKind)] = &[
    (r#"claims where speeker = "White""#, ErrorKind::Query),
    (r#"claims where confidence = "high""#, ErrorKind::Query),
    (
        r#"add claim with speaker = "White", source = "fp-lazarus-review", quote = "North Korea stole $18 billion", statement = "x", confidence = 0.5, rationale = "r""#,
        ErrorKind::Citation,
    ),
    (
        r#"add claim with speaker = "White", source = "fp-lazarus-review", quote = "Lazarus Group", statement = "x", confidence = 1.5, rationale = "r""#,
        ErrorKind::Invalid,
    ),
    (r#"show claim 999"#, ErrorKind::NotFound),
    (r#"add speaker "Geoff White""#, ErrorKind::Duplicate),
];

#[test]
fn every_error_travels_as_json() {
    let db = seeded();
    for (text, kind) in FAILURES {
        let e = db.query(text).expect_err(text);
        assert_eq!(e.kind(), *kind, "{text}: {e}");
        let json = serde_json::to_string(&e).unwrap();
        let back: ErrorReport = serde_json::from_str(&json).unwrap();
        assert_eq!(back, e.report(), "{text}: {json}");
        assert_eq!(back.message, e.to_string(), "{text}");
        match &e {
            Error::Query(q) => {
                assert_eq!(back.span, Some(q.span));
                assert_eq!(back.query_kind, Some(q.kind));
            }
            Error::Citation(report) => {
                let citation = back.citation.as_ref().expect("the checker's report");
                assert_eq!(citation, report.as_ref());
                assert!(citation.citation.location.is_some(), "the closest passage");
                assert!(back.hint.is_some());
            }
            _ => assert_eq!(back.span, None),
        }
    }
    // The kind of a query mistake is kept.
    let e = db.query(r#"claims where speeker = "White""#).unwrap_err();
    assert_eq!(e.report().query_kind, Some(QueryErrorKind::UnknownField));
    // A duplicate claim names the claim that is stored.
    let add = r#"add claim with speaker = "White", source = "fp-lazarus-review", quote = "Lazarus Group", statement = "x", confidence = 0.5, rationale = "r""#;
    let first = db.query(add).unwrap().done().unwrap().ids()[0];
    let e = db.query(add).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::DuplicateClaim);
    let back: ErrorReport = serde_json::from_value(serde_json::to_value(&e).unwrap()).unwrap();
    assert_eq!(back.existing, Some(first));
    assert_eq!(
        back.hint,
        Some(format!("`show claim {first}` shows the stored claim"))
    );
}

#[test]
fn a_statement_past_its_time_limit_is_stopped() {
    use std::time::Duration;
    let db = seeded();
    let stopped = claimdb::query::with_time_limit(Some(Duration::ZERO), || {
        db.query(r#"claims where quote matches "(a|e)+" order by confidence"#)
    });
    let e = stopped.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::TimeLimit, "{e}");
    assert_eq!(
        e.to_string(),
        "the statement ran past its time limit of 0 ms and was stopped"
    );
    // The limit ends with the call: the same statement runs afterwards.
    assert!(db.query(r#"claims where quote matches "(a|e)+""#).is_ok());
    assert!(
        claimdb::query::with_time_limit(Some(Duration::from_secs(60)), || db
            .query("count claims where confidence > 0.1"))
        .is_ok()
    );
}
