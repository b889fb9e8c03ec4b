//! `--import`: whole-corpus work, claimdb against SQLite, on one JSON Lines
//! file of the generated corpus (sources with their text inline, speakers
//! with an alias, claims), the file `claimdb import` reads.
//!
//! Each task runs in a child process of its own, which reports its time
//! and its peak memory (`VmHWM`): claimdb's import all or nothing and
//! partial (`Db::import`, what the command runs), the first process after
//! it (open and count), opening alone (the memory any task on that
//! database starts from), `verify`, `check`, an export to JSON Lines, a
//! backup and its restore (and the restored copy's disk, compacted);
//! SQLite's load of the same file (parsed line by line, 1,000 claims per
//! transaction, WAL, `synchronous=FULL`, FTS5 on the quotes); and the disk
//! each takes.

use std::fmt::Write as _;
use std::io::{BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use claimdb::import::{ImportOptions, Outcome};
use claimdb::{Db, OpenOptions};
use rusqlite::params;

use crate::corpus::Corpus;
use crate::engines::{peak_kib, Measured};

/// Writes the corpus of `claims` claims as JSON Lines at `file` (kept
/// when it is there already).
pub fn write_corpus(file: &Path, claims: u64) {
    if file.exists() {
        return;
    }
    let corpus = Corpus::generate();
    let partial = file.with_extension("partial");
    let mut out = BufWriter::new(std::fs::File::create(&partial).expect("the corpus file"));
    let line = |out: &mut BufWriter<std::fs::File>, v: serde_json::Value| {
        serde_json::to_writer(&mut *out, &v).unwrap();
        out.write_all(b"\n").unwrap();
    };
    for s in &corpus.sources {
        line(
            &mut out,
            serde_json::json!({"type": "source", "id": s.id, "title": s.title, "kind": "report", "text": s.text}),
        );
    }
    for s in &corpus.speakers {
        line(
            &mut out,
            serde_json::json!({"type": "speaker", "name": s.name, "aliases": [s.alias]}),
        );
    }
    for n in 0..claims {
        let c = corpus.claim(n);
        let mut claim = serde_json::json!({
            "type": "claim",
            "speaker": corpus.speakers[c.speaker].name,
            "source": corpus.sources[c.source].id,
            "quote": c.quote,
            "statement": c.statement,
            "confidence": c.confidence,
            "rationale": c.rationale,
            "tags": c.tags,
        });
        if let Some(o) = c.origin {
            claim["origin"] = corpus.sources[o].id.clone().into();
        }
        line(&mut out, claim);
    }
    out.flush().unwrap();
    drop(out);
    std::fs::rename(&partial, file).unwrap();
}

/// `child bulk TASK DB FILE`: one task, its time and peak memory printed.
pub fn child(task: &str, db: &Path, file: &Path) {
    let began = Instant::now();
    let open = || Db::open_with(db, OpenOptions::new().seed(false)).expect("open claimdb");
    // verify, check and export open as the command opens them for a scan.
    let scan = || {
        let options = OpenOptions::new()
            .seed(false)
            .cache_bytes(claimdb::SCAN_CACHE_BYTES);
        Db::open_with(db, options).expect("open claimdb")
    };
    let rows = match task {
        "import" | "import-partial" => {
            let report = open()
                .import(
                    &[file.to_path_buf()],
                    &ImportOptions {
                        partial: task == "import-partial",
                        ..ImportOptions::default()
                    },
                )
                .expect("the import");
            assert!(report.written && !report.refused(), "refused rows");
            report.count_of("claim", Outcome::Added) as u64
        }
        "open" => open().view().unwrap().claim_count().unwrap(),
        "first" => open().query("count claims").unwrap().count().unwrap_or(0),
        "verify" => {
            let report = scan().verify().expect("verify");
            assert!(report.is_ok(), "{:?}", report.problems.first());
            report.claims
        }
        "check" => {
            // As `claimdb check` runs it: each result counted as it comes.
            let mut checked = 0;
            scan()
                .check_each(&claimdb::CheckScope::All, &mut |_| {
                    checked += 1;
                    Ok(())
                })
                .expect("check");
            checked
        }
        "export" => {
            let mut sink = std::io::sink();
            scan()
                .export(
                    &claimdb::export::ExportOptions {
                        format: claimdb::export::ExportFormat::Jsonl,
                        query: None,
                        review: Default::default(),
                        versions: false,
                    },
                    &mut sink,
                )
                .expect("export")
        }
        // `file` is the backup's path.
        "backup" => scan().backup(file).expect("backup").entries,
        "restore" => {
            let options = OpenOptions::new().seed(false);
            claimdb::restore(file, db, options).expect("restore").claims
        }
        "sqlite-import" => sqlite_import(db, file),
        other => panic!("unknown bulk task {other}"),
    };
    Measured {
        first_ms: began.elapsed().as_secs_f64() * 1e3,
        rows,
        peak_kib: peak_kib(),
        ..Default::default()
    }
    .print();
}

/// SQLite's load of the JSON Lines file, read a line at a time.
fn sqlite_import(path: &Path, file: &Path) -> u64 {
    let mut c = crate::engines::sqlite_schema(path);
    let reader = std::io::BufReader::new(std::fs::File::open(file).unwrap());
    let mut speakers: std::collections::HashMap<String, i64> = Default::default();
    let mut tx = c.transaction().unwrap();
    let (mut claims, mut in_tx) = (0u64, 0);
    for line in reader.lines() {
        let v: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
        let text = |k: &str| v[k].as_str().map(str::to_string);
        match v["type"].as_str() {
            Some("source") => {
                tx.execute(
                    "INSERT INTO sources VALUES (?1, ?2, ?3, NULL)",
                    params![text("id"), text("title"), text("text")],
                )
                .unwrap();
            }
            Some("speaker") => {
                let id = speakers.len() as i64 + 1;
                tx.execute(
                    "INSERT INTO speakers VALUES (?1, ?2)",
                    params![id, text("name")],
                )
                .unwrap();
                for a in v["aliases"].as_array().into_iter().flatten() {
                    tx.execute(
                        "INSERT INTO aliases VALUES (?1, ?2)",
                        params![a.as_str(), id],
                    )
                    .unwrap();
                    speakers.insert(a.as_str().unwrap().to_string(), id);
                }
                speakers.insert(text("name").unwrap(), id);
            }
            _ => {
                claims += 1;
                let id = claims as i64;
                tx.prepare_cached("INSERT INTO claims VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'verified', NULL, NULL)")
                    .unwrap()
                    .execute(params![
                        id,
                        speakers[v["speaker"].as_str().unwrap()],
                        text("source"),
                        text("origin"),
                        text("quote"),
                        text("statement"),
                        v["confidence"].as_f64(),
                        text("rationale"),
                    ])
                    .unwrap();
                for t in v["tags"].as_array().into_iter().flatten() {
                    tx.prepare_cached("INSERT INTO claim_tags VALUES (?1, ?2)")
                        .unwrap()
                        .execute(params![id, t.as_str()])
                        .unwrap();
                }
                tx.prepare_cached("INSERT INTO claims_fts(rowid, quote) VALUES (?1, ?2)")
                    .unwrap()
                    .execute(params![id, text("quote")])
                    .unwrap();
                in_tx += 1;
                if in_tx == 1_000 {
                    tx.commit().unwrap();
                    tx = c.transaction().unwrap();
                    in_tx = 0;
                }
            }
        }
    }
    tx.commit().unwrap();
    c.pragma_update(None, "wal_checkpoint", "TRUNCATE").unwrap();
    claims
}

/// Runs the bulk tasks at `claims` in `base`; prints the table.
pub fn run(base: &Path, claims: u64, child: &dyn Fn(&[&str]) -> Measured) {
    let file = base.join(format!("corpus-{claims}.jsonl"));
    let began = Instant::now();
    write_corpus(&file, claims);
    println!(
        "corpus: {} ({:.0} MB), written in {:.1} s",
        file.display(),
        std::fs::metadata(&file).map_or(0, |m| m.len()) as f64 / 1e6,
        began.elapsed().as_secs_f64()
    );
    let fresh = |name: &str| -> PathBuf {
        let p = base.join(format!("{name}-{claims}"));
        let _ = std::fs::remove_dir_all(&p);
        let _ = std::fs::remove_file(&p);
        p
    };
    let file_arg = file.to_str().unwrap().to_string();
    let task_on = |task: &str, db: &Path, file: &str| {
        let m = child(&["bulk", task, db.to_str().unwrap(), file]);
        println!(
            "{task}: {:.2} s, peak {} MiB, {} rows",
            m.first_ms / 1e3,
            m.peak_kib / 1024,
            m.rows
        );
        m
    };
    let task = |task: &str, db: &Path| task_on(task, db, &file_arg);
    let partial_db = fresh("claimdb-partial");
    let partial = task("import-partial", &partial_db);
    let _ = std::fs::remove_dir_all(&partial_db);
    let db = fresh("claimdb-import");
    let import = task("import", &db);
    let first = task("first", &db);
    let open = task("open", &db);
    let verify = task("verify", &db);
    let check = task("check", &db);
    let export = task("export", &db);
    let backup_file = fresh("claimdb-backup");
    let backup = task_on("backup", &db, backup_file.to_str().unwrap());
    let restored_db = fresh("claimdb-restored");
    let restore = task_on("restore", &restored_db, backup_file.to_str().unwrap());
    let restored_disk = crate::disk_bytes(&restored_db);
    let _ = std::fs::remove_file(&backup_file);
    let _ = std::fs::remove_dir_all(&restored_db);
    let sqlite_db = fresh("sqlite-import");
    let sqlite = task("sqlite-import", &sqlite_db);
    let disk = crate::disk_bytes(&db);
    let sqlite_disk = crate::disk_bytes(&sqlite_db);

    let mut t = String::new();
    let mib = |m: &Measured| m.peak_kib / 1024;
    let _ = writeln!(
        t,
        "\n| at {claims} claims (`--import`) | claimdb | peak MiB | above open | SQLite | peak MiB | ratio |"
    );
    let _ = writeln!(t, "|---|---|---|---|---|---|---|");
    let secs = |m: &Measured| format!("{:.1} s", m.first_ms / 1e3);
    let above = |m: &Measured| (m.peak_kib.saturating_sub(open.peak_kib) / 1024).to_string();
    for (what, m) in [
        ("import, all or nothing", &import),
        ("import --partial", &partial),
    ] {
        let _ = writeln!(
            t,
            "| {what} | {} | {} | {} | {} | {} | {:.2} |",
            secs(m),
            mib(m),
            above(m),
            secs(&sqlite),
            mib(&sqlite),
            m.first_ms / sqlite.first_ms
        );
    }
    for (what, m) in [
        ("verify", &verify),
        ("check (every claim re-checked)", &check),
        ("export --format jsonl", &export),
        ("backup", &backup),
        ("restore (read, written, verified)", &restore),
    ] {
        let _ = writeln!(
            t,
            "| {what} | {} | {} | {} | | | |",
            secs(m),
            mib(m),
            above(m)
        );
    }
    let _ = writeln!(
        t,
        "| open alone | {:.0} ms | {} | | | | |",
        open.first_ms,
        mib(&open)
    );
    let _ = writeln!(
        t,
        "| first process after the import (open + `count claims`) | {:.0} ms | {} | | | | |",
        first.first_ms,
        mib(&first)
    );
    let _ = writeln!(
        t,
        "| disk (MB; SQLite's with FTS5) | {:.0} | | | {:.0} | | {:.2} |",
        disk as f64 / 1e6,
        sqlite_disk as f64 / 1e6,
        disk as f64 / sqlite_disk as f64
    );
    let _ = writeln!(
        t,
        "| disk of the restored copy (MB) | {:.0} | | | {:.0} | | {:.2} |",
        restored_disk as f64 / 1e6,
        sqlite_disk as f64 / 1e6,
        restored_disk as f64 / sqlite_disk as f64
    );
    print!("{t}");
    let _ = std::fs::remove_dir_all(&db);
    let _ = std::fs::remove_file(&sqlite_db);
}
