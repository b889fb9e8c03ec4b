//! Every output format on the seed data, read back by a real parser: the
//! same field names and the same values in table, json, jsonl and csv.

use std::process::Command;

use claimdb::render::CLAIM_COLUMNS;

fn run(db: &std::path::Path, format: &str, query: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_claimdb"))
        .arg("--db")
        .arg(db)
        .args(if db.exists() {
            &[][..]
        } else {
            &["--seed"][..]
        })
        .args(["--format", format, "query", query])
        .env("COLUMNS", "100")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn json_jsonl_and_csv_agree_on_every_claim() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("f.db");
    let n = claimdb::seed::seed().unwrap().claims.len();

    let json: Vec<serde_json::Value> = serde_json::from_str(&run(&db, "json", "claims")).unwrap();
    assert_eq!(json.len(), n);

    let jsonl_text = run(&db, "jsonl", "claims");
    let jsonl: Vec<serde_json::Value> = jsonl_text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(jsonl, json, "jsonl holds the same objects, one per line");

    let csv_text = run(&db, "csv", "claims");
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, CLAIM_COLUMNS.to_vec());
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(records.len(), n);
    for (record, object) in records.iter().zip(&json) {
        let keys: Vec<&String> = object.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            header.iter().collect::<Vec<_>>(),
            "the same field names in the same order"
        );
        for (field, cell) in header.iter().zip(record.iter()) {
            let expected = match &object[field] {
                serde_json::Value::Null => String::new(),
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Array(items) => items
                    .iter()
                    .map(|i| i.as_str().unwrap().to_string())
                    .collect::<Vec<_>>()
                    .join("; "),
                other => other.to_string(),
            };
            assert_eq!(cell, expected, "{field} of claim {}", object["id"]);
        }
    }
    // Quotes with commas and curly quotes survive the round trip.
    assert!(records
        .iter()
        .any(|r| r[4].contains(',') && r[4].contains('’')));
}

#[test]
fn every_format_for_every_kind_of_output() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("g.db");
    for query in [
        "count claims",
        "speakers",
        "sources",
        r#"claims select speaker, count(*), avg(confidence) group by speaker"#,
        r#"explain claims where speaker = "White""#,
        "show claim 3",
    ] {
        let table = run(&db, "table", query);
        if !query.starts_with("show") {
            assert!(
                table.trim_end().ends_with("row)") || table.trim_end().ends_with("rows)"),
                "{query}: {table}"
            );
        }
        let json = run(&db, "json", query);
        let value: serde_json::Value =
            serde_json::from_str(&json).unwrap_or_else(|e| panic!("{query}: {e}\n{json}"));
        assert!(value.is_array() || value.is_object());
        for line in run(&db, "jsonl", query).lines() {
            serde_json::from_str::<serde_json::Value>(line)
                .unwrap_or_else(|e| panic!("{query}: {e}\n{line}"));
        }
        let csv_text = run(&db, "csv", query);
        let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
        let columns = reader.headers().unwrap().len();
        for record in reader.records() {
            assert_eq!(record.unwrap().len(), columns, "{query}");
        }
    }
}

#[test]
fn a_table_wraps_long_quotes_to_the_width() {
    let dir = tempfile::tempdir().unwrap();
    let table = run(
        &dir.path().join("t.db"),
        "table",
        r#"claims where speaker = "Moriuchi""#,
    );
    for line in table.lines() {
        assert!(unicode_width(line) <= 100, "{line}");
    }
    assert!(
        table.contains("the West.") && table.contains("strategy is about"),
        "nothing is cut off: {table}"
    );
    assert!(table.ends_with("(4 rows)\n"));
}

fn unicode_width(s: &str) -> usize {
    s.chars().count()
}

/// CSV query output read back by the `csv` crate and by Python's `csv`
/// module: as many rows as `count claims` says, every cell the same, for
/// a column that is mostly null (which once came out as empty lines that
/// readers skip) and for fields with commas, quotes and line breaks.
#[test]
fn csv_output_reads_back_row_for_row_in_rust_and_in_python() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("f.db");
    let total: usize = run(&db, "table", "count claims")
        .lines()
        .find_map(|l| l.trim().parse().ok())
        .unwrap();
    for query in [
        "claims select key",
        "claims select origin",
        "claims select id, key, origin, tags, quote, rationale",
    ] {
        let text = run(&db, "csv", query);
        let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
        let rust: Vec<Vec<String>> = reader
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect();
        assert_eq!(rust.len(), total, "{query}: {text}");
        let script = "import csv, json, sys\nprint(json.dumps(list(csv.reader(sys.stdin))[1:]))";
        let mut python = Command::new("python3")
            .args(["-c", script])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("python3, to read the CSV as a spreadsheet tool would");
        std::io::Write::write_all(&mut python.stdin.take().unwrap(), text.as_bytes()).unwrap();
        let out = python.wait_with_output().unwrap();
        let python: Vec<Vec<String>> = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(python, rust, "{query}");
    }
}

/// What is stored is shown safely to people: an escape sequence, a
/// carriage return or a right-to-left override in a name is printed as
/// `\u{..}` in the table, markdown and line formats (never acting on the
/// terminal), and kept as it is in JSON and CSV, which are data.
#[test]
fn control_characters_in_stored_text_do_not_act_on_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let add = r#"add speaker "Evil\u{1b}[31mRed\u{202e}txt.exe\rX""#;
    let out = Command::new(env!("CARGO_BIN_EXE_claimdb"))
        .arg("--db")
        .arg(&db)
        .args(["query", add])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for format in ["table", "markdown", "line"] {
        let shown = run(&db, format, r#"speakers where name starts with "Evil""#);
        assert!(
            !shown.contains(['\u{1b}', '\u{202e}', '\r']),
            "{format}: {shown:?}"
        );
        assert!(
            shown.contains(r"Evil\u{1b}[31mRed\u{202e}txt.exe\u{d}X"),
            "{format}: {shown}"
        );
    }
    let json = run(&db, "json", r#"speakers where name starts with "Evil""#);
    let rows: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    assert_eq!(rows[0]["name"], "Evil\u{1b}[31mRed\u{202e}txt.exe\rX");
}
