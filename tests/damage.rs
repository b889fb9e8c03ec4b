//! Damage is never read as a smaller database.
//!
//! Two databases, one made by statements (the demo corpus, then adds,
//! updates and a delete, each its own commit) and one made by a single
//! import, are damaged in copies: a byte flipped, the file cut short, at
//! offsets spread over each of their files, and each file deleted. Every
//! case must either open with every claim that was acknowledged, unchanged,
//! or be refused with a message that says the database is damaged; none may
//! panic or open as a smaller database. The counts per outcome are printed
//! (`cargo test --test damage -- --nocapture`).

mod support;

use std::path::{Path, PathBuf};

use support::{command, run, text};

/// Offsets tried per file, for flips and for cuts each (more with
/// CLAIMDB_DAMAGE_OFFSETS, for a longer run).
fn offsets() -> u64 {
    std::env::var("CLAIMDB_DAMAGE_OFFSETS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(14)
        .max(2)
}

/// Every claim, as one line each: what must come back whole.
fn claims(db: &Path) -> std::process::Output {
    command(db)
        .args([
            "--format",
            "jsonl",
            "query",
            "claims select id, speaker, source, statement, confidence, quote, status order by id",
        ])
        .output()
        .unwrap()
}

fn by_statements(dir: &Path) -> PathBuf {
    let db = dir.join("statements.db");
    assert!(run(&db, &["query", "count claims"]).status.success());
    for statement in [
        r#"add claim with speaker = "White", source = "fp-lazarus-review", quote = "North Korea", statement = "damage test one", confidence = 0.5, rationale = "test""#,
        r#"update claims set confidence = 0.25 where id = 3"#,
        r#"delete claims where id = 7"#,
        r#"update claims set tags = ("damaged") where id = 12"#,
    ] {
        let out = run(&db, &["query", statement]);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    db
}

/// How many claims the database made by one import holds: enough for
/// sled's log to span several segments.
const IMPORTED: usize = 1_500;

fn by_one_import(dir: &Path) -> PathBuf {
    let sentence = |n: usize| format!("Ledger entry {n} notes that crate {n} was checked.");
    let ledger: String = (0..IMPORTED).map(|n| sentence(n) + "\n").collect();
    let mut rows = vec![
        serde_json::json!({"type": "speaker", "name": "Clerk"}),
        serde_json::json!({"type": "source", "id": "ledger", "title": "A ledger", "text": ledger}),
    ];
    rows.extend((0..IMPORTED).map(|n| {
        serde_json::json!({
            "type": "claim", "speaker": "Clerk", "source": "ledger", "quote": sentence(n),
            "statement": format!("entry {n}"), "confidence": 0.5, "rationale": "damage test",
        })
    }));
    let file = dir.join("ledger.jsonl");
    let lines: Vec<String> = rows.iter().map(|r| r.to_string()).collect();
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    let db = dir.join("imported.db");
    let out = command(&db).arg("import").arg(&file).output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    db
}

/// Copies a database folder (its files and `blobs/`).
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The files of a database, relative to its folder.
fn files(db: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut folders = vec![PathBuf::new()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(db.join(&folder)).unwrap() {
            let entry = entry.unwrap();
            let name = folder.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                folders.push(name);
            } else {
                found.push(name);
            }
        }
    }
    found.sort();
    found
}

#[derive(Debug, Clone)]
enum Damage {
    Flip(PathBuf, u64),
    Cut(PathBuf, u64),
    Delete(PathBuf),
}

impl Damage {
    fn apply(&self, db: &Path) {
        match self {
            Damage::Flip(file, at) => {
                let path = db.join(file);
                let mut bytes = std::fs::read(&path).unwrap();
                bytes[*at as usize] ^= 0x5a;
                std::fs::write(&path, bytes).unwrap();
            }
            Damage::Cut(file, at) => {
                let f = std::fs::OpenOptions::new()
                    .write(true)
                    .open(db.join(file))
                    .unwrap();
                f.set_len(*at).unwrap();
            }
            Damage::Delete(file) => std::fs::remove_file(db.join(file)).unwrap(),
        }
    }
}

/// The cases for one database: flips and cuts spread over each file (the
/// first and last bytes included), and each file deleted.
fn cases(db: &Path) -> Vec<Damage> {
    let mut cases = Vec::new();
    for file in files(db) {
        let len = std::fs::metadata(db.join(&file)).unwrap().len();
        if len > 0 {
            let n = offsets();
            let mut offsets: Vec<u64> = (0..n).map(|i| i * (len - 1) / (n - 1)).collect();
            // sled preallocates: the last commits lie just before the
            // zeros at the end, where damage reads as a shorter log.
            let bytes = std::fs::read(db.join(&file)).unwrap();
            let written = bytes
                .iter()
                .rposition(|&b| b != 0)
                .map_or(0, |i| i as u64 + 1);
            offsets.extend(
                [1, 16, 100, 700, 3000, 9000]
                    .iter()
                    .filter_map(|back| written.checked_sub(*back)),
            );
            offsets.sort();
            offsets.dedup();
            for &at in &offsets {
                cases.push(Damage::Flip(file.clone(), at));
            }
            for &at in offsets.iter().filter(|&&at| at < len) {
                cases.push(Damage::Cut(file.clone(), at));
            }
        }
        cases.push(Damage::Delete(file));
    }
    cases
}

/// What a damaged copy did when opened.
#[derive(Debug, Default)]
struct Outcomes {
    whole: usize,
    refused: usize,
    /// The refusals' first lines, each once.
    messages: Vec<String>,
}

fn try_cases(name: &str, db: &Path, scratch: &Path) -> Outcomes {
    let expected = claims(db);
    assert!(expected.status.success(), "{}", text(&expected.stderr));
    let expected = text(&expected.stdout);
    let mut outcomes = Outcomes::default();
    for (n, damage) in cases(db).into_iter().enumerate() {
        let copy = scratch.join(format!("{name}-{n}.db"));
        copy_dir(db, &copy);
        damage.apply(&copy);
        let out = claims(&copy);
        let stderr = text(&out.stderr);
        assert!(
            !stderr.contains("panicked") && out.status.code() != Some(101),
            "{name}: {damage:?} made claimdb panic:\n{stderr}"
        );
        if out.status.success() {
            assert_eq!(
                text(&out.stdout),
                expected,
                "{name}: {damage:?} opened, but not with every acknowledged claim (stderr: {stderr})"
            );
            outcomes.whole += 1;
        } else {
            assert!(
                stderr.contains("damaged") || stderr.contains("lost commit"),
                "{name}: {damage:?} was refused without naming the damage:\n{stderr}"
            );
            outcomes.refused += 1;
            let first = stderr.lines().next().unwrap_or_default();
            let said = first.replace(copy.to_str().unwrap(), "DB");
            if !outcomes.messages.contains(&said) {
                outcomes.messages.push(said);
            }
        }
        std::fs::remove_dir_all(&copy).unwrap();
    }
    eprintln!(
        "damage, {name}: {} cases: {} opened whole, {} refused naming the damage",
        outcomes.whole + outcomes.refused,
        outcomes.whole,
        outcomes.refused
    );
    for message in &outcomes.messages {
        eprintln!("  {message}");
    }
    outcomes
}

#[test]
fn every_damaged_copy_opens_whole_or_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let statements = by_statements(dir.path());
    let imported = by_one_import(dir.path());
    let scratch = dir.path().join("scratch");
    std::fs::create_dir(&scratch).unwrap();
    for (name, db) in [("statements", &statements), ("one import", &imported)] {
        let outcomes = try_cases(name, db, &scratch);
        // The cases must have met the damage they are about: a sweep that
        // never refuses tests nothing.
        assert!(outcomes.refused >= 10, "{name}: {outcomes:?}");
    }
}

#[test]
fn verify_names_lost_commits_and_accepting_the_loss_opens_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let db = by_statements(dir.path());
    // The database as it was before its last commit: an older copy put
    // back, or a log that now ends earlier.
    let older = dir.path().join("older.db");
    copy_dir(&db, &older);
    let out = run(
        &db,
        &[
            "query",
            r#"update claims set confidence = 0.75 where id = 4"#,
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    std::fs::copy(db.join("claimdb.commits"), older.join("claimdb.commits")).unwrap();

    let out = run(&older, &["query", "count claims"]);
    assert!(
        !out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("lost commit 6: its files are damaged or were replaced by an older copy"),
        "{stderr}"
    );
    assert!(
        stderr.contains("hint: restore the latest backup"),
        "{stderr}"
    );

    let out = run(&older, &["verify"]);
    assert!(!out.status.success());
    let stdout = text(&out.stdout);
    assert!(stdout.contains("commits: the database at"), "{stdout}");
    assert!(stdout.contains("(not repairable)"), "{stdout}");

    let out = run(&older, &["verify", "--repair"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stdout)
            .contains("not mended: lost commits and claims come back only from a backup"),
        "{}",
        text(&out.stdout)
    );
    let out = run(&older, &["verify", "--repair", "--accept-loss"]);
    assert!(out.status.success(), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("accepted the loss"));
    let out = run(&older, &["query", "count claims"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("61"), "{}", text(&out.stdout));
}
