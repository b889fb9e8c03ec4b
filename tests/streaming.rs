//! At 100,000 claims, the executor reads only what a statement needs: its
//! counters show that `count claims` reads no claim, `claims limit 10` ten,
//! and a primary-key lookup one.

use claimdb::{Db, NewClaim, NewSource, NewSpeaker, OpenOptions};

const CLAIMS: u64 = 100_000;

/// A generated corpus in memory: one source without text (so the claims are
/// stored unverified, without a citation check), two speakers.
fn corpus() -> Db {
    let db = Db::open_in_memory(OpenOptions::new().seed(false)).unwrap();
    db.write(|w| {
        w.add_source(&NewSource {
            id: "gen".into(),
            title: "Generated".into(),
            ..Default::default()
        })?;
        for name in ["Alpha Speaker", "Beta Speaker"] {
            w.add_speaker(&NewSpeaker {
                name: name.into(),
                aliases: vec![],
                description: None,
            })?;
        }
        for n in 0..CLAIMS {
            w.add_claim(&NewClaim {
                speaker: if n % 100 == 0 {
                    "Beta Speaker"
                } else {
                    "Alpha Speaker"
                }
                .into(),
                source: "gen".into(),
                origin: None,
                quote: format!("generated quote {n}"),
                statement: format!("generated statement {n}"),
                confidence: (n % 10_000) as f64 / 10_000.0,
                rationale: "generated".into(),
                tags: vec![format!("t{}", n % 7)],
                key: None,
                ..Default::default()
            })?;
        }
        Ok(())
    })
    .unwrap();
    db
}

#[test]
fn statements_read_only_what_they_return() {
    let db = corpus();
    let read = |q: &str| {
        let (out, stats) = db.query_with_stats(q).unwrap();
        (out, stats.claims_read)
    };
    let (out, n) = read("count claims");
    assert_eq!((out.count(), n), (Some(CLAIMS), 0));
    let (out, n) = read("claims limit 10");
    assert_eq!((out.claims().unwrap().len(), n), (10, 10));
    let (out, n) = read("claims limit 10 offset 20");
    assert_eq!(out.claims().unwrap()[0].claim.id, 21);
    assert_eq!(n, 30);
    let (out, n) = read("claims where id = 9435");
    assert_eq!((out.claims().unwrap().len(), n), (1, 1));
    let (out, n) = read("claims where id between 500 and 509");
    assert_eq!((out.claims().unwrap().len(), n), (10, 10));
    // An index read stops at the limit too: 1,000 Beta claims, 5 read.
    let (out, n) = read(r#"claims where speaker = "Beta Speaker" limit 5"#);
    assert_eq!((out.claims().unwrap().len(), n), (5, 5));
    // The speaker index answers the condition: its kept count is the answer.
    let (out, n) = read(r#"count claims where speaker = "Beta Speaker""#);
    assert_eq!((out.count(), n), (Some(1_000), 0));
    // Its entries record each claim's confidence: a confidence range
    // with it is counted from them too.
    let (out, n) = read(r#"count claims where speaker = "Beta Speaker" and confidence >= 0"#);
    assert_eq!((out.count(), n), (Some(1_000), 0));
    // A condition the index only narrows reads what it narrows to.
    let (out, n) = read(r#"count claims where speaker = "Beta Speaker" and confidence != 2"#);
    assert_eq!((out.count(), n), (Some(1_000), 1_000));
    // Planning reads the counts kept beside the indexes, not the entries:
    // its estimates are exact, and explain reads no claim.
    let estimate = |q: &str| {
        let (out, n) = read(&format!("explain {q}"));
        assert_eq!(n, 0);
        out.plan().unwrap().estimated_rows()
    };
    assert_eq!(estimate(r#"claims where speaker = "Beta Speaker""#), 1_000);
    let t3 = read(r#"count claims where tag = "t3""#).0.count().unwrap();
    assert_eq!(estimate(r#"claims where tag = "t3""#), t3);
    let in_range = read("count claims where confidence between 0.25 and 0.2599")
        .0
        .count()
        .unwrap();
    assert_eq!(
        estimate("claims where confidence between 0.25 and 0.2599"),
        in_range
    );
    // Top k: every claim is read, 3 are kept and returned.
    let (out, _) = read("claims order by confidence desc, id limit 3");
    let top: Vec<u64> = out.claims().unwrap().iter().map(|r| r.claim.id).collect();
    assert_eq!(top, [10_000, 20_000, 30_000]);
}

/// Rows written one at a time read exactly as the whole output rendered.
#[test]
fn streamed_rows_match_the_rendered_output() {
    use claimdb::render::{render, ClaimWriter, Format};
    let db = Db::open_in_memory(OpenOptions::new().seed(true)).unwrap();
    for q in [
        "claims",
        "claims where id < 0",
        r#"claims where speaker = "White" order by confidence desc, id limit 4 offset 1"#,
        r#"claims where quote contains "," limit 3"#,
    ] {
        for format in [Format::Jsonl, Format::Csv] {
            let expected = format!(
                "{}{}",
                render(&db.query(q).unwrap(), format, 100),
                format.line_end()
            );
            let mut bytes = Vec::new();
            let mut writer = ClaimWriter::new(&mut bytes, format).unwrap();
            let mut session = claimdb::Session::new();
            let streamed = session
                .execute_streaming(&db, q, &mut |row| {
                    writer.claim(&row).map_err(|source| claimdb::Error::Io {
                        path: "<test>".into(),
                        source,
                    })
                })
                .unwrap();
            assert!(streamed.is_none(), "{q} should stream");
            writer.finish().unwrap();
            assert_eq!(
                String::from_utf8(bytes).unwrap(),
                expected,
                "{q} as {format:?}"
            );
        }
    }
    let mut session = claimdb::Session::new();
    let grouped = session
        .execute_streaming(&db, "count claims group by speaker", &mut |_| Ok(()))
        .unwrap();
    assert!(grouped.is_some(), "a grouped query comes back whole");
}
