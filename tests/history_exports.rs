//! Exports that carry history (issue 28): `--versions` adds each claim's
//! `version`, `modified_at` and `modified_by` to JSON Lines and CSV, the
//! same from the CLI on a file and through a server; any other format
//! refuses it, saying which take it.

#[path = "support/server.rs"]
mod server;

use serde_json::Value;

/// The JSON Lines records and the CSV rows (as header → cell) of claim 4.
fn exported(connection: &[&str]) -> (Value, Vec<(String, String)>) {
    let jsonl = server::stdout_of(server::claimdb().args(connection).args([
        "export",
        "--format",
        "jsonl",
        "--versions",
        "claims where id = 4",
    ]));
    let record: Value = serde_json::from_str(jsonl.lines().next().unwrap()).unwrap();
    let csv = server::stdout_of(server::claimdb().args(connection).args([
        "export",
        "--format",
        "csv",
        "--versions",
        "claims where id = 4",
    ]));
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let row = reader.records().next().unwrap().unwrap();
    let cells = header
        .into_iter()
        .zip(row.iter().map(str::to_string))
        .collect();
    (record, cells)
}

#[test]
fn jsonl_and_csv_carry_each_claims_last_version_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let file = ["--db", db.to_str().unwrap()];
    server::stdout_of(server::claimdb().args(file).args([
        "--seed",
        "--as",
        "Dana",
        "query",
        "update claims set confidence = 0.5 where id = 4",
    ]));
    let history = server::stdout_of(server::claimdb().args(file).args([
        "--format",
        "json",
        "query",
        "history claim 4",
    ]));
    let history: Value = serde_json::from_str(&history).unwrap();
    let at = history[0]["at"].as_str().unwrap().to_string();

    let (record, cells) = exported(&file);
    assert_eq!(record["version"], 2, "{record}");
    assert_eq!(record["modified_at"], at.as_str());
    assert_eq!(record["modified_by"], "Dana");
    let tail: Vec<(&str, &str)> = cells[cells.len() - 3..]
        .iter()
        .map(|(h, c)| (h.as_str(), c.as_str()))
        .collect();
    assert_eq!(
        tail,
        [
            ("version", "2"),
            ("modified_at", at.as_str()),
            ("modified_by", "Dana")
        ]
    );
    // Without --versions, neither has them.
    let plain = server::stdout_of(server::claimdb().args(file).args([
        "export",
        "--format",
        "jsonl",
        "claims where id = 4",
    ]));
    assert!(!plain.contains("modified_by"), "{plain}");

    // Through a server, the same.
    let reader = server::token(&db, "reader", "read");
    let srv = server::Server::start(&db, &[]);
    let remote = ["--server", srv.url.as_str(), "--token", reader.as_str()];
    assert_eq!(exported(&remote), (record, cells));
}

#[test]
fn another_format_refuses_versions_saying_which_take_them() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let out = server::claimdb()
        .args(["--db", db.to_str().unwrap(), "--seed"])
        .args(["export", "--format", "claimreview", "--versions"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim_end().lines().last(),
        Some("error: invalid export: versions add `version`, `modified_at` and `modified_by` to jsonl and csv exports, not to claimreview")
    );
    assert!(out.stdout.is_empty());
}
