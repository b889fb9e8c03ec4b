//! kill -9 at random points: every write that was reported survives, every
//! transaction is all or nothing, and `claimdb verify` finds the indexes in
//! agreement after each kill, and every record's history in agreement with
//! it: no version without its change, no change without its version (each
//! stored claim has the version that created it; a deleted one, the version
//! that deleted it; each updated confidence, its version).
//!
//! A child `claimdb` reads statements on stdin (adds, updates, deletes,
//! `begin … commit` transactions) and reports each as it finishes; the test
//! reads the reports as they come, kills the child with SIGKILL after a
//! random delay, and checks the database against what was reported. Every
//! few cycles the child is another workload, killed mid-way: an import
//! (all or nothing, then partial), `update-source`, `merge speaker`,
//! `verify --repair` of a stale count, and `vacuum`.
//!
//! The default run does a few cycles; the long run is
//! `CLAIMDB_CRASH_CYCLES=60 cargo test --release --test crash -- --nocapture`.

mod support;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use support::{command, run, text};

/// A small deterministic generator (xorshift), seeded per run and printed,
/// so a failing run can be repeated with CLAIMDB_CRASH_SEED.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// How many sentences the generated source holds: each add quotes one of
/// its own (the same speaker and passage twice would be one claim, refused,
/// and the workload would stop testing anything).
const SENTENCES: usize = 20_000;

/// The sentence `n` of the generated source.
fn sentence(n: usize) -> String {
    format!(
        "Ledger entry {n} notes that crate {n} was checked at dock {}.",
        n % 89
    )
}

/// What one statement does, to check against the database afterwards.
#[derive(Debug, Clone)]
enum Op {
    /// An add, marked, quoting its own sentence.
    Add(String, usize),
    Update(String, u32),
    Delete(String),
    /// Adds inside `begin … commit`.
    Transaction(Vec<(String, usize)>),
}

impl Op {
    fn script(&self) -> String {
        let add = |marker: &str, n: usize| {
            format!(
                r#"add claim with speaker = "White", source = "ledger", quote = "{}", statement = "{marker}", confidence = 0.5, rationale = "crash test", tags = ("crash");"#,
                sentence(n)
            )
        };
        match self {
            Op::Add(m, n) => add(m, *n) + "\n",
            Op::Update(m, c) => {
                format!("update claims set confidence = 0.{c:02} where statement = \"{m}\";\n")
            }
            Op::Delete(m) => format!("delete claims where statement = \"{m}\";\n"),
            Op::Transaction(ms) => {
                let adds: Vec<String> = ms.iter().map(|(m, n)| add(m, *n)).collect();
                format!("begin;\n{}\ncommit;\n", adds.join("\n"))
            }
        }
    }

    /// How many report lines the statement prints before it is done.
    fn reports(&self) -> usize {
        match self {
            Op::Transaction(ms) => ms.len() + 2,
            _ => 1,
        }
    }
}

/// The claims with a crash marker, as (statement, confidence) pairs.
fn markers(db: &Path) -> Vec<(String, String)> {
    let out = run(
        db,
        &[
            "--format",
            "csv",
            "query",
            r#"claims select statement, confidence where has tag "crash""#,
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
        .lines()
        .skip(1)
        .filter_map(|l| {
            let (s, c) = l.rsplit_once(',')?;
            Some((s.to_string(), c.to_string()))
        })
        .collect()
}

fn verify(db: &Path, cycle: usize) {
    let out = run(db, &["verify"]);
    assert!(
        out.status.success(),
        "cycle {cycle}: verify after kill -9:\n{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    every_claim_has_the_version_that_made_it(db, cycle);
}

/// `verify` checks each record that has versions against them; a claim
/// stored without any (its add's version lost) it cannot tell from one
/// written before history was kept, so that is checked here: every claim
/// in this database was made with history on.
fn every_claim_has_the_version_that_made_it(db: &Path, cycle: usize) {
    let db = claimdb::Db::open(db).unwrap();
    let view = db.view().unwrap();
    for claim in view.claims() {
        let id = claim.unwrap().id;
        let versions = view.versions(&claimdb::model::Subject::Claim(id)).unwrap();
        assert_eq!(
            versions.first().map(|v| (v.number, v.action)),
            Some((1, claimdb::model::Action::Created)),
            "cycle {cycle}: claim {id} is stored without the version that made it"
        );
    }
}

/// One cycle of statements, killed after `delay`; returns how many were
/// reported. `passage` is the next sentence no add has quoted yet.
fn statements_cycle(
    db: &Path,
    cycle: usize,
    rng: &mut Rng,
    live: &mut Vec<(String, u32)>,
    passage: &mut usize,
) -> usize {
    // Plan the statements against what is known to be stored.
    let mut ops = Vec::new();
    let mut planned = live.clone();
    for i in 0..40 {
        let marker = format!("crash-{cycle}-{i}");
        let mut next = || {
            *passage += 1;
            *passage % SENTENCES
        };
        let op = match rng.below(6) {
            0 | 1 => Op::Add(marker, next()),
            2 if !planned.is_empty() => {
                let at = rng.below(planned.len() as u64) as usize;
                Op::Update(planned[at].0.clone(), rng.below(100) as u32)
            }
            3 if !planned.is_empty() => {
                let at = rng.below(planned.len() as u64) as usize;
                Op::Delete(planned[at].0.clone())
            }
            _ => Op::Transaction((0..3).map(|k| (format!("{marker}-{k}"), next())).collect()),
        };
        apply(&op, &mut planned);
        ops.push(op);
    }
    let script: String = ops.iter().map(Op::script).collect();
    let mut child = command(db)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let errors = std::thread::spawn(move || {
        let mut all = String::new();
        let _ = std::io::Read::read_to_string(&mut BufReader::new(stderr), &mut all);
        all
    });
    let _ = stdin.write_all(script.as_bytes());
    // Kept open so the child does not see the end of its input.
    let stdout = child.stdout.take().unwrap();
    // Kill after a random number of report lines and a random few
    // milliseconds more, so kills land at every point of the workload:
    // between statements, inside one, inside a transaction.
    let total: usize = ops.iter().map(Op::reports).sum();
    let kill_after = rng.below(total as u64) as usize;
    let extra = Duration::from_micros(rng.below(15_000));
    let mut lines = Vec::new();
    let mut reader = BufReader::new(stdout);
    let mut killed = false;
    loop {
        if !killed && lines.len() >= kill_after {
            std::thread::sleep(extra);
            let _ = child.kill(); // SIGKILL
            killed = true;
        }
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) => lines.push(line),
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    drop(stdin);
    let delay = extra;
    // Killed, the child says nothing; a statement it refused would have
    // stopped the workload, and the cycle would test nothing.
    let errors = errors.join().unwrap();
    assert!(
        !errors.contains("error:"),
        "cycle {cycle}: the workload failed:\n{errors}"
    );

    // The statements whose every report line arrived were reported done.
    let mut reported = 0;
    let mut used = 0;
    for op in &ops {
        if used + op.reports() > lines.len() {
            break;
        }
        used += op.reports();
        reported += 1;
    }
    eprintln!(
        "cycle {cycle}: killed {delay:?} after report {kill_after}; {reported} of {} statements reported",
        ops.len()
    );
    let mut before = live.clone();
    for op in &ops[..reported] {
        apply(op, &mut before);
    }
    let stored = markers(db);
    let found = |m: &str| stored.iter().find(|(s, _)| s == m).map(|(_, c)| c.clone());
    // The statement in flight may or may not have landed, but whole.
    let mut after_next = before.clone();
    if let Some(next) = ops.get(reported) {
        apply(next, &mut after_next);
    }
    let matches = |state: &Vec<(String, u32)>| {
        state.len() == stored.len()
            && state.iter().all(|(m, c)| {
                found(m).is_some_and(|f| f.parse::<f64>().ok() == Some(*c as f64 / 100.0))
            })
    };
    assert!(
        matches(&before) || matches(&after_next),
        "cycle {cycle}: after {reported} reported statements the database holds {stored:?}, \
         expected {before:?} (or with the statement in flight, {after_next:?})"
    );
    *live = if matches(&before) { before } else { after_next };
    verify(db, cycle);
    reported
}

fn apply(op: &Op, state: &mut Vec<(String, u32)>) {
    match op {
        Op::Add(m, _) => state.push((m.clone(), 50)),
        Op::Update(m, c) => {
            for entry in state.iter_mut().filter(|(s, _)| s == m) {
                entry.1 = *c;
            }
        }
        Op::Delete(m) => state.retain(|(s, _)| s != m),
        Op::Transaction(ms) => state.extend(ms.iter().map(|(m, _)| (m.clone(), 50))),
    }
}

/// `update-source` killed mid-way: the text is the old one or the new one,
/// with its claims anchored to it, never a mixture.
fn update_source_cycle(db: &Path, cycle: usize, rng: &mut Rng, texts: &[std::path::PathBuf; 2]) {
    let file = &texts[cycle % 2];
    let mut child = command(db)
        .args(["update-source", "fp-lazarus-review"])
        .arg(file)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(rng.below(300)));
    let _ = child.kill();
    let _ = child.wait();
    verify(db, cycle);
}

/// Runs `args` as a child killed after `delay` (unless it ends first);
/// whether it finished, successfully, before the kill.
fn killed_after(db: &Path, args: &[&str], delay: Duration) -> bool {
    let mut child = command(db)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.success();
        }
        if started.elapsed() >= delay {
            let _ = child.kill();
            let _ = child.wait();
            return false;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// A column of the claims tagged `tag`, in id order.
fn tagged(db: &Path, column: &str, tag: &str) -> Vec<String> {
    let out = run(
        db,
        &[
            "--format",
            "csv",
            "query",
            &format!(r#"claims select {column} where has tag "{tag}" order by id"#),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
        .lines()
        .skip(1)
        .map(str::to_string)
        .collect()
}

/// A kill delay in milliseconds, for the build that runs: a release build
/// finishes the same workload about ten times as fast, and a kill that
/// lands after the end tests nothing.
fn scaled(debug_ms: u64) -> u64 {
    if cfg!(debug_assertions) {
        debug_ms
    } else {
        debug_ms / 10
    }
}

/// How many rows an import cycle writes, and a partial import's batch.
const IMPORT_ROWS: usize = 400;
const IMPORT_BATCH: usize = 50;

/// An import killed mid-way: all or nothing leaves every row or none; a
/// partial import leaves whole batches, the first ones, in order. Returns
/// the rows acknowledged (all of them when the import finished).
fn import_cycle(
    db: &Path,
    dir: &Path,
    cycle: usize,
    rng: &mut Rng,
    passage: &mut usize,
    partial: bool,
) -> usize {
    let tag = format!("import-{cycle}");
    let rows: Vec<String> = (0..IMPORT_ROWS)
        .map(|i| {
            *passage += 1;
            serde_json::json!({
                "type": "claim", "speaker": "White", "source": "ledger",
                "quote": sentence(*passage % SENTENCES), "statement": format!("{tag}-{i}"),
                "confidence": 0.5, "rationale": "crash test", "tags": [tag],
            })
            .to_string()
        })
        .collect();
    let file = dir.join(format!("{tag}.jsonl"));
    std::fs::write(&file, rows.join("\n") + "\n").unwrap();
    let file = file.to_str().unwrap();
    let batch = IMPORT_BATCH.to_string();
    // Both in batches: all or nothing commits them undoably (sled's undo
    // journal), so a kill leaves batches that the next open undoes.
    let args: Vec<&str> = if partial {
        vec!["import", "--partial", "--batch-rows", &batch, file]
    } else {
        vec!["import", "--batch-rows", &batch, file]
    };
    let delay = Duration::from_millis(rng.below(scaled(2_500)));
    let finished = killed_after(db, &args, delay);
    let stored = tagged(db, "statement", &tag);
    let expected: Vec<String> = (0..stored.len()).map(|i| format!("{tag}-{i}")).collect();
    assert_eq!(
        stored, expected,
        "cycle {cycle}: the import left rows out of order"
    );
    if finished {
        assert_eq!(
            stored.len(),
            IMPORT_ROWS,
            "cycle {cycle}: a finished import lost rows"
        );
    } else if partial {
        assert!(
            stored.len().is_multiple_of(IMPORT_BATCH) || stored.len() == IMPORT_ROWS,
            "cycle {cycle}: a partial import left {} rows, not whole batches of {IMPORT_BATCH}",
            stored.len()
        );
    } else {
        assert!(
            stored.is_empty() || stored.len() == IMPORT_ROWS,
            "cycle {cycle}: an all-or-nothing import left {} of {IMPORT_ROWS} rows",
            stored.len()
        );
    }
    eprintln!(
        "cycle {cycle}: import{} killed after {delay:?}: {}; {} of {IMPORT_ROWS} rows stored",
        if partial { " --partial" } else { "" },
        if finished {
            "it had finished"
        } else {
            "killed"
        },
        stored.len()
    );
    verify(db, cycle);
    if finished {
        IMPORT_ROWS
    } else {
        0
    }
}

/// `merge speaker` killed mid-way: the claims are all the merged
/// speaker's or all the kept one's, and the merged speaker is gone only
/// when all of them moved.
fn merge_cycle(db: &Path, cycle: usize, rng: &mut Rng, passage: &mut usize) {
    let name = format!("Clerk {cycle}");
    let tag = format!("merge-{cycle}");
    let mut script = format!("add speaker \"{name}\";\nbegin;\n");
    for i in 0..30 {
        *passage += 1;
        script += &format!(
            r#"add claim with speaker = "{name}", source = "ledger", quote = "{}", statement = "{tag}-{i}", confidence = 0.5, rationale = "crash test", tags = ("{tag}");"#,
            sentence(*passage % SENTENCES)
        );
        script += "\n";
    }
    script += "commit;\n";
    let out = support::run_within(db, &[], &script, Duration::from_secs(120)).unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let merge = format!(r#"merge speaker "{name}" into "White""#);
    let delay = Duration::from_millis(rng.below(scaled(400)));
    let finished = killed_after(db, &["query", &merge], delay);
    let speakers = tagged(db, "speaker", &tag);
    assert_eq!(speakers.len(), 30, "cycle {cycle}: {speakers:?}");
    let moved = speakers.iter().filter(|s| s.contains("White")).count();
    assert!(
        moved == 0 || moved == 30,
        "cycle {cycle}: a killed merge moved {moved} of 30 claims"
    );
    assert!(
        !finished || moved == 30,
        "cycle {cycle}: a finished merge moved {moved}"
    );
    // After a merge the name answers for the speaker kept (an alias).
    let out = run(
        db,
        &[
            "--format",
            "jsonl",
            "query",
            &format!(r#"speakers where name = "{name}""#),
        ],
    );
    let still_there = text(&out.stdout).contains(&format!(r#""name":"{name}""#));
    assert_eq!(
        still_there,
        moved == 0,
        "cycle {cycle}: the speaker is {} but {moved} claims moved",
        if still_there { "there" } else { "gone" }
    );
    eprintln!("cycle {cycle}: merge speaker killed after {delay:?}: {moved} of 30 claims moved");
    verify(db, cycle);
}

/// `verify --repair` killed mid-way, on a database with a stale count (put
/// there behind claimdb's back): afterwards the database is as it was or
/// repaired, never half of each.
fn repair_cycle(db: &Path, cycle: usize, rng: &mut Rng) {
    {
        let raw = support::raw_sled(db);
        let counts = raw.open_tree("counts").unwrap();
        let (key, _) = counts.iter().next().unwrap().unwrap();
        counts.insert(key, &[0u8; 8][..]).unwrap();
        raw.flush().unwrap();
    }
    let before = run(db, &["verify"]);
    assert!(!before.status.success(), "the stale count was not seen");
    let delay = Duration::from_millis(rng.below(scaled(600)));
    let finished = killed_after(db, &["verify", "--repair"], delay);
    let after = run(db, &["verify"]);
    let report = text(&after.stdout);
    assert!(
        after.status.success() || report == text(&before.stdout),
        "cycle {cycle}: a killed repair left\n{report}\nwhere the database had\n{}",
        text(&before.stdout)
    );
    assert!(
        !finished || after.status.success(),
        "cycle {cycle}: {report}"
    );
    eprintln!(
        "cycle {cycle}: verify --repair killed after {delay:?}: {}",
        if after.status.success() {
            "repaired"
        } else {
            "as it was"
        }
    );
    let out = run(db, &["verify", "--repair"]);
    assert!(out.status.success(), "{}", text(&out.stdout));
}

/// `vacuum` killed mid-way: afterwards the database at its path holds the
/// same claims, vacuumed or not, and verifies; what a killed vacuum leaves
/// beside it is only its backup, which the next vacuum replaces.
fn vacuum_cycle(db: &Path, cycle: usize, rng: &mut Rng) {
    let every = |db: &Path| {
        let out = run(
            db,
            &[
                "--format",
                "csv",
                "query",
                "claims select id, statement, confidence, quote, line, column order by id",
            ],
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let before = every(db);
    let delay = Duration::from_millis(rng.below(scaled(1500)));
    let finished = killed_after(db, &["vacuum"], delay);
    assert_eq!(
        every(db),
        before,
        "cycle {cycle}: vacuum killed after {delay:?}"
    );
    eprintln!(
        "cycle {cycle}: vacuum killed after {delay:?}: {}",
        if finished { "vacuumed" } else { "as it was" }
    );
    verify(db, cycle);
}

#[test]
fn acknowledged_writes_survive_kill_9() {
    let cycles: usize = std::env::var("CLAIMDB_CRASH_CYCLES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(9);
    let seed: u64 = std::env::var("CLAIMDB_CRASH_SEED")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    eprintln!("crash test: {cycles} cycles, CLAIMDB_CRASH_SEED={seed}");
    let mut rng = Rng(seed);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crash.db");
    assert!(run(&db, &["query", "count claims"]).status.success());
    let ledger: String = (0..SENTENCES).map(|n| sentence(n) + "\n").collect();
    let ledger_file = dir.path().join("ledger.txt");
    std::fs::write(&ledger_file, ledger).unwrap();
    let add = format!(
        "add source \"ledger\" with title = \"A ledger\", text_file = {:?}",
        ledger_file.display().to_string()
    );
    assert!(run(&db, &["query", &add]).status.success());
    let review = include_str!("../db-seed/texts/fp-lazarus-review.txt");
    let texts = [dir.path().join("a.txt"), dir.path().join("b.txt")];
    std::fs::write(&texts[0], format!("{review}\nA paragraph added later.\n")).unwrap();
    std::fs::write(&texts[1], review).unwrap();

    let started = Instant::now();
    let mut live = Vec::new();
    let mut passage = 0;
    let mut reported = 0;
    let mut imported = 0;
    for cycle in 0..cycles {
        let dir = dir.path();
        match cycle % 9 {
            1 => imported += import_cycle(&db, dir, cycle, &mut rng, &mut passage, false),
            3 => update_source_cycle(&db, cycle, &mut rng, &texts),
            5 => imported += import_cycle(&db, dir, cycle, &mut rng, &mut passage, true),
            6 => merge_cycle(&db, cycle, &mut rng, &mut passage),
            7 => repair_cycle(&db, cycle, &mut rng),
            8 => vacuum_cycle(&db, cycle, &mut rng),
            _ => reported += statements_cycle(&db, cycle, &mut rng, &mut live, &mut passage),
        }
    }
    eprintln!(
        "crash test: {cycles} kills survived in {:.1} s; {reported} statements and {imported} import rows acknowledged; {} crash claims live",
        started.elapsed().as_secs_f64(),
        live.len()
    );
    // A workload that stops writing tests nothing: the statements must
    // have been reported, cycle after cycle.
    let statement_cycles = (0..cycles).filter(|c| [0, 2, 4].contains(&(c % 9))).count();
    assert!(
        reported >= statement_cycles,
        "only {reported} statements were reported in {statement_cycles} cycles"
    );
}
