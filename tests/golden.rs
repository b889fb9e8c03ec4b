//! Data-driven query tests: every `tests/queries/*.cq` file runs against a
//! fresh database loaded with the seed, in one session (so `begin … commit`
//! spans cases), and each statement's output must match the expected text
//! written under it.
//!
//! A file is a series of cases:
//!
//! ```text
//! # a comment
//! @format json            (optional: table or json, for the cases after it)
//! @reads on                (optional: after each output, how many claims the
//!                           executor read, to pin an access path down)
//! @clock 2026-11-02T10:00:00Z  (optional: versions made after it are stamped
//!                           from that moment on, a millisecond apart)
//! claims where speaker = "Thae";
//! ----
//! expected output, or the error as the CLI draws it
//! (ends at a blank line)
//! ```
//!
//! Run with `UPDATE_GOLDEN=1` to rewrite the expected outputs from what
//! claimdb prints now; then read the diff before committing it.

use std::fmt::Write as _;
use std::path::Path;

#[path = "support/engines.rs"]
mod engines;
#[path = "support/server.rs"]
mod server;

use claimdb::render::{render, Format};
use claimdb::{Db, Error, Session};

/// Tables are rendered this wide, whatever the terminal.
const WIDTH: usize = 110;

struct Case {
    format: Format,
    reads: bool,
    query: String,
    expected: String,
}

enum Item {
    Text(String),
    Case(Case),
    /// `@clock WHEN`: the moment the next versions are stamped from.
    Clock(String),
}

/// Every file's database is seeded at this moment, by this author, so that
/// a history shows the same stamps and names at every run.
const SEEDED_AT: &str = "2026-10-01T08:00:00Z";
const AUTHOR: &str = "editor";

fn parse_file(text: &str) -> Vec<Item> {
    let mut items = Vec::new();
    let mut lines = text.lines().peekable();
    let mut format = Format::Table;
    let mut reads = false;
    while let Some(line) = lines.next() {
        if let Some(at) = line.strip_prefix("@clock ") {
            items.push(Item::Text(line.to_string()));
            items.push(Item::Clock(at.trim().to_string()));
        } else if let Some(r) = line.strip_prefix("@reads ") {
            reads = r.trim() == "on";
            items.push(Item::Text(line.to_string()));
        } else if let Some(f) = line.strip_prefix("@format ") {
            format = Format::parse(f.trim()).unwrap_or_else(|| panic!("unknown format {f:?}"));
            items.push(Item::Text(line.to_string()));
        } else if line.starts_with('#') || line.trim().is_empty() {
            items.push(Item::Text(line.to_string()));
        } else {
            let mut query = vec![line];
            let mut closed = false;
            for l in lines.by_ref() {
                if l == "----" {
                    closed = true;
                    break;
                }
                query.push(l);
            }
            // A statement without `----` is a broken file (often expected
            // output with a blank line in it): say so rather than guess.
            assert!(
                closed,
                "statement without a `----` line: {:?}",
                query.join("\n")
            );
            let mut expected = Vec::new();
            while let Some(l) = lines.peek() {
                if l.is_empty() {
                    break;
                }
                expected.push(*l);
                lines.next();
            }
            items.push(Item::Case(Case {
                format,
                reads,
                query: query.join("\n"),
                expected: expected.join("\n"),
            }));
        }
    }
    items
}

fn run(db: &Db, session: &mut Session, case: &Case) -> String {
    if case.reads {
        return match db.query_with_stats(&case.query) {
            Ok((out, stats)) => format!(
                "{}\n(read {} claims)",
                render(&out, case.format, WIDTH),
                stats.claims_read
            ),
            Err(e) => format!("error: {e}"),
        };
    }
    match session.execute(db, &case.query) {
        Ok(out) => render(&out, case.format, WIDTH),
        Err(Error::Query(e)) => e.render(&case.query, "query"),
        Err(e) => format!("error: {e}"),
    }
}

/// Runs one golden file on every engine ([`engines::engines`]); with
/// `UPDATE_GOLDEN=1`, the first engine's run rewrites its expected outputs
/// and the others are checked against them.
fn golden(name: &str) {
    for (engine, open) in engines::engines() {
        golden_on(name, engine, open);
    }
}

fn golden_on(name: &str, engine: &str, open: engines::Open) {
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/queries")
        .join(format!("{name}.cq"));
    let update = std::env::var_os("UPDATE_GOLDEN").is_some()
        && engines::engines()
            .first()
            .is_some_and(|(first, _)| *first == engine);
    let tmp = tempfile::tempdir().unwrap();
    let authorship = claimdb::model::Authorship {
        author: AUTHOR.into(),
        statement: "the seed".into(),
        reason: None,
    };
    claimdb::text::fix_clock(Some(SEEDED_AT)).unwrap();
    claimdb::with_authorship(authorship, || {
        run_file(&file, engine, open(tmp.path()), update)
    });
    claimdb::text::fix_clock(None).unwrap();
}

fn run_file(file: &Path, engine: &str, store: Box<dyn claimdb::store::Engine>, update: bool) {
    let db = Db::with_engine(store, claimdb::OpenOptions::new().seed(true)).unwrap();
    let mut session = Session::new();
    let text = std::fs::read_to_string(file).unwrap();
    let mut rewritten = String::new();
    let mut failures = String::new();
    let mut cases = 0;
    for item in parse_file(&text) {
        match item {
            Item::Text(t) => writeln!(rewritten, "{t}").unwrap(),
            Item::Clock(at) => claimdb::text::fix_clock(Some(&at))
                .unwrap_or_else(|| panic!("@clock {at}: not a date or a timestamp")),
            Item::Case(case) => {
                cases += 1;
                let actual = run(&db, &mut session, &case);
                if actual != case.expected {
                    writeln!(
                        failures,
                        "{}: {}\n--- expected\n{}\n--- actual\n{}\n",
                        file.display(),
                        case.query,
                        case.expected,
                        actual
                    )
                    .unwrap();
                }
                writeln!(rewritten, "{}\n----\n{}", case.query, actual).unwrap();
            }
        }
    }
    assert!(cases > 0, "{} holds no cases", file.display());
    if update {
        std::fs::write(file, rewritten).unwrap();
    } else {
        assert!(
            failures.is_empty(),
            "golden mismatches on the {engine} engine (UPDATE_GOLDEN=1 to accept):\n{failures}"
        );
    }
}

/// One test per golden file, run on every engine (a failure names both).
macro_rules! golden_files {
    ($($name:ident),* $(,)?) => {
        const LISTED: &[&str] = &[$(stringify!($name)),*];
        mod on_every_engine {
            $(#[test] fn $name() { super::golden(stringify!($name)) })*
        }
    };
}

golden_files!(
    attribution,
    errors,
    explain,
    filters,
    formats,
    history,
    json,
    lists,
    predicates,
    select,
    show,
    speakers,
    transactions,
    writes,
);

#[test]
fn every_golden_file_is_listed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/queries");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "cq"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    assert_eq!(
        on_disk, LISTED,
        "add the new file to golden_files! in tests/golden.rs"
    );
}

/// Every golden file again, through `claimdb serve` and a client session:
/// the same statements give the same output and the same errors (the
/// cases that report how many claims were read are left out: a server
/// does not say). A file that sets the clock (a history's stamps) is left
/// out too: the server stamps by its own clock.
#[test]
fn every_golden_file_through_a_server() {
    for name in LISTED {
        let file = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/queries")
            .join(format!("{name}.cq"));
        let text = std::fs::read_to_string(&file).unwrap();
        if text.lines().any(|l| l.starts_with("@clock ")) {
            continue;
        }
        let tmp = tempfile::tempdir().unwrap();
        let server = server::Server::start(&tmp.path().join("served.db"), &[]);
        let client = claimdb::client::Client::new(&server.url, None).unwrap();
        let mut session = claimdb::client::RemoteSession::new(client);
        let mut failures = String::new();
        let mut ran = 0;
        for item in parse_file(&text) {
            let Item::Case(case) = item else { continue };
            if case.reads {
                continue;
            }
            ran += 1;
            let actual = match session.execute(&case.query) {
                Ok(out) => render(&out, case.format, WIDTH),
                Err(Error::Query(e)) => e.render(&case.query, "query"),
                Err(e) => format!("error: {e}"),
            };
            if actual != case.expected {
                writeln!(
                    failures,
                    "{}: {}\n--- expected\n{}\n--- through the server\n{}\n",
                    file.display(),
                    case.query,
                    case.expected,
                    actual
                )
                .unwrap();
            }
        }
        assert!(ran > 0, "{} ran no case through the server", file.display());
        assert!(failures.is_empty(), "{failures}");
    }
}
