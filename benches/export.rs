//! Peak memory of exporting every claim, at 10,000 and at 100,000 claims:
//! `cargo bench --bench export`.
//!
//! Builds two databases of generated claims (on disk, with sled), then runs
//! the `claimdb` binary on each as a child process under `/usr/bin/time`
//! (GNU time) and reads its peak resident memory: `--format jsonl query
//! claims` streams rows to the output, so its peak should barely move with
//! the size of the corpus; `--format json` (one array, built whole) is
//! shown beside it for contrast. Prints each peak and the ratio 100k / 10k.
//!
//! sled's own footprint grows with the database whatever is read: its page
//! table holds an entry per page, so merely opening 100,000 claims costs
//! more than opening 10,000. Two baselines measure that share apart: open
//! plus `count claims` (no claim read), and a full scan that outputs
//! nothing (`claims where statement contains "no such words at all"`, which
//! reads every claim and matches none).
//! What the export adds above the full scan is the executor's and the
//! renderer's memory: that is what must not grow with the corpus.

use std::path::Path;
use std::process::Command;

use claimdb::{Db, Durability, NewClaim, NewSource, NewSpeaker, OpenOptions};

fn build(path: &Path, claims: u64) {
    let db = Db::open_with(
        path,
        OpenOptions::new()
            .seed(true)
            .seed(false)
            .durability(Durability::ProcessCrash),
    )
    .unwrap();
    db.write(|w| {
        w.add_source(&NewSource {
            id: "gen".into(),
            title: "Generated".into(),
            ..Default::default()
        })?;
        w.add_speaker(&NewSpeaker {
            name: "Generated Speaker".into(),
            aliases: vec![],
            description: None,
        })
        .map(|_| ())
    })
    .unwrap();
    for batch in 0..claims / 1_000 {
        db.write(|w| {
            for n in batch * 1_000..(batch + 1) * 1_000 {
                w.add_claim(&NewClaim {
                    speaker: "Generated Speaker".into(),
                    source: "gen".into(),
                    origin: None,
                    quote: format!("a generated quote of some length, number {n}, to export"),
                    statement: format!("A generated statement, number {n}."),
                    confidence: (n % 10_000) as f64 / 10_000.0,
                    rationale: "generated for the export benchmark".into(),
                    tags: vec![format!("t{}", n % 7), "generated".into()],
                    key: None,
                    ..Default::default()
                })?;
            }
            Ok(())
        })
        .unwrap();
    }
}

/// Peak resident memory (KiB) of `claimdb --db path --format format query QUERY`.
fn peak_kib(path: &Path, format: &str, query: &str) -> Option<u64> {
    let out = Command::new("/usr/bin/time")
        .args(["-f", "%M"])
        .arg(env!("CARGO_BIN_EXE_claimdb"))
        .arg("--db")
        .arg(path)
        .args(["--format", format, "query", query])
        .stdout(std::process::Stdio::null())
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .last()?
        .trim()
        .parse()
        .ok()
}

fn main() {
    // CLAIMDB_BENCH_DIR keeps the generated databases there and reuses
    // them on the next run; by default they go to a temporary folder.
    let temp = tempfile::tempdir_in(".").unwrap();
    let dir = std::env::var_os("CLAIMDB_BENCH_DIR")
        .map_or_else(|| temp.path().to_path_buf(), std::path::PathBuf::from);
    let sizes = [10_000u64, 100_000];
    for &n in &sizes {
        let path = dir.join(format!("{n}.db"));
        if !path.exists() {
            build(&path, n);
        }
    }
    let peak =
        |n: u64, format: &str, query: &str| peak_kib(&dir.join(format!("{n}.db")), format, query);
    let row = |label: &str, peaks: [Option<u64>; 2]| match peaks {
        [Some(a), Some(b)] => {
            println!("{label:<34} {a:>10} {b:>10} {:>6.2}x", b as f64 / a as f64)
        }
        _ => println!("{label:<34} (no figure: /usr/bin/time must be GNU time, package `time`)"),
    };
    println!("peak memory (KiB, GNU time %M) of one claimdb process");
    println!(
        "{:<34} {:>10} {:>10} {:>7}",
        "", "10,000", "100,000", "ratio"
    );
    let open = sizes.map(|n| peak(n, "table", "count claims"));
    row("open + count claims (no claim read)", open);
    let scan = sizes.map(|n| {
        peak(
            n,
            "table",
            "claims where statement contains \"no such words at all\"",
        )
    });
    row("full scan, no output", scan);
    for format in ["jsonl", "csv", "json"] {
        let export = sizes.map(|n| peak(n, format, "claims"));
        row(&format!("export {format}"), export);
        // A difference of a few hundred KiB is the noise of RSS itself, so
        // this line shows the growth in KiB rather than a ratio.
        let above = [0, 1].map(|i| Some(export[i]? as i64 - scan[i]? as i64));
        if let [Some(a), Some(b)] = above {
            println!(
                "{:<34} {a:>10} {b:>10} {:>+7} KiB",
                format!("  {format} above the full scan"),
                b - a
            );
        }
    }
}
