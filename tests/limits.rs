//! Every limit a reader enforces is enforced by the writer first: a value
//! over its limit is refused with the field named, and a value at the limit
//! is stored and reads back (a record a reader cannot decode would be lost
//! for good). One row per field.

use claimdb::limits::{MAX_ALIASES, MAX_FIELD_BYTES, MAX_NAME_BYTES, MAX_TAGS};
use claimdb::{Db, OpenOptions};

fn db() -> Db {
    let db = Db::open_in_memory(OpenOptions::new().seed(true)).unwrap();
    db.query(r#"add source "memo" with title = "A memo", text = "We will not ship on Friday.""#)
        .unwrap();
    db
}

/// A statement that sets one field to `value` (a string of `n` bytes).
type Make = fn(&str) -> String;

const FIELDS: &[(&str, Make, usize)] = &[
    (
        "statement",
        |v| {
            format!(
                r#"add claim with speaker = "White", source = "memo", quote = "We will not ship on Friday.", statement = "{v}", confidence = 0.5, rationale = "r""#
            )
        },
        MAX_FIELD_BYTES,
    ),
    (
        "rationale",
        |v| {
            format!(
                r#"add claim with speaker = "White", source = "memo", quote = "We will not ship on Friday.", statement = "s", confidence = 0.5, rationale = "{v}""#
            )
        },
        MAX_FIELD_BYTES,
    ),
    (
        "source title",
        |v| format!(r#"add source "t" with title = "{v}""#),
        MAX_FIELD_BYTES,
    ),
    (
        "source notes",
        |v| format!(r#"add source "n" with title = "T", notes = "{v}""#),
        MAX_FIELD_BYTES,
    ),
    (
        "source author",
        |v| format!(r#"update sources set author = "{v}" where id = "memo""#),
        MAX_FIELD_BYTES,
    ),
    (
        "speaker description",
        |v| format!(r#"add speaker "Ada" description "{v}""#),
        MAX_FIELD_BYTES,
    ),
    (
        "speaker description",
        |v| format!(r#"update speakers set description = "{v}" where name = "White""#),
        MAX_FIELD_BYTES,
    ),
    (
        "speaker name",
        |v| format!(r#"add speaker "{v}""#),
        MAX_NAME_BYTES,
    ),
    (
        "alias",
        |v| format!(r#"alias "{v}" to "White""#),
        MAX_NAME_BYTES,
    ),
    (
        "tag",
        |v| {
            format!(
                r#"add claim with speaker = "White", source = "memo", quote = "We will not ship on Friday.", statement = "s", confidence = 0.5, rationale = "r", tags = ("{v}")"#
            )
        },
        MAX_NAME_BYTES,
    ),
];

#[test]
fn every_field_is_held_to_its_limit_when_written() {
    for &(field, make, limit) in FIELDS {
        let db = db();
        let before = db.export(&dump(), &mut Vec::new()).unwrap();
        let over = "a".repeat(limit + 1);
        let e = db.query(&make(&over)).unwrap_err();
        let message = e.to_string();
        assert!(
            message.starts_with(&format!("invalid {field}: ")),
            "{field}: {message}"
        );
        assert!(message.contains("over the limit of"), "{field}: {message}");
        assert_eq!(
            db.export(&dump(), &mut Vec::new()).unwrap(),
            before,
            "{field}: written anyway"
        );
        // At the limit: stored, and every record still reads back.
        let at = "a".repeat(limit);
        db.query(&make(&at))
            .unwrap_or_else(|e| panic!("{field} at its limit: {e}"));
        let mut all = Vec::new();
        db.export(&dump(), &mut all).unwrap();
        assert!(String::from_utf8(all).unwrap().contains(&at), "{field}");
    }
}

fn dump() -> claimdb::export::ExportOptions {
    claimdb::export::ExportOptions {
        format: claimdb::export::ExportFormat::Dump,
        query: None,
        review: Default::default(),
        versions: false,
    }
}

#[test]
fn tags_and_aliases_are_counted() {
    let db = db();
    let tags = |n: usize| {
        (0..n)
            .map(|i| format!("\"t{i}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let claim = |n: usize| {
        format!(
            r#"add claim with speaker = "White", source = "memo", quote = "We will not ship on Friday.", statement = "s", confidence = 0.5, rationale = "r", tags = ({})"#,
            tags(n)
        )
    };
    let e = db.query(&claim(MAX_TAGS + 1)).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "invalid tags: {} of them, over the limit of {MAX_TAGS}",
            MAX_TAGS + 1
        )
    );
    db.query(&claim(MAX_TAGS)).unwrap();
    let names = |n: usize| {
        (0..n)
            .map(|i| format!("\"Ada {i}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let e = db
        .query(&format!(
            r#"add speaker "Ada" aliases ({})"#,
            names(MAX_ALIASES + 1)
        ))
        .unwrap_err();
    assert!(
        e.to_string().starts_with("invalid speaker aliases: "),
        "{e}"
    );
    db.query(&format!(
        r#"add speaker "Ada" aliases ({})"#,
        names(MAX_ALIASES)
    ))
    .unwrap();
    let e = db.query(r#"alias "One more" to "Ada""#).unwrap_err();
    assert!(
        e.to_string().starts_with("invalid speaker aliases: "),
        "{e}"
    );
}

#[test]
fn a_name_may_not_hold_a_nul() {
    let db = db();
    let e = db.query("add speaker \"Ada\\u{0}Lovelace\"").unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid speaker name: a name may not hold a NUL character"
    );
}
