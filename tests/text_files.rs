//! A source added from a text file remembers it: `check` says when the file
//! was edited since (the claims are checked against the stored text, not
//! what the user now reads), `check --reload` takes the edit and
//! re-anchors, `update-source` remembers its file; an import's text_file
//! is remembered the same way.

mod support;

use support::{run, text};

#[test]
fn check_sees_an_edited_text_file_and_reload_takes_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.db");
    let file = dir.path().join("memo.txt");
    std::fs::write(
        &file,
        "The plant will close in March. Jobs will move to Lyon.\n",
    )
    .unwrap();
    let add = format!(
        r#"add source "memo" with title = "A memo", text_file = "{}"; add speaker "Ada"; add claim with speaker = "Ada", source = "memo", quote = "The plant will close in March.", statement = "The plant closes in March.", confidence = 0.9, rationale = "memo""#,
        file.display()
    );
    let out = run(&db, &["query", &add]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    // Unchanged: no note.
    let out = run(&db, &["check"]);
    assert!(out.status.success());
    assert!(
        !text(&out.stderr).contains("note:"),
        "{}",
        text(&out.stderr)
    );

    // Edited: the claims still check against the stored text, and the
    // note says so and how to take the change.
    std::fs::write(
        &file,
        "The plant will close in May. Jobs will move to Lyon.\n",
    )
    .unwrap();
    let out = run(&db, &["check"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "note: the text file of source \"memo\" changed since its text was read ({}); the claims are checked against the stored text: `claimdb check --reload` or `claimdb update-source memo {}` takes the change",
            file.display(),
            file.display()
        )),
        "{stderr}"
    );
    // --reload takes it: the quote is no longer in the text.
    let out = run(&db, &["check", "--reload"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "reloaded source \"memo\" from {}: 1 claim re-anchored, 1 broken",
            file.display()
        )),
        "{stderr}"
    );
    let out = run(&db, &["check"]);
    assert!(
        !text(&out.stderr).contains("note:"),
        "{}",
        text(&out.stderr)
    );

    // update-source remembers its own file.
    let other = dir.path().join("memo-v2.txt");
    std::fs::write(
        &other,
        "The plant will close in March. The memo says so again.\n",
    )
    .unwrap();
    let out = run(&db, &["update-source", "memo", other.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    std::fs::remove_file(&other).unwrap();
    let out = run(&db, &["check"]);
    assert!(
        text(&out.stderr).contains(&format!(
            "note: the text file of source \"memo\" is gone ({})",
            other.display()
        )),
        "{}",
        text(&out.stderr)
    );
    // A text given inline has no file to reload.
    let out = run(
        &db,
        &[
            "query",
            r#"add source "inline" with title = "Inline", text = "Words.""#,
        ],
    );
    assert!(out.status.success());
    let out = run(&db, &["check", "--source", "inline", "--reload"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn an_imported_text_file_is_remembered() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.db");
    std::fs::write(dir.path().join("speech.txt"), "We will build the bridge.\n").unwrap();
    let rows = r#"{"type":"source","id":"speech","title":"A speech","text_file":"speech.txt"}
{"type":"speaker","name":"Mayor"}
{"type":"claim","speaker":"Mayor","source":"speech","quote":"We will build the bridge.","statement":"A bridge.","confidence":0.8,"rationale":"r"}
"#;
    std::fs::write(dir.path().join("rows.jsonl"), rows).unwrap();
    let out = run(
        &db,
        &["import", dir.path().join("rows.jsonl").to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    std::fs::write(
        dir.path().join("speech.txt"),
        "We will not build the bridge.\n",
    )
    .unwrap();
    let out = run(&db, &["check"]);
    assert!(
        text(&out.stderr).contains("note: the text file of source \"speech\" changed"),
        "{}",
        text(&out.stderr)
    );
}
