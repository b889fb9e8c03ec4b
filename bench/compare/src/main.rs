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

mod corpus;
mod engines;

use std::path::{Path, PathBuf};
use std::process::Command;

use engines::{Engine, Measured, QUERIES};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("child") {
        engines::child(&args[1..]);
        return;
    }
    let mut claims: u64 = 100_000;
    let mut dir: Option<PathBuf> = None;
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
    let mut results: Vec<(Engine, Vec<Measured>)> = Vec::new();
    for engine in [Engine::Claimdb, Engine::Sqlite] {
        let path = base.join(format!("{}-{claims}", engine.name()));
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
            rows: disk_bytes(&path),
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
    eprintln!("usage: claimdb-compare [--claims N] [--dir DIR]\n  N: claims to generate (default 100000, a multiple of 1000)\n  DIR: keep the databases there and reuse them on the next run");
    std::process::exit(if problem.is_empty() { 0 } else { 2 })
}

/// Runs this program as a child for one engine and one task; returns what it measured.
fn run_child(engine: Engine, path: &Path, task: &[&str]) -> Measured {
    let exe = std::env::current_exe().expect("the benchmark's own path");
    let out = Command::new(exe)
        .arg("child")
        .arg(engine.name())
        .arg(path)
        .args(task)
        .output()
        .expect("run a child");
    if !out.status.success() {
        panic!(
            "{} {task:?} failed:\n{}",
            engine.name(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Measured::parse(&String::from_utf8_lossy(&out.stdout))
        .unwrap_or_else(|| panic!("{} {task:?}: no figures in its output", engine.name()))
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

fn print_table(claims: u64, results: &[(Engine, Vec<Measured>)]) {
    let (c, s) = (&results[0].1, &results[1].1);
    println!();
    println!("| at {claims} claims | claimdb | SQLite | ratio |");
    println!("|---|---|---|---|");
    if c[0].first_ms > 0.0 && s[0].first_ms > 0.0 {
        let (rc, rs) = (
            claims as f64 / (c[0].first_ms / 1e3),
            claims as f64 / (s[0].first_ms / 1e3),
        );
        println!(
            "| load, 1,000 claims per transaction | {rc:.0} claims/s | {rs:.0} claims/s | {:.2} (rate SQLite / claimdb) |",
            rs / rc
        );
        println!(
            "| peak memory of the load | {} MiB | {} MiB | {:.2} |",
            c[0].peak_kib / 1024,
            s[0].peak_kib / 1024,
            c[0].peak_kib as f64 / s[0].peak_kib as f64
        );
    }
    for (i, q) in QUERIES.iter().enumerate() {
        let (a, b) = (&c[i + 1], &s[i + 1]);
        println!(
            "| `{}` (median, {} rows) | {} | {} | {:.2} |",
            engines::fill(q.claimdb, claims),
            a.rows,
            ms(a.median_ms),
            ms(b.median_ms),
            a.median_ms / b.median_ms
        );
    }
    let (a, b) = (&c[1], &s[1]);
    println!(
        "| first process after the load: open + `{}` | {} | {} | {:.2} |",
        engines::fill(QUERIES[0].claimdb, claims),
        ms(a.first_ms),
        ms(b.first_ms),
        a.first_ms / b.first_ms
    );
    let (a, b) = (&c[QUERIES.len() + 1], &s[QUERIES.len() + 1]);
    println!(
        "| fresh process: open + `{}` | {} | {} | {:.2} |",
        engines::fill(QUERIES[0].claimdb, claims),
        ms(a.first_ms),
        ms(b.first_ms),
        a.first_ms / b.first_ms
    );
    let peak = |m: &[Measured]| {
        m[1..=QUERIES.len()]
            .iter()
            .map(|q| q.peak_kib)
            .max()
            .unwrap_or(0)
    };
    println!(
        "| peak memory of a query process | {} MiB | {} MiB | {:.2} |",
        peak(c) / 1024,
        peak(s) / 1024,
        peak(c) as f64 / peak(s) as f64
    );
    let (dc, ds) = (c[QUERIES.len() + 2].rows, s[QUERIES.len() + 2].rows);
    println!(
        "| disk | {:.1} MB | {:.1} MB (FTS5 included) | {:.2} |",
        dc as f64 / 1e6,
        ds as f64 / 1e6,
        dc as f64 / ds as f64
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
