//! claimdb against SQLite, side by side, on the same generated corpus.
//!
//! ```text
//! cargo run --release -p claimdb-compare                    # 100,000 claims
//! cargo run --release -p claimdb-compare -- --claims 1000000
//! ```
//!
//! Generates the corpus (`corpus.rs`, fixed seed), loads it into claimdb
//! (sled, fsync on commit, every claim citation-checked) and into SQLite
//! (WAL, `synchronous=FULL`, indexes equivalent to claimdb's, FTS5 on the
//! quotes), 1,000 claims per transaction, then runs the same workload on
//! both and prints one table: medians, and the ratio claimdb / SQLite
//! (below 1 means claimdb is faster). Each load and each query runs in a
//! child process of its own (this program, run with `child ...`), so that
//! the peak memory it reports (`VmHWM`) belongs to that engine alone, and
//! "fresh process" means what it says: open plus the first query.

mod bulk;
mod corpus;
mod engines;

use std::path::{Path, PathBuf};
use std::process::Command;

use engines::{Engine, Measured, QUERIES};

// The allocator the `claimdb` command uses, so that the figures are its.
claimdb::tuned_allocator!();

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("child") {
        engines::child(&args[1..]);
        return;
    }
    let mut claims: u64 = 100_000;
    let mut dir: Option<PathBuf> = None;
    // A PostgreSQL database to create the PostgreSQL engine's database
    // from (`--postgres URL`, or CLAIMDB_TEST_POSTGRES); without one the
    // run compares sled and SQLite only.
    let mut bulk_only = false;
    let mut postgres = std::env::var("CLAIMDB_TEST_POSTGRES")
        .ok()
        .filter(|u| !u.is_empty());
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--claims" => {
                claims = it
                    .next()
                    .and_then(|n| n.replace(['_', ','], "").parse().ok())
                    .unwrap_or_else(|| usage("--claims takes a number"))
            }
            "--dir" => dir = it.next().map(PathBuf::from),
            "--import" => bulk_only = true,
            "--postgres" => postgres = it.next().cloned(),
            "-h" | "--help" => usage(""),
            other => usage(&format!("unknown argument {other}")),
        }
    }
    if claims < 1_000 || !claims.is_multiple_of(1_000) {
        usage("--claims takes a multiple of 1,000");
    }
    // The databases go to --dir (kept, and reused when they hold the same
    // number of claims), or to a temporary folder removed at the end.
    let temp = std::env::temp_dir().join(format!("claimdb-compare-{}", std::process::id()));
    let base = dir.clone().unwrap_or_else(|| temp.clone());
    std::fs::create_dir_all(&base).expect("create the benchmark folder");
    println!(
        "claimdb (this checkout) vs SQLite {}: {claims} claims, {} sources of ~50 KB, {} speakers; {}",
        rusqlite::version(),
        corpus::SOURCES,
        corpus::SPEAKERS,
        machine()
    );
    if bulk_only {
        bulk::run(&base, claims, &|args| run_task(args));
        if dir.is_none() {
            let _ = std::fs::remove_dir_all(&temp);
        }
        return;
    }
    let mut results: Vec<(Engine, Vec<Measured>)> = Vec::new();
    let mut engines = vec![Engine::Claimdb];
    if postgres.is_some() {
        engines.push(Engine::ClaimdbPostgres);
    }
    engines.push(Engine::Sqlite);
    for engine in engines {
        let path = match (engine, &postgres) {
            (Engine::ClaimdbPostgres, Some(admin)) => {
                PathBuf::from(fresh_postgres_database(admin, claims))
            }
            _ => base.join(format!("{}-{claims}", engine.name())),
        };
        let load = if path.exists() && dir.is_some() {
            println!("{}: reusing {}", engine.name(), path.display());
            None
        } else {
            let _ = std::fs::remove_dir_all(&path);
            let _ = std::fs::remove_file(&path);
            let m = run_child(engine, &path, &["load", &claims.to_string()]);
            println!(
                "{}: loaded {claims} claims in {:.1} s ({:.0} claims/s), peak {} MiB",
                engine.name(),
                m.first_ms / 1e3,
                claims as f64 / (m.first_ms / 1e3),
                m.peak_kib / 1024
            );
            Some(m)
        };
        let mut measured = vec![load.unwrap_or_default()];
        for (i, q) in QUERIES.iter().enumerate() {
            let m = run_child(
                engine,
                &path,
                &["query", &i.to_string(), &claims.to_string()],
            );
            println!(
                "{}: {:<34} first {:>9.2} ms, median {:>9.3} ms, {} rows, peak {} MiB",
                engine.name(),
                q.name,
                m.first_ms,
                m.median_ms,
                m.rows,
                m.peak_kib / 1024
            );
            measured.push(m);
        }
        // A fresh process again, now that the database has been opened and
        // closed (sled replays its log on the first open after a load).
        measured.push(run_child(
            engine,
            &path,
            &["query", "0", &claims.to_string()],
        ));
        measured.push(Measured {
            rows: match engine {
                Engine::ClaimdbPostgres => postgres_bytes(&path),
                _ => disk_bytes(&path),
            },
            ..Default::default()
        });
        results.push((engine, measured));
    }
    print_table(claims, &results);
    if dir.is_none() {
        let _ = std::fs::remove_dir_all(&temp);
    }
}

fn usage(problem: &str) -> ! {
    if !problem.is_empty() {
        eprintln!("error: {problem}");
    }
    eprintln!("usage: claimdb-compare [--claims N] [--dir DIR] [--postgres URL] [--import]\n  --import: whole-corpus work instead (import of one JSON Lines file, verify, check, export; memory)\n  N: claims to generate (default 100000, a multiple of 1000)\n  DIR: keep the databases there and reuse them on the next run\n  URL: a PostgreSQL database to create claimdb's PostgreSQL database beside (default: $CLAIMDB_TEST_POSTGRES); without it, sled and SQLite only");
    std::process::exit(if problem.is_empty() { 0 } else { 2 })
}

/// Runs this program as a child for one engine and one task; returns what it measured.
fn run_child(engine: Engine, path: &Path, task: &[&str]) -> Measured {
    let path = path.to_str().expect("a UTF-8 path");
    let mut args = vec![engine.name(), path];
    args.extend_from_slice(task);
    run_task(&args)
}

/// Runs `child ARGS...`; returns what it measured.
fn run_task(args: &[&str]) -> Measured {
    let exe = std::env::current_exe().expect("the benchmark's own path");
    let out = Command::new(exe)
        .arg("child")
        .args(args)
        .output()
        .expect("run a child");
    if !out.status.success() {
        panic!("{args:?} failed:\n{}", String::from_utf8_lossy(&out.stderr));
    }
    Measured::parse(&String::from_utf8_lossy(&out.stdout))
        .unwrap_or_else(|| panic!("{args:?}: no figures in its output"))
}

/// A new database `claimdb_compare_N` on the server of `admin`, dropped
/// first if a run left one; its URL.
fn fresh_postgres_database(admin: &str, claims: u64) -> String {
    let name = format!("claimdb_compare_{claims}");
    let mut client =
        postgres::Client::connect(admin, postgres::NoTls).expect("the PostgreSQL server");
    for statement in [
        format!("drop database if exists {name}"),
        format!("create database {name}"),
    ] {
        client
            .batch_execute(&statement)
            .expect("a database for the comparison");
    }
    let (before, after) = admin.split_once('?').unwrap_or((admin, ""));
    let base = before.rsplit_once('/').map_or(before, |(b, _)| b);
    if after.is_empty() {
        format!("{base}/{name}")
    } else {
        format!("{base}/{name}?{after}")
    }
}

/// What the PostgreSQL database takes on disk (tables, indexes, TOAST).
fn postgres_bytes(url: &Path) -> u64 {
    let mut client = postgres::Client::connect(url.to_str().unwrap(), postgres::NoTls)
        .expect("the PostgreSQL database");
    let size: i64 = client
        .query_one("select pg_database_size(current_database())", &[])
        .expect("its size")
        .get(0);
    size as u64
}

fn disk_bytes(path: &Path) -> u64 {
    let mut total = 0;
    let siblings = [
        path.to_path_buf(),
        PathBuf::from(format!("{}-wal", path.display())),
        PathBuf::from(format!("{}-shm", path.display())),
    ];
    for p in siblings {
        total += tree_bytes(&p);
    }
    total
}

fn tree_bytes(p: &Path) -> u64 {
    match std::fs::metadata(p) {
        Ok(m) if m.is_dir() => std::fs::read_dir(p)
            .map(|entries| entries.flatten().map(|e| tree_bytes(&e.path())).sum())
            .unwrap_or(0),
        Ok(m) => m.len(),
        Err(_) => 0,
    }
}

/// One table: a column per engine (SQLite last), and a ratio to SQLite per
/// claimdb engine (below 1, claimdb is faster).
fn print_table(claims: u64, results: &[(Engine, Vec<Measured>)]) {
    let (sqlite, ours) = results.split_last().expect("SQLite ran");
    let s = &sqlite.1;
    let column = |e: Engine| match e {
        Engine::Claimdb => "claimdb (sled)",
        Engine::ClaimdbPostgres => "claimdb (PostgreSQL)",
        Engine::Sqlite => "SQLite",
    };
    let names: Vec<&str> = ours.iter().map(|(e, _)| column(*e)).collect();
    let ratios: Vec<String> = names.iter().map(|n| format!("ratio, {n}")).collect();
    println!();
    println!(
        "| at {claims} claims | {} | SQLite | {} |",
        names.join(" | "),
        ratios.join(" | ")
    );
    println!(
        "|---|{}---|{}",
        "---|".repeat(names.len()),
        "---|".repeat(names.len())
    );
    let row = |what: String, cells: Vec<String>, theirs: String, r: Vec<f64>| {
        let r: Vec<String> = r.iter().map(|x| format!("{x:.2}")).collect();
        println!(
            "| {what} | {} | {theirs} | {} |",
            cells.join(" | "),
            r.join(" | ")
        );
    };
    if ours.iter().all(|(_, m)| m[0].first_ms > 0.0) && s[0].first_ms > 0.0 {
        let rate = |m: &[Measured]| claims as f64 / (m[0].first_ms / 1e3);
        row(
            "load, 1,000 claims per transaction (claims/s; ratio: SQLite's rate / claimdb's)"
                .into(),
            ours.iter()
                .map(|(_, m)| format!("{:.0}", rate(m)))
                .collect(),
            format!("{:.0}", rate(s)),
            ours.iter().map(|(_, m)| rate(s) / rate(m)).collect(),
        );
        row(
            "peak memory of the load (MiB)".into(),
            ours.iter()
                .map(|(_, m)| (m[0].peak_kib / 1024).to_string())
                .collect(),
            (s[0].peak_kib / 1024).to_string(),
            ours.iter()
                .map(|(_, m)| m[0].peak_kib as f64 / s[0].peak_kib as f64)
                .collect(),
        );
    }
    for (i, q) in QUERIES.iter().enumerate() {
        row(
            format!(
                "`{}`: warm (median; {} rows on average)",
                q.claimdb,
                ours[0].1[i + 1].rows
            ),
            ours.iter().map(|(_, m)| ms(m[i + 1].median_ms)).collect(),
            ms(s[i + 1].median_ms),
            ours.iter()
                .map(|(_, m)| m[i + 1].median_ms / s[i + 1].median_ms)
                .collect(),
        );
        row(
            "    cold (the first run in a fresh process, after opening)".into(),
            ours.iter().map(|(_, m)| ms(m[i + 1].cold_ms)).collect(),
            ms(s[i + 1].cold_ms),
            ours.iter()
                .map(|(_, m)| m[i + 1].cold_ms / s[i + 1].cold_ms)
                .collect(),
        );
    }
    row(
        format!(
            "first process after the load: open + `{}`",
            QUERIES[0].claimdb
        ),
        ours.iter().map(|(_, m)| ms(m[1].first_ms)).collect(),
        ms(s[1].first_ms),
        ours.iter()
            .map(|(_, m)| m[1].first_ms / s[1].first_ms)
            .collect(),
    );
    let fresh = QUERIES.len() + 1;
    row(
        format!("fresh process: open + `{}`", QUERIES[0].claimdb),
        ours.iter().map(|(_, m)| ms(m[fresh].first_ms)).collect(),
        ms(s[fresh].first_ms),
        ours.iter()
            .map(|(_, m)| m[fresh].first_ms / s[fresh].first_ms)
            .collect(),
    );
    let peak = |m: &[Measured]| {
        m[1..=QUERIES.len()]
            .iter()
            .map(|q| q.peak_kib)
            .max()
            .unwrap_or(0)
    };
    row(
        "peak memory of a query process (MiB)".into(),
        ours.iter()
            .map(|(_, m)| (peak(m) / 1024).to_string())
            .collect(),
        (peak(s) / 1024).to_string(),
        ours.iter()
            .map(|(_, m)| peak(m) as f64 / peak(s) as f64)
            .collect(),
    );
    let disk = QUERIES.len() + 2;
    row(
        "disk (MB; SQLite's with FTS5)".into(),
        ours.iter()
            .map(|(_, m)| format!("{:.1}", m[disk].rows as f64 / 1e6))
            .collect(),
        format!("{:.1}", s[disk].rows as f64 / 1e6),
        ours.iter()
            .map(|(_, m)| m[disk].rows as f64 / s[disk].rows as f64)
            .collect(),
    );
}

fn ms(v: f64) -> String {
    if v >= 1000.0 {
        format!("{:.2} s", v / 1e3)
    } else if v >= 1.0 {
        format!("{v:.1} ms")
    } else {
        format!("{:.0} µs", v * 1e3)
    }
}

fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    format!("{cores} cores, {cpu}")
}
