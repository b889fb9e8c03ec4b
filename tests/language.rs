//! The language through the library API: parameters bound, never spliced;
//! prepared statements run many times; sessions and their transactions.

use claimdb::query::Params;
use claimdb::{Db, Error, Output, Session};

#[path = "support/engines.rs"]
mod engines;

#[test]
fn a_prepared_statement_runs_many_times_with_different_values() {
    for on in engines::seeded() {
        let db = &on.db;
        let by_speaker = db
            .prepare("claims where speaker = $1 and confidence >= $min order by id")
            .unwrap();
        for (name, canonical) in [
            ("White", "Geoff White"),
            ("Moriuchi", "Priscilla Moriuchi"),
            ("Thae", "Thae Yong-ho"),
        ] {
            let out = by_speaker
                .run(db, &Params::new().bind(1, name).bind("min", 0.7))
                .unwrap();
            let rows = out.claims().unwrap();
            assert!(!rows.is_empty(), "{name}");
            assert!(rows
                .iter()
                .all(|r| r.speaker_name == canonical && r.claim.confidence.value() >= 0.7));
        }
    }
}

#[test]
fn values_are_bound_not_spliced() {
    for on in engines::seeded() {
        let db = &on.db;
        // Text that would change the statement if it were pasted into it.
        let hostile = r#"White" or speaker != "x"#;
        let out = db
            .query_with(
                "count claims where speaker = $who",
                &Params::new().bind("who", hostile),
            )
            .unwrap();
        assert_eq!(out.count(), Some(0));
        let out = db
            .query_with(
                "count claims where quote contains $q",
                &Params::new().bind("q", "\"; delete claims; --"),
            )
            .unwrap();
        assert_eq!(out.count(), Some(0));
        assert_eq!(
            db.query("count claims").unwrap().count(),
            Some(claimdb::seed::seed().unwrap().claims.len() as u64)
        );
    }
}

#[test]
fn parameter_errors_point_at_the_parameter() {
    for on in engines::seeded() {
        let db = &on.db;
        let text = "claims where confidence >= $min";
        let Err(Error::Query(e)) = db.query(text) else {
            panic!("ran without a value")
        };
        assert_eq!(e.message, "no value is bound to $min");
        assert_eq!(&text[e.span.start..e.span.end], "$min");
        let Err(Error::Query(e)) = db.query_with(text, &Params::new().bind("min", "high")) else {
            panic!()
        };
        assert!(
            e.message.starts_with("`confidence` is a number"),
            "{}",
            e.message
        );
        assert_eq!(&text[e.span.start..e.span.end], "$min");
        // A bound list fills an `in`, as a parameter per member does.
        let out = db
            .query_with(
                "count claims where speaker in $names",
                &Params::new().bind("names", vec!["Thae", "Obama"]),
            )
            .unwrap();
        assert_eq!(out.count(), Some(4));
        let out = db
            .query_with(
                "count claims where speaker in ($a, $b)",
                &Params::new().bind("a", "Thae").bind("b", "Obama"),
            )
            .unwrap();
        assert_eq!(out.count(), Some(4));
    }
}

#[test]
fn writes_through_the_query_language_are_checked() {
    for on in engines::seeded() {
        let db = &on.db;
        let out = db
        .query(r#"add claim with speaker = "Obama", source = "fp-lazarus-review", quote = "We cannot have a society", statement = "s", confidence = 0.9, rationale = "r""#)
        .unwrap();
        let Output::Done(done) = out else {
            panic!("{out:?}")
        };
        assert_eq!(done.ids().len(), 1);
        let before = db.query("claims").unwrap();
        let err = db
        .query(r#"add claim with speaker = "Obama", source = "fp-lazarus-review", quote = "We can have a society", statement = "s", confidence = 0.9, rationale = "r""#)
        .unwrap_err();
        assert!(matches!(err, Error::Citation(_)), "{err}");
        assert_eq!(db.query("claims").unwrap(), before);
    }
}

#[test]
fn a_session_groups_writes_and_a_failure_undoes_them_all() {
    for on in engines::seeded() {
        let db = &on.db;
        let before = db.query("claims").unwrap();
        let mut s = Session::new();
        s.execute(db, "begin").unwrap();
        assert!(s.in_transaction());
        s.execute(db, r#"delete claims where speaker = "White""#)
            .unwrap();
        s.execute(
            db,
            r#"update claims set confidence = 0.1 where confidence > 0.5"#,
        )
        .unwrap();
        s.execute(db, r#"add claim with speaker = "Nobody", source = "fp-lazarus-review", quote = "x", statement = "s", confidence = 0.5, rationale = "r""#)
        .unwrap();
        let err = s.execute(db, "commit").unwrap_err();
        assert_eq!(err.to_string(), "no speaker \"Nobody\"");
        assert!(!s.in_transaction());
        assert_eq!(
            db.query("claims").unwrap(),
            before,
            "nothing of the first two statements is left"
        );
        // Without a session, begin is refused rather than ignored.
        assert!(db.query("begin").is_err());
    }
}

#[test]
fn a_list_parameter_fills_an_in() {
    let db = Db::open_in_memory(claimdb::OpenOptions::new().seed(true)).unwrap();
    let by_speakers = db
        .prepare("count claims where speaker in $names and confidence >= $min")
        .unwrap();
    let both = by_speakers
        .run(
            &db,
            &Params::new()
                .bind("names", vec!["Thae", "Obama"])
                .bind("min", 0),
        )
        .unwrap();
    let one = by_speakers
        .run(&db, &Params::new().bind("names", "Thae").bind("min", 0))
        .unwrap();
    let thae = db.query(r#"count claims where speaker = "Thae""#).unwrap();
    let obama = db.query(r#"count claims where speaker = "Obama""#).unwrap();
    assert_eq!(one.count(), thae.count());
    assert_eq!(
        both.count().unwrap(),
        thae.count().unwrap() + obama.count().unwrap()
    );
    // A list of the wrong kind is a type error, pointing at the parameter.
    let e = by_speakers
        .run(&db, &Params::new().bind("names", vec![1, 2]).bind("min", 0))
        .unwrap_err();
    assert!(e.to_string().contains("speaker"), "{e}");
}

#[test]
fn limit_and_offset_take_parameters() {
    let db = Db::open_in_memory(claimdb::OpenOptions::new().seed(true)).unwrap();
    let page = db
        .prepare("claims select id order by id limit $size offset $from")
        .unwrap();
    let ids = |from: u64| {
        let out = page
            .run(&db, &Params::new().bind("size", 3).bind("from", from))
            .unwrap();
        out.rows()
            .unwrap()
            .column("id")
            .unwrap()
            .iter()
            .map(|v| v.display())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(0), ["1", "2", "3"]);
    assert_eq!(ids(3), ["4", "5", "6"]);
    let e = page
        .run(&db, &Params::new().bind("size", 2.5).bind("from", 0))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "`limit` takes a whole number, and $size is 2.5"
    );
    let e = db.query("speakers limit $n").unwrap_err();
    assert_eq!(e.to_string(), "no value is bound to $n");
}

/// Each kind of mistake is typed, so a program can tell them apart without
/// reading the message. One row per kind.
#[test]
fn query_errors_have_kinds_a_program_can_match() {
    use claimdb::QueryErrorKind as K;
    let db = Db::open_in_memory(claimdb::OpenOptions::new().seed(true)).unwrap();
    let cases = [
        ("claims were id = 1", K::Syntax),
        ("claims where speeker = \"White\"", K::UnknownField),
        ("claims where quote = \"open", K::UnterminatedString),
        ("claims where quote = \"a\\qb\"", K::BadEscape),
        ("claims where confidence > 1.2.3", K::BadNumber),
        ("claims limit 99999999999999999999999", K::BadNumber),
        (&format!("claims where {}id = 1{}", "(".repeat(70), ")".repeat(70)), K::TooComplex),
        ("claims where speaker = $who", K::Parameter),
        ("claims where confidence = \"high\"", K::Invalid),
        ("add claim with speaker = \"Nobody At All\", source = \"fp-lazarus-review\", quote = \"mistake\", statement = \"s\", confidence = 0.5, rationale = \"r\"", K::UnknownName),
        ("delete claims", K::Refused),
    ];
    for (text, kind) in cases {
        match db.query(text) {
            Err(claimdb::Error::Query(e)) => assert_eq!(e.kind, kind, "{text}: {}", e.message),
            other => panic!("{text}: expected a query error, got {other:?}"),
        }
    }
}

/// The grammar's expectations at the end of an unfinished statement: what
/// the shell offers first when completing.
#[test]
fn the_parser_says_what_may_come_next() {
    use claimdb::query::{expected_at_end, Expected, Keyword as K, Table};
    let keywords = |prefix: &str| -> Vec<K> {
        expected_at_end(prefix)
            .into_iter()
            .filter_map(|e| match e {
                Expected::Keyword(k) => Some(k),
                _ => None,
            })
            .collect()
    };
    let cases: &[(&str, &[K])] = &[
        (
            "",
            &[
                K::Claims,
                K::Count,
                K::Speakers,
                K::Sources,
                K::Show,
                K::Explain,
                K::Add,
            ],
        ),
        (
            "claims ",
            &[K::Select, K::Where, K::Group, K::Order, K::Limit],
        ),
        ("count ", &[K::Claims]),
        ("add ", &[K::Source, K::Speaker, K::Claim]),
        (
            "claims where speaker = \"White\" ",
            &[K::And, K::Or, K::Order, K::Limit],
        ),
        (
            "claims where confidence ",
            &[K::Not, K::In, K::Between, K::Is, K::Contains],
        ),
        ("claims order by id ", &[K::Desc, K::Asc, K::Limit]),
        ("claims limit 5 ", &[K::Offset]),
    ];
    for (prefix, wanted) in cases {
        let got = keywords(prefix);
        for k in *wanted {
            assert!(got.contains(k), "{prefix:?}: {k} not in {got:?}");
        }
    }
    // What can never come next is not offered.
    assert!(!keywords("claims ").contains(&K::Offset));
    assert!(!keywords("claims limit 5 ").contains(&K::Where));
    assert!(expected_at_end("claims where ").contains(&Expected::Field(Table::Claims)));
    assert!(expected_at_end("speakers where ").contains(&Expected::Field(Table::Speakers)));
    assert!(expected_at_end("claims where id = ").contains(&Expected::Value));
    // A mistake before the end: nothing there can make it right.
    assert!(expected_at_end("claims were ").is_empty());
}

/// A note that no speaker is called so is given for `=` and `in`, which
/// name a speaker, and for nothing else (`contains "FBI"` names a part of
/// one, and matches).
#[test]
fn notes_about_names_follow_the_operator() {
    for on in engines::seeded() {
        let db = &on.db;
        let notes = |text: &str| db.query_with_stats(text).unwrap().1.notes;
        assert_eq!(
            notes(r#"claims where speaker = "Whit""#),
            [r#"no speaker is called "Whit" (did you mean "White"?)"#]
        );
        assert_eq!(
            notes(r#"claims where speaker in ("Whit", "Thae")"#).len(),
            1
        );
        for text in [
            r#"claims where speaker contains "FBI""#,
            r#"claims where speaker starts with "Whi""#,
            r#"claims where speaker matches "^Wh""#,
            r#"claims where speaker != "Nobody""#,
        ] {
            let (out, stats) = db.query_with_stats(text).unwrap();
            assert!(stats.notes.is_empty(), "{text}: {:?}", stats.notes);
            if text.contains("FBI") {
                assert!(!out.claims().unwrap().is_empty());
            }
        }
    }
}
