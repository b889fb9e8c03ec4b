//! The binary as a user runs it: arguments, stdin, exit codes, stdout for
//! data and stderr for diagnostics.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Runs claimdb on `db`; a database that does not exist yet is created
/// first, by a run of its own whose only output is the creation notice.
fn claimdb(db: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    if !db.exists() {
        let first = raw(db, &["--seed", "query", "count claims"], None);
        assert!(first.status.success(), "{}", text(&first.stderr));
        assert_eq!(
            text(&first.stderr),
            format!(
                "created a claims database at {}, loaded the seed: 61 claims\n",
                db.display()
            )
        );
    }
    raw(db, args, stdin)
}

fn raw(db: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_claimdb"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("COLUMNS", "120")
        .env_remove("CLAIMDB_DB")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn seed_claim_count() -> usize {
    claimdb::seed::seed().unwrap().claims.len()
}

#[test]
fn a_new_path_is_created_seeded_and_speaker_aliases_agree() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    assert!(!db.exists());
    let short = claimdb(
        &db,
        &["query", r#"claims where speaker = "Moriuchi""#],
        None,
    );
    assert!(short.status.success(), "{}", text(&short.stderr));
    let out = text(&short.stdout);
    assert_eq!(out.matches("| Priscilla Moriuchi |").count(), 4, "{out}");
    assert!(out.contains("(4 rows)"));
    assert!(
        out.contains("North Korean cyber-operators are much more technically"),
        "{out}"
    );
    let full = claimdb(
        &db,
        &["query", r#"claims where speaker = "Priscilla Moriuchi""#],
        None,
    );
    assert_eq!(text(&full.stdout), out);
    assert!(short.stderr.is_empty() && full.stderr.is_empty());
}

#[test]
fn statements_on_stdin_run_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let out = claimdb(
        &dir.path().join("demo2.db"),
        &[],
        Some("count claims;\ncount claims where speaker = \"Obama\";\n"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let n = seed_claim_count();
    let expected = format!(" count\n------\n {n:>5}\n(1 row)\n count\n------\n     2\n(1 row)\n");
    assert_eq!(stdout, expected);
}

#[test]
fn a_malformed_query_exits_1_with_line_column_and_caret() {
    let dir = tempfile::tempdir().unwrap();
    let out = claimdb(
        &dir.path().join("e.db"),
        &["query", r#"claims where confidence >= "high""#],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = text(&out.stderr);
    assert_eq!(
        stderr,
        "error: `confidence` is a number and cannot be compared with the string \"high\"\n --> query:1:28\n  |\n1 | claims where confidence >= \"high\"\n  |                            ^^^^^^\n"
    );
}

#[test]
fn a_script_stops_at_its_first_error_with_file_line_column() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("curate.cq");
    std::fs::write(
        &script,
        "-- a script\ncount claims where speaker = \"Thae\";\n\nclaims where\n  speeker = \"White\";\ncount claims;\n",
    )
    .unwrap();
    let out = claimdb(
        &dir.path().join("s.db"),
        &["run", script.to_str().unwrap()],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert_eq!(
        stdout, " count\n------\n     2\n(1 row)\n",
        "the first statement ran, the third did not"
    );
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!("--> {}:5:3", script.display())),
        "{stderr}"
    );
    assert!(
        stderr.contains("5 |   speeker = \"White\";\n  |   ^^^^^^^"),
        "{stderr}"
    );
}

#[test]
fn an_unterminated_statement_at_the_end_of_input_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = claimdb(
        &dir.path().join("u.db"),
        &[],
        Some("count claims;\nclaims where quote = \"open;\n"),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("<stdin>:2:22"),
        "{}",
        text(&out.stderr)
    );
    assert!(text(&out.stderr).contains("unterminated string"));
}

#[test]
fn json_output_has_every_claim_field() {
    let dir = tempfile::tempdir().unwrap();
    let out = claimdb(
        &dir.path().join("j.db"),
        &[
            "--format",
            "json",
            "query",
            r#"claims where speaker = "White" and confidence >= 0.8 order by confidence desc limit 3"#,
        ],
        None,
    );
    assert!(out.status.success());
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!rows.is_empty() && rows.len() <= 3);
    let mut last = f64::INFINITY;
    for row in &rows {
        for field in [
            "id",
            "speaker",
            "source",
            "origin",
            "quote",
            "statement",
            "confidence",
            "tags",
            "status",
        ] {
            assert!(row.get(field).is_some(), "{field} missing from {row}");
        }
        assert_eq!(row["speaker"], "Geoff White");
        let c = row["confidence"].as_f64().unwrap();
        assert!(c >= 0.8 && c <= last);
        last = c;
    }
}

/// A database named is someone's own corpus: created empty, with a notice
/// saying how to get the demo; `--seed` gets it, on a new database only.
/// The default database gets the demo.
#[test]
fn a_named_database_is_created_empty_unless_seeded() {
    let dir = tempfile::tempdir().unwrap();
    let default = Command::new(env!("CARGO_BIN_EXE_claimdb"))
        .args(["query", "count claims"])
        .env("XDG_DATA_HOME", dir.path())
        .env_remove("CLAIMDB_DB")
        .env_remove("CLAIMDB_SERVER")
        .output()
        .unwrap();
    assert!(
        text(&default.stderr).starts_with("created a claims database at ")
            && text(&default.stderr)
                .ends_with(&format!("loaded the seed: {} claims\n", seed_claim_count())),
        "{}",
        text(&default.stderr)
    );
    let mine = dir.path().join("mine.db");
    let out = raw(&mine, &["query", "count claims"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), " count\n------\n     0\n(1 row)\n");
    assert_eq!(
        text(&out.stderr),
        format!(
            "created an empty claims database at {} (with --seed, a new database gets the demo claims)\n",
            mine.display()
        )
    );
    let demo = dir.path().join("demo.db");
    let out = raw(
        &demo,
        &["--seed", "--format", "csv", "query", "count claims"],
        None,
    );
    assert_eq!(
        text(&out.stdout),
        format!("count\r\n{}\r\n", seed_claim_count())
    );
    let again = raw(&demo, &["--seed", "query", "count claims"], None);
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(
        text(&again.stderr),
        format!(
            "error: --seed creates a new database, and {} holds one already\n",
            demo.display()
        )
    );
    let both = raw(
        &dir.path().join("both.db"),
        &["--seed", "--empty", "query", "count claims"],
        None,
    );
    assert_eq!(both.status.code(), Some(2));
    assert!(
        text(&both.stderr).contains("cannot be used with"),
        "{}",
        text(&both.stderr)
    );
    assert!(!dir.path().join("both.db").exists());
}

#[test]
fn empty_creates_a_database_without_the_seed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.db");
    let out = raw(&path, &["--empty", "query", "count claims; speakers"], None);
    assert!(out.status.success());
    assert_eq!(text(&out.stdout), " count\n------\n     0\n(1 row)\n id | name | aliases | claims | description\n----+------+---------+--------+------------\n(0 rows)\n");
    assert_eq!(
        text(&out.stderr),
        format!("created an empty claims database at {}\n", path.display())
    );
    // --empty on a database that exists is a mistake, not a no-op.
    let again = raw(&path, &["--empty", "query", "count claims"], None);
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(
        text(&again.stderr),
        format!(
            "error: --empty creates a new database, and {} holds one already\n",
            path.display()
        )
    );
    // A path whose folder does not exist is refused, not created.
    let lost = dir.path().join("no-such-folder").join("c.db");
    let out = raw(&lost, &["query", "count claims"], None);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        format!(
            "error: cannot open {}: {}: no such folder (claimdb creates a database, not the folders above it)\n",
            lost.display(),
            lost.parent().unwrap().display()
        )
    );
    assert!(!lost.parent().unwrap().exists());
}

#[test]
fn a_database_in_use_is_reported_not_waited_for() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("busy.db");
    let held = claimdb::Db::open_with(&path, claimdb::OpenOptions::new().seed(true)).unwrap();
    let out = claimdb(&path, &["query", "count claims"], None);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("is in use by another process"), "{stderr}");
    drop(held);
}

#[test]
fn a_file_where_the_database_should_be_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    std::fs::write(&path, "my notes").unwrap();
    let out = claimdb(&path, &["query", "count claims"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("is a file, not a claimdb database directory"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "my notes");
}

#[test]
fn a_missing_script_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = claimdb(
        &dir.path().join("m.db"),
        &["run", "/nonexistent/x.cq"],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).starts_with("error: cannot read /nonexistent/x.cq:"));
}

#[test]
fn hostile_queries_exit_1_without_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let deep_parens = format!(
        "claims where {}id = 1{}",
        "(".repeat(10_000),
        ")".repeat(10_000)
    );
    let deep_not = format!("claims where {}id = 1", "not ".repeat(10_000));
    for q in [
        deep_parens.as_str(),
        deep_not.as_str(),
        "\u{1}\u{7f}claims",
        "claims where quote = \"\\u{110000}\"",
        "claims limit 1e99",
    ] {
        let out = claimdb(&db, &["query", q], None);
        assert_eq!(out.status.code(), Some(1), "{q:.40}");
        let stderr = text(&out.stderr);
        assert!(
            stderr.starts_with("error: ") && !stderr.contains("panicked"),
            "{stderr:.400}"
        );
    }
}

#[test]
fn binary_junk_on_stdin_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("b.db");
    let out = claimdb(
        &db,
        &[],
        Some("claims where quote = \"\u{0}\";\n\u{0}\u{0};"),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("<stdin>:2:1"),
        "{}",
        text(&out.stderr)
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_claimdb"))
        .arg("--db")
        .arg(&db)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&[0xff, 0xfe, b';'])
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "error: <stdin>:1:1: not UTF-8 text; nothing from this line on was run\n"
    );
}

#[test]
fn help_teaches_the_language() {
    let out = Command::new(env!("CARGO_BIN_EXE_claimdb"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success());
    let help = text(&out.stdout);
    assert!(
        help.contains("claims [where COND]") && help.contains("--format"),
        "{help}"
    );
    // Nothing points into the source tree, which a user does not have.
    assert!(!help.contains("grammar/"), "{help}");
    // Every command's own help ends with an example of it, and lists the
    // options that apply to it and no others.
    // The options of a command that opens a database.
    let database = |own: &[&'static str]| -> Vec<&'static str> {
        let mut options = vec![
            "--db",
            "--empty",
            "--seed",
            "--busy-timeout",
            "--cache-mib",
            "--read-only",
            "--server",
            "--token",
            "--as",
            "--because",
        ];
        options.extend(own);
        options
    };
    let statements = database(&["--format", "--keep-going", "--force"]);
    let cases: Vec<(&str, Vec<&str>)> = vec![
        ("query", statements.clone()),
        ("run", statements.clone()),
        ("repl", statements),
        (
            "locate",
            vec!["--format", "--prefix", "--suffix", "--position"],
        ),
        (
            "check",
            database(&["--format", "--claim", "--source", "--reload"]),
        ),
        (
            "verify",
            database(&["--format", "--repair", "--accept-loss"]),
        ),
        ("backup", database(&[])),
        ("restore", database(&[])),
        ("vacuum", database(&[])),
        ("update-source", database(&["--format"])),
        (
            "import",
            database(&[
                "--format",
                "--input-format",
                "--delimiter",
                "--partial",
                "--batch-rows",
                "--dry-run",
            ]),
        ),
        (
            "serve",
            database(&[
                "--listen",
                "--public-read",
                "--max-body-mib",
                "--statement-timeout",
                "--max-concurrent",
                "--header-timeout",
            ]),
        ),
        (
            "export",
            database(&["--format", "--organization", "--url-base", "--versions"]),
        ),
        ("prune-history", database(&["--before"])),
    ];
    for (command, options) in cases {
        let out = Command::new(env!("CARGO_BIN_EXE_claimdb"))
            .args([command, "--help"])
            .output()
            .unwrap();
        let help = text(&out.stdout);
        assert!(
            help.contains("Example:\n  claimdb ") && help.contains(command),
            "{command}: {help}"
        );
        let listed: Vec<&str> = help
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix("--"))
            .map(|l| l.split([' ', ',']).next().unwrap_or(""))
            .filter(|o| *o != "help")
            .collect();
        let mut listed: Vec<String> = listed.iter().map(|o| format!("--{o}")).collect();
        let mut wanted: Vec<String> = options.iter().map(|o| o.to_string()).collect();
        // Every command's, as it applies to the whole run.
        wanted.push("--stats".into());
        listed.sort();
        wanted.sort();
        assert_eq!(listed, wanted, "{command}: {help}");
    }
}

/// Options may come before the command or after it; after it wins.
/// `--cache-mib` sizes the page cache; a size that is no whole number of
/// MiB from 1 up is refused before the database is touched.
#[test]
fn the_page_cache_is_sized_by_cache_mib_and_a_bad_size_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let sized = claimdb(&db, &["--cache-mib", "8", "query", "count claims"], None);
    assert!(sized.status.success(), "{}", text(&sized.stderr));
    assert!(text(&sized.stdout).contains("61"));
    for (size, why) in [
        ("0", "0 is not in 1..=1048576"),
        ("lots", "invalid digit found in string"),
        ("1048577", "1048577 is not in 1..=1048576"),
    ] {
        let out = raw(&db, &["query", "count claims", "--cache-mib", size], None);
        assert_eq!(out.status.code(), Some(2), "{size}");
        assert!(
            text(&out.stderr).starts_with(&format!(
                "error: invalid value '{size}' for '--cache-mib <MIB>': {why}\n"
            )),
            "{}",
            text(&out.stderr)
        );
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn options_stand_before_or_after_the_command() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let before = claimdb(&db, &["--format", "csv", "query", "count claims"], None);
    // CSV records all end in CRLF, the last one too (RFC 4180).
    assert_eq!(text(&before.stdout), "count\r\n61\r\n");
    let after = Command::new(env!("CARGO_BIN_EXE_claimdb"))
        .args(["query", "count claims", "--format", "jsonl", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(
        text(&after.stdout),
        "{\"count\":61}\n",
        "{}",
        text(&after.stderr)
    );
    let both = raw(
        &db,
        &[
            "--format",
            "csv",
            "query",
            "count claims",
            "--format",
            "jsonl",
        ],
        None,
    );
    assert_eq!(text(&both.stdout), "{\"count\":61}\n");
}

#[test]
fn locate_reports_the_verdict_and_exits_by_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("speech.txt");
    std::fs::write(&file, "We cannot have a society in which\nsome dictator someplace can start imposing censorship.\n").unwrap();
    let db = dir.path().join("unused.db");
    let ok = raw(
        &db,
        &["locate", file.to_str().unwrap(), "in which some dictator"],
        None,
    );
    assert_eq!(ok.status.code(), Some(0));
    let out = text(&ok.stdout);
    assert!(
        out.starts_with("verified: after normalization (whitespace and line breaks)"),
        "{out}"
    );
    // The context keeps the spaces around the marked passage.
    assert!(
        out.contains("context: …We cannot have a society [in which some dictator] someplace can"),
        "{out}"
    );
    assert!(
        out.contains(&format!("{}:1:26 to 2:13", file.display())),
        "{out}"
    );
    let bad = raw(
        &db,
        &["locate", file.to_str().unwrap(), "in which no dictator"],
        None,
    );
    assert_eq!(bad.status.code(), Some(1));
    let out = text(&bad.stdout);
    assert!(out.starts_with("NOT verified"), "{out}");
    assert!(
        out.contains("the quote says \"no\" where the source says \"some\""),
        "{out}"
    );
    let json = raw(
        &db,
        &[
            "--format",
            "json",
            "locate",
            file.to_str().unwrap(),
            "imposing censorship",
        ],
        None,
    );
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(value["verified"], true);
    assert_eq!(value["result"]["verdict"], "exact");
    assert_eq!(value["result"]["location"]["line"], 2);
    assert!(!db.exists(), "locate needs no database");
    let missing = raw(&db, &["locate", "/nonexistent.txt", "x"], None);
    assert_eq!(missing.status.code(), Some(1));
    assert!(text(&missing.stderr).starts_with("error: cannot read /nonexistent.txt"));
}

#[test]
fn update_source_breaks_the_claims_it_must_and_check_reports_them() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("u.db");
    let ok = claimdb(&db, &["check"], None);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
    let review = include_str!("../db-seed/texts/fp-lazarus-review.txt");
    let changed = dir.path().join("review.txt");
    std::fs::write(&changed, review.replacen("$81 million", "$18 million", 1)).unwrap();
    let update = claimdb(
        &db,
        &[
            "update-source",
            "fp-lazarus-review",
            changed.to_str().unwrap(),
        ],
        None,
    );
    // The text is replaced, and the broken claim makes the exit code 1.
    assert_eq!(update.status.code(), Some(1), "{}", text(&update.stderr));
    assert_eq!(
        text(&update.stderr),
        "error: 1 claim of source \"fp-lazarus-review\" no longer verifies against the new text\n"
    );
    let out = text(&update.stdout);
    let n = seed_claim_count();
    assert!(out.starts_with(&format!("source \"fp-lazarus-review\" updated: {n} claims re-anchored, {} verified, 1 broken, 1 changed status", n - 1)), "{out}");
    assert!(out.contains("verified | broken"), "{out}");
    let broken = claimdb(
        &db,
        &[
            "--format",
            "json",
            "query",
            "claims where status = \"broken\"",
        ],
        None,
    );
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&broken.stdout).unwrap();
    assert_eq!(rows.len(), 1);
    assert!(rows[0]["quote"].as_str().unwrap().contains("$81 million"));
    let check = claimdb(&db, &["check", "--source", "fp-lazarus-review"], None);
    assert_eq!(check.status.code(), Some(1));
    assert!(text(&check.stderr).contains(&format!("1 of {n} claims does not verify")));
    let stdout = text(&check.stdout);
    assert!(
        stdout.starts_with(&format!("{n} claims checked: {} verified, 1 broken", n - 1)),
        "{stdout}"
    );
    let json = claimdb(&db, &["--format", "json", "check"], None);
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&json.stdout).unwrap();
    let broken: Vec<_> = rows.iter().filter(|r| r["after"] == "broken").collect();
    assert_eq!(broken.len(), 1);
    assert_eq!(
        broken[0]["detail"],
        "the quote says \"$81\" where the source says \"$18\" (number)"
    );
    let bad = claimdb(
        &db,
        &["update-source", "nope", changed.to_str().unwrap()],
        None,
    );
    assert_eq!(bad.status.code(), Some(1));
    assert_eq!(text(&bad.stderr), "error: no source \"nope\"\n");
}

#[test]
fn a_reported_write_survives_kill_9() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("durable.db");
    let mut child = Command::new(env!("CARGO_BIN_EXE_claimdb"))
        .arg("--db")
        .arg(&db)
        .arg("--seed")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Statements on a pipe run as each `;` arrives; the pipe stays open, so
    // the process is still running (the database open) when it is killed.
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(b"add claim with speaker = \"Obama\", source = \"fp-lazarus-review\", quote = \"We cannot have a society\", statement = \"s\", confidence = 0.9, rationale = \"r\";\n")
        .unwrap();
    stdin.flush().unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    assert!(line.starts_with("added claim 62"), "{line}");
    // Success was reported: kill the process before it can close the database.
    assert!(
        child.try_wait().unwrap().is_none(),
        "still running, stdin open"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    drop(stdin);
    let reopened = claimdb::Db::open_with(&db, claimdb::OpenOptions::new().seed(true)).unwrap();
    let claim = reopened
        .claim(62)
        .unwrap()
        .expect("the reported claim is on disk");
    assert_eq!(claim.quote, "We cannot have a society");
}

#[test]
fn a_folder_of_other_files_is_not_taken_for_a_database() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let out = claimdb(dir.path(), &["query", "count claims"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("does not hold a claimdb database"),
        "{}",
        text(&out.stderr)
    );
    let entries: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(entries.len(), 1, "nothing was written there");
}

#[test]
fn shell_commands_output_schema_timer_and_open() {
    let dir = tempfile::tempdir().unwrap();
    let results = dir.path().join("results.txt");
    let other = dir.path().join("other.db");
    let script = format!(
        ".output {}\ncount claims where speaker = \"Thae\";\n.output\n.schema\n.timer on\ncount claims;\n.timer off\n.open {}\ncount claims;\n",
        results.display(),
        other.display()
    );
    let out = claimdb(&dir.path().join("main.db"), &[], Some(&script));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        std::fs::read_to_string(&results).unwrap(),
        " count\n------\n     2\n(1 row)\n"
    );
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("claims:\n  id           number: "),
        "{stdout}"
    );
    assert!(stdout.contains("  confidence   number: 0 to 1"), "{stdout}");
    assert!(
        stdout.contains("  origin       text, may be null:"),
        "{stdout}"
    );
    assert!(stdout.contains("sources:\n"), "{stdout}");
    // The count in this database, then in the one .open created: empty,
    // as a database named is someone's own (the demo comes with --seed).
    let n = seed_claim_count();
    assert_eq!(
        stdout.matches(&format!("{n:>6}\n(1 row)")).count(),
        1,
        "{stdout}"
    );
    assert!(stdout.ends_with("     0\n(1 row)\n"), "{stdout}");
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "created an empty claims database at {} (with --seed, a new database gets the demo claims)",
            other.display()
        )),
        "{stderr}"
    );
    assert_eq!(stderr.matches("run time: ").count(), 1, "{stderr}");
    assert!(other.join("db").exists());
}

#[test]
fn paths_in_a_script_are_read_from_the_scripts_folder() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("corpus");
    std::fs::create_dir(&sub).unwrap();
    std::fs::write(sub.join("memo.txt"), "We will ship on Friday.").unwrap();
    std::fs::write(
        sub.join("load.cq"),
        "add source \"memo\" with title = \"A memo\", text_file = \"memo.txt\";\n.read more.cq\n",
    )
    .unwrap();
    std::fs::write(
        sub.join("more.cq"),
        "add source \"gone\" with title = \"Gone\", text_file = \"missing.txt\";\n",
    )
    .unwrap();
    let db = dir.path().join("p.db");
    let _ = claimdb(&db, &["query", "count claims"], None);
    // Run from elsewhere: the working directory is not the script's folder.
    let out = Command::new(env!("CARGO_BIN_EXE_claimdb"))
        .current_dir(dir.path())
        .arg("--db")
        .arg(&db)
        .args(["run", "corpus/load.cq"])
        .env_remove("CLAIMDB_DB")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout),
        "added source \"memo\" (23 bytes of text)\n"
    );
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with(
            "error: corpus/missing.txt: No such file or directory (os error 2)\n --> corpus/more.cq:1:1"
        ),
        "{stderr}"
    );
}

#[test]
fn a_speaker_no_one_is_called_gets_a_note_with_the_closest_name() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("n.db");
    let out = claimdb(
        &db,
        &["query", r#"count claims where speaker = "Moriuchy""#],
        None,
    );
    assert!(out.status.success());
    assert_eq!(text(&out.stdout), " count\n------\n     0\n(1 row)\n");
    assert_eq!(
        text(&out.stderr),
        "note: no speaker is called \"Moriuchy\" (did you mean \"Moriuchi\"?)\n"
    );
    // A name written twice, in two spellings that fold alike: one note.
    let twice = claimdb(
        &db,
        &[
            "query",
            r#"count claims where speaker in ("Moriuchy", "moriuchy") or speaker = "MORIUCHY""#,
        ],
        None,
    );
    assert_eq!(
        text(&twice.stderr),
        "note: no speaker is called \"Moriuchy\" (did you mean \"Moriuchi\"?)\n"
    );
}

/// Counts are written with their nouns in the right number.
#[test]
fn one_thing_is_not_several() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    let one = claimdb(&db, &["check", "--claim", "18"], None);
    assert!(
        text(&one.stdout).starts_with("1 claim checked: 1 verified"),
        "{}",
        text(&one.stdout)
    );
    let all = claimdb(&db, &["check"], None);
    assert!(text(&all.stdout).starts_with("61 claims checked"));
    let deleted = claimdb(&db, &["query", "delete claims where id = 1"], None);
    assert_eq!(text(&deleted.stdout), "deleted 1 claim\n");
}

#[test]
fn update_and_delete_without_where_need_force() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("f.db");
    let refused = claimdb(&db, &["query", "delete claims"], None);
    assert_eq!(refused.status.code(), Some(1));
    assert!(text(&refused.stderr).starts_with(
        "error: `delete claims` without `where` would change every claim: add a condition (`where true` means every claim), or run with --force"
    ));
    let forced = claimdb(&db, &["--force", "query", "delete claims"], None);
    assert!(forced.status.success(), "{}", text(&forced.stderr));
    assert_eq!(text(&forced.stdout), "deleted 61 claims\n");
}

#[test]
fn show_claim_wraps_to_the_terminal_width() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let _ = claimdb(&db, &["query", "count claims"], None);
    let out = Command::new(env!("CARGO_BIN_EXE_claimdb"))
        .arg("--db")
        .arg(&db)
        .args(["query", "show claim 18"])
        .env("COLUMNS", "60")
        .env_remove("CLAIMDB_DB")
        .output()
        .unwrap();
    let shown = text(&out.stdout);
    assert!(shown.contains("  passage:"), "{shown}");
    for line in shown.lines() {
        assert!(
            line.chars().count() <= 60,
            "{} chars: {line}",
            line.chars().count()
        );
    }
    // Wrapped lines hang under their label and under the line number.
    assert!(shown.contains("\n              "), "{shown}");
    assert!(shown.contains("\n     | "), "{shown}");
}

#[test]
fn messages_quote_names_as_written_never_with_rust_escapes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("q.db");
    // A name with double quotes and a combining accent (e + U+0301).
    let out = claimdb(
        &db,
        &[
            "--format",
            "jsonl",
            "query",
            "add speaker \"Ann \\\"Nan\\\" Lee\u{301}\"",
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let message = value["message"].as_str().unwrap();
    assert_eq!(message, "added speaker 9 \"Ann \"Nan\" Lee\u{301}\"");
    assert!(!message.contains('\\'), "{message}");
    let out = claimdb(&db, &["query", "alias \"Nan\" to \"Nobody\""], None);
    assert!(text(&out.stderr).starts_with("error: no speaker \"Nobody\""));
}

#[test]
fn extract_proposes_and_accept_adds_what_is_not_stored() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("extract.db");
    // The proposals as JSON: every one anchored in the text, with a speaker,
    // a mode, a rule and a confidence with its reasons.
    let out = claimdb(
        &db,
        &["--format", "json", "extract", "fp-lazarus-review"],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let proposals: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let proposals = proposals.as_array().unwrap();
    assert!(proposals.len() > 50, "{}", proposals.len());
    let review = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("db-seed/texts/fp-lazarus-review.txt"),
    )
    .unwrap();
    for p in proposals {
        let (start, end) = (
            p["start_byte"].as_u64().unwrap() as usize,
            p["end_byte"].as_u64().unwrap() as usize,
        );
        assert!(review.get(start..end).is_some(), "{p}");
        for field in ["speaker", "mode", "rule", "rationale", "quote"] {
            assert!(
                p[field].as_str().is_some_and(|s| !s.is_empty()),
                "{field} in {p}"
            );
        }
        assert!((0.0..=1.0).contains(&p["confidence"].as_f64().unwrap()));
    }
    let thae = proposals
        .iter()
        .find(|p| p["speaker"] == "Thae Yong-ho" && p["mode"] == "direct")
        .unwrap();
    assert_eq!(thae["rule"], "quotation with a verb of saying");
    assert_eq!(thae["cue"], "Thae says");
    // The table names the count on stderr; nothing is written.
    let out = claimdb(&db, &["extract", "fp-lazarus-review"], None);
    assert!(out.status.success());
    assert!(text(&out.stderr)
        .contains("proposed from \"fp-lazarus-review\" (--accept adds them as claims)"));
    let count = |db: &Path| {
        let out = claimdb(db, &["--format", "jsonl", "query", "count claims"], None);
        text(&out.stdout).trim().to_string()
    };
    assert_eq!(count(&db), r#"{"count":61}"#);
    // Accepting adds the proposals not already stored, each checked.
    let accept = &[
        "extract",
        "fp-lazarus-review",
        "--accept",
        "--min-confidence",
        "0.85",
    ];
    let out = claimdb(&db, accept, None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let summary = text(&out.stdout);
    let line = summary.lines().last().unwrap();
    assert!(
        line.starts_with("added ") && line.contains("already stored") && line.contains("0 refused"),
        "{line}"
    );
    let added: usize = line["added ".len()..]
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(added > 0);
    assert_eq!(count(&db), format!(r#"{{"count":{}}}"#, 61 + added));
    // A second time, everything is already stored.
    let again = claimdb(&db, accept, None);
    assert!(
        text(&again.stdout)
            .lines()
            .last()
            .unwrap()
            .starts_with("added 0 claims"),
        "{}",
        text(&again.stdout)
    );
    // Bad input: a source that does not exist, one without text, a bad minimum.
    for (args, message) in [
        (
            vec!["extract", "no-such-source"],
            "error: no source \"no-such-source\"",
        ),
        (
            vec!["extract", "lazarus-heist-book"],
            "error: invalid source: \"lazarus-heist-book\" holds no text to extract claims from",
        ),
        (
            vec![
                "extract",
                "fp-lazarus-review",
                "--accept",
                "--min-confidence",
                "2",
            ],
            "error: --min-confidence 2 is outside 0..=1",
        ),
    ] {
        let out = claimdb(&db, &args, None);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(
            text(&out.stderr).starts_with(message),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    let out = claimdb(
        &db,
        &["extract", "fp-lazarus-review", "--min-confidence", "0.5"],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "--min-confidence needs --accept"
    );
}

/// A reader that goes away after the first line (`| head -1`) ends claimdb
/// quietly and with success, whatever the command and the format: it read
/// what it wanted. Every output here is far larger than a pipe's buffer,
/// so claimdb meets the closed pipe.
#[test]
fn a_reader_that_stops_early_ends_claimdb_quietly() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("pipe.db");
    let big = dir.path().join("big.txt");
    std::fs::write(&big, "One line of a long text.\n".repeat(40_000)).unwrap();
    let add = format!(
        "add source \"big\" with title = \"Big\", text_file = {:?}",
        big.display().to_string()
    );
    assert!(claimdb(&db, &["query", &add], None).status.success());
    let many = "claims; ".repeat(30);
    let cases: &[&[&str]] = &[
        &["export"],
        &["export", "--format", "csv"],
        &["export", "--format", "jsonl"],
        &["export", "--format", "text", "big"],
        &["query", &many],
        &["--format", "csv", "query", &many],
        &["--format", "jsonl", "query", &many],
        &["--format", "json", "query", &many],
        &["query", "show source \"big\""],
    ];
    for args in cases {
        let mut child = Command::new(env!("CARGO_BIN_EXE_claimdb"))
            .arg("--db")
            .arg(&db)
            .args(*args)
            .env("COLUMNS", "100")
            .env_remove("CLAIMDB_DB")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        assert!(!first.is_empty(), "{args:?}: no first line");
        // The reader is gone now.
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?}: {:?} {stderr}", out.status);
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
    }
}

/// `.import` in a script reads its file from the script's own folder, with
/// the command's options, into the shell's database.
#[test]
fn dot_import_takes_the_commands_options() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.db");
    std::fs::write(
        dir.path().join("rows.jsonl"),
        "{\"type\": \"speaker\", \"name\": \"Grace Hopper\"}\n{\"type\": \"speaker\", \"nme\": \"Typo\"}\n",
    )
    .unwrap();
    let script = dir.path().join("load.cq");
    std::fs::write(
        &script,
        ".import --dry-run rows.jsonl\n.import --partial rows.jsonl\n",
    )
    .unwrap();
    let out = claimdb(
        &db,
        &["--keep-going", "run", script.to_str().unwrap()],
        None,
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("unknown field `nme`"), "{stdout}");
    assert_eq!(out.status.code(), Some(1), "a refused row fails the script");
    let names = claimdb(
        &db,
        &[
            "--format",
            "csv",
            "query",
            "speakers select name where name starts with \"Grace\"",
        ],
        None,
    );
    assert_eq!(
        String::from_utf8_lossy(&names.stdout).lines().count(),
        2,
        "one speaker, written once"
    );
}

/// A dump restored into a new path is the database it was: the demo
/// claims are not loaded first (they would take the ids it brings).
#[test]
fn an_import_into_a_new_database_does_not_load_the_demo() {
    let dir = tempfile::tempdir().unwrap();
    let desk = dir.path().join("desk.db");
    let made = raw(
        &desk,
        &["--empty"],
        Some(
            "add source \"memo\" with title = \"A memo\", text = \"We ship on Friday.\";\n\
             add speaker \"Ada\";\n\
             add claim with speaker = \"Ada\", source = \"memo\", quote = \"We ship on Friday.\", statement = \"Friday.\", confidence = 0.9, rationale = \"Her memo.\";\n",
        ),
    );
    assert!(made.status.success(), "{}", text(&made.stderr));
    let dump = raw(&desk, &["export"], None);
    assert!(dump.status.success(), "{}", text(&dump.stderr));
    let file = dir.path().join("backup.dump");
    std::fs::write(&file, &dump.stdout).unwrap();
    let copy = dir.path().join("desk2.db");
    let restored = raw(&copy, &["import", file.to_str().unwrap()], None);
    assert!(restored.status.success(), "{}", text(&restored.stderr));
    assert!(
        text(&restored.stderr).contains(&format!(
            "created an empty claims database at {}",
            copy.display()
        )),
        "{}",
        text(&restored.stderr)
    );
    let ids = |db: &Path| {
        text(
            &raw(
                db,
                &["--format", "csv", "query", "claims select id, quote"],
                None,
            )
            .stdout,
        )
    };
    assert_eq!(ids(&copy), ids(&desk));
    assert_eq!(ids(&copy).lines().count(), 2, "{}", ids(&copy));
}

/// `--stats`, before or after the command: one line on stderr after the
/// command, its time and the process's peak memory, on success and on
/// failure (whose exit code it keeps); stdout is untouched.
#[test]
fn stats_print_the_time_and_peak_memory_after_the_command() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let stats_of = |stderr: &str| -> (f64, u64) {
        let line = stderr.lines().last().unwrap();
        let rest = line
            .strip_prefix("stats: ")
            .unwrap_or_else(|| panic!("{stderr}"));
        let (seconds, peak) = rest.split_once(" s, peak memory ").unwrap();
        let mib = peak.strip_suffix(" MiB").unwrap();
        (seconds.parse().unwrap(), mib.parse().unwrap())
    };
    for args in [
        &["--stats", "query", "count claims"][..],
        &["query", "count claims", "--stats"][..],
    ] {
        let out = claimdb(&db, args, None);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(text(&out.stdout).contains(&seed_claim_count().to_string()));
        let (seconds, mib) = stats_of(&text(&out.stderr));
        assert!(
            seconds < 60.0 && (1..4096).contains(&mib),
            "{seconds} s, {mib} MiB"
        );
    }
    let out = claimdb(&db, &["--stats", "query", "claims where nonsense"], None);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.starts_with("error: "), "{stderr}");
    stats_of(&stderr);
    let quiet = claimdb(&db, &["query", "count claims"], None);
    assert!(quiet.stderr.is_empty(), "{}", text(&quiet.stderr));
}
