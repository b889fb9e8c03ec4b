//! The real shell, driven through a pseudo-terminal as a person would drive
//! it: a partial keyword and Tab, a statement over two lines (with its
//! continuation prompt), a partial speaker name and Tab, a bad statement
//! (the caret, and the shell goes on), `.format json`, Tab after `source =`,
//! a question before a statement that changes every claim, and Ctrl-D on
//! an unfinished statement to leave. What the screen shows is
//! checked.
#![cfg(unix)]

use std::process::Command;

use rexpect::reader::Options;
use rexpect::session::spawn_with_options;

/// Sends keystrokes now (the session's writer is buffered).
fn type_keys(p: &mut rexpect::session::PtySession, keys: &str) {
    p.send(keys).unwrap();
    p.flush().unwrap();
}

#[test]
fn a_person_at_the_shell() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_claimdb"));
    cmd.arg("--db")
        .arg(dir.path().join("repl.db"))
        .arg("--seed")
        .env("XDG_DATA_HOME", dir.path())
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .env_remove("CLAIMDB_DB");
    let options = Options::new()
        .timeout_ms(Some(20_000))
        .strip_ansi_escape_codes(false);
    let mut p = spawn_with_options(cmd, options).expect("spawn claimdb in a pty");
    p.exp_string("Enter \".help\" for usage hints.").unwrap();
    p.exp_string("claimdb> ").unwrap();

    // A partial keyword, Tab, and the rest of a statement over two lines.
    type_keys(&mut p, "expl");
    type_keys(&mut p, "\t");
    p.exp_string("explain").unwrap();
    type_keys(&mut p, " count claims");
    type_keys(&mut p, "\r");
    // Not finished without `;`: the shell waits for more, and says so.
    p.exp_string("   ...> ").unwrap();
    type_keys(&mut p, "where speaker = \"Mori");
    type_keys(&mut p, "\t");
    p.exp_string("\"Moriuchi\"").unwrap();
    type_keys(&mut p, ";\r");
    p.exp_string("index idx_speaker on speaker id 3, answering the whole condition (about 4 rows)")
        .unwrap();
    p.exp_string("claimdb> ").unwrap();

    // A bad statement: the error with its caret, then the prompt again.
    type_keys(&mut p, "claims where speeker = \"White\";\r");
    p.exp_string("error: unknown field `speeker` (did you mean `speaker`?)")
        .unwrap();
    p.exp_string("^^^^^^^").unwrap();
    p.exp_string("claimdb> ").unwrap();

    // .format json, then a count.
    type_keys(&mut p, ".format json\r");
    p.exp_string("claimdb> ").unwrap();
    type_keys(&mut p, "count claims where speaker = \"Thae\";\r");
    p.exp_string("\"count\": 2").unwrap();
    p.exp_string("claimdb> ").unwrap();

    // Ctrl-C drops the current input; the shell goes on.
    type_keys(&mut p, "claims where");
    p.send_control('c').unwrap();
    p.exp_string("claimdb> ").unwrap();

    // After `source =`, Tab offers the source ids.
    type_keys(&mut p, "count claims where source = \"fp-laz");
    type_keys(&mut p, "\t");
    p.exp_string("\"fp-lazarus-review\"").unwrap();
    type_keys(&mut p, ";\r");
    p.exp_string("\"count\": 61").unwrap();
    p.exp_string("claimdb> ").unwrap();

    // A statement that would change every claim is asked about first: no
    // runs nothing, yes runs it.
    type_keys(&mut p, ".format table\r");
    p.exp_string("claimdb> ").unwrap();
    type_keys(&mut p, "delete claims;\r");
    p.exp_string("delete every claim (61)? [y/N] ").unwrap();
    type_keys(&mut p, "n\r");
    p.exp_string("not run: nothing was changed").unwrap();
    p.exp_string("claimdb> ").unwrap();
    type_keys(&mut p, "update claims set rationale = \"Reviewed.\";\r");
    p.exp_string("update every claim (61)? [y/N] ").unwrap();
    type_keys(&mut p, "y\r");
    p.exp_string("updated 61 claims").unwrap();
    p.exp_string("claimdb> ").unwrap();

    // Ctrl-D on an unfinished statement leaves, saying it was not run;
    // and the history was kept.
    type_keys(&mut p, "count claims\r");
    p.exp_string("   ...> ").unwrap();
    p.send_control('d').unwrap();
    p.exp_string("note: the unfinished statement was not run (it has no `;`): count claims")
        .unwrap();
    p.exp_eof().unwrap();
    let history = std::fs::read_to_string(dir.path().join("claimdb/history.txt")).unwrap();
    assert!(history.contains("speeker"), "{history}");
}

/// With a shell open on a database, a second `claimdb` on it runs through
/// the shell's process (its door) instead of waiting for the lock and
/// failing; the shell sees what the other wrote, and the door closes with
/// the shell.
#[test]
fn a_second_claimdb_runs_through_an_open_shell() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shared.db");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_claimdb"));
    cmd.arg("--db")
        .arg(&db)
        .env("XDG_DATA_HOME", dir.path())
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .env_remove("CLAIMDB_DB");
    let options = Options::new().timeout_ms(Some(20_000));
    let mut p = spawn_with_options(cmd, options).expect("spawn claimdb in a pty");
    p.exp_string("claimdb> ").unwrap();
    let other = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_claimdb"))
            .arg("--db")
            .arg(&db)
            .args(args)
            .env_remove("CLAIMDB_DB")
            .env_remove("CLAIMDB_SERVER")
            .output()
            .unwrap()
    };
    let out = other(&["query", "add speaker \"Grace Hopper\""]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("running through it"), "{stderr}");
    type_keys(&mut p, "speakers where name = \"Grace Hopper\";\r");
    p.exp_string("(1 row)").unwrap();
    type_keys(&mut p, ".quit\r");
    p.exp_eof().unwrap();
    assert!(!db.join(claimdb::door::DOOR_FILE).exists());
    // The shell gone, the next one opens the database itself.
    let out = other(&["query", "count claims"]);
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stderr).contains("running through"));
}

/// A line typed with a leading space stays out of the shell's history file;
/// the others are kept.
#[test]
fn a_line_with_a_leading_space_is_not_kept_in_the_history() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_claimdb"));
    cmd.arg("--db")
        .arg(dir.path().join("h.db"))
        .env("XDG_DATA_HOME", dir.path())
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .env_remove("CLAIMDB_DB");
    let mut p = spawn_with_options(cmd, Options::new().timeout_ms(Some(20_000))).unwrap();
    p.exp_string("claimdb> ").unwrap();
    type_keys(&mut p, " add speaker \"Secret Source\";\r");
    p.exp_string("added speaker").unwrap();
    p.exp_string("claimdb> ").unwrap();
    type_keys(&mut p, "count claims;\r");
    p.exp_string("(1 row)").unwrap();
    p.exp_string("claimdb> ").unwrap();
    type_keys(&mut p, ".quit\r");
    p.exp_eof().unwrap();
    let history = std::fs::read_to_string(dir.path().join("claimdb").join("history.txt")).unwrap();
    assert!(history.contains("count claims;"), "{history}");
    assert!(!history.contains("Secret Source"), "{history}");
}
