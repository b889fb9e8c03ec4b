//! Properties over generated data: printing and parsing a condition give
//! back the same tree; encoding and decoding a stored record give back the
//! same record; and every indexed lookup finds exactly what a full scan
//! finds, on claims with messy typography.

use claimdb::error::Span;
use claimdb::model::{Anchor, Claim, Confidence, Mismatch, Status};
use claimdb::query::{parse, Expr, Field, Literal, Op, Spanned, Statement};
use claimdb::store::codec;
use proptest::prelude::*;

/// `cases` cases, and no file of failures to keep (a failure prints its case).
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn at<T>(node: T) -> Spanned<T> {
    Spanned::new(node, Span::default())
}

/// Text with the characters that strings make hard: quotes, backslashes,
/// control characters, curly quotes, accents.
fn messy_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just('"'),
            Just('\\'),
            Just('\n'),
            Just('\t'),
            Just('\u{1}'),
            Just('’'),
            Just('é'),
            Just(' '),
            proptest::char::range('a', 'z'),
        ],
        0..12,
    )
    .prop_map(|cs| cs.into_iter().collect())
}

fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        (0u32..10_000).prop_map(|n| f64::from(n) / 10_000.0),
        (-1_000_000i64..1_000_000).prop_map(|n| n as f64),
        (-1e6f64..1e6),
    ]
}

fn leaf() -> impl Strategy<Value = Expr> {
    let text_field = prop_oneof![
        Just(Field::Speaker),
        Just(Field::Source),
        Just(Field::Quote),
        Just(Field::Tag),
        Just(Field::Status),
    ];
    let number_field = prop_oneof![Just(Field::Confidence), Just(Field::Id)];
    let text_op = prop_oneof![
        Just(Op::Eq),
        Just(Op::Ne),
        Just(Op::Contains),
        Just(Op::StartsWith)
    ];
    let number_op = prop_oneof![
        Just(Op::Eq),
        Just(Op::Ne),
        Just(Op::Lt),
        Just(Op::Le),
        Just(Op::Gt),
        Just(Op::Ge)
    ];
    prop_oneof![
        (text_field.clone(), text_op, messy_text()).prop_map(|(f, op, s)| Expr::Compare {
            field: at(f),
            op,
            value: at(Literal::Str(s)),
        }),
        (number_field.clone(), number_op, number()).prop_map(|(f, op, n)| Expr::Compare {
            field: at(f),
            op,
            value: at(Literal::Num(n)),
        }),
        (text_field, proptest::collection::vec(messy_text(), 1..4)).prop_map(|(f, v)| {
            Expr::In {
                field: at(f),
                values: v.into_iter().map(|s| at(Literal::Str(s))).collect(),
            }
        }),
        (number_field, number(), number()).prop_map(|(f, lo, hi)| Expr::Between {
            field: at(f),
            low: at(Literal::Num(lo)),
            high: at(Literal::Num(hi)),
        }),
        any::<bool>().prop_map(|negated| Expr::IsNull {
            field: at(Field::Origin),
            negated,
        }),
        messy_text().prop_map(|t| Expr::HasTag(at(Literal::Str(t)))),
        any::<bool>().prop_map(Expr::Bool),
    ]
}

fn condition() -> impl Strategy<Value = Expr> {
    leaf().prop_recursive(5, 40, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Expr::And(Box::new(a), Box::new(b))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Expr::Or(Box::new(a), Box::new(b))),
            inner.prop_map(|a| Expr::Not(Box::new(a))),
        ]
    })
}

/// The same tree with every span zeroed, to compare structure alone.
fn without_spans(e: &Expr) -> Expr {
    let s = |x: &Spanned<Literal>| at(x.node.clone());
    let f = |x: &Spanned<Field>| at(x.node);
    match e {
        Expr::And(a, b) => Expr::And(Box::new(without_spans(a)), Box::new(without_spans(b))),
        Expr::Or(a, b) => Expr::Or(Box::new(without_spans(a)), Box::new(without_spans(b))),
        Expr::Not(a) => Expr::Not(Box::new(without_spans(a))),
        Expr::Compare { field, op, value } => Expr::Compare {
            field: f(field),
            op: *op,
            value: s(value),
        },
        Expr::In { field, values } => Expr::In {
            field: f(field),
            values: values.iter().map(s).collect(),
        },
        Expr::Between { field, low, high } => Expr::Between {
            field: f(field),
            low: s(low),
            high: s(high),
        },
        Expr::IsNull { field, negated } => Expr::IsNull {
            field: f(field),
            negated: *negated,
        },
        Expr::HasTag(t) => Expr::HasTag(s(t)),
        Expr::Bool(b) => Expr::Bool(*b),
        other => panic!("a condition the test does not know: {other}"),
    }
}

fn anchor() -> impl Strategy<Value = Anchor> {
    (
        any::<u64>(),
        any::<u64>(),
        any::<u32>(),
        proptest::collection::vec((any::<u64>(), any::<u64>()), 0..3),
        any::<bool>(),
        messy_text(),
        messy_text(),
    )
        .prop_map(
            |(start, end, line, segments, exact, prefix, suffix)| Anchor {
                start_byte: start,
                end_byte: end,
                start_char: start / 2,
                end_char: end / 2,
                line,
                column: line / 3,
                end_line: line.saturating_add(1),
                end_column: 7,
                segments,
                exact,
                prefix,
                suffix,
                text_sha256: "ab".repeat(32),
            },
        )
}

fn claim() -> impl Strategy<Value = Claim> {
    (
        (
            any::<u64>(),
            any::<u64>(),
            messy_text(),
            proptest::option::of(messy_text()),
        ),
        (messy_text(), messy_text(), 0u16..=10_000, messy_text()),
        proptest::collection::vec(messy_text(), 0..4),
        proptest::option::of(anchor()),
        (0usize..3, proptest::option::of(messy_text())),
        proptest::option::of((messy_text(), any::<u32>(), 0.0f64..1.0)),
    )
        .prop_map(
            |(
                (id, speaker, source, origin),
                (quote, statement, bp, rationale),
                tags,
                anchor,
                (status, key),
                mismatch,
            )| {
                Claim {
                    id,
                    speaker,
                    source,
                    origin,
                    quote,
                    statement,
                    confidence: Confidence::from_basis_points(bp),
                    rationale,
                    tags,
                    anchor,
                    status: [Status::Verified, Status::Unverified, Status::Broken][status],
                    attribution: key.as_ref().map(|k| claimdb::model::Attribution {
                        verdict: claimdb::model::AttributionVerdict::ALL[k.len() % 3],
                        named: Some(k.clone()),
                        cue: (k.len() % 2 == 0).then(|| k.clone()),
                        rule: Some("reported speech".into()),
                        line: k.len() as u32,
                        column: 1,
                    }),
                    mode: key.as_ref().map(|k| claimdb::model::Mode::ALL[k.len() % 3]),
                    reviews: key
                        .iter()
                        .map(|k| claimdb::Review {
                            rating_value: Some(k.len() as f64 / 2.0),
                            rating_name: Some(k.clone()),
                            url: (k.len() % 2 == 0).then(|| format!("https://x.example/{k}")),
                            ..Default::default()
                        })
                        .collect(),
                    key,
                    mismatch: mismatch.map(|(passage, line, score)| Mismatch {
                        verdict: "approximate".into(),
                        passage: Some(passage),
                        line,
                        column: line / 2,
                        score,
                        changes: vec!["a change".into()],
                        text_sha256: "cd".repeat(32),
                    }),
                }
            },
        )
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn printing_then_parsing_a_condition_gives_the_same_tree(e in condition()) {
        let printed = format!("claims where {e}");
        let parsed = parse(&printed).map_err(|err| {
            TestCaseError::fail(format!("{printed:?} does not parse: {}", err.message))
        })?;
        let Statement::Claims(q) = parsed else {
            return Err(TestCaseError::fail("not a claims query"));
        };
        let filter = q.filter.expect("a filter");
        prop_assert_eq!(without_spans(&filter), without_spans(&e), "{}", printed);
    }

    #[test]
    fn decoding_an_encoded_claim_gives_the_same_claim(c in claim()) {
        let bytes = codec::encode_claim(&c).unwrap();
        let back: Claim = codec::decode_claim(&bytes).unwrap();
        prop_assert_eq!(back, c.clone());
        // A claim written before claims held reviews (value version 3)
        // still decodes, with none.
        let mut old = c.clone();
        old.reviews = Vec::new();
        let mut v3 = codec::encode(&old).unwrap();
        v3.truncate(v3.len() - 1); // the encoded length of no reviews
        v3[0] = 3;
        prop_assert_eq!(codec::decode_claim(&v3).unwrap(), old.clone());
        // One written before claims had attributions (value version 2:
        // its key, no attribution or mode), with none.
        old.attribution = None;
        old.mode = None;
        let mut v2 = codec::encode(&old).unwrap();
        v2.truncate(v2.len() - 3); // attribution's and mode's `None`s, no reviews
        v2[0] = 2;
        prop_assert_eq!(codec::decode_claim(&v2).unwrap(), old.clone());
        // And one written before claims had keys (value version 1).
        old.key = None;
        let mut v1 = codec::encode(&old).unwrap();
        v1.truncate(v1.len() - 4); // the `None`s of key, attribution and mode, no reviews
        prop_assert_eq!(codec::decode_claim(&v1).unwrap(), old);
    }
}

/// Tags, speakers and statuses as people type them: case, spacing, curly
/// apostrophes, no-break spaces.
const TAG_SPELLINGS: &[&str] = &[
    "don't panic",
    "Don’t Panic",
    " DON'T  PANIC ",
    "don\u{a0}t panic",
    "south-korea",
    "South-Korea",
    "sanctions",
    "SANCTIONS ",
    "ünïcode",
    "u\u{308}nïcode",
];

proptest! {
    #![proptest_config(config(24))]

    #[test]
    fn every_indexed_lookup_finds_what_a_scan_finds(
        picks in proptest::collection::vec((0usize..TAG_SPELLINGS.len(), 0usize..TAG_SPELLINGS.len(), 0u16..=10_000), 1..12),
        probe in 0usize..TAG_SPELLINGS.len(),
        low in 0u16..=10_000,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let db = claimdb::Db::open_with(
            dir.path().join("p.db"),
            claimdb::OpenOptions::new().seed(true).durability(claimdb::Durability::ProcessCrash),
        ).unwrap();
        for (a, b, bp) in &picks {
            let added = db.add_claim(&claimdb::NewClaim {
                speaker: ["White", "Geoff White", "WHITE", "  white "][*a % 4].into(),
                source: "fp-lazarus-review".into(),
                origin: None,
                quote: "Remember the 11th of September 2001.".into(),
                statement: "s".into(),
                confidence: f64::from(*bp) / 10_000.0,
                rationale: "r".into(),
                tags: vec![TAG_SPELLINGS[*a].into(), TAG_SPELLINGS[*b].into()],
                key: None,
                ..Default::default()
            });
            // The same speaker and passage again is one claim, refused.
            match added {
                Ok(_) | Err(claimdb::Error::DuplicateClaim { .. }) => {}
                Err(e) => panic!("{e}"),
            }
        }
        let tag = TAG_SPELLINGS[probe];
        let threshold = f64::from(low) / 10_000.0;
        for condition in [
            format!("tag = {tag:?}"),
            format!("has tag {tag:?}"),
            format!("tag in ({tag:?}, \"sanctions\")"),
            "speaker = \" WHITE \"".to_string(),
            "status = \"VERIFIED\"".to_string(),
            format!("confidence >= {threshold}"),
            format!("confidence between {threshold} and 0.75"),
            format!("speaker = \"white\" and tag = {tag:?} and confidence < {threshold}"),
        ] {
            let ids = |q: &str| -> Vec<u64> {
                db.query(q).unwrap().claims().unwrap().iter().map(|r| r.claim.id).collect()
            };
            let (_, stats) = db.query_with_stats(&format!("claims where {condition}")).unwrap();
            let indexed = ids(&format!("claims where {condition} order by id"));
            // An `or` with a branch no index answers forces a full scan.
            let scanned = ids(&format!("claims where ({condition}) or quote = \"\\u{{1}}\" order by id"));
            prop_assert_eq!(&indexed, &scanned, "{}", condition);
            let (_, scan_stats) = db.query_with_stats(&format!("claims where ({condition}) or quote = \"\\u{{1}}\"")).unwrap();
            prop_assert!(scan_stats.claims_read >= stats.claims_read);
        }
    }
}
