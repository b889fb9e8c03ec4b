//! Import and the dump: a dump imported into an empty database gives an
//! equal database (the seed, and a generated corpus with repeated
//! passages); importing twice changes nothing; a claim stored twice is
//! refused; and every kind of bad file gets its FILE:LINE and a clear
//! message and leaves the database as it was (a table: a new case is a row).

use std::path::{Path, PathBuf};

use claimdb::import::{ImportOptions, ImportReport, InputFormat, Outcome};
use claimdb::model::{NewClaim, NewSource, NewSpeaker};
use claimdb::{Db, OpenOptions};

mod support;

fn dump_of(db: &Db) -> String {
    let mut out = Vec::new();
    claimdb::export::write_dump(&*db.view().unwrap(), &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn empty(dir: &Path, name: &str) -> Db {
    Db::open_with(dir.join(name), OpenOptions::new().seed(false)).unwrap()
}

fn import(db: &Db, files: &[PathBuf], options: &ImportOptions) -> ImportReport {
    db.import(files, options).unwrap()
}

/// The records a database holds, every field, ids included.
fn contents(
    db: &Db,
) -> (
    Vec<claimdb::model::Source>,
    Vec<claimdb::model::Speaker>,
    Vec<claimdb::model::Claim>,
    Vec<Option<String>>,
) {
    let view = db.view().unwrap();
    let sources = view.sources().unwrap();
    let texts = sources
        .iter()
        .map(|s| view.source_text(&s.id).unwrap())
        .collect();
    let claims = view.claims().collect::<Result<Vec<_>, _>>().unwrap();
    (sources, view.speakers().unwrap(), claims, texts)
}

fn round_trip(original: &Db, dir: &Path) {
    let dump = dump_of(original);
    let file = dir.join("dump.jsonl");
    std::fs::write(&file, &dump).unwrap();
    let copy = empty(dir, "copy.db");
    let report = import(
        &copy,
        std::slice::from_ref(&file),
        &ImportOptions::default(),
    );
    assert!(
        report.written && !report.refused(),
        "{:?}",
        report
            .rows
            .iter()
            .filter(|r| r.outcome == Outcome::Refused)
            .collect::<Vec<_>>()
    );
    assert_eq!(
        contents(&copy),
        contents(original),
        "every field survives the round trip"
    );
    assert_eq!(dump_of(&copy), dump, "the copy dumps to the same bytes");
    // And importing the dump again changes nothing.
    let again = import(&copy, &[file], &ImportOptions::default());
    assert_eq!(again.count(Outcome::Added), 0);
    assert_eq!(dump_of(&copy), dump);
}

#[test]
fn the_seed_survives_a_dump_and_an_import() {
    let dir = tempfile::tempdir().unwrap();
    let seed = Db::open_with(
        dir.path().join("seed.db"),
        claimdb::OpenOptions::new().seed(true),
    )
    .unwrap();
    assert_eq!(seed.view().unwrap().claim_count().unwrap(), 61);
    round_trip(&seed, dir.path());
}

/// A generated corpus: several sources whose sentences repeat, so quotes
/// occur more than once and the dump's anchors must pick the same one.
#[test]
fn a_generated_corpus_with_repeated_passages_survives_a_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let db = empty(dir.path(), "gen.db");
    let sentences = [
        "The river is rising.",
        "The levee will not hold.",
        "We moved 4,000 sandbags overnight.",
        "Nobody was hurt.",
    ];
    db.write(|w| {
        for s in 0..4 {
            let text: String = (0..30)
                .map(|k| format!("{} ", sentences[(k + s) % 4]))
                .collect();
            w.add_source(&NewSource {
                id: format!("report-{s}"),
                title: format!("Report {s}"),
                text: Some(text),
                ..Default::default()
            })?;
        }
        w.add_source(&NewSource {
            id: "no-text".into(),
            title: "A meeting".into(),
            ..Default::default()
        })?;
        for p in 0..5 {
            w.add_speaker(&NewSpeaker {
                name: format!("Person {p}"),
                aliases: vec![format!("P{p}")],
                description: Some("an engineer".into()),
            })?;
        }
        let mut n = 0;
        for s in 0..4 {
            for (k, sentence) in sentences.iter().enumerate() {
                // The same sentence, anchored at different occurrences by a hint.
                for occurrence in 0..3usize {
                    let claim = NewClaim {
                        speaker: format!("Person {}", (n % 5)),
                        source: format!("report-{s}"),
                        origin: Some("no-text".into()),
                        quote: sentence.to_string(),
                        statement: format!("statement {n}"),
                        confidence: (n % 10) as f64 / 10.0,
                        rationale: "generated".into(),
                        tags: vec![format!("t{k}")],
                        key: None,
                        ..Default::default()
                    };
                    let hint = claimdb::cite::Hint {
                        start_byte: Some(occurrence * 200 + k),
                        ..Default::default()
                    };
                    match w.add_claim_at(&claim, Some(&hint)) {
                        Ok(_) | Err(claimdb::Error::DuplicateClaim { .. }) => {}
                        Err(e) => return Err(e),
                    }
                    n += 1;
                }
            }
        }
        w.add_claim(&NewClaim {
            speaker: "P1".into(),
            source: "no-text".into(),
            origin: None,
            quote: "anything".into(),
            statement: "unverified".into(),
            confidence: 0.5,
            rationale: "no text".into(),
            tags: vec![],
            key: None,
            ..Default::default()
        })?;
        Ok(())
    })
    .unwrap();
    let claims = db.view().unwrap().claim_count().unwrap();
    assert!(claims > 40, "{claims} claims");
    // A source's text changes under its claims: those quoting the sentence
    // that went are broken, and a dump must bring them back broken.
    let old = db.source_text("report-0").unwrap().unwrap();
    let changed = old.replace("Nobody was hurt.", "Two were hurt.");
    let rechecks = db.replace_source_text("report-0", &changed).unwrap();
    assert!(rechecks.iter().any(|r| r.after == claimdb::Status::Broken));
    round_trip(&db, dir.path());
}

/// One bad file per row: its name, its bytes, the line and the words the
/// refusal must have. The database is the seed, and stays as it was.
#[test]
fn bad_files_are_refused_with_file_and_line_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open_with(
        dir.path().join("seed.db"),
        claimdb::OpenOptions::new().seed(true),
    )
    .unwrap();
    let before = dump_of(&db);
    std::fs::create_dir(dir.path().join("a-folder")).unwrap();
    std::fs::write(dir.path().join("binary.txt"), b"text\0with a NUL").unwrap();
    std::fs::write(dir.path().join("latin1.txt"), b"caf\xe9").unwrap();
    let big = std::fs::File::create(dir.path().join("big.txt")).unwrap();
    big.set_len(claimdb::limits::MAX_SOURCE_TEXT_BYTES as u64 + 1)
        .unwrap();
    let claim = r#"{"type":"claim","speaker":"White","source":"fp-lazarus-review","quote":"Remember the 11th of September 2001.","statement":"s","confidence":0.5,"rationale":"r"}"#;
    let rows: &[(&str, &[u8], usize, &str)] = &[
        ("json.jsonl", b"{\"type\":\"claim\",\n", 1, "invalid JSON at column"),
        ("utf8.jsonl", b"\n{\"type\":\"speaker\",\"name\":\"caf\xe9\"}\n", 2, "invalid UTF-8 at column 30"),
        ("no-type.jsonl", b"{\"name\":\"X\"}", 1, "missing field `type`"),
        ("kind.jsonl", b"{\"type\":\"person\",\"name\":\"X\"}", 1, "unknown variant `person`"),
        ("field.jsonl", b"{\"type\":\"speaker\",\"name\":\"X\",\"nickname\":\"Y\"}", 1, "unknown field `nickname`"),
        ("missing.jsonl", b"{\"type\":\"claim\",\"speaker\":\"White\",\"source\":\"fp-lazarus-review\",\"statement\":\"s\",\"confidence\":0.5,\"rationale\":\"r\"}", 1, "missing field `quote`"),
        ("wrong-type.jsonl", br#"{"type":"claim","speaker":"White","source":"fp-lazarus-review","quote":"q","statement":"s","confidence":"high","rationale":"r"}"#, 1, "invalid type: string \"high\", expected f64"),
        ("range.jsonl", br#"{"type":"claim","speaker":"White","source":"fp-lazarus-review","quote":"Remember the 11th of September 2001.","statement":"s","confidence":1.5,"rationale":"r"}"#, 1, "1.5 is outside 0..=1"),
        ("nan.csv", b"speaker,source,quote,statement,confidence,rationale\nWhite,fp-lazarus-review,Remember the 11th of September 2001.,s,NaN,r\n", 2, "NaN is outside 0..=1"),
        ("no-source.jsonl", br#"{"type":"claim","speaker":"White","source":"nope","quote":"q","statement":"s","confidence":0.5,"rationale":"r"}"#, 1, "no source \"nope\""),
        ("no-speaker.jsonl", br#"{"type":"claim","speaker":"Nobody Known","source":"fp-lazarus-review","quote":"q","statement":"s","confidence":0.5,"rationale":"r"}"#, 1, "no speaker \"Nobody Known\""),
        ("misquote.jsonl", br#"{"type":"claim","speaker":"White","source":"fp-lazarus-review","quote":"Remember the 11th of September 2002.","statement":"s","confidence":0.5,"rationale":"r"}"#, 1, "the quote is not in source \"fp-lazarus-review\""),
        ("text-missing.jsonl", br#"{"type":"source","id":"s1","title":"T","text_file":"missing.txt"}"#, 1, "text_file \"missing.txt\": no such file"),
        ("text-dir.jsonl", br#"{"type":"source","id":"s1","title":"T","text_file":"a-folder"}"#, 1, "is a directory"),
        ("text-binary.jsonl", br#"{"type":"source","id":"s1","title":"T","text_file":"binary.txt"}"#, 1, "binary (it holds NUL bytes)"),
        ("text-latin1.jsonl", br#"{"type":"source","id":"s1","title":"T","text_file":"latin1.txt"}"#, 1, "not UTF-8 text"),
        ("text-big.jsonl", br#"{"type":"source","id":"s1","title":"T","text_file":"big.txt"}"#, 1, "larger than the limit of 16 MiB"),
        ("both.jsonl", br#"{"type":"source","id":"s1","title":"T","text":"x","text_file":"big.txt"}"#, 1, "`text` or `text_file`, not both"),
        ("bad-id.jsonl", br#"{"type":"source","id":"Not A Slug","title":"T"}"#, 1, "invalid source id"),
        ("changed-source.jsonl", br#"{"type":"source","id":"fp-lazarus-review","title":"T","text":"other"}"#, 1, "already stored with a different text"),
        ("fields.csv", b"speaker,source\nWhite,fp-lazarus-review,extra\n", 2, "3 fields where the header has 2"),
        ("utf8.csv", b"type,name\nspeaker,caf\xe9\n", 2, "invalid UTF-8 in field 2"),
        ("dump.jsonl", b"{\"type\":\"dump\",\"format_version\":99}", 1, "written in format 99"),
    ];
    for (name, bytes, line, words) in rows {
        let file = dir.path().join(name);
        // A good row beside the bad one: all or nothing keeps it out too.
        let mut content = bytes.to_vec();
        if name.ends_with(".jsonl") {
            content.extend_from_slice(format!("\n{claim}\n").as_bytes());
        }
        std::fs::write(&file, &content).unwrap();
        let report = import(&db, std::slice::from_ref(&file), &ImportOptions::default());
        let refused: Vec<_> = report
            .rows
            .iter()
            .filter(|r| r.outcome == Outcome::Refused)
            .collect();
        assert_eq!(refused.len(), 1, "{name}: {:?}", report.rows);
        let r = refused[0];
        assert_eq!(
            (r.file.as_str(), r.line),
            (file.display().to_string().as_str(), *line),
            "{name}"
        );
        let said = format!(
            "{} {}",
            r.message.as_deref().unwrap_or(""),
            r.findings.join(" ")
        );
        assert!(
            said.contains(words),
            "{name}: {said:?} does not say {words:?}"
        );
        assert!(!report.written, "{name}");
        assert_eq!(dump_of(&db), before, "{name} changed the database");
    }
}

/// Spreadsheets write their own way: headers in any case with spaces
/// about, `;` or tab between cells, confidences as percentages. Each file
/// of the table holds one claim, written with `confidence` as given.
#[test]
fn a_spreadsheet_export_imports_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let files: &[(&str, &str, f64)] = &[
        ("comma.csv", "Speaker,Source,Quote,Statement,Confidence,Rationale\nWhite,fp-lazarus-review,Remember the 11th of September 2001.,s,0.5,r\n", 0.5),
        ("cased.csv", " SPEAKER , source,QUOTE ,Statement,confidence,Rationale\nWhite,fp-lazarus-review,Remember the 11th of September 2001.,s,0.25,r\n", 0.25),
        ("semicolon.csv", "Speaker;Source;Quote;Statement;Confidence;Rationale\nWhite;fp-lazarus-review;\"Remember the 11th of September 2001.\";s, with a comma;80%;r\n", 0.8),
        ("tab.csv", "Speaker\tSource\tQuote\tStatement\tConfidence\tRationale\nWhite\tfp-lazarus-review\tRemember the 11th of September 2001.\ts\t 7 % \tr\n", 0.07),
        ("quoted-comma.csv", "\"Speaker,\";Source;Quote;Statement;Confidence;Rationale\n", 0.0),
    ];
    for (name, content, confidence) in files {
        let db = Db::open_with(
            dir.path().join(format!("{name}.db")),
            claimdb::OpenOptions::new().seed(true),
        )
        .unwrap();
        let file = dir.path().join(name);
        std::fs::write(&file, content).unwrap();
        let result = db.import(std::slice::from_ref(&file), &ImportOptions::default());
        if *name == "quoted-comma.csv" {
            // A delimiter inside quotes does not count: `;` separates, and
            // the header `Speaker,` names no column.
            let e = result.unwrap_err().to_string();
            assert!(e.contains(":1: unknown column \"Speaker,\""), "{e}");
            continue;
        }
        let report = result.unwrap();
        assert!(
            report.written && !report.refused(),
            "{name}: {:?}",
            report.rows
        );
        let stored = db
            .query("claims where quote = \"Remember the 11th of September 2001.\" order by id desc limit 1")
            .unwrap();
        let claim = &stored.claims().unwrap()[0].claim;
        assert_eq!(claim.confidence.value(), *confidence, "{name}");
    }
}

/// A header naming a column no record has is one error for the file,
/// naming the column and where, not one refusal per row; nothing is
/// written.
#[test]
fn a_bad_spreadsheet_header_is_one_error_for_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open_with(
        dir.path().join("seed.db"),
        claimdb::OpenOptions::new().seed(true),
    )
    .unwrap();
    let before = dump_of(&db);
    let cases: &[(&str, &str, &str)] = &[
        ("colour.csv", "Speaker,Colour\nWhite,red\nWhite,blue\n", ":1: unknown column \"Colour\" in the header; the columns are type, id,"),
        ("pipes.csv", "Type|Name\nspeaker|Ada\n", ":1: unknown column \"Type|Name\" in the header (is \"|\" the delimiter? give it with --delimiter); the columns are"),
        ("percent.csv", "speaker,source,quote,statement,confidence,rationale\nWhite,fp-lazarus-review,Remember the 11th of September 2001.,s,lots%,r\n", "invalid confidence: \"lots%\" is not a number or a percentage"),
        ("over.csv", "speaker,source,quote,statement,confidence,rationale\nWhite,fp-lazarus-review,Remember the 11th of September 2001.,s,120%,r\n", "1.2 is outside 0..=1"),
    ];
    for (name, content, words) in cases {
        let file = dir.path().join(name);
        std::fs::write(&file, content).unwrap();
        let said = match db.import(std::slice::from_ref(&file), &ImportOptions::default()) {
            Err(e) => e.to_string(),
            Ok(report) => {
                let refused: Vec<_> = report
                    .rows
                    .iter()
                    .filter(|r| r.outcome == Outcome::Refused)
                    .collect();
                assert_eq!(refused.len(), 1, "{name}: {:?}", report.rows);
                format!(
                    "{}:{}: {}",
                    refused[0].file,
                    refused[0].line,
                    refused[0].message.as_deref().unwrap_or("")
                )
            }
        };
        assert!(
            said.contains(words),
            "{name}: {said:?} does not say {words:?}"
        );
        assert_eq!(dump_of(&db), before, "{name} changed the database");
    }
}

#[test]
fn partial_writes_the_good_rows_and_dry_run_writes_none() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open_with(
        dir.path().join("seed.db"),
        claimdb::OpenOptions::new().seed(true),
    )
    .unwrap();
    let file = dir.path().join("mixed.csv");
    std::fs::write(
        &file,
        "type,name,aliases,id,title,text,speaker,source,quote,statement,confidence,rationale,tags\n\
         speaker,Ada Lovelace,Ada;A. L.,,,,,,,,,,\n\
         source,,,memo,A memo,We will ship on Friday. Then we rest.,,,,,,,\n\
         claim,,,,,,Ada,memo,We will ship on Friday.,Ada says Friday.,0.9,her memo,release;dates\n\
         claim,,,,,,Ada,memo,We will ship on Monday.,Ada says Monday.,0.9,her memo,\n",
    )
    .unwrap();
    let before = dump_of(&db);
    let seen = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let dry = import(
        &db,
        std::slice::from_ref(&file),
        &ImportOptions {
            dry_run: true,
            partial: true,
            format: None,
            progress: Some(claimdb::import::Progress(std::sync::Arc::new({
                let seen = seen.clone();
                move |done, total| {
                    seen.store(done * 1000 + total, std::sync::atomic::Ordering::SeqCst)
                }
            }))),
            ..ImportOptions::default()
        },
    );
    // The progress feed ends with every row done.
    assert_eq!(seen.load(std::sync::atomic::Ordering::SeqCst), 4 * 1000 + 4);
    assert_eq!(
        (
            dry.count(Outcome::Added),
            dry.count(Outcome::Refused),
            dry.written
        ),
        (3, 1, false)
    );
    assert_eq!(dump_of(&db), before);
    let partial = import(
        &db,
        std::slice::from_ref(&file),
        &ImportOptions {
            partial: true,
            ..Default::default()
        },
    );
    assert!(partial.written);
    assert_eq!(partial.count_of("claim", Outcome::Added), 1);
    let refused = partial
        .rows
        .iter()
        .find(|r| r.outcome == Outcome::Refused)
        .unwrap();
    assert_eq!(refused.line, 5);
    assert!(
        refused
            .findings
            .iter()
            .any(|f| f.contains("\"Monday.\" where the source says \"Friday\"")),
        "{:?}",
        refused.findings
    );
    let stored = db.claim(62).unwrap().unwrap();
    assert_eq!(stored.tags, vec!["release", "dates"]);
    // The same file as JSON Lines, forced by --input-format: all unchanged.
    let again = import(
        &db,
        &[file],
        &ImportOptions {
            partial: true,
            format: Some(InputFormat::Csv),
            ..Default::default()
        },
    );
    assert_eq!(
        (again.count(Outcome::Added), again.count(Outcome::Unchanged)),
        (0, 3)
    );
}

#[test]
fn the_command_reports_file_line_and_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("seed.db");
    let file = dir.path().join("c.jsonl");
    std::fs::write(
        &file,
        "{\"type\":\"speaker\",\"name\":\"X\",\"nickname\":\"Y\"}\n",
    )
    .unwrap();
    let out = support::run_within(
        &db,
        &["import", file.to_str().unwrap()],
        "",
        std::time::Duration::from_secs(60),
    )
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout.contains(&format!(
            "{}:1: speaker refused: unknown field `nickname`",
            file.display()
        )),
        "{stdout}"
    );
    assert!(stdout.contains("nothing written"), "{stdout}");
    // The same report for programs: every row, as JSON.
    let out = support::run_within(
        &db,
        &["--format", "json", "import", file.to_str().unwrap()],
        "",
        std::time::Duration::from_secs(60),
    )
    .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["written"], false);
    assert_eq!(report["rows"][0]["line"], 1);
    assert_eq!(report["rows"][0]["outcome"], "refused");
    assert!(report["rows"][0]["message"]
        .as_str()
        .unwrap()
        .contains("unknown field `nickname`"));
    let out =
        support::run_within(&db, &["export"], "", std::time::Duration::from_secs(60)).unwrap();
    let dump = String::from_utf8_lossy(&out.stdout);
    assert!(
        dump.starts_with("{\"type\":\"dump\",\"format_version\":"),
        "{dump}"
    );
    assert_eq!(
        dump.lines()
            .filter(|l| l.starts_with("{\"type\":\"claim\""))
            .count(),
        61
    );
}

/// A caller's key: a row with a stored key updates that claim (re-checked),
/// the same row again changes nothing, and `add claim` refuses a key in use.
#[test]
fn a_keyed_row_updates_its_claim() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open_with(
        dir.path().join("seed.db"),
        claimdb::OpenOptions::new().seed(true),
    )
    .unwrap();
    let file = dir.path().join("keyed.jsonl");
    let row = |statement: &str, confidence: f64, quote: &str| {
        format!(
            r#"{{"type":"claim","key":"desk-0042","speaker":"White","source":"fp-lazarus-review","quote":"{quote}","statement":"{statement}","confidence":{confidence},"rationale":"r"}}"#
        )
    };
    let quote = "While the book reads like a typical Hollywood crime drama";
    std::fs::write(&file, row("first wording", 0.6, quote)).unwrap();
    let first = import(&db, std::slice::from_ref(&file), &ImportOptions::default());
    assert_eq!(first.count_of("claim", Outcome::Added), 1);
    let id: u64 = first.rows[0].id.as_deref().unwrap().parse().unwrap();
    assert_eq!(
        db.claim(id).unwrap().unwrap().key.as_deref(),
        Some("desk-0042")
    );
    // Found by its key, through the key index.
    let found = db.query("claims where key = \"desk-0042\"").unwrap();
    assert_eq!(found.claims().unwrap()[0].claim.id, id);
    let plan = db
        .query("explain claims where key = \"desk-0042\"")
        .unwrap();
    assert!(
        format!("{plan:?}").contains("Key(\"desk-0042\")"),
        "{plan:?}"
    );
    let again = import(&db, std::slice::from_ref(&file), &ImportOptions::default());
    assert_eq!(again.count(Outcome::Unchanged), 1, "{:?}", again.rows);
    std::fs::write(&file, row("second wording", 0.8, quote)).unwrap();
    let changed = import(&db, std::slice::from_ref(&file), &ImportOptions::default());
    assert_eq!(changed.count(Outcome::Updated), 1, "{:?}", changed.rows);
    let stored = db.claim(id).unwrap().unwrap();
    assert_eq!(
        (stored.statement.as_str(), stored.confidence.value()),
        ("second wording", 0.8)
    );
    assert_eq!(
        db.view().unwrap().claim_count().unwrap(),
        62,
        "updated, not added"
    );
    // A changed quote is checked again: a misquote is refused, nothing changes.
    std::fs::write(
        &file,
        row(
            "third",
            0.8,
            "While the book reads like a typical Bollywood crime drama",
        ),
    )
    .unwrap();
    let misquoted = import(&db, std::slice::from_ref(&file), &ImportOptions::default());
    assert!(misquoted.refused() && !misquoted.written);
    assert_eq!(db.claim(id).unwrap().unwrap().statement, "second wording");
    // The dump keeps keys.
    assert!(dump_of(&db).contains(r#""key":"desk-0042""#));
    drop(db);
    let out = support::command(&dir.path().join("seed.db"))
        .args(["query", "add claim with key = \"desk-0042\", speaker = \"White\", source = \"fp-lazarus-review\", quote = \"Remember the 11th of September 2001.\", statement = \"s\", confidence = 0.5, rationale = \"r\""])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("claim key \"desk-0042\" is already the key of claim 62"),
        "{stderr}"
    );
}

/// A ClaimReview feed (here claimdb's own export, as a JSON Lines file and
/// as an `ItemList` document) becomes speakers, sources and claims; its
/// claims are keyed by the reviews' urls, so a second import changes nothing.
#[test]
fn claimreview_feeds_import_as_claims() {
    let dir = tempfile::tempdir().unwrap();
    let seed = Db::open_with(
        dir.path().join("seed.db"),
        claimdb::OpenOptions::new().seed(true),
    )
    .unwrap();
    let mut reviews = Vec::new();
    seed.export(
        &claimdb::export::ExportOptions {
            format: claimdb::export::ExportFormat::ClaimReview,
            query: Some("claims where tag = \"sony\"".into()),
            review: claimdb::export::ReviewOptions {
                organization: Some("Desk".into()),
                url_base: Some("https://desk.example".into()),
                date: "2026-11-29".into(),
            },
            versions: false,
        },
        &mut reviews,
    )
    .unwrap();
    let reviews = String::from_utf8(reviews).unwrap();
    let sony = seed
        .query("count claims where tag = \"sony\"")
        .unwrap()
        .count()
        .unwrap() as usize;
    assert!(sony > 2);
    // As JSON Lines, into an empty database: claims without source texts.
    let lines = dir.path().join("reviews.jsonl");
    std::fs::write(&lines, &reviews).unwrap();
    let fresh = empty(dir.path(), "fresh.db");
    let report = import(
        &fresh,
        std::slice::from_ref(&lines),
        &ImportOptions::default(),
    );
    assert!(
        report.written && !report.refused(),
        "{:?}",
        report.rows.iter().find(|r| r.outcome == Outcome::Refused)
    );
    assert_eq!(report.count_of("claim", Outcome::Added), sony);
    let claims: Vec<_> = fresh
        .view()
        .unwrap()
        .claims()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(claims
        .iter()
        .all(|c| c.status == claimdb::Status::Unverified
            && c.key
                .as_deref()
                .is_some_and(|k| k.starts_with("https://desk.example/claims/"))));
    // As one ItemList document: the same claims, unchanged.
    let items: Vec<serde_json::Value> = reviews.lines().map(|l| serde_json::json!({"@type": "ListItem", "item": serde_json::from_str::<serde_json::Value>(l).unwrap()})).collect();
    let feed = dir.path().join("feed.json");
    std::fs::write(&feed, serde_json::to_string_pretty(&serde_json::json!({"@context": "https://schema.org", "@type": "ItemList", "itemListElement": items})).unwrap()).unwrap();
    let again = import(
        &fresh,
        std::slice::from_ref(&feed),
        &ImportOptions::default(),
    );
    assert_eq!(
        (again.count(Outcome::Added), again.count(Outcome::Refused)),
        (0, 0),
        "{:?}",
        again.rows
    );
    // Into the seed, whose source holds the text: each review's quote is
    // checked, and is the seed's own claim already.
    let into_seed = import(
        &seed,
        std::slice::from_ref(&lines),
        &ImportOptions::default(),
    );
    assert_eq!(
        into_seed.count_of("claim", Outcome::Added),
        0,
        "{:?}",
        into_seed.rows
    );
    assert_eq!(into_seed.count_of("claim", Outcome::Unchanged), sony);
    // A review without the claim's words is refused, with its line.
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(&bad, "\n{\"@type\":\"ClaimReview\",\"itemReviewed\":{}}\n").unwrap();
    let refused = import(
        &fresh,
        std::slice::from_ref(&bad),
        &ImportOptions::default(),
    );
    let r = refused
        .rows
        .iter()
        .find(|r| r.outcome == Outcome::Refused)
        .unwrap();
    assert_eq!(r.line, 2);
    assert!(r
        .message
        .as_deref()
        .unwrap()
        .contains("without `claimReviewed`"));
}

/// A partial import commits in batches: every good row of a file longer
/// than a batch is written, the refused one is reported, and a refused
/// row in a later batch leaves the earlier batches written.
#[test]
fn a_partial_import_commits_in_batches() {
    let dir = tempfile::tempdir().unwrap();
    let db = empty(dir.path(), "batches.db");
    let n = claimdb::import::PARTIAL_BATCH_ROWS + 50;
    let mut lines: Vec<String> = (0..n)
        .map(|k| format!(r#"{{"type":"speaker","name":"Person {k}"}}"#))
        .collect();
    lines.push(r#"{"type":"speaker","name":""}"#.to_string());
    let file = dir.path().join("many.jsonl");
    std::fs::write(&file, lines.join("\n")).unwrap();
    let report = import(
        &db,
        std::slice::from_ref(&file),
        &ImportOptions {
            partial: true,
            ..Default::default()
        },
    );
    assert!(report.written);
    assert_eq!(report.count_of("speaker", Outcome::Added), n);
    let refused: Vec<_> = report
        .rows
        .iter()
        .filter(|r| r.outcome == Outcome::Refused)
        .collect();
    assert_eq!((refused.len(), refused[0].line), (1, n + 1));
    assert_eq!(db.speakers().unwrap().len(), n);
}

/// A file that starts with a byte order mark (as spreadsheets write UTF-8)
/// imports as the same file without it, JSON Lines and CSV alike.
#[test]
fn a_byte_order_mark_is_no_part_of_the_data() {
    let dir = tempfile::tempdir().unwrap();
    let db = empty(dir.path(), "bom.db");
    let jsonl = dir.path().join("speakers.jsonl");
    std::fs::write(
        &jsonl,
        "\u{feff}{\"type\": \"speaker\", \"name\": \"Ada Lovelace\"}\n",
    )
    .unwrap();
    let csv = dir.path().join("speakers.csv");
    std::fs::write(&csv, "\u{feff}type,name\nspeaker,Grace Hopper\n").unwrap();
    let report = import(&db, &[jsonl, csv], &ImportOptions::default());
    assert_eq!(report.count(Outcome::Added), 2, "{:?}", report.rows);
    let names: Vec<String> = db.speakers().unwrap().into_iter().map(|s| s.name).collect();
    assert_eq!(names, ["Ada Lovelace", "Grace Hopper"]);
}

/// Files come back whatever their names: a dump saved as `backup.dump` is
/// seen to be JSON; and a claims export (`export --format jsonl`, every
/// field, no `type`) imports back: into the database it came from, every
/// row unchanged; into one without its sources and speakers, each row
/// refused, saying which is missing.
#[test]
fn an_export_and_a_dump_come_back_whatever_their_names() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open_with(
        dir.path().join("seeded.db"),
        claimdb::OpenOptions::new().seed(true),
    )
    .unwrap();
    let export = |format: claimdb::export::ExportFormat| {
        let mut out = Vec::new();
        db.export(
            &claimdb::export::ExportOptions {
                format,
                query: None,
                review: Default::default(),
                versions: false,
            },
            &mut out,
        )
        .unwrap();
        out
    };
    let dump = dir.path().join("backup.dump");
    std::fs::write(&dump, export(claimdb::export::ExportFormat::Dump)).unwrap();
    let restored = empty(dir.path(), "restored.db");
    let report = import(
        &restored,
        std::slice::from_ref(&dump),
        &ImportOptions::default(),
    );
    assert!(
        !report.refused(),
        "{:?}",
        report.rows.iter().find(|r| r.outcome == Outcome::Refused)
    );
    assert_eq!(dump_of(&restored), dump_of(&db));

    let claims = dir.path().join("claims.export");
    std::fs::write(&claims, export(claimdb::export::ExportFormat::Jsonl)).unwrap();
    let before = dump_of(&db);
    let again = import(
        &db,
        std::slice::from_ref(&claims),
        &ImportOptions::default(),
    );
    assert_eq!(again.rows.len(), 61);
    assert_eq!(
        again.count(Outcome::Unchanged),
        61,
        "{:?}",
        again.rows.iter().find(|r| r.outcome != Outcome::Unchanged)
    );
    assert_eq!(dump_of(&db), before);

    let bare = empty(dir.path(), "bare.db");
    let refused = import(
        &bare,
        std::slice::from_ref(&claims),
        &ImportOptions {
            partial: true,
            ..Default::default()
        },
    );
    assert_eq!(refused.count(Outcome::Refused), 61);
    let message = refused.rows[0].message.as_deref().unwrap_or_default();
    assert!(
        message.starts_with("no speaker") || message.starts_with("no source"),
        "{message}"
    );
}
