//! The catalogue of bad input: each case is one row (what is given, the
//! first line of stderr it must produce, the exit code), and after every
//! case the database must hold exactly what it held before.

mod support;

use std::path::{Path, PathBuf};

use support::{run, run_bytes, text};

/// What a case hands claimdb.
enum Given {
    /// `claimdb query STATEMENT` on the shared database.
    Query(&'static str),
    /// Bytes on stdin to the shared database.
    Stdin(&'static [u8]),
    /// Arguments, with `{db}` for the shared database's path and `{dir}`
    /// for a scratch folder.
    Args(&'static [&'static str]),
}

struct Case {
    name: &'static str,
    given: Given,
    /// The first line of stderr, with `{db}` and `{dir}` filled in.
    error: &'static str,
}

const CASES: &[Case] = &[
    Case {
        name: "invalid UTF-8 on stdin",
        given: Given::Stdin(b"count claims;\n\xff\xfe;\n"),
        error: "error: <stdin>:2:1: not UTF-8 text; nothing from this line on was run",
    },
    Case {
        name: "confidence out of range",
        given: Given::Query(
            r#"add claim with speaker = "White", source = "fp-lazarus-review", quote = "Remember the 11th of September 2001.", statement = "s", confidence = 1.5, rationale = "r""#,
        ),
        error: "error: invalid confidence: 1.5 is outside 0..=1",
    },
    Case {
        name: "confidence that is not a finite number",
        given: Given::Query("claims where confidence > 1e999"),
        error: "error: `1e999` is not a number",
    },
    Case {
        name: "unknown speaker",
        given: Given::Query(
            r#"add claim with speaker = "Nobody", source = "fp-lazarus-review", quote = "x", statement = "s", confidence = 0.5, rationale = "r""#,
        ),
        error: r#"error: no speaker "Nobody""#,
    },
    Case {
        name: "unknown source",
        given: Given::Query(
            r#"add claim with speaker = "White", source = "nowhere", quote = "x", statement = "s", confidence = 0.5, rationale = "r""#,
        ),
        error: r#"error: no source "nowhere""#,
    },
    Case {
        name: "empty quote",
        given: Given::Query(
            r#"add claim with speaker = "White", source = "fp-lazarus-review", quote = "  ", statement = "s", confidence = 0.5, rationale = "r""#,
        ),
        error: "error: invalid quote: must not be empty",
    },
    Case {
        name: "a misquote",
        given: Given::Query(
            r#"add claim with speaker = "White", source = "fp-lazarus-review", quote = "Remember the 11th of September 2011.", statement = "s", confidence = 0.5, rationale = "r""#,
        ),
        error: r#"error: new claim by White: quote does not match source "fp-lazarus-review""#,
    },
    Case {
        name: "an empty tag",
        given: Given::Query(r#"update claims set tags = ("ok", " ") where id = 1"#),
        error: "error: invalid tag: must not be empty",
    },
    Case {
        name: "an id past 2^53",
        given: Given::Query("show claim 99999999999999999999999"),
        error: "error: a claim id is too large (the largest is 9007199254740991)",
    },
    Case {
        name: "an unterminated string",
        given: Given::Query(r#"claims where speaker = "White"#),
        error: "error: unterminated string: no closing `\"` for the quote that opens here",
    },
    Case {
        name: "a text file that does not exist",
        given: Given::Query(r#"add source "m" with title = "t", text_file = "/nonexistent/m.txt""#),
        error: "error: /nonexistent/m.txt: No such file or directory (os error 2)",
    },
    Case {
        name: "a text file that is a directory",
        given: Given::Query(r#"add source "m" with title = "t", text_file = "/tmp""#),
        error: "error: /tmp: is a directory, not a text file",
    },
    Case {
        name: "a text file that never ends",
        given: Given::Query(r#"add source "m" with title = "t", text_file = "/dev/zero""#),
        error: "error: /dev/zero: is not a regular file (a pipe, a device or a socket): claimdb reads files",
    },
    Case {
        name: "a binary text file",
        given: Given::Args(&["--db", "{db}", "update-source", "fp-lazarus-review", "{dir}/binary.bin"]),
        error: "error: cannot read {dir}/binary.bin: is not UTF-8 text: an invalid byte at line 1, column 4 (offset 3)",
    },
    Case {
        name: "a database path that is a file",
        given: Given::Args(&["--db", "{dir}/binary.bin", "query", "count claims"]),
        error: "error: cannot open {dir}/binary.bin: {dir}/binary.bin: is a file, not a claimdb database directory",
    },
    Case {
        name: "a database path that cannot be created",
        given: Given::Args(&["--db", "/proc/claimdb-test.db", "query", "count claims"]),
        error: "error: cannot open /proc/claimdb-test.db: /proc/claimdb-test.db: No such file or directory (os error 2)",
    },
    Case {
        name: "a folder of other files",
        given: Given::Args(&["--db", "{dir}", "query", "count claims"]),
        error: "error: cannot open {dir}: {dir}: is a directory that does not hold a claimdb database; refusing to write into it",
    },
    Case {
        name: "a database of a future format",
        given: Given::Args(&["--db", "{dir}/future.db", "query", "count claims"]),
        error: "error: cannot open {dir}/future.db: database format version 99 is not supported (this claimdb reads version {version})",
    },
    Case {
        name: "a truncated database",
        given: Given::Args(&["--db", "{dir}/truncated.db", "query", "count claims"]),
        error: "error: cannot open {dir}/truncated.db: storage: the database files are damaged or incomplete (the engine read corrupted data)",
    },
    Case {
        name: "a database with damaged bytes",
        given: Given::Args(&["--db", "{dir}/damaged.db", "query", "count claims"]),
        error: "error: cannot open {dir}/damaged.db: storage: the database files are damaged or incomplete (the engine read corrupted data)",
    },
    Case {
        name: "an unknown command",
        given: Given::Args(&["--db", "{db}", "frobnicate"]),
        error: "error: unrecognized subcommand 'frobnicate'",
    },
];

/// Everything the database holds, as the user sees it.
fn contents(db: &Path) -> String {
    let out = run(
        db,
        &["--format", "jsonl", "query", "claims; speakers; sources"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
}

/// The scratch folder's damaged databases, binary file and future format.
fn prepare(dir: &Path) -> PathBuf {
    std::fs::write(dir.join("binary.bin"), b"ok \xff\xfe binary").unwrap();
    // A database written a few times, so sled has written a snapshot (a
    // damaged log without one reads as a shorter, sound log).
    let good = &dir.join("good.db");
    for name in ["A", "B", "C"] {
        assert!(run(good, &["query", &format!("add speaker {name:?}")])
            .status
            .success());
    }
    let copy = |name: &str| {
        let to = dir.join(name);
        std::fs::create_dir(&to).unwrap();
        for entry in std::fs::read_dir(good).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_file() {
                std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
            }
        }
        to
    };
    let truncated = copy("truncated.db");
    let log = std::fs::OpenOptions::new()
        .write(true)
        .open(truncated.join("db"))
        .unwrap();
    log.set_len(10).unwrap();
    let damaged = copy("damaged.db");
    let snapshot = std::fs::read_dir(&damaged)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("snap.")
        })
        .expect("sled wrote a snapshot");
    let mut bytes = std::fs::read(&snapshot).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xa5;
    std::fs::write(&snapshot, bytes).unwrap();
    {
        let future = sled::open(dir.join("future.db")).unwrap();
        // A version byte, then bincode's varint for 99.
        future.insert(b"__sled__default", b"").unwrap();
        let meta = future.open_tree("meta").unwrap();
        meta.insert(b"format_version", &[1u8, 99][..]).unwrap();
        future.flush().unwrap();
    }
    dir.to_path_buf()
}

#[test]
fn bad_input_gets_a_clear_error_and_changes_nothing() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("shared.db");
    let scratch = tempfile::tempdir().unwrap();
    assert!(run(&db, &["query", "count claims"]).status.success());
    let dir = prepare(scratch.path());
    let fill = |s: &str| {
        s.replace("{db}", db.to_str().unwrap())
            .replace("{dir}", dir.to_str().unwrap())
            .replace("{version}", &claimdb::store::FORMAT_VERSION.to_string())
    };
    let before = contents(&db);
    let mut failures = Vec::new();
    for case in CASES {
        let out = match &case.given {
            Given::Query(q) => run(&db, &["query", q]),
            Given::Stdin(bytes) => run_bytes(&db, bytes),
            Given::Args(args) => {
                let args: Vec<String> = args.iter().map(|a| fill(a)).collect();
                let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_claimdb"));
                c.args(&args).env("NO_COLOR", "1").env_remove("CLAIMDB_DB");
                c.output().unwrap()
            }
        };
        let stderr = text(&out.stderr);
        let first = stderr.lines().next().unwrap_or("");
        let expected = fill(case.error);
        if first != expected || out.status.success() || out.status.code() == Some(101) {
            failures.push(format!(
                "{}: exit {:?}\n  expected: {expected}\n  got:      {first}",
                case.name,
                out.status.code()
            ));
        }
        if contents(&db) != before {
            failures.push(format!("{}: the database changed", case.name));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// A named pipe, a device or a directory where a file is expected is
/// refused at once, never waited on or read without end: a script, an
/// import file, a source's `text_file`, `.read`, `locate` and
/// `update-source` alike. A script that is not UTF-8 says where.
#[cfg(unix)]
#[test]
fn what_is_not_a_regular_file_is_refused_at_once() {
    use std::time::Duration;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("f.db");
    let fifo = dir.path().join("pipe.jsonl");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let fifo = fifo.to_str().unwrap().to_string();
    let add = format!("add source \"p\" with title = \"P\", text_file = {fifo:?}");
    let read = format!(".read {fifo}\n");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["run", &fifo], ""),
        (vec!["run", "/dev/zero"], ""),
        (vec!["import", &fifo], ""),
        (vec!["locate", &fifo, "a quote"], ""),
        (vec!["locate", "/dev/zero", "a quote"], ""),
        (vec!["update-source", "fp-lazarus-review", &fifo], ""),
        (vec!["query", &add], ""),
        (vec![], &read),
        (vec![], ".read /dev/zero\n"),
    ];
    for (args, stdin) in cases {
        let out = support::run_within(&db, &args, stdin, Duration::from_secs(20))
            .unwrap_or_else(|| panic!("{args:?} {stdin:?}: still waiting after 20 s"));
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?} {stdin:?}: {stderr}");
        assert!(
            stderr.contains("is not a regular file"),
            "{args:?} {stdin:?}: {stderr}"
        );
    }
    let bad = dir.path().join("bad.cq");
    std::fs::write(&bad, b"count claims;\nclaims where \xff;\n").unwrap();
    let out = run(&db, &["run", bad.to_str().unwrap()]);
    assert_eq!(
        text(&out.stderr).trim_end(),
        format!(
            "error: cannot read {}: is not UTF-8 text: an invalid byte at line 2, column 14 (offset 27)",
            bad.display()
        )
    );
}
